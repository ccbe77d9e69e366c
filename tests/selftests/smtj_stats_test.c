// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Statistics of the simulated junctions, read from the device: level
 * occupancy, mean dwell times and lag-k autocorrelation, each within
 * Z standard errors of the two-state Markov chain's theory.  Seeds are
 * fixed, so a run is deterministic; the tolerances are what a correct
 * model would need for any seed.
 *
 * Theory for one junction leaving state 0 with probability a and state 1
 * with probability b per sample (rho = 1 - a - b):
 *  - occupancy of state 1: pi = a / (a + b); the sample mean of the
 *    indicator over N samples has variance pi (1 - pi) / N * (1 + rho) /
 *    (1 - rho) (its autocorrelation is rho^k);
 *  - dwell times in state s are geometric: mean 1 / p_s, variance
 *    (1 - p_s) / p_s^2, independent, so the mean of m complete dwells has
 *    standard error sqrt(1 - p_s) / p_s / sqrt(m);
 *  - symmetric chain (a = b = p), x = +-1: x_t x_{t+k} is the product of k
 *    independent flips f = +-1 with E f = rho, so E x_t x_{t+k} = rho^k and
 *    Cov(x_t x_{t+k}, x_{t+h} x_{t+h+k}) = rho^{2h} - rho^{2k} for h < k,
 *    0 beyond: the estimator r_k = mean of x_t x_{t+k} over n = N - k terms
 *    has variance (1 - rho^{2k} + 2 sum_{h=1}^{k-1} (rho^{2h} - rho^{2k})) / n.
 */
#include <math.h>

#include "smtj_test.h"

#define Z	5.0	/* standard errors allowed */
#define P(x)	((uint32_t)((x) * SMTJ_SIM_PROB_ONE + 0.5))

/*
 * N samples of @cfg from /dev/smtj0, nothing lost; NULL on failure.  With
 * SMTJ_STATS_MODEL=1 in the environment, from the library model instead
 * (to check the tests themselves on the host).
 */
static uint16_t *device_stream(struct __test_metadata *_metadata,
			       struct smtj_sim_config *cfg, size_t n)
{
	uint16_t *buf = calloc(n, sizeof(*buf));
	struct smtj_info info;
	long got;
	int fd;

	if (!buf)
		return NULL;
	if (getenv("SMTJ_STATS_MODEL")) {
		static struct smtj_model m;

		smtj_model_init(&m, cfg);
		smtj_model_fill(&m, buf, n);
		return buf;
	}
	fd = smtj_open(0, O_RDWR);
	if (fd < 0)
		goto fail;
	if (smtj_set_consumer(fd, 1U << 20, 1) || smtj_set_sim(fd, cfg))
		goto fail_fd;
	got = smtj_read_samples(fd, buf, n, 60000);
	if (got != (long)n || smtj_get_info(fd, &info) || info.lost) {
		TH_LOG("read %ld of %zu samples, lost %llu", got, n,
		       (unsigned long long)info.lost);
		goto fail_fd;
	}
	close(fd);
	return buf;
fail_fd:
	close(fd);
fail:
	free(buf);
	return NULL;
}

static void check(struct __test_metadata *_metadata, const char *what,
		  double est, double theory, double se)
{
	double z = (est - theory) / se;

	TH_LOG("%-28s %10.5f theory %10.5f se %.5f z %+.2f", what, est, theory, se, z);
	EXPECT_GE(Z, fabs(z)) TH_LOG("%s: %.2f standard errors off", what, z);
}

/* occupancy and mean dwell times of the 0/1 sequence @x for rates a, b */
static void check_chain(struct __test_metadata *_metadata, const char *name,
			const uint8_t *x, size_t n, double a, double b)
{
	double pi = a / (a + b), rho = 1 - a - b, p[2] = { a, b };
	double sum[2] = { 0, 0 }, ones = 0;
	size_t m[2] = { 0, 0 }, i, start = 0;
	char what[64];
	int s;

	for (i = 0; i < n; i++)
		ones += x[i];
	snprintf(what, sizeof(what), "%s occupancy", name);
	check(_metadata, what, ones / n, pi,
	      sqrt(pi * (1 - pi) / n * (1 + rho) / (1 - rho)));
	/* complete dwells only: not the first nor the last */
	for (i = 1; i < n; i++) {
		if (x[i] == x[i - 1])
			continue;
		if (start) {
			sum[x[i - 1]] += (double)(i - start);
			m[x[i - 1]]++;
		}
		start = i;
	}
	for (s = 0; s < 2; s++) {
		ASSERT_LT(100, m[s]);
		snprintf(what, sizeof(what), "%s dwell in %d", name, s);
		check(_metadata, what, sum[s] / m[s], 1 / p[s],
		      sqrt(1 - p[s]) / p[s] / sqrt((double)m[s]));
	}
}

/* lag-k autocorrelation of a symmetric chain with flip probability p */
static void check_autocorr(struct __test_metadata *_metadata, const char *name,
			   const uint8_t *x, size_t n, double p, int k)
{
	double rho = 1 - 2 * p, acc = 0, var;
	size_t t, terms = n - k;
	char what[64];
	int h;

	for (t = 0; t < terms; t++)
		acc += x[t] == x[t + k] ? 1 : -1;
	var = 1 - pow(rho, 2 * k);
	for (h = 1; h < k; h++)
		var += 2 * (pow(rho, 2 * h) - pow(rho, 2 * k));
	snprintf(what, sizeof(what), "%s lag-%d autocorrelation", name, k);
	check(_metadata, what, acc / terms, pow(rho, k), sqrt(var / terms));
}

#define N	400000

/*
 * One noiseless junction leaving state 0 with probability @a and state 1
 * with @b, levels @lo and @hi on @bits bits: its states as 0/1, every
 * sample checked to be one of the two levels.  NULL on failure.
 */
static uint8_t *one_junction(struct __test_metadata *_metadata, uint64_t seed,
			     double a, double b, uint32_t bits, uint16_t lo,
			     uint16_t hi)
{
	struct smtj_sim_config cfg;
	uint8_t *x = malloc(N);
	uint16_t *v;
	size_t i;

	if (!getenv("SMTJ_STATS_MODEL") && smtj_module_ensure())
		return NULL;
	smtj_cfg(&cfg, SMTJ_SIM_F_UNTHROTTLED, 1000000, seed);
	cfg.adc_bits = bits;
	cfg.noise_sigma = 0;
	cfg.p_leave[0][0] = P(a);
	cfg.p_leave[0][1] = P(b);
	cfg.level[0] = lo;
	cfg.level[1] = hi;
	v = device_stream(_metadata, &cfg, N);
	for (i = 0; v && x && i < N; i++) {
		if (v[i] != lo && v[i] != hi) {
			TH_LOG("sample %zu = %u: neither level", i, v[i]);
			break;
		}
		x[i] = v[i] == hi;
	}
	free(v);
	if (!v || i < N) {
		free(x);
		return NULL;
	}
	return x;
}

TEST(symmetric_chain)
{
	static const int lags[] = { 1, 2, 5, 10, 20, 40 };
	uint8_t *x = one_junction(_metadata, 20240601, 0.05, 0.05, 12, 1000, 3000);
	size_t i;

	ASSERT_NE(NULL, x);
	check_chain(_metadata, "p=0.05", x, N, 0.05, 0.05);
	for (i = 0; i < sizeof(lags) / sizeof(lags[0]); i++)
		check_autocorr(_metadata, "p=0.05", x, N, 0.05, lags[i]);
	free(x);
}

TEST(asymmetric_chain)
{
	uint8_t *x = one_junction(_metadata, 77, 0.02, 0.08, 8, 10, 250);

	ASSERT_NE(NULL, x);
	check_chain(_metadata, "a=0.02 b=0.08", x, N, 0.02, 0.08);
	free(x);
}

/*
 * The paper's fit (the default configuration): levels 180 and 238 codes,
 * noise 4.51 codes, so a threshold at 209 misreads a sample with
 * probability 2 Phi(-6.4) ~ 1e-10.  Besides the chain, the noise: within a
 * state the codes have mean level and variance sigma^2 + 1/12 (rounding),
 * standard errors sigma / sqrt(n) and sigma^2 sqrt(2 / n).
 */
TEST(paper_default_with_noise)
{
	struct smtj_sim_config cfg;
	double p, sigma, s1[2] = { 0, 0 }, s2[2] = { 0, 0 }, cnt[2] = { 0, 0 };
	uint16_t *v;
	uint8_t *x;
	size_t i;
	int s, k;

	if (!getenv("SMTJ_STATS_MODEL"))
		ASSERT_EQ(0, smtj_module_ensure());
	smtj_cfg(&cfg, SMTJ_SIM_F_UNTHROTTLED, 1000000, 1);
	p = cfg.p_leave[0][0] / (double)SMTJ_SIM_PROB_ONE;
	sigma = cfg.noise_sigma / 1000.0;
	ASSERT_EQ(cfg.p_leave[0][0], cfg.p_leave[0][1]);
	v = device_stream(_metadata, &cfg, N);
	ASSERT_NE(NULL, v);
	x = malloc(N);
	ASSERT_NE(NULL, x);
	for (i = 0; i < N; i++) {
		x[i] = v[i] * 2 > cfg.level[0] + cfg.level[1];
		s1[x[i]] += v[i];
		s2[x[i]] += (double)v[i] * v[i];
		cnt[x[i]]++;
	}
	check_chain(_metadata, "paper", x, N, p, p);
	for (k = 1; k <= 8; k *= 2)
		check_autocorr(_metadata, "paper", x, N, p, k);
	for (s = 0; s < 2; s++) {
		double mean = s1[s] / cnt[s], var = s2[s] / cnt[s] - mean * mean;
		char what[64];

		snprintf(what, sizeof(what), "paper level %d mean", s);
		check(_metadata, what, mean, cfg.level[s], sigma / sqrt(cnt[s]));
		snprintf(what, sizeof(what), "paper level %d variance", s);
		check(_metadata, what, var, sigma * sigma + 1.0 / 12,
		      sigma * sigma * sqrt(2 / cnt[s]));
	}
	free(x);
	free(v);
}

/* Two junctions: each one's marginal chain, decoded from distinct levels. */
TEST(two_junctions_marginals)
{
	struct smtj_sim_config cfg;
	uint16_t *v;
	uint8_t *x0, *x1;
	size_t i;

	if (!getenv("SMTJ_STATS_MODEL"))
		ASSERT_EQ(0, smtj_module_ensure());
	smtj_cfg(&cfg, SMTJ_SIM_F_UNTHROTTLED, 1000000, 4242);
	cfg.nr_junctions = 2;
	cfg.adc_bits = 10;
	cfg.noise_sigma = 0;
	cfg.p_leave[0][0] = cfg.p_leave[0][1] = P(0.1);
	cfg.p_leave[1][0] = P(0.03);
	cfg.p_leave[1][1] = P(0.01);
	for (int s = 0; s < 4; s++)
		cfg.level[s] = (uint16_t)(100 * (s + 1));
	v = device_stream(_metadata, &cfg, N);
	ASSERT_NE(NULL, v);
	x0 = malloc(N);
	x1 = malloc(N);
	ASSERT_NE(NULL, x0);
	ASSERT_NE(NULL, x1);
	for (i = 0; i < N; i++) {
		unsigned int s = v[i] / 100 - 1;

		ASSERT_TRUE(v[i] % 100 == 0 && s < 4) TH_LOG("sample %zu = %u", i, v[i]);
		x0[i] = s & 1;
		x1[i] = s >> 1;
	}
	check_chain(_metadata, "junction 0", x0, N, 0.1, 0.1);
	check_autocorr(_metadata, "junction 0", x0, N, 0.1, 3);
	check_chain(_metadata, "junction 1", x1, N, 0.03, 0.01);
	free(x0);
	free(x1);
	free(v);
}

SMTJ_TEST_MAIN
