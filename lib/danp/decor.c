// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * Decorrelation update R <- R - eps C R, C = offdiag(Z^T Z / n), in the
 * low-rank form C R = (1/n) Z^T (Z R) - diag(mean z^2) R: two products of
 * cost n d^2 instead of d^3 (Documentation/learning/danp.rst, "Cost of a
 * step").  A diagonal-plus-low-rank R (decor_rank) is decor-lowrank.c's.
 */
#include <string.h>
#include "danp-internal.h"

struct diag_job {
	struct danp_layer *ly;
	size_t n;
	float eps;
};

/*
 * Row i of R gains eps * mean(z_i^2) * R_i: the diagonal of Z^T Z that
 * offdiag() removes.  A part owns a range of i: sums down its columns of
 * Z (rows of Z are contiguous: the inner loop vectorises across i), then
 * scales its rows of R.
 *
 * R's diagonal is set apart.  The update moves R_ii by
 * -eps sum_{k!=i} C_ik R_ki, which grows with R's off-diagonal part but
 * for a long time stays below half a float step at 1 (3e-8 below, 6e-8
 * above): the reference adds it to R_ii directly, so in float its R_ii
 * stays exactly 1, the increments rounding away.  The two terms of the
 * low-rank form change R_ii by about eps mean(z_i^2) each and cancel, but
 * each is rounded against R_ii = 1, and 1 + eps m/n rounds the same way
 * every step: a drift of rounding error.  So the diagonal's increment,
 * -(eps/n) sum_r z_ri (T_ri - z_ri R_ii), is formed directly (its
 * rounding error is scaled by eps) and added to the old R_ii once, as in
 * the reference.
 */
static void diag_part(void *arg, unsigned int part, unsigned int parts)
{
	const struct diag_job *j = arg;
	struct danp_layer *ly = j->ly;
	size_t d = ly->din, lo, hi;
	float m[64], o[64], rii[64];

	danp_part_range(d, 16, part, parts, &lo, &hi);
	for (size_t i0 = lo; i0 < hi; i0 += 64) {
		size_t w = hi - i0 < 64 ? hi - i0 : 64;

		memset(m, 0, sizeof(m));
		memset(o, 0, sizeof(o));
		for (size_t i = 0; i < w; i++)
			rii[i] = ly->R[(i0 + i) * d + i0 + i];
		for (size_t r = 0; r < j->n; r++) {
			const float *restrict z = ly->Zp + r * d + i0;
			const float *restrict t = ly->T + r * d + i0;

			for (size_t i = 0; i < w; i++) {
				m[i] += z[i] * z[i];
				o[i] += z[i] * (t[i] - z[i] * rii[i]);
			}
		}
		for (size_t i = 0; i < w; i++) {
			float *restrict row = ly->R + (i0 + i) * d;
			float f = 1.0f + j->eps * m[i] / (float)j->n;

			for (size_t k = 0; k < d; k++)
				row[k] *= f;
			ly->Rd[i0 + i] = rii[i] - j->eps * o[i] / (float)j->n;
		}
	}
}

/* R <- R - eps offdiag(C) R for a full R. */
static void full_update(struct danp_net *net, struct danp_layer *ly, size_t n,
			float eps)
{
	size_t d = ly->din;
	const float *Z = ly->Zp;
	struct diag_job dj = { ly, n, eps };

	/* T = Z R with the old R. */
	danp_gemm(net, 0, 0, n, d, d, 1.0f, Z, d, ly->R, d, 0.0f, ly->T, d);
	danp_pool_run(net->pool, diag_part, &dj);
	danp_gemm(net, 1, 0, d, d, n, -eps / (float)n, Z, d, ly->T, d, 1.0f,
		  ly->R, d);
	for (size_t i = 0; i < d; i++)
		ly->R[i * d + i] = ly->Rd[i];
}

void danp_decor_update(struct danp_net *net, size_t n, float eps)
{
	for (unsigned int l = 0; l < net->L; l++) {
		struct danp_layer *ly = &net->lay[l];
		size_t d = ly->din;
		const float *Z = ly->Zp;

		if (!ly->decor)
			continue;
		if (ly->rank)
			danp_lowrank_update(net, ly, n, eps);
		else
			full_update(net, ly, n, eps);
		/* Reference quirk: centring bias, summed over the batch. */
		if (ly->c)
			for (size_t r = 0; r < n; r++)
				for (size_t k = 0; k < d; k++)
					ly->c[k] -= eps * Z[r * d + k];
	}
}
