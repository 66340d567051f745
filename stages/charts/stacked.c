/* stacked.c — charts beneficiaries_by_role and beneficiaries_by_sex: beneficiaries per
 * period, stacked by role or by sex. */
#include "stages/charts/internal.h"

#include <math.h>

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

static const char *stack_name(const struct kit_ctx *ctx, const struct stack_def *d, int k,
                              bool capital)
{
    return ctx->lang == NUMFMT_LANG_EN ? d->names_en[capital][k] : d->names_fr[capital][k];
}

static bool block_withheld(const struct stack_def *d, const struct period_figures *p, int k)
{
    return kit_withheld(d->flag(p, k));
}

/* A block's drawn size: 0 when withheld or impossible. */
static long block_value(const struct stack_def *d, const struct period_figures *p, int k)
{
    long v = d->value(p, k);
    return block_withheld(d, p, k) || v < 0 ? 0 : v;
}

static bool total_shown(const struct period_figures *p)
{
    return !kit_withheld(p->withheld.counts[COUNT_BENEFICIARIES]);
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

static struct stack_gaps stack_gaps(const struct kit_ctx *ctx, const struct stack_def *d)
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
static void change_phrase(const struct kit_ctx *ctx, size_t i, struct kit_sbuf *sb)
{
    const struct period_figures *p = &ctx->fig->periods[i];
    const struct count_change *c = &p->count_changes[COUNT_BENEFICIARIES];
    /* a partial period against a whole one is no finding to put in a title */
    if (i == 0 || !p->has_previous || !c->relative_defined || p->changes_partial ||
        kit_withheld(p->withheld.count_changes[COUNT_BENEFICIARIES]))
        return;
    const char *prev = ctx->fig->periods[i - 1].label;
    if (fabs(c->relative) < 0.005)
        kit_sb_add(sb, kit_tr(ctx, ", stable par rapport à %s", ", unchanged from %s"), prev);
    else if (c->relative > 0)
        kit_sb_add(sb, kit_tr(ctx, ", en hausse de %s par rapport à %s", ", up %s on %s"),
                   kit_fmt_pct(ctx, c->relative, 0).s, prev);
    else
        kit_sb_add(sb, kit_tr(ctx, ", en baisse de %s par rapport à %s", ", down %s on %s"),
                   kit_fmt_pct(ctx, -c->relative, 0).s, prev);
}

/* Last period whose total is shown, or -1 (a period with no data yet is passed over). */
static long last_total_shown(const struct kit_ctx *ctx)
{
    for (size_t i = ctx->fig->n_periods; i-- > 0;)
        if (total_shown(&ctx->fig->periods[i]) &&
            !figures_period_before_data(&ctx->fig->periods[i]))
            return (long)i;
    return -1;
}

/* "1 050 personnes accompagnées en 2019, en hausse de 15 % par rapport à 2018". */
static void total_title(const struct kit_ctx *ctx, struct kit_sbuf *sb)
{
    long i = last_total_shown(ctx);
    if (ctx->fig->n_periods == 0) {
        kit_sb_add(sb, "%s", kit_tr(ctx, "Aucune présence enregistrée", "No attendance recorded"));
        return;
    }
    if (i < 0) {
        kit_sb_add(
            sb, "%s",
            kit_tr(ctx, "Effectifs trop petits pour être publiés", "Counts too small to publish"));
        return;
    }
    long n = ctx->fig->periods[i].counts[COUNT_BENEFICIARIES];
    kit_sb_add(sb, "%s %s %s %s", kit_fmt_count(ctx, n).s, charts_people(ctx, n),
               kit_tr(ctx, "en", "in"), kit_period_name(ctx, &ctx->fig->periods[i]).s);
    change_phrase(ctx, (size_t)i, sb);
}

/* " 2019 : 1 050 (jeunes 840, parents masqué, rôle non renseigné masqué)". */
static void stack_alt_period(const struct kit_ctx *ctx, const struct stack_def *d, size_t i,
                             struct kit_sbuf *sb)
{
    const struct period_figures *p = &ctx->fig->periods[i];
    kit_sb_add(sb, "%s%s%s%s", i == 0 ? " " : kit_semicolon(ctx), kit_period_name(ctx, p).s,
               kit_colon(ctx),
               total_shown(p) ? kit_fmt_count(ctx, p->counts[COUNT_BENEFICIARIES]).s
                              : kit_withheld_mark(ctx));
    const char *sep = " (";
    for (int k = 0; k < d->n; k++) {
        if (!block_withheld(d, p, k) && block_value(d, p, k) == 0)
            continue;
        kit_sb_add(sb, "%s%s %s", sep, stack_name(ctx, d, k, false),
                   block_withheld(d, p, k) ? kit_withheld_mark(ctx)
                                           : kit_fmt_count(ctx, d->value(p, k)).s);
        sep = ", ";
    }
    kit_sb_add(sb, "%s", sep[0] == ',' ? ")" : "");
}

static void stack_alt(const struct kit_ctx *ctx, const struct stack_def *d, struct kit_text *t)
{
    struct kit_sbuf sb = kit_sb_start(t->alt, sizeof t->alt);
    if (ctx->fig->n_periods == 0) {
        kit_sb_add(&sb, "%s",
                   kit_tr(ctx, "Aucune présence enregistrée" KIT_NBSP ": pas de barre.",
                          "No attendance recorded: no bars."));
        return;
    }
    kit_sb_add(&sb, "%s", kit_tr(ctx, d->alt_fr, d->alt_en));
    for (size_t i = 0; i < ctx->fig->n_periods; i++)
        stack_alt_period(ctx, d, i, &sb);
    kit_sb_add(&sb, ".");
}

/* "Hachures (parents, rôle non renseigné) et « masqué » : valeur masquée (…)." — the
 * categories withheld in some hatched bar, and the "masqué" written over a bar. */
static void stack_gap_note(const struct kit_ctx *ctx, const struct stack_def *d,
                           const struct stack_gaps *g, struct kit_sbuf *sb)
{
    if (!g->hatch && !g->mark)
        return;
    kit_sb_add(sb, "%s", sb->len ? " " : "");
    if (g->hatch) {
        kit_sb_add(sb, "%s", kit_tr(ctx, "Hachures (", "Hatching ("));
        const char *sep = "";
        for (int k = 0; k < d->n; k++) {
            bool hatched = false;
            for (size_t i = 0; i < ctx->fig->n_periods; i++) {
                const struct period_figures *p = &ctx->fig->periods[i];
                hatched = hatched || (block_withheld(d, p, k) && hidden_rest(d, p) > 0);
            }
            if (hatched)
                kit_sb_add(sb, "%s%s", sep, stack_name(ctx, d, k, false));
            sep = hatched ? ", " : sep;
        }
        kit_sb_add(sb, ")%s", g->mark ? kit_tr(ctx, " et ", " and ") : "");
    }
    if (g->mark)
        kit_sb_add(
            sb, "%s",
            g->hatch ? kit_tr(ctx, "\xC2\xAB" KIT_NBSP "masqué" KIT_NBSP "\xC2\xBB", "\"withheld\"")
                     : kit_tr(ctx, "Masqué", "Withheld"));
    kit_sb_add(sb, "%s", kit_colon(ctx));
    kit_withheld_note(ctx, g->complementary, sb);
}

/* "En gris : rôle non renseigné." for each category drawn in earlier bars but absent from
 * the last one, which therefore has no label beside it; then the withheld values. */
static void stack_note(const struct kit_ctx *ctx, const struct stack_def *d, struct kit_text *t)
{
    const struct period_figures *last = &ctx->fig->periods[ctx->fig->n_periods - 1];
    struct kit_sbuf sb = kit_sb_start(t->note, sizeof t->note);
    for (int k = 0; k < d->n; k++) {
        bool earlier = false;
        for (size_t i = 0; i + 1 < ctx->fig->n_periods; i++)
            earlier = earlier || block_value(d, &ctx->fig->periods[i], k) > 0;
        if (earlier && block_value(d, last, k) == 0)
            kit_sb_add(&sb, "%s%s%s%s.", sb.len ? " " : "",
                       kit_tr(ctx, d->colour_fr[k], d->colour_en[k]), kit_colon(ctx),
                       stack_name(ctx, d, k, false));
    }
    kit_partial_note(ctx, "barre plus claire", "lighter bar", &sb);
    struct stack_gaps g = stack_gaps(ctx, d);
    stack_gap_note(ctx, d, &g, &sb);
}

static void describe_stack(const struct kit_ctx *ctx, const struct stack_def *d, struct kit_text *t)
{
    kit_subtitle_with_range(ctx, t, kit_tr(ctx, d->subtitle_fr, d->subtitle_en));
    stack_alt(ctx, d, t);
    if (ctx->fig->n_periods > 0)
        stack_note(ctx, d, t);
}

/* A diagonal hatch in a rectangle, for the withheld rest of a bar. */
static void draw_hatched(cairo_t *cr, const struct kit_ctx *ctx, double x, double y, double w,
                         double h)
{
    cairo_save(cr);
    cairo_rectangle(cr, x, y, w, h);
    cairo_clip(cr);
    kit_set_colour(cr, 0xF2F2F2);
    cairo_paint(cr);
    kit_set_colour(cr, KIT_AXIS);
    cairo_set_line_width(cr, kit_px(ctx, 1.5));
    for (double d = -h; d < w; d += kit_px(ctx, 9)) {
        cairo_move_to(cr, x + d, y + h);
        cairo_line_to(cr, x + d + h, y);
    }
    cairo_stroke(cr);
    cairo_restore(cr);
}

/* One block of a stacked bar with its value inside when it fits; colour 0 is the hatched
 * rest, labelled "masqué". */
static void draw_block(cairo_t *cr, const struct kit_ctx *ctx, const struct kit_frame *f, double x,
                       double bw, long base, long value, const uint32_t *colour)
{
    double y_top = kit_frame_y(f, (double)(base + value)), y_bottom = kit_frame_y(f, (double)base);
    if (colour) {
        kit_set_colour(cr, *colour);
        cairo_rectangle(cr, x - bw / 2, y_top, bw, y_bottom - y_top);
        cairo_fill(cr);
    } else {
        draw_hatched(cr, ctx, x - bw / 2, y_top, bw, y_bottom - y_top);
    }
    cairo_set_source_rgb(cr, 1, 1, 1); /* a hairline between blocks */
    cairo_set_line_width(cr, kit_px(ctx, 1.5));
    cairo_move_to(cr, x - bw / 2, y_top);
    cairo_line_to(cr, x + bw / 2, y_top);
    cairo_stroke(cr);
    struct kit_num text = kit_fmt_count(ctx, value);
    if (!colour)
        kit_format_text(text.s, sizeof text.s, "%s", kit_withheld_mark(ctx));
    kit_set_font(cr, ctx, KIT_FS_TICK, false);
    if (y_bottom - y_top < kit_px(ctx, 24) || kit_text_width(cr, text.s) > bw - kit_px(ctx, 8))
        return;
    kit_set_colour(cr, colour ? kit_text_on(*colour) : KIT_INK);
    if (!colour)
        kit_text_boxed(cr, x, (y_top + y_bottom) / 2 + kit_px(ctx, 6), KIT_ALIGN_CENTER, text.s);
    else
        kit_text_mid(cr, x, (y_top + y_bottom) / 2, KIT_ALIGN_CENTER, text.s);
}

static void draw_stack(cairo_t *cr, const struct kit_ctx *ctx, const struct stack_def *d,
                       const struct kit_frame *f, size_t i)
{
    const struct period_figures *p = &ctx->fig->periods[i];
    double x = kit_frame_x(f, i + 0.5), bw = kit_bar_width(ctx, f);
    long base = 0;
    for (int k = 0; k < d->n; k++) {
        long v = block_value(d, p, k);
        if (v == 0)
            continue; /* a zero block would only leave a stray hairline */
        uint32_t colour = p->partial ? kit_partial_tone(d->colours[k]) : d->colours[k];
        draw_block(cr, ctx, f, x, bw, base, v, &colour);
        base += v;
    }
    if (hidden_rest(d, p) > 0)
        draw_block(cr, ctx, f, x, bw, base, hidden_rest(d, p), NULL);
    if (p->partial && stack_height(d, p) > 0)
        kit_draw_partial_outline(cr, ctx, x - bw / 2, kit_frame_y(f, (double)stack_height(d, p)),
                                 bw, f->bottom - kit_frame_y(f, (double)stack_height(d, p)));
    double y = kit_frame_y(f, (double)stack_height(d, p)) - kit_px(ctx, 9);
    if (total_shown(p)) {
        kit_set_colour(cr, KIT_INK);
        kit_set_font(cr, ctx, KIT_FS_LABEL, true);
        kit_text_at(cr, x, y, KIT_ALIGN_CENTER,
                    kit_fmt_count(ctx, p->counts[COUNT_BENEFICIARIES]).s);
    } else {
        kit_set_colour(cr, KIT_MUTED);
        kit_set_font(cr, ctx, KIT_FS_SMALL, false);
        kit_text_at(cr, x, y, KIT_ALIGN_CENTER, kit_withheld_mark(ctx));
    }
}

/* Category labels beside the blocks of the last bar, the hatched rest as "Masqué"; returns
 * how many. (Categories missing from the last bar are named in the footnote.) */
static size_t stack_labels(const struct kit_ctx *ctx, const struct stack_def *d,
                           const struct kit_frame *f, struct kit_label *labels)
{
    const struct period_figures *p = &ctx->fig->periods[ctx->fig->n_periods - 1];
    size_t n = 0;
    long base = 0;
    for (int k = 0; k < d->n; k++) {
        long v = block_value(d, p, k);
        if (v == 0)
            continue;
        labels[n] = (struct kit_label){.colour = d->colours[k]};
        labels[n].want_y = kit_frame_y(f, base + v / 2.0);
        kit_format_text(labels[n++].text, sizeof labels[0].text, "%s", stack_name(ctx, d, k, true));
        base += v;
    }
    long rest = hidden_rest(d, p);
    if (rest > 0) {
        labels[n] = (struct kit_label){.colour = KIT_MUTED};
        labels[n].want_y = kit_frame_y(f, base + rest / 2.0);
        kit_format_text(labels[n++].text, sizeof labels[0].text, "%s",
                        kit_tr(ctx, "Masqué", "Withheld"));
    }
    return n;
}

/* Room kept right of the plot for the labels: what the last bar's half gap lacks. */
static double stack_label_room(cairo_t *cr, const struct kit_ctx *ctx, const struct stack_def *d,
                               const struct kit_axis *y)
{
    struct kit_label labels[STACK_MAX + 1];
    size_t n_periods = ctx->fig->n_periods;
    struct kit_frame f = kit_category_frame(cr, ctx, 0, 1, *y, n_periods, 0);
    size_t n = stack_labels(ctx, d, &f, labels);
    double need = kit_widest_label(cr, ctx, labels, n) + kit_px(ctx, 12), room = 0;
    for (int pass = 0; pass < 3; pass++) { /* the gap shrinks as the room grows */
        f = kit_category_frame(cr, ctx, 0, 1, *y, n_periods, room);
        double gap = ((f.right - f.left) / (f.x_max - f.x_min) - kit_bar_width(ctx, &f)) / 2;
        room = fmax(0, need - gap);
    }
    return room;
}

static void draw_stacks(cairo_t *cr, const struct kit_ctx *ctx, const struct stack_def *d)
{
    kit_paint_background(cr, ctx);
    double top = kit_draw_header(cr, ctx) + kit_px(ctx, 10),
           bottom = kit_draw_footer(cr, ctx) - kit_px(ctx, 40);
    if (ctx->fig->n_periods == 0) {
        kit_draw_empty(cr, ctx, top, bottom);
        return;
    }
    double max = 0;
    for (size_t i = 0; i < ctx->fig->n_periods; i++)
        max = fmax(max, (double)stack_height(d, &ctx->fig->periods[i]));
    struct kit_axis y = kit_nice_axis(max * 1.08, false);
    struct kit_frame f = kit_category_frame(cr, ctx, top, bottom, y, ctx->fig->n_periods,
                                            stack_label_room(cr, ctx, d, &y));
    kit_draw_y_axis(cr, ctx, &f);
    kit_draw_category_axis(cr, ctx, &f, ctx->fig->n_periods, kit_period_category);
    for (size_t i = 0; i < ctx->fig->n_periods; i++)
        draw_stack(cr, ctx, d, &f, i);
    struct kit_label labels[STACK_MAX + 1];
    size_t n = stack_labels(ctx, d, &f, labels);
    kit_spread_labels(labels, n, kit_px(ctx, 24), f.top, f.bottom - kit_px(ctx, 10));
    double x = kit_frame_x(&f, f.x_max - 0.5) + kit_bar_width(ctx, &f) / 2 + kit_px(ctx, 12);
    kit_draw_side_labels(cr, ctx, labels, n, x);
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

static const uint32_t ROLE_COLOURS[ROLE_COUNT] = {KIT_OI_BLUE, KIT_OI_ORANGE, KIT_UNKNOWN_GREY};
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

void charts_describe_by_role(const struct kit_ctx *ctx, struct kit_text *t)
{
    struct kit_sbuf sb = kit_sb_start(t->title, sizeof t->title);
    total_title(ctx, &sb);
    describe_stack(ctx, &BY_ROLE, t);
}

void charts_draw_by_role(cairo_t *cr, const struct kit_ctx *ctx)
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
static const uint32_t SEX_COLOURS[SEX_COUNT] = {KIT_OI_VERMILLION, KIT_OI_SKY, KIT_UNKNOWN_GREY};
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
    return p->rates[RATE_SHARE_GIRLS].defined && !kit_withheld(p->withheld.rates[RATE_SHARE_GIRLS]);
}

/* "En 2019, 46,2 % des personnes accompagnées sont des femmes", with "dont le sexe est
 * connu" when some are not; when no share is shown, the count of women. */
static bool share_title(const struct kit_ctx *ctx, size_t i, struct kit_sbuf *sb)
{
    const struct period_figures *p = &ctx->fig->periods[i];
    if (!share_shown(p))
        return false;
    bool unknown = p->by_sex[SEX_UNKNOWN] > 0 || kit_withheld(p->withheld.by_sex[SEX_UNKNOWN]);
    kit_sb_add(sb,
               kit_tr(ctx, "En %s, %s des personnes accompagnées%s sont des femmes",
                      "In %s, %s of the people reached%s were female"),
               kit_period_name(ctx, p).s, kit_fmt_pct(ctx, p->rates[RATE_SHARE_GIRLS].rate, 1).s,
               unknown ? kit_tr(ctx, " dont le sexe est connu", " whose sex is recorded") : "");
    return true;
}

/* "En 2019, 546 des 1 050 personnes accompagnées sont des femmes". */
static bool women_title(const struct kit_ctx *ctx, size_t i, struct kit_sbuf *sb)
{
    const struct period_figures *p = &ctx->fig->periods[i];
    if (block_withheld(&BY_SEX, p, SEX_F) || p->by_sex[SEX_F] <= 0)
        return false;
    if (total_shown(p))
        kit_sb_add(sb,
                   kit_tr(ctx, "En %s, %s des %s personnes accompagnées sont des femmes",
                          "In %s, %s of the %s people reached were female"),
                   kit_period_name(ctx, p).s, kit_fmt_count(ctx, p->by_sex[SEX_F]).s,
                   kit_fmt_count(ctx, p->counts[COUNT_BENEFICIARIES]).s);
    else
        kit_sb_add(sb,
                   kit_tr(ctx, "En %s, %s femmes accompagnées",
                          "In %s, %s of the people reached were female"),
                   kit_period_name(ctx, p).s, kit_fmt_count(ctx, p->by_sex[SEX_F]).s);
    return true;
}

static void by_sex_title(const struct kit_ctx *ctx, struct kit_text *t)
{
    struct kit_sbuf sb = kit_sb_start(t->title, sizeof t->title);
    for (size_t i = ctx->fig->n_periods; i-- > 0;)
        if (share_title(ctx, i, &sb))
            return;
    for (size_t i = ctx->fig->n_periods; i-- > 0;)
        if (women_title(ctx, i, &sb))
            return;
    total_title(ctx, &sb);
}

void charts_describe_by_sex(const struct kit_ctx *ctx, struct kit_text *t)
{
    by_sex_title(ctx, t);
    describe_stack(ctx, &BY_SEX, t);
}

void charts_draw_by_sex(cairo_t *cr, const struct kit_ctx *ctx)
{
    draw_stacks(cr, ctx, &BY_SEX);
}
