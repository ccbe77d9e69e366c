// SPDX-License-Identifier: GPL-2.0-only OR LGPL-2.1-or-later
/*
 * SP 800-90B continuous health tests (see smtj_health.h).
 *
 * Cutoffs, for a claimed min-entropy of H bits per sample and a false-alarm
 * probability alpha = 2^-k:
 *
 *   repetition count test (4.4.1):   C = 1 + ceil(k / H)
 *   adaptive proportion test (4.4.2): C = 1 + CRITBINOM(W, 2^-H, 1 - alpha),
 *     i.e. the smallest c with P(X >= c) <= alpha for X ~ Binomial(W, 2^-H).
 *
 * The binomial tail is summed downwards from X = W at configuration time in
 * a small software floating point (32-bit mantissa, separate exponent), so
 * no floating point is needed in the kernel.
 */
#ifdef __KERNEL__
#include <linux/errno.h>
#include <linux/string.h>
#else
#include <errno.h>
#include <string.h>
#endif

#include "smtj_health.h"

#define SMTJ_HEALTH_DEF_H	(SMTJ_HEALTH_H_ONE / 2)	/* 0.5 bit */
#define SMTJ_HEALTH_DEF_ALPHA	30U
#define SMTJ_HEALTH_DEF_RECOVER	2U
#define SMTJ_HEALTH_DEF_PERM_K	3U
#define SMTJ_HEALTH_DEF_PERM_M	64U
#define SMTJ_HEALTH_RECOVER_MAX	1024U
#define SMTJ_HEALTH_PERM_M_MAX	1048576U

void smtj_health_default_config(struct smtj_health_config *cfg)
{
	memset(cfg, 0, sizeof(*cfg));
	cfg->h_q16 = SMTJ_HEALTH_DEF_H;
	cfg->alpha_log2 = SMTJ_HEALTH_DEF_ALPHA;
	cfg->alphabet = 2;
	cfg->recover_windows = SMTJ_HEALTH_DEF_RECOVER;
	cfg->perm_failures = SMTJ_HEALTH_DEF_PERM_K;
	cfg->perm_windows = SMTJ_HEALTH_DEF_PERM_M;
}

/* m * 2^e with m in [2^31, 2^32), or m == 0 for zero. */
struct smtj_sf {
	u32 m;
	s32 e;
};

static struct smtj_sf smtj_sf_make(u64 m, s32 e)
{
	struct smtj_sf r = { 0, 0 };

	if (!m)
		return r;
	while (m >> 32) {
		m >>= 1;
		e++;
	}
	while (!(m >> 31)) {
		m <<= 1;
		e--;
	}
	r.m = (u32)m;
	r.e = e;
	return r;
}

static struct smtj_sf smtj_sf_mul(struct smtj_sf a, struct smtj_sf b)
{
	return smtj_sf_make((u64)a.m * b.m, a.e + b.e);
}

static struct smtj_sf smtj_sf_div(struct smtj_sf a, struct smtj_sf b)
{
	return smtj_sf_make(div_u64((u64)a.m << 32, b.m), a.e - b.e - 32);
}

static struct smtj_sf smtj_sf_add(struct smtj_sf a, struct smtj_sf b)
{
	struct smtj_sf t;
	u32 d;

	if (!b.m)
		return a;
	if (!a.m)
		return b;
	if (a.e < b.e) {
		t = a;
		a = b;
		b = t;
	}
	d = (u32)(a.e - b.e);
	if (d > 31)
		return a;
	return smtj_sf_make(((u64)a.m << 31) + (((u64)b.m << 31) >> d),
			    a.e - 31);
}

/* <0, 0, >0 as a <, ==, > b (both non-negative). */
static int smtj_sf_cmp(struct smtj_sf a, struct smtj_sf b)
{
	if (!a.m || !b.m)
		return (a.m != 0) - (b.m != 0);
	if (a.e != b.e)
		return a.e < b.e ? -1 : 1;
	return (a.m > b.m) - (a.m < b.m);
}

static struct smtj_sf smtj_sf_pow(struct smtj_sf b, u32 n)
{
	struct smtj_sf r = smtj_sf_make(1, 0);

	while (n) {
		if (n & 1)
			r = smtj_sf_mul(r, b);
		b = smtj_sf_mul(b, b);
		n >>= 1;
	}
	return r;
}

/* round(2^32 * 2^(-2^-i)), i = 1..16 */
static const u32 smtj_exp2_frac[16] = {
	3037000500U, 3611622603U, 3938502376U, 4112874773U,
	4202935003U, 4248701965U, 4271771996U, 4283353945U,
	4289156690U, 4292061010U, 4293513907U, 4294240540U,
	4294603903U, 4294785595U, 4294876445U, 4294921870U,
};

/*
 * p = 2^-H and q = 1 - p for H = h_q16 / 2^16 < 32 bits.  The fraction
 * of H is applied bit by bit with the table above; q is formed exactly
 * from the same fixed-point value, so it keeps its precision when p is
 * close to 1.
 */
static void smtj_health_p(u32 h_q16, struct smtj_sf *p, struct smtj_sf *q)
{
	u32 hint = h_q16 >> 16, i;
	u64 acc = 1ULL << 32;

	for (i = 0; i < 16; i++)
		if (h_q16 & (0x8000U >> i))
			acc = (acc * smtj_exp2_frac[i] + (1ULL << 31)) >> 32;
	*p = smtj_sf_make(acc, -32 - (s32)hint);
	*q = smtj_sf_make((1ULL << (32 + hint)) - acc, -32 - (s32)hint);
}

static int smtj_health_validate(const struct smtj_health_config *cfg)
{
	if (cfg->alphabet < 2 || cfg->alphabet > SMTJ_HEALTH_ALPHABET_MAX)
		return -EINVAL;
	/* 0 < H <= log2(alphabet) <= 8 bits */
	if (!cfg->h_q16 || cfg->h_q16 > 8 * SMTJ_HEALTH_H_ONE)
		return -EINVAL;
	if (cfg->alpha_log2 < SMTJ_HEALTH_ALPHA_MIN ||
	    cfg->alpha_log2 > SMTJ_HEALTH_ALPHA_MAX)
		return -EINVAL;
	if (!cfg->recover_windows ||
	    cfg->recover_windows > SMTJ_HEALTH_RECOVER_MAX)
		return -EINVAL;
	if (!cfg->perm_failures || cfg->perm_failures > SMTJ_HEALTH_PERM_MAX)
		return -EINVAL;
	if (cfg->perm_windows < cfg->perm_failures ||
	    cfg->perm_windows > SMTJ_HEALTH_PERM_M_MAX)
		return -EINVAL;
	return 0;
}

/*
 * Cutoffs of both tests for @cfg; 0, or -EINVAL for a configuration out of
 * range, or one in which the claimed entropy is too small for the adaptive
 * proportion test to be able to trip within its window at all.
 */
int smtj_health_cutoffs(const struct smtj_health_config *cfg,
			u32 *rct_cutoff, u32 *apt_cutoff)
{
	struct smtj_sf p, q, r, pmf, tail, next, sum, alpha;
	u32 w, x;
	int ret;

	ret = smtj_health_validate(cfg);
	if (ret)
		return ret;
	smtj_health_p(cfg->h_q16, &p, &q);
	/* H <= log2(alphabet), i.e. p * alphabet >= 1 */
	if (smtj_sf_cmp(smtj_sf_mul(p, smtj_sf_make(cfg->alphabet, 0)),
			smtj_sf_make(1, 0)) < 0)
		return -EINVAL;

	/* 1 + ceil(k / H) */
	*rct_cutoff = 1 + (u32)div_u64(((u64)cfg->alpha_log2 << 16) +
				       cfg->h_q16 - 1, cfg->h_q16);

	w = cfg->alphabet == 2 ? SMTJ_HEALTH_W_BINARY : SMTJ_HEALTH_W_OTHER;
	alpha = smtj_sf_make(1, -(s32)cfg->alpha_log2);
	pmf = smtj_sf_pow(p, w);		/* P(X = W) */
	if (smtj_sf_cmp(pmf, alpha) > 0)
		return -EINVAL;
	tail = pmf;				/* P(X >= x) */
	r = smtj_sf_div(q, p);
	for (x = w; x > 0; x--) {
		/* P(X = x - 1) = P(X = x) * x / (W - x + 1) * q / p */
		next = smtj_sf_mul(smtj_sf_mul(pmf, smtj_sf_make(x, 0)), r);
		next = smtj_sf_div(next, smtj_sf_make(w - x + 1, 0));
		sum = smtj_sf_add(tail, next);
		if (smtj_sf_cmp(sum, alpha) > 0)
			break;
		tail = sum;
		pmf = next;
	}
	*apt_cutoff = x;
	return 0;
}

int smtj_health_init(struct smtj_health *h,
		     const struct smtj_health_config *cfg)
{
	u32 rct, apt;
	int ret;

	ret = smtj_health_cutoffs(cfg, &rct, &apt);
	if (ret)
		return ret;
	memset(h, 0, sizeof(*h));
	h->cfg = *cfg;
	h->rct_cutoff = rct;
	h->apt_cutoff = apt;
	h->apt_window = cfg->alphabet == 2 ? SMTJ_HEALTH_W_BINARY :
					     SMTJ_HEALTH_W_OTHER;
	h->startup_windows = (SMTJ_HEALTH_STARTUP_SAMPLES + h->apt_window - 1) /
			     h->apt_window;
	if (h->startup_windows < cfg->recover_windows)
		h->startup_windows = cfg->recover_windows;
	h->state = SMTJ_HEALTH_STARTUP;
	return 0;
}

/* Back to start-up (the only way out of a permanent failure); keeps stats. */
void smtj_health_reset(struct smtj_health *h)
{
	h->state = SMTJ_HEALTH_STARTUP;
	h->rct_count = 0;
	h->apt_seen = 0;
	h->good_windows = 0;
	h->nr_fail = 0;
}

/*
 * A test tripped: both tests restart, and the state becomes intermittent
 * failure, or permanent failure when this is the K-th failure within the
 * last M windows' worth of samples.
 */
static u32 smtj_health_fail(struct smtj_health *h)
{
	const struct smtj_health_config *cfg = &h->cfg;
	u64 now = h->stats.samples;
	u32 old = h->state;

	h->rct_count = 0;
	h->apt_seen = 0;
	h->good_windows = 0;
	if (old == SMTJ_HEALTH_PERMANENT)
		return 0;
	if (h->nr_fail == cfg->perm_failures) {
		memmove(&h->fail_window[0], &h->fail_window[1],
			(h->nr_fail - 1) * sizeof(h->fail_window[0]));
		h->nr_fail--;
	}
	h->fail_window[h->nr_fail++] = now;
	if (h->nr_fail == cfg->perm_failures &&
	    now - h->fail_window[0] < (u64)cfg->perm_windows * h->apt_window) {
		h->state = SMTJ_HEALTH_PERMANENT;
		h->stats.permanent++;
	} else if (old != SMTJ_HEALTH_FAIL) {
		h->state = SMTJ_HEALTH_FAIL;
		h->stats.intermittent++;
	}
	return h->state != old ? SMTJ_HEALTH_EV_STATE : 0;
}

/**
 * smtj_health_fail_external() - another test of the source failed
 * @h: the health tests it is booked on
 *
 * The online min-entropy estimate of the hwrng pipeline fell below the
 * claim: the same consequences as a failure of the two tests here
 * (intermittent, or permanent by the K-in-M rule; both tests restart, and
 * recovery is the same N good windows).
 *
 * Return: SMTJ_HEALTH_EV_STATE if the state changed, else 0.
 */
u32 smtj_health_fail_external(struct smtj_health *h)
{
	return smtj_health_fail(h);
}

/* A window completed without failure. */
static u32 smtj_health_good_window(struct smtj_health *h)
{
	h->stats.windows++;
	h->good_windows++;
	if ((h->state == SMTJ_HEALTH_STARTUP &&
	     h->good_windows >= h->startup_windows) ||
	    (h->state == SMTJ_HEALTH_FAIL &&
	     h->good_windows >= h->cfg.recover_windows)) {
		h->state = SMTJ_HEALTH_OK;
		return SMTJ_HEALTH_EV_STATE;
	}
	return 0;
}

/* Test one sample; returns SMTJ_HEALTH_EV_* bits. */
u32 smtj_health_feed(struct smtj_health *h, u32 sample)
{
	u32 ev = 0;

	h->stats.samples++;

	/* 4.4.1: runs of identical samples */
	if (h->rct_count && sample == h->rct_value) {
		h->rct_count++;
		if (h->rct_count > h->stats.rct_max)
			h->stats.rct_max = h->rct_count;
		if (h->rct_count >= h->rct_cutoff) {
			h->stats.rct_failures++;
			ev |= SMTJ_HEALTH_EV_RCT;
		}
	} else {
		h->rct_value = sample;
		h->rct_count = 1;
	}

	/* 4.4.2: occurrences of the window's first sample in the window */
	if (!h->apt_seen) {
		h->apt_value = sample;
		h->apt_count = 1;
	} else if (sample == h->apt_value) {
		h->apt_count++;
		if (h->apt_count > h->stats.apt_max)
			h->stats.apt_max = h->apt_count;
		if (h->apt_count >= h->apt_cutoff) {
			h->stats.apt_failures++;
			ev |= SMTJ_HEALTH_EV_APT;
		}
	}
	h->apt_seen++;

	if (ev)
		return ev | smtj_health_fail(h);
	if (h->apt_seen == h->apt_window) {
		h->apt_seen = 0;
		ev |= smtj_health_good_window(h);
	}
	return ev;
}

const char *smtj_health_state_name(u32 state)
{
	switch (state) {
	case SMTJ_HEALTH_STARTUP:
		return "startup";
	case SMTJ_HEALTH_OK:
		return "ok";
	case SMTJ_HEALTH_FAIL:
		return "intermittent";
	case SMTJ_HEALTH_PERMANENT:
		return "permanent";
	}
	return "unknown";
}
