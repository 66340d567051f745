/* chart_kit.h — the drawing kit: the chart context, bounded text building, number formatting
 * in the chart's language, text on the canvas, the page layout (header, footer), axes, direct
 * labels and the marks the charts share.
 *
 * Why it is in stages/common: two stages draw with it, the charts (stages/charts/) and the
 * summary sheet (stages/summary.c), and a stage never reaches into another stage. The kit
 * uses only cairo and stages/common (figures, numbers, dates), and calls nothing back: what a
 * drawing needs from its caller (language, source line) is passed to kit_ctx_init().
 * Writing files (PNG, SVG) is not the kit's: each stage gives the drawing its own surface.
 *
 * Sizes are given in px for a 1200 px wide chart (KIT_REFERENCE_W) and scaled with the width by
 * kit_px(), so the smallest text (16 px at 1200) stays readable when the chart is shown at half
 * size, and the same drawing serves the social PNG, the print variant and the summary sheet.
 *
 * Ownership: nothing here allocates except where stated; a kit_ctx only points to the
 * figures its caller owns.
 */
#ifndef IMPACT_CHART_KIT_H
#define IMPACT_CHART_KIT_H

#include "stages/common/figures.h"
#include "stages/common/numfmt.h"

#include <cairo.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define KIT_REFERENCE_W    1200.0
#define KIT_NBSP           "\xC2\xA0"     /* before a French colon */
#define KIT_NNBSP          NUMFMT_NNBSP   /* before a French semicolon */
#define KIT_ELLIPSIS       "\xE2\x80\xA6" /* U+2026 */
#define KIT_EN_DASH        "\xE2\x80\x93"
#define KIT_NOTE_MAX       480
#define KIT_NOTE_LINES_MAX 2 /* a longer footnote is cut with an ellipsis */

/* Okabe & Ito (2008), the colour-blind-safe palette; yellow is left out (unreadable on
 * white). Sites cycle through kit_site_colour(). */
enum {
    KIT_OI_ORANGE = 0xE69F00,
    KIT_OI_SKY = 0x56B4E9,
    KIT_OI_GREEN = 0x009E73,
    KIT_OI_BLUE = 0x0072B2,
    KIT_OI_VERMILLION = 0xD55E00,
    KIT_OI_PURPLE = 0xCC79A7,
    KIT_INK = 0x222222,
    KIT_MUTED = 0x5A5A5A,
    KIT_GRID = 0xDEDEDE,
    KIT_AXIS = 0x8C8C8C,
    KIT_UNKNOWN_GREY = 0xB4B4B4,
};

/* Font sizes in px at the reference width. */
enum {
    KIT_FS_TITLE = 30,
    KIT_FS_SUBTITLE = 19,
    KIT_FS_LABEL = 18,
    KIT_FS_TICK = 17,
    KIT_FS_SMALL = 16
};

enum kit_align { KIT_ALIGN_LEFT, KIT_ALIGN_CENTER, KIT_ALIGN_RIGHT };

enum { KIT_WRAP_MAX = 3, KIT_LINE_MAX_BYTES = 400 }; /* lines of wrapped text */

struct kit_text {
    char title[256];
    char subtitle[320];
    char alt[1024];
    char note[KIT_NOTE_MAX]; /* footnote above the source line; may be empty */
};

/* Everything one chart's drawing needs; built once per chart and size. */
struct kit_ctx {
    const struct figures *fig;
    enum numfmt_lang lang;
    double scale; /* width / KIT_REFERENCE_W */
    double width, height;
    bool with_source; /* false on the summary sheet, which has one source line for all */
    char source[320];
    struct kit_text text;
};

/* A y axis from 0 to `top` with a tick every `step`. */
struct kit_axis {
    double top, step;
    bool percent; /* values are ratios, ticks printed as "20 %" */
};

/* The plot area in px and the data ranges mapped onto it (y always starts at 0). */
struct kit_frame {
    double left, top, right, bottom;
    double x_min, x_max;
    struct kit_axis y;
};

/* The French or the English text, by language (kit_tr: by the chart's). */
static inline const char *kit_tr_lang(enum numfmt_lang lang, const char *fr, const char *en)
{
    return lang == NUMFMT_LANG_EN ? en : fr;
}

static inline const char *kit_tr(const struct kit_ctx *ctx, const char *fr, const char *en)
{
    return kit_tr_lang(ctx->lang, fr, en);
}

static inline double kit_px(const struct kit_ctx *ctx, double reference_px)
{
    return reference_px * ctx->scale;
}

/* "Label : " in French (no-break space before the colon), "Label: " in English. */
static inline const char *kit_colon(const struct kit_ctx *ctx)
{
    return kit_tr(ctx, KIT_NBSP ": ", ": ");
}

/* "; " between items of a list, with a narrow no-break space before it in French. */
static inline const char *kit_semicolon(const struct kit_ctx *ctx)
{
    return kit_tr(ctx, KIT_NNBSP "; ", "; ");
}

static inline bool kit_withheld(uint8_t flag)
{
    return flag != WITHHELD_NONE;
}

/* Fills ctx for drawing at width × height in `lang`, with `source` (copied) as its source
 * line (kit_ctx_init leaves the text empty). */
void kit_ctx_init(struct kit_ctx *ctx, const struct figures *fig, enum numfmt_lang lang,
                  const char *source, double width, double height);

/* The source line, "Source : <programme>, données internes, 26 nov. 2026": run_date is shown
 * as a date when it is an ISO date, as it is otherwise. */
void kit_source_line(enum numfmt_lang lang, const char *programme, const char *run_date, char *out,
                     size_t cap);

/* ---- Bounded text building: appends stop at the buffer's end on a UTF-8 boundary ---- */

struct kit_sbuf {
    char *data;
    size_t cap, len;
    bool full; /* something was cut: later pieces would read as if nothing was */
};

struct kit_sbuf kit_sb_start(char *data, size_t cap);
void kit_sb_add(struct kit_sbuf *sb, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* snprintf into a fixed buffer, cut on a character boundary when it does not fit. */
void kit_format_text(char *out, size_t cap, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
/* Length of the longest prefix of s[0..len) that ends on a whole UTF-8 character. */
size_t kit_utf8_whole(const char *s, size_t len);

/* ---- Numbers in the chart's language, returned by value so several fit in one sb_add ---- */

struct kit_num {
    char s[NUMFMT_BUF];
};

struct kit_num kit_fmt_count(const struct kit_ctx *ctx, long value);
struct kit_num kit_fmt_pct(const struct kit_ctx *ctx, double ratio, int decimals);
struct kit_num kit_fmt_date(const struct kit_ctx *ctx, day_t day);
struct kit_num kit_fmt_quarter(const struct kit_ctx *ctx, day_t day);

/* "<what>, 2017–2019" — or just "<what>" when there is no period. */
void kit_subtitle_with_range(const struct kit_ctx *ctx, struct kit_text *t, const char *what);
/* The confidence level of the intervals, 0.95 when the figures do not say. */
double kit_confidence(const struct kit_ctx *ctx);

/* ---- Partial periods (the data stop before the period's end) ---- */

/* A period's name in texts and under its bar: its label, and for a partial period
 * "2020 (jusqu'au 16/10)" / "2020 (to 16 Oct)", or "(sans données)" / "(no data)" when the
 * data stop before it starts. */
struct kit_num kit_period_name(const struct kit_ctx *ctx, const struct period_figures *p);
/* The last period when it is partial, else NULL. */
const struct period_figures *kit_partial_period(const struct kit_ctx *ctx);
/* A mark's colour in a partial period: the colour mixed with white, lighter than the
 * complete periods' (never confused with the grey hatching of withheld values). */
uint32_t kit_partial_tone(uint32_t rgb);
/* Appends "2020 incomplet : données jusqu'au 16 oct. 2020 (barre plus claire)." to a footnote
 * when the last period is partial (naming the period the data stop in, and "2021 : pas encore
 * de données." for one wholly after it); `what` says how it is drawn, or NULL. */
void kit_partial_note(const struct kit_ctx *ctx, const char *what_fr, const char *what_en,
                      struct kit_sbuf *sb);

/* ---- Withheld values (disclosure control) ---- */

/* The short mark drawn where a withheld value would be: "masqué" / "withheld". */
const char *kit_withheld_mark(const struct kit_ctx *ctx);
/* The same word by language, for a caller without a chart context (the summary sheet). */
const char *kit_withheld_word(enum numfmt_lang lang);
/* Appends "valeur masquée (moins de 11 personnes)." to a footnote (after the caller's lead,
 * e.g. "Masqué : "); `complementary` adds that some values are withheld to protect another
 * (so that it cannot be worked out from a total). */
void kit_withheld_note(const struct kit_ctx *ctx, bool complementary, struct kit_sbuf *sb);

/* ---- Trajectories (a target_progress): what of a cumulative count can be quoted ---- */

bool kit_point_shown(const struct quarter_point *q);
/* Index of the last quarter whose count is shown, or -1. */
long kit_last_shown_quarter(const struct target_progress *tp);
/* `reached` (the last quarter's count) and the progress can be quoted. */
bool kit_reached_shown(const struct target_progress *tp);

/* ---- Text on the canvas ---- */

void kit_set_colour(cairo_t *cr, uint32_t rgb);
uint32_t kit_text_tone(uint32_t rgb); /* palette colour darkened for text */
uint32_t kit_text_on(uint32_t fill);  /* white or ink, whichever reads on the fill */
void kit_set_font(cairo_t *cr, const struct kit_ctx *ctx, double reference_px, bool bold);
/* The charts' font at `size` in cr's user units, unscaled (the summary sheet, in points). */
void kit_set_font_size(cairo_t *cr, double size, bool bold);
double kit_text_width(cairo_t *cr, const char *text);
void kit_text_at(cairo_t *cr, double x, double y, enum kit_align align, const char *text);
void kit_text_mid(cairo_t *cr, double x, double y, enum kit_align align, const char *text);
void kit_text_boxed(cairo_t *cr, double x, double y, enum kit_align align, const char *text);
void kit_fit_text(cairo_t *cr, const char *text, double max_w, char *out, size_t cap);
int kit_wrap_text(cairo_t *cr, const char *text, double max_w, int max_lines,
                  char lines[][KIT_LINE_MAX_BYTES]);

/* ---- Page layout ---- */

void kit_paint_background(cairo_t *cr, const struct kit_ctx *ctx);
/* Title and subtitle at the top left; returns the y where the plot area may start. */
double kit_draw_header(cairo_t *cr, const struct kit_ctx *ctx);
/* Source line and footnote at the bottom; returns the y the plot must stay above. */
double kit_draw_footer(cairo_t *cr, const struct kit_ctx *ctx);
/* For charts with nothing to plot: one sentence in the middle of the free area. */
void kit_draw_empty(cairo_t *cr, const struct kit_ctx *ctx, double top, double bottom);

/* ---- Axes ---- */

struct kit_axis kit_nice_axis(double max, bool percent);
double kit_y_labels_width(cairo_t *cr, const struct kit_ctx *ctx, const struct kit_axis *a);
void kit_draw_y_axis(cairo_t *cr, const struct kit_ctx *ctx, const struct kit_frame *f);

static inline double kit_frame_x(const struct kit_frame *f, double x)
{
    double span = f->x_max - f->x_min;
    return f->left + (span > 0 ? (x - f->x_min) / span : 0.5) * (f->right - f->left);
}

static inline double kit_frame_y(const struct kit_frame *f, double v)
{
    return f->bottom - v / f->y.top * (f->bottom - f->top);
}

/* Writes a category's label, and a second smaller line under it ("sur 135 personnes") that
 * may be left empty. */
typedef void (*kit_category_fn)(const struct kit_ctx *ctx, size_t i, char *label, char *sublabel,
                                size_t cap);
/* Labels of the categories 0 … n-1 under the plot, centred in their bands. */
void kit_draw_category_axis(cairo_t *cr, const struct kit_ctx *ctx, const struct kit_frame *f,
                            size_t n, kit_category_fn labels);
/* The periods as categories: the label and, when given, a sublabel. */
void kit_period_category(const struct kit_ctx *ctx, size_t i, char *label, char *sublabel,
                         size_t cap);
/* Time axis: a tick at each 1 January with the year centred in its span. */
void kit_draw_year_axis(cairo_t *cr, const struct kit_ctx *ctx, const struct kit_frame *f);
/* Plot frame for category charts: y axis at the left, `right_room` kept at the right. */
struct kit_frame kit_category_frame(cairo_t *cr, const struct kit_ctx *ctx, double top,
                                    double bottom, struct kit_axis y, size_t n_categories,
                                    double right_room);
double kit_bar_width(const struct kit_ctx *ctx, const struct kit_frame *f);

/* ---- Direct labels beside the marks, moved apart so that none overlap ---- */

struct kit_label {
    double want_y;   /* where the label would sit: the y of the mark it names */
    double y;        /* where it goes */
    double anchor_x; /* x of the mark, for a leader line; 0 for none */
    char text[200];  /* a name of up to 127 bytes and a number */
    uint32_t colour;
    bool bold;
};

void kit_spread_labels(struct kit_label *labels, size_t n, double gap, double lo, double hi);
void kit_draw_side_labels(cairo_t *cr, const struct kit_ctx *ctx, const struct kit_label *labels,
                          size_t n, double x);
double kit_widest_label(cairo_t *cr, const struct kit_ctx *ctx, const struct kit_label *labels,
                        size_t n);

/* ---- Marks ---- */

uint32_t kit_site_colour(size_t i);
void kit_draw_dot(cairo_t *cr, double x, double y, double radius, uint32_t colour);
/* A vertical interval with end caps, for Wilson intervals. */
void kit_draw_whisker(cairo_t *cr, const struct kit_ctx *ctx, double x, double y_low, double y_high,
                      uint32_t colour);
/* A dashed outline around a partial period's bar or interval. */
void kit_draw_partial_outline(cairo_t *cr, const struct kit_ctx *ctx, double x, double y, double w,
                              double h);
/* A gap's mark ("n.d.", "masqué") just above the baseline at x. */
void kit_draw_gap_mark(cairo_t *cr, const struct kit_ctx *ctx, const struct kit_frame *f, double x,
                       const char *text);
/* Footnote of the rate charts: what the vertical lines are. */
void kit_interval_note(const struct kit_ctx *ctx, struct kit_sbuf *note);

#endif
