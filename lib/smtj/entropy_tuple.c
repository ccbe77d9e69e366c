// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * SP 800-90B 6.3.5: the t-tuple estimate.  t is the largest tuple length
 * whose most common tuple occurs at least cutoff (35) times;
 * p = max_i (Q[i] / (n - i + 1))^(1/i) over i = 1..t, bounded above.
 */
#include <errno.h>
#include <math.h>
#include "entropy-internal.h"

int ent_tuple(const struct ent_input *in, const struct ent_tuples *t,
	      struct smtj_entropy_est *e, struct smtj_err *err)
{
	uint64_t cutoff = in->prm->tuple_cutoff, tt = 0;
	double pmax = 0;

	while (tt < t->vmax && t->q[tt + 1] >= cutoff)
		tt++;
	if (!tt)
		return smtj_seterr(err, -EINVAL,
				   "t-tuple: no value occurs %llu times in %zu samples (more samples needed)",
				   (unsigned long long)cutoff, in->n);
	for (uint64_t i = 1; i <= tt; i++) {
		double p = (double)t->q[i] / (double)(in->n - i + 1);

		pmax = fmax(pmax, pow(p, 1.0 / (double)i));
	}
	e->t = tt;
	e->p = ent_upper(pmax, in->n);
	e->h = e->p < 1 ? -log2(e->p) : 0;
	e->done = 1;
	return 0;
}
