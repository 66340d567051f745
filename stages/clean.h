/* clean.h — the clean stage: turns a raw row into a typed, keyed row, or rejects it.
 *
 * Dates are parsed (stages/common/dates.h) and checked against the programme window; labels
 * are folded (case, accents, spaces) and matched against the built-in labels of
 * docs/requirements.md plus the config's; the person reference (participant id and/or folded name
 * key "LAST|FIRST|YYYY-MM-DD") is built. A row that cannot be used is rejected through the
 * diag sink with its column and reason; an unknown sex, role or QPV label is a warning and
 * counts as unknown; an unknown status label is a reject (a row whose presence is unknown
 * cannot be counted either way).
 *
 * Situations: the config's labels, then the built-in dictionary, then the prefix rule
 * (a first word CDI, CDD, CDDI, CTT or INTERIM is employment unless a later word says the
 * contract ended or is only hoped for). A label still unmapped counts as unknown and goes to
 * diag_unmapped() with a suggested category; the pipeline stops on it (docs/indicators.md
 * "Situations"). A blank situation is unknown with a WARN_BLANK_SITUATION warning.
 *
 * QPV: a qpv yes/no cell decides; else a QPV code means in a QPV; else, in an export with a
 * qpv_code column and no qpv column, the row is QPV_NO_CODE (not in a QPV unless another row
 * of the session has a code) or unknown, as options.qpv_code_blank says.
 *
 * Lifecycle: clean_new() once per run → clean_attendance()/clean_outcome() per row →
 * clean_free().
 * Ownership: the cleaner copies what it needs from the options. The row it fills points
 * into the cleaner's scratch buffers and stays valid until the next call.
 */
#ifndef IMPACT_CLEAN_H
#define IMPACT_CLEAN_H

#include "stages/common/dates.h"
#include "stages/common/diag.h"
#include "stages/common/records.h"

#include <stdbool.h>
#include <stddef.h>

enum label_kind { LABEL_STATUS, LABEL_ROLE, LABEL_SEX, LABEL_QPV, LABEL_KINDS };

/* An extra label from the config: `text` means `value` (an enum presence, role, sex or
 * qpv_flag according to `kind`). */
struct clean_label {
    enum label_kind kind;
    const char *text;
    int value;
};

/* An extra situation label from the config and its category. */
struct clean_situation {
    const char *label;
    enum category category;
};

/* What a blank qpv_code means in an export that has a qpv_code column and no qpv column
 * (config "qpv_code_blank"): the code is filled for sessions in a QPV only. */
enum qpv_code_blank {
    QPV_CODE_BLANK_NOT_QPV, /* "not_qpv" (the default): not in a QPV */
    QPV_CODE_BLANK_UNKNOWN, /* "unknown": the export leaves codes blank when not known */
};

struct clean_options {
    day_t window_first; /* DAY_NONE for no lower bound */
    day_t window_last;  /* DAY_NONE for no upper bound */
    size_t n_labels;
    const struct clean_label *labels;
    size_t n_situations;
    const struct clean_situation *situations;
    size_t n_qpv_codes; /* 0: any code counts as in QPV without a check */
    const char *const *qpv_codes;
    enum qpv_code_blank qpv_code_blank;
};

struct cleaner;

struct cleaner *clean_new(const struct clean_options *options);
bool clean_attendance(struct cleaner *cleaner, const struct raw_row *raw,
                      struct attendance_row *out, const struct diag_sink *diag);
bool clean_outcome(struct cleaner *cleaner, const struct raw_row *raw, struct outcome_row *out,
                   const struct diag_sink *diag);
void clean_free(struct cleaner *cleaner);

/* The category names used in config and JSON ("employment", …), by enum category: the
 * record_category_names of stages/common/diag.h. */
extern const char *const *const clean_category_names;

/* The built-in dictionary of situations, as written (the cleaner folds them), and the first
 * words of the prefix rule (folded), for the docs and the tests. Static storage. */
const struct clean_situation *clean_builtin_situations(size_t *count);
const char *const *clean_situation_prefixes(size_t *count);

#endif
