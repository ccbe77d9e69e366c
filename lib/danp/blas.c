// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * OpenBLAS kernel choice.  When OpenBLAS runs its AVX2 (Haswell, Zen)
 * kernels on a CPU with AVX-512 - because OPENBLAS_CORETYPE says so, or
 * because its CPU detection does not know the model - its SkylakeX
 * kernels are faster: about 1.7x at this project's shapes on the AVX-512
 * AMD EPYC where this was measured.  OpenBLAS reads OPENBLAS_CORETYPE only
 * when it is loaded, so programs apply the hint by setting it and
 * re-executing themselves; the library only advises.  An
 * OPENBLAS_CORETYPE the user set is the user's choice: callers leave it
 * unless told otherwise (danp-bench --blas-core auto).
 */
#include <cblas.h>
#include <strings.h>
#include "danp-internal.h"

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
