// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * Néel–Arrhenius fit: ln tau = ln tau0 + delta (1 - sign b) is linear in
 * the bias b, y = A + B b with A = ln tau0 + delta and B = -sign delta.
 * Weighted least squares with sigma_y = tau_se / tau (delta method); with
 * no errors given, unit weights and the residual variance.
 */
#include <errno.h>
#include <math.h>
#include "smtj-internal.h"

int smtj_arrhenius_fit(const double *bias, const double *tau,
		       const double *tau_se, size_t n, double sign,
		       struct smtj_arrhenius *fit, struct smtj_err *err)
{
	double sw = 0, sx = 0, sy = 0, sxx = 0, sxy = 0, det, a, b;
	double va, vb, cab, chi2 = 0, s2 = 1;

	if (n < 2 || (sign != 1 && sign != -1))
		return smtj_seterr(err, -EINVAL,
				   "Arrhenius fit: %zu points, sign %g (need >= 2 and +-1)",
				   n, sign);
	for (size_t i = 0; i < n; i++) {
		double w = 1, y;

		if (!(tau[i] > 0) || !isfinite(bias[i]))
			return smtj_seterr(err, -EDOM,
					   "Arrhenius fit: point %zu has tau %g, bias %g",
					   i, tau[i], bias[i]);
		if (tau_se) {
			double sy_i = tau_se[i] / tau[i];

			if (!(sy_i > 0))
				return smtj_seterr(err, -EDOM,
						   "Arrhenius fit: point %zu has no positive error", i);
			w = 1 / (sy_i * sy_i);
		}
		y = log(tau[i]);
		sw += w;
		sx += w * bias[i];
		sy += w * y;
		sxx += w * bias[i] * bias[i];
		sxy += w * bias[i] * y;
	}
	det = sw * sxx - sx * sx;
	if (!(fabs(det) > 1e-300 * sw * sxx) || det <= 0)
		return smtj_seterr(err, -EDOM,
				   "Arrhenius fit: all points at the same bias");
	b = (sw * sxy - sx * sy) / det;
	a = (sy - b * sx) / sw;
	for (size_t i = 0; i < n; i++) {
		double w = 1, r = log(tau[i]) - a - b * bias[i];

		if (tau_se) {
			double sy_i = tau_se[i] / tau[i];

			w = 1 / (sy_i * sy_i);
		}
		chi2 += w * r * r;
	}
	if (!tau_se)
		s2 = n > 2 ? chi2 / (n - 2) : 0;
	va = s2 * sxx / det;
	vb = s2 * sw / det;
	cab = -s2 * sx / det;
	fit->delta = -sign * b;
	fit->tau0 = exp(a - fit->delta);
	fit->delta_se = sqrt(vb);
	/* ln tau0 = A + sign B */
	fit->tau0_se = fit->tau0 * sqrt(fmax(va + vb + 2 * sign * cab, 0));
	fit->chi2 = chi2;
	return 0;
}
