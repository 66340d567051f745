/* test_quality.c — the quality stage's listing of unmapped situation labels
 * (stages/quality.h quality_unmapped_situations, issue 14): one entry per folded label with
 * the first row's spelling and origin, rows counted over every spelling, most rows first
 * and ties in input order, each row also counted as an unmapped_situation warning; and the
 * listing in report.json with its config line.
 *
 * Rows are sent through the sink as clean sends them (diag_unmapped, one row each). The
 * expected listing is worked out by hand from the rows of each test.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "stages/quality.h"

#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

struct fixture {
    char dir[64];
    struct quality *q;
    struct diag_sink sink;
};

static const char *const paths[] = {"att.csv", "out.csv"};

static int setup(void **state)
{
    struct fixture *f = calloc(1, sizeof *f);
    snprintf(f->dir, sizeof f->dir, "/tmp/test_quality.XXXXXX");
    assert_non_null(mkdtemp(f->dir));
    struct impact_error err;
    assert_int_equal(quality_new(f->dir, 2, paths, &f->q, &err), IMPACT_OK);
    f->sink = quality_sink(f->q);
    *state = f;
    return 0;
}

static int teardown(void **state)
{
    struct fixture *f = *state;
    quality_free(f->q);
    char path[128];
    const char *files[] = {"rejects.csv", "report.json", "probable_duplicates.csv"};
    for (size_t i = 0; i < 3; i++) {
        snprintf(path, sizeof path, "%s/%s", f->dir, files[i]);
        unlink(path);
    }
    rmdir(f->dir);
    free(f);
    return 0;
}

static void send(struct fixture *f, uint32_t line, const char *label, int suggestion,
                 const char *close_to)
{
    struct unmapped_situation row = {label, 1, {1, line}, suggestion, close_to};
    diag_unmapped(&f->sink, &row);
}

/* Rows: l2 "Tour du monde", l3 "Formation qualifiant", l4 "FORMATION  qualifiant",
 * l5 "Tour du monde", l6 "Formation qualifiant", l7 "Inactf". By folded label:
 * FORMATION QUALIFIANT 3 (first l3), TOUR DU MONDE 2 (first l2), INACTF 1 (l7). */
static void test_listing(void **state)
{
    struct fixture *f = *state;
    send(f, 2, "Tour du monde", -1, NULL);
    send(f, 3, "Formation qualifiant", CATEGORY_TRAINING, "FORMATION QUALIFIANTE");
    send(f, 4, "FORMATION  qualifiant", CATEGORY_TRAINING, "FORMATION QUALIFIANTE");
    send(f, 5, "Tour du monde", -1, NULL);
    send(f, 6, "Formation qualifiant", CATEGORY_TRAINING, "FORMATION QUALIFIANTE");
    send(f, 7, "Inactf", CATEGORY_INACTIVE, "INACTIF");
    size_t n;
    unsigned long other = 99;
    const struct unmapped_situation *u = quality_unmapped_situations(f->q, &n, &other);
    static const struct {
        const char *label;
        unsigned long count;
        uint32_t line;
        int suggestion;
    } want[] = {
        {"Formation qualifiant", 3, 3, CATEGORY_TRAINING},
        {"Tour du monde", 2, 2, -1},
        {"Inactf", 1, 7, CATEGORY_INACTIVE},
    };
    assert_int_equal(n, 3);
    assert_int_equal(other, 0);
    for (size_t i = 0; i < n; i++) {
        assert_string_equal(u[i].label, want[i].label);
        assert_int_equal(u[i].count, want[i].count);
        assert_int_equal(u[i].first.file, 1);
        assert_int_equal(u[i].first.line, want[i].line);
        assert_int_equal(u[i].suggestion, want[i].suggestion);
    }
    assert_int_equal(quality_warning_count(f->q, WARN_UNMAPPED_SITUATION), 6);
}

/* The config line is JSON: quotes and backslashes in a label are escaped; no suggestion
 * gives "?". */
static void test_config_lines(void **state)
{
    (void)state;
    char line[128];
    struct unmapped_situation a = {"CDI \"tps\" partiel\\", 1, {0, 2}, CATEGORY_EMPLOYMENT, "CDI"};
    assert_string_equal(diag_situation_config_line(&a, line, sizeof line),
                        "\"CDI \\\"tps\\\" partiel\\\\\": \"employment\"");
    struct unmapped_situation b = {"Tour du monde", 1, {0, 2}, -1, NULL};
    assert_string_equal(diag_situation_config_line(&b, line, sizeof line),
                        "\"Tour du monde\": \"?\"");
}

/* report.json: unmapped_situations.labels[] in the same order, with first as file:line. */
static void test_report(void **state)
{
    struct fixture *f = *state;
    send(f, 9, "Inactf", CATEGORY_INACTIVE, "INACTIF");
    send(f, 4, "Tour du monde", -1, NULL);
    send(f, 12, "Tour du monde", -1, NULL);
    struct input_summary files[2] = {
        {.path = "att.csv", .kind = "attendance", .encoding = "utf-8", .delimiter = ','},
        {.path = "out.csv", .kind = "outcome", .encoding = "utf-8", .delimiter = ','}};
    unsigned long counts[2] = {0, 0};
    struct join_stats js = {.n_files = 2, .rows_accepted = counts, .rows_duplicate = counts};
    struct impact_error err;
    assert_int_equal(quality_write_report(f->q, files, 2, &js, &err), IMPACT_OK);
    assert_int_equal(quality_finish(f->q, &err), IMPACT_OK);
    char path[128];
    snprintf(path, sizeof path, "%s/report.json", f->dir);
    json_error_t jerr;
    json_t *report = json_load_file(path, 0, &jerr);
    assert_non_null(report);
    char *text = json_dumps(json_object_get(report, "unmapped_situations"), JSON_COMPACT);
    assert_string_equal(
        text, "{\"labels\":[{\"label\":\"Tour du monde\",\"rows\":2,\"first\":\"out.csv:4\","
              "\"suggested\":null,\"close_to\":null,\"config_line\":\"\\\"Tour du monde\\\": "
              "\\\"?\\\"\"},{\"label\":\"Inactf\",\"rows\":1,\"first\":\"out.csv:9\","
              "\"suggested\":\"inactive\",\"close_to\":\"INACTIF\",\"config_line\":"
              "\"\\\"Inactf\\\": \\\"inactive\\\"\"}],\"rows_of_labels_not_listed\":0}");
    free(text);
    json_decref(report);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_listing, setup, teardown),
        cmocka_unit_test(test_config_lines),
        cmocka_unit_test_setup_teardown(test_report, setup, teardown),
    };
    return cmocka_run_group_tests_name("quality", tests, NULL, NULL);
}
