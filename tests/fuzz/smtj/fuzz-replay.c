// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * libFuzzer target: replay of a binary recording, streamed from a file in
 * chunks (built with 64-byte chunks, so small inputs cross many chunk
 * boundaries), against the same bytes parsed in memory.  Any difference
 * aborts: the open error and its message, the moments, the values and
 * their order over a few wraps, and cond=binary's threshold; a reseed
 * half-way goes back to start=.
 *
 * Input: byte 0 flags (bit 0 f32 else u16, bits 1-2 h - 1, bit 3
 * passes=2, bit 4 cond=binary, bit 5 scale=-0.5), bytes 1-2 start
 * (little-endian), byte 3 the request shapes; the rest is the file.
 */
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>
#include "libsmtj.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define MAXREQ (8 * 40)

static int memfd = -1;

static int same(double a, double b)
{
	return a == b || (isnan(a) && isnan(b));
}

static void check(int cond, const char *what)
{
	if (!cond) {
		fprintf(stderr, "fuzz-replay: %s\n", what);
		abort();
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct smtj_noise *nz = NULL;
	struct smtj_series s;
	struct smtj_err e1 = { 0 }, e2 = { 0 };
	char path[64], spec[256];
	unsigned int fl, h, passes, shp;
	size_t start, pos;
	float scale, got[MAXREQ], want[MAXREQ], thr = 0;
	int binary, r1, r2;

	if (size < 4 || size > 4096 + 4)
		return 0;
	if (memfd < 0 && (memfd = memfd_create("fuzz-replay", MFD_CLOEXEC)) < 0)
		return 0;
	fl = data[0];
	h = 1 + (fl >> 1 & 3);
	passes = fl & 8 ? 2 : 1;
	binary = !!(fl & 16);
	scale = fl & 32 ? -0.5f : 1.0f;
	start = data[1] | (size_t)data[2] << 8;
	shp = data[3];
	data += 4;
	size -= 4;
	if (ftruncate(memfd, 0) || (size && pwrite(memfd, data, size, 0) != (ssize_t)size))
		return 0;
	snprintf(path, sizeof(path), "/proc/self/fd/%d", memfd);
	snprintf(spec, sizeof(spec), "replay:path=%s,format=%s,h=%u,passes=%u,start=%zu,scale=%g%s",
		 path, fl & 1 ? "f32" : "u16", h, passes, start, scale,
		 binary ? ",cond=binary" : "");
	r1 = smtj_noise_from_spec(&nz, spec, 0, &e1);
	r2 = smtj_series_parse(&s, data, size, fl & 1 ? SMTJ_FMT_F32 : SMTJ_FMT_U16,
			       path, &e2);
	if (r2) {
		check(r1 == r2 && !strcmp(e1.msg, e2.msg), "open error differs from the parser's");
		return 0;
	}
	if (start >= s.n) {
		check(r1 == -ERANGE, "start beyond the end accepted");
		smtj_series_free(&s);
		return 0;
	}
	check(!r1, "a recording the parser takes is refused");
	{
		double m = 0, m2 = 0, sc = scale, mean, sd, gm, gs;
		struct smtj_levels lv;

		for (size_t i = 0; i < s.n; i++) {
			m += s.v[i];
			m2 += (double)s.v[i] * s.v[i];
		}
		m /= s.n;
		m2 = m2 / s.n - m * m;
		mean = h * sc * m;
		sd = sqrt(h * (m2 > 0 ? m2 : 0)) * fabs(sc);
		if (!binary)
			check(!smtj_noise_moments(nz, &gm, &gs) && same(gm, mean) && same(gs, sd),
			      "moments differ");
		if (!smtj_levels_detect(&lv, s.v, s.n, 2, NULL) && lv.n == 2)
			thr = (float)((h * sc * lv.level[0] + h * sc * lv.level[1]) / 2);
		else
			thr = (float)mean;
	}
	pos = start;
	for (unsigned int call = 0; call < 8; call++) {
		size_t rows = 1 + (shp >> (call % 4 * 2) & 3) * 2 + call % 2;
		size_t cols = 1 + (shp * 7 + call * 13) % 40;
		unsigned int parts = rows % passes ? 1 : passes;
		size_t n = rows / parts * cols;

		if (call == 4) {
			check(!smtj_noise_reseed(nz, call, &e1), "reseed failed");
			pos = start;
		}
		check(!smtj_noise_fill(nz, call % 3, got, rows, cols, &e1), "fill failed");
		for (unsigned int p = 0; p < parts; p++)
			for (unsigned int k = 0; k < h; k++)
				for (size_t i = 0; i < n; i++) {
					float x = scale * s.v[pos];

					want[p * n + i] = k ? want[p * n + i] + x : x;
					pos = pos + 1 == s.n ? 0 : pos + 1;
				}
		for (size_t i = 0; binary && i < rows * cols; i++)
			want[i] = want[i] > thr ? 1.0f : -1.0f;
		check(!memcmp(got, want, rows * cols * sizeof(float)), "values differ");
	}
	smtj_noise_destroy(nz);
	smtj_series_free(&s);
	return 0;
}
