/* dosage.c — chart employment_by_dosage: employment rate by dosage band (sessions
 * attended) in the last period with data, with intervals and each band's n. */
#include "stages/charts/internal.h"

#include <math.h>

/* ---- Chart 6: employment rate by dosage band, in the last period with data ---- */

static enum charts_rate_state band_rate(const struct period_figures *p, size_t b)
{
    return charts_state_of(&p->employment_by_band[b], p->withheld.employment_by_band[b]);
}

/* The last period with a band's rate shown, or -1. */
static long dosage_period(const struct kit_ctx *ctx)
{
    for (size_t i = ctx->fig->n_periods; i-- > 0;)
        for (size_t b = 0; b < ctx->fig->n_bands; b++)
            if (band_rate(&ctx->fig->periods[i], b) == CHARTS_RATE_SHOWN)
                return (long)i;
    return -1;
}

/* "1 séance", "2 à 4 séances", "5 séances ou plus" / "1 session", "2–4 sessions", … */
static void band_name(const struct kit_ctx *ctx, size_t b, char *out, size_t cap)
{
    const struct dosage_band *band = &ctx->fig->bands[b];
    const char *unit = band->max == 1 || (band->max == 0 && band->min == 1)
                           ? kit_tr(ctx, "séance", "session")
                           : kit_tr(ctx, "séances", "sessions");
    if (band->max == band->min)
        kit_format_text(out, cap, "%d %s", band->min, unit);
    else if (band->max == 0)
        kit_format_text(out, cap, kit_tr(ctx, "%d %s ou plus", "%d or more %s"), band->min,
                        kit_tr(ctx, band->min > 1 ? "séances" : "séance", "sessions"));
    else
        kit_format_text(out, cap, kit_tr(ctx, "%d à %d %s", "%d" KIT_EN_DASH "%d %s"), band->min,
                        band->max, unit);
}

static void dosage_title(const struct kit_ctx *ctx, struct kit_text *t)
{
    struct kit_sbuf sb = kit_sb_start(t->title, sizeof t->title);
    long i = dosage_period(ctx);
    if (i < 0) {
        kit_sb_add(&sb, "%s",
                   kit_tr(ctx,
                          "Taux d'emploi selon le nombre de séances" KIT_NBSP
                          ": aucune donnée publiable",
                          "Employment rate by number of sessions: no data to show"));
        return;
    }
    const struct period_figures *p = &ctx->fig->periods[i];
    long lo = -1, hi = -1;
    for (size_t b = 0; b < ctx->fig->n_bands; b++)
        if (band_rate(p, b) == CHARTS_RATE_SHOWN) {
            lo = lo < 0 ? (long)b : lo;
            hi = (long)b;
        }
    char name[96];
    band_name(ctx, (size_t)hi, name, sizeof name);
    kit_sb_add(&sb,
               kit_tr(ctx, "En %s, %s des personnes ayant suivi %s sont en emploi",
                      "In %s, %s of the people who attended %s were in employment"),
               kit_period_name(ctx, p).s, kit_fmt_pct(ctx, p->employment_by_band[hi].rate, 1).s,
               name);
    if (lo == hi)
        return;
    band_name(ctx, (size_t)lo, name, sizeof name);
    kit_sb_add(&sb, kit_tr(ctx, ", contre %s pour %s", ", against %s for %s"),
               kit_fmt_pct(ctx, p->employment_by_band[lo].rate, 1).s, name);
}

static void dosage_alt(const struct kit_ctx *ctx, long i, struct kit_text *t)
{
    struct kit_sbuf sb = kit_sb_start(t->alt, sizeof t->alt);
    if (i < 0) {
        kit_sb_add(&sb, "%s",
                   kit_tr(ctx, "Aucun taux d'emploi par nombre de séances à représenter.",
                          "No employment rate by number of sessions to show."));
        return;
    }
    const struct period_figures *p = &ctx->fig->periods[i];
    kit_sb_add(&sb,
               kit_tr(ctx,
                      "Taux d'emploi en %s selon le nombre de séances suivies, avec intervalle de "
                      "confiance à %s.",
                      "Employment rate in %s by number of sessions attended, with %s confidence "
                      "intervals."),
               kit_period_name(ctx, p).s, kit_fmt_pct(ctx, kit_confidence(ctx), 0).s);
    for (size_t b = 0; b < ctx->fig->n_bands; b++) {
        char name[96];
        band_name(ctx, b, name, sizeof name);
        enum charts_rate_state s = band_rate(p, b);
        const struct rate *r = &p->employment_by_band[b];
        kit_sb_add(&sb, "%s%s%s%s", b == 0 ? " " : kit_semicolon(ctx), name, kit_colon(ctx),
                   s == CHARTS_RATE_SHOWN ? kit_fmt_pct(ctx, r->rate, 1).s
                                          : charts_gap_text(ctx, s));
        if (s == CHARTS_RATE_SHOWN)
            kit_sb_add(&sb, " (n = %s)", kit_fmt_count(ctx, r->denominator).s);
    }
    kit_sb_add(&sb, ". %s",
               kit_tr(ctx, "Association observée, pas un effet causal.",
                      "Observed association, not a causal effect."));
}

void charts_describe_dosage(const struct kit_ctx *ctx, struct kit_text *t)
{
    long i = dosage_period(ctx);
    const char *what = kit_tr(ctx,
                              "Part des personnes en emploi selon le nombre de séances suivies, "
                              "parmi celles dont la situation est connue",
                              "Share in employment by number of sessions attended, among people "
                              "with a known situation");
    kit_format_text(t->subtitle, sizeof t->subtitle, "%s%s%s", what, i >= 0 ? ", " : "",
                    i >= 0 ? kit_period_name(ctx, &ctx->fig->periods[i]).s : "");
    dosage_title(ctx, t);
    dosage_alt(ctx, i, t);
    if (i < 0)
        return;
    /* a partial period is named in the title and the subtitle: the footnote keeps its room
     * for what the marks mean */
    struct kit_sbuf note = kit_sb_start(t->note, sizeof t->note);
    kit_sb_add(
        &note, "%s",
        kit_tr(ctx,
               "Association observée, pas un effet causal" KIT_NBSP
               ": les personnes qui suivent plus "
               "de séances peuvent différer des autres.",
               "Observed association, not a causal effect: people who attend more sessions may "
               "differ from the others."));
    struct charts_rate_gaps g = {0};
    const struct period_figures *p = &ctx->fig->periods[i];
    for (size_t b = 0; b < ctx->fig->n_bands; b++)
        charts_add_gap(&g, band_rate(p, b), p->withheld.employment_by_band[b]);
    charts_rate_note(ctx, &g, "personne dans cette tranche", "nobody in this band", &note);
}

static void dosage_category(const struct kit_ctx *ctx, size_t b, char *label, char *sublabel,
                            size_t cap)
{
    const struct period_figures *p = &ctx->fig->periods[dosage_period(ctx)];
    band_name(ctx, b, label, cap);
    sublabel[0] = '\0';
    if (band_rate(p, b) != CHARTS_RATE_WITHHELD)
        kit_format_text(sublabel, cap, "n = %s",
                        kit_fmt_count(ctx, p->employment_by_band[b].denominator).s);
}

void charts_draw_dosage(cairo_t *cr, const struct kit_ctx *ctx)
{
    kit_paint_background(cr, ctx);
    double top = kit_draw_header(cr, ctx) + kit_px(ctx, 16),
           bottom = kit_draw_footer(cr, ctx) - kit_px(ctx, 62);
    long i = dosage_period(ctx);
    if (i < 0) {
        kit_draw_empty(cr, ctx, top, bottom);
        return;
    }
    const struct period_figures *p = &ctx->fig->periods[i];
    double max = 0;
    for (size_t b = 0; b < ctx->fig->n_bands; b++)
        if (band_rate(p, b) == CHARTS_RATE_SHOWN)
            max = fmax(max, p->employment_by_band[b].ci_high);
    struct kit_frame f = kit_category_frame(cr, ctx, top, bottom, charts_axis_for_rates(max, 1.1),
                                            ctx->fig->n_bands, 0);
    kit_draw_y_axis(cr, ctx, &f);
    kit_draw_category_axis(cr, ctx, &f, ctx->fig->n_bands, dosage_category);
    for (size_t b = 0; b < ctx->fig->n_bands; b++)
        charts_draw_rate_bar(cr, ctx, &f, kit_frame_x(&f, b + 0.5), &p->employment_by_band[b],
                             band_rate(p, b), KIT_OI_BLUE, false);
}
