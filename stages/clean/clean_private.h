/* clean_private.h — what the clean stage's files share: the built-in labels (labels.c) that
 * the row cleaning (clean.c) builds its tables from, and the prefix rule for situations.
 * Not part of the stage's interface (stages/clean.h). */
#ifndef IMPACT_CLEAN_PRIVATE_H
#define IMPACT_CLEAN_PRIVATE_H

#include "stages/clean.h"

#include <stdbool.h>
#include <stddef.h>

/* The built-in status, role, sex and QPV labels, written as they fold (upper case, no
 * accents). Static storage. */
const struct clean_label *clean_builtin_labels(size_t *count);

/* A letter or digit of a folded label: what a word of the prefix rule is made of. */
bool clean_is_word_char(char ch);

/* Whether a word after the first of a folded label says the contract ended, was refused or
 * is only hoped for (the prefix rule's stop words). */
bool clean_has_stop_word(const char *folded);

/* The prefix rule (clean.h "Situations"): true for a folded label read as employment. */
bool clean_prefix_rule(const char *folded);

#endif
