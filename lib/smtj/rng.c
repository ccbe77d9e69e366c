// SPDX-License-Identifier: LGPL-2.1-or-later
/* Seeding of the per-handle xoshiro256** generators. */
#include "smtj-internal.h"

void srng_seed(struct srng *r, uint64_t seed, uint64_t a, uint64_t b)
{
	/* Hash (a, b) into the splitmix start so neighbouring streams and
	 * nodes start far apart in splitmix's sequence, not one step.  The
	 * state cannot be all zero: splitmix64 is a bijection, so at most
	 * one of four consecutive outputs is zero. */
	uint64_t x = seed;
	uint64_t ha = a, hb = b;

	x ^= smtj_splitmix64(&ha) + 0x5851f42d4c957f2dULL;
	x ^= smtj_rotl64(smtj_splitmix64(&hb), 17);
	smtj_xoshiro_seed(r->s, x);
}
