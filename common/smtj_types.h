/* SPDX-License-Identifier: GPL-2.0-only OR LGPL-2.1-or-later */
/*
 * The kernel types and helpers that the shared integer cores of common/
 * use.  In the kernel they are the kernel's own; in userspace (libsmtj,
 * libdanp, the host tests, the selftests) this header supplies the few
 * equivalents, so that every core compiles unchanged on both sides.
 */
#ifndef SMTJ_TYPES_H
#define SMTJ_TYPES_H

#ifdef __KERNEL__
#include <linux/compiler.h>
#include <linux/kernel.h>	/* ARRAY_SIZE with its BUILD_BUG_ON_ZERO */
#include <linux/math64.h>
#include <linux/types.h>
#else
#include <stddef.h>
#include <stdbool.h>
#include <stdint.h>
#include <linux/types.h>

typedef __u8 u8;
typedef __u16 u16;
typedef __u32 u32;
typedef __s32 s32;
/*
 * The C library's 64-bit types, not <linux/types.h>'s: the libraries keep
 * generator state in uint64_t arrays (a public struct of libdanp among
 * them), which the cores take as u64 arrays.  Same width either way.
 */
typedef __UINT64_TYPE__ u64;
typedef __INT64_TYPE__ s64;

#ifndef ARRAY_SIZE
#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))
#endif
#ifndef likely
#define likely(x) __builtin_expect(!!(x), 1)
#endif

static inline u64 div_u64(u64 dividend, u32 divisor)
{
	return dividend / divisor;
}
#endif /* __KERNEL__ */

#endif /* SMTJ_TYPES_H */
