/* indicators.h — the indicators stage: every figure of docs/requirements.md "Indicators" from
 * the joined dataset — per period counts, splits and rates with Wilson intervals, year-over-
 * year changes with their tests, and progress towards the target with a linear projection.
 * Exact definitions: docs/indicators.md.
 *
 * Lifecycle: indicators_compute() once → read the figures → indicators_free().
 * Ownership: the figures (and everything they point to) are allocated by this stage and
 * freed by indicators_free(); site names point into the dataset, which must outlive them.
 */
#ifndef IMPACT_INDICATORS_H
#define IMPACT_INDICATORS_H

#include "stages/common/error.h"
#include "stages/common/figures.h"
#include "stages/common/records.h"

#include <stdbool.h>

enum period_kind { PERIOD_CALENDAR_YEAR, PERIOD_SCHOOL_YEAR };

struct site_target {
    const char *site; /* matched to the data's sites after folding (fold_label: case, accents
                         and spaces do not matter) */
    long target;
};

struct indicators_options {
    enum period_kind period_kind;
    int school_year_start_month; /* 1–12, for PERIOD_SCHOOL_YEAR */
    day_t first, last;           /* periods cover these dates; DAY_NONE: from the data */
    double confidence;           /* of every interval, e.g. 0.95 */
    long target;                 /* overall target in persons; 0 for none */
    day_t deadline;              /* DAY_NONE for none */
    bool target_roles[ROLE_COUNT];
    size_t n_site_targets;
    const struct site_target *site_targets; /* each must match one site of the data */
    const char *config_path; /* named in the error about a site target; may be NULL */
    int trend_quarters;      /* quarters in the projection's fit */
    /* A period is partial when the latest session date is more than this many days before
     * its end (0: any day before it): a programme's last sessions before a holiday do not
     * make a year partial, an export taken in October does. */
    int partial_gap_days;
    size_t n_bands; /* dosage bands, in increasing order, covering 1 … and more */
    struct dosage_band bands[FIGURES_MAX_BANDS];
};

/* Fails (stage "config", file options->config_path) when a site target names no site of the
 * data, listing the sites found nearest first, or when two name the same site; (stage
 * "indicators") when the data are beyond what the figures can index. *out is set either way
 * and must be freed. */
int indicators_compute(const struct dataset *data, const struct indicators_options *options,
                       struct figures **out, struct impact_error *err);
void indicators_free(struct figures *figures);

#endif
