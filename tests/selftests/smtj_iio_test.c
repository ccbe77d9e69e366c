// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * A device with the IIO backend, on the test ADC of tests/kmod/
 * (smtj-test-adc.ko: 14-bit, 3.3 V channels; channel 0 is a telegraph
 * between level0 and level1, channel 1 an array of two junctions; on
 * x86_64 instantiate=1 consumer_dev=1 consumer_array=1
 * consumer_malformed=1 makes the ADC, its IIO map and the smtj devices as
 * software nodes, on arm64 the device tree describes them).  The info
 * ioctl and sysfs describe the ADC, the simulator ioctls give -ENODEV, and
 * the samples are the ADC's codes through read(), poll() and the mmap
 * ring, with the statistics of the ADC's Markov chain; failed ADC reads
 * are counted and skipped.  The two-junction device turns its
 * smtj,levels-microvolt into the channel's codes and its hwrng decodes
 * each junction on its own; every malformed level table fails the probe
 * with -EINVAL and a message that says what is wrong.  Unbinding the ADC
 * ends the device and a new smtj device waits (-EPROBE_DEFER) for the ADC.
 */
#include <dirent.h>
#include <libgen.h>
#include <math.h>
#include <pthread.h>
#include <sys/wait.h>

#include "smtj_test.h"

#define ADC_BITS	14
#define ADC_SCALE_FV	201416015625ULL	/* 3.3 V / 2^14 */
#define ADC_PARAMS	"/sys/module/smtj_test_adc/parameters/"
#define ADC_DRIVER	"/sys/bus/platform/drivers/smtj-test-adc"
#define SMTJ_DRIVER	"/sys/bus/platform/drivers/smtj"
#define DEFERRED	"/sys/kernel/debug/devices_deferred"
#define PDEVS		"/sys/bus/platform/devices/"
#define HWRNG_SYSFS	"/sys/class/misc/hw_random"

/*
 * The smtj platform devices by role: the name of the software-node device
 * that instantiate=1 creates (x86_64), then that of the device-tree node
 * (tests/kmod/virt-smtj.dtsi, virt-smtj-malformed.dtsi).
 */
#define MAIN_DEV	"smtj", "rng"
#define ARRAY_DEV	"smtj.1", "rng-array"

/* A parameter of the test ADC as text into @buf; 0, or -1 if unreadable. */
static int adc_param_text(const char *name, char *buf, size_t len)
{
	char path[128];

	snprintf(path, sizeof(path), ADC_PARAMS "%s", name);
	return smtj_read_text(path, buf, len) || !buf[0] ? -1 : 0;
}

/* A numeric parameter of the test ADC; -1 if unreadable. */
static long adc_param(const char *name)
{
	char buf[32];

	if (adc_param_text(name, buf, sizeof(buf)))
		return -1;
	return strtol(buf, NULL, 0);
}

/*
 * A comma-separated array parameter of the test ADC into @v (at most @max
 * values): their number, or -1.
 */
static int adc_param_list(const char *name, long *v, int max)
{
	char buf[256], *p, *end;
	int n = 0;

	if (adc_param_text(name, buf, sizeof(buf)))
		return -1;
	for (p = buf; n < max; p = end + 1) {
		v[n++] = strtol(p, &end, 0);
		if (end == p)
			return -1;
		if (*end != ',')
			break;
	}
	return n;
}

/* The platform device named @swnode or else @dt into @out; 0 or -ENOENT. */
static int find_pdev(const char *swnode, const char *dt, char *out, size_t len)
{
	char path[256];

	snprintf(path, sizeof(path), PDEVS "%s", swnode);
	if (!access(path, F_OK)) {
		snprintf(out, len, "%s", swnode);
		return 0;
	}
	snprintf(path, sizeof(path), PDEVS "%s", dt);
	if (!access(path, F_OK)) {
		snprintf(out, len, "%s", dt);
		return 0;
	}
	return -ENOENT;
}

/* N of the /dev/smtjN whose parent is platform device @pdev, or -1. */
static int smtj_of_pdev(const char *pdev)
{
	char path[128], link[512];
	ssize_t r;
	int n;

	for (n = 0; n < 16; n++) {
		snprintf(path, sizeof(path), SMTJ_SYSFS_CLASS "/smtj%d/device", n);
		r = readlink(path, link, sizeof(link) - 1);
		if (r <= 0)
			continue;
		link[r] = 0;
		if (!strcmp(basename(link), pdev))
			return n;
	}
	return -1;
}

/* The /dev/smtjN of the platform device @swnode or @dt, opened, or -1. */
static int open_dev(const char *swnode, const char *dt, int *np)
{
	char pdev[128];
	int n, fd;

	if (find_pdev(swnode, dt, pdev, sizeof(pdev)))
		return -1;
	n = smtj_of_pdev(pdev);
	if (n < 0)
		return -1;
	fd = smtj_open(n, O_RDWR);
	if (fd >= 0)
		*np = n;
	return fd;
}

/* /dev/smtjN of the one-junction device on channel 0, opened, or -1. */
static int open_iio(int *np)
{
	return open_dev(MAIN_DEV, np);
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

/*
 * Whether hw_random lists the source @name (a word of rng_available);
 * -1 if unreadable.
 */
static int rng_available(const char *name)
{
	char buf[512], *tok, *save;

	if (smtj_read_text(HWRNG_SYSFS "/rng_available", buf, sizeof(buf)))
		return -1;
	for (tok = strtok_r(buf, " \n", &save); tok;
	     tok = strtok_r(NULL, " \n", &save))
		if (!strcmp(tok, name))
			return 1;
	return 0;
}

#define ADC_DEVICE(buf)	platform_device("smtj-test-adc", "smtj,test-adc", \
					buf, sizeof(buf))
#define SMTJ_DEVICE(buf) find_pdev(MAIN_DEV, buf, sizeof(buf))

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
	char buf[64], path[128], name[16];

	ASSERT_EQ(0, smtj_get_info(self->fd, &info));
	EXPECT_EQ(SMTJ_ABI_VERSION, info.abi_version);
	EXPECT_EQ(SMTJ_BACKEND_IIO, info.backend);
	EXPECT_EQ(ADC_BITS, info.sample_bits);
	EXPECT_EQ(16, info.sample_storage_bits);
	EXPECT_EQ(0, info.sample_signed);
	EXPECT_EQ(ADC_SCALE_FV, info.scale_fv);
	EXPECT_LT(0, info.rate_hz);
	/*
	 * No assessment and no quality stated: the pipeline and its sysfs
	 * exist (root can assess), quality 0, not known to hw_random.
	 */
	snprintf(path, sizeof(path), SMTJ_SYSFS_CLASS "/smtj%d/hwrng", self->n);
	EXPECT_EQ(0, access(path, F_OK));
	EXPECT_EQ(0, smtj_sysfs_u64(self->n, "hwrng/quality"));
	EXPECT_EQ(0, smtj_sysfs_u64(self->n, "hwrng/min_entropy"));
	snprintf(name, sizeof(name), "smtj%d", self->n);
	EXPECT_EQ(0, rng_available(name));
	EXPECT_EQ(0, info.flags & (SMTJ_INFO_F_PATTERN | SMTJ_INFO_F_UNTHROTTLED));
	ASSERT_EQ(0, smtj_sysfs_read(self->n, "backend", buf, sizeof(buf)));
	EXPECT_NE(NULL, strstr(buf, "iio")) TH_LOG("backend: '%s'", buf);
	EXPECT_EQ(ADC_BITS, smtj_sysfs_u64(self->n, "sample_bits"));
	ASSERT_EQ(0, smtj_sysfs_read(self->n, "scale", buf, sizeof(buf)));
	EXPECT_STREQ("0.000201416015625", buf);
	EXPECT_NE(UINT64_MAX, smtj_sysfs_u64(self->n, "read_errors"));
}

/* Write @val to hwrng/@attr of smtj@n; 0 or -errno. */
static int hwrng_write(int n, const char *attr, const char *val)
{
	char path[128];

	snprintf(path, sizeof(path), SMTJ_SYSFS_CLASS "/smtj%d/hwrng/%s", n,
		 attr);
	return smtj_sysfs_write(path, val);
}

/* hwrng/@attr of smtj@n as text, or "" */
static const char *hwrng_text(int n, const char *attr)
{
	static char buf[64];
	char path[64];

	snprintf(path, sizeof(path), "hwrng/%s", attr);
	if (smtj_sysfs_read(n, path, buf, sizeof(buf)))
		buf[0] = 0;
	return buf;
}

/*
 * Quality from measurement: a board without an assessment credits
 * nothing; root's assessed min-entropy makes the conditioner SHA-256,
 * the quality 1024 and the source known to hw_random; withdrawing it
 * undoes all three.  Only root writes; nonsense gives an errno and
 * changes nothing.
 */
TEST_F(iio, quality_from_assessment)
{
	char name[16];
	pid_t pid;
	int st;

	snprintf(name, sizeof(name), "smtj%d", self->n);
	EXPECT_STREQ("none", hwrng_text(self->n, "min_entropy_source"));
	EXPECT_STREQ("peres", hwrng_text(self->n, "conditioner"));
	EXPECT_EQ(0, smtj_sysfs_u64(self->n, "hwrng/quality"));
	EXPECT_EQ(0, rng_available(name));
	/* nothing assessed: SHA-256 has nothing to count */
	EXPECT_EQ(-EINVAL, hwrng_write(self->n, "conditioner", "sha256"));
	EXPECT_EQ(-EINVAL, hwrng_write(self->n, "conditioner", "md5"));
	EXPECT_EQ(-EINVAL, hwrng_write(self->n, "min_entropy", "lots"));
	EXPECT_EQ(-ERANGE, hwrng_write(self->n, "min_entropy", "8001"));
	/* one junction: at most one bit per sample */
	EXPECT_EQ(-EINVAL, hwrng_write(self->n, "min_entropy", "1001"));
	EXPECT_EQ(0, smtj_sysfs_u64(self->n, "hwrng/min_entropy"));
	EXPECT_EQ(0, rng_available(name));
	/* not root: the files are root's */
	pid = fork();
	ASSERT_LE(0, pid);
	if (!pid) {
		if (setgid(65534) || setuid(65534))
			_exit(2);
		_exit(hwrng_write(self->n, "min_entropy", "60") == -EACCES &&
		      hwrng_write(self->n, "conditioner", "peres") == -EACCES ?
		      0 : 1);
	}
	ASSERT_EQ(pid, waitpid(pid, &st, 0));
	EXPECT_TRUE(WIFEXITED(st) && WEXITSTATUS(st) == 0);

	ASSERT_EQ(0, hwrng_write(self->n, "min_entropy", "60"));
	EXPECT_EQ(60, smtj_sysfs_u64(self->n, "hwrng/min_entropy"));
	EXPECT_STREQ("sysfs", hwrng_text(self->n, "min_entropy_source"));
	EXPECT_STREQ("sha256", hwrng_text(self->n, "conditioner"));
	EXPECT_EQ(1024, smtj_sysfs_u64(self->n, "hwrng/quality"));
	EXPECT_EQ(1, rng_available(name));
	/* Peres claims nothing: quality 0, gone from hw_random */
	ASSERT_EQ(0, hwrng_write(self->n, "conditioner", "peres"));
	EXPECT_EQ(0, smtj_sysfs_u64(self->n, "hwrng/quality"));
	EXPECT_EQ(0, rng_available(name));
	ASSERT_EQ(0, hwrng_write(self->n, "conditioner", "sha256"));
	EXPECT_EQ(1024, smtj_sysfs_u64(self->n, "hwrng/quality"));
	EXPECT_EQ(1, rng_available(name));
	ASSERT_EQ(0, hwrng_write(self->n, "min_entropy", "0"));
	EXPECT_STREQ("none", hwrng_text(self->n, "min_entropy_source"));
	EXPECT_STREQ("peres", hwrng_text(self->n, "conditioner"));
	EXPECT_EQ(0, smtj_sysfs_u64(self->n, "hwrng/quality"));
	EXPECT_EQ(0, rng_available(name));
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
 * Two junctions on channel 1 (the ADC's array_levels, array_flip_ppm):
 * the device's smtj,levels-microvolt, 100, 150, 250 and 300 mV, are the
 * channel's codes 496, 745, 1241 and 1489 (3.3 V / 2^14 a code).
 */
FIXTURE(iio_array) {
	int n;
	int fd;
	long levels[16];
	int nlevels;
	long ppm[4];
	int junctions;
};

FIXTURE_SETUP(iio_array)
{
	uint64_t end = smtj_now_ns() + 5000000000ULL;

	ASSERT_EQ(0, smtj_module_ensure());
	while ((self->fd = open_dev(ARRAY_DEV, &self->n)) < 0 &&
	       smtj_now_ns() < end)
		smtj_sleep_ms(20);
	ASSERT_LE(0, self->fd) TH_LOG("no smtj device for the two-junction array");
	self->nlevels = adc_param_list("array_levels", self->levels, 16);
	self->junctions = adc_param_list("array_flip_ppm", self->ppm, 4);
	ASSERT_EQ(4, self->nlevels);
	ASSERT_EQ(2, self->junctions);
}

FIXTURE_TEARDOWN(iio_array)
{
	if (self->fd >= 0)
		close(self->fd);
}

/* sysfs: two junctions, decoded with the level table in the ADC's codes. */
TEST_F(iio_array, levels_in_adc_codes)
{
	struct smtj_info info;
	char buf[256], want[256], name[16];
	int i, len = 0;

	ASSERT_EQ(0, smtj_get_info(self->fd, &info));
	EXPECT_EQ(SMTJ_BACKEND_IIO, info.backend);
	EXPECT_EQ(ADC_BITS, info.sample_bits);
	EXPECT_EQ(20000, info.rate_hz);
	EXPECT_EQ(2, smtj_sysfs_u64(self->n, "hwrng/junctions"));
	/* its device tree states an entropy: registered with hw_random */
	EXPECT_EQ(256, smtj_sysfs_u64(self->n, "hwrng/quality"));
	snprintf(name, sizeof(name), "smtj%d", self->n);
	EXPECT_EQ(1, rng_available(name));
	for (i = 0; i < self->nlevels; i++)
		len += snprintf(want + len, sizeof(want) - len, "%s%ld",
				i ? " " : "", self->levels[i]);
	ASSERT_EQ(0, smtj_sysfs_read(self->n, "hwrng/levels", buf, sizeof(buf)));
	EXPECT_STREQ(want, buf);
	EXPECT_STREQ("496 745 1241 1489", buf);
}

/* Up to @len bytes of /dev/hwrng within 25 s: how many, or -errno. */
static ssize_t read_dev_hwrng(unsigned char *buf, size_t len)
{
	uint64_t end = smtj_now_ns() + 25000000000ULL;
	size_t got = 0;
	int fd = open("/dev/hwrng", O_RDONLY | O_CLOEXEC);

	if (fd < 0)
		return -errno;
	while (got < len && smtj_now_ns() < end) {
		ssize_t r = read(fd, buf + got, len - got);

		if (r <= 0) {
			r = r ? -errno : -EIO;
			close(fd);
			return r;
		}
		got += (size_t)r;
	}
	close(fd);
	return (ssize_t)got;
}

/*
 * /dev/hwrng from the array: the extractor decodes each sample into two
 * bits, so each junction shows its own mean dwell, 1 / p of its flip
 * probability (4 and 8 reads; read as one junction, or with the states
 * mixed up, there would be one dwell, or two alike).  Over a 4096-sample
 * block the estimate's relative error is about 1 / sqrt(4096 p): 3 % and
 * 4 %; allow 25 %.  Every code is a level of the table: nothing
 * unresolved, nothing at a rail, and the bytes come.
 */
TEST_F(iio_array, hwrng_decodes_each_junction)
{
	unsigned char buf[64];
	char name[16], cur[32], dwell[128];
	double d[2];
	unsigned int decim[2];
	uint64_t end;
	ssize_t got;
	int fd, j, ones = 0;

	/* the hwrng alone: an open file would take every other chunk */
	close(self->fd);
	self->fd = -1;
	snprintf(name, sizeof(name), "smtj%d", self->n);
	ASSERT_EQ(0, smtj_sysfs_write(HWRNG_SYSFS "/rng_current", name));
	fd = open(HWRNG_SYSFS "/rng_current", O_RDONLY | O_CLOEXEC);
	ASSERT_LE(0, fd);
	ASSERT_LT(0, read(fd, cur, sizeof(cur) - 1));
	close(fd);
	ASSERT_EQ(0, strncmp(cur, name, strlen(name)));
	got = read_dev_hwrng(buf, sizeof(buf));
	ASSERT_EQ((ssize_t)sizeof(buf), got) TH_LOG("no bytes from the array in 25 s (%zd)", got);
	ASSERT_EQ(0, smtj_sysfs_read(self->n, "hwrng/dwell", dwell, sizeof(dwell)));
	ASSERT_EQ(4, sscanf(dwell, "%lf/%u %lf/%u", &d[0], &decim[0], &d[1],
			    &decim[1])) TH_LOG("dwell: '%s'", dwell);
	for (j = 0; j < 2; j++) {
		double want = 1e6 / self->ppm[j];

		EXPECT_GT(0.25 * want, fabs(d[j] - want))
			TH_LOG("junction %d: dwell %.2f, want %.2f", j, d[j], want);
		EXPECT_LE(4.0 * d[j], decim[j] + 1.0);
	}
	EXPECT_EQ(0, smtj_sysfs_u64(self->n, "hwrng/unresolved_samples"));
	EXPECT_EQ(0, smtj_sysfs_u64(self->n, "hwrng/rail_samples"));
	ASSERT_EQ(0, smtj_sysfs_read(self->n, "hwrng/state", cur, sizeof(cur)));
	EXPECT_STREQ("ok", cur);
	for (j = 0; j < (int)sizeof(buf); j++)
		ones += __builtin_popcount(buf[j]);
	/* 512 fair bits: within 6 sigma (11.3) of 256 */
	EXPECT_GT(68, abs(ones - 256)) TH_LOG("%d ones in 512 bits", ones);
	ksft_print_msg("array: %zd bytes from /dev/hwrng, dwell/decimation %s, %llu samples, %llu decimated bits\n",
		       got, dwell,
		       (unsigned long long)smtj_sysfs_u64(self->n, "hwrng/samples"),
		       (unsigned long long)smtj_sysfs_u64(self->n, "hwrng/decimated_bits"));
	/* the hwrng detaches 200 ms after the last read */
	end = smtj_now_ns() + 3000000000ULL;
	while (smtj_sysfs_u64(self->n, "consumers") && smtj_now_ns() < end)
		smtj_sleep_ms(10);
	EXPECT_EQ(0, smtj_sysfs_u64(self->n, "consumers"));
}

/*
 * The SHA-256 conditioner through the IIO path: with an assessed 1.5 bits
 * per array state (a test figure: 320 / 1.5 = 214 samples an output),
 * /dev/hwrng gives whole digests (output_bits a multiple of 256) that
 * look fair, while the quality stated in the device tree (256) stays.
 */
TEST_F(iio_array, hwrng_sha256_conditioner)
{
	unsigned char buf[256];
	char name[16];
	uint64_t bits;
	ssize_t got;
	int j, ones = 0;

	close(self->fd);
	self->fd = -1;
	snprintf(name, sizeof(name), "smtj%d", self->n);
	/* two junctions: up to two bits per state */
	EXPECT_EQ(-EINVAL, hwrng_write(self->n, "min_entropy", "2001"));
	ASSERT_EQ(0, hwrng_write(self->n, "min_entropy", "1500"));
	EXPECT_STREQ("sha256", hwrng_text(self->n, "conditioner"));
	EXPECT_EQ(256, smtj_sysfs_u64(self->n, "hwrng/quality"));
	ASSERT_EQ(0, smtj_sysfs_write(HWRNG_SYSFS "/rng_current", name));
	got = read_dev_hwrng(buf, sizeof(buf));
	ASSERT_EQ((ssize_t)sizeof(buf), got) TH_LOG("no SHA-256 output in 25 s (%zd)", got);
	bits = smtj_sysfs_u64(self->n, "hwrng/output_bits");
	EXPECT_LE(8 * sizeof(buf), bits);
	EXPECT_EQ(0, bits % 256) TH_LOG("output_bits %llu", (unsigned long long)bits);
	EXPECT_STREQ("ok", hwrng_text(self->n, "state"));
	for (j = 0; j < (int)sizeof(buf); j++)
		ones += __builtin_popcount(buf[j]);
	/* 2048 fair bits: within 6 sigma (22.6) of 1024 */
	EXPECT_GT(136, abs(ones - 1024)) TH_LOG("%d ones in 2048 bits", ones);
	ksft_print_msg("array, sha256 at 1.5 bits/state: %zd bytes, %llu samples, %llu output bits\n",
		       got, (unsigned long long)smtj_sysfs_u64(self->n, "hwrng/samples"),
		       (unsigned long long)bits);
	ASSERT_EQ(0, hwrng_write(self->n, "min_entropy", "0"));
	EXPECT_STREQ("peres", hwrng_text(self->n, "conditioner"));
	EXPECT_EQ(256, smtj_sysfs_u64(self->n, "hwrng/quality"));
}

/*
 * Malformed level tables (tests/kmod/virt-smtj-malformed.dtsi, or the
 * test ADC's consumer_malformed=1): each device exists, never bound, and
 * binding it again fails with EINVAL and an error that names the fault.
 */
FIXTURE(iio_malformed) {
	char pdev[64];
};

FIXTURE_VARIANT(iio_malformed) {
	const char *swnode;
	const char *dt;
	const char *message;
};

FIXTURE_VARIANT_ADD(iio_malformed, count) {
	.swnode = "smtj.2", .dt = "rng-bad-count",
	.message = "smtj,levels-microvolt: 3 entries, need 2^2 = 4",
};

FIXTURE_VARIANT_ADD(iio_malformed, order) {
	.swnode = "smtj.3", .dt = "rng-bad-order",
	.message = "out of order: state 0 -> 2 goes 100000 -> 90000 uV",
};

FIXTURE_VARIANT_ADD(iio_malformed, same_code) {
	.swnode = "smtj.4", .dt = "rng-bad-same",
	.message = "states 1 and 2 (200000 and 200000 uV) are both ADC code 993: the junctions cannot be told apart",
};

FIXTURE_VARIANT_ADD(iio_malformed, above_full_scale) {
	.swnode = "smtj.5", .dt = "rng-bad-range",
	.message = "state 2 (3400000 uV) is ADC code 16880, not strictly between the ADC's rails 0 and 16383",
};

FIXTURE_VARIANT_ADD(iio_malformed, at_rail) {
	.swnode = "smtj.6", .dt = "rng-bad-rail",
	.message = "state 0 (0 uV) is ADC code 0, not strictly between",
};

FIXTURE_VARIANT_ADD(iio_malformed, missing) {
	.swnode = "smtj.7", .dt = "rng-bad-missing",
	.message = "smtj,num-junctions = 2 needs smtj,levels-microvolt",
};

FIXTURE_SETUP(iio_malformed)
{
	ASSERT_EQ(0, smtj_module_ensure());
	ASSERT_EQ(0, find_pdev(variant->swnode, variant->dt, self->pdev,
			       sizeof(self->pdev)))
		TH_LOG("no platform device %s or %s", variant->swnode, variant->dt);
}

FIXTURE_TEARDOWN(iio_malformed)
{
}

/*
 * Whether a kernel log record from @fd (/dev/kmsg) on holds both @a and
 * @b; reads to the end.
 */
static int kmsg_has(int fd, const char *a, const char *b)
{
	char rec[2048];
	int found = 0;
	ssize_t r;

	for (;;) {
		r = read(fd, rec, sizeof(rec) - 1);
		if (r < 0 && errno == EPIPE)	/* overwritten: go on */
			continue;
		if (r <= 0)
			break;
		rec[r] = 0;
		if (strstr(rec, a) && strstr(rec, b))
			found = 1;
	}
	return found;
}

TEST_F(iio_malformed, probe_refused)
{
	char who[96];
	int kmsg;

	EXPECT_FALSE(bound(self->pdev));
	EXPECT_EQ(0, deferred(self->pdev));
	kmsg = open("/dev/kmsg", O_RDONLY | O_NONBLOCK | O_CLOEXEC);
	ASSERT_LE(0, kmsg);
	ASSERT_LE(0, lseek(kmsg, 0, SEEK_END));
	EXPECT_EQ(-EINVAL, smtj_sysfs_write(SMTJ_DRIVER "/bind", self->pdev));
	EXPECT_FALSE(bound(self->pdev));
	EXPECT_EQ(0, deferred(self->pdev));
	snprintf(who, sizeof(who), "smtj %s: error -EINVAL: ", self->pdev);
	EXPECT_TRUE(kmsg_has(kmsg, who, variant->message))
		TH_LOG("no kernel log line \"%s...%s\"", who, variant->message);
	close(kmsg);
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
