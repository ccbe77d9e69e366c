// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * smtj ioctls: the info query, every simulator configuration field at its
 * valid edges and just past them, reserved fields, sizes, unknown commands,
 * consumer settings, exclusivity of SET_SIM, and the sysfs attributes.
 */
#include "smtj_test.h"

FIXTURE(dev) {
	int fd;
	struct smtj_sim_config cfg;
};

FIXTURE_SETUP(dev)
{
	ASSERT_EQ(0, smtj_module_ensure());
	self->fd = smtj_open(0, O_RDWR);
	ASSERT_LE(0, self->fd) TH_LOG("open /dev/smtj0: %s", strerror(errno));
	/* every test starts from the defaults, whatever the last one left */
	smtj_model_default_config(&self->cfg);
	ASSERT_EQ(0, smtj_set_sim(self->fd, &self->cfg));
	smtj_cfg(&self->cfg, 0, 100000, 1);
}

FIXTURE_TEARDOWN(dev)
{
	if (self->fd >= 0)
		close(self->fd);
}

TEST_F(dev, info_defaults)
{
	struct smtj_sim_config def;
	struct smtj_info info;
	long page = sysconf(_SC_PAGESIZE);

	smtj_model_default_config(&def);
	ASSERT_EQ(0, smtj_get_info(self->fd, &info));
	EXPECT_EQ(sizeof(info), info.size);
	EXPECT_EQ(SMTJ_ABI_VERSION, info.abi_version);
	EXPECT_EQ(SMTJ_BACKEND_SIM, info.backend);
	EXPECT_EQ(def.adc_bits, info.sample_bits);
	EXPECT_EQ(16, info.sample_storage_bits);
	EXPECT_EQ(0, info.sample_signed);
	EXPECT_EQ(0, info.offset);
	EXPECT_EQ(def.scale_fv, info.scale_fv);
	EXPECT_EQ(def.rate_hz, info.rate_hz);
	EXPECT_EQ(65536, info.ring_samples);
	EXPECT_EQ(0, info.ring_data_offset % page);
	EXPECT_LE(page, info.ring_data_offset);
	EXPECT_EQ(65536 * 2, info.ring_data_size);
	EXPECT_EQ(0, info.flags & SMTJ_INFO_F_MAPPED);
	EXPECT_EQ(0, info.lost);
	EXPECT_EQ(0, info.consumed);
	EXPECT_EQ(0, info.reserved[0] | info.reserved[1] | info.reserved[2]);
}

/* /dev/smtj1 is never configured by this program: the module's defaults */
TEST_F(dev, defaults_of_fresh_device)
{
	struct smtj_sim_config got, def;
	struct smtj_info info;
	int fd = smtj_open(1, O_RDONLY);

	ASSERT_LE(0, fd);
	smtj_model_default_config(&def);
	memset(&got, 0, sizeof(got));
	got.size = sizeof(got);
	ASSERT_EQ(0, smtj_ioctl(fd, SMTJ_IOC_GET_SIM, &got));
	def.seed = got.seed;	/* the module's choice */
	EXPECT_EQ(0, memcmp(&def, &got, sizeof(got)))
		TH_LOG("GET_SIM of a fresh device is not the default configuration");
	ASSERT_EQ(0, smtj_get_info(fd, &info));
	EXPECT_EQ(def.rate_hz, info.rate_hz);
	EXPECT_EQ(def.adc_bits, info.sample_bits);
	EXPECT_EQ(def.scale_fv, info.scale_fv);
	EXPECT_EQ(0, info.flags & (SMTJ_INFO_F_PATTERN | SMTJ_INFO_F_UNTHROTTLED));
	EXPECT_EQ(def.rate_hz, smtj_sysfs_u64(1, "sample_rate"));
	EXPECT_EQ(def.adc_bits, smtj_sysfs_u64(1, "sample_bits"));
	close(fd);
}

TEST_F(dev, info_counters_advance)
{
	struct smtj_info a, b;
	uint16_t buf[256];

	ASSERT_EQ(0, smtj_set_sim(self->fd, &self->cfg));
	ASSERT_EQ(0, smtj_get_info(self->fd, &a));
	ASSERT_EQ(256, smtj_read_samples(self->fd, buf, 256, 5000));
	smtj_sleep_ms(20);
	ASSERT_EQ(0, smtj_get_info(self->fd, &b));
	EXPECT_LT(a.produced, b.produced);
	EXPECT_LE(a.delivered + 256, b.delivered);
	EXPECT_LE(b.delivered, b.produced);
	EXPECT_EQ(0, b.lost);
}

/*
 * Versioned structures (linux/smtj.h): below the version-1 size -EINVAL,
 * above 4096 -E2BIG; a GET into a larger structure (a newer caller) writes
 * the kernel's structure, says how much in size and leaves the tail alone.
 */
TEST_F(dev, info_size)
{
	struct {
		struct smtj_info info;
		uint8_t tail[64];
	} big;
	unsigned int i;

	memset(&big, 0, sizeof(big));
	big.info.size = sizeof(big.info) - 1;
	EXPECT_EQ(-EINVAL, smtj_ioctl(self->fd, SMTJ_IOC_GET_INFO, &big));
	big.info.size = 0;
	EXPECT_EQ(-EINVAL, smtj_ioctl(self->fd, SMTJ_IOC_GET_INFO, &big));
	big.info.size = 4097;
	EXPECT_EQ(-E2BIG, smtj_ioctl(self->fd, SMTJ_IOC_GET_INFO, &big));
	big.info.size = sizeof(big.info);
	EXPECT_EQ(0, smtj_ioctl(self->fd, SMTJ_IOC_GET_INFO, &big));
	EXPECT_EQ(sizeof(big.info), big.info.size);

	memset(&big, 0xa5, sizeof(big));
	big.info.size = sizeof(big);
	EXPECT_EQ(0, smtj_ioctl(self->fd, SMTJ_IOC_GET_INFO, &big));
	EXPECT_EQ(sizeof(big.info), big.info.size);
	EXPECT_EQ(SMTJ_ABI_VERSION, big.info.abi_version);
	for (i = 0; i < sizeof(big.tail); i++)
		EXPECT_EQ(0xa5, big.tail[i]);
}

/* One value per meaning: the info flags report the simulator's modes. */
TEST_F(dev, flag_bits_shared)
{
	struct smtj_sim_config cfg = self->cfg;
	struct smtj_info info;

	_Static_assert(SMTJ_INFO_F_PATTERN == SMTJ_SIM_F_PATTERN, "PATTERN");
	_Static_assert(SMTJ_INFO_F_UNTHROTTLED == SMTJ_SIM_F_UNTHROTTLED,
		       "UNTHROTTLED");
	_Static_assert(!(SMTJ_INFO_F_MAPPED & SMTJ_SIM_F_ALL), "MAPPED");
	cfg.flags = SMTJ_SIM_F_PATTERN;
	ASSERT_EQ(0, smtj_set_sim(self->fd, &cfg));
	ASSERT_EQ(0, smtj_get_info(self->fd, &info));
	EXPECT_EQ(SMTJ_SIM_F_PATTERN, info.flags);
	cfg.flags = SMTJ_SIM_F_UNTHROTTLED;
	ASSERT_EQ(0, smtj_set_sim(self->fd, &cfg));
	ASSERT_EQ(0, smtj_get_info(self->fd, &info));
	EXPECT_EQ(SMTJ_SIM_F_UNTHROTTLED, info.flags);
	ASSERT_EQ(0, smtj_set_sim(self->fd, &self->cfg));
}

/* Fault injection is debugfs only: no sysfs attribute, no stable ABI. */
TEST_F(dev, fault_not_in_sysfs)
{
	char path[128];

	snprintf(path, sizeof(path), SMTJ_SYSFS_CLASS "/smtj0/device/fault");
	EXPECT_EQ(-1, access(path, F_OK));
	EXPECT_EQ(ENOENT, errno);
	EXPECT_EQ(0, access(SMTJ_DEBUGFS "/smtj0/fault", W_OK))
		TH_LOG("%s: %s", SMTJ_DEBUGFS "/smtj0/fault", strerror(errno));
}

TEST_F(dev, unknown_ioctl)
{
	char buf[256] = { 0 };

	EXPECT_EQ(-ENOTTY, smtj_ioctl(self->fd, _IO(SMTJ_IOC_MAGIC, 0x7f), buf));
	EXPECT_EQ(-ENOTTY, smtj_ioctl(self->fd,
				      _IOWR(SMTJ_IOC_MAGIC, 0x05, struct smtj_info), buf));
	EXPECT_EQ(-ENOTTY, smtj_ioctl(self->fd, _IO('x', 0x00), buf));
}

TEST_F(dev, get_sim_roundtrip)
{
	struct smtj_sim_config got, def;

	smtj_model_default_config(&def);
	memset(&got, 0, sizeof(got));
	got.size = sizeof(got);
	/* the fixture set the defaults */
	ASSERT_EQ(0, smtj_ioctl(self->fd, SMTJ_IOC_GET_SIM, &got));
	EXPECT_EQ(0, memcmp(&def, &got, sizeof(got)));

	self->cfg.nr_junctions = 3;
	self->cfg.adc_bits = 12;
	for (int j = 0; j < 3; j++) {
		self->cfg.p_leave[j][0] = 1000 + j;
		self->cfg.p_leave[j][1] = 2000 + j;
	}
	for (int s = 0; s < 8; s++)
		self->cfg.level[s] = 100 * s + 7;
	self->cfg.seed = 0x1234567890abcdefULL;
	self->cfg.noise_sigma = 777;
	self->cfg.scale_fv = 123456789;
	self->cfg.rate_hz = 4321;
	self->cfg.flags = SMTJ_SIM_F_UNTHROTTLED;
	ASSERT_EQ(0, smtj_set_sim(self->fd, &self->cfg));
	memset(&got, 0, sizeof(got));
	got.size = sizeof(got);
	ASSERT_EQ(0, smtj_ioctl(self->fd, SMTJ_IOC_GET_SIM, &got));
	EXPECT_EQ(0, memcmp(&self->cfg, &got, sizeof(got)));

	struct smtj_info info;

	ASSERT_EQ(0, smtj_get_info(self->fd, &info));
	EXPECT_EQ(12, info.sample_bits);
	EXPECT_EQ(123456789, info.scale_fv);
	EXPECT_EQ(4321, info.rate_hz);
	EXPECT_EQ(SMTJ_INFO_F_UNTHROTTLED,
		  info.flags & (SMTJ_INFO_F_UNTHROTTLED | SMTJ_INFO_F_PATTERN));
	self->cfg.flags = SMTJ_SIM_F_PATTERN;
	ASSERT_EQ(0, smtj_set_sim(self->fd, &self->cfg));
	ASSERT_EQ(0, smtj_get_info(self->fd, &info));
	EXPECT_EQ(SMTJ_INFO_F_PATTERN,
		  info.flags & (SMTJ_INFO_F_UNTHROTTLED | SMTJ_INFO_F_PATTERN));
	/* leave the device as it was */
	ASSERT_EQ(0, smtj_set_sim(self->fd, &def));
}

/*
 * One configuration field at a time: @mutate changes the valid base
 * configuration, @expect is the SET_SIM result.  The result must also
 * agree with the library's smtj_model_validate().
 */
static void try_sim(struct __test_metadata *_metadata, int fd,
		    void (*mutate)(struct smtj_sim_config *, uint64_t),
		    uint64_t v, int expect, const char *what)
{
	struct smtj_sim_config cfg;

	smtj_cfg(&cfg, 0, 100000, 7);
	mutate(&cfg, v);
	EXPECT_EQ(expect, smtj_model_validate(&cfg))
		TH_LOG("model: %s = %llu", what, (unsigned long long)v);
	EXPECT_EQ(expect, smtj_set_sim(fd, &cfg))
		TH_LOG("SET_SIM: %s = %llu", what, (unsigned long long)v);
}

static void m_flags(struct smtj_sim_config *c, uint64_t v) { c->flags = (uint32_t)v; }
static void m_rate(struct smtj_sim_config *c, uint64_t v) { c->rate_hz = (uint32_t)v; }
static void m_sigma(struct smtj_sim_config *c, uint64_t v) { c->noise_sigma = (uint32_t)v; }
static void m_scale(struct smtj_sim_config *c, uint64_t v) { c->scale_fv = v; }
static void m_p00(struct smtj_sim_config *c, uint64_t v) { c->p_leave[0][0] = (uint32_t)v; }
static void m_p01(struct smtj_sim_config *c, uint64_t v) { c->p_leave[0][1] = (uint32_t)v; }
static void m_p10(struct smtj_sim_config *c, uint64_t v) { c->p_leave[1][0] = (uint32_t)v; }
static void m_p71(struct smtj_sim_config *c, uint64_t v) { c->p_leave[7][1] = (uint32_t)v; }
static void m_lev1(struct smtj_sim_config *c, uint64_t v) { c->level[1] = (uint16_t)v; }
static void m_lev2(struct smtj_sim_config *c, uint64_t v) { c->level[2] = (uint16_t)v; }
static void m_lev255(struct smtj_sim_config *c, uint64_t v) { c->level[255] = (uint16_t)v; }
static void m_res0(struct smtj_sim_config *c, uint64_t v) { c->reserved[0] = v; }
static void m_res3(struct smtj_sim_config *c, uint64_t v) { c->reserved[3] = v; }

static void m_junctions(struct smtj_sim_config *c, uint64_t v)
{
	c->nr_junctions = (uint32_t)v;
	if (v >= 1 && v <= SMTJ_SIM_MAX_JUNCTIONS) {
		for (uint32_t j = 0; j < v; j++)
			c->p_leave[j][0] = c->p_leave[j][1] = 50000000;
		for (uint32_t s = 0; s < (1U << v); s++)
			c->level[s] = (uint16_t)(100 + s);
	}
}

static void m_bits(struct smtj_sim_config *c, uint64_t v)
{
	c->adc_bits = (uint32_t)v;
	c->level[0] = 0;
	c->level[1] = 1;
}

/* adc_bits = v, level[1] at the top code of v bits (+@over) */
static void m_top(struct smtj_sim_config *c, uint64_t v, int over)
{
	c->adc_bits = (uint32_t)v;
	c->level[1] = (uint16_t)(((1U << v) - 1) + (uint32_t)over);
}
static void m_top8(struct smtj_sim_config *c, uint64_t v) { (void)v; m_top(c, 8, 0); }
static void m_top8p(struct smtj_sim_config *c, uint64_t v) { (void)v; m_top(c, 8, 1); }
static void m_top15(struct smtj_sim_config *c, uint64_t v) { (void)v; m_top(c, 15, 0); }
static void m_top15p(struct smtj_sim_config *c, uint64_t v) { (void)v; m_top(c, 15, 1); }
static void m_top16(struct smtj_sim_config *c, uint64_t v) { (void)v; m_top(c, 16, 0); }

TEST_F(dev, set_sim_edges)
{
	const uint32_t P1 = SMTJ_SIM_PROB_ONE;
	struct smtj_sim_config def;

	try_sim(_metadata, self->fd, m_flags, 0, 0, "flags");
	try_sim(_metadata, self->fd, m_flags, SMTJ_SIM_F_ALL, 0, "flags");
	try_sim(_metadata, self->fd, m_flags, SMTJ_SIM_F_ALL + 1, -EINVAL, "flags");
	try_sim(_metadata, self->fd, m_flags, 1U << 31, -EINVAL, "flags");

	try_sim(_metadata, self->fd, m_rate, SMTJ_SIM_RATE_MIN, 0, "rate_hz");
	try_sim(_metadata, self->fd, m_rate, SMTJ_SIM_RATE_MAX, 0, "rate_hz");
	try_sim(_metadata, self->fd, m_rate, SMTJ_SIM_RATE_MIN - 1, -EINVAL, "rate_hz");
	try_sim(_metadata, self->fd, m_rate, SMTJ_SIM_RATE_MAX + 1, -EINVAL, "rate_hz");

	try_sim(_metadata, self->fd, m_junctions, 1, 0, "nr_junctions");
	try_sim(_metadata, self->fd, m_junctions, SMTJ_SIM_MAX_JUNCTIONS, 0, "nr_junctions");
	try_sim(_metadata, self->fd, m_junctions, 0, -EINVAL, "nr_junctions");
	try_sim(_metadata, self->fd, m_junctions, SMTJ_SIM_MAX_JUNCTIONS + 1, -EINVAL,
		"nr_junctions");

	try_sim(_metadata, self->fd, m_bits, 8, 0, "adc_bits");
	try_sim(_metadata, self->fd, m_bits, 16, 0, "adc_bits");
	try_sim(_metadata, self->fd, m_bits, 7, -EINVAL, "adc_bits");
	try_sim(_metadata, self->fd, m_bits, 17, -EINVAL, "adc_bits");
	try_sim(_metadata, self->fd, m_bits, 0, -EINVAL, "adc_bits");

	try_sim(_metadata, self->fd, m_sigma, 0, 0, "noise_sigma");
	try_sim(_metadata, self->fd, m_sigma, SMTJ_SIM_SIGMA_MAX, 0, "noise_sigma");
	try_sim(_metadata, self->fd, m_sigma, SMTJ_SIM_SIGMA_MAX + 1, -EINVAL, "noise_sigma");

	try_sim(_metadata, self->fd, m_scale, 1, 0, "scale_fv");
	try_sim(_metadata, self->fd, m_scale, UINT64_MAX, 0, "scale_fv");
	try_sim(_metadata, self->fd, m_scale, 0, -EINVAL, "scale_fv");

	try_sim(_metadata, self->fd, m_p00, 0, 0, "p_leave[0][0]");
	try_sim(_metadata, self->fd, m_p00, P1, 0, "p_leave[0][0]");
	try_sim(_metadata, self->fd, m_p00, P1 + 1, -EINVAL, "p_leave[0][0]");
	try_sim(_metadata, self->fd, m_p01, P1, 0, "p_leave[0][1]");
	try_sim(_metadata, self->fd, m_p01, P1 + 1, -EINVAL, "p_leave[0][1]");
	try_sim(_metadata, self->fd, m_p01, UINT32_MAX, -EINVAL, "p_leave[0][1]");
	/* entries beyond nr_junctions (1) must be zero */
	try_sim(_metadata, self->fd, m_p10, 1, -EINVAL, "p_leave[1][0]");
	try_sim(_metadata, self->fd, m_p71, 1, -EINVAL, "p_leave[7][1]");
	try_sim(_metadata, self->fd, m_lev2, 1, -EINVAL, "level[2]");
	try_sim(_metadata, self->fd, m_lev255, 1, -EINVAL, "level[255]");

	/* levels < 2^adc_bits */
	try_sim(_metadata, self->fd, m_top8, 0, 0, "level[1] = 255, 8 bits");
	try_sim(_metadata, self->fd, m_top8p, 0, -EINVAL, "level[1] = 256, 8 bits");
	try_sim(_metadata, self->fd, m_top15, 0, 0, "level[1] = 32767, 15 bits");
	try_sim(_metadata, self->fd, m_top15p, 0, -EINVAL, "level[1] = 32768, 15 bits");
	try_sim(_metadata, self->fd, m_top16, 0, 0, "level[1] = 65535, 16 bits");
	try_sim(_metadata, self->fd, m_lev1, 1U << 14, -EINVAL, "level[1] = 2^14, 14 bits");
	try_sim(_metadata, self->fd, m_lev1, (1U << 14) - 1, 0, "level[1] = 2^14-1, 14 bits");

	try_sim(_metadata, self->fd, m_res0, 1, -EINVAL, "reserved[0]");
	try_sim(_metadata, self->fd, m_res3, 1ULL << 63, -EINVAL, "reserved[3]");

	smtj_model_default_config(&def);
	ASSERT_EQ(0, smtj_set_sim(self->fd, &def));
}

TEST_F(dev, set_sim_size)
{
	struct smtj_sim_config cfg = self->cfg;

	cfg.size = sizeof(cfg) - 1;
	EXPECT_EQ(-EINVAL, smtj_set_sim(self->fd, &cfg));
	cfg.size = 0;
	EXPECT_EQ(-EINVAL, smtj_set_sim(self->fd, &cfg));
	cfg.size = sizeof(cfg);
	EXPECT_EQ(0, smtj_set_sim(self->fd, &cfg));

	/* a newer, larger structure: a zero tail is fine, a set one is not */
	struct {
		struct smtj_sim_config cfg;
		uint8_t tail[64];
	} big;

	memset(&big, 0, sizeof(big));
	big.cfg = self->cfg;
	big.cfg.size = sizeof(big);
	EXPECT_EQ(0, smtj_set_sim(self->fd, &big.cfg));
	big.tail[63] = 1;
	EXPECT_EQ(-E2BIG, smtj_set_sim(self->fd, &big.cfg));
	big.tail[63] = 0;
	big.tail[0] = 0x80;
	EXPECT_EQ(-E2BIG, smtj_set_sim(self->fd, &big.cfg));
	big.cfg.size = 4097;
	EXPECT_EQ(-E2BIG, smtj_set_sim(self->fd, &big.cfg));

	memset(&big, 0xa5, sizeof(big));
	big.cfg.size = sizeof(big.cfg) - 8;
	EXPECT_EQ(-EINVAL, smtj_ioctl(self->fd, SMTJ_IOC_GET_SIM, &big));
	big.cfg.size = sizeof(big);
	EXPECT_EQ(0, smtj_ioctl(self->fd, SMTJ_IOC_GET_SIM, &big));
	EXPECT_EQ(sizeof(big.cfg), big.cfg.size);
	EXPECT_EQ(self->cfg.seed, big.cfg.seed);
	EXPECT_EQ(0xa5, big.tail[0]);
}

TEST_F(dev, set_sim_exclusive)
{
	int other = smtj_open(0, O_RDONLY);

	ASSERT_LE(0, other);
	EXPECT_EQ(-EBUSY, smtj_set_sim(self->fd, &self->cfg));
	EXPECT_EQ(-EBUSY, smtj_set_sim(other, &self->cfg));
	close(other);
	EXPECT_EQ(0, smtj_set_sim(self->fd, &self->cfg));

	/* another device's files do not count */
	other = smtj_open(1, O_RDONLY);
	ASSERT_LE(0, other);
	EXPECT_EQ(0, smtj_set_sim(self->fd, &self->cfg));
	close(other);
}

TEST_F(dev, consumer_edges)
{
	long page = sysconf(_SC_PAGESIZE);
	struct smtj_consumer c;
	struct smtj_info info;

	ASSERT_EQ(0, smtj_get_consumer(self->fd, &c));
	EXPECT_EQ(sizeof(c), c.size);
	EXPECT_EQ(65536, c.ring_samples);
	EXPECT_LE(1, c.watermark);
	EXPECT_GE(c.ring_samples, c.watermark);

	EXPECT_EQ(0, smtj_set_consumer(self->fd, SMTJ_RING_MIN, 1));
	EXPECT_EQ(0, smtj_set_consumer(self->fd, SMTJ_RING_MIN, SMTJ_RING_MIN));
	ASSERT_EQ(0, smtj_get_consumer(self->fd, &c));
	EXPECT_EQ(SMTJ_RING_MIN, c.ring_samples);
	EXPECT_EQ(SMTJ_RING_MIN, c.watermark);
	ASSERT_EQ(0, smtj_get_info(self->fd, &info));
	EXPECT_EQ(SMTJ_RING_MIN, info.ring_samples);
	/* ring_samples * 2 bytes, rounded up to pages */
	EXPECT_EQ((SMTJ_RING_MIN * 2 + page - 1) / page * page, info.ring_data_size);
	EXPECT_EQ(-EINVAL, smtj_set_consumer(self->fd, SMTJ_RING_MIN, SMTJ_RING_MIN + 1));
	EXPECT_EQ(-EINVAL, smtj_set_consumer(self->fd, SMTJ_RING_MIN, 0));
	EXPECT_EQ(-EINVAL, smtj_set_consumer(self->fd, SMTJ_RING_MIN / 2, 1));
	EXPECT_EQ(-EINVAL, smtj_set_consumer(self->fd, SMTJ_RING_MIN + 1, 1));
	EXPECT_EQ(-EINVAL, smtj_set_consumer(self->fd, 3 * SMTJ_RING_MIN, 1));
	EXPECT_EQ(-EINVAL, smtj_set_consumer(self->fd, 0, 1));
	EXPECT_EQ(-EINVAL, smtj_set_consumer(self->fd, SMTJ_RING_MAX * 2, 1));
	EXPECT_EQ(0, smtj_set_consumer(self->fd, SMTJ_RING_MAX, SMTJ_RING_MAX));
	ASSERT_EQ(0, smtj_get_info(self->fd, &info));
	EXPECT_EQ(SMTJ_RING_MAX, info.ring_samples);

	memset(&c, 0, sizeof(c));
	c.size = sizeof(c);
	c.ring_samples = 4096;
	c.watermark = 1;
	c.flags = 1;
	EXPECT_EQ(-EINVAL, smtj_ioctl(self->fd, SMTJ_IOC_SET_CONSUMER, &c));
	c.flags = 0;
	c.reserved[1] = 1;
	EXPECT_EQ(-EINVAL, smtj_ioctl(self->fd, SMTJ_IOC_SET_CONSUMER, &c));
	c.reserved[1] = 0;
	c.size = sizeof(c) - 1;
	EXPECT_EQ(-EINVAL, smtj_ioctl(self->fd, SMTJ_IOC_SET_CONSUMER, &c));
	c.size = sizeof(c);
	EXPECT_EQ(0, smtj_ioctl(self->fd, SMTJ_IOC_SET_CONSUMER, &c));
	ASSERT_EQ(0, smtj_get_consumer(self->fd, &c));
	EXPECT_EQ(4096, c.ring_samples);
	EXPECT_EQ(1, c.watermark);

	struct {
		struct smtj_consumer c;
		uint8_t tail[8];
	} big;

	memset(&big, 0, sizeof(big));
	big.c.size = sizeof(big);
	big.c.ring_samples = 8192;
	big.c.watermark = 2;
	EXPECT_EQ(0, smtj_ioctl(self->fd, SMTJ_IOC_SET_CONSUMER, &big));
	big.tail[7] = 1;
	big.c.watermark = 3;
	EXPECT_EQ(-E2BIG, smtj_ioctl(self->fd, SMTJ_IOC_SET_CONSUMER, &big));
	memset(&big, 0xa5, sizeof(big));
	big.c.size = sizeof(big);
	EXPECT_EQ(0, smtj_ioctl(self->fd, SMTJ_IOC_GET_CONSUMER, &big));
	EXPECT_EQ(sizeof(big.c), big.c.size);
	EXPECT_EQ(8192, big.c.ring_samples);
	EXPECT_EQ(2, big.c.watermark);
	EXPECT_EQ(0, big.c.flags);
	EXPECT_EQ(0xa5, big.tail[0]);
}

TEST_F(dev, sysfs_attributes)
{
	static const char *const attrs[] = {
		"backend", "sample_rate", "sample_bits", "scale", "produced",
		"delivered", "lost", "consumers", "default_ring_samples",
		"ring_bytes",
	};
	struct smtj_sim_config def;
	char buf[128];
	unsigned int i;

	for (i = 0; i < sizeof(attrs) / sizeof(attrs[0]); i++) {
		int r = smtj_sysfs_read(0, attrs[i], buf, sizeof(buf));

		EXPECT_EQ(0, r) TH_LOG("attribute %u (%s)", i, attrs[i] ?: "?");
	}
	smtj_model_default_config(&def);
	ASSERT_EQ(0, smtj_sysfs_read(0, "backend", buf, sizeof(buf)));
	EXPECT_NE(NULL, strstr(buf, "sim")) TH_LOG("backend: '%s'", buf);
	EXPECT_EQ(def.rate_hz, smtj_sysfs_u64(0, "sample_rate"));
	EXPECT_EQ(def.adc_bits, smtj_sysfs_u64(0, "sample_bits"));
	EXPECT_EQ(65536, smtj_sysfs_u64(0, "default_ring_samples"));
	EXPECT_EQ(1, smtj_sysfs_u64(0, "consumers"));

	int other = smtj_open(0, O_RDONLY);

	ASSERT_LE(0, other);
	EXPECT_EQ(2, smtj_sysfs_u64(0, "consumers"));
	close(other);
	EXPECT_EQ(1, smtj_sysfs_u64(0, "consumers"));
	EXPECT_EQ(0, smtj_sysfs_u64(1, "consumers"));
	/* counters: produced grows (200 kHz), delivered and lost within it */
	uint64_t p0 = smtj_sysfs_u64(0, "produced"), p1;

	/* 20 ms are 4000 samples; a loaded TCG guest may take longer */
	for (int i = 0; i < 50 && (p1 = smtj_sysfs_u64(0, "produced")) == p0; i++)
		smtj_sleep_ms(20);
	EXPECT_NE(UINT64_MAX, p1);
	EXPECT_LT(p0, p1);
	EXPECT_GE(p1, smtj_sysfs_u64(0, "delivered"));
	EXPECT_GE(p1, smtj_sysfs_u64(0, "lost"));

	/* scale: volts per LSB with 15 decimals, i.e. scale_fv with a point */
	char *dot;
	unsigned long long whole, frac;

	ASSERT_EQ(0, smtj_sysfs_read(0, "scale", buf, sizeof(buf)));
	dot = strchr(buf, '.');
	ASSERT_NE(NULL, dot) TH_LOG("scale: '%s'", buf);
	EXPECT_EQ(15, strlen(dot + 1)) TH_LOG("scale: '%s'", buf);
	ASSERT_EQ(2, sscanf(buf, "%llu.%llu", &whole, &frac));
	EXPECT_EQ(def.scale_fv, whole * 1000000000000000ULL + frac) TH_LOG("scale: '%s'", buf);
}

/* Pointers the kernel cannot use: -EFAULT, never a crash. */
TEST_F(dev, bad_pointers)
{
	void *bad = (void *)8;	/* unmapped page */
	uint16_t buf[64];

	EXPECT_EQ(-EFAULT, smtj_ioctl(self->fd, SMTJ_IOC_GET_INFO, NULL));
	EXPECT_EQ(-EFAULT, smtj_ioctl(self->fd, SMTJ_IOC_GET_INFO, bad));
	EXPECT_EQ(-EFAULT, smtj_ioctl(self->fd, SMTJ_IOC_GET_SIM, bad));
	EXPECT_EQ(-EFAULT, smtj_ioctl(self->fd, SMTJ_IOC_SET_SIM, bad));
	EXPECT_EQ(-EFAULT, smtj_ioctl(self->fd, SMTJ_IOC_GET_CONSUMER, bad));
	EXPECT_EQ(-EFAULT, smtj_ioctl(self->fd, SMTJ_IOC_SET_CONSUMER, bad));

	/* read() into nowhere, once samples are there */
	ASSERT_EQ(8, smtj_read_samples(self->fd, buf, 8, 5000));
	smtj_sleep_ms(10);
	errno = 0;
	EXPECT_EQ(-1, syscall(SYS_read, self->fd, bad, 64));
	EXPECT_EQ(EFAULT, errno);
	errno = 0;
	EXPECT_EQ(-1, syscall(SYS_read, self->fd, NULL, 64));
	EXPECT_EQ(EFAULT, errno);
	/* the file is still fine */
	EXPECT_EQ(8, smtj_read_samples(self->fd, buf, 8, 5000));
}

/*
 * A file's lost count belongs to its ring (linux/smtj.h): a new ring from
 * SET_CONSUMER and a restart from SET_SIM start it at 0, with consumed 0.
 * The old ring is made to lose first; a new 2048-sample ring at 5 kHz
 * cannot lose anything for 409.6 ms, so a GET_INFO within 400 ms of the
 * change must see lost 0 (a loaded host may take longer: then try again,
 * up to 5 times).
 */
static void lost_starts_at_zero(struct __test_metadata *_metadata, int fd,
				int by_sim)
{
	struct smtj_sim_config cfg;
	struct smtj_info info;
	int tries;

	smtj_cfg(&cfg, SMTJ_SIM_F_PATTERN, 5000, 9);
	for (tries = 0; tries < 5; tries++) {
		uint64_t t0, end = smtj_now_ns() + 5000000000ULL;

		ASSERT_EQ(0, smtj_set_consumer(fd, 1024, 1));
		ASSERT_EQ(0, smtj_set_sim(fd, &cfg));
		do {	/* 1024 samples at 5 kHz: about 205 ms, then losses */
			smtj_sleep_ms(20);
			ASSERT_EQ(0, smtj_get_info(fd, &info));
		} while (!info.lost && smtj_now_ns() < end);
		ASSERT_LT(0, info.lost);
		if (by_sim) {
			ASSERT_EQ(0, smtj_set_consumer(fd, 2048, 1));
			smtj_sleep_ms(450);	/* the 2048 ring loses too */
			ASSERT_EQ(0, smtj_get_info(fd, &info));
			ASSERT_LT(0, info.lost);
		}
		t0 = smtj_now_ns();
		ASSERT_EQ(0, by_sim ? smtj_set_sim(fd, &cfg) :
			     smtj_set_consumer(fd, 2048, 1));
		ASSERT_EQ(0, smtj_get_info(fd, &info));
		if (smtj_now_ns() - t0 < 400000000ULL)
			break;
	}
	ASSERT_GT(5, tries) TH_LOG("never within 400 ms of the change");
	EXPECT_EQ(2048, info.ring_samples);
	EXPECT_EQ(0, info.lost);
	EXPECT_EQ(0, info.consumed);
}

TEST_F(dev, lost_restarts_with_a_new_ring)
{
	lost_starts_at_zero(_metadata, self->fd, 0);
}

TEST_F(dev, lost_restarts_with_the_stream)
{
	lost_starts_at_zero(_metadata, self->fd, 1);
}

SMTJ_TEST_MAIN
