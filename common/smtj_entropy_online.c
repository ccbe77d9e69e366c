// SPDX-License-Identifier: GPL-2.0-only OR LGPL-2.1-or-later
/*
 * Online min-entropy estimate (see smtj_entropy_online.h).
 *
 * Every probability is a ratio of counts, a / m, and enters only through
 * its logarithm: log2 p = log2 a - log2 m, each from the fixed-point
 * log2 below (Q24, error below 2^-23).  The bounds of a binomial
 * proportion are those of SP 800-90B 6.3.1,
 *
 *   a / m +- z sqrt((a / m) (1 - a / m) / (m - 1)),
 *
 * (z = 2.576 there) computed as (1024 a +- z s) / (1024 m) with s = floor(sqrt(a (m - a)
 * 2^20 / (m - 1))), the standard deviation of the count in 1/1024ths.
 * The Markov estimate's candidates are the six sequences of 128 bits of
 * 6.3.3; its bound takes for every probability in them its lower bound,
 * so that the most likely candidate is at least that likely, and the
 * min-entropy at most what it gives.  No floating point, no division
 * wider than 64 by 32 bits.
 */
#ifdef __KERNEL__
#include <linux/errno.h>
#include <linux/string.h>
#else
#include <errno.h>
#include <string.h>
#endif

#include "smtj_entropy_online.h"

#define LOG_FRAC	24		/* log2 values: Q24 */
#define SD_SHIFT	10		/* counts and deviations: 1/1024ths */
#define MARKOV_LEN	128		/* 6.3.3: sequences of 128 bits */

int smtj_online_init(struct smtj_online *o, u32 bits)
{
	if (bits < 1 || bits > SMTJ_ONLINE_MAX_BITS)
		return -EINVAL;
	memset(o, 0, sizeof(*o));
	o->bits = bits;
	return 0;
}

/* Floor of the square root. */
u32 smtj_online_isqrt(u64 x)
{
	u64 r = 0, b = 1ULL << 62;

	while (b > x)
		b >>= 2;
	while (b) {
		if (x >= r + b) {
			x -= r + b;
			r = (r >> 1) + b;
		} else {
			r >>= 1;
		}
		b >>= 2;
	}
	return (u32)r;
}

/*
 * log2(x) for x >= 1, Q24: the integer part from the top bit, then one
 * fraction bit per squaring of the mantissa (Q31, in [1, 2)).  Each
 * truncation is a relative error of at most 2^-31 in the mantissa of step
 * i, which is 2^-31 / ln 2 / 2^i in the result: below 2^-29 in all, so
 * the result is within one unit (2^-24) of the truth.
 */
u64 smtj_online_log2_q24(u64 x)
{
	u64 m, r;
	u32 e = 0, s;
	int i;

	for (s = 32; s; s >>= 1) {
		if (x >> (e + s))
			e += s;
	}
	m = e >= 31 ? x >> (e - 31) : x << (31 - e);
	r = (u64)e << LOG_FRAC;
	for (i = LOG_FRAC - 1; i >= 0; i--) {
		m = (m * m) >> 31;
		if (m >= 1ULL << 32) {
			m >>= 1;
			r |= 1ULL << i;
		}
	}
	return r;
}

/*
 * z times the standard deviation of a count a of m (m >= 2), in 1/1024ths
 * of a count: 2.576 sqrt(a (m - a) / (m - 1)).
 */
static u64 smtj_online_zsd(u64 a, u64 m, u32 z_milli)
{
	u64 s = smtj_online_isqrt(div_u64((a * (m - a)) << (2 * SD_SHIFT),
					  (u32)(m - 1)));

	return div_u64(s * z_milli, 1000);
}

/*
 * -log2 of the probability a / m, moved by @dir (+1: its upper bound,
 * -1: its lower bound, 0: as it is) of z = @z_milli / 1000, Q24; U64_MAX for a probability of 0
 * (or a lower bound that reaches 0).  A bound is at most 1.
 */
#define SMTJ_ONLINE_ZERO	(~0ULL)
static u64 smtj_online_nlog2(u64 a, u64 m, int dir, u32 z_milli)
{
	u64 num = a << SD_SHIFT, den = m << SD_SHIFT, d;

	if (!a || !m)
		return SMTJ_ONLINE_ZERO;
	if (dir && m >= 2) {
		d = smtj_online_zsd(a, m, z_milli);
		if (dir > 0)
			num = num + d < den ? num + d : den;
		else if (num > d)
			num -= d;
		else
			return SMTJ_ONLINE_ZERO;
	} else if (dir < 0) {
		return SMTJ_ONLINE_ZERO;	/* one count bounds nothing */
	}
	return smtj_online_log2_q24(den) - smtj_online_log2_q24(num);
}

/* Q24 bits to Q16, rounded. */
static u32 smtj_online_q16(u64 v)
{
	return (u32)((v + (1U << (LOG_FRAC - 17))) >> (LOG_FRAC - 16));
}

/*
 * 6.3.3 on a bitstring: -log2 of the most likely of the six candidate
 * sequences, per bit, Q16, at most one bit.  @dir -1: every probability
 * at its lower bound of z = @z_milli / 1000 (an upper bound of the
 * estimate).
 */
static u32 smtj_online_markov(const u32 *trans, u32 ones, u32 nbits, int dir,
			      u32 z_milli)
{
	/* -log2 p0, p1; t[a][b] = -log2 P(b after a) */
	u64 p[2], t[2][2], best = SMTJ_ONLINE_ZERO;
	/* each candidate: (initial bit, n00, n01, n10, n11) */
	static const u8 cand[6][5] = {
		{ 0, 127, 0, 0, 0 },	/* 0^128 */
		{ 0, 0, 64, 63, 0 },	/* (01)^64 */
		{ 0, 0, 1, 0, 126 },	/* 0 1^127 */
		{ 1, 126, 0, 1, 0 },	/* 1 0^127 */
		{ 1, 0, 63, 64, 0 },	/* (10)^64 */
		{ 1, 0, 0, 0, 127 },	/* 1^128 */
	};
	u32 a, b, i, k;

	p[0] = smtj_online_nlog2(nbits - ones, nbits, dir, z_milli);
	p[1] = smtj_online_nlog2(ones, nbits, dir, z_milli);
	for (a = 0; a < 2; a++)
		for (b = 0; b < 2; b++)
			t[a][b] = smtj_online_nlog2(trans[2 * a + b],
						    trans[2 * a] +
						    trans[2 * a + 1], dir,
						    z_milli);
	for (i = 0; i < 6; i++) {
		u64 sum = p[cand[i][0]];

		if (sum == SMTJ_ONLINE_ZERO)
			continue;
		for (k = 0; k < 4; k++) {
			if (!cand[i][k + 1])
				continue;
			if (t[k >> 1][k & 1] == SMTJ_ONLINE_ZERO) {
				sum = SMTJ_ONLINE_ZERO;
				break;
			}
			sum += cand[i][k + 1] * t[k >> 1][k & 1];
		}
		if (sum < best)
			best = sum;
	}
	/* 128 bits, at most 32 + 10 bits of log each: no overflow */
	if (best == SMTJ_ONLINE_ZERO || best >= (u64)MARKOV_LEN << LOG_FRAC)
		return SMTJ_ONLINE_H_ONE;
	return smtj_online_q16(best / MARKOV_LEN);
}

/**
 * smtj_online_estimate() - the estimates of one window of states
 * @hist: states of each value, @nsym of them
 * @nsym: 2^@bits
 * @n: states, the sum of @hist
 * @trans: pairs of consecutive bits of the bitstring (the states' bits,
 *	most significant first), (a, b) at 2a + b
 * @ones: one bits in the bitstring
 * @nbits: bits in the bitstring, @n * @bits
 * @bits: bits per state, 1..SMTJ_ONLINE_MAX_BITS
 * @z_milli: the normal quantile of the bounds *_hi, in thousandths
 *	(the standard's values mcv and markov are fixed: 2.576 and none)
 * @r: the estimates
 *
 * Exported for the host tests, which compare it with the floating-point
 * estimators of libsmtj on windows of their choosing.
 */
void smtj_online_estimate(const u32 *hist, u32 nsym, u32 n,
			  const u32 *trans, u32 ones, u32 nbits, u32 bits,
			  u32 z_milli, struct smtj_online_result *r)
{
	u32 mode = 0, i, floor_q16 = 0;
	u64 hi;

	memset(r, 0, sizeof(*r));
	if (!n)
		return;
	for (i = 0; i < nsym; i++)
		if (hist[i] > mode)
			mode = hist[i];
	/* 6.3.1: -log2 p_u; its bound -log2 p_l, p_l at least 1 / nsym */
	r->mcv = smtj_online_q16(smtj_online_nlog2(mode, n, 1,
						   SMTJ_ONLINE_Z_MILLI));
	hi = smtj_online_nlog2(mode, n, -1, z_milli);
	floor_q16 = bits * SMTJ_ONLINE_H_ONE;
	r->mcv_hi = hi == SMTJ_ONLINE_ZERO || smtj_online_q16(hi) > floor_q16 ?
		    floor_q16 : smtj_online_q16(hi);
	r->markov = smtj_online_markov(trans, ones, nbits, 0, 0);
	r->markov_hi = smtj_online_markov(trans, ones, nbits, -1, z_milli);
	r->h = r->mcv < bits * r->markov ? r->mcv : bits * r->markov;
	r->h_hi = r->mcv_hi < bits * r->markov_hi ? r->mcv_hi :
		  bits * r->markov_hi;
}

/*
 * The block in cur is complete: into the ring, and when the ring is full
 * the estimates of the window.  Returns true when o->res is new.
 */
bool smtj_online_block_done(struct smtj_online *o)
{
	u32 hist[SMTJ_ONLINE_MAX_SYMS], trans[4] = { 0 }, ones = 0;
	u32 nsym = 1U << o->bits, b, i;

	o->ring[o->head] = o->cur;
	o->head = (o->head + 1) % SMTJ_ONLINE_BLOCKS;
	memset(&o->cur, 0, sizeof(o->cur));
	o->len = 0;
	if (o->full < SMTJ_ONLINE_BLOCKS)
		o->full++;
	if (o->fresh < SMTJ_ONLINE_BLOCKS)
		o->fresh++;
	if (o->full < SMTJ_ONLINE_BLOCKS)
		return false;
	/*
	 * The pair that links the oldest block to the one before the window
	 * is not the window's (the window is a sequence of its own, as the
	 * standard's estimators see it).
	 */
	memset(hist, 0, nsym * sizeof(hist[0]));
	for (b = 0; b < SMTJ_ONLINE_BLOCKS; b++) {
		const struct smtj_online_block *k = &o->ring[b];

		for (i = 0; i < nsym; i++)
			hist[i] += k->hist[i];
		for (i = 0; i < 4; i++)
			trans[i] += k->trans[i];
		ones += k->ones;
	}
	if (o->ring[o->head].link)
		trans[o->ring[o->head].link - 1]--;
	smtj_online_estimate(hist, nsym, SMTJ_ONLINE_WINDOW, trans, ones,
			     SMTJ_ONLINE_WINDOW * o->bits, o->bits,
			     SMTJ_ONLINE_Z_BOUND_MILLI, &o->res);
	o->valid = 1;
	o->windows++;
	return true;
}
