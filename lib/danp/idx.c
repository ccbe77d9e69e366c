// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * IDX files (MNIST, Fashion-MNIST): 0, 0, type 0x08 (unsigned byte), number
 * of dimensions, then that many big-endian 32-bit sizes and the data.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include "danp-internal.h"

static int idx_header(const uint8_t *buf, size_t len, const char *name,
		      unsigned int ndims, uint32_t *dims, size_t *count,
		      struct danp_err *err)
{
	size_t hdr = 4 + 4 * (size_t)ndims, total = 1;

	if (len < 4)
		return danp_seterr(err, -EINVAL, "%s: truncated at offset %zu: "
				   "no IDX magic", name, len);
	if (buf[0] || buf[1] || buf[2] != 0x08)
		return danp_seterr(err, -EINVAL, "%s: bad IDX magic at offset 0 "
				   "(%02x %02x %02x, want 00 00 08)", name,
				   buf[0], buf[1], buf[2]);
	if (buf[3] != ndims)
		return danp_seterr(err, -EINVAL, "%s: %u dimensions at offset 3, "
				   "want %u", name, buf[3], ndims);
	if (len < hdr)
		return danp_seterr(err, -EINVAL, "%s: truncated header at offset %zu",
				   name, len);
	for (unsigned int i = 0; i < ndims; i++) {
		const uint8_t *q = buf + 4 + 4 * i;

		dims[i] = (uint32_t)q[0] << 24 | (uint32_t)q[1] << 16 |
			  (uint32_t)q[2] << 8 | q[3];
		if (dims[i] == 0 || total > SIZE_MAX / dims[i])
			return danp_seterr(err, -EINVAL, "%s: bad size %u at offset %u",
					   name, dims[i], 4 + 4 * i);
		total *= dims[i];
	}
	if (len - hdr < total)
		return danp_seterr(err, -EINVAL, "%s: truncated at offset %zu: "
				   "header promises %zu data bytes from offset %zu",
				   name, len, total, hdr);
	if (len - hdr > total)
		return danp_seterr(err, -EINVAL, "%s: %zu unexpected bytes after "
				   "the data at offset %zu", name,
				   len - hdr - total, hdr + total);
	*count = total;
	return 0;
}

int danp_parse_idx_images(const uint8_t *buf, size_t len, const char *name,
			  uint8_t **x, size_t *n, size_t *h, size_t *w,
			  struct danp_err *err)
{
	uint32_t dims[3] = { 0 };
	size_t total = 0;
	uint8_t *p;
	int ret = idx_header(buf, len, name, 3, dims, &total, err);

	if (ret)
		return ret;
	p = malloc(total);
	if (!p)
		return danp_seterr(err, -ENOMEM, "%s: out of memory", name);
	memcpy(p, buf + 16, total);
	*x = p;
	*n = dims[0];
	*h = dims[1];
	*w = dims[2];
	return 0;
}

int danp_parse_idx_labels(const uint8_t *buf, size_t len, const char *name,
			  int32_t **y, size_t *n, struct danp_err *err)
{
	uint32_t dims[1] = { 0 };
	size_t total = 0;
	int32_t *p;
	int ret = idx_header(buf, len, name, 1, dims, &total, err);

	if (ret)
		return ret;
	p = malloc(total * sizeof(int32_t));
	if (!p)
		return danp_seterr(err, -ENOMEM, "%s: out of memory", name);
	for (size_t i = 0; i < total; i++)
		p[i] = buf[8 + i];
	*y = p;
	*n = dims[0];
	return 0;
}

int danp_load_idx(struct danp_dataset *ds, const char *images,
		  const char *labels, struct danp_err *err)
{
	uint8_t *buf, *x;
	size_t len, n, h, w, nl;
	int32_t *y;
	int ret;

	*ds = (struct danp_dataset){ 0 };
	ret = danp_read_file(images, &buf, &len, err);
	if (ret)
		return ret;
	{
		/* Checked like danp_parse_idx_images, but the pixels stay in
		 * the file buffer: no second copy of a 47 MB file. */
		uint32_t dims[3] = { 0 };
		size_t total = 0;
		uint8_t *shrunk;

		ret = idx_header(buf, len, images, 3, dims, &total, err);
		if (ret) {
			free(buf);
			return ret;
		}
		memmove(buf, buf + 16, total);
		shrunk = realloc(buf, total);
		x = shrunk ? shrunk : buf;
		n = dims[0];
		h = dims[1];
		w = dims[2];
	}
	ret = danp_read_file(labels, &buf, &len, err);
	if (!ret) {
		ret = danp_parse_idx_labels(buf, len, labels, &y, &nl, err);
		free(buf);
	}
	if (ret) {
		free(x);
		return ret;
	}
	if (nl != n) {
		free(x);
		free(y);
		return danp_seterr(err, -EINVAL, "%s: %zu labels at offset 4, but "
				   "%s has %zu images", labels, nl, images, n);
	}
	ds->n = n;
	ds->dim = h * w;
	ds->channels = 1;
	ds->height = h;
	ds->width = w;
	ds->x8 = x;
	ds->y = y;
	ds->scale[0] = 1;
	ds->n_classes = 0;
	for (size_t i = 0; i < n; i++)
		if ((size_t)y[i] + 1 > ds->n_classes)
			ds->n_classes = (size_t)y[i] + 1;
	return 0;
}
