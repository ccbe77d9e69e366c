// SPDX-License-Identifier: GPL-2.0-only OR LGPL-2.1-or-later
/*
 * Simulated sMTJ array (see smtj_model.h).
 *
 * Each junction is a two-state Markov chain; the array state selects an ADC
 * code from the level table; Gaussian observation noise is added and the
 * result is clamped to the ADC range.  Sample k observes state k, then every
 * junction may leave its state.  Random numbers come from xoshiro256**,
 * seeded through splitmix64; each sample consumes ceil(w / 2) 64-bit draws,
 * w = junctions (+1 when noise is on), split into 32-bit words low half
 * first: word j decides junction j, the last word draws the noise.
 */
#ifdef __KERNEL__
#include <linux/errno.h>
#include <linux/string.h>
#else
#include <errno.h>
#include <string.h>
#endif

#include "smtj_model.h"
#include "smtj_model_normal.h"

/*
 * The paper's two-state fit on a 14-bit, 3.3 V ADC
 * (Documentation/noise/junction.rst).
 */
#define SMTJ_DEF_BITS		14
#define SMTJ_DEF_SCALE_FV	201416015625ULL	/* 3.3 V / 2^14 */
#define SMTJ_DEF_RATE		200000U		/* 5 us sampling */
#define SMTJ_DEF_P_LEAVE	80900000U	/* 0.0809 */
#define SMTJ_DEF_LEVEL_LOW	180U		/* 0.0361605 V */
#define SMTJ_DEF_LEVEL_HIGH	238U		/* 0.0480237 V */
#define SMTJ_DEF_SIGMA		4510U		/* 0.00090841466 V */

void smtj_model_default_config(struct smtj_sim_config *cfg)
{
	memset(cfg, 0, sizeof(*cfg));
	cfg->size = sizeof(*cfg);
	cfg->rate_hz = SMTJ_DEF_RATE;
	cfg->nr_junctions = 1;
	cfg->adc_bits = SMTJ_DEF_BITS;
	cfg->noise_sigma = SMTJ_DEF_SIGMA;
	cfg->p_leave[0][0] = SMTJ_DEF_P_LEAVE;
	cfg->p_leave[0][1] = SMTJ_DEF_P_LEAVE;
	cfg->level[0] = SMTJ_DEF_LEVEL_LOW;
	cfg->level[1] = SMTJ_DEF_LEVEL_HIGH;
	cfg->scale_fv = SMTJ_DEF_SCALE_FV;
}

/* Every field of @cfg except size; 0 or -EINVAL. */
int smtj_model_validate(const struct smtj_sim_config *cfg)
{
	u32 j, s, nlev;

	if (cfg->flags & ~SMTJ_SIM_F_ALL)
		return -EINVAL;
	if (cfg->rate_hz < SMTJ_SIM_RATE_MIN || cfg->rate_hz > SMTJ_SIM_RATE_MAX)
		return -EINVAL;
	if (cfg->nr_junctions < 1 || cfg->nr_junctions > SMTJ_SIM_MAX_JUNCTIONS)
		return -EINVAL;
	if (cfg->adc_bits < 8 || cfg->adc_bits > 16)
		return -EINVAL;
	if (cfg->noise_sigma > SMTJ_SIM_SIGMA_MAX)
		return -EINVAL;
	if (cfg->scale_fv == 0)
		return -EINVAL;
	for (j = 0; j < SMTJ_SIM_MAX_JUNCTIONS; j++) {
		for (s = 0; s < 2; s++) {
			if (cfg->p_leave[j][s] > SMTJ_SIM_PROB_ONE)
				return -EINVAL;
			if (j >= cfg->nr_junctions && cfg->p_leave[j][s])
				return -EINVAL;
		}
	}
	nlev = 1U << cfg->nr_junctions;
	for (j = 0; j < SMTJ_SIM_MAX_LEVELS; j++) {
		if (j >= nlev ? cfg->level[j] != 0 :
				(u32)cfg->level[j] >> cfg->adc_bits)
			return -EINVAL;
	}
	for (j = 0; j < ARRAY_SIZE(cfg->reserved); j++)
		if (cfg->reserved[j])
			return -EINVAL;
	return 0;
}

/* |Z| for a standard normal Z from 31 random bits, 24 fraction bits. */
static inline u32 smtj_model_half_normal_q24(u32 u)
{
	u32 i = u >> 21, f = u & 0x1fffffU;

	if (likely(i < 1023))
		return smtj_normal_main[i] +
		       (u32)(((u64)(smtj_normal_main[i + 1] -
				    smtj_normal_main[i]) * f) >> 21);
	i = f >> 11;
	f &= 0x7ffU;
	if (i < 1023)
		return smtj_normal_tail[i] +
		       (u32)(((u64)(smtj_normal_tail[i + 1] -
				    smtj_normal_tail[i]) * f) >> 11);
	return smtj_normal_tail[1023];	/* |z| > 5: mass 2^-20 */
}

/* Standard normal deviate from 32 random bits (bit 31: sign), Q24. */
s32 smtj_model_normal_q24(u32 word)
{
	s32 z = (s32)smtj_model_half_normal_q24(word & 0x7fffffffU);

	return (word >> 31) ? -z : z;
}

void smtj_model_init(struct smtj_model *m, const struct smtj_sim_config *cfg)
{
	u32 j, s, words;

	memset(m, 0, sizeof(*m));
	smtj_xoshiro_seed(m->rng, cfg->seed);
	m->nr_junctions = cfg->nr_junctions;
	m->code_max = (1U << cfg->adc_bits) - 1;
	m->pattern = cfg->flags & SMTJ_SIM_F_PATTERN;
	m->sigma_q16 = ((u64)cfg->noise_sigma << 16) / 1000;
	for (j = 0; j < cfg->nr_junctions; j++)
		for (s = 0; s < 2; s++)
			m->thresh[j][s] = ((u64)cfg->p_leave[j][s] << 32) /
					  SMTJ_SIM_PROB_ONE;
	memcpy(m->level, cfg->level, sizeof(m->level));
	words = cfg->nr_junctions + (m->sigma_q16 ? 1 : 0);
	m->draws = (words + 1) / 2;
	m->state = (u32)smtj_xoshiro_next(m->rng) &
		   ((1U << cfg->nr_junctions) - 1);
}

/* Level plus rounded noise, clamped to the ADC range. */
static inline u16 smtj_model_observe(const struct smtj_model *m, u32 level,
				     u32 word)
{
	s64 neg = -(s64)(word >> 31);
	s64 mag, code;

	if (!m->sigma_q16)
		return (u16)level;
	mag = (s64)(((u64)smtj_model_half_normal_q24(word & 0x7fffffffU) *
		     m->sigma_q16 + (1ULL << 39)) >> 40);
	code = (s64)level + ((mag ^ neg) - neg);
	if (code < 0)
		code = 0;
	else if (code > m->code_max)
		code = m->code_max;
	return (u16)code;
}

/* One junction with noise, the common case: one draw per sample. */
static void smtj_model_fill_one(struct smtj_model *m, u16 *out, size_t n)
{
	u64 rng[SMTJ_XOSHIRO_WORDS];	/* a local copy stays in registers */
	u32 state = m->state;
	size_t i;

	memcpy(rng, m->rng, sizeof(rng));

	for (i = 0; i < n; i++) {
		u64 r = smtj_xoshiro_next(rng);

		out[i] = smtj_model_observe(m, m->level[state], (u32)(r >> 32));
		state ^= (u32)r < m->thresh[0][state];
	}
	memcpy(m->rng, rng, sizeof(rng));
	m->state = state;
}

void smtj_model_fill(struct smtj_model *m, u16 *out, size_t n)
{
	u32 words[SMTJ_SIM_MAX_JUNCTIONS + 2];
	size_t i;
	u32 j, d;

	if (m->pattern) {
		/* A local counter: out may alias m for the compiler (the
		 * kernel builds with -fno-strict-aliasing), m->index may not
		 * be reloaded per sample.
		 */
		u16 k = (u16)m->index;

		for (i = 0; i < n; i++)
			out[i] = k++;
		m->index += n;
		return;
	}
	if (m->nr_junctions == 1 && m->sigma_q16) {
		smtj_model_fill_one(m, out, n);
		m->index += n;
		return;
	}
	for (i = 0; i < n; i++) {
		for (d = 0; d < m->draws; d++) {
			u64 r = smtj_xoshiro_next(m->rng);

			words[2 * d] = (u32)r;
			words[2 * d + 1] = (u32)(r >> 32);
		}
		out[i] = smtj_model_observe(m, m->level[m->state],
					    m->sigma_q16 ?
					    words[m->nr_junctions] : 0);
		for (j = 0; j < m->nr_junctions; j++) {
			u32 s = (m->state >> j) & 1;

			if (words[j] < m->thresh[j][s])
				m->state ^= 1U << j;
		}
	}
	m->index += n;
}

/**
 * smtj_model_bias() - give the junctions of @m a bias
 * @m: a model set up from @cfg
 * @cfg: its configuration
 * @q: the fraction of time each junction is to spend in state 1, in
 *	SMTJ_SIM_PROB_ONE units
 *
 * Each junction keeps its total switching rate s = p_leave[0] + p_leave[1]
 * and leaves state 0 with probability s q, state 1 with s (1 - q), so that
 * it spends the fraction q of the time in state 1 (capped at certainty
 * when s q > 1).  Its state and the random stream are left alone: the
 * bias may change from one sample to the next (the simulator's creeping
 * bias fault).
 */
void smtj_model_bias(struct smtj_model *m, const struct smtj_sim_config *cfg,
		     u32 q)
{
	u32 j;

	if (q > SMTJ_SIM_PROB_ONE)
		q = SMTJ_SIM_PROB_ONE;
	for (j = 0; j < m->nr_junctions; j++) {
		u64 s = (u64)cfg->p_leave[j][0] + cfg->p_leave[j][1];
		u64 p0 = div_u64(s * q, SMTJ_SIM_PROB_ONE);
		u64 p1 = div_u64(s * (SMTJ_SIM_PROB_ONE - q), SMTJ_SIM_PROB_ONE);

		if (p0 > SMTJ_SIM_PROB_ONE)
			p0 = SMTJ_SIM_PROB_ONE;
		if (p1 > SMTJ_SIM_PROB_ONE)
			p1 = SMTJ_SIM_PROB_ONE;
		m->thresh[j][0] = div_u64(p0 << 32, SMTJ_SIM_PROB_ONE);
		m->thresh[j][1] = div_u64(p1 << 32, SMTJ_SIM_PROB_ONE);
	}
}
