/* join.c — interning persons and sessions, linking name keys to ids, deduplicating
 * person-session pairs, and finding probable duplicate people. */
#include "stages/join.h"

#include "stages/common/arena.h"
#include "stages/common/fold.h"
#include "stages/common/intern.h"

#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* An entity is one participant id or one name key. A name entity linked to an id entity is
 * the same person; the canonical entity of a person is its id entity when there is one. */
struct entity {
    uint32_t link; /* name entity: the id entity its key is linked to, or INTERN_NONE */
    uint32_t canonical;
    uint32_t person; /* dataset index of the canonical entity, or DATASET_NO_PERSON */
    struct row_origin first_seen;
    uint64_t role_at, sex_at; /* input rank of the row that made role / sex known */
    uint8_t is_id, role, sex, in_attendance;
};

struct pair {
    uint32_t entity, session;
    uint8_t present;
    struct row_origin origin;
};

struct pending_outcome {
    uint32_t entity;
    struct outcome_record record;
    struct row_origin origin;
};

/* A (person entity, name entity) association, for the probable-duplicate search. */
struct name_use {
    uint32_t entity, name_entity;
    struct row_origin origin; /* first row carrying both */
};

struct join {
    struct arena *arena;
    struct strtab *entity_keys; /* "I\x1f<id>" or "N\x1f<name key>" → entity index */
    struct entity *entities;
    size_t entities_cap;
    struct strtab *session_keys;
    struct session_record *sessions;
    size_t sessions_cap;
    struct strtab *site_keys; /* folded site → site index */
    const char **site_names;
    size_t site_names_cap;
    struct keymap *pair_index;
    struct pair *pairs;
    size_t n_pairs, pairs_cap;
    struct pending_outcome *outcomes;
    size_t n_outcomes, outcomes_cap;
    struct keymap *name_use_index;
    struct name_use *name_uses;
    size_t n_name_uses, name_uses_cap;
    char *key_buf;
    size_t key_cap;
    struct join_stats stats;
    struct dataset dataset;
};

struct join *join_new(size_t n_files)
{
    struct join *j = xcalloc(1, sizeof *j);
    j->arena = arena_new();
    j->entity_keys = strtab_new(j->arena);
    j->session_keys = strtab_new(j->arena);
    j->site_keys = strtab_new(j->arena);
    j->pair_index = keymap_new();
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
                                         .first_seen = origin,
                                         .is_id = tag == 'I',
                                         .role = ROLE_UNKNOWN,
                                         .sex = SEX_UNKNOWN};
    }
    return e;
}

static void note_name_use(struct join *j, uint32_t id_entity, uint32_t name_entity,
                          struct row_origin origin)
{
    bool added;
    keymap_intern(j->name_use_index, (uint64_t)id_entity << 32 | name_entity, &added);
    if (!added)
        return;
    xgrow((void **)&j->name_uses, &j->name_uses_cap, j->n_name_uses, sizeof *j->name_uses);
    j->name_uses[j->n_name_uses++] = (struct name_use){id_entity, name_entity, origin};
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
    note_name_use(j, id, name, origin);
    struct entity *n = &j->entities[name];
    if (n->link == INTERN_NONE) {
        n->link = id;
        j->stats.identity_links++;
    } else if (n->link != id) {
        j->stats.name_key_conflicts++;
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

/* A person attribute: the first known value in input order wins, whichever entity (id or
 * name key) it came through; a different known value is a conflict. */
static void merge_first_known(uint8_t *have, uint64_t *have_at, uint8_t incoming,
                              uint64_t incoming_at, uint8_t unknown, bool *conflict)
{
    if (incoming == unknown)
        return;
    if (*have != unknown && *have != incoming)
        *conflict = true;
    if (*have == unknown || incoming_at < *have_at) {
        *have = incoming;
        *have_at = incoming_at;
    }
}

static uint32_t intern_site(struct join *j, const char *site)
{
    size_t cap = 4 * strlen(site) + 1;
    char *folded = xmalloc(cap);
    size_t len = fold_label(site, strlen(site), folded, cap);
    bool added;
    uint32_t s = strtab_intern(j->site_keys, folded, len, &added);
    if (added) {
        xgrow((void **)&j->site_names, &j->site_names_cap, s, sizeof *j->site_names);
        j->site_names[s] = arena_strdup(j->arena, site);
    }
    free(folded);
    return s;
}

static uint32_t intern_session(struct join *j, const struct attendance_row *row,
                               const struct diag_sink *diag)
{
    char date[11], site[512], activity[512];
    size_t len;
    const char *key;
    date_format_iso(row->session_date, date);
    if (row->session_id) {
        key = make_key(j, 'I', row->session_id, NULL, NULL, &len);
    } else {
        fold_label(row->site, strlen(row->site), site, sizeof site);
        fold_label(row->activity, strlen(row->activity), activity, sizeof activity);
        key = make_key(j, 'K', date, site, activity, &len);
    }
    bool added;
    uint32_t s = strtab_intern(j->session_keys, key, len, &added);
    uint32_t site_id = intern_site(j, row->site);
    xgrow((void **)&j->sessions, &j->sessions_cap, s, sizeof *j->sessions);
    struct session_record *rec = &j->sessions[s];
    if (added) {
        *rec = (struct session_record){row->session_date, site_id, (uint8_t)row->qpv};
        return s;
    }
    bool conflict = rec->date != row->session_date || rec->site != site_id;
    merge_attribute(&rec->qpv, (uint8_t)row->qpv, QPV_UNKNOWN, &conflict);
    if (conflict)
        diag_warn(diag, WARN_SESSION_CONFLICT, row->origin, NULL);
    return s;
}

void join_add_attendance(struct join *j, const struct attendance_row *row,
                         const struct diag_sink *diag)
{
    uint32_t e = resolve_row_person(j, &row->person, row->origin, diag);
    struct entity *ent = &j->entities[e];
    bool conflict = false;
    ent->in_attendance = 1;
    uint64_t rank = input_rank(row->origin);
    merge_first_known(&ent->role, &ent->role_at, (uint8_t)row->role, rank, ROLE_UNKNOWN, &conflict);
    merge_first_known(&ent->sex, &ent->sex_at, (uint8_t)row->sex, rank, SEX_UNKNOWN, &conflict);
    if (conflict)
        diag_warn(diag, WARN_PERSON_CONFLICT, row->origin, NULL);
    uint32_t s = intern_session(j, row, diag);
    bool added;
    uint32_t p = keymap_intern(j->pair_index, (uint64_t)e << 32 | s, &added);
    uint8_t present = row->presence == PRESENCE_PRESENT;
    if (!added) {
        j->pairs[p].present |= present;
        j->stats.rows_duplicate[row->origin.file]++;
        return;
    }
    xgrow((void **)&j->pairs, &j->pairs_cap, p, sizeof *j->pairs);
    j->pairs[p] = (struct pair){e, s, present, row->origin};
    j->n_pairs = p + 1;
    j->stats.rows_accepted[row->origin.file]++;
}

void join_add_outcome(struct join *j, const struct outcome_row *row, const struct diag_sink *diag)
{
    uint32_t e = resolve_row_person(j, &row->person, row->origin, diag);
    xgrow((void **)&j->outcomes, &j->outcomes_cap, j->n_outcomes, sizeof *j->outcomes);
    j->outcomes[j->n_outcomes++] = (struct pending_outcome){
        .entity = e,
        .record = {DATASET_NO_PERSON, row->observed_on, (uint8_t)row->category,
                   (uint64_t)row->origin.file << 32 | row->origin.line},
        .origin = row->origin,
    };
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
    uint64_t role_later = later_of(canon->role_at, ent->role_at);
    uint64_t sex_later = later_of(canon->sex_at, ent->sex_at);
    merge_first_known(&canon->role, &canon->role_at, ent->role, ent->role_at, ROLE_UNKNOWN,
                      &role_conflict);
    merge_first_known(&canon->sex, &canon->sex_at, ent->sex, ent->sex_at, SEX_UNKNOWN,
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
        ent->canonical = (!ent->is_id && ent->link != INTERN_NONE) ? ent->link : (uint32_t)e;
    }
    for (size_t e = 0; e < n; e++) {
        struct entity *ent = &j->entities[e], *canon = &j->entities[ent->canonical];
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
        if (ent->canonical == e && ent->in_attendance) {
            ent->person = (uint32_t)d->n_persons;
            d->persons[d->n_persons++] = (struct person_record){ent->role, ent->sex};
        }
    }
    for (size_t e = 0; e < n; e++)
        j->entities[e].person = j->entities[j->entities[e].canonical].person;
}

/* Pairs re-keyed by person: two entities of one person at one session make a duplicate,
 * and the later row (pairs are in input order) moves from accepted to duplicate. */
static void resolve_pairs(struct join *j)
{
    struct dataset *d = &j->dataset;
    struct keymap *index = keymap_new();
    d->attendances = xcalloc(j->n_pairs, sizeof *d->attendances);
    for (size_t i = 0; i < j->n_pairs; i++) {
        const struct pair *p = &j->pairs[i];
        uint32_t person = j->entities[p->entity].person;
        bool added;
        uint32_t a = keymap_intern(index, (uint64_t)person << 32 | p->session, &added);
        if (added) {
            d->attendances[a] = (struct attendance_record){person, p->session, p->present};
            d->n_attendances = a + 1;
        } else {
            d->attendances[a].present |= p->present;
            j->stats.rows_accepted[p->origin.file]--;
            j->stats.rows_duplicate[p->origin.file]++;
        }
    }
    keymap_free(index);
}

static void resolve_outcomes(struct join *j, const struct diag_sink *diag)
{
    struct dataset *d = &j->dataset;
    d->outcomes = xcalloc(j->n_outcomes, sizeof *d->outcomes);
    d->n_outcomes = j->n_outcomes;
    for (size_t i = 0; i < j->n_outcomes; i++) {
        d->outcomes[i] = j->outcomes[i].record;
        d->outcomes[i].person = j->entities[j->outcomes[i].entity].person;
        if (d->outcomes[i].person == DATASET_NO_PERSON) {
            j->stats.outcomes_unmatched++;
            diag_warn(diag, WARN_OUTCOME_UNMATCHED, j->outcomes[i].origin, NULL);
        }
    }
}

/* ---- probable duplicates ---- */

struct named_person {
    uint32_t person;
    const char *key; /* "LAST|FIRST|YYYY-MM-DD" */
    struct row_origin origin;
};

static int by_birth_then_key(const void *a, const void *b)
{
    const struct named_person *x = a, *y = b;
    const char *dx = strrchr(x->key, '|'), *dy = strrchr(y->key, '|');
    int c = strcmp(dx, dy);
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
            list[n++] = (struct named_person){
                ent->person, strtab_get(j->entity_keys, (uint32_t)e) + 2, ent->first_seen};
    }
    for (size_t i = 0; i < j->n_name_uses; i++) {
        const struct name_use *u = &j->name_uses[i];
        const struct entity *id = &j->entities[u->entity], *name = &j->entities[u->name_entity];
        if (id->person != DATASET_NO_PERSON && id->person != name->person)
            list[n++] = (struct named_person){
                id->person, strtab_get(j->entity_keys, u->name_entity) + 2, u->origin};
    }
    qsort(list, n, sizeof *list, by_birth_then_key);
    *out = list;
    return n;
}

static bool already_listed(const struct join_stats *s, uint32_t a, uint32_t b)
{
    for (size_t i = s->n_probable_duplicates; i-- > 0;)
        if (s->probable_duplicates[i].person_a == a && s->probable_duplicates[i].person_b == b)
            return true;
    return false;
}

static void consider_pair(struct join *j, const struct named_person *x,
                          const struct named_person *y, size_t *cap)
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
    if (distance > 2 || already_listed(s, a->person, b->person))
        return;
    xgrow((void **)&s->probable_duplicates, cap, s->n_probable_duplicates,
          sizeof *s->probable_duplicates);
    s->probable_duplicates[s->n_probable_duplicates++] = (struct probable_duplicate){
        a->person, b->person, distance, a->origin, b->origin, a->key, b->key};
}

static void find_probable_duplicates(struct join *j)
{
    struct named_person *list;
    size_t n = collect_named(j, &list), cap = 0;
    for (size_t start = 0; start < n;) {
        size_t end = start + 1;
        const char *date = strrchr(list[start].key, '|');
        while (end < n && strcmp(strrchr(list[end].key, '|'), date) == 0)
            end++;
        for (size_t x = start; x < end; x++)
            for (size_t y = x + 1; y < end; y++)
                consider_pair(j, &list[x], &list[y], &cap);
        start = end;
    }
    free(list);
}

const struct dataset *join_finish(struct join *j, const struct diag_sink *diag)
{
    resolve_persons(j, diag);
    resolve_pairs(j);
    resolve_outcomes(j, diag);
    find_probable_duplicates(j);
    struct dataset *d = &j->dataset;
    d->n_sessions = strtab_count(j->session_keys);
    d->sessions = j->sessions;
    d->n_sites = strtab_count(j->site_keys);
    d->site_names = j->site_names;
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
    strtab_free(j->entity_keys);
    strtab_free(j->session_keys);
    strtab_free(j->site_keys);
    keymap_free(j->pair_index);
    keymap_free(j->name_use_index);
    free(j->entities);
    free(j->sessions);
    free(j->site_names);
    free(j->pairs);
    free(j->outcomes);
    free(j->name_uses);
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
