/* run.c — the stage table: what runs, in which order, for `run` and for `validate`.
 *
 * Each step is a plain function over the run's state; the stages know nothing of each
 * other. Ingest, clean and join stream: every row read is cleaned and joined at once, so no
 * stage holds all rows. Outputs go to a staging folder and are moved into place by the last
 * step only, so a failed run leaves the previous outputs as they were.
 *
 * Some steps run in the background, one after another on a worker thread
 * (stages/common/worker.h), while the next ones run on the caller's: the table says which,
 * and which later step waits for each (the caller's thread, once there, runs what the
 * worker has not started and joins a shared step). Such a step touches only what its stage
 * header says may be used from another thread. docs/threads.md has the whole picture. */
#include "pipeline/run.h"

#include "pipeline/outputs.h"
#include "pipeline/staging.h"
#include "stages/clean.h"
#include "stages/common/arena.h"
#include "stages/common/worker.h"
#include "stages/disclose.h"
#include "stages/indicators.h"
#include "stages/ingest.h"
#include "stages/join.h"
#include "stages/quality.h"

#include <assert.h>
#include <limits.h>
#include <stdio.h>
#include <time.h>
#include <stdlib.h>
#include <string.h>

struct run_state;
struct step;

enum { MAX_BACKGROUND = 4 };

/* A step of the table queued on the worker. */
struct background_step {
    struct run_state *state;
    const struct step *step;
    struct worker_job job;
    bool reported; /* its time was handed to the observer */
};

struct run_state {
    const struct config *cfg;
    const struct run_observer *observer;
    struct staging staging;
    bool staging_open;
    const char **display_paths; /* by input index, for the quality outputs */
    struct quality *quality;
    struct diag_sink diag;
    struct cleaner *cleaner;
    struct join *join;
    const struct dataset *dataset;
    struct figures *figures;        /* internal: indicators.json and the console summary */
    struct figures *public_figures; /* disclosure-controlled: charts, public/indicators.json */
    struct input_summary *inputs;
    struct chart_list charts;
    struct fingerprint **fingerprints; /* by input: stepped by ingest, finished in the background */
    struct worker worker;              /* started with the first background step */
    size_t n_background;
    struct background_step background[MAX_BACKGROUND];
};

/* What one input's rows go through while ingest streams them. */
struct row_context {
    struct run_state *run;
    enum input_kind kind;
    const char *display_path;
};

static void on_progress(void *ctx, unsigned long long done, unsigned long long total,
                        unsigned long rows)
{
    struct row_context *rc = ctx;
    const struct run_observer *o = rc->run->observer;
    if (o && o->reading)
        o->reading(o->ctx, rc->display_path, done, total, rows);
}

static void on_raw_row(void *ctx, const struct raw_row *raw)
{
    struct row_context *rc = ctx;
    struct run_state *s = rc->run;
    if (rc->kind == INPUT_ATTENDANCE) {
        struct attendance_row row;
        if (clean_attendance(s->cleaner, raw, &row, &s->diag))
            join_add_attendance(s->join, &row, &s->diag);
    } else {
        struct outcome_row row;
        if (clean_outcome(s->cleaner, raw, &row, &s->diag))
            join_add_outcome(s->join, &row, &s->diag);
    }
}

static double seconds_now(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (double)t.tv_sec + 1e-9 * (double)t.tv_nsec;
}

static void report_step(const struct run_state *s, const char *name, double seconds)
{
    if (s->observer && s->observer->step_done)
        s->observer->step_done(s->observer->ctx, name, seconds);
}

/* ---- steps ---- */

/* Outputs replace files inside the output folder, so no input may live there: inputs are
 * never modified. */
static int step_check_paths(struct run_state *s, struct impact_error *err)
{
    char out[PATH_MAX], in[PATH_MAX];
    int status = IMPACT_OK;
    if (!realpath(s->cfg->output_dir, out))
        return IMPACT_OK; /* not created yet: nothing can be inside it */
    size_t n = strlen(out);
    for (size_t i = 0; i < s->cfg->n_inputs && status == IMPACT_OK; i++) {
        const char *path = s->cfg->inputs[i].source.path;
        if (realpath(path, in) && strncmp(in, out, n) == 0 && (in[n] == '/' || in[n] == '\0'))
            status = impact_fail(err, "output", s->cfg->output_dir, 0, 0,
                                 "the output folder holds the input %s; choose another "
                                 "output_dir so that inputs are never overwritten",
                                 path);
    }
    return status;
}

/* Every input's header, before anything is read or written: a missing required column in
 * the last file must not cost a long read of the first ones. */
static int step_probe_inputs(struct run_state *s, struct impact_error *err)
{
    int status = IMPACT_OK;
    for (size_t i = 0; i < s->cfg->n_inputs && status == IMPACT_OK; i++) {
        struct ingest_result header;
        status = ingest_probe(&s->cfg->inputs[i].source, &header, err);
    }
    return status;
}

static int step_prepare(struct run_state *s, struct impact_error *err)
{
    const struct config *c = s->cfg;
    char quality_dir[IMPACT_PATH_MAX + 16];
    s->display_paths = xcalloc(c->n_inputs, sizeof *s->display_paths);
    s->inputs = xcalloc(c->n_inputs, sizeof *s->inputs);
    s->fingerprints = xcalloc(c->n_inputs, sizeof *s->fingerprints);
    for (size_t i = 0; i < c->n_inputs; i++) {
        s->display_paths[i] = c->inputs[i].display_path;
        s->fingerprints[i] = fingerprint_open(c->inputs[i].source.path);
    }
    s->cleaner = clean_new(&c->clean);
    s->join = join_new(c->n_inputs);
    int status = staging_begin(&s->staging, c->output_dir, err);
    s->staging_open = status == IMPACT_OK;
    staging_path(&s->staging, "quality", quality_dir, sizeof quality_dir);
    if (status == IMPACT_OK)
        status = quality_new(quality_dir, c->n_inputs, s->display_paths, &s->quality, err);
    if (status == IMPACT_OK)
        s->diag = quality_sink(s->quality);
    return status;
}

static int step_read_inputs(struct run_state *s, struct impact_error *err)
{
    int status = IMPACT_OK;
    for (size_t i = 0; i < s->cfg->n_inputs && status == IMPACT_OK; i++) {
        const struct config_input *in = &s->cfg->inputs[i];
        struct row_context rc = {s, in->source.kind, in->display_path};
        struct ingest_source source = in->source;
        struct ingest_result result;
        source.progress = on_progress;
        source.progress_ctx = &rc;
        source.fingerprint = s->fingerprints[i];
        status = ingest_file(&source, on_raw_row, &rc, &s->diag, &result, err);
        struct input_summary *sum = &s->inputs[i];
        sum->path = in->display_path;
        sum->kind = in->source.kind == INPUT_ATTENDANCE ? "attendance" : "outcome";
        sum->encoding = ingest_encoding_name(result.encoding);
        sum->delimiter = result.delimiter;
        sum->rows_read = result.rows_read;
        sum->header_line = result.header_line;
        sum->no_data_rows = result.no_data_rows;
    }
    return status;
}

static int step_join(struct run_state *s, struct impact_error *err)
{
    (void)err;
    s->dataset = join_finish(s->join, &s->diag);
    const struct join_stats *js = join_get_stats(s->join);
    for (size_t i = 0; i < s->cfg->n_inputs; i++) {
        s->inputs[i].rows_accepted = js->rows_accepted[i];
        s->inputs[i].rows_duplicate = js->rows_duplicate[i];
    }
    return IMPACT_OK;
}

/* An attendance export of which no row was accepted gives figures of zero: a wrong file or
 * a wrong config, never a result. `validate` checks it after publishing quality/, so that
 * rejects.csv shows why. */
static int check_accepted(struct run_state *s, bool published, struct impact_error *err)
{
    for (size_t i = 0; i < s->cfg->n_inputs; i++) {
        const struct input_summary *in = &s->inputs[i];
        if (s->cfg->inputs[i].source.kind != INPUT_ATTENDANCE || in->rows_accepted > 0)
            continue;
        if (published)
            return impact_fail(err, "join", in->path, 0, 0,
                               "none of the %lu rows of this attendance export was accepted: "
                               "see why in %s/quality/rejects.csv",
                               in->rows_read, s->cfg->output_dir);
        return impact_fail(err, "join", in->path, 0, 0,
                           "none of the %lu rows of this attendance export was accepted: run "
                           "`impact validate` and see why in quality/rejects.csv",
                           in->rows_read);
    }
    return IMPACT_OK;
}

static int step_check_accepted(struct run_state *s, struct impact_error *err)
{
    return check_accepted(s, false, err);
}

static int step_check_published(struct run_state *s, struct impact_error *err)
{
    return check_accepted(s, true, err);
}

/* In the background: what ingest's threads did not hash while they waited for each other.
 * It writes only each input summary's sha256, which nothing reads before the accounting. */
static int step_fingerprints(struct run_state *s, struct impact_error *err)
{
    int status = IMPACT_OK;
    for (size_t i = 0; i < s->cfg->n_inputs && status == IMPACT_OK; i++)
        status = fingerprint_finish(s->fingerprints[i], s->inputs[i].sha256, err);
    return status;
}

/* In the background: the dataset is complete, and the indicators and charts do not need
 * the probable duplicates (stages/join.h says what may run meanwhile). */
static int step_duplicates(struct run_state *s, struct impact_error *err)
{
    (void)err;
    while (join_search_duplicates_part(s->join))
        continue;
    return IMPACT_OK;
}

/* Once every thread is out of the search. */
static int step_list_duplicates(struct run_state *s, struct impact_error *err)
{
    (void)err;
    join_list_duplicates(s->join);
    return IMPACT_OK;
}

static unsigned long outcome_rows(const struct run_state *s)
{
    unsigned long rows = 0;
    for (size_t i = 0; i < s->cfg->n_inputs; i++)
        if (s->cfg->inputs[i].source.kind == INPUT_OUTCOME)
            rows += s->inputs[i].rows_read;
    return rows;
}

/* Unmapped situation labels would shrink the outcome rates without a word: refuse while
 * one covers more than the allowed share of the outcome rows (run.h). For `run` this comes
 * right after the join, for `validate` after quality/ is published. */
static int step_check_situations(struct run_state *s, struct impact_error *err)
{
    size_t n;
    unsigned long other, rows = outcome_rows(s);
    const struct unmapped_situation *u = quality_unmapped_situations(s->quality, &n, &other);
    double allowed = s->cfg->max_unmapped_situation_share * (double)rows;
    bool refuse = other > 0 && (double)other > allowed;
    for (size_t i = 0; i < n && !refuse; i++)
        refuse = (double)u[i].count > allowed;
    if (!refuse)
        return IMPACT_OK;
    impact_fail(err, "clean", NULL, 0, 0,
                "situation labels that no mapping knows: add them to \"situations\" in the "
                "config");
    return IMPACT_REFUSED;
}

static int step_account(struct run_state *s, struct impact_error *err)
{
    int status = quality_reconcile(s->quality, s->inputs, s->cfg->n_inputs, err);
    if (status == IMPACT_OK)
        status = quality_write_report(s->quality, s->inputs, s->cfg->n_inputs,
                                      join_get_stats(s->join), err);
    char restricted[IMPACT_PATH_MAX + 16];
    staging_path(&s->staging, "restricted", restricted, sizeof restricted);
    if (status == IMPACT_OK)
        status = quality_write_review_list(s->quality, join_get_stats(s->join), restricted, err);
    if (status == IMPACT_OK)
        status = quality_finish(s->quality, err);
    return status;
}

static int step_indicators(struct run_state *s, struct impact_error *err)
{
    return indicators_compute(s->dataset, &s->cfg->indicators, &s->figures, err);
}

/* Everything meant for publication is drawn from this copy only (stages/disclose.h). */
static int step_disclose(struct run_state *s, struct impact_error *err)
{
    return disclose_public(s->figures, s->cfg->disclosure_threshold, &s->public_figures, err);
}

/* The rows of the table of outputs (pipeline/outputs.c) written at this point of the run,
 * each from the figures it asks for, each reported with its own time. */
static int write_outputs(struct run_state *s, enum output_when when, struct impact_error *err)
{
    int status = IMPACT_OK;
    for (size_t i = 0; i < outputs_count && status == IMPACT_OK; i++) {
        const struct output *o = &outputs_table[i];
        if (o->when != when)
            continue;
        char path[IMPACT_PATH_MAX + 32];
        staging_path(&s->staging, o->name, path, sizeof path);
        struct output_request request = {
            .figures = o->figures == OUTPUT_PUBLIC ? s->public_figures : s->figures,
            .path = path,
            .config = s->cfg,
            .inputs = s->inputs,
            .charts = &s->charts,
        };
        double start = seconds_now();
        status = o->write(&request, err);
        report_step(s, o->name, seconds_now() - start);
    }
    return status;
}

static int step_outputs_with_figures(struct run_state *s, struct impact_error *err)
{
    return write_outputs(s, OUTPUT_WITH_FIGURES, err);
}

static int step_outputs_with_record(struct run_state *s, struct impact_error *err)
{
    return write_outputs(s, OUTPUT_WITH_RECORD, err);
}

static int step_publish(struct run_state *s, struct impact_error *err)
{
    s->staging_open = false;
    return staging_commit(&s->staging, err);
}

/* ---- the table ---- */

enum { FOR_RUN = 1, FOR_VALIDATE = 2, BOTH = FOR_RUN | FOR_VALIDATE };

/* IN_TURN: in the table's order. IN_BACKGROUND: queued in its turn on the worker thread,
 * and not waited for until a later step names it in `after`; SHARED_IN_BACKGROUND: the
 * same, and it may run on both threads at once (a step that takes its work in parts). At
 * most MAX_BACKGROUND are queued. */
enum step_order { IN_TURN, IN_BACKGROUND, SHARED_IN_BACKGROUND };

struct step {
    const char *name;
    int (*run)(struct run_state *state, struct impact_error *err);
    int modes;
    enum step_order order;
    const char *after; /* a background step whose result this one needs, or NULL */
};

static const struct step steps[] = {
    {"check paths", step_check_paths, BOTH, IN_TURN, NULL},
    {"check input headers", step_probe_inputs, BOTH, IN_TURN, NULL},
    {"prepare outputs", step_prepare, BOTH, IN_TURN, NULL},
    {"ingest and clean", step_read_inputs, BOTH, IN_TURN, NULL},
    {"fingerprint inputs", step_fingerprints, BOTH, IN_BACKGROUND, NULL},
    {"join", step_join, BOTH, IN_TURN, NULL},
    {"check accepted rows", step_check_accepted, FOR_RUN, IN_TURN, NULL},
    {"check situation labels", step_check_situations, FOR_RUN, IN_TURN, NULL},
    {"probable duplicates", step_duplicates, BOTH, SHARED_IN_BACKGROUND, NULL},
    {"indicators", step_indicators, FOR_RUN, IN_TURN, NULL},
    {"public figures", step_disclose, FOR_RUN, IN_TURN, NULL},
    {"outputs: from figures", step_outputs_with_figures, FOR_RUN, IN_TURN, NULL},
    {"list probable duplicates", step_list_duplicates, BOTH, IN_TURN, "probable duplicates"},
    {"account for every row", step_account, BOTH, IN_TURN, "fingerprint inputs"},
    {"outputs: with record", step_outputs_with_record, FOR_RUN, IN_TURN, NULL},
    {"publish outputs", step_publish, BOTH, IN_TURN, NULL},
    {"check accepted rows", step_check_published, FOR_VALIDATE, IN_TURN, NULL},
    {"check situation labels", step_check_situations, FOR_VALIDATE, IN_TURN, NULL},
};

/* ---- summary for the driver ---- */

static char *copy_text(const char *text)
{
    size_t n = strlen(text) + 1;
    return memcpy(xmalloc(n), text, n);
}

static void summarise_unmapped(const struct run_state *s, struct run_summary *out)
{
    unsigned long other;
    const struct unmapped_situation *u =
        quality_unmapped_situations(s->quality, &out->n_unmapped, &other);
    out->outcome_rows = outcome_rows(s);
    out->unmapped_rows = other;
    out->unmapped_more = other > 0;
    out->unmapped = xcalloc(out->n_unmapped + 1, sizeof *out->unmapped);
    for (size_t i = 0; i < out->n_unmapped; i++) {
        out->unmapped[i] = u[i];
        out->unmapped[i].label = copy_text(u[i].label);
        out->unmapped[i].close_to = u[i].close_to ? copy_text(u[i].close_to) : NULL;
        out->unmapped_rows += u[i].count;
    }
}

/* The period the run summary's headline is about: the last one with data (a window that
 * runs past the data ends with periods that have none yet). */
static size_t last_period_with_data(const struct figures *f)
{
    size_t i = f->n_periods - 1;
    while (i > 0 && figures_period_before_data(&f->periods[i]))
        i--;
    return i;
}

/* Whether some session is not in a QPV only for want of a code, and no session has one. */
static bool qpv_codes_all_blank(const struct dataset *d)
{
    bool blank = false;
    for (size_t i = 0; d && i < d->n_sessions; i++) {
        if (d->sessions[i].qpv == QPV_YES)
            return false;
        blank |= d->sessions[i].qpv == QPV_NO_CODE;
    }
    return blank;
}

static void summarise(const struct run_state *s, struct run_summary *out)
{
    const struct config *c = s->cfg;
    out->n_inputs = c->n_inputs;
    out->qpv_codes_all_blank = qpv_codes_all_blank(s->dataset);
    out->inputs = xcalloc(c->n_inputs, sizeof *out->inputs);
    memcpy(out->inputs, s->inputs, c->n_inputs * sizeof *out->inputs);
    for (size_t i = 0; i < c->n_inputs; i++)
        out->rows_read += s->inputs[i].rows_read;
    out->rows_rejected = quality_rejected_total(s->quality);
    for (int k = 0; k < WARN_KINDS; k++)
        out->warnings += quality_warning_count(s->quality, (enum warning_kind)k);
    out->probable_duplicates = join_get_stats(s->join)->n_probable_duplicates;
    snprintf(out->out_dir, sizeof out->out_dir, "%s", c->output_dir);
    out->n_charts = s->charts.count;
    if (s->figures && s->figures->n_periods > 0) {
        out->has_period = true;
        out->last_period = s->figures->periods[last_period_with_data(s->figures)];
        out->last_period.by_site = NULL;
        out->last_period.site_changes = NULL;
    }
    if (s->figures) {
        out->target = s->figures->overall;
        out->target.quarters = NULL;
    }
    summarise_unmapped(s, out);
}

static void release(struct run_state *s)
{
    if (s->staging_open)
        staging_abort(&s->staging);
    quality_free(s->quality);
    clean_free(s->cleaner);
    join_free(s->join);
    disclose_free(s->public_figures);
    indicators_free(s->figures);
    free(s->display_paths);
    free(s->inputs);
    for (size_t i = 0; s->fingerprints && i < s->cfg->n_inputs; i++)
        fingerprint_free(s->fingerprints[i]);
    free(s->fingerprints);
}

static int run_background_step(void *ctx, struct impact_error *err)
{
    struct background_step *b = ctx;
    return b->step->run(b->state, err);
}

/* Queues the step on the worker, starting it for the first one. */
static void start_background(struct run_state *s, const struct step *step)
{
    assert(s->n_background < MAX_BACKGROUND); /* the table queues no more */
    if (s->n_background == 0)
        worker_start(&s->worker, WORKER_HELPERS, NULL, NULL);
    struct background_step *b = &s->background[s->n_background++];
    *b = (struct background_step){.state = s, .step = step};
    b->job = (struct worker_job){
        .run = run_background_step, .ctx = b, .shareable = step->order == SHARED_IN_BACKGROUND};
    worker_submit(&s->worker, &b->job);
}

static struct background_step *find_background(struct run_state *s, const char *name)
{
    for (size_t i = 0; i < s->n_background; i++)
        if (strcmp(s->background[i].step->name, name) == 0)
            return &s->background[i];
    return NULL;
}

/* Once the job is done: its time to the observer, once; its failure, if any. */
static int background_result(struct run_state *s, struct background_step *b,
                             struct impact_error *err)
{
    if (!b->reported)
        report_step(s, b->step->name, b->job.seconds);
    b->reported = true;
    if (b->job.status != IMPACT_OK)
        *err = b->job.err;
    return b->job.status;
}

/* Waits for the background step `name` (the caller's thread helps meanwhile). A step that
 * was not queued in this mode has nothing to wait for. */
static int wait_for_background(struct run_state *s, const char *name, struct impact_error *err)
{
    struct background_step *b = find_background(s, name);
    if (!b)
        return IMPACT_OK;
    worker_wait(&s->worker, &b->job);
    return background_result(s, b, err);
}

/* Waits for every background step and stops the worker; the first failure in queue order
 * wins. */
static int stop_background(struct run_state *s, struct impact_error *err)
{
    int status = IMPACT_OK;
    if (s->n_background == 0)
        return IMPACT_OK;
    worker_stop(&s->worker);
    for (size_t i = 0; i < s->n_background; i++) {
        struct impact_error e;
        if (background_result(s, &s->background[i], &e) != IMPACT_OK && status == IMPACT_OK) {
            *err = e;
            status = IMPACT_FAIL;
        }
    }
    s->n_background = 0;
    return status;
}

/* A failed run does not wait for the rest of the inputs' bytes to be hashed. */
static void cancel_fingerprints(struct run_state *s)
{
    for (size_t i = 0; s->fingerprints && i < s->cfg->n_inputs; i++)
        fingerprint_cancel(s->fingerprints[i]);
}

static int run_step(struct run_state *s, const struct step *step, struct impact_error *err)
{
    if (step->order == IN_BACKGROUND || step->order == SHARED_IN_BACKGROUND) {
        start_background(s, step);
        return IMPACT_OK;
    }
    int status = step->after ? wait_for_background(s, step->after, err) : IMPACT_OK;
    double start = seconds_now();
    if (status == IMPACT_OK) {
        status = step->run(s, err);
        report_step(s, step->name, seconds_now() - start);
    }
    return status;
}

int pipeline_run(const struct config *config, enum run_mode mode,
                 const struct run_observer *observer, struct run_summary *summary,
                 struct impact_error *err)
{
    struct run_state state = {.cfg = config, .observer = observer};
    int wanted = mode == RUN_FULL ? FOR_RUN : FOR_VALIDATE;
    int status = IMPACT_OK;
    *summary = (struct run_summary){0};
    for (size_t i = 0; i < sizeof steps / sizeof steps[0] && status == IMPACT_OK; i++)
        if (steps[i].modes & wanted)
            status = run_step(&state, &steps[i], err);
    struct impact_error later; /* a failed run keeps its first error */
    if (status != IMPACT_OK)
        cancel_fingerprints(&state);
    int background = stop_background(&state, status == IMPACT_OK ? err : &later);
    if (status == IMPACT_OK)
        status = background;
    if (status == IMPACT_OK || status == IMPACT_REFUSED)
        summarise(&state, summary);
    release(&state);
    return status;
}

void run_summary_free(struct run_summary *summary)
{
    for (size_t i = 0; i < summary->n_unmapped; i++) {
        free((void *)summary->unmapped[i].label);
        free((void *)summary->unmapped[i].close_to);
    }
    free(summary->unmapped);
    free(summary->inputs);
    *summary = (struct run_summary){0};
}
