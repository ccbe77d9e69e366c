// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * libFuzzer target: the noise spec parser and source constructors, with a
 * small fill of whatever source comes out, reseeded and filled again.  Sources that touch the file
 * system or devices (replay, device) are skipped: their parsers have
 * their own targets.
 */
#include <stdlib.h>
#include <string.h>
#include "libsmtj.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct smtj_noise *nz = NULL;
	struct smtj_err err;
	float out[3 * 17];
	char *s;

	if (size > 4096)
		return 0;
	s = malloc(size + 1);
	if (!s)
		return 0;
	memcpy(s, data, size);
	s[size] = 0;
	if (strncmp(s, "replay", 6) && strncmp(s, "device", 6) &&
	    !smtj_noise_from_spec(&nz, s, 1, &err)) {
		smtj_noise_fill(nz, 0, out, 3, 17, &err);
		smtj_noise_fill(nz, 9, out, 1, 17, &err);
		if (!smtj_noise_reseed(nz, 2, &err))
			smtj_noise_fill(nz, 9, out, 3, 17, &err);
		smtj_noise_destroy(nz);
	}
	free(s);
	return 0;
}
