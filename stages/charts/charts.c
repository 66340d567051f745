/* charts.c — the publication charts (see charts.h): the table of the charts, and the loop
 * that runs each through every backend (backend_png.c, backend_svg.c) at every size.
 *
 * Each chart is a row of `chart_defs`: its name, `describe` (the title, subtitle, footnote and
 * text alternative, from the figures) and `draw` (paints on any cairo_t, at any size); each
 * chart family is a file of this folder (internal.h). charts_render() runs every chart
 * through every backend at every size, as cmark's renderers share one loop; charts_draw()
 * lends the same `draw` to a caller's surface. Typography, layout, axes and the shared marks
 * are the drawing kit's (stages/common/chart_kit.h).
 *
 * Withheld values (public figures): a mark that would show one is left out — a gap in a line,
 * a hatched block, "masqué" where a bar or a dot would be — and the texts quote only values
 * that are shown, so each title picks a finding among those.
 */
#include "stages/charts/charts.h"

#include "stages/charts/backend.h"
#include "stages/charts/internal.h"

#include <cairo.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#define STAGE         "charts"
#define MIN_WIDTH     320 /* the layout needs that much; config.c checks the same range */
#define MIN_HEIGHT    200
#define MAX_DIMENSION 8000

/* ==========================================================================================
 * The chart table, the backends, and the loop that runs one through the other.
 */

/* A chart: its file name, `describe` (title, subtitle, footnote and the text alternative,
 * from the figures) and `draw`. The figures each reads are in the comments; the order is the
 * order of the files in indicators.json's chart list. */
struct chart_def {
    const char *name;
    void (*describe)(const struct kit_ctx *ctx, struct kit_text *text);
    void (*draw)(cairo_t *cr, const struct kit_ctx *ctx);
};

static const struct chart_def chart_defs[] = {
    /* overall and sites' target_progress, deadline; cumulative.c */
    {"cumulative_target", charts_describe_cumulative, charts_draw_cumulative},
    /* periods' counts by role; stacked.c */
    {"beneficiaries_by_role", charts_describe_by_role, charts_draw_by_role},
    /* periods' employment and positive-outcome rates; rates.c */
    {"outcome_rates", charts_describe_outcomes, charts_draw_outcomes},
    /* periods' QPV share of sessions; qpv.c */
    {"qpv_share", charts_describe_qpv, charts_draw_qpv},
    /* periods' counts by sex; stacked.c */
    {"beneficiaries_by_sex", charts_describe_by_sex, charts_draw_by_sex},
    /* the last period's employment rate by dosage band; dosage.c */
    {"employment_by_dosage", charts_describe_dosage, charts_draw_dosage},
    /* sites' target_progress; site_targets.c */
    {"site_targets", charts_describe_site_targets, charts_draw_site_targets},
};
#define N_CHARTS (sizeof chart_defs / sizeof chart_defs[0])

static const struct charts_backend *const backends[] = {
    &charts_png_backend,
    &charts_svg_backend,
};

/* The two sizes of every chart: social (options->width × height) and print. */
struct size {
    const char *suffix; /* "" or "_print" */
    int width, height;
};

/* Text is drawn the same way on every surface. Without this, a PNG's glyphs depended on
 * whether the same font had first been used by an SVG surface (which turns hinting off),
 * that is on the order the files were drawn in. */
static void set_font_options(cairo_t *cr)
{
    cairo_font_options_t *options = cairo_font_options_create();
    cairo_font_options_set_antialias(options, CAIRO_ANTIALIAS_GRAY);
    cairo_font_options_set_hint_style(options, CAIRO_HINT_STYLE_NONE);
    cairo_font_options_set_hint_metrics(options, CAIRO_HINT_METRICS_OFF);
    cairo_set_font_options(cr, options);
    cairo_font_options_destroy(options);
}

/* The drawing context of one chart at one size, with the charts' source line. */
static void ctx_init(struct kit_ctx *ctx, const struct figures *figures,
                     const struct charts_options *opt, double width, double height)
{
    char source[sizeof ctx->source];
    kit_source_line(opt->language, opt->programme, opt->run_date, source, sizeof source);
    kit_ctx_init(ctx, figures, opt->language, source, width, height);
}

static int render_file(const struct chart_def *def, const struct kit_ctx *ctx,
                       const struct charts_options *opt, const struct size *size,
                       const struct charts_backend *backend, const struct chart_info *info,
                       struct impact_error *err)
{
    char path[IMPACT_PATH_MAX];
    int n = snprintf(path, sizeof path, "%s/%s%s.%s", opt->out_dir, def->name, size->suffix,
                     backend->extension);
    if (n < 0 || (size_t)n >= sizeof path)
        return impact_fail(err, STAGE, opt->out_dir, 0, 0, "output path too long");
    cairo_surface_t *surface = backend->create(path, size->width, size->height);
    cairo_status_t status = cairo_surface_status(surface);
    if (status != CAIRO_STATUS_SUCCESS) {
        cairo_surface_destroy(surface);
        return charts_surface_fail(status, path, err);
    }
    cairo_t *cr = cairo_create(surface);
    set_font_options(cr);
    def->draw(cr, ctx);
    status = cairo_status(cr);
    cairo_destroy(cr);
    if (status != CAIRO_STATUS_SUCCESS) {
        cairo_surface_destroy(surface);
        return charts_surface_fail(status, path, err);
    }
    return backend->finish(surface, path, info, err);
}

static void chart_info_fill(struct chart_info *info, const struct chart_def *def,
                            const struct kit_ctx *ctx, bool print)
{
    memset(info, 0, sizeof *info);
    kit_format_text(info->name, sizeof info->name, "%s", def->name);
    kit_format_text(info->png_file, sizeof info->png_file, "%s.png", def->name);
    kit_format_text(info->svg_file, sizeof info->svg_file, "%s.svg", def->name);
    if (print) {
        kit_format_text(info->print_png_file, sizeof info->print_png_file, "%s_print.png",
                        def->name);
        kit_format_text(info->print_svg_file, sizeof info->print_svg_file, "%s_print.svg",
                        def->name);
    }
    kit_format_text(info->title, sizeof info->title, "%s", ctx->text.title);
    kit_format_text(info->alt_text, sizeof info->alt_text, "%s", ctx->text.alt);
}

static bool size_ok(int width, int height)
{
    return width >= MIN_WIDTH && width <= MAX_DIMENSION && height >= MIN_HEIGHT &&
           height <= MAX_DIMENSION;
}

static int size_fail(int width, int height, struct impact_error *err)
{
    return impact_fail(err, STAGE, "", 0, 0, "chart size %d x %d is outside %d-%d x %d-%d pixels",
                       width, height, MIN_WIDTH, MAX_DIMENSION, MIN_HEIGHT, MAX_DIMENSION);
}

/* The print variant is off when either of its dimensions is 0. */
static bool wants_print(const struct charts_options *opt)
{
    return opt->print_width != 0 && opt->print_height != 0;
}

static int check_options(const struct charts_options *opt, struct impact_error *err)
{
    if (!opt->out_dir || !opt->out_dir[0])
        return impact_fail(err, STAGE, "", 0, 0, "no output folder given for the charts");
    if (!size_ok(opt->width, opt->height))
        return size_fail(opt->width, opt->height, err);
    if (wants_print(opt) && !size_ok(opt->print_width, opt->print_height))
        return size_fail(opt->print_width, opt->print_height, err);
    return IMPACT_OK;
}

/* One chart at every size through every backend. The texts do not depend on the size. */
static int render_chart(const struct chart_def *def, const struct figures *figures,
                        const struct charts_options *options, struct chart_info *info,
                        struct impact_error *err)
{
    const struct size sizes[] = {{"", options->width, options->height},
                                 {"_print", options->print_width, options->print_height}};
    size_t n_sizes = wants_print(options) ? 2 : 1;
    struct kit_text text;
    for (size_t s = 0; s < n_sizes; s++) {
        struct kit_ctx ctx;
        ctx_init(&ctx, figures, options, sizes[s].width, sizes[s].height);
        if (s == 0) {
            def->describe(&ctx, &ctx.text);
            chart_info_fill(info, def, &ctx, n_sizes > 1);
            text = ctx.text;
        }
        ctx.text = text;
        for (size_t b = 0; b < sizeof backends / sizeof backends[0]; b++)
            if (render_file(def, &ctx, options, &sizes[s], backends[b], info, err) != IMPACT_OK)
                return IMPACT_FAIL;
    }
    return IMPACT_OK;
}

int charts_render(const struct figures *figures, const struct charts_options *options,
                  struct chart_list *list, struct impact_error *err)
{
    memset(list, 0, sizeof *list);
    if (check_options(options, err) != IMPACT_OK)
        return IMPACT_FAIL;
    for (size_t c = 0; c < N_CHARTS && list->count < CHARTS_MAX; c++)
        if (render_chart(&chart_defs[c], figures, options, &list->charts[list->count++], err) !=
            IMPACT_OK)
            return IMPACT_FAIL;
    return IMPACT_OK;
}

int charts_draw(cairo_t *cr, const char *name, const struct figures *figures,
                const struct charts_options *options, struct impact_error *err)
{
    const struct chart_def *def = NULL;
    for (size_t c = 0; c < N_CHARTS && !def; c++)
        if (strcmp(chart_defs[c].name, name) == 0)
            def = &chart_defs[c];
    if (!def)
        return impact_fail(err, STAGE, "", 0, 0, "no chart called \"%s\"", name);
    if (!size_ok(options->width, options->height))
        return size_fail(options->width, options->height, err);
    struct kit_ctx ctx;
    ctx_init(&ctx, figures, options, options->width, options->height);
    ctx.with_source = !options->no_source_line;
    def->describe(&ctx, &ctx.text);
    cairo_save(cr);
    def->draw(cr, &ctx);
    cairo_restore(cr);
    cairo_status_t status = cairo_status(cr);
    if (status != CAIRO_STATUS_SUCCESS)
        return impact_fail(err, STAGE, "", 0, 0, "cannot draw the chart %s: %s", name,
                           cairo_status_to_string(status));
    return IMPACT_OK;
}

int charts_embedded(cairo_t *cr, const char *name, const struct figures *figures, int width,
                    int height, const void *options, struct impact_error *err)
{
    struct charts_options o = *(const struct charts_options *)options;
    o.width = width;
    o.height = height;
    o.no_source_line = true;
    return charts_draw(cr, name, figures, &o, err);
}
