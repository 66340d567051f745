/* target.c — progress towards the targets, overall and per site: the cumulative count at
 * each quarter end, the count by the deadline, the day the target was reached, and the
 * linear projection of when it will be. */
#include "stages/indicators/indicators_private.h"

#include "stages/common/arena.h"
#include "stages/common/fold.h"
#include "stages/common/stats.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const double QUARTER_DAYS = 365.2425 / 4.0;

/* Quarter ends from the first to the last present attendance. */
static size_t quarter_ends(const struct work *w, day_t **out)
{
    day_t first = w->present_first, last = w->present_last;
    size_t n = 0, cap = 0;
    *out = NULL;
    for (day_t q = first; first != DAY_NONE && q <= last; q = date_quarter_end(q) + 1) {
        xgrow((void **)out, &cap, n, sizeof **out);
        (*out)[n++] = date_quarter_end(q);
    }
    return n;
}

/* Cumulative counts at each quarter end from the first-presence days (sorted), the count by
 * the deadline, and the day the target was reached when it was. */
static void fill_trajectory(struct target_progress *t, const day_t *ends, size_t n_ends,
                            const day_t *firsts, size_t n_firsts, day_t deadline)
{
    t->has_deadline = deadline != DAY_NONE;
    t->reached_by_deadline =
        t->has_deadline ? indicators_count_up_to(firsts, n_firsts, deadline) : 0;
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

/* `until`: the data stop when the last period is partial (else DAY_NONE): a quarter ending
 * after it holds the count at that day, so the fit places it there, not at its end. */
static void project(struct target_progress *t, day_t deadline, int fit_quarters, day_t until)
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
        day_t day = until != DAY_NONE && pts[i].end > until ? until : pts[i].end;
        x[i] = (double)(day - pts[0].end) / QUARTER_DAYS;
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

/* The target-role persons' first present days grouped by site (counting sort), each site's
 * sorted: site s's are days[offsets[s] .. offsets[s + 1]). Frees the pairs. */
static day_t *site_first_days(struct work *w, size_t **offsets_out)
{
    size_t n_sites = w->fig->n_sites, n = w->n_site_firsts;
    size_t *offsets = xcalloc(n_sites + 1, sizeof *offsets);
    for (size_t i = 0; i < n; i++)
        offsets[w->site_firsts[i].site + 1]++;
    indicators_counts_to_starts(offsets, n_sites);
    day_t *days = xmalloc((n ? n : 1) * sizeof *days), *tmp = xmalloc((n ? n : 1) * sizeof *tmp);
    for (size_t i = 0; i < n; i++)
        days[offsets[w->site_firsts[i].site]++] = w->site_firsts[i].day;
    indicators_cursors_to_starts(offsets, n_sites);
    free(w->site_firsts);
    w->site_firsts = NULL;
    for (size_t s = 0; s < n_sites; s++)
        indicators_sort_days(days + offsets[s], offsets[s + 1] - offsets[s], tmp);
    free(tmp);
    *offsets_out = offsets;
    return days;
}

static void compute_site_targets(struct work *w, const day_t *ends, size_t n_ends)
{
    struct figures *f = w->fig;
    size_t *offsets;
    day_t *days = site_first_days(w, &offsets);
    f->sites = xcalloc(f->n_sites ? f->n_sites : 1, sizeof *f->sites);
    for (size_t s = 0; s < f->n_sites; s++) {
        struct target_progress *t = &f->sites[s];
        t->name = f->site_names[s];
        t->target = site_target(w, t->name);
        fill_trajectory(t, ends, n_ends, days + offsets[s], offsets[s + 1] - offsets[s],
                        f->deadline);
        project(t, f->deadline, w->opt->trend_quarters, indicators_partial_until(f));
    }
    free(days);
    free(offsets);
}

void indicators_compute_targets(struct work *w)
{
    struct figures *f = w->fig;
    size_t cap = w->data->n_persons ? w->data->n_persons : 1;
    day_t *ends, *firsts = xmalloc(cap * sizeof *firsts), *tmp = xmalloc(cap * sizeof *tmp);
    size_t n_ends = quarter_ends(w, &ends), n = 0;
    for (size_t i = 0; i < w->data->n_persons; i++)
        if (w->first_present[i] != DAY_NONE && counts_towards_target(w, (uint32_t)i))
            firsts[n++] = w->first_present[i];
    indicators_sort_days(firsts, n, tmp);
    free(tmp);
    f->overall.name = "overall";
    f->overall.target = w->opt->target;
    fill_trajectory(&f->overall, ends, n_ends, firsts, n, f->deadline);
    project(&f->overall, f->deadline, w->opt->trend_quarters, indicators_partial_until(f));
    compute_site_targets(w, ends, n_ends);
    free(firsts);
    free(ends);
}
