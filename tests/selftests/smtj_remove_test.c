// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Safe removal (contract 5, Documentation/driver-api/smtj.rst): unbinding a
 * device wakes a blocked reader and poller with an error and ends an
 * io_uring read in flight, while a mapped ring stays readable; rmmod fails
 * while a file is open, a ring is mapped or io_uring holds the file, and
 * succeeds after.  The tests unload and reload the module ($SMTJ_KO with
 * $SMTJ_PARAMS).
 */
#include <libgen.h>
#include <liburing.h>
#include <pthread.h>

#include "smtj_test.h"

/* "smtj-sim.<id>" of /dev/smtj<n>, from its sysfs device link. */
static int platform_name(int n, char *name, size_t len)
{
	char path[128], target[256];
	ssize_t r;

	snprintf(path, sizeof(path), SMTJ_SYSFS_CLASS "/smtj%d/device", n);
	r = readlink(path, target, sizeof(target) - 1);
	if (r < 0)
		return -errno;
	target[r] = 0;
	snprintf(name, len, "%s", basename(target));
	return 0;
}

struct blocked_read {
	int fd;
	volatile int done;
	ssize_t ret;
	int err;
};

static void *blocking_reader(void *arg)
{
	struct blocked_read *b = arg;
	uint16_t buf[2048];

	b->ret = read(b->fd, buf, sizeof(buf));
	b->err = errno;
	b->done = 1;
	return NULL;
}

static int wait_done(volatile int *done, unsigned int ms)
{
	for (unsigned int i = 0; i < ms / 10 && !*done; i++)
		smtj_sleep_ms(10);
	return *done;
}

/*
 * /dev/smtj<n> streaming one sample a second, its first sample taken: the
 * next read waits a second.  The fd, or -errno.
 */
static int open_waiting_stream(int n, uint32_t watermark)
{
	struct smtj_sim_config cfg;
	uint16_t first;
	int fd, ret;

	fd = smtj_open(n, O_RDWR);
	if (fd < 0)
		return -errno;
	smtj_cfg(&cfg, SMTJ_SIM_F_PATTERN, 1, 9);
	ret = smtj_set_consumer(fd, 65536, watermark);
	if (!ret)
		ret = smtj_set_sim(fd, &cfg);
	if (!ret && read(fd, &first, sizeof(first)) != sizeof(first))
		ret = -EIO;
	if (ret) {
		close(fd);
		return ret;
	}
	return fd;
}

TEST(unbind_while_in_use)
{
	struct io_uring ring;
	struct io_uring_cqe *cqe;
	struct __kernel_timespec ts = { 3, 0 };
	struct blocked_read b = { 0 };
	struct smtj_info info;
	struct smtj_map m = { 0 };
	struct pollfd p;
	static uint16_t ubuf[1024];
	uint16_t buf[64];
	char name[64];
	pthread_t th;
	int fd, fd_map, fd_ur, i;
	uint64_t prod;

	ASSERT_EQ(0, smtj_module_ensure());
	ASSERT_EQ(0, platform_name(1, name, sizeof(name)));
	TH_LOG("/dev/smtj1 is %s", name);

	/* a stream so slow that every reader waits */
	fd = open_waiting_stream(1, 1024);
	ASSERT_LE(0, fd);
	fd_map = smtj_open(1, O_RDWR);
	ASSERT_LE(0, fd_map);
	ASSERT_EQ(0, smtj_get_info(fd_map, &info));
	ASSERT_EQ(0, smtj_map_ring(fd_map, &info, &m));
	fd_ur = smtj_open(1, O_RDWR);
	ASSERT_LE(0, fd_ur);
	ASSERT_EQ(0, smtj_set_consumer(fd_ur, 65536, 1024));
	ASSERT_EQ(0, io_uring_queue_init(4, &ring, 0));
	struct io_uring_sqe *sqe = io_uring_get_sqe(&ring);

	ASSERT_NE(NULL, sqe);
	io_uring_prep_read(sqe, fd_ur, ubuf, sizeof(ubuf), 0);
	ASSERT_EQ(1, io_uring_submit(&ring));

	b.fd = fd;
	ASSERT_EQ(0, pthread_create(&th, NULL, blocking_reader, &b));
	smtj_sleep_ms(300);
	ASSERT_FALSE(b.done) TH_LOG("read returned %zd before the unbind", b.ret);
	ASSERT_EQ(-EAGAIN, io_uring_peek_cqe(&ring, &cqe));

	ASSERT_EQ(0, smtj_sysfs_write(SMTJ_SIM_DRIVER "/unbind", name));

	/* the blocked reader wakes with an error */
	EXPECT_TRUE(wait_done(&b.done, 3000)) TH_LOG("reader still blocked after unbind");
	if (b.done) {
		pthread_join(th, NULL);
		EXPECT_EQ(-1, b.ret);
		EXPECT_EQ(ENODEV, b.err);
	}
	/* the io_uring read in flight ends with an error */
	ASSERT_EQ(0, io_uring_wait_cqe_timeout(&ring, &cqe, &ts))
		TH_LOG("io_uring read still pending after unbind");
	EXPECT_EQ(-ENODEV, cqe->res);
	io_uring_cqe_seen(&ring, cqe);
	io_uring_queue_exit(&ring);

	/* poll reports the device gone, read and ioctl fail, nothing hangs */
	p.fd = fd;
	p.events = POLLIN;
	p.revents = 0;
	EXPECT_EQ(1, poll(&p, 1, 1000));
	EXPECT_EQ(POLLERR | POLLHUP, p.revents & (POLLERR | POLLHUP));
	errno = 0;
	EXPECT_EQ(-1, read(fd, buf, sizeof(buf)));
	EXPECT_EQ(ENODEV, errno);
	EXPECT_EQ(-ENODEV, smtj_get_info(fd, &info));

	/* the mapping stays readable (and writable where it was) */
	prod = smtj_ring_producer(&m);
	for (i = 0; i < (int)(m.data_len / 2); i += 512)
		buf[0] ^= m.data[i];
	smtj_ring_consume(&m, prod);
	EXPECT_EQ(SMTJ_RING_MAGIC, m.hdr->magic);
	p.fd = fd_map;
	p.revents = 0;
	EXPECT_EQ(1, poll(&p, 1, 1000));
	EXPECT_TRUE(p.revents & (POLLERR | POLLHUP));

	/* the module stays pinned by the open files */
	EXPECT_NE(0, smtj_module_unload());
	EXPECT_TRUE(smtj_module_loaded());
	smtj_unmap_ring(&m);
	close(fd);
	close(fd_map);
	close(fd_ur);

	/* bind again: the device comes back and streams */
	ASSERT_EQ(0, smtj_sysfs_write(SMTJ_SIM_DRIVER "/bind", name));
	for (i = 0; i < 200 && (fd = smtj_open(1, O_RDONLY)) < 0; i++)
		smtj_sleep_ms(10);
	ASSERT_LE(0, fd) TH_LOG("/dev/smtj1 did not come back: %s", strerror(errno));
	EXPECT_EQ(16, smtj_read_samples(fd, buf, 16, 5000));
	close(fd);
}

/* delete_module() must fail while @what holds the module, and not unload. */
static void expect_pinned(struct __test_metadata *_metadata, const char *what)
{
	int r = smtj_module_unload();

	EXPECT_NE(0, r) TH_LOG("rmmod succeeded while %s", what);
	if (r) {
		TH_LOG("rmmod while %s: %s", what, strerror(-r));
		EXPECT_TRUE(r == -EAGAIN || r == -EBUSY) TH_LOG("errno %d", -r);
	}
	EXPECT_TRUE(smtj_module_loaded());
}

static void expect_unload(struct __test_metadata *_metadata)
{
	int i;

	ASSERT_EQ(0, smtj_module_unload());
	EXPECT_FALSE(smtj_module_loaded());
	for (i = 0; i < 200 && !access("/dev/smtj0", F_OK); i++)
		smtj_sleep_ms(10);
	EXPECT_NE(0, access("/dev/smtj0", F_OK));
	ASSERT_EQ(0, smtj_module_ensure());
	EXPECT_TRUE(smtj_module_loaded());
}

TEST(rmmod_while_open)
{
	uint16_t buf[8];
	int fd;

	ASSERT_EQ(0, smtj_module_ensure());
	fd = smtj_open(0, O_RDONLY);
	ASSERT_LE(0, fd);
	expect_pinned(_metadata, "a file is open");
	/* and the file still works */
	EXPECT_EQ(8, smtj_read_samples(fd, buf, 8, 5000));
	close(fd);
	expect_unload(_metadata);
}

TEST(rmmod_while_mapped)
{
	struct smtj_info info;
	struct smtj_map m = { 0 };
	uint64_t p0;
	int fd;

	ASSERT_EQ(0, smtj_module_ensure());
	fd = smtj_open(0, O_RDWR);
	ASSERT_LE(0, fd);
	ASSERT_EQ(0, smtj_get_info(fd, &info));
	ASSERT_EQ(0, smtj_map_ring(fd, &info, &m));
	close(fd);	/* the mapping keeps the file */
	expect_pinned(_metadata, "a ring is mapped");
	p0 = smtj_ring_producer(&m);
	smtj_sleep_ms(50);
	EXPECT_LT(p0, smtj_ring_producer(&m));
	smtj_ring_consume(&m, smtj_ring_producer(&m));
	smtj_unmap_ring(&m);
	expect_unload(_metadata);
}

TEST(rmmod_while_io_uring_holds_file)
{
	struct io_uring ring;
	static uint16_t buf[4096];
	struct io_uring_sqe *sqe;
	struct io_uring_cqe *cqe;
	int fd;

	ASSERT_EQ(0, smtj_module_ensure());
	fd = open_waiting_stream(0, 4096);
	ASSERT_LE(0, fd);
	ASSERT_EQ(0, io_uring_queue_init(4, &ring, 0));
	sqe = io_uring_get_sqe(&ring);
	ASSERT_NE(NULL, sqe);
	io_uring_prep_read(sqe, fd, buf, sizeof(buf), 0);
	ASSERT_EQ(1, io_uring_submit(&ring));
	close(fd);	/* the request in flight keeps the file */
	smtj_sleep_ms(50);
	ASSERT_EQ(-EAGAIN, io_uring_peek_cqe(&ring, &cqe))
		TH_LOG("the read completed: %d", cqe->res);
	expect_pinned(_metadata, "an io_uring read is in flight");
	io_uring_queue_exit(&ring);	/* cancels the read */
	/* the ring's teardown is asynchronous: give it a moment */
	for (int i = 0; i < 100 && smtj_module_unload(); i++)
		smtj_sleep_ms(20);
	EXPECT_FALSE(smtj_module_loaded());
	ASSERT_EQ(0, smtj_module_ensure());
}

/*
 * Module parameters (contract 4): no simulated device unless asked for, and
 * a bad sim_devices refuses the load instead of being taken somehow.
 */
TEST(module_parameters)
{
	static const char *const bad[] = { "sim_devices=-1", "sim_devices=junk",
					   "sim_devices=", "sim_devices=0x" };
	unsigned int i;
	int r;

	ASSERT_EQ(0, smtj_module_ensure());
	ASSERT_EQ(0, smtj_module_unload());
	ASSERT_EQ(0, smtj_module_load(""));
	EXPECT_NE(0, access("/dev/smtj0", F_OK));
	EXPECT_NE(0, access(SMTJ_SYSFS_CLASS "/smtj0", F_OK));
	EXPECT_EQ(0, smtj_module_unload());
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		r = smtj_module_load(bad[i]);
		EXPECT_NE(0, r) TH_LOG("loaded with %s", bad[i]);
		if (!r) {
			EXPECT_EQ(0, smtj_module_unload());
		} else {
			TH_LOG("%s: %s", bad[i], strerror(-r));
			EXPECT_FALSE(smtj_module_loaded());
		}
	}
	ASSERT_EQ(0, smtj_module_ensure());
	EXPECT_EQ(0, access("/dev/smtj1", F_OK));
}

SMTJ_TEST_MAIN
