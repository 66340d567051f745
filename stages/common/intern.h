/* intern.h — interning tables: strings to dense ids, and 64-bit keys to dense ids.
 *
 * A `strtab` gives every distinct string a dense id 0, 1, 2, … in first-seen order, so that
 * stages keep small integers (site codes, person keys, session keys) instead of strings, and
 * ids are reproducible for the same input. A `keymap` does the same for 64-bit keys such as
 * a (person, session) pair.
 *
 * Ownership: the table copies each string into its arena once; strtab_get() returns a
 * pointer that lives as long as that arena. Tables are freed with their *_free function;
 * the arena is the caller's.
 */
#ifndef IMPACT_INTERN_H
#define IMPACT_INTERN_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#define INTERN_NONE UINT32_MAX

struct arena;
struct strtab;

struct strtab *strtab_new(struct arena *arena);
/* Returns the id of `text[0..len)`, adding it if new (*added tells which; may be NULL). */
uint32_t strtab_intern(struct strtab *tab, const char *text, size_t len, bool *added);
/* Returns the id of `text[0..len)` or INTERN_NONE. */
uint32_t strtab_find(const struct strtab *tab, const char *text, size_t len);
const char *strtab_get(const struct strtab *tab, uint32_t id);
uint32_t strtab_count(const struct strtab *tab);
/* Frees the lookup index of a table that will only be read by id from now on: afterwards
 * only strtab_get, strtab_count and strtab_free may be called. */
void strtab_freeze(struct strtab *tab);
void strtab_free(struct strtab *tab);

struct keymap;

struct keymap *keymap_new(void);
uint32_t keymap_intern(struct keymap *map, uint64_t key, bool *added);
uint32_t keymap_find(const struct keymap *map, uint64_t key);
uint32_t keymap_count(const struct keymap *map);
void keymap_free(struct keymap *map);

/* Whether a[0..n) and b[0..n) hold the same bytes: a word at a time, the last word read
 * where it ends (overlapping), never past either end. Keys and labels of a few dozen bytes
 * are compared several times a row, where a call to memcmp cost more than the comparison
 * (docs/performance.md). */
static inline bool intern_same_bytes(const char *a, const char *b, size_t n)
{
    uint64_t x, y;
    if (n >= 8) {
        for (size_t i = 0; i + 8 < n; i += 8) {
            memcpy(&x, a + i, 8);
            memcpy(&y, b + i, 8);
            if (x != y)
                return false;
        }
        memcpy(&x, a + n - 8, 8);
        memcpy(&y, b + n - 8, 8);
        return x == y;
    }
    if (n >= 4) {
        uint32_t u, v, u2, v2;
        memcpy(&u, a, 4);
        memcpy(&v, b, 4);
        memcpy(&u2, a + n - 4, 4);
        memcpy(&v2, b + n - 4, 4);
        return u == v && u2 == v2;
    }
    return n == 0 || (a[0] == b[0] && a[n / 2] == b[n / 2] && a[n - 1] == b[n - 1]);
}

/* A 64-bit hash of a byte string, a word at a time, seeded so that one table can hash
 * several kinds of keys apart. Its values may change between versions: for tables
 * in memory only, never for anything written out. */
uint64_t intern_hash_words(const void *data, size_t len, uint64_t seed);

#endif
