/* SPDX-License-Identifier: GPL-2.0-only OR LGPL-2.1-or-later */
/*
 * A running estimate of the min-entropy per digitised array state: the
 * SP 800-90B most common value (6.3.1) and Markov (6.3.3) estimates over a
 * sliding window of the states, with upper confidence bounds, in integer
 * arithmetic.  Compiled by smtj.ko (the hwrng pipeline feeds it
 * every state it digitises) and by the host tests.
 * Documentation/driver-api/smtj-hwrng.rst, "Online estimate", explains it.
 */
#ifndef SMTJ_ENTROPY_ONLINE_H
#define SMTJ_ENTROPY_ONLINE_H

#include "smtj_types.h"

/*
 * The window: 16 blocks of 4096 states, sliding by one block.  The width
 * of a bound shrinks as 1/sqrt(window) and the estimate lags a change of
 * the source by about half a window, so the window is as long as the
 * bounds need and no longer.  On the paper's junction (Markov estimate
 * 0.129 bit per state, an assessment of about 0.06) the standard
 * deviation of the Markov estimate is 0.0024 bit at 65536 states, so the
 * bound that decides (6 sigma, below) lies 0.014 bit above the estimate,
 * a fifth of the gap to the claim; at 4096 states it would be 0.056 bit,
 * nearly all of it.  65536 states are a third of a second
 * at 200 kHz, and a verdict comes every 4096 states (20 ms).  Memory: one
 * 16-bit histogram of the 2^n array states per block (8 KiB for 8
 * junctions).
 */
#define SMTJ_ONLINE_BLOCK	4096U
#define SMTJ_ONLINE_BLOCKS	16U
#define SMTJ_ONLINE_WINDOW	(SMTJ_ONLINE_BLOCK * SMTJ_ONLINE_BLOCKS)
#define SMTJ_ONLINE_MAX_BITS	8U
#define SMTJ_ONLINE_MAX_SYMS	256U	/* 2^MAX_BITS */
#define SMTJ_ONLINE_H_ONE	65536U	/* one bit, Q16 */
/* the standard's 99 % quantile, 2.576, in thousandths (6.3.1's p_u) */
#define SMTJ_ONLINE_Z_MILLI	2576U
/*
 * The quantile of the bounds that decide a failure: 6.0, one-sided
 * 2^-30, the false-alarm probability the health tests default to.  A
 * 99 % bound would fail a source that gives exactly its claim in one
 * verdict of a hundred: every half minute at 200 kHz.
 */
#define SMTJ_ONLINE_Z_BOUND_MILLI 6000U

/* Counts of one block of states (the histogram) and of its bitstring. */
struct smtj_online_block {
	u16 hist[SMTJ_ONLINE_MAX_SYMS];	/* states of each value */
	u16 trans[4];		/* bit pairs (a, b) at 2a + b, gaps excluded */
	u16 ones;		/* one bits */
	/* 1 + the pair in trans that links the first bit to the one before */
	u16 link;
};

/*
 * The estimates of a full window, bits per state (Markov: per bit of the
 * bitstring) in Q16.  mcv and markov are the standard's values: 6.3.1
 * with p_u, its 99 % upper bound of the most common value's probability,
 * and 6.3.3 as written (no bound).  The *_hi are upper bounds of the
 * min-entropy (z = SMTJ_ONLINE_Z_BOUND_MILLI in a window): 6.3.1 with the
 * lower bound of that probability, 6.3.3 with the lower bound of every
 * probability in a candidate sequence.
 */
struct smtj_online_result {
	u32 mcv;
	u32 mcv_hi;
	u32 markov;
	u32 markov_hi;
	u32 h;			/* min(mcv, bits * markov): the estimate */
	u32 h_hi;		/* min(mcv_hi, bits * markov_hi): its bound */
};

struct smtj_online {
	u32 bits;		/* bits per state: the junctions, 1..8 */
	u32 prev;		/* last bit of the bitstring */
	u32 linked;		/* prev precedes the next bit, no gap between */
	u32 len;		/* states in cur */
	u32 head;		/* where cur goes in ring when complete */
	u32 full;		/* complete blocks in ring, 0..BLOCKS */
	u32 fresh;		/* blocks completed since the last restart_evidence */
	u32 valid;		/* res holds a full window's estimates */
	u64 windows;		/* results computed */
	struct smtj_online_result res;
	struct smtj_online_block cur;
	struct smtj_online_block ring[SMTJ_ONLINE_BLOCKS];
};

int smtj_online_init(struct smtj_online *o, u32 bits);
bool smtj_online_block_done(struct smtj_online *o);
void smtj_online_estimate(const u32 *hist, u32 nsym, u32 n,
			  const u32 *trans, u32 ones, u32 nbits, u32 bits,
			  u32 z_milli, struct smtj_online_result *r);
u64 smtj_online_log2_q24(u64 x);
u32 smtj_online_isqrt(u64 x);

/* The states that follow were not preceded by the last one: a gap. */
static inline void smtj_online_gap(struct smtj_online *o)
{
	o->linked = 0;
}

/*
 * One state (< 2^bits).  Returns true when it completed a block and a
 * new full-window estimate is in o->res.
 */
static inline bool smtj_online_add(struct smtj_online *o, u32 state)
{
	u32 j, bit;

	if (!o->len)
		o->cur.link = o->linked ?
			      1 + 2 * o->prev + ((state >> (o->bits - 1)) & 1) :
			      0;
	o->cur.hist[state]++;
	for (j = o->bits; j-- > 0;) {
		bit = (state >> j) & 1;
		if (o->linked)
			o->cur.trans[2 * o->prev + bit]++;
		o->cur.ones += bit;
		o->prev = bit;
		o->linked = 1;
	}
	if (++o->len < SMTJ_ONLINE_BLOCK)
		return false;
	return smtj_online_block_done(o);
}

/* From now on only states after this call may count towards a verdict. */
static inline void smtj_online_restart_evidence(struct smtj_online *o)
{
	o->fresh = 0;
}

/* Whether the whole window holds states after the last restart. */
static inline bool smtj_online_fresh(const struct smtj_online *o)
{
	return o->valid && o->fresh >= SMTJ_ONLINE_BLOCKS;
}

#endif /* SMTJ_ENTROPY_ONLINE_H */
