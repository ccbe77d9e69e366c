// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * Replay of a recorded series, as the reference does with the measured
 * junction: one global read position shared by every stream; a request
 * of rows x cols takes the next rows*cols values sample-major, node-minor
 * (so neighbouring nodes get consecutive time samples), wrapping to the
 * start at the end of the file.  With h > 1 the request takes h blocks of
 * rows*cols values in a row and sums them (the reference's n_sources).
 * The reference draws each pass separately: with passes=2 a request of
 * 2B rows is served as two requests of B rows (pass 1, then pass 2), which
 * is the same order for h = 1 and the reference's for h > 1.
 * Values are scale * v (scale converts codes of a raw dump to volts).
 */
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "smtj-internal.h"

struct replay {
	struct smtj_src base;
	struct smtj_series s;
	size_t pos;
	unsigned int h, passes;
	float scale;
};

/* One request of @n values: h consecutive blocks of n, summed. */
static void take(struct replay *r, float *out, size_t n)
{
	size_t len = r->s.n;

	for (unsigned int k = 0; k < r->h; k++) {
		size_t done = 0;

		while (done < n) {
			size_t run = len - r->pos < n - done ? len - r->pos : n - done;
			const float *v = r->s.v + r->pos;

			if (k == 0)
				for (size_t i = 0; i < run; i++)
					out[done + i] = r->scale * v[i];
			else
				for (size_t i = 0; i < run; i++)
					out[done + i] += r->scale * v[i];
			done += run;
			r->pos += run;
			if (r->pos == len)
				r->pos = 0;
		}
	}
}

static int replay_fill(struct smtj_src *src, unsigned int stream, float *out,
		       size_t rows, size_t cols, struct smtj_err *err)
{
	struct replay *r = (struct replay *)src;
	unsigned int parts = rows % r->passes ? 1 : r->passes;
	size_t n = rows / parts * cols;

	(void)stream;
	(void)err;
	for (unsigned int p = 0; p < parts; p++)
		take(r, out + p * n, n);
	return 0;
}

static void replay_destroy(struct smtj_src *src)
{
	struct replay *r = (struct replay *)src;

	smtj_series_free(&r->s);
	free(r);
}

static const struct smtj_src_ops replay_ops = {
	.fill = replay_fill,
	.destroy = replay_destroy,
};

/* Moments of h summed blocks of the data: h times the mean; the variance
 * treats the blocks as independent (they are far apart in time). */
static void moments(struct replay *r)
{
	double m = 0, m2 = 0, sc = r->scale;
	struct smtj_levels lv;

	for (size_t i = 0; i < r->s.n; i++) {
		m += r->s.v[i];
		m2 += (double)r->s.v[i] * r->s.v[i];
	}
	m /= r->s.n;
	m2 = m2 / r->s.n - m * m;
	r->base.has_moments = 1;
	r->base.mean = r->h * sc * m;
	r->base.sd = sqrt(r->h * (m2 > 0 ? m2 : 0)) * fabs(sc);
	r->base.lo = r->base.hi = r->base.mean;
	if (!smtj_levels_detect(&lv, r->s.v, r->s.n, 2, NULL) && lv.n == 2) {
		r->base.lo = r->h * sc * lv.level[0];
		r->base.hi = r->h * sc * lv.level[1];
	}
}

int smtj_src_replay(struct smtj_src **out, struct smtj_spec *sp,
		    uint64_t seed, struct smtj_err *err)
{
	enum smtj_series_format fmt = SMTJ_FMT_AUTO;
	const char *path = NULL, *f = NULL;
	double scale = 1;
	uint64_t start = 0;
	unsigned int h = 1, passes = 1;
	struct replay *r;
	int ret;

	(void)seed;	/* a recording is what it is */
	if ((ret = smtj_spec_str(sp, "path", &path, err)) < 0 ||
	    (ret = smtj_spec_str(sp, "format", &f, err)) < 0 ||
	    (ret = smtj_spec_double(sp, "scale", &scale, err)) < 0 ||
	    (ret = smtj_spec_u64(sp, "start", &start, err)) < 0 ||
	    (ret = smtj_spec_uint(sp, "h", &h, err)) < 0 ||
	    (ret = smtj_spec_uint(sp, "passes", &passes, err)) < 0)
		return ret;
	if (passes < 1 || passes > 2)
		return smtj_seterr(err, -EINVAL, "noise spec replay: passes=%u (1 or 2)", passes);
	if (!path)
		return smtj_seterr(err, -EINVAL, "noise spec replay: path= is required");
	if (f && smtj_series_format_parse(f, &fmt))
		return smtj_seterr(err, -EINVAL,
				   "noise spec replay: format=%s (auto, u16, f32, csv)", f);
	if (h < 1 || h > 1024)
		return smtj_seterr(err, -EINVAL, "noise spec replay: h=%u not in 1..1024", h);
	r = calloc(1, sizeof(*r));
	if (!r)
		return smtj_seterr(err, -ENOMEM, "noise: out of memory");
	r->base.ops = &replay_ops;
	r->base.serial = 1;
	r->h = h;
	r->passes = passes;
	r->scale = (float)scale;
	ret = smtj_series_load(&r->s, path, fmt, err);
	if (ret) {
		free(r);
		return ret;
	}
	if (start >= r->s.n) {
		ret = smtj_seterr(err, -ERANGE,
				  "noise spec replay: start=%llu beyond the %zu values of %s",
				  (unsigned long long)start, r->s.n, path);
		replay_destroy(&r->base);
		return ret;
	}
	r->pos = (size_t)start;
	moments(r);
	snprintf(r->base.desc, sizeof(r->base.desc),
		 "replay:path=%.180s,scale=%.9g,start=%llu,h=%u,passes=%u", path,
		 scale, (unsigned long long)start, h, passes);
	*out = &r->base;
	return 0;
}
