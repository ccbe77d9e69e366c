// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * libdanp's random numbers: the project's xoshiro256** (common/), small,
 * fast and reproducible across platforms, and what libdanp draws from it.
 */
#include <math.h>
#include "danp-internal.h"
#include "smtj_xoshiro.h"

void danp_rng_seed(struct danp_rng *r, uint64_t seed)
{
	smtj_xoshiro_seed(r->s, seed);
}

uint64_t danp_rng_next(struct danp_rng *r)
{
	return smtj_xoshiro_next(r->s);
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
