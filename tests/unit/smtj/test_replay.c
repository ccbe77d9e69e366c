// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Replay of binary recordings, streamed in chunks: the same values, order,
 * wrap-around, moments and levels as the series in memory; files that
 * change under the reader are errors naming file and offset; memory does
 * not grow with the file (a 256 MiB recording under a 64 MiB address-
 * space budget).
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>
#include "libsmtj.h"
#include "../tap.h"

/* dir/name holding @len bytes of @buf; its path in @path. */
static const char *mkfile(char *path, size_t size, const char *dir,
			  const char *name, const void *buf, size_t len)
{
	int fd;

	snprintf(path, size, "%s/%s", dir, name);
	fd = open(path, O_CREAT | O_TRUNC | O_WRONLY, 0600);
	if (fd < 0 || (len && write(fd, buf, len) != (ssize_t)len))
		printf("# could not write %s: %s\n", path, strerror(errno));
	if (fd >= 0)
		close(fd);
	return path;
}

/* A two-level series with jitter, as a junction gives (xorshift noise). */
static float level_at(size_t i, int f32)
{
	uint64_t s = (i + 1) * 0x9E3779B97F4A7C15ULL;
	int hi;

	s ^= s >> 29;
	s *= 0xBF58476D1CE4E5B9ULL;
	s ^= s >> 32;
	hi = (i / 7 + (s & 3)) % 3 == 0;
	if (f32)
		return (hi ? 0.0480237f : 0.0361605f) + (float)((s >> 40) % 1000) * 1e-6f;
	return (float)((hi ? 3100 : 2400) + (s >> 40) % 97);
}

/* The reference code's semantics (Documentation/userspace-api/libsmtj.rst,
 * "replay"), value by value: one position, h blocks of a request summed,
 * passes=2 halves a request of an even row count. */
struct ref {
	const float *v;
	size_t n, pos;
	unsigned int h, passes;
	float scale;
};

static void ref_fill(struct ref *r, float *out, size_t rows, size_t cols)
{
	unsigned int parts = rows % r->passes ? 1 : r->passes;
	size_t n = rows / parts * cols;

	for (unsigned int p = 0; p < parts; p++)
		for (unsigned int k = 0; k < r->h; k++)
			for (size_t i = 0; i < n; i++) {
				float x = r->scale * r->v[r->pos];

				out[p * n + i] = k ? out[p * n + i] + x : x;
				if (++r->pos == r->n)
					r->pos = 0;
			}
}

static const size_t shapes[][2] = {
	{ 128, 500 }, { 1, 300001 }, { 7, 13 }, { 64, 1 }, { 2, 99999 },
	{ 300, 1001 }, { 1, 3 },
};
#define MAXREQ 300300

/* Compare a streamed replay with the reference over a few wraps. */
static void check_stream(struct tap *t, const char *path, const struct smtj_series *s,
			 unsigned int h, unsigned int passes, size_t start, float scale)
{
	char spec[600];
	struct smtj_noise *nz = NULL;
	struct smtj_err err = { 0 };
	struct ref r = { s->v, s->n, start, h, passes, scale };
	float *got = malloc(MAXREQ * sizeof(float)), *want = malloc(MAXREQ * sizeof(float));
	size_t total = 0, calls = 0;
	int same = 1, ret;

	snprintf(spec, sizeof(spec), "replay:path=%s,h=%u,passes=%u,start=%zu,scale=%.9g",
		 path, h, passes, start, scale);
	ret = smtj_noise_from_spec(&nz, spec, 0, &err);
	while (!ret && same && total < 2.5 * s->n * h) {
		const size_t *sh = shapes[calls++ % (sizeof(shapes) / sizeof(shapes[0]))];

		ret = smtj_noise_fill(nz, (unsigned int)calls % 3, got, sh[0], sh[1], &err);
		ref_fill(&r, want, sh[0], sh[1]);
		same = !memcmp(got, want, sh[0] * sh[1] * sizeof(float));
		total += sh[0] * sh[1] * h;
	}
	tap_ok(t, !ret && same, "streamed %s h=%u passes=%u start=%zu: %zu calls, %zu values as in memory%s%s",
	       strrchr(path, '/') + 1, h, passes, start, calls, total, ret ? ": " : "", err.msg);
	smtj_noise_destroy(nz);
	free(got);
	free(want);
}

/* Moments (whole file) and cond=binary (midpoint of the two levels) as
 * those of the series in memory. */
static void check_stats(struct tap *t, const char *path, const struct smtj_series *s)
{
	char spec[600];
	struct smtj_noise *nz = NULL;
	struct smtj_levels lv;
	struct smtj_err err = { 0 };
	double m = 0, m2 = 0, mean = -1, sd = -1;
	float out[4096], thr;
	int ok, ret;

	for (size_t i = 0; i < s->n; i++) {
		m += s->v[i];
		m2 += (double)s->v[i] * s->v[i];
	}
	m /= s->n;
	m2 = m2 / s->n - m * m;
	snprintf(spec, sizeof(spec), "replay:path=%s,h=2,scale=0.5", path);
	ret = smtj_noise_from_spec(&nz, spec, 0, &err);
	if (!ret)
		ret = smtj_noise_moments(nz, &mean, &sd);
	tap_ok(t, !ret && mean == 2 * 0.5 * m && sd == sqrt(2 * m2) * 0.5,
	       "%s: mean %.9g sd %.9g, of the whole file", strrchr(path, '/') + 1, mean, sd);
	smtj_noise_destroy(nz);
	nz = NULL;
	if (smtj_levels_detect(&lv, s->v, s->n, 2, NULL) || lv.n != 2) {
		tap_ok(t, 0, "two levels in the test series");
		return;
	}
	thr = (float)((lv.level[0] + lv.level[1]) / 2);
	snprintf(spec, sizeof(spec), "replay:path=%s,cond=binary,alpha=3", path);
	ret = smtj_noise_from_spec(&nz, spec, 0, &err);
	ok = !ret && !smtj_noise_fill(nz, 0, out, 1, 4096, &err);
	for (size_t i = 0; ok && i < 4096; i++)
		ok = out[i] == (s->v[i] > thr ? 3.0f : -3.0f);
	tap_ok(t, ok, "%s cond=binary: threshold %.9g, the levels of the whole file%s%s",
	       strrchr(path, '/') + 1, thr, ret ? ": " : "", err.msg);
	smtj_noise_destroy(nz);
}

static void test_stream(struct tap *t, const char *dir)
{
	static const size_t n16 = 700001, n32 = 300007;	/* several chunks, no chunk multiple */
	uint16_t *c = malloc(n16 * sizeof(*c));
	float *v = malloc(n32 * sizeof(*v));
	char p16[512], p32[512];
	struct smtj_series s16, s32;
	struct smtj_err err;

	for (size_t i = 0; i < n16; i++)
		c[i] = (uint16_t)level_at(i, 0);
	for (size_t i = 0; i < n32; i++)
		v[i] = level_at(i, 1);
	mkfile(p16, sizeof(p16), dir, "long.u16", c, n16 * sizeof(*c));
	mkfile(p32, sizeof(p32), dir, "long.f32", v, n32 * sizeof(*v));
	free(c);
	free(v);
	if (smtj_series_load(&s16, p16, SMTJ_FMT_AUTO, &err) ||
	    smtj_series_load(&s32, p32, SMTJ_FMT_AUTO, &err)) {
		tap_ok(t, 0, "load the test series: %s", err.msg);
		return;
	}
	check_stream(t, p16, &s16, 1, 1, 0, 1);
	check_stream(t, p16, &s16, 3, 2, n16 - 5, 0.001f);
	check_stream(t, p32, &s32, 1, 2, 12345, 1);
	check_stream(t, p32, &s32, 2, 1, n32 - 1, -2);
	check_stats(t, p16, &s16);
	check_stats(t, p32, &s32);
	smtj_series_free(&s16);
	smtj_series_free(&s32);
}

/* Opens, then @change(path) and reads on: the error names file and offset. */
static void expect_change(struct tap *t, const char *path, const char *what,
			  int (*change)(const char *), const char *want)
{
	char spec[600];
	static float out[1 << 20];
	struct smtj_noise *nz = NULL;
	struct smtj_err err = { 0 };
	int ret;

	snprintf(spec, sizeof(spec), "replay:path=%s", path);
	ret = smtj_noise_from_spec(&nz, spec, 0, &err);
	if (ret || change(path)) {
		tap_ok(t, 0, "%s: set up: %s", what, err.msg);
		smtj_noise_destroy(nz);
		return;
	}
	for (int i = 0; i < 4 && !ret; i++)
		ret = smtj_noise_fill(nz, 0, out, 1, 1 << 20, &err);
	tap_ok(t, ret < 0 && strstr(err.msg, path) && strstr(err.msg, want),
	       "%s: %s", what, err.msg);
	/* and stays an error, without a crash */
	ret = smtj_noise_fill(nz, 0, out, 1, 1 << 20, &err);
	tap_ok(t, ret < 0, "%s: the next fill fails too", what);
	smtj_noise_destroy(nz);
}

static int shrink(const char *path)
{
	return truncate(path, 1 << 20);
}

static int grow(const char *path)
{
	FILE *f = fopen(path, "ab");

	if (!f)
		return -1;
	fputs("ab", f);
	return fclose(f);
}

static int poison(const char *path)	/* a NaN at value 200000, in place */
{
	float nan = NAN;
	int fd = open(path, O_WRONLY), ret;

	if (fd < 0)
		return -1;
	ret = pwrite(fd, &nan, 4, 800000) == 4 ? 0 : -1;
	close(fd);
	return ret;
}

static void test_changes(struct tap *t, const char *dir)
{
	static const size_t n = 1 << 20;	/* 2 or 4 MiB: many chunks */
	float *v = calloc(n, sizeof(float));
	char path[512];

	mkfile(path, sizeof(path), dir, "shrinks.u16", v, n * 2);
	expect_change(t, path, "truncated under the reader", shrink,
		      "offset 0: the file changed size (2097152 bytes when opened, 1048576 now)");
	mkfile(path, sizeof(path), dir, "grows.u16", v, n * 2);
	expect_change(t, path, "appended to under the reader", grow, "changed size");
	mkfile(path, sizeof(path), dir, "poisoned.f32", v, n * 4);
	expect_change(t, path, "NaN written in place", poison,
		      "offset 800000: value is not finite");
	free(v);
}

static void expect_open_fail(struct tap *t, const char *path, const char *want)
{
	char spec[600];
	struct smtj_noise *nz = NULL;
	struct smtj_err err = { 0 };
	int ret;

	snprintf(spec, sizeof(spec), "replay:path=%s", path);
	ret = smtj_noise_from_spec(&nz, spec, 0, &err);
	tap_ok(t, ret < 0 && !nz && strstr(err.msg, path) && strstr(err.msg, want),
	       "refuses %s: %s", strrchr(path, '/') + 1, err.msg);
	smtj_noise_destroy(nz);
}

/* Malformed large files: the offset is found past the first chunk. */
static void test_malformed_large(struct tap *t, const char *dir)
{
	static const size_t n = 3 << 18;	/* 768 Ki values */
	float *v = calloc(n + 1, sizeof(float));
	char path[512];

	mkfile(path, sizeof(path), dir, "odd-large.u16", v, n * 2 + 1);
	expect_open_fail(t, path, "offset 1572864: partial 16-bit sample");
	mkfile(path, sizeof(path), dir, "short-large.f32", v, n * 4 + 3);
	expect_open_fail(t, path, "offset 3145728: partial float32 record");
	v[654321] = INFINITY;
	mkfile(path, sizeof(path), dir, "inf-large.f32", v, n * 4);
	expect_open_fail(t, path, "offset 2617284: value is not finite");
	mkfile(path, sizeof(path), dir, "empty.f32", v, 0);
	expect_open_fail(t, path, "offset 0: empty file");
	expect_open_fail(t, dir, "not a regular file");
	mkfile(path, sizeof(path), dir, "unreadable.u16", v, 64);
	chmod(path, 0);
	if (geteuid() == 0)	/* root reads it anyway */
		tap_ok(t, 1, "refuses an unreadable file # SKIP running as root");
	else
		expect_open_fail(t, path, "Permission denied");
	free(v);
}

/* Memory: a 256 MiB u16 recording (sparse: zeros but for markers at
 * both ends) replayed under RLIMIT_AS = usage + 64 MiB, where loading it
 * (256 MiB read + 512 MiB of floats) cannot fit.  Run in a child, which
 * reports each check as "0|1 text" lines through a pipe. */
#define BIG (256ULL << 20)

static size_t vm_bytes(void)
{
	unsigned long pages = 0;
	FILE *f = fopen("/proc/self/statm", "r");

	if (f) {
		if (fscanf(f, "%lu", &pages) != 1)
			pages = 0;
		fclose(f);
	}
	return pages * (size_t)sysconf(_SC_PAGESIZE);
}

static void report(FILE *out, int ok, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
static void report(FILE *out, int ok, const char *fmt, ...)
{
	va_list ap;

	fprintf(out, "%d ", !!ok);
	va_start(ap, fmt);
	vfprintf(out, fmt, ap);
	va_end(ap);
	fputc('\n', out);
	fflush(out);
}

static void bounded_child(FILE *out, const char *path)
{
	static const uint16_t head[4] = { 11, 12, 13, 14 }, tail[4] = { 21, 22, 23, 24 };
	const size_t n = BIG / 2, chunk = 1 << 20;
	float *buf = malloc(chunk * sizeof(float));
	char spec[600];
	struct smtj_noise *nz = NULL;
	struct smtj_err err = { 0 };
	struct rlimit rl;
	size_t vm = vm_bytes(), bad = 0;
	double mean = 0, sd = 0, sum = 0, want_mean = 140.0 / n;
	void *big;
	int fd, ret;

	fd = open(path, O_CREAT | O_TRUNC | O_WRONLY, 0600);
	if (fd < 0 || ftruncate(fd, (off_t)BIG) || pwrite(fd, head, 8, 0) != 8 ||
	    pwrite(fd, tail, 8, (off_t)BIG - 8) != 8 || close(fd) || !buf || !vm) {
		report(out, 0, "set up the sparse file: %s", strerror(errno));
		return;
	}
	rl.rlim_cur = rl.rlim_max = vm + (64 << 20);
	if (setrlimit(RLIMIT_AS, &rl)) {
		report(out, 0, "setrlimit: %s", strerror(errno));
		return;
	}
	/* qemu-user accepts RLIMIT_AS and ignores it (it would limit qemu) */
	big = malloc(n * sizeof(float));
	report(out, 1, "RLIMIT_AS %zu MiB (usage + 64): the file as floats (%zu MiB) does not fit%s",
	       (size_t)(rl.rlim_cur >> 20), (size_t)(n * sizeof(float)) >> 20,
	       big ? " # SKIP the limit is not enforced here (qemu-user?)" : "");
	free(big);
	snprintf(spec, sizeof(spec), "replay:path=%s", path);
	ret = smtj_noise_from_spec(&nz, spec, 0, &err);
	if (!ret)
		smtj_noise_moments(nz, &mean, &sd);
	report(out, !ret && fabs(mean - want_mean) <= 1e-12 * want_mean,
	       "open 256 MiB under the budget: mean %.9g (%.9g)%s%s", mean, want_mean,
	       ret ? ": " : "", err.msg);
	if (ret)
		return;
	/* the whole file once and 1 Mi values more: every value in place */
	for (size_t k = 0; k <= n / chunk && !ret; k++) {
		ret = smtj_noise_fill(nz, 0, buf, 1, chunk, &err);
		for (size_t i = 0; !ret && i < chunk; i++) {
			size_t at = (k * chunk + i) % n;
			float want = at < 4 ? head[at] : at >= n - 4 ? tail[at - (n - 4)] : 0;

			bad += buf[i] != want;
			sum += buf[i];
		}
	}
	report(out, !ret && !bad && sum == 2 * 50 + 90,
	       "replays %zu + %zu values: head, tail and the wrap in place (%zu wrong)%s%s",
	       n, chunk, bad, ret ? ": " : "", err.msg);
	smtj_noise_destroy(nz);
	nz = NULL;
	/* a request across the end: tail then head, as the reference code */
	snprintf(spec, sizeof(spec), "replay:path=%s,start=%zu,h=2", path, n - 6);
	ret = smtj_noise_from_spec(&nz, spec, 0, &err);
	if (!ret)
		ret = smtj_noise_fill(nz, 0, buf, 2, 4, &err);
	report(out, !ret && buf[0] == 13 && buf[1] == 14 && buf[2] == 21 && buf[5] == 24 &&
	       buf[6] == 11 && buf[7] == 12, "start=n-6,h=2 sums blocks across the wrap: %g %g %g %g %g %g %g %g",
	       buf[0], buf[1], buf[2], buf[3], buf[4], buf[5], buf[6], buf[7]);
	smtj_noise_destroy(nz);
	free(buf);
}

static void test_bounded_memory(struct tap *t, const char *dir)
{
	char path[512], line[512];
	int fds[2], status = -1, lines = 0;
	FILE *in;
	pid_t pid;

	snprintf(path, sizeof(path), "%s/sparse.u16", dir);
	if (pipe(fds) || (pid = fork()) < 0) {
		tap_ok(t, 0, "fork: %s", strerror(errno));
		return;
	}
	if (!pid) {
		FILE *out = fdopen(fds[1], "w");

		close(fds[0]);
		if (out)
			bounded_child(out, path);
		_exit(0);
	}
	close(fds[1]);
	in = fdopen(fds[0], "r");
	while (in && fgets(line, sizeof(line), in)) {
		line[strcspn(line, "\n")] = 0;
		tap_ok(t, line[0] == '1', "%s", line + 2);
		lines++;
	}
	if (in)
		fclose(in);
	waitpid(pid, &status, 0);
	tap_ok(t, lines == 4 && WIFEXITED(status) && !WEXITSTATUS(status),
	       "bounded-memory child: %d checks, exit status %d", lines, status);
	unlink(path);
}

/* The test directory and the files in it. */
static void cleanup(const char *dir)
{
	DIR *d = opendir(dir);
	struct dirent *e;
	char path[512];

	while (d && (e = readdir(d)))
		if (strcmp(e->d_name, ".") && strcmp(e->d_name, "..")) {
			snprintf(path, sizeof(path), "%s/%s", dir, e->d_name);
			unlink(path);
		}
	if (d)
		closedir(d);
	if (rmdir(dir))
		printf("# could not remove %s: %s\n", dir, strerror(errno));
}

int main(void)
{
	struct tap t = { 0 };
	char dir[] = "/tmp/smtj-replay-XXXXXX";

	if (!mkdtemp(dir)) {
		printf("Bail out! mkdtemp: %s\n", strerror(errno));
		return 1;
	}
	test_stream(&t, dir);
	test_changes(&t, dir);
	test_malformed_large(&t, dir);
	test_bounded_memory(&t, dir);
	cleanup(dir);
	return tap_done(&t);
}
