/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Helpers shared by the smtj selftests (kselftest harness, run in the VM by
 * tests/vm/).  Everything here talks to the real ABI of
 * include/uapi/linux/smtj.h.
 */
#ifndef SMTJ_TEST_H
#define SMTJ_TEST_H

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

#include <linux/smtj.h>

/*
 * The harness's macros expand to functions with parameters a test may not
 * use (_metadata, self, variant) and compare expected and seen values of
 * whatever types they have: keep -Wall -Wextra -Werror for everything else.
 */
#pragma GCC diagnostic ignored "-Wunused-parameter"
#pragma GCC diagnostic ignored "-Wsign-compare"
#include "kselftest_harness.h"
#include "smtj_model.h"

/*
 * SMTJ_TIMEOUT_SCALE=N in the environment multiplies every test's harness
 * timeout by N (1 to 100): a kernel with KASAN and lockdep under QEMU
 * without KVM runs the same test several times slower (tests/vm/init passes
 * the VM's smtj_timeout_scale).
 */
static inline void smtj_scale_timeouts(struct __fixture_metadata *fixtures)
{
	const char *s = getenv("SMTJ_TIMEOUT_SCALE");
	struct __fixture_metadata *f;
	struct __test_metadata *t;
	long scale;

	scale = s ? strtol(s, NULL, 10) : 1;
	if (scale <= 1 || scale > 100)
		return;
	for (f = fixtures; f; f = f->next)
		for (t = f->tests; t; t = t->next)
			t->timeout *= scale;
}

/*
 * main() of every selftest: with SMTJ_PLAN_ONLY set in the environment it
 * only prints "1..N" (the number of tests it would run), so that the VM's
 * /init can announce every program's plan before running anything.
 */
#define SMTJ_TEST_MAIN							\
	int main(int argc, char **argv)					\
	{								\
		if (getenv("SMTJ_PLAN_ONLY")) {				\
			struct __fixture_variant_metadata nv = { .name = "" }; \
			struct __fixture_variant_metadata *v;		\
			struct __fixture_metadata *f;			\
			struct __test_metadata *t;			\
			unsigned int n = 0;				\
									\
			for (f = __fixture_list; f; f = f->next)	\
				for (v = f->variant ?: &nv; v; v = v->next) \
					for (t = f->tests; t; t = t->next) \
						n++;			\
			printf("1..%u\n", n);				\
			return 0;					\
		}							\
		smtj_scale_timeouts(__fixture_list);			\
		return test_harness_run(argc, argv);			\
	}

#define SMTJ_MODULE		"smtj"
#define SMTJ_SYSFS_CLASS	"/sys/class/smtj"
#define SMTJ_SIM_DRIVER		"/sys/bus/platform/drivers/smtj-sim"
/* fault injection of the simulator behind /dev/smtjN: SMTJ_DEBUGFS "/smtjN/" */
#define SMTJ_DEBUGFS		"/sys/kernel/debug/smtj"

static inline uint64_t smtj_now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ULL + (uint64_t)ts.tv_nsec;
}

static inline void smtj_sleep_ms(unsigned int ms)
{
	struct timespec ts = { ms / 1000, (long)(ms % 1000) * 1000000L };

	while (nanosleep(&ts, &ts) && errno == EINTR)
		;
}

static inline int smtj_open(int n, int flags)
{
	char path[32];

	snprintf(path, sizeof(path), "/dev/smtj%d", n);
	return open(path, flags | O_CLOEXEC);
}

/* ioctl() as 0 or -errno. */
static inline int smtj_ioctl(int fd, unsigned long cmd, void *arg)
{
	return ioctl(fd, cmd, arg) < 0 ? -errno : 0;
}

static inline int smtj_get_info(int fd, struct smtj_info *info)
{
	memset(info, 0, sizeof(*info));
	info->size = sizeof(*info);
	return smtj_ioctl(fd, SMTJ_IOC_GET_INFO, info);
}

static inline int smtj_set_sim(int fd, struct smtj_sim_config *cfg)
{
	return smtj_ioctl(fd, SMTJ_IOC_SET_SIM, cfg);
}

static inline int smtj_get_consumer(int fd, struct smtj_consumer *c)
{
	memset(c, 0, sizeof(*c));
	c->size = sizeof(*c);
	return smtj_ioctl(fd, SMTJ_IOC_GET_CONSUMER, c);
}

static inline int smtj_set_consumer(int fd, uint32_t ring_samples,
				    uint32_t watermark)
{
	struct smtj_consumer c;

	memset(&c, 0, sizeof(c));
	c.size = sizeof(c);
	c.ring_samples = ring_samples;
	c.watermark = watermark;
	return smtj_ioctl(fd, SMTJ_IOC_SET_CONSUMER, &c);
}

/* The default (paper) configuration with the given flags, rate and seed. */
static inline void smtj_cfg(struct smtj_sim_config *cfg, uint32_t flags,
			    uint32_t rate_hz, uint64_t seed)
{
	smtj_model_default_config(cfg);
	cfg->flags = flags;
	cfg->rate_hz = rate_hz;
	cfg->seed = seed;
}

/*
 * Read exactly @n samples with blocking read()s (or poll() for a
 * non-blocking fd), giving up after @timeout_ms.  Returns the number of
 * samples read, or -errno of a failing read().
 */
static inline long smtj_read_samples(int fd, uint16_t *buf, size_t n,
				     unsigned int timeout_ms)
{
	uint64_t end = smtj_now_ns() + (uint64_t)timeout_ms * 1000000ULL;
	size_t got = 0;

	while (got < n) {
		ssize_t r = read(fd, buf + got, (n - got) * sizeof(*buf));

		if (r < 0) {
			if (errno == EINTR)
				continue;
			if (errno != EAGAIN)
				return -errno;
			struct pollfd p = { .fd = fd, .events = POLLIN };

			poll(&p, 1, 10);
		} else {
			got += (size_t)r / sizeof(*buf);
		}
		if (smtj_now_ns() > end)
			break;
	}
	return (long)got;
}

/* A text file (sysfs) into @buf, trailing newline and blanks cut; 0 or
 * -errno. */
static inline int smtj_read_text(const char *path, char *buf, size_t len)
{
	ssize_t r;
	int fd;

	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	r = read(fd, buf, len - 1);
	close(fd);
	if (r < 0)
		return -errno;
	buf[r] = 0;
	while (r > 0 && (buf[r - 1] == '\n' || buf[r - 1] == ' '))
		buf[--r] = 0;
	return 0;
}

/* A sysfs attribute of /sys/class/smtj/smtj<n>/ into @buf; 0 or -errno. */
static inline int smtj_sysfs_read(int n, const char *attr, char *buf,
				  size_t len)
{
	char path[128];

	snprintf(path, sizeof(path), SMTJ_SYSFS_CLASS "/smtj%d/%s", n, attr);
	return smtj_read_text(path, buf, len);
}

/* A numeric sysfs attribute; -1 (all ones) when it cannot be read. */
static inline uint64_t smtj_sysfs_u64(int n, const char *attr)
{
	char buf[64], *end;
	unsigned long long v;

	if (smtj_sysfs_read(n, attr, buf, sizeof(buf)))
		return UINT64_MAX;
	errno = 0;
	v = strtoull(buf, &end, 0);
	if (errno || end == buf || *end)
		return UINT64_MAX;
	return v;
}

/* Write @val to a sysfs file; 0 or -errno. */
static inline int smtj_sysfs_write(const char *path, const char *val)
{
	int fd = open(path, O_WRONLY | O_CLOEXEC);
	ssize_t r;

	if (fd < 0)
		return -errno;
	r = write(fd, val, strlen(val));
	r = r < 0 ? -errno : 0;
	close(fd);
	return (int)r;
}

/*
 * Wait (up to 5 s times SMTJ_TIMEOUT_SCALE) until /dev/smtj@n has no
 * consumer, for a test that SET_SIMs (EBUSY while another file is
 * attached).  An io_uring drops its files in deferred work after it is
 * torn down (6.12 notably): the previous test's file can stay attached
 * for a moment after its process closed everything.  0, or -EBUSY.
 */
static inline int smtj_wait_no_consumers(int n)
{
	const char *s = getenv("SMTJ_TIMEOUT_SCALE");
	long scale = s ? strtol(s, NULL, 10) : 1;
	uint64_t end;

	scale = scale < 1 ? 1 : scale > 100 ? 100 : scale;
	end = smtj_now_ns() + 5000000000ULL * (uint64_t)scale;
	while (smtj_sysfs_u64(n, "consumers") != 0) {
		if (smtj_now_ns() > end)
			return -EBUSY;
		smtj_sleep_ms(10);
	}
	return 0;
}

static inline int smtj_module_loaded(void)
{
	return access("/sys/module/" SMTJ_MODULE, F_OK) == 0;
}

/* Load the module from $SMTJ_KO with @params; 0 or -errno. */
static inline int smtj_module_load(const char *params)
{
	const char *ko = getenv("SMTJ_KO");
	int fd, ret = 0;

	if (!ko)
		return -ENOENT;
	fd = open(ko, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	if (syscall(SYS_finit_module, fd, params, 0))
		ret = -errno;
	close(fd);
	return ret;
}

/* delete_module(2) as rmmod does it (O_NONBLOCK); 0 or -errno. */
static inline int smtj_module_unload(void)
{
	return syscall(SYS_delete_module, SMTJ_MODULE, O_NONBLOCK) ? -errno : 0;
}

/* Make sure the module is loaded with the parameters /init gave it. */
static inline int smtj_module_ensure(void)
{
	const char *params = getenv("SMTJ_PARAMS");
	int i;

	if (smtj_module_loaded())
		return 0;
	i = smtj_module_load(params ? params : "sim_devices=2");
	if (i)
		return i;
	/* devtmpfs creates the nodes asynchronously */
	for (i = 0; i < 200 && access("/dev/smtj0", F_OK); i++)
		smtj_sleep_ms(10);
	return 0;
}

/* Data pointer and header of a mapped ring. */
struct smtj_map {
	struct smtj_ring_header *hdr;
	const uint16_t *data;
	size_t hdr_len, data_len;
};

static inline int smtj_map_ring(int fd, const struct smtj_info *info,
				struct smtj_map *m)
{
	void *p;

	m->hdr_len = (size_t)sysconf(_SC_PAGESIZE);
	m->data_len = info->ring_data_size;
	p = mmap(NULL, m->hdr_len, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
	if (p == MAP_FAILED)
		return -errno;
	m->hdr = p;
	p = mmap(NULL, m->data_len, PROT_READ, MAP_SHARED, fd,
		 info->ring_data_offset);
	if (p == MAP_FAILED) {
		int e = -errno;

		munmap(m->hdr, m->hdr_len);
		return e;
	}
	m->data = p;
	return 0;
}

static inline void smtj_unmap_ring(struct smtj_map *m)
{
	if (m->data)
		munmap((void *)m->data, m->data_len);
	if (m->hdr)
		munmap(m->hdr, m->hdr_len);
	m->data = NULL;
	m->hdr = NULL;
}

static inline uint64_t smtj_ring_producer(const struct smtj_map *m)
{
	return __atomic_load_n(&m->hdr->producer, __ATOMIC_ACQUIRE);
}

/* The header's kernel-written fields, read under seq (linux/smtj.h). */
struct smtj_snap {
	uint64_t producer, lost, newest_index, newest_time_ns;
	unsigned int retries;
};

static inline void smtj_ring_snap(const struct smtj_map *m, struct smtj_snap *s)
{
	const struct smtj_ring_header *h = m->hdr;
	uint32_t seq;

	s->retries = 0;
	for (;; s->retries++) {
		seq = __atomic_load_n(&h->seq, __ATOMIC_ACQUIRE);
		if (seq & 1)
			continue;
		s->producer = __atomic_load_n(&h->producer, __ATOMIC_RELAXED);
		s->lost = __atomic_load_n(&h->lost, __ATOMIC_RELAXED);
		s->newest_index = __atomic_load_n(&h->newest_index, __ATOMIC_RELAXED);
		s->newest_time_ns = __atomic_load_n(&h->newest_time_ns,
						    __ATOMIC_RELAXED);
		__atomic_thread_fence(__ATOMIC_ACQUIRE);
		if (__atomic_load_n(&h->seq, __ATOMIC_RELAXED) == seq)
			return;
	}
}

static inline void smtj_ring_consume(struct smtj_map *m, uint64_t consumer)
{
	__atomic_store_n(&m->hdr->consumer, consumer, __ATOMIC_RELEASE);
}

#endif /* SMTJ_TEST_H */
