/* join.c — interning persons and sessions, linking name keys to ids, deduplicating
 * person-session pairs, and finding probable duplicate people.
 *
 * Sized for national volumes (docs/performance.md): a pair is kept as the dataset's
 * attendance record from the start and re-keyed in place; duplicates are found by walking
 * the session's own pairs rather than through a table of every pair; and join_finish frees
 * what only ingest needed before the indicators and charts run. */
#include "stages/join.h"

#include "stages/common/arena.h"
#include "stages/common/fold.h"
#include "stages/common/intern.h"

#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* A role or sex, and the input rank (file, line) of the row that made it known — in 8
 * bytes, so that an entity takes 32: there are millions of them at national scale. */
struct attribute {
    uint32_t line;
    uint16_t file;
    uint8_t value;
};

/* An entity is one participant id or one name key. A name entity linked to an id entity is
 * the same person; the canonical entity of a person is its id entity when there is one. */
struct entity {
    uint32_t link;       /* name entity: the id entity its key is linked to; id entity: the first
                          * name entity seen with it (note_name_use); INTERN_NONE until then */
    uint32_t person;     /* dataset index of the canonical entity, or DATASET_NO_PERSON */
    uint32_t first_line; /* the first row seen with this entity */
    uint16_t first_file;
    uint8_t is_id, in_attendance;
    struct attribute role, sex;
};

_Static_assert(sizeof(struct entity) == 32, "an entity is 32 bytes (docs/performance.md)");

/* The person's entity: the id entity a name entity is linked to, else the entity itself. */
static uint32_t canonical_of(const struct entity *entities, uint32_t e)
{
    const struct entity *ent = &entities[e];
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

/* A (person entity, name entity) association, for the probable-duplicate search. */
struct name_use {
    uint32_t entity, name_entity;
    struct row_origin origin; /* first row carrying both */
};

struct join {
    struct arena *arena;
    struct arena *key_arena;    /* session and site keys: freed once ingest is over */
    struct strtab *entity_keys; /* "I\x1f<id>" or "N\x1f<name key>" → entity index */
    struct entity *entities;
    size_t entities_cap;
    struct strtab *session_keys; /* "I\x1f<session id>", or 'K' + (day, site, activity ids) */
    struct strtab *key_parts;    /* folded site or activity text of a session key → id */
    struct session_record *sessions;
    size_t sessions_cap;
    struct strtab *site_keys; /* folded site → site index */
    const char **site_names;
    size_t site_names_cap;
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
    size_t outcomes_cap; /* of dataset.outcomes, whose person is the entity until resolved */
    struct keymap *name_use_index;
    struct name_use *name_uses;
    size_t n_name_uses, name_uses_cap;
    char *key_buf;
    size_t key_cap;
    struct session_memo memo;
    struct join_stats stats;
    struct dataset dataset;
};

struct join *join_new(size_t n_files)
{
    struct join *j = xcalloc(1, sizeof *j);
    j->arena = arena_new();
    j->key_arena = arena_new();
    j->entity_keys = strtab_new(j->arena);
    j->session_keys = strtab_new(j->key_arena);
    j->key_parts = strtab_new(j->key_arena);
    j->site_keys = strtab_new(j->key_arena);
    j->big_index = keymap_new();
    j->name_use_index = keymap_new();
    j->stats.n_files = n_files;
    j->stats.rows_accepted = xcalloc(n_files, sizeof(unsigned long));
    j->stats.rows_duplicate = xcalloc(n_files, sizeof(unsigned long));
    return j;
}

/* ---- keys ---- */

/* Builds "<tag>\x1f<a>[\x1f<b>[\x1f<c>]]" in the join's key buffer. */
static const char *make_key(struct join *j, char tag, const char *a, const char *b, const char *c,
                            size_t *len)
{
    const char *parts[3] = {a, b, c};
    size_t need = 2;
    for (int i = 0; i < 3; i++)
        need += parts[i] ? strlen(parts[i]) + 1 : 0;
    xgrow((void **)&j->key_buf, &j->key_cap, need + 1, 1);
    size_t n = 0;
    j->key_buf[n++] = tag;
    for (int i = 0; i < 3 && parts[i]; i++) {
        j->key_buf[n++] = '\x1f';
        memcpy(j->key_buf + n, parts[i], strlen(parts[i]));
        n += strlen(parts[i]);
    }
    j->key_buf[n] = '\0';
    *len = n;
    return j->key_buf;
}

static uint32_t intern_entity(struct join *j, char tag, const char *text, struct row_origin origin)
{
    size_t len;
    const char *key = make_key(j, tag, text, NULL, NULL, &len);
    bool added;
    uint32_t e = strtab_intern(j->entity_keys, key, len, &added);
    if (added) {
        xgrow((void **)&j->entities, &j->entities_cap, e, sizeof *j->entities);
        j->entities[e] = (struct entity){.link = INTERN_NONE,
                                         .first_line = origin.line,
                                         .first_file = origin.file,
                                         .is_id = tag == 'I',
                                         .role = {.value = ROLE_UNKNOWN},
                                         .sex = {.value = SEX_UNKNOWN}};
    }
    return e;
}

/* Records each (id, name key) association once; true when it is new. Most ids come with
 * one name key, kept in the id entity's link, so only an id's further name keys need the
 * hash table. */
static bool note_name_use(struct join *j, uint32_t id_entity, uint32_t name_entity,
                          struct row_origin origin)
{
    struct entity *id = &j->entities[id_entity];
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

/* The entity a row is about; links its name key to its id when it carries both. */
static uint32_t resolve_row_person(struct join *j, const struct person_ref *ref,
                                   struct row_origin origin, const struct diag_sink *diag)
{
    uint32_t name = ref->name_key ? intern_entity(j, 'N', ref->name_key, origin) : INTERN_NONE;
    if (!ref->id)
        return name;
    uint32_t id = intern_entity(j, 'I', ref->id, origin);
    if (name == INTERN_NONE)
        return id;
    bool new_use = note_name_use(j, id, name, origin);
    struct entity *n = &j->entities[name];
    if (n->link == INTERN_NONE) {
        n->link = id;
        j->stats.identity_links++;
    } else if (n->link != id) {
        j->stats.name_key_conflicts += new_use; /* one per extra id, not per row */
        diag_warn(diag, WARN_NAME_KEY_TWO_IDS, origin, NULL);
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
        j->site_names[s] = arena_strdup(j->arena, site);
    }
    return s;
}

static uint32_t intern_key_part(struct join *j, const char *text)
{
    char folded[512]; /* folded texts are cut at 511 bytes, as session keys always were */
    fold_label(text, strlen(text), folded, sizeof folded);
    return strtab_intern(j->key_parts, folded, strlen(folded), NULL);
}

/* The session id, or (date, folded site, folded activity) as 13 bytes: the texts become
 * small ids, so a million sessions do not each keep a copy of them. */
static uint32_t intern_session_key(struct join *j, const struct attendance_row *row, bool *added)
{
    size_t len;
    if (row->session_id) {
        const char *key = make_key(j, 'I', row->session_id, NULL, NULL, &len);
        return strtab_intern(j->session_keys, key, len, added);
    }
    uint32_t parts[3] = {(uint32_t)row->session_date, intern_key_part(j, row->site),
                         intern_key_part(j, row->activity)};
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
        site_id = intern_site(j, row->site);
        memo_store(&j->memo, row, s, site_id);
    }
    xgrow((void **)&j->sessions, &j->sessions_cap, s, sizeof *j->sessions);
    struct session_record *rec = &j->sessions[s];
    if (added) {
        *rec = (struct session_record){row->session_date, site_id, (uint8_t)row->qpv};
        xgrow((void **)&j->session_pairs, &j->session_pairs_cap, s, sizeof *j->session_pairs);
        j->session_pairs[s] = (struct session_pairs){INTERN_NONE, 0};
        return s;
    }
    bool conflict = rec->date != row->session_date || rec->site != site_id;
    merge_attribute(&rec->qpv, (uint8_t)row->qpv, QPV_UNKNOWN, &conflict);
    if (conflict)
        diag_warn(diag, WARN_SESSION_CONFLICT, row->origin, NULL);
    return s;
}

/* ---- pairs ---- */

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

static void add_pair(struct join *j, uint32_t entity, uint32_t session, uint8_t present,
                     uint16_t file)
{
    struct dataset *d = &j->dataset;
    uint32_t p = (uint32_t)d->n_attendances++;
    xgrow((void **)&d->attendances, &j->attendances_cap, p, sizeof *d->attendances);
    xgrow((void **)&j->pair_next, &j->pair_next_cap, p, sizeof *j->pair_next);
    d->attendances[p] = (struct attendance_record){entity, session, present};
    note_file(j, p, file);
    struct session_pairs *sp = &j->session_pairs[session];
    j->pair_next[p] = sp->head;
    sp->head = p;
    if (++sp->count == CHAIN_MAX + 1) /* from now on through big_index: all of them */
        for (uint32_t q = p; q != INTERN_NONE; q = j->pair_next[q])
            index_big_pair(j, q);
    else if (sp->count > CHAIN_MAX + 1)
        index_big_pair(j, p);
}

void join_add_attendance(struct join *j, const struct attendance_row *row,
                         const struct diag_sink *diag)
{
    uint32_t e = resolve_row_person(j, &row->person, row->origin, diag);
    struct entity *ent = &j->entities[e];
    bool conflict = false;
    ent->in_attendance = 1;
    uint64_t rank = input_rank(row->origin);
    merge_first_known(&ent->role, (uint8_t)row->role, rank, ROLE_UNKNOWN, &conflict);
    merge_first_known(&ent->sex, (uint8_t)row->sex, rank, SEX_UNKNOWN, &conflict);
    if (conflict)
        diag_warn(diag, WARN_PERSON_CONFLICT, row->origin, NULL);
    uint32_t s = intern_session(j, row, diag);
    uint8_t present = row->presence == PRESENCE_PRESENT;
    uint32_t p = find_pair(j, e, s);
    if (p != INTERN_NONE) {
        j->dataset.attendances[p].present |= present;
        j->stats.rows_duplicate[row->origin.file]++;
        return;
    }
    add_pair(j, e, s, present, row->origin.file);
    j->stats.rows_accepted[row->origin.file]++;
}

void join_add_outcome(struct join *j, const struct outcome_row *row, const struct diag_sink *diag)
{
    uint32_t e = resolve_row_person(j, &row->person, row->origin, diag);
    struct dataset *d = &j->dataset;
    xgrow((void **)&d->outcomes, &j->outcomes_cap, d->n_outcomes, sizeof *d->outcomes);
    d->outcomes[d->n_outcomes++] =
        (struct outcome_record){e, row->observed_on, (uint8_t)row->category,
                                (uint64_t)row->origin.file << 32 | row->origin.line};
    j->stats.rows_accepted[row->origin.file]++;
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
    size_t n = strtab_count(j->entity_keys);
    for (size_t e = 0; e < n; e++) {
        struct entity *ent = &j->entities[e];
        struct entity *canon = &j->entities[canonical_of(j->entities, (uint32_t)e)];
        if (ent == canon)
            continue;
        canon->in_attendance |= ent->in_attendance;
        merge_into_person(canon, ent, diag);
    }
    struct dataset *d = &j->dataset;
    d->persons = xcalloc(n, sizeof *d->persons);
    for (size_t e = 0; e < n; e++) {
        struct entity *ent = &j->entities[e];
        ent->person = DATASET_NO_PERSON;
        if (canonical_of(j->entities, (uint32_t)e) == e && ent->in_attendance) {
            ent->person = (uint32_t)d->n_persons;
            d->persons[d->n_persons++] = (struct person_record){ent->role.value, ent->sex.value};
        }
    }
    for (size_t e = 0; e < n; e++)
        j->entities[e].person = j->entities[canonical_of(j->entities, (uint32_t)e)].person;
}

/* Marks the persons having a pair made through a linked name key: only their pairs can
 * meet another pair of theirs once re-keyed by person (a person's other pairs all come
 * through its one canonical entity, and pairs are distinct per entity). An entity has pairs
 * exactly when it was in attendance, so this walks the entities, not the pairs. */
static uint8_t *persons_with_linked_pairs(const struct join *j)
{
    uint8_t *linked = xcalloc(j->dataset.n_persons, 1);
    uint32_t n = strtab_count(j->entity_keys);
    for (uint32_t e = 0; e < n; e++)
        if (j->entities[e].in_attendance && canonical_of(j->entities, e) != e)
            linked[j->entities[e].person] = 1;
    return linked;
}

/* Pairs re-keyed by person, in place: two entities of one person at one session make a
 * duplicate, and the later row (pairs are in input order) moves from accepted to
 * duplicate. Only the linked persons' pairs can meet, so only they go through a hash. */
static void resolve_pairs(struct join *j)
{
    struct dataset *d = &j->dataset;
    uint8_t *linked = persons_with_linked_pairs(j);
    struct keymap *index = keymap_new();
    uint32_t *kept = NULL; /* by index id: where that (person, session) record is */
    size_t kept_cap = 0, n = 0, f = 0;
    for (size_t i = 0; i < d->n_attendances; i++) {
        struct attendance_record a = d->attendances[i];
        a.person = j->entities[a.person].person;
        while (f + 1 < j->n_file_starts && j->file_starts[f + 1].pair <= i)
            f++;
        if (linked[a.person]) {
            bool added;
            uint32_t k = keymap_intern(index, (uint64_t)a.person << 32 | a.session, &added);
            xgrow((void **)&kept, &kept_cap, k, sizeof *kept);
            if (!added) {
                d->attendances[kept[k]].present |= a.present;
                j->stats.rows_accepted[j->file_starts[f].file]--;
                j->stats.rows_duplicate[j->file_starts[f].file]++;
                continue;
            }
            kept[k] = (uint32_t)n;
        }
        d->attendances[n++] = a;
    }
    d->n_attendances = n;
    d->attendances = xrealloc(d->attendances, (n ? n : 1) * sizeof *d->attendances);
    free(kept);
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
        o->person = j->entities[o->person].person;
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
    uint32_t source;   /* an entity, or FROM_NAME_USE | a name use: where the origin is */
};

_Static_assert(sizeof(struct named_person) == 32, "32 bytes: sorted in place (see above)");

#define NO_BIRTH      UINT32_MAX
#define FROM_NAME_USE 0x80000000u

static const char *birth_of(const struct named_person *p)
{
    return p->key + p->birth_at;
}

static struct row_origin origin_of(const struct join *j, const struct named_person *p)
{
    if (p->source & FROM_NAME_USE)
        return j->name_uses[p->source & ~FROM_NAME_USE].origin;
    const struct entity *ent = &j->entities[p->source];
    return (struct row_origin){ent->first_file, ent->first_line};
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

/* Every (person, name key) known: name entities themselves and the ids seen with them. */
static size_t collect_named(struct join *j, struct named_person **out)
{
    size_t n_entities = strtab_count(j->entity_keys), n = 0;
    struct named_person *list = xcalloc(n_entities + j->n_name_uses, sizeof *list);
    for (size_t e = 0; e < n_entities; e++) {
        const struct entity *ent = &j->entities[e];
        if (!ent->is_id && ent->person != DATASET_NO_PERSON)
            list[n++] = (struct named_person){.person = ent->person,
                                              .key = strtab_get(j->entity_keys, (uint32_t)e) + 2,
                                              .source = (uint32_t)e};
    }
    for (size_t i = 0; i < j->n_name_uses; i++) {
        const struct name_use *u = &j->name_uses[i];
        const struct entity *id = &j->entities[u->entity], *name = &j->entities[u->name_entity];
        if (id->person != DATASET_NO_PERSON && id->person != name->person)
            list[n++] = (struct named_person){.person = id->person,
                                              .key = strtab_get(j->entity_keys, u->name_entity) + 2,
                                              .source = FROM_NAME_USE | (uint32_t)i};
    }
    for (size_t i = 0; i < n; i++) {
        list[i].birth_at = (uint32_t)(strrchr(list[i].key, '|') - list[i].key);
        list[i].birth = birth_number(birth_of(&list[i]));
        list[i].key_head = text_head(list[i].key);
    }
    qsort(list, n, sizeof *list, by_birth_then_key);
    *out = list;
    return n;
}

/* The letters of the "LAST|FIRST" part of a key, counted by the low five bits of each byte
 * (which merges a few, and so only loosens the bound below). */
struct name_counts {
    uint32_t present; /* bit b: count[b] > 0 */
    uint8_t len;      /* at most 255: consider_pair compares the first 255 bytes */
    uint8_t count[32];
};

static void count_name(const struct named_person *p, struct name_counts *c)
{
    size_t len = p->birth_at;
    len = len < 255 ? len : 255;
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

/* True when the edit distance is surely above 2, so the pair cannot be listed: each edit
 * changes the length by at most one, and takes at most one byte out of the counts and puts
 * at most one in. This test is a few instructions where the edit distance costs hundreds,
 * and a birth date's group is compared pair by pair (docs/performance.md). */
static bool surely_too_far(const struct name_counts *a, const struct name_counts *b)
{
    if (a->len > b->len + 2 || b->len > a->len + 2)
        return true;
    /* Quicker, weaker first: each letter bucket one name has and the other lacks is at
     * least one byte out (or in). Most pairs of names stop here. */
    if (more_than_two_bits(a->present & ~b->present) ||
        more_than_two_bits(b->present & ~a->present))
        return true;
    int out = 0, in = 0;
    for (int i = 0; i < 32; i++) {
        int d = a->count[i] - b->count[i];
        out += d > 0 ? d : 0;
        in += d < 0 ? -d : 0;
    }
    return out > 2 || in > 2;
}

static void consider_pair(struct join *j, const struct named_person *x,
                          const struct named_person *y, size_t *cap, struct keymap *listed)
{
    if (x->person == y->person)
        return;
    const struct named_person *a = x->person < y->person ? x : y, *b = a == x ? y : x;
    size_t la = (size_t)(strrchr(a->key, '|') - a->key),
           lb = (size_t)(strrchr(b->key, '|') - b->key);
    char na[256], nb[256];
    snprintf(na, sizeof na, "%.*s", (int)la, a->key);
    snprintf(nb, sizeof nb, "%.*s", (int)lb, b->key);
    int distance = fold_edit_distance(na, nb, 2);
    struct join_stats *s = &j->stats;
    bool added = false;
    if (distance <= 2)
        keymap_intern(listed, (uint64_t)a->person << 32 | b->person, &added);
    if (!added) /* too far, or this pair of persons is already listed */
        return;
    xgrow((void **)&s->probable_duplicates, cap, s->n_probable_duplicates,
          sizeof *s->probable_duplicates);
    s->probable_duplicates[s->n_probable_duplicates++] = (struct probable_duplicate){
        a->person, b->person, distance, origin_of(j, a), origin_of(j, b), a->key, b->key};
}

/* One birth date's group by name length: members[bucket[l] .. bucket[l + 1]) are the
 * group's indices whose name is l bytes long, in list order. Only lengths within two of a
 * name's can be within two edits, so each name meets about a quarter of its group, not all
 * of it: the group is compared pair by pair, and at 10 M rows that was seconds. */
struct group_index {
    size_t bucket[257], cursor[256]; /* cursor[l]: first member of bucket l not yet passed */
    size_t *members, *candidates;
    size_t cap;
};

static void index_group(struct group_index *g, const struct name_counts *counts, size_t n)
{
    size_t fill[256];
    xgrow((void **)&g->members, &g->cap, n, sizeof *g->members);
    g->candidates = xrealloc(g->candidates, g->cap * sizeof *g->candidates);
    memset(g->bucket, 0, sizeof g->bucket);
    for (size_t i = 0; i < n; i++)
        g->bucket[counts[i].len + 1]++;
    for (size_t l = 1; l <= 256; l++)
        g->bucket[l] += g->bucket[l - 1];
    memcpy(g->cursor, g->bucket, sizeof g->cursor);
    memcpy(fill, g->bucket, sizeof fill);
    for (size_t i = 0; i < n; i++)
        g->members[fill[counts[i].len]++] = i;
}

static int by_index(const void *a, const void *b)
{
    size_t x = *(const size_t *)a, y = *(const size_t *)b;
    return (x > y) - (x < y);
}

/* The members after x that may be within two edits of it, in list order: the order in
 * which comparing every pair would have found them. */
static size_t candidates_after(struct group_index *g, const struct name_counts *counts, size_t x)
{
    size_t n = 0, len = counts[x].len;
    for (size_t l = len > 2 ? len - 2 : 0; l <= len + 2 && l < 256; l++) {
        size_t *c = &g->cursor[l];
        while (*c < g->bucket[l + 1] && g->members[*c] <= x)
            (*c)++;
        for (size_t k = *c; k < g->bucket[l + 1]; k++)
            if (!surely_too_far(&counts[x], &counts[g->members[k]]))
                g->candidates[n++] = g->members[k];
    }
    qsort(g->candidates, n, sizeof *g->candidates, by_index);
    return n;
}

static void find_probable_duplicates(struct join *j)
{
    struct named_person *list;
    size_t n = collect_named(j, &list), cap = 0, counts_cap = 0;
    struct name_counts *counts = NULL; /* of the current birth date's group */
    struct group_index g = {0};
    struct keymap *listed = keymap_new();
    for (size_t start = 0; start < n;) {
        size_t end = start + 1;
        while (end < n && compare_births(&list[end], &list[start]) == 0)
            end++;
        xgrow((void **)&counts, &counts_cap, end - start, sizeof *counts);
        for (size_t x = start; x < end; x++)
            count_name(&list[x], &counts[x - start]);
        index_group(&g, counts, end - start);
        for (size_t x = 0; x < end - start; x++) {
            size_t n_candidates = candidates_after(&g, counts, x);
            for (size_t k = 0; k < n_candidates; k++)
                consider_pair(j, &list[start + x], &list[start + g.candidates[k]], &cap, listed);
        }
        start = end;
    }
    keymap_free(listed);
    free(g.members);
    free(g.candidates);
    free(counts);
    free(list);
}

/* ---- memory: what only ingest and the join need is freed before the indicators run ---- */

static void drop_ingest_tables(struct join *j)
{
    strtab_free(j->session_keys);
    strtab_free(j->key_parts);
    strtab_free(j->site_keys);
    arena_free(j->key_arena);
    j->session_keys = j->key_parts = j->site_keys = NULL;
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
    keymap_free(j->big_index);
    j->pair_next = j->big_pair = NULL;
    j->session_pairs = NULL;
    j->file_starts = NULL;
    j->big_index = NULL;
}

/* Keeps the few strings the dataset and the stats point to (site names, the name keys of
 * probable duplicates) in a new small arena, and frees the entities with the big one. */
static void drop_entities(struct join *j)
{
    struct arena *kept = arena_new();
    for (size_t s = 0; s < j->dataset.n_sites; s++)
        j->site_names[s] = arena_strdup(kept, j->site_names[s]);
    for (size_t i = 0; i < j->stats.n_probable_duplicates; i++) {
        struct probable_duplicate *p = &j->stats.probable_duplicates[i];
        p->name_key_a = arena_strdup(kept, p->name_key_a);
        p->name_key_b = arena_strdup(kept, p->name_key_b);
    }
    strtab_free(j->entity_keys);
    keymap_free(j->name_use_index);
    free(j->entities);
    free(j->name_uses);
    arena_free(j->arena);
    j->entity_keys = NULL;
    j->name_use_index = NULL;
    j->entities = NULL;
    j->name_uses = NULL;
    j->arena = kept;
}

const struct dataset *join_finish(struct join *j, const struct diag_sink *diag)
{
    struct dataset *d = &j->dataset;
    d->n_sessions = strtab_count(j->session_keys);
    d->sessions = j->sessions;
    d->n_sites = strtab_count(j->site_keys);
    d->site_names = j->site_names;
    drop_ingest_tables(j);
    resolve_persons(j, diag);
    resolve_pairs(j);
    drop_pair_tables(j);
    resolve_outcomes(j, diag);
    strtab_freeze(j->entity_keys); /* no more lookups: room for the duplicate search */
    find_probable_duplicates(j);
    drop_entities(j);
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
    strtab_free(j->entity_keys);
    keymap_free(j->name_use_index);
    free(j->entities);
    free(j->name_uses);
    free(j->sessions);
    free(j->site_names);
    free(j->key_buf);
    free(j->stats.rows_accepted);
    free(j->stats.rows_duplicate);
    free(j->stats.probable_duplicates);
    free(j->dataset.persons);
    free(j->dataset.attendances);
    free(j->dataset.outcomes);
    arena_free(j->arena);
    free(j);
}
