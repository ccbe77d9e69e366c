// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * --downsample K: K x K average pooling of image datasets (MNIST 28x28 to
 * 14x14 with K = 2).  The decorrelation of the input layer costs d^2 per
 * sample, so a quarter of the pixels makes a step on a slow machine (the
 * demo's emulated VM) several times cheaper.  Bytes are averaged and
 * rounded; normalisation is linear, so its scale and shift still apply.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include "train.h"

static int pool(struct danp_dataset *ds, size_t k, struct danp_err *err)
{
	size_t C = ds->channels, H = ds->height, W = ds->width;
	size_t h = H / k, w = W / k, dim = C * h * w;
	uint8_t *out;

	if (!ds->x8 || !C || C * H * W != ds->dim || H % k || W % k) {
		err->code = -EINVAL;
		snprintf(err->msg, sizeof(err->msg), "--downsample %zu: needs "
			 "images whose sides divide by %zu", k, k);
		return err->code;
	}
	out = malloc(ds->n * dim);
	if (!out) {
		err->code = -ENOMEM;
		snprintf(err->msg, sizeof(err->msg), "out of memory");
		return err->code;
	}
	for (size_t i = 0; i < ds->n; i++)
		for (size_t c = 0; c < C; c++)
			for (size_t y = 0; y < h; y++)
				for (size_t x = 0; x < w; x++) {
					const uint8_t *s = ds->x8 + i * ds->dim +
						(c * H + y * k) * W + x * k;
					unsigned int sum = 0;

					for (size_t a = 0; a < k; a++)
						for (size_t b = 0; b < k; b++)
							sum += s[a * W + b];
					out[i * dim + (c * h + y) * w + x] =
						(uint8_t)((sum + k * k / 2) / (k * k));
				}
	free(ds->x8);
	ds->x8 = out;
	ds->dim = dim;
	ds->height = h;
	ds->width = w;
	return 0;
}

int data_downsample(struct train_data *d, size_t k, struct danp_err *err)
{
	if (k <= 1)
		return 0;
	if (pool(&d->train, k, err))
		return err->code;
	return pool(&d->test, k, err);
}
