// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The ABI from a 32-bit process (x86_64 VM: built with gcc -m32, run under
 * the kernel's IA32 emulation, which reaches the driver's compat_ioctl):
 * every structure has the 64-bit layout, and every ioctl, read() and the
 * mmap ring work as they do for a 64-bit caller.  Where the VM's
 * architecture has no 32-bit compiler here the program is built natively
 * and skips, saying so.
 */
#include <stddef.h>

#include "smtj_test.h"

/* The version-1 layout, identical for ILP32 and LP64. */
_Static_assert(sizeof(struct smtj_info) == 112, "smtj_info size");
_Static_assert(offsetof(struct smtj_info, scale_fv) == 32, "scale_fv");
_Static_assert(offsetof(struct smtj_info, rate_hz) == 40, "rate_hz");
_Static_assert(offsetof(struct smtj_info, produced) == 56, "produced");
_Static_assert(offsetof(struct smtj_info, consumed) == 80, "consumed");
_Static_assert(offsetof(struct smtj_info, reserved) == 88, "info reserved");
_Static_assert(sizeof(struct smtj_sim_config) == 648, "smtj_sim_config size");
_Static_assert(offsetof(struct smtj_sim_config, seed) == 8, "seed");
_Static_assert(offsetof(struct smtj_sim_config, p_leave) == 32, "p_leave");
_Static_assert(offsetof(struct smtj_sim_config, level) == 96, "level");
_Static_assert(offsetof(struct smtj_sim_config, scale_fv) == 608, "sim scale_fv");
_Static_assert(sizeof(struct smtj_consumer) == 32, "smtj_consumer size");
_Static_assert(offsetof(struct smtj_consumer, reserved) == 16, "consumer reserved");
_Static_assert(sizeof(struct smtj_ring_header) == 192, "ring header size");
_Static_assert(offsetof(struct smtj_ring_header, producer) == 64, "producer");
_Static_assert(offsetof(struct smtj_ring_header, seq) == 96, "seq");
_Static_assert(offsetof(struct smtj_ring_header, consumer) == 128, "consumer");

#define NEED_32BIT()							\
	do {								\
		if (sizeof(long) != 4)					\
			SKIP(return, "built %zu-bit: no 32-bit compiler for this VM architecture", \
			     sizeof(long) * 8);				\
	} while (0)

FIXTURE(c32) {
	int fd;
};

FIXTURE_SETUP(c32)
{
	ASSERT_EQ(0, smtj_module_ensure());
	self->fd = smtj_open(0, O_RDWR);
	ASSERT_LE(0, self->fd) TH_LOG("open /dev/smtj0: %s", strerror(errno));
}

FIXTURE_TEARDOWN(c32)
{
	if (self->fd >= 0)
		close(self->fd);
}

TEST_F(c32, info)
{
	struct smtj_info info;

	NEED_32BIT();
	/* until the producer has run: 20 ms was too short for a debug kernel */
	for (int ms = 0;; ms += 20) {
		ASSERT_EQ(0, smtj_get_info(self->fd, &info));
		if (info.produced || ms >= 10000)
			break;
		smtj_sleep_ms(20);
	}
	EXPECT_EQ(sizeof(info), info.size);
	EXPECT_EQ(SMTJ_ABI_VERSION, info.abi_version);
	EXPECT_EQ(SMTJ_BACKEND_SIM, info.backend);
	EXPECT_EQ(16, info.sample_storage_bits);
	EXPECT_EQ(65536, info.ring_samples);
	EXPECT_LT(0, info.scale_fv);
	EXPECT_LT(0, info.produced);
	EXPECT_LE(info.delivered, info.produced);
	EXPECT_EQ(0, info.reserved[2]);
}

/* 64-bit fields through the compat path: the seed and scale survive. */
TEST_F(c32, sim_round_trip)
{
	struct smtj_sim_config cfg, got;

	NEED_32BIT();
	smtj_cfg(&cfg, SMTJ_SIM_F_PATTERN, 100000, 0x123456789abcdef1ULL);
	cfg.scale_fv = 0xfedcba987654ULL;
	ASSERT_EQ(0, smtj_set_sim(self->fd, &cfg));
	memset(&got, 0, sizeof(got));
	got.size = sizeof(got);
	ASSERT_EQ(0, smtj_ioctl(self->fd, SMTJ_IOC_GET_SIM, &got));
	EXPECT_EQ(0, memcmp(&cfg, &got, sizeof(cfg)));
	cfg.reserved[3] = 1;
	EXPECT_EQ(-EINVAL, smtj_set_sim(self->fd, &cfg));
	smtj_model_default_config(&cfg);
	ASSERT_EQ(0, smtj_set_sim(self->fd, &cfg));
}

TEST_F(c32, consumer_and_read)
{
	struct smtj_sim_config cfg;
	struct smtj_consumer c;
	uint16_t buf[4096];
	unsigned int i;

	NEED_32BIT();
	ASSERT_EQ(0, smtj_set_consumer(self->fd, 8192, 100));
	ASSERT_EQ(0, smtj_get_consumer(self->fd, &c));
	EXPECT_EQ(8192, c.ring_samples);
	EXPECT_EQ(100, c.watermark);
	c.reserved[1] = 1;
	c.size = sizeof(c);
	EXPECT_EQ(-EINVAL, smtj_ioctl(self->fd, SMTJ_IOC_SET_CONSUMER, &c));
	smtj_cfg(&cfg, SMTJ_SIM_F_PATTERN, 200000, 1);
	ASSERT_EQ(0, smtj_set_sim(self->fd, &cfg));
	ASSERT_EQ(4096, smtj_read_samples(self->fd, buf, 4096, 5000));
	for (i = 1; i < 4096; i++)
		ASSERT_EQ((uint16_t)(buf[i - 1] + 1), buf[i]) TH_LOG("sample %u", i);
	smtj_model_default_config(&cfg);
	ASSERT_EQ(0, smtj_set_sim(self->fd, &cfg));
}

/* The ring mapped into a 32-bit address space: header fields and samples. */
TEST_F(c32, ring)
{
	struct smtj_sim_config cfg;
	struct smtj_info info;
	struct smtj_map m = { 0 };
	struct smtj_snap s;
	uint64_t deadline;

	NEED_32BIT();
	ASSERT_EQ(0, smtj_set_consumer(self->fd, 65536, 1));
	smtj_cfg(&cfg, SMTJ_SIM_F_PATTERN, 100000, 2);
	ASSERT_EQ(0, smtj_set_sim(self->fd, &cfg));
	ASSERT_EQ(0, smtj_get_info(self->fd, &info));
	ASSERT_EQ(0, smtj_map_ring(self->fd, &info, &m));
	EXPECT_EQ(SMTJ_RING_MAGIC, m.hdr->magic);
	EXPECT_EQ(SMTJ_RING_VERSION, m.hdr->version);
	EXPECT_EQ(sizeof(struct smtj_ring_header), m.hdr->header_size);
	/* 1000 samples take 10 ms at this rate; wait for them, not a time. */
	deadline = smtj_now_ns() + 5000000000ull;
	do {
		smtj_sleep_ms(10);
		smtj_ring_snap(&m, &s);
	} while (s.producer <= 1000 && smtj_now_ns() < deadline);
	ASSERT_LT(1000, s.producer);
	EXPECT_EQ(s.producer - 1, s.newest_index);
	EXPECT_EQ((uint16_t)s.newest_index, m.data[(s.producer - 1) & 65535]);
	EXPECT_EQ(0, s.lost);
	smtj_ring_consume(&m, s.producer);
	smtj_unmap_ring(&m);
	smtj_model_default_config(&cfg);
	ASSERT_EQ(0, smtj_set_sim(self->fd, &cfg));
}

SMTJ_TEST_MAIN
