/* test_worker.c — tests of stages/common/worker: jobs in order, failures, a waiter that
 * helps, a shareable job taken by two threads, idle work while waiting.
 *
 * Timing cannot be forced from here, so no test asserts which thread did what when both
 * may: each asserts what must hold whatever the timing (every part once, order kept, the
 * job done only when every thread is out of it). A wait that could hang is bounded: the
 * job gives up after a few seconds and the test then fails on what it recorded. The suite
 * also runs under ThreadSanitizer (make test).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "stages/common/worker.h"

#include <stdatomic.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

enum { MAX_JOBS = 200, PARTS = 400, GIVE_UP_SECONDS = 5 };

static double now(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (double)t.tv_sec + 1e-9 * (double)t.tv_nsec;
}

/* ---- in order ---- */

struct log {
    int order[MAX_JOBS];
    atomic_int n; /* helpers may run two jobs at once: each takes its own slot */
};

struct logged {
    struct log *log;
    int index;
};

static int append_index(void *ctx, struct impact_error *err)
{
    (void)err;
    struct logged *l = ctx;
    l->log->order[atomic_fetch_add(&l->log->n, 1)] = l->index;
    return IMPACT_OK;
}

static void test_in_order(void **state)
{
    (void)state;
    static const int counts[] = {1, 2, 7, MAX_JOBS};
    for (size_t c = 0; c < sizeof counts / sizeof counts[0]; c++) {
        struct log log = {0};
        struct logged ctx[MAX_JOBS];
        struct worker_job jobs[MAX_JOBS];
        struct worker w;
        worker_start(&w, WORKER_IN_ORDER, NULL, NULL);
        for (int i = 0; i < counts[c]; i++) {
            ctx[i] = (struct logged){&log, i};
            jobs[i] = (struct worker_job){.run = append_index, .ctx = &ctx[i]};
            worker_submit(&w, &jobs[i]);
        }
        worker_wait(&w, &jobs[counts[c] - 1]);
        assert_int_equal(log.n, counts[c]); /* the last done means every earlier one is */
        for (int i = 0; i < counts[c]; i++) {
            assert_int_equal(log.order[i], i);
            assert_int_equal(jobs[i].state, WORKER_JOB_DONE);
            assert_int_equal(jobs[i].status, IMPACT_OK);
        }
        worker_stop(&w);
    }
}

/* ---- failures ---- */

static int fail_with_name(void *ctx, struct impact_error *err)
{
    return impact_fail(err, "test", ctx, 3, 4, "job failed");
}

static void test_failure_kept(void **state)
{
    (void)state;
    struct worker w;
    struct worker_job bad = {.run = fail_with_name, .ctx = "a.csv"};
    struct log log = {0};
    struct logged ctx = {&log, 7};
    struct worker_job good = {.run = append_index, .ctx = &ctx};
    struct worker_job never = {.run = fail_with_name, .ctx = "never"};
    worker_start(&w, WORKER_HELPERS, NULL, NULL);
    worker_submit(&w, &bad);
    worker_submit(&w, &good);
    worker_wait(&w, &good);
    worker_wait(&w, &bad);
    worker_wait(&w, &never); /* never submitted: returns at once */
    assert_int_equal(bad.status, IMPACT_FAIL);
    assert_string_equal(bad.err.file, "a.csv");
    assert_int_equal(bad.err.line, 3);
    assert_string_equal(bad.err.message, "job failed");
    assert_int_equal(good.status, IMPACT_OK);
    assert_int_equal(log.n, 1);
    assert_int_equal(never.state, WORKER_JOB_NEW);
    worker_stop(&w);
}

/* ---- a waiter that helps ---- */

struct rendezvous {
    atomic_bool started, released;
    atomic_bool gave_up;
    pthread_t released_by;
};

/* Holds the worker thread until another job releases it (or gives up). */
static int hold_until_released(void *ctx, struct impact_error *err)
{
    (void)err;
    struct rendezvous *r = ctx;
    double start = now();
    atomic_store(&r->started, true);
    while (!atomic_load(&r->released))
        if (now() - start > GIVE_UP_SECONDS) {
            atomic_store(&r->gave_up, true);
            break;
        }
    return IMPACT_OK;
}

static int release(void *ctx, struct impact_error *err)
{
    (void)err;
    struct rendezvous *r = ctx;
    r->released_by = pthread_self();
    atomic_store(&r->released, true);
    return IMPACT_OK;
}

/* The worker thread is held by the first job until the second runs: only a waiter that
 * runs the queued job itself gets it done (an in-order worker would hold for ever). */
static void test_waiter_runs_queued_job(void **state)
{
    (void)state;
    struct rendezvous r = {0};
    struct worker w;
    struct worker_job hold = {.run = hold_until_released, .ctx = &r};
    struct worker_job free_it = {.run = release, .ctx = &r};
    worker_start(&w, WORKER_HELPERS, NULL, NULL);
    worker_submit(&w, &hold);
    assert_true(w.on_thread);        /* without a thread, the first job would hold the caller */
    while (!atomic_load(&r.started)) /* until the worker thread took it */
        ;
    worker_submit(&w, &free_it);
    worker_wait(&w, &free_it);
    worker_wait(&w, &hold);
    assert_false(atomic_load(&r.gave_up));
    assert_true(pthread_equal(r.released_by, pthread_self()));
    worker_stop(&w);
}

/* ---- a shareable job ---- */

struct parts {
    atomic_int next;
    atomic_int in_flight, max_in_flight;
    int taken[PARTS]; /* each part's own slot: written by the thread that claimed it */
};

static int take_parts(void *ctx, struct impact_error *err)
{
    (void)err;
    struct parts *p = ctx;
    for (int i; (i = atomic_fetch_add(&p->next, 1)) < PARTS;) {
        int in = atomic_fetch_add(&p->in_flight, 1) + 1;
        for (int m = atomic_load(&p->max_in_flight); in > m;)
            if (atomic_compare_exchange_weak(&p->max_in_flight, &m, in))
                break;
        p->taken[i]++;
        struct timespec pause = {0, 20000}; /* 20 µs: long enough for the other to join */
        nanosleep(&pause, NULL);
        atomic_fetch_sub(&p->in_flight, 1);
    }
    return IMPACT_OK;
}

/* One round: the job submitted (again, after its first round) and waited for. True when
 * two threads ran its parts at the same time. */
static bool share_round(struct worker *w, struct worker_job *job, struct parts *p)
{
    atomic_store(&p->next, 0);
    atomic_store(&p->max_in_flight, 0);
    memset(p->taken, 0, sizeof p->taken);
    worker_submit(w, job);
    worker_wait(w, job);
    /* done means every thread is out of it: nothing in flight, every part once */
    assert_int_equal(atomic_load(&p->in_flight), 0);
    for (int i = 0; i < PARTS; i++)
        assert_int_equal(p->taken[i], 1);
    assert_true(atomic_load(&p->max_in_flight) <= 2);
    return atomic_load(&p->max_in_flight) == 2;
}

/* With helpers, the waiter joins the running job (or the worker thread joins the one the
 * waiter took): over a few rounds of 8 ms each, two threads must have shared one, also
 * when the same job is submitted again (a thread joins each run once). In order, never. */
static void test_shareable_job(void **state)
{
    (void)state;
    static const enum worker_mode modes[] = {WORKER_HELPERS, WORKER_IN_ORDER};
    for (size_t m = 0; m < 2; m++) {
        struct parts p = {0};
        struct worker w;
        struct worker_job job = {.run = take_parts, .ctx = &p, .shareable = true};
        int shared = 0;
        worker_start(&w, modes[m], NULL, NULL);
        for (int round = 0; round < 10; round++)
            shared += share_round(&w, &job, &p);
        worker_stop(&w);
        if (modes[m] == WORKER_IN_ORDER) /* only the worker thread runs jobs */
            assert_int_equal(shared, 0);
        else
            assert_true(shared > 0);
    }
}

/* ---- idle work ---- */

struct idle_count {
    atomic_int calls;
    atomic_bool gave_up;
};

static bool count_idle(void *ctx)
{
    struct idle_count *c = ctx;
    atomic_fetch_add(&c->calls, 1);
    return atomic_load(&c->calls) < 1000; /* some work left, then none */
}

/* The job runs until the waiting thread has done some idle work: a waiter that slept
 * instead would let it give up. */
static int wait_for_idle_work(void *ctx, struct impact_error *err)
{
    (void)err;
    struct idle_count *c = ctx;
    double start = now();
    while (atomic_load(&c->calls) < 3)
        if (now() - start > GIVE_UP_SECONDS) {
            atomic_store(&c->gave_up, true);
            break;
        }
    return IMPACT_OK;
}

static void test_idle_while_waiting(void **state)
{
    (void)state;
    struct idle_count c = {0};
    struct worker w;
    struct worker_job job = {.run = wait_for_idle_work, .ctx = &c};
    worker_start(&w, WORKER_IN_ORDER, count_idle, &c);
    worker_submit(&w, &job);
    worker_wait(&w, &job);
    assert_false(atomic_load(&c.gave_up));
    assert_true(atomic_load(&c.calls) >= 3);
    worker_stop(&w);
}

/* Idle work that finds nothing, slowly: a wake-up sent while a thread is in it must not be
 * lost (the thread would then sleep through the end of a job, or through worker_stop). */
static bool slow_nothing(void *ctx)
{
    (void)ctx;
    struct timespec pause = {0, 30000};
    nanosleep(&pause, NULL);
    return false;
}

static void test_no_lost_wakeup(void **state)
{
    (void)state;
    static const enum worker_mode modes[] = {WORKER_IN_ORDER, WORKER_HELPERS};
    for (int round = 0; round < 200; round++) {
        struct log log = {0};
        struct logged ctx[3];
        struct worker_job jobs[3];
        struct worker w;
        worker_start(&w, modes[round % 2], slow_nothing, NULL);
        for (int i = 0; i < 3; i++) {
            ctx[i] = (struct logged){&log, i};
            jobs[i] = (struct worker_job){.run = append_index, .ctx = &ctx[i]};
            worker_submit(&w, &jobs[i]);
        }
        worker_wait(&w, &jobs[round % 3]);
        worker_stop(&w);
        assert_int_equal(log.n, 3);
    }
}

/* A job may be submitted again once done (ingest reuses one per batch slot). */
static void test_resubmit(void **state)
{
    (void)state;
    struct log log = {0};
    struct logged ctx = {&log, 0};
    struct worker_job job = {.run = append_index, .ctx = &ctx};
    struct worker w;
    worker_start(&w, WORKER_IN_ORDER, NULL, NULL);
    for (int i = 0; i < 50; i++) {
        worker_wait(&w, &job);
        ctx.index = i;
        worker_submit(&w, &job);
    }
    worker_stop(&w);
    assert_int_equal(log.n, 50);
    for (int i = 0; i < 50; i++)
        assert_int_equal(log.order[i], i);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_in_order),
        cmocka_unit_test(test_failure_kept),
        cmocka_unit_test(test_waiter_runs_queued_job),
        cmocka_unit_test(test_shareable_job),
        cmocka_unit_test(test_idle_while_waiting),
        cmocka_unit_test(test_no_lost_wakeup),
        cmocka_unit_test(test_resubmit),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
