// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Noise sources against theory.  Every tolerance is a multiple (5) of a
 * standard error derived from the source's model, stated where it is
 * used; seeds are fixed, so a failure is a real deviation, not chance
 * (5 sigma: about 6e-7 per comparison).
 */
#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include "libsmtj.h"
#include "../tap.h"

#define Z 5.0

static void moments(const float *x, size_t n, double *m, double *v)
{
	double s = 0, s2 = 0;

	for (size_t i = 0; i < n; i++)
		s += x[i];
	s /= n;
	for (size_t i = 0; i < n; i++)
		s2 += (x[i] - s) * (x[i] - s);
	*m = s;
	*v = s2 / n;
}

/* Pooled lag-k autocorrelation of the columns of x[rows][cols]. */
static double acf_cols(const float *x, size_t rows, size_t cols, size_t k)
{
	double m, v, c = 0;

	moments(x, rows * cols, &m, &v);
	for (size_t r = 0; r + k < rows; r++)
		for (size_t j = 0; j < cols; j++)
			c += (x[r * cols + j] - m) * (x[(r + k) * cols + j] - m);
	return c / (v * rows * cols);
}

static struct smtj_noise *mk(struct tap *t, const char *spec, uint64_t seed)
{
	struct smtj_err err = { 0 };
	struct smtj_noise *nz = NULL;
	int ret = smtj_noise_from_spec(&nz, spec, seed, &err);

	tap_ok(t, ret == 0, "create %s%s%s", spec, ret ? ": " : "", err.msg);
	return nz;
}

/* Fill @calls times @rows x @cols into x (calls*rows rows). */
static int fill_calls(struct smtj_noise *nz, unsigned int stream, float *x,
		      size_t calls, size_t rows, size_t cols)
{
	struct smtj_err err;

	for (size_t i = 0; i < calls; i++)
		if (smtj_noise_fill(nz, stream, x + i * rows * cols, rows, cols, &err))
			return -1;
	return 0;
}

static void test_gauss(struct tap *t)
{
	const size_t n = 1000000;
	float *x = malloc(n * sizeof(float));
	struct smtj_noise *nz = mk(t, "gauss:sigma=2,h=3,offset=0.5", 1);
	double m, v, mu = 2 * 3 * 0.5, var = 4 * 3;

	if (!nz || fill_calls(nz, 0, x, 1, 1000, 1000)) {
		tap_ok(t, 0, "gauss fill");
		goto out;
	}
	moments(x, n, &m, &v);
	/* iid: SE(mean) = sd/sqrt(n), SE(var) = var*sqrt(2/n) (normal) */
	tap_near(t, m, mu, Z * sqrt(var / n), "gauss mean");
	tap_near(t, v, var, Z * var * sqrt(2.0 / n), "gauss variance");
	tap_near(t, acf_cols(x, n, 1, 1), 0, Z / sqrt(n), "gauss lag-1 acf");
	/* kurtosis 3 checks the tails of the ziggurat: SE = sqrt(24/n) */
	{
		double k4 = 0;

		for (size_t i = 0; i < n; i++)
			k4 += pow((x[i] - m) / sqrt(v), 4);
		tap_near(t, k4 / n, 3, Z * sqrt(24.0 / n), "gauss kurtosis");
	}
	tap_ok(t, smtj_noise_consumed(nz) == n, "gauss consumed %llu",
	       (unsigned long long)smtj_noise_consumed(nz));
out:
	smtj_noise_destroy(nz);
	free(x);
}

static void test_bernoulli(struct tap *t)
{
	const size_t n = 1000000;
	float *x = malloc(n * sizeof(float));
	struct smtj_noise *nz = mk(t, "bernoulli", 2);
	struct smtj_noise *nc = mk(t, "bernoulli:sigma=1,p=0.3,h=4,centred", 3);
	double m, v, s = 0.0125, q, var;
	int vals_ok = 1;

	if (!nz || !nc || fill_calls(nz, 0, x, 1, 1000, 1000)) {
		tap_ok(t, 0, "bernoulli fill");
		goto out;
	}
	for (size_t i = 0; i < n; i++)
		vals_ok &= x[i] == 0.0f || x[i] == 0.0125f;
	tap_ok(t, vals_ok, "bernoulli reference values are {0, 0.0125}");
	moments(x, n, &m, &v);
	/* iid Bernoulli: SE(mean) = s sqrt(q(1-q)/n); the sample variance
	 * of 0/1 values has SE ~ s^2 sqrt((mu4 - var^2)/n), mu4-var^2 <= 1/16 */
	tap_near(t, m, s * 0.5, Z * s * 0.5 / sqrt(n), "bernoulli mean");
	tap_near(t, v, s * s * 0.25, Z * s * s * 0.25 / sqrt(n), "bernoulli variance");
	if (fill_calls(nc, 0, x, 1, 1000, 1000)) {
		tap_ok(t, 0, "bernoulli centred fill");
		goto out;
	}
	q = 0.3;
	var = 4 * q * (1 - q);
	moments(x, n, &m, &v);
	tap_near(t, m, 0, Z * sqrt(var / n), "bernoulli centred h=4 mean");
	/* binomial(4, q): mu4 = 4pq(1+3(4-2)pq) = ..., SE(var) <= var*sqrt(3/n) */
	tap_near(t, v, var, Z * var * sqrt(3.0 / n), "bernoulli h=4 variance");
	/* fair coins take the popcount path: binomial(5, 1/2), mean 2.5,
	 * variance 1.25, mu4 - var^2 <= 3 var^2 */
	smtj_noise_destroy(nc);
	nc = mk(t, "bernoulli:sigma=1,h=5", 4);
	if (!nc || fill_calls(nc, 0, x, 1, 1000, 1000))
		goto out;
	moments(x, n, &m, &v);
	tap_near(t, m, 2.5, Z * sqrt(1.25 / n), "bernoulli fair h=5 mean");
	tap_near(t, v, 1.25, Z * 1.25 * sqrt(3.0 / n), "bernoulli fair h=5 variance");
out:
	smtj_noise_destroy(nz);
	smtj_noise_destroy(nc);
	free(x);
}

/*
 * The paper's HMM: xi = L + s a + sn N, s = +-1 flipping with p.  With
 * phi = 1 - 2p and c = a^2 / (a^2 + sn^2):
 *   mean L, variance a^2 + sn^2, lag-k autocorrelation c phi^k,
 *   var(mean of N values over independent chains) =
 *     (sn^2 + a^2 (1 + phi) / (1 - phi)) / N      (AR(1)-like state),
 *   Bartlett: var(r_k) <= (4/N) sum_j rho_j^2, sum_j rho_j^2 =
 *     1 + 2 c^2 phi^2 / (1 - phi^2),
 *   dwell times geometric: mean 1/p, sd sqrt(1-p)/p.
 */
static void test_hmm(struct tap *t, const char *spec, int serial)
{
	const double p = 0.0809, L = 0.042092104, a = 0.0059316154;
	const double sn = 0.00090841466, phi = 1 - 2 * p;
	const double c = a * a / (a * a + sn * sn);
	const size_t rows = 128, cols = 64, calls = 200;
	const size_t N = rows * cols * calls;
	float *x = malloc(N * sizeof(float));
	struct smtj_noise *nz = mk(t, spec, 42);
	double m, v, sum_rho2 = 1 + 2 * c * c * phi * phi / (1 - phi * phi);
	double se_r = sqrt(4 * sum_rho2 / N);
	size_t R = rows * calls;

	if (!nz || fill_calls(nz, 3, x, calls, rows, cols)) {
		tap_ok(t, 0, "%s fill", spec);
		goto out;
	}
	moments(x, N, &m, &v);
	tap_near(t, m, L, Z * sqrt((sn * sn + a * a * (1 + phi) / (1 - phi)) / N),
		 serial ? "serial hmm mean" : "hmm mean");
	/* var of the sample variance: cross term 4 a^2 sn^2 / N and the
	 * noise's 2 sn^4 / N, plus the bias var(mean) */
	tap_near(t, v, a * a + sn * sn,
		 Z * sqrt((4 * a * a * sn * sn + 2 * pow(sn, 4)) / N) +
		 (sn * sn + a * a * (1 + phi) / (1 - phi)) / N * cols,
		 serial ? "serial hmm variance" : "hmm variance");
	for (size_t k = 1; k <= 5; k += 2) {
		/* per node: lag k along rows; serial: lag k along the
		 * flattened sequence */
		double r = serial ? acf_cols(x, N, 1, k) : acf_cols(x, R, cols, k);

		tap_near(t, r, c * pow(phi, k), Z * se_r,
			 k == 1 ? "hmm lag-1 acf (paper: 0.82)" :
			 k == 3 ? "hmm lag-3 acf" : "hmm lag-5 acf");
	}
	{
		/* neighbouring nodes in one row: independent chains per node
		 * (0, SE as Bartlett's for two independent series, sqrt(sum
		 * rho_j^2 / N)); the serial chain gives the reference's worst
		 * case, neighbours one time step apart: c phi */
		double mm, vv, cc = 0;

		moments(x, N, &mm, &vv);
		for (size_t r = 0; r < R; r++)
			for (size_t j = 0; j + 1 < cols; j++)
				cc += (x[r * cols + j] - mm) * (x[r * cols + j + 1] - mm);
		cc /= vv * R * (cols - 1);
		tap_near(t, cc, serial ? c * phi : 0, Z * sqrt(sum_rho2 / (R * (cols - 1.0))),
			 serial ? "serial: neighbouring nodes correlate like lag 1" :
				  "per node: neighbouring nodes uncorrelated");
	}
	if (!serial) {
		/* dwell per node column; threshold at L */
		float *col = malloc(R * sizeof(float));
		double sum = 0;
		size_t cnt = 0;

		for (size_t j = 0; j < cols; j++) {
			struct smtj_dwell d;

			for (size_t r = 0; r < R; r++)
				col[r] = x[r * cols + j];
			if (smtj_dwell(&d, col, R, L, NULL))
				break;
			for (int s = 0; s < 2; s++) {
				sum += d.mean[s] * d.count[s];
				cnt += d.count[s];
			}
			smtj_dwell_free(&d);
		}
		tap_near(t, sum / cnt, 1 / p, Z * sqrt(1 - p) / p / sqrt(cnt),
			 "hmm mean dwell 1/p (paper: 12.4)");
		free(col);
	}
out:
	smtj_noise_destroy(nz);
	free(x);
}

static void test_junction(struct tap *t)
{
	struct smtj_junction_params jp;
	struct smtj_sim_config cfg;
	struct smtj_err err;
	const size_t rows = 256, cols = 32, calls = 100, N = rows * cols * calls;
	float *x = malloc(N * sizeof(float));
	struct smtj_noise *nz = mk(t, "junction", 7), *ns;
	double lsb, p, phi, sa, sn2, m, v, c;

	smtj_junction_default(&jp);
	smtj_junction_to_sim(&jp, 7, &cfg, &err);
	tap_ok(t, cfg.level[0] == 180 && cfg.level[1] == 238 &&
	       cfg.noise_sigma == 4510 && llabs((long long)cfg.p_leave[0][0] - 80900000) < 20000,
	       "default physics gives the paper's fit: levels %u/%u, sigma %u, p %u",
	       cfg.level[0], cfg.level[1], cfg.noise_sigma, cfg.p_leave[0][0]);
	if (!nz || fill_calls(nz, 0, x, calls, rows, cols)) {
		tap_ok(t, 0, "junction fill");
		goto serial;
	}
	lsb = cfg.scale_fv * 1e-15;
	p = cfg.p_leave[0][0] / 1e9;
	phi = 1 - 2 * p;
	sa = 29 * lsb;				/* half the level gap */
	sn2 = (4.51 * 4.51 + 1.0 / 12) * lsb * lsb;	/* rounded noise */
	c = sa * sa / (sa * sa + sn2);
	moments(x, N, &m, &v);
	/* as for the HMM (same two-state structure) */
	tap_near(t, m, 209 * lsb, Z * sqrt((sn2 + sa * sa * (1 + phi) / (1 - phi)) / N),
		 "junction mean");
	tap_near(t, v, sa * sa + sn2,
		 Z * sqrt((4 * sa * sa * sn2 + 2 * sn2 * sn2) / N) +
		 (sn2 + sa * sa * (1 + phi) / (1 - phi)) / N * cols,
		 "junction variance");
	tap_near(t, acf_cols(x, rows * calls, cols, 1), c * phi,
		 Z * sqrt(4 * (1 + 2 * c * c * phi * phi / (1 - phi * phi)) / N),
		 "junction lag-1 acf");
serial:
	/* serial mode is the kernel simulator's stream, value for value */
	ns = mk(t, "junction:serial", 99);
	if (ns) {
		struct smtj_sim *sim;
		uint16_t *code = malloc(5000 * sizeof(uint16_t));
		float lsbf;
		int same = 1;

		smtj_junction_to_sim(&jp, 99, &cfg, &err);
		lsbf = (float)(cfg.scale_fv * 1e-15);
		smtj_sim_create(&sim, &cfg, &err);
		smtj_sim_fill(sim, code, 5000);
		smtj_noise_fill(ns, 0, x, 10, 100, &err);
		smtj_noise_fill(ns, 5, x + 1000, 40, 100, &err);
		for (size_t i = 0; i < 5000; i++)
			same &= x[i] == lsbf * code[i];
		tap_ok(t, same, "junction:serial equals the shared simulator core");
		smtj_sim_destroy(sim);
		free(code);
	}
	smtj_noise_destroy(ns);
	smtj_noise_destroy(nz);
	free(x);
}

static int write_file(const char *path, const void *buf, size_t len)
{
	FILE *f = fopen(path, "wb");

	if (!f)
		return -1;
	fwrite(buf, 1, len, f);
	return fclose(f);
}

/* Replay as the reference code (Documentation/userspace-api/libsmtj.rst,
 * "replay"): one global position, rows*cols values sample-major
 * node-minor per request, layers and passes in call order, wrapping at
 * the end. */
static void test_replay(struct tap *t, const char *dir)
{
	char path[512], spec[600];
	float v[1000], out[2000];
	struct smtj_noise *nz;
	struct smtj_err err;
	size_t pos = 0;
	int ok = 1;

	for (int i = 0; i < 1000; i++)
		v[i] = (float)i;
	snprintf(path, sizeof(path), "%s/seq.f32", dir);
	write_file(path, v, sizeof(v));
	snprintf(spec, sizeof(spec), "replay:path=%s", path);
	nz = mk(t, spec, 0);
	if (!nz)
		return;
	/* a 2-layer net, B = 3: layer widths 7 and 5, rows = 2B */
	for (int step = 0; step < 40 && ok; step++) {
		size_t widths[2] = { 7, 5 };

		for (int l = 0; l < 2 && ok; l++) {
			smtj_noise_fill(nz, (unsigned int)l, out, 6, widths[l], &err);
			for (size_t r = 0; r < 6; r++)
				for (size_t c = 0; c < widths[l]; c++) {
					ok &= out[r * widths[l] + c] == (float)(pos % 1000);
					pos++;
				}
		}
	}
	tap_ok(t, ok && pos > 2000, "replay: sample-major, node-minor, layer order, wraps (%zu values)",
	       pos);
	smtj_noise_destroy(nz);
	/* h = 2: sums two consecutive blocks (the reference's n_sources) */
	snprintf(spec, sizeof(spec), "replay:path=%s,h=2,start=990", path);
	nz = mk(t, spec, 0);
	if (nz) {
		smtj_noise_fill(nz, 0, out, 2, 4, &err);
		ok = 1;
		for (int i = 0; i < 8; i++)
			ok &= out[i] == (float)((990 + i) % 1000 + (998 + i) % 1000);
		tap_ok(t, ok, "replay h=2 sums consecutive blocks across the wrap");
		smtj_noise_destroy(nz);
	}
	/* h = 2, passes = 2: a 2B-row request is the reference's two pass
	 * requests, each summing two blocks of B*cols */
	snprintf(spec, sizeof(spec), "replay:path=%s,h=2,passes=2", path);
	nz = mk(t, spec, 0);
	if (nz) {
		smtj_noise_fill(nz, 0, out, 4, 3, &err);	/* B = 2, 3 nodes */
		ok = 1;
		for (int i = 0; i < 6; i++)
			ok &= out[i] == (float)(i + (6 + i)) &&
			      out[6 + i] == (float)(12 + i + (18 + i));
		tap_ok(t, ok, "replay passes=2 sums per pass, as the reference");
		smtj_noise_destroy(nz);
	}
	/* the Arduino sampler: each request is the window shuffled, and the
	 * window advances by one sample per request */
	snprintf(spec, sizeof(spec), "replay:path=%s,arduino", path);
	nz = mk(t, spec, 5);
	if (nz) {
		int seen[1000] = { 0 }, perm_ok = 1, shuffled = 0;

		smtj_noise_fill(nz, 0, out, 200, 1, &err);
		for (int i = 0; i < 200; i++) {
			int k = (int)out[i];

			perm_ok &= k >= 0 && k < 200 && !seen[k]++;
			shuffled |= k != i;
		}
		smtj_noise_fill(nz, 0, out, 1, 200, &err);
		memset(seen, 0, sizeof(seen));
		for (int i = 0; i < 200; i++) {
			int k = (int)out[i];

			perm_ok &= k >= 1 && k < 201 && !seen[k]++;
		}
		tap_ok(t, perm_ok && shuffled,
		       "arduino: 200 latest values shuffled, one new per request");
		smtj_noise_destroy(nz);
	}
}

static void expect_fail(struct tap *t, const char *dir, const char *name,
			const void *buf, size_t len, const char *want)
{
	char path[512], spec[600];
	struct smtj_noise *nz = NULL;
	struct smtj_err err = { 0 };
	int ret;

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	if (buf)
		write_file(path, buf, len);
	snprintf(spec, sizeof(spec), "replay:path=%s", path);
	ret = smtj_noise_from_spec(&nz, spec, 0, &err);
	tap_ok(t, ret < 0 && !nz && strstr(err.msg, path) && strstr(err.msg, want),
	       "refuses %s: %s", name, err.msg);
	smtj_noise_destroy(nz);
}

static void test_malformed(struct tap *t, const char *dir)
{
	float nanf32[3] = { 1, 2, NAN };
	char csv_bad[] = "V\n0.1\n0.2\nabc\n";
	char csv_rag[] = "t,V\n0,0.1\n1\n";

	expect_fail(t, dir, "empty.u16", "", 0, "offset 0");
	expect_fail(t, dir, "odd.u16", "\1\2\3", 3, "offset 2");
	expect_fail(t, dir, "short.f32", "\0\0\0\0\0\0", 6, "offset 4");
	expect_fail(t, dir, "nan.f32", nanf32, sizeof(nanf32), "offset 8");
	expect_fail(t, dir, "bad.csv", csv_bad, strlen(csv_bad), "offset 10");
	expect_fail(t, dir, "ragged.csv", csv_rag, strlen(csv_rag), "offset 10");
	expect_fail(t, dir, "header-only.csv", "V\n", 2, "no values");
	expect_fail(t, dir, "missing.f32", NULL, 0, "No such file");
}

static void test_spec_errors(struct tap *t)
{
	static const struct {
		const char *spec, *want;
	} cases[] = {
		{ "gaus", "unknown source 'gaus'" },
		{ "gauss:sigma=x", "'sigma=x' is not a finite number" },
		{ "gauss:sgma=1", "unknown key 'sgma'" },
		{ "hmm:p=2", "0 <= p <= 1" },
		{ "hmm:serial=1", "flag" },
		{ "gauss:sigma=1,sigma=2", "repeated at offset 14" },
		{ "gauss:sigma=1,", "trailing ','" },
		{ "gauss;x", "unexpected ';' at offset 5" },
		{ "junction:n=9", "n=9" },
		{ "junction:i=1.5", "bias" },
		{ "replay", "path= is required" },
		{ "gauss:cond=foo", "cond=foo" },
	};

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct smtj_noise *nz = NULL;
		struct smtj_err err = { 0 };
		int ret = smtj_noise_from_spec(&nz, cases[i].spec, 0, &err);

		tap_ok(t, ret < 0 && !nz && strstr(err.msg, cases[i].want),
		       "spec \"%s\" refused: %s", cases[i].spec, err.msg);
		smtj_noise_destroy(nz);
	}
}

static void test_cond_and_seeds(struct tap *t)
{
	const size_t n = 200000;
	float *x = malloc(n * sizeof(float)), *y = malloc(n * sizeof(float));
	struct smtj_noise *a = mk(t, "hmm:cond=std,alpha=0.5", 11);
	struct smtj_noise *b = mk(t, "hmm:cond=binary,alpha=2", 11);
	struct smtj_noise *c = mk(t, "hmm:cond=std,alpha=0.5", 11);
	struct smtj_err err;
	const double a2 = 0.0059316154 * 0.0059316154;
	const double sn2 = 0.00090841466 * 0.00090841466, phi = 1 - 2 * 0.0809;
	double m, v, rho = 0.819;
	int ok = 1, same = 1, differ = 0;

	if (!a || !b || !c)
		goto out;
	smtj_noise_fill(a, 0, x, 1000, 200, &err);
	moments(x, n, &m, &v);
	/* standardised: SE(mean) as the HMM's, ~ sqrt((1+rho)/(1-rho)/n) */
	tap_near(t, m, 0, Z * 0.5 * sqrt((1 + rho) / (1 - rho) / n), "cond=std mean 0");
	/* the HMM variance test's SE, scaled by alpha^2 / (a^2 + sn^2) */
	tap_near(t, v, 0.25, 0.25 / (a2 + sn2) *
		 (Z * sqrt((4 * a2 * sn2 + 2 * sn2 * sn2) / n) +
		  200 * (sn2 + a2 * (1 + phi) / (1 - phi)) / n),
		 "cond=std variance alpha^2");
	smtj_noise_fill(b, 0, y, 1000, 200, &err);
	for (size_t i = 0; i < n; i++)
		ok &= y[i] == 2.0f || y[i] == -2.0f;
	tap_ok(t, ok, "cond=binary gives +-alpha");
	/* binary follows the state: same seed, same chain as a */
	for (size_t i = 0; i < n; i++)
		same &= (x[i] > 0) == (y[i] > 0);
	tap_ok(t, same, "cond=binary thresholds at the midpoint of the levels");
	smtj_noise_fill(c, 0, y, 1000, 200, &err);
	tap_ok(t, !memcmp(x, y, n * sizeof(float)), "same seed, same stream");
	smtj_noise_fill(c, 1, y, 1000, 200, &err);
	for (size_t i = 0; i < n; i++)
		differ += x[i] != y[i];
	tap_ok(t, differ > (int)(n / 2), "another stream differs (%d of %zu)", differ, n);
out:
	smtj_noise_destroy(a);
	smtj_noise_destroy(b);
	smtj_noise_destroy(c);
	free(x);
	free(y);
}

int main(void)
{
	struct tap t = { 0 };
	char dir[] = "/tmp/smtj-test-XXXXXX";

	if (!mkdtemp(dir)) {
		printf("Bail out! mkdtemp\n");
		return 1;
	}
	test_gauss(&t);
	test_bernoulli(&t);
	test_hmm(&t, "hmm", 0);
	test_hmm(&t, "hmm:serial", 1);
	test_junction(&t);
	test_replay(&t, dir);
	test_malformed(&t, dir);
	test_spec_errors(&t);
	test_cond_and_seeds(&t);
	{
		char cmd[600];

		snprintf(cmd, sizeof(cmd), "rm -rf %s", dir);
		if (system(cmd))
			printf("# could not remove %s\n", dir);
	}
	return tap_done(&t);
}
