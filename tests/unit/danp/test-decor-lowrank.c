// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Diagonal-plus-low-rank decorrelation (decor_rank), R = D + U V^T:
 * the factors' O(n d k) update equals the chain rule of the reference's
 * direction G = offdiag(Z^T Z / n) R computed with G and R formed
 * explicitly in double (dU = -eps G V, dV = -eps G^T U, dD = -eps
 * diag(G)), over several steps; backprop through the low-rank R equals
 * backprop through the same R stored in full; the rule removes the
 * correlation of inputs driven by a few shared factors; bad ranks and
 * checkpoints are refused; two threads give the same factors.
 *
 * Tolerance of the comparison: every float result is a sum of at most
 * n d = 128 products of O(1) terms, rounded at 2^-24 = 6e-8 each: at most
 * about 128 * 6e-8 = 8e-6 of the sum's scale, and the updates carry it
 * scaled by eps = 0.02; the factors themselves are stored in float
 * (6e-8 relative a step).  Over 6 steps the difference stays far below
 * 1e-5 of the entries' scale, which we allow (relative to max(1, |x|)).
 */
#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "libdanp.h"
#include "corr.h"
#include "../tap.h"

/* This program's TAP counters (tests/unit/tap.h). */
static struct tap tap;

#define DL 16
#define KL 3
#define NB 8

static struct danp_net *make_net(const size_t *sizes, unsigned int n_layers,
				 unsigned int rank, int center, float eps,
				 size_t batch, enum danp_rule rule)
{
	struct danp_spec spec;
	struct danp_params p;
	struct danp_err err;
	struct danp_net *net;

	danp_spec_mlp(&spec, sizes, n_layers, &err);
	danp_params_default(&p);
	p.rule = rule;
	p.optim = DANP_OPT_SGD;
	p.lr = 0;		/* W fixed: only the decorrelation moves */
	p.decor_lr = eps;
	p.decor_center = center;
	p.decor_rank = rank;
	p.max_batch = batch;
	if (danp_net_create(&net, &spec, &p, 1, &err)) {
		printf("# create: %s\n", err.msg);
		exit(1);
	}
	return net;
}

/* R = D + U V^T in double. */
static void form_r(double R[DL][DL], const double *dg, const double *u,
		   const double *v)
{
	for (int i = 0; i < DL; i++)
		for (int j = 0; j < DL; j++) {
			R[i][j] = i == j ? dg[i] : 0;
			for (int k = 0; k < KL; k++)
				R[i][j] += u[i * KL + k] * v[j * KL + k];
		}
}

/* One step of the rule, explicitly: z = R x + c, G = offdiag(C) R. */
static void explicit_step(double *dg, double *u, double *v, double *c,
			  const float *x, double eps)
{
	double R[DL][DL], z[NB][DL], C[DL][DL], G[DL][DL];
	double nu[DL * KL], nv[DL * KL];

	form_r(R, dg, u, v);
	for (int n = 0; n < NB; n++)
		for (int i = 0; i < DL; i++) {
			z[n][i] = c ? c[i] : 0;
			for (int j = 0; j < DL; j++)
				z[n][i] += R[i][j] * x[n * DL + j];
		}
	for (int i = 0; i < DL; i++)
		for (int j = 0; j < DL; j++) {
			C[i][j] = 0;
			for (int n = 0; n < NB && i != j; n++)
				C[i][j] += z[n][i] * z[n][j] / NB;
		}
	for (int i = 0; i < DL; i++)
		for (int j = 0; j < DL; j++) {
			G[i][j] = 0;
			for (int k = 0; k < DL; k++)
				G[i][j] += C[i][k] * R[k][j];
		}
	for (int i = 0; i < DL; i++)
		for (int k = 0; k < KL; k++) {
			double gv = 0, gtu = 0;

			for (int j = 0; j < DL; j++) {
				gv += G[i][j] * v[j * KL + k];
				gtu += G[j][i] * u[j * KL + k];
			}
			nu[i * KL + k] = u[i * KL + k] - eps * gv;
			nv[i * KL + k] = v[i * KL + k] - eps * gtu;
		}
	for (int i = 0; i < DL; i++)
		dg[i] -= eps * G[i][i];
	memcpy(u, nu, sizeof(nu));
	memcpy(v, nv, sizeof(nv));
	for (int i = 0; c && i < DL; i++)
		for (int n = 0; n < NB; n++)
			c[i] -= eps * z[n][i];
}

static double rel_diff(const float *f, const double *d, size_t n)
{
	double worst = 0;

	for (size_t i = 0; i < n; i++) {
		double e = fabs(f[i] - d[i]) / fmax(1.0, fabs(d[i]));

		if (e > worst)
			worst = e;
	}
	return worst;
}

static void vs_explicit(int center)
{
	enum { STEPS = 6 };
	const size_t sizes[] = { DL, 3 };
	const double eps = 0.02;
	struct danp_net *net = make_net(sizes, 1, KL, center, (float)eps, NB,
					DANP_RULE_BP_DECOR);
	double dg[DL], u[DL * KL], v[DL * KL], c[DL], worst = 0, moved = 0;
	double u0[DL * KL], v0[DL * KL];
	float x[NB * DL], *fdg, *fu, *fv, *fc = danp_net_center(net, 0);
	int32_t y[NB] = { 0 };
	struct danp_batch b = { .x = x, .labels = y, .n = NB };
	struct danp_rng rng;
	struct danp_err err;

	if (danp_net_decor_lowrank(net, 0, &fdg, &fu, &fv) != KL ||
	    danp_net_decor(net, 0)) {
		tap_ok(&tap, 0, "rank-%d layer has factors and no full R", KL);
		goto out;
	}
	/* Start from U != 0 and D != I so every term of the rule counts. */
	danp_rng_seed(&rng, 5);
	for (int i = 0; i < DL; i++) {
		fdg[i] += (float)(0.1 * danp_rng_normal(&rng));
		dg[i] = fdg[i];
		if (fc)
			fc[i] = (float)(0.1 * danp_rng_normal(&rng));
		c[i] = fc ? fc[i] : 0;
	}
	for (int i = 0; i < DL * KL; i++) {
		fu[i] = (float)(0.3 * danp_rng_normal(&rng));
		u[i] = fu[i];
		v[i] = fv[i];
	}
	memcpy(u0, u, sizeof(u0));
	memcpy(v0, v, sizeof(v0));
	for (int s = 0; s < STEPS; s++) {
		/* Inputs with a shared component: C far from diagonal. */
		for (int n = 0; n < NB; n++) {
			double common = danp_rng_normal(&rng);

			for (int i = 0; i < DL; i++)
				x[n * DL + i] = (float)(danp_rng_normal(&rng) +
							0.8 * common);
		}
		if (danp_step(net, &b, NULL, &err)) {
			tap_ok(&tap, 0, "step: %s", err.msg);
			goto out;
		}
		explicit_step(dg, u, v, fc ? c : NULL, x, eps);
		worst = fmax(worst, rel_diff(fdg, dg, DL));
		worst = fmax(worst, rel_diff(fu, u, DL * KL));
		worst = fmax(worst, rel_diff(fv, v, DL * KL));
		if (fc)
			worst = fmax(worst, rel_diff(fc, c, DL));
	}
	for (int i = 0; i < DL * KL; i++)
		moved = fmax(moved, fmin(fabs(u[i] - u0[i]), 1) +
			     fmin(fabs(v[i] - v0[i]), 1));
	tap_ok(&tap, worst < 1e-5, "rank %d, d %d%s: %d steps == explicit G, R "
	       "in double: max rel diff %.2e", KL, DL,
	       center ? ", centring" : "", STEPS, worst);
	tap_ok(&tap, moved > 1e-3, "the factors moved: max |dU| + |dV| %.2e",
	       moved);
out:
	danp_net_destroy(net);
}

/*
 * Backprop (and the forward) through R = D + U V^T equals backprop
 * through the same R stored in full, on a 3-layer net whose layers 1 and
 * 2 take their input through R.  The weights are the same (V is drawn
 * after them).  Float sums of <= 16 terms: 1e-5 relative allowed.
 */
static void backprop_vs_full(void)
{
	const size_t sizes[] = { 8, 6, 5, 3 };
	struct danp_net *lr = make_net(sizes, 3, 2, 1, 0, NB, DANP_RULE_BP_DECOR);
	struct danp_net *fu = make_net(sizes, 3, 0, 1, 0, NB, DANP_RULE_BP_DECOR);
	size_t np = danp_net_n_params(lr);
	float *g1 = malloc(np * sizeof(float)), *g2 = malloc(np * sizeof(float));
	float x[NB * 8];
	int32_t y[NB];
	struct danp_batch b = { .x = x, .labels = y, .n = NB };
	struct danp_rng rng;
	struct danp_err err;
	double worst = 0, scale = 0;

	danp_rng_seed(&rng, 6);
	for (unsigned int l = 0; l < 3; l++) {
		float *dg, *u, *v, *R = danp_net_decor(fu, l);
		size_t d = sizes[l];

		danp_net_decor_lowrank(lr, l, &dg, &u, &v);
		for (size_t i = 0; i < d; i++) {
			dg[i] = (float)(1 + 0.2 * danp_rng_normal(&rng));
			danp_net_center(lr, l)[i] = danp_net_center(fu, l)[i] =
				(float)(0.3 * danp_rng_normal(&rng));
		}
		for (size_t i = 0; i < d * 2; i++)
			u[i] = (float)(0.5 * danp_rng_normal(&rng));
		for (size_t i = 0; i < d; i++)
			for (size_t j = 0; j < d; j++)
				R[i * d + j] = (i == j ? dg[i] : 0) +
					       u[i * 2] * v[j * 2] +
					       u[i * 2 + 1] * v[j * 2 + 1];
	}
	for (int i = 0; i < NB * 8; i++)
		x[i] = (float)danp_rng_normal(&rng);
	for (int i = 0; i < NB; i++)
		y[i] = (int32_t)(danp_rng_next(&rng) % 3);
	if (danp_true_grad(lr, &b, g1, &err) || danp_true_grad(fu, &b, g2, &err)) {
		tap_ok(&tap, 0, "true_grad: %s", err.msg);
		goto out;
	}
	for (size_t i = 0; i < np; i++) {
		worst = fmax(worst, fabs(g1[i] - g2[i]));
		scale = fmax(scale, fabs(g2[i]));
	}
	tap_ok(&tap, scale > 0.01 && worst <= 1e-5 * fmax(1, scale),
	       "backprop through D + U V^T == through the same full R: "
	       "max |diff| %.2e (largest gradient %.2e)", worst, scale);
out:
	free(g1);
	free(g2);
	danp_net_destroy(lr);
	danp_net_destroy(fu);
}

/* Mean |correlation| between different components of z = R x. */
static double mean_abs_corr(struct danp_net *net, const float *x, size_t n,
			    size_t d)
{
	float *z = malloc(n * d * sizeof(float)), *dg, *u, *v, *d1, *u1, *v1;
	double *zd = malloc(n * d * sizeof(double)), c = NAN;
	const size_t sizes[] = { d, d };
	unsigned int k = danp_net_decor_lowrank(net, 0, &dg, &u, &v);
	struct danp_net *one = make_net(sizes, 1, k, 0, 0, n,
					DANP_RULE_BP_DECOR);
	struct danp_err err;

	/* z = R x through the library's own forward: a copy of layer 0's
	 * factors in front of an identity layer (the last layer is linear). */
	danp_net_decor_lowrank(one, 0, &d1, &u1, &v1);
	memcpy(d1, dg, d * sizeof(float));
	memcpy(u1, u, d * k * sizeof(float));
	memcpy(v1, v, d * k * sizeof(float));
	memset(danp_net_weights(one, 0), 0, d * d * sizeof(float));
	for (size_t i = 0; i < d; i++)
		danp_net_weights(one, 0)[i * d + i] = 1;
	memset(danp_net_bias(one, 0), 0, d * sizeof(float));
	if (!danp_forward(one, x, n, 0, z, &err)) {
		for (size_t i = 0; i < n * d; i++)
			zd[i] = z[i];
		c = mean_abs_offdiag_corr(zd, n, d);
	}
	danp_net_destroy(one);
	free(z);
	free(zd);
	return c;
}

/* x = u + A s: independent unit noise u plus F shared factors s. */
#define F 2
static void factor_inputs(float *x, size_t n, const double A[DL][F],
			  struct danp_rng *rng)
{
	for (size_t s = 0; s < n; s++) {
		double f[F];

		for (int k = 0; k < F; k++)
			f[k] = danp_rng_normal(rng);
		for (int i = 0; i < DL; i++) {
			double v = danp_rng_normal(rng);

			for (int k = 0; k < F; k++)
				v += A[i][k] * f[k];
			x[s * DL + i] = (float)v;
		}
	}
}

/*
 * Inputs whose correlation comes from F = 2 shared factors are
 * decorrelated by an R = I + U V^T of rank >= 2 (R removes the factors'
 * directions), so rank 3 can reach the full rule's fixed point, where
 * E[z z^T] is diagonal.  Measured on 4096 fresh samples, whose sampling
 * error of a correlation is 1/sqrt(4096) = 0.016: we require the mean
 * |offdiagonal correlation| to fall from above 0.2 to below 0.05.
 */
static void reduces_correlation(void)
{
	enum { BS = 64, STEPS = 3000, TEST = 4096 };
	const size_t sizes[] = { DL, 2 };
	struct danp_net *net = make_net(sizes, 1, KL, 0, 2e-3f, BS,
					DANP_RULE_BP_DECOR);
	float *xt = malloc(TEST * DL * sizeof(float)), x[BS * DL];
	int32_t y[BS] = { 0 };
	struct danp_batch b = { .x = x, .labels = y, .n = BS };
	struct danp_rng rng;
	struct danp_err err;
	double A[DL][F], before, after;

	danp_rng_seed(&rng, 22);
	for (int i = 0; i < DL; i++)
		for (int k = 0; k < F; k++)
			A[i][k] = 0.4 + 0.4 * danp_rng_normal(&rng);
	factor_inputs(xt, TEST, A, &rng);
	before = mean_abs_corr(net, xt, TEST, DL);
	for (int s = 0; s < STEPS; s++) {
		factor_inputs(x, BS, A, &rng);
		if (danp_step(net, &b, NULL, &err)) {
			tap_ok(&tap, 0, "step: %s", err.msg);
			goto out;
		}
	}
	after = mean_abs_corr(net, xt, TEST, DL);
	tap_ok(&tap, before > 0.2 && after < 0.05, "rank %d decorrelates %d "
	       "shared factors: mean |offdiag corr| %.3f -> %.3f after %d "
	       "steps", KL, F, before, after, STEPS);
out:
	free(xt);
	danp_net_destroy(net);
}

/*
 * Two threads split each product of the rule over rows or columns of its
 * result, which changes only OpenBLAS's blocking: float rounding of sums
 * of <= 64 terms, 1e-5 of the entries allowed as in test-threads.
 * d = 64 and 64 rows: the pool splits both (in blocks of 16).
 */
static void threads_agree(void)
{
	enum { BS = 64, STEPS = 5, DT = 64 };	/* both split */
	const size_t sizes[] = { DT, 3 };
	struct danp_net *a = make_net(sizes, 1, KL, 1, 0.01f, BS,
				      DANP_RULE_BP_DECOR);
	struct danp_net *b2 = make_net(sizes, 1, KL, 1, 0.01f, BS,
				       DANP_RULE_BP_DECOR);
	float x[BS * DT], *d1, *u1, *v1, *d2, *u2, *v2;
	double w1[DT * KL], worst = 0;
	int32_t y[BS] = { 0 };
	struct danp_batch b = { .x = x, .labels = y, .n = BS };
	struct danp_rng rng;
	struct danp_err err;

	if (danp_net_set_threads(b2, 2, &err)) {
		tap_ok(&tap, 0, "2 threads: %s", err.msg);
		goto out;
	}
	danp_rng_seed(&rng, 8);
	for (int s = 0; s < STEPS; s++) {
		for (int i = 0; i < BS * DT; i++)
			x[i] = (float)danp_rng_normal(&rng);
		if (danp_step(a, &b, NULL, &err) || danp_step(b2, &b, NULL, &err)) {
			tap_ok(&tap, 0, "step: %s", err.msg);
			goto out;
		}
	}
	danp_net_decor_lowrank(a, 0, &d1, &u1, &v1);
	danp_net_decor_lowrank(b2, 0, &d2, &u2, &v2);
	for (int i = 0; i < DT * KL; i++)
		w1[i] = u1[i];
	worst = rel_diff(u2, w1, DT * KL);
	for (int i = 0; i < DT * KL; i++)
		w1[i] = v1[i];
	worst = fmax(worst, rel_diff(v2, w1, DT * KL));
	for (int i = 0; i < DT; i++)
		w1[i] = d1[i];
	worst = fmax(worst, rel_diff(d2, w1, DT));
	tap_ok(&tap, worst < 1e-5, "2 threads == 1 thread after %d steps: max "
	       "rel diff %.2e", STEPS, worst);
out:
	danp_net_destroy(a);
	danp_net_destroy(b2);
}

static void refusals(void)
{
	const size_t sizes[] = { DL, 3 }, three[] = { DL, 4, 3 };
	struct danp_spec spec;
	struct danp_params p;
	struct danp_err err;
	struct danp_net *net = NULL;
	char path[] = "/tmp/test-decor-lowrank.XXXXXX";
	int fd, ret;

	danp_spec_mlp(&spec, three, 2, &err);
	danp_params_default(&p);
	p.decor_rank = DANP_MAX_DECOR_RANK + 1;
	ret = danp_net_create(&net, &spec, &p, 1, &err);
	tap_ok(&tap, ret == -EINVAL && !net, "decor_rank %u refused: %s",
	       p.decor_rank, err.msg);
	p.decor_rank = 5;	/* layer 1's input has 4 units */
	ret = danp_net_create(&net, &spec, &p, 1, &err);
	tap_ok(&tap, ret == -EINVAL && !net, "rank above a layer's width "
	       "refused: %s", err.msg);
	p.decor_rank = 4;
	ret = danp_net_create(&net, &spec, &p, 1, &err);
	tap_ok(&tap, ret == 0, "rank == the narrowest width accepted");
	danp_net_destroy(net);

	net = make_net(sizes, 1, KL, 1, 1e-3f, NB, DANP_RULE_BP_DECOR);
	fd = mkstemp(path);
	if (fd >= 0)
		close(fd);
	unlink(path);
	ret = danp_ckpt_save(net, path, NULL, &err);
	tap_ok(&tap, ret == -EINVAL && access(path, F_OK) != 0,
	       "checkpoint of a low-rank R refused, nothing written: %s",
	       err.msg);
	danp_net_destroy(net);
}

int main(void)
{
	vs_explicit(0);
	vs_explicit(1);
	backprop_vs_full();
	reduces_correlation();
	threads_agree();
	refusals();
	return tap_done(&tap);
}
