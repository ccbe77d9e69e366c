// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * Level detection: peaks of a smoothed histogram seed a one-dimensional
 * k-means (Lloyd) over the data, which places each level at the mean of
 * its samples and the boundaries half-way between levels.
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

int smtj_levels_detect(struct smtj_levels *lv, const float *x, size_t n,
		       unsigned int max, struct smtj_err *err)
{
	struct smtj_hist h;
	double c[SMTJ_SIM_MAX_LEVELS], s1[SMTJ_SIM_MAX_LEVELS];
	double s2[SMTJ_SIM_MAX_LEVELS], cnt[SMTJ_SIM_MAX_LEVELS];
	unsigned int k, i;
	int ret;

	memset(lv, 0, sizeof(*lv));
	if (max < 1 || max > SMTJ_SIM_MAX_LEVELS)
		return smtj_seterr(err, -EINVAL, "levels: max %u not in 1..%u", max,
				   SMTJ_SIM_MAX_LEVELS);
	ret = smtj_hist(&h, x, n, LV_BINS, 0, 0, err);
	if (ret)
		return ret;
	k = peaks(&h, c, max);
	smtj_hist_free(&h);
	if (!k)
		return smtj_seterr(err, -ENODATA, "levels: no peak found");
	for (int it = 0; it < 50; it++) {
		double moved = 0;

		memset(s1, 0, sizeof(s1));
		memset(s2, 0, sizeof(s2));
		memset(cnt, 0, sizeof(cnt));
		for (size_t t = 0; t < n; t++) {
			/* levels are sorted: nearest by the midpoints */
			unsigned int b = 0;

			while (b + 1 < k && x[t] > 0.5 * (c[b] + c[b + 1]))
				b++;
			s1[b] += x[t];
			s2[b] += (double)x[t] * x[t];
			cnt[b]++;
		}
		for (i = 0; i < k; i++) {
			double m = cnt[i] ? s1[i] / cnt[i] : c[i];

			moved = fmax(moved, fabs(m - c[i]));
			c[i] = m;
		}
		if (moved == 0)
			break;
	}
	lv->n = k;
	for (i = 0; i < k; i++) {
		double var = cnt[i] ? s2[i] / cnt[i] - c[i] * c[i] : 0;

		lv->level[i] = c[i];
		lv->weight[i] = cnt[i] / n;
		lv->sd[i] = var > 0 ? sqrt(var) : 0;
	}
	return 0;
}
