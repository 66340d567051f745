/* measure.c — runs one command and reports its wall time, CPU time and peak RSS.
 *
 * Why: `make bench` must print the same figures for the pipeline, the libcsv floor and
 * `wc -l` without depending on GNU time being installed. The child is waited for with
 * wait4(), whose rusage is the child's alone (CPU and ru_maxrss), and wall time is taken on
 * the monotonic clock around fork and wait.
 *
 * Usage: bench_measure LABEL ROWS BYTES RECORD_FILE -- COMMAND [ARGS…]
 * Prints one line of the table (rows/s and MB/s from ROWS and BYTES) and appends
 * "LABEL<TAB>wall<TAB>cpu<TAB>rss_kib" to RECORD_FILE. The command's stdout goes to stderr,
 * so the table stays clean. Exits with the command's status.
 */
#define _DEFAULT_SOURCE /* wait4 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/time.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static double seconds(struct timeval t)
{
    return (double)t.tv_sec + (double)t.tv_usec / 1e6;
}

static double now(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (double)t.tv_sec + (double)t.tv_nsec / 1e9;
}

static void report(const char *label, double rows, double bytes, const char *record, double wall,
                   const struct rusage *ru)
{
    double cpu = seconds(ru->ru_utime) + seconds(ru->ru_stime);
    printf("%-14s %12.0f rows/s %8.1f MB/s %8.2f s wall %8.2f s cpu %8.1f MiB peak RSS\n", label,
           rows / wall, bytes / 1e6 / wall, wall, cpu, (double)ru->ru_maxrss / 1024.0);
    FILE *f = fopen(record, "a");
    if (f) {
        fprintf(f, "%s\t%.3f\t%.3f\t%ld\n", label, wall, cpu, ru->ru_maxrss);
        fclose(f);
    }
}

int main(int argc, char **argv)
{
    if (argc < 7 || strcmp(argv[5], "--") != 0) {
        fputs("usage: bench_measure LABEL ROWS BYTES RECORD_FILE -- COMMAND [ARGS...]\n", stderr);
        return 2;
    }
    fflush(stdout);
    double start = now();
    pid_t pid = fork();
    if (pid == 0) {
        dup2(STDERR_FILENO, STDOUT_FILENO);
        execvp(argv[6], argv + 6);
        perror(argv[6]);
        _exit(127);
    }
    int status = 0;
    struct rusage ru;
    if (pid < 0 || wait4(pid, &status, 0, &ru) < 0) {
        perror("bench_measure");
        return 1;
    }
    double wall = now() - start;
    if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) {
        fprintf(stderr, "bench_measure: %s failed (status %d)\n", argv[1], status);
        return 1;
    }
    report(argv[1], atof(argv[2]), atof(argv[3]), argv[4], wall, &ru);
    return 0;
}
