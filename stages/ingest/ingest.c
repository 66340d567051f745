/* ingest.c — the ingest stage's entry points (stages/ingest.h): ingest_file and
 * ingest_probe open an export and run the reader over it (ingest_private.h says which file
 * of the folder does what). ingest_probe runs the same reader and stops once the header is
 * mapped.
 *
 * ingest_file parses on the caller's thread, which fills batches of rows and rejects; a
 * worker thread (stages/common/worker.h, in order) delivers them, one job per batch, through
 * a ring of QUEUE_BATCHES (deliver.c). Either thread, when it would wait for the other,
 * takes a step of the source's fingerprint instead (the worker's idle work). docs/threads.md
 * says who owns what; docs/performance.md has the measurements behind this. */
#include "stages/ingest/ingest_private.h"

#include "stages/common/arena.h"

#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static const char STAGE[] = "ingest";

/* Records the first fatal error; later ones are consequences of it. */
__attribute__((format(printf, 4, 5))) void ingest_reader_fail(struct reader *r, long line,
                                                              long column, const char *fmt, ...)
{
    va_list args;
    va_start(args, fmt);
    if (r->status == IMPACT_OK)
        impact_vfail(r->err, STAGE, r->src->path, line, column, fmt, args);
    va_end(args);
    r->status = IMPACT_FAIL;
}

/* A file with a header and nothing below it: an error for attendance (every figure would
 * be zero), a warning for outcomes (no_data_rows). */
static void check_has_rows(struct reader *r)
{
    if (r->status != IMPACT_OK || r->result->rows_read > 0)
        return;
    if (r->src->kind == INPUT_ATTENDANCE)
        ingest_reader_fail(
            r, (long)r->result->header_line, 0,
            "the file has a header but no data row: expected one row per participant "
            "and session (check that the export is the right one, or remove this "
            "input from the config)");
    else
        r->result->no_data_rows = true;
}

/* ---- entry point ---- */

static int open_input(struct reader *r)
{
    struct stat st;
    r->fd = open(r->src->path, O_RDONLY);
    if (r->fd < 0)
        return impact_fail(r->err, STAGE, r->src->path, 0, 0, "cannot open the file: %s",
                           strerror(errno));
    if (fstat(r->fd, &st) != 0)
        return impact_fail(r->err, STAGE, r->src->path, 0, 0, "cannot read: %s", strerror(errno));
    if (S_ISDIR(st.st_mode))
        return impact_fail(r->err, STAGE, r->src->path, 0, 0,
                           "is a directory, expected a CSV file");
    if (r->src->fingerprint && !fingerprint_is_of(r->src->fingerprint, &st))
        return impact_fail(r->err, STAGE, r->src->path, 0, 0,
                           "the file was replaced while the run read it; run again");
    r->result->bytes = (unsigned long long)st.st_size;
    return IMPACT_OK;
}

static int ingest_run(const struct ingest_source *source, bool header_only, ingest_row_fn on_row,
                      void *ctx, const struct diag_sink *diag, struct ingest_result *result,
                      struct impact_error *err)
{
    struct reader *r = xcalloc(1, sizeof *r);
    *r = (struct reader){.src = source,
                         .diag = diag,
                         .on_row = on_row,
                         .ctx = ctx,
                         .result = result,
                         .err = err,
                         .header_only = header_only,
                         .fd = -1,
                         .line = 1,
                         .line_blank = true,
                         .first_extra = -1,
                         .to_utf8 = (iconv_t)-1};
    r->batch = &r->inline_batch;
    memset(result, 0, sizeof *result);
    r->status = open_input(r);
    if (r->status == IMPACT_OK && header_only)
        ingest_parse_file(r); /* a probe reads the first rows only, and hashes nothing */
    else if (r->status == IMPACT_OK)
        ingest_read_in_threads(r);
    check_has_rows(r);
    if (header_only) /* the probe read a row at most: it counts none */
        result->rows_read = result->rows_rejected = 0;
    if (r->to_utf8 != (iconv_t)-1)
        iconv_close(r->to_utf8);
    if (r->fd >= 0)
        close(r->fd);
    int status = r->status;
    free(r->buf);
    free(r->conv);
    free(r->inline_batch.text);
    free(r->inline_batch.events);
    free(r->field_start);
    free(r);
    return status;
}

int ingest_file(const struct ingest_source *source, ingest_row_fn on_row, void *ctx,
                const struct diag_sink *diag, struct ingest_result *result,
                struct impact_error *err)
{
    return ingest_run(source, false, on_row, ctx, diag, result, err);
}

int ingest_probe(const struct ingest_source *source, struct ingest_result *result,
                 struct impact_error *err)
{
    return ingest_run(source, true, NULL, NULL, NULL, result, err);
}
