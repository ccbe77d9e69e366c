// SPDX-License-Identifier: GPL-2.0-or-later
/* Dataset selection, file names, normalisation and reference defaults. */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include "train.h"

/* DIR/NAME, or DIR/NAME.gz when only the compressed file exists. */
static const char *pick(char *buf, size_t len, const char *dir,
			const char *name)
{
	snprintf(buf, len, "%s/%s", dir, name);
	if (access(buf, R_OK) == 0)
		return buf;
	snprintf(buf, len, "%s/%s.gz", dir, name);
	if (access(buf, R_OK) == 0)
		return buf;
	snprintf(buf, len, "%s/%s", dir, name);
	return buf;
}

static int load_idx_pair(struct danp_dataset *ds, const char *dir,
			 const char *prefix, struct danp_err *err)
{
	char a[4096], b[4096], na[64], nb[64];

	snprintf(na, sizeof(na), "%s-images-idx3-ubyte", prefix);
	snprintf(nb, sizeof(nb), "%s-labels-idx1-ubyte", prefix);
	return danp_load_idx(ds, pick(a, sizeof(a), dir, na),
			     pick(b, sizeof(b), dir, nb), err);
}

/* Labels only (CE), or regression targets as well (MSE). */
static int load_csv(struct danp_dataset *ds, const char *path, long targets,
		    struct danp_err *err)
{
	int ret;

	if (targets >= 0)
		return danp_load_csv_targets(ds, path, (size_t)targets, err);
	ret = danp_load_csv(ds, path, err);
	if (ret && strstr(err->msg, "not a class index")) {
		char m[sizeof(err->msg)];

		memcpy(m, err->msg, sizeof(m));
		danp_seterr(err, ret, "%.200s (real-valued targets need --loss mse)", m);
	}
	return ret;
}

int data_load(struct train_data *d, const char *name, const char *dir,
	      const char *train_csv, const char *test_csv, long targets,
	      struct danp_err *err)
{
	int ret;

	memset(d, 0, sizeof(*d));
	d->name = name;
	if (!strcmp(name, "mnist") || !strcmp(name, "fashion")) {
		if (!dir)
			dir = !strcmp(name, "mnist") ? "data/mnist" :
			      "/usr/share/datasets/fashion-mnist";
		ret = load_idx_pair(&d->train, dir, "train", err);
		if (!ret)
			ret = load_idx_pair(&d->test, dir, "t10k", err);
		if (!ret) {
			/* Fashion-MNIST uses the MNIST constants as well. */
			danp_normalize_mnist(&d->train);
			danp_normalize_mnist(&d->test);
		}
	} else if (!strcmp(name, "cifar10") || !strcmp(name, "cifar100")) {
		int c100 = !strcmp(name, "cifar100");
		char p[6][4096];
		const char *tr[5], *te[1];
		size_t ntr = c100 ? 1 : 5;

		if (!dir)
			dir = c100 ? "data/cifar-100-binary" : "data/cifar-10-batches-bin";
		for (size_t i = 0; i < ntr; i++) {
			char n[32];

			snprintf(n, sizeof(n), "data_batch_%zu.bin", i + 1);
			tr[i] = pick(p[i], sizeof(p[i]), dir, c100 ? "train.bin" : n);
		}
		te[0] = pick(p[5], sizeof(p[5]), dir, c100 ? "test.bin" : "test_batch.bin");
		ret = danp_load_cifar(&d->train, tr, ntr, c100 ? 100 : 10, err);
		if (!ret)
			ret = danp_load_cifar(&d->test, te, 1, c100 ? 100 : 10, err);
		if (!ret) {
			danp_normalize_cifar(&d->train);
			danp_normalize_cifar(&d->test);
			d->augment = 1;
		}
	} else if (!strcmp(name, "csv")) {
		if (!train_csv || !test_csv)
			return danp_seterr(err, -EINVAL,
						  "--dataset csv needs --train and --test");
		ret = load_csv(&d->train, train_csv, targets, err);
		if (!ret)
			ret = load_csv(&d->test, test_csv, targets, err);
		if (!ret && !d->train.t != !d->test.t)
			ret = danp_seterr(err, -EINVAL, "%s has %s, %s %s", train_csv,
				     d->train.t ? "real targets" : "class labels",
				     test_csv, d->test.t ? "real targets" :
				     "class labels");
		if (!ret && d->train.t_dim != d->test.t_dim)
			ret = danp_seterr(err, -EINVAL, "%s has %zu targets, %s %zu",
				     train_csv, d->train.t_dim, test_csv,
				     d->test.t_dim);
		if (!ret && d->train.dim != d->test.dim)
			ret = danp_seterr(err, -EINVAL, "%s has %zu features, %s %zu",
						 train_csv, d->train.dim,
						 test_csv, d->test.dim);
	} else {
		return danp_seterr(err, -EINVAL, "unknown dataset '%s'", name);
	}
	if (ret)
		data_free(d);
	return ret;
}

void data_free(struct train_data *d)
{
	danp_dataset_free(&d->train);
	danp_dataset_free(&d->test);
}

void data_defaults(const char *ds, enum danp_rule rule, const char *noise,
		   float *lr, float *decor_lr)
{
	int c10 = !strcmp(ds, "cifar10"), c100 = !strcmp(ds, "cifar100");
	int bern = !noise || !strncmp(noise, "bernoulli", 9);
	int replay = noise && (!strncmp(noise, "replay", 6) ||
			       !strncmp(noise, "device", 6));

	/* Documentation/learning/danp.rst, "Hyperparameters"; the teacher
	 * task those of the paper's hardware demonstration. */
	if (!strncmp(ds, "teacher", 7) && rule != DANP_RULE_BP) {
		*lr = 1e-3f;
		*decor_lr = 1e-4f;
		return;
	}
	if (rule == DANP_RULE_BP || rule == DANP_RULE_BP_DECOR) {
		*lr = c10 ? 6.1035e-6f : c100 ? 1.2207e-5f : 0.1f / 512;
		*decor_lr = 1.9073e-7f;
		return;
	}
	if (c10) {
		*lr = 2.4414e-5f;
		*decor_lr = bern ? 7.6294e-7f : 1.9073e-7f;
	} else if (c100) {
		*lr = bern ? 4.8828e-5f : replay ? 9.7656e-5f : 2.4414e-5f;
		*decor_lr = bern ? 1.5259e-6f : replay ? 6.1035e-6f : 9.5367e-8f;
	} else {
		*lr = 4.8828e-5f;
		*decor_lr = 1.9073e-7f;
	}
}
