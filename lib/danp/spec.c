// SPDX-License-Identifier: LGPL-2.1-or-later
/* Network specification, default parameters and rule names. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include "danp-internal.h"

int danp_spec_mlp(struct danp_spec *spec, const size_t *sizes,
		  unsigned int n_layers, struct danp_err *err)
{
	if (n_layers < 1 || n_layers > DANP_MAX_LAYERS)
		return danp_seterr(err, -EINVAL, "%u layers: need 1..%d",
				   n_layers, DANP_MAX_LAYERS);
	memset(spec, 0, sizeof(*spec));
	spec->n_layers = n_layers;
	for (unsigned int i = 0; i <= n_layers; i++) {
		/* 2^20 per layer keeps every product of sizes in range. */
		if (sizes[i] < 1 || sizes[i] > (1u << 20))
			return danp_seterr(err, -EINVAL,
					   "layer size %zu out of range 1..%u",
					   sizes[i], 1u << 20);
		spec->sizes[i] = sizes[i];
	}
	spec->slope = 0.01f;
	spec->bias = 1;
	spec->decor_default = 1;
	return 0;
}

int danp_spec_parse(struct danp_spec *spec, const char *arch,
		    struct danp_err *err)
{
	size_t sizes[DANP_MAX_LAYERS + 1];
	unsigned int n = 0;
	const char *p = arch;

	for (;;) {
		char *end;
		unsigned long v;

		if (*p < '0' || *p > '9')
			return danp_seterr(err, -EINVAL,
					   "architecture '%s': expected a number at offset %zu",
					   arch, (size_t)(p - arch));
		v = strtoul(p, &end, 10);
		if (n > DANP_MAX_LAYERS)
			return danp_seterr(err, -EINVAL,
					   "architecture '%s': more than %d layers",
					   arch, DANP_MAX_LAYERS);
		sizes[n++] = v;
		p = end;
		if (!*p)
			break;
		if (*p != '-' && *p != 'x' && *p != ',')
			return danp_seterr(err, -EINVAL,
					   "architecture '%s': bad separator at offset %zu",
					   arch, (size_t)(p - arch));
		p++;
	}
	if (n < 2)
		return danp_seterr(err, -EINVAL,
				   "architecture '%s': need at least input and output size",
				   arch);
	return danp_spec_mlp(spec, sizes, n - 1, err);
}

void danp_params_default(struct danp_params *p)
{
	memset(p, 0, sizeof(*p));
	p->rule = DANP_RULE_DANP;
	p->loss = DANP_LOSS_CE;
	p->optim = DANP_OPT_ADAM;
	p->reduce = DANP_REDUCE_SUM;
	p->lr = 4.8828e-5f;
	p->beta1 = 0.9f;
	p->beta2 = 0.999f;
	p->eps = 1e-8f;
	p->decor_lr = 1.9073e-7f;
	p->np_sigma2 = 1.0f;
	p->max_batch = 64;
}

static const char *const rule_names[] = {
	[DANP_RULE_BP] = "bp",
	[DANP_RULE_BP_DECOR] = "dbp",
	[DANP_RULE_NP] = "np",
	[DANP_RULE_ANP] = "anp",
	[DANP_RULE_DANP] = "danp",
};

const char *danp_rule_name(enum danp_rule r)
{
	if ((unsigned int)r < sizeof(rule_names) / sizeof(rule_names[0]))
		return rule_names[r];
	return "?";
}

int danp_rule_parse(const char *s, enum danp_rule *r)
{
	for (unsigned int i = 0; i < sizeof(rule_names) / sizeof(rule_names[0]); i++)
		if (!strcmp(s, rule_names[i])) {
			*r = (enum danp_rule)i;
			return 0;
		}
	return -EINVAL;
}

int danp_uses_decor(const struct danp_params *p)
{
	return p->rule == DANP_RULE_DANP || p->rule == DANP_RULE_BP_DECOR;
}
