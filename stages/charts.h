/* charts.h — the charts stage: draws the publication charts from the figures, as PNG and
 * SVG from the same cairo drawing code.
 *
 * Lifecycle: charts_render() once per run, after the indicators (and, once disclosure
 * control exists, from the public figures only). It writes every chart into
 * options->out_dir (which must exist) and fills `list` with each chart's file names and its
 * text alternative, which the JSON stage writes beside the paths.
 *
 * Charts (each as <name>.png and <name>.svg, drawn by the same cairo code):
 *   cumulative_target      cumulative distinct beneficiaries by quarter, overall and per
 *                          site, against the target and the deadline, with the projection
 *   beneficiaries_by_role  beneficiaries per period, stacked by role
 *   outcome_rates          employment and positive-outcome rates per period, with intervals
 *   qpv_share              share of sessions held in a QPV per period, with intervals
 * Every chart has a title stating the finding, a subtitle with the unit and the periods, a
 * source line, and a text alternative; the SVG carries the title and the text alternative as
 * <title> and <desc>. An undefined rate is drawn as a gap marked "n.d." / "no data", never
 * as zero. Outputs are byte-identical across runs for the same figures and options.
 *
 * Errors: a file that cannot be written or a cairo failure returns IMPACT_FAIL with `err`
 * set (stage "charts", the file's path); files already written stay where they are.
 *
 * Ownership: the caller owns `list` (fixed-size arrays, nothing to free); the stage keeps
 * no pointer to `figures` or `options` after it returns.
 */
#ifndef IMPACT_CHARTS_H
#define IMPACT_CHARTS_H

#include "stages/common/error.h"
#include "stages/common/figures.h"
#include "stages/common/numfmt.h"

struct charts_options {
    const char *out_dir;       /* folder the files go into, e.g. "out/.staging/charts" */
    enum numfmt_lang language; /* NUMFMT_LANG_FR (default) or NUMFMT_LANG_EN: labels, numbers */
    int width, height; /* PNG pixels, 320…8000 × 200…8000; the SVG uses the same px units */
    int print_width, print_height; /* the A4-width print variant, same limits (0: none) */
    const char *programme;         /* programme name for the source line */
    const char *run_date; /* ISO date printed in the source line (from config: reproducible),
                             shown as "26 nov. 2026"; other text is printed as it is */
};

int charts_render(const struct figures *figures, const struct charts_options *options,
                  struct chart_list *list, struct impact_error *err);

#endif
