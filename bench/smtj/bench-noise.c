// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Values per second of every libsmtj noise source on this host, filling
 * the trainer's shape (rows = 2B = 128, cols = 500), single thread, and
 * of the shared simulator core alone.  JSON to the file named by argv[1]
 * (or stdout).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include "libsmtj.h"

#define ROWS 128
#define COLS 500
#define MIN_SECONDS 0.5

/* The machine is shared: report per CPU-second of this thread (what one
 * core does) and per wall-second (what this run got). */
static double clk(clockid_t id)
{
	struct timespec ts;

	clock_gettime(id, &ts);
	return ts.tv_sec + ts.tv_nsec * 1e-9;
}

static double now(void)
{
	return clk(CLOCK_THREAD_CPUTIME_ID);
}

static double wall_ratio;	/* cpu seconds / wall seconds of the last run */

static double bench_spec(const char *spec, struct smtj_err *err)
{
	static float out[ROWS * COLS];
	struct smtj_noise *nz;
	double t0, t;
	uint64_t calls = 0;

	if (smtj_noise_from_spec(&nz, spec, 1, err))
		return -1;
	for (int i = 0; i < 8; i++)	/* warm up: stream state, caches */
		smtj_noise_fill(nz, i % 4, out, ROWS, COLS, err);
	double w0 = clk(CLOCK_MONOTONIC);

	t0 = now();
	do {
		for (int i = 0; i < 16; i++, calls++)
			if (smtj_noise_fill(nz, (unsigned int)(calls % 4), out, ROWS, COLS, err)) {
				smtj_noise_destroy(nz);
				return -1;
			}
		t = now() - t0;
	} while (t < MIN_SECONDS);
	wall_ratio = t / (clk(CLOCK_MONOTONIC) - w0);
	smtj_noise_destroy(nz);
	return calls * (double)ROWS * COLS / t;
}

static double bench_core(void)
{
	static uint16_t out[65536];
	struct smtj_sim_config cfg;
	struct smtj_sim *sim;
	double t0, t;
	uint64_t n = 0;

	smtj_sim_default_config(&cfg);
	if (smtj_sim_create(&sim, &cfg, NULL))
		return -1;
	t0 = now();
	do {
		for (int i = 0; i < 16; i++, n += 65536)
			smtj_sim_fill(sim, out, 65536);
		t = now() - t0;
	} while (t < MIN_SECONDS);
	smtj_sim_destroy(sim);
	return n / t;
}

int main(int argc, char **argv)
{
	char tmp[] = "/tmp/smtj-bench-XXXXXX", path[64], spec[128];
	static const char *const specs[] = {
		"gauss", "bernoulli", "bernoulli:h=4", "hmm", "hmm:serial",
		"junction", "junction:serial", "junction:n=4,serial",
		"hmm:cond=std", "hmm:arduino", NULL /* replay, below */
	};
	FILE *out = stdout;
	struct smtj_err err;
	int fd = mkstemp(tmp), first = 1;

	if (argc > 1 && !(out = fopen(argv[1], "w"))) {
		perror(argv[1]);
		return 1;
	}
	/* a 1 M-value float32 recording for the replay source */
	if (fd >= 0) {
		float *v = malloc(1 << 22);

		for (int i = 0; v && i < (1 << 20); i++)
			v[i] = (float)(i & 1023) * 1e-4f;
		if (!v || write(fd, v, 1 << 22) != 1 << 22)
			fd = -1;
		free(v);
		snprintf(path, sizeof(path), "%s.f32", tmp);
		rename(tmp, path);
	}
	fprintf(out, "{\n  \"benchmark\": \"libsmtj noise sources\",\n"
		"  \"library\": \"%s\",\n  \"shape\": [%d, %d],\n  \"threads\": 1,\n"
		"  \"clock\": \"thread CPU time (wall = cpu * cpu_share)\",\n"
		"  \"values_per_second\": {\n", smtj_version(), ROWS, COLS);
	for (size_t i = 0; i <= sizeof(specs) / sizeof(specs[0]); i++) {
		const char *s = i < sizeof(specs) / sizeof(specs[0]) ? specs[i] : NULL;
		double r;

		if (i < sizeof(specs) / sizeof(specs[0]) - 1) {
			snprintf(spec, sizeof(spec), "%s", s);
		} else if (i == sizeof(specs) / sizeof(specs[0]) - 1) {
			if (fd < 0)
				continue;
			snprintf(spec, sizeof(spec), "replay:path=%s", path);
		} else {
			break;
		}
		r = bench_spec(spec, &err);
		if (r < 0) {
			fprintf(stderr, "bench-noise: %s: %s\n", spec, err.msg);
			continue;
		}
		fprintf(out, "%s    \"%s\": {\"cpu\": %.4g, \"cpu_share\": %.3f}",
			first ? "" : ",\n",
			strncmp(spec, "replay", 6) ? spec : "replay:f32", r, wall_ratio);
		first = 0;
	}
	fprintf(out, "\n  },\n  \"sim_core_samples_per_second\": %.4g\n}\n", bench_core());
	if (fd >= 0)
		unlink(path);
	if (out != stdout)
		fclose(out);
	return 0;
}
