/* dates.c — day numbers (Howard Hinnant's civil-from-days algorithms) and the parser for
 * the date forms of French exports. */
#include "stages/common/dates.h"

#include <stdio.h>
#include <string.h>

bool date_is_leap_year(int year)
{
    return (year % 4 == 0 && year % 100 != 0) || year % 400 == 0;
}

int date_days_in_month(int year, int month)
{
    static const int days[12] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    if (month == 2 && date_is_leap_year(year))
        return 29;
    return days[month - 1];
}

static day_t days_from_civil(int y, int m, int d)
{
    y -= m <= 2;
    int era = (y >= 0 ? y : y - 399) / 400;
    int yoe = y - era * 400;
    int doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
    int doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    return era * 146097 + doe - 719468;
}

bool date_from_ymd(int year, int month, int day, day_t *out)
{
    if (year < 1 || year > 9999 || month < 1 || month > 12 || day < 1 ||
        day > date_days_in_month(year, month))
        return false;
    *out = days_from_civil(year, month, day);
    return true;
}

void date_to_ymd(day_t z, int *year, int *month, int *dom)
{
    z += 719468;
    int era = (z >= 0 ? z : z - 146096) / 146097;
    int doe = z - era * 146097;
    int yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
    int doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    int mp = (5 * doy + 2) / 153;
    int d = doy - (153 * mp + 2) / 5 + 1;
    int m = mp + (mp < 10 ? 3 : -9);
    *year = yoe + era * 400 + (m <= 2);
    *month = m;
    *dom = d;
}

/* Digits written by hand, not with snprintf: join and clean format a date for every row's
 * keys, and snprintf was a tenth of a run's time (docs/performance.md). */
void date_format_iso(day_t day, char out[11])
{
    int y, m, d;
    date_to_ymd(day, &y, &m, &d);
    unsigned uy = (unsigned)y % 10000u, um = (unsigned)m % 100u, ud = (unsigned)d % 100u;
    const unsigned digits[8] = {uy / 1000, uy / 100 % 10, uy / 10 % 10, uy % 10,
                                um / 10,   um % 10,       ud / 10,      ud % 10};
    static const int at[8] = {0, 1, 2, 3, 5, 6, 8, 9};
    for (int i = 0; i < 8; i++)
        out[at[i]] = (char)('0' + digits[i]);
    out[4] = out[7] = '-';
    out[10] = '\0';
}

day_t date_quarter_start(day_t day)
{
    int y, m, d;
    date_to_ymd(day, &y, &m, &d);
    day_t start = 0;
    date_from_ymd(y, (m - 1) / 3 * 3 + 1, 1, &start);
    return start;
}

day_t date_quarter_end(day_t day)
{
    int y, m, d;
    date_to_ymd(day, &y, &m, &d);
    int last_month = (m - 1) / 3 * 3 + 3;
    day_t end = 0;
    date_from_ymd(y, last_month, date_days_in_month(y, last_month), &end);
    return end;
}

/* ---- parsing ---- */

struct cursor {
    const char *p, *end;
};

static int read_digits(struct cursor *c, int min, int max, int *value)
{
    int n = 0, v = 0;
    while (c->p < c->end && n < max && *c->p >= '0' && *c->p <= '9') {
        v = v * 10 + (*c->p - '0');
        c->p++;
        n++;
    }
    *value = v;
    return n >= min ? n : 0;
}

static bool is_space(char ch)
{
    return ch == ' ' || ch == '\t';
}

/* After the date: nothing, or a time introduced by a space or 'T' ("14:30", "14:30:00",
 * "14h30", "00:00:00.000"). */
static bool rest_is_time(struct cursor c)
{
    if (c.p == c.end)
        return true;
    if (!is_space(*c.p) && *c.p != 'T')
        return false;
    while (c.p < c.end && (is_space(*c.p) || *c.p == 'T'))
        c.p++;
    int digits = 0;
    for (; c.p < c.end; c.p++) {
        char ch = *c.p;
        if (ch >= '0' && ch <= '9')
            digits++;
        else if (!strchr(":.hHZ+- APMapm", ch))
            return false;
    }
    return digits > 0;
}

static enum date_status finish(int y, int m, int d, struct cursor c, day_t *out, const char **why)
{
    if (!rest_is_time(c)) {
        *why = "unexpected text after the date";
        return DATE_SYNTAX;
    }
    if (m < 1 || m > 12) {
        *why = "month out of range 1-12";
        return DATE_IMPOSSIBLE;
    }
    if (!date_from_ymd(y, m, d, out)) {
        *why = (m == 2 && d == 29) ? "29 February in a non-leap year" : "no such day in that month";
        return DATE_IMPOSSIBLE;
    }
    return DATE_OK;
}

static enum date_status parse_iso(struct cursor c, day_t *out, const char **why)
{
    int y, m, d;
    char sep;
    if (read_digits(&c, 4, 4, &y) == 0 || c.p >= c.end || (*c.p != '-' && *c.p != '/'))
        return DATE_SYNTAX;
    sep = *c.p++;
    if (!read_digits(&c, 1, 2, &m) || c.p >= c.end || *c.p++ != sep || !read_digits(&c, 1, 2, &d))
        return DATE_SYNTAX;
    return finish(y, m, d, c, out, why);
}

static enum date_status parse_day_first(struct cursor c, day_t *out, const char **why)
{
    int y, m, d, ny;
    char sep;
    if (!read_digits(&c, 1, 2, &d) || c.p >= c.end || !strchr("/-.", *c.p))
        return DATE_SYNTAX;
    sep = *c.p++;
    if (!read_digits(&c, 1, 2, &m) || c.p >= c.end || *c.p++ != sep)
        return DATE_SYNTAX;
    ny = read_digits(&c, 2, 4, &y);
    if (ny == 2)
        y += y <= 68 ? 2000 : 1900;
    else if (ny != 4)
        return DATE_SYNTAX;
    return finish(y, m, d, c, out, why);
}

/* Excel's 1900 date system: serial 1 is 1900-01-01, and Excel counts a 29 February 1900 that
 * never was, so from serial 61 on the epoch is 1899-12-30. */
static enum date_status parse_excel_serial(struct cursor c, day_t *out, const char **why)
{
    long serial = 0;
    int n = 0;
    while (c.p < c.end && *c.p >= '0' && *c.p <= '9' && n < 8) {
        serial = serial * 10 + (*c.p++ - '0');
        n++;
    }
    if (n == 0)
        return DATE_SYNTAX;
    if (c.p < c.end && (*c.p == '.' || *c.p == ',')) {
        c.p++;
        while (c.p < c.end && *c.p >= '0' && *c.p <= '9')
            c.p++;
    }
    if (c.p != c.end)
        return DATE_SYNTAX;
    if (serial < 1 || serial > 2958465 || serial == 60) {
        *why = serial == 60 ? "Excel serial 60 is 29 February 1900, which did not exist"
                            : "Excel serial day number out of range 1-2958465";
        return DATE_IMPOSSIBLE;
    }
    day_t epoch = 0;
    date_from_ymd(1899, 12, serial < 60 ? 31 : 30, &epoch);
    *out = epoch + (day_t)serial;
    return DATE_OK;
}

static int two_digits(const char *p)
{
    return (p[0] - '0') * 10 + (p[1] - '0');
}

static bool is_digit(char ch)
{
    return (unsigned char)(ch - '0') < 10;
}

bool date_is_iso_form(const char *text, unsigned long len)
{
    return len == 10 && text[4] == '-' && text[7] == '-' && is_digit(text[0]) &&
           is_digit(text[1]) && is_digit(text[2]) && is_digit(text[3]) && is_digit(text[5]) &&
           is_digit(text[6]) && is_digit(text[8]) && is_digit(text[9]);
}

/* A valid day straight away; finish() says what is wrong with any other. */
static enum date_status read_iso_form(const char *text, day_t *out, const char **why)
{
    int y = two_digits(text) * 100 + two_digits(text + 2), m = two_digits(text + 5),
        d = two_digits(text + 8);
    if (y >= 1 && m >= 1 && m <= 12 && d >= 1 && d <= date_days_in_month(y, m)) {
        *out = days_from_civil(y, m, d);
        return DATE_OK;
    }
    return finish(y, m, d, (struct cursor){text + 10, text + 10}, out, why);
}

enum date_status date_parse(const char *text, unsigned long len, day_t *out, const char **why)
{
    const char *ignored;
    if (!why)
        why = &ignored;
    *why = "";
    if (date_is_iso_form(text, len)) /* most exports: read at once, as parse_iso would */
        return read_iso_form(text, out, why);
    struct cursor c = {text, text + len};
    while (c.p < c.end && is_space(*c.p))
        c.p++;
    while (c.end > c.p && is_space(c.end[-1]))
        c.end--;
    if (c.p == c.end) {
        *why = "empty date";
        return DATE_EMPTY;
    }
    enum date_status st = parse_iso(c, out, why);
    if (st == DATE_SYNTAX)
        st = parse_day_first(c, out, why);
    if (st == DATE_SYNTAX)
        st = parse_excel_serial(c, out, why);
    if (st == DATE_SYNTAX && !**why)
        *why = "expected a date such as 31/12/2019, 2019-12-31 or an Excel serial number";
    return st;
}
