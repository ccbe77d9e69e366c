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
 *
 * Binary recordings (u16, f32) are streamed: read with pread() in chunks
 * of SMTJ_REPLAY_CHUNK bytes and converted into the caller's buffer, so
 * memory stays bounded whatever the file's size (the measured series is
 * 2.8e9 samples, 5.6 GB as codes).  Not mmap: a file truncated under a
 * mapping raises SIGBUS, which a library cannot catch (pread turns it
 * into an error naming the file and offset); a whole-file mapping counts
 * against RLIMIT_AS and does not fit a 32-bit address space; and every
 * value is converted anyway, so a mapping would save only a copy from
 * the page cache.  CSV recordings (text, small) are parsed into memory.
 */
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "smtj-internal.h"

#ifndef SMTJ_REPLAY_CHUNK	/* the fuzzer makes it small */
#define SMTJ_REPLAY_CHUNK (256 * 1024)
#endif
_Static_assert(SMTJ_REPLAY_CHUNK % 4 == 0, "chunks hold whole records");
#define STAGE 2048		/* values converted at a time */

struct replay {
	struct smtj_src base;
	enum smtj_series_format fmt;	/* u16, f32: streamed; csv: in memory */
	struct smtj_series s;		/* csv */
	struct smtj_file f;		/* u16, f32 */
	unsigned int rec;		/* bytes a record (streamed) */
	int have_levels;
	int read_err;			/* of the last file_pass */
	uint64_t n, pos, start;
	unsigned int h, passes;
	float scale;
};

/* @m records at @p into @x (u16 host order, f32 little-endian); the
 * index of the first value that is not finite, or m. */
static size_t decode(const struct replay *r, float *x, const uint8_t *p,
		     size_t m)
{
	uint32_t bad = 0;
	size_t i;

	if (r->fmt == SMTJ_FMT_U16) {
		for (i = 0; i < m; i++) {
			uint16_t c;

			memcpy(&c, p + 2 * i, 2);
			x[i] = c;
		}
		return m;
	}
#if __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
	memcpy(x, p, 4 * m);
#else
	for (i = 0; i < m; i++) {
		uint32_t u = (uint32_t)p[4 * i] | (uint32_t)p[4 * i + 1] << 8 |
			     (uint32_t)p[4 * i + 2] << 16 |
			     (uint32_t)p[4 * i + 3] << 24;

		memcpy(&x[i], &u, 4);
	}
#endif
	for (i = 0; i < m; i++) {
		uint32_t u;

		memcpy(&u, &x[i], 4);
		bad |= (u & 0x7f800000) == 0x7f800000;
	}
	for (i = 0; bad && i < m; i++)
		if (!isfinite(x[i]))
			return i;
	return m;
}

/* Up to STAGE values from value @i on (not beyond the file's chunk). */
static int values_at(struct replay *r, uint64_t i, uint64_t max, float *x,
		     size_t *m, struct smtj_err *err)
{
	const uint8_t *p;
	size_t len, bad;
	int ret = smtj_file_at(&r->f, i * r->rec, &p, &len, err);

	if (ret)
		return ret;
	*m = len / r->rec;
	*m = *m < max ? *m : (size_t)max;
	*m = *m < STAGE ? *m : STAGE;
	bad = decode(r, x, p, *m);
	if (bad < *m)
		return smtj_seterr(err, -EINVAL, "%s: offset %llu: value is not finite",
				   r->f.path, (unsigned long long)((i + bad) * r->rec));
	return 0;
}

/* @run values from the position on (no wrap inside) into @out. */
static int run_values(struct replay *r, float *out, size_t run, int add,
		      struct smtj_err *err)
{
	const float sc = r->scale;
	float x[STAGE];
	size_t done = 0, m, i;
	int ret;

	if (r->fmt == SMTJ_FMT_CSV) {
		const float *v = r->s.v + r->pos;

		if (!add)
			for (i = 0; i < run; i++)
				out[i] = sc * v[i];
		else
			for (i = 0; i < run; i++)
				out[i] += sc * v[i];
		return 0;
	}
	while (done < run) {
		ret = values_at(r, r->pos + done, run - done, x, &m, err);
		if (ret)
			return ret;
		if (!add)
			for (i = 0; i < m; i++)
				out[done + i] = sc * x[i];
		else
			for (i = 0; i < m; i++)
				out[done + i] += sc * x[i];
		done += m;
	}
	return 0;
}

/* One request of @n values: h consecutive blocks of n, summed. */
static int take(struct replay *r, float *out, size_t n, struct smtj_err *err)
{
	for (unsigned int k = 0; k < r->h; k++) {
		size_t done = 0;

		while (done < n) {
			uint64_t left = r->n - r->pos;
			size_t run = left < n - done ? (size_t)left : n - done;
			int ret = run_values(r, out + done, run, k > 0, err);

			if (ret)
				return ret;
			done += run;
			r->pos += run;
			if (r->pos == r->n)
				r->pos = 0;
		}
	}
	return 0;
}

static int replay_fill(struct smtj_src *src, unsigned int stream, float *out,
		       size_t rows, size_t cols, struct smtj_err *err)
{
	struct replay *r = (struct replay *)src;
	unsigned int parts = rows % r->passes ? 1 : r->passes;
	size_t n = rows / parts * cols;
	int ret = 0;

	(void)stream;
	for (unsigned int p = 0; p < parts && !ret; p++)
		ret = take(r, out + p * n, n, err);
	return ret;
}

static void replay_destroy(struct smtj_src *src)
{
	struct replay *r = (struct replay *)src;

	smtj_series_free(&r->s);
	smtj_file_close(&r->f);
	free(r);
}

/* Every value of the file, in chunks, for the level detection. */
static int file_pass(void *ctx, smtj_chunk_fn fn, void *acc,
		     struct smtj_err *err)
{
	struct replay *r = ctx;
	float x[STAGE];
	size_t m;

	for (uint64_t i = 0; i < r->n; i += m) {
		int ret = values_at(r, i, r->n - i, x, &m, err);

		if (ret)
			return r->read_err = ret;
		fn(acc, x, NULL, m);
	}
	return 0;
}

/* The codes present in a u16 file with their counts: one chunk. */
struct codes {
	float *x;
	uint64_t *w;
	size_t n;
};

static int codes_pass(void *ctx, smtj_chunk_fn fn, void *acc,
		      struct smtj_err *err)
{
	const struct codes *c = ctx;

	(void)err;
	fn(acc, c->x, c->w, c->n);
	return 0;
}

/* Count the codes of a u16 file in one pass; the levels of the counts
 * are those of the values (every sum is of integers, exact in double
 * below 2^53, in any order: the codes are taken as first seen). */
static int code_levels(struct replay *r, struct smtj_levels *lv,
		       struct smtj_err *err)
{
	size_t most = r->n < 65536 ? (size_t)r->n : 65536, m;	/* distinct codes */
	uint64_t *cnt = calloc(65536, sizeof(*cnt));
	uint16_t *seen = malloc(most * sizeof(*seen));
	struct codes c = { 0 };
	float x[STAGE];
	int ret = 0;

	c.x = malloc(most * sizeof(*c.x));
	c.w = malloc(most * sizeof(*c.w));
	if (!cnt || !seen || !c.x || !c.w) {
		ret = smtj_seterr(err, -ENOMEM, "%s: out of memory", r->f.path);
		goto out;
	}
	for (uint64_t i = 0; i < r->n && !ret; i += m) {
		ret = values_at(r, i, r->n - i, x, &m, err);
		for (size_t j = 0; !ret && j < m; j++) {
			uint16_t v = (uint16_t)x[j];

			if (!cnt[v]++)
				seen[c.n++] = v;
		}
	}
	if (ret) {
		r->read_err = ret;
		goto out;
	}
	for (size_t j = 0; j < c.n; j++) {
		c.x[j] = seen[j];
		c.w[j] = cnt[seen[j]];
	}
	ret = smtj_levels_detect_passes(lv, codes_pass, &c, 2, err);
out:
	free(cnt);
	free(seen);
	free(c.x);
	free(c.w);
	return ret;
}

/* The lowest and highest level of h summed blocks: h times the two
 * levels found, else the mean. */
static void set_levels(struct replay *r, const struct smtj_levels *lv,
		       int ret)
{
	double sc = r->scale;

	r->have_levels = 1;
	r->base.lo = r->base.hi = r->base.mean;
	if (!ret && lv->n == 2) {
		r->base.lo = r->h * sc * lv->level[0];
		r->base.hi = r->h * sc * lv->level[1];
	}
}

/* For cond=binary, so that only a source that needs the levels pays for
 * them: u16 takes one more pass over the file (the counts of the codes),
 * f32 one per k-means iteration (2 + at most 50).  A failed read is an
 * error; no levels found (as for the data in memory) leaves lo = hi =
 * mean. */
static int replay_levels(struct smtj_src *src, struct smtj_err *err)
{
	struct replay *r = (struct replay *)src;
	struct smtj_levels lv;
	struct smtj_err e = { 0 };
	int ret;

	if (r->have_levels)
		return 0;
	r->read_err = 0;
	ret = r->fmt == SMTJ_FMT_U16 ? code_levels(r, &lv, &e)
				     : smtj_levels_detect_passes(&lv, file_pass, r, 2, &e);
	if (r->read_err || ret == -ENOMEM) {
		if (err)
			*err = e;
		return ret;
	}
	set_levels(r, &lv, ret);
	return 0;
}

/* A recording has no seed: a fresh source starts at start=, and so does
 * a reseeded one (the file stays open, the moments and levels known). */
static int replay_reseed(struct smtj_src *src, uint64_t seed,
			 struct smtj_err *err)
{
	struct replay *r = (struct replay *)src;

	(void)seed;
	(void)err;
	r->pos = r->start;
	return 0;
}

static const struct smtj_src_ops replay_ops = {
	.fill = replay_fill,
	.destroy = replay_destroy,
	.levels = replay_levels,
	.reseed = replay_reseed,
};

/* Moments of h summed blocks of the data: h times the mean; the variance
 * treats the blocks as independent (they are far apart in time). */
static void set_moments(struct replay *r, double m, double m2)
{
	double sc = r->scale;

	m /= r->n;
	m2 = m2 / r->n - m * m;
	r->base.has_moments = 1;
	r->base.mean = r->h * sc * m;
	r->base.sd = sqrt(r->h * (m2 > 0 ? m2 : 0)) * fabs(sc);
}

/* One pass over a streamed file: every value checked, and the moments
 * (summed in file order, as of the series in memory). */
static int scan(struct replay *r, struct smtj_err *err)
{
	double m = 0, m2 = 0;
	float x[STAGE];
	size_t k;

	for (uint64_t i = 0; i < r->n; i += k) {
		int ret = values_at(r, i, r->n - i, x, &k, err);

		if (ret)
			return ret;
		for (size_t j = 0; j < k; j++) {
			m += x[j];
			m2 += (double)x[j] * x[j];
		}
	}
	set_moments(r, m, m2);
	return 0;
}

/* A binary recording: its size and records checked, then one scan. */
static int open_stream(struct replay *r, const char *path,
		       struct smtj_err *err)
{
	uint64_t size;
	int ret = smtj_file_open(&r->f, path, SMTJ_REPLAY_CHUNK, err);

	if (ret)
		return ret;
	size = r->f.size;
	r->rec = r->fmt == SMTJ_FMT_U16 ? 2 : 4;
	if (!size)
		return smtj_seterr(err, -ENODATA, "%s: offset 0: empty file", path);
	if (size % r->rec)
		return smtj_seterr(err, -EINVAL, "%s: offset %llu: %s at the end", path,
				   (unsigned long long)(size - size % r->rec),
				   r->rec == 2 ? "partial 16-bit sample"
					       : "partial float32 record");
	r->n = size / r->rec;
	return scan(r, err);
}

/* A CSV recording, in memory: the moments and levels of the array. */
static int open_csv(struct replay *r, const char *path, struct smtj_err *err)
{
	struct smtj_levels lv;
	double m = 0, m2 = 0;
	int ret = smtj_series_load(&r->s, path, r->fmt, err);

	if (ret)
		return ret;
	r->n = r->s.n;
	for (size_t i = 0; i < r->s.n; i++) {
		m += r->s.v[i];
		m2 += (double)r->s.v[i] * r->s.v[i];
	}
	set_moments(r, m, m2);
	set_levels(r, &lv, smtj_levels_detect(&lv, r->s.v, r->s.n, 2, NULL));
	return 0;
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
	r->f.fd = -1;
	r->base.ops = &replay_ops;
	r->base.serial = 1;
	r->h = h;
	r->passes = passes;
	r->scale = (float)scale;
	r->fmt = fmt == SMTJ_FMT_AUTO ? smtj_series_format_of(path) : fmt;
	ret = r->fmt == SMTJ_FMT_CSV ? open_csv(r, path, err)
				     : open_stream(r, path, err);
	if (!ret && start >= r->n)
		ret = smtj_seterr(err, -ERANGE,
				  "noise spec replay: start=%llu beyond the %llu values of %s",
				  (unsigned long long)start, (unsigned long long)r->n, path);
	if (ret) {
		replay_destroy(&r->base);
		return ret;
	}
	r->pos = r->start = start;
	snprintf(r->base.desc, sizeof(r->base.desc),
		 "replay:path=%.180s,scale=%.9g,start=%llu,h=%u,passes=%u", path,
		 scale, (unsigned long long)start, h, passes);
	*out = &r->base;
	return 0;
}
