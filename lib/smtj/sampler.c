// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * The paper's Arduino sampler: the board keeps the @window latest samples
 * of one junction; each request lets @advance new samples arrive (1 ms at
 * 1 kHz = 1 sample) and returns the window shuffled.  Requests larger than
 * a window take several windows in turn.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include "smtj-internal.h"

struct smtj_sampler {
	unsigned int window, advance;
	int primed;
	struct srng rng;
	float *ring;		/* the window, oldest first */
	float *tmp;
	uint32_t *perm;
};

int smtj_sampler_create(struct smtj_sampler **out, unsigned int window,
			unsigned int advance, uint64_t seed,
			struct smtj_err *err)
{
	struct smtj_sampler *sm;

	if (window < 1 || window > (1U << 20) || advance < 1 || advance > window)
		return smtj_seterr(err, -EINVAL,
				   "noise: sampler window=%u advance=%u (need 1 <= advance <= window <= 2^20)",
				   window, advance);
	sm = calloc(1, sizeof(*sm));
	if (!sm)
		return smtj_seterr(err, -ENOMEM, "noise: out of memory");
	sm->window = window;
	sm->advance = advance;
	sm->ring = calloc(window, sizeof(float));
	sm->tmp = calloc(window, sizeof(float));
	sm->perm = calloc(window, sizeof(uint32_t));
	if (!sm->ring || !sm->tmp || !sm->perm) {
		smtj_sampler_destroy(sm);
		return smtj_seterr(err, -ENOMEM, "noise: out of memory");
	}
	smtj_sampler_reseed(sm, seed);
	*out = sm;
	return 0;
}

/* An unprimed window is refilled whole before it is read: its old
 * contents never reach the output. */
void smtj_sampler_reseed(struct smtj_sampler *sm, uint64_t seed)
{
	sm->primed = 0;
	srng_seed(&sm->rng, seed, 0x5a3b1e5ULL, 0);
}

/* One request: let new samples in, shuffle the window. */
static int refresh(struct smtj_sampler *sm, struct smtj_src *src,
		   struct smtj_err *err)
{
	unsigned int w = sm->window, k = sm->primed ? sm->advance : w;
	int ret;

	memmove(sm->ring, sm->ring + k, (w - k) * sizeof(float));
	ret = src->ops->fill(src, 0, sm->ring + (w - k), k, 1, err);
	if (ret)
		return ret;
	sm->primed = 1;
	for (unsigned int i = 0; i < w; i++)
		sm->perm[i] = i;
	for (unsigned int i = w - 1; i > 0; i--) {	/* Fisher–Yates */
		unsigned int j = (unsigned int)(((srng_next(&sm->rng) >> 32) *
						 (uint64_t)(i + 1)) >> 32);
		uint32_t t = sm->perm[i];

		sm->perm[i] = sm->perm[j];
		sm->perm[j] = t;
	}
	for (unsigned int i = 0; i < w; i++)
		sm->tmp[i] = sm->ring[sm->perm[i]];
	return 0;
}

int smtj_sampler_fill(struct smtj_sampler *sm, struct smtj_src *src,
		      float *out, size_t n, struct smtj_err *err)
{
	while (n) {
		size_t k = n < sm->window ? n : sm->window;
		int ret = refresh(sm, src, err);

		if (ret)
			return ret;
		memcpy(out, sm->tmp, k * sizeof(float));
		out += k;
		n -= k;
	}
	return 0;
}

void smtj_sampler_destroy(struct smtj_sampler *sm)
{
	if (!sm)
		return;
	free(sm->ring);
	free(sm->tmp);
	free(sm->perm);
	free(sm);
}
