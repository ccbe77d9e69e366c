// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * CSV datasets: "label,f1,f2,...\n" per sample, every line the same width,
 * or for regression "t1,...,tk,f1,f2,...\n" with k real targets.
 * A first line that does not parse as numbers is a header.
 */
#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include "danp-internal.h"

struct csv_state {
	double *vals;
	size_t cap;
};

/* Split [p, le) at commas into st->vals; -1 on a non-number, -ENOMEM. */
static long parse_line(struct csv_state *st, const char *p, const char *le)
{
	size_t k = 0;

	for (;;) {
		char tmp[64];
		size_t t = 0;
		char *e;

		while (p < le && *p != ',' && t < sizeof(tmp) - 1)
			tmp[t++] = *p++;
		if (p < le && *p != ',')
			return -1;	/* field too long for a number */
		while (t && (tmp[t - 1] == ' ' || tmp[t - 1] == '\t' ||
			     tmp[t - 1] == '\r'))
			t--;
		tmp[t] = '\0';
		if (k == st->cap) {
			size_t nc = st->cap ? 2 * st->cap : 256;
			double *nv = realloc(st->vals, nc * sizeof(double));

			if (!nv)
				return -ENOMEM;
			st->vals = nv;
			st->cap = nc;
		}
		st->vals[k] = strtod(tmp, &e);
		while (*e == ' ' || *e == '\t')
			e++;
		if (!t || *e || !isfinite(st->vals[k]))
			return -1;
		k++;
		if (p >= le)
			return (long)k;
		p++;	/* comma */
	}
}

static int fail(struct csv_state *st, struct danp_dataset *ds, int code,
		struct danp_err *err, const char *name, size_t line, size_t off,
		const char *what)
{
	free(st->vals);
	danp_dataset_free(ds);
	return danp_seterr(err, code, "%s: line %zu (offset %zu): %s", name,
			   line, off, what);
}

/* Room for @nc rows; on failure the old arrays stay valid (and owned). */
static int grow(struct danp_dataset *ds, size_t nc, size_t n_targets)
{
	float *nx = realloc(ds->x, nc * ds->dim * sizeof(float));

	if (!nx)
		return -ENOMEM;
	ds->x = nx;
	if (n_targets) {
		float *nt = realloc(ds->t, nc * n_targets * sizeof(float));

		if (!nt)
			return -ENOMEM;
		ds->t = nt;
	} else {
		int32_t *ny = realloc(ds->y, nc * sizeof(int32_t));

		if (!ny)
			return -ENOMEM;
		ds->y = ny;
	}
	return 0;
}

/*
 * @n_targets 0: a class index first; else that many real targets first.
 * Rows grow by doubling; labels or targets go to ds->y or ds->t.
 */
static int parse(struct danp_dataset *ds, const char *buf, size_t len,
		 const char *name, size_t n_targets, struct danp_err *err)
{
	struct csv_state st = { 0 };
	const char *p = buf, *end = buf + len;
	size_t line = 0, cap = 0, lead = n_targets ? n_targets : 1;
	int32_t ymax = -1;

	*ds = (struct danp_dataset){ 0 };
	ds->t_dim = n_targets;
	while (p < end) {
		const char *ls = p, *le = memchr(p, '\n', (size_t)(end - p));
		size_t off = (size_t)(ls - buf);
		long k;

		le = le ? le : end;
		line++;
		p = le + 1;
		if (le == ls || (le - ls == 1 && *ls == '\r'))
			continue;	/* blank line */
		k = parse_line(&st, ls, le);
		if (k == -ENOMEM)
			return fail(&st, ds, -ENOMEM, err, name, line, off,
				    "out of memory");
		if (k < 0 && ds->n == 0 && line == 1)
			continue;	/* header */
		if (k < 0)
			return fail(&st, ds, -EINVAL, err, name, line, off,
				    "not a number");
		if ((size_t)k <= lead)
			return fail(&st, ds, -EINVAL, err, name, line, off,
				    n_targets ? "no features after the targets" :
				    "no features after the label");
		if (ds->dim && (size_t)k - lead != ds->dim)
			return fail(&st, ds, -EINVAL, err, name, line, off,
				    "wrong number of columns");
		if (!n_targets && (st.vals[0] != floor(st.vals[0]) ||
				   st.vals[0] < 0 || st.vals[0] > 1e6))
			return fail(&st, ds, -EINVAL, err, name, line, off,
				    "label is not a class index");
		ds->dim = (size_t)k - lead;
		if (ds->n == cap) {
			size_t nc = cap ? 2 * cap : 256;

			if (grow(ds, nc, n_targets))
				return fail(&st, ds, -ENOMEM, err, name, line,
					    off, "out of memory");
			cap = nc;
		}
		if (n_targets) {
			for (size_t j = 0; j < lead; j++)
				ds->t[ds->n * lead + j] = (float)st.vals[j];
		} else {
			ds->y[ds->n] = (int32_t)st.vals[0];
			if (ds->y[ds->n] > ymax)
				ymax = ds->y[ds->n];
		}
		for (size_t j = 0; j < ds->dim; j++)
			ds->x[ds->n * ds->dim + j] = (float)st.vals[j + lead];
		ds->n++;
	}
	free(st.vals);
	if (!ds->n)
		return danp_seterr(err, -EINVAL, "%s: no samples", name);
	ds->n_classes = n_targets ? 0 : (size_t)ymax + 1;
	return 0;
}

int danp_parse_csv(struct danp_dataset *ds, const char *buf, size_t len,
		   const char *name, struct danp_err *err)
{
	return parse(ds, buf, len, name, 0, err);
}

/* A single target column of class indices only: a classification set. */
static int class_indices(const struct danp_dataset *ds)
{
	for (size_t i = 0; i < ds->n; i++)
		if (ds->t[i] != floorf(ds->t[i]) || ds->t[i] < 0 ||
		    ds->t[i] > 1e6f)
			return 0;
	return 1;
}

int danp_parse_csv_targets(struct danp_dataset *ds, const char *buf,
			   size_t len, const char *name, size_t n_targets,
			   struct danp_err *err)
{
	int ret = parse(ds, buf, len, name, n_targets ? n_targets : 1, err);

	if (ret || n_targets || !class_indices(ds))
		return ret;
	danp_dataset_free(ds);
	return parse(ds, buf, len, name, 0, err);
}

int danp_load_csv(struct danp_dataset *ds, const char *path,
		  struct danp_err *err)
{
	uint8_t *buf;
	size_t len;
	int ret = danp_read_file(path, &buf, &len, err);

	if (ret)
		return ret;
	ret = danp_parse_csv(ds, (const char *)buf, len, path, err);
	free(buf);
	return ret;
}

int danp_load_csv_targets(struct danp_dataset *ds, const char *path,
			  size_t n_targets, struct danp_err *err)
{
	uint8_t *buf;
	size_t len;
	int ret = danp_read_file(path, &buf, &len, err);

	if (ret)
		return ret;
	ret = danp_parse_csv_targets(ds, (const char *)buf, len, path,
				     n_targets, err);
	free(buf);
	return ret;
}
