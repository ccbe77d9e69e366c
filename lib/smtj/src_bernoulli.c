// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * Bernoulli source ("approximated sMTJ"): sigma * (sum_{i<h} Bern(q) +
 * h * offset), q = p + skew; with "centred" h*q is subtracted inside the
 * bracket.  The reference uses h = 1, q = 0.5, sigma = 0.0125, uncentred.
 */
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include "smtj-internal.h"

struct bern {
	struct smtj_src base;
	struct smtj_streams st;
	uint64_t seed;
	unsigned int h;
	uint32_t thresh;	/* a 32-bit word below it is a 1 */
	int all_ones;		/* q == 1: every word counts */
	int fair;		/* q == 1/2: count set bits instead */
	float sigma, shift;
};

static inline unsigned int bit(const struct bern *b, uint32_t w)
{
	return b->all_ones || w < b->thresh;
}

static int bern_fill(struct smtj_src *s, unsigned int stream, float *out,
		     size_t rows, size_t cols, struct smtj_err *err)
{
	struct bern *b = (struct bern *)s;
	struct srng *r = smtj_streams_rng(&b->st, stream, b->seed, err);
	size_t n = rows * cols, i = 0;

	if (!r)
		return err ? err->code : -ENOMEM;
	if (b->h == 1) {
		/* two values per 64-bit draw */
		for (; i + 2 <= n; i += 2) {
			uint64_t w = srng_next(r);

			out[i] = b->sigma * (float)bit(b, (uint32_t)w) + b->shift;
			out[i + 1] = b->sigma * (float)bit(b, (uint32_t)(w >> 32)) +
				     b->shift;
		}
		if (i < n)
			out[i] = b->sigma * (float)bit(b, (uint32_t)srng_next(r)) +
				 b->shift;
		return 0;
	}
	if (b->fair) {
		/* h fair coins are h random bits: one popcount per 64 */
		for (; i < n; i++) {
			unsigned int k = 0, left = b->h;

			for (; left >= 64; left -= 64)
				k += (unsigned int)__builtin_popcountll(srng_next(r));
			if (left)
				k += (unsigned int)__builtin_popcountll(srng_next(r) >>
									(64 - left));
			out[i] = b->sigma * (float)k + b->shift;
		}
		return 0;
	}
	for (; i < n; i++) {
		unsigned int k = 0;

		for (unsigned int j = 0; j < b->h; j += 2) {
			uint64_t w = srng_next(r);

			k += bit(b, (uint32_t)w);
			if (j + 1 < b->h)
				k += bit(b, (uint32_t)(w >> 32));
		}
		out[i] = b->sigma * (float)k + b->shift;
	}
	return 0;
}

static void bern_destroy(struct smtj_src *s)
{
	struct bern *b = (struct bern *)s;

	smtj_streams_free(&b->st, free);
	free(b);
}

/* Streams are seeded when first drawn from: forgetting them is enough. */
static int bern_reseed(struct smtj_src *s, uint64_t seed,
		       struct smtj_err *err)
{
	struct bern *b = (struct bern *)s;

	(void)err;
	smtj_streams_free(&b->st, free);
	b->seed = seed;
	return 0;
}

static const struct smtj_src_ops bern_ops = {
	.fill = bern_fill,
	.destroy = bern_destroy,
	.reseed = bern_reseed,
};

int smtj_src_bernoulli(struct smtj_src **out, struct smtj_spec *sp,
		       uint64_t seed, struct smtj_err *err)
{
	double sigma = 0.0125, p = 0.5, skew = 0, offset = 0, q, c;
	unsigned int h = 1;
	int centred, ret;
	struct bern *b;

	if ((ret = smtj_spec_double(sp, "sigma", &sigma, err)) < 0 ||
	    (ret = smtj_spec_double(sp, "p", &p, err)) < 0 ||
	    (ret = smtj_spec_double(sp, "skew", &skew, err)) < 0 ||
	    (ret = smtj_spec_double(sp, "offset", &offset, err)) < 0 ||
	    (ret = smtj_spec_uint(sp, "h", &h, err)) < 0)
		return ret;
	centred = smtj_spec_flag(sp, "centred", err);
	if (centred < 0)
		return centred;
	q = p + skew;
	if (!(q >= 0 && q <= 1) || h < 1 || h > 1024 || !(sigma >= 0))
		return smtj_seterr(err, -EINVAL,
				   "noise spec bernoulli: need 0 <= p+skew <= 1, sigma >= 0, 1 <= h <= 1024");
	b = calloc(1, sizeof(*b));
	if (!b)
		return smtj_seterr(err, -ENOMEM, "noise: out of memory");
	b->base.ops = &bern_ops;
	b->seed = seed;
	b->h = h;
	b->all_ones = q >= 1.0;
	b->fair = q == 0.5;
	b->thresh = (uint32_t)llround(q * 4294967296.0 > 4294967295.0 ?
				      4294967295.0 : q * 4294967296.0);
	c = h * offset - (centred ? h * q : 0);
	b->sigma = (float)sigma;
	b->shift = (float)(sigma * c);
	b->base.has_moments = 1;
	b->base.mean = sigma * (h * q + c);
	b->base.sd = sigma * sqrt(h * q * (1 - q));
	b->base.lo = sigma * c;
	b->base.hi = sigma * (h + c);
	snprintf(b->base.desc, sizeof(b->base.desc),
		 "bernoulli:sigma=%.9g,p=%.9g,skew=%.9g,h=%u,offset=%.9g%s",
		 sigma, p, skew, h, offset, centred ? ",centred" : "");
	*out = &b->base;
	return 0;
}
