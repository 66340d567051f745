/* diag.c — names of the warning kinds and fields, and the NULL-tolerant sink calls. */
#include "stages/common/diag.h"

#include <stdio.h>
#include <string.h>

const char *const diag_warning_names[WARN_KINDS] = {
    [WARN_UNKNOWN_SEX] = "unknown_sex_label",
    [WARN_UNKNOWN_ROLE] = "unknown_role_label",
    [WARN_UNKNOWN_QPV] = "unknown_qpv_label",
    [WARN_UNKNOWN_QPV_CODE] = "unknown_qpv_code",
    [WARN_UNMAPPED_SITUATION] = "unmapped_situation",
    [WARN_BLANK_SITUATION] = "blank_situation",
    [WARN_NAME_KEY_TWO_IDS] = "name_key_with_two_ids",
    [WARN_PERSON_CONFLICT] = "person_attribute_conflict",
    [WARN_SESSION_CONFLICT] = "session_attribute_conflict",
    [WARN_OUTCOME_UNMATCHED] = "outcome_for_unknown_person",
};

const char *const record_field_names[FIELD_COUNT] = {
    [FIELD_SESSION_ID] = "session_id",
    [FIELD_SESSION_DATE] = "session_date",
    [FIELD_SITE] = "site",
    [FIELD_ACTIVITY] = "activity",
    [FIELD_QPV] = "qpv",
    [FIELD_QPV_CODE] = "qpv_code",
    [FIELD_PARTICIPANT_ID] = "participant_id",
    [FIELD_LAST_NAME] = "last_name",
    [FIELD_FIRST_NAME] = "first_name",
    [FIELD_BIRTH_DATE] = "birth_date",
    [FIELD_SEX] = "sex",
    [FIELD_ROLE] = "role",
    [FIELD_STATUS] = "status",
    [FIELD_OBSERVED_ON] = "observed_on",
    [FIELD_SITUATION] = "situation",
};

const char *const record_category_names[CATEGORY_COUNT] = {
    [CATEGORY_EMPLOYMENT] = "employment", [CATEGORY_TRAINING] = "training",
    [CATEGORY_EDUCATION] = "education",   [CATEGORY_UNEMPLOYED] = "unemployed",
    [CATEGORY_INACTIVE] = "inactive",     [CATEGORY_UNKNOWN] = "unknown",
};

void diag_reject(const struct diag_sink *sink, const struct reject *reject)
{
    if (sink && sink->reject)
        sink->reject(sink->ctx, reject);
}

void diag_warn(const struct diag_sink *sink, enum warning_kind kind, struct row_origin origin,
               const char *value)
{
    if (sink && sink->warn)
        sink->warn(sink->ctx, kind, origin, value);
}

void diag_duplicate(const struct diag_sink *sink, struct row_origin row, struct row_origin first,
                    const char *reason)
{
    if (sink && sink->duplicate)
        sink->duplicate(sink->ctx, row, first, reason);
}

void diag_unmapped(const struct diag_sink *sink, const struct unmapped_situation *row)
{
    if (sink && sink->unmapped)
        sink->unmapped(sink->ctx, row);
    else
        diag_warn(sink, WARN_UNMAPPED_SITUATION, row->first, row->label);
}

/* Appends `piece` to out[0..*n) if it fits in `cap` bytes with the NUL. */
static void append(char *out, size_t cap, size_t *n, const char *piece)
{
    size_t len = strlen(piece);
    if (*n + len < cap) {
        memcpy(out + *n, piece, len + 1);
        *n += len;
    }
}

/* `text` as a JSON string: quotes, backslashes and control characters escaped. */
static void append_json_string(char *out, size_t cap, size_t *n, const char *text)
{
    append(out, cap, n, "\"");
    for (const unsigned char *p = (const unsigned char *)text; *p; p++) {
        char piece[8] = {(char)*p, 0};
        if (*p == '"' || *p == '\\')
            snprintf(piece, sizeof piece, "\\%c", *p);
        else if (*p < 0x20)
            snprintf(piece, sizeof piece, "\\u%04x", *p);
        append(out, cap, n, piece);
    }
    append(out, cap, n, "\"");
}

char *diag_situation_config_line(const struct unmapped_situation *u, char *out, size_t cap)
{
    size_t n = 0;
    if (cap == 0)
        return out;
    out[0] = '\0';
    append_json_string(out, cap, &n, u->label);
    append(out, cap, &n, ": ");
    append_json_string(out, cap, &n,
                       u->suggestion >= 0 && u->suggestion < CATEGORY_COUNT
                           ? record_category_names[u->suggestion]
                           : "?");
    return out;
}
