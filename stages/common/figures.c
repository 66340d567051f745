/* figures.c — the names the figures carry in the JSON output and in the docs, and the one
 * definition of a count's change. */
#include "stages/common/figures.h"

const char *const figures_count_names[COUNT_KINDS] = {
    [COUNT_SESSIONS] = "sessions",
    [COUNT_QPV_SESSIONS] = "qpv_sessions",
    [COUNT_QPV_UNKNOWN_SESSIONS] = "qpv_unknown_sessions",
    [COUNT_ATTENDANCES] = "attendances",
    [COUNT_BENEFICIARIES] = "beneficiaries",
    [COUNT_NEW_BENEFICIARIES] = "new_beneficiaries",
    [COUNT_CUMULATIVE_BENEFICIARIES] = "cumulative_beneficiaries",
};

const char *const figures_rate_names[RATE_KINDS] = {
    [RATE_QPV_SHARE] = "qpv_share",
    [RATE_EMPLOYMENT] = "employment",
    [RATE_POSITIVE_OUTCOME] = "positive_outcome",
    [RATE_SHARE_GIRLS] = "share_girls",
};

const char *const figures_role_names[ROLE_COUNT] = {"youth", "parent", "unknown"};
const char *const figures_sex_names[SEX_COUNT] = {"F", "M", "unknown"};

struct count_change figures_count_change(long previous, long current)
{
    struct count_change c = {.absolute = current - previous, .relative_defined = previous != 0};
    c.relative = c.relative_defined ? (double)c.absolute / (double)previous : 0;
    return c;
}

bool figures_period_before_data(const struct period_figures *p)
{
    return p->partial && p->data_until != DAY_NONE && p->data_until < p->start;
}
