/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The consumer side of the mmap ring protocol (ring.c), on any memory
 * that holds a struct smtj_ring_header and its data.  Private to the
 * library (not installed); it is also the header that the protocol's
 * host test (tests/unit/smtj/test_transport.c) and the VM transport
 * benchmark (bench/smtj/vm-transport.c) include, so it needs nothing else
 * of the library's insides.
 */
#ifndef SMTJ_RING_H
#define SMTJ_RING_H

#include <stddef.h>
#include <stdint.h>
#include "libsmtj.h"

/* The mmap ring protocol without the mapping (testable on plain memory). */
struct smtj_ring_view {
	struct smtj_ring_header *hdr;
	const uint16_t *data;
	uint32_t mask;
	uint64_t cons;		/* our consumer index */
	uint64_t prod;		/* the producer index of the last snapshot */
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
 * data (the next call returns the part after the wrap).  The header is
 * read (a snapshot) only when the last one's producer index leaves fewer
 * than @max samples; *lost is the header's loss count since the previous
 * snapshot (0 without one).  Returns the count, or
 * -EPROTO when the producer index is behind us or more than a ring ahead
 * (a reset ring or a corrupt header), or no snapshot can be read. */
long smtj_ring_peek(struct smtj_ring_view *v, size_t max,
		    const uint16_t **data, uint64_t *lost);
/* Give @n samples back to the kernel (store-release of consumer). */
void smtj_ring_consume(struct smtj_ring_view *v, size_t n);

#endif /* SMTJ_RING_H */
