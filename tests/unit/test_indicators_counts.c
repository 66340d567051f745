/* test_indicators_counts.c — the indicators stage (stages/indicators.h) on small datasets built
 * by hand: periods (calendar, school years, from the data, partial), sessions and attendances,
 * beneficiaries, outcomes, and a larger dataset.
 *
 * Each test builds a `struct dataset` directly with the builder of indicators_fixture.h,
 * calls indicators_compute() with hand-made options and compares with figures worked out by
 * hand from docs/requirements.md "Indicators" and docs/indicators.md. The working is in the
 * comment above each test. P-values were worked by hand (hypergeometric tables, the normal
 * tail) and checked with R 4.2.2 (the R expression is quoted); the tests do not need R.
 *
 * Conventions: "P0 youth F" is a person; "S0 2018-03-01 A yes" a session (date, site, QPV
 * flag); "P0@S0" a present attendance, "P0@S0 absent" one that is not present.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "indicators_fixture.h"

/* ---- periods ------------------------------------------------------------------------------ */

/* Calendar periods from a window 2017-01-01 … 2019-12-31 with no data in 2018.
 *   sites A; S0 2017-03-10 A yes; S1 2019-05-02 A no.
 *   P0 youth F: P0@S0, P0@S1.  P1 parent M: P1@S1.
 * 2017: sessions 1, qpv 1, unknown 0; attendances 1; beneficiaries {P0} 1; new 1; cum 1.
 * 2018: nothing: all 0 but cumulative 1 (P0 first present 2017-03-10 ≤ 2018-12-31);
 *       qpv_share 0/(0−0) undefined, share_girls 0/0 undefined.
 * 2019: sessions 1, qpv 0; attendances 2; beneficiaries {P0,P1} 2; new {P1} 1; cum 2;
 *       qpv_share 0/1 (defined, 0); share_girls 1/2.
 * Changes 2018 vs 2017: sessions −1, relative −1/1 = −1; cumulative 0, relative 0.
 * Changes 2019 vs 2018: sessions +1, relative undefined (previous 0); qpv_share and
 * share_girls: 2018 undefined → change undefined. */
static void test_calendar_window_with_gap_year(void **state)
{
    (void)state;
    static const char *const sites[] = {"A"};
    static const long want[3][COUNT_KINDS] = {
        /* sessions qpv unknown attendances beneficiaries new cumulative */
        {1, 1, 0, 1, 1, 1, 1},
        {0, 0, 0, 0, 0, 0, 1},
        {1, 0, 0, 2, 2, 1, 2},
    };
    struct builder b;
    builder_init(&b, sites, 1);
    uint32_t s0 = session(&b, ymd(2017, 3, 10), 0, QPV_YES);
    uint32_t s1 = session(&b, ymd(2019, 5, 2), 0, QPV_NO);
    uint32_t p0 = person(&b, ROLE_YOUTH, SEX_F), p1 = person(&b, ROLE_PARENT, SEX_M);
    attend(&b, p0, s0, true);
    attend(&b, p0, s1, true);
    attend(&b, p1, s1, true);
    struct indicators_options o = default_options();
    o.first = ymd(2017, 1, 1);
    o.last = ymd(2019, 12, 31);
    struct figures *f = compute(&b, &o);

    assert_int_equal(f->n_periods, 3);
    expect_period(&f->periods[0], "2017", "2017-01-01", "2017-12-31");
    expect_period(&f->periods[1], "2018", "2018-01-01", "2018-12-31");
    expect_period(&f->periods[2], "2019", "2019-01-01", "2019-12-31");
    for (size_t i = 0; i < 3; i++)
        expect_counts(f, i, want[i]);
    expect_rate(&f->periods[0].rates[RATE_QPV_SHARE], 1, 1, "2017 qpv_share");
    expect_rate(&f->periods[1].rates[RATE_QPV_SHARE], 0, 0, "2018 qpv_share");
    expect_rate(&f->periods[2].rates[RATE_QPV_SHARE], 0, 1, "2019 qpv_share");
    expect_rate(&f->periods[1].rates[RATE_SHARE_GIRLS], 0, 0, "2018 share_girls");
    expect_rate(&f->periods[2].rates[RATE_SHARE_GIRLS], 1, 2, "2019 share_girls");
    for (size_t i = 0; i < 3; i++)
        expect_rate(&f->periods[i].rates[RATE_EMPLOYMENT], 0, 0, "employment");
    assert_int_equal(f->periods[1].by_site[0], 0);

    assert_false(f->periods[0].has_previous);
    const struct period_figures *p18 = &f->periods[1], *p19 = &f->periods[2];
    assert_true(p18->has_previous && p19->has_previous);
    assert_int_equal(p18->count_changes[COUNT_SESSIONS].absolute, -1);
    assert_true(p18->count_changes[COUNT_SESSIONS].relative_defined);
    expect_close(p18->count_changes[COUNT_SESSIONS].relative, -1.0, "2018 sessions relative");
    assert_int_equal(p18->count_changes[COUNT_CUMULATIVE_BENEFICIARIES].absolute, 0);
    expect_close(p18->count_changes[COUNT_CUMULATIVE_BENEFICIARIES].relative, 0.0, "cum rel");
    assert_int_equal(p19->count_changes[COUNT_SESSIONS].absolute, 1);
    assert_false(p19->count_changes[COUNT_SESSIONS].relative_defined);
    assert_false(p19->rate_changes[RATE_QPV_SHARE].defined);
    assert_false(p19->rate_changes[RATE_SHARE_GIRLS].defined);
    assert_false(p18->rate_changes[RATE_QPV_SHARE].defined);
    indicators_free(f);
}

/* School years starting in September, periods from the data (no window).
 *   S0 2018-08-31 A; S1 2018-09-01 A. P0 youth F present at both.
 * 2018-08-31 is before 2018-09-01, so in the school year 2017-09-01 … 2018-08-31
 * ("2017-2018"); 2018-09-01 starts "2018-2019" (2018-09-01 … 2019-08-31).
 * 2017-2018: sessions 1, attendances 1, beneficiaries 1, new 1, cumulative 1.
 * 2018-2019: sessions 1, attendances 1, beneficiaries 1, new 0, cumulative 1.
 * With start month 1 the same data gives the single period "2018" (label without a dash). */
static void test_school_years(void **state)
{
    (void)state;
    static const char *const sites[] = {"A"};
    static const long want[2][COUNT_KINDS] = {{1, 0, 0, 1, 1, 1, 1}, {1, 0, 0, 1, 1, 0, 1}};
    struct builder b;
    builder_init(&b, sites, 1);
    uint32_t p0 = person(&b, ROLE_YOUTH, SEX_F);
    attend(&b, p0, session(&b, ymd(2018, 8, 31), 0, QPV_NO), true);
    attend(&b, p0, session(&b, ymd(2018, 9, 1), 0, QPV_NO), true);
    struct indicators_options o = default_options();
    o.period_kind = PERIOD_SCHOOL_YEAR;
    o.school_year_start_month = 9;
    struct figures *f = compute(&b, &o);
    assert_int_equal(f->n_periods, 2);
    expect_period(&f->periods[0], "2017-2018", "2017-09-01", "2018-08-31");
    expect_period(&f->periods[1], "2018-2019", "2018-09-01", "2019-08-31");
    expect_counts(f, 0, want[0]);
    expect_counts(f, 1, want[1]);
    indicators_free(f);

    o.school_year_start_month = 1;
    f = compute(&b, &o);
    assert_int_equal(f->n_periods, 1);
    expect_period(&f->periods[0], "2018", "2018-01-01", "2018-12-31");
    indicators_free(f);
}

/* Periods from the data when first/last are DAY_NONE: the span runs from the earliest to
 * the latest session *or observation* date.
 *   S0 2018-06-01 A; P0 youth F present; observation of P0 on 2020-02-01 (employment).
 * → periods 2018, 2019, 2020; the observation is after the first presence, so 2020's
 *   employment is 1/1. An empty dataset has no period, no quarter and nothing reached. */
static void test_periods_from_data(void **state)
{
    (void)state;
    static const char *const sites[] = {"A"};
    struct builder b;
    builder_init(&b, sites, 1);
    uint32_t p0 = person(&b, ROLE_YOUTH, SEX_F);
    attend(&b, p0, session(&b, ymd(2018, 6, 1), 0, QPV_NO), true);
    observe(&b, p0, ymd(2020, 2, 1), CATEGORY_EMPLOYMENT, 1);
    struct indicators_options o = default_options();
    struct figures *f = compute(&b, &o);
    assert_int_equal(f->n_periods, 3);
    expect_period(&f->periods[0], "2018", "2018-01-01", "2018-12-31");
    expect_period(&f->periods[2], "2020", "2020-01-01", "2020-12-31");
    expect_rate(&f->periods[2].rates[RATE_EMPLOYMENT], 1, 1, "2020 employment");
    expect_rate(&f->periods[1].rates[RATE_EMPLOYMENT], 0, 0, "2019 employment");
    indicators_free(f);

    struct builder empty;
    builder_init(&empty, NULL, 0);
    f = compute(&empty, &o);
    assert_int_equal(f->n_periods, 0);
    assert_int_equal(f->overall.n_quarters, 0);
    assert_int_equal(f->overall.reached, 0);
    indicators_free(f);
}

/* Partial periods (issue 14, defect 6). Data stop at the latest session date; a period is
 * partial when it ends more than partial_gap_days after it (days counted end − last):
 *   last 2020-10-16, gap 31: 2020 ends 76 days later → partial until 2020-10-16; 2019 not.
 *   last 2020-12-20, gap 31: 11 days → complete (the Christmas break); gap 0 → partial.
 *   last 2020-12-31, gap 0: 0 days → complete.
 *   last 2020-12-01: 30 days; gap 30 → complete, gap 29 → partial.
 *   window to 2021-12-31, last 2020-10-16: 2020 partial, and 2021 (no data at all) partial
 *   with data_until 2020-10-16, before its start.
 *   window to 2020-06-30, last 2020-06-30: the window ends before the period, but the data
 *   stop 184 days before 2020-12-31 → partial.
 * A period's changes are flagged when it or the previous one is partial. */
static void test_partial_periods(void **state)
{
    (void)state;
    static const char *const sites[] = {"A"};
    static const struct {
        int last_m, last_d, gap, window_last_y, window_last_m, window_last_d;
        size_t n_periods;
        bool partial[3];
        const char *until; /* data_until of each partial period */
    } rows[] = {
        {10, 16, 31, 0, 0, 0, 2, {false, true}, "2020-10-16"},
        {12, 20, 31, 0, 0, 0, 2, {false, false}, NULL},
        {12, 20, 0, 0, 0, 0, 2, {false, true}, "2020-12-20"},
        {12, 31, 0, 0, 0, 0, 2, {false, false}, NULL},
        {12, 1, 30, 0, 0, 0, 2, {false, false}, NULL},
        {12, 1, 29, 0, 0, 0, 2, {false, true}, "2020-12-01"},
        {10, 16, 31, 2021, 12, 31, 3, {false, true, true}, "2020-10-16"},
        {6, 30, 31, 2020, 6, 30, 2, {false, true}, "2020-06-30"},
    };
    for (size_t r = 0; r < sizeof rows / sizeof rows[0]; r++) {
        struct builder b;
        builder_init(&b, sites, 1);
        uint32_t s0 = session(&b, ymd(2019, 3, 1), 0, QPV_YES);
        uint32_t s1 = session(&b, ymd(2020, rows[r].last_m, rows[r].last_d), 0, QPV_YES);
        uint32_t p0 = person(&b, ROLE_YOUTH, SEX_F);
        attend(&b, p0, s0, true);
        attend(&b, p0, s1, true);
        struct indicators_options o = default_options();
        o.partial_gap_days = rows[r].gap;
        if (rows[r].window_last_y) {
            o.first = ymd(2019, 1, 1);
            o.last = ymd(rows[r].window_last_y, rows[r].window_last_m, rows[r].window_last_d);
        }
        struct figures *f = compute(&b, &o);
        assert_int_equal(f->n_periods, rows[r].n_periods);
        char last[11];
        snprintf(last, sizeof last, "2020-%02d-%02d", rows[r].last_m, rows[r].last_d);
        expect_day(f->data_last, last, "data_last");
        for (size_t i = 0; i < f->n_periods; i++) {
            const struct period_figures *p = &f->periods[i];
            if (p->partial != rows[r].partial[i])
                fail_msg("row %zu, %s: partial %d, expected %d", r, p->label, p->partial,
                         rows[r].partial[i]);
            expect_day(p->data_until, p->partial ? rows[r].until : "none", "data_until");
            bool flagged = i > 0 && (rows[r].partial[i] || rows[r].partial[i - 1]);
            assert_int_equal(p->changes_partial, flagged);
        }
        indicators_free(f);
    }
}

/* ---- sessions and attendances --------------------------------------------------------------- */

/* Sessions, QPV flags and present pairs. Window 2018 … 2019.
 *   2018: S0 yes, S1 yes, S2 no, S3 unknown, S4 unknown (all site A).
 *   2019: S5 unknown, S6 unknown.
 *   P0@S0, P1@S0 absent, P1@S1, P2@S2 excused (not present), P0@S5.
 * 2018: sessions 5, qpv 2, unknown 2 → qpv_share = 2 / (5 − 2) = 2/3;
 *       attendances (present pairs) P0@S0, P1@S1 = 2; beneficiaries {P0,P1} 2 (P2 never
 *       present, so not a beneficiary and not cumulative).
 * 2019: sessions 2, qpv 0, unknown 2 → qpv_share 0 / (2 − 2): undefined (0/0);
 *       attendances 1; beneficiaries 1; new 0; cumulative 2.
 * Wilson 95 % for 2/3, z = 1.959963984540054, n = 3:
 *   centre = (2/3 + z²/6) / (1 + z²/3), half = z / (1 + z²/3) · sqrt((2/3)(1/3)/3 + z²/36)
 *   → [0.20765960080204782, 0.93850805527960379]
 *   (R: prop.test(2, 3, correct = FALSE)$conf.int). */
static void test_sessions_qpv_and_attendances(void **state)
{
    (void)state;
    static const char *const sites[] = {"A"};
    static const enum qpv_flag flags[] = {QPV_YES,     QPV_YES,     QPV_NO,     QPV_UNKNOWN,
                                          QPV_UNKNOWN, QPV_UNKNOWN, QPV_UNKNOWN};
    static const long want[2][COUNT_KINDS] = {{5, 2, 2, 2, 2, 2, 2}, {2, 0, 2, 1, 1, 0, 2}};
    struct builder b;
    builder_init(&b, sites, 1);
    uint32_t s[7];
    for (int i = 0; i < 7; i++)
        s[i] = session(&b, i < 5 ? ymd(2018, 2 + i, 10) : ymd(2019, i, 10), 0, flags[i]);
    uint32_t p0 = person(&b, ROLE_YOUTH, SEX_F), p1 = person(&b, ROLE_YOUTH, SEX_M),
             p2 = person(&b, ROLE_YOUTH, SEX_M);
    attend(&b, p0, s[0], true);
    attend(&b, p1, s[0], false);
    attend(&b, p1, s[1], true);
    attend(&b, p2, s[2], false);
    attend(&b, p0, s[5], true);
    struct indicators_options o = default_options();
    o.first = ymd(2018, 1, 1);
    o.last = ymd(2019, 12, 31);
    struct figures *f = compute(&b, &o);
    assert_int_equal(f->n_periods, 2);
    expect_counts(f, 0, want[0]);
    expect_counts(f, 1, want[1]);
    const struct rate *q = &f->periods[0].rates[RATE_QPV_SHARE];
    expect_rate(q, 2, 3, "2018 qpv_share");
    expect_close(q->ci_low, 0.20765960080204782, "2018 qpv_share ci_low");
    expect_close(q->ci_high, 0.93850805527960379, "2018 qpv_share ci_high");
    expect_rate(&f->periods[1].rates[RATE_QPV_SHARE], 0, 0, "2019 qpv_share (all unknown)");
    indicators_free(f);
}

/* ---- beneficiaries -------------------------------------------------------------------------- */

/* Splits by role, sex and site in 2018. Sites A, B.
 *   S0 2018-02-01 A, S1 2018-03-01 A, S2 2018-04-01 B.
 *   P0 youth F: @S0, @S1, @S2 (two sessions at A, one at B).
 *   P1 parent M: @S0.   P2 unknown role, unknown sex: @S2.   P3 youth M: @S1 absent.
 * beneficiaries {P0,P1,P2} = 3 (new 3, cumulative 3); attendances (present pairs) P0@S0,
 *   P0@S1, P0@S2, P1@S0, P2@S2 = 5.
 * by role: youth 1 (P0), parent 1, unknown 1; by sex: F 1, M 1, unknown 1 (P3 absent).
 * by site: A {P0,P1} = 2; B {P0,P2} = 2 — 4 > 3: P0 counts at both sites, once in total.
 * share_girls = F / (F + M) = 1 / 2 (the unknown sex is left out). */
static void test_beneficiaries_by_role_sex_site(void **state)
{
    (void)state;
    static const char *const sites[] = {"A", "B"};
    static const long want[COUNT_KINDS] = {3, 0, 0, 5, 3, 3, 3};
    static const long want_role[ROLE_COUNT] = {1, 1, 1}, want_sex[SEX_COUNT] = {1, 1, 1};
    static const long want_site[2] = {2, 2};
    struct builder b;
    builder_init(&b, sites, 2);
    uint32_t s0 = session(&b, ymd(2018, 2, 1), 0, QPV_NO),
             s1 = session(&b, ymd(2018, 3, 1), 0, QPV_NO),
             s2 = session(&b, ymd(2018, 4, 1), 1, QPV_NO);
    uint32_t p0 = person(&b, ROLE_YOUTH, SEX_F), p1 = person(&b, ROLE_PARENT, SEX_M),
             p2 = person(&b, ROLE_UNKNOWN, SEX_UNKNOWN), p3 = person(&b, ROLE_YOUTH, SEX_M);
    attend(&b, p0, s0, true);
    attend(&b, p0, s1, true);
    attend(&b, p0, s2, true);
    attend(&b, p1, s0, true);
    attend(&b, p2, s2, true);
    attend(&b, p3, s1, false);
    struct indicators_options o = default_options();
    struct figures *f = compute(&b, &o);
    assert_int_equal(f->n_periods, 1);
    expect_counts(f, 0, want);
    const struct period_figures *p = &f->periods[0];
    for (int r = 0; r < ROLE_COUNT; r++)
        assert_int_equal(p->by_role[r], want_role[r]);
    for (int s = 0; s < SEX_COUNT; s++)
        assert_int_equal(p->by_sex[s], want_sex[s]);
    for (int s = 0; s < 2; s++)
        assert_int_equal(p->by_site[s], want_site[s]);
    expect_rate(&p->rates[RATE_SHARE_GIRLS], 1, 2, "share_girls");
    indicators_free(f);
}

/* New and cumulative beneficiaries over 2018 … 2020 (site A).
 *   P0: present 2018-03-05 and 2019-04-05.   P1: present 2018-11-05 and 2020-06-05.
 *   P2: present 2019-02-05.                   P3: absent 2018-11-05, present 2019-04-05.
 * first presence: P0 2018-03-05, P1 2018-11-05, P2 2019-02-05, P3 2019-04-05 (an absence
 * is not a presence).
 * 2018: beneficiaries {P0,P1} 2, new 2, cumulative 2.
 * 2019: beneficiaries {P0,P2,P3} 3, new {P2,P3} 2, cumulative 4.
 * 2020: beneficiaries {P1} 1, new 0, cumulative 4. */
static void test_new_and_cumulative(void **state)
{
    (void)state;
    static const char *const sites[] = {"A"};
    static const struct {
        long beneficiaries, fresh, cumulative;
    } want[] = {{2, 2, 2}, {3, 2, 4}, {1, 0, 4}};
    struct builder b;
    builder_init(&b, sites, 1);
    uint32_t s18a = session(&b, ymd(2018, 3, 5), 0, QPV_NO),
             s18b = session(&b, ymd(2018, 11, 5), 0, QPV_NO),
             s19a = session(&b, ymd(2019, 2, 5), 0, QPV_NO),
             s19b = session(&b, ymd(2019, 4, 5), 0, QPV_NO),
             s20 = session(&b, ymd(2020, 6, 5), 0, QPV_NO);
    uint32_t p[4];
    for (int i = 0; i < 4; i++)
        p[i] = person(&b, ROLE_YOUTH, SEX_F);
    attend(&b, p[0], s18a, true);
    attend(&b, p[0], s19b, true);
    attend(&b, p[1], s18b, true);
    attend(&b, p[1], s20, true);
    attend(&b, p[2], s19a, true);
    attend(&b, p[3], s18b, false);
    attend(&b, p[3], s19b, true);
    struct indicators_options o = default_options();
    struct figures *f = compute(&b, &o);
    assert_int_equal(f->n_periods, 3);
    for (size_t i = 0; i < 3; i++) {
        const long *c = f->periods[i].counts;
        assert_int_equal(c[COUNT_BENEFICIARIES], want[i].beneficiaries);
        assert_int_equal(c[COUNT_NEW_BENEFICIARIES], want[i].fresh);
        assert_int_equal(c[COUNT_CUMULATIVE_BENEFICIARIES], want[i].cumulative);
    }
    indicators_free(f);
}

/* ---- outcomes ---------------------------------------------------------------------------------
 */

/* Employment and positive outcome, window 2018 … 2019 (site A).
 *   S0 2018-01-10, S1 2018-03-01, S2 2018-06-15, S3 2018-01-10 (P5 absent there).
 * Person (first presence): observations as (date, category, order), in array order.
 *   E1 (2018-03-01): (2018-02-01 employment, 1) before the first presence → ignored;
 *                    (2019-01-01 employment, 20).
 *   E2 (2018-01-10): (2018-09-01 employment, 2), (2018-03-01 unemployed, 3) — the later
 *                    *date* wins although its row came first → employment;
 *                    (2019-03-01 unemployed, 21).
 *   E3 (2018-01-10): (2018-05-05 training, 10), (2018-05-05 employment, 5) — same date,
 *                    the higher order (10) wins although listed first → training.
 *   E4 (2018-01-10): (2018-04-01 employment, 6), (2018-10-01 unknown, 7) → latest is
 *                    unknown: out of the 2018 denominator although an earlier one was known;
 *                    (2019-02-01 employment, 22).
 *   E5 (never present: absent at S3): (2018-06-01 employment, 8) → ignored.
 *   nobody (DATASET_NO_PERSON): (2018-06-01 employment, 9) → ignored.
 *   E7 (2018-01-10): (2018-07-01 education, 11).
 *   E8 (2018-01-10): (2018-08-01 inactive, 12).
 *   E9 (2018-06-15): (2018-06-15 employment, 13) — the day of the first presence counts.
 * 2018: known latest: E2 employment, E3 training, E7 education, E8 inactive, E9 employment
 *   → denominator 5; employment {E2,E9} 2/5; positive {E2,E3,E7,E9} 4/5.
 * 2019: E1 employment, E2 unemployed, E4 employment → employment 2/3, positive 2/3.
 * Changes (current − previous):
 *   employment 2/3 − 2/5 = 4/15. Table [[2,3],[2,1]]: rows 5, 3; columns 4, 4; N 8;
 *   smallest expected cell 3·4/8 = 1.5 < 5 → Fisher. Hypergeometric P(a) =
 *   C(5,a)C(3,4−a)/C(8,4): a=1 5/70, a=2 30/70 (observed), a=3 30/70, a=4 5/70; every
 *   table is no more likely than the observed one → p = 1.
 *   positive 2/3 − 4/5 = −2/15. Table [[4,1],[2,1]]: columns 6, 2; smallest expected
 *   3·2/8 = 0.75 → Fisher; P(a) = C(5,a)C(3,6−a)/28: a=3 10/28, a=4 15/28 (observed),
 *   a=5 3/28 → p = 1.
 *   (R: fisher.test(matrix(c(2, 2, 3, 1), 2))$p.value = 1.) */
static void test_employment_outcomes(void **state)
{
    (void)state;
    static const char *const sites[] = {"A"};
    struct builder b;
    builder_init(&b, sites, 1);
    uint32_t s0 = session(&b, ymd(2018, 1, 10), 0, QPV_NO),
             s1 = session(&b, ymd(2018, 3, 1), 0, QPV_NO),
             s2 = session(&b, ymd(2018, 6, 15), 0, QPV_NO),
             s3 = session(&b, ymd(2018, 1, 10), 0, QPV_NO);
    uint32_t e1 = person(&b, ROLE_YOUTH, SEX_F), e2 = person(&b, ROLE_YOUTH, SEX_F),
             e3 = person(&b, ROLE_YOUTH, SEX_F), e4 = person(&b, ROLE_YOUTH, SEX_F),
             e5 = person(&b, ROLE_YOUTH, SEX_F), e7 = person(&b, ROLE_YOUTH, SEX_F),
             e8 = person(&b, ROLE_YOUTH, SEX_F), e9 = person(&b, ROLE_YOUTH, SEX_F);
    attend(&b, e1, s1, true);
    attend(&b, e2, s0, true);
    attend(&b, e3, s0, true);
    attend(&b, e4, s0, true);
    attend(&b, e5, s3, false);
    attend(&b, e7, s0, true);
    attend(&b, e8, s0, true);
    attend(&b, e9, s2, true);
    observe(&b, e1, ymd(2018, 2, 1), CATEGORY_EMPLOYMENT, 1);
    observe(&b, e1, ymd(2019, 1, 1), CATEGORY_EMPLOYMENT, 20);
    observe(&b, e2, ymd(2018, 9, 1), CATEGORY_EMPLOYMENT, 2);
    observe(&b, e2, ymd(2018, 3, 1), CATEGORY_UNEMPLOYED, 3);
    observe(&b, e2, ymd(2019, 3, 1), CATEGORY_UNEMPLOYED, 21);
    observe(&b, e3, ymd(2018, 5, 5), CATEGORY_TRAINING, 10);
    observe(&b, e3, ymd(2018, 5, 5), CATEGORY_EMPLOYMENT, 5);
    observe(&b, e4, ymd(2018, 4, 1), CATEGORY_EMPLOYMENT, 6);
    observe(&b, e4, ymd(2018, 10, 1), CATEGORY_UNKNOWN, 7);
    observe(&b, e4, ymd(2019, 2, 1), CATEGORY_EMPLOYMENT, 22);
    observe(&b, e5, ymd(2018, 6, 1), CATEGORY_EMPLOYMENT, 8);
    observe(&b, DATASET_NO_PERSON, ymd(2018, 6, 1), CATEGORY_EMPLOYMENT, 9);
    observe(&b, e7, ymd(2018, 7, 1), CATEGORY_EDUCATION, 11);
    observe(&b, e8, ymd(2018, 8, 1), CATEGORY_INACTIVE, 12);
    observe(&b, e9, ymd(2018, 6, 15), CATEGORY_EMPLOYMENT, 13);
    struct indicators_options o = default_options();
    o.first = ymd(2018, 1, 1);
    o.last = ymd(2019, 12, 31);
    struct figures *f = compute(&b, &o);
    assert_int_equal(f->n_periods, 2);
    const struct period_figures *p18 = &f->periods[0], *p19 = &f->periods[1];
    expect_rate(&p18->rates[RATE_EMPLOYMENT], 2, 5, "2018 employment");
    expect_rate(&p18->rates[RATE_POSITIVE_OUTCOME], 4, 5, "2018 positive_outcome");
    expect_rate(&p19->rates[RATE_EMPLOYMENT], 2, 3, "2019 employment");
    expect_rate(&p19->rates[RATE_POSITIVE_OUTCOME], 2, 3, "2019 positive_outcome");
    const struct rate_change *emp = &p19->rate_changes[RATE_EMPLOYMENT];
    const struct rate_change *pos = &p19->rate_changes[RATE_POSITIVE_OUTCOME];
    assert_true(emp->defined && pos->defined);
    expect_close(emp->difference, 4.0 / 15.0, "employment difference");
    expect_close(pos->difference, -2.0 / 15.0, "positive difference");
    assert_int_equal(emp->test, RATE_TEST_FISHER);
    assert_int_equal(pos->test, RATE_TEST_FISHER);
    expect_close(emp->p_value, 1.0, "employment p");
    expect_close(pos->p_value, 1.0, "positive p");
    indicators_free(f);
}

/* Full ties (same date and same order) keep the first row in input order, as one pass in
 * input order that only replaces on a later date or a higher order does; the indicators
 * stage reads observations grouped by person, not in input order, so this pins the rule.
 *   S0 2019-01-10 (site A); P0, P1 youth F present at S0; window 2019.
 *   P0: (2019-06-01 unemployed, 5), (2019-06-01 employment, 5) → the first: unemployed.
 *   P1: (2019-06-01 employment, 7), (2019-06-01 unemployed, 7) → the first: employment.
 * employment 1/2, positive 1/2. */
static void test_outcome_full_tie_keeps_first_row(void **state)
{
    (void)state;
    static const char *const sites[] = {"A"};
    struct builder b;
    builder_init(&b, sites, 1);
    uint32_t s0 = session(&b, ymd(2019, 1, 10), 0, QPV_NO);
    uint32_t p0 = person(&b, ROLE_YOUTH, SEX_F), p1 = person(&b, ROLE_YOUTH, SEX_F);
    attend(&b, p0, s0, true);
    attend(&b, p1, s0, true);
    observe(&b, p0, ymd(2019, 6, 1), CATEGORY_UNEMPLOYED, 5);
    observe(&b, p0, ymd(2019, 6, 1), CATEGORY_EMPLOYMENT, 5);
    observe(&b, p1, ymd(2019, 6, 1), CATEGORY_EMPLOYMENT, 7);
    observe(&b, p1, ymd(2019, 6, 1), CATEGORY_UNEMPLOYED, 7);
    struct indicators_options o = default_options();
    o.first = ymd(2019, 1, 1);
    o.last = ymd(2019, 12, 31);
    struct figures *f = compute(&b, &o);
    expect_rate(&f->periods[0].rates[RATE_EMPLOYMENT], 1, 2, "employment");
    expect_rate(&f->periods[0].rates[RATE_POSITIVE_OUTCOME], 1, 2, "positive_outcome");
    indicators_free(f);
}

/* ---- scale ------------------------------------------------------------------------------- */

/* More persons than one of the stage's blocks (4096), and one person with more present
 * sessions than its insertion sort takes (32), listed latest first. Window 2019.
 *   S0 … S39: 2019-01-01 + 7k days (S39 2019-10-01), site A for even k, B for odd, QPV yes.
 *   P0 … P4998 youth (F when even, M when odd): Pi present at S(i mod 40).
 *   P4999 youth M: present at S39, S38, …, S0 (in that order).
 * 2019: sessions 40, qpv 40, attendances 4999 + 40 = 5039, beneficiaries 5000, new 5000,
 *   cumulative 5000; by sex F 2500, M 2499 + 1 = 2500; by site A: the even i (2500) and
 *   P4999 = 2501, B: 2499 + 1 = 2500.
 * Dosage: 4999 persons at 1, one at 40: quartiles 1, 1, 1; mean 5039/5000; bands
 *   {1, 2-4, 5+}: 4999, 0, 1.
 * Outcomes: P4999 (2019-06-01 employment, 1): 22 sessions up to then (7k ≤ 151) → band 5+,
 *   1/1; P0 (2019-06-01 unemployed, 2): 1 session → band 1, 0/1.
 * Quarters to 2019-Q4 (last presence 2019-10-01). First presences up to a quarter's end:
 *   sessions k ≤ 12 by 03-31 (day 89), k ≤ 25 by 06-30 (day 180), k ≤ 38 by 09-30
 *   (day 272). 4999 = 124 · 40 + 39, so P0 … P4998 count 124 · 13 + 13 = 1625,
 *   124 · 26 + 26 = 3250, 124 · 39 + 39 = 4875, then 4999; with P4999 (from 01-01):
 *   1626, 3251, 4876, 5000. */
static void test_many_persons_and_sessions(void **state)
{
    (void)state;
    enum { N_PERSONS = 5000, N_SESSIONS = 40, N_ATTENDANCES = N_PERSONS - 1 + N_SESSIONS };
    static const char *const sites[] = {"A", "B"};
    static struct person_record persons[N_PERSONS];
    static struct session_record sessions[N_SESSIONS];
    static struct attendance_record attendances[N_ATTENDANCES];
    struct outcome_record outcomes[2] = {
        {N_PERSONS - 1, ymd(2019, 6, 1), CATEGORY_EMPLOYMENT, 1},
        {0, ymd(2019, 6, 1), CATEGORY_UNEMPLOYED, 2},
    };
    for (uint32_t k = 0; k < N_SESSIONS; k++)
        sessions[k] = (struct session_record){ymd(2019, 1, 1) + 7 * (day_t)k, k % 2, QPV_YES};
    for (uint32_t i = 0; i < N_PERSONS; i++)
        persons[i] = (struct person_record){ROLE_YOUTH, i % 2 ? SEX_M : SEX_F};
    for (uint32_t i = 0; i < N_PERSONS - 1; i++)
        attendances[i] = (struct attendance_record){i, i % N_SESSIONS, true};
    for (uint32_t k = 0; k < N_SESSIONS; k++)
        attendances[N_PERSONS - 1 + k] =
            (struct attendance_record){N_PERSONS - 1, N_SESSIONS - 1 - k, true};
    struct dataset data = {N_PERSONS,   persons, N_SESSIONS, sessions, N_ATTENDANCES,
                           attendances, 2,       outcomes,   2,        sites};
    struct indicators_options o = default_options();
    o.first = ymd(2019, 1, 1);
    o.last = ymd(2019, 12, 31);
    o.n_bands = 3;
    o.bands[0] = (struct dosage_band){1, 1, "1"};
    o.bands[1] = (struct dosage_band){2, 4, "2-4"};
    o.bands[2] = (struct dosage_band){5, 0, "5+"};
    struct figures *f = NULL;
    struct impact_error err = {0};
    assert_int_equal(indicators_compute(&data, &o, &f, &err), IMPACT_OK);
    const struct period_figures *p = &f->periods[0];
    expect_counts(f, 0, (const long[COUNT_KINDS]){40, 40, 0, 5039, 5000, 5000, 5000});
    assert_int_equal(p->by_sex[SEX_F], 2500);
    assert_int_equal(p->by_sex[SEX_M], 2500);
    assert_int_equal(p->by_site[0], 2501);
    assert_int_equal(p->by_site[1], 2500);
    expect_close(p->dosage.q1, 1.0, "q1");
    expect_close(p->dosage.median, 1.0, "median");
    expect_close(p->dosage.q3, 1.0, "q3");
    expect_close(p->dosage.mean, 5039.0 / 5000.0, "mean");
    assert_int_equal(p->by_band[0], 4999);
    assert_int_equal(p->by_band[1], 0);
    assert_int_equal(p->by_band[2], 1);
    expect_rate(&p->employment_by_band[0], 0, 1, "band 1");
    expect_rate(&p->employment_by_band[1], 0, 0, "band 2-4");
    expect_rate(&p->employment_by_band[2], 1, 1, "band 5+");
    static const long cumulative[] = {1626, 3251, 4876, 5000};
    assert_int_equal(f->overall.n_quarters, 4);
    for (size_t q = 0; q < 4; q++)
        assert_int_equal(f->overall.quarters[q].cumulative, cumulative[q]);
    assert_int_equal(f->sites[0].reached, 2501);
    assert_int_equal(f->sites[1].reached, 2500);
    indicators_free(f);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_calendar_window_with_gap_year),
        cmocka_unit_test(test_school_years),
        cmocka_unit_test(test_periods_from_data),
        cmocka_unit_test(test_sessions_qpv_and_attendances),
        cmocka_unit_test(test_beneficiaries_by_role_sex_site),
        cmocka_unit_test(test_new_and_cumulative),
        cmocka_unit_test(test_employment_outcomes),
        cmocka_unit_test(test_outcome_full_tie_keeps_first_row),
        cmocka_unit_test(test_partial_periods),
        cmocka_unit_test(test_many_persons_and_sessions),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
