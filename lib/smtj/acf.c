// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * Autocorrelation r[k] = sum_i (x_i - m)(x_{i+k} - m) / sum_i (x_i - m)^2
 * (the usual biased estimator).  Long series go through FFTW: the power
 * spectrum of the series zero-padded to >= n + maxlag is the transform of
 * the linear (not circular) autocovariance.
 */
#include <errno.h>
#include <fftw3.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include "smtj-internal.h"

static int check(size_t n, size_t maxlag, struct smtj_err *err)
{
	if (n < 2 || maxlag >= n)
		return smtj_seterr(err, -EINVAL,
				   "autocorrelation: %zu values, max lag %zu", n, maxlag);
	return 0;
}

static double mean_of(const float *x, size_t n)
{
	double m = 0;

	for (size_t i = 0; i < n; i++)
		m += x[i];
	return m / n;
}

int smtj_acf_direct(const float *x, size_t n, double *r, size_t maxlag,
		    struct smtj_err *err)
{
	int ret = check(n, maxlag, err);
	double m, c0 = 0;

	if (ret)
		return ret;
	m = mean_of(x, n);
	for (size_t i = 0; i < n; i++)
		c0 += (x[i] - m) * (x[i] - m);
	if (!(c0 > 0))
		return smtj_seterr(err, -EDOM, "autocorrelation: constant series");
	for (size_t k = 0; k <= maxlag; k++) {
		double c = 0;

		for (size_t i = 0; i + k < n; i++)
			c += (x[i] - m) * (x[i + k] - m);
		r[k] = c / c0;
	}
	return 0;
}

int smtj_acf_fft(const float *x, size_t n, double *r, size_t maxlag,
		 struct smtj_err *err)
{
	int ret = check(n, maxlag, err);
	size_t len = 1;
	fftw_complex *spec;
	fftw_plan fwd, inv;
	double *buf, m;

	if (ret)
		return ret;
	while (len < n + maxlag + 1)
		len <<= 1;
	if (len > (size_t)INT32_MAX)
		return smtj_seterr(err, -E2BIG, "autocorrelation: %zu values too many for FFT",
				   n);
	buf = fftw_malloc(len * sizeof(double));
	spec = fftw_malloc((len / 2 + 1) * sizeof(fftw_complex));
	if (!buf || !spec) {
		fftw_free(buf);
		fftw_free(spec);
		return smtj_seterr(err, -ENOMEM, "autocorrelation: out of memory");
	}
	fwd = fftw_plan_dft_r2c_1d((int)len, buf, spec, FFTW_ESTIMATE);
	inv = fftw_plan_dft_c2r_1d((int)len, spec, buf, FFTW_ESTIMATE);
	if (!fwd || !inv) {
		ret = smtj_seterr(err, -ENOMEM, "autocorrelation: FFTW plan failed");
		goto out;
	}
	m = mean_of(x, n);
	for (size_t i = 0; i < n; i++)
		buf[i] = x[i] - m;
	memset(buf + n, 0, (len - n) * sizeof(double));
	fftw_execute(fwd);
	for (size_t i = 0; i <= len / 2; i++) {
		double re = spec[i][0], im = spec[i][1];

		spec[i][0] = re * re + im * im;
		spec[i][1] = 0;
	}
	fftw_execute(inv);
	if (!(buf[0] > 0)) {
		ret = smtj_seterr(err, -EDOM, "autocorrelation: constant series");
		goto out;
	}
	for (size_t k = 0; k <= maxlag; k++)
		r[k] = buf[k] / buf[0];
out:
	if (fwd)
		fftw_destroy_plan(fwd);
	if (inv)
		fftw_destroy_plan(inv);
	fftw_free(buf);
	fftw_free(spec);
	return ret;
}

int smtj_acf(const float *x, size_t n, double *r, size_t maxlag,
	     struct smtj_err *err)
{
	/* direct costs n * maxlag, the FFT about 20 n log2 n */
	if (maxlag < 64 || n < 4096)
		return smtj_acf_direct(x, n, r, maxlag, err);
	return smtj_acf_fft(x, n, r, maxlag, err);
}
