// SPDX-License-Identifier: LGPL-2.1-or-later
/* placeholder */
#include <errno.h>
#include "smtj-internal.h"

int smtj_src_device(struct smtj_src **out, struct smtj_spec *sp,
		    uint64_t seed, struct smtj_err *err)
{
	(void)out; (void)sp; (void)seed;
	return smtj_seterr(err, -ENOSYS, "device source: not yet");
}
