/* charts_kit.h — the drawing kit of the charts stage: the chart context, bounded text
 * building, number formatting in the chart's language, text on the canvas, the page layout
 * (header, footer), axes, direct labels and the marks the charts share.
 *
 * Internal to the charts stage (charts.c draws the charts with it, charts_kit.c implements
 * it); other stages include stages/charts.h only. It exists so that charts.c holds the
 * charts themselves and not the typography.
 *
 * Sizes are given in px for a 1200 px wide chart (REFERENCE_W) and scaled with the width by
 * px(), so the smallest text (16 px at 1200) stays readable when the chart is shown at half
 * size, and the same drawing serves the social PNG, the print variant and the summary sheet.
 *
 * Ownership: nothing here allocates except where stated; a chart_ctx only points to the
 * figures and options its caller owns.
 */
#ifndef IMPACT_CHARTS_KIT_H
#define IMPACT_CHARTS_KIT_H

#include "stages/charts.h"

#include <cairo.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define REFERENCE_W    1200.0
#define NBSP           "\xC2\xA0"     /* before a French colon */
#define NNBSP          NUMFMT_NNBSP   /* before a French semicolon */
#define ELLIPSIS       "\xE2\x80\xA6" /* U+2026 */
#define EN_DASH        "\xE2\x80\x93"
#define NOTE_MAX       480
#define NOTE_LINES_MAX 2 /* a longer footnote is cut with an ellipsis */

/* Okabe & Ito (2008), the colour-blind-safe palette; yellow is left out (unreadable on
 * white). Sites cycle through site_colour(). */
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

/* Font sizes in px at the reference width. */
enum { FS_TITLE = 30, FS_SUBTITLE = 19, FS_LABEL = 18, FS_TICK = 17, FS_SMALL = 16 };

enum align { ALIGN_LEFT, ALIGN_CENTER, ALIGN_RIGHT };

enum { WRAP_MAX = 3, LINE_MAX_BYTES = 400 }; /* lines of wrapped text */

struct chart_text {
    char title[256];
    char subtitle[320];
    char alt[1024];
    char note[NOTE_MAX]; /* footnote above the source line; may be empty */
};

/* Everything one chart's drawing needs; built once per chart and size. */
struct chart_ctx {
    const struct figures *fig;
    const struct charts_options *opt;
    enum numfmt_lang lang;
    double scale; /* width / REFERENCE_W */
    double width, height;
    bool with_source; /* false on the summary sheet, which has one source line for all */
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

static inline const char *tr(const struct chart_ctx *ctx, const char *fr, const char *en)
{
    return ctx->lang == NUMFMT_LANG_EN ? en : fr;
}

static inline double px(const struct chart_ctx *ctx, double reference_px)
{
    return reference_px * ctx->scale;
}

/* "Label : " in French (no-break space before the colon), "Label: " in English. */
static inline const char *colon(const struct chart_ctx *ctx)
{
    return tr(ctx, NBSP ": ", ": ");
}

/* "; " between items of a list, with a narrow no-break space before it in French. */
static inline const char *semicolon(const struct chart_ctx *ctx)
{
    return tr(ctx, NNBSP "; ", "; ");
}

static inline bool is_withheld(uint8_t flag)
{
    return flag != WITHHELD_NONE;
}

/* Fills ctx for drawing at width × height (chart_ctx_init leaves the text empty). */
void chart_ctx_init(struct chart_ctx *ctx, const struct figures *fig,
                    const struct charts_options *opt, double width, double height);

/* ---- Bounded text building: appends stop at the buffer's end on a UTF-8 boundary ---- */

struct sbuf {
    char *data;
    size_t cap, len;
    bool full; /* something was cut: later pieces would read as if nothing was */
};

struct sbuf sb_start(char *data, size_t cap);
void sb_add(struct sbuf *sb, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* snprintf into a fixed buffer, cut on a character boundary when it does not fit. */
void format_text(char *out, size_t cap, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
/* Length of the longest prefix of s[0..len) that ends on a whole UTF-8 character. */
size_t utf8_whole(const char *s, size_t len);

/* ---- Numbers in the chart's language, returned by value so several fit in one sb_add ---- */

struct num {
    char s[NUMFMT_BUF];
};

struct num fmt_count(const struct chart_ctx *ctx, long value);
struct num fmt_pct(const struct chart_ctx *ctx, double ratio, int decimals);
struct num fmt_date(const struct chart_ctx *ctx, day_t day);
struct num fmt_quarter(const struct chart_ctx *ctx, day_t day);

/* "<what>, 2017–2019" — or just "<what>" when there is no period. */
void subtitle_with_range(const struct chart_ctx *ctx, struct chart_text *t, const char *what);
/* The confidence level of the intervals, 0.95 when the figures do not say. */
double confidence(const struct chart_ctx *ctx);

/* ---- Partial periods (the data stop before the period's end) ---- */

/* A period's name in texts and under its bar: its label, and for a partial period
 * "2020 (jusqu'au 16/10)" / "2020 (to 16 Oct)", or "(sans données)" / "(no data)" when the
 * data stop before it starts. */
struct num period_name(const struct chart_ctx *ctx, const struct period_figures *p);
/* The last period when it is partial, else NULL. */
const struct period_figures *partial_period(const struct chart_ctx *ctx);
/* A mark's colour in a partial period: the colour mixed with white, lighter than the
 * complete periods' (never confused with the grey hatching of withheld values). */
uint32_t partial_tone(uint32_t rgb);
/* Appends "2020 incomplet : données jusqu'au 16 oct. 2020 (barre plus claire)." to a footnote
 * when the last period is partial (naming the period the data stop in, and "2021 : pas encore
 * de données." for one wholly after it); `what` says how it is drawn, or NULL. */
void partial_note(const struct chart_ctx *ctx, const char *what_fr, const char *what_en,
                  struct sbuf *sb);

/* ---- Withheld values (disclosure control) ---- */

/* The short mark drawn where a withheld value would be: "masqué" / "withheld". */
const char *withheld_mark(const struct chart_ctx *ctx);
/* Appends "valeur masquée (moins de 11 personnes)." to a footnote (after the caller's lead,
 * e.g. "Masqué : "); `complementary` adds that some values are withheld to protect another
 * (so that it cannot be worked out from a total). */
void withheld_note(const struct chart_ctx *ctx, bool complementary, struct sbuf *sb);

/* ---- Text on the canvas ---- */

void set_colour(cairo_t *cr, uint32_t rgb);
uint32_t text_tone(uint32_t rgb); /* palette colour darkened for text */
uint32_t text_on(uint32_t fill);  /* white or ink, whichever reads on the fill */
void set_font(cairo_t *cr, const struct chart_ctx *ctx, double reference_px, bool bold);
double text_width(cairo_t *cr, const char *text);
void text_at(cairo_t *cr, double x, double y, enum align align, const char *text);
void text_mid(cairo_t *cr, double x, double y, enum align align, const char *text);
void text_boxed(cairo_t *cr, double x, double y, enum align align, const char *text);
void fit_text(cairo_t *cr, const char *text, double max_w, char *out, size_t cap);
int wrap_text(cairo_t *cr, const char *text, double max_w, int max_lines,
              char lines[][LINE_MAX_BYTES]);

/* ---- Page layout ---- */

void paint_background(cairo_t *cr, const struct chart_ctx *ctx);
/* Title and subtitle at the top left; returns the y where the plot area may start. */
double draw_header(cairo_t *cr, const struct chart_ctx *ctx);
/* Source line and footnote at the bottom; returns the y the plot must stay above. */
double draw_footer(cairo_t *cr, const struct chart_ctx *ctx);
/* For charts with nothing to plot: one sentence in the middle of the free area. */
void draw_empty(cairo_t *cr, const struct chart_ctx *ctx, double top, double bottom);

/* ---- Axes ---- */

struct axis nice_axis(double max, bool percent);
double y_labels_width(cairo_t *cr, const struct chart_ctx *ctx, const struct axis *a);
void draw_y_axis(cairo_t *cr, const struct chart_ctx *ctx, const struct frame *f);

static inline double frame_x(const struct frame *f, double x)
{
    double span = f->x_max - f->x_min;
    return f->left + (span > 0 ? (x - f->x_min) / span : 0.5) * (f->right - f->left);
}

static inline double frame_y(const struct frame *f, double v)
{
    return f->bottom - v / f->y.top * (f->bottom - f->top);
}

/* Writes a category's label, and a second smaller line under it ("sur 135 personnes") that
 * may be left empty. */
typedef void (*category_fn)(const struct chart_ctx *ctx, size_t i, char *label, char *sublabel,
                            size_t cap);
/* Labels of the categories 0 … n-1 under the plot, centred in their bands. */
void draw_category_axis(cairo_t *cr, const struct chart_ctx *ctx, const struct frame *f, size_t n,
                        category_fn labels);
/* The periods as categories: the label and, when given, a sublabel. */
void period_category(const struct chart_ctx *ctx, size_t i, char *label, char *sublabel,
                     size_t cap);
/* Time axis: a tick at each 1 January with the year centred in its span. */
void draw_year_axis(cairo_t *cr, const struct chart_ctx *ctx, const struct frame *f);
/* Plot frame for category charts: y axis at the left, `right_room` kept at the right. */
struct frame category_frame(cairo_t *cr, const struct chart_ctx *ctx, double top, double bottom,
                            struct axis y, size_t n_categories, double right_room);
double bar_width(const struct chart_ctx *ctx, const struct frame *f);

/* ---- Direct labels beside the marks, moved apart so that none overlap ---- */

struct side_label {
    double want_y;   /* where the label would sit: the y of the mark it names */
    double y;        /* where it goes */
    double anchor_x; /* x of the mark, for a leader line; 0 for none */
    char text[200];  /* a name of up to 127 bytes and a number */
    uint32_t colour;
    bool bold;
};

void spread_labels(struct side_label *labels, size_t n, double gap, double lo, double hi);
void draw_side_labels(cairo_t *cr, const struct chart_ctx *ctx, const struct side_label *labels,
                      size_t n, double x);
double widest_label(cairo_t *cr, const struct chart_ctx *ctx, const struct side_label *labels,
                    size_t n);

/* ---- Marks ---- */

uint32_t site_colour(size_t i);
void draw_dot(cairo_t *cr, double x, double y, double radius, uint32_t colour);
/* A vertical interval with end caps, for Wilson intervals. */
void draw_whisker(cairo_t *cr, const struct chart_ctx *ctx, double x, double y_low, double y_high,
                  uint32_t colour);
/* A gap's mark ("n.d.", "masqué") just above the baseline at x. */
void draw_gap_mark(cairo_t *cr, const struct chart_ctx *ctx, const struct frame *f, double x,
                   const char *text);
/* Footnote of the rate charts: what the vertical lines are. */
void interval_note(const struct chart_ctx *ctx, struct sbuf *note);

/* ---- Files ---- */

/* Saves an RGB24 image surface as an 8-bit RGB PNG (lossless: the surface's pixels exactly).
 * Returns IMPACT_OK, or IMPACT_FAIL with err filled (the file may be left half written). */
int write_png(cairo_surface_t *surface, const char *path, struct impact_error *err);

#endif
