// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * SP 800-90B 6.3.3: the Markov estimate (binary data).  A first-order
 * chain fitted to the bits; the most likely of the six candidate
 * sequences of 128 bits bounds the entropy: h = -log2(p_max) / 128.
 */
#include <errno.h>
#include <math.h>
#include "entropy-internal.h"

#define MARKOV_LEN 128

int ent_markov(const struct ent_input *in, struct smtj_entropy_est *e,
	       struct smtj_err *err)
{
	uint64_t ones = 0, c[2][2] = { { 0 } };
	double p0, p1, t[2][2], lp[6], best = -INFINITY;

	if (in->n < 2)
		return smtj_seterr(err, -EINVAL, "Markov: %zu samples, needs at least 2",
				   in->n);
	for (size_t i = 0; i < in->n; i++) {
		ones += in->s[i];
		if (i + 1 < in->n)
			c[in->s[i]][in->s[i + 1]]++;
	}
	p1 = (double)ones / (double)in->n;
	p0 = 1 - p1;
	for (int a = 0; a < 2; a++) {
		uint64_t from = c[a][0] + c[a][1];

		for (int b = 0; b < 2; b++)
			t[a][b] = from ? (double)c[a][b] / (double)from : 0;
	}
	/* log2 of the six candidates: 0^128, (01)^64, 01^127, 10^127,
	 * (10)^64, 1^128 */
	lp[0] = log2(p0) + (MARKOV_LEN - 1) * log2(t[0][0]);
	lp[1] = log2(p0) + MARKOV_LEN / 2 * log2(t[0][1]) +
		(MARKOV_LEN / 2 - 1) * log2(t[1][0]);
	lp[2] = log2(p0) + log2(t[0][1]) + (MARKOV_LEN - 2) * log2(t[1][1]);
	lp[3] = log2(p1) + log2(t[1][0]) + (MARKOV_LEN - 2) * log2(t[0][0]);
	lp[4] = log2(p1) + MARKOV_LEN / 2 * log2(t[1][0]) +
		(MARKOV_LEN / 2 - 1) * log2(t[0][1]);
	lp[5] = log2(p1) + (MARKOV_LEN - 1) * log2(t[1][1]);
	for (int i = 0; i < 6; i++)
		if (!isnan(lp[i]) && lp[i] > best)
			best = lp[i];
	e->p = exp2(best);
	e->h = best < 0 ? fmin(-best / MARKOV_LEN, 1) : 0;
	e->done = 1;
	return 0;
}
