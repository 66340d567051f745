/* seeded_random.h — what the two seeded generators share (the samples/ one for the
 * shipped samples, tests/bench/generate.c for the benchmark): xoshiro256** seeded through
 * splitmix64, an unbiased draw below n, and the proleptic Gregorian calendar in days since
 * 1970-01-01. Same seed, same draws, on every machine: no rand(), no clock.
 *
 * Header-only on purpose: each generator is one file compiled on its own, without the
 * pipeline's library, so that its counts stay an independent check of the pipeline's.
 * The name lists stay in each generator: the samples draw names by origin group with
 * weights, the benchmark composes a long tail of surnames from syllables, and sharing
 * either list would change the committed samples. */
#ifndef IMPACT_SEEDED_RANDOM_H
#define IMPACT_SEEDED_RANDOM_H

#include <stdint.h>

typedef int32_t day_t; /* days since 1970-01-01 */

struct rng {
    uint64_t s[4];
};

static inline uint64_t splitmix64(uint64_t *state)
{
    uint64_t z = (*state += 0x9E3779B97F4A7C15u);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9u;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBu;
    return z ^ (z >> 31);
}

static inline void rng_seed(struct rng *r, uint64_t seed)
{
    for (int i = 0; i < 4; i++)
        r->s[i] = splitmix64(&seed);
}

static inline uint64_t rng_rotl(uint64_t x, int k)
{
    return (x << k) | (x >> (64 - k));
}

/* xoshiro256** (Blackman & Vigna). */
static inline uint64_t rng_next(struct rng *r)
{
    uint64_t *s = r->s;
    uint64_t result = rng_rotl(s[1] * 5, 7) * 9;
    uint64_t t = s[1] << 17;
    s[2] ^= s[0];
    s[3] ^= s[1];
    s[1] ^= s[2];
    s[0] ^= s[3];
    s[2] ^= t;
    s[3] = rng_rotl(s[3], 45);
    return result;
}

/* Uniform in [0, n): draws above the last whole multiple of n are redrawn, so no bias. */
static inline uint64_t rng_below(struct rng *r, uint64_t n)
{
    uint64_t limit = UINT64_MAX - UINT64_MAX % n;
    uint64_t x;
    do
        x = rng_next(r);
    while (x >= limit);
    return x % n;
}

/* Days since 1970-01-01 (H. Hinnant's algorithm). */
static inline day_t days_from_civil(int y, int m, int d)
{
    y -= m <= 2;
    int era = (y >= 0 ? y : y - 399) / 400;
    int yoe = y - era * 400;
    int doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
    int doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    return era * 146097 + doe - 719468;
}

static inline void civil_from_days(day_t z, int *y, int *m, int *d)
{
    z += 719468;
    int era = (z >= 0 ? z : z - 146096) / 146097;
    int doe = z - era * 146097;
    int yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
    int doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    int mp = (5 * doy + 2) / 153;
    *d = doy - (153 * mp + 2) / 5 + 1;
    *m = mp < 10 ? mp + 3 : mp - 9;
    *y = yoe + era * 400 + (*m <= 2);
}

#endif
