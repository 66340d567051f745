/* generate.c — the benchmark's seeded generator: canonical exports at national scale, and
 * the figures the pipeline must find in them, counted independently.
 *
 * Why: `make bench` times the pipeline on tens of millions of rows, and the speed work it
 * drives must not silently change any figure. So this program invents a national roll-out
 * (hundreds of QPV sites, 2017-2019, people coming back session after session, ~10 % of
 * seats absent or excused) and writes, into DIR:
 *   attendance.csv  ROWS rows (a handful fewer when a small site cannot seat a session with
 *                   distinct people; expected.txt has the count), canonical English headers,
 *                   UTF-8, ',' and LF; ids and names on every row;
 *   outcomes.csv    ROWS/10 follow-up rows (participant_id, names, birth date, date,
 *                   situation), 2 % of them about people who never attended;
 *   config.json     the config that reads them (paths relative to DIR);
 *   expected.txt    per year: distinct participants with a present row, present rows,
 *                   sessions, new and cumulative beneficiaries — counted here from the
 *                   generator's own model, never by the pipeline (tests/bench/check.c
 *                   compares them with out/indicators.json).
 *
 * The shape, per site: sessions spread over the non-Sunday days, each on its own
 * (date, activity) slot so two generated sessions never share a session key; seats filled
 * by newcomers (in proportion to the people not yet seen, so about ROWS/8 distinct people
 * all show up) or by people already seen, mostly recent ones; nobody twice in a session,
 * so no row is a duplicate. Names are drawn from lists and syllables, so homonyms and
 * near-homonyms occur at realistic rates.
 *
 * Usage: bench_generate ROWS DIR [--seed N]
 * Same arguments, same bytes: xoshiro256** seeded through splitmix64; no rand(), no clock,
 * no floating point.
 */
#define _POSIX_C_SOURCE 200809L /* mkdir */
#include <errno.h>
#include <inttypes.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "../../samples/seeded_random.h"

#define DEFAULT_SEED     20170101u
#define FIRST_YEAR       2017
#define N_YEARS          3
#define ROWS_PER_PERSON  8    /* rows / distinct people */
#define ROWS_PER_SESSION 10   /* mean seats per session */
#define ROWS_PER_SITE    2000 /* below 300 sites, one site per this many rows */
#define MAX_SITES_SMALL  300
#define MIN_SITES        3
#define RECENT_SHARE     12 /* returning people are mostly drawn among a site's latest */
#define RECENT_MIN       20 /* 1/RECENT_SHARE newcomers (about three months' worth) */
#define MAX_SEATS        64
#define NAME_CAP         64

enum role { ROLE_YOUTH, ROLE_PARENT };
enum status { PRESENT, ABSENT, EXCUSED };

/* ---------------------------------------------------------------- fixed data */

static const char *const ACTIVITIES[] = {
    "Atelier CV",          "Simulation d'entretien", "Job dating",
    "Visite d'entreprise", "Café des parents",       "Atelier numérique",
    "Coaching emploi",     "Forum des métiers",      "Mentorat",
    "Atelier code",        "Rencontre entrepreneur", "Sport et emploi",
};
#define N_ACTIVITIES (sizeof ACTIVITIES / sizeof ACTIVITIES[0])

/* Neighbourhood and town names in the style of the QPV list; a few carry a comma, so their
 * cells are quoted as real exports quote them. */
static const char *const QUARTIERS[] = {
    "Les Lauriers",
    "Parc Bellevue",
    "Félix Pyat",
    "La Grande Borne",
    "Les Tarterêts",
    "Le Mirail",
    "La Paillade",
    "Les Minguettes",
    "Le Val Fourré",
    "La Duchère",
    "Les Aubiers",
    "Bourtzwiller",
    "Le Neuhof",
    "Hautepierre",
    "Les Izards",
    "La Castellane",
    "Frais Vallon",
    "La Busserine",
    "Le Petit Bard",
    "Saint-Jacques",
    "Centre-ville, Gare",
    "La Source",
    "Les Quartiers Nord",
    "Bellevue",
    "Les Pyramides",
    "Les Courtillières",
    "La Rose des Vents",
    "Le Chêne Pointu",
    "Les Bosquets",
    "La Noé",
    "Beaulieu",
    "Le Lac",
    "Les Sablons",
    "Kervénanec",
    "Maurepas",
    "Le Blosne",
    "Villejean",
    "Bréquigny",
    "Les Trois Cités",
    "Saint-Éloi",
    "Champ de Manœuvre",
    "Bois-l'Abbé",
    "Les Francs-Moisins",
    "Le Luth",
    "Les Grésillons",
    "Cité Verte",
    "Europe",
    "Planoise",
    "Port, Faubourg",
    "Les Hauts de Garonne",
    "La Chapelle",
    "Grand Parc",
    "Les Ulis",
    "L'Ariane",
    "Les Moulins",
    "Pasteur",
    "Chantepie",
    "Fontaine d'Ouche",
    "Le Grand Mail",
    "Quartier Ouest, Haut",
};
#define N_QUARTIERS (sizeof QUARTIERS / sizeof QUARTIERS[0])

static const char *const TOWNS[] = {
    "Marseille 13e",    "Marseille 3e", "Toulouse",
    "Lyon 9e",          "Vénissieux",   "Grigny",
    "Corbeil",          "Montpellier",  "Nice",
    "Strasbourg",       "Mulhouse",     "Rennes",
    "Nantes",           "Bordeaux",     "Lille",
    "Roubaix",          "Saint-Denis",  "Aubervilliers",
    "Clichy-sous-Bois", "Sevran",       "Mantes-la-Jolie",
    "Besançon",         "Dijon",        "Reims",
    "Amiens",           "Orléans",      "Tours",
    "Le Havre",         "Rouen",        "Tarascon",
};
#define N_TOWNS (sizeof TOWNS / sizeof TOWNS[0])

static const char *const LAST_NAMES[] = {
    "Martin",    "Bernard",      "Dubois",  "Thomas",    "Robert",    "Petit",      "Durand",
    "Leroy",     "Moreau",       "Simon",   "Laurent",   "Lefèvre",   "Michel",     "Garcia",
    "David",     "Bertrand",     "Roux",    "Vincent",   "Fournier",  "Morel",      "Girard",
    "André",     "Mercier",      "Dupont",  "Lambert",   "Bonnet",    "François",   "Martinez",
    "Legrand",   "Garnier",      "Faure",   "Rousseau",  "Blanc",     "Guérin",     "Muller",
    "Henry",     "Perrin",       "Morin",   "Mathieu",   "Clément",   "Gauthier",   "Fontaine",
    "Chevalier", "Robin",        "Masson",  "Sanchez",   "Noël",      "Le Gall",    "Da Silva",
    "Ferreira",  "Gonçalves",    "Benali",  "Haddad",    "Bouzid",    "Mansouri",   "Belkacem",
    "Cherif",    "Brahimi",      "Hamdi",   "Saïdi",     "Amrani",    "El Idrissi", "Kaddour",
    "Meziane",   "Rahmani",      "Aït Ali", "Ouali",     "Ben Ahmed", "Slimani",    "Khelifi",
    "Belhadj",   "Hamidi",       "Bouaziz", "Nasri",     "Ziani",     "Mokrani",    "Taleb",
    "Diallo",    "Traoré",       "Koné",    "Coulibaly", "Diop",      "N'Diaye",    "Sow",
    "Camara",    "Keïta",        "Touré",   "Cissé",     "Sylla",     "Fofana",     "Sissoko",
    "Konaté",    "Ba",           "Gueye",   "Fall",      "Diarra",    "Sangaré",    "Bamba",
    "Ouattara",  "Kanté",        "Dembélé", "Soumaré",   "Doumbia",   "Kouassi",    "Mbaye",
    "Sarr",      "Said",         "Ahamada", "Abdallah",  "Soilihi",   "Madi",       "Youssouf",
    "Nguyen",    "Tran",         "Pham",    "Yilmaz",    "Kaya",      "Demir",      "Çelik",
    "Öztürk",    "Rakotomalala", "Ivanov",  "Kowalski",  "Nowak",     "Santos",     "Oliveira",
    "Rodrigues", "Popescu",      "Gashi",   "Berisha",
};
#define N_LAST_NAMES (sizeof LAST_NAMES / sizeof LAST_NAMES[0])

/* Syllables for the long tail of surnames: the lists above hold the common ones only. */
static const char *const SYLLABLES[] = {
    "ba", "ben", "bou", "da", "di", "dja", "el",  "fa",  "ga",  "ha",  "ka",  "ke",
    "ki", "la",  "le",  "li", "ma", "me",  "mi",  "mou", "na",  "ne",  "ni",  "nou",
    "ra", "ri",  "sa",  "se", "si", "sou", "ta",  "te",  "ti",  "tou", "va",  "vi",
    "za", "zi",  "ro",  "lo", "mo", "no",  "cha", "chi", "rou", "lou", "gue", "dri",
};
#define N_SYLLABLES (sizeof SYLLABLES / sizeof SYLLABLES[0])

static const char *const FEMALE_NAMES[] = {
    "Camille",  "Manon",    "Léa",     "Chloé",     "Inès",    "Sarah",   "Laura",    "Océane",
    "Emma",     "Clara",    "Maëlys",  "Anaïs",     "Mélissa", "Justine", "Noémie",   "Marine",
    "Jade",     "Lola",     "Zoé",     "Célia",     "Lucie",   "Pauline", "Yasmine",  "Nour",
    "Amira",    "Salma",    "Lina",    "Sofia",     "Rania",   "Myriam",  "Nawel",    "Imane",
    "Samira",   "Fatima",   "Khadija", "Leïla",     "Malika",  "Naïma",   "Aïcha",    "Sabrina",
    "Kenza",    "Nadia",    "Aminata", "Fatoumata", "Mariam",  "Awa",     "Kadiatou", "Binta",
    "Oumou",    "Fatou",    "Assa",    "Hawa",      "Djeneba", "Ramata",  "Linh",     "Elif",
    "Nathalie", "Sandrine", "Valérie", "Isabelle",  "Sylvie",  "Karine",  "Hélène",   "Zohra",
};
#define N_FEMALE_NAMES (sizeof FEMALE_NAMES / sizeof FEMALE_NAMES[0])

static const char *const MALE_NAMES[] = {
    "Lucas",    "Hugo",    "Théo",     "Nathan",     "Enzo",     "Louis",    "Mathis",   "Thomas",
    "Maxime",   "Kévin",   "Jérémy",   "Anthony",    "Dylan",    "Loïc",     "Clément",  "Quentin",
    "Romain",   "Alexis",  "Florian",  "Valentin",   "Jordan",   "Noé",      "Mohamed",  "Mehdi",
    "Karim",    "Yanis",   "Rayan",    "Sofiane",    "Bilal",    "Nassim",   "Ilyes",    "Amine",
    "Walid",    "Hakim",   "Samir",    "Rachid",     "Youssef",  "Hamza",    "Ismaël",   "Adam",
    "Moussa",   "Mamadou", "Ibrahima", "Souleymane", "Oumar",    "Sékou",    "Boubacar", "Issa",
    "Adama",    "Cheick",  "Minh",     "Emre",       "Stéphane", "Frédéric", "Pascal",   "Hervé",
    "Philippe", "Thierry", "Didier",   "Éric",       "Patrick",  "Olivier",  "Djamel",   "Kamel",
};
#define N_MALE_NAMES (sizeof MALE_NAMES / sizeof MALE_NAMES[0])

struct situation {
    const char *label;
    int weight;
};

/* "Service civique" is mapped to training by the generated config. */
static const struct situation SITUATIONS[] = {
    {"CDI", 10},
    {"CDD", 16},
    {"Intérim", 8},
    {"Alternance", 7},
    {"Création d'entreprise", 2},
    {"Formation qualifiante", 14},
    {"Reprise d'études", 9},
    {"Demandeur d'emploi", 24},
    {"Inactif", 7},
    {"Service civique", 3},
};
#define N_SITUATIONS (sizeof SITUATIONS / sizeof SITUATIONS[0])

/* ---------------------------------------------------------------- errors and output */

static void die(const char *what, const char *path)
{
    fprintf(stderr, "bench_generate: %s %s: %s\n", what, path, errno ? strerror(errno) : "");
    exit(1);
}

static FILE *open_out(const char *dir, const char *name, char *path, size_t cap)
{
    snprintf(path, cap, "%s/%s", dir, name);
    FILE *f = fopen(path, "w");
    if (!f)
        die("cannot write", path);
    setvbuf(f, NULL, _IOFBF, 1 << 20);
    return f;
}

static void close_out(FILE *f, const char *path)
{
    if (ferror(f) | fclose(f))
        die("error writing", path);
}

/* ---------------------------------------------------------------- random numbers */

/* Skewed towards 0 (the square of a uniform draw): common names come first in the lists. */
static size_t rng_skewed(struct rng *r, size_t n)
{
    uint64_t u = rng_below(r, 1u << 16);
    return (size_t)((u * u * n) >> 32);
}

/* ---------------------------------------------------------------- dates */

static void format_date(day_t day, char out[11])
{
    int y, m, d;
    civil_from_days(day, &y, &m, &d);
    unsigned uy = (unsigned)y % 10000u, um = (unsigned)m % 100u, ud = (unsigned)d % 100u;
    snprintf(out, 11, "%04u-%02u-%02u", uy, um, ud);
}

static int year_of(day_t day)
{
    int y, m, d;
    civil_from_days(day, &y, &m, &d);
    return y;
}

/* ---------------------------------------------------------------- people */

/* Everything about person `index` follows from (seed, index), so nothing is stored. */
struct person {
    char id[16];
    char last[NAME_CAP], first[NAME_CAP];
    char birth[11];
    enum role role;
    char sex;
};

static void compose_surname(struct rng *r, char *out, size_t cap)
{
    size_t n = 2 + rng_below(r, 2), used = 0;
    for (size_t i = 0; i < n; i++)
        used +=
            (size_t)snprintf(out + used, cap - used, "%s", SYLLABLES[rng_below(r, N_SYLLABLES)]);
    out[0] = (char)(out[0] - 'a' + 'A');
}

static void person_make(uint64_t seed, uint32_t index, struct person *p)
{
    struct rng r;
    rng_seed(&r, seed ^ (0xA24BAED4963EE407u * (index + 1u)));
    snprintf(p->id, sizeof p->id, "P%08" PRIu32, index + 1);
    p->role = rng_below(&r, 100) < 80 ? ROLE_YOUTH : ROLE_PARENT;
    p->sex = rng_below(&r, 100) < (p->role == ROLE_YOUTH ? 50u : 75u) ? 'F' : 'M';
    day_t born = p->role == ROLE_YOUTH ? days_from_civil(1994, 1, 1) + (day_t)rng_below(&r, 3652)
                                       : days_from_civil(1963, 1, 1) + (day_t)rng_below(&r, 9131);
    format_date(born, p->birth);
    if (rng_below(&r, 100) < 60)
        snprintf(p->last, sizeof p->last, "%s", LAST_NAMES[rng_skewed(&r, N_LAST_NAMES)]);
    else
        compose_surname(&r, p->last, sizeof p->last);
    const char *first = p->sex == 'F' ? FEMALE_NAMES[rng_skewed(&r, N_FEMALE_NAMES)]
                                      : MALE_NAMES[rng_skewed(&r, N_MALE_NAMES)];
    snprintf(p->first, sizeof p->first, "%s", first);
}

/* ---------------------------------------------------------------- the model */

struct site {
    char name[96];
    const char *qpv; /* "yes", "no" or "" (unknown) */
    uint32_t person_base, n_persons, next_new;
    uint64_t rows_left;
    uint32_t sessions, sessions_done;
};

struct model {
    uint64_t seed;
    struct rng rng;
    uint64_t rows;
    day_t *days; /* the non-Sunday days of 2017-2019 */
    size_t n_days;
    struct site *sites;
    size_t n_sites;
    uint32_t n_persons;
    uint8_t *present_years; /* per person: bit y when present in FIRST_YEAR + y */
    day_t *first_day;       /* per person: first session attended, any status; 0 = never */
    /* the independent counts */
    uint64_t rows_written, sessions_per_year[N_YEARS], attendances[N_YEARS];
    uint64_t new_per_year[N_YEARS];
};

static void build_days(struct model *m)
{
    day_t first = days_from_civil(FIRST_YEAR, 1, 1);
    day_t last = days_from_civil(FIRST_YEAR + N_YEARS - 1, 12, 31);
    m->days = calloc((size_t)(last - first + 1), sizeof *m->days);
    for (day_t d = first; d <= last; d++)
        if ((d + 4) % 7 != 0) /* day 0, 1970-01-01, was a Thursday: Sundays give 0 */
            m->days[m->n_days++] = d;
}

static void name_site(size_t i, struct site *s)
{
    size_t town = i / N_QUARTIERS;
    if (town < N_TOWNS)
        snprintf(s->name, sizeof s->name, "%s – %s", QUARTIERS[i % N_QUARTIERS], TOWNS[town]);
    else
        snprintf(s->name, sizeof s->name, "%s – %s %zu", QUARTIERS[i % N_QUARTIERS],
                 TOWNS[town % N_TOWNS], town / N_TOWNS + 1);
}

/* Sites, each with its share of rows, people and sessions. */
static void build_sites(struct model *m)
{
    uint64_t slots = (uint64_t)m->n_days * N_ACTIVITIES;
    uint64_t n = m->rows / ROWS_PER_SITE;
    n = n < MIN_SITES ? MIN_SITES : n > MAX_SITES_SMALL ? MAX_SITES_SMALL : n;
    while (m->rows / n / ROWS_PER_SESSION + 1 > slots) /* national scale: more sites */
        n++;
    m->n_sites = (size_t)n;
    m->sites = calloc(m->n_sites, sizeof *m->sites);
    uint32_t base = 0;
    for (size_t i = 0; i < m->n_sites; i++) {
        struct site *s = &m->sites[i];
        name_site(i, s);
        uint64_t q = rng_below(&m->rng, 100);
        s->qpv = q < 85 ? "yes" : q < 97 ? "no" : "";
        s->rows_left = m->rows / n + (i < m->rows % n);
        s->n_persons = (uint32_t)((s->rows_left + ROWS_PER_PERSON - 1) / ROWS_PER_PERSON);
        s->person_base = base;
        base += s->n_persons;
        s->sessions = (uint32_t)(s->rows_left / ROWS_PER_SESSION);
        s->sessions = s->sessions ? s->sessions : 1;
    }
    m->n_persons = base;
    m->present_years = calloc(base ? base : 1, 1);
    m->first_day = calloc(base ? base : 1, sizeof *m->first_day);
}

/* The k-th session of a site sits on its own (day, activity) slot, so keys never collide. */
static uint64_t session_slot(const struct model *m, const struct site *s, uint32_t k)
{
    return (uint64_t)k * m->n_days * N_ACTIVITIES / s->sessions;
}

/* A newcomer in proportion to the people not seen yet, else someone seen, mostly recently. */
static bool draw_person(struct model *m, struct site *s, uint32_t *person)
{
    uint32_t new_left = s->n_persons - s->next_new;
    if (new_left > 0 && (s->next_new == 0 || rng_below(&m->rng, s->rows_left) < new_left)) {
        *person = s->person_base + s->next_new++;
        return true;
    }
    if (s->next_new == 0)
        return false;
    uint32_t window =
        s->n_persons / RECENT_SHARE > RECENT_MIN ? s->n_persons / RECENT_SHARE : RECENT_MIN;
    uint32_t recent = s->next_new < window ? s->next_new : window;
    uint32_t back = rng_below(&m->rng, 10) ? (uint32_t)rng_below(&m->rng, recent)
                                           : (uint32_t)rng_below(&m->rng, s->next_new);
    *person = s->person_base + s->next_new - 1 - back;
    return true;
}

static bool seated(const uint32_t *seats, size_t n, uint32_t person)
{
    for (size_t i = 0; i < n; i++)
        if (seats[i] == person)
            return true;
    return false;
}

/* Fills a session of `want` seats with distinct people; may seat fewer when it cannot. */
static size_t fill_seats(struct model *m, struct site *s, size_t want, uint32_t *seats)
{
    size_t n = 0;
    for (size_t seat = 0; seat < want; seat++) {
        uint32_t p = 0;
        bool ok = false;
        for (int attempt = 0; attempt < 8 && !ok; attempt++)
            ok = draw_person(m, s, &p) && !seated(seats, n, p);
        if (!ok && s->next_new < s->n_persons) {
            p = s->person_base + s->next_new++;
            ok = true;
        }
        if (ok)
            seats[n++] = p;
    }
    return n;
}

static size_t session_size(struct model *m, const struct site *s)
{
    uint64_t left = s->sessions - s->sessions_done;
    if (left == 1)
        return s->rows_left < MAX_SEATS ? (size_t)s->rows_left : MAX_SEATS;
    int64_t size = (int64_t)(s->rows_left / left) + (int64_t)rng_below(&m->rng, 7) - 3;
    int64_t most = (int64_t)(s->rows_left - (left - 1));
    size = size > most ? most : size;
    size = size > MAX_SEATS ? MAX_SEATS : size;
    return size < 1 ? 1 : (size_t)size;
}

static enum status draw_status(struct model *m)
{
    uint64_t x = rng_below(&m->rng, 100);
    return x < 90 ? PRESENT : x < 97 ? ABSENT : EXCUSED;
}

static void count_row(struct model *m, uint32_t person, day_t day, enum status status)
{
    int y = year_of(day) - FIRST_YEAR;
    m->rows_written++;
    if (!m->first_day[person])
        m->first_day[person] = day;
    if (status != PRESENT)
        return;
    m->attendances[y]++;
    if (!m->present_years[person]) /* rows come in date order: this is the first presence */
        m->new_per_year[y]++;
    m->present_years[person] |= (uint8_t)(1u << y);
}

/* A CSV cell: quoted when it holds a comma (the only special character the lists use). */
static void put_cell(FILE *f, const char *text)
{
    if (strchr(text, ','))
        fprintf(f, "\"%s\",", text);
    else
        fprintf(f, "%s,", text);
}

static void write_session(struct model *m, FILE *f, struct site *s, day_t day, size_t activity)
{
    static const char *const status_text[] = {"present", "absent", "excused"};
    uint32_t seats[MAX_SEATS];
    char date[11];
    format_date(day, date);
    size_t n = fill_seats(m, s, session_size(m, s), seats);
    m->sessions_per_year[year_of(day) - FIRST_YEAR] += n > 0; /* a session exists by its rows */
    for (size_t i = 0; i < n; i++) {
        struct person p;
        person_make(m->seed, seats[i], &p);
        enum status st = draw_status(m);
        fprintf(f, "%s,", date);
        put_cell(f, s->name);
        fprintf(f, "%s,%s,%s,", ACTIVITIES[activity], s->qpv, p.id);
        put_cell(f, p.last);
        fprintf(f, "%s,%s,%c,%s,%s\n", p.first, p.birth, p.sex,
                p.role == ROLE_YOUTH ? "youth" : "parent", status_text[st]);
        count_row(m, seats[i], day, st);
    }
    s->rows_left -= n < s->rows_left ? n : s->rows_left;
    s->sessions_done++;
}

/* Day by day, site by site: the export comes in date order, as a national extract would. */
static void write_attendance(struct model *m, const char *dir)
{
    char path[4096];
    FILE *f = open_out(dir, "attendance.csv", path, sizeof path);
    fputs("session_date,site,activity,qpv,participant_id,last_name,first_name,birth_date,sex,"
          "role,status\n",
          f);
    for (size_t d = 0; d < m->n_days; d++)
        for (size_t i = 0; i < m->n_sites; i++) {
            struct site *s = &m->sites[i];
            while (s->sessions_done < s->sessions &&
                   session_slot(m, s, s->sessions_done) / N_ACTIVITIES == d) {
                uint64_t slot = session_slot(m, s, s->sessions_done);
                write_session(m, f, s, m->days[d], (size_t)((slot + i) % N_ACTIVITIES));
            }
        }
    close_out(f, path);
}

/* ---------------------------------------------------------------- outcomes */

static const char *draw_situation(struct model *m)
{
    int total = 0;
    for (size_t i = 0; i < N_SITUATIONS; i++)
        total += SITUATIONS[i].weight;
    int x = (int)rng_below(&m->rng, (uint64_t)total);
    for (size_t i = 0; i < N_SITUATIONS; i++) {
        if (x < SITUATIONS[i].weight)
            return SITUATIONS[i].label;
        x -= SITUATIONS[i].weight;
    }
    return SITUATIONS[0].label;
}

/* Follow-up dates: one month to two years after the person first came, within 2019. */
static day_t draw_observed_on(struct model *m, uint32_t person)
{
    day_t last = days_from_civil(FIRST_YEAR + N_YEARS - 1, 12, 31);
    day_t first = person < m->n_persons && m->first_day[person] ? m->first_day[person]
                                                                : days_from_civil(FIRST_YEAR, 1, 1);
    day_t day = first + 30 + (day_t)rng_below(&m->rng, 700);
    return day <= last ? day : first + (day_t)rng_below(&m->rng, (uint64_t)(last - first + 1));
}

static void write_outcomes(struct model *m, const char *dir, uint64_t n)
{
    char path[4096], date[11];
    FILE *f = open_out(dir, "outcomes.csv", path, sizeof path);
    fputs("participant_id,last_name,first_name,birth_date,observed_on,situation\n", f);
    for (uint64_t i = 0; i < n; i++) {
        uint32_t person = rng_below(&m->rng, 100) < 98 || m->n_persons == 0
                              ? (uint32_t)rng_below(&m->rng, m->n_persons ? m->n_persons : 1)
                              : m->n_persons + (uint32_t)rng_below(&m->rng, m->n_persons + 1);
        struct person p;
        person_make(m->seed, person, &p);
        format_date(draw_observed_on(m, person), date);
        fprintf(f, "%s,", p.id);
        put_cell(f, p.last);
        fprintf(f, "%s,%s,%s,%s\n", p.first, p.birth, date, draw_situation(m));
    }
    close_out(f, path);
}

/* ---------------------------------------------------------------- config and expected */

static void write_config(const struct model *m, const char *dir)
{
    char path[4096];
    FILE *f = open_out(dir, "config.json", path, sizeof path);
    fprintf(f,
            "{\n"
            "  \"_comment\": \"Benchmark exports written by tests/bench/generate.c: %" PRIu64
            " attendance rows, seed %" PRIu64 ".\",\n"
            "  \"programme\": \"Benchmark – national roll-out\",\n"
            "  \"run_date\": \"2020-01-15\",\n"
            "  \"output_dir\": \"out\",\n"
            "  \"window\": {\"first\": \"2017-01-01\", \"last\": \"2019-12-31\"},\n"
            "  \"periods\": {\"kind\": \"calendar\"},\n"
            "  \"inputs\": [\n"
            "    {\"kind\": \"attendance\", \"path\": \"attendance.csv\"},\n"
            "    {\"kind\": \"outcome\", \"path\": \"outcomes.csv\"}\n"
            "  ],\n"
            "  \"situations\": {\"Service civique\": \"training\"},\n"
            "  \"target\": {\"total\": %" PRIu32 ", \"deadline\": \"2019-12-31\", "
            "\"roles\": [\"youth\", \"parent\"], \"trend_quarters\": 4},\n"
            "  \"statistics\": {\"confidence\": 0.95},\n"
            "  \"charts\": {\"language\": \"fr\", \"width\": 1200, \"height\": 675}\n"
            "}\n",
            m->rows, m->seed, m->n_persons);
    close_out(f, path);
}

static void write_expected(const struct model *m, const char *dir, uint64_t n_outcomes)
{
    char path[4096];
    uint64_t beneficiaries[N_YEARS] = {0}, cumulative = 0;
    for (uint32_t p = 0; p < m->n_persons; p++)
        for (int y = 0; y < N_YEARS; y++)
            beneficiaries[y] += (m->present_years[p] >> y) & 1u;
    FILE *f = open_out(dir, "expected.txt", path, sizeof path);
    fprintf(f, "# Counted by tests/bench/generate.c from its own model (seed %" PRIu64 ").\n",
            m->seed);
    fprintf(f, "attendance_rows %" PRIu64 "\noutcome_rows %" PRIu64 "\n", m->rows_written,
            n_outcomes);
    for (int y = 0; y < N_YEARS; y++) {
        cumulative += m->new_per_year[y];
        fprintf(f,
                "period %d beneficiaries %" PRIu64 " attendances %" PRIu64 " sessions %" PRIu64
                " new_beneficiaries %" PRIu64 " cumulative_beneficiaries %" PRIu64 "\n",
                FIRST_YEAR + y, beneficiaries[y], m->attendances[y], m->sessions_per_year[y],
                m->new_per_year[y], cumulative);
    }
    close_out(f, path);
}

/* ---------------------------------------------------------------- main */

static void usage(void)
{
    fputs("usage: bench_generate ROWS DIR [--seed N]\n", stderr);
    exit(2);
}

int main(int argc, char **argv)
{
    if (argc != 3 && !(argc == 5 && strcmp(argv[3], "--seed") == 0))
        usage();
    char *end;
    struct model m = {.seed = DEFAULT_SEED};
    m.rows = strtoull(argv[1], &end, 10);
    if (*end || m.rows == 0 || m.rows > 2000000000u)
        usage();
    if (argc == 5)
        m.seed = strtoull(argv[4], &end, 10);
    if (mkdir(argv[2], 0777) != 0 && errno != EEXIST)
        die("cannot create", argv[2]);
    errno = 0;
    rng_seed(&m.rng, m.seed);
    build_days(&m);
    build_sites(&m);
    write_attendance(&m, argv[2]);
    write_outcomes(&m, argv[2], m.rows / 10);
    write_config(&m, argv[2]);
    write_expected(&m, argv[2], m.rows / 10);
    printf("bench_generate: %" PRIu64 " attendance rows (%zu sites, %" PRIu32 " people), %" PRIu64
           " outcome rows in %s\n",
           m.rows_written, m.n_sites, m.n_persons, m.rows / 10, argv[2]);
    return 0;
}
