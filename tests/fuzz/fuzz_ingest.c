/* fuzz_ingest.c — libFuzzer target over ingest, clean and join of one export.
 *
 * ingest takes a path, so each input is written to one in-memory file (memfd, made once)
 * and read three times:
 *   1. as an attendance export, production block size, encoding and delimiter detected;
 *      rows go through clean and join;
 *   2. the same with 5-byte read blocks and the encoding and delimiter that read 1 found
 *      (detection looks at the first block only): it must give the same status, error,
 *      rows, rejects and SHA-256 — a differential check of the block-boundary code;
 *   3. as an outcome export, through clean and join, in 61-byte blocks (other boundaries;
 *      the encoding and delimiter of read 1 again).
 * Every read must account for every row: ingest's rows_read = rows delivered + rows it
 * rejected; clean rejects a row with exactly one reject or accepts it; the join's accepted
 * and duplicate rows add up to clean's accepted ones. A broken invariant aborts, so
 * libFuzzer records the input like a crash; ASan, UBSan and LSan catch the rest.
 *
 * Build and run: `make fuzz` (tests/fuzz/README.md).
 */
#define _GNU_SOURCE /* memfd_create */
#include "stages/clean.h"
#include "stages/ingest.h"
#include "stages/join.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

enum { SMALL_BLOCK = 5, ODD_BLOCK = 61 };

/* Any broken invariant ends the run the way a crash does, with the reason on stderr. */
#define CHECK(cond)                                                                                \
    do {                                                                                           \
        if (!(cond)) {                                                                             \
            fprintf(stderr, "fuzz_ingest: invariant broken: %s (line %d)\n", #cond, __LINE__);     \
            abort();                                                                               \
        }                                                                                          \
    } while (0)

/* ---- the options every read uses: one of each config-driven path ---- */

static const struct column_mapping columns[] = {{"code jeune", FIELD_PARTICIPANT_ID}};
static const struct clean_label labels[] = {{LABEL_STATUS, "venu", PRESENCE_PRESENT}};
static const struct clean_situation situations[] = {{"service civique", CATEGORY_TRAINING}};
static const char *const qpv_codes[] = {"QP013055"};

static char path[64];
static int fd = -1;
static struct cleaner *cleaner;

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerInitialize(int *argc, char ***argv)
{
    (void)argc, (void)argv;
    fd = memfd_create("fuzz_ingest", 0); /* a file in memory: no disk I/O per input */
    CHECK(fd >= 0);
    snprintf(path, sizeof path, "/proc/self/fd/%d", fd);
    day_t first, last;
    date_from_ymd(2015, 1, 1, &first);
    date_from_ymd(2025, 12, 31, &last);
    const struct clean_options options = {
        first, last, 1, labels, 1, situations, 1, qpv_codes, QPV_CODE_BLANK_NOT_QPV};
    cleaner = clean_new(&options); /* has no per-row state: shared by all inputs */
    return 0;
}

static void write_input(const uint8_t *data, size_t size)
{
    CHECK(ftruncate(fd, 0) == 0);
    CHECK(pwrite(fd, data, size, 0) == (ssize_t)size);
}

/* ---- what one read saw ---- */

struct tally {
    enum input_kind kind;
    struct join *join;  /* NULL: ingest only */
    unsigned long rows; /* rows delivered by ingest */
    unsigned long ingest_rejects, clean_rejects, clean_accepted;
    uint64_t digest; /* FNV-1a over ingest's rows and rejects, in order */
};

static void mix(struct tally *t, const void *bytes, size_t len)
{
    const unsigned char *b = bytes;
    for (size_t i = 0; i < len; i++)
        t->digest = (t->digest ^ b[i]) * 0x100000001b3u;
}

static void mix_text(struct tally *t, const char *text, size_t len)
{
    mix(t, &len, sizeof len);
    if (text)
        mix(t, text, len);
}

static void on_ingest_reject(void *ctx, const struct reject *rej)
{
    struct tally *t = ctx;
    t->ingest_rejects++;
    mix(t, &rej->origin.line, sizeof rej->origin.line);
    mix(t, &rej->column, sizeof rej->column);
    mix_text(t, rej->reason, strlen(rej->reason));
}

/* Clean's and join's rejects: counted, not digested (read 2 does not clean). */
static void on_clean_reject(void *ctx, const struct reject *rej)
{
    (void)rej;
    ((struct tally *)ctx)->clean_rejects++;
}

static void clean_and_join(struct tally *t, const struct raw_row *row)
{
    const struct diag_sink sink = {t, on_clean_reject, NULL, NULL, NULL}, *d = &sink;
    unsigned long before = t->clean_rejects;
    bool ok;
    if (t->kind == INPUT_ATTENDANCE) {
        struct attendance_row a;
        ok = clean_attendance(cleaner, row, &a, d);
        if (ok)
            join_add_attendance(t->join, &a, d);
    } else {
        struct outcome_row o;
        ok = clean_outcome(cleaner, row, &o, d);
        if (ok)
            join_add_outcome(t->join, &o, d);
    }
    CHECK(t->clean_rejects == before + !ok); /* one reject per rejected row, none otherwise */
    t->clean_accepted += ok;
}

static void on_row(void *ctx, const struct raw_row *row)
{
    struct tally *t = ctx;
    t->rows++;
    mix(t, &row->origin.line, sizeof row->origin.line);
    for (int f = 0; f < FIELD_COUNT; f++)
        mix_text(t, row->fields[f].text, row->fields[f].len);
    if (t->join)
        clean_and_join(t, row);
}

struct read {
    struct tally tally;
    struct ingest_result result;
    struct impact_error err;
    int status;
    char sha256[65]; /* the fingerprint, stepped by ingest's threads while they wait */
};

static void read_as(struct read *r, struct ingest_source *src)
{
    const struct diag_sink d = {&r->tally, on_ingest_reject, NULL, NULL, NULL};
    r->tally.digest = 0xcbf29ce484222325u;
    r->err = (struct impact_error){0};
    struct fingerprint *fp = fingerprint_open(src->path);
    struct impact_error fp_err;
    src->fingerprint = fp;
    r->status = ingest_file(src, on_row, &r->tally, &d, &r->result, &r->err);
    CHECK(fingerprint_finish(fp, r->sha256, &fp_err) == IMPACT_OK);
    fingerprint_free(fp);
    src->fingerprint = NULL;
    CHECK(r->result.rows_read == r->tally.rows + r->result.rows_rejected);
    CHECK(r->result.rows_rejected == r->tally.ingest_rejects);
    CHECK(r->tally.clean_accepted + r->tally.clean_rejects == (r->tally.join ? r->tally.rows : 0));
}

/* Read 2 must see what read 1 saw. */
static void check_same(const struct read *a, const struct read *b)
{
    CHECK(a->status == b->status);
    CHECK(strcmp(a->err.message, b->err.message) == 0);
    CHECK(a->err.line == b->err.line && a->err.column == b->err.column);
    CHECK(a->result.rows_read == b->result.rows_read);
    CHECK(a->result.rows_rejected == b->result.rows_rejected);
    CHECK(a->tally.rows == b->tally.rows);
    CHECK(a->tally.digest == b->tally.digest);
    CHECK(strcmp(a->sha256, b->sha256) == 0); /* the whole file's, whatever ingest did */
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    write_input(data, size);
    struct join *join = join_new(2);
    struct ingest_source src = {.path = path, .columns = columns, .n_columns = 1};
    struct read whole = {.tally = {.kind = INPUT_ATTENDANCE, .join = join}};
    read_as(&whole, &src);

    struct read small = {.tally = {.kind = INPUT_ATTENDANCE}};
    src.encoding = whole.result.encoding;
    src.delimiter = whole.result.delimiter;
    src.block_size = SMALL_BLOCK;
    read_as(&small, &src);
    check_same(&whole, &small);

    struct read outcome = {.tally = {.kind = INPUT_OUTCOME, .join = join}};
    src.file_index = 1;
    src.kind = INPUT_OUTCOME;
    src.block_size = ODD_BLOCK;
    read_as(&outcome, &src);

    join_finish(join, NULL);
    join_find_duplicates(join);
    const struct join_stats *js = join_get_stats(join);
    CHECK(js->rows_accepted[0] + js->rows_duplicate[0] == whole.tally.clean_accepted);
    CHECK(js->rows_accepted[1] + js->rows_duplicate[1] == outcome.tally.clean_accepted);
    join_free(join);
    return 0;
}
