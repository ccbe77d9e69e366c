/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * libdanp's threads: the worker pool, the verdict whether splitting still
 * pays, the split of a range into parts, and the split GEMM.  Private to
 * the library (not installed); it is also the header the host tests of
 * these parts include (tests/unit/danp/test-threads.c, test-contention.c),
 * so it needs nothing else of the library's insides.
 */
#ifndef DANP_POOL_H
#define DANP_POOL_H

#include <stddef.h>
#include <stdint.h>
#include "libdanp.h"

/* Worker threads (pool.c).  A job runs fn(arg, part, parts) for every
 * part at once; the caller is part 0 and returns when all are done. */
typedef void (*danp_pool_fn)(void *arg, unsigned int part, unsigned int parts);
struct danp_pool;
/* threads < 2: no pool (*out = NULL), which danp_pool_run accepts. */
int danp_pool_create(struct danp_pool **out, unsigned int threads);
void danp_pool_destroy(struct danp_pool *p);
unsigned int danp_pool_parts(const struct danp_pool *p);
void danp_pool_run(struct danp_pool *p, danp_pool_fn fn, void *arg);
/* Contention: whether splitting still pays (contention.c).  Verdicts
 * over DANP_CONTENTION_WINDOW split jobs; a split that costs more than
 * DANP_SPLIT_KEEP_PCT % of the serial estimate is dropped for
 * DANP_SERIAL_MIN jobs (doubling per failed retry up to DANP_SERIAL_MAX;
 * a step is about 40 jobs). */
#define DANP_CONTENTION_WINDOW 64u
#define DANP_SPLIT_KEEP_PCT 90u
#define DANP_SERIAL_MIN 2048u
#define DANP_SERIAL_MAX 65536u
struct danp_contention {
	unsigned int parts;
	unsigned int jobs;		/* split jobs in this window */
	uint64_t own_ns, wait_ns;	/* their sums */
	unsigned int serial_left, backoff;
	unsigned int last_ratio_pct;	/* last window's cost / serial */
	uint64_t split_jobs, serial_jobs, fallbacks;
};
void danp_contention_init(struct danp_contention *c, unsigned int parts);
/* 1: run this job on the caller's thread (counts the stretch down). */
int danp_contention_serial(struct danp_contention *c);
/* Record a split job; 1 when the split was just dropped. */
int danp_contention_record(struct danp_contention *c, uint64_t own_ns,
			   uint64_t wait_ns);
void danp_pool_stats(const struct danp_pool *p, struct danp_thread_stats *st);
/* Part @part of @parts of [0, n) in blocks of @align: [*lo, *hi). */
void danp_part_range(size_t n, size_t align, unsigned int part,
		     unsigned int parts, size_t *lo, size_t *hi);

/* Row-major C = alpha op(A) op(B) + beta C (op: transpose when ta/tb),
 * split across net->pool (gemm.c). */
void danp_gemm(struct danp_net *net, int ta, int tb, size_t M, size_t N,
	       size_t K, float alpha, const float *A, size_t lda,
	       const float *B, size_t ldb, float beta, float *C, size_t ldc);

#endif /* DANP_POOL_H */
