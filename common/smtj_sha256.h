/* SPDX-License-Identifier: GPL-2.0-only OR LGPL-2.1-or-later */
/*
 * SHA-256 for the hwrng conditioner: the kernel's library (<crypto/sha2.h>,
 * CONFIG_CRYPTO_LIB_SHA256) in smtj.ko; for the host tests and benchmarks
 * that compile common/smtj_extract.c, the same four names implemented in
 * smtj_sha256_host.c after FIPS 180-4.
 */
#ifndef SMTJ_SHA256_H
#define SMTJ_SHA256_H

#ifdef __KERNEL__
#include <crypto/sha2.h>
#else
#include "smtj_types.h"

#define SHA256_DIGEST_SIZE	32
#define SHA256_BLOCK_SIZE	64

struct sha256_state {
	u32 state[SHA256_DIGEST_SIZE / 4];
	u64 count;		/* bytes hashed */
	u8 buf[SHA256_BLOCK_SIZE];
};

void sha256_init(struct sha256_state *sctx);
void sha256_update(struct sha256_state *sctx, const u8 *data,
		   unsigned int len);
void sha256_final(struct sha256_state *sctx, u8 *out);
#endif

#endif /* SMTJ_SHA256_H */
