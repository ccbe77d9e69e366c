// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * The transport-independent part of a stream: choosing the transport
 * (io_uring falls back to read() with a note), borrowing and releasing
 * batches, copying exact counts, loss accounting, waiting.
 */
#include <errno.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "stream.h"

static const char *const tr_names[] = { "auto", "read", "mmap", "uring" };

const char *smtj_transport_name(enum smtj_transport t)
{
	return (unsigned int)t < SMTJ_ARRAY_SIZE(tr_names) ? tr_names[t] : "?";
}

int smtj_transport_parse(const char *s, enum smtj_transport *t)
{
	for (unsigned int i = 0; i < SMTJ_ARRAY_SIZE(tr_names); i++) {
		if (!strcmp(s, tr_names[i])) {
			*t = (enum smtj_transport)i;
			return 0;
		}
	}
	return -EINVAL;
}

int smtj_stream_open(struct smtj_stream **out, struct smtj_dev *dev,
		     const struct smtj_stream_opts *opts, struct smtj_err *err)
{
	struct smtj_stream *s = calloc(1, sizeof(*s));
	struct smtj_info info;
	int ret;

	*out = NULL;
	if (!s)
		return smtj_seterr(err, -ENOMEM, "%s: out of memory", dev->name);
	s->dev = dev;
	if (opts)
		s->opts = *opts;
	if (!s->opts.batch)
		s->opts.batch = 4096;
	if (!s->opts.depth)
		s->opts.depth = SMTJ_STREAM_DEPTH_DEFAULT;
	if (s->opts.depth < 2 || s->opts.depth > 64 || s->opts.batch > (1U << 24)) {
		ret = smtj_seterr(err, -EINVAL,
				  "%s: stream depth %u (2..64), batch %zu (<= 2^24)",
				  dev->name, s->opts.depth, s->opts.batch);
		free(s);
		return ret;
	}
	/* any readable descriptor streams (a FIFO, a test's pipe); only
	 * smtj devices count losses (ENOSYS: qemu-user, see dev.c) */
	ret = smtj_dev_info(dev, &info, err);
	if (ret && ret != -ENOTTY && ret != -ENOSYS) {
		free(s);
		return ret;
	}
	/* on an unread ring every loss so far lies in the data ahead of us
	 * (linux/smtj.h, struct smtj_info): report it with that data */
	s->lost_seen = ret || !info.consumed ? 0 : info.lost;
	switch (s->opts.transport) {
	case SMTJ_TR_READ:
		ret = smtj_tr_read_open(s, err);
		break;
	case SMTJ_TR_MMAP:
		ret = smtj_tr_mmap_open(s, err);
		break;
	case SMTJ_TR_AUTO:
	case SMTJ_TR_URING:
		ret = smtj_tr_uring_open(s, err);
		if (ret == -EPERM || ret == -ENOSYS || ret == -EACCES) {
			/* containers and io_uring_disabled: say so, go on */
			snprintf(s->note, sizeof(s->note),
				 "io_uring unavailable (io_uring_setup: %s%s): using read()",
				 strerror(-ret),
				 ret == -EPERM ? "; see kernel.io_uring_disabled" : "");
			ret = smtj_tr_read_open(s, err);
		}
		break;
	default:
		ret = smtj_seterr(err, -EINVAL, "%s: unknown transport %d",
				  dev->name, s->opts.transport);
	}
	if (ret) {
		free(s);
		return ret;
	}
	*out = s;
	return 0;
}

enum smtj_transport smtj_stream_transport(const struct smtj_stream *s)
{
	return s->tr;
}

const char *smtj_stream_note(const struct smtj_stream *s)
{
	return s->note;
}

int smtj_stream_next(struct smtj_stream *s, struct smtj_batch *b,
		     struct smtj_err *err)
{
	int ret;

	if (s->borrowed || s->cur.data)
		return smtj_seterr(err, -EBUSY,
				   "%s: a batch is still borrowed; release it first",
				   s->dev->name);
	ret = s->ops->next(s, SIZE_MAX, b, err);
	if (!ret)
		s->borrowed = 1;
	return ret;
}

void smtj_stream_release(struct smtj_stream *s, struct smtj_batch *b)
{
	if (!s->borrowed)
		return;
	s->ops->release(s, b);
	s->borrowed = 0;
	b->data = NULL;
	b->n = 0;
}

int smtj_stream_read(struct smtj_stream *s, uint16_t *out, size_t n,
		     uint64_t *lost, struct smtj_err *err)
{
	if (s->borrowed)
		return smtj_seterr(err, -EBUSY, "%s: a batch is still borrowed",
				   s->dev->name);
	while (n) {
		size_t k;
		int ret;

		if (!s->cur.data) {
			ret = s->ops->next(s, n, &s->cur, err);
			if (ret)
				return ret;
			s->cur_off = 0;
			if (lost)
				*lost += s->cur.lost;
		}
		k = s->cur.n - s->cur_off;
		k = k < n ? k : n;
		memcpy(out, s->cur.data + s->cur_off, k * sizeof(*out));
		out += k;
		n -= k;
		s->cur_off += k;
		if (s->cur_off == s->cur.n) {
			s->ops->release(s, &s->cur);
			s->cur.data = NULL;
		}
	}
	return 0;
}

void smtj_stream_close(struct smtj_stream *s)
{
	if (!s)
		return;
	if (s->cur.data)
		s->ops->release(s, &s->cur);
	s->ops->close(s);
	free(s);
}

int smtj_stream_lost_delta(struct smtj_stream *s, uint64_t *lost,
			   struct smtj_err *err)
{
	struct smtj_info info;
	int ret = smtj_dev_info(s->dev, &info, err);

	if (ret)
		return ret;
	/* lost returns to 0 when the ring restarts (SET_SIM, SET_CONSUMER) */
	*lost = info.lost >= s->lost_seen ? info.lost - s->lost_seen : info.lost;
	s->lost_seen = info.lost;
	return 0;
}

int smtj_stream_wait(struct smtj_stream *s, struct smtj_err *err)
{
	struct pollfd p = { .fd = s->dev->fd, .events = POLLIN };

	for (;;) {
		int r = poll(&p, 1, -1);

		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0)
			return smtj_seterr(err, -errno, "%s: poll: %s", s->dev->name,
					   strerror(errno));
		if (p.revents & (POLLERR | POLLHUP | POLLNVAL))
			return smtj_seterr(err, -ENODEV, "%s: device removed",
					   s->dev->name);
		if (p.revents & POLLIN)
			return 0;
	}
}
