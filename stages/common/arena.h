/* arena.h — memory: aborting allocation wrappers and a per-run bump arena.
 *
 * Out of memory is not a recoverable condition for a batch run, so xmalloc and friends
 * print one line and abort; no caller checks for NULL (as cmark's xcalloc does).
 *
 * Ownership: everything allocated from an arena lives until arena_free() on that arena;
 * individual pieces are never freed. Use it for the many small strings and keys of a run.
 */
#ifndef IMPACT_ARENA_H
#define IMPACT_ARENA_H

#include <stddef.h>

void *xmalloc(size_t size);
void *xcalloc(size_t count, size_t size);
void *xrealloc(void *ptr, size_t size);
/* Grows *array (of *capacity elements of elem_size bytes) so that index `needed` fits. */
void xgrow(void **array, size_t *capacity, size_t needed, size_t elem_size);

struct arena;

struct arena *arena_new(void);
void *arena_alloc(struct arena *arena, size_t size); /* 8-byte aligned, zeroed */
char *arena_strndup(struct arena *arena, const char *text, size_t len);
char *arena_strdup(struct arena *arena, const char *text);
size_t arena_bytes_used(const struct arena *arena);
void arena_free(struct arena *arena);

#endif
