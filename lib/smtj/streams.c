// SPDX-License-Identifier: LGPL-2.1-or-later
/* Per-stream state of per-node sources, grown when a stream first appears. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include "smtj-internal.h"

void **smtj_streams_slot(struct smtj_streams *t, unsigned int stream,
			 struct smtj_err *err)
{
	if (stream >= SMTJ_MAX_STREAMS) {
		smtj_seterr(err, -EINVAL, "noise: stream %u above %u", stream,
			    SMTJ_MAX_STREAMS - 1);
		return NULL;
	}
	if (stream >= t->n) {
		size_t n = stream + 1 > 2 * t->n ? stream + 1 : 2 * t->n;
		void **v = realloc(t->v, n * sizeof(*v));

		if (!v) {
			smtj_seterr(err, -ENOMEM, "noise: out of memory for stream %u",
				    stream);
			return NULL;
		}
		memset(v + t->n, 0, (n - t->n) * sizeof(*v));
		t->v = v;
		t->n = n;
	}
	return &t->v[stream];
}

void smtj_streams_free(struct smtj_streams *t, void (*fn)(void *))
{
	for (size_t i = 0; i < t->n; i++)
		if (t->v[i])
			fn(t->v[i]);
	free(t->v);
	t->v = NULL;
	t->n = 0;
}

struct srng *smtj_streams_rng(struct smtj_streams *t, unsigned int stream,
			      uint64_t seed, struct smtj_err *err)
{
	void **slot = smtj_streams_slot(t, stream, err);

	if (!slot)
		return NULL;
	if (!*slot) {
		struct srng *r = malloc(sizeof(*r));

		if (!r) {
			smtj_seterr(err, -ENOMEM, "noise: out of memory");
			return NULL;
		}
		srng_seed(r, seed, stream, 0);
		*slot = r;
	}
	return *slot;
}
