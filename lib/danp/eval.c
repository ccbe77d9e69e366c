// SPDX-License-Identifier: LGPL-2.1-or-later
/* Inference and evaluation in chunks of the network's workspace. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include "danp-internal.h"

int danp_forward(struct danp_net *net, const float *x, size_t n, int noisy,
		 float *out, struct danp_err *err)
{
	size_t k = net->spec.sizes[net->L], d = net->spec.sizes[0];

	for (size_t i = 0; i < n; i += net->rows_max) {
		size_t m = n - i < net->rows_max ? n - i : net->rows_max;
		int ret = danp_forward_rows(net, x + i * d, m,
					    noisy ? DANP_FWD_NOISY : DANP_FWD_CLEAN,
					    err);
		if (ret)
			return ret;
		memcpy(out + i * k, danp_output(net), m * k * sizeof(float));
	}
	return 0;
}

int danp_evaluate(struct danp_net *net, const struct danp_batch *b,
		  int noisy, struct danp_eval *res, struct danp_err *err)
{
	size_t k = net->spec.sizes[net->L], d = net->spec.sizes[0];
	double loss = 0;
	size_t correct = 0;

	if (!b->n)
		return danp_seterr(err, -EINVAL, "empty evaluation set");
	for (size_t i = 0; i < b->n; i += net->rows_max) {
		size_t m = b->n - i < net->rows_max ? b->n - i : net->rows_max;
		struct danp_batch sub = {
			.x = b->x + i * d,
			.labels = b->labels ? b->labels + i : NULL,
			.targets = b->targets ? b->targets + i * k : NULL,
			.n = m,
		};
		const float *o;
		int ret;

		ret = danp_forward_rows(net, sub.x, m,
					noisy ? DANP_FWD_NOISY : DANP_FWD_CLEAN,
					err);
		if (ret)
			return ret;
		o = danp_output(net);
		ret = danp_loss_rows(net, o, m, &sub, net->loss_row, NULL, 0,
				     err);
		if (ret)
			return ret;
		for (size_t r = 0; r < m; r++) {
			size_t best = 0;

			loss += net->loss_row[r];
			for (size_t j = 1; j < k; j++)
				if (o[r * k + j] > o[r * k + best])
					best = j;
			if (sub.labels && best == (size_t)sub.labels[r])
				correct++;
		}
	}
	res->loss = loss / (double)b->n;
	res->accuracy = (double)correct / (double)b->n;
	return 0;
}

int danp_evaluate_dataset(struct danp_net *net, const struct danp_dataset *ds,
			  size_t max, int noisy, struct danp_eval *res,
			  struct danp_err *err)
{
	size_t n = max && max < ds->n ? max : ds->n, chunk = net->rows_max;
	float *x = malloc(chunk * ds->dim * sizeof(float));
	int32_t *y = malloc(chunk * sizeof(int32_t));
	float *t = ds->t ? malloc(chunk * ds->t_dim * sizeof(float)) : NULL;
	double loss = 0, acc = 0;
	int ret = 0;

	if (!x || !y || (ds->t && !t)) {
		ret = danp_seterr(err, -ENOMEM, "out of memory");
		goto out;
	}
	if (ds->dim != net->spec.sizes[0] || !n) {
		ret = danp_seterr(err, -EINVAL, "dataset of %zu x %zu does not fit "
				  "input %zu", ds->n, ds->dim, net->spec.sizes[0]);
		goto out;
	}
	/* Chunks are gathered (bytes -> floats) then evaluated. */
	for (size_t i = 0; i < n; i += chunk) {
		size_t m = n - i < chunk ? n - i : chunk;
		struct danp_dataset part = *ds;
		struct danp_batch b = {
			.x = x, .labels = ds->y ? y : NULL, .targets = t, .n = m,
		};
		struct danp_eval ev;

		part.x = ds->x ? ds->x + i * ds->dim : NULL;
		part.x8 = ds->x8 ? ds->x8 + i * ds->dim : NULL;
		part.y = ds->y ? ds->y + i : NULL;
		part.t = ds->t ? ds->t + i * ds->t_dim : NULL;
		danp_gather(&part, NULL, m, 0, NULL, x, y);
		if (t)
			danp_gather_targets(&part, NULL, m, t);
		ret = danp_evaluate(net, &b, noisy, &ev, err);
		if (ret)
			goto out;
		loss += ev.loss * (double)m;
		acc += ev.accuracy * (double)m;
	}
	res->loss = loss / (double)n;
	res->accuracy = acc / (double)n;
out:
	free(x);
	free(y);
	free(t);
	return ret;
}
