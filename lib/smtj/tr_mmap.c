// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * The mmap transport: the header page (read-write) and the data pages
 * (read-only) mapped once; batches are spans of the data pages themselves,
 * at most the stream's batch size: the kernel refills what each release
 * frees while the consumer works on the next span.  A span to the end of
 * a full ring kept the producer from the whole ring until the consumer had
 * read all of it, so the two took turns instead of working at once.
 *
 * On an empty ring the consumer first watches the producer index for a
 * while, then sleeps in poll().  A producer that keeps up fills the ring in
 * steps a few microseconds apart; a poll() per step costs the consumer a
 * system call, a sleep and a wake-up, and the producer a wake-up, which is
 * more than the step itself.  The watch is adaptive: only while the
 * previous wait was shorter than the watch, so that a slow (throttled)
 * device does not cost a spinning CPU, and only with a second CPU for the
 * producer to run on.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <time.h>
#include <unistd.h>
#include "stream.h"

/* the longest watch of the producer index before poll() */
#define WATCH_NS	50000LL

struct tr_mmap {
	struct smtj_ring_view v;
	void *hdr;
	size_t hdr_size;
	void *data;
	size_t data_size;
	uint64_t pending_lost;
	int watch;		/* watch the producer index before sleeping */
	long long last_wait_ns;	/* how long the ring stayed empty last time */
};

static long long mono_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000000000LL + ts.tv_nsec;
}

static inline void cpu_relax(void)
{
#if defined(__x86_64__) || defined(__i386__)
	__builtin_ia32_pause();
#elif defined(__aarch64__)
	__asm__ volatile("yield" ::: "memory");
#endif
}

/*
 * The ring is empty: wait until the producer index moves (watching it, if
 * the last wait was short) or poll() says readable.
 */
static int mmap_wait(struct smtj_stream *s, struct tr_mmap *m,
		     struct smtj_err *err)
{
	const __u64 *prod = &m->v.hdr->producer;
	long long start = mono_ns();
	int ret;

	if (m->watch && m->last_wait_ns < WATCH_NS) {
		for (unsigned int i = 1;; i++) {
			if (__atomic_load_n(prod, __ATOMIC_ACQUIRE) != m->v.cons) {
				m->last_wait_ns = mono_ns() - start;
				return 0;
			}
			cpu_relax();
			/* the clock every 64 looks, not every one */
			if (!(i % 64) && mono_ns() - start >= WATCH_NS)
				break;
		}
	}
	ret = smtj_stream_wait(s, err);
	m->last_wait_ns = mono_ns() - start;
	return ret;
}

static int mmap_next(struct smtj_stream *s, size_t max, struct smtj_batch *b,
		     struct smtj_err *err)
{
	struct tr_mmap *m = s->priv;
	const uint16_t *p;
	uint64_t lost;
	long n;
	int ret;

	if (max > s->opts.batch)
		max = s->opts.batch;
	for (;;) {
		n = smtj_ring_peek(&m->v, max, &p, &lost);
		if (n < 0)
			return smtj_seterr(err, (int)n,
					   "%s: ring indices inconsistent (producer %llu, consumer %llu): ring reset under us?",
					   s->dev->name,
					   (unsigned long long)m->v.hdr->producer,
					   (unsigned long long)m->v.cons);
		m->pending_lost += lost;	/* reported with the next batch */
		if (n)
			break;
		/* poll reports readable at the watermark, or removal */
		if (s->dev->nonblock)
			return -EAGAIN;
		ret = mmap_wait(s, m, err);
		if (ret)
			return ret;
	}
	b->data = p;
	b->n = (size_t)n;
	b->lost = m->pending_lost;
	m->pending_lost = 0;
	return 0;
}

static void mmap_release(struct smtj_stream *s, struct smtj_batch *b)
{
	struct tr_mmap *m = s->priv;

	smtj_ring_consume(&m->v, b->n);
}

static void mmap_close(struct smtj_stream *s)
{
	struct tr_mmap *m = s->priv;

	if (m->data)
		munmap(m->data, m->data_size);
	if (m->hdr)
		munmap(m->hdr, m->hdr_size);
	free(m);
}

static const struct smtj_tr_ops mmap_ops = {
	.next = mmap_next,
	.release = mmap_release,
	.close = mmap_close,
};

int smtj_tr_mmap_open(struct smtj_stream *s, struct smtj_err *err)
{
	struct tr_mmap *m = calloc(1, sizeof(*m));
	struct smtj_ring_header *h;
	struct smtj_info info;
	int ret;

	if (!m)
		return smtj_seterr(err, -ENOMEM, "%s: out of memory", s->dev->name);
	s->priv = m;
	s->ops = &mmap_ops;
	s->tr = SMTJ_TR_MMAP;
	ret = smtj_dev_info(s->dev, &info, err);
	if (ret)
		goto fail;
	m->hdr_size = 4096;
	m->hdr = mmap(NULL, m->hdr_size, PROT_READ | PROT_WRITE, MAP_SHARED,
		      s->dev->fd, 0);
	if (m->hdr == MAP_FAILED) {
		ret = -errno;
		m->hdr = NULL;
		smtj_seterr(err, ret, "%s: mmap of the ring header: %s%s", s->dev->name,
			    strerror(-ret),
			    ret == -EACCES ? " (the device must be opened read-write)" :
			    ret == -EBUSY ? " (a read() is in progress on this file)" : "");
		goto fail;
	}
	h = m->hdr;
	if (h->magic != SMTJ_RING_MAGIC || h->version != SMTJ_RING_VERSION ||
	    h->sample_size != 2 || !h->nr_samples ||
	    (h->nr_samples & (h->nr_samples - 1)) ||
	    h->nr_samples != info.ring_samples) {
		ret = smtj_seterr(err, -EPROTO,
				  "%s: ring header magic %#x version %u sample_size %u nr_samples %u: not understood",
				  s->dev->name, h->magic, h->version, h->sample_size,
				  h->nr_samples);
		goto fail;
	}
	m->data_size = info.ring_data_size;
	m->data = mmap(NULL, m->data_size, PROT_READ, MAP_SHARED, s->dev->fd,
		       info.ring_data_offset);
	if (m->data == MAP_FAILED) {
		ret = -errno;
		m->data = NULL;
		smtj_seterr(err, ret, "%s: mmap of the ring data (%u bytes at %#x): %s",
			    s->dev->name, info.ring_data_size, info.ring_data_offset,
			    strerror(-ret));
		goto fail;
	}
	if ((uint64_t)h->nr_samples * 2 > m->data_size) {
		ret = smtj_seterr(err, -EPROTO, "%s: ring data smaller than its samples",
				  s->dev->name);
		goto fail;
	}
	smtj_ring_view_init(&m->v, h, m->data);
	/* watching on the producer's only CPU would only delay it */
	m->watch = sysconf(_SC_NPROCESSORS_ONLN) > 1;
	return 0;
fail:
	mmap_close(s);
	return ret;
}
