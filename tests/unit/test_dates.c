/* test_dates.c — table-driven tests of stages/common/dates: date_parse on every accepted form
 * and the rejections, day-number round trips, quarters and ISO formatting.
 *
 * Expected Excel serials were checked independently with Python's 1900-system convention,
 * the one LibreOffice also uses for serials after 1900-02-28:
 *   datetime(1899, 12, 30) + timedelta(days=serial)
 * gives 61 → 1900-03-01, 43466 → 2019-01-01, 43536 → 2019-03-12, 2958465 → 9999-12-31.
 * Serials 1 … 59 are counted from 1899-12-31 (Excel's phantom 29 February 1900 is serial 60),
 * so 1 → 1900-01-01 and 59 → 1900-02-28, as Excel shows them.
 * Day numbers: (date(2019, 3, 12) - date(1970, 1, 1)).days == 17967 in Python.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "stages/common/dates.h"

#include <string.h>

struct parse_case {
    const char *text;
    enum date_status status;
    int year, month, day; /* expected when status == DATE_OK */
};

static const char *status_name(enum date_status st)
{
    switch (st) {
    case DATE_OK:
        return "DATE_OK";
    case DATE_EMPTY:
        return "DATE_EMPTY";
    case DATE_SYNTAX:
        return "DATE_SYNTAX";
    case DATE_IMPOSSIBLE:
        return "DATE_IMPOSSIBLE";
    }
    return "?";
}

static void check_parse_case(const struct parse_case *c)
{
    day_t got = DAY_NONE;
    const char *why = NULL;
    enum date_status st = date_parse(c->text, strlen(c->text), &got, &why);
    if (st != c->status)
        fail_msg("date_parse(\"%s\") returned %s, expected %s (why: %s)", c->text, status_name(st),
                 status_name(c->status), why ? why : "(null)");
    assert_non_null(why);
    if (st != DATE_OK) {
        if (why[0] == '\0')
            fail_msg("date_parse(\"%s\") failed without an explanation", c->text);
        return;
    }
    int y, m, d;
    date_to_ymd(got, &y, &m, &d);
    if (y != c->year || m != c->month || d != c->day)
        fail_msg("date_parse(\"%s\") gave %04d-%02d-%02d, expected %04d-%02d-%02d", c->text, y, m,
                 d, c->year, c->month, c->day);
}

static void test_parse_accepted_forms(void **state)
{
    (void)state;
    static const struct parse_case cases[] = {
        /* ISO */
        {"2019-03-12", DATE_OK, 2019, 3, 12},
        {"2019-3-5", DATE_OK, 2019, 3, 5},
        {"2018-12-31", DATE_OK, 2018, 12, 31},
        /* day first, four-digit years */
        {"12/03/2019", DATE_OK, 2019, 3, 12},
        {"12-03-2019", DATE_OK, 2019, 3, 12},
        {"12.03.2019", DATE_OK, 2019, 3, 12},
        {"01/12/2018", DATE_OK, 2018, 12, 1},
        /* one-digit day and month */
        {"1/2/2019", DATE_OK, 2019, 2, 1},
        {"5/11/2019", DATE_OK, 2019, 11, 5},
        {"15/6/2019", DATE_OK, 2019, 6, 15},
        {"1.2.2019", DATE_OK, 2019, 2, 1},
        {"1-2-2019", DATE_OK, 2019, 2, 1},
        /* two-digit years: 00–68 → 20xx, 69–99 → 19xx */
        {"12/03/19", DATE_OK, 2019, 3, 12},
        {"01/01/00", DATE_OK, 2000, 1, 1},
        {"31/12/68", DATE_OK, 2068, 12, 31},
        {"01/01/69", DATE_OK, 1969, 1, 1},
        {"31/12/99", DATE_OK, 1999, 12, 31},
        {"1/2/19", DATE_OK, 2019, 2, 1},
        {"12-03-19", DATE_OK, 2019, 3, 12},
        {"12.03.19", DATE_OK, 2019, 3, 12},
        /* leap days */
        {"29/02/2020", DATE_OK, 2020, 2, 29},
        {"29/02/2000", DATE_OK, 2000, 2, 29},
        {"2016-02-29", DATE_OK, 2016, 2, 29},
        /* Excel serials (see the comment at the top for the independent check) */
        {"1", DATE_OK, 1900, 1, 1},
        {"59", DATE_OK, 1900, 2, 28},
        {"61", DATE_OK, 1900, 3, 1},
        {"43466", DATE_OK, 2019, 1, 1},
        {"43536", DATE_OK, 2019, 3, 12},
        {"2958465", DATE_OK, 9999, 12, 31},
        {"43466.5", DATE_OK, 2019, 1, 1},
        {"43466.999988", DATE_OK, 2019, 1, 1},
        {"43466,25", DATE_OK, 2019, 1, 1},
        /* trailing times */
        {"12/03/2019 14:30", DATE_OK, 2019, 3, 12},
        {"12/03/2019 14:30:59", DATE_OK, 2019, 3, 12},
        {"12/03/2019 14h30", DATE_OK, 2019, 3, 12},
        {"2019-03-12T14:30:00", DATE_OK, 2019, 3, 12},
        {"2019-03-12 00:00:00.000", DATE_OK, 2019, 3, 12},
        {"2019-03-12T14:30:00Z", DATE_OK, 2019, 3, 12},
        {"12/03/19 9:05", DATE_OK, 2019, 3, 12},
        {"12/03/2019 2:30 PM", DATE_OK, 2019, 3, 12},
        /* surrounding spaces and tabs */
        {"  2019-03-12", DATE_OK, 2019, 3, 12},
        {"12/03/2019   ", DATE_OK, 2019, 3, 12},
        {"\t12/03/2019\t", DATE_OK, 2019, 3, 12},
        {" 43466 ", DATE_OK, 2019, 1, 1},
        {" 12/03/2019 14:30 ", DATE_OK, 2019, 3, 12},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++)
        check_parse_case(&cases[i]);
}

static void test_parse_rejections(void **state)
{
    (void)state;
    static const struct parse_case cases[] = {
        /* no such day */
        {"29/02/2019", DATE_IMPOSSIBLE, 0, 0, 0},
        {"29/02/1900", DATE_IMPOSSIBLE, 0, 0, 0},
        {"2019-02-29", DATE_IMPOSSIBLE, 0, 0, 0},
        {"31/04/2018", DATE_IMPOSSIBLE, 0, 0, 0},
        {"31/06/2018", DATE_IMPOSSIBLE, 0, 0, 0},
        {"32/01/2019", DATE_IMPOSSIBLE, 0, 0, 0},
        {"00/01/2019", DATE_IMPOSSIBLE, 0, 0, 0},
        {"13/13/2019", DATE_IMPOSSIBLE, 0, 0, 0},
        {"12/00/2019", DATE_IMPOSSIBLE, 0, 0, 0},
        {"2019-13-01", DATE_IMPOSSIBLE, 0, 0, 0},
        {"29/02/19", DATE_IMPOSSIBLE, 0, 0, 0},
        {"29/02/2019 14:30", DATE_IMPOSSIBLE, 0, 0, 0},
        /* Excel serials that are no day */
        {"60", DATE_IMPOSSIBLE, 0, 0, 0},
        {"0", DATE_IMPOSSIBLE, 0, 0, 0},
        {"2958466", DATE_IMPOSSIBLE, 0, 0, 0},
        /* blank */
        {"", DATE_EMPTY, 0, 0, 0},
        {"   ", DATE_EMPTY, 0, 0, 0},
        {"\t \t", DATE_EMPTY, 0, 0, 0},
        /* not a date */
        {"abc", DATE_SYNTAX, 0, 0, 0},
        {"12/03/2019 foo", DATE_SYNTAX, 0, 0, 0},
        {"12/03/2019x", DATE_SYNTAX, 0, 0, 0},
        {"12/03/2019 T", DATE_SYNTAX, 0, 0, 0},
        {"12/03-2019", DATE_SYNTAX, 0, 0, 0},
        {"12/03", DATE_SYNTAX, 0, 0, 0},
        {"12/03/", DATE_SYNTAX, 0, 0, 0},
        {"12/03/201", DATE_SYNTAX, 0, 0, 0},
        {"12/03/20199", DATE_SYNTAX, 0, 0, 0},
        {"123/03/2019", DATE_SYNTAX, 0, 0, 0},
        {"2019-03", DATE_SYNTAX, 0, 0, 0},
        {"2019-03/12", DATE_SYNTAX, 0, 0, 0},
        {"-5", DATE_SYNTAX, 0, 0, 0},
        {"43466.5x", DATE_SYNTAX, 0, 0, 0},
        {"N/A", DATE_SYNTAX, 0, 0, 0},
        {"12 mars 2019", DATE_SYNTAX, 0, 0, 0},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++)
        check_parse_case(&cases[i]);
}

/* The parser reads exactly len bytes: text after them is not looked at, and no NUL is
 * needed. */
static void test_parse_respects_length(void **state)
{
    (void)state;
    const char text[] = "12/03/2019 garbage";
    day_t got = DAY_NONE;
    assert_int_equal(date_parse(text, 10, &got, NULL), DATE_OK);
    day_t want;
    assert_true(date_from_ymd(2019, 3, 12, &want));
    assert_int_equal(got, want);
    assert_int_equal(date_parse(text, strlen(text), &got, NULL), DATE_SYNTAX);
    char unterminated[10];
    memcpy(unterminated, "2019-03-12", 10);
    assert_int_equal(date_parse(unterminated, sizeof unterminated, &got, NULL), DATE_OK);
    assert_int_equal(got, want);
    assert_int_equal(date_parse(text, 0, &got, NULL), DATE_EMPTY);
}

/* "YYYY-MM-DD" exactly is read in one step (date_is_iso_form); what it says of a day that
 * does not exist is what the general reader says. */
static void test_iso_form(void **state)
{
    (void)state;
    assert_true(date_is_iso_form("2019-03-12", 10));
    assert_true(date_is_iso_form("0000-99-99", 10)); /* the form, not the day */
    assert_false(date_is_iso_form("2019-03-12", 9));
    assert_false(date_is_iso_form("2019-3-12 ", 10));
    assert_false(date_is_iso_form("2019/03/12", 10));
    assert_false(date_is_iso_form(" 019-03-12", 10));
    assert_false(date_is_iso_form("2019-03-1x", 10));
    static const struct {
        const char *text;
        enum date_status status;
        const char *why;
    } cases[] = {
        {"2019-02-29", DATE_IMPOSSIBLE, "29 February in a non-leap year"},
        {"2019-04-31", DATE_IMPOSSIBLE, "no such day in that month"},
        {"2019-00-10", DATE_IMPOSSIBLE, "month out of range 1-12"},
        {"2019-13-10", DATE_IMPOSSIBLE, "month out of range 1-12"},
        {"2019-03-00", DATE_IMPOSSIBLE, "no such day in that month"},
        {"0000-01-01", DATE_IMPOSSIBLE, "no such day in that month"},
        {"2020-02-29", DATE_OK, ""},
        {"0001-01-01", DATE_OK, ""},
        {"9999-12-31", DATE_OK, ""},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        day_t got = DAY_NONE;
        const char *why = NULL;
        assert_int_equal(date_parse(cases[i].text, 10, &got, &why), cases[i].status);
        assert_string_equal(why, cases[i].why);
    }
}

static void test_known_day_numbers(void **state)
{
    (void)state;
    static const struct {
        int y, m, d;
        day_t days; /* Python: (date(y, m, d) - date(1970, 1, 1)).days */
    } cases[] = {
        {1970, 1, 1, 0},      {1969, 12, 31, -1},  {2019, 3, 12, 17967},  {2000, 2, 29, 11016},
        {1900, 1, 1, -25567}, {2019, 1, 1, 17897}, {2020, 12, 31, 18627},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        day_t got;
        assert_true(date_from_ymd(cases[i].y, cases[i].m, cases[i].d, &got));
        assert_int_equal(got, cases[i].days);
        int y, m, d;
        date_to_ymd(cases[i].days, &y, &m, &d);
        assert_int_equal(y, cases[i].y);
        assert_int_equal(m, cases[i].m);
        assert_int_equal(d, cases[i].d);
    }
}

static void test_from_ymd_rejects(void **state)
{
    (void)state;
    static const int bad[][3] = {
        {2019, 2, 29}, {1900, 2, 29}, {2018, 4, 31}, {2019, 1, 0},  {2019, 0, 1},
        {2019, 13, 1}, {0, 1, 1},     {10000, 1, 1}, {2019, 1, 32}, {2100, 2, 29},
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        day_t out = 12345;
        if (date_from_ymd(bad[i][0], bad[i][1], bad[i][2], &out))
            fail_msg("date_from_ymd(%d, %d, %d) accepted", bad[i][0], bad[i][1], bad[i][2]);
        assert_int_equal(out, 12345);
    }
}

static void test_leap_years_and_month_lengths(void **state)
{
    (void)state;
    static const struct {
        int year;
        bool leap;
    } years[] = {{1900, false}, {2000, true}, {2016, true},  {2018, false},
                 {2019, false}, {2020, true}, {2100, false}, {2400, true}};
    for (size_t i = 0; i < sizeof years / sizeof years[0]; i++) {
        assert_int_equal(date_is_leap_year(years[i].year), years[i].leap);
        assert_int_equal(date_days_in_month(years[i].year, 2), years[i].leap ? 29 : 28);
    }
    static const int lengths[12] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    for (int m = 1; m <= 12; m++)
        assert_int_equal(date_days_in_month(2019, m), lengths[m - 1]);
}

/* Every day from 1899-12-01 to 2101-01-31: to_ymd(from_ymd(x)) == x, consecutive days are
 * consecutive day numbers, and the calendar advances day by day. */
static void test_round_trip_range(void **state)
{
    (void)state;
    day_t first, last;
    assert_true(date_from_ymd(1899, 12, 1, &first));
    assert_true(date_from_ymd(2101, 1, 31, &last));
    int py = 1899, pm = 11, pd = 30;
    for (day_t z = first; z <= last; z++) {
        int y, m, d;
        date_to_ymd(z, &y, &m, &d);
        day_t back;
        if (!date_from_ymd(y, m, d, &back) || back != z)
            fail_msg("round trip of day %d (%04d-%02d-%02d) failed", (int)z, y, m, d);
        /* successor of the previous day */
        int ey = py, em = pm, ed = pd + 1;
        if (ed > date_days_in_month(py, pm)) {
            ed = 1;
            if (++em > 12) {
                em = 1;
                ey++;
            }
        }
        if (y != ey || m != em || d != ed)
            fail_msg("day %d is %04d-%02d-%02d, expected %04d-%02d-%02d", (int)z, y, m, d, ey, em,
                     ed);
        py = y;
        pm = m;
        pd = d;
    }
}

static void test_quarters(void **state)
{
    (void)state;
    static const struct {
        const char *day, *start, *end;
    } cases[] = {
        {"2019-01-01", "2019-01-01", "2019-03-31"}, {"2019-02-15", "2019-01-01", "2019-03-31"},
        {"2019-03-31", "2019-01-01", "2019-03-31"}, {"2019-04-01", "2019-04-01", "2019-06-30"},
        {"2020-05-05", "2020-04-01", "2020-06-30"}, {"2019-08-31", "2019-07-01", "2019-09-30"},
        {"2019-09-30", "2019-07-01", "2019-09-30"}, {"2019-10-01", "2019-10-01", "2019-12-31"},
        {"2019-12-31", "2019-10-01", "2019-12-31"}, {"2020-02-29", "2020-01-01", "2020-03-31"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        day_t z, start, end;
        assert_int_equal(date_parse(cases[i].day, strlen(cases[i].day), &z, NULL), DATE_OK);
        assert_int_equal(date_parse(cases[i].start, strlen(cases[i].start), &start, NULL), DATE_OK);
        assert_int_equal(date_parse(cases[i].end, strlen(cases[i].end), &end, NULL), DATE_OK);
        char got_start[11], got_end[11];
        date_format_iso(date_quarter_start(z), got_start);
        date_format_iso(date_quarter_end(z), got_end);
        assert_string_equal(got_start, cases[i].start);
        assert_string_equal(got_end, cases[i].end);
        assert_int_equal(date_quarter_start(z), start);
        assert_int_equal(date_quarter_end(z), end);
    }
}

static void test_format_iso(void **state)
{
    (void)state;
    static const struct {
        int y, m, d;
        const char *iso;
    } cases[] = {
        {1970, 1, 1, "1970-01-01"},   {2019, 3, 5, "2019-03-05"}, {1900, 2, 28, "1900-02-28"},
        {9999, 12, 31, "9999-12-31"}, {1, 1, 1, "0001-01-01"},    {2020, 2, 29, "2020-02-29"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        day_t z;
        assert_true(date_from_ymd(cases[i].y, cases[i].m, cases[i].d, &z));
        char out[11];
        memset(out, 'x', sizeof out);
        date_format_iso(z, out);
        assert_string_equal(out, cases[i].iso);
        /* and the formatted text parses back to the same day */
        day_t back;
        assert_int_equal(date_parse(out, strlen(out), &back, NULL), DATE_OK);
        assert_int_equal(back, z);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_parse_accepted_forms),
        cmocka_unit_test(test_parse_rejections),
        cmocka_unit_test(test_parse_respects_length),
        cmocka_unit_test(test_iso_form),
        cmocka_unit_test(test_known_day_numbers),
        cmocka_unit_test(test_from_ymd_rejects),
        cmocka_unit_test(test_leap_years_and_month_lengths),
        cmocka_unit_test(test_round_trip_range),
        cmocka_unit_test(test_quarters),
        cmocka_unit_test(test_format_iso),
    };
    return cmocka_run_group_tests_name("dates", tests, NULL, NULL);
}
