/* charts.h — the charts stage: draws the publication charts from the figures, as PNG and
 * SVG from the same cairo drawing code.
 *
 * Lifecycle: charts_render() once per run, after the indicators (and, once disclosure
 * control exists, from the public figures only). It writes every chart into
 * options->out_dir (which must exist) and fills `list` with each chart's file names and its
 * text alternative, which the JSON stage writes beside the paths.
 *
 * Ownership: the caller owns `list` (fixed-size arrays, nothing to free); the stage keeps
 * no pointer to `figures` or `options` after it returns.
 */
#ifndef IMPACT_CHARTS_H
#define IMPACT_CHARTS_H

#include "stages/common/error.h"
#include "stages/common/figures.h"

enum chart_language { CHART_LANG_FR, CHART_LANG_EN };

struct charts_options {
    const char *out_dir;   /* folder the files go into, e.g. "out/.staging/charts" */
    enum chart_language language;
    int width, height;     /* pixels of the PNG; the SVG uses the same units (pt) */
    const char *programme; /* programme name for the source line */
    const char *run_date;  /* ISO date printed in the source line (from config: reproducible) */
};

#define CHARTS_MAX 8

struct chart_info {
    char name[48];      /* e.g. "cumulative_target" */
    char png_file[64];  /* file name within out_dir, e.g. "cumulative_target.png" */
    char svg_file[64];
    char title[256];
    char alt_text[1024]; /* one or two sentences with the key numbers */
};

struct chart_list {
    int count;
    struct chart_info charts[CHARTS_MAX];
};

int charts_render(const struct figures *figures, const struct charts_options *options,
                  struct chart_list *list, struct impact_error *err);

#endif
