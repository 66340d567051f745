/* test_e2e_statistics.c — the whole pipeline, in process, on tests/fixtures/statistics: a
 * gap year, a zero denominator and tiny counts must give nulls and Fisher's test where
 * docs/requirements.md says so. Runs from the repository root (as `make test` does).
 *
 * HAND WORKING (window 2017-01-01..2019-12-31, calendar periods 2017, 2018, 2019)
 *   2017: sessions S1 2017-03-01 A and S2 2017-05-01 A, both with a blank QPV flag, so
 *         qpv_share = 0 / (2 − 2): denominator 0 → rate, ci_low, ci_high null.
 *         P1 (F), P2 (M), P3 (F) present at S1; P1 again at S2 → 3 beneficiaries.
 *         Outcomes 2017-06-01: P1 CDI, P2 CDD (employment), P3 Demandeur d'emploi
 *         → employment 2/3, share_girls 2/3.
 *   2018: S3 2018-02-01 B, QPV "Oui" → qpv_share 1/1; Wilson 95 % for 1/1 with
 *         z = 1.959963985: centre = (1 + z²/2)/(1 + z²) = 2.920729/4.841459 = 0.603275,
 *         half = z²/2/(1 + z²) = 0.396725 → [0.206549, 1] (R: prop.test(1, 1,
 *         correct = FALSE)$conf.int = 0.2065493 1.0000000).
 *         P4 (F), P5, P6, P7 (M) present → 4 beneficiaries, cumulative 7.
 *         Outcomes 2018-05-01: P4 CDI, P5–P7 Inactif → employment 1/4, share_girls 1/4.
 *   Change 2018 vs 2017, employment: 2×2 table [[2, 1], [1, 3]]; expected cell for
 *         "2017, not employed" = 3 × 4 / 7 = 1.7 < 5 → Fisher. Margins rows (3, 4), columns
 *         (3, 4): P(a) = C(3, a) C(4, 3 − a) / C(7, 3) = 4/35, 18/35, 12/35, 1/35 for
 *         a = 0..3; observed a = 2 (12/35); two-sided p = (4 + 12 + 1)/35 = 17/35 =
 *         0.4857142857 (R: fisher.test(matrix(c(2, 1, 1, 3), 2))$p.value). Difference
 *         1/4 − 2/3 = −5/12. share_girls has the same table. qpv_share: previous
 *         denominator 0 → difference, test and p-value null.
 *         beneficiaries +1 (relative 1/3); sessions 1 − 2 = −1 (relative −0.5).
 *   2019: no data: every count 0, every rate null; beneficiaries −4 (relative −1), rate
 *         changes null (no denominator), cumulative 7 (change 0, relative 0).
 */
#include "pipeline/config.h"
#include "pipeline/run.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <ftw.h>
#include <jansson.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int remove_entry(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
    (void)st, (void)flag, (void)ftw;
    return remove(path);
}

/* Runs the fixture into a fresh folder and returns the parsed indicators.json. */
static int setup(void **state)
{
    char dir[] = "/tmp/impact-stat-XXXXXX", path[64];
    struct config cfg;
    struct run_summary summary;
    struct impact_error err = {0};
    if (!mkdtemp(dir) ||
        config_load("tests/fixtures/statistics/config.json", &cfg, &err) != IMPACT_OK)
        return -1;
    cfg.output_dir = dir;
    int status = pipeline_run(&cfg, RUN_FULL, NULL, &summary, &err);
    if (status != IMPACT_OK)
        fprintf(stderr, "pipeline_run: %s\n", err.message);
    run_summary_free(&summary);
    config_free(&cfg);
    snprintf(path, sizeof path, "%s/indicators.json", dir);
    *state = json_load_file(path, 0, NULL);
    nftw(dir, remove_entry, 8, FTW_DEPTH | FTW_PHYS);
    return status == IMPACT_OK && *state ? 0 : -1;
}

static int teardown(void **state)
{
    json_decref(*state);
    return 0;
}

static json_t *at(json_t *obj, const char *key)
{
    json_t *v = json_object_get(obj, key);
    if (!v)
        fail_msg("missing key %s", key);
    return v;
}

static json_t *period(void **state, size_t i)
{
    return json_array_get(at(*state, "periods"), i);
}

static void expect_real(json_t *obj, const char *key, double want)
{
    double got = json_number_value(at(obj, key));
    if (fabs(got - want) > 1e-9)
        fail_msg("%s: got %.12g, expected %.12g", key, got, want);
}

static void test_zero_denominator_is_null(void **state)
{
    json_t *qpv = at(period(state, 0), "qpv_share");
    assert_int_equal(json_integer_value(at(qpv, "denominator")), 0);
    assert_true(json_is_null(at(qpv, "rate")));
    assert_true(json_is_null(at(qpv, "ci_low")));
    assert_true(json_is_null(at(qpv, "ci_high")));
    json_t *qpv18 = at(period(state, 1), "qpv_share");
    expect_real(qpv18, "rate", 1.0);
    assert_true(fabs(json_number_value(at(qpv18, "ci_low")) - 0.2065493) < 1e-7);
    expect_real(qpv18, "ci_high", 1.0);
}

static void test_tiny_counts_use_fisher(void **state)
{
    json_t *change = at(period(state, 1), "change_from_previous");
    static const char *const rates[] = {"employment", "share_girls"};
    for (size_t i = 0; i < 2; i++) {
        json_t *c = at(change, rates[i]);
        assert_string_equal(json_string_value(at(c, "test")), "fisher");
        expect_real(c, "p_value", 17.0 / 35.0);
        expect_real(c, "difference", 0.25 - 2.0 / 3.0);
    }
    json_t *qpv = at(change, "qpv_share");
    assert_true(json_is_null(at(qpv, "difference")));
    assert_true(json_is_null(at(qpv, "test")));
    assert_true(json_is_null(at(qpv, "p_value")));
    json_t *b = at(change, "beneficiaries");
    assert_int_equal(json_integer_value(at(b, "absolute")), 1);
    expect_real(b, "relative", 1.0 / 3.0);
    expect_real(at(change, "sessions"), "relative", -0.5);
}

static void test_gap_year_is_reported(void **state)
{
    json_t *p = period(state, 2);
    assert_string_equal(json_string_value(at(p, "label")), "2019");
    static const char *const zeros[] = {"sessions", "attendances", "beneficiaries",
                                        "new_beneficiaries"};
    for (size_t i = 0; i < sizeof zeros / sizeof zeros[0]; i++)
        assert_int_equal(json_integer_value(at(p, zeros[i])), 0);
    assert_int_equal(json_integer_value(at(p, "cumulative_beneficiaries")), 7);
    static const char *const rates[] = {"qpv_share", "employment", "positive_outcome",
                                        "share_girls"};
    json_t *change = at(p, "change_from_previous");
    for (size_t i = 0; i < sizeof rates / sizeof rates[0]; i++) {
        assert_true(json_is_null(at(at(p, rates[i]), "rate")));
        assert_true(json_is_null(at(at(change, rates[i]), "p_value")));
    }
    expect_real(at(change, "beneficiaries"), "relative", -1.0);
    expect_real(at(change, "cumulative_beneficiaries"), "relative", 0.0);
    /* The sessions stop on 2018-02-01, before 2019 starts: 2019 is partial with that
     * data_until, and its changes (still computed: outcomes may be observed after the last
     * session) are flagged partial. */
    assert_true(json_is_true(at(p, "partial")));
    assert_string_equal(json_string_value(at(p, "data_until")), "2018-02-01");
    assert_true(json_is_true(at(change, "partial")));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_zero_denominator_is_null),
        cmocka_unit_test(test_tiny_counts_use_fisher),
        cmocka_unit_test(test_gap_year_is_reported),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
