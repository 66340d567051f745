/* replay.c — runs a fuzz target's entry points on files, without libFuzzer.
 *
 * `make check` builds each tests/fuzz/fuzz_*.c with this main and the ordinary compiler
 * (and again under ASan + UBSan in the SAN=1 pass), and replays the seed corpus and every
 * crash the fuzzer ever found (tests/fuzz/corpus_*), so they stay fixed without clang.
 * Usage: replay_NAME FILE...; exit status 1 when a file cannot be read (a target that
 * finds a broken invariant aborts).
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* The whole file in a malloc'd buffer of exactly its size, as libFuzzer passes inputs, so
 * that ASan sees a read past the end. */
static uint8_t *slurp(const char *path, size_t *size)
{
    FILE *f = fopen(path, "rb");
    uint8_t *data = NULL;
    long len = -1;
    if (f && fseek(f, 0, SEEK_END) == 0 && (len = ftell(f)) >= 0 && fseek(f, 0, SEEK_SET) == 0)
        data = malloc(len > 0 ? (size_t)len : 1);
    if (data && fread(data, 1, (size_t)len, f) != (size_t)len) {
        free(data);
        data = NULL;
    }
    if (f)
        fclose(f);
    *size = (size_t)len;
    return data;
}

int main(int argc, char **argv)
{
    LLVMFuzzerInitialize(&argc, &argv);
    for (int i = 1; i < argc; i++) {
        size_t size;
        uint8_t *data = slurp(argv[i], &size);
        if (!data) {
            fprintf(stderr, "replay: cannot read %s\n", argv[i]);
            return 1;
        }
        LLVMFuzzerTestOneInput(data, size);
        free(data);
    }
    printf("replay: %d inputs, no crash\n", argc - 1);
    return 0;
}
