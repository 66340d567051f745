/* main.c — build/impact: hands the command line to cli.c and prints the one error line. */
#include "pipeline/cli.h"

#include <gsl/gsl_errno.h>
#include <signal.h>
#include <stdio.h>

int main(int argc, char **argv)
{
    struct cli_args args;
    struct impact_error err = {0};
    int status;
    gsl_set_error_handler_off(); /* stages check their inputs; GSL must never abort a run */
    signal(SIGXFSZ, SIG_IGN);    /* a file size limit makes writes fail with EFBIG, reported */
    if (cli_parse(argc, argv, &args, &err) != IMPACT_OK) {
        fprintf(stderr, "impact: %s\n", err.message);
        fprintf(stderr, "try: impact %s--help\n",
                args.help_topic == CLI_RUN        ? "run "
                : args.help_topic == CLI_VALIDATE ? "validate "
                                                  : "");
        return EXIT_USAGE;
    }
    if (args.command == CLI_HELP) {
        cli_usage(args.help_topic);
        return EXIT_OK;
    }
    if (args.command == CLI_VERSION) {
        puts("impact " IMPACT_VERSION);
        return EXIT_OK;
    }
    status = cli_execute(&args, &err);
    if (status == EXIT_ERROR) {
        char line[IMPACT_PATH_MAX + IMPACT_MSG_MAX + 64];
        impact_error_format(&err, line, sizeof line);
        fprintf(stderr, "impact: %s\n", line);
    }
    return status;
}
