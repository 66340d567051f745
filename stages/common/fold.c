/* fold.c — accent and case folding for labels and names, UTF-8 validation, edit distance. */
#include "stages/common/fold.h"

#include <stdint.h>
#include <stdio.h>
#include <string.h>

/* Base letters for U+00C0 … U+017F (Latin-1 Supplement letters and Latin Extended-A).
 * Two-letter entries are ligatures. Entries are upper-case; NULL means "keep as is". */
static const char *const latin_base[0x180 - 0xC0] = {
    /* C0 */ "A",  "A", "A",  "A",  "A", "A", "AE", "C",
    "E",           "E", "E",  "E",  "I", "I", "I",  "I",
    /* D0 */ "D",  "N", "O",  "O",  "O", "O", "O",  NULL,
    "O",           "U", "U",  "U",  "U", "Y", "TH", "SS",
    /* E0 */ "A",  "A", "A",  "A",  "A", "A", "AE", "C",
    "E",           "E", "E",  "E",  "I", "I", "I",  "I",
    /* F0 */ "D",  "N", "O",  "O",  "O", "O", "O",  NULL,
    "O",           "U", "U",  "U",  "U", "Y", "TH", "Y",
    /* 100 */ "A", "A", "A",  "A",  "A", "A", "C",  "C",
    "C",           "C", "C",  "C",  "C", "C", "D",  "D",
    /* 110 */ "D", "D", "E",  "E",  "E", "E", "E",  "E",
    "E",           "E", "E",  "E",  "G", "G", "G",  "G",
    /* 120 */ "G", "G", "G",  "G",  "H", "H", "H",  "H",
    "I",           "I", "I",  "I",  "I", "I", "I",  "I",
    /* 130 */ "I", "I", "IJ", "IJ", "J", "J", "K",  "K",
    "K",           "L", "L",  "L",  "L", "L", "L",  "L",
    /* 140 */ "L", "L", "L",  "N",  "N", "N", "N",  "N",
    "N",           "N", "N",  "N",  "O", "O", "O",  "O",
    /* 150 */ "O", "O", "OE", "OE", "R", "R", "R",  "R",
    "R",           "R", "S",  "S",  "S", "S", "S",  "S",
    /* 160 */ "S", "S", "T",  "T",  "T", "T", "T",  "T",
    "U",           "U", "U",  "U",  "U", "U", "U",  "U",
    /* 170 */ "U", "U", "U",  "U",  "W", "W", "Y",  "Y",
    "Y",           "Z", "Z",  "Z",  "Z", "Z", "Z",  "S",
};

/* Decodes one UTF-8 sequence at s (len bytes left). Returns its length, 0 if malformed. */
static size_t utf8_decode(const unsigned char *s, size_t len, uint32_t *cp)
{
    if (s[0] < 0x80) {
        *cp = s[0];
        return 1;
    }
    size_t n = s[0] >= 0xF0 ? 4 : s[0] >= 0xE0 ? 3 : s[0] >= 0xC2 ? 2 : 0;
    if (n == 0 || n > len || s[0] > 0xF4)
        return 0;
    uint32_t v = s[0] & (0x3F >> (n - 1));
    for (size_t i = 1; i < n; i++) {
        if ((s[i] & 0xC0) != 0x80)
            return 0;
        v = (v << 6) | (s[i] & 0x3F);
    }
    static const uint32_t min_for_len[5] = {0, 0, 0x80, 0x800, 0x10000};
    if (v < min_for_len[n] || v > 0x10FFFF || (v >= 0xD800 && v <= 0xDFFF))
        return 0;
    *cp = v;
    return n;
}

/* True when the eight bytes at s are all ASCII: ingest checks every field, mostly ASCII. */
static bool ascii8(const unsigned char *s)
{
    uint64_t word;
    memcpy(&word, s, sizeof word);
    return (word & 0x8080808080808080u) == 0;
}

bool utf8_valid(const char *text, size_t len, size_t *bad_offset)
{
    const unsigned char *s = (const unsigned char *)text;
    size_t i = 0;
    while (i < len) {
        if (i + 8 <= len && ascii8(s + i)) {
            i += 8;
            continue;
        }
        uint32_t cp;
        size_t n = s[i] < 0x80 ? 1 : utf8_decode(s + i, len - i, &cp);
        if (n == 0) {
            if (bad_offset)
                *bad_offset = i;
            return false;
        }
        i += n;
    }
    return true;
}

struct sink {
    char *out;
    size_t cap, len;
    bool pending_space;
    bool full; /* something did not fit: truncated, nothing more is written */
};

/* Writes the pending space (if any) and `bytes` together, or nothing: a truncated result is
 * a prefix of the full one, never ends with a space and never cuts a code point. */
static void put_bytes(struct sink *k, const char *bytes, size_t n)
{
    size_t space = k->pending_space && k->len > 0;
    k->pending_space = false;
    if (k->full || k->len + space + n >= k->cap) {
        k->full = true;
        return;
    }
    if (space)
        k->out[k->len++] = ' ';
    memcpy(k->out + k->len, bytes, n);
    k->len += n;
}

static bool is_space_cp(uint32_t cp)
{
    return cp == ' ' || cp == '\t' || cp == '\r' || cp == '\n' || cp == 0xA0 || cp == 0x202F ||
           (cp >= 0x2000 && cp <= 0x200A);
}

static bool is_apostrophe_cp(uint32_t cp)
{
    return cp == '\'' || cp == 0x2019 || cp == 0x2018 || cp == 0x02BC || cp == '`' || cp == 0xB4;
}

static bool is_dash_cp(uint32_t cp)
{
    return cp == '-' || cp == 0x2010 || cp == 0x2011 || cp == 0x2013 || cp == 0x2014;
}

/* Folds one code point into the sink. `name` drops separators instead of keeping them. */
static void fold_code_point(struct sink *k, uint32_t cp, const unsigned char *raw, size_t n,
                            bool name)
{
    if (is_space_cp(cp)) {
        if (!name)
            k->pending_space = true;
    } else if (is_apostrophe_cp(cp)) {
        if (!name)
            put_bytes(k, "'", 1);
    } else if (is_dash_cp(cp)) {
        if (!name)
            put_bytes(k, "-", 1);
    } else if (name && cp == '.') {
        /* "St. Denis" and "St Denis" are the same name */
    } else if (cp >= 0x300 && cp <= 0x36F) {
        /* a combining accent (decomposed text, as macOS tools write "é"): dropped, as the
         * accent of a precomposed letter is, so both spellings compare equal */
    } else if (cp < 0x80) {
        char ch = (char)(cp >= 'a' && cp <= 'z' ? cp - 32 : cp);
        put_bytes(k, &ch, 1);
    } else if (cp >= 0xC0 && cp < 0x180 && latin_base[cp - 0xC0]) {
        const char *base = latin_base[cp - 0xC0];
        put_bytes(k, base, base[1] ? 2 : 1); /* one letter, or two for a ligature */
    } else {
        put_bytes(k, (const char *)raw, n);
    }
}

/* An ASCII letter or digit, upper-cased; 0 for any other byte. */
static unsigned char plain_upper(unsigned char ch)
{
    unsigned char upper = ch & 0xDF; /* clears a lower-case letter's case bit */
    if ((unsigned)(upper - 'A') < 26)
        return upper;
    return (unsigned)(ch - '0') < 10 ? ch : 0;
}

/* The common case in one loop: a run of ASCII letters and digits is what fold_code_point
 * and put_bytes would write, upper-cased, with the pending space before it. Every row
 * folds several names and labels, so this path is worth its few lines
 * (docs/performance.md). Returns how many bytes of s[0..len) it took; 0 leaves the first
 * byte, and a run that does not fit, to the general path. */
static size_t put_plain_run(struct sink *k, const unsigned char *s, size_t len)
{
    size_t space = k->pending_space && k->len > 0;
    if (k->full || !plain_upper(s[0]) || k->len + space + 1 >= k->cap)
        return 0;
    if (space)
        k->out[k->len++] = ' ';
    k->pending_space = false;
    size_t room = k->cap - 1 - k->len, n = len < room ? len : room, i = 0;
    for (unsigned char ch; i < n && (ch = plain_upper(s[i])) != 0; i++)
        k->out[k->len + i] = (char)ch;
    k->len += i;
    return i;
}

static size_t fold(const char *in, size_t len, char *out, size_t cap, bool name)
{
    struct sink k = {out, cap, 0, false, false};
    const unsigned char *s = (const unsigned char *)in;
    size_t i = 0;
    while (i < len) {
        size_t run = put_plain_run(&k, s + i, len - i);
        i += run;
        if (run > 0 || i == len)
            continue;
        if (s[i] < 0x80) { /* a space or a sign: one byte, nothing to decode */
            fold_code_point(&k, s[i], s + i, 1, name);
            i++;
            continue;
        }
        uint32_t cp;
        size_t n = utf8_decode(s + i, len - i, &cp);
        if (n == 0) {
            i++; /* invalid byte: dropped (see header) */
            continue;
        }
        fold_code_point(&k, cp, s + i, n, name);
        i += n;
    }
    if (cap > 0)
        out[k.len] = '\0';
    return k.len;
}

size_t fold_label(const char *in, size_t len, char *out, size_t cap)
{
    return fold(in, len, out, cap, false);
}

size_t fold_name(const char *in, size_t len, char *out, size_t cap)
{
    return fold(in, len, out, cap, true);
}

char *utf8_excerpt(const char *text, size_t len, char *out, size_t cap)
{
    const char *s = text ? text : "", *e = s + (text ? len : 0);
    while (s < e && strchr(" \t\r\n", *s))
        s++;
    while (e > s && strchr(" \t\r\n", e[-1]))
        e--;
    if (s == e) {
        snprintf(out, cap, "%s", "(blank)");
        return out;
    }
    size_t n = (size_t)(e - s) < cap - 1 ? (size_t)(e - s) : cap - 1;
    while (n > 0 && n < (size_t)(e - s) && ((unsigned char)s[n] & 0xC0) == 0x80)
        n--; /* do not cut inside a multi-byte character */
    memcpy(out, s, n);
    out[n] = '\0';
    return out;
}

int fold_edit_distance(const char *a, const char *b, int limit)
{
    size_t la = strlen(a), lb = strlen(b);
    if ((la > lb ? la - lb : lb - la) > (size_t)limit)
        return limit + 1;
    enum { MAXLEN = 128 };
    if (la >= MAXLEN || lb >= MAXLEN)
        return strcmp(a, b) == 0 ? 0 : limit + 1;
    int prev[MAXLEN + 1], cur[MAXLEN + 1];
    for (size_t j = 0; j <= lb; j++)
        prev[j] = (int)j;
    for (size_t i = 1; i <= la; i++) {
        cur[0] = (int)i;
        int row_min = cur[0];
        for (size_t j = 1; j <= lb; j++) {
            int sub = prev[j - 1] + (a[i - 1] != b[j - 1]);
            int del = prev[j] + 1, ins = cur[j - 1] + 1;
            cur[j] = sub < del ? (sub < ins ? sub : ins) : (del < ins ? del : ins);
            if (cur[j] < row_min)
                row_min = cur[j];
        }
        if (row_min > limit)
            return limit + 1;
        memcpy(prev, cur, sizeof(int) * (lb + 1));
    }
    return prev[lb] > limit ? limit + 1 : prev[lb];
}
