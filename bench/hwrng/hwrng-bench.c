// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * hwrng-bench: the hwrng extraction pipeline (common/smtj_extract.c) on
 * the shared junction model at the paper's parameters.  Reports output
 * bits per input sample, conditioned bytes per CPU second of the extractor
 * and per second at the device's sample rate, for von Neumann and Peres
 * debiasing and for the SHA-256 conditioner at the assessed min-entropy
 * per state of --min-entropy (milli-bits, default 60), with the ratio of
 * SHA-256 to Peres; with --rngtest N also pipes N bytes of each
 * conditioner's output and N bytes of raw thresholded states through
 * rngtest (FIPS 140-2) and records the failed blocks of each; and the
 * CPU time per state of the online min-entropy estimate on its own, with
 * its share of the SHA-256 extractor's (which runs it).  JSON to the file
 * named by --json (or stdout).
 */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "smtj_extract.h"
#include "smtj_model.h"

#define CHUNK	(1U << 20)

static u16 samples[CHUNK];
static u8 bytes[SMTJ_EXTRACT_OUT_BYTES];
static struct smtj_extract ex;

static double cpu_now(void)
{
	struct timespec t;

	clock_gettime(CLOCK_THREAD_CPUTIME_ID, &t);
	return t.tv_sec + 1e-9 * t.tv_nsec;
}

struct result {
	const char *name;
	u32 depth;
	u32 cond;		/* enum smtj_conditioner */
	unsigned long long samples, out_bytes;
	double cpu_s, model_cpu_s;
};

static void measure(struct result *r, const struct smtj_sim_config *sc,
		    unsigned long long nsamples, u32 min_entropy)
{
	struct smtj_extract_config c;
	struct smtj_model m;
	size_t k, off;
	double t0;

	smtj_model_init(&m, sc);
	smtj_extract_default_config(&c);
	c.peres_depth = r->depth;
	c.conditioner = r->cond;
	c.min_entropy = min_entropy;
	if (smtj_extract_init(&ex, &c)) {
		fprintf(stderr, "hwrng-bench: bad extractor configuration\n");
		exit(1);
	}
	r->samples = 0;
	r->out_bytes = 0;
	r->cpu_s = 0;
	r->model_cpu_s = 0;
	while (r->samples < nsamples) {
		t0 = cpu_now();
		smtj_model_fill(&m, samples, CHUNK);
		r->model_cpu_s += cpu_now() - t0;
		t0 = cpu_now();
		for (off = 0; off < CHUNK;) {
			off += smtj_extract_feed(&ex, samples + off, CHUNK - off,
						 r->samples + off);
			while ((k = smtj_extract_read(&ex, bytes, sizeof(bytes))))
				r->out_bytes += k;
		}
		r->cpu_s += cpu_now() - t0;
		r->samples += CHUNK;
	}
}

/*
 * The online min-entropy estimate alone (the extractor runs it on every
 * state): CPU seconds for *@n thresholded states of the model (rounded
 * up to whole chunks, *@n on return); *@windows: the estimates it made.
 */
static double measure_online(const struct smtj_sim_config *sc,
			     unsigned long long *n, unsigned long long *windows)
{
	static struct smtj_online on;
	static u8 st[CHUNK];
	u32 mid = (sc->level[0] + sc->level[1]) / 2;
	struct smtj_model m;
	unsigned long long done;
	double t0, cpu = 0;
	size_t i;

	smtj_model_init(&m, sc);
	smtj_online_init(&on, 1);
	for (done = 0; done < *n; done += CHUNK) {
		smtj_model_fill(&m, samples, CHUNK);
		for (i = 0; i < CHUNK; i++)
			st[i] = samples[i] >= mid;
		t0 = cpu_now();
		for (i = 0; i < CHUNK; i++)
			smtj_online_add(&on, st[i]);
		cpu += cpu_now() - t0;
	}
	*windows = on.windows;
	*n = done;
	return cpu;
}

/*
 * Pipe @n bytes through rngtest: raw thresholded states (@raw), else the
 * output of conditioner @cond; failed, total blocks.
 */
static int rngtest(unsigned long long n, int raw, u32 cond, u32 min_entropy,
		   const struct smtj_sim_config *sc, unsigned int *failed,
		   unsigned int *blocks)
{
	char tmp[] = "/tmp/hwrng-bench-XXXXXX", cmd[128], line[256];
	struct smtj_extract_config c;
	struct smtj_model m;
	unsigned int ok = 0;
	u64 index = 0;
	FILE *p, *log;
	int fd;

	fd = mkstemp(tmp);
	if (fd < 0)
		return -errno;
	snprintf(cmd, sizeof(cmd), "rngtest >/dev/null 2>%s", tmp);
	p = popen(cmd, "w");
	if (!p)
		return -errno;
	smtj_model_init(&m, sc);
	smtj_extract_default_config(&c);
	c.conditioner = cond;
	c.min_entropy = min_entropy;
	if (smtj_extract_init(&ex, &c))
		return -EINVAL;
	while (n) {
		size_t k, i;

		smtj_model_fill(&m, samples, CHUNK);
		if (raw) {
			/* one bit per sample, at the midpoint of the levels */
			u32 mid = sc->level[0] + sc->level[1];

			for (i = 0; i + 8 <= CHUNK && n; i += 8, n--) {
				u8 b = 0;
				int j;

				for (j = 0; j < 8; j++)
					b = (u8)(b << 1 | (2U * samples[i + j] >= mid));
				fputc(b, p);
			}
			continue;
		}
		for (i = 0; i < CHUNK && n;) {
			i += smtj_extract_feed(&ex, samples + i, CHUNK - i, index + i);
			while (n && (k = smtj_extract_read(&ex, bytes,
							   n < sizeof(bytes) ? n : sizeof(bytes)))) {
				fwrite(bytes, 1, k, p);
				n -= k;
			}
		}
		index += CHUNK;
	}
	pclose(p);
	log = fdopen(fd, "r");
	*failed = 0;
	while (log && fgets(line, sizeof(line), log)) {
		sscanf(line, "rngtest: FIPS 140-2 successes: %u", &ok);
		sscanf(line, "rngtest: FIPS 140-2 failures: %u", failed);
	}
	if (log)
		fclose(log);
	unlink(tmp);
	*blocks = ok + *failed;
	return *blocks ? 0 : -EIO;
}

int main(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "json", required_argument, NULL, 'j' },
		{ "samples", required_argument, NULL, 's' },
		{ "rngtest", required_argument, NULL, 'r' },
		{ "seed", required_argument, NULL, 'S' },
		{ "min-entropy", required_argument, NULL, 'm' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	struct result res[] = {
		{ .name = "von-neumann", .depth = 1 },
		{ .name = "peres", .depth = SMTJ_EXTRACT_DEPTH_MAX },
		{ .name = "sha256", .depth = SMTJ_EXTRACT_DEPTH_MAX,
		  .cond = SMTJ_COND_SHA256 },
	};
	const int nres = sizeof(res) / sizeof(res[0]);
	unsigned long long nsamples = 200000000ULL, rbytes = 0, seed = 42;
	unsigned long long online_states, online_windows;
	double online_cpu;
	unsigned int cf = 0, cb = 0, rf = 0, rb = 0, sf = 0, sb = 0;
	u32 min_entropy = 60;
	struct smtj_extract_config c;
	struct smtj_sim_config sc;
	const char *json = NULL;
	FILE *out = stdout;
	int opt, i;

	while ((opt = getopt_long(argc, argv, "j:s:r:S:m:h", opts, NULL)) != -1) {
		switch (opt) {
		case 'j':
			json = optarg;
			break;
		case 's':
			nsamples = strtoull(optarg, NULL, 0);
			break;
		case 'r':
			rbytes = strtoull(optarg, NULL, 0);
			break;
		case 'S':
			seed = strtoull(optarg, NULL, 0);
			break;
		case 'm':
			min_entropy = (u32)strtoul(optarg, NULL, 0);
			if (!min_entropy || min_entropy > 1000) {
				fprintf(stderr, "hwrng-bench: --min-entropy: 1..1000 milli-bits\n");
				return 2;
			}
			break;
		default:
			printf("usage: hwrng-bench [--json FILE] [--samples N] [--rngtest BYTES] [--seed N] [--min-entropy MBITS]\n");
			return opt == 'h' ? 0 : 2;
		}
	}

	smtj_model_default_config(&sc);
	sc.seed = seed;
	smtj_extract_default_config(&c);
	for (i = 0; i < nres; i++)
		measure(&res[i], &sc, nsamples, min_entropy);
	online_states = nsamples;
	online_cpu = measure_online(&sc, &online_states, &online_windows);
	if (rbytes && (rngtest(rbytes, 0, SMTJ_COND_PERES, 0, &sc, &cf, &cb) ||
		       rngtest(rbytes, 0, SMTJ_COND_SHA256, min_entropy, &sc,
			       &sf, &sb) ||
		       rngtest(rbytes, 1, 0, 0, &sc, &rf, &rb))) {
		fprintf(stderr, "hwrng-bench: rngtest did not run\n");
		return 1;
	}

	if (json) {
		out = fopen(json, "w");
		if (!out) {
			perror(json);
			return 1;
		}
	}
	fprintf(out, "{\n  \"bench\": \"hwrng\",\n  \"seed\": %llu,\n",
		(unsigned long long)sc.seed);
	fprintf(out, "  \"model\": {\"rate_hz\": %u, \"p_leave\": %.4f, \"levels\": [%u, %u], \"noise_sigma_codes\": %.3f, \"adc_bits\": %u},\n",
		sc.rate_hz, sc.p_leave[0][0] / 1e9, sc.level[0], sc.level[1],
		sc.noise_sigma / 1000.0, sc.adc_bits);
	fprintf(out, "  \"extractor\": {\"dwell_mult\": %u, \"decim_min\": %u, \"decim_max\": %u, \"block_bits\": %u, \"h_claimed\": %.4f, \"alpha_log2\": %u},\n",
		c.dwell_mult, c.decim_min, c.decim_max, c.block_bits,
		c.health.h_q16 / 65536.0, c.health.alpha_log2);
	fprintf(out, "  \"sha256\": {\"min_entropy_mbits_per_state\": %u, \"credit_bits\": %u},\n",
		min_entropy, SMTJ_EXTRACT_SHA_CREDIT_MB / 1000);
	fprintf(out, "  \"results\": [\n");
	for (i = 0; i < nres; i++) {
		struct result *r = &res[i];
		double bps = 8.0 * r->out_bytes / r->samples;

		fprintf(out, "    {\"debias\": \"%s\", \"depth\": %u, \"samples\": %llu, \"output_bytes\": %llu, \"bits_per_sample\": %.5f, \"extract_msamples_per_cpu_s\": %.1f, \"conditioned_bytes_per_cpu_s\": %.0f, \"conditioned_bytes_per_s_at_rate\": %.1f, \"model_msamples_per_cpu_s\": %.1f}%s\n",
			r->name, r->depth, r->samples, r->out_bytes, bps,
			r->samples / r->cpu_s / 1e6, r->out_bytes / r->cpu_s,
			bps * sc.rate_hz / 8, r->samples / r->model_cpu_s / 1e6,
			i == nres - 1 ? "" : ",");
	}
	/* its share of the SHA-256 extractor's time, which includes it */
	fprintf(out, "  ],\n  \"online_estimate\": {\"states\": %llu, \"windows\": %llu, \"ns_per_state\": %.2f, \"mstates_per_cpu_s\": %.1f, \"share_of_sha256_extractor\": %.3f},\n",
		online_states, online_windows, 1e9 * online_cpu / online_states,
		online_states / online_cpu / 1e6,
		online_cpu / online_states / (res[2].cpu_s / res[2].samples));
	fprintf(out, "  \"ratio_sha256_vs_peres_bits_per_sample\": %.3f",
		(double)res[2].out_bytes / res[2].samples /
		((double)res[1].out_bytes / res[1].samples));
	if (rbytes)
		fprintf(out, ",\n  \"rngtest\": {\"bytes\": %llu, \"gate_failed_blocks_max\": 3, \"conditioned\": {\"blocks\": %u, \"failed\": %u, \"pass\": %s}, \"sha256\": {\"blocks\": %u, \"failed\": %u, \"pass\": %s}, \"raw_thresholded\": {\"blocks\": %u, \"failed\": %u, \"pass\": %s}}",
			rbytes, cb, cf, cf <= 3 ? "true" : "false", sb, sf,
			sf <= 3 ? "true" : "false", rb, rf,
			rf <= 3 ? "true" : "false");
	fprintf(out, "\n}\n");
	if (json)
		fclose(out);
	return 0;
}
