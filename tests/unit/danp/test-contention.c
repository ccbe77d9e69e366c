// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The pool's contention verdicts, with injected timings (no clocks): a
 * split that keeps the caller waiting for a descheduled partner is
 * dropped after one window, the serial stretch has the promised length,
 * a failed retry doubles it (up to the cap), a good retry resets it, and
 * the threshold sits exactly at DANP_SPLIT_KEEP_PCT of the serial
 * estimate.
 */
#include <stdint.h>
#include "libdanp.h"
#include "danp-pool.h"
#include "../tap.h"

/* This program's TAP counters (tests/unit/tap.h). */
static struct tap tap;

/* Record a window of jobs; the number of drops seen. */
static int window(struct danp_contention *c, uint64_t own, uint64_t wait)
{
	int drops = 0;

	for (unsigned int i = 0; i < DANP_CONTENTION_WINDOW; i++)
		drops += danp_contention_record(c, own, wait);
	return drops;
}

/* Serial jobs in a row before the split is tried again. */
static unsigned int stretch(struct danp_contention *c)
{
	unsigned int n = 0;

	while (danp_contention_serial(c) && n < 10 * DANP_SERIAL_MAX)
		n++;
	return n;
}

int main(void)
{
	struct danp_contention c;
	int drops = 0, early = 0;
	unsigned int n;

	/* Idle: the partner finishes just after the caller (1.8x). */
	danp_contention_init(&c, 2);
	for (int w = 0; w < 100; w++)
		drops += window(&c, 1000, 100);
	tap_ok(&tap, !drops && !danp_contention_serial(&c),
	       "idle: 100 windows at 55 %% of serial keep the split");

	/* Loaded: the caller waits 3 of its own parts for the partner. */
	danp_contention_init(&c, 2);
	for (unsigned int i = 0; i + 1 < DANP_CONTENTION_WINDOW; i++)
		early += danp_contention_record(&c, 1000, 3000);
	tap_ok(&tap, !early, "loaded: no verdict before a full window");
	tap_ok(&tap, danp_contention_record(&c, 1000, 3000) == 1 &&
	       c.fallbacks == 1 && c.last_ratio_pct == 200,
	       "loaded: dropped at the window's end (cost 200 %% of serial)");
	n = stretch(&c);
	tap_ok(&tap, n == DANP_SERIAL_MIN, "first serial stretch %u jobs (want %u)",
	       n, DANP_SERIAL_MIN);
	tap_ok(&tap, c.serial_jobs == DANP_SERIAL_MIN && c.split_jobs ==
	       DANP_CONTENTION_WINDOW, "jobs counted each way");

	/* Still loaded at the retry: the stretch doubles, up to the cap. */
	for (unsigned int want = 2 * DANP_SERIAL_MIN, k = 0; k < 8; k++) {
		int d = window(&c, 1000, 3000);

		n = stretch(&c);
		if (d != 1 || n != want) {
			tap_ok(&tap, 0, "retry %u: drop %d, stretch %u (want %u)",
			       k, d, n, want);
			break;
		}
		if (k == 7)
			tap_ok(&tap, 1, "failed retries double the stretch up to %u",
			       DANP_SERIAL_MAX);
		want = want < DANP_SERIAL_MAX ? 2 * want : DANP_SERIAL_MAX;
	}

	/* The load goes: the split comes back and the stretch resets. */
	tap_ok(&tap, !window(&c, 1000, 100) && !danp_contention_serial(&c),
	       "good retry keeps the split");
	window(&c, 1000, 3000);
	n = stretch(&c);
	tap_ok(&tap, n == DANP_SERIAL_MIN, "after a good retry the stretch is %u "
	       "again (%u)", DANP_SERIAL_MIN, n);

	/* Threshold: 2 parts, cost/serial = (own + wait) / (2 own). */
	danp_contention_init(&c, 2);
	tap_ok(&tap, !window(&c, 1000, 2 * 1000 * DANP_SPLIT_KEEP_PCT / 100 - 1000),
	       "exactly %u %% of serial keeps the split", DANP_SPLIT_KEEP_PCT);
	tap_ok(&tap, window(&c, 1000, 2 * 1000 * (DANP_SPLIT_KEEP_PCT + 1) / 100 - 1000) == 1,
	       "%u %% of serial drops it", DANP_SPLIT_KEEP_PCT + 1);

	/* 4 parts: the serial estimate scales with the parts. */
	danp_contention_init(&c, 4);
	tap_ok(&tap, !window(&c, 1000, 2000), "4 parts: 75 %% of serial keeps");
	tap_ok(&tap, window(&c, 1000, 3000) == 1, "4 parts: 100 %% of serial drops");
	return tap_done(&tap);
}
