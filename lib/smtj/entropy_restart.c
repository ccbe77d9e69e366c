// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * SP 800-90B section 3.1.4: restart tests.  A matrix of restarts (rows)
 * by the first samples after each restart (columns).  The sanity check
 * bounds the most common value of every row and column by the binomial
 * cutoff that the initial estimate H_I implies; then the row and the
 * column data sets are assessed like any sequence.
 */
#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include "entropy-internal.h"

/* Smallest u with P(X > u) <= alpha for X ~ binomial(n, p). */
static unsigned int binomial_cutoff(size_t n, double p, double alpha)
{
	double tail = 0;
	size_t u = n;

	if (p >= 1)
		return (unsigned int)n;
	if (p <= 0)
		return 0;
	/* walk down from the top: tail = P(X > u - 1) after adding pmf(u) */
	while (u > 0) {
		double lpmf = lgamma((double)n + 1) - lgamma((double)u + 1) -
			      lgamma((double)(n - u) + 1) + (double)u * log(p) +
			      (double)(n - u) * log1p(-p);

		if (tail + exp(lpmf) > alpha)
			break;
		tail += exp(lpmf);
		u--;
	}
	return (unsigned int)u;
}

static unsigned int most_common(const uint8_t *s, size_t n, size_t stride)
{
	uint32_t count[256] = { 0 }, best = 0;

	for (size_t i = 0; i < n; i++)
		if (++count[s[i * stride]] > best)
			best = count[s[i * stride]];
	return best;
}

int smtj_entropy_restart_sanity(struct smtj_restart_check *c,
				const uint8_t *m, size_t rows, size_t cols,
				double h_initial, struct smtj_err *err)
{
	memset(c, 0, sizeof(*c));
	if (rows < 2 || cols < 2)
		return smtj_seterr(err, -EINVAL,
				   "restart: a %zu x %zu matrix, needs at least 2 x 2",
				   rows, cols);
	if (!(h_initial >= 0) || h_initial > 8)
		return smtj_seterr(err, -EINVAL,
				   "restart: initial estimate %g is not in 0..8 bits",
				   h_initial);
	c->h_initial = h_initial;
	c->p = exp2(-h_initial);
	c->alpha = 0.01 / (double)(rows + cols);
	c->cutoff_row = binomial_cutoff(cols, c->p, c->alpha);
	c->cutoff_col = binomial_cutoff(rows, c->p, c->alpha);
	for (size_t r = 0; r < rows; r++) {
		unsigned int f = most_common(m + r * cols, cols, 1);

		if (f > c->max_row) {
			c->max_row = f;
			c->worst_row = r;
		}
	}
	for (size_t j = 0; j < cols; j++) {
		unsigned int f = most_common(m + j, rows, cols);

		if (f > c->max_col) {
			c->max_col = f;
			c->worst_col = j;
		}
	}
	c->ok = c->max_row <= c->cutoff_row && c->max_col <= c->cutoff_col;
	return 0;
}

int smtj_entropy_restart(struct smtj_restart *r, const uint8_t *m,
			 size_t rows, size_t cols, unsigned int bits,
			 double h_initial, const struct smtj_entropy_params *prm,
			 struct smtj_err *err)
{
	uint8_t *t;
	int ret;

	memset(r, 0, sizeof(*r));
	if ((ret = smtj_entropy_restart_sanity(&r->check, m, rows, cols, h_initial, err)))
		return ret;
	if (!r->check.ok)
		return 0;
	if ((ret = smtj_entropy_assess(&r->rows, m, rows * cols, bits, prm, err)))
		return ret;
	t = malloc(rows * cols);
	if (!t)
		return smtj_seterr(err, -ENOMEM, "restart: out of memory");
	for (size_t i = 0; i < rows; i++)
		for (size_t j = 0; j < cols; j++)
			t[j * rows + i] = m[i * cols + j];
	ret = smtj_entropy_assess(&r->cols, t, rows * cols, bits, prm, err);
	free(t);
	if (ret)
		return ret;
	r->h_r = r->rows.h;
	r->h_c = r->cols.h;
	r->ok = fmin(r->h_r, r->h_c) >= h_initial / 2;
	r->h = r->ok ? fmin(h_initial, fmin(r->h_r, r->h_c)) : 0;
	return 0;
}
