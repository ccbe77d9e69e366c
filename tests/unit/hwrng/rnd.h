/* SPDX-License-Identifier: GPL-2.0-or-later */
/* splitmix64 for the hwrng host tests: fixed seeds, reproducible runs. */
#ifndef HWRNG_RND_H
#define HWRNG_RND_H

#include <stdint.h>
#include "smtj_xoshiro.h"

static uint64_t rnd_state;

static uint64_t rnd(void)
{
	return smtj_splitmix64(&rnd_state);
}

#endif
