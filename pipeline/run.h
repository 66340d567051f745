/* run.h — sequencing the stages of one run (the table in run.c), and what the driver
 * prints afterwards.
 *
 * pipeline_run() returns IMPACT_OK, IMPACT_FAIL (err says why; nothing published) or
 * IMPACT_REFUSED: situation labels that no mapping knows cover more than
 * config.max_unmapped_situation_share of the outcome rows. `run` then stops after the join
 * (nothing published, the previous outputs intact); `validate` stops after publishing
 * quality/ (whose report.json lists them). In both cases the summary is filled, with the
 * labels in `unmapped`.
 *
 * Ownership: pipeline_run() fills a caller-owned run_summary; run_summary_free() releases
 * it. The config must outlive the summary (paths point into it).
 */
#ifndef IMPACT_RUN_H
#define IMPACT_RUN_H

#include "pipeline/config.h"
#include "stages/common/error.h"
#include "stages/common/figures.h"

#include <stdbool.h>

enum run_mode { RUN_FULL, RUN_VALIDATE };

struct run_summary {
    size_t n_inputs;
    struct input_summary *inputs;
    unsigned long rows_read, rows_rejected, warnings, probable_duplicates;
    /* Sessions from exports with a qpv_code column only, and not one code in any export:
     * all counted as not in a QPV, which is more likely an empty column (the driver warns). */
    bool qpv_codes_all_blank;
    bool has_period;
    struct period_figures last_period; /* by_site is NULL */
    struct target_progress target;     /* quarters is NULL */
    char out_dir[IMPACT_PATH_MAX];
    int n_charts;
    /* Situation labels no mapping knows (stages/common/diag.h), most rows first; the labels
     * are copies owned by the summary. `outcome_rows`: rows read from outcome inputs. */
    unsigned long outcome_rows, unmapped_rows; /* unmapped_rows: all of them, listed or not */
    size_t n_unmapped;
    bool unmapped_more; /* more distinct labels than the quality stage lists */
    struct unmapped_situation *unmapped;
};

/* What a run tells the driver while it works; the driver decides what to print. Either
 * callback may be NULL, and `observer` itself may be NULL. Never two calls at once:
 * step_done comes from the thread that called pipeline_run, `reading` from the thread that
 * ingest delivers rows on (stages/ingest.h), and each read is over before the next step is
 * reported. */
struct run_observer {
    void *ctx;
    /* After each step of the table that ran, with its wall time in seconds. A step run in
     * the background is reported when the run waits for it: its time overlapped the steps
     * reported since it started, so the times do not add up to the run's. */
    void (*step_done)(void *ctx, const char *step, double seconds);
    /* While an input is read, about once per MiB: bytes read of `total`, rows so far. */
    void (*reading)(void *ctx, const char *path, unsigned long long done, unsigned long long total,
                    unsigned long rows);
};

int pipeline_run(const struct config *config, enum run_mode mode,
                 const struct run_observer *observer, struct run_summary *summary,
                 struct impact_error *err);
void run_summary_free(struct run_summary *summary);

#endif
