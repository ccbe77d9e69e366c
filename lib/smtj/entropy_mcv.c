// SPDX-License-Identifier: LGPL-2.1-or-later
/* SP 800-90B 6.3.1: the most common value estimate. */
#include <errno.h>
#include <math.h>
#include "entropy-internal.h"

double ent_upper(double p, size_t n)
{
	double u = p + ENT_Z * sqrt(p * (1 - p) / ((double)n - 1));

	return u < 1 ? u : 1;
}

int ent_mcv(const struct ent_input *in, struct smtj_entropy_est *e,
	    struct smtj_err *err)
{
	uint64_t count[256] = { 0 }, mode = 0;

	if (in->n < 2)
		return smtj_seterr(err, -EINVAL,
				   "most common value: %zu samples, needs at least 2",
				   in->n);
	for (size_t i = 0; i < in->n; i++)
		count[in->s[i]]++;
	for (unsigned int x = 0; x <= in->maxsym; x++)
		if (count[x] > mode)
			mode = count[x];
	e->p = ent_upper((double)mode / (double)in->n, in->n);
	e->h = e->p < 1 ? -log2(e->p) : 0;
	e->done = 1;
	return 0;
}
