// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * SP 800-90B 6.3.9: the MultiMMC prediction estimate.  Predictor d (1..16)
 * is a d-th order Markov model: it counts which symbol followed each
 * context of d symbols (at most 100000 contexts per order) and predicts
 * the most frequent follower of the current context (the largest value
 * among equals); the best scorer so far predicts.
 *
 * The context a predictor looks up before sample i is the one it counts
 * at the next step, so each lookup serves twice.
 */
#include <errno.h>
#include "entropy-internal.h"

#define MMC_MAX 16
#define UNKNOWN (-2)

int ent_multi_mmc(const struct ent_input *in, struct smtj_entropy_est *e,
		  struct smtj_err *err)
{
	unsigned int depth = in->prm->mmc_depth, winner = 1;
	uint64_t score[MMC_MAX + 1] = { 0 }, entries[MMC_MAX + 1] = { 0 };
	struct ent_score rec = { 0 };
	int64_t cached[MMC_MAX + 1];
	struct ent_dict *dict;
	int ret;

	if (in->n < 4)
		return smtj_seterr(err, -EINVAL, "MultiMMC: %zu samples, needs at least 4",
				   in->n);
	if ((ret = ent_dict_create(&dict, in->maxsym <= 1, err)))
		return ret;
	for (unsigned int d = 0; d <= MMC_MAX; d++)
		cached[d] = UNKNOWN;
	for (size_t i = 2; i < in->n; i++) {
		int pred[MMC_MAX + 1] = { 0 };
		uint8_t x = in->s[i];

		/* count s[i-1] after the context that preceded it */
		for (unsigned int d = 1; d <= depth && d <= i - 1; d++) {
			const uint8_t *c = in->s + i - 1 - d;
			int64_t ctx = cached[d] != UNKNOWN ? cached[d] :
				      ent_dict_find(dict, c, d);

			if (ctx < 0 && entries[d] < in->prm->mmc_max_entries) {
				ctx = ent_dict_add(dict, c, d, err);
				if (ctx < 0) {
					ret = (int)ctx;
					goto out;
				}
				entries[d]++;
			}
			if (ctx >= 0 && (ret = ent_dict_count(dict, ctx, in->s[i - 1], err)))
				goto out;
		}
		/* predict s[i] from the context ending at s[i-1] */
		for (unsigned int d = 1; d <= depth; d++) {
			pred[d] = -1;
			cached[d] = UNKNOWN;
			if (d > i)
				continue;
			cached[d] = ent_dict_find(dict, in->s + i - d, d);
			if (cached[d] >= 0)
				pred[d] = (int)ent_dict_ctx(dict, cached[d])->best_y;
		}
		ent_score_add(&rec, pred[winner] == x);
		for (unsigned int d = 1; d <= depth; d++)
			if (pred[d] == x && ++score[d] >= score[winner])
				winner = d;
	}
	ent_predict_finish(e, &rec, in->n - 2, in->k);
	ret = 0;
out:
	ent_dict_destroy(dict);
	return ret;
}
