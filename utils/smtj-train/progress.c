// SPDX-License-Identifier: GPL-2.0-or-later
/* Progress bar on stderr, only when stderr is a terminal. */
#include <stdio.h>
#include <time.h>
#include "train.h"

double now_seconds(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}

int progress_cb(void *ctx, size_t batch, size_t n_batches, double loss)
{
	struct progress *p = ctx;

	/* Redraw about every 20 batches: cheap next to a step. */
	if (p->enabled && (batch % 20 == 0 || batch == n_batches)) {
		double dt = now_seconds() - p->t0;
		double rate = dt > 0 ? (double)(batch * p->batch_size) / dt : 0;
		double eta = batch ? dt * (double)(n_batches - batch) / (double)batch : 0;
		int w = 30, fill = (int)(w * batch / n_batches);

		fprintf(stderr, "\repoch %u/%u [%.*s%*s] %zu/%zu loss %.4f %.0f samples/s ETA %.0fs ",
			p->epoch, p->epochs, fill, "##############################",
			w - fill, "", batch, n_batches, loss, rate, eta);
		fflush(stderr);
	}
	ticker_tick(p, batch, n_batches, batch * p->batch_size, loss);
	if (p->stop && *p->stop)
		return 1;
	/* A checkpoint within the epoch (at its end one is written anyway). */
	return p->ckpt_every && batch % p->ckpt_every == 0 && batch < n_batches;
}

void progress_end(struct progress *p)
{
	if (p->enabled)
		fprintf(stderr, "\r\033[K");
}
