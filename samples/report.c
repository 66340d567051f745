/* report.c — what the generator prints on stdout: where each planted mess landed
 * (file:line) and the ground truth the pipeline should find. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "gen.h"

/* ---------------------------------------------------------------- report on stdout */

static const char *id_text(const char *id)
{
    return id[0] ? id : "(no id)";
}

void report_attendance_messes(const struct gen *g)
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

void report_variants(const struct gen *g)
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

void report_outcome_messes(const struct gen *g)
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

void report_truth(const struct gen *g)
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

void report_counts(const struct gen *g)
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
