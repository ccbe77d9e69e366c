// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * Diagonal-plus-low-rank decorrelation, R = D + U V^T (D diagonal, U and
 * V d x k).  The reference's update direction G = offdiag(C) R, C = Z^T Z
 * / n, is taken as the gradient with respect to R and the factors move by
 * the chain rule with plain SGD:
 *
 *   U <- U - eps G V,   V <- V - eps G^T U,   D <- D - eps diag(G).
 *
 * Nothing d x d is formed: with m_i = mean z_i^2 and Y = Z U,
 *   G V   = (1/n) Z^T (Z P) - diag(m) P,  P = R V = D V + U (V^T V);
 *   G^T U = R^T Q,  Q = offdiag(C) U = (1/n) Z^T Y - diag(m) U,
 *           R^T Q = D Q + V (U^T Q);
 *   diag(G)_i = sum_j offdiag(C)_ij R_ji = sum_k V_ik Q_ik
 * (offdiag(C)_ii = 0 removes D from it): four n x d x k products and four
 * d x k^2 ones per step (Documentation/learning/danp.rst).
 */
#include "danp-internal.h"

size_t danp_lowrank_scratch(size_t d, size_t k, size_t rows)
{
	return 2 * rows * k + 4 * d * k + k * k;
}

void danp_lowrank_mul(struct danp_net *net, struct danp_layer *ly,
		      const float *x, size_t rows, float *out, int right)
{
	size_t d = ly->din, k = ly->rank;
	/* x R^T = x D + (x V) U^T;  x R = x D + (x U) V^T. */
	const float *a = right ? ly->U : ly->V, *b = right ? ly->V : ly->U;
	float *y = ly->Lw;

	danp_gemm(net, 0, 0, rows, k, d, 1.0f, x, d, a, k, 0.0f, y, k);
	danp_gemm(net, 0, 1, rows, d, k, 1.0f, y, k, b, k, 0.0f, out, d);
	for (size_t r = 0; r < rows; r++) {
		const float *restrict xr = x + r * d, *restrict dg = ly->Dg;
		float *restrict o = out + r * d;

		for (size_t j = 0; j < d; j++)
			o[j] += xr[j] * dg[j];
	}
}

/* rows of @q (d x k) minus m_i times rows of @a. */
static void sub_diag(float *q, const float *m, const float *a, size_t d,
		     size_t k)
{
	for (size_t i = 0; i < d; i++)
		for (size_t j = 0; j < k; j++)
			q[i * k + j] -= m[i] * a[i * k + j];
}

/* rows of @q (d x k) plus D_i times rows of @a. */
static void add_diag(float *q, const float *dg, const float *a, size_t d,
		     size_t k)
{
	for (size_t i = 0; i < d; i++)
		for (size_t j = 0; j < k; j++)
			q[i * k + j] += dg[i] * a[i * k + j];
}

void danp_lowrank_update(struct danp_net *net, struct danp_layer *ly,
			 size_t n, float eps)
{
	size_t d = ly->din, k = ly->rank;
	const float *Z = ly->Zp;
	float *y = ly->Lw, *w = y + n * k, *P = w + n * k, *GV = P + d * k;
	float *Q = GV + d * k, *GtU = Q + d * k, *kk = GtU + d * k;
	float *m = ly->T, inv = 1.0f / (float)n;	/* T: n x d rows, free */

	for (size_t i = 0; i < d; i++)
		m[i] = 0;
	for (size_t r = 0; r < n; r++) {
		const float *restrict z = Z + r * d;
		float *restrict mm = m;

		for (size_t i = 0; i < d; i++)
			mm[i] += z[i] * z[i];
	}
	for (size_t i = 0; i < d; i++)
		m[i] *= inv;
	/* P = R V = D V + U (V^T V); G V = (1/n) Z^T (Z P) - diag(m) P. */
	danp_gemm(net, 1, 0, k, k, d, 1.0f, ly->V, k, ly->V, k, 0.0f, kk, k);
	danp_gemm(net, 0, 0, d, k, k, 1.0f, ly->U, k, kk, k, 0.0f, P, k);
	add_diag(P, ly->Dg, ly->V, d, k);
	danp_gemm(net, 0, 0, n, k, d, 1.0f, Z, d, P, k, 0.0f, w, k);
	danp_gemm(net, 1, 0, d, k, n, inv, Z, d, w, k, 0.0f, GV, k);
	sub_diag(GV, m, P, d, k);
	/* Q = offdiag(C) U; G^T U = R^T Q = D Q + V (U^T Q). */
	danp_gemm(net, 0, 0, n, k, d, 1.0f, Z, d, ly->U, k, 0.0f, y, k);
	danp_gemm(net, 1, 0, d, k, n, inv, Z, d, y, k, 0.0f, Q, k);
	sub_diag(Q, m, ly->U, d, k);
	danp_gemm(net, 1, 0, k, k, d, 1.0f, ly->U, k, Q, k, 0.0f, kk, k);
	danp_gemm(net, 0, 0, d, k, k, 1.0f, ly->V, k, kk, k, 0.0f, GtU, k);
	add_diag(GtU, ly->Dg, Q, d, k);
	/* All three from the old factors, then the steps. */
	for (size_t i = 0; i < d; i++) {
		float gd = 0;

		for (size_t j = 0; j < k; j++)
			gd += ly->V[i * k + j] * Q[i * k + j];
		ly->Dg[i] -= eps * gd;
	}
	for (size_t i = 0; i < d * k; i++) {
		ly->U[i] -= eps * GV[i];
		ly->V[i] -= eps * GtU[i];
	}
}
