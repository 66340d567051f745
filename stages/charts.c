/* charts.c — the publication charts (see charts.h): layout, axes and labels drawn on a cairo
 * context, and two backends (PNG, SVG) that give that context a surface and save it.
 *
 * Each chart is a pair of functions in `chart_defs`: `describe` writes the title, subtitle
 * and text alternative from the figures; `draw` paints on any cairo_t. charts_render()
 * runs every chart through every backend, as cmark's renderers share one loop.
 *
 * Sizes are given for a 1200 px wide chart and scaled with the width, so the smallest text
 * (16 px at 1200) stays readable when the chart is shown at half size.
 */
#include "stages/charts.h"

#include "stages/common/arena.h"

#include <cairo-svg.h>
#include <cairo.h>
#include <math.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define STAGE         "charts"
#define FONT_FAMILY   "DejaVu Sans"
#define REFERENCE_W   1200.0
#define MIN_WIDTH     320 /* the layout needs that much; config.c checks the same range */
#define MIN_HEIGHT    200
#define MAX_DIMENSION 8000
#define NBSP          "\xC2\xA0"     /* before a French colon */
#define NNBSP         NUMFMT_NNBSP   /* before a French semicolon */
#define ELLIPSIS      "\xE2\x80\xA6" /* U+2026 */
#define NOTE_MAX      320

/* Okabe & Ito (2008), the colour-blind-safe palette; yellow is left out (unreadable on
 * white). Sites cycle through SITE_COLOURS. */
enum {
    OI_ORANGE = 0xE69F00,
    OI_SKY = 0x56B4E9,
    OI_GREEN = 0x009E73,
    OI_BLUE = 0x0072B2,
    OI_VERMILLION = 0xD55E00,
    OI_PURPLE = 0xCC79A7,
    INK = 0x222222,
    MUTED = 0x5A5A5A,
    GRID = 0xDEDEDE,
    AXIS = 0x8C8C8C,
    UNKNOWN_GREY = 0xB4B4B4,
};
static const uint32_t SITE_COLOURS[] = {OI_ORANGE, OI_GREEN, OI_PURPLE, OI_SKY, OI_VERMILLION};
#define N_SITE_COLOURS (sizeof SITE_COLOURS / sizeof SITE_COLOURS[0])

/* Font sizes in px at the reference width. */
enum { FS_TITLE = 30, FS_SUBTITLE = 19, FS_LABEL = 18, FS_TICK = 17, FS_SMALL = 16 };

enum align { ALIGN_LEFT, ALIGN_CENTER, ALIGN_RIGHT };

enum { WRAP_MAX = 3, LINE_MAX_BYTES = 400 }; /* lines of wrapped text */

struct chart_text {
    char title[256];
    char subtitle[320];
    char alt[1024];
    char note[NOTE_MAX]; /* footnote beside the source line; may be empty */
};

/* Everything one chart's drawing needs; built once per chart, shared by the backends. */
struct chart_ctx {
    const struct figures *fig;
    const struct charts_options *opt;
    enum numfmt_lang lang;
    double scale; /* width / REFERENCE_W */
    double width, height;
    char source[320];
    struct chart_text text;
};

/* A y axis from 0 to `top` with a tick every `step`. */
struct axis {
    double top, step;
    bool percent; /* values are ratios, ticks printed as "20 %" */
};

/* The plot area in px and the data ranges mapped onto it (y always starts at 0). */
struct frame {
    double left, top, right, bottom;
    double x_min, x_max;
    struct axis y;
};

static const char *tr(const struct chart_ctx *ctx, const char *fr, const char *en)
{
    return ctx->lang == NUMFMT_LANG_EN ? en : fr;
}

/* ------------------------------------------------------------------------------------------
 * Bounded text building: appends stop at the buffer's end on a UTF-8 character boundary.
 */

struct sbuf {
    char *data;
    size_t cap, len;
    bool full; /* something was cut: later pieces would read as if nothing was */
};

static struct sbuf sb_start(char *data, size_t cap)
{
    data[0] = '\0';
    return (struct sbuf){data, cap, 0, false};
}

/* Length of the longest prefix of s[0..len) that ends on a whole UTF-8 character. */
static size_t utf8_whole(const char *s, size_t len)
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

static void sb_add(struct sbuf *sb, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void sb_add(struct sbuf *sb, const char *fmt, ...)
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

/* snprintf into a fixed buffer, cut on a character boundary when it does not fit (through
 * sb_add, so that truncation is expected rather than warned about). */
static void format_text(char *out, size_t cap, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
static void format_text(char *out, size_t cap, const char *fmt, ...)
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
 * Formatting shortcuts in the chart's language. Each returns its text in a small struct
 * by value (no static buffer), so several can appear in one sb_add.
 */

struct num {
    char s[NUMFMT_BUF];
};

static struct num fmt_count(const struct chart_ctx *ctx, long value)
{
    struct num n;
    numfmt_count(value, ctx->lang, n.s, sizeof n.s);
    return n;
}

static struct num fmt_pct(const struct chart_ctx *ctx, double ratio, int decimals)
{
    struct num n;
    numfmt_percent(ratio, decimals, ctx->lang, n.s, sizeof n.s);
    return n;
}

static struct num fmt_date(const struct chart_ctx *ctx, day_t day)
{
    struct num n;
    numfmt_date(day, ctx->lang, n.s, sizeof n.s);
    return n;
}

static struct num fmt_quarter(const struct chart_ctx *ctx, day_t day)
{
    struct num n;
    numfmt_quarter(day, ctx->lang, n.s, sizeof n.s);
    return n;
}

/* "Label : " in French (no-break space before the colon), "Label: " in English. */
static const char *colon(const struct chart_ctx *ctx)
{
    return tr(ctx, NBSP ": ", ": ");
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
                    strchr(first, '-') || strchr(last, '-') ? " \xE2\x80\x93 " : "\xE2\x80\x93",
                    last);
}

/* "<what>, 2017–2019" — or just "<what>" when there is no period. */
static void subtitle_with_range(const struct chart_ctx *ctx, struct chart_text *t, const char *what)
{
    char range[80];
    period_range(ctx->fig, range, sizeof range);
    format_text(t->subtitle, sizeof t->subtitle, "%s%s%s", what, range[0] ? ", " : "", range);
}

/* ------------------------------------------------------------------------------------------
 * Text on the canvas.
 */

static void set_colour(cairo_t *cr, uint32_t rgb)
{
    cairo_set_source_rgb(cr, ((rgb >> 16) & 0xFF) / 255.0, ((rgb >> 8) & 0xFF) / 255.0,
                         (rgb & 0xFF) / 255.0);
}

/* Palette colours are for marks; text in them is darkened to keep a readable contrast. */
static uint32_t text_tone(uint32_t rgb)
{
    uint32_t r = ((rgb >> 16) & 0xFF) * 7 / 10, g = ((rgb >> 8) & 0xFF) * 7 / 10;
    uint32_t b = (rgb & 0xFF) * 7 / 10;
    return r << 16 | g << 8 | b;
}

/* White text on dark fills, ink on light ones (relative luminance, roughly). */
static uint32_t text_on(uint32_t fill)
{
    double lum =
        0.2126 * ((fill >> 16) & 0xFF) + 0.7152 * ((fill >> 8) & 0xFF) + 0.0722 * (fill & 0xFF);
    return lum < 140 ? 0xFFFFFF : INK;
}

static void set_font(cairo_t *cr, const struct chart_ctx *ctx, double px, bool bold)
{
    cairo_select_font_face(cr, FONT_FAMILY, CAIRO_FONT_SLANT_NORMAL,
                           bold ? CAIRO_FONT_WEIGHT_BOLD : CAIRO_FONT_WEIGHT_NORMAL);
    cairo_set_font_size(cr, px * ctx->scale);
}

static double text_width(cairo_t *cr, const char *text)
{
    cairo_text_extents_t ext;
    cairo_text_extents(cr, text, &ext);
    return ext.x_advance;
}

/* Draws text with its baseline at y, its left / centre / right at x. */
static void text_at(cairo_t *cr, double x, double y, enum align align, const char *text)
{
    double w = text_width(cr, text);
    double shift = align == ALIGN_LEFT ? 0 : align == ALIGN_CENTER ? w / 2 : w;
    cairo_move_to(cr, x - shift, y);
    cairo_show_text(cr, text);
    cairo_new_path(cr);
}

/* Draws text vertically centred on y (on the height of a capital). */
static void text_mid(cairo_t *cr, double x, double y, enum align align, const char *text)
{
    cairo_text_extents_t cap;
    cairo_text_extents(cr, "H", &cap);
    text_at(cr, x, y + cap.height / 2, align, text);
}

/* Like text_at, on a white box so that gridlines and other marks do not cross the text. */
static void text_boxed(cairo_t *cr, double x, double y, enum align align, const char *text)
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
static void fit_text(cairo_t *cr, const char *text, double max_w, char *out, size_t cap)
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
static int wrap_text(cairo_t *cr, const char *text, double max_w, int max_lines,
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
 * Page layout: background, header (title, subtitle), source line, empty-data message.
 */

static double px(const struct chart_ctx *ctx, double reference_px)
{
    return reference_px * ctx->scale;
}

static void paint_background(cairo_t *cr)
{
    cairo_set_source_rgb(cr, 1, 1, 1);
    cairo_paint(cr);
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

/* Title and subtitle at the top left; returns the y where the plot area may start. */
static double draw_header(cairo_t *cr, const struct chart_ctx *ctx)
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

/* Source line at the bottom left and the footnote (if any) above it; returns the y above
 * which the plot (with its x labels) must stay. */
static double draw_footer(cairo_t *cr, const struct chart_ctx *ctx)
{
    double x = px(ctx, 36), y = ctx->height - px(ctx, 18);
    set_colour(cr, MUTED);
    set_font(cr, ctx, FS_SMALL, false);
    char line[LINE_MAX_BYTES];
    fit_text(cr, ctx->source, ctx->width - 2 * x, line, sizeof line);
    text_at(cr, x, y, ALIGN_LEFT, line);
    if (ctx->text.note[0]) {
        y -= px(ctx, 22);
        fit_text(cr, ctx->text.note, ctx->width - 2 * x, line, sizeof line);
        text_at(cr, x, y, ALIGN_LEFT, line);
    }
    return y - px(ctx, 22);
}

/* For charts with nothing to plot: one sentence in the middle of the free area. */
static void draw_empty(cairo_t *cr, const struct chart_ctx *ctx, double top, double bottom)
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
static struct axis nice_axis(double max, bool percent)
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

static double frame_x(const struct frame *f, double x)
{
    double span = f->x_max - f->x_min;
    return f->left + (span > 0 ? (x - f->x_min) / span : 0.5) * (f->right - f->left);
}

static double frame_y(const struct frame *f, double v)
{
    return f->bottom - v / f->y.top * (f->bottom - f->top);
}

static struct num tick_label(const struct chart_ctx *ctx, const struct axis *a, double v)
{
    return a->percent ? fmt_pct(ctx, v, 0) : fmt_count(ctx, lround(v));
}

/* Widest y tick label, so the plot can start right after it. */
static double y_labels_width(cairo_t *cr, const struct chart_ctx *ctx, const struct axis *a)
{
    set_font(cr, ctx, FS_TICK, false);
    return text_width(cr, tick_label(ctx, a, a->top).s);
}

/* Light horizontal gridlines at each tick, labels on the left, a darker zero line. */
static void draw_y_axis(cairo_t *cr, const struct chart_ctx *ctx, const struct frame *f)
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

/* Writes a second, smaller line under a period's label ("sur 135 personnes"); may leave
 * it empty. */
typedef void (*sublabel_fn)(const struct chart_ctx *ctx, size_t period, char *out, size_t cap);

/* Category labels (periods) under the plot, centred in their bands. */
static void draw_category_axis(cairo_t *cr, const struct chart_ctx *ctx, const struct frame *f,
                               sublabel_fn sublabel)
{
    double band = (f->right - f->left) / (f->x_max - f->x_min);
    for (size_t i = 0; i < ctx->fig->n_periods; i++) {
        char label[LINE_MAX_BYTES], text[LINE_MAX_BYTES];
        double x = frame_x(f, i + 0.5);
        set_colour(cr, INK);
        set_font(cr, ctx, FS_LABEL, false);
        fit_text(cr, ctx->fig->periods[i].label, band * 0.95, label, sizeof label);
        text_at(cr, x, f->bottom + px(ctx, 28), ALIGN_CENTER, label);
        if (!sublabel)
            continue;
        sublabel(ctx, i, text, sizeof text);
        set_colour(cr, MUTED);
        set_font(cr, ctx, FS_SMALL, false);
        fit_text(cr, text, band * 0.95, label, sizeof label);
        text_at(cr, x, f->bottom + px(ctx, 50), ALIGN_CENTER, label);
    }
}

static day_t jan_first(int year)
{
    day_t day = 0;
    date_from_ymd(year, 1, 1, &day);
    return day;
}

/* Time axis: a tick at each 1 January, the year centred in its visible span, small ticks
 * at quarter starts. */
static void draw_year_axis(cairo_t *cr, const struct chart_ctx *ctx, const struct frame *f)
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

/* ------------------------------------------------------------------------------------------
 * Direct labels at the right of a plot, moved apart vertically so that none overlap.
 */

struct side_label {
    double want_y;   /* where the label would sit: the y of the mark it names */
    double y;        /* where it goes */
    double anchor_x; /* x of the mark, for a leader line; 0 for none */
    char text[200];  /* a name of up to 127 bytes and a number */
    uint32_t colour;
    bool bold;
};

/* Sorts by wanted y, pushes each label below the previous one by at least `gap`, then, if
 * the last one left the area, pushes them back up. */
static void spread_labels(struct side_label *labels, size_t n, double gap, double lo, double hi)
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

static void draw_side_labels(cairo_t *cr, const struct chart_ctx *ctx,
                             const struct side_label *labels, size_t n, double x)
{
    for (size_t i = 0; i < n; i++) {
        set_font(cr, ctx, FS_LABEL, labels[i].bold);
        set_colour(cr, text_tone(labels[i].colour));
        text_mid(cr, x, labels[i].y, ALIGN_LEFT, labels[i].text);
    }
}

/* ------------------------------------------------------------------------------------------
 * Marks shared by the charts.
 */

static void draw_dot(cairo_t *cr, double x, double y, double radius, uint32_t colour)
{
    cairo_new_path(cr);
    cairo_arc(cr, x, y, radius, 0, 2 * M_PI);
    set_colour(cr, colour);
    cairo_fill_preserve(cr);
    cairo_set_source_rgb(cr, 1, 1, 1);
    cairo_set_line_width(cr, radius / 2.5);
    cairo_stroke(cr);
}

/* A vertical interval with end caps, for Wilson intervals. */
static void draw_whisker(cairo_t *cr, const struct chart_ctx *ctx, double x, double y_low,
                         double y_high, uint32_t colour)
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

/* The "n.d." mark of an undefined rate, just above the baseline at x. */
static void draw_no_data(cairo_t *cr, const struct chart_ctx *ctx, const struct frame *f, double x)
{
    set_colour(cr, MUTED);
    set_font(cr, ctx, FS_SMALL, false);
    text_at(cr, x, f->bottom - px(ctx, 8), ALIGN_CENTER, tr(ctx, "n.d.", "no data"));
}

/* Footnote of the rate charts: what the vertical lines are, and what "n.d." means when it
 * appears (why_fr / why_en; NULL when every rate is defined). */
static void rate_note(const struct chart_ctx *ctx, double confidence, char *note,
                      const char *why_fr, const char *why_en)
{
    struct sbuf sb = sb_start(note, NOTE_MAX);
    if (ctx->fig->n_periods == 0)
        return; /* nothing drawn, nothing to explain */
    sb_add(&sb,
           tr(ctx, "Trait vertical%sintervalle de confiance à %s.",
              "Vertical lines%s%s confidence intervals."),
           colon(ctx), fmt_pct(ctx, confidence, 0).s);
    if (why_fr)
        sb_add(&sb, " %s%s%s.", tr(ctx, "n.d.", "No data"), colon(ctx), tr(ctx, why_fr, why_en));
}

/* Plot frame for the category charts: y axis on the left, `right_room` kept on the right. */
static struct frame category_frame(cairo_t *cr, const struct chart_ctx *ctx, double top,
                                   double bottom, struct axis y, double right_room)
{
    struct frame f = {.top = top, .bottom = bottom, .y = y};
    f.left = px(ctx, 36) + y_labels_width(cr, ctx, &y) + px(ctx, 12);
    f.right = ctx->width - px(ctx, 36) - right_room;
    f.x_min = 0;
    f.x_max = (double)(ctx->fig->n_periods ? ctx->fig->n_periods : 1);
    return f;
}

/* ==========================================================================================
 * Chart 1: cumulative beneficiaries by quarter against the target.
 */

static const struct target_progress *overall(const struct chart_ctx *ctx)
{
    return &ctx->fig->overall;
}

static bool has_target(const struct chart_ctx *ctx)
{
    return overall(ctx)->target > 0;
}

static bool has_deadline(const struct chart_ctx *ctx)
{
    return ctx->fig->deadline != DAY_NONE && has_target(ctx);
}

/* The projection is drawn only when it lies ahead of the data and the target is not met. */
static bool shows_projection(const struct chart_ctx *ctx)
{
    const struct target_progress *o = overall(ctx);
    return has_target(ctx) && o->projection.defined && o->n_quarters > 0 &&
           o->reached < o->target && o->projection.date > o->last_quarter_end;
}

static const char *people(const struct chart_ctx *ctx, long n)
{
    if (ctx->lang == NUMFMT_LANG_EN)
        return n == 1 ? "person reached" : "people reached";
    return n <= 1 ? "personne accompagnée" : "personnes accompagnées";
}

/* "fin 2019" when the data end on 31 December, otherwise "au 30 sept. 2019". */
static void as_of(const struct chart_ctx *ctx, day_t day, char *out, size_t cap)
{
    int y, m, d;
    date_to_ymd(day, &y, &m, &d);
    if (m == 12 && d == 31)
        format_text(out, cap, "%s %d", tr(ctx, "fin", "by the end of"), y);
    else
        format_text(out, cap, "%s %s", tr(ctx, "au", "by"), fmt_date(ctx, day).s);
}

static void cumulative_title(const struct chart_ctx *ctx, struct chart_text *t)
{
    const struct target_progress *o = overall(ctx);
    struct sbuf sb = sb_start(t->title, sizeof t->title);
    if (o->n_quarters == 0) {
        sb_add(&sb, "%s", tr(ctx, "Aucune présence enregistrée", "No attendance recorded"));
        return;
    }
    char when[64];
    as_of(ctx, o->last_quarter_end, when, sizeof when);
    sb_add(&sb, "%s %s %s", fmt_count(ctx, o->reached).s, people(ctx, o->reached), when);
    if (has_target(ctx) && o->reached >= o->target)
        sb_add(&sb, tr(ctx, NBSP ": objectif de %s atteint", ": the %s target is met"),
               fmt_count(ctx, o->target).s);
    else if (has_target(ctx))
        sb_add(&sb, tr(ctx, ", %s de l'objectif", ", %s of the target"),
               fmt_pct(ctx, o->progress, 0).s);
}

static void cumulative_subtitle(const struct chart_ctx *ctx, struct chart_text *t)
{
    const struct target_progress *o = overall(ctx);
    struct sbuf sb = sb_start(t->subtitle, sizeof t->subtitle);
    sb_add(&sb, "%s",
           tr(ctx, "Personnes distinctes accompagnées depuis le début, cumul en fin de trimestre",
              "Distinct people reached since the start, cumulative at each quarter end"));
    if (o->n_quarters == 1)
        sb_add(&sb, ", %s", fmt_quarter(ctx, o->last_quarter_end).s);
    else if (o->n_quarters > 1)
        sb_add(&sb, ", %s \xE2\x80\x93 %s", fmt_quarter(ctx, o->quarters[0].end).s,
               fmt_quarter(ctx, o->last_quarter_end).s);
}

static void cumulative_alt_projection(const struct chart_ctx *ctx, struct sbuf *sb)
{
    const struct projection *p = &overall(ctx)->projection;
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
           tr(ctx, "Cumul des personnes accompagnées de %s à %s" NBSP ": %s au %s",
              "Cumulative people reached from %s to %s: %s on %s"),
           fmt_quarter(ctx, o->quarters[0].end).s, fmt_quarter(ctx, o->last_quarter_end).s,
           fmt_count(ctx, o->reached).s, fmt_date(ctx, o->last_quarter_end).s);
    if (has_target(ctx))
        sb_add(&sb, tr(ctx, ", soit %s de l'objectif de %s", ", %s of the %s target"),
               fmt_pct(ctx, o->progress, 0).s, fmt_count(ctx, o->target).s);
    if (has_deadline(ctx))
        sb_add(&sb, tr(ctx, " fixé au %s", " set for %s"), fmt_date(ctx, ctx->fig->deadline).s);
    sb_add(&sb, ".");
    cumulative_alt_projection(ctx, &sb);
    for (size_t i = 0; i < ctx->fig->n_sites; i++)
        sb_add(&sb, "%s%s %s", i == 0 ? tr(ctx, " Par site" NBSP ": ", " By site: ") : ", ",
               ctx->fig->site_names[i], fmt_count(ctx, ctx->fig->sites[i].reached).s);
    if (ctx->fig->n_sites > 0)
        sb_add(&sb, ".");
}

static void describe_cumulative(const struct chart_ctx *ctx, struct chart_text *t)
{
    cumulative_title(ctx, t);
    cumulative_subtitle(ctx, t);
    cumulative_alt(ctx, t);
    if (shows_projection(ctx))
        format_text(t->note, sizeof t->note,
                    tr(ctx, "Pointillés" NBSP ": projection au rythme des %d derniers trimestres.",
                       "Dotted line: projection at the pace of the last %d quarters."),
                    overall(ctx)->projection.quarters_used);
}

/* Extends [lo, hi] with the quarters of one trajectory. */
static void quarters_range(const struct target_progress *tp, double *lo, double *hi)
{
    for (size_t i = 0; i < tp->n_quarters; i++) {
        *lo = fmin(*lo, date_quarter_start(tp->quarters[i].end));
        *hi = fmax(*hi, tp->quarters[i].end);
    }
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

static double cumulative_y_max(const struct chart_ctx *ctx)
{
    double max = (double)overall(ctx)->target;
    const struct target_progress *o = overall(ctx);
    for (size_t i = 0; i < o->n_quarters; i++)
        max = fmax(max, (double)o->quarters[i].cumulative);
    for (size_t s = 0; s < ctx->fig->n_sites; s++)
        for (size_t i = 0; i < ctx->fig->sites[s].n_quarters; i++)
            max = fmax(max, (double)ctx->fig->sites[s].quarters[i].cumulative);
    return max * 1.12; /* room for the target's label above its line */
}

static uint32_t site_colour(size_t i)
{
    return SITE_COLOURS[i % N_SITE_COLOURS];
}

static void trajectory_path(cairo_t *cr, const struct frame *f, const struct target_progress *tp)
{
    cairo_new_path(cr);
    for (size_t i = 0; i < tp->n_quarters; i++)
        cairo_line_to(cr, frame_x(f, tp->quarters[i].end),
                      frame_y(f, (double)tp->quarters[i].cumulative));
}

static void draw_trajectory(cairo_t *cr, const struct chart_ctx *ctx, const struct frame *f,
                            const struct target_progress *tp, uint32_t colour, bool main_line)
{
    if (tp->n_quarters == 0)
        return;
    cairo_set_line_join(cr, CAIRO_LINE_JOIN_ROUND);
    cairo_set_line_width(cr, px(ctx, main_line ? 4 : 2.5));
    set_colour(cr, colour);
    trajectory_path(cr, f, tp);
    cairo_stroke(cr);
    double radius = px(ctx, main_line ? 6 : 4);
    for (size_t i = 0; i < tp->n_quarters; i++)
        draw_dot(cr, frame_x(f, tp->quarters[i].end),
                 frame_y(f, (double)tp->quarters[i].cumulative), radius, colour);
}

static void draw_target_line(cairo_t *cr, const struct chart_ctx *ctx, const struct frame *f)
{
    if (!has_target(ctx))
        return;
    double y = frame_y(f, (double)overall(ctx)->target), dash = px(ctx, 8);
    set_colour(cr, INK);
    cairo_set_line_width(cr, px(ctx, 2));
    cairo_set_dash(cr, &dash, 1, 0);
    cairo_move_to(cr, f->left, y);
    cairo_line_to(cr, f->right, y);
    cairo_stroke(cr);
    cairo_set_dash(cr, NULL, 0, 0);
    char label[96];
    format_text(label, sizeof label, "%s%s%s", tr(ctx, "Objectif", "Target"), colon(ctx),
                fmt_count(ctx, overall(ctx)->target).s);
    set_font(cr, ctx, FS_LABEL, true);
    text_at(cr, f->left + px(ctx, 8), y - px(ctx, 9), ALIGN_LEFT, label);
}

/* Vertical line at the deadline, its label at the top on whichever side has room. */
static void draw_deadline(cairo_t *cr, const struct chart_ctx *ctx, const struct frame *f)
{
    if (!has_deadline(ctx) || ctx->fig->deadline < f->x_min || ctx->fig->deadline > f->x_max)
        return;
    double x = round(frame_x(f, ctx->fig->deadline)) + 0.5;
    set_colour(cr, MUTED);
    cairo_set_line_width(cr, px(ctx, 1.5));
    cairo_move_to(cr, x, f->top);
    cairo_line_to(cr, x, f->bottom);
    cairo_stroke(cr);
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
    double x0 = o->last_quarter_end, v0 = (double)o->reached;
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
    double x0 = o->last_quarter_end, v0 = (double)o->reached, x1, v1;
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

/* Name and last value of a trajectory, for the right of the plot. */
static void trajectory_label(cairo_t *cr, const struct chart_ctx *ctx, const char *name,
                             const struct target_progress *tp, double max_w, struct side_label *out)
{
    struct num value = fmt_count(ctx, tp->reached);
    char fitted[128];
    set_font(cr, ctx, FS_LABEL, out->bold);
    fit_text(cr, name, max_w - text_width(cr, value.s) - px(ctx, 6), fitted, sizeof fitted);
    format_text(out->text, sizeof out->text, "%s %s", fitted, value.s);
}

/* The trajectories that get a line and a label: overall first, then each site with data.
 * Returns how many were written to `lines`. */
static size_t labelled_trajectories(const struct chart_ctx *ctx,
                                    const struct target_progress **lines, const char **names,
                                    uint32_t *colours)
{
    size_t n = 0;
    if (overall(ctx)->n_quarters > 0) {
        lines[n] = overall(ctx);
        names[n] = tr(ctx, "Ensemble", "All sites");
        colours[n++] = OI_BLUE;
    }
    for (size_t i = 0; i < ctx->fig->n_sites; i++) {
        if (ctx->fig->sites[i].n_quarters == 0)
            continue;
        lines[n] = &ctx->fig->sites[i];
        names[n] = ctx->fig->site_names[i];
        colours[n++] = site_colour(i);
    }
    return n;
}

static double widest_label(cairo_t *cr, const struct chart_ctx *ctx,
                           const struct side_label *labels, size_t n)
{
    double w = 0;
    for (size_t i = 0; i < n; i++) {
        set_font(cr, ctx, FS_LABEL, labels[i].bold);
        w = fmax(w, text_width(cr, labels[i].text));
    }
    return w;
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

static void draw_trajectory_labels(cairo_t *cr, const struct chart_ctx *ctx, const struct frame *f,
                                   struct trajectories *t)
{
    for (size_t i = 0; i < t->n; i++) {
        const struct quarter_point *last = &t->lines[i]->quarters[t->lines[i]->n_quarters - 1];
        t->labels[i].want_y = frame_y(f, (double)last->cumulative);
        t->labels[i].anchor_x = frame_x(f, last->end);
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
    paint_background(cr);
    double top = draw_header(cr, ctx), bottom = draw_footer(cr, ctx) - px(ctx, 40);
    if (overall(ctx)->n_quarters == 0) {
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
 * Chart 2: beneficiaries per period, stacked by role.
 */

static const uint32_t ROLE_COLOURS[ROLE_COUNT] = {OI_BLUE, OI_ORANGE, UNKNOWN_GREY};

static const char *role_name(const struct chart_ctx *ctx, int role, bool capital)
{
    static const char *const fr[2][ROLE_COUNT] = {{"jeunes", "parents", "rôle non renseigné"},
                                                  {"Jeunes", "Parents", "Rôle non renseigné"}};
    static const char *const en[2][ROLE_COUNT] = {{"young people", "parents", "role not recorded"},
                                                  {"Young people", "Parents", "Role not recorded"}};
    return ctx->lang == NUMFMT_LANG_EN ? en[capital][role] : fr[capital][role];
}

/* Withheld or impossible (negative) counts are not drawn. */
static long role_value(const struct period_figures *p, int role)
{
    return p->by_role[role] > 0 ? p->by_role[role] : 0;
}

static long stack_height(const struct period_figures *p)
{
    long sum = 0;
    for (int r = 0; r < ROLE_COUNT; r++)
        sum += role_value(p, r);
    return sum > p->counts[COUNT_BENEFICIARIES] ? sum : p->counts[COUNT_BENEFICIARIES];
}

static long bar_total(const struct period_figures *p)
{
    return p->counts[COUNT_BENEFICIARIES] >= 0 ? p->counts[COUNT_BENEFICIARIES] : stack_height(p);
}

static void change_phrase(const struct chart_ctx *ctx, size_t i, struct sbuf *sb)
{
    const struct period_figures *p = &ctx->fig->periods[i];
    const struct count_change *c = &p->count_changes[COUNT_BENEFICIARIES];
    if (i == 0 || !p->has_previous || !c->relative_defined)
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

static void by_role_alt(const struct chart_ctx *ctx, struct chart_text *t)
{
    struct sbuf sb = sb_start(t->alt, sizeof t->alt);
    sb_add(
        &sb, "%s",
        tr(ctx, "Barres empilées par rôle, une par année.", "Stacked bars by role, one per year."));
    for (size_t i = 0; i < ctx->fig->n_periods; i++) {
        const struct period_figures *p = &ctx->fig->periods[i];
        sb_add(&sb, "%s%s%s%s", i == 0 ? " " : tr(ctx, NNBSP "; ", "; "), p->label, colon(ctx),
               fmt_count(ctx, bar_total(p)).s);
        const char *sep = " (";
        for (int r = 0; r < ROLE_COUNT; r++) {
            if (role_value(p, r) == 0)
                continue;
            sb_add(&sb, "%s%s %s", sep, role_name(ctx, r, false), fmt_count(ctx, p->by_role[r]).s);
            sep = ", ";
        }
        sb_add(&sb, "%s", sep[0] == ',' ? ")" : "");
    }
    sb_add(&sb, ".");
}

/* "En gris : rôle non renseigné." for each role drawn in earlier bars but absent from the
 * last one, which therefore has no label beside it. */
static void by_role_note(const struct chart_ctx *ctx, struct chart_text *t)
{
    static const char *const colour_fr[ROLE_COUNT] = {"En bleu", "En orange", "En gris"};
    static const char *const colour_en[ROLE_COUNT] = {"Blue", "Orange", "Grey"};
    const struct period_figures *last = &ctx->fig->periods[ctx->fig->n_periods - 1];
    struct sbuf sb = sb_start(t->note, sizeof t->note);
    for (int r = 0; r < ROLE_COUNT; r++) {
        bool earlier = false;
        for (size_t i = 0; i + 1 < ctx->fig->n_periods; i++)
            earlier = earlier || role_value(&ctx->fig->periods[i], r) > 0;
        if (earlier && role_value(last, r) == 0)
            sb_add(&sb, "%s%s%s%s.", sb.len ? " " : "", tr(ctx, colour_fr[r], colour_en[r]),
                   colon(ctx), role_name(ctx, r, false));
    }
}

static void describe_by_role(const struct chart_ctx *ctx, struct chart_text *t)
{
    subtitle_with_range(ctx, t,
                        tr(ctx,
                           "Personnes distinctes présentes au moins une fois dans l'année, "
                           "par rôle",
                           "Distinct people present at least once in the year, by role"));
    struct sbuf sb = sb_start(t->title, sizeof t->title);
    if (ctx->fig->n_periods == 0) {
        sb_add(&sb, "%s", tr(ctx, "Aucune présence enregistrée", "No attendance recorded"));
        format_text(t->alt, sizeof t->alt, "%s",
                    tr(ctx, "Aucune présence enregistrée" NBSP ": pas de barre.",
                       "No attendance recorded: no bars."));
        return;
    }
    size_t last = ctx->fig->n_periods - 1;
    long n = bar_total(&ctx->fig->periods[last]);
    sb_add(&sb, "%s %s %s %s", fmt_count(ctx, n).s, people(ctx, n), tr(ctx, "en", "in"),
           ctx->fig->periods[last].label);
    change_phrase(ctx, last, &sb);
    by_role_alt(ctx, t);
    by_role_note(ctx, t);
}

static double bar_width(const struct chart_ctx *ctx, const struct frame *f)
{
    double band = (f->right - f->left) / (f->x_max - f->x_min);
    return fmin(band * 0.6, px(ctx, 150));
}

/* One role's block of a stacked bar, with its value inside when it fits. */
static void draw_segment(cairo_t *cr, const struct chart_ctx *ctx, const struct frame *f, double x,
                         double bw, long base, long value, int role)
{
    double y_top = frame_y(f, (double)(base + value)), y_bottom = frame_y(f, (double)base);
    set_colour(cr, ROLE_COLOURS[role]);
    cairo_rectangle(cr, x - bw / 2, y_top, bw, y_bottom - y_top);
    cairo_fill(cr);
    cairo_set_source_rgb(cr, 1, 1, 1); /* a hairline between blocks */
    cairo_set_line_width(cr, px(ctx, 1.5));
    cairo_move_to(cr, x - bw / 2, y_top);
    cairo_line_to(cr, x + bw / 2, y_top);
    cairo_stroke(cr);
    struct num text = fmt_count(ctx, value);
    set_font(cr, ctx, FS_TICK, false);
    if (y_bottom - y_top < px(ctx, 24) || text_width(cr, text.s) > bw - px(ctx, 8))
        return;
    set_colour(cr, text_on(ROLE_COLOURS[role]));
    text_mid(cr, x, (y_top + y_bottom) / 2, ALIGN_CENTER, text.s);
}

static void draw_stack(cairo_t *cr, const struct chart_ctx *ctx, const struct frame *f, size_t i)
{
    const struct period_figures *p = &ctx->fig->periods[i];
    double x = frame_x(f, i + 0.5), bw = bar_width(ctx, f);
    long base = 0;
    for (int r = 0; r < ROLE_COUNT; r++) {
        long v = role_value(p, r);
        if (v == 0)
            continue; /* a zero block would only leave a stray hairline */
        draw_segment(cr, ctx, f, x, bw, base, v, r);
        base += v;
    }
    set_colour(cr, INK);
    set_font(cr, ctx, FS_LABEL, true);
    text_at(cr, x, frame_y(f, (double)stack_height(p)) - px(ctx, 9), ALIGN_CENTER,
            fmt_count(ctx, bar_total(p)).s);
}

/* Role labels beside the blocks of the last bar; returns how many. (Roles missing from the
 * last bar are named in the footnote instead: see by_role_note.) */
static size_t role_labels(const struct chart_ctx *ctx, const struct frame *f,
                          struct side_label *labels)
{
    const struct period_figures *p = &ctx->fig->periods[ctx->fig->n_periods - 1];
    size_t n = 0;
    long base = 0;
    for (int r = 0; r < ROLE_COUNT; r++) {
        long v = role_value(p, r);
        if (v == 0)
            continue;
        labels[n] = (struct side_label){.colour = ROLE_COLOURS[r]};
        labels[n].want_y = frame_y(f, base + v / 2.0);
        format_text(labels[n++].text, sizeof labels[0].text, "%s", role_name(ctx, r, true));
        base += v;
    }
    return n;
}

/* Room kept right of the plot for the role labels: what the last bar's half gap lacks. */
static double role_label_room(cairo_t *cr, const struct chart_ctx *ctx, const struct axis *y)
{
    struct side_label labels[ROLE_COUNT];
    struct frame f = category_frame(cr, ctx, 0, 1, *y, 0);
    size_t n = role_labels(ctx, &f, labels);
    double need = widest_label(cr, ctx, labels, n) + px(ctx, 12), room = 0;
    for (int pass = 0; pass < 3; pass++) { /* the gap shrinks as the room grows */
        f = category_frame(cr, ctx, 0, 1, *y, room);
        double gap = ((f.right - f.left) / (f.x_max - f.x_min) - bar_width(ctx, &f)) / 2;
        room = fmax(0, need - gap);
    }
    return room;
}

static void draw_by_role(cairo_t *cr, const struct chart_ctx *ctx)
{
    paint_background(cr);
    double top = draw_header(cr, ctx) + px(ctx, 10), bottom = draw_footer(cr, ctx) - px(ctx, 40);
    if (ctx->fig->n_periods == 0) {
        draw_empty(cr, ctx, top, bottom);
        return;
    }
    double max = 0;
    for (size_t i = 0; i < ctx->fig->n_periods; i++)
        max = fmax(max, (double)stack_height(&ctx->fig->periods[i]));
    struct axis y = nice_axis(max * 1.08, false);
    struct frame f = category_frame(cr, ctx, top, bottom, y, role_label_room(cr, ctx, &y));
    draw_y_axis(cr, ctx, &f);
    draw_category_axis(cr, ctx, &f, NULL);
    for (size_t i = 0; i < ctx->fig->n_periods; i++)
        draw_stack(cr, ctx, &f, i);
    struct side_label labels[ROLE_COUNT];
    size_t n = role_labels(ctx, &f, labels);
    spread_labels(labels, n, px(ctx, 24), f.top, f.bottom - px(ctx, 10));
    double x = frame_x(&f, f.x_max - 0.5) + bar_width(ctx, &f) / 2 + px(ctx, 12);
    draw_side_labels(cr, ctx, labels, n, x);
}

/* ==========================================================================================
 * Rates with their Wilson intervals (charts 3 and 4).
 */

static double confidence(const struct chart_ctx *ctx)
{
    double c = ctx->fig->confidence;
    return c > 0 && c < 1 ? c : 0.95;
}

/* "(20 sur 50)" — the counts behind a rate. */
static void rate_counts(const struct chart_ctx *ctx, const struct rate *r, struct sbuf *sb)
{
    sb_add(sb, tr(ctx, " (%s sur %s)", " (%s of %s)"), fmt_count(ctx, r->numerator).s,
           fmt_count(ctx, r->denominator).s);
}

static bool any_undefined(const struct chart_ctx *ctx, const enum rate_kind *kinds, int n)
{
    for (size_t i = 0; i < ctx->fig->n_periods; i++)
        for (int k = 0; k < n; k++)
            if (!ctx->fig->periods[i].rates[kinds[k]].defined)
                return true;
    return false;
}

/* Last period where any of the kinds is defined, or -1. */
static long last_defined(const struct chart_ctx *ctx, const enum rate_kind *kinds, int n)
{
    for (size_t i = ctx->fig->n_periods; i-- > 0;)
        for (int k = 0; k < n; k++)
            if (ctx->fig->periods[i].rates[kinds[k]].defined)
                return (long)i;
    return -1;
}

static struct axis rate_axis(const struct chart_ctx *ctx, const enum rate_kind *kinds, int n,
                             double headroom)
{
    double max = 0;
    for (size_t i = 0; i < ctx->fig->n_periods; i++)
        for (int k = 0; k < n; k++)
            if (ctx->fig->periods[i].rates[kinds[k]].defined)
                max = fmax(max, ctx->fig->periods[i].rates[kinds[k]].ci_high);
    return nice_axis(max > 0 ? fmin(1, max * headroom) : 1, true);
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
    long i = last_defined(ctx, OUTCOME_KINDS, 2);
    if (i < 0) {
        sb_add(&sb, "%s",
               tr(ctx, "Pas encore de situation connue pour les personnes suivies",
                  "No known outcome yet for the people followed up"));
        return;
    }
    const struct period_figures *p = &ctx->fig->periods[i];
    const struct rate *emp = &p->rates[RATE_EMPLOYMENT], *pos = &p->rates[RATE_POSITIVE_OUTCOME];
    sb_add(&sb, tr(ctx, "En %s, ", "In %s, "), p->label);
    if (emp->defined)
        sb_add(&sb,
               tr(ctx, "%s des personnes suivies sont en emploi",
                  "%s of the people followed up were in employment"),
               fmt_pct(ctx, emp->rate, 1).s);
    if (emp->defined && pos->defined)
        sb_add(&sb, tr(ctx, ", %s en sortie positive", ", %s in a positive outcome"),
               fmt_pct(ctx, pos->rate, 1).s);
    else if (pos->defined)
        sb_add(&sb,
               tr(ctx, "%s des personnes suivies sont en sortie positive",
                  "%s of the people followed up were in a positive outcome"),
               fmt_pct(ctx, pos->rate, 1).s);
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
        sb_add(&sb, "%s%s%s", i == 0 ? " " : tr(ctx, NNBSP "; ", "; "), p->label, colon(ctx));
        for (int k = 0; k < 2; k++) {
            const struct rate *r = &p->rates[OUTCOME_KINDS[k]];
            sb_add(&sb, "%s%s %s", k ? ", " : "", outcome_name(ctx, k, false),
                   r->defined ? fmt_pct(ctx, r->rate, 1).s : tr(ctx, "n.d.", "no data"));
            if (r->defined)
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
    bool gaps = any_undefined(ctx, OUTCOME_KINDS, 2);
    rate_note(ctx, confidence(ctx), t->note, gaps ? "aucune situation connue cette année-là" : NULL,
              "no known situation that year");
}

/* "sur 135 personnes": who the rates of a period are about. */
static void outcome_sublabel(const struct chart_ctx *ctx, size_t i, char *out, size_t cap)
{
    const struct rate *r = &ctx->fig->periods[i].rates[RATE_EMPLOYMENT];
    if (!r->defined)
        r = &ctx->fig->periods[i].rates[RATE_POSITIVE_OUTCOME];
    if (!r->defined) {
        out[0] = '\0';
        return;
    }
    format_text(out, cap, tr(ctx, "sur %s %s", "of %s %s"), fmt_count(ctx, r->denominator).s,
                r->denominator > 1 ? tr(ctx, "personnes", "people")
                                   : tr(ctx, "personne", "person"));
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

static void draw_outcome_period(cairo_t *cr, const struct chart_ctx *ctx, const struct frame *f,
                                size_t i, bool with_labels)
{
    const struct period_figures *p = &ctx->fig->periods[i];
    double band = (f->right - f->left) / (f->x_max - f->x_min), centre = frame_x(f, i + 0.5);
    double offset = fmin(band * 0.12, px(ctx, 40));
    bool none = !p->rates[RATE_EMPLOYMENT].defined && !p->rates[RATE_POSITIVE_OUTCOME].defined;
    if (none) {
        draw_no_data(cr, ctx, f, centre);
        return;
    }
    for (int k = 0; k < 2; k++) {
        const struct rate *r = &p->rates[OUTCOME_KINDS[k]];
        double x = centre + (k ? offset : -offset);
        if (r->defined)
            draw_rate_dot(cr, ctx, f, x, r, OUTCOME_COLOURS[k], k ? ALIGN_LEFT : ALIGN_RIGHT,
                          with_labels);
        else
            draw_no_data(cr, ctx, f, x);
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
    paint_background(cr);
    double top = draw_header(cr, ctx), bottom = draw_footer(cr, ctx) - px(ctx, 62);
    if (ctx->fig->n_periods == 0) {
        draw_empty(cr, ctx, top, bottom);
        return;
    }
    top = draw_outcome_key(cr, ctx, top);
    struct frame f =
        category_frame(cr, ctx, top, bottom, rate_axis(ctx, OUTCOME_KINDS, 2, 1.05), 0);
    draw_y_axis(cr, ctx, &f);
    draw_category_axis(cr, ctx, &f, outcome_sublabel);
    bool labels = outcome_labels_fit(cr, ctx, &f);
    for (size_t i = 0; i < ctx->fig->n_periods; i++)
        draw_outcome_period(cr, ctx, &f, i, labels);
}

/* ---- Chart 4: share of sessions held in a QPV ---- */

static const enum rate_kind QPV_KIND[1] = {RATE_QPV_SHARE};

static void qpv_title(const struct chart_ctx *ctx, struct chart_text *t)
{
    long i = last_defined(ctx, QPV_KIND, 1);
    if (i < 0) {
        format_text(t->title, sizeof t->title, "%s",
                    tr(ctx, "Lieu des séances non renseigné", "Session locations not recorded"));
        return;
    }
    const struct period_figures *p = &ctx->fig->periods[i];
    format_text(t->title, sizeof t->title,
                tr(ctx, "En %s, %s des séances ont eu lieu en quartier prioritaire",
                   "In %s, %s of sessions took place in a priority neighbourhood"),
                p->label, fmt_pct(ctx, p->rates[RATE_QPV_SHARE].rate, 1).s);
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
        sb_add(&sb, "%s%s%s%s", i == 0 ? " " : tr(ctx, NNBSP "; ", "; "), p->label, colon(ctx),
               r->defined ? fmt_pct(ctx, r->rate, 1).s : tr(ctx, "n.d.", "no data"));
        if (r->defined)
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
    bool gaps = any_undefined(ctx, QPV_KIND, 1);
    rate_note(ctx, confidence(ctx), t->note,
              gaps ? "lieu des séances non renseigné cette année-là" : NULL,
              "session locations not recorded that year");
}

static void qpv_sublabel(const struct chart_ctx *ctx, size_t i, char *out, size_t cap)
{
    const struct rate *r = &ctx->fig->periods[i].rates[RATE_QPV_SHARE];
    if (!r->defined) {
        out[0] = '\0';
        return;
    }
    format_text(out, cap, tr(ctx, "sur %s %s", "of %s %s"), fmt_count(ctx, r->denominator).s,
                r->denominator > 1 ? tr(ctx, "séances", "sessions") : tr(ctx, "séance", "session"));
}

static void draw_qpv_bar(cairo_t *cr, const struct chart_ctx *ctx, const struct frame *f, size_t i)
{
    const struct rate *r = &ctx->fig->periods[i].rates[RATE_QPV_SHARE];
    double x = frame_x(f, i + 0.5), bw = bar_width(ctx, f);
    if (!r->defined) {
        draw_no_data(cr, ctx, f, x);
        return;
    }
    set_colour(cr, OI_GREEN);
    cairo_rectangle(cr, x - bw / 2, frame_y(f, r->rate), bw, f->bottom - frame_y(f, r->rate));
    cairo_fill(cr);
    draw_whisker(cr, ctx, x, frame_y(f, r->ci_low), frame_y(f, r->ci_high), INK);
    set_colour(cr, INK);
    set_font(cr, ctx, FS_LABEL, true);
    text_boxed(cr, x, frame_y(f, r->ci_high) - px(ctx, 10), ALIGN_CENTER,
               fmt_pct(ctx, r->rate, 1).s);
}

static void draw_qpv(cairo_t *cr, const struct chart_ctx *ctx)
{
    paint_background(cr);
    double top = draw_header(cr, ctx) + px(ctx, 16), bottom = draw_footer(cr, ctx) - px(ctx, 62);
    if (ctx->fig->n_periods == 0) {
        draw_empty(cr, ctx, top, bottom);
        return;
    }
    struct frame f = category_frame(cr, ctx, top, bottom, rate_axis(ctx, QPV_KIND, 1, 1.1), 0);
    draw_y_axis(cr, ctx, &f);
    draw_category_axis(cr, ctx, &f, qpv_sublabel);
    for (size_t i = 0; i < ctx->fig->n_periods; i++)
        draw_qpv_bar(cr, ctx, &f, i);
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
    cairo_status_t status = cairo_surface_write_to_png(surface, path);
    cairo_surface_destroy(surface);
    return status == CAIRO_STATUS_SUCCESS ? IMPACT_OK : surface_fail(status, path, err);
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

static int render_file(const struct chart_def *def, const struct chart_ctx *ctx,
                       const struct backend *backend, const struct chart_info *info,
                       struct impact_error *err)
{
    char path[IMPACT_PATH_MAX];
    int n =
        snprintf(path, sizeof path, "%s/%s.%s", ctx->opt->out_dir, def->name, backend->extension);
    if (n < 0 || (size_t)n >= sizeof path)
        return impact_fail(err, STAGE, ctx->opt->out_dir, 0, 0, "output path too long");
    cairo_surface_t *surface = backend->create(path, ctx->opt->width, ctx->opt->height);
    cairo_status_t status = cairo_surface_status(surface);
    if (status != CAIRO_STATUS_SUCCESS) {
        cairo_surface_destroy(surface);
        return surface_fail(status, path, err);
    }
    cairo_t *cr = cairo_create(surface);
    def->draw(cr, ctx);
    status = cairo_status(cr);
    cairo_destroy(cr);
    if (status != CAIRO_STATUS_SUCCESS) {
        cairo_surface_destroy(surface);
        return surface_fail(status, path, err);
    }
    return backend->finish(surface, path, info, err);
}

/* "Source : Programme, données internes, 26 nov. 2026". */
static void source_line(struct chart_ctx *ctx)
{
    const char *run_date = ctx->opt->run_date ? ctx->opt->run_date : "";
    day_t day;
    char when[NUMFMT_BUF + 64];
    if (date_parse(run_date, strlen(run_date), &day, NULL) == DATE_OK)
        numfmt_date(day, ctx->lang, when, sizeof when);
    else
        format_text(when, sizeof when, "%s", run_date);
    format_text(ctx->source, sizeof ctx->source, "%s%s%s, %s, %s", tr(ctx, "Source", "Source"),
                colon(ctx), ctx->opt->programme ? ctx->opt->programme : "",
                tr(ctx, "données internes", "internal data"), when);
}

static void chart_ctx_init(struct chart_ctx *ctx, const struct figures *fig,
                           const struct charts_options *opt)
{
    memset(ctx, 0, sizeof *ctx);
    ctx->fig = fig;
    ctx->opt = opt;
    ctx->lang = opt->language == NUMFMT_LANG_EN ? NUMFMT_LANG_EN : NUMFMT_LANG_FR;
    ctx->width = opt->width;
    ctx->height = opt->height;
    ctx->scale = opt->width / REFERENCE_W;
    source_line(ctx);
}

static void chart_info_fill(struct chart_info *info, const struct chart_def *def,
                            const struct chart_ctx *ctx)
{
    memset(info, 0, sizeof *info);
    format_text(info->name, sizeof info->name, "%s", def->name);
    format_text(info->png_file, sizeof info->png_file, "%s.png", def->name);
    format_text(info->svg_file, sizeof info->svg_file, "%s.svg", def->name);
    format_text(info->title, sizeof info->title, "%s", ctx->text.title);
    format_text(info->alt_text, sizeof info->alt_text, "%s", ctx->text.alt);
}

static int check_options(const struct charts_options *opt, struct impact_error *err)
{
    if (!opt->out_dir || !opt->out_dir[0])
        return impact_fail(err, STAGE, "", 0, 0, "no output folder given for the charts");
    if (opt->width < MIN_WIDTH || opt->width > MAX_DIMENSION || opt->height < MIN_HEIGHT ||
        opt->height > MAX_DIMENSION)
        return impact_fail(err, STAGE, "", 0, 0,
                           "chart size %d x %d is outside %d-%d x %d-%d pixels", opt->width,
                           opt->height, MIN_WIDTH, MAX_DIMENSION, MIN_HEIGHT, MAX_DIMENSION);
    return IMPACT_OK;
}

int charts_render(const struct figures *figures, const struct charts_options *options,
                  struct chart_list *list, struct impact_error *err)
{
    memset(list, 0, sizeof *list);
    if (check_options(options, err) != IMPACT_OK)
        return IMPACT_FAIL;
    for (size_t c = 0; c < N_CHARTS; c++) {
        struct chart_ctx ctx;
        chart_ctx_init(&ctx, figures, options);
        chart_defs[c].describe(&ctx, &ctx.text);
        struct chart_info *info = &list->charts[list->count++];
        chart_info_fill(info, &chart_defs[c], &ctx);
        for (size_t b = 0; b < sizeof backends / sizeof backends[0]; b++)
            if (render_file(&chart_defs[c], &ctx, &backends[b], info, err) != IMPACT_OK)
                return IMPACT_FAIL;
    }
    return IMPACT_OK;
}
