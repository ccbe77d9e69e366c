// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * smtjstat: statistics of a recorded series or of samples read from a
 * device: moments, levels, dwell times per state, autocorrelation; with
 * --entropy, the SP 800-90B min-entropy assessment (entropy.c).
 *
 * Exit status: 0 success, 1 input or device error, 2 usage error,
 * 3 restart test failed.
 */
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "libsmtj.h"
#include "entropy.h"
#include "../common/tool.h"

static void usage(FILE *f)
{
	fprintf(f,
		"Usage: smtjstat [options] FILE\n"
		"       smtjstat [options] -d DEV [-n COUNT] [-t TRANSPORT]\n"
		"Statistics of an sMTJ noise series: moments, levels, dwell times,\n"
		"autocorrelation.\n\n"
		"  -d, --device DEV     read from a device (path or index) instead of FILE\n"
		"  -n, --count N        samples to read from the device (default 1000000)\n"
		"  -t, --transport T    auto, uring, mmap, read\n"
		"  -f, --format F       FILE format: auto (by extension), u16, f32, csv\n"
		"  -S, --scale X        multiply values by X (e.g. volts per code)\n"
		"  -l, --levels K       levels to look for (default 2)\n"
		"  -L, --lags N         autocorrelation up to lag N (default 100)\n"
		"  -H, --hist N         print an N-bin histogram\n"
		"  -D, --dwell-hist N   print the dwell-time distribution up to N samples\n"
		"  -j, --json           JSON output\n"
		"  -h, --help           this help\n\n"
		"Min-entropy (NIST SP 800-90B section 6.3 estimators):\n"
		"  -e, --entropy        assess the samples instead of the statistics\n"
		"  -s, --symbols MODE   what a sample becomes: states (default: 2 levels,\n"
		"                       half-way threshold), states=K, bit=K (bit K of\n"
		"                       the ADC code), low=M (its low M bits)\n"
		"  -w, --width B        FILE holds one symbol per byte of B bits (the\n"
		"                       format of the standard's tools)\n"
		"  -W, --write-symbols F  write the symbols assessed to F, one per byte\n"
		"  -r, --restart F      restart data (restarts x samples, row-major, the\n"
		"                       same format as FILE): sanity check, H_r, H_c\n"
		"  -R, --restart-shape RxC  its shape (default 1000x1000)\n\n"
		"Dwell times threshold the series half-way between the lowest and the\n"
		"highest level.  Exit status: 0 success, 1 input error, 2 usage error,\n"
		"3 restart test failed.\n");
}

static int from_device(const char *name, enum smtj_transport tr, size_t n,
		       double scale_opt, struct smtj_series *s)
{
	struct smtj_stream_opts o = { .transport = tr };
	struct smtj_err err = { 0 };
	struct smtj_stream *st = NULL;
	struct smtj_dev *dev = NULL;
	struct smtj_info info;
	uint16_t *c = malloc(n * sizeof(*c));
	uint64_t lost = 0;
	int ret = -ENOMEM;

	s->v = malloc(n * sizeof(float));
	s->n = n;
	if (!c || !s->v)
		goto out;
	ret = smtj_dev_open(&dev, name, 0, &err);
	if (!ret)
		ret = smtj_dev_info(dev, &info, &err);
	if (!ret)
		ret = smtj_stream_open(&st, dev, &o, &err);
	if (!ret && smtj_stream_note(st)[0])
		fprintf(stderr, "smtjstat: note: %s\n", smtj_stream_note(st));
	if (!ret)
		ret = smtj_stream_read(st, c, n, &lost, &err);
	if (ret) {
		fprintf(stderr, "smtjstat: %s\n", err.msg);
		goto out;
	}
	/* volts unless the caller gave a scale for the codes */
	for (size_t i = 0; i < n; i++)
		s->v[i] = scale_opt ? (float)c[i] : (float)smtj_code_volts(&info, c[i]);
	if (lost)
		fprintf(stderr, "smtjstat: %llu samples lost while reading (series has gaps)\n",
			(unsigned long long)lost);
out:
	smtj_stream_close(st);
	smtj_dev_close(dev);
	free(c);
	return ret;
}

/* Histogram and dwell-time distribution, as JSON fields or text. */
static void print_extra(const struct smtj_series *s, const struct smtj_dwell *d,
			int have_dwell, unsigned long hbins, unsigned long dbins,
			int json)
{
	struct smtj_hist h;

	if (hbins && !smtj_hist(&h, s->v, s->n, hbins, 0, 0, NULL)) {
		printf(json ? ",\"hist\":{\"lo\":%.9g,\"hi\":%.9g,\"count\":[" :
			      "# histogram %.9g .. %.9g: bin_start count\n", h.lo, h.hi);
		for (size_t i = 0; i < h.nbins; i++) {
			if (json)
				printf("%s%llu", i ? "," : "", (unsigned long long)h.count[i]);
			else
				printf("%.9g %llu\n", h.lo + i * (h.hi - h.lo) / h.nbins,
				       (unsigned long long)h.count[i]);
		}
		if (json)
			printf("]}");
		smtj_hist_free(&h);
	}
	if (dbins && have_dwell) {
		uint64_t *dh[2] = { calloc(dbins, 8), calloc(dbins, 8) };

		if (dh[0] && dh[1]) {
			smtj_dwell_hist(d, 0, dh[0], dbins);
			smtj_dwell_hist(d, 1, dh[1], dbins);
			if (json) {
				for (int st = 0; st < 2; st++) {
					printf(",\"dwell_hist_%s\":[", st ? "high" : "low");
					for (size_t i = 0; i < dbins; i++)
						printf("%s%llu", i ? "," : "",
						       (unsigned long long)dh[st][i]);
					printf("]");
				}
			} else {
				printf("# dwell: samples low high (last bin: longer)\n");
				for (size_t i = 0; i < dbins; i++)
					printf("%zu %llu %llu\n", i + 1,
					       (unsigned long long)dh[0][i],
					       (unsigned long long)dh[1][i]);
			}
		}
		free(dh[0]);
		free(dh[1]);
	}
}

struct opts {
	const char *devname;
	enum smtj_series_format fmt;
	enum smtj_transport tr;
	uint64_t count, nlev, lags, hbins, dbins, width;
	double scale;
	int json, entropy;
	struct entropy_opts eo;
};

/* The statistics of one series. */
struct stats {
	double mean, var, lo, hi, thr;
	struct smtj_levels lv;
	struct smtj_dwell d;
	int have_dwell;
	double *r;			/* autocorrelation 0..lags, or NULL */
	size_t lags, tau_e;
};

static int on_option(void *ctx, int c, const char *arg);

static const struct option long_opts[] = {
	{ "device", required_argument, NULL, 'd' },
	{ "count", required_argument, NULL, 'n' },
	{ "transport", required_argument, NULL, 't' },
	{ "format", required_argument, NULL, 'f' },
	{ "scale", required_argument, NULL, 'S' },
	{ "levels", required_argument, NULL, 'l' },
	{ "lags", required_argument, NULL, 'L' },
	{ "hist", required_argument, NULL, 'H' },
	{ "dwell-hist", required_argument, NULL, 'D' },
	{ "json", no_argument, NULL, 'j' },
	{ "help", no_argument, NULL, 'h' },
	{ "entropy", no_argument, NULL, 'e' },
	{ "symbols", required_argument, NULL, 's' },
	{ "width", required_argument, NULL, 'w' },
	{ "write-symbols", required_argument, NULL, 'W' },
	{ "restart", required_argument, NULL, 'r' },
	{ "restart-shape", required_argument, NULL, 'R' },
	{ NULL, 0, NULL, 0 },
};

/* Operands: FILE, or more for the "give one" message below. */
static const struct tool smtjstat = {
	.name = "smtjstat", .usage = usage,
	.shortopts = "d:n:t:f:S:l:L:H:D:jhes:w:W:r:R:",
	.longopts = long_opts, .option = on_option, .max_args = 1 << 30,
};

static int on_option(void *ctx, int c, const char *arg)
{
	struct opts *o = ctx;
	struct entropy_opts *eo = &o->eo;
	char *end;

	switch (c) {
	case 'd': o->devname = arg; break;
	case 'j': o->json = 1; break;
	case 'e': o->entropy = 1; break;
	case 's': eo->symbols = arg; break;
	case 'W': eo->write_symbols = arg; break;
	case 'r': eo->restart = arg; break;
	case 'n': return tool_u64(&smtjstat, c, arg, &o->count);
	case 'l': return tool_u64(&smtjstat, c, arg, &o->nlev);
	case 'L': return tool_u64(&smtjstat, c, arg, &o->lags);
	case 'H': return tool_u64(&smtjstat, c, arg, &o->hbins);
	case 'D': return tool_u64(&smtjstat, c, arg, &o->dbins);
	case 'w': return tool_u64(&smtjstat, c, arg, &o->width);
	case 't': return tool_transport(&smtjstat, arg, &o->tr);
	case 'f':
		if (smtj_series_format_parse(arg, &o->fmt)) {
			tool_err(&smtjstat, "format %s: auto, u16, f32 or csv", arg);
			return TOOL_USAGE;
		}
		break;
	case 'S':
		o->scale = strtod(arg, &end);
		if (*end || !*arg || !isfinite(o->scale) || o->scale == 0) {
			tool_err(&smtjstat, "--scale %s: a nonzero number", arg);
			return TOOL_USAGE;
		}
		break;
	case 'R':
		if (sscanf(arg, "%zux%zu%c", &eo->restart_rows, &eo->restart_cols,
			   &(char){ 0 }) != 2 || eo->restart_rows < 2 ||
		    eo->restart_cols < 2) {
			tool_err(&smtjstat, "--restart-shape %s: ROWSxCOLS, each >= 2", arg);
			return TOOL_USAGE;
		}
		break;
	}
	return TOOL_GO_ON;
}

/* Combinations the options alone cannot check. */
static int check_opts(const struct opts *o, int operands)
{
	if ((o->devname != NULL) == (operands > 0) || operands > 1) {
		tool_err(&smtjstat, "give one FILE or -d DEV (try --help)");
		return TOOL_USAGE;
	}
	if (o->nlev < 1 || o->nlev > SMTJ_SIM_MAX_LEVELS || o->count < 2 ||
	    o->hbins > (1UL << 20) || o->dbins > (1UL << 20)) {
		tool_err(&smtjstat, "levels 1..%u, count >= 2, bins <= 2^20",
			 SMTJ_SIM_MAX_LEVELS);
		return TOOL_USAGE;
	}
	if ((o->eo.restart || o->eo.write_symbols || o->width) && !o->entropy) {
		tool_err(&smtjstat, "--width, --write-symbols and --restart go with --entropy");
		return TOOL_USAGE;
	}
	if (o->width > 8 || (o->width && o->devname)) {
		tool_err(&smtjstat, "--width 1..8, for a FILE of symbols");
		return TOOL_USAGE;
	}
	return TOOL_GO_ON;
}

/* --entropy: the assessment instead of the statistics. */
static int run_entropy(struct opts *o, const char *file)
{
	struct entropy_opts *eo = &o->eo;

	eo->file = o->devname ? NULL : file;
	eo->device = o->devname;
	eo->count = o->count;
	eo->transport = o->tr;
	eo->format = o->fmt;
	eo->width = (unsigned int)o->width;
	eo->json = o->json;
	return stat_entropy(eo);
}

/* The series from FILE or the device, scaled; at least two values. */
static int load(const struct opts *o, const char *src, struct smtj_series *s)
{
	struct smtj_err err = { 0 };

	if (o->devname) {
		if (from_device(o->devname, o->tr, o->count, o->scale, s))
			return -1;
	} else if (smtj_series_load(s, src, o->fmt, &err)) {
		tool_err(&smtjstat, "%s", err.msg);
		return -1;
	}
	if (o->scale)
		for (size_t i = 0; i < s->n; i++)
			s->v[i] *= (float)o->scale;
	if (s->n < 2) {
		tool_err(&smtjstat, "%s: only %zu value", src, s->n);
		return -1;
	}
	return 0;
}

static void compute(const struct opts *o, const struct smtj_series *s,
		    struct stats *st)
{
	struct smtj_err err = { 0 };

	st->lo = st->hi = s->v[0];
	for (size_t i = 0; i < s->n; i++) {
		st->mean += s->v[i];
		st->lo = fmin(st->lo, s->v[i]);
		st->hi = fmax(st->hi, s->v[i]);
	}
	st->mean /= s->n;
	for (size_t i = 0; i < s->n; i++)
		st->var += (s->v[i] - st->mean) * (s->v[i] - st->mean);
	st->var /= s->n;
	st->lags = o->lags >= s->n ? s->n - 1 : o->lags;
	st->r = calloc(st->lags + 1, sizeof(*st->r));
	if (smtj_levels_detect(&st->lv, s->v, s->n, (unsigned int)o->nlev, &err))
		tool_err(&smtjstat, "%s", err.msg);
	st->thr = st->lv.n >= 2 ? 0.5 * (st->lv.level[0] + st->lv.level[st->lv.n - 1]) :
				 st->mean;
	if (st->lv.n >= 2 && !smtj_dwell(&st->d, s->v, s->n, st->thr, NULL))
		st->have_dwell = 1;
	if (st->r && st->var > 0 && !smtj_acf(s->v, s->n, st->r, st->lags, &err)) {
		for (st->tau_e = 1; st->tau_e <= st->lags && st->r[st->tau_e] >= exp(-1);
		     st->tau_e++)
			;
	} else {
		free(st->r);
		st->r = NULL;
	}
}

static void print_json(const char *src, const struct smtj_series *s,
		       const struct stats *st)
{
	const struct smtj_levels *lv = &st->lv;
	const struct smtj_dwell *d = &st->d;

	printf("{\"source\":\"%s\",\"n\":%zu,\"mean\":%.9g,\"sd\":%.9g,\"min\":%.9g,\"max\":%.9g,\"levels\":[",
	       src, s->n, st->mean, sqrt(st->var), st->lo, st->hi);
	for (unsigned int i = 0; i < lv->n; i++)
		printf("%s{\"level\":%.9g,\"weight\":%.6g,\"sd\":%.6g}", i ? "," : "",
		       lv->level[i], lv->weight[i], lv->sd[i]);
	printf("],\"threshold\":%.9g", st->thr);
	if (st->have_dwell)
		printf(",\"dwell\":[{\"mean\":%.6g,\"sem\":%.3g,\"runs\":%zu},{\"mean\":%.6g,\"sem\":%.3g,\"runs\":%zu}]",
		       d->mean[0], d->sem[0], d->count[0], d->mean[1], d->sem[1], d->count[1]);
	if (st->r) {
		printf(",\"acf\":[");
		for (size_t k = 0; k <= st->lags; k++)
			printf("%s%.6g", k ? "," : "", st->r[k]);
		printf("],\"corr_lag_1e\":%zu", st->tau_e);
	}
}

static void print_text(const char *src, const struct smtj_series *s,
		       const struct stats *st)
{
	const struct smtj_levels *lv = &st->lv;

	printf("source:     %s (%zu values)\n", src, s->n);
	printf("mean:       %.9g\nsd:         %.9g\nrange:      %.9g .. %.9g\n",
	       st->mean, sqrt(st->var), st->lo, st->hi);
	for (unsigned int i = 0; i < lv->n; i++)
		printf("level %u:    %.9g  (%.2f %%, sd %.3g)\n", i, lv->level[i],
		       100 * lv->weight[i], lv->sd[i]);
	if (st->have_dwell) {
		printf("threshold:  %.9g\n", st->thr);
		for (int k = 0; k < 2; k++)
			printf("dwell %s:   %.4g +- %.2g samples (%zu runs)\n",
			       k ? "high" : "low ", st->d.mean[k], st->d.sem[k],
			       st->d.count[k]);
	}
	if (st->r) {
		printf("acf:       ");
		for (size_t k = 1; k <= st->lags; k = k < 5 ? k + 1 : k * 2)
			printf(" %zu:%.4f", k, st->r[k]);
		printf("\n1/e lag:    %zu%s\n", st->tau_e,
		       st->tau_e > st->lags ? " (beyond --lags)" : "");
	}
}

int main(int argc, char **argv)
{
	struct opts o = {
		.fmt = SMTJ_FMT_AUTO, .tr = SMTJ_TR_AUTO, .count = 1000000,
		.nlev = 2, .lags = 100,
		.eo = { .symbols = "states", .restart_rows = 1000,
			.restart_cols = 1000 },
	};
	struct smtj_series s = { 0 };
	struct stats st = { 0 };
	const char *src;
	int ret;

	ret = tool_parse(&smtjstat, argc, argv, &o);
	if (ret == TOOL_GO_ON)
		ret = check_opts(&o, argc - optind);
	if (ret != TOOL_GO_ON)
		return ret;
	src = o.devname ? o.devname : argv[optind];
	if (o.entropy)
		return run_entropy(&o, src);
	if (load(&o, src, &s)) {
		smtj_series_free(&s);
		return TOOL_FAIL;
	}
	compute(&o, &s, &st);
	if (o.json)
		print_json(src, &s, &st);
	else
		print_text(src, &s, &st);
	print_extra(&s, &st.d, st.have_dwell, o.hbins, o.dbins, o.json);
	if (o.json)
		printf("}\n");
	smtj_dwell_free(&st.d);
	free(st.r);
	smtj_series_free(&s);
	return TOOL_OK;
}
