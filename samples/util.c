/* util.c — the sample generator's helpers: stopping on errors, growing arrays, bounded
 * copies, random draws, the programme calendar and UTF-8 / Windows-1252 text. */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "gen.h"

/* ---------------------------------------------------------------- errors and memory */

_Noreturn void die(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    fputs("gen_samples: ", stderr);
    vfprintf(stderr, fmt, ap);
    fputc('\n', stderr);
    va_end(ap);
    exit(1);
}

/* Makes room for `need` elements; doubling keeps appends amortised O(1). */
void *grow(void *p, size_t *cap, size_t need, size_t elem)
{
    if (need <= *cap)
        return p;
    size_t n = *cap ? *cap * 2 : 64;
    while (n < need)
        n *= 2;
    void *q = realloc(p, n * elem);
    if (!q)
        die("out of memory");
    *cap = n;
    return q;
}

void copy_text(char *dst, size_t cap, const char *src)
{
    size_t n = strlen(src);
    if (n >= cap)
        die("text too long for its field: %s", src);
    memcpy(dst, src, n + 1);
}

void note(char *dst, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(dst, NOTE_CAP, fmt, ap);
    va_end(ap);
    if (n < 0 || n >= NOTE_CAP)
        die("note too long: %s", fmt);
}

/* ---------------------------------------------------------------- random numbers */

int rng_range(struct rng *r, int lo, int hi)
{
    return lo + (int)rng_below(r, (uint32_t)(hi - lo + 1));
}

bool rng_permille(struct rng *r, int p)
{
    return (int)rng_below(r, 1000) < p;
}

size_t rng_weighted(struct rng *r, const int *w, size_t n)
{
    int total = 0;
    for (size_t i = 0; i < n; i++)
        total += w[i];
    int x = (int)rng_below(r, (uint32_t)total);
    for (size_t i = 0; i < n; i++) {
        if (x < w[i])
            return i;
        x -= w[i];
    }
    return n - 1;
}

/* ---------------------------------------------------------------- calendar */

static int year_of(day_t z)
{
    int y, m, d;
    civil_from_days(z, &y, &m, &d);
    return y;
}

day_t window_first(void)
{
    return days_from_civil(FIRST_YEAR, 1, 1);
}

day_t window_last(void)
{
    return days_from_civil(FIRST_YEAR + N_YEARS - 1, 12, 31);
}

int year_index(day_t z)
{
    return year_of(z) - FIRST_YEAR;
}

void fmt_dmy(char *out, size_t cap, day_t z)
{
    int y, m, d;
    civil_from_days(z, &y, &m, &d); /* the bounds tell the compiler the text fits */
    snprintf(out, cap, "%02u/%02u/%04u", (unsigned)d % 100u, (unsigned)m % 100u,
             (unsigned)y % 10000u);
}

void fmt_iso(char *out, size_t cap, day_t z)
{
    int y, m, d;
    civil_from_days(z, &y, &m, &d);
    snprintf(out, cap, "%04u-%02u-%02u", (unsigned)y % 10000u, (unsigned)m % 100u,
             (unsigned)d % 100u);
}

/* ---------------------------------------------------------------- text */

/* Our strings are all built-in UTF-8 literals, so a malformed byte is a bug: stop. */
uint32_t utf8_next(const char **p)
{
    const unsigned char *s = (const unsigned char *)*p;
    int extra = s[0] < 0x80 ? 0 : (s[0] & 0xE0) == 0xC0 ? 1 : (s[0] & 0xF0) == 0xE0 ? 2 : -1;
    if (extra < 0)
        die("invalid UTF-8 in a built-in string");
    uint32_t cp = extra == 0 ? s[0] : s[0] & (extra == 1 ? 0x1Fu : 0x0Fu);
    for (int i = 1; i <= extra; i++) {
        if ((s[i] & 0xC0) != 0x80)
            die("invalid UTF-8 in a built-in string");
        cp = (cp << 6) | (s[i] & 0x3Fu);
    }
    *p += extra + 1;
    return cp;
}

static size_t utf8_put(uint32_t cp, char *out)
{
    if (cp < 0x80) {
        out[0] = (char)cp;
        return 1;
    }
    if (cp < 0x800) {
        out[0] = (char)(0xC0 | (cp >> 6));
        out[1] = (char)(0x80 | (cp & 0x3F));
        return 2;
    }
    out[0] = (char)(0xE0 | (cp >> 12));
    out[1] = (char)(0x80 | ((cp >> 6) & 0x3F));
    out[2] = (char)(0x80 | (cp & 0x3F));
    return 3;
}

/* Windows-1252 byte for a code point, or -1. Bytes 0x80–0x9F are the typographic extras
 * (en dash 0x96, œ 0x9C, ’ 0x92…); the rest of 0xA0–0xFF is Latin-1. */
int cp1252_byte(uint32_t cp)
{
    static const uint16_t high[32] = {
        0x20AC, 0,      0x201A, 0x0192, 0x201E, 0x2026, 0x2020, 0x2021, 0x02C6, 0x2030, 0x0160,
        0x2039, 0x0152, 0,      0x017D, 0,      0,      0x2018, 0x2019, 0x201C, 0x201D, 0x2022,
        0x2013, 0x2014, 0x02DC, 0x2122, 0x0161, 0x203A, 0x0153, 0,      0x017E, 0x0178,
    };
    if (cp < 0x80 || (cp >= 0xA0 && cp <= 0xFF))
        return (int)cp;
    for (int i = 0; i < 32; i++)
        if (high[i] != 0 && high[i] == cp)
            return 0x80 + i;
    return -1;
}

uint32_t cp_upper(uint32_t c)
{
    if (c >= 'a' && c <= 'z')
        return c - 32;
    if (c >= 0xE0 && c <= 0xFE && c != 0xF7)
        return c - 0x20;
    return c == 0x153 ? 0x152 : c;
}

uint32_t cp_lower(uint32_t c)
{
    if (c >= 'A' && c <= 'Z')
        return c + 32;
    if (c >= 0xC0 && c <= 0xDE && c != 0xD7)
        return c + 0x20;
    return c == 0x152 ? 0x153 : c;
}

/* Unaccented upper-case spelling of one code point, as a clerk typing without accents would. */
static const char *cp_ascii_upper(uint32_t c, char one[2])
{
    static const char latin1[] = "AAAAAAACEEEEIIIIDNOOOOOxOUUUUYTSAAAAAAACEEEEIIIIDNOOOOO/OUUUUYTY";
    if (c == 0x152 || c == 0x153)
        return "OE";
    if (c == 0x2019)
        return "'";
    if (c >= 0xC0 && c <= 0xFF)
        one[0] = latin1[c - 0xC0];
    else if (c < 0x80)
        one[0] = (char)cp_upper(c);
    else
        die("no ASCII spelling for U+%04X", (unsigned)c);
    one[1] = '\0';
    return one;
}

void map_utf8(const char *in, cp_map map, char *out, size_t cap)
{
    size_t n = 0;
    while (*in) {
        uint32_t cp = map(utf8_next(&in));
        if (n + 4 >= cap)
            die("text too long: %s", in);
        n += utf8_put(cp, out + n);
    }
    out[n] = '\0';
}

void upper_ascii(const char *in, char *out, size_t cap)
{
    size_t n = 0;
    char one[2];
    while (*in) {
        const char *s = cp_ascii_upper(utf8_next(&in), one);
        size_t len = strlen(s);
        if (n + len >= cap)
            die("text too long: %s", in);
        memcpy(out + n, s, len);
        n += len;
    }
    out[n] = '\0';
}

/* The person key REQUIREMENTS.md describes, minus the birth date: upper-case, unaccented,
 * letters and digits only. */
void fold_append(const char *in, char *out, size_t cap)
{
    char up[KEY_CAP];
    upper_ascii(in, up, sizeof up);
    size_t n = strlen(out);
    for (const char *p = up; *p; p++) {
        if ((*p >= 'A' && *p <= 'Z') || (*p >= '0' && *p <= '9')) {
            if (n + 1 >= cap)
                die("key too long: %s", in);
            out[n++] = *p;
        }
    }
    out[n] = '\0';
}

/* Levenshtein distance on short ASCII keys, used to keep invented people from looking like
 * probable duplicates by accident. */
int edit_distance(const char *a, const char *b)
{
    int prev[KEY_CAP + 1], cur[KEY_CAP + 1];
    size_t la = strlen(a), lb = strlen(b);
    for (size_t j = 0; j <= lb; j++)
        prev[j] = (int)j;
    for (size_t i = 1; i <= la; i++) {
        cur[0] = (int)i;
        for (size_t j = 1; j <= lb; j++) {
            int sub = prev[j - 1] + (a[i - 1] != b[j - 1]);
            int del = prev[j] + 1, ins = cur[j - 1] + 1;
            cur[j] = sub < del ? (sub < ins ? sub : ins) : (del < ins ? del : ins);
        }
        memcpy(prev, cur, (lb + 1) * sizeof prev[0]);
    }
    return prev[lb];
}
