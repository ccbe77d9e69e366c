// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * SP 800-90B 6.3.2: the collision estimate (binary data).  The sequence
 * is cut where a value repeats: on bits every piece is 2 or 3 samples
 * long.  The standard solves E(p) = X-bar' for p by a binary search on an
 * expression with an incomplete gamma function; for two values that
 * expression is exactly 2 + 2 p (1 - p) (a piece has length 2 with
 * probability p^2 + q^2, else 3), so the root is taken in closed form.
 */
#include <errno.h>
#include <math.h>
#include "entropy-internal.h"

int ent_collision(const struct ent_input *in, struct smtj_entropy_est *e,
		  struct smtj_err *err)
{
	double sum = 0, sum2 = 0, mean, var, lower, p;
	uint64_t v = 0;
	size_t i = 0;

	/* pieces of length 2 (s[i] == s[i+1]) or 3 */
	while (i + 1 < in->n) {
		unsigned int t;

		if (in->s[i] == in->s[i + 1])
			t = 2;
		else if (i + 2 < in->n)
			t = 3;
		else
			break;
		v++;
		sum += t;
		sum2 += (double)t * t;
		i += t;
	}
	if (v < 2)
		return smtj_seterr(err, -EINVAL,
				   "collision: %zu samples give %llu collisions, needs at least 2",
				   in->n, (unsigned long long)v);
	mean = sum / (double)v;
	var = (sum2 - (double)v * mean * mean) / ((double)v - 1);
	e->mean = mean;
	e->sd = sqrt(var > 0 ? var : 0);
	lower = mean - ENT_Z * e->sd / sqrt((double)v);
	if (lower >= 2.5)
		p = 0.5;		/* no root in [1/2, 1]: full entropy */
	else if (lower <= 2)
		p = 1;
	else
		p = 0.5 * (1 + sqrt(1 - 2 * (lower - 2)));
	e->p = p;
	e->h = p < 1 ? -log2(p) : 0;
	e->done = 1;
	return 0;
}
