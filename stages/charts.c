/* charts.c — the publication charts (see charts.h): what each chart says and draws, and two
 * backends (PNG, SVG) that give the drawing a surface and save it.
 *
 * Each chart is a pair of functions in `chart_defs`: `describe` writes the title, subtitle,
 * footnote and text alternative from the figures; `draw` paints on any cairo_t, at any size.
 * charts_render() runs every chart through every backend at every size, as cmark's
 * renderers share one loop; charts_draw() lends the same `draw` to the summary sheet.
 * Typography, layout, axes and the shared marks are in charts_kit.c.
 *
 * Withheld values (public figures): a mark that would show one is left out — a gap in a line,
 * a hatched block, "masqué" where a bar or a dot would be — and the texts quote only values
 * that are shown, so each title picks a finding among those.
 */
#include "stages/charts.h"

#include "stages/charts_kit.h"
#include "stages/common/arena.h"

#include <cairo-svg.h>
#include <cairo.h>
#include <math.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define STAGE         "charts"
#define MIN_WIDTH     320 /* the layout needs that much; config.c checks the same range */
#define MIN_HEIGHT    200
#define MAX_DIMENSION 8000

static const char *people(const struct chart_ctx *ctx, long n)
{
    if (ctx->lang == NUMFMT_LANG_EN)
        return n == 1 ? "person reached" : "people reached";
    return n <= 1 ? "personne accompagnée" : "personnes accompagnées";
}

/* "fin 2019" when the day is 31 December, otherwise "au 30 sept. 2019". */
static void as_of(const struct chart_ctx *ctx, day_t day, char *out, size_t cap)
{
    int y, m, d;
    date_to_ymd(day, &y, &m, &d);
    if (m == 12 && d == 31)
        format_text(out, cap, "%s %d", tr(ctx, "fin", "by the end of"), y);
    else
        format_text(out, cap, "%s %s", tr(ctx, "au", "by"), fmt_date(ctx, day).s);
}

/* The same at the start of a sentence: "Fin 2019", "Au 30 sept. 2019", "By the end of 2019". */
static void as_of_capital(const struct chart_ctx *ctx, day_t day, char *out, size_t cap)
{
    as_of(ctx, day, out, cap);
    if (out[0] >= 'a' && out[0] <= 'z')
        out[0] = (char)(out[0] - 'a' + 'A');
}

/* The footnote's term for the marks of withheld values, by how a chart shows them. */
enum gap_style { GAP_MARK, GAP_LINE };

/* Appends the withheld note when `any`, led by what the reader sees. */
static void gap_note(const struct chart_ctx *ctx, bool any, bool complementary,
                     enum gap_style style, struct sbuf *note)
{
    static const char *const fr[] = {"Masqué", "Ligne interrompue"};
    static const char *const en[] = {"Withheld", "Breaks in a line"};
    if (!any)
        return;
    sb_add(note, "%s%s%s", note->len ? " " : "", tr(ctx, fr[style], en[style]), colon(ctx));
    withheld_note(ctx, complementary, note);
}

/* ==========================================================================================
 * Trajectories: cumulative distinct beneficiaries at each quarter end (charts 1 and 7).
 */

static const struct target_progress *overall(const struct chart_ctx *ctx)
{
    return &ctx->fig->overall;
}

static bool point_shown(const struct quarter_point *q)
{
    return !is_withheld(q->withheld);
}

/* Index of the last quarter whose count is shown, or -1. */
static long last_shown_quarter(const struct target_progress *tp)
{
    for (size_t i = tp->n_quarters; i-- > 0;)
        if (point_shown(&tp->quarters[i]))
            return (long)i;
    return -1;
}

/* `reached` (the last quarter's count) and the progress can be quoted. */
static bool reached_shown(const struct target_progress *tp)
{
    return tp->n_quarters > 0 && !is_withheld(tp->withheld) &&
           point_shown(&tp->quarters[tp->n_quarters - 1]);
}

/* Whether any value of a trajectory is withheld; *complementary when one is for that. */
static bool trajectory_withheld(const struct target_progress *tp, bool *complementary)
{
    bool any = is_withheld(tp->withheld);
    *complementary = *complementary || tp->withheld == WITHHELD_COMPLEMENTARY;
    for (size_t i = 0; i < tp->n_quarters; i++) {
        any = any || !point_shown(&tp->quarters[i]);
        *complementary = *complementary || tp->quarters[i].withheld == WITHHELD_COMPLEMENTARY;
    }
    return any;
}

/* Extends [lo, hi] with the quarters of one trajectory. */
static void quarters_range(const struct target_progress *tp, double *lo, double *hi)
{
    for (size_t i = 0; i < tp->n_quarters; i++) {
        *lo = fmin(*lo, date_quarter_start(tp->quarters[i].end));
        *hi = fmax(*hi, tp->quarters[i].end);
    }
}

/* "…, T1 2017 – T4 2019": the quarters of the overall trajectory. */
static void add_quarter_range(const struct chart_ctx *ctx, struct sbuf *sb)
{
    const struct target_progress *o = overall(ctx);
    if (o->n_quarters == 1)
        sb_add(sb, ", %s", fmt_quarter(ctx, o->last_quarter_end).s);
    else if (o->n_quarters > 1)
        sb_add(sb, ", %s " EN_DASH " %s", fmt_quarter(ctx, o->quarters[0].end).s,
               fmt_quarter(ctx, o->last_quarter_end).s);
}

/* A quarter ending after the data stop (in a partial last period) holds the count at the
 * data stop: its point goes there, not at the quarter's end, which would draw it flat. */
static bool quarter_incomplete(const struct chart_ctx *ctx, const struct quarter_point *q)
{
    return partial_period(ctx) && ctx->fig->data_last != DAY_NONE && q->end > ctx->fig->data_last;
}

static day_t point_day(const struct chart_ctx *ctx, const struct quarter_point *q)
{
    return quarter_incomplete(ctx, q) ? ctx->fig->data_last : q->end;
}

/* The last quarter's day (last_quarter_end, or the data stop when it is incomplete). */
static day_t last_point_day(const struct chart_ctx *ctx, const struct target_progress *tp)
{
    return tp->n_quarters ? point_day(ctx, &tp->quarters[tp->n_quarters - 1])
                          : tp->last_quarter_end;
}

/* The line through the shown quarters, broken where a count is withheld. */
static void trajectory_path(cairo_t *cr, const struct chart_ctx *ctx, const struct frame *f,
                            const struct target_progress *tp)
{
    bool pen_down = false;
    cairo_new_path(cr);
    for (size_t i = 0; i < tp->n_quarters; i++) {
        const struct quarter_point *q = &tp->quarters[i];
        if (!point_shown(q)) {
            pen_down = false;
            continue;
        }
        double x = frame_x(f, point_day(ctx, q)), y = frame_y(f, (double)q->cumulative);
        if (pen_down)
            cairo_line_to(cr, x, y);
        else
            cairo_move_to(cr, x, y);
        pen_down = true;
    }
}

static void draw_trajectory(cairo_t *cr, const struct chart_ctx *ctx, const struct frame *f,
                            const struct target_progress *tp, uint32_t colour, bool main_line)
{
    if (tp->n_quarters == 0)
        return;
    cairo_set_line_join(cr, CAIRO_LINE_JOIN_ROUND);
    cairo_set_line_width(cr, px(ctx, main_line ? 4 : 2.5));
    set_colour(cr, colour);
    trajectory_path(cr, ctx, f, tp);
    cairo_stroke(cr);
    double radius = px(ctx, main_line ? 6 : 4);
    for (size_t i = 0; i < tp->n_quarters; i++) {
        const struct quarter_point *q = &tp->quarters[i];
        if (!point_shown(q))
            continue;
        double x = frame_x(f, point_day(ctx, q)), y = frame_y(f, (double)q->cumulative);
        draw_dot(cr, x, y, radius, colour);
        if (quarter_incomplete(ctx, q)) { /* hollow: the quarter is not over */
            cairo_arc(cr, x, y, radius * 0.55, 0, 2 * M_PI);
            cairo_set_source_rgb(cr, 1, 1, 1);
            cairo_fill(cr);
        }
    }
}

/* A horizontal dashed line at the target across the plot. */
static void draw_target_rule(cairo_t *cr, const struct chart_ctx *ctx, const struct frame *f,
                             long target)
{
    double y = frame_y(f, (double)target), dash = px(ctx, 8);
    set_colour(cr, INK);
    cairo_set_line_width(cr, px(ctx, 2));
    cairo_set_dash(cr, &dash, 1, 0);
    cairo_move_to(cr, f->left, y);
    cairo_line_to(cr, f->right, y);
    cairo_stroke(cr);
    cairo_set_dash(cr, NULL, 0, 0);
}

/* A vertical line at the deadline when it falls in the plot; returns its x or -1. */
static double draw_deadline_rule(cairo_t *cr, const struct chart_ctx *ctx, const struct frame *f)
{
    day_t deadline = ctx->fig->deadline;
    if (deadline == DAY_NONE || deadline < f->x_min || deadline > f->x_max)
        return -1;
    double x = round(frame_x(f, deadline)) + 0.5;
    set_colour(cr, MUTED);
    cairo_set_line_width(cr, px(ctx, 1.5));
    cairo_move_to(cr, x, f->top);
    cairo_line_to(cr, x, f->bottom);
    cairo_stroke(cr);
    return x;
}

/* ==========================================================================================
 * Chart 1: cumulative beneficiaries by quarter against the target.
 */

static bool has_target(const struct chart_ctx *ctx)
{
    return overall(ctx)->target > 0;
}

/* Beyond this many sites the sites' lines would share colours and their labels would not
 * fit beside the plot (a national roll-out has hundreds): the chart then shows the overall
 * line alone, and the chart by site (chart 7) shows the sites. */
enum { MAX_SITE_LINES = 5 };

static bool draws_site_lines(const struct chart_ctx *ctx)
{
    return ctx->fig->n_sites <= MAX_SITE_LINES;
}

static bool has_deadline(const struct chart_ctx *ctx)
{
    return ctx->fig->deadline != DAY_NONE && has_target(ctx);
}

/* The projection is drawn only when it lies ahead of the data, the target is not met, and
 * the point it starts from is shown (disclosure withholds a projection fitted on withheld
 * quarters: defined is then false). */
static bool shows_projection(const struct chart_ctx *ctx)
{
    const struct target_progress *o = overall(ctx);
    return has_target(ctx) && o->projection.defined && reached_shown(o) && o->reached < o->target &&
           o->projection.date > o->last_quarter_end;
}

static void cumulative_title(const struct chart_ctx *ctx, struct chart_text *t)
{
    const struct target_progress *o = overall(ctx);
    struct sbuf sb = sb_start(t->title, sizeof t->title);
    long q = last_shown_quarter(o);
    if (o->n_quarters == 0) {
        sb_add(&sb, "%s", tr(ctx, "Aucune présence enregistrée", "No attendance recorded"));
        return;
    }
    if (q < 0) {
        sb_add(&sb, "%s",
               tr(ctx, "Effectifs trop petits pour être publiés", "Counts too small to publish"));
        return;
    }
    const struct quarter_point *pt = &o->quarters[q];
    char when[64];
    as_of(ctx, point_day(ctx, pt), when, sizeof when);
    sb_add(&sb, "%s %s %s", fmt_count(ctx, pt->cumulative).s, people(ctx, pt->cumulative), when);
    if (!reached_shown(o) || !has_target(ctx))
        return;
    if (o->reached >= o->target)
        sb_add(&sb, tr(ctx, NBSP ": objectif de %s atteint", ": the %s target is met"),
               fmt_count(ctx, o->target).s);
    else
        sb_add(&sb, tr(ctx, ", %s de l'objectif", ", %s of the target"),
               fmt_pct(ctx, o->progress, 0).s);
}

static void cumulative_subtitle(const struct chart_ctx *ctx, struct chart_text *t)
{
    struct sbuf sb = sb_start(t->subtitle, sizeof t->subtitle);
    sb_add(&sb, "%s",
           tr(ctx, "Personnes distinctes accompagnées depuis le début, cumul en fin de trimestre",
              "Distinct people reached since the start, cumulative at each quarter end"));
    add_quarter_range(ctx, &sb);
}

/* The target is met: the day it was, instead of a projection (the day is not a count of
 * persons, so the public figures keep it). */
static bool reached_known(const struct target_progress *tp)
{
    return tp->target > 0 && tp->projection.reached_on != DAY_NONE;
}

/* " Objectif atteint le 10 juil. 2019, avant l'échéance." */
static void reached_on_sentence(const struct chart_ctx *ctx, const struct target_progress *tp,
                                struct sbuf *sb)
{
    const struct projection *p = &tp->projection;
    sb_add(sb, tr(ctx, " Objectif atteint le %s", " Target met on %s"),
           fmt_date(ctx, p->reached_on).s);
    if (has_deadline(ctx))
        sb_add(sb, "%s",
               p->reached_on <= ctx->fig->deadline
                   ? tr(ctx, ", avant l'échéance.", ", on time.")
                   : tr(ctx, ", après l'échéance.", ", after the deadline."));
    else
        sb_add(sb, ".");
}

static void cumulative_alt_projection(const struct chart_ctx *ctx, struct sbuf *sb)
{
    const struct projection *p = &overall(ctx)->projection;
    if (reached_known(overall(ctx))) {
        reached_on_sentence(ctx, overall(ctx), sb);
        return;
    }
    if (!shows_projection(ctx))
        return;
    sb_add(sb,
           tr(ctx, " Au rythme des %d derniers trimestres, l'objectif serait atteint le %s",
              " At the pace of the last %d quarters, the target would be reached on %s"),
           p->quarters_used, fmt_date(ctx, p->date).s);
    if (has_deadline(ctx))
        sb_add(sb, "%s",
               p->on_track ? tr(ctx, ", dans les délais.", ", on time.")
                           : tr(ctx, ", après l'échéance.", ", after the deadline."));
    else
        sb_add(sb, ".");
}

/* ": 2 396 au 31 déc. 2019", or ": masqué au 31 déc. 2019 (2 150 au 30 sept. 2019)". */
static void cumulative_alt_reached(const struct chart_ctx *ctx, struct sbuf *sb)
{
    const struct target_progress *o = overall(ctx);
    long q = last_shown_quarter(o);
    if (reached_shown(o)) {
        sb_add(sb, tr(ctx, "%s au %s", "%s on %s"), fmt_count(ctx, o->reached).s,
               fmt_date(ctx, last_point_day(ctx, o)).s);
        return;
    }
    sb_add(sb, tr(ctx, "%s au %s", "%s on %s"), withheld_mark(ctx),
           fmt_date(ctx, last_point_day(ctx, o)).s);
    if (q >= 0)
        sb_add(sb, tr(ctx, " (%s au %s)", " (%s on %s)"),
               fmt_count(ctx, o->quarters[q].cumulative).s,
               fmt_date(ctx, point_day(ctx, &o->quarters[q])).s);
}

static void cumulative_alt_sites(const struct chart_ctx *ctx, struct sbuf *sb)
{
    if (!draws_site_lines(ctx)) {
        sb_add(sb,
               tr(ctx, " %zu sites" NBSP ": voir le graphique par site.",
                  " %zu sites: see the chart by site."),
               ctx->fig->n_sites);
        return;
    }
    for (size_t i = 0; i < ctx->fig->n_sites; i++) {
        const struct target_progress *s = &ctx->fig->sites[i];
        sb_add(sb, "%s%s %s", i == 0 ? tr(ctx, " Par site" NBSP ": ", " By site: ") : ", ",
               ctx->fig->site_names[i],
               reached_shown(s) ? fmt_count(ctx, s->reached).s : withheld_mark(ctx));
    }
    if (ctx->fig->n_sites > 0)
        sb_add(sb, ".");
}

static void cumulative_alt(const struct chart_ctx *ctx, struct chart_text *t)
{
    const struct target_progress *o = overall(ctx);
    struct sbuf sb = sb_start(t->alt, sizeof t->alt);
    if (o->n_quarters == 0) {
        sb_add(&sb, "%s",
               tr(ctx, "Aucune présence enregistrée" NBSP ": la courbe est vide.",
                  "No attendance recorded: the line is empty."));
        return;
    }
    sb_add(&sb,
           tr(ctx, "Cumul des personnes accompagnées de %s à %s" NBSP ": ",
              "Cumulative people reached from %s to %s: "),
           fmt_quarter(ctx, o->quarters[0].end).s, fmt_quarter(ctx, o->last_quarter_end).s);
    cumulative_alt_reached(ctx, &sb);
    if (has_target(ctx) && reached_shown(o))
        sb_add(&sb, tr(ctx, ", soit %s de l'objectif de %s", ", %s of the %s target"),
               fmt_pct(ctx, o->progress, 0).s, fmt_count(ctx, o->target).s);
    else if (has_target(ctx))
        sb_add(&sb, tr(ctx, ", pour un objectif de %s", ", against a %s target"),
               fmt_count(ctx, o->target).s);
    if (has_deadline(ctx))
        sb_add(&sb, tr(ctx, " fixé au %s", " set for %s"), fmt_date(ctx, ctx->fig->deadline).s);
    sb_add(&sb, ".");
    cumulative_alt_projection(ctx, &sb);
    cumulative_alt_sites(ctx, &sb);
}

static void describe_cumulative(const struct chart_ctx *ctx, struct chart_text *t)
{
    cumulative_title(ctx, t);
    cumulative_subtitle(ctx, t);
    cumulative_alt(ctx, t);
    struct sbuf note = sb_start(t->note, sizeof t->note);
    partial_note(ctx, "dernier point creux", "last point hollow", &note);
    if (reached_known(overall(ctx)))
        sb_add(&note,
               tr(ctx, "%sObjectif atteint le %s" NBSP ": pas de projection.",
                  "%sTarget met on %s: no projection."),
               note.len ? " " : "", fmt_date(ctx, overall(ctx)->projection.reached_on).s);
    else if (shows_projection(ctx))
        sb_add(&note,
               tr(ctx, "%sPointillés" NBSP ": projection au rythme des %d derniers trimestres.",
                  "%sDotted line: projection at the pace of the last %d quarters."),
               note.len ? " " : "", overall(ctx)->projection.quarters_used);
    if (!draws_site_lines(ctx))
        sb_add(&note,
               tr(ctx, "%sUne seule courbe pour les %zu sites" NBSP ": voir le graphique par site.",
                  "%sOne line for all %zu sites: see the chart by site."),
               note.len ? " " : "", ctx->fig->n_sites);
    bool complementary = false, any = trajectory_withheld(overall(ctx), &complementary);
    for (size_t i = 0; i < ctx->fig->n_sites && draws_site_lines(ctx); i++)
        any = trajectory_withheld(&ctx->fig->sites[i], &complementary) || any;
    gap_note(ctx, any, complementary, GAP_LINE, &note);
}

/* Time range: every quarter shown, the deadline, and the projected date unless it lies
 * further ahead than a third of the data's span (then the dashed line leaves the plot and
 * its label gives the date). */
static void cumulative_x_range(const struct chart_ctx *ctx, double *lo, double *hi)
{
    *lo = INFINITY;
    *hi = -INFINITY;
    quarters_range(overall(ctx), lo, hi);
    for (size_t i = 0; i < ctx->fig->n_sites; i++)
        quarters_range(&ctx->fig->sites[i], lo, hi);
    double data_end = *hi, span = *hi - *lo;
    if (has_deadline(ctx))
        *hi = fmax(*hi, ctx->fig->deadline);
    if (shows_projection(ctx))
        *hi = fmax(*hi, fmin(overall(ctx)->projection.date, data_end + span * 0.35));
    *hi += (*hi - *lo) * 0.02; /* keep the last dot off the frame */
}

/* Withheld counts are zero in the public figures, so they never raise the axis. */
static double trajectory_max(const struct target_progress *tp)
{
    double max = 0;
    for (size_t i = 0; i < tp->n_quarters; i++)
        max = fmax(max, (double)tp->quarters[i].cumulative);
    return max;
}

static double cumulative_y_max(const struct chart_ctx *ctx)
{
    double max = fmax((double)overall(ctx)->target, trajectory_max(overall(ctx)));
    for (size_t s = 0; s < ctx->fig->n_sites; s++)
        max = fmax(max, trajectory_max(&ctx->fig->sites[s]));
    return max * 1.12; /* room for the target's label above its line */
}

static void draw_target_line(cairo_t *cr, const struct chart_ctx *ctx, const struct frame *f)
{
    if (!has_target(ctx))
        return;
    draw_target_rule(cr, ctx, f, overall(ctx)->target);
    char label[96];
    format_text(label, sizeof label, "%s%s%s", tr(ctx, "Objectif", "Target"), colon(ctx),
                fmt_count(ctx, overall(ctx)->target).s);
    set_font(cr, ctx, FS_LABEL, true);
    text_at(cr, f->left + px(ctx, 8), frame_y(f, (double)overall(ctx)->target) - px(ctx, 9),
            ALIGN_LEFT, label);
}

/* The deadline's line, its label at the top on whichever side has room. */
static void draw_deadline(cairo_t *cr, const struct chart_ctx *ctx, const struct frame *f)
{
    if (!has_deadline(ctx))
        return;
    double x = draw_deadline_rule(cr, ctx, f);
    if (x < 0)
        return;
    char label[96];
    format_text(label, sizeof label, "%s%s%s", tr(ctx, "Échéance", "Deadline"), colon(ctx),
                fmt_date(ctx, ctx->fig->deadline).s);
    set_font(cr, ctx, FS_LABEL, false);
    bool right_side = x + px(ctx, 8) + text_width(cr, label) <= f->right;
    text_boxed(cr, right_side ? x + px(ctx, 8) : x - px(ctx, 8), f->top + px(ctx, 22),
               right_side ? ALIGN_LEFT : ALIGN_RIGHT, label);
}

/* Where the projection's dashed line ends: (projected date, target), or where it leaves the
 * plot on the right when the date lies further ahead. */
static void projection_end(const struct chart_ctx *ctx, const struct frame *f, double *x1,
                           double *v1)
{
    const struct target_progress *o = overall(ctx);
    double x0 = last_point_day(ctx, o), v0 = (double)o->reached;
    *x1 = o->projection.date;
    *v1 = (double)o->target;
    if (*x1 > f->x_max) {
        *v1 = v0 + (*v1 - v0) * (f->x_max - x0) / (*x1 - x0);
        *x1 = f->x_max;
    }
}

/* Dashed line from the last point towards (projected date, target). */
static void draw_projection(cairo_t *cr, const struct chart_ctx *ctx, const struct frame *f)
{
    if (!shows_projection(ctx))
        return;
    const struct target_progress *o = overall(ctx);
    double x0 = last_point_day(ctx, o), v0 = (double)o->reached, x1, v1;
    projection_end(ctx, f, &x1, &v1);
    double dash[] = {px(ctx, 3), px(ctx, 7)};
    set_colour(cr, OI_BLUE);
    cairo_set_line_width(cr, px(ctx, 3));
    cairo_set_line_cap(cr, CAIRO_LINE_CAP_ROUND);
    cairo_set_dash(cr, dash, 2, 0);
    cairo_move_to(cr, frame_x(f, x0), frame_y(f, v0));
    cairo_line_to(cr, frame_x(f, x1), frame_y(f, v1));
    cairo_stroke(cr);
    cairo_set_dash(cr, NULL, 0, 0);
    cairo_set_line_cap(cr, CAIRO_LINE_CAP_BUTT);
}

/* Name and last shown value of a trajectory, for the right of the plot: the label sits at
 * that value's point, so it is the value the reader takes it for. */
static void trajectory_label(cairo_t *cr, const struct chart_ctx *ctx, const char *name,
                             const struct target_progress *tp, double max_w, struct side_label *out)
{
    struct num value = fmt_count(ctx, tp->quarters[last_shown_quarter(tp)].cumulative);
    char fitted[128];
    set_font(cr, ctx, FS_LABEL, out->bold);
    fit_text(cr, name, max_w - text_width(cr, value.s) - px(ctx, 6), fitted, sizeof fitted);
    format_text(out->text, sizeof out->text, "%s %s", fitted, value.s);
}

/* The trajectories that get a line and a label: overall first, then each site with a shown
 * quarter when there are few sites. Returns how many were written to `lines`. */
static size_t labelled_trajectories(const struct chart_ctx *ctx,
                                    const struct target_progress **lines, const char **names,
                                    uint32_t *colours)
{
    size_t n = 0;
    if (last_shown_quarter(overall(ctx)) >= 0) {
        lines[n] = overall(ctx);
        names[n] = tr(ctx, "Ensemble", "All sites");
        colours[n++] = OI_BLUE;
    }
    for (size_t i = 0; i < ctx->fig->n_sites && draws_site_lines(ctx); i++) {
        if (last_shown_quarter(&ctx->fig->sites[i]) < 0)
            continue;
        lines[n] = &ctx->fig->sites[i];
        names[n] = ctx->fig->site_names[i];
        colours[n++] = site_colour(i);
    }
    return n;
}

/* A dotted grey leader from a line's end to its label when the label is not right beside
 * it; grey and dotted so that it does not read as data. */
static void draw_leaders(cairo_t *cr, const struct chart_ctx *ctx, const struct frame *f,
                         const struct side_label *labels, size_t n)
{
    double dots[] = {px(ctx, 1.5), px(ctx, 3)};
    cairo_set_line_width(cr, px(ctx, 1.5));
    cairo_set_dash(cr, dots, 2, 0);
    set_colour(cr, AXIS);
    for (size_t i = 0; i < n; i++) {
        bool beside = f->right - labels[i].anchor_x < px(ctx, 30) &&
                      fabs(labels[i].y - labels[i].want_y) < px(ctx, 3);
        if (labels[i].anchor_x <= 0 || beside)
            continue;
        cairo_move_to(cr, labels[i].anchor_x + px(ctx, 10), labels[i].want_y);
        cairo_line_to(cr, f->right + px(ctx, 2), labels[i].want_y);
        cairo_line_to(cr, f->right + px(ctx, 10), labels[i].y);
        cairo_stroke(cr);
    }
    cairo_set_dash(cr, NULL, 0, 0);
}

/* The trajectories with their labels, kept together while the chart is drawn. labels[n],
 * when n_labels > n, names the projection's end. */
struct trajectories {
    size_t n, n_labels;
    const struct target_progress **lines;
    const char **names;
    uint32_t *colours;
    struct side_label *labels;
};

static struct trajectories trajectories_new(cairo_t *cr, const struct chart_ctx *ctx)
{
    size_t cap = ctx->fig->n_sites + 2;
    struct trajectories t = {0,
                             0,
                             xcalloc(cap, sizeof *t.lines),
                             xcalloc(cap, sizeof *t.names),
                             xcalloc(cap, sizeof *t.colours),
                             xcalloc(cap, sizeof *t.labels)};
    t.n = t.n_labels = labelled_trajectories(ctx, t.lines, t.names, t.colours);
    for (size_t i = 0; i < t.n; i++) {
        t.labels[i] =
            (struct side_label){.colour = t.colours[i], .bold = t.lines[i] == overall(ctx)};
        trajectory_label(cr, ctx, t.names[i], t.lines[i], ctx->width * 0.25, &t.labels[i]);
    }
    if (shows_projection(ctx)) {
        struct side_label *p = &t.labels[t.n_labels++];
        *p = (struct side_label){.colour = OI_BLUE};
        format_text(p->text, sizeof p->text, "%s%s%s", tr(ctx, "Projection", "Projection"),
                    colon(ctx), fmt_date(ctx, overall(ctx)->projection.date).s);
    }
    return t;
}

static void trajectories_free(struct trajectories *t)
{
    free(t->lines);
    free(t->names);
    free(t->colours);
    free(t->labels);
}

static struct frame cumulative_frame(cairo_t *cr, const struct chart_ctx *ctx, double top,
                                     double bottom, double right_room)
{
    struct frame f = {.top = top, .bottom = bottom};
    f.y = nice_axis(cumulative_y_max(ctx), false);
    f.left = px(ctx, 36) + y_labels_width(cr, ctx, &f.y) + px(ctx, 12);
    f.right = ctx->width - px(ctx, 36) - right_room;
    cumulative_x_range(ctx, &f.x_min, &f.x_max);
    return f;
}

/* Sites first and thinner, so the overall line stays on top. */
static void draw_all_trajectories(cairo_t *cr, const struct chart_ctx *ctx, const struct frame *f,
                                  const struct trajectories *t)
{
    for (size_t i = t->n; i-- > 0;)
        if (t->lines[i] != overall(ctx))
            draw_trajectory(cr, ctx, f, t->lines[i], t->colours[i], false);
    draw_projection(cr, ctx, f);
    if (t->n > 0 && t->lines[0] == overall(ctx))
        draw_trajectory(cr, ctx, f, t->lines[0], t->colours[0], true);
}

/* Each label beside the last shown point of its line. */
static void draw_trajectory_labels(cairo_t *cr, const struct chart_ctx *ctx, const struct frame *f,
                                   struct trajectories *t)
{
    for (size_t i = 0; i < t->n; i++) {
        const struct quarter_point *last = &t->lines[i]->quarters[last_shown_quarter(t->lines[i])];
        t->labels[i].want_y = frame_y(f, (double)last->cumulative);
        t->labels[i].anchor_x = frame_x(f, point_day(ctx, last));
    }
    if (t->n_labels > t->n) { /* the dashed line ends at the plot's right edge */
        double x1, v1;
        projection_end(ctx, f, &x1, &v1);
        t->labels[t->n].want_y = frame_y(f, v1);
    }
    spread_labels(t->labels, t->n_labels, px(ctx, 24), f->top + px(ctx, 10),
                  f->bottom - px(ctx, 10));
    draw_leaders(cr, ctx, f, t->labels, t->n_labels);
    draw_side_labels(cr, ctx, t->labels, t->n_labels, f->right + px(ctx, 14));
}

static void draw_cumulative(cairo_t *cr, const struct chart_ctx *ctx)
{
    paint_background(cr, ctx);
    double top = draw_header(cr, ctx), bottom = draw_footer(cr, ctx) - px(ctx, 40);
    if (last_shown_quarter(overall(ctx)) < 0) {
        draw_empty(cr, ctx, top, bottom);
        return;
    }
    struct trajectories t = trajectories_new(cr, ctx);
    struct frame f = cumulative_frame(cr, ctx, top, bottom,
                                      widest_label(cr, ctx, t.labels, t.n_labels) + px(ctx, 14));
    draw_y_axis(cr, ctx, &f);
    draw_year_axis(cr, ctx, &f);
    draw_target_line(cr, ctx, &f);
    draw_deadline(cr, ctx, &f);
    draw_all_trajectories(cr, ctx, &f, &t);
    draw_trajectory_labels(cr, ctx, &f, &t);
    trajectories_free(&t);
}

/* ==========================================================================================
 * Chart 7: each site against its own target, as small multiples.
 */

#define MAX_PANELS 12 /* beyond, the panels would be too small to read: the note says so */

/* The sites drawn, in the figures' order: those with a target, or, when none has one, every
 * site with data (then `targets` is false and no target line is drawn). */
struct panels {
    size_t n, eligible; /* drawn, and how many would have been without the cap */
    size_t site[MAX_PANELS];
    bool targets;
};

static struct panels site_panels(const struct chart_ctx *ctx)
{
    struct panels p = {0};
    for (int pass = 0; pass < 2 && p.eligible == 0; pass++) {
        p.targets = pass == 0;
        for (size_t s = 0; s < ctx->fig->n_sites; s++) {
            const struct target_progress *tp = &ctx->fig->sites[s];
            if (p.targets ? tp->target <= 0 : tp->n_quarters == 0)
                continue;
            if (p.n < MAX_PANELS)
                p.site[p.n++] = s;
            p.eligible++;
        }
    }
    return p;
}

static const struct target_progress *panel_site(const struct chart_ctx *ctx, const struct panels *p,
                                                size_t i)
{
    return &ctx->fig->sites[p->site[i]];
}

/* Last quarter end among the panels, for "fin 2019". */
static day_t panels_end(const struct chart_ctx *ctx, const struct panels *p)
{
    day_t end = DAY_NONE;
    for (size_t i = 0; i < p->n; i++) {
        const struct target_progress *tp = panel_site(ctx, p, i);
        if (tp->n_quarters > 0 && (end == DAY_NONE || last_point_day(ctx, tp) > end))
            end = last_point_day(ctx, tp);
    }
    return end;
}

/* Without targets: the site with the most people reached among those shown. */
static void site_no_target_title(const struct chart_ctx *ctx, const struct panels *p,
                                 struct sbuf *sb)
{
    long best = -1;
    for (size_t i = 0; i < p->n; i++)
        if (reached_shown(panel_site(ctx, p, i)) &&
            (best < 0 ||
             panel_site(ctx, p, i)->reached > panel_site(ctx, p, (size_t)best)->reached))
            best = (long)i;
    if (best < 0) {
        sb_add(sb, "%s",
               tr(ctx, "Effectifs par site trop petits pour être publiés",
                  "Counts by site too small to publish"));
        return;
    }
    const struct target_progress *tp = panel_site(ctx, p, (size_t)best);
    char when[64];
    as_of(ctx, last_point_day(ctx, tp), when, sizeof when);
    sb_add(sb,
           tr(ctx, "%s compte le plus de personnes accompagnées" NBSP ": %s %s",
              "%s has reached the most people: %s %s"),
           ctx->fig->site_names[p->site[best]], fmt_count(ctx, tp->reached).s, when);
}

/* Progress of the sites whose count is shown: how many met their target, the lowest and the
 * highest progress, and the one site when there is one. */
struct site_progress {
    size_t shown, met;
    double low, high;
    long only; /* panel index when shown == 1 */
};

static struct site_progress site_progress(const struct chart_ctx *ctx, const struct panels *p)
{
    struct site_progress sp = {0, 0, INFINITY, -INFINITY, -1};
    for (size_t i = 0; i < p->n; i++) {
        const struct target_progress *tp = panel_site(ctx, p, i);
        if (!reached_shown(tp))
            continue;
        sp.shown++;
        sp.met += tp->reached >= tp->target;
        sp.low = fmin(sp.low, tp->progress);
        sp.high = fmax(sp.high, tp->progress);
        sp.only = (long)i;
    }
    return sp;
}

/* Titles without a progress to state: no site, no target, or every count withheld. */
static bool site_title_without_progress(const struct chart_ctx *ctx, const struct panels *p,
                                        const struct site_progress *sp, struct sbuf *sb)
{
    if (p->n == 0)
        sb_add(sb, "%s", tr(ctx, "Aucun site à représenter", "No site to show"));
    else if (!p->targets)
        site_no_target_title(ctx, p, sb);
    else if (sp->shown == 0)
        sb_add(sb, "%s",
               tr(ctx, "Effectifs par site trop petits pour être publiés",
                  "Counts by site too small to publish"));
    return sb->len > 0;
}

/* How many sites met their target, or the range of their progress. */
static void site_targets_title(const struct chart_ctx *ctx, const struct panels *p,
                               struct chart_text *t)
{
    struct sbuf sb = sb_start(t->title, sizeof t->title);
    struct site_progress sp = site_progress(ctx, p);
    if (site_title_without_progress(ctx, p, &sp, &sb))
        return;
    char when[64], When[64];
    as_of(ctx, panels_end(ctx, p), when, sizeof when);
    as_of_capital(ctx, panels_end(ctx, p), When, sizeof When);
    if (sp.shown == 1 && sp.met == 1)
        sb_add(&sb, tr(ctx, "%s a atteint son objectif %s", "%s had met its target %s"),
               ctx->fig->site_names[p->site[sp.only]], when);
    else if (sp.shown == 1)
        sb_add(&sb,
               tr(ctx, "%s a atteint %s de son objectif %s", "%s had reached %s of its target %s"),
               ctx->fig->site_names[p->site[sp.only]], fmt_pct(ctx, sp.high, 0).s, when);
    else if (sp.met == p->n)
        sb_add(&sb,
               tr(ctx, "Les %zu sites ont atteint leur objectif %s",
                  "All %zu sites had met their target %s"),
               p->n, when);
    else if (sp.met == 1 && sp.shown == p->n)
        sb_add(&sb,
               tr(ctx, "1 site sur %zu a atteint son objectif %s",
                  "1 of %zu sites had met its target %s"),
               p->n, when);
    else if (sp.met > 0 && sp.shown == p->n)
        sb_add(&sb,
               tr(ctx, "%zu sites sur %zu ont atteint leur objectif %s",
                  "%zu of %zu sites had met their target %s"),
               sp.met, p->n, when);
    else
        sb_add(&sb,
               tr(ctx, "%s, les sites ont atteint entre %s et %s de leur objectif",
                  "%s, the sites had reached between %s and %s of their targets"),
               When, fmt_pct(ctx, sp.low, 0).s, fmt_pct(ctx, sp.high, 0).s);
}

static void site_targets_subtitle(const struct chart_ctx *ctx, const struct panels *p,
                                  struct chart_text *t)
{
    struct sbuf sb = sb_start(t->subtitle, sizeof t->subtitle);
    sb_add(&sb, "%s",
           p->targets ? tr(ctx,
                           "Personnes distinctes accompagnées depuis le début, par site, face à "
                           "l'objectif du site",
                           "Distinct people reached since the start, by site, against the "
                           "site's target")
                      : tr(ctx, "Personnes distinctes accompagnées depuis le début, par site",
                           "Distinct people reached since the start, by site"));
    add_quarter_range(ctx, &sb);
}

/* "1 104 sur 1 200 (92 %)", "masqué (objectif 600)", "1 104" without a target. */
static void panel_status(const struct chart_ctx *ctx, const struct target_progress *tp,
                         bool targets, char *out, size_t cap)
{
    struct sbuf sb = sb_start(out, cap);
    if (!reached_shown(tp) && targets)
        sb_add(&sb, tr(ctx, "%s (objectif %s)", "%s (target %s)"), withheld_mark(ctx),
               fmt_count(ctx, tp->target).s);
    else if (!reached_shown(tp))
        sb_add(&sb, "%s",
               tp->n_quarters ? withheld_mark(ctx) : tr(ctx, "aucune présence", "no attendance"));
    else if (targets)
        sb_add(&sb, tr(ctx, "%s sur %s (%s)", "%s of %s (%s)"), fmt_count(ctx, tp->reached).s,
               fmt_count(ctx, tp->target).s, fmt_pct(ctx, tp->progress, 0).s);
    else
        sb_add(&sb, "%s", fmt_count(ctx, tp->reached).s);
}

static void site_targets_alt(const struct chart_ctx *ctx, const struct panels *p,
                             struct chart_text *t)
{
    struct sbuf sb = sb_start(t->alt, sizeof t->alt);
    if (p->n == 0) {
        sb_add(&sb, "%s", tr(ctx, "Aucun site à représenter.", "No site to show."));
        return;
    }
    sb_add(&sb, "%s",
           p->targets ? tr(ctx, "Un graphique par site, avec son objectif.",
                           "One small chart per site, with its target.")
                      : tr(ctx, "Un graphique par site, sans objectif fixé.",
                           "One small chart per site, no target set."));
    for (size_t i = 0; i < p->n; i++) {
        char status[128];
        const struct target_progress *tp = panel_site(ctx, p, i);
        panel_status(ctx, tp, p->targets, status, sizeof status);
        sb_add(&sb, "%s%s%s%s", i == 0 ? " " : semicolon(ctx), ctx->fig->site_names[p->site[i]],
               colon(ctx), status);
        if (reached_known(tp))
            sb_add(&sb, tr(ctx, ", objectif atteint le %s", ", target met on %s"),
                   fmt_date(ctx, tp->projection.reached_on).s);
    }
    sb_add(&sb, ".");
}

/* Which sites are left out, and why; the deadline line; withheld values. */
static void site_targets_note(const struct chart_ctx *ctx, const struct panels *p,
                              struct chart_text *t)
{
    struct sbuf note = sb_start(t->note, sizeof t->note);
    if (p->n > 0)
        partial_note(ctx, "dernier point creux", "last point hollow", &note);
    if (!p->targets && p->n > 0)
        sb_add(&note, "%s",
               tr(ctx, "Aucun objectif par site n'est fixé" NBSP ": trajectoires sans objectif.",
                  "No site has a target: trajectories only."));
    size_t without = ctx->fig->n_sites - p->eligible;
    if (p->targets && without > 0)
        sb_add(&note,
               tr(ctx, "%s%zu site%s sans objectif non représenté%s.",
                  "%s%zu site%s without a target not shown."),
               note.len ? " " : "", without, without > 1 ? "s" : "",
               ctx->lang == NUMFMT_LANG_FR && without > 1 ? "s" : "");
    if (p->eligible > p->n)
        sb_add(&note, tr(ctx, "%sLes %zu premiers sites sur %zu.", "%sThe first %zu of %zu sites."),
               note.len ? " " : "", p->n, p->eligible);
    if (ctx->fig->deadline != DAY_NONE && p->targets)
        sb_add(
            &note,
            tr(ctx, "%sTrait vertical" NBSP ": échéance du %s.", "%sVertical line: deadline, %s."),
            note.len ? " " : "", fmt_date(ctx, ctx->fig->deadline).s);
    bool complementary = false, any = false;
    for (size_t i = 0; i < p->n; i++)
        any = trajectory_withheld(panel_site(ctx, p, i), &complementary) || any;
    gap_note(ctx, any, complementary, GAP_LINE, &note);
}

static void describe_site_targets(const struct chart_ctx *ctx, struct chart_text *t)
{
    struct panels p = site_panels(ctx);
    site_targets_title(ctx, &p, t);
    site_targets_subtitle(ctx, &p, t);
    site_targets_alt(ctx, &p, t);
    site_targets_note(ctx, &p, t);
}

/* Columns of the grid: one row up to three panels, then rows of two to four. */
static size_t panel_columns(size_t n)
{
    return n <= 3 ? n : n == 4 ? 2 : n <= 6 ? 3 : 4;
}

/* A panel's area on the page. */
struct box {
    double x, y, w, h;
};

/* The time range shared by every panel, so that their x axes line up. */
static void panels_x_range(const struct chart_ctx *ctx, const struct panels *p, double *lo,
                           double *hi)
{
    *lo = INFINITY;
    *hi = -INFINITY;
    for (size_t i = 0; i < p->n; i++)
        quarters_range(panel_site(ctx, p, i), lo, hi);
    if (!isfinite(*lo))
        quarters_range(overall(ctx), lo, hi);
    if (ctx->fig->deadline != DAY_NONE && p->targets && isfinite(*hi))
        *hi = fmax(*hi, ctx->fig->deadline);
    *hi += (*hi - *lo) * 0.03;
}

/* The site's name in its colour, and its status line under it; returns the y below. */
static double draw_panel_head(cairo_t *cr, const struct chart_ctx *ctx, const struct panels *p,
                              size_t i, const struct box *b)
{
    char text[LINE_MAX_BYTES];
    set_font(cr, ctx, FS_LABEL, true);
    set_colour(cr, text_tone(site_colour(p->site[i])));
    fit_text(cr, ctx->fig->site_names[p->site[i]], b->w, text, sizeof text);
    text_at(cr, b->x, b->y + px(ctx, 18), ALIGN_LEFT, text);
    panel_status(ctx, panel_site(ctx, p, i), p->targets, text, sizeof text);
    set_font(cr, ctx, FS_SMALL, false);
    set_colour(cr, INK);
    fit_text(cr, text, b->w, text, sizeof text);
    text_at(cr, b->x, b->y + px(ctx, 40), ALIGN_LEFT, text);
    return b->y + px(ctx, 58);
}

/* Fewer gridlines when a small panel would crowd its tick labels. */
static struct axis panel_axis(double max, double plot_h, const struct chart_ctx *ctx)
{
    struct axis a = nice_axis(max, false);
    while (a.top / a.step > 2 && plot_h / (a.top / a.step) < px(ctx, 34)) {
        a.step *= 2;
        a.top = ceil(max / a.step - 1e-9) * a.step;
    }
    return a;
}

static void draw_panel_target(cairo_t *cr, const struct chart_ctx *ctx, const struct frame *f,
                              long target)
{
    draw_target_rule(cr, ctx, f, target);
    set_font(cr, ctx, FS_SMALL, false);
    set_colour(cr, INK);
    text_boxed(cr, f->left + px(ctx, 6), frame_y(f, (double)target) - px(ctx, 11), ALIGN_LEFT,
               tr(ctx, "Objectif", "Target"));
}

static void draw_panel(cairo_t *cr, const struct chart_ctx *ctx, const struct panels *p, size_t i,
                       const struct box *b, double x_min, double x_max)
{
    const struct target_progress *tp = panel_site(ctx, p, i);
    struct frame f = {.top = draw_panel_head(cr, ctx, p, i, b) + px(ctx, 10),
                      .bottom = b->y + b->h - px(ctx, 40),
                      .x_min = x_min,
                      .x_max = x_max};
    double max = fmax(p->targets ? (double)tp->target : 0, trajectory_max(tp)) * 1.08;
    f.y = panel_axis(max, f.bottom - f.top, ctx);
    f.left = b->x + y_labels_width(cr, ctx, &f.y) + px(ctx, 10);
    f.right = b->x + b->w - px(ctx, 6);
    draw_y_axis(cr, ctx, &f);
    draw_year_axis(cr, ctx, &f);
    if (p->targets) {
        draw_deadline_rule(cr, ctx, &f);
        draw_panel_target(cr, ctx, &f, tp->target);
    }
    draw_trajectory(cr, ctx, &f, tp, site_colour(p->site[i]), false);
}

static void draw_site_targets(cairo_t *cr, const struct chart_ctx *ctx)
{
    paint_background(cr, ctx);
    double top = draw_header(cr, ctx) + px(ctx, 4), bottom = draw_footer(cr, ctx) - px(ctx, 2);
    struct panels p = site_panels(ctx);
    if (p.n == 0) {
        draw_empty(cr, ctx, top, bottom);
        return;
    }
    size_t cols = panel_columns(p.n), rows = (p.n + cols - 1) / cols;
    double gap_x = px(ctx, 44), gap_y = px(ctx, 16), left = px(ctx, 36);
    double w = (ctx->width - 2 * left - (double)(cols - 1) * gap_x) / (double)cols;
    double h = (bottom - top - (double)(rows - 1) * gap_y) / (double)rows;
    double x_min, x_max;
    panels_x_range(ctx, &p, &x_min, &x_max);
    for (size_t i = 0; i < p.n; i++) {
        struct box b = {left + (double)(i % cols) * (w + gap_x),
                        top + (double)(i / cols) * (h + gap_y), w, h};
        draw_panel(cr, ctx, &p, i, &b, x_min, x_max);
    }
}

/* ==========================================================================================
 * Stacked bars of beneficiaries per period, by role (chart 2) or by sex (chart 5).
 *
 * A withheld block is not drawn at its size: when the bar's total is shown, what the shown
 * blocks leave of it is one hatched block (its size is total − shown, which the reader can
 * work out anyway); when the total is withheld too, the bar stops at the shown blocks and
 * "masqué" stands where the total would.
 */

#define STACK_MAX 3
_Static_assert(ROLE_COUNT <= STACK_MAX && SEX_COUNT <= STACK_MAX, "a stack has at most 3 blocks");

/* What differs between the role and the sex charts. */
struct stack_def {
    int n;
    const uint32_t *colours;
    const char *const (*names_fr)[STACK_MAX]; /* [capital][category] */
    const char *const (*names_en)[STACK_MAX];
    const char *const *colour_fr, *const *colour_en; /* "En gris" for the footnote */
    long (*value)(const struct period_figures *p, int k);
    uint8_t (*flag)(const struct period_figures *p, int k);
    const char *subtitle_fr, *subtitle_en, *alt_fr, *alt_en;
};

static const char *stack_name(const struct chart_ctx *ctx, const struct stack_def *d, int k,
                              bool capital)
{
    return ctx->lang == NUMFMT_LANG_EN ? d->names_en[capital][k] : d->names_fr[capital][k];
}

static bool block_withheld(const struct stack_def *d, const struct period_figures *p, int k)
{
    return is_withheld(d->flag(p, k));
}

/* A block's drawn size: 0 when withheld or impossible. */
static long block_value(const struct stack_def *d, const struct period_figures *p, int k)
{
    long v = d->value(p, k);
    return block_withheld(d, p, k) || v < 0 ? 0 : v;
}

static bool total_shown(const struct period_figures *p)
{
    return !is_withheld(p->withheld.counts[COUNT_BENEFICIARIES]);
}

static bool any_block_withheld(const struct stack_def *d, const struct period_figures *p)
{
    for (int k = 0; k < d->n; k++)
        if (block_withheld(d, p, k))
            return true;
    return false;
}

static long shown_sum(const struct stack_def *d, const struct period_figures *p)
{
    long sum = 0;
    for (int k = 0; k < d->n; k++)
        sum += block_value(d, p, k);
    return sum;
}

/* The hatched block: what the shown blocks leave of a shown total. */
static long hidden_rest(const struct stack_def *d, const struct period_figures *p)
{
    if (!total_shown(p) || !any_block_withheld(d, p))
        return 0;
    long rest = p->counts[COUNT_BENEFICIARIES] - shown_sum(d, p);
    return rest > 0 ? rest : 0;
}

static long stack_height(const struct stack_def *d, const struct period_figures *p)
{
    long sum = shown_sum(d, p) + hidden_rest(d, p);
    long total = total_shown(p) ? p->counts[COUNT_BENEFICIARIES] : 0;
    return sum > total ? sum : total;
}

/* Whether the chart shows a withheld value, as hatching and/or as "masqué". */
struct stack_gaps {
    bool hatch, mark, complementary;
};

static struct stack_gaps stack_gaps(const struct chart_ctx *ctx, const struct stack_def *d)
{
    struct stack_gaps g = {0};
    for (size_t i = 0; i < ctx->fig->n_periods; i++) {
        const struct period_figures *p = &ctx->fig->periods[i];
        g.hatch = g.hatch || hidden_rest(d, p) > 0;
        g.mark = g.mark || !total_shown(p) || (any_block_withheld(d, p) && hidden_rest(d, p) == 0);
        g.complementary =
            g.complementary || p->withheld.counts[COUNT_BENEFICIARIES] == WITHHELD_COMPLEMENTARY;
        for (int k = 0; k < d->n; k++)
            g.complementary = g.complementary || d->flag(p, k) == WITHHELD_COMPLEMENTARY;
    }
    return g;
}

/* ", en hausse de 15 % par rapport à 2018" when the change is shown. */
static void change_phrase(const struct chart_ctx *ctx, size_t i, struct sbuf *sb)
{
    const struct period_figures *p = &ctx->fig->periods[i];
    const struct count_change *c = &p->count_changes[COUNT_BENEFICIARIES];
    /* a partial period against a whole one is no finding to put in a title */
    if (i == 0 || !p->has_previous || !c->relative_defined || p->changes_partial ||
        is_withheld(p->withheld.count_changes[COUNT_BENEFICIARIES]))
        return;
    const char *prev = ctx->fig->periods[i - 1].label;
    if (fabs(c->relative) < 0.005)
        sb_add(sb, tr(ctx, ", stable par rapport à %s", ", unchanged from %s"), prev);
    else if (c->relative > 0)
        sb_add(sb, tr(ctx, ", en hausse de %s par rapport à %s", ", up %s on %s"),
               fmt_pct(ctx, c->relative, 0).s, prev);
    else
        sb_add(sb, tr(ctx, ", en baisse de %s par rapport à %s", ", down %s on %s"),
               fmt_pct(ctx, -c->relative, 0).s, prev);
}

/* A period wholly after the data stop: it has no data yet, its 0 is no finding. */
static bool before_data(const struct period_figures *p)
{
    return p->partial && p->data_until != DAY_NONE && p->data_until < p->start;
}

/* Last period whose total is shown, or -1 (a period with no data yet is passed over). */
static long last_total_shown(const struct chart_ctx *ctx)
{
    for (size_t i = ctx->fig->n_periods; i-- > 0;)
        if (total_shown(&ctx->fig->periods[i]) && !before_data(&ctx->fig->periods[i]))
            return (long)i;
    return -1;
}

/* "1 050 personnes accompagnées en 2019, en hausse de 15 % par rapport à 2018". */
static void total_title(const struct chart_ctx *ctx, struct sbuf *sb)
{
    long i = last_total_shown(ctx);
    if (ctx->fig->n_periods == 0) {
        sb_add(sb, "%s", tr(ctx, "Aucune présence enregistrée", "No attendance recorded"));
        return;
    }
    if (i < 0) {
        sb_add(sb, "%s",
               tr(ctx, "Effectifs trop petits pour être publiés", "Counts too small to publish"));
        return;
    }
    long n = ctx->fig->periods[i].counts[COUNT_BENEFICIARIES];
    sb_add(sb, "%s %s %s %s", fmt_count(ctx, n).s, people(ctx, n), tr(ctx, "en", "in"),
           period_name(ctx, &ctx->fig->periods[i]).s);
    change_phrase(ctx, (size_t)i, sb);
}

/* " 2019 : 1 050 (jeunes 840, parents masqué, rôle non renseigné masqué)". */
static void stack_alt_period(const struct chart_ctx *ctx, const struct stack_def *d, size_t i,
                             struct sbuf *sb)
{
    const struct period_figures *p = &ctx->fig->periods[i];
    sb_add(sb, "%s%s%s%s", i == 0 ? " " : semicolon(ctx), period_name(ctx, p).s, colon(ctx),
           total_shown(p) ? fmt_count(ctx, p->counts[COUNT_BENEFICIARIES]).s : withheld_mark(ctx));
    const char *sep = " (";
    for (int k = 0; k < d->n; k++) {
        if (!block_withheld(d, p, k) && block_value(d, p, k) == 0)
            continue;
        sb_add(sb, "%s%s %s", sep, stack_name(ctx, d, k, false),
               block_withheld(d, p, k) ? withheld_mark(ctx) : fmt_count(ctx, d->value(p, k)).s);
        sep = ", ";
    }
    sb_add(sb, "%s", sep[0] == ',' ? ")" : "");
}

static void stack_alt(const struct chart_ctx *ctx, const struct stack_def *d, struct chart_text *t)
{
    struct sbuf sb = sb_start(t->alt, sizeof t->alt);
    if (ctx->fig->n_periods == 0) {
        sb_add(&sb, "%s",
               tr(ctx, "Aucune présence enregistrée" NBSP ": pas de barre.",
                  "No attendance recorded: no bars."));
        return;
    }
    sb_add(&sb, "%s", tr(ctx, d->alt_fr, d->alt_en));
    for (size_t i = 0; i < ctx->fig->n_periods; i++)
        stack_alt_period(ctx, d, i, &sb);
    sb_add(&sb, ".");
}

/* "Hachures (parents, rôle non renseigné) et « masqué » : valeur masquée (…)." — the
 * categories withheld in some hatched bar, and the "masqué" written over a bar. */
static void stack_gap_note(const struct chart_ctx *ctx, const struct stack_def *d,
                           const struct stack_gaps *g, struct sbuf *sb)
{
    if (!g->hatch && !g->mark)
        return;
    sb_add(sb, "%s", sb->len ? " " : "");
    if (g->hatch) {
        sb_add(sb, "%s", tr(ctx, "Hachures (", "Hatching ("));
        const char *sep = "";
        for (int k = 0; k < d->n; k++) {
            bool hatched = false;
            for (size_t i = 0; i < ctx->fig->n_periods; i++) {
                const struct period_figures *p = &ctx->fig->periods[i];
                hatched = hatched || (block_withheld(d, p, k) && hidden_rest(d, p) > 0);
            }
            if (hatched)
                sb_add(sb, "%s%s", sep, stack_name(ctx, d, k, false));
            sep = hatched ? ", " : sep;
        }
        sb_add(sb, ")%s", g->mark ? tr(ctx, " et ", " and ") : "");
    }
    if (g->mark)
        sb_add(sb, "%s",
               g->hatch ? tr(ctx, "\xC2\xAB" NBSP "masqué" NBSP "\xC2\xBB", "\"withheld\"")
                        : tr(ctx, "Masqué", "Withheld"));
    sb_add(sb, "%s", colon(ctx));
    withheld_note(ctx, g->complementary, sb);
}

/* "En gris : rôle non renseigné." for each category drawn in earlier bars but absent from
 * the last one, which therefore has no label beside it; then the withheld values. */
static void stack_note(const struct chart_ctx *ctx, const struct stack_def *d, struct chart_text *t)
{
    const struct period_figures *last = &ctx->fig->periods[ctx->fig->n_periods - 1];
    struct sbuf sb = sb_start(t->note, sizeof t->note);
    for (int k = 0; k < d->n; k++) {
        bool earlier = false;
        for (size_t i = 0; i + 1 < ctx->fig->n_periods; i++)
            earlier = earlier || block_value(d, &ctx->fig->periods[i], k) > 0;
        if (earlier && block_value(d, last, k) == 0)
            sb_add(&sb, "%s%s%s%s.", sb.len ? " " : "", tr(ctx, d->colour_fr[k], d->colour_en[k]),
                   colon(ctx), stack_name(ctx, d, k, false));
    }
    partial_note(ctx, "barre plus claire", "lighter bar", &sb);
    struct stack_gaps g = stack_gaps(ctx, d);
    stack_gap_note(ctx, d, &g, &sb);
}

static void describe_stack(const struct chart_ctx *ctx, const struct stack_def *d,
                           struct chart_text *t)
{
    subtitle_with_range(ctx, t, tr(ctx, d->subtitle_fr, d->subtitle_en));
    stack_alt(ctx, d, t);
    if (ctx->fig->n_periods > 0)
        stack_note(ctx, d, t);
}

/* A dashed outline around a partial period's bar: lighter and open-looking, a bar that is
 * not yet full. */
static void draw_partial_outline(cairo_t *cr, const struct chart_ctx *ctx, double x, double y,
                                 double w, double h)
{
    double dash[2] = {px(ctx, 6), px(ctx, 4)};
    cairo_save(cr);
    set_colour(cr, MUTED);
    cairo_set_line_width(cr, px(ctx, 1.5));
    cairo_set_dash(cr, dash, 2, 0);
    cairo_rectangle(cr, x, y, w, h);
    cairo_stroke(cr);
    cairo_restore(cr);
}

/* A diagonal hatch in a rectangle, for the withheld rest of a bar. */
static void draw_hatched(cairo_t *cr, const struct chart_ctx *ctx, double x, double y, double w,
                         double h)
{
    cairo_save(cr);
    cairo_rectangle(cr, x, y, w, h);
    cairo_clip(cr);
    set_colour(cr, 0xF2F2F2);
    cairo_paint(cr);
    set_colour(cr, AXIS);
    cairo_set_line_width(cr, px(ctx, 1.5));
    for (double d = -h; d < w; d += px(ctx, 9)) {
        cairo_move_to(cr, x + d, y + h);
        cairo_line_to(cr, x + d + h, y);
    }
    cairo_stroke(cr);
    cairo_restore(cr);
}

/* One block of a stacked bar with its value inside when it fits; colour 0 is the hatched
 * rest, labelled "masqué". */
static void draw_block(cairo_t *cr, const struct chart_ctx *ctx, const struct frame *f, double x,
                       double bw, long base, long value, const uint32_t *colour)
{
    double y_top = frame_y(f, (double)(base + value)), y_bottom = frame_y(f, (double)base);
    if (colour) {
        set_colour(cr, *colour);
        cairo_rectangle(cr, x - bw / 2, y_top, bw, y_bottom - y_top);
        cairo_fill(cr);
    } else {
        draw_hatched(cr, ctx, x - bw / 2, y_top, bw, y_bottom - y_top);
    }
    cairo_set_source_rgb(cr, 1, 1, 1); /* a hairline between blocks */
    cairo_set_line_width(cr, px(ctx, 1.5));
    cairo_move_to(cr, x - bw / 2, y_top);
    cairo_line_to(cr, x + bw / 2, y_top);
    cairo_stroke(cr);
    struct num text = fmt_count(ctx, value);
    if (!colour)
        format_text(text.s, sizeof text.s, "%s", withheld_mark(ctx));
    set_font(cr, ctx, FS_TICK, false);
    if (y_bottom - y_top < px(ctx, 24) || text_width(cr, text.s) > bw - px(ctx, 8))
        return;
    set_colour(cr, colour ? text_on(*colour) : INK);
    if (!colour)
        text_boxed(cr, x, (y_top + y_bottom) / 2 + px(ctx, 6), ALIGN_CENTER, text.s);
    else
        text_mid(cr, x, (y_top + y_bottom) / 2, ALIGN_CENTER, text.s);
}

static void draw_stack(cairo_t *cr, const struct chart_ctx *ctx, const struct stack_def *d,
                       const struct frame *f, size_t i)
{
    const struct period_figures *p = &ctx->fig->periods[i];
    double x = frame_x(f, i + 0.5), bw = bar_width(ctx, f);
    long base = 0;
    for (int k = 0; k < d->n; k++) {
        long v = block_value(d, p, k);
        if (v == 0)
            continue; /* a zero block would only leave a stray hairline */
        uint32_t colour = p->partial ? partial_tone(d->colours[k]) : d->colours[k];
        draw_block(cr, ctx, f, x, bw, base, v, &colour);
        base += v;
    }
    if (hidden_rest(d, p) > 0)
        draw_block(cr, ctx, f, x, bw, base, hidden_rest(d, p), NULL);
    if (p->partial && stack_height(d, p) > 0)
        draw_partial_outline(cr, ctx, x - bw / 2, frame_y(f, (double)stack_height(d, p)), bw,
                             f->bottom - frame_y(f, (double)stack_height(d, p)));
    double y = frame_y(f, (double)stack_height(d, p)) - px(ctx, 9);
    if (total_shown(p)) {
        set_colour(cr, INK);
        set_font(cr, ctx, FS_LABEL, true);
        text_at(cr, x, y, ALIGN_CENTER, fmt_count(ctx, p->counts[COUNT_BENEFICIARIES]).s);
    } else {
        set_colour(cr, MUTED);
        set_font(cr, ctx, FS_SMALL, false);
        text_at(cr, x, y, ALIGN_CENTER, withheld_mark(ctx));
    }
}

/* Category labels beside the blocks of the last bar, the hatched rest as "Masqué"; returns
 * how many. (Categories missing from the last bar are named in the footnote.) */
static size_t stack_labels(const struct chart_ctx *ctx, const struct stack_def *d,
                           const struct frame *f, struct side_label *labels)
{
    const struct period_figures *p = &ctx->fig->periods[ctx->fig->n_periods - 1];
    size_t n = 0;
    long base = 0;
    for (int k = 0; k < d->n; k++) {
        long v = block_value(d, p, k);
        if (v == 0)
            continue;
        labels[n] = (struct side_label){.colour = d->colours[k]};
        labels[n].want_y = frame_y(f, base + v / 2.0);
        format_text(labels[n++].text, sizeof labels[0].text, "%s", stack_name(ctx, d, k, true));
        base += v;
    }
    long rest = hidden_rest(d, p);
    if (rest > 0) {
        labels[n] = (struct side_label){.colour = MUTED};
        labels[n].want_y = frame_y(f, base + rest / 2.0);
        format_text(labels[n++].text, sizeof labels[0].text, "%s", tr(ctx, "Masqué", "Withheld"));
    }
    return n;
}

/* Room kept right of the plot for the labels: what the last bar's half gap lacks. */
static double stack_label_room(cairo_t *cr, const struct chart_ctx *ctx, const struct stack_def *d,
                               const struct axis *y)
{
    struct side_label labels[STACK_MAX + 1];
    size_t n_periods = ctx->fig->n_periods;
    struct frame f = category_frame(cr, ctx, 0, 1, *y, n_periods, 0);
    size_t n = stack_labels(ctx, d, &f, labels);
    double need = widest_label(cr, ctx, labels, n) + px(ctx, 12), room = 0;
    for (int pass = 0; pass < 3; pass++) { /* the gap shrinks as the room grows */
        f = category_frame(cr, ctx, 0, 1, *y, n_periods, room);
        double gap = ((f.right - f.left) / (f.x_max - f.x_min) - bar_width(ctx, &f)) / 2;
        room = fmax(0, need - gap);
    }
    return room;
}

static void draw_stacks(cairo_t *cr, const struct chart_ctx *ctx, const struct stack_def *d)
{
    paint_background(cr, ctx);
    double top = draw_header(cr, ctx) + px(ctx, 10), bottom = draw_footer(cr, ctx) - px(ctx, 40);
    if (ctx->fig->n_periods == 0) {
        draw_empty(cr, ctx, top, bottom);
        return;
    }
    double max = 0;
    for (size_t i = 0; i < ctx->fig->n_periods; i++)
        max = fmax(max, (double)stack_height(d, &ctx->fig->periods[i]));
    struct axis y = nice_axis(max * 1.08, false);
    struct frame f = category_frame(cr, ctx, top, bottom, y, ctx->fig->n_periods,
                                    stack_label_room(cr, ctx, d, &y));
    draw_y_axis(cr, ctx, &f);
    draw_category_axis(cr, ctx, &f, ctx->fig->n_periods, period_category);
    for (size_t i = 0; i < ctx->fig->n_periods; i++)
        draw_stack(cr, ctx, d, &f, i);
    struct side_label labels[STACK_MAX + 1];
    size_t n = stack_labels(ctx, d, &f, labels);
    spread_labels(labels, n, px(ctx, 24), f.top, f.bottom - px(ctx, 10));
    double x = frame_x(&f, f.x_max - 0.5) + bar_width(ctx, &f) / 2 + px(ctx, 12);
    draw_side_labels(cr, ctx, labels, n, x);
}

/* ---- Chart 2: by role ---- */

static long role_value(const struct period_figures *p, int k)
{
    return p->by_role[k];
}

static uint8_t role_flag(const struct period_figures *p, int k)
{
    return p->withheld.by_role[k];
}

static const uint32_t ROLE_COLOURS[ROLE_COUNT] = {OI_BLUE, OI_ORANGE, UNKNOWN_GREY};
static const char *const ROLE_FR[2][STACK_MAX] = {{"jeunes", "parents", "rôle non renseigné"},
                                                  {"Jeunes", "Parents", "Rôle non renseigné"}};
static const char *const ROLE_EN[2][STACK_MAX] = {{"young people", "parents", "role not recorded"},
                                                  {"Young people", "Parents", "Role not recorded"}};
static const char *const ROLE_COLOUR_FR[ROLE_COUNT] = {"En bleu", "En orange", "En gris"};
static const char *const ROLE_COLOUR_EN[ROLE_COUNT] = {"Blue", "Orange", "Grey"};

static const struct stack_def BY_ROLE = {
    ROLE_COUNT,
    ROLE_COLOURS,
    ROLE_FR,
    ROLE_EN,
    ROLE_COLOUR_FR,
    ROLE_COLOUR_EN,
    role_value,
    role_flag,
    "Personnes distinctes présentes au moins une fois dans l'année, par rôle",
    "Distinct people present at least once in the year, by role",
    "Barres empilées par rôle, une par année.",
    "Stacked bars by role, one per year.",
};

static void describe_by_role(const struct chart_ctx *ctx, struct chart_text *t)
{
    struct sbuf sb = sb_start(t->title, sizeof t->title);
    total_title(ctx, &sb);
    describe_stack(ctx, &BY_ROLE, t);
}

static void draw_by_role(cairo_t *cr, const struct chart_ctx *ctx)
{
    draw_stacks(cr, ctx, &BY_ROLE);
}

/* ---- Chart 5: by sex ---- */

static long sex_value(const struct period_figures *p, int k)
{
    return p->by_sex[k];
}

static uint8_t sex_flag(const struct period_figures *p, int k)
{
    return p->withheld.by_sex[k];
}

/* Vermillion and sky blue: apart for every colour vision, and no pink-and-blue cliché. */
static const uint32_t SEX_COLOURS[SEX_COUNT] = {OI_VERMILLION, OI_SKY, UNKNOWN_GREY};
static const char *const SEX_FR[2][STACK_MAX] = {{"femmes", "hommes", "sexe non renseigné"},
                                                 {"Femmes", "Hommes", "Sexe non renseigné"}};
static const char *const SEX_EN[2][STACK_MAX] = {{"female", "male", "sex not recorded"},
                                                 {"Female", "Male", "Sex not recorded"}};
static const char *const SEX_COLOUR_FR[SEX_COUNT] = {"En vermillon", "En bleu ciel", "En gris"};
static const char *const SEX_COLOUR_EN[SEX_COUNT] = {"Vermilion", "Sky blue", "Grey"};

static const struct stack_def BY_SEX = {
    SEX_COUNT,
    SEX_COLOURS,
    SEX_FR,
    SEX_EN,
    SEX_COLOUR_FR,
    SEX_COLOUR_EN,
    sex_value,
    sex_flag,
    "Personnes distinctes présentes au moins une fois dans l'année, par sexe",
    "Distinct people present at least once in the year, by sex",
    "Barres empilées par sexe, une par année.",
    "Stacked bars by sex, one per year.",
};

static bool share_shown(const struct period_figures *p)
{
    return p->rates[RATE_SHARE_GIRLS].defined && !is_withheld(p->withheld.rates[RATE_SHARE_GIRLS]);
}

/* "En 2019, 46,2 % des personnes accompagnées sont des femmes", with "dont le sexe est
 * connu" when some are not; when no share is shown, the count of women. */
static bool share_title(const struct chart_ctx *ctx, size_t i, struct sbuf *sb)
{
    const struct period_figures *p = &ctx->fig->periods[i];
    if (!share_shown(p))
        return false;
    bool unknown = p->by_sex[SEX_UNKNOWN] > 0 || is_withheld(p->withheld.by_sex[SEX_UNKNOWN]);
    sb_add(sb,
           tr(ctx, "En %s, %s des personnes accompagnées%s sont des femmes",
              "In %s, %s of the people reached%s were female"),
           period_name(ctx, p).s, fmt_pct(ctx, p->rates[RATE_SHARE_GIRLS].rate, 1).s,
           unknown ? tr(ctx, " dont le sexe est connu", " whose sex is recorded") : "");
    return true;
}

/* "En 2019, 546 des 1 050 personnes accompagnées sont des femmes". */
static bool women_title(const struct chart_ctx *ctx, size_t i, struct sbuf *sb)
{
    const struct period_figures *p = &ctx->fig->periods[i];
    if (block_withheld(&BY_SEX, p, SEX_F) || p->by_sex[SEX_F] <= 0)
        return false;
    if (total_shown(p))
        sb_add(sb,
               tr(ctx, "En %s, %s des %s personnes accompagnées sont des femmes",
                  "In %s, %s of the %s people reached were female"),
               period_name(ctx, p).s, fmt_count(ctx, p->by_sex[SEX_F]).s,
               fmt_count(ctx, p->counts[COUNT_BENEFICIARIES]).s);
    else
        sb_add(
            sb,
            tr(ctx, "En %s, %s femmes accompagnées", "In %s, %s of the people reached were female"),
            period_name(ctx, p).s, fmt_count(ctx, p->by_sex[SEX_F]).s);
    return true;
}

static void by_sex_title(const struct chart_ctx *ctx, struct chart_text *t)
{
    struct sbuf sb = sb_start(t->title, sizeof t->title);
    for (size_t i = ctx->fig->n_periods; i-- > 0;)
        if (share_title(ctx, i, &sb))
            return;
    for (size_t i = ctx->fig->n_periods; i-- > 0;)
        if (women_title(ctx, i, &sb))
            return;
    total_title(ctx, &sb);
}

static void describe_by_sex(const struct chart_ctx *ctx, struct chart_text *t)
{
    by_sex_title(ctx, t);
    describe_stack(ctx, &BY_SEX, t);
}

static void draw_by_sex(cairo_t *cr, const struct chart_ctx *ctx)
{
    draw_stacks(cr, ctx, &BY_SEX);
}

/* ==========================================================================================
 * Rates with their Wilson intervals (charts 3, 4 and 6).
 */

/* Why a rate is not drawn: it is, it has no denominator, or it is withheld. */
enum rate_state { RATE_SHOWN, RATE_NO_DATA, RATE_WITHHELD };

static enum rate_state state_of(const struct rate *r, uint8_t flag)
{
    if (is_withheld(flag))
        return RATE_WITHHELD;
    return r->defined ? RATE_SHOWN : RATE_NO_DATA;
}

static enum rate_state period_rate(const struct period_figures *p, enum rate_kind k)
{
    return state_of(&p->rates[k], p->withheld.rates[k]);
}

static const char *gap_text(const struct chart_ctx *ctx, enum rate_state s)
{
    return s == RATE_WITHHELD ? withheld_mark(ctx) : tr(ctx, "n.d.", "no data");
}

/* "(20 sur 50)" — the counts behind a rate. */
static void rate_counts(const struct chart_ctx *ctx, const struct rate *r, struct sbuf *sb)
{
    sb_add(sb, tr(ctx, " (%s sur %s)", " (%s of %s)"), fmt_count(ctx, r->numerator).s,
           fmt_count(ctx, r->denominator).s);
}

/* Which gaps the chart shows, for its footnote. */
struct rate_gaps {
    bool no_data, withheld, complementary;
};

static void add_gap(struct rate_gaps *g, enum rate_state s, uint8_t flag)
{
    g->no_data = g->no_data || s == RATE_NO_DATA;
    g->withheld = g->withheld || s == RATE_WITHHELD;
    g->complementary = g->complementary || flag == WITHHELD_COMPLEMENTARY;
}

static struct rate_gaps period_gaps(const struct chart_ctx *ctx, const enum rate_kind *kinds, int n)
{
    struct rate_gaps g = {0};
    for (size_t i = 0; i < ctx->fig->n_periods; i++)
        for (int k = 0; k < n; k++)
            add_gap(&g, period_rate(&ctx->fig->periods[i], kinds[k]),
                    ctx->fig->periods[i].withheld.rates[kinds[k]]);
    return g;
}

/* Interval, "n.d." and withheld notes. */
static void rate_note(const struct chart_ctx *ctx, const struct rate_gaps *g, const char *why_fr,
                      const char *why_en, struct sbuf *note)
{
    interval_note(ctx, note);
    if (g->no_data)
        sb_add(note, " %s%s%s.", tr(ctx, "n.d.", "No data"), colon(ctx), tr(ctx, why_fr, why_en));
    gap_note(ctx, g->withheld, g->complementary, GAP_MARK, note);
}

/* Last period where any of the kinds is shown, or -1. */
static long last_shown(const struct chart_ctx *ctx, const enum rate_kind *kinds, int n)
{
    for (size_t i = ctx->fig->n_periods; i-- > 0;)
        for (int k = 0; k < n; k++)
            if (period_rate(&ctx->fig->periods[i], kinds[k]) == RATE_SHOWN)
                return (long)i;
    return -1;
}

static struct axis axis_for_rates(double max_high, double headroom)
{
    return nice_axis(max_high > 0 ? fmin(1, max_high * headroom) : 1, true);
}

static struct axis rate_axis(const struct chart_ctx *ctx, const enum rate_kind *kinds, int n,
                             double headroom)
{
    double max = 0;
    for (size_t i = 0; i < ctx->fig->n_periods; i++)
        for (int k = 0; k < n; k++)
            if (period_rate(&ctx->fig->periods[i], kinds[k]) == RATE_SHOWN)
                max = fmax(max, ctx->fig->periods[i].rates[kinds[k]].ci_high);
    return axis_for_rates(max, headroom);
}

/* "sur 135 personnes" under a category: who its rate is about. */
static void of_total(const struct chart_ctx *ctx, const struct rate *r, const char *one_fr,
                     const char *many_fr, const char *one_en, const char *many_en, char *out,
                     size_t cap)
{
    format_text(out, cap, tr(ctx, "sur %s %s", "of %s %s"), fmt_count(ctx, r->denominator).s,
                r->denominator > 1 ? tr(ctx, many_fr, many_en) : tr(ctx, one_fr, one_en));
}

/* A bar with its interval and its value above, or the gap's mark; for charts 4 and 6. */
static void draw_rate_bar(cairo_t *cr, const struct chart_ctx *ctx, const struct frame *f, double x,
                          const struct rate *r, enum rate_state s, uint32_t colour, bool partial)
{
    double bw = bar_width(ctx, f);
    if (s != RATE_SHOWN) {
        draw_gap_mark(cr, ctx, f, x, gap_text(ctx, s));
        return;
    }
    set_colour(cr, colour);
    cairo_rectangle(cr, x - bw / 2, frame_y(f, r->rate), bw, f->bottom - frame_y(f, r->rate));
    cairo_fill(cr);
    if (partial)
        draw_partial_outline(cr, ctx, x - bw / 2, frame_y(f, r->rate), bw,
                             f->bottom - frame_y(f, r->rate));
    draw_whisker(cr, ctx, x, frame_y(f, r->ci_low), frame_y(f, r->ci_high), INK);
    set_colour(cr, INK);
    set_font(cr, ctx, FS_LABEL, true);
    text_boxed(cr, x, frame_y(f, r->ci_high) - px(ctx, 10), ALIGN_CENTER,
               fmt_pct(ctx, r->rate, 1).s);
}

/* ---- Chart 3: employment and positive-outcome rates ---- */

static const enum rate_kind OUTCOME_KINDS[2] = {RATE_EMPLOYMENT, RATE_POSITIVE_OUTCOME};
static const uint32_t OUTCOME_COLOURS[2] = {OI_BLUE, OI_VERMILLION};

static const char *outcome_name(const struct chart_ctx *ctx, int k, bool key)
{
    if (k == 0)
        return key ? tr(ctx, "Emploi", "Employment") : tr(ctx, "emploi", "employment");
    return key ? tr(ctx, "Sortie positive (emploi, formation ou études)",
                    "Positive outcome (employment, training or education)")
               : tr(ctx, "sortie positive", "positive outcome");
}

static void outcomes_title(const struct chart_ctx *ctx, struct chart_text *t)
{
    struct sbuf sb = sb_start(t->title, sizeof t->title);
    long i = last_shown(ctx, OUTCOME_KINDS, 2);
    if (i < 0 && period_gaps(ctx, OUTCOME_KINDS, 2).withheld) {
        sb_add(&sb, "%s",
               tr(ctx, "Taux d'emploi et de sortie positive masqués (effectifs trop petits)",
                  "Employment and positive-outcome rates withheld (counts too small)"));
        return;
    }
    if (i < 0) {
        sb_add(&sb, "%s",
               tr(ctx, "Pas encore de situation connue pour les personnes suivies",
                  "No known outcome yet for the people followed up"));
        return;
    }
    const struct period_figures *p = &ctx->fig->periods[i];
    bool emp = period_rate(p, RATE_EMPLOYMENT) == RATE_SHOWN;
    bool pos = period_rate(p, RATE_POSITIVE_OUTCOME) == RATE_SHOWN;
    sb_add(&sb, tr(ctx, "En %s, ", "In %s, "), period_name(ctx, p).s);
    if (emp)
        sb_add(&sb,
               tr(ctx, "%s des personnes suivies sont en emploi",
                  "%s of the people followed up were in employment"),
               fmt_pct(ctx, p->rates[RATE_EMPLOYMENT].rate, 1).s);
    if (emp && pos)
        sb_add(&sb, tr(ctx, ", %s en sortie positive", ", %s in a positive outcome"),
               fmt_pct(ctx, p->rates[RATE_POSITIVE_OUTCOME].rate, 1).s);
    else if (pos)
        sb_add(&sb,
               tr(ctx, "%s des personnes suivies sont en sortie positive",
                  "%s of the people followed up were in a positive outcome"),
               fmt_pct(ctx, p->rates[RATE_POSITIVE_OUTCOME].rate, 1).s);
}

static void outcomes_alt(const struct chart_ctx *ctx, struct chart_text *t)
{
    struct sbuf sb = sb_start(t->alt, sizeof t->alt);
    sb_add(&sb,
           tr(ctx, "Taux par année, avec intervalle de confiance à %s.",
              "Rates by year, with %s confidence intervals."),
           fmt_pct(ctx, confidence(ctx), 0).s);
    for (size_t i = 0; i < ctx->fig->n_periods; i++) {
        const struct period_figures *p = &ctx->fig->periods[i];
        sb_add(&sb, "%s%s%s", i == 0 ? " " : semicolon(ctx), period_name(ctx, p).s, colon(ctx));
        for (int k = 0; k < 2; k++) {
            const struct rate *r = &p->rates[OUTCOME_KINDS[k]];
            enum rate_state s = period_rate(p, OUTCOME_KINDS[k]);
            sb_add(&sb, "%s%s %s", k ? ", " : "", outcome_name(ctx, k, false),
                   s == RATE_SHOWN ? fmt_pct(ctx, r->rate, 1).s : gap_text(ctx, s));
            if (s == RATE_SHOWN)
                rate_counts(ctx, r, &sb);
        }
    }
    sb_add(&sb, "%s", ctx->fig->n_periods ? "." : tr(ctx, " Aucune année.", " No years."));
}

static void describe_outcomes(const struct chart_ctx *ctx, struct chart_text *t)
{
    subtitle_with_range(ctx, t,
                        tr(ctx, "Part des personnes suivies, selon leur dernière situation connue",
                           "Share of the people followed up, by their latest known situation"));
    outcomes_title(ctx, t);
    outcomes_alt(ctx, t);
    struct sbuf note = sb_start(t->note, sizeof t->note);
    struct rate_gaps g = period_gaps(ctx, OUTCOME_KINDS, 2);
    partial_note(ctx, "points plus clairs", "lighter dots", &note);
    if (ctx->fig->n_periods > 0)
        rate_note(ctx, &g, "aucune situation connue cette année-là", "no known situation that year",
                  &note);
}

/* The period, and "sur 135 personnes" from a rate that is shown. */
static void outcome_category(const struct chart_ctx *ctx, size_t i, char *label, char *sublabel,
                             size_t cap)
{
    const struct period_figures *p = &ctx->fig->periods[i];
    format_text(label, cap, "%s", period_name(ctx, p).s);
    sublabel[0] = '\0';
    for (int k = 0; k < 2; k++)
        if (period_rate(p, OUTCOME_KINDS[k]) == RATE_SHOWN) {
            of_total(ctx, &p->rates[OUTCOME_KINDS[k]], "personne", "personnes", "person", "people",
                     sublabel, cap);
            return;
        }
}

/* Colour key above the plot: a dot and the series name for each series. */
static double draw_outcome_key(cairo_t *cr, const struct chart_ctx *ctx, double top)
{
    double x = px(ctx, 36), y = top + px(ctx, 6);
    set_font(cr, ctx, FS_LABEL, false);
    for (int k = 0; k < 2; k++) {
        draw_dot(cr, x + px(ctx, 7), y, px(ctx, 7), OUTCOME_COLOURS[k]);
        set_font(cr, ctx, FS_LABEL, false);
        set_colour(cr, INK);
        text_mid(cr, x + px(ctx, 20), y, ALIGN_LEFT, outcome_name(ctx, k, true));
        x += px(ctx, 20) + text_width(cr, outcome_name(ctx, k, true)) + px(ctx, 32);
    }
    return y + px(ctx, 44);
}

/* A rate as a dot on its interval, its value on the side away from its neighbour. */
static void draw_rate_dot(cairo_t *cr, const struct chart_ctx *ctx, const struct frame *f, double x,
                          const struct rate *r, uint32_t colour, enum align side, bool with_label)
{
    draw_whisker(cr, ctx, x, frame_y(f, r->ci_low), frame_y(f, r->ci_high), colour);
    draw_dot(cr, x, frame_y(f, r->rate), px(ctx, 7), colour);
    if (!with_label)
        return;
    set_font(cr, ctx, FS_LABEL, true);
    set_colour(cr, text_tone(colour));
    double dx = side == ALIGN_RIGHT ? -px(ctx, 14) : px(ctx, 14);
    text_mid(cr, x + dx, frame_y(f, r->rate), side, fmt_pct(ctx, r->rate, 1).s);
}

/* Both series of a period; one mark in the middle when neither is drawn for one reason. */
static void draw_outcome_period(cairo_t *cr, const struct chart_ctx *ctx, const struct frame *f,
                                size_t i, bool with_labels)
{
    const struct period_figures *p = &ctx->fig->periods[i];
    double band = (f->right - f->left) / (f->x_max - f->x_min), centre = frame_x(f, i + 0.5);
    double offset = fmin(band * 0.12, px(ctx, 40));
    enum rate_state s[2] = {period_rate(p, OUTCOME_KINDS[0]), period_rate(p, OUTCOME_KINDS[1])};
    if (s[0] != RATE_SHOWN && s[0] == s[1]) {
        draw_gap_mark(cr, ctx, f, centre, gap_text(ctx, s[0]));
        return;
    }
    for (int k = 0; k < 2; k++) {
        double x = centre + (k ? offset : -offset);
        uint32_t colour = p->partial ? partial_tone(OUTCOME_COLOURS[k]) : OUTCOME_COLOURS[k];
        if (s[k] == RATE_SHOWN)
            draw_rate_dot(cr, ctx, f, x, &p->rates[OUTCOME_KINDS[k]], colour,
                          k ? ALIGN_LEFT : ALIGN_RIGHT, with_labels);
        else
            draw_gap_mark(cr, ctx, f, x, gap_text(ctx, s[k]));
    }
}

/* Value labels only when each band has room for two of them beside the dots. */
static bool outcome_labels_fit(cairo_t *cr, const struct chart_ctx *ctx, const struct frame *f)
{
    double band = (f->right - f->left) / (f->x_max - f->x_min);
    set_font(cr, ctx, FS_LABEL, true);
    double label = text_width(cr, fmt_pct(ctx, 1.0, 1).s);
    return band >= 2 * (fmin(band * 0.12, px(ctx, 40)) + px(ctx, 14) + label) + px(ctx, 12);
}

static void draw_outcomes(cairo_t *cr, const struct chart_ctx *ctx)
{
    paint_background(cr, ctx);
    double top = draw_header(cr, ctx), bottom = draw_footer(cr, ctx) - px(ctx, 62);
    if (ctx->fig->n_periods == 0) {
        draw_empty(cr, ctx, top, bottom);
        return;
    }
    top = draw_outcome_key(cr, ctx, top);
    struct frame f = category_frame(cr, ctx, top, bottom, rate_axis(ctx, OUTCOME_KINDS, 2, 1.05),
                                    ctx->fig->n_periods, 0);
    draw_y_axis(cr, ctx, &f);
    draw_category_axis(cr, ctx, &f, ctx->fig->n_periods, outcome_category);
    bool labels = outcome_labels_fit(cr, ctx, &f);
    for (size_t i = 0; i < ctx->fig->n_periods; i++)
        draw_outcome_period(cr, ctx, &f, i, labels);
}

/* ---- Chart 4: share of sessions held in a QPV ---- */

static const enum rate_kind QPV_KIND[1] = {RATE_QPV_SHARE};

static void qpv_title(const struct chart_ctx *ctx, struct chart_text *t)
{
    long i = last_shown(ctx, QPV_KIND, 1);
    if (i < 0 && period_gaps(ctx, QPV_KIND, 1).withheld) {
        format_text(t->title, sizeof t->title, "%s",
                    tr(ctx, "Part des séances en quartier prioritaire masquée",
                       "Share of sessions in priority neighbourhoods withheld"));
        return;
    }
    if (i < 0) {
        format_text(t->title, sizeof t->title, "%s",
                    tr(ctx, "Lieu des séances non renseigné", "Session locations not recorded"));
        return;
    }
    const struct period_figures *p = &ctx->fig->periods[i];
    format_text(t->title, sizeof t->title,
                tr(ctx, "En %s, %s des séances ont eu lieu en quartier prioritaire",
                   "In %s, %s of sessions took place in a priority neighbourhood"),
                period_name(ctx, p).s, fmt_pct(ctx, p->rates[RATE_QPV_SHARE].rate, 1).s);
}

static void qpv_alt(const struct chart_ctx *ctx, struct chart_text *t)
{
    struct sbuf sb = sb_start(t->alt, sizeof t->alt);
    sb_add(&sb,
           tr(ctx, "Une barre par année, avec intervalle de confiance à %s.",
              "One bar per year, with %s confidence intervals."),
           fmt_pct(ctx, confidence(ctx), 0).s);
    for (size_t i = 0; i < ctx->fig->n_periods; i++) {
        const struct period_figures *p = &ctx->fig->periods[i];
        const struct rate *r = &p->rates[RATE_QPV_SHARE];
        enum rate_state s = period_rate(p, RATE_QPV_SHARE);
        sb_add(&sb, "%s%s%s%s", i == 0 ? " " : semicolon(ctx), period_name(ctx, p).s, colon(ctx),
               s == RATE_SHOWN ? fmt_pct(ctx, r->rate, 1).s : gap_text(ctx, s));
        if (s == RATE_SHOWN)
            sb_add(&sb, tr(ctx, " (%s séances sur %s)", " (%s of %s sessions)"),
                   fmt_count(ctx, r->numerator).s, fmt_count(ctx, r->denominator).s);
    }
    sb_add(&sb, "%s", ctx->fig->n_periods ? "." : tr(ctx, " Aucune année.", " No years."));
}

static void describe_qpv(const struct chart_ctx *ctx, struct chart_text *t)
{
    subtitle_with_range(ctx, t,
                        tr(ctx,
                           "Part des séances tenues en quartier prioritaire (QPV) parmi "
                           "celles dont le lieu est connu",
                           "Share of sessions held in a priority neighbourhood (QPV) among those "
                           "with a known location"));
    qpv_title(ctx, t);
    qpv_alt(ctx, t);
    struct sbuf note = sb_start(t->note, sizeof t->note);
    struct rate_gaps g = period_gaps(ctx, QPV_KIND, 1);
    partial_note(ctx, "barre plus claire", "lighter bar", &note);
    if (ctx->fig->n_periods > 0)
        rate_note(ctx, &g, "lieu des séances non renseigné cette année-là",
                  "session locations not recorded that year", &note);
}

static void qpv_category(const struct chart_ctx *ctx, size_t i, char *label, char *sublabel,
                         size_t cap)
{
    const struct period_figures *p = &ctx->fig->periods[i];
    format_text(label, cap, "%s", period_name(ctx, p).s);
    sublabel[0] = '\0';
    if (period_rate(p, RATE_QPV_SHARE) == RATE_SHOWN)
        of_total(ctx, &p->rates[RATE_QPV_SHARE], "séance", "séances", "session", "sessions",
                 sublabel, cap);
}

static void draw_qpv(cairo_t *cr, const struct chart_ctx *ctx)
{
    paint_background(cr, ctx);
    double top = draw_header(cr, ctx) + px(ctx, 16), bottom = draw_footer(cr, ctx) - px(ctx, 62);
    if (ctx->fig->n_periods == 0) {
        draw_empty(cr, ctx, top, bottom);
        return;
    }
    struct frame f = category_frame(cr, ctx, top, bottom, rate_axis(ctx, QPV_KIND, 1, 1.1),
                                    ctx->fig->n_periods, 0);
    draw_y_axis(cr, ctx, &f);
    draw_category_axis(cr, ctx, &f, ctx->fig->n_periods, qpv_category);
    for (size_t i = 0; i < ctx->fig->n_periods; i++) {
        const struct period_figures *p = &ctx->fig->periods[i];
        draw_rate_bar(cr, ctx, &f, frame_x(&f, i + 0.5), &p->rates[RATE_QPV_SHARE],
                      period_rate(p, RATE_QPV_SHARE),
                      p->partial ? partial_tone(OI_GREEN) : OI_GREEN, p->partial);
    }
}

/* ---- Chart 6: employment rate by dosage band, in the last period with data ---- */

static enum rate_state band_rate(const struct period_figures *p, size_t b)
{
    return state_of(&p->employment_by_band[b], p->withheld.employment_by_band[b]);
}

/* The last period with a band's rate shown, or -1. */
static long dosage_period(const struct chart_ctx *ctx)
{
    for (size_t i = ctx->fig->n_periods; i-- > 0;)
        for (size_t b = 0; b < ctx->fig->n_bands; b++)
            if (band_rate(&ctx->fig->periods[i], b) == RATE_SHOWN)
                return (long)i;
    return -1;
}

/* "1 séance", "2 à 4 séances", "5 séances ou plus" / "1 session", "2–4 sessions", … */
static void band_name(const struct chart_ctx *ctx, size_t b, char *out, size_t cap)
{
    const struct dosage_band *band = &ctx->fig->bands[b];
    const char *unit = band->max == 1 || (band->max == 0 && band->min == 1)
                           ? tr(ctx, "séance", "session")
                           : tr(ctx, "séances", "sessions");
    if (band->max == band->min)
        format_text(out, cap, "%d %s", band->min, unit);
    else if (band->max == 0)
        format_text(out, cap, tr(ctx, "%d %s ou plus", "%d or more %s"), band->min,
                    tr(ctx, band->min > 1 ? "séances" : "séance", "sessions"));
    else
        format_text(out, cap, tr(ctx, "%d à %d %s", "%d" EN_DASH "%d %s"), band->min, band->max,
                    unit);
}

static void dosage_title(const struct chart_ctx *ctx, struct chart_text *t)
{
    struct sbuf sb = sb_start(t->title, sizeof t->title);
    long i = dosage_period(ctx);
    if (i < 0) {
        sb_add(&sb, "%s",
               tr(ctx, "Taux d'emploi selon le nombre de séances" NBSP ": aucune donnée publiable",
                  "Employment rate by number of sessions: no data to show"));
        return;
    }
    const struct period_figures *p = &ctx->fig->periods[i];
    long lo = -1, hi = -1;
    for (size_t b = 0; b < ctx->fig->n_bands; b++)
        if (band_rate(p, b) == RATE_SHOWN) {
            lo = lo < 0 ? (long)b : lo;
            hi = (long)b;
        }
    char name[96];
    band_name(ctx, (size_t)hi, name, sizeof name);
    sb_add(&sb,
           tr(ctx, "En %s, %s des personnes ayant suivi %s sont en emploi",
              "In %s, %s of the people who attended %s were in employment"),
           period_name(ctx, p).s, fmt_pct(ctx, p->employment_by_band[hi].rate, 1).s, name);
    if (lo == hi)
        return;
    band_name(ctx, (size_t)lo, name, sizeof name);
    sb_add(&sb, tr(ctx, ", contre %s pour %s", ", against %s for %s"),
           fmt_pct(ctx, p->employment_by_band[lo].rate, 1).s, name);
}

static void dosage_alt(const struct chart_ctx *ctx, long i, struct chart_text *t)
{
    struct sbuf sb = sb_start(t->alt, sizeof t->alt);
    if (i < 0) {
        sb_add(&sb, "%s",
               tr(ctx, "Aucun taux d'emploi par nombre de séances à représenter.",
                  "No employment rate by number of sessions to show."));
        return;
    }
    const struct period_figures *p = &ctx->fig->periods[i];
    sb_add(&sb,
           tr(ctx,
              "Taux d'emploi en %s selon le nombre de séances suivies, avec intervalle de "
              "confiance à %s.",
              "Employment rate in %s by number of sessions attended, with %s confidence "
              "intervals."),
           period_name(ctx, p).s, fmt_pct(ctx, confidence(ctx), 0).s);
    for (size_t b = 0; b < ctx->fig->n_bands; b++) {
        char name[96];
        band_name(ctx, b, name, sizeof name);
        enum rate_state s = band_rate(p, b);
        const struct rate *r = &p->employment_by_band[b];
        sb_add(&sb, "%s%s%s%s", b == 0 ? " " : semicolon(ctx), name, colon(ctx),
               s == RATE_SHOWN ? fmt_pct(ctx, r->rate, 1).s : gap_text(ctx, s));
        if (s == RATE_SHOWN)
            sb_add(&sb, " (n = %s)", fmt_count(ctx, r->denominator).s);
    }
    sb_add(&sb, ". %s",
           tr(ctx, "Association observée, pas un effet causal.",
              "Observed association, not a causal effect."));
}

static void describe_dosage(const struct chart_ctx *ctx, struct chart_text *t)
{
    long i = dosage_period(ctx);
    const char *what = tr(ctx,
                          "Part des personnes en emploi selon le nombre de séances suivies, "
                          "parmi celles dont la situation est connue",
                          "Share in employment by number of sessions attended, among people "
                          "with a known situation");
    format_text(t->subtitle, sizeof t->subtitle, "%s%s%s", what, i >= 0 ? ", " : "",
                i >= 0 ? period_name(ctx, &ctx->fig->periods[i]).s : "");
    dosage_title(ctx, t);
    dosage_alt(ctx, i, t);
    if (i < 0)
        return;
    /* a partial period is named in the title and the subtitle: the footnote keeps its room
     * for what the marks mean */
    struct sbuf note = sb_start(t->note, sizeof t->note);
    sb_add(&note, "%s",
           tr(ctx,
              "Association observée, pas un effet causal" NBSP ": les personnes qui suivent plus "
              "de séances peuvent différer des autres.",
              "Observed association, not a causal effect: people who attend more sessions may "
              "differ from the others."));
    struct rate_gaps g = {0};
    const struct period_figures *p = &ctx->fig->periods[i];
    for (size_t b = 0; b < ctx->fig->n_bands; b++)
        add_gap(&g, band_rate(p, b), p->withheld.employment_by_band[b]);
    rate_note(ctx, &g, "personne dans cette tranche", "nobody in this band", &note);
}

static void dosage_category(const struct chart_ctx *ctx, size_t b, char *label, char *sublabel,
                            size_t cap)
{
    const struct period_figures *p = &ctx->fig->periods[dosage_period(ctx)];
    band_name(ctx, b, label, cap);
    sublabel[0] = '\0';
    if (band_rate(p, b) != RATE_WITHHELD)
        format_text(sublabel, cap, "n = %s",
                    fmt_count(ctx, p->employment_by_band[b].denominator).s);
}

static void draw_dosage(cairo_t *cr, const struct chart_ctx *ctx)
{
    paint_background(cr, ctx);
    double top = draw_header(cr, ctx) + px(ctx, 16), bottom = draw_footer(cr, ctx) - px(ctx, 62);
    long i = dosage_period(ctx);
    if (i < 0) {
        draw_empty(cr, ctx, top, bottom);
        return;
    }
    const struct period_figures *p = &ctx->fig->periods[i];
    double max = 0;
    for (size_t b = 0; b < ctx->fig->n_bands; b++)
        if (band_rate(p, b) == RATE_SHOWN)
            max = fmax(max, p->employment_by_band[b].ci_high);
    struct frame f =
        category_frame(cr, ctx, top, bottom, axis_for_rates(max, 1.1), ctx->fig->n_bands, 0);
    draw_y_axis(cr, ctx, &f);
    draw_category_axis(cr, ctx, &f, ctx->fig->n_bands, dosage_category);
    for (size_t b = 0; b < ctx->fig->n_bands; b++)
        draw_rate_bar(cr, ctx, &f, frame_x(&f, b + 0.5), &p->employment_by_band[b], band_rate(p, b),
                      OI_BLUE, false);
}

/* ==========================================================================================
 * The chart table, the backends, and the loop that runs one through the other.
 */

struct chart_def {
    const char *name;
    void (*describe)(const struct chart_ctx *ctx, struct chart_text *text);
    void (*draw)(cairo_t *cr, const struct chart_ctx *ctx);
};

static const struct chart_def chart_defs[] = {
    {"cumulative_target", describe_cumulative, draw_cumulative},
    {"beneficiaries_by_role", describe_by_role, draw_by_role},
    {"outcome_rates", describe_outcomes, draw_outcomes},
    {"qpv_share", describe_qpv, draw_qpv},
    {"beneficiaries_by_sex", describe_by_sex, draw_by_sex},
    {"employment_by_dosage", describe_dosage, draw_dosage},
    {"site_targets", describe_site_targets, draw_site_targets},
};
#define N_CHARTS (sizeof chart_defs / sizeof chart_defs[0])

/* A backend gives the drawing a surface and saves it; `finish` also destroys the surface. */
struct backend {
    const char *extension;
    cairo_surface_t *(*create)(const char *path, int width, int height);
    int (*finish)(cairo_surface_t *surface, const char *path, const struct chart_info *info,
                  struct impact_error *err);
};

static int surface_fail(cairo_status_t status, const char *path, struct impact_error *err)
{
    return impact_fail(err, STAGE, path, 0, 0, "cannot write the chart: %s",
                       cairo_status_to_string(status));
}

static cairo_surface_t *png_create(const char *path, int width, int height)
{
    (void)path;
    return cairo_image_surface_create(CAIRO_FORMAT_RGB24, width, height);
}

static int png_finish(cairo_surface_t *surface, const char *path, const struct chart_info *info,
                      struct impact_error *err)
{
    (void)info;
    int status = write_png(surface, path, err);
    cairo_surface_destroy(surface);
    return status;
}

static cairo_surface_t *svg_create(const char *path, int width, int height)
{
    cairo_surface_t *surface = cairo_svg_surface_create(path, width, height);
    cairo_svg_surface_set_document_unit(surface, CAIRO_SVG_UNIT_PX);
    return surface;
}

static void xml_escaped(FILE *out, const char *text)
{
    for (; *text; text++) {
        switch (*text) {
        case '&':
            fputs("&amp;", out);
            break;
        case '<':
            fputs("&lt;", out);
            break;
        case '>':
            fputs("&gt;", out);
            break;
        case '"':
            fputs("&quot;", out);
            break;
        default:
            fputc(*text, out);
        }
    }
}

/* Reads a whole file into a NUL-terminated buffer (xmalloc); NULL when it cannot. */
static char *slurp(const char *path, size_t *len)
{
    FILE *in = fopen(path, "rb");
    if (!in)
        return NULL;
    size_t cap = 1 << 16, n = 0;
    char *data = xmalloc(cap);
    size_t got;
    while ((got = fread(data + n, 1, cap - n - 1, in)) > 0) {
        n += got;
        if (cap - n - 1 == 0)
            data = xrealloc(data, cap *= 2);
    }
    bool failed = ferror(in);
    fclose(in);
    if (failed) {
        free(data);
        return NULL;
    }
    data[n] = '\0';
    *len = n;
    return data;
}

/* Cairo names the page group "surface<N>" after a process-wide counter, so the second chart
 * drawn in a run would differ from the same chart drawn alone. Each such id is rewritten as
 * its rank of first appearance in the file: the same drawing always gives the same bytes. */
struct id_map {
    long *ids;
    size_t n, cap;
};

static long renumbered(struct id_map *map, long id)
{
    for (size_t i = 0; i < map->n; i++)
        if (map->ids[i] == id)
            return (long)i + 1;
    xgrow((void **)&map->ids, &map->cap, map->n, sizeof *map->ids);
    map->ids[map->n++] = id;
    return (long)map->n;
}

static void write_renumbered(FILE *out, const char *text, size_t len, struct id_map *map)
{
    static const char word[] = "surface";
    const size_t wlen = sizeof word - 1;
    size_t i = 0;
    while (i < len) {
        size_t at = i;
        while (at + wlen <= len && memcmp(text + at, word, wlen) != 0)
            at++;
        bool hit = at + wlen <= len;
        at = hit ? at + wlen : len;
        fwrite(text + i, 1, at - i, out);
        i = at;
        if (!hit || i >= len || text[i] < '0' || text[i] > '9')
            continue;
        long id = 0;
        while (i < len && text[i] >= '0' && text[i] <= '9')
            id = id * 10 + (text[i++] - '0');
        fprintf(out, "%ld", renumbered(map, id));
    }
}

/* Rewrites the SVG cairo wrote with stable ids and with <title> and <desc> right after the
 * root element's opening tag, so that screen readers and search engines get the text. */
static int svg_insert_text(const char *path, const struct chart_info *info,
                           struct impact_error *err)
{
    size_t len = 0;
    char *doc = slurp(path, &len);
    if (!doc)
        return impact_fail(err, STAGE, path, 0, 0, "cannot read back the SVG cairo wrote");
    char *root = strstr(doc, "<svg"), *end = root ? strchr(root, '>') : NULL;
    FILE *out = end ? fopen(path, "wb") : NULL;
    if (!out) {
        free(doc);
        return impact_fail(err, STAGE, path, 0, 0, "cannot rewrite the SVG with its title");
    }
    struct id_map map = {0};
    size_t head = (size_t)(end + 1 - doc);
    write_renumbered(out, doc, head, &map);
    fputs("\n<title>", out);
    xml_escaped(out, info->title);
    fputs("</title>\n<desc>", out);
    xml_escaped(out, info->alt_text);
    fputs("</desc>", out);
    write_renumbered(out, doc + head, len - head, &map);
    free(map.ids);
    free(doc);
    bool failed = ferror(out);
    if (fclose(out) != 0 || failed)
        return impact_fail(err, STAGE, path, 0, 0, "cannot write the SVG");
    return IMPACT_OK;
}

static int svg_finish(cairo_surface_t *surface, const char *path, const struct chart_info *info,
                      struct impact_error *err)
{
    cairo_surface_finish(surface);
    cairo_status_t status = cairo_surface_status(surface);
    cairo_surface_destroy(surface);
    if (status != CAIRO_STATUS_SUCCESS)
        return surface_fail(status, path, err);
    return svg_insert_text(path, info, err);
}

static const struct backend backends[] = {
    {"png", png_create, png_finish},
    {"svg", svg_create, svg_finish},
};

/* The two sizes of every chart: social (options->width × height) and print. */
struct size {
    const char *suffix; /* "" or "_print" */
    int width, height;
};

/* Text is drawn the same way on every surface. Without this, a PNG's glyphs depended on
 * whether the same font had first been used by an SVG surface (which turns hinting off),
 * that is on the order the files were drawn in. */
static void set_font_options(cairo_t *cr)
{
    cairo_font_options_t *options = cairo_font_options_create();
    cairo_font_options_set_antialias(options, CAIRO_ANTIALIAS_GRAY);
    cairo_font_options_set_hint_style(options, CAIRO_HINT_STYLE_NONE);
    cairo_font_options_set_hint_metrics(options, CAIRO_HINT_METRICS_OFF);
    cairo_set_font_options(cr, options);
    cairo_font_options_destroy(options);
}

static int render_file(const struct chart_def *def, const struct chart_ctx *ctx,
                       const struct size *size, const struct backend *backend,
                       const struct chart_info *info, struct impact_error *err)
{
    char path[IMPACT_PATH_MAX];
    int n = snprintf(path, sizeof path, "%s/%s%s.%s", ctx->opt->out_dir, def->name, size->suffix,
                     backend->extension);
    if (n < 0 || (size_t)n >= sizeof path)
        return impact_fail(err, STAGE, ctx->opt->out_dir, 0, 0, "output path too long");
    cairo_surface_t *surface = backend->create(path, size->width, size->height);
    cairo_status_t status = cairo_surface_status(surface);
    if (status != CAIRO_STATUS_SUCCESS) {
        cairo_surface_destroy(surface);
        return surface_fail(status, path, err);
    }
    cairo_t *cr = cairo_create(surface);
    set_font_options(cr);
    def->draw(cr, ctx);
    status = cairo_status(cr);
    cairo_destroy(cr);
    if (status != CAIRO_STATUS_SUCCESS) {
        cairo_surface_destroy(surface);
        return surface_fail(status, path, err);
    }
    return backend->finish(surface, path, info, err);
}

void charts_source_line(const struct charts_options *options, char *out, size_t cap)
{
    bool en = options->language == NUMFMT_LANG_EN;
    const char *run_date = options->run_date ? options->run_date : "";
    day_t day;
    char when[NUMFMT_BUF + 64];
    if (date_parse(run_date, strlen(run_date), &day, NULL) == DATE_OK)
        numfmt_date(day, en ? NUMFMT_LANG_EN : NUMFMT_LANG_FR, when, sizeof when);
    else
        format_text(when, sizeof when, "%s", run_date);
    format_text(out, cap, "Source%s%s, %s, %s", en ? ": " : NBSP ": ",
                options->programme ? options->programme : "",
                en ? "internal data" : "données internes", when);
}

static void chart_info_fill(struct chart_info *info, const struct chart_def *def,
                            const struct chart_ctx *ctx, bool print)
{
    memset(info, 0, sizeof *info);
    format_text(info->name, sizeof info->name, "%s", def->name);
    format_text(info->png_file, sizeof info->png_file, "%s.png", def->name);
    format_text(info->svg_file, sizeof info->svg_file, "%s.svg", def->name);
    if (print) {
        format_text(info->print_png_file, sizeof info->print_png_file, "%s_print.png", def->name);
        format_text(info->print_svg_file, sizeof info->print_svg_file, "%s_print.svg", def->name);
    }
    format_text(info->title, sizeof info->title, "%s", ctx->text.title);
    format_text(info->alt_text, sizeof info->alt_text, "%s", ctx->text.alt);
}

static bool size_ok(int width, int height)
{
    return width >= MIN_WIDTH && width <= MAX_DIMENSION && height >= MIN_HEIGHT &&
           height <= MAX_DIMENSION;
}

static int size_fail(int width, int height, struct impact_error *err)
{
    return impact_fail(err, STAGE, "", 0, 0, "chart size %d x %d is outside %d-%d x %d-%d pixels",
                       width, height, MIN_WIDTH, MAX_DIMENSION, MIN_HEIGHT, MAX_DIMENSION);
}

/* The print variant is off when either of its dimensions is 0. */
static bool wants_print(const struct charts_options *opt)
{
    return opt->print_width != 0 && opt->print_height != 0;
}

static int check_options(const struct charts_options *opt, struct impact_error *err)
{
    if (!opt->out_dir || !opt->out_dir[0])
        return impact_fail(err, STAGE, "", 0, 0, "no output folder given for the charts");
    if (!size_ok(opt->width, opt->height))
        return size_fail(opt->width, opt->height, err);
    if (wants_print(opt) && !size_ok(opt->print_width, opt->print_height))
        return size_fail(opt->print_width, opt->print_height, err);
    return IMPACT_OK;
}

/* One chart at every size through every backend. The texts do not depend on the size. */
static int render_chart(const struct chart_def *def, const struct figures *figures,
                        const struct charts_options *options, struct chart_info *info,
                        struct impact_error *err)
{
    const struct size sizes[] = {{"", options->width, options->height},
                                 {"_print", options->print_width, options->print_height}};
    size_t n_sizes = wants_print(options) ? 2 : 1;
    struct chart_text text;
    for (size_t s = 0; s < n_sizes; s++) {
        struct chart_ctx ctx;
        chart_ctx_init(&ctx, figures, options, sizes[s].width, sizes[s].height);
        if (s == 0) {
            def->describe(&ctx, &ctx.text);
            chart_info_fill(info, def, &ctx, n_sizes > 1);
            text = ctx.text;
        }
        ctx.text = text;
        for (size_t b = 0; b < sizeof backends / sizeof backends[0]; b++)
            if (render_file(def, &ctx, &sizes[s], &backends[b], info, err) != IMPACT_OK)
                return IMPACT_FAIL;
    }
    return IMPACT_OK;
}

int charts_render(const struct figures *figures, const struct charts_options *options,
                  struct chart_list *list, struct impact_error *err)
{
    memset(list, 0, sizeof *list);
    if (check_options(options, err) != IMPACT_OK)
        return IMPACT_FAIL;
    for (size_t c = 0; c < N_CHARTS && list->count < CHARTS_MAX; c++)
        if (render_chart(&chart_defs[c], figures, options, &list->charts[list->count++], err) !=
            IMPACT_OK)
            return IMPACT_FAIL;
    return IMPACT_OK;
}

int charts_draw(cairo_t *cr, const char *name, const struct figures *figures,
                const struct charts_options *options, struct impact_error *err)
{
    const struct chart_def *def = NULL;
    for (size_t c = 0; c < N_CHARTS && !def; c++)
        if (strcmp(chart_defs[c].name, name) == 0)
            def = &chart_defs[c];
    if (!def)
        return impact_fail(err, STAGE, "", 0, 0, "no chart called \"%s\"", name);
    if (!size_ok(options->width, options->height))
        return size_fail(options->width, options->height, err);
    struct chart_ctx ctx;
    chart_ctx_init(&ctx, figures, options, options->width, options->height);
    ctx.with_source = !options->no_source_line;
    def->describe(&ctx, &ctx.text);
    cairo_save(cr);
    def->draw(cr, &ctx);
    cairo_restore(cr);
    cairo_status_t status = cairo_status(cr);
    if (status != CAIRO_STATUS_SUCCESS)
        return impact_fail(err, STAGE, "", 0, 0, "cannot draw the chart %s: %s", name,
                           cairo_status_to_string(status));
    return IMPACT_OK;
}
