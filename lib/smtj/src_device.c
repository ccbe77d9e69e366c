// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * Live device source: samples from /dev/smtjN through any transport,
 * converted to volts with the device's scale, consumed serially in call
 * order (sample-major, node-minor) like the replay of a recording.  With
 * calib=N the first N samples estimate the moments and levels that
 * conditioning needs (a device has no theory).
 */
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "stream.h"

struct devsrc {
	struct smtj_src base;
	struct smtj_dev *dev;
	struct smtj_stream *st;
	struct smtj_info info;
	uint16_t *tmp;
	size_t tmp_n;
	uint64_t lost;
	int codes;		/* raw codes instead of volts */
};

static float value(const struct devsrc *d, uint16_t c)
{
	return d->codes ? (float)c : (float)smtj_code_volts(&d->info, c);
}

static int dev_fill(struct smtj_src *src, unsigned int stream, float *out,
		    size_t rows, size_t cols, struct smtj_err *err)
{
	struct devsrc *d = (struct devsrc *)src;
	size_t n = rows * cols;

	(void)stream;
	while (n) {
		size_t k = n < d->tmp_n ? n : d->tmp_n;
		int ret = smtj_stream_read(d->st, d->tmp, k, &d->lost, err);

		if (ret)
			return ret;
		for (size_t i = 0; i < k; i++)
			out[i] = value(d, d->tmp[i]);
		out += k;
		n -= k;
	}
	return 0;
}

static void dev_destroy(struct smtj_src *src)
{
	struct devsrc *d = (struct devsrc *)src;

	smtj_stream_close(d->st);
	smtj_dev_close(d->dev);
	free(d->tmp);
	free(d);
}

static uint64_t dev_lost(const struct smtj_src *src)
{
	return ((const struct devsrc *)src)->lost;
}

/* A device is its own randomness: no seed governs it, and it stays open
 * with its stream, its calibration and its count of lost samples. */
static int dev_reseed(struct smtj_src *src, uint64_t seed,
		      struct smtj_err *err)
{
	(void)src;
	(void)seed;
	(void)err;
	return 0;
}

static const struct smtj_src_ops dev_ops = {
	.fill = dev_fill,
	.destroy = dev_destroy,
	.lost = dev_lost,
	.reseed = dev_reseed,
};

static int calibrate(struct devsrc *d, unsigned int n, struct smtj_err *err)
{
	float *x = malloc(n * sizeof(float));
	struct smtj_levels lv;
	double m = 0, v = 0;
	int ret;

	if (!x)
		return smtj_seterr(err, -ENOMEM, "device: out of memory");
	ret = dev_fill(&d->base, 0, x, n, 1, err);
	if (ret) {
		free(x);
		return ret;
	}
	for (unsigned int i = 0; i < n; i++)
		m += x[i];
	m /= n;
	for (unsigned int i = 0; i < n; i++)
		v += (x[i] - m) * (x[i] - m);
	d->base.has_moments = 1;
	d->base.mean = m;
	d->base.sd = sqrt(v / n);
	d->base.lo = d->base.hi = m;
	if (!smtj_levels_detect(&lv, x, n, 2, NULL) && lv.n == 2) {
		d->base.lo = lv.level[0];
		d->base.hi = lv.level[1];
	}
	free(x);
	return 0;
}

int smtj_src_device(struct smtj_src **out, struct smtj_spec *sp,
		    uint64_t seed, struct smtj_err *err)
{
	struct smtj_stream_opts o = { .transport = SMTJ_TR_AUTO };
	const char *path = "0", *tr = NULL;
	unsigned int batch = 4096, depth = SMTJ_STREAM_DEPTH_DEFAULT, calib = 0;
	struct devsrc *d;
	int ret;

	(void)seed;	/* a device is its own randomness */
	if ((ret = smtj_spec_str(sp, "path", &path, err)) < 0 ||
	    (ret = smtj_spec_str(sp, "transport", &tr, err)) < 0 ||
	    (ret = smtj_spec_uint(sp, "batch", &batch, err)) < 0 ||
	    (ret = smtj_spec_uint(sp, "depth", &depth, err)) < 0 ||
	    (ret = smtj_spec_uint(sp, "calib", &calib, err)) < 0)
		return ret;
	if (tr && smtj_transport_parse(tr, &o.transport))
		return smtj_seterr(err, -EINVAL,
				   "noise spec device: transport=%s (auto, read, mmap, uring)", tr);
	if (calib > (1U << 26))
		return smtj_seterr(err, -EINVAL, "noise spec device: calib=%u too large", calib);
	o.batch = batch;
	o.depth = depth;
	d = calloc(1, sizeof(*d));
	if (!d)
		return smtj_seterr(err, -ENOMEM, "noise: out of memory");
	d->base.ops = &dev_ops;
	d->base.serial = 1;
	ret = smtj_spec_flag(sp, "codes", err);
	if (ret < 0)
		goto fail;
	d->codes = ret;
	d->tmp_n = 65536;
	d->tmp = malloc(d->tmp_n * sizeof(uint16_t));
	if (!d->tmp) {
		ret = smtj_seterr(err, -ENOMEM, "noise: out of memory");
		goto fail;
	}
	ret = smtj_dev_open(&d->dev, path, 0, err);
	if (!ret)
		ret = smtj_dev_info(d->dev, &d->info, err);
	if (!ret)
		ret = smtj_stream_open(&d->st, d->dev, &o, err);
	if (!ret && calib)
		ret = calibrate(d, calib, err);
	if (ret)
		goto fail;
	snprintf(d->base.desc, sizeof(d->base.desc),
		 "device:path=%.100s,transport=%s,batch=%u,depth=%u,calib=%u%s",
		 smtj_dev_name(d->dev), smtj_transport_name(smtj_stream_transport(d->st)),
		 batch, depth, calib, d->codes ? ",codes" : "");
	*out = &d->base;
	return 0;
fail:
	dev_destroy(&d->base);
	return ret;
}
