// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Races: every operation of one file at once from several threads, files
 * opened and closed around a reader, and a device unbound while threads
 * hammer it.  Each operation may fail only with the errors its contract
 * allows; nothing may crash, hang or warn (the VM harness checks the
 * kernel log), and the file works normally afterwards.
 */
#include <libgen.h>
#include <pthread.h>

#include "smtj_test.h"

#define MAX_ERRS 8

struct op_stats {
	const char *name;
	unsigned long ok, allowed, bad;
	int bad_errno;
};

struct race {
	int fd;
	int dev;
	volatile int stop;
	uint32_t ring;
	struct op_stats read, mmap, config, info, poll, sim;
};

/* Count one result: 0 ok, else -errno checked against @allowed (0-ended). */
static void count(struct op_stats *s, int ret, const int *allowed)
{
	if (!ret) {
		__atomic_add_fetch(&s->ok, 1, __ATOMIC_RELAXED);
		return;
	}
	for (; *allowed; allowed++) {
		if (-ret == *allowed) {
			__atomic_add_fetch(&s->allowed, 1, __ATOMIC_RELAXED);
			return;
		}
	}
	__atomic_add_fetch(&s->bad, 1, __ATOMIC_RELAXED);
	s->bad_errno = -ret;
}

static const int e_read[] = { EAGAIN, EBUSY, 0 };
static const int e_busy[] = { EBUSY, 0 };
/* the ring may shrink between GET_INFO and mmap: then the data is too long */
static const int e_map[] = { EBUSY, EINVAL, 0 };
static const int e_none[] = { 0 };

static void *t_read(void *arg)
{
	struct race *r = arg;
	uint16_t buf[256];

	while (!r->stop) {
		ssize_t n = read(r->fd, buf, sizeof(buf));

		count(&r->read, n < 0 ? -errno : 0, e_read);
	}
	return NULL;
}

static void *t_mmap(void *arg)
{
	struct race *r = arg;
	struct smtj_info info;
	struct smtj_map m;
	volatile uint16_t sink = 0;

	while (!r->stop) {
		int ret = smtj_get_info(r->fd, &info);

		if (ret) {
			count(&r->mmap, ret, e_none);
			continue;
		}
		memset(&m, 0, sizeof(m));
		ret = smtj_map_ring(r->fd, &info, &m);
		count(&r->mmap, ret, e_map);
		if (ret)
			continue;
		/* the ring may have grown before the mapping: stay inside */
		uint64_t p = smtj_ring_producer(&m);

		sink ^= m.data[(p - 1) & (m.hdr->nr_samples - 1)];
		smtj_ring_consume(&m, p);
		smtj_unmap_ring(&m);
	}
	(void)sink;
	return NULL;
}

static void *t_config(void *arg)
{
	struct race *r = arg;
	struct smtj_consumer c;
	unsigned int i = 0;

	while (!r->stop) {
		uint32_t ring = (i++ & 1) ? 1024 : 4096;

		count(&r->config, smtj_set_consumer(r->fd, ring, 16), e_busy);
		count(&r->config, smtj_get_consumer(r->fd, &c), e_none);
	}
	return NULL;
}

static void *t_info(void *arg)
{
	struct race *r = arg;
	struct smtj_info info;
	struct smtj_sim_config cfg;
	unsigned int i = 0;

	while (!r->stop) {
		count(&r->info, smtj_get_info(r->fd, &info), e_none);
		if ((i++ & 15) == 0) {
			smtj_cfg(&cfg, SMTJ_SIM_F_PATTERN, 100000, i);
			count(&r->sim, smtj_set_sim(r->fd, &cfg), e_busy);
		}
	}
	return NULL;
}

static void *t_poll(void *arg)
{
	struct race *r = arg;
	struct pollfd p = { .fd = r->fd, .events = POLLIN };

	while (!r->stop) {
		int n = poll(&p, 1, 1);

		count(&r->poll, n < 0 ? -errno : 0, e_none);
	}
	return NULL;
}

/*
 * No error outside the allowed ones; with @must_succeed, at least one
 * success (read and mmap may be starved by the others legitimately).
 */
static void report(struct __test_metadata *_metadata, struct op_stats *s,
		   int must_succeed)
{
	TH_LOG("%-8s ok %lu, allowed errors %lu, other errors %lu (last %s)",
	       s->name, s->ok, s->allowed, s->bad,
	       s->bad ? strerror(s->bad_errno) : "-");
	EXPECT_EQ(0, s->bad) TH_LOG("%s failed with %s", s->name, strerror(s->bad_errno));
	if (must_succeed)
		EXPECT_LT(0, s->ok) TH_LOG("%s never succeeded", s->name);
}

TEST(one_file_every_operation_at_once)
{
	static void *(*const fn[])(void *) = { t_read, t_mmap, t_config, t_info, t_poll };
	pthread_t th[sizeof(fn) / sizeof(fn[0])];
	struct race r = {
		.read = { "read" }, .mmap = { "mmap" }, .config = { "consumer" },
		.info = { "info" }, .poll = { "poll" }, .sim = { "set_sim" },
	};
	struct smtj_sim_config cfg;
	uint16_t buf[512];
	unsigned int i;
	long n;

	ASSERT_EQ(0, smtj_module_ensure());
	r.fd = smtj_open(0, O_RDWR | O_NONBLOCK);
	ASSERT_LE(0, r.fd);
	smtj_cfg(&cfg, SMTJ_SIM_F_PATTERN, 100000, 1);
	ASSERT_EQ(0, smtj_set_sim(r.fd, &cfg));
	for (i = 0; i < sizeof(fn) / sizeof(fn[0]); i++)
		ASSERT_EQ(0, pthread_create(&th[i], NULL, fn[i], &r));
	smtj_sleep_ms(1500);
	r.stop = 1;
	for (i = 0; i < sizeof(fn) / sizeof(fn[0]); i++)
		pthread_join(th[i], NULL);
	report(_metadata, &r.read, 0);
	report(_metadata, &r.mmap, 0);
	report(_metadata, &r.config, 1);
	report(_metadata, &r.info, 1);
	report(_metadata, &r.poll, 1);
	report(_metadata, &r.sim, 0);

	/* and the file works as before */
	ASSERT_EQ(0, smtj_set_consumer(r.fd, 65536, 1));
	ASSERT_EQ(0, smtj_set_sim(r.fd, &cfg));
	n = smtj_read_samples(r.fd, buf, 512, 5000);
	ASSERT_EQ(512, n);
	for (i = 0; i < 512; i++)
		ASSERT_EQ(i, buf[i]);
	close(r.fd);
}

static void *t_churn(void *arg)
{
	struct race *r = arg;
	struct smtj_info info;
	struct smtj_map m;
	unsigned int i = 0;

	while (!r->stop) {
		int fd = smtj_open(r->dev, O_RDWR | O_NONBLOCK);
		uint16_t buf[64];

		if (fd < 0) {
			count(&r->mmap, -errno, e_none);
			continue;
		}
		count(&r->mmap, 0, e_none);
		switch (i++ % 3) {
		case 0:		/* take a little, close */
			if (read(fd, buf, sizeof(buf)) < 0 && errno != EAGAIN)
				count(&r->read, -errno, e_none);
			close(fd);
			break;
		case 1:		/* map, close, then unmap */
			memset(&m, 0, sizeof(m));
			if (!smtj_get_info(fd, &info) && !smtj_map_ring(fd, &info, &m)) {
				close(fd);
				smtj_sleep_ms(1);
				(void)smtj_ring_producer(&m);
				smtj_unmap_ring(&m);
			} else {
				count(&r->read, -EINVAL, e_none);
				close(fd);
			}
			break;
		default:	/* resize, close */
			count(&r->config, smtj_set_consumer(fd, 2048, 1), e_none);
			close(fd);
			break;
		}
	}
	return NULL;
}

TEST(open_close_around_a_reader)
{
	struct race r = { .dev = 0, .read = { "churn io" }, .mmap = { "open" },
			  .config = { "resize" } };
	struct smtj_sim_config cfg;
	pthread_t th[2];
	uint16_t buf[1024];
	uint64_t end, got = 0;
	uint16_t last = 0;
	int fd, i, have = 0, order_ok = 1;

	ASSERT_EQ(0, smtj_module_ensure());
	fd = smtj_open(0, O_RDWR | O_NONBLOCK);
	ASSERT_LE(0, fd);
	smtj_cfg(&cfg, SMTJ_SIM_F_PATTERN, 50000, 1);
	ASSERT_EQ(0, smtj_set_sim(fd, &cfg));
	for (i = 0; i < 2; i++)
		ASSERT_EQ(0, pthread_create(&th[i], NULL, t_churn, &r));
	end = smtj_now_ns() + 1500000000ULL;
	/* 50 kHz: 75000 samples, so the 16-bit pattern wraps; gaps stay small */
	while (smtj_now_ns() < end) {
		struct pollfd p = { .fd = fd, .events = POLLIN };
		ssize_t n;

		poll(&p, 1, 20);
		n = read(fd, buf, sizeof(buf));
		if (n < 0) {
			ASSERT_EQ(EAGAIN, errno);
			continue;
		}
		for (i = 0; i < n / 2; i++) {
			uint16_t d = buf[i] - last;

			if (have && (d == 0 || d > 30000))
				order_ok = 0;
			last = buf[i];
			have = 1;
		}
		got += n / 2;
	}
	r.stop = 1;
	for (i = 0; i < 2; i++)
		pthread_join(th[i], NULL);
	EXPECT_TRUE(order_ok) TH_LOG("the reader saw a sample again or out of order");
	EXPECT_LT(1000, got);
	report(_metadata, &r.mmap, 1);
	EXPECT_EQ(0, r.read.bad);
	EXPECT_EQ(0, r.config.bad);
	EXPECT_EQ(1, smtj_sysfs_u64(0, "consumers"));
	close(fd);
	EXPECT_EQ(0, smtj_sysfs_u64(0, "consumers"));
}

static const int e_gone[] = { EAGAIN, EBUSY, ENODEV, 0 };

static void *t_hammer(void *arg)
{
	struct race *r = arg;
	struct smtj_info info;
	struct smtj_map m;
	uint16_t buf[128];
	volatile uint16_t sink = 0;
	int fd = smtj_open(r->dev, O_RDWR);

	if (fd < 0)
		return NULL;
	while (!r->stop) {
		ssize_t n = read(fd, buf, sizeof(buf));

		count(&r->read, n < 0 ? -errno : 0, e_gone);
		count(&r->info, smtj_get_info(fd, &info), e_gone);
		memset(&m, 0, sizeof(m));
		if (!smtj_get_info(fd, &info) && !smtj_map_ring(fd, &info, &m)) {
			count(&r->mmap, 0, e_gone);
			sink ^= m.data[0];
			smtj_ring_consume(&m, smtj_ring_producer(&m));
			smtj_unmap_ring(&m);
		}
		if (n < 0 && errno == ENODEV)
			break;
	}
	(void)sink;
	close(fd);
	return NULL;
}

TEST(unbind_under_load)
{
	struct race r = { .dev = 1, .read = { "read" }, .info = { "info" },
			  .mmap = { "mmap" } };
	char path[128], target[256], name[64];
	struct smtj_sim_config cfg;
	pthread_t th[4];
	ssize_t len;
	int fd, i;

	ASSERT_EQ(0, smtj_module_ensure());
	snprintf(path, sizeof(path), SMTJ_SYSFS_CLASS "/smtj1/device");
	len = readlink(path, target, sizeof(target) - 1);
	ASSERT_LT(0, len);
	target[len] = 0;
	snprintf(name, sizeof(name), "%s", basename(target));
	fd = smtj_open(1, O_RDWR);
	ASSERT_LE(0, fd);
	smtj_cfg(&cfg, SMTJ_SIM_F_PATTERN, 200000, 1);
	ASSERT_EQ(0, smtj_set_sim(fd, &cfg));
	close(fd);
	for (i = 0; i < 4; i++)
		ASSERT_EQ(0, pthread_create(&th[i], NULL, t_hammer, &r));
	smtj_sleep_ms(300);
	ASSERT_EQ(0, smtj_sysfs_write(SMTJ_SIM_DRIVER "/unbind", name));
	smtj_sleep_ms(300);
	r.stop = 1;
	for (i = 0; i < 4; i++)
		pthread_join(th[i], NULL);
	EXPECT_EQ(0, r.read.bad) TH_LOG("read: %s", strerror(r.read.bad_errno));
	EXPECT_EQ(0, r.info.bad) TH_LOG("info: %s", strerror(r.info.bad_errno));
	EXPECT_LT(0, r.read.ok);
	ASSERT_EQ(0, smtj_sysfs_write(SMTJ_SIM_DRIVER "/bind", name));
	for (i = 0; i < 200 && (fd = smtj_open(1, O_RDONLY)) < 0; i++)
		smtj_sleep_ms(10);
	ASSERT_LE(0, fd);
	close(fd);
}

SMTJ_TEST_MAIN
