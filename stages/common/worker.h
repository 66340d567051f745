/* worker.h — the one way the pipeline uses threads: a worker thread with a queue of jobs,
 * and a way to wait for one job (docs/threads.md says who uses it for what).
 *
 * A job is a function and its context. The worker thread runs the queued jobs one after
 * another, in the order they were submitted. A thread that waits for a job either only
 * waits (WORKER_IN_ORDER: jobs must never overlap, as the batches of one file must not) or
 * helps (WORKER_HELPERS: a waiter runs the queued jobs itself, oldest first, instead of
 * leaving its core idle, and joins a running job marked `shareable` — one that takes its
 * work in parts that any number of threads may claim). While a thread would sleep, the
 * worker's `idle` function, if any, is called instead for as long as it finds work.
 *
 * When the thread cannot be started, every job runs at once in worker_submit, on the
 * caller's thread: the results are the same, only slower.
 *
 * Lifecycle: worker_start() → worker_submit() / worker_wait() → worker_stop(), all from
 * one thread (the owner). Jobs run on the worker thread or on the owner's.
 * Ownership: the caller owns the worker and the jobs; a job must stay alive until it is done
 * (worker_wait returned for it, or worker_stop returned). A job's context is touched by
 * whichever thread runs it: the job says what it may share.
 */
#ifndef IMPACT_WORKER_H
#define IMPACT_WORKER_H

#include "stages/common/error.h"

#include <pthread.h>
#include <stdbool.h>

enum worker_mode {
    WORKER_IN_ORDER, /* only the worker thread runs jobs, one at a time, in order */
    WORKER_HELPERS,  /* a waiting thread runs queued jobs and joins shareable ones */
};

enum worker_job_state { WORKER_JOB_NEW, WORKER_JOB_QUEUED, WORKER_JOB_RUNNING, WORKER_JOB_DONE };

struct worker_job {
    int (*run)(void *ctx, struct impact_error *err); /* IMPACT_OK or IMPACT_FAIL */
    void *ctx;
    bool shareable; /* WORKER_HELPERS: a waiter may run it too while it runs */
    /* Filled by the worker; read them once worker_wait returned for the job. */
    int status;              /* the first failure of any thread that ran it, or IMPACT_OK */
    struct impact_error err; /* with that failure */
    double seconds;          /* wall time of the run that started it */
    /* The worker's own. */
    enum worker_job_state state;
    int runners;
    unsigned long started; /* times it was started: tells a resubmitted job from its last run */
    struct worker_job *next;
};

struct worker {
    enum worker_mode mode;
    bool (*idle)(void *ctx); /* optional: does a little work, true when it did some */
    void *idle_ctx;
    /* The worker's own. */
    pthread_mutex_t lock;
    pthread_cond_t changed;
    pthread_t thread;
    bool on_thread, closing;
    struct worker_job *head, *tail; /* queued, not started */
    struct worker_job *sharing;     /* the shareable job running, which a thread may join */
    unsigned long changes;          /* counts the wake-ups sent, so that none is missed */
};

/* Fills the worker and starts its thread; `idle` may be NULL. */
void worker_start(struct worker *worker, enum worker_mode mode, bool (*idle)(void *ctx),
                  void *idle_ctx);
/* Queues the job (run, ctx and shareable set by the caller). */
void worker_submit(struct worker *worker, struct worker_job *job);
/* Returns once the job is done (every thread that ran it has returned). A job never
 * submitted counts as done. */
void worker_wait(struct worker *worker, struct worker_job *job);
/* Waits for every job submitted, stops the thread and releases the worker. */
void worker_stop(struct worker *worker);

#endif
