// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Backpropagated gradients (through decorrelation and the centring bias)
 * against central finite differences of the summed loss.
 *
 * Tolerance: the central difference has truncation error h^2 L'''/6
 * (about 1e-6 here for h = 1e-3) and rounding error about
 * eps_f * |sum L| / h = 6e-8 * 10 / 1e-3 = 6e-4; we allow
 * 2e-3 + 1e-2 |g| per element.
 */
#include <math.h>
#include <stdlib.h>
#include "libdanp.h"
#include "../tap.h"

/* This program's TAP counters (tests/unit/tap.h). */
static struct tap tap;

#define N 8

static double sum_loss(struct danp_net *net, const struct danp_batch *b)
{
	struct danp_eval ev;
	struct danp_err err;

	if (danp_evaluate(net, b, 0, &ev, &err))
		return NAN;
	return ev.loss * (double)b->n;
}

static int check(enum danp_rule rule, enum danp_loss loss, int center)
{
	static const size_t sizes[] = { 5, 4, 3, 3 };
	struct danp_spec spec;
	struct danp_params p;
	struct danp_net *net;
	struct danp_err err;
	struct danp_rng rng;
	float x[N * 5], *g, *w;
	int32_t y[N];
	struct danp_batch b = { .x = x, .labels = y, .n = N };
	size_t np, bad = 0;
	double worst = 0;

	danp_spec_mlp(&spec, sizes, 3, &err);
	danp_params_default(&p);
	p.rule = rule;
	p.loss = loss;
	p.decor_center = center;
	p.max_batch = N;
	if (danp_net_create(&net, &spec, &p, 7, &err))
		return tap_ok(&tap, 0, "create: %s", err.msg);
	danp_rng_seed(&rng, 11);
	for (int i = 0; i < N * 5; i++)
		x[i] = (float)danp_rng_normal(&rng);
	for (int i = 0; i < N; i++)
		y[i] = (int32_t)(danp_rng_next(&rng) % 3);
	/* A non-trivial R and c, so the chain rule through them is tested. */
	for (unsigned int l = 0; l < 3; l++) {
		float *R = danp_net_decor(net, l), *c = danp_net_center(net, l);

		for (size_t i = 0; R && i < sizes[l] * sizes[l]; i++)
			R[i] += (float)(0.2 * danp_rng_normal(&rng));
		for (size_t i = 0; c && i < sizes[l]; i++)
			c[i] = (float)(0.3 * danp_rng_normal(&rng));
	}
	np = danp_net_n_params(net);
	g = malloc(np * sizeof(float));
	if (danp_true_grad(net, &b, g, &err)) {
		free(g);
		danp_net_destroy(net);
		return tap_ok(&tap, 0, "true_grad: %s", err.msg);
	}
	/* Weights of layer 0 start the contiguous parameter block. */
	w = danp_net_weights(net, 0);
	for (size_t i = 0; i < np; i++) {
		const double h = 1e-3;
		float keep = w[i];
		double lp, lm, fd, tol;

		w[i] = keep + (float)h;
		lp = sum_loss(net, &b);
		w[i] = keep - (float)h;
		lm = sum_loss(net, &b);
		w[i] = keep;
		fd = (lp - lm) / (2 * h);
		tol = 2e-3 + 1e-2 * fabs(g[i]);
		if (fabs(fd - g[i]) > tol)
			bad++;
		if (fabs(fd - g[i]) > worst)
			worst = fabs(fd - g[i]);
	}
	free(g);
	danp_net_destroy(net);
	return tap_ok(&tap, bad == 0, "%s %s%s: %zu params, worst |fd - bp| %.2e",
		      danp_rule_name(rule), loss == DANP_LOSS_CE ? "CE" : "MSE",
		      center ? " centred" : "", np, worst);
}

int main(void)
{
	check(DANP_RULE_BP, DANP_LOSS_CE, 0);
	check(DANP_RULE_BP, DANP_LOSS_MSE, 0);
	check(DANP_RULE_BP_DECOR, DANP_LOSS_CE, 0);
	check(DANP_RULE_BP_DECOR, DANP_LOSS_MSE, 1);
	return tap_done(&tap);
}
