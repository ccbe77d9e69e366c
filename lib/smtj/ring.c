// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * The consumer side of the mmap ring protocol (linux/smtj.h): read the
 * producer index and the loss count as one snapshot (the header's sequence
 * count), with acquire so the samples before producer are visible, hand
 * out spans in place (zero copy), publish consumption with release so the
 * kernel never reuses a slot we are still reading.
 */
#include <errno.h>
#include <sched.h>
#include <time.h>
#include "stream.h"

/*
 * A writer holds seq odd for a few stores, but it may be preempted there
 * (a descheduled vCPU, an emulated CPU): only seq odd for a whole second
 * means a corrupt header.  A count of tries alone gave up on a writer that
 * qemu-user had descheduled.
 */
#define SNAPSHOT_GIVE_UP_NS	1000000000LL

int smtj_ring_snapshot(const struct smtj_ring_header *hdr,
		       struct smtj_ring_snapshot *snap)
{
	long long deadline = 0;

	for (unsigned int i = 0;; i++) {
		uint32_t s = __atomic_load_n(&hdr->seq, __ATOMIC_ACQUIRE);

		if (!(s & 1)) {
			snap->producer = __atomic_load_n(&hdr->producer, __ATOMIC_RELAXED);
			snap->lost = __atomic_load_n(&hdr->lost, __ATOMIC_RELAXED);
			snap->newest_index = __atomic_load_n(&hdr->newest_index,
							     __ATOMIC_RELAXED);
			snap->newest_time_ns = __atomic_load_n(&hdr->newest_time_ns,
							       __ATOMIC_RELAXED);
			/* the field loads complete before seq is read again */
			__atomic_thread_fence(__ATOMIC_ACQUIRE);
			if (__atomic_load_n(&hdr->seq, __ATOMIC_RELAXED) == s)
				return 0;
		}
		if (i % 64 == 63) {
			struct timespec ts;
			long long now;

			clock_gettime(CLOCK_MONOTONIC, &ts);
			now = ts.tv_sec * 1000000000LL + ts.tv_nsec;
			if (!deadline)
				deadline = now + SNAPSHOT_GIVE_UP_NS;
			else if (now > deadline)
				return -EPROTO;
			/*
			 * The writer may be preempted on our CPU: a short
			 * sleep hands it the CPU, where sched_yield() need not.
			 */
			if (i < 1024) {
				sched_yield();
			} else {
				struct timespec nap = { 0, 20000 };

				nanosleep(&nap, NULL);
			}
		}
	}
}

void smtj_ring_view_init(struct smtj_ring_view *v, struct smtj_ring_header *hdr,
			 const uint16_t *data)
{
	v->hdr = hdr;
	v->data = data;
	v->mask = hdr->nr_samples - 1;
	v->cons = __atomic_load_n(&hdr->consumer, __ATOMIC_RELAXED);
	v->prod = v->cons;	/* nothing known yet: the first peek looks */
	/* an unread ring: its losses so far lie in the data ahead of us */
	v->lost_seen = v->cons ? __atomic_load_n(&hdr->lost, __ATOMIC_RELAXED) : 0;
}

/*
 * Spans come from the producer index of the last snapshot while it covers
 * @max samples: a new snapshot per span read the cache line that the
 * producer writes at every push, and ran the sequence count's loop, once
 * a span.  The losses come with the snapshots: those counted between two
 * snapshots lie beyond the first one's producer index, so reporting them
 * with the span that starts there is as early as they can be placed.
 */
long smtj_ring_peek(struct smtj_ring_view *v, size_t max,
		    const uint16_t **data, uint64_t *lost)
{
	size_t pos = (size_t)(v->cons & v->mask);
	size_t room = (size_t)v->mask + 1 - pos;
	uint64_t avail = v->prod - v->cons;
	size_t n;

	*lost = 0;
	if (avail < max) {
		struct smtj_ring_snapshot snap;

		if (smtj_ring_snapshot(v->hdr, &snap))
			return -EPROTO;
		avail = snap.producer - v->cons;
		*lost = snap.lost >= v->lost_seen ? snap.lost - v->lost_seen : snap.lost;
		v->lost_seen = snap.lost;
		/* a producer index behind us or beyond a full ring: the ring
		 * was reset or the header is corrupt; never hand out stale
		 * data */
		if (avail > (uint64_t)v->mask + 1)
			return -EPROTO;
		v->prod = snap.producer;
	}
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
