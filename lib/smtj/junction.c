// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * Junction physics -> simulator parameters: Néel–Arrhenius dwell times,
 * switching probability per sample, divider and ADC levels.
 */
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "smtj-internal.h"

/* Defaults reproduce the paper's two-state fit at 200 kHz (Documentation/
 * noise/junction.rst, "The paper's junction"):
 * tau = 5 us / -ln(1 - 0.0809) = 59.3 us = 1 ns * exp(10.99); divider
 * 100 kohm + 1108/1477 ohm from 3.3 V gives 36.2 / 48.0 mV. */
void smtj_junction_default(struct smtj_junction_params *p)
{
	memset(p, 0, sizeof(*p));
	p->n = 1;
	p->tau0 = 1e-9;
	for (unsigned int j = 0; j < SMTJ_SIM_MAX_JUNCTIONS; j++) {
		p->delta[j] = 10.98989;
		p->r_p[j] = 1108.0;
		p->r_ap[j] = 1476.7;
	}
	p->temp = 300.0;
	p->t_ref = 300.0;
	p->r_series = 100e3;
	p->vdd = 3.3;
	p->vref = 3.3;
	p->adc_bits = 14;
	p->noise_v = 0.00090841466;
	p->rate_hz = 200000.0;
}

static int check(const struct smtj_junction_params *p, struct smtj_err *err)
{
	if (p->n < 1 || p->n > SMTJ_SIM_MAX_JUNCTIONS)
		return smtj_seterr(err, -EINVAL, "junction: n=%u not in 1..%u",
				   p->n, SMTJ_SIM_MAX_JUNCTIONS);
	if (!(p->tau0 > 0) || !(p->temp > 0) || !(p->t_ref > 0))
		return smtj_seterr(err, -EINVAL,
				   "junction: tau0, temp and tref must be positive");
	if (fabs(p->i_ratio) >= 1 || fabs(p->h_ratio) >= 1)
		return smtj_seterr(err, -ERANGE,
				   "junction: bias ratios |i|, |h| must be below 1 (beyond it the state is not bistable)");
	if (p->adc_bits < 8 || p->adc_bits > 16)
		return smtj_seterr(err, -EINVAL, "junction: bits=%u not in 8..16",
				   p->adc_bits);
	if (!(p->vref > 0) || !(p->vdd > 0) || !(p->r_series >= 0) ||
	    !(p->noise_v >= 0))
		return smtj_seterr(err, -EINVAL,
				   "junction: vref, vdd must be positive, rs and noise non-negative");
	if (!(p->rate_hz >= SMTJ_SIM_RATE_MIN && p->rate_hz <= SMTJ_SIM_RATE_MAX))
		return smtj_seterr(err, -ERANGE, "junction: rate %g Hz not in %u..%u",
				   p->rate_hz, SMTJ_SIM_RATE_MIN, SMTJ_SIM_RATE_MAX);
	for (unsigned int j = 0; j < p->n; j++)
		if (!(p->delta[j] > 0) || !(p->r_p[j] > 0) || !(p->r_ap[j] > 0))
			return smtj_seterr(err, -EINVAL,
					   "junction %u: delta and resistances must be positive", j);
	return 0;
}

int smtj_junction_dwell(const struct smtj_junction_params *p, unsigned int j,
			double *tau_p, double *tau_ap, struct smtj_err *err)
{
	int ret = check(p, err);
	double d, dp, dap;

	if (ret)
		return ret;
	if (j >= p->n)
		return smtj_seterr(err, -EINVAL, "junction: no junction %u", j);
	d = p->delta[j] * p->t_ref / p->temp;
	/* Current (spin torque) tilts the barrier linearly, a field
	 * quadratically (Stoner–Wohlfarth); positive bias favours AP. */
	dp = d * (1 - p->i_ratio) * (1 - p->h_ratio) * (1 - p->h_ratio);
	dap = d * (1 + p->i_ratio) * (1 + p->h_ratio) * (1 + p->h_ratio);
	*tau_p = p->tau0 * exp(dp);
	*tau_ap = p->tau0 * exp(dap);
	return 0;
}

int smtj_junction_to_sim(const struct smtj_junction_params *p, uint64_t seed,
			 struct smtj_sim_config *cfg, struct smtj_err *err)
{
	double lsb, code_max, sigma;
	int ret = check(p, err);

	if (ret)
		return ret;
	memset(cfg, 0, sizeof(*cfg));
	cfg->size = sizeof(*cfg);
	cfg->seed = seed;
	cfg->rate_hz = (uint32_t)lround(p->rate_hz);
	cfg->nr_junctions = p->n;
	cfg->adc_bits = p->adc_bits;
	lsb = p->vref / (double)(1U << p->adc_bits);
	code_max = (double)((1U << p->adc_bits) - 1);
	cfg->scale_fv = (uint64_t)llround(lsb * 1e15);
	sigma = p->noise_v / lsb * 1000.0;
	if (sigma > SMTJ_SIM_SIGMA_MAX)
		return smtj_seterr(err, -ERANGE,
				   "junction: noise %g V is %g LSB, above the simulator's %u",
				   p->noise_v, sigma / 1000, SMTJ_SIM_SIGMA_MAX / 1000);
	cfg->noise_sigma = (uint32_t)lround(sigma);
	for (unsigned int j = 0; j < p->n; j++) {
		double tp, tap, dt = 1.0 / p->rate_hz;

		smtj_junction_dwell(p, j, &tp, &tap, NULL);
		/* p = 1 - exp(-dt/tau), in units of 1e-9 */
		cfg->p_leave[j][0] = (uint32_t)llround(-expm1(-dt / tp) * SMTJ_SIM_PROB_ONE);
		cfg->p_leave[j][1] = (uint32_t)llround(-expm1(-dt / tap) * SMTJ_SIM_PROB_ONE);
	}
	for (unsigned int st = 0; st < (1U << p->n); st++) {
		double r = 0, v, c;

		for (unsigned int j = 0; j < p->n; j++)
			r += (st >> j) & 1 ? p->r_ap[j] : p->r_p[j];
		v = p->vdd * r / (r + p->r_series);
		c = round(v / lsb);
		if (c > code_max)
			return smtj_seterr(err, -ERANGE,
					   "junction: state %u gives %g V, above the ADC's %g V",
					   st, v, p->vref);
		cfg->level[st] = (uint16_t)c;
	}
	return 0;
}

/* The physics keys of a spec (shared by the junction source, smtjctl). */
int smtj_junction_spec_params(struct smtj_spec *sp, struct smtj_junction_params *p,
			      struct smtj_err *err)
{
	unsigned int cnt, bits;
	int ret;

	smtj_junction_default(p);
	bits = p->adc_bits;
	if ((ret = smtj_spec_uint(sp, "n", &p->n, err)) < 0 ||
	    (ret = smtj_spec_double(sp, "tau0", &p->tau0, err)) < 0 ||
	    (ret = smtj_spec_dlist(sp, "delta", p->delta, SMTJ_SIM_MAX_JUNCTIONS, &cnt, err)) < 0 ||
	    (ret = smtj_spec_double(sp, "temp", &p->temp, err)) < 0 ||
	    (ret = smtj_spec_double(sp, "tref", &p->t_ref, err)) < 0 ||
	    (ret = smtj_spec_double(sp, "i", &p->i_ratio, err)) < 0 ||
	    (ret = smtj_spec_double(sp, "h", &p->h_ratio, err)) < 0 ||
	    (ret = smtj_spec_dlist(sp, "rp", p->r_p, SMTJ_SIM_MAX_JUNCTIONS, &cnt, err)) < 0 ||
	    (ret = smtj_spec_dlist(sp, "rap", p->r_ap, SMTJ_SIM_MAX_JUNCTIONS, &cnt, err)) < 0 ||
	    (ret = smtj_spec_double(sp, "rs", &p->r_series, err)) < 0 ||
	    (ret = smtj_spec_double(sp, "vdd", &p->vdd, err)) < 0 ||
	    (ret = smtj_spec_double(sp, "vref", &p->vref, err)) < 0 ||
	    (ret = smtj_spec_uint(sp, "bits", &bits, err)) < 0 ||
	    (ret = smtj_spec_double(sp, "noise", &p->noise_v, err)) < 0 ||
	    (ret = smtj_spec_double(sp, "rate", &p->rate_hz, err)) < 0)
		return ret;
	p->adc_bits = bits;
	return 0;
}

int smtj_junction_parse(struct smtj_junction_params *p, const char *keys,
			struct smtj_err *err)
{
	struct smtj_spec *sp = malloc(sizeof(*sp));
	char *text;
	int ret;

	if (!sp)
		return smtj_seterr(err, -ENOMEM, "junction: out of memory");
	text = malloc(strlen(keys) + 16);
	if (!text) {
		free(sp);
		return smtj_seterr(err, -ENOMEM, "junction: out of memory");
	}
	/* accept "junction:k=v,..." or the bare "k=v,..." */
	sprintf(text, "%s%s", strncmp(keys, "junction", 8) ? "junction:" : "", keys);
	if (!strcmp(text, "junction:"))
		text[8] = 0;
	ret = smtj_spec_parse(sp, text, err);
	if (!ret && strcmp(sp->name, "junction"))
		ret = smtj_seterr(err, -EINVAL, "junction: \"%s\" is not a junction spec", keys);
	if (!ret)
		ret = smtj_junction_spec_params(sp, p, err);
	if (ret >= 0)
		ret = smtj_spec_unused(sp, err);
	free(sp);
	free(text);
	return ret < 0 ? ret : 0;
}
