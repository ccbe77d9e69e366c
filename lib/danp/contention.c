// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * Whether splitting jobs across the pool still pays.  On a machine with
 * more runnable threads than cores a worker is often descheduled: the
 * caller finishes its part and then waits, for a time slice, for the
 * partner's.  A split job then takes longer than the whole job on one
 * thread.  The caller measures each split job: its own part (own) and the
 * wait after it (wait).  Its own part is 1/parts of the job, so
 * parts * own estimates the job run serially, and own + wait is what the
 * split cost.  When over a window of jobs the split cost more than
 * DANP_SPLIT_KEEP of the serial estimate, the pool runs jobs on the
 * caller's thread alone for a while (the workers sleep), then tries the
 * split again; each failed retry doubles the serial stretch.  Pure logic
 * (no clocks): the pool passes the times in, the tests inject them.
 */
#include <string.h>
#include "danp-internal.h"

void danp_contention_init(struct danp_contention *c, unsigned int parts)
{
	memset(c, 0, sizeof(*c));
	c->parts = parts;
	c->backoff = DANP_SERIAL_MIN;
}

int danp_contention_serial(struct danp_contention *c)
{
	if (!c->serial_left)
		return 0;
	c->serial_left--;
	c->serial_jobs++;
	return 1;
}

int danp_contention_record(struct danp_contention *c, uint64_t own_ns,
			   uint64_t wait_ns)
{
	int bad;

	c->split_jobs++;
	c->own_ns += own_ns;
	c->wait_ns += wait_ns;
	if (++c->jobs < DANP_CONTENTION_WINDOW)
		return 0;
	/* (own + wait) / (parts * own) > keep, in integers. */
	bad = (c->own_ns + c->wait_ns) * 100 >
	      (uint64_t)c->parts * c->own_ns * DANP_SPLIT_KEEP_PCT;
	c->last_ratio_pct = c->own_ns ? (unsigned int)((c->own_ns + c->wait_ns) *
			    100 / ((uint64_t)c->parts * c->own_ns)) : 0;
	c->jobs = 0;
	c->own_ns = 0;
	c->wait_ns = 0;
	if (!bad) {
		c->backoff = DANP_SERIAL_MIN;
		return 0;
	}
	c->fallbacks++;
	c->serial_left = c->backoff;
	if (c->backoff < DANP_SERIAL_MAX)
		c->backoff *= 2;
	return 1;
}
