/* sort.c — sorting and grouping helpers shared by the counts and the targets: days sorted
 * by a radix sort, how many sorted days fall on or before a day, counts turned into the
 * starts of groups. */
#include "stages/indicators/indicators_private.h"

#include <string.h>

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
void indicators_sort_days(day_t *days, size_t n, day_t *tmp)
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

/* counts[b + 1] → starts: counts[b] becomes where b starts. */
void indicators_counts_to_starts(size_t *counts, size_t n)
{
    for (size_t b = 0; b < n; b++)
        counts[b + 1] += counts[b];
}

/* After a scatter that used start[b] as b's cursor, start[b] is where b + 1 starts: shift
 * them back (saves a second array of cursors). */
void indicators_cursors_to_starts(size_t *start, size_t n)
{
    memmove(start + 1, start, n * sizeof *start);
    start[0] = 0;
}

/* Persons (sorted first-presence days) first present on or before `day`. */
long indicators_count_up_to(const day_t *sorted, size_t n, day_t day)
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
