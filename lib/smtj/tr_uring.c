// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * The io_uring transport: @depth buffers registered with the ring (fixed
 * buffers: no per-read page pinning), all of them reading at once.  A
 * batch is one completed buffer; releasing it queues its next read, so the
 * consumer computes on batch k while k+1.. are being filled.  Queued reads
 * are submitted together: when no read has completed (in the same system
 * call that waits for one), or once half of the buffers wait.  The device
 * read_iter honours IOCB_NOWAIT, so the kernel completes these reads by
 * poll-arming instead of blocking a worker thread.
 *
 * Losses come from SMTJ_IOC_GET_INFO, asked when a batch is fetched, except
 * for batches whose reads had completed before the previous ask: every gap
 * in their data was already counted then, so they carry no loss.
 */
#include <errno.h>
#include <liburing.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "stream.h"

struct tr_uring {
	struct io_uring ring;
	int ring_ok;
	int fixed;		/* buffers registered */
	unsigned int depth;
	size_t batch;
	uint16_t *mem;		/* depth * batch samples */
	struct iovec *iov;
	unsigned int borrowed;	/* index of the buffer lent out */
	unsigned int covered;	/* completions posted before the last GET_INFO */
};

/* Queue the read into buffer @i; submit() starts it. */
static int queue_read(struct smtj_stream *s, unsigned int i,
		      struct smtj_err *err)
{
	struct tr_uring *u = s->priv;
	struct io_uring_sqe *sqe = io_uring_get_sqe(&u->ring);

	if (!sqe)
		return smtj_seterr(err, -EBUSY, "%s: io_uring submission queue full",
				   s->dev->name);
	/* offset -1: the file position (the device ignores it; streams
	 * such as pipes in the tests need it) */
	if (u->fixed)
		io_uring_prep_read_fixed(sqe, s->dev->fd, u->iov[i].iov_base,
					 (unsigned int)u->iov[i].iov_len, (uint64_t)-1,
					 (int)i);
	else
		io_uring_prep_read(sqe, s->dev->fd, u->iov[i].iov_base,
				   (unsigned int)u->iov[i].iov_len, (uint64_t)-1);
	io_uring_sqe_set_data64(sqe, i);
	return 0;
}

/* Submit the queued reads; with @wait, also wait for a completion. */
static int submit(struct smtj_stream *s, int wait, struct smtj_err *err)
{
	struct tr_uring *u = s->priv;
	int ret;

	do
		ret = io_uring_submit_and_wait(&u->ring, wait ? 1 : 0);
	while (ret == -EINTR);
	if (ret < 0)
		return smtj_seterr(err, ret, "%s: io_uring_submit: %s", s->dev->name,
				   strerror(-ret));
	return 0;
}

static int uring_next(struct smtj_stream *s, size_t max, struct smtj_batch *b,
		      struct smtj_err *err)
{
	struct tr_uring *u = s->priv;
	struct io_uring_cqe *cqe;
	unsigned int i, counted;
	int ret, res;

	(void)max;	/* batches are whole buffers */
	for (;;) {
		ret = io_uring_peek_cqe(&u->ring, &cqe);
		if (ret == -EAGAIN) {
			/* nothing completed: submit the queued reads and
			 * wait for one, in one system call */
			if (s->dev->nonblock && !io_uring_sq_ready(&u->ring))
				return -EAGAIN;
			ret = submit(s, !s->dev->nonblock, err);
			if (ret)
				return ret;
			continue;
		}
		if (ret < 0)
			return smtj_seterr(err, ret, "%s: io_uring_peek_cqe: %s",
					   s->dev->name, strerror(-ret));
		if (io_uring_sq_ready(&u->ring) >= (u->depth + 1) / 2) {
			/* half of the buffers wait: start their reads */
			ret = submit(s, 0, err);
			if (ret)
				return ret;
		}
		i = (unsigned int)io_uring_cqe_get_data64(cqe);
		res = cqe->res;
		io_uring_cqe_seen(&u->ring, cqe);
		counted = u->covered;
		if (u->covered)
			u->covered--;
		if (i >= u->depth)
			return smtj_seterr(err, -EPROTO, "%s: io_uring: stray completion",
					   s->dev->name);
		if (res == -EINTR || res == -EAGAIN || res == -ECANCELED) {
			ret = queue_read(s, i, err);	/* try again */
			if (ret)
				return ret;
			continue;
		}
		if (res < 0)
			return smtj_seterr(err, res, "%s: read (io_uring): %s",
					   s->dev->name,
					   res == -ENODEV ? "device removed" : strerror(-res));
		if (res == 0)
			return smtj_seterr(err, -ENODEV, "%s: end of stream",
					   s->dev->name);
		break;
	}
	u->borrowed = i;
	b->data = u->iov[i].iov_base;
	b->n = (size_t)res / 2;
	b->lost = 0;
	if (!counted) {
		/* the completions posted by now are counted by this call */
		u->covered = io_uring_cq_ready(&u->ring);
		if (smtj_stream_lost_delta(s, &b->lost, NULL))
			b->lost = 0;
	}
	return 0;
}

static void uring_release(struct smtj_stream *s, struct smtj_batch *b)
{
	struct tr_uring *u = s->priv;

	(void)b;
	/* the queue has room for every buffer: this cannot fail; uring_next
	 * submits it */
	queue_read(s, u->borrowed, NULL);
}

static void uring_close(struct smtj_stream *s)
{
	struct tr_uring *u = s->priv;

	if (u->ring_ok)
		io_uring_queue_exit(&u->ring);	/* cancels reads in flight */
	free(u->mem);
	free(u->iov);
	free(u);
}

static const struct smtj_tr_ops uring_ops = {
	.next = uring_next,
	.release = uring_release,
	.close = uring_close,
};

int smtj_tr_uring_open(struct smtj_stream *s, struct smtj_err *err)
{
	struct tr_uring *u = calloc(1, sizeof(*u));
	int ret;

	if (!u)
		return smtj_seterr(err, -ENOMEM, "%s: out of memory", s->dev->name);
	u->depth = s->opts.depth;
	u->batch = s->opts.batch;
	u->mem = malloc(u->depth * u->batch * sizeof(uint16_t));
	u->iov = calloc(u->depth, sizeof(*u->iov));
	if (!u->mem || !u->iov) {
		ret = smtj_seterr(err, -ENOMEM, "%s: out of memory", s->dev->name);
		goto fail;
	}
	ret = io_uring_queue_init(2 * u->depth, &u->ring, 0);
	if (ret < 0) {
		smtj_seterr(err, ret, "io_uring_setup: %s", strerror(-ret));
		goto fail;
	}
	u->ring_ok = 1;
	for (unsigned int i = 0; i < u->depth; i++) {
		u->iov[i].iov_base = u->mem + i * u->batch;
		u->iov[i].iov_len = u->batch * sizeof(uint16_t);
	}
	/* registration pins memory (RLIMIT_MEMLOCK on old kernels): if it
	 * is refused, plain reads still work */
	u->fixed = io_uring_register_buffers(&u->ring, u->iov, u->depth) == 0;
	if (!u->fixed)
		snprintf(s->note, sizeof(s->note),
			 "io_uring buffers not registered (memlock limit?): plain reads");
	s->priv = u;
	s->ops = &uring_ops;
	s->tr = SMTJ_TR_URING;
	for (unsigned int i = 0; i < u->depth; i++) {
		ret = queue_read(s, i, err);
		if (ret)
			goto fail;
	}
	ret = submit(s, 0, err);
	if (ret)
		goto fail;
	return 0;
fail:
	s->priv = NULL;
	s->ops = NULL;
	if (u->ring_ok)
		io_uring_queue_exit(&u->ring);
	free(u->mem);
	free(u->iov);
	free(u);
	return ret;
}
