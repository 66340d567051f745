/* cli.h — the command line: `impact run|validate --config FILE [--output DIR] [--quiet]
 * [--timings]`, `impact [COMMAND] --help`, `impact --version`.
 * The driver's only printing happens here and in main.c (errors, warnings, the summary). */
#ifndef IMPACT_CLI_H
#define IMPACT_CLI_H

#include "stages/common/error.h"

#include <stdbool.h>

#define IMPACT_VERSION "0.1.0"

enum cli_command { CLI_RUN, CLI_VALIDATE, CLI_HELP, CLI_VERSION };

/* Exit statuses of build/impact. */
enum {
    EXIT_OK = 0,
    EXIT_ERROR = 1,     /* bad config, unreadable input, failed write: message printed */
    EXIT_USAGE = 2,     /* wrong command line */
    EXIT_THRESHOLD = 3, /* validate: too many rows rejected; validate or run: situation
                         * labels that no mapping knows (nothing published by run) */
};

struct cli_args {
    enum cli_command command;
    enum cli_command help_topic; /* CLI_RUN or CLI_VALIDATE: that command's help (also when the
                                  * rest of its line is wrong); CLI_HELP: the whole usage */
    const char *config_path;
    const char *output_dir; /* overrides the config's output_dir when set */
    bool quiet;             /* no summary, no progress line */
    bool timings;           /* each step's wall time on stderr after the run */
};

/* --help, -h and --version anywhere on the line give CLI_HELP (with the command's topic)
 * and CLI_VERSION; a mistyped command or option fails naming the nearest one. */
int cli_parse(int argc, char **argv, struct cli_args *args, struct impact_error *err);
/* Runs the command; returns an exit status. Prints the summary; fills err on EXIT_ERROR. */
int cli_execute(const struct cli_args *args, struct impact_error *err);
/* Prints the usage to stdout: a command's own (CLI_RUN, CLI_VALIDATE) or all of it. */
void cli_usage(enum cli_command topic);

#endif
