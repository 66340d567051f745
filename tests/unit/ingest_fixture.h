/* ingest_fixture.h — what the ingest tests share (test_ingest_reading.c, test_ingest_header.c,
 * test_ingest_files.c; include after <cmocka.h>; everything is static inline, so a test uses
 * what it needs): a fresh mkdtemp folder per test, a file written into it, and ingest_file
 * run with a collecting on_row callback and a collecting diag sink (both copy what they keep:
 * texts live only during the callback) that checks that nothing vanished:
 * rows_read == rows delivered + rows_rejected.
 *
 * Windows-1252 bytes used: é = E9, en dash – = 96, right single quote ’ = 92; their UTF-8
 * forms are C3 A9, E2 80 93 and E2 80 99. A hex escape is closed with "" "" when the next
 * character is a hex digit.
 */
#ifndef TEST_INGEST_FIXTURE_H
#define TEST_INGEST_FIXTURE_H

#include "stages/ingest.h"

#include <ftw.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define E_ACUTE_UTF8 "\xC3\xA9"
#define ENDASH_UTF8  "\xE2\x80\x93"
#define RSQUO_UTF8   "\xE2\x80\x99"

/* ---- a temporary folder per test ---- */

struct tmpdir {
    char path[64];
};

static inline int setup_dir(void **state)
{
    struct tmpdir *d = calloc(1, sizeof *d);
    if (!d)
        return -1;
    snprintf(d->path, sizeof d->path, "/tmp/test_ingest.XXXXXX");
    if (!mkdtemp(d->path)) {
        free(d);
        return -1;
    }
    *state = d;
    return 0;
}

static inline int remove_entry(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
    (void)st, (void)flag, (void)ftw;
    return remove(path);
}

static inline int teardown_dir(void **state)
{
    struct tmpdir *d = *state;
    int rc = nftw(d->path, remove_entry, 8, FTW_DEPTH | FTW_PHYS);
    free(d);
    return rc;
}

/* Writes `len` bytes into dir/name and puts the full path in `path`. */
static inline void write_file(const struct tmpdir *d, const char *name, const char *content,
                              size_t len, char *path, size_t cap)
{
    snprintf(path, cap, "%s/%s", d->path, name);
    FILE *f = fopen(path, "wb");
    assert_non_null(f);
    assert_int_equal(fwrite(content, 1, len, f), len);
    assert_int_equal(fclose(f), 0);
}

/* ---- collecting callbacks: they copy, since texts live only during the call ---- */

struct got_row {
    struct row_origin origin;
    char *cells[FIELD_COUNT]; /* NULL when the file lacks the field */
    int columns[FIELD_COUNT];
};

struct got_reject {
    struct row_origin origin;
    int column;
    char *field;
    char *reason;
    bool has_value;
};

struct collector {
    struct got_row *rows;
    size_t n_rows, rows_cap;
    struct got_reject *rejects;
    size_t n_rejects, rejects_cap;
    size_t n_warnings;
};

static inline char *dup_or_null(const char *text, size_t len)
{
    return text ? strndup(text, len) : NULL;
}

static inline void *grow(void *array, size_t *cap, size_t n, size_t elem)
{
    if (n < *cap)
        return array;
    *cap = *cap ? 2 * *cap : 16;
    void *bigger = realloc(array, *cap * elem);
    assert_non_null(bigger);
    return bigger;
}

static inline void collect_row(void *ctx, const struct raw_row *row)
{
    struct collector *c = ctx;
    c->rows = grow(c->rows, &c->rows_cap, c->n_rows, sizeof *c->rows);
    struct got_row *g = &c->rows[c->n_rows++];
    g->origin = row->origin;
    for (int f = 0; f < FIELD_COUNT; f++) {
        g->cells[f] = dup_or_null(row->fields[f].text, row->fields[f].len);
        g->columns[f] = row->fields[f].column;
    }
}

static inline void collect_reject(void *ctx, const struct reject *rej)
{
    struct collector *c = ctx;
    c->rejects = grow(c->rejects, &c->rejects_cap, c->n_rejects, sizeof *c->rejects);
    c->rejects[c->n_rejects++] =
        (struct got_reject){rej->origin, rej->column, rej->field ? strdup(rej->field) : NULL,
                            strdup(rej->reason ? rej->reason : ""), rej->value != NULL};
}

static inline void collect_warning(void *ctx, enum warning_kind kind, struct row_origin origin,
                                   const char *value)
{
    (void)kind, (void)origin, (void)value;
    ((struct collector *)ctx)->n_warnings++;
}

static inline void collector_free(struct collector *c)
{
    for (size_t i = 0; i < c->n_rows; i++)
        for (int f = 0; f < FIELD_COUNT; f++)
            free(c->rows[i].cells[f]);
    for (size_t i = 0; i < c->n_rejects; i++) {
        free(c->rejects[i].field);
        free(c->rejects[i].reason);
    }
    free(c->rows);
    free(c->rejects);
}

static inline int run_ingest(const struct ingest_source *src, struct collector *c,
                             struct ingest_result *result, struct impact_error *err)
{
    const struct diag_sink sink = {c, collect_reject, collect_warning, NULL, NULL};
    memset(err, 0, sizeof *err);
    int status = ingest_file(src, collect_row, c, &sink, result, err);
    /* Nothing disappears silently (docs/requirements.md "Cleaning and joining"). */
    assert_int_equal(result->rows_read, c->n_rows + result->rows_rejected);
    assert_int_equal(result->rows_rejected, c->n_rejects);
    assert_int_equal(c->n_warnings, 0);
    return status;
}

#define UTF8   INGEST_ENCODING_UTF8
#define CP1252 INGEST_ENCODING_CP1252

/* A config mapping that overrides the built-in "ID" (participant_id) and adds two headers,
 * written with other case, accents and a typographic apostrophe than the file's. */
static const struct column_mapping override_columns[] = {
    {"id", FIELD_SESSION_ID},
    {"LIEU DE L" RSQUO_UTF8 "ATELIER", FIELD_SITE},
    {"code jeune", FIELD_PARTICIPANT_ID},
};

/* Windows-1252 export: header "activité", site with an en dash and é, activity with ’. */
#define CP1252_TEXT                                                                                \
    "date;site;activit\xE9;id\n"                                                                   \
    "12/03/2019;Parc Bellevue \x96 F\xE9lix Pyat;Atelier d\x92orientation;P1\n"

#endif /* TEST_INGEST_FIXTURE_H */
