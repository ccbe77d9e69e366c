// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Transport benchmark, run inside the test VM against smtj.ko
 * (sim_devices=1).
 *
 * Throughput, simulator unthrottled in pattern mode (sample k is k & 0xffff,
 * produced as fast as there is room), two ways:
 *  - streaming: producer and consumer at once, ROUNDS rounds; in each round
 *    the consumers run back to back at one batch size, then at the
 *    next, so that the ratios of one round compare runs a second or two
 *    apart (the host's load changes over seconds).  Each figure is the
 *    median round, each ratio the median of the rounds' ratios.  The rate
 *    is the slower side's: in this VM often the producer's;
 *  - consumer-bound: the ring filled first, then the consumer alone takes
 *    what is there (run_drain()): the consumer's own rate, which is what
 *    tells the transports apart.  ROUNDS * DRAINS short drains of each,
 *    the transports alternating; figures are upper quartiles.
 * Every consumer does the same work per batch (check() below):
 *  - read, mmap, uring, uring-d4: libsmtj's streams (read() asks the info
 *    ioctl for the loss count after every batch, io_uring, URING_DEPTH or
 *    4 reads in flight, after a batch not yet counted; mmap takes whatever is
 *    available and, when the ring is empty, watches the producer index
 *    briefly before it poll()s);
 *  - read-raw: read(fd, buf, batch * 2) and nothing else;
 *  - mmap-spin: the ring protocol alone: spin on the load-acquired producer
 *    index until a whole batch is there, check it in place, store-release
 *    the consumer index; no system call at all.
 * For each run also the producer's side: the device's produced counter
 * (info ioctl) per second, and the CPU time of the producer kthread
 * (/proc/PID/schedstat of smtj-sim/0) and of the consumer thread
 * (CLOCK_THREAD_CPUTIME_ID, system calls included) as shares of the run's
 * wall time and as samples per CPU second: the busier side is the
 * bottleneck.
 * Ceilings in the same run: memcpy from a ring-sized (8 MiB) buffer into a
 * batch-sized one, and check() alone on memory.
 * Latency from a sample's production time to its arrival in the consumer
 * (p50, p99) at 1 MHz throttled, pattern mode, for libsmtj's streams:
 * the simulator stamps sample k at t0 + k / rate; a second file's mapped
 * ring header (newest_index, newest_time_ns, written by the kernel) gives
 * t0, and the pattern (k & 0xffff, unwrapped chunk by chunk: the two files
 * take turns every CHUNK samples) gives k of each arriving sample.
 * TAP output; the figures are "# json:" lines (one result each) and
 * "# json-top:" lines (members of the top-level object) that
 * bench/smtj/vm-bench.sh collects.  SMTJ_PLAN_ONLY: plan only.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <time.h>
#include <unistd.h>
#include "libsmtj.h"
#include "ring.h"		/* smtj_ring_snapshot */

#define NB 4
#define RATE 1000000U
/* samples per file's ring: 8 MiB, some 30 ms of production, so that the
 * host descheduling a vCPU for a while does not fill it */
#define RING (1U << 22)
/* a quick look: make bench-smtj-vm BENCH_ROUNDS=3 BENCH_RUN_MS=150 */
#ifndef RUN_NS
#define RUN_NS 300000000ULL	/* one throughput run */
#endif
#ifndef ROUNDS
#define ROUNDS 5
#endif
#define DRAINS 4		/* consumer-bound drains per round */
/* io_uring reads in flight for "uring": submits of 8 reads, one loss
 * ioctl per 8 batches or so ("uring-d4": depth 4) */
#ifndef URING_DEPTH
#define URING_DEPTH 16
#endif
/* one drain: the fastest consumer takes the ring's 4 Mi samples in ~2 ms */
#define DRAIN_NS 2000000ULL
/* the fan-out gives each file runs of this many samples (SMTJ_CHUNK) */
#define CHUNK 64

/* 2048 samples = the "4 KiB batches" */
static const size_t batches[NB] = { 256, 2048, 4096, 65536 };

/* uring-d4: the io_uring stream at depth 4, the library's old default */
enum bench_tr {
	B_READ, B_MMAP, B_URING, B_URING_D4, B_READ_RAW, B_MMAP_SPIN, NT
};
static const char *const tr_name[NT] = {
	"read", "mmap", "uring", "uring-d4", "read-raw", "mmap-spin"
};
static const enum smtj_transport tr_lib[NT] = {
	SMTJ_TR_READ, SMTJ_TR_MMAP, SMTJ_TR_URING, SMTJ_TR_URING, SMTJ_TR_READ,
	SMTJ_TR_MMAP
};

/* io_uring reads in flight: URING_DEPTH, or 4 */
static unsigned int tr_depth(enum bench_tr tr)
{
	return tr == B_URING_D4 ? 4 : URING_DEPTH;
}

struct run {
	double sps;		/* samples/s the consumer got */
	double produced_ps;	/* samples/s the device produced */
	double prod_cpu;	/* producer kthread CPU / wall (-1: unknown) */
	double prod_queued;	/* producer runnable, waiting for a CPU / wall */
	double prod_sleeps_ps;	/* producer's sleeps per second */
	double cons_cpu;	/* consumer thread CPU / wall */
	uint64_t samples;
	uint64_t batches;	/* how many pieces the samples came in */
	uint64_t errors;	/* pattern discontinuities (0: none lost) */
	uint64_t wait_ns;	/* mmap-spin: time spun on an empty ring */
	uint64_t next_clock;	/* samples at which to read the clock next */
	double cons_busy;	/* consumer CPU / wall, spinning excluded */
};

static uint64_t now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ULL + (uint64_t)ts.tv_nsec;
}

static uint64_t thread_cpu_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ULL + (uint64_t)ts.tv_nsec;
}

static int cmp_u64(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;

	return (x > y) - (x < y);
}

/* The simulator's producer kthread, "smtj-sim/0"; 0 if not found. */
static int producer_pid(void)
{
	DIR *d = opendir("/proc");
	struct dirent *e;
	int pid = 0;

	while (d && !pid && (e = readdir(d))) {
		char path[300], comm[64] = "";
		FILE *f;

		if (e->d_name[0] < '1' || e->d_name[0] > '9')
			continue;
		snprintf(path, sizeof(path), "/proc/%s/comm", e->d_name);
		f = fopen(path, "r");
		if (!f)
			continue;
		if (fgets(comm, sizeof(comm), f) && !strcmp(comm, "smtj-sim/0\n"))
			pid = atoi(e->d_name);
		fclose(f);
	}
	if (d)
		closedir(d);
	return pid;
}

/*
 * With two CPUs or more, one for each side: the producer kthread on CPU 0,
 * this consumer on CPU 1 (a spinning consumer sharing a CPU with the
 * producer would measure the scheduler).  Returns 1 if both are pinned.
 */
static int pin(int pid)
{
	cpu_set_t c0, c1;

	if (pid <= 0 || sysconf(_SC_NPROCESSORS_ONLN) < 2)
		return 0;
	CPU_ZERO(&c0);
	CPU_ZERO(&c1);
	CPU_SET(0, &c0);
	CPU_SET(1, &c1);
	return !sched_setaffinity(pid, sizeof(c0), &c0) &&
	       !sched_setaffinity(0, sizeof(c1), &c1);
}

/*
 * Task @pid so far: CPU time and time runnable but waiting for a CPU (ns,
 * schedstat), and how often it went to sleep (voluntary switches: the
 * producer sleeps when the ring is full, or throttled).  -1: unknown.
 */
static int64_t task_cpu_ns(int pid, int64_t *queued, int64_t *sleeps)
{
	unsigned long long ns, q;
	char path[64], line[128];
	FILE *f;
	int ok;

	*queued = *sleeps = -1;
	if (pid <= 0)
		return -1;
	snprintf(path, sizeof(path), "/proc/%d/schedstat", pid);
	f = fopen(path, "r");
	if (!f)
		return -1;
	ok = fscanf(f, "%llu %llu", &ns, &q) == 2;
	fclose(f);
	if (!ok)
		return -1;
	*queued = (int64_t)q;
	snprintf(path, sizeof(path), "/proc/%d/status", pid);
	f = fopen(path, "r");
	while (f && fgets(line, sizeof(line), f))
		if (sscanf(line, "voluntary_ctxt_switches: %llu", &q) == 1)
			*sleeps = (int64_t)q;
	if (f)
		fclose(f);
	return (int64_t)ns;
}

/*
 * The consumer's work, the same for every transport: read every sample
 * (summed as 64-bit words, the cheapest loop that touches all of them) and
 * check that each batch continues the pattern (first sample follows the
 * previous batch's last, last = first + n - 1): a lost or repeated sample
 * breaks it.
 */
struct checker {
	uint16_t next;
	int started;
	uint64_t errors;
	uint64_t sum;
};

static void check(struct checker *c, const uint16_t *d, size_t n)
{
	uint64_t sum = 0, w;
	size_t i;

	if (!n)
		return;
	if (c->started && d[0] != c->next)
		c->errors++;
	if ((uint16_t)(d[0] + n - 1) != d[n - 1])
		c->errors++;
	c->started = 1;
	c->next = (uint16_t)(d[n - 1] + 1);
	for (i = 0; i + 4 <= n; i += 4) {
		memcpy(&w, d + i, sizeof(w));
		sum += w;
	}
	for (; i < n; i++)
		sum += d[i];
	c->sum += sum;
}

static int configure(struct smtj_dev *dev, uint32_t flags, uint32_t rate,
		     size_t batch, struct smtj_err *err)
{
	struct smtj_sim_config cfg;
	int ret;

	smtj_sim_default_config(&cfg);
	cfg.flags = flags;
	cfg.rate_hz = rate;
	ret = smtj_dev_set_sim(dev, &cfg, err);
	if (!ret)
		ret = smtj_dev_set_consumer(dev, RING, (uint32_t)batch, err);
	return ret;
}

/* Start and end of a measurement: clocks and the device's counter. */
struct mark {
	uint64_t t, cpu, produced;
	int64_t prod_cpu, prod_queued, prod_sleeps;
};

static int mark(struct smtj_dev *dev, int pid, struct mark *m,
		struct smtj_err *err)
{
	struct smtj_info info;
	int ret = smtj_dev_info(dev, &info, err);

	m->t = now_ns();
	m->cpu = thread_cpu_ns();
	m->prod_cpu = task_cpu_ns(pid, &m->prod_queued, &m->prod_sleeps);
	m->produced = info.produced;
	return ret;
}

/* End of a measurement: the figures of @r from marks @a and now. */
static int finish(struct smtj_dev *dev, int pid, struct run *r,
		  const struct mark *a, const struct checker *c,
		  struct smtj_err *err)
{
	struct mark b;
	double wall;
	int ret = mark(dev, pid, &b, err);

	if (ret)
		return ret;
	wall = (double)(b.t - a->t);
	r->sps = r->samples * 1e9 / wall;
	r->produced_ps = (double)(b.produced - a->produced) * 1e9 / wall;
	r->cons_cpu = (double)(b.cpu - a->cpu) / wall;
	r->cons_busy = r->cons_cpu - (double)r->wait_ns / wall;
	r->prod_cpu = a->prod_cpu < 0 || b.prod_cpu < 0 ? -1 :
		      (double)(b.prod_cpu - a->prod_cpu) / wall;
	r->prod_queued = a->prod_cpu < 0 || b.prod_cpu < 0 ? -1 :
			 (double)(b.prod_queued - a->prod_queued) / wall;
	r->prod_sleeps_ps = a->prod_sleeps < 0 || b.prod_sleeps < 0 ? -1 :
			    (double)(b.prod_sleeps - a->prod_sleeps) * 1e9 / wall;
	r->errors = c->errors;
	return 0;
}

/* Time is up (the clock is read about every 64 Ki samples, not per batch). */
static int over(struct run *r, const struct mark *a)
{
	if (r->samples < r->next_clock)
		return 0;
	r->next_clock = r->samples + 65536;
	return now_ns() - a->t >= RUN_NS;
}

/*
 * One consumer of any kind, one batch at a time: libsmtj's streams, the
 * plain read() loop or the spinning reader of the mapped ring.
 */
struct consumer {
	enum bench_tr tr;
	size_t batch;
	struct smtj_dev *dev;
	struct smtj_stream *st;
	uint16_t *buf;				/* read-raw */
	struct smtj_ring_header *h;		/* mmap-spin */
	const uint16_t *data;
	size_t data_size;
	uint64_t cons, mask;
	unsigned int idle;
	struct checker c;
	uint64_t samples, batches;
	uint64_t wait_ns;			/* mmap-spin: spun on too few */
};

static void consumer_close(struct consumer *k)
{
	if (k->data && k->data != MAP_FAILED)
		munmap((void *)k->data, k->data_size);
	if (k->h && k->h != MAP_FAILED)
		munmap(k->h, 4096);
	free(k->buf);
	smtj_stream_close(k->st);
	smtj_dev_close(k->dev);
}

/* A new file of device 0, simulator unthrottled in pattern mode. */
static int consumer_open(struct consumer *k, enum bench_tr tr, size_t batch,
			 struct smtj_err *err)
{
	struct smtj_stream_opts o = { .transport = tr_lib[tr], .batch = batch,
					.depth = tr_depth(tr) };
	struct smtj_info info;
	int ret;

	memset(k, 0, sizeof(*k));
	k->tr = tr;
	k->batch = batch;
	ret = smtj_dev_open(&k->dev, "0", 0, err);
	if (!ret)
		ret = configure(k->dev, SMTJ_SIM_F_UNTHROTTLED | SMTJ_SIM_F_PATTERN,
				RATE, batch, err);
	if (ret)
		return ret;
	if (tr == B_READ_RAW) {
		k->buf = malloc(batch * sizeof(*k->buf));
		return k->buf ? 0 : smtj_seterr(err, -ENOMEM, "out of memory");
	}
	if (tr != B_MMAP_SPIN)
		return smtj_stream_open(&k->st, k->dev, &o, err);
	ret = smtj_dev_info(k->dev, &info, err);
	if (ret)
		return ret;
	k->data_size = info.ring_data_size;
	k->h = mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_SHARED,
		    smtj_dev_fd(k->dev), 0);
	if (k->h != MAP_FAILED)
		k->data = mmap(NULL, k->data_size, PROT_READ, MAP_SHARED,
			       smtj_dev_fd(k->dev), info.ring_data_offset);
	if (k->h == MAP_FAILED || k->data == MAP_FAILED)
		return smtj_seterr(err, -errno, "mmap: %s", strerror(errno));
	k->cons = __atomic_load_n(&k->h->consumer, __ATOMIC_RELAXED);
	k->mask = k->h->nr_samples - 1;
	return 0;
}

/*
 * The spinning reader: wait for a whole batch on the load-acquired
 * producer index (until @deadline: -ETIME), check it in place,
 * store-release the consumer index.  No system call at all.
 */
static int spin_take(struct consumer *k, uint64_t deadline)
{
	uint64_t wait_from = 0;
	size_t pos, first;

	for (;;) {
		uint64_t prod = __atomic_load_n(&k->h->producer, __ATOMIC_ACQUIRE);
		uint64_t t;

		if (prod - k->cons >= k->batch)
			break;
		t = now_ns();
		if (!wait_from)
			wait_from = t;
		/* one vCPU for both sides: let the producer run */
		if (++k->idle % 256 == 0)
			sched_yield();
		if (t >= deadline) {
			k->wait_ns += t - wait_from;
			return -ETIME;
		}
	}
	if (wait_from)
		k->wait_ns += now_ns() - wait_from;
	pos = k->cons & k->mask;
	first = k->batch < k->mask + 1 - pos ? k->batch : k->mask + 1 - pos;
	check(&k->c, k->data + pos, first);
	check(&k->c, k->data, k->batch - first);
	k->cons += k->batch;
	k->samples += k->batch;
	k->batches++;
	/* pairs with the kernel's load-acquire of consumer */
	__atomic_store_n(&k->h->consumer, k->cons, __ATOMIC_RELEASE);
	return 0;
}

/* One batch, checked and given back: 0, -ETIME (mmap-spin), or an error. */
static int consumer_take(struct consumer *k, uint64_t deadline,
			 struct smtj_err *err)
{
	struct smtj_batch bt;
	ssize_t got;
	int ret;

	switch (k->tr) {
	case B_MMAP_SPIN:
		return spin_take(k, deadline);
	case B_READ_RAW:
		got = read(smtj_dev_fd(k->dev), k->buf, k->batch * sizeof(*k->buf));
		if (got <= 0)
			return smtj_seterr(err, got ? -errno : -ENODEV, "read: %s",
					   got ? strerror(errno) : "end of stream");
		check(&k->c, k->buf, (size_t)got / 2);
		k->samples += (size_t)got / 2;
		break;
	default:
		ret = smtj_stream_next(k->st, &bt, err);
		if (ret)
			return ret;
		check(&k->c, bt.data, bt.n);
		k->samples += bt.n;
		smtj_stream_release(k->st, &bt);
		break;
	}
	k->batches++;
	return 0;
}

/*
 * Streaming: producer and consumer at once for RUN_NS; the rate is that
 * of the slower side.
 */
static int run_stream(enum bench_tr tr, size_t batch, int pid, struct run *r,
		      struct smtj_err *err)
{
	struct consumer k;
	struct mark a;
	int ret = consumer_open(&k, tr, batch, err);

	if (!ret)
		ret = mark(k.dev, pid, &a, err);
	while (!ret) {
		ret = consumer_take(&k, a.t + RUN_NS, err);
		r->samples = k.samples;
		if (ret == -ETIME || over(r, &a)) {
			ret = 0;
			break;
		}
	}
	r->batches = k.batches;
	r->wait_ns = k.wait_ns;
	if (!ret)
		ret = finish(k.dev, pid, r, &a, &k.c, err);
	consumer_close(&k);
	return ret;
}

/*
 * Wait until the unthrottled producer stops: it produces while the ring
 * has room, so a device counter that stands still for a few milliseconds
 * means a full ring (a producer that the host deschedules for that long
 * gives a ring not quite full, and the consumer a short wait).
 */
static int wait_full(struct smtj_dev *dev, struct smtj_err *err)
{
	struct timespec ms = { 0, 1000000 };
	uint64_t last = UINT64_MAX;
	int still = 0;

	for (int i = 0; i < 2000 && still < 3; i++) {
		struct smtj_info info;
		int ret = smtj_dev_info(dev, &info, err);

		if (ret)
			return ret;
		still = info.produced == last ? still + 1 : 0;
		last = info.produced;
		nanosleep(&ms, NULL);
	}
	return 0;
}

/*
 * Consumer-bound: let the producer fill the ring (RING samples), then
 * time the consumer taking those samples, all there when it starts: it
 * never waits for the producer, so the rate is the consumer's own (the
 * producer refills behind it, as it does when streaming).  One drain of
 * DRAIN_NS (or RING - batch samples), on a new file: the drains of the
 * transports alternate (main()), a few milliseconds apart, so that the
 * ratio of neighbours sees the same host load.  The drains are equally
 * long, whatever the consumer's speed, so that the host descheduling a
 * vCPU (for milliseconds, at random) hits every consumer's drains alike;
 * the median drain is one that it did not hit.
 */
static int run_drain(enum bench_tr tr, size_t batch, struct run *r,
		     struct smtj_err *err)
{
	struct consumer k;
	uint64_t t0 = 0, c0 = 0, until;
	int ret = consumer_open(&k, tr, batch, err);

	if (!ret)
		ret = wait_full(k.dev, err);
	if (!ret) {
		/* the clock every 16 Ki samples, not every batch */
		uint64_t every = (16384 + batch - 1) / batch;

		until = k.samples + RING - batch;
		t0 = now_ns();
		c0 = thread_cpu_ns();
		while (!ret && k.samples < until &&
		       (k.batches % every || now_ns() - t0 < DRAIN_NS))
			ret = consumer_take(&k, t0 + 10 * RUN_NS, err);
	}
	if (ret == -ETIME)
		ret = smtj_seterr(err, -ETIME, "drain: no full batch for %llu ms",
				  10 * RUN_NS / 1000000);
	if (!ret && k.c.errors)
		ret = smtj_seterr(err, -EPROTO, "drain: %llu pattern breaks",
				  (unsigned long long)k.c.errors);
	if (!ret) {
		uint64_t wall = now_ns() - t0;

		r->samples = k.samples;
		r->batches = k.batches;
		r->sps = wall ? k.samples * 1e9 / wall : 0;
		r->cons_cpu = wall ? (double)(thread_cpu_ns() - c0) / wall : 0;
		r->cons_busy = r->cons_cpu;
		r->prod_cpu = -1;
	}
	consumer_close(&k);
	return ret;
}

/*
 * Ceilings: memcpy ring -> batch buffer (bytes/s), and check() alone
 * (samples/s).  The clock is read every 64 Ki samples, not per batch.
 */
static void ceilings(size_t batch, double *copy_bps, double *check_sps)
{
	const size_t src_bytes = RING * sizeof(uint16_t);
	uint16_t *src = malloc(src_bytes), *dst = malloc(batch * sizeof(uint16_t));
	size_t reps = batch < 65536 ? 65536 / batch : 1;
	struct checker c = { 0 };
	uint64_t t0, t, n = 0;
	size_t off = 0;

	*copy_bps = *check_sps = 0;
	if (!src || !dst)
		goto out;
	for (size_t i = 0; i < RING; i++)
		src[i] = (uint16_t)i;
	t0 = now_ns();
	do {
		for (size_t k = 0; k < reps; k++) {
			memcpy(dst, src + off, batch * sizeof(uint16_t));
			__asm__ volatile("" : : "r"(dst) : "memory");
			off = (off + batch) % RING;
		}
		n += reps * batch;
		t = now_ns() - t0;
	} while (t < RUN_NS / 2);
	*copy_bps = n * sizeof(uint16_t) * 1e9 / t;
	n = off = 0;
	t0 = now_ns();
	do {
		for (size_t k = 0; k < reps; k++) {
			check(&c, src + off, batch);
			__asm__ volatile("" : : "r"(&c) : "memory");
			off = (off + batch) % RING;
		}
		n += reps * batch;
		t = now_ns() - t0;
	} while (t < RUN_NS / 2);
	*check_sps = n * 1e9 / t;
out:
	free(src);
	free(dst);
}

/*
 * A userspace model of the simulator's data work per 4096-sample step in
 * pattern mode, to size the kernel-side fix: (a) as smtj_model_fill() and
 * smtj_core_push() do it now: the pattern loop (the kernel's build reloads
 * the model's index from memory for every sample: -fno-strict-aliasing)
 * into a bounce buffer, then memcpy into an 8 MiB ring; (b) one memcpy from
 * a table of one period (0..65535) into the ring.  Samples/s of each.
 */
static void producer_model(double *fill_copy_sps, double *table_copy_sps)
{
	const size_t step = 4096;
	uint16_t *ring = malloc(RING * sizeof(uint16_t));
	uint16_t *table = malloc((65536 + step) * sizeof(uint16_t));
	uint16_t *bounce = malloc(step * sizeof(uint16_t));
	volatile uint64_t index = 0;
	uint64_t t0, t, n = 0;
	double v[2][3];

	*fill_copy_sps = *table_copy_sps = 0;
	if (!ring || !table || !bounce)
		goto out;
	for (size_t i = 0; i < 65536 + step; i++)
		table[i] = (uint16_t)i;
	/* three alternating rounds of each way (the host's load changes):
	 * the median of each */
	for (int round = 0; round < 6; round++) {
		int way = round & 1;

		n = 0;
		t0 = now_ns();
		do {
			for (int k = 0; k < 16; k++, n += step) {
				const uint16_t *from = bounce;

				if (way) {
					from = table + (n & 0xffff);
				} else {
					for (size_t i = 0; i < step; i++)
						bounce[i] = (uint16_t)(index + i);
					index += step;
				}
				memcpy(ring + (n & (RING - 1)), from, step * sizeof(uint16_t));
				__asm__ volatile("" : : "r"(ring) : "memory");
			}
			t = now_ns() - t0;
		} while (t < RUN_NS / 4);
		v[way][round / 2] = n * 1e9 / t;
	}
	for (int way = 0; way < 2; way++) {
		double lo = v[way][0] < v[way][1] ? v[way][0] : v[way][1];
		double hi = v[way][0] < v[way][1] ? v[way][1] : v[way][0];
		double m = v[way][2] < lo ? lo : v[way][2] > hi ? hi : v[way][2];

		*(way ? table_copy_sps : fill_copy_sps) = m;
	}
out:
	free(ring);
	free(table);
	free(bounce);
}

/*
 * Samples per second of the consumer's busy CPU time.  Busy excludes the
 * spinning reader's wait on an empty ring, but not libsmtj's mmap watch of
 * the producer index (inside the library): a per-result figure only; the
 * consumer-bound runs compare the consumers' own rates.
 */
static double capacity(const struct run *r)
{
	return r->cons_busy > 0 ? r->sps / r->cons_busy : 0;
}

/* Samples per second of the consumer's CPU time, waiting included. */
static double per_cpu(const struct run *r)
{
	return r->cons_cpu > 0 ? r->sps / r->cons_cpu : 0;
}

/*
 * The side that is busier (producer kthread CPU share against the
 * consumer's, its spinning on an empty ring excluded), if either is.
 */
static const char *bottleneck(const struct run *r)
{
	double busy = r->prod_cpu > r->cons_busy ? r->prod_cpu : r->cons_busy;

	if (busy < 0.6)
		return "neither (waiting: wakeups, scheduling)";
	return r->prod_cpu > r->cons_busy ? "producer" : "consumer";
}

/* Latencies (ns) of the newest sample of each batch. */
static int latency(enum bench_tr tr, size_t batch, uint64_t *p50,
		   uint64_t *p99, size_t *count, struct smtj_err *err)
{
	struct smtj_stream_opts o = { .transport = tr_lib[tr], .batch = batch,
					.depth = tr_depth(tr) };
	struct smtj_stream *st = NULL;
	struct smtj_dev *dev = NULL;
	struct smtj_ring_header *h2 = MAP_FAILED;
	uint64_t lat[4096], k = 0, t_end;
	size_t n = 0;
	int fd2 = -1, first = 1;
	int ret = smtj_dev_open(&dev, "0", 0, err);

	if (!ret)
		ret = configure(dev, SMTJ_SIM_F_PATTERN, RATE, batch, err);
	if (!ret)
		ret = smtj_stream_open(&st, dev, &o, err);
	if (!ret) {
		/* the clock reference: a second consumer's ring header */
		fd2 = open("/dev/smtj0", O_RDWR | O_CLOEXEC);
		h2 = fd2 < 0 ? MAP_FAILED :
		     mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_SHARED, fd2, 0);
		if (h2 == MAP_FAILED) {
			ret = -errno;
			snprintf(err->msg, sizeof(err->msg), "reference consumer: %s",
				 strerror(errno));
		}
	}
	t_end = now_ns() + 500000000ULL;
	while (!ret && n < 4096 && now_ns() < t_end) {
		struct smtj_ring_snapshot snap;
		struct smtj_batch b;
		uint64_t arrive, idx, tn, t0, kn;

		ret = smtj_stream_next(st, &b, err);
		if (ret)
			break;
		arrive = now_ns();
		/*
		 * Unwrap the pattern: k advances by the 16-bit difference,
		 * which is unambiguous between samples less than 2^16 indices
		 * apart: look at one sample per chunk (the other file's chunks
		 * in between are at most as long).
		 */
		for (size_t i = 0;; i = i + CHUNK < b.n - 1 ? i + CHUNK : b.n - 1) {
			k = first ? b.data[i] : k + (uint16_t)(b.data[i] - (uint16_t)k);
			first = 0;
			if (i == b.n - 1)
				break;
		}
		kn = k;
		smtj_stream_release(st, &b);
		/* keep the reference consumer drained, read its stamp */
		if (smtj_ring_snapshot(h2, &snap)) {
			ret = -EPROTO;
			snprintf(err->msg, sizeof(err->msg),
				 "reference consumer: ring header sequence stuck");
			break;
		}
		idx = snap.newest_index;
		tn = snap.newest_time_ns;
		__atomic_store_n(&h2->consumer, snap.producer, __ATOMIC_RELEASE);
		if (!tn)
			continue;
		t0 = tn - idx * (1000000000ULL / RATE);
		if (arrive > t0 + kn * (1000000000ULL / RATE))
			lat[n++] = arrive - t0 - kn * (1000000000ULL / RATE);
	}
	if (h2 != MAP_FAILED)
		munmap(h2, 4096);
	if (fd2 >= 0)
		close(fd2);
	smtj_stream_close(st);
	smtj_dev_close(dev);
	if (ret)
		return ret;
	if (!n)
		return -ENODATA;
	qsort(lat, n, sizeof(lat[0]), cmp_u64);
	*p50 = lat[n / 2];
	*p99 = lat[n * 99 / 100];
	*count = n;
	return 0;
}

/* The median of @n values (sorted in place); 0 if none. */
static double median(double *v, int n)
{
	for (int k = 1; k < n; k++)
		for (int l = k; l > 0 && v[l] < v[l - 1]; l--) {
			double t = v[l];

			v[l] = v[l - 1];
			v[l - 1] = t;
		}
	return n ? v[n / 2] : 0;
}

/* The upper quartile of @n values (sorted in place); 0 if none. */
static double upper_quartile(double *v, int n)
{
	median(v, n);
	return n ? v[3 * n / 4] : 0;
}

/* What round_ratio() compares. */
enum measure { M_SPS, M_PER_CPU };

/*
 * Transport @a against @b at batch @j, of samples/s or of samples per
 * consumer CPU second (@cap: enum measure), over @nr runs: streaming
 * (@nr == ROUNDS), the median of the rounds' ratios (the runs of a round
 * are close in time); consumer-bound drains, the ratio of the upper
 * quartiles.  The host descheduling a vCPU only ever slows a drain, and
 * on a loaded host it hits half of them or more: a median or a ratio of
 * neighbours then compares hit drains with clean ones, the upper quartile
 * compares clean ones as long as a quarter are.
 */
static double round_ratio(struct run all[][NT][NB], int nr, int a, int b,
			  int j, int cap)
{
	double v[ROUNDS * DRAINS], va[ROUNDS * DRAINS], vb[ROUNDS * DRAINS];
	int n = 0, na = 0, nb = 0;
	double ma, mb;

	for (int k = 0; k < nr; k++) {
		const struct run *ra = &all[k][a][j], *rb = &all[k][b][j];
		double x = cap == M_PER_CPU ? per_cpu(ra) : ra->sps;
		double y = cap == M_PER_CPU ? per_cpu(rb) : rb->sps;

		if (x > 0)
			va[na++] = x;
		if (y > 0)
			vb[nb++] = y;
		if (x > 0 && y > 0)
			v[n++] = x / y;
	}
	if (nr == ROUNDS)
		return median(v, n);
	ma = upper_quartile(va, na);
	mb = upper_quartile(vb, nb);
	return ma > 0 && mb > 0 ? ma / mb : 0;
}

/* ,"a/b":ratio as a JSON member, if there is one; *@sep goes first */
static void print_ratio(struct run all[][NT][NB], int nr, const char *na,
			const char *nb, int a, int b, int j, int cap,
			const char **sep)
{
	double r = round_ratio(all, nr, a, b, j, cap);

	if (r > 0) {
		printf("%s\"%s/%s\":%.3f", *sep, na, nb, r);
		*sep = ",";
	}
}

int main(void)
{
	static struct run res[NT][NB], all[ROUNDS][NT][NB];
	static struct run drain[ROUNDS * DRAINS][NT][NB];
	static struct smtj_err msg[NT][NB];
	static int rc[NT][NB];
	double copy_bps[NB], check_sps[NB];
	int pt = 0, failed = 0, pid, pinned = 1;

	printf("1..%d\n", 1 + NT * NB + 1);
	if (getenv("SMTJ_PLAN_ONLY"))
		return 0;
	for (int j = 0; j < NB; j++)
		ceilings(batches[j], &copy_bps[j], &check_sps[j]);
	printf("ok %d - ceilings: memcpy and pattern check in this VM\n", ++pt);
	printf("# json-top: \"memcpy_ceiling\": {\"source_bytes\":%zu,\"by_batch\":[",
	       RING * sizeof(uint16_t));
	for (int j = 0; j < NB; j++)
		printf("%s{\"batch\":%zu,\"batch_bytes\":%zu,\"bytes_per_second\":%.4g,"
		       "\"samples16_per_second\":%.4g,\"check_only_samples_per_second\":%.4g}",
		       j ? "," : "", batches[j], batches[j] * 2, copy_bps[j],
		       copy_bps[j] / 2, check_sps[j]);
	printf("]}\n");
	{
		double fc, tc;

		producer_model(&fc, &tc);
		printf("# json-top: \"producer_data_work_model\": {\"step\":4096,"
		       "\"pattern_loop_then_memcpy_samples_per_second\":%.4g,"
		       "\"memcpy_from_period_table_samples_per_second\":%.4g}\n", fc, tc);
	}

	/* in each round, the transports back to back at one batch size: the
	 * ratios of a round compare runs close in time */
	for (int k = 0; k < ROUNDS; k++)
		for (int j = 0; j < NB; j++)
			for (int i = 0; i < NT; i++) {
				struct smtj_err e = { 0 };
				struct run *r = &all[k][i][j];

				pid = producer_pid();
				pinned &= pin(pid);
				rc[i][j] = rc[i][j] ? rc[i][j] :
					   run_stream(i, batches[j], pid, r, &e);
				if (!rc[i][j] && r->errors)
					rc[i][j] = smtj_seterr(&e, -EPROTO, "%llu pattern breaks",
							     (unsigned long long)r->errors);
				if (rc[i][j] && !msg[i][j].code)
					msg[i][j] = e;
			}
	/* consumer-bound: the transports' drains alternate */
	for (int k = 0; k < ROUNDS * DRAINS; k++)
		for (int j = 0; j < NB; j++)
			for (int i = 0; i < NT; i++) {
				struct smtj_err e = { 0 };

				rc[i][j] = rc[i][j] ? rc[i][j] :
					   run_drain(i, batches[j], &drain[k][i][j], &e);
				if (rc[i][j] && !msg[i][j].code)
					msg[i][j] = e;
			}
	for (int i = 0; i < NT; i++) {
		for (int j = 0; j < NB; j++) {
			struct run *r = &res[i][j];
			struct smtj_err err = msg[i][j];
			uint64_t p50 = 0, p99 = 0;
			size_t cnt = 0;
			int ret = rc[i][j];
			struct run *m[ROUNDS];
			double dv[ROUNDS * DRAINS], dc[ROUNDS * DRAINS];

			for (int k = 0; k < ROUNDS; k++)
				m[k] = &all[k][i][j];
			for (int k = 1; k < ROUNDS; k++)
				for (int l = k; l > 0 && m[l]->sps < m[l - 1]->sps; l--) {
					struct run *t = m[l];

					m[l] = m[l - 1];
					m[l - 1] = t;
				}
			*r = *m[ROUNDS / 2];
			if (!ret && i < B_READ_RAW)
				ret = latency(i, batches[j], &p50, &p99, &cnt, &err);
			if (ret)
				r->sps = 0;
			printf("%sok %d - %s batch %zu%s%s\n", ret ? "not " : "", ++pt,
			       tr_name[i], batches[j], ret ? ": " : "", ret ? err.msg : "");
			failed |= ret != 0;
			if (ret)
				continue;
			printf("# json: {\"transport\":\"%s\",\"batch\":%zu,\"batch_bytes\":%zu,"
			       "\"samples_per_second\":%.4g,\"of_memcpy_ceiling\":%.3f,"
			       "\"producer\":{\"produced_per_second\":%.4g,\"cpu_share\":%.3f,"
			       "\"samples_per_cpu_second\":%.4g,\"runnable_waiting_share\":%.3f,"
			       "\"sleeps_per_second\":%.4g},"
			       "\"consumer\":{\"cpu_share\":%.3f,\"busy_share\":%.3f,"
			       "\"samples_per_busy_cpu_second\":%.4g,\"samples_per_cpu_second\":%.4g,"
			       "\"samples_per_batch\":%.4g},"
			       "\"bottleneck\":\"%s\",\"rounds\":[",
			       tr_name[i], batches[j], batches[j] * 2, r->sps,
			       r->sps / (copy_bps[j] / 2), r->produced_ps, r->prod_cpu,
			       r->prod_cpu > 0 ? r->produced_ps / r->prod_cpu : 0,
			       r->prod_queued, r->prod_sleeps_ps,
			       r->cons_cpu, r->cons_busy,
			       capacity(r), per_cpu(r),
			       r->batches ? (double)r->samples / r->batches : 0,
			       bottleneck(r));
			for (int k = 0; k < ROUNDS; k++)
				printf("%s%.4g", k ? "," : "", all[k][i][j].sps);
			printf("]");
			for (int k = 0; k < ROUNDS * DRAINS; k++) {
				dv[k] = drain[k][i][j].sps;
				dc[k] = per_cpu(&drain[k][i][j]);
			}
			printf(",\"consumer_bound\":{\"samples_per_second\":%.4g,"
			       "\"samples_per_cpu_second\":%.4g,\"median\":%.4g,\"drains\":[",
			       upper_quartile(dv, ROUNDS * DRAINS),
			       upper_quartile(dc, ROUNDS * DRAINS), median(dv, ROUNDS * DRAINS));
			for (int k = 0; k < ROUNDS * DRAINS; k++)
				printf("%s%.4g", k ? "," : "", drain[k][i][j].sps);
			printf("]}");
			if (i < B_READ_RAW)
				printf(",\"latency_ns\":{\"p50\":%llu,\"p99\":%llu,\"batches\":%zu,\"rate_hz\":%u}",
				       (unsigned long long)p50, (unsigned long long)p99, cnt, RATE);
			printf("}\n");
		}
	}

	/* ratios at equal batch size: the median of the rounds' ratios */
	printf("ok %d - ratios\n", ++pt);
	printf("# json-top: \"ratios\": [");
	for (int j = 0; j < NB; j++) {
		const char *sep = ",";

		printf("%s{\"batch\":%zu,\"batch_bytes\":%zu", j ? "," : "",
		       batches[j], batches[j] * 2);
		for (int i = 0; i < NT; i++)
			if (i != B_READ)
				print_ratio(all, ROUNDS, tr_name[i], "read", i, B_READ, j, M_SPS, &sep);
		print_ratio(all, ROUNDS, "uring", "read-raw", B_URING, B_READ_RAW, j, M_SPS, &sep);
		print_ratio(all, ROUNDS, "mmap-spin", "read-raw", B_MMAP_SPIN, B_READ_RAW, j, M_SPS,
			    &sep);
		print_ratio(all, ROUNDS, "mmap", "mmap-spin", B_MMAP, B_MMAP_SPIN, j, M_SPS, &sep);
		/* each consumer on a full ring: its own rate, not the producer's */
		printf(",\"consumer_bound\":{");
		sep = "";
		for (int i = 0; i < NT; i++)
			if (i != B_READ)
				print_ratio(drain, ROUNDS * DRAINS, tr_name[i], "read", i, B_READ, j, M_SPS,
					    &sep);
		print_ratio(drain, ROUNDS * DRAINS, "mmap", "mmap-spin", B_MMAP, B_MMAP_SPIN, j, M_SPS,
			    &sep);
		/* the same per second of the consumer's CPU time */
		printf("},\"consumer_bound_per_cpu_second\":{");
		sep = "";
		print_ratio(drain, ROUNDS * DRAINS, "mmap", "read", B_MMAP, B_READ, j, M_PER_CPU, &sep);
		print_ratio(drain, ROUNDS * DRAINS, "uring", "read", B_URING, B_READ, j, M_PER_CPU, &sep);
		print_ratio(drain, ROUNDS * DRAINS, "uring-d4", "read", B_URING_D4, B_READ, j,
			    M_PER_CPU, &sep);
		print_ratio(drain, ROUNDS * DRAINS, "mmap", "mmap-spin", B_MMAP, B_MMAP_SPIN, j, M_PER_CPU,
			    &sep);
		/* streaming, samples per consumer CPU second, waiting included */
		printf("},\"streaming_per_cpu_second\":{");
		sep = "";
		print_ratio(all, ROUNDS, "mmap", "mmap-spin", B_MMAP, B_MMAP_SPIN, j, M_PER_CPU,
			    &sep);
		print_ratio(all, ROUNDS, "mmap", "read", B_MMAP, B_READ, j, M_PER_CPU, &sep);
		printf("}}");
	}
	printf("]\n");
	printf("# json-top: \"uring_depth\": %d\n", URING_DEPTH);
	printf("# json-top: \"pinned\": %s\n", pinned ? "\"producer kthread on CPU 0, consumer on CPU 1\"" : "false");
	/* the producer alone: samples per second of its own CPU time */
	{
		double v[NT * NB];
		int n = 0;

		for (int i = 0; i < NT; i++)
			for (int j = 0; j < NB; j++)
				if (res[i][j].prod_cpu > 0 && res[i][j].sps > 0)
					v[n++] = res[i][j].produced_ps / res[i][j].prod_cpu;
		double mid = median(v, n);

		printf("# json-top: \"producer_samples_per_cpu_second\": {\"median\":%.4g,\"min\":%.4g,\"max\":%.4g}\n",
		       mid, n ? v[0] : 0, n ? v[n - 1] : 0);
	}
	/* the goals, at 4 KiB batches (2048 samples): figures, not tests */
	printf("# json-top: \"goals_at_4KiB\": {");
	for (int g = 0; g < 2; g++) {
		struct run (*w)[NT][NB] = g ? all : drain;
		int nr = g ? ROUNDS : ROUNDS * DRAINS;
		double mr = round_ratio(w, nr, B_MMAP, B_READ, 1, M_SPS);
		double ms = round_ratio(w, nr, B_MMAP, B_MMAP_SPIN, 1, M_SPS);
		double ur = round_ratio(w, nr, B_URING, B_READ, 1, M_SPS);
		double u4 = round_ratio(w, nr, B_URING_D4, B_READ, 1, M_SPS);

		printf("%s\"%s\":{\"mmap/read\":%.3f,\"mmap_ge_3x_read\":%s,"
		       "\"mmap/mmap-spin\":%.3f,\"mmap_ge_0.8x_mmap-spin\":%s,"
		       "\"uring/read\":%.3f,\"uring_ge_1.2x_read\":%s,"
		       "\"uring-d4/read\":%.3f,\"uring-d4_ge_1.2x_read\":%s}",
		       g ? "," : "", g ? "streaming" : "consumer_bound",
		       mr, mr >= 3 ? "true" : "false", ms, ms >= 0.8 ? "true" : "false",
		       ur, ur >= 1.2 ? "true" : "false", u4, u4 >= 1.2 ? "true" : "false");
	}
	printf("}\n");
	return failed;
}
