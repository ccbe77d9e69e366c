// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * Parsers of recorded series: raw device dumps (host-order 16-bit codes),
 * little-endian float32, and CSV (one record a line; the column named "V"
 * when a header names one, else the last column).  Anything odd is refused
 * with the file name and the byte offset: an empty file, a partial record,
 * a non-finite value, a field that is not a number, a ragged row.
 */
#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include "smtj-internal.h"

int smtj_series_format_parse(const char *s, enum smtj_series_format *fmt)
{
	static const char *const names[] = { "auto", "u16", "f32", "csv" };

	for (unsigned int i = 0; i < SMTJ_ARRAY_SIZE(names); i++) {
		if (!strcmp(s, names[i])) {
			*fmt = (enum smtj_series_format)i;
			return 0;
		}
	}
	return -EINVAL;
}

enum smtj_series_format smtj_series_format_of(const char *name)
{
	const char *dot = strrchr(name, '.');

	if (dot && (!strcmp(dot, ".f32") || !strcmp(dot, ".float32")))
		return SMTJ_FMT_F32;
	if (dot && (!strcmp(dot, ".csv") || !strcmp(dot, ".txt")))
		return SMTJ_FMT_CSV;
	return SMTJ_FMT_U16;
}

static int parse_u16(struct smtj_series *s, const uint8_t *b, size_t len,
		     const char *name, struct smtj_err *err)
{
	if (len % 2)
		return smtj_seterr(err, -EINVAL,
				   "%s: offset %zu: partial 16-bit sample at the end",
				   name, len - 1);
	s->n = len / 2;
	s->v = malloc(s->n * sizeof(float));
	if (!s->v)
		return smtj_seterr(err, -ENOMEM, "%s: out of memory", name);
	for (size_t i = 0; i < s->n; i++) {
		uint16_t c;

		memcpy(&c, b + 2 * i, 2);
		s->v[i] = c;
	}
	return 0;
}

static int parse_f32(struct smtj_series *s, const uint8_t *b, size_t len,
		     const char *name, struct smtj_err *err)
{
	if (len % 4)
		return smtj_seterr(err, -EINVAL,
				   "%s: offset %zu: partial float32 record at the end",
				   name, len - len % 4);
	s->n = len / 4;
	s->v = malloc(s->n * sizeof(float));
	if (!s->v)
		return smtj_seterr(err, -ENOMEM, "%s: out of memory", name);
	for (size_t i = 0; i < s->n; i++) {
		/* little-endian on disk, whatever the host */
		uint32_t u = (uint32_t)b[4 * i] | (uint32_t)b[4 * i + 1] << 8 |
			     (uint32_t)b[4 * i + 2] << 16 |
			     (uint32_t)b[4 * i + 3] << 24;
		float f;

		memcpy(&f, &u, 4);
		if (!isfinite(f))
			return smtj_seterr(err, -EINVAL,
					   "%s: offset %zu: value is not finite",
					   name, 4 * i);
		s->v[i] = f;
	}
	return 0;
}

/* Field [p, e) as a finite number. */
static int field_num(const char *p, const char *e, float *v)
{
	char tmp[64], *end;
	double d;

	while (p < e && (*p == ' ' || *p == '\t'))
		p++;
	while (e > p && (e[-1] == ' ' || e[-1] == '\t' || e[-1] == '\r'))
		e--;
	if (e == p || (size_t)(e - p) >= sizeof(tmp))
		return -EINVAL;
	memcpy(tmp, p, (size_t)(e - p));
	tmp[e - p] = 0;
	errno = 0;
	d = strtod(tmp, &end);
	if (*end || errno == ERANGE || !isfinite(d) || fabs(d) > 3.4e38)
		return -EINVAL;
	*v = (float)d;
	return 0;
}

static int field_is(const char *p, const char *e, const char *name)
{
	size_t n = strlen(name);

	while (p < e && (*p == ' ' || *p == '\t' || *p == '"'))
		p++;
	while (e > p && (e[-1] == ' ' || e[-1] == '\t' || e[-1] == '\r' ||
			 e[-1] == '"'))
		e--;
	return (size_t)(e - p) == n && !memcmp(p, name, n);
}

static int parse_csv(struct smtj_series *s, const char *b, size_t len,
		     const char *name, struct smtj_err *err)
{
	size_t cap = 1024, off = 0, line = 0, ncol = 0, col = 0;
	int header_done = 0;

	s->v = malloc(cap * sizeof(float));
	if (!s->v)
		return smtj_seterr(err, -ENOMEM, "%s: out of memory", name);
	while (off < len) {
		const char *l = b + off, *nl = memchr(l, '\n', len - off);
		const char *end = nl ? nl : b + len, *f;
		size_t nf = 1, k;

		line++;
		if (memchr(l, 0, (size_t)(end - l)))
			return smtj_seterr(err, -EINVAL, "%s: offset %zu (line %zu): NUL byte",
					   name, off, line);
		if (end == l || (end - l == 1 && *l == '\r') || *l == '#') {
			off = (size_t)(end - b) + 1;
			continue;
		}
		for (f = l; f < end; f++)
			nf += *f == ',';
		if (!header_done) {
			float tmp;
			const char *p = l;

			header_done = 1;
			ncol = nf;
			col = nf - 1;
			/* A first line that is not all numbers is a header. */
			for (k = 0; k < nf; k++) {
				const char *q = memchr(p, ',', (size_t)(end - p));

				q = q ? q : end;
				if (field_num(p, q, &tmp))
					break;
				p = q + 1;
			}
			if (k < nf) {
				p = l;
				for (k = 0; k < nf; k++) {
					const char *q = memchr(p, ',', (size_t)(end - p));

					q = q ? q : end;
					if (field_is(p, q, "V") || field_is(p, q, "v"))
						col = k;
					p = q + 1;
				}
				off = (size_t)(end - b) + 1;
				continue;
			}
		}
		if (nf != ncol)
			return smtj_seterr(err, -EINVAL,
					   "%s: offset %zu (line %zu): %zu fields, expected %zu",
					   name, off, line, nf, ncol);
		f = l;
		for (k = 0; k < col; k++)
			f = memchr(f, ',', (size_t)(end - f)) + 1;
		{
			const char *q = memchr(f, ',', (size_t)(end - f));

			if (s->n == cap) {
				float *v = realloc(s->v, 2 * cap * sizeof(float));

				if (!v)
					return smtj_seterr(err, -ENOMEM, "%s: out of memory", name);
				s->v = v;
				cap *= 2;
			}
			if (field_num(f, q ? q : end, &s->v[s->n]))
				return smtj_seterr(err, -EINVAL,
						   "%s: offset %zu (line %zu): field %zu is not a finite number",
						   name, (size_t)(f - b), line, col + 1);
			s->n++;
		}
		off = (size_t)(end - b) + 1;
	}
	if (!s->n)
		return smtj_seterr(err, -ENODATA, "%s: offset %zu: no values", name, len);
	return 0;
}

int smtj_series_parse(struct smtj_series *s, const void *buf, size_t len,
		      enum smtj_series_format fmt, const char *name,
		      struct smtj_err *err)
{
	int ret;

	memset(s, 0, sizeof(*s));
	if (!name)
		name = "(buffer)";
	if (len == 0)
		return smtj_seterr(err, -ENODATA, "%s: offset 0: empty file", name);
	if (fmt == SMTJ_FMT_AUTO)
		fmt = smtj_series_format_of(name);
	switch (fmt) {
	case SMTJ_FMT_U16:
		ret = parse_u16(s, buf, len, name, err);
		break;
	case SMTJ_FMT_F32:
		ret = parse_f32(s, buf, len, name, err);
		break;
	case SMTJ_FMT_CSV:
		ret = parse_csv(s, buf, len, name, err);
		break;
	default:
		ret = smtj_seterr(err, -EINVAL, "%s: unknown format %d", name, fmt);
	}
	if (ret)
		smtj_series_free(s);
	return ret;
}

int smtj_series_load(struct smtj_series *s, const char *path,
		     enum smtj_series_format fmt, struct smtj_err *err)
{
	void *buf;
	size_t len;
	int ret;

	memset(s, 0, sizeof(*s));
	ret = smtj_read_file(path, &buf, &len, err);
	if (ret)
		return ret;
	ret = smtj_series_parse(s, buf, len, fmt, path, err);
	free(buf);
	return ret;
}

void smtj_series_free(struct smtj_series *s)
{
	free(s->v);
	s->v = NULL;
	s->n = 0;
}
