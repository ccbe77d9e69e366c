// SPDX-License-Identifier: LGPL-2.1-or-later
/* Epoch driver shared by smtj-train and the benchmark. */
#include <errno.h>
#include <stdlib.h>
#include "danp-internal.h"

int danp_train_epoch(struct danp_net *net, const struct danp_dataset *ds,
		     struct danp_rng *rng, struct danp_epoch *ep,
		     struct danp_err *err)
{
	size_t bs = ep->batch_size, nb, *perm;
	float *x, *t = NULL;
	int32_t *y;
	double lsum = ep->start_loss_sum;
	int ret = 0;

	ep->samples = 0;
	ep->loss = 0;
	ep->loss_sum = lsum;
	ep->stopped = 0;
	if (bs == 0 || bs > net->p.max_batch)
		return danp_seterr(err, -EINVAL, "batch size %zu: need 1..%zu",
				   bs, net->p.max_batch);
	if (ds->dim != net->spec.sizes[0])
		return danp_seterr(err, -EINVAL, "dataset has %zu features, "
				   "network input %zu", ds->dim,
				   net->spec.sizes[0]);
	if (ds->t && ds->t_dim != net->spec.sizes[net->L])
		return danp_seterr(err, -EINVAL, "dataset has %zu targets, "
				   "network output %zu", ds->t_dim,
				   net->spec.sizes[net->L]);
	nb = (ds->n + bs - 1) / bs;
	perm = malloc(ds->n * sizeof(size_t));
	x = malloc(bs * ds->dim * sizeof(float));
	y = malloc(bs * sizeof(int32_t));
	if (ds->t)
		t = malloc(bs * ds->t_dim * sizeof(float));
	if (!perm || !x || !y || (ds->t && !t)) {
		ret = danp_seterr(err, -ENOMEM, "out of memory for batches");
		goto out;
	}
	danp_shuffle(perm, ds->n, rng);
	ep->batches_done = ep->start_batch;
	/* Skipped batches' augmentation draws, for the ones after them. */
	for (size_t i = 0; ep->augment && i < ep->start_batch && i < nb; i++) {
		size_t off = i * bs, m = ds->n - off < bs ? ds->n - off : bs;

		danp_gather(ds, perm + off, m, ep->augment, rng, x, y);
	}
	for (size_t i = ep->start_batch; i < nb; i++) {
		size_t off = i * bs, m = ds->n - off < bs ? ds->n - off : bs;
		struct danp_batch b = {
			.x = x, .labels = ds->y ? y : NULL, .targets = t, .n = m,
		};
		double loss;

		danp_gather(ds, perm + off, m, ep->augment, rng, x, y);
		if (t)
			danp_gather_targets(ds, perm + off, m, t);
		ret = danp_step(net, &b, &loss, err);
		if (ret)
			goto out;
		lsum += loss * (double)m;
		ep->samples += m;
		ep->batches_done = i + 1;
		if (ep->progress &&
		    ep->progress(ep->progress_ctx, i + 1, nb,
				 lsum / (double)(ep->start_samples + ep->samples))) {
			ep->stopped = 1;
			break;
		}
	}
	ep->loss_sum = lsum;
	if (ep->start_samples + ep->samples)
		ep->loss = lsum / (double)(ep->start_samples + ep->samples);
out:
	free(perm);
	free(x);
	free(y);
	free(t);
	return ret;
}
