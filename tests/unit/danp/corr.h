/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Mean |correlation| between different components of @n samples of @d
 * values (row-major z): what the decorrelation tests measure.
 */
#ifndef DANP_TEST_CORR_H
#define DANP_TEST_CORR_H

#include <math.h>
#include <stdlib.h>

static inline double mean_abs_offdiag_corr(const double *z, size_t n,
					   size_t d)
{
	double *mu = calloc(2 * d, sizeof(double)), *sd = mu + d, sum = 0;

	for (size_t s = 0; s < n; s++)
		for (size_t i = 0; i < d; i++)
			mu[i] += z[s * d + i] / (double)n;
	for (size_t s = 0; s < n; s++)
		for (size_t i = 0; i < d; i++)
			sd[i] += (z[s * d + i] - mu[i]) * (z[s * d + i] - mu[i]);
	for (size_t i = 0; i < d; i++)
		for (size_t j = 0; j < d; j++) {
			double cv = 0;

			if (i == j)
				continue;
			for (size_t s = 0; s < n; s++)
				cv += (z[s * d + i] - mu[i]) * (z[s * d + j] - mu[j]);
			sum += fabs(cv / sqrt(sd[i] * sd[j]));
		}
	free(mu);
	return sum / (double)(d * (d - 1));
}

#endif /* DANP_TEST_CORR_H */
