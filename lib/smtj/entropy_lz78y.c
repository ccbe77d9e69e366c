// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * SP 800-90B 6.3.10: the LZ78Y prediction estimate.  One dictionary (at
 * most 65536 contexts) of every context of 1..16 symbols seen, with the
 * counts of the symbols that followed; the prediction is the most
 * frequent follower of the current contexts, the longest context winning
 * among equal counts.
 */
#include <errno.h>
#include "entropy-internal.h"

#define LZ_MAX 16
#define UNKNOWN (-2)

int ent_lz78y(const struct ent_input *in, struct smtj_entropy_est *e,
	      struct smtj_err *err)
{
	unsigned int depth = in->prm->lz78y_depth;
	uint64_t size = 0;
	struct ent_score rec = { 0 };
	int64_t cached[LZ_MAX + 1];
	struct ent_dict *dict;
	int ret;

	if (in->n < (size_t)depth + 3)
		return smtj_seterr(err, -EINVAL, "LZ78Y: %zu samples, needs at least %u",
				   in->n, depth + 3);
	if ((ret = ent_dict_create(&dict, in->maxsym <= 1, err)))
		return ret;
	for (unsigned int j = 0; j <= LZ_MAX; j++)
		cached[j] = UNKNOWN;
	for (size_t i = depth + 1; i < in->n; i++) {
		uint64_t maxcount = 0;
		int pred = -1;

		for (unsigned int j = depth; j >= 1; j--) {
			const uint8_t *c = in->s + i - 1 - j;
			int64_t ctx = cached[j] != UNKNOWN ? cached[j] :
				      ent_dict_find(dict, c, j);

			if (ctx < 0 && size < in->prm->lz78y_max_dict) {
				ctx = ent_dict_add(dict, c, j, err);
				if (ctx < 0) {
					ret = (int)ctx;
					goto out;
				}
				size++;
			}
			if (ctx >= 0 && (ret = ent_dict_count(dict, ctx, in->s[i - 1], err)))
				goto out;
		}
		for (unsigned int j = depth; j >= 1; j--) {
			const struct ent_ctx *c;

			cached[j] = ent_dict_find(dict, in->s + i - j, j);
			if (cached[j] < 0)
				continue;
			c = ent_dict_ctx(dict, cached[j]);
			if (c->best_count > maxcount) {
				maxcount = c->best_count;
				pred = (int)c->best_y;
			}
		}
		ent_score_add(&rec, pred == in->s[i]);
	}
	ent_predict_finish(e, &rec, in->n - depth - 1, in->k);
	ret = 0;
out:
	ent_dict_destroy(dict);
	return ret;
}
