/* site_targets.c — chart site_targets: each site against its own target, as small
 * multiples. */
#include "stages/charts/internal.h"

#include <math.h>

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

static struct panels site_panels(const struct kit_ctx *ctx)
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

static const struct target_progress *panel_site(const struct kit_ctx *ctx, const struct panels *p,
                                                size_t i)
{
    return &ctx->fig->sites[p->site[i]];
}

/* Last quarter end among the panels, for "fin 2019". */
static day_t panels_end(const struct kit_ctx *ctx, const struct panels *p)
{
    day_t end = DAY_NONE;
    for (size_t i = 0; i < p->n; i++) {
        const struct target_progress *tp = panel_site(ctx, p, i);
        if (tp->n_quarters > 0 && (end == DAY_NONE || charts_last_point_day(ctx, tp) > end))
            end = charts_last_point_day(ctx, tp);
    }
    return end;
}

/* Without targets: the site with the most people reached among those shown. */
static void site_no_target_title(const struct kit_ctx *ctx, const struct panels *p,
                                 struct kit_sbuf *sb)
{
    long best = -1;
    for (size_t i = 0; i < p->n; i++)
        if (kit_reached_shown(panel_site(ctx, p, i)) &&
            (best < 0 ||
             panel_site(ctx, p, i)->reached > panel_site(ctx, p, (size_t)best)->reached))
            best = (long)i;
    if (best < 0) {
        kit_sb_add(sb, "%s",
                   kit_tr(ctx, "Effectifs par site trop petits pour être publiés",
                          "Counts by site too small to publish"));
        return;
    }
    const struct target_progress *tp = panel_site(ctx, p, (size_t)best);
    char when[64];
    charts_as_of(ctx, charts_last_point_day(ctx, tp), when, sizeof when);
    kit_sb_add(sb,
               kit_tr(ctx, "%s compte le plus de personnes accompagnées" KIT_NBSP ": %s %s",
                      "%s has reached the most people: %s %s"),
               ctx->fig->site_names[p->site[best]], kit_fmt_count(ctx, tp->reached).s, when);
}

/* Progress of the sites whose count is shown: how many met their target, the lowest and the
 * highest progress, and the one site when there is one. */
struct site_progress {
    size_t shown, met;
    double low, high;
    long only; /* panel index when shown == 1 */
};

static struct site_progress site_progress(const struct kit_ctx *ctx, const struct panels *p)
{
    struct site_progress sp = {0, 0, INFINITY, -INFINITY, -1};
    for (size_t i = 0; i < p->n; i++) {
        const struct target_progress *tp = panel_site(ctx, p, i);
        if (!kit_reached_shown(tp))
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
static bool site_title_without_progress(const struct kit_ctx *ctx, const struct panels *p,
                                        const struct site_progress *sp, struct kit_sbuf *sb)
{
    if (p->n == 0)
        kit_sb_add(sb, "%s", kit_tr(ctx, "Aucun site à représenter", "No site to show"));
    else if (!p->targets)
        site_no_target_title(ctx, p, sb);
    else if (sp->shown == 0)
        kit_sb_add(sb, "%s",
                   kit_tr(ctx, "Effectifs par site trop petits pour être publiés",
                          "Counts by site too small to publish"));
    return sb->len > 0;
}

/* How many sites met their target, or the range of their progress. */
static void site_targets_title(const struct kit_ctx *ctx, const struct panels *p,
                               struct kit_text *t)
{
    struct kit_sbuf sb = kit_sb_start(t->title, sizeof t->title);
    struct site_progress sp = site_progress(ctx, p);
    if (site_title_without_progress(ctx, p, &sp, &sb))
        return;
    char when[64], When[64];
    charts_as_of(ctx, panels_end(ctx, p), when, sizeof when);
    charts_as_of_capital(ctx, panels_end(ctx, p), When, sizeof When);
    if (sp.shown == 1 && sp.met == 1)
        kit_sb_add(&sb, kit_tr(ctx, "%s a atteint son objectif %s", "%s had met its target %s"),
                   ctx->fig->site_names[p->site[sp.only]], when);
    else if (sp.shown == 1)
        kit_sb_add(
            &sb,
            kit_tr(ctx, "%s a atteint %s de son objectif %s", "%s had reached %s of its target %s"),
            ctx->fig->site_names[p->site[sp.only]], kit_fmt_pct(ctx, sp.high, 0).s, when);
    else if (sp.met == p->n)
        kit_sb_add(&sb,
                   kit_tr(ctx, "Les %zu sites ont atteint leur objectif %s",
                          "All %zu sites had met their target %s"),
                   p->n, when);
    else if (sp.met == 1 && sp.shown == p->n)
        kit_sb_add(&sb,
                   kit_tr(ctx, "1 site sur %zu a atteint son objectif %s",
                          "1 of %zu sites had met its target %s"),
                   p->n, when);
    else if (sp.met > 0 && sp.shown == p->n)
        kit_sb_add(&sb,
                   kit_tr(ctx, "%zu sites sur %zu ont atteint leur objectif %s",
                          "%zu of %zu sites had met their target %s"),
                   sp.met, p->n, when);
    else
        kit_sb_add(&sb,
                   kit_tr(ctx, "%s, les sites ont atteint entre %s et %s de leur objectif",
                          "%s, the sites had reached between %s and %s of their targets"),
                   When, kit_fmt_pct(ctx, sp.low, 0).s, kit_fmt_pct(ctx, sp.high, 0).s);
}

static void site_targets_subtitle(const struct kit_ctx *ctx, const struct panels *p,
                                  struct kit_text *t)
{
    struct kit_sbuf sb = kit_sb_start(t->subtitle, sizeof t->subtitle);
    kit_sb_add(&sb, "%s",
               p->targets
                   ? kit_tr(ctx,
                            "Personnes distinctes accompagnées depuis le début, par site, face à "
                            "l'objectif du site",
                            "Distinct people reached since the start, by site, against the "
                            "site's target")
                   : kit_tr(ctx, "Personnes distinctes accompagnées depuis le début, par site",
                            "Distinct people reached since the start, by site"));
    charts_add_quarter_range(ctx, &sb);
}

/* "1 104 sur 1 200 (92 %)", "masqué (objectif 600)", "1 104" without a target. */
static void panel_status(const struct kit_ctx *ctx, const struct target_progress *tp, bool targets,
                         char *out, size_t cap)
{
    struct kit_sbuf sb = kit_sb_start(out, cap);
    if (!kit_reached_shown(tp) && targets)
        kit_sb_add(&sb, kit_tr(ctx, "%s (objectif %s)", "%s (target %s)"), kit_withheld_mark(ctx),
                   kit_fmt_count(ctx, tp->target).s);
    else if (!kit_reached_shown(tp))
        kit_sb_add(&sb, "%s",
                   tp->n_quarters ? kit_withheld_mark(ctx)
                                  : kit_tr(ctx, "aucune présence", "no attendance"));
    else if (targets)
        kit_sb_add(&sb, kit_tr(ctx, "%s sur %s (%s)", "%s of %s (%s)"),
                   kit_fmt_count(ctx, tp->reached).s, kit_fmt_count(ctx, tp->target).s,
                   kit_fmt_pct(ctx, tp->progress, 0).s);
    else
        kit_sb_add(&sb, "%s", kit_fmt_count(ctx, tp->reached).s);
}

static void site_targets_alt(const struct kit_ctx *ctx, const struct panels *p, struct kit_text *t)
{
    struct kit_sbuf sb = kit_sb_start(t->alt, sizeof t->alt);
    if (p->n == 0) {
        kit_sb_add(&sb, "%s", kit_tr(ctx, "Aucun site à représenter.", "No site to show."));
        return;
    }
    kit_sb_add(&sb, "%s",
               p->targets ? kit_tr(ctx, "Un graphique par site, avec son objectif.",
                                   "One small chart per site, with its target.")
                          : kit_tr(ctx, "Un graphique par site, sans objectif fixé.",
                                   "One small chart per site, no target set."));
    for (size_t i = 0; i < p->n; i++) {
        char status[128];
        const struct target_progress *tp = panel_site(ctx, p, i);
        panel_status(ctx, tp, p->targets, status, sizeof status);
        kit_sb_add(&sb, "%s%s%s%s", i == 0 ? " " : kit_semicolon(ctx),
                   ctx->fig->site_names[p->site[i]], kit_colon(ctx), status);
        if (charts_reached_known(tp))
            kit_sb_add(&sb, kit_tr(ctx, ", objectif atteint le %s", ", target met on %s"),
                       kit_fmt_date(ctx, tp->projection.reached_on).s);
    }
    kit_sb_add(&sb, ".");
}

/* Which sites are left out, and why; the deadline line; withheld values. */
static void site_targets_note(const struct kit_ctx *ctx, const struct panels *p, struct kit_text *t)
{
    struct kit_sbuf note = kit_sb_start(t->note, sizeof t->note);
    if (p->n > 0)
        kit_partial_note(ctx, "dernier point creux", "last point hollow", &note);
    if (!p->targets && p->n > 0)
        kit_sb_add(&note, "%s",
                   kit_tr(ctx,
                          "Aucun objectif par site n'est fixé" KIT_NBSP
                          ": trajectoires sans objectif.",
                          "No site has a target: trajectories only."));
    size_t without = ctx->fig->n_sites - p->eligible;
    if (p->targets && without > 0)
        kit_sb_add(&note,
                   kit_tr(ctx, "%s%zu site%s sans objectif non représenté%s.",
                          "%s%zu site%s without a target not shown."),
                   note.len ? " " : "", without, without > 1 ? "s" : "",
                   ctx->lang == NUMFMT_LANG_FR && without > 1 ? "s" : "");
    if (p->eligible > p->n)
        kit_sb_add(
            &note,
            kit_tr(ctx, "%sLes %zu premiers sites sur %zu.", "%sThe first %zu of %zu sites."),
            note.len ? " " : "", p->n, p->eligible);
    if (ctx->fig->deadline != DAY_NONE && p->targets)
        kit_sb_add(&note,
                   kit_tr(ctx, "%sTrait vertical" KIT_NBSP ": échéance du %s.",
                          "%sVertical line: deadline, %s."),
                   note.len ? " " : "", kit_fmt_date(ctx, ctx->fig->deadline).s);
    bool complementary = false, any = false;
    for (size_t i = 0; i < p->n; i++)
        any = charts_trajectory_withheld(panel_site(ctx, p, i), &complementary) || any;
    charts_gap_note(ctx, any, complementary, CHARTS_GAP_LINE, &note);
}

void charts_describe_site_targets(const struct kit_ctx *ctx, struct kit_text *t)
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
static void panels_x_range(const struct kit_ctx *ctx, const struct panels *p, double *lo,
                           double *hi)
{
    *lo = INFINITY;
    *hi = -INFINITY;
    for (size_t i = 0; i < p->n; i++)
        charts_quarters_range(panel_site(ctx, p, i), lo, hi);
    if (!isfinite(*lo))
        charts_quarters_range(charts_overall(ctx), lo, hi);
    if (ctx->fig->deadline != DAY_NONE && p->targets && isfinite(*hi))
        *hi = fmax(*hi, ctx->fig->deadline);
    *hi += (*hi - *lo) * 0.03;
}

/* The site's name in its colour, and its status line under it; returns the y below. */
static double draw_panel_head(cairo_t *cr, const struct kit_ctx *ctx, const struct panels *p,
                              size_t i, const struct box *b)
{
    char text[KIT_LINE_MAX_BYTES];
    kit_set_font(cr, ctx, KIT_FS_LABEL, true);
    kit_set_colour(cr, kit_text_tone(kit_site_colour(p->site[i])));
    kit_fit_text(cr, ctx->fig->site_names[p->site[i]], b->w, text, sizeof text);
    kit_text_at(cr, b->x, b->y + kit_px(ctx, 18), KIT_ALIGN_LEFT, text);
    panel_status(ctx, panel_site(ctx, p, i), p->targets, text, sizeof text);
    kit_set_font(cr, ctx, KIT_FS_SMALL, false);
    kit_set_colour(cr, KIT_INK);
    kit_fit_text(cr, text, b->w, text, sizeof text);
    kit_text_at(cr, b->x, b->y + kit_px(ctx, 40), KIT_ALIGN_LEFT, text);
    return b->y + kit_px(ctx, 58);
}

/* Fewer gridlines when a small panel would crowd its tick labels. */
static struct kit_axis panel_axis(double max, double plot_h, const struct kit_ctx *ctx)
{
    struct kit_axis a = kit_nice_axis(max, false);
    while (a.top / a.step > 2 && plot_h / (a.top / a.step) < kit_px(ctx, 34)) {
        a.step *= 2;
        a.top = ceil(max / a.step - 1e-9) * a.step;
    }
    return a;
}

static void draw_panel_target(cairo_t *cr, const struct kit_ctx *ctx, const struct kit_frame *f,
                              long target)
{
    charts_draw_target_rule(cr, ctx, f, target);
    kit_set_font(cr, ctx, KIT_FS_SMALL, false);
    kit_set_colour(cr, KIT_INK);
    kit_text_boxed(cr, f->left + kit_px(ctx, 6), kit_frame_y(f, (double)target) - kit_px(ctx, 11),
                   KIT_ALIGN_LEFT, kit_tr(ctx, "Objectif", "Target"));
}

static void draw_panel(cairo_t *cr, const struct kit_ctx *ctx, const struct panels *p, size_t i,
                       const struct box *b, double x_min, double x_max)
{
    const struct target_progress *tp = panel_site(ctx, p, i);
    struct kit_frame f = {.top = draw_panel_head(cr, ctx, p, i, b) + kit_px(ctx, 10),
                          .bottom = b->y + b->h - kit_px(ctx, 40),
                          .x_min = x_min,
                          .x_max = x_max};
    double max = fmax(p->targets ? (double)tp->target : 0, charts_trajectory_max(tp)) * 1.08;
    f.y = panel_axis(max, f.bottom - f.top, ctx);
    f.left = b->x + kit_y_labels_width(cr, ctx, &f.y) + kit_px(ctx, 10);
    f.right = b->x + b->w - kit_px(ctx, 6);
    kit_draw_y_axis(cr, ctx, &f);
    kit_draw_year_axis(cr, ctx, &f);
    if (p->targets) {
        charts_draw_deadline_rule(cr, ctx, &f);
        draw_panel_target(cr, ctx, &f, tp->target);
    }
    charts_draw_trajectory(cr, ctx, &f, tp, kit_site_colour(p->site[i]), false);
}

void charts_draw_site_targets(cairo_t *cr, const struct kit_ctx *ctx)
{
    kit_paint_background(cr, ctx);
    double top = kit_draw_header(cr, ctx) + kit_px(ctx, 4),
           bottom = kit_draw_footer(cr, ctx) - kit_px(ctx, 2);
    struct panels p = site_panels(ctx);
    if (p.n == 0) {
        kit_draw_empty(cr, ctx, top, bottom);
        return;
    }
    size_t cols = panel_columns(p.n), rows = (p.n + cols - 1) / cols;
    double gap_x = kit_px(ctx, 44), gap_y = kit_px(ctx, 16), left = kit_px(ctx, 36);
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
