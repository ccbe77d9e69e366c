/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Minimal TAP output for the libdanp host tests. */
#ifndef DANP_TEST_TAP_H
#define DANP_TEST_TAP_H

#include <stdarg.h>
#include <stdio.h>

static int tap_count, tap_failed;

__attribute__((format(printf, 2, 3), unused))
static int tap_ok(int cond, const char *fmt, ...)
{
	va_list ap;

	tap_count++;
	printf("%sok %d - ", cond ? "" : "not ", tap_count);
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	printf("\n");
	fflush(stdout);
	if (!cond)
		tap_failed++;
	return cond;
}

static int __attribute__((unused)) tap_done(void)
{
	printf("1..%d\n", tap_count);
	return tap_failed ? 1 : 0;
}

#define TAP_CHECK(call, err)						\
	do {								\
		int ret_ = (call);					\
		if (ret_) {						\
			printf("# %s: %d %s\n", #call, ret_, (err).msg);	\
			tap_ok(0, "%s", #call);				\
			return tap_done();				\
		}							\
	} while (0)

#endif
