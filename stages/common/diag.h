/* diag.h — how stages report what they could not use: rejected rows, warnings and
 * duplicates, without knowing who collects them.
 *
 * Ingest, clean and join call through a `struct diag_sink` (a context pointer and four
 * callbacks); the pipeline wires it to the quality stage, which counts, lists and writes
 * them. Strings passed in live only during the call: the receiver copies what it keeps.
 * A reject never carries an identifying value (name, birth date, participant id): stages
 * pass value = NULL for those fields.
 */
#ifndef IMPACT_DIAG_H
#define IMPACT_DIAG_H

#include "stages/common/records.h"

enum warning_kind {
    WARN_UNKNOWN_SEX,        /* sex label not in the mapping: counted as unknown */
    WARN_UNKNOWN_ROLE,       /* role label not in the mapping: counted as unknown */
    WARN_UNKNOWN_QPV,        /* qpv label not in the mapping: session QPV unknown */
    WARN_UNKNOWN_QPV_CODE,   /* qpv_code not in the configured list */
    WARN_UNMAPPED_SITUATION, /* situation label not in the mapping: category unknown, and
                              * `validate` and `run` stop (struct unmapped_situation) */
    WARN_BLANK_SITUATION,    /* situation cell blank: category unknown (a known absence) */
    WARN_NAME_KEY_TWO_IDS,   /* one name key seen with two participant ids: not merged */
    WARN_PERSON_CONFLICT,    /* one person with two different sexes or roles: first kept */
    WARN_SESSION_CONFLICT,   /* one session id with two dates, sites or QPV flags */
    WARN_OUTCOME_UNMATCHED,  /* outcome row for a person never seen in attendance */
    WARN_KINDS
};

extern const char *const diag_warning_names[WARN_KINDS];

struct reject {
    struct row_origin origin;
    int column;         /* 1-based column in the file; 0 for the whole row */
    const char *field;  /* canonical field name, or NULL for the whole row */
    const char *value;  /* the offending text when not identifying, else NULL */
    const char *reason; /* what was expected */
};

/* A situation label that neither the config nor the built-in dictionary maps, on one row;
 * and, in the quality stage's listing, the same label over all rows (counted by its folded
 * form: "CDI tps partiel" and "cdi TPS partiel" are one label, shown as first written). */
struct unmapped_situation {
    const char *label;       /* as written (trimmed) on the first row */
    unsigned long count;     /* rows: 1 for one row */
    struct row_origin first; /* the first row */
    int suggestion;          /* enum category suggested, or -1 when no close label is known */
    const char *close_to;    /* the known label the suggestion comes from, or NULL */
};

struct diag_sink {
    void *ctx;
    void (*reject)(void *ctx, const struct reject *reject);
    void (*warn)(void *ctx, enum warning_kind kind, struct row_origin origin, const char *value);
    /* `row` repeats the person and session of the earlier row `first` (the one counted, or
     * itself listed as a duplicate of it); `reason` says how they were matched. */
    void (*duplicate)(void *ctx, struct row_origin row, struct row_origin first,
                      const char *reason);
    /* NULL: diag_unmapped() sends a WARN_UNMAPPED_SITUATION warning through `warn` instead. */
    void (*unmapped)(void *ctx, const struct unmapped_situation *row);
};

/* Convenience wrappers that tolerate a sink with NULL callbacks (as unit tests use). */
void diag_reject(const struct diag_sink *sink, const struct reject *reject);
void diag_warn(const struct diag_sink *sink, enum warning_kind kind, struct row_origin origin,
               const char *value);
void diag_duplicate(const struct diag_sink *sink, struct row_origin row, struct row_origin first,
                    const char *reason);
void diag_unmapped(const struct diag_sink *sink, const struct unmapped_situation *row);

/* Canonical field names ("session_date", …) indexed by enum field. */
extern const char *const record_field_names[FIELD_COUNT];

/* Situation category names of the config and the reports ("employment", …), by enum
 * category. */
extern const char *const record_category_names[CATEGORY_COUNT];

/* The line to add to the config's "situations" for an unmapped label, as JSON text:
 * "\"CDI tps partiel\": \"employment\"" with the suggested category, or "?" when there
 * is none (the user must choose; "?" is not a category, so the config then fails).
 * Writes at most `cap` bytes, NUL included; returns `out`. */
char *diag_situation_config_line(const struct unmapped_situation *u, char *out, size_t cap);

#endif
