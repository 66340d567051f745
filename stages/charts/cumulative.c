/* cumulative.c — chart cumulative_target: cumulative beneficiaries by quarter, overall and
 * per site, against the target and the deadline, with the projection. */
#include "stages/charts/internal.h"

#include "stages/common/arena.h"

#include <math.h>
#include <stdlib.h>

/* ==========================================================================================
 * Chart 1: cumulative beneficiaries by quarter against the target.
 */

static bool has_target(const struct kit_ctx *ctx)
{
    return charts_overall(ctx)->target > 0;
}

/* Beyond this many sites the sites' lines would share colours and their labels would not
 * fit beside the plot (a national roll-out has hundreds): the chart then shows the overall
 * line alone, and the chart by site (chart 7) shows the sites. */
enum { MAX_SITE_LINES = 5 };

static bool draws_site_lines(const struct kit_ctx *ctx)
{
    return ctx->fig->n_sites <= MAX_SITE_LINES;
}

static bool has_deadline(const struct kit_ctx *ctx)
{
    return ctx->fig->deadline != DAY_NONE && has_target(ctx);
}

/* The projection is drawn only when it lies ahead of the data, the target is not met, and
 * the point it starts from is shown (disclosure withholds a projection fitted on withheld
 * quarters: defined is then false). */
static bool shows_projection(const struct kit_ctx *ctx)
{
    const struct target_progress *o = charts_overall(ctx);
    return has_target(ctx) && o->projection.defined && kit_reached_shown(o) &&
           o->reached < o->target && o->projection.date > o->last_quarter_end;
}

static void cumulative_title(const struct kit_ctx *ctx, struct kit_text *t)
{
    const struct target_progress *o = charts_overall(ctx);
    struct kit_sbuf sb = kit_sb_start(t->title, sizeof t->title);
    long q = kit_last_shown_quarter(o);
    if (o->n_quarters == 0) {
        kit_sb_add(&sb, "%s", kit_tr(ctx, "Aucune présence enregistrée", "No attendance recorded"));
        return;
    }
    if (q < 0) {
        kit_sb_add(
            &sb, "%s",
            kit_tr(ctx, "Effectifs trop petits pour être publiés", "Counts too small to publish"));
        return;
    }
    const struct quarter_point *pt = &o->quarters[q];
    char when[64];
    charts_as_of(ctx, charts_point_day(ctx, pt), when, sizeof when);
    kit_sb_add(&sb, "%s %s %s", kit_fmt_count(ctx, pt->cumulative).s,
               charts_people(ctx, pt->cumulative), when);
    if (!kit_reached_shown(o) || !has_target(ctx))
        return;
    if (o->reached >= o->target)
        kit_sb_add(&sb, kit_tr(ctx, KIT_NBSP ": objectif de %s atteint", ": the %s target is met"),
                   kit_fmt_count(ctx, o->target).s);
    else
        kit_sb_add(&sb, kit_tr(ctx, ", %s de l'objectif", ", %s of the target"),
                   kit_fmt_pct(ctx, o->progress, 0).s);
}

static void cumulative_subtitle(const struct kit_ctx *ctx, struct kit_text *t)
{
    struct kit_sbuf sb = kit_sb_start(t->subtitle, sizeof t->subtitle);
    kit_sb_add(
        &sb, "%s",
        kit_tr(ctx, "Personnes distinctes accompagnées depuis le début, cumul en fin de trimestre",
               "Distinct people reached since the start, cumulative at each quarter end"));
    charts_add_quarter_range(ctx, &sb);
}

/* " Objectif atteint le 10 juil. 2019, avant l'échéance." */
static void reached_on_sentence(const struct kit_ctx *ctx, const struct target_progress *tp,
                                struct kit_sbuf *sb)
{
    const struct projection *p = &tp->projection;
    kit_sb_add(sb, kit_tr(ctx, " Objectif atteint le %s", " Target met on %s"),
               kit_fmt_date(ctx, p->reached_on).s);
    if (has_deadline(ctx))
        kit_sb_add(sb, "%s",
                   p->reached_on <= ctx->fig->deadline
                       ? kit_tr(ctx, ", avant l'échéance.", ", on time.")
                       : kit_tr(ctx, ", après l'échéance.", ", after the deadline."));
    else
        kit_sb_add(sb, ".");
}

static void cumulative_alt_projection(const struct kit_ctx *ctx, struct kit_sbuf *sb)
{
    const struct projection *p = &charts_overall(ctx)->projection;
    if (charts_reached_known(charts_overall(ctx))) {
        reached_on_sentence(ctx, charts_overall(ctx), sb);
        return;
    }
    if (!shows_projection(ctx))
        return;
    kit_sb_add(sb,
               kit_tr(ctx, " Au rythme des %d derniers trimestres, l'objectif serait atteint le %s",
                      " At the pace of the last %d quarters, the target would be reached on %s"),
               p->quarters_used, kit_fmt_date(ctx, p->date).s);
    if (has_deadline(ctx))
        kit_sb_add(sb, "%s",
                   p->on_track ? kit_tr(ctx, ", dans les délais.", ", on time.")
                               : kit_tr(ctx, ", après l'échéance.", ", after the deadline."));
    else
        kit_sb_add(sb, ".");
}

/* ": 2 396 au 31 déc. 2019", or ": masqué au 31 déc. 2019 (2 150 au 30 sept. 2019)". */
static void cumulative_alt_reached(const struct kit_ctx *ctx, struct kit_sbuf *sb)
{
    const struct target_progress *o = charts_overall(ctx);
    long q = kit_last_shown_quarter(o);
    if (kit_reached_shown(o)) {
        kit_sb_add(sb, kit_tr(ctx, "%s au %s", "%s on %s"), kit_fmt_count(ctx, o->reached).s,
                   kit_fmt_date(ctx, charts_last_point_day(ctx, o)).s);
        return;
    }
    kit_sb_add(sb, kit_tr(ctx, "%s au %s", "%s on %s"), kit_withheld_mark(ctx),
               kit_fmt_date(ctx, charts_last_point_day(ctx, o)).s);
    if (q >= 0)
        kit_sb_add(sb, kit_tr(ctx, " (%s au %s)", " (%s on %s)"),
                   kit_fmt_count(ctx, o->quarters[q].cumulative).s,
                   kit_fmt_date(ctx, charts_point_day(ctx, &o->quarters[q])).s);
}

static void cumulative_alt_sites(const struct kit_ctx *ctx, struct kit_sbuf *sb)
{
    if (!draws_site_lines(ctx)) {
        kit_sb_add(sb,
                   kit_tr(ctx, " %zu sites" KIT_NBSP ": voir le graphique par site.",
                          " %zu sites: see the chart by site."),
                   ctx->fig->n_sites);
        return;
    }
    for (size_t i = 0; i < ctx->fig->n_sites; i++) {
        const struct target_progress *s = &ctx->fig->sites[i];
        kit_sb_add(
            sb, "%s%s %s", i == 0 ? kit_tr(ctx, " Par site" KIT_NBSP ": ", " By site: ") : ", ",
            ctx->fig->site_names[i],
            kit_reached_shown(s) ? kit_fmt_count(ctx, s->reached).s : kit_withheld_mark(ctx));
    }
    if (ctx->fig->n_sites > 0)
        kit_sb_add(sb, ".");
}

static void cumulative_alt(const struct kit_ctx *ctx, struct kit_text *t)
{
    const struct target_progress *o = charts_overall(ctx);
    struct kit_sbuf sb = kit_sb_start(t->alt, sizeof t->alt);
    if (o->n_quarters == 0) {
        kit_sb_add(&sb, "%s",
                   kit_tr(ctx, "Aucune présence enregistrée" KIT_NBSP ": la courbe est vide.",
                          "No attendance recorded: the line is empty."));
        return;
    }
    kit_sb_add(&sb,
               kit_tr(ctx, "Cumul des personnes accompagnées de %s à %s" KIT_NBSP ": ",
                      "Cumulative people reached from %s to %s: "),
               kit_fmt_quarter(ctx, o->quarters[0].end).s,
               kit_fmt_quarter(ctx, o->last_quarter_end).s);
    cumulative_alt_reached(ctx, &sb);
    if (has_target(ctx) && kit_reached_shown(o))
        kit_sb_add(&sb, kit_tr(ctx, ", soit %s de l'objectif de %s", ", %s of the %s target"),
                   kit_fmt_pct(ctx, o->progress, 0).s, kit_fmt_count(ctx, o->target).s);
    else if (has_target(ctx))
        kit_sb_add(&sb, kit_tr(ctx, ", pour un objectif de %s", ", against a %s target"),
                   kit_fmt_count(ctx, o->target).s);
    if (has_deadline(ctx))
        kit_sb_add(&sb, kit_tr(ctx, " fixé au %s", " set for %s"),
                   kit_fmt_date(ctx, ctx->fig->deadline).s);
    kit_sb_add(&sb, ".");
    cumulative_alt_projection(ctx, &sb);
    cumulative_alt_sites(ctx, &sb);
}

void charts_describe_cumulative(const struct kit_ctx *ctx, struct kit_text *t)
{
    cumulative_title(ctx, t);
    cumulative_subtitle(ctx, t);
    cumulative_alt(ctx, t);
    struct kit_sbuf note = kit_sb_start(t->note, sizeof t->note);
    kit_partial_note(ctx, "dernier point creux", "last point hollow", &note);
    if (charts_reached_known(charts_overall(ctx)))
        kit_sb_add(&note,
                   kit_tr(ctx, "%sObjectif atteint le %s" KIT_NBSP ": pas de projection.",
                          "%sTarget met on %s: no projection."),
                   note.len ? " " : "",
                   kit_fmt_date(ctx, charts_overall(ctx)->projection.reached_on).s);
    else if (shows_projection(ctx))
        kit_sb_add(&note,
                   kit_tr(ctx,
                          "%sPointillés" KIT_NBSP
                          ": projection au rythme des %d derniers trimestres.",
                          "%sDotted line: projection at the pace of the last %d quarters."),
                   note.len ? " " : "", charts_overall(ctx)->projection.quarters_used);
    if (!draws_site_lines(ctx))
        kit_sb_add(&note,
                   kit_tr(ctx,
                          "%sUne seule courbe pour les %zu sites" KIT_NBSP
                          ": voir le graphique par site.",
                          "%sOne line for all %zu sites: see the chart by site."),
                   note.len ? " " : "", ctx->fig->n_sites);
    bool complementary = false,
         any = charts_trajectory_withheld(charts_overall(ctx), &complementary);
    for (size_t i = 0; i < ctx->fig->n_sites && draws_site_lines(ctx); i++)
        any = charts_trajectory_withheld(&ctx->fig->sites[i], &complementary) || any;
    charts_gap_note(ctx, any, complementary, CHARTS_GAP_LINE, &note);
}

/* Time range: every quarter shown, the deadline, and the projected date unless it lies
 * further ahead than a third of the data's span (then the dashed line leaves the plot and
 * its label gives the date). */
static void cumulative_x_range(const struct kit_ctx *ctx, double *lo, double *hi)
{
    *lo = INFINITY;
    *hi = -INFINITY;
    charts_quarters_range(charts_overall(ctx), lo, hi);
    for (size_t i = 0; i < ctx->fig->n_sites; i++)
        charts_quarters_range(&ctx->fig->sites[i], lo, hi);
    double data_end = *hi, span = *hi - *lo;
    if (has_deadline(ctx))
        *hi = fmax(*hi, ctx->fig->deadline);
    if (shows_projection(ctx))
        *hi = fmax(*hi, fmin(charts_overall(ctx)->projection.date, data_end + span * 0.35));
    *hi += (*hi - *lo) * 0.02; /* keep the last dot off the frame */
}

static double cumulative_y_max(const struct kit_ctx *ctx)
{
    double max =
        fmax((double)charts_overall(ctx)->target, charts_trajectory_max(charts_overall(ctx)));
    for (size_t s = 0; s < ctx->fig->n_sites; s++)
        max = fmax(max, charts_trajectory_max(&ctx->fig->sites[s]));
    return max * 1.12; /* room for the target's label above its line */
}

static void draw_target_line(cairo_t *cr, const struct kit_ctx *ctx, const struct kit_frame *f)
{
    if (!has_target(ctx))
        return;
    charts_draw_target_rule(cr, ctx, f, charts_overall(ctx)->target);
    char label[96];
    kit_format_text(label, sizeof label, "%s%s%s", kit_tr(ctx, "Objectif", "Target"),
                    kit_colon(ctx), kit_fmt_count(ctx, charts_overall(ctx)->target).s);
    kit_set_font(cr, ctx, KIT_FS_LABEL, true);
    kit_text_at(cr, f->left + kit_px(ctx, 8),
                kit_frame_y(f, (double)charts_overall(ctx)->target) - kit_px(ctx, 9),
                KIT_ALIGN_LEFT, label);
}

/* The deadline's line, its label at the top on whichever side has room. */
static void draw_deadline(cairo_t *cr, const struct kit_ctx *ctx, const struct kit_frame *f)
{
    if (!has_deadline(ctx))
        return;
    double x = charts_draw_deadline_rule(cr, ctx, f);
    if (x < 0)
        return;
    char label[96];
    kit_format_text(label, sizeof label, "%s%s%s", kit_tr(ctx, "Échéance", "Deadline"),
                    kit_colon(ctx), kit_fmt_date(ctx, ctx->fig->deadline).s);
    kit_set_font(cr, ctx, KIT_FS_LABEL, false);
    bool right_side = x + kit_px(ctx, 8) + kit_text_width(cr, label) <= f->right;
    kit_text_boxed(cr, right_side ? x + kit_px(ctx, 8) : x - kit_px(ctx, 8),
                   f->top + kit_px(ctx, 22), right_side ? KIT_ALIGN_LEFT : KIT_ALIGN_RIGHT, label);
}

/* Where the projection's dashed line ends: (projected date, target), or where it leaves the
 * plot on the right when the date lies further ahead. */
static void projection_end(const struct kit_ctx *ctx, const struct kit_frame *f, double *x1,
                           double *v1)
{
    const struct target_progress *o = charts_overall(ctx);
    double x0 = charts_last_point_day(ctx, o), v0 = (double)o->reached;
    *x1 = o->projection.date;
    *v1 = (double)o->target;
    if (*x1 > f->x_max) {
        *v1 = v0 + (*v1 - v0) * (f->x_max - x0) / (*x1 - x0);
        *x1 = f->x_max;
    }
}

/* Dashed line from the last point towards (projected date, target). */
static void draw_projection(cairo_t *cr, const struct kit_ctx *ctx, const struct kit_frame *f)
{
    if (!shows_projection(ctx))
        return;
    const struct target_progress *o = charts_overall(ctx);
    double x0 = charts_last_point_day(ctx, o), v0 = (double)o->reached, x1, v1;
    projection_end(ctx, f, &x1, &v1);
    double dash[] = {kit_px(ctx, 3), kit_px(ctx, 7)};
    kit_set_colour(cr, KIT_OI_BLUE);
    cairo_set_line_width(cr, kit_px(ctx, 3));
    cairo_set_line_cap(cr, CAIRO_LINE_CAP_ROUND);
    cairo_set_dash(cr, dash, 2, 0);
    cairo_move_to(cr, kit_frame_x(f, x0), kit_frame_y(f, v0));
    cairo_line_to(cr, kit_frame_x(f, x1), kit_frame_y(f, v1));
    cairo_stroke(cr);
    cairo_set_dash(cr, NULL, 0, 0);
    cairo_set_line_cap(cr, CAIRO_LINE_CAP_BUTT);
}

/* Name and last shown value of a trajectory, for the right of the plot: the label sits at
 * that value's point, so it is the value the reader takes it for. */
static void trajectory_label(cairo_t *cr, const struct kit_ctx *ctx, const char *name,
                             const struct target_progress *tp, double max_w, struct kit_label *out)
{
    struct kit_num value = kit_fmt_count(ctx, tp->quarters[kit_last_shown_quarter(tp)].cumulative);
    char fitted[128];
    kit_set_font(cr, ctx, KIT_FS_LABEL, out->bold);
    kit_fit_text(cr, name, max_w - kit_text_width(cr, value.s) - kit_px(ctx, 6), fitted,
                 sizeof fitted);
    kit_format_text(out->text, sizeof out->text, "%s %s", fitted, value.s);
}

/* The trajectories that get a line and a label: overall first, then each site with a shown
 * quarter when there are few sites. Returns how many were written to `lines`. */
static size_t labelled_trajectories(const struct kit_ctx *ctx, const struct target_progress **lines,
                                    const char **names, uint32_t *colours)
{
    size_t n = 0;
    if (kit_last_shown_quarter(charts_overall(ctx)) >= 0) {
        lines[n] = charts_overall(ctx);
        names[n] = kit_tr(ctx, "Ensemble", "All sites");
        colours[n++] = KIT_OI_BLUE;
    }
    for (size_t i = 0; i < ctx->fig->n_sites && draws_site_lines(ctx); i++) {
        if (kit_last_shown_quarter(&ctx->fig->sites[i]) < 0)
            continue;
        lines[n] = &ctx->fig->sites[i];
        names[n] = ctx->fig->site_names[i];
        colours[n++] = kit_site_colour(i);
    }
    return n;
}

/* A dotted grey leader from a line's end to its label when the label is not right beside
 * it; grey and dotted so that it does not read as data. */
static void draw_leaders(cairo_t *cr, const struct kit_ctx *ctx, const struct kit_frame *f,
                         const struct kit_label *labels, size_t n)
{
    double dots[] = {kit_px(ctx, 1.5), kit_px(ctx, 3)};
    cairo_set_line_width(cr, kit_px(ctx, 1.5));
    cairo_set_dash(cr, dots, 2, 0);
    kit_set_colour(cr, KIT_AXIS);
    for (size_t i = 0; i < n; i++) {
        bool beside = f->right - labels[i].anchor_x < kit_px(ctx, 30) &&
                      fabs(labels[i].y - labels[i].want_y) < kit_px(ctx, 3);
        if (labels[i].anchor_x <= 0 || beside)
            continue;
        cairo_move_to(cr, labels[i].anchor_x + kit_px(ctx, 10), labels[i].want_y);
        cairo_line_to(cr, f->right + kit_px(ctx, 2), labels[i].want_y);
        cairo_line_to(cr, f->right + kit_px(ctx, 10), labels[i].y);
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
    struct kit_label *labels;
};

static struct trajectories trajectories_new(cairo_t *cr, const struct kit_ctx *ctx)
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
            (struct kit_label){.colour = t.colours[i], .bold = t.lines[i] == charts_overall(ctx)};
        trajectory_label(cr, ctx, t.names[i], t.lines[i], ctx->width * 0.25, &t.labels[i]);
    }
    if (shows_projection(ctx)) {
        struct kit_label *p = &t.labels[t.n_labels++];
        *p = (struct kit_label){.colour = KIT_OI_BLUE};
        kit_format_text(p->text, sizeof p->text, "%s%s%s", kit_tr(ctx, "Projection", "Projection"),
                        kit_colon(ctx), kit_fmt_date(ctx, charts_overall(ctx)->projection.date).s);
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

static struct kit_frame cumulative_frame(cairo_t *cr, const struct kit_ctx *ctx, double top,
                                         double bottom, double right_room)
{
    struct kit_frame f = {.top = top, .bottom = bottom};
    f.y = kit_nice_axis(cumulative_y_max(ctx), false);
    f.left = kit_px(ctx, 36) + kit_y_labels_width(cr, ctx, &f.y) + kit_px(ctx, 12);
    f.right = ctx->width - kit_px(ctx, 36) - right_room;
    cumulative_x_range(ctx, &f.x_min, &f.x_max);
    return f;
}

/* Sites first and thinner, so the overall line stays on top. */
static void draw_all_trajectories(cairo_t *cr, const struct kit_ctx *ctx, const struct kit_frame *f,
                                  const struct trajectories *t)
{
    for (size_t i = t->n; i-- > 0;)
        if (t->lines[i] != charts_overall(ctx))
            charts_draw_trajectory(cr, ctx, f, t->lines[i], t->colours[i], false);
    draw_projection(cr, ctx, f);
    if (t->n > 0 && t->lines[0] == charts_overall(ctx))
        charts_draw_trajectory(cr, ctx, f, t->lines[0], t->colours[0], true);
}

/* Each label beside the last shown point of its line. */
static void draw_trajectory_labels(cairo_t *cr, const struct kit_ctx *ctx,
                                   const struct kit_frame *f, struct trajectories *t)
{
    for (size_t i = 0; i < t->n; i++) {
        const struct quarter_point *last =
            &t->lines[i]->quarters[kit_last_shown_quarter(t->lines[i])];
        t->labels[i].want_y = kit_frame_y(f, (double)last->cumulative);
        t->labels[i].anchor_x = kit_frame_x(f, charts_point_day(ctx, last));
    }
    if (t->n_labels > t->n) { /* the dashed line ends at the plot's right edge */
        double x1, v1;
        projection_end(ctx, f, &x1, &v1);
        t->labels[t->n].want_y = kit_frame_y(f, v1);
    }
    kit_spread_labels(t->labels, t->n_labels, kit_px(ctx, 24), f->top + kit_px(ctx, 10),
                      f->bottom - kit_px(ctx, 10));
    draw_leaders(cr, ctx, f, t->labels, t->n_labels);
    kit_draw_side_labels(cr, ctx, t->labels, t->n_labels, f->right + kit_px(ctx, 14));
}

void charts_draw_cumulative(cairo_t *cr, const struct kit_ctx *ctx)
{
    kit_paint_background(cr, ctx);
    double top = kit_draw_header(cr, ctx), bottom = kit_draw_footer(cr, ctx) - kit_px(ctx, 40);
    if (kit_last_shown_quarter(charts_overall(ctx)) < 0) {
        kit_draw_empty(cr, ctx, top, bottom);
        return;
    }
    struct trajectories t = trajectories_new(cr, ctx);
    struct kit_frame f = cumulative_frame(
        cr, ctx, top, bottom, kit_widest_label(cr, ctx, t.labels, t.n_labels) + kit_px(ctx, 14));
    kit_draw_y_axis(cr, ctx, &f);
    kit_draw_year_axis(cr, ctx, &f);
    draw_target_line(cr, ctx, &f);
    draw_deadline(cr, ctx, &f);
    draw_all_trajectories(cr, ctx, &f, &t);
    draw_trajectory_labels(cr, ctx, &f, &t);
    trajectories_free(&t);
}
