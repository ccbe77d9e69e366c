// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * Ziggurat sampler for N(0, 1) (Marsaglia & Tsang's construction with 128
 * layers), tables built per handle so nothing is global.
 */
#include <math.h>
#include "smtj-internal.h"

#define ZIG_R 3.442619855899		/* start of the tail */
#define ZIG_V 9.91256303526217e-3	/* area of each layer */
#define ZIG_M 2147483648.0		/* 2^31: scale of the abscissa */

void znorm_init(struct znorm *z)
{
	double dn = ZIG_R, tn = dn;
	double q = ZIG_V / exp(-0.5 * dn * dn);

	z->k[0] = (uint32_t)((dn / q) * ZIG_M);
	z->k[1] = 0;
	z->w[0] = (float)(q / ZIG_M);
	z->w[127] = (float)(dn / ZIG_M);
	z->f[0] = 1.0f;
	z->f[127] = (float)exp(-0.5 * dn * dn);
	for (int i = 126; i >= 1; i--) {
		dn = sqrt(-2.0 * log(ZIG_V / dn + exp(-0.5 * dn * dn)));
		z->k[i + 1] = (uint32_t)((dn / tn) * ZIG_M);
		tn = dn;
		z->f[i] = (float)exp(-0.5 * dn * dn);
		z->w[i] = (float)(dn / ZIG_M);
	}
}

/* Outside the rectangle: the wedge test, or the exponential tail for the
 * base layer; fresh words come from @r. */
float znorm_slow(const struct znorm *z, struct srng *r, uint64_t w)
{
	for (;;) {
		unsigned int i = w & 127;
		int32_t h = (int32_t)(uint32_t)(w >> 32);
		uint32_t a = h < 0 ? -(uint32_t)h : (uint32_t)h;
		double x = (double)h * z->w[i];

		if (a < z->k[i])
			return (float)x;
		if (i == 0) {
			double t, y;

			do {
				t = -log(srng_uniform(r)) / ZIG_R;
				y = -log(srng_uniform(r));
			} while (y + y < t * t);
			return (float)(h > 0 ? ZIG_R + t : -ZIG_R - t);
		}
		if (z->f[i] + srng_uniform(r) * (z->f[i - 1] - z->f[i]) <
		    exp(-0.5 * x * x))
			return (float)x;
		w = srng_next(r);
	}
}
