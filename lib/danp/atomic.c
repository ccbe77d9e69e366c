// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * Atomic file replacement: write a temporary file beside the target,
 * fsync it, rename it over the target, fsync the directory.  Readers and
 * crashes see the old or the new content, never a mix.  The temporary file
 * is created with mode 0666 minus the umask, like any new file.
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include "danp-internal.h"

static int write_all(int fd, const uint8_t *p, size_t n)
{
	while (n) {
		ssize_t k = write(fd, p, n);

		if (k < 0) {
			if (errno == EINTR)
				continue;
			return -errno;
		}
		p += k;
		n -= (size_t)k;
	}
	return 0;
}

/* Create PATH.tmp.<pid>.<n> exclusively; a name in use gets another n. */
static int create_tmp(const char *path, char *tmp, size_t len)
{
	struct timespec ts;

	clock_gettime(CLOCK_REALTIME, &ts);
	for (unsigned long n = (unsigned long)ts.tv_nsec, i = 0; i < 100; i++, n++) {
		int fd;

		if (snprintf(tmp, len, "%s.tmp.%ld.%lu", path, (long)getpid(), n) >=
		    (int)len)
			return -ENAMETOOLONG;
		fd = open(tmp, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0666);
		if (fd >= 0 || errno != EEXIST)
			return fd >= 0 ? fd : -errno;
	}
	return -EEXIST;
}

int danp_write_atomic(const char *path, const void *data, size_t len,
		      struct danp_err *err)
{
	char tmp[PATH_MAX], dir[PATH_MAX], *slash;
	int fd, ret;

	fd = create_tmp(path, tmp, sizeof(tmp));
	if (fd < 0)
		return danp_seterr(err, fd, "%s: cannot create a temporary file "
				   "beside it: %s", path, strerror(-fd));
	ret = write_all(fd, data, len);
	if (!ret && fsync(fd))
		ret = -errno;
	if (close(fd) && !ret)
		ret = -errno;
	if (!ret && rename(tmp, path))
		ret = -errno;
	if (ret) {
		unlink(tmp);
		return danp_seterr(err, ret, "%s: cannot write: %s", path,
				   strerror(-ret));
	}
	/* Make the rename itself durable. */
	snprintf(dir, sizeof(dir), "%s", path);
	slash = strrchr(dir, '/');
	if (slash)
		*(slash == dir ? slash + 1 : slash) = '\0';
	else
		strcpy(dir, ".");
	fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fd >= 0) {
		fsync(fd);
		close(fd);
	}
	return 0;
}
