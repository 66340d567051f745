/* test_clean.c — table-driven tests of the clean stage (stages/clean.h) against
 * docs/requirements.md "Inputs" (date forms, labels matched case- and accent-insensitively with
 * extra spaces, blank status = present) and "Cleaning and joining" (person key, rejects
 * with their column and reason, warnings for unknown labels, codes and situations).
 *
 * Rows are built by hand as struct raw_row: a base row plus the fields a case changes. The
 * column of field f is f + 1 in these rows (session_date = 2, participant_id = 7,
 * birth_date = 10, status = 13, observed_on = 14), so a reject's column can be checked.
 * The programme window is 2019-01-01 … 2019-12-31 unless a test says otherwise.
 *
 * Expected person keys are worked by hand from the rule "last name, first name —
 * upper-cased, accents removed, hyphens, apostrophes and spaces removed — plus birth date",
 * written "LAST|FIRST|YYYY-MM-DD" as records.h states.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

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

static void set_cell(struct raw_row *row, enum field f, const char *text)
{
    if (text == absent)
        row->fields[f] = (struct raw_field){NULL, 0, 0};
    else if (text)
        row->fields[f] = (struct raw_field){text, strlen(text), (int)f + 1};
}

static struct raw_row make_row(const struct cells *base, const struct cells *changes)
{
    struct raw_row row = {.origin = {2, 17}};
    for (int f = 0; f < FIELD_COUNT; f++) {
        set_cell(&row, f, base->v[f]);
        set_cell(&row, f, changes->v[f]);
    }
    return row;
}

static day_t ymd(int y, int m, int d)
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

static void log_reject(void *ctx, const struct reject *rej)
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

static void log_warning(void *ctx, enum warning_kind kind, struct row_origin origin,
                        const char *value)
{
    struct diag_log *log = ctx;
    assert_int_equal(origin.line, 17);
    assert_true(log->n_warnings < 4);
    log->kinds[log->n_warnings] = kind;
    snprintf(log->values[log->n_warnings], sizeof log->values[0], "%s", value ? value : "");
    log->n_warnings++;
}

static void log_unmapped(void *ctx, const struct unmapped_situation *u)
{
    struct diag_log *log = ctx;
    assert_int_equal(u->count, 1);
    log_warning(ctx, WARN_UNMAPPED_SITUATION, u->first, u->label);
    log->n_unmapped++;
    log->suggestion = u->suggestion;
    snprintf(log->close_to, sizeof log->close_to, "%s", u->close_to ? u->close_to : "");
}

/* Cleans one attendance row; a row is either accepted or rejected exactly once. */
static bool clean_att(struct cleaner *c, const struct cells *changes, struct attendance_row *out,
                      struct diag_log *log)
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

static bool clean_out(struct cleaner *c, const struct cells *changes, struct outcome_row *out,
                      struct diag_log *log)
{
    *log = (struct diag_log){0};
    const struct diag_sink sink = {log, log_reject, log_warning, NULL, log_unmapped};
    struct raw_row raw = make_row(&outcome_base, changes);
    bool ok = clean_outcome(c, &raw, out, &sink);
    assert_int_equal(log->n_rejects, ok ? 0 : 1);
    return ok;
}

/* ---- cleaners ---- */

static struct cleaner *window_2019(void)
{
    struct clean_options o = {.window_first = ymd(2019, 1, 1), .window_last = ymd(2019, 12, 31)};
    return clean_new(&o);
}

static int setup_cleaner(void **state)
{
    *state = window_2019();
    return 0;
}

static int teardown_cleaner(void **state)
{
    clean_free(*state);
    return 0;
}

/* ---- session dates ---- */

/* Every form docs/requirements.md lists, day first. Excel serial 43536 is 2019-03-12: serial
 * 25569 is 1970-01-01 in the 1900 system and 2019-03-12 is day 17967 after it. Two-digit
 * year 19 → 2019. */
static void test_session_date_forms(void **state)
{
    static const struct {
        const char *text;
        int y, m, d;
    } cases[] = {
        {"2019-03-12", 2019, 3, 12},
        {"12/03/2019", 2019, 3, 12},
        {"12-03-2019", 2019, 3, 12},
        {"12.03.2019", 2019, 3, 12},
        {"12/03/19", 2019, 3, 12},
        {"43536", 2019, 3, 12},
        {"2019-03-12 14:30", 2019, 3, 12},
        {"12/03/2019 14:30:00", 2019, 3, 12},
        {"2019-03-12T09:00:00", 2019, 3, 12},
        {"43536.5", 2019, 3, 12},
        {"2/3/2019", 2019, 3, 2},
        {" 12/03/2019 ", 2019, 3, 12},
        {"01/01/2019", 2019, 1, 1}, /* the window's bounds are inside it */
        {"31/12/2019", 2019, 12, 31},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        struct attendance_row out;
        struct diag_log log;
        if (!clean_att(*state, &(struct cells){{[FIELD_SESSION_DATE] = cases[i].text}}, &out, &log))
            fail_msg("\"%s\" rejected: %s", cases[i].text, log.reason);
        assert_int_equal(out.session_date, ymd(cases[i].y, cases[i].m, cases[i].d));
    }
}

/* session_date is not identifying, so the reject shows the value. */
static void test_session_date_rejects(void **state)
{
    static const struct {
        const char *text, *reason;
    } cases[] = {
        {"31/04/2019", "impossible"},
        {"29/02/2019", "impossible"},
        {"2019-13-01", "impossible"},
        {"31/12/2018", "window"},
        {"01/01/2020", "window"},
        {"12/03/2031", "window"},
        {"", "missing"},
        {"  ", "missing"},
        {"demain", "unreadable"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        struct attendance_row out;
        struct diag_log log;
        if (clean_att(*state, &(struct cells){{[FIELD_SESSION_DATE] = cases[i].text}}, &out, &log))
            fail_msg("\"%s\" accepted", cases[i].text);
        assert_string_equal(log.field, "session_date");
        assert_int_equal(log.column, FIELD_SESSION_DATE + 1);
        assert_true(log.has_value);
        /* a blank cell is quoted as "(blank)" (utf8_excerpt), anything else as written */
        assert_string_equal(log.value, strspn(cases[i].text, " ") == strlen(cases[i].text)
                                           ? "(blank)"
                                           : cases[i].text);
        if (!strstr(log.reason, cases[i].reason))
            fail_msg("\"%s\": reason \"%s\" lacks \"%s\"", cases[i].text, log.reason,
                     cases[i].reason);
    }
}

static void test_no_window(void **state)
{
    (void)state;
    struct clean_options o = {.window_first = DAY_NONE, .window_last = DAY_NONE};
    struct cleaner *c = clean_new(&o);
    struct attendance_row out;
    struct diag_log log;
    assert_true(clean_att(c, &(struct cells){{[FIELD_SESSION_DATE] = "01/01/1990"}}, &out, &log));
    assert_true(clean_att(c, &(struct cells){{[FIELD_SESSION_DATE] = "31/12/2040"}}, &out, &log));
    clean_free(c);
}

/* ---- labels ---- */

struct label_case {
    enum field field;
    const char *text;
    int want; /* enum presence, sex, role or qpv_flag according to field */
};

static int label_value(const struct attendance_row *row, enum field field)
{
    switch (field) {
    case FIELD_STATUS:
        return (int)row->presence;
    case FIELD_SEX:
        return (int)row->sex;
    case FIELD_ROLE:
        return (int)row->role;
    default:
        return (int)row->qpv;
    }
}

static void check_labels(struct cleaner *c, const struct label_case *cases, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        struct cells ch = {{0}};
        ch.v[cases[i].field] = cases[i].text;
        struct attendance_row out;
        struct diag_log log;
        if (!clean_att(c, &ch, &out, &log))
            fail_msg("%s \"%s\" rejected: %s", record_field_names[cases[i].field], cases[i].text,
                     log.reason);
        if (label_value(&out, cases[i].field) != cases[i].want || log.n_warnings != 0)
            fail_msg("%s \"%s\" gave %d with %zu warnings, expected %d and none",
                     record_field_names[cases[i].field], cases[i].text,
                     label_value(&out, cases[i].field), log.n_warnings, cases[i].want);
    }
}

/* The label lists of docs/requirements.md "Inputs", written with other case, accents and spaces. */
static void test_builtin_labels(void **state)
{
    static const struct label_case cases[] = {
        {FIELD_STATUS, "", PRESENCE_PRESENT}, /* a blank status means present */
        {FIELD_STATUS, "   ", PRESENCE_PRESENT},
        {FIELD_STATUS, absent, PRESENCE_PRESENT},
        {FIELD_STATUS, "Présent", PRESENCE_PRESENT},
        {FIELD_STATUS, "PRESENT", PRESENCE_PRESENT},
        {FIELD_STATUS, "P", PRESENCE_PRESENT},
        {FIELD_STATUS, "p", PRESENCE_PRESENT},
        {FIELD_STATUS, "absent", PRESENCE_ABSENT},
        {FIELD_STATUS, "A", PRESENCE_ABSENT},
        {FIELD_STATUS, "Excusé", PRESENCE_EXCUSED},
        {FIELD_STATUS, " excuse ", PRESENCE_EXCUSED},
        {FIELD_STATUS, "E", PRESENCE_EXCUSED},
        {FIELD_SEX, "  féminin ", SEX_F},
        {FIELD_SEX, "F", SEX_F},
        {FIELD_SEX, "femme", SEX_F},
        {FIELD_SEX, "HOMME", SEX_M},
        {FIELD_SEX, "Masculin", SEX_M},
        {FIELD_SEX, "m", SEX_M},
        {FIELD_SEX, "", SEX_UNKNOWN},
        {FIELD_ROLE, "Jeune", ROLE_YOUTH},
        {FIELD_ROLE, "PARENT", ROLE_PARENT},
        {FIELD_ROLE, " parent  ", ROLE_PARENT},
        {FIELD_ROLE, "", ROLE_UNKNOWN},
        {FIELD_QPV, "oui", QPV_YES},
        {FIELD_QPV, "O", QPV_YES},
        {FIELD_QPV, "yes", QPV_YES},
        {FIELD_QPV, "1", QPV_YES},
        {FIELD_QPV, "Vrai", QPV_YES},
        {FIELD_QPV, "NON", QPV_NO},
        {FIELD_QPV, "n", QPV_NO},
        {FIELD_QPV, "No", QPV_NO},
        {FIELD_QPV, "0", QPV_NO},
        {FIELD_QPV, "FAUX", QPV_NO},
        {FIELD_QPV, "", QPV_UNKNOWN}, /* a blank qpv means unknown */
        {FIELD_QPV, absent, QPV_UNKNOWN},
    };
    check_labels(*state, cases, sizeof cases / sizeof cases[0]);
}

/* Unknown sex, role or QPV labels: kept as unknown, with a warning naming the label. */
static void test_unknown_labels(void **state)
{
    static const struct {
        enum field field;
        const char *text;
        enum warning_kind kind;
        int want;
    } cases[] = {
        {FIELD_SEX, "Autre", WARN_UNKNOWN_SEX, SEX_UNKNOWN},
        {FIELD_SEX, "FM", WARN_UNKNOWN_SEX, SEX_UNKNOWN},
        {FIELD_ROLE, "Animateur", WARN_UNKNOWN_ROLE, ROLE_UNKNOWN},
        {FIELD_QPV, "peut-être", WARN_UNKNOWN_QPV, QPV_UNKNOWN},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        struct cells ch = {{0}};
        ch.v[cases[i].field] = cases[i].text;
        struct attendance_row out;
        struct diag_log log;
        assert_true(clean_att(*state, &ch, &out, &log));
        assert_int_equal(label_value(&out, cases[i].field), cases[i].want);
        assert_int_equal(log.n_warnings, 1);
        assert_int_equal(log.kinds[0], cases[i].kind);
        assert_string_equal(log.values[0], cases[i].text);
    }
}

/* An unknown status is a reject (clean.h): presence cannot be counted either way. */
static void test_unknown_status(void **state)
{
    struct attendance_row out;
    struct diag_log log;
    assert_false(clean_att(*state, &(struct cells){{[FIELD_STATUS] = "peut-être"}}, &out, &log));
    assert_string_equal(log.field, "status");
    assert_int_equal(log.column, FIELD_STATUS + 1);
    assert_true(log.has_value);
    assert_string_equal(log.value, "peut-être");
    assert_true(strstr(log.reason, "status") != NULL);
}

/* Config labels add to the built-in ones and win over them ("excusé" counted as absent).
 * The texts live in a buffer that is overwritten after clean_new: the cleaner must have
 * copied them (clean.h "Ownership"). */
static void test_config_labels(void **state)
{
    (void)state;
    char texts[4][16] = {"Mère", "excusé", "QPV", "Fém."};
    struct clean_label labels[] = {
        {LABEL_ROLE, texts[0], ROLE_PARENT},
        {LABEL_STATUS, texts[1], PRESENCE_ABSENT},
        {LABEL_QPV, texts[2], QPV_YES},
        {LABEL_SEX, texts[3], SEX_F},
    };
    struct clean_options o = {
        .window_first = DAY_NONE, .window_last = DAY_NONE, .n_labels = 4, .labels = labels};
    struct cleaner *c = clean_new(&o);
    memset(texts, 'x', sizeof texts);
    memset(labels, 0, sizeof labels);
    static const struct label_case cases[] = {
        {FIELD_ROLE, "MERE", ROLE_PARENT},
        {FIELD_ROLE, "mère", ROLE_PARENT},
        {FIELD_ROLE, "jeune", ROLE_YOUTH},
        {FIELD_STATUS, "Excusé", PRESENCE_ABSENT},
        {FIELD_STATUS, "EXCUSE", PRESENCE_ABSENT},
        {FIELD_STATUS, "E", PRESENCE_EXCUSED},
        {FIELD_STATUS, "présent", PRESENCE_PRESENT},
        {FIELD_QPV, "qpv", QPV_YES},
        {FIELD_QPV, "non", QPV_NO},
        {FIELD_SEX, "FEM.", SEX_F},
        {FIELD_SEX, "Homme", SEX_M},
    };
    check_labels(c, cases, sizeof cases / sizeof cases[0]);
    clean_free(c);
}

/* ---- QPV codes ---- */

struct qpv_case {
    const char *qpv, *code;
    enum qpv_flag want;
    const char *warning; /* the unknown code warned about, or NULL */
};

static void check_qpv_cases(struct cleaner *c, const struct qpv_case *cases, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        struct cells ch = {{[FIELD_QPV] = cases[i].qpv, [FIELD_QPV_CODE] = cases[i].code}};
        struct attendance_row out;
        struct diag_log log;
        assert_true(clean_att(c, &ch, &out, &log));
        if (out.qpv != cases[i].want)
            fail_msg("qpv \"%s\" code \"%s\": %d, expected %d", cases[i].qpv, cases[i].code,
                     out.qpv, cases[i].want);
        assert_int_equal(log.n_warnings, cases[i].warning ? 1 : 0);
        if (cases[i].warning) {
            assert_int_equal(log.kinds[0], WARN_UNKNOWN_QPV_CODE);
            assert_string_equal(log.values[0], cases[i].warning);
        }
    }
}

/* A QPV code present means the session was in a QPV; without a code list any code counts.
 * In an export with a code column and no qpv column (docs/requirements.md "Inputs"), the code is
 * filled for sessions in a QPV only: a blank code means not in one (QPV_NO_CODE, which a
 * code on another row of the session overrides). A qpv column keeps its meaning: blank
 * there is unknown, whatever the code column says. */
static void test_qpv_code_without_list(void **state)
{
    static const struct qpv_case cases[] = {
        {absent, "QP013055", QPV_YES, NULL},
        {absent, "QP099999", QPV_YES, NULL},
        {absent, "", QPV_NO_CODE, NULL},
        {absent, "   ", QPV_NO_CODE, NULL},
        {"", "QP013055", QPV_YES, NULL},
        {"", "", QPV_UNKNOWN, NULL}, /* both columns, both blank: the qpv column says */
        {"non", "", QPV_NO, NULL},   /* a yes/no says it all */
        {"oui", "", QPV_YES, NULL},
        {"", absent, QPV_UNKNOWN, NULL},     /* qpv column only */
        {absent, absent, QPV_UNKNOWN, NULL}, /* neither column */
    };
    check_qpv_cases(*state, cases, sizeof cases / sizeof cases[0]);
}

/* qpv_code_blank "unknown": for exports that leave the code blank when it is not known. */
static void test_qpv_code_blank_unknown(void **state)
{
    (void)state;
    struct clean_options o = {.window_first = DAY_NONE,
                              .window_last = DAY_NONE,
                              .qpv_code_blank = QPV_CODE_BLANK_UNKNOWN};
    struct cleaner *c = clean_new(&o);
    static const struct qpv_case cases[] = {
        {absent, "QP013055", QPV_YES, NULL},
        {absent, "", QPV_UNKNOWN, NULL},
        {"non", "", QPV_NO, NULL},
    };
    check_qpv_cases(c, cases, sizeof cases / sizeof cases[0]);
    clean_free(c);
}

static void test_qpv_code_with_list(void **state)
{
    (void)state;
    static const char *const codes[] = {"QP013055", "QP013056"};
    struct clean_options o = {
        .window_first = DAY_NONE, .window_last = DAY_NONE, .n_qpv_codes = 2, .qpv_codes = codes};
    struct cleaner *c = clean_new(&o);
    static const struct qpv_case cases[] = {
        {absent, "QP013055", QPV_YES, NULL},
        {absent, " qp013056 ", QPV_YES, NULL}, /* codes compare folded */
        {absent, "QP099999", QPV_YES, "QP099999"},
        {absent, "", QPV_NO_CODE, NULL},
    };
    check_qpv_cases(c, cases, sizeof cases / sizeof cases[0]);
    clean_free(c);
}

/* ---- person keys ---- */

struct person_case {
    const char *name;
    const char *id, *last, *first, *birth;
    const char *want_id, *want_key; /* on success */
    const char *reject_field;       /* on failure: NULL for the whole row */
    const char *reason;             /* on failure: a substring */
};

static const struct person_case person_cases[] = {
    {"id only", "P001", "", "", "", "P001", NULL, NULL, NULL},
    {"id only, padded", "  P001 ", absent, absent, absent, "P001", NULL, NULL, NULL},
    {"names only", "", "Le Goff", "Jean-Marie", "12/04/2001", NULL, "LEGOFF|JEANMARIE|2001-04-12",
     NULL, NULL},
    {"names without id column", absent, "Le Goff", "Jean-Marie", "2001-04-12", NULL,
     "LEGOFF|JEANMARIE|2001-04-12", NULL, NULL},
    {"names, other case and spaces", "", " le  GOFF ", "jean marie", "12.04.2001", NULL,
     "LEGOFF|JEANMARIE|2001-04-12", NULL, NULL},
    {"apostrophes and accents", "", "N" RSQUO "Diaye", "Zoé", "01/02/03", NULL,
     "NDIAYE|ZOE|2003-02-01", NULL, NULL},
    {"ASCII apostrophe", "", "N'Diaye", "ZOÉ", "2003-02-01", NULL, "NDIAYE|ZOE|2003-02-01", NULL,
     NULL},
    {"both", "P001", "Le Goff", "Jean-Marie", "12/04/2001", "P001", "LEGOFF|JEANMARIE|2001-04-12",
     NULL, NULL},
    {"no identity", "", "", "", "", NULL, NULL, NULL, "no usable identity"},
    {"blank id, no name columns", "   ", absent, absent, absent, NULL, NULL, NULL,
     "no usable identity"},
    {"names without birth date", "", "Le Goff", "Jean-Marie", "", NULL, NULL, NULL,
     "no usable identity"},
    {"last name only", "", "Le Goff", "", "12/04/2001", NULL, NULL, NULL, "no usable identity"},
    /* birth_date is identifying: the reject must not show it */
    {"impossible birth date", "", "Le Goff", "Jean-Marie", "31/02/2001", NULL, NULL, "birth_date",
     "impossible"},
    {"unreadable birth date", "", "Le Goff", "Jean-Marie", "inconnue", NULL, NULL, "birth_date",
     "unreadable"},
    /* the session is on 12/03/2019: "60" read as 2060 would be born after it, so 1960 */
    {"two-digit year of a parent", "", "Martin", "Rose", "01/02/60", NULL, "MARTIN|ROSE|1960-02-01",
     NULL, NULL},
    {"two-digit year of a young person", "", "Martin", "Léo", "01/02/03", NULL,
     "MARTIN|LEO|2003-02-01", NULL, NULL},
    {"birth after the session", "", "Martin", "Rose", "01/02/2025", NULL, NULL, "birth_date",
     "birth date after"},
};

static void check_person_reject(const struct person_case *pc, const struct diag_log *log)
{
    assert_false(log->has_value);
    if (!strstr(log->reason, pc->reason))
        fail_msg("%s: reason \"%s\" lacks \"%s\"", pc->name, log->reason, pc->reason);
    if (!pc->reject_field) {
        assert_false(log->has_field);
        assert_int_equal(log->column, 0);
        return;
    }
    assert_string_equal(log->field, pc->reject_field);
    assert_int_equal(log->column, FIELD_BIRTH_DATE + 1);
}

static void check_key(const char *name, const char *what, const char *got, const char *want)
{
    if ((got == NULL) != (want == NULL) || (got && strcmp(got, want) != 0))
        fail_msg("%s: %s \"%s\", expected \"%s\"", name, what, got ? got : "(null)",
                 want ? want : "(null)");
}

static void test_person_keys(void **state)
{
    for (size_t i = 0; i < sizeof person_cases / sizeof person_cases[0]; i++) {
        const struct person_case *pc = &person_cases[i];
        struct cells ch = {{[FIELD_PARTICIPANT_ID] = pc->id,
                            [FIELD_LAST_NAME] = pc->last,
                            [FIELD_FIRST_NAME] = pc->first,
                            [FIELD_BIRTH_DATE] = pc->birth}};
        struct attendance_row out;
        struct diag_log log;
        bool ok = clean_att(*state, &ch, &out, &log);
        if (ok != (pc->reason == NULL))
            fail_msg("%s: %s", pc->name, ok ? "accepted" : log.reason);
        if (!ok) {
            check_person_reject(pc, &log);
            continue;
        }
        check_key(pc->name, "id", out.person.id, pc->want_id);
        check_key(pc->name, "name key", out.person.name_key, pc->want_key);
    }
}

/* Site and activity trimmed ("" when blank); a blank session id is NULL. */
static void test_session_fields(void **state)
{
    struct attendance_row out;
    struct diag_log log;
    struct cells ch = {
        {[FIELD_SITE] = "  Parc Bellevue ", [FIELD_ACTIVITY] = " ", [FIELD_SESSION_ID] = "   "}};
    assert_true(clean_att(*state, &ch, &out, &log));
    assert_string_equal(out.site, "Parc Bellevue");
    assert_string_equal(out.activity, "");
    assert_null(out.session_id);
    ch = (struct cells){{[FIELD_SESSION_ID] = " S-12 "}};
    assert_true(clean_att(*state, &ch, &out, &log));
    assert_string_equal(out.session_id, "S-12");
    assert_string_equal(out.site, "Tarascon");
    assert_string_equal(out.activity, "Atelier CV");
}

/* ---- outcomes ---- */

struct situation_case {
    const char *label;
    enum category want;
};

static void check_situations(struct cleaner *c, const struct situation_case *cases, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        struct outcome_row out;
        struct diag_log log;
        assert_true(
            clean_out(c, &(struct cells){{[FIELD_SITUATION] = cases[i].label}}, &out, &log));
        if (out.category != cases[i].want || log.n_warnings != 0)
            fail_msg("\"%s\": category %d with %zu warnings, expected %d and none", cases[i].label,
                     out.category, log.n_warnings, cases[i].want);
        assert_int_equal(out.observed_on, ymd(2019, 6, 15));
        assert_string_equal(out.person.id, "P001");
    }
}

/* The labels of docs/requirements.md "Inputs" and the employment list of "Indicators". */
static void test_builtin_situations(void **state)
{
    static const struct situation_case cases[] = {
        {"CDI", CATEGORY_EMPLOYMENT},
        {"cdd", CATEGORY_EMPLOYMENT},
        {"Intérim", CATEGORY_EMPLOYMENT},
        {"Alternance", CATEGORY_EMPLOYMENT},
        {"Contrat d" RSQUO "apprentissage", CATEGORY_EMPLOYMENT},
        {"Création d'entreprise", CATEGORY_EMPLOYMENT},
        {"Formation qualifiante", CATEGORY_TRAINING},
        {"Reprise d'études", CATEGORY_EDUCATION},
        {"  reprise d" RSQUO "ETUDES ", CATEGORY_EDUCATION},
        {"Demandeur d'emploi", CATEGORY_UNEMPLOYED},
        {"Inactif", CATEGORY_INACTIVE},
    };
    check_situations(*state, cases, sizeof cases / sizeof cases[0]);
}

/* Issue 14, defect 3: labels of France Travail, Missions locales (i-milo) and the DARES
 * categories, written as the exports write them, each with the category that
 * docs/indicators.md "Situations" gives and justifies. Before the dictionary they were all
 * unmapped (unknown, out of the denominators). */
static void test_dictionary_situations(void **state)
{
    static const struct situation_case cases[] = {
        {"CDI temps partiel", CATEGORY_EMPLOYMENT},
        {"CDD de moins de 6 mois", CATEGORY_EMPLOYMENT},
        {"Travail temporaire", CATEGORY_EMPLOYMENT},
        {"Contrat de professionnalisation", CATEGORY_EMPLOYMENT},
        {"PEC", CATEGORY_EMPLOYMENT},
        {"Parcours Emploi Compétences", CATEGORY_EMPLOYMENT},
        {"CUI-CAE", CATEGORY_EMPLOYMENT},
        {"Emploi d" RSQUO "avenir", CATEGORY_EMPLOYMENT},
        {"SIAE", CATEGORY_EMPLOYMENT},
        {"Chantier d'insertion", CATEGORY_EMPLOYMENT},
        {"Création/reprise d'entreprise", CATEGORY_EMPLOYMENT},
        {"Micro-entrepreneur", CATEGORY_EMPLOYMENT},
        {"auto-entrepreneur", CATEGORY_EMPLOYMENT},
        {"Fonction publique", CATEGORY_EMPLOYMENT},
        {"Service civique", CATEGORY_TRAINING},
        {"EPIDE", CATEGORY_TRAINING},
        {"E2C", CATEGORY_TRAINING},
        {"École de la deuxième chance", CATEGORY_TRAINING},
        {"Formation pré-qualifiante", CATEGORY_TRAINING},
        {"Formation certifiante", CATEGORY_TRAINING},
        {"POEI", CATEGORY_TRAINING},
        {"Stage", CATEGORY_TRAINING},
        {"Retour en formation initiale", CATEGORY_EDUCATION},
        {"Scolarité", CATEGORY_EDUCATION},
        {"Lycée", CATEGORY_EDUCATION},
        {"BTS", CATEGORY_EDUCATION},
        {"Université", CATEGORY_EDUCATION},
        {"DE", CATEGORY_UNEMPLOYED},
        {"Inscrit à France Travail", CATEGORY_UNEMPLOYED},
        {"Inscrit Pôle emploi", CATEGORY_UNEMPLOYED},
        {"Recherche d'emploi", CATEGORY_UNEMPLOYED},
        {"Garantie jeunes", CATEGORY_UNEMPLOYED},
        {"CEJ", CATEGORY_UNEMPLOYED},
        {"Contrat d'engagement jeune", CATEGORY_UNEMPLOYED},
        {"Inactive", CATEGORY_INACTIVE},
        {"Au foyer", CATEGORY_INACTIVE},
        {"Congé maternité", CATEGORY_INACTIVE},
        {"Maladie", CATEGORY_INACTIVE},
        {"Sans nouvelles", CATEGORY_UNKNOWN},
        {"Perdu de vue", CATEGORY_UNKNOWN},
        {"Injoignable", CATEGORY_UNKNOWN},
        {"NSP", CATEGORY_UNKNOWN},
        {"Inconnu", CATEGORY_UNKNOWN},
        {"Déménagé", CATEGORY_UNKNOWN},
    };
    check_situations(*state, cases, sizeof cases / sizeof cases[0]);
}

/* Every entry of the built-in table cleans to its own category with no warning, and no two
 * entries that fold alike name different categories (the later would silently win). */
static void test_dictionary_is_consistent(void **state)
{
    size_t n;
    const struct clean_situation *table = clean_builtin_situations(&n);
    assert_true(n > 200);
    char a[512], b[512];
    for (size_t i = 0; i < n; i++) {
        check_situations(*state, &(struct situation_case){table[i].label, table[i].category}, 1);
        fold_label(table[i].label, strlen(table[i].label), a, sizeof a);
        for (size_t j = i + 1; j < n; j++) {
            fold_label(table[j].label, strlen(table[j].label), b, sizeof b);
            if (strcmp(a, b) == 0 && table[i].category != table[j].category)
                fail_msg("\"%s\" and \"%s\" fold alike with two categories", table[i].label,
                         table[j].label);
        }
    }
}

/* docs/indicators.md lists the whole dictionary ("The built-in dictionary"), each label as
 * written in stages/clean/labels.c between backquotes; run from the repository's root. */
static void test_dictionary_documented(void **state)
{
    (void)state;
    FILE *f = fopen("docs/indicators.md", "rb");
    assert_non_null(f);
    static char doc[1 << 18];
    size_t len = fread(doc, 1, sizeof doc - 1, f);
    fclose(f);
    doc[len] = '\0';
    size_t n;
    const struct clean_situation *table = clean_builtin_situations(&n);
    for (size_t i = 0; i < n; i++) {
        char quoted[256];
        snprintf(quoted, sizeof quoted, "`%s`", table[i].label);
        if (!strstr(doc, quoted))
            fail_msg("docs/indicators.md does not list %s", quoted);
    }
}

/* The prefix rule: a first word CDI, CDD, CDDI, CTT or INTERIM (after folding) is
 * employment when every later word only qualifies the contract (a duration, part time,
 * seasonal…); any other word leaves the label unmapped. Only the whole first word counts.
 * The second half of the unmapped list are labels the second reader found counted as
 * employment by the earlier rule (a list of stop words). */
static void test_prefix_rule(void **state)
{
    static const struct situation_case mapped[] = {
        {"CDI intérimaire", CATEGORY_EMPLOYMENT},        {"cdi (temps plein)", CATEGORY_EMPLOYMENT},
        {"CDD < 6 mois", CATEGORY_EMPLOYMENT},           {"CDD-6mois", CATEGORY_EMPLOYMENT},
        {"CDD saisonnier", CATEGORY_EMPLOYMENT},         {"CDD d'usage", CATEGORY_EMPLOYMENT},
        {"Intérim longue mission", CATEGORY_EMPLOYMENT}, {"CTT 3 semaines", CATEGORY_EMPLOYMENT},
    };
    check_situations(*state, mapped, sizeof mapped / sizeof mapped[0]);
    check_situations(*state, mapped, sizeof mapped / sizeof mapped[0]); /* now in the table */
    static const char *const unmapped[] = {
        "CDD terminé",
        "CDI en attente",
        "Fin de CDD",
        "CDIx",
        "Contrat CDI",
        "Ancien CDI",
        "CDD non renouvelé",
        "Intérim recherché",
        "Promesse d'embauche CDI",
        "CDD échu",
        "CDD achevé",
        "CDD expiré",
        "CDD arrivé à terme",
        "CDI démission",
        "CDI licenciement",
        "CDI quitté",
        "CDD puis chômage",
        "CDD -> demandeur d'emploi",
        "CDD en vue",
        "CDI espéré",
        "CDI en cours de négociation",
        "Intérim plus de missions",
        "Intérim en pause",
        "Intérim - inscrit à France Travail",
    };
    for (size_t i = 0; i < sizeof unmapped / sizeof unmapped[0]; i++) {
        struct outcome_row out;
        struct diag_log log;
        assert_true(
            clean_out(*state, &(struct cells){{[FIELD_SITUATION] = unmapped[i]}}, &out, &log));
        if (out.category != CATEGORY_UNKNOWN || log.n_unmapped != 1)
            fail_msg("\"%s\": category %d, %zu unmapped reports; expected unknown, 1", unmapped[i],
                     out.category, log.n_unmapped);
    }
}

/* An unmapped label goes to diag_unmapped() with the category of a close known label: a
 * few edits away (a typo), or the longest known label it starts with, word for word. */
static void test_unmapped_suggestions(void **state)
{
    static const struct {
        const char *label;
        int suggestion; /* enum category or -1 */
        const char *close_to;
    } cases[] = {
        {"Formation qualifiant", CATEGORY_TRAINING, "FORMATION QUALIFIANTE"},
        {"Demandeur d emploi", CATEGORY_UNEMPLOYED, "DEMANDEUR D'EMPLOI"},
        {"Inactf", CATEGORY_INACTIVE, "INACTIF"},
        {"Service civique international", CATEGORY_TRAINING, "SERVICE CIVIQUE"},
        {"Formation qualifiante BTP (AFPA)", CATEGORY_TRAINING, "FORMATION QUALIFIANTE"},
        {"CDD terminé", -1, ""}, /* a stop word: it may mean the opposite */
        /* near a known label but meaning its opposite (found by the second reader) */
        {"Déscolarisé", -1, ""},
        {"Déscolarisation", -1, ""},
        {"Chômage partiel", -1, ""},
        {"Chômage technique", -1, ""},
        {"Formation abandonnée", -1, ""},
        {"Formation interrompue", -1, ""},
        {"Formation annulée", -1, ""},
        {"Études abandonnées", -1, ""},
        {"Création d'entreprise abandonnée", -1, ""},
        {"Emploi quitté", -1, ""},
        {"Tour du monde", -1, ""},
        {"CDX", -1, ""}, /* too short for an edit */
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        struct outcome_row out;
        struct diag_log log;
        assert_true(
            clean_out(*state, &(struct cells){{[FIELD_SITUATION] = cases[i].label}}, &out, &log));
        assert_int_equal(out.category, CATEGORY_UNKNOWN);
        assert_int_equal(log.n_unmapped, 1);
        assert_string_equal(log.values[0], cases[i].label);
        if (log.suggestion != cases[i].suggestion || strcmp(log.close_to, cases[i].close_to))
            fail_msg("\"%s\": suggestion %d from \"%s\", expected %d from \"%s\"", cases[i].label,
                     log.suggestion, log.close_to, cases[i].suggestion, cases[i].close_to);
    }
}

/* A blank situation is a known absence: unknown, with its own warning, not "unmapped". */
static void test_blank_situation(void **state)
{
    static const char *const blanks[] = {"", "   ", absent};
    for (size_t i = 0; i < 3; i++) {
        struct outcome_row out;
        struct diag_log log;
        assert_true(
            clean_out(*state, &(struct cells){{[FIELD_SITUATION] = blanks[i]}}, &out, &log));
        assert_int_equal(out.category, CATEGORY_UNKNOWN);
        assert_int_equal(log.n_unmapped, 0);
        assert_int_equal(log.n_warnings, 1);
        assert_int_equal(log.kinds[0], WARN_BLANK_SITUATION);
    }
}

static void test_config_situations(void **state)
{
    (void)state;
    const struct clean_situation extra[] = {
        {"Alternance", CATEGORY_TRAINING}, /* overrides the built-in employment */
        {"Service civique", CATEGORY_INACTIVE},
    };
    struct clean_options o = {
        .window_first = DAY_NONE, .window_last = DAY_NONE, .n_situations = 2, .situations = extra};
    struct cleaner *c = clean_new(&o);
    static const struct situation_case cases[] = {
        {"ALTERNANCE", CATEGORY_TRAINING},
        {"service  civique", CATEGORY_INACTIVE},
        {"CDI", CATEGORY_EMPLOYMENT},
    };
    check_situations(c, cases, sizeof cases / sizeof cases[0]);
    clean_free(c);
}

static void test_unmapped_situation(void **state)
{
    struct outcome_row out;
    struct diag_log log;
    assert_true(
        clean_out(*state, &(struct cells){{[FIELD_SITUATION] = "Tour du monde"}}, &out, &log));
    assert_int_equal(out.category, CATEGORY_UNKNOWN);
    assert_int_equal(log.n_warnings, 1);
    assert_int_equal(log.kinds[0], WARN_UNMAPPED_SITUATION);
    assert_string_equal(log.values[0], "Tour du monde");
    assert_int_equal(log.n_unmapped, 1);
}

static void test_outcome_rejects(void **state)
{
    struct outcome_row out;
    struct diag_log log;
    assert_false(
        clean_out(*state, &(struct cells){{[FIELD_OBSERVED_ON] = "15/06/2020"}}, &out, &log));
    assert_string_equal(log.field, "observed_on");
    assert_int_equal(log.column, FIELD_OBSERVED_ON + 1);
    assert_true(strstr(log.reason, "window") != NULL);
    assert_false(
        clean_out(*state, &(struct cells){{[FIELD_OBSERVED_ON] = "30/02/2019"}}, &out, &log));
    assert_true(strstr(log.reason, "impossible") != NULL);
    assert_false(clean_out(*state, &(struct cells){{[FIELD_PARTICIPANT_ID] = ""}}, &out, &log));
    assert_true(strstr(log.reason, "no usable identity") == log.reason);
    struct cells names = {{[FIELD_PARTICIPANT_ID] = "",
                           [FIELD_LAST_NAME] = "Le Goff",
                           [FIELD_FIRST_NAME] = "Jean-Marie",
                           [FIELD_BIRTH_DATE] = "12/04/2001"}};
    assert_true(clean_out(*state, &names, &out, &log));
    assert_null(out.person.id);
    assert_string_equal(out.person.name_key, "LEGOFF|JEANMARIE|2001-04-12");
}

int main(void)
{
#define T(fn) cmocka_unit_test_setup_teardown(fn, setup_cleaner, teardown_cleaner)
    const struct CMUnitTest tests[] = {
        T(test_session_date_forms),
        T(test_session_date_rejects),
        cmocka_unit_test(test_no_window),
        T(test_builtin_labels),
        T(test_unknown_labels),
        T(test_unknown_status),
        cmocka_unit_test(test_config_labels),
        T(test_qpv_code_without_list),
        cmocka_unit_test(test_qpv_code_blank_unknown),
        cmocka_unit_test(test_qpv_code_with_list),
        T(test_person_keys),
        T(test_session_fields),
        T(test_builtin_situations),
        T(test_dictionary_situations),
        T(test_dictionary_is_consistent),
        cmocka_unit_test(test_dictionary_documented),
        T(test_prefix_rule),
        T(test_unmapped_suggestions),
        T(test_blank_situation),
        cmocka_unit_test(test_config_situations),
        T(test_unmapped_situation),
        T(test_outcome_rejects),
    };
#undef T
    return cmocka_run_group_tests_name("clean", tests, NULL, NULL);
}
