/* header.c — the header of an export: built-in header names, the config's mapping, the
 * detection of the header row below a title (or after skip_lines), and the one message that
 * says everything wrong with a header that cannot be taken. */
#include "stages/ingest/ingest_private.h"

#include "stages/common/dates.h"
#include "stages/common/fold.h"

#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

/* ---- built-in header names, as exports write them (compared folded: case, accents and
 * spaces do not matter; messages suggest them as written here) ---- */

struct builtin_header {
    const char *name;
    enum field field;
    int kinds; /* bit 1 << INPUT_ATTENDANCE, 1 << INPUT_OUTCOME */
};

#define BOTH ((1 << INPUT_ATTENDANCE) | (1 << INPUT_OUTCOME))
#define ATT  (1 << INPUT_ATTENDANCE)
#define OUT  (1 << INPUT_OUTCOME)

static const struct builtin_header builtin_headers[] = {
    {"session_id", FIELD_SESSION_ID, ATT},
    {"ID séance", FIELD_SESSION_ID, ATT},
    {"N° séance", FIELD_SESSION_ID, ATT},
    {"Numéro de séance", FIELD_SESSION_ID, ATT},
    {"Code séance", FIELD_SESSION_ID, ATT},
    {"session_date", FIELD_SESSION_DATE, ATT},
    {"Date de la séance", FIELD_SESSION_DATE, ATT},
    {"Date séance", FIELD_SESSION_DATE, ATT},
    {"Date", FIELD_SESSION_DATE, ATT},
    {"site", FIELD_SITE, ATT},
    {"Quartier", FIELD_SITE, ATT},
    {"Lieu", FIELD_SITE, ATT},
    {"activity", FIELD_ACTIVITY, ATT},
    {"Activité", FIELD_ACTIVITY, ATT},
    {"Atelier", FIELD_ACTIVITY, ATT},
    {"Action", FIELD_ACTIVITY, ATT},
    {"qpv", FIELD_QPV, ATT},
    {"En QPV", FIELD_QPV, ATT},
    {"Séance en QPV", FIELD_QPV, ATT},
    {"qpv_code", FIELD_QPV_CODE, ATT},
    {"Code QPV", FIELD_QPV_CODE, ATT},
    {"participant_id", FIELD_PARTICIPANT_ID, BOTH},
    {"Identifiant", FIELD_PARTICIPANT_ID, BOTH},
    {"ID participant", FIELD_PARTICIPANT_ID, BOTH},
    {"ID", FIELD_PARTICIPANT_ID, BOTH},
    {"last_name", FIELD_LAST_NAME, BOTH},
    {"Nom", FIELD_LAST_NAME, BOTH},
    {"Nom de famille", FIELD_LAST_NAME, BOTH},
    {"first_name", FIELD_FIRST_NAME, BOTH},
    {"Prénom", FIELD_FIRST_NAME, BOTH},
    {"birth_date", FIELD_BIRTH_DATE, BOTH},
    {"Date de naissance", FIELD_BIRTH_DATE, BOTH},
    {"Né(e) le", FIELD_BIRTH_DATE, BOTH},
    {"sex", FIELD_SEX, ATT},
    {"Sexe", FIELD_SEX, ATT},
    {"Genre", FIELD_SEX, ATT},
    {"role", FIELD_ROLE, ATT},
    {"Public", FIELD_ROLE, ATT},
    {"Type de participant", FIELD_ROLE, ATT},
    {"status", FIELD_STATUS, ATT},
    {"Présence", FIELD_STATUS, ATT},
    {"Statut", FIELD_STATUS, ATT},
    {"Émargement", FIELD_STATUS, ATT},
    {"observed_on", FIELD_OBSERVED_ON, OUT},
    {"Date d'observation", FIELD_OBSERVED_ON, OUT},
    {"Date observation", FIELD_OBSERVED_ON, OUT},
    {"Date du suivi", FIELD_OBSERVED_ON, OUT},
    {"Date de suivi", FIELD_OBSERVED_ON, OUT},
    {"Date", FIELD_OBSERVED_ON, OUT},
    {"situation", FIELD_SITUATION, OUT},
    {"Situation à la sortie", FIELD_SITUATION, OUT},
};

int ingest_builtin_field(enum input_kind kind, const char *header)
{
    char folded[256], name[256];
    fold_label(header, strlen(header), folded, sizeof folded);
    for (size_t i = 0; i < sizeof builtin_headers / sizeof builtin_headers[0]; i++) {
        const struct builtin_header *b = &builtin_headers[i];
        if (!(b->kinds & (1 << kind)))
            continue;
        fold_label(b->name, strlen(b->name), name, sizeof name);
        if (strcmp(name, folded) == 0)
            return (int)b->field;
    }
    return -1;
}

/* ---- header ---- */

/* The header's field at the column. */
static const char *header_text(const struct reader *r, size_t column)
{
    return r->batch->text + r->field_start[column];
}

static int config_field_for(const struct reader *r, const char *folded)
{
    char key[256];
    for (size_t i = 0; i < r->src->n_columns; i++) {
        const struct column_mapping *m = &r->src->columns[i];
        fold_label(m->header, strlen(m->header), key, sizeof key);
        if (strcmp(key, folded) == 0)
            return (int)m->field;
    }
    return -1;
}

/* A message built piece by piece within a bound: a piece that does not fit is left out
 * whole (lists then end with "…"), so that the message stays one readable error line. */
struct msg {
    char *text;
    size_t len, cap;
    bool full;
};

__attribute__((format(printf, 2, 3))) static bool msg_add(struct msg *m, const char *fmt, ...)
{
    char piece[IMPACT_MSG_MAX];
    va_list args;
    va_start(args, fmt);
    int n = vsnprintf(piece, sizeof piece, fmt, args);
    va_end(args);
    if (m->full || n < 0 || m->len + (size_t)n + 1 > m->cap) {
        m->full = true;
        return false;
    }
    memcpy(m->text + m->len, piece, (size_t)n + 1);
    m->len += (size_t)n;
    return true;
}

/* Where the next pieces must end; a piece left out before does not stop them. */
static void set_bound(struct msg *m, size_t cap)
{
    m->cap = cap;
    m->full = false;
}

/* A header as a message quotes it: cut to QUOTE_BYTES, line breaks made spaces. */
static const char *quote_header(const char *h, char *out, size_t cap)
{
    size_t bad;
    if (!utf8_valid(h, strlen(h), &bad))
        return "(not valid UTF-8: check the file's encoding)";
    utf8_excerpt(h, strlen(h), out, cap < QUOTE_BYTES ? cap : QUOTE_BYTES);
    for (char *c = out; *c; c++)
        if (*c == '\r' || *c == '\n' || *c == '\t')
            *c = ' ';
    return out;
}

/* Edits allowed between a header and a known name for one to be suggested for the other. */
static int suggestion_limit(const char *folded)
{
    size_t n = strlen(folded);
    return n <= 4 ? 1 : n <= 8 ? 2 : 3;
}

/* The known name nearest to a folded header, within best_distance - 1 edits. */
struct known_name_search {
    const char *folded; /* the header looked for */
    int best_distance;
    const char *best; /* the known name as written, or NULL */
};

static void near_name(struct known_name_search *s, const char *name)
{
    char key[256];
    fold_label(name, strlen(name), key, sizeof key);
    int d = fold_edit_distance(s->folded, key, s->best_distance - 1);
    if (d < s->best_distance) {
        s->best_distance = d;
        s->best = name;
    }
}

/* Every name this kind of input knows for `field` (any field when field < 0): the config's
 * mapping first, then the built-in names; the first of equals wins. */
static void search_known_names(const struct reader *r, int field, struct known_name_search *s)
{
    for (size_t i = 0; i < r->src->n_columns; i++)
        if (field < 0 || (int)r->src->columns[i].field == field)
            near_name(s, r->src->columns[i].header);
    for (size_t i = 0; i < sizeof builtin_headers / sizeof builtin_headers[0]; i++) {
        const struct builtin_header *b = &builtin_headers[i];
        if ((b->kinds & (1 << r->src->kind)) && (field < 0 || (int)b->field == field))
            near_name(s, b->name);
    }
}

static bool unrecognised(const struct reader *r, int column)
{
    const char *h = header_text(r, (size_t)column);
    return r->column_field[column] < 0 && !is_blank_text(h, strlen(h));
}

/* What a header must have: a field, or (identity) an id or the three name fields. */
struct requirement {
    const char *name;
    int fields[4];
    int n_fields;
};

static bool has(const struct reader *r, enum field f)
{
    return r->field_column[f] >= 0;
}

static int missing_requirements(const struct reader *r, struct requirement out[3])
{
    int n = 0;
    enum field date = r->src->kind == INPUT_ATTENDANCE ? FIELD_SESSION_DATE : FIELD_OBSERVED_ON;
    enum field other = r->src->kind == INPUT_ATTENDANCE ? FIELD_SITE : FIELD_SITUATION;
    if (!has(r, date))
        out[n++] = (struct requirement){record_field_names[date], {(int)date}, 1};
    if (!has(r, other))
        out[n++] = (struct requirement){record_field_names[other], {(int)other}, 1};
    bool names = has(r, FIELD_LAST_NAME) && has(r, FIELD_FIRST_NAME) && has(r, FIELD_BIRTH_DATE);
    if (!has(r, FIELD_PARTICIPANT_ID) && !names) {
        struct requirement *id = &out[n++];
        *id = (struct requirement){
            "participant_id (or last_name, first_name and birth_date)", {FIELD_PARTICIPANT_ID}, 1};
        static const enum field name_fields[] = {FIELD_LAST_NAME, FIELD_FIRST_NAME,
                                                 FIELD_BIRTH_DATE};
        for (int i = 0; i < 3; i++)
            if (!has(r, name_fields[i]))
                id->fields[id->n_fields++] = (int)name_fields[i];
    }
    return n;
}

/* The unrecognised header nearest to a known name of the requirement, or -1. */
static int nearest_header(const struct reader *r, const struct requirement *req)
{
    char folded[256];
    int best = -1, best_distance = INT_MAX;
    for (int c = 0; c < r->n_header; c++) {
        if (!unrecognised(r, c))
            continue;
        const char *h = header_text(r, (size_t)c);
        fold_label(h, strlen(h), folded, sizeof folded);
        struct known_name_search s = {folded, suggestion_limit(folded) + 1, NULL};
        for (int i = 0; i < req->n_fields; i++)
            search_known_names(r, req->fields[i], &s);
        if (s.best && s.best_distance < best_distance) {
            best = c;
            best_distance = s.best_distance;
        }
    }
    return best;
}

/* Whether the row taken for a header holds a date or a number (Excel serials are dates
 * too): a header never does, a person's row always does (a session, observation or birth
 * date). Such a row's cells are never quoted, even when one of them happens to be a known
 * header ("Atelier" as an activity): they may be a name and a birth date. */
static bool looks_like_data(const struct reader *r)
{
    for (int c = 0; c < r->n_header; c++) {
        const char *h = header_text(r, (size_t)c);
        day_t day;
        if (!is_blank_text(h, strlen(h)) && date_parse(h, strlen(h), &day, NULL) == DATE_OK)
            return true;
    }
    return false;
}

static void add_missing(const struct reader *r, struct msg *m, bool quote)
{
    struct requirement missing[3];
    char q[QUOTE_BYTES];
    int n = missing_requirements(r, missing);
    msg_add(m, "missing required column%s ", n > 1 ? "s" : "");
    for (int i = 0; i < n; i++) {
        int near = quote ? nearest_header(r, &missing[i]) : -1;
        msg_add(m, "%s%s", i ? ", " : "", missing[i].name);
        if (near >= 0)
            msg_add(m, " (is it \"%s\", column %d?)",
                    quote_header(header_text(r, (size_t)near), q, sizeof q), near + 1);
    }
}

/* The headers not recognised, each with the known name nearest to it. Quoted only when the
 * row has a recognised header and no date (looks_like_data): a file without a header row,
 * or a skip_lines one too many, has a person's row there, and messages must not carry
 * names or birth dates. */
static void add_unrecognised(const struct reader *r, struct msg *m, bool quote)
{
    char folded[256], q[QUOTE_BYTES];
    int n = 0, listed = 0;
    for (int c = 0; c < r->n_header; c++)
        n += unrecognised(r, c);
    if (n == 0)
        return;
    if (!quote && looks_like_data(r)) {
        msg_add(m, "; the row read as the header holds dates, so it is data, not a header (is "
                   "the header row missing, or skip_lines too large?)");
        return;
    }
    if (!quote) {
        msg_add(m, "; none of the %d columns has a known header (is the header row missing?)", n);
        return;
    }
    msg_add(m, "; header%s not recognised: ", n > 1 ? "s" : "");
    for (int c = 0; c < r->n_header && !m->full; c++) {
        if (!unrecognised(r, c))
            continue;
        const char *h = header_text(r, (size_t)c);
        fold_label(h, strlen(h), folded, sizeof folded);
        struct known_name_search s = {folded, suggestion_limit(folded) + 1, NULL};
        search_known_names(r, -1, &s);
        if (!msg_add(m, "%s\"%s\"", listed ? ", " : "", quote_header(h, q, sizeof q)))
            break;
        listed++;
        if (s.best)
            msg_add(m, " (did you mean \"%s\"?)", s.best);
    }
    if (listed < n) {
        set_bound(m, m->cap + LIST_RESERVE / 2);
        msg_add(m, " and %d more", n - listed);
    }
}

/* The columns recognised, by number and field. */
static void add_found(const struct reader *r, struct msg *m, int recognised)
{
    int listed = 0;
    if (recognised == 0)
        return;
    msg_add(m, "; found: ");
    for (int c = 0; c < r->n_header; c++) {
        int f = r->column_field[c];
        if (f >= 0 &&
            msg_add(m, "%scolumn %d = %s", listed ? ", " : "", c + 1, record_field_names[f]))
            listed++;
    }
    if (listed < recognised) {
        set_bound(m, m->cap + 8);
        msg_add(m, ", …");
    }
}

/* Everything wrong with a header at once: the missing fields (with the header that may be
 * meant for each), the headers not recognised (with the name each may have meant), the
 * columns found, and what to do. Bounded so that a suffix (keep_best) still fits. */
static void describe_header(const struct reader *r, int recognised, char *out, size_t cap)
{
    size_t lists = cap - ADVICE_BYTES; /* the lists end there; the advice may go further */
    struct msg m = {out, 0, lists - 2 * LIST_RESERVE, false};
    bool quote = recognised > 0 && !looks_like_data(r);
    out[0] = '\0';
    add_missing(r, &m, quote);
    set_bound(&m, lists - LIST_RESERVE); /* the rest is for " and N more" and the found list */
    add_unrecognised(r, &m, quote);
    set_bound(&m, lists - 8);
    add_found(r, &m, recognised);
    set_bound(&m, cap);
    if (r->n_header == 1)
        msg_add(&m, "; the row was read as one column: is the delimiter '%s' right?",
                r->result->delimiter == '\t' ? "\\t" : (char[2]){r->result->delimiter, 0});
    msg_add(&m, "; rename the headers or map them in the config's \"columns\"");
}

/* Columns up to the last one with a name: blank names at the end of the header (a
 * delimiter ending the line) are no columns. */
static int named_width(const struct reader *r)
{
    size_t n = r->n_fields;
    while (n > 0 && is_blank_text(header_text(r, n - 1), strlen(header_text(r, n - 1))))
        n--;
    return (int)n;
}

/* Maps the named columns to fields (a column without a name maps none); returns the first
 * column that maps a field an earlier one maps already, or -1. */
static int map_header(struct reader *r, int *recognised)
{
    char folded[256];
    int conflict = -1;
    *recognised = 0;
    for (int f = 0; f < FIELD_COUNT; f++)
        r->field_column[f] = -1;
    for (int c = 0; c < r->n_header; c++) {
        const char *h = header_text(r, (size_t)c);
        fold_label(h, strlen(h), folded, sizeof folded);
        int f = folded[0] ? config_field_for(r, folded) : -1;
        if (f < 0 && folded[0])
            f = ingest_builtin_field(r->src->kind, h);
        r->column_field[c] = f;
        if (f < 0)
            continue;
        (*recognised)++;
        if (r->field_column[f] < 0)
            r->field_column[f] = c;
        else if (conflict < 0)
            conflict = c;
    }
    return conflict;
}

/* A row that is not the header: kept as the best guess when it recognises more columns
 * than the best so far (the first of equals), for the message if no header is found. */
static void keep_best(struct reader *r, int score, int conflict)
{
    struct header_guess *b = &r->best;
    if (b->line != 0 && score <= b->score)
        return;
    *b = (struct header_guess){.line = r->row_line, .score = score};
    size_t cap = sizeof b->message - SUFFIX_BYTES;
    if (r->n_fields > MAX_COLUMNS) {
        snprintf(b->message, cap, "the header has more than %d columns", MAX_COLUMNS);
    } else if (conflict >= 0) {
        int f = r->column_field[conflict];
        b->column = conflict + 1;
        snprintf(b->message, cap,
                 "columns %d and %d both map to the field %s (check the config's \"columns\")",
                 r->field_column[f] + 1, conflict + 1, record_field_names[f]);
    } else {
        describe_header(r, score, b->message, cap);
    }
}

/* A row that libcsv could not parse, while the header is looked for: the worst guess. */
void ingest_keep_unparsable(struct reader *r, const char *reason)
{
    struct header_guess *b = &r->best;
    if (b->line != 0)
        return;
    *b = (struct header_guess){.line = r->row_line, .score = -1};
    snprintf(b->message, sizeof b->message - SUFFIX_BYTES, "the header row cannot be parsed: %s",
             reason);
}

static void fail_with_best(struct reader *r)
{
    const struct header_guess *b = &r->best;
    if (r->rows_examined > 1 && b->score <= 0) /* no row came near: is it further down? */
        ingest_reader_fail(
            r, (long)b->line, b->column,
            "%s; the header was looked for in the first %d rows (a title above it is "
            "skipped; set skip_lines if the header is further down)",
            b->message, r->rows_examined);
    else
        ingest_reader_fail(r, (long)b->line, b->column, "%s", b->message);
}

static int nonblank_cells(const struct reader *r)
{
    int n = 0;
    for (int c = 0; c < r->n_header; c++) {
        const char *h = header_text(r, (size_t)c);
        n += !is_blank_text(h, strlen(h));
    }
    return n;
}

/* A row above the header found that holds a date and fills at least three cells and half
 * as many as the header names is a data row, under a header that was not recognised (a typo
 * in it, a second header further down): taking the later row for the header would drop it
 * as a title without a word. A title fills a cell or two ("Export du;12/03/2019"). */
static void check_rows_above(struct reader *r)
{
    int cells = r->data_like_cells;
    if (r->data_like_line == 0 || cells < 3 || 2 * cells < r->n_header)
        return;
    ingest_reader_fail(r, (long)r->data_like_line, 0,
                       "this line, above the header found on line %lu, looks like a data row "
                       "(a date among %d filled cells): the header above it was not recognised. "
                       "Fix that header (or map it in the config's \"columns\"), or set "
                       "skip_lines if these rows are to be skipped",
                       r->row_line, cells);
}

/* Detection: the header is the first of the first HEADER_SEARCH_ROWS rows that has the
 * required columns, unless the config fixes its line (skip_lines). */
void ingest_not_the_header(struct reader *r)
{
    r->rows_examined++;
    if (r->src->fixed_header || r->rows_examined >= HEADER_SEARCH_ROWS)
        fail_with_best(r);
}

void ingest_take_header(struct reader *r)
{
    struct requirement missing[3];
    int recognised = 0, conflict = -1;
    r->n_header = r->n_fields > MAX_COLUMNS ? 0 : named_width(r);
    if (r->n_fields <= MAX_COLUMNS)
        conflict = map_header(r, &recognised);
    if (r->n_fields > MAX_COLUMNS || conflict >= 0 || missing_requirements(r, missing) > 0) {
        if (r->data_like_line == 0 && r->n_fields <= MAX_COLUMNS && looks_like_data(r)) {
            r->data_like_line = r->row_line;
            r->data_like_cells = nonblank_cells(r);
        }
        keep_best(r, recognised, conflict);
        ingest_not_the_header(r);
        return;
    }
    r->n_mapped = 0;
    for (int f = 0; f < FIELD_COUNT; f++)
        if (r->field_column[f] >= 0)
            r->mapped[r->n_mapped++] = (struct mapped_field){f, r->field_column[f]};
    r->have_header = true;
    r->result->n_header_columns = r->n_header;
    r->result->header_line = r->row_line;
    check_rows_above(r);
}

/* The end of the file came before the header. An outcome file with nothing in it is only
 * a warning (no_data_rows: a programme may have no follow-up yet); not an attendance one. */
void ingest_no_header_found(struct reader *r)
{
    if (r->best.line != 0)
        fail_with_best(r);
    else if (r->src->fixed_header && r->src->skip_lines > 0)
        ingest_reader_fail(
            r, 0, 0,
            "no header row below the %u lines that skip_lines skips: expected a header "
            "row (check skip_lines)",
            r->src->skip_lines);
    else if (r->src->kind == INPUT_ATTENDANCE)
        ingest_reader_fail(r, 0, 0,
                           "the file is empty: expected a header row, then one row per participant "
                           "and session (check the path, or export the sheet again)");
}
