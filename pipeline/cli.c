/* cli.c — parsing the command line, running the command, printing the summary. */
#include "pipeline/cli.h"

#include "pipeline/config.h"
#include "pipeline/run.h"
#include "stages/common/numfmt.h"

#include "stages/common/arena.h"
#include "stages/common/fold.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

/* ---- the command line ---- */

static const char *const commands[] = {"run", "validate", "help", NULL};
static const char *const options[] = {"--config", "--output", "--quiet",   "-q", "--timings",
                                      "--help",   "-h",       "--version", NULL};

static const char OPTIONS_HELP[] =
    "  --config FILE  the run's JSON config (every key in docs/config.md)\n"
    "  --output DIR   write into DIR instead of the config's output_dir\n"
    "  --quiet, -q    print nothing but errors and warnings (no progress, no summary)\n"
    "  --timings      print each step's wall time after the run\n"
    "  --help, -h     print this help and exit\n";

void cli_usage(enum cli_command topic)
{
    if (topic == CLI_RUN)
        fputs("usage: impact run --config FILE [--output DIR] [--quiet] [--timings]\n"
              "\n"
              "Reads the exports named in the config, cleans and joins them, computes the\n"
              "indicators and writes indicators.json, public/, charts/, summary.pdf, quality/ and\n"
              "restricted/ into the output folder. Exit status: 0 done, 1 an error (printed), 2 a\n"
              "wrong command line, 3 situation labels that no mapping knows (nothing written:\n"
              "the lines to add to the config are printed).\n"
              "\n",
              stdout);
    else if (topic == CLI_VALIDATE)
        fputs("usage: impact validate --config FILE [--output DIR] [--quiet] [--timings]\n"
              "\n"
              "Reads and cleans the exports named in the config and writes quality/ and\n"
              "restricted/ only. Exit status: 0 done, 1 an error (printed), 2 a wrong command\n"
              "line, 3 more rows rejected than validate.max_reject_share allows, or situation\n"
              "labels that no mapping knows (the lines to add to the config are printed).\n"
              "\n",
              stdout);
    if (topic == CLI_RUN || topic == CLI_VALIDATE) {
        fputs(OPTIONS_HELP, stdout);
        printf("\nexample: impact %s --config config/default.json --output out\n",
               topic == CLI_RUN ? "run" : "validate");
        return;
    }
    fputs("usage: impact run --config FILE [--output DIR] [--quiet] [--timings]\n"
          "       impact validate --config FILE [--output DIR] [--quiet] [--timings]\n"
          "       impact COMMAND --help | impact --version\n"
          "\n"
          "  run       read the exports named in the config, compute the indicators, write\n"
          "            indicators.json, charts/ and quality/ into the output folder\n"
          "  validate  read and clean the exports only and write quality/; exits with 3\n"
          "            when more rows are rejected than validate.max_reject_share allows\n"
          "\n",
          stdout);
    fputs(OPTIONS_HELP, stdout);
    fputs("  --version      print the version and exit\n"
          "\n"
          "example: impact run --config config/default.json\n",
          stdout);
}

/* The word of `known` closest to a mistyped one (two edits at most; none for a word of two
 * characters, where any is one edit away), or NULL. */
static const char *closest(const char *word, const char *const *known)
{
    const char *best = NULL;
    int limit = strlen(word) <= 2 ? 0 : 2, best_distance = limit + 1;
    for (size_t i = 0; known[i]; i++) {
        int d = fold_edit_distance(word, known[i], limit);
        if (d < best_distance)
            best = known[i], best_distance = d;
    }
    return best;
}

/* --help, -h or --version anywhere wins over everything else on the line, so that
 * `impact run --config x --help` prints the help of run. */
static bool find_help(int argc, char **argv, struct cli_args *args)
{
    for (int i = 1; i < argc; i++) {
        bool help = !strcmp(argv[i], "--help") || !strcmp(argv[i], "-h");
        if (!help && strcmp(argv[i], "--version"))
            continue;
        args->command = help ? CLI_HELP : CLI_VERSION;
        args->help_topic = !strcmp(argv[1], "run")        ? CLI_RUN
                           : !strcmp(argv[1], "validate") ? CLI_VALIDATE
                                                          : CLI_HELP;
        return true;
    }
    return false;
}

static int unknown_command(const char *cmd, struct impact_error *err)
{
    static const char *const first_options[] = {"--help", "-h", "--version", NULL};
    const char *near = closest(cmd, cmd[0] == '-' ? first_options : commands);
    if (cmd[0] == '-')
        return impact_fail(err, "usage", NULL, 0, 0,
                           "unknown option \"%s\"%s%s%s; a command comes first: run or "
                           "validate",
                           cmd, near ? " (did you mean \"" : "", near ? near : "",
                           near ? "\"?)" : "");
    if (near)
        return impact_fail(err, "usage", NULL, 0, 0,
                           "unknown command \"%s\"; did you mean \"%s\"? The commands are run "
                           "(compute the indicators) and validate (check the exports only)",
                           cmd, near);
    return impact_fail(err, "usage", NULL, 0, 0,
                       "unknown command \"%s\"; the commands are run (compute the indicators) "
                       "and validate (check the exports only)",
                       cmd);
}

static int unknown_option(const char *cmd, const char *arg, struct impact_error *err)
{
    const char *near = arg[0] == '-' ? closest(arg, options) : NULL;
    if (near)
        return impact_fail(err, "usage", NULL, 0, 0,
                           "unknown option \"%s\" for %s; did you mean \"%s\"?", arg, cmd, near);
    if (arg[0] == '-')
        return impact_fail(err, "usage", NULL, 0, 0, "unknown option \"%s\" for %s", arg, cmd);
    return impact_fail(err, "usage", NULL, 0, 0,
                       "unexpected argument \"%s\" for %s (the config is given with --config "
                       "FILE)",
                       arg, cmd);
}

int cli_parse(int argc, char **argv, struct cli_args *args, struct impact_error *err)
{
    *args = (struct cli_args){.command = CLI_HELP, .help_topic = CLI_HELP};
    if (argc < 2)
        return impact_fail(err, "usage", NULL, 0, 0, "expected a command: run or validate");
    if (find_help(argc, argv, args))
        return IMPACT_OK;
    const char *cmd = argv[1];
    if (!strcmp(cmd, "help"))
        return IMPACT_OK;
    if (strcmp(cmd, "run") && strcmp(cmd, "validate"))
        return unknown_command(cmd, err);
    args->command = strcmp(cmd, "run") == 0 ? CLI_RUN : CLI_VALIDATE;
    args->help_topic = args->command; /* for main's "try: impact run --help" */
    for (int i = 2; i < argc; i++) {
        bool takes_value = !strcmp(argv[i], "--config") || !strcmp(argv[i], "--output");
        if (takes_value && i + 1 >= argc)
            return impact_fail(err, "usage", NULL, 0, 0, "expected %s after %s",
                               !strcmp(argv[i], "--config") ? "a file" : "a folder", argv[i]);
        if (!strcmp(argv[i], "--config"))
            args->config_path = argv[++i];
        else if (!strcmp(argv[i], "--output"))
            args->output_dir = argv[++i];
        else if (!strcmp(argv[i], "--quiet") || !strcmp(argv[i], "-q"))
            args->quiet = true;
        else if (!strcmp(argv[i], "--timings"))
            args->timings = true;
        else
            return unknown_option(cmd, argv[i], err);
    }
    if (!args->config_path)
        return impact_fail(err, "usage", NULL, 0, 0, "expected --config FILE");
    return IMPACT_OK;
}

/* ---- summary ---- */

static void print_inputs(const struct run_summary *s)
{
    for (size_t i = 0; i < s->n_inputs; i++) {
        const struct input_summary *in = &s->inputs[i];
        fprintf(stderr,
                "  %s (%s, %s, '%s'): %lu rows = %lu accepted + %lu rejected + %lu "
                "duplicate\n",
                in->path, in->kind, in->encoding,
                in->delimiter == '\t' ? "\\t" : (char[2]){in->delimiter, 0}, in->rows_read,
                in->rows_accepted, in->rows_rejected, in->rows_duplicate);
        if (in->header_line == 2)
            fprintf(stderr, "    header on line 2: the line above it (a title) skipped\n");
        else if (in->header_line > 2)
            fprintf(stderr, "    header on line %lu: the %lu lines above it (a title) skipped\n",
                    in->header_line, in->header_line - 1);
    }
    fprintf(stderr, "  %lu warnings, %lu probable duplicate people to review\n", s->warnings,
            s->probable_duplicates);
}

/* Inputs that gave nothing: printed even with --quiet, like every warning. */
static void print_input_warnings(const struct run_summary *s, bool refused)
{
    for (size_t i = 0; i < s->n_inputs; i++) {
        const struct input_summary *in = &s->inputs[i];
        if (in->no_data_rows)
            fprintf(stderr,
                    "impact: warning: %s: the outcome file has no data row: no follow-up "
                    "observation was read from it\n",
                    in->path);
    }
    if (s->unmapped_rows > 0 && !refused) /* refused: print_unmapped says more */
        fprintf(stderr,
                "impact: warning: %lu of %lu outcome observations (%.1f %%) have a situation "
                "label that no mapping knows, counted as unknown (each label is within "
                "validate.max_unmapped_situation_share): they are listed in "
                "quality/report.json\n",
                s->unmapped_rows, s->outcome_rows,
                s->outcome_rows ? 100.0 * (double)s->unmapped_rows / (double)s->outcome_rows : 0.0);
    if (s->qpv_codes_all_blank)
        fputs("impact: warning: no session has a QPV code: the qpv_code column is blank on "
              "every row, so every session is counted as not in a QPV (0 % in QPV). If the "
              "export leaves the code blank when it is not known, set \"qpv_code_blank\": "
              "\"unknown\" in the config\n",
              stderr);
}

static void print_headline(const struct run_summary *s)
{
    const struct period_figures *p = &s->last_period;
    const struct rate *emp = &p->rates[RATE_EMPLOYMENT];
    char until[11] = "";
    if (p->partial && p->data_until != DAY_NONE)
        date_format_iso(p->data_until, until);
    bool no_data = figures_period_before_data(p);
    fprintf(stderr, "%s%s%s%s: %ld beneficiaries (%ld new), %ld cumulative since the start\n",
            p->label,
            !until[0] ? ""
            : no_data ? " (no data yet: the data stop on "
                      : " (partial: data up to ",
            until, until[0] ? ")" : "", p->counts[COUNT_BENEFICIARIES],
            p->counts[COUNT_NEW_BENEFICIARIES], p->counts[COUNT_CUMULATIVE_BENEFICIARIES]);
    if (p->partial && p->has_previous)
        fprintf(stderr, "  its changes from the previous period compare part of a period with a "
                        "whole one (flagged \"partial\" in indicators.json)\n");
    if (emp->defined)
        fprintf(stderr, "  employment: %.1f %% (%.1f–%.1f) of %ld persons with a known situation\n",
                100 * emp->rate, 100 * emp->ci_low, 100 * emp->ci_high, emp->denominator);
    const struct target_progress *t = &s->target;
    if (t->target <= 0)
        return;
    char as_of[11] = "", projected[11] = "";
    /* a partial last period: the count is the count at the data stop, not at the quarter end */
    day_t day = p->partial && p->data_until != DAY_NONE && t->last_quarter_end > p->data_until
                    ? p->data_until
                    : t->last_quarter_end;
    if (day != DAY_NONE)
        date_format_iso(day, as_of);
    fprintf(stderr, "target: %ld of %ld persons (%.1f %%) at %s", t->reached, t->target,
            100 * t->progress, as_of);
    if (t->projection.reached_on != DAY_NONE) {
        date_format_iso(t->projection.reached_on, projected);
        fprintf(stderr, "; target reached on %s%s", projected,
                !t->projection.on_track_known || !t->has_deadline ? ""
                : t->projection.on_track                          ? " (by the deadline)"
                                                                  : " (after the deadline)");
    } else if (t->projection.defined) {
        date_format_iso(t->projection.date, projected);
        fprintf(stderr, "; trend reaches it on %s (%s)", projected,
                t->projection.on_track ? "on track" : "after the deadline");
    } else if (t->projection.reason) {
        fprintf(stderr, "; projection: %s", t->projection.reason);
    }
    fputc('\n', stderr);
}

static void print_summary(const struct run_summary *s, enum cli_command cmd)
{
    fprintf(stderr, "impact: %zu input%s\n", s->n_inputs, s->n_inputs == 1 ? "" : "s");
    print_inputs(s);
    if (cmd == CLI_RUN && s->has_period)
        print_headline(s);
    if (cmd == CLI_RUN)
        fprintf(stderr,
                "written in %s/: indicators.json (internal), public/indicators.json, "
                "summary.pdf, charts/ (%d charts), quality/, restricted/ (names: do not share)\n",
                s->out_dir, s->n_charts);
    else
        fprintf(stderr, "written in %s/: quality/, restricted/ (names: do not share)\n",
                s->out_dir);
}

static int check_threshold(const struct config *cfg, const struct run_summary *s)
{
    double share = s->rows_read ? (double)s->rows_rejected / (double)s->rows_read : 0;
    if (share <= cfg->max_reject_share)
        return EXIT_OK;
    fprintf(stderr,
            "impact: %lu of %lu rows rejected (%.1f %%), above validate.max_reject_share "
            "(%.1f %%): see %s/quality/rejects.csv\n",
            s->rows_rejected, s->rows_read, 100 * share, 100 * cfg->max_reject_share, s->out_dir);
    return EXIT_THRESHOLD;
}

/* The unmapped situation labels and the config lines to paste, after a refusal (run.h).
 * The lines are plain JSON, ready to paste: the counts and first rows come before, apart. */
/* Labels listed on the terminal, and config lines printed, at most: a longer list is work
 * for quality/report.json, which holds every label (validate writes it). */
enum { MAX_PRINTED_LABELS = 20 };

static size_t printed_labels(const struct run_summary *s)
{
    return s->n_unmapped < MAX_PRINTED_LABELS ? s->n_unmapped : MAX_PRINTED_LABELS;
}

static void print_unmapped_list(const struct run_summary *s)
{
    for (size_t i = 0; i < printed_labels(s); i++) {
        const struct unmapped_situation *u = &s->unmapped[i];
        fprintf(stderr, "  \"%s\": %lu row%s, first at %s:%lu; ", u->label, u->count,
                u->count == 1 ? "" : "s", s->inputs[u->first.file].path,
                (unsigned long)u->first.line);
        if (u->close_to)
            fprintf(stderr, "close to the known label \"%s\" (%s)\n", u->close_to,
                    clean_category_names[u->suggestion]);
        else
            fputs("no known label is close: choose its category\n", stderr);
    }
    unsigned long listed_rows = 0;
    for (size_t i = 0; i < printed_labels(s); i++)
        listed_rows += s->unmapped[i].count;
    if (listed_rows < s->unmapped_rows)
        fprintf(stderr,
                "  … and %zu%s more labels (%lu rows): `impact validate` lists them all in "
                "quality/report.json\n",
                s->n_unmapped - printed_labels(s), s->unmapped_more ? " or" : "",
                s->unmapped_rows - listed_rows);
}

static void print_unmapped(const struct config *cfg, const struct run_summary *s, bool run)
{
    fprintf(stderr,
            "impact: %zu%s situation label%s not mapped: %lu of %lu outcome observations "
            "(validate.max_unmapped_situation_share allows %g %% per label). %s\n",
            s->n_unmapped, s->unmapped_more ? " or more" : "",
            s->n_unmapped == 1 && !s->unmapped_more ? " is" : "s are", s->unmapped_rows,
            s->outcome_rows, 100 * cfg->max_unmapped_situation_share,
            run ? "Nothing was written; the previous outputs are unchanged."
                : "They are listed in quality/report.json.");
    print_unmapped_list(s);
    fprintf(stderr,
            "impact: add these lines to \"situations\" in %s (inside its braces), each with "
            "one of employment, training, education, unemployed, inactive or unknown (replace "
            "any \"?\" by your choice), then run again:\n",
            cfg->path);
    for (size_t i = 0; i < printed_labels(s); i++) {
        char line[600];
        fprintf(stderr, "    %s%s\n",
                diag_situation_config_line(&s->unmapped[i], line, sizeof line),
                i + 1 < printed_labels(s) ? "," : "");
    }
}

/* ---- while the run works ---- */

enum { MAX_TIMED_STEPS = 32 };

struct watch {
    bool progress;  /* stderr is a terminal and not --quiet */
    bool line_open; /* a progress line is on screen, not yet erased */
    double started, last_shown;
    const char *path;
    /* --timings: kept and printed after the run, not between progress lines */
    const char *step[MAX_TIMED_STEPS];
    double seconds[MAX_TIMED_STEPS];
    int n_steps;
};

static double monotonic_seconds(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (double)t.tv_sec + 1e-9 * (double)t.tv_nsec;
}

static void end_progress_line(struct watch *w)
{
    if (w->line_open)
        fputs("\r\033[K", stderr); /* erase it: the summary follows */
    w->line_open = false;
}

/* One line rewritten in place, at most four times a second. */
static void on_reading(void *ctx, const char *path, unsigned long long done,
                       unsigned long long total, unsigned long rows)
{
    struct watch *w = ctx;
    double now = monotonic_seconds();
    if (!w->progress)
        return;
    if (w->path != path) {
        w->path = path;
        w->started = now;
    }
    if (now - w->last_shown < 0.25)
        return;
    w->last_shown = now;
    double elapsed = now - w->started;
    fprintf(stderr, "\r\033[Kreading %s: %3.0f %% (%lu rows", path,
            total ? 100.0 * (double)done / (double)total : 100.0, rows);
    if (elapsed >= 0.5) /* a rate over less is noise */
        fprintf(stderr, ", %.0f rows/s", (double)rows / elapsed);
    fputc(')', stderr);
    w->line_open = true;
}

static void on_step_done(void *ctx, const char *step, double seconds)
{
    struct watch *w = ctx;
    end_progress_line(w);
    if (w->n_steps < MAX_TIMED_STEPS) {
        w->step[w->n_steps] = step;
        w->seconds[w->n_steps++] = seconds;
    }
}

/* The total is the run's wall time: a step run in the background overlapped others. */
static void print_timings(const struct watch *w, double run_seconds)
{
    for (int i = 0; i < w->n_steps; i++)
        fprintf(stderr, "impact: %-24s %8.2f s\n", w->step[i], w->seconds[i]);
    fprintf(stderr, "impact: %-24s %8.2f s\n", "whole run", run_seconds);
}

int cli_execute(const struct cli_args *args, struct impact_error *err)
{
    struct config cfg;
    struct run_summary summary = {0};
    int exit_status = EXIT_OK;
    if (config_load(args->config_path, &cfg, err) != IMPACT_OK) {
        config_free(&cfg);
        return EXIT_ERROR;
    }
    if (args->output_dir)
        cfg.output_dir = args->output_dir;
    umask((mode_t)cfg.output_umask);
    for (size_t i = 0; i < cfg.n_warnings; i++)
        fprintf(stderr, "impact: warning: %s\n", cfg.warnings[i]);
    enum run_mode mode = args->command == CLI_RUN ? RUN_FULL : RUN_VALIDATE;
    struct watch *watch = xcalloc(1, sizeof *watch);
    watch->progress = !args->quiet && isatty(STDERR_FILENO);
    struct run_observer observer = {watch, on_step_done, on_reading};
    double run_started = monotonic_seconds();
    int status = pipeline_run(&cfg, mode, &observer, &summary, err);
    double run_seconds = monotonic_seconds() - run_started;
    end_progress_line(watch);
    if (args->timings)
        print_timings(watch, run_seconds);
    free(watch);
    if (status == IMPACT_FAIL) {
        exit_status = EXIT_ERROR;
    } else {
        print_input_warnings(&summary, status == IMPACT_REFUSED);
        /* a refused run published nothing: its summary would say what it did not write */
        if (!args->quiet && !(status == IMPACT_REFUSED && mode == RUN_FULL))
            print_summary(&summary, args->command);
        if (mode == RUN_VALIDATE)
            exit_status = check_threshold(&cfg, &summary);
        if (status == IMPACT_REFUSED) {
            print_unmapped(&cfg, &summary, mode == RUN_FULL);
            exit_status = EXIT_THRESHOLD;
        }
    }
    run_summary_free(&summary);
    config_free(&cfg);
    return exit_status;
}
