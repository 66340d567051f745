/* rates.c — rates with their Wilson intervals: what charts outcome_rates, qpv_share and
 * employment_by_dosage share, and chart outcome_rates (employment and positive-outcome
 * rates per period). */
#include "stages/charts/internal.h"

#include <math.h>

/* ==========================================================================================
 * Rates with their Wilson intervals (charts 3, 4 and 6).
 */

enum charts_rate_state charts_state_of(const struct rate *r, uint8_t flag)
{
    if (kit_withheld(flag))
        return CHARTS_RATE_WITHHELD;
    return r->defined ? CHARTS_RATE_SHOWN : CHARTS_RATE_NO_DATA;
}

enum charts_rate_state charts_period_rate(const struct period_figures *p, enum rate_kind k)
{
    return charts_state_of(&p->rates[k], p->withheld.rates[k]);
}

const char *charts_gap_text(const struct kit_ctx *ctx, enum charts_rate_state s)
{
    return s == CHARTS_RATE_WITHHELD ? kit_withheld_mark(ctx) : kit_tr(ctx, "n.d.", "no data");
}

/* "(20 sur 50)" — the counts behind a rate. */
void charts_rate_counts(const struct kit_ctx *ctx, const struct rate *r, struct kit_sbuf *sb)
{
    kit_sb_add(sb, kit_tr(ctx, " (%s sur %s)", " (%s of %s)"), kit_fmt_count(ctx, r->numerator).s,
               kit_fmt_count(ctx, r->denominator).s);
}

/* Which gaps the chart shows, for its footnote. */
void charts_add_gap(struct charts_rate_gaps *g, enum charts_rate_state s, uint8_t flag)
{
    g->no_data = g->no_data || s == CHARTS_RATE_NO_DATA;
    g->withheld = g->withheld || s == CHARTS_RATE_WITHHELD;
    g->complementary = g->complementary || flag == WITHHELD_COMPLEMENTARY;
}

struct charts_rate_gaps charts_period_gaps(const struct kit_ctx *ctx, const enum rate_kind *kinds,
                                           int n)
{
    struct charts_rate_gaps g = {0};
    for (size_t i = 0; i < ctx->fig->n_periods; i++)
        for (int k = 0; k < n; k++)
            charts_add_gap(&g, charts_period_rate(&ctx->fig->periods[i], kinds[k]),
                           ctx->fig->periods[i].withheld.rates[kinds[k]]);
    return g;
}

/* Interval, "n.d." and withheld notes. */
void charts_rate_note(const struct kit_ctx *ctx, const struct charts_rate_gaps *g,
                      const char *why_fr, const char *why_en, struct kit_sbuf *note)
{
    kit_interval_note(ctx, note);
    if (g->no_data)
        kit_sb_add(note, " %s%s%s.", kit_tr(ctx, "n.d.", "No data"), kit_colon(ctx),
                   kit_tr(ctx, why_fr, why_en));
    charts_gap_note(ctx, g->withheld, g->complementary, CHARTS_GAP_MARK, note);
}

/* Last period where any of the kinds is shown, or -1. */
long charts_last_shown(const struct kit_ctx *ctx, const enum rate_kind *kinds, int n)
{
    for (size_t i = ctx->fig->n_periods; i-- > 0;)
        for (int k = 0; k < n; k++)
            if (charts_period_rate(&ctx->fig->periods[i], kinds[k]) == CHARTS_RATE_SHOWN)
                return (long)i;
    return -1;
}

struct kit_axis charts_axis_for_rates(double max_high, double headroom)
{
    return kit_nice_axis(max_high > 0 ? fmin(1, max_high * headroom) : 1, true);
}

struct kit_axis charts_rate_axis(const struct kit_ctx *ctx, const enum rate_kind *kinds, int n,
                                 double headroom)
{
    double max = 0;
    for (size_t i = 0; i < ctx->fig->n_periods; i++)
        for (int k = 0; k < n; k++)
            if (charts_period_rate(&ctx->fig->periods[i], kinds[k]) == CHARTS_RATE_SHOWN)
                max = fmax(max, ctx->fig->periods[i].rates[kinds[k]].ci_high);
    return charts_axis_for_rates(max, headroom);
}

/* "sur 135 personnes" under a category: who its rate is about. */
void charts_of_total(const struct kit_ctx *ctx, const struct rate *r, const char *one_fr,
                     const char *many_fr, const char *one_en, const char *many_en, char *out,
                     size_t cap)
{
    kit_format_text(
        out, cap, kit_tr(ctx, "sur %s %s", "of %s %s"), kit_fmt_count(ctx, r->denominator).s,
        r->denominator > 1 ? kit_tr(ctx, many_fr, many_en) : kit_tr(ctx, one_fr, one_en));
}

/* A bar with its interval and its value above, or the gap's mark; for charts 4 and 6. */
void charts_draw_rate_bar(cairo_t *cr, const struct kit_ctx *ctx, const struct kit_frame *f,
                          double x, const struct rate *r, enum charts_rate_state s, uint32_t colour,
                          bool partial)
{
    double bw = kit_bar_width(ctx, f);
    if (s != CHARTS_RATE_SHOWN) {
        kit_draw_gap_mark(cr, ctx, f, x, charts_gap_text(ctx, s));
        return;
    }
    kit_set_colour(cr, colour);
    cairo_rectangle(cr, x - bw / 2, kit_frame_y(f, r->rate), bw,
                    f->bottom - kit_frame_y(f, r->rate));
    cairo_fill(cr);
    if (partial)
        kit_draw_partial_outline(cr, ctx, x - bw / 2, kit_frame_y(f, r->rate), bw,
                                 f->bottom - kit_frame_y(f, r->rate));
    kit_draw_whisker(cr, ctx, x, kit_frame_y(f, r->ci_low), kit_frame_y(f, r->ci_high), KIT_INK);
    kit_set_colour(cr, KIT_INK);
    kit_set_font(cr, ctx, KIT_FS_LABEL, true);
    kit_text_boxed(cr, x, kit_frame_y(f, r->ci_high) - kit_px(ctx, 10), KIT_ALIGN_CENTER,
                   kit_fmt_pct(ctx, r->rate, 1).s);
}

/* ---- Chart 3: employment and positive-outcome rates ---- */

static const enum rate_kind OUTCOME_KINDS[2] = {RATE_EMPLOYMENT, RATE_POSITIVE_OUTCOME};
static const uint32_t OUTCOME_COLOURS[2] = {KIT_OI_BLUE, KIT_OI_VERMILLION};

static const char *outcome_name(const struct kit_ctx *ctx, int k, bool key)
{
    if (k == 0)
        return key ? kit_tr(ctx, "Emploi", "Employment") : kit_tr(ctx, "emploi", "employment");
    return key ? kit_tr(ctx, "Sortie positive (emploi, formation ou études)",
                        "Positive outcome (employment, training or education)")
               : kit_tr(ctx, "sortie positive", "positive outcome");
}

static void outcomes_title(const struct kit_ctx *ctx, struct kit_text *t)
{
    struct kit_sbuf sb = kit_sb_start(t->title, sizeof t->title);
    long i = charts_last_shown(ctx, OUTCOME_KINDS, 2);
    if (i < 0 && charts_period_gaps(ctx, OUTCOME_KINDS, 2).withheld) {
        kit_sb_add(&sb, "%s",
                   kit_tr(ctx,
                          "Taux d'emploi et de sortie positive masqués (effectifs trop petits)",
                          "Employment and positive-outcome rates withheld (counts too small)"));
        return;
    }
    if (i < 0) {
        kit_sb_add(&sb, "%s",
                   kit_tr(ctx, "Pas encore de situation connue pour les personnes suivies",
                          "No known outcome yet for the people followed up"));
        return;
    }
    const struct period_figures *p = &ctx->fig->periods[i];
    bool emp = charts_period_rate(p, RATE_EMPLOYMENT) == CHARTS_RATE_SHOWN;
    bool pos = charts_period_rate(p, RATE_POSITIVE_OUTCOME) == CHARTS_RATE_SHOWN;
    kit_sb_add(&sb, kit_tr(ctx, "En %s, ", "In %s, "), kit_period_name(ctx, p).s);
    if (emp)
        kit_sb_add(&sb,
                   kit_tr(ctx, "%s des personnes suivies sont en emploi",
                          "%s of the people followed up were in employment"),
                   kit_fmt_pct(ctx, p->rates[RATE_EMPLOYMENT].rate, 1).s);
    if (emp && pos)
        kit_sb_add(&sb, kit_tr(ctx, ", %s en sortie positive", ", %s in a positive outcome"),
                   kit_fmt_pct(ctx, p->rates[RATE_POSITIVE_OUTCOME].rate, 1).s);
    else if (pos)
        kit_sb_add(&sb,
                   kit_tr(ctx, "%s des personnes suivies sont en sortie positive",
                          "%s of the people followed up were in a positive outcome"),
                   kit_fmt_pct(ctx, p->rates[RATE_POSITIVE_OUTCOME].rate, 1).s);
}

static void outcomes_alt(const struct kit_ctx *ctx, struct kit_text *t)
{
    struct kit_sbuf sb = kit_sb_start(t->alt, sizeof t->alt);
    kit_sb_add(&sb,
               kit_tr(ctx, "Taux par année, avec intervalle de confiance à %s.",
                      "Rates by year, with %s confidence intervals."),
               kit_fmt_pct(ctx, kit_confidence(ctx), 0).s);
    for (size_t i = 0; i < ctx->fig->n_periods; i++) {
        const struct period_figures *p = &ctx->fig->periods[i];
        kit_sb_add(&sb, "%s%s%s", i == 0 ? " " : kit_semicolon(ctx), kit_period_name(ctx, p).s,
                   kit_colon(ctx));
        for (int k = 0; k < 2; k++) {
            const struct rate *r = &p->rates[OUTCOME_KINDS[k]];
            enum charts_rate_state s = charts_period_rate(p, OUTCOME_KINDS[k]);
            kit_sb_add(&sb, "%s%s %s", k ? ", " : "", outcome_name(ctx, k, false),
                       s == CHARTS_RATE_SHOWN ? kit_fmt_pct(ctx, r->rate, 1).s
                                              : charts_gap_text(ctx, s));
            if (s == CHARTS_RATE_SHOWN)
                charts_rate_counts(ctx, r, &sb);
        }
    }
    kit_sb_add(&sb, "%s", ctx->fig->n_periods ? "." : kit_tr(ctx, " Aucune année.", " No years."));
}

void charts_describe_outcomes(const struct kit_ctx *ctx, struct kit_text *t)
{
    kit_subtitle_with_range(
        ctx, t,
        kit_tr(ctx, "Part des personnes suivies, selon leur dernière situation connue",
               "Share of the people followed up, by their latest known situation"));
    outcomes_title(ctx, t);
    outcomes_alt(ctx, t);
    struct kit_sbuf note = kit_sb_start(t->note, sizeof t->note);
    struct charts_rate_gaps g = charts_period_gaps(ctx, OUTCOME_KINDS, 2);
    kit_partial_note(ctx, "points plus clairs", "lighter dots", &note);
    if (ctx->fig->n_periods > 0)
        charts_rate_note(ctx, &g, "aucune situation connue cette année-là",
                         "no known situation that year", &note);
}

/* The period, and "sur 135 personnes" from a rate that is shown. */
static void outcome_category(const struct kit_ctx *ctx, size_t i, char *label, char *sublabel,
                             size_t cap)
{
    const struct period_figures *p = &ctx->fig->periods[i];
    kit_format_text(label, cap, "%s", kit_period_name(ctx, p).s);
    sublabel[0] = '\0';
    for (int k = 0; k < 2; k++)
        if (charts_period_rate(p, OUTCOME_KINDS[k]) == CHARTS_RATE_SHOWN) {
            charts_of_total(ctx, &p->rates[OUTCOME_KINDS[k]], "personne", "personnes", "person",
                            "people", sublabel, cap);
            return;
        }
}

/* Colour key above the plot: a dot and the series name for each series. */
static double draw_outcome_key(cairo_t *cr, const struct kit_ctx *ctx, double top)
{
    double x = kit_px(ctx, 36), y = top + kit_px(ctx, 6);
    kit_set_font(cr, ctx, KIT_FS_LABEL, false);
    for (int k = 0; k < 2; k++) {
        kit_draw_dot(cr, x + kit_px(ctx, 7), y, kit_px(ctx, 7), OUTCOME_COLOURS[k]);
        kit_set_font(cr, ctx, KIT_FS_LABEL, false);
        kit_set_colour(cr, KIT_INK);
        kit_text_mid(cr, x + kit_px(ctx, 20), y, KIT_ALIGN_LEFT, outcome_name(ctx, k, true));
        x += kit_px(ctx, 20) + kit_text_width(cr, outcome_name(ctx, k, true)) + kit_px(ctx, 32);
    }
    return y + kit_px(ctx, 44);
}

/* A rate as a dot on its interval, its value on the side away from its neighbour. */
static void draw_rate_dot(cairo_t *cr, const struct kit_ctx *ctx, const struct kit_frame *f,
                          double x, const struct rate *r, uint32_t colour, enum kit_align side,
                          bool with_label)
{
    kit_draw_whisker(cr, ctx, x, kit_frame_y(f, r->ci_low), kit_frame_y(f, r->ci_high), colour);
    kit_draw_dot(cr, x, kit_frame_y(f, r->rate), kit_px(ctx, 7), colour);
    if (!with_label)
        return;
    kit_set_font(cr, ctx, KIT_FS_LABEL, true);
    kit_set_colour(cr, kit_text_tone(colour));
    double dx = side == KIT_ALIGN_RIGHT ? -kit_px(ctx, 14) : kit_px(ctx, 14);
    kit_text_mid(cr, x + dx, kit_frame_y(f, r->rate), side, kit_fmt_pct(ctx, r->rate, 1).s);
}

/* Both series of a period; one mark in the middle when neither is drawn for one reason. */
static void draw_outcome_period(cairo_t *cr, const struct kit_ctx *ctx, const struct kit_frame *f,
                                size_t i, bool with_labels)
{
    const struct period_figures *p = &ctx->fig->periods[i];
    double band = (f->right - f->left) / (f->x_max - f->x_min), centre = kit_frame_x(f, i + 0.5);
    double offset = fmin(band * 0.12, kit_px(ctx, 40));
    enum charts_rate_state s[2] = {charts_period_rate(p, OUTCOME_KINDS[0]),
                                   charts_period_rate(p, OUTCOME_KINDS[1])};
    if (s[0] != CHARTS_RATE_SHOWN && s[0] == s[1]) {
        kit_draw_gap_mark(cr, ctx, f, centre, charts_gap_text(ctx, s[0]));
        return;
    }
    for (int k = 0; k < 2; k++) {
        double x = centre + (k ? offset : -offset);
        uint32_t colour = p->partial ? kit_partial_tone(OUTCOME_COLOURS[k]) : OUTCOME_COLOURS[k];
        if (s[k] == CHARTS_RATE_SHOWN)
            draw_rate_dot(cr, ctx, f, x, &p->rates[OUTCOME_KINDS[k]], colour,
                          k ? KIT_ALIGN_LEFT : KIT_ALIGN_RIGHT, with_labels);
        else
            kit_draw_gap_mark(cr, ctx, f, x, charts_gap_text(ctx, s[k]));
    }
}

/* Value labels only when each band has room for two of them beside the dots. */
static bool outcome_labels_fit(cairo_t *cr, const struct kit_ctx *ctx, const struct kit_frame *f)
{
    double band = (f->right - f->left) / (f->x_max - f->x_min);
    kit_set_font(cr, ctx, KIT_FS_LABEL, true);
    double label = kit_text_width(cr, kit_fmt_pct(ctx, 1.0, 1).s);
    return band >=
           2 * (fmin(band * 0.12, kit_px(ctx, 40)) + kit_px(ctx, 14) + label) + kit_px(ctx, 12);
}

void charts_draw_outcomes(cairo_t *cr, const struct kit_ctx *ctx)
{
    kit_paint_background(cr, ctx);
    double top = kit_draw_header(cr, ctx), bottom = kit_draw_footer(cr, ctx) - kit_px(ctx, 62);
    if (ctx->fig->n_periods == 0) {
        kit_draw_empty(cr, ctx, top, bottom);
        return;
    }
    top = draw_outcome_key(cr, ctx, top);
    struct kit_frame f =
        kit_category_frame(cr, ctx, top, bottom, charts_rate_axis(ctx, OUTCOME_KINDS, 2, 1.05),
                           ctx->fig->n_periods, 0);
    kit_draw_y_axis(cr, ctx, &f);
    kit_draw_category_axis(cr, ctx, &f, ctx->fig->n_periods, outcome_category);
    bool labels = outcome_labels_fit(cr, ctx, &f);
    for (size_t i = 0; i < ctx->fig->n_periods; i++)
        draw_outcome_period(cr, ctx, &f, i, labels);
}
