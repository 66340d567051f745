/* ingest.h — the ingest stage: reads one CSV export as a stream of raw rows.
 *
 * It finds the encoding (UTF-8 with or without BOM, or Windows-1252, converted to UTF-8),
 * the delimiter (`,` `;` or tab), and the header, maps the export's headers to the canonical
 * fields of docs/requirements.md (built-in French and English names plus the config's mapping,
 * matched after folding case, accents and spaces), then parses the rows with libcsv and
 * hands each to `on_row` with its physical line number. Malformed rows (bad quoting, wrong
 * number of fields, invalid UTF-8, a NUL byte, an empty row) go to the diag sink as rejects;
 * the rest of the file is still read.
 *
 * Header: found below a title of a few lines (or after skip_lines lines); blank names at its
 * end (a delimiter ending the line) are no columns, a blank name between others is a column
 * that is ignored, like one with a header not recognised. A row may end with any number of
 * empty fields past the named columns; a value there, or fewer fields, rejects it. A header
 * that lacks a required field fails with one message listing every missing field and every
 * header not recognised, each with the nearest known name.
 *
 * Threads: ingest_file parses on the caller's thread and calls on_row, the diag sink and
 * the progress callback from one worker thread (stages/common/worker.h), one call at a time,
 * in file order, exactly as a single thread would (the callbacks need no locking, and
 * ingest_file returns after the last one). When the worker cannot start they are called
 * from the caller's thread. When the source has a fingerprint, either thread takes a step
 * of it instead of waiting for the other.
 *
 * The source's fingerprint (stages/common/fingerprint.h), when it has one, is stepped by
 * either thread while it would wait, and ingest_file fails when the file it opens is not the
 * one the fingerprint opened (replaced in between).
 *
 * Lifecycle: ingest_probe() on every input first, so that a missing column stops the run
 * before any row is read; then ingest_file() once per input; nothing to free.
 * Ownership: the raw_row passed to on_row, and its field texts, live only during that call.
 * Errors (cannot open/read the file, no header, a missing required column, an attendance
 * file without any data row) stop the file: ingest_file and ingest_probe return IMPACT_FAIL
 * with the error filled. An outcome file without any data row is not an error: no_data_rows
 * tells the caller, who warns.
 */
#ifndef IMPACT_INGEST_H
#define IMPACT_INGEST_H

#include "stages/common/diag.h"
#include "stages/common/error.h"
#include "stages/common/fingerprint.h"
#include "stages/common/records.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

enum ingest_encoding { INGEST_ENCODING_AUTO, INGEST_ENCODING_UTF8, INGEST_ENCODING_CP1252 };

/* One entry of the config's column mapping: an export header and the field it holds. */
struct column_mapping {
    const char *header;
    enum field field;
};

struct ingest_source {
    const char *path;
    uint16_t file_index; /* index of this input in the config; goes into every row_origin */
    enum input_kind kind;
    enum ingest_encoding encoding;
    char delimiter; /* 0 = detect */
    size_t n_columns;
    const struct column_mapping *columns;
    /* Where the header is. false (the default): the first of the first 10 rows (blank lines
     * aside) that has the required columns; the lines above it are a title, skipped. true:
     * the first row after `skip_lines` physical lines, which are not parsed at all. */
    bool fixed_header;
    unsigned skip_lines;
    size_t block_size; /* bytes per read; 0 = the default 1 MiB. Tests and the fuzzer set a
                          few bytes (4 at least) so that rows straddle block boundaries; the
                          encoding and delimiter are then best declared, as detection looks
                          at the first block only. */
    /* Optional: called from the thread that calls on_row, about once per block, with the
     * bytes read so far, the file's size and the rows handed to on_row or rejected so far. */
    void (*progress)(void *ctx, unsigned long long done, unsigned long long total,
                     unsigned long rows);
    void *progress_ctx;
    struct fingerprint *fingerprint; /* optional: stepped while ingest's threads would wait */
};

typedef void (*ingest_row_fn)(void *ctx, const struct raw_row *row);

struct ingest_result {
    enum ingest_encoding encoding; /* what was used */
    char delimiter;                /* what was used */
    unsigned long rows_read;       /* data rows (header excluded), including rejected ones */
    unsigned long rows_rejected;   /* by ingest itself */
    unsigned long long bytes;
    int n_header_columns;      /* named ones: blank names ending the header line are none */
    unsigned long header_line; /* physical line of the header; the lines above it were a
                                  title or skipped (0 when there is no header) */
    bool no_data_rows;         /* an outcome file without any data row: a warning */
};

int ingest_file(const struct ingest_source *source, ingest_row_fn on_row, void *ctx,
                const struct diag_sink *diag, struct ingest_result *result,
                struct impact_error *err);

/* Reads the header and at most one row after it, with the same encoding and delimiter
 * detection and the same column mapping as ingest_file, and fails as it would on a bad
 * header (missing required column, two columns for one field, empty file) or on an
 * attendance file without any data row. Fills encoding, delimiter, bytes, n_header_columns,
 * header_line and no_data_rows of `result`; rows_read stays 0 (the file is not read
 * through). */
int ingest_probe(const struct ingest_source *source, struct ingest_result *result,
                 struct impact_error *err);

/* Which canonical field a header names for this kind of input (built-in names only), or -1.
 * Exposed for tests and for the docs' table of recognised headers. */
int ingest_builtin_field(enum input_kind kind, const char *header);

const char *ingest_encoding_name(enum ingest_encoding encoding);

#endif
