/* clean.c — typing, folding and keying one row at a time; the built-in labels it matches
 * against are in labels.c. */
#include "stages/clean/clean_private.h"

#include "stages/common/arena.h"
#include "stages/common/fold.h"
#include "stages/common/intern.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

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

/* What to suggest for an unmapped label: an enum category or -1, and the known label the
 * suggestion comes from (in the situations table) or NULL. */
struct unmapped_hint {
    int suggestion;
    const char *close_to;
};

struct cleaner {
    struct clean_options options;
    struct date_memo row_date;
    struct arena *arena;
    struct lookup labels[LABEL_KINDS];
    struct lookup situations;
    struct strtab *unmapped; /* folded labels found in no table, each with its hint */
    struct unmapped_hint *hints;
    size_t hints_cap;
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

static void lookup_add_folded(struct lookup *l, const char *folded, int value)
{
    bool added;
    uint32_t id = strtab_intern(l->labels, folded, strlen(folded), &added);
    xgrow((void **)&l->values, &l->cap, id, sizeof *l->values);
    l->values[id] = value;
}

/* Later entries override earlier ones, so config labels win over built-in ones. */
static void lookup_add(struct cleaner *c, struct lookup *l, const char *text, int value)
{
    lookup_add_folded(l, fold_into(c, text, strlen(text)), value);
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
    c->unmapped = strtab_new(c->arena);
    size_t n_builtin_labels, n_builtin_situations;
    const struct clean_label *builtin_labels = clean_builtin_labels(&n_builtin_labels);
    const struct clean_situation *builtin_situations =
        clean_builtin_situations(&n_builtin_situations);
    for (size_t i = 0; i < n_builtin_labels; i++)
        lookup_add(c, &c->labels[builtin_labels[i].kind], builtin_labels[i].text,
                   builtin_labels[i].value);
    for (size_t i = 0; i < o->n_labels; i++)
        lookup_add(c, &c->labels[o->labels[i].kind], o->labels[i].text, o->labels[i].value);
    for (size_t i = 0; i < n_builtin_situations; i++)
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
    strtab_free(c->unmapped);
    free(c->hints);
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

/* A `qpv` yes/no cell says it all, and blank there means unknown. Otherwise a QPV code,
 * known or not, says the session was held in a QPV. A row without a code in an export that
 * has a code column and no qpv column is not in a QPV (QPV_NO_CODE: another row of the same
 * session may still carry the code, see records.h), or unknown when the config says so. */
static enum qpv_flag clean_qpv(struct cleaner *c, const struct raw_row *raw,
                               const struct diag_sink *diag)
{
    enum qpv_flag flag = clean_label_field(c, raw, FIELD_QPV, LABEL_QPV, QPV_UNKNOWN, QPV_UNKNOWN,
                                           WARN_UNKNOWN_QPV, diag);
    const struct raw_field *code = &raw->fields[FIELD_QPV_CODE];
    if (flag != QPV_UNKNOWN)
        return flag;
    if (is_blank(code)) {
        bool codes_only = code->text && !raw->fields[FIELD_QPV].text;
        return codes_only && c->options.qpv_code_blank == QPV_CODE_BLANK_NOT_QPV ? QPV_NO_CODE
                                                                                 : QPV_UNKNOWN;
    }
    const char *folded = fold_into(c, code->text, code->len);
    if (c->options.n_qpv_codes > 0 &&
        strtab_find(c->qpv_codes, folded, strlen(folded)) == INTERN_NONE)
        diag_warn(diag, WARN_UNKNOWN_QPV_CODE, raw->origin, folded);
    return QPV_YES;
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

/* ---- situations ---- */

/* Whether `entry` is `folded` cut at a word boundary ("FORMATION QUALIFIANTE" of
 * "FORMATION QUALIFIANTE BTP"). */
static bool is_word_prefix(const char *entry, const char *folded)
{
    size_t n = strlen(entry);
    return n > 0 && strncmp(entry, folded, n) == 0 && folded[n] != '\0' &&
           !clean_is_word_char(folded[n]) && clean_is_word_char(entry[n - 1]);
}

/* A category to suggest for an unmapped label: the known label within a few edits (a
 * typo: one edit per four characters, at most two), else the longest known label the
 * label starts with, word for word. None when a stop word says the label may mean the
 * opposite ("CDD terminé"). */
static void suggest_category(const struct cleaner *c, const char *folded, int *suggestion,
                             const char **close_to)
{
    const struct lookup *l = &c->situations;
    size_t len = strlen(folded);
    int limit = len >= 8 ? 2 : len >= 4 ? 1 : 0, best = limit + 1;
    size_t best_prefix = 0;
    *suggestion = -1;
    *close_to = NULL;
    if (clean_has_stop_word(folded))
        return;
    for (uint32_t id = 0; id < strtab_count(l->labels); id++) {
        const char *entry = strtab_get(l->labels, id);
        int d = limit > 0 ? fold_edit_distance(folded, entry, limit) : limit + 1;
        if (d < best ||
            (best > limit && is_word_prefix(entry, folded) && strlen(entry) > best_prefix)) {
            if (d < best)
                best = d;
            else
                best_prefix = strlen(entry);
            *suggestion = l->values[id];
            *close_to = entry;
        }
    }
}

/* The suggestion for an unmapped folded label, worked out the first time it is seen. */
static uint32_t unmapped_entry(struct cleaner *c, const char *folded)
{
    bool added;
    uint32_t id = strtab_intern(c->unmapped, folded, strlen(folded), &added);
    if (!added)
        return id;
    xgrow((void **)&c->hints, &c->hints_cap, id, sizeof *c->hints);
    struct unmapped_hint *h = &c->hints[id];
    suggest_category(c, strtab_get(c->unmapped, id), &h->suggestion, &h->close_to);
    return id;
}

/* The memo remembers a text found in no table; once a rule maps it, it must forget that. */
static void memo_forget(struct lookup *l, const char *text, size_t len)
{
    for (unsigned i = 0; i < MEMO_ENTRIES; i++)
        if (memo_holds(&l->memo[i], text, len))
            l->memo[i].len = 0;
}

/* A label in no table: employment by a prefix rule (then added to the table, so the next
 * row finds it at once), or unmapped and reported with a suggestion. */
static enum category situation_by_rule(struct cleaner *c, const struct raw_row *raw,
                                       const struct diag_sink *diag)
{
    const struct raw_field *f = &raw->fields[FIELD_SITUATION];
    const char *folded = fold_into(c, f->text, f->len);
    if (clean_prefix_rule(folded)) {
        memo_forget(&c->situations, f->text, f->len);
        lookup_add_folded(&c->situations, folded, CATEGORY_EMPLOYMENT);
        return CATEGORY_EMPLOYMENT;
    }
    uint32_t id = unmapped_entry(c, folded); /* may move c->hints */
    const struct unmapped_hint *h = &c->hints[id];
    char text[128];
    struct unmapped_situation row = {utf8_excerpt(f->text, f->len, text, sizeof text), 1,
                                     raw->origin, h->suggestion, h->close_to};
    diag_unmapped(diag, &row);
    return CATEGORY_UNKNOWN;
}

static enum category clean_situation_field(struct cleaner *c, const struct raw_row *raw,
                                           const struct diag_sink *diag)
{
    const struct raw_field *f = &raw->fields[FIELD_SITUATION];
    int category = CATEGORY_UNKNOWN;
    if (f->text && lookup_find(c, &c->situations, f->text, f->len, &category))
        return (enum category)category;
    if (is_blank(f)) {
        diag_warn(diag, WARN_BLANK_SITUATION, raw->origin, NULL);
        return CATEGORY_UNKNOWN;
    }
    return situation_by_rule(c, raw, diag);
}

bool clean_outcome(struct cleaner *c, const struct raw_row *raw, struct outcome_row *out,
                   const struct diag_sink *diag)
{
    *out = (struct outcome_row){.origin = raw->origin, .category = CATEGORY_UNKNOWN};
    if (!clean_date(c, raw, FIELD_OBSERVED_ON, true, &out->observed_on, diag) ||
        !clean_person(c, raw, out->observed_on, &out->person, diag))
        return false;
    out->category = clean_situation_field(c, raw, diag);
    return true;
}
