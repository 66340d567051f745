/* fold.h — text folding, so that labels and names written differently compare equal.
 *
 * fold_label: upper-case, accents removed (É→E, Œ→OE, ß→SS; a decomposed "e" + U+0301
 *   too), typographic apostrophes made
 *   ASCII, no-break and other spaces made plain, runs of spaces collapsed, ends trimmed.
 *   "  Présent " → "PRESENT", "Création d’entreprise" → "CREATION D'ENTREPRISE".
 * fold_name: fold_label, then spaces, hyphens, apostrophes and dots removed, as the person
 *   key of docs/requirements.md asks: "Le Goff-N'Diaye" → "LEGOFFNDIAYE".
 * Characters outside Latin-1 and Latin Extended-A are kept as they are (valid UTF-8 in,
 * valid UTF-8 out). Invalid UTF-8 bytes are dropped; callers validate input first.
 *
 * Ownership: the caller owns `out`; the result is NUL-terminated and truncated at `cap`-1
 * bytes (a cap of 4 × len + 1 never truncates). Returns the folded length.
 */
#ifndef IMPACT_FOLD_H
#define IMPACT_FOLD_H

#include <stdbool.h>
#include <stddef.h>

size_t fold_label(const char *in, size_t len, char *out, size_t cap);
size_t fold_name(const char *in, size_t len, char *out, size_t cap);

/* True when text[0..len) is well-formed UTF-8; otherwise *bad_offset is the first bad byte. */
bool utf8_valid(const char *text, size_t len, size_t *bad_offset);

/* Copies text[0..len) without surrounding blanks into out, cut to at most cap - 1 bytes on
 * a character boundary (so the excerpt stays valid UTF-8), for quoting a value in a report.
 * A blank text gives "(blank)". Returns out. */
char *utf8_excerpt(const char *text, size_t len, char *out, size_t cap);

/* Levenshtein distance between two folded strings, stopping early above `limit`
 * (returns limit + 1 then). */
int fold_edit_distance(const char *a, const char *b, int limit);

#endif
