/* disclose.h — disclosure control: the public copy of the figures, with small cells withheld
 * so that no published figure reveals a group of fewer than k persons (k = config
 * `disclosure.threshold`, 11 by default). Charts and public/indicators.json are drawn from
 * this copy only; the internal figures are left untouched.
 *
 * The rules (docs/indicators.md "Public figures" has the same with examples):
 *
 * 1. Primary suppression (WITHHELD_SMALL_CELL). A count of PERSONS from 1 to k−1 is
 *    withheld: beneficiaries, new_beneficiaries, cumulative_beneficiaries, every cell of the
 *    role, sex, site and dosage-band splits, every quarterly cumulative count (overall and
 *    per site), a target's `reached` and `reached_by_deadline`. Zero is never withheld: it
 *    reveals nobody. Sessions, QPV sessions and attendances count sessions, not persons,
 *    and are always shown — so qpv_share is too.
 *    A rate over persons (employment, positive_outcome, share_girls, employment by dosage
 *    band) is a 2×2 table: numerator and denominator − numerator are persons, so it is
 *    withheld when its denominator, its numerator or the difference is from 1 to k−1
 *    (e.g. 3/50: three people in employment). A rate with denominator 0 is already null.
 *
 * 2. Complementary suppression (WITHHELD_COMPLEMENTARY), repeated until nothing changes.
 *    For every additive relation between published cells — beneficiaries = Σ by role,
 *    = Σ by sex, = Σ by dosage band; cumulative(p) = cumulative(p−1) + new(p), with
 *    cumulative(first) = new(first) = beneficiaries(first); employment = Σ employment by
 *    band (numerators and denominators); cumulative(p) = the overall quarterly count on
 *    p's last day + the persons of roles outside the target (in the first period that
 *    difference is made of by_role cells, so it is a cell, small when 1 to k−1, never
 *    picked as a complement; later the relation is used when it is 0); reached = the last
 *    quarter's count; reached_by_deadline = the deadline quarter's count, or reached, when
 *    they are equal — when exactly one member is withheld, the smallest non-zero shown
 *    member is withheld too (a part before the total on a tie, then the lower index), so
 *    the withheld cell cannot be recovered by subtraction. A relation is used only when it
 *    holds in the figures (it cannot be exploited otherwise). share_girls shows F as
 *    numerator and M as denominator − numerator, so it is withheld whenever F or M is.
 *    beneficiaries_by_site is not additive (a person can count at several sites): primary
 *    suppression only.
 *
 * 3. Derived figures. Dosage (quartiles, mean) is withheld with beneficiaries: the mean is
 *    attendances / beneficiaries and attendances are shown. A year-over-year count change
 *    (of a count or of a role, sex or site cell) is withheld when either of its counts is,
 *    a rate change — with the changes of its numerator and denominator — when either rate
 *    is (small_cell if either is a small cell). A projection fitted on a withheld quarter is
 *    withheld (defined false, reason DISCLOSE_PROJECTION_WITHHELD): slope and date
 *    together with the other points would give the withheld one back.
 *
 * Every withheld value is zeroed in the copy and flagged in `withheld`; readers must show
 * the flag, never the 0. figures.suppression_threshold is set to k.
 *
 * Limits, stated in docs/indicators.md: the sum of two withheld cells of one relation can
 * be known (parent + unknown = 5); other differences between shown counts of persons are
 * not checked — consecutive quarters, reached − reached_by_deadline, cumulative − the
 * year-end quarter after the first period, a site's first-period count against its
 * quarters —; relations with anything not published here are not considered; the
 * smallest-cell choice is simple, not the least loss of information.
 *
 * Lifecycle: disclose_public() once after the indicators → read the copy → disclose_free().
 * Ownership: the copy owns its arrays (periods, by_site, withheld.by_site, quarters,
 * sites); names and site_names still point into the internal figures' dataset, which must
 * outlive the copy.
 */
#ifndef IMPACT_DISCLOSE_H
#define IMPACT_DISCLOSE_H

#include "stages/common/error.h"
#include "stages/common/figures.h"

/* projection.reason of a withheld projection. */
#define DISCLOSE_PROJECTION_WITHHELD "withheld: fitted on withheld quarters"

/* Fails (stage "disclose") only when threshold_k < 1. */
int disclose_public(const struct figures *internal, int threshold_k, struct figures **public_out,
                    struct impact_error *err);
void disclose_free(struct figures *figures);

#endif
