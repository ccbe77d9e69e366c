// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Argument checking of the public API: every bad input is an error with a
 * message, never a crash; errors of the noise callback reach the caller.
 */
#include <errno.h>
#include <string.h>
#include "libdanp.h"
#include "../tap.h"

/* This program's TAP counters (tests/unit/tap.h). */
static struct tap tap;

static int failing_noise(void *ctx, unsigned int layer, float *out,
			 size_t rows, size_t cols)
{
	(void)ctx;
	(void)out;
	(void)rows;
	(void)cols;
	return layer == 1 ? -EIO : 0;
}

int main(void)
{
	struct danp_spec spec;
	struct danp_params p;
	struct danp_net *net = NULL;
	struct danp_err err;
	enum danp_rule r;
	float x[4 * 3] = { 0 }, out[4 * 2];
	int32_t y[4] = { 0, 1, 0, 5 };
	struct danp_batch b = { .x = x, .labels = y, .n = 3 };
	int ret;

	ret = danp_spec_parse(&spec, "784-500-500-500-10", &err);
	tap_ok(&tap, !ret && spec.n_layers == 4 && spec.sizes[4] == 10 &&
	       spec.slope == 0.01f && spec.bias, "parse reference architecture");
	ret = danp_spec_parse(&spec, "784", &err);
	tap_ok(&tap, ret == -EINVAL && strstr(err.msg, "at least"), "one size: %s", err.msg);
	ret = danp_spec_parse(&spec, "784-x-10", &err);
	tap_ok(&tap, ret == -EINVAL && strstr(err.msg, "offset 4"), "bad number: %s", err.msg);
	ret = danp_spec_parse(&spec, "784-0-10", &err);
	tap_ok(&tap, ret == -EINVAL, "zero width: %s", err.msg);
	ret = danp_spec_parse(&spec, "1-2-3-4-5-6-7-8-9-10-11-12-13-14-15-16-17-18", &err);
	tap_ok(&tap, ret == -EINVAL && strstr(err.msg, "layers"), "too deep: %s", err.msg);
	tap_ok(&tap, !danp_rule_parse("danp", &r) && r == DANP_RULE_DANP &&
	       danp_rule_parse("xyz", &r) == -EINVAL &&
	       !strcmp(danp_rule_name(DANP_RULE_BP_DECOR), "dbp"), "rule names");

	danp_spec_parse(&spec, "3-4-2", &err);
	danp_params_default(&p);
	p.max_batch = 0;
	ret = danp_net_create(&net, &spec, &p, 1, &err);
	tap_ok(&tap, ret == -EINVAL && !net, "max_batch 0: %s", err.msg);
	danp_params_default(&p);
	p.beta1 = 1.0f;
	ret = danp_net_create(&net, &spec, &p, 1, &err);
	tap_ok(&tap, ret == -EINVAL, "Adam beta1 1: %s", err.msg);
	danp_params_default(&p);
	p.lr = -1;
	ret = danp_net_create(&net, &spec, &p, 1, &err);
	tap_ok(&tap, ret == -EINVAL, "negative lr: %s", err.msg);
	danp_params_default(&p);
	p.rule = DANP_RULE_NP;
	p.np_sigma2 = 0;
	ret = danp_net_create(&net, &spec, &p, 1, &err);
	tap_ok(&tap, ret == -EINVAL && strstr(err.msg, "sigma2"), "NP without variance: %s",
	       err.msg);

	danp_params_default(&p);
	p.max_batch = 3;
	ret = danp_net_create(&net, &spec, &p, 1, &err);
	tap_ok(&tap, !ret && danp_net_n_params(net) == 3 * 4 + 4 + 4 * 2 + 2,
	       "create 3-4-2 (%zu parameters)", net ? danp_net_n_params(net) : 0);
	if (ret)
		return tap_done(&tap);
	ret = danp_step(net, &b, NULL, &err);
	tap_ok(&tap, ret == -EINVAL && strstr(err.msg, "noise"), "DANP without noise: %s",
	       err.msg);
	danp_net_set_noise(net, failing_noise, NULL);
	ret = danp_step(net, &b, NULL, &err);
	tap_ok(&tap, ret == -EIO && strstr(err.msg, "layer 1"), "noise error propagates: %s",
	       err.msg);
	b.n = 4;
	ret = danp_step(net, &b, NULL, &err);
	tap_ok(&tap, ret == -EINVAL && strstr(err.msg, "1..3"), "batch too large: %s", err.msg);
	b.n = 0;
	ret = danp_step(net, &b, NULL, &err);
	tap_ok(&tap, ret == -EINVAL, "empty batch: %s", err.msg);
	b.n = 4;
	{
		struct danp_eval ev;

		ret = danp_evaluate(net, &b, 0, &ev, &err);
		tap_ok(&tap, ret == -ERANGE && strstr(err.msg, "label 5"),
		       "label out of range: %s", err.msg);
	}
	ret = danp_forward(net, x, 4, 0, out, &err);
	tap_ok(&tap, !ret, "forward of more rows than a batch, in chunks");
	tap_ok(&tap, danp_net_weights(net, 2) == NULL && danp_net_decor(net, 0) != NULL &&
	       danp_net_center(net, 0) == NULL, "accessors");
	danp_net_destroy(net);
	danp_net_destroy(NULL);
	return tap_done(&tap);
}
