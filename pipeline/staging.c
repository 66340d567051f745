/* staging.c — the write-aside-then-rename output folder. */
#include "pipeline/staging.h"

#include <dirent.h>
#include <errno.h>
#include <ftw.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static const char STAGE[] = "output";
/* The folders a run writes; restricted/ holds identifying review lists, so only the user
 * running the pipeline may enter it. */
static const struct {
    const char *name;
    mode_t mode;
} SUBDIRS[] = {{"charts", 0777}, {"quality", 0777}, {"public", 0777}, {"restricted", 0700}};

static int make_dirs(const char *path)
{
    char buf[IMPACT_PATH_MAX];
    snprintf(buf, sizeof buf, "%s", path);
    for (char *p = buf + 1; *p; p++) {
        if (*p != '/')
            continue;
        *p = '\0';
        if (mkdir(buf, 0777) != 0 && errno != EEXIST)
            return -1;
        *p = '/';
    }
    return mkdir(buf, 0777) != 0 && errno != EEXIST ? -1 : 0;
}

static int remove_entry(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
    (void)st, (void)flag, (void)ftw;
    return remove(path);
}

/* Only ever the staging folder: a mistake in a path must never delete anything else. */
static void remove_tree(const char *path)
{
    static const char suffix[] = "/.impact-staging";
    size_t n = strlen(path), k = sizeof suffix - 1;
    if (n > k && strcmp(path + n - k, suffix) == 0)
        nftw(path, remove_entry, 16, FTW_DEPTH | FTW_PHYS);
}

void staging_path(const struct staging *s, const char *name, char *out, unsigned long size)
{
    snprintf(out, size, "%s/%s", s->dir, name);
}

/* Room left after the output folder for the longest path a run writes
 * ("/.impact-staging/restricted/review_probable_duplicates.csv" and the like), so that no
 * path below is ever cut short. */
enum { OUTPUT_NAME_ROOM = 128 };

static int create_subdirs(struct staging *s, struct impact_error *err)
{
    for (size_t i = 0; i < sizeof SUBDIRS / sizeof SUBDIRS[0]; i++) {
        char sub[IMPACT_PATH_MAX + 16];
        staging_path(s, SUBDIRS[i].name, sub, sizeof sub);
        if (mkdir(sub, SUBDIRS[i].mode) != 0)
            return impact_fail(err, STAGE, sub, 0, 0, "cannot create the folder: %s",
                               strerror(errno));
    }
    return IMPACT_OK;
}

int staging_begin(struct staging *s, const char *out_dir, struct impact_error *err)
{
    if (strlen(out_dir) + OUTPUT_NAME_ROOM >= IMPACT_PATH_MAX)
        return impact_fail(err, STAGE, NULL, 0, 0,
                           "the output folder's path is too long (at most %d characters)",
                           IMPACT_PATH_MAX - OUTPUT_NAME_ROOM - 1);
    snprintf(s->out_dir, sizeof s->out_dir, "%s", out_dir);
    snprintf(s->dir, sizeof s->dir, "%s/.impact-staging", out_dir);
    if (make_dirs(out_dir) != 0)
        return impact_fail(err, STAGE, out_dir, 0, 0, "cannot create the output folder: %s",
                           strerror(errno));
    remove_tree(s->dir); /* left over by a run that was killed */
    if (mkdir(s->dir, 0777) != 0)
        return impact_fail(err, STAGE, s->dir, 0, 0, "cannot create the staging folder: %s",
                           strerror(errno));
    int status = create_subdirs(s, err);
    if (status != IMPACT_OK)
        remove_tree(s->dir);
    return status;
}

/* Renames every file under `from` into the same place under `to`, creating folders. */
static int move_files(const char *from, const char *to, struct impact_error *err)
{
    int status = IMPACT_OK;
    struct stat from_st;
    DIR *dir = opendir(from);
    /* the destination folder gets the staging folder's mode: restricted/ stays 0700 */
    if (!dir || make_dirs(to) != 0 || stat(from, &from_st) != 0 ||
        chmod(to, from_st.st_mode & 07777) != 0)
        status =
            impact_fail(err, STAGE, to, 0, 0, "cannot prepare the folder: %s", strerror(errno));
    for (struct dirent *e; status == IMPACT_OK && (e = readdir(dir));) {
        char src[IMPACT_PATH_MAX], dst[IMPACT_PATH_MAX];
        struct stat st;
        if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0)
            continue;
        snprintf(src, sizeof src, "%s/%s", from, e->d_name);
        snprintf(dst, sizeof dst, "%s/%s", to, e->d_name);
        if (lstat(src, &st) == 0 && S_ISDIR(st.st_mode))
            status = move_files(src, dst, err);
        else if (rename(src, dst) != 0)
            status = impact_fail(err, STAGE, dst, 0, 0, "cannot move the output into place: %s",
                                 strerror(errno));
    }
    if (dir)
        closedir(dir);
    return status;
}

int staging_commit(struct staging *s, struct impact_error *err)
{
    int status = move_files(s->dir, s->out_dir, err);
    remove_tree(s->dir);
    return status;
}

void staging_abort(struct staging *s)
{
    remove_tree(s->dir);
}
