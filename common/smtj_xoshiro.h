/* SPDX-License-Identifier: GPL-2.0-only OR LGPL-2.1-or-later */
/*
 * xoshiro256** (Blackman and Vigna), seeded through splitmix64: the one
 * pseudo-random generator of the project.  The simulated junction array
 * of smtj.ko, libsmtj's noise sources and libdanp's initialisation and
 * shuffling all draw from it, so that a seed names the same stream
 * everywhere.  Not cryptographic; integer only.
 *
 * The step is inline: it is the inner loop of the simulator and of the
 * noise sources, where a call would cost as much as the step.
 */
#ifndef SMTJ_XOSHIRO_H
#define SMTJ_XOSHIRO_H

#include "smtj_types.h"

#define SMTJ_XOSHIRO_WORDS	4

static inline u64 smtj_rotl64(u64 x, int k)
{
	return (x << k) | (x >> (64 - k));
}

/* The next 64-bit output; advances @s. */
static inline u64 smtj_xoshiro_next(u64 *s)
{
	u64 r = smtj_rotl64(s[1] * 5, 7) * 9;
	u64 t = s[1] << 17;

	s[2] ^= s[0];
	s[3] ^= s[1];
	s[1] ^= s[2];
	s[0] ^= s[3];
	s[2] ^= t;
	s[3] = smtj_rotl64(s[3], 45);
	return r;
}

u64 smtj_splitmix64(u64 *x);
void smtj_xoshiro_seed(u64 *s, u64 seed);

#endif /* SMTJ_XOSHIRO_H */
