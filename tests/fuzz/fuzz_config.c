/* fuzz_config.c — libFuzzer target over the config loader (pipeline/config.h).
 *
 * config_load takes a path, so each input is written to one in-memory file (memfd, made
 * once), then loaded and freed. Whatever the bytes, the loader must either succeed or fail with
 * a message, never crash, overflow or leak; on failure the error names the config file.
 *
 * Build and run: `make fuzz` (tests/fuzz/README.md).
 */
#define _GNU_SOURCE /* memfd_create */
#include "pipeline/config.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#define CHECK(cond)                                                                                \
    do {                                                                                           \
        if (!(cond)) {                                                                             \
            fprintf(stderr, "fuzz_config: invariant broken: %s (line %d)\n", #cond, __LINE__);     \
            abort();                                                                               \
        }                                                                                          \
    } while (0)

static char path[64];
static int fd = -1;

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerInitialize(int *argc, char ***argv)
{
    (void)argc, (void)argv;
    fd = memfd_create("fuzz_config", 0); /* a file in memory: no disk I/O per input */
    CHECK(fd >= 0);
    snprintf(path, sizeof path, "/proc/self/fd/%d", fd);
    return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    CHECK(ftruncate(fd, 0) == 0);
    CHECK(pwrite(fd, data, size, 0) == (ssize_t)size);
    struct config cfg;
    struct impact_error err = {0};
    if (config_load(path, &cfg, &err) != IMPACT_OK) {
        CHECK(err.message[0] != '\0');
        CHECK(strcmp(err.file, path) == 0);
    }
    config_free(&cfg);
    return 0;
}
