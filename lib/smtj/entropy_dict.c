// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * Context dictionaries of the MultiMMC and LZ78Y predictors: contexts of
 * up to 16 symbols in an array (indices stay valid as it grows), found
 * through an open-addressing hash table; the counts of (context, next
 * symbol) in a second one.  Each context keeps its most frequent next
 * symbol, so a prediction is one lookup.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include "entropy-internal.h"

struct count_slot {
	uint64_t key;		/* ctx * 256 + y + 1; 0 empty */
	uint64_t count;
};

#define BIN_SLOTS (1u << 17)

struct ent_dict {
	int binary;		/* direct table, symbols 0 and 1 */
	uint64_t (*bincount)[2];
	uint8_t *present;
	struct ent_ctx *ctx;
	size_t nctx, capctx;
	int64_t *slot;		/* context table: index + 1, 0 empty */
	size_t nslot;		/* power of two */
	struct count_slot *cnt;
	size_t ncnt, ncnt_used;
};

static uint64_t mix(uint64_t x)
{
	x ^= x >> 33;
	x *= 0xff51afd7ed558ccdULL;
	x ^= x >> 33;
	x *= 0xc4ceb9fe1a85ec53ULL;
	x ^= x >> 33;
	return x;
}

static void pack(const uint8_t *s, unsigned int len, uint64_t key[2])
{
	key[0] = key[1] = 0;
	for (unsigned int i = 0; i < len; i++)
		key[i / 8] |= (uint64_t)s[i] << (8 * (i % 8));
}

static uint64_t ctx_hash(const uint64_t key[2], unsigned int len)
{
	return mix(key[0] ^ mix(key[1] + len));
}

int ent_dict_create(struct ent_dict **out, int binary, struct smtj_err *err)
{
	struct ent_dict *d = calloc(1, sizeof(*d));

	if (d && binary) {
		d->binary = 1;
		d->ctx = calloc(BIN_SLOTS, sizeof(*d->ctx));
		d->bincount = calloc(BIN_SLOTS, sizeof(*d->bincount));
		d->present = calloc(BIN_SLOTS, 1);
		if (d->ctx && d->bincount && d->present) {
			*out = d;
			return 0;
		}
	} else if (d) {
		d->nslot = 1024;
		d->ncnt = 1024;
		d->slot = calloc(d->nslot, sizeof(*d->slot));
		d->cnt = calloc(d->ncnt, sizeof(*d->cnt));
	}
	if (!d || (!binary && (!d->slot || !d->cnt))) {
		ent_dict_destroy(d);
		return smtj_seterr(err, -ENOMEM, "context dictionary: out of memory");
	}
	*out = d;
	return 0;
}

void ent_dict_destroy(struct ent_dict *d)
{
	if (!d)
		return;
	free(d->ctx);
	free(d->bincount);
	free(d->present);
	free(d->slot);
	free(d->cnt);
	free(d);
}

static int64_t find_key(const struct ent_dict *d, const uint64_t key[2],
			unsigned int len, size_t *pos)
{
	size_t mask = d->nslot - 1, i = ctx_hash(key, len) & mask;

	for (;; i = (i + 1) & mask) {
		int64_t v = d->slot[i];
		const struct ent_ctx *c;

		if (!v) {
			*pos = i;
			return -1;
		}
		c = &d->ctx[v - 1];
		if (c->len == len && c->key[0] == key[0] && c->key[1] == key[1])
			return v - 1;
	}
}

static uint32_t bin_index(const uint8_t *s, unsigned int len)
{
	uint32_t idx = 1;

	for (unsigned int i = 0; i < len; i++)
		idx = idx << 1 | s[i];
	return idx;
}

int64_t ent_dict_find(const struct ent_dict *d, const uint8_t *s,
		      unsigned int len)
{
	uint64_t key[2];
	size_t pos;

	if (d->binary) {
		uint32_t idx = bin_index(s, len);

		return d->present[idx] ? (int64_t)idx : -1;
	}
	pack(s, len, key);
	return find_key(d, key, len, &pos);
}

static int grow_slots(struct ent_dict *d)
{
	size_t n = d->nslot * 2;
	int64_t *slot = calloc(n, sizeof(*slot));

	if (!slot)
		return -ENOMEM;
	for (size_t c = 0; c < d->nctx; c++) {
		size_t i = ctx_hash(d->ctx[c].key, d->ctx[c].len) & (n - 1);

		while (slot[i])
			i = (i + 1) & (n - 1);
		slot[i] = (int64_t)c + 1;
	}
	free(d->slot);
	d->slot = slot;
	d->nslot = n;
	return 0;
}

int64_t ent_dict_add(struct ent_dict *d, const uint8_t *s, unsigned int len,
		     struct smtj_err *err)
{
	uint64_t key[2];
	size_t pos;

	if (d->binary) {
		uint32_t idx = bin_index(s, len);

		if (d->present[idx])
			return smtj_seterr(err, -EEXIST, "context dictionary: context added twice");
		d->present[idx] = 1;
		d->ctx[idx].len = len;
		return idx;
	}
	if (2 * (d->nctx + 1) > d->nslot && grow_slots(d))
		return smtj_seterr(err, -ENOMEM, "context dictionary: out of memory");
	if (d->nctx == d->capctx) {
		size_t cap = d->capctx ? 2 * d->capctx : 1024;
		struct ent_ctx *c = realloc(d->ctx, cap * sizeof(*c));

		if (!c)
			return smtj_seterr(err, -ENOMEM, "context dictionary: out of memory");
		d->ctx = c;
		d->capctx = cap;
	}
	pack(s, len, key);
	if (find_key(d, key, len, &pos) >= 0)
		return smtj_seterr(err, -EEXIST, "context dictionary: context added twice");
	d->ctx[d->nctx] = (struct ent_ctx){ .key = { key[0], key[1] }, .len = len };
	d->slot[pos] = (int64_t)d->nctx + 1;
	return (int64_t)d->nctx++;
}

static int grow_counts(struct ent_dict *d)
{
	size_t n = d->ncnt * 2;
	struct count_slot *cnt = calloc(n, sizeof(*cnt));

	if (!cnt)
		return -ENOMEM;
	for (size_t j = 0; j < d->ncnt; j++) {
		size_t i;

		if (!d->cnt[j].key)
			continue;
		i = mix(d->cnt[j].key) & (n - 1);
		while (cnt[i].key)
			i = (i + 1) & (n - 1);
		cnt[i] = d->cnt[j];
	}
	free(d->cnt);
	d->cnt = cnt;
	d->ncnt = n;
	return 0;
}

int ent_dict_count(struct ent_dict *d, int64_t ctx, uint8_t y,
		   struct smtj_err *err)
{
	uint64_t key = (uint64_t)ctx * 256 + y + 1;
	struct ent_ctx *c = &d->ctx[ctx];
	size_t mask, i;

	if (d->binary) {
		uint64_t n = ++d->bincount[ctx][y & 1];

		if (n > c->best_count || (n == c->best_count && y > c->best_y)) {
			c->best_count = n;
			c->best_y = y;
		}
		return 0;
	}
	if (2 * (d->ncnt_used + 1) > d->ncnt && grow_counts(d))
		return smtj_seterr(err, -ENOMEM, "context dictionary: out of memory");
	mask = d->ncnt - 1;
	for (i = mix(key) & mask; d->cnt[i].key && d->cnt[i].key != key;
	     i = (i + 1) & mask)
		;
	if (!d->cnt[i].key) {
		d->cnt[i].key = key;
		d->ncnt_used++;
	}
	d->cnt[i].count++;
	if (d->cnt[i].count > c->best_count ||
	    (d->cnt[i].count == c->best_count && y > c->best_y)) {
		c->best_count = d->cnt[i].count;
		c->best_y = y;
	}
	return 0;
}

const struct ent_ctx *ent_dict_ctx(const struct ent_dict *d, int64_t ctx)
{
	return &d->ctx[ctx];
}
