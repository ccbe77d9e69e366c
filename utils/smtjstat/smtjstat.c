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
#include <getopt.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "libsmtj.h"
#include "entropy.h"

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

int main(int argc, char **argv)
{
	static const struct option opts[] = {
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
	enum smtj_series_format fmt = SMTJ_FMT_AUTO;
	enum smtj_transport tr = SMTJ_TR_AUTO;
	unsigned long count = 1000000, nlev = 2, lags = 100, hbins = 0, dbins = 0;
	const char *devname = NULL, *src;
	double scale = 0, mean = 0, var = 0, lo, hi, thr, *r = NULL;
	struct smtj_err err = { 0 };
	struct smtj_series s = { 0 };
	struct smtj_levels lv = { 0 };
	struct smtj_dwell d = { 0 };
	struct entropy_opts eo = { .symbols = "states", .restart_rows = 1000,
				   .restart_cols = 1000 };
	int c, json = 0, ret, have_dwell = 0, entropy = 0;
	unsigned long width = 0;
	size_t tau_e = 0;
	char *end;

	while ((c = getopt_long(argc, argv, "d:n:t:f:S:l:L:H:D:jhes:w:W:r:R:", opts, NULL)) != -1) {
		unsigned long *dst = NULL;

		switch (c) {
		case 'd':
			devname = optarg;
			break;
		case 't':
			if (smtj_transport_parse(optarg, &tr)) {
				fprintf(stderr, "smtjstat: transport %s: auto, uring, mmap or read\n", optarg);
				return 2;
			}
			break;
		case 'f':
			if (smtj_series_format_parse(optarg, &fmt)) {
				fprintf(stderr, "smtjstat: format %s: auto, u16, f32 or csv\n", optarg);
				return 2;
			}
			break;
		case 'S':
			scale = strtod(optarg, &end);
			if (*end || !*optarg || !isfinite(scale) || scale == 0) {
				fprintf(stderr, "smtjstat: --scale %s: a nonzero number\n", optarg);
				return 2;
			}
			break;
		case 'n':
			dst = &count;
			break;
		case 'l':
			dst = &nlev;
			break;
		case 'L':
			dst = &lags;
			break;
		case 'H':
			dst = &hbins;
			break;
		case 'D':
			dst = &dbins;
			break;
		case 'j':
			json = 1;
			break;
		case 'e':
			entropy = 1;
			break;
		case 's':
			eo.symbols = optarg;
			break;
		case 'w':
			dst = &width;
			break;
		case 'W':
			eo.write_symbols = optarg;
			break;
		case 'r':
			eo.restart = optarg;
			break;
		case 'R':
			if (sscanf(optarg, "%zux%zu%c", &eo.restart_rows, &eo.restart_cols,
				   &(char){ 0 }) != 2 || eo.restart_rows < 2 ||
			    eo.restart_cols < 2) {
				fprintf(stderr, "smtjstat: --restart-shape %s: ROWSxCOLS, each >= 2\n",
					optarg);
				return 2;
			}
			break;
		case 'h':
			usage(stdout);
			return 0;
		default:
			usage(stderr);
			return 2;
		}
		if (dst) {
			*dst = strtoul(optarg, &end, 0);
			if (*end || !*optarg || optarg[0] == '-') {
				fprintf(stderr, "smtjstat: -%c %s: not a number\n", c, optarg);
				return 2;
			}
		}
	}
	if ((devname != NULL) == (optind < argc) || optind + 1 < argc) {
		fprintf(stderr, "smtjstat: give one FILE or -d DEV (try --help)\n");
		return 2;
	}
	if (nlev < 1 || nlev > SMTJ_SIM_MAX_LEVELS || count < 2 || hbins > (1UL << 20) ||
	    dbins > (1UL << 20)) {
		fprintf(stderr, "smtjstat: levels 1..%u, count >= 2, bins <= 2^20\n",
			SMTJ_SIM_MAX_LEVELS);
		return 2;
	}
	if ((eo.restart || eo.write_symbols || width) && !entropy) {
		fprintf(stderr, "smtjstat: --width, --write-symbols and --restart go with --entropy\n");
		return 2;
	}
	if (width > 8 || (width && devname)) {
		fprintf(stderr, "smtjstat: --width 1..8, for a FILE of symbols\n");
		return 2;
	}
	if (entropy) {
		eo.file = devname ? NULL : argv[optind];
		eo.device = devname;
		eo.count = count;
		eo.transport = tr;
		eo.format = fmt;
		eo.width = (unsigned int)width;
		eo.json = json;
		return stat_entropy(&eo);
	}
	if (devname) {
		src = devname;
		if (from_device(devname, tr, count, scale, &s))
			return 1;
	} else {
		src = argv[optind];
		if (smtj_series_load(&s, src, fmt, &err)) {
			fprintf(stderr, "smtjstat: %s\n", err.msg);
			return 1;
		}
	}
	if (scale)
		for (size_t i = 0; i < s.n; i++)
			s.v[i] *= (float)scale;
	if (s.n < 2) {
		fprintf(stderr, "smtjstat: %s: only %zu value\n", src, s.n);
		smtj_series_free(&s);
		return 1;
	}
	lo = hi = s.v[0];
	for (size_t i = 0; i < s.n; i++) {
		mean += s.v[i];
		lo = fmin(lo, s.v[i]);
		hi = fmax(hi, s.v[i]);
	}
	mean /= s.n;
	for (size_t i = 0; i < s.n; i++)
		var += (s.v[i] - mean) * (s.v[i] - mean);
	var /= s.n;
	if (lags >= s.n)
		lags = s.n - 1;
	r = calloc(lags + 1, sizeof(*r));
	ret = smtj_levels_detect(&lv, s.v, s.n, (unsigned int)nlev, &err);
	if (ret)
		fprintf(stderr, "smtjstat: %s\n", err.msg);
	thr = lv.n >= 2 ? 0.5 * (lv.level[0] + lv.level[lv.n - 1]) : mean;
	if (lv.n >= 2 && !smtj_dwell(&d, s.v, s.n, thr, NULL))
		have_dwell = 1;
	if (r && var > 0 && !smtj_acf(s.v, s.n, r, lags, &err)) {
		for (tau_e = 1; tau_e <= lags && r[tau_e] >= exp(-1); tau_e++)
			;
	} else {
		free(r);
		r = NULL;
	}
	if (json) {
		printf("{\"source\":\"%s\",\"n\":%zu,\"mean\":%.9g,\"sd\":%.9g,\"min\":%.9g,\"max\":%.9g,\"levels\":[",
		       src, s.n, mean, sqrt(var), lo, hi);
		for (unsigned int i = 0; i < lv.n; i++)
			printf("%s{\"level\":%.9g,\"weight\":%.6g,\"sd\":%.6g}", i ? "," : "",
			       lv.level[i], lv.weight[i], lv.sd[i]);
		printf("],\"threshold\":%.9g", thr);
		if (have_dwell)
			printf(",\"dwell\":[{\"mean\":%.6g,\"sem\":%.3g,\"runs\":%zu},{\"mean\":%.6g,\"sem\":%.3g,\"runs\":%zu}]",
			       d.mean[0], d.sem[0], d.count[0], d.mean[1], d.sem[1], d.count[1]);
		if (r) {
			printf(",\"acf\":[");
			for (size_t k = 0; k <= lags; k++)
				printf("%s%.6g", k ? "," : "", r[k]);
			printf("],\"corr_lag_1e\":%zu", tau_e);
		}
		print_extra(&s, &d, have_dwell, hbins, dbins, 1);
		printf("}\n");
	} else {
		printf("source:     %s (%zu values)\n", src, s.n);
		printf("mean:       %.9g\nsd:         %.9g\nrange:      %.9g .. %.9g\n",
		       mean, sqrt(var), lo, hi);
		for (unsigned int i = 0; i < lv.n; i++)
			printf("level %u:    %.9g  (%.2f %%, sd %.3g)\n", i, lv.level[i],
			       100 * lv.weight[i], lv.sd[i]);
		if (have_dwell) {
			printf("threshold:  %.9g\n", thr);
			for (int st = 0; st < 2; st++)
				printf("dwell %s:   %.4g +- %.2g samples (%zu runs)\n",
				       st ? "high" : "low ", d.mean[st], d.sem[st], d.count[st]);
		}
		if (r) {
			printf("acf:       ");
			for (size_t k = 1; k <= lags; k = k < 5 ? k + 1 : k * 2)
				printf(" %zu:%.4f", k, r[k]);
			printf("\n1/e lag:    %zu%s\n", tau_e, tau_e > lags ? " (beyond --lags)" : "");
		}
		print_extra(&s, &d, have_dwell, hbins, dbins, 0);
	}
	smtj_dwell_free(&d);
	free(r);
	smtj_series_free(&s);
	return 0;
}
