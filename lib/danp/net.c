// SPDX-License-Identifier: LGPL-2.1-or-later
/* Network allocation, initialisation and accessors. */
#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include "danp-internal.h"

/* Zeroed floats (parameters, optimiser state). */
static float *falloc(size_t n, int *bad)
{
	/* 64-byte alignment suits AVX-512 loads in the fused loops. */
	size_t bytes = (n * sizeof(float) + 63) & ~(size_t)63;
	float *p = aligned_alloc(64, bytes ? bytes : 64);

	if (!p)
		*bad = 1;
	else
		memset(p, 0, bytes);
	return p;
}

/* Workspace: every path writes it before reading it, so it is not
 * zeroed, and pages a smaller batch never uses are never touched. */
static float *walloc(size_t n, int *bad)
{
	size_t bytes = (n * sizeof(float) + 63) & ~(size_t)63;
	float *p = aligned_alloc(64, bytes ? bytes : 64);

	if (!p)
		*bad = 1;
	return p;
}

static int check_params(const struct danp_spec *spec,
			const struct danp_params *p, struct danp_err *err)
{
	if (spec->n_layers < 1 || spec->n_layers > DANP_MAX_LAYERS)
		return danp_seterr(err, -EINVAL, "bad layer count %u",
				   spec->n_layers);
	for (unsigned int i = 0; i <= spec->n_layers; i++)
		if (spec->sizes[i] < 1 || spec->sizes[i] > (1u << 20))
			return danp_seterr(err, -EINVAL, "bad size of layer %u", i);
	if (p->max_batch < 1 || p->max_batch > (1u << 20))
		return danp_seterr(err, -EINVAL, "max_batch %zu out of range",
				   p->max_batch);
	for (unsigned int i = 0; i <= spec->n_layers; i++)
		/* Workspace of 2 max_batch rows per layer: at most 256 MiB. */
		if (2 * p->max_batch * spec->sizes[i] > ((size_t)1 << 26))
			return danp_seterr(err, -EINVAL, "max_batch %zu too large "
					   "for layers of %zu", p->max_batch,
					   spec->sizes[i]);
	if (!(p->lr >= 0) || !(p->decor_lr >= 0))
		return danp_seterr(err, -EINVAL, "learning rates must be >= 0");
	if (p->decor_every > 1000)
		return danp_seterr(err, -EINVAL, "decor_every %u: need 0..1000",
				   p->decor_every);
	if (p->decor_rank > DANP_MAX_DECOR_RANK)
		return danp_seterr(err, -EINVAL, "decor_rank %u: need 0..%u",
				   p->decor_rank, DANP_MAX_DECOR_RANK);
	for (unsigned int l = 0; l < spec->n_layers && danp_uses_decor(p); l++)
		if ((spec->decor_default || spec->decor[l]) &&
		    p->decor_rank > spec->sizes[l])
			return danp_seterr(err, -EINVAL, "decor_rank %u exceeds "
					   "the width %zu of layer %u's input",
					   p->decor_rank, spec->sizes[l], l);
	if (p->optim == DANP_OPT_ADAM &&
	    !(p->beta1 >= 0 && p->beta1 < 1 && p->beta2 >= 0 && p->beta2 < 1))
		return danp_seterr(err, -EINVAL, "Adam betas must be in [0, 1)");
	if ((unsigned int)p->rule > DANP_RULE_DANP ||
	    (unsigned int)p->loss > DANP_LOSS_MSE ||
	    (unsigned int)p->optim > DANP_OPT_SGD ||
	    (unsigned int)p->reduce > DANP_REDUCE_MEAN)
		return danp_seterr(err, -EINVAL, "unknown rule/loss/optimiser");
	if (p->rule == DANP_RULE_NP && !(p->np_sigma2 > 0))
		return danp_seterr(err, -EINVAL, "NP needs np_sigma2 > 0");
	return 0;
}

size_t danp_ckpt_floats(const struct danp_spec *s, const struct danp_params *p)
{
	size_t n = 0, dec = 0;

	if (s->n_layers < 1 || s->n_layers > DANP_MAX_LAYERS)
		return 0;
	for (unsigned int l = 0; l <= s->n_layers; l++)
		if (s->sizes[l] < 1 || s->sizes[l] > (1u << 20))
			return 0;
	for (unsigned int l = 0; l < s->n_layers; l++) {
		size_t din = s->sizes[l], dout = s->sizes[l + 1];

		n += din * dout + (s->bias ? dout : 0);
		/* Same rule as danp_net_create for which layers have R, c. */
		if (danp_uses_decor(p) && (s->decor_default || s->decor[l]))
			dec += din * din + (p->decor_center ? din : 0);
	}
	return 3 * n + dec;
}

int danp_net_create(struct danp_net **out, const struct danp_spec *spec,
		    const struct danp_params *p, uint64_t seed,
		    struct danp_err *err)
{
	struct danp_net *net;
	struct danp_rng rng;
	size_t off = 0, rows;
	int bad = 0, ret;

	*out = NULL;
	ret = check_params(spec, p, err);
	if (ret)
		return ret;
	net = calloc(1, sizeof(*net));
	if (!net)
		return danp_seterr(err, -ENOMEM, "out of memory");
	net->spec = *spec;
	net->p = *p;
	net->L = spec->n_layers;
	rows = 2 * p->max_batch;
	net->rows_max = rows;
	for (unsigned int l = 0; l < net->L; l++) {
		size_t din = spec->sizes[l], dout = spec->sizes[l + 1];

		net->n_params += din * dout + (spec->bias ? dout : 0);
		net->n_units += dout;
		if (din > net->dmax)
			net->dmax = din;
		if (dout > net->dmax)
			net->dmax = dout;
	}
	net->param = falloc(net->n_params, &bad);
	net->grad = falloc(net->n_params, &bad);
	net->m = falloc(net->n_params, &bad);
	net->v = falloc(net->n_params, &bad);
	net->loss_row = walloc(rows, &bad);
	net->s = walloc(rows, &bad);
	net->dout = walloc(rows * spec->sizes[net->L], &bad);
	net->dx = walloc(rows * net->dmax, &bad);
	for (unsigned int l = 0; l < net->L && !bad; l++) {
		struct danp_layer *ly = &net->lay[l];
		size_t din = spec->sizes[l], dout = spec->sizes[l + 1];

		ly->din = din;
		ly->dout = dout;
		ly->decor = danp_uses_decor(p) &&
			    (spec->decor_default || spec->decor[l]);
		ly->W = net->param + off;
		ly->gW = net->grad + off;
		off += din * dout;
		if (spec->bias) {
			ly->b = net->param + off;
			ly->gb = net->grad + off;
			off += dout;
		}
		if (ly->decor && p->decor_rank) {
			ly->rank = p->decor_rank;
			ly->Dg = falloc(din, &bad);
			ly->U = falloc(din * ly->rank, &bad);
			ly->V = falloc(din * ly->rank, &bad);
			ly->Lw = walloc(danp_lowrank_scratch(din, ly->rank, rows),
					&bad);
		} else if (ly->decor) {
			ly->R = falloc(din * din, &bad);
			ly->Rd = falloc(din, &bad);
		}
		if (ly->decor) {
			if (p->decor_center)
				ly->c = falloc(din, &bad);
			ly->Z = walloc(rows * din, &bad);
		}
		ly->A = walloc(rows * dout, &bad);
		ly->X = l + 1 < net->L ? walloc(rows * dout, &bad) : ly->A;
		ly->Xi = walloc(rows * dout, &bad);
		ly->D = walloc(rows * dout, &bad);
		ly->T = walloc(rows * (din > dout ? din : dout), &bad);
	}
	if (bad) {
		danp_net_destroy(net);
		return danp_seterr(err, -ENOMEM, "out of memory for network");
	}
	/* PyTorch nn.Linear default: U(-1/sqrt(fan_in), 1/sqrt(fan_in)). */
	danp_rng_seed(&rng, seed);
	for (unsigned int l = 0; l < net->L; l++) {
		struct danp_layer *ly = &net->lay[l];
		double k = 1.0 / sqrt((double)ly->din);

		for (size_t i = 0; i < ly->din * ly->dout; i++)
			ly->W[i] = (float)((2 * danp_rng_uniform(&rng) - 1) * k);
		for (size_t i = 0; ly->b && i < ly->dout; i++)
			ly->b[i] = (float)((2 * danp_rng_uniform(&rng) - 1) * k);
		for (size_t i = 0; ly->R && i < ly->din; i++)
			ly->R[i * ly->din + i] = 1.0f;
	}
	/*
	 * Low-rank R: D = I, U = 0 (so R = I as the full rule starts), V
	 * random.  U's step is -eps G V and V's is -eps G^T U: with both
	 * factors zero neither would ever move.  V's entries N(0, 1/d) give
	 * columns of about unit length, nearly orthogonal, so U V^T's first
	 * steps are the full rule's step projected onto V's k directions.
	 * Drawn after all weights: those stay as without decor_rank.
	 */
	for (unsigned int l = 0; l < net->L; l++) {
		struct danp_layer *ly = &net->lay[l];
		double sd = 1.0 / sqrt((double)ly->din);

		for (size_t i = 0; ly->rank && i < ly->din; i++)
			ly->Dg[i] = 1.0f;
		for (size_t i = 0; i < ly->din * ly->rank; i++)
			ly->V[i] = (float)(sd * danp_rng_normal(&rng));
	}
	danp_blas_single_thread();
	*out = net;
	return 0;
}

void danp_net_destroy(struct danp_net *net)
{
	if (!net)
		return;
	danp_pool_destroy(net->pool);
	for (unsigned int l = 0; l < net->L; l++) {
		struct danp_layer *ly = &net->lay[l];

		free(ly->R);
		free(ly->c);
		free(ly->Rd);
		free(ly->Dg);
		free(ly->U);
		free(ly->V);
		free(ly->Lw);
		free(ly->Z);
		if (ly->X != ly->A)
			free(ly->X);
		free(ly->A);
		free(ly->Xi);
		free(ly->D);
		free(ly->T);
	}
	free(net->param);
	free(net->grad);
	free(net->m);
	free(net->v);
	free(net->loss_row);
	free(net->s);
	free(net->dout);
	free(net->dx);
	free(net);
}

void danp_net_set_noise(struct danp_net *net, danp_noise_fn fn, void *ctx)
{
	net->p.noise = fn;
	net->p.noise_ctx = ctx;
}

int danp_net_set_threads(struct danp_net *net, unsigned int threads,
			 struct danp_err *err)
{
	struct danp_pool *pool;
	int ret;

	if (threads < 1 || threads > DANP_MAX_THREADS)
		return danp_seterr(err, -EINVAL, "threads %u: need 1..%u",
				   threads, DANP_MAX_THREADS);
	danp_blas_single_thread();
	if (threads == danp_pool_parts(net->pool))
		return 0;
	ret = danp_pool_create(&pool, threads);
	if (ret)
		return danp_seterr(err, ret, "cannot start %u threads", threads);
	danp_pool_destroy(net->pool);
	net->pool = pool;
	return 0;
}

unsigned int danp_net_threads(const struct danp_net *net)
{
	return danp_pool_parts(net->pool);
}

int danp_net_set_decor_every(struct danp_net *net, unsigned int k,
			     struct danp_err *err)
{
	if (k > 1000)
		return danp_seterr(err, -EINVAL, "decor_every %u: need 0..1000", k);
	net->p.decor_every = k;
	return 0;
}

void danp_net_thread_stats(const struct danp_net *net,
			   struct danp_thread_stats *st)
{
	danp_pool_stats(net->pool, st);
}

void danp_net_set_lr(struct danp_net *net, float lr, float decor_lr)
{
	net->p.lr = lr;
	net->p.decor_lr = decor_lr;
}

const struct danp_spec *danp_net_spec(const struct danp_net *net)
{
	return &net->spec;
}

const struct danp_params *danp_net_params(const struct danp_net *net)
{
	return &net->p;
}

size_t danp_net_n_params(const struct danp_net *net)
{
	return net->n_params;
}

uint64_t danp_net_steps(const struct danp_net *net)
{
	return net->steps;
}

float *danp_net_weights(struct danp_net *net, unsigned int l)
{
	return l < net->L ? net->lay[l].W : NULL;
}

float *danp_net_bias(struct danp_net *net, unsigned int l)
{
	return l < net->L ? net->lay[l].b : NULL;
}

float *danp_net_decor(struct danp_net *net, unsigned int l)
{
	return l < net->L ? net->lay[l].R : NULL;
}

unsigned int danp_net_decor_lowrank(struct danp_net *net, unsigned int l,
				    float **dg, float **u, float **v)
{
	const struct danp_layer *ly = l < net->L ? &net->lay[l] : NULL;

	*dg = ly ? ly->Dg : NULL;
	*u = ly ? ly->U : NULL;
	*v = ly ? ly->V : NULL;
	return ly ? (unsigned int)ly->rank : 0;
}

float *danp_net_center(struct danp_net *net, unsigned int l)
{
	return l < net->L ? net->lay[l].c : NULL;
}

double danp_step_macs(const struct danp_net *net, size_t n)
{
	/* Counted as the code computes them (see forward.c/rules.c). */
	double m = 0;
	int two = net->p.rule == DANP_RULE_ANP || net->p.rule == DANP_RULE_DANP ||
		  net->p.rule == DANP_RULE_NP;
	int bp = net->p.rule == DANP_RULE_BP || net->p.rule == DANP_RULE_BP_DECOR;

	for (unsigned int l = 0; l < net->L; l++) {
		const struct danp_layer *ly = &net->lay[l];
		double dd = (double)ly->din * ly->din, dw = (double)ly->din * ly->dout;
		/* Layer 0 sees the same pixels in both passes: once. */
		double rows = (two && l > 0) ? 2.0 * n : (double)n;

		double dk = (double)ly->din * ly->rank;

		if (ly->decor && ly->rank)	/* decor-lowrank.c's products */
			m += rows * 2 * dk + 4.0 * n * dk +
			     4.0 * dk * ly->rank;
		else if (ly->decor)
			m += rows * dd + 2.0 * n * dd;	/* transform + update */
		m += rows * dw + n * dw;		/* forward + weight grad */
		if (bp && l > 0)
			m += n * dw + (!ly->decor ? 0 : ly->rank ?
				       2 * n * dk : n * dd);	/* backward */
	}
	return m;
}
