/* generate.c — writes the synthetic sample exports that `make run` and the tests feed to the
 * QPV impact pipeline.
 *
 * Why: the pipeline must be shown, and tested, on exports that look like real ones — sign-in
 * sheets typed by hand and saved by Excel in Windows-1252, follow-up records from another
 * tool — carrying every mess REQUIREMENTS.md says must be accepted, but holding no real
 * person's data. So this program invents a youth-employment programme run in three pilot
 * neighbourhoods from 2017 to 2019, with names drawn from lists and combined at random, and
 * writes:
 *   DIR/attendance.csv  Windows-1252, ';', CRLF: one row per participant per session;
 *   DIR/outcomes.csv    UTF-8 with BOM, ',', LF: one row per follow-up observation.
 * On stdout it reports where each deliberate mess landed (file:line) and the figures the
 * pipeline should find (the generator's ground truth), which samples/README.md quotes.
 *
 * Usage: gen_samples DIR [--seed N]
 * Same seed, same bytes: the only randomness is xoshiro256** seeded through splitmix64;
 * no rand(), no clock, no locale, no floating point.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

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

static const struct site_def SITES[N_SITES] = {
    {"Parc Bellevue – Félix Pyat", 2017, 1, 2, {1450, 1750, 2000}, 6, 15, 30},
    {"Les Lauriers – Olivier A", 2017, 1, 9, {1350, 1650, 1900}, 6, 15, 30},
    {"Tarascon", 2018, 1, 15, {0, 1000, 1200}, 5, 10, 350},
};

static const char *const ACTIVITY_TEXT[N_ACTIVITIES] = {
    "Atelier CV",          "Simulation d'entretien", "Job dating",
    "Visite d'entreprise", "Réunion parents",        "Atelier CV; lettre de motivation",
};
static const int ACTIVITY_WEIGHT[N_ACTIVITIES] = {24, 20, 14, 12, 14, 16};

/* Share of seats taken by a newcomer, per year (the rest are returning people). */
static const int NEW_PERMILLE[N_YEARS] = {520, 440, 410};

static const char *const SITUATION_TEXT[N_SITUATIONS] = {
    "CDI",
    "CDD",
    "Intérim",
    "Alternance",
    "Création d'entreprise",
    "Formation qualifiante",
    "Reprise d'études",
    "Demandeur d'emploi",
    "Inactif",
    "Service civique",
};
static const enum category SITUATION_CATEGORY[N_SITUATIONS] = {
    CAT_EMPLOYMENT, CAT_EMPLOYMENT, CAT_EMPLOYMENT, CAT_EMPLOYMENT, CAT_EMPLOYMENT,
    CAT_TRAINING,   CAT_EDUCATION,  CAT_OTHER,      CAT_OTHER,      CAT_TRAINING,
};

/* Name lists: common names of the populations living in these neighbourhoods. They are only
 * ever combined at random, so no row describes a real person. */
static const char *const LAST_FRENCH[] = {
    "Martin",     "Bernard",  "Dubois",    "Thomas",   "Robert",    "Richard",  "Petit",
    "Durand",     "Leroy",    "Moreau",    "Simon",    "Laurent",   "Lefèvre",  "Michel",
    "Garcia",     "David",    "Bertrand",  "Roux",     "Vincent",   "Fournier", "Morel",
    "Girard",     "André",    "Mercier",   "Dupont",   "Lambert",   "Bonnet",   "François",
    "Martinez",   "Legrand",  "Garnier",   "Faure",    "Rousseau",  "Blanc",    "Guérin",
    "Muller",     "Henry",    "Roussel",   "Perrin",   "Morin",     "Mathieu",  "Clément",
    "Gauthier",   "Fontaine", "Chevalier", "Robin",    "Masson",    "Sanchez",  "Gérard",
    "Boyer",      "Lemaire",  "Noël",      "Meyer",    "Barbier",   "Giraud",   "Vidal",
    "Lacroix",    "Le Gall",  "Da Silva",  "Ferreira", "Gonçalves", "Lecœur",   "Garcia-Moreno",
    "Castellani", "Esposito", "Pereira",   "Santoni",  "Bénard",
};
static const char *const LAST_MAGHREB[] = {
    "Benali",    "Haddad",      "Bouzid",   "Mansouri",   "Belkacem", "Cherif",    "Brahimi",
    "Hamdi",     "Saïdi",       "Amrani",   "El Idrissi", "Benchikh", "Kaddour",   "Meziane",
    "Boudjemaa", "Rahmani",     "Zerrouki", "Aït Ali",    "Ouali",    "Chaoui",    "Bensaïd",
    "Ben Ahmed", "Toumi",       "Slimani",  "Khelifi",    "Djebbar",  "Aouadi",    "Larbi",
    "Ferhat",    "Belhadj",     "Hamidi",   "Bouaziz",    "Mekki",    "Nasri",     "Benyahia",
    "Guerfi",    "Ziani",       "Boukhari", "Mokrani",    "Taleb",    "El Amrani", "Berrada",
    "Tazi",      "Ben Youssef", "Ghali",
};
static const char *const LAST_WEST_AFRICA[] = {
    "Diallo",  "Traoré",  "Koné",      "Coulibaly", "Diop",   "N'Diaye",  "Sow",    "Camara",
    "Keïta",   "Touré",   "Cissé",     "Sylla",     "Fofana", "Sissoko",  "Konaté", "Ba",
    "Gueye",   "Fall",    "Diarra",    "Sangaré",   "Bamba",  "Ouattara", "Kanté",  "Dembélé",
    "Soumaré", "Doumbia", "N’Guessan", "Kouassi",   "Mbaye",  "Sarr",     "Ndiaye",
};
static const char *const LAST_OTHER[] = {
    "Said",          "Ahamada",  "Abdallah", "Soilihi", "Madi",     "Youssouf", "Petrossian",
    "Sarkissian",    "Hakobian", "Rossi",    "Romano",  "Giordano", "Nguyen",   "Tran",
    "Pham",          "Yilmaz",   "Kaya",     "Demir",   "Çelik",    "Öztürk",   "Rakotomalala",
    "Randrianarivo", "Ivanov",   "Kowalski", "Nowak",   "Santos",   "Oliveira", "Rodrigues",
    "Popescu",       "Gashi",    "Berisha",
};
static const char *const FEMALE_FRENCH[] = {
    "Camille", "Manon",   "Léa",    "Chloé",   "Inès",    "Sarah",    "Laura",  "Océane",
    "Emma",    "Clara",   "Maëlys", "Anaïs",   "Mélissa", "Justine",  "Noémie", "Marine",
    "Jade",    "Lola",    "Zoé",    "Héloïse", "Célia",   "Amélie",   "Gaëlle", "Lucie",
    "Pauline", "Margaux", "Élodie", "Audrey",  "Morgane", "Éléonore",
};
static const char *const FEMALE_FRENCH_PARENT[] = {
    "Hélène",    "Nathalie",  "Sandrine",   "Valérie",  "Isabelle",
    "Sylvie",    "Véronique", "Christelle", "Béatrice", "Corinne",
    "Françoise", "Brigitte",  "Séverine",   "Karine",   "Cécile",
};
static const char *const MALE_FRENCH[] = {
    "Lucas",   "Hugo",    "Théo",   "Nathan",  "Enzo",     "Louis",         "Mathis",  "Thomas",
    "Maxime",  "Kévin",   "Jérémy", "Anthony", "Dylan",    "Loïc",          "Clément", "Baptiste",
    "Quentin", "Romain",  "Alexis", "Florian", "Valentin", "Bastien",       "Jordan",  "Mathéo",
    "Noé",     "Raphaël", "Gaël",   "Benoît",  "Cédric",   "Jean-Baptiste",
};
static const char *const MALE_FRENCH_PARENT[] = {
    "Frédéric", "Stéphane", "Christophe", "Pascal",  "Hervé",   "François", "Philippe", "Thierry",
    "Laurent",  "Didier",   "Éric",       "Patrick", "Olivier", "Franck",   "Joël",
};
static const char *const FEMALE_MAGHREB[] = {
    "Yasmine", "Nour",   "Amira",  "Salma",  "Lina",    "Sofia",   "Rania",  "Myriam",
    "Nawel",   "Imane",  "Samira", "Fatima", "Khadija", "Leïla",   "Malika", "Naïma",
    "Aïcha",   "Souad",  "Zohra",  "Farida", "Houria",  "Sabrina", "Dounia", "Sonia",
    "Kenza",   "Hanane", "Nadia",  "Wafa",   "Chaïma",
};
static const char *const MALE_MAGHREB[] = {
    "Mohamed", "Mehdi",    "Karim",  "Yanis",   "Rayan", "Sofiane", "Bilal", "Nassim",
    "Ilyes",   "Amine",    "Walid",  "Hakim",   "Samir", "Rachid",  "Farid", "Abdelkader",
    "Mourad",  "Nordine",  "Kamel",  "Youssef", "Hamza", "Ismaël",  "Anis",  "Adam",
    "Zakaria", "Redouane", "Djamel", "Sami",    "Nabil", "Lotfi",
};
static const char *const FEMALE_WEST_AFRICA[] = {
    "Aminata", "Fatoumata", "Mariam",  "Awa",        "Kadiatou", "Binta",      "Oumou",
    "Hawa",    "Assa",      "Djeneba", "Rokia",      "Fanta",    "Coumba",     "Ramatoulaye",
    "Adama",   "Aïssatou",  "Mariama", "Nafissatou", "Safiatou", "Korotoumou",
};
static const char *const MALE_WEST_AFRICA[] = {
    "Mamadou", "Moussa",   "Ibrahima",   "Ousmane", "Abdoulaye", "Seydou",         "Boubacar",
    "Cheikh",  "Modibo",   "Souleymane", "Lassana", "Bakary",    "Issa",           "Adama",
    "Amadou",  "Alassane", "Sékou",      "Demba",   "Oumar",     "Mamadou-Lamine",
};
static const char *const FEMALE_OTHER[] = {
    "Ana",    "Inês",    "Mai",     "Linh",   "Elif",    "Zeynep",  "Nina",
    "Anahit", "Chiara",  "Giulia",  "Hasmik", "Mirela",  "Oksana",  "Natalia",
    "Anjara", "Zaïnaba", "Mariame", "Faïza",  "Chamsia", "Tatiana",
};
static const char *const MALE_OTHER[] = {
    "Tiago",    "João",   "Minh",      "Duc",   "Emre",   "Can",     "Ivan",
    "Giovanni", "Andrea", "Arman",     "Davit", "Rado",   "Hery",    "Nicolae",
    "Besnik",   "Ardit",  "Kamardine", "Anli",  "Nassuf", "Ibrahim",
};

struct name_list {
    const char *const *items;
    size_t n;
};
#define LIST(a)                                                                                    \
    {                                                                                              \
        a, sizeof(a) / sizeof((a)[0])                                                              \
    }

struct name_group {
    int weight;
    struct name_list last, female, male, female_parent, male_parent;
};

static const struct name_group GROUPS[] = {
    {38, LIST(LAST_FRENCH), LIST(FEMALE_FRENCH), LIST(MALE_FRENCH), LIST(FEMALE_FRENCH_PARENT),
     LIST(MALE_FRENCH_PARENT)},
    {32, LIST(LAST_MAGHREB), LIST(FEMALE_MAGHREB), LIST(MALE_MAGHREB), LIST(FEMALE_MAGHREB),
     LIST(MALE_MAGHREB)},
    {16, LIST(LAST_WEST_AFRICA), LIST(FEMALE_WEST_AFRICA), LIST(MALE_WEST_AFRICA),
     LIST(FEMALE_WEST_AFRICA), LIST(MALE_WEST_AFRICA)},
    {14, LIST(LAST_OTHER), LIST(FEMALE_OTHER), LIST(MALE_OTHER), LIST(FEMALE_OTHER),
     LIST(MALE_OTHER)},
};
#define N_GROUPS (sizeof(GROUPS) / sizeof(GROUPS[0]))

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

/* ---------------------------------------------------------------- errors and memory */

static _Noreturn void die(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    fputs("gen_samples: ", stderr);
    vfprintf(stderr, fmt, ap);
    fputc('\n', stderr);
    va_end(ap);
    exit(1);
}

/* Makes room for `need` elements; doubling keeps appends amortised O(1). */
static void *grow(void *p, size_t *cap, size_t need, size_t elem)
{
    if (need <= *cap)
        return p;
    size_t n = *cap ? *cap * 2 : 64;
    while (n < need)
        n *= 2;
    void *q = realloc(p, n * elem);
    if (!q)
        die("out of memory");
    *cap = n;
    return q;
}

static void copy_text(char *dst, size_t cap, const char *src)
{
    size_t n = strlen(src);
    if (n >= cap)
        die("text too long for its field: %s", src);
    memcpy(dst, src, n + 1);
}
#define COPY(dst, src) copy_text((dst), sizeof(dst), (src))

static void note(char *dst, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(dst, NOTE_CAP, fmt, ap);
    va_end(ap);
    if (n < 0 || n >= NOTE_CAP)
        die("note too long: %s", fmt);
}

/* ---------------------------------------------------------------- random numbers */

static int rng_range(struct rng *r, int lo, int hi)
{
    return lo + (int)rng_below(r, (uint32_t)(hi - lo + 1));
}

static bool rng_permille(struct rng *r, int p)
{
    return (int)rng_below(r, 1000) < p;
}

static size_t rng_weighted(struct rng *r, const int *w, size_t n)
{
    int total = 0;
    for (size_t i = 0; i < n; i++)
        total += w[i];
    int x = (int)rng_below(r, (uint32_t)total);
    for (size_t i = 0; i < n; i++) {
        if (x < w[i])
            return i;
        x -= w[i];
    }
    return n - 1;
}

static const char *rng_item(struct rng *r, struct name_list l)
{
    return l.items[rng_below(r, (uint32_t)l.n)];
}

/* ---------------------------------------------------------------- calendar */

static int year_of(day_t z)
{
    int y, m, d;
    civil_from_days(z, &y, &m, &d);
    return y;
}

static day_t window_first(void)
{
    return days_from_civil(FIRST_YEAR, 1, 1);
}

static day_t window_last(void)
{
    return days_from_civil(FIRST_YEAR + N_YEARS - 1, 12, 31);
}

static int year_index(day_t z)
{
    return year_of(z) - FIRST_YEAR;
}

static void fmt_dmy(char *out, size_t cap, day_t z)
{
    int y, m, d;
    civil_from_days(z, &y, &m, &d); /* the bounds tell the compiler the text fits */
    snprintf(out, cap, "%02u/%02u/%04u", (unsigned)d % 100u, (unsigned)m % 100u,
             (unsigned)y % 10000u);
}

static void fmt_iso(char *out, size_t cap, day_t z)
{
    int y, m, d;
    civil_from_days(z, &y, &m, &d);
    snprintf(out, cap, "%04u-%02u-%02u", (unsigned)y % 10000u, (unsigned)m % 100u,
             (unsigned)d % 100u);
}

/* ---------------------------------------------------------------- text */

/* Our strings are all built-in UTF-8 literals, so a malformed byte is a bug: stop. */
static uint32_t utf8_next(const char **p)
{
    const unsigned char *s = (const unsigned char *)*p;
    int extra = s[0] < 0x80 ? 0 : (s[0] & 0xE0) == 0xC0 ? 1 : (s[0] & 0xF0) == 0xE0 ? 2 : -1;
    if (extra < 0)
        die("invalid UTF-8 in a built-in string");
    uint32_t cp = extra == 0 ? s[0] : s[0] & (extra == 1 ? 0x1Fu : 0x0Fu);
    for (int i = 1; i <= extra; i++) {
        if ((s[i] & 0xC0) != 0x80)
            die("invalid UTF-8 in a built-in string");
        cp = (cp << 6) | (s[i] & 0x3Fu);
    }
    *p += extra + 1;
    return cp;
}

static size_t utf8_put(uint32_t cp, char *out)
{
    if (cp < 0x80) {
        out[0] = (char)cp;
        return 1;
    }
    if (cp < 0x800) {
        out[0] = (char)(0xC0 | (cp >> 6));
        out[1] = (char)(0x80 | (cp & 0x3F));
        return 2;
    }
    out[0] = (char)(0xE0 | (cp >> 12));
    out[1] = (char)(0x80 | ((cp >> 6) & 0x3F));
    out[2] = (char)(0x80 | (cp & 0x3F));
    return 3;
}

/* Windows-1252 byte for a code point, or -1. Bytes 0x80–0x9F are the typographic extras
 * (en dash 0x96, œ 0x9C, ’ 0x92…); the rest of 0xA0–0xFF is Latin-1. */
static int cp1252_byte(uint32_t cp)
{
    static const uint16_t high[32] = {
        0x20AC, 0,      0x201A, 0x0192, 0x201E, 0x2026, 0x2020, 0x2021, 0x02C6, 0x2030, 0x0160,
        0x2039, 0x0152, 0,      0x017D, 0,      0,      0x2018, 0x2019, 0x201C, 0x201D, 0x2022,
        0x2013, 0x2014, 0x02DC, 0x2122, 0x0161, 0x203A, 0x0153, 0,      0x017E, 0x0178,
    };
    if (cp < 0x80 || (cp >= 0xA0 && cp <= 0xFF))
        return (int)cp;
    for (int i = 0; i < 32; i++)
        if (high[i] != 0 && high[i] == cp)
            return 0x80 + i;
    return -1;
}

static uint32_t cp_upper(uint32_t c)
{
    if (c >= 'a' && c <= 'z')
        return c - 32;
    if (c >= 0xE0 && c <= 0xFE && c != 0xF7)
        return c - 0x20;
    return c == 0x153 ? 0x152 : c;
}

static uint32_t cp_lower(uint32_t c)
{
    if (c >= 'A' && c <= 'Z')
        return c + 32;
    if (c >= 0xC0 && c <= 0xDE && c != 0xD7)
        return c + 0x20;
    return c == 0x152 ? 0x153 : c;
}

/* Unaccented upper-case spelling of one code point, as a clerk typing without accents would. */
static const char *cp_ascii_upper(uint32_t c, char one[2])
{
    static const char latin1[] = "AAAAAAACEEEEIIIIDNOOOOOxOUUUUYTSAAAAAAACEEEEIIIIDNOOOOO/OUUUUYTY";
    if (c == 0x152 || c == 0x153)
        return "OE";
    if (c == 0x2019)
        return "'";
    if (c >= 0xC0 && c <= 0xFF)
        one[0] = latin1[c - 0xC0];
    else if (c < 0x80)
        one[0] = (char)cp_upper(c);
    else
        die("no ASCII spelling for U+%04X", (unsigned)c);
    one[1] = '\0';
    return one;
}

typedef uint32_t (*cp_map)(uint32_t);

static void map_utf8(const char *in, cp_map map, char *out, size_t cap)
{
    size_t n = 0;
    while (*in) {
        uint32_t cp = map(utf8_next(&in));
        if (n + 4 >= cap)
            die("text too long: %s", in);
        n += utf8_put(cp, out + n);
    }
    out[n] = '\0';
}

static void upper_ascii(const char *in, char *out, size_t cap)
{
    size_t n = 0;
    char one[2];
    while (*in) {
        const char *s = cp_ascii_upper(utf8_next(&in), one);
        size_t len = strlen(s);
        if (n + len >= cap)
            die("text too long: %s", in);
        memcpy(out + n, s, len);
        n += len;
    }
    out[n] = '\0';
}

/* The person key REQUIREMENTS.md describes, minus the birth date: upper-case, unaccented,
 * letters and digits only. */
static void fold_append(const char *in, char *out, size_t cap)
{
    char up[KEY_CAP];
    upper_ascii(in, up, sizeof up);
    size_t n = strlen(out);
    for (const char *p = up; *p; p++) {
        if ((*p >= 'A' && *p <= 'Z') || (*p >= '0' && *p <= '9')) {
            if (n + 1 >= cap)
                die("key too long: %s", in);
            out[n++] = *p;
        }
    }
    out[n] = '\0';
}

/* Levenshtein distance on short ASCII keys, used to keep invented people from looking like
 * probable duplicates by accident. */
static int edit_distance(const char *a, const char *b)
{
    int prev[KEY_CAP + 1], cur[KEY_CAP + 1];
    size_t la = strlen(a), lb = strlen(b);
    for (size_t j = 0; j <= lb; j++)
        prev[j] = (int)j;
    for (size_t i = 1; i <= la; i++) {
        cur[0] = (int)i;
        for (size_t j = 1; j <= lb; j++) {
            int sub = prev[j - 1] + (a[i - 1] != b[j - 1]);
            int del = prev[j] + 1, ins = cur[j - 1] + 1;
            cur[j] = sub < del ? (sub < ins ? sub : ins) : (del < ins ? del : ins);
        }
        memcpy(prev, cur, (lb + 1) * sizeof prev[0]);
    }
    return prev[lb];
}

/* ---------------------------------------------------------------- people */

static bool identity_clashes(const struct gen *g, const struct person *p)
{
    for (size_t i = 0; i < g->npeople; i++) {
        const struct person *q = &g->people[i];
        if (q->birth == p->birth && edit_distance(q->key, p->key) <= 3)
            return true;
    }
    return false;
}

static void set_key(struct person *p)
{
    p->key[0] = '\0';
    fold_append(p->last, p->key, sizeof p->key);
    fold_append(p->first, p->key, sizeof p->key);
}

static int add_person(struct gen *g, const struct person *p)
{
    g->people = grow(g->people, &g->cap_people, g->npeople + 1, sizeof *g->people);
    g->people[g->npeople] = *p;
    int index = (int)g->npeople++;
    if (p->site >= 0) {
        struct pool *pl = &g->pools[p->site][p->role];
        pl->idx = grow(pl->idx, &pl->cap, pl->n + 1, sizeof *pl->idx);
        pl->idx[pl->n++] = index;
    }
    return index;
}

static void draw_names(struct gen *g, struct person *p)
{
    int weights[N_GROUPS];
    for (size_t i = 0; i < N_GROUPS; i++)
        weights[i] = GROUPS[i].weight;
    const struct name_group *grp = &GROUPS[rng_weighted(&g->rng, weights, N_GROUPS)];
    /* Mixed families are common: some first names come from the French lists. */
    const struct name_group *fg = rng_permille(&g->rng, 150) ? &GROUPS[0] : grp;
    bool parent = p->role == ROLE_PARENT;
    struct name_list firsts = p->sex == 'F' ? (parent ? fg->female_parent : fg->female)
                                            : (parent ? fg->male_parent : fg->male);
    COPY(p->last, rng_item(&g->rng, grp->last));
    COPY(p->first, rng_item(&g->rng, firsts));
    set_key(p);
}

static day_t draw_birth(struct gen *g, enum role role, day_t joined)
{
    /* Youth are 16–25 when they first come, parents 35–55. */
    if (role == ROLE_YOUTH)
        return joined - rng_range(&g->rng, 16 * 365 + 4, 26 * 365 + 5);
    return joined - rng_range(&g->rng, 35 * 365 + 9, 56 * 365 + 12);
}

static enum id_policy draw_policy(struct gen *g, enum role role)
{
    /* Parents are registered less often than the young people the programme follows. */
    static const int youth[3] = {620, 200, 180}, parent[3] = {450, 150, 400};
    return (enum id_policy)rng_weighted(&g->rng, role == ROLE_YOUTH ? youth : parent, 3);
}

static int new_person(struct gen *g, int site, enum role role, day_t joined)
{
    struct person p = {0};
    p.site = site;
    p.role = role;
    p.joined = joined;
    p.first_present = DAY_NONE;
    p.sex = rng_permille(&g->rng, role == ROLE_YOUTH ? 490 : 780) ? 'F' : 'M';
    p.policy = draw_policy(g, role);
    for (int tries = 0;; tries++) {
        if (tries == 1000)
            die("cannot invent a distinct identity");
        draw_names(g, &p);
        p.birth = draw_birth(g, role, joined);
        if (!identity_clashes(g, &p))
            break;
    }
    return add_person(g, &p);
}

static int planted_person(struct gen *g, const char *last, const char *first, int y, int m, int d)
{
    struct person p = {0};
    COPY(p.last, last);
    COPY(p.first, first);
    set_key(&p);
    p.birth = days_from_civil(y, m, d);
    p.first_present = DAY_NONE;
    p.role = ROLE_YOUTH;
    p.site = -1; /* not in any pool: only its planted rows show it */
    p.planted = true;
    return add_person(g, &p);
}

/* ---------------------------------------------------------------- sessions */

static const char *draw_qpv_label(struct gen *g, enum qpv q)
{
    static const char *const yes[3] = {"Oui", "oui", "O"};
    static const int weights[3] = {75, 15, 10};
    if (q == QPV_NO)
        return "Non";
    if (q == QPV_UNKNOWN)
        return "";
    return yes[rng_weighted(&g->rng, weights, 3)];
}

static enum qpv draw_qpv(struct gen *g, int site, enum activity a)
{
    if (rng_permille(&g->rng, 30))
        return QPV_UNKNOWN;
    /* Company visits happen at the company, usually outside the neighbourhood. */
    int out = a == ACT_VISIT ? 550 : SITES[site].out_of_qpv_permille;
    return rng_permille(&g->rng, out) ? QPV_NO : QPV_YES;
}

static struct session *add_session(struct gen *g, int site, day_t day, enum activity a)
{
    static const int sex_styles[3] = {70, 20, 10}, status_styles[3] = {45, 20, 35};
    g->sessions = grow(g->sessions, &g->cap_sessions, g->nsessions + 1, sizeof *g->sessions);
    struct session *s = &g->sessions[g->nsessions++];
    memset(s, 0, sizeof *s);
    s->day = day;
    s->site = site;
    s->activity = a;
    s->activity_text = ACTIVITY_TEXT[a];
    s->qpv = draw_qpv(g, site, a);
    s->qpv_label = draw_qpv_label(g, s->qpv);
    s->sex_style = (int)rng_weighted(&g->rng, sex_styles, 3);
    s->status_style = (int)rng_weighted(&g->rng, status_styles, 3);
    s->lower_youth = rng_permille(&g->rng, 150);
    return s;
}

/* No sessions in August nor over Christmas, as in a school-linked programme. */
static bool holiday_week(day_t monday)
{
    int y, m, d;
    civil_from_days(monday, &y, &m, &d);
    return m == 8 || (m == 12 && d >= 21);
}

static void plan_week(struct gen *g, int site, day_t monday)
{
    static const int day_weights[6] = {20, 20, 22, 20, 13, 5};
    int rate = SITES[site].weekly_permille[year_index(monday)];
    int n = rate / 1000 + rng_permille(&g->rng, rate % 1000);
    int first_day = -1;
    for (int i = 0; i < n; i++) {
        int wd;
        do
            wd = (int)rng_weighted(&g->rng, day_weights, 6);
        while (wd == first_day);
        first_day = wd;
        add_session(g, site, monday + wd,
                    (enum activity)rng_weighted(&g->rng, ACTIVITY_WEIGHT, N_ACTIVITIES));
    }
}

static void plan_sessions(struct gen *g)
{
    for (int site = 0; site < N_SITES; site++) {
        const struct site_def *sd = &SITES[site];
        day_t start = days_from_civil(sd->start_y, sd->start_m, sd->start_d);
        for (day_t monday = days_from_civil(FIRST_YEAR, 1, 2); monday + 5 <= window_last();
             monday += 7)
            if (monday >= start && !holiday_week(monday))
                plan_week(g, site, monday);
    }
}

static bool site_busy(const struct gen *g, int site, day_t day)
{
    for (size_t i = 0; i < g->nsessions; i++)
        if (g->sessions[i].site == site && g->sessions[i].day == day)
            return true;
    return false;
}

/* Two hand-made sessions: a launch workshop held before the programme window, and a company
 * visit whose activity cell holds a line break and quotes (typed with Alt+Enter in Excel). */
static void plan_special_sessions(struct gen *g)
{
    struct session *s = add_session(g, SITE_BELLEVUE, days_from_civil(2016, 12, 14), ACT_CV);
    s->special = SPECIAL_BEFORE_WINDOW;
    s->qpv = QPV_YES;
    s->qpv_label = "Oui";
    day_t day = days_from_civil(2019, 5, 15);
    while (site_busy(g, SITE_LAURIERS, day))
        day++;
    s = add_session(g, SITE_LAURIERS, day, ACT_VISIT);
    s->special = SPECIAL_MULTILINE;
    s->activity_text = "Visite d'entreprise\n(journée \"portes ouvertes\" du port)";
    s->qpv = QPV_NO;
    s->qpv_label = "Non";
}

static int cmp_session(const void *a, const void *b)
{
    const struct session *x = a, *y = b;
    if (x->day != y->day)
        return x->day < y->day ? -1 : 1;
    return x->site - y->site;
}

/* ---------------------------------------------------------------- attendance rows */

static enum presence draw_presence(struct gen *g)
{
    static const int weights[3] = {870, 90, 40};
    return (enum presence)rng_weighted(&g->rng, weights, 3);
}

static struct arow *add_row(struct gen *g, int session, int person, enum presence pr)
{
    g->rows = grow(g->rows, &g->cap_rows, g->nrows + 1, sizeof *g->rows);
    struct arow *r = &g->rows[g->nrows++];
    memset(r, 0, sizeof *r);
    r->session = session;
    r->person = person;
    r->presence = pr;
    r->seq = g->seq++;
    r->copies = 1;
    return r;
}

static bool contains(const int *v, int n, int x)
{
    for (int i = 0; i < n; i++)
        if (v[i] == x)
            return true;
    return false;
}

static int other_marseille_site(int site)
{
    return site == SITE_BELLEVUE ? SITE_LAURIERS : SITE_BELLEVUE;
}

/* A returning person for this seat, or -1 when the seat goes to a newcomer. */
static int pick_returning(struct gen *g, const struct session *s, enum role role, const int *taken,
                          int ntaken)
{
    if (rng_permille(&g->rng, NEW_PERMILLE[year_index(s->day)]))
        return -1;
    int site = s->site;
    /* A few people go to the other Marseille site too: site figures need not add up. */
    if (site != SITE_TARASCON && rng_permille(&g->rng, 30))
        site = other_marseille_site(site);
    const struct pool *pl = &g->pools[site][role];
    if (pl->n == 0)
        return -1;
    uint32_t window = pl->n < RECENT_WINDOW ? (uint32_t)pl->n : RECENT_WINDOW;
    for (int tries = 0; tries < 8; tries++) {
        int p = pl->idx[pl->n - 1 - rng_below(&g->rng, window)];
        if (!contains(taken, ntaken, p))
            return p;
    }
    return -1;
}

static enum role seat_role(struct gen *g, enum activity a)
{
    return rng_permille(&g->rng, a == ACT_PARENTS ? 800 : 30) ? ROLE_PARENT : ROLE_YOUTH;
}

static void fill_session(struct gen *g, int si)
{
    const struct session *s = &g->sessions[si];
    const struct site_def *sd = &SITES[s->site];
    int n = rng_range(&g->rng, sd->min_seats, sd->max_seats);
    int taken[MAX_SEATS], ntaken = 0;
    for (int seat = 0; seat < n; seat++) {
        enum role role = seat_role(g, s->activity);
        int p = pick_returning(g, s, role, taken, ntaken);
        if (p < 0)
            p = new_person(g, s->site, role, s->day);
        taken[ntaken++] = p;
        add_row(g, si, p, draw_presence(g));
    }
}

/* Youth who joined a site's pool before `day`, from the most recent ones back. */
static int pick_earlier_youth(struct gen *g, int site, day_t day, bool always_id, int skip)
{
    const struct pool *pl = &g->pools[site][ROLE_YOUTH];
    size_t end = pl->n;
    while (end > 0 && g->people[pl->idx[end - 1]].joined >= day)
        end--;
    for (int tries = 0; tries < 10000 && end > 0; tries++) {
        size_t span = end < RECENT_WINDOW ? end : RECENT_WINDOW;
        int p = pl->idx[end - 1 - rng_below(&g->rng, (uint32_t)span)];
        if (p != skip && (!always_id || g->people[p].policy == ID_ALWAYS))
            return p;
    }
    die("no earlier participant at %s", SITES[site].name);
}

static void fill_before_window(struct gen *g, int si)
{
    /* Five people who came again once the programme opened: their 2016 rows are rejects. */
    const struct pool *pl = &g->pools[SITE_BELLEVUE][ROLE_YOUTH];
    int taken[5], n = 0;
    for (size_t i = 0; i < pl->n && n < 5; i++) {
        int p = pl->idx[i];
        if (g->people[p].policy == ID_ALWAYS && rng_permille(&g->rng, 500))
            taken[n++] = p;
    }
    for (int i = 0; i < n; i++) {
        struct arow *r = add_row(g, si, taken[i], PRESENT);
        note(r->note, "session dated 14/12/2016, before the window (reject)");
    }
}

static void fill_multiline(struct gen *g, int si)
{
    day_t day = g->sessions[si].day;
    int a = pick_earlier_youth(g, SITE_LAURIERS, day, false, -1);
    int b = pick_earlier_youth(g, SITE_LAURIERS, day, false, a);
    int who[2] = {a, b};
    for (int i = 0; i < 2; i++) {
        struct arow *r = add_row(g, si, who[i], PRESENT);
        note(r->note, "activity cell with a line break and doubled quotes: record spans 2 lines");
    }
}

static void fill_sessions(struct gen *g)
{
    for (size_t i = 0; i < g->nsessions; i++)
        if (g->sessions[i].special == SPECIAL_NONE)
            fill_session(g, (int)i);
    for (size_t i = 0; i < g->nsessions; i++) {
        if (g->sessions[i].special == SPECIAL_BEFORE_WINDOW)
            fill_before_window(g, (int)i);
        else if (g->sessions[i].special == SPECIAL_MULTILINE)
            fill_multiline(g, (int)i);
    }
}

/* A youth session at `site` between two dates that `person` does not attend yet. */
static int pick_youth_session(struct gen *g, int site, day_t from, day_t to, const int *used,
                              int nused)
{
    for (int tries = 0; tries < 100000; tries++) {
        int si = (int)rng_below(&g->rng, (uint32_t)g->nsessions);
        const struct session *s = &g->sessions[si];
        if (s->site == site && s->day >= from && s->day <= to && s->activity != ACT_PARENTS &&
            s->special == SPECIAL_NONE && !contains(used, nused, si))
            return si;
    }
    die("no session fits a planted person");
}

static void attend_planted(struct gen *g, int person, int site, day_t from, day_t to, int n,
                           const char *why)
{
    int used[8];
    for (int i = 0; i < n; i++) {
        used[i] = pick_youth_session(g, site, from, to, used, i);
        struct arow *r = add_row(g, used[i], person, PRESENT);
        if (why)
            note(r->note, "%s", why);
    }
}

/* Hand-made people: one written four ways with no id, and a probable duplicate pair. */
static void plant_people(struct gen *g, int *eleonore, int *mohamed, int *mohammed)
{
    *eleonore = planted_person(g, "Le Goff", "Éléonore", 2000, 3, 17);
    g->people[*eleonore].sex = 'F';
    g->people[*eleonore].policy = ID_NEVER;
    *mohamed = planted_person(g, "Benali", "Mohamed", 1999, 11, 2);
    *mohammed = planted_person(g, "Benali", "Mohammed", 1999, 11, 2);
    for (int i = 0; i < 2; i++) {
        struct person *p = &g->people[i == 0 ? *mohamed : *mohammed];
        p->sex = 'M';
        p->policy = ID_ALWAYS;
    }
}

static void attend_planted_people(struct gen *g, int eleonore, int mohamed, int mohammed)
{
    attend_planted(g, eleonore, SITE_BELLEVUE, days_from_civil(2018, 1, 8),
                   days_from_civil(2018, 12, 15), 4, NULL);
    attend_planted(g, mohamed, SITE_LAURIERS, days_from_civil(2017, 3, 1),
                   days_from_civil(2018, 6, 30), 3,
                   "BENALI MOHAMED: probable duplicate of MOHAMMED");
    attend_planted(g, mohammed, SITE_LAURIERS, days_from_civil(2019, 1, 7),
                   days_from_civil(2019, 11, 30), 2,
                   "BENALI MOHAMMED: probable duplicate of MOHAMED");
}

/* Called once rows are in file order, so the plain spelling comes first. */
static void vary_planted(struct gen *g, int person)
{
    static const enum name_variant ways[4] = {V_PLAIN, V_UPPER_ASCII, V_SPACES, V_LOWER};
    int k = 0;
    for (size_t i = 0; i < g->nrows; i++)
        if (g->rows[i].person == person)
            g->rows[i].variant = ways[k++ % 4];
}

static int cmp_row(const void *a, const void *b)
{
    const struct arow *x = a, *y = b;
    if (x->session != y->session)
        return x->session < y->session ? -1 : 1;
    return x->seq < y->seq ? -1 : x->seq > y->seq;
}

/* Ids are handed out in order of first appearance, as a registration desk would. */
static void number_rows(struct gen *g)
{
    for (size_t i = 0; i < g->nrows; i++) {
        struct arow *r = &g->rows[i];
        struct person *p = &g->people[r->person];
        r->nth = p->nrows++;
        if (p->policy != ID_NEVER && p->id == 0)
            p->id = ++g->last_id;
    }
}

/* ---------------------------------------------------------------- rendering rows */

static const char *sex_label(struct gen *g, const struct session *s, const struct person *p)
{
    static const char *const styles[3][2] = {
        {"F", "M"}, {"Femme", "Homme"}, {"féminin", "masculin"}};
    if (rng_permille(&g->rng, 30))
        return "";
    return styles[s->sex_style][p->sex == 'F' ? 0 : 1];
}

static const char *role_label(struct gen *g, const struct session *s, const struct person *p)
{
    if (rng_permille(&g->rng, 10))
        return "";
    if (p->role == ROLE_PARENT)
        return "Parent";
    return s->lower_youth ? "jeune" : "Jeune";
}

static const char *presence_label(const struct session *s, enum presence pr)
{
    static const char *const styles[3][3] = {
        {"Présent", "Absent", "Excusé"}, {"P", "A", "Excusé"}, {"", "Absent", "Excusé"}};
    return styles[s->status_style][pr];
}

/* Same spelling with extra spaces: doubled inner space, or a stray space at one end. */
static void spaced(const char *in, char *out, size_t cap, bool leading)
{
    const char *sp = strchr(in, ' ');
    int n;
    if (sp)
        n = snprintf(out, cap, "%.*s %s", (int)(sp - in), in, sp);
    else
        n = snprintf(out, cap, leading ? " %s" : "%s  ", in);
    if (n < 0 || (size_t)n >= cap)
        die("name too long: %s", in);
}

static void render_names(struct arow *r, const struct person *p)
{
    char *last = r->f[A_LAST], *first = r->f[A_FIRST];
    switch (r->variant) {
    case V_UPPER_ASCII:
        upper_ascii(p->last, last, FIELD_CAP);
        upper_ascii(p->first, first, FIELD_CAP);
        break;
    case V_SPACES:
        spaced(p->last, last, FIELD_CAP, false);
        spaced(p->first, first, FIELD_CAP, true);
        break;
    case V_LOWER:
        map_utf8(p->last, cp_lower, last, FIELD_CAP);
        map_utf8(p->first, cp_lower, first, FIELD_CAP);
        break;
    case V_UPPER:
        map_utf8(p->last, cp_upper, last, FIELD_CAP);
        map_utf8(p->first, cp_upper, first, FIELD_CAP);
        break;
    default:
        COPY(r->f[A_LAST], p->last);
        COPY(r->f[A_FIRST], p->first);
    }
}

static bool row_shows_id(struct gen *g, const struct arow *r, const struct person *p)
{
    if (p->policy == ID_ALWAYS)
        return true;
    /* A clerk who spells the name differently did not copy the id either: the name fold,
     * not the id, must link those rows. */
    if (p->policy == ID_NEVER || r->variant != V_PLAIN)
        return false;
    /* The first row carries the id so that the later name-only rows can link to it. */
    return p->rendered == 0 || rng_permille(&g->rng, 500);
}

static void render_row(struct gen *g, struct arow *r)
{
    const struct session *s = &g->sessions[r->session];
    struct person *p = &g->people[r->person];
    fmt_dmy(r->f[A_DATE], FIELD_CAP, s->day);
    COPY(r->f[A_SITE], SITES[s->site].name);
    COPY(r->f[A_ACT], s->activity_text);
    COPY(r->f[A_QPV], s->qpv_label);
    if (row_shows_id(g, r, p))
        snprintf(r->f[A_ID], FIELD_CAP, "P%05d", p->id);
    render_names(r, p);
    fmt_dmy(r->f[A_BIRTH], FIELD_CAP, p->birth);
    COPY(r->f[A_SEX], sex_label(g, s, p));
    COPY(r->f[A_ROLE], role_label(g, s, p));
    COPY(r->f[A_STATUS], presence_label(s, r->presence));
    p->rendered++;
}

/* A few people without a steady id get their name typed differently on later rows. */
static void vary_names(struct gen *g, int npeople)
{
    int done = 0;
    for (int tries = 0; done < npeople && tries < 100000; tries++) {
        int pi = (int)rng_below(&g->rng, (uint32_t)g->npeople);
        struct person *p = &g->people[pi];
        if (p->policy == ID_ALWAYS || p->planted || p->nrows < 3)
            continue;
        p->planted = true; /* its rows now belong to this mess */
        bool any = false;
        for (size_t i = 0; i < g->nrows; i++) {
            struct arow *r = &g->rows[i];
            if (r->person != pi || r->nth == 0)
                continue;
            if (rng_permille(&g->rng, 600) || (!any && r->nth == p->nrows - 1)) {
                r->variant = (enum name_variant)rng_range(&g->rng, 1, N_VARIANTS - 1);
                any = true;
            }
        }
        done++;
    }
}

/* ---------------------------------------------------------------- attendance messes */

typedef bool (*row_pred)(const struct gen *, const struct arow *);

static struct arow *pick_row(struct gen *g, row_pred ok)
{
    for (int tries = 0; tries < 1000000; tries++) {
        struct arow *r = &g->rows[rng_below(&g->rng, (uint32_t)g->nrows)];
        if (r->marked || g->people[r->person].planted ||
            g->sessions[r->session].special != SPECIAL_NONE || (ok && !ok(g, r)))
            continue;
        r->marked = true;
        return r;
    }
    die("no row fits a planned mess");
}

/* Later rows of people who always show their id: blanking or breaking one of them leaves the
 * person's id-to-name link intact on the other rows. */
static bool later_row_with_id(const struct gen *g, const struct arow *r)
{
    return g->people[r->person].policy == ID_ALWAYS && r->nth >= 1;
}

static bool in_april_2018(const struct gen *g, const struct arow *r)
{
    day_t d = g->sessions[r->session].day;
    return d >= days_from_civil(2018, 4, 1) && d <= days_from_civil(2018, 4, 30) &&
           later_row_with_id(g, r);
}

static bool two_ids_candidate(const struct gen *g, const struct arow *r)
{
    return later_row_with_id(g, r) && g->people[r->person].nrows >= 3 && r->presence == PRESENT;
}

static void mess_duplicates(struct gen *g, int n)
{
    for (int i = 0; i < n; i++) {
        struct arow *r = pick_row(g, NULL);
        r->copies = 2;
        note(r->note, "exact duplicate: same row twice (same person, same session)");
    }
}

static void mess_dates(struct gen *g, int with_time, int short_year)
{
    static const char *const times[5] = {"09:30", "10:00", "14:00", "14:30", "17:30"};
    for (int i = 0; i < with_time; i++) {
        struct arow *r = pick_row(g, NULL);
        size_t len = strlen(r->f[A_DATE]);
        snprintf(r->f[A_DATE] + len, FIELD_CAP - len, " %s", times[rng_below(&g->rng, 5)]);
        note(r->note, "session date with a time: %s", r->f[A_DATE]);
    }
    for (int i = 0; i < short_year; i++) {
        struct arow *r = pick_row(g, NULL);
        memmove(r->f[A_DATE] + 6, r->f[A_DATE] + 8, 3); /* DD/MM/YYYY → DD/MM/YY */
        note(r->note, "two-digit year: %s", r->f[A_DATE]);
    }
}

static void mess_impossible_date(struct gen *g)
{
    struct arow *r = pick_row(g, in_april_2018);
    note(r->note, "impossible date 31/04/2018, was %s (reject)", r->f[A_DATE]);
    COPY(r->f[A_DATE], "31/04/2018");
    r->rejected = true;
}

static void mess_no_identity(struct gen *g, int n)
{
    for (int i = 0; i < n; i++) {
        struct arow *r = pick_row(g, later_row_with_id);
        r->f[A_ID][0] = r->f[A_LAST][0] = r->f[A_FIRST][0] = '\0';
        if (i > 0)
            r->f[A_BIRTH][0] = '\0';
        note(r->note, "no id and no name%s (reject)", i > 0 ? ", no birth date either" : "");
        r->rejected = true;
    }
}

static void mess_unknown_sex(struct gen *g, int n)
{
    for (int i = 0; i < n; i++) {
        struct arow *r = pick_row(g, NULL);
        COPY(r->f[A_SEX], "X");
        note(r->note, "unknown sex label \"X\"");
    }
}

static void mess_trailing(struct gen *g, int n)
{
    for (int i = 0; i < n; i++) {
        struct arow *r = pick_row(g, NULL);
        r->trailing = true;
        note(r->note, "trailing empty column (extra ';' at the end)");
    }
}

/* The same name and birth date under two ids: a mistyped id on one row. */
static void mess_two_ids(struct gen *g)
{
    struct arow *r = pick_row(g, two_ids_candidate);
    struct person *p = &g->people[r->person];
    g->alt_id = ++g->last_id;
    p->two_ids = true;
    r->alt_key = true;
    snprintf(r->f[A_ID], FIELD_CAP, "P%05d", g->alt_id);
    note(r->note, "%s %s born %s shows id P%05d here, P%05d on its other rows", p->last, p->first,
         r->f[A_BIRTH], g->alt_id, p->id);
}

static void mess_attendance(struct gen *g)
{
    mess_duplicates(g, 5);
    mess_dates(g, 8, 6);
    mess_impossible_date(g);
    mess_no_identity(g, 2);
    mess_unknown_sex(g, 2);
    mess_trailing(g, 5);
    mess_two_ids(g);
}

/* ---------------------------------------------------------------- outcomes */

static struct obs *add_obs(struct gen *g, int person, day_t day, enum situation s)
{
    g->obs = grow(g->obs, &g->cap_obs, g->nobs + 1, sizeof *g->obs);
    struct obs *o = &g->obs[g->nobs++];
    memset(o, 0, sizeof *o);
    o->person = person;
    o->day = day;
    o->situation = s;
    o->seq = g->seq++;
    return o;
}

static enum situation draw_situation(struct gen *g, day_t day, int index)
{
    static const int employed[5] = {20, 35, 20, 20, 5}; /* CDI CDD intérim alternance création */
    static const int other[4] = {30, 12, 45, 13};       /* formation études demandeur inactif */
    /* Employment rises over the years, and with time spent since joining. */
    int p = 410 + 45 * year_index(day) + 20 * index;
    if (rng_permille(&g->rng, p))
        return (enum situation)rng_weighted(&g->rng, employed, 5);
    return (enum situation)(S_FORMATION + (int)rng_weighted(&g->rng, other, 4));
}

static void first_presences(struct gen *g)
{
    for (size_t i = 0; i < g->nrows; i++) {
        const struct arow *r = &g->rows[i];
        struct person *p = &g->people[r->person];
        day_t d = g->sessions[r->session].day;
        if (r->rejected || r->alt_key || r->presence != PRESENT)
            continue;
        if (p->first_present == DAY_NONE || d < p->first_present)
            p->first_present = d;
    }
}

static void follow_person(struct gen *g, int pi)
{
    static const int counts[3] = {50, 35, 15};
    int n = 1 + (int)rng_weighted(&g->rng, counts, 3);
    day_t d = g->people[pi].first_present;
    for (int i = 0; i < n; i++) {
        d += i == 0 ? rng_range(&g->rng, 30, 270) : rng_range(&g->rng, 60, 300);
        if (d > window_last())
            return;
        add_obs(g, pi, d, draw_situation(g, d, i));
    }
}

static void plan_outcomes(struct gen *g)
{
    for (size_t i = 0; i < g->npeople; i++) {
        const struct person *p = &g->people[i];
        if (p->role != ROLE_YOUTH || p->first_present == DAY_NONE || p->two_ids)
            continue;
        /* Advisers reach about two in three; late joiners get no row before the window ends. */
        if (rng_permille(&g->rng, 660))
            follow_person(g, (int)i);
    }
}

typedef bool (*obs_pred)(const struct gen *, const struct obs *);

static struct obs *pick_obs(struct gen *g, obs_pred ok)
{
    for (int tries = 0; tries < 1000000; tries++) {
        struct obs *o = &g->obs[rng_below(&g->rng, (uint32_t)g->nobs)];
        if (!o->marked && (!ok || ok(g, o))) {
            o->marked = true;
            return o;
        }
    }
    die("no observation fits a planned mess");
}

static bool joined_late(const struct gen *g, const struct obs *o)
{
    return g->people[o->person].first_present >= days_from_civil(2017, 9, 1);
}

/* The person's last observation: nothing later can override a tie planted on it. */
static bool last_of_person(const struct gen *g, const struct obs *o)
{
    for (size_t i = 0; i < g->nobs; i++)
        if (g->obs[i].person == o->person && g->obs[i].day > o->day)
            return false;
    return true;
}

static void mess_before_first(struct gen *g, int n)
{
    for (int i = 0; i < n; i++) {
        const struct obs *src = pick_obs(g, joined_late);
        int pi = src->person;
        day_t first = g->people[pi].first_present;
        day_t d = first - rng_range(&g->rng, 20, 150);
        struct obs *o = add_obs(g, pi, d, S_DEMANDEUR);
        o->marked = true;
        char when[16];
        fmt_iso(when, sizeof when, first);
        note(o->note, "observed before the person's first attendance (%s): must be ignored", when);
    }
}

static void mess_same_day(struct gen *g)
{
    struct obs *src = pick_obs(g, last_of_person);
    src->situation = S_DEMANDEUR;
    note(src->note, "same person and date as a later row: this earlier row loses");
    struct obs *o = add_obs(g, src->person, src->day, S_CDD);
    o->marked = true;
    note(o->note, "same person and date as an earlier row: this later row (CDD) wins");
}

static bool last_with_id(const struct gen *g, const struct obs *o)
{
    return g->people[o->person].id != 0 && last_of_person(g, o);
}

static void mess_outside_window(struct gen *g)
{
    const struct obs *src = pick_obs(g, last_with_id);
    struct obs *o = add_obs(g, src->person, days_from_civil(2020, 2, 3), S_CDI);
    o->marked = true;
    o->force_id = true;
    note(o->note, "observation dated 2020-02-03, after the window (reject)");
}

static void mess_unmapped(struct gen *g, int n)
{
    for (int i = 0; i < n; i++) {
        struct obs *o = pick_obs(g, NULL);
        o->situation = S_SERVICE_CIVIQUE;
        note(o->note, "situation label \"Service civique\" (built-in: training)");
    }
}

static void mess_excel(struct gen *g, int n)
{
    for (int i = 0; i < n; i++) {
        struct obs *o = pick_obs(g, NULL);
        o->style = D_EXCEL;
        note(o->note, "Excel serial date %d", o->day + EXCEL_EPOCH);
    }
}

/* Two follow-up rows for people the attendance export never shows. */
static void mess_strangers(struct gen *g)
{
    day_t d = days_from_civil(2018, 10, 1);
    int a = new_person(g, SITE_TARASCON, ROLE_YOUTH, d - 200);
    int b = new_person(g, SITE_LAURIERS, ROLE_YOUTH, d - 300);
    g->people[a].site = g->people[b].site = -1;
    g->people[a].policy = ID_ALWAYS;
    g->people[a].id = ++g->last_id;
    g->people[b].policy = ID_NEVER;
    struct obs *o = add_obs(g, a, d, S_FORMATION);
    o->marked = o->force_id = true;
    note(o->note, "id never seen in attendance");
    o = add_obs(g, b, d + 45, S_INTERIM);
    o->marked = o->no_id = true;
    note(o->note, "name and birth date never seen in attendance");
}

static void mess_outcomes(struct gen *g)
{
    mess_before_first(g, 4);
    mess_same_day(g);
    mess_outside_window(g);
    mess_unmapped(g, 4);
    mess_excel(g, 6);
    mess_strangers(g);
}

static int cmp_obs(const void *a, const void *b)
{
    const struct obs *x = a, *y = b;
    if (x->day != y->day)
        return x->day < y->day ? -1 : 1;
    return x->seq < y->seq ? -1 : x->seq > y->seq;
}

static const char *situation_label(struct gen *g, enum situation s)
{
    /* Follow-up is typed by several advisers: the same situation gets several spellings. */
    if (s == S_CDD && rng_permille(&g->rng, 150))
        return "cdd";
    if (s == S_INTERIM && rng_permille(&g->rng, 300))
        return "INTERIM";
    if (s == S_ALTERNANCE && rng_permille(&g->rng, 350))
        return "Contrat d’apprentissage";
    return SITUATION_TEXT[s];
}

static void render_obs_date(struct gen *g, struct obs *o)
{
    if (o->style == D_EXCEL)
        snprintf(o->f[O_DATE], FIELD_CAP, "%d", o->day + EXCEL_EPOCH);
    else if (!o->marked && rng_permille(&g->rng, 100))
        fmt_dmy(o->f[O_DATE], FIELD_CAP, o->day);
    else
        fmt_iso(o->f[O_DATE], FIELD_CAP, o->day);
}

static void render_obs(struct gen *g, struct obs *o)
{
    const struct person *p = &g->people[o->person];
    bool with_id = o->force_id ||
                   (!o->no_id && p->id != 0 && p->policy != ID_NEVER && rng_permille(&g->rng, 750));
    if (with_id)
        snprintf(o->f[O_ID], FIELD_CAP, "P%05d", p->id);
    /* The follow-up tool writes surnames in capitals, accents kept. */
    map_utf8(p->last, cp_upper, o->f[O_LAST], FIELD_CAP);
    COPY(o->f[O_FIRST], p->first);
    fmt_iso(o->f[O_BIRTH], FIELD_CAP, p->birth);
    render_obs_date(g, o);
    COPY(o->f[O_SITUATION], situation_label(g, o->situation));
}

/* ---------------------------------------------------------------- writing files */

static void out_open(struct out *o, const char *dir, const char *name)
{
    int n = snprintf(o->path, sizeof o->path, "%s/%s", dir, name);
    if (n < 0 || (size_t)n >= sizeof o->path)
        die("output path too long: %s/%s", dir, name);
    o->f = fopen(o->path, "wb");
    if (!o->f)
        die("cannot create %s: %s", o->path, strerror(errno));
    o->line = 1;
}

static void out_bytes(struct out *o, const void *p, size_t n)
{
    if (n > 0 && fwrite(p, 1, n, o->f) != n)
        die("cannot write %s: %s", o->path, strerror(errno));
}

static void out_text(struct out *o, const char *s)
{
    out_bytes(o, s, strlen(s));
}

static void out_close(struct out *o)
{
    if (fflush(o->f) != 0 || ferror(o->f))
        die("cannot write %s: %s", o->path, strerror(errno));
    if (fclose(o->f) != 0)
        die("cannot close %s: %s", o->path, strerror(errno));
    o->f = NULL;
}

/* One attendance cell: UTF-8 converted to Windows-1252, quoted when Excel would quote it. */
static void put_cp1252_field(struct out *o, const char *utf8)
{
    char buf[FIELD_CAP * 2 + 2];
    size_t n = 0;
    bool quote = strpbrk(utf8, ";\"\r\n") != NULL;
    if (quote)
        buf[n++] = '"';
    for (const char *p = utf8; *p;) {
        uint32_t cp = utf8_next(&p);
        int b = cp1252_byte(cp);
        if (b < 0)
            die("U+%04X has no Windows-1252 byte", (unsigned)cp);
        if (b == '"')
            buf[n++] = '"';
        if (b == '\n')
            o->line++;
        buf[n++] = (char)b;
    }
    if (quote)
        buf[n++] = '"';
    out_bytes(o, buf, n);
}

static void put_cp1252_record(struct out *o, const char *const *fields, int n, bool trailing)
{
    for (int i = 0; i < n; i++) {
        if (i > 0)
            out_text(o, ";");
        put_cp1252_field(o, fields[i]);
    }
    out_text(o, trailing ? ";\r\n" : "\r\n");
    o->line++;
}

static void write_attendance(struct gen *g)
{
    static const char *const header[N_AFIELDS] = {
        "Date de la séance", "Quartier", "Activité", "QPV",     "Identifiant", "Nom", "Prénom",
        "Date de naissance", "Sexe",     "Rôle",     "Présence"};
    struct out o;
    out_open(&o, g->dir, "attendance.csv");
    put_cp1252_record(&o, header, N_AFIELDS, false);
    for (size_t i = 0; i < g->nrows; i++) {
        struct arow *r = &g->rows[i];
        const char *fields[N_AFIELDS];
        for (int k = 0; k < N_AFIELDS; k++)
            fields[k] = r->f[k];
        r->line = o.line;
        for (int c = 0; c < r->copies; c++)
            put_cp1252_record(&o, fields, N_AFIELDS, r->trailing);
    }
    g->attendance_lines = o.line - 1;
    out_close(&o);
}

static void put_utf8_field(struct out *o, const char *s)
{
    bool quote = strpbrk(s, ",\"\r\n") != NULL;
    if (!quote) {
        out_text(o, s);
        return;
    }
    out_text(o, "\"");
    for (; *s; s++) {
        if (*s == '"')
            out_text(o, "\"");
        out_bytes(o, s, 1);
    }
    out_text(o, "\"");
}

static void put_utf8_record(struct out *o, const char *const *fields, int n)
{
    for (int i = 0; i < n; i++) {
        if (i > 0)
            out_text(o, ",");
        put_utf8_field(o, fields[i]);
    }
    out_text(o, "\n");
    o->line++;
}

static void write_outcomes(struct gen *g)
{
    static const char *const header[N_OFIELDS] = {
        "Identifiant", "Nom", "Prénom", "Date de naissance", "Date d'observation", "Situation"};
    struct out o;
    out_open(&o, g->dir, "outcomes.csv");
    out_text(&o, "\xEF\xBB\xBF"); /* the BOM the follow-up tool writes */
    put_utf8_record(&o, header, N_OFIELDS);
    for (size_t i = 0; i < g->nobs; i++) {
        struct obs *ob = &g->obs[i];
        const char *fields[N_OFIELDS];
        for (int k = 0; k < N_OFIELDS; k++)
            fields[k] = ob->f[k];
        ob->line = o.line;
        put_utf8_record(&o, fields, N_OFIELDS);
    }
    out_close(&o);
}

/* ---------------------------------------------------------------- report on stdout */

static const char *id_text(const char *id)
{
    return id[0] ? id : "(no id)";
}

static void report_attendance_messes(const struct gen *g)
{
    puts("\n== attendance.csv: deliberate messes (line = physical line, header is line 1)");
    for (size_t i = 0; i < g->nrows; i++) {
        const struct arow *r = &g->rows[i];
        if (!r->note[0])
            continue;
        if (r->copies > 1)
            printf("  lines %d-%d  %s  [%s %s %s]\n", r->line, r->line + r->copies - 1, r->note,
                   id_text(r->f[A_ID]), r->f[A_LAST], r->f[A_FIRST]);
        else
            printf("  line %-6d  %s  [%s %s %s]\n", r->line, r->note, id_text(r->f[A_ID]),
                   r->f[A_LAST], r->f[A_FIRST]);
    }
}

static bool person_varies(const struct gen *g, int pi)
{
    for (size_t i = 0; i < g->nrows; i++)
        if (g->rows[i].person == pi && g->rows[i].variant != V_PLAIN)
            return true;
    return false;
}

static void report_variants(const struct gen *g)
{
    static const char *const policy[3] = {"id on every row", "id on some rows", "never an id"};
    puts("\n== attendance.csv: people whose name is written several ways (same fold key)");
    for (size_t pi = 0; pi < g->npeople; pi++) {
        if (!person_varies(g, (int)pi))
            continue;
        const struct person *p = &g->people[pi];
        char born[16];
        fmt_dmy(born, sizeof born, p->birth);
        printf("  %s %s, born %s, %s:\n", p->last, p->first, born, policy[p->policy]);
        for (size_t i = 0; i < g->nrows; i++) {
            const struct arow *r = &g->rows[i];
            if (r->person == (int)pi)
                printf("    line %-6d [%s] [%s] %s\n", r->line, r->f[A_LAST], r->f[A_FIRST],
                       id_text(r->f[A_ID]));
        }
    }
}

static void report_outcome_messes(const struct gen *g)
{
    int variants = 0, dmy = 0;
    puts("\n== outcomes.csv: deliberate messes (header is line 1)");
    for (size_t i = 0; i < g->nobs; i++) {
        const struct obs *o = &g->obs[i];
        if (o->note[0])
            printf("  line %-6d  %s  [%s %s %s %s %s]\n", o->line, o->note, id_text(o->f[O_ID]),
                   o->f[O_LAST], o->f[O_FIRST], o->f[O_DATE], o->f[O_SITUATION]);
        variants += strcmp(o->f[O_SITUATION], SITUATION_TEXT[o->situation]) != 0;
        dmy += strchr(o->f[O_DATE], '/') != NULL;
    }
    printf("  also: %d situation labels spelt as variants (cdd, INTERIM, Contrat d’apprentissage),"
           " %d dates written DD/MM/YYYY\n",
           variants, dmy);
}

struct key_facts {
    day_t first;
    unsigned years;          /* bit y: present in year y */
    unsigned sites;          /* bit y * N_SITES + s: present at site s in year y */
    day_t best_day[N_YEARS]; /* latest qualifying observation per year */
    enum situation best[N_YEARS];
};

struct truth {
    int sessions[N_YEARS], qpv[N_YEARS], qpv_unknown[N_YEARS], attendances[N_YEARS];
    int beneficiaries[N_YEARS], newcomers[N_YEARS], cumulative[N_YEARS];
    int by_site[N_YEARS][N_SITES], cumulative_site[N_SITES];
    int followed[N_YEARS], known[N_YEARS], employed[N_YEARS], positive[N_YEARS];
    int quarters[N_YEARS * 4];
};

/* Persons as the pipeline should key them: the person, except the row with a second id. */
static int row_key(const struct gen *g, const struct arow *r)
{
    return r->alt_key ? (int)g->npeople : r->person;
}

static void truth_rows(const struct gen *g, struct truth *t, struct key_facts *k, bool *used)
{
    for (size_t i = 0; i < g->nrows; i++) {
        const struct arow *r = &g->rows[i];
        const struct session *s = &g->sessions[r->session];
        if (r->rejected || s->special == SPECIAL_BEFORE_WINDOW)
            continue;
        int y = year_index(s->day);
        used[r->session] = true;
        if (r->presence != PRESENT)
            continue;
        t->attendances[y]++; /* a duplicated row is written twice but counted once */
        struct key_facts *f = &k[row_key(g, r)];
        f->years |= 1u << y;
        f->sites |= 1u << (y * N_SITES + s->site);
        if (f->first == DAY_NONE || s->day < f->first)
            f->first = s->day;
    }
}

static void truth_sessions(const struct gen *g, struct truth *t, const bool *used)
{
    for (size_t i = 0; i < g->nsessions; i++) {
        if (!used[i])
            continue;
        int y = year_index(g->sessions[i].day);
        t->sessions[y]++;
        t->qpv[y] += g->sessions[i].qpv == QPV_YES;
        t->qpv_unknown[y] += g->sessions[i].qpv == QPV_UNKNOWN;
    }
}

static void truth_people(struct truth *t, const struct key_facts *k, size_t nkeys)
{
    for (size_t i = 0; i < nkeys; i++) {
        const struct key_facts *f = &k[i];
        if (f->first == DAY_NONE)
            continue;
        int fy = year_index(f->first);
        t->newcomers[fy]++;
        for (int y = 0; y < N_YEARS; y++) {
            t->beneficiaries[y] += (f->years >> y) & 1u;
            t->cumulative[y] += fy <= y;
            for (int s = 0; s < N_SITES; s++)
                t->by_site[y][s] += (f->sites >> (y * N_SITES + s)) & 1u;
        }
        for (int s = 0; s < N_SITES; s++)
            for (int y = 0; y < N_YEARS; y++)
                if ((f->sites >> (y * N_SITES + s)) & 1u) {
                    t->cumulative_site[s]++;
                    break;
                }
        for (int q = 0; q < N_YEARS * 4; q++) {
            int qy = FIRST_YEAR + q / 4, qm = 3 * (q % 4) + 3;
            day_t end = days_from_civil(qy + (qm == 12), qm == 12 ? 1 : qm + 1, 1) - 1;
            t->quarters[q] += f->first <= end;
        }
    }
}

/* Latest observation per person and year among those on or after a present attendance;
 * rows are scanned in file order so a same-day tie goes to the later row. */
static void truth_outcomes(const struct gen *g, struct truth *t, struct key_facts *k)
{
    for (size_t i = 0; i < g->nobs; i++) {
        const struct obs *o = &g->obs[i];
        struct key_facts *f = &k[o->person];
        if (o->day < window_first() || o->day > window_last() || f->first == DAY_NONE ||
            o->day < f->first)
            continue;
        int y = year_index(o->day);
        if (f->best_day[y] == DAY_NONE || o->day >= f->best_day[y]) {
            f->best_day[y] = o->day;
            f->best[y] = o->situation;
        }
    }
    for (size_t i = 0; i <= g->npeople; i++)
        for (int y = 0; y < N_YEARS; y++) {
            if (k[i].best_day[y] == DAY_NONE)
                continue;
            enum category c = SITUATION_CATEGORY[k[i].best[y]];
            t->followed[y]++;
            t->known[y] += c != CAT_UNMAPPED;
            t->employed[y] += c == CAT_EMPLOYMENT;
            t->positive[y] += c == CAT_EMPLOYMENT || c == CAT_TRAINING || c == CAT_EDUCATION;
        }
}

static void compute_truth(const struct gen *g, struct truth *t)
{
    size_t nkeys = g->npeople + 1;
    struct key_facts *k = calloc(nkeys, sizeof *k);
    bool *used = calloc(g->nsessions, sizeof *used);
    if (!k || !used)
        die("out of memory");
    for (size_t i = 0; i < nkeys; i++) {
        k[i].first = DAY_NONE;
        for (int y = 0; y < N_YEARS; y++)
            k[i].best_day[y] = DAY_NONE;
    }
    memset(t, 0, sizeof *t);
    truth_rows(g, t, k, used);
    truth_sessions(g, t, used);
    truth_people(t, k, nkeys);
    truth_outcomes(g, t, k);
    free(k);
    free(used);
}

static void report_truth(const struct gen *g)
{
    struct truth t;
    compute_truth(g, &t);
    puts("\n== ground truth (calendar years; Service civique counted as training)");
    puts("  year sessions qpv unknown attendances beneficiaries new cumulative"
         "  Bellevue Lauriers Tarascon  followed known employed positive");
    for (int y = 0; y < N_YEARS; y++)
        printf("  %d %8d %3d %7d %11d %13d %3d %10d  %8d %8d %8d  %8d %5d %8d %8d\n",
               FIRST_YEAR + y, t.sessions[y], t.qpv[y], t.qpv_unknown[y], t.attendances[y],
               t.beneficiaries[y], t.newcomers[y], t.cumulative[y], t.by_site[y][0],
               t.by_site[y][1], t.by_site[y][2], t.followed[y], t.known[y], t.employed[y],
               t.positive[y]);
    printf("  cumulative per site over 2017-2019: Bellevue %d, Lauriers %d, Tarascon %d\n",
           t.cumulative_site[0], t.cumulative_site[1], t.cumulative_site[2]);
    fputs("  cumulative by quarter:", stdout);
    for (int q = 0; q < N_YEARS * 4; q++)
        printf(" %dQ%d=%d", FIRST_YEAR + q / 4, q % 4 + 1, t.quarters[q]);
    putchar('\n');
}

static void report_counts(const struct gen *g)
{
    int records = 0, duplicates = 0, rejected = 0, with_id = 0, people = 0, parents = 0;
    for (size_t i = 0; i < g->nrows; i++) {
        const struct arow *r = &g->rows[i];
        records += r->copies;
        duplicates += r->copies - 1;
        rejected += r->rejected || g->sessions[r->session].special == SPECIAL_BEFORE_WINDOW;
        with_id += (r->f[A_ID][0] != '\0') * r->copies;
    }
    for (size_t i = 0; i < g->npeople; i++) {
        people += g->people[i].nrows > 0;
        parents += g->people[i].nrows > 0 && g->people[i].role == ROLE_PARENT;
    }
    int out_rejected = 0;
    for (size_t i = 0; i < g->nobs; i++)
        out_rejected += g->obs[i].day > window_last() || g->obs[i].day < window_first();
    printf("seed %llu\n", (unsigned long long)g->seed);
    printf("attendance.csv: %d records on %d physical lines (header included), %zu sessions,"
           " %d people (%d parents), %d%% of records with an id\n",
           records, g->attendance_lines, g->nsessions, people, parents, 100 * with_id / records);
    printf("  expected rows_read %d = accepted %d + rejected %d + duplicate %d\n", records,
           records - rejected - duplicates, rejected, duplicates);
    printf("outcomes.csv: %zu records; expected rejected %d (outside the window)\n", g->nobs,
           out_rejected);
}

/* ---------------------------------------------------------------- driver */

static _Noreturn void usage(void)
{
    die("usage: gen_samples DIR [--seed N]  (writes DIR/attendance.csv and DIR/outcomes.csv)");
}

static uint64_t parse_seed(const char *text)
{
    char *end;
    errno = 0;
    unsigned long long v = strtoull(text, &end, 10);
    if (errno != 0 || end == text || *end != '\0' || text[0] == '-')
        die("--seed expects a non-negative integer, got \"%s\"", text);
    return (uint64_t)v;
}

static void parse_args(int argc, char **argv, struct gen *g)
{
    g->seed = DEFAULT_SEED;
    for (int i = 1; i < argc; i++) {
        if (strcmp(argv[i], "--seed") == 0 && i + 1 < argc)
            g->seed = parse_seed(argv[++i]);
        else if (!g->dir && argv[i][0] != '-')
            g->dir = argv[i];
        else
            usage();
    }
    if (!g->dir)
        usage();
}

static void build_attendance(struct gen *g)
{
    int eleonore, mohamed, mohammed;
    plan_sessions(g);
    plan_special_sessions(g);
    qsort(g->sessions, g->nsessions, sizeof *g->sessions, cmp_session);
    plant_people(g, &eleonore, &mohamed, &mohammed);
    fill_sessions(g);
    attend_planted_people(g, eleonore, mohamed, mohammed);
    qsort(g->rows, g->nrows, sizeof *g->rows, cmp_row);
    number_rows(g);
    vary_planted(g, eleonore);
    vary_names(g, 10);
    for (size_t i = 0; i < g->nrows; i++)
        render_row(g, &g->rows[i]);
    mess_attendance(g);
}

static void build_outcomes(struct gen *g)
{
    first_presences(g);
    plan_outcomes(g);
    mess_outcomes(g);
    qsort(g->obs, g->nobs, sizeof *g->obs, cmp_obs);
    for (size_t i = 0; i < g->nobs; i++)
        render_obs(g, &g->obs[i]);
}

static void free_gen(struct gen *g)
{
    for (int s = 0; s < N_SITES; s++)
        for (int r = 0; r < N_ROLES; r++)
            free(g->pools[s][r].idx);
    free(g->people);
    free(g->sessions);
    free(g->rows);
    free(g->obs);
}

int main(int argc, char **argv)
{
    struct gen g = {0};
    parse_args(argc, argv, &g);
    rng_seed(&g.rng, g.seed);
    build_attendance(&g);
    build_outcomes(&g);
    write_attendance(&g);
    write_outcomes(&g);
    report_counts(&g);
    report_attendance_messes(&g);
    report_variants(&g);
    report_outcome_messes(&g);
    report_truth(&g);
    free_gen(&g);
    if (fflush(stdout) != 0)
        die("cannot write the summary: %s", strerror(errno));
    return 0;
}
