/* quality.c — counting and listing what could not be used, and the row reconciliation. */
#include "stages/quality.h"

#include "stages/common/arena.h"
#include "stages/common/fold.h"
#include "stages/common/intern.h"

#include <csv.h>
#include <errno.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char STAGE[] = "quality";

enum { MAX_EXAMPLES = 5, MAX_DISTINCT_VALUES = 50, MAX_UNMAPPED_LABELS = 1000 };

/* A small counter of distinct strings; past MAX_DISTINCT_VALUES new ones go to `other`. */
struct tally {
    struct strtab *values;
    unsigned long *counts;
    size_t cap;
    unsigned long other;
};

struct warning_stats {
    unsigned long count;
    struct tally values;
    struct row_origin examples[MAX_EXAMPLES];
    int n_examples;
};

/* The unmapped situation labels, by folded label, in first-seen order until listed. */
struct unmapped_list {
    struct strtab *folded;
    struct unmapped_situation *labels;
    size_t cap;
    unsigned long other_rows; /* rows of labels past MAX_UNMAPPED_LABELS */
    bool sorted;
    char *fold_buf;
    size_t fold_cap;
};

struct quality {
    struct arena *arena;
    char rejects_path[IMPACT_PATH_MAX];
    char dir[IMPACT_PATH_MAX];
    FILE *rejects;
    bool write_failed;
    char duplicates_path[IMPACT_PATH_MAX + 32];
    FILE *duplicates; /* duplicates.csv, streamed like rejects.csv */
    bool duplicates_failed;
    size_t n_files;
    const char *const *paths;
    unsigned long *rejected; /* per file */
    struct tally reject_fields;
    struct warning_stats warnings[WARN_KINDS];
    struct unmapped_list unmapped;
};

static void tally_add(struct arena *arena, struct tally *t, const char *value)
{
    if (!t->values)
        t->values = strtab_new(arena);
    uint32_t id = strtab_find(t->values, value, strlen(value));
    if (id == INTERN_NONE && strtab_count(t->values) >= MAX_DISTINCT_VALUES) {
        t->other++;
        return;
    }
    bool added;
    id = strtab_intern(t->values, value, strlen(value), &added);
    xgrow((void **)&t->counts, &t->cap, id, sizeof *t->counts);
    t->counts[id] = added ? 1 : t->counts[id] + 1;
}

static void tally_free(struct tally *t)
{
    strtab_free(t->values);
    free(t->counts);
}

/* ---- the sink ---- */

static void write_csv_text(struct quality *q, const char *text, bool last)
{
    if (csv_fwrite(q->rejects, text, strlen(text)) != 0 ||
        fputc(last ? '\n' : ',', q->rejects) == EOF)
        q->write_failed = true;
}

static void on_reject(void *ctx, const struct reject *r)
{
    struct quality *q = ctx;
    char line[32], column[32];
    snprintf(line, sizeof line, "%lu", (unsigned long)r->origin.line);
    snprintf(column, sizeof column, "%d", r->column);
    q->rejected[r->origin.file]++;
    tally_add(q->arena, &q->reject_fields, r->field ? r->field : "(row)");
    write_csv_text(q, q->paths[r->origin.file], false);
    if (fprintf(q->rejects, "%s,%s,", line, r->column > 0 ? column : "") < 0)
        q->write_failed = true;
    write_csv_text(q, r->field ? r->field : "", false);
    write_csv_text(q, r->value ? r->value : "", false);
    write_csv_text(q, r->reason, true);
}

static void on_warn(void *ctx, enum warning_kind kind, struct row_origin origin, const char *value)
{
    struct quality *q = ctx;
    struct warning_stats *w = &q->warnings[kind];
    w->count++;
    if (w->n_examples < MAX_EXAMPLES)
        w->examples[w->n_examples++] = origin;
    if (value)
        tally_add(q->arena, &w->values, value);
}

/* One line of duplicates.csv: the row, the earlier row it repeats, why. No name, no id. */
static void on_duplicate(void *ctx, struct row_origin row, struct row_origin first,
                         const char *reason)
{
    struct quality *q = ctx;
    FILE *f = q->duplicates;
    if (!f)
        return;
    const char *file = q->paths[row.file], *first_file = q->paths[first.file];
    bool ok = csv_fwrite(f, file, strlen(file)) == 0 &&
              fprintf(f, ",%lu,", (unsigned long)row.line) > 0 &&
              csv_fwrite(f, first_file, strlen(first_file)) == 0 &&
              fprintf(f, ",%lu,", (unsigned long)first.line) > 0 &&
              csv_fwrite(f, reason, strlen(reason)) == 0 && fputc('\n', f) != EOF;
    q->duplicates_failed |= !ok;
}

/* duplicates.csv, opened with rejects.csv: its header line, or the error. */
static int open_duplicates(struct quality *q, struct impact_error *err)
{
    snprintf(q->duplicates_path, sizeof q->duplicates_path, "%s/duplicates.csv", q->dir);
    q->duplicates = fopen(q->duplicates_path, "w");
    if (!q->duplicates)
        return impact_fail(err, STAGE, q->duplicates_path, 0, 0, "cannot create the file: %s",
                           strerror(errno));
    fputs("file,line,duplicate_of_file,duplicate_of_line,reason\n", q->duplicates);
    return IMPACT_OK;
}

static int close_duplicates(struct quality *q, struct impact_error *err)
{
    int status = IMPACT_OK;
    if (q->duplicates && (fclose(q->duplicates) != 0 || q->duplicates_failed))
        status = impact_fail(err, STAGE, q->duplicates_path, 0, 0, "cannot write the file: %s",
                             strerror(errno));
    q->duplicates = NULL;
    return status;
}

static struct unmapped_situation *unmapped_slot(struct quality *q, const char *label)
{
    struct unmapped_list *u = &q->unmapped;
    size_t len = strlen(label);
    xgrow((void **)&u->fold_buf, &u->fold_cap, 4 * len + 1, 1);
    fold_label(label, len, u->fold_buf, u->fold_cap);
    size_t n = strlen(u->fold_buf);
    uint32_t id = strtab_find(u->folded, u->fold_buf, n);
    if (id == INTERN_NONE && strtab_count(u->folded) >= MAX_UNMAPPED_LABELS)
        return NULL;
    if (id != INTERN_NONE)
        return &u->labels[id];
    id = strtab_intern(u->folded, u->fold_buf, n, NULL);
    xgrow((void **)&u->labels, &u->cap, id, sizeof *u->labels);
    u->labels[id] = (struct unmapped_situation){.label = NULL, .count = 0};
    return &u->labels[id];
}

/* Counted as a warning too; listed by folded label with the first row's spelling. */
static void on_unmapped(void *ctx, const struct unmapped_situation *row)
{
    struct quality *q = ctx;
    on_warn(q, WARN_UNMAPPED_SITUATION, row->first, row->label);
    struct unmapped_situation *slot = unmapped_slot(q, row->label);
    if (!slot) {
        q->unmapped.other_rows += row->count;
        return;
    }
    if (slot->count == 0) {
        *slot = *row;
        slot->count = 0;
        slot->label = arena_strdup(q->arena, row->label);
        slot->close_to = row->close_to ? arena_strdup(q->arena, row->close_to) : NULL;
    }
    slot->count += row->count;
    q->unmapped.sorted = false;
}

struct diag_sink quality_sink(struct quality *q)
{
    return (struct diag_sink){q, on_reject, on_warn, on_duplicate, on_unmapped};
}

/* ---- lifecycle ---- */

int quality_new(const char *dir, size_t n_files, const char *const *paths, struct quality **out,
                struct impact_error *err)
{
    struct quality *q = xcalloc(1, sizeof *q);
    q->arena = arena_new();
    q->n_files = n_files;
    q->paths = paths;
    q->rejected = xcalloc(n_files ? n_files : 1, sizeof *q->rejected);
    q->unmapped.folded = strtab_new(q->arena);
    snprintf(q->dir, sizeof q->dir, "%s", dir);
    snprintf(q->rejects_path, sizeof q->rejects_path, "%s/rejects.csv", dir);
    q->rejects = fopen(q->rejects_path, "w");
    *out = q;
    if (!q->rejects)
        return impact_fail(err, STAGE, q->rejects_path, 0, 0, "cannot create the file: %s",
                           strerror(errno));
    fputs("file,line,column,field,value,reason\n", q->rejects);
    return open_duplicates(q, err);
}

int quality_finish(struct quality *q, struct impact_error *err)
{
    int status = IMPACT_OK;
    if (q->rejects && (fclose(q->rejects) != 0 || q->write_failed))
        status = impact_fail(err, STAGE, q->rejects_path, 0, 0, "cannot write the file: %s",
                             strerror(errno));
    q->rejects = NULL;
    int closed = close_duplicates(q, status == IMPACT_OK ? err : &(struct impact_error){0});
    return status == IMPACT_OK ? closed : status;
}

void quality_free(struct quality *q)
{
    if (!q)
        return;
    if (q->rejects)
        fclose(q->rejects);
    if (q->duplicates)
        fclose(q->duplicates);
    tally_free(&q->reject_fields);
    for (int k = 0; k < WARN_KINDS; k++)
        tally_free(&q->warnings[k].values);
    free(q->rejected);
    strtab_free(q->unmapped.folded);
    free(q->unmapped.labels);
    free(q->unmapped.fold_buf);
    arena_free(q->arena);
    free(q);
}

int quality_reconcile(struct quality *q, struct input_summary *files, size_t n_files,
                      struct impact_error *err)
{
    int status = IMPACT_OK;
    for (size_t i = 0; i < n_files && status == IMPACT_OK; i++) {
        struct input_summary *f = &files[i];
        f->rows_rejected = q->rejected[i];
        unsigned long sum = f->rows_accepted + f->rows_rejected + f->rows_duplicate;
        if (sum != f->rows_read)
            status = impact_fail(err, STAGE, f->path, 0, 0,
                                 "rows do not reconcile: %lu read but %lu accepted + %lu "
                                 "rejected + %lu duplicate = %lu (a bug: please report it)",
                                 f->rows_read, f->rows_accepted, f->rows_rejected,
                                 f->rows_duplicate, sum);
    }
    return status;
}

unsigned long quality_rejected_total(const struct quality *q)
{
    unsigned long total = 0;
    for (size_t i = 0; i < q->n_files; i++)
        total += q->rejected[i];
    return total;
}

unsigned long quality_warning_count(const struct quality *q, enum warning_kind kind)
{
    return q->warnings[kind].count;
}

/* Most rows first; ties in input order (file, then line): the same every run. */
static int by_rows(const void *a, const void *b)
{
    const struct unmapped_situation *x = a, *y = b;
    if (x->count != y->count)
        return x->count > y->count ? -1 : 1;
    if (x->first.file != y->first.file)
        return x->first.file < y->first.file ? -1 : 1;
    return (x->first.line > y->first.line) - (x->first.line < y->first.line);
}

const struct unmapped_situation *quality_unmapped_situations(struct quality *q, size_t *count,
                                                             unsigned long *other_rows)
{
    struct unmapped_list *u = &q->unmapped;
    *count = strtab_count(u->folded);
    if (!u->sorted && *count > 1)
        qsort(u->labels, *count, sizeof *u->labels, by_rows);
    u->sorted = true;
    if (other_rows)
        *other_rows = u->other_rows;
    return u->labels;
}

/* ---- report.json ---- */

static json_t *tally_json(const struct tally *t)
{
    json_t *obj = json_object();
    for (uint32_t i = 0; t->values && i < strtab_count(t->values); i++)
        json_object_set_new(obj, strtab_get(t->values, i), json_integer((json_int_t)t->counts[i]));
    if (t->other)
        json_object_set_new(obj, "(other values)", json_integer((json_int_t)t->other));
    return obj;
}

static json_t *origin_json(const struct quality *q, struct row_origin o)
{
    char text[IMPACT_PATH_MAX + 32];
    snprintf(text, sizeof text, "%s:%lu", q->paths[o.file], (unsigned long)o.line);
    return json_string(text);
}

static json_t *inputs_json(const struct input_summary *files, size_t n)
{
    json_t *arr = json_array();
    for (size_t i = 0; i < n; i++) {
        const struct input_summary *f = &files[i];
        char delim[3] = {f->delimiter == '\t' ? '\\' : f->delimiter, f->delimiter == '\t' ? 't' : 0,
                         0};
        json_array_append_new(
            arr,
            json_pack("{s:s, s:s, s:s, s:s, s:s, s:I, s:I, s:I, s:I, s:I, s:I, s:b, s:b}", "path",
                      f->path, "kind", f->kind, "encoding", f->encoding, "delimiter", delim,
                      "sha256", f->sha256, "header_line", (json_int_t)f->header_line,
                      "lines_above_header",
                      (json_int_t)(f->header_line > 1 ? f->header_line - 1 : 0), "rows_read",
                      (json_int_t)f->rows_read, "rows_accepted", (json_int_t)f->rows_accepted,
                      "rows_rejected", (json_int_t)f->rows_rejected, "rows_duplicate",
                      (json_int_t)f->rows_duplicate, "no_data_rows", f->no_data_rows, "reconciled",
                      f->rows_read == f->rows_accepted + f->rows_rejected + f->rows_duplicate));
    }
    return arr;
}

static json_t *warnings_json(const struct quality *q)
{
    json_t *obj = json_object();
    for (int k = 0; k < WARN_KINDS; k++) {
        const struct warning_stats *w = &q->warnings[k];
        json_t *examples = json_array();
        for (int i = 0; i < w->n_examples; i++)
            json_array_append_new(examples, origin_json(q, w->examples[i]));
        json_object_set_new(obj, diag_warning_names[k],
                            json_pack("{s:I, s:o, s:o}", "count", (json_int_t)w->count, "values",
                                      tally_json(&w->values), "examples", examples));
    }
    return obj;
}

/* Each unmapped label with its rows, first row, suggested category and config line. */
static json_t *unmapped_json(struct quality *q)
{
    size_t n;
    unsigned long other;
    const struct unmapped_situation *u = quality_unmapped_situations(q, &n, &other);
    json_t *labels = json_array();
    for (size_t i = 0; i < n; i++) {
        char line[600];
        json_t *suggested = u[i].suggestion >= 0
                                ? json_string(record_category_names[u[i].suggestion])
                                : json_null();
        json_array_append_new(
            labels, json_pack("{s:s, s:I, s:o, s:o, s:o, s:s}", "label", u[i].label, "rows",
                              (json_int_t)u[i].count, "first", origin_json(q, u[i].first),
                              "suggested", suggested, "close_to",
                              u[i].close_to ? json_string(u[i].close_to) : json_null(),
                              "config_line", diag_situation_config_line(&u[i], line, sizeof line)));
    }
    return json_pack("{s:o, s:I}", "labels", labels, "rows_of_labels_not_listed",
                     (json_int_t)other);
}

static int write_duplicates_csv(const struct quality *q, const struct join_stats *js,
                                struct impact_error *err)
{
    char path[IMPACT_PATH_MAX + 32];
    snprintf(path, sizeof path, "%s/probable_duplicates.csv", q->dir);
    FILE *f = fopen(path, "w");
    if (!f)
        return impact_fail(err, STAGE, path, 0, 0, "cannot create the file: %s", strerror(errno));
    bool ok = fputs("pair,file_a,line_a,file_b,line_b,edit_distance\n", f) >= 0;
    for (size_t i = 0; i < js->n_probable_duplicates && ok; i++) {
        const struct probable_duplicate *d = &js->probable_duplicates[i];
        ok = fprintf(f, "%zu,", i + 1) > 0 &&
             csv_fwrite(f, q->paths[d->origin_a.file], strlen(q->paths[d->origin_a.file])) == 0 &&
             fprintf(f, ",%lu,", (unsigned long)d->origin_a.line) > 0 &&
             csv_fwrite(f, q->paths[d->origin_b.file], strlen(q->paths[d->origin_b.file])) == 0 &&
             fprintf(f, ",%lu,%d\n", (unsigned long)d->origin_b.line, d->distance) > 0;
    }
    if (fclose(f) != 0 || !ok)
        return impact_fail(err, STAGE, path, 0, 0, "cannot write the file: %s", strerror(errno));
    return IMPACT_OK;
}

int quality_write_report(struct quality *q, const struct input_summary *files, size_t n_files,
                         const struct join_stats *js, struct impact_error *err)
{
    json_t *unmapped = unmapped_json(q);
    char path[IMPACT_PATH_MAX + 32];
    snprintf(path, sizeof path, "%s/report.json", q->dir);
    json_t *identity =
        json_pack("{s:I, s:I, s:I, s:I}", "name_keys_linked_to_ids", (json_int_t)js->identity_links,
                  "name_keys_with_two_ids", (json_int_t)js->name_key_conflicts,
                  "outcomes_unmatched", (json_int_t)js->outcomes_unmatched, "probable_duplicates",
                  (json_int_t)js->n_probable_duplicates);
    json_t *report = json_pack(
        "{s:s, s:o, s:{s:I, s:o, s:s}, s:o, s:o, s:o, s:s}", "schema_version", "1.0", "inputs",
        inputs_json(files, n_files), "rejects", "total", (json_int_t)quality_rejected_total(q),
        "by_field", tally_json(&q->reject_fields), "file", "rejects.csv", "warnings",
        warnings_json(q), "unmapped_situations", unmapped, "identity", identity,
        "probable_duplicates_file", "probable_duplicates.csv");
    int status = IMPACT_OK;
    if (json_dump_file(report, path, JSON_INDENT(2)) != 0)
        status = impact_fail(err, STAGE, path, 0, 0, "cannot write the file: %s", strerror(errno));
    json_decref(report);
    if (status == IMPACT_OK)
        status = write_duplicates_csv(q, js, err);
    return status;
}

/* "LAST|FIRST|YYYY-MM-DD" as three CSV cells. */
static bool write_name_key(FILE *f, const char *key)
{
    const char *bar1 = strchr(key, '|'), *bar2 = bar1 ? strchr(bar1 + 1, '|') : NULL;
    if (!bar2)
        return false;
    return csv_fwrite(f, key, (size_t)(bar1 - key)) == 0 && fputc(',', f) != EOF &&
           csv_fwrite(f, bar1 + 1, (size_t)(bar2 - bar1 - 1)) == 0 && fputc(',', f) != EOF &&
           csv_fwrite(f, bar2 + 1, strlen(bar2 + 1)) == 0;
}

int quality_write_review_list(const struct quality *q, const struct join_stats *js,
                              const char *restricted_dir, struct impact_error *err)
{
    char path[IMPACT_PATH_MAX + 48];
    snprintf(path, sizeof path, "%s/review_probable_duplicates.csv", restricted_dir);
    FILE *f = fopen(path, "w");
    if (!f)
        return impact_fail(err, STAGE, path, 0, 0, "cannot create the file: %s", strerror(errno));
    bool ok = fputs("pair,file_a,line_a,last_name_a,first_name_a,birth_date_a,file_b,line_b,"
                    "last_name_b,first_name_b,birth_date_b,edit_distance\n",
                    f) >= 0;
    for (size_t i = 0; i < js->n_probable_duplicates && ok; i++) {
        const struct probable_duplicate *d = &js->probable_duplicates[i];
        const char *file_a = q->paths[d->origin_a.file], *file_b = q->paths[d->origin_b.file];
        ok = fprintf(f, "%zu,", i + 1) > 0 && csv_fwrite(f, file_a, strlen(file_a)) == 0 &&
             fprintf(f, ",%lu,", (unsigned long)d->origin_a.line) > 0 &&
             write_name_key(f, d->name_key_a) && fputc(',', f) != EOF &&
             csv_fwrite(f, file_b, strlen(file_b)) == 0 &&
             fprintf(f, ",%lu,", (unsigned long)d->origin_b.line) > 0 &&
             write_name_key(f, d->name_key_b) && fprintf(f, ",%d\n", d->distance) > 0;
    }
    if (fclose(f) != 0 || !ok)
        return impact_fail(err, STAGE, path, 0, 0, "cannot write the file: %s", strerror(errno));
    return IMPACT_OK;
}
