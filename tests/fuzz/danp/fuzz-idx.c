// SPDX-License-Identifier: GPL-2.0-or-later
/* libFuzzer target: IDX image and label parsers (first byte picks one). */
#include <stdlib.h>
#include "libdanp.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct danp_err err;
	size_t n, h, w;
	uint8_t *x;
	int32_t *y;

	if (size < 1)
		return 0;
	if (data[0] & 1) {
		if (!danp_parse_idx_images(data + 1, size - 1, "fuzz", &x, &n,
					   &h, &w, &err))
			free(x);
	} else {
		if (!danp_parse_idx_labels(data + 1, size - 1, "fuzz", &y, &n,
					   &err))
			free(y);
	}
	return 0;
}
