/* join_private.h — private to the join stage (stages/join/): the join's state and the few
 * functions its files share. Nothing outside stages/join/ includes it; the join's whole
 * interface is stages/join.h.
 *
 * join.c adds the rows and finishes the dataset; duplicates.c is the probable-duplicate
 * search over what join_finish copied out of the entities. Everything join.c runs for each
 * row stays in join.c, static, so that the compiler inlines it (docs/performance.md). */
#ifndef IMPACT_JOIN_PRIVATE_H
#define IMPACT_JOIN_PRIVATE_H

#include "stages/join.h"

#include "stages/common/intern.h"

#include <stdbool.h>
#include <stdint.h>
#include <string.h>

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

static inline const char *entity_key(const struct entity *ent)
{
    if (ent->key_len < KEY_INLINE)
        return ent->key;
    const char *text;
    memcpy(&text, ent->key, sizeof text);
    return text;
}

/* The entities are read at random among millions and kept in fixed chunks of CHUNK_BYTES,
 * on huge pages where the system has them (join.c, "memory read at random"). */
enum {
    HUGE_PAGE = 2 << 20,
    CHUNK_BYTES = 32 << 20,
    ENTITY_CHUNK = CHUNK_BYTES / sizeof(struct entity)
};

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

static inline struct entity *entity_at(const struct join *j, uint32_t e)
{
    return &j->entity_chunks[e / ENTITY_CHUNK][e % ENTITY_CHUNK];
}

/* duplicates.c: the probable-duplicate search's copy of the names, made by join_finish. */
struct duplicate_search *join_collect_named(const struct join *j);
void join_cut_into_parts(struct duplicate_search *s);
void join_free_search(struct duplicate_search *s);

#endif
