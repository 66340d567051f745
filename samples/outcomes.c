/* outcomes.c — the follow-up observations: who is followed and when, the outcomes export's
 * deliberate messes, and the text of each row. */
#include <stdlib.h>
#include <string.h>

#include "gen.h"

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

void first_presences(struct gen *g)
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

void plan_outcomes(struct gen *g)
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

void mess_outcomes(struct gen *g)
{
    mess_before_first(g, 4);
    mess_same_day(g);
    mess_outside_window(g);
    mess_unmapped(g, 4);
    mess_excel(g, 6);
    mess_strangers(g);
}

int cmp_obs(const void *a, const void *b)
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

void render_obs(struct gen *g, struct obs *o)
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
