/* gen.h — what the files of the sample generator (build/gen_samples) share: its constants,
 * the working data of one run (struct gen) and the functions one file calls in another.
 * The generator is one program; these are not a library. */
#ifndef GEN_SAMPLES_GEN_H
#define GEN_SAMPLES_GEN_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "seeded_random.h"

#define DEFAULT_SEED  20191231u
#define FIELD_CAP     96
#define NAME_CAP      40
#define KEY_CAP       80
#define NOTE_CAP      160
#define MAX_SEATS     16
#define RECENT_WINDOW 60 /* returning people are drawn among a site's latest newcomers */
#define DAY_NONE      INT32_MIN
#define FIRST_YEAR    2017
#define N_YEARS       3
#define EXCEL_EPOCH   25569 /* Excel serial of 1970-01-01 (1900 date system) */

enum site { SITE_BELLEVUE, SITE_LAURIERS, SITE_TARASCON, N_SITES };
enum activity {
    ACT_CV,
    ACT_INTERVIEW,
    ACT_JOB_DATING,
    ACT_VISIT,
    ACT_PARENTS,
    ACT_CV_LETTER,
    N_ACTIVITIES
};
enum role { ROLE_YOUTH, ROLE_PARENT, N_ROLES };
enum presence { PRESENT, ABSENT, EXCUSED };
enum id_policy { ID_ALWAYS, ID_SOMETIMES, ID_NEVER };
enum qpv { QPV_YES, QPV_NO, QPV_UNKNOWN };
enum special { SPECIAL_NONE, SPECIAL_BEFORE_WINDOW, SPECIAL_MULTILINE };
enum name_variant { V_PLAIN, V_UPPER_ASCII, V_SPACES, V_LOWER, V_UPPER, N_VARIANTS };
enum situation {
    S_CDI,
    S_CDD,
    S_INTERIM,
    S_ALTERNANCE,
    S_CREATION,
    S_FORMATION,
    S_ETUDES,
    S_DEMANDEUR,
    S_INACTIF,
    S_SERVICE_CIVIQUE,
    N_SITUATIONS
};
enum category { CAT_EMPLOYMENT, CAT_TRAINING, CAT_EDUCATION, CAT_OTHER, CAT_UNMAPPED };
enum date_style { D_ISO, D_DMY, D_EXCEL };
enum afield {
    A_DATE,
    A_SITE,
    A_ACT,
    A_QPV,
    A_ID,
    A_LAST,
    A_FIRST,
    A_BIRTH,
    A_SEX,
    A_ROLE,
    A_STATUS,
    N_AFIELDS
};
enum ofield { O_ID, O_LAST, O_FIRST, O_BIRTH, O_DATE, O_SITUATION, N_OFIELDS };

/* ---------------------------------------------------------------- fixed programme data */

struct site_def {
    const char *name;
    int start_y, start_m, start_d;
    int weekly_permille[N_YEARS]; /* sessions per week × 1000, per year: growth over time */
    int min_seats, max_seats;
    int out_of_qpv_permille; /* sessions held outside the QPV (Tarascon's town-centre rooms) */
};

extern const struct site_def SITES[N_SITES];
extern const char *const ACTIVITY_TEXT[N_ACTIVITIES];
extern const int ACTIVITY_WEIGHT[N_ACTIVITIES];
extern const int NEW_PERMILLE[N_YEARS];
extern const char *const SITUATION_TEXT[N_SITUATIONS];
extern const enum category SITUATION_CATEGORY[N_SITUATIONS];

/* ---------------------------------------------------------------- working data */

struct person {
    char last[NAME_CAP], first[NAME_CAP];
    char key[KEY_CAP]; /* folded last+first: keeps invented identities apart */
    day_t birth, joined, first_present;
    char sex; /* 'F' or 'M' */
    enum role role;
    enum id_policy policy;
    int site;     /* home site; -1 for people seen only in outcomes */
    int id;       /* number shown as P%05d; 0 while not given */
    int nrows;    /* attendance rows */
    int rendered; /* rows rendered so far: a SOMETIMES id always shows on the first */
    bool planted; /* hand-made mess: random messes keep off it */
    bool two_ids; /* one row carries a second id: kept out of outcomes */
};

struct session {
    day_t day;
    int site;
    enum activity activity;
    const char *activity_text;
    enum qpv qpv;
    const char *qpv_label;
    int sex_style, status_style; /* how the person filling the sheet wrote labels */
    bool lower_youth;
    enum special special;
};

struct arow {
    int session, person, seq, nth, line;
    enum presence presence;
    enum name_variant variant;
    int copies;
    bool trailing, rejected, marked, alt_key;
    char note[NOTE_CAP];
    char f[N_AFIELDS][FIELD_CAP];
};

struct obs {
    int person, seq, line;
    day_t day;
    enum situation situation;
    enum date_style style;
    bool marked, force_id, no_id;
    char note[NOTE_CAP];
    char f[N_OFIELDS][FIELD_CAP];
};

struct pool {
    int *idx;
    size_t n, cap;
};

struct out {
    FILE *f;
    char path[1024];
    int line;
};

struct gen {
    struct rng rng;
    uint64_t seed;
    const char *dir;
    struct person *people;
    size_t npeople, cap_people;
    struct session *sessions;
    size_t nsessions, cap_sessions;
    struct arow *rows;
    size_t nrows, cap_rows;
    struct obs *obs;
    size_t nobs, cap_obs;
    struct pool pools[N_SITES][N_ROLES];
    int last_id, alt_id, seq;
    int attendance_lines; /* physical lines written, header included */
};

#define COPY(dst, src) copy_text((dst), sizeof(dst), (src))

typedef uint32_t (*cp_map)(uint32_t);

/* util.c */
_Noreturn void die(const char *fmt, ...);
void *grow(void *p, size_t *cap, size_t need, size_t elem);
void copy_text(char *dst, size_t cap, const char *src);
void note(char *dst, const char *fmt, ...);
int rng_range(struct rng *r, int lo, int hi);
bool rng_permille(struct rng *r, int p);
size_t rng_weighted(struct rng *r, const int *w, size_t n);
day_t window_first(void);
day_t window_last(void);
int year_index(day_t z);
void fmt_dmy(char *out, size_t cap, day_t z);
void fmt_iso(char *out, size_t cap, day_t z);
uint32_t utf8_next(const char **p);
int cp1252_byte(uint32_t cp);
uint32_t cp_upper(uint32_t c);
uint32_t cp_lower(uint32_t c);
void map_utf8(const char *in, cp_map map, char *out, size_t cap);
void upper_ascii(const char *in, char *out, size_t cap);
void fold_append(const char *in, char *out, size_t cap);
int edit_distance(const char *a, const char *b);

/* people.c */
int new_person(struct gen *g, int site, enum role role, day_t joined);
void plan_sessions(struct gen *g);
void plan_special_sessions(struct gen *g);
int cmp_session(const void *a, const void *b);
void fill_sessions(struct gen *g);
void plant_people(struct gen *g, int *eleonore, int *mohamed, int *mohammed);
void attend_planted_people(struct gen *g, int eleonore, int mohamed, int mohammed);
void vary_planted(struct gen *g, int person);
int cmp_row(const void *a, const void *b);
void number_rows(struct gen *g);

/* messes.c */
void render_row(struct gen *g, struct arow *r);
void vary_names(struct gen *g, int npeople);
void mess_attendance(struct gen *g);

/* outcomes.c */
void first_presences(struct gen *g);
void plan_outcomes(struct gen *g);
void mess_outcomes(struct gen *g);
int cmp_obs(const void *a, const void *b);
void render_obs(struct gen *g, struct obs *o);

/* write.c */
void write_attendance(struct gen *g);
void write_outcomes(struct gen *g);

/* report.c */
void report_attendance_messes(const struct gen *g);
void report_variants(const struct gen *g);
void report_outcome_messes(const struct gen *g);
void report_truth(const struct gen *g);
void report_counts(const struct gen *g);

#endif
