/* parse.c — an export's bytes through libcsv, with recovery from malformed rows; each field
 * copied, checked and placed in its row's event in the batch being filled.
 *
 * libcsv reports no positions, so the file is fed to it one physical line at a time: a row
 * starts on the line being fed when the previous row has ended, and that line number is the
 * row's origin. After a parse error the row is rejected and reading resumes at the line
 * after the row's first line, so an unterminated quote costs one row, not the file.
 *
 * The per-field path (on_field and all it calls) is in this file and static, so that the
 * compiler can inline it as before the stage was a folder (docs/performance.md). */
#include "stages/ingest/ingest_private.h"

#include "stages/common/arena.h"
#include "stages/common/fold.h"
#include "stages/common/intern.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* The current row's fields are written into the batch's next event as they come
 * (on_field), which emit_row keeps, or a reject takes over. */
static void make_room_for_row(struct reader *r)
{
    struct batch *b = r->batch;
    xgrow((void **)&b->events, &b->events_cap, b->n_events + 1, sizeof *b->events);
    r->row_event = &b->events[b->n_events];
}

/* The current row's field texts are dropped unless a row event took them. */
static void reset_row(struct reader *r)
{
    r->in_row = false;
    r->batch->text_len = r->row_text;
    r->n_fields = 0;
    r->first_extra = -1;
    r->row_bad = false;
    r->row_next_line_offset = 0;
    if (r->batch->text_len >= BATCH_TEXT || r->batch->n_events >= BATCH_EVENTS)
        ingest_hand_over(r);
    make_room_for_row(r);
}

/* Keeps the row's event (its fields are in place already: make_room_for_row). */
static struct event *new_event(struct reader *r)
{
    struct event *e = r->row_event;
    r->batch->n_events++;
    e->line = (uint32_t)r->row_line;
    e->reject_column = 0;
    e->reject_field = NULL;
    e->reason = NO_REJECT;
    return e;
}

static void reject_row(struct reader *r, int column, const char *reason)
{
    struct batch *b = r->batch;
    struct event *e = new_event(r);
    size_t n = strlen(reason) + 1;
    e->reject_column = column;
    e->reject_field = NULL;
    if (column > 0 && column <= r->n_header && r->column_field[column - 1] >= 0)
        e->reject_field = record_field_names[r->column_field[column - 1]];
    b->text_len = r->row_text; /* the row's texts go; its reason stays */
    xgrow((void **)&b->text, &b->text_cap, b->text_len + n, 1);
    memcpy(b->text + b->text_len, reason, n);
    e->reason = b->text_len;
    b->text_len += n;
    r->row_text = b->text_len;
    r->result->rows_read++;
    r->result->rows_rejected++;
}

/* ---- rows ---- */

/* The row's texts, each with its NUL, are together at the end of the batch's text. */
static bool row_is_empty(const struct reader *r)
{
    const struct batch *b = r->batch;
    for (size_t i = r->row_text; i < b->text_len; i++)
        if (!is_blank_byte(b->text[i]))
            return false;
    return true;
}

/* Returns a reject reason, and the column at fault, when the row's fields do not fit the
 * header: fewer than its named columns (the first missing one), or a value past them (the
 * first such one). Empty fields past them are tolerated, however many: exports often end
 * rows with a delimiter or several. */
static const char *check_width(const struct reader *r, char *reason, size_t cap, int *column)
{
    if (r->n_fields < (size_t)r->n_header) {
        *column = (int)r->n_fields + 1;
        snprintf(reason, cap, "expected %d fields as in the header, found %zu", r->n_header,
                 r->n_fields);
        return reason;
    }
    if (r->first_extra >= 0) {
        *column = r->first_extra + 1;
        snprintf(reason, cap,
                 "a value in column %d, past the header's %d columns (only empty fields may "
                 "follow them)",
                 r->first_extra + 1, r->n_header);
        return reason;
    }
    return NULL;
}

static void emit_row(struct reader *r)
{
    char reason[160];
    int column = 0;
    const char *width_problem = check_width(r, reason, sizeof reason, &column);
    if (row_is_empty(r)) {
        reject_row(r, 0, "empty row");
    } else if (width_problem) {
        reject_row(r, column, width_problem);
    } else if (r->row_bad) {
        reject_row(r, r->bad_column, r->bad_reason);
    } else {
        new_event(r);
        r->row_text = r->batch->text_len; /* the event keeps the row's texts */
        r->result->rows_read++;
    }
}

/* A field the later stages cannot take: invalid UTF-8, or a NUL byte, which would cut the
 * text short wherever it is used as a C string (UTF-16 exports are full of them). */
static bool field_is_bad(const char *field, size_t len, char *reason, size_t cap)
{
    size_t bad;
    const char *nul = memchr(field, '\0', len);
    if (!utf8_valid(field, len, &bad)) {
        snprintf(reason, cap, "invalid UTF-8 at byte %zu of the field (check the file's encoding)",
                 bad + 1);
        return true;
    }
    if (nul) {
        snprintf(reason, cap,
                 "NUL byte at byte %zu of the field (a UTF-16 export? save it as UTF-8)",
                 (size_t)(nul - field) + 1);
        return true;
    }
    return false;
}

/* copy_field for 4 to 7 bytes: the first four and the last four, which overlap. */
static bool copy_short_field(char *to, const char *from, size_t len)
{
    const uint32_t ones = 0x01010101u, highs = 0x80808080u;
    uint32_t head, tail;
    memcpy(&head, from, 4);
    memcpy(&tail, from + len - 4, 4);
    memcpy(to, &head, 4);
    memcpy(to + len - 4, &tail, 4);
    uint32_t seen = head | tail | ((head - ones) & ~head) | ((tail - ones) & ~tail);
    return (seen & highs) != 0;
}

/* Copies a field and tells whether any byte needs the checks of field_is_bad (a high bit,
 * or zero). Most fields are a few ASCII bytes: eight at a time, the last eight of a field
 * longer than that overlapping the ones before (four for a shorter one), without a call
 * per field. */
__attribute__((always_inline)) static inline bool copy_field(char *to, const char *from, size_t len)
{
    const uint64_t ones = 0x0101010101010101u, highs = 0x8080808080808080u;
    uint64_t seen = 0, w; /* high bits of the bytes, or of (byte - 1) & ~byte: zero bytes */
    if (len < 4) {
        for (size_t i = 0; i < len; i++) {
            unsigned char c = (unsigned char)from[i];
            to[i] = (char)c;
            seen |= c | (uint64_t)(c == 0) << 7;
        }
        return (seen & 0x80) != 0;
    }
    if (len < 8)
        return copy_short_field(to, from, len);
    for (size_t i = 0;; i += 8) {
        size_t at = i + 8 <= len ? i : len - 8;
        memcpy(&w, from + at, 8);
        memcpy(to + at, &w, 8);
        seen |= w | ((w - ones) & ~w);
        if (at == len - 8)
            break;
    }
    return (seen & highs) != 0;
}

static bool checked_before(const struct reader *r, size_t column, const char *field, size_t len)
{
    return column < CHECKED_COLUMNS && r->checked[column].len == len &&
           intern_same_bytes(r->checked[column].text, field, len);
}

static void remember_checked(struct reader *r, size_t column, const char *field, size_t len)
{
    if (column < CHECKED_COLUMNS && len <= CHECKED_BYTES) {
        r->checked[column].len = len;
        memcpy(r->checked[column].text, field, len);
    }
}

/* The header's fields are kept by column, for take_header to map. */
__attribute__((noinline)) static void keep_header_field(struct reader *r, size_t column,
                                                        size_t start)
{
    xgrow((void **)&r->field_start, &r->fields_cap, column, sizeof *r->field_start);
    r->field_start[column] = start;
}

/* A field past the header's named columns: the first with a value is noted (check_width). */
__attribute__((noinline)) static void note_extra_field(struct reader *r, size_t column,
                                                       size_t start, size_t len)
{
    if (r->first_extra < 0 && !is_blank_text(r->batch->text + start, len))
        r->first_extra = (int)column;
}

/* A row's field goes straight to its place in the row's event, by the header's mapping;
 * one past the header's named columns only counts (check_width). */
static void place_field(struct reader *r, size_t column, size_t start, size_t len)
{
    int f = column < (size_t)r->n_header ? r->column_field[column] : -1;
    if (f >= 0) {
        r->row_event->start[f] = (uint32_t)start;
        r->row_event->len[f] = (uint32_t)len;
    } else if (column >= (size_t)r->n_header && len > 0) {
        note_extra_field(r, column, start, len);
    }
}

/* The field at `column` has a byte that needs field_is_bad's checks. */
__attribute__((noinline)) static void check_field(struct reader *r, size_t column,
                                                  const char *field, size_t len)
{
    if (r->row_bad || checked_before(r, column, field, len))
        return;
    if (field_is_bad(field, len, r->bad_reason, sizeof r->bad_reason)) {
        r->row_bad = true;
        r->bad_column = (int)column + 1;
    } else {
        remember_checked(r, column, field, len);
    }
}

/* Copies the field into the batch, which has room for it, and notes where it went. */
__attribute__((always_inline)) static inline void put_field(struct reader *r, const char *field,
                                                            size_t len, bool in_header)
{
    struct batch *b = r->batch;
    char *copy = b->text + b->text_len;
    bool needs_checks = copy_field(copy, field, len);
    copy[len] = '\0';
    size_t column = r->n_fields++;
    if (in_header)
        keep_header_field(r, column, b->text_len);
    else
        place_field(r, column, b->text_len, len);
    b->text_len += len + 1;
    if (needs_checks)
        check_field(r, column, field, len);
}

__attribute__((noinline)) static void put_field_slowly(struct reader *r, const char *field,
                                                       size_t len)
{
    struct batch *b = r->batch;
    if (b->text_len + len + 1 > b->text_cap)
        xgrow((void **)&b->text, &b->text_cap, b->text_len + len + 1, 1);
    put_field(r, field, len, !r->have_header);
}

/* Called by libcsv for each of the 110 million fields of a 10 M-row file. What is rare
 * (growing the batch, the header, a byte to check) is out of line: the common case then
 * calls nothing before its end, and saves fewer registers on entry (docs/performance.md). */
static void on_field(void *data, size_t len, void *userdata)
{
    struct reader *r = userdata;
    const struct batch *b = r->batch;
    const char *field = data ? data : "";
    if (b->text_len + len + 1 > b->text_cap || !r->have_header)
        put_field_slowly(r, field, len);
    else
        put_field(r, field, len, false);
}

static void on_row_end(int terminator, void *userdata)
{
    (void)terminator;
    struct reader *r = userdata;
    if (!wants_more(r))
        return;
    if (!r->have_header)
        ingest_take_header(r);
    else
        emit_row(r);
    reset_row(r);
}

/* ---- bytes in: blocks ---- */

static bool read_block(struct reader *r, unsigned long long offset)
{
    if (lseek(r->fd, (off_t)offset, SEEK_SET) < 0) {
        ingest_reader_fail(r, 0, 0, "cannot seek: %s", strerror(errno));
        return false;
    }
    ssize_t n = read(r->fd, r->buf, r->block);
    if (n < 0) {
        ingest_reader_fail(r, 0, 0, "cannot read: %s", strerror(errno));
        return false;
    }
    r->buf_len = (size_t)n;
    r->buf_offset = offset;
    r->pos = 0;
    return true;
}

/* ---- feeding libcsv one physical line at a time ---- */

/* libcsv grows its field buffer without bound; a 2 GiB "field" (a binary file, a missing
 * closing quote in a huge export) must cost a reject, not the machine's memory. */
enum { MAX_FIELD_BYTES = 1 << 20 };

static void *bounded_realloc(void *ptr, size_t size)
{
    return size > MAX_FIELD_BYTES + 4096 ? NULL : realloc(ptr, size);
}

static void init_parser(struct reader *r)
{
    csv_init(&r->csv, CSV_STRICT | CSV_STRICT_FINI);
    csv_set_realloc_func(&r->csv, bounded_realloc);
}

static void restart_parser(struct reader *r)
{
    csv_free(&r->csv);
    init_parser(r);
    csv_set_delim(&r->csv, (unsigned char)r->result->delimiter);
}

/* After a parse error: reject the row and resume at the line after its first line. */
static void recover(struct reader *r, const char *reason)
{
    unsigned long resume_line = r->row_line + 1;
    unsigned long long resume = r->row_next_line_offset;
    if (r->status != IMPACT_OK)
        return; /* the file already failed (its header): nothing more to count */
    if (!r->have_header) {
        ingest_keep_unparsable(r, reason); /* a title above the header may have a stray quote */
        ingest_not_the_header(r);
        if (r->status != IMPACT_OK)
            return;
    } else {
        reject_row(r, (int)r->n_fields + 1, reason);
    }
    reset_row(r);
    restart_parser(r);
    if (resume == 0) {
        r->skip_to_eol = true; /* the bad row is on the line being fed */
        return;
    }
    if (resume >= r->buf_offset && resume <= r->buf_offset + r->buf_len)
        r->pos = (size_t)(resume - r->buf_offset);
    else
        read_block(r, resume);
    r->line = resume_line;
    r->line_blank = true;
    r->skip_to_eol = false;
}

/* A line libcsv turns into no row: line ends, and spaces or tabs that are not the delimiter
 * (libcsv skips those before a row begins). */
static bool is_blank_line(const unsigned char *s, size_t len, char delimiter)
{
    for (size_t i = 0; i < len; i++)
        if ((s[i] != '\r' && s[i] != '\n' && s[i] != ' ' && s[i] != '\t') ||
            s[i] == (unsigned char)delimiter)
            return false;
    return true;
}

static void feed_segment(struct reader *r, const unsigned char *seg, size_t len, bool ends_line)
{
    if (r->line <= skipped_lines(r)) { /* not parsed at all: titles may hold anything */
        r->line += ends_line;
        return;
    }
    unsigned long long seg_end = r->buf_offset + (unsigned long long)(seg - r->buf) + len;
    /* A line cut by the block end comes in several segments: blanks before the cut must
     * not hide a row that starts after it. */
    bool blank = !r->skip_to_eol && is_blank_line(seg, len, r->result->delimiter);
    if (r->skip_to_eol) {
        r->skip_to_eol = !ends_line;
    } else {
        if (r->line_blank && !r->in_row && !blank) {
            r->in_row = true;
            r->row_line = r->line;
        }
        size_t n = len;
        const char *text = ingest_convert(r, (const char *)seg, &n);
        if (csv_parse(&r->csv, text, n, on_field, on_row_end, r) != n) {
            recover(r, csv_error(&r->csv) == CSV_ENOMEM
                           ? "a field longer than 1 MiB (is the file really a CSV export?)"
                           : "malformed quoting: a quote inside an unquoted field or text "
                             "after a closing quote");
            if (!r->skip_to_eol)
                return; /* resumed at the line after the row's first line */
            /* The bad row began on this line: skip the rest of this segment only. */
            r->skip_to_eol = !ends_line;
        } else if (r->in_row && ends_line && r->row_next_line_offset == 0)
            r->row_next_line_offset = seg_end;
    }
    if (ends_line)
        r->line++;
    r->line_blank = ends_line || (r->line_blank && blank);
}

static void feed_block(struct reader *r)
{
    while (r->pos < r->buf_len && wants_more(r)) {
        const unsigned char *start = r->buf + r->pos;
        const unsigned char *nl = memchr(start, r->line_end, r->buf_len - r->pos);
        size_t len = nl ? (size_t)(nl - start) + 1 : r->buf_len - r->pos;
        r->pos += len;
        feed_segment(r, start, len, nl != NULL);
    }
}

static void finish_file(struct reader *r, bool *again)
{
    *again = false;
    if (csv_fini(&r->csv, on_field, on_row_end, r) != 0 && r->status == IMPACT_OK) {
        bool resumes = r->row_next_line_offset != 0;
        recover(r, "unterminated quoted field");
        *again = resumes && r->status == IMPACT_OK;
    }
}

static void read_all(struct reader *r)
{
    bool again = true;
    while (again && wants_more(r)) {
        feed_block(r);
        while (wants_more(r) && read_block(r, r->buf_offset + r->buf_len) && r->buf_len > 0)
            feed_block(r);
        if (wants_more(r))
            finish_file(r, &again);
    }
    if (r->status == IMPACT_OK && !r->have_header)
        ingest_no_header_found(r);
}

/* ---- the whole file ---- */

void ingest_parse_file(struct reader *r)
{
    size_t asked = r->src->block_size;
    r->block = asked == 0 ? BLOCK_SIZE : asked < MIN_BLOCK_SIZE ? MIN_BLOCK_SIZE : asked;
    r->buf = xmalloc(r->block);
    init_parser(r);
    make_room_for_row(r);
    if (read_block(r, 0)) {
        ingest_start_encoding(r);
        csv_set_delim(&r->csv, (unsigned char)r->result->delimiter);
        if (r->status == IMPACT_OK) /* not a row read without its conversion */
            read_all(r);
    }
    csv_free(&r->csv);
    ingest_hand_over_last(r);
}
