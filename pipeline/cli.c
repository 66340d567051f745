/* cli.c — parsing the command line, running the command, printing the summary. */
#include "pipeline/cli.h"

#include "pipeline/config.h"
#include "pipeline/run.h"
#include "stages/common/numfmt.h"

#include "stages/common/arena.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

void cli_usage(void)
{
    fputs("usage: impact run --config FILE [--output DIR] [--quiet] [--timings]\n"
          "       impact validate --config FILE [--output DIR] [--quiet] [--timings]\n"
          "       impact --help | --version\n"
          "\n"
          "  run       read the exports named in the config, compute the indicators, write\n"
          "            indicators.json, charts/ and quality/ into the output folder\n"
          "  validate  read and clean the exports only and write quality/; exits with 3\n"
          "            when more rows are rejected than validate.max_reject_share allows\n"
          "\n"
          "  --output DIR  write into DIR instead of the config's output_dir\n"
          "  --quiet       print nothing but errors and warnings (no progress, no summary)\n"
          "  --timings     print each step's wall time after the run\n",
          stdout);
}

int cli_parse(int argc, char **argv, struct cli_args *args, struct impact_error *err)
{
    *args = (struct cli_args){.command = CLI_HELP};
    if (argc < 2)
        return impact_fail(err, "usage", NULL, 0, 0, "expected a command: run or validate");
    const char *cmd = argv[1];
    if (!strcmp(cmd, "--help") || !strcmp(cmd, "-h") || !strcmp(cmd, "help"))
        return IMPACT_OK;
    if (!strcmp(cmd, "--version")) {
        args->command = CLI_VERSION;
        return IMPACT_OK;
    }
    if (strcmp(cmd, "run") && strcmp(cmd, "validate"))
        return impact_fail(err, "usage", NULL, 0, 0,
                           "unknown command \"%s\" (expected run or validate)", cmd);
    args->command = strcmp(cmd, "run") == 0 ? CLI_RUN : CLI_VALIDATE;
    for (int i = 2; i < argc; i++) {
        bool has_value = i + 1 < argc;
        if (!strcmp(argv[i], "--config") && has_value)
            args->config_path = argv[++i];
        else if (!strcmp(argv[i], "--output") && has_value)
            args->output_dir = argv[++i];
        else if (!strcmp(argv[i], "--quiet") || !strcmp(argv[i], "-q"))
            args->quiet = true;
        else if (!strcmp(argv[i], "--timings"))
            args->timings = true;
        else
            return impact_fail(err, "usage", NULL, 0, 0, "unexpected argument \"%s\"", argv[i]);
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
    }
    fprintf(stderr, "  %lu warnings, %lu probable duplicate people to review\n", s->warnings,
            s->probable_duplicates);
}

static void print_headline(const struct run_summary *s)
{
    const struct period_figures *p = &s->last_period;
    const struct rate *emp = &p->rates[RATE_EMPLOYMENT];
    char until[11] = "";
    if (p->partial && p->data_until != DAY_NONE)
        date_format_iso(p->data_until, until);
    bool no_data = until[0] && p->data_until < p->start;
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
    if (status != IMPACT_OK) {
        exit_status = EXIT_ERROR;
    } else {
        if (!args->quiet)
            print_summary(&summary, args->command);
        if (mode == RUN_VALIDATE)
            exit_status = check_threshold(&cfg, &summary);
    }
    run_summary_free(&summary);
    config_free(&cfg);
    return exit_status;
}
