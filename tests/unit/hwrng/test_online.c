// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Host tests of common/smtj_entropy_online.c, the hwrng's running
 * min-entropy estimate: its fixed-point log2 and square root; its most
 * common value and Markov estimates against libsmtj's floating-point
 * SP 800-90B estimators on the same windows (IID biased bits, symmetric
 * Markov chains, two junctions, bytes), with tolerances derived from the
 * fixed-point resolution (below); its 99 % bounds against the closed
 * forms; edge input (a window not yet full, all zeros, gaps, bad widths);
 * and, through the extractor, a bias that creeps from 50 % to 90 %: no
 * failure while the source is healthy, a failure where theory puts it.
 * Fixed seeds throughout.
 */
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "libsmtj.h"
#include "smtj_entropy_online.h"
#include "smtj_extract.h"
#include "smtj_model.h"
#include "source.h"
#include "../tap.h"
#include "rnd.h"

#define W		SMTJ_ONLINE_WINDOW
#define Q16		65536.0
#define NWIN		40	/* disjoint windows per source */
#define Z		2.576

static struct tap tap;
static struct smtj_online on;
static u8 sym[(NWIN + 1) * W];
static u8 bitstr[8 * W];

/* Uniform double in [0, 1) from the fixed-seed generator. */
static double unif(void)
{
	return (double)(rnd() >> 11) / 9007199254740992.0;
}

/*
 * What separates the fixed-point values from libsmtj's doubles: the final
 * rounding to Q16 (half a unit, 2^-17); the log2 of every count, within
 * 2^-24 each, at most two per probability and 128 probabilities per
 * Markov sequence, divided by 128 (2^-22 in all); and for a bound the
 * floor of the square root and of z times it, less than 3.6 units of
 * 1/1024 count, a relative error of 3.6 / (1024 c) for a count c, i.e.
 * 3.6 / (1024 c ln 2) bits.
 */
static double tol_of(double c)
{
	return 1.0 / 131072 + 1.0 / 4194304 + (c > 0 ? 3.6 / (1024 * c * M_LN2) : 0);
}

static double lib_est(enum smtj_entropy_estimator e, const u8 *s, size_t n)
{
	struct smtj_entropy_est est;
	struct smtj_err err;

	if (smtj_entropy_estimate(e, s, n, NULL, &est, &err)) {
		printf("# libsmtj %s: %s\n", smtj_entropy_name(e), err.msg);
		return NAN;
	}
	return est.h;
}

/* The most common value's count in a window (for the tolerance). */
static u32 mode_of(const u8 *s, size_t n)
{
	u32 c[256] = { 0 }, m = 0;
	size_t i;

	for (i = 0; i < n; i++)
		if (++c[s[i]] > m)
			m = c[s[i]];
	return m;
}

/* The window's counts, straight from its states, at z = @z_milli. */
static void from_counts(const u8 *win, u32 bits, u32 z_milli,
			struct smtj_online_result *r)
{
	u32 hist[256] = { 0 }, trans[4] = { 0 }, ones = 0, prev = 0;
	size_t k;

	for (k = 0; k < W; k++)
		hist[win[k]]++;
	for (k = 0; k < (size_t)W * bits; k++) {
		u32 b = win[k / bits] >> (bits - 1 - k % bits) & 1;

		if (k)
			trans[2 * prev + b]++;
		ones += b;
		prev = b;
	}
	smtj_online_estimate(hist, 1U << bits, W, trans, ones, W * bits, bits,
			     z_milli, r);
}

/*
 * Feed @n states of @bits bits to a fresh estimator; after every full
 * window that ends on a window boundary of @s compare with libsmtj on the
 * same states, and with the estimate from the window's own counts (the
 * sliding sums).  @truth (bits per state, or < 0: unknown): count the
 * disjoint windows whose 99 % bound falls below it (returned), and fail
 * if the bound that decides a failure ever does.
 */
static int compare(const char *what, size_t n, u32 bits, double truth)
{
	double worst_mcv = 0, worst_mk = 0, sum_h = 0, sum_hi = 0;
	int misses = 0, bad_mcv = 0, bad_mk = 0, results = 0, alarm = 0;
	int bad_sums = 0;
	struct smtj_online_result r99, r6;
	size_t i, k;

	smtj_online_init(&on, bits);
	for (i = 0; i < n; i++) {
		const u8 *win;
		double lm, lk, d;

		if (!smtj_online_add(&on, sym[i]))
			continue;
		results++;
		if ((i + 1) % W)
			continue;
		win = sym + i + 1 - W;
		lm = lib_est(SMTJ_ENT_MCV, win, W);
		for (k = 0; k < (size_t)W * bits; k++)
			bitstr[k] = win[k / bits] >> (bits - 1 - k % bits) & 1;
		lk = lib_est(SMTJ_ENT_MARKOV, bitstr, (size_t)W * bits);
		d = fabs(on.res.mcv / Q16 - lm);
		if (d > worst_mcv)
			worst_mcv = d;
		bad_mcv += d > tol_of(mode_of(win, W));
		d = fabs(on.res.markov / Q16 - lk);
		if (d > worst_mk)
			worst_mk = d;
		bad_mk += d > tol_of(0);
		from_counts(win, bits, SMTJ_ONLINE_Z_MILLI, &r99);
		from_counts(win, bits, SMTJ_ONLINE_Z_BOUND_MILLI, &r6);
		bad_sums += memcmp(&r6, &on.res, sizeof(r6)) != 0;
		if (truth >= 0 && r99.h_hi / Q16 < truth)
			misses++;
		if (truth >= 0 && on.res.h_hi / Q16 < truth)
			alarm++;
		sum_h += on.res.h / Q16;
		sum_hi += on.res.h_hi / Q16;
	}
	tap_ok(&tap, results == (int)(n / SMTJ_ONLINE_BLOCK) -
			       (int)SMTJ_ONLINE_BLOCKS + 1,
	       "%s: an estimate per block once the window is full (%d)", what,
	       results);
	tap_ok(&tap, !bad_sums, "%s: the sliding window equals its states' counts",
	       what);
	tap_ok(&tap, !alarm, "%s: the deciding bound (z = 6) never below the truth",
	       what);
	tap_ok(&tap, !bad_mcv, "%s: MCV equals libsmtj's within the tolerance (worst %.2g bits)",
	       what, worst_mcv);
	tap_ok(&tap, !bad_mk, "%s: Markov equals libsmtj's within %.2g (worst %.2g bits)",
	       what, tol_of(0), worst_mk);
	printf("# %s: mean estimate %.5f, mean bound (z = 6) %.5f, truth %.5f bits per state\n",
	       what, sum_h / (n / W), sum_hi / (n / W), truth);
	return misses;
}

/*
 * Misses of a 99 % bound in NWIN disjoint windows: each bound is one-sided
 * at 0.5 % per probability; the Markov bound's most likely sequence has
 * two (initial and transition), so at most about 1 % per window: more
 * than 3 of 40 has probability 8e-4.
 */
static void coverage(const char *what, int misses)
{
	tap_ok(&tap, misses <= 3, "%s: the truth is below the 99 %% bound in %d of %d windows",
	       what, NWIN - misses, NWIN);
}

static void iid(double p)
{
	char what[64];
	size_t i;

	for (i = 0; i < (size_t)NWIN * W; i++)
		sym[i] = unif() < p;
	snprintf(what, sizeof(what), "IID bits, P(1) = %.2f", p);
	coverage(what, compare(what, (size_t)NWIN * W, 1,
			       -log2(p > 0.5 ? p : 1 - p)));
}

/* The Markov estimate of a symmetric chain switching with probability s:
 * the most likely sequence is 0.5 max(s, 1 - s)^127. */
static double markov_closed(double s)
{
	return (1 - 127 * log2(s > 0.5 ? s : 1 - s)) / 128;
}

static void chain(double s, u32 bits)
{
	char what[64];
	u32 st = 0, j;
	size_t i;

	for (i = 0; i < (size_t)NWIN * W; i++) {
		sym[i] = (u8)st;
		for (j = 0; j < bits; j++)
			if (unif() < s)
				st ^= 1U << j;
	}
	snprintf(what, sizeof(what), "%u symmetric chain%s, switching %.4f",
		 bits, bits > 1 ? "s" : "", s);
	/* the array's bitstring is not a chain of its own: no closed form */
	coverage(what, compare(what, (size_t)NWIN * W, bits,
			       bits == 1 ? markov_closed(s) : -1));
}

static void fixed_point(void)
{
	double worst = 0;
	u64 x, r;
	int bad = 0, i;

	for (i = 0; i < 200000; i++) {
		double d;

		x = i < 64 ? 1ULL << i : i < 1000 ? (u64)i : rnd() >> (rnd() % 64);
		if (!x)
			x = 1;
		d = fabs(smtj_online_log2_q24(x) / 16777216.0 - log2((double)x));
		if (d > worst)
			worst = d;
		bad += d > 2.0 / 16777216;
	}
	tap_ok(&tap, !bad, "log2 Q24 within 2^-23 of log2() on 200000 values (worst %.2g)",
	       worst);
	for (bad = 0, i = 0; i < 200000; i++) {
		x = i < 1000 ? (u64)i : rnd() >> (rnd() % 64);
		r = smtj_online_isqrt(x);
		bad += r * r > x || (r + 1) * (r + 1) <= x;
	}
	r = smtj_online_isqrt(~0ULL);
	tap_ok(&tap, !bad && r == 0xffffffffU,
	       "isqrt: floor of the square root on 200000 values and 2^64 - 1");
}

static void edges(void)
{
	u32 hist[2] = { W, 0 }, trans[4] = { W - 1, 0, 0, 0 };
	struct smtj_online_result r;
	int early = 0;
	size_t i;

	tap_ok(&tap, smtj_online_init(&on, 0) < 0 && smtj_online_init(&on, 9) < 0 &&
		     !smtj_online_init(&on, 8),
	       "0 or 9 bits per state are refused, 8 taken");
	/* a window not yet full gives nothing */
	smtj_online_init(&on, 1);
	for (i = 0; i < W - 1; i++)
		early += smtj_online_add(&on, 0);
	tap_ok(&tap, !early && !on.valid && !smtj_online_fresh(&on),
	       "no estimate before the window is full");
	tap_ok(&tap, smtj_online_add(&on, 0) && on.valid && !on.res.mcv &&
		     !on.res.mcv_hi && !on.res.markov && !on.res.markov_hi &&
		     !on.res.h && !on.res.h_hi,
	       "all zeros: every estimate and bound 0 (%u %u %u %u)",
	       on.res.mcv, on.res.mcv_hi, on.res.markov, on.res.markov_hi);
	smtj_online_estimate(hist, 2, W, trans, 0, W, 1, 6000, &r);
	tap_ok(&tap, !r.h && !r.h_hi, "all zeros, from counts: 0");
	smtj_online_estimate(hist, 2, 0, trans, 0, 0, 1, 6000, &r);
	tap_ok(&tap, !r.h && !r.h_hi, "no states: 0, no division by zero");

	/* alternating: MCV about 1 bit, Markov 1/128 ((01)^64 is certain) */
	for (i = 0; i < W; i++)
		sym[i] = i & 1;
	compare("alternating 0101", W, 1, -1);
	tap_ok(&tap, on.res.markov == 512 && on.res.h == 512,
	       "alternating: Markov 1/128 bit (%u / 65536)", on.res.markov);

	/* a gap: the pair across it is not counted */
	smtj_online_init(&on, 1);
	for (i = 0; i < W; i++) {
		if (i == W / 2)
			smtj_online_gap(&on);
		smtj_online_add(&on, i & 1);
	}
	{
		u32 pairs = 0, b, k;

		for (b = 0; b < SMTJ_ONLINE_BLOCKS; b++)
			for (k = 0; k < 4; k++)
				pairs += on.ring[b].trans[k];
		tap_ok(&tap, pairs == W - 2,
		       "a gap: %u bit pairs in a window of %u states (W - 2)",
		       pairs, W);
	}
	/* bytes: 256 values, MCV bound at most 8 bits */
	for (i = 0; i < 2 * (size_t)W; i++)
		sym[i] = (u8)rnd();
	compare("uniform bytes", 2 * (size_t)W, 8, 8);
	tap_ok(&tap, on.res.mcv_hi <= 8 * 65536 && on.res.mcv > 7 * 65536,
	       "uniform bytes: MCV %.3f, bound %.3f <= 8 bits",
	       on.res.mcv / Q16, on.res.mcv_hi / Q16);
}

/* The Markov estimate of the simulator's junction biased to q (s: its
 * total switching probability): 1^128 is the most likely sequence. */
static double creep_h(double q, double s)
{
	return -(log2(q) + 127 * log2(1 - s * (1 - q))) / 128;
}

/* Standard deviation of that estimate on a window: from the count of
 * transitions out of state 1 (the initial probability's share is 1/128
 * of that and is left out). */
static double creep_sd(double q, double s)
{
	double t = s * (1 - q), n1 = q * W;

	return 127.0 / 128 * sqrt(t / ((1 - t) * n1)) / M_LN2;
}

static double solve(double h, double sigmas, double s)
{
	double lo = 0.5, hi = 0.99;
	int i;

	for (i = 0; i < 60; i++) {
		double mid = (lo + hi) / 2;

		if (creep_h(mid, s) + sigmas * creep_sd(mid, s) > h)
			lo = mid;
		else
			hi = mid;
	}
	return lo;
}

/*
 * The extractor on the paper's junction, an assessment of 60 milli-bits:
 * 4 M healthy samples, then the bias creeps from 50 % to 90 % over 8 M
 * (as the simulator's "creep" fault does, per batch of 4096).
 */
static void creep(void)
{
	static struct smtj_extract x;
	static u16 code[4096];
	struct smtj_sim_config mc;
	struct smtj_model m;
	const u64 healthy = 4000000, len = 8000000;
	const double me = 0.060, s = 2 * 0.0809;
	double q = 0.5, q_trip = -1, h_trip = 0, prev = 10, rises = 0;
	double truth = markov_closed(0.0809), worst_dev = 0;
	u64 idx, trip = 0, windows_healthy = 0;
	u32 state_at_trip = 0, health_before = ~0U;
	u8 out[64];
	int read_while_failed = 0, bad_healthy = 0;
	size_t off;

	junction_model(&m, &mc, 0xc4eef);
	if (!tap_ok(&tap, !sha256_extractor(&x, 60), "extractor with SHA-256, 60 mb"))
		return;
	for (idx = 0; idx < healthy + len + 1000000; idx += 4096) {
		if (idx >= healthy) {
			q = 0.5 + 0.4 * fmin(1, (double)(idx - healthy) / len);
			smtj_model_bias(&m, &mc, (u32)(q * SMTJ_SIM_PROB_ONE + 0.5));
		}
		smtj_model_fill(&m, code, 4096);
		for (off = 0; off < 4096;) {
			u64 w0 = x.online.windows;

			off += smtj_extract_feed(&x, code + off, 4096 - off, idx + off);
			while (smtj_extract_read(&x, out, sizeof(out)))
				;
			if (x.online.windows == w0 || !x.online.valid)
				continue;
			if (idx < healthy) {
				/* the estimate within 5 sigma of the closed form */
				double d = fabs(x.online.res.markov / Q16 - truth);

				windows_healthy++;
				if (d > worst_dev)
					worst_dev = d;
				bad_healthy += d > 5 * creep_sd(0.5, s) + tol_of(0);
			} else if (!trip) {
				double h = x.online.res.h / Q16;

				rises += h > prev + 4 * creep_sd(q, s);
				prev = h;
			}
		}
		if (!trip && x.stats.online_failures) {
			trip = x.stats.online_trip_index;
			q_trip = 0.5 + 0.4 * fmin(1, (double)(trip - healthy) / len);
			h_trip = creep_h(q_trip, s);
			state_at_trip = smtj_extract_state(&x);
			health_before = x.j[0].health.stats.rct_failures +
					x.j[0].health.stats.apt_failures;
		}
		if (trip && smtj_extract_state(&x) != SMTJ_HEALTH_OK)
			read_while_failed += smtj_extract_read(&x, out, 1) != 0;
	}
	tap_ok(&tap, !bad_healthy && windows_healthy > 900,
	       "healthy: %llu estimates, Markov within 5 sigma (%.4f) of the closed form %.5f (worst %.5f)",
	       (unsigned long long)windows_healthy, 5 * creep_sd(0.5, s), truth,
	       worst_dev);
	tap_ok(&tap, trip > healthy,
	       "no online failure while healthy (first at sample %llu, onset %llu)",
	       (unsigned long long)trip, (unsigned long long)healthy);
	{
		/* no failure while the truth is above the claim; one once
		 * the truth is 11 sigma below it (bound 6 + 5 sigma of
		 * sampling), plus one window of lag */
		double q_lo = solve(me, 0, s), q_hi = solve(me, 11, s);
		double lag = 0.4 * (W + SMTJ_ONLINE_BLOCK) / (double)len;

		tap_ok(&tap, q_trip >= q_lo && q_trip <= q_hi + lag,
		       "creep: online failure at bias %.4f (sample %llu after the onset, Markov truth %.4f bits): theory %.4f .. %.4f",
		       q_trip, (unsigned long long)(trip - healthy), h_trip,
		       q_lo, q_hi + lag);
	}
	tap_ok(&tap, state_at_trip == SMTJ_HEALTH_FAIL ||
		     state_at_trip == SMTJ_HEALTH_PERMANENT,
	       "the state left ok at the online failure (%s), %llu failures in all",
	       smtj_health_state_name(state_at_trip),
	       (unsigned long long)x.stats.online_failures);
	/* for the record: around 78 % the APT (claim 0.5 bit per decimated
	 * bit) starts to trip too, whichever comes first */
	printf("# %u RCT/APT failures before the online failure\n", health_before);
	tap_ok(&tap, !read_while_failed, "nothing readable while failed");
	tap_ok(&tap, rises == 0, "the estimate falls with the bias (%.0f rises beyond 4 sigma)",
	       rises);
}

/*
 * A dip: 50,000 samples at 90 % in a healthy stream (assessed at 60 mb).
 * The online estimate fails once, some 30,000 samples in; its next verdict
 * comes a whole window later, on a window mostly healthy again, and
 * passes; the intermittent failure heals by itself through the health
 * tests' good windows, never permanent: the recovery of any intermittent
 * failure.
 */
static void dip(void)
{
	static struct smtj_extract x;
	static u16 code[4096];
	struct smtj_sim_config mc;
	struct smtj_model m;
	const u64 start = 2002944, len = 53248;	/* whole batches */
	u64 idx, ok_again = 0, perm = 0, bytes_after = 0;
	u8 out[64];
	size_t off, k;

	junction_model(&m, &mc, 0xd1b);
	if (!tap_ok(&tap, !sha256_extractor(&x, 60), "dip: extractor with SHA-256, 60 mb"))
		return;
	for (idx = 0; idx < start + 2000000; idx += 4096) {
		if (idx == start)
			smtj_model_bias(&m, &mc, SMTJ_SIM_PROB_ONE / 10 * 9);
		if (idx == start + len)
			smtj_model_bias(&m, &mc, SMTJ_SIM_PROB_ONE / 2);
		smtj_model_fill(&m, code, 4096);
		for (off = 0; off < 4096;) {
			off += smtj_extract_feed(&x, code + off, 4096 - off, idx + off);
			while ((k = smtj_extract_read(&x, out, sizeof(out))))
				bytes_after += ok_again ? k : 0;
		}
		perm += smtj_extract_state(&x) == SMTJ_HEALTH_PERMANENT;
		if (!ok_again && x.stats.online_failures &&
		    smtj_extract_state(&x) == SMTJ_HEALTH_OK)
			ok_again = idx;
	}
	tap_ok(&tap, x.stats.online_failures == 1 &&
		     x.stats.online_trip_index > start &&
		     x.stats.online_trip_index <= start + len,
	       "dip: one online failure, %llu samples into the dip",
	       (unsigned long long)(x.stats.online_trip_index - start));
	tap_ok(&tap, ok_again && !perm && bytes_after > 0,
	       "dip: ok again %llu samples after the dip began, never permanent, %llu bytes after (RCT %u, APT %u failures)",
	       (unsigned long long)(ok_again - start),
	       (unsigned long long)bytes_after,
	       x.j[0].health.stats.rct_failures,
	       x.j[0].health.stats.apt_failures);
}

int main(void)
{
	rnd_state = 0x0e57;
	fixed_point();
	edges();
	iid(0.5);
	iid(0.3);
	iid(0.1);
	iid(0.02);
	chain(0.5, 1);
	chain(0.2, 1);
	chain(0.0809, 1);
	chain(0.02, 1);
	chain(0.0809, 2);
	creep();
	dip();
	return tap_done(&tap);
}
