// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Host tests of common/smtj_health.c: cutoffs against the formulas of
 * SP 800-90B section 4.4 (computed here in floating point), trips on
 * stuck, biased and slow streams within stated bounds, no false alarm on
 * a good stream, the failure states and the recovery rule.
 */
#include <errno.h>
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "smtj_health.h"
#include "../tap.h"
#include "rnd.h"

static struct tap tap;

/* 1 with probability p */
static unsigned int bern(double p)
{
	return (double)(rnd() >> 11) * 0x1p-53 < p;
}

/* SP 800-90B 4.4.1: 1 + ceil(-log2(alpha) / H) */
static unsigned int ref_rct(double h, unsigned int k)
{
	return 1 + (unsigned int)ceil(k / h);
}

/* lgammal(n + 1) for n <= 1024 (the largest W), computed once: on aarch64
 * long double is binary128 in software, and the grids below would
 * otherwise spend a minute under qemu recomputing the same values. */
static long double lfact(unsigned int n)
{
	static long double t[1025];
	static int filled;

	if (!filled) {
		for (unsigned int i = 0; i <= 1024; i++)
			t[i] = lgammal(i + 1.0L);
		filled = 1;
	}
	return n <= 1024 ? t[n] : lgammal(n + 1.0L);
}

/*
 * SP 800-90B 4.4.2: 1 + CRITBINOM(W, 2^-H, 1 - alpha), the smallest c with
 * P(X >= c) <= alpha for X ~ Binomial(W, 2^-H); the tail is summed in long
 * double from the top, each term from lgamma.  *margin: how close the
 * decision was (relative distance of the nearest tail to alpha).
 */
static unsigned int ref_apt(unsigned int w, double h, unsigned int k,
			    long double *margin)
{
	long double alpha = ldexpl(1.0L, -(int)k), tail = 0, prev;
	long double lp = logl(exp2l(-(long double)h));
	long double lq = log1pl(-exp2l(-(long double)h));
	unsigned int c = w + 1;

	for (;;) {
		unsigned int x = c - 1;

		prev = tail;
		tail += expl(lfact(w) - lfact(x) - lfact(w - x) +
			     x * lp + (w - x) * lq);
		if (tail > alpha || x == 0)
			break;
		c = x;
	}
	*margin = fminl(fabsl(prev - alpha), fabsl(tail - alpha)) / alpha;
	return c;
}

static void cfg_make(struct smtj_health_config *cfg, uint32_t h_q16,
		     uint32_t k, uint32_t alphabet)
{
	smtj_health_default_config(cfg);
	cfg->h_q16 = h_q16;
	cfg->alpha_log2 = k;
	cfg->alphabet = alphabet;
}

/* Every (H, k) of a grid; returns the number of mismatches. */
static int grid(uint32_t alphabet, uint32_t h_step, uint32_t h_max,
		int *checked, int *close)
{
	struct smtj_health_config cfg;
	unsigned int w = alphabet == 2 ? 512 : 1024;
	uint32_t h, k, rct, apt;
	int bad = 0;

	for (h = h_step; h <= h_max; h += h_step) {
		for (k = 20; k <= 40; k++) {
			long double margin;
			double hd = h / 65536.0;
			unsigned int ra;

			cfg_make(&cfg, h, k, alphabet);
			if (smtj_health_cutoffs(&cfg, &rct, &apt)) {
				/* refused only where the APT cannot trip */
				if (pow(exp2(-hd), w) > ldexp(1, -(int)k))
					continue;
				printf("# refused H=%g k=%u A=%u\n", hd, k,
				       alphabet);
				bad++;
				continue;
			}
			ra = ref_apt(w, hd, k, &margin);
			(*checked)++;
			if (rct != ref_rct(hd, k)) {
				printf("# RCT H=%g k=%u: %u, formula %u\n",
				       hd, k, rct, ref_rct(hd, k));
				bad++;
			}
			if (apt != ra) {
				/* fixed point is good to ~1e-6 relative */
				if (margin < 1e-5L) {
					printf("# APT H=%g k=%u A=%u: %u, formula %u, tail within %.2Le of alpha\n",
					       hd, k, alphabet, apt, ra, margin);
					(*close)++;
					continue;
				}
				printf("# APT H=%g k=%u A=%u: %u, formula %u\n",
				       hd, k, alphabet, apt, ra);
				bad++;
			}
		}
	}
	return bad;
}

/* Samples until the first failure event, at most @limit. */
typedef unsigned int (*gen_fn)(void *ctx);

static uint64_t time_to_trip(struct smtj_health *h, gen_fn gen, void *ctx,
			     uint64_t limit, uint32_t *ev_out)
{
	uint64_t i;

	for (i = 1; i <= limit; i++) {
		uint32_t ev = smtj_health_feed(h, gen(ctx));

		if (ev & (SMTJ_HEALTH_EV_RCT | SMTJ_HEALTH_EV_APT)) {
			*ev_out = ev;
			return i;
		}
	}
	return 0;
}

static unsigned int gen_stuck(void *ctx)
{
	(void)ctx;
	return 1;
}

static unsigned int gen_bias(void *ctx)
{
	return bern(*(double *)ctx);
}

/* two-state chain that leaves its state with probability *ctx */
static unsigned int chain_state;

static unsigned int gen_slow(void *ctx)
{
	if (bern(*(double *)ctx))
		chain_state ^= 1;
	return chain_state;
}

static unsigned int gen_good(void *ctx)
{
	(void)ctx;
	return (unsigned int)(rnd() >> 63);
}

int main(void)
{
	struct smtj_health_config cfg;
	struct smtj_health h;
	uint32_t rct, apt, ev = 0;
	int checked = 0, close = 0, bad;
	uint64_t i, worst, t;
	int trials, all;
	double p;

	rnd_state = 0x5eed5eed12345678ULL;
	cfg_make(&cfg, 65536, 30, 2);
	bad = smtj_health_cutoffs(&cfg, &rct, &apt);
	tap_ok(&tap, !bad && rct == 31 && apt == 325,
	       "H=1, alpha=2^-30, W=512: RCT %u, APT %u (jitterentropy's RCT 30 repeats, APT 325)",
	       rct, apt);
	cfg_make(&cfg, 32768, 20, 2);
	bad = smtj_health_cutoffs(&cfg, &rct, &apt);
	tap_ok(&tap, !bad && rct == 41 && apt == 410,
	       "H=0.5, alpha=2^-20, W=512: RCT %u, APT %u (SP 800-90B: 41, 410)",
	       rct, apt);
	cfg_make(&cfg, 32768, 30, 2);
	smtj_health_cutoffs(&cfg, &rct, &apt);
	printf("# default H=0.5 alpha=2^-30: RCT %u APT %u\n", rct, apt);
	cfg_make(&cfg, 32768, 40, 2);
	smtj_health_cutoffs(&cfg, &rct, &apt);
	printf("# H=0.5 alpha=2^-40: RCT %u APT %u\n", rct, apt);

	bad = grid(2, 256, 65536, &checked, &close);
	tap_ok(&tap, !bad, "binary: %d (H, k) pairs, H = 1/256..1 step 1/256, k = 20..40, match SP 800-90B 4.4 (%d exact ties W H = k, where the long-double reference rounds P(X = W) = alpha up)",
	       checked, close);
	checked = 0;
	close = 0;
	bad = grid(4, 1021, 2 * 65536, &checked, &close);
	bad += grid(16, 4093, 4 * 65536, &checked, &close);
	bad += grid(256, 16381, 8 * 65536, &checked, &close);
	bad += grid(3, 5003, 103872, &checked, &close);
	tap_ok(&tap, !bad, "alphabets 3, 4, 16, 256 (W=1024): %d pairs match (%d ties)",
	       checked, close);

	cfg_make(&cfg, 32768, 19, 2);
	bad = smtj_health_init(&h, &cfg) != -EINVAL;
	cfg.alpha_log2 = 41;
	bad += smtj_health_init(&h, &cfg) != -EINVAL;
	cfg_make(&cfg, 0, 30, 2);
	bad += smtj_health_init(&h, &cfg) != -EINVAL;
	cfg_make(&cfg, 65537, 30, 2);	/* H > log2(2) */
	bad += smtj_health_init(&h, &cfg) != -EINVAL;
	cfg_make(&cfg, 3000, 40, 2);	/* 2^-512 H > alpha: APT cannot trip */
	bad += smtj_health_init(&h, &cfg) != -EINVAL;
	cfg_make(&cfg, 32768, 30, 1);
	bad += smtj_health_init(&h, &cfg) != -EINVAL;
	cfg_make(&cfg, 32768, 30, 257);
	bad += smtj_health_init(&h, &cfg) != -EINVAL;
	cfg_make(&cfg, 32768, 30, 2);
	cfg.perm_failures = 0;
	bad += smtj_health_init(&h, &cfg) != -EINVAL;
	cfg.perm_failures = 17;
	bad += smtj_health_init(&h, &cfg) != -EINVAL;
	cfg.perm_failures = 4;
	cfg.perm_windows = 3;
	bad += smtj_health_init(&h, &cfg) != -EINVAL;
	cfg_make(&cfg, 32768, 30, 2);
	cfg.recover_windows = 0;
	bad += smtj_health_init(&h, &cfg) != -EINVAL;
	tap_ok(&tap, !bad, "out-of-range configurations are refused with -EINVAL");

	/* Stuck: the RCT trips at exactly the C-th identical sample. */
	cfg_make(&cfg, 32768, 30, 2);
	smtj_health_init(&h, &cfg);
	t = time_to_trip(&h, gen_stuck, NULL, 100000, &ev);
	tap_ok(&tap, t == h.rct_cutoff && (ev & SMTJ_HEALTH_EV_RCT) &&
	       h.state == SMTJ_HEALTH_FAIL,
	       "stuck stream trips the RCT at sample %llu = C and fails",
	       (unsigned long long)t);
	smtj_health_feed(&h, 1);
	t = time_to_trip(&h, gen_stuck, NULL, 100000, &ev);
	tap_ok(&tap, t == h.rct_cutoff - 1 && h.state == SMTJ_HEALTH_FAIL,
	       "a second failure C samples after the first: still intermittent");
	t = time_to_trip(&h, gen_stuck, NULL, 100000, &ev);
	tap_ok(&tap, t == h.rct_cutoff && h.state == SMTJ_HEALTH_PERMANENT &&
	       (ev & SMTJ_HEALTH_EV_STATE) && h.stats.permanent == 1,
	       "third failure within M=%u windows: permanent (after %llu samples)",
	       cfg.perm_windows, (unsigned long long)h.stats.samples);
	for (i = 0; i < 100000; i++)
		smtj_health_feed(&h, gen_good(NULL));
	tap_ok(&tap, h.state == SMTJ_HEALTH_PERMANENT,
	       "permanent failure persists on a good stream");
	smtj_health_reset(&h);
	for (i = 0; i < 1023; i++)
		smtj_health_feed(&h, gen_good(NULL));
	all = h.state == SMTJ_HEALTH_STARTUP;
	ev = smtj_health_feed(&h, gen_good(NULL));
	tap_ok(&tap, all && h.state == SMTJ_HEALTH_OK && (ev & SMTJ_HEALTH_EV_STATE),
	       "after reset: start-up tests over 1024 samples, then ok");

	/* Intermittent failure and the recovery rule */
	cfg_make(&cfg, 32768, 30, 2);
	cfg.recover_windows = 3;
	smtj_health_init(&h, &cfg);
	for (i = 0; i < 2048; i++)
		smtj_health_feed(&h, gen_good(NULL));
	all = h.state == SMTJ_HEALTH_OK;
	time_to_trip(&h, gen_stuck, NULL, 100000, &ev);
	all &= h.state == SMTJ_HEALTH_FAIL && h.stats.intermittent == 1;
	for (i = 1; h.state == SMTJ_HEALTH_FAIL && i < 100000; i++)
		smtj_health_feed(&h, gen_good(NULL));
	tap_ok(&tap, all && h.state == SMTJ_HEALTH_OK && i - 1 == 3 * 512,
	       "intermittent failure clears after N=3 good windows (%llu samples)",
	       (unsigned long long)(i - 1));

	/* Biased 99 %: bound 2 W = 1024 samples in each of 1000 trials */
	p = 0.99;
	worst = 0;
	all = 1;
	for (trials = 0; trials < 1000; trials++) {
		smtj_health_init(&h, &cfg);
		t = time_to_trip(&h, gen_bias, &p, 1024, &ev);
		all &= t != 0;
		if (t > worst)
			worst = t;
	}
	tap_ok(&tap, all, "99 %% bias trips within 1024 samples in 1000 of 1000 trials (worst %llu)",
	       (unsigned long long)worst);

	/* Bias alone, no runs: APT. Samples alternate in pairs with 80 %. */
	p = 0.85;
	worst = 0;
	all = 1;
	{
		uint32_t napt = 0;

		for (trials = 0; trials < 1000; trials++) {
			smtj_health_init(&h, &cfg);
			t = time_to_trip(&h, gen_bias, &p, 16 * 512, &ev);
			all &= t != 0;
			napt += !!(ev & SMTJ_HEALTH_EV_APT);
			if (t > worst)
				worst = t;
		}
		tap_ok(&tap, all && napt > 900,
		       "85 %% bias (H=0.23 < claimed 0.5) trips within 16 windows in 1000 of 1000 trials, %u by the APT (worst %llu samples)",
		       napt, (unsigned long long)worst);
	}

	/* Slow switching: mean dwell 1000 samples, far beyond C */
	p = 0.001;
	worst = 0;
	all = 1;
	for (trials = 0; trials < 1000; trials++) {
		smtj_health_init(&h, &cfg);
		chain_state = 0;
		t = time_to_trip(&h, gen_slow, &p, 4 * h.rct_cutoff, &ev);
		all &= t != 0;
		if (t > worst)
			worst = t;
	}
	tap_ok(&tap, all, "dwell 1000 trips within 4 C = %u samples in 1000 of 1000 trials (worst %llu)",
	       4 * h.rct_cutoff, (unsigned long long)worst);

	/* Good stream, default claim: no false alarm in 1e8 samples. */
	smtj_health_init(&h, &cfg);
	for (i = 0; i < 100000000ULL; i++)
		smtj_health_feed(&h, gen_good(NULL));
	tap_ok(&tap, h.stats.rct_failures == 0 && h.stats.apt_failures == 0 &&
	       h.state == SMTJ_HEALTH_OK,
	       "1e8 unbiased samples: no false alarm (longest run %u, largest APT count %u)",
	       h.stats.rct_max, h.stats.apt_max);

	/* False-alarm rate: claim H=1, alpha=2^-20 on unbiased bits. */
	cfg_make(&cfg, 65536, 20, 2);
	cfg.perm_failures = 16;
	cfg.perm_windows = 16;
	smtj_health_init(&h, &cfg);
	for (i = 0; i < 50000000ULL; i++)
		smtj_health_feed(&h, gen_good(NULL));
	{
		double lambda = 5e7 * ldexp(1, -21);	/* new run: 1/2, long: 2^-20 */
		double got = h.stats.rct_failures;

		tap_ok(&tap, fabs(got - lambda) < 5 * sqrt(lambda) &&
		       h.stats.permanent == 0,
		       "H=1, alpha=2^-20: %u RCT alarms in 5e7 samples, expected %.1f +- %.1f",
		       h.stats.rct_failures, lambda, 5 * sqrt(lambda));
	}

	/* Non-binary alphabet: a 16-symbol stream claiming 3 bits */
	cfg_make(&cfg, 3 * 65536, 30, 16);
	smtj_health_init(&h, &cfg);
	for (i = 0; i < 10000000ULL; i++)
		smtj_health_feed(&h, (uint32_t)(rnd() >> 60));
	all = h.state == SMTJ_HEALTH_OK && !h.stats.rct_failures &&
	      !h.stats.apt_failures && h.apt_window == 1024;
	for (i = 0; i < 8 * 1024; i++)
		smtj_health_feed(&h, bern(0.8) ? 3 : (uint32_t)(rnd() >> 60));
	tap_ok(&tap, all && h.state != SMTJ_HEALTH_OK,
	       "16 symbols, H=3: 1e7 uniform samples pass; one symbol at 80 %% trips within 8 windows (APT C=%u)",
	       h.apt_cutoff);

	tap_ok(&tap, !strcmp(smtj_health_state_name(SMTJ_HEALTH_OK), "ok") &&
	       !strcmp(smtj_health_state_name(SMTJ_HEALTH_FAIL), "intermittent") &&
	       !strcmp(smtj_health_state_name(SMTJ_HEALTH_PERMANENT), "permanent") &&
	       !strcmp(smtj_health_state_name(SMTJ_HEALTH_STARTUP), "startup"),
	       "state names");

	/* Start-up: no output before 1024 samples even when good */
	cfg_make(&cfg, 32768, 30, 2);
	smtj_health_init(&h, &cfg);
	for (i = 0; i < 1023; i++)
		smtj_health_feed(&h, gen_good(NULL));
	tap_ok(&tap, h.state == SMTJ_HEALTH_STARTUP, "start-up state for the first 1023 samples");

	/* A failure during start-up is an intermittent failure. */
	time_to_trip(&h, gen_stuck, NULL, 1000, &ev);
	tap_ok(&tap, h.state == SMTJ_HEALTH_FAIL, "failure during start-up: intermittent");

	/* K = 1: the first failure is permanent */
	cfg.perm_failures = 1;
	cfg.perm_windows = 1;
	smtj_health_init(&h, &cfg);
	time_to_trip(&h, gen_stuck, NULL, 1000, &ev);
	tap_ok(&tap, h.state == SMTJ_HEALTH_PERMANENT, "K=1: first failure is permanent");

	/* failures spread wider than M windows stay intermittent */
	cfg.perm_failures = 2;
	cfg.perm_windows = 2;
	smtj_health_init(&h, &cfg);
	time_to_trip(&h, gen_stuck, NULL, 1000, &ev);
	for (i = 0; i < 1024; i++)
		smtj_health_feed(&h, gen_good(NULL));
	time_to_trip(&h, gen_stuck, NULL, 1000, &ev);
	tap_ok(&tap, h.state == SMTJ_HEALTH_FAIL && h.stats.intermittent == 2,
	       "K=2, M=2: two failures more than 2 windows apart stay intermittent");

	return tap_done(&tap);
}
