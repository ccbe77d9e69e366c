// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * --progress-every S: a plain progress line on stderr every S seconds, for
 * logs and serial consoles where the redrawn bar cannot be used.  The loss
 * is that of the samples since the previous line (a learning curve), the
 * rate that of the whole epoch so far.
 */
#include <stdio.h>
#include "train.h"

void ticker_tick(struct progress *p, size_t batch, size_t n_batches,
		 size_t samples, double mean_loss)
{
	double t = now_seconds(), dt, sum = mean_loss * (double)samples;

	if (!(p->every > 0) || (t - p->last_t < p->every && batch < n_batches))
		return;
	if (p->last_t == 0) {	/* first call: the epoch's start */
		p->last_t = p->t0;
		p->last_n = 0;
		p->last_sum = 0;
		if (t - p->last_t < p->every && batch < n_batches)
			return;
	}
	dt = t - p->t0;
	fprintf(stderr, "progress: epoch %u/%u batch %zu/%zu samples %zu "
		"%.1f s %.1f samples/s loss %.4f\n", p->epoch, p->epochs,
		batch, n_batches, samples, dt, dt > 0 ? (double)samples / dt : 0,
		samples > p->last_n ? (sum - p->last_sum) /
		(double)(samples - p->last_n) : mean_loss);
	fflush(stderr);
	p->last_t = t;
	p->last_n = samples;
	p->last_sum = sum;
}
