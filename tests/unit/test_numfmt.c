/* test_numfmt.c — table-driven tests of stages/common/numfmt: counts, decimals, percentages,
 * dates and quarters in French and English, and truncation of a too-small buffer.
 *
 * NN below is U+202F NARROW NO-BREAK SPACE, the French thousands separator and the space
 * before "%".
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "stages/common/numfmt.h"

#include <limits.h>
#include <math.h>
#include <stdio.h>
#include <string.h>

#define NN NUMFMT_NNBSP
#define FR NUMFMT_LANG_FR
#define EN NUMFMT_LANG_EN

static void expect_text(const char *what, const char *got, size_t got_len, const char *expected)
{
    if (strcmp(got, expected) != 0)
        fail_msg("%s: got \"%s\", expected \"%s\"", what, got, expected);
    assert_int_equal(got_len, strlen(expected));
}

struct count_case {
    long value;
    enum numfmt_lang lang;
    const char *expected;
};

static void test_counts(void **state)
{
    (void)state;
    static const struct count_case cases[] = {
        {0, FR, "0"},
        {7, FR, "7"},
        {999, FR, "999"},
        {1000, FR, "1" NN "000"},
        {3000, FR, "3" NN "000"},
        {1234567, FR, "1" NN "234" NN "567"},
        {-1234, FR, "-1" NN "234"},
        {-999, FR, "-999"},
        {0, EN, "0"},
        {1000, EN, "1,000"},
        {1234567, EN, "1,234,567"},
        {-1234567, EN, "-1,234,567"},
        {LONG_MAX, EN, "9,223,372,036,854,775,807"},
        {LONG_MIN, EN, "-9,223,372,036,854,775,808"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        char buf[NUMFMT_BUF], what[64];
        size_t len = numfmt_count(cases[i].value, cases[i].lang, buf, sizeof buf);
        snprintf(what, sizeof what, "numfmt_count(%ld, %s)", cases[i].value,
                 cases[i].lang == FR ? "fr" : "en");
        expect_text(what, buf, len, cases[i].expected);
    }
}

struct ratio_case {
    double value;
    int decimals;
    enum numfmt_lang lang;
    const char *expected;
};

static void run_ratio_cases(const struct ratio_case *cases, size_t n, bool percent)
{
    for (size_t i = 0; i < n; i++) {
        char buf[NUMFMT_BUF], what[80];
        const struct ratio_case *c = &cases[i];
        size_t len = percent ? numfmt_percent(c->value, c->decimals, c->lang, buf, sizeof buf)
                             : numfmt_decimal(c->value, c->decimals, c->lang, buf, sizeof buf);
        snprintf(what, sizeof what, "%s(%g, %d, %s)", percent ? "numfmt_percent" : "numfmt_decimal",
                 c->value, c->decimals, c->lang == FR ? "fr" : "en");
        expect_text(what, buf, len, c->expected);
    }
}

static void test_percents(void **state)
{
    (void)state;
    static const struct ratio_case cases[] = {
        {0.452, 1, FR, "45,2" NN "%"}, {0.452, 1, EN, "45.2%"},
        {0.8, 0, FR, "80" NN "%"},     {0.0, 1, FR, "0,0" NN "%"},
        {1.0, 0, EN, "100%"},          {12.5, 0, FR, "1" NN "250" NN "%"},
        {-0.05, 0, FR, "-5" NN "%"},   {-0.0001, 1, FR, "0,0" NN "%"}, /* rounds to zero: no sign */
        {0.9995, 1, EN, "100.0%"},     {NAN, 1, FR, "n.d."},
        {NAN, 1, EN, "n/a"},
    };
    run_ratio_cases(cases, sizeof cases / sizeof cases[0], true);
}

static void test_decimals(void **state)
{
    (void)state;
    static const struct ratio_case cases[] = {
        {1234.5, 1, FR, "1" NN "234,5"},
        {1234.5, 2, EN, "1,234.50"},
        {0.25, 2, FR, "0,25"},
        {-1234567.891, 2, EN, "-1,234,567.89"},
        {-0.001, 2, EN, "0.00"},
        {999.96, 1, FR, "1" NN "000,0"},
        {2.5, 0, EN, "2"}, /* printf rounds half to even */
        {INFINITY, 0, EN, "n/a"},
    };
    run_ratio_cases(cases, sizeof cases / sizeof cases[0], false);
}

struct date_case {
    int year, month, day;
    enum numfmt_lang lang;
    const char *date, *quarter;
};

static void test_dates(void **state)
{
    (void)state;
    static const struct date_case cases[] = {
        {2019, 12, 31, FR, "31 déc. 2019", "T4 2019"}, {2019, 12, 31, EN, "31 Dec 2019", "Q4 2019"},
        {2019, 1, 1, FR, "1er janv. 2019", "T1 2019"}, {2019, 1, 1, EN, "1 Jan 2019", "Q1 2019"},
        {2020, 2, 29, FR, "29 févr. 2020", "T1 2020"}, {2018, 8, 15, FR, "15 août 2018", "T3 2018"},
        {2018, 6, 30, EN, "30 Jun 2018", "Q2 2018"},   {2017, 9, 3, FR, "3 sept. 2017", "T3 2017"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        const struct date_case *c = &cases[i];
        day_t day;
        char buf[NUMFMT_BUF], what[64];
        assert_true(date_from_ymd(c->year, c->month, c->day, &day));
        snprintf(what, sizeof what, "numfmt_date(%04d-%02d-%02d)", c->year, c->month, c->day);
        expect_text(what, buf, numfmt_date(day, c->lang, buf, sizeof buf), c->date);
        snprintf(what, sizeof what, "numfmt_quarter(%04d-%02d-%02d)", c->year, c->month, c->day);
        expect_text(what, buf, numfmt_quarter(day, c->lang, buf, sizeof buf), c->quarter);
    }
}

static void test_month_names(void **state)
{
    (void)state;
    assert_string_equal(numfmt_month_abbrev(2, FR), "févr.");
    assert_string_equal(numfmt_month_abbrev(5, EN), "May");
    assert_string_equal(numfmt_month_abbrev(0, FR), "?");
    assert_string_equal(numfmt_month_abbrev(13, EN), "?");
}

/* A short buffer gets a prefix that is still valid UTF-8 and the full length comes back. */
static void test_truncation(void **state)
{
    (void)state;
    char buf[4];
    size_t len = numfmt_count(1000, FR, buf, sizeof buf);
    assert_int_equal(len, strlen("1" NN "000"));
    assert_string_equal(buf, "1"); /* the 3-byte separator does not fit: cut before it */
    assert_int_equal(numfmt_count(1000, EN, buf, sizeof buf), 5);
    assert_string_equal(buf, "1,0");
    assert_int_equal(numfmt_count(42, EN, NULL, 0), 2);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_counts),      cmocka_unit_test(test_percents),
        cmocka_unit_test(test_decimals),    cmocka_unit_test(test_dates),
        cmocka_unit_test(test_month_names), cmocka_unit_test(test_truncation),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
