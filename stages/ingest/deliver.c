/* deliver.c — the batches the parser fills, handed to a worker thread (stages/common/
 * worker.h, in order) through a ring of QUEUE_BATCHES, and delivered there row by row to
 * on_row and the diag sink; the source's fingerprint stepped by a thread that would wait. */
#include "stages/ingest/ingest_private.h"

#include "stages/common/arena.h"
#include "stages/common/worker.h"

#include <stdlib.h>

/* Batches go round a ring: the parser fills slot `filled % QUEUE_BATCHES` once the job that
 * delivered its previous batch is done, and hands it over as that slot's job. */
struct delivery {
    struct reader *reader;
    struct batch *batch;
    struct worker_job job;
};

struct handoff {
    struct worker worker;
    struct batch slots[QUEUE_BATCHES];
    struct delivery deliveries[QUEUE_BATCHES];
    size_t filled; /* batches handed over */
};

/* ---- handing batches over ---- */

/* How far ahead deliver fetches: about four rows of events and of text. */
enum { EVENTS_AHEAD = 4, TEXT_AHEAD = 512 };

/* On the worker thread: each event of the batch, in file order, to on_row or the sink. */
static void deliver(struct reader *r, const struct batch *b)
{
    struct raw_row row = {0}; /* the file's unmapped fields stay empty in every row */
    for (size_t i = 0; i < b->n_events; i++) {
        const struct event *e = &b->events[i];
        /* The parsing thread wrote the batch from the other core: fetch a few rows ahead. */
        if (i + EVENTS_AHEAD < b->n_events) {
            __builtin_prefetch(e + EVENTS_AHEAD);
            __builtin_prefetch((const char *)(e + EVENTS_AHEAD) + 64);
        }
        struct row_origin origin = {r->src->file_index, e->line};
        if (e->reason != NO_REJECT) {
            struct reject rej = {origin, e->reject_column, e->reject_field, NULL,
                                 b->text + e->reason};
            diag_reject(r->diag, &rej);
            continue;
        }
        /* Only the file's fields are set in an event (on_field); a row is delivered only
         * after a header that maps the required ones (missing_requirements, header.c). */
        size_t first_text = r->n_mapped > 0 ? e->start[r->mapped[0].field] : 0;
        if (first_text + TEXT_AHEAD < b->text_len)
            __builtin_prefetch(b->text + first_text + TEXT_AHEAD);
        row.origin = origin;
        for (size_t m = 0; m < r->n_mapped; m++) {
            int f = r->mapped[m].field;
            row.fields[f] =
                (struct raw_field){b->text + e->start[f], e->len[f], r->mapped[m].column + 1};
        }
        if (r->on_row) /* a probe has none, and stops at the header */
            r->on_row(r->ctx, &row);
    }
    r->rows_delivered += b->n_events;
    if (r->src->progress)
        r->src->progress(r->src->progress_ctx, b->bytes_done, r->result->bytes, r->rows_delivered);
}

static void empty_batch(struct batch *b)
{
    b->text_len = 0;
    b->n_events = 0;
}

/* A delivery job, on the worker thread: its batch to on_row and the sink. */
static int deliver_job(void *ctx, struct impact_error *err)
{
    (void)err;
    struct delivery *d = ctx;
    deliver(d->reader, d->batch);
    return IMPACT_OK;
}

/* The worker's idle work: a thread that would wait for the other hashes a step instead. */
static bool hash_a_step(void *ctx)
{
    const struct reader *r = ctx;
    return fingerprint_step(r->src->fingerprint);
}

/* On the parsing thread: the batch goes to the worker, and the next slot is taken once its
 * previous batch is delivered. Without a ring (a probe), the batch is delivered here. */
void ingest_hand_over(struct reader *r)
{
    struct handoff *h = r->handoff;
    r->batch->bytes_done = r->buf_offset + r->pos;
    if (!h) {
        deliver(r, r->batch);
    } else {
        worker_submit(&h->worker, &h->deliveries[h->filled++ % QUEUE_BATCHES].job);
        struct delivery *next = &h->deliveries[h->filled % QUEUE_BATCHES];
        worker_wait(&h->worker, &next->job);
        r->batch = next->batch;
    }
    empty_batch(r->batch);
    r->row_text = 0;
}

void ingest_hand_over_last(struct reader *r)
{
    struct handoff *h = r->handoff;
    r->batch->bytes_done = r->result->bytes;
    if (!h)
        deliver(r, r->batch);
    else
        worker_submit(&h->worker, &h->deliveries[h->filled++ % QUEUE_BATCHES].job);
}

/* Two threads: this one parses, the worker cleans and joins (on_row) in file order
 * whatever the threads' timing, so every output is the same as a single thread's. When the
 * worker cannot start, each batch is delivered here as it is handed over. */
void ingest_read_in_threads(struct reader *r)
{
    struct handoff *h = xcalloc(1, sizeof *h);
    for (int i = 0; i < QUEUE_BATCHES; i++)
        h->deliveries[i] = (struct delivery){.reader = r,
                                             .batch = &h->slots[i],
                                             .job = {.run = deliver_job, .ctx = &h->deliveries[i]}};
    worker_start(&h->worker, WORKER_IN_ORDER, hash_a_step, r);
    r->handoff = h;
    r->batch = &h->slots[0];
    ingest_parse_file(r);
    worker_stop(&h->worker);
    for (int i = 0; i < QUEUE_BATCHES; i++) {
        free(h->slots[i].text);
        free(h->slots[i].events);
    }
    free(h);
}
