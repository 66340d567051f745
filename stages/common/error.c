/* error.c — filling and formatting the pipeline's one error type. */
#include "stages/common/error.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

int impact_vfail(struct impact_error *err, const char *stage, const char *file, long line,
                 long column, const char *fmt, va_list args)
{
    err->stage = stage;
    snprintf(err->file, sizeof err->file, "%s", file ? file : "");
    err->line = line;
    err->column = column;
    vsnprintf(err->message, sizeof err->message, fmt, args);
    return IMPACT_FAIL;
}

int impact_fail(struct impact_error *err, const char *stage, const char *file, long line,
                long column, const char *fmt, ...)
{
    va_list args;
    va_start(args, fmt);
    impact_vfail(err, stage, file, line, column, fmt, args);
    va_end(args);
    return IMPACT_FAIL;
}

void impact_error_format(const struct impact_error *err, char *buf, unsigned long size)
{
    char where[IMPACT_PATH_MAX + 64] = "";
    if (err->file[0] && err->line > 0 && err->column > 0)
        snprintf(where, sizeof where, "%s:%ld:%ld: ", err->file, err->line, err->column);
    else if (err->file[0] && err->line > 0)
        snprintf(where, sizeof where, "%s:%ld: ", err->file, err->line);
    else if (err->file[0])
        snprintf(where, sizeof where, "%s: ", err->file);
    snprintf(buf, size, "%s%s%s%s", where, err->stage ? err->stage : "", err->stage ? ": " : "",
             err->message);
}
