// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Fan-out (contracts 1 and 2, Documentation/driver-api/smtj.rst): four
 * concurrent consumers of one device in pattern mode (sample k = k & 0xffff)
 * receive every sample at most once, and exactly once while they keep up,
 * whether they use read(), the mmap ring or io_uring; a consumer that stalls
 * loses samples, sees the loss counted, and the others lose nothing.
 *
 * Each consumer's samples arrive in increasing index order, with gaps far
 * below 65536, so a consumer unwraps the 16-bit values into indices.  Every
 * index below the smallest of the consumers' last indices has been handed to
 * some consumer and read by it, so the union must cover that range.  A file
 * gets its chunks from open() on, so each opens with the ring size it keeps
 * (a later resize would drop delivered samples that nobody counts as lost).
 */
#include <liburing.h>
#include <pthread.h>

#include "smtj_test.h"

#define NCONS		4
#define TARGET		60000	/* samples in all (< 65536: no wrap in total) */
#define CAP		(1U << 17)

enum transport { T_READ, T_MMAP, T_URING };

struct consumer {
	int fd;
	enum transport how;
	int stalled;		/* does not read until the end */
	struct smtj_map map;
	uint32_t mask;
	uint64_t *idx;
	size_t n;
	int have_last;
	uint64_t last;
	int err;
	int order_ok;
};

static volatile int stop;
static volatile size_t total;

static void take(struct consumer *c, const uint16_t *buf, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		uint64_t x;

		if (!c->have_last)
			x = buf[i];
		else
			x = c->last + (uint16_t)(buf[i] - (uint16_t)c->last);
		if (c->have_last && x <= c->last)
			c->order_ok = 0;
		c->have_last = 1;
		c->last = x;
		if (c->n < CAP)
			c->idx[c->n++] = x;
	}
	__atomic_add_fetch(&total, n, __ATOMIC_RELAXED);
}

/* Read what is there without blocking: 0 when drained, else -errno. */
static int drain(struct consumer *c)
{
	uint16_t buf[512];

	for (;;) {
		ssize_t r = read(c->fd, buf, sizeof(buf));

		if (r < 0)
			return errno == EAGAIN ? 0 : -errno;
		take(c, buf, (size_t)r / 2);
	}
}

/* mmap ring: take [consumer, producer), then publish the consumer index */
static void drain_map(struct consumer *c)
{
	uint64_t i = c->map.hdr->consumer, p = smtj_ring_producer(&c->map);
	uint16_t buf[512];
	size_t n = 0;

	for (; i < p; i++) {
		buf[n++] = c->map.data[i & c->mask];
		if (n == 512) {
			take(c, buf, n);
			n = 0;
		}
	}
	take(c, buf, n);
	smtj_ring_consume(&c->map, p);
}

static void *reader(void *arg)
{
	struct consumer *c = arg;
	struct pollfd p = { .fd = c->fd, .events = POLLIN };

	while (!stop) {
		if (c->stalled) {
			smtj_sleep_ms(5);
			continue;
		}
		poll(&p, 1, 20);
		if (c->how == T_MMAP) {
			drain_map(c);
			continue;
		}
		c->err = drain(c);
		if (c->err)
			break;
	}
	return NULL;
}

/* io_uring: one read of up to 512 samples in flight at a time */
static void *uring_reader(void *arg)
{
	struct consumer *c = arg;
	struct __kernel_timespec ts = { 0, 20000000 };
	struct io_uring ring;
	struct io_uring_cqe *cqe;
	struct io_uring_sqe *sqe;
	uint16_t buf[512];
	int r, pending = 0;
	uint64_t end = 0;

	c->err = io_uring_queue_init(4, &ring, 0);
	if (c->err)
		return NULL;
	for (;;) {
		if (!pending && !stop) {
			sqe = io_uring_get_sqe(&ring);
			io_uring_prep_read(sqe, c->fd, buf, sizeof(buf), 0);
			io_uring_submit(&ring);
			pending = 1;
		}
		if (!pending)
			break;
		if (stop && !end)
			end = smtj_now_ns() + 2000000000ULL;
		r = io_uring_wait_cqe_timeout(&ring, &cqe, &ts);
		if (r == -ETIME) {
			if (end && smtj_now_ns() > end) {
				c->err = -ETIME;	/* the last read never ended */
				break;
			}
			continue;
		}
		if (r) {
			c->err = r;
			break;
		}
		r = cqe->res;
		io_uring_cqe_seen(&ring, cqe);
		pending = 0;
		if (r < 0) {
			c->err = r;
			break;
		}
		take(c, buf, (size_t)r / 2);
	}
	io_uring_queue_exit(&ring);
	return NULL;
}

/*
 * Open /dev/smtj0 with a ring of @ring samples.  The file starts receiving
 * its chunks at open, so it must not resize afterwards: SET_CONSUMER with
 * another size replaces the ring and drops what it held, samples counted
 * delivered and never lost, which the union check would find missing.  So
 * the device's default ring size is @ring while the file opens.
 */
static int open_with_ring(uint32_t ring, uint64_t def, int *fd)
{
	const char *path = SMTJ_SYSFS_CLASS "/smtj0/default_ring_samples";
	char val[24];
	int ret;

	snprintf(val, sizeof(val), "%u", ring);
	ret = smtj_sysfs_write(path, val);
	if (ret)
		return ret;
	*fd = smtj_open(0, O_RDWR | O_NONBLOCK);
	if (*fd < 0)
		ret = -errno;
	snprintf(val, sizeof(val), "%llu", (unsigned long long)def);
	if (smtj_sysfs_write(path, val) && !ret)
		ret = -EIO;
	return ret;
}

static int cmp_u64(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;

	return x < y ? -1 : x > y;
}

/*
 * Run NCONS consumers on /dev/smtj0 in pattern mode at @rate until TARGET
 * samples were read, consumer k through transport @how[k]; consumer @stall
 * (or -1) has a ring of @ring samples and reads only at the end, the others
 * have 65536 and keep up.  Checks at most once always, exactly once (with
 * no loss) for the consumers that keep up.
 */
static void fanout(struct __test_metadata *_metadata, uint32_t rate,
		   uint32_t ring, int stall, const enum transport how[NCONS])
{
	struct consumer c[NCONS];
	pthread_t th[NCONS];
	struct smtj_sim_config cfg;
	struct smtj_info info;
	uint64_t *all, min_last = UINT64_MAX, lost_sum = 0, end, def;
	size_t n_all = 0, i, missing = 0;
	uint32_t want;
	int k;

	memset(c, 0, sizeof(c));
	stop = 0;
	total = 0;
	def = smtj_sysfs_u64(0, "default_ring_samples");
	ASSERT_NE(UINT64_MAX, def);
	for (k = 0; k < NCONS; k++) {
		want = k == stall ? ring : 65536;
		c[k].fd = -1;
		ASSERT_EQ(0, open_with_ring(want, def, &c[k].fd));
		c[k].idx = calloc(CAP, sizeof(uint64_t));
		ASSERT_NE(NULL, c[k].idx);
		c[k].order_ok = 1;
		c[k].stalled = k == stall;
		c[k].how = how[k];
		/* the watermark only: the ring (and what it holds) stays */
		ASSERT_EQ(0, smtj_set_consumer(c[k].fd, want, 1));
		ASSERT_EQ(0, smtj_get_info(c[k].fd, &info));
		ASSERT_EQ(want, info.ring_samples);
		if (k == 0) {
			/* restart the stream at 0 while this is the only file */
			smtj_cfg(&cfg, SMTJ_SIM_F_PATTERN, rate, 1);
			ASSERT_EQ(0, smtj_set_sim(c[0].fd, &cfg));
		}
	}
	EXPECT_EQ(NCONS, smtj_sysfs_u64(0, "consumers"));
	for (k = 0; k < NCONS; k++) {
		if (c[k].how == T_MMAP) {
			ASSERT_EQ(0, smtj_get_info(c[k].fd, &info));
			ASSERT_EQ(0, smtj_map_ring(c[k].fd, &info, &c[k].map));
			c[k].mask = info.ring_samples - 1;
		}
		if (c[k].how == T_URING)
			fcntl(c[k].fd, F_SETFL, 0);	/* io_uring waits by polling */
		ASSERT_EQ(0, pthread_create(&th[k], NULL,
					    c[k].how == T_URING ? uring_reader : reader, &c[k]));
	}
	end = smtj_now_ns() + 20000000000ULL;
	while (total < TARGET && smtj_now_ns() < end)
		smtj_sleep_ms(10);
	stop = 1;
	for (k = 0; k < NCONS; k++)
		pthread_join(th[k], NULL);
	ASSERT_LE(TARGET, total) TH_LOG("only %zu samples in 20 s", (size_t)total);
	if (stall >= 0) {	/* what the stalled ring kept */
		if (c[stall].how == T_MMAP)
			drain_map(&c[stall]);
		else
			EXPECT_EQ(0, drain(&c[stall]));
	}

	for (k = 0; k < NCONS; k++) {
		ASSERT_EQ(0, c[k].err) TH_LOG("consumer %d: %s", k, strerror(-c[k].err));
		EXPECT_TRUE(c[k].order_ok) TH_LOG("consumer %d: out of order", k);
		ASSERT_EQ(0, smtj_get_info(c[k].fd, &info));
		EXPECT_LE(c[k].n, info.delivered);
		if (k == stall) {
			EXPECT_LT(0, info.lost) TH_LOG("stalled consumer lost nothing");
		} else {
			EXPECT_EQ(0, info.lost) TH_LOG("consumer %d lost %llu", k,
						       (unsigned long long)info.lost);
			/* round robin: everyone that reads gets a share */
			EXPECT_LT(total / 20, c[k].n) TH_LOG("consumer %d got %zu of %zu",
							    k, c[k].n, (size_t)total);
			if (c[k].have_last && c[k].last < min_last)
				min_last = c[k].last;
		}
		lost_sum += info.lost;
		n_all += c[k].n;
	}
	all = calloc(n_all ? n_all : 1, sizeof(uint64_t));
	ASSERT_NE(NULL, all);
	for (n_all = 0, k = 0; k < NCONS; k++) {
		memcpy(all + n_all, c[k].idx, c[k].n * sizeof(uint64_t));
		n_all += c[k].n;
	}
	qsort(all, n_all, sizeof(uint64_t), cmp_u64);
	for (i = 1; i < n_all; i++)
		if (all[i] == all[i - 1])
			break;
	EXPECT_EQ(n_all, i) TH_LOG("sample %llu delivered twice",
				   (unsigned long long)all[i < n_all ? i : 0]);
	/* the union covers [0, min_last] but for what was lost */
	ASSERT_NE(UINT64_MAX, min_last);
	for (i = 0; i < n_all && all[i] <= min_last; i++)
		;
	missing = (size_t)(min_last + 1) - i;
	if (lost_sum == 0) {
		EXPECT_EQ(0, missing) TH_LOG("%zu of the first %llu samples never arrived",
					    missing, (unsigned long long)min_last + 1);
	} else {
		EXPECT_GE(lost_sum, missing);
	}
	EXPECT_LE(min_last + 1, smtj_sysfs_u64(0, "produced"));
	free(all);
	for (k = 0; k < NCONS; k++) {
		smtj_unmap_ring(&c[k].map);
		close(c[k].fd);
		free(c[k].idx);
	}
}

FIXTURE(fan) {
	int unused;
};

FIXTURE_VARIANT(fan) {
	uint32_t stalled_ring;
	int stall;		/* the consumer that stalls, or -1 */
	enum transport how[NCONS];
};

/* all read(), keeping up: exactly once */
FIXTURE_VARIANT_ADD(fan, read) {
	.stall = -1,
	.how = { T_READ, T_READ, T_READ, T_READ },
};

/* one read() consumer stalls with a small ring */
FIXTURE_VARIANT_ADD(fan, read_stalled) {
	.stalled_ring = 1024,
	.stall = 3,
	.how = { T_READ, T_READ, T_READ, T_READ },
};

/* read(), two mmap rings and io_uring on one device */
FIXTURE_VARIANT_ADD(fan, mixed) {
	.stall = -1,
	.how = { T_READ, T_MMAP, T_URING, T_MMAP },
};

/* a stalled mmap consumer loses, the others do not */
FIXTURE_VARIANT_ADD(fan, mixed_mmap_stalled) {
	.stalled_ring = 1024,
	.stall = 3,
	.how = { T_READ, T_MMAP, T_URING, T_MMAP },
};

FIXTURE_SETUP(fan)
{
	ASSERT_EQ(0, smtj_module_ensure());
	/* SET_SIM needs the device to itself (io_uring: deferred release) */
	ASSERT_EQ(0, smtj_wait_no_consumers(0));
}

FIXTURE_TEARDOWN(fan)
{
}

TEST_F(fan, four_consumers)
{
	fanout(_metadata, 50000, variant->stalled_ring, variant->stall, variant->how);
}

/*
 * Fairness while consumers come and go: consumer A reads all the time
 * while another thread opens a file and closes the oldest, keeping
 * CHURN_FILES open (one more for a moment).  Between two chunks of A every
 * other consumer gets at most one chunk, so A never skips more than
 * (CHURN_FILES + 1) * 64 samples, + 64 for the hwrng's consumer should the
 * hw_random core read this device.  A gap in A's pattern-mode stream is
 * what it skipped.
 */
#define CHURN_FILES	8
/*
 * The reader runs for at least CHURN_SECONDS and until the churn thread
 * has opened CHURN_OPENS files (a debug kernel under TCG managed 74 in
 * 2 s), but no longer than CHURN_SECONDS_MAX: within the harness's
 * default 30 s timeout.
 */
#define CHURN_SECONDS	2
#define CHURN_SECONDS_MAX 20
#define CHURN_OPENS	200

static volatile int churn_stop;
static unsigned long churn_opens;	/* __atomic: the reader polls it */

static void *churn(void *arg)
{
	int fds[CHURN_FILES + 1], n = 0;

	while (!churn_stop) {
		int fd = smtj_open(0, O_RDONLY);

		if (fd >= 0) {
			fds[n++] = fd;
			__atomic_add_fetch(&churn_opens, 1, __ATOMIC_RELAXED);
		}
		if (n > CHURN_FILES || (fd < 0 && n)) {
			close(fds[0]);
			memmove(fds, fds + 1, --n * sizeof(fds[0]));
		}
	}
	while (n)
		close(fds[--n]);
	return NULL;
}

TEST(fair_under_churn)
{
	uint64_t bound = (CHURN_FILES + 2) * 64ULL, worst = 0, gaps = 0, got = 0;
	uint64_t start, now, hist[4] = { 0 };
	struct smtj_sim_config cfg;
	struct smtj_info info;
	unsigned long opens;
	uint16_t buf[4096], last = 0;
	int fd, have = 0;
	pthread_t th;

	ASSERT_EQ(0, smtj_module_ensure());
	/* four_consumers' io_uring may hold its file a moment longer */
	ASSERT_EQ(0, smtj_wait_no_consumers(0));
	fd = smtj_open(0, O_RDWR);
	ASSERT_LE(0, fd);
	ASSERT_EQ(0, smtj_set_consumer(fd, 1U << 20, 1));
	smtj_cfg(&cfg, SMTJ_SIM_F_PATTERN, 500000, 4);
	ASSERT_EQ(0, smtj_set_sim(fd, &cfg));
	churn_stop = 0;
	churn_opens = 0;
	ASSERT_EQ(0, pthread_create(&th, NULL, churn, NULL));
	start = smtj_now_ns();
	for (;;) {
		ssize_t r;

		now = smtj_now_ns() - start;
		if (now >= CHURN_SECONDS_MAX * 1000000000ULL ||
		    (now >= CHURN_SECONDS * 1000000000ULL &&
		     __atomic_load_n(&churn_opens, __ATOMIC_RELAXED) >= CHURN_OPENS))
			break;
		r = read(fd, buf, sizeof(buf));

		if (r < 0) {
			if (errno == EINTR)
				continue;
			break;
		}
		for (size_t i = 0; i < (size_t)r / 2; i++) {
			uint16_t skip = (uint16_t)(buf[i] - last - 1);

			if (have && skip) {
				gaps++;
				worst = skip > worst ? skip : worst;
				hist[skip <= 64 ? 0 : skip <= 4 * 64 ? 1 :
				     skip <= bound ? 2 : 3]++;
			}
			have = 1;
			last = buf[i];
		}
		got += (size_t)r / 2;
	}
	churn_stop = 1;
	pthread_join(th, NULL);
	opens = __atomic_load_n(&churn_opens, __ATOMIC_RELAXED);
	ASSERT_EQ(0, smtj_get_info(fd, &info));
	close(fd);
	ksft_print_msg("churn: %lu opens in %.1f s; A got %llu samples, %llu gaps (<=64: %llu, <=256: %llu, <=%llu: %llu, more: %llu), longest %llu\n",
		       opens, now / 1e9, (unsigned long long)got,
		       (unsigned long long)gaps, (unsigned long long)hist[0],
		       (unsigned long long)hist[1], (unsigned long long)bound,
		       (unsigned long long)hist[2], (unsigned long long)hist[3],
		       (unsigned long long)worst);
	EXPECT_EQ(0, info.lost) TH_LOG("A lost samples: its gaps are not the fan-out's");
	EXPECT_LE(CHURN_OPENS, opens) TH_LOG("too little churn to judge fairness");
	EXPECT_LT(10000, got);
	EXPECT_GE(bound, worst);
}

SMTJ_TEST_MAIN
