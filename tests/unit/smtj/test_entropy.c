// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * SP 800-90B estimators: the worked examples of section 6.3, value for
 * value (to the digits the standard prints); sources whose min-entropy is
 * known in closed form, with tolerances derived from the sampling error
 * (stated at each check; fixed seeds); malformed input; the restart
 * sanity check on a passing and a failing matrix.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include "libsmtj.h"
#include "../tap.h"

/* xorshift64*: the test's own generator, fixed seeds */
static uint64_t next(uint64_t *x)
{
	*x ^= *x >> 12;
	*x ^= *x << 25;
	*x ^= *x >> 27;
	return *x * 0x2545f4914f6cdd1dULL;
}

static double uniform(uint64_t *x)
{
	return ((next(x) >> 11) + 0.5) * 0x1.0p-53;
}

static double est(enum smtj_entropy_estimator e, const uint8_t *s, size_t n,
		  const struct smtj_entropy_params *p, struct smtj_entropy_est *out)
{
	struct smtj_entropy_est tmp;
	struct smtj_err err = { 0 };

	if (!out)
		out = &tmp;
	if (smtj_entropy_estimate(e, s, n, p, out, &err)) {
		printf("# %s: %s\n", smtj_entropy_name(e), err.msg);
		return NAN;
	}
	return out->h;
}

/* The examples of 6.3.1-6.3.10 with the constants they use. */
static void test_examples(struct tap *t)
{
	static const uint8_t mcv[] = { 0, 1, 1, 2, 0, 1, 2, 2, 0, 1, 0, 1, 1, 0, 2, 2,
				       1, 0, 2, 1 };
	static const uint8_t bits[] = { 1, 0, 0, 0, 1, 1, 1, 0, 0, 1, 0, 1, 0, 1, 0, 1,
					1, 1, 0, 0, 1, 1, 0, 0, 0, 1, 1, 1, 0, 0, 1, 0,
					1, 0, 1, 0, 1, 1, 1, 0, 1, 1, 1, 0, 0, 0, 1, 1 };
	static const uint8_t s21[] = { 2, 2, 0, 1, 0, 2, 0, 1, 2, 1, 2, 0, 1, 2, 1, 0,
				       0, 1, 0, 0, 0 };
	static const uint8_t mcw[] = { 1, 2, 1, 0, 2, 1, 1, 2, 2, 0, 0, 0 };
	static const uint8_t lag[] = { 2, 1, 3, 2, 1, 3, 1, 3, 1, 2, 1, 3, 2 };
	struct smtj_entropy_params p;
	struct smtj_entropy_est e;

	smtj_entropy_default_params(&p);
	tap_near(t, est(SMTJ_ENT_MCV, mcv, 20, &p, &e), 0.5363, 5e-5, "6.3.1 MCV example");
	tap_near(t, e.p, 0.6895, 5e-5, "6.3.1 MCV example p_u");
	tap_near(t, est(SMTJ_ENT_COLLISION, bits, 40, &p, &e), 0.4483, 5e-5,
		 "6.3.2 collision example");
	tap_ok(t, fabs(e.mean - 2.7143) < 5e-5 && fabs(e.sd - 0.4688) < 5e-5,
	       "6.3.2 collision example: X-bar %.4f, sigma %.4f", e.mean, e.sd);
	tap_near(t, est(SMTJ_ENT_MARKOV, bits, 40, &p, NULL), 0.761, 5e-4,
		 "6.3.3 Markov example");
	p.compression_dict = 4;
	tap_near(t, est(SMTJ_ENT_COMPRESSION, bits, 48, &p, NULL), 0.1345, 5e-5,
		 "6.3.4 compression example (d = 4)");
	p.tuple_cutoff = 3;
	tap_near(t, est(SMTJ_ENT_TUPLE, s21, 21, &p, &e), 0.273, 5e-4,
		 "6.3.5 t-tuple example (cutoff 3)");
	tap_ok(t, e.t == 3, "6.3.5 t-tuple example: t = %llu", (unsigned long long)e.t);
	tap_near(t, est(SMTJ_ENT_LRS, s21, 21, &p, &e), 0.6146, 5e-5,
		 "6.3.6 LRS example (cutoff 3)");
	tap_ok(t, e.u == 4 && e.v == 5, "6.3.6 LRS example: u = %llu, v = %llu",
	       (unsigned long long)e.u, (unsigned long long)e.v);
	memcpy(p.mcw_window, (unsigned int[]){ 3, 5, 7, 9 }, sizeof(p.mcw_window));
	/* printed truncated to four places */
	tap_near(t, est(SMTJ_ENT_MULTI_MCW, mcw, 12, &p, &e), 0.3908, 1e-4,
		 "6.3.7 MultiMCW example (windows 3, 5, 7, 9)");
	tap_ok(t, e.correct == 3 && e.trials == 9 && e.run == 2,
	       "6.3.7 MultiMCW example: C %llu of N %llu, r %llu",
	       (unsigned long long)e.correct, (unsigned long long)e.trials,
	       (unsigned long long)e.run);
	p.lag_depth = 3;
	tap_near(t, est(SMTJ_ENT_LAG, lag, 10, &p, &e), 0.735, 5e-4,
		 "6.3.8 lag example (D = 3)");
	tap_ok(t, e.correct == 2 && e.run == 3, "6.3.8 lag example: C %llu, r %llu",
	       (unsigned long long)e.correct, (unsigned long long)e.run);
	p.mmc_depth = 3;
	tap_near(t, est(SMTJ_ENT_MULTI_MMC, lag, 9, &p, &e), 0.0755, 5e-5,
		 "6.3.9 MultiMMC example (D = 3)");
	p.lz78y_depth = 4;
	tap_near(t, est(SMTJ_ENT_LZ78Y, lag, 13, &p, &e), 0.0191, 5e-5,
		 "6.3.10 LZ78Y example (B = 4)");
	tap_ok(t, e.correct == 4 && e.trials == 8, "6.3.10 LZ78Y example: C %llu of N %llu",
	       (unsigned long long)e.correct, (unsigned long long)e.trials);
}

/*
 * IID uniform bytes: 8 bits per symbol.  The MCV and predictor
 * estimates are -log2 of an upper bound on a probability; for uniform
 * data that probability is 1/256 plus sampling error: the most common of
 * 256 counts of n/256 exceeds its mean by at most sqrt(2 ln(256 * 1e6))
 * = 6.5 standard deviations except with probability 1e-6, and the 99 %
 * bound adds 2.576 more.  So every estimate lies in
 * [-log2(1/256 + 9.1 sqrt(1/256 / n)), 8].
 */
static void test_uniform_bytes(struct tap *t)
{
	static const enum smtj_entropy_estimator any[] = {
		SMTJ_ENT_MCV, SMTJ_ENT_MULTI_MCW, SMTJ_ENT_LAG, SMTJ_ENT_MULTI_MMC,
		SMTJ_ENT_LZ78Y,
	};
	size_t n = 100000;	/* the cross stage runs this under qemu */
	uint8_t *s = malloc(n);
	uint64_t x = 1;
	double lo = -log2(1.0 / 256 + 9.1 * sqrt(1.0 / 256 / n));

	for (size_t i = 0; i < n; i++)
		s[i] = (uint8_t)(next(&x) >> 56);
	for (size_t i = 0; i < sizeof(any) / sizeof(any[0]); i++) {
		double h = est(any[i], s, n, NULL, NULL);

		tap_ok(t, h >= lo && h <= 8, "uniform bytes: %s %.4f in [%.4f, 8]",
		       smtj_entropy_name(any[i]), h, lo);
	}
	/* t-tuple: t is 1 or 2 (byte pairs occur n/65536 times).  At t = 1
	 * it is the MCV bound, lo; at t = 2 the pair term can be larger: the
	 * most common pair is below n/65536 + 7.2 sd (7.2 = sqrt(2
	 * ln(65536e6))), which gives lo2. */
	{
		struct smtj_entropy_est e;
		double m2 = n / 65536.0 + 7.2 * sqrt(n / 65536.0);
		double p2 = sqrt(m2 / (n - 1)), pairs = n * (n - 1) / 2.0, bound, h;

		p2 += 2.576 * sqrt(p2 * (1 - p2) / (n - 1));
		h = est(SMTJ_ENT_TUPLE, s, n, NULL, &e);
		bound = e.t == 1 ? lo : fmin(lo, -log2(p2));
		tap_ok(t, h >= bound && h <= 8, "uniform bytes: t-tuple %.4f (t = %llu) in [%.4f, 8]",
		       h, (unsigned long long)e.t, bound);
		/* LRS: the weakest term is the longest repeat W, seen in few
		 * pairs.  A repeated 6-tuple has probability C(n,2) 2^-48 =
		 * 2e-5, two repeated 5-tuples (0.0045 expected) 1e-5: so the
		 * term is at most (2 / C(n,2))^(1/5) */
		h = est(SMTJ_ENT_LRS, s, n, NULL, &e);
		p2 = pow(2 / pairs, 0.2);
		bound = -log2(p2 + 2.576 * sqrt(p2 * (1 - p2) / (n - 1)));
		tap_ok(t, h >= bound && h <= 8 && e.v <= 5,
		       "uniform bytes: LRS %.4f (u %llu, v %llu) in [%.4f, 8]", h,
		       (unsigned long long)e.u, (unsigned long long)e.v, bound);
	}
	free(s);
}

/*
 * Biased IID bits, P(1) = 0.3: min-entropy -log2(0.7) = 0.5146.  The MCV
 * estimate is -log2 of p-hat + 2.576 sigma, p-hat within 5 sigma of 0.7:
 * it lies in [-log2(0.7 + 7.6 sigma), -log2(0.7 - 2.4 sigma)], sigma =
 * sqrt(0.21 / n).  The assessment is a lower bound: at most the MCV.
 */
static void test_biased_bits(struct tap *t)
{
	size_t n = 100000;
	uint8_t *s = malloc(n);
	uint64_t x = 2;
	double sig = sqrt(0.21 / n), h;
	int ret;
	struct smtj_entropy *a = malloc(sizeof(*a));
	struct smtj_err err = { 0 };

	for (size_t i = 0; i < n; i++)
		s[i] = uniform(&x) < 0.3;
	h = est(SMTJ_ENT_MCV, s, n, NULL, NULL);
	tap_ok(t, h >= -log2(0.7 + 7.6 * sig) && h <= -log2(0.7 - 2.4 * sig),
	       "biased bits: MCV %.4f near -log2(0.7) = %.4f", h, -log2(0.7));
	ret = smtj_entropy_assess(a, s, n, 1, NULL, &err);
	tap_ok(t, !ret && a->binary &&
	       a->h <= h + 1e-12 && a->h > 0 && a->h == a->h_bitstring,
	       "biased bits: assessed %.4f <= MCV, binary (%s)", a->h, err.msg);
	free(a);
	free(s);
}

/*
 * A symmetric two-state chain that switches with probability p per
 * sample (p = 0.0809, the paper junction's).  The most likely of the
 * Markov estimator's 128-bit sequences is a constant one:
 *   h = -log2(P0 P00^127) / 128 = (1 - 127 log2(1 - p)) / 128.
 * Its sampling error, by the delta method: P00 is estimated from n/2
 * transitions, var = p (1 - p) / (n / 2), dh/dP00 = -127 / (128 ln2 P00);
 * P0 is a mean over a chain with lag-one correlation 1 - 2p, var =
 * (1/4n) (1 - p) / p, dh/dP0 = -1 / (128 ln2 P0).  Tolerance 5 sigma.
 */
static void test_markov_chain(struct tap *t)
{
	size_t n = 1000000;
	double p = 0.0809, want = (1 - 127 * log2(1 - p)) / 128, h, sd;
	uint8_t *s = malloc(n);
	uint64_t x = 3;

	s[0] = 0;
	for (size_t i = 1; i < n; i++)
		s[i] = s[i - 1] ^ (uniform(&x) < p);
	h = est(SMTJ_ENT_MARKOV, s, n, NULL, NULL);
	sd = sqrt(pow(127 / (128 * M_LN2 * (1 - p)), 2) * p * (1 - p) / (n / 2.0) +
		  pow(1 / (128 * M_LN2 * 0.5), 2) * (1 - p) / p / (4.0 * n));
	tap_near(t, h, want, 5 * sd, "Markov chain p = 0.0809: closed form (5 sigma)");
	/* the MCV sees a fair coin: the chain's memory is what matters */
	h = est(SMTJ_ENT_MCV, s, n, NULL, NULL);
	tap_ok(t, h > 0.95, "Markov chain: MCV %.4f sees balanced states", h);
	free(s);
}

/*
 * Non-binary symbols (section 3.1.3): seven estimators on the symbols,
 * ten on the bitstring of the samples in their declared width, and
 * h = min(H_original, width * H_bitstring).  Uniform 2-bit symbols: each
 * estimate at most 2 (bits: 1), the formula holds, and the bitstring of
 * fair bits is near 1 per bit (the compression estimate, the lowest,
 * gives about 0.83 on 2e5 fair bits: above 0.7).  Declared 8 bits wide,
 * the same values (the first fifth, for time) carry six constant bits
 * per sample: the bitstring assessment sees them, the width multiplies
 * back.
 */
static void test_nonbinary(struct tap *t)
{
	size_t n = 100000;
	uint8_t *s = malloc(n);
	struct smtj_entropy *a = malloc(sizeof(*a));
	struct smtj_err err = { 0 };
	uint64_t x = 5;
	int ret, ok = 1;

	for (size_t i = 0; i < n; i++)
		s[i] = (uint8_t)(next(&x) >> 62);
	ret = smtj_entropy_assess(a, s, n, 2, NULL, &err);
	for (int e = 0; e < SMTJ_ENT_COUNT && !ret; e++) {
		ok &= smtj_entropy_binary_only(e) ? !a->original[e].done :
		      a->original[e].done && a->original[e].h <= 2;
		ok &= a->bitstring[e].done && a->bitstring[e].h <= 1;
	}
	tap_ok(t, !ret && ok && !a->binary && a->k == 4 && a->width == 2 &&
	       a->h == fmin(a->h_original, 2 * a->h_bitstring) && a->h_bitstring > 0.7,
	       "2-bit symbols: h %.4f = min(%.4f, 2 x %.4f) %s", a->h, a->h_original,
	       a->h_bitstring, err.msg);
	ret = smtj_entropy_assess(a, s, n / 5, 8, NULL, &err);
	tap_ok(t, !ret && a->width == 8 && a->h_bitstring < 0.3 &&
	       a->h == fmin(a->h_original, 8 * a->h_bitstring),
	       "the same declared 8 bits wide: h %.4f = min(%.4f, 8 x %.4f)", a->h,
	       a->h_original, a->h_bitstring);
	free(a);
	free(s);
}

static void test_bad_input(struct tap *t)
{
	struct smtj_entropy *a = malloc(sizeof(*a));
	struct smtj_entropy_est e;
	struct smtj_err err = { 0 };
	uint8_t s[5000];

	for (size_t i = 0; i < sizeof(s); i++)
		s[i] = i * 7919 % 3 == 0;
	tap_ok(t, smtj_entropy_assess(a, s, 0, 1, NULL, &err) < 0 &&
	       strstr(err.msg, "no samples"), "no samples: %s", err.msg);
	s[17] = 2;
	tap_ok(t, smtj_entropy_assess(a, s, 100, 1, NULL, &err) < 0 &&
	       strstr(err.msg, "offset 17"), "symbol wider than declared: %s", err.msg);
	tap_ok(t, smtj_entropy_assess(a, s, 100, 9, NULL, &err) < 0,
	       "9 bits per symbol refused: %s", err.msg);
	tap_ok(t, smtj_entropy_estimate(SMTJ_ENT_MARKOV, s, 100, NULL, &e, &err) < 0 &&
	       strstr(err.msg, "bits only"), "Markov on three values: %s", err.msg);
	s[17] = 0;
	tap_ok(t, smtj_entropy_estimate(SMTJ_ENT_COMPRESSION, s, 5000, NULL, &e, &err) < 0 &&
	       strstr(err.msg, "needs at least 6012"), "compression, too few: %s", err.msg);
	tap_ok(t, smtj_entropy_estimate(SMTJ_ENT_MULTI_MCW, s, 64, NULL, &e, &err) < 0 &&
	       strstr(err.msg, "needs at least 65"), "MultiMCW, too few: %s", err.msg);
	tap_ok(t, smtj_entropy_estimate(SMTJ_ENT_TUPLE, s, 40, NULL, &e, &err) < 0,
	       "t-tuple, no value 35 times: %s", err.msg);
	tap_ok(t, smtj_entropy_estimate(SMTJ_ENT_LZ78Y, s, 18, NULL, &e, &err) < 0,
	       "LZ78Y, too few: %s", err.msg);
	tap_ok(t, smtj_entropy_assess(a, s, 1000, 1, NULL, &err) < 0 &&
	       strstr(err.msg, "compression"), "assessment names the estimator short of data: %s",
	       err.msg);
	free(a);
}

/* Restart sanity check: 1000 x 1000 fair bits pass at H_I = 1 (cutoff:
 * binomial(1000, 1/2) upper tail at 0.01 / 2000); the same matrix with
 * the first 50 samples after every restart stuck at 0 fails (a column
 * of 1000 zeros); biased bits pass at their entropy and fail a claim of
 * more. */
static void test_restart(struct tap *t)
{
	size_t r = 1000, c = 1000;
	uint8_t *m = malloc(r * c);
	struct smtj_restart_check chk = { 0 };
	struct smtj_restart *res = malloc(sizeof(*res));
	struct smtj_err err = { 0 };
	uint64_t x = 4;
	int ret;

	for (size_t i = 0; i < r * c; i++)
		m[i] = next(&x) >> 63;
	ret = smtj_entropy_restart_sanity(&chk, m, r, c, 1.0, &err);
	tap_ok(t, !ret && chk.ok, "restart: fair bits pass at H_I = 1 (max %u/%u, cutoff %u)",
	       chk.max_row, chk.max_col, chk.cutoff_row);
	/* binomial(1000, 1/2): P(X > 570) = 4.0e-6 <= 0.01/2000 < P(X > 569) = 5.4e-6 */
	tap_ok(t, chk.cutoff_row == 570 && chk.cutoff_col == 570,
	       "restart: cutoff %u for p = 1/2, alpha = %.3g", chk.cutoff_row, chk.alpha);
	for (size_t i = 0; i < r; i++)
		memset(m + i * c, 0, 50);
	ret = smtj_entropy_restart_sanity(&chk, m, r, c, 1.0, &err);
	tap_ok(t, !ret && !chk.ok && chk.max_col == 1000,
	       "restart: stuck start fails (column %zu: %u)", chk.worst_col, chk.max_col);
	/* bits with P(1) = 0.3: pass at their true 0.515 bits, fail at 1 */
	for (size_t i = 0; i < r * c; i++)
		m[i] = uniform(&x) < 0.3;
	ret = smtj_entropy_restart_sanity(&chk, m, r, c, -log2(0.7), &err);
	tap_ok(t, !ret && chk.ok, "restart: biased bits pass at H_I = 0.515 (max %u, cutoff %u)",
	       chk.max_row, chk.cutoff_row);
	ret = smtj_entropy_restart_sanity(&chk, m, r, c, 1.0, &err);
	tap_ok(t, !ret && !chk.ok && chk.max_row > chk.cutoff_row,
	       "restart: biased bits fail a claim of 1 bit (row %zu: %u > %u)", chk.worst_row,
	       chk.max_row, chk.cutoff_row);
	ret = smtj_entropy_restart_sanity(&chk, m, r, c, -1, &err);
	tap_ok(t, ret < 0, "restart: negative H_I refused: %s", err.msg);
	/* the whole test on a smaller matrix: rows and columns assessed */
	for (size_t i = 0; i < 200 * 200; i++)
		m[i] = next(&x) >> 63;
	ret = smtj_entropy_restart(res, m, 200, 200, 1, 0.8, NULL, &err);
	tap_ok(t, !ret && res->check.ok && res->ok && res->h <= 0.8 && res->h_r > 0.4 &&
	       res->h_c > 0.4, "restart: 200 x 200 fair bits validate (H_r %.3f, H_c %.3f, h %.3f)",
	       res->h_r, res->h_c, res->h);
	free(res);
	free(m);
}

int main(void)
{
	struct tap t = { 0 };

	test_examples(&t);
	test_uniform_bytes(&t);
	test_biased_bits(&t);
	test_markov_chain(&t);
	test_nonbinary(&t);
	test_bad_input(&t);
	test_restart(&t);
	return tap_done(&t);
}
