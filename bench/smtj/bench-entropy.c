// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * SP 800-90B assessment of 1 M binary samples (the bound: under
 * 60 s on one core, under 1 GB): CPU seconds of each estimator and of the
 * whole assessment, and the peak resident memory, on uniform bits and on
 * the p = 0.0809 two-state chain (long repeats: the hard case for the
 * suffix array).  A second run on 1 M uniform bytes (8-bit symbols and
 * their 8 M-bit bitstring).  JSON to argv[1] (or stdout).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <time.h>
#include "libsmtj.h"

#define N 1000000

static double cpu(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
	return ts.tv_sec + ts.tv_nsec * 1e-9;
}

static uint64_t next(uint64_t *x)
{
	*x ^= *x >> 12;
	*x ^= *x << 25;
	*x ^= *x >> 27;
	return *x * 0x2545f4914f6cdd1dULL;
}

static int one(FILE *out, const char *name, const uint8_t *s, size_t n,
	       unsigned int bits, int first)
{
	struct smtj_entropy *a = malloc(sizeof(*a));
	struct smtj_err err = { 0 };
	double t0 = cpu(), total;

	if (!a || smtj_entropy_assess(a, s, n, bits, NULL, &err)) {
		fprintf(stderr, "bench-entropy: %s: %s\n", name, err.msg);
		free(a);
		return 1;
	}
	total = cpu() - t0;
	fprintf(out, "%s\"%s\":{\"samples\":%zu,\"bits\":%u,\"cpu_s\":%.3f,\"h\":%.6f,\"per_estimator_cpu_s\":{",
		first ? "" : ",", name, n, bits, total, a->h);
	for (int e = 0; e < SMTJ_ENT_COUNT; e++) {
		struct smtj_entropy_est x;

		t0 = cpu();
		if (smtj_entropy_binary_only(e) && bits > 1)
			continue;
		if (smtj_entropy_estimate(e, s, n, NULL, &x, &err)) {
			fprintf(stderr, "bench-entropy: %s: %s\n", name, err.msg);
			free(a);
			return 1;
		}
		fprintf(out, "%s\"%s\":%.3f", e ? "," : "", smtj_entropy_name(e), cpu() - t0);
	}
	fprintf(out, "}}");
	free(a);
	return 0;
}

int main(int argc, char **argv)
{
	FILE *out = stdout;
	uint8_t *s = malloc(N);
	struct rusage ru;
	uint64_t x = 1;
	int ret;

	if (!s || (argc > 1 && !(out = fopen(argv[1], "w")))) {
		perror("bench-entropy");
		return 1;
	}
	fprintf(out, "{\"bench\":\"smtj-entropy\",\"limit_cpu_s\":60,\"limit_rss_mb\":1024,\"runs\":{");
	for (size_t i = 0; i < N; i++)
		s[i] = next(&x) >> 63;
	ret = one(out, "uniform_bits", s, N, 1, 1);
	s[0] = 0;
	for (size_t i = 1; i < N && !ret; i++)
		s[i] = s[i - 1] ^ ((next(&x) >> 11) * 0x1.0p-53 < 0.0809);
	ret = ret ? ret : one(out, "markov_p0.0809", s, N, 1, 0);
	for (size_t i = 0; i < N && !ret; i++)
		s[i] = (uint8_t)(next(&x) >> 56);
	ret = ret ? ret : one(out, "uniform_bytes", s, N, 8, 0);
	getrusage(RUSAGE_SELF, &ru);
	fprintf(out, "},\"max_rss_mb\":%.1f}\n", ru.ru_maxrss / 1024.0);
	if (out != stdout)
		fclose(out);
	free(s);
	return ret;
}
