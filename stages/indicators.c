/* indicators.c — counting the dataset into per-period figures, rates, changes and target
 * progress. Each step is one function over the dataset; see docs/indicators.md for the
 * definitions they implement.
 *
 * Cost (docs/performance.md): everything about a person is counted in one pass over the
 * persons, each with its present attendances sorted by day and its observations at hand.
 * Periods then come in order, so a (person, period) is a run of neighbours and a (person,
 * site, period) a per-site stamp: no hash table, no loop over periods × persons. The
 * attendances are grouped by person in two cache-friendly steps instead of one scattered
 * one: by block of persons as they are read, then by person within a block, which fits
 * in the L2 cache. */
#include "stages/indicators.h"

#include "stages/common/arena.h"
#include "stages/common/fold.h"
#include "stages/common/stats.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char STAGE[] = "indicators";

static const double QUARTER_DAYS = 365.2425 / 4.0;

/* BLOCK_BITS: a block holds 1 << BLOCK_BITS persons, whose attendances (about 256 KB at
 * eight each) sort within L2; SITE_BITS: a site id (below MAX_SITES) in a slot; SMALL_SORT:
 * below it insertion sort beats the general sorts; RADIX_BITS: digit of the days' radix
 * sort, a pass covering five years of days; PERIOD_CACHE: days whose period is remembered,
 * eleven years of them. */
enum {
    MAX_PERIODS = 4096,
    SITE_BITS = 20,
    MAX_SITES = 1 << SITE_BITS,
    BLOCK_BITS = 12,
    BLOCK = 1 << BLOCK_BITS,
    SMALL_SORT = 32,
    RADIX_BITS = 11,
    PERIOD_CACHE = 4096
};

/* Where an outcome entry keeps the person's place in its block (above its index). */
static const unsigned OUTCOME_TAG_SHIFT = 32;

/* Beneficiaries of a period by their number of present sessions in it: counts[s] of them
 * had s. Dosage needs the values only in order, and they are small whole numbers. */
struct histogram {
    uint32_t *counts;
    size_t cap;
};

/* A target-role person's first present day at a site. */
struct site_first {
    uint32_t site;
    day_t day;
};

/* Outcome counts per period, and per period × dosage band (flattened). */
struct outcome_tally {
    long *employed, *positive, *known;
    long *band_employed, *band_known; /* [period * FIGURES_MAX_BANDS + band] */
};

struct work {
    const struct dataset *data;
    const struct indicators_options *opt;
    struct figures *fig;
    int base_year;
    day_t *first_present;              /* per person; DAY_NONE when never present */
    day_t present_first, present_last; /* over all present attendances; DAY_NONE when none */
    struct histogram *dosage;          /* per period */
    struct outcome_tally tally;
    struct site_first *site_firsts;
    size_t n_site_firsts, site_firsts_cap;
};

/* Entries grouped by block of persons: block b's are entries[start[b] .. start[b + 1]),
 * each tagged with its person's place in the block. */
struct blocks {
    size_t n_blocks;
    size_t *start;
    uint64_t *entries;
};

/* period_of for the days of many attendances: a direct-mapped cache that fits in L1. */
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

/* ---- periods ---- */

static int period_year(const struct work *w, day_t day)
{
    int y, m, d;
    date_to_ymd(day, &y, &m, &d);
    if (w->opt->period_kind == PERIOD_SCHOOL_YEAR && m < w->opt->school_year_start_month)
        y--;
    return y;
}

/* Index of the period holding `day`, or -1 outside the periods. */
static int period_of(const struct work *w, day_t day)
{
    long i = (long)period_year(w, day) - w->base_year;
    return i >= 0 && i < (long)w->fig->n_periods ? (int)i : -1;
}

static void label_period(const struct work *w, int year, struct period_figures *p)
{
    int start_month =
        w->opt->period_kind == PERIOD_SCHOOL_YEAR ? w->opt->school_year_start_month : 1;
    day_t next = 0;
    date_from_ymd(year, start_month, 1, &p->start);
    date_from_ymd(year + 1, start_month, 1, &next);
    p->end = next - 1;
    if (start_month == 1)
        snprintf(p->label, sizeof p->label, "%04d", year % 10000);
    else
        snprintf(p->label, sizeof p->label, "%04d-%04d", year % 10000, (year + 1) % 10000);
}

static void data_range(const struct dataset *d, day_t *first, day_t *last)
{
    for (size_t i = 0; i < d->n_sessions; i++) {
        day_t day = d->sessions[i].date;
        *first = *first == DAY_NONE || day < *first ? day : *first;
        *last = *last == DAY_NONE || day > *last ? day : *last;
    }
    for (size_t i = 0; i < d->n_outcomes; i++) {
        day_t day = d->outcomes[i].observed_on;
        *first = *first == DAY_NONE || day < *first ? day : *first;
        *last = *last == DAY_NONE || day > *last ? day : *last;
    }
}

static int build_periods(struct work *w, struct impact_error *err)
{
    day_t first = w->opt->first, last = w->opt->last;
    day_t data_first = DAY_NONE, data_last = DAY_NONE;
    data_range(w->data, &data_first, &data_last);
    first = first != DAY_NONE ? first : data_first;
    last = last != DAY_NONE ? last : data_last;
    if (first == DAY_NONE || last == DAY_NONE || last < first)
        return IMPACT_OK; /* no data and no window: no periods */
    w->base_year = period_year(w, first);
    long n = (long)period_year(w, last) - w->base_year + 1;
    if (n > MAX_PERIODS)
        return impact_fail(err, STAGE, NULL, 0, 0, "%ld periods is more than the %d supported", n,
                           MAX_PERIODS);
    struct figures *f = w->fig;
    f->n_periods = (size_t)n;
    f->periods = xcalloc(f->n_periods, sizeof *f->periods);
    for (size_t i = 0; i < f->n_periods; i++) {
        label_period(w, w->base_year + (int)i, &f->periods[i]);
        f->periods[i].by_site = xcalloc(f->n_sites ? f->n_sites : 1, sizeof(long));
        f->periods[i].site_changes =
            xcalloc(f->n_sites ? f->n_sites : 1, sizeof *f->periods[i].site_changes);
    }
    return IMPACT_OK;
}

/* Data stop at the latest session date (beneficiaries come from sessions; an observation
 * after it is a follow-up, not activity): a period ending more than partial_gap_days after
 * it is partial. */
static void mark_partial(struct work *w)
{
    struct figures *f = w->fig;
    f->data_last = DAY_NONE;
    for (size_t i = 0; i < w->data->n_sessions; i++) {
        day_t day = w->data->sessions[i].date;
        f->data_last = f->data_last == DAY_NONE || day > f->data_last ? day : f->data_last;
    }
    long gap = w->opt->partial_gap_days > 0 ? w->opt->partial_gap_days : 0;
    for (size_t i = 0; i < f->n_periods; i++) {
        struct period_figures *p = &f->periods[i];
        p->partial = f->data_last != DAY_NONE && (long)p->end - (long)f->data_last > gap;
        p->data_until = p->partial ? f->data_last : DAY_NONE;
    }
}

/* ---- sorting ---- */

static void insertion_sort_days(day_t *days, size_t n)
{
    for (size_t i = 1; i < n; i++) {
        day_t v = days[i];
        size_t j = i;
        for (; j > 0 && days[j - 1] > v; j--)
            days[j] = days[j - 1];
        days[j] = v;
    }
}

static unsigned radix_digit(day_t day, day_t lo, unsigned shift)
{
    return ((uint32_t)((int64_t)day - lo) >> shift) & ((1u << RADIX_BITS) - 1);
}

/* One stable counting pass on the digit at `shift` of each day's offset from `lo`. */
static void radix_pass(const day_t *from, day_t *to, size_t n, day_t lo, unsigned shift)
{
    size_t start[1 << RADIX_BITS] = {0};
    for (size_t i = 0; i < n; i++)
        start[radix_digit(from[i], lo, shift)]++;
    size_t sum = 0;
    for (size_t b = 0; b < (size_t)1 << RADIX_BITS; b++) {
        size_t count = start[b];
        start[b] = sum;
        sum += count;
    }
    for (size_t i = 0; i < n; i++)
        to[start[radix_digit(from[i], lo, shift)]++] = from[i];
}

/* Sorts days ascending; `tmp` holds n days. Many days span few years, so an LSD radix sort
 * on the offset from the earliest takes one pass where qsort took n log n comparisons. */
static void sort_days(day_t *days, size_t n, day_t *tmp)
{
    if (n <= SMALL_SORT) {
        insertion_sort_days(days, n);
    } else {
        day_t lo = days[0], hi = days[0];
        for (size_t i = 1; i < n; i++) {
            lo = days[i] < lo ? days[i] : lo;
            hi = days[i] > hi ? days[i] : hi;
        }
        uint32_t range = (uint32_t)((int64_t)hi - lo);
        day_t *from = days, *to = tmp;
        for (unsigned shift = 0; shift < 32 && range >> shift != 0; shift += RADIX_BITS) {
            radix_pass(from, to, n, lo, shift);
            day_t *t = from;
            from = to;
            to = t;
        }
        if (from != days)
            memcpy(days, from, n * sizeof *days);
    }
}

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

/* counts[b + 1] → starts: counts[b] becomes where b starts. */
static void counts_to_starts(size_t *counts, size_t n)
{
    for (size_t b = 0; b < n; b++)
        counts[b + 1] += counts[b];
}

/* After a scatter that used start[b] as b's cursor, start[b] is where b + 1 starts: shift
 * them back (saves a second array of cursors). */
static void cursors_to_starts(size_t *start, size_t n)
{
    memmove(start + 1, start, n * sizeof *start);
    start[0] = 0;
}

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
    counts_to_starts(start, n_blocks);
    uint64_t *slots = xmalloc((start[n_blocks] ? start[n_blocks] : 1) * sizeof *slots);
    for (size_t i = 0; i < d->n_attendances; i++) {
        const struct attendance_record *a = &d->attendances[i];
        const struct session_record *s = &d->sessions[a->session];
        if (a->present)
            slots[start[a->person >> BLOCK_BITS]++] = slot_of(s->date, a->person, s->site);
    }
    cursors_to_starts(start, n_blocks);
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
    counts_to_starts(start, n_blocks);
    uint64_t *entries = xmalloc((start[n_blocks] ? start[n_blocks] : 1) * sizeof *entries);
    for (size_t i = 0; i < d->n_outcomes; i++) {
        uint32_t person = d->outcomes[i].person;
        if (person != DATASET_NO_PERSON)
            entries[start[person >> BLOCK_BITS]++] =
                (uint64_t)(person & (BLOCK - 1)) << OUTCOME_TAG_SHIFT | i;
    }
    cursors_to_starts(start, n_blocks);
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

static void count_sessions(struct work *w)
{
    const struct dataset *d = w->data;
    for (size_t i = 0; i < d->n_sessions; i++) {
        const struct session_record *s = &d->sessions[i];
        int p = period_of(w, s->date);
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
        c->period[i] = (int16_t)period_of(w, i);
    }
}

static int cached_period(const struct work *w, struct period_cache *c, day_t day)
{
    size_t i = (uint32_t)day % PERIOD_CACHE;
    if (c->day[i] != day) {
        c->day[i] = day;
        c->period[i] = (int16_t)period_of(w, day);
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

static bool counts_towards_target(const struct work *w, uint32_t person)
{
    return w->opt->target_roles[w->data->persons[person].role];
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
static void count_persons(struct work *w)
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

/* Persons (sorted first-presence days) first present on or before `day`. */
static long count_up_to(const day_t *sorted, size_t n, day_t day)
{
    size_t lo = 0, hi = n;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (sorted[mid] <= day)
            lo = mid + 1;
        else
            hi = mid;
    }
    return (long)lo;
}

/* Cumulative beneficiaries: persons first present on or before each period's end. */
static void count_cumulative(struct work *w)
{
    struct figures *f = w->fig;
    size_t n = 0, cap = w->data->n_persons ? w->data->n_persons : 1;
    day_t *firsts = xmalloc(cap * sizeof *firsts), *tmp = xmalloc(cap * sizeof *tmp);
    for (size_t i = 0; i < w->data->n_persons; i++)
        if (w->first_present[i] != DAY_NONE)
            firsts[n++] = w->first_present[i];
    sort_days(firsts, n, tmp);
    for (size_t k = 0; k < f->n_periods; k++)
        f->periods[k].counts[COUNT_CUMULATIVE_BENEFICIARIES] =
            count_up_to(firsts, n, f->periods[k].end);
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
static void compute_dosage(struct work *w)
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

/* ---- rates ---- */

static void tally_new(struct outcome_tally *t, size_t n_periods)
{
    size_t n = n_periods ? n_periods : 1;
    *t = (struct outcome_tally){
        xcalloc(n, sizeof(long)),
        xcalloc(n, sizeof(long)),
        xcalloc(n, sizeof(long)),
        xcalloc(n * FIGURES_MAX_BANDS, sizeof(long)),
        xcalloc(n * FIGURES_MAX_BANDS, sizeof(long)),
    };
}

static void tally_free(struct outcome_tally *t)
{
    free(t->employed);
    free(t->positive);
    free(t->known);
    free(t->band_employed);
    free(t->band_known);
}

static void compute_rates(struct work *w)
{
    struct figures *f = w->fig;
    const struct outcome_tally *t = &w->tally;
    double conf = w->opt->confidence;
    for (size_t i = 0; i < f->n_periods; i++) {
        struct period_figures *p = &f->periods[i];
        long known = p->counts[COUNT_SESSIONS] - p->counts[COUNT_QPV_UNKNOWN_SESSIONS];
        p->rates[RATE_QPV_SHARE] = stats_rate(p->counts[COUNT_QPV_SESSIONS], known, conf);
        p->rates[RATE_EMPLOYMENT] = stats_rate(t->employed[i], t->known[i], conf);
        p->rates[RATE_POSITIVE_OUTCOME] = stats_rate(t->positive[i], t->known[i], conf);
        p->rates[RATE_SHARE_GIRLS] =
            stats_rate(p->by_sex[SEX_F], p->by_sex[SEX_F] + p->by_sex[SEX_M], conf);
        for (size_t b = 0; b < f->n_bands; b++)
            p->employment_by_band[b] = stats_rate(t->band_employed[i * FIGURES_MAX_BANDS + b],
                                                  t->band_known[i * FIGURES_MAX_BANDS + b], conf);
    }
}

static void split_changes(struct count_change *out, const long *previous, const long *current,
                          size_t n)
{
    for (size_t i = 0; i < n; i++)
        out[i] = figures_count_change(previous[i], current[i]);
}

/* Every count of `cur` against `prev`: counts, split cells, and each rate's two terms. */
static void period_changes(struct period_figures *cur, const struct period_figures *prev,
                           size_t n_sites)
{
    cur->has_previous = true;
    cur->changes_partial = cur->partial || prev->partial;
    split_changes(cur->count_changes, prev->counts, cur->counts, COUNT_KINDS);
    split_changes(cur->role_changes, prev->by_role, cur->by_role, ROLE_COUNT);
    split_changes(cur->sex_changes, prev->by_sex, cur->by_sex, SEX_COUNT);
    split_changes(cur->site_changes, prev->by_site, cur->by_site, n_sites);
    for (int k = 0; k < RATE_KINDS; k++) {
        const struct rate *a = &prev->rates[k], *b = &cur->rates[k];
        cur->numerator_changes[k] = figures_count_change(a->numerator, b->numerator);
        cur->denominator_changes[k] = figures_count_change(a->denominator, b->denominator);
        cur->rate_changes[k] =
            stats_compare_rates(a->numerator, a->denominator, b->numerator, b->denominator);
    }
}

static void compute_changes(struct work *w)
{
    struct figures *f = w->fig;
    for (size_t i = 1; i < f->n_periods; i++)
        period_changes(&f->periods[i], &f->periods[i - 1], f->n_sites);
}

/* ---- target ---- */

/* Quarter ends from the first to the last present attendance. */
static size_t quarter_ends(const struct work *w, day_t **out)
{
    day_t first = w->present_first, last = w->present_last;
    size_t n = 0, cap = 0;
    *out = NULL;
    for (day_t q = first; first != DAY_NONE && q <= last; q = date_quarter_end(q) + 1) {
        xgrow((void **)out, &cap, n, sizeof **out);
        (*out)[n++] = date_quarter_end(q);
    }
    return n;
}

/* Cumulative counts at each quarter end from the first-presence days (sorted), the count by
 * the deadline, and the day the target was reached when it was. */
static void fill_trajectory(struct target_progress *t, const day_t *ends, size_t n_ends,
                            const day_t *firsts, size_t n_firsts, day_t deadline)
{
    t->has_deadline = deadline != DAY_NONE;
    t->reached_by_deadline = t->has_deadline ? count_up_to(firsts, n_firsts, deadline) : 0;
    t->progress_by_deadline =
        t->target > 0 ? (double)t->reached_by_deadline / (double)t->target : 0;
    t->projection.reached_on =
        t->target > 0 && (size_t)t->target <= n_firsts ? firsts[t->target - 1] : DAY_NONE;
    t->n_quarters = n_ends;
    t->quarters = xcalloc(n_ends ? n_ends : 1, sizeof *t->quarters);
    size_t k = 0;
    for (size_t q = 0; q < n_ends; q++) {
        while (k < n_firsts && firsts[k] <= ends[q])
            k++;
        int y, m, d;
        date_to_ymd(ends[q], &y, &m, &d);
        struct quarter_point *pt = &t->quarters[q];
        unsigned year = (unsigned)y % 10000u, quarter = (unsigned)(m + 2) / 3u % 10u;
        snprintf(pt->label, sizeof pt->label, "%04u-Q%u", year, quarter);
        pt->end = ends[q];
        pt->cumulative = (long)k;
    }
    t->reached = n_ends ? t->quarters[n_ends - 1].cumulative : 0;
    t->last_quarter_end = n_ends ? ends[n_ends - 1] : DAY_NONE;
    t->progress = t->target > 0 ? (double)t->reached / (double)t->target : 0;
}

/* `until`: the data stop when the last period is partial (else DAY_NONE): a quarter ending
 * after it holds the count at that day, so the fit places it there, not at its end. */
static void project(struct target_progress *t, day_t deadline, int fit_quarters, day_t until)
{
    struct projection *pr = &t->projection;
    *pr = (struct projection){.defined = false, .reached_on = pr->reached_on};
    if (t->target <= 0) {
        pr->reason = "no target set";
        return;
    }
    if (pr->reached_on != DAY_NONE) {
        pr->reason = "target already reached";
        pr->on_track_known = true;
        pr->on_track = deadline == DAY_NONE || pr->reached_on <= deadline;
        return;
    }
    size_t n = t->n_quarters < (size_t)fit_quarters ? t->n_quarters : (size_t)fit_quarters;
    if (n < 2) {
        pr->reason = "fewer than two quarters of data";
        return;
    }
    /* x in quarters (of 365.2425 / 4 days) from the first point fitted: the band's search
     * range in stats_linear_crossing (STATS_CROSSING_HORIZON units) is then a century */
    const struct quarter_point *pts = t->quarters + (t->n_quarters - n);
    double *x = xcalloc(n, sizeof *x), *y = xcalloc(n, sizeof *y), slope, cross, low, high;
    for (size_t i = 0; i < n; i++) {
        day_t day = until != DAY_NONE && pts[i].end > until ? until : pts[i].end;
        x[i] = (double)(day - pts[0].end) / QUARTER_DAYS;
        y[i] = (double)pts[i].cumulative;
    }
    bool crosses = stats_linear_crossing(x, y, n, (double)t->target, &slope, &cross, &pr->has_band,
                                         &low, &high, &pr->reason);
    free(x);
    free(y);
    if (!crosses)
        return;
    if (cross > STATS_CROSSING_HORIZON) {
        pr->reason = "trend too flat to reach the target within a century";
        return;
    }
    pr->defined = true;
    pr->quarters_used = (int)n;
    pr->slope_per_quarter = slope;
    pr->date = pts[0].end + (day_t)lround(cross * QUARTER_DAYS);
    pr->earliest = pr->has_band ? pts[0].end + (day_t)floor(low * QUARTER_DAYS) : DAY_NONE;
    pr->latest = pr->has_band ? pts[0].end + (day_t)ceil(high * QUARTER_DAYS) : DAY_NONE;
    pr->has_band = pr->has_band && pr->latest != DAY_NONE;
    pr->on_track_known = deadline != DAY_NONE;
    pr->on_track = deadline != DAY_NONE && pr->date <= deadline;
}

/* ---- site targets against the data's sites ---- */

enum { FOLD_CAP = 512, SITES_LISTED = 8 };

struct site_distance {
    size_t site;
    int distance;
};

static int compare_distances(const void *a, const void *b)
{
    const struct site_distance *x = a, *y = b;
    if (x->distance != y->distance)
        return x->distance < y->distance ? -1 : 1;
    return (x->site > y->site) - (x->site < y->site); /* ties in the data's order */
}

/* "…; sites found: "A", "B" and 3 more" — the sites nearest the unmatched name first. */
static void list_nearest_sites(const struct dataset *d, char (*folded)[FOLD_CAP], const char *want,
                               char *out, size_t cap)
{
    struct site_distance *order = xmalloc((d->n_sites ? d->n_sites : 1) * sizeof *order);
    for (size_t s = 0; s < d->n_sites; s++)
        order[s] = (struct site_distance){s, fold_edit_distance(want, folded[s], FOLD_CAP)};
    qsort(order, d->n_sites, sizeof *order, compare_distances);
    size_t used = 0, shown = d->n_sites < SITES_LISTED ? d->n_sites : SITES_LISTED;
    out[0] = '\0';
    for (size_t i = 0; i < shown && used < cap; i++)
        used += (size_t)snprintf(out + used, cap - used, "%s\"%s\"",
                                 i == 0                                  ? ""
                                 : i + 1 == shown && shown == d->n_sites ? " and "
                                                                         : ", ",
                                 d->site_names[order[i].site]);
    if (shown < d->n_sites && used < cap)
        snprintf(out + used, cap - used, " and %zu more", d->n_sites - shown);
    free(order);
}

/* The site `folded_target` names, or -1. */
static long find_site(const struct dataset *d, char (*folded)[FOLD_CAP], const char *folded_target)
{
    for (size_t s = 0; s < d->n_sites; s++)
        if (strcmp(folded[s], folded_target) == 0)
            return (long)s;
    return -1;
}

static int site_target_error(const struct work *w, char (*folded)[FOLD_CAP], size_t i,
                             const char *want, struct impact_error *err)
{
    const char *name = w->opt->site_targets[i].site, *file = w->opt->config_path;
    if (w->data->n_sites == 0)
        return impact_fail(err, "config", file, 0, 0,
                           "target.sites.\"%s\": the data have no site at all; remove the entry",
                           name);
    char sites[IMPACT_MSG_MAX / 2];
    list_nearest_sites(w->data, folded, want, sites, sizeof sites);
    return impact_fail(err, "config", file, 0, 0,
                       "target.sites.\"%s\": no site of that name in the data; sites found: %s. "
                       "Write the site as it is in the data, or remove the entry.",
                       name, sites);
}

/* Every site target names a site of the data (folded: case, accents and spaces do not
 * matter), and no two name the same one: an entry the figures would not use is an error. */
static int check_site_targets(const struct work *w, struct impact_error *err)
{
    const struct indicators_options *o = w->opt;
    const struct dataset *d = w->data;
    if (o->n_site_targets == 0)
        return IMPACT_OK;
    char(*folded)[FOLD_CAP] = xmalloc((d->n_sites ? d->n_sites : 1) * sizeof *folded);
    long *matched = xmalloc(o->n_site_targets * sizeof *matched);
    char want[FOLD_CAP];
    int status = IMPACT_OK;
    for (size_t s = 0; s < d->n_sites; s++)
        fold_label(d->site_names[s], strlen(d->site_names[s]), folded[s], FOLD_CAP);
    for (size_t i = 0; i < o->n_site_targets && status == IMPACT_OK; i++) {
        const char *name = o->site_targets[i].site;
        fold_label(name, strlen(name), want, sizeof want);
        matched[i] = find_site(d, folded, want);
        if (matched[i] < 0)
            status = site_target_error(w, folded, i, want, err);
        for (size_t j = 0; j < i && status == IMPACT_OK; j++)
            if (matched[j] == matched[i])
                status = impact_fail(err, "config", o->config_path, 0, 0,
                                     "target.sites.\"%s\" and target.sites.\"%s\" both name the "
                                     "site \"%s\"; keep one of them.",
                                     o->site_targets[j].site, name, d->site_names[matched[i]]);
    }
    free(folded);
    free(matched);
    return status;
}

static day_t partial_until(const struct figures *f)
{
    return f->n_periods && f->periods[f->n_periods - 1].partial ? f->data_last : DAY_NONE;
}

static long site_target(const struct work *w, const char *site)
{
    char a[512], b[512];
    fold_label(site, strlen(site), a, sizeof a);
    for (size_t i = 0; i < w->opt->n_site_targets; i++) {
        const char *name = w->opt->site_targets[i].site;
        fold_label(name, strlen(name), b, sizeof b);
        if (strcmp(a, b) == 0)
            return w->opt->site_targets[i].target;
    }
    return 0;
}

/* The target-role persons' first present days grouped by site (counting sort), each site's
 * sorted: site s's are days[offsets[s] .. offsets[s + 1]). Frees the pairs. */
static day_t *site_first_days(struct work *w, size_t **offsets_out)
{
    size_t n_sites = w->fig->n_sites, n = w->n_site_firsts;
    size_t *offsets = xcalloc(n_sites + 1, sizeof *offsets);
    for (size_t i = 0; i < n; i++)
        offsets[w->site_firsts[i].site + 1]++;
    counts_to_starts(offsets, n_sites);
    day_t *days = xmalloc((n ? n : 1) * sizeof *days), *tmp = xmalloc((n ? n : 1) * sizeof *tmp);
    for (size_t i = 0; i < n; i++)
        days[offsets[w->site_firsts[i].site]++] = w->site_firsts[i].day;
    cursors_to_starts(offsets, n_sites);
    free(w->site_firsts);
    w->site_firsts = NULL;
    for (size_t s = 0; s < n_sites; s++)
        sort_days(days + offsets[s], offsets[s + 1] - offsets[s], tmp);
    free(tmp);
    *offsets_out = offsets;
    return days;
}

static void compute_site_targets(struct work *w, const day_t *ends, size_t n_ends)
{
    struct figures *f = w->fig;
    size_t *offsets;
    day_t *days = site_first_days(w, &offsets);
    f->sites = xcalloc(f->n_sites ? f->n_sites : 1, sizeof *f->sites);
    for (size_t s = 0; s < f->n_sites; s++) {
        struct target_progress *t = &f->sites[s];
        t->name = f->site_names[s];
        t->target = site_target(w, t->name);
        fill_trajectory(t, ends, n_ends, days + offsets[s], offsets[s + 1] - offsets[s],
                        f->deadline);
        project(t, f->deadline, w->opt->trend_quarters, partial_until(f));
    }
    free(days);
    free(offsets);
}

static void compute_targets(struct work *w)
{
    struct figures *f = w->fig;
    size_t cap = w->data->n_persons ? w->data->n_persons : 1;
    day_t *ends, *firsts = xmalloc(cap * sizeof *firsts), *tmp = xmalloc(cap * sizeof *tmp);
    size_t n_ends = quarter_ends(w, &ends), n = 0;
    for (size_t i = 0; i < w->data->n_persons; i++)
        if (w->first_present[i] != DAY_NONE && counts_towards_target(w, (uint32_t)i))
            firsts[n++] = w->first_present[i];
    sort_days(firsts, n, tmp);
    free(tmp);
    f->overall.name = "overall";
    f->overall.target = w->opt->target;
    fill_trajectory(&f->overall, ends, n_ends, firsts, n, f->deadline);
    project(&f->overall, f->deadline, w->opt->trend_quarters, partial_until(f));
    compute_site_targets(w, ends, n_ends);
    free(firsts);
    free(ends);
}

/* ---- entry points ---- */

/* Sizes beyond what the indicators can index: sites in a slot's SITE_BITS, attendances and
 * outcomes in 32-bit positions. */
static int check_sizes(struct work *w, struct impact_error *err)
{
    int status;
    if (w->data->n_sites >= MAX_SITES)
        status = impact_fail(err, STAGE, NULL, 0, 0, "more than %d sites", MAX_SITES);
    else if (w->data->n_attendances > UINT32_MAX || w->data->n_outcomes > UINT32_MAX)
        status = impact_fail(err, STAGE, NULL, 0, 0, "more than %lu attendances or outcomes",
                             (unsigned long)UINT32_MAX);
    else
        status = build_periods(w, err);
    return status;
}

static void compute_all(struct work *w)
{
    const struct dataset *d = w->data;
    w->first_present = xmalloc((d->n_persons ? d->n_persons : 1) * sizeof(day_t));
    for (size_t i = 0; i < d->n_persons; i++)
        w->first_present[i] = DAY_NONE;
    w->present_first = w->present_last = DAY_NONE;
    w->dosage = xcalloc(w->fig->n_periods ? w->fig->n_periods : 1, sizeof *w->dosage);
    tally_new(&w->tally, w->fig->n_periods);
    mark_partial(w);
    count_sessions(w);
    count_persons(w);
    count_cumulative(w);
    compute_dosage(w);
    compute_rates(w);
    compute_changes(w);
    compute_targets(w);
    for (size_t p = 0; p < w->fig->n_periods; p++)
        free(w->dosage[p].counts);
    free(w->dosage);
    tally_free(&w->tally);
    free(w->first_present);
}

int indicators_compute(const struct dataset *data, const struct indicators_options *options,
                       struct figures **out, struct impact_error *err)
{
    struct figures *f = xcalloc(1, sizeof *f);
    struct work w = {.data = data, .opt = options, .fig = f};
    f->n_sites = data->n_sites;
    f->site_names = data->site_names;
    f->data_last = DAY_NONE;
    f->confidence = options->confidence;
    f->deadline = options->deadline;
    f->n_bands = options->n_bands < FIGURES_MAX_BANDS ? options->n_bands : FIGURES_MAX_BANDS;
    memcpy(f->bands, options->bands, f->n_bands * sizeof *f->bands);
    int status = check_sizes(&w, err);
    if (status == IMPACT_OK)
        status = check_site_targets(&w, err);
    if (status == IMPACT_OK)
        compute_all(&w);
    *out = f;
    return status;
}

void indicators_free(struct figures *f)
{
    if (!f)
        return;
    for (size_t i = 0; i < f->n_periods; i++) {
        free(f->periods[i].by_site);
        free(f->periods[i].site_changes);
    }
    free(f->periods);
    free(f->overall.quarters);
    for (size_t s = 0; f->sites && s < f->n_sites; s++)
        free(f->sites[s].quarters);
    free(f->sites);
    free(f);
}
