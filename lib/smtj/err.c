// SPDX-License-Identifier: LGPL-2.1-or-later
/* Error reporting: one helper so every failure carries a message. */
#include <stdio.h>
#include "smtj-internal.h"

int smtj_seterr(struct smtj_err *err, int code, const char *fmt, ...)
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

const char *smtj_version(void)
{
#define SMTJ_STR2(x) #x
#define SMTJ_STR(x) SMTJ_STR2(x)
	return SMTJ_STR(LIBSMTJ_VERSION_MAJOR) "." SMTJ_STR(LIBSMTJ_VERSION_MINOR);
}
