/* diag.c — names of the warning kinds and fields, and the NULL-tolerant sink calls. */
#include "stages/common/diag.h"

const char *const diag_warning_names[WARN_KINDS] = {
    [WARN_UNKNOWN_SEX] = "unknown_sex_label",
    [WARN_UNKNOWN_ROLE] = "unknown_role_label",
    [WARN_UNKNOWN_QPV] = "unknown_qpv_label",
    [WARN_UNKNOWN_QPV_CODE] = "unknown_qpv_code",
    [WARN_UNMAPPED_SITUATION] = "unmapped_situation",
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
