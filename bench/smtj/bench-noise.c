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

/* A recording for the replay source in the system's temporary
 * directory, @bytes of it, @fill writing value i; its path into @path. */
static int recording(char *path, size_t len, const char *ext, size_t bytes,
		     void (*fill)(void *buf, size_t i))
{
	char tmp[] = "/tmp/smtj-bench-XXXXXX";
	int fd = mkstemp(tmp), ok = fd >= 0;
	size_t rec = !strcmp(ext, ".f32") ? 4 : 2, per = (1 << 20) / rec;
	void *v = malloc(1 << 20);

	for (size_t done = 0; ok && v && done < bytes; done += 1 << 20) {
		for (size_t i = 0; i < per; i++)
			fill((char *)v + i * rec, done / rec + i);
		ok = write(fd, v, 1 << 20) == 1 << 20;
	}
	free(v);
	if (fd >= 0)
		close(fd);
	snprintf(path, len, "%s%s", tmp, ext);
	if (!ok || !v || rename(tmp, path)) {
		unlink(tmp);
		return -1;
	}
	return 0;
}

static void fill_f32(void *p, size_t i)
{
	float f = (float)(i & 1023) * 1e-4f;

	memcpy(p, &f, 4);
}

static void fill_u16(void *p, size_t i)
{
	uint16_t c = (uint16_t)(2400 + (i * 2654435761u >> 20) % 700);

	memcpy(p, &c, 2);
}

int main(int argc, char **argv)
{
	static const char *const specs[] = {
		"gauss", "bernoulli", "bernoulli:h=4", "hmm", "hmm:serial",
		"junction", "junction:serial", "junction:n=4,serial",
		"hmm:cond=std", "hmm:arduino",
	};
	/* Replay streams binary recordings from the file in chunks: a
	 * 1 M-value float32 one and a 64 MiB (32 M-value) u16 one, larger
	 * than the caches, read from the page cache. */
	static const struct {
		const char *name, *ext;
		size_t bytes;
		void (*fill)(void *buf, size_t i);
	} rec[] = {
		{ "replay:f32", ".f32", 4 << 20, fill_f32 },
		{ "replay:u16", ".u16", 64 << 20, fill_u16 },
	};
	const size_t ns = sizeof(specs) / sizeof(specs[0]);
	char path[sizeof(rec) / sizeof(rec[0])][64], spec[128];
	FILE *out = stdout;
	struct smtj_err err;
	int first = 1, have[sizeof(rec) / sizeof(rec[0])];

	if (argc > 1 && !(out = fopen(argv[1], "w"))) {
		perror(argv[1]);
		return 1;
	}
	for (size_t k = 0; k < sizeof(rec) / sizeof(rec[0]); k++)
		have[k] = !recording(path[k], sizeof(path[k]), rec[k].ext,
				     rec[k].bytes, rec[k].fill);
	fprintf(out, "{\n  \"benchmark\": \"libsmtj noise sources\",\n"
		"  \"library\": \"%s\",\n  \"shape\": [%d, %d],\n  \"threads\": 1,\n"
		"  \"clock\": \"thread CPU time (wall = cpu * cpu_share)\",\n"
		"  \"values_per_second\": {\n", smtj_version(), ROWS, COLS);
	for (size_t i = 0; i < ns + sizeof(rec) / sizeof(rec[0]); i++) {
		const char *name = i < ns ? specs[i] : rec[i - ns].name;
		double r;

		if (i < ns)
			snprintf(spec, sizeof(spec), "%s", specs[i]);
		else if (have[i - ns])
			snprintf(spec, sizeof(spec), "replay:path=%s", path[i - ns]);
		else
			continue;
		r = bench_spec(spec, &err);
		if (r < 0) {
			fprintf(stderr, "bench-noise: %s: %s\n", spec, err.msg);
			continue;
		}
		fprintf(out, "%s    \"%s\": {\"cpu\": %.4g, \"cpu_share\": %.3f}",
			first ? "" : ",\n", name, r, wall_ratio);
		first = 0;
	}
	fprintf(out, "\n  },\n  \"sim_core_samples_per_second\": %.4g\n}\n", bench_core());
	for (size_t k = 0; k < sizeof(rec) / sizeof(rec[0]); k++)
		if (have[k])
			unlink(path[k]);
	if (out != stdout)
		fclose(out);
	return 0;
}
