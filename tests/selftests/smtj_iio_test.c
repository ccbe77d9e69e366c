// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * A device with the IIO backend, on the test ADC of tests/kmod/
 * (smtj-test-adc.ko: a 14-bit, 3.3 V channel whose code is a telegraph
 * between level0 and level1; on x86_64 instantiate=1 consumer_dev=1 makes
 * the ADC, its IIO map and the "smtj" device, on arm64 the device tree
 * describes both).  The info ioctl and sysfs describe the ADC, the
 * simulator ioctls give -ENODEV, and the samples are the ADC's codes through
 * read(), poll() and the mmap ring, with the statistics of the ADC's
 * Markov chain; failed ADC reads are counted and skipped; unbinding the ADC
 * ends the device and a new smtj device waits (-EPROBE_DEFER) for the ADC.
 */
#include <dirent.h>
#include <math.h>
#include <pthread.h>

#include "smtj_test.h"

#define ADC_BITS	14
#define ADC_SCALE_FV	201416015625ULL	/* 3.3 V / 2^14 */
#define ADC_PARAMS	"/sys/module/smtj_test_adc/parameters/"
#define ADC_DRIVER	"/sys/bus/platform/drivers/smtj-test-adc"
#define SMTJ_DRIVER	"/sys/bus/platform/drivers/smtj"
#define DEFERRED	"/sys/kernel/debug/devices_deferred"

/* A numeric parameter of the test ADC; -1 if unreadable. */
static long adc_param(const char *name)
{
	char path[128], buf[32];
	ssize_t r;
	int fd;

	snprintf(path, sizeof(path), ADC_PARAMS "%s", name);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -1;
	r = read(fd, buf, sizeof(buf) - 1);
	close(fd);
	if (r <= 0)
		return -1;
	buf[r] = 0;
	return strtol(buf, NULL, 0);
}

/* The first /dev/smtjN with the IIO backend, opened, or -1. */
static int open_iio(int *np)
{
	struct smtj_info info;
	int n, fd;

	for (n = 0; n < 16; n++) {
		fd = smtj_open(n, O_RDWR);
		if (fd < 0)
			continue;
		if (!smtj_get_info(fd, &info) && info.backend == SMTJ_BACKEND_IIO) {
			*np = n;
			return fd;
		}
		close(fd);
	}
	return -1;
}

/*
 * The platform device whose modalias is "platform:@name" or names the
 * device-tree compatible @compat: its name into @out; 0 or -ENOENT.
 */
static int platform_device(const char *name, const char *compat, char *out,
			   size_t len)
{
	char path[512], alias[256], want[128], want_of[128];
	struct dirent *d;
	int ret = -ENOENT;
	DIR *dir = opendir("/sys/bus/platform/devices");
	ssize_t r;
	int fd;

	if (!dir)
		return -errno;
	snprintf(want, sizeof(want), "platform:%s\n", name);
	snprintf(want_of, sizeof(want_of), "C%s", compat);
	while (ret && (d = readdir(dir))) {
		if (d->d_name[0] == '.')
			continue;
		snprintf(path, sizeof(path), "/sys/bus/platform/devices/%s/modalias",
			 d->d_name);
		fd = open(path, O_RDONLY | O_CLOEXEC);
		if (fd < 0)
			continue;
		r = read(fd, alias, sizeof(alias) - 1);
		close(fd);
		if (r <= 0)
			continue;
		alias[r] = 0;
		if (!strcmp(alias, want) || strstr(alias, want_of)) {
			snprintf(out, len, "%s", d->d_name);
			ret = 0;
		}
	}
	closedir(dir);
	return ret;
}

/* Whether platform device @dev comes from the device tree. */
static int of_described(const char *dev)
{
	char path[512], alias[8] = "";
	int fd;

	snprintf(path, sizeof(path), "/sys/bus/platform/devices/%s/modalias", dev);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return 0;
	if (read(fd, alias, sizeof(alias) - 1) < 0)
		alias[0] = 0;
	close(fd);
	return !strncmp(alias, "of:", 3);
}

/* Whether platform device @dev is bound to a driver. */
static int bound(const char *dev)
{
	char path[512];

	snprintf(path, sizeof(path), "/sys/bus/platform/devices/%s/driver", dev);
	return access(path, F_OK) == 0;
}

#define ADC_DEVICE(buf)	platform_device("smtj-test-adc", "smtj,test-adc", \
					buf, sizeof(buf))
#define SMTJ_DEVICE(buf) platform_device("smtj", "smtj,junction-array", \
					 buf, sizeof(buf))

/* Whether debugfs lists device @name as waiting for a deferred probe. */
static int deferred(const char *name)
{
	char line[256];
	size_t n = strlen(name);
	int found = 0;
	FILE *f = fopen(DEFERRED, "re");

	if (!f)
		return -errno;
	while (fgets(line, sizeof(line), f))
		if (!strncmp(line, name, n) && (line[n] == '\t' || line[n] == ' ' ||
						 line[n] == '\n' || !line[n]))
			found = 1;
	fclose(f);
	return found;
}

FIXTURE(iio) {
	int n;
	int fd;
};

FIXTURE_SETUP(iio)
{
	uint64_t end = smtj_now_ns() + 5000000000ULL;

	ASSERT_EQ(0, smtj_module_ensure());
	/* probing and devtmpfs are asynchronous */
	while ((self->fd = open_iio(&self->n)) < 0 && smtj_now_ns() < end)
		smtj_sleep_ms(20);
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
	ASSERT_EQ(0, smtj_sysfs_read(self->n, "scale", buf, sizeof(buf)));
	EXPECT_STREQ("0.000201416015625", buf);
	EXPECT_NE(UINT64_MAX, smtj_sysfs_u64(self->n, "read_errors"));
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
	long l0 = adc_param("level0"), l1 = adc_param("level1");
	static uint16_t buf[500];
	long n, i, lo = 0, hi = 0;

	ASSERT_LE(0, l0);
	ASSERT_LE(0, l1);
	ASSERT_NE(l0, l1);
	n = smtj_read_samples(self->fd, buf, 500, 20000);
	ASSERT_EQ(500, n);
	for (i = 0; i < n; i++) {
		ASSERT_TRUE(buf[i] == l0 || buf[i] == l1)
			TH_LOG("sample %ld = %u", i, buf[i]);
		lo += buf[i] == l1;
		hi += buf[i] == l0;
	}
	EXPECT_LT(0, lo);
	EXPECT_LT(0, hi);
}

/*
 * Each ADC read flips the state with probability p, so the +-1 sequence of
 * states is a symmetric two-state Markov chain: lag-1 autocorrelation
 * 1 - 2p.  Its estimate over N samples, 1 - 2 F / (N - 1) with F the number
 * of flips, is exact up to F ~ Binomial(N - 1, p): standard deviation
 * 2 sqrt(p (1 - p) / (N - 1)).  Allow 5 of them (fails by chance with
 * probability 6e-7).  Every sample is one ADC read in order: a lost sample
 * would hide flips, so the ring must not overflow.
 */
TEST_F(iio, lag1_autocorrelation_is_one_minus_2p)
{
	enum { N = 4000 };
	static uint16_t buf[N];
	double p = adc_param("flip_ppm") / 1e6, sd, r;
	long l0 = adc_param("level0"), n, i, flips = 0;
	struct smtj_info info;

	ASSERT_LT(0, p);
	ASSERT_GT(0.5, p);
	n = smtj_read_samples(self->fd, buf, N, 20000);
	ASSERT_EQ(N, n);
	ASSERT_EQ(0, smtj_get_info(self->fd, &info));
	ASSERT_EQ(0, info.lost);
	for (i = 1; i < N; i++)
		flips += (buf[i] == l0) != (buf[i - 1] == l0);
	r = 1.0 - 2.0 * flips / (N - 1);
	sd = 2.0 * sqrt(p * (1.0 - p) / (N - 1));
	TH_LOG("lag-1 autocorrelation %.4f, theory %.4f +- %.4f", r,
	       1.0 - 2.0 * p, sd);
	EXPECT_GT(5.0 * sd, fabs(r - (1.0 - 2.0 * p)));
}

/*
 * fail_reads=5 fails the next five ADC reads with -EIO: read_errors counts
 * them, no sample stands in for them, and the stream goes on.
 */
TEST_F(iio, failed_reads_counted_stream_continues)
{
	long l0 = adc_param("level0"), l1 = adc_param("level1");
	uint64_t before = smtj_sysfs_u64(self->n, "read_errors"), end;
	static uint16_t buf[300];
	long n, i;

	ASSERT_NE(UINT64_MAX, before);
	ASSERT_EQ(0, smtj_sysfs_write(ADC_PARAMS "fail_reads", "5"));
	n = smtj_read_samples(self->fd, buf, 300, 20000);
	ASSERT_EQ(300, n);
	for (i = 0; i < n; i++)
		ASSERT_TRUE(buf[i] == l0 || buf[i] == l1)
			TH_LOG("sample %ld = %u", i, buf[i]);
	end = smtj_now_ns() + 2000000000ULL;
	while (smtj_sysfs_u64(self->n, "read_errors") < before + 5 &&
	       smtj_now_ns() < end)
		smtj_sleep_ms(10);
	EXPECT_EQ(before + 5, smtj_sysfs_u64(self->n, "read_errors"));
	EXPECT_EQ(0, adc_param("fail_reads"));
	/* and it goes on */
	EXPECT_EQ(100, smtj_read_samples(self->fd, buf, 100, 20000));
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

/*
 * Removal and deferred probing, in this order (a fixture of their own, so
 * that they run after every test that needs the device working).
 */
FIXTURE(iio_removal) {
	int unused;
};

FIXTURE_SETUP(iio_removal)
{
	ASSERT_EQ(0, smtj_module_ensure());
}

FIXTURE_TEARDOWN(iio_removal)
{
}

struct blocked_read {
	int fd;
	ssize_t ret;
	int err;
};

static void *blocked_reader(void *arg)
{
	struct blocked_read *b = arg;
	static uint16_t buf[65536];

	b->ret = read(b->fd, buf, sizeof(buf));
	b->err = errno;
	return NULL;
}

/*
 * A reader waits for 65536 samples (a minute at 1 kHz); the ADC is unbound:
 * the read ends with -ENODEV at once, poll says EPOLLERR | EPOLLHUP and the
 * device cannot be opened any more.  Through an IIO map smtj's device stays
 * bound (its backend sees -ENODEV and ends the device itself); from the
 * device tree the driver core may have linked it to the ADC (fw_devlink
 * follows io-channels) and unbind it first, depending on the link's
 * history (a consumer driver unloaded while deferred drops it).
 */
TEST_F(iio_removal, adc_unbound_under_blocked_reader)
{
	struct blocked_read b = { .fd = -1 };
	struct pollfd p = { .events = POLLIN };
	char adc[256], smtj[256], buf[64];
	pthread_t th;
	int n, fd;
	uint64_t t;

	t = smtj_now_ns() + 5000000000ULL;
	while ((b.fd = open_iio(&n)) < 0 && smtj_now_ns() < t)
		smtj_sleep_ms(20);
	ASSERT_LE(0, b.fd);
	ASSERT_EQ(0, ADC_DEVICE(adc));
	ASSERT_EQ(0, SMTJ_DEVICE(smtj));
	ASSERT_TRUE(bound(adc));
	ASSERT_EQ(0, smtj_set_consumer(b.fd, 65536, 65536));
	ASSERT_EQ(0, pthread_create(&th, NULL, blocked_reader, &b));
	smtj_sleep_ms(300);
	ASSERT_EQ(0, smtj_sysfs_write(ADC_DRIVER "/unbind", adc));
	t = smtj_now_ns();
	ASSERT_EQ(0, pthread_join(th, NULL));
	TH_LOG("read ended %.1f ms after the unbind",
	       (smtj_now_ns() - t) / 1e6);
	EXPECT_EQ(-1, b.ret);
	EXPECT_EQ(ENODEV, b.err);
	p.fd = b.fd;
	EXPECT_EQ(1, poll(&p, 1, 1000));
	EXPECT_EQ(POLLERR | POLLHUP, p.revents & (POLLERR | POLLHUP));
	EXPECT_EQ(-1, read(b.fd, buf, sizeof(buf)));
	EXPECT_EQ(ENODEV, errno);
	close(b.fd);
	fd = smtj_open(n, O_RDONLY);
	EXPECT_GT(0, fd);
	if (fd >= 0)
		close(fd);
	if (!of_described(smtj))
		EXPECT_TRUE(bound(smtj));
	TH_LOG("smtj's device %s is %s", smtj, bound(smtj) ? "bound" : "unbound");
}

/*
 * With the ADC unbound, probing smtj's device (drivers_probe: the driver
 * core's own path, as at boot) defers: debugfs lists it as deferred, and
 * an explicit bind says EAGAIN.  When the ADC's driver binds again, the
 * deferred probe runs by itself and a working device appears.
 */
TEST_F(iio_removal, probe_defers_until_adc)
{
	char adc[256], smtj[256];
	static uint16_t buf[100];
	uint64_t t;
	int n, fd, i;

	ASSERT_EQ(0, ADC_DEVICE(adc));
	ASSERT_EQ(0, SMTJ_DEVICE(smtj));
	if (bound(adc))
		ASSERT_EQ(0, smtj_sysfs_write(ADC_DRIVER "/unbind", adc));
	if (bound(smtj))
		ASSERT_EQ(0, smtj_sysfs_write(SMTJ_DRIVER "/unbind", smtj));
	ASSERT_FALSE(bound(smtj));
	ASSERT_EQ(-EAGAIN, smtj_sysfs_write(SMTJ_DRIVER "/bind", smtj));
	/* 0, or EINVAL where a device link made it defer (device tree) */
	i = smtj_sysfs_write("/sys/bus/platform/drivers_probe", smtj);
	EXPECT_TRUE(i == 0 || (i == -EINVAL && of_described(smtj))) TH_LOG("%d", i);
	EXPECT_FALSE(bound(smtj));
	EXPECT_EQ(1, deferred(smtj));
	smtj_sleep_ms(200);
	EXPECT_EQ(-1, open_iio(&n));
	EXPECT_EQ(1, deferred(smtj));

	/* the ADC comes back: smtj probes without being asked */
	ASSERT_EQ(0, smtj_sysfs_write(ADC_DRIVER "/bind", adc));
	t = smtj_now_ns() + 5000000000ULL;
	while ((fd = open_iio(&n)) < 0 && smtj_now_ns() < t)
		smtj_sleep_ms(20);
	ASSERT_LE(0, fd);
	EXPECT_TRUE(bound(smtj));
	EXPECT_EQ(0, deferred(smtj));
	EXPECT_EQ(100, smtj_read_samples(fd, buf, 100, 10000));
	close(fd);
}

SMTJ_TEST_MAIN
