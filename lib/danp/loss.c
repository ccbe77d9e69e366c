// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * Per-sample losses: cross-entropy on logits (log-softmax, max-shifted for
 * stability) and MSE averaged over outputs (PyTorch's MSELoss per sample).
 */
#include <errno.h>
#include <math.h>
#include "danp-internal.h"

int danp_loss_rows(const struct danp_net *net, const float *out, size_t rows,
		   const struct danp_batch *b, float *loss, float *gout,
		   float gscale, struct danp_err *err)
{
	size_t k = net->spec.sizes[net->L];

	for (size_t r = 0; r < rows; r++) {
		size_t n = r % b->n;
		const float *o = out + r * k;
		float *g = gout ? gout + r * k : NULL;
		int32_t y = b->labels ? b->labels[n] : -1;

		if (b->labels && (y < 0 || (size_t)y >= k))
			return danp_seterr(err, -ERANGE,
					   "label %d of sample %zu outside 0..%zu",
					   (int)y, n, k - 1);
		if (net->p.loss == DANP_LOSS_CE) {
			float mx = o[0];
			double sum = 0;

			if (!b->labels)
				return danp_seterr(err, -EINVAL,
						   "cross-entropy needs labels");
			for (size_t j = 1; j < k; j++)
				mx = o[j] > mx ? o[j] : mx;
			for (size_t j = 0; j < k; j++)
				sum += exp((double)(o[j] - mx));
			loss[r] = (float)(log(sum) + mx - o[y]);
			for (size_t j = 0; g && j < k; j++)
				g[j] = gscale * (float)(exp((double)(o[j] - mx)) / sum -
							(j == (size_t)y));
		} else {
			double acc = 0;

			if (!b->targets && !b->labels)
				return danp_seterr(err, -EINVAL,
						   "MSE needs targets or labels");
			for (size_t j = 0; j < k; j++) {
				float t = b->targets ? b->targets[n * k + j] :
					  (float)(j == (size_t)y);
				float e = o[j] - t;

				acc += (double)e * e;
				if (g)
					g[j] = gscale * 2.0f * e / (float)k;
			}
			loss[r] = (float)(acc / (double)k);
		}
	}
	return 0;
}
