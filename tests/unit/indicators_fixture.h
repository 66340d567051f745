/* indicators_fixture.h — the dataset builder and the checks shared by the indicators tests
 * (test_indicators_counts.c, test_indicators_changes.c, test_indicators_target.c; include
 * after <cmocka.h>; everything is static inline, so a test uses what it needs).
 *
 * A test builds a `struct dataset` directly (persons, sessions, attendances, outcomes, site
 * names), as the join stage would, and calls indicators_compute() with hand-made options.
 */
#ifndef TEST_INDICATORS_FIXTURE_H
#define TEST_INDICATORS_FIXTURE_H

#include "stages/indicators.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

#define REL_TOL 1e-9

enum { MAX_PERSONS = 128, MAX_SESSIONS = 128, MAX_ATTENDANCES = 256, MAX_OUTCOMES = 32 };

/* A dataset under construction; `data` points into the arrays. */
struct builder {
    struct person_record persons[MAX_PERSONS];
    struct session_record sessions[MAX_SESSIONS];
    struct attendance_record attendances[MAX_ATTENDANCES];
    struct outcome_record outcomes[MAX_OUTCOMES];
    struct dataset data;
};

/* ---- helpers ---------------------------------------------------------------------------- */

static inline day_t ymd(int y, int m, int d)
{
    day_t day = DAY_NONE;
    assert_true(date_from_ymd(y, m, d, &day));
    return day;
}

static inline void builder_init(struct builder *b, const char *const *sites, size_t n_sites)
{
    memset(b, 0, sizeof *b);
    b->data = (struct dataset){.persons = b->persons,
                               .sessions = b->sessions,
                               .attendances = b->attendances,
                               .outcomes = b->outcomes,
                               .n_sites = n_sites,
                               .site_names = sites};
}

static inline uint32_t person(struct builder *b, enum role role, enum sex sex)
{
    assert_true(b->data.n_persons < MAX_PERSONS);
    b->persons[b->data.n_persons] =
        (struct person_record){.role = (uint8_t)role, .sex = (uint8_t)sex};
    return (uint32_t)b->data.n_persons++;
}

static inline uint32_t session(struct builder *b, day_t date, uint32_t site, enum qpv_flag qpv)
{
    assert_true(b->data.n_sessions < MAX_SESSIONS && site < b->data.n_sites);
    b->sessions[b->data.n_sessions] =
        (struct session_record){.date = date, .site = site, .qpv = (uint8_t)qpv};
    return (uint32_t)b->data.n_sessions++;
}

static inline void attend(struct builder *b, uint32_t who, uint32_t where, bool present)
{
    assert_true(b->data.n_attendances < MAX_ATTENDANCES);
    b->attendances[b->data.n_attendances++] =
        (struct attendance_record){.person = who, .session = where, .present = present};
}

static inline void observe(struct builder *b, uint32_t who, day_t on, enum category c,
                           uint64_t order)
{
    assert_true(b->data.n_outcomes < MAX_OUTCOMES);
    b->outcomes[b->data.n_outcomes++] = (struct outcome_record){
        .person = who, .observed_on = on, .category = (uint8_t)c, .order = order};
}

/* `n` new persons of `role`, present at session `where`. */
static inline void newcomers(struct builder *b, int n, uint32_t where, enum role role)
{
    for (int i = 0; i < n; i++)
        attend(b, person(b, role, SEX_UNKNOWN), where, true);
}

static inline struct indicators_options default_options(void)
{
    return (struct indicators_options){
        .period_kind = PERIOD_CALENDAR_YEAR,
        .school_year_start_month = 9,
        .first = DAY_NONE,
        .last = DAY_NONE,
        .confidence = 0.95,
        .deadline = DAY_NONE,
        .target_roles = {[ROLE_YOUTH] = true, [ROLE_PARENT] = true},
        .trend_quarters = 4,
        /* no period is partial unless a test says so (test_partial_periods,
         * test_projection_partial_quarter): the hand-worked data stop mid-quarter */
        .partial_gap_days = 366,
    };
}

static inline struct figures *compute(const struct builder *b, const struct indicators_options *o)
{
    struct figures *f = NULL;
    struct impact_error err = {0};
    if (indicators_compute(&b->data, o, &f, &err) != IMPACT_OK)
        fail_msg("indicators_compute failed: %s", err.message);
    return f;
}

static inline void expect_day(day_t got, const char *iso, const char *what)
{
    char text[11] = "none";
    if (got != DAY_NONE)
        date_format_iso(got, text);
    if (strcmp(text, iso) != 0)
        fail_msg("%s: got %s, expected %s", what, text, iso);
}

static inline void expect_close(double got, double want, const char *what)
{
    bool ok = want == 0.0 ? got == 0.0 : fabs(got - want) <= REL_TOL * fabs(want);
    if (!ok)
        fail_msg("%s: got %.17g, expected %.17g", what, got, want);
}

/* Every count of period `i` against a row of the expected table. */
static inline void expect_counts(const struct figures *f, size_t i, const long want[COUNT_KINDS])
{
    for (int k = 0; k < COUNT_KINDS; k++)
        if (f->periods[i].counts[k] != want[k])
            fail_msg("period %s, %s: got %ld, expected %ld", f->periods[i].label,
                     figures_count_names[k], f->periods[i].counts[k], want[k]);
}

/* A rate is num/den; defined exactly when den > 0, and then inside its interval. */
static inline void expect_rate(const struct rate *r, long num, long den, const char *what)
{
    if (r->numerator != num || r->denominator != den || r->defined != (den > 0))
        fail_msg("%s: got %ld/%ld (defined %d), expected %ld/%ld", what, r->numerator,
                 r->denominator, r->defined, num, den);
    if (den > 0) {
        expect_close(r->rate, (double)num / (double)den, what);
        assert_true(r->ci_low <= r->rate && r->rate <= r->ci_high);
        assert_true(r->ci_low >= 0.0 && r->ci_high <= 1.0);
    }
}

static inline void expect_period(const struct period_figures *p, const char *label,
                                 const char *start, const char *end)
{
    assert_string_equal(p->label, label);
    expect_day(p->start, start, "period start");
    expect_day(p->end, end, "period end");
}

#endif /* TEST_INDICATORS_FIXTURE_H */
