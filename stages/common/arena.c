/* arena.c — aborting allocators and a chunked bump arena. */
#include "stages/common/arena.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static void out_of_memory(size_t size)
{
    fprintf(stderr, "impact: out of memory (requesting %zu bytes)\n", size);
    abort();
}

void *xmalloc(size_t size)
{
    void *p = malloc(size ? size : 1);
    if (!p)
        out_of_memory(size);
    return p;
}

void *xcalloc(size_t count, size_t size)
{
    void *p = calloc(count ? count : 1, size ? size : 1);
    if (!p)
        out_of_memory(count * size);
    return p;
}

void *xrealloc(void *ptr, size_t size)
{
    void *p = realloc(ptr, size ? size : 1);
    if (!p)
        out_of_memory(size);
    return p;
}

void xgrow(void **array, size_t *capacity, size_t needed, size_t elem_size)
{
    if (needed < *capacity)
        return;
    size_t cap = *capacity ? *capacity : 16;
    while (cap <= needed)
        cap *= 2;
    *array = xrealloc(*array, cap * elem_size);
    *capacity = cap;
}

enum { CHUNK_SIZE = 64 * 1024 };

struct chunk {
    struct chunk *next;
    size_t used, size;
    _Alignas(8) unsigned char data[];
};

struct arena {
    struct chunk *head;
    size_t total;
};

struct arena *arena_new(void)
{
    return xcalloc(1, sizeof(struct arena));
}

void *arena_alloc(struct arena *arena, size_t size)
{
    size = (size + 7) & ~(size_t)7;
    struct chunk *c = arena->head;
    if (!c || c->size - c->used < size) {
        size_t chunk_size = size > CHUNK_SIZE ? size : CHUNK_SIZE;
        c = xmalloc(sizeof *c + chunk_size);
        c->next = arena->head;
        c->used = 0;
        c->size = chunk_size;
        arena->head = c;
    }
    void *p = c->data + c->used;
    c->used += size;
    arena->total += size;
    memset(p, 0, size);
    return p;
}

char *arena_strndup(struct arena *arena, const char *text, size_t len)
{
    char *copy = arena_alloc(arena, len + 1);
    memcpy(copy, text, len);
    copy[len] = '\0';
    return copy;
}

char *arena_strdup(struct arena *arena, const char *text)
{
    return arena_strndup(arena, text, strlen(text));
}

size_t arena_bytes_used(const struct arena *arena)
{
    return arena->total;
}

void arena_free(struct arena *arena)
{
    if (!arena)
        return;
    struct chunk *c = arena->head;
    while (c) {
        struct chunk *next = c->next;
        free(c);
        c = next;
    }
    free(arena);
}
