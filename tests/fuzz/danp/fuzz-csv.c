// SPDX-License-Identifier: GPL-2.0-or-later
/* libFuzzer target: CSV dataset parser. */
#include "libdanp.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct danp_dataset ds;
	struct danp_err err;

	if (!danp_parse_csv(&ds, (const char *)data, size, "fuzz", &err))
		danp_dataset_free(&ds);
	return 0;
}
