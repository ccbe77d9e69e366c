// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * danp-bench: train the reference MNIST recipe (784-500-500-500-10,
 * Bernoulli noise sigma 0.0125 uncentred, Adam, B 64) and report seconds
 * per epoch, samples/s, GFLOP/s, the OpenBLAS sgemm rate at the step's
 * shapes measured in the same run, clean and noisy test accuracy per
 * epoch, and peak memory, as JSON.  With --until X it trains until the
 * noisy test accuracy (the reference's metric) reaches X or --epochs run
 * out, and reports the epochs and seconds to 90 % and 95 %.
 *
 * The noise here is a bench-local Bernoulli generator (one random bit per
 * value), so the figures measure libdanp, not a noise source.
 *
 * The machine may be shared: besides wall-clock figures the JSON carries
 * process CPU time and the rates per CPU second, for training and for the
 * sgemm ceiling alike, so their ratio survives other load.
 *
 * --load N makes the load itself: N busy threads, thread i pinned to CPU
 * i, spin while the epochs train (their CPU time is left out of the
 * training CPU figures).  A 2-thread run must then fall back to one
 * thread rather than wait for its descheduled worker: the JSON carries
 * libdanp's thread statistics.
 */
#include <cblas.h>
#include <getopt.h>
#include <math.h>
#include <pthread.h>
#include <sched.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <time.h>
#include <unistd.h>
#include "libdanp.h"

struct bern {
	struct danp_rng rng;
	float sigma;
	uint64_t consumed;
};

static int bern_fill(void *ctx, unsigned int layer, float *out, size_t rows,
		     size_t cols)
{
	struct bern *b = ctx;
	size_t n = rows * cols;

	(void)layer;
	for (size_t i = 0; i < n; i += 64) {
		uint64_t bits = danp_rng_next(&b->rng);
		size_t m = n - i < 64 ? n - i : 64;

		for (size_t k = 0; k < m; k++)
			out[i + k] = (float)((bits >> k) & 1) * b->sigma;
	}
	b->consumed += n;
	return 0;
}

/*
 * How far R's diagonal is from 1 in layer @l: the rule moves R_ii only
 * by increments that float arithmetic drops while they are below half a
 * step at 1, so this shows when the increments outgrow that (results.rst,
 * "Long runs").  -1 when the layer has no R.
 */
static double r_diag_dev(struct danp_net *net, unsigned int l, size_t d)
{
	const float *R = danp_net_decor(net, l);
	float *dg, *u, *v;
	unsigned int k = danp_net_decor_lowrank(net, l, &dg, &u, &v);
	double dev = 0;

	if (!R && !k)
		return -1;
	for (size_t i = 0; i < d; i++) {
		/* Low-rank R: R_ii = D_i + sum_j U_ij V_ij. */
		double rii = R ? R[i * d + i] : dg[i];

		for (unsigned int j = 0; !R && j < k; j++)
			rii += (double)u[i * k + j] * v[i * k + j];
		if (fabs(rii - 1.0) > dev)
			dev = fabs(rii - 1.0);
	}
	return dev;
}

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}

static double cpu_now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
	return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}

struct hog {
	pthread_t tid;
	unsigned int cpu;
	atomic_int *stop;
	double cpu_seconds;
};

static void *hog_run(void *v)
{
	struct hog *h = v;
	cpu_set_t set;
	struct timespec ts;
	volatile unsigned long spin = 0;

	CPU_ZERO(&set);
	CPU_SET(h->cpu, &set);
	pthread_setaffinity_np(pthread_self(), sizeof(set), &set);
	while (!atomic_load_explicit(h->stop, memory_order_relaxed))
		spin++;
	clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
	h->cpu_seconds = (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
	return NULL;
}

/* One sgemm call of a training step: transposes and shape. */
struct gemm_call {
	int ta, tb, M, N, K;
};

/*
 * The products one step of @rule makes on the MLP @sizes with batch @B,
 * as lib/danp computes them (forward.c, rules.c, decor.c).  Returns the
 * number of calls written to @c (at most 8 per layer).
 */
static int step_calls(const size_t *sizes, unsigned int L, int B, int bp,
		      int decor, struct gemm_call *c)
{
	int n = 0;

	for (unsigned int l = 0; l < L; l++) {
		int din = (int)sizes[l], dout = (int)sizes[l + 1];
		/* Both passes stacked except on the input layer. */
		int rows = (!bp && l > 0) ? 2 * B : B;

		if (decor)
			c[n++] = (struct gemm_call){ 0, 1, rows, din, din };
		c[n++] = (struct gemm_call){ 0, 1, rows, dout, din };
		c[n++] = (struct gemm_call){ 1, 0, dout, din, B };
		if (bp && l > 0)
			c[n++] = (struct gemm_call){ 0, 0, B, din, dout };
		if (decor) {
			c[n++] = (struct gemm_call){ 0, 0, B, din, din };
			c[n++] = (struct gemm_call){ 1, 0, din, din, B };
		}
	}
	return n;
}

struct replay {
	const struct gemm_call *calls;
	int nc;
	double flops;
};

/* The step's products replayed for 2 s by one thread (its own buffers). */
static void *replay(void *v)
{
	struct replay *r = v;
	float *a = calloc(1024 * 1024, 4), *b = calloc(1024 * 1024, 4),
	      *c = calloc(1024 * 1024, 4);
	double t0 = now();

	r->flops = 0;
	if (!a || !b || !c)
		goto out;
	for (int i = 0; i < 1024 * 1024; i++)
		a[i] = b[i] = 1e-3f * (float)(i % 97);
	while (now() - t0 < 2.0)
		for (int k = 0; k < r->nc; k++) {
			const struct gemm_call *g = &r->calls[k];

			cblas_sgemm(CblasRowMajor, g->ta ? CblasTrans : CblasNoTrans,
				    g->tb ? CblasTrans : CblasNoTrans, g->M, g->N,
				    g->K, 1, a, g->ta ? g->M : g->K, b,
				    g->tb ? g->K : g->N, 0, c, g->N);
			r->flops += 2.0 * g->M * g->N * g->K;
		}
out:
	free(a);
	free(b);
	free(c);
	return NULL;
}

/*
 * The sgemm ceiling: the very products of one training step, replayed
 * for 2 s by @threads threads at once, each with its own buffers and a
 * single-threaded BLAS call, or (@blas_threads > 1) by one thread whose
 * calls OpenBLAS itself splits over that many threads.  GFLOP/s per wall
 * second (return value) and per CPU second (*per_cpu).
 */
static double sgemm_rate(const struct danp_spec *spec, int bp, int decor,
			 int threads, int blas_threads, double *per_cpu)
{
	struct gemm_call calls[8 * DANP_MAX_LAYERS];
	struct replay r[DANP_MAX_THREADS];
	pthread_t tid[DANP_MAX_THREADS];
	int nc = step_calls(spec->sizes, spec->n_layers, 64, bp, decor, calls);
	double flops = 0, t0 = now(), c0 = cpu_now();

	openblas_set_num_threads(blas_threads);
	for (int i = 0; i < threads; i++) {
		r[i] = (struct replay){ calls, nc, 0 };
		if (i && pthread_create(&tid[i], NULL, replay, &r[i]))
			return 0;
	}
	replay(&r[0]);
	for (int i = 1; i < threads; i++)
		pthread_join(tid[i], NULL);
	for (int i = 0; i < threads; i++)
		flops += r[i].flops;
	t0 = now() - t0;
	*per_cpu = flops / (cpu_now() - c0) / 1e9;
	return flops / t0 / 1e9;
}

struct epoch_result {
	double seconds, cpu, loss, wall;	/* wall: since training began */
	size_t samples;
	struct danp_eval clean, noisy;
	/* max |R_ii - 1| of each decorrelated layer's R (-1: none) */
	double r_diag_dev[4];
};

static void usage(FILE *f)
{
	fprintf(f, "usage: danp-bench [--data DIR] [--epochs N] [--threads N] "
		"[--seed N] [--rule danp|bp|...] [--no-center] [--max-batches N] "
		"[--no-sgemm] [--lr X] [--blas-core auto] [--blas-threads] "
		"[--until ACC] [--decor-every K] [--decor-input-only] [--decor-rank K] [--load N] [--json FILE]\n");
}

/* Time to accuracy: the first epoch whose @noisy (else clean) test
 * accuracy reaches @target, as JSON; null when none did.  Training CPU
 * seconds beside the wall clock: on a shared machine they stay near the
 * idle machine's wall time at one thread. */
static void print_reach(FILE *out, const struct epoch_result *ep, int epochs,
			double target, int noisy, const char *sep)
{
	double train = 0, cpu = 0;

	for (int e = 0; e < epochs; e++) {
		double acc = noisy ? ep[e].noisy.accuracy : ep[e].clean.accuracy;

		train += ep[e].seconds;
		cpu += ep[e].cpu;
		if (acc >= target) {
			fprintf(out, "    { \"target\": %.2f, \"metric\": \"%s\", "
				"\"epochs\": %d, \"train_seconds\": %.1f, "
				"\"wall_seconds\": %.1f, \"train_cpu_seconds\": %.1f }%s\n",
				target, noisy ? "test_acc_noisy" : "test_acc_clean",
				e + 1, train, ep[e].wall, cpu, sep);
			return;
		}
	}
	fprintf(out, "    { \"target\": %.2f, \"metric\": \"%s\", "
		"\"epochs\": null, \"train_seconds\": null, "
		"\"wall_seconds\": null, \"train_cpu_seconds\": null }%s\n", target,
		noisy ? "test_acc_noisy" : "test_acc_clean", sep);
}

int main(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "data", 1, 0, 'd' }, { "epochs", 1, 0, 'e' },
		{ "threads", 1, 0, 't' }, { "seed", 1, 0, 's' },
		{ "rule", 1, 0, 'r' }, { "center", 0, 0, 'c' },
		{ "no-center", 0, 0, 'C' }, { "until", 1, 0, 'u' },
		{ "max-batches", 1, 0, 'm' }, { "json", 1, 0, 'j' },
		{ "no-sgemm", 0, 0, 'n' }, { "lr", 1, 0, 'l' },
		{ "blas-core", 1, 0, 'b' }, { "blas-threads", 0, 0, 'B' },
		{ "load", 1, 0, 'L' }, { "decor-every", 1, 0, 'k' }, { "decor-input-only", 0, 0, 'i' },
		{ "decor-rank", 1, 0, 'R' },
		{ "help", 0, 0, 'h' }, { 0, 0, 0, 0 },
	};
	const char *dir = "data/mnist", *json = NULL;
	int epochs = 1, threads = 1, center = 1, do_sgemm = 1, o;
	int blas_split = 0, bp, decor, input_only = 0;
	unsigned int decor_every = 1, decor_rank = 0, n_hogs = 0;
	struct hog hogs[64];
	atomic_int hog_stop;
	double hog_cpu = 0;
	struct danp_thread_stats ts;
	unsigned long long seed = 42;
	size_t max_batches = 0;
	float lr = 0;
	double until = 0, t_start;
	enum danp_rule rule = DANP_RULE_DANP;
	struct danp_dataset tr, te;
	struct danp_spec spec;
	struct danp_params p;
	struct danp_net *net;
	struct danp_err err;
	struct danp_rng rng;
	struct bern noise;
	char a[512], b[512];
	double gemm = 0, gemm_cpu = 0, tsum = 0, csum = 0, macs;
	double g0 = 0, g0c = 0, g1 = 0, g1c = 0, gb = 0, gbc = 0;
	FILE *out = stdout;
	struct rusage ru;
	struct epoch_result *ep;

	{
		/* Faster BLAS kernels than OpenBLAS detects: restart once with
		 * them, unless OPENBLAS_CORETYPE is set (--blas-core auto
		 * overrides that; the kernels in use go to the JSON). */
		int force = 0;
		const char *core;

		for (int i = 1; i + 1 < argc; i++)
			force |= !strcmp(argv[i], "--blas-core") &&
				 !strcmp(argv[i + 1], "auto");
		core = getenv("OPENBLAS_CORETYPE") && !force ? NULL :
		       danp_blas_coretype_hint();
		if (core && !setenv("OPENBLAS_CORETYPE", core, 1))
			execv("/proc/self/exe", argv);
	}
	while ((o = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
		switch (o) {
		case 'd': dir = optarg; break;
		case 'e': epochs = atoi(optarg); break;
		case 't': threads = atoi(optarg); break;
		case 's': seed = strtoull(optarg, NULL, 0); break;
		case 'r':
			if (danp_rule_parse(optarg, &rule)) {
				usage(stderr);
				return 2;
			}
			break;
		case 'c': center = 1; break;	/* the default; kept for scripts */
		case 'C': center = 0; break;
		case 'u': until = atof(optarg); break;
		case 'm': max_batches = (size_t)atol(optarg); break;
		case 'j': json = optarg; break;
		case 'n': do_sgemm = 0; break;
		case 'l': lr = (float)atof(optarg); break;
		case 'b': break;	/* handled before OpenBLAS matters */
		case 'B': blas_split = 1; break;
		case 'k': decor_every = (unsigned int)atoi(optarg); break;
		case 'i': input_only = 1; break;
		case 'R': decor_rank = (unsigned int)atoi(optarg); break;
		case 'L': n_hogs = (unsigned int)atoi(optarg); break;
		case 'h': usage(stdout); return 0;
		default: usage(stderr); return 2;
		}
	}
	if (threads < 1 || threads > DANP_MAX_THREADS || epochs < 1 ||
	    n_hogs > 64) {
		usage(stderr);
		return 2;
	}
	snprintf(a, sizeof(a), "%s/train-images-idx3-ubyte", dir);
	snprintf(b, sizeof(b), "%s/train-labels-idx1-ubyte", dir);
	if (danp_load_idx(&tr, a, b, &err)) {
		fprintf(stderr, "danp-bench: %s\n", err.msg);
		return 1;
	}
	snprintf(a, sizeof(a), "%s/t10k-images-idx3-ubyte", dir);
	snprintf(b, sizeof(b), "%s/t10k-labels-idx1-ubyte", dir);
	if (danp_load_idx(&te, a, b, &err)) {
		fprintf(stderr, "danp-bench: %s\n", err.msg);
		return 1;
	}
	danp_normalize_mnist(&tr);
	danp_normalize_mnist(&te);
	if (max_batches && max_batches * 64 < tr.n)
		tr.n = max_batches * 64;
	danp_spec_parse(&spec, "784-500-500-500-10", &err);
	if (input_only) {	/* cheaper decorrelation: layer 0's input only */
		spec.decor_default = 0;
		spec.decor[0] = 1;
	}
	danp_params_default(&p);
	p.decor_every = decor_every;
	p.decor_rank = decor_rank;	/* D + U V^T; libdanp checks the range */
	p.rule = rule;
	p.decor_center = center;
	if (rule == DANP_RULE_BP || rule == DANP_RULE_BP_DECOR)
		p.lr = 0.1f / 512;	/* paper Table I: 0.1 * 2^-9 */
	if (lr > 0)
		p.lr = lr;
	noise.sigma = 0.0125f;
	noise.consumed = 0;
	danp_rng_seed(&noise.rng, seed ^ 0x6e6f697365ULL);
	p.noise = bern_fill;
	p.noise_ctx = &noise;
	if (danp_net_create(&net, &spec, &p, seed, &err)) {
		fprintf(stderr, "danp-bench: %s\n", err.msg);
		return 1;
	}
	/*
	 * Threads: libdanp splits each product over its own threads (each
	 * BLAS call single-threaded), or with --blas-threads OpenBLAS splits
	 * each call.  The ceiling is that many cores each running the step's
	 * products independently, measured before and after the epochs (the
	 * mean is the reference: the machine's speed drifts); OpenBLAS's own
	 * threaded rate is reported beside it.
	 */
	if (!blas_split && danp_net_set_threads(net, (unsigned int)threads, &err)) {
		fprintf(stderr, "danp-bench: %s\n", err.msg);
		return 1;
	}
	bp = rule == DANP_RULE_BP || rule == DANP_RULE_BP_DECOR;
	decor = rule == DANP_RULE_DANP || rule == DANP_RULE_BP_DECOR;
	if (do_sgemm) {
		g0 = sgemm_rate(&spec, bp, decor, threads, 1, &g0c);
		if (threads > 1)
			gb = sgemm_rate(&spec, bp, decor, 1, threads, &gbc);
	}
	openblas_set_num_threads(blas_split ? threads : 1);
	ep = calloc((size_t)(epochs > 0 ? epochs : 1), sizeof(*ep));
	if (!ep) {
		perror("danp-bench");
		return 1;
	}
	danp_rng_seed(&rng, seed);
	macs = danp_step_macs(net, 64) * (double)tr.n / 64.0;
	atomic_init(&hog_stop, 0);
	for (unsigned int i = 0; i < n_hogs; i++) {
		long cpus = sysconf(_SC_NPROCESSORS_ONLN);

		hogs[i].cpu = i % (unsigned int)(cpus > 0 ? cpus : 1);
		hogs[i].stop = &hog_stop;
		if (pthread_create(&hogs[i].tid, NULL, hog_run, &hogs[i])) {
			fprintf(stderr, "danp-bench: cannot start load\n");
			return 1;
		}
	}
	t_start = now();
	for (int e = 0; e < epochs; e++) {
		struct danp_epoch de = { .batch_size = 64 };
		double t0 = now(), c0 = cpu_now();

		if (danp_train_epoch(net, &tr, &rng, &de, &err)) {
			fprintf(stderr, "danp-bench: %s\n", err.msg);
			return 1;
		}
		ep[e].seconds = now() - t0;
		ep[e].cpu = cpu_now() - c0;
		ep[e].samples = de.samples;
		ep[e].loss = de.loss;
		tsum += ep[e].seconds;
		csum += ep[e].cpu;
		danp_evaluate_dataset(net, &te, 0, 0, &ep[e].clean, &err);
		danp_evaluate_dataset(net, &te, 0, 1, &ep[e].noisy, &err);
		ep[e].wall = now() - t_start;
		for (unsigned int l = 0; l < 4; l++)
			ep[e].r_diag_dev[l] = r_diag_dev(net, l, spec.sizes[l]);
		if (until > 0)	/* long runs: partial figures survive a kill */
			fprintf(stderr, "epoch %d: %.1f s, test %.4f (noisy %.4f), "
				"%.1f s since start\n", e + 1, ep[e].seconds,
				ep[e].clean.accuracy, ep[e].noisy.accuracy,
				ep[e].wall);
		if (until > 0 && ep[e].noisy.accuracy >= until) {
			epochs = e + 1;
			break;
		}
	}
	atomic_store(&hog_stop, 1);
	for (unsigned int i = 0; i < n_hogs; i++) {
		pthread_join(hogs[i].tid, NULL);
		hog_cpu += hogs[i].cpu_seconds;
	}
	/* The load ran through the epochs and evaluations: take its CPU out
	 * of the epochs in proportion to their wall time. */
	for (int e = 0; n_hogs && e < epochs; e++) {
		double share = ep[epochs - 1].wall > 0 ?
			       ep[e].seconds / ep[epochs - 1].wall : 0;

		ep[e].cpu -= hog_cpu * share;
		csum -= hog_cpu * share;
	}
	danp_net_thread_stats(net, &ts);
	if (do_sgemm) {
		g1 = sgemm_rate(&spec, bp, decor, threads, 1, &g1c);
		gemm = (g0 + g1) / 2;
		gemm_cpu = (g0c + g1c) / 2;
	}
	getrusage(RUSAGE_SELF, &ru);
	if (json && !(out = fopen(json, "w"))) {
		perror(json);
		return 1;
	}
	fprintf(out, "{\n  \"bench\": \"danp-mnist-epoch\",\n  \"rule\": \"%s\",\n"
		"  \"arch\": \"784-500-500-500-10\",\n  \"batch\": 64,\n"
		"  \"blas_core\": \"%s\",\n  \"threads\": %d,\n"
		"  \"split\": \"%s\",\n  \"seed\": %llu,\n  \"decor_center\": %d,\n"
		"  \"decor_every\": %u,\n  \"decor_input_only\": %d,\n"
		"  \"decor_rank\": %u,\n"
		"  \"load_threads\": %u,\n  \"load_cpu_seconds\": %.1f,\n"
		"  \"split_jobs\": %llu,\n  \"serial_jobs\": %llu,\n"
		"  \"split_fallbacks\": %llu,\n  \"split_active_at_end\": %d,\n"
		"  \"split_cost_pct_of_serial\": %u,\n"
		"  \"lr\": %g,\n  \"samples_per_epoch\": %zu,\n"
		"  \"gflop_per_epoch\": %.2f,\n  \"sgemm_gflops\": %.1f,\n"
		"  \"sgemm_gflops_before\": %.1f,\n  \"sgemm_gflops_after\": %.1f,\n"
		"  \"sgemm_gflops_per_cpu_s\": %.1f,\n"
		"  \"sgemm_blas_threaded_gflops\": %.1f,\n"
		"  \"epochs\": [\n", danp_rule_name(rule), danp_blas_core(),
		threads, blas_split ? "openblas" : "libdanp", seed, center,
		decor_every, input_only, decor_rank, n_hogs, hog_cpu, ts.split_jobs,
		ts.serial_jobs, ts.fallbacks, ts.split_active,
		ts.last_ratio_pct, p.lr, tr.n, 2 * macs / 1e9, gemm, g0, g1, gemm_cpu,
		threads > 1 ? gb : g0);
	for (int e = 0; e < epochs; e++) {
		double dt = ep[e].seconds, dc = ep[e].cpu;

		fprintf(out, "    { \"epoch\": %d, \"seconds\": %.3f, "
			"\"samples_per_s\": %.0f, \"gflops\": %.1f, "
			"\"sgemm_fraction\": %.3f, \"cpu_seconds\": %.3f, "
			"\"gflops_per_cpu_s\": %.1f, \"sgemm_fraction_cpu\": %.3f, "
			"\"train_loss\": %.5f, "
			"\"test_acc_clean\": %.4f, \"test_acc_noisy\": %.4f, "
			"\"r_diag_max_dev\": [%.3g, %.3g, %.3g, %.3g] }%s\n",
			e + 1, dt, (double)ep[e].samples / dt, 2 * macs / dt / 1e9,
			gemm > 0 ? 2 * macs / dt / 1e9 / gemm : 0, dc,
			2 * macs / dc / 1e9,
			gemm_cpu > 0 ? 2 * macs / dc / 1e9 / gemm_cpu : 0,
			ep[e].loss, ep[e].clean.accuracy, ep[e].noisy.accuracy,
			ep[e].r_diag_dev[0], ep[e].r_diag_dev[1],
			ep[e].r_diag_dev[2], ep[e].r_diag_dev[3],
			e + 1 < epochs ? "," : "");
	}
	fprintf(out, "  ],\n");
	if (until > 0) {
		fprintf(out, "  \"until\": %.4f,\n  \"time_to_accuracy\": [\n",
			until);
		print_reach(out, ep, epochs, 0.90, 1, ",");
		print_reach(out, ep, epochs, 0.95, 1, ",");
		print_reach(out, ep, epochs, 0.90, 0, ",");
		print_reach(out, ep, epochs, 0.95, 0, "");
		fprintf(out, "  ],\n");
	}
	fprintf(out, "  \"mean_seconds_per_epoch\": %.3f,\n"
		"  \"mean_sgemm_fraction\": %.3f,\n"
		"  \"mean_cpu_seconds_per_epoch\": %.3f,\n"
		"  \"noise_values\": %llu,\n  \"peak_rss_mb\": %.1f\n}\n",
		tsum / epochs,
		gemm > 0 ? 2 * macs / (tsum / epochs) / 1e9 / gemm : 0,
		csum / epochs, (unsigned long long)noise.consumed,
		(double)ru.ru_maxrss / 1024.0);
	if (out != stdout)
		fclose(out);
	free(ep);
	danp_net_destroy(net);
	danp_dataset_free(&tr);
	danp_dataset_free(&te);
	return 0;
}
