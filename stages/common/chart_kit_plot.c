/* chart_kit_plot.c — the drawing kit's page layout, axes, direct labels and shared marks
 * (see chart_kit.h). */
#include "stages/common/chart_kit.h"

#include <math.h>

static const uint32_t SITE_COLOURS[] = {KIT_OI_ORANGE, KIT_OI_GREEN, KIT_OI_PURPLE, KIT_OI_SKY,
                                        KIT_OI_VERMILLION};
#define N_SITE_COLOURS (sizeof SITE_COLOURS / sizeof SITE_COLOURS[0])

/* ------------------------------------------------------------------------------------------
 * Page layout: background, header (title, subtitle), footer (note, source), empty message.
 */

/* Only the chart's own rectangle: on the summary sheet the chart is one part of a page. */
void kit_paint_background(cairo_t *cr, const struct kit_ctx *ctx)
{
    cairo_set_source_rgb(cr, 1, 1, 1);
    cairo_rectangle(cr, 0, 0, ctx->width, ctx->height);
    cairo_fill(cr);
}

/* Draws lines of text from baseline y down; returns the baseline after the last line. */
static double draw_lines(cairo_t *cr, const char *text, double x, double y, double max_w,
                         double leading, int max_lines)
{
    char lines[KIT_WRAP_MAX][KIT_LINE_MAX_BYTES];
    int n = kit_wrap_text(cr, text, max_w, max_lines, lines);
    for (int i = 0; i < n; i++) {
        kit_text_at(cr, x, y, KIT_ALIGN_LEFT, lines[i]);
        y += leading;
    }
    return y - leading;
}

double kit_draw_header(cairo_t *cr, const struct kit_ctx *ctx)
{
    double x = kit_px(ctx, 36), max_w = ctx->width - 2 * x;
    kit_set_colour(cr, KIT_INK);
    kit_set_font(cr, ctx, KIT_FS_TITLE, true);
    double y = draw_lines(cr, ctx->text.title, x, kit_px(ctx, 48), max_w, kit_px(ctx, 37), 2);
    kit_set_colour(cr, KIT_MUTED);
    kit_set_font(cr, ctx, KIT_FS_SUBTITLE, false);
    y = draw_lines(cr, ctx->text.subtitle, x, y + kit_px(ctx, 32), max_w, kit_px(ctx, 25), 2);
    return y + kit_px(ctx, 22);
}

/* The source line at the bottom left and the footnote (wrapped, at most KIT_NOTE_LINES_MAX
 * lines) above it, bottom up. */
double kit_draw_footer(cairo_t *cr, const struct kit_ctx *ctx)
{
    double x = kit_px(ctx, 36), y = ctx->height - kit_px(ctx, 18), max_w = ctx->width - 2 * x;
    kit_set_colour(cr, KIT_MUTED);
    kit_set_font(cr, ctx, KIT_FS_SMALL, false);
    char lines[KIT_NOTE_LINES_MAX][KIT_LINE_MAX_BYTES];
    if (ctx->with_source) {
        kit_fit_text(cr, ctx->source, max_w, lines[0], sizeof lines[0]);
        kit_text_at(cr, x, y, KIT_ALIGN_LEFT, lines[0]);
        y -= kit_px(ctx, 22);
    }
    int n =
        ctx->text.note[0] ? kit_wrap_text(cr, ctx->text.note, max_w, KIT_NOTE_LINES_MAX, lines) : 0;
    for (int i = n; i-- > 0;) {
        kit_text_at(cr, x, y, KIT_ALIGN_LEFT, lines[i]);
        y -= kit_px(ctx, 22);
    }
    return y;
}

void kit_draw_empty(cairo_t *cr, const struct kit_ctx *ctx, double top, double bottom)
{
    kit_set_colour(cr, KIT_MUTED);
    kit_set_font(cr, ctx, KIT_FS_LABEL, false);
    kit_text_mid(cr, ctx->width / 2, (top + bottom) / 2, KIT_ALIGN_CENTER,
                 kit_tr(ctx, "Aucune donnée à représenter", "No data to show"));
}

/* ------------------------------------------------------------------------------------------
 * Axes.
 */

/* A "nice" step (1, 2, 2.5 or 5 × 10^k) giving about five intervals up to max; whole-number
 * axes never get fractional steps. Percent axes are built in percentage points. */
struct kit_axis kit_nice_axis(double max, bool percent)
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
    return (struct kit_axis){top / unit, step / unit, percent};
}

static struct kit_num tick_label(const struct kit_ctx *ctx, const struct kit_axis *a, double v)
{
    return a->percent ? kit_fmt_pct(ctx, v, 0) : kit_fmt_count(ctx, lround(v));
}

/* Widest y tick label, so the plot can start right after it. */
double kit_y_labels_width(cairo_t *cr, const struct kit_ctx *ctx, const struct kit_axis *a)
{
    kit_set_font(cr, ctx, KIT_FS_TICK, false);
    return kit_text_width(cr, tick_label(ctx, a, a->top).s);
}

/* Light horizontal gridlines at each tick, labels on the left, a darker zero line. */
void kit_draw_y_axis(cairo_t *cr, const struct kit_ctx *ctx, const struct kit_frame *f)
{
    kit_set_font(cr, ctx, KIT_FS_TICK, false);
    cairo_set_line_width(cr, fmax(1, kit_px(ctx, 1)));
    int n = (int)lround(f->y.top / f->y.step);
    for (int i = 0; i <= n; i++) {
        double v = i * f->y.step, y = round(kit_frame_y(f, v)) + 0.5;
        kit_set_colour(cr, i == 0 ? KIT_AXIS : KIT_GRID);
        cairo_move_to(cr, f->left, y);
        cairo_line_to(cr, f->right, y);
        cairo_stroke(cr);
        kit_set_colour(cr, KIT_MUTED);
        kit_text_mid(cr, f->left - kit_px(ctx, 10), y, KIT_ALIGN_RIGHT,
                     tick_label(ctx, &f->y, v).s);
    }
}

void kit_period_category(const struct kit_ctx *ctx, size_t i, char *label, char *sublabel,
                         size_t cap)
{
    kit_format_text(label, cap, "%s", kit_period_name(ctx, &ctx->fig->periods[i]).s);
    sublabel[0] = '\0';
}

void kit_draw_category_axis(cairo_t *cr, const struct kit_ctx *ctx, const struct kit_frame *f,
                            size_t n, kit_category_fn labels)
{
    double band = (f->right - f->left) / (f->x_max - f->x_min);
    for (size_t i = 0; i < n; i++) {
        char label[KIT_LINE_MAX_BYTES], sub[KIT_LINE_MAX_BYTES], fitted[KIT_LINE_MAX_BYTES];
        double x = kit_frame_x(f, i + 0.5);
        labels(ctx, i, label, sub, sizeof label);
        kit_set_colour(cr, KIT_INK);
        kit_set_font(cr, ctx, KIT_FS_LABEL, false);
        kit_fit_text(cr, label, band * 0.95, fitted, sizeof fitted);
        kit_text_at(cr, x, f->bottom + kit_px(ctx, 28), KIT_ALIGN_CENTER, fitted);
        if (!sub[0])
            continue;
        kit_set_colour(cr, KIT_MUTED);
        kit_set_font(cr, ctx, KIT_FS_SMALL, false);
        kit_fit_text(cr, sub, band * 0.95, fitted, sizeof fitted);
        kit_text_at(cr, x, f->bottom + kit_px(ctx, 50), KIT_ALIGN_CENTER, fitted);
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
void kit_draw_year_axis(cairo_t *cr, const struct kit_ctx *ctx, const struct kit_frame *f)
{
    int first, last, m, d;
    date_to_ymd((day_t)f->x_min, &first, &m, &d);
    date_to_ymd((day_t)f->x_max, &last, &m, &d);
    kit_set_font(cr, ctx, KIT_FS_LABEL, false);
    cairo_set_line_width(cr, fmax(1, kit_px(ctx, 1)));
    for (int year = first; year <= last; year++) {
        for (int q = 0; q < 4; q++) {
            day_t start = 0;
            date_from_ymd(year, 1 + 3 * q, 1, &start);
            if (start < f->x_min || start > f->x_max)
                continue;
            double x = round(kit_frame_x(f, start)) + 0.5, tick = kit_px(ctx, q == 0 ? 10 : 5);
            kit_set_colour(cr, KIT_AXIS);
            cairo_move_to(cr, x, f->bottom);
            cairo_line_to(cr, x, f->bottom + tick);
            cairo_stroke(cr);
        }
        double lo = fmax(jan_first(year), f->x_min), hi = fmin(jan_first(year + 1), f->x_max);
        char label[8];
        kit_format_text(label, sizeof label, "%d", year);
        if (kit_frame_x(f, hi) - kit_frame_x(f, lo) < kit_text_width(cr, label) * 1.2)
            continue; /* too little of this year is shown to name it */
        kit_set_colour(cr, KIT_INK);
        kit_text_at(cr, kit_frame_x(f, (lo + hi) / 2), f->bottom + kit_px(ctx, 30),
                    KIT_ALIGN_CENTER, label);
    }
}

struct kit_frame kit_category_frame(cairo_t *cr, const struct kit_ctx *ctx, double top,
                                    double bottom, struct kit_axis y, size_t n_categories,
                                    double right_room)
{
    struct kit_frame f = {.top = top, .bottom = bottom, .y = y};
    f.left = kit_px(ctx, 36) + kit_y_labels_width(cr, ctx, &y) + kit_px(ctx, 12);
    f.right = ctx->width - kit_px(ctx, 36) - right_room;
    f.x_min = 0;
    f.x_max = (double)(n_categories ? n_categories : 1);
    return f;
}

double kit_bar_width(const struct kit_ctx *ctx, const struct kit_frame *f)
{
    double band = (f->right - f->left) / (f->x_max - f->x_min);
    return fmin(band * 0.6, kit_px(ctx, 150));
}

/* ------------------------------------------------------------------------------------------
 * Direct labels.
 */

/* Sorts by wanted y, pushes each label below the previous one by at least `gap`, then, if
 * the last one left the area, pushes them back up. */
void kit_spread_labels(struct kit_label *labels, size_t n, double gap, double lo, double hi)
{
    for (size_t i = 1; i < n; i++)
        for (size_t j = i; j > 0 && labels[j].want_y < labels[j - 1].want_y; j--) {
            struct kit_label tmp = labels[j];
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

void kit_draw_side_labels(cairo_t *cr, const struct kit_ctx *ctx, const struct kit_label *labels,
                          size_t n, double x)
{
    for (size_t i = 0; i < n; i++) {
        kit_set_font(cr, ctx, KIT_FS_LABEL, labels[i].bold);
        kit_set_colour(cr, kit_text_tone(labels[i].colour));
        kit_text_mid(cr, x, labels[i].y, KIT_ALIGN_LEFT, labels[i].text);
    }
}

double kit_widest_label(cairo_t *cr, const struct kit_ctx *ctx, const struct kit_label *labels,
                        size_t n)
{
    double w = 0;
    for (size_t i = 0; i < n; i++) {
        kit_set_font(cr, ctx, KIT_FS_LABEL, labels[i].bold);
        w = fmax(w, kit_text_width(cr, labels[i].text));
    }
    return w;
}

/* A dashed outline around a partial period's bar: lighter and open-looking, a bar that is
 * not yet full. */
void kit_draw_partial_outline(cairo_t *cr, const struct kit_ctx *ctx, double x, double y, double w,
                              double h)
{
    double dash[2] = {kit_px(ctx, 6), kit_px(ctx, 4)};
    cairo_save(cr);
    kit_set_colour(cr, KIT_MUTED);
    cairo_set_line_width(cr, kit_px(ctx, 1.5));
    cairo_set_dash(cr, dash, 2, 0);
    cairo_rectangle(cr, x, y, w, h);
    cairo_stroke(cr);
    cairo_restore(cr);
}

/* ------------------------------------------------------------------------------------------
 * Marks.
 */

uint32_t kit_site_colour(size_t i)
{
    return SITE_COLOURS[i % N_SITE_COLOURS];
}

void kit_draw_dot(cairo_t *cr, double x, double y, double radius, uint32_t colour)
{
    cairo_new_path(cr);
    cairo_arc(cr, x, y, radius, 0, 2 * M_PI);
    kit_set_colour(cr, colour);
    cairo_fill_preserve(cr);
    cairo_set_source_rgb(cr, 1, 1, 1);
    cairo_set_line_width(cr, radius / 2.5);
    cairo_stroke(cr);
}

void kit_draw_whisker(cairo_t *cr, const struct kit_ctx *ctx, double x, double y_low, double y_high,
                      uint32_t colour)
{
    double cap = kit_px(ctx, 7);
    kit_set_colour(cr, colour);
    cairo_set_line_width(cr, kit_px(ctx, 2));
    cairo_move_to(cr, x, y_low);
    cairo_line_to(cr, x, y_high);
    cairo_move_to(cr, x - cap, y_low);
    cairo_line_to(cr, x + cap, y_low);
    cairo_move_to(cr, x - cap, y_high);
    cairo_line_to(cr, x + cap, y_high);
    cairo_stroke(cr);
}

void kit_draw_gap_mark(cairo_t *cr, const struct kit_ctx *ctx, const struct kit_frame *f, double x,
                       const char *text)
{
    kit_set_colour(cr, KIT_MUTED);
    kit_set_font(cr, ctx, KIT_FS_SMALL, false);
    kit_text_at(cr, x, f->bottom - kit_px(ctx, 8), KIT_ALIGN_CENTER, text);
}

void kit_interval_note(const struct kit_ctx *ctx, struct kit_sbuf *note)
{
    kit_sb_add(note,
               kit_tr(ctx, "%sTrait vertical%sintervalle de confiance à %s.",
                      "%sVertical lines%s%s confidence intervals."),
               note->len ? " " : "", kit_colon(ctx), kit_fmt_pct(ctx, kit_confidence(ctx), 0).s);
}
