// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * xoshiro256** seeded through splitmix64: small, fast, and reproducible
 * across platforms (only 64-bit integer arithmetic).
 */
#include <math.h>
#include "danp-internal.h"

static uint64_t splitmix64(uint64_t *x)
{
	uint64_t z = (*x += 0x9e3779b97f4a7c15ULL);

	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
	return z ^ (z >> 31);
}

void danp_rng_seed(struct danp_rng *r, uint64_t seed)
{
	for (int i = 0; i < 4; i++)
		r->s[i] = splitmix64(&seed);
}

static uint64_t rotl(uint64_t x, int k)
{
	return (x << k) | (x >> (64 - k));
}

uint64_t danp_rng_next(struct danp_rng *r)
{
	uint64_t *s = r->s;
	uint64_t res = rotl(s[1] * 5, 7) * 9, t = s[1] << 17;

	s[2] ^= s[0];
	s[3] ^= s[1];
	s[1] ^= s[2];
	s[0] ^= s[3];
	s[2] ^= t;
	s[3] = rotl(s[3], 45);
	return res;
}

double danp_rng_uniform(struct danp_rng *r)
{
	return (double)(danp_rng_next(r) >> 11) * 0x1.0p-53;
}

double danp_rng_normal(struct danp_rng *r)
{
	/* Box-Muller; 1 - u keeps the logarithm finite. */
	double u = 1.0 - danp_rng_uniform(r), v = danp_rng_uniform(r);

	return sqrt(-2.0 * log(u)) * cos(6.283185307179586 * v);
}

void danp_shuffle(size_t *perm, size_t n, struct danp_rng *r)
{
	for (size_t i = 0; i < n; i++)
		perm[i] = i;
	for (size_t i = n; i > 1; i--) {
		size_t j = (size_t)(danp_rng_uniform(r) * (double)i), t;

		t = perm[i - 1];
		perm[i - 1] = perm[j];
		perm[j] = t;
	}
}
