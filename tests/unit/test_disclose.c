/* test_disclose.c — stages/disclose.c: which cells of the public copy are withheld, why,
 * and that nothing else changes.
 *
 * One base set of figures (three years, two sites, two dosage bands, quarterly targets) in
 * which every count of persons is 0 or at least 11, so nothing is withheld at k = 11. Each
 * case edits a few cells — chosen so that primary suppression alone would leak a cell
 * through a total — and lists EVERY cell that must end up withheld, with its reason; all
 * other cells must be shown with the internal value. The working is in each case's
 * comment. Then: withheld values are zeroed, the internal figures are untouched, k = 1
 * withholds nothing, k = 0 is an error.
 *
 * Cell references: {kind, owner, index}; owner is the period for period cells, and 0
 * (overall) or 1 + site for target cells.
 */
#include "stages/disclose.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <string.h>

enum { N_PERIODS = 3, N_SITES = 2, N_BANDS = 2, N_QUARTERS = 4, N_OWNERS = 1 + N_SITES };
enum { S = WITHHELD_SMALL_CELL, C = WITHHELD_COMPLEMENTARY };

enum kind {
    K_COUNT,
    K_ROLE,
    K_SEX,
    K_SITE,
    K_BAND,
    K_RATE,
    K_BAND_RATE,
    K_DOSAGE,
    K_COUNT_CHANGE,
    K_RATE_CHANGE,
    K_QUARTER,
    K_REACHED,
    K_BY_DEADLINE,
    K_KINDS
};

struct ref {
    enum kind kind;
    int owner, index;
};

struct expect {
    struct ref ref;
    uint8_t why;
};

struct fixture {
    struct period_figures periods[N_PERIODS];
    long by_site[N_PERIODS][N_SITES];
    struct count_change site_changes[N_PERIODS][N_SITES];
    struct quarter_point quarters[N_OWNERS][N_QUARTERS];
    struct target_progress sites[N_SITES];
    struct figures fig;
};

static const char *const site_names[N_SITES] = {"Tarascon", "Les Lauriers"};

/* ---- the base figures ------------------------------------------------------------------- */

static day_t ymd(int y, int m, int d)
{
    day_t day = DAY_NONE;
    assert_true(date_from_ymd(y, m, d, &day));
    return day;
}

static struct rate rate_of(long num, long den)
{
    return (struct rate){.numerator = num,
                         .denominator = den,
                         .defined = den > 0,
                         .rate = den > 0 ? (double)num / (double)den : 0,
                         .ci_low = 0.1,
                         .ci_high = 0.9};
}

/* Beneficiaries 40/50/60; new 40/30/20; cumulative 40/70/90; by role youth = b − 15,
 * parent 15; by sex half and half; by band 15 and b − 15; sites b − 10 and 20. */
static void fill_period(struct fixture *fx, int i)
{
    static const long bens[] = {40, 50, 60}, added[] = {40, 30, 20}, cum[] = {40, 70, 90};
    struct period_figures *p = &fx->periods[i];
    snprintf(p->label, sizeof p->label, "%d", 2018 + i);
    p->start = ymd(2018 + i, 1, 1);
    p->end = ymd(2018 + i, 12, 31);
    long b = bens[i];
    long counts[COUNT_KINDS] = {30, 20, 2, 300, b, added[i], cum[i]};
    memcpy(p->counts, counts, sizeof counts);
    p->by_role[ROLE_YOUTH] = b - 15, p->by_role[ROLE_PARENT] = 15;
    p->by_sex[SEX_F] = b / 2, p->by_sex[SEX_M] = b / 2;
    fx->by_site[i][0] = b - 10, fx->by_site[i][1] = 20;
    p->by_site = fx->by_site[i];
    p->site_changes = fx->site_changes[i];
    p->by_band[0] = 15, p->by_band[1] = b - 15;
    p->rates[RATE_QPV_SHARE] = rate_of(20, 28);
    p->rates[RATE_EMPLOYMENT] = rate_of(30, 60);
    p->rates[RATE_POSITIVE_OUTCOME] = rate_of(40, 60);
    p->rates[RATE_SHARE_GIRLS] = rate_of(b / 2, b);
    p->employment_by_band[0] = rate_of(15, 30);
    p->employment_by_band[1] = rate_of(15, 30);
    p->dosage = (struct dosage){.defined = true, .q1 = 2, .median = 3, .q3 = 5, .mean = 7.5};
}

static void fill_changes(struct period_figures *p, const struct period_figures *prev)
{
    p->has_previous = true;
    for (int k = 0; k < COUNT_KINDS; k++)
        p->count_changes[k] = (struct count_change){
            .absolute = p->counts[k] - prev->counts[k],
            .relative_defined = true,
            .relative = (double)(p->counts[k] - prev->counts[k]) / (double)prev->counts[k]};
    for (int k = 0; k < RATE_KINDS; k++) {
        p->rate_changes[k] = (struct rate_change){
            .defined = true, .difference = 0.01, .test = RATE_TEST_Z, .p_value = 0.5};
        p->numerator_changes[k] = (struct count_change){1, true, 0.1};
        p->denominator_changes[k] = (struct count_change){2, true, 0.2};
    }
    for (int r = 0; r < ROLE_COUNT; r++)
        p->role_changes[r] = (struct count_change){3 + r, true, 0.3};
    for (int x = 0; x < SEX_COUNT; x++)
        p->sex_changes[x] = (struct count_change){6 + x, true, 0.6};
    for (int s = 0; s < N_SITES; s++)
        p->site_changes[s] = (struct count_change){9 + s, true, 0.9};
}

/* Overall: 2018-Q4 40, 2019-Q2 55, 2019-Q4 70, 2020-Q4 90 (the year ends equal the
 * cumulative counts); Tarascon 20, 30, 45, 60; Les Lauriers 20, 25, 30, 35. */
static void fill_target(struct fixture *fx, int owner, const long *values, int fit)
{
    static const int months[N_QUARTERS][2] = {{2018, 12}, {2019, 6}, {2019, 12}, {2020, 12}};
    static const char *const labels[N_QUARTERS] = {"2018-Q4", "2019-Q2", "2019-Q4", "2020-Q4"};
    struct target_progress *t = owner == 0 ? &fx->fig.overall : &fx->sites[owner - 1];
    for (int q = 0; q < N_QUARTERS; q++) {
        struct quarter_point *pt = &fx->quarters[owner][q];
        snprintf(pt->label, sizeof pt->label, "%s", labels[q]);
        pt->end = ymd(months[q][0], months[q][1], months[q][1] == 6 ? 30 : 31);
        pt->cumulative = values[q];
    }
    *t = (struct target_progress){.name = owner == 0 ? "overall" : site_names[owner - 1],
                                  .target = 200,
                                  .n_quarters = N_QUARTERS,
                                  .quarters = fx->quarters[owner],
                                  .reached = values[N_QUARTERS - 1],
                                  .progress = (double)values[N_QUARTERS - 1] / 200.0,
                                  .last_quarter_end = ymd(2020, 12, 31),
                                  .has_deadline = true,
                                  .reached_by_deadline = values[N_QUARTERS - 1],
                                  .progress_by_deadline = (double)values[N_QUARTERS - 1] / 200.0};
    t->projection = (struct projection){.defined = true,
                                        .quarters_used = fit,
                                        .slope_per_quarter = 10,
                                        .date = ymd(2023, 6, 30),
                                        .on_track_known = true,
                                        .reached_on = DAY_NONE};
}

static void fixture_init(struct fixture *fx)
{
    static const long overall[] = {40, 55, 70, 90}, tarascon[] = {20, 30, 45, 60},
                      lauriers[] = {20, 25, 30, 35};
    memset(fx, 0, sizeof *fx);
    for (int i = 0; i < N_PERIODS; i++)
        fill_period(fx, i);
    for (int i = 1; i < N_PERIODS; i++)
        fill_changes(&fx->periods[i], &fx->periods[i - 1]);
    fx->fig.deadline = ymd(2020, 12, 31);
    fill_target(fx, 0, overall, 3);
    fill_target(fx, 1, tarascon, 2);
    fill_target(fx, 2, lauriers, 2);
    fx->fig = (struct figures){.n_periods = N_PERIODS,
                               .periods = fx->periods,
                               .n_sites = N_SITES,
                               .site_names = site_names,
                               .confidence = 0.95,
                               .deadline = fx->fig.deadline,
                               .overall = fx->fig.overall,
                               .sites = fx->sites,
                               .n_bands = N_BANDS,
                               .bands = {{1, 4, "1-4"}, {5, 0, "5+"}}};
}

/* ---- cells ------------------------------------------------------------------------------ */

static int n_owners(enum kind kind)
{
    return kind >= K_QUARTER ? N_OWNERS : N_PERIODS;
}

static int n_indices(enum kind kind)
{
    static const int n[K_KINDS] = {
        [K_COUNT] = COUNT_KINDS,      [K_ROLE] = ROLE_COUNT,    [K_SEX] = SEX_COUNT,
        [K_SITE] = N_SITES,           [K_BAND] = N_BANDS,       [K_RATE] = RATE_KINDS,
        [K_BAND_RATE] = N_BANDS,      [K_DOSAGE] = 1,           [K_COUNT_CHANGE] = COUNT_KINDS,
        [K_RATE_CHANGE] = RATE_KINDS, [K_QUARTER] = N_QUARTERS, [K_REACHED] = 1,
        [K_BY_DEADLINE] = 1};
    return n[kind];
}

static struct target_progress *target_of(struct figures *f, int owner)
{
    return owner == 0 ? &f->overall : &f->sites[owner - 1];
}

static uint8_t flag_at(struct figures *f, struct ref r)
{
    const struct period_withheld *w = &f->periods[r.kind < K_QUARTER ? r.owner : 0].withheld;
    switch (r.kind) {
    case K_COUNT:
        return w->counts[r.index];
    case K_ROLE:
        return w->by_role[r.index];
    case K_SEX:
        return w->by_sex[r.index];
    case K_SITE:
        return w->by_site[r.index];
    case K_BAND:
        return w->by_band[r.index];
    case K_RATE:
        return w->rates[r.index];
    case K_BAND_RATE:
        return w->employment_by_band[r.index];
    case K_DOSAGE:
        return w->dosage;
    case K_COUNT_CHANGE:
        return w->count_changes[r.index];
    case K_RATE_CHANGE:
        return w->rate_changes[r.index];
    case K_QUARTER:
        return target_of(f, r.owner)->quarters[r.index].withheld;
    case K_REACHED:
        return target_of(f, r.owner)->withheld;
    default:
        return target_of(f, r.owner)->withheld_by_deadline;
    }
}

/* The values a cell holds, as doubles (compared field by field: struct padding is not). */
static int values_of(struct figures *f, struct ref r, double *v)
{
    struct period_figures *p = &f->periods[r.kind < K_QUARTER ? r.owner : 0];
    struct target_progress *t = target_of(f, r.kind >= K_QUARTER ? r.owner : 0);
    const struct rate *rate = r.kind == K_RATE
                                  ? &p->rates[r.index]
                                  : &p->employment_by_band[r.kind == K_BAND_RATE ? r.index : 0];
    const struct count_change *cc = &p->count_changes[r.kind == K_COUNT_CHANGE ? r.index : 0];
    const struct rate_change *rc = &p->rate_changes[r.kind == K_RATE_CHANGE ? r.index : 0];
    const struct dosage *d = &p->dosage;
    switch (r.kind) {
    case K_COUNT:
        return v[0] = (double)p->counts[r.index], 1;
    case K_ROLE:
        return v[0] = (double)p->by_role[r.index], 1;
    case K_SEX:
        return v[0] = (double)p->by_sex[r.index], 1;
    case K_SITE:
        return v[0] = (double)p->by_site[r.index], 1;
    case K_BAND:
        return v[0] = (double)p->by_band[r.index], 1;
    case K_QUARTER:
        return v[0] = (double)t->quarters[r.index].cumulative, 1;
    case K_REACHED:
        return v[0] = (double)t->reached, v[1] = t->progress, 2;
    case K_BY_DEADLINE:
        return v[0] = (double)t->reached_by_deadline, v[1] = t->progress_by_deadline, 2;
    case K_RATE:
    case K_BAND_RATE:
        v[0] = (double)rate->numerator, v[1] = (double)rate->denominator, v[2] = rate->defined;
        return v[3] = rate->rate, v[4] = rate->ci_low, v[5] = rate->ci_high, 6;
    case K_DOSAGE:
        v[0] = d->defined, v[1] = d->q1, v[2] = d->median, v[3] = d->q3;
        return v[4] = d->mean, 5;
    case K_COUNT_CHANGE:
        return v[0] = (double)cc->absolute, v[1] = cc->relative_defined, v[2] = cc->relative, 3;
    default:
        v[0] = rc->defined, v[1] = rc->difference, v[2] = rc->test;
        return v[3] = rc->p_value, 4;
    }
}

static bool all_zero(const double *v, int n)
{
    for (int i = 0; i < n; i++)
        if (v[i] != 0)
            return false;
    return true;
}

static uint8_t expected_flag(const struct expect *want, struct ref r)
{
    for (const struct expect *e = want; e->why; e++)
        if (e->ref.kind == r.kind && e->ref.owner == r.owner && e->ref.index == r.index)
            return e->why;
    return WITHHELD_NONE;
}

/* A withheld cell has the expected reason and a zeroed value (a rate change's test is
 * RATE_TEST_NONE = 0); a shown one the internal value. */
static void check_cell(const char *name, struct figures *pub, struct figures *internal,
                       const struct expect *want, struct ref r)
{
    uint8_t got = flag_at(pub, r), expected = expected_flag(want, r);
    double pub_values[6], internal_values[6];
    int n = values_of(pub, r, pub_values);
    values_of(internal, r, internal_values);
    if (got != expected)
        fail_msg("%s: cell {kind %d, owner %d, index %d} withheld %d, expected %d", name, r.kind,
                 r.owner, r.index, got, expected);
    if (expected != WITHHELD_NONE && !all_zero(pub_values, n))
        fail_msg("%s: cell {kind %d, owner %d, index %d} is withheld but not zeroed", name, r.kind,
                 r.owner, r.index);
    if (expected == WITHHELD_NONE &&
        memcmp(pub_values, internal_values, (size_t)n * sizeof(double)))
        fail_msg("%s: cell {kind %d, owner %d, index %d} changed", name, r.kind, r.owner, r.index);
}

static void check_all_cells(const char *name, struct figures *pub, struct figures *internal,
                            const struct expect *want)
{
    for (int kind = 0; kind < K_KINDS; kind++)
        for (int owner = 0; owner < n_owners((enum kind)kind); owner++)
            for (int index = 0; index < n_indices((enum kind)kind); index++) {
                struct ref r = {(enum kind)kind, owner, index};
                bool no_change = kind >= K_COUNT_CHANGE && kind <= K_RATE_CHANGE && owner == 0;
                if (!no_change)
                    check_cell(name, pub, internal, want, r);
            }
}

/* A projection fitted on a withheld quarter is withheld; any other is unchanged. */
static void check_projections(const char *name, struct figures *pub, struct figures *internal,
                              const bool *withheld)
{
    for (int owner = 0; owner < N_OWNERS; owner++) {
        const struct projection *got = &target_of(pub, owner)->projection;
        const struct projection *in = &target_of(internal, owner)->projection;
        if (!withheld[owner]) {
            if (got->defined != in->defined || got->reason != in->reason ||
                got->quarters_used != in->quarters_used || got->date != in->date ||
                got->slope_per_quarter != in->slope_per_quarter ||
                got->on_track_known != in->on_track_known || got->reached_on != in->reached_on)
                fail_msg("%s: projection %d changed", name, owner);
            continue;
        }
        if (got->defined || !got->withheld || !got->reason ||
            strcmp(got->reason, DISCLOSE_PROJECTION_WITHHELD))
            fail_msg("%s: projection %d should be withheld", name, owner);
    }
}

/* ---- the cases -------------------------------------------------------------------------- */

/* 2018 role split 40 = youth 35 + parent 4 + unknown 1: two small cells, neither can be
 * recovered (only their sum, 5): nothing more is withheld. */
static void edit_role_two_small(struct fixture *fx)
{
    long *role = fx->periods[0].by_role;
    role[ROLE_YOUTH] = 35, role[ROLE_PARENT] = 4, role[ROLE_UNKNOWN] = 1;
}

/* 2018: 40 = youth 36 + parent 4 + unknown 0. parent is small; unknown is 0 (shown), so
 * parent = 40 − 36 − 0: the smallest non-zero shown member, youth 36, is withheld. */
static void edit_role_one_small(struct fixture *fx)
{
    long *role = fx->periods[0].by_role;
    role[ROLE_YOUTH] = 36, role[ROLE_PARENT] = 4, role[ROLE_UNKNOWN] = 0;
}

/* 2019: 50 = F 46 + M 4 + unknown 0. M small → F complementary; share_girls 46/50 has
 * denominator − numerator 4: small; its changes 2019 and 2020 go with it. */
static void edit_sex_small_m(struct fixture *fx)
{
    struct period_figures *p = &fx->periods[1];
    p->by_sex[SEX_F] = 46, p->by_sex[SEX_M] = 4;
    p->rates[RATE_SHARE_GIRLS] = rate_of(46, 50);
}

/* 2018: 40 = F 20 + M 15 + unknown 5. unknown small → M (15 < 20 < 40) complementary;
 * share_girls 20/35 would show M as 35 − 20: withheld too, and its 2019 change. */
static void edit_sex_small_unknown(struct fixture *fx)
{
    struct period_figures *p = &fx->periods[0];
    p->by_sex[SEX_F] = 20, p->by_sex[SEX_M] = 15, p->by_sex[SEX_UNKNOWN] = 5;
    p->rates[RATE_SHARE_GIRLS] = rate_of(20, 35);
}

/* new 2020 = 5: cumulative 75 = 70 + 5. Chain 2020 → cumulative 2019 (70 < 75); chain
 * 2019: 70 = 40 + 30 → new 2019 (30 < 40). Quarter 2019-Q4 = cumulative 2019 (70): withheld
 * with it, and the overall projection fitted on it. Changes: new and cumulative of 2019 and
 * 2020. */
static void edit_chain_last(struct fixture *fx)
{
    struct period_figures *p = &fx->periods[2];
    p->counts[COUNT_NEW_BENEFICIARIES] = 5, p->counts[COUNT_CUMULATIVE_BENEFICIARIES] = 75;
    fx->quarters[0][3].cumulative = 75;
    fx->fig.overall.reached = fx->fig.overall.reached_by_deadline = 75;
}

/* new 2019 = 4: 44 = 40 + 4 → cumulative 2018 (40 < 44); in the first period cumulative =
 * new = beneficiaries (40): both follow; beneficiaries 2018 withheld alone in its splits →
 * parent 15 (role), F 20 (sex: tie with M, lower index), band 1-4 15; share_girls with F;
 * dosage with beneficiaries; quarter 2018-Q4 = 40; changes of 2019. */
static void edit_chain_first(struct fixture *fx)
{
    struct period_figures *p = &fx->periods[1], *q = &fx->periods[2];
    p->counts[COUNT_NEW_BENEFICIARIES] = 4, p->counts[COUNT_CUMULATIVE_BENEFICIARIES] = 44;
    q->counts[COUNT_CUMULATIVE_BENEFICIARIES] = 64;
    long values[] = {40, 42, 44, 64};
    for (int i = 0; i < N_QUARTERS; i++)
        fx->quarters[0][i].cumulative = values[i];
    fx->fig.overall.reached = fx->fig.overall.reached_by_deadline = 64;
}

/* 2019 employment 5/8 and positive outcome 6/8: denominator 8 < 11; by band 2/3 and 3/5
 * (small denominators). Three members of employment = Σ bands withheld: nothing more. */
static void edit_rate_denominator_8(struct fixture *fx)
{
    struct period_figures *p = &fx->periods[1];
    p->rates[RATE_EMPLOYMENT] = rate_of(5, 8);
    p->rates[RATE_POSITIVE_OUTCOME] = rate_of(6, 8);
    p->employment_by_band[0] = rate_of(2, 3);
    p->employment_by_band[1] = rate_of(3, 5);
}

/* 2020 employment 3/50: 3 persons in employment. Bands 0/20 (shown: 0 and 20) and 3/30
 * (small numerator). */
static void edit_rate_3_of_50(struct fixture *fx)
{
    struct period_figures *p = &fx->periods[2];
    p->rates[RATE_EMPLOYMENT] = rate_of(3, 50);
    p->rates[RATE_POSITIVE_OUTCOME] = rate_of(30, 50);
    p->employment_by_band[0] = rate_of(0, 20);
    p->employment_by_band[1] = rate_of(3, 30);
}

/* 2018: 2 persons of unknown role (small) → parent 15 complementary. The overall quarters
 * count youth and parents only: 2018-Q4 = 38 and cumulative 40 would give the 2 back, so
 * the difference is a small cell and the quarter (38 < 40) is withheld. */
static void edit_quarter_gap(struct fixture *fx)
{
    long *role = fx->periods[0].by_role;
    role[ROLE_YOUTH] = 23, role[ROLE_PARENT] = 15, role[ROLE_UNKNOWN] = 2;
    fx->quarters[0][0].cumulative = 38;
}

/* 2018: youth 3 + parent 2 + unknown 35, so 2018-Q4 (youth and parents) = 5: small. The
 * difference 35 is published as unknown, so 40 = 5 + 35 would give the quarter back: the
 * complement is cumulative 40 (the difference itself is never picked, it is not a cell of
 * the file), then as in "reaching back to the first period" — with new 2019 (30 < 70) for
 * the 2019 chain. */
static void edit_quarter_small(struct fixture *fx)
{
    long *role = fx->periods[0].by_role;
    role[ROLE_YOUTH] = 3, role[ROLE_PARENT] = 2, role[ROLE_UNKNOWN] = 35;
    fx->quarters[0][0].cumulative = 5;
}

/* 2018 employment 30/60 = band 3/15 + band 27/45: band 1-4 small → band 5+ complementary
 * (45 < 60). */
static void edit_band_rate(struct fixture *fx)
{
    struct period_figures *p = &fx->periods[0];
    p->employment_by_band[0] = rate_of(3, 15);
    p->employment_by_band[1] = rate_of(27, 45);
}

/* 2019 dosage bands 50 = 3 + 47 → 47 complementary. */
static void edit_band_split(struct fixture *fx)
{
    fx->periods[1].by_band[0] = 3, fx->periods[1].by_band[1] = 47;
}

/* 2018 Les Lauriers 3: small, and nothing else (sites do not add up). */
static void edit_site(struct fixture *fx)
{
    fx->by_site[0][0] = 37, fx->by_site[0][1] = 3;
}

/* 2020 beneficiaries 8 (no new ones): every non-zero cell of its splits is small, so the
 * splits hide each other; dosage and the changes go with them. */
static void edit_small_period(struct fixture *fx)
{
    struct period_figures *p = &fx->periods[2];
    p->counts[COUNT_BENEFICIARIES] = 8, p->counts[COUNT_NEW_BENEFICIARIES] = 0;
    p->counts[COUNT_CUMULATIVE_BENEFICIARIES] = 70;
    p->by_role[ROLE_YOUTH] = 8, p->by_role[ROLE_PARENT] = 0;
    p->by_sex[SEX_F] = 4, p->by_sex[SEX_M] = 4;
    fx->by_site[2][0] = 8, fx->by_site[2][1] = 0;
    p->by_band[0] = 3, p->by_band[1] = 5;
    p->rates[RATE_SHARE_GIRLS] = rate_of(4, 8);
    fx->quarters[0][3].cumulative = 70;
    fx->fig.overall.reached = fx->fig.overall.reached_by_deadline = 70;
}

/* Sessions 3, QPV 2, unknown 0, attendances 5: sessions are not persons; qpv_share 2/3 is
 * shown. Zeros are never withheld. */
static void edit_sessions(struct fixture *fx)
{
    struct period_figures *p = &fx->periods[0];
    p->counts[COUNT_SESSIONS] = 3, p->counts[COUNT_QPV_SESSIONS] = 2;
    p->counts[COUNT_QPV_UNKNOWN_SESSIONS] = 0, p->counts[COUNT_ATTENDANCES] = 5;
    p->rates[RATE_QPV_SHARE] = rate_of(2, 3);
}

/* Les Lauriers quarters 5, 12, 20, 35 with a fit on all four: 2018-Q4 small, and the
 * projection, fitted on it, withheld. */
static void edit_site_projection(struct fixture *fx)
{
    fx->quarters[2][0].cumulative = 5, fx->quarters[2][1].cumulative = 12;
    fx->quarters[2][2].cumulative = 20;
    fx->sites[1].projection.quarters_used = 4;
}

/* Tarascon reached 7 by the deadline but 60 at the end: the deadline figure only. */
static void edit_by_deadline(struct fixture *fx)
{
    fx->sites[0].reached_by_deadline = 7;
}

static void edit_many(struct fixture *fx)
{
    edit_role_one_small(fx);
    edit_chain_last(fx);
    edit_rate_3_of_50(fx);
    edit_site_projection(fx);
}

static void edit_none(struct fixture *fx)
{
    (void)fx;
}

#define MAX_EXPECT 20
#define NOTHING                                                                                    \
    {                                                                                              \
        {                                                                                          \
            {K_COUNT, 0, 0}, WITHHELD_NONE                                                         \
        }                                                                                          \
    }

struct case_ {
    const char *name;
    void (*edit)(struct fixture *);
    int k;
    struct expect want[MAX_EXPECT]; /* ends at the first why == 0 */
    bool projection_withheld[N_OWNERS];
};

static const struct case_ cases[] = {
    {"base: nothing is small", edit_none, 11, NOTHING, {false}},
    {"role: two small cells hide each other",
     edit_role_two_small,
     11,
     {{{K_ROLE, 0, ROLE_PARENT}, S}, {{K_ROLE, 0, ROLE_UNKNOWN}, S}},
     {false}},
    {"role: one small cell and a zero",
     edit_role_one_small,
     11,
     {{{K_ROLE, 0, ROLE_PARENT}, S}, {{K_ROLE, 0, ROLE_YOUTH}, C}},
     {false}},
    {"sex: small M",
     edit_sex_small_m,
     11,
     {{{K_SEX, 1, SEX_M}, S},
      {{K_SEX, 1, SEX_F}, C},
      {{K_RATE, 1, RATE_SHARE_GIRLS}, S},
      {{K_RATE_CHANGE, 1, RATE_SHARE_GIRLS}, S},
      {{K_RATE_CHANGE, 2, RATE_SHARE_GIRLS}, S}},
     {false}},
    {"sex: small unknown",
     edit_sex_small_unknown,
     11,
     {{{K_SEX, 0, SEX_UNKNOWN}, S},
      {{K_SEX, 0, SEX_M}, C},
      {{K_RATE, 0, RATE_SHARE_GIRLS}, C},
      {{K_RATE_CHANGE, 1, RATE_SHARE_GIRLS}, C}},
     {false}},
    {"chain: small new in the last period",
     edit_chain_last,
     11,
     {{{K_COUNT, 2, COUNT_NEW_BENEFICIARIES}, S},
      {{K_COUNT, 1, COUNT_CUMULATIVE_BENEFICIARIES}, C},
      {{K_COUNT, 1, COUNT_NEW_BENEFICIARIES}, C},
      {{K_QUARTER, 0, 2}, C},
      {{K_COUNT_CHANGE, 1, COUNT_NEW_BENEFICIARIES}, C},
      {{K_COUNT_CHANGE, 1, COUNT_CUMULATIVE_BENEFICIARIES}, C},
      {{K_COUNT_CHANGE, 2, COUNT_NEW_BENEFICIARIES}, S},
      {{K_COUNT_CHANGE, 2, COUNT_CUMULATIVE_BENEFICIARIES}, C}},
     {true, false, false}},
    {"chain: reaching back to the first period",
     edit_chain_first,
     11,
     {{{K_COUNT, 1, COUNT_NEW_BENEFICIARIES}, S},
      {{K_COUNT, 0, COUNT_CUMULATIVE_BENEFICIARIES}, C},
      {{K_COUNT, 0, COUNT_NEW_BENEFICIARIES}, C},
      {{K_COUNT, 0, COUNT_BENEFICIARIES}, C},
      {{K_ROLE, 0, ROLE_PARENT}, C},
      {{K_SEX, 0, SEX_F}, C},
      {{K_BAND, 0, 0}, C},
      {{K_RATE, 0, RATE_SHARE_GIRLS}, C},
      {{K_DOSAGE, 0, 0}, C},
      {{K_QUARTER, 0, 0}, C},
      {{K_COUNT_CHANGE, 1, COUNT_BENEFICIARIES}, C},
      {{K_COUNT_CHANGE, 1, COUNT_NEW_BENEFICIARIES}, S},
      {{K_COUNT_CHANGE, 1, COUNT_CUMULATIVE_BENEFICIARIES}, C},
      {{K_RATE_CHANGE, 1, RATE_SHARE_GIRLS}, C},
      {{K_COUNT_CHANGE, 2, COUNT_NEW_BENEFICIARIES}, S}},
     {false}},
    {"rate: denominator 8",
     edit_rate_denominator_8,
     11,
     {{{K_RATE, 1, RATE_EMPLOYMENT}, S},
      {{K_RATE, 1, RATE_POSITIVE_OUTCOME}, S},
      {{K_BAND_RATE, 1, 0}, S},
      {{K_BAND_RATE, 1, 1}, S},
      {{K_RATE_CHANGE, 1, RATE_EMPLOYMENT}, S},
      {{K_RATE_CHANGE, 1, RATE_POSITIVE_OUTCOME}, S},
      {{K_RATE_CHANGE, 2, RATE_EMPLOYMENT}, S},
      {{K_RATE_CHANGE, 2, RATE_POSITIVE_OUTCOME}, S}},
     {false}},
    {"rate: 3 of 50",
     edit_rate_3_of_50,
     11,
     {{{K_RATE, 2, RATE_EMPLOYMENT}, S},
      {{K_BAND_RATE, 2, 1}, S},
      {{K_RATE_CHANGE, 2, RATE_EMPLOYMENT}, S}},
     {false}},
    {"quarter against cumulative",
     edit_quarter_gap,
     11,
     {{{K_ROLE, 0, ROLE_UNKNOWN}, S}, {{K_ROLE, 0, ROLE_PARENT}, C}, {{K_QUARTER, 0, 0}, C}},
     {false}},
    {"small quarter, large difference",
     edit_quarter_small,
     11,
     {{{K_ROLE, 0, ROLE_YOUTH}, S},
      {{K_ROLE, 0, ROLE_PARENT}, S},
      {{K_QUARTER, 0, 0}, S},
      {{K_COUNT, 0, COUNT_CUMULATIVE_BENEFICIARIES}, C},
      {{K_COUNT, 0, COUNT_NEW_BENEFICIARIES}, C},
      {{K_COUNT, 0, COUNT_BENEFICIARIES}, C},
      {{K_SEX, 0, SEX_F}, C},
      {{K_RATE, 0, RATE_SHARE_GIRLS}, C},
      {{K_BAND, 0, 0}, C},
      {{K_DOSAGE, 0, 0}, C},
      {{K_COUNT, 1, COUNT_NEW_BENEFICIARIES}, C},
      {{K_COUNT_CHANGE, 1, COUNT_BENEFICIARIES}, C},
      {{K_COUNT_CHANGE, 1, COUNT_NEW_BENEFICIARIES}, C},
      {{K_COUNT_CHANGE, 1, COUNT_CUMULATIVE_BENEFICIARIES}, C},
      {{K_RATE_CHANGE, 1, RATE_SHARE_GIRLS}, C},
      {{K_COUNT_CHANGE, 2, COUNT_NEW_BENEFICIARIES}, C}},
     {false}},
    {"rate: employment by band",
     edit_band_rate,
     11,
     {{{K_BAND_RATE, 0, 0}, S}, {{K_BAND_RATE, 0, 1}, C}},
     {false}},
    {"dosage bands", edit_band_split, 11, {{{K_BAND, 1, 0}, S}, {{K_BAND, 1, 1}, C}}, {false}},
    {"sites: primary only", edit_site, 11, {{{K_SITE, 0, 1}, S}}, {false}},
    {"a small period",
     edit_small_period,
     11,
     {{{K_COUNT, 2, COUNT_BENEFICIARIES}, S},
      {{K_ROLE, 2, ROLE_YOUTH}, S},
      {{K_SEX, 2, SEX_F}, S},
      {{K_SEX, 2, SEX_M}, S},
      {{K_SITE, 2, 0}, S},
      {{K_BAND, 2, 0}, S},
      {{K_BAND, 2, 1}, S},
      {{K_RATE, 2, RATE_SHARE_GIRLS}, S},
      {{K_DOSAGE, 2, 0}, S},
      {{K_COUNT_CHANGE, 2, COUNT_BENEFICIARIES}, S},
      {{K_RATE_CHANGE, 2, RATE_SHARE_GIRLS}, S}},
     {false}},
    {"sessions are not persons", edit_sessions, 11, NOTHING, {false}},
    {"site projection on a small quarter",
     edit_site_projection,
     11,
     {{{K_QUARTER, 2, 0}, S}},
     {false, false, true}},
    {"reached by the deadline", edit_by_deadline, 11, {{{K_BY_DEADLINE, 1, 0}, S}}, {false}},
    {"k = 1 withholds nothing", edit_many, 1, NOTHING, {false}},
};

/* ---- tests ------------------------------------------------------------------------------ */

static void run_case(const struct case_ *c)
{
    struct fixture fx, before;
    fixture_init(&fx);
    c->edit(&fx);
    memcpy(&before, &fx, sizeof fx);
    struct figures *pub = NULL;
    struct impact_error err = {0};
    assert_int_equal(disclose_public(&fx.fig, c->k, &pub, &err), IMPACT_OK);
    assert_non_null(pub);
    assert_int_equal(pub->suppression_threshold, c->k);
    check_all_cells(c->name, pub, &fx.fig, c->want);
    check_projections(c->name, pub, &fx.fig, c->projection_withheld);
    if (memcmp(&before, &fx, sizeof fx) != 0)
        fail_msg("%s: the internal figures changed", c->name);
    disclose_free(pub);
}

static void test_cases(void **state)
{
    (void)state;
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++)
        run_case(&cases[i]);
}

/* The copy owns its own arrays; the internal figures keep threshold 0 and NULL flags. */
static void expect_change(const char *what, const struct count_change *got,
                          const struct count_change *internal, uint8_t flag, uint8_t want)
{
    if (flag != want)
        fail_msg("%s: withheld %d, expected %d", what, flag, want);
    if (want != WITHHELD_NONE && (got->absolute || got->relative_defined || got->relative))
        fail_msg("%s: withheld but not zeroed", what);
    if (want == WITHHELD_NONE && (got->absolute != internal->absolute ||
                                  got->relative_defined != internal->relative_defined ||
                                  got->relative != internal->relative))
        fail_msg("%s: changed", what);
}

/* The changes of the splits and of the rates' terms (issue 14, defect 2) are withheld with
 * either of their cells. Edits: 2018 youth 35 + parent 4 + unknown 1 (parent, unknown small);
 * 2018 Les Lauriers 3 (small); 2019 F 46 + M 4 (M small, F complementary, share_girls 46/50
 * small). By hand:
 *   2019 role changes: parent S, unknown S (from 2018), youth shown; 2020: all shown.
 *   2019 site changes: Les Lauriers S, Tarascon shown; 2020: both shown.
 *   2019 and 2020 sex changes: F C, M S (2019's cells), unknown shown (0 both years).
 *   2019 and 2020 share_girls numerator and denominator changes: S, with the rate change;
 *   every other rate's terms shown. */
static void test_split_changes_withheld(void **state)
{
    (void)state;
    static const uint8_t role[N_PERIODS][ROLE_COUNT] = {{0}, {0, S, S}, {0}};
    static const uint8_t sex[N_PERIODS][SEX_COUNT] = {{0}, {C, S, 0}, {C, S, 0}};
    static const uint8_t site[N_PERIODS][N_SITES] = {{0}, {0, S}, {0}};
    struct fixture fx;
    fixture_init(&fx);
    edit_role_two_small(&fx);
    edit_site(&fx);
    edit_sex_small_m(&fx);
    struct figures *pub = NULL;
    struct impact_error err = {0};
    assert_int_equal(disclose_public(&fx.fig, 11, &pub, &err), IMPACT_OK);
    for (int i = 1; i < N_PERIODS; i++) {
        const struct period_figures *p = &pub->periods[i], *in = &fx.periods[i];
        const struct period_withheld *w = &p->withheld;
        char what[64];
        for (int r = 0; r < ROLE_COUNT; r++) {
            snprintf(what, sizeof what, "period %d role %d change", i, r);
            expect_change(what, &p->role_changes[r], &in->role_changes[r], w->role_changes[r],
                          role[i][r]);
        }
        for (int x = 0; x < SEX_COUNT; x++) {
            snprintf(what, sizeof what, "period %d sex %d change", i, x);
            expect_change(what, &p->sex_changes[x], &in->sex_changes[x], w->sex_changes[x],
                          sex[i][x]);
        }
        for (int t = 0; t < N_SITES; t++) {
            snprintf(what, sizeof what, "period %d site %d change", i, t);
            expect_change(what, &p->site_changes[t], &in->site_changes[t], w->site_changes[t],
                          site[i][t]);
        }
        for (int k = 0; k < RATE_KINDS; k++) {
            uint8_t want = k == RATE_SHARE_GIRLS ? S : 0;
            snprintf(what, sizeof what, "period %d rate %d numerator change", i, k);
            expect_change(what, &p->numerator_changes[k], &in->numerator_changes[k],
                          w->rate_changes[k], want);
            snprintf(what, sizeof what, "period %d rate %d denominator change", i, k);
            expect_change(what, &p->denominator_changes[k], &in->denominator_changes[k],
                          w->rate_changes[k], want);
        }
    }
    assert_ptr_not_equal(pub->periods[1].site_changes, fx.periods[1].site_changes);
    disclose_free(pub);
}

static void test_deep_copy(void **state)
{
    (void)state;
    struct fixture fx;
    fixture_init(&fx);
    struct figures *pub = NULL;
    struct impact_error err = {0};
    assert_int_equal(disclose_public(&fx.fig, 11, &pub, &err), IMPACT_OK);
    assert_ptr_not_equal(pub->periods, fx.fig.periods);
    assert_ptr_not_equal(pub->sites, fx.fig.sites);
    assert_ptr_not_equal(pub->overall.quarters, fx.fig.overall.quarters);
    for (size_t p = 0; p < N_PERIODS; p++) {
        assert_ptr_not_equal(pub->periods[p].by_site, fx.fig.periods[p].by_site);
        assert_non_null(pub->periods[p].withheld.by_site);
        assert_null(fx.fig.periods[p].withheld.by_site);
    }
    for (size_t s = 0; s < N_SITES; s++)
        assert_ptr_not_equal(pub->sites[s].quarters, fx.fig.sites[s].quarters);
    assert_int_equal(fx.fig.suppression_threshold, 0);
    assert_string_equal(pub->site_names[1], "Les Lauriers");
    disclose_free(pub);
    disclose_free(NULL);
}

/* No periods, no sites, no quarters: a valid, empty copy. */
static void test_empty(void **state)
{
    (void)state;
    struct figures empty = {.overall = {.name = "overall"}};
    struct figures *pub = NULL;
    struct impact_error err = {0};
    assert_int_equal(disclose_public(&empty, 11, &pub, &err), IMPACT_OK);
    assert_int_equal(pub->n_periods, 0);
    assert_int_equal(pub->overall.withheld, WITHHELD_NONE);
    disclose_free(pub);
}

static void test_bad_threshold(void **state)
{
    (void)state;
    struct fixture fx;
    fixture_init(&fx);
    struct figures *pub = (struct figures *)&fx; /* must be reset to NULL */
    struct impact_error err = {0};
    assert_int_equal(disclose_public(&fx.fig, 0, &pub, &err), IMPACT_FAIL);
    assert_null(pub);
    assert_string_equal(err.stage, "disclose");
    assert_non_null(strstr(err.message, "at least 1"));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_cases),         cmocka_unit_test(test_split_changes_withheld),
        cmocka_unit_test(test_deep_copy),     cmocka_unit_test(test_empty),
        cmocka_unit_test(test_bad_threshold),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
