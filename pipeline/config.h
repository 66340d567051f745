/* config.h — the run's configuration: loaded from one JSON file (docs/config.md), checked,
 * and split into the options each stage takes.
 *
 * Errors name the file and, for invalid JSON, the line and column; for a wrong value the
 * JSON path and what was expected ("inputs[1].columns.Date: expected a canonical field
 * name such as session_date"). An unknown key anywhere (keys starting with "_" or "//"
 * are comments) is an error too, naming its JSON path and the nearest known key; several
 * are listed in one message, each with its line in the file when it occurs there once.
 * `warnings` holds what the driver prints without failing (nothing today).
 *
 * Ownership: config_load() fills a caller-owned struct config whose strings and arrays are
 * owned by it until config_free().
 */
#ifndef IMPACT_CONFIG_H
#define IMPACT_CONFIG_H

#include "stages/charts/charts.h"
#include "stages/clean.h"
#include "stages/common/error.h"
#include "stages/indicators.h"
#include "stages/ingest.h"

#include <jansson.h>

struct config_input {
    struct ingest_source source; /* source.path is resolved against the config's folder */
    const char *display_path;    /* the path as written in the config (used in outputs) */
};

struct config {
    json_t *json; /* the document as loaded, echoed in indicators.json */
    const char *path;
    const char *programme;
    const char *run_date;
    const char *output_dir; /* resolved */
    size_t n_inputs;
    struct config_input *inputs;
    struct clean_options clean;
    struct indicators_options indicators;
    struct charts_options charts;        /* out_dir is set by the pipeline */
    double max_reject_share;             /* `validate` fails above it */
    double max_unmapped_situation_share; /* `run` and `validate` refuse above it (run.h) */
    int disclosure_threshold;            /* k: public counts of 1 … k-1 persons are withheld */
    unsigned output_umask;               /* from output_access: 077 private, 027 group, 022 world */
    size_t n_warnings;
    char **warnings;
    struct arena *arena;
};

int config_load(const char *path, struct config *config, struct impact_error *err);
void config_free(struct config *config);

#endif
