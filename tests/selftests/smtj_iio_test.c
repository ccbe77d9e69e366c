// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * A device with the IIO backend, on the test ADC of tests/kmod/
 * (smtj-test-adc.ko instantiate=1: a 14-bit, 3.3 V channel whose code is a
 * telegraph between 238 and 180).  The info ioctl and sysfs describe the
 * ADC, the simulator ioctls give -ENODEV, and the samples are the ADC's
 * codes through read(), poll() and the mmap ring.
 */
#include "smtj_test.h"

#define ADC_BITS	14
#define ADC_SCALE_FV	201416015625ULL	/* 3.3 V / 2^14 */
#define LEVEL0		238
#define LEVEL1		180

FIXTURE(iio) {
	int n;
	int fd;
};

FIXTURE_SETUP(iio)
{
	struct smtj_info info;

	ASSERT_EQ(0, smtj_module_ensure());
	self->fd = -1;
	for (self->n = 0; self->n < 16; self->n++) {
		int fd = smtj_open(self->n, O_RDWR);

		if (fd < 0)
			continue;
		if (!smtj_get_info(fd, &info) && info.backend == SMTJ_BACKEND_IIO) {
			self->fd = fd;
			break;
		}
		close(fd);
	}
	ASSERT_LE(0, self->fd) TH_LOG("no /dev/smtjN with the IIO backend");
}

FIXTURE_TEARDOWN(iio)
{
	if (self->fd >= 0)
		close(self->fd);
}

TEST_F(iio, info_describes_the_adc)
{
	struct smtj_info info;
	char buf[64];

	ASSERT_EQ(0, smtj_get_info(self->fd, &info));
	EXPECT_EQ(SMTJ_ABI_VERSION, info.abi_version);
	EXPECT_EQ(SMTJ_BACKEND_IIO, info.backend);
	EXPECT_EQ(ADC_BITS, info.sample_bits);
	EXPECT_EQ(16, info.sample_storage_bits);
	EXPECT_EQ(0, info.sample_signed);
	EXPECT_EQ(ADC_SCALE_FV, info.scale_fv);
	EXPECT_LT(0, info.rate_hz);
	EXPECT_EQ(0, info.flags & (SMTJ_INFO_F_PATTERN | SMTJ_INFO_F_UNTHROTTLED));
	ASSERT_EQ(0, smtj_sysfs_read(self->n, "backend", buf, sizeof(buf)));
	EXPECT_NE(NULL, strstr(buf, "iio")) TH_LOG("backend: '%s'", buf);
	EXPECT_EQ(ADC_BITS, smtj_sysfs_u64(self->n, "sample_bits"));
}

TEST_F(iio, simulator_ioctls_enodev)
{
	struct smtj_sim_config cfg;

	memset(&cfg, 0, sizeof(cfg));
	cfg.size = sizeof(cfg);
	EXPECT_EQ(-ENODEV, smtj_ioctl(self->fd, SMTJ_IOC_GET_SIM, &cfg));
	smtj_model_default_config(&cfg);
	EXPECT_EQ(-ENODEV, smtj_set_sim(self->fd, &cfg));
	/* the consumer settings are the backend's business no more than usual */
	EXPECT_EQ(0, smtj_set_consumer(self->fd, 4096, 1));
}

TEST_F(iio, read_gives_the_telegraph)
{
	static uint16_t buf[500];
	long n, i, lo = 0, hi = 0;

	n = smtj_read_samples(self->fd, buf, 500, 20000);
	ASSERT_EQ(500, n);
	for (i = 0; i < n; i++) {
		ASSERT_TRUE(buf[i] == LEVEL0 || buf[i] == LEVEL1)
			TH_LOG("sample %ld = %u", i, buf[i]);
		lo += buf[i] == LEVEL1;
		hi += buf[i] == LEVEL0;
	}
	EXPECT_LT(0, lo);
	EXPECT_LT(0, hi);
}

TEST_F(iio, poll_and_mmap)
{
	struct pollfd p = { .fd = self->fd, .events = POLLIN };
	struct smtj_info info;
	struct smtj_map m = { 0 };
	uint64_t p0, end;

	ASSERT_EQ(0, smtj_set_consumer(self->fd, 4096, 16));
	ASSERT_EQ(1, poll(&p, 1, 10000));
	EXPECT_TRUE(p.revents & POLLIN);
	ASSERT_EQ(0, smtj_get_info(self->fd, &info));
	ASSERT_EQ(0, smtj_map_ring(self->fd, &info, &m));
	p0 = smtj_ring_producer(&m);
	end = smtj_now_ns() + 10000000000ULL;
	while (smtj_ring_producer(&m) == p0 && smtj_now_ns() < end)
		smtj_sleep_ms(10);
	EXPECT_LT(p0, smtj_ring_producer(&m));
	smtj_unmap_ring(&m);
}

SMTJ_TEST_MAIN
