// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * Atomic file replacement: write a temporary file beside the target,
 * fsync it, rename it over the target, fsync the directory.  Readers and
 * crashes see the old or the new content, never a mix.  The temporary file
 * is created with mode 0666 minus the umask, like any new file.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
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

/*
 * @name is "<base>.tmp.<pid>.<n>" (decimal, no signs or spaces): the
 * pattern create_tmp() makes for @base.  Returns the pid, or 0.
 */
static long tmp_pid(const char *name, const char *base)
{
	size_t bl = strlen(base);
	const char *p;
	char *end;
	long pid;

	if (strncmp(name, base, bl) || strncmp(name + bl, ".tmp.", 5))
		return 0;
	p = name + bl + 5;
	if (*p < '0' || *p > '9')
		return 0;
	pid = strtol(p, &end, 10);
	if (*end != '.' || end[1] < '0' || end[1] > '9' || pid <= 0)
		return 0;
	for (p = end + 1; *p; p++)
		if (*p < '0' || *p > '9')
			return 0;
	return pid;
}

int danp_remove_stale_tmp(const char *path, unsigned int *removed,
			  struct danp_err *err)
{
	char dir[PATH_MAX], *slash;
	const char *base;
	struct dirent *de;
	DIR *d;
	int ret = 0;

	*removed = 0;
	if (snprintf(dir, sizeof(dir), "%s", path) >= (int)sizeof(dir))
		return danp_seterr(err, -ENAMETOOLONG, "%s: path too long", path);
	slash = strrchr(dir, '/');
	if (slash) {
		base = path + (slash - dir) + 1;
		*(slash == dir ? slash + 1 : slash) = '\0';
	} else {
		base = path;
		strcpy(dir, ".");
	}
	if (!*base)
		return danp_seterr(err, -EINVAL, "%s: names a directory", path);
	d = opendir(dir);
	if (!d) {
		if (errno == ENOENT)	/* nothing written there yet */
			return 0;
		return danp_seterr(err, -errno, "%s: cannot list the directory: %s",
				   dir, strerror(errno));
	}
	while ((de = readdir(d))) {
		long pid = tmp_pid(de->d_name, base);
		struct stat st;

		/*
		 * Ours and abandoned only: our pattern, a regular file (not
		 * a link) of this user, its writer no longer running.  A
		 * live writer (another run on the same file) keeps its file.
		 */
		if (!pid || fstatat(dirfd(d), de->d_name, &st, AT_SYMLINK_NOFOLLOW) ||
		    !S_ISREG(st.st_mode) || st.st_uid != geteuid() ||
		    (pid != (long)getpid() && (kill((pid_t)pid, 0) == 0 ||
					       errno != ESRCH)))
			continue;
		if (unlinkat(dirfd(d), de->d_name, 0)) {
			if (errno == ENOENT)
				continue;
			ret = danp_seterr(err, -errno, "%s/%s: cannot remove a stale "
					  "temporary file: %s", dir, de->d_name,
					  strerror(errno));
			break;
		}
		(*removed)++;
	}
	closedir(d);
	return ret;
}
