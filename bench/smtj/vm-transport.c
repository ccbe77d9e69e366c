// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Transport benchmark, run inside the test VM against smtj.ko
 * (sim_devices=1): for each transport and batch size,
 *  - samples/s with the simulator unthrottled (produce as fast as read);
 *  - latency from a sample's production time to its arrival in the
 *    consumer (p50, p99) at 1 MHz throttled, pattern mode.
 * Production times: the simulator stamps sample k at t0 + k / rate; a
 * second file's mapped ring header (newest_index, newest_time_ns) gives
 * t0, and the pattern (k & 0xffff, unwrapped) gives k of each arriving
 * sample.  One TAP point per configuration; the figures are "# json:"
 * lines that bench/smtj/vm-bench.sh collects.  SMTJ_PLAN_ONLY: plan only.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <time.h>
#include <unistd.h>
#include "libsmtj.h"

#define NB 3
#define NT 3
#define RATE 1000000U

static const size_t batches[NB] = { 256, 4096, 65536 };
static const enum smtj_transport trs[NT] = { SMTJ_TR_READ, SMTJ_TR_MMAP, SMTJ_TR_URING };

static uint64_t now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ULL + (uint64_t)ts.tv_nsec;
}

static int cmp_u64(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;

	return (x > y) - (x < y);
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
		ret = smtj_dev_set_consumer(dev, 1U << 20, (uint32_t)batch, err);
	return ret;
}

static double throughput(enum smtj_transport tr, size_t batch, struct smtj_err *err)
{
	struct smtj_stream_opts o = { .transport = tr, .batch = batch, .depth = 4 };
	struct smtj_stream *st = NULL;
	struct smtj_dev *dev = NULL;
	uint64_t n = 0, t0, t;
	int ret = smtj_dev_open(&dev, "0", 0, err);

	if (!ret)
		ret = configure(dev, SMTJ_SIM_F_UNTHROTTLED, RATE, batch, err);
	if (!ret)
		ret = smtj_stream_open(&st, dev, &o, err);
	t0 = now_ns();
	do {
		struct smtj_batch b;

		if (ret || (ret = smtj_stream_next(st, &b, err)))
			break;
		n += b.n;
		smtj_stream_release(st, &b);
		t = now_ns() - t0;
	} while (t < 300000000ULL);
	smtj_stream_close(st);
	smtj_dev_close(dev);
	return ret ? -1 : n * 1e9 / t;
}

/* Latencies (ns) of the newest sample of each batch. */
static int latency(enum smtj_transport tr, size_t batch, uint64_t *p50,
		   uint64_t *p99, size_t *count, struct smtj_err *err)
{
	struct smtj_stream_opts o = { .transport = tr, .batch = batch, .depth = 4 };
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
		struct smtj_batch b;
		uint64_t arrive, idx, tn, t0, kn;

		ret = smtj_stream_next(st, &b, err);
		if (ret)
			break;
		arrive = now_ns();
		/* unwrap the pattern: k advances by the 16-bit difference */
		kn = first ? b.data[b.n - 1] :
		     k + (uint16_t)(b.data[b.n - 1] - (uint16_t)k);
		first = 0;
		k = kn;
		smtj_stream_release(st, &b);
		/* keep the reference consumer drained, read its stamp */
		idx = __atomic_load_n(&h2->newest_index, __ATOMIC_ACQUIRE);
		tn = h2->newest_time_ns;
		__atomic_store_n(&h2->consumer,
				 __atomic_load_n(&h2->producer, __ATOMIC_ACQUIRE),
				 __ATOMIC_RELEASE);
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

int main(void)
{
	int pt = 0, failed = 0;

	printf("1..%d\n", NB * NT);
	if (getenv("SMTJ_PLAN_ONLY"))
		return 0;
	for (int i = 0; i < NT; i++) {
		for (int j = 0; j < NB; j++) {
			struct smtj_err err = { 0 };
			uint64_t p50 = 0, p99 = 0;
			size_t cnt = 0;
			double sps = throughput(trs[i], batches[j], &err);
			int ret = sps < 0 ? err.code : latency(trs[i], batches[j], &p50, &p99, &cnt, &err);

			printf("%sok %d - %s batch %zu%s%s\n", ret ? "not " : "", ++pt,
			       smtj_transport_name(trs[i]), batches[j], ret ? ": " : "",
			       ret ? err.msg : "");
			failed |= ret != 0;
			if (!ret)
				printf("# json: {\"transport\":\"%s\",\"batch\":%zu,\"samples_per_second\":%.4g,"
				       "\"latency_ns\":{\"p50\":%llu,\"p99\":%llu,\"batches\":%zu,\"rate_hz\":%u}}\n",
				       smtj_transport_name(trs[i]), batches[j], sps,
				       (unsigned long long)p50, (unsigned long long)p99, cnt, RATE);
		}
	}
	return failed;
}
