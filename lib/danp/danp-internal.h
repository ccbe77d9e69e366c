/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * libdanp private definitions: the network's memory layout and the helpers
 * shared between its files.
 */
#ifndef DANP_INTERNAL_H
#define DANP_INTERNAL_H

#include <stdarg.h>
#include "libdanp.h"
#include "danp-pool.h"

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
	/* decor_rank k > 0: R = diag(Dg) + U V^T instead of R (NULL). */
	size_t rank;
	float *Dg, *U, *V;	/* d, d x k, d x k */
	float *Lw;		/* scratch: 2 (rows x k) + 4 (d x k) + k x k */
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
/* Low-rank R (decor-lowrank.c): @out = @x R^T (the forward's z = R x)
 * or, with @right, @out = @x R (backprop's dx = dz R); @rows rows. */
void danp_lowrank_mul(struct danp_net *net, struct danp_layer *ly,
		      const float *x, size_t rows, float *out, int right);
/* The factors' update of layer @ly from its last forward's n inputs. */
void danp_lowrank_update(struct danp_net *net, struct danp_layer *ly,
			 size_t n, float eps);
/* Floats of a low-rank layer's scratch, Lw. */
size_t danp_lowrank_scratch(size_t d, size_t k, size_t rows);
void danp_optim_apply(struct danp_net *net);

#endif /* DANP_INTERNAL_H */
