/* periods.c — the indicators' periods (calendar or school years) from the window or the
 * data, which period a day falls in, and which periods the data stop before the end of. */
#include "stages/indicators/indicators_private.h"

#include "stages/common/arena.h"

#include <stdio.h>

static const char STAGE[] = "indicators";

static int period_year(const struct work *w, day_t day)
{
    int y, m, d;
    date_to_ymd(day, &y, &m, &d);
    if (w->opt->period_kind == PERIOD_SCHOOL_YEAR && m < w->opt->school_year_start_month)
        y--;
    return y;
}

/* Index of the period holding `day`, or -1 outside the periods. */
int indicators_period_of(const struct work *w, day_t day)
{
    long i = (long)period_year(w, day) - w->base_year;
    return i >= 0 && i < (long)w->fig->n_periods ? (int)i : -1;
}

static void label_period(const struct work *w, int year, struct period_figures *p)
{
    int start_month =
        w->opt->period_kind == PERIOD_SCHOOL_YEAR ? w->opt->school_year_start_month : 1;
    day_t next = 0;
    date_from_ymd(year, start_month, 1, &p->start);
    date_from_ymd(year + 1, start_month, 1, &next);
    p->end = next - 1;
    if (start_month == 1)
        snprintf(p->label, sizeof p->label, "%04d", year % 10000);
    else
        snprintf(p->label, sizeof p->label, "%04d-%04d", year % 10000, (year + 1) % 10000);
}

static void data_range(const struct dataset *d, day_t *first, day_t *last)
{
    for (size_t i = 0; i < d->n_sessions; i++) {
        day_t day = d->sessions[i].date;
        *first = *first == DAY_NONE || day < *first ? day : *first;
        *last = *last == DAY_NONE || day > *last ? day : *last;
    }
    for (size_t i = 0; i < d->n_outcomes; i++) {
        day_t day = d->outcomes[i].observed_on;
        *first = *first == DAY_NONE || day < *first ? day : *first;
        *last = *last == DAY_NONE || day > *last ? day : *last;
    }
}

int indicators_build_periods(struct work *w, struct impact_error *err)
{
    day_t first = w->opt->first, last = w->opt->last;
    day_t data_first = DAY_NONE, data_last = DAY_NONE;
    data_range(w->data, &data_first, &data_last);
    first = first != DAY_NONE ? first : data_first;
    last = last != DAY_NONE ? last : data_last;
    if (first == DAY_NONE || last == DAY_NONE || last < first)
        return IMPACT_OK; /* no data and no window: no periods */
    w->base_year = period_year(w, first);
    long n = (long)period_year(w, last) - w->base_year + 1;
    if (n > MAX_PERIODS)
        return impact_fail(err, STAGE, NULL, 0, 0, "%ld periods is more than the %d supported", n,
                           MAX_PERIODS);
    struct figures *f = w->fig;
    f->n_periods = (size_t)n;
    f->periods = xcalloc(f->n_periods, sizeof *f->periods);
    for (size_t i = 0; i < f->n_periods; i++) {
        label_period(w, w->base_year + (int)i, &f->periods[i]);
        f->periods[i].by_site = xcalloc(f->n_sites ? f->n_sites : 1, sizeof(long));
        f->periods[i].site_changes =
            xcalloc(f->n_sites ? f->n_sites : 1, sizeof *f->periods[i].site_changes);
    }
    return IMPACT_OK;
}

/* Data stop at the latest session date (beneficiaries come from sessions; an observation
 * after it is a follow-up, not activity): a period ending more than partial_gap_days after
 * it is partial. */
void indicators_mark_partial(struct work *w)
{
    struct figures *f = w->fig;
    f->data_last = DAY_NONE;
    for (size_t i = 0; i < w->data->n_sessions; i++) {
        day_t day = w->data->sessions[i].date;
        f->data_last = f->data_last == DAY_NONE || day > f->data_last ? day : f->data_last;
    }
    long gap = w->opt->partial_gap_days > 0 ? w->opt->partial_gap_days : 0;
    for (size_t i = 0; i < f->n_periods; i++) {
        struct period_figures *p = &f->periods[i];
        p->partial = f->data_last != DAY_NONE && (long)p->end - (long)f->data_last > gap;
        p->data_until = p->partial ? f->data_last : DAY_NONE;
    }
}

day_t indicators_partial_until(const struct figures *f)
{
    return f->n_periods && f->periods[f->n_periods - 1].partial ? f->data_last : DAY_NONE;
}
