// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The random streams of a run against the distributions PyTorch's
 * reference draws them from (libsmtj's tests cover the noise):
 *
 * - initialisation: every W and b of a layer uniform in
 *   +-k, k = 1/sqrt(fan_in) (nn.Linear's default), R = I;
 * - shuffling: every order of an epoch equally likely, checked as each
 *   element's position being uniform.
 *
 * Fixed seeds; tolerances from theory, Z = 5 standard errors (one failure
 * in about 1.7 million per comparison for a correct generator).
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "libdanp.h"
#include "../tap.h"

/* This program's TAP counters (tests/unit/tap.h). */
static struct tap tap;

#define Z 5.0

/*
 * @n values that should be U(-k, k): inside the bounds, reaching near
 * them, first and second moments and a ten-bin histogram.
 *   E x = 0, Var x = k^2/3; E x^2 = k^2/3, Var x^2 = k^4/5 - k^4/9 = 4k^4/45.
 * Each bin count is binomial(n, 1/10): SD sqrt(0.09 n).
 * Reaching: P(max x < k(1 - d)) = (1 - d/2)^n; d = 40/n makes it e^-20.
 */
static void check_uniform(const float *x, size_t n, double k, const char *what)
{
	double s = 0, s2 = 0, lo = INFINITY, hi = -INFINITY, worst = 0;
	size_t bin[10] = { 0 };
	double d = 40.0 / (double)n;
	char label[96];

	for (size_t i = 0; i < n; i++) {
		double v = x[i];
		long b = (long)floor((v / k + 1) * 5);

		s += v;
		s2 += v * v;
		lo = fmin(lo, v);
		hi = fmax(hi, v);
		bin[b < 0 ? 0 : b > 9 ? 9 : b]++;
	}
	tap_ok(&tap, lo >= -k && hi <= k, "%s: inside +-%.6g (%.6g .. %.6g)",
	       what, k, lo, hi);
	tap_ok(&tap, lo <= -k * (1 - d) && hi >= k * (1 - d),
	       "%s: reaches +-k within %.2g of it", what, d);
	snprintf(label, sizeof(label), "%s: mean", what);
	tap_near(&tap, s / (double)n, 0, Z * k / sqrt(3.0 * (double)n), label);
	snprintf(label, sizeof(label), "%s: mean square k^2/3", what);
	tap_near(&tap, s2 / (double)n, k * k / 3,
		 Z * k * k * sqrt(4.0 / 45.0 / (double)n), label);
	for (int b = 0; b < 10; b++)
		worst = fmax(worst, fabs((double)bin[b] - 0.1 * (double)n) /
				    sqrt(0.09 * (double)n));
	tap_ok(&tap, worst <= Z, "%s: ten equal bins, worst %.2f SD from n/10",
	       what, worst);
}

/* The reference network: each layer's W and b, and R = I. */
static void test_init(void)
{
	static const size_t sizes[] = { 784, 500, 500, 500, 10 };
	struct danp_spec spec;
	struct danp_params p;
	struct danp_net *net;
	struct danp_err err;

	danp_spec_mlp(&spec, sizes, 4, &err);
	danp_params_default(&p);
	p.rule = DANP_RULE_DANP;
	p.max_batch = 4;
	if (danp_net_create(&net, &spec, &p, 42, &err)) {
		tap_ok(&tap, 0, "create: %s", err.msg);
		return;
	}
	for (unsigned int l = 0; l < 4; l++) {
		size_t din = sizes[l], dout = sizes[l + 1];
		double k = 1.0 / sqrt((double)din);
		const float *R = danp_net_decor(net, l);
		char what[64];
		int eye = R != NULL;

		snprintf(what, sizeof(what), "layer %u W (%zu x %zu)", l, dout, din);
		check_uniform(danp_net_weights(net, l), din * dout, k, what);
		/* 500 and 10 biases: the moment checks still hold at Z. */
		if (dout >= 100) {
			snprintf(what, sizeof(what), "layer %u b (%zu)", l, dout);
			check_uniform(danp_net_bias(net, l), dout, k, what);
		}
		for (size_t i = 0; eye && i < din; i++)
			for (size_t j = 0; j < din; j++)
				eye &= R[i * din + j] == (i == j ? 1.0f : 0.0f);
		tap_ok(&tap, eye, "layer %u R starts as the identity", l);
	}
	danp_net_destroy(net);
}

/*
 * T shuffles of n elements, one rng carried on as from epoch to epoch:
 * count[e][pos] is binomial(T, 1/n) for each cell of a uniform
 * permutation, SD sqrt(T (1/n)(1 - 1/n)).  Odd n, so that no middle
 * split hides a bias; n = 9, T = 90000 gives expected 10000 per cell.
 */
static void test_shuffle_uniform(void)
{
	enum { n = 9, T = 90000 };
	static size_t count[n][n];
	double sd = sqrt((double)T / n * (1 - 1.0 / n)), worst = 0;
	struct danp_rng r;
	size_t perm[n];

	memset(count, 0, sizeof(count));
	danp_rng_seed(&r, 42);
	for (int t = 0; t < T; t++) {
		danp_shuffle(perm, n, &r);
		for (size_t pos = 0; pos < n; pos++)
			count[perm[pos]][pos]++;
	}
	for (size_t e = 0; e < n; e++)
		for (size_t pos = 0; pos < n; pos++)
			worst = fmax(worst, fabs((double)count[e][pos] -
						 (double)T / n) / sd);
	tap_ok(&tap, worst <= Z, "shuffle: each element's position uniform, "
	       "worst of %d cells %.2f SD", n * n, worst);
}

int main(void)
{
	test_init();
	test_shuffle_uniform();
	return tap_done(&tap);
}
