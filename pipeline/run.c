/* run.c — the stage table: what runs, in which order, for `run` and for `validate`.
 *
 * Each step is a plain function over the run's state; the stages know nothing of each
 * other. Ingest, clean and join stream: every row read is cleaned and joined at once, so no
 * stage holds all rows. Outputs go to a staging folder and are moved into place by the last
 * step only, so a failed run leaves the previous outputs as they were.
 *
 * Some steps run in the background, one after another on a thread of their own, while the
 * next ones run on the caller's: the table says which, and which later step waits for them
 * (the caller's thread, once there, helps with what is left: struct background). Such a
 * step touches only what its stage header says may be used from another thread. */
#include "pipeline/run.h"

#include "pipeline/staging.h"
#include "stages/charts.h"
#include "stages/clean.h"
#include "stages/common/arena.h"
#include "stages/disclose.h"
#include "stages/emit.h"
#include "stages/indicators.h"
#include "stages/ingest.h"
#include "stages/join.h"
#include "stages/quality.h"
#include "stages/summary.h"

#include <assert.h>
#include <limits.h>
#include <pthread.h>
#include <stdio.h>
#include <time.h>
#include <stdlib.h>
#include <string.h>

struct run_state;

enum { MAX_BACKGROUND = 4 };

struct background_result {
    int status;
    double seconds;
    struct impact_error err;
};

/* The background steps are taken in the order the table starts them, one at a time, by one
 * thread: each is there to fill the core the caller's steps leave free, and two threads at
 * it would take turns with the caller's instead. When the caller reaches a step that waits
 * for them, it takes the steps the thread has not started yet itself, rather than leave
 * its core idle (at 10 M rows the thread may still be hashing then). A shared step (the
 * table says which) can run on both threads at once, each call taking what is left of its
 * work: whichever thread is free joins it. A step's result is merged under the lock, and
 * the caller's thread reads the results once it has joined the thread. */
struct background {
    pthread_mutex_t lock;
    pthread_cond_t changed;
    pthread_t thread;
    bool on_thread; /* the thread is running; false when none could start (steps run inline) */
    bool closing;   /* no more steps will be queued: the thread ends when the queue is empty */
    struct run_state *state;
    const struct step *queue[MAX_BACKGROUND];
    size_t queued, taken; /* steps queued, and taken by a thread */
    int sharing;          /* the shared step running, which another thread may join, or -1 */
    struct background_result result[MAX_BACKGROUND];
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
    struct background background;
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

static int step_charts(struct run_state *s, struct impact_error *err)
{
    char dir[IMPACT_PATH_MAX + 16];
    struct charts_options options = s->cfg->charts;
    staging_path(&s->staging, "charts", dir, sizeof dir);
    options.out_dir = dir;
    return charts_render(s->public_figures, &options, &s->charts, err);
}

/* The one-page summary sheet, from the same public figures as the charts. */
static int step_summary(struct run_state *s, struct impact_error *err)
{
    char path[IMPACT_PATH_MAX + 16];
    staging_path(&s->staging, "summary.pdf", path, sizeof path);
    return summary_render_pdf(s->public_figures, &s->cfg->charts, path, err);
}

/* indicators.json (internal figures) or public/indicators.json (public ones). */
static int emit_to(struct run_state *s, const char *name, const struct figures *figures,
                   struct impact_error *err)
{
    char path[IMPACT_PATH_MAX + 32];
    struct emit_context context = {
        .programme = s->cfg->programme,
        .run_date = s->cfg->run_date,
        .inputs = s->inputs,
        .n_inputs = s->cfg->n_inputs,
        .config = s->cfg->json,
        .charts = &s->charts,
    };
    staging_path(&s->staging, name, path, sizeof path);
    return emit_indicators(path, figures, &context, err);
}

static int step_emit(struct run_state *s, struct impact_error *err)
{
    return emit_to(s, "indicators.json", s->figures, err);
}

static int step_emit_public(struct run_state *s, struct impact_error *err)
{
    return emit_to(s, "public/indicators.json", s->public_figures, err);
}

static int step_publish(struct run_state *s, struct impact_error *err)
{
    s->staging_open = false;
    return staging_commit(&s->staging, err);
}

/* ---- the table ---- */

enum { FOR_RUN = 1, FOR_VALIDATE = 2, BOTH = FOR_RUN | FOR_VALIDATE };

/* IN_TURN: in the table's order. IN_BACKGROUND: queued in its turn for the background
 * thread, and not waited for; SHARED_IN_BACKGROUND: the same, and it may run on both
 * threads at once (see struct background). AFTER_BACKGROUND: in its turn, once every
 * background step is over (their results are needed). At most MAX_BACKGROUND are queued
 * before one waits. */
enum step_order { IN_TURN, IN_BACKGROUND, SHARED_IN_BACKGROUND, AFTER_BACKGROUND };

struct step {
    const char *name;
    int (*run)(struct run_state *state, struct impact_error *err);
    int modes;
    enum step_order order;
};

static const struct step steps[] = {
    {"check paths", step_check_paths, BOTH, IN_TURN},
    {"check input headers", step_probe_inputs, BOTH, IN_TURN},
    {"prepare outputs", step_prepare, BOTH, IN_TURN},
    {"ingest and clean", step_read_inputs, BOTH, IN_TURN},
    {"fingerprint inputs", step_fingerprints, BOTH, IN_BACKGROUND},
    {"join", step_join, BOTH, IN_TURN},
    {"probable duplicates", step_duplicates, BOTH, SHARED_IN_BACKGROUND},
    {"indicators", step_indicators, FOR_RUN, IN_TURN},
    {"public figures", step_disclose, FOR_RUN, IN_TURN},
    {"charts", step_charts, FOR_RUN, IN_TURN},
    {"summary sheet", step_summary, FOR_RUN, IN_TURN},
    {"list probable duplicates", step_list_duplicates, BOTH, AFTER_BACKGROUND},
    {"account for every row", step_account, BOTH, IN_TURN},
    {"indicators.json", step_emit, FOR_RUN, IN_TURN},
    {"public/indicators.json", step_emit_public, FOR_RUN, IN_TURN},
    {"publish outputs", step_publish, BOTH, IN_TURN},
};

/* ---- summary for the driver ---- */

static void summarise(const struct run_state *s, struct run_summary *out)
{
    const struct config *c = s->cfg;
    out->n_inputs = c->n_inputs;
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
        out->last_period = s->figures->periods[s->figures->n_periods - 1];
        out->last_period.by_site = NULL;
        out->last_period.site_changes = NULL;
    }
    if (s->figures) {
        out->target = s->figures->overall;
        out->target.quarters = NULL;
    }
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

/* Runs step i on this thread, unlocked, and merges its result: the first failure wins, and
 * the step's time is that of the thread that started it (`first`). */
static void run_background_step(struct background *bg, size_t i, bool first)
{
    struct background_result mine = {0};
    double start = seconds_now();
    mine.status = bg->queue[i]->run(bg->state, &mine.err);
    mine.seconds = seconds_now() - start;
    pthread_mutex_lock(&bg->lock);
    struct background_result *r = &bg->result[i];
    if (first)
        r->seconds = mine.seconds;
    if (mine.status != IMPACT_OK && r->status == IMPACT_OK)
        *r = (struct background_result){mine.status, r->seconds, mine.err};
    if (first && bg->sharing == (int)i)
        bg->sharing = -1;
    pthread_mutex_unlock(&bg->lock);
}

/* With the lock held: the step this thread runs next, or -1 for none. The next one not
 * started (this thread is then `first`), else a shared step another thread started and
 * this one has not joined yet (`joined`: the last shared step this thread ran). */
static int next_step(struct background *bg, int *joined, bool *first)
{
    *first = bg->taken < bg->queued;
    if (*first) {
        int i = (int)bg->taken++;
        if (bg->queue[i]->order == SHARED_IN_BACKGROUND) {
            bg->sharing = *joined = i;
            pthread_cond_broadcast(&bg->changed); /* a waiting thread may join it */
        }
        return i;
    }
    if (bg->sharing >= 0 && bg->sharing != *joined)
        return *joined = bg->sharing;
    return -1;
}

/* Runs steps on this thread until next_step has none, then returns with the lock held. */
static void run_steps(struct background *bg, int *joined)
{
    bool first;
    for (int i; (i = next_step(bg, joined, &first)) >= 0;) {
        pthread_mutex_unlock(&bg->lock);
        run_background_step(bg, (size_t)i, first);
        pthread_mutex_lock(&bg->lock);
    }
}

static void *background_thread(void *arg)
{
    struct background *bg = arg;
    int joined = -1;
    pthread_mutex_lock(&bg->lock);
    for (run_steps(bg, &joined); !bg->closing; run_steps(bg, &joined))
        pthread_cond_wait(&bg->changed, &bg->lock);
    pthread_mutex_unlock(&bg->lock);
    return NULL;
}

/* Queues the step, starting the thread for the first one. Without a thread, the step runs
 * at once. The table queues no more than MAX_BACKGROUND before a step that waits. */
static void start_background(struct run_state *s, const struct step *step)
{
    struct background *bg = &s->background;
    if (bg->queued == 0) {
        bg->state = s;
        bg->closing = false;
        bg->sharing = -1;
        pthread_mutex_init(&bg->lock, NULL);
        pthread_cond_init(&bg->changed, NULL);
        bg->on_thread = pthread_create(&bg->thread, NULL, background_thread, bg) == 0;
    }
    assert(bg->queued < MAX_BACKGROUND); /* the table queues no more before a step waits */
    pthread_mutex_lock(&bg->lock);
    bg->result[bg->queued] = (struct background_result){0};
    bg->queue[bg->queued++] = step;
    pthread_cond_broadcast(&bg->changed);
    pthread_mutex_unlock(&bg->lock);
    if (!bg->on_thread)
        run_background_step(bg, bg->taken++, true);
}

/* Waits for the background steps, running those not started yet on the caller's thread,
 * and reports each in the order they were queued (with its own wall time, which overlapped
 * the steps reported before it). The first failure wins. */
static int finish_background(struct run_state *s, struct impact_error *err)
{
    struct background *bg = &s->background;
    int status = IMPACT_OK;
    if (bg->queued == 0)
        return IMPACT_OK;
    int joined = -1;
    pthread_mutex_lock(&bg->lock);
    run_steps(bg, &joined);
    bg->closing = true;
    pthread_cond_signal(&bg->changed);
    pthread_mutex_unlock(&bg->lock);
    if (bg->on_thread)
        pthread_join(bg->thread, NULL);
    for (size_t i = 0; i < bg->queued; i++) {
        report_step(s, bg->queue[i]->name, bg->result[i].seconds);
        if (bg->result[i].status != IMPACT_OK && status == IMPACT_OK) {
            *err = bg->result[i].err;
            status = bg->result[i].status;
        }
    }
    pthread_cond_destroy(&bg->changed);
    pthread_mutex_destroy(&bg->lock);
    bg->queued = bg->taken = 0;
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
    int status = step->order == AFTER_BACKGROUND ? finish_background(s, err) : IMPACT_OK;
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
    int background = finish_background(&state, status == IMPACT_OK ? err : &later);
    if (status == IMPACT_OK)
        status = background;
    if (status == IMPACT_OK)
        summarise(&state, summary);
    release(&state);
    return status;
}

void run_summary_free(struct run_summary *summary)
{
    free(summary->inputs);
    *summary = (struct run_summary){0};
}
