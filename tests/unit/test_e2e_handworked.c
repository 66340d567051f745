/* test_e2e_handworked.c — end to end on a small fixture whose every figure was worked out by
 * hand from the definitions of docs/requirements.md, not from the code.
 *
 * Runs `$IMPACT_BIN run --config tests/fixtures/handworked/config.json --output DIR` (DIR a
 * fresh mkdtemp folder; the fixture folder can be moved with IMPACT_HANDWORKED_DIR), loads
 * DIR/indicators.json and checks it against the hand working below. IMPACT_BIN unset, a
 * non-zero exit or an unreadable indicators.json fail every test (group setup).
 *
 * =====================================================================================
 * HAND WORKING
 * =====================================================================================
 * Config: window 2018-01-01..2019-12-31, calendar periods "2018" and "2019", target 20 by
 * 2019-12-31, extra situations "Service civique" → training, "Contrat aidé" → employment.
 * Labels used are the documented built-ins: qpv Oui/O/oui → yes, Non/N → no, blank →
 * unknown; status présent/P/"  Présent "/blank → present, absent/A → absent, excusé →
 * excused; sex F/Femme → F, M/Homme → M, blank → unknown; role jeune → youth, parent →
 * parent, blank → unknown.
 *
 * PERSONS (key; sex, role; first present attendance)
 *   P01 Benali Yasmine      F  youth    b. 2001-04-12   first 2018-02-10
 *   P02 Martin Lucas        M  youth    b. 2000-09-30   first 2018-02-10
 *   P03 N’Diaye Aminata     F  parent   b. 1980-01-15   first 2018-02-10
 *   P04 Dupont Kévin        M  youth    b. 2002-12-03   first 2018-03-15
 *   P05 Le Goff Zoé         F  youth    b. 2003-06-21   first 2018-06-20
 *   R   Roux Hélène         F  parent   b. 1975-03-02   first 2018-03-15
 *       (never has an id: key = name key ROUX|HELENE|1975-03-02)
 *   P07 Garcia Inès         ?  unknown  b. 2001-08-08   first 2018-06-20   (sex, role blank)
 *   P08 Traoré Moussa       M  parent   b. 1978-05-19   first 2018-11-12
 *   P09 Lefebvre Léa        F  youth    b. 2002-02-02   first 2019-01-22
 *   P10 Moreau Hugo         M  youth    b. 2001-10-10   never present (excusé, absent)
 *   P11 Sow Fatou           F  youth    b. 2003-01-30   first 2019-03-12
 *   P12 Koné Mariam         F  parent   b. 1982-07-04   first 2019-09-17
 *
 * SESSIONS (no session_id column: key = date, site, activity)
 *   S1 2018-02-10 Tarascon     "Atelier CV, lettre de motivation" (quoted, embedded comma)
 *                                                                      qpv yes
 *   S2 2018-03-15 Les Lauriers Atelier CV   qpv yes (O)
 *   S3 2018-06-20 Tarascon     Job dating   qpv no      (date written 20.06.2018)
 *   S4 2018-10-05 Les Lauriers Coding       qpv unknown (blank)
 *   S5 2018-11-12 Les Lauriers Atelier CV   qpv yes (oui)
 *   S6 2019-01-22 Tarascon     Atelier CV   qpv yes
 *   S7 2019-03-12 Les Lauriers Coding       qpv yes     (date written as Excel serial 43536;
 *                                           datetime(1899,12,30)+43536 days = 2019-03-12)
 *   S8 2019-05-06 Tarascon     Job dating   qpv unknown (blank; date written 06.05.2019)
 *   S9 2019-09-17 Les Lauriers Job dating   qpv no
 *   S10 2019-11-26 Tarascon    Coding       qpv no (N)
 *
 * ATTENDANCE ROWS (attendance.csv; line 1 is the header; 32 data rows)
 *   l2  S1  P01 présent                      accepted, present
 *   l3  S1  P02 P                            accepted, present
 *   l4  S1  P01 présent                      DUPLICATE of l2 (same person, same session)
 *   l5  S1  P03 (blank status)               accepted, present (blank = present)
 *   l6  S2  P04 présent                      accepted, present
 *   l7  S2  Roux/Hélène/02/03/1975, no id    accepted, present → person R
 *   l8  S2  P02 absent                       accepted, NOT present
 *   l9  S3  P01 présent                      accepted, present
 *   l10 S3  P05 (id + Le Goff/Zoé/2003-06-21) accepted, present; links LEGOFF|ZOE|2003-06-21
 *                                            to P05
 *   l11 S3  P07 (sex, role blank)            accepted, present
 *   l12 S4  P04 présent                      accepted, present
 *   l13 S4  no id, LE GOFF/Zoe/21/06/2003,   accepted, present → P05 through the name key
 *           status "  Présent "              (names-only row linked to an id seen on l10)
 *   l14 S4  P10 excusé                       accepted, NOT present
 *   l15 S5  P08 présent                      accepted, present
 *   l16 S5  P02 présent                      accepted, present
 *   l17 S5  P03 présent                      accepted, present
 *   l18 29/02/2019 … P09                     REJECTED: 29 February 2019 does not exist
 *   l19 S6  P01 présent                      accepted, present
 *   l20 S6  P09 présent                      accepted, present
 *   l21 S6  P03 présent                      accepted, present
 *   l22 S7  P04 présent                      accepted, present
 *   l23 S7  no id, ROUX/Helene/1975-03-02    accepted, present → person R (same name key)
 *   l24 S7  P11 (id + Sow/Fatou/30/01/2003)  accepted, present
 *   l25 S8  P05 présent                      accepted, present
 *   l26 S8  P09 présent                      accepted, present
 *   l27 S8  P01 présent                      accepted, present
 *   l28 S9  P08 présent                      accepted, present
 *   l29 S9  P12 présent                      accepted, present
 *   l30 S9  P02 présent                      accepted, present
 *   l31 S10 P09 présent                      accepted, present
 *   l32 S10 P01 présent                      accepted, present
 *   l33 S10 P10 A                            accepted, NOT present
 *   → rows_read 32 = accepted 30 + rejected 1 (l18) + duplicate 1 (l4).
 *
 * PRESENT PERSON-SESSION PAIRS
 *   2018: S1 {P01,P02,P03}  S2 {P04,R}  S3 {P01,P05,P07}  S4 {P04,P05}  S5 {P08,P02,P03}
 *         = 3 + 2 + 3 + 2 + 3 = 13 attendances
 *   2019: S6 {P01,P09,P03}  S7 {P04,R,P11}  S8 {P05,P09,P01}  S9 {P08,P12,P02}
 *         S10 {P09,P01} = 3 + 3 + 3 + 3 + 2 = 14 attendances
 *
 * 2018: sessions 5 (S1–S5); qpv_sessions 3 (S1,S2,S5); qpv_unknown 1 (S4);
 *   qpv_share = 3 / (5 − 1) = 3/4.
 *   beneficiaries {P01,P02,P03,P04,P05,R,P07,P08} = 8; all first present in 2018 → new 8;
 *   cumulative 8.
 *   by role: youth P01,P02,P04,P05 = 4; parent P03,R,P08 = 3; unknown P07 = 1.
 *   by sex: F P01,P03,P05,R = 4; M P02,P04,P08 = 3; unknown P07 = 1.
 *   by site: Tarascon (S1,S3) {P01,P02,P03,P05,P07} = 5;
 *            Les Lauriers (S2,S4,S5) {P04,R,P05,P08,P02,P03} = 6 (P02 only through S5:
 *            absent at S2). 5 + 6 = 11 > 8: P02, P03, P05 count in both sites.
 * 2019: sessions 5 (S6–S10); qpv_sessions 2 (S6,S7); qpv_unknown 1 (S8);
 *   qpv_share = 2 / (5 − 1) = 2/4.
 *   beneficiaries {P01,P09,P03,P04,R,P11,P05,P08,P12,P02} = 10 (P07 not back, P10 never
 *   present); new: P09, P11, P12 = 3; cumulative 8 + 3 = 11.
 *   by role: youth P01,P09,P04,P11,P05,P02 = 6; parent P03,R,P08,P12 = 4; unknown 0.
 *   by sex: F P01,P09,P03,R,P11,P05,P12 = 7; M P04,P08,P02 = 3; unknown 0.
 *   by site: Tarascon (S6,S8,S10) {P01,P09,P03,P05} = 4;
 *            Les Lauriers (S7,S9) {P04,R,P11,P08,P12,P02} = 6.
 *
 * OUTCOME ROWS (outcomes.csv; 13 data rows, all accepted: none lacks an identity or has a
 * bad date; an observation that is not used is still an accepted row)
 *   l2  P05 2018-04-01 CDI                   IGNORED: before P05's first present attendance
 *                                            (2018-06-20); P05 has no other 2018 observation
 *   l3  P01 2018-12-01 CDD                   employment
 *   l4  P02 2018-09-01 Formation qualifiante  same date as l5 …
 *   l5  P02 2018-09-01 Alternance            … later row wins → employment
 *   l6  P04 2018-12-15 Déménagé              unknown (built-in: moving away says nothing of
 *                                            the situation) → outside the denominator
 *                                            (P04's only 2018 observation)
 *   l7  P03 2018-02-10 Inactif               same day as P03's first attendance (S1):
 *                                            "on or before" holds → known, not positive
 *   l8  no id, Roux/Hélène/1975-03-02, 2018-10-01 Reprise d'études → R, education
 *   l9  P05 2019-06-01 Service civique       training (config mapping)
 *   l10 P09 2019-10-01 Demandeur d'emploi    latest 2019 observation of P09 (written before
 *   l11 P09 2019-02-01 CDI                   the earlier one: date decides, not row order)
 *   l12 no id, SOW/Fatou/30/01/2003, 2019-12-01 Intérim → P11 (name key linked by l24),
 *                                            employment
 *   l13 P04 2019-04-01 Création d’entreprise (typographic apostrophe) employment
 *   l14 P08 2019-12-20 Contrat aidé          employment (config mapping)
 *   → rows_read 13 = accepted 13 + rejected 0 + duplicate 0.
 *
 * employment / positive_outcome, 2018: population P01 (CDD, E), P02 (Alternance, E),
 *   P03 (Inactif), P04 (unknown), R (Reprise d'études, education).
 *   denominator (latest known) = P01, P02, P03, R = 4; employment 2 (P01, P02) → 2/4;
 *   positive 3 (P01, P02, R) → 3/4.
 * 2019: population P05 (training), P09 (unemployed), P11 (E), P04 (E), P08 (E); all known:
 *   denominator 5; employment 3 (P11, P04, P08) → 3/5; positive 4 (+ P05) → 4/5.
 *
 * WILSON 95 % INTERVAL, z = 1.959963984540054 (the 0.975 normal quantile), n trials,
 * p = x / n:
 *   centre = (p + z²/(2n)) / (1 + z²/n)
 *   half   = z / (1 + z²/n) · sqrt(p(1 − p)/n + z²/(4n²))
 *   low = centre − half, high = centre + half
 * Worked for 2019 employment, x = 3, n = 5, p = 0.6:
 *   z² = 3.841458820694125; z²/n = 0.768291764138825; 1 + z²/n = 1.768291764138825
 *   z²/(2n) = 0.384145882069413; p + z²/(2n) = 0.984145882069413
 *   centre = 0.984145882069413 / 1.768291764138825 = 0.556551753522
 *   p(1 − p)/n = 0.048; z²/(4n²) = 0.038414588206941; sum = 0.086414588206941;
 *   sqrt = 0.293963583130532; z / (1 + z²/n) = 1.108394001650839
 *   half = 1.108394001650839 × 0.293963583130532 = 0.325827472246
 *   low = 0.230724281276, high = 0.882379225768
 * The same formula (on a calculator) for the other rates:
 *   3/4: centre 0.627527290886, half 0.326885448304 → [0.300641842582, 0.954412739190]
 *   2/4: centre 0.5,            half 0.349961010848 → [0.150038989152, 0.849961010848]
 *   4/5: centre 0.669655260565, half 0.294120630803 → [0.375534629762, 0.963775891368]
 *
 * SUMMARY                         2018    2019
 *   sessions                         5       5
 *   qpv_sessions                     3       2
 *   qpv_unknown_sessions             1       1
 *   attendances                     13      14
 *   beneficiaries                    8      10
 *   new_beneficiaries                8       3
 *   cumulative_beneficiaries         8      11
 *   by role youth/parent/unknown  4/3/1   6/4/0
 *   by sex F/M/unknown            4/3/1   7/3/0
 *   by site Tarascon/Les Lauriers  5/6     4/6
 *   qpv_share                       3/4     2/4
 *   employment                      2/4     3/5
 *   positive_outcome                3/4     4/5
 *
 * CHANGES 2019 FROM 2018 (every count has its change, issue 14 defect 2):
 *   by role: youth 6 − 4 = +2 (+2/4 = 0.5), parent +1 (1/3), unknown −1 (−1/1 = −1)
 *   by sex: F +3 (3/4 = 0.75), M 0 (0), unknown −1 (−1)
 *   by site: Tarascon 4 − 5 = −1 (−0.2), Les Lauriers 0 (0)
 *   rates' terms: qpv_share numerator 2 − 3 = −1 (−1/3), denominator 4 − 4 = 0 (0);
 *   employment numerator +1 (1/2), denominator +1 (1/4); positive_outcome numerator +1
 *   (1/3), denominator +1 (1/4).
 *
 * Also checked: no name or birth date of the fixture appears in any output file
 * (docs/requirements.md "No names or birth dates in any output"). Chart images (PNG, SVG, PDF) are
 * skipped: their glyph and image data could match a short name by chance.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <dirent.h>
#include <errno.h>
#include <jansson.h>
#include <math.h>
#include <openssl/evp.h>
#include <spawn.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

extern char **environ;

enum { PATH_CAP = 4096 };

struct e2e {
    char fixture_dir[PATH_CAP];
    char out_dir[PATH_CAP];
    json_t *root; /* DIR/indicators.json */
};

/* ---- expected figures (see the hand working above) ---- */

enum { N_COUNTS = 7, N_RATES = 3 };

static const char *const count_keys[N_COUNTS] = {
    "sessions",      "qpv_sessions",      "qpv_unknown_sessions",     "attendances",
    "beneficiaries", "new_beneficiaries", "cumulative_beneficiaries",
};
static const char *const role_keys[3] = {"youth", "parent", "unknown"};
static const char *const sex_keys[3] = {"F", "M", "unknown"};
static const char *const rate_keys[N_RATES] = {"qpv_share", "employment", "positive_outcome"};

struct rate_expect {
    long numerator, denominator;
    double ci_low, ci_high; /* Wilson 95 %, worked above */
};

struct period_expect {
    const char *label, *start, *end;
    long counts[N_COUNTS]; /* in count_keys order */
    long by_role[3];       /* youth, parent, unknown */
    long by_sex[3];        /* F, M, unknown */
    long tarascon, les_lauriers;
    struct rate_expect rates[N_RATES]; /* qpv_share, employment, positive_outcome */
};

#define WILSON_3_4 0.300641842582, 0.954412739190
#define WILSON_2_4 0.150038989152, 0.849961010848
#define WILSON_3_5 0.230724281276, 0.882379225768
#define WILSON_4_5 0.375534629762, 0.963775891368

static const struct period_expect *expected_periods(size_t *n)
{
    static const struct period_expect periods[] = {
        {"2018",
         "2018-01-01",
         "2018-12-31",
         {5, 3, 1, 13, 8, 8, 8},
         {4, 3, 1},
         {4, 3, 1},
         5,
         6,
         {{3, 4, WILSON_3_4}, {2, 4, WILSON_2_4}, {3, 4, WILSON_3_4}}},
        {"2019",
         "2019-01-01",
         "2019-12-31",
         {5, 2, 1, 14, 10, 3, 11},
         {6, 4, 0},
         {7, 3, 0},
         4,
         6,
         {{2, 4, WILSON_2_4}, {3, 5, WILSON_3_5}, {4, 5, WILSON_4_5}}},
    };
    *n = sizeof periods / sizeof periods[0];
    return periods;
}

struct input_expect {
    const char *file; /* the input whose path ends with this */
    long read, accepted, rejected, duplicate;
};

static const struct input_expect *expected_inputs(size_t *n)
{
    static const struct input_expect inputs[] = {
        {"attendance.csv", 32, 30, 1, 1},
        {"outcomes.csv", 13, 13, 0, 0},
    };
    *n = sizeof inputs / sizeof inputs[0];
    return inputs;
}

/* ---- running the binary ---- */

static int run_binary(const char *bin, const char *config, const char *out_dir)
{
    char *argv[] = {(char *)bin, "run",           "--config", (char *)config,
                    "--output",  (char *)out_dir, NULL};
    pid_t pid;
    int rc = posix_spawn(&pid, bin, NULL, NULL, argv, environ);
    if (rc != 0) {
        fprintf(stderr, "e2e: cannot start %s: %s\n", bin, strerror(rc));
        return -1;
    }
    int status;
    while (waitpid(pid, &status, 0) < 0)
        if (errno != EINTR) {
            fprintf(stderr, "e2e: waitpid: %s\n", strerror(errno));
            return -1;
        }
    if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) {
        fprintf(stderr, "e2e: %s run --config %s --output %s failed (status %d)\n", bin, config,
                out_dir, WIFEXITED(status) ? WEXITSTATUS(status) : -1);
        return -1;
    }
    return 0;
}

/* Removes a folder and everything under it (no symlinks are followed). */
static void remove_tree(const char *path)
{
    DIR *dir = opendir(path);
    if (dir) {
        struct dirent *entry;
        while ((entry = readdir(dir)) != NULL) {
            if (strcmp(entry->d_name, ".") == 0 || strcmp(entry->d_name, "..") == 0)
                continue;
            char child[PATH_CAP];
            snprintf(child, sizeof child, "%s/%s", path, entry->d_name);
            struct stat st;
            if (lstat(child, &st) == 0 && S_ISDIR(st.st_mode))
                remove_tree(child);
            else
                unlink(child);
        }
        closedir(dir);
    }
    rmdir(path);
}

static void free_state(struct e2e *t)
{
    if (!t)
        return;
    json_decref(t->root);
    remove_tree(t->out_dir);
    free(t);
}

static int group_setup(void **state)
{
    const char *bin = getenv("IMPACT_BIN");
    if (!bin || !*bin) {
        fprintf(stderr, "e2e: IMPACT_BIN is not set: it must name the impact binary to test "
                        "(the Makefile sets it to build/impact)\n");
        return -1;
    }
    struct e2e *t = calloc(1, sizeof *t);
    if (!t)
        return -1;
    const char *fixtures = getenv("IMPACT_HANDWORKED_DIR");
    snprintf(t->fixture_dir, sizeof t->fixture_dir, "%s",
             fixtures && *fixtures ? fixtures : "tests/fixtures/handworked");
    const char *tmp = getenv("TMPDIR");
    snprintf(t->out_dir, sizeof t->out_dir, "%s/impact-e2e-XXXXXX", tmp && *tmp ? tmp : "/tmp");
    if (!mkdtemp(t->out_dir)) {
        fprintf(stderr, "e2e: mkdtemp %s: %s\n", t->out_dir, strerror(errno));
        free(t);
        return -1;
    }
    char config[PATH_CAP + 16];
    snprintf(config, sizeof config, "%s/config.json", t->fixture_dir);
    char json_path[PATH_CAP + 32];
    snprintf(json_path, sizeof json_path, "%s/indicators.json", t->out_dir);
    json_error_t jerr;
    if (run_binary(bin, config, t->out_dir) != 0) {
        free_state(t);
        return -1;
    }
    t->root = json_load_file(json_path, 0, &jerr);
    if (!t->root) {
        fprintf(stderr, "e2e: cannot load %s: line %d column %d: %s\n", json_path, jerr.line,
                jerr.column, jerr.text);
        free_state(t);
        return -1;
    }
    *state = t;
    return 0;
}

static int group_teardown(void **state)
{
    free_state(*state);
    return 0;
}

/* ---- JSON helpers: each failure names the object and the key ---- */

static json_t *member(json_t *obj, const char *key, const char *where)
{
    if (!json_is_object(obj))
        fail_msg("%s is not a JSON object", where);
    json_t *value = json_object_get(obj, key);
    if (!value)
        fail_msg("%s has no \"%s\"", where, key);
    return value;
}

static void check_json_int(json_t *obj, const char *key, long want, const char *where)
{
    json_t *value = member(obj, key, where);
    if (!json_is_integer(value))
        fail_msg("%s.%s is not an integer", where, key);
    long got = (long)json_integer_value(value);
    if (got != want)
        fail_msg("%s.%s = %ld, expected %ld", where, key, got, want);
}

static void check_json_number(json_t *obj, const char *key, double want, double tolerance,
                              const char *where)
{
    json_t *value = member(obj, key, where);
    if (!json_is_number(value))
        fail_msg("%s.%s is not a number", where, key);
    double got = json_number_value(value);
    if (fabs(got - want) > tolerance)
        fail_msg("%s.%s = %.9f, expected %.9f", where, key, got, want);
}

static void check_json_string(json_t *obj, const char *key, const char *want, const char *where)
{
    json_t *value = member(obj, key, where);
    if (!json_is_string(value))
        fail_msg("%s.%s is not a string", where, key);
    if (strcmp(json_string_value(value), want) != 0)
        fail_msg("%s.%s = \"%s\", expected \"%s\"", where, key, json_string_value(value), want);
}

static json_t *find_period(json_t *root, const char *label)
{
    json_t *periods = member(root, "periods", "indicators.json");
    if (!json_is_array(periods))
        fail_msg("periods is not an array");
    size_t i;
    json_t *period;
    json_array_foreach(periods, i, period)
    {
        json_t *l = json_object_get(period, "label");
        if (json_is_string(l) && strcmp(json_string_value(l), label) == 0)
            return period;
    }
    fail_msg("no period labelled \"%s\"", label);
    return NULL;
}

static bool ends_with(const char *text, const char *suffix)
{
    size_t lt = strlen(text), ls = strlen(suffix);
    return lt >= ls && strcmp(text + lt - ls, suffix) == 0;
}

/* SHA-256 of a file as lower-case hex (65 bytes with the NUL). */
static void sha256_file(const char *path, char hex[65])
{
    FILE *f = fopen(path, "rb");
    if (!f)
        fail_msg("cannot open %s: %s", path, strerror(errno));
    EVP_MD_CTX *ctx = EVP_MD_CTX_new();
    assert_non_null(ctx);
    assert_int_equal(EVP_DigestInit_ex(ctx, EVP_sha256(), NULL), 1);
    unsigned char buf[4096];
    size_t n;
    while ((n = fread(buf, 1, sizeof buf, f)) > 0)
        assert_int_equal(EVP_DigestUpdate(ctx, buf, n), 1);
    fclose(f);
    unsigned char md[EVP_MAX_MD_SIZE];
    unsigned int md_len = 0;
    assert_int_equal(EVP_DigestFinal_ex(ctx, md, &md_len), 1);
    EVP_MD_CTX_free(ctx);
    assert_int_equal(md_len, 32);
    for (unsigned i = 0; i < 32; i++)
        snprintf(hex + 2 * i, 3, "%02x", md[i]);
}

/* ---- the tests ---- */

static void test_schema_and_target(void **state)
{
    struct e2e *t = *state;
    json_t *version = member(t->root, "schema_version", "indicators.json");
    assert_false(json_is_null(version));
    json_t *target = member(t->root, "target", "indicators.json");
    check_json_int(target, "total", 20, "target");
    json_t *periods = member(t->root, "periods", "indicators.json");
    assert_true(json_is_array(periods));
    assert_int_equal(json_array_size(periods), 2);
}

/* rows_read = accepted + rejected + duplicate, with the hand-counted figures, and the
 * SHA-256 of each input recomputed here. */
static void test_inputs_reconcile(void **state)
{
    struct e2e *t = *state;
    json_t *inputs = member(t->root, "inputs", "indicators.json");
    assert_true(json_is_array(inputs));
    assert_int_equal(json_array_size(inputs), 2);
    size_t n_expect;
    const struct input_expect *expect = expected_inputs(&n_expect);
    for (size_t e = 0; e < n_expect; e++) {
        json_t *found = NULL;
        size_t i;
        json_t *input;
        json_array_foreach(inputs, i, input)
        {
            json_t *path = json_object_get(input, "path");
            if (json_is_string(path) && ends_with(json_string_value(path), expect[e].file))
                found = input;
        }
        if (!found)
            fail_msg("no input whose path ends with %s", expect[e].file);
        char where[64];
        snprintf(where, sizeof where, "inputs[%s]", expect[e].file);
        check_json_int(found, "rows_read", expect[e].read, where);
        check_json_int(found, "rows_accepted", expect[e].accepted, where);
        check_json_int(found, "rows_rejected", expect[e].rejected, where);
        check_json_int(found, "rows_duplicate", expect[e].duplicate, where);
        assert_int_equal(expect[e].read,
                         expect[e].accepted + expect[e].rejected + expect[e].duplicate);
        char path[PATH_CAP + 64], want[65];
        snprintf(path, sizeof path, "%s/%s", t->fixture_dir, expect[e].file);
        sha256_file(path, want);
        json_t *sha = member(found, "sha256", where);
        assert_true(json_is_string(sha));
        if (strcasecmp(json_string_value(sha), want) != 0)
            fail_msg("%s.sha256 = %s, expected %s", where, json_string_value(sha), want);
    }
}

static void test_period_counts(void **state)
{
    struct e2e *t = *state;
    size_t n;
    const struct period_expect *expect = expected_periods(&n);
    for (size_t p = 0; p < n; p++) {
        json_t *period = find_period(t->root, expect[p].label);
        char where[32];
        snprintf(where, sizeof where, "periods[%s]", expect[p].label);
        check_json_string(period, "start", expect[p].start, where);
        check_json_string(period, "end", expect[p].end, where);
        for (int c = 0; c < N_COUNTS; c++)
            check_json_int(period, count_keys[c], expect[p].counts[c], where);
    }
}

static void test_period_splits(void **state)
{
    struct e2e *t = *state;
    size_t n;
    const struct period_expect *expect = expected_periods(&n);
    for (size_t p = 0; p < n; p++) {
        json_t *period = find_period(t->root, expect[p].label);
        char where[64];
        snprintf(where, sizeof where, "periods[%s].beneficiaries_by_role", expect[p].label);
        json_t *roles = member(period, "beneficiaries_by_role", where);
        for (int r = 0; r < 3; r++)
            check_json_int(roles, role_keys[r], expect[p].by_role[r], where);
        snprintf(where, sizeof where, "periods[%s].beneficiaries_by_sex", expect[p].label);
        json_t *sexes = member(period, "beneficiaries_by_sex", where);
        for (int s = 0; s < 3; s++)
            check_json_int(sexes, sex_keys[s], expect[p].by_sex[s], where);
        snprintf(where, sizeof where, "periods[%s].beneficiaries_by_site", expect[p].label);
        json_t *sites = member(period, "beneficiaries_by_site", where);
        check_json_int(sites, "Tarascon", expect[p].tarascon, where);
        check_json_int(sites, "Les Lauriers", expect[p].les_lauriers, where);
        assert_int_equal(json_object_size(sites), 2);
    }
}

static void test_period_rates(void **state)
{
    struct e2e *t = *state;
    size_t n;
    const struct period_expect *expect = expected_periods(&n);
    for (size_t p = 0; p < n; p++) {
        json_t *period = find_period(t->root, expect[p].label);
        for (int r = 0; r < N_RATES; r++) {
            char where[64];
            snprintf(where, sizeof where, "periods[%s].%s", expect[p].label, rate_keys[r]);
            json_t *rate = member(period, rate_keys[r], where);
            const struct rate_expect *want = &expect[p].rates[r];
            check_json_int(rate, "numerator", want->numerator, where);
            check_json_int(rate, "denominator", want->denominator, where);
            check_json_number(rate, "rate", (double)want->numerator / (double)want->denominator,
                              1e-9, where);
        }
    }
}

static void check_change(json_t *obj, const char *key, long absolute, double relative,
                         const char *where)
{
    char at[128];
    snprintf(at, sizeof at, "%s.%s", where, key);
    json_t *change = member(obj, key, where);
    check_json_int(change, "absolute", absolute, at);
    check_json_number(change, "relative", relative, 1e-9, at);
}

/* The changes of the splits and of the rates' terms, 2019 from 2018 (hand working above). */
static void test_split_changes(void **state)
{
    struct e2e *t = *state;
    static const char where[] = "periods[2019].change_from_previous";
    json_t *changes = member(find_period(t->root, "2019"), "change_from_previous", where);
    json_t *role = member(changes, "beneficiaries_by_role", where);
    check_change(role, "youth", 2, 0.5, where);
    check_change(role, "parent", 1, 1.0 / 3.0, where);
    check_change(role, "unknown", -1, -1.0, where);
    json_t *sex = member(changes, "beneficiaries_by_sex", where);
    check_change(sex, "F", 3, 0.75, where);
    check_change(sex, "M", 0, 0.0, where);
    check_change(sex, "unknown", -1, -1.0, where);
    json_t *site = member(changes, "beneficiaries_by_site", where);
    check_change(site, "Tarascon", -1, -0.2, where);
    check_change(site, "Les Lauriers", 0, 0.0, where);
    static const struct {
        const char *rate;
        long num;
        double num_rel;
        long den;
        double den_rel;
    } terms[] = {{"qpv_share", -1, -1.0 / 3.0, 0, 0.0},
                 {"employment", 1, 0.5, 1, 0.25},
                 {"positive_outcome", 1, 1.0 / 3.0, 1, 0.25}};
    for (size_t i = 0; i < sizeof terms / sizeof terms[0]; i++) {
        json_t *rate = member(changes, terms[i].rate, where);
        check_change(rate, "numerator", terms[i].num, terms[i].num_rel, terms[i].rate);
        check_change(rate, "denominator", terms[i].den, terms[i].den_rel, terms[i].rate);
    }
}

/* Every rate's Wilson 95 % interval against the hand-worked values, to 1e-6. */
static void test_wilson_intervals(void **state)
{
    struct e2e *t = *state;
    size_t n;
    const struct period_expect *expect = expected_periods(&n);
    for (size_t p = 0; p < n; p++) {
        json_t *period = find_period(t->root, expect[p].label);
        for (int r = 0; r < N_RATES; r++) {
            char where[64];
            snprintf(where, sizeof where, "periods[%s].%s", expect[p].label, rate_keys[r]);
            json_t *rate = member(period, rate_keys[r], where);
            check_json_number(rate, "ci_low", expect[p].rates[r].ci_low, 1e-6, where);
            check_json_number(rate, "ci_high", expect[p].rates[r].ci_high, 1e-6, where);
        }
    }
}

/* Case-insensitive (ASCII) search of needle in data[0..len). */
static bool contains_ignoring_case(const char *data, size_t len, const char *needle)
{
    size_t ln = strlen(needle);
    for (size_t i = 0; i + ln <= len; i++)
        if (strncasecmp(data + i, needle, ln) == 0)
            return true;
    return false;
}

/* Looks through every file under `path` except chart images for the fixture's names and
 * birth dates. Returns false, with what was found in `found`, at the first hit. */
static bool scan_for_personal_data(const char *path, char *found, size_t found_size)
{
    static const char *const forbidden[] = {
        /* names (distinctive ones; short first names could occur in ordinary words) */
        "Benali", "Yasmine", "Martin", "Diaye", "Aminata", "Dupont", "Kévin", "Goff", "Hélène",
        "Helene", "Garcia", "Moreau", "Traoré", "Traore", "Moussa", "Lefebvre", "Mariam", "Fatou",
        /* birth dates, ISO and as written */
        "2001-04-12", "2000-09-30", "1980-01-15", "2002-12-03", "1975-03-02", "2003-06-21",
        "2001-08-08", "2001-10-10", "1978-05-19", "2002-02-02", "2003-01-30", "1982-07-04",
        "12/04/2001", "30/09/2000", "15.01.1980", "03/12/2002", "02/03/1975", "21/06/2003",
        "08/08/2001", "10/10/2001", "19/05/1978", "02/02/2002", "30/01/2003", "04/07/1982"};
    DIR *dir = opendir(path);
    if (!dir) {
        snprintf(found, found_size, "cannot open folder %s", path);
        return false;
    }
    bool clean = true;
    struct dirent *entry;
    while (clean && (entry = readdir(dir)) != NULL) {
        if (strcmp(entry->d_name, ".") == 0 || strcmp(entry->d_name, "..") == 0)
            continue;
        char child[PATH_CAP];
        snprintf(child, sizeof child, "%s/%s", path, entry->d_name);
        struct stat st;
        if (lstat(child, &st) != 0)
            continue;
        if (S_ISDIR(st.st_mode)) {
            clean = scan_for_personal_data(child, found, found_size);
            continue;
        }
        if (!S_ISREG(st.st_mode) || ends_with(entry->d_name, ".png") ||
            ends_with(entry->d_name, ".svg") || ends_with(entry->d_name, ".pdf"))
            continue;
        FILE *f = fopen(child, "rb");
        char *data = malloc((size_t)st.st_size + 1);
        size_t len = f && data ? fread(data, 1, (size_t)st.st_size, f) : 0;
        if (!f || !data) {
            snprintf(found, found_size, "cannot read %s", child);
            clean = false;
        }
        for (size_t i = 0; clean && i < sizeof forbidden / sizeof forbidden[0]; i++)
            if (contains_ignoring_case(data, len, forbidden[i])) {
                snprintf(found, found_size, "%s contains \"%s\"", child, forbidden[i]);
                clean = false;
            }
        if (f)
            fclose(f);
        free(data);
    }
    closedir(dir);
    return clean;
}

static void test_no_names_or_birth_dates_in_outputs(void **state)
{
    struct e2e *t = *state;
    char found[PATH_CAP + 128] = "";
    if (!scan_for_personal_data(t->out_dir, found, sizeof found))
        fail_msg("%s (names and birth dates must not be output)", found);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_schema_and_target),
        cmocka_unit_test(test_inputs_reconcile),
        cmocka_unit_test(test_period_counts),
        cmocka_unit_test(test_period_splits),
        cmocka_unit_test(test_period_rates),
        cmocka_unit_test(test_split_changes),
        cmocka_unit_test(test_wilson_intervals),
        cmocka_unit_test(test_no_names_or_birth_dates_in_outputs),
    };
    return cmocka_run_group_tests_name("e2e_handworked", tests, group_setup, group_teardown);
}
