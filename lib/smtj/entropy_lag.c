// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * SP 800-90B 6.3.8: the lag prediction estimate.  Predictor d guesses the
 * sample d steps back (d = 1..128); the best scorer so far predicts.
 */
#include <errno.h>
#include <stdlib.h>
#include "entropy-internal.h"

int ent_lag(const struct ent_input *in, struct smtj_entropy_est *e,
	    struct smtj_err *err)
{
	size_t depth = in->prm->lag_depth, winner = 1;
	uint64_t *score;
	struct ent_score rec = { 0 };

	if (in->n < 3)
		return smtj_seterr(err, -EINVAL, "lag: %zu samples, needs at least 3",
				   in->n);
	score = calloc(depth + 1, sizeof(*score));
	if (!score)
		return smtj_seterr(err, -ENOMEM, "lag: out of memory");
	for (size_t i = 1; i < in->n; i++) {
		uint8_t x = in->s[i];
		size_t dmax = depth < i ? depth : i;

		ent_score_add(&rec, winner <= i && in->s[i - winner] == x);
		for (size_t d = 1; d <= dmax; d++) {
			if (in->s[i - d] == x && ++score[d] >= score[winner])
				winner = d;
		}
	}
	free(score);
	ent_predict_finish(e, &rec, in->n - 1, in->k);
	return 0;
}
