/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * libsmtj internals shared by its files: errors, the random generator,
 * the normal sampler, the spec parser and the noise-source interface.
 */
#ifndef SMTJ_INTERNAL_H
#define SMTJ_INTERNAL_H

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include "libsmtj.h"
#include "smtj_xoshiro.h"	/* common/ */

#define SMTJ_ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))

/* ---- xoshiro256** (a private copy per handle: no shared state) -------- */

struct srng {
	uint64_t s[SMTJ_XOSHIRO_WORDS];
};

static inline uint64_t srng_next(struct srng *r)
{
	return smtj_xoshiro_next(r->s);
}

/* Seed from (seed, a, b): distinct (a, b) give unrelated streams because
 * the three words go through splitmix64 before filling the state. */
void srng_seed(struct srng *r, uint64_t seed, uint64_t a, uint64_t b);
/* Uniform in (0, 1): never 0, so logs are safe. */
static inline double srng_uniform(struct srng *r)
{
	return ((srng_next(r) >> 11) + 0.5) * 0x1.0p-53;
}

/* ---- Gaussian: ziggurat, 128 layers (tables per handle) --------------- */

struct znorm {
	uint32_t k[128];
	float w[128];
	float f[128];
};

void znorm_init(struct znorm *z);
float znorm_slow(const struct znorm *z, struct srng *r, uint64_t w);

/* Standard normal from one 64-bit word: bits 0-6 pick the layer, bits
 * 32-63 the signed abscissa (bits 7-31 stay free for callers); falls back
 * to the generator for the 1.2 % of draws outside the rectangles. */
static inline float znorm_draw(const struct znorm *z, struct srng *r,
			       uint64_t w)
{
	unsigned int i = w & 127;
	int32_t h = (int32_t)(uint32_t)(w >> 32);
	uint32_t a = h < 0 ? -(uint32_t)h : (uint32_t)h;

	if (a < z->k[i])
		return (float)h * z->w[i];
	return znorm_slow(z, r, w);
}

/* ---- spec: "name:key=value,flag,..." ---------------------------------- */

#define SMTJ_SPEC_MAX_KV 48

struct smtj_spec {
	char name[32];
	unsigned int n;
	struct {
		char key[32];
		char val[480];
		int has_val;
		int used;
	} kv[SMTJ_SPEC_MAX_KV];
};

int smtj_spec_parse(struct smtj_spec *sp, const char *text,
		    struct smtj_err *err);
/* Getters: 0 when absent (default kept), 1 when found, <0 on bad value. */
int smtj_spec_double(struct smtj_spec *sp, const char *key, double *v,
		     struct smtj_err *err);
int smtj_spec_uint(struct smtj_spec *sp, const char *key, unsigned int *v,
		   struct smtj_err *err);
int smtj_spec_u64(struct smtj_spec *sp, const char *key, uint64_t *v,
		  struct smtj_err *err);
int smtj_spec_str(struct smtj_spec *sp, const char *key, const char **v,
		  struct smtj_err *err);
/* '/'-separated list; a single value fills all @max entries. */
int smtj_spec_dlist(struct smtj_spec *sp, const char *key, double *v,
		    unsigned int max, unsigned int *count,
		    struct smtj_err *err);
/* A bare key (no '='): 1 present, 0 absent, <0 if given a value. */
int smtj_spec_flag(struct smtj_spec *sp, const char *key,
		   struct smtj_err *err);
/* -EINVAL naming the first key nobody asked for. */
int smtj_spec_unused(const struct smtj_spec *sp, struct smtj_err *err);

/* ---- noise sources ---------------------------------------------------- */

struct smtj_src;

struct smtj_src_ops {
	/* Raw values (before conditioning). */
	int (*fill)(struct smtj_src *s, unsigned int stream, float *out,
		    size_t rows, size_t cols, struct smtj_err *err);
	void (*destroy)(struct smtj_src *s);
	/* Back to the state the constructor leaves for @seed, keeping what
	 * does not depend on it (open files and devices, moments, levels);
	 * on error nothing has changed. */
	int (*reseed)(struct smtj_src *s, uint64_t seed, struct smtj_err *err);
	/* Samples a live source lost so far (NULL: never loses any). */
	uint64_t (*lost)(const struct smtj_src *s);
	/* Fill lo and hi, for cond=binary (NULL: the constructor did). */
	int (*levels)(struct smtj_src *s, struct smtj_err *err);
};

/* Every source starts with this; the constructors fill the moments of
 * the raw output and the two extreme levels (binary threshold). */
struct smtj_src {
	const struct smtj_src_ops *ops;
	int serial;		/* one sequence shared by every stream */
	int has_moments;
	double mean, sd;
	double lo, hi;		/* lowest and highest level */
	char desc[256];		/* canonical parameters */
};

typedef int (*smtj_src_ctor)(struct smtj_src **out, struct smtj_spec *sp,
			     uint64_t seed, struct smtj_err *err);

int smtj_src_gauss(struct smtj_src **out, struct smtj_spec *sp,
		   uint64_t seed, struct smtj_err *err);
int smtj_src_bernoulli(struct smtj_src **out, struct smtj_spec *sp,
		       uint64_t seed, struct smtj_err *err);
int smtj_src_hmm(struct smtj_src **out, struct smtj_spec *sp, uint64_t seed,
		 struct smtj_err *err);
int smtj_src_junction(struct smtj_src **out, struct smtj_spec *sp,
		      uint64_t seed, struct smtj_err *err);
int smtj_src_replay(struct smtj_src **out, struct smtj_spec *sp,
		    uint64_t seed, struct smtj_err *err);
int smtj_src_device(struct smtj_src **out, struct smtj_spec *sp,
		    uint64_t seed, struct smtj_err *err);

/* Per-stream state of per-node sources: grown on demand. */
struct smtj_streams {
	void **v;
	size_t n;
};
#define SMTJ_MAX_STREAMS 65536U
/* Slot of @stream (NULL-initialised when new); NULL and an error when
 * out of memory or range. */
void **smtj_streams_slot(struct smtj_streams *t, unsigned int stream,
			 struct smtj_err *err);
void smtj_streams_free(struct smtj_streams *t, void (*fn)(void *));
/* A generator per stream, seeded from (seed, stream). */
struct srng *smtj_streams_rng(struct smtj_streams *t, unsigned int stream,
			      uint64_t seed, struct smtj_err *err);

/* Arduino-style sampler around a serial source. */
struct smtj_sampler;
int smtj_sampler_create(struct smtj_sampler **out, unsigned int window,
			unsigned int advance, uint64_t seed,
			struct smtj_err *err);
int smtj_sampler_fill(struct smtj_sampler *sm, struct smtj_src *src,
		      float *out, size_t n, struct smtj_err *err);
/* Back to an empty window and the shuffle of @seed (as created). */
void smtj_sampler_reseed(struct smtj_sampler *sm, uint64_t seed);
void smtj_sampler_destroy(struct smtj_sampler *sm);

/* Physics keys of a junction spec into @p (defaults first). */
int smtj_junction_spec_params(struct smtj_spec *sp,
			      struct smtj_junction_params *p,
			      struct smtj_err *err);

/* Shared junction-model plumbing (sim.c): volts of every code. */
int smtj_sim_levels_volts(const struct smtj_sim_config *cfg, double *lo,
			  double *hi);

/* Whole-file reader; *buf malloc'ed. */
int smtj_read_file(const char *path, void **buf, size_t *len,
		   struct smtj_err *err);

/* A regular file read in chunks through one buffer of @cap bytes (memory
 * bounded whatever the file's size).  The size is taken at open; a read
 * that finds it changed, or that fails, is an error naming the file and
 * the offset. */
struct smtj_file {
	int fd;
	char *path;
	uint64_t size;		/* bytes, at open */
	uint8_t *buf;
	size_t cap;
	uint64_t off;		/* buf holds bytes [off, off + len) */
	size_t len;
};
int smtj_file_open(struct smtj_file *f, const char *path, size_t cap,
		   struct smtj_err *err);
/* *p = the bytes from @off on (off < size), *len of them: at least one
 * and up to the end of the chunk that holds @off (chunks start at
 * multiples of cap). */
int smtj_file_at(struct smtj_file *f, uint64_t off, const uint8_t **p,
		 size_t *len, struct smtj_err *err);
void smtj_file_close(struct smtj_file *f);

/* Format of a series file by its name (.f32, .csv, else u16). */
enum smtj_series_format smtj_series_format_of(const char *name);

/* ---- statistics over data seen in chunks ------------------------------ */

/* Range and count of values, @w their weights (NULL: one each). */
struct smtj_span {
	double lo, hi;
	uint64_t n;
};
void smtj_span_add(struct smtj_span *s, const float *x, const uint64_t *w,
		   size_t n);
/* The histogram's upper end for a data range: the top value inside. */
double smtj_span_top(const struct smtj_span *s);
int smtj_hist_init(struct smtj_hist *h, size_t nbins, double lo, double hi,
		   struct smtj_err *err);
void smtj_hist_add(struct smtj_hist *h, const float *x, const uint64_t *w,
		   size_t n);

/* One pass over a data set: @fn(acc, x, w, n) for each chunk, in order
 * (w: weights, NULL for one each); 0 or the reader's error. */
typedef void (*smtj_chunk_fn)(void *acc, const float *x, const uint64_t *w,
			      size_t n);
typedef int (*smtj_pass_fn)(void *ctx, smtj_chunk_fn fn, void *acc,
			    struct smtj_err *err);
/* smtj_levels_detect over data read by passes (2 + the k-means
 * iterations, at most 52); same result as on the data in one array. */
int smtj_levels_detect_passes(struct smtj_levels *lv, smtj_pass_fn pass,
			      void *ctx, unsigned int max,
			      struct smtj_err *err);

#endif /* SMTJ_INTERNAL_H */
