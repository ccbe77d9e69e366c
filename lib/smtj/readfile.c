// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * File readers for the series: the whole file (the parsers), or chunks
 * through a fixed buffer (replay of a recording larger than memory).
 */
#define _FILE_OFFSET_BITS 64	/* 32-bit hosts: files beyond 2 GiB */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include "smtj-internal.h"

static int open_regular(const char *path, struct stat *st,
			struct smtj_err *err)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC), e;

	if (fd < 0) {
		e = -errno;
		return smtj_seterr(err, e, "%s: %s", path, strerror(-e));
	}
	if (fstat(fd, st) || !S_ISREG(st->st_mode)) {
		close(fd);
		return smtj_seterr(err, -EINVAL, "%s: not a regular file", path);
	}
	return fd;
}

/* @want bytes at @off into @p; a short file is "file shrank". */
static int read_at(int fd, const char *path, uint8_t *p, size_t want,
		   uint64_t off, struct smtj_err *err)
{
	size_t got = 0;

	while (got < want) {
		ssize_t r = pread(fd, p + got, want - got, (off_t)(off + got));
		int e;

		if (r < 0 && errno == EINTR)
			continue;
		if (r <= 0) {
			e = r < 0 ? -errno : -EIO;
			return smtj_seterr(err, e, "%s: read failed at offset %llu: %s",
					   path, (unsigned long long)(off + got),
					   r < 0 ? strerror(-e) : "file shrank");
		}
		got += (size_t)r;
	}
	return 0;
}

int smtj_read_file(const char *path, void **buf, size_t *len,
		   struct smtj_err *err)
{
	struct stat st;
	uint8_t *p;
	int fd, ret;

	*buf = NULL;
	*len = 0;
	fd = open_regular(path, &st, err);
	if (fd < 0)
		return fd;
	if ((uint64_t)st.st_size > SIZE_MAX - 1 ||
	    !(p = malloc(st.st_size ? (size_t)st.st_size : 1))) {
		close(fd);
		return smtj_seterr(err, -ENOMEM, "%s: out of memory for %lld bytes",
				   path, (long long)st.st_size);
	}
	ret = read_at(fd, path, p, (size_t)st.st_size, 0, err);
	close(fd);
	if (ret) {
		free(p);
		return ret;
	}
	*buf = p;
	*len = (size_t)st.st_size;
	return 0;
}

int smtj_file_open(struct smtj_file *f, const char *path, size_t cap,
		   struct smtj_err *err)
{
	struct stat st;

	memset(f, 0, sizeof(*f));
	f->fd = open_regular(path, &st, err);
	if (f->fd < 0)
		return f->fd;
	f->size = (uint64_t)st.st_size;
	f->cap = cap;
	f->path = strdup(path);
	/* a small file needs no more than its size */
	f->buf = malloc(f->size < cap ? (f->size ? (size_t)f->size : 1) : cap);
	if (!f->path || !f->buf || !cap) {
		smtj_file_close(f);
		return smtj_seterr(err, -ENOMEM, "%s: out of memory", path);
	}
	/* we go through in order: ask for a larger read-ahead */
	posix_fadvise(f->fd, 0, 0, POSIX_FADV_SEQUENTIAL);
	return 0;
}

int smtj_file_at(struct smtj_file *f, uint64_t off, const uint8_t **p,
		 size_t *len, struct smtj_err *err)
{
	uint64_t start = off - off % f->cap;
	struct stat st;
	size_t want;
	int ret, e;

	if (off < f->off || off - f->off >= f->len) {
		if (off >= f->size)
			return smtj_seterr(err, -EINVAL,
					   "%s: offset %llu: beyond the %llu bytes of the file",
					   f->path, (unsigned long long)off,
					   (unsigned long long)f->size);
		f->len = 0;
		if (fstat(f->fd, &st)) {
			e = -errno;
			return smtj_seterr(err, e, "%s: offset %llu: %s", f->path,
					   (unsigned long long)off, strerror(-e));
		}
		/* a recording being written, truncated or replaced in place */
		if ((uint64_t)st.st_size != f->size)
			return smtj_seterr(err, -EIO,
					   "%s: offset %llu: the file changed size (%llu bytes when opened, %llu now)",
					   f->path, (unsigned long long)off,
					   (unsigned long long)f->size,
					   (unsigned long long)st.st_size);
		want = f->size - start < f->cap ? (size_t)(f->size - start) : f->cap;
		ret = read_at(f->fd, f->path, f->buf, want, start, err);
		if (ret)
			return ret;
		f->off = start;
		f->len = want;
	}
	*p = f->buf + (off - f->off);
	*len = f->len - (size_t)(off - f->off);
	return 0;
}

void smtj_file_close(struct smtj_file *f)
{
	if (f->fd >= 0)
		close(f->fd);
	free(f->path);
	free(f->buf);
	memset(f, 0, sizeof(*f));
	f->fd = -1;
}
