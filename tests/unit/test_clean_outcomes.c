/* test_clean_outcomes.c — table-driven tests of the clean stage (stages/clean.h) on outcome
 * rows, against docs/requirements.md "Cleaning and joining": situations mapped to categories
 * (the built-in dictionary, the config's, the prefix rule), unmapped situations warned with
 * suggestions, and outcome rows rejected with their column and reason.
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
    return cmocka_run_group_tests_name("clean_outcomes", tests, NULL, NULL);
}
