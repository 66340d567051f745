/* test_indicators_changes.c — the indicators stage (stages/indicators.h) on small datasets
 * built by hand: changes from one period to the next, of the counts, the rates (with their
 * p-values), the splits and each rate's terms.
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

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_year_over_year_changes),
        cmocka_unit_test(test_split_and_term_changes),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
