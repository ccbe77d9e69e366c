// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * SGD and Adam (PyTorch's form of the bias correction), one fused loop.
 * Adam's square root and division make it compute-bound at SSE width:
 * the AVX2/AVX-512 clones (DANP_CLONES) run it 2-3 times faster.
 */
#include <math.h>
#include "danp-internal.h"

DANP_CLONES void danp_optim_apply(struct danp_net *net)
{
	const struct danp_params *p = &net->p;
	float *restrict w = net->param, *restrict g = net->grad;
	size_t n = net->n_params;

	if (p->optim == DANP_OPT_SGD) {
		for (size_t i = 0; i < n; i++)
			w[i] -= p->lr * g[i];
		return;
	}
	{
		float *restrict m = net->m, *restrict v = net->v;
		double t = (double)(net->steps + 1);
		float b1 = p->beta1, b2 = p->beta2;
		float step = (float)(p->lr / (1.0 - pow(b1, t)));
		float rbc2 = (float)(1.0 / sqrt(1.0 - pow(b2, t)));

		for (size_t i = 0; i < n; i++) {
			m[i] = b1 * m[i] + (1.0f - b1) * g[i];
			v[i] = b2 * v[i] + (1.0f - b2) * g[i] * g[i];
			w[i] -= step * m[i] / (sqrtf(v[i]) * rbc2 + p->eps);
		}
	}
}
