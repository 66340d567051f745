/* emit.c — building indicators.json with jansson. */
#include "stages/emit.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>

static const char STAGE[] = "emit";

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

static json_t *rate_json(const struct rate *r)
{
    return json_pack(
        "{s:I, s:I, s:o, s:o, s:o}", "numerator", (json_int_t)r->numerator, "denominator",
        (json_int_t)r->denominator, "rate", real_or_null(r->defined, r->rate), "ci_low",
        real_or_null(r->defined, r->ci_low), "ci_high", real_or_null(r->defined, r->ci_high));
}

static json_t *split_json(const long *counts, const char *const *names, size_t n)
{
    json_t *obj = json_object();
    for (size_t i = 0; i < n; i++)
        json_object_set_new(obj, names[i], json_integer(counts[i]));
    return obj;
}

static json_t *changes_json(const struct period_figures *p)
{
    static const char *const tests[] = {
        [RATE_TEST_NONE] = NULL, [RATE_TEST_Z] = "z", [RATE_TEST_FISHER] = "fisher"};
    if (!p->has_previous)
        return json_null();
    json_t *obj = json_object();
    for (int k = 0; k < COUNT_KINDS; k++) {
        const struct count_change *c = &p->count_changes[k];
        json_object_set_new(obj, figures_count_names[k],
                            json_pack("{s:I, s:o}", "absolute", (json_int_t)c->absolute, "relative",
                                      real_or_null(c->relative_defined, c->relative)));
    }
    for (int k = 0; k < RATE_KINDS; k++) {
        const struct rate_change *c = &p->rate_changes[k];
        const char *test = c->defined ? tests[c->test] : NULL;
        json_object_set_new(obj, figures_rate_names[k],
                            json_pack("{s:o, s:o, s:o}", "difference",
                                      real_or_null(c->defined, c->difference), "test",
                                      test ? json_string(test) : json_null(), "p_value",
                                      real_or_null(c->defined, c->p_value)));
    }
    return obj;
}

/* Sessions per beneficiary, beneficiaries by band, and the employment rate by band. */
static json_t *dosage_json(const struct figures *f, const struct period_figures *p)
{
    const struct dosage *d = &p->dosage;
    json_t *bands = json_array();
    for (size_t b = 0; b < f->n_bands; b++) {
        json_t *band = json_pack(
            "{s:s, s:i, s:o, s:I, s:o}", "band", f->bands[b].label, "min", f->bands[b].min, "max",
            f->bands[b].max ? json_integer(f->bands[b].max) : json_null(), "beneficiaries",
            (json_int_t)p->by_band[b], "employment", rate_json(&p->employment_by_band[b]));
        json_array_append_new(bands, band);
    }
    return json_pack("{s:o, s:o, s:o, s:o, s:o}", "sessions_per_beneficiary_median",
                     real_or_null(d->defined, d->median), "q1", real_or_null(d->defined, d->q1),
                     "q3", real_or_null(d->defined, d->q3), "mean",
                     real_or_null(d->defined, d->mean), "bands", bands);
}

static json_t *period_json(const struct figures *f, const struct period_figures *p)
{
    json_t *obj = json_pack("{s:s, s:o, s:o}", "label", p->label, "start", date_json(p->start),
                            "end", date_json(p->end));
    for (int k = 0; k < COUNT_KINDS; k++)
        json_object_set_new(obj, figures_count_names[k], json_integer(p->counts[k]));
    json_object_set_new(obj, "beneficiaries_by_role",
                        split_json(p->by_role, figures_role_names, ROLE_COUNT));
    json_object_set_new(obj, "beneficiaries_by_sex",
                        split_json(p->by_sex, figures_sex_names, SEX_COUNT));
    json_object_set_new(obj, "beneficiaries_by_site",
                        split_json(p->by_site, (const char *const *)f->site_names, f->n_sites));
    for (int k = 0; k < RATE_KINDS; k++)
        json_object_set_new(obj, figures_rate_names[k], rate_json(&p->rates[k]));
    json_object_set_new(obj, "dosage", dosage_json(f, p));
    json_object_set_new(obj, "change_from_previous", changes_json(p));
    return obj;
}

static json_t *projection_json(const struct projection *pr)
{
    return json_pack("{s:b, s:o, s:o, s:o, s:o, s:o, s:o, s:o}", "defined", pr->defined, "reason",
                     pr->reason && !pr->defined ? json_string(pr->reason) : json_null(),
                     "quarters_used", pr->defined ? json_integer(pr->quarters_used) : json_null(),
                     "slope_per_quarter", real_or_null(pr->defined, pr->slope_per_quarter), "date",
                     date_json(pr->defined ? pr->date : DAY_NONE), "earliest",
                     date_json(pr->defined && pr->has_band ? pr->earliest : DAY_NONE), "latest",
                     date_json(pr->defined && pr->has_band ? pr->latest : DAY_NONE), "on_track",
                     pr->on_track_known ? json_boolean(pr->on_track) : json_null());
}

static json_t *progress_json(const char *key, const struct target_progress *t)
{
    json_t *quarters = json_array();
    for (size_t q = 0; q < t->n_quarters; q++)
        json_array_append_new(quarters,
                              json_pack("{s:s, s:o, s:I}", "quarter", t->quarters[q].label, "end",
                                        date_json(t->quarters[q].end), "cumulative",
                                        (json_int_t)t->quarters[q].cumulative));
    return json_pack("{s:s, s:o, s:I, s:o, s:o, s:o, s:o, s:o, s:o, s:o}", key, t->name, "target",
                     t->target > 0 ? json_integer(t->target) : json_null(), "reached",
                     (json_int_t)t->reached, "as_of", date_json(t->last_quarter_end), "progress",
                     real_or_null(t->target > 0, t->progress), "reached_by_deadline",
                     t->has_deadline ? json_integer(t->reached_by_deadline) : json_null(),
                     "progress_by_deadline",
                     real_or_null(t->has_deadline && t->target > 0, t->progress_by_deadline),
                     "reached_on", date_json(t->projection.reached_on), "quarters", quarters,
                     "projection", projection_json(&t->projection));
}

static json_t *target_json(const struct figures *f)
{
    json_t *sites = json_array();
    for (size_t s = 0; s < f->n_sites; s++)
        json_array_append_new(sites, progress_json("site", &f->sites[s]));
    json_t *overall = progress_json("scope", &f->overall);
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
        json_array_append_new(arr, json_pack("{s:s, s:s, s:s, s:s, s:s}", "name", ch->name, "png",
                                             ch->png_file, "svg", ch->svg_file, "title", ch->title,
                                             "alt_text", ch->alt_text));
    }
    return arr;
}

json_t *emit_indicators_json(const struct figures *f, const struct emit_context *c)
{
    json_t *periods = json_array();
    for (size_t i = 0; i < f->n_periods; i++)
        json_array_append_new(periods, period_json(f, &f->periods[i]));
    return json_pack("{s:s, s:s, s:s, s:f, s:o, s:o, s:o, s:o, s:o}", "schema_version",
                     EMIT_SCHEMA_VERSION, "programme", c->programme, "run_date", c->run_date,
                     "confidence_level", f->confidence, "inputs", inputs_json(c), "periods",
                     periods, "target", target_json(f), "charts", charts_json(c->charts), "config",
                     c->config ? json_deep_copy(c->config) : json_null());
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
