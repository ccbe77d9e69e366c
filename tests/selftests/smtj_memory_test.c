// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Ring memory is bounded and accounted: the rings of one device's files
 * never hold more than ring_budget_kib (ENOSPC beyond it, from open() and
 * from SET_CONSUMER), and every ring is charged to the memory cgroup of
 * the process that made it (ENOMEM beyond the cgroup's limit, without its
 * OOM killer).  After each refusal the file keeps its old ring and the
 * device keeps delivering.
 */
#include <sys/mount.h>
#include <sys/wait.h>

#include "smtj_test.h"

#define BUDGET_PARAM	"/sys/module/" SMTJ_MODULE "/parameters/ring_budget_kib"
#define CGROOT		"/sys/fs/cgroup"
#define CGDIR		CGROOT "/smtj-memory-test"
#define MAX_FILES	1000

static uint64_t ring_size(uint32_t samples)
{
	long page = sysconf(_SC_PAGESIZE);

	return (uint64_t)page + ((uint64_t)samples * 2 + page - 1) / page * page;
}

static uint64_t read_u64(const char *path)
{
	char buf[64];

	if (smtj_read_text(path, buf, sizeof(buf)))
		return UINT64_MAX;
	return strtoull(buf, NULL, 0);
}

static int write_u64(const char *path, uint64_t v)
{
	char buf[32];

	snprintf(buf, sizeof(buf), "%llu", (unsigned long long)v);
	return smtj_sysfs_write(path, buf);
}

/* 1000 samples of /dev/smtj<n> through a fresh file: the device still works. */
static int device_works(int n)
{
	uint16_t buf[1000];
	int fd = smtj_open(n, O_RDONLY);
	long got;

	if (fd < 0)
		return -errno;
	got = smtj_read_samples(fd, buf, 1000, 5000);
	close(fd);
	return got == 1000 ? 0 : -EIO;
}

FIXTURE(mem) {
	int fds[MAX_FILES];
	unsigned int nr;
	uint64_t budget_kib;
};

/* One more file of /dev/smtj0 held by the fixture: its fd, or -errno. */
static int keep_open(FIXTURE_DATA(mem) *self)
{
	int fd;

	if (self->nr >= MAX_FILES)
		return -EMFILE;
	fd = smtj_open(0, O_RDONLY);
	if (fd < 0)
		return -errno;
	self->fds[self->nr++] = fd;
	return fd;
}

FIXTURE_SETUP(mem)
{
	ASSERT_EQ(0, smtj_module_ensure());
	self->nr = 0;
	self->budget_kib = read_u64(BUDGET_PARAM);
	ASSERT_NE(UINT64_MAX, self->budget_kib);
	EXPECT_EQ(131072, self->budget_kib) TH_LOG("documented default");
	EXPECT_EQ(0, smtj_sysfs_u64(0, "ring_bytes"));
}

FIXTURE_TEARDOWN(mem)
{
	while (self->nr)
		close(self->fds[--self->nr]);
	write_u64(BUDGET_PARAM, self->budget_kib);
}

/*
 * At the default budget (128 MiB): rings of the largest size until the
 * budget refuses one, then default rings from open() until it refuses
 * that too.  ring_bytes counts exactly what the files hold.
 */
TEST_F(mem, device_budget)
{
	uint64_t budget = self->budget_kib << 10, held = 0;
	struct smtj_consumer c;
	unsigned int big = 0;
	int ret, fd;

	for (;;) {
		ret = keep_open(self);
		if (ret < 0)
			break;
		fd = ret;
		held += ring_size(65536);
		ret = smtj_set_consumer(fd, SMTJ_RING_MAX, 1);
		if (ret)
			break;
		held += ring_size(SMTJ_RING_MAX) - ring_size(65536);
		big++;
	}
	ASSERT_EQ(-ENOSPC, ret);
	EXPECT_EQ(held, smtj_sysfs_u64(0, "ring_bytes"));
	EXPECT_LE(held, budget);
	EXPECT_GT(held + ring_size(SMTJ_RING_MAX) - ring_size(65536), budget);
	EXPECT_EQ(budget / ring_size(SMTJ_RING_MAX), big);
	/* the refused file keeps its ring and still works */
	fd = self->fds[self->nr - 1];
	ASSERT_EQ(0, smtj_get_consumer(fd, &c));
	EXPECT_EQ(65536, c.ring_samples);

	/* default rings from open() until the budget refuses open() */
	while ((ret = keep_open(self)) >= 0)
		held += ring_size(65536);
	EXPECT_EQ(-ENOSPC, ret);
	EXPECT_EQ(held, smtj_sysfs_u64(0, "ring_bytes"));
	EXPECT_GT(held + ring_size(65536), budget);
	/* shrinking a ring always fits, and gives the budget back */
	fd = self->fds[0];
	ASSERT_EQ(0, smtj_set_consumer(fd, SMTJ_RING_MIN, 1));
	held -= ring_size(SMTJ_RING_MAX) - ring_size(SMTJ_RING_MIN);
	EXPECT_EQ(held, smtj_sysfs_u64(0, "ring_bytes"));
	ksft_print_msg("budget %llu KiB: %u rings of %u samples, %u files, %llu bytes held\n",
		       (unsigned long long)self->budget_kib, big, SMTJ_RING_MAX,
		       self->nr, (unsigned long long)held);

	/* the other device has a budget of its own */
	EXPECT_EQ(0, device_works(1));
	while (self->nr)
		close(self->fds[--self->nr]);
	EXPECT_EQ(0, smtj_sysfs_u64(0, "ring_bytes"));
	EXPECT_EQ(0, device_works(0));
}

/* The parameter applies to new rings at once; existing rings stay. */
TEST_F(mem, budget_parameter)
{
	uint16_t buf[100];
	int fd, fd2;

	fd = keep_open(self);
	ASSERT_LE(0, fd);
	ASSERT_EQ(0, write_u64(BUDGET_PARAM, 1024));	/* 1 MiB */
	EXPECT_EQ(-ENOSPC, smtj_set_consumer(fd, 1U << 19, 1));	/* 1 MiB + 1 page */
	EXPECT_EQ(0, smtj_set_consumer(fd, 1U << 18, 1));	/* 512 KiB + 1 page */
	fd2 = keep_open(self);
	ASSERT_LE(0, fd2);
	EXPECT_EQ(-ENOSPC, smtj_set_consumer(fd2, 1U << 18, 1));
	EXPECT_EQ(ring_size(1U << 18) + ring_size(65536),
		  smtj_sysfs_u64(0, "ring_bytes"));
	ASSERT_EQ(0, write_u64(BUDGET_PARAM, 0));
	EXPECT_EQ(-ENOSPC, smtj_open(0, O_RDONLY) < 0 ? -errno : 0);
	/* the files that have their rings keep working */
	EXPECT_EQ(100, smtj_read_samples(fd, buf, 100, 5000));
	EXPECT_EQ(100, smtj_read_samples(fd2, buf, 100, 5000));
	ASSERT_EQ(0, write_u64(BUDGET_PARAM, self->budget_kib));
	EXPECT_EQ(0, device_works(0));
}

/* A cgroup v2 with the memory controller, limit @max bytes; 0 or -errno. */
static int cgroup_make(uint64_t max)
{
	if (access(CGROOT "/cgroup.controllers", F_OK) &&
	    mount("none", CGROOT, "cgroup2", 0, NULL))
		return -errno;
	smtj_sysfs_write(CGROOT "/cgroup.subtree_control", "+memory");
	if (mkdir(CGDIR, 0755) && errno != EEXIST)
		return -errno;
	if (access(CGDIR "/memory.max", F_OK))
		return -ENOENT;
	return write_u64(CGDIR "/memory.max", max);
}

/*
 * In a cgroup limited to 32 MiB a 16 MiB ring is charged to it (its
 * memory.current grows by at least the ring) and a 32 MiB ring is refused
 * with ENOMEM; the cgroup's OOM killer never runs.
 */
TEST_F(mem, charged_to_memcg)
{
	uint64_t cur0, cur1, ooms;
	int status = -1, ret;
	pid_t pid;

	ret = cgroup_make(32ULL << 20);
	if (ret == -ENOENT || ret == -ENODEV)
		SKIP(return, "no memory cgroup controller (%s)", strerror(-ret));
	ASSERT_EQ(0, ret) TH_LOG("cgroup: %s", strerror(-ret));
	pid = fork();
	ASSERT_LE(0, pid);
	if (!pid) {
		int fd;

		if (write_u64(CGDIR "/cgroup.procs", getpid()))
			_exit(10);
		fd = smtj_open(0, O_RDONLY);
		if (fd < 0)
			_exit(11);
		cur0 = read_u64(CGDIR "/memory.current");
		if (smtj_set_consumer(fd, 1U << 23, 1))	/* 16 MiB */
			_exit(12);
		cur1 = read_u64(CGDIR "/memory.current");
		/* the 16 MiB ring in, the default 128 KiB one out */
		if (cur1 < cur0 + (15ULL << 20))
			_exit(13);
		if (smtj_set_consumer(fd, SMTJ_RING_MAX, 1) != -ENOMEM)
			_exit(14);
		if (smtj_set_consumer(fd, 1U << 23, 2))	/* watermark only */
			_exit(15);
		close(fd);
		_exit(0);
	}
	ASSERT_EQ(pid, waitpid(pid, &status, 0));
	ooms = UINT64_MAX;
	{
		char buf[512], *p;

		if (!smtj_read_text(CGDIR "/memory.events", buf, sizeof(buf))) {
			p = strstr(buf, "oom_kill ");
			if (p)
				ooms = strtoull(p + 9, NULL, 10);
		}
	}
	rmdir(CGDIR);
	EXPECT_TRUE(WIFEXITED(status)) TH_LOG("child status %#x", status);
	EXPECT_EQ(0, WEXITSTATUS(status))
		TH_LOG("10 join, 11 open, 12 16 MiB ring, 13 not charged, 14 32 MiB not ENOMEM, 15 watermark");
	EXPECT_EQ(0, ooms);
	EXPECT_EQ(0, smtj_sysfs_u64(0, "ring_bytes"));
	EXPECT_EQ(0, device_works(0));
}

SMTJ_TEST_MAIN
