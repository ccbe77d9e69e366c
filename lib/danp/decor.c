// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * Decorrelation update R <- R - eps C R, C = offdiag(Z^T Z / n), in the
 * low-rank form C R = (1/n) Z^T (Z R) - diag(mean z^2) R: two products of
 * cost n d^2 instead of d^3 (REFERENCE.md, "Cost").
 */
#include <cblas.h>
#include <string.h>
#include "danp-internal.h"

void danp_decor_update(struct danp_net *net, size_t n)
{
	float eps = net->p.decor_lr;

	for (unsigned int l = 0; l < net->L; l++) {
		struct danp_layer *ly = &net->lay[l];
		size_t d = ly->din;
		const float *Z = ly->Zp;

		if (!ly->decor)
			continue;
		/* T = Z R with the old R. */
		cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, (int)n,
			    (int)d, (int)d, 1.0f, Z, (int)d, ly->R, (int)d, 0.0f,
			    ly->T, (int)d);
		/* Row i of R gains eps * mean(z_i^2) * R_i: the diagonal of
		 * Z^T Z that offdiag() removes.  Sums run along rows of Z
		 * (contiguous, vectorised) into the free backprop scratch. */
		{
			float *restrict m = net->dx;

			memset(m, 0, d * sizeof(float));
			for (size_t r = 0; r < n; r++) {
				const float *restrict z = Z + r * d;

				for (size_t i = 0; i < d; i++)
					m[i] += z[i] * z[i];
			}
			for (size_t i = 0; i < d; i++) {
				float *restrict row = ly->R + i * d;
				float f = 1.0f + eps * m[i] / (float)n;

				for (size_t j = 0; j < d; j++)
					row[j] *= f;
			}
		}
		cblas_sgemm(CblasRowMajor, CblasTrans, CblasNoTrans, (int)d,
			    (int)d, (int)n, -eps / (float)n, Z, (int)d, ly->T,
			    (int)d, 1.0f, ly->R, (int)d);
		/* Reference quirk: centring bias, summed over the batch. */
		if (ly->c)
			for (size_t r = 0; r < n; r++)
				for (size_t j = 0; j < d; j++)
					ly->c[j] -= eps * Z[r * d + j];
	}
}
