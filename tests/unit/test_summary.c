/* test_summary.c — tests of stages/summary: the sheet is one A4 page of valid PDF whose
 * dates come from the run date, two renders give identical bytes, the headline rows and the
 * target's sentences are French- (or English-) formatted, withheld values read "masqué" and
 * are never quoted, and a path that cannot be written gives an error.
 *
 * cairo compresses the page's content, so the words are checked through summary_rows() and
 * summary_target_text(), which the page draws. The figures are in figures_fixture.h.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "stages/charts/charts.h"
#include "stages/summary.h"

#include "figures_fixture.h"

static struct charts_options options(enum numfmt_lang lang)
{
    return (struct charts_options){.language = lang,
                                   .width = 1200,
                                   .height = 675,
                                   .programme = "Programme pilote QPV",
                                   .run_date = "2020-03-02"};
}

/* The sheet's options as the pipeline gives them, with the charts' drawing lent. */
static struct summary_options sheet(const struct charts_options *opt)
{
    return (struct summary_options){opt->language, opt->programme, opt->run_date, charts_embedded,
                                    opt};
}

static void render_ok(const struct figures *fig, const struct charts_options *opt, const char *path)
{
    struct impact_error err = {0};
    struct summary_options so = sheet(opt);
    if (summary_render_pdf(fig, &so, path, &err) != IMPACT_OK)
        fail_msg("summary_render_pdf failed: %s: %s", err.file, err.message);
}

/* The PDF holds binary streams: search bytes, not a C string. */
static void expect_bytes(const char *pdf, size_t len, const char *needle)
{
    size_t n = strlen(needle);
    for (size_t i = 0; i + n <= len; i++)
        if (memcmp(pdf + i, needle, n) == 0)
            return;
    fail_msg("the PDF does not contain \"%s\"", needle);
}

/* A PDF of one A4 page, dated from the run date (cairo 1.16 writes the date without the
 * "D:" prefix), complete. */
static void check_pdf(const char *path)
{
    size_t len;
    char *pdf = read_all(path, &len);
    assert_true(len > 1000);
    assert_memory_equal(pdf, "%PDF-", 5);
    expect_bytes(pdf, len, "/MediaBox [ 0 0 595 842 ]");
    expect_bytes(pdf, len, "/Count 1\n");
    expect_bytes(pdf, len, "/CreationDate (20200302000000Z)");
    expect_bytes(pdf, len, "/ModDate (20200302000000Z)");
    assert_memory_equal(pdf + len - 6, "%%EOF\n", 6);
    free(pdf);
}

static void test_pdf_reproducible(void **state)
{
    (void)state;
    struct fixture fx;
    fixture_init(&fx);
    struct outdir d = outdir_new();
    char a[128], b[128];
    snprintf(a, sizeof a, "%s/a.pdf", d.path);
    snprintf(b, sizeof b, "%s/b.pdf", d.path);
    struct charts_options opt = options(NUMFMT_LANG_FR);
    render_ok(&fx.fig, &opt, a);
    render_ok(&fx.fig, &opt, b);
    check_pdf(a);
    expect_same_file(a, b);
    opt.language = NUMFMT_LANG_EN;
    render_ok(&fx.fig, &opt, b);
    check_pdf(b);
    unlink(a);
    unlink(b);
    assert_int_equal(rmdir(d.path), 0);
}

static void test_rows_french(void **state)
{
    (void)state;
    struct fixture fx;
    fixture_init(&fx);
    struct summary_row r[SUMMARY_ROWS];
    assert_int_equal(summary_rows(&fx.fig, NUMFMT_LANG_FR, r), SUMMARY_ROWS);
    assert_string_equal(r[0].label, "Personnes accompagnées");
    assert_string_equal(r[0].current, "1" NN "204");
    assert_string_equal(r[0].previous, "830");
    assert_string_equal(r[0].change, "+45" NN "% (+374)");
    assert_string_equal(r[2].current, "2" NN "412");
    assert_string_equal(r[3].label, "Taux d'emploi");
    assert_string_equal(r[3].current, "45,2" NN "%");
    assert_string_equal(r[3].interval, "IC 95" NN "%" NB ": 37,0\xE2\x80\x93"
                                       "53,6" NN "%");
    assert_string_equal(r[3].previous, "40,0" NN "%");
    assert_string_equal(r[3].change, "+5,2" NB "pts");
    assert_string_equal(r[3].test, "non significatif");
    assert_string_equal(r[3].p_value, "p = 0,20");
    assert_string_equal(r[4].test, "significatif");
    assert_string_equal(r[5].label, "Séances en QPV");
    assert_string_equal(r[5].current, "92,3" NN "%");
    assert_string_equal(r[0].test, "");
}

static void test_rows_english(void **state)
{
    (void)state;
    struct fixture fx;
    fixture_init(&fx);
    struct summary_row r[SUMMARY_ROWS];
    assert_int_equal(summary_rows(&fx.fig, NUMFMT_LANG_EN, r), SUMMARY_ROWS);
    assert_string_equal(r[0].current, "1,204");
    assert_string_equal(r[0].change, "+45% (+374)");
    assert_string_equal(r[3].interval, "95% CI: 37.0\xE2\x80\x93"
                                       "53.6%");
    assert_string_equal(r[3].change, "+5.2 pts");
    assert_string_equal(r[4].test, "significant");
}

static void test_target_text(void **state)
{
    (void)state;
    struct fixture fx;
    fixture_init(&fx);
    char text[1024];
    summary_target_text(&fx.fig, NUMFMT_LANG_FR, text, sizeof text);
    assert_string_equal(text, "2" NN "412 personnes accompagnées au 31 déc. 2019 sur un objectif "
                              "de 3" NN "000 (80" NN "%). Échéance" NB ": 31 déc. 2019. Au rythme "
                              "des 4 derniers trimestres, il serait atteint le 17 juin 2020, "
                              "après l'échéance.");
    summary_target_text(&fx.fig, NUMFMT_LANG_EN, text, sizeof text);
    expect_in("target", text, "2,412 people reached by 31 Dec 2019 against a target of 3,000");
    fx.fig.overall.target = 0;
    summary_target_text(&fx.fig, NUMFMT_LANG_FR, text, sizeof text);
    assert_string_equal(text, "");
}

/* A partial last period (issue 14, defect 6): its changes carry the "*" the page explains,
 * a withheld one does not, and the target sentence gives the count at the data stop. */
static void test_partial_rows(void **state)
{
    (void)state;
    struct fixture fx;
    fixture_init(&fx);
    make_partial(&fx);
    struct summary_row r[SUMMARY_ROWS];
    assert_int_equal(summary_rows(&fx.fig, NUMFMT_LANG_FR, r), SUMMARY_ROWS);
    assert_string_equal(r[0].change, "+45" NN "% (+374)*");
    assert_string_equal(r[3].change, "+5,2" NB "pts*");
    char text[1024];
    summary_target_text(&fx.fig, NUMFMT_LANG_FR, text, sizeof text);
    expect_in("target", text, "2" NN "412 personnes accompagnées au 16 oct. 2019 sur un objectif");
    fx.periods[2].withheld.count_changes[COUNT_BENEFICIARIES] = WITHHELD_SMALL_CELL;
    assert_int_equal(summary_rows(&fx.fig, NUMFMT_LANG_FR, r), SUMMARY_ROWS);
    assert_string_equal(r[0].change, "masqué");
}

/* Target met (issue 14, defect 11): the day it was, against the deadline, instead of a
 * projection — also when the reached count is withheld (a day is not a count). */
static void test_target_met_text(void **state)
{
    (void)state;
    struct fixture fx;
    fixture_init(&fx);
    fx.fig.overall.target = 2000;
    fx.fig.overall.progress = 2412.0 / 2000.0;
    fx.fig.overall.projection = (struct projection){.reason = "target already reached",
                                                    .on_track_known = true,
                                                    .on_track = true,
                                                    .reached_on = ymd(2019, 6, 12)};
    char text[1024];
    summary_target_text(&fx.fig, NUMFMT_LANG_FR, text, sizeof text);
    assert_string_equal(text, "2" NN "412 personnes accompagnées au 31 déc. 2019 sur un objectif "
                              "de 2" NN "000 (121" NN "%). Échéance" NB ": 31 déc. 2019. Objectif "
                              "atteint le 12 juin 2019, avant l'échéance.");
    fx.fig.deadline = ymd(2019, 3, 31);
    summary_target_text(&fx.fig, NUMFMT_LANG_EN, text, sizeof text);
    expect_in("target", text,
              "Deadline: 31 Mar 2019. Target met on 12 Jun 2019, after the deadline.");
    withhold_count(&fx.fig.overall.reached, &fx.fig.overall.withheld, WITHHELD_COMPLEMENTARY);
    summary_target_text(&fx.fig, NUMFMT_LANG_EN, text, sizeof text);
    expect_in("target", text, "Target met on 12 Jun 2019");
}

/* What stages/disclose would withhold: the 2019 total and its change, employment in 2019,
 * the last quarter and the reached count (and with them the projection). */
static void withhold(struct fixture *fx)
{
    struct period_figures *p = &fx->periods[2];
    withhold_count(&p->counts[COUNT_BENEFICIARIES], &p->withheld.counts[COUNT_BENEFICIARIES],
                   WITHHELD_COMPLEMENTARY);
    p->withheld.count_changes[COUNT_BENEFICIARIES] = WITHHELD_COMPLEMENTARY;
    withhold_rate(&p->rates[RATE_EMPLOYMENT], &p->withheld.rates[RATE_EMPLOYMENT],
                  WITHHELD_SMALL_CELL);
    withhold_count(&fx->overall_q[N_QUARTERS - 1].cumulative,
                   &fx->overall_q[N_QUARTERS - 1].withheld, WITHHELD_COMPLEMENTARY);
    withhold_count(&fx->fig.overall.reached, &fx->fig.overall.withheld, WITHHELD_COMPLEMENTARY);
    fx->fig.overall.projection =
        (struct projection){.defined = false,
                            .reason = "withheld: fitted on withheld quarters",
                            .withheld = true,
                            .reached_on = DAY_NONE};
}

static void test_withheld(void **state)
{
    (void)state;
    struct fixture fx;
    fixture_init(&fx);
    withhold(&fx);
    struct summary_row r[SUMMARY_ROWS];
    summary_rows(&fx.fig, NUMFMT_LANG_FR, r);
    assert_string_equal(r[0].current, "masqué");
    assert_string_equal(r[0].change, "masqué");
    assert_string_equal(r[3].current, "masqué");
    assert_string_equal(r[3].interval, "");
    assert_string_equal(r[3].change, "masqué");
    assert_string_equal(r[3].test, "");
    assert_string_equal(r[0].previous, "830");
    char text[1024];
    summary_target_text(&fx.fig, NUMFMT_LANG_FR, text, sizeof text);
    expect_in("target", text, "Cumul au 31 déc. 2019" NB ": masqué (2" NN "120 au 30 sept. 2019)");
    expect_in("target", text, "Projection masquée");
    expect_not_in("target", text, "2" NN "412");
    struct outdir d = outdir_new();
    char path[128];
    snprintf(path, sizeof path, "%s/summary.pdf", d.path);
    struct charts_options opt = options(NUMFMT_LANG_FR);
    render_ok(&fx.fig, &opt, path);
    check_pdf(path);
    unlink(path);
    assert_int_equal(rmdir(d.path), 0);
}

static void test_no_period(void **state)
{
    (void)state;
    struct fixture fx;
    fixture_init(&fx);
    fx.fig.n_periods = 0;
    fx.fig.overall.n_quarters = 0;
    for (size_t s = 0; s < N_SITES; s++)
        fx.sites[s].n_quarters = 0;
    struct summary_row r[SUMMARY_ROWS];
    assert_int_equal(summary_rows(&fx.fig, NUMFMT_LANG_FR, r), 0);
    struct outdir d = outdir_new();
    char path[128];
    snprintf(path, sizeof path, "%s/summary.pdf", d.path);
    struct charts_options opt = options(NUMFMT_LANG_FR);
    render_ok(&fx.fig, &opt, path);
    check_pdf(path);
    unlink(path);
    assert_int_equal(rmdir(d.path), 0);
}

static void test_errors(void **state)
{
    (void)state;
    struct fixture fx;
    fixture_init(&fx);
    struct charts_options opt = options(NUMFMT_LANG_FR);
    struct summary_options so = sheet(&opt);
    struct impact_error err = {0};
    assert_int_equal(summary_render_pdf(&fx.fig, &so, "/nonexistent/out/summary.pdf", &err),
                     IMPACT_FAIL);
    assert_string_equal(err.stage, "summary");
    assert_string_equal(err.file, "/nonexistent/out/summary.pdf");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_pdf_reproducible), cmocka_unit_test(test_rows_french),
        cmocka_unit_test(test_rows_english),     cmocka_unit_test(test_target_text),
        cmocka_unit_test(test_target_met_text),  cmocka_unit_test(test_partial_rows),
        cmocka_unit_test(test_withheld),         cmocka_unit_test(test_no_period),
        cmocka_unit_test(test_errors),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
