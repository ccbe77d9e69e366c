// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * The mmap transport: the header page (read-write) and the data pages
 * (read-only) mapped once; batches are spans of the data pages themselves.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include "stream.h"

struct tr_mmap {
	struct smtj_ring_view v;
	void *hdr;
	size_t hdr_size;
	void *data;
	size_t data_size;
	uint64_t pending_lost;
};

static int mmap_next(struct smtj_stream *s, size_t max, struct smtj_batch *b,
		     struct smtj_err *err)
{
	struct tr_mmap *m = s->priv;
	const uint16_t *p;
	uint64_t lost;
	long n;
	int ret;

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
		ret = smtj_stream_wait(s, err);
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
	return 0;
fail:
	mmap_close(s);
	return ret;
}
