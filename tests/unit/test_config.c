/* test_config.c — pipeline/config.c: loading and checking the JSON config (docs/config.md).
 *
 * Each test writes config files into its own mkdtemp folder (<tmp>/config/c.json, so that
 * "../" in a path has somewhere to go) and calls config_load(). Config texts are written
 * with single quotes for readability; write_config() turns them into double quotes.
 * Expected values come from docs/config.md: the defaults table, the path rule ("relative
 * paths are resolved from the folder that holds the config file"), the error form
 * ("<json path>: expected …") and the unknown-key errors ("did you mean …?").
 *
 * Run from the repository root: test_shipped_configs loads config/default.json.
 */
#include "pipeline/config.h"

#include <ftw.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define ATT "{'kind': 'attendance', 'path': 'a.csv'}"

struct tmp {
    char dir[64];   /* /tmp/test_config.XXXXXX */
    char path[128]; /* <dir>/config/c.json */
};

/* ---- helpers ---------------------------------------------------------------------------- */

static int setup(void **state)
{
    struct tmp *t = calloc(1, sizeof *t);
    assert_non_null(t);
    strcpy(t->dir, "/tmp/test_config.XXXXXX");
    assert_non_null(mkdtemp(t->dir));
    snprintf(t->path, sizeof t->path, "%s/config", t->dir);
    assert_int_equal(mkdir(t->path, 0700), 0);
    strcat(t->path, "/c.json");
    *state = t;
    return 0;
}

static int remove_entry(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
    (void)st, (void)flag, (void)ftw;
    return remove(path);
}

static int teardown(void **state)
{
    struct tmp *t = *state;
    nftw(t->dir, remove_entry, 8, FTW_DEPTH | FTW_PHYS);
    free(t);
    return 0;
}

/* Writes `text` to `path` with every ' turned into ". */
static void write_config(const char *path, const char *text)
{
    FILE *file = fopen(path, "wb");
    assert_non_null(file);
    for (const char *c = text; *c; c++)
        fputc(*c == '\'' ? '"' : *c, file);
    assert_int_equal(fclose(file), 0);
}

static int load(const struct tmp *t, const char *text, struct config *cfg, struct impact_error *err)
{
    write_config(t->path, text);
    memset(err, 0, sizeof *err);
    return config_load(t->path, cfg, err);
}

static void load_ok(const struct tmp *t, const char *text, struct config *cfg)
{
    struct impact_error err;
    if (load(t, text, cfg, &err) != IMPACT_OK)
        fail_msg("config_load failed: %s", err.message);
}

static void expect_prefix(const char *text, const char *prefix)
{
    if (strncmp(text, prefix, strlen(prefix)) != 0)
        fail_msg("\"%s\" does not start with \"%s\"", text, prefix);
}

/* <tmp dir><suffix>, for expected resolved paths. */
static const char *under(const struct tmp *t, const char *suffix, char *buf, size_t size)
{
    snprintf(buf, size, "%s%s", t->dir, suffix);
    return buf;
}

/* ---- defaults ---------------------------------------------------------------------------- */

/* The smallest valid config: one attendance input. Everything else takes the defaults of
 * docs/config.md: programme "Programme", run_date "", output_dir "out" (resolved from the
 * config's folder), calendar periods (start month 9 for school years), no window, no target
 * (roles youth + parent, trend_quarters 4), confidence 0.95, charts fr 1200 × 675,
 * max_reject_share 0.05, encoding and delimiter auto, no labels, situations or QPV codes. */
static void test_defaults(void **state)
{
    struct tmp *t = *state;
    struct config cfg;
    char buf[256];
    load_ok(t, "{'inputs': [" ATT "]}", &cfg);
    assert_string_equal(cfg.programme, "Programme");
    assert_string_equal(cfg.run_date, "");
    assert_string_equal(cfg.output_dir, under(t, "/config/out", buf, sizeof buf));
    assert_int_equal(cfg.n_inputs, 1);
    const struct ingest_source *s = &cfg.inputs[0].source;
    assert_int_equal(s->kind, INPUT_ATTENDANCE);
    assert_int_equal(s->encoding, INGEST_ENCODING_AUTO);
    assert_int_equal(s->delimiter, 0);
    assert_int_equal(s->n_columns, 0);
    assert_int_equal(s->file_index, 0);
    assert_string_equal(cfg.inputs[0].display_path, "a.csv");
    assert_string_equal(s->path, under(t, "/config/a.csv", buf, sizeof buf));
    const struct indicators_options *o = &cfg.indicators;
    assert_int_equal(o->period_kind, PERIOD_CALENDAR_YEAR);
    assert_int_equal(o->school_year_start_month, 9);
    assert_true(o->first == DAY_NONE && o->last == DAY_NONE);
    assert_true(cfg.clean.window_first == DAY_NONE && cfg.clean.window_last == DAY_NONE);
    assert_true(o->confidence == 0.95);
    assert_int_equal(o->target, 0);
    assert_true(o->deadline == DAY_NONE);
    /* default: every role, recorded or not (docs/config.md) */
    assert_true(o->target_roles[ROLE_YOUTH] && o->target_roles[ROLE_PARENT]);
    assert_true(o->target_roles[ROLE_UNKNOWN]);
    assert_int_equal(o->n_site_targets, 0);
    assert_int_equal(o->trend_quarters, 4);
    assert_int_equal(cfg.charts.language, NUMFMT_LANG_FR);
    assert_int_equal(cfg.charts.width, 1200);
    assert_int_equal(cfg.charts.height, 675);
    assert_true(cfg.max_reject_share == 0.05);
    assert_int_equal(cfg.clean.n_labels, 0);
    assert_int_equal(cfg.clean.n_situations, 0);
    assert_int_equal(cfg.clean.n_qpv_codes, 0);
    assert_int_equal(cfg.n_warnings, 0);
    assert_true(json_is_object(cfg.json));
    config_free(&cfg);
}

/* ---- paths ------------------------------------------------------------------------------- */

/* Relative input paths are resolved against <tmp>/config and normalised; the display path
 * stays as written:
 *   ../samples/x.csv   → <tmp>/samples/x.csv
 *   ./a/./b.csv        → <tmp>/config/a/b.csv
 *   sub/../../y.csv    → <tmp>/y.csv
 *   sub//z.csv         → <tmp>/config/sub/z.csv
 *   /abs/data/w.csv    → /abs/data/w.csv (absolute: untouched)
 *   output_dir ../out  → <tmp>/out
 * and the edge cases: output_dir "/" stays "/", input "." is <tmp>/config itself. */
static void test_relative_paths(void **state)
{
    struct tmp *t = *state;
    static const struct {
        const char *written, *resolved; /* resolved: "@" stands for <tmp> */
    } rows[] = {
        {"../samples/x.csv", "@/samples/x.csv"}, {"./a/./b.csv", "@/config/a/b.csv"},
        {"sub/../../y.csv", "@/y.csv"},          {"sub//z.csv", "@/config/sub/z.csv"},
        {"/abs/data/w.csv", "/abs/data/w.csv"},
    };
    char text[1024] = "{'output_dir': '../out', 'inputs': [", buf[256];
    for (size_t i = 0; i < sizeof rows / sizeof rows[0]; i++)
        snprintf(text + strlen(text), sizeof text - strlen(text),
                 "%s{'kind': 'attendance', 'path': '%s'}", i ? ", " : "", rows[i].written);
    strcat(text, "]}");
    struct config cfg;
    load_ok(t, text, &cfg);
    assert_int_equal(cfg.n_inputs, sizeof rows / sizeof rows[0]);
    for (size_t i = 0; i < cfg.n_inputs; i++) {
        const char *want = rows[i].resolved[0] == '@'
                               ? under(t, rows[i].resolved + 1, buf, sizeof buf)
                               : rows[i].resolved;
        assert_string_equal(cfg.inputs[i].source.path, want);
        assert_string_equal(cfg.inputs[i].display_path, rows[i].written);
        assert_int_equal(cfg.inputs[i].source.file_index, i);
    }
    assert_string_equal(cfg.output_dir, under(t, "/out", buf, sizeof buf));
    config_free(&cfg);
    load_ok(t, "{'output_dir': '/', 'inputs': [{'kind': 'attendance', 'path': '.'}]}", &cfg);
    assert_string_equal(cfg.output_dir, "/");
    assert_string_equal(cfg.inputs[0].source.path, under(t, "/config", buf, sizeof buf));
    config_free(&cfg);
}

/* A config named by a relative path gives relative input paths, with "dir/.." removed:
 * config "<up>tmp/…/config/c.json" (where <up> climbs from the working folder to /) and
 * input "../samples/x.csv" → "<up>tmp/…/samples/x.csv" — the leading ".." are kept. */
static void test_relative_config_path(void **state)
{
    struct tmp *t = *state;
    char cwd[512], up[512] = "", rel[1024], want[1024];
    assert_non_null(getcwd(cwd, sizeof cwd));
    for (const char *c = cwd; *c; c++)
        if (*c == '/' && c[1])
            strcat(up, "../");
    snprintf(rel, sizeof rel, "%s%s/config/c.json", up, t->dir + 1);
    snprintf(want, sizeof want, "%s%s/samples/x.csv", up, t->dir + 1);
    write_config(t->path, "{'inputs': [{'kind': 'attendance', 'path': '../samples/x.csv'}]}");
    struct config cfg;
    struct impact_error err = {0};
    assert_int_equal(config_load(rel, &cfg, &err), IMPACT_OK);
    assert_string_equal(cfg.inputs[0].source.path, want);
    assert_string_equal(cfg.inputs[0].display_path, "../samples/x.csv");
    config_free(&cfg);
}

/* A path longer than IMPACT_PATH_MAX (300 folders "abcd/", 1505 characters) resolves in
 * full, like a short one: <tmp>/config/abcd/…/abcd/x.csv. */
static void test_long_path(void **state)
{
    struct tmp *t = *state;
    enum { DEPTH = 300 };
    char written[DEPTH * 5 + 8] = "", text[sizeof written + 128], want[sizeof written + 128];
    for (int i = 0; i < DEPTH; i++)
        strcat(written, "abcd/");
    strcat(written, "x.csv");
    snprintf(text, sizeof text, "{'inputs': [{'kind': 'attendance', 'path': '%s'}]}", written);
    snprintf(want, sizeof want, "%s/config/%s", t->dir, written);
    struct config cfg;
    load_ok(t, text, &cfg);
    assert_string_equal(cfg.inputs[0].source.path, want);
    config_free(&cfg);
}

/* The shipped default config (run from the repository root): its "../samples/…" inputs
 * resolve to "samples/…" and "../out" to "out"; no warnings. */
static void test_shipped_configs(void **state)
{
    (void)state;
    struct config cfg;
    struct impact_error err = {0};
    if (config_load("config/default.json", &cfg, &err) != IMPACT_OK)
        fail_msg("config/default.json: %s", err.message);
    assert_int_equal(cfg.n_inputs, 2);
    assert_string_equal(cfg.inputs[0].source.path, "samples/attendance.csv");
    assert_string_equal(cfg.inputs[0].display_path, "../samples/attendance.csv");
    assert_string_equal(cfg.output_dir, "out");
    assert_int_equal(cfg.n_warnings, 0);
    config_free(&cfg);
    if (config_load("config/example.json", &cfg, &err) != IMPACT_OK)
        fail_msg("config/example.json: %s", err.message);
    assert_int_equal(cfg.n_warnings, 0);
    config_free(&cfg);
}

/* ---- errors ------------------------------------------------------------------------------ */

/* Invalid JSON: IMPACT_FAIL, the message starts "invalid JSON", the file, line and column
 * point at the fault. In "{\n  'programme': 'x',\n  'inputs': [,]\n}" the stray ',' is the
 * 14th character of line 3 (2 spaces, "inputs" in quotes 8, ':' 11, ' ' 12, '[' 13). A
 * duplicate key is invalid too (line 1). */
static void test_invalid_json(void **state)
{
    struct tmp *t = *state;
    static const struct {
        const char *text;
        long line, column; /* column 0: not checked */
    } rows[] = {
        {"{\n  'programme': 'x',\n  'inputs': [,]\n}", 3, 14},
        {"{'programme': 'a', 'programme': 'b', 'inputs': [" ATT "]}", 1, 0},
        {"{'inputs': [" ATT "]", 1, 0},
    };
    for (size_t i = 0; i < sizeof rows / sizeof rows[0]; i++) {
        struct config cfg;
        struct impact_error err;
        assert_int_equal(load(t, rows[i].text, &cfg, &err), IMPACT_FAIL);
        expect_prefix(err.message, "invalid JSON");
        assert_string_equal(err.file, t->path);
        assert_int_equal(err.line, rows[i].line);
        if (rows[i].column)
            assert_int_equal(err.column, rows[i].column);
        assert_true(err.column > 0);
        config_free(&cfg);
    }
}

static void test_missing_file(void **state)
{
    struct tmp *t = *state;
    char path[256];
    snprintf(path, sizeof path, "%s/config/nothing.json", t->dir);
    struct config cfg;
    struct impact_error err = {0};
    assert_int_equal(config_load(path, &cfg, &err), IMPACT_FAIL);
    expect_prefix(err.message, "cannot open the config file");
    assert_string_equal(err.file, path);
    config_free(&cfg);
}

/* A wrong value stops the load with "<json path>: expected …" (docs/config.md). */
static void test_wrong_values(void **state)
{
    struct tmp *t = *state;
    static const struct {
        const char *text, *json_path;
    } rows[] = {
        {"{'inputs': [{'kind': 'attendance', 'path': 3}]}", "inputs[0].path"},
        {"{'inputs': [{'path': 'a.csv'}]}", "inputs[0].kind"},
        {"{'inputs': [" ATT ", {'kind': 'other', 'path': 'b.csv'}]}", "inputs[1].kind"},
        {"{'inputs': ['a.csv']}", "inputs[0]"},
        {"{'inputs': {'kind': 'attendance'}}", "inputs"},
        {"['inputs']", "(top level)"},
        {"{'inputs': [{'kind': 'attendance', 'path': 'a.csv', 'encoding': 'latin1'}]}",
         "inputs[0].encoding"},
        {"{'inputs': [{'kind': 'attendance', 'path': 'a.csv', 'delimiter': ':'}]}",
         "inputs[0].delimiter"},
        {"{'inputs': [{'kind': 'attendance', 'path': 'a.csv', 'columns': {'Date': 'date'}}]}",
         "inputs[0].columns.Date"},
        {"{'inputs': [{'kind': 'attendance', 'path': 'a.csv', 'columns': {'Date': 1}}]}",
         "inputs[0].columns.Date"},
        {"{'inputs': [" ATT "], 'programme': 3}", "programme"},
        {"{'inputs': [" ATT "], 'run_date': 'tomorrow'}", "run_date"},
        {"{'inputs': [" ATT "], 'target': {'total': -5}}", "target.total"},
        {"{'inputs': [" ATT "], 'target': {'total': 12.5}}", "target.total"},
        {"{'inputs': [" ATT "], 'target': {'roles': ['kids']}}", "target.roles[0]"},
        {"{'inputs': [" ATT "], 'target': {'sites': {'Tarascon': -1}}}", "target.sites.Tarascon"},
        {"{'inputs': [" ATT "], 'target': {'trend_quarters': 1}}", "target.trend_quarters"},
        {"{'inputs': [" ATT "], 'window': {'first': '2018-01-01'}, "
         "'target': {'deadline': '2017-12-31'}}",
         "target.deadline"},
        {"{'inputs': [" ATT "], 'window': {'first': '2019-01-01', 'last': '2018-12-31'}}",
         "window.last"},
        {"{'inputs': [" ATT "], 'window': {'first': '2019-02-30'}}", "window.first"},
        {"{'inputs': [" ATT "], 'periods': {'kind': 'weekly'}}", "periods.kind"},
        {"{'inputs': [" ATT "], 'periods': {'start_month': 13}}", "periods.start_month"},
        {"{'inputs': [" ATT "], 'charts': {'language': 'de'}}", "charts.language"},
        {"{'inputs': [" ATT "], 'charts': {'width': 100}}", "charts.width"},
        {"{'inputs': [" ATT "], 'statistics': {'confidence': 1.5}}", "statistics.confidence"},
        {"{'inputs': [" ATT "], 'validate': {'max_reject_share': 2}}", "validate.max_reject_share"},
        {"{'inputs': [" ATT "], 'situations': {'Stage': 'internship'}}", "situations.Stage"},
        {"{'inputs': [" ATT "], 'situations': {'Stage': 3}}", "situations.Stage"},
        {"{'inputs': [" ATT "], 'situations': {'CDI tps partiel': 'employement'}}",
         "situations.CDI tps partiel"},
        {"{'inputs': [" ATT "], 'qpv_code_blank': 'blank'}", "qpv_code_blank"},
        {"{'inputs': [" ATT "], 'validate': {'max_unmapped_situation_share': 2}}",
         "validate.max_unmapped_situation_share"},
        {"{'inputs': [" ATT "], 'labels': {'status': {'present': [1]}}}",
         "labels.status.present[0]"},
        {"{'inputs': [" ATT "], 'labels': {'role': 'jeune'}}", "labels.role"},
        {"{'inputs': [" ATT "], 'qpv_codes': [13055]}", "qpv_codes[0]"},
    };
    for (size_t i = 0; i < sizeof rows / sizeof rows[0]; i++) {
        struct config cfg;
        struct impact_error err;
        char prefix[128];
        if (load(t, rows[i].text, &cfg, &err) != IMPACT_FAIL)
            fail_msg("row %zu (%s): loaded", i, rows[i].json_path);
        snprintf(prefix, sizeof prefix, "%s: expected", rows[i].json_path);
        expect_prefix(err.message, prefix);
        assert_string_equal(err.file, t->path);
        assert_string_equal(err.stage, "config");
        config_free(&cfg);
    }
}

/* A config that must fail with exactly this message. */
struct message_case {
    const char *text, *message;
};

static void expect_messages(struct tmp *t, const struct message_case *rows, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        struct config cfg;
        struct impact_error err;
        assert_int_equal(load(t, rows[i].text, &cfg, &err), IMPACT_FAIL);
        assert_string_equal(err.message, rows[i].message);
        config_free(&cfg);
    }
}

/* A category name the program does not know names the nearest one (issue 14); "?", which
 * the driver suggests when it knows no close label, names none. */
static void test_situation_category_typo(void **state)
{
    struct tmp *t = *state;
    static const struct message_case rows[] = {
        {"{'inputs': [" ATT "], 'situations': {'CDI tps partiel': 'employement'}}",
         "situations.CDI tps partiel: expected one of \"employment\", \"training\", "
         "\"education\", \"unemployed\", \"inactive\", \"unknown\", found \"employement\" "
         "(did you mean \"employment\"?)"},
        {"{'inputs': [" ATT "], 'situations': {'Tour du monde': '?'}}",
         "situations.Tour du monde: expected one of \"employment\", \"training\", "
         "\"education\", \"unemployed\", \"inactive\", \"unknown\", found \"?\""},
    };
    expect_messages(t, rows, sizeof rows / sizeof rows[0]);
}

/* Defaults and values of the keys issue 14 adds: an explicit "unknown" is a choice. */
static void test_situation_keys(void **state)
{
    struct tmp *t = *state;
    struct config cfg;
    load_ok(t, "{'inputs': [" ATT "]}", &cfg);
    assert_true(cfg.max_unmapped_situation_share == 0);
    assert_int_equal(cfg.clean.qpv_code_blank, QPV_CODE_BLANK_NOT_QPV);
    config_free(&cfg);
    load_ok(t,
            "{'inputs': [" ATT "], 'qpv_code_blank': 'unknown', 'validate': "
            "{'max_unmapped_situation_share': 0.02}, 'situations': {'_note': 'a comment', "
            "'Sans nouvelles du jeune': 'unknown'}}",
            &cfg);
    assert_true(cfg.max_unmapped_situation_share == 0.02);
    assert_int_equal(cfg.clean.qpv_code_blank, QPV_CODE_BLANK_UNKNOWN);
    assert_int_equal(cfg.clean.n_situations, 1);
    assert_int_equal(cfg.clean.situations[0].category, CATEGORY_UNKNOWN);
    config_free(&cfg);
}

/* Without an attendance input there is nothing to count. */
static void test_no_attendance_input(void **state)
{
    struct tmp *t = *state;
    static const struct {
        const char *text, *message;
    } rows[] = {
        {"{'inputs': [{'kind': 'outcome', 'path': 'o.csv'}]}",
         "inputs: expected at least one input of kind \"attendance\""},
        {"{'inputs': []}", "inputs: expected at least one input"},
        {"{'programme': 'x'}", "inputs: expected at least one input"},
    };
    for (size_t i = 0; i < sizeof rows / sizeof rows[0]; i++) {
        struct config cfg;
        struct impact_error err;
        assert_int_equal(load(t, rows[i].text, &cfg, &err), IMPACT_FAIL);
        expect_prefix(err.message, rows[i].message);
        config_free(&cfg);
    }
}

/* ---- unknown keys ------------------------------------------------------------------------ */

/* An unknown key anywhere is an error naming its JSON path and the nearest known key
 * (docs/config.md): within two edits ignoring case ("targte" → "target", "langage" →
 * "language", "Window" → "window"), else a known key the unknown one starts with ("Female"
 * → "F" in labels.sex); with no near key and at most 5 keys there, every one is listed
 * ("expected "F" or "M""); with more, docs/config.md is named. One key alone: its line and
 * column in the file are the error's, those of the key's opening quote: in "{\n  'targte'"
 * line 2 column 3; after "{'inputs': [" ATT "], " column 55 (1 + 10 + 1 for "{'inputs': [",
 * 39 for ATT, 3 for "], " — 54 characters before it); "'charts': {" then adds 11 (66),
 * "'labels': {'sex': {" 19 (74), "'labels': {'status': {" 22 (77). A key written twice in
 * the file has no line. */
static void test_unknown_key_errors(void **state)
{
    struct tmp *t = *state;
    static const struct {
        const char *text, *message;
        long line, column;
    } rows[] = {
        {"{'inputs': [" ATT "],\n  'targte': {'total': 3}}",
         "\"targte\": unknown key at the top level; did you mean \"target\"?", 2, 3},
        {"{'inputs': [" ATT "], 'Window': {}}",
         "\"Window\": unknown key at the top level; did you mean \"window\"?", 1, 55},
        {"{'inputs': [" ATT "], 'zzzzqqq': 1}",
         "\"zzzzqqq\": unknown key at the top level; see docs/config.md for the keys of the top "
         "level",
         1, 55},
        {"{'inputs': [" ATT "], 'charts': {'langage': 'en', '_why': 'x'}}",
         "\"charts.langage\": unknown key in charts; did you mean \"language\"?", 1, 66},
        {"{'inputs': [{'kind': 'attendance', 'path': 'a.csv', 'paht': 'b.csv'}]}",
         "\"inputs[0].paht\": unknown key in inputs[0]; did you mean \"path\"?", 1, 53},
        {"{'inputs': [" ATT "], 'labels': {'sex': {'Female': ['Fem']}}}",
         "\"labels.sex.Female\": unknown key in labels.sex; did you mean \"F\"?", 1, 74},
        {"{'inputs': [" ATT "], 'labels': {'sex': {'Woman': ['W']}}}",
         "\"labels.sex.Woman\": unknown key in labels.sex; expected \"F\" or \"M\"", 1, 74},
        {"{'inputs': [" ATT "], 'labels': {'status': {'presente': ['ok']}}}",
         "\"labels.status.presente\": unknown key in labels.status; did you mean \"present\"?", 1,
         77},
        {"{'inputs': [" ATT "], 'labels': {'gender': {}}}",
         "\"labels.gender\": unknown key in labels; expected \"status\", \"role\", \"sex\" or "
         "\"qpv\"",
         1, 66},
        {"{'inputs': [" ATT "], 'target': {'dedline': '2019-12-31'}}",
         "\"target.dedline\": unknown key in target; did you mean \"deadline\"?", 1, 66},
        /* the same key in two objects: no line, the path says which */
        {"{'inputs': [" ATT "], 'window': {'frist': '2018-01-01'}, "
         "'periods': {'frist': 1, 'kind': 'calendar'}}",
         "2 unknown keys: \"window.frist\" in window, did you mean \"first\"?; \"periods.frist\" "
         "in periods, expected \"kind\", \"start_month\" or \"partial_gap_days\"",
         0, 0},
    };
    for (size_t i = 0; i < sizeof rows / sizeof rows[0]; i++) {
        struct config cfg;
        struct impact_error err;
        if (load(t, rows[i].text, &cfg, &err) != IMPACT_FAIL)
            fail_msg("row %zu: loaded", i);
        if (strcmp(err.message, rows[i].message) != 0)
            fail_msg("row %zu:\n  got  %s\n  want %s", i, err.message, rows[i].message);
        assert_string_equal(err.file, t->path);
        assert_string_equal(err.stage, "config");
        if (err.line != rows[i].line || err.column != rows[i].column)
            fail_msg("row %zu: at %ld:%ld, expected %ld:%ld", i, err.line, err.column, rows[i].line,
                     rows[i].column);
        config_free(&cfg);
    }
}

/* Comments ("_…", "//…") anywhere are not unknown keys. */
static void test_comment_keys(void **state)
{
    struct tmp *t = *state;
    struct config cfg;
    load_ok(t,
            "{'_comment': 'x', '// note': 'x', 'inputs': [{'kind': 'attendance', 'path': 'a.csv', "
            "'_why': 1}], 'charts': {'_why': 'x'}, 'labels': {'//': 1, 'sex': {'_F': []}}}",
            &cfg);
    assert_int_equal(cfg.n_warnings, 0);
    config_free(&cfg);
}

/* Several unknown keys: one message lists them all in the order of the file, each with its
 * line ("targte" on line 2, "langage" on line 3, "paht" on line 4), whatever the order the
 * sections are read in; the error has no line of its own. A misspelt key is reported before
 * the error it causes ("paht": inputs[0].path is then missing). */
static void test_unknown_keys_listed(void **state)
{
    struct tmp *t = *state;
    struct config cfg;
    struct impact_error err;
    assert_int_equal(load(t,
                          "{\n 'targte': {'total': 3},\n 'charts': {'langage': 'en'},\n"
                          " 'inputs': [{'kind': 'attendance', 'paht': 'a.csv'}]}",
                          &cfg, &err),
                     IMPACT_FAIL);
    assert_string_equal(err.message,
                        "3 unknown keys: \"targte\" at the top level (line 2), did you mean "
                        "\"target\"?; \"charts.langage\" in charts (line 3), did you mean "
                        "\"language\"?; \"inputs[0].paht\" in inputs[0] (line 4), did you mean "
                        "\"path\"?");
    assert_int_equal(err.line, 0);
    config_free(&cfg);
}

/* Forty unknown keys: the message stays within IMPACT_MSG_MAX, lists those that fit and ends
 * with how many more there are. */
static void test_many_unknown_keys(void **state)
{
    struct tmp *t = *state;
    char text[2048] = "{'inputs': [" ATT "]";
    for (int i = 0; i < 40; i++)
        snprintf(text + strlen(text), sizeof text - strlen(text), ", 'unknown_key_%02d': 1", i);
    strcat(text, "}");
    struct config cfg;
    struct impact_error err;
    assert_int_equal(load(t, text, &cfg, &err), IMPACT_FAIL);
    expect_prefix(err.message, "40 unknown keys: \"unknown_key_00\" at the top level (line 1)");
    assert_true(strlen(err.message) < IMPACT_MSG_MAX - 1);
    const char *more = strstr(err.message, "; and ");
    assert_non_null(more);
    assert_non_null(strstr(more, " more"));
    config_free(&cfg);
}

/* A misspelt canonical field or role gets the nearest one. */
static void test_value_suggestions(void **state)
{
    struct tmp *t = *state;
    static const struct message_case rows[] = {
        {"{'inputs': [{'kind': 'attendance', 'path': 'a.csv', 'columns': {'Date': "
         "'sesion_date'}}]}",
         "inputs[0].columns.Date: expected a canonical field name; did you mean "
         "\"session_date\"?"},
        {"{'inputs': [" ATT "], 'target': {'roles': ['youths']}}",
         "target.roles[0]: expected \"youth\", \"parent\" or \"unknown\"; did you mean "
         "\"youth\"?"},
    };
    expect_messages(t, rows, sizeof rows / sizeof rows[0]);
}

/* ---- a full config ---------------------------------------------------------------------- */

/* Every section set; labels in group order (status, role, sex, qpv) and value order. */
static void test_full_config(void **state)
{
    struct tmp *t = *state;
    static const struct clean_label labels[] = {
        {LABEL_STATUS, "Là", PRESENCE_PRESENT},
        {LABEL_STATUS, "ok", PRESENCE_PRESENT},
        {LABEL_STATUS, "Abs", PRESENCE_ABSENT},
        {LABEL_ROLE, "Ado", ROLE_YOUTH},
        {LABEL_SEX, "Fém.", SEX_F},
        {LABEL_QPV, "Hors QPV", QPV_NO},
    };
    static const struct clean_situation situations[] = {
        {"Service civique", CATEGORY_TRAINING},
        {"Stage", CATEGORY_UNKNOWN},
        {"Contrat aidé", CATEGORY_EMPLOYMENT},
    };
    struct config cfg;
    char buf[256];
    day_t first, last;
    load_ok(
        t,
        "{'programme': 'Coding girls', 'run_date': '2026-01-15', 'output_dir': 'results',\n"
        " 'window': {'first': '2018-01-01', 'last': '2019-12-31'},\n"
        " 'periods': {'kind': 'school_year', 'start_month': 8},\n"
        " 'inputs': [{'kind': 'attendance', 'path': 'att.csv', 'encoding': 'windows-1252',\n"
        "             'delimiter': ';', 'columns': {'Date': 'session_date', 'Ville': 'site'}},\n"
        "            {'kind': 'outcome', 'path': 'out.csv', 'encoding': 'utf-8',\n"
        "             'delimiter': '\\t'}],\n"
        " 'labels': {'status': {'present': ['Là', 'ok'], 'absent': ['Abs']},\n"
        "            'role': {'youth': ['Ado']}, 'sex': {'F': ['Fém.']},\n"
        "            'qpv': {'no': ['Hors QPV']}},\n"
        " 'situations': {'Service civique': 'training', 'Stage': 'unknown',\n"
        "                'Contrat aidé': 'employment'},\n"
        " 'qpv_codes': ['QP013055', 'QP013056'],\n"
        " 'target': {'total': 3000, 'deadline': '2019-12-31', 'roles': ['youth'],\n"
        "            'sites': {'Tarascon': 400, 'Les Lauriers': 0}, 'trend_quarters': 6},\n"
        " 'statistics': {'confidence': 0.9},\n"
        " 'charts': {'language': 'en', 'width': 800, 'height': 450},\n"
        " 'validate': {'max_reject_share': 0.1}}",
        &cfg);
    assert_true(date_from_ymd(2018, 1, 1, &first) && date_from_ymd(2019, 12, 31, &last));
    assert_string_equal(cfg.programme, "Coding girls");
    assert_string_equal(cfg.charts.programme, "Coding girls");
    assert_string_equal(cfg.run_date, "2026-01-15");
    assert_string_equal(cfg.output_dir, under(t, "/config/results", buf, sizeof buf));
    assert_true(cfg.clean.window_first == first && cfg.indicators.first == first);
    assert_true(cfg.clean.window_last == last && cfg.indicators.last == last);
    assert_int_equal(cfg.indicators.period_kind, PERIOD_SCHOOL_YEAR);
    assert_int_equal(cfg.indicators.school_year_start_month, 8);

    assert_int_equal(cfg.n_inputs, 2);
    const struct ingest_source *a = &cfg.inputs[0].source, *o = &cfg.inputs[1].source;
    assert_int_equal(a->encoding, INGEST_ENCODING_CP1252);
    assert_int_equal(a->delimiter, ';');
    assert_int_equal(a->n_columns, 2);
    assert_string_equal(a->columns[0].header, "Date");
    assert_int_equal(a->columns[0].field, FIELD_SESSION_DATE);
    assert_string_equal(a->columns[1].header, "Ville");
    assert_int_equal(a->columns[1].field, FIELD_SITE);
    assert_int_equal(o->kind, INPUT_OUTCOME);
    assert_int_equal(o->encoding, INGEST_ENCODING_UTF8);
    assert_int_equal(o->delimiter, '\t');
    assert_int_equal(o->file_index, 1);

    assert_int_equal(cfg.clean.n_labels, sizeof labels / sizeof labels[0]);
    for (size_t i = 0; i < cfg.clean.n_labels; i++) {
        assert_int_equal(cfg.clean.labels[i].kind, labels[i].kind);
        assert_string_equal(cfg.clean.labels[i].text, labels[i].text);
        assert_int_equal(cfg.clean.labels[i].value, labels[i].value);
    }
    assert_int_equal(cfg.clean.n_situations, 3);
    for (size_t i = 0; i < 3; i++) {
        assert_string_equal(cfg.clean.situations[i].label, situations[i].label);
        assert_int_equal(cfg.clean.situations[i].category, situations[i].category);
    }
    assert_int_equal(cfg.clean.n_qpv_codes, 2);
    assert_string_equal(cfg.clean.qpv_codes[1], "QP013056");

    const struct indicators_options *io = &cfg.indicators;
    assert_int_equal(io->target, 3000);
    assert_true(io->deadline == last);
    assert_true(io->target_roles[ROLE_YOUTH]);
    assert_false(io->target_roles[ROLE_PARENT] || io->target_roles[ROLE_UNKNOWN]);
    assert_int_equal(io->n_site_targets, 2);
    assert_string_equal(io->site_targets[0].site, "Tarascon");
    assert_int_equal(io->site_targets[0].target, 400);
    assert_int_equal(io->site_targets[1].target, 0);
    assert_int_equal(io->trend_quarters, 6);
    assert_true(io->confidence == 0.9);
    assert_int_equal(cfg.charts.language, NUMFMT_LANG_EN);
    assert_int_equal(cfg.charts.width, 800);
    assert_int_equal(cfg.charts.height, 450);
    assert_true(cfg.max_reject_share == 0.1);
    assert_int_equal(cfg.n_warnings, 0);
    assert_string_equal(json_string_value(json_object_get(cfg.json, "programme")), "Coding girls");
    config_free(&cfg);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_defaults, setup, teardown),
        cmocka_unit_test_setup_teardown(test_relative_paths, setup, teardown),
        cmocka_unit_test_setup_teardown(test_relative_config_path, setup, teardown),
        cmocka_unit_test_setup_teardown(test_long_path, setup, teardown),
        cmocka_unit_test(test_shipped_configs),
        cmocka_unit_test_setup_teardown(test_invalid_json, setup, teardown),
        cmocka_unit_test_setup_teardown(test_missing_file, setup, teardown),
        cmocka_unit_test_setup_teardown(test_wrong_values, setup, teardown),
        cmocka_unit_test_setup_teardown(test_situation_category_typo, setup, teardown),
        cmocka_unit_test_setup_teardown(test_situation_keys, setup, teardown),
        cmocka_unit_test_setup_teardown(test_no_attendance_input, setup, teardown),
        cmocka_unit_test_setup_teardown(test_unknown_key_errors, setup, teardown),
        cmocka_unit_test_setup_teardown(test_comment_keys, setup, teardown),
        cmocka_unit_test_setup_teardown(test_unknown_keys_listed, setup, teardown),
        cmocka_unit_test_setup_teardown(test_many_unknown_keys, setup, teardown),
        cmocka_unit_test_setup_teardown(test_value_suggestions, setup, teardown),
        cmocka_unit_test_setup_teardown(test_full_config, setup, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
