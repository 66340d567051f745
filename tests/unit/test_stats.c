/* test_stats.c — stages/common/stats.c against independent reference values.
 *
 * Every expected number was printed by R 4.2.2 with sprintf("%.17g", ...); the R expression
 * is written above each table row or block, so any value can be re-derived. The tests do not
 * need R. A few rows are fixed by the contract in stats.h rather than by R (R gives NaN or
 * nothing there); those say "contract".
 *
 * Comparisons are relative (REL_TOL); an expected 0 must come out exactly 0.
 */
#include "stages/common/stats.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <math.h>
#include <string.h>

#define REL_TOL  1e-9
#define SENTINEL -12345.0 /* an output the function must leave untouched */

static void assert_close(double actual, double expected, const char *what, int row)
{
    bool ok = expected == 0.0 ? actual == 0.0 : fabs(actual - expected) <= REL_TOL * fabs(expected);
    if (!ok)
        fail_msg("row %d, %s: got %.17g, expected %.17g", row, what, actual, expected);
}

/* ---- Wilson interval ------------------------------------------------------------------ */

struct wilson_case {
    long x, n;
    double confidence;
    double low, high;
};

static const struct wilson_case wilson_cases[] = {
    /* prop.test(0, 10, conf.level = 0.95, correct = FALSE)$conf.int */
    {0, 10, 0.95, 0.0, 0.27753279986288915},
    /* prop.test(10, 10, conf.level = 0.95, correct = FALSE)$conf.int */
    {10, 10, 0.95, 0.72246720013711085, 1.0},
    /* prop.test(3, 7, conf.level = 0.95, correct = FALSE)$conf.int */
    {3, 7, 0.95, 0.1582198552514697, 0.74954163547234265},
    /* prop.test(1, 1, conf.level = 0.95, correct = FALSE)$conf.int */
    {1, 1, 0.95, 0.2065493143772375, 1.0},
    /* prop.test(1, 2, conf.level = 0.95, correct = FALSE)$conf.int */
    {1, 2, 0.95, 0.094531205734230739, 0.90546879426576921},
    /* prop.test(0, 1, conf.level = 0.99, correct = FALSE)$conf.int */
    {0, 1, 0.99, 0.0, 0.86902245671981404},
    /* prop.test(45, 100, conf.level = 0.90, correct = FALSE)$conf.int */
    {45, 100, 0.90, 0.37056097069445398, 0.53207330138386344},
    /* prop.test(45, 100, conf.level = 0.99, correct = FALSE)$conf.int */
    {45, 100, 0.99, 0.32897683787002135, 0.57724523090156099},
    /* prop.test(81, 263, conf.level = 0.95, correct = FALSE)$conf.int */
    {81, 263, 0.95, 0.25528851987827428, 0.36620957698280016},
    /* prop.test(12345, 54321, conf.level = 0.95, correct = FALSE)$conf.int */
    {12345, 54321, 0.95, 0.22375547983505878, 0.23080344377522208},
};

static void test_wilson_reference(void **state)
{
    (void)state;
    for (size_t i = 0; i < sizeof wilson_cases / sizeof wilson_cases[0]; i++) {
        const struct wilson_case *c = &wilson_cases[i];
        double low = SENTINEL, high = SENTINEL;
        assert_true(stats_wilson_interval(c->x, c->n, c->confidence, &low, &high));
        assert_close(low, c->low, "low", (int)i);
        assert_close(high, c->high, "high", (int)i);
    }
}

/* Contract: invalid input returns false and leaves the outputs alone. */
static void test_wilson_invalid(void **state)
{
    (void)state;
    static const struct {
        long x, n;
        double confidence;
    } bad[] = {{0, 0, 0.95},   {3, 0, 0.95}, {1, -4, 0.95}, {-1, 10, 0.95},
               {11, 10, 0.95}, {5, 10, 0.0}, {5, 10, 1.0},  {5, 10, 1.5}};
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        double low = SENTINEL, high = SENTINEL;
        assert_false(stats_wilson_interval(bad[i].x, bad[i].n, bad[i].confidence, &low, &high));
        assert_true(low == SENTINEL && high == SENTINEL);
    }
}

static void test_rate(void **state)
{
    (void)state;
    /* rate: prop.test(81, 263, correct = FALSE)$estimate; interval: wilson_cases row 8 */
    struct rate r = stats_rate(81, 263, 0.95);
    assert_true(r.defined);
    assert_int_equal(r.numerator, 81);
    assert_int_equal(r.denominator, 263);
    assert_close(r.rate, 0.30798479087452474, "rate", 0);
    assert_close(r.ci_low, 0.25528851987827428, "ci_low", 0);
    assert_close(r.ci_high, 0.36620957698280016, "ci_high", 0);

    /* Contract: a zero denominator gives an undefined rate that still carries its counts. */
    r = stats_rate(0, 0, 0.95);
    assert_false(r.defined);
    assert_int_equal(r.numerator, 0);
    assert_int_equal(r.denominator, 0);
}

/* ---- pooled two-proportion z-test ----------------------------------------------------- */

struct z_case {
    long x1, n1, x2, n2;
    double p_value;
};

static const struct z_case z_cases[] = {
    /* prop.test(c(45, 60), c(100, 100), correct = FALSE)$p.value */
    {45, 100, 60, 100, 0.033672068856345806},
    /* prop.test(c(15, 22), c(40, 45), correct = FALSE)$p.value */
    {15, 40, 22, 45, 0.29047759438338699},
    /* prop.test(c(30, 30), c(100, 100), correct = FALSE)$p.value — identical proportions */
    {30, 100, 30, 100, 1.0},
    /* prop.test(c(3, 6), c(10, 20), correct = FALSE)$p.value — identical, unequal n */
    {3, 10, 6, 20, 1.0},
    /* prop.test(c(500, 600), c(1000, 1000), correct = FALSE)$p.value */
    {500, 1000, 600, 1000, 6.9679310728498204e-06},
    /* prop.test(c(100, 300), c(1000, 1000), correct = FALSE)$p.value — far tail */
    {100, 1000, 300, 1000, 5.089468973814366e-29},
    /* prop.test(c(3, 7), c(20, 20), correct = FALSE)$p.value */
    {3, 20, 7, 20, 0.14412703481601621},
    /* prop.test(c(1, 200), c(3, 250), correct = FALSE)$p.value */
    {1, 3, 200, 250, 0.046770394202714449},
    /* contract (R: NaN): pooled proportion 0 */
    {0, 10, 0, 20, 1.0},
    /* contract (R: NaN): pooled proportion 1 */
    {10, 10, 20, 20, 1.0},
};

static void test_z_reference(void **state)
{
    (void)state;
    for (size_t i = 0; i < sizeof z_cases / sizeof z_cases[0]; i++) {
        const struct z_case *c = &z_cases[i];
        assert_close(stats_two_proportion_p_value(c->x1, c->n1, c->x2, c->n2), c->p_value,
                     "p-value", (int)i);
    }
}

/* Contract: a zero denominator or a count outside [0, n] has no p-value. */
static void test_z_invalid(void **state)
{
    (void)state;
    assert_true(isnan(stats_two_proportion_p_value(0, 0, 3, 10)));
    assert_true(isnan(stats_two_proportion_p_value(3, 10, 0, 0)));
    assert_true(isnan(stats_two_proportion_p_value(11, 10, 3, 10)));
    assert_true(isnan(stats_two_proportion_p_value(3, 10, -1, 10)));
}

/* ---- Fisher's exact test -------------------------------------------------------------- */

struct fisher_case {
    long a, b, c, d; /* the table [[a, b], [c, d]] */
    double p_value;
};

static const struct fisher_case fisher_cases[] = {
    /* fisher.test(matrix(c(3, 1, 1, 3), 2))$p.value — the tea-tasting table; ties count */
    {3, 1, 1, 3, 0.48571428571428582},
    /* fisher.test(matrix(c(1, 11, 9, 3), 2))$p.value */
    {1, 9, 11, 3, 0.0027594561852200836},
    /* fisher.test(matrix(c(0, 5, 5, 0), 2))$p.value — two zero cells */
    {0, 5, 5, 0, 0.0079365079365079395},
    /* fisher.test(matrix(c(0, 2, 3, 4), 2))$p.value — one zero cell */
    {0, 3, 2, 4, 0.49999999999999994},
    /* fisher.test(matrix(c(0, 3, 0, 4), 2))$p.value — a zero margin: one possible table */
    {0, 0, 3, 4, 1.0},
    /* fisher.test(matrix(c(10, 3, 2, 15), 2))$p.value */
    {10, 2, 3, 15, 0.00053672411914343593},
    /* fisher.test(matrix(c(2, 8, 7, 2), 2))$p.value — asymmetric margins */
    {2, 7, 8, 2, 0.023014137565221159},
    /* fisher.test(matrix(c(20, 35, 30, 15), 2))$p.value */
    {20, 30, 35, 15, 0.004635020180798928},
    /* fisher.test(matrix(c(1, 0, 0, 0), 2))$p.value */
    {1, 0, 0, 0, 1.0},
    /* fisher.test(matrix(c(2, 5, 8, 7), 2))$p.value */
    {2, 8, 5, 7, 0.38080495356037164},
    /* fisher.test(matrix(c(3, 6, 17, 14), 2))$p.value */
    {3, 17, 6, 14, 0.45057645057645074},
    /* fisher.test(matrix(c(95, 99, 5, 1), 2))$p.value */
    {95, 5, 99, 1, 0.21164785269573164},
    /* fisher.test(matrix(c(0, 0, 10, 10), 2))$p.value */
    {0, 10, 0, 10, 1.0},
    /* fisher.test(matrix(c(7, 2, 0, 1), 2))$p.value — asymmetric, zero cell */
    {7, 0, 2, 1, 0.30000000000000004},
    /* fisher.test(matrix(c(1, 200, 2, 50), 2))$p.value — large and small cells */
    {1, 2, 200, 50, 0.10821610977509125},
    /* fisher.test(matrix(c(0, 6, 2, 11), 2))$p.value — the two tails tie in exact arithmetic
     * but not in floating point: needs R's 1e-7 relative tolerance */
    {0, 2, 6, 11, 1.0},
    /* fisher.test(matrix(c(0, 4, 4, 7), 2))$p.value — the same, with p < 1 */
    {0, 4, 4, 7, 0.51648351648351665},
    /* fisher.test(matrix(0, 2, 2))$p.value — empty table */
    {0, 0, 0, 0, 1.0},
};

static void test_fisher_reference(void **state)
{
    (void)state;
    for (size_t i = 0; i < sizeof fisher_cases / sizeof fisher_cases[0]; i++) {
        const struct fisher_case *c = &fisher_cases[i];
        assert_close(stats_fisher_exact_p_value(c->a, c->b, c->c, c->d), c->p_value, "p-value",
                     (int)i);
    }
}

/* Contract: negative counts have no p-value. */
static void test_fisher_invalid(void **state)
{
    (void)state;
    assert_true(isnan(stats_fisher_exact_p_value(-1, 2, 3, 4)));
    assert_true(isnan(stats_fisher_exact_p_value(1, 2, 3, -4)));
}

/* ---- year-over-year comparison -------------------------------------------------------- */

struct compare_case {
    long x1, n1, x2, n2; /* previous, current */
    enum rate_test test;
    double difference; /* x2/n2 - x1/n1 */
    double p_value;
};

static const struct compare_case compare_cases[] = {
    /* smallest expected cell 100 × 105 / 200 = 52.5: z.
     * prop.test(c(45, 60), c(100, 100), correct = FALSE)$p.value; 60/100 - 45/100 */
    {45, 100, 60, 100, RATE_TEST_Z, 0.15, 0.033672068856345806},
    /* the same the other way round: the difference changes sign, not the p-value */
    {60, 100, 45, 100, RATE_TEST_Z, -0.15, 0.033672068856345806},
    /* expected cell exactly 20 × 10 / 40 = 5: still z.
     * prop.test(c(3, 7), c(20, 20), correct = FALSE)$p.value; 7/20 - 3/20 */
    {3, 20, 7, 20, RATE_TEST_Z, 0.2, 0.14412703481601621},
    /* expected cell 20 × 9 / 40 = 4.5: Fisher.
     * fisher.test(matrix(c(3, 6, 17, 14), 2))$p.value; 6/20 - 3/20 */
    {3, 20, 6, 20, RATE_TEST_FISHER, 0.15, 0.45057645057645074},
    /* expected cell 10 × 7 / 22: Fisher.
     * fisher.test(matrix(c(2, 5, 8, 7), 2))$p.value; 5/12 - 2/10 printed by R */
    {2, 10, 5, 12, RATE_TEST_FISHER, 0.21666666666666667, 0.38080495356037164},
    /* small expected failures, 100 × 6 / 200 = 3: Fisher.
     * fisher.test(matrix(c(95, 99, 5, 1), 2))$p.value; 99/100 - 95/100 */
    {95, 100, 99, 100, RATE_TEST_FISHER, 0.04, 0.21164785269573164},
    /* no successes at all, expected cell 0: Fisher.
     * fisher.test(matrix(c(0, 0, 10, 10), 2))$p.value */
    {0, 10, 0, 10, RATE_TEST_FISHER, 0.0, 1.0},
    /* unequal sizes, expected cell 3 × 52 / 253: Fisher.
     * fisher.test(matrix(c(1, 200, 2, 50), 2))$p.value; 200/250 - 1/3 printed by R */
    {1, 3, 200, 250, RATE_TEST_FISHER, 0.46666666666666673, 0.10821610977509125},
};

static void test_compare_reference(void **state)
{
    (void)state;
    for (size_t i = 0; i < sizeof compare_cases / sizeof compare_cases[0]; i++) {
        const struct compare_case *c = &compare_cases[i];
        struct rate_change ch = stats_compare_rates(c->x1, c->n1, c->x2, c->n2);
        assert_true(ch.defined);
        assert_int_equal(ch.test, c->test);
        assert_close(ch.difference, c->difference, "difference", (int)i);
        assert_close(ch.p_value, c->p_value, "p-value", (int)i);
    }
}

/* Contract: undefined when a denominator is 0 (or a count is outside [0, n]). */
static void test_compare_undefined(void **state)
{
    (void)state;
    static const long bad[][4] = {{0, 0, 5, 10}, {5, 10, 0, 0}, {0, 0, 0, 0}, {11, 10, 5, 10}};
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        struct rate_change ch = stats_compare_rates(bad[i][0], bad[i][1], bad[i][2], bad[i][3]);
        assert_false(ch.defined);
        assert_int_equal(ch.test, RATE_TEST_NONE);
    }
}

/* ---- linear crossing ------------------------------------------------------------------ */

/* References from this R function (H = STATS_CROSSING_HORIZON = 400):
 *
 *   cross <- function(x, y, target) {
 *     fit <- lm(y ~ x); b <- coef(fit)
 *     band <- function(xx, col) predict(fit, data.frame(x = xx), interval = "confidence",
 *                                       level = 0.95)[, col] - target
 *     lo <- min(x) - 400; hi <- max(x) + 400
 *     c(slope = b[2], x_cross = (target - b[1]) / b[2],
 *       x_low = uniroot(function(xx) band(xx, "upr"), c(lo, hi), tol = 1e-13)$root,
 *       x_high = uniroot(function(xx) band(xx, "lwr"), c(lo, hi), tol = 1e-13)$root)
 *   }
 *
 * has_band is false where R shows no sign change of band(lo, col), band(hi, col) for one
 * side, or where the slope is not significant: summary(fit)$coefficients[2, "t value"] <=
 * qt(0.975, n - 2). */
struct crossing_case {
    size_t n;
    double x[8], y[8];
    double target;
    double slope, x_cross;
    bool has_band;
    double x_low, x_high;
};

static const struct crossing_case crossing_cases[] = {
    /* exact line y = 10 + 20 x: cross(0:5, 10 + 20 * (0:5), 200) — 20, 9.5, and the band
     * has zero width (R: 9.4999999999999947, 9.5000000000000053) */
    {6, {0, 1, 2, 3, 4, 5}, {10, 30, 50, 70, 90, 110}, 200, 20, 9.5, true, 9.5, 9.5},
    /* quarterly cumulative counts:
     * cross(1:8, c(12, 30, 41, 58, 77, 85, 104, 118), 250) */
    {8,
     {1, 2, 3, 4, 5, 6, 7, 8},
     {12, 30, 41, 58, 77, 85, 104, 118},
     250,
     15.035714285714283,
     16.7624703087886,
     true,
     16.050132606144402,
     17.564889341644477},
    /* target already passed inside the data: cross(1:8, <same>, 50) */
    {8,
     {1, 2, 3, 4, 5, 6, 7, 8},
     {12, 30, 41, 58, 77, 85, 104, 118},
     50,
     15.035714285714283,
     3.4608076009501181,
     true,
     3.3044629437556585,
     3.6095182471096918},
    /* three points, t(0.975, 1) = 12.7: cross(c(0, 1, 2), c(5, 15.5, 25.2), 60) */
    {3,
     {0, 1, 2},
     {5, 15.5, 25.2},
     60,
     10.100000000000003,
     5.4323432343234312,
     true,
     4.4128265710811183,
     7.2690995748657654},
    /* upper crossing 376.67 inside the window, lower beyond 8 + 400 (R: lwr at hi is
     * -234.49 < 0): no band. cross(1:8, <same>, 6000) slope and x_cross */
    {8,
     {1, 2, 3, 4, 5, 6, 7, 8},
     {12, 30, 41, 58, 77, 85, 104, 118},
     6000,
     15.035714285714283,
     399.18527315914497,
     false,
     NAN,
     NAN},
    /* both crossings beyond the window: cross(1:8, <same>, 8000) slope and x_cross */
    {8,
     {1, 2, 3, 4, 5, 6, 7, 8},
     {12, 30, 41, 58, 77, 85, 104, 118},
     8000,
     15.035714285714283,
     532.2019002375298,
     false,
     NAN,
     NAN},
    /* positive slope, not significant (t value 0.59 <= qt(0.975, 4) = 2.78): no band.
     * cross(1:6, c(10, 30, 12, 28, 15, 25), 40) slope and x_cross */
    {6,
     {1, 2, 3, 4, 5, 6},
     {10, 30, 12, 28, 15, 25},
     40,
     1.3142857142857136,
     18.717391304347831,
     false,
     NAN,
     NAN},
    /* two points, no residual variance: no band. coef(lm(c(5, 15) ~ c(0, 1))) -> 5, 10 */
    {2, {0, 1}, {5, 15}, 45, 10, 4, false, NAN, NAN},
};

static void test_crossing_reference(void **state)
{
    (void)state;
    for (size_t i = 0; i < sizeof crossing_cases / sizeof crossing_cases[0]; i++) {
        const struct crossing_case *c = &crossing_cases[i];
        double slope = SENTINEL, x_cross = SENTINEL, x_low = SENTINEL, x_high = SENTINEL;
        bool has_band = !c->has_band;
        const char *reason = "not set";
        assert_true(stats_linear_crossing(c->x, c->y, c->n, c->target, &slope, &x_cross, &has_band,
                                          &x_low, &x_high, &reason));
        assert_null(reason);
        assert_close(slope, c->slope, "slope", (int)i);
        assert_close(x_cross, c->x_cross, "x_cross", (int)i);
        assert_int_equal(has_band, c->has_band);
        if (c->has_band) {
            assert_close(x_low, c->x_low, "x_low", (int)i);
            assert_close(x_high, c->x_high, "x_high", (int)i);
        } else {
            assert_true(isnan(x_low) && isnan(x_high));
        }
    }
}

struct crossing_failure {
    size_t n;
    double x[4], y[4];
    const char *reason;
    bool slope_set;
    double slope;
};

static const struct crossing_failure crossing_failures[] = {
    /* contract: n < 2 */
    {0, {0}, {0}, "fewer than two points", false, 0},
    {1, {3}, {40}, "fewer than two points", false, 0},
    /* contract: no spread in x (R's lm gives an NA slope) */
    {3, {2, 2, 2}, {1, 5, 9}, "all points at the same x", false, 0},
    /* coef(lm(c(5, 5, 5, 5) ~ I(1:4)))[2] is 0: flat */
    {4, {1, 2, 3, 4}, {5, 5, 5, 5}, "flat or falling trend", true, 0},
    /* coef(lm(c(40, 30, 20, 10) ~ I(1:4)))[2] is -10: falling */
    {4, {1, 2, 3, 4}, {40, 30, 20, 10}, "flat or falling trend", true, -10},
};

static void test_crossing_failures(void **state)
{
    (void)state;
    for (size_t i = 0; i < sizeof crossing_failures / sizeof crossing_failures[0]; i++) {
        const struct crossing_failure *c = &crossing_failures[i];
        double slope = SENTINEL, x_cross = SENTINEL, x_low = SENTINEL, x_high = SENTINEL;
        bool has_band = true;
        const char *reason = NULL;
        assert_false(stats_linear_crossing(c->x, c->y, c->n, 100, &slope, &x_cross, &has_band,
                                           &x_low, &x_high, &reason));
        assert_non_null(reason);
        assert_string_equal(reason, c->reason);
        if (c->slope_set)
            assert_close(slope, c->slope, "slope", (int)i);
        else
            assert_true(slope == SENTINEL);
        assert_true(x_cross == SENTINEL && x_low == SENTINEL && x_high == SENTINEL);
        assert_true(has_band);
    }
}

/* ---- quartiles ------------------------------------------------------------------------ */

struct quartile_case {
    size_t n;
    double values[6];
    double q1, median, q3;
};

static const struct quartile_case quartile_cases[] = {
    /* quantile(c(7, 1, 3, 9, 5), c(0.25, 0.5, 0.75), type = 7) — odd n */
    {5, {7, 1, 3, 9, 5}, 3, 5, 7},
    /* quantile(c(4, 1, 10, 2, 8, 6), c(0.25, 0.5, 0.75), type = 7) — even n */
    {6, {4, 1, 10, 2, 8, 6}, 2.5, 5, 7.5},
    /* quantile(c(42), c(0.25, 0.5, 0.75), type = 7) — n = 1 */
    {1, {42}, 42, 42, 42},
    /* quantile(c(1.5, 2.25, 10, 3), c(0.25, 0.5, 0.75), type = 7) — interpolation */
    {4, {1.5, 2.25, 10, 3}, 2.0625, 2.625, 4.75},
};

static void test_quartiles_reference(void **state)
{
    (void)state;
    for (size_t i = 0; i < sizeof quartile_cases / sizeof quartile_cases[0]; i++) {
        const struct quartile_case *c = &quartile_cases[i];
        double values[6];
        memcpy(values, c->values, sizeof values);
        double q1 = SENTINEL, median = SENTINEL, q3 = SENTINEL;
        assert_true(stats_quartiles(values, c->n, &q1, &median, &q3));
        assert_close(q1, c->q1, "q1", (int)i);
        assert_close(median, c->median, "median", (int)i);
        assert_close(q3, c->q3, "q3", (int)i);
        for (size_t k = 1; k < c->n; k++) /* contract: sorted in place */
            assert_true(values[k - 1] <= values[k]);
        q1 = median = q3 = SENTINEL; /* the same R references from the sorted values */
        assert_true(stats_quartiles_sorted(values, c->n, &q1, &median, &q3));
        assert_close(q1, c->q1, "sorted q1", (int)i);
        assert_close(median, c->median, "sorted median", (int)i);
        assert_close(q3, c->q3, "sorted q3", (int)i);
    }
}

/* Contract: no values, no quartiles, outputs untouched. */
static void test_quartiles_empty(void **state)
{
    (void)state;
    double values[1] = {1.0};
    double q1 = SENTINEL, median = SENTINEL, q3 = SENTINEL;
    assert_false(stats_quartiles(values, 0, &q1, &median, &q3));
    assert_false(stats_quartiles_sorted(values, 0, &q1, &median, &q3));
    assert_true(q1 == SENTINEL && median == SENTINEL && q3 == SENTINEL);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_wilson_reference),
        cmocka_unit_test(test_wilson_invalid),
        cmocka_unit_test(test_rate),
        cmocka_unit_test(test_z_reference),
        cmocka_unit_test(test_z_invalid),
        cmocka_unit_test(test_fisher_reference),
        cmocka_unit_test(test_fisher_invalid),
        cmocka_unit_test(test_compare_reference),
        cmocka_unit_test(test_compare_undefined),
        cmocka_unit_test(test_crossing_reference),
        cmocka_unit_test(test_crossing_failures),
        cmocka_unit_test(test_quartiles_reference),
        cmocka_unit_test(test_quartiles_empty),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
