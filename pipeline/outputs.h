/* outputs.h — the table of a run's outputs: for each file or folder of the output folder,
 * the figures it is written from (internal or public), when it can be written, and the
 * function that writes it. A new output format is a module in stages/ and one row of the
 * table in outputs.c; pipeline/run.c runs the rows (docs/design.md).
 *
 * Ownership: a request and what it points to belong to the run; a writer keeps nothing.
 */
#ifndef IMPACT_OUTPUTS_H
#define IMPACT_OUTPUTS_H

#include "pipeline/config.h"
#include "stages/common/error.h"
#include "stages/common/figures.h"

#include <stddef.h>

enum output_figures {
    OUTPUT_INTERNAL, /* the figures as computed: for evaluation staff only */
    OUTPUT_PUBLIC,   /* the disclosure-controlled copy: anything meant to leave the machine */
};

enum output_when {
    OUTPUT_WITH_FIGURES, /* as soon as the figures are there (charts, summary sheet) */
    OUTPUT_WITH_RECORD,  /* once the inputs are accounted for: they cite the inputs' SHA-256
                            and the charts written */
};

/* What a writer receives. */
struct output_request {
    const struct figures *figures; /* internal or public, as the row says */
    const char *path;              /* the row's name in the staging folder */
    const struct config *config;
    const struct input_summary *inputs; /* by input index, config->n_inputs of them */
    struct chart_list *charts;          /* written by the charts' row, read by later rows */
};

struct output {
    const char *name; /* in the output folder: "indicators.json", "charts", … */
    enum output_figures figures;
    enum output_when when;
    int (*write)(const struct output_request *request, struct impact_error *err);
};

extern const struct output outputs_table[];
extern const size_t outputs_count;

#endif
