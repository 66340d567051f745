/* test_intern.c — tests of stages/common/intern (strtab, keymap, the byte hash) and of the
 * arena the string table copies into.
 *
 * The tables hash with intern_hash_words, whose values are not fixed (nothing written out
 * depends on them): its tests check that it tells keys apart and reads only the bytes it
 * is given.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "stages/common/arena.h"
#include "stages/common/intern.h"

#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct tables {
    struct arena *arena;
    struct strtab *tab;
};

static int setup_tables(void **state)
{
    struct tables *t = calloc(1, sizeof *t);
    if (!t)
        return -1;
    t->arena = arena_new();
    t->tab = strtab_new(t->arena);
    *state = t;
    return 0;
}

static int teardown_tables(void **state)
{
    struct tables *t = *state;
    strtab_free(t->tab);
    arena_free(t->arena);
    free(t);
    return 0;
}

static uint32_t intern_str(struct strtab *tab, const char *s, bool *added)
{
    return strtab_intern(tab, s, strlen(s), added);
}

static void test_strtab_first_seen_order(void **state)
{
    struct tables *t = *state;
    static const struct {
        const char *text;
        uint32_t id;
        bool added;
    } steps[] = {
        {"Marseille 3e", 0, true},  {"Tarascon", 1, true},  {"Marseille 3e", 0, false},
        {"Marseille 13e", 2, true}, {"Tarascon", 1, false}, {"", 3, true},
        {"tarascon", 4, true},      {"", 3, false},         {"Marseille 13e", 2, false},
    };
    for (size_t i = 0; i < sizeof steps / sizeof steps[0]; i++) {
        bool added = !steps[i].added;
        uint32_t id = intern_str(t->tab, steps[i].text, &added);
        if (id != steps[i].id || added != steps[i].added)
            fail_msg("step %zu (\"%s\"): id %u added %d, expected id %u added %d", i, steps[i].text,
                     id, added, steps[i].id, steps[i].added);
    }
    assert_int_equal(strtab_count(t->tab), 5);
    assert_string_equal(strtab_get(t->tab, 0), "Marseille 3e");
    assert_string_equal(strtab_get(t->tab, 1), "Tarascon");
    assert_string_equal(strtab_get(t->tab, 2), "Marseille 13e");
    assert_string_equal(strtab_get(t->tab, 3), "");
    assert_string_equal(strtab_get(t->tab, 4), "tarascon");
    assert_null(strtab_get(t->tab, 5));
    assert_null(strtab_get(t->tab, INTERN_NONE));
    /* find never adds */
    assert_int_equal(strtab_find(t->tab, "Tarascon", 8), 1);
    assert_int_equal(strtab_find(t->tab, "TARASCON", 8), INTERN_NONE);
    assert_int_equal(strtab_find(t->tab, "Marseille", 9), INTERN_NONE);
    assert_int_equal(strtab_count(t->tab), 5);
    /* added may be NULL */
    assert_int_equal(strtab_intern(t->tab, "Tarascon", 8, NULL), 1);
    assert_int_equal(strtab_intern(t->tab, "Arles", 5, NULL), 5);
}

static void test_strtab_empty_table(void **state)
{
    struct tables *t = *state;
    assert_int_equal(strtab_count(t->tab), 0);
    assert_int_equal(strtab_find(t->tab, "x", 1), INTERN_NONE);
    assert_int_equal(strtab_find(t->tab, "", 0), INTERN_NONE);
    assert_null(strtab_get(t->tab, 0));
}

/* Strings that share prefixes, and the length argument deciding what the string is. */
static void test_strtab_prefixes_and_lengths(void **state)
{
    struct tables *t = *state;
    static const char *const chain[] = {"", "a", "ab", "abc", "abcd", "abcde", "b", "ba"};
    size_t n = sizeof chain / sizeof chain[0];
    for (size_t i = 0; i < n; i++) {
        bool added = false;
        assert_int_equal(intern_str(t->tab, chain[i], &added), i);
        assert_true(added);
    }
    /* a longer buffer cut by len is the shorter string */
    const char *buffer = "abcdefgh";
    for (size_t len = 0; len <= 5; len++) {
        bool added = true;
        assert_int_equal(strtab_intern(t->tab, buffer, len, &added), len);
        assert_false(added);
        assert_int_equal(strtab_find(t->tab, buffer, len), len);
    }
    assert_int_equal(strtab_find(t->tab, buffer, 6), INTERN_NONE);
    /* the stored copy is NUL-terminated at len, whatever followed in the caller's buffer */
    assert_string_equal(strtab_get(t->tab, 3), "abc");
    /* embedded NULs: compared by length, not as C strings */
    uint32_t a0b = strtab_intern(t->tab, "a\0b", 3, NULL);
    uint32_t a0c = strtab_intern(t->tab, "a\0c", 3, NULL);
    uint32_t a0 = strtab_intern(t->tab, "a\0", 2, NULL);
    assert_int_equal(a0b, n);
    assert_int_equal(a0c, n + 1);
    assert_int_equal(a0, n + 2);
    assert_int_equal(strtab_find(t->tab, "a", 1), 1);
    assert_memory_equal(strtab_get(t->tab, a0c), "a\0c", 4);
    assert_int_equal(strtab_count(t->tab), n + 3);
}

/* The table copies: the caller's buffer may change or die after interning. */
static void test_strtab_copies(void **state)
{
    struct tables *t = *state;
    char buffer[16];
    snprintf(buffer, sizeof buffer, "%s", "QP013055");
    uint32_t id = intern_str(t->tab, buffer, NULL);
    const char *stored = strtab_get(t->tab, id);
    assert_ptr_not_equal(stored, buffer);
    memset(buffer, 'X', sizeof buffer - 1);
    buffer[sizeof buffer - 1] = '\0';
    assert_string_equal(strtab_get(t->tab, id), "QP013055");
    assert_int_equal(strtab_find(t->tab, "QP013055", 8), id);
}

/* A frozen table (no lookup index) still gives every string and the count by id. */
static void test_strtab_freeze(void **state)
{
    struct tables *t = *state;
    uint32_t a = intern_str(t->tab, "LEGOFF|JEANMARIE|2001-04-12", NULL);
    uint32_t b = intern_str(t->tab, "Tarascon", NULL);
    strtab_freeze(t->tab);
    assert_int_equal(strtab_count(t->tab), 2);
    assert_string_equal(strtab_get(t->tab, a), "LEGOFF|JEANMARIE|2001-04-12");
    assert_string_equal(strtab_get(t->tab, b), "Tarascon");
}

/* Enough strings to rehash many times (64 slots at first): ids stay dense and in order,
 * every string is found again, and stored pointers do not move. */
static void test_strtab_many_strings(void **state)
{
    struct tables *t = *state;
    enum { N = 50000 };
    const char **first_pointers = malloc(N * sizeof *first_pointers);
    assert_non_null(first_pointers);
    char key[32];
    for (uint32_t i = 0; i < N; i++) {
        int len = snprintf(key, sizeof key, "person-%u", i);
        bool added = false;
        uint32_t id = strtab_intern(t->tab, key, (size_t)len, &added);
        if (id != i || !added)
            fail_msg("string %u got id %u (added %d)", i, id, added);
        first_pointers[i] = strtab_get(t->tab, id);
    }
    assert_int_equal(strtab_count(t->tab), N);
    for (uint32_t i = 0; i < N; i++) {
        int len = snprintf(key, sizeof key, "person-%u", i);
        if (strtab_find(t->tab, key, (size_t)len) != i)
            fail_msg("\"%s\" not found after rehashing", key);
        bool added = true;
        assert_int_equal(strtab_intern(t->tab, key, (size_t)len, &added), i);
        assert_false(added);
        assert_ptr_equal(strtab_get(t->tab, i), first_pointers[i]);
        assert_string_equal(first_pointers[i], key);
    }
    assert_int_equal(strtab_find(t->tab, "person-50000", 12), INTERN_NONE);
    assert_int_equal(strtab_find(t->tab, "person-", 7), INTERN_NONE);
    assert_int_equal(strtab_count(t->tab), N);
    free(first_pointers);
}

static void test_keymap_basics(void **state)
{
    (void)state;
    struct keymap *map = keymap_new();
    static const struct {
        uint64_t key;
        uint32_t id;
        bool added;
    } steps[] = {
        {42, 0, true}, {0, 1, true}, {UINT64_MAX, 2, true},  {42, 0, false},
        {0, 1, false}, {1, 3, true}, {UINT64_MAX, 2, false}, {(uint64_t)1 << 32, 4, true},
    };
    assert_int_equal(keymap_count(map), 0);
    assert_int_equal(keymap_find(map, 0), INTERN_NONE);
    for (size_t i = 0; i < sizeof steps / sizeof steps[0]; i++) {
        bool added = !steps[i].added;
        uint32_t id = keymap_intern(map, steps[i].key, &added);
        if (id != steps[i].id || added != steps[i].added)
            fail_msg("step %zu: id %u added %d, expected id %u added %d", i, id, added, steps[i].id,
                     steps[i].added);
    }
    assert_int_equal(keymap_count(map), 5);
    assert_int_equal(keymap_find(map, 42), 0);
    assert_int_equal(keymap_find(map, 0), 1);
    assert_int_equal(keymap_find(map, UINT64_MAX), 2);
    assert_int_equal(keymap_find(map, 2), INTERN_NONE);
    assert_int_equal(keymap_intern(map, 42, NULL), 0);
    assert_int_equal(keymap_count(map), 5);
    keymap_free(map);
}

/* A (person, session) pair packed as person << 32 | session, the way stages build keys. */
static uint64_t pair_key(uint32_t person, uint32_t session)
{
    return (uint64_t)person << 32 | session;
}

/* 100 000 keys, packed pairs whose low bits repeat and whose high bits differ, so the
 * table has to rehash (1024 slots at first) and the hash has to spread them. */
static void test_keymap_many_keys(void **state)
{
    (void)state;
    enum { N = 100000, SESSIONS = 40 };
    struct keymap *map = keymap_new();
    for (uint32_t i = 0; i < N; i++) {
        bool added = false;
        uint32_t id = keymap_intern(map, pair_key(i / SESSIONS, i % SESSIONS), &added);
        if (id != i || !added)
            fail_msg("key %u got id %u (added %d)", i, id, added);
    }
    assert_int_equal(keymap_count(map), N);
    for (uint32_t i = 0; i < N; i++) {
        uint64_t key = pair_key(i / SESSIONS, i % SESSIONS);
        if (keymap_find(map, key) != i)
            fail_msg("key %u lost after rehashing", i);
        bool added = true;
        assert_int_equal(keymap_intern(map, key, &added), i);
        assert_false(added);
    }
    /* keys never added */
    for (uint32_t i = 0; i < 1000; i++)
        assert_int_equal(keymap_find(map, pair_key(i, SESSIONS + 1)), INTERN_NONE);
    assert_int_equal(keymap_find(map, pair_key(N / SESSIONS, 0)), INTERN_NONE);
    assert_int_equal(keymap_count(map), N);
    keymap_free(map);
}

/* Exact-size copies, so that ASan (make check SAN=1) sees any read past the end. */
static char *exact_copy(const char *text, size_t len)
{
    char *copy = malloc(len ? len : 1);
    assert_non_null(copy);
    memcpy(copy, text, len);
    return copy;
}

/* Every prefix of a text (lengths 0 to 40) hashes apart from the others, and apart under
 * another seed; the same bytes hash the same wherever they are. */
static void test_hash_words(void **state)
{
    (void)state;
    static const char text[] = "LEGOFF|JEANMARIE|2001-04-12|P0000001234567";
    enum { N = sizeof text - 1 };
    uint64_t h[N + 1];
    for (size_t len = 0; len <= N; len++) {
        char *copy = exact_copy(text, len);
        h[len] = intern_hash_words(copy, len, 0);
        assert_true(h[len] == intern_hash_words(text, len, 0));
        assert_true(h[len] != intern_hash_words(copy, len, 1));
        for (size_t k = 0; k < len; k++)
            assert_true(h[len] != h[k]);
        free(copy);
    }
    /* one byte changed anywhere changes the hash */
    char changed[N];
    for (size_t i = 0; i < N; i++) {
        memcpy(changed, text, N);
        changed[i] ^= 1;
        assert_true(intern_hash_words(changed, N, 0) != h[N]);
    }
}

/* Equal bytes are equal at every length; one byte changed anywhere is not. */
static void test_same_bytes(void **state)
{
    (void)state;
    static const char text[] = "UNNOMDEFAMILLETRESLONG|PRENOM|1999-12-31";
    for (size_t len = 0; len < sizeof text; len++) {
        char *a = exact_copy(text, len), *b = exact_copy(text, len);
        assert_true(intern_same_bytes(a, b, len));
        for (size_t i = 0; i < len; i++) {
            b[i] ^= 0x20;
            assert_false(intern_same_bytes(a, b, len));
            b[i] ^= 0x20;
        }
        free(a);
        free(b);
    }
}

static void test_free_null(void **state)
{
    (void)state;
    strtab_free(NULL);
    keymap_free(NULL);
    arena_free(NULL);
}

static void test_arena(void **state)
{
    (void)state;
    struct arena *arena = arena_new();
    assert_int_equal(arena_bytes_used(arena), 0);
    static const size_t sizes[] = {1, 3, 8, 13, 0, 64, 100, 65536, 70000, 5, 200000, 7};
    size_t total = 0;
    unsigned char *pieces[sizeof sizes / sizeof sizes[0]];
    for (size_t i = 0; i < sizeof sizes / sizeof sizes[0]; i++) {
        unsigned char *p = arena_alloc(arena, sizes[i]);
        assert_non_null(p);
        assert_int_equal((uintptr_t)p % 8, 0);
        for (size_t j = 0; j < sizes[i]; j++)
            if (p[j] != 0)
                fail_msg("arena_alloc(%zu) byte %zu not zeroed", sizes[i], j);
        memset(p, (int)(i + 1), sizes[i]);
        pieces[i] = p;
        total += (sizes[i] + 7) / 8 * 8;
    }
    assert_int_equal(arena_bytes_used(arena), total);
    /* no piece overwrote another */
    for (size_t i = 0; i < sizeof sizes / sizeof sizes[0]; i++)
        for (size_t j = 0; j < sizes[i]; j++)
            if (pieces[i][j] != (unsigned char)(i + 1))
                fail_msg("piece %zu byte %zu overwritten", i, j);
    char *s = arena_strndup(arena, "Tarascon and more", 8);
    assert_string_equal(s, "Tarascon");
    char *e = arena_strdup(arena, "");
    assert_string_equal(e, "");
    arena_free(arena);
}

static void test_xgrow(void **state)
{
    (void)state;
    int *array = NULL;
    size_t capacity = 0;
    for (size_t i = 0; i < 1000; i++) {
        xgrow((void **)&array, &capacity, i, sizeof *array);
        assert_true(capacity > i);
        array[i] = (int)i;
    }
    for (size_t i = 0; i < 1000; i++)
        assert_int_equal(array[i], (int)i);
    free(array);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_strtab_first_seen_order, setup_tables,
                                        teardown_tables),
        cmocka_unit_test_setup_teardown(test_strtab_empty_table, setup_tables, teardown_tables),
        cmocka_unit_test_setup_teardown(test_strtab_prefixes_and_lengths, setup_tables,
                                        teardown_tables),
        cmocka_unit_test_setup_teardown(test_strtab_copies, setup_tables, teardown_tables),
        cmocka_unit_test_setup_teardown(test_strtab_freeze, setup_tables, teardown_tables),
        cmocka_unit_test_setup_teardown(test_strtab_many_strings, setup_tables, teardown_tables),
        cmocka_unit_test(test_keymap_basics),
        cmocka_unit_test(test_keymap_many_keys),
        cmocka_unit_test(test_hash_words),
        cmocka_unit_test(test_same_bytes),
        cmocka_unit_test(test_free_null),
        cmocka_unit_test(test_arena),
        cmocka_unit_test(test_xgrow),
    };
    return cmocka_run_group_tests_name("intern", tests, NULL, NULL);
}
