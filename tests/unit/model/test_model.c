// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Host tests of the shared junction model (common/smtj_model.c): parameter
 * validation at every edge, determinism, independence of batch size, and
 * the chain's statistics against theory.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "smtj_model.h"

/* fnv1a-64 of the first 4096 samples of the default config, seed 42. */
#define SMTJ_MODEL_GOLDEN 0x94ce73a87457fe28ULL

static int tests_run, tests_failed;

static void check(int ok, const char *name)
{
	tests_run++;
	if (!ok)
		tests_failed++;
	printf("%sok %d - %s\n", ok ? "" : "not ", tests_run, name);
}

static int valid(const struct smtj_sim_config *c)
{
	return smtj_model_validate(c) == 0;
}

static void test_validate(void)
{
	struct smtj_sim_config c, d;
	int ok = 1;

	smtj_model_default_config(&c);
	check(valid(&c), "default config is valid");

#define EDGE(field, good, bad) do {					\
		d = c; d.field = (good); ok &= valid(&d);		\
		d = c; d.field = (bad); ok &= !valid(&d);		\
	} while (0)
	EDGE(rate_hz, SMTJ_SIM_RATE_MIN, SMTJ_SIM_RATE_MIN - 1);
	EDGE(rate_hz, SMTJ_SIM_RATE_MAX, SMTJ_SIM_RATE_MAX + 1);
	EDGE(adc_bits, 8, 7);
	EDGE(adc_bits, 16, 17);
	EDGE(noise_sigma, SMTJ_SIM_SIGMA_MAX, SMTJ_SIM_SIGMA_MAX + 1);
	EDGE(p_leave[0][1], SMTJ_SIM_PROB_ONE, SMTJ_SIM_PROB_ONE + 1);
	EDGE(level[1], (1U << 14) - 1, 1U << 14);
	EDGE(flags, SMTJ_SIM_F_ALL, SMTJ_SIM_F_ALL + 1);
	EDGE(scale_fv, 1, 0);
	EDGE(reserved[3], 0, 1);
	EDGE(level[2], 0, 1);		/* beyond 2^nr_junctions */
	EDGE(p_leave[1][0], 0, 1);	/* beyond nr_junctions */
	EDGE(nr_junctions, 1, 0);
	d = c;
	d.nr_junctions = SMTJ_SIM_MAX_JUNCTIONS;
	ok &= valid(&d);
	d.nr_junctions = SMTJ_SIM_MAX_JUNCTIONS + 1;
	ok &= !valid(&d);
#undef EDGE
	check(ok, "every field accepted at its edges, refused just past");
}

static void test_determinism(void)
{
	struct smtj_sim_config c;
	struct smtj_model a, b;
	u16 x[4096], y[4096];
	size_t off;
	u64 h = 1469598103934665603ULL;
	unsigned int i;

	smtj_model_default_config(&c);
	c.seed = 42;
	smtj_model_init(&a, &c);
	smtj_model_init(&b, &c);
	smtj_model_fill(&a, x, 4096);
	/* Batches of odd sizes must give the same stream as one batch. */
	for (off = 0; off < 4096; off += 37)
		smtj_model_fill(&b, y + off, off + 37 > 4096 ? 4096 - off : 37);
	check(!memcmp(x, y, sizeof(x)) && a.index == 4096 && b.index == 4096,
	      "stream independent of batch size");

	c.seed = 43;
	smtj_model_init(&b, &c);
	smtj_model_fill(&b, y, 4096);
	check(memcmp(x, y, sizeof(x)) != 0, "another seed, another stream");

	/*
	 * Golden hash of the first 4096 samples for seed 42: the stream is an
	 * ABI (devices and libsmtj must agree across versions).
	 */
	for (i = 0; i < 4096; i++) {
		h ^= x[i];
		h *= 1099511628211ULL;
	}
	printf("# fnv1a(seed 42, 4096 samples) = %016llx\n",
	       (unsigned long long)h);
	check(h == SMTJ_MODEL_GOLDEN, "stream matches the recorded golden hash");

	c.flags = SMTJ_SIM_F_PATTERN;
	smtj_model_init(&a, &c);
	smtj_model_fill(&a, x, 10);
	a.index = 65534;
	smtj_model_fill(&a, y, 3);
	check(x[0] == 0 && x[9] == 9 && y[0] == 65534 && y[2] == 0,
	      "pattern mode counts the sample index modulo 2^16");
}

/*
 * One symmetric junction without noise: the state sequence is a two-state
 * chain with flip probability p.  Theory: occupancy 1/2, mean dwell 1/p,
 * lag-k autocorrelation (1-2p)^k.  Standard errors for n samples of a chain
 * with lag-1 correlation r: the sample mean has variance
 * (1/4n)(1+r)/(1-r); a dwell-time mean over m dwells has sd
 * sqrt(1-p)/p/sqrt(m); the lag-k autocorrelation estimate has sd about
 * sqrt((1+r^2)/(1-r^2)/n) (Bartlett).  Tolerance: 5 standard errors.
 */
static void test_statistics(void)
{
	const size_t n = 1 << 22;
	const double p = 0.0809;
	struct smtj_sim_config c;
	struct smtj_model m;
	u16 *x = malloc(n * sizeof(*x));
	double ones = 0, r = 1 - 2 * p, se;
	size_t i, dwells = 0, runs_len = 0, run = 1;
	int k, ok = 1;

	smtj_model_default_config(&c);
	c.seed = 7;
	c.noise_sigma = 0;
	c.level[0] = 0;
	c.level[1] = 1;
	smtj_model_init(&m, &c);
	smtj_model_fill(&m, x, n);

	for (i = 0; i < n; i++)
		ones += x[i];
	se = sqrt(0.25 / n * (1 + r) / (1 - r));
	printf("# occupancy %.5f (theory 0.5, se %.5f)\n", ones / n, se);
	check(fabs(ones / n - 0.5) < 5 * se, "state occupancy 1/2");

	for (i = 1; i < n; i++) {
		if (x[i] == x[i - 1]) {
			run++;
			continue;
		}
		if (dwells || i > run) {	/* skip the censored first run */
			runs_len += run;
			dwells++;
		}
		run = 1;
	}
	se = sqrt(1 - p) / p / sqrt((double)dwells);
	printf("# mean dwell %.4f (theory %.4f, se %.4f, %zu dwells)\n",
	       (double)runs_len / dwells, 1 / p, se, dwells);
	check(fabs((double)runs_len / dwells - 1 / p) < 5 * se,
	      "mean dwell 1/p");

	for (k = 1; k <= 8; k *= 2) {
		double mu = ones / n, var = mu * (1 - mu), acc = 0, rho;
		double th = pow(r, k);

		for (i = 0; i + k < n; i++)
			acc += (x[i] - mu) * (x[i + k] - mu);
		rho = acc / (n - k) / var;
		se = sqrt((1 + r * r) / (1 - r * r) / n);
		printf("# lag-%d autocorrelation %.5f (theory %.5f, se %.5f)\n",
		       k, rho, th, se);
		ok &= fabs(rho - th) < 5 * se;
	}
	check(ok, "lag-k autocorrelation (1-2p)^k for k = 1, 2, 4, 8");
	free(x);
}

/* Two junctions: the four combinations occur with the product of the
 * stationary probabilities p01/(p01+p10) etc.
 */
static void test_two_junctions(void)
{
	const size_t n = 1 << 21;
	struct smtj_sim_config c;
	struct smtj_model m;
	u16 *x = malloc(n * sizeof(*x));
	double cnt[4] = { 0 }, pi0[2], ok = 1;
	size_t i;
	int s;

	smtj_model_default_config(&c);
	c.seed = 11;
	c.nr_junctions = 2;
	c.noise_sigma = 0;
	c.p_leave[0][0] = 50000000;	/* junction 0: 0.05 / 0.15 */
	c.p_leave[0][1] = 150000000;
	c.p_leave[1][0] = 100000000;	/* junction 1: 0.10 / 0.10 */
	c.p_leave[1][1] = 100000000;
	for (s = 0; s < 4; s++)
		c.level[s] = (u16)(100 + s);
	check(valid(&c), "two-junction config is valid");
	smtj_model_init(&m, &c);
	smtj_model_fill(&m, x, n);
	for (i = 0; i < n; i++)
		cnt[x[i] - 100]++;
	pi0[0] = 0.15 / 0.20;	/* P(junction 0 in state 0) */
	pi0[1] = 0.5;
	for (s = 0; s < 4; s++) {
		double th = (s & 1 ? 1 - pi0[0] : pi0[0]) *
			    (s & 2 ? 1 - pi0[1] : pi0[1]);
		/* correlated samples: inflate the binomial se by 20 (the
		 * integrated autocorrelation time is below 20 here)
		 */
		double se = sqrt(th * (1 - th) / n * 20);

		printf("# state %d: %.4f (theory %.4f)\n", s, cnt[s] / n, th);
		ok = ok && fabs(cnt[s] / n - th) < 5 * se;
	}
	check(ok, "two junctions: occupancy is the product of marginals");
	free(x);
}

/* The noise table: mean 0, variance 1, kurtosis 3 over a fine sweep. */
static void test_normal(void)
{
	double s1 = 0, s2 = 0, s4 = 0, cnt = 0;
	u64 w;

	for (w = 0; w < (1ULL << 32); w += 4099) {
		double z = smtj_model_normal_q24((u32)w) / 16777216.0;

		s1 += z;
		s2 += z * z;
		s4 += z * z * z * z;
		cnt++;
	}
	s1 /= cnt;
	s2 /= cnt;
	s4 /= cnt;
	printf("# normal: mean %.6f var %.6f kurtosis %.4f\n", s1, s2,
	       s4 / (s2 * s2));
	check(fabs(s1) < 1e-4 && fabs(s2 - 1) < 1e-3 &&
	      fabs(s4 / (s2 * s2) - 3) < 0.01,
	      "observation noise has mean 0, variance 1, kurtosis 3");
}

int main(void)
{
	printf("1..12\n");
	test_validate();
	test_determinism();
	test_statistics();
	test_two_junctions();
	test_normal();
	return tests_failed ? 1 : 0;
}
