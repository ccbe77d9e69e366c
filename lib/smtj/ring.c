// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * The consumer side of the mmap ring protocol (linux/smtj.h): read the
 * producer index with acquire so the samples before it are visible, hand
 * out spans in place (zero copy), publish consumption with release so the
 * kernel never reuses a slot we are still reading.
 */
#include <errno.h>
#include "stream.h"

void smtj_ring_view_init(struct smtj_ring_view *v, struct smtj_ring_header *hdr,
			 const uint16_t *data)
{
	v->hdr = hdr;
	v->data = data;
	v->mask = hdr->nr_samples - 1;
	v->cons = __atomic_load_n(&hdr->consumer, __ATOMIC_RELAXED);
	v->lost_seen = __atomic_load_n(&hdr->lost, __ATOMIC_RELAXED);
}

long smtj_ring_peek(struct smtj_ring_view *v, size_t max,
		    const uint16_t **data, uint64_t *lost)
{
	uint64_t prod = __atomic_load_n(&v->hdr->producer, __ATOMIC_ACQUIRE);
	uint64_t l = __atomic_load_n(&v->hdr->lost, __ATOMIC_RELAXED);
	uint64_t avail = prod - v->cons;
	size_t pos = (size_t)(v->cons & v->mask);
	size_t room = (size_t)v->mask + 1 - pos;
	size_t n;

	*lost = l - v->lost_seen;
	v->lost_seen = l;
	/* a producer index behind us or beyond a full ring: the ring was
	 * reset or the header is corrupt; never hand out stale data */
	if (avail > (uint64_t)v->mask + 1)
		return -EPROTO;
	n = avail < room ? (size_t)avail : room;
	if (n > max)
		n = max;
	*data = v->data + pos;
	return (long)n;
}

void smtj_ring_consume(struct smtj_ring_view *v, size_t n)
{
	v->cons += n;
	__atomic_store_n(&v->hdr->consumer, v->cons, __ATOMIC_RELEASE);
}
