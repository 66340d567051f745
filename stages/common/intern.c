/* intern.c — open-addressing hash tables behind strtab and keymap. */
#include "stages/common/intern.h"

#include "stages/common/arena.h"

#include <stdlib.h>
#include <string.h>

static uint64_t mix64(uint64_t x)
{
    x ^= x >> 33;
    x *= 0xff51afd7ed558ccdULL;
    x ^= x >> 33;
    x *= 0xc4ceb9fe1a85ec53ULL;
    x ^= x >> 33;
    return x;
}

/* Eight bytes at a time: FNV-1a's byte-by-byte chain of multiplications, the hash used
 * first, cost more than the probe itself on short keys hashed on every row
 * (docs/performance.md). The last bytes are read as an overlapping word, or as two half
 * words, never past the end. */
static uint64_t load64(const unsigned char *p)
{
    uint64_t w;
    memcpy(&w, p, sizeof w);
    return w;
}

static uint64_t load32(const unsigned char *p)
{
    uint32_t w;
    memcpy(&w, p, sizeof w);
    return w;
}

static uint64_t last_word(const unsigned char *p, size_t len)
{
    if (len >= 8)
        return load64(p + len - 8);
    if (len >= 4)
        return load32(p) << 32 | load32(p + len - 4);
    if (len > 0)
        return (uint64_t)p[0] << 16 | (uint64_t)p[len / 2] << 8 | p[len - 1];
    return 0;
}

uint64_t intern_hash_words(const void *data, size_t len, uint64_t seed)
{
    const unsigned char *p = data;
    uint64_t h = seed ^ (len * 0x9e3779b97f4a7c15ULL);
    for (size_t i = 0; i + 8 < len; i += 8) {
        h = (h ^ load64(p + i)) * 0xff51afd7ed558ccdULL;
        h ^= h >> 29;
    }
    return mix64(h ^ last_word(p, len));
}

/* ---- strtab ---- */

struct str_entry {
    const char *text;
    uint32_t len;
    uint32_t hash32;
};

/* A slot holds the entry's 32-bit hash above its id + 1 (0 = empty), so a probe passes
 * over other keys' slots without reading their entries: one cache miss fewer per step,
 * which mattered with millions of persons (docs/performance.md). */
#define SLOT_ID(slot)   ((uint32_t)(slot))
#define SLOT_HASH(slot) ((uint32_t)((slot) >> 32))

struct strtab {
    struct arena *arena;
    struct str_entry *entries; /* by id */
    size_t count, capacity;
    uint64_t *slots;   /* hash32 << 32 | (id + 1); 0 = empty */
    size_t slot_count; /* power of two */
};

struct strtab *strtab_new(struct arena *arena)
{
    struct strtab *tab = xcalloc(1, sizeof *tab);
    tab->arena = arena;
    tab->slot_count = 64;
    tab->slots = xcalloc(tab->slot_count, sizeof *tab->slots);
    return tab;
}

static size_t str_probe(const struct strtab *tab, const char *text, size_t len, uint32_t h32)
{
    size_t mask = tab->slot_count - 1;
    size_t i = h32 & mask;
    for (;;) {
        uint64_t slot = tab->slots[i];
        if (slot == 0)
            return i;
        if (SLOT_HASH(slot) == h32) {
            const struct str_entry *e = &tab->entries[SLOT_ID(slot) - 1];
            if (e->len == len && intern_same_bytes(e->text, text, len))
                return i;
        }
        i = (i + 1) & mask;
    }
}

static void str_rehash(struct strtab *tab)
{
    free(tab->slots);
    tab->slot_count *= 2;
    tab->slots = xcalloc(tab->slot_count, sizeof *tab->slots);
    size_t mask = tab->slot_count - 1;
    for (size_t id = 0; id < tab->count; id++) {
        uint32_t h32 = tab->entries[id].hash32;
        size_t i = h32 & mask;
        while (tab->slots[i])
            i = (i + 1) & mask;
        tab->slots[i] = (uint64_t)h32 << 32 | ((uint32_t)id + 1);
    }
}

uint32_t strtab_find(const struct strtab *tab, const char *text, size_t len)
{
    uint32_t h32 = (uint32_t)intern_hash_words(text, len, 0);
    uint64_t slot = tab->slots[str_probe(tab, text, len, h32)];
    return slot ? SLOT_ID(slot) - 1 : INTERN_NONE;
}

uint32_t strtab_intern(struct strtab *tab, const char *text, size_t len, bool *added)
{
    uint32_t h32 = (uint32_t)intern_hash_words(text, len, 0);
    size_t i = str_probe(tab, text, len, h32);
    if (added)
        *added = tab->slots[i] == 0;
    if (tab->slots[i])
        return SLOT_ID(tab->slots[i]) - 1;
    xgrow((void **)&tab->entries, &tab->capacity, tab->count, sizeof *tab->entries);
    uint32_t id = (uint32_t)tab->count++;
    tab->entries[id] = (struct str_entry){arena_strndup(tab->arena, text, len), (uint32_t)len, h32};
    tab->slots[i] = (uint64_t)h32 << 32 | (id + 1);
    if (tab->count * 4 > tab->slot_count * 3)
        str_rehash(tab);
    return id;
}

const char *strtab_get(const struct strtab *tab, uint32_t id)
{
    return id < tab->count ? tab->entries[id].text : NULL;
}

uint32_t strtab_count(const struct strtab *tab)
{
    return (uint32_t)tab->count;
}

void strtab_freeze(struct strtab *tab)
{
    free(tab->slots);
    tab->slots = NULL;
    tab->slot_count = 0;
}

void strtab_free(struct strtab *tab)
{
    if (!tab)
        return;
    free(tab->entries);
    free(tab->slots);
    free(tab);
}

/* ---- keymap ---- */

struct keymap {
    uint64_t *keys; /* by slot */
    uint32_t *ids;  /* by slot; id + 1, 0 = empty */
    size_t slot_count, count;
};

struct keymap *keymap_new(void)
{
    struct keymap *map = xcalloc(1, sizeof *map);
    map->slot_count = 1024;
    map->keys = xcalloc(map->slot_count, sizeof *map->keys);
    map->ids = xcalloc(map->slot_count, sizeof *map->ids);
    return map;
}

static size_t key_probe(const struct keymap *map, uint64_t key)
{
    size_t mask = map->slot_count - 1;
    size_t i = mix64(key) & mask;
    while (map->ids[i] && map->keys[i] != key)
        i = (i + 1) & mask;
    return i;
}

static void key_rehash(struct keymap *map)
{
    uint64_t *old_keys = map->keys;
    uint32_t *old_ids = map->ids;
    size_t old_count = map->slot_count;
    map->slot_count *= 2;
    map->keys = xcalloc(map->slot_count, sizeof *map->keys);
    map->ids = xcalloc(map->slot_count, sizeof *map->ids);
    for (size_t s = 0; s < old_count; s++) {
        if (!old_ids[s])
            continue;
        size_t i = key_probe(map, old_keys[s]);
        map->keys[i] = old_keys[s];
        map->ids[i] = old_ids[s];
    }
    free(old_keys);
    free(old_ids);
}

uint32_t keymap_intern(struct keymap *map, uint64_t key, bool *added)
{
    size_t i = key_probe(map, key);
    if (added)
        *added = map->ids[i] == 0;
    if (map->ids[i])
        return map->ids[i] - 1;
    map->keys[i] = key;
    map->ids[i] = (uint32_t)++map->count;
    uint32_t id = map->ids[i] - 1;
    if (map->count * 4 > map->slot_count * 3)
        key_rehash(map);
    return id;
}

uint32_t keymap_find(const struct keymap *map, uint64_t key)
{
    size_t i = key_probe(map, key);
    return map->ids[i] ? map->ids[i] - 1 : INTERN_NONE;
}

uint32_t keymap_count(const struct keymap *map)
{
    return (uint32_t)map->count;
}

void keymap_free(struct keymap *map)
{
    if (!map)
        return;
    free(map->keys);
    free(map->ids);
    free(map);
}
