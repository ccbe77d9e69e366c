// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * SP 800-90B 6.3.6: the longest repeated substring estimate.  From the
 * first tuple length u whose most common tuple occurs fewer than cutoff
 * times up to the length v of the longest repeated substring, the
 * collision probability of W-tuples, P_W = sum C(c_i, 2) / C(n - W + 1, 2),
 * gives p = max P_W^(1/W), bounded above.
 */
#include <errno.h>
#include <math.h>
#include "entropy-internal.h"

int ent_lrs(const struct ent_input *in, const struct ent_tuples *t,
	    struct smtj_entropy_est *e, struct smtj_err *err)
{
	uint64_t cutoff = in->prm->tuple_cutoff, u = 1;
	double pmax = 0;

	while (u <= t->vmax && t->q[u] >= cutoff)
		u++;
	if (u > t->vmax)
		return smtj_seterr(err, -EINVAL,
				   "LRS: no substring of length u = %llu repeats in %zu samples (longest repeat %zu)",
				   (unsigned long long)u, in->n, t->vmax);
	for (uint64_t w = u; w <= t->vmax; w++) {
		double m = (double)(in->n - w + 1);
		double pw = (double)t->pairs[w] / (m * (m - 1) / 2);

		pmax = fmax(pmax, pow(pw, 1.0 / (double)w));
	}
	e->u = u;
	e->v = t->vmax;
	e->p = ent_upper(pmax, in->n);
	e->h = e->p < 1 ? -log2(e->p) : 0;
	e->done = 1;
	return 0;
}
