/* ingest.c — reading one export: encoding, delimiter, header mapping, libcsv parsing with
 * line tracking and recovery from malformed rows; the file's SHA-256 (fingerprint).
 *
 * libcsv reports no positions, so the file is fed to it one physical line at a time: a row
 * starts on the line being fed when the previous row has ended, and that line number is the
 * row's origin. After a parse error the row is rejected and reading resumes at the line
 * after the row's first line, so an unterminated quote costs one row, not the file.
 * ingest_probe runs the same reader and stops once the header is mapped.
 *
 * ingest_file parses on the caller's thread, which fills batches of rows and rejects; a
 * worker thread (stages/common/worker.h, in order) delivers them, one job per batch, through
 * a ring of QUEUE_BATCHES. Either thread, when it would wait for the other, takes a step of
 * the source's fingerprint instead (the worker's idle work). docs/threads.md says who owns
 * what; docs/performance.md has the measurements behind this. */
#include "stages/ingest.h"

#include "stages/common/arena.h"
#include "stages/common/fold.h"
#include "stages/common/intern.h"
#include "stages/common/worker.h"

#include <csv.h>
#include <errno.h>
#include <fcntl.h>
#include <iconv.h>
#include <limits.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

/* MIN_BLOCK_SIZE: the first block must hold a whole BOM (a test-only size is raised to it). */
enum { BLOCK_SIZE = 1 << 20, MIN_BLOCK_SIZE = 4, MAX_COLUMNS = 512 };

/* HEADER_SEARCH_ROWS: rows (blank lines aside) in which the header is looked for, below a
 * title or two. A header message quotes at most QUOTE_BYTES - 1 bytes of each header, keeps
 * ADVICE_BYTES for its last sentence and SUFFIX_BYTES for the note on the search. */
enum {
    HEADER_SEARCH_ROWS = 10,
    QUOTE_BYTES = 41,
    ADVICE_BYTES = 160,
    SUFFIX_BYTES = 160,
    LIST_RESERVE = 120 /* kept by the missing fields for the next list, by that list for
                          its " and N more" and the found list */
};

static const char STAGE[] = "ingest";

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

const char *ingest_encoding_name(enum ingest_encoding encoding)
{
    static const char *const names[] = {"auto", "utf-8", "windows-1252"};
    return names[encoding];
}

/* ---- batches: what the parsing thread hands to the worker thread ---- */

/* A batch is handed over once it holds this much text or this many events (about half a
 * MiB of rows); QUEUE_BATCHES bound the memory in flight. */
enum { BATCH_TEXT = 1 << 19, BATCH_EVENTS = 4096, QUEUE_BATCHES = 4 };
#define NO_REJECT ((size_t)-1)

/* A row, or a reject, in file order. Texts are offsets into the batch's text, which moves
 * while the batch fills. A row's fields are by enum field; only those the file has are set
 * (the others hold whatever the slot held before). */
struct event {
    uint32_t line;
    int reject_column;           /* 1-based column of a reject, 0 for the whole row */
    const char *reject_field;    /* canonical name of that column's field, or NULL */
    size_t reason;               /* offset of a reject's reason; NO_REJECT for a row */
    uint32_t start[FIELD_COUNT]; /* offsets of the mapped fields' texts */
    uint32_t len[FIELD_COUNT];
};

struct batch {
    char *text; /* the rows' field texts, each NUL-terminated, and the rejects' reasons */
    size_t text_len, text_cap;
    struct event *events;
    size_t n_events, events_cap;
    unsigned long long bytes_done; /* bytes of the file parsed when the batch was handed over */
};

/* Batches go round a ring: the parser fills slot `filled % QUEUE_BATCHES` once the job that
 * delivered its previous batch is done, and hands it over as that slot's job. */
struct delivery {
    struct reader *reader;
    struct batch *batch;
    struct worker_job job;
};

struct handoff {
    struct worker worker;
    struct batch slots[QUEUE_BATCHES];
    struct delivery deliveries[QUEUE_BATCHES];
    size_t filled; /* batches handed over */
};

/* ---- reader state ---- */

/* The last field of a column that needed the UTF-8 and NUL checks and passed them. The
 * rows of a session repeat its site, whose dash or accents would otherwise be checked on
 * every row (a tenth of the parsing thread's work besides libcsv at 10 M rows). */
enum { CHECKED_COLUMNS = 16, CHECKED_BYTES = 64 };

struct checked_field {
    size_t len; /* 0: none yet (an empty field needs no check) */
    char text[CHECKED_BYTES];
};

/* A row that was not the header, and what its message would be if no header is found. */
struct header_guess {
    unsigned long line; /* 0: none yet */
    long column;
    int score; /* columns recognised */
    char message[IMPACT_MSG_MAX];
};

/* A field of the records (enum field) and the file's 0-based column holding it. */
struct mapped_field {
    int field, column;
};

struct reader {
    const struct ingest_source *src;
    const struct diag_sink *diag;
    ingest_row_fn on_row;
    void *ctx;
    struct ingest_result *result;
    struct impact_error *err;
    int status;
    bool header_only; /* ingest_probe: stop once the header is taken */

    int fd;
    unsigned char *buf;
    size_t block, buf_len, pos;    /* block: bytes per read */
    unsigned long long buf_offset; /* file offset of buf[0] */
    iconv_t to_utf8;               /* (iconv_t)-1 unless converting from Windows-1252 */
    char *conv;
    size_t conv_cap;
    struct csv_parser csv;

    unsigned long line; /* physical line of the next byte fed */
    bool line_blank;    /* only blanks fed so far on this line: a row may still start on it */
    bool skip_to_eol;
    unsigned char line_end; /* the byte that ends a physical line: LF, or CR in old Mac files */

    bool in_row;
    unsigned long row_line;
    unsigned long long row_next_line_offset; /* 0 until the row's first line has ended */
    struct handoff *handoff; /* NULL: batches are delivered by the parsing thread itself */
    struct batch *batch;     /* being filled; the current row's texts start at row_text */
    struct batch inline_batch;
    size_t row_text;
    unsigned long rows_delivered; /* caller's side: events delivered, for the progress */
    size_t *field_start;          /* the header's fields: offsets in the batch's text */
    size_t fields_cap;
    struct event *row_event; /* the batch's next event: the current row's (on_field) */
    size_t n_fields;         /* fields of the current row so far */
    int first_extra;         /* 0-based column of the first non-blank field past the
                                header's named columns, or -1 */
    struct checked_field checked[CHECKED_COLUMNS];
    bool row_bad;
    int bad_column;
    char bad_reason[160];

    bool have_header;
    int rows_examined;             /* rows that were not the header (detection) */
    struct header_guess best;      /* of them, the nearest to a header, for the message */
    int n_header;                  /* named columns: blank names ending the header line are none */
    int column_field[MAX_COLUMNS]; /* enum field, or -1 for an ignored column */
    int field_column[FIELD_COUNT]; /* 0-based column, or -1 when the file lacks it */
    struct mapped_field mapped[FIELD_COUNT]; /* the fields the file has, for deliver */
    size_t n_mapped;
};

/* Records the first fatal error; later ones are consequences of it. */
__attribute__((format(printf, 4, 5))) static void reader_fail(struct reader *r, long line,
                                                              long column, const char *fmt, ...)
{
    va_list args;
    va_start(args, fmt);
    if (r->status == IMPACT_OK)
        impact_vfail(r->err, STAGE, r->src->path, line, column, fmt, args);
    va_end(args);
    r->status = IMPACT_FAIL;
}

/* The lines above the header that the config says to skip (skip_lines). */
static unsigned long skipped_lines(const struct reader *r)
{
    return r->src->fixed_header ? r->src->skip_lines : 0;
}

/* False once the file failed, or once a probe has what it came for: the header, and
 * whether a row follows it. */
static bool wants_more(const struct reader *r)
{
    return r->status == IMPACT_OK &&
           !(r->header_only && r->have_header && r->result->rows_read > 0);
}

static void hand_over(struct reader *r);

/* The current row's fields are written into the batch's next event as they come
 * (on_field), which emit_row keeps, or a reject takes over. */
static void make_room_for_row(struct reader *r)
{
    struct batch *b = r->batch;
    xgrow((void **)&b->events, &b->events_cap, b->n_events + 1, sizeof *b->events);
    r->row_event = &b->events[b->n_events];
}

/* The current row's field texts are dropped unless a row event took them. */
static void reset_row(struct reader *r)
{
    r->in_row = false;
    r->batch->text_len = r->row_text;
    r->n_fields = 0;
    r->first_extra = -1;
    r->row_bad = false;
    r->row_next_line_offset = 0;
    if (r->batch->text_len >= BATCH_TEXT || r->batch->n_events >= BATCH_EVENTS)
        hand_over(r);
    make_room_for_row(r);
}

/* The header's field at the column. */
static const char *header_text(const struct reader *r, size_t column)
{
    return r->batch->text + r->field_start[column];
}

/* Keeps the row's event (its fields are in place already: make_room_for_row). */
static struct event *new_event(struct reader *r)
{
    struct event *e = r->row_event;
    r->batch->n_events++;
    e->line = (uint32_t)r->row_line;
    e->reject_column = 0;
    e->reject_field = NULL;
    e->reason = NO_REJECT;
    return e;
}

static void reject_row(struct reader *r, int column, const char *reason)
{
    struct batch *b = r->batch;
    struct event *e = new_event(r);
    size_t n = strlen(reason) + 1;
    e->reject_column = column;
    e->reject_field = NULL;
    if (column > 0 && column <= r->n_header && r->column_field[column - 1] >= 0)
        e->reject_field = record_field_names[r->column_field[column - 1]];
    b->text_len = r->row_text; /* the row's texts go; its reason stays */
    xgrow((void **)&b->text, &b->text_cap, b->text_len + n, 1);
    memcpy(b->text + b->text_len, reason, n);
    e->reason = b->text_len;
    b->text_len += n;
    r->row_text = b->text_len;
    r->result->rows_read++;
    r->result->rows_rejected++;
}

/* ---- header ---- */

/* As strchr(" \t", c) was: the NUL byte counts too, so that a row of NULs stays an empty
 * row whatever its reason would otherwise be. */
static bool is_blank_byte(char c)
{
    return c == ' ' || c == '\t' || c == '\0';
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

static bool is_blank_text(const char *s, size_t len)
{
    for (size_t i = 0; i < len; i++)
        if (!is_blank_byte(s[i]) && s[i] != '\r' && s[i] != '\n')
            return false;
    return true;
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
 * row has a recognised header: a file without a header row has a person's row there, and
 * messages must not carry names or birth dates. */
static void add_unrecognised(const struct reader *r, struct msg *m, bool quote)
{
    char folded[256], q[QUOTE_BYTES];
    int n = 0, listed = 0;
    for (int c = 0; c < r->n_header; c++)
        n += unrecognised(r, c);
    if (n == 0)
        return;
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
    bool quote = recognised > 0;
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
static void keep_unparsable(struct reader *r, const char *reason)
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
        reader_fail(r, (long)b->line, b->column,
                    "%s; the header was looked for in the first %d rows (a title above it is "
                    "skipped; set skip_lines if the header is further down)",
                    b->message, r->rows_examined);
    else
        reader_fail(r, (long)b->line, b->column, "%s", b->message);
}

/* Detection: the header is the first of the first HEADER_SEARCH_ROWS rows that has the
 * required columns, unless the config fixes its line (skip_lines). */
static void not_the_header(struct reader *r)
{
    r->rows_examined++;
    if (r->src->fixed_header || r->rows_examined >= HEADER_SEARCH_ROWS)
        fail_with_best(r);
}

static void take_header(struct reader *r)
{
    struct requirement missing[3];
    int recognised = 0, conflict = -1;
    r->n_header = r->n_fields > MAX_COLUMNS ? 0 : named_width(r);
    if (r->n_fields <= MAX_COLUMNS)
        conflict = map_header(r, &recognised);
    if (r->n_fields > MAX_COLUMNS || conflict >= 0 || missing_requirements(r, missing) > 0) {
        keep_best(r, recognised, conflict);
        not_the_header(r);
        return;
    }
    r->n_mapped = 0;
    for (int f = 0; f < FIELD_COUNT; f++)
        if (r->field_column[f] >= 0)
            r->mapped[r->n_mapped++] = (struct mapped_field){f, r->field_column[f]};
    r->have_header = true;
    r->result->n_header_columns = r->n_header;
    r->result->header_line = r->row_line;
}

/* ---- rows ---- */

/* The row's texts, each with its NUL, are together at the end of the batch's text. */
static bool row_is_empty(const struct reader *r)
{
    const struct batch *b = r->batch;
    for (size_t i = r->row_text; i < b->text_len; i++)
        if (!is_blank_byte(b->text[i]))
            return false;
    return true;
}

/* Returns a reject reason, and the column at fault, when the row's fields do not fit the
 * header: fewer than its named columns (the first missing one), or a value past them (the
 * first such one). Empty fields past them are tolerated, however many: exports often end
 * rows with a delimiter or several. */
static const char *check_width(const struct reader *r, char *reason, size_t cap, int *column)
{
    if (r->n_fields < (size_t)r->n_header) {
        *column = (int)r->n_fields + 1;
        snprintf(reason, cap, "expected %d fields as in the header, found %zu", r->n_header,
                 r->n_fields);
        return reason;
    }
    if (r->first_extra >= 0) {
        *column = r->first_extra + 1;
        snprintf(reason, cap,
                 "a value in column %d, past the header's %d columns (only empty fields may "
                 "follow them)",
                 r->first_extra + 1, r->n_header);
        return reason;
    }
    return NULL;
}

static void emit_row(struct reader *r)
{
    char reason[160];
    int column = 0;
    const char *width_problem = check_width(r, reason, sizeof reason, &column);
    if (row_is_empty(r)) {
        reject_row(r, 0, "empty row");
    } else if (width_problem) {
        reject_row(r, column, width_problem);
    } else if (r->row_bad) {
        reject_row(r, r->bad_column, r->bad_reason);
    } else {
        new_event(r);
        r->row_text = r->batch->text_len; /* the event keeps the row's texts */
        r->result->rows_read++;
    }
}

/* A field the later stages cannot take: invalid UTF-8, or a NUL byte, which would cut the
 * text short wherever it is used as a C string (UTF-16 exports are full of them). */
static bool field_is_bad(const char *field, size_t len, char *reason, size_t cap)
{
    size_t bad;
    const char *nul = memchr(field, '\0', len);
    if (!utf8_valid(field, len, &bad)) {
        snprintf(reason, cap, "invalid UTF-8 at byte %zu of the field (check the file's encoding)",
                 bad + 1);
        return true;
    }
    if (nul) {
        snprintf(reason, cap,
                 "NUL byte at byte %zu of the field (a UTF-16 export? save it as UTF-8)",
                 (size_t)(nul - field) + 1);
        return true;
    }
    return false;
}

/* copy_field for 4 to 7 bytes: the first four and the last four, which overlap. */
static bool copy_short_field(char *to, const char *from, size_t len)
{
    const uint32_t ones = 0x01010101u, highs = 0x80808080u;
    uint32_t head, tail;
    memcpy(&head, from, 4);
    memcpy(&tail, from + len - 4, 4);
    memcpy(to, &head, 4);
    memcpy(to + len - 4, &tail, 4);
    uint32_t seen = head | tail | ((head - ones) & ~head) | ((tail - ones) & ~tail);
    return (seen & highs) != 0;
}

/* Copies a field and tells whether any byte needs the checks of field_is_bad (a high bit,
 * or zero). Most fields are a few ASCII bytes: eight at a time, the last eight of a field
 * longer than that overlapping the ones before (four for a shorter one), without a call
 * per field. */
__attribute__((always_inline)) static inline bool copy_field(char *to, const char *from, size_t len)
{
    const uint64_t ones = 0x0101010101010101u, highs = 0x8080808080808080u;
    uint64_t seen = 0, w; /* high bits of the bytes, or of (byte - 1) & ~byte: zero bytes */
    if (len < 4) {
        for (size_t i = 0; i < len; i++) {
            unsigned char c = (unsigned char)from[i];
            to[i] = (char)c;
            seen |= c | (uint64_t)(c == 0) << 7;
        }
        return (seen & 0x80) != 0;
    }
    if (len < 8)
        return copy_short_field(to, from, len);
    for (size_t i = 0;; i += 8) {
        size_t at = i + 8 <= len ? i : len - 8;
        memcpy(&w, from + at, 8);
        memcpy(to + at, &w, 8);
        seen |= w | ((w - ones) & ~w);
        if (at == len - 8)
            break;
    }
    return (seen & highs) != 0;
}

static bool checked_before(const struct reader *r, size_t column, const char *field, size_t len)
{
    return column < CHECKED_COLUMNS && r->checked[column].len == len &&
           intern_same_bytes(r->checked[column].text, field, len);
}

static void remember_checked(struct reader *r, size_t column, const char *field, size_t len)
{
    if (column < CHECKED_COLUMNS && len <= CHECKED_BYTES) {
        r->checked[column].len = len;
        memcpy(r->checked[column].text, field, len);
    }
}

/* The header's fields are kept by column, for take_header to map. */
__attribute__((noinline)) static void keep_header_field(struct reader *r, size_t column,
                                                        size_t start)
{
    xgrow((void **)&r->field_start, &r->fields_cap, column, sizeof *r->field_start);
    r->field_start[column] = start;
}

/* A field past the header's named columns: the first with a value is noted (check_width). */
__attribute__((noinline)) static void note_extra_field(struct reader *r, size_t column,
                                                       size_t start, size_t len)
{
    if (r->first_extra < 0 && !is_blank_text(r->batch->text + start, len))
        r->first_extra = (int)column;
}

/* A row's field goes straight to its place in the row's event, by the header's mapping;
 * one past the header's named columns only counts (check_width). */
static void place_field(struct reader *r, size_t column, size_t start, size_t len)
{
    int f = column < (size_t)r->n_header ? r->column_field[column] : -1;
    if (f >= 0) {
        r->row_event->start[f] = (uint32_t)start;
        r->row_event->len[f] = (uint32_t)len;
    } else if (column >= (size_t)r->n_header && len > 0) {
        note_extra_field(r, column, start, len);
    }
}

/* The field at `column` has a byte that needs field_is_bad's checks. */
__attribute__((noinline)) static void check_field(struct reader *r, size_t column,
                                                  const char *field, size_t len)
{
    if (r->row_bad || checked_before(r, column, field, len))
        return;
    if (field_is_bad(field, len, r->bad_reason, sizeof r->bad_reason)) {
        r->row_bad = true;
        r->bad_column = (int)column + 1;
    } else {
        remember_checked(r, column, field, len);
    }
}

/* Copies the field into the batch, which has room for it, and notes where it went. */
__attribute__((always_inline)) static inline void put_field(struct reader *r, const char *field,
                                                            size_t len, bool in_header)
{
    struct batch *b = r->batch;
    char *copy = b->text + b->text_len;
    bool needs_checks = copy_field(copy, field, len);
    copy[len] = '\0';
    size_t column = r->n_fields++;
    if (in_header)
        keep_header_field(r, column, b->text_len);
    else
        place_field(r, column, b->text_len, len);
    b->text_len += len + 1;
    if (needs_checks)
        check_field(r, column, field, len);
}

__attribute__((noinline)) static void put_field_slowly(struct reader *r, const char *field,
                                                       size_t len)
{
    struct batch *b = r->batch;
    if (b->text_len + len + 1 > b->text_cap)
        xgrow((void **)&b->text, &b->text_cap, b->text_len + len + 1, 1);
    put_field(r, field, len, !r->have_header);
}

/* Called by libcsv for each of the 110 million fields of a 10 M-row file. What is rare
 * (growing the batch, the header, a byte to check) is out of line: the common case then
 * calls nothing before its end, and saves fewer registers on entry (docs/performance.md). */
static void on_field(void *data, size_t len, void *userdata)
{
    struct reader *r = userdata;
    const struct batch *b = r->batch;
    const char *field = data ? data : "";
    if (b->text_len + len + 1 > b->text_cap || !r->have_header)
        put_field_slowly(r, field, len);
    else
        put_field(r, field, len, false);
}

static void on_row_end(int terminator, void *userdata)
{
    (void)terminator;
    struct reader *r = userdata;
    if (!wants_more(r))
        return;
    if (!r->have_header)
        take_header(r);
    else
        emit_row(r);
    reset_row(r);
}

/* ---- bytes in: blocks, encoding ---- */

static bool read_block(struct reader *r, unsigned long long offset)
{
    if (lseek(r->fd, (off_t)offset, SEEK_SET) < 0) {
        reader_fail(r, 0, 0, "cannot seek: %s", strerror(errno));
        return false;
    }
    ssize_t n = read(r->fd, r->buf, r->block);
    if (n < 0) {
        reader_fail(r, 0, 0, "cannot read: %s", strerror(errno));
        return false;
    }
    r->buf_len = (size_t)n;
    r->buf_offset = offset;
    r->pos = 0;
    return true;
}

/* Valid multi-byte UTF-8 sequences against invalid bytes in the first block. */
static enum ingest_encoding sniff_encoding(const unsigned char *s, size_t len)
{
    size_t valid_multi = 0, invalid = 0, i = 0;
    while (i < len) {
        if (s[i] < 0x80) {
            i++;
            continue;
        }
        size_t need = s[i] >= 0xF0 ? 4 : s[i] >= 0xE0 ? 3 : 2;
        if (i + need > len)
            break; /* a sequence cut by the block end says nothing */
        size_t bad;
        if (utf8_valid((const char *)s + i, need, &bad)) {
            valid_multi++;
            i += need;
        } else {
            invalid++;
            i++;
        }
    }
    return invalid > valid_multi ? INGEST_ENCODING_CP1252 : INGEST_ENCODING_UTF8;
}

/* The most frequent of `;` `,` tab on one line, outside quotes, over the first `lines`
 * non-blank lines: the header is among them, and a title above it has fewer delimiters
 * (or, saved by a spreadsheet, as many). */
static char sniff_delimiter(const unsigned char *s, size_t len, int lines)
{
    size_t count[3] = {0}, most[3] = {0}; /* ; , tab */
    bool quoted = false, content = false;
    for (size_t i = 0; i <= len && lines > 0; i++) {
        bool eol = i == len || (!quoted && (s[i] == '\n' || s[i] == '\r'));
        if (eol) {
            for (int d = 0; d < 3; d++) {
                most[d] = count[d] > most[d] ? count[d] : most[d];
                count[d] = 0;
            }
            lines -= content;
            content = false;
            continue;
        }
        bool field_start = !content || strchr(";,\t", s[i - 1]);
        content = true;
        if (quoted && s[i] == '"' && i + 1 < len && s[i + 1] == '"')
            i++; /* a doubled quote inside quotes */
        else if (s[i] == '"' && (quoted || field_start))
            quoted = !quoted; /* a quote opens a field only at its start, as libcsv reads */
        else if (!quoted)
            count[0] += s[i] == ';', count[1] += s[i] == ',', count[2] += s[i] == '\t';
    }
    if (most[0] >= most[1] && most[0] >= most[2] && most[0] > 0)
        return ';';
    return most[2] > most[1] ? '\t' : ',';
}

/* Where the line after the first `n` lines starts. */
static size_t skip_head_lines(const unsigned char *s, size_t len, unsigned long n,
                              unsigned char eol)
{
    size_t at = 0;
    for (; n > 0 && at < len; n--) {
        const unsigned char *next = memchr(s + at, eol, len - at);
        at = next ? (size_t)(next - s) + 1 : len;
    }
    return at;
}

/* Encoding, delimiter and line ends are decided on the file's first MiB, read apart from
 * the read blocks, so that the decision does not depend on the block size. */
static void start_encoding(struct reader *r)
{
    static const unsigned char bom[3] = {0xEF, 0xBB, 0xBF};
    unsigned char *head = xmalloc(BLOCK_SIZE);
    ssize_t got = pread(r->fd, head, BLOCK_SIZE, 0);
    size_t n = got > 0 ? (size_t)got : 0;
    bool has_bom = n >= 3 && memcmp(head, bom, 3) == 0;
    enum ingest_encoding enc = r->src->encoding;
    if (enc == INGEST_ENCODING_AUTO)
        enc = has_bom ? INGEST_ENCODING_UTF8 : sniff_encoding(head, n);
    if (has_bom && enc == INGEST_ENCODING_UTF8)
        r->pos = 3;
    r->result->encoding = enc;
    r->to_utf8 = (iconv_t)-1;
    if (enc == INGEST_ENCODING_CP1252)
        r->to_utf8 = iconv_open("UTF-8", "WINDOWS-1252");
    if (enc == INGEST_ENCODING_CP1252 && r->to_utf8 == (iconv_t)-1)
        reader_fail(r, 0, 0,
                    "the export is in Windows-1252 and this system cannot convert it to "
                    "UTF-8 (iconv: %s): save the export as UTF-8, or install the C library's "
                    "character set modules (Debian: libc6)",
                    strerror(errno));
    /* Old Mac exports end lines with CR alone: split physical lines there instead, or every
     * row would be on "line 1" and a bad row would cost the rest of the file. */
    bool has_lf = memchr(head, '\n', n) != NULL;
    r->line_end = !has_lf && memchr(head, '\r', n) ? '\r' : '\n';
    size_t skip = has_bom ? 3 : 0;
    skip += skip_head_lines(head + skip, n - skip, skipped_lines(r), r->line_end);
    char delim = r->src->delimiter;
    if (!delim)
        delim =
            sniff_delimiter(head + skip, n - skip, r->src->fixed_header ? 1 : HEADER_SEARCH_ROWS);
    r->result->delimiter = delim;
    free(head);
}

/* Windows-1252 → UTF-8. The five bytes the code page leaves undefined become U+FFFD. */
static const char *convert(struct reader *r, const char *in, size_t *len)
{
    if (r->to_utf8 == (iconv_t)-1)
        return in;
    xgrow((void **)&r->conv, &r->conv_cap, *len * 3 + 4, 1);
    char *src = (char *)in, *dst = r->conv;
    size_t left = *len, room = r->conv_cap;
    while (left > 0) {
        if (iconv(r->to_utf8, &src, &left, &dst, &room) != (size_t)-1)
            break;
        memcpy(dst, "\xEF\xBF\xBD", 3);
        dst += 3, room -= 3, src++, left--;
    }
    *len = (size_t)(dst - r->conv);
    return r->conv;
}

/* ---- feeding libcsv one physical line at a time ---- */

/* libcsv grows its field buffer without bound; a 2 GiB "field" (a binary file, a missing
 * closing quote in a huge export) must cost a reject, not the machine's memory. */
enum { MAX_FIELD_BYTES = 1 << 20 };

static void *bounded_realloc(void *ptr, size_t size)
{
    return size > MAX_FIELD_BYTES + 4096 ? NULL : realloc(ptr, size);
}

static void init_parser(struct reader *r)
{
    csv_init(&r->csv, CSV_STRICT | CSV_STRICT_FINI);
    csv_set_realloc_func(&r->csv, bounded_realloc);
}

static void restart_parser(struct reader *r)
{
    csv_free(&r->csv);
    init_parser(r);
    csv_set_delim(&r->csv, (unsigned char)r->result->delimiter);
}

/* After a parse error: reject the row and resume at the line after its first line. */
static void recover(struct reader *r, const char *reason)
{
    unsigned long resume_line = r->row_line + 1;
    unsigned long long resume = r->row_next_line_offset;
    if (r->status != IMPACT_OK)
        return; /* the file already failed (its header): nothing more to count */
    if (!r->have_header) {
        keep_unparsable(r, reason); /* a title above the header may have a stray quote */
        not_the_header(r);
        if (r->status != IMPACT_OK)
            return;
    } else {
        reject_row(r, (int)r->n_fields + 1, reason);
    }
    reset_row(r);
    restart_parser(r);
    if (resume == 0) {
        r->skip_to_eol = true; /* the bad row is on the line being fed */
        return;
    }
    if (resume >= r->buf_offset && resume <= r->buf_offset + r->buf_len)
        r->pos = (size_t)(resume - r->buf_offset);
    else
        read_block(r, resume);
    r->line = resume_line;
    r->line_blank = true;
    r->skip_to_eol = false;
}

/* A line libcsv turns into no row: line ends, and spaces or tabs that are not the delimiter
 * (libcsv skips those before a row begins). */
static bool is_blank_line(const unsigned char *s, size_t len, char delimiter)
{
    for (size_t i = 0; i < len; i++)
        if ((s[i] != '\r' && s[i] != '\n' && s[i] != ' ' && s[i] != '\t') ||
            s[i] == (unsigned char)delimiter)
            return false;
    return true;
}

static void feed_segment(struct reader *r, const unsigned char *seg, size_t len, bool ends_line)
{
    if (r->line <= skipped_lines(r)) { /* not parsed at all: titles may hold anything */
        r->line += ends_line;
        return;
    }
    unsigned long long seg_end = r->buf_offset + (unsigned long long)(seg - r->buf) + len;
    /* A line cut by the block end comes in several segments: blanks before the cut must
     * not hide a row that starts after it. */
    bool blank = !r->skip_to_eol && is_blank_line(seg, len, r->result->delimiter);
    if (r->skip_to_eol) {
        r->skip_to_eol = !ends_line;
    } else {
        if (r->line_blank && !r->in_row && !blank) {
            r->in_row = true;
            r->row_line = r->line;
        }
        size_t n = len;
        const char *text = convert(r, (const char *)seg, &n);
        if (csv_parse(&r->csv, text, n, on_field, on_row_end, r) != n) {
            recover(r, csv_error(&r->csv) == CSV_ENOMEM
                           ? "a field longer than 1 MiB (is the file really a CSV export?)"
                           : "malformed quoting: a quote inside an unquoted field or text "
                             "after a closing quote");
            if (!r->skip_to_eol)
                return; /* resumed at the line after the row's first line */
            /* The bad row began on this line: skip the rest of this segment only. */
            r->skip_to_eol = !ends_line;
        } else if (r->in_row && ends_line && r->row_next_line_offset == 0)
            r->row_next_line_offset = seg_end;
    }
    if (ends_line)
        r->line++;
    r->line_blank = ends_line || (r->line_blank && blank);
}

static void feed_block(struct reader *r)
{
    while (r->pos < r->buf_len && wants_more(r)) {
        const unsigned char *start = r->buf + r->pos;
        const unsigned char *nl = memchr(start, r->line_end, r->buf_len - r->pos);
        size_t len = nl ? (size_t)(nl - start) + 1 : r->buf_len - r->pos;
        r->pos += len;
        feed_segment(r, start, len, nl != NULL);
    }
}

static void finish_file(struct reader *r, bool *again)
{
    *again = false;
    if (csv_fini(&r->csv, on_field, on_row_end, r) != 0 && r->status == IMPACT_OK) {
        bool resumes = r->row_next_line_offset != 0;
        recover(r, "unterminated quoted field");
        *again = resumes && r->status == IMPACT_OK;
    }
}

static void no_header_found(struct reader *r);

static void read_all(struct reader *r)
{
    bool again = true;
    while (again && wants_more(r)) {
        feed_block(r);
        while (wants_more(r) && read_block(r, r->buf_offset + r->buf_len) && r->buf_len > 0)
            feed_block(r);
        if (wants_more(r))
            finish_file(r, &again);
    }
    if (r->status == IMPACT_OK && !r->have_header)
        no_header_found(r);
}

/* The end of the file came before the header. An outcome file with nothing in it is only
 * a warning (no_data_rows: a programme may have no follow-up yet); not an attendance one. */
static void no_header_found(struct reader *r)
{
    if (r->best.line != 0)
        fail_with_best(r);
    else if (r->src->fixed_header && r->src->skip_lines > 0)
        reader_fail(r, 0, 0,
                    "no header row below the %u lines that skip_lines skips: expected a header "
                    "row (check skip_lines)",
                    r->src->skip_lines);
    else if (r->src->kind == INPUT_ATTENDANCE)
        reader_fail(r, 0, 0,
                    "the file is empty: expected a header row, then one row per participant "
                    "and session (check the path, or export the sheet again)");
}

/* A file with a header and nothing below it: an error for attendance (every figure would
 * be zero), a warning for outcomes (no_data_rows). */
static void check_has_rows(struct reader *r)
{
    if (r->status != IMPACT_OK || r->result->rows_read > 0)
        return;
    if (r->src->kind == INPUT_ATTENDANCE)
        reader_fail(r, (long)r->result->header_line, 0,
                    "the file has a header but no data row: expected one row per participant "
                    "and session (check that the export is the right one, or remove this "
                    "input from the config)");
    else
        r->result->no_data_rows = true;
}

/* ---- entry point ---- */

static int open_input(struct reader *r)
{
    struct stat st;
    r->fd = open(r->src->path, O_RDONLY);
    if (r->fd < 0)
        return impact_fail(r->err, STAGE, r->src->path, 0, 0, "cannot open the file: %s",
                           strerror(errno));
    if (fstat(r->fd, &st) != 0)
        return impact_fail(r->err, STAGE, r->src->path, 0, 0, "cannot read: %s", strerror(errno));
    if (S_ISDIR(st.st_mode))
        return impact_fail(r->err, STAGE, r->src->path, 0, 0,
                           "is a directory, expected a CSV file");
    if (r->src->fingerprint && !fingerprint_is_of(r->src->fingerprint, &st))
        return impact_fail(r->err, STAGE, r->src->path, 0, 0,
                           "the file was replaced while the run read it; run again");
    r->result->bytes = (unsigned long long)st.st_size;
    return IMPACT_OK;
}

/* ---- handing batches over ---- */

/* How far ahead deliver fetches: about four rows of events and of text. */
enum { EVENTS_AHEAD = 4, TEXT_AHEAD = 512 };

/* On the worker thread: each event of the batch, in file order, to on_row or the sink. */
static void deliver(struct reader *r, const struct batch *b)
{
    struct raw_row row = {0}; /* the file's unmapped fields stay empty in every row */
    for (size_t i = 0; i < b->n_events; i++) {
        const struct event *e = &b->events[i];
        /* The parsing thread wrote the batch from the other core: fetch a few rows ahead. */
        if (i + EVENTS_AHEAD < b->n_events) {
            __builtin_prefetch(e + EVENTS_AHEAD);
            __builtin_prefetch((const char *)(e + EVENTS_AHEAD) + 64);
        }
        struct row_origin origin = {r->src->file_index, e->line};
        if (e->reason != NO_REJECT) {
            struct reject rej = {origin, e->reject_column, e->reject_field, NULL,
                                 b->text + e->reason};
            diag_reject(r->diag, &rej);
            continue;
        }
        /* Only the file's fields are set in an event (on_field); a row is delivered only
         * after a header that maps the required ones (missing_required). */
        size_t first_text = r->n_mapped > 0 ? e->start[r->mapped[0].field] : 0;
        if (first_text + TEXT_AHEAD < b->text_len)
            __builtin_prefetch(b->text + first_text + TEXT_AHEAD);
        row.origin = origin;
        for (size_t m = 0; m < r->n_mapped; m++) {
            int f = r->mapped[m].field;
            row.fields[f] =
                (struct raw_field){b->text + e->start[f], e->len[f], r->mapped[m].column + 1};
        }
        if (r->on_row) /* a probe has none, and stops at the header */
            r->on_row(r->ctx, &row);
    }
    r->rows_delivered += b->n_events;
    if (r->src->progress)
        r->src->progress(r->src->progress_ctx, b->bytes_done, r->result->bytes, r->rows_delivered);
}

static void empty_batch(struct batch *b)
{
    b->text_len = 0;
    b->n_events = 0;
}

/* A delivery job, on the worker thread: its batch to on_row and the sink. */
static int deliver_job(void *ctx, struct impact_error *err)
{
    (void)err;
    struct delivery *d = ctx;
    deliver(d->reader, d->batch);
    return IMPACT_OK;
}

/* The worker's idle work: a thread that would wait for the other hashes a step instead. */
static bool hash_a_step(void *ctx)
{
    const struct reader *r = ctx;
    return fingerprint_step(r->src->fingerprint);
}

/* On the parsing thread: the batch goes to the worker, and the next slot is taken once its
 * previous batch is delivered. Without a ring (a probe), the batch is delivered here. */
static void hand_over(struct reader *r)
{
    struct handoff *h = r->handoff;
    r->batch->bytes_done = r->buf_offset + r->pos;
    if (!h) {
        deliver(r, r->batch);
    } else {
        worker_submit(&h->worker, &h->deliveries[h->filled++ % QUEUE_BATCHES].job);
        struct delivery *next = &h->deliveries[h->filled % QUEUE_BATCHES];
        worker_wait(&h->worker, &next->job);
        r->batch = next->batch;
    }
    empty_batch(r->batch);
    r->row_text = 0;
}

static void hand_over_last(struct reader *r)
{
    struct handoff *h = r->handoff;
    r->batch->bytes_done = r->result->bytes;
    if (!h)
        deliver(r, r->batch);
    else
        worker_submit(&h->worker, &h->deliveries[h->filled++ % QUEUE_BATCHES].job);
}

/* ---- the whole file ---- */

static void parse_file(struct reader *r)
{
    size_t asked = r->src->block_size;
    r->block = asked == 0 ? BLOCK_SIZE : asked < MIN_BLOCK_SIZE ? MIN_BLOCK_SIZE : asked;
    r->buf = xmalloc(r->block);
    init_parser(r);
    make_room_for_row(r);
    if (read_block(r, 0)) {
        start_encoding(r);
        csv_set_delim(&r->csv, (unsigned char)r->result->delimiter);
        if (r->status == IMPACT_OK) /* not a row read without its conversion */
            read_all(r);
    }
    csv_free(&r->csv);
    hand_over_last(r);
}

/* Two threads: this one parses, the worker cleans and joins (on_row) in file order
 * whatever the threads' timing, so every output is the same as a single thread's. When the
 * worker cannot start, each batch is delivered here as it is handed over. */
static void read_in_threads(struct reader *r)
{
    struct handoff *h = xcalloc(1, sizeof *h);
    for (int i = 0; i < QUEUE_BATCHES; i++)
        h->deliveries[i] = (struct delivery){.reader = r,
                                             .batch = &h->slots[i],
                                             .job = {.run = deliver_job, .ctx = &h->deliveries[i]}};
    worker_start(&h->worker, WORKER_IN_ORDER, hash_a_step, r);
    r->handoff = h;
    r->batch = &h->slots[0];
    parse_file(r);
    worker_stop(&h->worker);
    for (int i = 0; i < QUEUE_BATCHES; i++) {
        free(h->slots[i].text);
        free(h->slots[i].events);
    }
    free(h);
}

static int ingest_run(const struct ingest_source *source, bool header_only, ingest_row_fn on_row,
                      void *ctx, const struct diag_sink *diag, struct ingest_result *result,
                      struct impact_error *err)
{
    struct reader *r = xcalloc(1, sizeof *r);
    *r = (struct reader){.src = source,
                         .diag = diag,
                         .on_row = on_row,
                         .ctx = ctx,
                         .result = result,
                         .err = err,
                         .header_only = header_only,
                         .fd = -1,
                         .line = 1,
                         .line_blank = true,
                         .first_extra = -1,
                         .to_utf8 = (iconv_t)-1};
    r->batch = &r->inline_batch;
    memset(result, 0, sizeof *result);
    r->status = open_input(r);
    if (r->status == IMPACT_OK && header_only)
        parse_file(r); /* a probe reads the first rows only, and hashes nothing */
    else if (r->status == IMPACT_OK)
        read_in_threads(r);
    check_has_rows(r);
    if (header_only) /* the probe read a row at most: it counts none */
        result->rows_read = result->rows_rejected = 0;
    if (r->to_utf8 != (iconv_t)-1)
        iconv_close(r->to_utf8);
    if (r->fd >= 0)
        close(r->fd);
    int status = r->status;
    free(r->buf);
    free(r->conv);
    free(r->inline_batch.text);
    free(r->inline_batch.events);
    free(r->field_start);
    free(r);
    return status;
}

int ingest_file(const struct ingest_source *source, ingest_row_fn on_row, void *ctx,
                const struct diag_sink *diag, struct ingest_result *result,
                struct impact_error *err)
{
    return ingest_run(source, false, on_row, ctx, diag, result, err);
}

int ingest_probe(const struct ingest_source *source, struct ingest_result *result,
                 struct impact_error *err)
{
    return ingest_run(source, true, NULL, NULL, NULL, result, err);
}
