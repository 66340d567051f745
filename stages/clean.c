/* clean.c — typing, folding and keying one row at a time. */
#include "stages/clean.h"

#include "stages/common/arena.h"
#include "stages/common/fold.h"
#include "stages/common/intern.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

const char *const clean_category_names[CATEGORY_COUNT] = {
    [CATEGORY_EMPLOYMENT] = "employment", [CATEGORY_TRAINING] = "training",
    [CATEGORY_EDUCATION] = "education",   [CATEGORY_UNEMPLOYED] = "unemployed",
    [CATEGORY_INACTIVE] = "inactive",     [CATEGORY_UNKNOWN] = "unknown",
};

/* Built-in labels, written as they fold (upper case, no accents). */
static const struct clean_label builtin_labels[] = {
    {LABEL_STATUS, "PRESENT", PRESENCE_PRESENT},
    {LABEL_STATUS, "PRESENTE", PRESENCE_PRESENT},
    {LABEL_STATUS, "P", PRESENCE_PRESENT},
    {LABEL_STATUS, "ABSENT", PRESENCE_ABSENT},
    {LABEL_STATUS, "ABSENTE", PRESENCE_ABSENT},
    {LABEL_STATUS, "A", PRESENCE_ABSENT},
    {LABEL_STATUS, "EXCUSE", PRESENCE_EXCUSED},
    {LABEL_STATUS, "EXCUSEE", PRESENCE_EXCUSED},
    {LABEL_STATUS, "E", PRESENCE_EXCUSED},
    {LABEL_STATUS, "ABSENT EXCUSE", PRESENCE_EXCUSED},
    {LABEL_STATUS, "EXCUSED", PRESENCE_EXCUSED},
    {LABEL_ROLE, "JEUNE", ROLE_YOUTH},
    {LABEL_ROLE, "JEUNES", ROLE_YOUTH},
    {LABEL_ROLE, "YOUTH", ROLE_YOUTH},
    {LABEL_ROLE, "PARENT", ROLE_PARENT},
    {LABEL_ROLE, "PARENTS", ROLE_PARENT},
    {LABEL_SEX, "F", SEX_F},
    {LABEL_SEX, "FEMME", SEX_F},
    {LABEL_SEX, "FEMININ", SEX_F},
    {LABEL_SEX, "FILLE", SEX_F},
    {LABEL_SEX, "FEMALE", SEX_F},
    {LABEL_SEX, "M", SEX_M},
    {LABEL_SEX, "H", SEX_M},
    {LABEL_SEX, "HOMME", SEX_M},
    {LABEL_SEX, "MASCULIN", SEX_M},
    {LABEL_SEX, "GARCON", SEX_M},
    {LABEL_SEX, "MALE", SEX_M},
    {LABEL_QPV, "OUI", QPV_YES},
    {LABEL_QPV, "O", QPV_YES},
    {LABEL_QPV, "YES", QPV_YES},
    {LABEL_QPV, "Y", QPV_YES},
    {LABEL_QPV, "1", QPV_YES},
    {LABEL_QPV, "VRAI", QPV_YES},
    {LABEL_QPV, "TRUE", QPV_YES},
    {LABEL_QPV, "NON", QPV_NO},
    {LABEL_QPV, "N", QPV_NO},
    {LABEL_QPV, "NO", QPV_NO},
    {LABEL_QPV, "0", QPV_NO},
    {LABEL_QPV, "FAUX", QPV_NO},
    {LABEL_QPV, "FALSE", QPV_NO},
};

static const struct clean_situation builtin_situations[] = {
    {"CDI", CATEGORY_EMPLOYMENT},
    {"CDD", CATEGORY_EMPLOYMENT},
    {"INTERIM", CATEGORY_EMPLOYMENT},
    {"ALTERNANCE", CATEGORY_EMPLOYMENT},
    {"APPRENTISSAGE", CATEGORY_EMPLOYMENT},
    {"CONTRAT D'APPRENTISSAGE", CATEGORY_EMPLOYMENT},
    {"CONTRAT DE PROFESSIONNALISATION", CATEGORY_EMPLOYMENT},
    {"CONTRAT AIDE", CATEGORY_EMPLOYMENT},
    {"EMPLOI AIDE", CATEGORY_EMPLOYMENT},
    {"CREATION D'ENTREPRISE", CATEGORY_EMPLOYMENT},
    {"FORMATION QUALIFIANTE", CATEGORY_TRAINING},
    {"FORMATION", CATEGORY_TRAINING},
    {"REPRISE D'ETUDES", CATEGORY_EDUCATION},
    {"ETUDES", CATEGORY_EDUCATION},
    {"SCOLARITE", CATEGORY_EDUCATION},
    {"DEMANDEUR D'EMPLOI", CATEGORY_UNEMPLOYED},
    {"RECHERCHE D'EMPLOI", CATEGORY_UNEMPLOYED},
    {"CHOMAGE", CATEGORY_UNEMPLOYED},
    {"INACTIF", CATEGORY_INACTIVE},
    {"INACTIVE", CATEGORY_INACTIVE},
};

enum { SCRATCH_ID, SCRATCH_NAME_KEY, SCRATCH_SESSION, SCRATCH_SITE, SCRATCH_ACTIVITY, SCRATCH_N };

enum { MEMO_ENTRIES = 8, MEMO_TEXT = 32 };

/* A text looked up recently, as written, and the answer. A label column holds a handful of
 * spellings, so nearly every row finds its text here and skips folding and hashing, which
 * were a tenth of a run (docs/performance.md). Same text, same answer: nothing changes. */
struct memo_entry {
    uint8_t len; /* 0: unused (blank cells never get here) */
    bool found;
    int value;
    char text[MEMO_TEXT];
};

struct lookup {
    struct strtab *labels; /* folded label → index into values */
    int *values;
    size_t cap;
    struct memo_entry memo[MEMO_ENTRIES];
    unsigned memo_next; /* the entry replaced next, round robin */
    unsigned memo_last; /* the entry found last */
};

/* The row's own date, as written last, and its day: rows come sheet by sheet, so most rows
 * repeat the previous row's session date. Same text, same day. */
enum { DATE_MEMO_TEXT = 16 };
struct date_memo {
    uint8_t len; /* 0: nothing remembered */
    char text[DATE_MEMO_TEXT];
    day_t day;
};

struct cleaner {
    struct clean_options options;
    struct date_memo row_date;
    struct arena *arena;
    struct lookup labels[LABEL_KINDS];
    struct lookup situations;
    struct strtab *qpv_codes;
    char *scratch[SCRATCH_N];
    size_t scratch_cap[SCRATCH_N];
    char *fold_buf;
    size_t fold_cap;
};

/* ---- label tables ---- */

static const char *fold_into(struct cleaner *c, const char *text, size_t len)
{
    xgrow((void **)&c->fold_buf, &c->fold_cap, 4 * len + 1, 1);
    fold_label(text, len, c->fold_buf, c->fold_cap);
    return c->fold_buf;
}

/* Later entries override earlier ones, so config labels win over built-in ones. */
static void lookup_add(struct cleaner *c, struct lookup *l, const char *text, int value)
{
    const char *folded = fold_into(c, text, strlen(text));
    bool added;
    uint32_t id = strtab_intern(l->labels, folded, strlen(folded), &added);
    xgrow((void **)&l->values, &l->cap, id, sizeof *l->values);
    l->values[id] = value;
}

static bool memo_holds(const struct memo_entry *m, const char *text, size_t len)
{
    return m->len == len && len > 0 && intern_same_bytes(m->text, text, len);
}

static const struct memo_entry *memo_scan(struct lookup *l, const char *text, size_t len)
{
    for (unsigned i = 0; i < MEMO_ENTRIES; i++)
        if (memo_holds(&l->memo[i], text, len)) {
            l->memo_last = i;
            return &l->memo[i];
        }
    return NULL;
}

/* The entry found last first: a column mostly repeats one spelling from row to row. */
static inline const struct memo_entry *memo_find(struct lookup *l, const char *text, size_t len)
{
    const struct memo_entry *last = &l->memo[l->memo_last];
    return memo_holds(last, text, len) ? last : memo_scan(l, text, len);
}

static void memo_add(struct lookup *l, const char *text, size_t len, bool found, int value)
{
    if (len == 0 || len > MEMO_TEXT)
        return;
    struct memo_entry *m = &l->memo[l->memo_next++ % MEMO_ENTRIES];
    *m = (struct memo_entry){(uint8_t)len, found, value, {0}};
    memcpy(m->text, text, len);
}

static bool lookup_find(struct cleaner *c, struct lookup *l, const char *text, size_t len,
                        int *value)
{
    const struct memo_entry *m = memo_find(l, text, len);
    if (m) {
        if (m->found)
            *value = m->value;
        return m->found;
    }
    const char *folded = fold_into(c, text, len);
    uint32_t id = strtab_find(l->labels, folded, strlen(folded));
    if (id != INTERN_NONE)
        *value = l->values[id];
    memo_add(l, text, len, id != INTERN_NONE, id != INTERN_NONE ? *value : 0);
    return id != INTERN_NONE;
}

static void build_tables(struct cleaner *c, const struct clean_options *o)
{
    for (int k = 0; k < LABEL_KINDS; k++)
        c->labels[k].labels = strtab_new(c->arena);
    c->situations.labels = strtab_new(c->arena);
    for (size_t i = 0; i < sizeof builtin_labels / sizeof builtin_labels[0]; i++)
        lookup_add(c, &c->labels[builtin_labels[i].kind], builtin_labels[i].text,
                   builtin_labels[i].value);
    for (size_t i = 0; i < o->n_labels; i++)
        lookup_add(c, &c->labels[o->labels[i].kind], o->labels[i].text, o->labels[i].value);
    for (size_t i = 0; i < sizeof builtin_situations / sizeof builtin_situations[0]; i++)
        lookup_add(c, &c->situations, builtin_situations[i].label, builtin_situations[i].category);
    for (size_t i = 0; i < o->n_situations; i++)
        lookup_add(c, &c->situations, o->situations[i].label, o->situations[i].category);
    c->qpv_codes = strtab_new(c->arena);
    for (size_t i = 0; i < o->n_qpv_codes; i++) {
        const char *folded = fold_into(c, o->qpv_codes[i], strlen(o->qpv_codes[i]));
        strtab_intern(c->qpv_codes, folded, strlen(folded), NULL);
    }
}

struct cleaner *clean_new(const struct clean_options *options)
{
    struct cleaner *c = xcalloc(1, sizeof *c);
    c->options = *options;
    c->options.labels = NULL; /* copied into the tables; the pointers are not kept */
    c->options.situations = NULL;
    c->options.qpv_codes = NULL;
    c->arena = arena_new();
    build_tables(c, options);
    return c;
}

void clean_free(struct cleaner *c)
{
    if (!c)
        return;
    for (int k = 0; k < LABEL_KINDS; k++) {
        strtab_free(c->labels[k].labels);
        free(c->labels[k].values);
    }
    strtab_free(c->situations.labels);
    free(c->situations.values);
    strtab_free(c->qpv_codes);
    for (int i = 0; i < SCRATCH_N; i++)
        free(c->scratch[i]);
    free(c->fold_buf);
    arena_free(c->arena);
    free(c);
}

/* ---- fields ---- */

static bool is_blank_char(char ch)
{
    return ch == ' ' || ch == '\t' || ch == '\r' || ch == '\n';
}

/* The field trimmed of surrounding blanks, copied into scratch slot `slot`; NULL when the
 * file lacks the field or the cell is blank. */
static const char *trimmed(struct cleaner *c, const struct raw_field *f, int slot)
{
    if (!f->text)
        return NULL;
    const char *s = f->text, *e = f->text + f->len;
    while (s < e && is_blank_char(*s))
        s++;
    while (e > s && is_blank_char(e[-1]))
        e--;
    if (s == e)
        return NULL;
    if ((size_t)(e - s) >= c->scratch_cap[slot]) /* checked here: several times a row */
        xgrow((void **)&c->scratch[slot], &c->scratch_cap[slot], (size_t)(e - s), 1);
    memcpy(c->scratch[slot], s, (size_t)(e - s));
    c->scratch[slot][e - s] = '\0';
    return c->scratch[slot];
}

static bool is_blank(const struct raw_field *f)
{
    for (size_t i = 0; f->text && i < f->len; i++)
        if (!is_blank_char(f->text[i]))
            return false;
    return true;
}

static void reject_field(const struct raw_row *raw, enum field field, bool show_value,
                         const char *reason, const struct diag_sink *diag)
{
    const struct raw_field *f = &raw->fields[field];
    char value[128];
    struct reject rej = {raw->origin, f->column, record_field_names[field],
                         show_value ? utf8_excerpt(f->text, f->len, value, sizeof value) : NULL,
                         reason};
    diag_reject(diag, &rej);
}

static bool identifying(enum field field)
{
    return field == FIELD_LAST_NAME || field == FIELD_FIRST_NAME || field == FIELD_BIRTH_DATE ||
           field == FIELD_PARTICIPANT_ID;
}

static enum date_status parse_row_date(struct date_memo *m, const struct raw_field *f, day_t *out,
                                       const char **why)
{
    if (f->text && f->len > 0 && f->len == m->len && intern_same_bytes(f->text, m->text, f->len)) {
        *out = m->day;
        return DATE_OK;
    }
    enum date_status st = date_parse(f->text ? f->text : "", f->text ? f->len : 0, out, why);
    if (st == DATE_OK && f->len > 0 && f->len <= DATE_MEMO_TEXT) {
        m->len = (uint8_t)f->len;
        memcpy(m->text, f->text, f->len);
        m->day = *out;
    }
    return st;
}

/* Parses a required date field and checks it against the window (when `windowed`: the
 * row's own date, remembered from row to row). */
static bool clean_date(struct cleaner *c, const struct raw_row *raw, enum field field,
                       bool windowed, day_t *out, const struct diag_sink *diag)
{
    const struct raw_field *f = &raw->fields[field];
    const char *why = "";
    char reason[160];
    enum date_status st = windowed
                              ? parse_row_date(&c->row_date, f, out, &why)
                              : date_parse(f->text ? f->text : "", f->text ? f->len : 0, out, &why);
    bool show = !identifying(field);
    if (st != DATE_OK) {
        snprintf(reason, sizeof reason, "%s: %s",
                 st == DATE_EMPTY        ? "missing date"
                 : st == DATE_IMPOSSIBLE ? "impossible date"
                                         : "unreadable date",
                 why);
        reject_field(raw, field, show, reason, diag);
        return false;
    }
    const struct clean_options *o = &c->options;
    if (windowed && ((o->window_first != DAY_NONE && *out < o->window_first) ||
                     (o->window_last != DAY_NONE && *out > o->window_last))) {
        reject_field(raw, field, show, "date outside the programme window (config \"window\")",
                     diag);
        return false;
    }
    return true;
}

/* participant id and/or the name key "LAST|FIRST|YYYY-MM-DD". */
static bool contains(const char *text, size_t len, const char *needle, size_t n)
{
    for (size_t i = 0; i + n <= len; i++)
        if (memcmp(text + i, needle, n) == 0)
            return true;
    return false;
}

/* A birth date after the row's own date is wrong. Written with a two-digit year ("01/02/60"
 * read as 2060), it is taken from the century before; otherwise the row is rejected. The
 * year is looked for in the text only then: formatting it on every row was a tenth of the
 * cleaning (docs/performance.md). */
static bool settle_birth_date(const struct raw_row *raw, day_t reference, day_t *born,
                              const struct diag_sink *diag)
{
    if (*born <= reference)
        return true;
    int y, m, d;
    date_to_ymd(*born, &y, &m, &d);
    unsigned year = (unsigned)y % 10000u; /* a parsed year is 1 to 9999 */
    const char digits[4] = {(char)('0' + year / 1000), (char)('0' + year / 100 % 10),
                            (char)('0' + year / 10 % 10), (char)('0' + year % 10)};
    const struct raw_field *f = &raw->fields[FIELD_BIRTH_DATE];
    bool two_digit_year = f->text && !contains(f->text, f->len, digits, 4);
    if (two_digit_year && date_from_ymd(y - 100, m, d, born))
        return true;
    struct reject rej = {raw->origin, f->column, record_field_names[FIELD_BIRTH_DATE], NULL,
                         "impossible date: birth date after the row's date"};
    diag_reject(diag, &rej);
    return false;
}

/* The name key's "YYYY-MM-DD". A cell written so parses to the day that formats back to
 * the same ten bytes (settle_birth_date moves only two-digit years), so it is copied: most
 * exports write birth dates so, and formatting was a tenth of the cleaning. */
static void put_key_date(const struct raw_field *birth, day_t born, char out[11])
{
    if (!date_is_iso_form(birth->text, birth->len)) {
        date_format_iso(born, out);
        return;
    }
    memcpy(out, birth->text, 10);
    out[10] = '\0';
}

static bool clean_person(struct cleaner *c, const struct raw_row *raw, day_t reference,
                         struct person_ref *ref, const struct diag_sink *diag)
{
    ref->id = trimmed(c, &raw->fields[FIELD_PARTICIPANT_ID], SCRATCH_ID);
    ref->name_key = NULL;
    const struct raw_field *last = &raw->fields[FIELD_LAST_NAME];
    const struct raw_field *first = &raw->fields[FIELD_FIRST_NAME];
    const struct raw_field *birth = &raw->fields[FIELD_BIRTH_DATE];
    bool has_names = !is_blank(last) && !is_blank(first);
    if (has_names && !is_blank(birth)) {
        day_t born;
        if (!clean_date(c, raw, FIELD_BIRTH_DATE, false, &born, diag) ||
            !settle_birth_date(raw, reference, &born, diag))
            return false;
        size_t cap = 4 * (last->len + first->len) + 16;
        xgrow((void **)&c->scratch[SCRATCH_NAME_KEY], &c->scratch_cap[SCRATCH_NAME_KEY], cap, 1);
        char *key = c->scratch[SCRATCH_NAME_KEY];
        size_t n_last = fold_name(last->text, last->len, key, cap);
        key[n_last] = '|';
        size_t n_first = fold_name(first->text, first->len, key + n_last + 1, cap - n_last - 1);
        key[n_last + 1 + n_first] = '|';
        put_key_date(birth, born, key + n_last + n_first + 2);
        ref->name_key = n_last > 0 && n_first > 0 ? key : NULL;
    }
    if (!ref->id && !ref->name_key) {
        struct reject rej = {raw->origin, 0, NULL, NULL,
                             "no usable identity: needs participant_id, or last_name, "
                             "first_name and birth_date"};
        diag_reject(diag, &rej);
        return false;
    }
    return true;
}

/* True when a label field is blank (*value left as is) or known (*value set). A spelling
 * remembered is not blank, so the memo is looked at before the blanks are. */
static bool label_lookup(struct cleaner *c, struct lookup *l, const struct raw_field *f, int *value)
{
    const struct memo_entry *m = f->text ? memo_find(l, f->text, f->len) : NULL;
    if (m) {
        if (m->found)
            *value = m->value;
        return m->found;
    }
    return is_blank(f) || lookup_find(c, l, f->text, f->len, value);
}

/* A label field: blank → `blank_value`; unknown → warning and `unknown_value`. */
static int clean_label_field(struct cleaner *c, const struct raw_row *raw, enum field field,
                             enum label_kind kind, int blank_value, int unknown_value,
                             enum warning_kind warning, const struct diag_sink *diag)
{
    const struct raw_field *f = &raw->fields[field];
    int value = blank_value;
    if (label_lookup(c, &c->labels[kind], f, &value))
        return value;
    char text[128];
    diag_warn(diag, warning, raw->origin, utf8_excerpt(f->text, f->len, text, sizeof text));
    return unknown_value;
}

static enum qpv_flag clean_qpv(struct cleaner *c, const struct raw_row *raw,
                               const struct diag_sink *diag)
{
    enum qpv_flag flag = clean_label_field(c, raw, FIELD_QPV, LABEL_QPV, QPV_UNKNOWN, QPV_UNKNOWN,
                                           WARN_UNKNOWN_QPV, diag);
    const struct raw_field *code = &raw->fields[FIELD_QPV_CODE];
    if (flag != QPV_UNKNOWN || is_blank(code))
        return flag;
    const char *folded = fold_into(c, code->text, code->len);
    if (c->options.n_qpv_codes > 0 &&
        strtab_find(c->qpv_codes, folded, strlen(folded)) == INTERN_NONE)
        diag_warn(diag, WARN_UNKNOWN_QPV_CODE, raw->origin, folded);
    return QPV_YES; /* a code, known or not, says the session was held in a QPV */
}

static bool clean_presence(struct cleaner *c, const struct raw_row *raw, enum presence *out,
                           const struct diag_sink *diag)
{
    const struct raw_field *f = &raw->fields[FIELD_STATUS];
    int value = PRESENCE_PRESENT; /* a blank status is a row on a sign-in sheet */
    if (label_lookup(c, &c->labels[LABEL_STATUS], f, &value)) {
        *out = (enum presence)value;
        return true;
    }
    reject_field(raw, FIELD_STATUS, true,
                 "unknown status label (expected présent, absent, "
                 "excusé, P, A, E or a label added in the config)",
                 diag);
    return false;
}

bool clean_attendance(struct cleaner *c, const struct raw_row *raw, struct attendance_row *out,
                      const struct diag_sink *diag)
{
    *out = (struct attendance_row){.origin = raw->origin};
    if (!clean_date(c, raw, FIELD_SESSION_DATE, true, &out->session_date, diag) ||
        !clean_presence(c, raw, &out->presence, diag) ||
        !clean_person(c, raw, out->session_date, &out->person, diag))
        return false;
    const char *site = trimmed(c, &raw->fields[FIELD_SITE], SCRATCH_SITE);
    const char *activity = trimmed(c, &raw->fields[FIELD_ACTIVITY], SCRATCH_ACTIVITY);
    out->site = site ? site : "";
    out->activity = activity ? activity : "";
    out->session_id = trimmed(c, &raw->fields[FIELD_SESSION_ID], SCRATCH_SESSION);
    out->qpv = clean_qpv(c, raw, diag);
    out->role = clean_label_field(c, raw, FIELD_ROLE, LABEL_ROLE, ROLE_UNKNOWN, ROLE_UNKNOWN,
                                  WARN_UNKNOWN_ROLE, diag);
    out->sex = clean_label_field(c, raw, FIELD_SEX, LABEL_SEX, SEX_UNKNOWN, SEX_UNKNOWN,
                                 WARN_UNKNOWN_SEX, diag);
    return true;
}

bool clean_outcome(struct cleaner *c, const struct raw_row *raw, struct outcome_row *out,
                   const struct diag_sink *diag)
{
    *out = (struct outcome_row){.origin = raw->origin, .category = CATEGORY_UNKNOWN};
    if (!clean_date(c, raw, FIELD_OBSERVED_ON, true, &out->observed_on, diag) ||
        !clean_person(c, raw, out->observed_on, &out->person, diag))
        return false;
    const struct raw_field *f = &raw->fields[FIELD_SITUATION];
    int category = CATEGORY_UNKNOWN;
    if (!lookup_find(c, &c->situations, f->text ? f->text : "", f->len, &category)) {
        char text[128];
        diag_warn(diag, WARN_UNMAPPED_SITUATION, raw->origin,
                  utf8_excerpt(f->text, f->len, text, sizeof text));
    }
    out->category = (enum category)category;
    return true;
}
