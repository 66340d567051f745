/* fingerprint.c — the SHA-256 of an input's bytes, hashed in steps (fingerprint.h). */
#include "stages/common/fingerprint.h"

#include "stages/common/arena.h"

#include <errno.h>
#include <fcntl.h>
#include <openssl/evp.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* Its errors are about reading an input, and say so: the user sees one stage for it. */
static const char STAGE[] = "ingest";

/* A step is about a quarter of a millisecond of hashing: short enough that a thread that took one
 * while it waited is back before the other thread has filled or emptied ingest's ring. */
enum { FINGERPRINT_STEP = 1 << 16 };

struct fingerprint {
    pthread_mutex_t lock; /* held by the thread taking a step */
    char *path;
    int fd;    /* -1 when the file could not be opened */
    int error; /* errno of the failed open or read, or 0 */
    bool done; /* the end of the file, or an error, was reached */
    atomic_bool cancelled;
    unsigned long long offset;
    EVP_MD_CTX *sha;
    unsigned char *buf;
    dev_t device; /* of the file opened, so that ingest can tell it reads the same one */
    ino_t inode;
};

struct fingerprint *fingerprint_open(const char *path)
{
    struct fingerprint *f = xcalloc(1, sizeof *f);
    pthread_mutex_init(&f->lock, NULL);
    size_t len = strlen(path) + 1;
    f->path = memcpy(xmalloc(len), path, len);
    f->fd = open(path, O_RDONLY);
    f->error = f->fd < 0 ? errno : 0;
    struct stat st;
    if (f->fd >= 0 && fstat(f->fd, &st) == 0) {
        f->device = st.st_dev;
        f->inode = st.st_ino;
    }
    f->sha = EVP_MD_CTX_new();
    if (f->sha && EVP_DigestInit_ex(f->sha, EVP_sha256(), NULL) != 1) {
        EVP_MD_CTX_free(f->sha);
        f->sha = NULL;
    }
    f->done = f->fd < 0 || !f->sha;
    f->buf = xmalloc(FINGERPRINT_STEP);
    return f;
}

/* A fingerprint that could not open its file fails on its own in fingerprint_finish. */
bool fingerprint_is_of(const struct fingerprint *f, const struct stat *st)
{
    return f->fd < 0 || (f->device == st->st_dev && f->inode == st->st_ino);
}

/* Under the lock: hashes the next piece; false once there is nothing left. */
static bool hash_next(struct fingerprint *f)
{
    if (f->done)
        return false;
    ssize_t n;
    do
        n = pread(f->fd, f->buf, FINGERPRINT_STEP, (off_t)f->offset);
    while (n < 0 && errno == EINTR);
    if (n > 0 && EVP_DigestUpdate(f->sha, f->buf, (size_t)n) != 1) {
        EVP_MD_CTX_free(f->sha); /* fingerprint_finish: "cannot compute the SHA-256" */
        f->sha = NULL;
        f->done = true;
    } else if (n > 0) {
        f->offset += (unsigned long long)n;
    } else {
        f->error = n < 0 ? errno : 0;
        f->done = true;
    }
    return !f->done;
}

bool fingerprint_step(struct fingerprint *f)
{
    if (!f || atomic_load(&f->cancelled) || pthread_mutex_trylock(&f->lock) != 0)
        return false;
    bool stepped = hash_next(f);
    pthread_mutex_unlock(&f->lock);
    return stepped;
}

int fingerprint_finish(struct fingerprint *f, char sha256[65], struct impact_error *err)
{
    unsigned char digest[EVP_MAX_MD_SIZE];
    unsigned int n_digest = 0;
    int status = IMPACT_OK;
    sha256[0] = '\0';
    pthread_mutex_lock(&f->lock);
    while (!atomic_load(&f->cancelled) && hash_next(f))
        continue;
    if (atomic_load(&f->cancelled))
        status = impact_fail(err, STAGE, f->path, 0, 0, "the file's hash was not finished");
    else if (!f->sha)
        status = impact_fail(err, STAGE, f->path, 0, 0, "cannot compute the SHA-256");
    else if (f->error)
        status = impact_fail(err, STAGE, f->path, 0, 0, "cannot read: %s", strerror(f->error));
    else if (EVP_DigestFinal_ex(f->sha, digest, &n_digest) != 1 || n_digest != 32)
        status = impact_fail(err, STAGE, f->path, 0, 0, "cannot compute the SHA-256");
    for (unsigned int i = 0; status == IMPACT_OK && i < n_digest; i++)
        snprintf(sha256 + 2 * i, 3, "%02x", digest[i]);
    f->done = true;
    f->cancelled = true; /* the digest is final: no step may follow */
    pthread_mutex_unlock(&f->lock);
    return status;
}

void fingerprint_cancel(struct fingerprint *f)
{
    if (f)
        atomic_store(&f->cancelled, true);
}

void fingerprint_free(struct fingerprint *f)
{
    if (!f)
        return;
    if (f->fd >= 0)
        close(f->fd);
    EVP_MD_CTX_free(f->sha);
    pthread_mutex_destroy(&f->lock);
    free(f->buf);
    free(f->path);
    free(f);
}
