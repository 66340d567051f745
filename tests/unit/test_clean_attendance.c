/* test_clean_attendance.c — table-driven tests of the clean stage (stages/clean.h) on
 * attendance rows, against docs/requirements.md "Inputs" (date forms, labels matched case- and
 * accent-insensitively with extra spaces, blank status = present) and "Cleaning and joining"
 * (person key, rejects with their column and reason, warnings for unknown labels and codes).
 *
 * Rows are built by hand (clean_fixture.h): a base row plus the fields a case changes; the
 * column of field f is f + 1, so a reject's column can be checked. The programme window is
 * 2019-01-01 … 2019-12-31 unless a test says otherwise.
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

#include "clean_fixture.h"

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
    };
#undef T
    return cmocka_run_group_tests_name("clean_attendance", tests, NULL, NULL);
}
