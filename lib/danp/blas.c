// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * libdanp's BLAS policy: the thread count and the kernel choice.
 *
 * Threads: libdanp splits every product over its own threads (1.9x on
 * two cores, where OpenBLAS's own threading reaches 1.35x), so each BLAS
 * call must run on one thread.  OpenBLAS's count is per process.
 *
 * Kernels: when OpenBLAS runs its AVX2 (Haswell, Zen) kernels on a CPU
 * with AVX-512 - because OPENBLAS_CORETYPE says so, or because its CPU
 * detection does not know the model - its SkylakeX kernels are faster:
 * about 1.7x at this project's shapes on the AVX-512 AMD EPYC where this
 * was measured.  OpenBLAS reads OPENBLAS_CORETYPE when it is loaded; a
 * DYNAMIC_ARCH build (Debian's) can choose its kernels again with
 * gotoblas_dynamic_quit() and gotoblas_dynamic_init(), which gives the
 * same kernels, bit for bit, as naming them before loading.  An
 * OPENBLAS_CORETYPE the user set is the user's choice.
 */
#include <cblas.h>
#include <stdlib.h>
#include <strings.h>
#include "danp-internal.h"

/* OpenBLAS's kernel selection (DYNAMIC_ARCH builds only: weak). */
void gotoblas_dynamic_init(void) __attribute__((weak));
void gotoblas_dynamic_quit(void) __attribute__((weak));

void danp_blas_single_thread(void)
{
	openblas_set_num_threads(1);
}

const char *danp_blas_core(void)
{
	return openblas_get_corename();
}

const char *danp_blas_coretype_hint(void)
{
#if defined(__x86_64__) && defined(__GNUC__)
	const char *core;

	__builtin_cpu_init();
	/* Every extension the SkylakeX kernels use. */
	if (!__builtin_cpu_supports("avx512f") ||
	    !__builtin_cpu_supports("avx512cd") ||
	    !__builtin_cpu_supports("avx512bw") ||
	    !__builtin_cpu_supports("avx512dq") ||
	    !__builtin_cpu_supports("avx512vl"))
		return NULL;
	core = openblas_get_corename();
	if (core && (!strcasecmp(core, "haswell") || !strcasecmp(core, "zen")))
		return "SkylakeX";
#endif
	return NULL;
}

const char *danp_blas_apply_hint(void)
{
	const char *core = getenv("OPENBLAS_CORETYPE") ? NULL :
			   danp_blas_coretype_hint();

	/* Exported for children too, as if the user had set it. */
	if (core && gotoblas_dynamic_init && gotoblas_dynamic_quit &&
	    !setenv("OPENBLAS_CORETYPE", core, 1)) {
		gotoblas_dynamic_quit();
		gotoblas_dynamic_init();
	}
	return danp_blas_core();
}
