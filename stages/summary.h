/* summary.h — the summary sheet: one A4 portrait page (PDF, cairo) that a programme director
 * hands to a funder: the programme and the period, the headline figures of the last period
 * against the previous one (beneficiaries, new, cumulative, employment and positive-outcome
 * rates with their intervals, share of sessions in QPV; each with its change, and for the
 * rates whether the change is significant at 5 %), progress towards the target with the
 * projection, two charts (cumulative_target and outcome_rates, drawn by the code that draws
 * the PNGs, which the caller lends in the options) and the source line.
 *
 * Lifecycle: summary_render_pdf() once per run, after the charts, from the PUBLIC figures
 * (the same the charts use). A withheld value reads "masqué" / "withheld", never 0.
 * summary_rows() and summary_target_text() give the sheet's words as text (tests, and any
 * caller that needs them without the PDF).
 *
 * Reproducible: the PDF's creation and modification dates are options->run_date at
 * midnight UTC (1970-01-01 when run_date is not an ISO date), never the clock, so the same
 * figures and options give the same bytes.
 *
 * Errors: a file that cannot be written or a cairo failure returns IMPACT_FAIL with `err`
 * set (stage "summary", the file's path).
 *
 * Ownership: the caller owns everything passed in and the rows it gets back; the stage keeps
 * no pointer after it returns.
 *
 * The sheet does not include the charts stage (a stage never calls another): the pipeline
 * passes charts_embedded() as options->draw_chart. What the two share, language, palette,
 * font and text, is the drawing kit's (stages/common/chart_kit.h).
 */
#ifndef IMPACT_SUMMARY_H
#define IMPACT_SUMMARY_H

#include "stages/common/error.h"
#include "stages/common/figures.h"
#include "stages/common/numfmt.h"

#include <cairo.h>
#include <stddef.h>

#define SUMMARY_ROWS 6

/* One line of the headline table; empty strings where nothing applies. */
struct summary_row {
    char label[64];    /* "Personnes accompagnées" */
    char current[64];  /* "1 050", "49,9 %", "masqué", "n.d." */
    char interval[64]; /* "IC 95 % : 46,1–53,6 %" for rates */
    char previous[64]; /* the same for the previous period */
    char change[64];   /* "+15 % (+140)", "+3,7 pts", "masqué" */
    char test[64];     /* "significatif" / "non significatif" for rates */
    char p_value[32];  /* "p = 0,021", "p < 0,001" */
};

/* Fills the SUMMARY_ROWS rows for the last period; returns SUMMARY_ROWS, or 0 when there is
 * no period. */
int summary_rows(const struct figures *figures, enum numfmt_lang lang,
                 struct summary_row rows[SUMMARY_ROWS]);

/* Progress towards the target and the projection, one or two sentences; "" without target. */
void summary_target_text(const struct figures *figures, enum numfmt_lang lang, char *out,
                         size_t cap);

/* Draws the chart called `name` on cr in the rectangle (0, 0)–(width, height) of cr's user
 * units, without its source line (the sheet prints one); `chart_options` is the
 * options->chart_options given with it. */
typedef int (*summary_chart_fn)(cairo_t *cr, const char *name, const struct figures *figures,
                                int width, int height, const void *chart_options,
                                struct impact_error *err);

struct summary_options {
    enum numfmt_lang language; /* as for the charts */
    const char *programme;     /* the sheet's heading, its source line and the PDF's title */
    const char *run_date;      /* ISO date: the source line and the PDF's dates */
    summary_chart_fn draw_chart;
    const void *chart_options; /* passed to draw_chart as it is */
};

/* Writes the sheet to `path`. */
int summary_render_pdf(const struct figures *public_figures, const struct summary_options *options,
                       const char *path, struct impact_error *err);

#endif
