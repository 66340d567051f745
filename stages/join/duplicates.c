/* duplicates.c — the probable-duplicate search: people with the same birth date and folded
 * names within edit distance 2, found in parts any thread may take (join.h), then listed
 * once each, for review; never merged. */
#include "stages/join/join_private.h"

#include "stages/common/arena.h"
#include "stages/common/fold.h"
#include "stages/common/intern.h"

#include <assert.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

/* ---- probable duplicates ---- */

/* What the sort compares is kept in the entry as numbers (the birth date, the key's first
 * bytes), so that sorting a million names mostly compares numbers instead of reaching for
 * strings spread over memory; and an entry is 32 bytes, which glibc sorts in place rather
 * than through pointers. Both were most of the probable-duplicate search at 10 M rows. */
struct named_person {
    uint64_t key_head; /* the key's first 8 bytes (see text_head) */
    const char *key;   /* "LAST|FIRST|YYYY-MM-DD" */
    uint32_t person;
    uint32_t birth;    /* YYYYMMDD of the key's "|YYYY-MM-DD" end, NO_BIRTH if not that shape */
    uint32_t birth_at; /* offset of that end in the key */
    uint32_t source;   /* its row's origin: duplicate_search.origins[source] */
};

_Static_assert(sizeof(struct named_person) == 32, "32 bytes: sorted in place (see above)");

#define NO_BIRTH UINT32_MAX

/* Two names within two edits, in the order the search meets them: a probable duplicate
 * once join_list_duplicates has dropped pairs of persons met before. */
struct near_pair {
    const struct named_person *a, *b; /* a's person is the lower */
    int distance;
};

/* One part of the search: a run of whole birth-date groups, and the pairs it found. */
struct search_part {
    size_t start, end; /* in the list */
    struct near_pair *found;
    size_t n_found, found_cap;
};

enum { SEARCH_PARTS = 8 };

/* What the search needs, copied out of the entities by join_finish, which then frees them:
 * the search runs meanwhile with the indicators, and the entities (all ids and names, 64
 * bytes each) would have stayed in memory with the indicators' own. The list is sorted by
 * birth date and cut into parts at group boundaries; threads take parts through next_part,
 * and each sorts its own range of the list in place and writes only its own results. */
struct duplicate_search {
    struct named_person *list;
    size_t n;
    struct row_origin *origins; /* by named_person.source */
    struct arena *keys;         /* the list's keys */
    struct search_part parts[SEARCH_PARTS];
    atomic_uint next_part;
};

static const char *birth_of(const struct named_person *p)
{
    return p->key + p->birth_at;
}

static struct row_origin origin_of(const struct join *j, const struct named_person *p)
{
    return j->search->origins[p->source];
}

/* Up to 8 bytes of the text, NUL-padded, big-endian: heads compare as strcmp compares the
 * texts (unsigned bytes, a shorter text first), as far as those 8 bytes go. */
static uint64_t text_head(const char *text)
{
    uint64_t head = 0;
    for (size_t i = 0, ended = 0; i < 8; i++) {
        ended = ended || text[i] == '\0';
        head = head << 8 | (ended ? 0u : (unsigned char)text[i]);
    }
    return head;
}

/* "|YYYY-MM-DD" as the number YYYYMMDD, which orders as the text does; dates in keys are
 * always written so (clean.c, date_format_iso). */
static uint32_t birth_number(const char *birth)
{
    static const char shape[] = "|dddd-dd-dd";
    uint32_t n = 0;
    for (size_t i = 0; i < sizeof shape - 1; i++) {
        bool digit = birth[i] >= '0' && birth[i] <= '9';
        if (shape[i] == 'd' ? !digit : birth[i] != shape[i])
            return NO_BIRTH;
        if (digit)
            n = n * 10 + (uint32_t)(birth[i] - '0');
    }
    return birth[sizeof shape - 1] == '\0' ? n : NO_BIRTH;
}

/* strcmp of the birth ends, through the numbers when both have one. */
static int compare_births(const struct named_person *x, const struct named_person *y)
{
    if (x->birth != NO_BIRTH && y->birth != NO_BIRTH)
        return (x->birth > y->birth) - (x->birth < y->birth);
    return strcmp(birth_of(x), birth_of(y));
}

static int by_birth_then_key(const void *a, const void *b)
{
    const struct named_person *x = a, *y = b;
    int c = compare_births(x, y);
    if (c == 0)
        c = (x->key_head > y->key_head) - (x->key_head < y->key_head);
    if (c == 0)
        c = strcmp(x->key, y->key);
    if (c == 0)
        c = (x->person > y->person) - (x->person < y->person);
    return c;
}

/* Sorts by birth date alone, as numbers, in two passes of a radix sort (YYYYMMDD is under
 * 2^27): a birth date's group is then sorted on its own (sort_group), its keys in cache,
 * where sorting them all at once reached for a key in memory at most comparisons. */
enum { BIRTH_DIGIT = 14 };

static void radix_pass(const struct named_person *from, struct named_person *to, size_t n,
                       unsigned shift)
{
    size_t *count = xcalloc((size_t)1 << BIRTH_DIGIT, sizeof *count), sum = 0;
    uint32_t mask = (1u << BIRTH_DIGIT) - 1;
    for (size_t i = 0; i < n; i++)
        count[from[i].birth >> shift & mask]++;
    for (size_t d = 0; d < (size_t)1 << BIRTH_DIGIT; d++) {
        size_t c = count[d];
        count[d] = sum;
        sum += c;
    }
    for (size_t i = 0; i < n; i++)
        to[count[from[i].birth >> shift & mask]++] = from[i];
    free(count);
}

static void sort_by_birth(struct named_person **list, size_t n)
{
    struct named_person *tmp = xmalloc((n ? n : 1) * sizeof *tmp);
    radix_pass(*list, tmp, n, 0);
    radix_pass(tmp, *list, n, BIRTH_DIGIT);
    free(tmp);
}

static void add_named(struct duplicate_search *s, uint32_t person, const struct entity *name,
                      struct row_origin origin)
{
    struct named_person *p = &s->list[s->n];
    p->person = person;
    p->key = arena_strndup(s->keys, entity_key(name), name->key_len);
    p->birth_at = (uint32_t)(strrchr(p->key, '|') - p->key);
    p->birth = birth_number(birth_of(p));
    p->key_head = text_head(p->key);
    p->source = (uint32_t)s->n;
    s->origins[s->n++] = origin;
}

/* Every (person, name key) known: name entities themselves and the ids seen with them. */
struct duplicate_search *join_collect_named(const struct join *j)
{
    struct duplicate_search *s = xcalloc(1, sizeof *s);
    size_t cap = j->n_entities + j->n_name_uses;
    s->list = xcalloc(cap ? cap : 1, sizeof *s->list);
    s->origins = xcalloc(cap ? cap : 1, sizeof *s->origins);
    s->keys = arena_new();
    for (size_t e = 0; e < j->n_entities; e++) {
        const struct entity *ent = entity_at(j, e);
        if (!ent->is_id && ent->person != DATASET_NO_PERSON)
            add_named(s, ent->person, ent, (struct row_origin){ent->first_file, ent->first_line});
    }
    for (size_t i = 0; i < j->n_name_uses; i++) {
        const struct name_use *u = &j->name_uses[i];
        const struct entity *id = entity_at(j, u->entity), *name = entity_at(j, u->name_entity);
        if (id->person != DATASET_NO_PERSON && id->person != name->person)
            add_named(s, id->person, name, u->origin);
    }
    return s;
}

/* By birth date, each date's group being sorted on its own later (sort_group). */
static void sort_named(struct named_person **list, size_t n)
{
    bool all_births = true;
    for (size_t i = 0; i < n; i++)
        all_births = all_births && (*list)[i].birth != NO_BIRTH;
    if (all_births)
        sort_by_birth(list, n);
    else /* keys not written by clean (tests): the whole order at once */
        qsort(*list, n, sizeof **list, by_birth_then_key);
}

/* The letters of the "LAST|FIRST" part of a key, counted by the low five bits of each byte
 * (which merges a few, and so only loosens the bound below). */
struct name_counts {
    uint32_t present; /* bit b: count[b] > 0 */
    uint8_t len;      /* at most 255: consider_pair compares the first 255 bytes */
    uint8_t count[32];
};

static size_t name_len(const struct named_person *p)
{
    return p->birth_at < 255 ? p->birth_at : 255;
}

static void count_name(const struct named_person *p, struct name_counts *c)
{
    size_t len = name_len(p);
    memset(c, 0, sizeof *c);
    c->len = (uint8_t)len;
    for (size_t i = 0; i < len; i++)
        c->count[(unsigned char)p->key[i] & 31]++;
    for (unsigned b = 0; b < 32; b++)
        c->present |= (uint32_t)(c->count[b] > 0) << b;
}

/* More than two bits set: clearing the lowest set bit twice leaves some. */
static bool more_than_two_bits(uint32_t x)
{
    x &= x - 1;
    x &= x - 1;
    return x != 0;
}

/* Quick and weak: each letter bucket one name has and the other lacks is at least one byte
 * out (or in). Most pairs of names stop here. */
static bool buckets_too_far(uint32_t a, uint32_t b)
{
    return more_than_two_bits(a & ~b) || more_than_two_bits(b & ~a);
}

/* True when the edit distance is surely above 2, once buckets_too_far said no and the
 * lengths are within two: each edit takes at most one byte out of the counts and puts at
 * most one in. A few instructions where the edit distance costs hundreds, and a birth
 * date's group is compared pair by pair (docs/performance.md). */
static bool counts_too_far(const struct name_counts *a, const struct name_counts *b)
{
    int out = 0, in = 0;
    for (int i = 0; i < 32; i++) {
        int d = a->count[i] - b->count[i];
        out += d > 0 ? d : 0;
        in += d < 0 ? -d : 0;
    }
    return out > 2 || in > 2;
}

static void consider_pair(struct search_part *part, const struct named_person *x,
                          const struct named_person *y)
{
    if (x->person == y->person)
        return;
    const struct named_person *a = x->person < y->person ? x : y, *b = a == x ? y : x;
    char na[256], nb[256]; /* the "LAST|FIRST" parts, cut at 255 bytes */
    memcpy(na, a->key, name_len(a));
    na[name_len(a)] = '\0';
    memcpy(nb, b->key, name_len(b));
    nb[name_len(b)] = '\0';
    int distance = fold_edit_distance(na, nb, 2);
    if (distance > 2)
        return;
    xgrow((void **)&part->found, &part->found_cap, part->n_found, sizeof *part->found);
    part->found[part->n_found++] = (struct near_pair){a, b, distance};
}

/* One birth date's group by name length: members[bucket[l] .. bucket[l + 1]) are the
 * group's indices whose name is l bytes long, in list order, and masks[] their letter
 * buckets, side by side for the scan. Only lengths within two of a name's can be within
 * two edits, so each name meets about a quarter of its group, not all of it: the group is
 * compared pair by pair, and at 10 M rows that was seconds. */
struct group_index {
    size_t bucket[257], cursor[256]; /* cursor[l]: first member of bucket l not yet passed */
    uint32_t *members, *masks, *candidates;
    size_t cap;
};

static void index_group(struct group_index *g, const struct name_counts *counts, size_t n)
{
    size_t fill[256];
    if (n > g->cap) {
        g->cap = n;
        g->members = xrealloc(g->members, n * sizeof *g->members);
        g->masks = xrealloc(g->masks, n * sizeof *g->masks);
        g->candidates = xrealloc(g->candidates, n * sizeof *g->candidates);
    }
    memset(g->bucket, 0, sizeof g->bucket);
    for (size_t i = 0; i < n; i++)
        g->bucket[counts[i].len + 1]++;
    for (size_t l = 1; l <= 256; l++)
        g->bucket[l] += g->bucket[l - 1];
    memcpy(g->cursor, g->bucket, sizeof g->cursor);
    memcpy(fill, g->bucket, sizeof fill);
    for (size_t i = 0; i < n; i++) {
        g->masks[fill[counts[i].len]] = counts[i].present;
        g->members[fill[counts[i].len]++] = (uint32_t)i;
    }
}

static int by_index(const void *a, const void *b)
{
    uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;
    return (x > y) - (x < y);
}

/* A handful, as a rule: insertion sort, with qsort for a crowd of look-alikes. */
static void sort_indices(uint32_t *v, size_t n)
{
    if (n > 32) {
        qsort(v, n, sizeof *v, by_index);
        return;
    }
    for (size_t i = 1; i < n; i++) {
        uint32_t x = v[i];
        size_t k = i;
        for (; k > 0 && v[k - 1] > x; k--)
            v[k] = v[k - 1];
        v[k] = x;
    }
}

/* The members after x that may be within two edits of it, in list order: the order in
 * which comparing every pair would have found them. */
static size_t candidates_after(struct group_index *g, const struct name_counts *counts, size_t x)
{
    size_t n = 0, len = counts[x].len;
    uint32_t mask = counts[x].present;
    for (size_t l = len > 2 ? len - 2 : 0; l <= len + 2 && l < 256; l++) {
        size_t *c = &g->cursor[l];
        while (*c < g->bucket[l + 1] && g->members[*c] <= x)
            (*c)++;
        for (size_t k = *c; k < g->bucket[l + 1]; k++)
            if (!buckets_too_far(mask, g->masks[k]) &&
                !counts_too_far(&counts[x], &counts[g->members[k]]))
                g->candidates[n++] = g->members[k];
    }
    sort_indices(g->candidates, n);
    return n;
}

static size_t group_end(const struct named_person *list, size_t n, size_t start)
{
    size_t end = start + 1;
    while (end < n && compare_births(&list[end], &list[start]) == 0)
        end++;
    return end;
}

/* A birth date's group in the final order; its keys were fetched ahead. */
static void sort_group(struct named_person *group, size_t n)
{
    qsort(group, n, sizeof *group, by_birth_then_key);
}

static void compare_group(struct search_part *part, const struct named_person *group, size_t n,
                          struct name_counts *counts, struct group_index *g)
{
    for (size_t x = 0; x < n; x++)
        count_name(&group[x], &counts[x]);
    index_group(g, counts, n);
    for (size_t x = 0; x < n; x++) {
        size_t n_candidates = candidates_after(g, counts, x);
        for (size_t k = 0; k < n_candidates; k++)
            consider_pair(part, &group[x], &group[g->candidates[k]]);
    }
}

/* Sorts the part's groups and compares each within itself. */
static void search_one_part(struct named_person *list, struct search_part *part)
{
    size_t n = part->end, counts_cap = 0;
    struct name_counts *counts = NULL; /* of the current birth date's group */
    struct group_index g = {0};
    /* The keys of the group after the one compared are fetched meanwhile: the list is in
     * birth order, the keys in entity order, so each key was a cache miss (in the loop
     * itself: GCC may drop a call to a function that only prefetches). */
    size_t end = part->start < n ? group_end(list, n, part->start) : n;
    for (size_t start = part->start; start < n;) {
        size_t next_end = end < n ? group_end(list, n, end) : n;
        for (size_t i = start == part->start ? start : end; i < next_end; i++)
            __builtin_prefetch(list[i].key);
        sort_group(list + start, end - start);
        xgrow((void **)&counts, &counts_cap, end - start, sizeof *counts);
        compare_group(part, list + start, end - start, counts, &g);
        start = end;
        end = next_end;
    }
    free(g.members);
    free(g.masks);
    free(g.candidates);
    free(counts);
}

/* The end of the birth-date group holding list[at] (at itself when a group starts there). */
static size_t group_boundary(const struct named_person *list, size_t n, size_t at)
{
    while (at > 0 && at < n && compare_births(&list[at], &list[at - 1]) == 0)
        at++;
    return at;
}

/* The list in birth order, cut into SEARCH_PARTS parts of about as many names, each a run
 * of whole groups: a birth date's group is compared within itself only. */
void join_cut_into_parts(struct duplicate_search *s)
{
    sort_named(&s->list, s->n);
    size_t start = 0;
    for (size_t p = 0; p < SEARCH_PARTS; p++) {
        size_t end = p + 1 == SEARCH_PARTS ? s->n : s->n * (p + 1) / SEARCH_PARTS;
        end = group_boundary(s->list, s->n, end > start ? end : start);
        s->parts[p] = (struct search_part){.start = start, .end = end};
        start = end;
    }
    atomic_init(&s->next_part, 0);
}
void join_free_search(struct duplicate_search *s)
{
    if (!s)
        return;
    for (size_t p = 0; p < SEARCH_PARTS; p++)
        free(s->parts[p].found);
    free(s->list);
    free(s->origins);
    arena_free(s->keys);
    free(s);
}

bool join_search_duplicates_part(struct join *j)
{
    assert(j->search); /* after join_finish, before join_list_duplicates */
    unsigned p = atomic_fetch_add(&j->search->next_part, 1);
    if (p >= SEARCH_PARTS)
        return false;
    search_one_part(j->search->list, &j->search->parts[p]);
    return true;
}

static void list_pair(struct join *j, const struct near_pair *pair, size_t *cap)
{
    struct join_stats *s = &j->stats;
    const struct named_person *a = pair->a, *b = pair->b;
    xgrow((void **)&s->probable_duplicates, cap, s->n_probable_duplicates,
          sizeof *s->probable_duplicates);
    s->probable_duplicates[s->n_probable_duplicates++] =
        (struct probable_duplicate){a->person,
                                    b->person,
                                    pair->distance,
                                    origin_of(j, a),
                                    origin_of(j, b),
                                    arena_strdup(j->kept, a->key),
                                    arena_strdup(j->kept, b->key)};
}

/* The parts' pairs in list order, each pair of persons once (a person with two name keys
 * can meet another in two groups): what one search over the whole list would list. */
void join_list_duplicates(struct join *j)
{
    /* Every part taken; that every call has returned is the caller's part (join.h). */
    assert(j->search && atomic_load(&j->search->next_part) >= SEARCH_PARTS);
    struct keymap *listed = keymap_new();
    size_t cap = 0;
    for (size_t p = 0; p < SEARCH_PARTS; p++) {
        const struct search_part *part = &j->search->parts[p];
        for (size_t i = 0; i < part->n_found; i++) {
            const struct near_pair *pair = &part->found[i];
            bool added;
            keymap_intern(listed, (uint64_t)pair->a->person << 32 | pair->b->person, &added);
            if (added)
                list_pair(j, pair, &cap);
        }
    }
    keymap_free(listed);
    join_free_search(j->search);
    j->search = NULL;
}

void join_find_duplicates(struct join *j)
{
    while (join_search_duplicates_part(j))
        continue;
    join_list_duplicates(j);
}
