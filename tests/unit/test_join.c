/* test_join.c — table-driven tests of the join stage (stages/join.h) against
 * docs/requirements.md "Cleaning and joining": person key (id, else name key; a row with both
 * links them, whatever the order; one name key with two ids is reported, not merged),
 * session key (session id, else date + folded site + folded activity), one attendance per
 * person and session with the later rows counted as duplicates in their own file, outcomes
 * matched to persons, probable duplicate people listed for review, and each duplicate row
 * listed with the file and line of the row it repeats.
 *
 * Each scenario is a sequence of clean attendance rows then outcome rows, fed in that
 * order; the expected counts were worked out by hand from the rows and the rules above and
 * are explained next to each scenario. Name keys are written as clean builds them
 * ("LAST|FIRST|YYYY-MM-DD"). Per file, accepted + duplicate must equal the rows fed.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "stages/join.h"

#include <pthread.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

/* ---- rows ---- */

/* An attendance row; blanks take the defaults below. Letters keep the tables short:
 * presence 0 = present, 'A' absent, 'E' excused; role 'Y'/'P'; sex 'F'/'M'; qpv 'Y'/'N';
 * 0 = unknown for role, sex and qpv. */
struct att {
    uint16_t file;
    uint32_t line; /* 0 ends a list */
    const char *id, *key, *session_id;
    const char *date;     /* ISO; default 2019-03-12 */
    const char *site;     /* default "Tarascon" */
    const char *activity; /* default "Atelier CV" */
    char presence, role, sex, qpv;
};

struct out {
    uint16_t file;
    uint32_t line; /* 0 ends a list */
    const char *id, *key;
    const char *date; /* ISO; default 2019-06-15 */
};

static day_t iso(const char *text)
{
    day_t day = DAY_NONE;
    assert_int_equal(date_parse(text, strlen(text), &day, NULL), DATE_OK);
    return day;
}

static int letter(char c, const char *letters, int none)
{
    const char *p = c ? strchr(letters, c) : NULL;
    return p ? (int)(p - letters) : none;
}

static struct attendance_row to_attendance(const struct att *a)
{
    return (struct attendance_row){
        .origin = {a->file, a->line},
        .person = {a->id, a->key},
        .session_id = a->session_id,
        .session_date = iso(a->date ? a->date : "2019-03-12"),
        .site = a->site ? a->site : "Tarascon",
        .activity = a->activity ? a->activity : "Atelier CV",
        .qpv = (enum qpv_flag)letter(a->qpv, "YN", QPV_UNKNOWN),
        .role = (enum role)letter(a->role, "YP", ROLE_UNKNOWN),
        .sex = (enum sex)letter(a->sex, "FM", SEX_UNKNOWN),
        .presence = (enum presence)letter(a->presence, "_AE", PRESENCE_PRESENT),
    };
}

static struct outcome_row to_outcome(const struct out *o)
{
    return (struct outcome_row){.origin = {o->file, o->line},
                                .person = {o->id, o->key},
                                .observed_on = iso(o->date ? o->date : "2019-06-15"),
                                .category = CATEGORY_EMPLOYMENT};
}

/* ---- running a join ---- */

enum { MAX_LISTED = 512 };

/* A duplicate row as the join lists it; `linked` when its reason says names and id met. */
struct listed_duplicate {
    struct row_origin row, first;
    bool linked;
};

struct warn_log {
    unsigned long count[WARN_KINDS];
    struct row_origin last[WARN_KINDS];
    size_t n_duplicates; /* listed; the first MAX_LISTED kept */
    struct listed_duplicate duplicates[MAX_LISTED];
};

static void log_duplicate(void *ctx, struct row_origin row, struct row_origin first,
                          const char *reason)
{
    struct warn_log *log = ctx;
    assert_non_null(reason);
    assert_non_null(strstr(reason, "counted once"));
    if (log->n_duplicates < MAX_LISTED)
        log->duplicates[log->n_duplicates] =
            (struct listed_duplicate){row, first, strstr(reason, "linked") != NULL};
    log->n_duplicates++;
}

static void log_warning(void *ctx, enum warning_kind kind, struct row_origin origin,
                        const char *value)
{
    (void)value;
    struct warn_log *log = ctx;
    log->count[kind]++;
    log->last[kind] = origin;
}

static void log_reject(void *ctx, const struct reject *rej)
{
    (void)ctx, (void)rej;
    fail_msg("the join rejects nothing");
}

struct run {
    struct join *join;
    const struct dataset *d;
    const struct join_stats *s;
    struct warn_log log;
    unsigned long fed[2]; /* rows fed per file */
};

/* Feeds the attendance rows then the outcome rows (lists end at line 0), finishes, and
 * searches for probable duplicates with `search`. */
static void run_join_with(struct run *r, const struct att *atts, const struct out *outs,
                          void (*search)(struct join *))
{
    *r = (struct run){.join = join_new(2)};
    const struct diag_sink sink = {&r->log, log_reject, log_warning, log_duplicate, NULL};
    for (; atts && atts->line; atts++) {
        struct attendance_row row = to_attendance(atts);
        join_add_attendance(r->join, &row, &sink);
        r->fed[atts->file]++;
    }
    for (; outs && outs->line; outs++) {
        struct outcome_row row = to_outcome(outs);
        join_add_outcome(r->join, &row, &sink);
        r->fed[outs->file]++;
    }
    r->d = join_finish(r->join, &sink);
    search(r->join);
    r->s = join_get_stats(r->join);
    assert_int_equal(r->s->n_files, 2);
    for (int f = 0; f < 2; f++)
        assert_int_equal(r->s->rows_accepted[f] + r->s->rows_duplicate[f], r->fed[f]);
    assert_int_equal(r->log.n_duplicates, r->s->rows_duplicate[0] + r->s->rows_duplicate[1]);
}

static void run_join(struct run *r, const struct att *atts, const struct out *outs)
{
    run_join_with(r, atts, outs, join_find_duplicates);
}

static size_t count_present(const struct dataset *d)
{
    size_t n = 0;
    for (size_t i = 0; i < d->n_attendances; i++)
        n += d->attendances[i].present;
    return n;
}

/* ---- scenarios with their expected counts ---- */

struct scenario {
    const char *name;
    struct att atts[8];
    struct out outs[4];
    size_t persons, sessions, attendances, present;
    unsigned long accepted[2], duplicate[2];
    unsigned long links, conflicts, unmatched;
    unsigned long warnings[WARN_KINDS];
};

#define K_LEGOFF "LEGOFF|JEANMARIE|2001-04-12"

static const struct scenario scenarios[] = {
    {.name = "same person, same session twice: one attendance, one duplicate",
     .atts = {{0, 2, .id = "P1"}, {0, 3, .id = "P1"}},
     .persons = 1,
     .sessions = 1,
     .attendances = 1,
     .present = 1,
     .accepted = {1, 0},
     .duplicate = {1, 0}},
    /* P1 absent then present, P2 present then absent: present either way; P3 excused then
     * absent: one pair, not present. */
    {.name = "present wins over absent for a pair",
     .atts = {{0, 2, .id = "P1", .presence = 'A'},
              {0, 3, .id = "P1"},
              {0, 4, .id = "P2"},
              {0, 5, .id = "P2", .presence = 'A'},
              {0, 6, .id = "P3", .presence = 'E'},
              {0, 7, .id = "P3", .presence = 'A'}},
     .persons = 3,
     .sessions = 1,
     .attendances = 3,
     .present = 2,
     .accepted = {3, 0},
     .duplicate = {3, 0}},
    /* Line 2 carries only the names, line 3 links the name key to P1, line 4 carries only
     * the names again: one person at three sessions. */
    {.name = "names-only rows before and after the link join the id's person",
     .atts = {{0, 2, .key = K_LEGOFF, .date = "2019-03-01"},
              {0, 3, .id = "P1", .key = K_LEGOFF, .date = "2019-03-02"},
              {0, 4, .key = K_LEGOFF, .date = "2019-03-03"}},
     .persons = 1,
     .sessions = 3,
     .attendances = 3,
     .present = 3,
     .accepted = {3, 0},
     .links = 1},
    {.name = "one name key with two ids: reported, not merged",
     .atts = {{0, 2, .id = "P1", .key = K_LEGOFF, .date = "2019-03-01"},
              {0, 3, .id = "P2", .key = K_LEGOFF, .date = "2019-03-02"}},
     .persons = 2,
     .sessions = 2,
     .attendances = 2,
     .present = 2,
     .accepted = {2, 0},
     .links = 1,
     .conflicts = 1,
     .warnings = {[WARN_NAME_KEY_TWO_IDS] = 1}},
    /* The same second id seen with the name key on three rows: one conflict (one extra id),
     * a warning per row. */
    {.name = "one name key with two ids, the second on three rows",
     .atts = {{0, 2, .id = "P1", .key = K_LEGOFF, .date = "2019-03-01"},
              {0, 3, .id = "P2", .key = K_LEGOFF, .date = "2019-03-02"},
              {0, 4, .id = "P2", .key = K_LEGOFF, .date = "2019-03-03"},
              {0, 5, .id = "P2", .key = K_LEGOFF, .date = "2019-03-04"}},
     .persons = 2,
     .sessions = 4,
     .attendances = 4,
     .present = 4,
     .accepted = {4, 0},
     .links = 1,
     .conflicts = 1,
     .warnings = {[WARN_NAME_KEY_TWO_IDS] = 3}},
    /* The names-only row (file 0) and the id row (file 1) are the same person at the same
     * session once linked: the later row, in file 1, becomes the duplicate. */
    {.name = "duplicate made by linking, names-only row first",
     .atts = {{0, 2, .key = K_LEGOFF}, {1, 5, .id = "P1", .key = K_LEGOFF}},
     .persons = 1,
     .sessions = 1,
     .attendances = 1,
     .present = 1,
     .accepted = {1, 0},
     .duplicate = {0, 1},
     .links = 1},
    {.name = "duplicate made by linking, names-only row last",
     .atts = {{0, 2, .id = "P1", .key = K_LEGOFF}, {1, 3, .key = K_LEGOFF, .presence = 'A'}},
     .persons = 1,
     .sessions = 1,
     .attendances = 1,
     .present = 1,
     .accepted = {1, 0},
     .duplicate = {0, 1},
     .links = 1},
    /* Sessions without id: (date, folded site, folded activity). "Atelier CV" at Tarascon
     * and "atelier  cv" at "TARASCON" are one session (P1, P2); another site (P3) or
     * another day (P4) is another session; session id S1 (P5, P6) is a fourth one. */
    {.name = "session keys",
     .atts = {{0, 2, .id = "P1"},
              {0, 3, .id = "P2", .site = "TARASCON", .activity = "atelier  cv"},
              {0, 4, .id = "P3", .site = "Les Lauriers"},
              {0, 5, .id = "P4", .date = "2019-03-13"},
              {0, 6, .id = "P5", .session_id = "S1", .activity = "Job dating"},
              {0, 7, .id = "P6", .session_id = "S1", .activity = "Job dating"}},
     .persons = 6,
     .sessions = 4,
     .attendances = 6,
     .present = 6,
     .accepted = {6, 0}},
    {.name = "one session id with two dates: one session, warned",
     .atts = {{0, 2, .id = "P1", .session_id = "S1"},
              {0, 3, .id = "P2", .session_id = "S1", .date = "2019-03-13"}},
     .persons = 2,
     .sessions = 1,
     .attendances = 2,
     .present = 2,
     .accepted = {2, 0},
     .warnings = {[WARN_SESSION_CONFLICT] = 1}},
    /* P9 appears only in outcomes; the names-only outcome joins P1 through the link made
     * in attendance. Outcomes count as accepted in their file. */
    {.name = "outcomes matched and unmatched",
     .atts = {{0, 2, .id = "P1", .key = K_LEGOFF}},
     .outs = {{1, 2, .id = "P9"}, {1, 3, .id = "P1"}, {1, 4, .key = K_LEGOFF}},
     .persons = 1,
     .sessions = 1,
     .attendances = 1,
     .present = 1,
     .accepted = {1, 3},
     .links = 1,
     .unmatched = 1,
     .warnings = {[WARN_OUTCOME_UNMATCHED] = 1}},
};

static void check_scenario(const struct scenario *sc)
{
    struct run r;
    run_join(&r, sc->atts, sc->outs);
    const struct dataset *d = r.d;
    if (d->n_persons != sc->persons || d->n_sessions != sc->sessions ||
        d->n_attendances != sc->attendances || count_present(d) != sc->present)
        fail_msg("%s: %zu persons, %zu sessions, %zu attendances (%zu present); expected %zu, "
                 "%zu, %zu (%zu)",
                 sc->name, d->n_persons, d->n_sessions, d->n_attendances, count_present(d),
                 sc->persons, sc->sessions, sc->attendances, sc->present);
    for (int f = 0; f < 2; f++)
        if (r.s->rows_accepted[f] != sc->accepted[f] || r.s->rows_duplicate[f] != sc->duplicate[f])
            fail_msg("%s: file %d accepted %lu duplicate %lu, expected %lu and %lu", sc->name, f,
                     r.s->rows_accepted[f], r.s->rows_duplicate[f], sc->accepted[f],
                     sc->duplicate[f]);
    if (r.s->identity_links != sc->links || r.s->name_key_conflicts != sc->conflicts ||
        r.s->outcomes_unmatched != sc->unmatched)
        fail_msg("%s: links %lu conflicts %lu unmatched %lu, expected %lu %lu %lu", sc->name,
                 r.s->identity_links, r.s->name_key_conflicts, r.s->outcomes_unmatched, sc->links,
                 sc->conflicts, sc->unmatched);
    for (int k = 0; k < WARN_KINDS; k++)
        if (r.log.count[k] != sc->warnings[k])
            fail_msg("%s: %lu %s warnings, expected %lu", sc->name, r.log.count[k],
                     diag_warning_names[k], sc->warnings[k]);
    join_free(r.join);
}

static void test_scenarios(void **state)
{
    (void)state;
    for (size_t i = 0; i < sizeof scenarios / sizeof scenarios[0]; i++)
        check_scenario(&scenarios[i]);
}

/* ---- details the counts do not show ---- */

static const struct scenario *find_scenario(const char *prefix)
{
    for (size_t i = 0; i < sizeof scenarios / sizeof scenarios[0]; i++)
        if (strncmp(scenarios[i].name, prefix, strlen(prefix)) == 0)
            return &scenarios[i];
    fail_msg("no scenario \"%s\"", prefix);
    return NULL;
}

/* The names-only rows and the id row are the same dataset person; the attendance of the
 * linking row's session is present. */
static void test_linked_rows_share_person(void **state)
{
    (void)state;
    struct run r;
    run_join(&r, find_scenario("names-only rows")->atts, NULL);
    assert_int_equal(r.d->n_attendances, 3);
    for (size_t i = 0; i < 3; i++)
        assert_int_equal(r.d->attendances[i].person, 0);
    join_free(r.join);
}

/* One site written two ways is one site, named as first seen. */
static void test_site_first_spelling(void **state)
{
    (void)state;
    static const struct att atts[] = {
        {0, 2, .id = "P1", .site = "Parc Bellevue – Félix Pyat"},
        {0, 3, .id = "P2", .site = "PARC BELLEVUE – FELIX  PYAT"},
        {0, 4, .id = "P3", .site = "Tarascon"},
        {0, 5, .id = "P4", .site = "tarascon", .date = "2019-03-14"},
        {0},
    };
    struct run r;
    run_join(&r, atts, NULL);
    assert_int_equal(r.d->n_sites, 2);
    assert_string_equal(r.d->site_names[0], "Parc Bellevue – Félix Pyat");
    assert_string_equal(r.d->site_names[1], "Tarascon");
    /* sessions: (12/03, Parc Bellevue), (12/03, Tarascon), (14/03, Tarascon) */
    assert_int_equal(r.d->n_sessions, 3);
    for (size_t i = 0; i < r.d->n_attendances; i++) {
        const struct session_record *s = &r.d->sessions[r.d->attendances[i].session];
        assert_int_equal(s->site, i == 0 || i == 1 ? 0 : 1);
    }
    join_free(r.join);
}

/* P1: unknown first, then youth/F, then parent/M (line 4) — first known wins, line 4 warns.
 * P2: the names-only row (line 5) says F, the later row linking it to P2 (line 6) says M:
 * the same rule across the link. */
static void test_role_sex_first_known(void **state)
{
    (void)state;
    static const struct att atts[] = {
        {0, 2, .id = "P1", .date = "2019-03-01"},
        {0, 3, .id = "P1", .date = "2019-03-02", .role = 'Y', .sex = 'F'},
        {0, 4, .id = "P1", .date = "2019-03-03", .role = 'P', .sex = 'M'},
        {0, 5, .key = K_LEGOFF, .date = "2019-03-01", .sex = 'F'},
        {0, 6, .id = "P2", .key = K_LEGOFF, .date = "2019-03-02", .sex = 'M', .role = 'P'},
        {0},
    };
    struct run r;
    run_join(&r, atts, NULL);
    assert_int_equal(r.d->n_persons, 2);
    uint32_t p1 = r.d->attendances[0].person, p2 = r.d->attendances[3].person;
    assert_int_equal(r.d->attendances[4].person, p2);
    assert_int_equal(r.d->persons[p1].role, ROLE_YOUTH);
    assert_int_equal(r.d->persons[p1].sex, SEX_F);
    assert_int_equal(r.d->persons[p2].role, ROLE_PARENT);
    assert_int_equal(r.d->persons[p2].sex, SEX_F);
    assert_int_equal(r.log.count[WARN_PERSON_CONFLICT], 2);
    assert_int_equal(r.log.last[WARN_PERSON_CONFLICT].line, 6); /* the later row of the two */
    join_free(r.join);
}

/* The outcome's person is the attendance person, or DATASET_NO_PERSON with a warning
 * citing the outcome row. */
static void test_outcome_persons(void **state)
{
    (void)state;
    const struct scenario *sc = find_scenario("outcomes matched");
    struct run r;
    run_join(&r, sc->atts, sc->outs);
    assert_int_equal(r.d->n_outcomes, 3);
    assert_int_equal(r.d->outcomes[0].person, DATASET_NO_PERSON);
    assert_int_equal(r.d->outcomes[1].person, 0);
    assert_int_equal(r.d->outcomes[2].person, 0);
    assert_int_equal(r.log.last[WARN_OUTCOME_UNMATCHED].file, 1);
    assert_int_equal(r.log.last[WARN_OUTCOME_UNMATCHED].line, 2);
    assert_int_equal(r.d->outcomes[1].observed_on, iso("2019-06-15"));
    assert_int_equal(r.d->outcomes[1].category, CATEGORY_EMPLOYMENT);
    join_free(r.join);
}

/* `order` follows input order, (file, line): file 0 line 9 < file 1 line 2 < file 1 line 10,
 * whatever order the numbers would sort in as text or by line alone. */
static void test_outcome_order(void **state)
{
    (void)state;
    static const struct att atts[] = {{0, 2, .id = "P1"}, {0}};
    static const struct out outs[] = {
        {0, 9, .id = "P1"}, {1, 2, .id = "P1"}, {1, 10, .id = "P1"}, {0}};
    struct run r;
    run_join(&r, atts, outs);
    assert_int_equal(r.d->n_outcomes, 3);
    assert_true(r.d->outcomes[0].order < r.d->outcomes[1].order);
    assert_true(r.d->outcomes[1].order < r.d->outcomes[2].order);
    join_free(r.join);
}

/* MOHAMED / MOHAMMED, same birth date, two ids: listed, distance 1 (one inserted M).
 * MOHAMED born a day later (P3): not listed with either. DURAND / DUPONT, same birth date:
 * distance 3 (R→P, A→O, D→T), not listed. P5 written BENALI and BENALY under one id: one
 * person, nothing to list. */
static void test_probable_duplicates(void **state)
{
    (void)state;
    static const struct att atts[] = {
        {0, 2, .id = "P1", .key = "MOHAMED|ALI|2000-01-01"},
        {0, 3, .id = "P2", .key = "MOHAMMED|ALI|2000-01-01"},
        {0, 4, .id = "P3", .key = "MOHAMED|ALI|2000-01-02"},
        {0, 5, .key = "DURAND|LEA|2001-05-05"},
        {0, 6, .key = "DUPONT|LEA|2001-05-05"},
        {0, 7, .id = "P5", .key = "BENALI|YASMINE|2001-04-12"},
        {0, 8, .id = "P5", .key = "BENALY|YASMINE|2001-04-12", .date = "2019-03-13"},
        {0},
    };
    struct run r;
    run_join(&r, atts, NULL);
    assert_int_equal(r.d->n_persons, 6);
    assert_int_equal(r.s->n_probable_duplicates, 1);
    const struct probable_duplicate *pd = &r.s->probable_duplicates[0];
    uint32_t p1 = r.d->attendances[0].person, p2 = r.d->attendances[1].person;
    assert_int_equal(pd->person_a, p1 < p2 ? p1 : p2);
    assert_int_equal(pd->person_b, p1 < p2 ? p2 : p1);
    assert_int_equal(pd->distance, 1);
    /* origin and key of person_a: the first row seen with its name key */
    assert_int_equal(pd->origin_a.line, p1 < p2 ? 2 : 3);
    assert_int_equal(pd->origin_b.line, p1 < p2 ? 3 : 2);
    assert_string_equal(pd->name_key_a, p1 < p2 ? atts[0].key : atts[1].key);
    assert_string_equal(pd->name_key_b, p1 < p2 ? atts[1].key : atts[0].key);
    join_free(r.join);
}

static void *search_parts(void *join)
{
    while (join_search_duplicates_part(join))
        continue;
    return NULL;
}

/* The search's parts taken by two threads at once (pipeline/run.c does so), then listed. */
static void search_on_two_threads(struct join *join)
{
    pthread_t other;
    assert_int_equal(pthread_create(&other, NULL, search_parts, join), 0);
    search_parts(join);
    assert_int_equal(pthread_join(other, NULL), 0);
    join_list_duplicates(join);
}

/* Persons A and B each sign in under two name keys, born 1900-01-02 and 2000-06-01 (one
 * of them mistyped, no matter which), and 2 000 others each have a birth date of their own
 * in between: A and B are look-alikes (MOHAMED / MOHAMMED, one edit) in two birth-date
 * groups, which the search puts in different parts (it cuts the names in birth order).
 * Listed once, with the first group's keys, however the parts were shared out. */
static void test_duplicates_in_parts(void **state)
{
    (void)state;
    enum { OTHERS = 2000 };
    static char ids[OTHERS][16], keys[OTHERS][48];
    static struct att atts[OTHERS + 5];
    atts[0] = (struct att){0, 2, .id = "A", .key = "MOHAMED|ALI|1900-01-02"};
    atts[1] = (struct att){0, 3, .id = "B", .key = "MOHAMMED|ALI|1900-01-02"};
    day_t first = iso("1900-01-03");
    for (int i = 0; i < OTHERS; i++) {
        char birth[11];
        date_format_iso(first + 18 * i, birth); /* up to 1998-07-24 */
        snprintf(ids[i], sizeof ids[i], "P%d", i);
        snprintf(keys[i], sizeof keys[i], "NAME%d|X|%s", i, birth);
        atts[2 + i] = (struct att){0, (uint32_t)i + 4, .id = ids[i], .key = keys[i]};
    }
    atts[OTHERS + 2] = (struct att){0, OTHERS + 4, .id = "A", .key = "MOHAMED|ALI|2000-06-01",
                                    .date = "2019-03-13"};
    atts[OTHERS + 3] = (struct att){0, OTHERS + 5, .id = "B", .key = "MOHAMMED|ALI|2000-06-01",
                                    .date = "2019-03-13"};
    void (*searches[])(struct join *) = {join_find_duplicates, search_on_two_threads};
    for (size_t k = 0; k < 2; k++) {
        struct run r;
        run_join_with(&r, atts, NULL, searches[k]);
        assert_int_equal(r.d->n_persons, OTHERS + 2);
        assert_int_equal(r.s->n_probable_duplicates, 1);
        const struct probable_duplicate *pd = &r.s->probable_duplicates[0];
        assert_int_equal(pd->person_a, 0); /* A, seen first */
        assert_int_equal(pd->person_b, 1);
        assert_int_equal(pd->distance, 1);
        assert_string_equal(pd->name_key_a, "MOHAMED|ALI|1900-01-02");
        assert_string_equal(pd->name_key_b, "MOHAMMED|ALI|1900-01-02");
        assert_int_equal(pd->origin_a.line, 2);
        assert_int_equal(pd->origin_b.line, 3);
        join_free(r.join);
    }
}

/* A session larger than the join's short per-session list (join/join_private.h CHAIN_MAX): a forum
 * where 150 people sign in (odd ones marked absent), then each signs in again in file 1 in
 * another order. One attendance each, present (the second rows say so), and the 150 second
 * rows are duplicates of file 1. */
static void test_big_session(void **state)
{
    (void)state;
    enum { PEOPLE = 150 };
    static char ids[PEOPLE][16];
    static struct att atts[2 * PEOPLE + 1];
    for (int i = 0; i < PEOPLE; i++) {
        snprintf(ids[i], sizeof ids[i], "P%d", i);
        atts[i] = (struct att){0, (uint32_t)i + 2, .id = ids[i], .presence = i % 2 ? 'A' : 0};
        atts[PEOPLE + i] = (struct att){1, (uint32_t)i + 2, .id = ids[i * 7 % PEOPLE]};
    }
    struct run r;
    run_join(&r, atts, NULL);
    assert_int_equal(r.d->n_sessions, 1);
    assert_int_equal(r.d->n_attendances, PEOPLE);
    assert_int_equal(count_present(r.d), PEOPLE);
    assert_int_equal(r.s->rows_accepted[0], PEOPLE);
    assert_int_equal(r.s->rows_duplicate[1], PEOPLE);
    for (int i = 0; i < PEOPLE; i++)
        assert_int_equal(r.d->attendances[i].person, i); /* first-seen order */
    join_free(r.join);
}

/* More entities than the join keeps in one chunk (join/join_private.h ENTITY_CHUNK: 524 288) and
 * more rows than its row queue holds, some keys longer than an entity holds inline: each person
 * signs in with an id and a name key, then with the name key alone the next day (linked to
 * the id: one person); every thousandth name key then turns up with a second id (a warning
 * and a person more). Birth dates all differ, so that no two names are probable duplicates.
 * Persons are numbered in first-seen order whatever the join does inside. */
static void test_many_persons(void **state)
{
    (void)state;
    enum { PEOPLE = 270000, SECOND_IDS = PEOPLE / 1000, ROWS = 2 * PEOPLE + SECOND_IDS };
    static char ids[PEOPLE][48], other_ids[SECOND_IDS][16], keys[PEOPLE][64];
    static char sites[PEOPLE / 20][16];
    static struct att atts[ROWS + 1];
    day_t first_birth = iso("1900-01-01");
    for (int i = 0; i < PEOPLE; i++) {
        char birth[11];
        date_format_iso(first_birth + i, birth);
        snprintf(ids[i], sizeof ids[i], i % 7 ? "P%d" : "PARTICIPANT-%d-WITH-A-LONG-ID", i);
        snprintf(keys[i], sizeof keys[i], i % 5 ? "NOM%d|PRENOM|%s" : "UNNOMTRESLONG%d|PRENOM|%s",
                 i, birth);
        if (i % 20 == 0)
            snprintf(sites[i / 20], sizeof sites[i / 20], "Site %d", i / 20);
        const char *site = sites[i / 20];
        atts[i] = (struct att){0, (uint32_t)i + 2, .id = ids[i], .key = keys[i], .site = site};
        atts[PEOPLE + i] = (struct att){0, (uint32_t)(PEOPLE + i) + 2, .key = keys[i], .site = site,
                                        .date = "2019-03-13"};
    }
    for (int k = 0; k < SECOND_IDS; k++) {
        snprintf(other_ids[k], sizeof other_ids[k], "Q%d", k);
        atts[2 * PEOPLE + k] = (struct att){0, (uint32_t)(2 * PEOPLE + k) + 2, .id = other_ids[k],
                                            .key = keys[k * 1000], .date = "2019-03-14"};
    }
    struct run r;
    run_join(&r, atts, NULL);
    assert_int_equal(r.d->n_persons, PEOPLE + SECOND_IDS);
    assert_int_equal(r.d->n_attendances, ROWS);
    assert_int_equal(r.s->rows_accepted[0], ROWS);
    assert_int_equal(r.s->identity_links, PEOPLE);
    assert_int_equal(r.log.count[WARN_NAME_KEY_TWO_IDS], SECOND_IDS);
    for (uint32_t i = 0; i < PEOPLE; i++) {
        assert_int_equal(r.d->attendances[i].person, i);
        assert_int_equal(r.d->attendances[PEOPLE + i].person, i);
    }
    for (uint32_t k = 0; k < SECOND_IDS; k++)
        assert_int_equal(r.d->attendances[2 * PEOPLE + k].person, PEOPLE + k);
    /* the name keys seen with a second id are their two persons' only look-alikes */
    assert_int_equal(r.s->n_probable_duplicates, SECOND_IDS);
    join_free(r.join);
}

/* ---- duplicate rows listed (issue 14, defect 10) ---- */

/* The rows of tests/fixtures/dialects/signed_twice (its README works them out): file 0 lines
 * 2–13, file 1 lines 2–3; K's names alone on lines 8 and 12, with the id P004 on 10 and 13.
 * Each duplicate names the earlier row it repeats: same key as it is read (lines 4, 6, 7,
 * then file 1 line 2), then the rows that meet once the names are linked to P004 (10 of 8,
 * 13 of 12), when the join finishes. */
static void test_duplicate_rows_listed(void **state)
{
    (void)state;
    enum { S1, S2, S3, S4 };
    static const char *const dates[] = {"2019-03-14", "2019-06-05", "2019-10-10", "2019-11-14"};
    static const char *const activities[] = {"Atelier CV", "Job dating", "Atelier CV",
                                             "Atelier CV"};
#define KEY_A "BENALI|YASMINE|2001-04-12"
#define KEY_C "NDIAYE|AMINATA|1980-01-15"
#define KEY_K "LEGOFF|JEANMARIE|2002-05-03"
    static const struct {
        uint16_t file;
        uint32_t line;
        const char *id, *key;
        int session;
        char presence;
    } rows[] = {
        {0, 2, "P001", KEY_A, S1, 0},   {0, 3, "P002", "MARTIN|LUCAS|2000-09-30", S1, 0},
        {0, 4, "P001", KEY_A, S1, 0},   {0, 5, "P003", KEY_C, S1, 0},
        {0, 6, "P003", KEY_C, S1, 'A'}, {0, 7, "P003", KEY_C, S1, 0},
        {0, 8, NULL, KEY_K, S2, 0},     {0, 9, "P002", "MARTIN|LUCAS|2000-09-30", S2, 0},
        {0, 10, "P004", KEY_K, S2, 0},  {0, 11, "P001", KEY_A, S3, 0},
        {0, 12, NULL, KEY_K, S3, 0},    {0, 13, "P004", KEY_K, S3, 0},
        {1, 2, "P001", KEY_A, S3, 0},   {1, 3, "P001", KEY_A, S4, 0},
    };
    static const struct listed_duplicate want[] = {
        {{0, 4}, {0, 2}, false},  {{0, 6}, {0, 5}, false}, {{0, 7}, {0, 5}, false},
        {{1, 2}, {0, 11}, false}, {{0, 10}, {0, 8}, true}, {{0, 13}, {0, 12}, true},
    };
    enum { N = sizeof rows / sizeof rows[0] };
    struct att atts[N + 1] = {0};
    for (size_t i = 0; i < N; i++)
        atts[i] = (struct att){rows[i].file,
                               rows[i].line,
                               .id = rows[i].id,
                               .key = rows[i].key,
                               .date = dates[rows[i].session],
                               .activity = activities[rows[i].session],
                               .presence = rows[i].presence};
    struct run r;
    run_join(&r, atts, NULL);
    assert_int_equal(r.s->rows_duplicate[0], 5);
    assert_int_equal(r.s->rows_duplicate[1], 1);
    assert_int_equal(r.d->n_attendances, 8);
    assert_int_equal(r.log.n_duplicates, sizeof want / sizeof want[0]);
    for (size_t i = 0; i < sizeof want / sizeof want[0]; i++) {
        const struct listed_duplicate *got = &r.log.duplicates[i], *w = &want[i];
        if (got->row.file != w->row.file || got->row.line != w->row.line ||
            got->first.file != w->first.file || got->first.line != w->first.line ||
            got->linked != w->linked)
            fail_msg("duplicate %zu: %u:%u of %u:%u (linked %d), expected %u:%u of %u:%u (%d)", i,
                     got->row.file, got->row.line, got->first.file, got->first.line, got->linked,
                     w->row.file, w->row.line, w->first.file, w->first.line, w->linked);
    }
    join_free(r.join);
#undef KEY_A
#undef KEY_C
#undef KEY_K
}

/* The line each pair's first row came from is kept as one-byte steps with marks every 64
 * pairs and the far steps aside (join/join_private.h struct pair_lines): 300 people sign in at one
 * session in file 0 at lines 2, then steps cycling through 1, 2, 254, 255, 256, 1000 and
 * 70 000 (the byte's limit on both sides, and more than 16 bits), 100 more at a second
 * session in file 1 from line 2 on (a file start), then everyone signs again in file 1
 * after them. Each of those 400 duplicates names the file and line the person first signed
 * at, as fed. */
static void test_duplicate_lines_far_apart(void **state)
{
    (void)state;
    enum { FIRST = 300, SECOND = 100, PEOPLE = FIRST + SECOND };
    static const uint32_t steps[] = {1, 2, 254, 255, 256, 1000, 70000};
    static char ids[PEOPLE][16];
    static struct att atts[2 * PEOPLE + 1];
    uint32_t line = 2;
    for (int i = 0; i < PEOPLE; i++) {
        snprintf(ids[i], sizeof ids[i], "P%d", i);
        if (i == FIRST)
            line = 2;
        atts[i] = (struct att){i < FIRST ? 0 : 1, line, .id = ids[i],
                               .date = i < FIRST ? "2019-03-12" : "2019-03-13"};
        line += steps[i % 7];
    }
    for (int i = 0; i < PEOPLE; i++) /* file 1 again, after its first 100 rows */
        atts[PEOPLE + i] = (struct att){1, line + (uint32_t)i, .id = ids[i],
                                        .date = i < FIRST ? "2019-03-12" : "2019-03-13"};
    struct run r;
    run_join(&r, atts, NULL);
    assert_int_equal(r.log.n_duplicates, PEOPLE);
    for (int i = 0; i < PEOPLE; i++) {
        const struct listed_duplicate *d = &r.log.duplicates[i];
        assert_int_equal(d->row.file, 1);
        assert_int_equal(d->row.line, atts[PEOPLE + i].line);
        assert_int_equal(d->first.file, atts[i].file);
        if (d->first.line != atts[i].line)
            fail_msg("person %d: listed as a duplicate of line %u, first signed at line %u", i,
                     d->first.line, atts[i].line);
    }
    join_free(r.join);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_scenarios),
        cmocka_unit_test(test_linked_rows_share_person),
        cmocka_unit_test(test_site_first_spelling),
        cmocka_unit_test(test_role_sex_first_known),
        cmocka_unit_test(test_outcome_persons),
        cmocka_unit_test(test_outcome_order),
        cmocka_unit_test(test_probable_duplicates),
        cmocka_unit_test(test_duplicates_in_parts),
        cmocka_unit_test(test_big_session),
        cmocka_unit_test(test_many_persons),
        cmocka_unit_test(test_duplicate_rows_listed),
        cmocka_unit_test(test_duplicate_lines_far_apart),
    };
    return cmocka_run_group_tests_name("join", tests, NULL, NULL);
}
