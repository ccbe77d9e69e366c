/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Device handles and transports (private): one stream interface, three
 * implementations (tr_read.c, tr_mmap.c + ring.c, tr_uring.c).
 */
#ifndef SMTJ_STREAM_H
#define SMTJ_STREAM_H

#include "smtj-internal.h"
#include "ring.h"

struct smtj_dev {
	int fd;
	int own;
	int nonblock;		/* O_NONBLOCK: -EAGAIN instead of waiting */
	char name[128];
};

struct smtj_stream;

struct smtj_tr_ops {
	/* Borrow up to @max samples (transports with fixed batches may
	 * return more; smtj_stream_read handles the rest). */
	int (*next)(struct smtj_stream *s, size_t max, struct smtj_batch *b,
		    struct smtj_err *err);
	void (*release)(struct smtj_stream *s, struct smtj_batch *b);
	void (*close)(struct smtj_stream *s);
};

struct smtj_stream {
	const struct smtj_tr_ops *ops;
	struct smtj_dev *dev;
	enum smtj_transport tr;
	struct smtj_stream_opts opts;
	char note[200];
	uint64_t lost_seen;	/* device lost counter at the last batch */
	int borrowed;
	/* smtj_stream_read: the part of a batch not yet copied */
	struct smtj_batch cur;
	size_t cur_off;
	void *priv;		/* the transport's state */
};

int smtj_tr_read_open(struct smtj_stream *s, struct smtj_err *err);
int smtj_tr_mmap_open(struct smtj_stream *s, struct smtj_err *err);
int smtj_tr_uring_open(struct smtj_stream *s, struct smtj_err *err);

/* Lost-sample delta since the previous call (GET_INFO). */
int smtj_stream_lost_delta(struct smtj_stream *s, uint64_t *lost,
			   struct smtj_err *err);
/* Wait until the device is readable; -ENODEV when it is gone. */
int smtj_stream_wait(struct smtj_stream *s, struct smtj_err *err);

#endif /* SMTJ_STREAM_H */
