/* test_ingest_reading.c — table-driven tests of the ingest stage (stages/ingest.h) reading
 * files, against docs/requirements.md "Inputs" (encodings, delimiters, RFC 4180 quoting, CRLF,
 * trailing empty columns, French headers) and the header's contract (rows with their physical
 * line, malformed rows rejected and the rest still read).
 *
 * Each case writes its CSV text into a fresh mkdtemp folder, runs ingest_file with a
 * collecting on_row callback and a collecting diag sink (ingest_fixture.h) and compares with
 * the expected rows and rejects, worked out by hand from the CSV text. Line numbers are
 * physical lines, 1-based, header = line 1; a row's line is its FIRST physical line. Every
 * case also checks that nothing vanished: rows_read == rows delivered + rows_rejected. The
 * reading cases run again with read blocks of a few bytes (ingest_source.block_size), so that
 * every row, quote and CRLF straddles a block boundary somewhere.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "ingest_fixture.h"

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

/* The row CP1252_TEXT (ingest_fixture.h) reads as. */
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

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_reading_cases, setup_dir, teardown_dir),
        cmocka_unit_test_setup_teardown(test_reading_cases_small_blocks, setup_dir, teardown_dir),
        cmocka_unit_test_setup_teardown(test_field_columns, setup_dir, teardown_dir),
        cmocka_unit_test_setup_teardown(test_nul_byte, setup_dir, teardown_dir),
        cmocka_unit_test_setup_teardown(test_field_lengths, setup_dir, teardown_dir),
    };
    return cmocka_run_group_tests_name("ingest_reading", tests, NULL, NULL);
}
