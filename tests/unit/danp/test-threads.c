// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Threads: the pool runs every part of every job exactly once (more
 * threads than cores included, which exercises its sleeping paths); part
 * ranges tile [0, n); a split product equals one BLAS call; a network's
 * gradients and training do not depend on its thread count beyond float
 * rounding; bad counts are refused.
 *
 * Tolerances: a split changes only the blocking of C, not the order of
 * the sum over k, except where OpenBLAS picks another kernel for a
 * smaller block.  Each entry is a sum of K <= 256 products, so rounding
 * is bounded by K * 2^-24 ~ 1.5e-5 of the sum of |terms| and is in
 * practice near sqrt(K) * 2^-24 ~ 1e-6: we allow 1e-5 of the largest
 * entry for products and BP gradients.  The DANP estimate divides by the
 * difference of two nearly equal losses (1e-3 of the loss here), which
 * magnifies rounding a thousandfold: its gradients need only point the
 * same way (cosine > 0.9999), and so must the weights after 20 steps.
 */
#include <cblas.h>
#include <errno.h>
#include <math.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>
#include "libdanp.h"
#include "danp-pool.h"
#include "noise.h"
#include "../tap.h"

/* This program's TAP counters (tests/unit/tap.h). */
static struct tap tap;

struct count_job {
	atomic_uint hits[8];
	atomic_uint bad_parts;
	atomic_uint whole;	/* jobs run whole on one thread (a busy machine) */
};

static void count_part(void *arg, unsigned int part, unsigned int parts)
{
	struct count_job *j = arg;

	if (part >= parts || parts > 8)
		atomic_fetch_add(&j->bad_parts, 1);
	else if (parts == 1)
		atomic_fetch_add(&j->whole, 1);
	else
		atomic_fetch_add(&j->hits[part], 1);
}

static void pool_exactly_once(unsigned int threads, unsigned int jobs)
{
	struct danp_pool *pool;
	struct count_job j;
	int ok = 1;

	memset(&j, 0, sizeof(j));
	if (danp_pool_create(&pool, threads)) {
		tap_ok(&tap, 0, "pool of %u threads", threads);
		return;
	}
	for (unsigned int i = 0; i < jobs; i++) {
		danp_pool_run(pool, count_part, &j);
		/* Every job is complete when run returns: split into all
		 * parts, or run whole when the pool fell back (contention). */
		for (unsigned int t = 0; t < threads; t++)
			ok &= atomic_load(&j.hits[t]) + atomic_load(&j.whole) == i + 1;
	}
	ok &= atomic_load(&j.bad_parts) == 0;
	ok &= danp_pool_parts(pool) == threads;
	danp_pool_destroy(pool);
	tap_ok(&tap, ok, "pool of %u threads runs each part of %u jobs exactly once "
	       "(%u of them whole on one thread)", threads, jobs,
	       atomic_load(&j.whole));
}

static void part_ranges(void)
{
	int ok = 1;

	for (size_t n = 0; n < 300; n += 7)
		for (unsigned int parts = 1; parts <= 5; parts++)
			for (size_t align = 1; align <= 16; align *= 4) {
				size_t next = 0, lo, hi;

				for (unsigned int p = 0; p < parts; p++) {
					danp_part_range(n, align, p, parts, &lo, &hi);
					ok &= lo == next && hi >= lo && hi <= n;
					ok &= lo % align == 0 || lo == n;
					next = hi;
				}
				ok &= next == n;
			}
	tap_ok(&tap, ok, "part ranges tile [0, n) in aligned blocks");
}

static struct danp_net *tiny_net(struct danp_err *err)
{
	const size_t sizes[] = { 4, 3 };
	struct danp_spec spec;
	struct danp_params p;
	struct danp_net *net;

	danp_spec_mlp(&spec, sizes, 1, err);
	danp_params_default(&p);
	p.rule = DANP_RULE_BP;
	if (danp_net_create(&net, &spec, &p, 1, err))
		return NULL;
	return net;
}

/* danp_gemm at @threads against one cblas_sgemm, all transpositions. */
static void split_products(unsigned int threads)
{
	static const int shapes[][3] = {
		{ 40, 300, 50 }, { 300, 40, 50 }, { 128, 200, 150 },
		{ 200, 300, 64 }, { 17, 1000, 33 },
	};
	struct danp_err err;
	struct danp_net *net = tiny_net(&err);
	struct danp_rng rng;
	double worst = 0;

	if (!net || danp_net_set_threads(net, threads, &err)) {
		tap_ok(&tap, 0, "split products at %u threads: %s", threads, err.msg);
		danp_net_destroy(net);
		return;
	}
	danp_rng_seed(&rng, 7);
	for (size_t s = 0; s < sizeof(shapes) / sizeof(shapes[0]); s++)
		for (int t = 0; t < 4; t++) {
			int M = shapes[s][0], N = shapes[s][1], K = shapes[s][2];
			int ta = t & 1, tb = t >> 1;
			float *A = malloc(sizeof(float) * M * K);
			float *B = malloc(sizeof(float) * K * N);
			float *C1 = malloc(sizeof(float) * M * N);
			float *C2 = malloc(sizeof(float) * M * N);
			double big = 0, diff = 0;

			for (int i = 0; i < M * K; i++)
				A[i] = (float)danp_rng_normal(&rng);
			for (int i = 0; i < K * N; i++)
				B[i] = (float)danp_rng_normal(&rng);
			for (int i = 0; i < M * N; i++)
				C1[i] = C2[i] = (float)danp_rng_normal(&rng);
			/* beta 1: the decorrelation update accumulates. */
			cblas_sgemm(CblasRowMajor, ta ? CblasTrans : CblasNoTrans,
				    tb ? CblasTrans : CblasNoTrans, M, N, K, 0.5f,
				    A, ta ? M : K, B, tb ? K : N, 1.0f, C1, N);
			danp_gemm(net, ta, tb, (size_t)M, (size_t)N, (size_t)K,
				  0.5f, A, (size_t)(ta ? M : K), B,
				  (size_t)(tb ? K : N), 1.0f, C2, (size_t)N);
			for (int i = 0; i < M * N; i++) {
				big = fmax(big, fabs(C1[i]));
				diff = fmax(diff, fabs((double)C1[i] - C2[i]));
			}
			worst = fmax(worst, diff / big);
			free(A);
			free(B);
			free(C1);
			free(C2);
		}
	danp_net_destroy(net);
	tap_ok(&tap, worst < 1e-5, "split products at %u threads equal one call "
	       "(worst %.2e of the largest entry)", threads, worst);
}

#define NB 32

static struct danp_net *mnist_like(enum danp_rule rule, struct test_noise *hn,
				   struct danp_err *err)
{
	struct danp_spec spec;
	struct danp_params p;
	struct danp_net *net;

	danp_spec_parse(&spec, "256-128-64-10", err);
	danp_params_default(&p);
	p.rule = rule;
	p.max_batch = NB;
	p.lr = 1e-3f;
	p.decor_lr = 1e-4f;
	p.noise = test_noise_fn;
	p.noise_ctx = hn;
	if (danp_net_create(&net, &spec, &p, 3, err))
		return NULL;
	return net;
}

static void make_batch(float *x, int32_t *y, uint64_t seed)
{
	struct danp_rng rng;

	danp_rng_seed(&rng, seed);
	for (int i = 0; i < NB * 256; i++)
		x[i] = (float)danp_rng_uniform(&rng);
	for (int i = 0; i < NB; i++)
		y[i] = (int32_t)(danp_rng_next(&rng) % 10);
}

static double rel_diff(const float *a, const float *b, size_t n)
{
	double big = 0, diff = 0;

	for (size_t i = 0; i < n; i++) {
		big = fmax(big, fabs(a[i]));
		diff = fmax(diff, fabs((double)a[i] - b[i]));
	}
	return big > 0 ? diff / big : diff;
}

static double cosine(const float *a, const float *b, size_t n)
{
	double d = 0, na = 0, nb = 0;

	for (size_t i = 0; i < n; i++) {
		d += (double)a[i] * b[i];
		na += (double)a[i] * a[i];
		nb += (double)b[i] * b[i];
	}
	return d / sqrt(na * nb);
}

/* Gradients and 20 training steps at @threads against 1 thread. */
static void same_learning(unsigned int threads)
{
	static float x[NB * 256];
	static int32_t y[NB];
	struct danp_batch b = { .x = x, .labels = y, .n = NB };
	struct danp_net *net[2];
	struct test_noise hn[2];
	struct danp_err err;
	float *g[2];
	size_t np = 0;
	double bp_diff, danp_cos, w_cos = 0;
	int ret = 0;

	for (int k = 0; k < 2; k++) {
		test_noise_init(&hn[k], 0, 0.05f, 11);
		net[k] = mnist_like(DANP_RULE_DANP, &hn[k], &err);
		if (!net[k]) {
			tap_ok(&tap, 0, "network: %s", err.msg);
			return;
		}
		np = danp_net_n_params(net[k]);
		g[k] = malloc(np * sizeof(float));
	}
	ret |= danp_net_set_threads(net[1], threads, &err);
	make_batch(x, y, 5);
	for (int k = 0; k < 2; k++)
		ret |= danp_true_grad(net[k], &b, g[k], &err);
	bp_diff = rel_diff(g[0], g[1], np);
	for (int k = 0; k < 2; k++)
		ret |= danp_rule_grad(net[k], &b, g[k], &err);
	danp_cos = cosine(g[0], g[1], np);
	for (int s = 0; s < 20 && !ret; s++) {
		make_batch(x, y, 100 + (uint64_t)s);
		for (int k = 0; k < 2; k++)
			ret |= danp_step(net[k], &b, NULL, &err);
	}
	if (!ret)
		w_cos = cosine(danp_net_weights(net[0], 0),
			       danp_net_weights(net[1], 0), 256 * 128);
	tap_ok(&tap, !ret && danp_net_threads(net[1]) == threads,
	       "network runs at %u threads", threads);
	tap_ok(&tap, bp_diff < 1e-5, "BP gradient at %u threads equals 1 thread "
	       "(%.2e of the largest entry)", threads, bp_diff);
	tap_ok(&tap, danp_cos > 0.9999, "DANP gradient at %u threads agrees with "
	       "1 thread (cosine %.7f)", threads, danp_cos);
	tap_ok(&tap, w_cos > 0.9999, "weights after 20 DANP steps at %u threads "
	       "agree with 1 thread (cosine %.7f)", threads, w_cos);
	for (int k = 0; k < 2; k++) {
		danp_net_destroy(net[k]);
		test_noise_free(&hn[k]);
		free(g[k]);
	}
}

static void bad_counts(void)
{
	struct danp_err err;
	struct danp_net *net = tiny_net(&err);
	int ok = net != NULL;

	ok &= net && danp_net_set_threads(net, 0, &err) == -EINVAL;
	ok &= net && danp_net_set_threads(net, DANP_MAX_THREADS + 1, &err) == -EINVAL;
	ok &= net && danp_net_threads(net) == 1;
	ok &= net && !danp_net_set_threads(net, 3, &err) && danp_net_threads(net) == 3;
	ok &= net && !danp_net_set_threads(net, 1, &err) && danp_net_threads(net) == 1;
	danp_net_destroy(net);
	tap_ok(&tap, ok, "thread counts 0 and %d refused; 3 and back to 1 accepted",
	       DANP_MAX_THREADS + 1);
}

/* libdanp's BLAS policy: its own threads split, BLAS runs on one. */
static void blas_policy(void)
{
	struct danp_err err;
	struct danp_net *net;
	int created, set;

	openblas_set_num_threads(2);
	net = tiny_net(&err);
	created = openblas_get_num_threads();
	openblas_set_num_threads(2);
	set = net && !danp_net_set_threads(net, 2, &err) ?
	      openblas_get_num_threads() : -1;
	danp_net_destroy(net);
	tap_ok(&tap, created == 1 && set == 1,
	       "OpenBLAS single-threaded after danp_net_create (%d) and "
	       "danp_net_set_threads (%d)", created, set);
}

int main(void)
{
	blas_policy();
	part_ranges();
	pool_exactly_once(2, 5000);
	pool_exactly_once(5, 500);
	split_products(2);
	split_products(3);
	same_learning(2);
	same_learning(4);
	bad_counts();
	return tap_done(&tap);
}
