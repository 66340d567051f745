/* clean_fixture.h — rows, a diag sink and cleaners shared by test_clean_attendance.c and
 * test_clean_outcomes.c (include after <cmocka.h>; everything is static inline, so a test
 * uses what it needs).
 *
 * Rows are built by hand as struct raw_row: a base row plus the fields a case changes. The
 * column of field f is f + 1 in these rows (session_date = 2, participant_id = 7,
 * birth_date = 10, status = 13, observed_on = 14), so a reject's column can be checked.
 * The programme window is 2019-01-01 … 2019-12-31 unless a test says otherwise.
 */
#ifndef TEST_CLEAN_FIXTURE_H
#define TEST_CLEAN_FIXTURE_H

#include "stages/clean.h"
#include "stages/common/fold.h"

#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#define RSQUO "\xE2\x80\x99" /* ’ U+2019 in UTF-8 */

/* A cell value meaning "the file lacks this field" (text NULL). */
static const char absent[] = "(absent)";

/* ---- rows ---- */

struct cells {
    const char *v[FIELD_COUNT]; /* NULL: keep the base row's cell */
};

static const struct cells attendance_base = {{
    [FIELD_SESSION_DATE] = "12/03/2019",
    [FIELD_SITE] = "Tarascon",
    [FIELD_ACTIVITY] = "Atelier CV",
    [FIELD_QPV] = "",
    [FIELD_PARTICIPANT_ID] = "P001",
    [FIELD_LAST_NAME] = "",
    [FIELD_FIRST_NAME] = "",
    [FIELD_BIRTH_DATE] = "",
    [FIELD_SEX] = "",
    [FIELD_ROLE] = "",
    [FIELD_STATUS] = "",
}};

static const struct cells outcome_base = {{
    [FIELD_PARTICIPANT_ID] = "P001",
    [FIELD_LAST_NAME] = "",
    [FIELD_FIRST_NAME] = "",
    [FIELD_BIRTH_DATE] = "",
    [FIELD_OBSERVED_ON] = "15/06/2019",
    [FIELD_SITUATION] = "CDI",
}};

static inline void set_cell(struct raw_row *row, enum field f, const char *text)
{
    if (text == absent)
        row->fields[f] = (struct raw_field){NULL, 0, 0};
    else if (text)
        row->fields[f] = (struct raw_field){text, strlen(text), (int)f + 1};
}

static inline struct raw_row make_row(const struct cells *base, const struct cells *changes)
{
    struct raw_row row = {.origin = {2, 17}};
    for (int f = 0; f < FIELD_COUNT; f++) {
        set_cell(&row, f, base->v[f]);
        set_cell(&row, f, changes->v[f]);
    }
    return row;
}

static inline day_t ymd(int y, int m, int d)
{
    day_t day = DAY_NONE;
    assert_true(date_from_ymd(y, m, d, &day));
    return day;
}

/* ---- a diag sink that copies what it receives ---- */

struct diag_log {
    size_t n_rejects;
    int column;
    bool has_field, has_value;
    char field[32], value[160], reason[256];
    size_t n_warnings;
    enum warning_kind kinds[4];
    char values[4][160];
    size_t n_unmapped; /* diag_unmapped calls: the label is in values[], as a warning */
    int suggestion;
    char close_to[160];
};

static inline void log_reject(void *ctx, const struct reject *rej)
{
    struct diag_log *log = ctx;
    log->n_rejects++;
    assert_int_equal(rej->origin.file, 2);
    assert_int_equal(rej->origin.line, 17);
    log->column = rej->column;
    log->has_field = rej->field != NULL;
    log->has_value = rej->value != NULL;
    snprintf(log->field, sizeof log->field, "%s", rej->field ? rej->field : "");
    snprintf(log->value, sizeof log->value, "%s", rej->value ? rej->value : "");
    snprintf(log->reason, sizeof log->reason, "%s", rej->reason ? rej->reason : "");
}

static inline void log_warning(void *ctx, enum warning_kind kind, struct row_origin origin,
                               const char *value)
{
    struct diag_log *log = ctx;
    assert_int_equal(origin.line, 17);
    assert_true(log->n_warnings < 4);
    log->kinds[log->n_warnings] = kind;
    snprintf(log->values[log->n_warnings], sizeof log->values[0], "%s", value ? value : "");
    log->n_warnings++;
}

static inline void log_unmapped(void *ctx, const struct unmapped_situation *u)
{
    struct diag_log *log = ctx;
    assert_int_equal(u->count, 1);
    log_warning(ctx, WARN_UNMAPPED_SITUATION, u->first, u->label);
    log->n_unmapped++;
    log->suggestion = u->suggestion;
    snprintf(log->close_to, sizeof log->close_to, "%s", u->close_to ? u->close_to : "");
}

/* Cleans one attendance row; a row is either accepted or rejected exactly once. */
static inline bool clean_att(struct cleaner *c, const struct cells *changes,
                             struct attendance_row *out, struct diag_log *log)
{
    *log = (struct diag_log){0};
    const struct diag_sink sink = {log, log_reject, log_warning, NULL, NULL};
    struct raw_row raw = make_row(&attendance_base, changes);
    bool ok = clean_attendance(c, &raw, out, &sink);
    assert_int_equal(log->n_rejects, ok ? 0 : 1);
    if (ok)
        assert_int_equal(out->origin.line, 17);
    return ok;
}

static inline bool clean_out(struct cleaner *c, const struct cells *changes,
                             struct outcome_row *out, struct diag_log *log)
{
    *log = (struct diag_log){0};
    const struct diag_sink sink = {log, log_reject, log_warning, NULL, log_unmapped};
    struct raw_row raw = make_row(&outcome_base, changes);
    bool ok = clean_outcome(c, &raw, out, &sink);
    assert_int_equal(log->n_rejects, ok ? 0 : 1);
    return ok;
}

/* ---- cleaners ---- */

static inline struct cleaner *window_2019(void)
{
    struct clean_options o = {.window_first = ymd(2019, 1, 1), .window_last = ymd(2019, 12, 31)};
    return clean_new(&o);
}

static inline int setup_cleaner(void **state)
{
    *state = window_2019();
    return 0;
}

static inline int teardown_cleaner(void **state)
{
    clean_free(*state);
    return 0;
}

#endif /* TEST_CLEAN_FIXTURE_H */
