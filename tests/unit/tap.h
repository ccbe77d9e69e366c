/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Minimal TAP for the host unit tests: ok/not ok lines, a plan, exit code. */
#ifndef SMTJ_UNIT_TAP_H
#define SMTJ_UNIT_TAP_H

#include <math.h>
#include <stdarg.h>
#include <stdio.h>

struct tap {
	int n, failed;
};

__attribute__((format(printf, 3, 4)))
static inline int tap_ok(struct tap *t, int cond, const char *fmt, ...)
{
	va_list ap;

	t->n++;
	if (!cond)
		t->failed++;
	printf("%sok %d - ", cond ? "" : "not ", t->n);
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	printf("\n");
	/* a crash later must not swallow the lines already reported */
	fflush(stdout);
	return cond;
}

/* |got - want| <= tol, printing all three so a failure explains itself. */
static inline int tap_near(struct tap *t, double got, double want, double tol,
			   const char *what)
{
	return tap_ok(t, fabs(got - want) <= tol, "%s: %.6g vs %.6g (tol %.3g)",
		      what, got, want, tol);
}

static inline int tap_done(struct tap *t)
{
	printf("1..%d\n", t->n);
	return t->failed ? 1 : 0;
}

/* In main(): a call whose failure ends the test, with the library's
 * message (@err: a struct danp_err or struct smtj_err). */
#define TAP_CHECK(t, call, err)						\
	do {								\
		int ret_ = (call);					\
		if (ret_) {						\
			printf("# %s: %d %s\n", #call, ret_, (err).msg);	\
			tap_ok((t), 0, "%s", #call);			\
			return tap_done(t);				\
		}							\
	} while (0)

#endif /* SMTJ_UNIT_TAP_H */
