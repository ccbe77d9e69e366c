// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * The common end of the four predictors (SP 800-90B 6.3.7-6.3.10): the
 * global bound on the fraction of correct predictions, and the local one
 * from the longest run of correct predictions.
 */
#include <math.h>
#include "entropy-internal.h"

/*
 * log of the probability that N trials with success probability p hold
 * no run of r successes, by the standard's approximation
 *   (1 - p x) / ((r + 1 - r x) q) * x^-(N + 1),
 * x the root of 1 - x + q p^r x^(r+1) = 0 found by ten fixed-point steps
 * from 1.  Logs keep x^-(N+1) from underflowing; a non-positive factor
 * (p too large for the approximation) counts as probability 0.
 */
static double log_no_run(double p, uint64_t r, uint64_t n)
{
	double q = 1 - p, x = 1, a, b;

	for (int i = 0; i < 10; i++)
		x = 1 + q * pow(p, (double)r) * pow(x, (double)r + 1);
	a = 1 - p * x;
	b = ((double)r + 1 - (double)r * x) * q;
	if (a <= 0 || b <= 0)
		return -INFINITY;
	return log(a) - log(b) - ((double)n + 1) * log(x);
}

void ent_predict_finish(struct smtj_entropy_est *e, const struct ent_score *s,
			uint64_t trials, unsigned int k)
{
	uint64_t correct = s->correct, r = s->longest + 1;
	double pg = (double)correct / (double)trials, lo = 0, hi = 1, pmax;

	e->correct = correct;
	e->trials = trials;
	e->run = r;
	e->p_global = pg;
	if (!correct)
		e->p_global_upper = 1 - pow(0.01, 1 / (double)trials);
	else if (trials < 2)
		e->p_global_upper = 1;
	else
		e->p_global_upper = fmin(1, pg + ENT_Z * sqrt(pg * (1 - pg) /
							     ((double)trials - 1)));
	/* the probability of no run of r falls from 1 at p = 0: bisect
	 * for the p where it is 0.99 */
	for (int i = 0; i < 100; i++) {
		double mid = 0.5 * (lo + hi);

		if (log_no_run(mid, r, trials) > log(0.99))
			lo = mid;
		else
			hi = mid;
	}
	e->p_local = 0.5 * (lo + hi);
	pmax = fmax(fmax(e->p_global_upper, e->p_local), 1.0 / k);
	e->p = pmax;
	e->h = pmax < 1 ? -log2(pmax) : 0;
	e->done = 1;
}
