/* internal.h — what the files of the charts stage share: each chart's pair of functions for
 * the table in charts.c (`describe` writes the title, subtitle, footnote and text
 * alternative; `draw` paints on any cairo_t at any size), and the helpers that several charts
 * use. Internal to the charts stage; other stages include stages/charts/charts.h only.
 *
 * Dependencies go one way: the chart files use the kit (stages/common/chart_kit.h), which
 * uses cairo; the kit never calls into this folder.
 */
#ifndef IMPACT_CHARTS_INTERNAL_H
#define IMPACT_CHARTS_INTERNAL_H

#include "stages/charts/charts.h"
#include "stages/common/chart_kit.h"
#include "stages/common/dates.h"
#include "stages/common/figures.h"

#include <cairo.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* ---- The charts, one pair per row of the table in charts.c ---- */

void charts_describe_cumulative(const struct kit_ctx *ctx, struct kit_text *t); /* cumulative.c */
void charts_draw_cumulative(cairo_t *cr, const struct kit_ctx *ctx);
void charts_describe_site_targets(const struct kit_ctx *ctx,
                                  struct kit_text *t); /* site_targets.c */
void charts_draw_site_targets(cairo_t *cr, const struct kit_ctx *ctx);
void charts_describe_by_role(const struct kit_ctx *ctx, struct kit_text *t); /* stacked.c */
void charts_draw_by_role(cairo_t *cr, const struct kit_ctx *ctx);
void charts_describe_by_sex(const struct kit_ctx *ctx, struct kit_text *t);
void charts_draw_by_sex(cairo_t *cr, const struct kit_ctx *ctx);
void charts_describe_outcomes(const struct kit_ctx *ctx, struct kit_text *t); /* rates.c */
void charts_draw_outcomes(cairo_t *cr, const struct kit_ctx *ctx);
void charts_describe_qpv(const struct kit_ctx *ctx, struct kit_text *t); /* qpv.c */
void charts_draw_qpv(cairo_t *cr, const struct kit_ctx *ctx);
void charts_describe_dosage(const struct kit_ctx *ctx, struct kit_text *t); /* dosage.c */
void charts_draw_dosage(cairo_t *cr, const struct kit_ctx *ctx);

/* ---- phrases.c: words several charts share ---- */

/* The footnote's term for the marks of withheld values, by how a chart shows them. */
enum charts_gap_style { CHARTS_GAP_MARK, CHARTS_GAP_LINE };

const char *charts_people(const struct kit_ctx *ctx, long n);
/* "fin 2019" when the day is 31 December, otherwise "au 30 sept. 2019". */
void charts_as_of(const struct kit_ctx *ctx, day_t day, char *out, size_t cap);
/* The same at the start of a sentence: "Fin 2019", "Au 30 sept. 2019", "By the end of 2019". */
void charts_as_of_capital(const struct kit_ctx *ctx, day_t day, char *out, size_t cap);
/* Appends the withheld note when `any`, led by what the reader sees. */
void charts_gap_note(const struct kit_ctx *ctx, bool any, bool complementary,
                     enum charts_gap_style style, struct kit_sbuf *note);

/* ---- trajectory.c: the two target charts' trajectories ---- */

const struct target_progress *charts_overall(const struct kit_ctx *ctx);
/* Whether any value of a trajectory is withheld; *complementary when one is for that. */
bool charts_trajectory_withheld(const struct target_progress *tp, bool *complementary);
/* Extends [lo, hi] with the quarters of one trajectory. */
void charts_quarters_range(const struct target_progress *tp, double *lo, double *hi);
/* "…, T1 2017 – T4 2019": the quarters of the overall trajectory. */
void charts_add_quarter_range(const struct kit_ctx *ctx, struct kit_sbuf *sb);
/* A quarter ending after the data stop (in a partial last period) holds the count at the
 * data stop: its point goes there, not at the quarter's end, which would draw it flat. */
bool charts_quarter_incomplete(const struct kit_ctx *ctx, const struct quarter_point *q);
day_t charts_point_day(const struct kit_ctx *ctx, const struct quarter_point *q);
/* The last quarter's day (last_quarter_end, or the data stop when it is incomplete). */
day_t charts_last_point_day(const struct kit_ctx *ctx, const struct target_progress *tp);
/* The line through the shown quarters, broken where a count is withheld. */
void charts_trajectory_path(cairo_t *cr, const struct kit_ctx *ctx, const struct kit_frame *f,
                            const struct target_progress *tp);
void charts_draw_trajectory(cairo_t *cr, const struct kit_ctx *ctx, const struct kit_frame *f,
                            const struct target_progress *tp, uint32_t colour, bool main_line);
/* A horizontal dashed line at the target across the plot. */
void charts_draw_target_rule(cairo_t *cr, const struct kit_ctx *ctx, const struct kit_frame *f,
                             long target);
/* A vertical line at the deadline when it falls in the plot; returns its x or -1. */
double charts_draw_deadline_rule(cairo_t *cr, const struct kit_ctx *ctx, const struct kit_frame *f);
/* The target is met: the day it was, instead of a projection (the day is not a count of
 * persons, so the public figures keep it). */
bool charts_reached_known(const struct target_progress *tp);
/* Withheld counts are zero in the public figures, so they never raise the axis. */
double charts_trajectory_max(const struct target_progress *tp);

/* ---- rates.c: rates with their intervals (outcome_rates, qpv_share, employment_by_dosage) ---- */

/* Why a rate is not drawn: it is, it has no denominator, or it is withheld. */
enum charts_rate_state { CHARTS_RATE_SHOWN, CHARTS_RATE_NO_DATA, CHARTS_RATE_WITHHELD };

/* Which kinds of gap a chart has, for its footnote. */
struct charts_rate_gaps {
    bool no_data, withheld, complementary;
};

enum charts_rate_state charts_state_of(const struct rate *r, uint8_t flag);
enum charts_rate_state charts_period_rate(const struct period_figures *p, enum rate_kind k);
const char *charts_gap_text(const struct kit_ctx *ctx, enum charts_rate_state s);
/* "(20 sur 50)" — the counts behind a rate. */
void charts_rate_counts(const struct kit_ctx *ctx, const struct rate *r, struct kit_sbuf *sb);
void charts_add_gap(struct charts_rate_gaps *g, enum charts_rate_state s, uint8_t flag);
struct charts_rate_gaps charts_period_gaps(const struct kit_ctx *ctx, const enum rate_kind *kinds,
                                           int n);
/* Interval, "n.d." and withheld notes. */
void charts_rate_note(const struct kit_ctx *ctx, const struct charts_rate_gaps *g,
                      const char *why_fr, const char *why_en, struct kit_sbuf *note);
/* Last period where any of the kinds is shown, or -1. */
long charts_last_shown(const struct kit_ctx *ctx, const enum rate_kind *kinds, int n);
struct kit_axis charts_axis_for_rates(double max_high, double headroom);
struct kit_axis charts_rate_axis(const struct kit_ctx *ctx, const enum rate_kind *kinds, int n,
                                 double headroom);
/* "sur 135 personnes" under a category: who its rate is about. */
void charts_of_total(const struct kit_ctx *ctx, const struct rate *r, const char *one_fr,
                     const char *many_fr, const char *one_en, const char *many_en, char *out,
                     size_t cap);
/* A bar with its interval and its value above, or the gap's mark; for charts 4 and 6. */
void charts_draw_rate_bar(cairo_t *cr, const struct kit_ctx *ctx, const struct kit_frame *f,
                          double x, const struct rate *r, enum charts_rate_state s, uint32_t colour,
                          bool partial);

#endif
