// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Optimisers against hand computations: SGD w - lr g; two Adam steps with
 * PyTorch's bias correction.  Tolerance: one float rounding per operation
 * on O(1) values, 1e-6 relative plus 1e-7 absolute.
 */
#include <math.h>
#include <stdlib.h>
#include "libdanp.h"
#include "../tap.h"

/* This program's TAP counters (tests/unit/tap.h). */
static struct tap tap;

#define N 4

static struct danp_net *make(enum danp_optim opt)
{
	static const size_t sizes[] = { 3, 5, 2 };
	struct danp_spec spec;
	struct danp_params p;
	struct danp_net *net;
	struct danp_err err;

	danp_spec_mlp(&spec, sizes, 2, &err);
	danp_params_default(&p);
	p.rule = DANP_RULE_BP;
	p.optim = opt;
	p.lr = 0.01f;
	p.max_batch = N;
	if (danp_net_create(&net, &spec, &p, 2, &err))
		return NULL;
	return net;
}

int main(void)
{
	float x[N * 3] = { 1, -2, 0.5f, 0.3f, 0.1f, -1, 2, 2, 2, -0.5f, 0, 1 };
	int32_t y[N] = { 0, 1, 1, 0 };
	struct danp_batch b = { .x = x, .labels = y, .n = N };
	struct danp_err err;
	struct danp_net *net = make(DANP_OPT_SGD);
	size_t np = danp_net_n_params(net);
	float *w = danp_net_weights(net, 0), *w0 = malloc(np * 4);
	float *g1 = malloc(np * 4), *g2 = malloc(np * 4);
	double worst = 0, lr = 0.01, b1 = 0.9, b2 = 0.999, eps = 1e-8;

	for (size_t i = 0; i < np; i++)
		w0[i] = w[i];
	TAP_CHECK(&tap, danp_true_grad(net, &b, g1, &err), err);
	TAP_CHECK(&tap, danp_step(net, &b, NULL, &err), err);
	for (size_t i = 0; i < np; i++)
		worst = fmax(worst, fabs(w[i] - (w0[i] - lr * g1[i])) /
				    (1e-7 + 1e-6 * fabs(w0[i])));
	tap_ok(&tap, worst <= 1, "SGD step equals w - lr g (worst %.2f of tolerance)",
	       worst);
	danp_net_destroy(net);

	net = make(DANP_OPT_ADAM);
	w = danp_net_weights(net, 0);
	TAP_CHECK(&tap, danp_true_grad(net, &b, g1, &err), err);
	TAP_CHECK(&tap, danp_step(net, &b, NULL, &err), err);
	worst = 0;
	for (size_t i = 0; i < np; i++) {
		/* m^ = g, v^ = g^2 after one step. */
		double want = w0[i] - lr * g1[i] / (fabs(g1[i]) + eps);

		worst = fmax(worst, fabs(w[i] - want) / (1e-7 + 1e-6 * fabs(want)));
		w0[i] = w[i];
	}
	tap_ok(&tap, worst <= 1, "Adam step 1 equals hand computation (worst %.2f of "
	       "tolerance)", worst);
	TAP_CHECK(&tap, danp_true_grad(net, &b, g2, &err), err);
	TAP_CHECK(&tap, danp_step(net, &b, NULL, &err), err);
	worst = 0;
	for (size_t i = 0; i < np; i++) {
		double m = b1 * (1 - b1) * g1[i] + (1 - b1) * g2[i];
		double v = b2 * (1 - b2) * g1[i] * g1[i] + (1 - b2) * g2[i] * g2[i];
		double mh = m / (1 - b1 * b1), vh = v / (1 - b2 * b2);
		double want = w0[i] - lr * mh / (sqrt(vh) + eps);

		worst = fmax(worst, fabs(w[i] - want) / (1e-7 + 1e-6 * fabs(want)));
	}
	tap_ok(&tap, worst <= 1, "Adam step 2 equals hand computation (worst %.2f of "
	       "tolerance)", worst);
	tap_ok(&tap, danp_net_steps(net) == 2, "step counter");
	danp_net_destroy(net);
	free(w0);
	free(g1);
	free(g2);
	return tap_done(&tap);
}
