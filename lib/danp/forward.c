// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * Forward passes.  The two passes of a DANP step are stacked into one
 * product of 2n rows; the input layer sees the same pixels in both passes,
 * so its decorrelation and weight product are computed once for n rows and
 * copied.  Bias, noise and activation are one fused loop per layer.
 */
#include <errno.h>
#include <string.h>
#include "danp-internal.h"

/* a += b + xi; x = leaky(a).  One pass over the layer's outputs; the
 * variants without bias or noise keep the inner loop branch-free. */
static void bias_noise_act(float *restrict A, float *restrict X,
			   const float *restrict b, const float *restrict xi,
			   size_t r0, size_t r1, size_t d, float slope, int act)
{
	for (size_t r = r0; r < r1; r++) {
		float *restrict a = A + r * d, *restrict x = X + r * d;
		const float *restrict e = xi ? xi + r * d : NULL;

		if (b && e)
			for (size_t j = 0; j < d; j++)
				a[j] += b[j] + e[j];
		else if (b)
			for (size_t j = 0; j < d; j++)
				a[j] += b[j];
		else if (e)
			for (size_t j = 0; j < d; j++)
				a[j] += e[j];
		/* A select of the slope, not a branch: this vectorises. */
		if (act)
			for (size_t j = 0; j < d; j++)
				x[j] = a[j] * (a[j] > 0.0f ? 1.0f : slope);
	}
}

struct act_job {
	const struct danp_layer *ly;
	const float *xi;
	size_t rows;
	float slope;
	int act;
};

static void act_part(void *arg, unsigned int part, unsigned int parts)
{
	const struct act_job *j = arg;
	size_t lo, hi;

	danp_part_range(j->rows, 1, part, parts, &lo, &hi);
	bias_noise_act(j->ly->A, j->ly->X, j->ly->b, j->xi, lo, hi,
		       j->ly->dout, j->slope, j->act);
}

static int get_noise(struct danp_net *net, unsigned int l, float *out,
		     size_t rows, size_t cols, struct danp_err *err)
{
	int ret;

	if (!net->p.noise)
		return danp_seterr(err, -EINVAL, "noisy pass without a noise source");
	ret = net->p.noise(net->p.noise_ctx, l, out, rows, cols);
	if (ret)
		return danp_seterr(err, ret < 0 ? ret : -EIO,
				   "noise source failed for layer %u (%d)", l, ret);
	return 0;
}

int danp_forward_skip_noise(struct danp_net *net, size_t n, enum danp_fwd mode,
			    struct danp_err *err)
{
	size_t rows = mode == DANP_FWD_TWO_NOISY ? 2 * n : n;

	if (mode == DANP_FWD_CLEAN)
		return 0;
	if (n == 0 || 2 * n > net->rows_max)
		return danp_seterr(err, -EINVAL, "batch of %zu rows: need 1..%zu",
				   n, net->rows_max / 2);
	/* The same calls as danp_forward_rows, into its scratch. */
	for (unsigned int l = 0; l < net->L; l++) {
		int ret = get_noise(net, l, net->lay[l].Xi, rows,
				    net->lay[l].dout, err);

		if (ret)
			return ret;
	}
	return 0;
}

/* z = x R^T (+ c) for @rows rows. */
static void decorrelate(struct danp_net *net, struct danp_layer *ly,
			const float *x, size_t rows, float *z)
{
	size_t d = ly->din;

	if (ly->rank)
		danp_lowrank_mul(net, ly, x, rows, z, 0);
	else
		danp_gemm(net, 0, 1, rows, d, d, 1.0f, x, d, ly->R, d, 0.0f,
			  z, d);
	if (ly->c)
		for (size_t r = 0; r < rows; r++)
			for (size_t j = 0; j < d; j++)
				z[r * d + j] += ly->c[j];
}

int danp_forward_rows(struct danp_net *net, const float *x, size_t n,
		      enum danp_fwd mode, struct danp_err *err)
{
	int two = mode == DANP_FWD_TWO_NOISY || mode == DANP_FWD_CLEAN_NOISY;
	size_t rows = two ? 2 * n : n;
	const float *in = x;
	int ret;

	if (n == 0 || rows > net->rows_max)
		return danp_seterr(err, -EINVAL, "batch of %zu rows: need 1..%zu",
				   n, two ? net->rows_max / 2 : net->rows_max);
	for (unsigned int l = 0; l < net->L; l++) {
		struct danp_layer *ly = &net->lay[l];
		int last = l + 1 == net->L;
		/* Layer 0 of a stacked pass: compute n rows, copy to 2n. */
		size_t crows = (two && l == 0) ? n : rows;
		float *xi = NULL;

		if (ly->decor) {
			decorrelate(net, ly, in, crows, ly->Z);
			ly->Zp = ly->Z;
		} else {
			ly->Zp = in;
		}
		danp_gemm(net, 0, 1, crows, ly->dout, ly->din, 1.0f, ly->Zp,
			  ly->din, ly->W, ly->din, 0.0f, ly->A, ly->dout);
		if (crows != rows)
			memcpy(ly->A + n * ly->dout, ly->A,
			       n * ly->dout * sizeof(float));
		switch (mode) {
		case DANP_FWD_CLEAN:
			break;
		case DANP_FWD_NOISY:
		case DANP_FWD_TWO_NOISY:
			ret = get_noise(net, l, ly->Xi, rows, ly->dout, err);
			if (ret)
				return ret;
			xi = ly->Xi;
			break;
		case DANP_FWD_CLEAN_NOISY:
			memset(ly->Xi, 0, n * ly->dout * sizeof(float));
			ret = get_noise(net, l, ly->Xi + n * ly->dout, n,
					ly->dout, err);
			if (ret)
				return ret;
			xi = ly->Xi;
			break;
		}
		{
			struct act_job j = { ly, xi, rows, net->spec.slope, !last };

			danp_pool_run(net->pool, act_part, &j);
		}
		in = ly->X;
	}
	return 0;
}

const float *danp_output(const struct danp_net *net)
{
	return net->lay[net->L - 1].A;
}
