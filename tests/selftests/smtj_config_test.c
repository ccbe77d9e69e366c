// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * No configuration can break the kernel (issue 12 item 1).  Every setter
 * either takes a value that every consumer of the device can work with, or
 * refuses it with an errno and changes nothing.
 *
 * oops_sequence replays the report that found a page fault in
 * smtj_extract_feed(): SET_SIM two junctions with two equal levels (which
 * the hwrng's extractor cannot decode), read the hwrng, SET_SIM the
 * previous configuration back, read again.  The equal levels are refused
 * now, before anything changes, and the hwrng goes on.
 *
 * limits_under_load sets every field of SET_SIM, SET_CONSUMER and each
 * writable sysfs attribute of the device to values at and beyond its
 * limits while a reader, an io_uring reader and the hwrng pipeline read the
 * same device: each call gives 0 or its errno (EBUSY where the device is
 * shared), never anything else, and afterwards the device still works.
 * The VM harness fails the run on any WARNING, BUG or Oops in the log.
 * module_params_at_limits loads the module with each parameter at and
 * beyond its limit.
 *
 * Runs with sim_devices=2 test_only_sim_hwrng=1.
 */
#include <liburing.h>
#include <pthread.h>
#include <signal.h>
#include <sys/wait.h>

#include "smtj_test.h"

#define SIM_HWRNG	"/sys/kernel/debug/smtj/smtj0-hwrng"
#define DEV0		SMTJ_SYSFS_CLASS "/smtj0/"

/* Wait until nothing but @keep consumers are attached to smtj0. */
static int wait_consumers(uint64_t keep)
{
	int i;

	for (i = 0; i < 500; i++) {
		if (smtj_sysfs_u64(0, "consumers") <= keep)
			return 0;
		smtj_sleep_ms(10);
	}
	return -EBUSY;
}

/* Read @n bytes of the hwrng pipeline within @ms; bytes read or -errno. */
static long hwrng_read(size_t n, unsigned int ms)
{
	unsigned char buf[64];
	uint64_t end = smtj_now_ns() + ms * 1000000ULL;
	size_t got = 0;
	int fd = open(SIM_HWRNG, O_RDONLY | O_CLOEXEC);

	if (fd < 0)
		return -errno;
	while (got < n && smtj_now_ns() < end) {
		ssize_t r = read(fd, buf, sizeof(buf));

		if (r < 0) {
			r = -errno;
			close(fd);
			return r;
		}
		got += (size_t)r;
	}
	close(fd);
	return (long)got;
}

static void two_junctions(struct smtj_sim_config *cfg, uint16_t l0,
			  uint16_t l1, uint16_t l2, uint16_t l3)
{
	smtj_cfg(cfg, SMTJ_SIM_F_UNTHROTTLED, 200000, 42);
	cfg->nr_junctions = 2;
	cfg->p_leave[1][0] = cfg->p_leave[0][0];
	cfg->p_leave[1][1] = cfg->p_leave[0][1];
	cfg->level[0] = l0;
	cfg->level[1] = l1;
	cfg->level[2] = l2;
	cfg->level[3] = l3;
}

TEST(oops_sequence)
{
	struct smtj_sim_config good, bad, now;
	char levels[64];
	int fd;

	ASSERT_EQ(0, smtj_module_ensure());
	ASSERT_EQ(0, wait_consumers(0));
	fd = smtj_open(0, O_RDWR);
	ASSERT_LE(0, fd);
	two_junctions(&good, 100, 160, 300, 360);
	ASSERT_EQ(0, smtj_set_sim(fd, &good));
	/* 1. two equal levels: refused, nothing changes */
	two_junctions(&bad, 100, 100, 200, 300);
	EXPECT_EQ(-EINVAL, smtj_set_sim(fd, &bad));
	memset(&now, 0, sizeof(now));
	now.size = sizeof(now);
	ASSERT_EQ(0, smtj_ioctl(fd, SMTJ_IOC_GET_SIM, &now));
	EXPECT_EQ(0, memcmp(now.level, good.level, sizeof(good.level)));
	close(fd);
	/* 2. the hwrng reads, with the table it had */
	ASSERT_EQ(0, wait_consumers(0));
	EXPECT_EQ(64, hwrng_read(64, 30000));
	ASSERT_EQ(0, smtj_sysfs_read(0, "hwrng/levels", levels, sizeof(levels)));
	EXPECT_STREQ("100 160 300 360", levels);
	/* 3. the previous configuration again, and the hwrng still works */
	ASSERT_EQ(0, wait_consumers(0));
	fd = smtj_open(0, O_RDWR);
	ASSERT_LE(0, fd);
	EXPECT_EQ(-EINVAL, smtj_set_sim(fd, &bad));
	EXPECT_EQ(0, smtj_set_sim(fd, &good));
	close(fd);
	ASSERT_EQ(0, wait_consumers(0));
	EXPECT_EQ(64, hwrng_read(64, 30000));
	EXPECT_EQ(0, wait_consumers(0));
}

/* Every pair of states on one level, in a table of 2^n levels. */
TEST(every_equal_pair_refused)
{
	struct smtj_sim_config cfg;
	int fd, n, a, b, bad = 0, ok;

	ASSERT_EQ(0, smtj_module_ensure());
	ASSERT_EQ(0, wait_consumers(0));
	fd = smtj_open(0, O_RDWR);
	ASSERT_LE(0, fd);
	for (n = 2; n <= 3; n++) {
		for (a = 0; a < (1 << n); a++) {
			for (b = a + 1; b < (1 << n); b++) {
				int i;

				smtj_cfg(&cfg, 0, 1000, 1);
				cfg.nr_junctions = n;
				for (i = 0; i < (1 << n); i++) {
					cfg.level[i] = 100 + 50 * i;
					cfg.p_leave[i < n ? i : 0][0] = 1000000;
					cfg.p_leave[i < n ? i : 0][1] = 1000000;
				}
				cfg.level[b] = cfg.level[a];
				bad += smtj_set_sim(fd, &cfg) != -EINVAL;
			}
		}
	}
	EXPECT_EQ(0, bad);
	/* 8 junctions, 256 distinct levels: the largest table the device takes */
	smtj_cfg(&cfg, 0, 1000, 1);
	cfg.nr_junctions = 8;
	cfg.adc_bits = 16;
	for (a = 0; a < 256; a++)
		cfg.level[a] = 1000 + 200 * a;
	for (a = 0; a < 8; a++)
		cfg.p_leave[a][0] = cfg.p_leave[a][1] = 1000000;
	ok = smtj_set_sim(fd, &cfg);
	EXPECT_EQ(0, ok);
	cfg.level[255] = cfg.level[0];
	EXPECT_EQ(-EINVAL, smtj_set_sim(fd, &cfg));
	smtj_cfg(&cfg, 0, 200000, 0);
	EXPECT_EQ(0, smtj_set_sim(fd, &cfg));
	close(fd);
}

/* Load: a reader and an io_uring reader of one file of smtj0. */
struct load {
	volatile int stop;
	int fd;			/* the file the readers and SET_SIM share */
	uint64_t reads, uring;
	int bad_errno;		/* an errno no reader may see */
};

static int reader_errno_ok(int e)
{
	return e == EAGAIN || e == EINTR || e == ENODEV;
}

static void *reader(void *arg)
{
	struct load *l = arg;
	struct pollfd p = { .fd = l->fd, .events = POLLIN };
	uint16_t buf[512];

	while (!l->stop) {
		ssize_t r;

		if (poll(&p, 1, 50) != 1)
			continue;
		r = read(l->fd, buf, sizeof(buf));
		if (r > 0)
			__atomic_add_fetch(&l->reads, 1, __ATOMIC_RELAXED);
		else if (r < 0 && !reader_errno_ok(errno))
			l->bad_errno = errno;
	}
	return NULL;
}

static void *uring_reader(void *arg)
{
	struct load *l = arg;
	static uint16_t buf[1024];
	struct io_uring ring;
	struct io_uring_cqe *cqe;
	struct __kernel_timespec ts = { 0, 100000000 };

	if (io_uring_queue_init(4, &ring, 0))
		return NULL;
	while (!l->stop) {
		struct io_uring_sqe *sqe = io_uring_get_sqe(&ring);

		io_uring_prep_read(sqe, l->fd, buf, sizeof(buf), 0);
		io_uring_submit(&ring);
		while (io_uring_wait_cqe_timeout(&ring, &cqe, &ts) == -ETIME)
			if (l->stop)
				break;
		if (l->stop)
			break;
		if (cqe->res > 0)
			__atomic_add_fetch(&l->uring, 1, __ATOMIC_RELAXED);
		else if (cqe->res < 0 && !reader_errno_ok(-cqe->res))
			l->bad_errno = -cqe->res;
		io_uring_cqe_seen(&ring, cqe);
	}
	/* the exit cancels a read still in flight */
	io_uring_queue_exit(&ring);
	return NULL;
}

static void on_alarm(int sig)
{
	(void)sig;
}

/*
 * A child that reads the hwrng pipeline in bursts of 200 ms with 500 ms
 * pauses (so that SET_SIM finds the hwrng now attached, now detached);
 * bytes in @bytes.  Killed by the test.
 */
static pid_t hwrng_reader_start(volatile uint64_t *bytes)
{
	struct sigaction sa = { .sa_handler = on_alarm };
	unsigned char buf[64];
	pid_t pid = fork();
	int fd;

	if (pid)
		return pid;
	sigaction(SIGALRM, &sa, NULL);	/* no SA_RESTART: read gets EINTR */
	fd = open(SIM_HWRNG, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		_exit(1);
	for (;;) {
		ssize_t r;

		ualarm(200000, 0);
		r = read(fd, buf, sizeof(buf));
		ualarm(0, 0);
		if (r > 0)
			__atomic_add_fetch(bytes, (uint64_t)r, __ATOMIC_RELAXED);
		else if (r < 0 && errno != EINTR && errno != EIO)
			_exit(2);
		smtj_sleep_ms(500);
	}
}

/* One SET_SIM case: a change to the default configuration. */
struct sim_case {
	const char *what;
	void (*set)(struct smtj_sim_config *cfg, uint32_t v);
	uint32_t value;
	int valid;
};

static void set_rate(struct smtj_sim_config *c, uint32_t v) { c->rate_hz = v; }
static void set_flags(struct smtj_sim_config *c, uint32_t v) { c->flags = v; }
static void set_bits(struct smtj_sim_config *c, uint32_t v) { c->adc_bits = v; }
static void set_sigma(struct smtj_sim_config *c, uint32_t v) { c->noise_sigma = v; }
static void set_p(struct smtj_sim_config *c, uint32_t v) { c->p_leave[0][1] = v; }
static void set_scale(struct smtj_sim_config *c, uint32_t v) { c->scale_fv = v; }
static void set_level(struct smtj_sim_config *c, uint32_t v) { c->level[1] = v; }
static void set_level_beyond(struct smtj_sim_config *c, uint32_t v) { c->level[2] = v; }
static void set_reserved(struct smtj_sim_config *c, uint32_t v) { c->reserved[3] = v; }

static void set_junctions(struct smtj_sim_config *c, uint32_t v)
{
	uint32_t i;

	c->nr_junctions = v;
	for (i = 0; v <= 8 && i < (1U << v); i++)
		c->level[i] = 10 + 20 * i;
	for (i = 0; i < v && i < 8; i++)
		c->p_leave[i][0] = c->p_leave[i][1] = 80900000;
}

static const struct sim_case sim_cases[] = {
	{ "rate 0", set_rate, 0, 0 },
	{ "rate min", set_rate, SMTJ_SIM_RATE_MIN, 1 },
	{ "rate max", set_rate, SMTJ_SIM_RATE_MAX, 1 },
	{ "rate max + 1", set_rate, SMTJ_SIM_RATE_MAX + 1, 0 },
	{ "flags all", set_flags, SMTJ_SIM_F_ALL, 1 },
	{ "flags unknown", set_flags, 0x80000000U, 0 },
	{ "adc_bits 7", set_bits, 7, 0 },
	{ "adc_bits 8", set_bits, 8, 1 },
	{ "adc_bits 16", set_bits, 16, 1 },
	{ "adc_bits 17", set_bits, 17, 0 },
	{ "sigma max", set_sigma, SMTJ_SIM_SIGMA_MAX, 1 },
	{ "sigma max + 1", set_sigma, SMTJ_SIM_SIGMA_MAX + 1, 0 },
	{ "p one", set_p, SMTJ_SIM_PROB_ONE, 1 },
	{ "p one + 1", set_p, SMTJ_SIM_PROB_ONE + 1, 0 },
	{ "p 0", set_p, 0, 1 },
	{ "scale 0", set_scale, 0, 0 },
	{ "scale 1", set_scale, 1, 1 },
	{ "level top code", set_level, (1U << 14) - 1, 1 },
	{ "level beyond code", set_level, 1U << 14, 0 },
	{ "level 0", set_level, 0, 1 },
	{ "level past 2^n", set_level_beyond, 5, 0 },
	{ "reserved", set_reserved, 1, 0 },
	{ "junctions 0", set_junctions, 0, 0 },
	{ "junctions 1", set_junctions, 1, 1 },
	{ "junctions 8", set_junctions, 8, 1 },
	{ "junctions 9", set_junctions, 9, 0 },
};

/* sysfs writes at and beyond the limits: path, value, allowed results. */
struct sysfs_case {
	const char *path;
	const char *value;
	int ok;		/* 0 must succeed, else this errno (negative) */
};

static const struct sysfs_case sysfs_cases[] = {
	{ DEV0 "default_ring_samples", "1024", 0 },
	{ DEV0 "default_ring_samples", "16777216", 0 },
	{ DEV0 "default_ring_samples", "16777217", -EINVAL },
	{ DEV0 "default_ring_samples", "512", -EINVAL },
	{ DEV0 "default_ring_samples", "3000", -EINVAL },
	{ DEV0 "default_ring_samples", "-1", -EINVAL },
	{ DEV0 "default_ring_samples", "65536", 0 },
	{ DEV0 "hwrng/quality", "0", 0 },
	{ DEV0 "hwrng/quality", "1", -EPERM },
	{ DEV0 "hwrng/quality", "1025", -ERANGE },
	{ DEV0 "hwrng/reset", "1", 0 },
	{ DEV0 "hwrng/reset", "0", -EINVAL },
};

TEST(limits_under_load)
{
	static uint16_t samples[1000];
	volatile uint64_t *hbytes;
	struct load l = { 0 };
	pthread_t t[2];
	struct smtj_sim_config cfg;
	unsigned int i, round, wrong = 0, busy = 0, taken = 0, tries;
	int ret, fd2, status = 0;
	pid_t child;

	ASSERT_EQ(0, smtj_module_ensure());
	ASSERT_EQ(0, wait_consumers(0));
	hbytes = mmap(NULL, 4096, PROT_READ | PROT_WRITE,
		      MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	ASSERT_NE(MAP_FAILED, hbytes);
	l.fd = smtj_open(0, O_RDWR);
	ASSERT_LE(0, l.fd);
	/* SET_CONSUMER's limits on smtj1: another file of smtj0 would make
	 * every SET_SIM there EBUSY */
	fd2 = smtj_open(1, O_RDWR);
	ASSERT_LE(0, fd2);
	ASSERT_EQ(0, pthread_create(&t[0], NULL, reader, &l));
	ASSERT_EQ(0, pthread_create(&t[1], NULL, uring_reader, &l));
	child = hwrng_reader_start(hbytes);
	ASSERT_LT(0, child);
	for (round = 0; round < 3; round++) {
		/* SET_SIM: invalid ones always EINVAL, valid ones 0 or EBUSY */
		for (i = 0; i < sizeof(sim_cases) / sizeof(sim_cases[0]); i++) {
			const struct sim_case *c = &sim_cases[i];

			smtj_cfg(&cfg, SMTJ_SIM_F_UNTHROTTLED, 200000, i);
			c->set(&cfg, c->value);
			/* EBUSY while the hwrng reads: try for up to 1 s */
			for (tries = 0; tries < 20; tries++) {
				ret = smtj_set_sim(l.fd, &cfg);
				if (ret != -EBUSY)
					break;
				busy++;
				smtj_sleep_ms(50);
			}
			if (c->valid && ret == -EBUSY)
				continue;
			else if (c->valid && !ret)
				taken++;
			else if (c->valid || ret != -EINVAL) {
				wrong++;
				TH_LOG("SET_SIM %s: %d", c->what, ret);
			}
		}
		/* SET_CONSUMER at and beyond its limits, on the other file */
		EXPECT_EQ(0, smtj_set_consumer(fd2, SMTJ_RING_MIN, 1));
		EXPECT_EQ(0, smtj_set_consumer(fd2, SMTJ_RING_MIN, SMTJ_RING_MIN));
		EXPECT_EQ(-EINVAL, smtj_set_consumer(fd2, SMTJ_RING_MIN,
						     SMTJ_RING_MIN + 1));
		EXPECT_EQ(-EINVAL, smtj_set_consumer(fd2, SMTJ_RING_MIN / 2, 1));
		EXPECT_EQ(-EINVAL, smtj_set_consumer(fd2, SMTJ_RING_MAX * 2, 1));
		EXPECT_EQ(-EINVAL, smtj_set_consumer(fd2, 3000, 1));
		EXPECT_EQ(-EINVAL, smtj_set_consumer(fd2, 4096, 0));
		for (i = 0; i < sizeof(sysfs_cases) / sizeof(sysfs_cases[0]); i++) {
			const struct sysfs_case *c = &sysfs_cases[i];

			ret = smtj_sysfs_write(c->path, c->value);
			if (ret != c->ok) {
				wrong++;
				TH_LOG("%s <- %s: %d", c->path, c->value, ret);
			}
		}
		smtj_sleep_ms(100);
	}
	l.stop = 1;
	for (i = 0; i < 2; i++)
		pthread_join(t[i], NULL);
	EXPECT_EQ(0, waitpid(child, &status, WNOHANG))
		TH_LOG("the hwrng reader ended: status %d", WEXITSTATUS(status));
	kill(child, SIGKILL);
	waitpid(child, NULL, 0);
	close(fd2);
	EXPECT_EQ(0, wrong);
	EXPECT_EQ(0, l.bad_errno) TH_LOG("a reader saw %s", strerror(l.bad_errno));
	/* each kind of load ran */
	EXPECT_LT(0, taken);
	EXPECT_LT(0, l.reads);
	EXPECT_LT(0, l.uring);
	ksft_print_msg("SET_SIM under load: %u taken, %u EBUSY; reads %llu, io_uring %llu, hwrng bytes %llu\n",
		       taken, busy, (unsigned long long)l.reads,
		       (unsigned long long)l.uring, (unsigned long long)*hbytes);
	munmap((void *)hbytes, 4096);

	/* afterwards: the default configuration, and everything works */
	smtj_cfg(&cfg, 0, 200000, 0);
	ASSERT_EQ(0, wait_consumers(1));
	EXPECT_EQ(0, smtj_set_sim(l.fd, &cfg));
	close(l.fd);
	ASSERT_EQ(0, wait_consumers(0));
	EXPECT_EQ(64, hwrng_read(64, 30000));
	fd2 = smtj_open(0, O_RDONLY);
	ASSERT_LE(0, fd2);
	EXPECT_EQ(1000, smtj_read_samples(fd2, samples, 1000, 10000));
	close(fd2);
}

/*
 * The module's parameters at and beyond their limits: a value beyond
 * refuses the load (nothing is created), a value at the limit loads.
 * Runs last: it reloads the module, then leaves it as /init loaded it.
 */
TEST(module_params_at_limits)
{
	static const struct {
		const char *params;
		int ok;
	} cases[] = {
		{ "sim_devices=17", 0 },
		{ "sim_devices=16 test_only_sim_hwrng=1", 1 },
		{ "sim_devices=0", 1 },
		{ "hwrng_quality=1025", 0 },
		{ "hwrng_quality=1024 sim_devices=1", 1 },
		{ "hwrng_quality=-1", 0 },
		{ "test_only_sim_hwrng=maybe", 0 },
		{ "sim_devices=1 test_only_sim_hwrng=0", 1 },
	};
	unsigned int i;
	int ret, i2;

	ASSERT_EQ(0, smtj_module_ensure());
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		for (i2 = 0; i2 < 300 && smtj_module_loaded(); i2++) {
			if (!smtj_module_unload())
				break;
			smtj_sleep_ms(10);	/* files of the last test closing */
		}
		ASSERT_FALSE(smtj_module_loaded());
		ret = smtj_module_load(cases[i].params);
		if (cases[i].ok) {
			EXPECT_EQ(0, ret) TH_LOG("%s: %d", cases[i].params, ret);
		} else {
			EXPECT_NE(0, ret) TH_LOG("%s loaded", cases[i].params);
		}
		if (ret) {
			EXPECT_FALSE(smtj_module_loaded());
		}
	}
	/* a simulated device never gets an hwrng without the test parameter */
	EXPECT_NE(0, access(SMTJ_SYSFS_CLASS "/smtj0/hwrng", F_OK));
	EXPECT_NE(0, access(SIM_HWRNG, F_OK));
	ASSERT_EQ(0, smtj_module_unload());
	ASSERT_EQ(0, smtj_module_ensure());
}

SMTJ_TEST_MAIN
