/* duplicate_rows.c — where each pair's first row is (file and line), kept in about a byte a
 * pair, so that a row found to repeat a pair can name the row it repeats (struct pair_lines,
 * struct file_start in join_private.h). */
#include "stages/join/join_private.h"

#include "stages/common/arena.h"

#include <assert.h>

void join_note_file(struct join *j, uint32_t pair, uint16_t file)
{
    if (j->n_file_starts > 0 && j->file_starts[j->n_file_starts - 1].file == file)
        return;
    xgrow((void **)&j->file_starts, &j->file_starts_cap, j->n_file_starts, sizeof *j->file_starts);
    j->file_starts[j->n_file_starts++] = (struct file_start){pair, file};
}

/* Notes pair p's line (struct pair_lines); the caller has grown `step` to hold p. */
void join_note_pair_line(struct pair_lines *pl, uint32_t p, struct row_origin origin)
{
    uint32_t step = origin.line - pl->last.line;
    bool far =
        p == 0 || origin.file != pl->last.file || origin.line <= pl->last.line || step >= STEP_FAR;
    pl->step[p] = far ? STEP_FAR : (uint8_t)step;
    if (far) {
        xgrow((void **)&pl->far, &pl->far_cap, pl->n_far, sizeof *pl->far);
        pl->far[pl->n_far++] = (struct far_line){p, origin.line};
    }
    if (p % MARK_EVERY == 0) {
        xgrow((void **)&pl->marks, &pl->marks_cap, p / MARK_EVERY, sizeof *pl->marks);
        pl->marks[p / MARK_EVERY] = origin.line;
    }
    pl->last = origin;
}

static uint32_t far_line_of(const struct pair_lines *pl, uint32_t p)
{
    size_t lo = 0, hi = pl->n_far; /* far is in pair order, and p is in it */
    while (hi - lo > 1) {
        size_t mid = lo + (hi - lo) / 2;
        if (pl->far[mid].pair <= p)
            lo = mid;
        else
            hi = mid;
    }
    assert(pl->far[lo].pair == p);
    return pl->far[lo].line;
}

/* Where pair p's first row is: its file from file_starts, its line from the steps. */
struct row_origin join_pair_origin(const struct join *j, uint32_t p)
{
    const struct pair_lines *pl = &j->lines;
    uint32_t q = p - p % MARK_EVERY, line = pl->marks[q / MARK_EVERY];
    while (q++ < p)
        line = pl->step[q] == STEP_FAR ? far_line_of(pl, q) : line + pl->step[q];
    size_t lo = 0, hi = j->n_file_starts; /* the last file start at or before p */
    while (hi - lo > 1) {
        size_t mid = lo + (hi - lo) / 2;
        if (j->file_starts[mid].pair <= p)
            lo = mid;
        else
            hi = mid;
    }
    return (struct row_origin){j->file_starts[lo].file, line};
}
