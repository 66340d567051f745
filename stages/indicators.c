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

static const double QUARTER_DAYS = 365.2425 / 4.0;

enum { MAX_PERIODS = 4096, MAX_SITES = 1 << 20 };

struct work {
    const struct dataset *data;
    const struct indicators_options *opt;
    struct figures *fig;
    int base_year;
    day_t *first_present; /* per person; DAY_NONE when never present */
    /* Present-session days per person (CSR: days[offsets[p] .. offsets[p + 1]) sorted). */
    uint32_t *presence_offsets;
    day_t *presence_days;
    /* Per (person, period) with a presence: present sessions in the period. */
    struct keymap *person_period;
    struct person_period *person_periods;
    size_t person_periods_cap;
};

struct person_period {
    int period;
    long sessions;
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
    struct keymap *person_site_period = keymap_new();
    w->person_period = keymap_new();
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
        uint32_t k =
            keymap_intern(w->person_period, (uint64_t)a->person << 32 | (uint32_t)p, &added);
        xgrow((void **)&w->person_periods, &w->person_periods_cap, k, sizeof *w->person_periods);
        if (added) {
            w->person_periods[k] = (struct person_period){p, 0};
            pf->counts[COUNT_BENEFICIARIES]++;
            pf->by_role[d->persons[a->person].role]++;
            pf->by_sex[d->persons[a->person].sex]++;
        }
        w->person_periods[k].sessions++;
        uint64_t site_key = (uint64_t)a->person << 32 | (uint64_t)s->site << 12 | (uint32_t)p;
        keymap_intern(person_site_period, site_key, &added);
        pf->by_site[s->site] += added;
    }
    keymap_free(person_site_period);
}

/* ---- dosage ---- */

static int band_of(const struct figures *f, long sessions)
{
    int band = -1;
    for (size_t b = 0; b < f->n_bands; b++)
        if (sessions >= f->bands[b].min)
            band = (int)b;
    return band;
}

/* Quartiles of present sessions per beneficiary, and beneficiaries by band, per period. */
static void compute_dosage(struct work *w)
{
    struct figures *f = w->fig;
    size_t n = keymap_count(w->person_period);
    double *values = xcalloc(n ? n : 1, sizeof *values);
    for (size_t p = 0; p < f->n_periods; p++) {
        struct period_figures *pf = &f->periods[p];
        size_t m = 0;
        double sum = 0;
        for (size_t k = 0; k < n; k++) {
            const struct person_period *pp = &w->person_periods[k];
            if (pp->period != (int)p)
                continue;
            values[m++] = (double)pp->sessions;
            sum += (double)pp->sessions;
            int band = band_of(f, pp->sessions);
            if (band >= 0)
                pf->by_band[band]++;
        }
        struct dosage *dz = &pf->dosage;
        dz->defined = stats_quartiles(values, m, &dz->q1, &dz->median, &dz->q3);
        dz->mean = m ? sum / (double)m : 0;
    }
    free(values);
}

static int compare_days(const void *a, const void *b)
{
    day_t x = *(const day_t *)a, y = *(const day_t *)b;
    return (x > y) - (x < y);
}

/* Every person's present-session days, sorted, to count sessions up to a given day. */
static void index_presence(struct work *w)
{
    const struct dataset *d = w->data;
    uint32_t *offsets = xcalloc(d->n_persons + 1, sizeof *offsets);
    for (size_t i = 0; i < d->n_attendances; i++)
        offsets[d->attendances[i].person + 1] += d->attendances[i].present;
    for (size_t p = 0; p < d->n_persons; p++)
        offsets[p + 1] += offsets[p];
    day_t *days = xcalloc(offsets[d->n_persons] ? offsets[d->n_persons] : 1, sizeof *days);
    uint32_t *fill = xcalloc(d->n_persons ? d->n_persons : 1, sizeof *fill);
    for (size_t i = 0; i < d->n_attendances; i++) {
        const struct attendance_record *a = &d->attendances[i];
        if (a->present)
            days[offsets[a->person] + fill[a->person]++] = d->sessions[a->session].date;
    }
    for (size_t p = 0; p < d->n_persons; p++)
        qsort(days + offsets[p], offsets[p + 1] - offsets[p], sizeof *days, compare_days);
    free(fill);
    w->presence_offsets = offsets;
    w->presence_days = days;
}

/* Present sessions of `person` on or before `day`. */
static long sessions_up_to(const struct work *w, uint32_t person, day_t day)
{
    uint32_t lo = w->presence_offsets[person], hi = w->presence_offsets[person + 1];
    while (lo < hi) {
        uint32_t mid = lo + (hi - lo) / 2;
        if (w->presence_days[mid] <= day)
            lo = mid + 1;
        else
            hi = mid;
    }
    return (long)(lo - w->presence_offsets[person]);
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

/* Outcome counts per period, and per period × dosage band (flattened). */
struct outcome_tally {
    long *employed, *positive, *known;
    long *band_employed, *band_known; /* [period * FIGURES_MAX_BANDS + band] */
};

static void tally_outcome(struct work *w, const struct outcome_record *o, int p,
                          struct outcome_tally *t)
{
    enum category c = (enum category)o->category;
    if (c == CATEGORY_UNKNOWN)
        return;
    bool employed = c == CATEGORY_EMPLOYMENT;
    t->known[p]++;
    t->employed[p] += employed;
    t->positive[p] += employed || c == CATEGORY_TRAINING || c == CATEGORY_EDUCATION;
    int band = band_of(w->fig, sessions_up_to(w, o->person, o->observed_on));
    if (band >= 0) {
        t->band_known[p * FIGURES_MAX_BANDS + band]++;
        t->band_employed[p * FIGURES_MAX_BANDS + band] += employed;
    }
}

/* Per (person, period): the latest observation dated in the period, made on or after the
 * person's first presence (same date: the later row in input order). */
static void count_outcomes(struct work *w, struct outcome_tally *tally)
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
    for (uint32_t k = 0; k < keymap_count(index); k++)
        tally_outcome(w, latest[k], period[k], tally);
    free(latest);
    free(period);
    keymap_free(index);
}

static void compute_rates(struct work *w)
{
    struct figures *f = w->fig;
    size_t n = f->n_periods ? f->n_periods : 1;
    struct outcome_tally t = {
        xcalloc(n, sizeof(long)),
        xcalloc(n, sizeof(long)),
        xcalloc(n, sizeof(long)),
        xcalloc(n * FIGURES_MAX_BANDS, sizeof(long)),
        xcalloc(n * FIGURES_MAX_BANDS, sizeof(long)),
    };
    count_outcomes(w, &t);
    double conf = w->opt->confidence;
    for (size_t i = 0; i < f->n_periods; i++) {
        struct period_figures *p = &f->periods[i];
        long known = p->counts[COUNT_SESSIONS] - p->counts[COUNT_QPV_UNKNOWN_SESSIONS];
        p->rates[RATE_QPV_SHARE] = stats_rate(p->counts[COUNT_QPV_SESSIONS], known, conf);
        p->rates[RATE_EMPLOYMENT] = stats_rate(t.employed[i], t.known[i], conf);
        p->rates[RATE_POSITIVE_OUTCOME] = stats_rate(t.positive[i], t.known[i], conf);
        p->rates[RATE_SHARE_GIRLS] =
            stats_rate(p->by_sex[SEX_F], p->by_sex[SEX_F] + p->by_sex[SEX_M], conf);
        for (size_t b = 0; b < f->n_bands; b++)
            p->employment_by_band[b] = stats_rate(t.band_employed[i * FIGURES_MAX_BANDS + b],
                                                  t.band_known[i * FIGURES_MAX_BANDS + b], conf);
    }
    free(t.employed);
    free(t.positive);
    free(t.known);
    free(t.band_employed);
    free(t.band_known);
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

/* Persons (sorted first-presence days) first present on or before `day`. */
static long count_up_to(const day_t *sorted, size_t n, day_t day)
{
    size_t lo = 0, hi = n;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (sorted[mid] <= day)
            lo = mid + 1;
        else
            hi = mid;
    }
    return (long)lo;
}

/* Cumulative counts at each quarter end from the first-presence days (sorted here), the
 * count by the deadline, and the day the target was reached when it was. */
static void fill_trajectory(struct target_progress *t, const day_t *ends, size_t n_ends,
                            day_t *firsts, size_t n_firsts, day_t deadline)
{
    qsort(firsts, n_firsts, sizeof *firsts, compare_days);
    t->has_deadline = deadline != DAY_NONE;
    t->reached_by_deadline = t->has_deadline ? count_up_to(firsts, n_firsts, deadline) : 0;
    t->progress_by_deadline =
        t->target > 0 ? (double)t->reached_by_deadline / (double)t->target : 0;
    t->projection.reached_on =
        t->target > 0 && (size_t)t->target <= n_firsts ? firsts[t->target - 1] : DAY_NONE;
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
    *pr = (struct projection){.defined = false, .reached_on = pr->reached_on};
    if (t->target <= 0) {
        pr->reason = "no target set";
        return;
    }
    if (pr->reached_on != DAY_NONE) {
        pr->reason = "target already reached";
        pr->on_track_known = true;
        pr->on_track = deadline == DAY_NONE || pr->reached_on <= deadline;
        return;
    }
    size_t n = t->n_quarters < (size_t)fit_quarters ? t->n_quarters : (size_t)fit_quarters;
    if (n < 2) {
        pr->reason = "fewer than two quarters of data";
        return;
    }
    /* x in quarters (of 365.2425 / 4 days) from the first point fitted: the band's search
     * range in stats_linear_crossing (STATS_CROSSING_HORIZON units) is then a century */
    const struct quarter_point *pts = t->quarters + (t->n_quarters - n);
    double *x = xcalloc(n, sizeof *x), *y = xcalloc(n, sizeof *y), slope, cross, low, high;
    for (size_t i = 0; i < n; i++) {
        x[i] = (double)(pts[i].end - pts[0].end) / QUARTER_DAYS;
        y[i] = (double)pts[i].cumulative;
    }
    bool crosses = stats_linear_crossing(x, y, n, (double)t->target, &slope, &cross, &pr->has_band,
                                         &low, &high, &pr->reason);
    free(x);
    free(y);
    if (!crosses)
        return;
    if (cross > STATS_CROSSING_HORIZON) {
        pr->reason = "trend too flat to reach the target within a century";
        return;
    }
    pr->defined = true;
    pr->quarters_used = (int)n;
    pr->slope_per_quarter = slope;
    pr->date = pts[0].end + (day_t)lround(cross * QUARTER_DAYS);
    pr->earliest = pr->has_band ? pts[0].end + (day_t)floor(low * QUARTER_DAYS) : DAY_NONE;
    pr->latest = pr->has_band ? pts[0].end + (day_t)ceil(high * QUARTER_DAYS) : DAY_NONE;
    pr->has_band = pr->has_band && pr->latest != DAY_NONE;
    pr->on_track_known = deadline != DAY_NONE;
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
        fill_trajectory(t, ends, n_ends, days, n, f->deadline);
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
    fill_trajectory(&f->overall, ends, n_ends, firsts, n, f->deadline);
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
    f->n_bands = options->n_bands < FIGURES_MAX_BANDS ? options->n_bands : FIGURES_MAX_BANDS;
    memcpy(f->bands, options->bands, f->n_bands * sizeof *f->bands);
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
        compute_dosage(&w);
        index_presence(&w);
        compute_rates(&w);
        compute_changes(&w);
        compute_targets(&w);
        free(w.first_present);
        free(w.presence_offsets);
        free(w.presence_days);
        free(w.person_periods);
        keymap_free(w.person_period);
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
