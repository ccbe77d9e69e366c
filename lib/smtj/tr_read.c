// SPDX-License-Identifier: LGPL-2.1-or-later
/* The read() transport: one buffer, one blocking (or nonblocking) read. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "stream.h"

struct tr_read {
	uint16_t *buf;
};

static int read_next(struct smtj_stream *s, size_t max, struct smtj_batch *b,
		     struct smtj_err *err)
{
	struct tr_read *r = s->priv;
	size_t want = s->opts.batch < max ? s->opts.batch : max;
	ssize_t got;

	do
		got = read(s->dev->fd, r->buf, want * sizeof(uint16_t));
	while (got < 0 && errno == EINTR);
	if (got < 0) {
		int e = -errno;

		if (e == -EAGAIN)
			return e;	/* nonblocking and empty: not an error to report */
		return smtj_seterr(err, e, "%s: read: %s", s->dev->name,
				   e == -ENODEV ? "device removed" : strerror(-e));
	}
	if (got == 0)
		return smtj_seterr(err, -ENODEV, "%s: end of stream", s->dev->name);
	if (got % 2)
		return smtj_seterr(err, -EIO, "%s: read returned an odd %zd bytes",
				   s->dev->name, got);
	b->data = r->buf;
	b->n = (size_t)got / 2;
	b->lost = 0;
	/* loss accounting is best effort on non-smtj descriptors (tests) */
	if (smtj_stream_lost_delta(s, &b->lost, NULL))
		b->lost = 0;
	return 0;
}

static void read_release(struct smtj_stream *s, struct smtj_batch *b)
{
	(void)s;
	(void)b;
}

static void read_close(struct smtj_stream *s)
{
	struct tr_read *r = s->priv;

	free(r->buf);
	free(r);
}

static const struct smtj_tr_ops read_ops = {
	.next = read_next,
	.release = read_release,
	.close = read_close,
};

int smtj_tr_read_open(struct smtj_stream *s, struct smtj_err *err)
{
	struct tr_read *r = calloc(1, sizeof(*r));

	if (r)
		r->buf = malloc(s->opts.batch * sizeof(uint16_t));
	if (!r || !r->buf) {
		free(r);
		return smtj_seterr(err, -ENOMEM, "%s: out of memory", s->dev->name);
	}
	s->priv = r;
	s->ops = &read_ops;
	s->tr = SMTJ_TR_READ;
	return 0;
}
