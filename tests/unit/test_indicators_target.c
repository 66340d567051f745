/* test_indicators_target.c — the indicators stage (stages/indicators.h) on small datasets built
 * by hand: progress towards the target (trajectory by role and site, projections, progress
 * by the deadline, dosage bands) and the site targets matched against the data's sites.
 *
 * Each test builds a `struct dataset` directly with the builder of indicators_fixture.h,
 * calls indicators_compute() with hand-made options and compares with figures worked out by
 * hand from docs/requirements.md "Indicators" and docs/indicators.md. The working is in the
 * comment above each test. P-values were worked by hand (hypergeometric tables, the normal
 * tail) and checked with R 4.2.2 (the R expression is quoted); the tests do not need R.
 *
 * Conventions: "P0 youth F" is a person; "S0 2018-03-01 A yes" a session (date, site, QPV
 * flag); "P0@S0" a present attendance, "P0@S0 absent" one that is not present.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "indicators_fixture.h"

/* ---- target --------------------------------------------------------------------------------- */

static void expect_quarters(const struct target_progress *t, size_t n, const char *const *labels,
                            const char *const *ends, const long *cumulative)
{
    if (t->n_quarters != n)
        fail_msg("%s: %zu quarters, expected %zu", t->name, t->n_quarters, n);
    for (size_t q = 0; q < n; q++) {
        assert_string_equal(t->quarters[q].label, labels[q]);
        expect_day(t->quarters[q].end, ends[q], "quarter end");
        if (t->quarters[q].cumulative != cumulative[q])
            fail_msg("%s %s: cumulative %ld, expected %ld", t->name, labels[q],
                     t->quarters[q].cumulative, cumulative[q]);
    }
}

/* Quarterly trajectory, overall and per site, for the target roles only.
 * Sites: 0 "Bellevue Félix Pyat", 1 "Tarascon".
 *   S0 2018-02-01 site 0: Y1 youth, PA parent.
 *   S1 2018-05-10 site 1: Y2 youth.
 *   S2 2018-08-20 site 0: Y2 youth (first time AT site 0), U unknown role.
 *   S3 2018-11-15 site 1: Y3 youth absent (not a presence: the quarters stop at Q3).
 * Quarters from the first to the last present attendance: 2018-Q1 (end 03-31), Q2 (06-30),
 * Q3 (09-30).
 * roles youth only:   overall 1 (Y1), 2 (+Y2), 2;  site 0: 1, 1, 2 (Y2 first at site 0 in
 *                     Q3);  site 1: 0, 1, 1.  PA and U never count.
 * roles youth+parent: overall 2 (Y1, PA), 3, 3;  site 0: 2, 2, 3;  site 1: 0, 1, 1.
 * The period's beneficiaries do not depend on the roles: {Y1, PA, Y2, U} = 4.
 * Site targets {"  bellevue FELIX pyat ": 10}: site 0 matches ignoring case, accents and
 * spaces → target 10, progress 2/10 = 0.2 (youth only); site 1 has none. (An entry naming
 * no site is an error: test_site_targets_match_sites.)
 * Overall target 0 → no projection, reason "no target set". */
static void test_target_trajectory_roles_and_sites(void **state)
{
    (void)state;
    static const char *const sites[] = {"Bellevue Félix Pyat", "Tarascon"};
    static const char *const labels[] = {"2018-Q1", "2018-Q2", "2018-Q3"};
    static const char *const ends[] = {"2018-03-31", "2018-06-30", "2018-09-30"};
    static const struct {
        bool parents;
        long overall[3], site0[3], site1[3];
    } rows[] = {
        {false, {1, 2, 2}, {1, 1, 2}, {0, 1, 1}},
        {true, {2, 3, 3}, {2, 2, 3}, {0, 1, 1}},
    };
    static const struct site_target targets[] = {{"  bellevue FELIX pyat ", 10}};
    struct builder b;
    builder_init(&b, sites, 2);
    uint32_t s0 = session(&b, ymd(2018, 2, 1), 0, QPV_YES),
             s1 = session(&b, ymd(2018, 5, 10), 1, QPV_YES),
             s2 = session(&b, ymd(2018, 8, 20), 0, QPV_YES),
             s3 = session(&b, ymd(2018, 11, 15), 1, QPV_YES);
    uint32_t y1 = person(&b, ROLE_YOUTH, SEX_F), pa = person(&b, ROLE_PARENT, SEX_F),
             y2 = person(&b, ROLE_YOUTH, SEX_M), u = person(&b, ROLE_UNKNOWN, SEX_M),
             y3 = person(&b, ROLE_YOUTH, SEX_M);
    attend(&b, y1, s0, true);
    attend(&b, pa, s0, true);
    attend(&b, y2, s1, true);
    attend(&b, y2, s2, true);
    attend(&b, u, s2, true);
    attend(&b, y3, s3, false);
    for (size_t r = 0; r < sizeof rows / sizeof rows[0]; r++) {
        struct indicators_options o = default_options();
        o.target_roles[ROLE_PARENT] = rows[r].parents;
        o.site_targets = targets;
        o.n_site_targets = 1;
        struct figures *f = compute(&b, &o);
        assert_int_equal(f->periods[0].counts[COUNT_BENEFICIARIES], 4);
        expect_quarters(&f->overall, 3, labels, ends, rows[r].overall);
        expect_quarters(&f->sites[0], 3, labels, ends, rows[r].site0);
        expect_quarters(&f->sites[1], 3, labels, ends, rows[r].site1);
        assert_string_equal(f->overall.name, "overall");
        assert_string_equal(f->sites[0].name, sites[0]);
        assert_int_equal(f->overall.reached, rows[r].overall[2]);
        expect_day(f->overall.last_quarter_end, "2018-09-30", "as_of");
        assert_int_equal(f->overall.target, 0);
        assert_false(f->overall.projection.defined);
        assert_string_equal(f->overall.projection.reason, "no target set");
        assert_int_equal(f->sites[0].target, 10);
        assert_int_equal(f->sites[1].target, 0);
        if (!rows[r].parents)
            expect_close(f->sites[0].progress, 0.2, "site 0 progress");
        indicators_free(f);
    }
}

/* Quarter q (0 = Q1 of `year`) has one session on the 15th of its second month, where
 * counts[q] new youths are present; when counts[q] is 0, person 0 comes back instead, so the
 * quarter has a present attendance but no newcomer. */
static void quarterly(struct builder *b, int year, const int *counts, int n_quarters)
{
    static const char *const sites[] = {"A"};
    builder_init(b, sites, 1);
    for (int q = 0; q < n_quarters; q++) {
        uint32_t s = session(b, ymd(year + q / 4, 3 * (q % 4) + 2, 15), 0, QPV_YES);
        if (counts[q] > 0)
            newcomers(b, counts[q], s, ROLE_YOUTH);
        else
            attend(b, 0, s, true); /* person 0 comes back: the quarter has data */
    }
}

/* A steady +10 per quarter, target 100.
 * 10 new youths in each quarter of 2018 → cumulative 10, 20, 30, 40 at 2018-03-31,
 * 06-30, 09-30, 12-31. The fit uses x in days from the first of the 4 quarter ends:
 *   x = 0, 91 (Apr 30 + May 31 + Jun 30), 183 (+ Jul 31 + Aug 31 + Sep 30), 275 (+ 92).
 *   mean x = 549/4 = 137.25, mean y = 25;
 *   dx = −137.25, −46.25, 45.75, 137.75; dy = −15, −5, 5, 15;
 *   Sxy = 2058.75 + 231.25 + 228.75 + 2066.25 = 4585;
 *   Sxx = 18837.5625 + 2139.0625 + 2093.0625 + 18975.0625 = 42044.75;
 *   slope = 4585 / 42044.75 per day; crossing of y = 100 at
 *   x = 137.25 + 75 · 42044.75 / 4585 = 137.25 + 687.7549… = 825.0049 → 825 days after
 *   2018-03-31 = 2018-12-31 (275) + 365 (2019) + 185 days of 2020 (leap: Jan 31, Feb 29,
 *   Mar 31, Apr 30, May 31, Jun 30 = 182, + 3) = 2020-07-03.
 *   slope per quarter = 4585 / 42044.75 · 365.2425 / 4 = 9.9574671183679264.
 *   (R: lm(y ~ x) gives the same: coef 10.032822171614772, 0.10905047598094884.)
 * Deadline 2020-07-03 → on track (on the deadline); 2020-07-02 → not on track.
 * (Were x in quarter indices, the line would reach 100 at 2020-06-30 exactly.) */
static void test_projection_steady_series(void **state)
{
    (void)state;
    static const int counts[] = {10, 10, 10, 10};
    static const struct {
        day_t deadline;
        bool on_track;
    } rows[] = {{0, true}, {-1, false}};
    struct builder b;
    quarterly(&b, 2018, counts, 4);
    for (size_t r = 0; r < sizeof rows / sizeof rows[0]; r++) {
        struct indicators_options o = default_options();
        o.target = 100;
        o.deadline = ymd(2020, 7, 3) + rows[r].deadline;
        struct figures *f = compute(&b, &o);
        const struct projection *pr = &f->overall.projection;
        assert_int_equal(f->overall.reached, 40);
        expect_close(f->overall.progress, 0.4, "progress");
        assert_true(pr->defined);
        assert_null(pr->reason);
        assert_int_equal(pr->quarters_used, 4);
        expect_day(pr->date, "2020-07-03", "projected date");
        expect_close(pr->slope_per_quarter, 9.9574671183679264, "slope per quarter");
        assert_int_equal(pr->on_track, rows[r].on_track);
        if (pr->has_band)
            assert_true(pr->earliest <= pr->date && pr->date <= pr->latest);
        indicators_free(f);
    }
}

/* The same series with the config's default partial_gap_days (31): the data stop on
 * 2018-11-15, 46 days before the end of 2018, so 2018 is partial and the last quarter's 40
 * is the count on 2018-11-15: the fit places it there (issue 14, defect 6).
 *   x = 0, 91, 183, 229 (2018-03-31 → 11-15: Apr 30 + … + Oct 31 = 214, + 15); mean 125.75;
 *   dx = −125.75, −34.75, 57.25, 103.25; dy = −15, −5, 5, 15;
 *   Sxy = 1886.25 + 173.75 + 286.25 + 1548.75 = 3895;
 *   Sxx = 15813.0625 + 1207.5625 + 3277.5625 + 10660.5625 = 30958.75;
 *   y = 100 at x = 125.75 + 75 · 30958.75 / 3895 = 721.87 → 722 days after 2018-03-31 =
 *   2019-12-31 (640) + 82 = 2020-03-22 (Jan 31 + Feb 29 + 22);
 *   slope per quarter = 3895 / 30958.75 · 365.2425 / 4 = 11.488024690111843.
 * (At the quarter end, test_projection_steady_series: 2020-07-03, too late by 3 months.) */
static void test_projection_partial_quarter(void **state)
{
    (void)state;
    static const int counts[] = {10, 10, 10, 10};
    struct builder b;
    quarterly(&b, 2018, counts, 4);
    struct indicators_options o = default_options();
    o.target = 100;
    o.partial_gap_days = 31;
    struct figures *f = compute(&b, &o);
    assert_true(f->periods[0].partial);
    expect_day(f->periods[0].data_until, "2018-11-15", "data_until");
    const struct projection *pr = &f->overall.projection;
    assert_true(pr->defined);
    expect_day(pr->date, "2020-03-22", "projected date");
    expect_close(pr->slope_per_quarter, 11.488024690111843, "slope per quarter");
    assert_int_equal(f->overall.quarters[3].cumulative, 40);
    expect_day(f->overall.quarters[3].end, "2018-12-31", "the quarter keeps its end");
    indicators_free(f);
}

/* Only the last trend_quarters quarters enter the fit. Cumulative 5, 10, 30 at 2018-03-31,
 * 06-30, 09-30; trend_quarters 2 → the line through (0, 10) and (92, 30) (Jul 31 + Aug 31 +
 * Sep 30 = 92 days): slope 20/92 per day; target 50 is reached 40 / (20/92) = 184 days after
 * 2018-06-30 = 2018-12-31 (09-30 + 92). Slope per quarter = 20/92 · 365.2425/4 =
 * 19.850135869565218. Two points: no band. Deadline 2018-12-31 → on track. */
static void test_projection_last_quarters_only(void **state)
{
    (void)state;
    static const int counts[] = {5, 5, 20};
    struct builder b;
    quarterly(&b, 2018, counts, 3);
    struct indicators_options o = default_options();
    o.target = 50;
    o.deadline = ymd(2018, 12, 31);
    o.trend_quarters = 2;
    struct figures *f = compute(&b, &o);
    const struct projection *pr = &f->overall.projection;
    assert_true(pr->defined);
    assert_int_equal(pr->quarters_used, 2);
    expect_day(pr->date, "2018-12-31", "projected date");
    expect_close(pr->slope_per_quarter, 19.850135869565218, "slope per quarter");
    assert_false(pr->has_band);
    assert_true(pr->on_track);
    indicators_free(f);
}

/* The cases without a projection (youth newcomers per quarter of 2018, "0" = no newcomer but
 * person 0 comes back, so the quarter still has a present attendance):
 *  - 2, 2, 1 (cumulative 2, 4, 5), target 3: reached 5 ≥ 3 → "target already reached";
 *    the 3rd person came on 2018-05-15 (Q2, cumulative 4 at 06-30): deadline 2018-06-30 →
 *    on_track; deadline 2018-05-14, before anyone of Q2 came → not on track.
 *  - same, target 5: reached exactly in Q3 (the 5th person on 2018-08-15): deadline 09-30
 *    → on_track.
 *  - 3 in Q1 only, target 10: one quarter → "fewer than two quarters of data".
 *  - 3, 0, 0 (cumulative 3, 3, 3), target 10: slope 0 → "flat or falling trend".
 *  - 1, 1 (cumulative 1, 2 over 91 days), target 1000: slope 1/91 per day, the line reaches
 *    1000 after 999 · 91 = 90909 days > a century (36525) → "trend too flat …". */
static void test_projection_undefined(void **state)
{
    (void)state;
    static const struct {
        int counts[4], n;
        long target;
        const char *deadline;
        const char *reason;
        bool on_track;
    } rows[] = {
        {{2, 2, 1}, 3, 3, "2018-06-30", "target already reached", true},
        {{2, 2, 1}, 3, 3, "2018-05-14", "target already reached", false},
        {{2, 2, 1}, 3, 5, "2018-09-30", "target already reached", true},
        {{3}, 1, 10, "2019-12-31", "fewer than two quarters of data", false},
        {{3, 0, 0}, 3, 10, "2019-12-31", "flat or falling trend", false},
        {{1, 1},
         2,
         1000,
         "2019-12-31",
         "trend too flat to reach the target within a century",
         false},
    };
    for (size_t r = 0; r < sizeof rows / sizeof rows[0]; r++) {
        struct builder b;
        quarterly(&b, 2018, rows[r].counts, rows[r].n);
        struct indicators_options o = default_options();
        int y, m, d;
        assert_int_equal(sscanf(rows[r].deadline, "%d-%d-%d", &y, &m, &d), 3);
        o.target = rows[r].target;
        o.deadline = ymd(y, m, d);
        struct figures *f = compute(&b, &o);
        const struct projection *pr = &f->overall.projection;
        assert_int_equal(f->overall.n_quarters, (size_t)rows[r].n);
        assert_false(pr->defined);
        if (!pr->reason || strcmp(pr->reason, rows[r].reason) != 0)
            fail_msg("row %zu: reason \"%s\", expected \"%s\"", r, pr->reason ? pr->reason : "",
                     rows[r].reason);
        if (strcmp(rows[r].reason, "target already reached") == 0)
            assert_int_equal(pr->on_track, rows[r].on_track);
        indicators_free(f);
    }
}

/* Dosage and progress by the deadline. One period, 2019; bands [1, 2, 5] → "1", "2-4", "5+".
 * Sessions S0..S4 on 2019-01-10, 02-10, 03-10, 04-10, 05-10, all at site A.
 *   P0 present at S0                     → 1 session   (band "1")
 *   P1 present at S0 S1 S2               → 3 sessions  (band "2-4")
 *   P2 present at S0 S1 S2 S3 S4         → 5 sessions  (band "5+")
 *   P3 present at S1 S2, absent at S3    → 2 sessions  (band "2-4")
 * Sessions per beneficiary sorted: 1 2 3 5. R type 7, h = (n − 1) p:
 *   q1: h = 0.75 → 1 + 0.75 × (2 − 1) = 1.75; median: h = 1.5 → 2 + 0.5 × 1 = 2.5;
 *   q3: h = 2.25 → 3 + 0.25 × (5 − 3) = 3.5; mean 11 / 4 = 2.75.
 * Outcomes, each counted in the band of the sessions attended up to its date:
 *   P0 2019-06-01 employment   → 1 session by then   → band "1":   1/1
 *   P1 2019-02-15 unemployed   → 2 sessions (S0 S1)  → band "2-4": 0/1
 *   P2 2019-03-10 employment   → 3 sessions (S2 same day counts) → band "2-4": 1/2
 *   band "5+": 0/0, undefined.
 * Target 4 (youth), deadline 2019-01-31: P0 P1 P2 first present 01-10, P3 on 02-10, so 3
 * reached by the deadline (progress 0.75) and the 4th person on 2019-02-10: the target is
 * reached, after the deadline (on_track false). */
static void test_dosage_and_deadline(void **state)
{
    (void)state;
    static const char *const sites[] = {"A"};
    struct builder b;
    builder_init(&b, sites, 1);
    uint32_t s[5];
    for (int i = 0; i < 5; i++)
        s[i] = session(&b, ymd(2019, i + 1, 10), 0, QPV_YES);
    uint32_t p[4];
    for (int i = 0; i < 4; i++)
        p[i] = person(&b, ROLE_YOUTH, SEX_F);
    attend(&b, p[0], s[0], true);
    for (int i = 0; i < 3; i++)
        attend(&b, p[1], s[i], true);
    for (int i = 0; i < 5; i++)
        attend(&b, p[2], s[i], true);
    attend(&b, p[3], s[1], true);
    attend(&b, p[3], s[2], true);
    attend(&b, p[3], s[3], false);
    observe(&b, p[0], ymd(2019, 6, 1), CATEGORY_EMPLOYMENT, 1);
    observe(&b, p[1], ymd(2019, 2, 15), CATEGORY_UNEMPLOYED, 2);
    observe(&b, p[2], ymd(2019, 3, 10), CATEGORY_EMPLOYMENT, 3);
    struct indicators_options o = default_options();
    o.first = ymd(2019, 1, 1);
    o.last = ymd(2019, 12, 31);
    o.target = 4;
    o.deadline = ymd(2019, 1, 31);
    o.target_roles[ROLE_PARENT] = false;
    o.n_bands = 3;
    o.bands[0] = (struct dosage_band){1, 1, "1"};
    o.bands[1] = (struct dosage_band){2, 4, "2-4"};
    o.bands[2] = (struct dosage_band){5, 0, "5+"};
    struct figures *f = compute(&b, &o);
    const struct period_figures *pf = &f->periods[0];
    assert_true(pf->dosage.defined);
    expect_close(pf->dosage.q1, 1.75, "q1");
    expect_close(pf->dosage.median, 2.5, "median");
    expect_close(pf->dosage.q3, 3.5, "q3");
    expect_close(pf->dosage.mean, 2.75, "mean");
    assert_int_equal(pf->by_band[0], 1);
    assert_int_equal(pf->by_band[1], 2);
    assert_int_equal(pf->by_band[2], 1);
    assert_int_equal(pf->employment_by_band[0].numerator, 1);
    assert_int_equal(pf->employment_by_band[0].denominator, 1);
    assert_int_equal(pf->employment_by_band[1].numerator, 1);
    assert_int_equal(pf->employment_by_band[1].denominator, 2);
    assert_false(pf->employment_by_band[2].defined);
    assert_true(f->overall.has_deadline);
    assert_int_equal(f->overall.reached_by_deadline, 3);
    expect_close(f->overall.progress_by_deadline, 0.75, "progress by deadline");
    expect_day(f->overall.projection.reached_on, "2019-02-10", "reached_on");
    assert_string_equal(f->overall.projection.reason, "target already reached");
    assert_true(f->overall.projection.on_track_known);
    assert_false(f->overall.projection.on_track);
    indicators_free(f);
}

/* Site targets against the data's sites (issue 14, defect 5). Sites are compared folded
 * (fold_label: case, accents and spaces do not matter), as before; an entry that names no
 * site is an error (stage "config", the config's path) listing the sites found nearest first
 * by edit distance on the folded names, ties in the data's order, at most eight then "and N
 * more"; two entries naming one site are an error too.
 *   "Tarrascon" against Parc Bellevue, Tarascon, Taras: TARRASCON → TARASCON 1 (one R
 *   less), → TARAS 4 (R, C, O, N less), → PARC BELLEVUE more than 4 (13 letters, 9 differ
 *   at least): Tarascon, Taras, Parc Bellevue.
 *   "S1x" against S0 … S9: S1 at 1, every other at 2 (x less, one letter changed), in
 *   order: S1, S0, S2 … S7 shown, 2 more (S8, S9). */
static void test_site_targets_match_sites(void **state)
{
    (void)state;
    static const char *const three[] = {"Parc Bellevue", "Tarascon", "Taras"};
    static const char *const ten[] = {"S0", "S1", "S2", "S3", "S4", "S5", "S6", "S7", "S8", "S9"};
    static const struct {
        const char *const *sites;
        size_t n_sites;
        struct site_target targets[2];
        size_t n_targets;
        const char *message; /* NULL: accepted, the Tarascon target is 50 */
    } rows[] = {
        {three,
         3,
         {{"Tarrascon", 50}},
         1,
         "target.sites.\"Tarrascon\": no site of that name in the data; sites found: "
         "\"Tarascon\", \"Taras\" and \"Parc Bellevue\". Write the site as it is in the data, "
         "or remove the entry."},
        {three, 3, {{"  TARASCON ", 50}}, 1, NULL},
        {three,
         3,
         {{"Tarascon", 50}, {"tarascon", 60}},
         2,
         "target.sites.\"Tarascon\" and target.sites.\"tarascon\" both name the site "
         "\"Tarascon\"; keep one of them."},
        {ten,
         10,
         {{"S1x", 5}},
         1,
         "target.sites.\"S1x\": no site of that name in the data; sites found: \"S1\", \"S0\", "
         "\"S2\", \"S3\", \"S4\", \"S5\", \"S6\", \"S7\" and 2 more. Write the site as it is "
         "in the data, or remove the entry."},
    };
    for (size_t r = 0; r < sizeof rows / sizeof rows[0]; r++) {
        struct builder b;
        builder_init(&b, rows[r].sites, rows[r].n_sites);
        uint32_t s0 = session(&b, ymd(2018, 3, 1), 1, QPV_YES);
        newcomers(&b, 3, s0, ROLE_YOUTH);
        struct indicators_options o = default_options();
        o.site_targets = rows[r].targets;
        o.n_site_targets = rows[r].n_targets;
        o.config_path = "config.json";
        struct figures *f = NULL;
        struct impact_error err = {0};
        int status = indicators_compute(&b.data, &o, &f, &err);
        if (!rows[r].message) {
            assert_int_equal(status, IMPACT_OK);
            assert_int_equal(f->sites[1].target, 50);
        } else {
            if (status != IMPACT_FAIL)
                fail_msg("row %zu: accepted, expected \"%s\"", r, rows[r].message);
            assert_string_equal(err.message, rows[r].message);
            assert_string_equal(err.stage, "config");
            assert_string_equal(err.file, "config.json");
        }
        indicators_free(f);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_target_trajectory_roles_and_sites),
        cmocka_unit_test(test_site_targets_match_sites),
        cmocka_unit_test(test_projection_steady_series),
        cmocka_unit_test(test_projection_last_quarters_only),
        cmocka_unit_test(test_projection_partial_quarter),
        cmocka_unit_test(test_projection_undefined),
        cmocka_unit_test(test_dosage_and_deadline),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
