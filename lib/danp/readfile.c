// SPDX-License-Identifier: LGPL-2.1-or-later
/* Whole-file reads; zlib's gzread passes plain files through unchanged. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <zlib.h>
#include "danp-internal.h"

/* Datasets here are at most a few hundred MB; refuse absurd inputs. */
#define DANP_FILE_MAX ((size_t)1 << 32)

int danp_read_file(const char *path, uint8_t **buf, size_t *len,
		   struct danp_err *err)
{
	gzFile gz;
	uint8_t *p = NULL;
	size_t n = 0, cap = 0;
	int zerr;

	*buf = NULL;
	*len = 0;
	gz = gzopen(path, "rb");
	if (!gz)
		return danp_seterr(err, errno ? -errno : -ENOMEM,
				   "%s: cannot open: %s", path,
				   strerror(errno ? errno : ENOMEM));
	for (;;) {
		int k;

		if (cap - n < 65536) {
			size_t ncap = cap ? cap * 2 : 1 << 20;
			uint8_t *q;

			if (ncap > DANP_FILE_MAX) {
				free(p);
				gzclose(gz);
				return danp_seterr(err, -EFBIG,
						   "%s: larger than %zu bytes",
						   path, DANP_FILE_MAX);
			}
			q = realloc(p, ncap);
			if (!q) {
				free(p);
				gzclose(gz);
				return danp_seterr(err, -ENOMEM,
						   "%s: out of memory at offset %zu",
						   path, n);
			}
			p = q;
			cap = ncap;
		}
		k = gzread(gz, p + n, (unsigned int)(cap - n < (1u << 30) ? cap - n : (1u << 30)));
		if (k < 0) {
			const char *m = gzerror(gz, &zerr);

			danp_seterr(err, -EIO, "%s: read error at offset %zu: %s",
				    path, n, m);
			free(p);
			gzclose(gz);
			return -EIO;
		}
		if (k == 0)
			break;
		n += (size_t)k;
	}
	/* A truncated gzip stream ends with Z_BUF_ERROR, not a read error. */
	gzerror(gz, &zerr);
	if (zerr != Z_OK && zerr != Z_STREAM_END) {
		danp_seterr(err, -EIO, "%s: compressed data truncated or corrupt "
			    "after %zu bytes", path, n);
		free(p);
		gzclose(gz);
		return -EIO;
	}
	gzclose(gz);
	*buf = p;
	*len = n;
	return 0;
}
