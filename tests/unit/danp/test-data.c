// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Loaders on good and malformed files (each error must name the file and
 * the offset or line), normalisation, shuffling, augmentation, and
 * checkpoints (round trip, resume equivalence, corruption detected).
 */
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>
#include <zlib.h>
#include "libdanp.h"
#include "noise.h"
#include "../tap.h"

/* This program's TAP counters (tests/unit/tap.h). */
static struct tap tap;

static char dir[] = "/tmp/danp-test-XXXXXX";

static const char *path(const char *name)
{
	static char buf[4][256];
	static int k;

	k = (k + 1) % 4;
	snprintf(buf[k], sizeof(buf[k]), "%s/%s", dir, name);
	return buf[k];
}

static void write_file(const char *p, const void *data, size_t n, int gz)
{
	if (gz) {
		gzFile g = gzopen(p, "wb");

		gzwrite(g, data, (unsigned int)n);
		gzclose(g);
	} else {
		FILE *f = fopen(p, "wb");

		fwrite(data, 1, n, f);
		fclose(f);
	}
}

/* IDX images: n images of 2x3, pixel i*7+j. */
static size_t idx_images(uint8_t *b, uint32_t n)
{
	uint8_t h[16] = { 0, 0, 8, 3, 0, 0, 0, (uint8_t)n, 0, 0, 0, 2, 0, 0, 0, 3 };

	memcpy(b, h, 16);
	for (uint32_t i = 0; i < n * 6; i++)
		b[16 + i] = (uint8_t)(i * 7);
	return 16 + n * 6;
}

static size_t idx_labels(uint8_t *b, uint32_t n)
{
	uint8_t h[8] = { 0, 0, 8, 1, 0, 0, 0, (uint8_t)n };

	memcpy(b, h, 8);
	for (uint32_t i = 0; i < n; i++)
		b[8 + i] = (uint8_t)(i % 4);
	return 8 + n;
}

static int has(const struct danp_err *e, const char *a, const char *b)
{
	return strstr(e->msg, a) && (!b || strstr(e->msg, b));
}

static void test_idx(void)
{
	uint8_t im[256] = { 0 }, lb[64] = { 0 };
	size_t ni = idx_images(im, 5), nl = idx_labels(lb, 5);
	struct danp_dataset ds;
	struct danp_err err;
	int ret;

	write_file(path("im"), im, ni, 0);
	write_file(path("lb.gz"), lb, nl, 1);
	ret = danp_load_idx(&ds, path("im"), path("lb.gz"), &err);
	tap_ok(&tap, !ret && ds.n == 5 && ds.dim == 6 && ds.height == 2 &&
	       ds.width == 3 && ds.x8[7] == 49 && ds.y[3] == 3 &&
	       ds.n_classes == 4, "IDX raw images + gzip labels load");
	if (!ret)
		danp_dataset_free(&ds);

	im[2] = 9;
	write_file(path("bad"), im, ni, 0);
	ret = danp_load_idx(&ds, path("bad"), path("lb.gz"), &err);
	tap_ok(&tap, ret == -EINVAL && has(&err, path("bad"), "offset 0"),
	       "IDX wrong magic: %s", err.msg);
	im[2] = 8;
	write_file(path("trunc.gz"), im, ni - 4, 1);
	ret = danp_load_idx(&ds, path("trunc.gz"), path("lb.gz"), &err);
	tap_ok(&tap, ret == -EINVAL && has(&err, "truncated", "offset 42"),
	       "IDX truncated data: %s", err.msg);
	write_file(path("short"), im, 10, 0);
	ret = danp_load_idx(&ds, path("short"), path("lb.gz"), &err);
	tap_ok(&tap, ret == -EINVAL && has(&err, "truncated header", "offset 10"),
	       "IDX truncated header: %s", err.msg);
	nl = idx_labels(lb, 4);
	write_file(path("lb4"), lb, nl, 0);
	ret = danp_load_idx(&ds, path("im"), path("lb4"), &err);
	tap_ok(&tap, ret == -EINVAL && has(&err, "4 labels", "5 images"),
	       "IDX counts disagree: %s", err.msg);
	write_file(path("long"), im, ni + 3, 0);
	ret = danp_load_idx(&ds, path("long"), path("lb.gz"), &err);
	tap_ok(&tap, ret == -EINVAL && has(&err, "unexpected bytes", "offset 46"),
	       "IDX trailing bytes: %s", err.msg);
	{
		/* A corrupt gzip stream (valid header, garbage body). */
		uint8_t g[64] = { 0x1f, 0x8b, 8, 0, 0, 0, 0, 0, 0, 3 };

		memset(g + 10, 0xff, 40);
		write_file(path("corrupt.gz"), g, 50, 0);
		ret = danp_load_idx(&ds, path("corrupt.gz"), path("lb.gz"), &err);
		tap_ok(&tap, ret < 0 && has(&err, path("corrupt.gz"), NULL),
		       "IDX corrupt gzip: %s", err.msg);
	}
	ret = danp_load_idx(&ds, path("missing"), path("lb.gz"), &err);
	tap_ok(&tap, ret == -ENOENT && has(&err, "missing", NULL),
	       "IDX missing file: %s", err.msg);
}

static void test_cifar(void)
{
	static uint8_t buf[3 * 3074];
	struct danp_dataset ds;
	struct danp_err err;
	const char *one[1];
	int ret;

	for (int r = 0; r < 3; r++) {
		buf[r * 3073] = (uint8_t)(r + 1);
		for (int j = 0; j < 3072; j++)
			buf[r * 3073 + 1 + j] = (uint8_t)(j % 256);
	}
	write_file(path("c10"), buf, 3 * 3073, 0);
	one[0] = path("c10");
	ret = danp_load_cifar(&ds, one, 1, 10, &err);
	tap_ok(&tap, !ret && ds.n == 3 && ds.dim == 3072 && ds.y[2] == 3 &&
	       ds.x8[3072 + 1025] == 1 && ds.channels == 3,
	       "CIFAR-10 loads");
	if (!ret) {
		struct danp_rng r;
		size_t perm[3] = { 0, 1, 2 };
		float *x = malloc(3 * 3072 * 4);
		int32_t y[3];
		int same = 1;

		float *x2 = malloc(3 * 3072 * 4);

		danp_normalize_cifar(&ds);
		danp_rng_seed(&r, 1);
		danp_gather(&ds, perm, 3, 0, &r, x, y);
		tap_ok(&tap, fabsf(x[0] - (0 - 0.4914f) / 0.2023f) < 1e-5f &&
		       fabsf(x[2048 + 255] - (1 - 0.4465f) / 0.2010f) < 1e-5f,
		       "CIFAR per-channel normalisation");
		same = y[1] == 2;
		danp_gather(&ds, perm, 3, 1, &r, x2, y);
		tap_ok(&tap, same && memcmp(x, x2, 3 * 3072 * 4),
		       "gather converts; augmentation changes images");
		{
			/* Each augmented image must be one of the 81 x 2
			 * crops (offsets -4..4, padded with the normalised
			 * zero) and flips of its source. */
			int all = 1;

			for (int k = 0; k < 3; k++) {
				int found = 0;

				for (int c = 0; c < 162 && !found; c++) {
					int dy = c / 18 - 4, dx = (c / 2) % 9 - 4, fl = c % 2, eq = 1;

					for (int ch = 0; ch < 3 && eq; ch++)
						for (int yy = 0; yy < 32 && eq; yy++)
							for (int xx = 0; xx < 32 && eq; xx++) {
								int sy = yy + dy, sx = (fl ? 31 - xx : xx) + dx;
								float want = ds.shift[ch];

								if (sy >= 0 && sy < 32 && sx >= 0 && sx < 32)
									want = x[k * 3072 + ch * 1024 + sy * 32 + sx];
								eq = x2[k * 3072 + ch * 1024 + yy * 32 + xx] == want;
							}
					found = eq;
				}
				all &= found;
			}
			tap_ok(&tap, all, "augmented images are crops (pad 4) and flips of their sources");
		}
		free(x2);
		free(x);
		danp_dataset_free(&ds);
	}
	write_file(path("c10t"), buf, 3 * 3073 - 5, 0);
	one[0] = path("c10t");
	ret = danp_load_cifar(&ds, one, 1, 10, &err);
	tap_ok(&tap, ret == -EINVAL && has(&err, "c10t", "offset 6146"),
	       "CIFAR truncated: %s", err.msg);
	buf[3073] = 10;
	write_file(path("c10l"), buf, 3 * 3073, 0);
	one[0] = path("c10l");
	ret = danp_load_cifar(&ds, one, 1, 10, &err);
	tap_ok(&tap, ret == -ERANGE && has(&err, "label 10", "offset 3073"),
	       "CIFAR label out of range: %s", err.msg);
	/* CIFAR-100: coarse, fine, pixels. */
	memset(buf, 0, sizeof(buf));
	buf[0] = 19;
	buf[1] = 99;
	buf[3074] = 20;
	write_file(path("c100"), buf, 3074, 0);
	one[0] = path("c100");
	ret = danp_load_cifar(&ds, one, 1, 100, &err);
	tap_ok(&tap, !ret && ds.n == 1 && ds.y[0] == 99 && ds.n_classes == 100,
	       "CIFAR-100 fine label");
	if (!ret)
		danp_dataset_free(&ds);
	write_file(path("c100b"), buf, 2 * 3074, 0);
	one[0] = path("c100b");
	ret = danp_load_cifar(&ds, one, 1, 100, &err);
	tap_ok(&tap, ret == -ERANGE && has(&err, "label 20", "offset 3074"),
	       "CIFAR-100 coarse label out of range: %s", err.msg);
}

static void test_csv(void)
{
	static const char good[] = "label,a,b\n1,0.5,2\n\n0, -1 ,3e2\r\n2,4,5";
	struct danp_dataset ds;
	struct danp_err err;
	int ret;

	write_file(path("g.csv"), good, sizeof(good) - 1, 0);
	ret = danp_load_csv(&ds, path("g.csv"), &err);
	tap_ok(&tap, !ret && ds.n == 3 && ds.dim == 2 && ds.x[3] == 300 &&
	       ds.y[2] == 2 && ds.n_classes == 3, "CSV with header loads");
	if (!ret)
		danp_dataset_free(&ds);
	ret = danp_parse_csv(&ds, "1,2,3\n1,2\n", 10, "cols.csv", &err);
	tap_ok(&tap, ret == -EINVAL && has(&err, "line 2", "offset 6"),
	       "CSV wrong column count: %s", err.msg);
	ret = danp_parse_csv(&ds, "1,2,3\n1,x,3\n", 12, "nan.csv", &err);
	tap_ok(&tap, ret == -EINVAL && has(&err, "line 2", "not a number"),
	       "CSV bad number: %s", err.msg);
	ret = danp_parse_csv(&ds, "1.5,2\n", 6, "lab.csv", &err);
	tap_ok(&tap, ret == -EINVAL && has(&err, "line 1", "class index"),
	       "CSV fractional label: %s", err.msg);
	ret = danp_parse_csv(&ds, "a,b\n", 4, "empty.csv", &err);
	tap_ok(&tap, ret == -EINVAL && has(&err, "no samples", NULL),
	       "CSV header only: %s", err.msg);
}

/* Regression CSV: real targets first; class indices only stay labels. */
static void test_csv_targets(void)
{
	static const char reg[] = "y,a,b\n0.25,1,2\n-3,4,5\n";
	static const char two[] = "0.5,1.5,7,8,9\n2,3,1,1,1\n";
	static const char cls[] = "1,0.5\n0,2\n";
	struct danp_dataset ds;
	struct danp_err err;
	int ret;

	ret = danp_parse_csv_targets(&ds, reg, sizeof(reg) - 1, "reg.csv", 0, &err);
	tap_ok(&tap, !ret && ds.n == 2 && ds.dim == 2 && ds.t_dim == 1 && !ds.y &&
	       ds.t[0] == 0.25f && ds.t[1] == -3 && ds.x[2] == 4,
	       "CSV real targets load as regression: %s", ret ? err.msg : "");
	if (!ret)
		danp_dataset_free(&ds);
	ret = danp_parse_csv_targets(&ds, two, sizeof(two) - 1, "two.csv", 2, &err);
	tap_ok(&tap, !ret && ds.dim == 3 && ds.t_dim == 2 && ds.t[1] == 1.5f &&
	       ds.t[2] == 2 && ds.x[0] == 7, "CSV with 2 target columns");
	if (!ret)
		danp_dataset_free(&ds);
	ret = danp_parse_csv_targets(&ds, cls, sizeof(cls) - 1, "cls.csv", 0, &err);
	tap_ok(&tap, !ret && ds.y && !ds.t && ds.n_classes == 2,
	       "CSV of class indices stays a classification set");
	if (!ret)
		danp_dataset_free(&ds);
	ret = danp_parse_csv_targets(&ds, "1,2\n", 4, "short.csv", 2, &err);
	tap_ok(&tap, ret == -EINVAL && has(&err, "line 1", "after the targets"),
	       "CSV without features after 2 targets: %s", err.msg);
	ret = danp_parse_csv_targets(&ds, "1,2\n1,2,3\n", 10, "w.csv", 0, &err);
	tap_ok(&tap, ret == -EINVAL && has(&err, "line 2", "columns"),
	       "regression CSV wrong column count: %s", err.msg);
	ret = danp_parse_csv_targets(&ds, "0.5,1\n0.5,inf\n", 14, "inf.csv", 0, &err);
	tap_ok(&tap, ret == -EINVAL && has(&err, "line 2", "not a number"),
	       "regression CSV infinite feature: %s", err.msg);
}

/* The teacher task: deterministic per seed, targets the teacher's output. */
static void test_teacher(void)
{
	static const size_t sizes[] = { 2, 3, 1 };
	struct danp_dataset a, b, c, d;
	struct danp_spec spec;
	struct danp_err err;
	int ret, same;

	danp_spec_mlp(&spec, sizes, 2, &err);
	ret = danp_teacher_data(&a, &b, &spec, 50, 20, 9, &err);
	ret |= danp_teacher_data(&c, &d, &spec, 50, 20, 9, &err);
	tap_ok(&tap, !ret && a.n == 50 && b.n == 20 && a.dim == 2 && a.t_dim == 1 &&
	       !a.y, "teacher data: 50 + 20 samples, 2 inputs, 1 target");
	if (ret)
		return;
	same = !memcmp(a.x, c.x, 100 * sizeof(float)) &&
	       !memcmp(a.t, c.t, 50 * sizeof(float)) &&
	       memcmp(a.x, b.x, 40 * sizeof(float));
	tap_ok(&tap, same, "teacher data: same seed, same data; test set differs");
	danp_dataset_free(&c);
	danp_dataset_free(&d);
	ret = danp_teacher_data(&c, &d, &spec, 50, 20, 10, &err);
	tap_ok(&tap, !ret && memcmp(a.t, c.t, 50 * sizeof(float)),
	       "teacher data: another seed, another teacher");
	if (!ret) {
		danp_dataset_free(&c);
		danp_dataset_free(&d);
	}
	ret = danp_teacher_data(&c, &d, &spec, 0, 20, 9, &err);
	tap_ok(&tap, ret == -EINVAL && has(&err, "at least", NULL),
	       "teacher data: no samples rejected: %s", err.msg);
	danp_dataset_free(&a);
	danp_dataset_free(&b);
}

static void test_shuffle(void)
{
	struct danp_rng a, b;
	size_t p[100], q[100], seen[100] = { 0 };
	int ok = 1;

	danp_rng_seed(&a, 5);
	danp_rng_seed(&b, 5);
	danp_shuffle(p, 100, &a);
	danp_shuffle(q, 100, &b);
	for (int i = 0; i < 100; i++)
		seen[p[i]]++;
	for (int i = 0; i < 100; i++)
		ok &= seen[i] == 1 && p[i] == q[i];
	tap_ok(&tap, ok, "shuffle is a seeded permutation");
}

static int train(struct danp_net *net, struct danp_rng *r, int steps)
{
	float x[8 * 4];
	int32_t y[8];
	struct danp_batch b = { .x = x, .labels = y, .n = 8 };
	struct danp_err err;

	for (int s = 0; s < steps; s++) {
		for (int i = 0; i < 32; i++)
			x[i] = (float)danp_rng_normal(r);
		for (int i = 0; i < 8; i++)
			y[i] = (int32_t)(danp_rng_next(r) % 3);
		if (danp_step(net, &b, NULL, &err))
			return -1;
	}
	return 0;
}

/* Little-endian field writers for hand-built checkpoints. */
static size_t put_le(uint8_t *b, size_t off, uint64_t v, int bytes)
{
	for (int i = 0; i < bytes; i++)
		b[off + i] = (uint8_t)(v >> (8 * i));
	return off + (size_t)bytes;
}

static size_t put_float(uint8_t *b, size_t off, float f, int bytes)
{
	uint32_t u;

	memcpy(&u, &f, 4);
	return put_le(b, off, u, bytes);
}

/*
 * A 2-3-2 DANP checkpoint in format @version (3: floats in 4 bytes, 2:
 * floats in 8-byte fields), every stored float i being 0.1 i; both must
 * load to the same network.
 */
static void ckpt_version(int version)
{
	static const uint64_t head[] = { 2, 2, 3, 2 };	/* layers, sizes */
	static const float rates[] = { 1e-3f, 0.9f, 0.999f, 1e-8f, 1e-4f };
	int fw = version == 3 ? 4 : 8;
	uint8_t b[1024];
	size_t o = 8, nf = 3 * 17 + 4 + 9;
	struct danp_net *net;
	struct danp_err err;
	const float *w, *r;
	uint32_t crc;
	int ret, good = 1;

	memcpy(b, version == 3 ? "DANPCK03" : "DANPCK02", 8);
	for (int i = 0; i < 4; i++)
		o = put_le(b, o, head[i], 8);
	o = put_float(b, o, 0.01f, fw);			/* slope */
	o = put_le(b, o, 1, 8);				/* bias */
	o = put_le(b, o, 1, 8);				/* decorrelate all */
	for (int i = 0; i < 2 + 4; i++)			/* decor[], rule.. */
		o = put_le(b, o, i == 2 ? 4 : 0, 8);	/* rule danp */
	for (int i = 0; i < 5; i++)
		o = put_float(b, o, rates[i], fw);
	o = put_le(b, o, 0, 8);				/* no centring */
	o = put_float(b, o, 0, fw);
	o = put_float(b, o, 1, fw);
	o = put_le(b, o, 4, 8);				/* max batch */
	o = put_le(b, o, 3, 8);				/* steps */
	for (int i = 0; i < DANP_CKPT_USER; i++)
		o = put_le(b, o, 0, 8);
	for (size_t i = 0; i < nf; i++)
		o = put_float(b, o, (float)(0.1 * (double)i), fw);
	crc = (uint32_t)crc32(0L, b, (uInt)o);
	o = put_le(b, o, crc, 8);
	ret = danp_ckpt_parse(&net, b, o, "v", NULL, &err);
	if (ret) {
		tap_ok(&tap, 0, "format %d checkpoint loads: %s", version, err.msg);
		return;
	}
	w = danp_net_weights(net, 0);
	r = danp_net_decor(net, 0);
	for (int i = 0; i < 6; i++)
		good &= w[i] == (float)(0.1 * i);
	for (int i = 0; i < 4; i++)
		good &= r[i] == (float)(0.1 * (51 + i));
	tap_ok(&tap, good && danp_net_steps(net) == 3 &&
	       danp_net_params(net)->lr == 1e-3f,
	       "format %d checkpoint (%zu bytes, %d-byte floats) loads its values",
	       version, o, fw);
	danp_net_destroy(net);
}

/* A pid that no process has: a reaped child's. */
static long dead_pid(void)
{
	pid_t pid = fork();

	if (pid == 0)
		_exit(0);
	waitpid(pid, NULL, 0);
	return (long)pid;
}

/* Stale temporary files of killed writers go; nothing else does. */
static void test_stale_tmp(void)
{
	long dead = dead_pid();
	char name[6][32];
	unsigned int removed = 9;
	struct danp_err err;
	int ret, kept = 1;

	snprintf(name[0], 32, "st.tmp.%ld.17", dead);		/* stale */
	snprintf(name[1], 32, "st.tmp.%ld.3", (long)getppid());	/* live */
	snprintf(name[2], 32, "st.tmp.%ld", dead);		/* no n */
	snprintf(name[3], 32, "st.tmp.%ld.1x", dead);
	snprintf(name[4], 32, "other.tmp.%ld.1", dead);
	snprintf(name[5], 32, "st.tmp.%ld.7", dead);		/* a link */
	for (int i = 0; i < 5; i++)
		write_file(path(name[i]), "x", 1, 0);
	if (symlink(path("st"), path(name[5])))
		perror("symlink");
	ret = danp_remove_stale_tmp(path("st"), &removed, &err);
	for (int i = 1; i < 6; i++) {
		struct stat st;

		kept &= !lstat(path(name[i]), &st);
	}
	tap_ok(&tap, !ret && removed == 1 && access(path(name[0]), F_OK) && kept,
	       "stale temporary file removed (%u), live writer's, near misses "
	       "and a link kept", removed);
	for (int i = 1; i < 6; i++)
		unlink(path(name[i]));
	ret = danp_remove_stale_tmp("/nonexistent-dir/ck", &removed, &err);
	tap_ok(&tap, !ret && removed == 0, "missing directory: nothing to remove");
}

static void test_ckpt(void)
{
	static const size_t sizes[] = { 4, 6, 3 };
	struct danp_spec spec;
	struct danp_params p;
	struct danp_net *a, *b;
	struct danp_err err;
	struct danp_rng ra, rb;
	struct test_noise na, nb;
	uint64_t user[DANP_CKPT_USER] = { 7, 8 }, got[DANP_CKPT_USER];
	size_t np;
	int ret;

	danp_spec_mlp(&spec, sizes, 2, &err);
	danp_params_default(&p);
	p.max_batch = 8;
	p.decor_center = 1;
	p.decor_lr = 1e-3f;
	p.lr = 1e-2f;
	test_noise_init(&na, 0, 0.01f, 3);
	p.noise = test_noise_fn;
	p.noise_ctx = &na;
	danp_net_create(&a, &spec, &p, 1, &err);
	danp_rng_seed(&ra, 2);
	train(a, &ra, 5);
	umask(022);
	ret = danp_ckpt_save(a, path("ck"), user, &err);
	{
		struct stat st;

		/*
		 * 4-6-3, decorrelated and centred everywhere: 51 parameters
		 * three times (with Adam's m and v), R 16 + 36, c 4 + 6 = 215
		 * floats of 4 bytes; the header is 8 magic + 8 layers + 3 x 8
		 * sizes + 4 slope + 2 x 8 bias, decor default + 2 x 8 decor
		 * + 4 x 8 enums + 5 x 4 rates + 8 centring + 2 x 4 NP moments
		 * + 8 max batch + 8 steps + 16 x 8 user = 288, and 8 CRC.
		 */
		long want = 288 + 215 * 4 + 8;

		tap_ok(&tap, !ret && !stat(path("ck"), &st) && (st.st_mode & 0777) == 0644,
		       "checkpoint saved, mode 0644 under umask 022");
		tap_ok(&tap, !ret && st.st_size == want,
		       "checkpoint holds floats in 4 bytes: %ld bytes, want %ld",
		       (long)st.st_size, want);
	}
	/* Continue a; separately load and continue with the same state. */
	rb = ra;
	nb = na;
	train(a, &ra, 5);
	ret = danp_ckpt_load(&b, path("ck"), got, &err);
	tap_ok(&tap, !ret && got[0] == 7 && got[1] == 8 && danp_net_steps(b) == 5,
	       "checkpoint loads with user data and step count");
	if (ret)
		return;
	danp_net_set_noise(b, test_noise_fn, &nb);
	train(b, &rb, 5);
	np = danp_net_n_params(a);
	tap_ok(&tap, !memcmp(danp_net_weights(a, 0), danp_net_weights(b, 0), np * 4) &&
	       !memcmp(danp_net_decor(a, 1), danp_net_decor(b, 1), 36 * 4) &&
	       !memcmp(danp_net_center(a, 0), danp_net_center(b, 0), 16),
	       "resumed training is bit-identical to uninterrupted training");
	danp_net_destroy(b);
	{
		FILE *f = fopen(path("ck"), "r+b");

		fseek(f, 200, SEEK_SET);
		fputc(0x55, f);
		fclose(f);
	}
	ret = danp_ckpt_load(&b, path("ck"), NULL, &err);
	tap_ok(&tap, ret == -EINVAL && has(&err, "checksum", NULL),
	       "corrupt checkpoint rejected: %s", err.msg);
	write_file(path("ck2"), "DANPCK02", 8, 0);
	ret = danp_ckpt_load(&b, path("ck2"), NULL, &err);
	tap_ok(&tap, ret == -EINVAL, "truncated checkpoint rejected: %s", err.msg);
	{
		/* Valid CRC, header cut short (found by fuzz-ckpt). */
		uint8_t buf[24] = "DANPCK03";
		uint32_t crc;

		buf[8] = 2;
		crc = (uint32_t)crc32(0L, buf, 16);
		for (int i = 0; i < 4; i++)
			buf[16 + i] = (uint8_t)(crc >> (8 * i));
		ret = danp_ckpt_parse(&b, buf, sizeof(buf), "short", NULL, &err);
		tap_ok(&tap, ret == -EINVAL && has(&err, "truncated header", NULL),
		       "checkpoint with a short header: %s", err.msg);
	}
	ckpt_version(3);
	ckpt_version(2);
	ret = danp_ckpt_save(a, "/nonexistent-dir/ck", NULL, &err);
	tap_ok(&tap, ret == -ENOENT && has(&err, "nonexistent", NULL),
	       "unwritable checkpoint path: %s", err.msg);
	danp_net_destroy(a);
}

int main(void)
{
	if (!mkdtemp(dir)) {
		perror("mkdtemp");
		return 1;
	}
	test_idx();
	test_cifar();
	test_csv();
	test_csv_targets();
	test_teacher();
	test_shuffle();
	test_ckpt();
	test_stale_tmp();
	{
		char cmd[300];

		snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
		if (system(cmd))
			printf("# could not remove %s\n", dir);
	}
	return tap_done(&tap);
}
