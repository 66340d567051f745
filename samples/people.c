/* people.c — the sample generator's model: invented people, the sessions of each site and
 * who sits in them (the attendance rows, before they are written out as text). */
#include <stdlib.h>
#include <string.h>

#include "gen.h"
#include "names.h"

static const char *rng_item(struct rng *r, struct name_list l)
{
    return l.items[rng_below(r, (uint32_t)l.n)];
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

int new_person(struct gen *g, int site, enum role role, day_t joined)
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

void plan_sessions(struct gen *g)
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
void plan_special_sessions(struct gen *g)
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

int cmp_session(const void *a, const void *b)
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

void fill_sessions(struct gen *g)
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
void plant_people(struct gen *g, int *eleonore, int *mohamed, int *mohammed)
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

void attend_planted_people(struct gen *g, int eleonore, int mohamed, int mohammed)
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
void vary_planted(struct gen *g, int person)
{
    static const enum name_variant ways[4] = {V_PLAIN, V_UPPER_ASCII, V_SPACES, V_LOWER};
    int k = 0;
    for (size_t i = 0; i < g->nrows; i++)
        if (g->rows[i].person == person)
            g->rows[i].variant = ways[k++ % 4];
}

int cmp_row(const void *a, const void *b)
{
    const struct arow *x = a, *y = b;
    if (x->session != y->session)
        return x->session < y->session ? -1 : 1;
    return x->seq < y->seq ? -1 : x->seq > y->seq;
}

/* Ids are handed out in order of first appearance, as a registration desk would. */
void number_rows(struct gen *g)
{
    for (size_t i = 0; i < g->nrows; i++) {
        struct arow *r = &g->rows[i];
        struct person *p = &g->people[r->person];
        r->nth = p->nrows++;
        if (p->policy != ID_NEVER && p->id == 0)
            p->id = ++g->last_id;
    }
}
