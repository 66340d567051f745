/* ingest_private.h — private to the ingest stage (stages/ingest/): the reader of one export
 * and the batches it fills, shared by the stage's files. Nothing outside stages/ingest/
 * includes it; the stage's whole interface is stages/ingest.h.
 *
 * ingest.c opens the file and runs the reader; encoding.c decides the encoding, delimiter
 * and line ends and converts Windows-1252; parse.c feeds libcsv a line at a time and turns
 * fields into the batch's events (the per-field path, kept in one file so that it inlines);
 * header.c recognises and maps the header, or says in one message what is wrong with it;
 * deliver.c hands the batches to the worker thread, which delivers their rows. */
#ifndef IMPACT_INGEST_PRIVATE_H
#define IMPACT_INGEST_PRIVATE_H

#include "stages/ingest.h"

#include <csv.h>
#include <iconv.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* MIN_BLOCK_SIZE: the first block must hold a whole BOM (a test-only size is raised to it). */
enum { BLOCK_SIZE = 1 << 20, MIN_BLOCK_SIZE = 4, MAX_COLUMNS = 512 };

/* HEADER_SEARCH_ROWS: rows (blank lines aside) in which the header is looked for, below a
 * title or two. A header message quotes at most QUOTE_BYTES - 1 bytes of each header, keeps
 * ADVICE_BYTES for its last sentence and SUFFIX_BYTES for the note on the search. */
enum {
    HEADER_SEARCH_ROWS = 10,
    QUOTE_BYTES = 41,
    ADVICE_BYTES = 160,
    SUFFIX_BYTES = 160,
    LIST_RESERVE = 120 /* kept by the missing fields for the next list, by that list for
                          its " and N more" and the found list */
};

/* ---- batches: what the parsing thread hands to the worker thread ---- */

/* A batch is handed over once it holds this much text or this many events (about half a
 * MiB of rows); QUEUE_BATCHES bound the memory in flight. */
enum { BATCH_TEXT = 1 << 19, BATCH_EVENTS = 4096, QUEUE_BATCHES = 4 };
#define NO_REJECT ((size_t)-1)

/* A row, or a reject, in file order. Texts are offsets into the batch's text, which moves
 * while the batch fills. A row's fields are by enum field; only those the file has are set
 * (the others hold whatever the slot held before). */
struct event {
    uint32_t line;
    int reject_column;           /* 1-based column of a reject, 0 for the whole row */
    const char *reject_field;    /* canonical name of that column's field, or NULL */
    size_t reason;               /* offset of a reject's reason; NO_REJECT for a row */
    uint32_t start[FIELD_COUNT]; /* offsets of the mapped fields' texts */
    uint32_t len[FIELD_COUNT];
};

struct batch {
    char *text; /* the rows' field texts, each NUL-terminated, and the rejects' reasons */
    size_t text_len, text_cap;
    struct event *events;
    size_t n_events, events_cap;
    unsigned long long bytes_done; /* bytes of the file parsed when the batch was handed over */
};

/* ---- reader state ---- */

/* The last field of a column that needed the UTF-8 and NUL checks and passed them. The
 * rows of a session repeat its site, whose dash or accents would otherwise be checked on
 * every row (a tenth of the parsing thread's work besides libcsv at 10 M rows). */
enum { CHECKED_COLUMNS = 16, CHECKED_BYTES = 64 };

struct checked_field {
    size_t len; /* 0: none yet (an empty field needs no check) */
    char text[CHECKED_BYTES];
};

/* A row that was not the header, and what its message would be if no header is found. */
struct header_guess {
    unsigned long line; /* 0: none yet */
    long column;
    int score; /* columns recognised */
    char message[IMPACT_MSG_MAX];
};

/* A field of the records (enum field) and the file's 0-based column holding it. */
struct mapped_field {
    int field, column;
};

struct reader {
    const struct ingest_source *src;
    const struct diag_sink *diag;
    ingest_row_fn on_row;
    void *ctx;
    struct ingest_result *result;
    struct impact_error *err;
    int status;
    bool header_only; /* ingest_probe: stop once the header is taken */

    int fd;
    unsigned char *buf;
    size_t block, buf_len, pos;    /* block: bytes per read */
    unsigned long long buf_offset; /* file offset of buf[0] */
    iconv_t to_utf8;               /* (iconv_t)-1 unless converting from Windows-1252 */
    char *conv;
    size_t conv_cap;
    struct csv_parser csv;

    unsigned long line; /* physical line of the next byte fed */
    bool line_blank;    /* only blanks fed so far on this line: a row may still start on it */
    bool skip_to_eol;
    unsigned char line_end; /* the byte that ends a physical line: LF, or CR in old Mac files */

    bool in_row;
    unsigned long row_line;
    unsigned long long row_next_line_offset; /* 0 until the row's first line has ended */
    struct handoff *handoff; /* NULL: batches are delivered by the parsing thread itself */
    struct batch *batch;     /* being filled; the current row's texts start at row_text */
    struct batch inline_batch;
    size_t row_text;
    unsigned long rows_delivered; /* caller's side: events delivered, for the progress */
    size_t *field_start;          /* the header's fields: offsets in the batch's text */
    size_t fields_cap;
    struct event *row_event; /* the batch's next event: the current row's (on_field) */
    size_t n_fields;         /* fields of the current row so far */
    int first_extra;         /* 0-based column of the first non-blank field past the
                                header's named columns, or -1 */
    struct checked_field checked[CHECKED_COLUMNS];
    bool row_bad;
    int bad_column;
    char bad_reason[160];

    bool have_header;
    int rows_examined;             /* rows that were not the header (detection) */
    struct header_guess best;      /* of them, the nearest to a header, for the message */
    unsigned long data_like_line;  /* the first of them that holds a date, or 0 */
    int data_like_cells;           /* its non-blank cells */
    int n_header;                  /* named columns: blank names ending the header line are none */
    int column_field[MAX_COLUMNS]; /* enum field, or -1 for an ignored column */
    int field_column[FIELD_COUNT]; /* 0-based column, or -1 when the file lacks it */
    struct mapped_field mapped[FIELD_COUNT]; /* the fields the file has, for deliver */
    size_t n_mapped;
};

/* The lines above the header that the config says to skip (skip_lines). */
static inline unsigned long skipped_lines(const struct reader *r)
{
    return r->src->fixed_header ? r->src->skip_lines : 0;
}

/* False once the file failed, or once a probe has what it came for: the header, and
 * whether a row follows it. */
static inline bool wants_more(const struct reader *r)
{
    return r->status == IMPACT_OK &&
           !(r->header_only && r->have_header && r->result->rows_read > 0);
}

/* As strchr(" \t", c) was: the NUL byte counts too, so that a row of NULs stays an empty
 * row whatever its reason would otherwise be. */
static inline bool is_blank_byte(char c)
{
    return c == ' ' || c == '\t' || c == '\0';
}

static inline bool is_blank_text(const char *s, size_t len)
{
    for (size_t i = 0; i < len; i++)
        if (!is_blank_byte(s[i]) && s[i] != '\r' && s[i] != '\n')
            return false;
    return true;
}

/* ingest.c */
__attribute__((format(printf, 4, 5))) void ingest_reader_fail(struct reader *r, long line,
                                                              long column, const char *fmt, ...);

/* encoding.c */
void ingest_start_encoding(struct reader *r);
const char *ingest_convert(struct reader *r, const char *in, size_t *len);

/* parse.c */
void ingest_parse_file(struct reader *r);

/* header.c */
void ingest_take_header(struct reader *r);
void ingest_keep_unparsable(struct reader *r, const char *reason);
void ingest_not_the_header(struct reader *r);
void ingest_no_header_found(struct reader *r);

/* deliver.c */
void ingest_hand_over(struct reader *r);
void ingest_hand_over_last(struct reader *r);
void ingest_read_in_threads(struct reader *r);

#endif
