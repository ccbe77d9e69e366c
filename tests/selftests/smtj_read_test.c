// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * smtj read() and poll(): argument checks, blocking and non-blocking reads,
 * the poll watermark, read() refused on a mapped ring, and the device's
 * stream equal to the library simulator's (common/smtj_model.c) for the
 * same configuration and seed.
 */
#include <pthread.h>

#include "smtj_test.h"

FIXTURE(rd) {
	int fd;
};

FIXTURE_SETUP(rd)
{
	ASSERT_EQ(0, smtj_module_ensure());
	self->fd = smtj_open(0, O_RDWR);
	ASSERT_LE(0, self->fd) TH_LOG("open /dev/smtj0: %s", strerror(errno));
}

FIXTURE_TEARDOWN(rd)
{
	if (self->fd >= 0)
		close(self->fd);
}

static void set_nonblock(int fd, int on)
{
	int fl = fcntl(fd, F_GETFL);

	fcntl(fd, F_SETFL, on ? fl | O_NONBLOCK : fl & ~O_NONBLOCK);
}

TEST_F(rd, count_too_small)
{
	uint16_t buf[4];

	errno = 0;
	EXPECT_EQ(-1, read(self->fd, buf, 0));
	EXPECT_EQ(EINVAL, errno);
	errno = 0;
	EXPECT_EQ(-1, read(self->fd, buf, 1));
	EXPECT_EQ(EINVAL, errno);
	set_nonblock(self->fd, 1);
	errno = 0;
	EXPECT_EQ(-1, read(self->fd, buf, 1));
	EXPECT_EQ(EINVAL, errno);
}

TEST_F(rd, nonblock_eagain)
{
	struct smtj_sim_config cfg;
	uint16_t buf[1024];
	int i, drained = 0, eagain = 0;

	smtj_cfg(&cfg, SMTJ_SIM_F_PATTERN, 1, 3);	/* one sample per second */
	ASSERT_EQ(0, smtj_set_sim(self->fd, &cfg));
	set_nonblock(self->fd, 1);
	for (i = 0; i < 4 && !eagain; i++) {
		ssize_t r = read(self->fd, buf, sizeof(buf));

		if (r < 0) {
			ASSERT_EQ(EAGAIN, errno);
			eagain = 1;
		} else {
			drained += (int)(r / 2);
		}
	}
	EXPECT_TRUE(eagain);
	/* at 1 Hz at most the first sample or two can be there */
	EXPECT_GE(2, drained);
}

/*
 * The counting pattern (sample i is i) at @rate_hz, read by a consumer
 * woken at @watermark; the stream starts at *@t0 (when not NULL).  0 or
 * -errno.
 */
static int start_counting(int fd, uint32_t watermark, uint32_t rate_hz,
			  uint64_t *t0)
{
	struct smtj_sim_config cfg;
	int ret;

	ret = smtj_set_consumer(fd, 65536, watermark);
	if (ret)
		return ret;
	smtj_cfg(&cfg, SMTJ_SIM_F_PATTERN, rate_hz, 3);
	if (t0)
		*t0 = smtj_now_ns();
	return smtj_set_sim(fd, &cfg);
}

TEST_F(rd, blocking_waits_for_watermark)
{
	uint16_t buf[400];
	uint64_t t0, dt;
	ssize_t r;
	int i;

	ASSERT_EQ(0, start_counting(self->fd, 200, 2000, &t0));
	r = read(self->fd, buf, sizeof(buf));
	dt = smtj_now_ns() - t0;
	ASSERT_LE(400, r) TH_LOG("read: %zd (%s)", r, r < 0 ? strerror(errno) : "");
	ASSERT_GE(800, r);
	EXPECT_EQ(0, r % 2);
	/* 200 samples at 2 kHz: about 100 ms, sample 0 at once */
	EXPECT_LE(80000000ULL, dt) TH_LOG("returned after %llu ns", (unsigned long long)dt);
	for (i = 0; i < r / 2; i++)
		ASSERT_EQ(i, buf[i]);
}

TEST_F(rd, blocking_waits_for_count)
{
	uint16_t buf[100];
	uint64_t t0, dt;
	ssize_t r;

	/* watermark above the request: the request decides */
	ASSERT_EQ(0, start_counting(self->fd, 1000, 2000, &t0));
	r = read(self->fd, buf, sizeof(buf));
	dt = smtj_now_ns() - t0;
	ASSERT_EQ(sizeof(buf), r) TH_LOG("read: %zd (%s)", r, r < 0 ? strerror(errno) : "");
	EXPECT_LE(40000000ULL, dt) TH_LOG("returned after %llu ns", (unsigned long long)dt);
	for (int i = 0; i < 100; i++)
		ASSERT_EQ(i, buf[i]);
	/* and the stream goes on where it stopped */
	r = read(self->fd, buf, 20);
	ASSERT_EQ(20, r);
	for (int i = 0; i < 10; i++)
		ASSERT_EQ(100 + i, buf[i]);
}

TEST_F(rd, poll_watermark)
{
	struct pollfd p = { .fd = self->fd, .events = POLLIN };
	struct smtj_info info;
	uint16_t buf[2048];
	uint64_t t0, dt;
	ssize_t r;

	ASSERT_EQ(0, start_counting(self->fd, 500, 1000, &t0));
	/* 500 samples at 1 kHz take half a second */
	EXPECT_EQ(0, poll(&p, 1, 0));
	ASSERT_EQ(1, poll(&p, 1, 5000));
	dt = smtj_now_ns() - t0;
	EXPECT_EQ(POLLIN, p.revents & (POLLIN | POLLERR | POLLHUP));
	EXPECT_LE(400000000ULL, dt) TH_LOG("POLLIN after %llu ns", (unsigned long long)dt);
	ASSERT_EQ(0, smtj_get_info(self->fd, &info));
	set_nonblock(self->fd, 1);
	r = read(self->fd, buf, sizeof(buf));
	ASSERT_LE(1000, r) TH_LOG("read: %zd", r);
	for (int i = 0; i < r / 2; i++)
		ASSERT_EQ(i, buf[i]);
	/* drained: not readable until 500 more */
	p.revents = 0;
	EXPECT_EQ(0, poll(&p, 1, 0));
	EXPECT_EQ(0, p.revents);
}

TEST_F(rd, poll_wakes_blocked_poller)
{
	struct pollfd p = { .fd = self->fd, .events = POLLIN };

	/* a watermark far away, then one that the stream reaches */
	ASSERT_EQ(0, start_counting(self->fd, 65536, 1000, NULL));
	EXPECT_EQ(0, poll(&p, 1, 200));
	ASSERT_EQ(0, smtj_set_consumer(self->fd, 65536, 100));
	ASSERT_EQ(1, poll(&p, 1, 5000));
	EXPECT_TRUE(p.revents & POLLIN);
}

struct waiter {
	int fd;
	uint16_t buf[64];
	volatile int done;
	ssize_t ret;
	int err;
};

static void *blocked_read(void *arg)
{
	struct waiter *w = arg;

	w->ret = read(w->fd, w->buf, sizeof(w->buf));
	w->err = errno;
	w->done = 1;
	return NULL;
}

/*
 * The ring changes under a blocked reader: SET_CONSUMER (resize) and
 * SET_SIM may succeed or say -EBUSY, but the reader then gets either an
 * error or consecutive pattern samples of the new stream, never garbage.
 */
TEST_F(rd, ring_changes_under_a_blocked_reader)
{
	struct smtj_sim_config cfg;
	struct waiter w = { .fd = self->fd };
	pthread_t th;
	int i, r;

	ASSERT_EQ(0, smtj_set_consumer(self->fd, 65536, 64));
	smtj_cfg(&cfg, SMTJ_SIM_F_PATTERN, 20, 3);	/* 64 samples: 3 s */
	ASSERT_EQ(0, smtj_set_sim(self->fd, &cfg));
	ASSERT_EQ(0, pthread_create(&th, NULL, blocked_read, &w));
	smtj_sleep_ms(200);
	for (i = 0; i < 4; i++) {
		r = smtj_set_consumer(self->fd, (i & 1) ? 1024 : 8192, 32);
		EXPECT_TRUE(r == 0 || r == -EBUSY) TH_LOG("SET_CONSUMER: %d", r);
		smtj_sleep_ms(50);
	}
	cfg.rate_hz = 2000;
	r = smtj_set_sim(self->fd, &cfg);
	EXPECT_TRUE(r == 0 || r == -EBUSY) TH_LOG("SET_SIM: %d", r);
	for (i = 0; i < 500 && !w.done; i++)
		smtj_sleep_ms(10);
	ASSERT_TRUE(w.done) TH_LOG("the reader is still blocked after 5 s");
	pthread_join(th, NULL);
	if (w.ret < 0) {
		TH_LOG("the reader got %s", strerror(w.err));
	} else {
		ASSERT_LT(0, w.ret);
		for (i = 1; i < w.ret / 2; i++)
			EXPECT_EQ((uint16_t)(w.buf[i - 1] + 1), w.buf[i]);
	}
	/* and reads go on */
	set_nonblock(self->fd, 0);
	EXPECT_EQ(16, smtj_read_samples(self->fd, w.buf, 16, 5000));
}

TEST_F(rd, read_refused_while_mapped)
{
	struct smtj_info info;
	struct smtj_map m = { 0 };
	uint16_t buf[16];

	ASSERT_EQ(0, smtj_get_info(self->fd, &info));
	ASSERT_EQ(0, smtj_map_ring(self->fd, &info, &m));
	errno = 0;
	EXPECT_EQ(-1, read(self->fd, buf, sizeof(buf)));
	EXPECT_EQ(EBUSY, errno);
	smtj_unmap_ring(&m);
	EXPECT_EQ(8, smtj_read_samples(self->fd, buf, 8, 5000));
}

TEST_F(rd, pattern_stream)
{
	struct smtj_sim_config cfg;
	struct smtj_info info;
	static uint16_t buf[70000];	/* past the 16-bit wrap */
	long n, i;

	smtj_cfg(&cfg, SMTJ_SIM_F_PATTERN, 100000, 3);
	ASSERT_EQ(0, smtj_set_consumer(self->fd, 1U << 17, 1));
	smtj_sleep_ms(20);	/* samples of the old stream are waiting */
	ASSERT_EQ(0, smtj_set_sim(self->fd, &cfg));
	n = smtj_read_samples(self->fd, buf, 70000, 10000);
	ASSERT_EQ(70000, n);
	for (i = 0; i < n; i++)
		if (buf[i] != (uint16_t)i)
			break;
	EXPECT_EQ(n, i) TH_LOG("sample %ld is %u", i, i < n ? buf[i] : 0);
	ASSERT_EQ(0, smtj_get_info(self->fd, &info));
	EXPECT_EQ(0, info.lost);
}

/* Read @n samples of @cfg from the device and compare with the model. */
static void compare_with_model(struct __test_metadata *_metadata, int fd,
			       struct smtj_sim_config *cfg, size_t n)
{
	uint16_t *dev = calloc(n, 2), *lib = calloc(n, 2);
	struct smtj_model *model = calloc(1, sizeof(*model));
	struct smtj_info info;
	long got;
	size_t i;

	ASSERT_NE(NULL, dev);
	ASSERT_NE(NULL, lib);
	ASSERT_NE(NULL, model);
	ASSERT_EQ(0, smtj_model_validate(cfg));
	ASSERT_EQ(0, smtj_set_consumer(fd, 1U << 20, 1));
	smtj_sleep_ms(10);	/* samples of the old stream are waiting */
	ASSERT_EQ(0, smtj_set_sim(fd, cfg));
	got = smtj_read_samples(fd, dev, n, 20000);
	ASSERT_EQ((long)n, got);
	ASSERT_EQ(0, smtj_get_info(fd, &info));
	ASSERT_EQ(0, info.lost);
	smtj_model_init(model, cfg);
	smtj_model_fill(model, lib, n / 3);	/* in uneven pieces */
	smtj_model_fill(model, lib + n / 3, n - n / 3);
	for (i = 0; i < n; i++)
		if (dev[i] != lib[i])
			break;
	EXPECT_EQ(n, i) TH_LOG("first difference at sample %zu: device %u, model %u",
			      i, i < n ? dev[i] : 0, i < n ? lib[i] : 0);
	free(dev);
	free(lib);
	free(model);
}

TEST_F(rd, stream_equals_model_default)
{
	struct smtj_sim_config cfg;

	smtj_cfg(&cfg, 0, 200000, 42);
	compare_with_model(_metadata, self->fd, &cfg, 100000);
	/* the same seed again gives the same stream from the start */
	compare_with_model(_metadata, self->fd, &cfg, 20000);
}

TEST_F(rd, stream_equals_model_three_junctions)
{
	struct smtj_sim_config cfg;

	smtj_cfg(&cfg, 0, 200000, 0xdeadbeefcafef00dULL);
	cfg.nr_junctions = 3;
	cfg.adc_bits = 12;
	cfg.noise_sigma = 20000;	/* 20 codes */
	for (int j = 0; j < 3; j++) {
		cfg.p_leave[j][0] = 10000000 * (j + 1);
		cfg.p_leave[j][1] = 30000000 * (j + 1);
	}
	for (int s = 0; s < 8; s++)
		cfg.level[s] = (uint16_t)(500 * s);	/* noise clamps at 0 */
	compare_with_model(_metadata, self->fd, &cfg, 100000);
}

TEST_F(rd, stream_equals_model_eight_junctions_16bit)
{
	struct smtj_sim_config cfg;

	smtj_cfg(&cfg, 0, 200000, 7);
	cfg.nr_junctions = 8;
	cfg.adc_bits = 16;
	cfg.noise_sigma = SMTJ_SIM_SIGMA_MAX;	/* clamps at both ends */
	for (int j = 0; j < 8; j++) {
		cfg.p_leave[j][0] = SMTJ_SIM_PROB_ONE / (j + 2);
		cfg.p_leave[j][1] = j ? SMTJ_SIM_PROB_ONE / (3 * j) : SMTJ_SIM_PROB_ONE;
	}
	for (int s = 0; s < 256; s++)
		cfg.level[s] = (uint16_t)(s * 257);
	compare_with_model(_metadata, self->fd, &cfg, 60000);
}

TEST_F(rd, stream_equals_model_unthrottled)
{
	struct smtj_sim_config cfg;

	smtj_cfg(&cfg, SMTJ_SIM_F_UNTHROTTLED, 1000, 99);
	cfg.noise_sigma = 0;
	compare_with_model(_metadata, self->fd, &cfg, 100000);
}

SMTJ_TEST_MAIN
