/* stats.c — the statistics behind the indicators: Wilson intervals, the pooled two-proportion
 * z-test, Fisher's exact test, the linear trend towards a target and quartiles, on GSL.
 *
 * Each function follows a named R computation (see stats.h) so the figures can be checked
 * independently; tests/unit/test_stats.c pins them to values R printed. Every input is
 * checked before it reaches GSL: GSL's default error handler aborts, and whether to keep it
 * is for the program's main to decide, not for a library of pure functions.
 */
#include "stages/common/stats.h"

#include <gsl/gsl_cdf.h>
#include <gsl/gsl_errno.h>
#include <gsl/gsl_fit.h>
#include <gsl/gsl_math.h>
#include <gsl/gsl_roots.h>
#include <gsl/gsl_sf_gamma.h>
#include <gsl/gsl_sort.h>
#include <gsl/gsl_statistics_double.h>

#include <limits.h>
#include <math.h>

/* R's fisher.test counts a table as "no more likely" than the observed one up to this
 * relative tolerance, so that tables of equal probability are not lost to rounding. */
#define FISHER_REL_ERR (1.0 + 1e-7)

/* docs/requirements.md: Fisher's exact test instead of the z-test below this expected count. */
#define MIN_EXPECTED_CELL 5.0

/* The band of the linear trend is the fitted mean's 95 % confidence band (stats.h). */
#define BAND_CONFIDENCE 0.95

/* Brent converges in a few dozen steps on these smooth, monotone functions; the tolerance
 * is far below a day when x counts quarters. */
#define ROOT_MAX_ITER 200
#define ROOT_EPS_ABS  1e-12
#define ROOT_EPS_REL  1e-12

/* ---- proportions ---------------------------------------------------------------------- */

static bool valid_proportion(long successes, long trials)
{
    return trials > 0 && successes >= 0 && successes <= trials;
}

bool stats_wilson_interval(long successes, long trials, double confidence, double *low,
                           double *high)
{
    bool ok = valid_proportion(successes, trials) && confidence > 0.0 && confidence < 1.0;
    if (ok) {
        /* R's prop.test formula (without continuity correction), term for term. */
        double n = (double)trials;
        double p = (double)successes / n;
        double z = gsl_cdf_ugaussian_Pinv((1.0 + confidence) / 2.0);
        double z22n = z * z / (2.0 * n);
        double centre = p + z22n;
        double spread = z * sqrt(p * (1.0 - p) / n + z22n / (2.0 * n));
        double scale = 1.0 + 2.0 * z22n;
        /* At 0/n or n/n the bound is exactly 0 or 1 in exact arithmetic; say so rather than
         * report a rounding residue. */
        *low = successes == 0 ? 0.0 : fmax((centre - spread) / scale, 0.0);
        *high = successes == trials ? 1.0 : fmin((centre + spread) / scale, 1.0);
    }
    return ok;
}

struct rate stats_rate(long numerator, long denominator, double confidence)
{
    struct rate r = {.numerator = numerator, .denominator = denominator};
    r.defined = stats_wilson_interval(numerator, denominator, confidence, &r.ci_low, &r.ci_high);
    if (r.defined)
        r.rate = (double)numerator / (double)denominator;
    return r;
}

double stats_two_proportion_p_value(long x1, long n1, long x2, long n2)
{
    double p_value = NAN;
    if (valid_proportion(x1, n1) && valid_proportion(x2, n2)) {
        double pooled = (double)(x1 + x2) / (double)(n1 + n2);
        p_value = 1.0; /* all successes or all failures: nothing to tell the rates apart */
        if (pooled > 0.0 && pooled < 1.0) {
            double se = sqrt(pooled * (1.0 - pooled) * (1.0 / (double)n1 + 1.0 / (double)n2));
            double z = ((double)x1 / (double)n1 - (double)x2 / (double)n2) / se;
            /* 2 Q(|z|) rather than 1 - P(chi2): keeps relative precision for tiny p-values
             * (R's upper-tail pchisq does the same); z^2 is prop.test's statistic. */
            p_value = fmin(1.0, 2.0 * gsl_cdf_ugaussian_Q(fabs(z)));
        }
    }
    return p_value;
}

/* ---- Fisher's exact test -------------------------------------------------------------- */

/* The margins of [[a, b], [c, d]] in R's dhyper terms: the top-left cell x of any table
 * with these margins ranges over [lo, hi], with probability dhyper(x, m, n, k). */
struct fisher_margins {
    unsigned m, n, k; /* first column total, second column total, first row total */
    unsigned lo, hi;
};

static bool fisher_counts_valid(long a, long b, long c, long d)
{
    /* GSL's lnchoose takes unsigned int, and the grand total must fit in one too. */
    const long max_cell = (long)(UINT_MAX / 4);
    return a >= 0 && b >= 0 && c >= 0 && d >= 0 && a <= max_cell && b <= max_cell &&
           c <= max_cell && d <= max_cell;
}

static struct fisher_margins fisher_margins_of(long a, long b, long c, long d)
{
    struct fisher_margins mg = {
        .m = (unsigned)(a + c), .n = (unsigned)(b + d), .k = (unsigned)(a + b)};
    mg.lo = mg.k > mg.n ? mg.k - mg.n : 0;
    mg.hi = mg.k < mg.m ? mg.k : mg.m;
    return mg;
}

/* Log-probability of top-left cell x, less the constant log C(m + n, k): only ratios of
 * probabilities matter. lo <= x <= hi keeps both lnchoose arguments in their domain. */
static double fisher_log_weight(const struct fisher_margins *mg, unsigned x)
{
    return gsl_sf_lnchoose(mg->m, x) + gsl_sf_lnchoose(mg->n, mg->k - x);
}

static double fisher_max_log_weight(const struct fisher_margins *mg)
{
    double max = -INFINITY;
    for (unsigned x = mg->lo; x <= mg->hi; x++)
        max = fmax(max, fisher_log_weight(mg, x));
    return max;
}

double stats_fisher_exact_p_value(long a, long b, long c, long d)
{
    double p_value = NAN;
    if (fisher_counts_valid(a, b, c, d)) {
        struct fisher_margins mg = fisher_margins_of(a, b, c, d);
        /* Scaled by the most likely table, as R does, so exp() cannot overflow and only
         * negligible far-tail terms underflow. */
        double max = fisher_max_log_weight(&mg);
        double observed = exp(fisher_log_weight(&mg, (unsigned)a) - max);
        double total = 0.0, tail = 0.0;
        for (unsigned x = mg.lo; x <= mg.hi; x++) {
            double w = exp(fisher_log_weight(&mg, x) - max);
            total += w;
            if (w <= observed * FISHER_REL_ERR)
                tail += w;
        }
        p_value = fmin(1.0, tail / total);
    }
    return p_value;
}

/* ---- year-over-year comparison -------------------------------------------------------- */

/* The smallest expected cell of [[x1, n1 - x1], [x2, n2 - x2]] is the smaller row total
 * times the smaller column total over the grand total. Compared multiplied out so that the
 * boundary (exactly 5) is decided exactly; doubles hold these integers exactly. */
static bool needs_exact_test(long x1, long n1, long x2, long n2)
{
    double grand = (double)n1 + (double)n2;
    double successes = (double)x1 + (double)x2;
    double min_row = fmin((double)n1, (double)n2);
    double min_column = fmin(successes, grand - successes);
    return min_row * min_column < MIN_EXPECTED_CELL * grand;
}

struct rate_change stats_compare_rates(long x1, long n1, long x2, long n2)
{
    struct rate_change change = {
        .defined = false, .difference = 0.0, .test = RATE_TEST_NONE, .p_value = 1.0};
    if (valid_proportion(x1, n1) && valid_proportion(x2, n2)) {
        change.defined = true;
        change.difference = (double)x2 / (double)n2 - (double)x1 / (double)n1;
        if (needs_exact_test(x1, n1, x2, n2)) {
            change.test = RATE_TEST_FISHER;
            change.p_value = stats_fisher_exact_p_value(x1, n1 - x1, x2, n2 - x2);
        } else {
            change.test = RATE_TEST_Z;
            change.p_value = stats_two_proportion_p_value(x1, n1, x2, n2);
        }
    }
    return change;
}

/* ---- linear trend towards a target ---------------------------------------------------- */

struct line_fit {
    double c0, c1;              /* intercept, slope */
    double cov00, cov01, cov11; /* covariance of (c0, c1), from the residual variance */
};

/* One side of the fitted mean's confidence band, minus the target: the function whose
 * root is a crossing. side is +1 for the upper bound, -1 for the lower. */
struct band_side {
    const struct line_fit *fit;
    double t; /* Student t quantile */
    double side;
    double target;
};

static void x_range(const double *x, size_t n, double *min, double *max)
{
    *min = x[0];
    *max = x[0];
    for (size_t i = 1; i < n; i++) {
        *min = fmin(*min, x[i]);
        *max = fmax(*max, x[i]);
    }
}

static double band_minus_target(double x, void *params)
{
    const struct band_side *b = params;
    const struct line_fit *f = b->fit;
    double y, se;
    gsl_fit_linear_est(x, f->c0, f->c1, f->cov00, f->cov01, f->cov11, &y, &se);
    /* The variance is a sum of squares in exact arithmetic, but on (nearly) collinear points
     * rounding can leave it a hair below 0, and sqrt then gives NaN. */
    if (isnan(se))
        se = 0.0;
    return y + b->side * b->t * se - b->target;
}

/* Iterates GSL's Brent solver on [lo, hi], which must bracket a root. */
static bool brent_solve(gsl_root_fsolver *solver, gsl_function *f, double lo, double hi,
                        double *root)
{
    bool converged = false;
    int status = gsl_root_fsolver_set(solver, f, lo, hi);
    for (int iter = 0; status == GSL_SUCCESS && !converged && iter < ROOT_MAX_ITER; iter++) {
        status = gsl_root_fsolver_iterate(solver);
        converged = gsl_root_test_interval(gsl_root_fsolver_x_lower(solver),
                                           gsl_root_fsolver_x_upper(solver), ROOT_EPS_ABS,
                                           ROOT_EPS_REL) == GSL_SUCCESS;
    }
    if (converged)
        *root = gsl_root_fsolver_root(solver);
    return status == GSL_SUCCESS && converged;
}

/* Where an increasing band side reaches the target inside (lo, hi). Checking the sign
 * change first keeps gsl_root_fsolver_set from raising a GSL error. */
static bool band_crossing(struct band_side *side, double lo, double hi, double *root)
{
    gsl_function f = {.function = band_minus_target, .params = side};
    bool ok = band_minus_target(lo, side) < 0.0 && band_minus_target(hi, side) > 0.0;
    if (ok) {
        gsl_root_fsolver *solver = gsl_root_fsolver_alloc(gsl_root_fsolver_brent);
        ok = solver != NULL && brent_solve(solver, &f, lo, hi, root);
        if (solver != NULL)
            gsl_root_fsolver_free(solver);
    }
    return ok;
}

/* Earliest and latest crossing of the band; see stats.h for when there is none. */
static bool crossing_band(const struct line_fit *fit, const double *x, size_t n, double target,
                          double *x_low, double *x_high)
{
    bool ok = false;
    *x_low = NAN;
    *x_high = NAN;
    if (n > 2) {
        double t = gsl_cdf_tdist_Pinv(0.5 + BAND_CONFIDENCE / 2.0, (double)(n - 2));
        /* |d se / dx| <= sqrt(cov11), so a slope above t sqrt(cov11) makes both sides of
         * the band increasing: one crossing each. Below it the band covers the target on
         * an unbounded set of x (and then upper(lo) >= mean y >= lower(hi), so the window's
         * sign tests would fail too; the test here states the reason). */
        if (fit->c1 > t * sqrt(fit->cov11)) {
            double min, max, low, high;
            x_range(x, n, &min, &max);
            struct band_side upper = {fit, t, +1.0, target};
            struct band_side lower = {fit, t, -1.0, target};
            double lo = min - STATS_CROSSING_HORIZON, hi = max + STATS_CROSSING_HORIZON;
            ok = band_crossing(&upper, lo, hi, &low) && band_crossing(&lower, lo, hi, &high);
            if (ok) {
                *x_low = low;
                *x_high = high;
            }
        }
    }
    return ok;
}

static bool x_has_spread(const double *x, size_t n)
{
    double min, max;
    x_range(x, n, &min, &max);
    return max > min;
}

bool stats_linear_crossing(const double *x, const double *y, size_t n, double target, double *slope,
                           double *x_cross, bool *has_band, double *x_low, double *x_high,
                           const char **reason)
{
    const char *why = NULL;
    if (n < 2)
        why = "fewer than two points";
    else if (!x_has_spread(x, n))
        why = "all points at the same x"; /* the slope would be 0/0 */
    if (why == NULL) {
        struct line_fit fit;
        double sumsq;
        gsl_fit_linear(x, 1, y, 1, n, &fit.c0, &fit.c1, &fit.cov00, &fit.cov01, &fit.cov11, &sumsq);
        *slope = fit.c1;
        if (!(fit.c1 > 0.0)) { /* also catches a NaN slope from non-finite input */
            why = "flat or falling trend";
        } else {
            *x_cross = (target - fit.c0) / fit.c1;
            *has_band = crossing_band(&fit, x, n, target, x_low, x_high);
        }
    }
    *reason = why;
    return why == NULL;
}

/* ---- quartiles ------------------------------------------------------------------------ */

bool stats_quartiles_sorted(const double *sorted, size_t n, double *q1, double *median, double *q3)
{
    bool ok = n > 0;
    if (ok) {
        /* GSL's quantile interpolates between order statistics at f (n - 1), R's type 7. */
        *q1 = gsl_stats_quantile_from_sorted_data(sorted, 1, n, 0.25);
        *median = gsl_stats_quantile_from_sorted_data(sorted, 1, n, 0.5);
        *q3 = gsl_stats_quantile_from_sorted_data(sorted, 1, n, 0.75);
    }
    return ok;
}

bool stats_quartiles(double *values, size_t n, double *q1, double *median, double *q3)
{
    if (n > 0)
        gsl_sort(values, 1, n);
    return stats_quartiles_sorted(values, n, q1, median, q3);
}
