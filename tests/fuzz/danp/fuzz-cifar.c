// SPDX-License-Identifier: GPL-2.0-or-later
/* libFuzzer target: CIFAR-10/100 binary parser (first byte picks). */
#include "libdanp.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct danp_dataset ds = { 0 };
	struct danp_err err;

	if (size < 1)
		return 0;
	danp_parse_cifar(&ds, data + 1, size - 1, "fuzz",
			 data[0] & 1 ? 100 : 10, &err);
	danp_dataset_free(&ds);
	return 0;
}
