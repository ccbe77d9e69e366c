// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Transports without a device: the mmap ring protocol on plain memory
 * (wrap, loss, a corrupt producer index), and the read() and io_uring
 * transports on a pipe fed by a thread (order, exact counts, end of
 * stream as an error).  The device itself is exercised in the VM.
 */
#include <errno.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "libsmtj.h"
#include "ring.h"
#include "smtj-test.h"
#include "../tap.h"

static void test_ring(struct tap *t)
{
	enum { N = 1024 };
	static struct smtj_ring_header h;
	static uint16_t data[N];
	struct smtj_ring_view v;
	const uint16_t *p;
	uint64_t lost, prod = 0, seen = 0;
	int ok = 1, wrapped = 0;

	memset(&h, 0, sizeof(h));
	h.magic = SMTJ_RING_MAGIC;
	h.nr_samples = N;
	h.consumer = 1000;	/* start near the end: the first span wraps */
	prod = 1000;
	h.producer = prod;
	smtj_ring_view_init(&v, &h, data);
	for (int round = 0; round < 50; round++) {
		/* produce 700 samples (k & 0xffff), or lose them if full */
		for (int i = 0; i < 700; i++) {
			if (prod - v.cons < N) {
				data[prod & (N - 1)] = (uint16_t)prod;
				prod++;
			} else {
				h.lost++;
			}
		}
		__atomic_store_n(&h.producer, prod, __ATOMIC_RELEASE);
		for (;;) {
			long n = smtj_ring_peek(&v, 300, &p, &lost);

			seen += lost;
			if (n <= 0) {
				ok &= n == 0;
				break;
			}
			ok &= p + n <= data + N;
			wrapped |= p == data && round > 0;
			for (long i = 0; i < n; i++)
				ok &= p[i] == (uint16_t)(v.cons + (uint64_t)i);
			smtj_ring_consume(&v, (size_t)n);
			ok &= h.consumer == v.cons;
			if (round % 3 == 0)
				break;	/* a slow consumer: the ring fills */
		}
	}
	tap_ok(t, ok, "ring spans are in order, never cross the end, consumer published");
	tap_ok(t, wrapped, "ring wraps");
	tap_ok(t, seen == h.lost && h.lost > 0, "ring losses reported (%llu of %llu)",
	       (unsigned long long)seen, (unsigned long long)h.lost);
	h.producer = v.cons + N + 5;	/* corrupt: more than a ring ahead */
	tap_ok(t, smtj_ring_peek(&v, 100, &p, &lost) == -EPROTO,
	       "ring: a producer index beyond a full ring is an error, not data");
	h.producer = v.cons - 1;	/* reset under us: behind the consumer */
	tap_ok(t, smtj_ring_peek(&v, 100, &p, &lost) == -EPROTO,
	       "ring: a producer index behind the consumer is an error");
}

/*
 * The loss baseline at the start (linux/smtj.h): on an unread ring
 * (consumer 0) the losses so far lie in the data ahead and come with the
 * first span; on a ring already read from they are history.
 */
static void test_ring_baseline(struct tap *t)
{
	static struct smtj_ring_header h;
	static uint16_t data[64];
	struct smtj_ring_view v;
	const uint16_t *p;
	uint64_t lost;
	long n;

	memset(&h, 0, sizeof(h));
	h.nr_samples = 64;
	h.producer = 64;	/* full: the chunks after it were lost */
	h.lost = 300;
	smtj_ring_view_init(&v, &h, data);
	n = smtj_ring_peek(&v, 64, &p, &lost);
	tap_ok(t, n == 64 && lost == 300,
	       "ring: losses before the first read of a new ring are reported (%ld, %llu)",
	       n, (unsigned long long)lost);
	h.consumer = 10;
	h.producer = 74;
	smtj_ring_view_init(&v, &h, data);
	n = smtj_ring_peek(&v, 64, &p, &lost);
	tap_ok(t, n == 54 && lost == 0,	/* up to the end of the data */
	       "ring: on a ring already read from the losses so far are the baseline");
	h.producer = 0;		/* the ring restarted: lost back to 0, then 7 */
	h.lost = 7;
	v.cons = v.prod = 0;	/* the view starts over with the ring */
	n = smtj_ring_peek(&v, 64, &p, &lost);
	tap_ok(t, n == 0 && lost == 7,
	       "ring: after a restart the new ring's losses count from 0 (%llu)",
	       (unsigned long long)lost);
}

/*
 * The producer index of a snapshot serves later spans while it covers the
 * span asked for; the header is read again when it does not, and the
 * losses counted meanwhile come with that snapshot, before the samples
 * produced after them.
 */
static void test_ring_cached_producer(struct tap *t)
{
	enum { N = 1024 };
	static struct smtj_ring_header h;
	static uint16_t data[N];
	struct smtj_ring_view v;
	const uint16_t *p;
	uint64_t lost, lost_at = 0, got = 0, seen = 0;
	int ok = 1;
	long n;

	memset(&h, 0, sizeof(h));
	h.nr_samples = N;
	for (int i = 0; i < N; i++)
		data[i] = (uint16_t)i;
	h.consumer = 1;		/* a ring already read from: no baseline loss */
	h.producer = 400;
	smtj_ring_view_init(&v, &h, data);
	n = smtj_ring_peek(&v, 100, &p, &lost);
	tap_ok(t, n == 100 && lost == 0 && v.prod == 400,
	       "ring: the first peek reads the header (%ld samples)", n);
	smtj_ring_consume(&v, (size_t)n);
	/* the producer moves on after losing 5 samples */
	h.lost = 5;
	h.producer = 900;
	while ((n = smtj_ring_peek(&v, 100, &p, &lost)) > 0) {
		if (lost && !lost_at)
			lost_at = v.cons;
		seen += lost;
		for (long i = 0; i < n; i++)
			ok &= p[i] == (uint16_t)((v.cons + (uint64_t)i) & (N - 1));
		got += (uint64_t)n;
		smtj_ring_consume(&v, (size_t)n);
		ok &= h.consumer == v.cons;
	}
	tap_ok(t, ok && n == 0 && v.cons == 900 && got == 799,
	       "ring: spans from a kept producer index, then from the next snapshot (%llu)",
	       (unsigned long long)got);
	tap_ok(t, seen == 5 && lost_at == 301,
	       "ring: losses come with the snapshot that first shows them (%llu at %llu)",
	       (unsigned long long)seen, (unsigned long long)lost_at);
}

/*
 * The header snapshot against a writer thread that follows the kernel's
 * protocol: seq odd, fields, producer released, seq even.  Every field is
 * a function of producer, so a torn snapshot shows; a header whose seq
 * stays odd gives -EPROTO instead of a hang.
 */
struct snap_writer {
	struct smtj_ring_header *h;
	volatile int stop;
	uint64_t writes;
};

static void *snap_write(void *arg)
{
	struct snap_writer *w = arg;
	struct smtj_ring_header *h = w->h;
	uint32_t seq = 0;

	for (uint64_t k = 1; !w->stop; k++) {
		__atomic_store_n(&h->seq, ++seq, __ATOMIC_RELAXED);
		__atomic_thread_fence(__ATOMIC_RELEASE);
		__atomic_store_n(&h->lost, 3 * k, __ATOMIC_RELAXED);
		__atomic_store_n(&h->newest_index, 5 * k + 7, __ATOMIC_RELAXED);
		__atomic_store_n(&h->newest_time_ns, 11 * k, __ATOMIC_RELAXED);
		__atomic_store_n(&h->producer, k, __ATOMIC_RELEASE);
		__atomic_store_n(&h->seq, ++seq, __ATOMIC_RELEASE);
		__atomic_store_n(&w->writes, k, __ATOMIC_RELAXED);
	}
	return NULL;
}

static void test_snapshot(struct tap *t)
{
	static struct smtj_ring_header h;
	struct snap_writer w = { .h = &h };
	struct smtj_ring_snapshot s;
	uint64_t reads = 0, torn = 0, last = 0, back = 0;
	pthread_t th;

	memset(&h, 0, sizeof(h));
	if (pthread_create(&th, NULL, snap_write, &w)) {
		tap_ok(t, 0, "ring snapshot: writer thread");
		return;
	}
	/*
	 * 2e6 reads, and at least 1000 of the writer's updates among them: on
	 * a loaded machine the writer may not run during the first 2e6 reads
	 * (it did not, at a load of 12).  At most 1e9 reads.
	 */
	while (reads < 2000000 ||
	       (__atomic_load_n(&w.writes, __ATOMIC_RELAXED) < 1000 &&
		reads < 1000000000)) {
		if (smtj_ring_snapshot(&h, &s)) {
			torn++;
			break;
		}
		reads++;
		if (s.producer && (s.lost != 3 * s.producer ||
				   s.newest_index != 5 * s.producer + 7 ||
				   s.newest_time_ns != 11 * s.producer))
			torn++;
		if (s.producer < last)
			back++;
		last = s.producer;
	}
	w.stop = 1;
	pthread_join(th, NULL);
	tap_ok(t, !torn && !back && w.writes >= 1000,
	       "ring snapshot: %llu reads against %llu writes, %llu torn, %llu backwards",
	       (unsigned long long)reads, (unsigned long long)w.writes,
	       (unsigned long long)torn, (unsigned long long)back);
	h.seq = 1;	/* a writer that never finishes: a corrupt header */
	tap_ok(t, smtj_ring_snapshot(&h, &s) == -EPROTO,
	       "ring snapshot: a sequence count stuck odd is an error, not a hang");
}

struct feeder {
	int fd;
	size_t n;
};

static void *feed(void *arg)
{
	struct feeder *f = arg;
	uint16_t buf[777];
	size_t k = 0;

	while (k < f->n) {
		size_t m = f->n - k < 777 ? f->n - k : 777;

		for (size_t i = 0; i < m; i++)
			buf[i] = (uint16_t)(k + i);
		if (write(f->fd, buf, m * 2) != (ssize_t)(m * 2))
			break;
		k += m;
	}
	close(f->fd);
	return NULL;
}

static void test_pipe(struct tap *t, enum smtj_transport tr)
{
	const size_t n = 300000;
	struct smtj_dev *dev = NULL;
	struct smtj_stream_opts o = { .transport = tr, .batch = 1000, .depth = 4 };
	struct smtj_stream *s = NULL;
	struct feeder f = { .n = n };
	struct smtj_err err = { 0 };
	uint16_t *out = malloc(n * sizeof(*out)), extra;
	struct smtj_batch b;
	pthread_t th;
	int fds[2], ok = 1, ret;

	if (pipe(fds)) {
		tap_ok(t, 0, "pipe");
		return;
	}
	f.fd = fds[1];
	ret = smtj_dev_wrap_fd(&dev, fds[0], 0, "pipe", &err);
	if (!ret)
		ret = smtj_stream_open(&s, dev, &o, &err);
	if (!tap_ok(t, !ret, "%s stream on a pipe%s%s", smtj_transport_name(tr),
		    ret ? ": " : "", ret ? err.msg : ""))
		goto out;
	if (smtj_stream_note(s)[0])
		printf("# note: %s\n", smtj_stream_note(s));
	pthread_create(&th, NULL, feed, &f);
	/* first a borrowed batch, then exact copies */
	ret = smtj_stream_next(s, &b, &err);
	ok = !ret && b.n > 0 && b.data[0] == 0;
	for (size_t i = 0; ok && i < b.n; i++)
		ok &= b.data[i] == (uint16_t)i;
	tap_ok(t, ok, "%s: borrowed batch of %zu in order", smtj_transport_name(tr), b.n);
	tap_ok(t, smtj_stream_next(s, &b, &err) == -EBUSY, "one batch borrowed at a time");
	{
		size_t first = b.n;

		smtj_stream_release(s, &b);
		err.msg[0] = 0;
		ret = smtj_stream_read(s, out, n - first, NULL, &err);
		ok = !ret;
		for (size_t i = 0; ok && i < n - first; i++)
			ok &= out[i] == (uint16_t)(first + i);
	}
	tap_ok(t, ok, "%s: %zu samples, in order, exact count%s%s", smtj_transport_name(tr),
	       n, ret ? ": " : "", ret ? err.msg : "");
	pthread_join(th, NULL);
	ret = smtj_stream_read(s, &extra, 1, NULL, &err);
	tap_ok(t, ret == -ENODEV, "%s: end of stream is -ENODEV, not a crash: %s",
	       smtj_transport_name(tr), err.msg);
out:
	smtj_stream_close(s);
	smtj_dev_close(dev);
	close(fds[0]);
	if (ret && !s)
		close(fds[1]);
	free(out);
}

int main(void)
{
	struct tap t = { 0 };

	test_ring(&t);
	test_ring_baseline(&t);
	test_ring_cached_producer(&t);
	test_snapshot(&t);
	test_pipe(&t, SMTJ_TR_READ);
	test_pipe(&t, SMTJ_TR_URING);
	return tap_done(&t);
}
