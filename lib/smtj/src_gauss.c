// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * Gaussian source: sigma * sum_{i<h} N(offset + skew, 1), drawn as
 * sigma * (sqrt(h) N(0,1) + h (offset + skew)) — the same distribution
 * with one draw per value.
 */
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include "smtj-internal.h"

struct gauss {
	struct smtj_src base;
	struct znorm z;
	struct smtj_streams st;
	struct srng slow;	/* the ziggurat's rare extra draws */
	uint64_t seed;
	float scale, shift;
};

static int gauss_fill(struct smtj_src *s, unsigned int stream, float *out,
		      size_t rows, size_t cols, struct smtj_err *err)
{
	struct gauss *g = (struct gauss *)s;
	struct srng *r = smtj_streams_rng(&g->st, stream, g->seed, err), l;
	size_t n = rows * cols;

	if (!r)
		return err ? err->code : -ENOMEM;
	l = *r;		/* a local generator stays in registers */
	for (size_t i = 0; i < n; i++)
		out[i] = g->scale * znorm_draw(&g->z, &g->slow, srng_next(&l)) + g->shift;
	*r = l;
	return 0;
}

static void gauss_destroy(struct smtj_src *s)
{
	struct gauss *g = (struct gauss *)s;

	smtj_streams_free(&g->st, free);
	free(g);
}

/* Streams are seeded when first drawn from: forgetting them is enough. */
static int gauss_reseed(struct smtj_src *s, uint64_t seed,
			struct smtj_err *err)
{
	struct gauss *g = (struct gauss *)s;

	(void)err;
	smtj_streams_free(&g->st, free);
	g->seed = seed;
	srng_seed(&g->slow, seed, 0xfffffffeULL, 0);
	return 0;
}

static const struct smtj_src_ops gauss_ops = {
	.fill = gauss_fill,
	.destroy = gauss_destroy,
	.reseed = gauss_reseed,
};

int smtj_src_gauss(struct smtj_src **out, struct smtj_spec *sp,
		   uint64_t seed, struct smtj_err *err)
{
	double sigma = 1, offset = 0, skew = 0;
	unsigned int h = 1;
	struct gauss *g;
	int ret;

	if ((ret = smtj_spec_double(sp, "sigma", &sigma, err)) < 0 ||
	    (ret = smtj_spec_double(sp, "offset", &offset, err)) < 0 ||
	    (ret = smtj_spec_double(sp, "skew", &skew, err)) < 0 ||
	    (ret = smtj_spec_uint(sp, "h", &h, err)) < 0)
		return ret;
	if (h < 1 || h > 1024 || !(sigma >= 0))
		return smtj_seterr(err, -EINVAL,
				   "noise spec gauss: need sigma >= 0 and 1 <= h <= 1024");
	g = calloc(1, sizeof(*g));
	if (!g)
		return smtj_seterr(err, -ENOMEM, "noise: out of memory");
	g->base.ops = &gauss_ops;
	znorm_init(&g->z);
	gauss_reseed(&g->base, seed, err);
	g->scale = (float)(sigma * sqrt(h));
	g->shift = (float)(sigma * h * (offset + skew));
	g->base.has_moments = 1;
	g->base.mean = sigma * h * (offset + skew);
	g->base.sd = sigma * sqrt(h);
	g->base.lo = g->base.mean - g->base.sd;
	g->base.hi = g->base.mean + g->base.sd;
	snprintf(g->base.desc, sizeof(g->base.desc),
		 "gauss:sigma=%.9g,h=%u,offset=%.9g,skew=%.9g", sigma, h,
		 offset, skew);
	*out = &g->base;
	return 0;
}
