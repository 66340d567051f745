/* trajectory.c — what the two target charts share (cumulative_target, site_targets): the
 * cumulative count at each quarter end, its line, the target and the deadline rules. */
#include "stages/charts/internal.h"

#include <math.h>

/* ==========================================================================================
 * Trajectories: cumulative distinct beneficiaries at each quarter end (charts 1 and 7).
 */

const struct target_progress *charts_overall(const struct kit_ctx *ctx)
{
    return &ctx->fig->overall;
}

/* Whether any value of a trajectory is withheld; *complementary when one is for that. */
bool charts_trajectory_withheld(const struct target_progress *tp, bool *complementary)
{
    bool any = kit_withheld(tp->withheld);
    *complementary = *complementary || tp->withheld == WITHHELD_COMPLEMENTARY;
    for (size_t i = 0; i < tp->n_quarters; i++) {
        any = any || !kit_point_shown(&tp->quarters[i]);
        *complementary = *complementary || tp->quarters[i].withheld == WITHHELD_COMPLEMENTARY;
    }
    return any;
}

/* Extends [lo, hi] with the quarters of one trajectory. */
void charts_quarters_range(const struct target_progress *tp, double *lo, double *hi)
{
    for (size_t i = 0; i < tp->n_quarters; i++) {
        *lo = fmin(*lo, date_quarter_start(tp->quarters[i].end));
        *hi = fmax(*hi, tp->quarters[i].end);
    }
}

/* "…, T1 2017 – T4 2019": the quarters of the overall trajectory. */
void charts_add_quarter_range(const struct kit_ctx *ctx, struct kit_sbuf *sb)
{
    const struct target_progress *o = charts_overall(ctx);
    if (o->n_quarters == 1)
        kit_sb_add(sb, ", %s", kit_fmt_quarter(ctx, o->last_quarter_end).s);
    else if (o->n_quarters > 1)
        kit_sb_add(sb, ", %s " KIT_EN_DASH " %s", kit_fmt_quarter(ctx, o->quarters[0].end).s,
                   kit_fmt_quarter(ctx, o->last_quarter_end).s);
}

/* A quarter ending after the data stop (in a partial last period) holds the count at the
 * data stop: its point goes there, not at the quarter's end, which would draw it flat. */
bool charts_quarter_incomplete(const struct kit_ctx *ctx, const struct quarter_point *q)
{
    return kit_partial_period(ctx) && ctx->fig->data_last != DAY_NONE &&
           q->end > ctx->fig->data_last;
}

day_t charts_point_day(const struct kit_ctx *ctx, const struct quarter_point *q)
{
    return charts_quarter_incomplete(ctx, q) ? ctx->fig->data_last : q->end;
}

/* The last quarter's day (last_quarter_end, or the data stop when it is incomplete). */
day_t charts_last_point_day(const struct kit_ctx *ctx, const struct target_progress *tp)
{
    return tp->n_quarters ? charts_point_day(ctx, &tp->quarters[tp->n_quarters - 1])
                          : tp->last_quarter_end;
}

/* The line through the shown quarters, broken where a count is withheld. */
void charts_trajectory_path(cairo_t *cr, const struct kit_ctx *ctx, const struct kit_frame *f,
                            const struct target_progress *tp)
{
    bool pen_down = false;
    cairo_new_path(cr);
    for (size_t i = 0; i < tp->n_quarters; i++) {
        const struct quarter_point *q = &tp->quarters[i];
        if (!kit_point_shown(q)) {
            pen_down = false;
            continue;
        }
        double x = kit_frame_x(f, charts_point_day(ctx, q)),
               y = kit_frame_y(f, (double)q->cumulative);
        if (pen_down)
            cairo_line_to(cr, x, y);
        else
            cairo_move_to(cr, x, y);
        pen_down = true;
    }
}

void charts_draw_trajectory(cairo_t *cr, const struct kit_ctx *ctx, const struct kit_frame *f,
                            const struct target_progress *tp, uint32_t colour, bool main_line)
{
    if (tp->n_quarters == 0)
        return;
    cairo_set_line_join(cr, CAIRO_LINE_JOIN_ROUND);
    cairo_set_line_width(cr, kit_px(ctx, main_line ? 4 : 2.5));
    kit_set_colour(cr, colour);
    charts_trajectory_path(cr, ctx, f, tp);
    cairo_stroke(cr);
    double radius = kit_px(ctx, main_line ? 6 : 4);
    for (size_t i = 0; i < tp->n_quarters; i++) {
        const struct quarter_point *q = &tp->quarters[i];
        if (!kit_point_shown(q))
            continue;
        double x = kit_frame_x(f, charts_point_day(ctx, q)),
               y = kit_frame_y(f, (double)q->cumulative);
        kit_draw_dot(cr, x, y, radius, colour);
        if (charts_quarter_incomplete(ctx, q)) { /* hollow: the quarter is not over */
            cairo_arc(cr, x, y, radius * 0.55, 0, 2 * M_PI);
            cairo_set_source_rgb(cr, 1, 1, 1);
            cairo_fill(cr);
        }
    }
}

/* A horizontal dashed line at the target across the plot. */
void charts_draw_target_rule(cairo_t *cr, const struct kit_ctx *ctx, const struct kit_frame *f,
                             long target)
{
    double y = kit_frame_y(f, (double)target), dash = kit_px(ctx, 8);
    kit_set_colour(cr, KIT_INK);
    cairo_set_line_width(cr, kit_px(ctx, 2));
    cairo_set_dash(cr, &dash, 1, 0);
    cairo_move_to(cr, f->left, y);
    cairo_line_to(cr, f->right, y);
    cairo_stroke(cr);
    cairo_set_dash(cr, NULL, 0, 0);
}

/* A vertical line at the deadline when it falls in the plot; returns its x or -1. */
double charts_draw_deadline_rule(cairo_t *cr, const struct kit_ctx *ctx, const struct kit_frame *f)
{
    day_t deadline = ctx->fig->deadline;
    if (deadline == DAY_NONE || deadline < f->x_min || deadline > f->x_max)
        return -1;
    double x = round(kit_frame_x(f, deadline)) + 0.5;
    kit_set_colour(cr, KIT_MUTED);
    cairo_set_line_width(cr, kit_px(ctx, 1.5));
    cairo_move_to(cr, x, f->top);
    cairo_line_to(cr, x, f->bottom);
    cairo_stroke(cr);
    return x;
}

/* The target is met: the day it was, instead of a projection (the day is not a count of
 * persons, so the public figures keep it). */
bool charts_reached_known(const struct target_progress *tp)
{
    return tp->target > 0 && tp->projection.reached_on != DAY_NONE;
}

/* Withheld counts are zero in the public figures, so they never raise the axis. */
double charts_trajectory_max(const struct target_progress *tp)
{
    double max = 0;
    for (size_t i = 0; i < tp->n_quarters; i++)
        max = fmax(max, (double)tp->quarters[i].cumulative);
    return max;
}
