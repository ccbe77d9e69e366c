// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * SP 800-90B min-entropy assessment: the estimators by name, their
 * parameters, input checks, and the assessment of section 3.1.3 (the
 * symbols and their bitstring).
 */
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "entropy-internal.h"

static const char *const names[SMTJ_ENT_COUNT] = {
	"mcv", "collision", "markov", "compression", "t_tuple", "lrs",
	"multi_mcw", "lag", "multi_mmc", "lz78y",
};

/* The estimators on symbols alone; t-tuple and LRS share tuple counts. */
static ent_estimator_fn *const estimators[SMTJ_ENT_COUNT] = {
	[SMTJ_ENT_MCV] = ent_mcv,
	[SMTJ_ENT_COLLISION] = ent_collision,
	[SMTJ_ENT_MARKOV] = ent_markov,
	[SMTJ_ENT_COMPRESSION] = ent_compression,
	[SMTJ_ENT_MULTI_MCW] = ent_multi_mcw,
	[SMTJ_ENT_LAG] = ent_lag,
	[SMTJ_ENT_MULTI_MMC] = ent_multi_mmc,
	[SMTJ_ENT_LZ78Y] = ent_lz78y,
};

const char *smtj_entropy_name(enum smtj_entropy_estimator e)
{
	return (unsigned int)e < SMTJ_ENT_COUNT ? names[e] : "?";
}

int smtj_entropy_binary_only(enum smtj_entropy_estimator e)
{
	return e == SMTJ_ENT_COLLISION || e == SMTJ_ENT_MARKOV ||
	       e == SMTJ_ENT_COMPRESSION;
}

void smtj_entropy_default_params(struct smtj_entropy_params *p)
{
	*p = (struct smtj_entropy_params){
		.tuple_cutoff = 35,
		.mcw_window = { 63, 255, 1023, 4095 },
		.lag_depth = 128,
		.mmc_depth = 16,
		.mmc_max_entries = 100000,
		.lz78y_depth = 16,
		.lz78y_max_dict = 65536,
		.compression_block = 6,
		.compression_dict = 1000,
	};
}

static int check_params(const struct smtj_entropy_params *p,
			struct smtj_err *err)
{
	for (int j = 0; j < 4; j++)
		if (!p->mcw_window[j] || (j && p->mcw_window[j] <= p->mcw_window[j - 1]))
			return smtj_seterr(err, -EINVAL,
					   "entropy: MultiMCW windows must be positive and ascending");
	if (!p->tuple_cutoff || !p->lag_depth || !p->mmc_depth || p->mmc_depth > 16 ||
	    !p->lz78y_depth || p->lz78y_depth > 16 || !p->compression_block ||
	    p->compression_block > 16 || !p->compression_dict)
		return smtj_seterr(err, -EINVAL,
				   "entropy: parameters out of range (depths 1..16, block 1..16, others > 0)");
	return 0;
}

static void scan(struct ent_input *in)
{
	uint8_t seen[256] = { 0 };

	in->k = 0;
	in->maxsym = 0;
	for (size_t i = 0; i < in->n; i++) {
		if (!seen[in->s[i]]) {
			seen[in->s[i]] = 1;
			in->k++;
		}
		if (in->s[i] > in->maxsym)
			in->maxsym = in->s[i];
	}
}

static int run_one(enum smtj_entropy_estimator which,
		   const struct ent_input *in, const struct ent_tuples *tup,
		   struct smtj_entropy_est *e, struct smtj_err *err)
{
	struct ent_tuples own;
	int ret;

	memset(e, 0, sizeof(*e));
	if (smtj_entropy_binary_only(which) && in->maxsym > 1)
		return smtj_seterr(err, -EINVAL,
				   "%s: defined on bits only, the data holds values up to %u",
				   names[which], in->maxsym);
	if (which == SMTJ_ENT_TUPLE || which == SMTJ_ENT_LRS) {
		if (!tup) {
			if ((ret = ent_tuples_count(&own, in->s, in->n, err)))
				return ret;
			tup = &own;
		}
		ret = which == SMTJ_ENT_TUPLE ? ent_tuple(in, tup, e, err) :
						ent_lrs(in, tup, e, err);
		if (tup == &own)
			ent_tuples_free(&own);
		return ret;
	}
	if ((unsigned int)which >= SMTJ_ENT_COUNT || !estimators[which])
		return smtj_seterr(err, -EINVAL, "entropy: no estimator %d", (int)which);
	return estimators[which](in, e, err);
}

int smtj_entropy_estimate(enum smtj_entropy_estimator which,
			  const uint8_t *s, size_t n,
			  const struct smtj_entropy_params *prm,
			  struct smtj_entropy_est *est, struct smtj_err *err)
{
	struct smtj_entropy_params def;
	struct ent_input in = { .s = s, .n = n, .prm = prm };
	int ret;

	if (!prm) {
		smtj_entropy_default_params(&def);
		in.prm = &def;
	}
	if ((ret = check_params(in.prm, err)))
		return ret;
	if (!n)
		return smtj_seterr(err, -EINVAL, "%s: no samples", smtj_entropy_name(which));
	scan(&in);
	return run_one(which, &in, NULL, est, err);
}

/* Every estimator that applies, on one sequence; *h_min their minimum. */
static int run_all(const struct ent_input *in, int binary,
		   struct smtj_entropy_est *est, double *h_min, const char *what,
		   struct smtj_err *err)
{
	struct ent_tuples tup;
	int ret;

	if ((ret = ent_tuples_count(&tup, in->s, in->n, err)))
		return ret;
	*h_min = INFINITY;
	for (int e = 0; e < SMTJ_ENT_COUNT; e++) {
		if (!binary && smtj_entropy_binary_only(e)) {
			memset(&est[e], 0, sizeof(est[e]));
			continue;
		}
		ret = run_one(e, in, &tup, &est[e], err);
		if (ret) {
			if (err) {
				char msg[sizeof(err->msg)];

				snprintf(msg, sizeof(msg), "%s", err->msg);
				smtj_seterr(err, ret, "%s: %s", what, msg);
			}
			break;
		}
		*h_min = fmin(*h_min, est[e].h);
	}
	ent_tuples_free(&tup);
	return ret;
}

int smtj_entropy_assess(struct smtj_entropy *a, const uint8_t *s, size_t n,
			unsigned int bits, const struct smtj_entropy_params *prm,
			struct smtj_err *err)
{
	struct smtj_entropy_params def;
	struct ent_input in = { .prm = prm };
	uint8_t map[256] = { 0 }, seen[256] = { 0 }, *sym = NULL, *bit = NULL;
	unsigned int k = 0;
	int ret;

	memset(a, 0, sizeof(*a));
	if (!prm) {
		smtj_entropy_default_params(&def);
		in.prm = &def;
	}
	if ((ret = check_params(in.prm, err)))
		return ret;
	if (bits < 1 || bits > 8)
		return smtj_seterr(err, -EINVAL, "entropy: %u bits per symbol, must be 1..8",
				   bits);
	if (!n)
		return smtj_seterr(err, -EINVAL, "entropy: no samples");
	for (size_t i = 0; i < n; i++) {
		if (s[i] >> bits)
			return smtj_seterr(err, -EINVAL,
					   "entropy: offset %zu: symbol %u is wider than %u bits",
					   i, s[i], bits);
		seen[s[i]] = 1;
	}
	/* the values onto 0..k-1, in order */
	for (unsigned int x = 0; x < 256; x++)
		if (seen[x])
			map[x] = (uint8_t)k++;
	a->n = n;
	a->k = k;
	a->binary = k <= 2;
	a->width = a->binary ? 1 : bits;
	sym = malloc(n);
	if (!sym)
		return smtj_seterr(err, -ENOMEM, "entropy: out of memory");
	for (size_t i = 0; i < n; i++)
		sym[i] = map[s[i]];
	in.s = sym;
	in.n = n;
	scan(&in);
	if (a->binary) {
		ret = run_all(&in, 1, a->original, &a->h_bitstring, "bits", err);
		memcpy(a->bitstring, a->original, sizeof(a->original));
		a->h_original = a->h = a->h_bitstring;
		goto out;
	}
	ret = run_all(&in, 0, a->original, &a->h_original, "symbols", err);
	if (ret)
		goto out;
	if (n > SIZE_MAX / a->width) {
		ret = smtj_seterr(err, -EINVAL, "entropy: %zu samples are too many", n);
		goto out;
	}
	bit = malloc(n * a->width);
	if (!bit) {
		ret = smtj_seterr(err, -ENOMEM, "entropy: out of memory for the bitstring");
		goto out;
	}
	/* the samples as they are, each in its declared width (3.1.3) */
	for (size_t i = 0; i < n; i++)
		for (unsigned int j = 0; j < a->width; j++)
			bit[i * a->width + j] = s[i] >> (a->width - 1 - j) & 1;
	in.s = bit;
	in.n = n * a->width;
	scan(&in);
	ret = run_all(&in, 1, a->bitstring, &a->h_bitstring, "bitstring", err);
	if (!ret)
		a->h = fmin(a->h_original, a->width * a->h_bitstring);
out:
	free(sym);
	free(bit);
	return ret;
}
