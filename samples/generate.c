/* generate.c — writes the synthetic sample exports that `make run` and the tests feed to the
 * QPV impact pipeline.
 *
 * Why: the pipeline must be shown, and tested, on exports that look like real ones — sign-in
 * sheets typed by hand and saved by Excel in Windows-1252, follow-up records from another
 * tool — carrying every mess REQUIREMENTS.md says must be accepted, but holding no real
 * person's data. So this program invents a youth-employment programme run in three pilot
 * neighbourhoods from 2017 to 2019, with names drawn from lists and combined at random, and
 * writes:
 *   DIR/attendance.csv  Windows-1252, ';', CRLF: one row per participant per session;
 *   DIR/outcomes.csv    UTF-8 with BOM, ',', LF: one row per follow-up observation.
 * On stdout it reports where each deliberate mess landed (file:line) and the figures the
 * pipeline should find (the generator's ground truth), which samples/README.md quotes.
 *
 * Usage: gen_samples DIR [--seed N]
 * Same seed, same bytes: the only randomness is xoshiro256** seeded through splitmix64;
 * no rand(), no clock, no locale, no floating point.
 *
 * This file is the driver: it runs the steps below in order, and the order of the random
 * draws is what fixes the bytes. The steps live in files by job, compiled together:
 *   gen.h       constants, the working data (struct gen), what one file calls in another;
 *   tables.c    the programme's fixed data (sites, activities, situations);
 *   names.h     the name lists people are drawn from (people.c only);
 *   util.c      errors, memory, random draws, calendar, UTF-8 and Windows-1252 text;
 *   people.c    people, sessions and the attendance rows;
 *   messes.c    the rows' text (labels, name spellings) and the attendance messes;
 *   outcomes.c  the follow-up observations, their messes and their text;
 *   write.c     the two CSV files (encodings, quoting, line ends);
 *   report.c    the summary on stdout: where the messes landed, and the ground truth.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "gen.h"

/* ---------------------------------------------------------------- driver */

static _Noreturn void usage(void)
{
    die("usage: gen_samples DIR [--seed N]  (writes DIR/attendance.csv and DIR/outcomes.csv)");
}

static uint64_t parse_seed(const char *text)
{
    char *end;
    errno = 0;
    unsigned long long v = strtoull(text, &end, 10);
    if (errno != 0 || end == text || *end != '\0' || text[0] == '-')
        die("--seed expects a non-negative integer, got \"%s\"", text);
    return (uint64_t)v;
}

static void parse_args(int argc, char **argv, struct gen *g)
{
    g->seed = DEFAULT_SEED;
    for (int i = 1; i < argc; i++) {
        if (strcmp(argv[i], "--seed") == 0 && i + 1 < argc)
            g->seed = parse_seed(argv[++i]);
        else if (!g->dir && argv[i][0] != '-')
            g->dir = argv[i];
        else
            usage();
    }
    if (!g->dir)
        usage();
}

static void build_attendance(struct gen *g)
{
    int eleonore, mohamed, mohammed;
    plan_sessions(g);
    plan_special_sessions(g);
    qsort(g->sessions, g->nsessions, sizeof *g->sessions, cmp_session);
    plant_people(g, &eleonore, &mohamed, &mohammed);
    fill_sessions(g);
    attend_planted_people(g, eleonore, mohamed, mohammed);
    qsort(g->rows, g->nrows, sizeof *g->rows, cmp_row);
    number_rows(g);
    vary_planted(g, eleonore);
    vary_names(g, 10);
    for (size_t i = 0; i < g->nrows; i++)
        render_row(g, &g->rows[i]);
    mess_attendance(g);
}

static void build_outcomes(struct gen *g)
{
    first_presences(g);
    plan_outcomes(g);
    mess_outcomes(g);
    qsort(g->obs, g->nobs, sizeof *g->obs, cmp_obs);
    for (size_t i = 0; i < g->nobs; i++)
        render_obs(g, &g->obs[i]);
}

static void free_gen(struct gen *g)
{
    for (int s = 0; s < N_SITES; s++)
        for (int r = 0; r < N_ROLES; r++)
            free(g->pools[s][r].idx);
    free(g->people);
    free(g->sessions);
    free(g->rows);
    free(g->obs);
}

int main(int argc, char **argv)
{
    struct gen g = {0};
    parse_args(argc, argv, &g);
    rng_seed(&g.rng, g.seed);
    build_attendance(&g);
    build_outcomes(&g);
    write_attendance(&g);
    write_outcomes(&g);
    report_counts(&g);
    report_attendance_messes(&g);
    report_variants(&g);
    report_outcome_messes(&g);
    report_truth(&g);
    free_gen(&g);
    if (fflush(stdout) != 0)
        die("cannot write the summary: %s", strerror(errno));
    return 0;
}
