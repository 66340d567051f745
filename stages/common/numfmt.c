/* numfmt.c — French and English number, percentage and date formatting (see numfmt.h).
 *
 * Numbers go through printf's "%.*f" in the C locale first (so the result never depends on
 * the process locale), then the digits are regrouped with the language's separators. */
#include "stages/common/numfmt.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

/* Big enough for "%.9f" of any double (DBL_MAX has 309 integer digits). */
#define PLAIN_MAX 352

struct separators {
    const char *thousands;
    const char *decimal;
};

static struct separators separators_for(enum numfmt_lang lang)
{
    if (lang == NUMFMT_LANG_EN)
        return (struct separators){",", "."};
    return (struct separators){NUMFMT_NNBSP, ","};
}

/* Copies text into buf, cutting before a UTF-8 continuation byte so a truncated result is
 * still valid UTF-8. Returns the full length, as snprintf does. */
static size_t copy_out(const char *text, char *buf, size_t size)
{
    size_t len = strlen(text);
    if (size == 0)
        return len;
    size_t n = len < size - 1 ? len : size - 1;
    while (n > 0 && n < len && ((unsigned char)text[n] & 0xC0) == 0x80)
        n--;
    memcpy(buf, text, n);
    buf[n] = '\0';
    return len;
}

/* "-0.00" and friends lose their sign: a rounded zero is not negative. */
static void drop_negative_zero(char *plain)
{
    if (plain[0] != '-')
        return;
    if (strspn(plain + 1, "0.") == strlen(plain + 1))
        memmove(plain, plain + 1, strlen(plain));
}

/* Rewrites C-locale "[-]digits[.digits]" with the language's separators into out. */
static void regroup(const char *plain, enum numfmt_lang lang, char *out, size_t cap)
{
    struct separators sep = separators_for(lang);
    size_t len = 0;
    if (*plain == '-')
        out[len++] = *plain++;
    size_t digits = strcspn(plain, ".");
    for (size_t i = 0; i < digits && len + 8 < cap; i++) {
        if (i > 0 && (digits - i) % 3 == 0)
            len += (size_t)snprintf(out + len, cap - len, "%s", sep.thousands);
        out[len++] = plain[i];
    }
    out[len] = '\0';
    if (plain[digits] == '.')
        snprintf(out + len, cap - len, "%s%s", sep.decimal, plain + digits + 1);
}

static const char *not_available(enum numfmt_lang lang)
{
    return lang == NUMFMT_LANG_EN ? "n/a" : "n.d.";
}

size_t numfmt_count(long value, enum numfmt_lang lang, char *buf, size_t size)
{
    char plain[32], grouped[64];
    snprintf(plain, sizeof plain, "%ld", value);
    regroup(plain, lang, grouped, sizeof grouped);
    return copy_out(grouped, buf, size);
}

size_t numfmt_decimal(double value, int decimals, enum numfmt_lang lang, char *buf, size_t size)
{
    if (!isfinite(value))
        return copy_out(not_available(lang), buf, size);
    char plain[PLAIN_MAX], grouped[2 * PLAIN_MAX];
    decimals = decimals < 0 ? 0 : decimals > 9 ? 9 : decimals;
    snprintf(plain, sizeof plain, "%.*f", decimals, value);
    drop_negative_zero(plain);
    regroup(plain, lang, grouped, sizeof grouped);
    return copy_out(grouped, buf, size);
}

size_t numfmt_percent(double ratio, int decimals, enum numfmt_lang lang, char *buf, size_t size)
{
    if (!isfinite(ratio))
        return copy_out(not_available(lang), buf, size);
    char number[2 * PLAIN_MAX], text[2 * PLAIN_MAX + 8];
    numfmt_decimal(ratio * 100.0, decimals, lang, number, sizeof number);
    snprintf(text, sizeof text, "%s%s%%", number, lang == NUMFMT_LANG_EN ? "" : NUMFMT_NNBSP);
    return copy_out(text, buf, size);
}

const char *numfmt_month_abbrev(int month, enum numfmt_lang lang)
{
    static const char *const fr[12] = {"janv.", "févr.", "mars",  "avr.", "mai",  "juin",
                                       "juil.", "août",  "sept.", "oct.", "nov.", "déc."};
    static const char *const en[12] = {"Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                       "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
    if (month < 1 || month > 12)
        return "?";
    return lang == NUMFMT_LANG_EN ? en[month - 1] : fr[month - 1];
}

size_t numfmt_date(day_t day, enum numfmt_lang lang, char *buf, size_t size)
{
    int y, m, d;
    char text[NUMFMT_BUF];
    date_to_ymd(day, &y, &m, &d);
    /* French writes the first of the month as an ordinal: "1er janvier". */
    const char *ordinal = (lang == NUMFMT_LANG_FR && d == 1) ? "er" : "";
    snprintf(text, sizeof text, "%d%s %s %d", d, ordinal, numfmt_month_abbrev(m, lang), y);
    return copy_out(text, buf, size);
}

size_t numfmt_quarter(day_t day, enum numfmt_lang lang, char *buf, size_t size)
{
    int y, m, d;
    char text[NUMFMT_BUF];
    date_to_ymd(day, &y, &m, &d);
    snprintf(text, sizeof text, "%c%d %d", lang == NUMFMT_LANG_EN ? 'Q' : 'T', (m - 1) / 3 + 1, y);
    return copy_out(text, buf, size);
}
