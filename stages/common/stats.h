/* stats.h — the statistics behind the indicators, on GSL.
 *
 * Pure functions of counts; no allocation kept, no global state. Reference values for the
 * tests come from R (prop.test(..., correct = FALSE), fisher.test, lm + predict + uniroot,
 * quantile) — see tests/unit/test_stats.c.
 *
 * Inputs are checked before any GSL call, so none of these functions triggers GSL's error
 * handler; turning that handler off is the program's main's business, not theirs.
 */
#ifndef IMPACT_STATS_H
#define IMPACT_STATS_H

#include "stages/common/figures.h"

#include <stdbool.h>
#include <stddef.h>

/* How far, in units of x, stats_linear_crossing looks for the band's crossings beyond the
 * data on either side: the window is [min x - horizon, max x + horizon]. With quarter
 * indices, 400 is a century. */
#define STATS_CROSSING_HORIZON 400.0

/* Wilson score interval for successes/trials at `confidence` (e.g. 0.95), as R's
 * prop.test(successes, trials, conf.level = confidence, correct = FALSE)$conf.int: the bound
 * is exactly 0 when successes == 0 and exactly 1 when successes == trials. Returns false and
 * leaves the outputs untouched when trials <= 0, successes is outside [0, trials] or
 * confidence is outside (0, 1). */
bool stats_wilson_interval(long successes, long trials, double confidence, double *low,
                           double *high);

/* Fills a struct rate: numerator, denominator, and rate + Wilson interval when defined.
 * `defined` is false (rate and bounds 0) when stats_wilson_interval would return false. */
struct rate stats_rate(long numerator, long denominator, double confidence);

/* Two-sided p-value of the pooled two-proportion z-test (R: prop.test(c(x1, x2), c(n1, n2),
 * correct = FALSE)$p.value). Requires n1, n2 > 0 and 0 <= x <= n (returns NaN otherwise);
 * returns 1.0 when the pooled proportion is 0 or 1 (no evidence of a difference; R gives
 * NaN there). */
double stats_two_proportion_p_value(long x1, long n1, long x2, long n2);

/* Two-sided p-value of Fisher's exact test on the 2×2 table [[a, b], [c, d]], summing the
 * probabilities of the tables no more likely than the observed one (R's fisher.test rule,
 * relative tolerance 1e-7; R: fisher.test(matrix(c(a, c, b, d), 2))$p.value). A table with
 * a zero margin has one possible table and p = 1. Counts must be >= 0 and at most
 * UINT_MAX / 4 (GSL's lnchoose takes unsigned int); returns NaN otherwise. */
double stats_fisher_exact_p_value(long a, long b, long c, long d);

/* Compares rate 2 against rate 1 (previous, current): difference x2/n2 - x1/n1, and the
 * z-test, or Fisher's exact test on [[x1, n1 - x1], [x2, n2 - x2]] when an expected cell
 * (row total × column total / grand total) of that table is below 5 — exactly 5 keeps the
 * z-test. `defined` is false (difference 0, test RATE_TEST_NONE, p-value 1) when either
 * denominator is <= 0 or a numerator is outside [0, its denominator]. */
struct rate_change stats_compare_rates(long x1, long n1, long x2, long n2);

/* Least-squares line y = c0 + c1 x through n points (GSL gsl_fit_linear), and where it
 * crosses `target`. x, y and target are in the caller's units (the indicators stage passes
 * quarter indices and cumulative counts); every x-valued output is in the units of x.
 *
 * Returns false, with *reason set to a static string, when n < 2 ("fewer than two points"),
 * every x is equal ("all points at the same x") or the slope is not positive ("flat or
 * falling trend"); *slope is still set in the last case, the other outputs are untouched.
 * On success *reason is NULL, *slope is c1 and *x_cross = (target - c0) / c1, wherever
 * that falls (before the data when the target is already passed, however far ahead when
 * the slope is small).
 *
 * *x_low / *x_high are where the upper / lower bound of the 95 % confidence band of the
 * fitted mean, yhat(x) ± t(0.975, n - 2) se(x) (se from gsl_fit_linear_est), reaches
 * target: the earliest and the latest plausible crossing. *has_band is true only when both
 * exist and lie strictly inside [min x - STATS_CROSSING_HORIZON, max x +
 * STATS_CROSSING_HORIZON]; otherwise it is false and both are NaN. It is always false when
 * n == 2 (no residual variance) or when the slope is not significantly positive (c1 <=
 * t se(c1)): the band's set of x covering the target is then unbounded, so there is no
 * earliest or latest date. When the slope is significant both bounds are increasing in x,
 * so each crossing is unique. */
bool stats_linear_crossing(const double *x, const double *y, size_t n, double target, double *slope,
                           double *x_cross, bool *has_band, double *x_low, double *x_high,
                           const char **reason);

/* Median and quartiles (GSL, type 7 as R's default quantile) of n finite values; sorts
 * `values` in place. Returns false, outputs untouched, when n == 0. */
bool stats_quartiles(double *values, size_t n, double *q1, double *median, double *q3);
/* The same of values already in ascending order (not checked). */
bool stats_quartiles_sorted(const double *sorted, size_t n, double *q1, double *median, double *q3);

#endif
