// SPDX-License-Identifier: GPL-2.0-only OR LGPL-2.1-or-later
/*
 * Seeding of xoshiro256** (see smtj_xoshiro.h).
 */
#include "smtj_xoshiro.h"

/* splitmix64: the next output of the sequence whose state is @x. */
u64 smtj_splitmix64(u64 *x)
{
	u64 z = (*x += 0x9e3779b97f4a7c15ULL);

	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
	return z ^ (z >> 31);
}

/*
 * The state @s (SMTJ_XOSHIRO_WORDS words) from the first four outputs of
 * splitmix64 started at @seed: never all zero, and nearby seeds give
 * unrelated streams.
 */
void smtj_xoshiro_seed(u64 *s, u64 seed)
{
	int i;

	for (i = 0; i < SMTJ_XOSHIRO_WORDS; i++)
		s[i] = smtj_splitmix64(&seed);
}
