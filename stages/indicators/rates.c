/* rates.c — each period's rates with their intervals (QPV share, employment, positive
 * outcome, share of girls, employment by dosage band), and each count's and rate's change
 * from the previous period with its test. */
#include "stages/indicators/indicators_private.h"

#include "stages/common/arena.h"
#include "stages/common/stats.h"

#include <stdlib.h>

void indicators_tally_new(struct outcome_tally *t, size_t n_periods)
{
    size_t n = n_periods ? n_periods : 1;
    *t = (struct outcome_tally){
        xcalloc(n, sizeof(long)),
        xcalloc(n, sizeof(long)),
        xcalloc(n, sizeof(long)),
        xcalloc(n * FIGURES_MAX_BANDS, sizeof(long)),
        xcalloc(n * FIGURES_MAX_BANDS, sizeof(long)),
    };
}

void indicators_tally_free(struct outcome_tally *t)
{
    free(t->employed);
    free(t->positive);
    free(t->known);
    free(t->band_employed);
    free(t->band_known);
}

void indicators_compute_rates(struct work *w)
{
    struct figures *f = w->fig;
    const struct outcome_tally *t = &w->tally;
    double conf = w->opt->confidence;
    for (size_t i = 0; i < f->n_periods; i++) {
        struct period_figures *p = &f->periods[i];
        long known = p->counts[COUNT_SESSIONS] - p->counts[COUNT_QPV_UNKNOWN_SESSIONS];
        p->rates[RATE_QPV_SHARE] = stats_rate(p->counts[COUNT_QPV_SESSIONS], known, conf);
        p->rates[RATE_EMPLOYMENT] = stats_rate(t->employed[i], t->known[i], conf);
        p->rates[RATE_POSITIVE_OUTCOME] = stats_rate(t->positive[i], t->known[i], conf);
        p->rates[RATE_SHARE_GIRLS] =
            stats_rate(p->by_sex[SEX_F], p->by_sex[SEX_F] + p->by_sex[SEX_M], conf);
        for (size_t b = 0; b < f->n_bands; b++)
            p->employment_by_band[b] = stats_rate(t->band_employed[i * FIGURES_MAX_BANDS + b],
                                                  t->band_known[i * FIGURES_MAX_BANDS + b], conf);
    }
}

static void split_changes(struct count_change *out, const long *previous, const long *current,
                          size_t n)
{
    for (size_t i = 0; i < n; i++)
        out[i] = figures_count_change(previous[i], current[i]);
}

/* Every count of `cur` against `prev`: counts, split cells, and each rate's two terms. */
static void period_changes(struct period_figures *cur, const struct period_figures *prev,
                           size_t n_sites)
{
    cur->has_previous = true;
    cur->changes_partial = cur->partial || prev->partial;
    split_changes(cur->count_changes, prev->counts, cur->counts, COUNT_KINDS);
    split_changes(cur->role_changes, prev->by_role, cur->by_role, ROLE_COUNT);
    split_changes(cur->sex_changes, prev->by_sex, cur->by_sex, SEX_COUNT);
    split_changes(cur->site_changes, prev->by_site, cur->by_site, n_sites);
    for (int k = 0; k < RATE_KINDS; k++) {
        const struct rate *a = &prev->rates[k], *b = &cur->rates[k];
        cur->numerator_changes[k] = figures_count_change(a->numerator, b->numerator);
        cur->denominator_changes[k] = figures_count_change(a->denominator, b->denominator);
        cur->rate_changes[k] =
            stats_compare_rates(a->numerator, a->denominator, b->numerator, b->denominator);
    }
}

void indicators_compute_changes(struct work *w)
{
    struct figures *f = w->fig;
    for (size_t i = 1; i < f->n_periods; i++)
        period_changes(&f->periods[i], &f->periods[i - 1], f->n_sites);
}
