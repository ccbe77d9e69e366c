// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * The paper's simulated sMTJ: a symmetric two-state hidden Markov chain,
 *   xi = h * (mean + s * amp) + noise * sqrt(h) * N(0, 1),  s = +-1,
 * s flipping with probability p per step, flip applied before the step is
 * observed, random initial state (as the reference does; its h sources
 * share the state and sum their noise).  Per-node mode keeps one chain per
 * (stream, node); serial mode one chain for everything, consumed in call
 * order.  Each value takes one 64-bit draw: bits 7-31 decide the flip,
 * the rest feed the ziggurat.
 */
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "smtj-internal.h"

struct hmm_chain {
	struct srng rng;
	struct srng slow;	/* the ziggurat's rare extra draws */
	size_t nodes;
	uint32_t *s;		/* per node: sign bit of the state */
};

struct hmm {
	struct smtj_src base;
	struct znorm z;
	struct smtj_streams st;
	struct hmm_chain serial;
	uint64_t seed;
	uint32_t thresh;	/* flip iff 25-bit field < thresh */
	float level, amp, sigma;
	uint32_t amp_bits;	/* h*amp as float bits */
};

static void chain_free(void *p)
{
	struct hmm_chain *c = p;

	free(c->s);
	free(c);
}

/* A random state: the sign bit, from the chain's generator. */
static uint32_t initial_state(struct hmm_chain *c)
{
	return (uint32_t)(srng_next(&c->rng) >> 63) << 31;
}

/* Give the chain at least @cols nodes, each in a random initial state. */
static int chain_grow(struct hmm_chain *c, size_t cols,
		      struct smtj_err *err)
{
	uint32_t *s;

	if (cols <= c->nodes)
		return 0;
	s = realloc(c->s, cols * sizeof(*s));
	if (!s)
		return smtj_seterr(err, -ENOMEM, "noise hmm: out of memory");
	for (size_t i = c->nodes; i < cols; i++)
		s[i] = initial_state(c);
	c->s = s;
	c->nodes = cols;
	return 0;
}

/* Branch-free flip: the state is a sign bit applied to amp's bits (a
 * mispredicted branch at p = 8 % would cost more than the whole step). */
static inline float step(const struct hmm *h, struct srng *r,
			 struct srng *slow, uint32_t *s)
{
	uint64_t w = srng_next(r);
	uint32_t flip = ((uint32_t)(w >> 7) & 0x1ffffffU) < h->thresh;
	uint32_t bits;
	float a;

	*s ^= flip << 31;
	bits = h->amp_bits ^ *s;
	memcpy(&a, &bits, sizeof(a));
	return h->level + a + h->sigma * znorm_draw(&h->z, slow, w);
}

static int hmm_fill(struct smtj_src *src, unsigned int stream, float *out,
		    size_t rows, size_t cols, struct smtj_err *err)
{
	struct hmm *h = (struct hmm *)src;
	struct hmm_chain *c;
	int ret;

	if (h->base.serial) {
		size_t n = rows * cols;

		/* the generator in a local that never escapes stays in
		 * registers; the slow path has its own generator */
		c = &h->serial;
		struct srng r = c->rng;
		uint32_t st = c->s[0];

		for (size_t i = 0; i < n; i++)
			out[i] = step(h, &r, &c->slow, &st);
		c->rng = r;
		c->s[0] = st;
		return 0;
	}
	void **slot = smtj_streams_slot(&h->st, stream, err);

	if (!slot)
		return err ? err->code : -ENOMEM;
	if (!*slot) {
		c = calloc(1, sizeof(*c));
		if (!c)
			return smtj_seterr(err, -ENOMEM, "noise hmm: out of memory");
		srng_seed(&c->rng, h->seed, stream, 0);
		srng_seed(&c->slow, h->seed, stream, 1);
		*slot = c;
	}
	c = *slot;
	ret = chain_grow(c, cols, err);
	if (ret)
		return ret;
	struct srng rg = c->rng;

	for (size_t r = 0; r < rows; r++) {
		float *o = out + r * cols;

		for (size_t j = 0; j < cols; j++)
			o[j] = step(h, &rg, &c->slow, &c->s[j]);
	}
	c->rng = rg;
	return 0;
}

static void hmm_destroy(struct smtj_src *src)
{
	struct hmm *h = (struct hmm *)src;

	smtj_streams_free(&h->st, chain_free);
	free(h->serial.s);
	free(h);
}

/* Per-node chains are seeded when first drawn from: forgetting them is
 * enough.  The serial chain takes a new random state from its new
 * generator, in its node kept from construction (so that only the
 * constructor's call can fail, on an empty source). */
static int hmm_reseed(struct smtj_src *src, uint64_t seed,
		      struct smtj_err *err)
{
	struct hmm *h = (struct hmm *)src;
	struct hmm_chain *c = &h->serial;

	smtj_streams_free(&h->st, chain_free);
	h->seed = seed;
	srng_seed(&c->rng, seed, 0xffffffffULL, 1);
	srng_seed(&c->slow, seed, 0xffffffffULL, 2);
	if (!c->nodes)
		return chain_grow(c, 1, err);
	c->s[0] = initial_state(c);
	return 0;
}

static const struct smtj_src_ops hmm_ops = {
	.fill = hmm_fill,
	.destroy = hmm_destroy,
	.reseed = hmm_reseed,
};

int smtj_src_hmm(struct smtj_src **out, struct smtj_spec *sp, uint64_t seed,
		 struct smtj_err *err)
{
	double p = 0.0809, level = 0.042092104, amp = 0.0059316154;
	double noise = 0.00090841466;
	unsigned int hh = 1;
	int serial, ret;
	struct hmm *h;

	if ((ret = smtj_spec_double(sp, "p", &p, err)) < 0 ||
	    (ret = smtj_spec_double(sp, "level", &level, err)) < 0 ||
	    (ret = smtj_spec_double(sp, "amp", &amp, err)) < 0 ||
	    (ret = smtj_spec_double(sp, "noise", &noise, err)) < 0 ||
	    (ret = smtj_spec_uint(sp, "h", &hh, err)) < 0)
		return ret;
	serial = smtj_spec_flag(sp, "serial", err);
	if (serial < 0)
		return serial;
	if (!(p >= 0 && p <= 1) || !(noise >= 0) || !(amp >= 0) || hh < 1 ||
	    hh > 1024)
		return smtj_seterr(err, -EINVAL,
				   "noise spec hmm: need 0 <= p <= 1, amp >= 0, noise >= 0, 1 <= h <= 1024");
	h = calloc(1, sizeof(*h));
	if (!h)
		return smtj_seterr(err, -ENOMEM, "noise: out of memory");
	h->base.ops = &hmm_ops;
	h->base.serial = serial;
	znorm_init(&h->z);
	h->thresh = (uint32_t)llround(p * 33554432.0);	/* p * 2^25 */
	h->level = (float)(hh * level);
	h->amp = (float)(hh * amp);
	h->sigma = (float)(noise * sqrt(hh));
	memcpy(&h->amp_bits, &h->amp, sizeof(h->amp_bits));
	if (hmm_reseed(&h->base, seed, err)) {
		hmm_destroy(&h->base);
		return -ENOMEM;
	}
	h->base.has_moments = 1;
	h->base.mean = hh * level;
	h->base.sd = sqrt((double)hh * hh * amp * amp + hh * noise * noise);
	h->base.lo = hh * (level - amp);
	h->base.hi = hh * (level + amp);
	snprintf(h->base.desc, sizeof(h->base.desc),
		 "hmm:p=%.9g,level=%.9g,amp=%.9g,noise=%.9g,h=%u%s", p, level,
		 amp, noise, hh, serial ? ",serial" : "");
	*out = &h->base;
	return 0;
}
