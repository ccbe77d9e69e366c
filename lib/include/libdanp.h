/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * libdanp: dense networks trained by backpropagation or by noise-based
 * local rules (NP, ANP, DANP), with per-layer decorrelation, SGD/Adam,
 * dataset loaders and checkpoints.
 *
 * Conventions: functions that can fail return 0 or a negative errno and,
 * when the caller passes a struct danp_err, a message naming the cause.
 * Handles are opaque; there is no global mutable state.  Matrices are
 * row-major float arrays; a batch is one sample per row.
 *
 * Network: layers l = 0..L-1 map x_l (d_l wide) to x_{l+1}:
 *   z_l = R_l x_l (+ c_l)        decorrelation (R_l = I at start)
 *   a_l = W_l z_l + b_l + xi_l   xi_l: injected noise (noisy passes only)
 *   x_{l+1} = f(a_l)             LeakyReLU on hidden layers, identity last
 * See Documentation/learning/libdanp.rst for the learning rules.
 */
#ifndef LIBDANP_H
#define LIBDANP_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

#define LIBDANP_VERSION_MAJOR 1
#define LIBDANP_VERSION_MINOR 0

struct danp_err {
	int code;		/* negative errno, 0 when no error */
	char msg[256];		/* human-readable cause, NUL-terminated */
};

/*
 * Fill @err (when not NULL) with @code and a printf-style message, and
 * return @code: the library's one error helper, also for programs that
 * report their own failures in a struct danp_err.
 */
int danp_seterr(struct danp_err *err, int code, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

/*
 * Noise callback: fill out[rows][cols] (row-major) for layer @layer.
 * In a DANP/ANP step libdanp calls it once per layer, layers in order
 * 0..L-1, with rows = 2B (pass-1 rows then pass-2 rows).  NP calls it with
 * rows = B (one noisy pass).  Return 0 or a negative errno.
 */
typedef int (*danp_noise_fn)(void *ctx, unsigned int layer, float *out,
			     size_t rows, size_t cols);

enum danp_rule {
	DANP_RULE_BP,		/* backpropagation, no decorrelation */
	DANP_RULE_BP_DECOR,	/* backpropagation through decorrelated layers */
	DANP_RULE_NP,		/* node perturbation: clean + noisy pass */
	DANP_RULE_ANP,		/* activity-based NP: two noisy passes */
	DANP_RULE_DANP,		/* ANP with decorrelation */
};

enum danp_loss { DANP_LOSS_CE, DANP_LOSS_MSE };
enum danp_optim { DANP_OPT_ADAM, DANP_OPT_SGD };
enum danp_reduce { DANP_REDUCE_SUM, DANP_REDUCE_MEAN };

#define DANP_MAX_LAYERS 16

struct danp_spec {
	unsigned int n_layers;		/* weight layers L, 1..DANP_MAX_LAYERS */
	size_t sizes[DANP_MAX_LAYERS + 1];	/* d_0 .. d_L */
	float slope;			/* LeakyReLU slope (0.01 reference) */
	int bias;			/* biases on (1) or off (0) */
	/* Decorrelation per layer input; ignored by BP/NP/ANP.  When
	 * decor_default is set every layer is decorrelated. */
	int decor_default;
	unsigned char decor[DANP_MAX_LAYERS];
};

struct danp_params {
	enum danp_rule rule;
	enum danp_loss loss;
	enum danp_optim optim;
	enum danp_reduce reduce;	/* of the gradient over the batch */
	float lr;			/* optimiser learning rate */
	float beta1, beta2, eps;	/* Adam (0.9, 0.999, 1e-8) */
	float decor_lr;			/* epsilon_R */
	int decor_center;		/* reference quirk: centring bias c */
	/* Update R every decor_every-th step only, by decor_every * eps_R
	 * (0 or 1: every step, the reference).  The update is two thirds of
	 * R's cost per step; see "Cheaper decorrelation" in danp.rst. */
	unsigned int decor_every;
	/* 0: full R (the reference).  k > 0: R = D + U V^T per decorrelated
	 * layer (D diagonal, U and V d x k), the factors moved by the chain
	 * rule of the reference's update direction (danp.rst, "Cheaper
	 * decorrelation"): O(n d k) per step instead of O(n d^2).  At most
	 * DANP_MAX_DECOR_RANK and each decorrelated layer's width.  Not
	 * kept in checkpoints: danp_ckpt_save refuses such a network. */
	unsigned int decor_rank;
	float np_mean, np_sigma2;	/* NP: noise mean and variance */
	size_t max_batch;		/* largest batch passed to step/eval */
	danp_noise_fn noise;		/* required for NP/ANP/DANP */
	void *noise_ctx;
};

/* Fill @spec with the MLP d_0-..-d_L given by @sizes (L+1 entries), slope
 * 0.01, biases, all layers decorrelated. */
int danp_spec_mlp(struct danp_spec *spec, const size_t *sizes,
		  unsigned int n_layers, struct danp_err *err);
/* Parse "784-500-500-500-10" into @spec (defaults as danp_spec_mlp). */
int danp_spec_parse(struct danp_spec *spec, const char *arch,
		    struct danp_err *err);
/* Reference defaults: Adam (0.9, 0.999, 1e-8), sum reduction, CE, DANP,
 * lr 4.8828e-5, eps_R 1.9073e-7, max_batch 64. */
void danp_params_default(struct danp_params *p);

const char *danp_rule_name(enum danp_rule r);
int danp_rule_parse(const char *s, enum danp_rule *r);

struct danp_net;

/* Create a network; weights and biases uniform in +-1/sqrt(fan_in) drawn
 * from @seed, R = I, c = 0. */
int danp_net_create(struct danp_net **out, const struct danp_spec *spec,
		    const struct danp_params *p, uint64_t seed,
		    struct danp_err *err);
void danp_net_destroy(struct danp_net *net);

/* Replace the noise callback (e.g. after loading a checkpoint). */
void danp_net_set_noise(struct danp_net *net, danp_noise_fn fn, void *ctx);
/*
 * Threads that share each step (1..DANP_MAX_THREADS; a new network has
 * 1).  With more than one, libdanp splits every product and fused loop
 * across its own threads and calls BLAS from each of them.  So that the
 * two kinds of threads do not compete for the cores, creating a network
 * and setting its threads make OpenBLAS single-threaded (its count is
 * per process).  Results do not depend on the count.
 */
#define DANP_MAX_THREADS 64
int danp_net_set_threads(struct danp_net *net, unsigned int threads,
			 struct danp_err *err);
unsigned int danp_net_threads(const struct danp_net *net);
/*
 * On a busy machine a worker thread may be descheduled, and a split step
 * would then be slower than one thread: libdanp measures each split job
 * and, when the split stops paying, runs jobs on the caller's thread
 * alone for a while before it tries again.  These counters say how often.
 */
struct danp_thread_stats {
	unsigned int threads;		/* as set */
	int split_active;		/* 0 while running on one thread */
	unsigned long long split_jobs, serial_jobs;	/* jobs run each way */
	unsigned long long fallbacks;	/* times the split was dropped */
	unsigned int last_ratio_pct;	/* split cost / serial estimate, % */
};
void danp_net_thread_stats(const struct danp_net *net,
			   struct danp_thread_stats *st);
/* Update R every @k-th step (0, 1: every step; at most 1000).  Not kept
 * in checkpoints: set it again after loading one. */
int danp_net_set_decor_every(struct danp_net *net, unsigned int k,
			     struct danp_err *err);
/* Change the learning rates (e.g. from the command line after resume). */
void danp_net_set_lr(struct danp_net *net, float lr, float decor_lr);

const struct danp_spec *danp_net_spec(const struct danp_net *net);
const struct danp_params *danp_net_params(const struct danp_net *net);
size_t danp_net_n_params(const struct danp_net *net);
uint64_t danp_net_steps(const struct danp_net *net);

/* Direct access to layer parameters (row-major W: d_{l+1} x d_l,
 * R: d_l x d_l; NULL when absent or low-rank).  For tests and
 * diagnostics. */
float *danp_net_weights(struct danp_net *net, unsigned int l);
float *danp_net_bias(struct danp_net *net, unsigned int l);
float *danp_net_decor(struct danp_net *net, unsigned int l);
/* Low-rank R = diag(@dg) + @u @v^T of layer @l (decor_rank > 0): the
 * rank, and views of D (d), U and V (d x rank, row-major); 0 and NULLs
 * when the layer has no low-rank R. */
#define DANP_MAX_DECOR_RANK 256
unsigned int danp_net_decor_lowrank(struct danp_net *net, unsigned int l,
				    float **dg, float **u, float **v);
float *danp_net_center(struct danp_net *net, unsigned int l);

/*
 * A batch: @n rows of @x (n x d_0).  Targets: @labels (class indices, for
 * CE; also used for accuracy) and/or @targets (n x d_L, for MSE; when NULL
 * MSE uses one-hot labels).
 */
struct danp_batch {
	const float *x;
	const int32_t *labels;
	const float *targets;
	size_t n;
};

/* One learning step with the network's rule: gradient, optimiser,
 * decorrelation.  @loss (may be NULL) receives the batch's mean loss
 * (of pass 1 for the noisy rules). */
int danp_step(struct danp_net *net, const struct danp_batch *b,
	      double *loss, struct danp_err *err);

/* Gradient of the rule (without applying it) into @grad, laid out as
 * W_0, b_0, W_1, b_1, ... (danp_net_n_params floats; biases omitted when
 * the spec has none).  Noisy rules consume noise. */
int danp_rule_grad(struct danp_net *net, const struct danp_batch *b,
		   float *grad, struct danp_err *err);
/* The true gradient of the loss (summed or averaged as params.reduce),
 * backpropagated through the current R, in the same layout. */
int danp_true_grad(struct danp_net *net, const struct danp_batch *b,
		   float *grad, struct danp_err *err);
/* Cosine between the rule's update and the true gradient on one batch. */
int danp_grad_cosine(struct danp_net *net, const struct danp_batch *b,
		     double *cosine, struct danp_err *err);

/* Forward pass of @b into @out (n x d_L); @noisy injects noise (one pass).
 * @n may exceed max_batch: evaluated in chunks. */
int danp_forward(struct danp_net *net, const float *x, size_t n, int noisy,
		 float *out, struct danp_err *err);

struct danp_eval {
	double loss;		/* mean loss */
	double accuracy;	/* fraction correct (labels given) */
};
int danp_evaluate(struct danp_net *net, const struct danp_batch *b,
		  int noisy, struct danp_eval *res, struct danp_err *err);

/* Number of multiply-adds of one step on a batch of @n (for GFLOP/s). */
double danp_step_macs(const struct danp_net *net, size_t n);

/* ---- BLAS ------------------------------------------------------------- */

/* Name of the OpenBLAS kernel set in use (for results files). */
const char *danp_blas_core(void);
/*
 * A faster OPENBLAS_CORETYPE for this CPU than the kernels in use, or
 * NULL.  OpenBLAS reads the variable when it is loaded.
 */
const char *danp_blas_coretype_hint(void);
/*
 * Use the hinted kernels in this process (and set OPENBLAS_CORETYPE for
 * its children), unless the user set OPENBLAS_CORETYPE or this OpenBLAS
 * cannot choose again after loading.  Call it first in main(), before
 * any thread calls BLAS.  Returns the kernel set in use afterwards.
 */
const char *danp_blas_apply_hint(void);

/* ---- checkpoints ------------------------------------------------------ */

#define DANP_CKPT_USER 16
/* Write atomically (temporary file, fsync, rename, fsync of the
 * directory): spec, params (without the callback), parameters, R, c,
 * optimiser state, step count and @user (DANP_CKPT_USER values). */
int danp_ckpt_save(const struct danp_net *net, const char *path,
		   const uint64_t *user, struct danp_err *err);
/* Replace @path atomically with @len bytes (temporary file beside it,
 * fsync, rename, fsync of the directory); results files use it too. */
int danp_write_atomic(const char *path, const void *data, size_t len,
		      struct danp_err *err);
/*
 * Remove the temporary files danp_write_atomic() left beside @path when
 * its writer was killed mid-write ("<path>.tmp.<pid>.<n>"): only files of
 * that exact pattern, regular files of this user whose writing process no
 * longer exists.  *@removed counts them.  A missing directory is not an
 * error.
 */
int danp_remove_stale_tmp(const char *path, unsigned int *removed,
			  struct danp_err *err);
/* Load; the noise callback must be set again with danp_net_set_noise. */
int danp_ckpt_load(struct danp_net **out, const char *path, uint64_t *user,
		   struct danp_err *err);

/* The same from a file's contents in memory, @name for messages. */
int danp_ckpt_parse(struct danp_net **out, const uint8_t *buf, size_t len,
		    const char *name, uint64_t *user, struct danp_err *err);

/* ---- data ------------------------------------------------------------- */

struct danp_dataset {
	size_t n, dim;		/* samples, features per sample */
	size_t n_classes;
	size_t channels, height, width;	/* image shape, 0 if not an image */
	/* Features: floats (CSV), or raw bytes (IDX, CIFAR; a quarter of the
	 * memory) turned into floats by danp_gather as x8 * scale + shift per
	 * channel.  Exactly one of x and x8 is set. */
	float *x;		/* n x dim */
	uint8_t *x8;		/* n x dim */
	float scale[3], shift[3];
	int32_t *y;		/* n labels, or NULL for a regression set */
	float *t;		/* n x t_dim real targets (MSE), or NULL */
	size_t t_dim;
};

void danp_dataset_free(struct danp_dataset *ds);

/* IDX image + label files, raw or gzip (zlib detects which); pixels kept
 * as bytes (0..255 until normalised).  Errors name the file and offset. */
int danp_load_idx(struct danp_dataset *ds, const char *images,
		  const char *labels, struct danp_err *err);
/* Parsers of in-memory (decompressed) IDX files, @name for messages. */
int danp_parse_idx_images(const uint8_t *buf, size_t len, const char *name,
			  uint8_t **x, size_t *n, size_t *h, size_t *w,
			  struct danp_err *err);
int danp_parse_idx_labels(const uint8_t *buf, size_t len, const char *name,
			  int32_t **y, size_t *n, struct danp_err *err);

/* CIFAR binary batches: @classes 10 (1 label byte) or 100 (coarse, fine;
 * the fine label is used).  Several files are concatenated. */
int danp_load_cifar(struct danp_dataset *ds, const char *const *paths,
		    size_t n_paths, unsigned int classes,
		    struct danp_err *err);
int danp_parse_cifar(struct danp_dataset *ds, const uint8_t *buf, size_t len,
		     const char *name, unsigned int classes,
		     struct danp_err *err);

/* CSV: one sample a line, integer label first then features; a first line
 * that does not parse as numbers is a header and skipped. */
int danp_load_csv(struct danp_dataset *ds, const char *path,
		  struct danp_err *err);
int danp_parse_csv(struct danp_dataset *ds, const char *buf, size_t len,
		   const char *name, struct danp_err *err);
/*
 * CSV for regression: the first @n_targets columns are real-valued targets
 * (ds->t), the rest features; ds->y is NULL.  @n_targets 0 decides from
 * the data: one column of class indices gives labels as danp_parse_csv,
 * anything else one real target.
 */
int danp_load_csv_targets(struct danp_dataset *ds, const char *path,
			  size_t n_targets, struct danp_err *err);
int danp_parse_csv_targets(struct danp_dataset *ds, const char *buf,
			   size_t len, const char *name, size_t n_targets,
			   struct danp_err *err);

/*
 * The paper's teacher-student task: a teacher network of @spec with the
 * default initialisation (uniform in +-1/sqrt(fan_in)) from @seed maps
 * inputs drawn from N(0, 1) to real targets.  @train gets @n_train samples,
 * @test @n_test further samples of the same teacher.
 */
int danp_teacher_data(struct danp_dataset *train, struct danp_dataset *test,
		      const struct danp_spec *spec, size_t n_train,
		      size_t n_test, uint64_t seed, struct danp_err *err);

/* Read a whole file, gunzipping when it is gzip.  *buf is malloc'ed. */
int danp_read_file(const char *path, uint8_t **buf, size_t *len,
		   struct danp_err *err);

/* x <- (x/255 - mean[c]) / std[c] per channel (channel-major samples,
 * at most 3 channels); for byte data this sets scale and shift. */
void danp_normalize(struct danp_dataset *ds, const float *mean,
		    const float *std, size_t channels);
void danp_normalize_mnist(struct danp_dataset *ds);
void danp_normalize_cifar(struct danp_dataset *ds);

/* Small seeded generator for shuffling and augmentation. */
struct danp_rng { uint64_t s[4]; };
void danp_rng_seed(struct danp_rng *r, uint64_t seed);
uint64_t danp_rng_next(struct danp_rng *r);
double danp_rng_uniform(struct danp_rng *r);	/* [0, 1) */
double danp_rng_normal(struct danp_rng *r);

/* Fisher-Yates permutation of 0..n-1. */
void danp_shuffle(size_t *perm, size_t n, struct danp_rng *r);
/* Gather rows perm[0..n) of @ds into x/y as normalised floats (CIFAR
 * augmentation: random crop with padding 4 and horizontal flip, when
 * @augment and the set has a 3-channel image shape).  @perm NULL means
 * rows 0..n-1. */
void danp_gather(const struct danp_dataset *ds, const size_t *perm, size_t n,
		 int augment, struct danp_rng *r, float *x, int32_t *y);
/* Targets of rows perm[0..n) (a regression set's ds->t) into @t. */
void danp_gather_targets(const struct danp_dataset *ds, const size_t *perm,
			 size_t n, float *t);
/* Evaluate on the first @max samples of @ds (all when @max is 0). */
int danp_evaluate_dataset(struct danp_net *net, const struct danp_dataset *ds,
			  size_t max, int noisy, struct danp_eval *res,
			  struct danp_err *err);

/* ---- epochs ------------------------------------------------------------ */

/*
 * Draw and discard from the noise callback what danp_step takes for
 * @batches batches of @batch samples (nothing for BP): a resumed epoch's
 * seeded noise source then continues where the interrupted one was.
 */
int danp_skip_noise(struct danp_net *net, size_t batch, uint64_t batches,
		    struct danp_err *err);

/* Called after every batch; a nonzero return stops the epoch after it. */
typedef int (*danp_progress_fn)(void *ctx, size_t batch, size_t n_batches,
				double loss);

struct danp_epoch {
	size_t batch_size;	/* <= max_batch; the last partial batch is kept */
	size_t start_batch;	/* resume: skip the batches before this one */
	/* resume: loss summed over the skipped batches' samples, and their
	 * number (0 when starting the epoch), carried into loss/loss_sum */
	double start_loss_sum;
	size_t start_samples;
	int augment;		/* CIFAR crop and flip */
	danp_progress_fn progress;
	void *progress_ctx;
	/* results */
	size_t batches_done;	/* index after the last batch trained */
	size_t samples;		/* samples trained in this call */
	double loss;		/* mean loss of the epoch's samples so far */
	double loss_sum;	/* their summed loss (start_loss_sum included) */
	int stopped;		/* progress asked to stop */
};

/*
 * One epoch over @ds: permutation from @rng (so resuming from the same
 * @rng state reproduces it), batches gathered (augmented on request) and
 * stepped.  Skipped batches still draw their augmentation from @rng, so
 * the batches after them are the same as in an uninterrupted epoch.  On
 * return *rng has advanced past the permutation and the augmentation
 * draws.
 */
int danp_train_epoch(struct danp_net *net, const struct danp_dataset *ds,
		     struct danp_rng *rng, struct danp_epoch *ep,
		     struct danp_err *err);

#ifdef __cplusplus
}
#endif

#endif /* LIBDANP_H */
