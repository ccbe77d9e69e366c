// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * libsmtj against the real smtj.ko, inside the test VM (smtj.ko loaded
 * with sim_devices=2): every transport gives exactly the library
 * simulator's stream for the same seed; losses are reported per batch no
 * earlier than they happen and no later than the next batch; removing the
 * device ends every transport with -ENODEV; mmap spans hold at most the
 * stream's batch; the device noise source works and reseeds;
 * io_uring_disabled makes "auto" fall back to read() with a note.
 * With SMTJ_PLAN_ONLY set it prints only its TAP plan.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <libgen.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include "libsmtj.h"
#include "../tap.h"

#define PLAN 28
#define SIM_DRIVER "/sys/bus/platform/drivers/smtj-sim"

static const enum smtj_transport trs[3] = { SMTJ_TR_READ, SMTJ_TR_MMAP, SMTJ_TR_URING };

static void sleep_ms(unsigned int ms)
{
	struct timespec ts = { ms / 1000, (long)(ms % 1000) * 1000000L };

	nanosleep(&ts, NULL);
}

static int sysfs_write(const char *path, const char *val)
{
	int fd = open(path, O_WRONLY | O_CLOEXEC), r;

	if (fd < 0)
		return -errno;
	r = write(fd, val, strlen(val)) < 0 ? -errno : 0;
	close(fd);
	return r;
}

/*
 * Open /dev/smtj0 for a test that needs it to itself (SET_SIM is EBUSY
 * while another file is attached).  On 6.12 an io_uring releases its
 * files in deferred work after io_uring_queue_exit(): the previous test's
 * file can stay attached for a moment, so wait, boundedly, until the
 * device has no consumer (5 s times SMTJ_TIMEOUT_SCALE).
 */
static int open_idle(struct smtj_dev **dev, struct smtj_err *err)
{
	const char *sc = getenv("SMTJ_TIMEOUT_SCALE");
	long scale = sc ? strtol(sc, NULL, 10) : 1;
	char buf[32] = "";

	scale = scale < 1 ? 1 : scale > 100 ? 100 : scale;
	for (long ms = 0; ms < 5000 * scale; ms += 10) {
		int fd = open("/sys/class/smtj/smtj0/consumers", O_RDONLY | O_CLOEXEC);
		ssize_t l = fd < 0 ? -1 : read(fd, buf, sizeof(buf) - 1);

		if (fd >= 0)
			close(fd);
		if (l <= 0 || strtoull(buf, NULL, 10) == 0)
			break;
		sleep_ms(10);
	}
	return smtj_dev_open(dev, "0", 0, err);
}

/* Configure @dev (exclusively open) and open a stream on it. */
static int setup(struct smtj_dev *dev, const struct smtj_sim_config *cfg,
		 enum smtj_transport tr, uint32_t ring, struct smtj_stream **st,
		 struct smtj_err *err)
{
	struct smtj_stream_opts o = { .transport = tr, .batch = 4096, .depth = 4 };
	int ret = smtj_dev_set_sim(dev, cfg, err);

	if (!ret)
		ret = smtj_dev_set_consumer(dev, ring, 0, err);
	if (!ret)
		ret = smtj_stream_open(st, dev, &o, err);
	return ret;
}

static void test_same_stream(struct tap *t, enum smtj_transport tr)
{
	const size_t n = 200000;
	struct smtj_junction_params jp;
	struct smtj_sim_config cfg;
	struct smtj_err err = { 0 };
	struct smtj_stream *st = NULL;
	struct smtj_dev *dev = NULL;
	struct smtj_sim *sim = NULL;
	uint16_t *a = malloc(n * 2), *b = malloc(n * 2);
	uint64_t lost = 0;
	int ret;

	smtj_junction_default(&jp);
	jp.n = 2;
	jp.delta[1] = 9;
	smtj_junction_to_sim(&jp, 1000 + tr, &cfg, &err);
	cfg.flags = SMTJ_SIM_F_UNTHROTTLED;
	ret = open_idle(&dev, &err);
	if (!ret)
		ret = setup(dev, &cfg, tr, 65536, &st, &err);
	if (!ret)
		ret = smtj_stream_read(st, a, n, &lost, &err);
	if (!ret)
		ret = smtj_sim_create(&sim, &cfg, &err);
	if (!ret)
		smtj_sim_fill(sim, b, n);
	tap_ok(t, !ret && smtj_stream_transport(st) == tr && !lost && !memcmp(a, b, n * 2),
	       "%s: device stream equals the library simulator (%zu samples, lost %llu)%s%s",
	       smtj_transport_name(tr), n, (unsigned long long)lost, ret ? ": " : "",
	       ret ? err.msg : "");
	smtj_sim_destroy(sim);
	smtj_stream_close(st);
	smtj_dev_close(dev);
	free(a);
	free(b);
}

/*
 * An mmap span holds at most the stream's batch, even when the ring holds
 * far more: with a whole ring queued, spans of exactly the batch (or up to
 * the end of the ring), and the samples continue the pattern.
 */
static void test_mmap_span(struct tap *t)
{
	struct smtj_stream_opts o = { .transport = SMTJ_TR_MMAP, .batch = 1000 };
	struct smtj_sim_config cfg;
	struct smtj_err err = { 0 };
	struct smtj_stream *st = NULL;
	struct smtj_dev *dev = NULL;
	size_t total = 0, bad = 0;
	uint16_t next = 0;
	int ret, full = 0;

	smtj_sim_default_config(&cfg);
	cfg.flags = SMTJ_SIM_F_PATTERN | SMTJ_SIM_F_UNTHROTTLED;
	ret = open_idle(&dev, &err);
	if (!ret)
		ret = smtj_dev_set_sim(dev, &cfg, &err);
	/* readable at a full ring: the producer then waits for room */
	if (!ret)
		ret = smtj_dev_set_consumer(dev, 65536, 65536, &err);
	if (!ret)
		ret = smtj_stream_open(&st, dev, &o, &err);
	if (!ret) {
		struct pollfd p = { .fd = smtj_dev_fd(dev), .events = POLLIN };

		full = poll(&p, 1, 10000) == 1 && (p.revents & POLLIN);
	}
	for (int k = 0; !ret && k < 64; k++) {
		struct smtj_batch b;

		ret = smtj_stream_next(st, &b, &err);
		if (ret)
			break;
		/* the ring is 65536 long: 65 spans of 1000 would cross its
		 * end, so each of these 64 is a whole batch */
		bad += b.n != 1000 || (k && b.data[0] != next) ||
		       (uint16_t)(b.data[0] + b.n - 1) != b.data[b.n - 1];
		next = (uint16_t)(b.data[b.n - 1] + 1);
		total += b.n;
		smtj_stream_release(st, &b);
	}
	tap_ok(t, !ret && full && !bad && total == 64000,
	       "mmap: spans of the batch (1000) from a full ring (%s, %zu samples, %zu bad spans)%s%s",
	       full ? "full" : "not full after 10 s", total, bad, ret ? ": " : "",
	       ret ? err.msg : "");
	smtj_stream_close(st);
	smtj_dev_close(dev);
}

/*
 * Restart data: each restart re-seeds the simulator and the first samples
 * read after it are the library simulator's first samples for that seed;
 * the same seed again gives the same samples (a restart is a restart, not
 * a continuation).  Rate-throttled, as a capture runs.
 */
static void test_restart_read(struct tap *t)
{
	const size_t n = 1000;
	struct smtj_stream_opts o = { .transport = SMTJ_TR_READ };
	struct smtj_sim_config cfg;
	struct smtj_err err = { 0 };
	struct smtj_dev *dev = NULL;
	uint16_t *a = malloc(3 * n * 2), *b = malloc(n * 2);
	int ret, same = 1;

	smtj_sim_default_config(&cfg);
	cfg.rate_hz = 200000;
	ret = open_idle(&dev, &err);
	if (!ret)
		ret = smtj_dev_set_sim(dev, &cfg, &err);
	for (int r = 0; r < 3 && !ret; r++)
		ret = smtj_dev_restart_read(dev, &o, r == 1 ? 78 : 77, a + r * n, n, &err);
	for (int r = 0; r < 2 && !ret; r++) {
		struct smtj_sim *sim;

		cfg.seed = r ? 78 : 77;
		ret = smtj_sim_create(&sim, &cfg, &err);
		if (ret)
			break;
		smtj_sim_fill(sim, b, n);
		smtj_sim_destroy(sim);
		same &= !memcmp(a + r * n, b, n * 2);
	}
	tap_ok(t, !ret && same && !memcmp(a, a + 2 * n, n * 2) && memcmp(a, a + n, n * 2),
	       "restart reads: the first %zu samples of each seed, repeatable%s%s", n,
	       ret ? ": " : "", ret ? err.msg : "");
	/* a second reader makes SET_SIM refuse: no silent half-restart */
	{
		struct smtj_dev *other = NULL;

		if (!smtj_dev_open(&other, "0", 0, &err)) {
			ret = smtj_dev_restart_read(dev, &o, 1, a, n, &err);
			tap_ok(t, ret == -EBUSY, "restart with a second reader open: %s", err.msg);
			smtj_dev_close(other);
		} else {
			tap_ok(t, 0, "second open: %s", err.msg);
		}
	}
	smtj_dev_close(dev);
	free(a);
	free(b);
}

/*
 * Pattern mode (sample k = k & 0xffff) at 50 kHz into a 1024-sample ring
 * with a consumer that stalls 100 ms, the first time between SET_CONSUMER
 * and opening the stream (the ring overflows before the stream exists;
 * that loss must be reported with batch 0 all the same): the gaps in the
 * pattern are the losses seen (each < 65536 unless a stall exceeds 1.3 s).
 * With R_k the losses reported up to batch k and G_k the gaps before
 * batches 1..k: G_k <= R_k (no loss reported late), R_k <= G_{k+5} (a loss counted when batch k is fetched shows in the data within
 * the reads already in flight: depth 4, plus the remainder of a span cut
 * at the end of the ring), and the total is the kernel's own count.
 */
static void test_loss(struct tap *t, enum smtj_transport tr)
{
	struct smtj_stream_opts o = { .transport = tr, .batch = 4096, .depth = 4 };
	struct smtj_sim_config cfg;
	struct smtj_err err = { 0 };
	struct smtj_stream *st = NULL;
	struct smtj_dev *dev = NULL;
	uint64_t R[40], G[40], g = 0, r = 0;
	uint16_t prev = 0;
	int ret, ok = 1, k;

	smtj_sim_default_config(&cfg);
	cfg.flags = SMTJ_SIM_F_PATTERN;
	cfg.rate_hz = 50000;
	ret = open_idle(&dev, &err);
	if (!ret)
		ret = smtj_dev_set_sim(dev, &cfg, &err);
	if (!ret)
		ret = smtj_dev_set_consumer(dev, 1024, 0, &err);
	if (!ret) {
		sleep_ms(100);	/* ~5000 samples before the stream opens */
		ret = smtj_stream_open(&st, dev, &o, &err);
	}
	for (k = 0; !ret && k < 40; k++) {
		struct smtj_batch b;

		ret = smtj_stream_next(st, &b, &err);
		if (ret)
			break;
		/* a gap may fall inside a batch too (a partly dropped
		 * production batch): count every jump */
		for (size_t i = 0; i < b.n; i++) {
			if (k || i)
				g += (uint16_t)(b.data[i] - prev - 1);
			prev = b.data[i];
		}
		G[k] = g;
		r += b.lost;
		R[k] = r;
		smtj_stream_release(st, &b);
		if (k % 8 == 1)
			sleep_ms(100);	/* ~5000 samples into a 1024 ring */
	}
	/*
	 * The ring overflowed before the stream opened: that loss comes
	 * with batch 0, though its gap may show only at the start of batch
	 * 1 (after the full ring's last sample); the bounds below place it.
	 */
	ok &= k > 0 && R[0] > 0;
	for (int i = 0; i < k; i++)
		ok &= G[i] <= R[i] && (i + 5 >= k || R[i] <= G[i + 5]);
	if (!ret) {
		struct smtj_info info;

		/* nothing lost in between may go unreported: drain the
		 * count with one more batch's worth of accounting */
		ret = smtj_dev_info(dev, &info, &err);
		printf("# %s: gaps %llu (batch 0: %llu), reported %llu (batch 0: %llu), kernel count %llu\n",
		       smtj_transport_name(tr), (unsigned long long)g,
		       (unsigned long long)(k ? G[0] : 0), (unsigned long long)r,
		       (unsigned long long)(k ? R[0] : 0), (unsigned long long)info.lost);
		ok &= !ret && r <= info.lost;
	}
	if (!ok)
		for (int i = 0; i < k; i++)
			printf("# batch %d: gaps %llu reported %llu\n", i,
			       (unsigned long long)G[i], (unsigned long long)R[i]);
	tap_ok(t, !ret && ok && g > 0,
	       "%s: losses reported per batch (gaps %llu, reported %llu)%s%s",
	       smtj_transport_name(tr), (unsigned long long)g,
	       (unsigned long long)r, ret ? ": " : "", ret ? err.msg : "");
	smtj_stream_close(st);
	smtj_dev_close(dev);
}

/* /dev/smtjN of platform device @name, or -1. */
static int find_dev(const char *name)
{
	DIR *d = opendir("/sys/class/smtj");
	struct dirent *e;
	int n = -1;

	while (d && (e = readdir(d))) {
		char path[300], target[256];
		ssize_t l;

		snprintf(path, sizeof(path), "/sys/class/smtj/%s/device", e->d_name);
		l = readlink(path, target, sizeof(target) - 1);
		if (l < 0)
			continue;
		target[l] = 0;
		if (!strcmp(basename(target), name))
			n = atoi(e->d_name + 4);
	}
	if (d)
		closedir(d);
	return n;
}

static void test_removal(struct tap *t, enum smtj_transport tr, const char *name)
{
	struct smtj_stream_opts o = { .transport = tr, .batch = 1024 };
	struct smtj_err err = { 0 };
	struct smtj_stream *st = NULL;
	struct smtj_dev *dev = NULL;
	struct smtj_batch b;
	char idx[16];
	int ret, i, n = find_dev(name);

	snprintf(idx, sizeof(idx), "%d", n);
	ret = n < 0 ? -ENOENT : smtj_dev_open(&dev, idx, 0, &err);
	if (!ret)
		ret = smtj_stream_open(&st, dev, &o, &err);
	if (!ret)
		ret = smtj_stream_next(st, &b, &err);
	if (!ret)
		smtj_stream_release(st, &b);
	if (ret) {
		tap_ok(t, 0, "%s: stream before removal: %s", smtj_transport_name(tr), err.msg);
		goto out;
	}
	sysfs_write(SIM_DRIVER "/unbind", name);
	/* what was delivered may still be read; then the end */
	for (i = 0; i < 100000 && !ret; i++) {
		ret = smtj_stream_next(st, &b, &err);
		if (!ret)
			smtj_stream_release(st, &b);
	}
	tap_ok(t, ret == -ENODEV, "%s: removed device ends the stream: %s",
	       smtj_transport_name(tr), err.msg);
out:
	smtj_stream_close(st);
	smtj_dev_close(dev);
	sysfs_write(SIM_DRIVER "/bind", name);
	sleep_ms(50);
}

/* Reseeding a device source keeps it open with its calibration (the
 * same moments, no new calib= samples) and restarts the count. */
static void test_noise_reseed(struct tap *t, struct smtj_noise *nz,
			      const char *spec)
{
	double m0 = 0, sd0 = 0, m1 = 0, sd1 = 0;
	struct smtj_err err = { 0 };
	float out[64 * 10];
	int known, ret;

	if (!nz) {
		tap_ok(t, 0, "noise %s: reseed (no source)", spec);
		return;
	}
	known = !smtj_noise_moments(nz, &m0, &sd0);
	ret = smtj_noise_reseed(nz, 7, &err);
	if (!ret)
		ret = smtj_noise_fill(nz, 1, out, 64, 10, &err);
	tap_ok(t, !ret && smtj_noise_consumed(nz) == 640 &&
	       known == !smtj_noise_moments(nz, &m1, &sd1) && m0 == m1 && sd0 == sd1,
	       "noise %s: reseeded, still reads, same moments%s%s", spec,
	       ret ? ": " : "", ret ? err.msg : "");
}

static void test_noise_source(struct tap *t)
{
	static const char *const specs[] = {
		"device:path=0,transport=mmap", "device:path=0,transport=uring,cond=std,calib=20000",
		"device:path=0,transport=read,codes",
	};
	float out[64 * 10];

	for (int i = 0; i < 3; i++) {
		struct smtj_noise *nz = NULL;
		struct smtj_err err = { 0 };
		int ret = smtj_noise_from_spec(&nz, specs[i], 0, &err);

		if (!ret)
			ret = smtj_noise_fill(nz, 1, out, 64, 10, &err);
		tap_ok(t, !ret && smtj_noise_consumed(nz) == 640 && smtj_noise_lost(nz) < 1000000,
		       "noise %s%s%s", specs[i],
		       ret ? ": " : "", ret ? err.msg : "");
		test_noise_reseed(t, ret ? NULL : nz, specs[i]);
		smtj_noise_destroy(nz);
	}
}

static void test_fallback(struct tap *t)
{
	const char *knob = "/proc/sys/kernel/io_uring_disabled";
	struct smtj_stream_opts o = { .transport = SMTJ_TR_AUTO };
	struct smtj_err err = { 0 };
	struct smtj_stream *st = NULL;
	struct smtj_dev *dev = NULL;
	int ret;

	if (access(knob, W_OK)) {
		/* no knob before 6.6: then auto must get io_uring */
		ret = smtj_dev_open(&dev, "0", 0, &err);
		if (!ret)
			ret = smtj_stream_open(&st, dev, &o, &err);
		tap_ok(t, !ret && smtj_stream_transport(st) == SMTJ_TR_URING &&
		       !smtj_stream_note(st)[0],
		       "auto picks io_uring with registered buffers (no %s to test the fallback)%s%s",
		       knob, ret ? ": " : smtj_stream_note(st), ret ? err.msg : "");
		smtj_stream_close(st);
		smtj_dev_close(dev);
		return;
	}
	sysfs_write(knob, "2");
	ret = smtj_dev_open(&dev, "0", 0, &err);
	if (!ret)
		ret = smtj_stream_open(&st, dev, &o, &err);
	tap_ok(t, !ret && smtj_stream_transport(st) == SMTJ_TR_READ &&
	       strstr(smtj_stream_note(st), "io_uring unavailable"),
	       "io_uring disabled: auto falls back to read(): %s",
	       ret ? err.msg : smtj_stream_note(st));
	sysfs_write(knob, "0");
	smtj_stream_close(st);
	smtj_dev_close(dev);
}

int main(void)
{
	struct tap t = { 0 };
	struct smtj_info info;
	struct smtj_err err = { 0 };
	struct smtj_dev *dev = NULL;
	char target[256], name[128] = "";
	ssize_t l;
	int ret;

	if (getenv("SMTJ_PLAN_ONLY")) {
		printf("1..%d\n", PLAN);
		return 0;
	}
	ret = smtj_dev_open(&dev, "0", 0, &err);
	if (!ret)
		ret = smtj_dev_info(dev, &info, &err);
	tap_ok(&t, !ret && info.backend == SMTJ_BACKEND_SIM, "open /dev/smtj0 by index: %s",
	       ret ? err.msg : "simulated backend");
	smtj_dev_close(dev);
	ret = smtj_dev_open(&dev, "/dev/null", 0, &err);
	tap_ok(&t, ret == -ENOTTY, "/dev/null is refused: %s", err.msg);
	/* 6.12 closes an io_uring's files asynchronously, and SET_SIM
	 * needs the device to itself: every test that sets waits in
	 * open_idle() */
	test_mmap_span(&t);
	for (int i = 0; i < 3; i++)
		test_same_stream(&t, trs[i]);
	for (int i = 0; i < 3; i++)
		test_loss(&t, trs[i]);
	test_noise_source(&t);
	test_restart_read(&t);
	l = readlink("/sys/class/smtj/smtj1/device", target, sizeof(target) - 1);
	if (l > 0) {
		target[l] = 0;
		snprintf(name, sizeof(name), "%s", basename(target));
	}
	for (int r = 0; r < 3; r++)
		for (int i = 0; i < 3; i++)
			test_removal(&t, trs[i], name);
	test_fallback(&t);
	ret = smtj_dev_open(&dev, "7", 0, &err);
	tap_ok(&t, ret == -ENOENT, "a missing index is -ENOENT: %s", err.msg);
	ret = tap_done(&t);
	if (t.n != PLAN)
		printf("# plan %d but ran %d\n", PLAN, t.n);
	return ret || t.n != PLAN;
}
