// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * Dwell times of a thresholded two-state series.  Runs touching either
 * end are censored (their true length is unknown) and dropped.
 */
#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include "smtj-internal.h"

static int push(struct smtj_dwell *d, unsigned int s, uint64_t len,
		size_t *cap)
{
	if (d->count[s] == cap[s]) {
		size_t nc = cap[s] ? 2 * cap[s] : 1024;
		uint64_t *v = realloc(d->len[s], nc * sizeof(*v));

		if (!v)
			return -ENOMEM;
		d->len[s] = v;
		cap[s] = nc;
	}
	d->len[s][d->count[s]++] = len;
	if (len > d->max_len)
		d->max_len = len;
	return 0;
}

int smtj_dwell(struct smtj_dwell *d, const float *x, size_t n,
	       double thresh, struct smtj_err *err)
{
	size_t cap[2] = { 0, 0 }, start = 0;
	int first = 1;

	memset(d, 0, sizeof(*d));
	if (n < 2)
		return smtj_seterr(err, -EINVAL, "dwell: %zu values", n);
	for (size_t i = 1; i <= n; i++) {
		unsigned int s = x[i - 1] > thresh;

		if (i < n && (x[i] > thresh) == s)
			continue;
		if (i < n && !first && push(d, s, i - start, cap)) {
			smtj_dwell_free(d);
			return smtj_seterr(err, -ENOMEM, "dwell: out of memory");
		}
		first = 0;
		start = i;
	}
	for (unsigned int s = 0; s < 2; s++) {
		double m = 0, v = 0;

		for (size_t i = 0; i < d->count[s]; i++)
			m += d->len[s][i];
		if (d->count[s])
			m /= d->count[s];
		for (size_t i = 0; i < d->count[s]; i++)
			v += (d->len[s][i] - m) * (d->len[s][i] - m);
		d->mean[s] = m;
		d->sem[s] = d->count[s] > 1 ?
			    sqrt(v / (d->count[s] - 1) / d->count[s]) : 0;
	}
	return 0;
}

int smtj_dwell_hist(const struct smtj_dwell *d, unsigned int state,
		    uint64_t *hist, size_t nbins)
{
	if (state > 1 || !nbins)
		return -EINVAL;
	memset(hist, 0, nbins * sizeof(*hist));
	for (size_t i = 0; i < d->count[state]; i++) {
		uint64_t k = d->len[state][i] - 1;

		hist[k < nbins ? k : nbins - 1]++;
	}
	return 0;
}

void smtj_dwell_free(struct smtj_dwell *d)
{
	free(d->len[0]);
	free(d->len[1]);
	memset(d, 0, sizeof(*d));
}
