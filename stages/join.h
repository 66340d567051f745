/* join.h — the join stage: distinct persons, sessions and attendances out of clean rows.
 *
 * Person key (docs/requirements.md "Cleaning and joining"): the participant id when present,
 * otherwise the folded name key. A row carrying both links that name key to that id, so
 * rows carrying only the names join the id's person — whichever order the rows come in,
 * because links are resolved in join_finish(). A name key seen with a second id is
 * reported (warning) and not merged. Session key: the session id when present, otherwise
 * (date, folded site, folded activity). The same person at the same session twice counts
 * once; the later row is a duplicate, handed to the sink's `duplicate` callback with the
 * file and line of the earlier row: as it is joined when the two rows have the same person
 * key, in join_finish() when they meet only once names are linked to an id. People with the same
 * birth date and folded names within edit distance 2 are listed as probable duplicates for review,
 * never merged, by join_find_duplicates() or its two halves (below).
 *
 * Memory grows with distinct persons, sessions and person-session pairs (about a byte a
 * pair for its first row's line, for the duplicates' listing), not with rows.
 *
 * Lifecycle: join_new() → join_add_attendance()/join_add_outcome() per clean row, in input
 * order → join_finish() once → join_find_duplicates() once → read the stats → join_free().
 * join_find_duplicates() is join_search_duplicates_part() until it returns false, then
 * join_list_duplicates(); a caller with threads calls them itself:
 * - join_search_duplicates_part() searches a part of the names no other call has taken,
 *   and returns false when none is left. Any number of threads may call it at once, and
 *   the dataset may be read meanwhile: join_finish() has copied what the search needs
 *   (name keys, row origins) into memory only the search touches, and sorted it by birth
 *   date; each part sorts and reads its own range of it and writes its own results.
 * - join_list_duplicates(), on one thread, once every call has returned: the stats' probable
 *   duplicates, the same whatever the threads did, and the copy freed.
 * Nothing else of the join may be called while a search runs. join_free() is safe with or
 * without the search.
 * Ownership: the join copies what it keeps from the rows. The dataset and stats returned
 * belong to the join and live until join_free().
 */
#ifndef IMPACT_JOIN_H
#define IMPACT_JOIN_H

#include "stages/common/diag.h"
#include "stages/common/records.h"

#include <stdbool.h>
#include <stddef.h>

struct join;

struct join *join_new(size_t n_files);
void join_add_attendance(struct join *join, const struct attendance_row *row,
                         const struct diag_sink *diag);
void join_add_outcome(struct join *join, const struct outcome_row *row,
                      const struct diag_sink *diag);
const struct dataset *join_finish(struct join *join, const struct diag_sink *diag);
void join_find_duplicates(struct join *join);
bool join_search_duplicates_part(struct join *join);
void join_list_duplicates(struct join *join);
const struct join_stats *join_get_stats(const struct join *join);
void join_free(struct join *join);

#endif
