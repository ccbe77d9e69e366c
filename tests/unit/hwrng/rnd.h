/* SPDX-License-Identifier: GPL-2.0-or-later */
/* splitmix64 for the hwrng host tests: fixed seeds, reproducible runs. */
#ifndef HWRNG_RND_H
#define HWRNG_RND_H

#include <stdint.h>

static uint64_t rnd_state;

static uint64_t rnd(void)
{
	uint64_t z = (rnd_state += 0x9e3779b97f4a7c15ULL);

	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
	return z ^ (z >> 31);
}

#endif
