// SPDX-License-Identifier: GPL-2.0-only OR LGPL-2.1-or-later
/*
 * hwrng extraction pipeline (see smtj_extract.h).
 *
 * Per ADC code:
 *  1. Digitise.  One junction: two clusters tracked online (exponential
 *     moving averages of the codes on either side of their midpoint); the
 *     state is which side of the midpoint the code lies.  Several
 *     junctions: the nearest entry of the level table gives the array
 *     state, bit j of which is junction j.  A code at an ADC rail, or any
 *     code while the levels are not resolved (smallest gap between levels
 *     below resolve_ratio times the mean absolute residual), digitises as
 *     state 0 for every junction: a stuck symbol that the repetition count
 *     test catches.
 *  2. Measure each junction's mean dwell (samples per state change) over
 *     blocks of SMTJ_EXTRACT_DWELL_BLOCK codes and decimate by
 *     D = max(decim_min, ceil(dwell_mult * dwell)).  A junction that needs
 *     D > decim_max (or never changed state in the block) is too slow to
 *     decorrelate: it is forced to the stuck symbol as well, decimated by
 *     decim_min so that the repetition count test trips quickly.
 *  3. Every D-th state of each junction goes through the SP 800-90B
 *     health tests of that junction.
 *  4. Peres (SMTJ_COND_PERES): while every junction is healthy, blocks of
 *     block_bits decimated bits of one junction go through Peres' iterated
 *     von Neumann extractor and the output bits are packed into bytes,
 *     most significant bit first.
 *     SHA-256 (SMTJ_COND_SHA256): while every junction is healthy, every
 *     digitised array state (not only the decimated ones: the health tests
 *     on those watch the source, the hash takes all it gives) is packed,
 *     nr_junctions bits per state, into the input of SHA-256.  Each state
 *     digitised from a resolved, in-range code counts min_entropy
 *     milli-bits; when the count reaches 256 + 64 bits the digest is 32
 *     output bytes, full entropy by SP 800-90B 3.1.5.1.1.
 *     Any failure, and any state taken while a junction is not healthy,
 *     discards all pending bits, hash input and bytes.
 *  5. Every digitised array state also feeds the online min-entropy
 *     estimate (smtj_entropy_online.c); with an assessment (min_entropy),
 *     its bound below the assessment is a failure like a health test's.
 */
#ifdef __KERNEL__
#include <linux/errno.h>
#include <linux/string.h>
#else
#include <errno.h>
#include <string.h>
#endif

#include "smtj_extract.h"

#define SMTJ_EXTRACT_MEAN_SHIFT	6	/* cluster means: ~64 codes */
#define SMTJ_EXTRACT_MAD_SHIFT	8	/* residual: ~256 codes */

void smtj_extract_default_config(struct smtj_extract_config *cfg)
{
	memset(cfg, 0, sizeof(*cfg));
	cfg->nr_junctions = 1;
	cfg->code_max = (1U << 14) - 1;
	cfg->dwell_mult = 4;
	cfg->decim_min = 8;
	cfg->decim_max = 512;
	cfg->block_bits = SMTJ_EXTRACT_BLOCK_MAX;
	cfg->peres_depth = SMTJ_EXTRACT_DEPTH_MAX;
	cfg->resolve_ratio = 6;
	cfg->conditioner = SMTJ_COND_PERES;
	smtj_health_default_config(&cfg->health);
}

/**
 * smtj_extract_check() - whether smtj_extract_init() would accept @cfg
 * @cfg: the configuration
 *
 * Every field in range, the health tests' configuration usable and, for
 * several junctions, no two states on one level.  The one check for every
 * setter of a device that the extractor decodes (SET_SIM, device tree):
 * they call it before anything changes.
 *
 * Return: 0 or -EINVAL.
 */
int smtj_extract_check(const struct smtj_extract_config *cfg)
{
	u32 n, i, k, rct, apt;

	if (cfg->nr_junctions < 1 ||
	    cfg->nr_junctions > SMTJ_EXTRACT_MAX_JUNCTIONS)
		return -EINVAL;
	if (cfg->code_max < 2 || cfg->code_max > 0xffff)
		return -EINVAL;
	if (cfg->dwell_mult < 1 || cfg->dwell_mult > 64)
		return -EINVAL;
	if (cfg->decim_min < 1 || cfg->decim_max < cfg->decim_min ||
	    cfg->decim_max > 65536)
		return -EINVAL;
	if (cfg->block_bits < 2 || cfg->block_bits > SMTJ_EXTRACT_BLOCK_MAX ||
	    (cfg->block_bits & 1))
		return -EINVAL;
	if (cfg->peres_depth < 1 || cfg->peres_depth > SMTJ_EXTRACT_DEPTH_MAX)
		return -EINVAL;
	if (cfg->resolve_ratio < 1 || cfg->resolve_ratio > 64)
		return -EINVAL;
	if (cfg->conditioner > SMTJ_COND_SHA256 ||
	    cfg->min_entropy > 1000 * cfg->nr_junctions ||
	    (cfg->conditioner == SMTJ_COND_SHA256 && !cfg->min_entropy))
		return -EINVAL;
	if (cfg->health.alphabet != 2 ||
	    smtj_health_cutoffs(&cfg->health, &rct, &apt))
		return -EINVAL;
	n = 1U << cfg->nr_junctions;
	for (i = 0; i < SMTJ_EXTRACT_MAX_LEVELS; i++) {
		if (cfg->nr_junctions == 1 || i >= n ? cfg->level[i] != 0 :
						       cfg->level[i] > cfg->code_max)
			return -EINVAL;
	}
	/* the decoder must tell every state from every other */
	for (i = 0; cfg->nr_junctions > 1 && i < n; i++)
		for (k = i + 1; k < n; k++)
			if (cfg->level[i] == cfg->level[k])
				return -EINVAL;
	return 0;
}

static int smtj_levels_fail(struct smtj_levels_error *err, u32 fault, u32 a,
			    u32 b)
{
	memset(err, 0, sizeof(*err));
	err->fault = fault;
	err->a = a;
	err->b = b;
	return -EINVAL;
}

/**
 * smtj_extract_levels_order() - check the order of a board's level table
 * @uv: the voltage of each of the 2^@nr_junctions array states in
 *	microvolts, in state order (bit j set: junction j in its
 *	high-resistance state)
 * @nr_junctions: 1 .. SMTJ_EXTRACT_MAX_JUNCTIONS
 * @err: where the table is wrong, on failure
 *
 * In series, a junction that goes to its high-resistance state adds to the
 * array's resistance whatever the others do, so the voltage of a divider
 * around the array moves the same way for every junction and from every
 * state: up when the array is the divider's lower arm, down when it is the
 * upper one.  The way is that from state 0 to state 1; every step from a
 * state s to s | 1 << j must go that way too, and none may be zero.
 *
 * Return: 0, or -EINVAL with @err filled in (SMTJ_LEVELS_ORDER, states a
 * and b of the first step at fault; fault 0 for a bad @nr_junctions).
 */
int smtj_extract_levels_order(const u32 *uv, u32 nr_junctions,
			      struct smtj_levels_error *err)
{
	u32 n = 1U << nr_junctions, s, j;
	int up;

	if (nr_junctions < 1 || nr_junctions > SMTJ_EXTRACT_MAX_JUNCTIONS)
		return smtj_levels_fail(err, 0, 0, 0);
	up = uv[1] > uv[0];
	for (s = 0; s < n; s++) {
		for (j = 0; j < nr_junctions; j++) {
			u32 t = s | 1U << j;

			if (t == s || (up ? uv[t] > uv[s] : uv[t] < uv[s]))
				continue;
			return smtj_levels_fail(err, SMTJ_LEVELS_ORDER, s, t);
		}
	}
	return 0;
}

/* round(uv / scale) - offset: at most 2^32 * 10^9 / 1, no overflow */
static s64 smtj_levels_code(u32 uv, const struct smtj_levels_adc *adc)
{
	u64 fv = (u64)uv * 1000000000ULL;

	return (s64)((fv + adc->scale_fv / 2) / adc->scale_fv) - adc->offset;
}

/**
 * smtj_extract_levels_codes() - a board's level table in ADC codes
 * @uv: the voltage of each array state in microvolts, in state order
 * @nr_junctions: 1 .. SMTJ_EXTRACT_MAX_JUNCTIONS
 * @adc: the channel that reads the array
 * @code: on success, the code of each of the 2^@nr_junctions states as the
 *	channel's samples carry it (two's complement for a signed channel)
 * @err: where the table is wrong, on failure
 *
 * The code of a state is round(uv / scale) - offset.  It must lie strictly
 * between the ADC's rails (a code at a rail is a fault to the extractor:
 * saturation, an input pulled to a rail), and no two states may share a
 * code: the decoder could not tell them apart (n identical junctions in
 * series give only n + 1 levels).
 *
 * Return: 0, or -EINVAL with @err filled in (SMTJ_LEVELS_RANGE for the
 * first state out of range, SMTJ_LEVELS_SAME for the first pair sharing a
 * code; fault 0 for a bad @nr_junctions or @adc).
 */
int smtj_extract_levels_codes(const u32 *uv, u32 nr_junctions,
			      const struct smtj_levels_adc *adc, u16 *code,
			      struct smtj_levels_error *err)
{
	u32 n = 1U << nr_junctions, s, t;
	s32 lo, hi;

	if (nr_junctions < 1 || nr_junctions > SMTJ_EXTRACT_MAX_JUNCTIONS ||
	    !adc->scale_fv || adc->bits < 1 || adc->bits > 16)
		return smtj_levels_fail(err, 0, 0, 0);
	lo = adc->is_signed ? -(1 << (adc->bits - 1)) : 0;
	hi = adc->is_signed ? (1 << (adc->bits - 1)) - 1 : (1 << adc->bits) - 1;
	for (s = 0; s < n; s++) {
		s64 c = smtj_levels_code(uv[s], adc);

		if (c <= lo || c >= hi) {
			smtj_levels_fail(err, SMTJ_LEVELS_RANGE, s, s);
			err->code = c;
			err->lo = lo;
			err->hi = hi;
			return -EINVAL;
		}
		code[s] = (u16)c;
	}
	/* in range, so equal codes are equal u16 */
	for (s = 0; s < n; s++) {
		for (t = s + 1; t < n; t++) {
			if (code[s] != code[t])
				continue;
			smtj_levels_fail(err, SMTJ_LEVELS_SAME, s, t);
			err->code = smtj_levels_code(uv[s], adc);
			err->lo = lo;
			err->hi = hi;
			return -EINVAL;
		}
	}
	return 0;
}

/* Sort the level table (distinct: smtj_extract_check()). */
static void smtj_extract_table(struct smtj_extract *x)
{
	u32 n = 1U << x->cfg.nr_junctions, i, k, gap = 0xffff;

	for (i = 0; i < n; i++) {
		u16 c = x->cfg.level[i];

		for (k = i; k > 0 && x->sorted_code[k - 1] > c; k--) {
			x->sorted_code[k] = x->sorted_code[k - 1];
			x->sorted_state[k] = x->sorted_state[k - 1];
		}
		x->sorted_code[k] = c;
		x->sorted_state[k] = (u8)i;
	}
	for (i = 1; i < n; i++) {
		u32 d = x->sorted_code[i] - x->sorted_code[i - 1];

		if (d < gap)
			gap = d;
	}
	x->nr_levels = n;
	x->gap_q8 = gap << 8;
}

/*
 * Everything is checked before @x is touched: a configuration that fails
 * leaves @x as it was, never half set up.
 */
int smtj_extract_init(struct smtj_extract *x,
		      const struct smtj_extract_config *cfg)
{
	u32 j;
	int ret;

	ret = smtj_extract_check(cfg);
	if (ret)
		return ret;
	memset(x, 0, sizeof(*x));
	x->cfg = *cfg;
	if (cfg->nr_junctions > 1)
		smtj_extract_table(x);
	for (j = 0; j < cfg->nr_junctions; j++)
		smtj_health_init(&x->j[j].health, &cfg->health);
	smtj_online_init(&x->online, cfg->nr_junctions);
	x->stats.online_trip_index = ~0ULL;
	sha256_init(&x->sha);
	return 0;
}

/* Worst state over the junctions: permanent > intermittent > startup > ok */
u32 smtj_extract_state(const struct smtj_extract *x)
{
	static const u8 rank[] = {
		[SMTJ_HEALTH_OK] = 0, [SMTJ_HEALTH_STARTUP] = 1,
		[SMTJ_HEALTH_FAIL] = 2, [SMTJ_HEALTH_PERMANENT] = 3,
	};
	u32 j, s = SMTJ_HEALTH_OK;

	for (j = 0; j < x->cfg.nr_junctions; j++)
		if (rank[x->j[j].health.state] > rank[s])
			s = x->j[j].health.state;
	return s;
}

/* SHA-256: forget what was hashed since the last output. */
static void smtj_extract_sha_restart(struct smtj_extract *x)
{
	if (!x->nr_hashed && !x->sym_bits && !x->sym_len)
		return;
	sha256_init(&x->sha);
	x->credit_mb = 0;
	x->nr_hashed = 0;
	x->sym_pack = 0;
	x->sym_bits = 0;
	x->sym_len = 0;
}

/* Drop every conditioned bit not yet read: a health test failed. */
static void smtj_extract_discard(struct smtj_extract *x)
{
	u32 j;

	smtj_extract_sha_restart(x);
	for (j = 0; j < x->cfg.nr_junctions; j++)
		x->j[j].nbits = 0;
	x->stats.discarded_bits += 8ULL * x->out_len + x->pack_bits;
	x->out_len = 0;
	x->pack_bits = 0;
	x->pack = 0;
}

/*
 * Back to start-up on every junction (the way out of a permanent failure):
 * the dwell is measured afresh before any bit is tested again.
 */
void smtj_extract_reset(struct smtj_extract *x)
{
	u32 j;

	smtj_extract_discard(x);
	smtj_online_init(&x->online, x->cfg.nr_junctions);
	x->block_pos = 0;
	x->started = 0;
	for (j = 0; j < x->cfg.nr_junctions; j++) {
		struct smtj_extract_junction *jn = &x->j[j];

		smtj_health_reset(&jn->health);
		jn->transitions = 0;
		jn->decim = 0;
		jn->slow = 0;
	}
}

/*
 * Peres' iterated von Neumann extractor, Psi(x) = VN(x) . Psi(u) . Psi(v),
 * where for the pairs (a, b) of x: VN(x) is a of every pair with a != b,
 * u is a ^ b of every pair and v is a of every pair with a == b.
 * arena[0..n) holds the input bits, one per byte, and arena has room for
 * 2n bytes; out receives at most n bits.  Recursion is replaced by a stack
 * of pending sequences kept in arena in increasing offset order; depth 1
 * is plain von Neumann.  Returns the number of output bits.
 */
u32 smtj_peres(u8 *arena, u32 n, u32 depth, u8 *out)
{
	struct {
		u16 off, len, depth;
	} stk[SMTJ_EXTRACT_DEPTH_MAX + 2];
	u32 sp = 0, nout = 0;

	if (n < 2)
		return 0;
	stk[sp].off = 0;
	stk[sp].len = (u16)n;
	stk[sp++].depth = 1;
	while (sp) {
		u32 off, len, d, half, nv = 0, i;
		u8 *s, *u, *v;

		sp--;
		off = stk[sp].off;
		len = stk[sp].len;
		d = stk[sp].depth;
		half = len / 2;
		s = arena + off;
		u = s + len;
		v = u + half;

		for (i = 0; i < half; i++) {
			u8 a = s[2 * i], b = s[2 * i + 1];

			if (a != b)
				out[nout++] = a;
			else
				v[nv++] = a;
			u[i] = a ^ b;
		}
		if (d >= depth)
			continue;
		/* children: v at off, u above it (processed first) */
		memcpy(s, v, nv);
		memcpy(s + nv, u, half);
		if (nv >= 2) {
			stk[sp].off = (u16)off;
			stk[sp].len = (u16)nv;
			stk[sp++].depth = (u16)(d + 1);
		}
		if (half >= 2) {
			stk[sp].off = (u16)(off + nv);
			stk[sp].len = (u16)half;
			stk[sp++].depth = (u16)(d + 1);
		}
	}
	return nout;
}

static void smtj_extract_put_byte(struct smtj_extract *x, u8 byte)
{
	if (x->out_len == SMTJ_EXTRACT_OUT_BYTES) {
		x->stats.overrun_bytes++;
		return;
	}
	x->out[(x->out_head + x->out_len) % SMTJ_EXTRACT_OUT_BYTES] = byte;
	x->out_len++;
}

/* A full block of decimated bits of junction @jn: condition and pack it. */
static void smtj_extract_block(struct smtj_extract *x,
			       struct smtj_extract_junction *jn)
{
	u32 i, n;

	jn->nbits = 0;
	if (smtj_extract_state(x) != SMTJ_HEALTH_OK)
		return;
	memcpy(x->arena, jn->block, x->cfg.block_bits);
	n = smtj_peres(x->arena, x->cfg.block_bits, x->cfg.peres_depth,
		       x->peres_out);
	x->stats.out_bits += n;
	for (i = 0; i < n; i++) {
		x->pack = (x->pack << 1) | x->peres_out[i];
		if (++x->pack_bits == 8) {
			smtj_extract_put_byte(x, (u8)x->pack);
			x->pack = 0;
			x->pack_bits = 0;
		}
	}
}

static void smtj_extract_sha_bytes(struct smtj_extract *x)
{
	sha256_update(&x->sha, x->sym_buf, x->sym_len);
	x->sym_len = 0;
}

/*
 * SHA-256: one digitised array state; @credit: it was digitised from a
 * resolved, in-range code (a stuck state counts nothing).
 */
static void smtj_extract_sha_state(struct smtj_extract *x, u32 state,
				   bool credit)
{
	u32 nj = x->cfg.nr_junctions, i;
	u8 digest[SHA256_DIGEST_SIZE];

	x->sym_pack = (x->sym_pack << nj | state) & 0xffff;
	x->sym_bits += nj;
	if (x->sym_bits >= 8) {
		x->sym_bits -= 8;
		x->sym_buf[x->sym_len++] = (u8)(x->sym_pack >> x->sym_bits);
		if (x->sym_len == SHA256_BLOCK_SIZE)
			smtj_extract_sha_bytes(x);
	}
	x->nr_hashed++;
	if (credit)
		x->credit_mb += x->cfg.min_entropy;
	if (x->credit_mb < SMTJ_EXTRACT_SHA_CREDIT_MB)
		return;
	/* the states of a partial byte belong to this output, left-aligned */
	if (x->sym_bits)
		x->sym_buf[x->sym_len++] =
			(u8)(x->sym_pack << (8 - x->sym_bits));
	smtj_extract_sha_bytes(x);
	sha256_final(&x->sha, digest);
	for (i = 0; i < SHA256_DIGEST_SIZE; i++)
		smtj_extract_put_byte(x, digest[i]);
	memset(digest, 0, sizeof(digest));
	x->stats.out_bits += 8 * SHA256_DIGEST_SIZE;
	x->stats.hashed += x->nr_hashed;
	x->nr_hashed = 0;
	x->sym_bits = 0;
	x->sym_pack = 0;
	x->credit_mb = 0;
	sha256_init(&x->sha);
}

static void smtj_extract_decimated(struct smtj_extract *x,
				   struct smtj_extract_junction *jn, u32 bit)
{
	u32 ev;

	x->stats.decimated++;
	ev = smtj_health_feed(&jn->health, bit);
	if (ev & (SMTJ_HEALTH_EV_RCT | SMTJ_HEALTH_EV_APT)) {
		smtj_extract_discard(x);
		return;
	}
	if (jn->health.state != SMTJ_HEALTH_OK) {
		jn->nbits = 0;
		return;
	}
	if (x->cfg.conditioner != SMTJ_COND_PERES)
		return;
	jn->block[jn->nbits++] = (u8)bit;
	if (jn->nbits == x->cfg.block_bits)
		smtj_extract_block(x, jn);
}

/* End of a dwell block: new decimation factor from the mean dwell. */
static void smtj_extract_dwell(struct smtj_extract *x,
			       struct smtj_extract_junction *jn)
{
	const struct smtj_extract_config *cfg = &x->cfg;
	u32 t = jn->transitions, d, need;

	jn->transitions = 0;
	jn->dwell_q8 = t ? (SMTJ_EXTRACT_DWELL_BLOCK << 8) / t : 0;
	/* one junction, no change of state: let the clusters start afresh */
	if (!t && cfg->nr_junctions == 1)
		x->started = 0;
	/* ceil(dwell_mult * BLOCK / t); no transition: infinitely slow */
	need = t ? (cfg->dwell_mult * SMTJ_EXTRACT_DWELL_BLOCK + t - 1) / t :
		   cfg->decim_max + 1;
	if (need > cfg->decim_max) {
		/* forced to the stuck symbol: trip as soon as possible */
		jn->slow = 1;
		x->stats.slow_blocks++;
		d = cfg->decim_min;
	} else {
		jn->slow = 0;
		d = need < cfg->decim_min ? cfg->decim_min : need;
	}
	if (!jn->decim || jn->phase > d)
		jn->phase = d;
	jn->decim = d;
}

/*
 * A new estimate of the window that ends at device index @index: with an
 * assessment, its upper bound below the assessed min-entropy is a failure
 * of the source, booked on junction 0 (the array's state is the worst of
 * its junctions'), like a failed health test.  The next verdict needs a
 * window of states all taken after this one, as the health tests restart
 * after a failure.
 */
static void smtj_extract_online(struct smtj_extract *x, u64 index)
{
	const struct smtj_online_result *r = &x->online.res;

	if (!x->cfg.min_entropy || !smtj_online_fresh(&x->online))
		return;
	if ((u64)r->h_hi * 1000 >= (u64)x->cfg.min_entropy * SMTJ_ONLINE_H_ONE)
		return;
	smtj_online_restart_evidence(&x->online);
	x->stats.online_failures++;
	x->stats.online_trip_index = index;
	smtj_health_fail_external(&x->j[0].health);
	smtj_extract_discard(x);
}

/*
 * Digitised array state of one code, or 0 (stuck) when unresolved; *ok:
 * the code was in range and the levels resolved.
 */
static u32 smtj_extract_digitise(struct smtj_extract *x, u16 code, bool *ok)
{
	s32 c = (s32)code << 8, r;
	u32 state, gap, rail = code == 0 || code >= x->cfg.code_max;

	if (x->cfg.nr_junctions == 1) {
		s32 *m = x->mean_q8;

		if (!x->started) {
			m[0] = c;
			m[1] = c;
			x->started = 1;
		}
		state = 2 * (s64)c >= (s64)m[0] + m[1];
		if (!rail)
			m[state] += (c - m[state]) >> SMTJ_EXTRACT_MEAN_SHIFT;
		r = c - m[state];
		gap = (u32)(m[1] - m[0]);
	} else {
		u32 lo = 0, hi = x->nr_levels - 1;

		/* first level whose upper midpoint lies above the code */
		while (lo < hi) {
			u32 mid = (lo + hi) / 2;

			if (2 * (u32)code < (u32)x->sorted_code[mid] +
					    x->sorted_code[mid + 1])
				hi = mid;
			else
				lo = mid + 1;
		}
		state = x->sorted_state[lo];
		r = c - ((s32)x->sorted_code[lo] << 8);
		gap = x->gap_q8;
	}
	if (!rail)
		x->mad_q8 += ((s32)(r < 0 ? -r : r) - (s32)x->mad_q8) >>
			     SMTJ_EXTRACT_MAD_SHIFT;
	*ok = false;
	if (rail) {
		x->stats.rail++;
		return 0;
	}
	if (gap < 256 || gap < (u64)x->cfg.resolve_ratio * x->mad_q8) {
		x->stats.unresolved++;
		return 0;
	}
	*ok = true;
	return state;
}

/*
 * Samples the extractor did not see (given to other consumers, or lost):
 * no state change is counted across the gap, and the decimation counts
 * the gap as elapsed time, since what decorrelates two decimated bits is
 * the time between them.  An index that goes backwards counts as a gap
 * longer than any decimation.
 */
static void smtj_extract_gap(struct smtj_extract *x, u64 gap)
{
	u32 j;

	x->stats.gaps++;
	x->resync = 1;
	smtj_online_gap(&x->online);
	for (j = 0; j < x->cfg.nr_junctions; j++) {
		struct smtj_extract_junction *jn = &x->j[j];

		jn->phase = gap >= jn->phase ? 1 : jn->phase - (u32)gap;
	}
}

/*
 * Digitise, decimate, test and condition up to @n codes, the first of which
 * has the device's sample index @index.  Stops early when the output buffer
 * could not take another block's conditioned bytes, so that no sample is
 * spent on output that would be dropped; returns the number of codes
 * consumed (read the output, then feed the rest).
 */
size_t smtj_extract_feed(struct smtj_extract *x, const u16 *code, size_t n,
			 u64 index)
{
	u32 nj = x->cfg.nr_junctions, j;
	u32 chunk = x->cfg.conditioner == SMTJ_COND_SHA256 ?
		    SHA256_DIGEST_SIZE : x->cfg.block_bits / 8;
	u32 room = SMTJ_EXTRACT_OUT_BYTES - chunk - 1;
	size_t i;

	if (x->fed && index != x->next_index)
		smtj_extract_gap(x, index - x->next_index);
	x->fed = 1;
	for (i = 0; i < n && x->out_len <= room; i++) {
		bool ok, credit;
		u32 state = smtj_extract_digitise(x, code[i], &ok);

		x->stats.samples++;
		credit = ok;
		for (j = 0; j < nj; j++) {
			struct smtj_extract_junction *jn = &x->j[j];
			u32 bit = (state >> j) & 1;

			credit &= !jn->slow;
			if (bit != jn->sym) {
				jn->transitions += !x->resync;
				jn->sym = bit;
			}
			if (jn->decim && !--jn->phase) {
				jn->phase = jn->decim;
				smtj_extract_decimated(x, jn, jn->slow ? 0 : bit);
			}
		}
		if (smtj_online_add(&x->online, state))
			smtj_extract_online(x, index + i + 1);
		if (x->cfg.conditioner == SMTJ_COND_SHA256) {
			if (smtj_extract_state(x) == SMTJ_HEALTH_OK)
				smtj_extract_sha_state(x, state, credit);
			else
				smtj_extract_sha_restart(x);
		}
		if (++x->block_pos == SMTJ_EXTRACT_DWELL_BLOCK) {
			x->block_pos = 0;
			for (j = 0; j < nj; j++)
				smtj_extract_dwell(x, &x->j[j]);
		}
		x->resync = 0;
	}
	x->next_index = index + i;
	return i;
}

size_t smtj_extract_avail(const struct smtj_extract *x)
{
	return x->out_len;
}

/* Copy up to @len conditioned bytes; none unless every junction is ok. */
size_t smtj_extract_read(struct smtj_extract *x, u8 *buf, size_t len)
{
	size_t done = 0;

	if (smtj_extract_state(x) != SMTJ_HEALTH_OK)
		return 0;
	while (done < len && x->out_len) {
		size_t k = SMTJ_EXTRACT_OUT_BYTES - x->out_head;

		if (k > x->out_len)
			k = x->out_len;
		if (k > len - done)
			k = len - done;
		memcpy(buf + done, x->out + x->out_head, k);
		x->out_head = (x->out_head + k) % SMTJ_EXTRACT_OUT_BYTES;
		x->out_len -= k;
		done += k;
	}
	return done;
}
