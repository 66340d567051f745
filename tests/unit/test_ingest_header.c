/* test_ingest_header.c — the ingest stage (stages/ingest.h) on files it must stop: missing
 * or doubled columns, unreadable headers, a directory or a missing file (fatal errors, with
 * their line and column, and no person's cell in the message); the header probe
 * (ingest_probe), which must fail exactly as ingest_file on every failing case and read the
 * header only; and the built-in header table.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "ingest_fixture.h"

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
        cmocka_unit_test_setup_teardown(test_failing_cases, setup_dir, teardown_dir),
        cmocka_unit_test_setup_teardown(test_directory_and_missing_file, setup_dir, teardown_dir),
        cmocka_unit_test_setup_teardown(test_long_header_message, setup_dir, teardown_dir),
        cmocka_unit_test_setup_teardown(test_probe_failing_cases, setup_dir, teardown_dir),
        cmocka_unit_test_setup_teardown(test_probe_reads_the_header_only, setup_dir, teardown_dir),
        cmocka_unit_test(test_builtin_fields),
    };
    return cmocka_run_group_tests_name("ingest_header", tests, NULL, NULL);
}
