// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * smtjcat: stream samples of an smtj device (any transport), or values of
 * a libsmtj noise source, to stdout.
 *
 * Exit status: 0 success (also when the reader of stdout goes away),
 * 1 device or source error, 2 usage error.
 */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "libsmtj.h"
#include "../common/tool.h"

enum fmt { F_U16, F_F32, F_CSV };

static void usage(FILE *f)
{
	fprintf(f,
		"Usage: smtjcat [-d DEV] [-t TRANSPORT] [-n COUNT] [-f FORMAT] [options]\n"
		"       smtjcat --noise SPEC [-n COUNT] [-f f32|csv] [--seed N]\n"
		"Write samples of an smtj device, or values of a noise source, to stdout.\n\n"
		"  -d, --device DEV       path or index (default 0 = /dev/smtj0)\n"
		"  -t, --transport T      auto (io_uring, else read), uring, mmap, read\n"
		"  -b, --batch N          samples per read (default 4096)\n"
		"  -q, --depth N          io_uring reads in flight (default 16)\n"
		"  -n, --count N          stop after N values (default: until EOF/error)\n"
		"  -f, --format F         u16 (raw codes, device default), f32 (volts,\n"
		"                         little-endian), csv (volts, one a line)\n"
		"  -N, --noise SPEC       a libsmtj noise source instead of a device\n"
		"  -s, --seed N           seed of the noise source (default 0)\n"
		"  -r, --restarts R       simulated device: R restarts, each re-seeding the\n"
		"                         simulator (seed N + r) and writing the first\n"
		"                         COUNT samples after it (default 1000): the\n"
		"                         restart data of SP 800-90B section 3.1.4\n"
		"  -v, --verbose          transport notes and losses per batch on stderr\n"
		"  -h, --help             this help\n\n"
		"Lost samples are reported on stderr at the end.\n"
		"Exit status: 0 success, 1 device or source error, 2 usage error.\n");
}

/* Write all of @buf; 1 when stdout is closed (a normal end for a pipe). */
static int out_all(const void *buf, size_t len)
{
	const char *p = buf;

	while (len) {
		ssize_t w = write(1, p, len);

		if (w < 0 && errno == EINTR)
			continue;
		if (w < 0)
			return errno == EPIPE ? 1 : -errno;
		p += w;
		len -= (size_t)w;
	}
	return 0;
}

static int emit(const float *v, const uint16_t *codes, size_t n, enum fmt f,
		const struct smtj_info *info)
{
	static char buf[65536];
	size_t k = 0;
	int ret;

	if (f == F_U16)
		return out_all(codes, n * sizeof(*codes));
	for (size_t i = 0; i < n; i++) {
		float x = v ? v[i] : (float)smtj_code_volts(info, codes[i]);

		if (f == F_F32) {
			if (k + 4 > sizeof(buf)) {
				if ((ret = out_all(buf, k)))
					return ret;
				k = 0;
			}
			uint32_t u;

			memcpy(&u, &x, 4);	/* little-endian on any host */
			buf[k++] = (char)(u & 0xff);
			buf[k++] = (char)(u >> 8 & 0xff);
			buf[k++] = (char)(u >> 16 & 0xff);
			buf[k++] = (char)(u >> 24);
		} else {
			if (k + 32 > sizeof(buf)) {
				if ((ret = out_all(buf, k)))
					return ret;
				k = 0;
			}
			k += (size_t)snprintf(buf + k, 32, "%.9g\n", x);
		}
	}
	return out_all(buf, k);
}

static int run_noise(const char *spec, uint64_t seed, uint64_t count,
		     enum fmt f)
{
	struct smtj_noise *nz;
	struct smtj_err err;
	static float v[8192];
	int ret = 0;

	if (smtj_noise_from_spec(&nz, spec, seed, &err)) {
		fprintf(stderr, "smtjcat: %s\n", err.msg);
		return err.code == -EINVAL ? 2 : 1;
	}
	while (count) {
		size_t n = count < 8192 ? (size_t)count : 8192;

		if (smtj_noise_fill(nz, 0, v, n, 1, &err)) {
			fprintf(stderr, "smtjcat: %s\n", err.msg);
			ret = 1;
			break;
		}
		ret = emit(v, NULL, n, f, NULL);
		if (ret) {
			if (ret < 0)
				fprintf(stderr, "smtjcat: write: %s\n", strerror(-ret));
			ret = ret < 0;
			break;
		}
		if (count != UINT64_MAX)
			count -= n;
	}
	smtj_noise_destroy(nz);
	return ret;
}

/* Restart data (SP 800-90B 3.1.4): @restarts times the first @n samples
 * after re-seeding the simulator with seed + r. */
static int run_restarts(struct smtj_dev *dev, const struct smtj_stream_opts *so,
			uint64_t restarts, uint64_t n, uint64_t seed, enum fmt f,
			const struct smtj_info *info)
{
	struct smtj_sim_config cfg;
	struct smtj_err err = { 0 };
	uint16_t *buf = NULL;
	int ret = 1;

	if (n <= SIZE_MAX / sizeof(*buf))
		buf = malloc(n * sizeof(*buf));
	if (!buf) {
		fprintf(stderr, "smtjcat: out of memory for %llu samples\n", (unsigned long long)n);
		return 1;
	}
	if (smtj_dev_get_sim(dev, &cfg, &err)) {
		fprintf(stderr, "smtjcat: %s: restarts re-seed a simulated device; restart a board by re-binding it (see the admin guide)\n",
			err.msg);
		goto out;
	}
	for (uint64_t r = 0; r < restarts; r++) {
		int w = smtj_dev_restart_read(dev, so, seed + r, buf, n, &err);

		if (w) {
			fprintf(stderr, "smtjcat: restart %llu: %s\n", (unsigned long long)r,
				err.msg);
			goto out;
		}
		w = emit(NULL, buf, n, f, info);
		if (w) {
			if (w < 0)
				fprintf(stderr, "smtjcat: write: %s\n", strerror(-w));
			ret = w < 0;
			goto out;
		}
	}
	ret = 0;
out:
	free(buf);
	return ret;
}

struct opts {
	struct smtj_stream_opts so;
	const char *devname, *noise;
	uint64_t count, seed, restarts;
	enum fmt f;
	int fset, verbose;
};

static int on_option(void *ctx, int c, const char *arg);

static const struct option long_opts[] = {
	{ "device", required_argument, NULL, 'd' },
	{ "transport", required_argument, NULL, 't' },
	{ "batch", required_argument, NULL, 'b' },
	{ "depth", required_argument, NULL, 'q' },
	{ "count", required_argument, NULL, 'n' },
	{ "format", required_argument, NULL, 'f' },
	{ "noise", required_argument, NULL, 'N' },
	{ "seed", required_argument, NULL, 's' },
	{ "restarts", required_argument, NULL, 'r' },
	{ "verbose", no_argument, NULL, 'v' },
	{ "help", no_argument, NULL, 'h' },
	{ NULL, 0, NULL, 0 },
};

static const struct tool smtjcat = {
	.name = "smtjcat", .usage = usage, .shortopts = "d:t:b:q:n:f:N:s:r:vh",
	.longopts = long_opts, .option = on_option, .max_args = 0,
};

static int on_option(void *ctx, int c, const char *arg)
{
	static const char *const formats[] = { "u16", "f32", "csv" };
	struct opts *o = ctx;
	uint64_t v;

	switch (c) {
	case 'd':
		o->devname = arg;
		return TOOL_GO_ON;
	case 't':
		return tool_transport(&smtjcat, arg, &o->so.transport);
	case 'f':
		o->fset = 1;
		for (o->f = F_U16; o->f <= F_CSV; o->f++)
			if (!strcmp(arg, formats[o->f]))
				return TOOL_GO_ON;
		tool_err(&smtjcat, "format %s: u16, f32 or csv", arg);
		return TOOL_USAGE;
	case 'N':
		o->noise = arg;
		return TOOL_GO_ON;
	case 'v':
		o->verbose = 1;
		return TOOL_GO_ON;
	}
	/* b, q, n, r, s: numbers */
	if (tool_u64(&smtjcat, c, arg, &v) != TOOL_GO_ON)
		return TOOL_USAGE;
	if (c == 'b')
		o->so.batch = v;
	else if (c == 'q')
		o->so.depth = (unsigned int)v;
	else if (c == 'n')
		o->count = v;
	else if (c == 'r')
		o->restarts = v;
	else
		o->seed = v;
	return TOOL_GO_ON;
}

/* Batches of the stream to stdout until @o->count or the end. */
static int stream_out(struct smtj_stream *st, const struct opts *o,
		      const struct smtj_info *info)
{
	uint64_t lost = 0, total = 0;
	struct smtj_err err = { 0 };
	int ret = 0;

	while (total < o->count) {
		struct smtj_batch b;
		size_t n;

		ret = smtj_stream_next(st, &b, &err);
		if (ret) {
			tool_err(&smtjcat, "%s", err.msg);
			ret = 1;
			break;
		}
		n = b.n < o->count - total ? b.n : (size_t)(o->count - total);
		lost += b.lost;
		if (o->verbose && b.lost)
			tool_err(&smtjcat, "batch of %zu: %llu lost before it", b.n,
				 (unsigned long long)b.lost);
		ret = emit(NULL, b.data, n, o->f, info);
		smtj_stream_release(st, &b);
		total += n;
		if (ret) {
			if (ret < 0)
				tool_err(&smtjcat, "write: %s", strerror(-ret));
			ret = ret < 0;
			break;
		}
	}
	if (lost || o->verbose)
		tool_err(&smtjcat, "%llu samples written, %llu lost",
			 (unsigned long long)total, (unsigned long long)lost);
	return ret;
}

/* The device's samples (or its restart data) to stdout. */
static int run_device(const struct opts *o)
{
	struct smtj_err err = { 0 };
	struct smtj_stream *st;
	struct smtj_dev *dev;
	struct smtj_info info;
	int ret;

	if (smtj_dev_open(&dev, o->devname, 0, &err) ||
	    smtj_dev_info(dev, &info, &err)) {
		tool_err(&smtjcat, "%s", err.msg);
		return 1;
	}
	if (o->restarts) {
		ret = run_restarts(dev, &o->so, o->restarts,
				   o->count == UINT64_MAX ? 1000 : o->count,
				   o->seed, o->f, &info);
		smtj_dev_close(dev);
		return ret;
	}
	if (smtj_stream_open(&st, dev, &o->so, &err)) {
		tool_err(&smtjcat, "%s", err.msg);
		smtj_dev_close(dev);
		return 1;
	}
	if (smtj_stream_note(st)[0])
		tool_err(&smtjcat, "note: %s", smtj_stream_note(st));
	if (o->verbose)
		tool_err(&smtjcat, "%s via %s", smtj_dev_name(dev),
			 smtj_transport_name(smtj_stream_transport(st)));
	ret = stream_out(st, o, &info);
	smtj_stream_close(st);
	smtj_dev_close(dev);
	return ret;
}

int main(int argc, char **argv)
{
	struct opts o = {
		.so = { .transport = SMTJ_TR_AUTO },
		.devname = "0", .count = UINT64_MAX, .f = F_U16,
	};
	int ret;

	signal(SIGPIPE, SIG_IGN);	/* EPIPE ends the stream cleanly */
	ret = tool_parse(&smtjcat, argc, argv, &o);
	if (ret != TOOL_GO_ON)
		return ret;
	if (!o.noise)
		return run_device(&o);
	if (o.f == F_U16 && o.fset) {
		tool_err(&smtjcat, "a noise source gives values: -f f32 or csv");
		return TOOL_USAGE;
	}
	return run_noise(o.noise, o.seed, o.count, o.fset ? o.f : F_F32);
}
