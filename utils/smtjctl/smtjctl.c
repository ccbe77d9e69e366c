// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * smtjctl: show and configure smtj devices.
 *
 * Exit status: 0 success, 1 the operation failed (device error), 2 usage.
 */
#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "libsmtj.h"
#include "../common/tool.h"

static void usage(FILE *f)
{
	fprintf(f,
		"Usage: smtjctl [-d DEV] [--json] COMMAND [options]\n"
		"Show and configure smtj noise devices (/dev/smtjN).\n\n"
		"Commands:\n"
		"  list                     devices present\n"
		"  info                     device and per-file information\n"
		"  get-sim                  simulated backend configuration\n"
		"  set-sim [JUNCTION-KEYS]  configure the simulated backend from junction\n"
		"                           physics (e.g. \"n=2,delta=10/12,i=0.1\"; defaults:\n"
		"                           the paper's fitted junction); restarts the stream\n"
		"  consumer                 this file's ring size and poll watermark\n\n"
		"Options:\n"
		"  -d, --device DEV    path or index (default 0 = /dev/smtj0)\n"
		"  -j, --json          machine-readable output\n"
		"  -s, --seed N        set-sim: simulator seed (default 0)\n"
		"  -p, --pattern       set-sim: sample k is k & 0xffff\n"
		"  -u, --unthrottled   set-sim: produce as fast as consumed\n"
		"  -r, --ring N        consumer: ring size in samples (power of two)\n"
		"  -w, --watermark N   consumer: poll() readiness threshold\n"
		"  -h, --help          this help\n\n"
		"Exit status: 0 success, 1 device error, 2 usage error.\n");
}

static int cmd_list(int json)
{
	DIR *d = opendir("/dev");
	struct dirent *e;
	int n = 0;

	if (!d) {
		perror("smtjctl: /dev");
		return 1;
	}
	if (json)
		printf("[");
	while ((e = readdir(d))) {
		struct smtj_dev *dev;
		struct smtj_info info;
		char path[300];

		if (strncmp(e->d_name, "smtj", 4) || !e->d_name[4] ||
		    strspn(e->d_name + 4, "0123456789") != strlen(e->d_name + 4))
			continue;
		snprintf(path, sizeof(path), "/dev/%s", e->d_name);
		if (smtj_dev_open(&dev, path, 0, NULL))
			continue;
		if (!smtj_dev_info(dev, &info, NULL)) {
			if (json)
				printf("%s{\"path\":\"%s\",\"backend\":%u,\"rate_hz\":%u}",
				       n ? "," : "", path, info.backend, info.rate_hz);
			else
				printf("%s\t%s\t%u Hz\n", path,
				       info.backend == SMTJ_BACKEND_SIM ? "sim" : "iio",
				       info.rate_hz);
			n++;
		}
		smtj_dev_close(dev);
	}
	closedir(d);
	if (json)
		printf("]\n");
	return 0;
}

static void print_info(const struct smtj_info *i, int json)
{
	const char *be = i->backend == SMTJ_BACKEND_SIM ? "sim" :
			 i->backend == SMTJ_BACKEND_IIO ? "iio" : "unknown";

	if (json) {
		printf("{\"abi_version\":%u,\"backend\":\"%s\",\"flags\":%u,"
		       "\"sample_bits\":%u,\"sample_signed\":%u,\"offset\":%d,"
		       "\"scale_fv\":%llu,\"rate_hz\":%u,\"ring_samples\":%u,"
		       "\"produced\":%llu,\"delivered\":%llu,\"lost\":%llu}\n",
		       i->abi_version, be, i->flags, i->sample_bits, i->sample_signed,
		       i->offset, (unsigned long long)i->scale_fv, i->rate_hz,
		       i->ring_samples, (unsigned long long)i->produced,
		       (unsigned long long)i->delivered, (unsigned long long)i->lost);
		return;
	}
	printf("abi version:  %u\nbackend:      %s\n", i->abi_version, be);
	printf("flags:       %s%s%s\n", i->flags & SMTJ_INFO_F_UNTHROTTLED ? " unthrottled" : "",
	       i->flags & SMTJ_INFO_F_PATTERN ? " pattern" : "",
	       i->flags & SMTJ_INFO_F_MAPPED ? " mapped" : "");
	printf("sample:       %u bits%s, %.6g V per LSB, offset %d\n", i->sample_bits,
	       i->sample_signed ? " signed" : "", i->scale_fv * 1e-15, i->offset);
	printf("rate:         %u Hz\nring:         %u samples\n", i->rate_hz,
	       i->ring_samples);
	printf("produced:     %llu\ndelivered:    %llu\nlost:         %llu\n",
	       (unsigned long long)i->produced, (unsigned long long)i->delivered,
	       (unsigned long long)i->lost);
}

static void print_sim(const struct smtj_sim_config *c, int json)
{
	unsigned int nl = 1U << c->nr_junctions;

	if (json) {
		printf("{\"flags\":%u,\"seed\":%llu,\"rate_hz\":%u,\"nr_junctions\":%u,"
		       "\"adc_bits\":%u,\"noise_sigma_mcode\":%u,\"scale_fv\":%llu,\"p_leave_1e9\":[",
		       c->flags, (unsigned long long)c->seed, c->rate_hz, c->nr_junctions,
		       c->adc_bits, c->noise_sigma, (unsigned long long)c->scale_fv);
		for (unsigned int j = 0; j < c->nr_junctions; j++)
			printf("%s[%u,%u]", j ? "," : "", c->p_leave[j][0], c->p_leave[j][1]);
		printf("],\"level\":[");
		for (unsigned int s = 0; s < nl; s++)
			printf("%s%u", s ? "," : "", c->level[s]);
		printf("]}\n");
		return;
	}
	printf("seed:         %llu\nrate:         %u Hz\njunctions:    %u\n",
	       (unsigned long long)c->seed, c->rate_hz, c->nr_junctions);
	printf("adc:          %u bits, %.6g V per LSB\nnoise:        %.3f codes\n",
	       c->adc_bits, c->scale_fv * 1e-15, c->noise_sigma / 1000.0);
	printf("flags:       %s%s\n", c->flags & SMTJ_SIM_F_PATTERN ? " pattern" : "",
	       c->flags & SMTJ_SIM_F_UNTHROTTLED ? " unthrottled" : "");
	for (unsigned int j = 0; j < c->nr_junctions; j++)
		printf("junction %u:   p_leave P %.9f, AP %.9f per sample\n", j,
		       c->p_leave[j][0] / 1e9, c->p_leave[j][1] / 1e9);
	printf("levels:      ");
	for (unsigned int s = 0; s < nl; s++)
		printf(" %u", c->level[s]);
	printf("\n");
}

struct opts {
	const char *devname;
	uint64_t seed, ring, wm;
	int json, pattern, unthr;
};

static int on_option(void *ctx, int c, const char *arg);

static const struct option long_opts[] = {
	{ "device", required_argument, NULL, 'd' },
	{ "json", no_argument, NULL, 'j' },
	{ "seed", required_argument, NULL, 's' },
	{ "pattern", no_argument, NULL, 'p' },
	{ "unthrottled", no_argument, NULL, 'u' },
	{ "ring", required_argument, NULL, 'r' },
	{ "watermark", required_argument, NULL, 'w' },
	{ "help", no_argument, NULL, 'h' },
	{ NULL, 0, NULL, 0 },
};

/* Operands: the command and set-sim's junction keys. */
static const struct tool smtjctl = {
	.name = "smtjctl", .usage = usage, .shortopts = "d:js:pur:w:h",
	.longopts = long_opts, .option = on_option, .max_args = 2,
};

static int on_option(void *ctx, int c, const char *arg)
{
	struct opts *o = ctx;

	switch (c) {
	case 'd':
		o->devname = arg;
		break;
	case 'j':
		o->json = 1;
		break;
	case 'p':
		o->pattern = 1;
		break;
	case 'u':
		o->unthr = 1;
		break;
	case 's':
		return tool_u64(&smtjctl, c, arg, &o->seed);
	case 'r':
		return tool_u64(&smtjctl, c, arg, &o->ring);
	case 'w':
		return tool_u64(&smtjctl, c, arg, &o->wm);
	}
	return TOOL_GO_ON;
}

/* set-sim: everything validated before the device is touched. */
static int cmd_set_sim(const struct opts *o, const char *keys)
{
	struct smtj_junction_params jp;
	struct smtj_sim_config cfg;
	struct smtj_err err = { 0 };
	struct smtj_dev *dev;

	if (smtj_junction_parse(&jp, keys ? keys : "", &err) ||
	    smtj_junction_to_sim(&jp, o->seed, &cfg, &err)) {
		tool_err(&smtjctl, "%s", err.msg);
		return TOOL_USAGE;
	}
	cfg.flags = (o->pattern ? SMTJ_SIM_F_PATTERN : 0) |
		    (o->unthr ? SMTJ_SIM_F_UNTHROTTLED : 0);
	if (smtj_dev_open(&dev, o->devname, 0, &err) ||
	    smtj_dev_set_sim(dev, &cfg, &err)) {
		tool_err(&smtjctl, "%s", err.msg);
		return TOOL_FAIL;
	}
	print_sim(&cfg, o->json);
	smtj_dev_close(dev);
	return TOOL_OK;
}

/* consumer: set the ring and watermark when given, then show them. */
static int cmd_consumer(struct smtj_dev *dev, const struct opts *o,
			struct smtj_err *err)
{
	struct smtj_consumer co;
	int ret = 0;

	if (o->ring || o->wm)
		ret = smtj_dev_set_consumer(dev, (uint32_t)o->ring,
					    (uint32_t)o->wm, err);
	if (!ret)
		ret = smtj_dev_get_consumer(dev, &co, err);
	if (!ret)
		printf(o->json ? "{\"ring_samples\":%u,\"watermark\":%u}\n" :
				 "ring:       %u samples\nwatermark:  %u\n",
		       co.ring_samples, co.watermark);
	return ret;
}

/* info, get-sim and consumer: one device, read (consumer: written). */
static int cmd_device(const struct opts *o, const char *cmd)
{
	struct smtj_err err = { 0 };
	struct smtj_dev *dev;
	int ret;

	if (smtj_dev_open(&dev, o->devname, 0, &err)) {
		tool_err(&smtjctl, "%s", err.msg);
		return TOOL_FAIL;
	}
	if (!strcmp(cmd, "info")) {
		struct smtj_info info;

		ret = smtj_dev_info(dev, &info, &err);
		if (!ret)
			print_info(&info, o->json);
	} else if (!strcmp(cmd, "get-sim")) {
		struct smtj_sim_config cfg;

		ret = smtj_dev_get_sim(dev, &cfg, &err);
		if (!ret)
			print_sim(&cfg, o->json);
	} else {
		ret = cmd_consumer(dev, o, &err);
	}
	if (ret)
		tool_err(&smtjctl, "%s", err.msg);
	smtj_dev_close(dev);
	return ret ? TOOL_FAIL : TOOL_OK;
}

int main(int argc, char **argv)
{
	struct opts o = { .devname = "0" };
	const char *cmd;
	int ret;

	ret = tool_parse(&smtjctl, argc, argv, &o);
	if (ret != TOOL_GO_ON)
		return ret;
	if (optind >= argc) {
		usage(stderr);
		return TOOL_USAGE;
	}
	cmd = argv[optind++];
	if (!strcmp(cmd, "list"))
		return cmd_list(o.json);
	if (strcmp(cmd, "info") && strcmp(cmd, "get-sim") && strcmp(cmd, "set-sim") &&
	    strcmp(cmd, "consumer")) {
		tool_err(&smtjctl, "unknown command '%s' (try --help)", cmd);
		return TOOL_USAGE;
	}
	if (optind < argc && strcmp(cmd, "set-sim")) {
		tool_err(&smtjctl, "%s takes no argument '%s'", cmd, argv[optind]);
		return TOOL_USAGE;
	}
	if (!strcmp(cmd, "set-sim"))
		return cmd_set_sim(&o, optind < argc ? argv[optind] : NULL);
	return cmd_device(&o, cmd);
}
