/* fingerprint.h — the SHA-256 of an input file's bytes, for the outputs' record of their
 * inputs (indicators.json, quality/report.json), hashed in steps of 64 KiB by whichever
 * thread has time: ingest's threads while they would wait for each other, and
 * fingerprint_finish for the rest (a background step of the pipeline). It reads the file on
 * its own (pread), whatever ingest does with it.
 *
 * Threads: fingerprint_step and fingerprint_cancel may be called from any thread, at any
 * time; a step is taken under the fingerprint's lock (a thread that finds it taken moves on).
 * Lifecycle: fingerprint_open → any number of fingerprint_step → fingerprint_finish once →
 * fingerprint_free. Ownership: the caller owns the fingerprint; it keeps a copy of the path.
 */
#ifndef IMPACT_FINGERPRINT_H
#define IMPACT_FINGERPRINT_H

#include "stages/common/error.h"

#include <stdbool.h>
#include <sys/stat.h>

struct fingerprint;

/* Never NULL; a file that cannot be opened or read fails in fingerprint_finish. */
struct fingerprint *fingerprint_open(const char *path);
/* Hashes the next step unless another thread is at it or nothing is left; true when it did
 * (a thread about to wait may then look again), false when the caller should just wait. */
bool fingerprint_step(struct fingerprint *fingerprint);
/* Whether `st` (from fstat of a file another module opened) is the file being hashed; true
 * when the fingerprint could not open its file (it fails on its own in fingerprint_finish). */
bool fingerprint_is_of(const struct fingerprint *fingerprint, const struct stat *st);
/* Hashes what is left and writes the lower-case hex digest; IMPACT_FAIL (sha256 empty) when
 * the file could not be read or the fingerprint was cancelled. */
int fingerprint_finish(struct fingerprint *fingerprint, char sha256[65], struct impact_error *err);
/* A failed run does not wait for the rest of the file: steps and finish stop. */
void fingerprint_cancel(struct fingerprint *fingerprint);
void fingerprint_free(struct fingerprint *fingerprint);

#endif
