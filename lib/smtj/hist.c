// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * Histogram of a series.  The pieces (range, then counts) also serve
 * data seen in chunks, one pass each (levels of a streamed recording).
 */
#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include "smtj-internal.h"

void smtj_span_add(struct smtj_span *s, const float *x, const uint64_t *w,
		   size_t n)
{
	size_t i;

	if (!n)
		return;
	if (!s->n)
		s->lo = s->hi = x[0];
	for (i = 0; i < n; i++) {
		s->lo = x[i] < s->lo ? x[i] : s->lo;
		s->hi = x[i] > s->hi ? x[i] : s->hi;
	}
	if (!w) {
		s->n += n;
		return;
	}
	for (i = 0; i < n; i++)
		s->n += w[i];
}

double smtj_span_top(const struct smtj_span *s)
{
	/* make the top value fall inside the last bin */
	return s->hi > s->lo ? nextafter(s->hi + (s->hi - s->lo) * 1e-9, INFINITY)
			     : s->lo + 1;
}

int smtj_hist_init(struct smtj_hist *h, size_t nbins, double lo, double hi,
		   struct smtj_err *err)
{
	memset(h, 0, sizeof(*h));
	if (!(hi > lo))
		return smtj_seterr(err, -EINVAL, "histogram: empty range [%g, %g)",
				   lo, hi);
	h->count = calloc(nbins, sizeof(*h->count));
	if (!h->count)
		return smtj_seterr(err, -ENOMEM, "histogram: out of memory");
	h->lo = lo;
	h->hi = hi;
	h->nbins = nbins;
	return 0;
}

void smtj_hist_add(struct smtj_hist *h, const float *x, const uint64_t *w,
		   size_t n)
{
	double lo = h->lo, scale = h->nbins / (h->hi - h->lo);

	for (size_t i = 0; i < n; i++) {
		double b = (x[i] - lo) * scale;
		uint64_t c = w ? w[i] : 1;

		if (b < 0)
			h->below += c;
		else if (b >= h->nbins)
			h->above += c;
		else
			h->count[(size_t)b] += c;
	}
}

int smtj_hist(struct smtj_hist *h, const float *x, size_t n, size_t nbins,
	      double lo, double hi, struct smtj_err *err)
{
	int ret;

	memset(h, 0, sizeof(*h));
	if (!n || !nbins || nbins > (1U << 24))
		return smtj_seterr(err, -EINVAL, "histogram: %zu values, %zu bins",
				   n, nbins);
	if (lo == hi) {
		struct smtj_span s = { 0 };

		smtj_span_add(&s, x, NULL, n);
		lo = s.lo;
		hi = smtj_span_top(&s);
	}
	ret = smtj_hist_init(h, nbins, lo, hi, err);
	if (ret)
		return ret;
	smtj_hist_add(h, x, NULL, n);
	return 0;
}

void smtj_hist_free(struct smtj_hist *h)
{
	free(h->count);
	h->count = NULL;
}
