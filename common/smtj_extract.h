/* SPDX-License-Identifier: GPL-2.0-only OR LGPL-2.1-or-later */
/*
 * The hwrng extraction pipeline: ADC codes of a junction array in,
 * conditioned bytes out.  Digitise each junction's state, measure its mean
 * dwell online, decimate well beyond it, run the SP 800-90B health tests on
 * the decimated bits, then condition: debias the decimated bits with
 * Peres' iterated von Neumann extractor, or hash every digitised state with
 * SHA-256 until the assessed min-entropy of what was hashed reaches
 * 256 + 64 bits (SP 800-90B 3.1.5.1.1).  Integer only; compiled by smtj.ko
 * and by the host tests.  Documentation/driver-api/smtj-hwrng.rst explains why the
 * output may claim the quality it claims.
 */
#ifndef SMTJ_EXTRACT_H
#define SMTJ_EXTRACT_H

#include "smtj_entropy_online.h"
#include "smtj_health.h"
#include "smtj_sha256.h"

#define SMTJ_EXTRACT_MAX_JUNCTIONS	8
#define SMTJ_EXTRACT_MAX_LEVELS		256	/* 2^MAX_JUNCTIONS */
#define SMTJ_EXTRACT_BLOCK_MAX		256	/* Peres block, decimated bits */
#define SMTJ_EXTRACT_DEPTH_MAX		8	/* Peres recursion depth */
#define SMTJ_EXTRACT_OUT_BYTES		1024	/* conditioned-byte buffer */
#define SMTJ_EXTRACT_DWELL_BLOCK	4096	/* samples per dwell estimate */
/* SHA-256: hash until the input's min-entropy reaches 256 + 64 bits */
#define SMTJ_EXTRACT_SHA_CREDIT_MB	((256U + 64U) * 1000U)

/* What turns the digitised states into output bytes. */
enum smtj_conditioner {
	SMTJ_COND_PERES = 0,	/* decimated bits, Peres; needs no estimate */
	SMTJ_COND_SHA256,	/* every state, SHA-256; needs min_entropy */
};

struct smtj_extract_config {
	u32 nr_junctions;	/* 1 .. SMTJ_EXTRACT_MAX_JUNCTIONS */
	u32 code_max;		/* largest ADC code; 0 and code_max are rails */
	u32 dwell_mult;		/* decimation >= dwell_mult * mean dwell */
	u32 decim_min;		/* smallest decimation factor */
	u32 decim_max;		/* largest; a slower junction is a fault */
	u32 block_bits;		/* Peres block, even, 2 .. BLOCK_MAX */
	u32 peres_depth;	/* 1 (von Neumann) .. DEPTH_MAX */
	u32 resolve_ratio;	/* levels resolved iff gap >= ratio * MAD */
	u32 conditioner;	/* enum smtj_conditioner */
	/*
	 * Assessed min-entropy of one digitised array state in milli-bits,
	 * 0 (none) .. 1000 * nr_junctions; SHA-256 needs one above 0.
	 */
	u32 min_entropy;
	struct smtj_health_config health;	/* per junction, binary */
	/* ADC code of each array state; nr_junctions > 1 only */
	u16 level[SMTJ_EXTRACT_MAX_LEVELS];
};

struct smtj_extract_junction {
	struct smtj_health health;	/* on this junction's decimated bits */
	u32 sym;		/* last digitised state */
	u32 transitions;	/* in the current dwell block */
	u32 dwell_q8;		/* last mean dwell, samples, Q8; 0: none */
	u32 decim;		/* decimation factor; 0 while warming up */
	u32 phase;		/* samples until the next decimated bit */
	u32 slow;		/* dwell too long for decim_max: fault */
	u32 nbits;		/* bits in block */
	u8 block[SMTJ_EXTRACT_BLOCK_MAX];
};

struct smtj_extract_stats {
	u64 samples;		/* ADC codes fed */
	u64 gaps;		/* breaks in the sample index */
	u64 rail;		/* codes at an ADC rail */
	u64 unresolved;		/* codes while the levels were not resolved */
	u64 slow_blocks;	/* dwell blocks with a junction too slow */
	u64 decimated;		/* decimated bits, all junctions */
	u64 out_bits;		/* conditioned bits produced */
	u64 discarded_bits;	/* conditioned bits dropped at a failure */
	u64 overrun_bytes;	/* bytes dropped: output buffer full */
	u64 hashed;		/* SHA-256: samples hashed into output */
	u64 online_failures;	/* online estimate's bound below min_entropy */
	u64 online_trip_index;	/* device index of the last, or ~0 */
};

struct smtj_extract {
	struct smtj_extract_config cfg;
	s32 mean_q8[2];		/* one junction: the two level clusters */
	u32 mad_q8;		/* mean |code - decoded level|, Q8 */
	u32 gap_q8;		/* table: smallest gap between levels, Q8 */
	u32 started;
	u32 fed;		/* next_index is valid */
	u32 resync;		/* a gap precedes this code: no transition */
	u64 next_index;		/* device index expected next */
	u32 block_pos;		/* samples into the dwell block */
	u32 nr_levels;		/* table: sorted levels */
	u16 sorted_code[SMTJ_EXTRACT_MAX_LEVELS];
	u8 sorted_state[SMTJ_EXTRACT_MAX_LEVELS];
	u32 pack, pack_bits;	/* partial output byte */
	u32 out_head, out_len;	/* ring of conditioned bytes */
	u8 out[SMTJ_EXTRACT_OUT_BYTES];
	u8 arena[2 * SMTJ_EXTRACT_BLOCK_MAX];
	u8 peres_out[SMTJ_EXTRACT_BLOCK_MAX];
	struct smtj_extract_junction j[SMTJ_EXTRACT_MAX_JUNCTIONS];
	/* SHA-256 conditioner: the states hashed since the last output */
	struct sha256_state sha;
	u32 credit_mb;		/* their assessed min-entropy, milli-bits */
	u32 nr_hashed;		/* how many */
	u32 sym_pack, sym_bits;	/* states not yet in a whole byte */
	u32 sym_len;		/* bytes in sym_buf */
	u8 sym_buf[SHA256_BLOCK_SIZE];
	/* every digitised state: the online min-entropy estimate */
	struct smtj_online online;
	struct smtj_extract_stats stats;
};

/*
 * A board's level table (the voltage of each array state, from its device
 * tree) against the ADC channel that reads it: smtj_extract_levels_order()
 * and smtj_extract_levels_codes() turn it into the codes of
 * smtj_extract_config.level, or say what is wrong with it.
 */
struct smtj_levels_adc {
	u64 scale_fv;		/* femtovolts per code, > 0 */
	s32 offset;		/* volts = (code + offset) * scale */
	u32 bits;		/* 1 .. 16 */
	u32 is_signed;		/* two's complement codes */
};

enum smtj_levels_fault {
	SMTJ_LEVELS_ORDER = 1,	/* states a, b = a | 1 << j: wrong way or equal */
	SMTJ_LEVELS_RANGE,	/* state a's code is at or beyond a rail */
	SMTJ_LEVELS_SAME,	/* states a and b have one code */
};

struct smtj_levels_error {
	u32 fault;		/* enum smtj_levels_fault */
	u32 a, b;		/* the states at fault */
	s64 code;		/* code of state a */
	s32 lo, hi;		/* the ADC's rails */
};

void smtj_extract_default_config(struct smtj_extract_config *cfg);
int smtj_extract_levels_order(const u32 *uv, u32 nr_junctions,
			      struct smtj_levels_error *err);
int smtj_extract_levels_codes(const u32 *uv, u32 nr_junctions,
			      const struct smtj_levels_adc *adc, u16 *code,
			      struct smtj_levels_error *err);
int smtj_extract_check(const struct smtj_extract_config *cfg);
int smtj_extract_init(struct smtj_extract *x,
		      const struct smtj_extract_config *cfg);
size_t smtj_extract_feed(struct smtj_extract *x, const u16 *code, size_t n,
			 u64 index);
size_t smtj_extract_read(struct smtj_extract *x, u8 *buf, size_t len);
size_t smtj_extract_avail(const struct smtj_extract *x);
u32 smtj_extract_state(const struct smtj_extract *x);
void smtj_extract_reset(struct smtj_extract *x);
u32 smtj_peres(u8 *arena, u32 n, u32 depth, u8 *out);

#endif /* SMTJ_EXTRACT_H */
