/* chart_kit.c — the drawing kit (see chart_kit.h): the chart context and source line, text
 * building and formatting, partial periods and withheld values, text on the canvas. Layout,
 * axes, labels and marks are in chart_kit_plot.c.
 */
#include "stages/common/chart_kit.h"

#include "stages/common/dates.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#define FONT_FAMILY "DejaVu Sans"

void kit_ctx_init(struct kit_ctx *ctx, const struct figures *fig, enum numfmt_lang lang,
                  const char *source, double width, double height)
{
    memset(ctx, 0, sizeof *ctx);
    ctx->fig = fig;
    ctx->lang = lang == NUMFMT_LANG_EN ? NUMFMT_LANG_EN : NUMFMT_LANG_FR;
    ctx->width = width;
    ctx->height = height;
    ctx->scale = width / KIT_REFERENCE_W;
    ctx->with_source = true;
    kit_format_text(ctx->source, sizeof ctx->source, "%s", source);
}

void kit_source_line(enum numfmt_lang lang, const char *programme, const char *run_date, char *out,
                     size_t cap)
{
    bool en = lang == NUMFMT_LANG_EN;
    day_t day;
    char when[NUMFMT_BUF + 64];
    if (!run_date)
        run_date = "";
    if (date_parse(run_date, strlen(run_date), &day, NULL) == DATE_OK)
        numfmt_date(day, en ? NUMFMT_LANG_EN : NUMFMT_LANG_FR, when, sizeof when);
    else
        kit_format_text(when, sizeof when, "%s", run_date);
    kit_format_text(out, cap, "Source%s%s, %s, %s", en ? ": " : KIT_NBSP ": ",
                    programme ? programme : "", en ? "internal data" : "données internes", when);
}

/* ------------------------------------------------------------------------------------------
 * Bounded text building.
 */

struct kit_sbuf kit_sb_start(char *data, size_t cap)
{
    data[0] = '\0';
    return (struct kit_sbuf){data, cap, 0, false};
}

size_t kit_utf8_whole(const char *s, size_t len)
{
    size_t start = len;
    while (start > 0 && ((unsigned char)s[start - 1] & 0xC0) == 0x80)
        start--;
    if (start == 0)
        return len;
    unsigned char lead = (unsigned char)s[start - 1];
    size_t need = lead < 0x80 ? 1 : lead >= 0xF0 ? 4 : lead >= 0xE0 ? 3 : lead >= 0xC0 ? 2 : 1;
    return (len - (start - 1) >= need) ? len : start - 1;
}

void kit_sb_add(struct kit_sbuf *sb, const char *fmt, ...)
{
    va_list args;
    size_t room = sb->cap - sb->len;
    if (sb->full)
        return;
    va_start(args, fmt);
    int n = vsnprintf(sb->data + sb->len, room, fmt, args);
    va_end(args);
    if (n < 0) {
        sb->data[sb->len] = '\0';
        return;
    }
    if ((size_t)n < room) {
        sb->len += (size_t)n;
        return;
    }
    sb->len = kit_utf8_whole(sb->data, sb->cap - 1);
    sb->data[sb->len] = '\0';
    sb->full = true;
}

/* Through sb_add, so that truncation is expected rather than warned about. */
void kit_format_text(char *out, size_t cap, const char *fmt, ...)
{
    char tmp[2048];
    va_list args;
    va_start(args, fmt);
    vsnprintf(tmp, sizeof tmp, fmt, args);
    va_end(args);
    struct kit_sbuf sb = kit_sb_start(out, cap);
    kit_sb_add(&sb, "%s", tmp);
}

/* ------------------------------------------------------------------------------------------
 * Formatting in the chart's language.
 */

struct kit_num kit_fmt_count(const struct kit_ctx *ctx, long value)
{
    struct kit_num n;
    numfmt_count(value, ctx->lang, n.s, sizeof n.s);
    return n;
}

struct kit_num kit_fmt_pct(const struct kit_ctx *ctx, double ratio, int decimals)
{
    struct kit_num n;
    numfmt_percent(ratio, decimals, ctx->lang, n.s, sizeof n.s);
    return n;
}

struct kit_num kit_fmt_date(const struct kit_ctx *ctx, day_t day)
{
    struct kit_num n;
    numfmt_date(day, ctx->lang, n.s, sizeof n.s);
    return n;
}

struct kit_num kit_fmt_quarter(const struct kit_ctx *ctx, day_t day)
{
    struct kit_num n;
    numfmt_quarter(day, ctx->lang, n.s, sizeof n.s);
    return n;
}

/* "2017–2019", or "2017-2018 – 2019-2020" when the labels hold hyphens themselves. */
static void period_range(const struct figures *fig, char *out, size_t cap)
{
    if (fig->n_periods == 0) {
        out[0] = '\0';
        return;
    }
    const char *first = fig->periods[0].label, *last = fig->periods[fig->n_periods - 1].label;
    if (fig->n_periods == 1)
        kit_format_text(out, cap, "%s", first);
    else
        kit_format_text(out, cap, "%s%s%s", first,
                        strchr(first, '-') || strchr(last, '-') ? " " KIT_EN_DASH " " : KIT_EN_DASH,
                        last);
}

void kit_subtitle_with_range(const struct kit_ctx *ctx, struct kit_text *t, const char *what)
{
    char range[80];
    period_range(ctx->fig, range, sizeof range);
    kit_format_text(t->subtitle, sizeof t->subtitle, "%s%s%s", what, range[0] ? ", " : "", range);
}

double kit_confidence(const struct kit_ctx *ctx)
{
    double c = ctx->fig->confidence;
    return c > 0 && c < 1 ? c : 0.95;
}

/* ------------------------------------------------------------------------------------------
 * Partial periods.
 */

struct kit_num kit_period_name(const struct kit_ctx *ctx, const struct period_figures *p)
{
    static const char *const months_en[12] = {"Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                              "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
    struct kit_num n;
    int y, m, d;
    if (!p->partial || p->data_until == DAY_NONE) {
        kit_format_text(n.s, sizeof n.s, "%s", p->label);
        return n;
    }
    if (figures_period_before_data(p)) {
        kit_format_text(n.s, sizeof n.s, "%s %s", p->label,
                        kit_tr(ctx, "(sans données)", "(no data)"));
        return n;
    }
    date_to_ymd(p->data_until, &y, &m, &d);
    if (ctx->lang == NUMFMT_LANG_EN)
        kit_format_text(n.s, sizeof n.s, "%s (to %d %s)", p->label, d % 100,
                        months_en[(m - 1) % 12]);
    else
        kit_format_text(n.s, sizeof n.s, "%s (jusqu'au %02d/%02d)", p->label, d % 100, m % 100);
    return n;
}

const struct period_figures *kit_partial_period(const struct kit_ctx *ctx)
{
    const struct figures *f = ctx->fig;
    if (f->n_periods == 0 || !f->periods[f->n_periods - 1].partial)
        return NULL;
    return &f->periods[f->n_periods - 1];
}

uint32_t kit_partial_tone(uint32_t rgb)
{
    uint32_t r = (rgb >> 16) & 0xFF, g = (rgb >> 8) & 0xFF, b = rgb & 0xFF;
    r = (r * 45 + 255 * 55) / 100, g = (g * 45 + 255 * 55) / 100, b = (b * 45 + 255 * 55) / 100;
    return r << 16 | g << 8 | b;
}

/* The partial period the data stop in (not one wholly after it), or NULL. */
static const struct period_figures *stop_period(const struct kit_ctx *ctx)
{
    for (size_t i = 0; i < ctx->fig->n_periods; i++) {
        const struct period_figures *p = &ctx->fig->periods[i];
        if (p->partial && p->data_until != DAY_NONE && p->data_until >= p->start)
            return p;
    }
    return NULL;
}

void kit_partial_note(const struct kit_ctx *ctx, const char *what_fr, const char *what_en,
                      struct kit_sbuf *sb)
{
    const struct period_figures *last = kit_partial_period(ctx), *p = stop_period(ctx);
    if (!last)
        return;
    if (p) {
        kit_sb_add(sb,
                   kit_tr(ctx, "%s%s incomplet" KIT_NBSP ": données jusqu'au %s",
                          "%s%s is partial: data up to %s"),
                   sb->len ? " " : "", p->label, kit_fmt_date(ctx, p->data_until).s);
        if (what_fr)
            kit_sb_add(sb, " (%s)", kit_tr(ctx, what_fr, what_en));
        kit_sb_add(sb, ".");
    }
    if (last != p) /* periods after the data stop: nothing to show yet, not nobody */
        kit_sb_add(sb,
                   kit_tr(ctx, "%s%s" KIT_NBSP ": pas encore de données.", "%s%s: no data yet."),
                   sb->len ? " " : "", last->label);
}

/* ------------------------------------------------------------------------------------------
 * Withheld values.
 */

const char *kit_withheld_mark(const struct kit_ctx *ctx)
{
    return kit_withheld_word(ctx->lang);
}

const char *kit_withheld_word(enum numfmt_lang lang)
{
    return kit_tr_lang(lang, "masqué", "withheld");
}

/* The threshold is that of the public figures; internal figures (k = 0) withhold nothing,
 * but the note must still read sensibly if a caller marks values by hand. */
void kit_withheld_note(const struct kit_ctx *ctx, bool complementary, struct kit_sbuf *sb)
{
    int k = ctx->fig->suppression_threshold;
    if (k > 0)
        kit_sb_add(
            sb,
            kit_tr(ctx, "valeur masquée (moins de %d personnes", "withheld (fewer than %d people"),
            k);
    else
        kit_sb_add(sb, "%s",
                   kit_tr(ctx, "valeur masquée (petit effectif", "withheld (small count"));
    kit_sb_add(sb, "%s).",
               complementary ? kit_tr(ctx, ", ou pour protéger une autre valeur",
                                      ", or to protect another value")
                             : "");
}

/* ------------------------------------------------------------------------------------------
 * Trajectories: what of a cumulative count can be quoted.
 */

bool kit_point_shown(const struct quarter_point *q)
{
    return !kit_withheld(q->withheld);
}

/* Index of the last quarter whose count is shown, or -1. */
long kit_last_shown_quarter(const struct target_progress *tp)
{
    for (size_t i = tp->n_quarters; i-- > 0;)
        if (kit_point_shown(&tp->quarters[i]))
            return (long)i;
    return -1;
}

/* `reached` (the last quarter's count) and the progress can be quoted. */
bool kit_reached_shown(const struct target_progress *tp)
{
    return tp->n_quarters > 0 && !kit_withheld(tp->withheld) &&
           kit_point_shown(&tp->quarters[tp->n_quarters - 1]);
}

/* ------------------------------------------------------------------------------------------
 * Text on the canvas.
 */

void kit_set_colour(cairo_t *cr, uint32_t rgb)
{
    cairo_set_source_rgb(cr, ((rgb >> 16) & 0xFF) / 255.0, ((rgb >> 8) & 0xFF) / 255.0,
                         (rgb & 0xFF) / 255.0);
}

/* Palette colours are for marks; text in them is darkened to keep a readable contrast. */
uint32_t kit_text_tone(uint32_t rgb)
{
    uint32_t r = ((rgb >> 16) & 0xFF) * 7 / 10, g = ((rgb >> 8) & 0xFF) * 7 / 10;
    uint32_t b = (rgb & 0xFF) * 7 / 10;
    return r << 16 | g << 8 | b;
}

/* White text on dark fills, ink on light ones (relative luminance, roughly). */
uint32_t kit_text_on(uint32_t fill)
{
    double lum =
        0.2126 * ((fill >> 16) & 0xFF) + 0.7152 * ((fill >> 8) & 0xFF) + 0.0722 * (fill & 0xFF);
    return lum < 140 ? 0xFFFFFF : KIT_INK;
}

void kit_set_font(cairo_t *cr, const struct kit_ctx *ctx, double reference_px, bool bold)
{
    kit_set_font_size(cr, kit_px(ctx, reference_px), bold);
}

void kit_set_font_size(cairo_t *cr, double size, bool bold)
{
    cairo_select_font_face(cr, FONT_FAMILY, CAIRO_FONT_SLANT_NORMAL,
                           bold ? CAIRO_FONT_WEIGHT_BOLD : CAIRO_FONT_WEIGHT_NORMAL);
    cairo_set_font_size(cr, size);
}

double kit_text_width(cairo_t *cr, const char *text)
{
    cairo_text_extents_t ext;
    cairo_text_extents(cr, text, &ext);
    return ext.x_advance;
}

/* Draws text with its baseline at y, its left / centre / right at x. */
void kit_text_at(cairo_t *cr, double x, double y, enum kit_align align, const char *text)
{
    double w = kit_text_width(cr, text);
    double shift = align == KIT_ALIGN_LEFT ? 0 : align == KIT_ALIGN_CENTER ? w / 2 : w;
    cairo_move_to(cr, x - shift, y);
    cairo_show_text(cr, text);
    cairo_new_path(cr);
}

/* Draws text vertically centred on y (on the height of a capital). */
void kit_text_mid(cairo_t *cr, double x, double y, enum kit_align align, const char *text)
{
    cairo_text_extents_t cap;
    cairo_text_extents(cr, "H", &cap);
    kit_text_at(cr, x, y + cap.height / 2, align, text);
}

/* Like text_at, on a white box so that gridlines and other marks do not cross the text. */
void kit_text_boxed(cairo_t *cr, double x, double y, enum kit_align align, const char *text)
{
    cairo_text_extents_t ext, cap;
    cairo_text_extents(cr, text, &ext);
    cairo_text_extents(cr, "H", &cap);
    double left = x - (align == KIT_ALIGN_LEFT     ? 0
                       : align == KIT_ALIGN_CENTER ? ext.x_advance / 2
                                                   : ext.x_advance);
    double pad = cap.height * 0.3;
    cairo_save(cr);
    cairo_set_source_rgb(cr, 1, 1, 1);
    cairo_rectangle(cr, left - pad, y - cap.height - pad, ext.x_advance + 2 * pad,
                    cap.height * 1.3 + 2 * pad);
    cairo_fill(cr);
    cairo_restore(cr);
    kit_text_at(cr, x, y, align, text);
}

/* Copies text into out, shortened with an ellipsis so that it fits max_w. */
void kit_fit_text(cairo_t *cr, const char *text, double max_w, char *out, size_t cap)
{
    char whole[KIT_LINE_MAX_BYTES], trial[KIT_LINE_MAX_BYTES + 4];
    kit_format_text(whole, sizeof whole, "%s", text); /* text may be out itself */
    kit_format_text(out, cap, "%s", whole);
    if (kit_text_width(cr, out) <= max_w)
        return;
    size_t len = strlen(out);
    while (len > 0) {
        len = kit_utf8_whole(whole, len - 1);
        kit_format_text(trial, sizeof trial, "%.*s%s", (int)len, whole, KIT_ELLIPSIS);
        if (kit_text_width(cr, trial) <= max_w)
            break;
    }
    kit_format_text(out, cap, "%.*s%s", (int)len, whole, KIT_ELLIPSIS);
}

/* Bytes of p that fit max_w when cut at a space; at least the first word. */
static size_t fitting_prefix(cairo_t *cr, const char *p, double max_w)
{
    char trial[KIT_LINE_MAX_BYTES];
    size_t best = 0;
    for (size_t i = 0;; i++) {
        if (p[i] != ' ' && p[i] != '\0')
            continue;
        kit_format_text(trial, sizeof trial, "%.*s", (int)i, p);
        if (best > 0 && kit_text_width(cr, trial) > max_w)
            break;
        best = i;
        if (p[i] == '\0')
            break;
    }
    return best;
}

/* Greedy word wrap on ASCII spaces (no-break spaces hold); the last allowed line takes the
 * rest, shortened with an ellipsis. Returns the number of lines. */
int kit_wrap_text(cairo_t *cr, const char *text, double max_w, int max_lines,
                  char lines[][KIT_LINE_MAX_BYTES])
{
    int n = 0;
    const char *p = text;
    while (*p == ' ')
        p++;
    while (*p && n < max_lines) {
        size_t fit = n == max_lines - 1 ? strlen(p) : fitting_prefix(cr, p, max_w);
        kit_format_text(lines[n], KIT_LINE_MAX_BYTES, "%.*s", (int)fit, p);
        kit_fit_text(cr, lines[n], max_w, lines[n], KIT_LINE_MAX_BYTES);
        n++;
        p += fit;
        while (*p == ' ')
            p++;
    }
    return n;
}
