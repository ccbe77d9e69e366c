/* SPDX-License-Identifier: GPL-2.0-or-later */
/* smtj-train: declarations shared between its files. */
#ifndef SMTJ_TRAIN_H
#define SMTJ_TRAIN_H

#include <signal.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include "libdanp.h"

/* ---- datasets (dataset.c) ---- */
struct train_data {
	const char *name;	/* mnist, fashion, cifar10, cifar100, csv */
	struct danp_dataset train, test;
	int augment;
	char arch[64];		/* the teacher's sizes, default student shape */
};
/* @targets: CSV target columns, 0 to decide from the data (see
 * danp_load_csv_targets), -1 for class labels only. */
int data_load(struct train_data *d, const char *name, const char *dir,
	      const char *train_csv, const char *test_csv, long targets,
	      struct danp_err *err);
void data_free(struct train_data *d);
/* Reference hyperparameters for (dataset, rule, noise spec). */
void data_defaults(const char *dataset, enum danp_rule rule,
		   const char *noise_spec, float *lr, float *decor_lr);

/* ---- the teacher task (teacher.c) ---- */
/* Whether @name is "teacher" or "teacher:...". */
int teacher_dataset(const char *name);
/* "teacher:SIZES[,n=N][,test=N][,seed=S]"; the teacher's seed derives from
 * @run_seed unless seed= is given. */
int teacher_load(struct train_data *d, const char *name, uint64_t run_seed,
		 struct danp_err *err);

/* ---- noise (noise.c): libsmtj sources behind danp_noise_fn ---- */
struct train_noise;
int noise_open(struct train_noise **out, const char *spec, uint64_t seed,
	       char *msg, size_t msglen);
/* As if opened anew with @seed (the device stays open); consumed
 * restarts at 0. */
int noise_reseed(struct train_noise *n, uint64_t seed, char *msg,
		 size_t msglen);
/* The callback libdanp calls; @ctx is a struct train_noise. */
int noise_fill(void *ctx, unsigned int layer, float *out, size_t rows,
	       size_t cols);
uint64_t noise_consumed(const struct train_noise *n);
const char *noise_error(const struct train_noise *n);
/* Mean and standard deviation the source reports; -ENODATA if unknown. */
int noise_moments(const struct train_noise *n, double *mean, double *sd);
const char *noise_describe(const struct train_noise *n);
void noise_close(struct train_noise *n);

/* ---- results file (report.c) ---- */
struct epoch_row {
	unsigned int epoch;
	double train_loss, train_acc, train_acc_noisy;
	double test_loss, test_acc, test_acc_noisy;
	double seconds, samples_per_s, cosine;
	uint64_t noise_values;
	/* Thread split this epoch: jobs run on one thread because the split
	 * cost more than it saved (a loaded machine), and how often. */
	double serial_fraction;
	uint64_t split_fallbacks;
};
struct report;
/* @keep_epochs: rows of an earlier run kept on --resume (0: start anew). */
int report_open(struct report **out, const char *path, int json,
		const char *header_json, unsigned int keep_epochs,
		char *msg, size_t msglen);
int report_add(struct report *r, const struct epoch_row *row, int cosine,
	       char *msg, size_t msglen);
void report_close(struct report *r);
/* @s as the inside of a JSON string (quotes, backslashes and control
 * characters escaped), truncated to fit @len. */
void json_escape(char *out, size_t len, const char *s);

/* ---- progress bar (progress.c) ---- */
struct progress {
	int enabled;
	unsigned int epoch, epochs;
	size_t batch_size;
	double t0;
	volatile sig_atomic_t *stop;	/* set by SIGINT */
	size_t ckpt_every;		/* stop for a checkpoint every N batches */
	double every;			/* --progress-every: seconds, 0 off */
	double last_t, last_sum;	/* ticker state: previous line */
	size_t last_n;
};
int progress_cb(void *ctx, size_t batch, size_t n_batches, double loss);
void progress_end(struct progress *p);
double now_seconds(void);

/* ---- plain progress lines (ticker.c) ---- */
void ticker_tick(struct progress *p, size_t batch, size_t n_batches,
		 size_t samples, double mean_loss);

/* ---- image downsampling (downsample.c) ---- */
/* K x K average pooling of both sets' images (K <= 1: nothing). */
int data_downsample(struct train_data *d, size_t k, struct danp_err *err);

#endif
