/* test_fold.c — table-driven tests of stages/common/fold: label and name folding, UTF-8
 * validation, and the bounded edit distance (checked against a plain reference
 * Levenshtein written here).
 *
 * Invisible characters are written as UTF-8 byte escapes: NBSP U+00A0 = C2 A0, narrow NBSP
 * U+202F = E2 80 AF, right single quote ’ U+2019 = E2 80 99, en dash U+2013 = E2 80 93.
 * A hex escape is closed with "" "" when the next character is a hex digit.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "stages/common/fold.h"

#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#define NBSP   "\xC2\xA0"
#define NNBSP  "\xE2\x80\xAF"
#define RSQUO  "\xE2\x80\x99"
#define LSQUO  "\xE2\x80\x98"
#define ENDASH "\xE2\x80\x93"

struct fold_case {
    const char *in;
    const char *want;
};

typedef size_t (*fold_fn)(const char *, size_t, char *, size_t);

static void check_fold_cases(const char *fn_name, fold_fn fn, const struct fold_case *cases,
                             size_t n)
{
    for (size_t i = 0; i < n; i++) {
        char out[256];
        size_t len = strlen(cases[i].in);
        size_t got = fn(cases[i].in, len, out, sizeof out);
        if (strcmp(out, cases[i].want) != 0)
            fail_msg("%s(\"%s\") gave \"%s\", expected \"%s\"", fn_name, cases[i].in, out,
                     cases[i].want);
        assert_int_equal(got, strlen(out));
        /* the documented never-truncating cap gives the same */
        char *big = malloc(4 * len + 1);
        assert_non_null(big);
        assert_int_equal(fn(cases[i].in, len, big, 4 * len + 1), got);
        assert_string_equal(big, out);
        free(big);
    }
}

static void test_fold_label(void **state)
{
    (void)state;
    static const struct fold_case cases[] = {
        {"", ""},
        {"   ", ""},
        {"present", "PRESENT"},
        {"  Présent ", "PRESENT"},
        {"PRÉSENT", "PRESENT"},
        {"présent", "PRESENT"},
        {"excusé", "EXCUSE"},
        {"Oui", "OUI"},
        {"vrai", "VRAI"},
        {"Femme", "FEMME"},
        {"féminin", "FEMININ"},
        {"Intérim", "INTERIM"},
        {"Reprise d'études", "REPRISE D'ETUDES"},
        /* decomposed accents (NFD: a letter, then U+0301 or U+0300) fold as precomposed ones */
        {"Cre\xCC\x81"
         "ation d'entreprise",
         "CREATION D'ENTREPRISE"},
        {"Fe\xCC\x81"
         "lix Pyat",
         "FELIX PYAT"},
        {"Tre\xCC\x80"
         "s",
         "TRES"},
        /* typographic apostrophes become ASCII */
        {"Création d" RSQUO "entreprise", "CREATION D'ENTREPRISE"},
        {"Création d" LSQUO "entreprise", "CREATION D'ENTREPRISE"},
        {"Demandeur d`emploi", "DEMANDEUR D'EMPLOI"},
        /* internal runs of spaces, tabs, newlines, NBSP and U+202F collapse to one space */
        {"  Demandeur    d'emploi  ", "DEMANDEUR D'EMPLOI"},
        {"Formation\tqualifiante", "FORMATION QUALIFIANTE"},
        {"a\r\nb", "A B"},
        {"Félix" NBSP "Pyat", "FELIX PYAT"},
        {"3" NNBSP "000", "3 000"},
        {NBSP " x " NNBSP, "X"},
        {"a " NBSP " " NNBSP "\t b", "A B"},
        /* dashes kept (as ASCII) in labels */
        {"Parc Bellevue " ENDASH " Félix Pyat", "PARC BELLEVUE - FELIX PYAT"},
        {"Jean-Pierre", "JEAN-PIERRE"},
        /* accents of Latin-1 and Latin Extended-A */
        {"àâäçèéêëîïôöùûüÿ", "AAACEEEEIIOOUUUY"},
        {"ÀÂÄÇÈÉÊËÎÏÔÖÙÛÜŸ", "AAACEEEEIIOOUUUY"},
        {"ñØøåÅ", "NOOAA"},
        {"ŁódźŚląsk", "LODZSLASK"},
        {"Çağlar", "CAGLAR"},
        /* ligatures and ß */
        {"cœur", "COEUR"},
        {"Œuvre", "OEUVRE"},
        {"Lætitia", "LAETITIA"},
        {"ÆSIR", "AESIR"},
        {"Straße", "STRASSE"},
        {"Ĳssel", "IJSSEL"},
        {"þorn", "THORN"},
        /* characters outside Latin-1 / Latin Extended-A are kept as they are */
        {"× ÷", "× ÷"},
        {"100 €", "100 €"},
        {"αβ", "αβ"},
        {"😀 ok", "😀 OK"},
        /* invalid UTF-8 bytes are dropped */
        {"A\xFF"
         "B",
         "AB"},
        {"caf\xE9", "CAF"},
        {"\xC0\x80X", "X"},
        {"ab\xE2\x82", "AB"},
        {"\xED\xA0\x80z", "Z"},
        {"\x80\x80oui\x80", "OUI"},
    };
    check_fold_cases("fold_label", fold_label, cases, sizeof cases / sizeof cases[0]);
}

static void test_fold_name(void **state)
{
    (void)state;
    static const struct fold_case cases[] = {
        {"", ""},
        {"Dupont", "DUPONT"},
        {"  dupont  ", "DUPONT"},
        {"Le Goff-N'Diaye", "LEGOFFNDIAYE"},
        {"He\xCC\x81"
         "bert",
         "HEBERT"},
        {"N" RSQUO "Diaye", "NDIAYE"},
        {"N" LSQUO "Diaye", "NDIAYE"},
        {"O`Neil", "ONEIL"},
        {"O´Neil", "ONEIL"},
        {"Jean Pierre", "JEANPIERRE"},
        {"Jean-Pierre", "JEANPIERRE"},
        {"jean  -  pierre", "JEANPIERRE"},
        {"Dupont" ENDASH "Martin", "DUPONTMARTIN"},
        {"St. Denis", "STDENIS"},
        {"Bénédicte" NBSP "Le" NNBSP "Goff", "BENEDICTELEGOFF"},
        {"Hélène Müller-Lüdenscheidt", "HELENEMULLERLUDENSCHEIDT"},
        {"Œdipe", "OEDIPE"},
        {"Strauß", "STRAUSS"},
        {"Lætitia", "LAETITIA"},
        {"Zoé", "ZOE"},
        {"ZOE", "ZOE"},
        {"Mo\xFFhamed", "MOHAMED"},
        {"Ahmed\xC3", "AHMED"},
    };
    check_fold_cases("fold_name", fold_name, cases, sizeof cases / sizeof cases[0]);
}

/* With every cap from 1 to the full length + 1, the result is NUL-terminated, at most cap - 1
 * bytes, a prefix of the untruncated result, valid UTF-8 (no code point cut in half), and
 * never ends with a space a truncation left behind. */
static void check_truncation(const char *in, bool name)
{
    fold_fn fn = name ? fold_name : fold_label;
    size_t len = strlen(in);
    char full[256];
    size_t full_len = fn(in, len, full, sizeof full);
    assert_true(full_len < sizeof full);
    for (size_t cap = 1; cap <= full_len + 1; cap++) {
        char out[256];
        memset(out, '#', sizeof out);
        size_t got = fn(in, len, out, cap);
        if (got >= cap || out[got] != '\0' || strlen(out) != got)
            fail_msg("fold(\"%s\", cap %zu): length %zu not NUL-terminated within cap", in, cap,
                     got);
        for (size_t j = got + 1; j < sizeof out; j++)
            if (out[j] != '#')
                fail_msg("fold(\"%s\", cap %zu) wrote past its result", in, cap);
        if (memcmp(out, full, got) != 0)
            fail_msg("fold(\"%s\", cap %zu) gave \"%s\", not a prefix of \"%s\"", in, cap, out,
                     full);
        if (!utf8_valid(out, got, NULL))
            fail_msg("fold(\"%s\", cap %zu) cut a UTF-8 sequence: \"%s\"", in, cap, out);
        if (got > 0 && out[got - 1] == ' ')
            fail_msg("fold(\"%s\", cap %zu) ends with a space: \"%s\"", in, cap, out);
        if (cap == full_len + 1)
            assert_string_equal(out, full);
    }
}

static void test_fold_truncation(void **state)
{
    (void)state;
    static const char *const inputs[] = {
        "Demandeur d'emploi",
        "Création d" RSQUO "entreprise",
        "ABC DE",
        "A B C D E F",
        "ABCÆD",
        "Straße ok",
        "ABC€D",
        "x 😀 y",
        "αβγδ",
        "Félix" NBSP "Pyat",
    };
    for (size_t i = 0; i < sizeof inputs / sizeof inputs[0]; i++) {
        check_truncation(inputs[i], false);
        check_truncation(inputs[i], true);
    }
    /* a cap of 0 writes nothing at all */
    char out[4] = "zzz";
    assert_int_equal(fold_label("abc", 3, out, 0), 0);
    assert_string_equal(out, "zzz");
    assert_int_equal(fold_name("abc", 3, out, 0), 0);
    assert_string_equal(out, "zzz");
    /* a cap of 1 gives the empty string */
    assert_int_equal(fold_label("abc", 3, out, 1), 0);
    assert_string_equal(out, "");
    /* exactly fitting */
    assert_int_equal(fold_label("abc", 3, out, 4), 3);
    assert_string_equal(out, "ABC");
}

/* Only len bytes are read; the input need not be NUL-terminated. */
static void test_fold_respects_length(void **state)
{
    (void)state;
    char out[32];
    assert_int_equal(fold_label("Présent et plus", strlen("Présent"), out, sizeof out), 7);
    assert_string_equal(out, "PRESENT");
    const char raw[3] = {'a', 'b', 'c'};
    assert_int_equal(fold_name(raw, 2, out, sizeof out), 2);
    assert_string_equal(out, "AB");
}

struct utf8_case {
    const char *text;
    size_t len; /* 0: strlen(text) */
    bool valid;
    size_t bad_offset; /* when !valid */
};

static void test_utf8_valid(void **state)
{
    (void)state;
    static const struct utf8_case cases[] = {
        {"", 0, true, 0},
        {"abc", 0, true, 0},
        {"é", 0, true, 0},
        {"€", 0, true, 0},
        {"😀", 0, true, 0},
        {"\xF4\x8F\xBF\xBF", 0, true, 0}, /* U+10FFFF */
        {"\xEF\xBF\xBF", 0, true, 0},     /* U+FFFF */
        {"\xED\x9F\xBF", 0, true, 0},     /* U+D7FF, last before the surrogates */
        {"\xEE\x80\x80", 0, true, 0},     /* U+E000, first after them */
        {"\xC2\x80", 0, true, 0},         /* U+0080, shortest two-byte */
        {"\xE0\xA0\x80", 0, true, 0},     /* U+0800, shortest three-byte */
        {"\xF0\x90\x80\x80", 0, true, 0}, /* U+10000, shortest four-byte */
        {"a\0b", 3, true, 0},             /* embedded NUL is valid */
        /* overlong forms */
        {"ab\xC0\x80", 0, false, 2},
        {"\xC1\xBF", 0, false, 0},
        {"x\xE0\x80\x80", 0, false, 1},
        {"\xE0\x9F\xBF", 0, false, 0},
        {"\xF0\x8F\xBF\xBF", 0, false, 0},
        /* surrogates */
        {"ab\xED\xA0\x80", 0, false, 2},
        {"\xED\xBF\xBF", 0, false, 0},
        /* beyond U+10FFFF, and bytes that never occur */
        {"\xF4\x90\x80\x80", 0, false, 0},
        {"\xF5\x80\x80\x80", 0, false, 0},
        {"ok\xFF", 0, false, 2},
        {"\xFE", 0, false, 0},
        /* lone or missing continuation bytes */
        {"\x80", 0, false, 0},
        {"é\x80", 0, false, 2},
        {"\xE2\x28\xA1", 0, false, 0},
        {"é\xC3"
         "A",
         0, false, 2},
        /* truncated sequences at the end */
        {"abc\xE2\x82", 0, false, 3},
        {"\xF0\x9F\x98", 0, false, 0},
        {"Zo\xC3", 0, false, 2},
        /* Windows-1252 text read as UTF-8 */
        {"caf\xE9", 0, false, 3},
        {"Pr\xE9sent", 0, false, 2},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        const struct utf8_case *c = &cases[i];
        size_t len = c->len ? c->len : strlen(c->text);
        size_t bad = 9999;
        bool ok = utf8_valid(c->text, len, &bad);
        if (ok != c->valid)
            fail_msg("utf8_valid(case %zu) returned %d, expected %d", i, ok, c->valid);
        if (!ok && bad != c->bad_offset)
            fail_msg("utf8_valid(case %zu) bad offset %zu, expected %zu", i, bad, c->bad_offset);
        if (ok)
            assert_int_equal(bad, 9999); /* untouched on success */
        assert_int_equal(utf8_valid(c->text, len, NULL), c->valid);
    }
}

/* Plain Levenshtein distance, no early exit: the reference for fold_edit_distance. */
static int reference_distance(const char *a, const char *b)
{
    size_t la = strlen(a), lb = strlen(b);
    int *row = malloc((lb + 1) * sizeof *row);
    assert_non_null(row);
    for (size_t j = 0; j <= lb; j++)
        row[j] = (int)j;
    for (size_t i = 1; i <= la; i++) {
        int diag = row[0];
        row[0] = (int)i;
        for (size_t j = 1; j <= lb; j++) {
            int up = row[j];
            int best = diag + (a[i - 1] != b[j - 1]);
            if (up + 1 < best)
                best = up + 1;
            if (row[j - 1] + 1 < best)
                best = row[j - 1] + 1;
            row[j] = best;
            diag = up;
        }
    }
    int d = row[lb];
    free(row);
    return d;
}

/* utf8_excerpt: trimmed, "(blank)" for blanks, never cut inside a character. "é" is the two
 * bytes C3 A9, so a 4-byte buffer (3 bytes of text) can hold "Aé" but not "Aéé". */
static void test_utf8_excerpt(void **state)
{
    (void)state;
    static const struct {
        const char *in;
        size_t cap;
        const char *want;
    } cases[] = {
        {"  Autre ", 64, "Autre"},     {"", 64, "(blank)"},
        {" \t ", 64, "(blank)"},       {"A\xC3\xA9\xC3\xA9", 4, "A\xC3\xA9"},
        {"A\xC3\xA9\xC3\xA9", 3, "A"}, {"abcdef", 4, "abc"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        char out[64];
        utf8_excerpt(cases[i].in, strlen(cases[i].in), out, cases[i].cap);
        assert_string_equal(out, cases[i].want);
        assert_true(utf8_valid(out, strlen(out), NULL));
    }
}

static void test_edit_distance(void **state)
{
    (void)state;
    static const struct {
        const char *a, *b;
        int limit, want;
    } cases[] = {
        {"MOHAMED", "MOHAMMED", 2, 1},
        {"MOHAMMED", "MOHAMED", 2, 1},
        {"MOHAMED", "MOUHAMED", 2, 1},
        {"MOHAMED", "MOHAMED", 2, 0},
        {"DUPONT", "DUPOND", 2, 1},
        {"", "", 2, 0},
        {"ABC", "", 5, 3},
        {"", "ABC", 5, 3},
        {"ABC", "", 2, 3}, /* over the limit: limit + 1 */
        {"KITTEN", "SITTING", 5, 3},
        {"KITTEN", "SITTING", 3, 3},
        {"KITTEN", "SITTING", 2, 3},
        {"KITTEN", "SITTING", 1, 2},
        {"AB", "BA", 2, 2}, /* Levenshtein: a transposition costs two */
        {"MOHAMED", "MOHAMMED", 0, 1},
        {"SAME", "SAME", 0, 0},
        {"AAAAAAAAAA", "BBBBBBBBBB", 2, 3},
        {"LEGOFF", "LEGOF", 1, 1},
        {"NGUYEN", "NGUYENVAN", 2, 3},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        int got = fold_edit_distance(cases[i].a, cases[i].b, cases[i].limit);
        if (got != cases[i].want)
            fail_msg("fold_edit_distance(\"%s\", \"%s\", %d) = %d, expected %d", cases[i].a,
                     cases[i].b, cases[i].limit, got, cases[i].want);
    }
}

/* Against the reference on every pair of a word list and every limit 0..6: the result is
 * min(distance, limit + 1), and symmetric. */
static void test_edit_distance_matches_reference(void **state)
{
    (void)state;
    static const char *const words[] = {
        "",         "A",       "AB",         "BA",        "ABC",       "MOHAMED",
        "MOHAMMED", "MEHDI",   "MAHDI",      "DUPONT",    "DUPOND",    "DURAND",
        "LEGOFF",   "GOFFLE",  "NDIAYE",     "DIAYE",     "NGUYEN",    "NGUYENVAN",
        "BENALI",   "BENALLI", "ABDELKADER", "ABDELKRIM", "XYZXYZXYZ", "ZYXZYXZYX",
    };
    size_t n = sizeof words / sizeof words[0];
    for (size_t i = 0; i < n; i++)
        for (size_t j = 0; j < n; j++) {
            int ref = reference_distance(words[i], words[j]);
            for (int limit = 0; limit <= 6; limit++) {
                int want = ref <= limit ? ref : limit + 1;
                int got = fold_edit_distance(words[i], words[j], limit);
                if (got != want)
                    fail_msg("fold_edit_distance(\"%s\", \"%s\", %d) = %d, expected %d", words[i],
                             words[j], limit, got, want);
            }
        }
}

/* Strings of 128 bytes or more are only compared for equality (documented limit of the
 * fixed-size rows): equal → 0, different → limit + 1, lengths unequal beyond the limit →
 * limit + 1. */
static void test_edit_distance_long_strings(void **state)
{
    (void)state;
    char a[201], b[201];
    memset(a, 'A', 200);
    a[200] = '\0';
    memcpy(b, a, sizeof a);
    assert_int_equal(fold_edit_distance(a, b, 2), 0);
    b[100] = 'B';
    assert_int_equal(fold_edit_distance(a, b, 2), 3);
    b[199] = '\0';
    assert_int_equal(fold_edit_distance(a, b, 2), 3);
    /* 127 bytes still gets the exact distance */
    char c[128], d[128];
    memset(c, 'C', 127);
    c[127] = '\0';
    memcpy(d, c, sizeof c);
    d[50] = 'D';
    assert_int_equal(fold_edit_distance(c, d, 2), 1);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_fold_label),
        cmocka_unit_test(test_fold_name),
        cmocka_unit_test(test_fold_truncation),
        cmocka_unit_test(test_fold_respects_length),
        cmocka_unit_test(test_utf8_valid),
        cmocka_unit_test(test_utf8_excerpt),
        cmocka_unit_test(test_edit_distance),
        cmocka_unit_test(test_edit_distance_matches_reference),
        cmocka_unit_test(test_edit_distance_long_strings),
    };
    return cmocka_run_group_tests_name("fold", tests, NULL, NULL);
}
