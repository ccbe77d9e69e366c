// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * A program as a user writes it against the installed libraries: built
 * by test-install.sh with nothing but `pkg-config --cflags --libs` on the
 * installed libsmtj.pc and libdanp.pc, then run.  Prints TAP.
 */
#include <libdanp.h>
#include <libsmtj.h>
#include <math.h>
#include <stdio.h>
#include <string.h>

#define N 4096

static int ok(int n, int cond, const char *what)
{
	printf("%sok %d - %s\n", cond ? "" : "not ", n, what);
	return cond;
}

int main(void)
{
	static float x[N];
	struct smtj_noise *src = NULL;
	struct smtj_err err = { 0 };
	struct danp_spec spec;
	struct danp_params p;
	struct danp_err derr = { 0 };
	enum danp_rule rule;
	char want[32];
	double mean = 0, var = 0;
	int good = 1;
	size_t i;

	printf("1..4\n");
	/* The library found at run time is the one the header belongs to. */
	snprintf(want, sizeof(want), "%d.%d", LIBSMTJ_VERSION_MAJOR,
		 LIBSMTJ_VERSION_MINOR);
	good &= ok(1, strcmp(smtj_version(), want) == 0,
		   "smtj_version() matches the installed header");

	if (smtj_noise_from_spec(&src, "gauss:sigma=1", 1, &err) == 0 &&
	    smtj_noise_fill(src, 0, x, N, 1, &err) == 0) {
		for (i = 0; i < N; i++)
			mean += x[i];
		mean /= N;
		for (i = 0; i < N; i++)
			var += (x[i] - mean) * (x[i] - mean);
		var /= N - 1;
	} else {
		printf("# libsmtj: %s\n", err.msg);
	}
	/* N(0,1) samples: the mean has sd 1/sqrt(N) and the variance
	 * sqrt(2/(N-1)); 5 sd each (fixed seed). */
	good &= ok(2, fabs(mean) < 5 / sqrt(N) &&
		   fabs(var - 1) < 5 * sqrt(2.0 / (N - 1)),
		   "gauss noise from libsmtj has mean 0 and variance 1");
	smtj_noise_destroy(src);

	good &= ok(3, danp_spec_parse(&spec, "4-3-2", &derr) == 0 &&
		   spec.n_layers == 2 && spec.sizes[0] == 4 &&
		   spec.sizes[2] == 2, "libdanp parses an architecture");
	danp_params_default(&p);
	good &= ok(4, danp_rule_parse(danp_rule_name(p.rule), &rule) == 0 &&
		   rule == p.rule, "libdanp's rule names round-trip");
	return good ? 0 : 1;
}
