// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * io_uring reads through liburing: several reads in flight get disjoint,
 * gap-free parts of the stream, bad arguments fail in the completion, and
 * reads that must wait complete by poll-arming, without any io-wq worker
 * thread ("iou-wrk-*"): the file is FMODE_NOWAIT and read_iter honours
 * IOCB_NOWAIT.
 */
#include <dirent.h>
#include <liburing.h>
#include <sys/uio.h>

#include "smtj_test.h"

FIXTURE(uring) {
	int fd;
	struct io_uring ring;
};

FIXTURE_SETUP(uring)
{
	ASSERT_EQ(0, smtj_module_ensure());
	/* the previous test's io_uring lets go of its file in deferred work */
	ASSERT_EQ(0, smtj_wait_no_consumers(0));
	self->fd = smtj_open(0, O_RDWR);
	ASSERT_LE(0, self->fd) TH_LOG("open /dev/smtj0: %s", strerror(errno));
	ASSERT_EQ(0, io_uring_queue_init(32, &self->ring, 0));
}

FIXTURE_TEARDOWN(uring)
{
	io_uring_queue_exit(&self->ring);
	if (self->fd >= 0)
		close(self->fd);
}

/* Threads of this process, and how many of them are io-wq workers. */
static int count_threads(int *workers)
{
	struct dirent *d;
	DIR *dir = opendir("/proc/self/task");
	int n = 0;

	*workers = 0;
	if (!dir)
		return -1;
	while ((d = readdir(dir))) {
		char path[300], comm[64] = "";
		int fd;
		ssize_t r;

		if (d->d_name[0] == '.')
			continue;
		n++;
		snprintf(path, sizeof(path), "/proc/self/task/%s/comm", d->d_name);
		fd = open(path, O_RDONLY);
		if (fd < 0)
			continue;
		r = read(fd, comm, sizeof(comm) - 1);
		close(fd);
		if (r > 0 && !strncmp(comm, "iou-wrk", 7))
			(*workers)++;
	}
	closedir(dir);
	return n;
}

/* A read of @len bytes tagged @tag; with @fixed, from registered buffer @tag. */
static void queue_read(struct __test_metadata *_metadata, struct io_uring *ring,
		       int fd, void *buf, unsigned int len, uint64_t tag, int fixed)
{
	struct io_uring_sqe *sqe = io_uring_get_sqe(ring);

	ASSERT_NE(NULL, sqe);
	if (fixed)
		io_uring_prep_read_fixed(sqe, fd, buf, len, 0, (int)tag);
	else
		io_uring_prep_read(sqe, fd, buf, len, 0);
	io_uring_sqe_set_data64(sqe, tag);
}

/* Wait for one completion, at most @ms; its result, or -ETIME. */
static int wait_one(struct io_uring *ring, unsigned int ms, uint64_t *tag)
{
	struct __kernel_timespec ts = { ms / 1000, (long long)(ms % 1000) * 1000000 };
	struct io_uring_cqe *cqe;
	int ret = io_uring_wait_cqe_timeout(ring, &cqe, &ts);

	if (ret)
		return ret;
	ret = cqe->res;
	*tag = io_uring_cqe_get_data64(cqe);
	io_uring_cqe_seen(ring, cqe);
	return ret;
}

#define NBUF	8
#define BUFLEN	4096	/* bytes */

/*
 * NBUF reads in flight, each resubmitted when it completes, until 30000
 * samples came: every sample below the total arrives exactly once.  With
 * @fixed, into registered buffers (read_fixed), as libsmtj does.
 */
static void cover_stream(struct __test_metadata *_metadata,
			 FIXTURE_DATA(uring) *self, int fixed)
{
	static uint16_t bufs[NBUF][BUFLEN / 2];
	static uint8_t seen[40000];
	struct iovec iov[NBUF];
	struct smtj_sim_config cfg;
	struct smtj_info info;
	unsigned int total = 0, i;
	static uint64_t tag;
	int res;

	memset(seen, 0, sizeof(seen));
	for (i = 0; i < NBUF; i++) {
		iov[i].iov_base = bufs[i];
		iov[i].iov_len = BUFLEN;
	}
	if (fixed)
		ASSERT_EQ(0, io_uring_register_buffers(&self->ring, iov, NBUF));
	/*
	 * 25 kHz: the 65536-sample ring holds 2.6 s, so a reader that the
	 * debug kernel under TCG stalls for a second still loses nothing
	 * (at 100 kHz it lost 6346 samples at a host load of 14).
	 */
	smtj_cfg(&cfg, SMTJ_SIM_F_PATTERN, 25000, 3);
	ASSERT_EQ(0, smtj_set_sim(self->fd, &cfg));
	for (i = 0; i < NBUF; i++)
		queue_read(_metadata, &self->ring, self->fd, bufs[i], BUFLEN, i, fixed);
	ASSERT_EQ(NBUF, io_uring_submit(&self->ring));
	while (total < 30000) {
		res = wait_one(&self->ring, 5000, &tag);
		ASSERT_LT(0, res) TH_LOG("read completed with %d (%s)", res, strerror(-res));
		ASSERT_EQ(0, res % 2);
		ASSERT_GT(NBUF, tag);
		for (i = 0; i < (unsigned int)res / 2; i++) {
			uint16_t v = bufs[tag][i];

			ASSERT_GT(sizeof(seen), v);
			ASSERT_EQ(0, seen[v]) TH_LOG("sample %u delivered twice", v);
			seen[v] = 1;
		}
		total += res / 2;
		queue_read(_metadata, &self->ring, self->fd, bufs[tag], BUFLEN, tag, fixed);
		ASSERT_EQ(1, io_uring_submit(&self->ring));
	}
	for (i = 0; i < total; i++)
		ASSERT_EQ(1, seen[i]) TH_LOG("sample %u missing (total %u)", i, total);
	ASSERT_EQ(0, smtj_get_info(self->fd, &info));
	EXPECT_EQ(0, info.lost);
}

TEST_F(uring, reads_cover_the_stream)
{
	cover_stream(_metadata, self, 0);
}

TEST_F(uring, fixed_buffers_cover_the_stream)
{
	cover_stream(_metadata, self, 1);
}

/* A read waiting for data can be cancelled; the file works on. */
TEST_F(uring, cancel_waiting_read)
{
	static uint16_t buf[256];
	struct io_uring_sqe *sqe;
	struct smtj_sim_config cfg;
	struct io_uring_cqe *cqe;
	static uint64_t tag;
	int i, res, got_read = 0, got_cancel = 0;

	smtj_cfg(&cfg, SMTJ_SIM_F_PATTERN, 1, 3);
	ASSERT_EQ(0, smtj_set_sim(self->fd, &cfg));
	ASSERT_EQ(2, read(self->fd, buf, 2));	/* sample 0; the next in 1 s */
	queue_read(_metadata, &self->ring, self->fd, buf, sizeof(buf), 1, 0);
	ASSERT_EQ(1, io_uring_submit(&self->ring));
	smtj_sleep_ms(50);
	ASSERT_EQ(-EAGAIN, io_uring_peek_cqe(&self->ring, &cqe));
	sqe = io_uring_get_sqe(&self->ring);
	ASSERT_NE(NULL, sqe);
	io_uring_prep_cancel64(sqe, 1, 0);
	io_uring_sqe_set_data64(sqe, 2);
	ASSERT_EQ(1, io_uring_submit(&self->ring));
	for (i = 0; i < 2; i++) {
		res = wait_one(&self->ring, 3000, &tag);
		if (tag == 1) {
			EXPECT_EQ(-ECANCELED, res);
			got_read = 1;
		} else {
			EXPECT_EQ(0, res);
			got_cancel = 1;
		}
	}
	EXPECT_TRUE(got_read);
	EXPECT_TRUE(got_cancel);
	/* the stream goes on: sample 1 at 1 s, to read() */
	ASSERT_EQ(2, read(self->fd, buf, 2));
	EXPECT_EQ(1, buf[0]);
}

TEST_F(uring, no_io_wq_workers)
{
	static uint16_t bufs[4][256];
	struct smtj_sim_config cfg;
	int before, during, after, workers, res, i, done = 0;
	static uint64_t tag;

	before = count_threads(&workers);
	ASSERT_EQ(1, before);
	ASSERT_EQ(0, workers);
	/* 1 kHz: each 256-sample read has to wait for data */
	ASSERT_EQ(0, smtj_set_consumer(self->fd, 65536, 256));
	smtj_cfg(&cfg, SMTJ_SIM_F_PATTERN, 1000, 3);
	ASSERT_EQ(0, smtj_set_sim(self->fd, &cfg));
	for (i = 0; i < 4; i++)
		queue_read(_metadata, &self->ring, self->fd, bufs[i], sizeof(bufs[i]), i, 0);
	ASSERT_EQ(4, io_uring_submit(&self->ring));
	smtj_sleep_ms(100);
	during = count_threads(&workers);
	EXPECT_EQ(0, workers) TH_LOG("%d io-wq workers while reads wait", workers);
	EXPECT_EQ(1, during);
	while (done < 4) {
		res = wait_one(&self->ring, 10000, &tag);
		ASSERT_LT(0, res) TH_LOG("read completed with %d (%s)", res, strerror(-res));
		done++;
	}
	after = count_threads(&workers);
	EXPECT_EQ(0, workers);
	EXPECT_EQ(1, after);
}

TEST_F(uring, bad_reads_fail)
{
	struct smtj_info info;
	struct smtj_map m = { 0 };
	uint16_t buf[64];
	static uint64_t tag;

	queue_read(_metadata, &self->ring, self->fd, buf, 1, 1, 0);
	ASSERT_EQ(1, io_uring_submit(&self->ring));
	EXPECT_EQ(-EINVAL, wait_one(&self->ring, 5000, &tag));

	ASSERT_EQ(0, smtj_get_info(self->fd, &info));
	ASSERT_EQ(0, smtj_map_ring(self->fd, &info, &m));
	queue_read(_metadata, &self->ring, self->fd, buf, sizeof(buf), 2, 0);
	ASSERT_EQ(1, io_uring_submit(&self->ring));
	EXPECT_EQ(-EBUSY, wait_one(&self->ring, 5000, &tag));
	smtj_unmap_ring(&m);

	queue_read(_metadata, &self->ring, self->fd, buf, sizeof(buf), 3, 0);
	ASSERT_EQ(1, io_uring_submit(&self->ring));
	EXPECT_LT(0, wait_one(&self->ring, 5000, &tag));
}

SMTJ_TEST_MAIN
