// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * smtjstat --entropy: the symbols of a recording or of device samples,
 * their SP 800-90B min-entropy assessment, and the restart tests.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "entropy.h"

/* Raw codes of @n consecutive device samples, as floats. */
static int device_codes(const struct entropy_opts *o, struct smtj_series *s)
{
	struct smtj_stream_opts so = { .transport = o->transport };
	struct smtj_err err = { 0 };
	struct smtj_stream *st = NULL;
	struct smtj_dev *dev = NULL;
	uint16_t *c = malloc(o->count * sizeof(*c));
	uint64_t lost = 0;
	int ret = -ENOMEM;

	s->v = malloc(o->count * sizeof(float));
	s->n = o->count;
	if (!c || !s->v) {
		fprintf(stderr, "smtjstat: out of memory\n");
		goto out;
	}
	ret = smtj_dev_open(&dev, o->device, 0, &err);
	if (!ret)
		ret = smtj_stream_open(&st, dev, &so, &err);
	if (!ret)
		ret = smtj_stream_read(st, c, o->count, &lost, &err);
	if (ret) {
		fprintf(stderr, "smtjstat: %s\n", err.msg);
		goto out;
	}
	if (lost) {
		/* the standard wants consecutive samples */
		fprintf(stderr, "smtjstat: %llu samples lost while reading: not consecutive, use a larger ring or a file\n",
			(unsigned long long)lost);
		ret = -EIO;
		goto out;
	}
	for (size_t i = 0; i < o->count; i++)
		s->v[i] = c[i];
out:
	smtj_stream_close(st);
	smtj_dev_close(dev);
	free(c);
	return ret;
}

/* Symbols of a file or the device; the symbolizer fitted on the first
 * input is reused for the restart matrix (same thresholds). */
static int load_symbols(const struct entropy_opts *o, const char *path,
			struct smtj_symbolizer *sz, int fit, uint8_t **sym,
			size_t *n, unsigned int *bits)
{
	struct smtj_series s = { 0 };
	struct smtj_err err = { 0 };
	int ret;

	if (path && o->width) {
		*bits = o->width;
		ret = smtj_symbols_load(path, o->width, sym, n, &err);
		if (ret)
			fprintf(stderr, "smtjstat: %s\n", err.msg);
		return ret;
	}
	if (path)
		ret = smtj_series_load(&s, path, o->format, &err);
	else
		ret = device_codes(o, &s);
	if (ret) {
		if (path)
			fprintf(stderr, "smtjstat: %s\n", err.msg);
		smtj_series_free(&s);
		return ret;
	}
	ret = -ENOMEM;
	*sym = malloc(s.n ? s.n : 1);
	if (*sym && (!fit || !(ret = smtj_symbolizer_fit(sz, s.v, s.n, &err))))
		ret = smtj_symbolize(sz, s.v, s.n, *sym, &err);
	if (ret) {
		fprintf(stderr, "smtjstat: %s: %s\n", path ? path : o->device,
			ret == -ENOMEM && !*sym ? "out of memory" : err.msg);
		free(*sym);
		*sym = NULL;
	}
	*n = s.n;
	*bits = sz->width;
	smtj_series_free(&s);
	return ret;
}

static int write_all(const char *path, const uint8_t *s, size_t n)
{
	int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0644);
	size_t done = 0;

	if (fd < 0)
		return -errno;
	while (done < n) {
		ssize_t w = write(fd, s + done, n - done);

		if (w < 0 && errno == EINTR)
			continue;
		if (w < 0) {
			int e = -errno;

			close(fd);
			return e;
		}
		done += (size_t)w;
	}
	return close(fd) ? -errno : 0;
}

static void print_set(const char *name, const struct smtj_entropy_est *e,
		      int binary_only_too, int json)
{
	int first = 1;

	if (json)
		printf(",\"%s\":{", name);
	else
		printf("%s:\n", name);
	for (int i = 0; i < SMTJ_ENT_COUNT; i++) {
		const struct smtj_entropy_est *x = &e[i];

		if (!x->done || (!binary_only_too && smtj_entropy_binary_only(i)))
			continue;
		if (json) {
			printf("%s\"%s\":{\"h\":%.9g,\"p\":%.9g", first ? "" : ",",
			       smtj_entropy_name(i), x->h, x->p);
			if (i == SMTJ_ENT_COLLISION || i == SMTJ_ENT_COMPRESSION)
				printf(",\"mean\":%.9g,\"sd\":%.9g", x->mean, x->sd);
			if (i == SMTJ_ENT_TUPLE)
				printf(",\"t\":%llu", (unsigned long long)x->t);
			if (i == SMTJ_ENT_LRS)
				printf(",\"u\":%llu,\"v\":%llu", (unsigned long long)x->u,
				       (unsigned long long)x->v);
			if (i >= SMTJ_ENT_MULTI_MCW)
				printf(",\"p_global\":%.9g,\"p_global_upper\":%.9g,\"p_local\":%.9g,\"correct\":%llu,\"trials\":%llu,\"run\":%llu",
				       x->p_global, x->p_global_upper, x->p_local,
				       (unsigned long long)x->correct,
				       (unsigned long long)x->trials, (unsigned long long)x->run);
			printf("}");
		} else {
			printf("  %-12s %.6f\n", smtj_entropy_name(i), x->h);
		}
		first = 0;
	}
	if (json)
		printf("}");
}

static void print_assessment(const struct smtj_entropy *a, int json)
{
	if (json) {
		printf(",\"k\":%u,\"width\":%u,\"binary\":%s", a->k, a->width,
		       a->binary ? "true" : "false");
		print_set("estimates", a->original, a->binary, 1);
		if (!a->binary)
			print_set("bitstring", a->bitstring, 1, 1);
		printf(",\"h_original\":%.9g,\"h_bitstring\":%.9g,\"h\":%.9g",
		       a->h_original, a->h_bitstring, a->h);
		return;
	}
	printf("values:     %u distinct, %u bit%s per sample in the bitstring%s\n", a->k, a->width,
	       a->width > 1 ? "s" : "", a->binary ? " (binary)" : "");
	print_set(a->binary ? "estimates (bits per bit)" : "estimates (bits per symbol)",
		  a->original, a->binary, 0);
	if (!a->binary) {
		print_set("bitstring estimates (bits per bit)", a->bitstring, 1, 0);
		printf("H_original: %.6f\n", a->h_original);
	}
	printf("H_bitstring: %.6f\nmin-entropy: %.6f bits per sample\n", a->h_bitstring, a->h);
}

/* Load and test the restart matrix: 0, or 1 after an input error. */
static int restart_run(const struct entropy_opts *o, struct smtj_symbolizer *sz,
		       double h_initial, struct smtj_restart *r)
{
	struct smtj_err err = { 0 };
	uint8_t *m = NULL;
	size_t n = 0;
	unsigned int bits;
	int ret = 1;

	if (load_symbols(o, o->restart, sz, 0, &m, &n, &bits))
		return 1;
	if (n != o->restart_rows * o->restart_cols)
		fprintf(stderr, "smtjstat: %s: %zu samples, a %zu x %zu restart matrix needs %zu\n",
			o->restart, n, o->restart_rows, o->restart_cols,
			o->restart_rows * o->restart_cols);
	else if (smtj_entropy_restart(r, m, o->restart_rows, o->restart_cols, bits,
				      h_initial, NULL, &err))
		fprintf(stderr, "smtjstat: %s: %s\n", o->restart, err.msg);
	else
		ret = 0;
	free(m);
	return ret;
}

static void restart_print(const struct entropy_opts *o, const struct smtj_restart *r)
{
	const struct smtj_restart_check *c = &r->check;

	if (o->json) {
		printf(",\"restart\":{\"source\":\"%s\",\"rows\":%zu,\"cols\":%zu,\"h_initial\":%.9g,\"alpha\":%.9g,\"cutoff_row\":%u,\"cutoff_col\":%u,\"max_row\":%u,\"max_col\":%u,\"sanity\":\"%s\"",
		       o->restart, o->restart_rows, o->restart_cols, c->h_initial, c->alpha,
		       c->cutoff_row, c->cutoff_col, c->max_row, c->max_col,
		       c->ok ? "pass" : "fail");
		if (c->ok)
			printf(",\"h_r\":%.9g,\"h_c\":%.9g", r->h_r, r->h_c);
		printf(",\"ok\":%s,\"h\":%.9g}", r->ok ? "true" : "false", r->h);
		return;
	}
	printf("restart:    %s (%zu restarts x %zu samples)\n", o->restart,
	       o->restart_rows, o->restart_cols);
	printf("sanity:     %s: most common value %u in a row (cutoff %u), %u in a column (cutoff %u), alpha %.3g\n",
	       c->ok ? "pass" : "FAIL", c->max_row, c->cutoff_row, c->max_col,
	       c->cutoff_col, c->alpha);
	if (c->ok)
		printf("H_r:        %.6f\nH_c:        %.6f\n", r->h_r, r->h_c);
	printf("restart:    %s; validated min-entropy %.6f bits per sample\n",
	       r->ok ? "pass" : "FAIL", r->h);
}

int stat_entropy(const struct entropy_opts *o)
{
	struct smtj_symbolizer sz;
	struct smtj_err err = { 0 };
	struct smtj_entropy *a = calloc(1, sizeof(*a));
	struct smtj_restart *r = calloc(1, sizeof(*r));
	uint8_t *sym = NULL;
	size_t n = 0;
	unsigned int bits;
	int ret = 1;

	if (!a || !r) {
		fprintf(stderr, "smtjstat: out of memory\n");
		goto out;
	}
	if (!o->width && smtj_symbolizer_parse(&sz, o->symbols, &err)) {
		fprintf(stderr, "smtjstat: %s\n", err.msg);
		ret = 2;
		goto out;
	}
	if (load_symbols(o, o->file, &sz, 1, &sym, &n, &bits))
		goto out;
	if (o->write_symbols && (ret = write_all(o->write_symbols, sym, n))) {
		fprintf(stderr, "smtjstat: %s: %s\n", o->write_symbols, strerror(-ret));
		ret = 1;
		goto out;
	}
	if (smtj_entropy_assess(a, sym, n, bits, NULL, &err)) {
		fprintf(stderr, "smtjstat: %s: %s\n", o->file ? o->file : o->device, err.msg);
		ret = 1;
		goto out;
	}
	/* everything computed before anything is printed */
	if (o->restart && restart_run(o, &sz, a->h, r)) {
		ret = 1;
		goto out;
	}
	if (o->json) {
		printf("{\"source\":\"%s\",\"n\":%zu,\"symbols\":\"%s\",\"bits\":%u",
		       o->file ? o->file : o->device, n, o->width ? "file" : o->symbols, bits);
		if (!o->width && sz.mode == SMTJ_SYM_STATES) {
			printf(",\"thresholds\":[");
			for (unsigned int i = 0; i < sz.nthresh; i++)
				printf("%s%.9g", i ? "," : "", sz.thresh[i]);
			printf("]");
		}
	} else {
		printf("source:     %s (%zu samples, %s, %u bit%s declared)\n",
		       o->file ? o->file : o->device, n, o->width ? "symbols" : o->symbols,
		       bits, bits > 1 ? "s" : "");
	}
	print_assessment(a, o->json);
	if (o->restart)
		restart_print(o, r);
	if (o->json)
		printf("}\n");
	ret = o->restart && !r->ok ? 3 : 0;
out:
	free(sym);
	free(a);
	free(r);
	return ret;
}
