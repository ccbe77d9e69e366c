/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Test-local noise sources with the danp_noise_fn shape: Gaussian,
 * uncentred Bernoulli and the paper's two-state HMM
 * (Documentation/noise/junction.rst; one chain per node, time running
 * along the rows and carrying on across calls).
 */
#ifndef DANP_TEST_NOISE_H
#define DANP_TEST_NOISE_H

#include <stdlib.h>
#include "libdanp.h"

struct test_noise {
	int kind;		/* 0 gauss, 1 bernoulli, 2 hmm */
	float sigma;
	struct danp_rng rng;
	signed char *state[DANP_MAX_LAYERS];	/* HMM state per node */
	size_t nodes[DANP_MAX_LAYERS];
	uint64_t consumed;
};

static void __attribute__((unused))
test_noise_init(struct test_noise *t, int kind, float sigma, uint64_t seed)
{
	*t = (struct test_noise){ .kind = kind, .sigma = sigma };
	danp_rng_seed(&t->rng, seed);
}

static void __attribute__((unused)) test_noise_free(struct test_noise *t)
{
	for (int i = 0; i < DANP_MAX_LAYERS; i++)
		free(t->state[i]);
}

static int __attribute__((unused))
test_noise_fn(void *ctx, unsigned int layer, float *out, size_t rows,
	      size_t cols)
{
	struct test_noise *t = ctx;

	if (t->kind == 2 && !t->state[layer]) {
		t->state[layer] = malloc(cols);
		if (!t->state[layer])
			return -12;
		t->nodes[layer] = cols;
		for (size_t j = 0; j < cols; j++)
			t->state[layer][j] = danp_rng_uniform(&t->rng) < 0.5 ? 1 : -1;
	}
	for (size_t r = 0; r < rows; r++)
		for (size_t j = 0; j < cols; j++) {
			double v;

			if (t->kind == 0) {
				v = danp_rng_normal(&t->rng);
			} else if (t->kind == 1) {
				v = danp_rng_uniform(&t->rng) < 0.5;
			} else {
				signed char *s = &t->state[layer][j];

				if (danp_rng_uniform(&t->rng) < 0.0809)
					*s = (signed char)-*s;
				v = 0.042092104 + *s * 0.0059316154 +
				    0.00090841466 * danp_rng_normal(&t->rng);
			}
			out[r * cols + j] = (float)(t->sigma * v);
		}
	t->consumed += rows * cols;
	return 0;
}

#endif
