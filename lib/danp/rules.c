// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * Learning rules: gradients of BP (through the current decorrelation),
 * NP (clean + noisy pass), ANP/DANP (two noisy passes, stacked).
 * All write net->grad in the layout W_0, b_0, W_1, b_1, ...
 */
#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include "danp-internal.h"

static float reduce_scale(const struct danp_net *net, size_t n)
{
	return net->p.reduce == DANP_REDUCE_MEAN ? 1.0f / (float)n : 1.0f;
}

/* gW = alpha D^T Z, gb = alpha colsum(D), D and Z n rows. */
static void weight_grad(struct danp_net *net, struct danp_layer *ly,
			const float *D, size_t n, float alpha)
{
	danp_gemm(net, 1, 0, ly->dout, ly->din, n, alpha, D, ly->dout, ly->Zp,
		  ly->din, 0.0f, ly->gW, ly->din);
	if (!ly->gb)
		return;
	memset(ly->gb, 0, ly->dout * sizeof(float));
	for (size_t r = 0; r < n; r++)
		for (size_t j = 0; j < ly->dout; j++)
			ly->gb[j] += D[r * ly->dout + j];
	for (size_t j = 0; j < ly->dout; j++)
		ly->gb[j] *= alpha;
}

static double mean_loss(const float *l, size_t n)
{
	double s = 0;

	for (size_t i = 0; i < n; i++)
		s += l[i];
	return s / (double)n;
}

struct diff_job {
	struct danp_net *net;
	const float *lr;	/* per-row losses, pass 1 then pass 2 */
	size_t n;
};

/*
 * ANP/DANP for rows [r0, r1): D = a1 - a2 on every layer, then each row
 * scaled by its s_n.  Rows are independent, so the threads split them.
 */
static void diff_rows(struct danp_net *net, const float *lr, size_t n,
		      size_t r0, size_t r1)
{
	for (size_t r = r0; r < r1; r++) {
		float sq = 0, s;

		for (unsigned int l = 0; l < net->L; l++) {
			struct danp_layer *ly = &net->lay[l];
			size_t d = ly->dout;
			const float *restrict a1 = ly->A + r * d;
			const float *restrict a2 = ly->A + (n + r) * d;
			float *restrict D = ly->D + r * d, acc = 0;

			for (size_t j = 0; j < d; j++) {
				D[j] = a1[j] - a2[j];
				acc += D[j] * D[j];
			}
			sq += acc;
		}
		/* Identical passes carry no information: skip the sample. */
		s = sq > 0 ? (lr[r] - lr[n + r]) * (float)net->n_units / sq : 0;
		net->s[r] = s;
		for (unsigned int l = 0; l < net->L; l++) {
			struct danp_layer *ly = &net->lay[l];
			float *restrict D = ly->D + r * ly->dout;

			for (size_t j = 0; j < ly->dout; j++)
				D[j] *= s;
		}
	}
}

static void diff_part(void *arg, unsigned int part, unsigned int parts)
{
	const struct diff_job *j = arg;
	size_t lo, hi;

	danp_part_range(j->n, 1, part, parts, &lo, &hi);
	diff_rows(j->net, j->lr, j->n, lo, hi);
}

/*
 * ANP/DANP: s_n = (L1_n - L2_n) N / sum_l |a1_l,n - a2_l,n|^2,
 * g_W_l = sum_n s_n (a1 - a2)_l,n z1_l,n^T.
 * NP: g_W_l = sum_n (L_noisy - L_clean)_n / sigma^2 (xi - mean)_l,n z_l,n^T
 * (an uncentred source would bias the estimate by its mean).
 */
/* The forward mode of a noise-based step: NP's clean and noisy pass, or
 * ANP/DANP's two noisy passes. */
static enum danp_fwd noise_mode(const struct danp_net *net)
{
	return net->p.rule == DANP_RULE_NP ? DANP_FWD_CLEAN_NOISY :
	       DANP_FWD_TWO_NOISY;
}

int danp_grad_noise(struct danp_net *net, const struct danp_batch *b,
		    double *loss, struct danp_err *err)
{
	int np = net->p.rule == DANP_RULE_NP;
	size_t n = b->n;
	float *lr = net->loss_row, alpha = reduce_scale(net, n);
	int ret;

	ret = danp_forward_rows(net, b->x, n, noise_mode(net), err);
	if (ret)
		return ret;
	ret = danp_loss_rows(net, danp_output(net), 2 * n, b, lr, NULL, 0, err);
	if (ret)
		return ret;
	if (np) {
		float inv = 1.0f / net->p.np_sigma2, mu = net->p.np_mean;

		for (size_t r = 0; r < n; r++)
			net->s[r] = (lr[n + r] - lr[r]) * inv;
		for (unsigned int l = 0; l < net->L; l++) {
			struct danp_layer *ly = &net->lay[l];
			const float *xi = ly->Xi + n * ly->dout;

			for (size_t r = 0; r < n; r++)
				for (size_t j = 0; j < ly->dout; j++)
					ly->D[r * ly->dout + j] =
						net->s[r] * (xi[r * ly->dout + j] - mu);
			weight_grad(net, ly, ly->D, n, alpha);
		}
		if (loss)
			*loss = mean_loss(lr, n);
		return 0;
	}
	{
		struct diff_job j = { net, lr, n };

		danp_pool_run(net->pool, diff_part, &j);
	}
	for (unsigned int l = 0; l < net->L; l++)
		weight_grad(net, &net->lay[l], net->lay[l].D, n, alpha);
	if (loss)
		*loss = mean_loss(lr, n);
	return 0;
}

int danp_grad_bp(struct danp_net *net, const struct danp_batch *b,
		 double *loss, struct danp_err *err)
{
	size_t n = b->n;
	int ret;

	ret = danp_forward_rows(net, b->x, n, DANP_FWD_CLEAN, err);
	if (ret)
		return ret;
	ret = danp_loss_rows(net, danp_output(net), n, b, net->loss_row,
			     net->dout, reduce_scale(net, n), err);
	if (ret)
		return ret;
	for (unsigned int l = net->L; l-- > 0;) {
		struct danp_layer *ly = &net->lay[l], *prev;
		const float *delta = l + 1 == net->L ? net->dout : ly->D;
		float *dx;

		weight_grad(net, ly, delta, n, 1.0f);
		if (l == 0)
			break;
		/* dZ = delta W; dX = dZ R (z = R x); delta_prev = dX f'(a). */
		prev = &net->lay[l - 1];
		dx = ly->decor ? ly->T : net->dx;
		danp_gemm(net, 0, 0, n, ly->din, ly->dout, 1.0f, delta,
			  ly->dout, ly->W, ly->din, 0.0f, dx, ly->din);
		if (ly->decor && ly->rank)
			danp_lowrank_mul(net, ly, ly->T, n, net->dx, 1);
		else if (ly->decor)
			danp_gemm(net, 0, 0, n, ly->din, ly->din, 1.0f, ly->T,
				  ly->din, ly->R, ly->din, 0.0f, net->dx,
				  ly->din);
		{
			/* Local restrict pointers: the loop vectorises. */
			float *restrict d = prev->D, slope = net->spec.slope;
			const float *restrict g = net->dx, *restrict a = prev->A;

			for (size_t i = 0; i < n * ly->din; i++)
				d[i] = g[i] * (a[i] > 0 ? 1.0f : slope);
		}
	}
	if (loss)
		*loss = mean_loss(net->loss_row, n);
	return 0;
}

static int check_batch(const struct danp_net *net, const struct danp_batch *b,
		       struct danp_err *err)
{
	int noisy = net->p.rule == DANP_RULE_NP || net->p.rule == DANP_RULE_ANP ||
		    net->p.rule == DANP_RULE_DANP;

	if (!b || !b->x || b->n == 0 || b->n > net->p.max_batch)
		return danp_seterr(err, -EINVAL, "batch of %zu samples: need 1..%zu",
				   b ? b->n : 0, net->p.max_batch);
	if (noisy && !net->p.noise)
		return danp_seterr(err, -EINVAL, "rule %s needs a noise source",
				   danp_rule_name(net->p.rule));
	return 0;
}

static int rule_grad(struct danp_net *net, const struct danp_batch *b,
		     double *loss, struct danp_err *err)
{
	int ret = check_batch(net, b, err);

	if (ret)
		return ret;
	if (net->p.rule == DANP_RULE_BP || net->p.rule == DANP_RULE_BP_DECOR)
		return danp_grad_bp(net, b, loss, err);
	return danp_grad_noise(net, b, loss, err);
}

int danp_step(struct danp_net *net, const struct danp_batch *b,
	      double *loss, struct danp_err *err)
{
	unsigned int k = net->p.decor_every > 1 ? net->p.decor_every : 1;
	int ret = rule_grad(net, b, loss, err);

	if (ret)
		return ret;
	danp_optim_apply(net);
	if (danp_uses_decor(&net->p) && (net->steps + 1) % k == 0)
		danp_decor_update(net, b->n, (float)k * net->p.decor_lr);
	net->steps++;
	return 0;
}

int danp_skip_noise(struct danp_net *net, size_t batch, uint64_t batches,
		    struct danp_err *err)
{
	if (net->p.rule == DANP_RULE_BP || net->p.rule == DANP_RULE_BP_DECOR)
		return 0;
	if (batch == 0 || batch > net->p.max_batch)
		return danp_seterr(err, -EINVAL, "batch of %zu samples: need 1..%zu",
				   batch, net->p.max_batch);
	if (!net->p.noise)
		return danp_seterr(err, -EINVAL, "rule %s needs a noise source",
				   danp_rule_name(net->p.rule));
	for (uint64_t i = 0; i < batches; i++) {
		int ret = danp_forward_skip_noise(net, batch, noise_mode(net), err);

		if (ret)
			return ret;
	}
	return 0;
}

int danp_rule_grad(struct danp_net *net, const struct danp_batch *b,
		   float *grad, struct danp_err *err)
{
	int ret = rule_grad(net, b, NULL, err);

	if (!ret)
		memcpy(grad, net->grad, net->n_params * sizeof(float));
	return ret;
}

int danp_true_grad(struct danp_net *net, const struct danp_batch *b,
		   float *grad, struct danp_err *err)
{
	int ret = check_batch(net, b, err);

	if (ret)
		return ret;
	ret = danp_grad_bp(net, b, NULL, err);
	if (!ret)
		memcpy(grad, net->grad, net->n_params * sizeof(float));
	return ret;
}

int danp_grad_cosine(struct danp_net *net, const struct danp_batch *b,
		     double *cosine, struct danp_err *err)
{
	float *g = malloc(net->n_params * sizeof(float));
	double dot = 0, na = 0, nb = 0;
	int ret;

	if (!g)
		return danp_seterr(err, -ENOMEM, "out of memory");
	ret = danp_rule_grad(net, b, g, err);
	if (!ret)	/* the true gradient stays in net->grad */
		ret = danp_grad_bp(net, b, NULL, err);
	if (!ret) {
		for (size_t i = 0; i < net->n_params; i++) {
			dot += (double)g[i] * net->grad[i];
			na += (double)g[i] * g[i];
			nb += (double)net->grad[i] * net->grad[i];
		}
		*cosine = na > 0 && nb > 0 ? dot / sqrt(na * nb) : 0;
	}
	free(g);
	return ret;
}
