// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * smtj_noise_reseed: a source that has drawn values and is then reseeded
 * with s gives, bit for bit, what a fresh source of the same spec with
 * seed s gives, for every kind of source, conditioning and the arduino
 * sampler; the consumed count restarts.  The device source needs a
 * device and is exercised in the VM (vm_libsmtj_test.c).
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "libsmtj.h"
#include "../tap.h"

#define COUNT(a) (sizeof(a) / sizeof((a)[0]))
#define SEED_A 11
#define SEED_B 0x1234567890abcdefULL

/* A request as the trainer makes them: (stream, rows, cols). */
struct req {
	unsigned int stream;
	size_t rows, cols;
};

/* Different streams, a stream that grows its nodes, sizes not multiples
 * of one another (a sampler window of 16 is crossed part-way). */
static const struct req before[] = {
	{ 0, 10, 9 }, { 2, 4, 3 }, { 1, 7, 5 },
};
static const struct req after[] = {
	{ 0, 6, 7 }, { 1, 6, 5 }, { 0, 3, 9 }, { 3, 2, 11 },
};
#define AFTER_VALUES (6 * 7 + 6 * 5 + 3 * 9 + 2 * 11)

static int draw(struct smtj_noise *nz, const struct req *rq, size_t n,
		float *out, struct smtj_err *err)
{
	for (size_t i = 0; i < n; i++) {
		int ret = smtj_noise_fill(nz, rq[i].stream, out, rq[i].rows,
					  rq[i].cols, err);

		if (ret)
			return ret;
		out += rq[i].rows * rq[i].cols;
	}
	return 0;
}

/* The values of a fresh source of @spec with @seed, after[] drawn. */
static int fresh(const char *spec, uint64_t seed, float *out,
		 struct smtj_err *err)
{
	struct smtj_noise *nz;
	int ret = smtj_noise_from_spec(&nz, spec, seed, err);

	if (ret)
		return ret;
	ret = draw(nz, after, COUNT(after), out, err);
	if (!ret && smtj_noise_consumed(nz) != AFTER_VALUES)
		ret = smtj_seterr(err, -EPROTO, "fresh source counts %llu",
				  (unsigned long long)smtj_noise_consumed(nz));
	smtj_noise_destroy(nz);
	return ret;
}

/*
 * @spec made with SEED_A, before[] drawn, reseeded to SEED_B, after[]
 * drawn: equal to fresh(SEED_B).  Reseeding again to SEED_A gives
 * fresh(SEED_A), which for a seeded source must differ from SEED_B's
 * (otherwise the first comparison would prove nothing).
 */
static void check(struct tap *t, const char *spec, int seeded)
{
	static float want_b[AFTER_VALUES], want_a[AFTER_VALUES];
	static float got[AFTER_VALUES], skip[10 * 9 + 4 * 3 + 7 * 5];
	struct smtj_err err = { 0 };
	struct smtj_noise *nz;
	int ret;

	ret = fresh(spec, SEED_B, want_b, &err);
	if (!ret)
		ret = fresh(spec, SEED_A, want_a, &err);
	if (!ret)
		ret = smtj_noise_from_spec(&nz, spec, SEED_A, &err);
	if (ret) {
		tap_ok(t, 0, "%s: fresh sources: %s", spec, err.msg);
		return;
	}
	ret = draw(nz, before, COUNT(before), skip, &err);
	if (!ret)
		ret = smtj_noise_reseed(nz, SEED_B, &err);
	tap_ok(t, !ret && smtj_noise_consumed(nz) == 0,
	       "%s: reseeded after drawing, consumed restarts (%d %s)", spec,
	       ret, err.msg);
	ret = draw(nz, after, COUNT(after), got, &err);
	tap_ok(t, !ret && !memcmp(got, want_b, sizeof(got)) &&
	       smtj_noise_consumed(nz) == AFTER_VALUES,
	       "%s: reseeded equals fresh, same count", spec);
	ret = smtj_noise_reseed(nz, SEED_A, &err);
	if (!ret)
		ret = draw(nz, after, COUNT(after), got, &err);
	tap_ok(t, !ret && !memcmp(got, want_a, sizeof(got)),
	       "%s: reseeded to its first seed equals that fresh source", spec);
	if (seeded)
		tap_ok(t, memcmp(want_a, want_b, sizeof(want_a)) != 0,
		       "%s: the two seeds give different values", spec);
	smtj_noise_destroy(nz);
}

static int write_f32(const char *path, size_t n)
{
	FILE *f = fopen(path, "wb");

	if (!f)
		return -1;
	for (size_t i = 0; i < n; i++) {
		float v = (float)((i * 37) % 101) / 7.0f;

		fwrite(&v, sizeof(v), 1, f);
	}
	return fclose(f);
}

int main(void)
{
	static const char *const seeded[] = {
		"gauss", "gauss:sigma=0.5,h=4,offset=1", "bernoulli",
		"bernoulli:p=0.3,h=3", "bernoulli:h=100,centred",
		"hmm", "hmm:serial,h=2", "junction", "junction:serial",
		"junction:n=2,serial,cond=std", "gauss:arduino,window=16",
		"hmm:serial,arduino,window=16,advance=3,cond=binary",
		"bernoulli:cond=center",
	};
	char dir[] = "/tmp/smtj-reseed-XXXXXX", path[256], spec[400];
	struct smtj_err err = { 0 };
	struct tap t = { 0 };

	if (!mkdtemp(dir)) {
		printf("Bail out! mkdtemp\n");
		return 1;
	}
	for (size_t i = 0; i < COUNT(seeded); i++)
		check(&t, seeded[i], 1);
	/* A recording has no seed: reseeding goes back to start=, across a
	 * wrap (before[] takes 137 of the 150 values from 20 on). */
	snprintf(path, sizeof(path), "%s/rec.f32", dir);
	if (write_f32(path, 150)) {
		printf("Bail out! %s\n", path);
		return 1;
	}
	snprintf(spec, sizeof(spec), "replay:path=%s,start=20", path);
	check(&t, spec, 0);
	snprintf(spec, sizeof(spec), "replay:path=%s,h=2,passes=2", path);
	check(&t, spec, 0);
	snprintf(spec, sizeof(spec), "replay:path=%s,arduino,window=16", path);
	check(&t, spec, 1);
	tap_ok(&t, smtj_noise_reseed(NULL, 1, &err) == -EINVAL,
	       "no source: %s", err.msg);
	remove(path);
	rmdir(dir);
	return tap_done(&t);
}
