/* join.c — interning persons and sessions, linking name keys to ids, deduplicating
 * person-session pairs, and finishing the dataset (the probable-duplicate search it prepares
 * is duplicates.c).
 *
 * Sized for national volumes (docs/performance.md): entities hold their own keys and are
 * looked up a few rows after their row came in, their memory fetched meanwhile (the row
 * queue); a pair is kept as the dataset's attendance record from the start and re-keyed in
 * place; duplicates are found by walking the session's own pairs rather than through a
 * table of every pair; and join_finish frees what only ingest needed before the indicators
 * and charts run. */
#include "stages/join/join_private.h"

#include "stages/common/arena.h"
#include "stages/common/fold.h"
#include "stages/common/intern.h"

#include <assert.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

/* ---- memory read at random ----
 *
 * The entities and their slots are read at random, a few times a row, among millions: with
 * 4 KiB pages nearly every read also missed the TLB, and a page walk under virtualisation
 * cost about as much as the read (docs/performance.md). They are kept in blocks aligned on
 * 2 MiB, advised as huge pages where the system has them; the entities in fixed chunks, so
 * that growing never copies them (nor holds two copies at once). A chunk is 32 MiB, which
 * malloc maps on its own and gives back whole when freed: smaller chunks came from the heap
 * and stayed in the process after join_finish, raising the peak of the steps after it. */

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

/* The person's entity: the id entity a name entity is linked to, else the entity itself. */
static uint32_t canonical_of(const struct join *j, uint32_t e)
{
    const struct entity *ent = entity_at(j, e);
    return !ent->is_id && ent->link != INTERN_NONE ? ent->link : e;
}

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
    j->search = join_collect_named(j);
    drop_entities(j);
    join_cut_into_parts(j->search);
    return d;
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
    join_free_search(j->search);
    arena_free(j->arena);
    arena_free(j->kept);
    free(j);
}
