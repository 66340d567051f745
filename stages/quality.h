/* quality.h — the quality stage: accounts for every input row.
 *
 * It is the receiver of the diag sink: rejected rows are streamed to rejects.csv as they
 * come (file, line, column, field, value, reason — never an identifying value), duplicate
 * rows to duplicates.csv (file, line, the file and line of the earlier row, reason), warnings
 * are counted by kind with their distinct values and first examples; unmapped situation
 * labels are listed one by one (quality_unmapped_situations). At the end it checks,
 * per input file, rows_read = rows_accepted + rows_rejected + rows_duplicate, and writes
 * report.json and probable_duplicates.csv (file and line of each, no names).
 *
 * Lifecycle: quality_new() before ingest → quality_sink() handed to ingest, clean and join
 * → quality_reconcile() once the join is finished → quality_write_report() → quality_free().
 * Ownership: the stage copies the strings it keeps; paths passed in must outlive it.
 */
#ifndef IMPACT_QUALITY_H
#define IMPACT_QUALITY_H

#include "stages/common/diag.h"
#include "stages/common/error.h"
#include "stages/common/records.h"

#include <stdbool.h>
#include <stddef.h>

struct quality;

/* Opens rejects.csv and duplicates.csv in `dir` for streaming. `paths` names the inputs by file
 * index. */
int quality_new(const char *dir, size_t n_files, const char *const *paths, struct quality **out,
                struct impact_error *err);
struct diag_sink quality_sink(struct quality *quality);

/* Fills rows_rejected and checks the equation for every file; fails naming the first file
 * where it does not hold. */
int quality_reconcile(struct quality *quality, struct input_summary *files, size_t n_files,
                      struct impact_error *err);

unsigned long quality_rejected_total(const struct quality *quality);

/* The situation labels that no mapping knows (diag_unmapped), one entry per folded label:
 * its first spelling, rows, first row and suggestion; most rows first, ties in input order.
 * At most 1000 labels are listed; *other_rows (may be NULL) counts the rows of the rest.
 * The array and its strings belong to the quality stage and live until quality_free(). */
const struct unmapped_situation *quality_unmapped_situations(struct quality *quality, size_t *count,
                                                             unsigned long *other_rows);
unsigned long quality_warning_count(const struct quality *quality, enum warning_kind kind);

int quality_write_report(struct quality *quality, const struct input_summary *files, size_t n_files,
                         const struct join_stats *join, struct impact_error *err);

/* Writes review_probable_duplicates.csv into `restricted_dir`: the same pairs as
 * probable_duplicates.csv with the folded names and birth dates a person needs to review
 * them. Identifying: the folder must be the run's restricted one (mode 0700). */
int quality_write_review_list(const struct quality *quality, const struct join_stats *join,
                              const char *restricted_dir, struct impact_error *err);

/* Closes rejects.csv and duplicates.csv (and reports a write error on either). */
int quality_finish(struct quality *quality, struct impact_error *err);
void quality_free(struct quality *quality);

#endif
