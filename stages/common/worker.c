/* worker.c — a worker thread with a queue of jobs (worker.h). Every field of the worker and
 * the state of every job are read and written under the worker's lock; a job's function
 * runs unlocked. */
#include "stages/common/worker.h"

#include <assert.h>
#include <time.h>

/* Locked: every change a sleeping thread may be waiting for is announced here. */
static void announce(struct worker *w)
{
    w->changes++;
    pthread_cond_broadcast(&w->changed);
}

static double seconds_now(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (double)t.tv_sec + 1e-9 * (double)t.tv_nsec;
}

/* Unlocked: runs the job once on this thread, then merges what it did. The first failure
 * wins; the job is done when the last thread running it returns. */
static void run_job(struct worker *w, struct worker_job *job, bool first)
{
    struct impact_error err = {0};
    double start = seconds_now();
    int status = job->run(job->ctx, &err);
    double seconds = seconds_now() - start;
    pthread_mutex_lock(&w->lock);
    if (first)
        job->seconds = seconds;
    if (status != IMPACT_OK && job->status == IMPACT_OK) {
        job->status = status;
        job->err = err;
    }
    if (--job->runners == 0) {
        job->state = WORKER_JOB_DONE;
        if (w->sharing == job)
            w->sharing = NULL;
    }
    announce(w);
    pthread_mutex_unlock(&w->lock);
}

/* A run of a job that a thread has taken part in: it never joins the same run twice. */
struct run_mark {
    const struct worker_job *job;
    unsigned long started;
};

static struct run_mark mark_of(const struct worker_job *job)
{
    return (struct run_mark){job, job->started};
}

/* Locked: the oldest queued job, now running on this thread. */
static struct worker_job *take_oldest(struct worker *w)
{
    struct worker_job *job = w->head;
    w->head = job->next;
    if (!w->head)
        w->tail = NULL;
    job->next = NULL;
    job->state = WORKER_JOB_RUNNING;
    job->runners = 1;
    job->started++;
    if (job->shareable && w->mode == WORKER_HELPERS) {
        w->sharing = job;
        announce(w); /* a waiting thread may join it */
    }
    return job;
}

/* Locked: a job this thread may join (running, shareable, this run not joined by it yet),
 * or NULL. */
static struct worker_job *joinable(struct worker_job *job, struct run_mark *joined)
{
    if (!job || job->state != WORKER_JOB_RUNNING || !job->shareable ||
        (job == joined->job && job->started == joined->started))
        return NULL;
    job->runners++;
    *joined = mark_of(job);
    return job;
}

/* Locked, with nothing to run: does a little idle work (unlocked meanwhile), or sleeps
 * until something is announced. Returns at once when idle work was done or something was
 * announced during it: the caller looks again either way. */
static void idle_or_sleep(struct worker *w)
{
    unsigned long seen = w->changes;
    if (w->idle) {
        pthread_mutex_unlock(&w->lock);
        bool did = w->idle(w->idle_ctx);
        pthread_mutex_lock(&w->lock);
        if (did)
            return;
    }
    if (w->changes == seen)
        pthread_cond_wait(&w->changed, &w->lock);
}

/* Locked: runs the job (unlocked) and takes the lock back. */
static void run_locked(struct worker *w, struct worker_job *job, bool first)
{
    pthread_mutex_unlock(&w->lock);
    run_job(w, job, first);
    pthread_mutex_lock(&w->lock);
}

static void *worker_thread(void *arg)
{
    struct worker *w = arg;
    struct run_mark joined = {0};
    struct worker_job *job;
    pthread_mutex_lock(&w->lock);
    for (;;) {
        if (w->head) {
            job = take_oldest(w);
            joined = mark_of(job);
            run_locked(w, job, true);
        } else if ((job = joinable(w->sharing, &joined))) {
            run_locked(w, job, false);
        } else if (w->closing) {
            break;
        } else {
            idle_or_sleep(w);
        }
    }
    pthread_mutex_unlock(&w->lock);
    return NULL;
}

void worker_start(struct worker *w, enum worker_mode mode, bool (*idle)(void *ctx), void *idle_ctx)
{
    *w = (struct worker){.mode = mode, .idle = idle, .idle_ctx = idle_ctx};
    pthread_mutex_init(&w->lock, NULL);
    pthread_cond_init(&w->changed, NULL);
    w->on_thread = pthread_create(&w->thread, NULL, worker_thread, w) == 0;
}

void worker_submit(struct worker *w, struct worker_job *job)
{
    pthread_mutex_lock(&w->lock);
    assert(!w->closing && job->state != WORKER_JOB_QUEUED && job->state != WORKER_JOB_RUNNING);
    job->status = IMPACT_OK;
    job->seconds = 0;
    job->next = NULL;
    job->state = WORKER_JOB_QUEUED;
    if (w->tail)
        w->tail->next = job;
    else
        w->head = job;
    w->tail = job;
    if (!w->on_thread)
        run_locked(w, take_oldest(w), true);
    announce(w);
    pthread_mutex_unlock(&w->lock);
}

/* Locked, WORKER_HELPERS: the job this waiter runs next on its way to `job` (the oldest
 * queued one while `job` is queued, since jobs start in order; `job` itself when it runs
 * and may be shared), or NULL to wait. */
static struct worker_job *help_with(struct worker *w, struct worker_job *job,
                                    struct run_mark *joined, bool *first)
{
    *first = job->state == WORKER_JOB_QUEUED;
    if (*first) {
        struct worker_job *oldest = take_oldest(w);
        if (oldest == job)
            *joined = mark_of(job);
        return oldest;
    }
    return joinable(job, joined);
}

void worker_wait(struct worker *w, struct worker_job *job)
{
    struct run_mark joined = {0};
    struct worker_job *next;
    bool first;
    pthread_mutex_lock(&w->lock);
    while (job->state == WORKER_JOB_QUEUED || job->state == WORKER_JOB_RUNNING) {
        if (w->mode == WORKER_HELPERS && (next = help_with(w, job, &joined, &first)))
            run_locked(w, next, first);
        else
            idle_or_sleep(w);
    }
    pthread_mutex_unlock(&w->lock);
}

void worker_stop(struct worker *w)
{
    pthread_mutex_lock(&w->lock);
    while (w->mode == WORKER_HELPERS && w->head) /* the owner's core helps with what is left */
        run_locked(w, take_oldest(w), true);
    w->closing = true;
    announce(w);
    pthread_mutex_unlock(&w->lock);
    if (w->on_thread)
        pthread_join(w->thread, NULL);
    pthread_cond_destroy(&w->changed);
    pthread_mutex_destroy(&w->lock);
}
