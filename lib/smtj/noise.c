// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * The noise interface: spec -> source, conditioning, the optional
 * Arduino-style sampler, the consumed-value count, and reseeding.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "smtj-internal.h"

enum cond { COND_RAW, COND_CENTER, COND_STD, COND_BINARY };
static const char *const cond_names[] = { "raw", "center", "std", "binary" };

struct smtj_noise {
	struct smtj_src *src;
	struct smtj_sampler *sampler;
	enum cond cond;
	double alpha;
	/* conditioning as out = a * x + b, or binary: +-alpha around thresh */
	float a, b, thresh;
	uint64_t consumed;
	char desc[512];
};

static const struct {
	const char *name;
	smtj_src_ctor ctor;
} sources[] = {
	{ "gauss", smtj_src_gauss },
	{ "bernoulli", smtj_src_bernoulli },
	{ "hmm", smtj_src_hmm },
	{ "junction", smtj_src_junction },
	{ "replay", smtj_src_replay },
	{ "device", smtj_src_device },
};

/* Conditioning keys are common to every source. */
static int parse_cond(struct smtj_noise *nz, struct smtj_spec *sp,
		      struct smtj_err *err)
{
	const char *c = "raw";
	int ret = smtj_spec_str(sp, "cond", &c, err);
	unsigned int i;

	if (ret < 0)
		return ret;
	for (i = 0; i < SMTJ_ARRAY_SIZE(cond_names); i++)
		if (!strcmp(c, cond_names[i]))
			break;
	if (i == SMTJ_ARRAY_SIZE(cond_names))
		return smtj_seterr(err, -EINVAL,
				   "noise spec %s: cond=%s (raw, center, std or binary)",
				   sp->name, c);
	nz->cond = i;
	nz->alpha = 1.0;
	ret = smtj_spec_double(sp, "alpha", &nz->alpha, err);
	if (ret < 0)
		return ret;
	return 0;
}

static int parse_sampler(struct smtj_noise *nz, struct smtj_spec *sp,
			 uint64_t seed, struct smtj_err *err)
{
	unsigned int window = 200, advance = 1;
	int on = smtj_spec_flag(sp, "arduino", err), r1, r2;

	if (on < 0)
		return on;
	r1 = smtj_spec_uint(sp, "window", &window, err);
	if (r1 < 0)
		return r1;
	r2 = smtj_spec_uint(sp, "advance", &advance, err);
	if (r2 < 0)
		return r2;
	if (!on && !r1 && !r2)
		return 0;
	return smtj_sampler_create(&nz->sampler, window, advance, seed, err);
}

static int setup_cond(struct smtj_noise *nz, struct smtj_err *err)
{
	struct smtj_src *s = nz->src;

	nz->a = 1.0f;
	nz->b = 0.0f;
	if (nz->cond == COND_RAW)
		return 0;
	if (!s->has_moments)
		return smtj_seterr(err, -ENODATA,
				   "noise: cond=%s needs the source's moments, which it does not know",
				   cond_names[nz->cond]);
	switch (nz->cond) {
	case COND_CENTER:
		nz->b = (float)-s->mean;
		break;
	case COND_STD:
		if (!(s->sd > 0))
			return smtj_seterr(err, -EDOM,
					   "noise: cond=std on a source with zero variance");
		nz->a = (float)(nz->alpha / s->sd);
		nz->b = (float)(-s->mean * nz->alpha / s->sd);
		break;
	case COND_BINARY:
		if (s->ops->levels) {
			int ret = s->ops->levels(s, err);

			if (ret)
				return ret;
		}
		nz->thresh = (float)((s->lo + s->hi) / 2);
		break;
	default:
		break;
	}
	return 0;
}

int smtj_noise_from_spec(struct smtj_noise **out, const char *spec,
			 uint64_t seed, struct smtj_err *err)
{
	struct smtj_spec *sp;
	struct smtj_noise *nz;
	unsigned int i;
	int ret;

	*out = NULL;
	sp = malloc(sizeof(*sp));
	nz = calloc(1, sizeof(*nz));
	if (!sp || !nz) {
		ret = smtj_seterr(err, -ENOMEM, "noise: out of memory");
		goto fail;
	}
	ret = smtj_spec_parse(sp, spec, err);
	if (ret)
		goto fail;
	for (i = 0; i < SMTJ_ARRAY_SIZE(sources); i++)
		if (!strcmp(sp->name, sources[i].name))
			break;
	if (i == SMTJ_ARRAY_SIZE(sources)) {
		ret = smtj_seterr(err, -EINVAL,
				  "noise spec: unknown source '%s' (gauss, bernoulli, hmm, junction, replay, device)",
				  sp->name);
		goto fail;
	}
	ret = parse_cond(nz, sp, err);
	if (ret)
		goto fail;
	ret = parse_sampler(nz, sp, seed, err);
	if (ret)
		goto fail;
	ret = sources[i].ctor(&nz->src, sp, seed, err);
	if (ret)
		goto fail;
	ret = smtj_spec_unused(sp, err);
	if (ret)
		goto fail;
	ret = setup_cond(nz, err);
	if (ret)
		goto fail;
	snprintf(nz->desc, sizeof(nz->desc), "%s,cond=%s,alpha=%.9g%s",
		 nz->src->desc, cond_names[nz->cond], nz->alpha,
		 nz->sampler ? ",arduino" : "");
	free(sp);
	*out = nz;
	return 0;
fail:
	free(sp);
	smtj_noise_destroy(nz);
	return ret;
}

static void condition(const struct smtj_noise *nz, float *out, size_t n)
{
	size_t i;

	if (nz->cond == COND_BINARY) {
		float hi = (float)nz->alpha, lo = -hi, t = nz->thresh;

		for (i = 0; i < n; i++)
			out[i] = out[i] > t ? hi : lo;
	} else if (nz->cond != COND_RAW) {
		float a = nz->a, b = nz->b;

		for (i = 0; i < n; i++)
			out[i] = a * out[i] + b;
	}
}

int smtj_noise_fill(struct smtj_noise *src, unsigned int stream, float *out,
		    size_t rows, size_t cols, struct smtj_err *err)
{
	int ret;

	if (!src || (!out && rows && cols))
		return smtj_seterr(err, -EINVAL, "noise fill: no source or buffer");
	if (cols && rows > SIZE_MAX / cols)
		return smtj_seterr(err, -EOVERFLOW, "noise fill: %zu x %zu overflows",
				   rows, cols);
	if (!rows || !cols)
		return 0;
	if (stream >= SMTJ_MAX_STREAMS)
		return smtj_seterr(err, -EINVAL, "noise fill: stream %u above %u",
				   stream, SMTJ_MAX_STREAMS - 1);
	if (src->sampler)
		ret = smtj_sampler_fill(src->sampler, src->src, out, rows * cols, err);
	else
		ret = src->src->ops->fill(src->src, stream, out, rows, cols, err);
	if (ret)
		return ret;
	condition(src, out, rows * cols);
	src->consumed += rows * cols;
	return 0;
}

/* The source first: it is the only part that can fail, and leaves
 * itself unchanged when it does. */
int smtj_noise_reseed(struct smtj_noise *nz, uint64_t seed,
		      struct smtj_err *err)
{
	int ret;

	if (!nz)
		return smtj_seterr(err, -EINVAL, "noise reseed: no source");
	ret = nz->src->ops->reseed(nz->src, seed, err);
	if (ret)
		return ret;
	if (nz->sampler)
		smtj_sampler_reseed(nz->sampler, seed);
	nz->consumed = 0;
	return 0;
}

uint64_t smtj_noise_consumed(const struct smtj_noise *src)
{
	return src ? src->consumed : 0;
}

uint64_t smtj_noise_lost(const struct smtj_noise *src)
{
	return src && src->src->ops->lost ? src->src->ops->lost(src->src) : 0;
}

const char *smtj_noise_describe(const struct smtj_noise *src)
{
	return src->desc;
}

int smtj_noise_moments(const struct smtj_noise *src, double *mean,
		       double *sd)
{
	const struct smtj_src *s = src->src;

	switch (src->cond) {
	case COND_RAW:
		if (!s->has_moments)
			return -ENODATA;
		*mean = s->mean;
		*sd = s->sd;
		return 0;
	case COND_CENTER:
		*mean = 0;
		*sd = s->sd;
		return 0;
	case COND_STD:
		*mean = 0;
		*sd = src->alpha;
		return 0;
	default:
		return -ENODATA;	/* depends on the level occupancy */
	}
}

void smtj_noise_destroy(struct smtj_noise *src)
{
	if (!src)
		return;
	if (src->src)
		src->src->ops->destroy(src->src);
	smtj_sampler_destroy(src->sampler);
	free(src);
}
