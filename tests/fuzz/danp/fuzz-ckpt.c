// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * libFuzzer target: checkpoint parser.  The CRC-32 at the end is fixed up
 * first, so that the fuzzer reaches the header and size checks instead of
 * stopping at the checksum.
 */
#include <stdlib.h>
#include <string.h>
#include <zlib.h>
#include "libdanp.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct danp_net *net;
	struct danp_err err;
	uint8_t *buf;
	uint32_t crc;

	if (size < 16)
		return 0;
	buf = malloc(size);
	if (!buf)
		return 0;
	memcpy(buf, data, size);
	crc = (uint32_t)crc32(0L, buf, (uInt)(size - 8));
	for (int i = 0; i < 8; i++)
		buf[size - 8 + i] = i < 4 ? (uint8_t)(crc >> (8 * i)) : 0;
	if (!danp_ckpt_parse(&net, buf, size, "fuzz", NULL, &err))
		danp_net_destroy(net);
	free(buf);
	return 0;
}
