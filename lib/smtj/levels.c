// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * Level detection: peaks of a smoothed histogram seed a one-dimensional
 * k-means (Lloyd) over the data, which places each level at the mean of
 * its samples and the boundaries half-way between levels.  The data come
 * in one array or in passes over chunks (a recording too big for memory;
 * weighted values, a histogram of codes), with the same result.
 */
#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include "smtj-internal.h"

#define LV_BINS 512
#define LV_HALF 4		/* smoothing and peak half-width, bins */

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return (x > y) - (x < y);
}

static unsigned int peaks(const struct smtj_hist *h, double *pos,
			  unsigned int max)
{
	double sm[LV_BINS], top = 0, cand[LV_BINS], score[LV_BINS];
	unsigned int nc = 0, i, j;

	for (i = 0; i < LV_BINS; i++) {
		double s = 0;

		for (int k = -LV_HALF; k <= LV_HALF; k++) {
			int b = (int)i + k;

			if (b >= 0 && b < LV_BINS)
				s += h->count[b];
		}
		sm[i] = s;
		top = s > top ? s : top;
	}
	for (i = 0; i < LV_BINS; i++) {
		int is_peak = sm[i] >= 0.01 * top;

		for (int k = -2 * LV_HALF; k <= 2 * LV_HALF && is_peak; k++) {
			int b = (int)i + k;

			if (k && b >= 0 && b < LV_BINS &&
			    (sm[b] > sm[i] || (sm[b] == sm[i] && b < (int)i)))
				is_peak = 0;
		}
		if (is_peak) {
			cand[nc] = h->lo + (i + 0.5) * (h->hi - h->lo) / LV_BINS;
			score[nc++] = sm[i];
		}
	}
	/* keep the @max highest, then sort by position */
	for (i = 0; i < nc && i < max; i++) {
		unsigned int best = i;

		for (j = i + 1; j < nc; j++)
			if (score[j] > score[best])
				best = j;
		pos[i] = cand[best];
		cand[best] = cand[i];
		score[best] = score[i];
	}
	qsort(pos, i, sizeof(double), cmp_double);
	return i;
}

/* Lloyd's iterations in one dimension: the state of one pass. */
struct lloyd {
	unsigned int k;
	double c[SMTJ_SIM_MAX_LEVELS], s1[SMTJ_SIM_MAX_LEVELS];
	double s2[SMTJ_SIM_MAX_LEVELS], cnt[SMTJ_SIM_MAX_LEVELS];
};

static void lloyd_chunk(void *acc, const float *x, const uint64_t *w,
			size_t n)
{
	struct lloyd *l = acc;

	for (size_t t = 0; t < n; t++) {
		/* levels are sorted: nearest by the midpoints */
		unsigned int b = 0;
		double wt = w ? (double)w[t] : 1;

		while (b + 1 < l->k && x[t] > 0.5 * (l->c[b] + l->c[b + 1]))
			b++;
		l->s1[b] += wt * x[t];
		l->s2[b] += wt * ((double)x[t] * x[t]);
		l->cnt[b] += wt;
	}
}

/* k-means from the k histogram peaks in l->c, over @n values. */
static int refine(struct smtj_levels *lv, struct lloyd *l, uint64_t n,
		  smtj_pass_fn pass, void *ctx, struct smtj_err *err)
{
	unsigned int i;
	int ret;

	for (int it = 0; it < 50; it++) {
		double moved = 0;

		memset(l->s1, 0, sizeof(l->s1));
		memset(l->s2, 0, sizeof(l->s2));
		memset(l->cnt, 0, sizeof(l->cnt));
		ret = pass(ctx, lloyd_chunk, l, err);
		if (ret)
			return ret;
		for (i = 0; i < l->k; i++) {
			double m = l->cnt[i] ? l->s1[i] / l->cnt[i] : l->c[i];

			moved = fmax(moved, fabs(m - l->c[i]));
			l->c[i] = m;
		}
		if (moved == 0)
			break;
	}
	lv->n = l->k;
	for (i = 0; i < l->k; i++) {
		double var = l->cnt[i] ? l->s2[i] / l->cnt[i] - l->c[i] * l->c[i] : 0;

		lv->level[i] = l->c[i];
		lv->weight[i] = l->cnt[i] / (double)n;
		lv->sd[i] = var > 0 ? sqrt(var) : 0;
	}
	return 0;
}

struct array {
	const float *x;
	size_t n;
};

static int array_pass(void *ctx, smtj_chunk_fn fn, void *acc,
		      struct smtj_err *err)
{
	const struct array *a = ctx;

	(void)err;
	fn(acc, a->x, NULL, a->n);
	return 0;
}

static int check_max(struct smtj_levels *lv, unsigned int max,
		     struct smtj_err *err)
{
	memset(lv, 0, sizeof(*lv));
	if (max < 1 || max > SMTJ_SIM_MAX_LEVELS)
		return smtj_seterr(err, -EINVAL, "levels: max %u not in 1..%u", max,
				   SMTJ_SIM_MAX_LEVELS);
	return 0;
}

/* The peaks of @h seed the k-means. */
static int seed(struct lloyd *l, struct smtj_hist *h, unsigned int max,
		struct smtj_err *err)
{
	memset(l, 0, sizeof(*l));
	l->k = peaks(h, l->c, max);
	smtj_hist_free(h);
	if (!l->k)
		return smtj_seterr(err, -ENODATA, "levels: no peak found");
	return 0;
}

int smtj_levels_detect(struct smtj_levels *lv, const float *x, size_t n,
		       unsigned int max, struct smtj_err *err)
{
	struct array a = { x, n };
	struct smtj_hist h;
	struct lloyd l;
	int ret;

	if ((ret = check_max(lv, max, err)) ||
	    (ret = smtj_hist(&h, x, n, LV_BINS, 0, 0, err)) ||
	    (ret = seed(&l, &h, max, err)))
		return ret;
	return refine(lv, &l, n, array_pass, &a, err);
}

static void span_chunk(void *acc, const float *x, const uint64_t *w, size_t n)
{
	smtj_span_add(acc, x, w, n);
}

static void hist_chunk(void *acc, const float *x, const uint64_t *w, size_t n)
{
	smtj_hist_add(acc, x, w, n);
}

int smtj_levels_detect_passes(struct smtj_levels *lv, smtj_pass_fn pass,
			      void *ctx, unsigned int max,
			      struct smtj_err *err)
{
	struct smtj_span s = { 0 };
	struct smtj_hist h;
	struct lloyd l;
	int ret;

	if ((ret = check_max(lv, max, err)) ||
	    (ret = pass(ctx, span_chunk, &s, err)))
		return ret;
	if (!s.n)	/* as smtj_hist says it */
		return smtj_seterr(err, -EINVAL, "histogram: 0 values, %d bins",
				   LV_BINS);
	if ((ret = smtj_hist_init(&h, LV_BINS, s.lo, smtj_span_top(&s), err)))
		return ret;
	ret = pass(ctx, hist_chunk, &h, err);
	if (ret) {
		smtj_hist_free(&h);
		return ret;
	}
	if ((ret = seed(&l, &h, max, err)))
		return ret;
	return refine(lv, &l, s.n, pass, ctx, err);
}
