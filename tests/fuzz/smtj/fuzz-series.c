// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * libFuzzer target: one recorded-series parser, chosen at build time with
 * -DSERIES_FMT=SMTJ_FMT_U16 / _F32 / _CSV (one binary per parser).
 */
#include "libsmtj.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct smtj_series s;
	struct smtj_err err;

	if (!smtj_series_parse(&s, data, size, SERIES_FMT, "fuzz", &err))
		smtj_series_free(&s);
	return 0;
}
