/* error.h — the one error type of the pipeline.
 *
 * Every function that can fail returns an int status (IMPACT_OK or IMPACT_FAIL) and, on
 * failure, fills a caller-owned `struct impact_error` with what went wrong and where: the
 * stage, the file, the line and the column (0 when not known). Only the driver
 * (pipeline/main.c) prints errors; stages never write to stderr themselves.
 *
 * IMPACT_REFUSED is the pipeline's refusal to go on: nothing failed, but the data need a
 * decision by the user before figures can be published (situation labels that no mapping
 * knows). `err` holds a one-line summary; the run summary holds the details the driver
 * prints (pipeline/run.h). The driver exits with status 3 on it.
 */
#ifndef IMPACT_ERROR_H
#define IMPACT_ERROR_H

#include <stdarg.h>

enum { IMPACT_OK = 0, IMPACT_FAIL = -1, IMPACT_REFUSED = -2 };

#define IMPACT_PATH_MAX 1024
#define IMPACT_MSG_MAX  768

struct impact_error {
    const char *stage;            /* static string such as "ingest"; NULL when unset */
    char file[IMPACT_PATH_MAX];   /* input or output file the error is about; may be empty */
    long line;                    /* 1-based; 0 when not applicable */
    long column;                  /* 1-based; 0 when not applicable */
    char message[IMPACT_MSG_MAX]; /* what was expected / what went wrong */
};

/* Fills `err` and returns IMPACT_FAIL so callers can write `return impact_fail(...)`. */
int impact_fail(struct impact_error *err, const char *stage, const char *file, long line,
                long column, const char *fmt, ...) __attribute__((format(printf, 6, 7)));

/* The same with a va_list, for wrappers that add their own context. */
int impact_vfail(struct impact_error *err, const char *stage, const char *file, long line,
                 long column, const char *fmt, va_list args) __attribute__((format(printf, 6, 0)));

/* Writes "file:line:column: stage: message" (the parts that are known) into buf. */
void impact_error_format(const struct impact_error *err, char *buf, unsigned long size);

#endif
