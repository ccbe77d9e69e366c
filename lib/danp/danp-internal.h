/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * libdanp private definitions: the network's memory layout and the helpers
 * shared between its files.
 */
#ifndef DANP_INTERNAL_H
#define DANP_INTERNAL_H

#include <stdarg.h>
#include "libdanp.h"

struct danp_layer {
	size_t din, dout;
	int decor;		/* R/c present and used */
	float *W, *b;		/* views into net->param */
	float *gW, *gb;		/* views into net->grad */
	float *R, *c;		/* din x din, din (c only with decor_center) */
	/* Workspace for up to 2 * max_batch rows (both passes stacked). */
	float *Z;		/* decorrelated input (decor layers) */
	const float *Zp;	/* input of W in the last forward: Z or x */
	float *A;		/* pre-activation incl. bias and noise */
	float *X;		/* output f(A); alias of A on the last layer */
	float *Xi;		/* injected noise */
	float *D;		/* pass-1 minus pass-2 (or backprop delta) */
	float *T;		/* scratch: Z R, dZ */
	float *Rd;		/* decorrelation update: R's new diagonal */
};

struct danp_net {
	struct danp_spec spec;
	struct danp_params p;
	unsigned int L;
	size_t n_params, n_units, rows_max, dmax;
	float *param, *grad, *m, *v;	/* all W_l,b_l contiguous */
	struct danp_layer lay[DANP_MAX_LAYERS];
	uint64_t steps;
	/* Per-row scratch (2 * max_batch). */
	float *loss_row, *s, *dout;	/* dout: d_L x rows */
	float *dx;			/* backprop: rows x dmax */
	struct danp_pool *pool;		/* NULL: the caller's thread only */
};

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

/*
 * Compute-bound loops get AVX2 and AVX-512 clones on x86-64, picked at
 * load time by the CPU (ifunc); the default clone keeps the binary
 * portable (no -march).  Elsewhere (arm64: NEON is baseline) nothing.
 * Put it on the definition only: callers in other files call the ifunc.
 */
#if defined(__x86_64__) && defined(__ELF__) && !defined(__clang__) && \
	defined(__GNUC__) && __GNUC__ >= 8	/* clang 14 cannot call them across files */
#define DANP_CLONES __attribute__((target_clones("avx512f", "avx2", "default")))
#else
#define DANP_CLONES
#endif

/* Forward modes. */
enum danp_fwd {
	DANP_FWD_CLEAN,		/* n rows, no noise */
	DANP_FWD_NOISY,		/* n rows, noise */
	DANP_FWD_TWO_NOISY,	/* 2n rows: two noisy passes */
	DANP_FWD_CLEAN_NOISY,	/* 2n rows: clean pass, then noisy pass */
};

/* libdanp's threads split each product: its BLAS calls run on one thread
 * each, or the two kinds of threads compete for the cores (blas.c). */
void danp_blas_single_thread(void);

int danp_uses_decor(const struct danp_params *p);
/* Floats a checkpoint of this network stores (parameters, Adam moments,
 * R, c); 0 when the spec is out of range. */
size_t danp_ckpt_floats(const struct danp_spec *s, const struct danp_params *p);

int danp_forward_rows(struct danp_net *net, const float *x, size_t n,
		      enum danp_fwd mode, struct danp_err *err);
/* Draw and discard the noise a forward pass in @mode over @n samples
 * takes from the callback (the same calls, same shapes). */
int danp_forward_skip_noise(struct danp_net *net, size_t n, enum danp_fwd mode,
			    struct danp_err *err);
/* Output of the last forward (rows x d_L). */
const float *danp_output(const struct danp_net *net);

/* Per-row loss of @out (rows x k) against targets of @b (rows taken from
 * row0 % b->n); optional gradient w.r.t. out scaled by @gscale. */
int danp_loss_rows(const struct danp_net *net, const float *out, size_t rows,
		   const struct danp_batch *b, float *loss, float *gout,
		   float gscale, struct danp_err *err);

int danp_grad_noise(struct danp_net *net, const struct danp_batch *b,
		    double *loss, struct danp_err *err);
int danp_grad_bp(struct danp_net *net, const struct danp_batch *b,
		 double *loss, struct danp_err *err);

/* One update of every decorrelated layer's R (and c) at rate @eps from
 * the last forward's inputs of @n rows. */
void danp_decor_update(struct danp_net *net, size_t n, float eps);
void danp_optim_apply(struct danp_net *net);

#endif /* DANP_INTERNAL_H */
