/* messes.c — turns attendance rows into the text a sign-in sheet shows (labels, names typed
 * several ways), then plants the attendance export's deliberate messes. */
#include <string.h>

#include "gen.h"

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

void render_row(struct gen *g, struct arow *r)
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
void vary_names(struct gen *g, int npeople)
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

void mess_attendance(struct gen *g)
{
    mess_duplicates(g, 5);
    mess_dates(g, 8, 6);
    mess_impossible_date(g);
    mess_no_identity(g, 2);
    mess_unknown_sex(g, 2);
    mess_trailing(g, 5);
    mess_two_ids(g);
}
