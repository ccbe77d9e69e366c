/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The source and extractor the hwrng host tests share: the simulator's
 * default junction model (the paper's parameters) with a fixed seed, and
 * the extractor with the SHA-256 conditioner credited @min_entropy
 * milli-bits per sample.  The model's configuration stays with the
 * caller: smtj_model_bias() needs it to move the bias mid-run.
 */
#ifndef HWRNG_SOURCE_H
#define HWRNG_SOURCE_H

#include "smtj_extract.h"
#include "smtj_model.h"

static inline void junction_model(struct smtj_model *m,
				  struct smtj_sim_config *mc, u64 seed)
{
	smtj_model_default_config(mc);
	mc->seed = seed;
	smtj_model_init(m, mc);
}

/* 0, or smtj_extract_init()'s error. */
static inline int sha256_extractor(struct smtj_extract *x, u32 min_entropy)
{
	struct smtj_extract_config c;

	smtj_extract_default_config(&c);
	c.conditioner = SMTJ_COND_SHA256;
	c.min_entropy = min_entropy;
	return smtj_extract_init(x, &c);
}

#endif
