/* charts_kit.c — the drawing kit of the charts stage (see charts_kit.h): text building and
 * formatting, text on the canvas, page layout, axes, direct labels and shared marks.
 */
#include "stages/charts_kit.h"

#include "stages/common/arena.h"

#include <errno.h>
#include <math.h>
#include <png.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define FONT_FAMILY "DejaVu Sans"

static const uint32_t SITE_COLOURS[] = {OI_ORANGE, OI_GREEN, OI_PURPLE, OI_SKY, OI_VERMILLION};
#define N_SITE_COLOURS (sizeof SITE_COLOURS / sizeof SITE_COLOURS[0])

/* "Source : Programme, données internes, 26 nov. 2026". */
static void source_line(struct chart_ctx *ctx)
{
    charts_source_line(ctx->opt, ctx->source, sizeof ctx->source);
}

void chart_ctx_init(struct chart_ctx *ctx, const struct figures *fig,
                    const struct charts_options *opt, double width, double height)
{
    memset(ctx, 0, sizeof *ctx);
    ctx->fig = fig;
    ctx->opt = opt;
    ctx->lang = opt->language == NUMFMT_LANG_EN ? NUMFMT_LANG_EN : NUMFMT_LANG_FR;
    ctx->width = width;
    ctx->height = height;
    ctx->scale = width / REFERENCE_W;
    ctx->with_source = true;
    source_line(ctx);
}

/* ------------------------------------------------------------------------------------------
 * Bounded text building.
 */

struct sbuf sb_start(char *data, size_t cap)
{
    data[0] = '\0';
    return (struct sbuf){data, cap, 0, false};
}

size_t utf8_whole(const char *s, size_t len)
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

void sb_add(struct sbuf *sb, const char *fmt, ...)
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
    sb->len = utf8_whole(sb->data, sb->cap - 1);
    sb->data[sb->len] = '\0';
    sb->full = true;
}

/* Through sb_add, so that truncation is expected rather than warned about. */
void format_text(char *out, size_t cap, const char *fmt, ...)
{
    char tmp[2048];
    va_list args;
    va_start(args, fmt);
    vsnprintf(tmp, sizeof tmp, fmt, args);
    va_end(args);
    struct sbuf sb = sb_start(out, cap);
    sb_add(&sb, "%s", tmp);
}

/* ------------------------------------------------------------------------------------------
 * Formatting in the chart's language.
 */

struct num fmt_count(const struct chart_ctx *ctx, long value)
{
    struct num n;
    numfmt_count(value, ctx->lang, n.s, sizeof n.s);
    return n;
}

struct num fmt_pct(const struct chart_ctx *ctx, double ratio, int decimals)
{
    struct num n;
    numfmt_percent(ratio, decimals, ctx->lang, n.s, sizeof n.s);
    return n;
}

struct num fmt_date(const struct chart_ctx *ctx, day_t day)
{
    struct num n;
    numfmt_date(day, ctx->lang, n.s, sizeof n.s);
    return n;
}

struct num fmt_quarter(const struct chart_ctx *ctx, day_t day)
{
    struct num n;
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
        format_text(out, cap, "%s", first);
    else
        format_text(out, cap, "%s%s%s", first,
                    strchr(first, '-') || strchr(last, '-') ? " " EN_DASH " " : EN_DASH, last);
}

void subtitle_with_range(const struct chart_ctx *ctx, struct chart_text *t, const char *what)
{
    char range[80];
    period_range(ctx->fig, range, sizeof range);
    format_text(t->subtitle, sizeof t->subtitle, "%s%s%s", what, range[0] ? ", " : "", range);
}

double confidence(const struct chart_ctx *ctx)
{
    double c = ctx->fig->confidence;
    return c > 0 && c < 1 ? c : 0.95;
}

/* ------------------------------------------------------------------------------------------
 * Partial periods.
 */

struct num period_name(const struct chart_ctx *ctx, const struct period_figures *p)
{
    static const char *const months_en[12] = {"Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                              "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
    struct num n;
    int y, m, d;
    if (!p->partial || p->data_until == DAY_NONE) {
        format_text(n.s, sizeof n.s, "%s", p->label);
        return n;
    }
    if (p->data_until < p->start) {
        format_text(n.s, sizeof n.s, "%s %s", p->label, tr(ctx, "(sans données)", "(no data)"));
        return n;
    }
    date_to_ymd(p->data_until, &y, &m, &d);
    if (ctx->lang == NUMFMT_LANG_EN)
        format_text(n.s, sizeof n.s, "%s (to %d %s)", p->label, d % 100, months_en[(m - 1) % 12]);
    else
        format_text(n.s, sizeof n.s, "%s (jusqu'au %02d/%02d)", p->label, d % 100, m % 100);
    return n;
}

const struct period_figures *partial_period(const struct chart_ctx *ctx)
{
    const struct figures *f = ctx->fig;
    if (f->n_periods == 0 || !f->periods[f->n_periods - 1].partial)
        return NULL;
    return &f->periods[f->n_periods - 1];
}

uint32_t partial_tone(uint32_t rgb)
{
    uint32_t r = (rgb >> 16) & 0xFF, g = (rgb >> 8) & 0xFF, b = rgb & 0xFF;
    r = (r * 45 + 255 * 55) / 100, g = (g * 45 + 255 * 55) / 100, b = (b * 45 + 255 * 55) / 100;
    return r << 16 | g << 8 | b;
}

/* The partial period the data stop in (not one wholly after it), or NULL. */
static const struct period_figures *stop_period(const struct chart_ctx *ctx)
{
    for (size_t i = 0; i < ctx->fig->n_periods; i++) {
        const struct period_figures *p = &ctx->fig->periods[i];
        if (p->partial && p->data_until != DAY_NONE && p->data_until >= p->start)
            return p;
    }
    return NULL;
}

void partial_note(const struct chart_ctx *ctx, const char *what_fr, const char *what_en,
                  struct sbuf *sb)
{
    const struct period_figures *last = partial_period(ctx), *p = stop_period(ctx);
    if (!last)
        return;
    if (p) {
        sb_add(sb,
               tr(ctx, "%s%s incomplet" NBSP ": données jusqu'au %s",
                  "%s%s is partial: data up to %s"),
               sb->len ? " " : "", p->label, fmt_date(ctx, p->data_until).s);
        if (what_fr)
            sb_add(sb, " (%s)", tr(ctx, what_fr, what_en));
        sb_add(sb, ".");
    }
    if (last != p) /* periods after the data stop: nothing to show yet, not nobody */
        sb_add(sb, tr(ctx, "%s%s" NBSP ": pas encore de données.", "%s%s: no data yet."),
               sb->len ? " " : "", last->label);
}

/* ------------------------------------------------------------------------------------------
 * Withheld values.
 */

const char *withheld_mark(const struct chart_ctx *ctx)
{
    return tr(ctx, "masqué", "withheld");
}

/* The threshold is that of the public figures; internal figures (k = 0) withhold nothing,
 * but the note must still read sensibly if a caller marks values by hand. */
void withheld_note(const struct chart_ctx *ctx, bool complementary, struct sbuf *sb)
{
    int k = ctx->fig->suppression_threshold;
    if (k > 0)
        sb_add(sb,
               tr(ctx, "valeur masquée (moins de %d personnes", "withheld (fewer than %d people"),
               k);
    else
        sb_add(sb, "%s", tr(ctx, "valeur masquée (petit effectif", "withheld (small count"));
    sb_add(sb, "%s).",
           complementary
               ? tr(ctx, ", ou pour protéger une autre valeur", ", or to protect another value")
               : "");
}

/* ------------------------------------------------------------------------------------------
 * Text on the canvas.
 */

void set_colour(cairo_t *cr, uint32_t rgb)
{
    cairo_set_source_rgb(cr, ((rgb >> 16) & 0xFF) / 255.0, ((rgb >> 8) & 0xFF) / 255.0,
                         (rgb & 0xFF) / 255.0);
}

/* Palette colours are for marks; text in them is darkened to keep a readable contrast. */
uint32_t text_tone(uint32_t rgb)
{
    uint32_t r = ((rgb >> 16) & 0xFF) * 7 / 10, g = ((rgb >> 8) & 0xFF) * 7 / 10;
    uint32_t b = (rgb & 0xFF) * 7 / 10;
    return r << 16 | g << 8 | b;
}

/* White text on dark fills, ink on light ones (relative luminance, roughly). */
uint32_t text_on(uint32_t fill)
{
    double lum =
        0.2126 * ((fill >> 16) & 0xFF) + 0.7152 * ((fill >> 8) & 0xFF) + 0.0722 * (fill & 0xFF);
    return lum < 140 ? 0xFFFFFF : INK;
}

void set_font(cairo_t *cr, const struct chart_ctx *ctx, double reference_px, bool bold)
{
    cairo_select_font_face(cr, FONT_FAMILY, CAIRO_FONT_SLANT_NORMAL,
                           bold ? CAIRO_FONT_WEIGHT_BOLD : CAIRO_FONT_WEIGHT_NORMAL);
    cairo_set_font_size(cr, px(ctx, reference_px));
}

double text_width(cairo_t *cr, const char *text)
{
    cairo_text_extents_t ext;
    cairo_text_extents(cr, text, &ext);
    return ext.x_advance;
}

/* Draws text with its baseline at y, its left / centre / right at x. */
void text_at(cairo_t *cr, double x, double y, enum align align, const char *text)
{
    double w = text_width(cr, text);
    double shift = align == ALIGN_LEFT ? 0 : align == ALIGN_CENTER ? w / 2 : w;
    cairo_move_to(cr, x - shift, y);
    cairo_show_text(cr, text);
    cairo_new_path(cr);
}

/* Draws text vertically centred on y (on the height of a capital). */
void text_mid(cairo_t *cr, double x, double y, enum align align, const char *text)
{
    cairo_text_extents_t cap;
    cairo_text_extents(cr, "H", &cap);
    text_at(cr, x, y + cap.height / 2, align, text);
}

/* Like text_at, on a white box so that gridlines and other marks do not cross the text. */
void text_boxed(cairo_t *cr, double x, double y, enum align align, const char *text)
{
    cairo_text_extents_t ext, cap;
    cairo_text_extents(cr, text, &ext);
    cairo_text_extents(cr, "H", &cap);
    double left = x - (align == ALIGN_LEFT     ? 0
                       : align == ALIGN_CENTER ? ext.x_advance / 2
                                               : ext.x_advance);
    double pad = cap.height * 0.3;
    cairo_save(cr);
    cairo_set_source_rgb(cr, 1, 1, 1);
    cairo_rectangle(cr, left - pad, y - cap.height - pad, ext.x_advance + 2 * pad,
                    cap.height * 1.3 + 2 * pad);
    cairo_fill(cr);
    cairo_restore(cr);
    text_at(cr, x, y, align, text);
}

/* Copies text into out, shortened with an ellipsis so that it fits max_w. */
void fit_text(cairo_t *cr, const char *text, double max_w, char *out, size_t cap)
{
    char whole[LINE_MAX_BYTES], trial[LINE_MAX_BYTES + 4];
    format_text(whole, sizeof whole, "%s", text); /* text may be out itself */
    format_text(out, cap, "%s", whole);
    if (text_width(cr, out) <= max_w)
        return;
    size_t len = strlen(out);
    while (len > 0) {
        len = utf8_whole(whole, len - 1);
        format_text(trial, sizeof trial, "%.*s%s", (int)len, whole, ELLIPSIS);
        if (text_width(cr, trial) <= max_w)
            break;
    }
    format_text(out, cap, "%.*s%s", (int)len, whole, ELLIPSIS);
}

/* Bytes of p that fit max_w when cut at a space; at least the first word. */
static size_t fitting_prefix(cairo_t *cr, const char *p, double max_w)
{
    char trial[LINE_MAX_BYTES];
    size_t best = 0;
    for (size_t i = 0;; i++) {
        if (p[i] != ' ' && p[i] != '\0')
            continue;
        format_text(trial, sizeof trial, "%.*s", (int)i, p);
        if (best > 0 && text_width(cr, trial) > max_w)
            break;
        best = i;
        if (p[i] == '\0')
            break;
    }
    return best;
}

/* Greedy word wrap on ASCII spaces (no-break spaces hold); the last allowed line takes the
 * rest, shortened with an ellipsis. Returns the number of lines. */
int wrap_text(cairo_t *cr, const char *text, double max_w, int max_lines,
              char lines[][LINE_MAX_BYTES])
{
    int n = 0;
    const char *p = text;
    while (*p == ' ')
        p++;
    while (*p && n < max_lines) {
        size_t fit = n == max_lines - 1 ? strlen(p) : fitting_prefix(cr, p, max_w);
        format_text(lines[n], LINE_MAX_BYTES, "%.*s", (int)fit, p);
        fit_text(cr, lines[n], max_w, lines[n], LINE_MAX_BYTES);
        n++;
        p += fit;
        while (*p == ' ')
            p++;
    }
    return n;
}

/* ------------------------------------------------------------------------------------------
 * Page layout: background, header (title, subtitle), footer (note, source), empty message.
 */

/* Only the chart's own rectangle: on the summary sheet the chart is one part of a page. */
void paint_background(cairo_t *cr, const struct chart_ctx *ctx)
{
    cairo_set_source_rgb(cr, 1, 1, 1);
    cairo_rectangle(cr, 0, 0, ctx->width, ctx->height);
    cairo_fill(cr);
}

/* Draws lines of text from baseline y down; returns the baseline after the last line. */
static double draw_lines(cairo_t *cr, const char *text, double x, double y, double max_w,
                         double leading, int max_lines)
{
    char lines[WRAP_MAX][LINE_MAX_BYTES];
    int n = wrap_text(cr, text, max_w, max_lines, lines);
    for (int i = 0; i < n; i++) {
        text_at(cr, x, y, ALIGN_LEFT, lines[i]);
        y += leading;
    }
    return y - leading;
}

double draw_header(cairo_t *cr, const struct chart_ctx *ctx)
{
    double x = px(ctx, 36), max_w = ctx->width - 2 * x;
    set_colour(cr, INK);
    set_font(cr, ctx, FS_TITLE, true);
    double y = draw_lines(cr, ctx->text.title, x, px(ctx, 48), max_w, px(ctx, 37), 2);
    set_colour(cr, MUTED);
    set_font(cr, ctx, FS_SUBTITLE, false);
    y = draw_lines(cr, ctx->text.subtitle, x, y + px(ctx, 32), max_w, px(ctx, 25), 2);
    return y + px(ctx, 22);
}

/* The source line at the bottom left and the footnote (wrapped, at most NOTE_LINES_MAX
 * lines) above it, bottom up. */
double draw_footer(cairo_t *cr, const struct chart_ctx *ctx)
{
    double x = px(ctx, 36), y = ctx->height - px(ctx, 18), max_w = ctx->width - 2 * x;
    set_colour(cr, MUTED);
    set_font(cr, ctx, FS_SMALL, false);
    char lines[NOTE_LINES_MAX][LINE_MAX_BYTES];
    if (ctx->with_source) {
        fit_text(cr, ctx->source, max_w, lines[0], sizeof lines[0]);
        text_at(cr, x, y, ALIGN_LEFT, lines[0]);
        y -= px(ctx, 22);
    }
    int n = ctx->text.note[0] ? wrap_text(cr, ctx->text.note, max_w, NOTE_LINES_MAX, lines) : 0;
    for (int i = n; i-- > 0;) {
        text_at(cr, x, y, ALIGN_LEFT, lines[i]);
        y -= px(ctx, 22);
    }
    return y;
}

void draw_empty(cairo_t *cr, const struct chart_ctx *ctx, double top, double bottom)
{
    set_colour(cr, MUTED);
    set_font(cr, ctx, FS_LABEL, false);
    text_mid(cr, ctx->width / 2, (top + bottom) / 2, ALIGN_CENTER,
             tr(ctx, "Aucune donnée à représenter", "No data to show"));
}

/* ------------------------------------------------------------------------------------------
 * Axes.
 */

/* A "nice" step (1, 2, 2.5 or 5 × 10^k) giving about five intervals up to max; whole-number
 * axes never get fractional steps. Percent axes are built in percentage points. */
struct axis nice_axis(double max, bool percent)
{
    double units = percent ? max * 100 : max;
    if (!(units > 0))
        units = percent ? 100 : 5;
    double raw = units / 5, mag = pow(10, floor(log10(raw))), f = raw / mag;
    double step = f <= 1 ? 1 : f <= 2 ? 2 : (f <= 2.5 && mag >= 10) ? 2.5 : f <= 5 ? 5 : 10;
    step *= mag;
    if (step < 1)
        step = 1;
    double top = ceil(units / step - 1e-9) * step;
    if (percent && top > 100)
        top = 100;
    double unit = percent ? 100 : 1;
    return (struct axis){top / unit, step / unit, percent};
}

static struct num tick_label(const struct chart_ctx *ctx, const struct axis *a, double v)
{
    return a->percent ? fmt_pct(ctx, v, 0) : fmt_count(ctx, lround(v));
}

/* Widest y tick label, so the plot can start right after it. */
double y_labels_width(cairo_t *cr, const struct chart_ctx *ctx, const struct axis *a)
{
    set_font(cr, ctx, FS_TICK, false);
    return text_width(cr, tick_label(ctx, a, a->top).s);
}

/* Light horizontal gridlines at each tick, labels on the left, a darker zero line. */
void draw_y_axis(cairo_t *cr, const struct chart_ctx *ctx, const struct frame *f)
{
    set_font(cr, ctx, FS_TICK, false);
    cairo_set_line_width(cr, fmax(1, px(ctx, 1)));
    int n = (int)lround(f->y.top / f->y.step);
    for (int i = 0; i <= n; i++) {
        double v = i * f->y.step, y = round(frame_y(f, v)) + 0.5;
        set_colour(cr, i == 0 ? AXIS : GRID);
        cairo_move_to(cr, f->left, y);
        cairo_line_to(cr, f->right, y);
        cairo_stroke(cr);
        set_colour(cr, MUTED);
        text_mid(cr, f->left - px(ctx, 10), y, ALIGN_RIGHT, tick_label(ctx, &f->y, v).s);
    }
}

void period_category(const struct chart_ctx *ctx, size_t i, char *label, char *sublabel, size_t cap)
{
    format_text(label, cap, "%s", period_name(ctx, &ctx->fig->periods[i]).s);
    sublabel[0] = '\0';
}

void draw_category_axis(cairo_t *cr, const struct chart_ctx *ctx, const struct frame *f, size_t n,
                        category_fn labels)
{
    double band = (f->right - f->left) / (f->x_max - f->x_min);
    for (size_t i = 0; i < n; i++) {
        char label[LINE_MAX_BYTES], sub[LINE_MAX_BYTES], fitted[LINE_MAX_BYTES];
        double x = frame_x(f, i + 0.5);
        labels(ctx, i, label, sub, sizeof label);
        set_colour(cr, INK);
        set_font(cr, ctx, FS_LABEL, false);
        fit_text(cr, label, band * 0.95, fitted, sizeof fitted);
        text_at(cr, x, f->bottom + px(ctx, 28), ALIGN_CENTER, fitted);
        if (!sub[0])
            continue;
        set_colour(cr, MUTED);
        set_font(cr, ctx, FS_SMALL, false);
        fit_text(cr, sub, band * 0.95, fitted, sizeof fitted);
        text_at(cr, x, f->bottom + px(ctx, 50), ALIGN_CENTER, fitted);
    }
}

static day_t jan_first(int year)
{
    day_t day = 0;
    date_from_ymd(year, 1, 1, &day);
    return day;
}

/* Small ticks at quarter starts, a longer one at each 1 January; the year is named only when
 * enough of it is shown. */
void draw_year_axis(cairo_t *cr, const struct chart_ctx *ctx, const struct frame *f)
{
    int first, last, m, d;
    date_to_ymd((day_t)f->x_min, &first, &m, &d);
    date_to_ymd((day_t)f->x_max, &last, &m, &d);
    set_font(cr, ctx, FS_LABEL, false);
    cairo_set_line_width(cr, fmax(1, px(ctx, 1)));
    for (int year = first; year <= last; year++) {
        for (int q = 0; q < 4; q++) {
            day_t start = 0;
            date_from_ymd(year, 1 + 3 * q, 1, &start);
            if (start < f->x_min || start > f->x_max)
                continue;
            double x = round(frame_x(f, start)) + 0.5, tick = px(ctx, q == 0 ? 10 : 5);
            set_colour(cr, AXIS);
            cairo_move_to(cr, x, f->bottom);
            cairo_line_to(cr, x, f->bottom + tick);
            cairo_stroke(cr);
        }
        double lo = fmax(jan_first(year), f->x_min), hi = fmin(jan_first(year + 1), f->x_max);
        char label[8];
        format_text(label, sizeof label, "%d", year);
        if (frame_x(f, hi) - frame_x(f, lo) < text_width(cr, label) * 1.2)
            continue; /* too little of this year is shown to name it */
        set_colour(cr, INK);
        text_at(cr, frame_x(f, (lo + hi) / 2), f->bottom + px(ctx, 30), ALIGN_CENTER, label);
    }
}

struct frame category_frame(cairo_t *cr, const struct chart_ctx *ctx, double top, double bottom,
                            struct axis y, size_t n_categories, double right_room)
{
    struct frame f = {.top = top, .bottom = bottom, .y = y};
    f.left = px(ctx, 36) + y_labels_width(cr, ctx, &y) + px(ctx, 12);
    f.right = ctx->width - px(ctx, 36) - right_room;
    f.x_min = 0;
    f.x_max = (double)(n_categories ? n_categories : 1);
    return f;
}

double bar_width(const struct chart_ctx *ctx, const struct frame *f)
{
    double band = (f->right - f->left) / (f->x_max - f->x_min);
    return fmin(band * 0.6, px(ctx, 150));
}

/* ------------------------------------------------------------------------------------------
 * Direct labels.
 */

/* Sorts by wanted y, pushes each label below the previous one by at least `gap`, then, if
 * the last one left the area, pushes them back up. */
void spread_labels(struct side_label *labels, size_t n, double gap, double lo, double hi)
{
    for (size_t i = 1; i < n; i++)
        for (size_t j = i; j > 0 && labels[j].want_y < labels[j - 1].want_y; j--) {
            struct side_label tmp = labels[j];
            labels[j] = labels[j - 1];
            labels[j - 1] = tmp;
        }
    for (size_t i = 0; i < n; i++) {
        labels[i].y = fmax(labels[i].want_y, lo);
        if (i > 0 && labels[i].y < labels[i - 1].y + gap)
            labels[i].y = labels[i - 1].y + gap;
    }
    for (size_t i = n; i-- > 0;) {
        double limit = i + 1 < n ? labels[i + 1].y - gap : hi;
        if (labels[i].y > limit)
            labels[i].y = limit;
    }
}

void draw_side_labels(cairo_t *cr, const struct chart_ctx *ctx, const struct side_label *labels,
                      size_t n, double x)
{
    for (size_t i = 0; i < n; i++) {
        set_font(cr, ctx, FS_LABEL, labels[i].bold);
        set_colour(cr, text_tone(labels[i].colour));
        text_mid(cr, x, labels[i].y, ALIGN_LEFT, labels[i].text);
    }
}

double widest_label(cairo_t *cr, const struct chart_ctx *ctx, const struct side_label *labels,
                    size_t n)
{
    double w = 0;
    for (size_t i = 0; i < n; i++) {
        set_font(cr, ctx, FS_LABEL, labels[i].bold);
        w = fmax(w, text_width(cr, labels[i].text));
    }
    return w;
}

/* ------------------------------------------------------------------------------------------
 * Marks.
 */

uint32_t site_colour(size_t i)
{
    return SITE_COLOURS[i % N_SITE_COLOURS];
}

void draw_dot(cairo_t *cr, double x, double y, double radius, uint32_t colour)
{
    cairo_new_path(cr);
    cairo_arc(cr, x, y, radius, 0, 2 * M_PI);
    set_colour(cr, colour);
    cairo_fill_preserve(cr);
    cairo_set_source_rgb(cr, 1, 1, 1);
    cairo_set_line_width(cr, radius / 2.5);
    cairo_stroke(cr);
}

void draw_whisker(cairo_t *cr, const struct chart_ctx *ctx, double x, double y_low, double y_high,
                  uint32_t colour)
{
    double cap = px(ctx, 7);
    set_colour(cr, colour);
    cairo_set_line_width(cr, px(ctx, 2));
    cairo_move_to(cr, x, y_low);
    cairo_line_to(cr, x, y_high);
    cairo_move_to(cr, x - cap, y_low);
    cairo_line_to(cr, x + cap, y_low);
    cairo_move_to(cr, x - cap, y_high);
    cairo_line_to(cr, x + cap, y_high);
    cairo_stroke(cr);
}

void draw_gap_mark(cairo_t *cr, const struct chart_ctx *ctx, const struct frame *f, double x,
                   const char *text)
{
    set_colour(cr, MUTED);
    set_font(cr, ctx, FS_SMALL, false);
    text_at(cr, x, f->bottom - px(ctx, 8), ALIGN_CENTER, text);
}

void interval_note(const struct chart_ctx *ctx, struct sbuf *note)
{
    sb_add(note,
           tr(ctx, "%sTrait vertical%sintervalle de confiance à %s.",
              "%sVertical lines%s%s confidence intervals."),
           note->len ? " " : "", colon(ctx), fmt_pct(ctx, confidence(ctx), 0).s);
}

/* ---- Files ---- */

/* cairo_surface_write_to_png lets libpng try every row filter on every row, with zlib's
 * default level 6. On charts (flat colours, anti-aliased edges) no filter at all gives files
 * as small in a fraction of the time, and level 3 (zlib's fast matcher) halves it again:
 * 70 → 15 ms and 82 → 78 KB for the sample cumulative_target.png (level 6: 30 ms, 68 KB).
 * The charts were a third of all instructions of a 200 000-row run. */
enum { PNG_ZLIB_LEVEL = 3 };
static const char STAGE[] = "charts";

struct png_failure {
    char message[256];
};

/* libpng's default handler prints to stderr; stages leave printing to the driver. */
static void on_png_error(png_structp png, png_const_charp message)
{
    struct png_failure *failure = png_get_error_ptr(png);
    snprintf(failure->message, sizeof failure->message, "%s", message);
    png_longjmp(png, 1);
}

static void on_png_warning(png_structp png, png_const_charp message)
{
    (void)png, (void)message; /* nothing a warning could change in our own images */
}

/* Cairo's RGB24 pixel is a native uint32 0x00RRGGBB. */
static void pack_rgb_row(const uint32_t *pixels, int width, unsigned char *rgb)
{
    for (int x = 0; x < width; x++) {
        rgb[3 * x] = (unsigned char)(pixels[x] >> 16);
        rgb[3 * x + 1] = (unsigned char)(pixels[x] >> 8);
        rgb[3 * x + 2] = (unsigned char)pixels[x];
    }
}

/* False when libpng failed (its message in the png's error pointer). Nothing here changes
 * a local after setjmp, so none needs to be volatile. */
static bool encode_png(png_structp png, png_infop info, FILE *out, cairo_surface_t *surface,
                       unsigned char *row)
{
    int width = cairo_image_surface_get_width(surface);
    int height = cairo_image_surface_get_height(surface);
    int stride = cairo_image_surface_get_stride(surface);
    const unsigned char *data = cairo_image_surface_get_data(surface);
    if (setjmp(png_jmpbuf(png)))
        return false;
    png_init_io(png, out);
    png_set_IHDR(png, info, (png_uint_32)width, (png_uint_32)height, 8, PNG_COLOR_TYPE_RGB,
                 PNG_INTERLACE_NONE, PNG_COMPRESSION_TYPE_DEFAULT, PNG_FILTER_TYPE_DEFAULT);
    png_set_filter(png, PNG_FILTER_TYPE_BASE, PNG_FILTER_NONE);
    png_set_compression_level(png, PNG_ZLIB_LEVEL);
    png_write_info(png, info);
    for (int y = 0; y < height; y++) {
        pack_rgb_row((const uint32_t *)(const void *)(data + (size_t)y * (size_t)stride), width,
                     row);
        png_write_row(png, row);
    }
    png_write_end(png, NULL);
    return true;
}

int write_png(cairo_surface_t *surface, const char *path, struct impact_error *err)
{
    struct png_failure failure = {"cannot allocate the PNG writer"};
    cairo_surface_flush(surface);
    if (cairo_image_surface_get_format(surface) != CAIRO_FORMAT_RGB24 ||
        !cairo_image_surface_get_data(surface))
        return impact_fail(err, STAGE, path, 0, 0, "cannot write the chart: not an RGB image");
    FILE *out = fopen(path, "wb");
    if (!out)
        return impact_fail(err, STAGE, path, 0, 0, "cannot write the chart: %s", strerror(errno));
    png_structp png =
        png_create_write_struct(PNG_LIBPNG_VER_STRING, &failure, on_png_error, on_png_warning);
    png_infop info = png ? png_create_info_struct(png) : NULL;
    unsigned char *row = xmalloc((size_t)cairo_image_surface_get_width(surface) * 3 + 1);
    bool written = info && encode_png(png, info, out, surface, row);
    png_destroy_write_struct(&png, &info);
    free(row);
    bool closed = fclose(out) == 0;
    if (written && !closed)
        snprintf(failure.message, sizeof failure.message, "%s", strerror(errno));
    if (written && closed)
        return IMPACT_OK;
    return impact_fail(err, STAGE, path, 0, 0, "cannot write the chart: %s", failure.message);
}
