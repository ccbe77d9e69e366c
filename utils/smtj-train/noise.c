// SPDX-License-Identifier: GPL-2.0-or-later
/* libsmtj noise sources adapted to libdanp's callback. */
#include <stdlib.h>
#include <string.h>
#include "libsmtj.h"
#include "train.h"

struct train_noise {
	struct smtj_noise *src;
	struct smtj_err err;
};

int noise_open(struct train_noise **out, const char *spec, uint64_t seed,
	       char *msg, size_t msglen)
{
	struct train_noise *n = calloc(1, sizeof(*n));
	int ret;

	if (!n)
		return -12;
	ret = smtj_noise_from_spec(&n->src, spec, seed, &n->err);
	if (ret) {
		snprintf(msg, msglen, "noise '%s': %s", spec, n->err.msg);
		free(n);
		return ret;
	}
	*out = n;
	return 0;
}

int noise_reseed(struct train_noise *n, uint64_t seed, char *msg,
		 size_t msglen)
{
	int ret = smtj_noise_reseed(n->src, seed, &n->err);

	if (ret)
		snprintf(msg, msglen, "noise '%s': reseed: %s",
			 smtj_noise_describe(n->src), n->err.msg);
	return ret;
}

int noise_fill(void *ctx, unsigned int layer, float *out, size_t rows,
	       size_t cols)
{
	struct train_noise *n = ctx;

	return smtj_noise_fill(n->src, layer, out, rows, cols, &n->err);
}

uint64_t noise_consumed(const struct train_noise *n)
{
	return n ? smtj_noise_consumed(n->src) : 0;
}

const char *noise_error(const struct train_noise *n)
{
	return n ? n->err.msg : "";
}

int noise_moments(const struct train_noise *n, double *mean, double *sd)
{
	return smtj_noise_moments(n->src, mean, sd);
}

const char *noise_describe(const struct train_noise *n)
{
	return smtj_noise_describe(n->src);
}

void noise_close(struct train_noise *n)
{
	if (!n)
		return;
	smtj_noise_destroy(n->src);
	free(n);
}
