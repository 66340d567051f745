/* indicators.c — the indicators stage's entry points: the sizes checked, then each step in
 * turn over the dataset — periods.c (periods, partial ones), counts.c (the per-period
 * counts in one pass over the persons), rates.c (rates and changes), target.c (progress
 * towards the targets), site_targets.c (the config's site targets checked); sort.c holds
 * the sorting they share. See docs/indicators.md for the definitions they implement. */
#include "stages/indicators/indicators_private.h"

#include "stages/common/arena.h"

#include <stdlib.h>
#include <string.h>

static const char STAGE[] = "indicators";

/* Sizes beyond what the indicators can index: sites in a slot's SITE_BITS, attendances and
 * outcomes in 32-bit positions. */
static int check_sizes(struct work *w, struct impact_error *err)
{
    int status;
    if (w->data->n_sites >= MAX_SITES)
        status = impact_fail(err, STAGE, NULL, 0, 0, "more than %d sites", MAX_SITES);
    else if (w->data->n_attendances > UINT32_MAX || w->data->n_outcomes > UINT32_MAX)
        status = impact_fail(err, STAGE, NULL, 0, 0, "more than %lu attendances or outcomes",
                             (unsigned long)UINT32_MAX);
    else
        status = indicators_build_periods(w, err);
    return status;
}

static void compute_all(struct work *w)
{
    const struct dataset *d = w->data;
    w->first_present = xmalloc((d->n_persons ? d->n_persons : 1) * sizeof(day_t));
    for (size_t i = 0; i < d->n_persons; i++)
        w->first_present[i] = DAY_NONE;
    w->present_first = w->present_last = DAY_NONE;
    w->dosage = xcalloc(w->fig->n_periods ? w->fig->n_periods : 1, sizeof *w->dosage);
    indicators_tally_new(&w->tally, w->fig->n_periods);
    indicators_mark_partial(w);
    indicators_count_sessions(w);
    indicators_count_persons(w);
    indicators_count_cumulative(w);
    indicators_compute_dosage(w);
    indicators_compute_rates(w);
    indicators_compute_changes(w);
    indicators_compute_targets(w);
    for (size_t p = 0; p < w->fig->n_periods; p++)
        free(w->dosage[p].counts);
    free(w->dosage);
    indicators_tally_free(&w->tally);
    free(w->first_present);
}

int indicators_compute(const struct dataset *data, const struct indicators_options *options,
                       struct figures **out, struct impact_error *err)
{
    struct figures *f = xcalloc(1, sizeof *f);
    struct work w = {.data = data, .opt = options, .fig = f};
    f->n_sites = data->n_sites;
    f->site_names = data->site_names;
    f->data_last = DAY_NONE;
    f->confidence = options->confidence;
    f->deadline = options->deadline;
    f->n_bands = options->n_bands < FIGURES_MAX_BANDS ? options->n_bands : FIGURES_MAX_BANDS;
    memcpy(f->bands, options->bands, f->n_bands * sizeof *f->bands);
    int status = check_sizes(&w, err);
    if (status == IMPACT_OK)
        status = indicators_check_site_targets(&w, err);
    if (status == IMPACT_OK)
        compute_all(&w);
    *out = f;
    return status;
}

void indicators_free(struct figures *f)
{
    if (!f)
        return;
    for (size_t i = 0; i < f->n_periods; i++) {
        free(f->periods[i].by_site);
        free(f->periods[i].site_changes);
    }
    free(f->periods);
    free(f->overall.quarters);
    for (size_t s = 0; f->sites && s < f->n_sites; s++)
        free(f->sites[s].quarters);
    free(f->sites);
    free(f);
}
