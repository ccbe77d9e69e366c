// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The noise-based rules estimate the gradient: averaged over many noise
 * draws their update points along the true gradient.
 *
 * Theory (one layer, linear output, isotropic Gaussian noise): with
 * da = xi1 - xi2 and dL ~ g.da, E[N da da^T / |da|^2] = I, so
 * E[s da] = g exactly; quadratic terms cancel because the noise is
 * symmetric.  The average of K draws has relative error about
 * sqrt(N / K) ~ 0.05 here, so its cosine with g is > 0.99; we require
 * > 0.9 (the bound).  Multi-layer values are reported: they are
 * biased by the propagated noise and only required to be positive.
 */
#include <math.h>
#include <stdlib.h>
#include "libdanp.h"
#include "noise.h"
#include "../tap.h"

/* This program's TAP counters (tests/unit/tap.h). */
static struct tap tap;

#define B 16
#define K 2000

static double cosine(const float *a, const double *b, size_t n)
{
	double dot = 0, na = 0, nb = 0;

	for (size_t i = 0; i < n; i++) {
		dot += a[i] * b[i];
		na += (double)a[i] * a[i];
		nb += b[i] * b[i];
	}
	return dot / sqrt(na * nb);
}

static double aligned(const size_t *sizes, unsigned int L, enum danp_rule rule,
		      enum danp_loss loss, double *per_draw)
{
	struct danp_spec spec;
	struct danp_params p;
	struct danp_net *net;
	struct danp_err err;
	struct danp_rng rng;
	struct test_noise tn;
	float x[B * 8], t[B * 8], *g, *gt;
	int32_t y[B];
	double *avg, c;
	size_t np;
	struct danp_batch b = { .x = x, .labels = y, .targets = t, .n = B };

	danp_spec_mlp(&spec, sizes, L, &err);
	danp_params_default(&p);
	p.rule = rule;
	p.loss = loss;
	p.max_batch = B;
	p.np_sigma2 = 1e-6f;
	test_noise_init(&tn, 0, 1e-3f, 5);
	p.noise = test_noise_fn;
	p.noise_ctx = &tn;
	if (danp_net_create(&net, &spec, &p, 3, &err))
		return -2;
	danp_rng_seed(&rng, 9);
	for (int i = 0; i < B * 8; i++) {
		x[i] = (float)danp_rng_normal(&rng);
		t[i] = (float)danp_rng_normal(&rng);
	}
	for (int i = 0; i < B; i++)
		y[i] = (int32_t)(danp_rng_next(&rng) % sizes[L]);
	np = danp_net_n_params(net);
	g = malloc(np * sizeof(float));
	gt = malloc(np * sizeof(float));
	avg = calloc(np, sizeof(double));
	danp_true_grad(net, &b, gt, &err);
	*per_draw = 0;
	for (int k = 0; k < K; k++) {
		danp_rule_grad(net, &b, g, &err);
		for (size_t i = 0; i < np; i++)
			avg[i] += g[i];
		{
			double dot = 0, na = 0, nb = 0;

			for (size_t i = 0; i < np; i++) {
				dot += (double)g[i] * gt[i];
				na += (double)g[i] * g[i];
				nb += (double)gt[i] * gt[i];
			}
			*per_draw += dot / sqrt(na * nb) / K;
		}
	}
	c = cosine(gt, avg, np);
	free(g);
	free(gt);
	free(avg);
	danp_net_destroy(net);
	test_noise_free(&tn);
	return c;
}

int main(void)
{
	static const size_t one[] = { 8, 4 }, deep[] = { 8, 16, 16, 4 };
	static const struct {
		const char *name;
		const size_t *sizes;
		unsigned int layers;
		enum danp_rule rule;
		enum danp_loss loss;
		double min_cos;	/* one layer: aligned; deeper: positive */
	} cases[] = {
		{ "ANP one layer MSE", one, 1, DANP_RULE_ANP, DANP_LOSS_MSE, 0.9 },
		{ "ANP one layer CE", one, 1, DANP_RULE_ANP, DANP_LOSS_CE, 0.9 },
		{ "NP one layer MSE", one, 1, DANP_RULE_NP, DANP_LOSS_MSE, 0.9 },
		{ "ANP 8-16-16-4 MSE", deep, 3, DANP_RULE_ANP, DANP_LOSS_MSE, 0 },
		{ "DANP 8-16-16-4 CE", deep, 3, DANP_RULE_DANP, DANP_LOSS_CE, 0 },
	};

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		double pd, c = aligned(cases[i].sizes, cases[i].layers,
				       cases[i].rule, cases[i].loss, &pd);

		tap_ok(&tap, c > cases[i].min_cos, "%s: cosine of mean update "
		       "%.4f (mean per-draw %.3f)", cases[i].name, c, pd);
	}
	return tap_done(&tap);
}
