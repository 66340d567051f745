/* test_ingest.c — table-driven tests of the ingest stage (stages/ingest.h) against
 * docs/requirements.md "Inputs" (encodings, delimiters, RFC 4180 quoting, CRLF, trailing empty
 * columns, French headers) and the header's contract (rows with their physical line,
 * malformed rows rejected and the rest still read, fatal errors for missing columns).
 *
 * Each case writes its CSV text into a fresh mkdtemp folder, runs ingest_file with a
 * collecting on_row callback and a collecting diag sink (both copy what they keep: texts
 * live only during the callback) and compares with the expected rows and rejects, worked
 * out by hand from the CSV text. Line numbers are physical lines, 1-based, header = line 1;
 * a row's line is its FIRST physical line. Every case also checks that nothing vanished:
 * rows_read == rows delivered + rows_rejected. The reading cases run again with read blocks
 * of a few bytes (ingest_source.block_size), so that every row, quote and CRLF straddles a
 * block boundary somewhere, and ingest_probe must fail exactly as ingest_file on every
 * failing case.
 *
 * Windows-1252 bytes used: é = E9, en dash – = 96, right single quote ’ = 92; their UTF-8
 * forms are C3 A9, E2 80 93 and E2 80 99. A hex escape is closed with "" "" when the next
 * character is a hex digit.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "stages/ingest.h"

#include <openssl/sha.h>

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

static int setup_dir(void **state)
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

static int remove_entry(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
    (void)st, (void)flag, (void)ftw;
    return remove(path);
}

static int teardown_dir(void **state)
{
    struct tmpdir *d = *state;
    int rc = nftw(d->path, remove_entry, 8, FTW_DEPTH | FTW_PHYS);
    free(d);
    return rc;
}

/* Writes `len` bytes into dir/name and puts the full path in `path`. */
static void write_file(const struct tmpdir *d, const char *name, const char *content, size_t len,
                       char *path, size_t cap)
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

static char *dup_or_null(const char *text, size_t len)
{
    return text ? strndup(text, len) : NULL;
}

static void *grow(void *array, size_t *cap, size_t n, size_t elem)
{
    if (n < *cap)
        return array;
    *cap = *cap ? 2 * *cap : 16;
    void *bigger = realloc(array, *cap * elem);
    assert_non_null(bigger);
    return bigger;
}

static void collect_row(void *ctx, const struct raw_row *row)
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

static void collect_reject(void *ctx, const struct reject *rej)
{
    struct collector *c = ctx;
    c->rejects = grow(c->rejects, &c->rejects_cap, c->n_rejects, sizeof *c->rejects);
    c->rejects[c->n_rejects++] =
        (struct got_reject){rej->origin, rej->column, rej->field ? strdup(rej->field) : NULL,
                            strdup(rej->reason ? rej->reason : ""), rej->value != NULL};
}

static void collect_warning(void *ctx, enum warning_kind kind, struct row_origin origin,
                            const char *value)
{
    (void)kind, (void)origin, (void)value;
    ((struct collector *)ctx)->n_warnings++;
}

static void collector_free(struct collector *c)
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

static int run_ingest(const struct ingest_source *src, struct collector *c,
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

/* ---- cases that read ---- */

struct want_row {
    uint32_t line;                  /* 0 ends the list */
    const char *cells[FIELD_COUNT]; /* NULL: the file lacks the field; "" a blank cell */
};

struct want_reject {
    uint32_t line; /* 0 ends the list */
    int column;    /* 0: the whole row */
    const char *field;
    const char *reason; /* a substring of the reason */
};

struct ok_case {
    const char *name;
    const char *content;
    enum input_kind kind;
    enum ingest_encoding encoding; /* declared */
    const struct column_mapping *columns;
    size_t n_columns;
    char want_delimiter;
    enum ingest_encoding want_encoding;
    int want_header_columns;
    struct want_row rows[5];
    struct want_reject rejects[4];
    bool fixed_header; /* with skip_lines: the config's skip_lines */
    unsigned skip_lines;
    unsigned long want_header_line; /* 0: line 1 (an empty file's is 0: want_no_header) */
    bool want_no_header, want_no_data_rows;
};

/* Most cases use the header "date,site,id": session_date, site, participant_id. */
#define R3(l, date, site, id)                                                                      \
    {                                                                                              \
        l,                                                                                         \
        {                                                                                          \
            [FIELD_SESSION_DATE] = date, [FIELD_SITE] = site, [FIELD_PARTICIPANT_ID] = id          \
        }                                                                                          \
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

#define FRENCH_ROW                                                                                 \
    {                                                                                              \
        2,                                                                                         \
        {                                                                                          \
            [FIELD_SESSION_DATE] = "12/03/2019", [FIELD_LAST_NAME] = "Le Goff",                    \
            [FIELD_FIRST_NAME] = "Jean-Marie", [FIELD_BIRTH_DATE] = "12/04/2001",                  \
            [FIELD_SITE] = "Tarascon", [FIELD_STATUS] = "Pr" E_ACUTE_UTF8 "sent"                   \
        }                                                                                          \
    }
#define FRENCH_DATA "12/03/2019;Le Goff;Jean-Marie;12/04/2001;Tarascon;Pr\xC3\xA9sent\n"

/* Windows-1252 export: header "activité", site with an en dash and é, activity with ’. */
#define CP1252_TEXT                                                                                \
    "date;site;activit\xE9;id\n"                                                                   \
    "12/03/2019;Parc Bellevue \x96 F\xE9lix Pyat;Atelier d\x92orientation;P1\n"
#define CP1252_ROW                                                                                 \
    {                                                                                              \
        2,                                                                                         \
        {                                                                                          \
            [FIELD_SESSION_DATE] = "12/03/2019",                                                   \
            [FIELD_SITE] = "Parc Bellevue " ENDASH_UTF8 " F" E_ACUTE_UTF8 "lix Pyat",              \
            [FIELD_ACTIVITY] = "Atelier d" RSQUO_UTF8 "orientation", [FIELD_PARTICIPANT_ID] = "P1" \
        }                                                                                          \
    }

static const struct ok_case ok_cases[] = {
    {.name = "comma",
     .content = "date,site,id\n2019-03-12,Tarascon,P1\n2019-03-13,Les Lauriers,P2\n",
     .want_delimiter = ',',
     .want_encoding = UTF8,
     .want_header_columns = 3,
     .rows = {R3(2, "2019-03-12", "Tarascon", "P1"), R3(3, "2019-03-13", "Les Lauriers", "P2")}},
    {.name = "semicolon, a comma inside a field",
     .content = "date;site;id\n12/03/2019;Parc, Bellevue;P1\n",
     .want_delimiter = ';',
     .want_encoding = UTF8,
     .want_header_columns = 3,
     .rows = {R3(2, "12/03/2019", "Parc, Bellevue", "P1")}},
    {.name = "tab",
     .content = "date\tsite\tid\n2019-03-12\tParc Bellevue\tP1\n",
     .want_delimiter = '\t',
     .want_encoding = UTF8,
     .want_header_columns = 3,
     .rows = {R3(2, "2019-03-12", "Parc Bellevue", "P1")}},
    /* The BOM must not stick to the first header, or "date" would not be recognised. */
    {.name = "UTF-8 with BOM",
     .content = "\xEF\xBB\xBF"
                "date;site;id\n12/03/2019;F\xC3\xA9lix Pyat;P1\n",
     .want_delimiter = ';',
     .want_encoding = UTF8,
     .want_header_columns = 3,
     .rows = {R3(2, "12/03/2019", "F" E_ACUTE_UTF8 "lix Pyat", "P1")}},
    {.name = "Windows-1252 detected",
     .content = CP1252_TEXT,
     .want_delimiter = ';',
     .want_encoding = CP1252,
     .want_header_columns = 4,
     .rows = {CP1252_ROW}},
    {.name = "Windows-1252 declared",
     .content = CP1252_TEXT,
     .encoding = CP1252,
     .want_delimiter = ';',
     .want_encoding = CP1252,
     .want_header_columns = 4,
     .rows = {CP1252_ROW}},
    {.name = "CRLF",
     .content = "date,site,id\r\n2019-03-12,Tarascon,P1\r\n2019-03-13,Tarascon,P2\r\n",
     .want_delimiter = ',',
     .want_encoding = UTF8,
     .want_header_columns = 3,
     .rows = {R3(2, "2019-03-12", "Tarascon", "P1"), R3(3, "2019-03-13", "Tarascon", "P2")}},
    /* Lines: 2-3 the row with an embedded newline, 4 embedded delimiter and doubled quotes,
     * 5 quoted everywhere. */
    {.name = "RFC 4180 quoting",
     .content = "date,site,id\n"
                "2019-03-12,\"Parc\nBellevue\",P1\n"
                "2019-03-13,\"a,b \"\"c\"\"\",P2\n"
                "\"2019-03-14\",\"Tarascon\",\"P3\"\n",
     .want_delimiter = ',',
     .want_encoding = UTF8,
     .want_header_columns = 3,
     .rows = {R3(2, "2019-03-12", "Parc\nBellevue", "P1"), R3(4, "2019-03-13", "a,b \"c\"", "P2"),
              R3(5, "2019-03-14", "Tarascon", "P3")}},
    {.name = "quoted CRLF inside a field of a CRLF file",
     .content = "date,site,id\r\n2019-03-12,\"Parc\r\nBellevue\",P1\r\n2019-03-13,T,P2\r\n",
     .want_delimiter = ',',
     .want_encoding = UTF8,
     .want_header_columns = 3,
     .rows = {R3(2, "2019-03-12", "Parc\r\nBellevue", "P1"), R3(4, "2019-03-13", "T", "P2")}},
    {.name = "trailing empty columns on rows",
     .content = "date,site,id\n2019-03-12,Tarascon,P1,,\n2019-03-13,Tarascon,P2,\n",
     .want_delimiter = ',',
     .want_encoding = UTF8,
     .want_header_columns = 3,
     .rows = {R3(2, "2019-03-12", "Tarascon", "P1"), R3(3, "2019-03-13", "Tarascon", "P2")}},
    /* Blank names ending the header are no columns (issue 14, defect 1). */
    {.name = "trailing empty columns on the header and rows",
     .content = "date;site;id;;\n12/03/2019;Tarascon;P1;;\n",
     .want_delimiter = ';',
     .want_encoding = UTF8,
     .want_header_columns = 3,
     .rows = {R3(2, "12/03/2019", "Tarascon", "P1")}},
    /* A blank cell is "" (length 0), not a missing field (records.h). */
    {.name = "too few and too many fields",
     .content = "date,site,id\n2019-03-12,Tarascon\n2019-03-12,Tarascon,P1,x\n2019-03-12,,P3\n",
     .want_delimiter = ',',
     .want_encoding = UTF8,
     .want_header_columns = 3,
     .rows = {R3(4, "2019-03-12", "", "P3")},
     /* the column at fault: the first missing one, the first with a value past the header */
     .rejects = {{2, 3, "participant_id", "expected 3 fields as in the header, found 2"},
                 {3, 4, NULL, "a value in column 4, past the header's 3 columns"}}},
    /* Issue 14, defect 1: a header `…,id,` (a delimiter ending the header line only) named 4
     * columns, so the good rows of 3 fields were rejected and line 4's value in the unnamed
     * 4th field accepted. Now: 3 columns; rows 2 and 3 accepted, line 4 rejected at column
     * 4, line 5 (too short) at column 3. */
    {.name = "a delimiter ending the header line only",
     .content = "date,site,id,\n2019-03-12,Tarascon,P1\n2019-03-13,Tarascon,P2,\n"
                "2019-03-14,Tarascon,P3,x\n2019-03-15,Tarascon\n",
     .want_delimiter = ',',
     .want_encoding = UTF8,
     .want_header_columns = 3,
     .rows = {R3(2, "2019-03-12", "Tarascon", "P1"), R3(3, "2019-03-13", "Tarascon", "P2")},
     .rejects = {{4, 4, NULL, "past the header's 3 columns"},
                 {5, 3, "participant_id", "expected 3 fields as in the header, found 2"}}},
    /* Several delimiters ending the header, and rows ending with none, as many, more, or
     * blanks only: every row accepted; a value in the 9th field rejects line 6 there. */
    {.name = "several empty fields ending the lines",
     .content = "date;site;id;;;\n12/03/2019;Tarascon;P1\n12/03/2019;Tarascon;P2;;;\n"
                "12/03/2019;Tarascon;P3;;;;;;;;\n12/03/2019;Tarascon;P4; ;\n"
                "12/03/2019;Tarascon;P5;;;;;;x\n",
     .want_delimiter = ';',
     .want_encoding = UTF8,
     .want_header_columns = 3,
     .rows = {R3(2, "12/03/2019", "Tarascon", "P1"), R3(3, "12/03/2019", "Tarascon", "P2"),
              R3(4, "12/03/2019", "Tarascon", "P3"), R3(5, "12/03/2019", "Tarascon", "P4")},
     .rejects = {{6, 9, NULL, "a value in column 9, past the header's 3 columns"}}},
    /* A blank name between named columns is a column, ignored like an unknown header. */
    {.name = "a blank header between named columns",
     .content = "date;;site;id\n12/03/2019;note;Tarascon;P1\n12/03/2019;;Tarascon;P2\n",
     .want_delimiter = ';',
     .want_encoding = UTF8,
     .want_header_columns = 4,
     .rows = {R3(2, "12/03/2019", "Tarascon", "P1"), R3(3, "12/03/2019", "Tarascon", "P2")}},
    /* Issue 14, defect 8: two title lines above the header, as a spreadsheet saves them (a
     * delimiter ending every line, the blank line as delimiters only). The header is found
     * on line 3; rows keep their physical lines. */
    {.name = "a title and a blank line above the header",
     .content = "Feuille d'\xC3\xA9margement " ENDASH_UTF8 " Atelier CV;;;\r\n;;;\r\n"
                "Date;Quartier;ID;\r\n12/03/2019;Tarascon;P1;\r\n13/03/2019;Tarascon;P2;\r\n",
     .want_delimiter = ';',
     .want_encoding = UTF8,
     .want_header_columns = 3,
     .want_header_line = 3,
     .rows = {R3(4, "12/03/2019", "Tarascon", "P1"), R3(5, "13/03/2019", "Tarascon", "P2")}},
    /* A title with commas and no semicolon, a stray quote, and a blank line: the delimiter
     * is the header's (the most on one line), and the quote costs nothing. */
    {.name = "a title of another shape above the header",
     .content = "Export du 12/03/2019, atelier CV, Tarascon\nListe \"provisoire\n\n"
                "date;site;id\n12/03/2019;Tarascon;P1\n",
     .want_delimiter = ';',
     .want_encoding = UTF8,
     .want_header_columns = 3,
     .want_header_line = 4,
     .rows = {R3(5, "12/03/2019", "Tarascon", "P1")}},
    /* skip_lines: the lines skipped are not parsed (an open quote there does not matter)
     * and the header must be the next row. */
    {.name = "skip_lines",
     .content = "Titre \"ouvert\nsous-titre;;;;;;\ndate,site,id\n2019-03-12,Tarascon,P1\n",
     .fixed_header = true,
     .skip_lines = 2,
     .want_delimiter = ',',
     .want_encoding = UTF8,
     .want_header_columns = 3,
     .want_header_line = 3,
     .rows = {R3(4, "2019-03-12", "Tarascon", "P1")}},
    /* Issue 14, defect 7: an outcome file without any row is a warning, not an error (a
     * programme may have no follow-up yet). */
    {.name = "outcome export, header only",
     .content = "Identifiant;Date;Situation\r\n",
     .kind = INPUT_OUTCOME,
     .want_delimiter = ';',
     .want_encoding = UTF8,
     .want_header_columns = 3,
     .want_no_data_rows = true},
    {.name = "outcome export, empty",
     .content = "",
     .kind = INPUT_OUTCOME,
     .want_delimiter = ',',
     .want_encoding = UTF8,
     .want_no_header = true,
     .want_no_data_rows = true},
    /* Line 3 has a quote inside an unquoted field (column 2, site), line 4 text after a
     * closing quote (column 1, session_date); lines 5 and 6 are read as usual. */
    {.name = "malformed quoting",
     .content = "date,site,id\n2019-03-12,a,P1\n2019-03-12,b\"c,P2\n\"2019-03-12\"x,d,P3\n"
                "2019-03-13,e,P4\n2019-03-14,f,P5\n",
     .want_delimiter = ',',
     .want_encoding = UTF8,
     .want_header_columns = 3,
     .rows = {R3(2, "2019-03-12", "a", "P1"), R3(5, "2019-03-13", "e", "P4"),
              R3(6, "2019-03-14", "f", "P5")},
     .rejects = {{3, 2, "site", "quot"}, {4, 1, "session_date", "quot"}}},
    /* The quote opened on line 3 never closes: line 3 is rejected (column 2, the field that
     * opened it) and reading resumes at line 4. */
    {.name = "unterminated quote, rows after it recovered",
     .content = "date,site,id\n2019-03-12,a,P1\n2019-03-12,\"b,P2\n2019-03-13,c,P3\n"
                "2019-03-14,d,P4\n",
     .want_delimiter = ',',
     .want_encoding = UTF8,
     .want_header_columns = 3,
     .rows = {R3(2, "2019-03-12", "a", "P1"), R3(4, "2019-03-13", "c", "P3"),
              R3(5, "2019-03-14", "d", "P4")},
     .rejects = {{3, 2, "site", "unterminated"}}},
    /* The open quote of line 3 meets the quotes of line 4: the parse fails on line 4, line
     * 3 is rejected and line 4 read again as a row of its own. */
    {.name = "unterminated quote, a quoted field after it",
     .content = "date,site,id\n2019-03-12,a,P1\n2019-03-12,\"b,P2\n2019-03-13,\"c\",P3\n",
     .want_delimiter = ',',
     .want_encoding = UTF8,
     .want_header_columns = 3,
     .rows = {R3(2, "2019-03-12", "a", "P1"), R3(4, "2019-03-13", "c", "P3")},
     .rejects = {{3, 2, "site", ""}}},
    {.name = "unterminated quote on the last line, no final newline",
     .content = "date,site,id\n2019-03-12,a,P1\n2019-03-12,b,\"P2",
     .want_delimiter = ',',
     .want_encoding = UTF8,
     .want_header_columns = 3,
     .rows = {R3(2, "2019-03-12", "a", "P1")},
     .rejects = {{3, 3, "participant_id", "unterminated"}}},
    {.name = "invalid UTF-8 in a file declared UTF-8",
     .content = "date,site,id\n2019-03-12,F\xE9lix Pyat,P1\n2019-03-13,Tarascon,P2\n",
     .encoding = UTF8,
     .want_delimiter = ',',
     .want_encoding = UTF8,
     .want_header_columns = 3,
     .rows = {R3(3, "2019-03-13", "Tarascon", "P2")},
     .rejects = {{2, 2, "site", "UTF-8"}}},
    /* ingest remembers the last site that passed the UTF-8 check (rows of a session repeat
     * it): a site of the same length differing in one byte, or an invalid one in between,
     * is still checked. */
    {.name = "a checked site repeated, then one byte off",
     .content = "date,site,id\n2019-03-12,F\xC3\xA9lix,P1\n2019-03-12,F\xC3\xA9lix,P2\n"
                "2019-03-12,F\xC3\xA9li\xE9,P3\n2019-03-12,F\xC3\xA9lix,P4\n"
                "2019-03-12,F\xC3\xA9lix\xC3,P5\n",
     .encoding = UTF8,
     .want_delimiter = ',',
     .want_encoding = UTF8,
     .want_header_columns = 3,
     .rows = {R3(2, "2019-03-12", "F\xC3\xA9lix", "P1"), R3(3, "2019-03-12", "F\xC3\xA9lix", "P2"),
              R3(5, "2019-03-12", "F\xC3\xA9lix", "P4")},
     .rejects = {{4, 2, "site", "UTF-8"}, {6, 2, "site", "UTF-8"}}},
    {.name = "empty rows",
     .content = "date;site;id\n;;\n12/03/2019;Tarascon;P1\n ; ; \n",
     .want_delimiter = ';',
     .want_encoding = UTF8,
     .want_header_columns = 3,
     .rows = {R3(3, "12/03/2019", "Tarascon", "P1")},
     .rejects = {{2, 0, NULL, "empty row"}, {4, 0, NULL, "empty row"}}},
    /* Lines 2, 4, 5 and 7 are blank (LF, CRLF, spaces only): not rows, but still lines. */
    {.name = "blank lines",
     .content = "date,site,id\n\n2019-03-12,Tarascon,P1\n\r\n   \n2019-03-13,Tarascon,P2\n\n",
     .want_delimiter = ',',
     .want_encoding = UTF8,
     .want_header_columns = 3,
     .rows = {R3(3, "2019-03-12", "Tarascon", "P1"), R3(6, "2019-03-13", "Tarascon", "P2")}},
    {.name = "no newline at the end",
     .content = "date,site,id\n2019-03-12,Tarascon,P1\n2019-03-13,Tarascon,P2",
     .want_delimiter = ',',
     .want_encoding = UTF8,
     .want_header_columns = 3,
     .rows = {R3(2, "2019-03-12", "Tarascon", "P1"), R3(3, "2019-03-13", "Tarascon", "P2")}},
    {.name = "French headers",
     .content = "Date de la s\xC3\xA9"
                "ance;Nom;Pr\xC3\xA9nom;Date de naissance;Quartier;Pr\xC3\xA9sence\n" FRENCH_DATA,
     .want_delimiter = ';',
     .want_encoding = UTF8,
     .want_header_columns = 6,
     .rows = {FRENCH_ROW}},
    {.name = "French headers, upper case without accents",
     .content = "DATE DE LA SEANCE;NOM;PRENOM;DATE DE NAISSANCE;QUARTIER;PRESENCE\n" FRENCH_DATA,
     .want_delimiter = ';',
     .want_encoding = UTF8,
     .want_header_columns = 6,
     .rows = {FRENCH_ROW}},
    {.name = "French headers, odd case and spacing",
     .content = "date de la  S\xC3\x89"
                "ANCE;nom;PR\xC3\x89NOM; Date De Naissance ;quartier;pr\xC3\xA9sence\n" FRENCH_DATA,
     .want_delimiter = ';',
     .want_encoding = UTF8,
     .want_header_columns = 6,
     .rows = {FRENCH_ROW}},
    /* Without the config, "ID" is participant_id and would clash with "Code jeune". */
    {.name = "config column mapping overrides the built-in names",
     .content = "Date;Lieu de l'atelier;ID;Code jeune\n12/03/2019;Tarascon;S12;P1\n",
     .columns = override_columns,
     .n_columns = sizeof override_columns / sizeof override_columns[0],
     .want_delimiter = ';',
     .want_encoding = UTF8,
     .want_header_columns = 4,
     .rows = {{2,
               {[FIELD_SESSION_DATE] = "12/03/2019",
                [FIELD_SITE] = "Tarascon",
                [FIELD_SESSION_ID] = "S12",
                [FIELD_PARTICIPANT_ID] = "P1"}}}},
    /* For an outcome export "Date" is observed_on (not session_date). */
    {.name = "outcome export",
     .content = "Identifiant;Date;Situation\nP1;15/06/2019;CDI\n",
     .kind = INPUT_OUTCOME,
     .want_delimiter = ';',
     .want_encoding = UTF8,
     .want_header_columns = 3,
     .rows = {{2,
               {[FIELD_PARTICIPANT_ID] = "P1",
                [FIELD_OBSERVED_ON] = "15/06/2019",
                [FIELD_SITUATION] = "CDI"}}}},
};

static size_t count_rows(const struct want_row *rows, size_t cap)
{
    size_t n = 0;
    while (n < cap && rows[n].line != 0)
        n++;
    return n;
}

static size_t count_rejects(const struct want_reject *rejects, size_t cap)
{
    size_t n = 0;
    while (n < cap && rejects[n].line != 0)
        n++;
    return n;
}

static void check_row(const char *name, size_t i, const struct got_row *got,
                      const struct want_row *want)
{
    if (got->origin.line != want->line)
        fail_msg("%s: row %zu on line %u, expected line %u", name, i, got->origin.line, want->line);
    for (int f = 0; f < FIELD_COUNT; f++) {
        const char *g = got->cells[f], *w = want->cells[f];
        if ((g == NULL) != (w == NULL) || (g && strcmp(g, w) != 0))
            fail_msg("%s: row %zu field %s is \"%s\", expected \"%s\"", name, i,
                     record_field_names[f], g ? g : "(absent)", w ? w : "(absent)");
    }
}

static void check_reject(const char *name, size_t i, const struct got_reject *got,
                         const struct want_reject *want)
{
    if (got->origin.line != want->line || got->column != want->column)
        fail_msg("%s: reject %zu at line %u column %d, expected line %u column %d", name, i,
                 got->origin.line, got->column, want->line, want->column);
    if ((got->field == NULL) != (want->field == NULL) ||
        (got->field && strcmp(got->field, want->field) != 0))
        fail_msg("%s: reject %zu names field %s, expected %s", name, i,
                 got->field ? got->field : "(none)", want->field ? want->field : "(none)");
    if (!strstr(got->reason, want->reason) || got->reason[0] == '\0')
        fail_msg("%s: reject %zu reason \"%s\" lacks \"%s\"", name, i, got->reason, want->reason);
    assert_false(got->has_value); /* ingest never shows a cell: it may identify someone */
}

/* block_size 0 reads as in production; a small one declares the encoding and delimiter,
 * since detection looks at the first block only. */
static void run_ok_case(const struct tmpdir *d, const struct ok_case *oc, size_t block_size)
{
    char path[256];
    write_file(d, "in.csv", oc->content, strlen(oc->content), path, sizeof path);
    struct ingest_source src = {.path = path,
                                .file_index = 3,
                                .kind = oc->kind,
                                .encoding = block_size ? oc->want_encoding : oc->encoding,
                                .delimiter = block_size ? oc->want_delimiter : 0,
                                .n_columns = oc->n_columns,
                                .columns = oc->columns,
                                .block_size = block_size,
                                .fixed_header = oc->fixed_header,
                                .skip_lines = oc->skip_lines};
    struct collector c = {0};
    struct ingest_result res;
    struct impact_error err;
    int status = run_ingest(&src, &c, &res, &err);
    if (status != IMPACT_OK)
        fail_msg("%s (block %zu): failed: %s (line %ld column %ld)", oc->name, block_size,
                 err.message, err.line, err.column);
    if (res.delimiter != oc->want_delimiter || res.encoding != oc->want_encoding)
        fail_msg("%s: delimiter '%c' encoding %s, expected '%c' %s", oc->name, res.delimiter,
                 ingest_encoding_name(res.encoding), oc->want_delimiter,
                 ingest_encoding_name(oc->want_encoding));
    assert_int_equal(res.n_header_columns, oc->want_header_columns);
    assert_int_equal(res.bytes, strlen(oc->content));
    unsigned long want_line = oc->want_no_header     ? 0
                              : oc->want_header_line ? oc->want_header_line
                                                     : 1;
    if (res.header_line != want_line || res.no_data_rows != oc->want_no_data_rows)
        fail_msg("%s (block %zu): header on line %lu, no_data_rows %d; expected %lu, %d", oc->name,
                 block_size, res.header_line, res.no_data_rows, want_line, oc->want_no_data_rows);
    size_t n_rows = count_rows(oc->rows, sizeof oc->rows / sizeof oc->rows[0]);
    size_t n_rejects = count_rejects(oc->rejects, sizeof oc->rejects / sizeof oc->rejects[0]);
    if (c.n_rows != n_rows || c.n_rejects != n_rejects)
        fail_msg("%s (block %zu): %zu rows and %zu rejects, expected %zu and %zu", oc->name,
                 block_size, c.n_rows, c.n_rejects, n_rows, n_rejects);
    for (size_t i = 0; i < n_rows; i++) {
        check_row(oc->name, i, &c.rows[i], &oc->rows[i]);
        assert_int_equal(c.rows[i].origin.file, 3);
    }
    for (size_t i = 0; i < n_rejects; i++) {
        check_reject(oc->name, i, &c.rejects[i], &oc->rejects[i]);
        assert_int_equal(c.rejects[i].origin.file, 3);
    }
    collector_free(&c);
}

static void test_reading_cases(void **state)
{
    for (size_t i = 0; i < sizeof ok_cases / sizeof ok_cases[0]; i++)
        run_ok_case(*state, &ok_cases[i], 0);
}

/* The same cases read 4, 5 and 7 bytes at a time: every boundary falls somewhere inside a
 * quote, a CRLF, a multi-byte character or a line of blanks. */
static void test_reading_cases_small_blocks(void **state)
{
    static const size_t blocks[] = {4, 5, 7};
    for (size_t b = 0; b < sizeof blocks / sizeof blocks[0]; b++)
        for (size_t i = 0; i < sizeof ok_cases / sizeof ok_cases[0]; i++)
            run_ok_case(*state, &ok_cases[i], blocks[b]);
}

/* raw_field.column is the 1-based column in the file; unknown headers are ignored. */
static void test_field_columns(void **state)
{
    static const char text[] = "id;remarque;date;site\nP1;rien;12/03/2019;Tarascon\n";
    char path[256];
    write_file(*state, "cols.csv", text, strlen(text), path, sizeof path);
    struct ingest_source src = {.path = path, .kind = INPUT_ATTENDANCE};
    struct collector c = {0};
    struct ingest_result res;
    struct impact_error err;
    assert_int_equal(run_ingest(&src, &c, &res, &err), IMPACT_OK);
    assert_int_equal(c.n_rows, 1);
    assert_int_equal(c.rows[0].columns[FIELD_PARTICIPANT_ID], 1);
    assert_int_equal(c.rows[0].columns[FIELD_SESSION_DATE], 3);
    assert_int_equal(c.rows[0].columns[FIELD_SITE], 4);
    assert_null(c.rows[0].cells[FIELD_ACTIVITY]);
    collector_free(&c);
}

/* A NUL byte (UTF-16 exports are full of them) would cut a text short wherever it is used
 * as a C string, so its row is rejected like invalid UTF-8. Found by fuzz_ingest: a NUL in
 * a last name gave a name key without '|', and the probable-duplicate search crashed. */
static void test_nul_byte(void **state)
{
    static const char text[] = "date,site,id\n2019-03-12,Tar\0ascon,P1\n2019-03-13,Tarascon,P2\n";
    char path[256];
    write_file(*state, "nul.csv", text, sizeof text - 1, path, sizeof path);
    struct ingest_source src = {.path = path, .kind = INPUT_ATTENDANCE};
    struct collector c = {0};
    struct ingest_result res;
    struct impact_error err;
    assert_int_equal(run_ingest(&src, &c, &res, &err), IMPACT_OK);
    assert_int_equal(c.n_rows, 1);
    assert_int_equal(c.rows[0].origin.line, 3);
    assert_int_equal(c.n_rejects, 1);
    check_reject("NUL byte", 0, &c.rejects[0],
                 &(struct want_reject){2, 2, "site", "NUL byte at byte 4"});
    collector_free(&c);
}

/* ingest copies a field eight, four or one byte at a time depending on its length, and
 * tests the copied words for high bits and zero bytes: every length from 1 to 19, clean
 * (copied exactly), and with a bad byte (0xFF, or NUL) at each position (rejected, naming
 * that byte). The expected texts and positions are built here byte by byte. */
static void test_field_lengths(void **state)
{
    enum { MAX_LEN = 19 };
    size_t cap = 1 << 16, len = 0;
    char *content = malloc(cap);
    assert_non_null(content);
    len += (size_t)snprintf(content, cap, "date,site,id\n");
    for (int k = 1; k <= MAX_LEN; k++) {
        len += (size_t)snprintf(content + len, cap - len, "2019-03-12,");
        for (int i = 0; i < k; i++)
            content[len++] = (char)('a' + i);
        len += (size_t)snprintf(content + len, cap - len, ",P%d\n", k);
        for (int p = 0; p < k; p++)
            for (int bad = 0; bad < 2; bad++) {
                len += (size_t)snprintf(content + len, cap - len, "2019-03-12,");
                for (int i = 0; i < k; i++)
                    content[len++] = i == p ? (bad ? '\0' : '\xFF') : 'a';
                len += (size_t)snprintf(content + len, cap - len, ",X\n");
            }
    }
    char path[256];
    write_file(*state, "lengths.csv", content, len, path, sizeof path);
    /* declared: so many 0xFF bytes would otherwise make it a Windows-1252 file */
    struct ingest_source src = {
        .path = path, .kind = INPUT_ATTENDANCE, .encoding = INGEST_ENCODING_UTF8};
    struct collector c = {0};
    struct ingest_result res;
    struct impact_error err;
    assert_int_equal(run_ingest(&src, &c, &res, &err), IMPACT_OK);
    assert_int_equal(c.n_rows, MAX_LEN);
    assert_int_equal(c.n_rejects, MAX_LEN * (MAX_LEN + 1)); /* 2 per position */
    size_t r = 0;
    for (int k = 1; k <= MAX_LEN; k++) {
        char want[MAX_LEN + 1];
        for (int i = 0; i < k; i++)
            want[i] = (char)('a' + i);
        want[k] = '\0';
        assert_string_equal(c.rows[k - 1].cells[FIELD_SITE], want);
        for (int p = 0; p < k; p++, r += 2) {
            char where[48];
            snprintf(where, sizeof where, "byte %d of the field", p + 1);
            assert_int_equal(c.rejects[r].column, 2);
            assert_non_null(strstr(c.rejects[r].reason, "invalid UTF-8"));
            assert_non_null(strstr(c.rejects[r].reason, where));
            assert_non_null(strstr(c.rejects[r + 1].reason, "NUL byte"));
            assert_non_null(strstr(c.rejects[r + 1].reason, where));
        }
    }
    collector_free(&c);
    free(content);
}

/* ---- cases that stop the file ---- */

struct fail_case {
    const char *name;
    const char *content;
    enum input_kind kind;
    const struct column_mapping *columns;
    size_t n_columns;
    long want_line, want_column;
    const char *want[5]; /* substrings of the message */
    const char *never;   /* a text the message must not hold (a person's cell) */
    bool fixed_header;
    unsigned skip_lines;
};

static const struct column_mapping second_id_column[] = {{"code", FIELD_PARTICIPANT_ID}};

static const struct fail_case fail_cases[] = {
    {.name = "missing site",
     .content = "date,activite,id\n2019-03-12,CV,P1\n",
     .want_line = 1,
     /* the recognised columns are listed, never the cells themselves (a headerless file's
      * first row is a person's) */
     .want = {"missing required column site",
              "column 1 = session_date, column 2 = activity, column 3 = participant_id"}},
    {.name = "no identity columns",
     .content = "date;site;nom\n12/03/2019;Tarascon;Martin\n",
     .want_line = 1,
     .want = {"participant_id", "column 1 = session_date, column 2 = site, column 3 = last_name"}},
    {.name = "outcome without situation",
     .content = "id;date\nP1;15/06/2019\n",
     .kind = INPUT_OUTCOME,
     .want_line = 1,
     .want = {"situation", "column 1 = participant_id, column 2 = observed_on"}},
    {.name = "two columns map to last_name",
     .content = "date,site,nom,last_name,prenom,birth_date\n",
     .want_line = 1,
     .want_column = 4,
     .want = {"last_name", "columns 3 and 4"}},
    {.name = "a config column maps to a field a built-in header holds",
     .content = "date,site,id,code\n",
     .columns = second_id_column,
     .n_columns = 1,
     .want_line = 1,
     .want_column = 4,
     .want = {"participant_id", "columns 3 and 4"}},
    /* A quote error after the header failed is not a reject of its own (found by fuzz_ingest:
     * with the whole line in one read block it was counted, with small blocks not). */
    {.name = "a parse error after a bad header",
     .content = "nom\rx\"y\n",
     .want_line = 1,
     .want = {"missing required columns session_date", "found: column 1 = last_name"}},
    /* Issue 14, defect 8: every problem of the header in one message, each missing field
     * with the header that may be meant for it, each header not recognised with the nearest
     * known name (before: the first missing field only, and "3 columns not recognised"). */
    {.name = "every header problem at once",
     .content = "Date seances;Lieux;ID;Statu;Commentaire\n12/03/2019;Tarascon;P1;P;\n",
     .want_line = 1,
     .want = {"missing required columns session_date (is it \"Date seances\", column 1?), site "
              "(is it \"Lieux\", column 2?)",
              "headers not recognised: \"Date seances\" (did you mean \"Date séance\"?), "
              "\"Lieux\" (did you mean \"Lieu\"?), \"Statu\" (did you mean \"status\"?), "
              "\"Commentaire\"",
              "found: column 3 = participant_id", "map them in the config's \"columns\""}},
    /* The config's names are suggested too. */
    {.name = "a header near a config name",
     .content = "date;site;code jeunes\n12/03/2019;Tarascon;P1\n",
     .columns = override_columns,
     .n_columns = sizeof override_columns / sizeof override_columns[0],
     .want_line = 1,
     .want = {"participant_id (or last_name, first_name and birth_date) (is it \"code jeunes\", "
              "column 3?)",
              "\"code jeunes\" (did you mean \"code jeune\"?)"}},
    /* No header row at all: the first row is a person's, and no cell of it is quoted. */
    {.name = "no header row",
     .content = "12/03/2019;Tarascon;Martin;Lucas;30/09/2000\n12/03/2019;Tarascon;Benali;Yasmine;"
                "12/04/2001\n",
     .want_line = 1,
     .want = {"the row read as the header holds dates, so it is data, not a header (is the "
              "header row missing",
              "the header was looked for in the first 2 rows"},
     .never = "Martin"},
    /* No header row, and one cell of the first row is a known header ("Atelier" as the
     * activity, found by the second reader): the row holds dates, so none of it is quoted. */
    {.name = "no header row, a cell like a header",
     .content = "10/02/2019;Tarascon;Atelier;P01;Dupont;Marie;12/04/2001\n"
                "11/02/2019;Tarascon;Atelier;P02;Durand;Léa;13/05/2002\n",
     .want_line = 1,
     .want = {"the row read as the header holds dates, so it is data, not a header"},
     .never = "Dupont"},
    {.name = "skip_lines one too many",
     .content = "date;site;activity;id;nom;prénom;né le\n"
                "10/02/2019;Tarascon;Action;P01;Dupont;Marie;12/04/2001\n",
     .fixed_header = true,
     .skip_lines = 1,
     .want_line = 2,
     .want = {"so it is data, not a header (is the header row missing, or skip_lines too large?)"},
     .never = "12/04/2001"},
    /* Data rows under a mistyped header, then a right header (second reader): the rows
     * above the header found are data, not a title: an error at the first of them. */
    {.name = "data rows above the header found",
     .content = "session_date;Lieux;participant_id\n10/02/2019;Tarascon;P01\n"
                "11/02/2019;Tarascon;P02\nsession_date;site;participant_id\n"
                "12/02/2019;Tarascon;P03\n",
     .want_line = 2,
     .want = {"this line, above the header found on line 4, looks like a data row"}},
    /* A header below the first ten rows is not looked for: the message names the best
     * guess (line 11, two columns recognised) and says what to do. */
    {.name = "a header too far down",
     .content = "a\nb\nc\nd\ne\nf\ng\nh\ni\nj\ndate;site;nom\n12/03/2019;T;Martin\n",
     .want_line = 1,
     .want = {"the header was looked for in the first 10 rows", "set skip_lines"}},
    {.name = "skip_lines past the header",
     .content = "date,site,id\n2019-03-12,T,P1\n",
     .fixed_header = true,
     .skip_lines = 1,
     .want_line = 2,
     .want = {"missing required columns"}},
    {.name = "skip_lines past the end",
     .content = "date,site,id\n",
     .fixed_header = true,
     .skip_lines = 3,
     .want = {"no header row below the 3 lines that skip_lines skips"}},
    /* Issue 14, defect 7: an attendance file with a header and no row gave figures of zero
     * and exit 0. */
    {.name = "attendance header only",
     .content = "date,site,id\n",
     .want_line = 1,
     .want = {"the file has a header but no data row"}},
    {.name = "attendance header only, no newline, below a title",
     .content = "Atelier CV;;\ndate;site;id",
     .want_line = 2,
     .want = {"the file has a header but no data row"}},
    {.name = "empty file", .content = "", .want = {"empty"}},
    {.name = "blank lines only", .content = "\n\r\n\n", .want = {"empty"}},
};

static void check_failure(const char *name, const char *path, int status,
                          const struct impact_error *err, const struct fail_case *want)
{
    if (status != IMPACT_FAIL)
        fail_msg("%s: expected IMPACT_FAIL", name);
    assert_non_null(err->stage);
    assert_string_equal(err->stage, "ingest");
    assert_string_equal(err->file, path);
    for (int i = 0; i < 5 && want->want[i]; i++)
        if (!strstr(err->message, want->want[i]))
            fail_msg("%s: message \"%s\" lacks \"%s\"", name, err->message, want->want[i]);
    if (want->never && strstr(err->message, want->never))
        fail_msg("%s: message \"%s\" shows \"%s\"", name, err->message, want->never);
    if (err->line != want->want_line || err->column != want->want_column)
        fail_msg("%s: error at %ld:%ld, expected %ld:%ld", name, err->line, err->column,
                 want->want_line, want->want_column);
}

static void run_fail(const struct ingest_source *src, const struct fail_case *fc)
{
    struct collector c = {0};
    struct ingest_result res;
    struct impact_error err;
    int status = run_ingest(src, &c, &res, &err);
    check_failure(fc->name, src->path, status, &err, fc);
    assert_int_equal(c.n_rows, 0);
    assert_int_equal(c.n_rejects, 0); /* a file that fails reports its error, not rows */
    collector_free(&c);
}

static void test_failing_cases(void **state)
{
    for (size_t i = 0; i < sizeof fail_cases / sizeof fail_cases[0]; i++) {
        const struct fail_case *fc = &fail_cases[i];
        char path[256];
        write_file(*state, "bad.csv", fc->content, strlen(fc->content), path, sizeof path);
        struct ingest_source src = {.path = path,
                                    .kind = fc->kind,
                                    .n_columns = fc->n_columns,
                                    .columns = fc->columns,
                                    .fixed_header = fc->fixed_header,
                                    .skip_lines = fc->skip_lines};
        run_fail(&src, fc);
    }
}

static void test_directory_and_missing_file(void **state)
{
    const struct tmpdir *d = *state;
    char missing[256];
    snprintf(missing, sizeof missing, "%s/no-such-file.csv", d->path);
    struct ingest_source src = {.path = d->path};
    run_fail(&src, &(struct fail_case){.name = "directory", .want = {"directory"}});
    src.path = missing;
    run_fail(&src, &(struct fail_case){.name = "missing file", .want = {"cannot open"}});
}

/* A header of many long unknown names: the message lists what fits, says how many more
 * there are, and still ends with what to do (not cut short). */
static void test_long_header_message(void **state)
{
    char content[8192];
    size_t len = (size_t)snprintf(content, sizeof content, "date");
    for (int i = 0; i < 80; i++)
        len += (size_t)snprintf(content + len, sizeof content - len, ";an unknown header number %d",
                                i);
    snprintf(content + len, sizeof content - len, "\n12/03/2019\n");
    char path[256];
    write_file(*state, "long.csv", content, strlen(content), path, sizeof path);
    struct ingest_source src = {.path = path};
    struct collector c = {0};
    struct ingest_result res;
    struct impact_error err;
    assert_int_equal(run_ingest(&src, &c, &res, &err), IMPACT_FAIL);
    size_t n = strlen(err.message);
    assert_true(n < IMPACT_MSG_MAX - 1);
    const char *end = "rename the headers or map them in the config's \"columns\"";
    assert_true(n > strlen(end) && strcmp(err.message + n - strlen(end), end) == 0);
    assert_non_null(strstr(err.message, "missing required columns site, participant_id"));
    assert_non_null(strstr(err.message, "\"an unknown header number 0\", "));
    assert_non_null(strstr(err.message, " more; found: column 1 = session_date"));
    collector_free(&c);
}

/* ---- the header probe ---- */

/* The probe stops on the same header errors, at the same line and column, as ingest_file. */
static void test_probe_failing_cases(void **state)
{
    for (size_t i = 0; i < sizeof fail_cases / sizeof fail_cases[0]; i++) {
        const struct fail_case *fc = &fail_cases[i];
        char path[256];
        write_file(*state, "bad.csv", fc->content, strlen(fc->content), path, sizeof path);
        struct ingest_source src = {.path = path,
                                    .kind = fc->kind,
                                    .n_columns = fc->n_columns,
                                    .columns = fc->columns,
                                    .fixed_header = fc->fixed_header,
                                    .skip_lines = fc->skip_lines};
        struct ingest_result res;
        struct impact_error err = {0};
        check_failure(fc->name, path, ingest_probe(&src, &res, &err), &err, fc);
    }
    const struct tmpdir *d = *state;
    struct ingest_source dir = {.path = d->path};
    struct ingest_result res;
    struct impact_error err = {0};
    check_failure("probe a directory", d->path, ingest_probe(&dir, &res, &err), &err,
                  &(struct fail_case){.name = "directory", .want = {"directory"}});
}

struct probe_case {
    const char *name;
    const char *content;
    size_t block_size;
    char want_delimiter;
    enum ingest_encoding want_encoding;
    int want_header_columns;
};

/* Rows after the header are never parsed: the fourth case's would be rejected (unterminated
 * quote, wrong width), yet the probe reads no row and rejects nothing. */
static const struct probe_case probe_cases[] = {
    {"header then rows", "date;site;id\n12/03/2019;Tarascon;P1\n", 0, ';', UTF8, 3},
    {"Windows-1252", CP1252_TEXT, 0, ';', CP1252, 4},
    {"BOM and tab",
     "\xEF\xBB\xBF"
     "date\tsite\tid\n2019-03-12\tT\tP1\n",
     0, '\t', UTF8, 3},
    {"bad rows after the header", "date,site,id\n2019-03-12,\"b,P2\n1,2\n", 0, ',', UTF8, 3},
    {"a row, no newline", "date,site,id\n2019-03-12,T,P1", 0, ',', UTF8, 3},
    /* the header's quoted line break and the CRLFs straddle 4-byte blocks; the config maps
     * "si te" (a line break folds to a space) */
    {"quoted header in small blocks", "\"date\",\"si\r\nte\",id\r\n2019-03-12,T,P1\r\n", 4, ',',
     UTF8, 3},
};

static void test_probe_reads_the_header_only(void **state)
{
    static const struct column_mapping site[] = {{"si te", FIELD_SITE}};
    for (size_t i = 0; i < sizeof probe_cases / sizeof probe_cases[0]; i++) {
        const struct probe_case *pc = &probe_cases[i];
        char path[256];
        write_file(*state, "probe.csv", pc->content, strlen(pc->content), path, sizeof path);
        struct ingest_source src = {.path = path,
                                    .columns = site,
                                    .n_columns = 1,
                                    .delimiter = pc->block_size ? pc->want_delimiter : 0,
                                    .block_size = pc->block_size};
        struct ingest_result res;
        struct impact_error err = {0};
        if (ingest_probe(&src, &res, &err) != IMPACT_OK)
            fail_msg("%s: failed: %s", pc->name, err.message);
        if (res.delimiter != pc->want_delimiter || res.encoding != pc->want_encoding ||
            res.n_header_columns != pc->want_header_columns)
            fail_msg("%s: delimiter '%c' encoding %s, %d columns", pc->name, res.delimiter,
                     ingest_encoding_name(res.encoding), res.n_header_columns);
        assert_int_equal(res.rows_read, 0);
        assert_int_equal(res.rows_rejected, 0);
        assert_int_equal(res.bytes, strlen(pc->content));
    }
}

/* ---- SHA-256 (the fingerprint) ---- */

/* Hex SHA-256 of a file read through ingest_file with the fingerprint attached, so that the
 * ingest threads take steps of it while they wait, and finished afterwards. */
static void fingerprint_through_ingest(const char *path, size_t block_size, char hex[65])
{
    struct fingerprint *fp = fingerprint_open(path);
    struct ingest_source src = {.path = path, .block_size = block_size, .fingerprint = fp};
    struct collector c = {0};
    struct ingest_result res;
    struct impact_error err;
    assert_int_equal(run_ingest(&src, &c, &res, &err), IMPACT_OK);
    if (fingerprint_finish(fp, hex, &err) != IMPACT_OK)
        fail_msg("fingerprint_finish: %s", err.message);
    fingerprint_free(fp);
    collector_free(&c);
}

/* Digests computed independently with the sha256sum command, e.g.
 *   printf 'date,site,id\n2019-03-12,Tarascon,P1\n' | sha256sum
 * The BOM is part of the file's bytes; the third file makes ingest re-read a part of the
 * file after the unterminated quote, which must not be hashed twice. */
static void test_sha256(void **state)
{
    static const struct {
        const char *content, *sha256;
    } cases[] = {
        {"date,site,id\n2019-03-12,Tarascon,P1\n",
         "69c2072d6a65a46071e8037014f6a43c7caf26fa72335511247c5050ed15ca19"},
        {"\xEF\xBB\xBF"
         "date,site,id\n2019-03-12,Tarascon,P1\n",
         "aceba3e62f72a8d96aba1c9cd7498d03e2a87fc5924a718ea6e8c0c212b74d43"},
        {"date,site,id\n2019-03-12,a,P1\n2019-03-12,\"b,P2\n2019-03-13,c,P3\n2019-03-14,d,P4\n",
         "cf4ed858b83c7fc287ba5a1b6f2a0909328b0c8d4cb3e7cb78a00f1c64dbe440"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        char path[256];
        write_file(*state, "hash.csv", cases[i].content, strlen(cases[i].content), path,
                   sizeof path);
        char hex[65];
        fingerprint_through_ingest(path, 0, hex);
        assert_string_equal(hex, cases[i].sha256);
        fingerprint_through_ingest(path, 5, hex); /* many small blocks: many waits */
        assert_string_equal(hex, cases[i].sha256);
    }
}

/* A file of many fingerprint steps (64 KiB each), hashed while ingest reads it, then by
 * steps alone, against OpenSSL's one-shot SHA256 of the same bytes (no steps at all). */
static void test_sha256_in_steps(void **state)
{
    enum { ROWS = 60000 };
    size_t cap = 64 + (size_t)ROWS * 40, len = 0;
    char *content = malloc(cap);
    assert_non_null(content);
    len += (size_t)snprintf(content, cap, "date,site,id\n");
    for (int i = 0; i < ROWS; i++)
        len += (size_t)snprintf(content + len, cap - len, "2019-03-%02d,Site %d,P%d\n", i % 28 + 1,
                                i % 97, i);
    unsigned char digest[SHA256_DIGEST_LENGTH];
    SHA256((const unsigned char *)content, len, digest);
    char want[65];
    for (int i = 0; i < SHA256_DIGEST_LENGTH; i++)
        snprintf(want + 2 * i, 3, "%02x", digest[i]);
    char path[256], hex[65];
    write_file(*state, "big.csv", content, len, path, sizeof path);
    assert_true(len > 20 * 65536);
    fingerprint_through_ingest(path, 0, hex);
    assert_string_equal(hex, want);
    struct fingerprint *fp = fingerprint_open(path);
    size_t steps = 0;
    while (fingerprint_step(fp))
        steps++;
    assert_int_equal(steps, (len + 65535) / 65536);
    struct impact_error err;
    assert_int_equal(fingerprint_finish(fp, hex, &err), IMPACT_OK);
    assert_string_equal(hex, want);
    assert_false(fingerprint_step(fp)); /* final: nothing more is hashed */
    fingerprint_free(fp);
    free(content);
}

/* An unreadable file fails when the fingerprint is finished, with the file named; a
 * cancelled fingerprint fails too (its run has failed already) and leaves no digest. */
static void test_sha256_failures(void **state)
{
    const struct tmpdir *d = *state;
    char missing[128], hex[65], path[256];
    struct impact_error err;
    snprintf(missing, sizeof missing, "%s/missing.csv", d->path);
    struct fingerprint *fp = fingerprint_open(missing);
    assert_false(fingerprint_step(fp));
    assert_int_equal(fingerprint_finish(fp, hex, &err), IMPACT_FAIL);
    assert_string_equal(err.file, missing);
    assert_non_null(strstr(err.message, "cannot read: No such file"));
    assert_string_equal(hex, "");
    fingerprint_free(fp);
    fp = fingerprint_open(d->path); /* a directory opens, but cannot be read */
    assert_int_equal(fingerprint_finish(fp, hex, &err), IMPACT_FAIL);
    assert_non_null(strstr(err.message, "cannot read: Is a directory"));
    fingerprint_free(fp);
    /* A file replaced (renamed over) between the fingerprint's open and ingest's: the digest
     * would not be of the rows read, so ingest refuses the file. */
    char other[256];
    write_file(d, "small.csv", "date,site,id\n", 13, path, sizeof path);
    fp = fingerprint_open(path);
    write_file(d, "other.csv", "date,site,id\n2019-03-12,Tarascon,P1\n", 36, other, sizeof other);
    assert_int_equal(rename(other, path), 0);
    struct ingest_source src = {.path = path, .fingerprint = fp};
    struct collector c = {0};
    struct ingest_result res;
    assert_int_equal(run_ingest(&src, &c, &res, &err), IMPACT_FAIL);
    assert_non_null(strstr(err.message, "replaced"));
    collector_free(&c);
    fingerprint_free(fp);
    fp = fingerprint_open(path);
    fingerprint_cancel(fp);
    assert_false(fingerprint_step(fp));
    assert_int_equal(fingerprint_finish(fp, hex, &err), IMPACT_FAIL);
    assert_non_null(strstr(err.message, "not finished"));
    assert_string_equal(hex, "");
    fingerprint_free(fp);
}

/* ---- a file larger than ingest's 1 MiB read block ---- */

/* Every data row's id is "L<its line>", so each row's origin can be checked against its own
 * text. The row with a quoted embedded newline straddles the 1 MiB block boundary; the
 * unterminated quote on line `bad` lies in the second block and costs that row only. */
static char *big_file_text(unsigned long n_lines, unsigned long bad, unsigned long *multi)
{
    const size_t block = 1u << 20;
    size_t cap = 64 * n_lines, len = 0;
    char *text = malloc(cap);
    assert_non_null(text);
    len += (size_t)snprintf(text, cap, "date,site,id\n");
    *multi = 0;
    for (unsigned long line = 2; line <= n_lines; line++) {
        bool straddle = *multi == 0 && len + 40 > block;
        const char *site = straddle ? "\"Parc\nBellevue\"" : line == bad ? "\"Tar" : "T";
        len += (size_t)snprintf(text + len, cap - len, "2019-03-12,%s,L%lu\n", site, line);
        if (straddle) {
            assert_true(len > block);
            *multi = line++; /* the embedded newline took a line */
        }
    }
    return text;
}

static void test_large_file(void **state)
{
    const unsigned long n_lines = 60000, bad = 59000;
    unsigned long multi;
    char *text = big_file_text(n_lines, bad, &multi);
    char path[256];
    write_file(*state, "big.csv", text, strlen(text), path, sizeof path);
    struct ingest_source src = {.path = path};
    struct collector c = {0};
    struct ingest_result res;
    struct impact_error err;
    assert_int_equal(run_ingest(&src, &c, &res, &err), IMPACT_OK);
    assert_true(multi > 2 && multi < bad);
    /* lines 2..60000 less the continuation line of the multi-line row: 59998 rows, of
     * which one is rejected */
    assert_int_equal(res.rows_read, 59998);
    assert_int_equal(c.n_rejects, 1);
    assert_int_equal(c.rejects[0].origin.line, bad);
    for (size_t i = 0; i < c.n_rows; i++) {
        char want[32];
        snprintf(want, sizeof want, "L%u", c.rows[i].origin.line);
        if (strcmp(c.rows[i].cells[FIELD_PARTICIPANT_ID], want) != 0)
            fail_msg("row %zu: id %s on line %u", i, c.rows[i].cells[FIELD_PARTICIPANT_ID],
                     c.rows[i].origin.line);
    }
    collector_free(&c);
    free(text);
}

/* ---- the built-in header table ---- */

static void test_builtin_fields(void **state)
{
    (void)state;
    static const struct {
        enum input_kind kind;
        const char *header;
        int field;
    } cases[] = {
        {INPUT_ATTENDANCE,
         "Date de la s\xC3\xA9"
         "ance",
         FIELD_SESSION_DATE},
        {INPUT_ATTENDANCE, "DATE DE LA SEANCE", FIELD_SESSION_DATE},
        {INPUT_ATTENDANCE, "Nom", FIELD_LAST_NAME},
        {INPUT_ATTENDANCE, "Pr\xC3\xA9nom", FIELD_FIRST_NAME},
        {INPUT_ATTENDANCE, "Date de naissance", FIELD_BIRTH_DATE},
        {INPUT_ATTENDANCE, "Quartier", FIELD_SITE},
        {INPUT_ATTENDANCE, "Pr\xC3\xA9sence", FIELD_STATUS},
        {INPUT_ATTENDANCE, "participant_id", FIELD_PARTICIPANT_ID},
        {INPUT_ATTENDANCE, "qpv_code", FIELD_QPV_CODE},
        /* the table holds the names as written; the old folded forms still match */
        {INPUT_ATTENDANCE, "N\xC2\xB0 SEANCE", FIELD_SESSION_ID},
        {INPUT_ATTENDANCE, "NE(E) LE", FIELD_BIRTH_DATE},
        {INPUT_ATTENDANCE, "EMARGEMENT", FIELD_STATUS},
        {INPUT_ATTENDANCE, "R\xC3\xB4le", FIELD_ROLE},
        {INPUT_OUTCOME, "SITUATION A LA SORTIE", FIELD_SITUATION},
        {INPUT_OUTCOME, "Nom", FIELD_LAST_NAME},
        {INPUT_OUTCOME, "Situation", FIELD_SITUATION},
        {INPUT_OUTCOME, "Date", FIELD_OBSERVED_ON},
        {INPUT_ATTENDANCE, "Date", FIELD_SESSION_DATE},
        /* attendance-only and outcome-only headers */
        {INPUT_OUTCOME, "Quartier", -1},
        {INPUT_ATTENDANCE, "Situation", -1},
        {INPUT_ATTENDANCE, "Remarque", -1},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++)
        if (ingest_builtin_field(cases[i].kind, cases[i].header) != cases[i].field)
            fail_msg("\"%s\" maps to %d, expected %d", cases[i].header,
                     ingest_builtin_field(cases[i].kind, cases[i].header), cases[i].field);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_reading_cases, setup_dir, teardown_dir),
        cmocka_unit_test_setup_teardown(test_reading_cases_small_blocks, setup_dir, teardown_dir),
        cmocka_unit_test_setup_teardown(test_field_columns, setup_dir, teardown_dir),
        cmocka_unit_test_setup_teardown(test_nul_byte, setup_dir, teardown_dir),
        cmocka_unit_test_setup_teardown(test_field_lengths, setup_dir, teardown_dir),
        cmocka_unit_test_setup_teardown(test_failing_cases, setup_dir, teardown_dir),
        cmocka_unit_test_setup_teardown(test_directory_and_missing_file, setup_dir, teardown_dir),
        cmocka_unit_test_setup_teardown(test_long_header_message, setup_dir, teardown_dir),
        cmocka_unit_test_setup_teardown(test_probe_failing_cases, setup_dir, teardown_dir),
        cmocka_unit_test_setup_teardown(test_probe_reads_the_header_only, setup_dir, teardown_dir),
        cmocka_unit_test_setup_teardown(test_sha256, setup_dir, teardown_dir),
        cmocka_unit_test_setup_teardown(test_sha256_in_steps, setup_dir, teardown_dir),
        cmocka_unit_test_setup_teardown(test_sha256_failures, setup_dir, teardown_dir),
        cmocka_unit_test_setup_teardown(test_large_file, setup_dir, teardown_dir),
        cmocka_unit_test(test_builtin_fields),
    };
    return cmocka_run_group_tests_name("ingest", tests, NULL, NULL);
}
