// SPDX-License-Identifier: LGPL-2.1-or-later
/* Whole-file reader for the series parsers. */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include "smtj-internal.h"

int smtj_read_file(const char *path, void **buf, size_t *len,
		   struct smtj_err *err)
{
	struct stat st;
	size_t got = 0;
	char *p;
	int fd, e;

	*buf = NULL;
	*len = 0;
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0) {
		e = -errno;
		return smtj_seterr(err, e, "%s: %s", path, strerror(-e));
	}
	if (fstat(fd, &st) || !S_ISREG(st.st_mode)) {
		close(fd);
		return smtj_seterr(err, -EINVAL, "%s: not a regular file", path);
	}
	p = malloc(st.st_size ? (size_t)st.st_size : 1);
	if (!p) {
		close(fd);
		return smtj_seterr(err, -ENOMEM, "%s: out of memory for %lld bytes",
				   path, (long long)st.st_size);
	}
	while (got < (size_t)st.st_size) {
		ssize_t r = read(fd, p + got, (size_t)st.st_size - got);

		if (r < 0 && errno == EINTR)
			continue;
		if (r <= 0) {
			e = r < 0 ? -errno : -EIO;
			close(fd);
			free(p);
			return smtj_seterr(err, e, "%s: read failed at offset %zu: %s",
					   path, got, r < 0 ? strerror(-e) : "file shrank");
		}
		got += (size_t)r;
	}
	close(fd);
	*buf = p;
	*len = got;
	return 0;
}
