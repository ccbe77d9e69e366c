// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * --dataset teacher:SIZES[,n=N][,test=N][,seed=S]: the paper's synthetic
 * task, data from a random teacher network (libdanp's danp_teacher_data).
 * Defaults follow the paper's hardware demonstration: 100 training
 * samples; a held-out test set of 1000 from the same teacher; the teacher
 * drawn from the run's --seed unless seed= is given.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "train.h"

#define TEACHER_PREFIX "teacher:"


int teacher_dataset(const char *name)
{
	return !strncmp(name, "teacher", 7) && (!name[7] || name[7] == ':');
}

/* "key=value" with a positive integer value (seed: any integer). */
static int parse_item(const char *item, size_t len, size_t *n, size_t *test,
		      uint64_t *seed, int *seed_set, struct danp_err *err)
{
	char buf[64], *eq, *end;
	unsigned long long v;

	if (len >= sizeof(buf))
		return danp_seterr(err, -EINVAL, "teacher: item '%.*s' too long",
			      (int)(len > 32 ? 32 : len), item);
	memcpy(buf, item, len);
	buf[len] = '\0';
	eq = strchr(buf, '=');
	if (!eq || eq[1] == '\0' || eq[1] == '-')
		return danp_seterr(err, -EINVAL, "teacher: expected key=value, got '%s'", buf);
	*eq = '\0';
	errno = 0;
	v = strtoull(eq + 1, &end, 0);
	if (*end || errno)
		return danp_seterr(err, -EINVAL, "teacher: %s: '%s' is not a number",
			      buf, eq + 1);
	if (!strcmp(buf, "seed")) {
		*seed = v;
		*seed_set = 1;
		return 0;
	}
	if (!v || v > 100000000)
		return danp_seterr(err, -EINVAL, "teacher: %s=%llu: need 1..100000000",
			      buf, v);
	if (!strcmp(buf, "n"))
		*n = (size_t)v;
	else if (!strcmp(buf, "test"))
		*test = (size_t)v;
	else
		return danp_seterr(err, -EINVAL, "teacher: unknown item '%s' "
			      "(n, test, seed)", buf);
	return 0;
}

int teacher_load(struct train_data *d, const char *name, uint64_t run_seed,
		 struct danp_err *err)
{
	size_t n = 100, test = 1000, k;
	uint64_t seed = 0;
	int seed_set = 0, ret;
	const char *p, *comma;
	struct danp_spec spec;

	memset(d, 0, sizeof(*d));
	d->name = name;
	if (strncmp(name, TEACHER_PREFIX, strlen(TEACHER_PREFIX)))
		return danp_seterr(err, -EINVAL, "teacher needs the network's sizes, "
			      "e.g. teacher:2-2-2-1");
	p = name + strlen(TEACHER_PREFIX);
	comma = strchr(p, ',');
	k = comma ? (size_t)(comma - p) : strlen(p);
	if (!k || k >= sizeof(d->arch))
		return danp_seterr(err, -EINVAL, "teacher: sizes '%.*s' missing or "
			      "too long", (int)(k > 32 ? 32 : k), p);
	memcpy(d->arch, p, k);
	d->arch[k] = '\0';
	ret = danp_spec_parse(&spec, d->arch, err);
	if (ret)
		return ret;
	while (comma) {
		const char *item = comma + 1;

		comma = strchr(item, ',');
		ret = parse_item(item, comma ? (size_t)(comma - item) : strlen(item),
				 &n, &test, &seed, &seed_set, err);
		if (ret)
			return ret;
	}
	/* Each run seed its own teacher, as the paper's seeds are. */
	if (!seed_set)
		seed = run_seed * 2 + 1;
	return danp_teacher_data(&d->train, &d->test, &spec, n, test, seed, err);
}
