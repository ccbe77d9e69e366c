// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * The simulator of the library: the junction model of common/, the one
 * smtj.ko compiles too, so that the library and a simulated device give
 * the same stream for one seed.
 */
#include <errno.h>
#include <stdlib.h>
#include "smtj_model.h"
#include "smtj-internal.h"

struct smtj_sim {
	struct smtj_model m;
};

void smtj_sim_default_config(struct smtj_sim_config *cfg)
{
	smtj_model_default_config(cfg);
}

int smtj_sim_validate(const struct smtj_sim_config *cfg, struct smtj_err *err)
{
	if (cfg->size != sizeof(*cfg))
		return smtj_seterr(err, -EINVAL,
				   "simulator config: size %u, expected %zu",
				   cfg->size, sizeof(*cfg));
	if (smtj_model_validate(cfg))
		return smtj_seterr(err, -EINVAL,
				   "simulator config rejected (junctions %u, adc_bits %u, rate %u Hz, sigma %u): a field is out of range",
				   cfg->nr_junctions, cfg->adc_bits, cfg->rate_hz,
				   cfg->noise_sigma);
	return 0;
}

int smtj_sim_create(struct smtj_sim **out, const struct smtj_sim_config *cfg,
		    struct smtj_err *err)
{
	struct smtj_sim *s;
	int ret = smtj_sim_validate(cfg, err);

	*out = NULL;
	if (ret)
		return ret;
	s = malloc(sizeof(*s));
	if (!s)
		return smtj_seterr(err, -ENOMEM, "simulator: out of memory");
	smtj_model_init(&s->m, cfg);
	*out = s;
	return 0;
}

void smtj_sim_fill(struct smtj_sim *sim, uint16_t *out, size_t n)
{
	smtj_model_fill(&sim->m, out, n);
}

uint64_t smtj_sim_index(const struct smtj_sim *sim)
{
	return sim->m.index;
}

void smtj_sim_destroy(struct smtj_sim *sim)
{
	free(sim);
}

int smtj_sim_levels_volts(const struct smtj_sim_config *cfg, double *lo,
			  double *hi)
{
	double v = (double)cfg->scale_fv * 1e-15;
	unsigned int nlev = 1U << cfg->nr_junctions, a = 0xffff, b = 0;

	for (unsigned int i = 0; i < nlev; i++) {
		a = cfg->level[i] < a ? cfg->level[i] : a;
		b = cfg->level[i] > b ? cfg->level[i] : b;
	}
	*lo = a * v;
	*hi = b * v;
	return 0;
}
