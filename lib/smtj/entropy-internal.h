/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Shared parts of the SP 800-90B estimators (entropy_*.c): every
 * estimator takes symbols already checked by entropy.c, with k the number
 * of distinct values, and fills a struct smtj_entropy_est.
 */
#ifndef SMTJ_ENTROPY_INTERNAL_H
#define SMTJ_ENTROPY_INTERNAL_H

#include <stddef.h>
#include <stdint.h>
#include "smtj-internal.h"

/* The standard's 99 % one-sided normal quantile. */
#define ENT_Z 2.576

struct ent_input {
	const uint8_t *s;
	size_t n;
	unsigned int k;		/* distinct values */
	unsigned int maxsym;	/* largest value */
	const struct smtj_entropy_params *prm;
};

/* min(1, p + 2.576 sqrt(p (1 - p) / (n - 1))), the bound of 6.3.1 and
 * 6.3.5/6.3.6. */
double ent_upper(double p, size_t n);

/* The record of a predictor: correct predictions and their runs. */
struct ent_score {
	uint64_t correct, run, longest;
};

static inline void ent_score_add(struct ent_score *s, int hit)
{
	if (!hit) {
		s->run = 0;
		return;
	}
	s->correct++;
	if (++s->run > s->longest)
		s->longest = s->run;
}

/* Finish a predictor (6.3.7-6.3.10 steps "global" and "local"): from C,
 * N and the longest run of correct predictions, fill p_global,
 * p_global_upper, p_local, p and h = -log2(max(., ., 1/k)). */
void ent_predict_finish(struct smtj_entropy_est *e, const struct ent_score *s,
			uint64_t trials, unsigned int k);

/* Counts of repeated tuples for 6.3.5 and 6.3.6, from a suffix array:
 * for W = 1..vmax, q[W] = occurrences of the most common W-tuple and
 * pairs[W] = sum over distinct W-tuples of C(count, 2).  vmax is the
 * length of the longest repeated substring (0: none). */
struct ent_tuples {
	size_t vmax;
	uint64_t *q;		/* [vmax + 2] */
	uint64_t *pairs;	/* [vmax + 2] */
};
int ent_tuples_count(struct ent_tuples *t, const uint8_t *s, size_t n,
		     struct smtj_err *err);
void ent_tuples_free(struct ent_tuples *t);

/* Context dictionaries of MultiMMC and LZ78Y: a context is up to 16
 * symbols; each holds counts of the symbols that followed it and keeps
 * the most frequent (the largest value among equals). */
struct ent_ctx {
	uint64_t key[2];	/* symbols, packed */
	uint32_t len;		/* 1..16 */
	uint32_t best_y;
	uint64_t best_count;
};
struct ent_dict;
/* @binary: the symbols are 0 and 1 and contexts at most 16 long. */
int ent_dict_create(struct ent_dict **out, int binary, struct smtj_err *err);
void ent_dict_destroy(struct ent_dict *d);
/* Index of the context s[0..len-1], or -1. */
int64_t ent_dict_find(const struct ent_dict *d, const uint8_t *s,
		      unsigned int len);
/* Add the context (it must be absent); its index, or -ENOMEM. */
int64_t ent_dict_add(struct ent_dict *d, const uint8_t *s, unsigned int len,
		     struct smtj_err *err);
/* Count one more @y after context @ctx. */
int ent_dict_count(struct ent_dict *d, int64_t ctx, uint8_t y,
		   struct smtj_err *err);
const struct ent_ctx *ent_dict_ctx(const struct ent_dict *d, int64_t ctx);

/*
 * The section 6.3 estimators on the symbols alone: @e filled, 0 or a
 * negative errno with @err set.
 */
typedef int ent_estimator_fn(const struct ent_input *in,
			     struct smtj_entropy_est *e, struct smtj_err *err);
ent_estimator_fn ent_mcv, ent_collision, ent_markov, ent_compression,
	ent_multi_mcw, ent_lag, ent_multi_mmc, ent_lz78y;

/* t-tuple and LRS share the counts of repeated tuples @t. */
int ent_tuple(const struct ent_input *in, const struct ent_tuples *t,
	      struct smtj_entropy_est *e, struct smtj_err *err);
int ent_lrs(const struct ent_input *in, const struct ent_tuples *t,
	    struct smtj_entropy_est *e, struct smtj_err *err);

#endif /* SMTJ_ENTROPY_INTERNAL_H */
