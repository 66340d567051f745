/* disclose.c — the public copy of the figures: primary suppression of small cells, then
 * complementary suppression over the additive relations until stable, then the figures
 * derived from withheld ones, then zeroing. The rules and their limits: disclose.h.
 *
 * Every cell that can be withheld is seen here as {value, flag}: the relations hold
 * pointers to the copy's flags, so one loop serves counts, split cells, quarters, targets
 * and rates (a rate's value is its denominator). Values are read before anything is
 * zeroed. */
#include "stages/disclose.h"

#include "stages/common/arena.h"

#include <stdlib.h>
#include <string.h>

static const char STAGE[] = "disclose";

enum { MAX_MEMBERS = 1 + FIGURES_MAX_BANDS };

struct cell {
    long value;
    uint8_t *flag;    /* enum withheld, in the copy */
    bool unpublished; /* a difference of published cells: withholding it would hide nothing */
};

/* cells[0] = cells[1] + … + cells[n-1]. */
struct relation {
    int n;
    struct cell cells[MAX_MEMBERS];
};

/* The relations, and the flags of the unpublished differences some of them contain. */
struct relations {
    size_t n, capacity;
    struct relation *items;
    uint8_t first_gap; /* first period: cumulative − the quarter ending with it (see below) */
    int k;
};

/* The counts of persons; the others count sessions or attendances. */
static const enum count_kind person_counts[] = {COUNT_BENEFICIARIES, COUNT_NEW_BENEFICIARIES,
                                                COUNT_CUMULATIVE_BENEFICIARIES};

/* Rates whose numerator and denominator are persons (qpv_share counts sessions). */
static const bool person_rate[RATE_KINDS] = {
    [RATE_EMPLOYMENT] = true, [RATE_POSITIVE_OUTCOME] = true, [RATE_SHARE_GIRLS] = true};

/* ---- deep copy ---- */

static void *copy_array(const void *from, size_t count, size_t size)
{
    void *to = xcalloc(count, size);
    if (from && count)
        memcpy(to, from, count * size);
    return to;
}

static void copy_period(struct period_figures *to, const struct period_figures *from,
                        size_t n_sites)
{
    *to = *from;
    to->by_site = copy_array(from->by_site, n_sites, sizeof *to->by_site);
    to->site_changes = copy_array(from->site_changes, n_sites, sizeof *to->site_changes);
    to->withheld = (struct period_withheld){0};
    to->withheld.by_site = xcalloc(n_sites, sizeof *to->withheld.by_site);
    to->withheld.site_changes = xcalloc(n_sites, sizeof *to->withheld.site_changes);
}

static void copy_target(struct target_progress *to, const struct target_progress *from)
{
    *to = *from;
    to->quarters = copy_array(from->quarters, from->n_quarters, sizeof *to->quarters);
    for (size_t q = 0; q < to->n_quarters; q++)
        to->quarters[q].withheld = WITHHELD_NONE;
    to->withheld = to->withheld_by_deadline = WITHHELD_NONE;
}

static struct figures *copy_figures(const struct figures *in)
{
    struct figures *out = xmalloc(sizeof *out);
    *out = *in;
    out->periods = xcalloc(in->n_periods, sizeof *out->periods);
    for (size_t p = 0; p < in->n_periods; p++)
        copy_period(&out->periods[p], &in->periods[p], in->n_sites);
    copy_target(&out->overall, &in->overall);
    out->sites = xcalloc(in->n_sites, sizeof *out->sites);
    for (size_t s = 0; in->sites && s < in->n_sites; s++)
        copy_target(&out->sites[s], &in->sites[s]);
    return out;
}

void disclose_free(struct figures *f)
{
    if (!f)
        return;
    for (size_t p = 0; p < f->n_periods; p++) {
        free(f->periods[p].by_site);
        free(f->periods[p].withheld.by_site);
        free(f->periods[p].site_changes);
        free(f->periods[p].withheld.site_changes);
    }
    free(f->periods);
    free(f->overall.quarters);
    for (size_t s = 0; s < f->n_sites; s++)
        free(f->sites[s].quarters);
    free(f->sites);
    free(f);
}

/* ---- primary suppression ---- */

static bool is_small(long value, int k)
{
    return value >= 1 && value < k;
}

static void mark_small(uint8_t *flag, long value, int k)
{
    if (is_small(value, k))
        *flag = WITHHELD_SMALL_CELL;
}

/* A person rate is a 2×2 table: both of its cells and its margin must be safe. */
static bool rate_is_small(const struct rate *r, int k)
{
    return is_small(r->denominator, k) || is_small(r->numerator, k) ||
           is_small(r->denominator - r->numerator, k);
}

static void mark_rate(uint8_t *flag, const struct rate *r, int k)
{
    if (rate_is_small(r, k))
        *flag = WITHHELD_SMALL_CELL;
}

static void primary_period(struct period_figures *p, const struct figures *f, int k)
{
    struct period_withheld *w = &p->withheld;
    for (size_t i = 0; i < sizeof person_counts / sizeof person_counts[0]; i++)
        mark_small(&w->counts[person_counts[i]], p->counts[person_counts[i]], k);
    for (int r = 0; r < ROLE_COUNT; r++)
        mark_small(&w->by_role[r], p->by_role[r], k);
    for (int s = 0; s < SEX_COUNT; s++)
        mark_small(&w->by_sex[s], p->by_sex[s], k);
    for (size_t s = 0; p->by_site && s < f->n_sites; s++)
        mark_small(&w->by_site[s], p->by_site[s], k);
    for (int r = 0; r < RATE_KINDS; r++)
        if (person_rate[r])
            mark_rate(&w->rates[r], &p->rates[r], k);
    for (size_t b = 0; b < f->n_bands; b++) {
        mark_small(&w->by_band[b], p->by_band[b], k);
        mark_rate(&w->employment_by_band[b], &p->employment_by_band[b], k);
    }
}

static void primary_target(struct target_progress *t, int k)
{
    for (size_t q = 0; q < t->n_quarters; q++)
        mark_small(&t->quarters[q].withheld, t->quarters[q].cumulative, k);
    mark_small(&t->withheld, t->reached, k);
    if (t->has_deadline)
        mark_small(&t->withheld_by_deadline, t->reached_by_deadline, k);
}

/* ---- the relations ---- */

static struct cell cell_of(long value, uint8_t *flag)
{
    return (struct cell){value, flag, false};
}

/* Keeps the relation only when it holds: one that does not cannot be used to subtract. */
static void add_relation(struct relations *rs, const struct cell *cells, int n)
{
    long parts = 0;
    for (int i = 1; i < n; i++)
        parts += cells[i].value;
    if (n < 2 || parts != cells[0].value)
        return;
    xgrow((void **)&rs->items, &rs->capacity, rs->n + 1, sizeof *rs->items);
    struct relation *r = &rs->items[rs->n++];
    r->n = n;
    memcpy(r->cells, cells, (size_t)n * sizeof *cells);
}

static void add_pair(struct relations *rs, struct cell a, struct cell b)
{
    struct cell cells[2] = {a, b};
    add_relation(rs, cells, 2);
}

static struct cell count_cell(struct period_figures *p, enum count_kind k)
{
    return cell_of(p->counts[k], &p->withheld.counts[k]);
}

/* beneficiaries = Σ parts (role, sex or dosage band). */
static void add_split(struct relations *rs, struct period_figures *p, const long *parts,
                      uint8_t *flags, size_t n)
{
    struct cell cells[MAX_MEMBERS];
    cells[0] = count_cell(p, COUNT_BENEFICIARIES);
    for (size_t i = 0; i < n; i++)
        cells[1 + i] = cell_of(parts[i], &flags[i]);
    add_relation(rs, cells, (int)n + 1);
}

/* employment = Σ employment by band, numerators and denominators alike. */
static void add_band_rates(struct relations *rs, struct period_figures *p, size_t n_bands)
{
    struct cell cells[MAX_MEMBERS];
    long numerators = 0;
    cells[0] = cell_of(p->rates[RATE_EMPLOYMENT].denominator, &p->withheld.rates[RATE_EMPLOYMENT]);
    for (size_t b = 0; b < n_bands; b++) {
        numerators += p->employment_by_band[b].numerator;
        cells[1 + b] =
            cell_of(p->employment_by_band[b].denominator, &p->withheld.employment_by_band[b]);
    }
    if (n_bands > 0 && numerators == p->rates[RATE_EMPLOYMENT].numerator)
        add_relation(rs, cells, (int)n_bands + 1);
}

/* cumulative(p) = cumulative(p−1) + new(p); in the first period all three counts are the
 * same persons (nobody was present before the data starts). */
static void add_chain(struct relations *rs, struct figures *f, size_t p)
{
    struct period_figures *cur = &f->periods[p];
    struct cell cum = count_cell(cur, COUNT_CUMULATIVE_BENEFICIARIES);
    struct cell added = count_cell(cur, COUNT_NEW_BENEFICIARIES);
    if (p == 0) {
        add_pair(rs, cum, added);
        add_pair(rs, count_cell(cur, COUNT_BENEFICIARIES), added);
        return;
    }
    struct cell cells[3] = {cum, count_cell(&f->periods[p - 1], COUNT_CUMULATIVE_BENEFICIARIES),
                            added};
    add_relation(rs, cells, 3);
}

static void add_period_relations(struct relations *rs, struct figures *f, size_t i)
{
    struct period_figures *p = &f->periods[i];
    add_split(rs, p, p->by_role, p->withheld.by_role, ROLE_COUNT);
    add_split(rs, p, p->by_sex, p->withheld.by_sex, SEX_COUNT);
    if (f->n_bands > 0)
        add_split(rs, p, p->by_band, p->withheld.by_band, f->n_bands);
    add_band_rates(rs, p, f->n_bands);
    add_chain(rs, f, i);
}

static struct cell quarter_cell(struct quarter_point *q)
{
    return cell_of(q->cumulative, &q->withheld);
}

/* The quarter holding `day`, or NULL. */
static struct quarter_point *quarter_of(struct target_progress *t, day_t day)
{
    for (size_t q = 0; q < t->n_quarters; q++)
        if (day <= t->quarters[q].end && (q == 0 || day > t->quarters[q - 1].end))
            return &t->quarters[q];
    return NULL;
}

/* cumulative_beneficiaries counts every role, the overall quarters only the target's roles;
 * when a quarter ends with a period, cumulative = quarter + persons of the other roles.
 * In the first period that difference is its beneficiaries of the other roles — by_role
 * cells (the samples' 2 of unknown role) —, so it is a cell of the relation, small when 1
 * to k−1. Later, it is a cumulative count published nowhere: the relation is only usable
 * when it is 0 (all roles count), and hiding small ones would hide every year-end quarter,
 * `reached` and the projection — left as a limit. */
static void add_period_quarter(struct relations *rs, struct figures *f, size_t p)
{
    struct period_figures *period = &f->periods[p];
    struct quarter_point *q = quarter_of(&f->overall, period->end);
    long cumulative = period->counts[COUNT_CUMULATIVE_BENEFICIARIES];
    if (!q || q->end != period->end || q->cumulative > cumulative)
        return;
    long gap = cumulative - q->cumulative;
    if (p > 0) {
        add_pair(rs, count_cell(period, COUNT_CUMULATIVE_BENEFICIARIES), quarter_cell(q));
        return;
    }
    mark_small(&rs->first_gap, gap, rs->k);
    struct cell cells[3] = {count_cell(period, COUNT_CUMULATIVE_BENEFICIARIES),
                            quarter_cell(q),
                            {gap, &rs->first_gap, true}};
    add_relation(rs, cells, 3);
}

/* The same persons published twice: reached is the last quarter's count; by the deadline
 * may equal the count of the deadline's quarter or reached (add_relation keeps equal ones). */
static void add_target_links(struct relations *rs, struct target_progress *t, struct figures *f)
{
    struct cell reached = cell_of(t->reached, &t->withheld);
    struct cell by_deadline = cell_of(t->reached_by_deadline, &t->withheld_by_deadline);
    if (t->n_quarters > 0)
        add_pair(rs, reached, quarter_cell(&t->quarters[t->n_quarters - 1]));
    struct quarter_point *dq = quarter_of(t, f->deadline);
    if (t->has_deadline && dq)
        add_pair(rs, by_deadline, quarter_cell(dq));
    if (t->has_deadline)
        add_pair(rs, by_deadline, reached);
}

static void build_relations(struct relations *rs, struct figures *f)
{
    for (size_t p = 0; p < f->n_periods; p++)
        add_period_relations(rs, f, p);
    for (size_t p = 0; p < f->n_periods; p++)
        add_period_quarter(rs, f, p);
    add_target_links(rs, &f->overall, f);
    for (size_t s = 0; s < f->n_sites; s++)
        add_target_links(rs, &f->sites[s], f);
}

/* ---- complementary suppression ---- */

/* The smallest non-zero shown published member other than `skip`: parts first, the total
 * last, so a part wins a tie with the total and the lower index wins among parts. */
static int pick_complement(const struct relation *r, int skip)
{
    int best = -1;
    for (int j = 1; j <= r->n; j++) {
        int i = j % r->n;
        const struct cell *c = &r->cells[i];
        if (i == skip || *c->flag != WITHHELD_NONE || c->value == 0 || c->unpublished)
            continue;
        if (best < 0 || c->value < r->cells[best].value)
            best = i;
    }
    return best;
}

/* One withheld member of a relation is the difference of the others: hide a second one. */
static bool settle_relation(struct relation *r)
{
    int withheld = 0, last = -1;
    for (int i = 0; i < r->n; i++)
        if (*r->cells[i].flag != WITHHELD_NONE)
            withheld++, last = i;
    if (withheld != 1)
        return false;
    int pick = pick_complement(r, last);
    if (pick < 0)
        return false;
    *r->cells[pick].flag = WITHHELD_COMPLEMENTARY;
    return true;
}

/* share_girls publishes F (numerator) and M (denominator − numerator) as they are. */
static bool settle_share_girls(struct period_figures *p)
{
    struct period_withheld *w = &p->withheld;
    if (w->rates[RATE_SHARE_GIRLS] != WITHHELD_NONE ||
        (w->by_sex[SEX_F] == WITHHELD_NONE && w->by_sex[SEX_M] == WITHHELD_NONE))
        return false;
    w->rates[RATE_SHARE_GIRLS] = WITHHELD_COMPLEMENTARY;
    return true;
}

/* Flags only ever go from none to withheld, so this ends. */
static void complement(struct relations *rs, struct figures *f)
{
    bool changed = true;
    while (changed) {
        changed = false;
        for (size_t i = 0; i < rs->n; i++)
            changed |= settle_relation(&rs->items[i]);
        for (size_t p = 0; p < f->n_periods; p++)
            changed |= settle_share_girls(&f->periods[p]);
    }
}

/* ---- derived figures ---- */

static uint8_t either(uint8_t a, uint8_t b)
{
    if (a == WITHHELD_SMALL_CELL || b == WITHHELD_SMALL_CELL)
        return WITHHELD_SMALL_CELL;
    return a != WITHHELD_NONE ? a : b;
}

static void derive_changes(uint8_t *changes, const uint8_t *current, const uint8_t *previous,
                           size_t n)
{
    for (size_t i = 0; i < n; i++)
        changes[i] = either(current[i], previous[i]);
}

/* A change is withheld with either of its values; a rate's numerator and denominator changes
 * with the rate (rate_changes), since a withheld rate hides both of its terms. */
static void derive_period(struct period_figures *p, const struct period_figures *prev,
                          size_t n_sites)
{
    struct period_withheld *w = &p->withheld;
    const struct period_withheld *was = prev ? &prev->withheld : NULL;
    w->dosage = w->counts[COUNT_BENEFICIARIES];
    if (!prev || !p->has_previous)
        return;
    derive_changes(w->count_changes, w->counts, was->counts, COUNT_KINDS);
    derive_changes(w->role_changes, w->by_role, was->by_role, ROLE_COUNT);
    derive_changes(w->sex_changes, w->by_sex, was->by_sex, SEX_COUNT);
    derive_changes(w->site_changes, w->by_site, was->by_site, n_sites);
    derive_changes(w->rate_changes, w->rates, was->rates, RATE_KINDS);
}

static void derive_projection(struct target_progress *t)
{
    struct projection *pr = &t->projection;
    if (!pr->defined || pr->quarters_used < 1 || (size_t)pr->quarters_used > t->n_quarters)
        return;
    for (size_t q = t->n_quarters - (size_t)pr->quarters_used; q < t->n_quarters; q++)
        if (t->quarters[q].withheld != WITHHELD_NONE) {
            *pr = (struct projection){.reason = DISCLOSE_PROJECTION_WITHHELD,
                                      .reached_on = pr->reached_on,
                                      .withheld = true};
            return;
        }
}

/* ---- zeroing ---- */

static void zero_longs(long *values, const uint8_t *flags, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (flags[i] != WITHHELD_NONE)
            values[i] = 0;
}

static void zero_rates(struct rate *rates, const uint8_t *flags, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (flags[i] != WITHHELD_NONE)
            rates[i] = (struct rate){0};
}

static void zero_count_changes(struct count_change *changes, const uint8_t *flags, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (flags[i] != WITHHELD_NONE)
            changes[i] = (struct count_change){0};
}

static void zero_changes(struct period_figures *p, size_t n_sites)
{
    const struct period_withheld *w = &p->withheld;
    zero_count_changes(p->count_changes, w->count_changes, COUNT_KINDS);
    zero_count_changes(p->role_changes, w->role_changes, ROLE_COUNT);
    zero_count_changes(p->sex_changes, w->sex_changes, SEX_COUNT);
    if (p->site_changes)
        zero_count_changes(p->site_changes, w->site_changes, n_sites);
    zero_count_changes(p->numerator_changes, w->rate_changes, RATE_KINDS);
    zero_count_changes(p->denominator_changes, w->rate_changes, RATE_KINDS);
    for (int k = 0; k < RATE_KINDS; k++)
        if (w->rate_changes[k] != WITHHELD_NONE)
            p->rate_changes[k] = (struct rate_change){.test = RATE_TEST_NONE};
}

static void zero_period(struct period_figures *p, const struct figures *f)
{
    const struct period_withheld *w = &p->withheld;
    zero_longs(p->counts, w->counts, COUNT_KINDS);
    zero_longs(p->by_role, w->by_role, ROLE_COUNT);
    zero_longs(p->by_sex, w->by_sex, SEX_COUNT);
    if (p->by_site)
        zero_longs(p->by_site, w->by_site, f->n_sites);
    zero_longs(p->by_band, w->by_band, f->n_bands);
    zero_rates(p->rates, w->rates, RATE_KINDS);
    zero_rates(p->employment_by_band, w->employment_by_band, f->n_bands);
    if (w->dosage != WITHHELD_NONE)
        p->dosage = (struct dosage){0};
    zero_changes(p, f->n_sites);
}

static void zero_target(struct target_progress *t)
{
    for (size_t q = 0; q < t->n_quarters; q++)
        if (t->quarters[q].withheld != WITHHELD_NONE)
            t->quarters[q].cumulative = 0;
    if (t->withheld != WITHHELD_NONE)
        t->reached = 0, t->progress = 0;
    if (t->withheld_by_deadline != WITHHELD_NONE)
        t->reached_by_deadline = 0, t->progress_by_deadline = 0;
}

/* ---- the stage ---- */

static void suppress(struct figures *f, int k)
{
    struct relations rs = {.k = k};
    for (size_t p = 0; p < f->n_periods; p++)
        primary_period(&f->periods[p], f, k);
    primary_target(&f->overall, k);
    for (size_t s = 0; s < f->n_sites; s++)
        primary_target(&f->sites[s], k);
    build_relations(&rs, f);
    complement(&rs, f);
    free(rs.items);
}

static void derive_and_zero(struct figures *f)
{
    for (size_t p = 0; p < f->n_periods; p++)
        derive_period(&f->periods[p], p > 0 ? &f->periods[p - 1] : NULL, f->n_sites);
    derive_projection(&f->overall);
    for (size_t s = 0; s < f->n_sites; s++)
        derive_projection(&f->sites[s]);
    for (size_t p = 0; p < f->n_periods; p++)
        zero_period(&f->periods[p], f);
    zero_target(&f->overall);
    for (size_t s = 0; s < f->n_sites; s++)
        zero_target(&f->sites[s]);
}

int disclose_public(const struct figures *internal, int threshold_k, struct figures **public_out,
                    struct impact_error *err)
{
    *public_out = NULL;
    if (threshold_k < 1)
        return impact_fail(err, STAGE, "", 0, 0, "the threshold must be at least 1, not %d",
                           threshold_k);
    struct figures *f = copy_figures(internal);
    f->suppression_threshold = threshold_k;
    suppress(f, threshold_k);
    derive_and_zero(f);
    *public_out = f;
    return IMPACT_OK;
}
