/* dates.h — calendar dates as day numbers, and the date forms French exports use.
 *
 * A date is a `day_t`: days since 1970-01-01 (proleptic Gregorian), so comparisons and
 * differences are integer operations and a date costs four bytes.
 *
 * date_parse() accepts, always day first: YYYY-MM-DD, DD/MM/YYYY, DD-MM-YYYY, DD.MM.YYYY,
 * DD/MM/YY (and the same with - or .), one-digit days and months — each optionally
 * followed by a time after a space or 'T' — and Excel serial day numbers (1900 date system,
 * 1 … 2958465, the time of day as a fraction: "43466.5"). Two-digit years 00–68 are 2000–2068,
 * 69–99 are 1969–1999 (the POSIX strptime %y rule).
 */
#ifndef IMPACT_DATES_H
#define IMPACT_DATES_H

#include <stdbool.h>
#include <stdint.h>

typedef int32_t day_t;
#define DAY_NONE INT32_MIN

enum date_status {
    DATE_OK,
    DATE_EMPTY,      /* blank text */
    DATE_SYNTAX,     /* not one of the accepted forms */
    DATE_IMPOSSIBLE, /* right form, but no such day (31/04, 29/02 on a non-leap year) */
};

/* Parses text[0..len). On DATE_OK sets *out. `why`, when not NULL, receives a short static
 * English explanation for the other statuses. */
enum date_status date_parse(const char *text, unsigned long len, day_t *out, const char **why);

/* True when text[0..len) is exactly "YYYY-MM-DD" in digits, a valid day or not: the form
 * most exports use, which date_parse reads in one step. */
bool date_is_iso_form(const char *text, unsigned long len);

bool date_from_ymd(int year, int month, int day, day_t *out);
void date_to_ymd(day_t day, int *year, int *month, int *dom);
bool date_is_leap_year(int year);
int date_days_in_month(int year, int month);

/* Writes YYYY-MM-DD (11 bytes with the NUL). */
void date_format_iso(day_t day, char out[11]);

/* First day of the calendar quarter containing `day`, and last day of it. */
day_t date_quarter_start(day_t day);
day_t date_quarter_end(day_t day);

#endif
