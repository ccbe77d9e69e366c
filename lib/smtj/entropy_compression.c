// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * SP 800-90B 6.3.4: the compression estimate (binary data).  Blocks of b
 * bits; after d blocks that fill a dictionary, the log2 distance of every
 * block to its previous occurrence is averaged (Maurer's statistic), and
 * p solves X-bar' = G(p) + (2^b - 1) G(q), q = (1 - p) / (2^b - 1).
 *
 * G(z) = 1/v sum_{t=d+1}^{L} sum_{u=1}^{t} log2(u) F(z, t, u) with
 * F = z^2 (1-z)^(u-1) for u < t and z (1-z)^(t-1) for u = t.  Swapping
 * the sums, log2(u) z^2 (1-z)^(u-1) occurs for L - max(u, d) values of t,
 * so one pass of L terms evaluates G.
 */
#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include "entropy-internal.h"

static double g_of(double z, uint64_t d, uint64_t blocks)
{
	double sum = 0, w = 1;	/* w = (1 - z)^(u - 1) */
	uint64_t v = blocks - d;

	for (uint64_t u = 1; u <= blocks; u++) {
		double l = log2((double)u);

		if (u < blocks)
			sum += l * z * z * w * (double)(blocks - (u > d ? u : d));
		if (u > d)
			sum += l * z * w;
		w *= 1 - z;
		if (w == 0)
			break;
	}
	return sum / (double)v;
}

static double expect(double p, unsigned int b, uint64_t d, uint64_t blocks)
{
	double m = (double)((1u << b) - 1);

	return g_of(p, d, blocks) + m * g_of((1 - p) / m, d, blocks);
}

int ent_compression(const struct ent_input *in, struct smtj_entropy_est *e,
		    struct smtj_err *err)
{
	unsigned int b = in->prm->compression_block;
	uint64_t d = in->prm->compression_dict, blocks = in->n / b, v;
	double sum = 0, sum2 = 0, lower, lo, hi, p;
	uint64_t *last;

	if (blocks < d + 2)
		return smtj_seterr(err, -EINVAL,
				   "compression: %zu samples, needs at least %llu (%llu blocks of %u)",
				   in->n, (unsigned long long)((d + 2) * b),
				   (unsigned long long)(d + 2), b);
	last = calloc((size_t)1 << b, sizeof(*last));
	if (!last)
		return smtj_seterr(err, -ENOMEM, "compression: out of memory");
	v = blocks - d;
	for (uint64_t i = 1; i <= blocks; i++) {
		unsigned int x = 0;

		for (unsigned int j = 0; j < b; j++)
			x = x << 1 | in->s[(i - 1) * b + j];
		if (i > d) {
			double l = log2((double)(i - last[x]));

			sum += l;
			sum2 += l * l;
		}
		last[x] = i;
	}
	free(last);
	e->mean = sum / (double)v;
	e->sd = 0.5907 * sqrt(fmax(0, sum2 / ((double)v - 1) - e->mean * e->mean));
	lower = e->mean - ENT_Z * e->sd / sqrt((double)v);
	lo = 1.0 / (1u << b);
	hi = 1;
	if (expect(lo, b, d, blocks) <= lower) {
		p = lo;		/* no solution: full entropy */
		e->h = 1;
	} else {
		/* the expectation falls as p grows: bisect */
		for (int i = 0; i < 100; i++) {
			double mid = 0.5 * (lo + hi);

			if (expect(mid, b, d, blocks) > lower)
				lo = mid;
			else
				hi = mid;
		}
		p = 0.5 * (lo + hi);
		e->h = p < 1 ? -log2(p) / b : 0;
	}
	e->p = p;
	e->done = 1;
	return 0;
}
