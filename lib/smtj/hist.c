// SPDX-License-Identifier: LGPL-2.1-or-later
/* Histogram of a series. */
#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include "smtj-internal.h"

int smtj_hist(struct smtj_hist *h, const float *x, size_t n, size_t nbins,
	      double lo, double hi, struct smtj_err *err)
{
	double scale;

	memset(h, 0, sizeof(*h));
	if (!n || !nbins || nbins > (1U << 24))
		return smtj_seterr(err, -EINVAL, "histogram: %zu values, %zu bins",
				   n, nbins);
	if (lo == hi) {
		lo = hi = x[0];
		for (size_t i = 1; i < n; i++) {
			lo = x[i] < lo ? x[i] : lo;
			hi = x[i] > hi ? x[i] : hi;
		}
		/* make the top value fall inside the last bin */
		hi = hi > lo ? nextafter(hi + (hi - lo) * 1e-9, INFINITY) : lo + 1;
	}
	if (!(hi > lo))
		return smtj_seterr(err, -EINVAL, "histogram: empty range [%g, %g)",
				   lo, hi);
	h->count = calloc(nbins, sizeof(*h->count));
	if (!h->count)
		return smtj_seterr(err, -ENOMEM, "histogram: out of memory");
	h->lo = lo;
	h->hi = hi;
	h->nbins = nbins;
	scale = nbins / (hi - lo);
	for (size_t i = 0; i < n; i++) {
		double b = (x[i] - lo) * scale;

		if (b < 0)
			h->below++;
		else if (b >= nbins)
			h->above++;
		else
			h->count[(size_t)b]++;
	}
	return 0;
}

void smtj_hist_free(struct smtj_hist *h)
{
	free(h->count);
	h->count = NULL;
}
