/* csv_count.c — the parsing floor: one libcsv pass over a file that only counts fields and
 * rows.
 *
 * Why: `make bench` reports the pipeline's time as a ratio to the least any libcsv-based
 * reader must spend on the same bytes. Same parser options (CSV_STRICT | CSV_STRICT_FINI)
 * and the same 1 MiB read buffer as stages/ingest/, whole blocks handed to csv_parse, and
 * no other work at all.
 *
 * Usage: bench_csv_count FILE   (prints "rows fields bytes"; exit 1 on a read or parse error)
 */
#include <csv.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

enum { BLOCK_SIZE = 1 << 20 };

struct counts {
    unsigned long long fields, rows;
};

static void on_field(void *data, size_t len, void *ctx)
{
    (void)data, (void)len;
    ((struct counts *)ctx)->fields++;
}

static void on_row(int terminator, void *ctx)
{
    (void)terminator;
    ((struct counts *)ctx)->rows++;
}

int main(int argc, char **argv)
{
    if (argc != 2) {
        fputs("usage: bench_csv_count FILE\n", stderr);
        return 2;
    }
    int fd = open(argv[1], O_RDONLY);
    static char buf[BLOCK_SIZE];
    struct csv_parser parser;
    struct counts c = {0, 0};
    unsigned long long bytes = 0;
    if (fd < 0 || csv_init(&parser, CSV_STRICT | CSV_STRICT_FINI) != 0) {
        perror(argv[1]);
        return 1;
    }
    ssize_t n;
    while ((n = read(fd, buf, sizeof buf)) > 0) {
        bytes += (unsigned long long)n;
        if (csv_parse(&parser, buf, (size_t)n, on_field, on_row, &c) != (size_t)n) {
            fprintf(stderr, "%s: %s\n", argv[1], csv_strerror(csv_error(&parser)));
            return 1;
        }
    }
    if (n < 0 || csv_fini(&parser, on_field, on_row, &c) != 0) {
        perror(argv[1]);
        return 1;
    }
    csv_free(&parser);
    close(fd);
    printf("%llu rows %llu fields %llu bytes\n", c.rows, c.fields, bytes);
    return 0;
}
