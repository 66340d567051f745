/* indicators_private.h — what the indicators stage's files share: the work of one
 * indicators_compute() (the dataset, the options, the figures being filled, and what one
 * step hands on to the next), the limits of what the figures can index, and the steps,
 * which indicators.c calls in order. Not part of the stage's interface
 * (stages/indicators.h). */
#ifndef IMPACT_INDICATORS_PRIVATE_H
#define IMPACT_INDICATORS_PRIVATE_H

#include "stages/indicators.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* BLOCK_BITS: a block holds 1 << BLOCK_BITS persons, whose attendances (about 256 KB at
 * eight each) sort within L2; SITE_BITS: a site id (below MAX_SITES) in a slot; SMALL_SORT:
 * below it insertion sort beats the general sorts; RADIX_BITS: digit of the days' radix
 * sort, a pass covering five years of days; PERIOD_CACHE: days whose period is remembered,
 * eleven years of them. */
enum {
    MAX_PERIODS = 4096,
    SITE_BITS = 20,
    MAX_SITES = 1 << SITE_BITS,
    BLOCK_BITS = 12,
    BLOCK = 1 << BLOCK_BITS,
    SMALL_SORT = 32,
    RADIX_BITS = 11,
    PERIOD_CACHE = 4096
};

/* Beneficiaries of a period by their number of present sessions in it: counts[s] of them
 * had s. Dosage needs the values only in order, and they are small whole numbers. */
struct histogram {
    uint32_t *counts;
    size_t cap;
};

/* A target-role person's first present day at a site. */
struct site_first {
    uint32_t site;
    day_t day;
};

/* Outcome counts per period, and per period × dosage band (flattened). */
struct outcome_tally {
    long *employed, *positive, *known;
    long *band_employed, *band_known; /* [period * FIGURES_MAX_BANDS + band] */
};

struct work {
    const struct dataset *data;
    const struct indicators_options *opt;
    struct figures *fig;
    int base_year;
    day_t *first_present;              /* per person; DAY_NONE when never present */
    day_t present_first, present_last; /* over all present attendances; DAY_NONE when none */
    struct histogram *dosage;          /* per period */
    struct outcome_tally tally;
    struct site_first *site_firsts;
    size_t n_site_firsts, site_firsts_cap;
};

/* Inline: the pass over persons asks it for each person. */
static inline bool counts_towards_target(const struct work *w, uint32_t person)
{
    return w->opt->target_roles[w->data->persons[person].role];
}

/* periods.c */

/* Sets the figures' periods, covering options first … last (or the data's dates); none
 * without data and window. Fails when there are more than MAX_PERIODS. */
int indicators_build_periods(struct work *w, struct impact_error *err);
/* Index of the period holding `day`, or -1 outside the periods. */
int indicators_period_of(const struct work *w, day_t day);
void indicators_mark_partial(struct work *w);
/* The day the data stop when the last period is partial, else DAY_NONE. */
day_t indicators_partial_until(const struct figures *f);

/* sort.c */

void indicators_sort_days(day_t *days, size_t n, day_t *tmp);
long indicators_count_up_to(const day_t *sorted, size_t n, day_t day);
void indicators_counts_to_starts(size_t *counts, size_t n);
void indicators_cursors_to_starts(size_t *start, size_t n);

/* counts.c */

void indicators_count_sessions(struct work *w);
void indicators_count_persons(struct work *w);
void indicators_count_cumulative(struct work *w);
void indicators_compute_dosage(struct work *w);

/* rates.c */

/* The outcome tally (zeroed) that counts.c fills and indicators_compute_rates reads. */
void indicators_tally_new(struct outcome_tally *t, size_t n_periods);
void indicators_tally_free(struct outcome_tally *t);
void indicators_compute_rates(struct work *w);
void indicators_compute_changes(struct work *w);

/* target.c */

void indicators_compute_targets(struct work *w);

/* site_targets.c */

int indicators_check_site_targets(const struct work *w, struct impact_error *err);

#endif
