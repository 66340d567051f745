/* figures.h — the computed indicators: what the indicators stage produces and the JSON and
 * chart stages read. Every figure of docs/requirements.md "Indicators" has a place here.
 *
 * Counts and rates are in arrays indexed by enums, so writers loop over one table of names
 * (figures_count_names, figures_rate_names) instead of spelling each field.
 *
 * Ownership: a `struct figures` and everything it points to belong to the indicators stage
 * and live until indicators_free().
 */
#ifndef IMPACT_FIGURES_H
#define IMPACT_FIGURES_H

#include "stages/common/dates.h"
#include "stages/common/records.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

enum count_kind {
    COUNT_SESSIONS,
    COUNT_QPV_SESSIONS,
    COUNT_QPV_UNKNOWN_SESSIONS,
    COUNT_ATTENDANCES,
    COUNT_BENEFICIARIES,
    COUNT_NEW_BENEFICIARIES,
    COUNT_CUMULATIVE_BENEFICIARIES,
    COUNT_KINDS
};

enum rate_kind {
    RATE_QPV_SHARE,        /* qpv_sessions / (sessions - qpv_unknown_sessions) */
    RATE_EMPLOYMENT,       /* latest known situation is employment */
    RATE_POSITIVE_OUTCOME, /* … is employment, training or education */
    RATE_SHARE_GIRLS,      /* F / (F + M) among beneficiaries */
    RATE_KINDS
};

extern const char *const figures_count_names[COUNT_KINDS]; /* JSON keys: "sessions", … */
extern const char *const figures_rate_names[RATE_KINDS];   /* "qpv_share", … */
extern const char *const figures_role_names[ROLE_COUNT];   /* "youth", "parent", "unknown" */
extern const char *const figures_sex_names[SEX_COUNT];     /* "F", "M", "unknown" */

/* A proportion with its Wilson interval; `defined` is false (and the doubles meaningless)
 * when the denominator is 0. */
struct rate {
    long numerator;
    long denominator;
    bool defined;
    double rate, ci_low, ci_high;
};

struct count_change {
    long absolute;
    bool relative_defined; /* false when the previous count is 0 */
    double relative;       /* (current - previous) / previous */
};

/* The change from `previous` to `current` (relative undefined when previous is 0). */
struct count_change figures_count_change(long previous, long current);

enum rate_test { RATE_TEST_NONE, RATE_TEST_Z, RATE_TEST_FISHER };

struct rate_change {
    bool defined; /* both rates defined */
    double difference;
    enum rate_test test;
    double p_value; /* two-sided */
};

#define FIGURES_MAX_BANDS 8

/* A band of dosage (present sessions): min..max inclusive, max 0 for "and more". */
struct dosage_band {
    int min, max;
    char label[16]; /* "1", "2-4", "5+" */
};

/* Present sessions per beneficiary in a period (GSL quantiles, R type 7). */
struct dosage {
    bool defined; /* at least one beneficiary */
    double q1, median, q3, mean;
};

/* Disclosure control (stages/disclose.h). The internal figures have every flag at
 * WITHHELD_NONE; in the public copy a withheld value is zeroed and must be shown as
 * withheld — never as 0. */
enum withheld { WITHHELD_NONE, WITHHELD_SMALL_CELL, WITHHELD_COMPLEMENTARY };

/* One flag (enum withheld) per value of a period, parallel to its arrays. */
struct period_withheld {
    uint8_t counts[COUNT_KINDS];
    uint8_t by_role[ROLE_COUNT];
    uint8_t by_sex[SEX_COUNT];
    uint8_t *by_site; /* n_sites entries, NULL in the internal figures */
    uint8_t by_band[FIGURES_MAX_BANDS];
    uint8_t rates[RATE_KINDS];
    uint8_t employment_by_band[FIGURES_MAX_BANDS];
    uint8_t count_changes[COUNT_KINDS]; /* a change is withheld with either of its counts */
    uint8_t role_changes[ROLE_COUNT];
    uint8_t sex_changes[SEX_COUNT];
    uint8_t *site_changes;            /* n_sites entries, NULL in the internal figures */
    uint8_t rate_changes[RATE_KINDS]; /* also the numerator and denominator changes */
    uint8_t dosage;
};

struct period_figures {
    char label[16]; /* "2018" or "2018-2019" */
    day_t start, end;
    /* The data stop before the period's end (figures.data_last more than the options'
     * partial_gap_days before `end`): its counts cover start … data_until only. Only the
     * last periods can be partial (a period wholly after the data has data_until < start).
     * data_until is DAY_NONE when the period is complete. */
    bool partial;
    day_t data_until;
    long counts[COUNT_KINDS];
    long by_role[ROLE_COUNT];
    long by_sex[SEX_COUNT];
    long *by_site; /* figures.n_sites entries; a person can count in several sites */
    struct rate rates[RATE_KINDS];
    /* Dosage: present sessions per beneficiary in the period, beneficiaries by band, and
     * the employment rate by band of sessions attended up to the observation used. */
    struct dosage dosage;
    long by_band[FIGURES_MAX_BANDS];
    struct rate employment_by_band[FIGURES_MAX_BANDS];
    /* Year over year against the previous period; has_previous is false for the first (and
     * every change is then zero). Every count has its change: the counts, each cell of the
     * splits by role, sex and site (a site with nobody in the previous period: absolute =
     * current, relative undefined), and the numerator and denominator of each rate. */
    bool has_previous;
    bool changes_partial; /* this period or the previous is partial: flagged, still computed */
    struct count_change count_changes[COUNT_KINDS];
    struct count_change role_changes[ROLE_COUNT];
    struct count_change sex_changes[SEX_COUNT];
    struct count_change *site_changes; /* figures.n_sites entries, like by_site */
    struct count_change numerator_changes[RATE_KINDS], denominator_changes[RATE_KINDS];
    struct rate_change rate_changes[RATE_KINDS];
    struct period_withheld withheld;
};

/* A period wholly after the data stop (data_until < start): it has no data yet, so its
 * zeros are no finding and it has no change from the previous period. */
bool figures_period_before_data(const struct period_figures *period);

/* Cumulative distinct beneficiaries (roles counted towards the target) at a quarter's end. */
struct quarter_point {
    char label[8]; /* "2018-Q3" */
    day_t end;
    long cumulative;
    uint8_t withheld; /* enum withheld */
};

/* Linear trend through the last quarters' cumulative counts. */
struct projection {
    bool defined;
    const char *reason; /* static text when not defined ("flat or falling trend", …) */
    int quarters_used;
    double slope_per_quarter;
    day_t date;    /* projected day the target is reached */
    bool has_band; /* earliest/latest from the fit's 95 % band */
    day_t earliest, latest;
    bool on_track;       /* date <= deadline, or reached_on <= deadline */
    bool on_track_known; /* false when there is no deadline or no projection */
    day_t reached_on;    /* day the target-th person was first present, or DAY_NONE */
    bool withheld;       /* public copy: fitted on withheld quarters, so not shown */
};

struct target_progress {
    const char *name; /* "overall" or the site's name */
    long target;      /* 0 when none is set */
    size_t n_quarters;
    struct quarter_point *quarters;
    long reached;    /* at the last quarter with data */
    double progress; /* reached / target */
    day_t last_quarter_end;
    bool has_deadline;        /* figures.deadline is set */
    long reached_by_deadline; /* first present on or before the deadline */
    double progress_by_deadline;
    uint8_t withheld;             /* enum withheld: reached and progress (public copy) */
    uint8_t withheld_by_deadline; /* … reached_by_deadline and progress_by_deadline */
    struct projection projection;
};

struct figures {
    size_t n_periods;
    struct period_figures *periods;
    day_t data_last; /* the latest session date in the data ("data stop"); DAY_NONE if none */
    size_t n_sites;
    const char *const *site_names;
    double confidence; /* e.g. 0.95 */
    day_t deadline;
    struct target_progress overall;
    struct target_progress *sites; /* n_sites entries, same order as site_names */
    size_t n_bands;
    struct dosage_band bands[FIGURES_MAX_BANDS];
    int suppression_threshold; /* k of the public copy; 0 in the internal figures */
};

/* The charts drawn from the figures: file names and text alternatives, listed in the JSON. */
#define CHARTS_MAX 12

struct chart_info {
    char name[48];     /* e.g. "cumulative_target" */
    char png_file[64]; /* file name within out_dir, e.g. "cumulative_target.png" */
    char svg_file[64];
    char print_png_file[64]; /* the A4-width variant, "cumulative_target_print.png"; */
    char print_svg_file[64]; /* both empty when the config asks for none */
    char title[256];
    char alt_text[1024]; /* one or two sentences with the key numbers */
};

struct chart_list {
    int count;
    struct chart_info charts[CHARTS_MAX];
};

#endif
