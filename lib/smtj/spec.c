// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * Noise spec parser.  Grammar (Documentation/userspace-api/libsmtj.rst):
 *
 *   spec   := name [ ":" [ item { "," item } ] ]
 *   item   := key [ "=" value ]
 *   name, key := [a-z0-9_]+     value := any bytes except ","
 *
 * Every key must be consumed by the source, so a misspelt key is an error
 * rather than a silently ignored setting.  Offsets in messages are byte
 * offsets into the spec string.
 */
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "smtj-internal.h"

static int is_ident(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_';
}

int smtj_spec_parse(struct smtj_spec *sp, const char *text,
		    struct smtj_err *err)
{
	size_t i = 0, k;

	memset(sp, 0, sizeof(*sp));
	if (!text)
		return smtj_seterr(err, -EINVAL, "noise spec: none given");
	for (k = 0; is_ident(text[i]); i++, k++) {
		if (k + 1 >= sizeof(sp->name))
			return smtj_seterr(err, -EINVAL,
					   "noise spec: name too long at offset %zu", i);
		sp->name[k] = text[i];
	}
	if (k == 0)
		return smtj_seterr(err, -EINVAL,
				   "noise spec \"%.64s\": expected a source name at offset 0",
				   text);
	if (text[i] == 0)
		return 0;
	if (text[i] != ':')
		return smtj_seterr(err, -EINVAL,
				   "noise spec: unexpected '%c' at offset %zu", text[i], i);
	i++;
	while (text[i]) {
		size_t start = i;
		unsigned int n = sp->n;

		if (n >= SMTJ_SPEC_MAX_KV)
			return smtj_seterr(err, -E2BIG,
					   "noise spec: more than %d items at offset %zu",
					   SMTJ_SPEC_MAX_KV, i);
		for (k = 0; is_ident(text[i]); i++, k++) {
			if (k + 1 >= sizeof(sp->kv[n].key))
				return smtj_seterr(err, -EINVAL,
						   "noise spec: key too long at offset %zu", start);
			sp->kv[n].key[k] = text[i];
		}
		if (k == 0)
			return smtj_seterr(err, -EINVAL,
					   "noise spec: expected a key at offset %zu", i);
		for (unsigned int j = 0; j < n; j++)
			if (!strcmp(sp->kv[j].key, sp->kv[n].key))
				return smtj_seterr(err, -EINVAL,
						   "noise spec: key '%s' repeated at offset %zu",
						   sp->kv[n].key, start);
		if (text[i] == '=') {
			i++;
			sp->kv[n].has_val = 1;
			for (k = 0; text[i] && text[i] != ','; i++, k++) {
				if (k + 1 >= sizeof(sp->kv[n].val))
					return smtj_seterr(err, -EINVAL,
							   "noise spec: value of '%s' too long at offset %zu",
							   sp->kv[n].key, i);
				sp->kv[n].val[k] = text[i];
			}
		}
		if (text[i] == ',') {
			i++;
			if (!text[i])
				return smtj_seterr(err, -EINVAL,
						   "noise spec: trailing ',' at offset %zu", i - 1);
		} else if (text[i]) {
			return smtj_seterr(err, -EINVAL,
					   "noise spec: unexpected '%c' at offset %zu", text[i], i);
		}
		sp->n++;
	}
	return 0;
}

static int find(struct smtj_spec *sp, const char *key)
{
	for (unsigned int i = 0; i < sp->n; i++) {
		if (!strcmp(sp->kv[i].key, key)) {
			sp->kv[i].used = 1;
			return (int)i;
		}
	}
	return -1;
}

/* The value of @key: 0 absent, 1 found (*val set), <0 present but empty. */
static int get_val(struct smtj_spec *sp, const char *key, const char **val,
		   struct smtj_err *err)
{
	int i = find(sp, key);

	if (i < 0)
		return 0;
	if (!sp->kv[i].has_val || !sp->kv[i].val[0])
		return smtj_seterr(err, -EINVAL, "noise spec %s: '%s' needs a value",
				   sp->name, key);
	*val = sp->kv[i].val;
	return 1;
}

static int parse_double(const char *s, double *v)
{
	char *end;

	errno = 0;
	*v = strtod(s, &end);
	if (end == s || *end || errno || !isfinite(*v))
		return -EINVAL;
	return 0;
}

int smtj_spec_double(struct smtj_spec *sp, const char *key, double *v,
		     struct smtj_err *err)
{
	const char *val = NULL;
	int ret = get_val(sp, key, &val, err);

	if (ret <= 0)
		return ret;
	if (parse_double(val, v))
		return smtj_seterr(err, -EINVAL,
				   "noise spec %s: '%s=%s' is not a finite number",
				   sp->name, key, val);
	return 1;
}

int smtj_spec_u64(struct smtj_spec *sp, const char *key, uint64_t *v,
		  struct smtj_err *err)
{
	const char *val = NULL;
	int ret = get_val(sp, key, &val, err);
	char *end;

	if (ret <= 0)
		return ret;
	errno = 0;
	*v = strtoull(val, &end, 0);
	if (*end || errno || val[0] == '-')
		return smtj_seterr(err, -EINVAL,
				   "noise spec %s: '%s=%s' is not an unsigned integer",
				   sp->name, key, val);
	return 1;
}

int smtj_spec_uint(struct smtj_spec *sp, const char *key, unsigned int *v,
		   struct smtj_err *err)
{
	uint64_t x;
	int ret = smtj_spec_u64(sp, key, &x, err);

	if (ret <= 0)
		return ret;
	if (x > 0xffffffffULL)
		return smtj_seterr(err, -ERANGE, "noise spec %s: '%s' out of range",
				   sp->name, key);
	*v = (unsigned int)x;
	return 1;
}

int smtj_spec_str(struct smtj_spec *sp, const char *key, const char **v,
		  struct smtj_err *err)
{
	return get_val(sp, key, v, err);
}

int smtj_spec_dlist(struct smtj_spec *sp, const char *key, double *v,
		    unsigned int max, unsigned int *count,
		    struct smtj_err *err)
{
	char buf[sizeof(sp->kv[0].val)], *tok, *save = NULL;
	unsigned int n = 0;
	const char *val = NULL;
	int ret = get_val(sp, key, &val, err);

	if (ret <= 0)
		return ret;
	snprintf(buf, sizeof(buf), "%s", val);
	for (tok = strtok_r(buf, "/", &save); tok;
	     tok = strtok_r(NULL, "/", &save)) {
		if (n >= max)
			return smtj_seterr(err, -E2BIG,
					   "noise spec %s: '%s' has more than %u values",
					   sp->name, key, max);
		if (parse_double(tok, &v[n]))
			return smtj_seterr(err, -EINVAL,
					   "noise spec %s: '%s' value %u ('%s') is not a number",
					   sp->name, key, n + 1, tok);
		n++;
	}
	if (n == 0)
		return smtj_seterr(err, -EINVAL, "noise spec %s: '%s' is empty",
				   sp->name, key);
	if (n == 1)
		for (unsigned int j = 1; j < max; j++)
			v[j] = v[0];
	*count = n;
	return 1;
}

int smtj_spec_flag(struct smtj_spec *sp, const char *key,
		   struct smtj_err *err)
{
	int i = find(sp, key);

	if (i < 0)
		return 0;
	if (sp->kv[i].has_val)
		return smtj_seterr(err, -EINVAL,
				   "noise spec %s: '%s' is a flag and takes no value",
				   sp->name, key);
	return 1;
}

int smtj_spec_unused(const struct smtj_spec *sp, struct smtj_err *err)
{
	for (unsigned int i = 0; i < sp->n; i++)
		if (!sp->kv[i].used)
			return smtj_seterr(err, -EINVAL,
					   "noise spec %s: unknown key '%s'",
					   sp->name, sp->kv[i].key);
	return 0;
}
