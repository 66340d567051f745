/* emit.c — building indicators.json with jansson.
 *
 * One writer for both files: the public figures (suppression_threshold > 0) carry withheld
 * flags, written as null values with a "suppressed" reason; the internal figures have no
 * flag set, and every flag-aware helper then writes exactly what it wrote before. */
#include "stages/emit.h"

#include "stages/common/arena.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char STAGE[] = "emit";

static const char *const withheld_names[] = {
    [WITHHELD_NONE] = NULL,
    [WITHHELD_SMALL_CELL] = "small_cell",
    [WITHHELD_COMPLEMENTARY] = "complementary",
};

static bool is_public(const struct figures *f)
{
    return f->suppression_threshold > 0;
}

static json_t *date_json(day_t day)
{
    char iso[11];
    if (day == DAY_NONE)
        return json_null();
    date_format_iso(day, iso);
    return json_string(iso);
}

static json_t *real_or_null(bool defined, double value)
{
    return defined ? json_real(value) : json_null();
}

static json_t *count_json(long value, uint8_t withheld)
{
    return withheld != WITHHELD_NONE ? json_null() : json_integer(value);
}

/* A withheld rate hides its numerator and denominator too, and says why inside. */
static json_t *rate_json(const struct rate *r, uint8_t withheld)
{
    if (withheld != WITHHELD_NONE)
        return json_pack("{s:n, s:n, s:n, s:n, s:n, s:s}", "numerator", "denominator", "rate",
                         "ci_low", "ci_high", "suppressed", withheld_names[withheld]);
    return json_pack(
        "{s:I, s:I, s:o, s:o, s:o}", "numerator", (json_int_t)r->numerator, "denominator",
        (json_int_t)r->denominator, "rate", real_or_null(r->defined, r->rate), "ci_low",
        real_or_null(r->defined, r->ci_low), "ci_high", real_or_null(r->defined, r->ci_high));
}

/* `withheld` may be NULL (by_site of the internal figures). */
static json_t *split_json(const long *counts, const uint8_t *withheld, const char *const *names,
                          size_t n)
{
    json_t *obj = json_object();
    for (size_t i = 0; i < n; i++)
        json_object_set_new(obj, names[i], count_json(counts[i], withheld ? withheld[i] : 0));
    return obj;
}

/* ---- the "suppressed" objects: path of each withheld value → reason ---- */

static void note(json_t *map, const char *path, uint8_t withheld)
{
    if (withheld != WITHHELD_NONE)
        json_object_set_new(map, path, json_string(withheld_names[withheld]));
}

/* "prefix.name" (site names have no length limit). */
static void note_in(json_t *map, const char *prefix, const char *name, uint8_t withheld)
{
    if (withheld == WITHHELD_NONE)
        return;
    size_t size = strlen(prefix) + strlen(name) + 2;
    char *path = xmalloc(size);
    snprintf(path, size, "%s.%s", prefix, name);
    note(map, path, withheld);
    free(path);
}

static void note_split(json_t *map, const char *prefix, const char *const *names,
                       const uint8_t *withheld, size_t n)
{
    for (size_t i = 0; withheld && i < n; i++)
        note_in(map, prefix, names[i], withheld[i]);
}

static void note_dosage(json_t *map, const struct figures *f, const struct period_withheld *w)
{
    static const char *const quartiles[] = {"sessions_per_beneficiary_median", "q1", "q3", "mean"};
    for (size_t i = 0; i < sizeof quartiles / sizeof quartiles[0]; i++)
        note_in(map, "dosage", quartiles[i], w->dosage);
    for (size_t b = 0; b < f->n_bands; b++) {
        char path[64];
        snprintf(path, sizeof path, "dosage.bands[%zu].beneficiaries", b);
        note(map, path, w->by_band[b]);
    }
}

/* Every withheld count, split cell, dosage figure and change of a period (withheld rates
 * say so inside their own object). */
static json_t *suppressed_json(const struct figures *f, const struct period_figures *p)
{
    const struct period_withheld *w = &p->withheld;
    json_t *map = json_object();
    for (int k = 0; k < COUNT_KINDS; k++)
        note(map, figures_count_names[k], w->counts[k]);
    note_split(map, "beneficiaries_by_role", figures_role_names, w->by_role, ROLE_COUNT);
    note_split(map, "beneficiaries_by_sex", figures_sex_names, w->by_sex, SEX_COUNT);
    note_split(map, "beneficiaries_by_site", (const char *const *)f->site_names, w->by_site,
               f->n_sites);
    note_dosage(map, f, w);
    for (int k = 0; p->has_previous && k < COUNT_KINDS; k++)
        note_in(map, "change_from_previous", figures_count_names[k], w->count_changes[k]);
    if (p->has_previous) {
        note_split(map, "change_from_previous.beneficiaries_by_role", figures_role_names,
                   w->role_changes, ROLE_COUNT);
        note_split(map, "change_from_previous.beneficiaries_by_sex", figures_sex_names,
                   w->sex_changes, SEX_COUNT);
        note_split(map, "change_from_previous.beneficiaries_by_site",
                   (const char *const *)f->site_names, w->site_changes, f->n_sites);
    }
    for (int k = 0; p->has_previous && k < RATE_KINDS; k++)
        note_in(map, "change_from_previous", figures_rate_names[k], w->rate_changes[k]);
    return map;
}

/* ---- periods ---- */

static json_t *count_change_json(const struct count_change *c, uint8_t withheld)
{
    if (withheld != WITHHELD_NONE)
        return json_pack("{s:n, s:n}", "absolute", "relative");
    return json_pack("{s:I, s:o}", "absolute", (json_int_t)c->absolute, "relative",
                     real_or_null(c->relative_defined, c->relative));
}

/* `withheld` may be NULL (site changes of the internal figures). */
static json_t *split_changes_json(const struct count_change *changes, const uint8_t *withheld,
                                  const char *const *names, size_t n)
{
    json_t *obj = json_object();
    for (size_t i = 0; i < n; i++)
        json_object_set_new(obj, names[i],
                            count_change_json(&changes[i], withheld ? withheld[i] : 0));
    return obj;
}

/* {difference, test, p_value, numerator, denominator}: the terms' changes are withheld with
 * the rate change (a withheld rate hides its terms). */
static json_t *rate_change_json(const struct period_figures *p, int k)
{
    static const char *const tests[] = {
        [RATE_TEST_NONE] = NULL, [RATE_TEST_Z] = "z", [RATE_TEST_FISHER] = "fisher"};
    /* a withheld rate change is zeroed: defined false, so every field is null */
    const struct rate_change *c = &p->rate_changes[k];
    uint8_t withheld = p->withheld.rate_changes[k];
    const char *test = c->defined && !withheld ? tests[c->test] : NULL;
    return json_pack(
        "{s:o, s:o, s:o, s:o, s:o}", "difference", real_or_null(c->defined, c->difference), "test",
        test ? json_string(test) : json_null(), "p_value", real_or_null(c->defined, c->p_value),
        "numerator", count_change_json(&p->numerator_changes[k], withheld), "denominator",
        count_change_json(&p->denominator_changes[k], withheld));
}

static json_t *changes_json(const struct figures *f, const struct period_figures *p)
{
    if (!p->has_previous)
        return json_null();
    const struct period_withheld *w = &p->withheld;
    /* a change with a partial period is computed as any other, and flagged: it compares part
     * of a period with a whole one */
    json_t *obj = json_pack("{s:b}", "partial", p->changes_partial);
    for (int k = 0; k < COUNT_KINDS; k++)
        json_object_set_new(obj, figures_count_names[k],
                            count_change_json(&p->count_changes[k], w->count_changes[k]));
    json_object_set_new(
        obj, "beneficiaries_by_role",
        split_changes_json(p->role_changes, w->role_changes, figures_role_names, ROLE_COUNT));
    json_object_set_new(
        obj, "beneficiaries_by_sex",
        split_changes_json(p->sex_changes, w->sex_changes, figures_sex_names, SEX_COUNT));
    json_object_set_new(obj, "beneficiaries_by_site",
                        split_changes_json(p->site_changes, w->site_changes,
                                           (const char *const *)f->site_names, f->n_sites));
    for (int k = 0; k < RATE_KINDS; k++)
        json_object_set_new(obj, figures_rate_names[k], rate_change_json(p, k));
    return obj;
}

/* Sessions per beneficiary, beneficiaries by band, and the employment rate by band. */
static json_t *dosage_json(const struct figures *f, const struct period_figures *p)
{
    const struct dosage *d = &p->dosage;
    bool shown = d->defined && p->withheld.dosage == WITHHELD_NONE;
    json_t *bands = json_array();
    for (size_t b = 0; b < f->n_bands; b++) {
        json_t *band = json_pack(
            "{s:s, s:i, s:o, s:o, s:o}", "band", f->bands[b].label, "min", f->bands[b].min, "max",
            f->bands[b].max ? json_integer(f->bands[b].max) : json_null(), "beneficiaries",
            count_json(p->by_band[b], p->withheld.by_band[b]), "employment",
            rate_json(&p->employment_by_band[b], p->withheld.employment_by_band[b]));
        json_array_append_new(bands, band);
    }
    return json_pack("{s:o, s:o, s:o, s:o, s:o}", "sessions_per_beneficiary_median",
                     real_or_null(shown, d->median), "q1", real_or_null(shown, d->q1), "q3",
                     real_or_null(shown, d->q3), "mean", real_or_null(shown, d->mean), "bands",
                     bands);
}

static json_t *period_json(const struct figures *f, const struct period_figures *p)
{
    json_t *obj = json_pack("{s:s, s:o, s:o, s:b, s:o}", "label", p->label, "start",
                            date_json(p->start), "end", date_json(p->end), "partial", p->partial,
                            "data_until", date_json(p->partial ? p->data_until : DAY_NONE));
    const struct period_withheld *w = &p->withheld;
    for (int k = 0; k < COUNT_KINDS; k++)
        json_object_set_new(obj, figures_count_names[k], count_json(p->counts[k], w->counts[k]));
    json_object_set_new(obj, "beneficiaries_by_role",
                        split_json(p->by_role, w->by_role, figures_role_names, ROLE_COUNT));
    json_object_set_new(obj, "beneficiaries_by_sex",
                        split_json(p->by_sex, w->by_sex, figures_sex_names, SEX_COUNT));
    json_object_set_new(
        obj, "beneficiaries_by_site",
        split_json(p->by_site, w->by_site, (const char *const *)f->site_names, f->n_sites));
    for (int k = 0; k < RATE_KINDS; k++)
        json_object_set_new(obj, figures_rate_names[k], rate_json(&p->rates[k], w->rates[k]));
    json_object_set_new(obj, "dosage", dosage_json(f, p));
    json_object_set_new(obj, "change_from_previous", changes_json(f, p));
    if (is_public(f))
        json_object_set_new(obj, "suppressed", suppressed_json(f, p));
    return obj;
}

/* reached_on: the target is met, so there is nothing to project (reason says so too). */
static json_t *projection_json(const struct projection *pr)
{
    return json_pack("{s:b, s:o, s:o, s:o, s:o, s:o, s:o, s:o, s:o}", "defined", pr->defined,
                     "reason", pr->reason && !pr->defined ? json_string(pr->reason) : json_null(),
                     "reached_on", date_json(pr->defined ? DAY_NONE : pr->reached_on),
                     "quarters_used", pr->defined ? json_integer(pr->quarters_used) : json_null(),
                     "slope_per_quarter", real_or_null(pr->defined, pr->slope_per_quarter), "date",
                     date_json(pr->defined ? pr->date : DAY_NONE), "earliest",
                     date_json(pr->defined && pr->has_band ? pr->earliest : DAY_NONE), "latest",
                     date_json(pr->defined && pr->has_band ? pr->latest : DAY_NONE), "on_track",
                     pr->on_track_known ? json_boolean(pr->on_track) : json_null());
}

static json_t *quarter_json(const struct quarter_point *q)
{
    json_t *obj = json_pack("{s:s, s:o, s:o}", "quarter", q->label, "end", date_json(q->end),
                            "cumulative", count_json(q->cumulative, q->withheld));
    if (q->withheld != WITHHELD_NONE)
        json_object_set_new(obj, "suppressed", json_string(withheld_names[q->withheld]));
    return obj;
}

static json_t *progress_suppressed_json(const struct target_progress *t)
{
    json_t *map = json_object();
    note(map, "reached", t->withheld);
    note(map, "progress", t->target > 0 ? t->withheld : 0);
    note(map, "reached_by_deadline", t->withheld_by_deadline);
    note(map, "progress_by_deadline", t->target > 0 ? t->withheld_by_deadline : 0);
    return map;
}

static json_t *progress_json(const char *key, const struct target_progress *t, bool public)
{
    json_t *quarters = json_array();
    for (size_t q = 0; q < t->n_quarters; q++)
        json_array_append_new(quarters, quarter_json(&t->quarters[q]));
    bool by_deadline = t->has_deadline && t->withheld_by_deadline == WITHHELD_NONE;
    json_t *obj = json_pack(
        "{s:s, s:o, s:o, s:o, s:o, s:o, s:o, s:o, s:o, s:o}", key, t->name, "target",
        t->target > 0 ? json_integer(t->target) : json_null(), "reached",
        count_json(t->reached, t->withheld), "as_of", date_json(t->last_quarter_end), "progress",
        real_or_null(t->target > 0 && t->withheld == WITHHELD_NONE, t->progress),
        "reached_by_deadline", by_deadline ? json_integer(t->reached_by_deadline) : json_null(),
        "progress_by_deadline", real_or_null(by_deadline && t->target > 0, t->progress_by_deadline),
        "reached_on", date_json(t->projection.reached_on), "quarters", quarters, "projection",
        projection_json(&t->projection));
    if (public)
        json_object_set_new(obj, "suppressed", progress_suppressed_json(t));
    return obj;
}

static json_t *target_json(const struct figures *f)
{
    json_t *sites = json_array();
    for (size_t s = 0; s < f->n_sites; s++)
        json_array_append_new(sites, progress_json("site", &f->sites[s], is_public(f)));
    json_t *overall = progress_json("scope", &f->overall, is_public(f));
    return json_pack("{s:o, s:o, s:o, s:o}", "total",
                     f->overall.target > 0 ? json_integer(f->overall.target) : json_null(),
                     "deadline", date_json(f->deadline), "overall", overall, "sites", sites);
}

static json_t *inputs_json(const struct emit_context *c)
{
    json_t *arr = json_array();
    for (size_t i = 0; i < c->n_inputs; i++) {
        const struct input_summary *in = &c->inputs[i];
        json_array_append_new(arr, json_pack("{s:s, s:s, s:s, s:I, s:I, s:I, s:I}", "path",
                                             in->path, "kind", in->kind, "sha256", in->sha256,
                                             "rows_read", (json_int_t)in->rows_read,
                                             "rows_accepted", (json_int_t)in->rows_accepted,
                                             "rows_rejected", (json_int_t)in->rows_rejected,
                                             "rows_duplicate", (json_int_t)in->rows_duplicate));
    }
    return arr;
}

static json_t *charts_json(const struct chart_list *charts)
{
    json_t *arr = json_array();
    for (int i = 0; charts && i < charts->count; i++) {
        const struct chart_info *ch = &charts->charts[i];
        json_array_append_new(
            arr, json_pack("{s:s, s:s, s:s, s:o, s:o, s:s, s:s}", "name", ch->name, "png",
                           ch->png_file, "svg", ch->svg_file, "print_png",
                           ch->print_png_file[0] ? json_string(ch->print_png_file) : json_null(),
                           "print_svg",
                           ch->print_svg_file[0] ? json_string(ch->print_svg_file) : json_null(),
                           "title", ch->title, "alt_text", ch->alt_text));
    }
    return arr;
}

json_t *emit_indicators_json(const struct figures *f, const struct emit_context *c)
{
    json_t *periods = json_array();
    for (size_t i = 0; i < f->n_periods; i++)
        json_array_append_new(periods, period_json(f, &f->periods[i]));
    json_t *doc =
        json_pack("{s:s, s:s, s:s, s:f}", "schema_version", EMIT_SCHEMA_VERSION, "programme",
                  c->programme, "run_date", c->run_date, "confidence_level", f->confidence);
    if (doc && is_public(f))
        json_object_set_new(doc, "disclosure",
                            json_pack("{s:i}", "threshold", f->suppression_threshold));
    json_t *rest = json_pack("{s:o, s:o, s:o, s:o, s:o}", "inputs", inputs_json(c), "periods",
                             periods, "target", target_json(f), "charts", charts_json(c->charts),
                             "config", c->config ? json_deep_copy(c->config) : json_null());
    if (doc && rest) {
        json_object_update(doc, rest); /* jansson keeps insertion order: these come last */
    } else {
        json_decref(doc); /* never write a document with a part missing */
        doc = NULL;
    }
    json_decref(rest);
    return doc;
}

int emit_indicators(const char *path, const struct figures *figures,
                    const struct emit_context *context, struct impact_error *err)
{
    json_t *doc = emit_indicators_json(figures, context);
    int status = IMPACT_OK;
    if (!doc)
        status = impact_fail(err, STAGE, path, 0, 0, "cannot build the JSON document");
    else if (json_dump_file(doc, path, JSON_INDENT(2) | JSON_REAL_PRECISION(10)) != 0)
        status = impact_fail(err, STAGE, path, 0, 0, "cannot write the file: %s", strerror(errno));
    json_decref(doc);
    return status;
}
