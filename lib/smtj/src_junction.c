// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * Physical junction source: physics -> simulator config (junction.c) ->
 * the kernel's portable core (sim.c) -> volts.  Per-node mode runs one
 * simulated array per (stream, node), seeded from (seed, stream, node);
 * serial mode runs one array, consumed in call order like a device.
 */
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "smtj-internal.h"

struct jnodes {
	size_t nodes;
	struct smtj_sim **sim;
};

struct junction {
	struct smtj_src base;
	struct smtj_sim_config cfg;
	struct smtj_streams st;
	struct smtj_sim *serial;
	uint64_t seed;
	float lsb;		/* volts per code */
	uint16_t *tmp;
	size_t tmp_n;
};

static void jnodes_free(void *p)
{
	struct jnodes *jn = p;

	for (size_t i = 0; i < jn->nodes; i++)
		smtj_sim_destroy(jn->sim[i]);
	free(jn->sim);
	free(jn);
}

static int tmp_reserve(struct junction *j, size_t n, struct smtj_err *err)
{
	uint16_t *t;

	if (n <= j->tmp_n)
		return 0;
	t = realloc(j->tmp, n * sizeof(*t));
	if (!t)
		return smtj_seterr(err, -ENOMEM, "noise junction: out of memory");
	j->tmp = t;
	j->tmp_n = n;
	return 0;
}

static int grow(struct junction *j, struct jnodes *jn, unsigned int stream,
		size_t cols, struct smtj_err *err)
{
	struct smtj_sim **s;
	int ret;

	if (cols <= jn->nodes)
		return 0;
	s = realloc(jn->sim, cols * sizeof(*s));
	if (!s)
		return smtj_seterr(err, -ENOMEM, "noise junction: out of memory");
	jn->sim = s;
	for (size_t i = jn->nodes; i < cols; i++) {
		struct smtj_sim_config cfg = j->cfg;
		struct srng r;

		srng_seed(&r, j->seed, stream, i + 1);
		cfg.seed = srng_next(&r);
		ret = smtj_sim_create(&s[i], &cfg, err);
		if (ret)
			return ret;
		jn->nodes = i + 1;
	}
	return 0;
}

static int junction_fill(struct smtj_src *src, unsigned int stream,
			 float *out, size_t rows, size_t cols,
			 struct smtj_err *err)
{
	struct junction *j = (struct junction *)src;
	struct jnodes *jn;
	void **slot;
	int ret;

	if (j->base.serial) {
		size_t n = rows * cols;

		while (n) {
			size_t k = n < 65536 ? n : 65536;

			ret = tmp_reserve(j, k, err);
			if (ret)
				return ret;
			smtj_sim_fill(j->serial, j->tmp, k);
			for (size_t i = 0; i < k; i++)
				out[i] = j->lsb * j->tmp[i];
			out += k;
			n -= k;
		}
		return 0;
	}
	slot = smtj_streams_slot(&j->st, stream, err);
	if (!slot)
		return err ? err->code : -ENOMEM;
	if (!*slot) {
		*slot = calloc(1, sizeof(struct jnodes));
		if (!*slot)
			return smtj_seterr(err, -ENOMEM, "noise junction: out of memory");
	}
	jn = *slot;
	ret = grow(j, jn, stream, cols, err);
	if (ret)
		return ret;
	ret = tmp_reserve(j, rows, err);
	if (ret)
		return ret;
	for (size_t c = 0; c < cols; c++) {
		smtj_sim_fill(jn->sim[c], j->tmp, rows);
		for (size_t r = 0; r < rows; r++)
			out[r * cols + c] = j->lsb * j->tmp[r];
	}
	return 0;
}

static void junction_destroy(struct smtj_src *src)
{
	struct junction *j = (struct junction *)src;

	smtj_streams_free(&j->st, jnodes_free);
	smtj_sim_destroy(j->serial);
	free(j->tmp);
	free(j);
}

/* The config differs only in its seed (smtj_junction_to_sim); per-node
 * arrays are made when first drawn from, the serial one is made anew
 * before anything is dropped, so that a failure changes nothing. */
static int junction_reseed(struct smtj_src *src, uint64_t seed,
			   struct smtj_err *err)
{
	struct junction *j = (struct junction *)src;
	struct smtj_sim_config cfg = j->cfg;
	struct smtj_sim *serial = NULL;

	cfg.seed = seed;
	if (j->base.serial) {
		int ret = smtj_sim_create(&serial, &cfg, err);

		if (ret)
			return ret;
	}
	smtj_streams_free(&j->st, jnodes_free);
	smtj_sim_destroy(j->serial);
	j->serial = serial;
	j->cfg = cfg;
	j->seed = seed;
	return 0;
}

static const struct smtj_src_ops junction_ops = {
	.fill = junction_fill,
	.destroy = junction_destroy,
	.reseed = junction_reseed,
};

/* Stationary moments: junctions are independent two-state chains, the
 * state is observed as a level plus rounded Gaussian noise (Sheppard's
 * correction adds 1/12 LSB^2 for the rounding). */
static void moments(struct junction *j)
{
	const struct smtj_sim_config *c = &j->cfg;
	double m1 = 0, m2 = 0, lsb = j->lsb, sig = c->noise_sigma / 1000.0;

	for (unsigned int st = 0; st < (1U << c->nr_junctions); st++) {
		double pr = 1;

		for (unsigned int k = 0; k < c->nr_junctions; k++) {
			double a = c->p_leave[k][0], b = c->p_leave[k][1];
			double p1 = a + b > 0 ? a / (a + b) : 0.5;

			pr *= (st >> k) & 1 ? p1 : 1 - p1;
		}
		m1 += pr * c->level[st];
		m2 += pr * c->level[st] * (double)c->level[st];
	}
	j->base.has_moments = 1;
	j->base.mean = m1 * lsb;
	j->base.sd = sqrt(m2 - m1 * m1 + (sig > 0 ? sig * sig + 1.0 / 12 : 0)) * lsb;
	smtj_sim_levels_volts(c, &j->base.lo, &j->base.hi);
}

int smtj_src_junction(struct smtj_src **out, struct smtj_spec *sp,
		      uint64_t seed, struct smtj_err *err)
{
	struct smtj_junction_params p;
	struct junction *j;
	int serial, ret;

	ret = smtj_junction_spec_params(sp, &p, err);
	if (ret < 0)
		return ret;
	serial = smtj_spec_flag(sp, "serial", err);
	if (serial < 0)
		return serial;
	j = calloc(1, sizeof(*j));
	if (!j)
		return smtj_seterr(err, -ENOMEM, "noise: out of memory");
	j->base.ops = &junction_ops;
	j->base.serial = serial;
	j->seed = seed;
	ret = smtj_junction_to_sim(&p, seed, &j->cfg, err);
	if (!ret && serial)
		ret = smtj_sim_create(&j->serial, &j->cfg, err);
	if (ret) {
		junction_destroy(&j->base);
		return ret;
	}
	j->lsb = (float)(j->cfg.scale_fv * 1e-15);
	moments(j);
	snprintf(j->base.desc, sizeof(j->base.desc),
		 "junction:n=%u,tau0=%.6g,delta=%.6g,temp=%.6g,tref=%.6g,i=%.6g,h=%.6g,rp=%.6g,rap=%.6g,rs=%.6g,vdd=%.6g,vref=%.6g,bits=%u,noise=%.6g,rate=%.6g%s",
		 p.n, p.tau0, p.delta[0], p.temp, p.t_ref, p.i_ratio, p.h_ratio,
		 p.r_p[0], p.r_ap[0], p.r_series, p.vdd, p.vref, p.adc_bits,
		 p.noise_v, p.rate_hz, serial ? ",serial" : "");
	*out = &j->base;
	return 0;
}
