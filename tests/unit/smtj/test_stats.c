// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Statistics against synthetic chains with known parameters.  Tolerances
 * are 5 standard errors derived from the chain (stated at each check);
 * seeds are fixed.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include "libsmtj.h"
#include "../tap.h"

#define Z 5.0

/* A simulated single junction: levels 100/200 codes, leave
 * probabilities p0 (from state 0) and p1, Gaussian noise sigma codes. */
static float *chain(size_t n, double p0, double p1, double sigma,
		    uint64_t seed)
{
	struct smtj_sim_config cfg;
	struct smtj_sim *sim;
	uint16_t *c = malloc(n * sizeof(*c));
	float *x = malloc(n * sizeof(*x));

	smtj_sim_default_config(&cfg);
	cfg.seed = seed;
	cfg.p_leave[0][0] = (uint32_t)llround(p0 * 1e9);
	cfg.p_leave[0][1] = (uint32_t)llround(p1 * 1e9);
	cfg.level[0] = 100;
	cfg.level[1] = 200;
	cfg.noise_sigma = (uint32_t)llround(sigma * 1000);
	if (smtj_sim_create(&sim, &cfg, NULL)) {
		free(c);
		free(x);
		return NULL;
	}
	smtj_sim_fill(sim, c, n);
	for (size_t i = 0; i < n; i++)
		x[i] = c[i];
	smtj_sim_destroy(sim);
	free(c);
	return x;
}

static void test_hist(struct tap *t)
{
	float x[] = { 0, 0.5, 1, 1.5, 2, 2.5, 3, -1, 10 };
	struct smtj_hist h;
	int ret = smtj_hist(&h, x, 9, 3, 0, 3, NULL);

	tap_ok(t, !ret && h.count[0] == 2 && h.count[1] == 2 && h.count[2] == 2 &&
	       h.below == 1 && h.above == 2, "histogram counts and outliers");
	smtj_hist_free(&h);
	ret = smtj_hist(&h, x, 9, 11, 0, 0, NULL);
	tap_ok(t, !ret && h.count[0] >= 1 && h.count[10] == 1 && !h.above && !h.below,
	       "histogram over the data range holds min and max");
	smtj_hist_free(&h);
}

/*
 * Levels and dwell times of an asymmetric chain: stationary occupancy of
 * state 1 is pi = p0 / (p0 + p1); run lengths in state s are geometric,
 * mean 1/p_s, sd sqrt(1 - p_s)/p_s.  A level is the mean of its noisy
 * samples: SE sigma / sqrt(n pi_s).  The occupancy of a two-state chain
 * with eigenvalue lambda = 1 - p0 - p1 has var pi(1-pi)(1+lambda)/(1-lambda)/n.
 */
static void test_levels_dwell(struct tap *t)
{
	const size_t n = 2000000;
	const double p0 = 0.05, p1 = 0.2, sg = 8, lam = 1 - p0 - p1;
	const double pi = p0 / (p0 + p1);
	float *x = chain(n, p0, p1, sg, 1234);
	struct smtj_levels lv;
	struct smtj_dwell d;
	double se_pi = sqrt(pi * (1 - pi) * (1 + lam) / (1 - lam) / n);
	uint64_t hist[64];

	if (!x) {
		tap_ok(t, 0, "simulator");
		return;
	}
	tap_ok(t, !smtj_levels_detect(&lv, x, n, 2, NULL) && lv.n == 2,
	       "two levels found");
	/* rounding of the noise to codes adds 1/12 to the level's variance */
	tap_near(t, lv.level[0], 100, Z * sqrt((sg * sg + 1.0 / 12) / (n * (1 - pi))),
		 "level 0");
	tap_near(t, lv.level[1], 200, Z * sqrt((sg * sg + 1.0 / 12) / (n * pi)),
		 "level 1");
	tap_near(t, lv.weight[1], pi, Z * se_pi, "occupancy of level 1");
	tap_near(t, lv.sd[0], sqrt(sg * sg + 1.0 / 12), Z * sg / sqrt(2.0 * n * (1 - pi)),
		 "spread of level 0");
	tap_ok(t, !smtj_dwell(&d, x, n, 150, NULL), "dwell times");
	tap_near(t, d.mean[0], 1 / p0, Z * sqrt(1 - p0) / p0 / sqrt(d.count[0]),
		 "mean dwell in state 0 = 1/p0");
	tap_near(t, d.mean[1], 1 / p1, Z * sqrt(1 - p1) / p1 / sqrt(d.count[1]),
		 "mean dwell in state 1 = 1/p1");
	tap_near(t, d.sem[0], sqrt(1 - p0) / p0 / sqrt(d.count[0]),
		 0.05 * sqrt(1 - p0) / p0 / sqrt(d.count[0]),
		 "its standard error matches the geometric law (5 %)");
	/* geometric: P(len = 1) = p1; SE sqrt(p1 (1 - p1) / count) */
	smtj_dwell_hist(&d, 1, hist, 64);
	tap_near(t, (double)hist[0] / d.count[1], p1,
		 Z * sqrt(p1 * (1 - p1) / d.count[1]), "dwell distribution P(1) = p1");
	smtj_dwell_free(&d);
	free(x);
}

/*
 * Autocorrelation: the FFT path equals the direct sums (to rounding), and
 * a symmetric chain's lag-k value is c (1 - 2p)^k with c the state's share
 * of the variance (Bartlett bound as in test_noise).
 */
static void test_acf(struct tap *t)
{
	const size_t n = 1000000, L = 300;
	const double p = 0.02, sg = 20, phi = 1 - 2 * p;
	const double c = 2500 / (2500 + sg * sg + 1.0 / 12);
	float *x = chain(n, p, p, sg, 77);
	double *a = malloc((L + 1) * sizeof(double)), *b = malloc((L + 1) * sizeof(double));
	double worst = 0, se;

	if (!x || !a || !b)
		goto out;
	tap_ok(t, !smtj_acf_direct(x, 20000, a, L, NULL) &&
	       !smtj_acf_fft(x, 20000, b, L, NULL), "direct and FFT autocorrelation");
	for (size_t k = 0; k <= L; k++)
		worst = fmax(worst, fabs(a[k] - b[k]));
	tap_ok(t, worst < 1e-9, "FFT equals direct sums (max diff %.3g)", worst);
	tap_ok(t, !smtj_acf(x, n, a, L, NULL), "autocorrelation of 1e6 values");
	se = sqrt(4 * (1 + 2 * c * c * phi * phi / (1 - phi * phi)) / n);
	for (size_t k = 1; k <= 100; k *= 10)
		tap_near(t, a[k], c * pow(phi, (double)k), Z * se,
			 k == 1 ? "lag 1 = c(1-2p)" : k == 10 ? "lag 10" : "lag 100");
out:
	free(a);
	free(b);
	free(x);
}

/*
 * Néel–Arrhenius fit.  Exact data give the parameters back; then dwell
 * times measured on simulated junctions at five current biases (physics ->
 * simulator -> dwell) give back tau0 and delta within 5 of the fit's
 * standard errors.  Mean dwell m (samples) -> tau = -dt / ln(1 - 1/m).
 */
static void test_arrhenius(struct tap *t)
{
	double bias[5] = { -0.1, -0.05, 0, 0.05, 0.1 }, tau[5], se[5];
	struct smtj_arrhenius fit;
	struct smtj_junction_params jp;
	int ok = 1;

	for (int i = 0; i < 5; i++)
		tau[i] = 1e-9 * exp(40 * (1 - bias[i]));
	ok = !smtj_arrhenius_fit(bias, tau, NULL, 5, 1, &fit, NULL);
	tap_ok(t, ok && fabs(fit.delta - 40) < 1e-9 && fabs(fit.tau0 / 1e-9 - 1) < 1e-9,
	       "exact data: delta %.12g, tau0 %.12g", fit.delta, fit.tau0);
	smtj_junction_default(&jp);
	jp.delta[0] = 10;
	jp.rate_hz = 1e6;
	jp.noise_v = 0;
	for (int i = 0; i < 5; i++) {
		struct smtj_sim_config cfg;
		struct smtj_sim *sim;
		struct smtj_dwell d;
		const size_t n = 2000000;
		uint16_t *c = malloc(n * sizeof(*c));
		float *x = malloc(n * sizeof(*x));
		double m, dt = 1 / jp.rate_hz, dm;

		jp.i_ratio = bias[i];
		if (smtj_junction_to_sim(&jp, 500 + i, &cfg, NULL) ||
		    smtj_sim_create(&sim, &cfg, NULL)) {
			ok = 0;
			free(c);
			free(x);
			break;
		}
		smtj_sim_fill(sim, c, n);
		for (size_t k = 0; k < n; k++)
			x[k] = c[k];
		smtj_dwell(&d, x, n, 0.5 * (cfg.level[0] + cfg.level[1]), NULL);
		m = d.mean[0];		/* the P state: destabilised by +I */
		tau[i] = -dt / log(1 - 1 / m);
		/* d tau / d m = dt / (m^2 (1 - 1/m) ln(1 - 1/m)^2) */
		dm = dt / (m * m * (1 - 1 / m) * pow(log(1 - 1 / m), 2));
		se[i] = dm * d.sem[0];
		smtj_dwell_free(&d);
		smtj_sim_destroy(sim);
		free(c);
		free(x);
	}
	ok = ok && !smtj_arrhenius_fit(bias, tau, se, 5, 1, &fit, NULL);
	tap_ok(t, ok, "fit of simulated dwell times");
	tap_near(t, fit.delta, 10, Z * fit.delta_se, "delta = Eb/kBT");
	tap_near(t, log(fit.tau0), log(1e-9), Z * fit.tau0_se / fit.tau0, "ln tau0");
	/* chi^2 with 3 degrees of freedom: mean 3, sd sqrt(6) */
	tap_ok(t, fit.chi2 < 3 + Z * sqrt(6), "chi2 %.3g consistent with 3 dof", fit.chi2);
}

int main(void)
{
	struct tap t = { 0 };

	test_hist(&t);
	test_levels_dwell(&t);
	test_acf(&t);
	test_arrhenius(&t);
	return tap_done(&t);
}
