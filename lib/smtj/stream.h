/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Device handles and transports (private): one stream interface, three
 * implementations (tr_read.c, tr_mmap.c + ring.c, tr_uring.c).
 */
#ifndef SMTJ_STREAM_H
#define SMTJ_STREAM_H

#include "smtj-internal.h"

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

/* The mmap ring protocol without the mapping (testable on plain memory). */
struct smtj_ring_view {
	struct smtj_ring_header *hdr;
	const uint16_t *data;
	uint32_t mask;
	uint64_t cons;		/* our consumer index */
	uint64_t lost_seen;
};

void smtj_ring_view_init(struct smtj_ring_view *v, struct smtj_ring_header *hdr,
			 const uint16_t *data);

/* The kernel-written header fields, as one consistent snapshot. */
struct smtj_ring_snapshot {
	uint64_t producer;
	uint64_t lost;
	uint64_t newest_index;	/* device index of sample producer - 1 */
	uint64_t newest_time_ns;
};

/* Read them under the header's sequence count (linux/smtj.h); 0, or
 * -EPROTO when the count stays odd (a corrupt header). */
int smtj_ring_snapshot(const struct smtj_ring_header *hdr,
		       struct smtj_ring_snapshot *snap);
/* Span of up to @max available samples, never crossing the end of the
 * data (the next call returns the part after the wrap); *lost is the
 * header's loss count since the previous peek.  Returns the count, or
 * -EPROTO when the producer index is behind us or more than a ring ahead
 * (a reset ring or a corrupt header), or no snapshot can be read. */
long smtj_ring_peek(struct smtj_ring_view *v, size_t max,
		    const uint16_t **data, uint64_t *lost);
/* Give @n samples back to the kernel (store-release of consumer). */
void smtj_ring_consume(struct smtj_ring_view *v, size_t n);

#endif /* SMTJ_STREAM_H */
