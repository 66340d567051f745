/* counts.c — the per-period counts: sessions, and everything about a person (attendances,
 * new, distinct and cumulative beneficiaries by role, sex and site, present sessions, first
 * presence per site, the outcomes) in one pass over the persons; the dosage from it.
 *
 * Cost (docs/performance.md): everything about a person is counted in one pass over the
 * persons, each with its present attendances sorted by day and its observations at hand.
 * Periods then come in order, so a (person, period) is a run of neighbours and a (person,
 * site, period) a per-site stamp: no hash table, no loop over periods × persons. The
 * attendances are grouped by person in two cache-friendly steps instead of one scattered
 * one: by block of persons as they are read, then by person within a block, which fits
 * in the L2 cache. The functions of the pass are static, in this one file, so that they
 * inline. */
#include "stages/indicators/indicators_private.h"

#include "stages/common/arena.h"
#include "stages/common/stats.h"

#include <stdlib.h>
#include <string.h>

/* Where an outcome entry keeps the person's place in its block (above its index). */
static const unsigned OUTCOME_TAG_SHIFT = 32;

/* Entries grouped by block of persons: block b's are entries[start[b] .. start[b + 1]),
 * each tagged with its person's place in the block. */
struct blocks {
    size_t n_blocks;
    size_t *start;
    uint64_t *entries;
};

/* indicators_period_of for the days of many attendances: a direct-mapped cache that fits in
 * L1. */
struct period_cache {
    day_t day[PERIOD_CACHE];
    int16_t period[PERIOD_CACHE];
};

/* Per period, one person's latest observation so far: stamp[p] is the person's (+ 1) when
 * latest[p] is theirs; touched lists the periods they set. */
struct latest_pick {
    uint32_t *latest;
    size_t *stamp;
    int *touched;
    size_t n_touched;
};

/* Scratch of the pass over persons: where each person of the block starts in its block's
 * attendances and outcomes; per site, the stamp of the last (person, period) run counted
 * there and the last target-role person (+ 1) seen there. */
struct person_pass {
    uint32_t presence_at[BLOCK + 1], outcomes_at[BLOCK + 1], next[BLOCK];
    size_t *site_group, *site_person;
    size_t group;
    struct period_cache periods;
    struct latest_pick pick;
};

/* A present attendance as one word: the day's offset from DAY_NONE (INT32_MIN, so signed days
 * keep their order), the person's place in its block, the site. A person's slots sort by
 * day, and the pass over persons reads nothing but them. */
static uint64_t slot_of(day_t day, uint32_t person, uint32_t site)
{
    return (uint64_t)((int64_t)day - DAY_NONE) << 32 |
           (uint64_t)(person & (BLOCK - 1)) << SITE_BITS | site;
}

static day_t slot_day(uint64_t slot)
{
    return (day_t)((int64_t)(slot >> 32) + DAY_NONE);
}

static uint32_t slot_site(uint64_t slot)
{
    return (uint32_t)slot & (MAX_SITES - 1);
}

static int compare_slots(const void *a, const void *b)
{
    uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;
    return (x > y) - (x < y);
}

/* Most persons come a few times: insertion sort; qsort for the rare long list. */
static void sort_slots(uint64_t *slots, size_t n)
{
    if (n > SMALL_SORT) {
        qsort(slots, n, sizeof *slots, compare_slots);
    } else {
        for (size_t i = 1; i < n; i++) {
            uint64_t v = slots[i];
            size_t j = i;
            for (; j > 0 && slots[j - 1] > v; j--)
                slots[j] = slots[j - 1];
            slots[j] = v;
        }
    }
}

/* ---- grouping by person ---- */

static size_t blocks_for(size_t n_persons)
{
    return (n_persons >> BLOCK_BITS) + 1;
}

/* Present attendances by block of persons, as slots. Attendances come session by session,
 * so their sessions are read nearly in order, and the writes go to a few hundred streams
 * rather than to scattered persons. */
static void group_presence(const struct dataset *d, struct blocks *out)
{
    size_t n_blocks = blocks_for(d->n_persons);
    size_t *start = xcalloc(n_blocks + 1, sizeof *start);
    for (size_t i = 0; i < d->n_attendances; i++)
        start[(d->attendances[i].person >> BLOCK_BITS) + 1] += d->attendances[i].present != 0;
    indicators_counts_to_starts(start, n_blocks);
    uint64_t *slots = xmalloc((start[n_blocks] ? start[n_blocks] : 1) * sizeof *slots);
    for (size_t i = 0; i < d->n_attendances; i++) {
        const struct attendance_record *a = &d->attendances[i];
        const struct session_record *s = &d->sessions[a->session];
        if (a->present)
            slots[start[a->person >> BLOCK_BITS]++] = slot_of(s->date, a->person, s->site);
    }
    indicators_cursors_to_starts(start, n_blocks);
    *out = (struct blocks){n_blocks, start, slots};
}

/* Outcomes about a person by block of persons: the person's place above the index. */
static void group_outcomes(const struct dataset *d, struct blocks *out)
{
    size_t n_blocks = blocks_for(d->n_persons);
    size_t *start = xcalloc(n_blocks + 1, sizeof *start);
    for (size_t i = 0; i < d->n_outcomes; i++)
        if (d->outcomes[i].person != DATASET_NO_PERSON)
            start[(d->outcomes[i].person >> BLOCK_BITS) + 1]++;
    indicators_counts_to_starts(start, n_blocks);
    uint64_t *entries = xmalloc((start[n_blocks] ? start[n_blocks] : 1) * sizeof *entries);
    for (size_t i = 0; i < d->n_outcomes; i++) {
        uint32_t person = d->outcomes[i].person;
        if (person != DATASET_NO_PERSON)
            entries[start[person >> BLOCK_BITS]++] =
                (uint64_t)(person & (BLOCK - 1)) << OUTCOME_TAG_SHIFT | i;
    }
    indicators_cursors_to_starts(start, n_blocks);
    *out = (struct blocks){n_blocks, start, entries};
}

static void blocks_free(struct blocks *b)
{
    free(b->start);
    free(b->entries);
}

static unsigned tag_of(uint64_t entry, unsigned shift)
{
    return (unsigned)(entry >> shift) & (BLOCK - 1);
}

/* Sorts a block's entries by person in place (American flag sort: count, then swap each
 * entry straight into its person's range), and sets at[q] .. at[q + 1] to person q's range.
 * Not stable: callers do not depend on the order within a person. */
static void sort_block(uint64_t *v, uint32_t n, unsigned shift, uint32_t at[BLOCK + 1],
                       uint32_t next[BLOCK])
{
    memset(at, 0, (BLOCK + 1) * sizeof *at);
    for (uint32_t i = 0; i < n; i++)
        at[tag_of(v[i], shift) + 1]++;
    for (unsigned q = 0; q < BLOCK; q++)
        at[q + 1] += at[q];
    memcpy(next, at, BLOCK * sizeof *next);
    for (unsigned q = 0; q < BLOCK; q++) {
        while (next[q] < at[q + 1]) {
            uint64_t x = v[next[q]];
            for (unsigned t = tag_of(x, shift); t != q; t = tag_of(x, shift)) {
                uint64_t y = v[next[t]];
                v[next[t]++] = x;
                x = y;
            }
            v[next[q]++] = x;
        }
    }
}

/* ---- counts ---- */

void indicators_count_sessions(struct work *w)
{
    const struct dataset *d = w->data;
    for (size_t i = 0; i < d->n_sessions; i++) {
        const struct session_record *s = &d->sessions[i];
        int p = indicators_period_of(w, s->date);
        if (p < 0)
            continue;
        long *c = w->fig->periods[p].counts;
        c[COUNT_SESSIONS]++;
        c[COUNT_QPV_SESSIONS] += s->qpv == QPV_YES;
        c[COUNT_QPV_UNKNOWN_SESSIONS] += s->qpv == QPV_UNKNOWN;
    }
}

/* Filled with days 0 … PERIOD_CACHE - 1 (each in its own entry), so every entry is valid. */
static void period_cache_init(const struct work *w, struct period_cache *c)
{
    for (int i = 0; i < PERIOD_CACHE; i++) {
        c->day[i] = i;
        c->period[i] = (int16_t)indicators_period_of(w, i);
    }
}

static int cached_period(const struct work *w, struct period_cache *c, day_t day)
{
    size_t i = (uint32_t)day % PERIOD_CACHE;
    if (c->day[i] != day) {
        c->day[i] = day;
        c->period[i] = (int16_t)indicators_period_of(w, day);
    }
    return c->period[i];
}

/* Called once per (person, period): growing, rare, is the only call out. */
static void histogram_add(struct histogram *h, long value)
{
    if ((size_t)value >= h->cap) {
        size_t old = h->cap;
        xgrow((void **)&h->counts, &h->cap, (size_t)value, sizeof *h->counts);
        memset(h->counts + old, 0, (h->cap - old) * sizeof *h->counts);
    }
    h->counts[value]++;
}

/* A person's present sessions in one period (period -1: outside them, not counted). */
static void close_group(struct work *w, uint32_t person, int period, long sessions)
{
    if (period >= 0) {
        struct period_figures *pf = &w->fig->periods[period];
        const struct person_record *who = &w->data->persons[person];
        pf->counts[COUNT_ATTENDANCES] += sessions;
        pf->counts[COUNT_BENEFICIARIES]++;
        pf->by_role[who->role]++;
        pf->by_sex[who->sex]++;
        histogram_add(&w->dosage[period], sessions);
    }
}

/* A target-role person's first present day at each site: the first seen, days ascending. */
static void note_site_first(struct work *w, struct person_pass *ps, uint32_t person, uint32_t site,
                            day_t day)
{
    if (ps->site_person[site] != (size_t)person + 1) {
        ps->site_person[site] = (size_t)person + 1;
        if (w->n_site_firsts >= w->site_firsts_cap)
            xgrow((void **)&w->site_firsts, &w->site_firsts_cap, w->n_site_firsts,
                  sizeof *w->site_firsts);
        w->site_firsts[w->n_site_firsts++] = (struct site_first){site, day};
    }
}

/* The person's first and last present days, and whether first present in a period. */
static void note_first_last(struct work *w, uint32_t person, day_t first, day_t last,
                            int first_period)
{
    w->first_present[person] = first;
    w->present_first =
        w->present_first == DAY_NONE || first < w->present_first ? first : w->present_first;
    w->present_last =
        w->present_last == DAY_NONE || last > w->present_last ? last : w->present_last;
    if (first_period >= 0)
        w->fig->periods[first_period].counts[COUNT_NEW_BENEFICIARIES]++;
}

/* One person's present attendances (n > 0), sorted here by day: periods then come in
 * increasing order, so each (person, period) is a run of neighbours (a new group stamp),
 * and a site counts once per run. */
static void count_person(struct work *w, struct person_pass *ps, uint32_t person, uint64_t *slots,
                         uint32_t n)
{
    sort_slots(slots, n);
    bool target = counts_towards_target(w, person);
    int period = -1;
    long sessions = 0;
    for (uint32_t i = 0; i < n; i++) {
        day_t day = slot_day(slots[i]);
        uint32_t site = slot_site(slots[i]);
        int p = cached_period(w, &ps->periods, day);
        if (p != period) {
            close_group(w, person, period, sessions);
            period = p;
            sessions = 0;
            ps->group++;
        }
        if (p >= 0 && ps->site_group[site] != ps->group) {
            ps->site_group[site] = ps->group;
            w->fig->periods[p].by_site[site]++;
        }
        sessions += p >= 0;
        if (target)
            note_site_first(w, ps, person, site, day);
    }
    close_group(w, person, period, sessions);
    note_first_last(w, person, slot_day(slots[0]), slot_day(slots[n - 1]),
                    cached_period(w, &ps->periods, slot_day(slots[0])));
}

/* ---- outcomes ---- */

static int band_of(const struct figures *f, long sessions)
{
    int band = -1;
    for (size_t b = 0; b < f->n_bands; b++)
        if (sessions >= f->bands[b].min)
            band = (int)b;
    return band;
}

/* Present sessions on or before `day` among a person's sorted slots. */
static long sessions_up_to(const uint64_t *slots, uint32_t n, day_t day)
{
    uint32_t lo = 0, hi = n;
    while (lo < hi) {
        uint32_t mid = lo + (hi - lo) / 2;
        if (slot_day(slots[mid]) <= day)
            lo = mid + 1;
        else
            hi = mid;
    }
    return (long)lo;
}

static void tally_outcome(struct work *w, const struct outcome_record *o, int p, long sessions)
{
    struct outcome_tally *t = &w->tally;
    enum category c = (enum category)o->category;
    if (c != CATEGORY_UNKNOWN) {
        bool employed = c == CATEGORY_EMPLOYMENT;
        t->known[p]++;
        t->employed[p] += employed;
        t->positive[p] += employed || c == CATEGORY_TRAINING || c == CATEGORY_EDUCATION;
        int band = band_of(w->fig, sessions);
        if (band >= 0) {
            t->band_known[p * FIGURES_MAX_BANDS + band]++;
            t->band_employed[p * FIGURES_MAX_BANDS + band] += employed;
        }
    }
}

/* Whether observation a replaces b as the latest: the later date, then the later row
 * (order), and on a full tie the earlier index — what one pass in input order keeping the
 * first until beaten picks, whatever order the person's observations come in here. */
static bool later_outcome(const struct dataset *d, uint32_t a, uint32_t b)
{
    const struct outcome_record *x = &d->outcomes[a], *y = &d->outcomes[b];
    bool later;
    if (x->observed_on != y->observed_on)
        later = x->observed_on > y->observed_on;
    else if (x->order != y->order)
        later = x->order > y->order;
    else
        later = a < b;
    return later;
}

static void consider_outcome(const struct dataset *d, struct latest_pick *pick, size_t stamp,
                             uint32_t i, int p)
{
    if (pick->stamp[p] != stamp) {
        pick->stamp[p] = stamp;
        pick->latest[p] = i;
        pick->touched[pick->n_touched++] = p;
    } else if (later_outcome(d, i, pick->latest[p])) {
        pick->latest[p] = i;
    }
}

/* Per period, the person's latest observation dated in it and made on or after their first
 * presence, with their present sessions up to it (slots: sorted by count_person). */
static void count_person_outcomes(struct work *w, struct person_pass *ps, uint32_t person,
                                  const uint64_t *entries, uint32_t n, const uint64_t *slots,
                                  uint32_t n_slots)
{
    const struct dataset *d = w->data;
    day_t first = w->first_present[person];
    struct latest_pick *pick = &ps->pick;
    pick->n_touched = 0;
    for (uint32_t j = 0; j < n && first != DAY_NONE; j++) {
        uint32_t i = (uint32_t)entries[j];
        day_t day = slot_day(entries[j]);
        int p = first <= day ? cached_period(w, &ps->periods, day) : -1;
        if (p >= 0)
            consider_outcome(d, pick, (size_t)person + 1, i, p);
    }
    for (size_t k = 0; k < pick->n_touched; k++) {
        int p = pick->touched[k];
        const struct outcome_record *o = &d->outcomes[pick->latest[p]];
        tally_outcome(w, o, p, sessions_up_to(slots, n_slots, o->observed_on));
    }
}

/* ---- the pass over persons ---- */

/* Once a block's outcome entries are sorted, their tags are no longer needed: each becomes
 * its observation's day (as in a slot) above its index. The loads here are independent, so
 * the observations scattered over the dataset arrive many at a time, and the counting that
 * follows finds them in cache. */
static void load_outcome_days(const struct dataset *d, uint64_t *entries, size_t n)
{
    for (size_t k = 0; k < n; k++) {
        uint32_t i = (uint32_t)entries[k];
        entries[k] = (uint64_t)((int64_t)d->outcomes[i].observed_on - DAY_NONE) << 32 | i;
    }
}

/* One block of persons: its attendances and outcomes sorted by person (in L2), then each
 * person counted. */
static void count_block(struct work *w, struct person_pass *ps, const struct blocks *presence,
                        const struct blocks *outcomes, size_t b)
{
    uint64_t *slots = presence->entries + presence->start[b];
    uint64_t *entries = outcomes->entries + outcomes->start[b];
    sort_block(slots, (uint32_t)(presence->start[b + 1] - presence->start[b]), SITE_BITS,
               ps->presence_at, ps->next);
    sort_block(entries, (uint32_t)(outcomes->start[b + 1] - outcomes->start[b]), OUTCOME_TAG_SHIFT,
               ps->outcomes_at, ps->next);
    load_outcome_days(w->data, entries, outcomes->start[b + 1] - outcomes->start[b]);
    size_t first = b << BLOCK_BITS;
    size_t n = w->data->n_persons - first < BLOCK ? w->data->n_persons - first : BLOCK;
    for (size_t q = 0; q < n; q++) {
        uint32_t at = ps->presence_at[q], n_slots = ps->presence_at[q + 1] - at;
        uint32_t out_at = ps->outcomes_at[q], n_out = ps->outcomes_at[q + 1] - out_at;
        if (n_slots > 0)
            count_person(w, ps, (uint32_t)(first + q), slots + at, n_slots);
        if (n_out > 0)
            count_person_outcomes(w, ps, (uint32_t)(first + q), entries + out_at, n_out, slots + at,
                                  n_slots);
    }
}

static struct person_pass *person_pass_new(const struct work *w)
{
    size_t n_sites = w->data->n_sites ? w->data->n_sites : 1;
    size_t n_periods = w->fig->n_periods ? w->fig->n_periods : 1;
    struct person_pass *ps = xcalloc(1, sizeof *ps);
    ps->site_group = xcalloc(n_sites, sizeof *ps->site_group);
    ps->site_person = xcalloc(n_sites, sizeof *ps->site_person);
    period_cache_init(w, &ps->periods);
    ps->pick = (struct latest_pick){xcalloc(n_periods, sizeof *ps->pick.latest),
                                    xcalloc(n_periods, sizeof *ps->pick.stamp),
                                    xcalloc(n_periods, sizeof *ps->pick.touched), 0};
    return ps;
}

static void person_pass_free(struct person_pass *ps)
{
    free(ps->site_group);
    free(ps->site_person);
    free(ps->pick.latest);
    free(ps->pick.stamp);
    free(ps->pick.touched);
    free(ps);
}

/* Attendances, first presence, new and distinct beneficiaries per period, role, sex and
 * site, present sessions per beneficiary, first presence per site, and the outcomes. */
void indicators_count_persons(struct work *w)
{
    struct blocks presence, outcomes;
    struct person_pass *ps = person_pass_new(w);
    group_presence(w->data, &presence);
    group_outcomes(w->data, &outcomes);
    for (size_t b = 0; b < presence.n_blocks; b++)
        count_block(w, ps, &presence, &outcomes, b);
    blocks_free(&presence);
    blocks_free(&outcomes);
    person_pass_free(ps);
}

/* Cumulative beneficiaries: persons first present on or before each period's end. */
void indicators_count_cumulative(struct work *w)
{
    struct figures *f = w->fig;
    size_t n = 0, cap = w->data->n_persons ? w->data->n_persons : 1;
    day_t *firsts = xmalloc(cap * sizeof *firsts), *tmp = xmalloc(cap * sizeof *tmp);
    for (size_t i = 0; i < w->data->n_persons; i++)
        if (w->first_present[i] != DAY_NONE)
            firsts[n++] = w->first_present[i];
    indicators_sort_days(firsts, n, tmp);
    for (size_t k = 0; k < f->n_periods; k++)
        f->periods[k].counts[COUNT_CUMULATIVE_BENEFICIARIES] =
            indicators_count_up_to(firsts, n, f->periods[k].end);
    free(firsts);
    free(tmp);
}

/* ---- dosage ---- */

/* One period from its histogram: the values in ascending order (the sum of whole numbers is
 * exact in any order), beneficiaries by band, and the quartiles. */
static void period_dosage(const struct figures *f, const struct histogram *h,
                          struct period_figures *pf, double *values)
{
    size_t m = 0;
    double sum = 0;
    for (size_t s = 0; s < h->cap; s++) {
        if (h->counts[s] == 0)
            continue;
        int band = band_of(f, (long)s);
        if (band >= 0)
            pf->by_band[band] += h->counts[s];
        for (uint32_t i = 0; i < h->counts[s]; i++) {
            values[m++] = (double)s;
            sum += (double)s;
        }
    }
    struct dosage *dz = &pf->dosage;
    dz->defined = stats_quartiles_sorted(values, m, &dz->q1, &dz->median, &dz->q3);
    dz->mean = m ? sum / (double)m : 0;
}

/* Quartiles of present sessions per beneficiary, and beneficiaries by band, per period. */
void indicators_compute_dosage(struct work *w)
{
    struct figures *f = w->fig;
    size_t most = 1;
    for (size_t p = 0; p < f->n_periods; p++)
        if ((size_t)f->periods[p].counts[COUNT_BENEFICIARIES] > most)
            most = (size_t)f->periods[p].counts[COUNT_BENEFICIARIES];
    double *values = xmalloc(most * sizeof *values);
    for (size_t p = 0; p < f->n_periods; p++)
        period_dosage(f, &w->dosage[p], &f->periods[p], values);
    free(values);
}
