/* SPDX-License-Identifier: GPL-2.0-only OR LGPL-2.1-or-later */
/*
 * The simulated junction array: integer-only, compiled into smtj.ko and
 * into libsmtj so that a simulated device and the library's simulator give
 * the same sample stream for the same seed.
 */
#ifndef SMTJ_MODEL_H
#define SMTJ_MODEL_H

#include "smtj_types.h"
#include "smtj_xoshiro.h"
#include <linux/smtj.h>

struct smtj_model {
	u64 rng[SMTJ_XOSHIRO_WORDS];	/* xoshiro256** state */
	u64 index;		/* index of the next sample */
	u32 state;		/* bit j: state of junction j */
	u32 nr_junctions;
	u32 code_max;		/* 2^adc_bits - 1 */
	u32 pattern;		/* SMTJ_SIM_F_PATTERN */
	u32 draws;		/* 64-bit draws per sample */
	u64 sigma_q16;		/* noise std in codes, 16 fraction bits */
	u64 thresh[SMTJ_SIM_MAX_JUNCTIONS][2];	/* leave iff draw < thresh */
	u16 level[SMTJ_SIM_MAX_LEVELS];
};

void smtj_model_default_config(struct smtj_sim_config *cfg);
int smtj_model_validate(const struct smtj_sim_config *cfg);
void smtj_model_init(struct smtj_model *m, const struct smtj_sim_config *cfg);
void smtj_model_fill(struct smtj_model *m, u16 *out, size_t n);
void smtj_model_bias(struct smtj_model *m, const struct smtj_sim_config *cfg,
		     u32 q);
s32 smtj_model_normal_q24(u32 word);

#endif /* SMTJ_MODEL_H */
