/* stats.h — the statistics behind the indicators, on GSL.
 *
 * Pure functions of counts; no allocation kept. Reference values for the tests come from R
 * (prop.test(..., correct = FALSE), fisher.test) — see tests/unit/test_stats.c.
 */
#ifndef IMPACT_STATS_H
#define IMPACT_STATS_H

#include "stages/common/figures.h"

#include <stdbool.h>
#include <stddef.h>

/* Wilson score interval for successes/trials at `confidence` (e.g. 0.95). Returns false and
 * leaves the outputs untouched when trials <= 0. */
bool stats_wilson_interval(long successes, long trials, double confidence, double *low,
                           double *high);

/* Fills a struct rate: numerator, denominator, and rate + Wilson interval when defined. */
struct rate stats_rate(long numerator, long denominator, double confidence);

/* Two-sided p-value of the pooled two-proportion z-test (R: prop.test(c(x1, x2), c(n1, n2),
 * correct = FALSE)$p.value). Requires n1, n2 > 0 and a pooled proportion strictly between 0
 * and 1; returns 1.0 when the pooled proportion is 0 or 1 (no evidence of a difference). */
double stats_two_proportion_p_value(long x1, long n1, long x2, long n2);

/* Two-sided p-value of Fisher's exact test on the 2×2 table [[a, b], [c, d]], summing the
 * probabilities of the tables no more likely than the observed one (R's fisher.test rule,
 * relative tolerance 1e-7). */
double stats_fisher_exact_p_value(long a, long b, long c, long d);

/* Compares rate 2 against rate 1 (previous, current): difference x2/n2 - x1/n1, and the
 * z-test, or Fisher's exact test when an expected cell of the 2×2 table is below 5.
 * `defined` is false when either denominator is 0. */
struct rate_change stats_compare_rates(long x1, long n1, long x2, long n2);

/* Least-squares line y = c0 + c1 x through n points (GSL gsl_fit_linear), and where it
 * crosses `target`. Returns false, with *reason set to a static string, when n < 2 or the
 * slope is not positive. On success *x_cross is where the fitted line reaches target, and
 * *x_low / *x_high where the 95 % confidence band of the fitted mean reaches it (earliest
 * and latest); *has_band is false when the band never reaches it. */
bool stats_linear_crossing(const double *x, const double *y, size_t n, double target,
                           double *slope, double *x_cross, bool *has_band, double *x_low,
                           double *x_high, const char **reason);

/* Median and quartiles (GSL, type 7 as R's default quantile) of n values; sorts `values`
 * in place. Returns false when n == 0. */
bool stats_quartiles(double *values, size_t n, double *q1, double *median, double *q3);

#endif
