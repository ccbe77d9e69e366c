// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The hwrng pipeline on a simulated device (Documentation/driver-api/
 * smtj-hwrng.rst), with the test-only module parameter
 * test_only_sim_hwrng=1: never registered with hw_random (simulation is
 * never entropy), its conditioned bytes come from debugfs
 * smtj/smtjN-hwrng through the same read path /dev/hwrng uses for a
 * physical device; quality 0 that cannot be raised; the extractor in the
 * kernel gives byte for byte what the same code gives in userspace on the
 * same model stream, every injected fault stops the output within its
 * stated bound and clearing it recovers, and unbinding the device while a
 * reader waits neither hangs nor crashes.  smtj_iio_test reads /dev/hwrng
 * of a physical (test ADC) device.
 *
 * Runs with sim_devices=2 test_only_sim_hwrng=1: smtj0 is the device
 * under test.
 */
#include <math.h>
#include <signal.h>
#include <sys/wait.h>

#include "smtj_test.h"

/*
 * The extractor of common/, linked in from the very files smtj.ko is built
 * from (like the host unit tests), for the byte-for-byte comparison.
 */
#include "smtj_extract.h"

#define HWRNG_SYSFS	"/sys/class/misc/hw_random"
#define SIM_HWRNG	"/sys/kernel/debug/smtj/smtj0-hwrng"
#define SIM0		"smtj-sim.0"
#define FAULT_FILE	SMTJ_DEBUGFS "/smtj0/fault"
#define FAULT_INDEX	SMTJ_DEBUGFS "/smtj0/fault_index"
#define RESET_FILE	SMTJ_SYSFS_CLASS "/smtj0/hwrng/reset"
#define QUALITY_FILE	SMTJ_SYSFS_CLASS "/smtj0/hwrng/quality"
#define MIN_ENTROPY	SMTJ_SYSFS_CLASS "/smtj0/hwrng/min_entropy"
/*
 * extractor_identical compares 4 KiB.  It used to compare 32 KiB, which
 * took up to 20 s of the harness's 30 s under TCG on a loaded host (arm64,
 * plus as much again for the userspace side) and once timed out.  The
 * comparison is there to catch any difference between the two builds of
 * one code, and 4 KiB at about 63 samples per output bit already run every
 * stage hundreds of times over: some 500 dwell blocks (each one a new
 * decimation factor), 160 Peres blocks per junction, 80 APT windows, four
 * turns of the 1 KiB output ring and the sink's flow control with the
 * unthrottled simulator waiting for room; the test asserts those counts
 * from the kernel's statistics, so a change that made 4 KiB exercise less
 * fails it.  More bytes would repeat the same paths, and a longer timeout
 * would only move the cliff (and /init kills a program after 120 s).
 */
#define IDENT_BYTES	(4 * 1024)
_Static_assert(IDENT_BYTES >= 4 * SMTJ_EXTRACT_OUT_BYTES,
	       "extractor_identical: four turns of the output ring");
/*
 * The test-only output hands out at most 64 bytes a read, as the
 * hw_random core asks a source for up to 64 bytes at a time.
 */
#define CORE_BYTES	64

static int hwrng_state(char *buf, size_t len)
{
	return smtj_sysfs_read(0, "hwrng/state", buf, len);
}

static int state_is(const char *want)
{
	char st[32];

	return !hwrng_state(st, sizeof(st)) && !strcmp(st, want);
}

static uint64_t hw_u64(const char *attr)
{
	char path[64];

	snprintf(path, sizeof(path), "hwrng/%s", attr);
	return smtj_sysfs_u64(0, path);
}

/* The hwrng's sink detaches after 200 ms unread: wait for no consumer. */
static int wait_detached(void)
{
	int i;

	for (i = 0; i < 300; i++) {
		if (smtj_sysfs_u64(0, "consumers") == 0)
			return 0;
		smtj_sleep_ms(10);
	}
	return -EBUSY;
}

/* Configure smtj0 (the hwrng must be detached). */
static int sim_config(struct smtj_sim_config *cfg)
{
	int fd, ret;

	ret = wait_detached();
	if (ret)
		return ret;
	fd = smtj_open(0, O_RDONLY);
	if (fd < 0)
		return -errno;
	ret = smtj_set_sim(fd, cfg);
	close(fd);
	return ret;
}

/* A child that reads /dev/hwrng until killed; bytes in shared memory. */
struct reader {
	pid_t pid;
	volatile uint64_t *bytes;
};

static int reader_start(struct reader *r)
{
	r->bytes = mmap(NULL, 4096, PROT_READ | PROT_WRITE,
			MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	if (r->bytes == MAP_FAILED)
		return -errno;
	*r->bytes = 0;
	r->pid = fork();
	if (r->pid < 0)
		return -errno;
	if (!r->pid) {
		unsigned char buf[64];
		int fd = open(SIM_HWRNG, O_RDONLY);

		if (fd < 0)
			_exit(1);
		for (;;) {
			ssize_t n = read(fd, buf, sizeof(buf));

			if (n > 0)
				__atomic_add_fetch(r->bytes, (uint64_t)n,
						   __ATOMIC_RELAXED);
			else
				smtj_sleep_ms(10);
		}
	}
	return 0;
}

static void reader_stop(struct reader *r)
{
	if (r->pid > 0) {
		kill(r->pid, SIGKILL);
		waitpid(r->pid, NULL, 0);
	}
	r->pid = 0;
	munmap((void *)r->bytes, 4096);
}

static uint64_t reader_bytes(const struct reader *r)
{
	return __atomic_load_n(r->bytes, __ATOMIC_RELAXED);
}

/* Wait up to @ms for the state @want and (if @bytes) reader bytes > @min. */
static int wait_for(const char *want, const struct reader *r, uint64_t min,
		    unsigned int ms)
{
	uint64_t end = smtj_now_ns() + ms * 1000000ULL;

	while (smtj_now_ns() < end) {
		if (state_is(want) && (!r || reader_bytes(r) > min))
			return 0;
		smtj_sleep_ms(5);
	}
	return -ETIMEDOUT;
}

/* Wait up to @ms for the state to be anything but ok. */
static int wait_not_ok(unsigned int ms)
{
	uint64_t end = smtj_now_ns() + ms * 1000000ULL;

	while (smtj_now_ns() < end) {
		if (!state_is("ok"))
			return 0;
		smtj_sleep_ms(2);
	}
	return -ETIMEDOUT;
}

/*
 * Simulation is never entropy: hw_random does not know the simulated
 * devices, cannot select them, and its fill thread (the path that credits
 * entropy), running or not, never makes them produce.
 */
TEST(sim_not_in_hw_random)
{
	char buf[512];
	uint64_t before;

	ASSERT_EQ(0, smtj_module_ensure());
	ASSERT_EQ(0, access(SIM_HWRNG, R_OK)) TH_LOG("no test-only output");
	ASSERT_EQ(0, smtj_read_text(HWRNG_SYSFS "/rng_available", buf, sizeof(buf)));
	EXPECT_EQ(NULL, strstr(buf, "smtj")) TH_LOG("rng_available: %s", buf);
	/* hw_random ignores a name it does not know */
	smtj_sysfs_write(HWRNG_SYSFS "/rng_current", "smtj0");
	ASSERT_EQ(0, smtj_read_text(HWRNG_SYSFS "/rng_current", buf, sizeof(buf)));
	EXPECT_EQ(NULL, strstr(buf, "smtj")) TH_LOG("rng_current: %s", buf);
	ASSERT_EQ(0, wait_detached());
	before = hw_u64("bytes");
	smtj_sleep_ms(1000);
	EXPECT_EQ(before, hw_u64("bytes"));
	EXPECT_EQ(0, smtj_sysfs_u64(0, "consumers"));
}

TEST(quality_zero)
{
	char buf[32];

	ASSERT_EQ(0, smtj_module_ensure());
	ASSERT_EQ(0, smtj_sysfs_read(0, "hwrng/quality", buf, sizeof(buf)));
	EXPECT_STREQ("0", buf);
	EXPECT_EQ(-EPERM, smtj_sysfs_write(QUALITY_FILE, "512"));
	EXPECT_EQ(-EPERM, smtj_sysfs_write(QUALITY_FILE, "1"));
	EXPECT_EQ(-ERANGE, smtj_sysfs_write(QUALITY_FILE, "1025"));
	EXPECT_EQ(-EINVAL, smtj_sysfs_write(QUALITY_FILE, "lots"));
	EXPECT_EQ(0, smtj_sysfs_write(QUALITY_FILE, "0"));
	ASSERT_EQ(0, smtj_sysfs_read(0, "hwrng/quality", buf, sizeof(buf)));
	EXPECT_STREQ("0", buf);
}

/* The default (paper, 200 kHz, throttled) device gives bytes. */
TEST(dev_hwrng_reads)
{
	struct smtj_sim_config cfg;
	unsigned char buf[256 + CORE_BYTES];
	uint64_t t0, before;
	size_t got = 0;
	int fd, ones = 0;
	size_t i;

	ASSERT_EQ(0, smtj_module_ensure());
	smtj_cfg(&cfg, 0, 200000, 11);
	ASSERT_EQ(0, sim_config(&cfg));
	before = hw_u64("bytes");
	fd = open(SIM_HWRNG, O_RDONLY | O_CLOEXEC);
	ASSERT_LE(0, fd);
	t0 = smtj_now_ns();
	while (got < 256 && smtj_now_ns() - t0 < 20000000000ULL) {
		ssize_t n = read(fd, buf + got, CORE_BYTES);

		ASSERT_LT(0, n) TH_LOG("read: %s", strerror(errno));
		got += (size_t)n;
	}
	close(fd);
	ASSERT_LE(256, got);
	for (i = 0; i < 256; i++)
		ones += __builtin_popcount(buf[i]);
	/* 2048 fair bits: ones within 6 sigma (22.6) of 1024 */
	EXPECT_LT(abs(ones - 1024), 136) TH_LOG("%d ones in 2048 bits", ones);
	EXPECT_LE(before + got, hw_u64("bytes"));
	EXPECT_TRUE(state_is("ok"));
	ksft_print_msg("256 bytes from the hwrng pipeline in %.2f s (start-up included), dwell/decimation %s\n",
		       (smtj_now_ns() - t0) / 1e9, ({
			static char d[64];
			smtj_sysfs_read(0, "hwrng/dwell", d, sizeof(d));
			d; }));
	/* detached again when unread */
	EXPECT_EQ(0, wait_detached());
}

/*
 * Item 7 of issue 5: the in-kernel extractor, fed by an unthrottled
 * simulator with a fixed seed, gives the very bytes that the same code
 * gives in userspace on the library model's stream from the same index.
 */
TEST(extractor_identical)
{
	static unsigned char kbuf[IDENT_BYTES + CORE_BYTES], ubuf[IDENT_BYTES];
	static u16 codes[4096];
	static struct smtj_extract ux;
	struct smtj_extract_config ec;
	struct smtj_sim_config cfg;
	struct smtj_model m;
	uint64_t t0, t1, first, skip, idx, samples, h1 = 1469598103934665603ULL;
	uint64_t h2 = h1;
	size_t got = 0, ugot = 0, i;
	double secs;
	int fd;

	ASSERT_EQ(0, smtj_module_ensure());
	smtj_cfg(&cfg, SMTJ_SIM_F_UNTHROTTLED, 200000, 0x5eed);
	ASSERT_EQ(0, sim_config(&cfg));
	fd = open(SIM_HWRNG, O_RDONLY | O_CLOEXEC);
	ASSERT_LE(0, fd);
	t0 = smtj_now_ns();
	while (got < IDENT_BYTES) {
		ssize_t n = read(fd, kbuf + got, CORE_BYTES);

		ASSERT_LT(0, n) TH_LOG("read: %s", strerror(errno));
		got += (size_t)n;
	}
	secs = (smtj_now_ns() - t0) / 1e9;
	close(fd);
	first = hw_u64("first_index");
	samples = hw_u64("samples");
	ASSERT_NE(UINT64_MAX, first);
	ASSERT_EQ(0, hw_u64("gaps")) TH_LOG("the hwrng lost samples");
	/* every stage ran often enough (see IDENT_BYTES) */
	EXPECT_LE(100 * SMTJ_EXTRACT_DWELL_BLOCK, samples);
	EXPECT_LE(100 * SMTJ_EXTRACT_BLOCK_MAX, hw_u64("decimated_bits"));

	/* userspace: the same model, the same extractor, from index first */
	t1 = smtj_now_ns();
	smtj_model_init(&m, &cfg);
	for (skip = first; skip; skip -= i) {
		i = skip < 4096 ? skip : 4096;
		smtj_model_fill(&m, codes, i);
	}
	smtj_extract_default_config(&ec);
	ASSERT_EQ(0, smtj_extract_init(&ux, &ec));
	for (idx = first; ugot < sizeof(ubuf);) {
		size_t off = 0;

		smtj_model_fill(&m, codes, 4096);
		while (off < 4096) {
			off += smtj_extract_feed(&ux, codes + off, 4096 - off,
						 idx + off);
			ugot += smtj_extract_read(&ux, ubuf + ugot,
						  sizeof(ubuf) - ugot);
		}
		idx += 4096;
	}
	for (i = 0; i < IDENT_BYTES; i++)
		h1 = (h1 ^ kbuf[i]) * 1099511628211ULL;
	for (i = 0; i < IDENT_BYTES && kbuf[i] == ubuf[i]; i++)
		;
	for (idx = 0; idx < IDENT_BYTES; idx++)
		h2 = (h2 ^ ubuf[idx]) * 1099511628211ULL;
	EXPECT_EQ(IDENT_BYTES, i)
		TH_LOG("the kernel's bytes differ from userspace's from byte %zu (userspace FNV-1a %016llx)",
		       i, (unsigned long long)h2);
	ksft_print_msg("%d KiB from the hwrng pipeline (FNV-1a %016llx), first index %llu, %llu samples in the kernel (%.1f per output bit), %.2f s: %.0f bytes/s, %.2f M samples/s; userspace %.2f s\n",
		       IDENT_BYTES / 1024, (unsigned long long)h1,
		       (unsigned long long)first, (unsigned long long)samples,
		       (double)samples / (8.0 * IDENT_BYTES), secs,
		       IDENT_BYTES / secs, samples / secs / 1e6,
		       (smtj_now_ns() - t1) / 1e9);
	EXPECT_EQ(0, wait_detached());
}

/* Bounds of Documentation/driver-api/smtj-hwrng.rst, in samples. */
#define B_RCT	(2 * 4096 + 61 * 8)
#define B_FLOAT	(3 * 4096 + 61 * 8)
#define B_BIAS	(4096 + 1024 * 512)

static void fault_case(struct __test_metadata *_metadata, const char *fault,
		       uint64_t bound, unsigned int junctions, uint64_t seed)
{
	struct smtj_sim_config cfg;
	struct reader r = { 0 };
	uint64_t f, t, b1, s1, rec_t0;
	char st[32], fi[32];
	int perm;

	ASSERT_EQ(0, smtj_module_ensure());
	smtj_cfg(&cfg, SMTJ_SIM_F_UNTHROTTLED, 200000, seed);
	if (junctions == 2) {
		cfg.nr_junctions = 2;
		cfg.p_leave[1][0] = cfg.p_leave[0][0];
		cfg.p_leave[1][1] = cfg.p_leave[0][1];
		cfg.level[2] = 300;
		cfg.level[3] = 358;
	}
	ASSERT_EQ(0, sim_config(&cfg));
	ASSERT_EQ(0, reader_start(&r));
	ASSERT_EQ(0, wait_for("ok", &r, 0, 20000))
		TH_LOG("no output before the fault");
	/* some output flowing, then the fault */
	ASSERT_EQ(0, wait_for("ok", &r, reader_bytes(&r) + 256, 20000));
	ASSERT_EQ(0, smtj_sysfs_write(FAULT_FILE, fault));
	ASSERT_EQ(0, smtj_read_text(FAULT_INDEX, fi, sizeof(fi)));
	f = strtoull(fi, NULL, 0);
	ASSERT_EQ(0, wait_not_ok(20000)) TH_LOG("fault %s never tripped", fault);
	t = hw_u64("trip_index");
	/* trip_index is exact to one 64-sample chunk */
	EXPECT_LE(t, f + bound + 64)
		TH_LOG("fault %s: tripped %llu samples after the onset (bound %llu)",
		       fault, (unsigned long long)(t - f),
		       (unsigned long long)bound);
	/* nothing delivered while the fault lasts */
	b1 = hw_u64("bytes");
	s1 = hw_u64("samples");
	smtj_sleep_ms(300);
	EXPECT_EQ(b1, hw_u64("bytes")) TH_LOG("output while failed");
	EXPECT_FALSE(state_is("ok"));
	hwrng_state(st, sizeof(st));
	perm = !strcmp(st, "permanent");
	ksft_print_msg("fault %-8s tripped after %6llu samples (bound %llu), now %s; %llu samples fed during 300 ms, no bytes\n",
		       fault, (unsigned long long)(t - f),
		       (unsigned long long)bound, st,
		       (unsigned long long)(hw_u64("samples") - s1));
	/* clear; a permanent failure needs an explicit reset */
	ASSERT_EQ(0, smtj_sysfs_write(FAULT_FILE, "none"));
	if (perm)
		ASSERT_EQ(0, smtj_sysfs_write(RESET_FILE, "1"));
	rec_t0 = hw_u64("samples");
	EXPECT_EQ(0, wait_for("ok", &r, reader_bytes(&r) + 64, 30000))
		TH_LOG("fault %s: no recovery", fault);
	ksft_print_msg("fault %-8s cleared%s: output again after %llu samples\n",
		       fault, perm ? " and reset" : "",
		       (unsigned long long)(hw_u64("samples") - rec_t0));
	reader_stop(&r);
	EXPECT_EQ(0, wait_detached());
}

/* Each fault of Documentation/driver-api/smtj-hwrng.rst with its bound. */
FIXTURE(fault) {
};

FIXTURE_SETUP(fault)
{
}

FIXTURE_TEARDOWN(fault)
{
}

FIXTURE_VARIANT(fault) {
	const char *fault;	/* what to write to debugfs */
	uint64_t bound;		/* samples from the onset to the trip */
	unsigned int junctions;
	uint64_t seed;
};

FIXTURE_VARIANT_ADD(fault, stuck) { "stuck", B_RCT, 1, 100 };
/* two junctions, the second stops switching */
FIXTURE_VARIANT_ADD(fault, freeze) { "freeze 1", B_RCT, 2, 101 };
FIXTURE_VARIANT_ADD(fault, bias) { "bias", B_BIAS, 1, 102 };
FIXTURE_VARIANT_ADD(fault, slow) { "slow", B_RCT, 1, 103 };
FIXTURE_VARIANT_ADD(fault, saturate) { "saturate", B_RCT, 1, 104 };
FIXTURE_VARIANT_ADD(fault, float) { "float", B_FLOAT, 1, 105 };
FIXTURE_VARIANT_ADD(fault, ground) { "ground", B_RCT, 1, 106 };

TEST_F(fault, trips_and_recovers)
{
	fault_case(_metadata, variant->fault, variant->bound,
		   variant->junctions, variant->seed);
}

TEST(fault_input_checked)
{
	char buf[32];

	ASSERT_EQ(0, smtj_module_ensure());
	EXPECT_EQ(-EINVAL, smtj_sysfs_write(FAULT_FILE, "melt"));
	EXPECT_EQ(-EINVAL, smtj_sysfs_write(FAULT_FILE, "freeze 8"));
	EXPECT_EQ(-ERANGE, smtj_sysfs_write(FAULT_FILE, "stuck 70000"));
	EXPECT_EQ(-EINVAL, smtj_sysfs_write(FAULT_FILE, "bias 3"));
	EXPECT_EQ(-EINVAL, smtj_sysfs_write(RESET_FILE, "0"));
	ASSERT_EQ(0, smtj_read_text(FAULT_FILE, buf, sizeof(buf)));
	EXPECT_STREQ("none", buf);
}

/*
 * The online estimate under a creeping bias.  The simulated junction is
 * the paper's (switching 0.0809 per sample either way), assessed at
 * 60 milli-bits per sample, a typical result of smtjstat --entropy on it.
 * Its Markov estimate (6.3.3) is (1 - 127 log2(1 - 0.0809)) / 128 = 0.1286
 * bit.  The fault "creep N" keeps the total switching s = 0.1618 and moves
 * the time in state 1 from q = 0.5 to 0.9 over N samples: then the most
 * likely sequence is 1^128 and the estimate
 * H(q) = -(log2 q + 127 log2(1 - s (1 - q))) / 128, 0.0245 bit at 90 %.
 * Its standard deviation on a window of W = 65536 states comes from the
 * count of transitions out of state 1, about q W of them.
 */
#define ONLINE_CLAIM	0.060
#define ONLINE_S	(2 * 0.0809)
#define ONLINE_W	65536.0
#define ONLINE_Z	6.0	/* the bound that decides (smtj-hwrng.rst) */
#define CREEP		6000000ULL

static double online_h(double q)
{
	return -(log2(q) + 127 * log2(1 - ONLINE_S * (1 - q))) / 128;
}

static double online_sd(double q)
{
	double t = ONLINE_S * (1 - q);

	return 127.0 / 128 * sqrt(t / ((1 - t) * q * ONLINE_W)) / M_LN2;
}

/* The bias q at which H(q) + sigmas * sd(q) reaches the claim. */
static double online_q(double sigmas)
{
	double lo = 0.5, hi = 0.99;
	int i;

	for (i = 0; i < 60; i++) {
		double mid = (lo + hi) / 2;

		if (online_h(mid) + sigmas * online_sd(mid) > ONLINE_CLAIM)
			lo = mid;
		else
			hi = mid;
	}
	return lo;
}

/* hwrng/entropy_estimate or _bound in milli-bits, or -1 for "none". */
static long online_mb(const char *attr)
{
	char buf[32], path[64];

	snprintf(path, sizeof(path), "hwrng/%s", attr);
	if (smtj_sysfs_read(0, path, buf, sizeof(buf)) || !strcmp(buf, "none"))
		return -1;
	return strtol(buf, NULL, 10);
}

FIXTURE(online) {
	struct reader r;
};

FIXTURE_SETUP(online)
{
	memset(&self->r, 0, sizeof(self->r));
}

FIXTURE_TEARDOWN(online)
{
	smtj_sysfs_write(FAULT_FILE, "none");
	if (self->r.pid)
		reader_stop(&self->r);
	wait_detached();
	smtj_sysfs_write(MIN_ENTROPY, "0");
}

/*
 * Healthy for 3 M samples: no online failure, the estimate within 5 sigma
 * of the closed form.  Then the bias creeps over CREEP samples: the
 * estimate falls, and the online failure comes after the truth fell below
 * the claim and before it was 11 sigma below (the bound's 6 plus 5 of
 * sampling), i.e. well before 90 %; the state leaves ok.  Cleared, it
 * comes back (after a reset if the failures made it permanent) and the
 * estimate returns to the healthy value.  About 8 M
 * samples: seconds under TCG (the whole program took 11 s on 6.1 amd64,
 * 26 s on 6.12 arm64); the harness's 30 s would be tight on a loaded
 * host, so 100 s, within the VM's 120 s per program.
 */
TEST_F_TIMEOUT(online, creep, 100)
{
	double sd0 = online_sd(0.5) * 1000, h0 = online_h(0.5) * 1000;
	double q_lo = online_q(0), q_hi, q_trip, lowest = 1e9;
	uint64_t s0, b0, f, t, end, reads = 0, rises = 0;
	long est, bound, worst = 0;
	int resets = 0;
	struct smtj_sim_config cfg;
	char fi[32], st[32];

	/* one window and one verdict of lag, in bias */
	q_hi = online_q(ONLINE_Z + 5) + 0.4 * (ONLINE_W + 4096) / CREEP;
	ASSERT_EQ(0, smtj_module_ensure());
	smtj_cfg(&cfg, SMTJ_SIM_F_UNTHROTTLED, 200000, 0xc4eef);
	ASSERT_EQ(0, sim_config(&cfg));
	ASSERT_EQ(0, smtj_sysfs_write(MIN_ENTROPY, "60"));
	EXPECT_EQ(65536, hw_u64("entropy_window"));
	ASSERT_EQ(0, reader_start(&self->r));
	ASSERT_EQ(0, wait_for("ok", &self->r, 0, 30000));

	/* healthy */
	s0 = hw_u64("samples");
	end = smtj_now_ns() + 40000000000ULL;
	while (hw_u64("samples") < s0 + 3000000 && smtj_now_ns() < end) {
		est = online_mb("entropy_estimate");
		bound = online_mb("entropy_bound");
		if (est >= 0) {
			reads++;
			if (labs(est - lround(h0)) > worst)
				worst = labs(est - lround(h0));
			EXPECT_LE(est, bound);
		}
		smtj_sleep_ms(20);
	}
	ASSERT_LE(s0 + 3000000, hw_u64("samples")) TH_LOG("the simulator stalled");
	EXPECT_LT(0, reads);
	EXPECT_LE(worst, 5 * sd0 + 1)
		TH_LOG("healthy estimate %ld mb off the closed form %.1f", worst, h0);
	EXPECT_EQ(0, hw_u64("entropy_failures")) TH_LOG("a false alarm");
	EXPECT_TRUE(state_is("ok"));
	ksft_print_msg("healthy: %llu reads, estimate within %ld mb of %.1f (5 sigma %.1f), no online failure\n",
		       (unsigned long long)reads, worst, h0, 5 * sd0);

	/* the creep */
	ASSERT_EQ(0, smtj_sysfs_write(FAULT_FILE, "creep 6000000"));
	ASSERT_EQ(0, smtj_read_text(FAULT_FILE, fi, sizeof(fi)));
	EXPECT_STREQ("creep 6000000", fi);
	ASSERT_EQ(0, smtj_read_text(FAULT_INDEX, fi, sizeof(fi)));
	f = strtoull(fi, NULL, 0);
	end = smtj_now_ns() + 60000000000ULL;
	while (!hw_u64("entropy_failures") && smtj_now_ns() < end) {
		est = online_mb("entropy_estimate");
		/* falls: never 6 sigma (at 50 %) above the lowest so far */
		if (est >= 0 && est > lowest + 6 * sd0)
			rises++;
		if (est >= 0 && est < lowest)
			lowest = est;
		smtj_sleep_ms(10);
	}
	ASSERT_LT(0, hw_u64("entropy_failures")) TH_LOG("no online failure");
	t = hw_u64("entropy_trip_index");
	ASSERT_LE(f, t);
	q_trip = 0.5 + 0.4 * fmin(1, (double)(t - f) / CREEP);
	hwrng_state(st, sizeof(st));
	EXPECT_STRNE("ok", st);
	EXPECT_EQ(0, rises) TH_LOG("the estimate rose %llu times",
				   (unsigned long long)rises);
	EXPECT_LT(t - f, CREEP) TH_LOG("no failure before 90 %%");
	EXPECT_LE(q_lo, q_trip) TH_LOG("failure while the truth was above the claim");
	EXPECT_GE(q_hi, q_trip) TH_LOG("failure later than theory allows");
	EXPECT_LE(hw_u64("trip_index"), t + 64) TH_LOG("output went on");
	ksft_print_msg("creep over %llu samples: online failure %llu samples after the onset, bias %.4f (Markov truth %.1f mb, theory %.4f .. %.4f), state %s, %llu RCT + %llu APT failures\n",
		       CREEP, (unsigned long long)(t - f), q_trip,
		       online_h(q_trip) * 1000, q_lo, q_hi, st,
		       (unsigned long long)hw_u64("rct_failures"),
		       (unsigned long long)hw_u64("apt_failures"));

	/*
	 * Cleared: back to ok as from any failure, the estimate with it.
	 * Windows that still hold biased states may fail again until the
	 * third failure makes it permanent: then a reset.
	 */
	ASSERT_EQ(0, smtj_sysfs_write(FAULT_FILE, "none"));
	s0 = hw_u64("samples");
	b0 = reader_bytes(&self->r);
	end = smtj_now_ns() + 30000000000ULL;
	while (!(state_is("ok") && reader_bytes(&self->r) > b0 + 64) &&
	       smtj_now_ns() < end) {
		if (state_is("permanent")) {
			ASSERT_EQ(0, smtj_sysfs_write(RESET_FILE, "1"));
			resets++;
		}
		smtj_sleep_ms(5);
	}
	hwrng_state(st, sizeof(st));
	ASSERT_STREQ("ok", st) TH_LOG("no recovery");
	end = smtj_now_ns() + 30000000000ULL;
	do {
		smtj_sleep_ms(10);
		est = online_mb("entropy_estimate");
	} while (est < h0 - 5 * sd0 && smtj_now_ns() < end);
	EXPECT_LE(h0 - 5 * sd0, est) TH_LOG("the estimate stayed at %ld mb", est);
	ksft_print_msg("cleared: ok and bytes again (%d resets), estimate %ld mb, %llu samples later\n",
		       resets, est, (unsigned long long)(hw_u64("samples") - s0));
}

TEST(online_input_checked)
{
	char buf[32];

	ASSERT_EQ(0, smtj_module_ensure());
	EXPECT_EQ(-EINVAL, smtj_sysfs_write(FAULT_FILE, "creep 0"));
	EXPECT_EQ(-EINVAL, smtj_sysfs_write(FAULT_FILE, "creep lots"));
	EXPECT_EQ(-ERANGE, smtj_sysfs_write(FAULT_FILE, "creep 99999999999"));
	ASSERT_EQ(0, smtj_read_text(FAULT_FILE, buf, sizeof(buf)));
	EXPECT_STREQ("none", buf);
	ASSERT_EQ(0, smtj_sysfs_write(FAULT_FILE, "creep"));
	ASSERT_EQ(0, smtj_read_text(FAULT_FILE, buf, sizeof(buf)));
	EXPECT_STREQ("creep 20000000", buf);
	ASSERT_EQ(0, smtj_sysfs_write(FAULT_FILE, "none"));
	/* read-only attributes refuse writes */
	EXPECT_NE(0, smtj_sysfs_write(SMTJ_SYSFS_CLASS "/smtj0/hwrng/entropy_estimate", "1"));
	EXPECT_NE(0, smtj_sysfs_write(SMTJ_SYSFS_CLASS "/smtj0/hwrng/entropy_bound", "1"));
}

/* Unbind smtj0 while a reader waits for its bytes: no hang. */
TEST(unbind_while_reading)
{
	struct smtj_sim_config cfg;
	uint64_t t0, dt;
	int status = 0;
	pid_t pid;

	ASSERT_EQ(0, smtj_module_ensure());
	smtj_cfg(&cfg, 0, 1, 7);	/* one sample a second: nothing comes */
	ASSERT_EQ(0, sim_config(&cfg));
	pid = fork();
	ASSERT_LE(0, pid);
	if (!pid) {
		unsigned char b[32];
		int fd = open(SIM_HWRNG, O_RDONLY);

		if (fd < 0)
			_exit(2);
		_exit(read(fd, b, sizeof(b)) < 0 ? 100 + (errno & 63) : 0);
	}
	smtj_sleep_ms(500);
	ASSERT_EQ(0, waitpid(pid, &status, WNOHANG))
		TH_LOG("reader did not wait: exit status %d", WEXITSTATUS(status));
	EXPECT_EQ(1, smtj_sysfs_u64(0, "consumers"));
	t0 = smtj_now_ns();
	ASSERT_EQ(0, smtj_sysfs_write(SMTJ_SIM_DRIVER "/unbind", SIM0));
	dt = smtj_now_ns() - t0;
	EXPECT_LT(dt, 3000000000ULL) TH_LOG("unbind took %.2f s", dt / 1e9);
	/* the reader ends with an error */
	for (t0 = smtj_now_ns(); smtj_now_ns() - t0 < 10000000000ULL;) {
		if (waitpid(pid, &status, WNOHANG) == pid)
			break;
		smtj_sleep_ms(10);
	}
	if (!WIFEXITED(status)) {
		kill(pid, SIGKILL);
		waitpid(pid, &status, 0);
		EXPECT_TRUE(0) TH_LOG("reader still blocked after the unbind");
	}
	EXPECT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) >= 100)
		TH_LOG("reader exit status %d", WEXITSTATUS(status));
	ksft_print_msg("unbind with a waiting reader: %.3f s; reader exit status %d\n",
		       dt / 1e9, WEXITSTATUS(status));
	ASSERT_EQ(0, smtj_sysfs_write(SMTJ_SIM_DRIVER "/bind", SIM0));
	EXPECT_EQ(0, access(SMTJ_SYSFS_CLASS "/smtj0", F_OK) == 0 ||
		     access("/dev/smtj0", F_OK) == 0 ? 0 : -1);
}

SMTJ_TEST_MAIN
