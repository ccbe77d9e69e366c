// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * Checkpoints: one self-describing binary file (little-endian fields, a
 * CRC-32 at the end), written atomically (atomic.c): a crash leaves
 * either the old or the new checkpoint, never a torn one.
 *
 * Version 3 ("DANPCK03") stores every float (parameters, optimiser state,
 * R, c, rates) as 4 bytes, integers as 8.  Version 2 ("DANPCK02") stored
 * floats in 8-byte fields, twice the size; it is still read.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <zlib.h>
#include "danp-internal.h"

static const char ckpt_magic[8] = "DANPCK03";
static const char ckpt_magic_v2[8] = "DANPCK02";	/* 8-byte floats */

struct wbuf {
	uint8_t *p;
	size_t len, cap;
	int bad;
};

static void put(struct wbuf *w, const void *src, size_t n)
{
	if (w->bad)
		return;
	if (w->len + n > w->cap) {
		size_t cap = (w->cap ? w->cap * 2 : 4096) + n;
		uint8_t *q = realloc(w->p, cap);

		if (!q) {
			w->bad = 1;
			return;
		}
		w->p = q;
		w->cap = cap;
	}
	memcpy(w->p + w->len, src, n);
	w->len += n;
}

static void put_u64(struct wbuf *w, uint64_t v)
{
	uint8_t b[8];

	for (int i = 0; i < 8; i++)
		b[i] = (uint8_t)(v >> (8 * i));
	put(w, b, 8);
}

static void put_f32(struct wbuf *w, float f)
{
	uint32_t u;
	uint8_t b[4];

	memcpy(&u, &f, 4);
	for (int i = 0; i < 4; i++)
		b[i] = (uint8_t)(u >> (8 * i));
	put(w, b, 4);
}

static void put_floats(struct wbuf *w, const float *f, size_t n)
{
	for (size_t i = 0; i < n; i++)
		put_f32(w, f[i]);
}

struct rbuf {
	const uint8_t *p;
	size_t len, off;
	size_t fw;		/* bytes per float field: 4, or 8 in version 2 */
};

static uint64_t get_u64(struct rbuf *r)
{
	uint64_t v = 0;

	if (r->off > r->len || r->len - r->off < 8) {
		r->off = r->len + 1;	/* mark truncation */
		return 0;
	}
	for (int i = 0; i < 8; i++)
		v |= (uint64_t)r->p[r->off + i] << (8 * i);
	r->off += 8;
	return v;
}

static float get_f32(struct rbuf *r)
{
	uint32_t u = 0;
	float f;

	if (r->fw == 8) {
		u = (uint32_t)get_u64(r);
	} else if (r->off > r->len || r->len - r->off < 4) {
		r->off = r->len + 1;	/* mark truncation */
	} else {
		for (int i = 0; i < 4; i++)
			u |= (uint32_t)r->p[r->off + i] << (8 * i);
		r->off += 4;
	}

	memcpy(&f, &u, 4);
	return f;
}

static void get_floats(struct rbuf *r, float *f, size_t n)
{
	for (size_t i = 0; i < n && r->off <= r->len; i++)
		f[i] = get_f32(r);
}

static void serialize(const struct danp_net *net, const uint64_t *user,
		      struct wbuf *w)
{
	const struct danp_spec *s = &net->spec;
	const struct danp_params *p = &net->p;
	uint32_t crc;

	put(w, ckpt_magic, 8);
	put_u64(w, s->n_layers);
	for (unsigned int i = 0; i <= s->n_layers; i++)
		put_u64(w, s->sizes[i]);
	put_f32(w, s->slope);
	put_u64(w, (uint64_t)s->bias);
	put_u64(w, (uint64_t)s->decor_default);
	for (unsigned int i = 0; i < s->n_layers; i++)
		put_u64(w, s->decor[i]);
	put_u64(w, (uint64_t)p->rule);
	put_u64(w, (uint64_t)p->loss);
	put_u64(w, (uint64_t)p->optim);
	put_u64(w, (uint64_t)p->reduce);
	put_f32(w, p->lr);
	put_f32(w, p->beta1);
	put_f32(w, p->beta2);
	put_f32(w, p->eps);
	put_f32(w, p->decor_lr);
	put_u64(w, (uint64_t)p->decor_center);
	put_f32(w, p->np_mean);
	put_f32(w, p->np_sigma2);
	put_u64(w, p->max_batch);
	put_u64(w, net->steps);
	for (int i = 0; i < DANP_CKPT_USER; i++)
		put_u64(w, user ? user[i] : 0);
	put_floats(w, net->param, net->n_params);
	put_floats(w, net->m, net->n_params);
	put_floats(w, net->v, net->n_params);
	for (unsigned int l = 0; l < net->L; l++) {
		const struct danp_layer *ly = &net->lay[l];

		if (ly->R)
			put_floats(w, ly->R, ly->din * ly->din);
		if (ly->c)
			put_floats(w, ly->c, ly->din);
	}
	crc = (uint32_t)crc32(0L, w->p, (uInt)w->len);
	put_u64(w, crc);
}

int danp_ckpt_save(const struct danp_net *net, const char *path,
		   const uint64_t *user, struct danp_err *err)
{
	struct wbuf w = { 0 };
	int ret;

	/* The format holds a full R only; it stays as it is. */
	if (net->p.decor_rank && danp_uses_decor(&net->p))
		return danp_seterr(err, -EINVAL, "%s: a network with a "
				   "low-rank R (decor_rank %u) cannot be "
				   "checkpointed", path, net->p.decor_rank);
	serialize(net, user, &w);
	if (w.bad) {
		free(w.p);
		return danp_seterr(err, -ENOMEM, "out of memory for checkpoint");
	}
	ret = danp_write_atomic(path, w.p, w.len, err);
	free(w.p);
	return ret;
}

static int parse(struct danp_net **out, struct rbuf *r, uint64_t *user,
		 const char *path, struct danp_err *err)
{
	struct danp_spec s = { 0 };
	struct danp_params p;
	struct danp_net *net;
	uint64_t nl, steps;
	size_t want;
	int ret;

	danp_params_default(&p);
	nl = get_u64(r);
	if (nl < 1 || nl > DANP_MAX_LAYERS)
		return danp_seterr(err, -EINVAL, "%s: bad layer count at offset 8",
				   path);
	s.n_layers = (unsigned int)nl;
	for (unsigned int i = 0; i <= s.n_layers; i++)
		s.sizes[i] = (size_t)get_u64(r);
	s.slope = get_f32(r);
	s.bias = (int)get_u64(r);
	s.decor_default = (int)get_u64(r);
	for (unsigned int i = 0; i < s.n_layers; i++)
		s.decor[i] = (unsigned char)get_u64(r);
	p.rule = (enum danp_rule)get_u64(r);
	p.loss = (enum danp_loss)get_u64(r);
	p.optim = (enum danp_optim)get_u64(r);
	p.reduce = (enum danp_reduce)get_u64(r);
	p.lr = get_f32(r);
	p.beta1 = get_f32(r);
	p.beta2 = get_f32(r);
	p.eps = get_f32(r);
	p.decor_lr = get_f32(r);
	p.decor_center = (int)get_u64(r);
	p.np_mean = get_f32(r);
	p.np_sigma2 = get_f32(r);
	p.max_batch = (size_t)get_u64(r);
	steps = get_u64(r);
	for (int i = 0; i < DANP_CKPT_USER; i++) {
		uint64_t u = get_u64(r);

		if (user)
			user[i] = u;
	}
	if (r->off > r->len)
		return danp_seterr(err, -EINVAL, "%s: truncated header", path);
	/* Check the size before allocating what the header asks for. */
	want = danp_ckpt_floats(&s, &p);
	if (!want || (r->len - r->off) / r->fw != want ||
	    (r->len - r->off) % r->fw)
		return danp_seterr(err, -EINVAL, "%s: header at offset 8 does not "
				   "match the file size %zu", path, r->len + 8);
	ret = danp_net_create(&net, &s, &p, 0, err);
	if (ret)
		return ret;
	net->steps = steps;
	get_floats(r, net->param, net->n_params);
	get_floats(r, net->m, net->n_params);
	get_floats(r, net->v, net->n_params);
	for (unsigned int l = 0; l < net->L; l++) {
		struct danp_layer *ly = &net->lay[l];

		if (ly->R)
			get_floats(r, ly->R, ly->din * ly->din);
		if (ly->c)
			get_floats(r, ly->c, ly->din);
	}
	if (r->off != r->len) {
		danp_net_destroy(net);
		return danp_seterr(err, -EINVAL,
				   "%s: size does not match its header (offset %zu of %zu)",
				   path, r->off, r->len);
	}
	*out = net;
	return 0;
}

int danp_ckpt_parse(struct danp_net **out, const uint8_t *buf, size_t len,
		    const char *name, uint64_t *user, struct danp_err *err)
{
	struct rbuf r;
	uint32_t crc, want;
	size_t fw;

	*out = NULL;
	if (len >= 16 && !memcmp(buf, ckpt_magic, 8))
		fw = 4;
	else if (len >= 16 && !memcmp(buf, ckpt_magic_v2, 8))
		fw = 8;
	else
		return danp_seterr(err, -EINVAL, "%s: not a libdanp checkpoint "
				   "(bad magic at offset 0)", name);
	crc = (uint32_t)crc32(0L, buf, (uInt)(len - 8));
	r = (struct rbuf){ buf, len, len - 8, 8 };
	want = (uint32_t)get_u64(&r);
	if (crc != want)
		return danp_seterr(err, -EINVAL, "%s: checksum mismatch (corrupt "
				   "or truncated checkpoint)", name);
	r = (struct rbuf){ buf, len - 8, 8, fw };
	return parse(out, &r, user, name, err);
}

int danp_ckpt_load(struct danp_net **out, const char *path, uint64_t *user,
		   struct danp_err *err)
{
	uint8_t *buf;
	size_t len;
	int ret;

	*out = NULL;
	ret = danp_read_file(path, &buf, &len, err);
	if (ret)
		return ret;
	ret = danp_ckpt_parse(out, buf, len, path, user, err);
	free(buf);
	return ret;
}
