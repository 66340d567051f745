/* qpv.c — chart qpv_share: share of sessions held in a QPV per period, with intervals. */
#include "stages/charts/internal.h"

/* ---- Chart 4: share of sessions held in a QPV ---- */

static const enum rate_kind QPV_KIND[1] = {RATE_QPV_SHARE};

static void qpv_title(const struct kit_ctx *ctx, struct kit_text *t)
{
    long i = charts_last_shown(ctx, QPV_KIND, 1);
    if (i < 0 && charts_period_gaps(ctx, QPV_KIND, 1).withheld) {
        kit_format_text(t->title, sizeof t->title, "%s",
                        kit_tr(ctx, "Part des séances en quartier prioritaire masquée",
                               "Share of sessions in priority neighbourhoods withheld"));
        return;
    }
    if (i < 0) {
        kit_format_text(
            t->title, sizeof t->title, "%s",
            kit_tr(ctx, "Lieu des séances non renseigné", "Session locations not recorded"));
        return;
    }
    const struct period_figures *p = &ctx->fig->periods[i];
    kit_format_text(t->title, sizeof t->title,
                    kit_tr(ctx, "En %s, %s des séances ont eu lieu en quartier prioritaire",
                           "In %s, %s of sessions took place in a priority neighbourhood"),
                    kit_period_name(ctx, p).s,
                    kit_fmt_pct(ctx, p->rates[RATE_QPV_SHARE].rate, 1).s);
}

static void qpv_alt(const struct kit_ctx *ctx, struct kit_text *t)
{
    struct kit_sbuf sb = kit_sb_start(t->alt, sizeof t->alt);
    kit_sb_add(&sb,
               kit_tr(ctx, "Une barre par année, avec intervalle de confiance à %s.",
                      "One bar per year, with %s confidence intervals."),
               kit_fmt_pct(ctx, kit_confidence(ctx), 0).s);
    for (size_t i = 0; i < ctx->fig->n_periods; i++) {
        const struct period_figures *p = &ctx->fig->periods[i];
        const struct rate *r = &p->rates[RATE_QPV_SHARE];
        enum charts_rate_state s = charts_period_rate(p, RATE_QPV_SHARE);
        kit_sb_add(&sb, "%s%s%s%s", i == 0 ? " " : kit_semicolon(ctx), kit_period_name(ctx, p).s,
                   kit_colon(ctx),
                   s == CHARTS_RATE_SHOWN ? kit_fmt_pct(ctx, r->rate, 1).s
                                          : charts_gap_text(ctx, s));
        if (s == CHARTS_RATE_SHOWN)
            kit_sb_add(&sb, kit_tr(ctx, " (%s séances sur %s)", " (%s of %s sessions)"),
                       kit_fmt_count(ctx, r->numerator).s, kit_fmt_count(ctx, r->denominator).s);
    }
    kit_sb_add(&sb, "%s", ctx->fig->n_periods ? "." : kit_tr(ctx, " Aucune année.", " No years."));
}

void charts_describe_qpv(const struct kit_ctx *ctx, struct kit_text *t)
{
    kit_subtitle_with_range(
        ctx, t,
        kit_tr(ctx,
               "Part des séances tenues en quartier prioritaire (QPV) parmi "
               "celles dont le lieu est connu",
               "Share of sessions held in a priority neighbourhood (QPV) among those "
               "with a known location"));
    qpv_title(ctx, t);
    qpv_alt(ctx, t);
    struct kit_sbuf note = kit_sb_start(t->note, sizeof t->note);
    struct charts_rate_gaps g = charts_period_gaps(ctx, QPV_KIND, 1);
    kit_partial_note(ctx, "barre plus claire", "lighter bar", &note);
    if (ctx->fig->n_periods > 0)
        charts_rate_note(ctx, &g, "lieu des séances non renseigné cette année-là",
                         "session locations not recorded that year", &note);
}

static void qpv_category(const struct kit_ctx *ctx, size_t i, char *label, char *sublabel,
                         size_t cap)
{
    const struct period_figures *p = &ctx->fig->periods[i];
    kit_format_text(label, cap, "%s", kit_period_name(ctx, p).s);
    sublabel[0] = '\0';
    if (charts_period_rate(p, RATE_QPV_SHARE) == CHARTS_RATE_SHOWN)
        charts_of_total(ctx, &p->rates[RATE_QPV_SHARE], "séance", "séances", "session", "sessions",
                        sublabel, cap);
}

void charts_draw_qpv(cairo_t *cr, const struct kit_ctx *ctx)
{
    kit_paint_background(cr, ctx);
    double top = kit_draw_header(cr, ctx) + kit_px(ctx, 16),
           bottom = kit_draw_footer(cr, ctx) - kit_px(ctx, 62);
    if (ctx->fig->n_periods == 0) {
        kit_draw_empty(cr, ctx, top, bottom);
        return;
    }
    struct kit_frame f = kit_category_frame(
        cr, ctx, top, bottom, charts_rate_axis(ctx, QPV_KIND, 1, 1.1), ctx->fig->n_periods, 0);
    kit_draw_y_axis(cr, ctx, &f);
    kit_draw_category_axis(cr, ctx, &f, ctx->fig->n_periods, qpv_category);
    for (size_t i = 0; i < ctx->fig->n_periods; i++) {
        const struct period_figures *p = &ctx->fig->periods[i];
        charts_draw_rate_bar(cr, ctx, &f, kit_frame_x(&f, i + 0.5), &p->rates[RATE_QPV_SHARE],
                             charts_period_rate(p, RATE_QPV_SHARE),
                             p->partial ? kit_partial_tone(KIT_OI_GREEN) : KIT_OI_GREEN,
                             p->partial);
    }
}
