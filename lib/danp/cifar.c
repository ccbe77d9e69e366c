// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * CIFAR binary batches: records of label byte(s) and 3072 pixel bytes
 * (1024 red, 1024 green, 1024 blue, row-major 32x32).  CIFAR-100 records
 * carry a coarse and a fine label; the fine one is used.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include "danp-internal.h"

#define CIFAR_PIXELS 3072

int danp_parse_cifar(struct danp_dataset *ds, const uint8_t *buf, size_t len,
		     const char *name, unsigned int classes,
		     struct danp_err *err)
{
	size_t lb, rec, n, old = ds->n;
	uint8_t *x;
	int32_t *y;

	if (classes != 10 && classes != 100)
		return danp_seterr(err, -EINVAL, "%s: CIFAR has 10 or 100 classes, "
				   "not %u", name, classes);
	lb = classes == 10 ? 1 : 2;
	rec = lb + CIFAR_PIXELS;
	if (len == 0 || len % rec)
		return danp_seterr(err, -EINVAL, "%s: size %zu is not a multiple of "
				   "the %zu-byte record (truncated at offset %zu)",
				   name, len, rec, len - len % rec);
	n = len / rec;
	for (size_t i = 0; i < n; i++) {
		const uint8_t *r = buf + i * rec;

		if ((lb == 2 && r[0] >= 20) || r[lb - 1] >= classes)
			return danp_seterr(err, -ERANGE, "%s: label %u out of range "
					   "at offset %zu", name,
					   lb == 2 && r[0] >= 20 ? r[0] : r[lb - 1],
					   i * rec + (lb == 2 && r[0] >= 20 ? 0 : lb - 1));
	}
	if (ds->x)
		return danp_seterr(err, -EINVAL, "%s: dataset already holds floats",
				   name);
	x = realloc(ds->x8, (old + n) * CIFAR_PIXELS);
	if (!x)
		return danp_seterr(err, -ENOMEM, "%s: out of memory", name);
	ds->x8 = x;
	y = realloc(ds->y, (old + n) * sizeof(int32_t));
	if (!y)
		return danp_seterr(err, -ENOMEM, "%s: out of memory", name);
	ds->y = y;
	for (size_t i = 0; i < n; i++) {
		const uint8_t *r = buf + i * rec;

		y[old + i] = r[lb - 1];
		memcpy(x + (old + i) * CIFAR_PIXELS, r + lb, CIFAR_PIXELS);
	}
	if (!old)
		for (int c = 0; c < 3; c++)
			ds->scale[c] = 1;
	ds->n = old + n;
	ds->dim = CIFAR_PIXELS;
	ds->n_classes = classes;
	ds->channels = 3;
	ds->height = 32;
	ds->width = 32;
	return 0;
}

int danp_load_cifar(struct danp_dataset *ds, const char *const *paths,
		    size_t n_paths, unsigned int classes,
		    struct danp_err *err)
{
	*ds = (struct danp_dataset){ 0 };
	for (size_t i = 0; i < n_paths; i++) {
		uint8_t *buf;
		size_t len;
		int ret = danp_read_file(paths[i], &buf, &len, err);

		if (!ret) {
			ret = danp_parse_cifar(ds, buf, len, paths[i], classes, err);
			free(buf);
		}
		if (ret) {
			danp_dataset_free(ds);
			return ret;
		}
	}
	if (!ds->n)
		return danp_seterr(err, -EINVAL, "no CIFAR files given");
	return 0;
}
