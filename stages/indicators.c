/* indicators.c — counting the dataset into per-period figures, rates, changes and target
 * progress. Each step is one function over the dataset; see docs/indicators.md for the
 * definitions they implement. */
#include "stages/indicators.h"

#include "stages/common/arena.h"
#include "stages/common/fold.h"
#include "stages/common/intern.h"
#include "stages/common/stats.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char STAGE[] = "indicators";

enum { MAX_PERIODS = 4096, MAX_SITES = 1 << 20 };

struct work {
    const struct dataset *data;
    const struct indicators_options *opt;
    struct figures *fig;
    int base_year;
    day_t *first_present; /* per person; DAY_NONE when never present */
};

/* ---- periods ---- */

static int period_year(const struct work *w, day_t day)
{
    int y, m, d;
    date_to_ymd(day, &y, &m, &d);
    if (w->opt->period_kind == PERIOD_SCHOOL_YEAR && m < w->opt->school_year_start_month)
        y--;
    return y;
}

/* Index of the period holding `day`, or -1 outside the periods. */
static int period_of(const struct work *w, day_t day)
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

static int build_periods(struct work *w, struct impact_error *err)
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
    }
    return IMPACT_OK;
}

/* ---- counts ---- */

static void count_sessions(struct work *w)
{
    for (size_t i = 0; i < w->data->n_sessions; i++) {
        const struct session_record *s = &w->data->sessions[i];
        int p = period_of(w, s->date);
        if (p < 0)
            continue;
        long *c = w->fig->periods[p].counts;
        c[COUNT_SESSIONS]++;
        c[COUNT_QPV_SESSIONS] += s->qpv == QPV_YES;
        c[COUNT_QPV_UNKNOWN_SESSIONS] += s->qpv == QPV_UNKNOWN;
    }
}

/* Attendances, first presence, and distinct beneficiaries per period, role, sex and site. */
static void count_presence(struct work *w)
{
    const struct dataset *d = w->data;
    struct keymap *person_period = keymap_new(), *person_site_period = keymap_new();
    for (size_t i = 0; i < d->n_attendances; i++) {
        const struct attendance_record *a = &d->attendances[i];
        if (!a->present)
            continue;
        const struct session_record *s = &d->sessions[a->session];
        day_t *first = &w->first_present[a->person];
        *first = *first == DAY_NONE || s->date < *first ? s->date : *first;
        int p = period_of(w, s->date);
        if (p < 0)
            continue;
        struct period_figures *pf = &w->fig->periods[p];
        pf->counts[COUNT_ATTENDANCES]++;
        bool added;
        keymap_intern(person_period, (uint64_t)a->person << 32 | (uint32_t)p, &added);
        if (added) {
            pf->counts[COUNT_BENEFICIARIES]++;
            pf->by_role[d->persons[a->person].role]++;
            pf->by_sex[d->persons[a->person].sex]++;
        }
        uint64_t site_key = (uint64_t)a->person << 32 | (uint64_t)s->site << 12 | (uint32_t)p;
        keymap_intern(person_site_period, site_key, &added);
        pf->by_site[s->site] += added;
    }
    keymap_free(person_period);
    keymap_free(person_site_period);
}

static void count_new_and_cumulative(struct work *w)
{
    struct figures *f = w->fig;
    for (size_t i = 0; i < w->data->n_persons; i++) {
        day_t first = w->first_present[i];
        if (first == DAY_NONE)
            continue;
        int p = period_of(w, first);
        if (p >= 0)
            f->periods[p].counts[COUNT_NEW_BENEFICIARIES]++;
        for (size_t k = 0; k < f->n_periods; k++)
            f->periods[k].counts[COUNT_CUMULATIVE_BENEFICIARIES] += first <= f->periods[k].end;
    }
}

/* ---- outcomes ---- */

/* Per (person, period): the latest observation dated in the period, made on or after the
 * person's first presence (same date: the later row in input order). */
static void count_outcomes(struct work *w, long num[][2], long den[])
{
    const struct dataset *d = w->data;
    struct keymap *index = keymap_new();
    const struct outcome_record **latest =
        xcalloc(d->n_outcomes ? d->n_outcomes : 1, sizeof *latest);
    int *period = xcalloc(d->n_outcomes ? d->n_outcomes : 1, sizeof *period);
    for (size_t i = 0; i < d->n_outcomes; i++) {
        const struct outcome_record *o = &d->outcomes[i];
        if (o->person == DATASET_NO_PERSON || w->first_present[o->person] == DAY_NONE ||
            w->first_present[o->person] > o->observed_on)
            continue;
        int p = period_of(w, o->observed_on);
        if (p < 0)
            continue;
        bool added;
        uint32_t k = keymap_intern(index, (uint64_t)o->person << 32 | (uint32_t)p, &added);
        const struct outcome_record *cur = latest[k];
        if (added || o->observed_on > cur->observed_on ||
            (o->observed_on == cur->observed_on && o->order > cur->order))
            latest[k] = o;
        period[k] = p;
    }
    for (uint32_t k = 0; k < keymap_count(index); k++) {
        enum category c = (enum category)latest[k]->category;
        if (c == CATEGORY_UNKNOWN)
            continue;
        den[period[k]]++;
        num[period[k]][0] += c == CATEGORY_EMPLOYMENT;
        num[period[k]][1] +=
            c == CATEGORY_EMPLOYMENT || c == CATEGORY_TRAINING || c == CATEGORY_EDUCATION;
    }
    free(latest);
    free(period);
    keymap_free(index);
}

static void compute_rates(struct work *w)
{
    struct figures *f = w->fig;
    size_t n = f->n_periods ? f->n_periods : 1;
    long(*num)[2] = xcalloc(n, sizeof *num);
    long *den = xcalloc(n, sizeof *den);
    count_outcomes(w, num, den);
    double conf = w->opt->confidence;
    for (size_t i = 0; i < f->n_periods; i++) {
        struct period_figures *p = &f->periods[i];
        long known = p->counts[COUNT_SESSIONS] - p->counts[COUNT_QPV_UNKNOWN_SESSIONS];
        p->rates[RATE_QPV_SHARE] = stats_rate(p->counts[COUNT_QPV_SESSIONS], known, conf);
        p->rates[RATE_EMPLOYMENT] = stats_rate(num[i][0], den[i], conf);
        p->rates[RATE_POSITIVE_OUTCOME] = stats_rate(num[i][1], den[i], conf);
        p->rates[RATE_SHARE_GIRLS] =
            stats_rate(p->by_sex[SEX_F], p->by_sex[SEX_F] + p->by_sex[SEX_M], conf);
    }
    free(num);
    free(den);
}

static void compute_changes(struct work *w)
{
    struct figures *f = w->fig;
    for (size_t i = 1; i < f->n_periods; i++) {
        struct period_figures *prev = &f->periods[i - 1], *cur = &f->periods[i];
        cur->has_previous = true;
        for (int k = 0; k < COUNT_KINDS; k++) {
            struct count_change *c = &cur->count_changes[k];
            c->absolute = cur->counts[k] - prev->counts[k];
            c->relative_defined = prev->counts[k] != 0;
            c->relative = c->relative_defined ? (double)c->absolute / (double)prev->counts[k] : 0;
        }
        for (int k = 0; k < RATE_KINDS; k++)
            cur->rate_changes[k] =
                stats_compare_rates(prev->rates[k].numerator, prev->rates[k].denominator,
                                    cur->rates[k].numerator, cur->rates[k].denominator);
    }
}

/* ---- target ---- */

static int compare_days(const void *a, const void *b)
{
    day_t x = *(const day_t *)a, y = *(const day_t *)b;
    return (x > y) - (x < y);
}

/* Quarter ends from the first to the last present attendance. */
static size_t quarter_ends(const struct work *w, day_t **out)
{
    day_t first = DAY_NONE, last = DAY_NONE;
    const struct dataset *d = w->data;
    for (size_t i = 0; i < d->n_attendances; i++) {
        if (!d->attendances[i].present)
            continue;
        day_t day = d->sessions[d->attendances[i].session].date;
        first = first == DAY_NONE || day < first ? day : first;
        last = last == DAY_NONE || day > last ? day : last;
    }
    size_t n = 0, cap = 0;
    *out = NULL;
    for (day_t q = first; first != DAY_NONE && q <= last; q = date_quarter_end(q) + 1) {
        xgrow((void **)out, &cap, n, sizeof **out);
        (*out)[n++] = date_quarter_end(q);
    }
    return n;
}

/* Cumulative counts at each quarter end from the sorted first-presence days. */
static void fill_trajectory(struct target_progress *t, const day_t *ends, size_t n_ends,
                            day_t *firsts, size_t n_firsts)
{
    qsort(firsts, n_firsts, sizeof *firsts, compare_days);
    t->n_quarters = n_ends;
    t->quarters = xcalloc(n_ends ? n_ends : 1, sizeof *t->quarters);
    size_t k = 0;
    for (size_t q = 0; q < n_ends; q++) {
        while (k < n_firsts && firsts[k] <= ends[q])
            k++;
        int y, m, d;
        date_to_ymd(ends[q], &y, &m, &d);
        struct quarter_point *pt = &t->quarters[q];
        unsigned year = (unsigned)y % 10000u, quarter = (unsigned)(m + 2) / 3u % 10u;
        snprintf(pt->label, sizeof pt->label, "%04u-Q%u", year, quarter);
        pt->end = ends[q];
        pt->cumulative = (long)k;
    }
    t->reached = n_ends ? t->quarters[n_ends - 1].cumulative : 0;
    t->last_quarter_end = n_ends ? ends[n_ends - 1] : DAY_NONE;
    t->progress = t->target > 0 ? (double)t->reached / (double)t->target : 0;
}

static void project(struct target_progress *t, day_t deadline, int fit_quarters)
{
    struct projection *pr = &t->projection;
    *pr = (struct projection){.defined = false};
    if (t->target <= 0) {
        pr->reason = "no target set";
        return;
    }
    if (t->reached >= t->target) {
        size_t q = 0;
        while (t->quarters[q].cumulative < t->target)
            q++;
        pr->reason = "target already reached";
        pr->on_track = deadline == DAY_NONE || t->quarters[q].end <= deadline;
        return;
    }
    size_t n = t->n_quarters < (size_t)fit_quarters ? t->n_quarters : (size_t)fit_quarters;
    if (n < 2) {
        pr->reason = "fewer than two quarters of data";
        return;
    }
    const struct quarter_point *pts = t->quarters + (t->n_quarters - n);
    double *x = xcalloc(n, sizeof *x), *y = xcalloc(n, sizeof *y), slope, cross, low, high;
    for (size_t i = 0; i < n; i++) {
        x[i] = (double)(pts[i].end - pts[0].end);
        y[i] = (double)pts[i].cumulative;
    }
    bool crosses = stats_linear_crossing(x, y, n, (double)t->target, &slope, &cross, &pr->has_band,
                                         &low, &high, &pr->reason);
    free(x);
    free(y);
    if (!crosses)
        return;
    if (cross > 36525.0) {
        pr->reason = "trend too flat to reach the target within a century";
        return;
    }
    pr->defined = true;
    pr->quarters_used = (int)n;
    pr->slope_per_quarter = slope * 365.2425 / 4.0;
    pr->date = pts[0].end + (day_t)lround(cross);
    pr->earliest = pr->has_band ? pts[0].end + (day_t)floor(low) : DAY_NONE;
    pr->latest = pr->has_band && high < 36525.0 ? pts[0].end + (day_t)ceil(high) : DAY_NONE;
    pr->has_band = pr->has_band && pr->latest != DAY_NONE;
    pr->on_track = deadline != DAY_NONE && pr->date <= deadline;
}

static long site_target(const struct work *w, const char *site)
{
    char a[512], b[512];
    fold_label(site, strlen(site), a, sizeof a);
    for (size_t i = 0; i < w->opt->n_site_targets; i++) {
        const char *name = w->opt->site_targets[i].site;
        fold_label(name, strlen(name), b, sizeof b);
        if (strcmp(a, b) == 0)
            return w->opt->site_targets[i].target;
    }
    return 0;
}

static bool counts_towards_target(const struct work *w, uint32_t person)
{
    return w->opt->target_roles[w->data->persons[person].role];
}

static void compute_site_targets(struct work *w, const day_t *ends, size_t n_ends)
{
    const struct dataset *d = w->data;
    struct figures *f = w->fig;
    struct keymap *index = keymap_new();
    size_t cap = 0;
    day_t *first_at = NULL;
    uint32_t *site_of = NULL;
    size_t site_cap = 0;
    for (size_t i = 0; i < d->n_attendances; i++) {
        const struct attendance_record *a = &d->attendances[i];
        if (!a->present || !counts_towards_target(w, a->person))
            continue;
        const struct session_record *s = &d->sessions[a->session];
        bool added;
        uint32_t k = keymap_intern(index, (uint64_t)a->person << 32 | s->site, &added);
        xgrow((void **)&first_at, &cap, k, sizeof *first_at);
        xgrow((void **)&site_of, &site_cap, k, sizeof *site_of);
        first_at[k] = added || s->date < first_at[k] ? s->date : first_at[k];
        site_of[k] = s->site;
    }
    size_t n_keys = keymap_count(index);
    day_t *days = xcalloc(n_keys ? n_keys : 1, sizeof *days);
    f->sites = xcalloc(f->n_sites ? f->n_sites : 1, sizeof *f->sites);
    for (size_t s = 0; s < f->n_sites; s++) {
        size_t n = 0;
        for (size_t k = 0; k < n_keys; k++)
            if (site_of[k] == s)
                days[n++] = first_at[k];
        struct target_progress *t = &f->sites[s];
        t->name = f->site_names[s];
        t->target = site_target(w, t->name);
        fill_trajectory(t, ends, n_ends, days, n);
        project(t, f->deadline, w->opt->trend_quarters);
    }
    free(days);
    free(first_at);
    free(site_of);
    keymap_free(index);
}

static void compute_targets(struct work *w)
{
    struct figures *f = w->fig;
    day_t *ends, *firsts = xcalloc(w->data->n_persons ? w->data->n_persons : 1, sizeof *firsts);
    size_t n_ends = quarter_ends(w, &ends), n = 0;
    for (size_t i = 0; i < w->data->n_persons; i++)
        if (w->first_present[i] != DAY_NONE && counts_towards_target(w, (uint32_t)i))
            firsts[n++] = w->first_present[i];
    f->overall.name = "overall";
    f->overall.target = w->opt->target;
    fill_trajectory(&f->overall, ends, n_ends, firsts, n);
    project(&f->overall, f->deadline, w->opt->trend_quarters);
    compute_site_targets(w, ends, n_ends);
    free(firsts);
    free(ends);
}

/* ---- entry points ---- */

int indicators_compute(const struct dataset *data, const struct indicators_options *options,
                       struct figures **out, struct impact_error *err)
{
    struct figures *f = xcalloc(1, sizeof *f);
    struct work w = {.data = data, .opt = options, .fig = f};
    f->n_sites = data->n_sites;
    f->site_names = data->site_names;
    f->confidence = options->confidence;
    f->deadline = options->deadline;
    int status = data->n_sites < MAX_SITES
                     ? build_periods(&w, err)
                     : impact_fail(err, STAGE, NULL, 0, 0, "more than %d sites", MAX_SITES);
    if (status == IMPACT_OK) {
        w.first_present = xmalloc((data->n_persons ? data->n_persons : 1) * sizeof(day_t));
        for (size_t i = 0; i < data->n_persons; i++)
            w.first_present[i] = DAY_NONE;
        count_sessions(&w);
        count_presence(&w);
        count_new_and_cumulative(&w);
        compute_rates(&w);
        compute_changes(&w);
        compute_targets(&w);
        free(w.first_present);
    }
    *out = f;
    return status;
}

void indicators_free(struct figures *f)
{
    if (!f)
        return;
    for (size_t i = 0; i < f->n_periods; i++)
        free(f->periods[i].by_site);
    free(f->periods);
    free(f->overall.quarters);
    for (size_t s = 0; f->sites && s < f->n_sites; s++)
        free(f->sites[s].quarters);
    free(f->sites);
    free(f);
}
