// SPDX-License-Identifier: LGPL-2.1-or-later
/* Seeding of the per-handle xoshiro256** generators. */
#include "smtj-internal.h"

static uint64_t splitmix(uint64_t *x)
{
	uint64_t z = (*x += 0x9e3779b97f4a7c15ULL);

	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
	return z ^ (z >> 31);
}

void srng_seed(struct srng *r, uint64_t seed, uint64_t a, uint64_t b)
{
	/* Hash (a, b) into the splitmix start so neighbouring streams and
	 * nodes start far apart in splitmix's sequence, not one step. */
	uint64_t x = seed;
	uint64_t ha = a, hb = b;

	x ^= splitmix(&ha) + 0x5851f42d4c957f2dULL;
	x ^= srng_rotl(splitmix(&hb), 17);
	for (int i = 0; i < 4; i++)
		r->s[i] = splitmix(&x);
	if (!(r->s[0] | r->s[1] | r->s[2] | r->s[3]))
		r->s[0] = 1;	/* the all-zero state is a fixed point */
}
