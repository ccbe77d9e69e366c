// SPDX-License-Identifier: LGPL-2.1-or-later
/* Dataset normalisation, batching and CIFAR augmentation. */
#include <stdlib.h>
#include <string.h>
#include "danp-internal.h"

void danp_dataset_free(struct danp_dataset *ds)
{
	free(ds->x);
	free(ds->x8);
	free(ds->y);
	free(ds->t);
	*ds = (struct danp_dataset){ 0 };
}

void danp_normalize(struct danp_dataset *ds, const float *mean,
		    const float *std, size_t channels)
{
	size_t per;

	if (channels < 1 || channels > 3 || ds->dim % channels)
		return;
	per = ds->dim / channels;
	for (size_t c = 0; c < channels; c++) {
		float s = 1.0f / (255.0f * std[c]), m = -mean[c] / std[c];

		if (ds->x8) {
			/* Folded into the byte-to-float conversion. */
			ds->scale[c] = s;
			ds->shift[c] = m;
			continue;
		}
		for (size_t i = 0; i < ds->n; i++) {
			float *p = ds->x + i * ds->dim + c * per;

			for (size_t j = 0; j < per; j++)
				p[j] = p[j] * s + m;
		}
	}
}

void danp_normalize_mnist(struct danp_dataset *ds)
{
	static const float mean[1] = { 0.1307f }, std[1] = { 0.3081f };

	danp_normalize(ds, mean, std, 1);
}

void danp_normalize_cifar(struct danp_dataset *ds)
{
	static const float mean[3] = { 0.4914f, 0.4822f, 0.4465f };
	static const float std[3] = { 0.2023f, 0.1994f, 0.2010f };

	danp_normalize(ds, mean, std, 3);
}

/* One sample as floats, channel c of @per values at a time. */
static void row(const struct danp_dataset *ds, size_t i, float *dst)
{
	size_t ch = ds->channels >= 1 && ds->channels <= 3 ? ds->channels : 1;
	size_t per = ds->dim / ch;

	if (!ds->x8) {
		memcpy(dst, ds->x + i * ds->dim, ds->dim * sizeof(float));
		return;
	}
	for (size_t c = 0; c < ch; c++) {
		const uint8_t *s = ds->x8 + i * ds->dim + c * per;
		float a = ds->scale[c], b = ds->shift[c];

		for (size_t j = 0; j < per; j++)
			dst[c * per + j] = (float)s[j] * a + b;
	}
}

/* Pixel @idx of channel @c of sample @k, normalised. */
static float pixel(const struct danp_dataset *ds, size_t k, size_t c, size_t idx)
{
	if (ds->x8)
		return (float)ds->x8[k * ds->dim + idx] * ds->scale[c] + ds->shift[c];
	return ds->x[k * ds->dim + idx];
}

/*
 * Random crop of size HxW from sample @k padded by 4 on each side, then a
 * horizontal flip with probability 1/2.  torchvision pads the raw image
 * with 0 before normalising, so the pad value of byte data is the shift
 * (0 * scale + shift).
 */
static void crop_flip(const struct danp_dataset *ds, size_t k, float *dst,
		      struct danp_rng *r)
{
	size_t C = ds->channels, H = ds->height, W = ds->width;
	long dy = (long)(danp_rng_uniform(r) * 9) - 4;
	long dx = (long)(danp_rng_uniform(r) * 9) - 4;
	int flip = danp_rng_uniform(r) < 0.5;

	for (size_t c = 0; c < C; c++)
		for (size_t yy = 0; yy < H; yy++)
			for (size_t xx = 0; xx < W; xx++) {
				long sy = (long)yy + dy;
				long sx = (long)(flip ? W - 1 - xx : xx) + dx;
				float v = ds->x8 ? ds->shift[c] : 0.0f;

				if (sy >= 0 && sy < (long)H && sx >= 0 && sx < (long)W)
					v = pixel(ds, k, c, (c * H + (size_t)sy) * W +
						  (size_t)sx);
				dst[(c * H + yy) * W + xx] = v;
			}
}

void danp_gather(const struct danp_dataset *ds, const size_t *perm, size_t n,
		 int augment, struct danp_rng *r, float *x, int32_t *y)
{
	int aug = augment && r && ds->channels == 3 && ds->height &&
		  ds->width && ds->channels * ds->height * ds->width == ds->dim;

	for (size_t i = 0; i < n; i++) {
		size_t k = perm ? perm[i] : i;

		if (aug)
			crop_flip(ds, k, x + i * ds->dim, r);
		else
			row(ds, k, x + i * ds->dim);
		if (ds->y && y)
			y[i] = ds->y[k];
	}
}

void danp_gather_targets(const struct danp_dataset *ds, const size_t *perm,
			 size_t n, float *t)
{
	for (size_t i = 0; i < n; i++)
		memcpy(t + i * ds->t_dim,
		       ds->t + (perm ? perm[i] : i) * ds->t_dim,
		       ds->t_dim * sizeof(float));
}
