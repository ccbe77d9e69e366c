/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * libsmtj: samples from sMTJ devices and the noise sources of the paper.
 *
 * Conventions: every function that can fail returns 0 or a negative errno
 * and, when the caller passes a struct smtj_err, a message naming the cause
 * (file and offset for parsers).  Handles are opaque; the library keeps no
 * global mutable state, so independent handles may be used from different
 * threads.  Documentation/userspace-api/libsmtj.rst describes every part.
 */
#ifndef LIBSMTJ_H
#define LIBSMTJ_H

#include <stddef.h>
#include <stdint.h>
#include <linux/smtj.h>

#ifdef __cplusplus
extern "C" {
#endif

#define LIBSMTJ_VERSION_MAJOR 1
#define LIBSMTJ_VERSION_MINOR 0

struct smtj_err {
	int code;		/* negative errno, 0 when no error */
	char msg[256];		/* human-readable cause, NUL-terminated */
};

/*
 * Fill @err (when not NULL) with @code and a printf-style message, and
 * return @code: the library's one error helper, also for programs that
 * report their own failures in a struct smtj_err.
 */
int smtj_seterr(struct smtj_err *err, int code, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

/* "MAJOR.MINOR" of the library actually linked. */
const char *smtj_version(void);

/* ---- noise sources ---------------------------------------------------- */

struct smtj_noise;

/*
 * Create a noise source from a textual spec, e.g.
 *   "gauss:sigma=1"  "bernoulli:sigma=0.0125,h=1"  "hmm"  "hmm:serial"
 *   "junction:tau0=1e-9,eb=10,..."  "replay:path=noise.f32"
 *   "device:path=/dev/smtj0,transport=uring"
 * The grammar and every key are documented in Documentation/userspace-api/
 * libsmtj.rst.  @seed makes the source deterministic.
 */
int smtj_noise_from_spec(struct smtj_noise **out, const char *spec,
			 uint64_t seed, struct smtj_err *err);

/*
 * Fill out[rows][cols] (row-major) with noise for stream @stream (a layer).
 * Streams are independent; within a stream column c is one node, and rows
 * are consecutive time steps of that node's source (per-node sources), or,
 * for serial sources (replay, serial HMM, device), values are taken
 * sample-major, node-minor, in call order.  Time carries on across calls.
 */
int smtj_noise_fill(struct smtj_noise *src, unsigned int stream, float *out,
		    size_t rows, size_t cols, struct smtj_err *err);

/*
 * Start @nz over as if it had just been made from its spec with @seed:
 * every later fill gives exactly what a fresh smtj_noise_from_spec(spec,
 * seed) would give, and the consumed count restarts at 0.  Cheaper than
 * a new source: nothing is parsed, no file or device is reopened, no
 * table rebuilt.  A replay has no seed and goes back to its start=.  A
 * device keeps its stream, its calib= moments and its lost count, and
 * carries on with the samples that come next (device noise cannot be
 * reproduced anyway); an arduino sampler around any source takes a new
 * shuffle and an empty window.  On error (-ENOMEM) @nz is unchanged.
 */
int smtj_noise_reseed(struct smtj_noise *nz, uint64_t seed,
		      struct smtj_err *err);

/* Values produced since the source was made or last reseeded. */
uint64_t smtj_noise_consumed(const struct smtj_noise *src);

void smtj_noise_destroy(struct smtj_noise *src);

/* Samples a live (device) source lost before reaching us (its consumer
 * ring was full); 0 for every other source.  The values handed out stay
 * consecutive device samples except across these gaps. */
uint64_t smtj_noise_lost(const struct smtj_noise *src);

/* Canonical description of the source with every default filled in
 * (for results files); valid until the source is destroyed. */
const char *smtj_noise_describe(const struct smtj_noise *src);

/* Moments of the conditioned output as the source knows them (theory for
 * models, the data for replay); 0 or -ENODATA when unknown. */
int smtj_noise_moments(const struct smtj_noise *src, double *mean,
		       double *sd);

/* ---- simulator (the kernel's junction array, bit for bit) ------------- */

struct smtj_sim;

/* The paper's two-state fit on a 14-bit ADC (what the kernel defaults to). */
void smtj_sim_default_config(struct smtj_sim_config *cfg);
int smtj_sim_validate(const struct smtj_sim_config *cfg, struct smtj_err *err);
/* Same seed and config as a simulated device: same sample stream. */
int smtj_sim_create(struct smtj_sim **out, const struct smtj_sim_config *cfg,
		    struct smtj_err *err);
void smtj_sim_fill(struct smtj_sim *sim, uint16_t *out, size_t n);
/* Index of the next sample. */
uint64_t smtj_sim_index(const struct smtj_sim *sim);
void smtj_sim_destroy(struct smtj_sim *sim);

/*
 * Physical junction model.  Junction j dwells in state s (0 = parallel,
 * low resistance; 1 = antiparallel) for tau = tau0 * exp(delta_eff), with
 *   delta = delta[j] * t_ref / temp                   (Eb/kBT at temp)
 *   current bias: delta_eff = delta * (1 -/+ i_ratio)  (P: -, AP: +)
 *   field bias:   delta_eff = delta * (1 -/+ h_ratio)^2
 * and leaves it with probability p = 1 - exp(-1 / (rate_hz * tau)) per
 * sample.  The n junctions are in series with series resistor r_series
 * across vdd; the ADC (bits, vref) reads the voltage across the junctions.
 */
struct smtj_junction_params {
	unsigned int n;			/* junctions in series, 1..8 */
	double tau0;			/* attempt time, s (1e-9) */
	double delta[SMTJ_SIM_MAX_JUNCTIONS];	/* Eb/kBT at t_ref */
	double temp, t_ref;		/* K (300, 300) */
	double i_ratio;			/* I/Ic, current bias */
	double h_ratio;			/* H/Hk, field bias */
	double r_p[SMTJ_SIM_MAX_JUNCTIONS];	/* ohm */
	double r_ap[SMTJ_SIM_MAX_JUNCTIONS];	/* ohm */
	double r_series;		/* ohm */
	double vdd;			/* V */
	double vref;			/* ADC full scale, V */
	unsigned int adc_bits;		/* 8..16 */
	double noise_v;			/* read noise std, V */
	double rate_hz;			/* sample rate */
};

void smtj_junction_default(struct smtj_junction_params *p);
/* Mean dwell times of junction @j (s), for tests and reports. */
int smtj_junction_dwell(const struct smtj_junction_params *p, unsigned int j,
			double *tau_p, double *tau_ap, struct smtj_err *err);
/* Parse the junction keys ("n=2,delta=10/12,i=0.1", with or without a
 * leading "junction:") over the defaults; see libsmtj.rst. */
int smtj_junction_parse(struct smtj_junction_params *p, const char *keys,
			struct smtj_err *err);
/* Physics -> simulator config; @seed and rate copied in. */
int smtj_junction_to_sim(const struct smtj_junction_params *p, uint64_t seed,
			 struct smtj_sim_config *cfg, struct smtj_err *err);

/* ---- recorded series -------------------------------------------------- */

enum smtj_series_format {
	SMTJ_FMT_AUTO,		/* by extension: .f32, .csv, else raw u16 */
	SMTJ_FMT_U16,		/* raw device dump: host-order 16-bit codes */
	SMTJ_FMT_F32,		/* little-endian float32 volts */
	SMTJ_FMT_CSV,		/* one value a line (last column if several) */
};

struct smtj_series {
	float *v;		/* values (volts, or codes for u16) */
	size_t n;
};

/* Parse an in-memory file; @name is used in messages.  Empty, short
 * (a partial record) or malformed input is refused naming the offset. */
int smtj_series_parse(struct smtj_series *s, const void *buf, size_t len,
		      enum smtj_series_format fmt, const char *name,
		      struct smtj_err *err);
int smtj_series_load(struct smtj_series *s, const char *path,
		     enum smtj_series_format fmt, struct smtj_err *err);
void smtj_series_free(struct smtj_series *s);
int smtj_series_format_parse(const char *s, enum smtj_series_format *fmt);

/* ---- statistics ------------------------------------------------------- */

struct smtj_hist {
	double lo, hi;		/* range; bin width (hi - lo) / nbins */
	size_t nbins;
	uint64_t *count;
	uint64_t below, above;	/* outside [lo, hi) */
};

/* Histogram over [lo, hi); lo == hi picks the data range. */
int smtj_hist(struct smtj_hist *h, const float *x, size_t n, size_t nbins,
	      double lo, double hi, struct smtj_err *err);
void smtj_hist_free(struct smtj_hist *h);

struct smtj_levels {
	unsigned int n;		/* levels found, ascending */
	double level[SMTJ_SIM_MAX_LEVELS];
	double weight[SMTJ_SIM_MAX_LEVELS];	/* fraction of samples */
	double sd[SMTJ_SIM_MAX_LEVELS];		/* spread around each */
};

/* Find up to @max levels (peaks of the histogram, refined by k-means in
 * one dimension).  @max = 2 for a single junction. */
int smtj_levels_detect(struct smtj_levels *lv, const float *x, size_t n,
		       unsigned int max, struct smtj_err *err);

/* Dwell times of a two-state series thresholded at @thresh (1 above).
 * The first and last (censored) runs are dropped. */
struct smtj_dwell {
	uint64_t *len[2];	/* run lengths in samples, per state */
	size_t count[2];
	double mean[2];		/* mean dwell per state, samples */
	double sem[2];		/* its standard error */
	uint64_t max_len;
};
int smtj_dwell(struct smtj_dwell *d, const float *x, size_t n,
	       double thresh, struct smtj_err *err);
/* Distribution of run lengths of @state: hist[k] = runs of length k + 1,
 * k < nbins; longer runs in the last bin. */
int smtj_dwell_hist(const struct smtj_dwell *d, unsigned int state,
		    uint64_t *hist, size_t nbins);
void smtj_dwell_free(struct smtj_dwell *d);

/* Normalised autocorrelation r[0..maxlag] (r[0] = 1).  Direct sums for
 * short series or few lags, FFTW (zero-padded) otherwise. */
int smtj_acf(const float *x, size_t n, double *r, size_t maxlag,
	     struct smtj_err *err);
int smtj_acf_direct(const float *x, size_t n, double *r, size_t maxlag,
		    struct smtj_err *err);
int smtj_acf_fft(const float *x, size_t n, double *r, size_t maxlag,
		 struct smtj_err *err);

/*
 * Néel–Arrhenius fit of dwell times against bias: ln tau = ln tau0 +
 * delta * (1 - sign * b) by weighted least squares, b the bias ratio
 * (I/Ic or a field in units of its switching field), sign +1 for the
 * state the bias destabilises.  Returns tau0, delta and their standard
 * errors.
 */
struct smtj_arrhenius {
	double tau0, delta;
	double tau0_se, delta_se;
	double chi2;		/* weighted residual sum */
};
int smtj_arrhenius_fit(const double *bias, const double *tau,
		       const double *tau_se, size_t n, double sign,
		       struct smtj_arrhenius *fit, struct smtj_err *err);

/* ---- min-entropy assessment (NIST SP 800-90B, section 6.3) ------------ */

/*
 * The ten non-IID estimators of SP 800-90B (January 2018) section 6.3, in
 * the standard's order.  Collision, Markov and compression apply to binary
 * data only; the others to any alphabet.  Symbols are bytes; the alphabet
 * size k is the number of distinct values in the data.
 */
enum smtj_entropy_estimator {
	SMTJ_ENT_MCV,		/* 6.3.1 most common value */
	SMTJ_ENT_COLLISION,	/* 6.3.2 collision (binary) */
	SMTJ_ENT_MARKOV,	/* 6.3.3 Markov (binary) */
	SMTJ_ENT_COMPRESSION,	/* 6.3.4 compression (binary) */
	SMTJ_ENT_TUPLE,		/* 6.3.5 t-tuple */
	SMTJ_ENT_LRS,		/* 6.3.6 longest repeated substring */
	SMTJ_ENT_MULTI_MCW,	/* 6.3.7 MultiMCW prediction */
	SMTJ_ENT_LAG,		/* 6.3.8 lag prediction */
	SMTJ_ENT_MULTI_MMC,	/* 6.3.9 MultiMMC prediction */
	SMTJ_ENT_LZ78Y,		/* 6.3.10 LZ78Y prediction */
	SMTJ_ENT_COUNT
};

/* Short name ("mcv", "collision", ..., "lz78y"); "?" when out of range. */
const char *smtj_entropy_name(enum smtj_entropy_estimator e);
/* 1 for the estimators the standard defines on bits only. */
int smtj_entropy_binary_only(enum smtj_entropy_estimator e);

/* The standard's constants; the worked examples of 6.3 use smaller ones. */
struct smtj_entropy_params {
	unsigned int tuple_cutoff;	/* t-tuple/LRS occurrences, 35 */
	unsigned int mcw_window[4];	/* MultiMCW windows, 63/255/1023/4095 */
	unsigned int lag_depth;		/* lag predictors D, 128 */
	unsigned int mmc_depth;		/* MultiMMC orders D, 16 (max 16) */
	unsigned int mmc_max_entries;	/* contexts per order, 100000 */
	unsigned int lz78y_depth;	/* LZ78Y B, 16 (max 16) */
	unsigned int lz78y_max_dict;	/* LZ78Y contexts, 65536 */
	unsigned int compression_block;	/* b, 6 (1..16) */
	unsigned int compression_dict;	/* d, 1000 */
};
void smtj_entropy_default_params(struct smtj_entropy_params *p);

/* One estimate and the intermediate values the standard names. */
struct smtj_entropy_est {
	int done;		/* 1 once computed */
	double h;		/* min-entropy, bits per symbol */
	double p;		/* the probability bound h = -log2(p) came from
				 * (compression: per b-bit block) */
	double mean, sd;	/* collision, compression: X-bar and sigma-hat */
	double p_global, p_global_upper, p_local;	/* predictors */
	uint64_t correct, trials, run;	/* predictors: C, N and r */
	uint64_t t, u, v;	/* t-tuple: t; LRS: u and v */
};

/* Run one estimator on @n symbols.  Too few samples for it (each needs
 * its own minimum), or a binary-only estimator on more than two values,
 * is -EINVAL with a message.  @prm NULL: the standard's constants. */
int smtj_entropy_estimate(enum smtj_entropy_estimator which,
			  const uint8_t *s, size_t n,
			  const struct smtj_entropy_params *prm,
			  struct smtj_entropy_est *est, struct smtj_err *err);

/*
 * Assessment as SP 800-90B section 3.1.3 asks.  The estimators see the
 * symbols mapped onto 0..k-1 in their order (as the standard's tool does).
 * Binary data (k <= 2): all ten estimators, h = their minimum =
 * h_bitstring, width 1.  Otherwise the seven that take any alphabet on the
 * symbols (h_original), all ten on the bitstring of the samples in their
 * declared width (most significant bit first; h_bitstring per bit), and
 * h = min(h_original, width * h_bitstring), width = the declared bits.
 */
struct smtj_entropy {
	size_t n;		/* symbols */
	unsigned int k;		/* distinct values */
	unsigned int width;	/* bits per sample in the bitstring */
	int binary;
	struct smtj_entropy_est original[SMTJ_ENT_COUNT];
	struct smtj_entropy_est bitstring[SMTJ_ENT_COUNT];
	double h_original;	/* bits per symbol */
	double h_bitstring;	/* bits per bit */
	double h;		/* assessed min-entropy, bits per symbol */
};

/* @bits: declared symbol width, 1..8; a symbol >= 2^bits is refused
 * naming its offset.  An empty input is refused. */
int smtj_entropy_assess(struct smtj_entropy *a, const uint8_t *s, size_t n,
			unsigned int bits, const struct smtj_entropy_params *prm,
			struct smtj_err *err);

/*
 * Restart tests (SP 800-90B section 3.1.4) on a rows x cols matrix, row r
 * holding the first cols samples after restart r (row-major, one symbol
 * a byte: the restart file as captured).
 *
 * Sanity check: the count of the most common value in every row and every
 * column must not exceed the cutoff U of a binomial(length, 2^-h_initial)
 * at alpha = 0.01 / (rows + cols): U is the smallest u with
 * P(X > u) <= alpha.
 */
struct smtj_restart_check {
	double h_initial;	/* H_I, bits per symbol */
	double p;		/* 2^-H_I */
	double alpha;
	unsigned int cutoff_row, cutoff_col;	/* U for a row, a column */
	unsigned int max_row, max_col;	/* largest most-common count */
	size_t worst_row, worst_col;	/* where it occurred */
	int ok;			/* 1: passed */
};
int smtj_entropy_restart_sanity(struct smtj_restart_check *c,
				const uint8_t *m, size_t rows, size_t cols,
				double h_initial, struct smtj_err *err);

/* Sanity check, then the row data set (the matrix as stored) and the
 * column data set (its transpose) assessed: H_r, H_c.  ok when the check
 * passed and min(H_r, H_c) >= H_I / 2; then h = min(H_I, H_r, H_c). */
struct smtj_restart {
	struct smtj_restart_check check;
	struct smtj_entropy rows, cols;	/* assessed only after a pass */
	double h_r, h_c;
	int ok;
	double h;		/* validated estimate, 0 when !ok */
};
int smtj_entropy_restart(struct smtj_restart *r, const uint8_t *m,
			 size_t rows, size_t cols, unsigned int bits,
			 double h_initial, const struct smtj_entropy_params *prm,
			 struct smtj_err *err);

/* ---- symbols for assessment ------------------------------------------- */

enum smtj_symbol_mode {
	SMTJ_SYM_STATES,	/* index of the nearest level (levels found) */
	SMTJ_SYM_BIT,		/* bit @bit of an integer ADC code */
	SMTJ_SYM_LOW,		/* the low @width bits of an integer code */
};

struct smtj_symbolizer {
	enum smtj_symbol_mode mode;
	unsigned int bit;	/* SMTJ_SYM_BIT: 0..15 */
	unsigned int width;	/* bits per symbol (out for STATES) */
	unsigned int levels;	/* SMTJ_SYM_STATES: levels to look for, 2..256 */
	unsigned int nthresh;	/* STATES: thresholds (set by fit) */
	double thresh[SMTJ_SIM_MAX_LEVELS - 1];	/* ascending */
};

/* Parse "states", "states=K", "bit=K", "low=M" into @sz. */
int smtj_symbolizer_parse(struct smtj_symbolizer *sz, const char *text,
			  struct smtj_err *err);
/* STATES: find the levels in @x and place the thresholds half-way
 * between neighbours; the other modes need nothing from the data. */
int smtj_symbolizer_fit(struct smtj_symbolizer *sz, const float *x, size_t n,
			struct smtj_err *err);
/* Symbols of @n values into @out.  BIT and LOW refuse a value that is not
 * an integer code in 0..65535, naming its index. */
int smtj_symbolize(const struct smtj_symbolizer *sz, const float *x, size_t n,
		   uint8_t *out, struct smtj_err *err);
/* A file of one symbol per byte (the format of the standard's tools);
 * every byte must be < 2^bits.  *out malloc'ed. */
int smtj_symbols_load(const char *path, unsigned int bits, uint8_t **out,
		      size_t *n, struct smtj_err *err);

/* ---- devices ---------------------------------------------------------- */

struct smtj_dev;

/* @name: a path ("/dev/smtj0") or an index ("0"). */
int smtj_dev_open(struct smtj_dev **out, const char *name, int nonblock,
		  struct smtj_err *err);
/* Adopt an open descriptor (not closed by smtj_dev_close when !own). */
int smtj_dev_from_fd(struct smtj_dev **out, int fd, int own, const char *name,
		     struct smtj_err *err);
void smtj_dev_close(struct smtj_dev *dev);
int smtj_dev_fd(const struct smtj_dev *dev);
const char *smtj_dev_name(const struct smtj_dev *dev);
int smtj_dev_info(struct smtj_dev *dev, struct smtj_info *info,
		  struct smtj_err *err);
int smtj_dev_get_sim(struct smtj_dev *dev, struct smtj_sim_config *cfg,
		     struct smtj_err *err);
int smtj_dev_set_sim(struct smtj_dev *dev, const struct smtj_sim_config *cfg,
		     struct smtj_err *err);
int smtj_dev_get_consumer(struct smtj_dev *dev, struct smtj_consumer *c,
			  struct smtj_err *err);
int smtj_dev_set_consumer(struct smtj_dev *dev, uint32_t ring_samples,
			  uint32_t watermark, struct smtj_err *err);
/* Volts of a sample code according to @info. */
double smtj_code_volts(const struct smtj_info *info, uint16_t code);

enum smtj_transport {
	SMTJ_TR_AUTO,		/* io_uring, else read() */
	SMTJ_TR_READ,
	SMTJ_TR_MMAP,
	SMTJ_TR_URING,
};
const char *smtj_transport_name(enum smtj_transport t);
int smtj_transport_parse(const char *s, enum smtj_transport *t);

struct smtj_stream_opts {
	enum smtj_transport transport;
	size_t batch;		/* samples per read (io_uring/read), at most
				 * per span (mmap); 4096 */
	unsigned int depth;	/* io_uring reads in flight, 2..64; 0: default */
};
/*
 * Sixteen reads in flight: io_uring's gain over read() comes from the
 * system calls it saves per batch, which grow with the depth (1.06x
 * read() at 4 at 4 KiB batches, 1.24x at 16, userspace-api/libsmtj.rst).
 * A loss may be reported up to this many batches before its gap.
 */
#define SMTJ_STREAM_DEPTH_DEFAULT 16

/* A borrowed span of samples, valid until smtj_stream_release. */
struct smtj_batch {
	const uint16_t *data;
	size_t n;
	uint64_t lost;		/* samples lost since the previous batch */
};

struct smtj_stream;

int smtj_stream_open(struct smtj_stream **out, struct smtj_dev *dev,
		     const struct smtj_stream_opts *opts, struct smtj_err *err);
/* Transport actually used, and a note when it differs from the request
 * (e.g. io_uring unavailable: EPERM), else "". */
enum smtj_transport smtj_stream_transport(const struct smtj_stream *s);
const char *smtj_stream_note(const struct smtj_stream *s);
/* Borrow the next batch (blocks unless the device was opened nonblocking:
 * -EAGAIN).  -ENODEV once the device is gone.  At most one batch is
 * borrowed at a time. */
int smtj_stream_next(struct smtj_stream *s, struct smtj_batch *b,
		     struct smtj_err *err);
void smtj_stream_release(struct smtj_stream *s, struct smtj_batch *b);
/* Copy exactly @n samples (looping over batches); *lost adds up losses. */
int smtj_stream_read(struct smtj_stream *s, uint16_t *out, size_t n,
		     uint64_t *lost, struct smtj_err *err);
void smtj_stream_close(struct smtj_stream *s);

/*
 * Restart a simulated device and read the first @n samples after it (the
 * restart data of SP 800-90B section 3.1.4): the simulator is re-seeded
 * with @seed, the rest of its configuration kept; SET_SIM restarts its
 * stream at sample 0 and empties this file's ring, so the stream opened
 * after it starts there.  @dev must be the device's only open file
 * (-EBUSY otherwise); a lost sample is -EIO.
 */
int smtj_dev_restart_read(struct smtj_dev *dev,
			  const struct smtj_stream_opts *opts, uint64_t seed,
			  uint16_t *out, size_t n, struct smtj_err *err);

#ifdef __cplusplus
}
#endif

#endif /* LIBSMTJ_H */
