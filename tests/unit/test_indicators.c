/* test_indicators.c — the indicators stage (stages/indicators.h) on small datasets built by hand.
 *
 * Each test builds a `struct dataset` directly (persons, sessions, attendances, outcomes,
 * site names), as the join stage would, calls indicators_compute() with hand-made options
 * and compares with figures worked out by hand from docs/requirements.md "Indicators" and
 * docs/indicators.md. The working is in the comment above each test. P-values were worked
 * by hand (hypergeometric tables, the normal tail) and checked with R 4.2.2 (the R
 * expression is quoted); the tests do not need R.
 *
 * Conventions: "P0 youth F" is a person; "S0 2018-03-01 A yes" a session (date, site, QPV
 * flag); "P0@S0" a present attendance, "P0@S0 absent" one that is not present.
 */
#include "stages/indicators.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <math.h>
#include <stdio.h>
#include <string.h>

#define REL_TOL 1e-9

enum { MAX_PERSONS = 128, MAX_SESSIONS = 128, MAX_ATTENDANCES = 256, MAX_OUTCOMES = 32 };

/* A dataset under construction; `data` points into the arrays. */
struct builder {
    struct person_record persons[MAX_PERSONS];
    struct session_record sessions[MAX_SESSIONS];
    struct attendance_record attendances[MAX_ATTENDANCES];
    struct outcome_record outcomes[MAX_OUTCOMES];
    struct dataset data;
};

/* ---- helpers ---------------------------------------------------------------------------- */

static day_t ymd(int y, int m, int d)
{
    day_t day = DAY_NONE;
    assert_true(date_from_ymd(y, m, d, &day));
    return day;
}

static void builder_init(struct builder *b, const char *const *sites, size_t n_sites)
{
    memset(b, 0, sizeof *b);
    b->data = (struct dataset){.persons = b->persons,
                               .sessions = b->sessions,
                               .attendances = b->attendances,
                               .outcomes = b->outcomes,
                               .n_sites = n_sites,
                               .site_names = sites};
}

static uint32_t person(struct builder *b, enum role role, enum sex sex)
{
    assert_true(b->data.n_persons < MAX_PERSONS);
    b->persons[b->data.n_persons] =
        (struct person_record){.role = (uint8_t)role, .sex = (uint8_t)sex};
    return (uint32_t)b->data.n_persons++;
}

static uint32_t session(struct builder *b, day_t date, uint32_t site, enum qpv_flag qpv)
{
    assert_true(b->data.n_sessions < MAX_SESSIONS && site < b->data.n_sites);
    b->sessions[b->data.n_sessions] =
        (struct session_record){.date = date, .site = site, .qpv = (uint8_t)qpv};
    return (uint32_t)b->data.n_sessions++;
}

static void attend(struct builder *b, uint32_t who, uint32_t where, bool present)
{
    assert_true(b->data.n_attendances < MAX_ATTENDANCES);
    b->attendances[b->data.n_attendances++] =
        (struct attendance_record){.person = who, .session = where, .present = present};
}

static void observe(struct builder *b, uint32_t who, day_t on, enum category c, uint64_t order)
{
    assert_true(b->data.n_outcomes < MAX_OUTCOMES);
    b->outcomes[b->data.n_outcomes++] = (struct outcome_record){
        .person = who, .observed_on = on, .category = (uint8_t)c, .order = order};
}

/* `n` new persons of `role`, present at session `where`. */
static void newcomers(struct builder *b, int n, uint32_t where, enum role role)
{
    for (int i = 0; i < n; i++)
        attend(b, person(b, role, SEX_UNKNOWN), where, true);
}

static struct indicators_options default_options(void)
{
    return (struct indicators_options){
        .period_kind = PERIOD_CALENDAR_YEAR,
        .school_year_start_month = 9,
        .first = DAY_NONE,
        .last = DAY_NONE,
        .confidence = 0.95,
        .deadline = DAY_NONE,
        .target_roles = {[ROLE_YOUTH] = true, [ROLE_PARENT] = true},
        .trend_quarters = 4,
        /* no period is partial unless a test says so (test_partial_periods,
         * test_projection_partial_quarter): the hand-worked data stop mid-quarter */
        .partial_gap_days = 366,
    };
}

static struct figures *compute(const struct builder *b, const struct indicators_options *o)
{
    struct figures *f = NULL;
    struct impact_error err = {0};
    if (indicators_compute(&b->data, o, &f, &err) != IMPACT_OK)
        fail_msg("indicators_compute failed: %s", err.message);
    return f;
}

static void expect_day(day_t got, const char *iso, const char *what)
{
    char text[11] = "none";
    if (got != DAY_NONE)
        date_format_iso(got, text);
    if (strcmp(text, iso) != 0)
        fail_msg("%s: got %s, expected %s", what, text, iso);
}

static void expect_close(double got, double want, const char *what)
{
    bool ok = want == 0.0 ? got == 0.0 : fabs(got - want) <= REL_TOL * fabs(want);
    if (!ok)
        fail_msg("%s: got %.17g, expected %.17g", what, got, want);
}

/* Every count of period `i` against a row of the expected table. */
static void expect_counts(const struct figures *f, size_t i, const long want[COUNT_KINDS])
{
    for (int k = 0; k < COUNT_KINDS; k++)
        if (f->periods[i].counts[k] != want[k])
            fail_msg("period %s, %s: got %ld, expected %ld", f->periods[i].label,
                     figures_count_names[k], f->periods[i].counts[k], want[k]);
}

/* A rate is num/den; defined exactly when den > 0, and then inside its interval. */
static void expect_rate(const struct rate *r, long num, long den, const char *what)
{
    if (r->numerator != num || r->denominator != den || r->defined != (den > 0))
        fail_msg("%s: got %ld/%ld (defined %d), expected %ld/%ld", what, r->numerator,
                 r->denominator, r->defined, num, den);
    if (den > 0) {
        expect_close(r->rate, (double)num / (double)den, what);
        assert_true(r->ci_low <= r->rate && r->rate <= r->ci_high);
        assert_true(r->ci_low >= 0.0 && r->ci_high <= 1.0);
    }
}

static void expect_period(const struct period_figures *p, const char *label, const char *start,
                          const char *end)
{
    assert_string_equal(p->label, label);
    expect_day(p->start, start, "period start");
    expect_day(p->end, end, "period end");
}

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

/* ---- year over year ----------------------------------------------------------------------- */

/* Count and rate changes; window 2017 … 2019, nothing in 2017 (site A).
 *   2018: 40 sessions, 30 in QPV, 10 not; 5 new girls (youth F) at the first one.
 *   2019: 40 sessions, 10 in QPV, 30 not; 3 new boys (youth M) at the first one.
 * counts 2018: sessions 40, qpv 30, unknown 0, attendances 5, beneficiaries 5, new 5, cum 5.
 * counts 2019: sessions 40, qpv 10, unknown 0, attendances 3, beneficiaries 3, new 3, cum 8.
 * 2018 vs 2017: sessions +40, relative undefined (from 0); every rate change undefined.
 * 2019 vs 2018: sessions 0 (relative 0); qpv −20 (−20/30 = −2/3); beneficiaries −2
 *   (−2/5 = −0.4); cumulative +3 (3/5 = 0.6); qpv_unknown 0, relative undefined (from 0).
 * qpv_share 30/40 → 10/40: difference 0.25 − 0.75 = −0.5; expected cells 40·40/80 = 20 ≥ 5
 *   → z-test: pooled p = 0.5, se = sqrt(0.25 · (1/40 + 1/40)) = sqrt(0.0125),
 *   z = 0.5 / sqrt(0.0125) = sqrt(20); p = 2 Φ(−sqrt 20) = erfc(sqrt 10)
 *   (R: prop.test(c(30, 10), c(40, 40), correct = FALSE)$p.value = 7.7442164310440858e-06).
 * share_girls 5/5 → 0/3: difference −1; table [[5,0],[0,3]], columns 5, 3, N 8, smallest
 *   expected 3·3/8 < 5 → Fisher; P(a) = C(5,a)C(3,5−a)/C(8,5) = {a=2: 10, 3: 30, 4: 15,
 *   5: 1}/56; only a=5 (observed) is as unlikely → p = 1/56
 *   (R: fisher.test(matrix(c(5, 0, 0, 3), 2))$p.value = 0.017857142857142846).
 * employment undefined in both years → change undefined. */
static void test_year_over_year_changes(void **state)
{
    (void)state;
    static const char *const sites[] = {"A"};
    static const struct {
        enum count_kind kind;
        long absolute;
        bool relative_defined;
        double relative;
    } want[] = {
        {COUNT_SESSIONS, 0, true, 0.0},
        {COUNT_QPV_SESSIONS, -20, true, -2.0 / 3.0},
        {COUNT_QPV_UNKNOWN_SESSIONS, 0, false, 0.0},
        {COUNT_ATTENDANCES, -2, true, -0.4},
        {COUNT_BENEFICIARIES, -2, true, -0.4},
        {COUNT_NEW_BENEFICIARIES, -2, true, -0.4},
        {COUNT_CUMULATIVE_BENEFICIARIES, 3, true, 0.6},
    };
    struct builder b;
    builder_init(&b, sites, 1);
    uint32_t first18 = 0, first19 = 0;
    for (int i = 0; i < 40; i++) {
        uint32_t s18 = session(&b, ymd(2018, 1 + i % 12, 1 + i / 12), 0, i < 30 ? QPV_YES : QPV_NO);
        uint32_t s19 = session(&b, ymd(2019, 1 + i % 12, 1 + i / 12), 0, i < 10 ? QPV_YES : QPV_NO);
        first18 = i == 0 ? s18 : first18;
        first19 = i == 0 ? s19 : first19;
    }
    for (int i = 0; i < 5; i++)
        attend(&b, person(&b, ROLE_YOUTH, SEX_F), first18, true);
    for (int i = 0; i < 3; i++)
        attend(&b, person(&b, ROLE_YOUTH, SEX_M), first19, true);
    struct indicators_options o = default_options();
    o.first = ymd(2017, 1, 1);
    o.last = ymd(2019, 12, 31);
    struct figures *f = compute(&b, &o);
    assert_int_equal(f->n_periods, 3);
    const struct period_figures *p18 = &f->periods[1], *p19 = &f->periods[2];
    assert_int_equal(p18->count_changes[COUNT_SESSIONS].absolute, 40);
    for (int k = 0; k < COUNT_KINDS; k++)
        assert_false(p18->count_changes[k].relative_defined);
    for (int k = 0; k < RATE_KINDS; k++)
        assert_false(p18->rate_changes[k].defined);
    for (size_t i = 0; i < sizeof want / sizeof want[0]; i++) {
        const struct count_change *c = &p19->count_changes[want[i].kind];
        if (c->absolute != want[i].absolute || c->relative_defined != want[i].relative_defined)
            fail_msg("%s: got %ld (relative defined %d)", figures_count_names[want[i].kind],
                     c->absolute, c->relative_defined);
        if (want[i].relative_defined)
            expect_close(c->relative, want[i].relative, figures_count_names[want[i].kind]);
    }
    const struct rate_change *qpv = &p19->rate_changes[RATE_QPV_SHARE];
    assert_true(qpv->defined);
    assert_int_equal(qpv->test, RATE_TEST_Z);
    expect_close(qpv->difference, -0.5, "qpv_share difference");
    expect_close(qpv->p_value, erfc(sqrt(10.0)), "qpv_share p (hand)");
    expect_close(qpv->p_value, 7.7442164310440858e-06, "qpv_share p (R)");
    const struct rate_change *girls = &p19->rate_changes[RATE_SHARE_GIRLS];
    assert_true(girls->defined);
    assert_int_equal(girls->test, RATE_TEST_FISHER);
    expect_close(girls->difference, -1.0, "share_girls difference");
    expect_close(girls->p_value, 1.0 / 56.0, "share_girls p");
    assert_false(p19->rate_changes[RATE_EMPLOYMENT].defined);
    indicators_free(f);
}

/* ---- target --------------------------------------------------------------------------------- */

static void expect_quarters(const struct target_progress *t, size_t n, const char *const *labels,
                            const char *const *ends, const long *cumulative)
{
    if (t->n_quarters != n)
        fail_msg("%s: %zu quarters, expected %zu", t->name, t->n_quarters, n);
    for (size_t q = 0; q < n; q++) {
        assert_string_equal(t->quarters[q].label, labels[q]);
        expect_day(t->quarters[q].end, ends[q], "quarter end");
        if (t->quarters[q].cumulative != cumulative[q])
            fail_msg("%s %s: cumulative %ld, expected %ld", t->name, labels[q],
                     t->quarters[q].cumulative, cumulative[q]);
    }
}

/* Quarterly trajectory, overall and per site, for the target roles only.
 * Sites: 0 "Bellevue Félix Pyat", 1 "Tarascon".
 *   S0 2018-02-01 site 0: Y1 youth, PA parent.
 *   S1 2018-05-10 site 1: Y2 youth.
 *   S2 2018-08-20 site 0: Y2 youth (first time AT site 0), U unknown role.
 *   S3 2018-11-15 site 1: Y3 youth absent (not a presence: the quarters stop at Q3).
 * Quarters from the first to the last present attendance: 2018-Q1 (end 03-31), Q2 (06-30),
 * Q3 (09-30).
 * roles youth only:   overall 1 (Y1), 2 (+Y2), 2;  site 0: 1, 1, 2 (Y2 first at site 0 in
 *                     Q3);  site 1: 0, 1, 1.  PA and U never count.
 * roles youth+parent: overall 2 (Y1, PA), 3, 3;  site 0: 2, 2, 3;  site 1: 0, 1, 1.
 * The period's beneficiaries do not depend on the roles: {Y1, PA, Y2, U} = 4.
 * Site targets {"  bellevue FELIX pyat ": 10}: site 0 matches ignoring case, accents and
 * spaces → target 10, progress 2/10 = 0.2 (youth only); site 1 has none. (An entry naming
 * no site is an error: test_site_targets_match_sites.)
 * Overall target 0 → no projection, reason "no target set". */
static void test_target_trajectory_roles_and_sites(void **state)
{
    (void)state;
    static const char *const sites[] = {"Bellevue Félix Pyat", "Tarascon"};
    static const char *const labels[] = {"2018-Q1", "2018-Q2", "2018-Q3"};
    static const char *const ends[] = {"2018-03-31", "2018-06-30", "2018-09-30"};
    static const struct {
        bool parents;
        long overall[3], site0[3], site1[3];
    } rows[] = {
        {false, {1, 2, 2}, {1, 1, 2}, {0, 1, 1}},
        {true, {2, 3, 3}, {2, 2, 3}, {0, 1, 1}},
    };
    static const struct site_target targets[] = {{"  bellevue FELIX pyat ", 10}};
    struct builder b;
    builder_init(&b, sites, 2);
    uint32_t s0 = session(&b, ymd(2018, 2, 1), 0, QPV_YES),
             s1 = session(&b, ymd(2018, 5, 10), 1, QPV_YES),
             s2 = session(&b, ymd(2018, 8, 20), 0, QPV_YES),
             s3 = session(&b, ymd(2018, 11, 15), 1, QPV_YES);
    uint32_t y1 = person(&b, ROLE_YOUTH, SEX_F), pa = person(&b, ROLE_PARENT, SEX_F),
             y2 = person(&b, ROLE_YOUTH, SEX_M), u = person(&b, ROLE_UNKNOWN, SEX_M),
             y3 = person(&b, ROLE_YOUTH, SEX_M);
    attend(&b, y1, s0, true);
    attend(&b, pa, s0, true);
    attend(&b, y2, s1, true);
    attend(&b, y2, s2, true);
    attend(&b, u, s2, true);
    attend(&b, y3, s3, false);
    for (size_t r = 0; r < sizeof rows / sizeof rows[0]; r++) {
        struct indicators_options o = default_options();
        o.target_roles[ROLE_PARENT] = rows[r].parents;
        o.site_targets = targets;
        o.n_site_targets = 1;
        struct figures *f = compute(&b, &o);
        assert_int_equal(f->periods[0].counts[COUNT_BENEFICIARIES], 4);
        expect_quarters(&f->overall, 3, labels, ends, rows[r].overall);
        expect_quarters(&f->sites[0], 3, labels, ends, rows[r].site0);
        expect_quarters(&f->sites[1], 3, labels, ends, rows[r].site1);
        assert_string_equal(f->overall.name, "overall");
        assert_string_equal(f->sites[0].name, sites[0]);
        assert_int_equal(f->overall.reached, rows[r].overall[2]);
        expect_day(f->overall.last_quarter_end, "2018-09-30", "as_of");
        assert_int_equal(f->overall.target, 0);
        assert_false(f->overall.projection.defined);
        assert_string_equal(f->overall.projection.reason, "no target set");
        assert_int_equal(f->sites[0].target, 10);
        assert_int_equal(f->sites[1].target, 0);
        if (!rows[r].parents)
            expect_close(f->sites[0].progress, 0.2, "site 0 progress");
        indicators_free(f);
    }
}

/* Quarter q (0 = Q1 of `year`) has one session on the 15th of its second month, where
 * counts[q] new youths are present; when counts[q] is 0, person 0 comes back instead, so the
 * quarter has a present attendance but no newcomer. */
static void quarterly(struct builder *b, int year, const int *counts, int n_quarters)
{
    static const char *const sites[] = {"A"};
    builder_init(b, sites, 1);
    for (int q = 0; q < n_quarters; q++) {
        uint32_t s = session(b, ymd(year + q / 4, 3 * (q % 4) + 2, 15), 0, QPV_YES);
        if (counts[q] > 0)
            newcomers(b, counts[q], s, ROLE_YOUTH);
        else
            attend(b, 0, s, true); /* person 0 comes back: the quarter has data */
    }
}

/* A steady +10 per quarter, target 100.
 * 10 new youths in each quarter of 2018 → cumulative 10, 20, 30, 40 at 2018-03-31,
 * 06-30, 09-30, 12-31. The fit uses x in days from the first of the 4 quarter ends:
 *   x = 0, 91 (Apr 30 + May 31 + Jun 30), 183 (+ Jul 31 + Aug 31 + Sep 30), 275 (+ 92).
 *   mean x = 549/4 = 137.25, mean y = 25;
 *   dx = −137.25, −46.25, 45.75, 137.75; dy = −15, −5, 5, 15;
 *   Sxy = 2058.75 + 231.25 + 228.75 + 2066.25 = 4585;
 *   Sxx = 18837.5625 + 2139.0625 + 2093.0625 + 18975.0625 = 42044.75;
 *   slope = 4585 / 42044.75 per day; crossing of y = 100 at
 *   x = 137.25 + 75 · 42044.75 / 4585 = 137.25 + 687.7549… = 825.0049 → 825 days after
 *   2018-03-31 = 2018-12-31 (275) + 365 (2019) + 185 days of 2020 (leap: Jan 31, Feb 29,
 *   Mar 31, Apr 30, May 31, Jun 30 = 182, + 3) = 2020-07-03.
 *   slope per quarter = 4585 / 42044.75 · 365.2425 / 4 = 9.9574671183679264.
 *   (R: lm(y ~ x) gives the same: coef 10.032822171614772, 0.10905047598094884.)
 * Deadline 2020-07-03 → on track (on the deadline); 2020-07-02 → not on track.
 * (Were x in quarter indices, the line would reach 100 at 2020-06-30 exactly.) */
static void test_projection_steady_series(void **state)
{
    (void)state;
    static const int counts[] = {10, 10, 10, 10};
    static const struct {
        day_t deadline;
        bool on_track;
    } rows[] = {{0, true}, {-1, false}};
    struct builder b;
    quarterly(&b, 2018, counts, 4);
    for (size_t r = 0; r < sizeof rows / sizeof rows[0]; r++) {
        struct indicators_options o = default_options();
        o.target = 100;
        o.deadline = ymd(2020, 7, 3) + rows[r].deadline;
        struct figures *f = compute(&b, &o);
        const struct projection *pr = &f->overall.projection;
        assert_int_equal(f->overall.reached, 40);
        expect_close(f->overall.progress, 0.4, "progress");
        assert_true(pr->defined);
        assert_null(pr->reason);
        assert_int_equal(pr->quarters_used, 4);
        expect_day(pr->date, "2020-07-03", "projected date");
        expect_close(pr->slope_per_quarter, 9.9574671183679264, "slope per quarter");
        assert_int_equal(pr->on_track, rows[r].on_track);
        if (pr->has_band)
            assert_true(pr->earliest <= pr->date && pr->date <= pr->latest);
        indicators_free(f);
    }
}

/* The same series with the config's default partial_gap_days (31): the data stop on
 * 2018-11-15, 46 days before the end of 2018, so 2018 is partial and the last quarter's 40
 * is the count on 2018-11-15: the fit places it there (issue 14, defect 6).
 *   x = 0, 91, 183, 229 (2018-03-31 → 11-15: Apr 30 + … + Oct 31 = 214, + 15); mean 125.75;
 *   dx = −125.75, −34.75, 57.25, 103.25; dy = −15, −5, 5, 15;
 *   Sxy = 1886.25 + 173.75 + 286.25 + 1548.75 = 3895;
 *   Sxx = 15813.0625 + 1207.5625 + 3277.5625 + 10660.5625 = 30958.75;
 *   y = 100 at x = 125.75 + 75 · 30958.75 / 3895 = 721.87 → 722 days after 2018-03-31 =
 *   2019-12-31 (640) + 82 = 2020-03-22 (Jan 31 + Feb 29 + 22);
 *   slope per quarter = 3895 / 30958.75 · 365.2425 / 4 = 11.488024690111843.
 * (At the quarter end, test_projection_steady_series: 2020-07-03, too late by 3 months.) */
static void test_projection_partial_quarter(void **state)
{
    (void)state;
    static const int counts[] = {10, 10, 10, 10};
    struct builder b;
    quarterly(&b, 2018, counts, 4);
    struct indicators_options o = default_options();
    o.target = 100;
    o.partial_gap_days = 31;
    struct figures *f = compute(&b, &o);
    assert_true(f->periods[0].partial);
    expect_day(f->periods[0].data_until, "2018-11-15", "data_until");
    const struct projection *pr = &f->overall.projection;
    assert_true(pr->defined);
    expect_day(pr->date, "2020-03-22", "projected date");
    expect_close(pr->slope_per_quarter, 11.488024690111843, "slope per quarter");
    assert_int_equal(f->overall.quarters[3].cumulative, 40);
    expect_day(f->overall.quarters[3].end, "2018-12-31", "the quarter keeps its end");
    indicators_free(f);
}

/* Only the last trend_quarters quarters enter the fit. Cumulative 5, 10, 30 at 2018-03-31,
 * 06-30, 09-30; trend_quarters 2 → the line through (0, 10) and (92, 30) (Jul 31 + Aug 31 +
 * Sep 30 = 92 days): slope 20/92 per day; target 50 is reached 40 / (20/92) = 184 days after
 * 2018-06-30 = 2018-12-31 (09-30 + 92). Slope per quarter = 20/92 · 365.2425/4 =
 * 19.850135869565218. Two points: no band. Deadline 2018-12-31 → on track. */
static void test_projection_last_quarters_only(void **state)
{
    (void)state;
    static const int counts[] = {5, 5, 20};
    struct builder b;
    quarterly(&b, 2018, counts, 3);
    struct indicators_options o = default_options();
    o.target = 50;
    o.deadline = ymd(2018, 12, 31);
    o.trend_quarters = 2;
    struct figures *f = compute(&b, &o);
    const struct projection *pr = &f->overall.projection;
    assert_true(pr->defined);
    assert_int_equal(pr->quarters_used, 2);
    expect_day(pr->date, "2018-12-31", "projected date");
    expect_close(pr->slope_per_quarter, 19.850135869565218, "slope per quarter");
    assert_false(pr->has_band);
    assert_true(pr->on_track);
    indicators_free(f);
}

/* The cases without a projection (youth newcomers per quarter of 2018, "0" = no newcomer but
 * person 0 comes back, so the quarter still has a present attendance):
 *  - 2, 2, 1 (cumulative 2, 4, 5), target 3: reached 5 ≥ 3 → "target already reached";
 *    the 3rd person came on 2018-05-15 (Q2, cumulative 4 at 06-30): deadline 2018-06-30 →
 *    on_track; deadline 2018-05-14, before anyone of Q2 came → not on track.
 *  - same, target 5: reached exactly in Q3 (the 5th person on 2018-08-15): deadline 09-30
 *    → on_track.
 *  - 3 in Q1 only, target 10: one quarter → "fewer than two quarters of data".
 *  - 3, 0, 0 (cumulative 3, 3, 3), target 10: slope 0 → "flat or falling trend".
 *  - 1, 1 (cumulative 1, 2 over 91 days), target 1000: slope 1/91 per day, the line reaches
 *    1000 after 999 · 91 = 90909 days > a century (36525) → "trend too flat …". */
static void test_projection_undefined(void **state)
{
    (void)state;
    static const struct {
        int counts[4], n;
        long target;
        const char *deadline;
        const char *reason;
        bool on_track;
    } rows[] = {
        {{2, 2, 1}, 3, 3, "2018-06-30", "target already reached", true},
        {{2, 2, 1}, 3, 3, "2018-05-14", "target already reached", false},
        {{2, 2, 1}, 3, 5, "2018-09-30", "target already reached", true},
        {{3}, 1, 10, "2019-12-31", "fewer than two quarters of data", false},
        {{3, 0, 0}, 3, 10, "2019-12-31", "flat or falling trend", false},
        {{1, 1},
         2,
         1000,
         "2019-12-31",
         "trend too flat to reach the target within a century",
         false},
    };
    for (size_t r = 0; r < sizeof rows / sizeof rows[0]; r++) {
        struct builder b;
        quarterly(&b, 2018, rows[r].counts, rows[r].n);
        struct indicators_options o = default_options();
        int y, m, d;
        assert_int_equal(sscanf(rows[r].deadline, "%d-%d-%d", &y, &m, &d), 3);
        o.target = rows[r].target;
        o.deadline = ymd(y, m, d);
        struct figures *f = compute(&b, &o);
        const struct projection *pr = &f->overall.projection;
        assert_int_equal(f->overall.n_quarters, (size_t)rows[r].n);
        assert_false(pr->defined);
        if (!pr->reason || strcmp(pr->reason, rows[r].reason) != 0)
            fail_msg("row %zu: reason \"%s\", expected \"%s\"", r, pr->reason ? pr->reason : "",
                     rows[r].reason);
        if (strcmp(rows[r].reason, "target already reached") == 0)
            assert_int_equal(pr->on_track, rows[r].on_track);
        indicators_free(f);
    }
}

/* Dosage and progress by the deadline. One period, 2019; bands [1, 2, 5] → "1", "2-4", "5+".
 * Sessions S0..S4 on 2019-01-10, 02-10, 03-10, 04-10, 05-10, all at site A.
 *   P0 present at S0                     → 1 session   (band "1")
 *   P1 present at S0 S1 S2               → 3 sessions  (band "2-4")
 *   P2 present at S0 S1 S2 S3 S4         → 5 sessions  (band "5+")
 *   P3 present at S1 S2, absent at S3    → 2 sessions  (band "2-4")
 * Sessions per beneficiary sorted: 1 2 3 5. R type 7, h = (n − 1) p:
 *   q1: h = 0.75 → 1 + 0.75 × (2 − 1) = 1.75; median: h = 1.5 → 2 + 0.5 × 1 = 2.5;
 *   q3: h = 2.25 → 3 + 0.25 × (5 − 3) = 3.5; mean 11 / 4 = 2.75.
 * Outcomes, each counted in the band of the sessions attended up to its date:
 *   P0 2019-06-01 employment   → 1 session by then   → band "1":   1/1
 *   P1 2019-02-15 unemployed   → 2 sessions (S0 S1)  → band "2-4": 0/1
 *   P2 2019-03-10 employment   → 3 sessions (S2 same day counts) → band "2-4": 1/2
 *   band "5+": 0/0, undefined.
 * Target 4 (youth), deadline 2019-01-31: P0 P1 P2 first present 01-10, P3 on 02-10, so 3
 * reached by the deadline (progress 0.75) and the 4th person on 2019-02-10: the target is
 * reached, after the deadline (on_track false). */
static void test_dosage_and_deadline(void **state)
{
    (void)state;
    static const char *const sites[] = {"A"};
    struct builder b;
    builder_init(&b, sites, 1);
    uint32_t s[5];
    for (int i = 0; i < 5; i++)
        s[i] = session(&b, ymd(2019, i + 1, 10), 0, QPV_YES);
    uint32_t p[4];
    for (int i = 0; i < 4; i++)
        p[i] = person(&b, ROLE_YOUTH, SEX_F);
    attend(&b, p[0], s[0], true);
    for (int i = 0; i < 3; i++)
        attend(&b, p[1], s[i], true);
    for (int i = 0; i < 5; i++)
        attend(&b, p[2], s[i], true);
    attend(&b, p[3], s[1], true);
    attend(&b, p[3], s[2], true);
    attend(&b, p[3], s[3], false);
    observe(&b, p[0], ymd(2019, 6, 1), CATEGORY_EMPLOYMENT, 1);
    observe(&b, p[1], ymd(2019, 2, 15), CATEGORY_UNEMPLOYED, 2);
    observe(&b, p[2], ymd(2019, 3, 10), CATEGORY_EMPLOYMENT, 3);
    struct indicators_options o = default_options();
    o.first = ymd(2019, 1, 1);
    o.last = ymd(2019, 12, 31);
    o.target = 4;
    o.deadline = ymd(2019, 1, 31);
    o.target_roles[ROLE_PARENT] = false;
    o.n_bands = 3;
    o.bands[0] = (struct dosage_band){1, 1, "1"};
    o.bands[1] = (struct dosage_band){2, 4, "2-4"};
    o.bands[2] = (struct dosage_band){5, 0, "5+"};
    struct figures *f = compute(&b, &o);
    const struct period_figures *pf = &f->periods[0];
    assert_true(pf->dosage.defined);
    expect_close(pf->dosage.q1, 1.75, "q1");
    expect_close(pf->dosage.median, 2.5, "median");
    expect_close(pf->dosage.q3, 3.5, "q3");
    expect_close(pf->dosage.mean, 2.75, "mean");
    assert_int_equal(pf->by_band[0], 1);
    assert_int_equal(pf->by_band[1], 2);
    assert_int_equal(pf->by_band[2], 1);
    assert_int_equal(pf->employment_by_band[0].numerator, 1);
    assert_int_equal(pf->employment_by_band[0].denominator, 1);
    assert_int_equal(pf->employment_by_band[1].numerator, 1);
    assert_int_equal(pf->employment_by_band[1].denominator, 2);
    assert_false(pf->employment_by_band[2].defined);
    assert_true(f->overall.has_deadline);
    assert_int_equal(f->overall.reached_by_deadline, 3);
    expect_close(f->overall.progress_by_deadline, 0.75, "progress by deadline");
    expect_day(f->overall.projection.reached_on, "2019-02-10", "reached_on");
    assert_string_equal(f->overall.projection.reason, "target already reached");
    assert_true(f->overall.projection.on_track_known);
    assert_false(f->overall.projection.on_track);
    indicators_free(f);
}

static void expect_change(const struct count_change *c, long absolute, double relative,
                          const char *what)
{
    if (c->absolute != absolute)
        fail_msg("%s: absolute %ld, expected %ld", what, c->absolute, absolute);
    if (c->relative_defined != !isnan(relative))
        fail_msg("%s: relative defined %d, expected %d", what, c->relative_defined,
                 !isnan(relative));
    if (!isnan(relative))
        expect_close(c->relative, relative, what);
}

/* Changes of the splits and of each rate's terms (issue 14, defect 2).
 *   sites A, B.  S0 2018-03-01 A yes; S1 2019-04-01 A yes; S2 2019-06-01 B no.
 *   P0 youth F: P0@S0, P0@S1.  P1 parent M: P1@S0.  P2 youth F: P2@S1, P2@S2.
 *   P3 youth unknown sex: P3@S2.
 *   Outcomes: P0 2018-06-01 employment, P0 2019-06-01 employment, P2 2019-07-01 unemployed.
 * 2018: youth 1, parent 1, unknown 0; F 1, M 1, unknown 0; A 2, B 0; qpv 1/1; employment
 *       and positive 1/1 (P0); share_girls 1/2.
 * 2019: {P0, P2, P3}: youth 3, parent 0, unknown 0; F 2, M 0, unknown 1; A {P0, P2} 2,
 *       B {P2, P3} 2; qpv 1/2; employment and positive 1/2 (P0 yes, P2 no); girls 2/2.
 * Changes 2019: youth +2 (+200 %), parent −1 (−100 %), role unknown 0 (relative undefined:
 * 0 before); F +1 (+100 %), M −1 (−100 %), sex unknown +1 (undefined); A 0 (0 %), B +2
 * (undefined: B had nobody in 2018, so the change is from 0); qpv 1→1 (0 %), 1→2 (+100 %);
 * employment and positive 1→1 (0 %), 1→2 (+100 %); share_girls 1→2 (+100 %), 2→2 (0 %). */
static void test_split_and_term_changes(void **state)
{
    (void)state;
    static const char *const sites[] = {"A", "B"};
    struct builder b;
    builder_init(&b, sites, 2);
    uint32_t s0 = session(&b, ymd(2018, 3, 1), 0, QPV_YES);
    uint32_t s1 = session(&b, ymd(2019, 4, 1), 0, QPV_YES);
    uint32_t s2 = session(&b, ymd(2019, 6, 1), 1, QPV_NO);
    uint32_t p0 = person(&b, ROLE_YOUTH, SEX_F), p1 = person(&b, ROLE_PARENT, SEX_M);
    uint32_t p2 = person(&b, ROLE_YOUTH, SEX_F), p3 = person(&b, ROLE_YOUTH, SEX_UNKNOWN);
    attend(&b, p0, s0, true);
    attend(&b, p1, s0, true);
    attend(&b, p0, s1, true);
    attend(&b, p2, s1, true);
    attend(&b, p2, s2, true);
    attend(&b, p3, s2, true);
    observe(&b, p0, ymd(2018, 6, 1), CATEGORY_EMPLOYMENT, 0);
    observe(&b, p0, ymd(2019, 6, 1), CATEGORY_EMPLOYMENT, 1);
    observe(&b, p2, ymd(2019, 7, 1), CATEGORY_UNEMPLOYED, 2);
    struct indicators_options o = default_options();
    struct figures *f = compute(&b, &o);
    assert_int_equal(f->n_periods, 2);
    const struct period_figures *p = &f->periods[1];
    assert_true(p->has_previous);
    expect_change(&p->role_changes[ROLE_YOUTH], 2, 2.0, "youth");
    expect_change(&p->role_changes[ROLE_PARENT], -1, -1.0, "parent");
    expect_change(&p->role_changes[ROLE_UNKNOWN], 0, NAN, "role unknown");
    expect_change(&p->sex_changes[SEX_F], 1, 1.0, "F");
    expect_change(&p->sex_changes[SEX_M], -1, -1.0, "M");
    expect_change(&p->sex_changes[SEX_UNKNOWN], 1, NAN, "sex unknown");
    expect_change(&p->site_changes[0], 0, 0.0, "site A");
    expect_change(&p->site_changes[1], 2, NAN, "site B, nobody before");
    expect_change(&p->numerator_changes[RATE_QPV_SHARE], 0, 0.0, "qpv numerator");
    expect_change(&p->denominator_changes[RATE_QPV_SHARE], 1, 1.0, "qpv denominator");
    for (int k = RATE_EMPLOYMENT; k <= RATE_POSITIVE_OUTCOME; k++) {
        expect_change(&p->numerator_changes[k], 0, 0.0, figures_rate_names[k]);
        expect_change(&p->denominator_changes[k], 1, 1.0, figures_rate_names[k]);
    }
    expect_change(&p->numerator_changes[RATE_SHARE_GIRLS], 1, 1.0, "girls numerator");
    expect_change(&p->denominator_changes[RATE_SHARE_GIRLS], 0, 0.0, "girls denominator");
    indicators_free(f);
}

/* Site targets against the data's sites (issue 14, defect 5). Sites are compared folded
 * (fold_label: case, accents and spaces do not matter), as before; an entry that names no
 * site is an error (stage "config", the config's path) listing the sites found nearest first
 * by edit distance on the folded names, ties in the data's order, at most eight then "and N
 * more"; two entries naming one site are an error too.
 *   "Tarrascon" against Parc Bellevue, Tarascon, Taras: TARRASCON → TARASCON 1 (one R
 *   less), → TARAS 4 (R, C, O, N less), → PARC BELLEVUE more than 4 (13 letters, 9 differ
 *   at least): Tarascon, Taras, Parc Bellevue.
 *   "S1x" against S0 … S9: S1 at 1, every other at 2 (x less, one letter changed), in
 *   order: S1, S0, S2 … S7 shown, 2 more (S8, S9). */
static void test_site_targets_match_sites(void **state)
{
    (void)state;
    static const char *const three[] = {"Parc Bellevue", "Tarascon", "Taras"};
    static const char *const ten[] = {"S0", "S1", "S2", "S3", "S4", "S5", "S6", "S7", "S8", "S9"};
    static const struct {
        const char *const *sites;
        size_t n_sites;
        struct site_target targets[2];
        size_t n_targets;
        const char *message; /* NULL: accepted, the Tarascon target is 50 */
    } rows[] = {
        {three,
         3,
         {{"Tarrascon", 50}},
         1,
         "target.sites.\"Tarrascon\": no site of that name in the data; sites found: "
         "\"Tarascon\", \"Taras\" and \"Parc Bellevue\". Write the site as it is in the data, "
         "or remove the entry."},
        {three, 3, {{"  TARASCON ", 50}}, 1, NULL},
        {three,
         3,
         {{"Tarascon", 50}, {"tarascon", 60}},
         2,
         "target.sites.\"Tarascon\" and target.sites.\"tarascon\" both name the site "
         "\"Tarascon\"; keep one of them."},
        {ten,
         10,
         {{"S1x", 5}},
         1,
         "target.sites.\"S1x\": no site of that name in the data; sites found: \"S1\", \"S0\", "
         "\"S2\", \"S3\", \"S4\", \"S5\", \"S6\", \"S7\" and 2 more. Write the site as it is "
         "in the data, or remove the entry."},
    };
    for (size_t r = 0; r < sizeof rows / sizeof rows[0]; r++) {
        struct builder b;
        builder_init(&b, rows[r].sites, rows[r].n_sites);
        uint32_t s0 = session(&b, ymd(2018, 3, 1), 1, QPV_YES);
        newcomers(&b, 3, s0, ROLE_YOUTH);
        struct indicators_options o = default_options();
        o.site_targets = rows[r].targets;
        o.n_site_targets = rows[r].n_targets;
        o.config_path = "config.json";
        struct figures *f = NULL;
        struct impact_error err = {0};
        int status = indicators_compute(&b.data, &o, &f, &err);
        if (!rows[r].message) {
            assert_int_equal(status, IMPACT_OK);
            assert_int_equal(f->sites[1].target, 50);
        } else {
            if (status != IMPACT_FAIL)
                fail_msg("row %zu: accepted, expected \"%s\"", r, rows[r].message);
            assert_string_equal(err.message, rows[r].message);
            assert_string_equal(err.stage, "config");
            assert_string_equal(err.file, "config.json");
        }
        indicators_free(f);
    }
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
        cmocka_unit_test(test_year_over_year_changes),
        cmocka_unit_test(test_split_and_term_changes),
        cmocka_unit_test(test_partial_periods),
        cmocka_unit_test(test_target_trajectory_roles_and_sites),
        cmocka_unit_test(test_site_targets_match_sites),
        cmocka_unit_test(test_projection_steady_series),
        cmocka_unit_test(test_projection_last_quarters_only),
        cmocka_unit_test(test_projection_partial_quarter),
        cmocka_unit_test(test_projection_undefined),
        cmocka_unit_test(test_dosage_and_deadline),
        cmocka_unit_test(test_many_persons_and_sessions),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
