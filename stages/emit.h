/* emit.h — the JSON stage: writes indicators.json, every figure with the inputs and the
 * config that produced it. Field-by-field documentation: docs/indicators.md.
 *
 * Output is reproducible: keys in a fixed order, reals with 10 significant digits, no
 * clock; the same figures, inputs and config give byte-identical files.
 *
 * Lifecycle: emit_indicators() once per run. Ownership: nothing is kept; `config` is
 * copied into the document (the caller keeps its reference).
 */
#ifndef IMPACT_EMIT_H
#define IMPACT_EMIT_H

#include "stages/common/error.h"
#include "stages/common/figures.h"
#include "stages/common/records.h"

#include <jansson.h>

#define EMIT_SCHEMA_VERSION "1.0"

struct emit_context {
    const char *programme;
    const char *run_date;
    const struct input_summary *inputs;
    size_t n_inputs;
    const json_t *config;            /* the config as loaded, echoed under "config" */
    const struct chart_list *charts; /* listed under "charts"; may be NULL */
};

int emit_indicators(const char *path, const struct figures *figures,
                    const struct emit_context *context, struct impact_error *err);

/* The document itself, for tests and for the public copy; caller owns the reference. */
json_t *emit_indicators_json(const struct figures *figures, const struct emit_context *context);

#endif
