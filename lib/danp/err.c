// SPDX-License-Identifier: LGPL-2.1-or-later
/* Error reporting: one helper so every failure carries a message. */
#include <stdio.h>
#include "danp-internal.h"

int danp_seterr(struct danp_err *err, int code, const char *fmt, ...)
{
	va_list ap;

	if (err) {
		err->code = code;
		va_start(ap, fmt);
		vsnprintf(err->msg, sizeof(err->msg), fmt, ap);
		va_end(ap);
	}
	return code;
}
