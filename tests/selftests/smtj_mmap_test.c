// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The mmap ring: geometry, the producer index advancing, the consumer index
 * honoured, clamped when beyond the producer and never moved backwards,
 * loss counted on overrun, writable mappings of the data refused, mappings
 * past either region refused, the ring size locked while mapped (the
 * watermark is not), and the header's snapshot (seq) consistent while the
 * producer writes.
 */
#include "smtj_test.h"

FIXTURE(ring) {
	int fd;
	struct smtj_info info;
	struct smtj_map m;
	uint64_t t_start;
};

FIXTURE_SETUP(ring)
{
	ASSERT_EQ(0, smtj_module_ensure());
	self->fd = smtj_open(0, O_RDWR);
	ASSERT_LE(0, self->fd) TH_LOG("open /dev/smtj0: %s", strerror(errno));
	memset(&self->m, 0, sizeof(self->m));
}

FIXTURE_TEARDOWN(ring)
{
	smtj_unmap_ring(&self->m);
	if (self->fd >= 0)
		close(self->fd);
}

/*
 * A pattern-mode stream at @rate into a ring of @samples with poll
 * watermark @wm, then map it.
 */
static void start_wm(struct __test_metadata *_metadata, FIXTURE_DATA(ring) *self,
		     uint32_t samples, uint32_t rate, uint32_t wm)
{
	struct smtj_sim_config cfg;

	ASSERT_EQ(0, smtj_set_consumer(self->fd, samples, wm));
	smtj_cfg(&cfg, SMTJ_SIM_F_PATTERN, rate, 5);
	self->t_start = smtj_now_ns();
	ASSERT_EQ(0, smtj_set_sim(self->fd, &cfg));
	ASSERT_EQ(0, smtj_get_info(self->fd, &self->info));
	ASSERT_EQ(samples, self->info.ring_samples);
	ASSERT_EQ(0, smtj_map_ring(self->fd, &self->info, &self->m))
		TH_LOG("mmap: %s", strerror(errno));
}

static void start(struct __test_metadata *_metadata,
		  FIXTURE_DATA(ring) *self, uint32_t samples, uint32_t rate)
{
	start_wm(_metadata, self, samples, rate, 1);
}

static uint16_t sample_at(FIXTURE_DATA(ring) *self, uint64_t i)
{
	return self->m.data[i & (self->info.ring_samples - 1)];
}

/* Samples [from, to) of the ring are consecutive pattern values. */
static uint64_t first_gap(FIXTURE_DATA(ring) *self, uint64_t from, uint64_t to)
{
	for (uint64_t i = from + 1; i < to; i++)
		if (sample_at(self, i) != (uint16_t)(sample_at(self, i - 1) + 1))
			return i;
	return to;
}

TEST_F(ring, geometry)
{
	struct smtj_ring_header *h;
	struct smtj_info info;
	long page = sysconf(_SC_PAGESIZE);

	start(_metadata, self, 4096, 10000);
	h = self->m.hdr;
	EXPECT_EQ(SMTJ_RING_MAGIC, h->magic);
	EXPECT_EQ(SMTJ_RING_VERSION, h->version);
	EXPECT_EQ(4096, h->nr_samples);
	EXPECT_EQ(2, h->sample_size);
	EXPECT_EQ(self->info.ring_data_offset, h->data_offset);
	EXPECT_EQ(sizeof(*h), h->header_size);
	EXPECT_EQ(0, self->info.ring_data_offset % page);
	EXPECT_EQ((4096 * 2 + page - 1) / page * page, self->info.ring_data_size);
	EXPECT_GE(h->nr_samples, smtj_ring_producer(&self->m) - h->consumer);

	ASSERT_EQ(0, smtj_get_info(self->fd, &info));
	EXPECT_TRUE(info.flags & SMTJ_INFO_F_MAPPED);
	smtj_unmap_ring(&self->m);
	ASSERT_EQ(0, smtj_get_info(self->fd, &info));
	EXPECT_FALSE(info.flags & SMTJ_INFO_F_MAPPED);
}

TEST_F(ring, settings_locked_while_mapped)
{
	struct smtj_sim_config cfg;
	struct smtj_consumer c;

	start(_metadata, self, 4096, 10000);
	EXPECT_EQ(-EBUSY, smtj_set_consumer(self->fd, 8192, 1));
	/* the watermark alone changes no ring memory: allowed */
	EXPECT_EQ(0, smtj_set_consumer(self->fd, 4096, 100));
	ASSERT_EQ(0, smtj_get_consumer(self->fd, &c));
	EXPECT_EQ(4096, c.ring_samples);
	EXPECT_EQ(100, c.watermark);
	EXPECT_EQ(-EINVAL, smtj_set_consumer(self->fd, 4096, 4097));
	EXPECT_EQ(SMTJ_RING_MAGIC, self->m.hdr->magic);
	smtj_cfg(&cfg, SMTJ_SIM_F_PATTERN, 1000, 1);
	EXPECT_EQ(-EBUSY, smtj_set_sim(self->fd, &cfg));
	smtj_unmap_ring(&self->m);
	EXPECT_EQ(0, smtj_set_consumer(self->fd, 8192, 1));
	EXPECT_EQ(0, smtj_set_sim(self->fd, &cfg));
}

TEST_F(ring, producer_advances)
{
	struct smtj_ring_header *h;
	uint64_t p0, p1, c, newest;

	start(_metadata, self, 65536, 20000);
	h = self->m.hdr;
	p0 = smtj_ring_producer(&self->m);
	smtj_sleep_ms(100);
	p1 = smtj_ring_producer(&self->m);
	newest = h->newest_index;	/* may already be ahead of p1 */
	EXPECT_LT(p0, p1);
	EXPECT_LE(1000, p1 - p0);	/* 2000 expected in 100 ms */
	c = h->consumer;
	ASSERT_LE(c, p1);
	ASSERT_GE(65536, p1 - c);
	/* the stream restarted at 0: index == value, nothing lost */
	EXPECT_EQ(0, h->lost);
	EXPECT_LE(p1 - 1, newest);
	EXPECT_EQ((uint16_t)(p1 - 1), sample_at(self, p1 - 1));
	EXPECT_EQ((uint16_t)c, sample_at(self, c));
	EXPECT_EQ(p1, first_gap(self, c, p1));
}

/*
 * One consumer in pattern mode gets every sample or loses it, so in a
 * consistent snapshot data[producer - 1] == newest_index & 0xffff (unless
 * the producer has since gone a whole ring further: a second snapshot
 * tells), and the indices skipped so far, newest_index + 1 - producer,
 * never decrease and never exceed lost (lost also counts what the file
 * lost before the stream restarted, and losses after the newest sample
 * show in newest_index only with the next sample delivered).  Read it for
 * a second, at least 10^6 times, while a 1 MHz producer writes (every
 * millisecond, or in bursts on a loaded host).
 */
TEST_F(ring, header_snapshot_consistent)
{
	unsigned int bad = 0, retried = 0, moved = 0;
	uint64_t last = 0, reads = 0, end, skipped = 0;
	struct smtj_snap s, s2;
	uint16_t v;

	start(_metadata, self, 65536, 1000000);
	end = smtj_now_ns() + 1000000000ULL;
	while (reads < 1000000 || smtj_now_ns() < end) {
		smtj_ring_snap(&self->m, &s);
		reads++;
		retried += s.retries > 0;
		if (!s.producer)
			continue;
		v = sample_at(self, s.producer - 1);
		smtj_ring_snap(&self->m, &s2);
		moved += s.producer != last;
		if (s.producer < last || s.newest_index + 1 < s.producer ||
		    s.newest_index + 1 - s.producer < skipped ||
		    s.newest_index + 1 - s.producer > s.lost ||
		    (s2.producer - s.producer < 65535 && v != (uint16_t)s.newest_index)) {
			if (!bad++)
				TH_LOG("producer %llu newest %llu sample %u lost %llu skipped before %llu",
				       (unsigned long long)s.producer,
				       (unsigned long long)s.newest_index, v,
				       (unsigned long long)s.lost,
				       (unsigned long long)skipped);
		} else {
			skipped = s.newest_index + 1 - s.producer;
		}
		last = s.producer;
		smtj_ring_consume(&self->m, s.producer);
	}
	ksft_print_msg("%llu snapshots: producer moved %u times, %u retried, %u inconsistent, %llu lost\n",
		       (unsigned long long)reads, moved, retried, bad,
		       (unsigned long long)s.lost);
	EXPECT_EQ(0, bad);
	EXPECT_LE(10, moved);	/* a loaded TCG host may wake it rarely */
}

/*
 * Sample k belongs to time t0 + k / rate, t0 the restart of the stream.
 * A full ring stops taking samples, so its newest sample stays put: 1024
 * samples at 10 kHz, the newest (index 1023) at t0 + 102.3 ms.
 */
TEST_F(ring, newest_sample_time)
{
	struct smtj_ring_header *h;
	uint64_t p, t_after, at = 1023ULL * 1000000000ULL / 10000;

	start(_metadata, self, 1024, 10000);
	t_after = smtj_now_ns();
	smtj_sleep_ms(300);
	h = self->m.hdr;
	p = smtj_ring_producer(&self->m);
	ASSERT_EQ(1024, p);
	EXPECT_LT(0, h->lost);
	EXPECT_EQ(1023, h->newest_index);
	EXPECT_LE(self->t_start + at, h->newest_time_ns)
		TH_LOG("sample 1023 stamped %lld ns after the restart",
		       (long long)(h->newest_time_ns - self->t_start));
	/* the header was read after t_after: allow one 20 ms batch */
	EXPECT_GE(t_after + at + 20000000ULL, h->newest_time_ns)
		TH_LOG("sample 1023 stamped %lld ns after the restart",
		       (long long)(h->newest_time_ns - self->t_start));
	EXPECT_GE(smtj_now_ns(), h->newest_time_ns);
}

TEST_F(ring, consumer_honoured)
{
	uint64_t c, p, end = smtj_now_ns() + 700000000ULL, moved = 0;

	/*
	 * 1024 samples at 5 kHz: the ring fills in 200 ms unless consumed
	 * (slack for a loaded TCG guest); 3500 samples pass in 700 ms
	 */
	start(_metadata, self, 1024, 5000);
	c = self->m.hdr->consumer;
	while (smtj_now_ns() < end) {
		p = smtj_ring_producer(&self->m);
		ASSERT_GE(1024, p - c);
		ASSERT_EQ(p, first_gap(self, c, p));
		if (p > c)
			ASSERT_EQ((uint16_t)(c), sample_at(self, c));
		moved += p - c;
		c = p;
		smtj_ring_consume(&self->m, c);
		smtj_sleep_ms(5);
	}
	EXPECT_LT(2048, moved);
	EXPECT_EQ(0, self->m.hdr->lost);
	struct smtj_info info;

	ASSERT_EQ(0, smtj_get_info(self->fd, &info));
	EXPECT_EQ(0, info.lost);
}

TEST_F(ring, overrun_counts_loss)
{
	struct smtj_info info;
	uint64_t c, p, lost, p2;

	start(_metadata, self, 1024, 5000);
	c = self->m.hdr->consumer;
	smtj_sleep_ms(400);	/* ~2000 samples into 1024 places */
	p = smtj_ring_producer(&self->m);
	lost = self->m.hdr->lost;
	ASSERT_GE(1024, p - c);
	EXPECT_LT(0, lost);
	/* the oldest samples stay: nothing unconsumed was overwritten */
	EXPECT_EQ((uint16_t)c, sample_at(self, c));
	EXPECT_EQ(p, first_gap(self, c, p));
	ASSERT_EQ(0, smtj_get_info(self->fd, &info));
	EXPECT_LE(lost, info.lost);
	EXPECT_LE(info.lost, smtj_sysfs_u64(0, "lost"));

	/* consume everything: the next sample shows the gap of what was lost */
	smtj_ring_consume(&self->m, p);
	smtj_sleep_ms(30);
	p2 = smtj_ring_producer(&self->m);
	ASSERT_LT(p, p2);
	lost = self->m.hdr->lost;
	smtj_sleep_ms(20);
	EXPECT_EQ(lost, self->m.hdr->lost);	/* no loss while there is room */
	EXPECT_EQ((uint16_t)(p + lost), sample_at(self, p))
		TH_LOG("index %llu, lost %llu", (unsigned long long)p,
		       (unsigned long long)lost);
	EXPECT_EQ(p2, first_gap(self, p, p2));
	ASSERT_EQ(0, smtj_get_info(self->fd, &info));
	EXPECT_EQ(lost, info.lost);
}

TEST_F(ring, consumer_beyond_producer_clamped)
{
	uint64_t p0, p1;

	start(_metadata, self, 1024, 10000);
	p0 = smtj_ring_producer(&self->m);
	/* a consumer index in the future counts as "all consumed" */
	smtj_ring_consume(&self->m, p0 + 1000000);
	smtj_sleep_ms(300);
	p1 = smtj_ring_producer(&self->m);
	EXPECT_LT(p0 + 1024, p1) TH_LOG("producer stuck at %llu (from %llu)",
					(unsigned long long)p1, (unsigned long long)p0);
	EXPECT_EQ(0, self->m.hdr->lost);
	/* the kernel never writes userspace's index */
	EXPECT_EQ(p0 + 1000000, self->m.hdr->consumer);

	/* back to a sane index: the ring works on */
	smtj_ring_consume(&self->m, p1);
	smtj_sleep_ms(30);
	EXPECT_LT(p1, smtj_ring_producer(&self->m));
	EXPECT_EQ(0, self->m.hdr->lost);
}

/*
 * Rewinding consumer to 0 after 2048+ samples were consumed must not make
 * them "unconsumed" (a full ring, every chunk lost, the producer stuck).
 * GET_INFO makes the kernel take in the consumer index at once (consumed),
 * so nothing depends on how long a sleep takes; a loss is allowed only if
 * the ring really filled from c: 1024 samples at 5 kHz take 204.8 ms, and a
 * loaded host may well sleep that long.
 */
TEST_F(ring, consumer_never_moves_back)
{
	const uint64_t fill_ns = 1024ULL * 1000000000ULL / 5000;
	uint64_t c = 0, p, t_c, lost_c, end;
	struct smtj_info info;

	start(_metadata, self, 1024, 5000);
	end = smtj_now_ns() + 500000000ULL;
	while (smtj_now_ns() < end || c <= 2048) {	/* past two rings */
		c = smtj_ring_producer(&self->m);
		smtj_ring_consume(&self->m, c);
		smtj_sleep_ms(5);
		ASSERT_GT(end + 10000000000ULL, smtj_now_ns())
			TH_LOG("producer stuck at %llu", (unsigned long long)c);
	}
	ASSERT_EQ(0, smtj_get_info(self->fd, &info));
	ASSERT_EQ(c, info.consumed);	/* the kernel has seen c */
	t_c = smtj_now_ns();
	lost_c = self->m.hdr->lost;
	smtj_ring_consume(&self->m, 0);
	ASSERT_EQ(0, smtj_get_info(self->fd, &info));
	EXPECT_EQ(c, info.consumed);	/* the rewind is ignored */
	/* the producer goes on into the room after c */
	end = smtj_now_ns() + 5000000000ULL;
	do {
		smtj_sleep_ms(10);
		p = smtj_ring_producer(&self->m);
	} while (p <= c && smtj_now_ns() < end);
	EXPECT_LT(c, p);
	if (self->m.hdr->lost != lost_c)
		EXPECT_LE(fill_ns, smtj_now_ns() - t_c)
			TH_LOG("lost %llu after the rewind, before the ring could fill",
			       (unsigned long long)(self->m.hdr->lost - lost_c));
}

/* poll() on a mapped ring: EPOLLIN at the watermark, not before */
TEST_F(ring, poll_watermark_when_mapped)
{
	struct pollfd p = { .fd = self->fd, .events = POLLIN };
	struct smtj_consumer c;
	uint64_t t0, dt, prod;

	start_wm(_metadata, self, 4096, 2000, 500);
	ASSERT_EQ(0, smtj_get_consumer(self->fd, &c));
	ASSERT_EQ(500, c.watermark);
	t0 = self->t_start;
	EXPECT_EQ(0, poll(&p, 1, 0));	/* 500 samples take 250 ms */
	ASSERT_EQ(1, poll(&p, 1, 3000));
	dt = smtj_now_ns() - t0;
	EXPECT_TRUE(p.revents & POLLIN);
	prod = smtj_ring_producer(&self->m);
	EXPECT_LE(c.watermark, prod - self->m.hdr->consumer);
	EXPECT_LE(240000000ULL, dt) TH_LOG("POLLIN after %llu ns", (unsigned long long)dt);
	/* consumed: not readable until the next 500 */
	smtj_ring_consume(&self->m, prod);
	p.revents = 0;
	EXPECT_EQ(0, poll(&p, 1, 0));
	ASSERT_EQ(1, poll(&p, 1, 3000));
	EXPECT_LE(prod + c.watermark, smtj_ring_producer(&self->m));
}

/* mmap(@len, @prot, @flags, @off) must fail with @err. */
static void map_fails(struct __test_metadata *_metadata, int fd, size_t len,
		      int prot, int flags, off_t off, int err, const char *what)
{
	void *p;

	errno = 0;
	p = mmap(NULL, len, prot, flags, fd, off);
	EXPECT_EQ(MAP_FAILED, p) TH_LOG("%s was mapped", what);
	if (p != MAP_FAILED)
		munmap(p, len);
	else
		EXPECT_EQ(err, errno) TH_LOG("%s: %s", what, strerror(errno));
}

/* UAPI: a writable mapping of the data pages fails with -EACCES */
TEST_F(ring, data_write_refused)
{
	off_t off;
	size_t len;

	start(_metadata, self, 4096, 10000);
	off = self->info.ring_data_offset;
	len = self->info.ring_data_size;
	map_fails(_metadata, self->fd, len, PROT_READ | PROT_WRITE, MAP_SHARED, off,
		  EACCES, "data, shared, writable");
	map_fails(_metadata, self->fd, len, PROT_READ | PROT_WRITE, MAP_PRIVATE, off,
		  EACCES, "data, private, writable");
	map_fails(_metadata, self->fd, len, PROT_WRITE, MAP_SHARED, off,
		  EACCES, "data, write-only");
	/* nor can the read-only mapping be made writable */
	errno = 0;
	EXPECT_EQ(-1, mprotect((void *)self->m.data, self->m.data_len,
			       PROT_READ | PROT_WRITE));
	EXPECT_EQ(EACCES, errno);
}

/* A mapping cannot be grown past its region, nor moved onto a bigger one. */
TEST_F(ring, mremap_cannot_grow)
{
	long page = sysconf(_SC_PAGESIZE);
	void *p;

	start(_metadata, self, 4096, 10000);
	p = mremap((void *)self->m.data, self->m.data_len, self->m.data_len + page,
		   MREMAP_MAYMOVE);
	EXPECT_EQ(MAP_FAILED, p) TH_LOG("the data mapping grew");
	if (p != MAP_FAILED) {
		self->m.data = p;
		self->m.data_len += page;
	}
	p = mremap(self->m.hdr, self->m.hdr_len, 2 * page, MREMAP_MAYMOVE);
	EXPECT_EQ(MAP_FAILED, p) TH_LOG("the header mapping grew");
	if (p != MAP_FAILED) {
		self->m.hdr = p;
		self->m.hdr_len = 2 * page;
	}
	/* moving without growing is harmless and keeps working */
	p = mremap((void *)self->m.data, self->m.data_len, self->m.data_len,
		   MREMAP_MAYMOVE);
	if (p != MAP_FAILED)
		self->m.data = p;
	smtj_sleep_ms(20);
	EXPECT_EQ((uint16_t)(smtj_ring_producer(&self->m) - 1),
		  sample_at(self, smtj_ring_producer(&self->m) - 1));
}

/* UAPI: any offset or length but the two regions fails with -EINVAL */
TEST_F(ring, map_past_region_refused)
{
	long page = sysconf(_SC_PAGESIZE);
	uint64_t p0;
	off_t off;
	size_t len;

	start(_metadata, self, 4096, 10000);
	off = self->info.ring_data_offset;
	len = self->info.ring_data_size;
	map_fails(_metadata, self->fd, 2 * page, PROT_READ | PROT_WRITE, MAP_SHARED, 0,
		  EINVAL, "header + 1 page");
	map_fails(_metadata, self->fd, 2 * page, PROT_READ, MAP_SHARED, 0,
		  EINVAL, "header + 1 page, read-only");
	map_fails(_metadata, self->fd, len + page, PROT_READ, MAP_SHARED, off,
		  EINVAL, "data + 1 page");
	map_fails(_metadata, self->fd, len, PROT_READ, MAP_SHARED, off + page,
		  EINVAL, "data from its second page");
	map_fails(_metadata, self->fd, page, PROT_READ, MAP_SHARED, off + len,
		  EINVAL, "the page after the data");
	map_fails(_metadata, self->fd, page, PROT_READ, MAP_SHARED, off + 64 * len,
		  EINVAL, "far past the data");
	if (off > page)		/* a hole between header and data */
		map_fails(_metadata, self->fd, page, PROT_READ, MAP_SHARED, page,
			  EINVAL, "between header and data");
	/* the ring itself still works */
	p0 = smtj_ring_producer(&self->m);
	smtj_sleep_ms(20);
	EXPECT_LT(p0, smtj_ring_producer(&self->m));
}

SMTJ_TEST_MAIN
