// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * SGD and Adam (PyTorch's form of the bias correction), one fused loop,
 * split across the network's threads by ranges of whole cache lines.
 * Adam's square root and division make it compute-bound at SSE width:
 * the AVX2/AVX-512 clones (DANP_CLONES) run it 2-3 times faster.
 */
#include <math.h>
#include "danp-internal.h"

struct optim_job {
	struct danp_net *net;
	float step, rbc2;	/* Adam: lr / (1 - b1^t), 1 / sqrt(1 - b2^t) */
};

static DANP_CLONES void optim_range(const struct optim_job *j, size_t lo,
				    size_t hi)
{
	struct danp_net *net = j->net;
	const struct danp_params *p = &net->p;
	float *restrict w = net->param, *restrict g = net->grad;

	if (p->optim == DANP_OPT_SGD) {
		for (size_t i = lo; i < hi; i++)
			w[i] -= p->lr * g[i];
		return;
	}
	{
		float *restrict m = net->m, *restrict v = net->v;
		float b1 = p->beta1, b2 = p->beta2, eps = p->eps;
		float step = j->step, rbc2 = j->rbc2;

		for (size_t i = lo; i < hi; i++) {
			m[i] = b1 * m[i] + (1.0f - b1) * g[i];
			v[i] = b2 * v[i] + (1.0f - b2) * g[i] * g[i];
			w[i] -= step * m[i] / (sqrtf(v[i]) * rbc2 + eps);
		}
	}
}

static void optim_part(void *arg, unsigned int part, unsigned int parts)
{
	const struct optim_job *j = arg;
	size_t lo, hi;

	danp_part_range(j->net->n_params, 16, part, parts, &lo, &hi);
	optim_range(j, lo, hi);
}

void danp_optim_apply(struct danp_net *net)
{
	const struct danp_params *p = &net->p;
	double t = (double)(net->steps + 1);
	struct optim_job j = {
		.net = net,
		.step = (float)(p->lr / (1.0 - pow(p->beta1, t))),
		.rbc2 = (float)(1.0 / sqrt(1.0 - pow(p->beta2, t))),
	};

	danp_pool_run(net->pool, optim_part, &j);
}
