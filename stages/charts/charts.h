/* charts.h — the charts stage: draws the publication charts from the figures, as PNG and
 * SVG from the same cairo drawing code.
 *
 * Lifecycle: charts_render() once per run, after disclosure control, from the PUBLIC
 * figures only. It writes every chart into options->out_dir (which must exist), at
 * options->width × height and, when print_width and print_height are non-zero, again at
 * that size as <name>_print.png / .svg (the A4-width variant), and fills `list` with each
 * chart's file names and its text alternative, which the JSON stage writes beside the paths.
 * charts_draw() paints one chart on a caller's cairo context; charts_embedded() is the same in
 * the shape the summary sheet takes (stages/summary.h), lent to it by the pipeline.
 *
 * The stage is a folder: charts.c holds the table of the charts and the loop that runs each
 * through the backends (backend.h: backend_png.c, backend_svg.c); each chart family is a file
 * (internal.h says which). They draw with the kit (stages/common/chart_kit.h), which never
 * calls back into this folder.
 *
 * Charts (each as <name>.png and <name>.svg, drawn by the same cairo code):
 *   cumulative_target      cumulative distinct beneficiaries by quarter, overall and per
 *                          site, against the target and the deadline, with the projection
 *   site_targets           one small panel per site with a target: its cumulative
 *                          trajectory against its own target (every site, without target
 *                          lines, when no site has one)
 *   beneficiaries_by_role  beneficiaries per period, stacked by role
 *   beneficiaries_by_sex   beneficiaries per period, stacked by sex
 *   outcome_rates          employment and positive-outcome rates per period, with intervals
 *   employment_by_dosage   employment rate by dosage band (sessions attended) in the last
 *                          period with data, with intervals and each band's n
 *   qpv_share              share of sessions held in a QPV per period, with intervals
 * Every chart has a title stating a finding that the chart shows, a subtitle with the unit
 * and the periods, a source line, and a text alternative; the SVG carries the title and the
 * text alternative as <title> and <desc>. An undefined rate is drawn as a gap marked "n.d." /
 * "no data", a withheld value (figures' `withheld` flags) as a gap marked "masqué" /
 * "withheld" with a footnote giving the threshold — never as zero, and never quoted in a
 * title or a text alternative. Outputs are byte-identical across runs for the same figures
 * and options.
 *
 * Errors: a file that cannot be written or a cairo failure returns IMPACT_FAIL with `err`
 * set (stage "charts", the file's path); files already written stay where they are.
 *
 * Ownership: the caller owns `list` (fixed-size arrays, nothing to free) and `cr`; the stage
 * keeps no pointer to `figures` or `options` after it returns.
 */
#ifndef IMPACT_CHARTS_H
#define IMPACT_CHARTS_H

#include "stages/common/error.h"
#include "stages/common/figures.h"
#include "stages/common/numfmt.h"

#include <cairo.h>
#include <stdbool.h>
#include <stddef.h>

struct charts_options {
    const char *out_dir;       /* folder the files go into, e.g. "out/.staging/charts" */
    enum numfmt_lang language; /* NUMFMT_LANG_FR (default) or NUMFMT_LANG_EN: labels, numbers */
    int width, height; /* PNG pixels, 320…8000 × 200…8000; the SVG uses the same px units */
    int print_width, print_height; /* the A4-width print variant, same limits (0: none) */
    const char *programme;         /* programme name for the source line */
    const char *run_date; /* ISO date printed in the source line (from config: reproducible),
                             shown as "26 nov. 2026"; other text is printed as it is */
    bool no_source_line;  /* charts_draw only: the caller prints the source once */
};

int charts_render(const struct figures *figures, const struct charts_options *options,
                  struct chart_list *list, struct impact_error *err);

/* Draws the chart called `name` (one of the list above) on cr, in the rectangle from (0, 0)
 * to options->width × height in cr's user units (pixels, or points on a PDF page: translate
 * cr first), with the same code as the files. out_dir and the print size are not used.
 * Fails (stage "charts") on an unknown name, a size out of range or a cairo error. */
int charts_draw(cairo_t *cr, const char *name, const struct figures *figures,
                const struct charts_options *options, struct impact_error *err);

/* charts_draw() at width × height without the source line, `options` being a
 * `const struct charts_options *`: the shape of summary_options.draw_chart, so that the
 * pipeline can lend the charts' drawing to the summary sheet (stages/summary.h). */
int charts_embedded(cairo_t *cr, const char *name, const struct figures *figures, int width,
                    int height, const void *options, struct impact_error *err);

#endif
