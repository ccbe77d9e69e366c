// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * smtjcat: stream samples of an smtj device (any transport), or values of
 * a libsmtj noise source, to stdout.
 *
 * Exit status: 0 success (also when the reader of stdout goes away),
 * 1 device or source error, 2 usage error.
 */
#include <errno.h>
#include <getopt.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "libsmtj.h"

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
		"  -q, --depth N          io_uring reads in flight (default 4)\n"
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

int main(int argc, char **argv)
{
	static const struct option opts[] = {
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
	struct smtj_stream_opts so = { .transport = SMTJ_TR_AUTO };
	const char *devname = "0", *noise = NULL;
	uint64_t count = UINT64_MAX, seed = 0, lost = 0, total = 0, restarts = 0;
	int c, verbose = 0, fset = 0, ret = 0;
	enum fmt f = F_U16;
	struct smtj_err err = { 0 };
	struct smtj_stream *st;
	struct smtj_dev *dev;
	struct smtj_info info;
	char *end;

	signal(SIGPIPE, SIG_IGN);	/* EPIPE ends the stream cleanly */
	while ((c = getopt_long(argc, argv, "d:t:b:q:n:f:N:s:r:vh", opts, NULL)) != -1) {
		switch (c) {
		case 'd':
			devname = optarg;
			break;
		case 't':
			if (smtj_transport_parse(optarg, &so.transport)) {
				fprintf(stderr, "smtjcat: transport %s: auto, uring, mmap or read\n",
					optarg);
				return 2;
			}
			break;
		case 'b':
		case 'q':
		case 'n':
		case 'r':
		case 's': {
			unsigned long long v = strtoull(optarg, &end, 0);

			if (*end || !*optarg || optarg[0] == '-') {
				fprintf(stderr, "smtjcat: -%c %s: not a number\n", c, optarg);
				return 2;
			}
			if (c == 'b')
				so.batch = v;
			else if (c == 'q')
				so.depth = (unsigned int)v;
			else if (c == 'n')
				count = v;
			else if (c == 'r')
				restarts = v;
			else
				seed = v;
			break;
		}
		case 'f':
			fset = 1;
			if (!strcmp(optarg, "u16"))
				f = F_U16;
			else if (!strcmp(optarg, "f32"))
				f = F_F32;
			else if (!strcmp(optarg, "csv"))
				f = F_CSV;
			else {
				fprintf(stderr, "smtjcat: format %s: u16, f32 or csv\n", optarg);
				return 2;
			}
			break;
		case 'N':
			noise = optarg;
			break;
		case 'v':
			verbose = 1;
			break;
		case 'h':
			usage(stdout);
			return 0;
		default:
			usage(stderr);
			return 2;
		}
	}
	if (optind < argc) {
		fprintf(stderr, "smtjcat: unexpected argument '%s'\n", argv[optind]);
		return 2;
	}
	if (noise) {
		if (f == F_U16 && fset) {
			fprintf(stderr, "smtjcat: a noise source gives values: -f f32 or csv\n");
			return 2;
		}
		return run_noise(noise, seed, count, fset ? f : F_F32);
	}
	if (smtj_dev_open(&dev, devname, 0, &err) ||
	    smtj_dev_info(dev, &info, &err)) {
		fprintf(stderr, "smtjcat: %s\n", err.msg);
		return 1;
	}
	if (restarts) {
		ret = run_restarts(dev, &so, restarts, count == UINT64_MAX ? 1000 : count,
				   seed, f, &info);
		smtj_dev_close(dev);
		return ret;
	}
	if (smtj_stream_open(&st, dev, &so, &err)) {
		fprintf(stderr, "smtjcat: %s\n", err.msg);
		smtj_dev_close(dev);
		return 1;
	}
	if (smtj_stream_note(st)[0])
		fprintf(stderr, "smtjcat: note: %s\n", smtj_stream_note(st));
	if (verbose)
		fprintf(stderr, "smtjcat: %s via %s\n", smtj_dev_name(dev),
			smtj_transport_name(smtj_stream_transport(st)));
	while (total < count) {
		struct smtj_batch b;
		size_t n;

		ret = smtj_stream_next(st, &b, &err);
		if (ret) {
			fprintf(stderr, "smtjcat: %s\n", err.msg);
			ret = 1;
			break;
		}
		n = b.n < count - total ? b.n : (size_t)(count - total);
		lost += b.lost;
		if (verbose && b.lost)
			fprintf(stderr, "smtjcat: batch of %zu: %llu lost before it\n", b.n,
				(unsigned long long)b.lost);
		ret = emit(NULL, b.data, n, f, &info);
		smtj_stream_release(st, &b);
		total += n;
		if (ret) {
			if (ret < 0)
				fprintf(stderr, "smtjcat: write: %s\n", strerror(-ret));
			ret = ret < 0;
			break;
		}
	}
	if (lost || verbose)
		fprintf(stderr, "smtjcat: %llu samples written, %llu lost\n",
			(unsigned long long)total, (unsigned long long)lost);
	smtj_stream_close(st);
	smtj_dev_close(dev);
	return ret;
}
