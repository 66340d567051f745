/* join.c — interning persons and sessions, linking name keys to ids, deduplicating
 * person-session pairs, and finding probable duplicate people.
 *
 * Sized for national volumes (docs/performance.md): entities hold their own keys and are
 * looked up a few rows after their row came in, their memory fetched meanwhile (the row
 * queue); a pair is kept as the dataset's attendance record from the start and re-keyed in
 * place; duplicates are found by walking the session's own pairs rather than through a
 * table of every pair; and join_finish frees what only ingest needed before the indicators
 * and charts run. */
#include "stages/join.h"

#include "stages/common/arena.h"
#include "stages/common/fold.h"
#include "stages/common/intern.h"

#include <assert.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

/* A role or sex, and the input rank (file, line) of the row that made it known — in 8
 * bytes, so that an entity fits a cache line: there are millions of them at national scale. */
struct attribute {
    uint32_t line;
    uint16_t file;
    uint8_t value;
};

enum { KEY_INLINE = 28 };

/* An entity is one participant id or one name key. A name entity linked to an id entity is
 * the same person; the canonical entity of a person is its id entity when there is one.
 * The entity holds its own key, and the entities are the storage of the table that finds
 * them (entity_slots): a lookup reads one slot, then one 64-byte line holding both the key
 * to compare and the entity to update. With millions of persons each read is a cache miss,
 * and a string table's entry, key text and then entity took three (docs/performance.md). */
struct entity {
    uint32_t link;       /* name entity: the id entity its key is linked to; id entity: the first
                          * name entity seen with it (note_name_use); INTERN_NONE until then */
    uint32_t person;     /* dataset index of the canonical entity, or DATASET_NO_PERSON */
    uint32_t first_line; /* the first row seen with this entity */
    uint16_t first_file;
    uint8_t is_id, in_attendance;
    struct attribute role, sex;
    uint32_t key_len;
    char key[KEY_INLINE]; /* the key and its NUL when shorter than KEY_INLINE, else a pointer
                           * to it in the join's arena (entity_key) */
};

_Static_assert(sizeof(struct entity) == 64, "an entity is one cache line (docs/performance.md)");

static const char *entity_key(const struct entity *ent)
{
    if (ent->key_len < KEY_INLINE)
        return ent->key;
    const char *text;
    memcpy(&text, ent->key, sizeof text);
    return text;
}

/* ---- memory read at random ----
 *
 * The entities and their slots are read at random, a few times a row, among millions: with
 * 4 KiB pages nearly every read also missed the TLB, and a page walk under virtualisation
 * cost about as much as the read (docs/performance.md). They are kept in blocks aligned on
 * 2 MiB, advised as huge pages where the system has them; the entities in fixed chunks, so
 * that growing never copies them (nor holds two copies at once). A chunk is 32 MiB, which
 * malloc maps on its own and gives back whole when freed: smaller chunks came from the heap
 * and stayed in the process after join_finish, raising the peak of the steps after it. */
enum {
    HUGE_PAGE = 2 << 20,
    CHUNK_BYTES = 32 << 20,
    ENTITY_CHUNK = CHUNK_BYTES / sizeof(struct entity)
};

/* `size` bytes (a multiple of HUGE_PAGE) aligned on a huge page, advised as huge pages. */
static void *alloc_huge(size_t size)
{
    void *p = aligned_alloc(HUGE_PAGE, size);
    if (!p)
        return xmalloc(size); /* aborts when memory is out */
#ifdef MADV_HUGEPAGE
    madvise(p, size, MADV_HUGEPAGE); /* advice: nothing changes if it is not taken */
#endif
    return p;
}

/* Zeroed room for `count` slots, in huge pages once they fill one. */
static uint64_t *alloc_slots(size_t count)
{
    if (count * sizeof(uint64_t) < HUGE_PAGE)
        return xcalloc(count, sizeof(uint64_t));
    uint64_t *slots = alloc_huge(count * sizeof *slots);
    memset(slots, 0, count * sizeof *slots);
    return slots;
}

struct join;
static struct entity *entity_at(const struct join *j, uint32_t e);

/* The person's entity: the id entity a name entity is linked to, else the entity itself. */
static uint32_t canonical_of(const struct join *j, uint32_t e)
{
    const struct entity *ent = entity_at(j, e);
    return !ent->is_id && ent->link != INTERN_NONE ? ent->link : e;
}

/* A session's pairs, newest first, linked through pair_next. A sign-in sheet has a few
 * dozen names, so finding a person there is a short walk over memory just written, where a
 * table of every pair cost a cache miss per row and 12 bytes a slot. Past CHAIN_MAX pairs
 * a session's pairs go into big_index, so a huge session stays linear. */
struct session_pairs {
    uint32_t head, count;
};

enum { CHAIN_MAX = 64 };

/* Pairs are numbered in input order and inputs are read one after the other, so the file
 * of each pair is kept as the pair numbers where the file changes. */
struct file_start {
    uint32_t pair;
    uint16_t file;
};

/* The line of each pair's first row, so that a duplicate row can name the row it repeats.
 * Pairs are numbered in input order, so a pair's line is mostly the previous pair's plus a
 * small step: one byte a pair (`step`), the line of every MARK_EVERY-th pair (`marks`), and
 * the pairs whose step does not fit a byte (the first of a file, a gap of STEP_FAR lines or
 * more) in `far`, in pair order. About 1.06 bytes a pair where a line each took 4: at 10 M
 * rows 10 MiB rather than 38 MiB on a peak of 482 MiB (docs/performance.md). A lookup sums
 * at most MARK_EVERY - 1 steps; only duplicates look up. */
enum { STEP_FAR = 255, MARK_EVERY = 64 };

struct far_line {
    uint32_t pair, line;
};

struct pair_lines {
    uint8_t *step; /* by pair: its line minus the previous pair's, or STEP_FAR */
    size_t step_cap;
    uint32_t *marks; /* the line of pairs 0, MARK_EVERY, 2 × MARK_EVERY, … */
    size_t marks_cap;
    struct far_line *far;
    size_t n_far, far_cap;
    struct row_origin last; /* the previous pair's row */
};

/* The session of the previous attendance row, as written: rows come grouped by session
 * (one sign-in sheet after another), so most rows skip the folding and hashing of the
 * session key. Same text, same key: the result is the one interning would give. */
struct session_memo {
    bool valid;
    day_t date;
    const char *id;                 /* id_buf, or NULL when the row had no session_id */
    char *id_buf, *site, *activity; /* copies of the row's texts */
    size_t id_cap, site_cap, activity_cap;
    uint32_t session, site_id;
};

/* A site or activity text as written, and what it interns to. Sessions change every ten
 * rows or so, each time to another of a few hundred spellings: folding and interning them
 * again was a third of the join's instructions (docs/performance.md). Same text, same ids. */
struct written_text {
    uint32_t part; /* key_parts id of the folded text; INTERN_NONE until a key needs it */
    uint32_t site; /* site index; INTERN_NONE until a session has the text as its site */
};

/* A person key being looked up: a participant id or a name key, hashed once. */
struct entity_probe {
    const char *text; /* NULL when the row has no such key */
    size_t len;
    uint32_t hash;
    uint8_t is_id;
};

/* A row waiting for its person (see "the row queue"), with what joining it needs: its
 * keys copied, as the row's texts live only during the call that brought it. */
struct queued_row {
    struct entity_probe name, id; /* the texts in buf */
    uint32_t ahead;               /* the entity fetched ahead for it, or INTERN_NONE */
    char *buf;
    size_t buf_cap;
    struct diag_sink diag; /* the row's sink, copied: the caller's may be gone by then */
    struct row_origin origin;
    bool is_outcome;
    uint8_t role, sex, present; /* attendance */
    uint32_t session;           /* attendance */
    day_t observed_on;          /* outcome */
    uint8_t category;           /* outcome */
};

enum { QUEUE = 16, PEEK_SLOT_AFTER = 5, PEEK_LINK_AFTER = 10 };

/* A (person entity, name entity) association, for the probable-duplicate search. */
struct name_use {
    uint32_t entity, name_entity;
    struct row_origin origin; /* first row carrying both */
};

struct join {
    struct arena *arena;           /* the entities' long keys: freed at the end of join_finish */
    struct arena *kept;            /* site names, the probable duplicates' name keys */
    struct arena *key_arena;       /* session and site keys: freed once ingest is over */
    uint64_t *entity_slots;        /* hash32 << 32 | (entity + 1), 0 = empty; NULL once frozen */
    size_t entity_slot_count;      /* a power of two */
    struct entity **entity_chunks; /* entity e: entity_chunks[e / ENTITY_CHUNK] (entity_at) */
    size_t n_entity_chunks, entity_chunks_cap;
    size_t n_entities;           /* numbered in first-seen order */
    struct strtab *session_keys; /* "I\x1f<session id>", or 'K' + (day, site, activity ids) */
    struct strtab *key_parts;    /* folded site or activity text of a session key → id */
    struct session_record *sessions;
    size_t sessions_cap;
    struct strtab *site_keys; /* folded site → site index */
    const char **site_names;
    size_t site_names_cap;
    struct strtab *written; /* a site or activity text as written → written_texts index */
    struct written_text *written_texts;
    size_t written_texts_cap;
    /* Pairs: dataset.attendances[0 .. n_attendances), with the entity in `person` until
     * resolve_pairs re-keys them by person. */
    size_t attendances_cap;
    uint32_t *pair_next; /* by pair: the previous pair of its session, or INTERN_NONE */
    size_t pair_next_cap;
    struct session_pairs *session_pairs; /* by session */
    size_t session_pairs_cap;
    struct keymap *big_index; /* (entity, session) → id, for sessions past CHAIN_MAX pairs */
    uint32_t *big_pair;       /* by big_index id: the pair */
    size_t big_pair_cap;
    struct file_start *file_starts;
    size_t n_file_starts, file_starts_cap;
    struct pair_lines lines; /* each pair's first row, for listing duplicates */
    size_t outcomes_cap;     /* of dataset.outcomes, whose person is the entity until resolved */
    struct keymap *name_use_index;
    struct name_use *name_uses;
    size_t n_name_uses, name_uses_cap;
    char *key_buf;
    size_t key_cap;
    struct session_memo memo;
    struct queued_row queue[QUEUE];  /* row n at queue[n % QUEUE] */
    uint64_t queue_head, queue_tail; /* rows queue_head .. queue_tail - 1 wait */
    struct duplicate_search *search; /* from join_finish to join_list_duplicates */
    struct join_stats stats;
    struct dataset dataset;
};

struct join *join_new(size_t n_files)
{
    struct join *j = xcalloc(1, sizeof *j);
    j->arena = arena_new();
    j->kept = arena_new();
    j->key_arena = arena_new();
    j->entity_slot_count = 1024;
    j->entity_slots = alloc_slots(j->entity_slot_count);
    j->session_keys = strtab_new(j->key_arena);
    j->key_parts = strtab_new(j->key_arena);
    j->site_keys = strtab_new(j->key_arena);
    j->written = strtab_new(j->key_arena);
    j->big_index = keymap_new();
    j->name_use_index = keymap_new();
    j->stats.n_files = n_files;
    j->stats.rows_accepted = xcalloc(n_files, sizeof(unsigned long));
    j->stats.rows_duplicate = xcalloc(n_files, sizeof(unsigned long));
    return j;
}

/* ---- keys ---- */

/* "I\x1f<session id>" in the join's key buffer. */
static const char *session_id_key(struct join *j, const char *id, size_t *len)
{
    size_t n = strlen(id);
    xgrow((void **)&j->key_buf, &j->key_cap, n + 2, 1);
    j->key_buf[0] = 'I';
    j->key_buf[1] = '\x1f';
    memcpy(j->key_buf + 2, id, n);
    *len = n + 2;
    return j->key_buf;
}

/* ---- the entity table ---- */

#define SLOT_ENTITY(slot) ((uint32_t)(slot)-1)
#define SLOT_HASH(slot)   ((uint32_t)((slot) >> 32))

static uint32_t entity_hash(const char *text, size_t len, uint8_t is_id)
{
    return (uint32_t)intern_hash_words(text, len, is_id);
}

static bool entity_has_key(const struct entity *ent, const struct entity_probe *k)
{
    return ent->is_id == k->is_id && ent->key_len == k->len &&
           intern_same_bytes(entity_key(ent), k->text, k->len);
}

/* The slot holding the key, or the empty slot where it would go. */
static size_t entity_slot_of(const struct join *j, const struct entity_probe *k)
{
    size_t mask = j->entity_slot_count - 1;
    for (size_t i = k->hash & mask;; i = (i + 1) & mask) {
        uint64_t slot = j->entity_slots[i];
        if (slot == 0 ||
            (SLOT_HASH(slot) == k->hash && entity_has_key(entity_at(j, SLOT_ENTITY(slot)), k)))
            return i;
    }
}

static void rehash_entities(struct join *j)
{
    uint64_t *old = j->entity_slots;
    size_t old_count = j->entity_slot_count;
    j->entity_slot_count *= 2;
    j->entity_slots = alloc_slots(j->entity_slot_count);
    size_t mask = j->entity_slot_count - 1;
    for (size_t s = 0; s < old_count; s++) {
        if (old[s] == 0)
            continue;
        size_t i = SLOT_HASH(old[s]) & mask;
        while (j->entity_slots[i])
            i = (i + 1) & mask;
        j->entity_slots[i] = old[s];
    }
    free(old);
}

static struct entity *entity_at(const struct join *j, uint32_t e)
{
    return &j->entity_chunks[e / ENTITY_CHUNK][e % ENTITY_CHUNK];
}

static struct entity *new_entity(struct join *j)
{
    if (j->n_entities == j->n_entity_chunks * ENTITY_CHUNK) {
        xgrow((void **)&j->entity_chunks, &j->entity_chunks_cap, j->n_entity_chunks,
              sizeof *j->entity_chunks);
        j->entity_chunks[j->n_entity_chunks++] = alloc_huge(CHUNK_BYTES);
    }
    return entity_at(j, (uint32_t)j->n_entities++);
}

static void free_entities(struct join *j)
{
    for (size_t c = 0; c < j->n_entity_chunks; c++)
        free(j->entity_chunks[c]);
    free(j->entity_chunks);
    j->entity_chunks = NULL;
    j->n_entity_chunks = j->entity_chunks_cap = j->n_entities = 0;
}

static uint32_t add_entity(struct join *j, const struct entity_probe *k, struct row_origin origin)
{
    uint32_t e = (uint32_t)j->n_entities;
    struct entity *ent = new_entity(j);
    *ent = (struct entity){.link = INTERN_NONE,
                           .first_line = origin.line,
                           .first_file = origin.file,
                           .is_id = k->is_id,
                           .role = {.value = ROLE_UNKNOWN},
                           .sex = {.value = SEX_UNKNOWN},
                           .key_len = (uint32_t)k->len};
    if (k->len < KEY_INLINE) {
        memcpy(ent->key, k->text, k->len);
    } else {
        const char *copy = arena_strndup(j->arena, k->text, k->len);
        memcpy(ent->key, &copy, sizeof copy);
    }
    return e;
}

static uint32_t intern_entity(struct join *j, const struct entity_probe *k,
                              struct row_origin origin)
{
    size_t i = entity_slot_of(j, k);
    if (j->entity_slots[i])
        return SLOT_ENTITY(j->entity_slots[i]);
    uint32_t e = add_entity(j, k, origin);
    j->entity_slots[i] = (uint64_t)k->hash << 32 | (e + 1);
    if (j->n_entities * 4 > j->entity_slot_count * 3)
        rehash_entities(j);
    return e;
}

/* Records each (id, name key) association once; true when it is new. Most ids come with
 * one name key, kept in the id entity's link, so only an id's further name keys need the
 * hash table. */
static bool note_name_use(struct join *j, uint32_t id_entity, uint32_t name_entity,
                          struct row_origin origin)
{
    struct entity *id = entity_at(j, id_entity);
    if (id->link == name_entity)
        return false;
    if (id->link == INTERN_NONE) {
        id->link = name_entity;
    } else {
        bool added;
        keymap_intern(j->name_use_index, (uint64_t)id_entity << 32 | name_entity, &added);
        if (!added)
            return false;
    }
    xgrow((void **)&j->name_uses, &j->name_uses_cap, j->n_name_uses, sizeof *j->name_uses);
    j->name_uses[j->n_name_uses++] = (struct name_use){id_entity, name_entity, origin};
    return true;
}

/* The id entity the name entity is linked to, when it has the row's id: then the id needs
 * no probe of its own. That is most rows, and the linked entity was made with the name
 * entity, next to it in memory, where a probe costs a slot and an entity out of millions. */
static uint32_t linked_id(const struct join *j, uint32_t name, const struct entity_probe *id)
{
    uint32_t link = entity_at(j, name)->link;
    return link != INTERN_NONE && entity_has_key(entity_at(j, link), id) ? link : INTERN_NONE;
}

/* The entity a row is about; links its name key to its id when it carries both. The name
 * key is looked up first, as it always was: entities are numbered in first-seen order. */
static uint32_t resolve_row_person(struct join *j, struct queued_row *q)
{
    uint32_t name = q->name.text ? intern_entity(j, &q->name, q->origin) : INTERN_NONE;
    if (!q->id.text)
        return name;
    uint32_t id = name != INTERN_NONE ? linked_id(j, name, &q->id) : INTERN_NONE;
    if (id == INTERN_NONE) {
        if (name != INTERN_NONE) /* else hashed when queued */
            q->id.hash = entity_hash(q->id.text, q->id.len, 1);
        id = intern_entity(j, &q->id, q->origin);
    }
    if (name == INTERN_NONE)
        return id;
    bool new_use = note_name_use(j, id, name, q->origin);
    struct entity *n = entity_at(j, name);
    if (n->link == INTERN_NONE) {
        n->link = id;
        j->stats.identity_links++;
    } else if (n->link != id) {
        j->stats.name_key_conflicts += new_use; /* one per extra id, not per row */
        diag_warn(&q->diag, WARN_NAME_KEY_TWO_IDS, q->origin, NULL);
    }
    return id;
}

static void merge_attribute(uint8_t *have, uint8_t incoming, uint8_t unknown, bool *conflict)
{
    if (incoming == unknown)
        return;
    if (*have == unknown)
        *have = incoming;
    else if (*have != incoming)
        *conflict = true;
}

/* A row without a QPV code (QPV_NO_CODE) says less than a code or a yes/no: any of those on
 * another row of the session wins over it, without a conflict (records.h). */
static void merge_qpv(uint8_t *have, uint8_t incoming, bool *conflict)
{
    if (incoming == QPV_NO_CODE && *have != QPV_UNKNOWN)
        return;
    if (*have == QPV_NO_CODE && incoming != QPV_UNKNOWN)
        *have = incoming;
    else
        merge_attribute(have, incoming, QPV_UNKNOWN, conflict);
}

static uint64_t input_rank(struct row_origin origin)
{
    return (uint64_t)origin.file << 32 | origin.line;
}

static uint64_t attribute_rank(const struct attribute *a)
{
    return (uint64_t)a->file << 32 | a->line;
}

/* A person attribute: the first known value in input order wins, whichever entity (id or
 * name key) it came through; a different known value is a conflict. */
static void merge_first_known(struct attribute *have, uint8_t incoming, uint64_t incoming_at,
                              uint8_t unknown, bool *conflict)
{
    if (incoming == unknown)
        return;
    if (have->value != unknown && have->value != incoming)
        *conflict = true;
    if (have->value == unknown || incoming_at < attribute_rank(have))
        *have = (struct attribute){(uint32_t)incoming_at, (uint16_t)(incoming_at >> 32), incoming};
}

static uint32_t intern_site(struct join *j, const char *site)
{
    char folded[512]; /* cut at 511 bytes, as the session key's site is */
    size_t len = fold_label(site, strlen(site), folded, sizeof folded);
    bool added;
    uint32_t s = strtab_intern(j->site_keys, folded, len, &added);
    if (added) {
        xgrow((void **)&j->site_names, &j->site_names_cap, s, sizeof *j->site_names);
        j->site_names[s] = arena_strdup(j->kept, site);
    }
    return s;
}

static uint32_t intern_key_part(struct join *j, const char *text)
{
    char folded[512]; /* folded texts are cut at 511 bytes, as session keys always were */
    fold_label(text, strlen(text), folded, sizeof folded);
    return strtab_intern(j->key_parts, folded, strlen(folded), NULL);
}

static struct written_text *written(struct join *j, const char *text)
{
    bool added;
    uint32_t w = strtab_intern(j->written, text, strlen(text), &added);
    if (added) {
        xgrow((void **)&j->written_texts, &j->written_texts_cap, w, sizeof *j->written_texts);
        j->written_texts[w] = (struct written_text){INTERN_NONE, INTERN_NONE};
    }
    return &j->written_texts[w];
}

static uint32_t part_of(struct join *j, const char *text)
{
    struct written_text *w = written(j, text);
    if (w->part == INTERN_NONE)
        w->part = intern_key_part(j, text);
    return w->part;
}

static uint32_t site_of(struct join *j, const char *site)
{
    struct written_text *w = written(j, site);
    if (w->site == INTERN_NONE)
        w->site = intern_site(j, site);
    return w->site;
}

/* The session id, or (date, folded site, folded activity) as 13 bytes: the texts become
 * small ids, so a million sessions do not each keep a copy of them. */
static uint32_t intern_session_key(struct join *j, const struct attendance_row *row, bool *added)
{
    size_t len;
    if (row->session_id) {
        const char *key = session_id_key(j, row->session_id, &len);
        return strtab_intern(j->session_keys, key, len, added);
    }
    uint32_t parts[3] = {(uint32_t)row->session_date, part_of(j, row->site),
                         part_of(j, row->activity)};
    char key[1 + sizeof parts];
    key[0] = 'K';
    memcpy(key + 1, parts, sizeof parts);
    return strtab_intern(j->session_keys, key, sizeof key, added);
}

static void copy_text(char **dst, size_t *cap, const char *text)
{
    size_t n = strlen(text) + 1;
    xgrow((void **)dst, cap, n, 1);
    memcpy(*dst, text, n);
}

static bool memo_matches(const struct session_memo *m, const struct attendance_row *row)
{
    return m->valid && m->date == row->session_date &&
           (m->id != NULL) == (row->session_id != NULL) &&
           (!m->id || strcmp(m->id, row->session_id) == 0) && strcmp(m->site, row->site) == 0 &&
           strcmp(m->activity, row->activity) == 0;
}

static void memo_store(struct session_memo *m, const struct attendance_row *row, uint32_t session,
                       uint32_t site_id)
{
    copy_text(&m->site, &m->site_cap, row->site);
    copy_text(&m->activity, &m->activity_cap, row->activity);
    m->id = NULL;
    if (row->session_id) {
        copy_text(&m->id_buf, &m->id_cap, row->session_id);
        m->id = m->id_buf;
    }
    m->valid = true;
    m->date = row->session_date;
    m->session = session;
    m->site_id = site_id;
}

static uint32_t intern_session(struct join *j, const struct attendance_row *row,
                               const struct diag_sink *diag)
{
    bool added = false;
    uint32_t s, site_id;
    if (memo_matches(&j->memo, row)) {
        s = j->memo.session;
        site_id = j->memo.site_id;
    } else {
        s = intern_session_key(j, row, &added);
        site_id = site_of(j, row->site);
        memo_store(&j->memo, row, s, site_id);
    }
    if (added) {
        xgrow((void **)&j->sessions, &j->sessions_cap, s, sizeof *j->sessions);
        xgrow((void **)&j->session_pairs, &j->session_pairs_cap, s, sizeof *j->session_pairs);
        j->sessions[s] = (struct session_record){row->session_date, site_id, (uint8_t)row->qpv};
        j->session_pairs[s] = (struct session_pairs){INTERN_NONE, 0};
        return s;
    }
    struct session_record *rec = &j->sessions[s];
    bool conflict = rec->date != row->session_date || rec->site != site_id;
    merge_qpv(&rec->qpv, (uint8_t)row->qpv, &conflict);
    if (conflict)
        diag_warn(diag, WARN_SESSION_CONFLICT, row->origin, NULL);
    return s;
}

/* ---- pairs ---- */

/* Why a row is a duplicate, as listed in quality/duplicates.csv. */
static const char DUPLICATE_SAME_KEY[] =
    "the same person at the same session as an earlier row: counted once";
static const char DUPLICATE_LINKED[] =
    "the same person at the same session as an earlier row, one row by the names and the other by "
    "the participant id, linked by a row carrying both: counted once";

static uint32_t find_pair(const struct join *j, uint32_t entity, uint32_t session)
{
    const struct session_pairs *sp = &j->session_pairs[session];
    if (sp->count > CHAIN_MAX) {
        uint32_t k = keymap_find(j->big_index, (uint64_t)entity << 32 | session);
        return k == INTERN_NONE ? INTERN_NONE : j->big_pair[k];
    }
    for (uint32_t p = sp->head; p != INTERN_NONE; p = j->pair_next[p])
        if (j->dataset.attendances[p].person == entity)
            return p;
    return INTERN_NONE;
}

static void index_big_pair(struct join *j, uint32_t pair)
{
    const struct attendance_record *a = &j->dataset.attendances[pair];
    uint32_t k = keymap_intern(j->big_index, (uint64_t)a->person << 32 | a->session, NULL);
    xgrow((void **)&j->big_pair, &j->big_pair_cap, k, sizeof *j->big_pair);
    j->big_pair[k] = pair;
}

static void note_file(struct join *j, uint32_t pair, uint16_t file)
{
    if (j->n_file_starts > 0 && j->file_starts[j->n_file_starts - 1].file == file)
        return;
    xgrow((void **)&j->file_starts, &j->file_starts_cap, j->n_file_starts, sizeof *j->file_starts);
    j->file_starts[j->n_file_starts++] = (struct file_start){pair, file};
}

/* Notes pair p's line (struct pair_lines); the caller has grown `step` to hold p. */
static void note_pair_line(struct pair_lines *pl, uint32_t p, struct row_origin origin)
{
    uint32_t step = origin.line - pl->last.line;
    bool far =
        p == 0 || origin.file != pl->last.file || origin.line <= pl->last.line || step >= STEP_FAR;
    pl->step[p] = far ? STEP_FAR : (uint8_t)step;
    if (far) {
        xgrow((void **)&pl->far, &pl->far_cap, pl->n_far, sizeof *pl->far);
        pl->far[pl->n_far++] = (struct far_line){p, origin.line};
    }
    if (p % MARK_EVERY == 0) {
        xgrow((void **)&pl->marks, &pl->marks_cap, p / MARK_EVERY, sizeof *pl->marks);
        pl->marks[p / MARK_EVERY] = origin.line;
    }
    pl->last = origin;
}

static uint32_t far_line_of(const struct pair_lines *pl, uint32_t p)
{
    size_t lo = 0, hi = pl->n_far; /* far is in pair order, and p is in it */
    while (hi - lo > 1) {
        size_t mid = lo + (hi - lo) / 2;
        if (pl->far[mid].pair <= p)
            lo = mid;
        else
            hi = mid;
    }
    assert(pl->far[lo].pair == p);
    return pl->far[lo].line;
}

/* Where pair p's first row is: its file from file_starts, its line from the steps. */
static struct row_origin pair_origin(const struct join *j, uint32_t p)
{
    const struct pair_lines *pl = &j->lines;
    uint32_t q = p - p % MARK_EVERY, line = pl->marks[q / MARK_EVERY];
    while (q++ < p)
        line = pl->step[q] == STEP_FAR ? far_line_of(pl, q) : line + pl->step[q];
    size_t lo = 0, hi = j->n_file_starts; /* the last file start at or before p */
    while (hi - lo > 1) {
        size_t mid = lo + (hi - lo) / 2;
        if (j->file_starts[mid].pair <= p)
            lo = mid;
        else
            hi = mid;
    }
    return (struct row_origin){j->file_starts[lo].file, line};
}

static void add_pair(struct join *j, uint32_t entity, uint32_t session, uint8_t present,
                     struct row_origin origin)
{
    struct dataset *d = &j->dataset;
    uint32_t p = (uint32_t)d->n_attendances++;
    if (p >= j->attendances_cap || p >= j->pair_next_cap ||
        p >= j->lines.step_cap) { /* checked here: once a row */
        xgrow((void **)&d->attendances, &j->attendances_cap, p, sizeof *d->attendances);
        xgrow((void **)&j->pair_next, &j->pair_next_cap, p, sizeof *j->pair_next);
        xgrow((void **)&j->lines.step, &j->lines.step_cap, p, 1);
    }
    d->attendances[p] = (struct attendance_record){entity, session, present};
    note_file(j, p, origin.file);
    note_pair_line(&j->lines, p, origin);
    struct session_pairs *sp = &j->session_pairs[session];
    j->pair_next[p] = sp->head;
    sp->head = p;
    if (++sp->count == CHAIN_MAX + 1) /* from now on through big_index: all of them */
        for (uint32_t q = p; q != INTERN_NONE; q = j->pair_next[q])
            index_big_pair(j, q);
    else if (sp->count > CHAIN_MAX + 1)
        index_big_pair(j, p);
}

static void join_queued_attendance(struct join *j, struct queued_row *q, uint32_t e)
{
    struct entity *ent = entity_at(j, e);
    bool conflict = false;
    ent->in_attendance = 1;
    uint64_t rank = input_rank(q->origin);
    merge_first_known(&ent->role, q->role, rank, ROLE_UNKNOWN, &conflict);
    merge_first_known(&ent->sex, q->sex, rank, SEX_UNKNOWN, &conflict);
    if (conflict)
        diag_warn(&q->diag, WARN_PERSON_CONFLICT, q->origin, NULL);
    uint32_t p = find_pair(j, e, q->session);
    if (p != INTERN_NONE) {
        j->dataset.attendances[p].present |= q->present;
        j->stats.rows_duplicate[q->origin.file]++;
        diag_duplicate(&q->diag, q->origin, pair_origin(j, p), DUPLICATE_SAME_KEY);
        return;
    }
    add_pair(j, e, q->session, q->present, q->origin);
    j->stats.rows_accepted[q->origin.file]++;
}

static void join_queued_outcome(struct join *j, const struct queued_row *q, uint32_t e)
{
    struct dataset *d = &j->dataset;
    xgrow((void **)&d->outcomes, &j->outcomes_cap, d->n_outcomes, sizeof *d->outcomes);
    d->outcomes[d->n_outcomes++] = (struct outcome_record){
        e, q->observed_on, q->category, (uint64_t)q->origin.file << 32 | q->origin.line};
    j->stats.rows_accepted[q->origin.file]++;
}

/* ---- the row queue ----
 *
 * A row's person is looked up QUEUE rows after the row came in. Meanwhile its key's slot is
 * fetched, PEEK_SLOT_AFTER rows later the entity that slot names, PEEK_LINK_AFTER rows later
 * the id entity that one is linked to: looked up at once, each row waited for those cache
 * misses in turn, among millions of persons (docs/performance.md). What is fetched ahead is
 * only a hint, read from the tables as they are then; rows are joined in input order all the
 * same, by the same code. The session is interned as the row comes in (it depends on no
 * person), and a row's warnings reach the sink it came with, up to QUEUE rows later. */

static void join_queued(struct join *j, struct queued_row *q)
{
    uint32_t e = resolve_row_person(j, q);
    if (q->is_outcome)
        join_queued_outcome(j, q, e);
    else
        join_queued_attendance(j, q, e);
}

/* The key a row is looked up by first, hashed as it is queued. */
static const struct entity_probe *first_key(const struct queued_row *q)
{
    return q->name.text ? &q->name : &q->id;
}

/* The entity of the first slot on the key's probe path with its hash bits, if any in the
 * few slots fetched ahead (a cache line of them): likely the key's own. */
static uint32_t probable_entity(const struct join *j, const struct entity_probe *k)
{
    size_t mask = j->entity_slot_count - 1;
    for (size_t i = k->hash & mask, n = 0; n < 8; i = (i + 1) & mask, n++) {
        uint64_t slot = j->entity_slots[i];
        if (slot == 0)
            break;
        if (SLOT_HASH(slot) == k->hash)
            return SLOT_ENTITY(slot);
    }
    return INTERN_NONE;
}

/* What to fetch ahead for a row: its key's entity (noted in the row), then the id entity
 * that one is linked to. (The caller prefetches: GCC drops calls to a function that only
 * prefetches, as if it did nothing.) */
static const struct entity *entity_ahead(const struct join *j, struct queued_row *q)
{
    q->ahead = probable_entity(j, first_key(q));
    return q->ahead != INTERN_NONE ? entity_at(j, q->ahead) : NULL;
}

static const struct entity *link_ahead(const struct join *j, const struct queued_row *q)
{
    if (!q->name.text || !q->id.text || q->ahead >= j->n_entities)
        return NULL;
    uint32_t link = entity_at(j, q->ahead)->link;
    return link < j->n_entities ? entity_at(j, link) : NULL; /* INTERN_NONE is not */
}

static void copy_probe(struct entity_probe *k, char *to, const char *text, size_t len,
                       uint8_t is_id)
{
    *k = (struct entity_probe){NULL, len, 0, is_id};
    if (!text)
        return;
    memcpy(to, text, len + 1);
    k->text = to;
}

/* Queues a row's person (the caller fills in the rest), joining the oldest row when the
 * queue is full and fetching ahead for the rows in between. */
static struct queued_row *enqueue(struct join *j, const struct person_ref *ref,
                                  struct row_origin origin, const struct diag_sink *diag)
{
    if (j->queue_tail - j->queue_head == QUEUE)
        join_queued(j, &j->queue[j->queue_head++ % QUEUE]);
    uint64_t n = j->queue_tail++;
    struct queued_row *q = &j->queue[n % QUEUE];
    size_t n_name = ref->name_key ? strlen(ref->name_key) : 0, n_id = ref->id ? strlen(ref->id) : 0;
    if (n_name + n_id + 2 > q->buf_cap)
        xgrow((void **)&q->buf, &q->buf_cap, n_name + n_id + 2, 1);
    copy_probe(&q->name, q->buf, ref->name_key, n_name, 0);
    copy_probe(&q->id, q->buf + n_name + 1, ref->id, n_id, 1);
    struct entity_probe *first = q->name.text ? &q->name : &q->id;
    first->hash = entity_hash(first->text, first->len, first->is_id);
    __builtin_prefetch(&j->entity_slots[first->hash & (j->entity_slot_count - 1)]);
    q->diag = diag ? *diag : (struct diag_sink){0};
    q->origin = origin;
    q->ahead = INTERN_NONE;
    const struct entity *ahead = n >= j->queue_head + PEEK_SLOT_AFTER
                                     ? entity_ahead(j, &j->queue[(n - PEEK_SLOT_AFTER) % QUEUE])
                                     : NULL;
    if (ahead)
        __builtin_prefetch(ahead);
    ahead = n >= j->queue_head + PEEK_LINK_AFTER
                ? link_ahead(j, &j->queue[(n - PEEK_LINK_AFTER) % QUEUE])
                : NULL;
    if (ahead)
        __builtin_prefetch(ahead);
    return q;
}

static void flush_queue(struct join *j)
{
    while (j->queue_head < j->queue_tail)
        join_queued(j, &j->queue[j->queue_head++ % QUEUE]);
}

void join_add_attendance(struct join *j, const struct attendance_row *row,
                         const struct diag_sink *diag)
{
    uint32_t s = intern_session(j, row, diag);
    struct queued_row *q = enqueue(j, &row->person, row->origin, diag);
    q->is_outcome = false;
    q->role = (uint8_t)row->role;
    q->sex = (uint8_t)row->sex;
    q->present = row->presence == PRESENCE_PRESENT;
    q->session = s;
}

void join_add_outcome(struct join *j, const struct outcome_row *row, const struct diag_sink *diag)
{
    struct queued_row *q = enqueue(j, &row->person, row->origin, diag);
    q->is_outcome = true;
    q->observed_on = row->observed_on;
    q->category = (uint8_t)row->category;
}

/* ---- finish ---- */

static uint64_t later_of(uint64_t a, uint64_t b)
{
    return a > b ? a : b;
}

/* Folds a linked name entity's role and sex into its person's; a contradiction is warned at
 * the later of the two rows that disagree. */
static void merge_into_person(struct entity *canon, const struct entity *ent,
                              const struct diag_sink *diag)
{
    bool role_conflict = false, sex_conflict = false;
    uint64_t role_later = later_of(attribute_rank(&canon->role), attribute_rank(&ent->role));
    uint64_t sex_later = later_of(attribute_rank(&canon->sex), attribute_rank(&ent->sex));
    merge_first_known(&canon->role, ent->role.value, attribute_rank(&ent->role), ROLE_UNKNOWN,
                      &role_conflict);
    merge_first_known(&canon->sex, ent->sex.value, attribute_rank(&ent->sex), SEX_UNKNOWN,
                      &sex_conflict);
    if (!role_conflict && !sex_conflict)
        return;
    uint64_t cited = later_of(role_conflict ? role_later : 0, sex_conflict ? sex_later : 0);
    diag_warn(diag, WARN_PERSON_CONFLICT,
              (struct row_origin){(uint16_t)(cited >> 32), (uint32_t)cited}, NULL);
}

/* Canonical entities, merged attributes, and dense person indices in first-seen order. */
static void resolve_persons(struct join *j, const struct diag_sink *diag)
{
    size_t n = j->n_entities;
    for (size_t e = 0; e < n; e++) {
        struct entity *ent = entity_at(j, e);
        struct entity *canon = entity_at(j, canonical_of(j, (uint32_t)e));
        if (ent == canon)
            continue;
        canon->in_attendance |= ent->in_attendance;
        merge_into_person(canon, ent, diag);
    }
    struct dataset *d = &j->dataset;
    d->persons = xcalloc(n, sizeof *d->persons);
    for (size_t e = 0; e < n; e++) {
        struct entity *ent = entity_at(j, e);
        ent->person = DATASET_NO_PERSON;
        if (canonical_of(j, (uint32_t)e) == e && ent->in_attendance) {
            ent->person = (uint32_t)d->n_persons;
            d->persons[d->n_persons++] = (struct person_record){ent->role.value, ent->sex.value};
        }
    }
    for (size_t e = 0; e < n; e++)
        entity_at(j, e)->person = entity_at(j, canonical_of(j, (uint32_t)e))->person;
}

/* Marks the persons having a pair made through a linked name key: only their pairs can
 * meet another pair of theirs once re-keyed by person (a person's other pairs all come
 * through its one canonical entity, and pairs are distinct per entity). An entity has pairs
 * exactly when it was in attendance, so this walks the entities, not the pairs. */
static uint8_t *persons_with_linked_pairs(const struct join *j)
{
    uint8_t *linked = xcalloc(j->dataset.n_persons, 1);
    uint32_t n = (uint32_t)j->n_entities;
    for (uint32_t e = 0; e < n; e++)
        if (entity_at(j, e)->in_attendance && canonical_of(j, e) != e)
            linked[entity_at(j, e)->person] = 1;
    return linked;
}

/* Pairs re-keyed by person, in place: two entities of one person at one session make a
 * duplicate, and the later row (pairs are in input order) moves from accepted to
 * duplicate, listed with the earlier one's line. Only the linked persons' pairs can meet,
 * so only they go through a hash. Rows listed earlier as duplicates of the later pair keep
 * its line: that row is then itself listed as a duplicate of the earlier one. */
enum { PAIR_AHEAD = 16 };

static void resolve_pairs(struct join *j, const struct diag_sink *diag)
{
    struct dataset *d = &j->dataset;
    uint8_t *linked = persons_with_linked_pairs(j);
    struct keymap *index = keymap_new();
    uint32_t *kept = NULL;  /* by index id: where that (person, session) record is */
    uint32_t *first = NULL; /* by index id: the pair it was before compaction, for its line */
    size_t kept_cap = 0, first_cap = 0, n = 0, f = 0;
    for (size_t i = 0; i < d->n_attendances; i++) {
        if (i + PAIR_AHEAD < d->n_attendances) /* millions of entities: fetch ahead */
            __builtin_prefetch(entity_at(j, d->attendances[i + PAIR_AHEAD].person));
        struct attendance_record a = d->attendances[i];
        a.person = entity_at(j, a.person)->person;
        while (f + 1 < j->n_file_starts && j->file_starts[f + 1].pair <= i)
            f++;
        if (linked[a.person]) {
            bool added;
            uint32_t k = keymap_intern(index, (uint64_t)a.person << 32 | a.session, &added);
            xgrow((void **)&kept, &kept_cap, k, sizeof *kept);
            xgrow((void **)&first, &first_cap, k, sizeof *first);
            if (!added) {
                d->attendances[kept[k]].present |= a.present;
                j->stats.rows_accepted[j->file_starts[f].file]--;
                j->stats.rows_duplicate[j->file_starts[f].file]++;
                diag_duplicate(diag, pair_origin(j, (uint32_t)i), pair_origin(j, first[k]),
                               DUPLICATE_LINKED);
                continue;
            }
            kept[k] = (uint32_t)n;
            first[k] = (uint32_t)i;
        }
        d->attendances[n++] = a;
    }
    d->n_attendances = n;
    d->attendances = xrealloc(d->attendances, (n ? n : 1) * sizeof *d->attendances);
    free(kept);
    free(first);
    free(linked);
    keymap_free(index);
}

/* Outcomes re-keyed in place from entity to person; `order` is the row's (file, line). */
static void resolve_outcomes(struct join *j, const struct diag_sink *diag)
{
    struct dataset *d = &j->dataset;
    if (!d->outcomes)
        d->outcomes = xcalloc(1, sizeof *d->outcomes);
    for (size_t i = 0; i < d->n_outcomes; i++) {
        struct outcome_record *o = &d->outcomes[i];
        o->person = entity_at(j, o->person)->person;
        if (o->person == DATASET_NO_PERSON) {
            j->stats.outcomes_unmatched++;
            diag_warn(diag, WARN_OUTCOME_UNMATCHED,
                      (struct row_origin){(uint16_t)(o->order >> 32), (uint32_t)o->order}, NULL);
        }
    }
}

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
static struct duplicate_search *collect_named(const struct join *j)
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
static void cut_into_parts(struct duplicate_search *s)
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

/* ---- memory: what only ingest and the join need is freed before the indicators run ---- */

static void drop_ingest_tables(struct join *j)
{
    strtab_free(j->session_keys);
    strtab_free(j->key_parts);
    strtab_free(j->site_keys);
    strtab_free(j->written);
    free(j->written_texts);
    arena_free(j->key_arena);
    j->session_keys = j->key_parts = j->site_keys = j->written = NULL;
    j->written_texts = NULL;
    j->key_arena = NULL;
    free(j->memo.id_buf);
    free(j->memo.site);
    free(j->memo.activity);
    j->memo = (struct session_memo){0};
}

static void drop_pair_tables(struct join *j)
{
    free(j->pair_next);
    free(j->session_pairs);
    free(j->big_pair);
    free(j->file_starts);
    free(j->lines.step);
    free(j->lines.marks);
    free(j->lines.far);
    j->lines = (struct pair_lines){0};
    keymap_free(j->big_index);
    j->pair_next = j->big_pair = NULL;
    j->session_pairs = NULL;
    j->file_starts = NULL;
    j->big_index = NULL;
}

static void drop_entities(struct join *j)
{
    keymap_free(j->name_use_index);
    free(j->entity_slots);
    free_entities(j);
    free(j->name_uses);
    arena_free(j->arena);
    j->entity_slots = NULL;
    j->name_use_index = NULL;
    j->name_uses = NULL;
    j->arena = NULL;
}

const struct dataset *join_finish(struct join *j, const struct diag_sink *diag)
{
    flush_queue(j);
    struct dataset *d = &j->dataset;
    d->n_sessions = strtab_count(j->session_keys);
    d->sessions = j->sessions;
    d->n_sites = strtab_count(j->site_keys);
    d->site_names = j->site_names;
    drop_ingest_tables(j);
    resolve_persons(j, diag);
    resolve_pairs(j, diag);
    drop_pair_tables(j);
    resolve_outcomes(j, diag);
    free(j->entity_slots); /* no more lookups: room for the duplicate search */
    j->entity_slots = NULL;
    j->search = collect_named(j);
    drop_entities(j);
    cut_into_parts(j->search);
    return d;
}

static void free_search(struct duplicate_search *s)
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
    free_search(j->search);
    j->search = NULL;
}

void join_find_duplicates(struct join *j)
{
    while (join_search_duplicates_part(j))
        continue;
    join_list_duplicates(j);
}

const struct join_stats *join_get_stats(const struct join *j)
{
    return &j->stats;
}

void join_free(struct join *j)
{
    if (!j)
        return;
    drop_ingest_tables(j);
    drop_pair_tables(j);
    keymap_free(j->name_use_index);
    free(j->entity_slots);
    free_entities(j);
    free(j->name_uses);
    free(j->sessions);
    free(j->site_names);
    free(j->key_buf);
    for (int i = 0; i < QUEUE; i++)
        free(j->queue[i].buf);
    free(j->stats.rows_accepted);
    free(j->stats.rows_duplicate);
    free(j->stats.probable_duplicates);
    free(j->dataset.persons);
    free(j->dataset.attendances);
    free(j->dataset.outcomes);
    free_search(j->search);
    arena_free(j->arena);
    arena_free(j->kept);
    free(j);
}
