/* staging.h — outputs are written aside and renamed into place only when the whole run
 * succeeded, so a failed run leaves the previous outputs exactly as they were.
 *
 * Lifecycle: staging_begin() creates <out>/.impact-staging/ with charts/, quality/, public/
 * and restricted/ → stages write into staging.dir → staging_commit() renames every file
 * into <out>/ (each rename is atomic) and removes the staging folder; staging_abort()
 * removes it instead.
 * One run at a time per output folder.
 */
#ifndef IMPACT_STAGING_H
#define IMPACT_STAGING_H

#include "stages/common/error.h"

struct staging {
    char out_dir[IMPACT_PATH_MAX];
    char dir[IMPACT_PATH_MAX];
};

int staging_begin(struct staging *staging, const char *out_dir, struct impact_error *err);
/* Path of `name` (e.g. "charts") inside the staging folder. */
void staging_path(const struct staging *staging, const char *name, char *out, unsigned long size);
int staging_commit(struct staging *staging, struct impact_error *err);
void staging_abort(struct staging *staging);

#endif
