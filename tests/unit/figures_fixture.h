/* figures_fixture.h — hand-built figures and file checks shared by the charts tests (through
 * charts_fixture.h) and test_summary.c (include after <cmocka.h>; everything is static
 * inline, so a test uses what it needs).
 *
 * The figures follow the reference programme: target 3 000 by 2019-12-31, three sites with
 * targets 1 200, 1 200 and 600, three calendar years, dosage bands 1 / 2-4 / 5+. The Wilson
 * intervals were computed with the score formula in Python (z = 1.959964): 61/135 →
 * [0.3704, 0.5360], 120/130 → [0.8642, 0.9577], 15/50 → [0.1910, 0.4375], 26/55 →
 * [0.3469, 0.6021], 20/30 → [0.4878, 0.8077], 560/1190 → [0.4424, 0.4990].
 * A fixture lives on the test's stack and owns everything its `struct figures` points to.
 */
#ifndef TEST_FIGURES_FIXTURE_H
#define TEST_FIGURES_FIXTURE_H

#include "stages/common/figures.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define NN         NUMFMT_NNBSP
#define NB         "\xC2\xA0"
#define N_QUARTERS 12
#define N_SITES    3
#define N_PERIODS  3

struct fixture {
    struct figures fig;
    struct period_figures periods[N_PERIODS];
    long by_site[N_PERIODS][N_SITES];
    uint8_t by_site_withheld[N_PERIODS][N_SITES];
    const char *site_names[N_SITES];
    struct quarter_point overall_q[N_QUARTERS];
    struct quarter_point site_q[N_SITES][N_QUARTERS];
    struct target_progress sites[N_SITES];
};

static inline day_t ymd(int y, int m, int d)
{
    day_t day = DAY_NONE;
    assert_true(date_from_ymd(y, m, d, &day));
    return day;
}

static inline struct rate rate_of(long x, long n, double low, double high)
{
    return (struct rate){x, n, true, (double)x / (double)n, low, high};
}

static inline void fill_quarters(struct quarter_point *q, const long *cumulative, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        int year = 2017 + (int)(i / 4), quarter = (int)(i % 4) + 1;
        snprintf(q[i].label, sizeof q[i].label, "%04u-Q%u", (unsigned)year % 10000u,
                 (unsigned)quarter % 10u);
        q[i].end = date_quarter_end(ymd(year, quarter * 3, 1));
        q[i].cumulative = cumulative[i];
    }
}

static inline void fill_trajectory(struct target_progress *tp, const char *name,
                                   struct quarter_point *q, const long *cumulative, long target)
{
    fill_quarters(q, cumulative, N_QUARTERS);
    *tp = (struct target_progress){.name = name,
                                   .target = target,
                                   .n_quarters = N_QUARTERS,
                                   .quarters = q,
                                   .projection = {.reached_on = DAY_NONE}};
    tp->reached = cumulative[N_QUARTERS - 1];
    tp->progress = target ? (double)tp->reached / (double)target : 0;
    tp->last_quarter_end = q[N_QUARTERS - 1].end;
}

static inline void fill_period(struct period_figures *p, int year, long youth, long parent,
                               long unknown)
{
    snprintf(p->label, sizeof p->label, "%d", year);
    p->start = ymd(year, 1, 1);
    p->end = ymd(year, 12, 31);
    p->data_until = DAY_NONE;
    p->by_role[ROLE_YOUTH] = youth;
    p->by_role[ROLE_PARENT] = parent;
    p->by_role[ROLE_UNKNOWN] = unknown;
    p->counts[COUNT_BENEFICIARIES] = youth + parent + unknown;
    p->counts[COUNT_NEW_BENEFICIARIES] = (youth + parent + unknown) * 4 / 5;
}

/* Changes against the previous period, as the indicators give them. */
static inline void link_previous(struct period_figures *p, const struct period_figures *prev)
{
    p->has_previous = true;
    for (int k = 0; k < COUNT_KINDS; k++) {
        long now = p->counts[k], before = prev->counts[k];
        p->count_changes[k] = (struct count_change){
            now - before, before != 0, before ? (double)(now - before) / (double)before : 0};
    }
    for (int k = 0; k < RATE_KINDS; k++) {
        const struct rate *a = &prev->rates[k], *b = &p->rates[k];
        p->rate_changes[k] = (struct rate_change){a->defined && b->defined, b->rate - a->rate,
                                                  RATE_TEST_Z, k == RATE_EMPLOYMENT ? 0.2 : 0.012};
    }
}

static inline void fill_rates(struct fixture *fx)
{
    struct period_figures *p = fx->periods;
    /* 2017: nobody followed up yet, both outcome rates undefined. */
    p[0].rates[RATE_QPV_SHARE] = rate_of(68, 80, 0.7559, 0.9121);
    p[1].rates[RATE_EMPLOYMENT] = rate_of(38, 95, 0.3072, 0.5005);
    p[1].rates[RATE_POSITIVE_OUTCOME] = rate_of(52, 95, 0.4474, 0.6437);
    p[1].rates[RATE_QPV_SHARE] = rate_of(81, 90, 0.8208, 0.9465);
    p[2].rates[RATE_EMPLOYMENT] = rate_of(61, 135, 0.3704, 0.5360);
    p[2].rates[RATE_POSITIVE_OUTCOME] = rate_of(84, 135, 0.5381, 0.6996);
    p[2].rates[RATE_QPV_SHARE] = rate_of(120, 130, 0.8642, 0.9577);
}

/* 2019 only: 1 session 15/50, 2-4 sessions 26/55, 5+ sessions 20/30 (sums to 61/135). */
static inline void fill_bands(struct fixture *fx)
{
    static const struct dosage_band bands[3] = {{1, 1, "1"}, {2, 4, "2-4"}, {5, 0, "5+"}};
    fx->fig.n_bands = 3;
    memcpy(fx->fig.bands, bands, sizeof bands);
    struct period_figures *p = &fx->periods[2];
    p->employment_by_band[0] = rate_of(15, 50, 0.1910, 0.4375);
    p->employment_by_band[1] = rate_of(26, 55, 0.3469, 0.6021);
    p->employment_by_band[2] = rate_of(20, 30, 0.4878, 0.8077);
}

static inline void fill_sex(struct fixture *fx)
{
    static const long sex[N_PERIODS][SEX_COUNT] = {{290, 310, 10}, {390, 425, 15}, {560, 630, 14}};
    for (size_t i = 0; i < N_PERIODS; i++)
        memcpy(fx->periods[i].by_sex, sex[i], sizeof sex[i]);
    fx->periods[2].rates[RATE_SHARE_GIRLS] = rate_of(560, 1190, 0.4424, 0.4990);
}

static inline void fill_sites(struct fixture *fx)
{
    static const long cumul[N_SITES][N_QUARTERS] = {
        {60, 130, 200, 260, 330, 400, 470, 540, 650, 760, 880, 1020},
        {50, 110, 160, 200, 260, 320, 380, 430, 520, 610, 710, 820},
        {40, 80, 120, 150, 210, 260, 300, 330, 410, 480, 560, 640}};
    static const long targets[N_SITES] = {1200, 1200, 600};
    static const char *const names[N_SITES] = {"Parc Bellevue \xE2\x80\x93 F\xC3\xA9lix Pyat",
                                               "Les Lauriers \xE2\x80\x93 Olivier A", "Tarascon"};
    for (size_t s = 0; s < N_SITES; s++) {
        fx->site_names[s] = names[s];
        fill_trajectory(&fx->sites[s], names[s], fx->site_q[s], cumul[s], targets[s]);
    }
}

static inline void fixture_init(struct fixture *fx)
{
    static const long cumul[N_QUARTERS] = {150,  320,  480,  610,  800,  980,
                                           1150, 1300, 1580, 1850, 2120, 2412};
    memset(fx, 0, sizeof *fx);
    fill_period(&fx->periods[0], 2017, 480, 120, 10);
    fill_period(&fx->periods[1], 2018, 640, 175, 15);
    fill_period(&fx->periods[2], 2019, 930, 274, 0);
    for (size_t i = 0; i < N_PERIODS; i++) {
        fx->periods[i].by_site = fx->by_site[i];
        fx->periods[i].withheld.by_site = fx->by_site_withheld[i];
        fx->periods[i].counts[COUNT_CUMULATIVE_BENEFICIARIES] = cumul[4 * i + 3];
    }
    fill_rates(fx);
    fill_sex(fx);
    link_previous(&fx->periods[1], &fx->periods[0]);
    link_previous(&fx->periods[2], &fx->periods[1]);
    fill_sites(fx);
    fill_trajectory(&fx->fig.overall, "overall", fx->overall_q, cumul, 3000);
    fx->fig.overall.projection = (struct projection){.defined = true,
                                                     .quarters_used = 4,
                                                     .slope_per_quarter = 270.6,
                                                     .date = ymd(2020, 6, 17),
                                                     .on_track = false,
                                                     .reached_on = DAY_NONE};
    fx->fig.data_last = ymd(2019, 12, 18); /* the last session: no period is partial */
    fx->fig.n_periods = N_PERIODS;
    fx->fig.periods = fx->periods;
    fx->fig.n_sites = N_SITES;
    fx->fig.site_names = fx->site_names;
    fx->fig.confidence = 0.95;
    fx->fig.deadline = ymd(2019, 12, 31);
    fx->fig.sites = fx->sites;
    fx->fig.suppression_threshold = 11;
    fill_bands(fx);
}

/* The data stop on 2019-10-16 (an export taken in October): 2019 is partial, and so is its
 * change from 2018 (issue 14, defect 6). The last quarter, 2019-Q4, is then incomplete. */
static inline void make_partial(struct fixture *fx)
{
    struct period_figures *p = &fx->periods[N_PERIODS - 1];
    fx->fig.data_last = ymd(2019, 10, 16);
    p->partial = true;
    p->data_until = fx->fig.data_last;
    p->changes_partial = true;
}

/* Withholds a count the way stages/disclose does: flag set, value zeroed. */
static inline void withhold_count(long *value, uint8_t *flag, enum withheld why)
{
    *value = 0;
    *flag = (uint8_t)why;
}

static inline void withhold_rate(struct rate *r, uint8_t *flag, enum withheld why)
{
    *r = (struct rate){0};
    *flag = (uint8_t)why;
}

/* ---- files ---- */

struct outdir {
    char path[64];
};

static inline struct outdir outdir_new(void)
{
    struct outdir d;
    snprintf(d.path, sizeof d.path, "/tmp/test_impact_XXXXXX");
    assert_non_null(mkdtemp(d.path));
    return d;
}

/* Whole file into a NUL-terminated malloc'd buffer. */
static inline char *read_all(const char *path, size_t *len)
{
    FILE *in = fopen(path, "rb");
    if (!in)
        fail_msg("cannot open %s", path);
    fseek(in, 0, SEEK_END);
    long size = ftell(in);
    fseek(in, 0, SEEK_SET);
    char *data = malloc((size_t)size + 1);
    assert_non_null(data);
    assert_int_equal(fread(data, 1, (size_t)size, in), (size_t)size);
    fclose(in);
    data[size] = '\0';
    *len = (size_t)size;
    return data;
}

static inline void expect_same_file(const char *a, const char *b)
{
    size_t la, lb;
    char *da = read_all(a, &la), *db = read_all(b, &lb);
    if (la != lb || memcmp(da, db, la) != 0)
        fail_msg("%s and %s differ", a, b);
    free(da);
    free(db);
}

static inline void expect_in(const char *what, const char *text, const char *needle)
{
    if (!strstr(text, needle))
        fail_msg("%s: \"%s\" does not contain \"%s\"", what, text, needle);
}

static inline void expect_not_in(const char *what, const char *text, const char *needle)
{
    if (strstr(text, needle))
        fail_msg("%s: \"%s\" contains \"%s\"", what, text, needle);
}

#endif
