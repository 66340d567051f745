/* outputs.c — the table of outputs (outputs.h), and the adapters from a request to each
 * writing stage's own interface. */
#include "pipeline/outputs.h"

#include "stages/charts/charts.h"
#include "stages/emit.h"
#include "stages/summary.h"

static int write_charts(const struct output_request *r, struct impact_error *err)
{
    struct charts_options options = r->config->charts;
    options.out_dir = r->path;
    return charts_render(r->figures, &options, r->charts, err);
}

/* Two of the charts are drawn on the sheet by the charts' own code: the stages do not call
 * each other, so it is lent here. */
static int write_summary(const struct output_request *r, struct impact_error *err)
{
    const struct charts_options *charts = &r->config->charts;
    struct summary_options options = {charts->language, charts->programme, charts->run_date,
                                      charts_embedded, charts};
    return summary_render_pdf(r->figures, &options, r->path, err);
}

static int write_indicators_json(const struct output_request *r, struct impact_error *err)
{
    struct emit_context context = {
        .programme = r->config->programme,
        .run_date = r->config->run_date,
        .inputs = r->inputs,
        .n_inputs = r->config->n_inputs,
        .config = r->config->json,
        .charts = r->charts,
    };
    return emit_indicators(r->path, r->figures, &context, err);
}

/* In the order they are written; within a `when`, a row may read what an earlier one
 * wrote (the JSON lists the charts). */
const struct output outputs_table[] = {
    {"charts", OUTPUT_PUBLIC, OUTPUT_WITH_FIGURES, write_charts},
    {"summary.pdf", OUTPUT_PUBLIC, OUTPUT_WITH_FIGURES, write_summary},
    {"indicators.json", OUTPUT_INTERNAL, OUTPUT_WITH_RECORD, write_indicators_json},
    {"public/indicators.json", OUTPUT_PUBLIC, OUTPUT_WITH_RECORD, write_indicators_json},
};

const size_t outputs_count = sizeof outputs_table / sizeof outputs_table[0];
