/* records.h — the plain structs that carry data between stages.
 *
 *   ingest  → struct raw_row          (text fields in canonical order, with their origin)
 *   clean   → struct attendance_row / struct outcome_row   (typed, folded, keyed)
 *   join    → struct dataset          (distinct persons, sessions, attendances, outcomes)
 *   indicators → struct figures       (see figures.h)
 *
 * Ownership: raw_row and the *_row structs are views that live only during the callback
 * that receives them (as libcsv's fields do); whoever keeps something copies or interns it.
 * A dataset is owned by the join stage that built it and lives until join_free().
 */
#ifndef IMPACT_RECORDS_H
#define IMPACT_RECORDS_H

#include "stages/common/dates.h"

#include <stddef.h>
#include <stdint.h>

/* Where a row came from: index of the input in the config and 1-based physical line. */
struct row_origin {
    uint16_t file;
    uint32_t line;
};

/* The canonical fields of docs/requirements.md. Attendance and outcome exports use subsets. */
enum field {
    FIELD_SESSION_ID,
    FIELD_SESSION_DATE,
    FIELD_SITE,
    FIELD_ACTIVITY,
    FIELD_QPV,
    FIELD_QPV_CODE,
    FIELD_PARTICIPANT_ID,
    FIELD_LAST_NAME,
    FIELD_FIRST_NAME,
    FIELD_BIRTH_DATE,
    FIELD_SEX,
    FIELD_ROLE,
    FIELD_STATUS,
    FIELD_OBSERVED_ON,
    FIELD_SITUATION,
    FIELD_COUNT
};

/* One data row as text, fields in canonical order. A field the file lacks has text NULL;
 * a blank cell has length 0. `column` is the 1-based column of that field in the file. */
struct raw_field {
    const char *text;
    size_t len;
    int column;
};

struct raw_row {
    struct row_origin origin;
    struct raw_field fields[FIELD_COUNT];
};

enum input_kind { INPUT_ATTENDANCE, INPUT_OUTCOME };

enum role { ROLE_YOUTH, ROLE_PARENT, ROLE_UNKNOWN, ROLE_COUNT };
enum sex { SEX_F, SEX_M, SEX_UNKNOWN, SEX_COUNT };
/* QPV_NO_CODE: a row without a code in an export that has only a QPV code column; it
 * counts as not in a QPV, but a code on another row of the same session wins over it
 * without a conflict (join), as a blank qpv cell leaves room for a later row's value. */
enum qpv_flag { QPV_YES, QPV_NO, QPV_UNKNOWN, QPV_NO_CODE };
enum presence { PRESENCE_PRESENT, PRESENCE_ABSENT, PRESENCE_EXCUSED };

/* Situation categories of the outcome export (the label → category mapping is config). */
enum category {
    CATEGORY_EMPLOYMENT,
    CATEGORY_TRAINING,
    CATEGORY_EDUCATION,
    CATEGORY_UNEMPLOYED,
    CATEGORY_INACTIVE,
    CATEGORY_UNKNOWN,
    CATEGORY_COUNT
};

/* Who a row is about. `id` is the participant_id (NULL when blank); `name_key` is the folded
 * "LAST|FIRST|YYYY-MM-DD" key (NULL when the names or the birth date are missing). At least
 * one of the two is set on a row that clean accepts. */
struct person_ref {
    const char *id;
    const char *name_key;
};

struct attendance_row {
    struct row_origin origin;
    struct person_ref person;
    const char *session_id; /* NULL when blank: the session key is then (date, site, activity) */
    day_t session_date;
    const char *site;     /* as written, trimmed; "" when blank */
    const char *activity; /* as written, trimmed; "" when blank */
    enum qpv_flag qpv;
    enum role role;
    enum sex sex;
    enum presence presence;
};

struct outcome_row {
    struct row_origin origin;
    struct person_ref person;
    day_t observed_on;
    enum category category;
};

/* ---- the joined dataset ---- */

struct person_record {
    uint8_t role; /* enum role */
    uint8_t sex;  /* enum sex */
};

struct session_record {
    day_t date;
    uint32_t site; /* index into dataset.site_names */
    uint8_t qpv;   /* enum qpv_flag; QPV_NO_CODE counts as not in a QPV */
};

/* One distinct (person, session) pair; `present` when any of its rows said present. */
struct attendance_record {
    uint32_t person;
    uint32_t session;
    uint8_t present;
};

/* One accepted outcome observation; person is DATASET_NO_PERSON when it matched nobody in
 * the attendance data. `order` is the row's rank in input order (ties on date go to the
 * later row). */
#define DATASET_NO_PERSON UINT32_MAX
struct outcome_record {
    uint32_t person;
    day_t observed_on;
    uint8_t category; /* enum category */
    uint64_t order;
};

struct dataset {
    size_t n_persons;
    struct person_record *persons;
    size_t n_sessions;
    struct session_record *sessions;
    size_t n_attendances;
    struct attendance_record *attendances;
    size_t n_outcomes;
    struct outcome_record *outcomes;
    size_t n_sites;
    const char *const *site_names; /* in first-seen order */
};

/* ---- what the join found, for the quality report ---- */

struct probable_duplicate {
    uint32_t person_a, person_b;          /* dataset person indices, a < b */
    int distance;                         /* edit distance between the folded "LAST|FIRST" parts */
    struct row_origin origin_a, origin_b; /* first row seen with each name key */
    const char *name_key_a, *name_key_b;  /* identifying: for restricted outputs only */
};

struct join_stats {
    size_t n_files;
    unsigned long *rows_accepted;  /* per input file index */
    unsigned long *rows_duplicate; /* per input file index */
    unsigned long identity_links;  /* name keys linked to a participant id */
    unsigned long name_key_conflicts;
    unsigned long outcomes_unmatched;
    size_t n_probable_duplicates;
    struct probable_duplicate *probable_duplicates;
};

/* One input as the reports show it; the pipeline fills it from ingest, join and quality. */
struct input_summary {
    const char *path;
    const char *kind;     /* "attendance" or "outcome" */
    const char *encoding; /* as detected or configured */
    char delimiter;
    char sha256[65];
    unsigned long rows_read;
    unsigned long rows_accepted;
    unsigned long rows_rejected; /* filled by quality_reconcile from the rejects received */
    unsigned long rows_duplicate;
    unsigned long header_line; /* the lines above it were a title, or skipped (skip_lines) */
    bool no_data_rows;         /* an outcome file without any row: warned */
};

#endif
