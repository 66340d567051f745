/* test_emit.c — stages/emit.c: the shape of indicators.json.
 *
 * A small `struct figures` is filled by hand (two periods, two sites, a target with a
 * defined projection overall and undefined ones per site); emit_indicators_json() must
 * give the document docs/indicators.md describes: the top-level keys in their order (with
 * "charts", the chart files and text alternatives, between target and config), counts
 * as JSON integers, splits as objects, rates as {numerator, denominator, rate, ci_low,
 * ci_high} with nulls (never 0) when undefined, change_from_previous null for the first
 * period, projections with nulls when undefined. emit_indicators() must write the same
 * document, byte-identical from one call to the next, with reals at 10 significant digits,
 * and fail naming the path when it cannot write.
 *
 * The figures are arbitrary but self-consistent; every expected value below is the value
 * put in, so the working is the fixture itself.
 */
#include "stages/emit.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

struct fixture {
    struct period_figures periods[2];
    long by_site[2][2];
    struct count_change site_changes[2][2];
    uint8_t site_change_flags[2][2];
    struct quarter_point quarters[2];
    struct target_progress sites[2];
    struct input_summary inputs[1];
    struct chart_list charts;
    struct figures fig;
    struct emit_context ctx;
    json_t *config;
    char dir[64]; /* mkdtemp folder for the file tests */
};

static const char *const site_names[] = {"Tarascon", "Les Lauriers"};

/* ---- helpers ---------------------------------------------------------------------------- */

static day_t ymd(int y, int m, int d)
{
    day_t day = DAY_NONE;
    assert_true(date_from_ymd(y, m, d, &day));
    return day;
}

static json_t *at(const json_t *obj, const char *key)
{
    json_t *v = json_object_get(obj, key);
    if (!v)
        fail_msg("key \"%s\" missing", key);
    return v;
}

static void want_int(const json_t *obj, const char *key, long want)
{
    json_t *v = at(obj, key);
    if (!json_is_integer(v) || json_integer_value(v) != want)
        fail_msg("%s: expected the integer %ld", key, want);
}

static void want_real(const json_t *obj, const char *key, double want)
{
    json_t *v = at(obj, key);
    if (!json_is_real(v) || fabs(json_real_value(v) - want) > 1e-12 * fabs(want))
        fail_msg("%s: expected the real %.17g", key, want);
}

static void want_null(const json_t *obj, const char *key)
{
    if (!json_is_null(at(obj, key)))
        fail_msg("%s: expected null", key);
}

static void want_string(const json_t *obj, const char *key, const char *want)
{
    json_t *v = at(obj, key);
    if (!json_is_string(v) || strcmp(json_string_value(v), want) != 0)
        fail_msg("%s: expected \"%s\"", key, want);
}

/* ---- the fixture ---------------------------------------------------------------------------- */

static struct rate rate_of(long num, long den, double low, double high)
{
    return (struct rate){.numerator = num,
                         .denominator = den,
                         .defined = den > 0,
                         .rate = den > 0 ? (double)num / (double)den : 0,
                         .ci_low = low,
                         .ci_high = high};
}

/* The second period's splits (youth 7, parent 2, unknown 1; F 5, M 5, unknown 0) and their
 * changes from the first, and the changes of the rates' terms: qpv_share 6/10 → 6/11,
 * employment 0/0 → 2/4 (relative null from 0). */
static void fill_split_changes(struct fixture *fx)
{
    struct period_figures *p = &fx->periods[1];
    p->by_role[ROLE_YOUTH] = 7, p->by_role[ROLE_PARENT] = 2, p->by_role[ROLE_UNKNOWN] = 1;
    p->by_sex[SEX_F] = 5, p->by_sex[SEX_M] = 5, p->by_sex[SEX_UNKNOWN] = 0;
    p->role_changes[ROLE_YOUTH] = (struct count_change){2, true, 0.4};
    p->role_changes[ROLE_PARENT] = (struct count_change){0, true, 0.0};
    p->role_changes[ROLE_UNKNOWN] = (struct count_change){0, true, 0.0};
    p->sex_changes[SEX_F] = (struct count_change){1, true, 0.25};
    p->sex_changes[SEX_M] = (struct count_change){2, true, 2.0 / 3.0};
    p->sex_changes[SEX_UNKNOWN] = (struct count_change){-1, true, -1.0};
    fx->site_changes[1][0] = (struct count_change){2, true, 0.4};
    fx->site_changes[1][1] = (struct count_change){-2, true, -1.0 / 3.0};
    p->numerator_changes[RATE_QPV_SHARE] = (struct count_change){0, true, 0.0};
    p->denominator_changes[RATE_QPV_SHARE] = (struct count_change){1, true, 0.1};
    p->numerator_changes[RATE_EMPLOYMENT] = (struct count_change){2, false, 0};
    p->denominator_changes[RATE_EMPLOYMENT] = (struct count_change){4, false, 0};
}

static void fill_periods(struct fixture *fx)
{
    static const long counts[2][COUNT_KINDS] = {{10, 6, 0, 30, 8, 8, 8}, {12, 6, 1, 36, 10, 3, 11}};
    struct period_figures *p = fx->periods;
    for (int i = 0; i < 2; i++) {
        snprintf(p[i].label, sizeof p[i].label, "%d", 2018 + i);
        p[i].start = ymd(2018 + i, 1, 1);
        p[i].end = ymd(2018 + i, 12, 31);
        memcpy(p[i].counts, counts[i], sizeof counts[i]);
        p[i].by_site = fx->by_site[i];
        p[i].site_changes = fx->site_changes[i];
    }
    p[0].by_role[ROLE_YOUTH] = 5, p[0].by_role[ROLE_PARENT] = 2, p[0].by_role[ROLE_UNKNOWN] = 1;
    p[0].by_sex[SEX_F] = 4, p[0].by_sex[SEX_M] = 3, p[0].by_sex[SEX_UNKNOWN] = 1;
    fx->by_site[0][0] = 5, fx->by_site[0][1] = 6;
    fx->by_site[1][0] = 7, fx->by_site[1][1] = 4;
    p[0].rates[RATE_QPV_SHARE] = rate_of(6, 10, 0.3, 0.8);
    p[0].rates[RATE_SHARE_GIRLS] = rate_of(4, 7, 0.25, 0.84);
    p[1].rates[RATE_QPV_SHARE] = rate_of(6, 11, 0.28, 0.78);
    p[1].rates[RATE_EMPLOYMENT] = rate_of(2, 4, 0.15, 0.85);
    p[1].has_previous = true;
    for (int k = 0; k < COUNT_KINDS; k++) {
        long prev = counts[0][k], cur = counts[1][k];
        p[1].count_changes[k] =
            (struct count_change){.absolute = cur - prev,
                                  .relative_defined = prev != 0,
                                  .relative = prev ? (double)(cur - prev) / prev : 0};
    }
    p[1].rate_changes[RATE_QPV_SHARE] = (struct rate_change){
        .defined = true, .difference = -0.0545, .test = RATE_TEST_Z, .p_value = 0.8};
    p[1].rate_changes[RATE_SHARE_GIRLS] = (struct rate_change){
        .defined = true, .difference = 0.25, .test = RATE_TEST_FISHER, .p_value = 0.5};
    p[1].rate_changes[RATE_EMPLOYMENT] =
        (struct rate_change){.defined = false, .test = RATE_TEST_NONE, .p_value = 1.0};
    fill_split_changes(fx);
}

static void fill_target(struct fixture *fx)
{
    struct figures *f = &fx->fig;
    fx->quarters[0] =
        (struct quarter_point){.label = "2019-Q3", .end = ymd(2019, 9, 30), .cumulative = 8};
    fx->quarters[1] =
        (struct quarter_point){.label = "2019-Q4", .end = ymd(2019, 12, 31), .cumulative = 11};
    f->overall = (struct target_progress){.name = "overall",
                                          .target = 30,
                                          .n_quarters = 2,
                                          .quarters = fx->quarters,
                                          .reached = 11,
                                          .progress = 11.0 / 30.0,
                                          .last_quarter_end = ymd(2019, 12, 31)};
    f->overall.projection = (struct projection){.defined = true,
                                                .quarters_used = 2,
                                                .slope_per_quarter = 3.0,
                                                .date = ymd(2021, 6, 30),
                                                .has_band = true,
                                                .earliest = ymd(2021, 1, 1),
                                                .latest = ymd(2022, 1, 1),
                                                .on_track = false,
                                                .on_track_known = true,
                                                .reached_on = DAY_NONE};
    fx->sites[0] =
        (struct target_progress){.name = site_names[0],
                                 .last_quarter_end = DAY_NONE,
                                 .projection = {.reason = "no target set", .reached_on = DAY_NONE}};
    fx->sites[1] = (struct target_progress){.name = site_names[1],
                                            .target = 4,
                                            .n_quarters = 2,
                                            .quarters = fx->quarters,
                                            .reached = 11,
                                            .progress = 11.0 / 4.0,
                                            .last_quarter_end = ymd(2019, 12, 31),
                                            .projection = {.reason = "target already reached",
                                                           .on_track = true,
                                                           .on_track_known = true,
                                                           .reached_on = ymd(2019, 8, 14)}};
    f->sites = fx->sites;
    f->deadline = ymd(2020, 12, 31);
}

static int setup(void **state)
{
    struct fixture *fx = calloc(1, sizeof *fx);
    assert_non_null(fx);
    fill_periods(fx);
    fill_target(fx);
    fx->fig.n_periods = 2;
    fx->fig.periods = fx->periods;
    fx->fig.n_sites = 2;
    fx->fig.site_names = site_names;
    fx->fig.confidence = 0.95;
    fx->inputs[0] = (struct input_summary){.path = "samples/attendance.csv",
                                           .kind = "attendance",
                                           .sha256 = "ab12",
                                           .rows_read = 40,
                                           .rows_accepted = 36,
                                           .rows_rejected = 3,
                                           .rows_duplicate = 1};
    fx->config = json_pack("{s:s, s:[{s:s}]}", "programme", "Test", "inputs", "path",
                           "samples/attendance.csv");
    fx->charts.count = 1;
    fx->charts.charts[0] = (struct chart_info){.name = "qpv_share",
                                               .png_file = "qpv_share.png",
                                               .svg_file = "qpv_share.svg",
                                               .title = "Sessions in QPV",
                                               .alt_text = "Share of sessions in QPV."};
    fx->ctx = (struct emit_context){.programme = "Test programme",
                                    .run_date = "2026-01-15",
                                    .inputs = fx->inputs,
                                    .n_inputs = 1,
                                    .config = fx->config,
                                    .charts = &fx->charts};
    strcpy(fx->dir, "/tmp/test_emit.XXXXXX");
    assert_non_null(mkdtemp(fx->dir));
    *state = fx;
    return 0;
}

static int teardown(void **state)
{
    struct fixture *fx = *state;
    static const char *const names[] = {"a.json", "b.json"};
    for (size_t i = 0; i < 2; i++) {
        char path[128];
        snprintf(path, sizeof path, "%s/%s", fx->dir, names[i]);
        unlink(path);
    }
    rmdir(fx->dir);
    json_decref(fx->config);
    free(fx);
    return 0;
}

/* ---- document shape -------------------------------------------------------------------------- */

/* Top-level keys in the documented order, with their values. */
static void test_top_level(void **state)
{
    struct fixture *fx = *state;
    static const char *const keys[] = {"schema_version",   "programme", "run_date",
                                       "confidence_level", "inputs",    "periods",
                                       "target",           "charts",    "config"};
    enum { N_KEYS = sizeof keys / sizeof keys[0] };
    json_t *doc = emit_indicators_json(&fx->fig, &fx->ctx);
    assert_non_null(doc);
    assert_int_equal(json_object_size(doc), N_KEYS);
    void *it = json_object_iter(doc);
    for (size_t i = 0; i < N_KEYS; i++, it = json_object_iter_next(doc, it))
        assert_string_equal(json_object_iter_key(it), keys[i]);
    want_string(doc, "schema_version", "1.0");
    want_string(doc, "programme", "Test programme");
    want_string(doc, "run_date", "2026-01-15");
    want_real(doc, "confidence_level", 0.95);
    json_t *inputs = at(doc, "inputs");
    assert_int_equal(json_array_size(inputs), 1);
    json_t *in = json_array_get(inputs, 0);
    want_string(in, "path", "samples/attendance.csv");
    want_string(in, "kind", "attendance");
    want_string(in, "sha256", "ab12");
    want_int(in, "rows_read", 40);
    want_int(in, "rows_accepted", 36);
    want_int(in, "rows_rejected", 3);
    want_int(in, "rows_duplicate", 1);
    json_t *charts = at(doc, "charts");
    assert_int_equal(json_array_size(charts), 1);
    json_t *chart = json_array_get(charts, 0);
    want_string(chart, "name", "qpv_share");
    want_string(chart, "png", "qpv_share.png");
    want_string(chart, "svg", "qpv_share.svg");
    want_string(chart, "title", "Sessions in QPV");
    want_string(chart, "alt_text", "Share of sessions in QPV.");
    json_t *config = at(doc, "config");
    assert_true(json_equal(config, fx->config));
    assert_ptr_not_equal(config, fx->config); /* a copy: the caller keeps its reference */
    json_decref(doc);

    /* No charts: an empty array. */
    fx->ctx.charts = NULL;
    doc = emit_indicators_json(&fx->fig, &fx->ctx);
    assert_true(json_is_array(at(doc, "charts")) && json_array_size(at(doc, "charts")) == 0);
    json_decref(doc);
}

/* Counts as integers, splits as objects, rates with nulls when undefined, and
 * change_from_previous null for the first period only. */
static void test_periods(void **state)
{
    struct fixture *fx = *state;
    static const long counts[COUNT_KINDS] = {10, 6, 0, 30, 8, 8, 8};
    json_t *doc = emit_indicators_json(&fx->fig, &fx->ctx);
    json_t *periods = at(doc, "periods");
    assert_int_equal(json_array_size(periods), 2);
    json_t *p = json_array_get(periods, 0);
    want_string(p, "label", "2018");
    want_string(p, "start", "2018-01-01");
    want_string(p, "end", "2018-12-31");
    for (int k = 0; k < COUNT_KINDS; k++)
        want_int(p, figures_count_names[k], counts[k]);
    json_t *role = at(p, "beneficiaries_by_role"), *sex = at(p, "beneficiaries_by_sex");
    json_t *site = at(p, "beneficiaries_by_site");
    assert_true(json_is_object(role) && json_is_object(sex) && json_is_object(site));
    want_int(role, "youth", 5);
    want_int(role, "parent", 2);
    want_int(role, "unknown", 1);
    want_int(sex, "F", 4);
    want_int(sex, "M", 3);
    want_int(sex, "unknown", 1);
    assert_int_equal(json_object_size(site), 2);
    want_int(site, "Tarascon", 5);
    want_int(site, "Les Lauriers", 6);

    json_t *qpv = at(p, "qpv_share");
    assert_int_equal(json_object_size(qpv), 5);
    want_int(qpv, "numerator", 6);
    want_int(qpv, "denominator", 10);
    want_real(qpv, "rate", 0.6);
    want_real(qpv, "ci_low", 0.3);
    want_real(qpv, "ci_high", 0.8);
    static const char *const undefined[] = {"employment", "positive_outcome"};
    for (size_t i = 0; i < 2; i++) {
        json_t *r = at(p, undefined[i]);
        want_int(r, "numerator", 0);
        want_int(r, "denominator", 0);
        want_null(r, "rate");
        want_null(r, "ci_low");
        want_null(r, "ci_high");
    }
    want_null(p, "change_from_previous");
    json_decref(doc);
}

/* change_from_previous of the second period: every count with {absolute, relative}
 * (relative null from 0: qpv_unknown_sessions 0 → 1), every rate with {difference, test,
 * p_value} (all null when undefined: employment). */
static void test_changes(void **state)
{
    struct fixture *fx = *state;
    static const struct {
        const char *key;
        long absolute;
        double relative; /* NAN: null */
    } counts[] = {
        {"sessions", 2, 0.2},
        {"qpv_sessions", 0, 0.0},
        {"qpv_unknown_sessions", 1, NAN},
        {"attendances", 6, 0.2},
        {"beneficiaries", 2, 0.25},
        {"new_beneficiaries", -5, -0.625},
        {"cumulative_beneficiaries", 3, 0.375},
    };
    static const struct {
        const char *key, *test;
        double difference, p_value;
    } rates[] = {
        {"qpv_share", "z", -0.0545, 0.8},
        {"share_girls", "fisher", 0.25, 0.5},
        {"employment", NULL, 0, 0},
        {"positive_outcome", NULL, 0, 0},
    };
    json_t *doc = emit_indicators_json(&fx->fig, &fx->ctx);
    json_t *changes = at(json_array_get(at(doc, "periods"), 1), "change_from_previous");
    assert_true(json_is_object(changes));
    assert_int_equal(json_object_size(changes), 1 + COUNT_KINDS + 3 + RATE_KINDS);
    assert_true(json_is_false(at(changes, "partial")));
    for (size_t i = 0; i < sizeof counts / sizeof counts[0]; i++) {
        json_t *c = at(changes, counts[i].key);
        want_int(c, "absolute", counts[i].absolute);
        if (isnan(counts[i].relative))
            want_null(c, "relative");
        else if (counts[i].relative == 0.0)
            assert_true(json_is_real(at(c, "relative")) && json_real_value(at(c, "relative")) == 0);
        else
            want_real(c, "relative", counts[i].relative);
    }
    for (size_t i = 0; i < sizeof rates / sizeof rates[0]; i++) {
        json_t *c = at(changes, rates[i].key);
        assert_int_equal(json_object_size(c), 5);
        if (!rates[i].test) {
            want_null(c, "difference");
            want_null(c, "test");
            want_null(c, "p_value");
            continue;
        }
        want_real(c, "difference", rates[i].difference);
        want_string(c, "test", rates[i].test);
        want_real(c, "p_value", rates[i].p_value);
    }
    json_decref(doc);
}

/* {absolute, relative} under obj.key; relative NAN: null. */
static void want_change(const json_t *obj, const char *key, long absolute, double relative)
{
    json_t *c = at(obj, key);
    assert_int_equal(json_object_size(c), 2);
    want_int(c, "absolute", absolute);
    if (isnan(relative))
        want_null(c, "relative");
    else if (relative == 0.0)
        assert_true(json_is_real(at(c, "relative")) && json_real_value(at(c, "relative")) == 0);
    else
        want_real(c, "relative", relative);
}

/* Every count has its change (defect 2 of issue 14): the role, sex and site cells under
 * change_from_previous.beneficiaries_by_role / _by_sex / _by_site, as the splits are named
 * in the period, and each rate's numerator and denominator inside its change object. */
static void test_split_changes(void **state)
{
    struct fixture *fx = *state;
    json_t *doc = emit_indicators_json(&fx->fig, &fx->ctx);
    json_t *changes = at(json_array_get(at(doc, "periods"), 1), "change_from_previous");
    json_t *role = at(changes, "beneficiaries_by_role"), *sex = at(changes, "beneficiaries_by_sex");
    json_t *site = at(changes, "beneficiaries_by_site");
    assert_int_equal(json_object_size(role), ROLE_COUNT);
    want_change(role, "youth", 2, 0.4);
    want_change(role, "parent", 0, 0.0);
    want_change(role, "unknown", 0, 0.0);
    assert_int_equal(json_object_size(sex), SEX_COUNT);
    want_change(sex, "F", 1, 0.25);
    want_change(sex, "M", 2, 2.0 / 3.0);
    want_change(sex, "unknown", -1, -1.0);
    assert_int_equal(json_object_size(site), 2);
    want_change(site, "Tarascon", 2, 0.4);
    want_change(site, "Les Lauriers", -2, -1.0 / 3.0);
    want_change(at(changes, "qpv_share"), "numerator", 0, 0.0);
    want_change(at(changes, "qpv_share"), "denominator", 1, 0.1);
    want_change(at(changes, "employment"), "numerator", 2, NAN);
    want_change(at(changes, "employment"), "denominator", 4, NAN);
    json_decref(doc);
}

/* A partial last period (issue 14, defect 6): "partial" and "data_until" after "end" in
 * every period (false and null when complete), and "partial" first in its changes. */
static void test_partial_period(void **state)
{
    struct fixture *fx = *state;
    fx->periods[1].partial = true;
    fx->periods[1].data_until = ymd(2019, 10, 16);
    fx->periods[1].changes_partial = true;
    fx->periods[0].data_until = DAY_NONE;
    json_t *doc = emit_indicators_json(&fx->fig, &fx->ctx);
    json_t *p0 = json_array_get(at(doc, "periods"), 0), *p1 = json_array_get(at(doc, "periods"), 1);
    static const char *const first[] = {"label", "start", "end", "partial", "data_until"};
    void *it = json_object_iter(p1);
    for (size_t k = 0; k < 5; k++, it = json_object_iter_next(p1, it))
        assert_string_equal(json_object_iter_key(it), first[k]);
    assert_true(json_is_true(at(p1, "partial")));
    want_string(p1, "data_until", "2019-10-16");
    assert_true(json_is_false(at(p0, "partial")));
    want_null(p0, "data_until");
    json_t *changes = at(p1, "change_from_previous");
    assert_string_equal(json_object_iter_key(json_object_iter(changes)), "partial");
    assert_true(json_is_true(at(changes, "partial")));
    want_int(at(changes, "beneficiaries"), "absolute", 2); /* still computed */
    json_decref(doc);
}

/* target: total, deadline, overall (scope) and sites[] (site) with their quarters and
 * projections; nulls where there is no target or no projection. */
static void test_target(void **state)
{
    struct fixture *fx = *state;
    json_t *doc = emit_indicators_json(&fx->fig, &fx->ctx);
    json_t *target = at(doc, "target");
    want_int(target, "total", 30);
    want_string(target, "deadline", "2020-12-31");
    json_t *overall = at(target, "overall");
    want_string(overall, "scope", "overall");
    want_int(overall, "target", 30);
    want_int(overall, "reached", 11);
    want_string(overall, "as_of", "2019-12-31");
    want_real(overall, "progress", 11.0 / 30.0);
    json_t *quarters = at(overall, "quarters");
    assert_int_equal(json_array_size(quarters), 2);
    want_string(json_array_get(quarters, 0), "quarter", "2019-Q3");
    want_string(json_array_get(quarters, 0), "end", "2019-09-30");
    want_int(json_array_get(quarters, 1), "cumulative", 11);
    json_t *pr = at(overall, "projection");
    assert_true(json_is_true(at(pr, "defined")));
    want_null(pr, "reason");
    want_int(pr, "quarters_used", 2);
    want_real(pr, "slope_per_quarter", 3.0);
    want_string(pr, "date", "2021-06-30");
    want_string(pr, "earliest", "2021-01-01");
    want_string(pr, "latest", "2022-01-01");
    assert_true(json_is_false(at(pr, "on_track")));

    json_t *sites = at(target, "sites");
    assert_int_equal(json_array_size(sites), 2);
    json_t *s0 = json_array_get(sites, 0), *s1 = json_array_get(sites, 1);
    want_string(s0, "site", "Tarascon");
    want_null(s0, "target");
    want_null(s0, "progress");
    want_null(s0, "as_of");
    want_int(s0, "reached", 0);
    assert_int_equal(json_array_size(at(s0, "quarters")), 0);
    static const char *const nulls[] = {"quarters_used", "slope_per_quarter", "date", "earliest",
                                        "latest"};
    for (size_t i = 0; i < 2; i++) {
        json_t *p = at(json_array_get(sites, i), "projection");
        assert_true(json_is_false(at(p, "defined")));
        for (size_t k = 0; k < sizeof nulls / sizeof nulls[0]; k++)
            want_null(p, nulls[k]);
    }
    want_string(at(s0, "projection"), "reason", "no target set");
    want_null(at(s0, "projection"), "on_track"); /* no projection, no deadline verdict */
    want_string(s1, "reached_on", "2019-08-14");
    want_string(s1, "site", "Les Lauriers");
    want_real(s1, "progress", 11.0 / 4.0);
    want_string(at(s1, "projection"), "reason", "target already reached");
    /* issue 14, defect 11: the projection says the day the target was met */
    want_string(at(s1, "projection"), "reached_on", "2019-08-14");
    want_null(at(s0, "projection"), "reached_on");
    want_null(pr, "reached_on");
    assert_true(json_is_true(at(at(s1, "projection"), "on_track")));
    json_decref(doc);

    /* A defined projection without a band: earliest and latest null, date kept. No target
     * and no deadline: total and deadline null. */
    fx->fig.overall.projection.has_band = false;
    fx->fig.overall.target = 0;
    fx->fig.deadline = DAY_NONE;
    doc = emit_indicators_json(&fx->fig, &fx->ctx);
    target = at(doc, "target");
    pr = at(at(target, "overall"), "projection");
    want_string(pr, "date", "2021-06-30");
    want_null(pr, "earliest");
    want_null(pr, "latest");
    want_null(target, "total");
    want_null(target, "deadline");
    want_null(at(target, "overall"), "progress");
    json_decref(doc);
}

/* ---- the public document --------------------------------------------------------------------- */

enum { S = WITHHELD_SMALL_CELL, C = WITHHELD_COMPLEMENTARY };

/* Withheld values as stages/disclose.c leaves them: zeroed, with their flags. */
static void withhold_some(struct fixture *fx, uint8_t site_flags[2][2])
{
    struct period_figures *p = fx->periods;
    fx->fig.suppression_threshold = 11;
    p[0].withheld.by_site = site_flags[0], p[1].withheld.by_site = site_flags[1];
    site_flags[0][1] = S, fx->by_site[0][1] = 0;
    p[0].withheld.counts[COUNT_BENEFICIARIES] = S, p[0].counts[COUNT_BENEFICIARIES] = 0;
    p[0].withheld.by_role[ROLE_PARENT] = C, p[0].by_role[ROLE_PARENT] = 0;
    p[0].withheld.by_band[1] = S, p[0].by_band[1] = 0;
    p[0].withheld.dosage = S, p[0].dosage = (struct dosage){0};
    p[0].withheld.rates[RATE_SHARE_GIRLS] = C, p[0].rates[RATE_SHARE_GIRLS] = (struct rate){0};
    p[1].withheld.count_changes[COUNT_BENEFICIARIES] = S;
    p[1].count_changes[COUNT_BENEFICIARIES] = (struct count_change){0};
    p[1].withheld.rate_changes[RATE_SHARE_GIRLS] = C;
    p[1].rate_changes[RATE_SHARE_GIRLS] = (struct rate_change){0};
    p[1].numerator_changes[RATE_SHARE_GIRLS] = p[1].denominator_changes[RATE_SHARE_GIRLS] =
        (struct count_change){0};
    /* the split changes withheld with the first period's parent and Les Lauriers cells */
    p[1].withheld.role_changes[ROLE_PARENT] = C,
    p[1].role_changes[ROLE_PARENT] = (struct count_change){0};
    p[1].withheld.site_changes = fx->site_change_flags[1];
    fx->site_change_flags[1][1] = S, fx->site_changes[1][1] = (struct count_change){0};
    fx->quarters[0].withheld = S, fx->quarters[0].cumulative = 0;
    fx->sites[1].withheld = S, fx->sites[1].reached = 0, fx->sites[1].progress = 0;
}

static void want_keys(const json_t *obj, const char *const *keys, size_t n)
{
    assert_int_equal(json_object_size(obj), n);
    void *it = json_object_iter((json_t *)obj);
    for (size_t i = 0; i < n; i++, it = json_object_iter_next((json_t *)obj, it))
        assert_string_equal(json_object_iter_key(it), keys[i]);
}

/* The suppressed map: exactly these paths, in this order, with these reasons. */
static void want_map(const json_t *map, const char *const (*entries)[2], size_t n)
{
    assert_int_equal(json_object_size(map), n);
    void *it = json_object_iter((json_t *)map);
    for (size_t i = 0; i < n; i++, it = json_object_iter_next((json_t *)map, it)) {
        assert_string_equal(json_object_iter_key(it), entries[i][0]);
        assert_string_equal(json_string_value(json_object_iter_value(it)), entries[i][1]);
    }
}

/* Same figures, no flag: the internal document has no disclosure key anywhere. */
static void test_internal_has_no_flags(void **state)
{
    struct fixture *fx = *state;
    json_t *doc = emit_indicators_json(&fx->fig, &fx->ctx);
    char *text = json_dumps(doc, 0);
    assert_null(strstr(text, "suppressed"));
    assert_null(strstr(text, "disclosure"));
    free(text);
    json_decref(doc);
}

/* "disclosure" after confidence_level; withheld counts, split cells, dosage figures and
 * changes null and listed by path in the period's "suppressed" map; a withheld rate all
 * null with its reason inside. */
static void test_public_periods(void **state)
{
    struct fixture *fx = *state;
    static const char *const keys[] = {
        "schema_version", "programme", "run_date", "confidence_level", "disclosure",
        "inputs",         "periods",   "target",   "charts",           "config"};
    static const char *const p0[][2] = {{"beneficiaries", "small_cell"},
                                        {"beneficiaries_by_role.parent", "complementary"},
                                        {"beneficiaries_by_site.Les Lauriers", "small_cell"},
                                        {"dosage.sessions_per_beneficiary_median", "small_cell"},
                                        {"dosage.q1", "small_cell"},
                                        {"dosage.q3", "small_cell"},
                                        {"dosage.mean", "small_cell"},
                                        {"dosage.bands[1].beneficiaries", "small_cell"}};
    static const char *const p1[][2] = {
        {"change_from_previous.beneficiaries", "small_cell"},
        {"change_from_previous.beneficiaries_by_role.parent", "complementary"},
        {"change_from_previous.beneficiaries_by_site.Les Lauriers", "small_cell"},
        {"change_from_previous.share_girls", "complementary"}};
    uint8_t site_flags[2][2] = {{0}};
    fx->fig.n_bands = 2;
    fx->fig.bands[0] = (struct dosage_band){1, 1, "1"};
    fx->fig.bands[1] = (struct dosage_band){2, 0, "2+"};
    fx->periods[0].by_band[0] = 5, fx->periods[0].by_band[1] = 3;
    withhold_some(fx, site_flags);
    json_t *doc = emit_indicators_json(&fx->fig, &fx->ctx);
    want_keys(doc, keys, sizeof keys / sizeof keys[0]);
    want_int(at(doc, "disclosure"), "threshold", 11);
    json_t *p = json_array_get(at(doc, "periods"), 0);
    want_null(p, "beneficiaries");
    want_int(p, "sessions", 10);
    want_null(at(p, "beneficiaries_by_role"), "parent");
    want_int(at(p, "beneficiaries_by_role"), "youth", 5);
    want_null(at(p, "beneficiaries_by_site"), "Les Lauriers");
    json_t *girls = at(p, "share_girls");
    static const char *const rate_keys[] = {"numerator", "denominator", "rate",
                                            "ci_low",    "ci_high",     "suppressed"};
    want_keys(girls, rate_keys, 6);
    for (size_t i = 0; i < 5; i++)
        want_null(girls, rate_keys[i]);
    want_string(girls, "suppressed", "complementary");
    assert_null(json_object_get(at(p, "qpv_share"), "suppressed"));
    json_t *dosage = at(p, "dosage");
    want_null(dosage, "sessions_per_beneficiary_median");
    want_int(json_array_get(at(dosage, "bands"), 0), "beneficiaries", 5);
    want_null(json_array_get(at(dosage, "bands"), 1), "beneficiaries");
    want_map(at(p, "suppressed"), p0, sizeof p0 / sizeof p0[0]);

    p = json_array_get(at(doc, "periods"), 1);
    want_map(at(p, "suppressed"), p1, sizeof p1 / sizeof p1[0]);
    json_t *change = at(at(p, "change_from_previous"), "beneficiaries");
    want_null(change, "absolute");
    want_null(change, "relative");
    json_t *changes = at(p, "change_from_previous");
    want_null(at(at(changes, "beneficiaries_by_role"), "parent"), "absolute");
    want_null(at(at(changes, "beneficiaries_by_role"), "parent"), "relative");
    want_int(at(at(changes, "beneficiaries_by_role"), "youth"), "absolute", 2);
    want_null(at(at(changes, "beneficiaries_by_site"), "Les Lauriers"), "absolute");
    want_int(at(at(changes, "beneficiaries_by_site"), "Tarascon"), "absolute", 2);
    want_null(at(at(changes, "share_girls"), "numerator"), "absolute");
    want_null(at(at(changes, "share_girls"), "denominator"), "relative");
    want_int(at(at(changes, "qpv_share"), "denominator"), "absolute", 1);
    want_null(at(at(p, "change_from_previous"), "share_girls"), "test");
    want_int(at(at(p, "change_from_previous"), "sessions"), "absolute", 2);
    json_decref(doc);

    /* Nothing withheld in a period: an empty map, still there. */
    fx->periods[1].withheld = (struct period_withheld){.by_site = site_flags[1]};
    doc = emit_indicators_json(&fx->fig, &fx->ctx);
    json_t *empty = at(json_array_get(at(doc, "periods"), 1), "suppressed");
    assert_true(json_is_object(empty) && json_object_size(empty) == 0);
    json_decref(doc);
}

/* A withheld quarter: cumulative null with its reason; the target objects' maps. */
static void test_public_target(void **state)
{
    struct fixture *fx = *state;
    static const char *const site1[][2] = {{"reached", "small_cell"}, {"progress", "small_cell"}};
    uint8_t site_flags[2][2] = {{0}};
    withhold_some(fx, site_flags);
    json_t *doc = emit_indicators_json(&fx->fig, &fx->ctx);
    json_t *overall = at(at(doc, "target"), "overall");
    json_t *q0 = json_array_get(at(overall, "quarters"), 0);
    json_t *q1 = json_array_get(at(overall, "quarters"), 1);
    want_null(q0, "cumulative");
    want_string(q0, "suppressed", "small_cell");
    want_int(q1, "cumulative", 11);
    assert_null(json_object_get(q1, "suppressed"));
    want_int(overall, "reached", 11);
    assert_int_equal(json_object_size(at(overall, "suppressed")), 0);
    json_t *s1 = json_array_get(at(at(doc, "target"), "sites"), 1);
    want_null(s1, "reached");
    want_null(s1, "progress");
    want_map(at(s1, "suppressed"), site1, 2);
    json_decref(doc);
}

/* ---- files ---------------------------------------------------------------------------------- */

static char *slurp(const char *path, size_t *len)
{
    FILE *file = fopen(path, "rb");
    assert_non_null(file);
    assert_int_equal(fseek(file, 0, SEEK_END), 0);
    long size = ftell(file);
    rewind(file);
    char *text = calloc((size_t)size + 1, 1);
    assert_non_null(text);
    assert_int_equal(fread(text, 1, (size_t)size, file), (size_t)size);
    fclose(file);
    *len = (size_t)size;
    return text;
}

/* Two calls write byte-identical files holding the document; reals have 10 significant
 * digits (11/30 = 0.36666… → 0.3666666667). */
static void test_file_reproducible(void **state)
{
    struct fixture *fx = *state;
    char a[128], b[128];
    struct impact_error err = {0};
    snprintf(a, sizeof a, "%s/a.json", fx->dir);
    snprintf(b, sizeof b, "%s/b.json", fx->dir);
    assert_int_equal(emit_indicators(a, &fx->fig, &fx->ctx, &err), IMPACT_OK);
    assert_int_equal(emit_indicators(b, &fx->fig, &fx->ctx, &err), IMPACT_OK);
    size_t len_a, len_b;
    char *text_a = slurp(a, &len_a), *text_b = slurp(b, &len_b);
    assert_int_equal(len_a, len_b);
    assert_memory_equal(text_a, text_b, len_a);
    assert_non_null(strstr(text_a, "0.3666666667"));
    assert_null(strstr(text_a, "0.36666666667"));
    /* The file is the document emit_indicators_json() builds, at 10 significant digits. */
    json_t *built = emit_indicators_json(&fx->fig, &fx->ctx);
    char *dumped = json_dumps(built, JSON_INDENT(2) | JSON_REAL_PRECISION(10));
    assert_non_null(dumped);
    assert_string_equal(text_a, dumped);
    free(dumped);
    json_decref(built);
    free(text_a);
    free(text_b);
}

/* A path in a folder that does not exist: IMPACT_FAIL, and the error names the path. */
static void test_unwritable_path(void **state)
{
    struct fixture *fx = *state;
    char path[128];
    struct impact_error err = {0};
    snprintf(path, sizeof path, "%s/missing/indicators.json", fx->dir);
    assert_int_equal(emit_indicators(path, &fx->fig, &fx->ctx, &err), IMPACT_FAIL);
    assert_string_equal(err.file, path);
    assert_string_equal(err.stage, "emit");
    assert_non_null(strstr(err.message, "cannot write"));
    char text[2048];
    impact_error_format(&err, text, sizeof text);
    assert_non_null(strstr(text, path));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_top_level, setup, teardown),
        cmocka_unit_test_setup_teardown(test_periods, setup, teardown),
        cmocka_unit_test_setup_teardown(test_changes, setup, teardown),
        cmocka_unit_test_setup_teardown(test_split_changes, setup, teardown),
        cmocka_unit_test_setup_teardown(test_partial_period, setup, teardown),
        cmocka_unit_test_setup_teardown(test_target, setup, teardown),
        cmocka_unit_test_setup_teardown(test_internal_has_no_flags, setup, teardown),
        cmocka_unit_test_setup_teardown(test_public_periods, setup, teardown),
        cmocka_unit_test_setup_teardown(test_public_target, setup, teardown),
        cmocka_unit_test_setup_teardown(test_file_reproducible, setup, teardown),
        cmocka_unit_test_setup_teardown(test_unwritable_path, setup, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
