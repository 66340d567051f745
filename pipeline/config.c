/* config.c — reading and checking the JSON config with jansson. Each section has one
 * loader function; each reports the JSON path of what is wrong. */
#include "pipeline/config.h"

#include "stages/common/arena.h"
#include "stages/common/fold.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char STAGE[] = "config";

enum { MAX_UNKNOWN_LISTED = 16 };

/* A key the config's section does not have; `near` is the closest known key, or NULL. */
struct unknown_key {
    const char *path, *key, *near;
    const char *const *known;
    long line, column; /* in the file; 0 when the key is not there exactly once */
};

struct loader {
    struct config *cfg;
    struct impact_error *err;
    int status;
    char dir[IMPACT_PATH_MAX]; /* folder of the config file, for relative paths */
    const char *text;          /* the file's text, NUL-terminated, for key lines */
    size_t n_unknown;          /* unknown keys seen; the first MAX_UNKNOWN_LISTED kept */
    struct unknown_key unknown[MAX_UNKNOWN_LISTED];
};

__attribute__((format(printf, 3, 4))) static void fail(struct loader *l, const char *json_path,
                                                       const char *fmt, ...)
{
    char what[512];
    va_list args;
    va_start(args, fmt);
    vsnprintf(what, sizeof what, fmt, args);
    va_end(args);
    if (l->status == IMPACT_OK)
        impact_fail(l->err, STAGE, l->cfg->path, 0, 0, "%s: %s", json_path, what);
    l->status = IMPACT_FAIL;
}

/* Warnings the driver prints (none since unknown keys became errors; kept for the next). */
__attribute__((unused)) static void warn(struct loader *l, const char *text)
{
    struct config *c = l->cfg;
    c->warnings = xrealloc(c->warnings, (c->n_warnings + 1) * sizeof *c->warnings);
    c->warnings[c->n_warnings++] = arena_strdup(c->arena, text);
}

static const char *join_path(struct loader *l, const char *parent, const char *key)
{
    char buf[512];
    snprintf(buf, sizeof buf, "%s%s%s", parent, *parent ? "." : "", key);
    return arena_strdup(l->cfg->arena, buf);
}

static const char *index_path(struct loader *l, const char *parent, size_t i)
{
    char buf[512];
    snprintf(buf, sizeof buf, "%s[%zu]", parent, i);
    return arena_strdup(l->cfg->arena, buf);
}

/* ---- unknown keys ----
 *
 * A key the program does not use is an error (a misspelt key would otherwise leave its
 * default in place without a word). check_keys only notes each one; config_load reports
 * them all in one message at the end, before any other error, since a misspelt key is the
 * usual cause of a missing or wrong value. jansson keeps no position per key, so the line
 * is found by scanning the file's text for the quoted key followed by ':' (find_key_line),
 * and given only when the key occurs exactly once there; the JSON path always names it. */

static const char *closest_key(const char *key, const char *const *known)
{
    char folded[128], candidate[128];
    fold_label(key, strlen(key), folded, sizeof folded);
    const char *best = NULL, *prefix = NULL;
    int best_distance = 3;
    size_t prefix_len = 0;
    for (size_t i = 0; known[i]; i++) {
        size_t n = fold_label(known[i], strlen(known[i]), candidate, sizeof candidate);
        int d = fold_edit_distance(folded, candidate, 2);
        if (d < best_distance)
            best = known[i], best_distance = d;
        if (n > prefix_len && strncmp(folded, candidate, n) == 0) /* "Female" → "F" */
            prefix = known[i], prefix_len = n;
    }
    return best ? best : prefix;
}

static void check_keys(struct loader *l, json_t *obj, const char *path, const char *const *known)
{
    const char *key;
    json_t *value;
    json_object_foreach(obj, key, value)
    {
        (void)value;
        bool found = key[0] == '_' || strncmp(key, "//", 2) == 0;
        for (size_t i = 0; known[i] && !found; i++)
            found = strcmp(key, known[i]) == 0;
        if (found)
            continue;
        if (l->n_unknown < MAX_UNKNOWN_LISTED)
            l->unknown[l->n_unknown] = (struct unknown_key){arena_strdup(l->cfg->arena, path),
                                                            arena_strdup(l->cfg->arena, key),
                                                            closest_key(key, known),
                                                            known,
                                                            0,
                                                            0};
        l->n_unknown++;
    }
}

/* Line and column (in characters) of `"key":` in the config's text, when it occurs once. */
static bool find_key_line(const char *text, const char *key, long *line, long *column)
{
    char needle[256];
    if (!text || (size_t)snprintf(needle, sizeof needle, "\"%s\"", key) >= sizeof needle)
        return false;
    const char *found = NULL;
    for (const char *at = strstr(text, needle); at; at = strstr(at + 1, needle)) {
        const char *after = at + strlen(needle);
        after += strspn(after, " \t\r\n");
        if (*after != ':' || (at > text && at[-1] == '\\'))
            continue;
        if (found)
            return false; /* twice: the path says which */
        found = at;
    }
    if (!found)
        return false;
    *line = 1, *column = 1;
    for (const char *c = text; c < found; c++) {
        if (*c == '\n')
            *line += 1, *column = 1;
        else if (((unsigned char)*c & 0xC0) != 0x80)
            *column += 1;
    }
    return true;
}

/* Alone: `"charts.langage": unknown key in charts; did you mean "language"?`; in a list:
 * `"charts.langage" in charts (line 6), did you mean "language"?`. */
static void describe_unknown(const struct unknown_key *u, bool in_list, char *out, size_t cap)
{
    char line[32] = "";
    if (in_list && u->line > 0)
        snprintf(line, sizeof line, " (line %ld)", u->line);
    int n = snprintf(out, cap, "\"%s%s%s\"%s %s%s%s%s", u->path, *u->path ? "." : "", u->key,
                     in_list ? "" : ": unknown key", *u->path ? "in " : "at the top level", u->path,
                     line, in_list ? "," : ";");
    size_t used = n < 0 ? 0 : (size_t)n < cap ? (size_t)n : cap - 1;
    size_t n_known = 0;
    while (u->known[n_known])
        n_known++;
    if (u->near) {
        snprintf(out + used, cap - used, " did you mean \"%s\"?", u->near);
    } else if (n_known <= 5) { /* a short list: name every key it may be */
        for (size_t i = 0; i < n_known && used < cap; i++) {
            n = snprintf(out + used, cap - used, "%s\"%s\"",
                         i == 0             ? " expected "
                         : i + 1 == n_known ? " or "
                                            : ", ",
                         u->known[i]);
            used += n < 0 ? 0 : (size_t)n;
        }
    } else {
        snprintf(out + used, cap - used, " see docs/config.md for the keys %s%s",
                 *u->path ? "of " : "of the top level", u->path);
    }
}

/* In the order of the file; keys with no line last, as they were found. */
static void sort_by_line(struct unknown_key *list, size_t n)
{
    for (size_t i = 1; i < n; i++) /* insertion sort: at most MAX_UNKNOWN_LISTED */
        for (size_t k = i; k > 0; k--) {
            struct unknown_key *x = &list[k - 1], *y = &list[k];
            if (y->line == 0 || (x->line != 0 && x->line <= y->line))
                break;
            struct unknown_key swap = *x;
            *x = *y, *y = swap;
        }
}

/* One key: its line and column go into the error. Several: every one in one message (as many
 * as fit), in the order of the file, each with its line when known. */
static int report_unknown_keys(struct loader *l)
{
    char message[IMPACT_MSG_MAX] = "", entry[IMPACT_MSG_MAX];
    size_t listed = l->n_unknown < MAX_UNKNOWN_LISTED ? l->n_unknown : MAX_UNKNOWN_LISTED;
    for (size_t i = 0; i < listed; i++) {
        struct unknown_key *u = &l->unknown[i];
        if (!find_key_line(l->text, u->key, &u->line, &u->column))
            u->line = u->column = 0;
    }
    if (l->n_unknown == 1) {
        describe_unknown(&l->unknown[0], false, message, sizeof message);
        return impact_fail(l->err, STAGE, l->cfg->path, l->unknown[0].line, l->unknown[0].column,
                           "%s", message);
    }
    sort_by_line(l->unknown, listed);
    size_t used = (size_t)snprintf(message, sizeof message, "%zu unknown keys: ", l->n_unknown);
    size_t shown = 0;
    for (; shown < listed; shown++) {
        describe_unknown(&l->unknown[shown], true, entry, sizeof entry);
        if (used + strlen(entry) + 2 + 24 >= sizeof message) /* keep room for "; and N more" */
            break;
        used += (size_t)snprintf(message + used, sizeof message - used, "%s%s", shown ? "; " : "",
                                 entry);
    }
    if (shown < l->n_unknown)
        snprintf(message + used, sizeof message - used, "; and %zu more", l->n_unknown - shown);
    return impact_fail(l->err, STAGE, l->cfg->path, 0, 0, "%s", message);
}

/* ---- typed getters: absent keys give the default; wrong types fail with the path ---- */

static json_t *get(struct loader *l, json_t *obj, const char *key, json_type type, const char *path,
                   const char *expected)
{
    json_t *v = obj ? json_object_get(obj, key) : NULL;
    if (!v || json_is_null(v))
        return NULL;
    bool ok = json_typeof(v) == type || (type == JSON_REAL && json_is_number(v)) ||
              (type == JSON_TRUE && json_is_boolean(v));
    if (!ok) {
        fail(l, join_path(l, path, key), "expected %s", expected);
        return NULL;
    }
    return v;
}

static const char *get_string(struct loader *l, json_t *obj, const char *key, const char *path,
                              const char *fallback)
{
    json_t *v = get(l, obj, key, JSON_STRING, path, "a string");
    return v ? arena_strdup(l->cfg->arena, json_string_value(v)) : fallback;
}

static double get_number(struct loader *l, json_t *obj, const char *key, const char *path,
                         double fallback, double min, double max)
{
    json_t *v = get(l, obj, key, JSON_REAL, path, "a number");
    double x = v ? json_number_value(v) : fallback;
    if (v && !(x >= min && x <= max)) {
        fail(l, join_path(l, path, key), "expected a number from %g to %g, found %g", min, max, x);
        x = fallback; /* callers convert to int: never hand them an out-of-range value */
    }
    return x;
}

static day_t get_date(struct loader *l, json_t *obj, const char *key, const char *path)
{
    const char *text = get_string(l, obj, key, path, NULL);
    day_t day = DAY_NONE;
    const char *why = "";
    if (text && date_parse(text, strlen(text), &day, &why) != DATE_OK) {
        fail(l, join_path(l, path, key), "expected a date such as \"2019-12-31\" (%s)", why);
        day = DAY_NONE;
    }
    return day;
}

/* Removes "." and "dir/.." components without touching the file system, so messages show
 * "samples/x.csv" rather than "config/../samples/x.csv". Works for any length: the result
 * is never longer than `path` ("." or "/" when nothing is left) and replaces it. */
static void normalise_path(char *path)
{
    size_t len = strlen(path), n = 0, used = 0;
    char **parts = xmalloc((len / 2 + 1) * sizeof *parts); /* a part and its '/': 2 bytes */
    char *out = xmalloc(len + 2);
    bool absolute = path[0] == '/';
    for (char *tok = strtok(path, "/"); tok; tok = strtok(NULL, "/")) {
        if (strcmp(tok, ".") == 0)
            continue;
        if (strcmp(tok, "..") == 0 && n > 0 && strcmp(parts[n - 1], "..") != 0)
            n--;
        else
            parts[n++] = tok;
    }
    out[0] = '\0';
    for (size_t i = 0; i < n; i++)
        used += (size_t)snprintf(out + used, len + 2 - used, "%s%s", i || absolute ? "/" : "",
                                 parts[i]);
    strcpy(path, n ? out : absolute ? "/" : ".");
    free(out);
    free(parts);
}

static const char *resolve(struct loader *l, const char *path)
{
    size_t n = strlen(l->dir) + strlen(path) + 3;
    char *full = arena_alloc(l->cfg->arena, n > IMPACT_PATH_MAX ? n : IMPACT_PATH_MAX);
    if (path[0] == '/' || !l->dir[0])
        snprintf(full, n, "%s", path);
    else
        snprintf(full, n, "%s/%s", l->dir, path);
    normalise_path(full);
    return full;
}

/* ---- sections ---- */

static int field_by_name(const char *name)
{
    for (int f = 0; f < FIELD_COUNT; f++)
        if (strcmp(record_field_names[f], name) == 0)
            return f;
    return -1;
}

/* The canonical field closest to a misspelt one ("sesion_date" → "session_date"), or NULL. */
static const char *closest_field(const char *name)
{
    const char *names[FIELD_COUNT + 1] = {NULL};
    for (int f = 0; f < FIELD_COUNT; f++)
        names[f] = record_field_names[f];
    return closest_key(name, names);
}

static void load_columns(struct loader *l, json_t *obj, const char *path, struct ingest_source *s)
{
    json_t *cols = get(l, obj, "columns", JSON_OBJECT, path, "an object of header: field");
    const char *cols_path = join_path(l, path, "columns");
    struct column_mapping *map =
        arena_alloc(l->cfg->arena, (json_object_size(cols) + 1) * sizeof *map);
    const char *header;
    json_t *value;
    size_t n = 0;
    json_object_foreach(cols, header, value)
    {
        int f = json_is_string(value) ? field_by_name(json_string_value(value)) : -1;
        const char *near = json_is_string(value) ? closest_field(json_string_value(value)) : NULL;
        if (f < 0 && near) {
            fail(l, join_path(l, cols_path, header),
                 "expected a canonical field name; did you mean \"%s\"?", near);
            break;
        }
        if (f < 0) {
            fail(l, join_path(l, cols_path, header),
                 "expected a canonical field name such as \"session_date\" (see docs/config.md)");
            break;
        }
        map[n++] = (struct column_mapping){arena_strdup(l->cfg->arena, header), (enum field)f};
    }
    s->columns = map;
    s->n_columns = n;
}

/* skip_lines: the header's line is fixed (no detection of a title above it). */
static void load_skip_lines(struct loader *l, json_t *obj, const char *path,
                            struct ingest_source *s)
{
    if (!json_object_get(obj, "skip_lines"))
        return;
    double n = get_number(l, obj, "skip_lines", path, 0, 0, 1000);
    if (n != (double)(unsigned)n)
        fail(l, join_path(l, path, "skip_lines"), "expected a whole number of lines, found %g", n);
    s->fixed_header = true;
    s->skip_lines = (unsigned)n;
}

static void load_input(struct loader *l, json_t *obj, const char *path, size_t index)
{
    static const char *const known[] = {"kind",    "path",       "encoding", "delimiter",
                                        "columns", "skip_lines", NULL};
    struct config_input *in = &l->cfg->inputs[index];
    struct ingest_source *s = &in->source;
    if (!json_is_object(obj)) {
        fail(l, path, "expected an object with \"kind\" and \"path\"");
        return;
    }
    check_keys(l, obj, path, known);
    const char *kind = get_string(l, obj, "kind", path, NULL);
    const char *file = get_string(l, obj, "path", path, NULL);
    const char *encoding = get_string(l, obj, "encoding", path, "auto");
    const char *delimiter = get_string(l, obj, "delimiter", path, "auto");
    s->file_index = (uint16_t)index;
    if (!kind || (strcmp(kind, "attendance") && strcmp(kind, "outcome")))
        fail(l, join_path(l, path, "kind"), "expected \"attendance\" or \"outcome\"");
    if (!file)
        fail(l, join_path(l, path, "path"), "expected a string (the export's file path)");
    if (l->status != IMPACT_OK)
        return;
    s->kind = strcmp(kind, "attendance") == 0 ? INPUT_ATTENDANCE : INPUT_OUTCOME;
    in->display_path = file;
    s->path = resolve(l, file);
    if (!strcmp(encoding, "auto") || !strcmp(encoding, "utf-8") ||
        !strcmp(encoding, "windows-1252"))
        s->encoding = !strcmp(encoding, "auto")    ? INGEST_ENCODING_AUTO
                      : !strcmp(encoding, "utf-8") ? INGEST_ENCODING_UTF8
                                                   : INGEST_ENCODING_CP1252;
    else
        fail(l, join_path(l, path, "encoding"), "expected \"auto\", \"utf-8\" or \"windows-1252\"");
    if (strcmp(delimiter, "auto") == 0)
        s->delimiter = 0;
    else if (strlen(delimiter) == 1 && strchr(",;\t|", delimiter[0]))
        s->delimiter = delimiter[0];
    else
        fail(l, join_path(l, path, "delimiter"),
             "expected \"auto\", \",\", \";\", \"|\" or \"\\t\"");
    load_columns(l, obj, path, s);
    load_skip_lines(l, obj, path, s);
}

static void load_inputs(struct loader *l, json_t *root)
{
    json_t *arr = get(l, root, "inputs", JSON_ARRAY, "", "an array of inputs");
    if (l->status == IMPACT_OK && (!arr || json_array_size(arr) == 0)) {
        fail(l, "inputs", "expected at least one input (an attendance export)");
        return;
    }
    if (l->status != IMPACT_OK)
        return;
    if (json_array_size(arr) > 1000) {
        fail(l, "inputs", "expected at most 1000 inputs");
        return;
    }
    struct config *c = l->cfg;
    c->n_inputs = json_array_size(arr);
    c->inputs = arena_alloc(c->arena, c->n_inputs * sizeof *c->inputs);
    bool has_attendance = false;
    for (size_t i = 0; i < c->n_inputs && l->status == IMPACT_OK; i++) {
        load_input(l, json_array_get(arr, i), index_path(l, "inputs", i), i);
        has_attendance |= c->inputs[i].source.kind == INPUT_ATTENDANCE;
    }
    if (l->status == IMPACT_OK && !has_attendance)
        fail(l, "inputs", "expected at least one input of kind \"attendance\"");
}

/* labels.<kind>.<value>: [text, …] */
struct label_group {
    const char *kind_key;
    enum label_kind kind;
    const char *value_keys[4];
    int values[4];
};

static const struct label_group label_groups[] = {
    {"status",
     LABEL_STATUS,
     {"present", "absent", "excused", NULL},
     {PRESENCE_PRESENT, PRESENCE_ABSENT, PRESENCE_EXCUSED, 0}},
    {"role", LABEL_ROLE, {"youth", "parent", NULL, NULL}, {ROLE_YOUTH, ROLE_PARENT, 0, 0}},
    {"sex", LABEL_SEX, {"F", "M", NULL, NULL}, {SEX_F, SEX_M, 0, 0}},
    {"qpv", LABEL_QPV, {"yes", "no", NULL, NULL}, {QPV_YES, QPV_NO, 0, 0}},
};

static void add_label(struct loader *l, enum label_kind kind, const char *text, int value)
{
    struct clean_options *o = &l->cfg->clean;
    struct clean_label *labels = (struct clean_label *)o->labels;
    labels = xrealloc(labels, (o->n_labels + 1) * sizeof *labels);
    labels[o->n_labels++] = (struct clean_label){kind, arena_strdup(l->cfg->arena, text), value};
    o->labels = labels;
}

static void load_label_group(struct loader *l, json_t *labels, const struct label_group *g)
{
    const char *path = join_path(l, "labels", g->kind_key);
    json_t *obj = get(l, labels, g->kind_key, JSON_OBJECT, "labels", "an object");
    if (!obj)
        return;
    check_keys(l, obj, path, g->value_keys);
    for (int v = 0; v < 4 && g->value_keys[v]; v++) {
        const char *vpath = join_path(l, path, g->value_keys[v]);
        json_t *arr = get(l, obj, g->value_keys[v], JSON_ARRAY, path, "an array of strings");
        for (size_t i = 0; arr && i < json_array_size(arr); i++) {
            json_t *item = json_array_get(arr, i);
            if (!json_is_string(item)) {
                fail(l, index_path(l, vpath, i), "expected a string");
                return;
            }
            add_label(l, g->kind, json_string_value(item), g->values[v]);
        }
    }
}

static void load_labels(struct loader *l, json_t *root)
{
    static const char *const known[] = {"status", "role", "sex", "qpv", NULL};
    json_t *labels = get(l, root, "labels", JSON_OBJECT, "", "an object");
    if (!labels)
        return;
    check_keys(l, labels, "labels", known);
    for (size_t g = 0; g < sizeof label_groups / sizeof label_groups[0]; g++)
        load_label_group(l, labels, &label_groups[g]);
}

/* The category a "situations" value names; an unknown name fails with the nearest one. */
static int situation_category(struct loader *l, const char *label, json_t *value)
{
    const char *name = json_is_string(value) ? json_string_value(value) : NULL;
    for (int k = 0; k < CATEGORY_COUNT && name; k++)
        if (strcmp(clean_category_names[k], name) == 0)
            return k;
    const char *known[CATEGORY_COUNT + 1] = {NULL};
    for (int k = 0; k < CATEGORY_COUNT; k++)
        known[k] = clean_category_names[k];
    const char *near = name ? closest_key(name, known) : NULL;
    char found[160] = ", found a value that is not a string";
    if (name)
        snprintf(found, sizeof found, ", found \"%.100s\"%s%s%s", name,
                 near ? " (did you mean \"" : "", near ? near : "", near ? "\"?)" : "");
    fail(l, join_path(l, "situations", label),
         "expected one of \"employment\", \"training\", \"education\", \"unemployed\", "
         "\"inactive\", \"unknown\"%s",
         found);
    return -1;
}

static void load_situations(struct loader *l, json_t *root)
{
    json_t *obj = get(l, root, "situations", JSON_OBJECT, "", "an object of label: category");
    struct clean_options *o = &l->cfg->clean;
    struct clean_situation *list = xcalloc(json_object_size(obj) + 1, sizeof *list);
    const char *label;
    json_t *value;
    o->situations = list;
    json_object_foreach(obj, label, value)
    {
        if (label[0] == '_' || strncmp(label, "//", 2) == 0)
            continue; /* a comment, as everywhere in the config */
        int cat = situation_category(l, label, value);
        if (cat < 0)
            return;
        list[o->n_situations++] =
            (struct clean_situation){arena_strdup(l->cfg->arena, label), (enum category)cat};
    }
}

/* qpv_code_blank: what a blank qpv_code means in an export with no qpv column. */
static void load_qpv_code_blank(struct loader *l, json_t *root)
{
    const char *value = get_string(l, root, "qpv_code_blank", "", "not_qpv");
    if (strcmp(value, "not_qpv") == 0)
        l->cfg->clean.qpv_code_blank = QPV_CODE_BLANK_NOT_QPV;
    else if (strcmp(value, "unknown") == 0)
        l->cfg->clean.qpv_code_blank = QPV_CODE_BLANK_UNKNOWN;
    else
        fail(l, "qpv_code_blank", "expected \"not_qpv\" or \"unknown\"");
}

static void load_qpv_codes(struct loader *l, json_t *root)
{
    json_t *arr = get(l, root, "qpv_codes", JSON_ARRAY, "", "an array of QPV codes");
    struct clean_options *o = &l->cfg->clean;
    const char **codes = xcalloc(json_array_size(arr) + 1, sizeof *codes);
    for (size_t i = 0; arr && i < json_array_size(arr); i++) {
        json_t *item = json_array_get(arr, i);
        if (!json_is_string(item)) {
            fail(l, index_path(l, "qpv_codes", i), "expected a string such as \"QP013055\"");
            break;
        }
        codes[o->n_qpv_codes++] = arena_strdup(l->cfg->arena, json_string_value(item));
    }
    o->qpv_codes = codes;
}

static void load_window_and_periods(struct loader *l, json_t *root)
{
    static const char *const window_keys[] = {"first", "last", NULL};
    static const char *const period_keys[] = {"kind", "start_month", "partial_gap_days", NULL};
    struct config *c = l->cfg;
    json_t *window = get(l, root, "window", JSON_OBJECT, "", "an object with first and last");
    json_t *periods = get(l, root, "periods", JSON_OBJECT, "", "an object");
    if (window)
        check_keys(l, window, "window", window_keys);
    if (periods)
        check_keys(l, periods, "periods", period_keys);
    c->clean.window_first = c->indicators.first = get_date(l, window, "first", "window");
    c->clean.window_last = c->indicators.last = get_date(l, window, "last", "window");
    if (c->clean.window_first != DAY_NONE && c->clean.window_last != DAY_NONE &&
        c->clean.window_last < c->clean.window_first)
        fail(l, "window.last", "expected a date on or after window.first");
    const char *kind = get_string(l, periods, "kind", "periods", "calendar");
    c->indicators.school_year_start_month =
        (int)get_number(l, periods, "start_month", "periods", 9, 1, 12);
    c->indicators.partial_gap_days =
        (int)get_number(l, periods, "partial_gap_days", "periods", 31, 0, 366);
    if (strcmp(kind, "calendar") == 0)
        c->indicators.period_kind = PERIOD_CALENDAR_YEAR;
    else if (strcmp(kind, "school_year") == 0)
        c->indicators.period_kind = PERIOD_SCHOOL_YEAR;
    else
        fail(l, "periods.kind", "expected \"calendar\" or \"school_year\"");
}

static void load_target_roles(struct loader *l, json_t *target)
{
    struct indicators_options *o = &l->cfg->indicators;
    json_t *roles = get(l, target, "roles", JSON_ARRAY, "target", "an array of roles");
    if (!roles) {
        /* every participant is a young person or a parent, recorded or not: a blank role
         * is still someone reached, and counting everyone keeps the target trajectory equal
         * to the cumulative count (nothing to subtract in the public figures) */
        o->target_roles[ROLE_YOUTH] = o->target_roles[ROLE_PARENT] = true;
        o->target_roles[ROLE_UNKNOWN] = true;
        return;
    }
    for (size_t i = 0; i < json_array_size(roles); i++) {
        json_t *item = json_array_get(roles, i);
        int role = -1;
        for (int r = 0; r < ROLE_COUNT && json_is_string(item); r++)
            if (strcmp(figures_role_names[r], json_string_value(item)) == 0)
                role = r;
        static const char *const names[] = {"youth", "parent", "unknown", NULL};
        const char *near =
            json_is_string(item) ? closest_key(json_string_value(item), names) : NULL;
        if (role < 0) {
            fail(l, index_path(l, "target.roles", i),
                 "expected \"youth\", \"parent\" or \"unknown\"%s%s%s",
                 near ? "; did you mean \"" : "", near ? near : "", near ? "\"?" : "");
            return;
        }
        o->target_roles[role] = true;
    }
}

static void load_site_targets(struct loader *l, json_t *target)
{
    json_t *sites = get(l, target, "sites", JSON_OBJECT, "target", "an object of site: target");
    struct indicators_options *o = &l->cfg->indicators;
    struct site_target *list = xcalloc(json_object_size(sites) + 1, sizeof *list);
    const char *site;
    json_t *value;
    json_object_foreach(sites, site, value)
    {
        if (!json_is_integer(value) || json_integer_value(value) < 0) {
            fail(l, join_path(l, "target.sites", site), "expected a whole number of persons ≥ 0");
            break;
        }
        list[o->n_site_targets++] = (struct site_target){arena_strdup(l->cfg->arena, site),
                                                         (long)json_integer_value(value)};
    }
    o->site_targets = list;
    o->config_path = l->cfg->path; /* the indicators name it when an entry matches no site */
}

static void load_target(struct loader *l, json_t *root)
{
    static const char *const known[] = {"total", "deadline",       "roles",
                                        "sites", "trend_quarters", NULL};
    struct indicators_options *o = &l->cfg->indicators;
    json_t *target = get(l, root, "target", JSON_OBJECT, "", "an object");
    if (target)
        check_keys(l, target, "target", known);
    json_t *total = get(l, target, "total", JSON_INTEGER, "target", "a whole number of persons");
    o->target = total ? (long)json_integer_value(total) : 0;
    if (o->target < 0)
        fail(l, "target.total", "expected a whole number of persons ≥ 0, found %ld", o->target);
    o->deadline = get_date(l, target, "deadline", "target");
    o->trend_quarters = (int)get_number(l, target, "trend_quarters", "target", 4, 2, 400);
    if (o->deadline != DAY_NONE && o->first != DAY_NONE && o->deadline < o->first)
        fail(l, "target.deadline", "expected a date on or after window.first");
    load_target_roles(l, target);
    load_site_targets(l, target);
}

/* dosage.bands: lower bounds in increasing order, e.g. [1, 2, 5] → "1", "2-4", "5+". */
static void load_dosage(struct loader *l, json_t *root)
{
    static const char *const known[] = {"bands", NULL};
    static const int fallback[] = {1, 2, 5};
    struct indicators_options *o = &l->cfg->indicators;
    json_t *dosage = get(l, root, "dosage", JSON_OBJECT, "", "an object");
    if (dosage)
        check_keys(l, dosage, "dosage", known);
    json_t *arr = get(l, dosage, "bands", JSON_ARRAY, "dosage", "an array of lower bounds");
    size_t n = arr ? json_array_size(arr) : 3;
    if (n < 1 || n > FIGURES_MAX_BANDS) {
        fail(l, "dosage.bands", "expected 1 to %d lower bounds such as [1, 2, 5]",
             FIGURES_MAX_BANDS);
        return;
    }
    int lows[FIGURES_MAX_BANDS];
    for (size_t i = 0; i < n; i++) {
        json_t *item = arr ? json_array_get(arr, i) : NULL;
        lows[i] = item ? (int)json_integer_value(item) : fallback[i];
        if ((item && !json_is_integer(item)) || lows[i] < 1 || lows[i] > 100000 ||
            (i == 0 && lows[i] != 1) || (i > 0 && lows[i] <= lows[i - 1])) {
            fail(l, index_path(l, "dosage.bands", i),
                 "expected whole numbers increasing from 1, such as [1, 2, 5]");
            return;
        }
    }
    o->n_bands = n;
    for (size_t i = 0; i < n; i++) {
        struct dosage_band *b = &o->bands[i];
        b->min = lows[i];
        b->max = i + 1 < n ? lows[i + 1] - 1 : 0;
        if (b->max == 0)
            snprintf(b->label, sizeof b->label, "%d+", b->min);
        else if (b->max == b->min)
            snprintf(b->label, sizeof b->label, "%d", b->min);
        else
            snprintf(b->label, sizeof b->label, "%d-%d", b->min, b->max);
    }
}

static void load_presentation(struct loader *l, json_t *root)
{
    static const char *const chart_keys[] = {"language",    "width",        "height",
                                             "print_width", "print_height", NULL};
    static const char *const disclosure_keys[] = {"threshold", NULL};
    static const char *const stats_keys[] = {"confidence", NULL};
    static const char *const validate_keys[] = {"max_reject_share", "max_unmapped_situation_share",
                                                NULL};
    struct config *c = l->cfg;
    json_t *charts = get(l, root, "charts", JSON_OBJECT, "", "an object");
    json_t *stats = get(l, root, "statistics", JSON_OBJECT, "", "an object");
    json_t *validate = get(l, root, "validate", JSON_OBJECT, "", "an object");
    json_t *disclosure = get(l, root, "disclosure", JSON_OBJECT, "", "an object");
    if (disclosure)
        check_keys(l, disclosure, "disclosure", disclosure_keys);
    c->disclosure_threshold =
        (int)get_number(l, disclosure, "threshold", "disclosure", 11, 1, 1000);
    if (charts)
        check_keys(l, charts, "charts", chart_keys);
    if (stats)
        check_keys(l, stats, "statistics", stats_keys);
    if (validate)
        check_keys(l, validate, "validate", validate_keys);
    const char *lang = get_string(l, charts, "language", "charts", "fr");
    if (strcmp(lang, "fr") && strcmp(lang, "en"))
        fail(l, "charts.language", "expected \"fr\" or \"en\"");
    c->charts.language = strcmp(lang, "en") == 0 ? NUMFMT_LANG_EN : NUMFMT_LANG_FR;
    c->charts.width = (int)get_number(l, charts, "width", "charts", 1200, 320, 8000);
    c->charts.height = (int)get_number(l, charts, "height", "charts", 675, 200, 8000);
    /* A4 width at 150 dpi (210 mm), 16:9 */
    c->charts.print_width = (int)get_number(l, charts, "print_width", "charts", 1240, 320, 8000);
    c->charts.print_height = (int)get_number(l, charts, "print_height", "charts", 698, 200, 8000);
    c->indicators.confidence = get_number(l, stats, "confidence", "statistics", 0.95, 0.5, 0.999);
    c->max_reject_share = get_number(l, validate, "max_reject_share", "validate", 0.05, 0, 1);
    c->max_unmapped_situation_share =
        get_number(l, validate, "max_unmapped_situation_share", "validate", 0, 0, 1);
}

/* Who may read the outputs: the files hold aggregate figures, but the restricted folder and
 * the rejects point to people, so by default only the user running the pipeline may. */
static void load_output_access(struct loader *l, json_t *root)
{
    static const struct {
        const char *name;
        unsigned umask;
    } levels[] = {{"private", 077}, {"group", 027}, {"world", 022}};
    const char *access = get_string(l, root, "output_access", "", "private");
    for (size_t i = 0; i < sizeof levels / sizeof levels[0]; i++)
        if (strcmp(access, levels[i].name) == 0) {
            l->cfg->output_umask = levels[i].umask;
            return;
        }
    fail(l, "output_access", "expected \"private\", \"group\" or \"world\"");
}

static void load_root(struct loader *l, json_t *root)
{
    static const char *const known[] = {
        "programme", "run_date",   "output_dir", "window",        "periods",        "inputs",
        "labels",    "situations", "qpv_codes",  "target",        "statistics",     "charts",
        "validate",  "disclosure", "dosage",     "output_access", "qpv_code_blank", NULL};
    struct config *c = l->cfg;
    if (!json_is_object(root)) {
        fail(l, "(top level)", "expected an object");
        return;
    }
    check_keys(l, root, "", known);
    c->programme = get_string(l, root, "programme", "", "Programme");
    c->run_date = get_string(l, root, "run_date", "", "");
    c->output_dir = resolve(l, get_string(l, root, "output_dir", "", "out"));
    load_output_access(l, root);
    c->charts.programme = c->programme;
    c->charts.run_date = c->run_date;
    day_t ignored;
    if (c->run_date[0] && date_parse(c->run_date, strlen(c->run_date), &ignored, NULL) != DATE_OK)
        fail(l, "run_date", "expected a date such as \"2026-11-26\"");
    load_window_and_periods(l, root);
    load_inputs(l, root);
    load_labels(l, root);
    load_situations(l, root);
    load_qpv_codes(l, root);
    load_qpv_code_blank(l, root);
    load_target(l, root);
    load_dosage(l, root);
    load_presentation(l, root);
}

/* The whole file, NUL-terminated (configs are small); NULL with errno set on failure. */
static char *read_text(const char *path, size_t *len)
{
    FILE *file = fopen(path, "rb");
    if (!file)
        return NULL;
    size_t cap = 4096, n = 0;
    char *text = xmalloc(cap);
    for (size_t got; (got = fread(text + n, 1, cap - n - 1, file)) > 0;) {
        n += got;
        if (cap - n - 1 == 0)
            xgrow((void **)&text, &cap, cap, 1);
    }
    int failed = ferror(file) ? errno : 0;
    fclose(file);
    if (failed) {
        free(text);
        errno = failed;
        return NULL;
    }
    text[n] = '\0';
    *len = n;
    return text;
}

int config_load(const char *path, struct config *config, struct impact_error *err)
{
    *config = (struct config){.arena = arena_new()};
    config->path = arena_strdup(config->arena, path);
    struct loader l = {.cfg = config, .err = err, .status = IMPACT_OK};
    const char *slash = strrchr(path, '/');
    if (slash)
        snprintf(l.dir, sizeof l.dir, "%.*s", (int)(slash - path), path);
    json_error_t jerr;
    size_t len = 0;
    char *text = read_text(path, &len);
    if (!text)
        return impact_fail(err, STAGE, path, 0, 0, "cannot open the config file: %s",
                           strerror(errno));
    config->json = json_loadb(text, len, JSON_REJECT_DUPLICATES, &jerr);
    if (!config->json) {
        free(text);
        return impact_fail(err, STAGE, path, jerr.line > 0 ? jerr.line : 0,
                           jerr.column > 0 ? jerr.column : 0, "invalid JSON: %s", jerr.text);
    }
    l.text = text;
    load_root(&l, config->json);
    if (l.n_unknown > 0)
        l.status = report_unknown_keys(&l);
    free(text);
    return l.status;
}

void config_free(struct config *config)
{
    if (config->json)
        json_decref(config->json);
    free((void *)config->clean.labels);
    free((void *)config->clean.situations);
    free((void *)config->clean.qpv_codes);
    free((void *)config->indicators.site_targets);
    free(config->warnings);
    arena_free(config->arena);
    *config = (struct config){0};
}
