/* check.c — compares a run's out/indicators.json with the generator's independent counts.
 *
 * Why: the benchmark drives speed work, and speed work must not change a figure. The
 * generator (tests/bench/generate.c) counts, from its own model of who sat where, the
 * distinct participants present per year and the other per-year figures it can know
 * exactly; this program fails loudly when the pipeline found anything else, and checks
 * that every attendance and outcome row was read and accepted.
 *
 * Usage: bench_check EXPECTED.txt INDICATORS.json   (exit 0 when all agree, 1 otherwise)
 */
#define _POSIX_C_SOURCE 200809L /* strtok_r */
#include <jansson.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int failures;

static void expect(const char *what, const char *where, long long want, long long got)
{
    if (want == got)
        return;
    fprintf(stderr, "bench_check: MISMATCH %s %s: generator counted %lld, pipeline reports %lld\n",
            where, what, want, got);
    failures++;
}

static json_t *period_by_label(json_t *root, const char *label)
{
    size_t i;
    json_t *p;
    json_array_foreach(json_object_get(root, "periods"), i, p)
    {
        const char *l = json_string_value(json_object_get(p, "label"));
        if (l && strcmp(l, label) == 0)
            return p;
    }
    return NULL;
}

/* "period 2017 beneficiaries 123 attendances 456 …": every pair against that period. */
static void check_period(json_t *root, char *line)
{
    char *save = NULL;
    strtok_r(line, " \n", &save);
    const char *label = strtok_r(NULL, " \n", &save);
    json_t *period = label ? period_by_label(root, label) : NULL;
    if (!period) {
        fprintf(stderr, "bench_check: MISSING period %s in indicators.json\n", label ? label : "?");
        failures++;
        return;
    }
    for (char *key; (key = strtok_r(NULL, " \n", &save));) {
        const char *value = strtok_r(NULL, " \n", &save);
        json_t *got = json_object_get(period, key);
        if (!value || !json_is_integer(got)) {
            fprintf(stderr, "bench_check: MISSING %s %s in indicators.json\n", label, key);
            failures++;
            continue;
        }
        expect(key, label, atoll(value), json_integer_value(got));
    }
}

/* "attendance_rows N": the input of that kind read N rows, all accepted. */
static void check_rows(json_t *root, const char *kind, long long want)
{
    size_t i;
    json_t *in;
    json_array_foreach(json_object_get(root, "inputs"), i, in)
    {
        const char *k = json_string_value(json_object_get(in, "kind"));
        if (!k || strcmp(k, kind) != 0)
            continue;
        expect("rows_read", kind, want, json_integer_value(json_object_get(in, "rows_read")));
        expect("rows_accepted", kind, want,
               json_integer_value(json_object_get(in, "rows_accepted")));
        return;
    }
    fprintf(stderr, "bench_check: MISSING input of kind %s in indicators.json\n", kind);
    failures++;
}

int main(int argc, char **argv)
{
    if (argc != 3) {
        fputs("usage: bench_check EXPECTED.txt INDICATORS.json\n", stderr);
        return 2;
    }
    json_error_t error;
    json_t *root = json_load_file(argv[2], 0, &error);
    FILE *f = fopen(argv[1], "r");
    if (!root || !f) {
        fprintf(stderr, "bench_check: cannot read %s\n", root ? argv[1] : argv[2]);
        return 1;
    }
    char line[1024], kind[64];
    long long n;
    int periods = 0;
    while (fgets(line, sizeof line, f)) {
        if (strncmp(line, "period ", 7) == 0)
            check_period(root, line), periods++;
        else if (sscanf(line, "%63[a-z]_rows %lld", kind, &n) == 2)
            check_rows(root, kind, n);
    }
    fclose(f);
    json_decref(root);
    if (periods == 0)
        fprintf(stderr, "bench_check: no period in %s\n", argv[1]), failures++;
    if (failures)
        fprintf(stderr, "bench_check: FAILED: %d figure(s) differ from the generator's counts\n",
                failures);
    else
        printf("bench_check: ok, %d periods agree with the generator's independent counts\n",
               periods);
    return failures ? 1 : 0;
}
