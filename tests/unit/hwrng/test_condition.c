// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Host tests of the SHA-256 conditioner of common/smtj_extract.c: the
 * userspace SHA-256 against FIPS 180-4's examples, the configuration it
 * needs, and its accounting exactly: each output is the digest of the
 * states of exactly the samples since the previous output, packed as
 * documented, and there are ceil(320000 / min_entropy) of them when all
 * count (one more per sample that does not: a rail code).  Then a health
 * failure drops what was pending, and the rate on the junction model at
 * the paper's parameters.
 */
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "smtj_extract.h"
#include "smtj_model.h"
#include "source.h"
#include "../tap.h"
#include "rnd.h"

#define LO	4000
#define HI	12000
#define NSTATE	(1U << 20)

static struct tap tap;
static struct smtj_extract ex;
static u8 state[NSTATE];	/* state of each sample fed */
static u16 code[NSTATE];

static void hex(const u8 *d, char *s)
{
	int i;

	for (i = 0; i < SHA256_DIGEST_SIZE; i++)
		sprintf(s + 2 * i, "%02x", d[i]);
}

static void kat(const char *msg, size_t reps, const char *want)
{
	struct sha256_state st;
	u8 d[SHA256_DIGEST_SIZE];
	char got[2 * SHA256_DIGEST_SIZE + 1];
	size_t i;

	sha256_init(&st);
	for (i = 0; i < reps; i++)
		sha256_update(&st, (const u8 *)msg, (unsigned int)strlen(msg));
	sha256_final(&st, d);
	hex(d, got);
	tap_ok(&tap, !strcmp(got, want), "sha256 of %zu x \"%.20s\": %s",
	       reps, msg, got);
}

/* Digest of states [from, to) packed 8 per byte, MSB first, last left-aligned */
static void expect(size_t from, size_t to, u8 *d)
{
	struct sha256_state st;
	u8 b = 0;
	size_t i, n = 0;

	sha256_init(&st);
	for (i = from; i < to; i++) {
		b = (u8)(b << 1 | state[i]);
		if (++n == 8) {
			sha256_update(&st, &b, 1);
			b = 0;
			n = 0;
		}
	}
	if (n) {
		b = (u8)(b << (8 - n));
		sha256_update(&st, &b, 1);
	}
	sha256_final(&st, d);
}

/*
 * A two-state Markov source, well separated levels and no noise, so that
 * the state of every code is known; switching probability 2^-@k per
 * sample (k = 3: a Markov estimate of 0.199 bit per state; k = 1: fair
 * coin flips, 1 bit).  Codes at @rail_every-th samples are at the rail
 * (0): stuck, not counted.
 */
static void make_source(size_t rail_every, u32 k)
{
	u32 s = 0;
	size_t i;

	for (i = 0; i < NSTATE; i++) {
		if ((rnd() & ((1U << k) - 1)) == 0)
			s ^= 1;
		state[i] = (u8)s;
		code[i] = s ? HI : LO;
		if (rail_every && i % rail_every == rail_every - 1) {
			code[i] = 0;
			state[i] = 0;
		}
	}
}

/*
 * Feed one sample at a time; check every output against the digest of
 * the states since the previous one, and the number of those against
 * @per (counting samples that count) plus the rail codes among them.
 */
static void accounting(u32 min_entropy, size_t rail_every)
{
	u8 out[SHA256_DIGEST_SIZE], want[SHA256_DIGEST_SIZE];
	u32 per = (SMTJ_EXTRACT_SHA_CREDIT_MB + min_entropy - 1) / min_entropy;
	size_t i, last = SIZE_MAX, outputs = 0, bad_len = 0, bad_digest = 0;

	/*
	 * A source that has what is claimed: the online estimate fails a
	 * claim above it (test_online), which drops the pending input.
	 */
	make_source(rail_every, min_entropy > 150 ? 1 : 3);
	if (sha256_extractor(&ex, min_entropy)) {
		tap_ok(&tap, 0, "init sha256 %u", min_entropy);
		return;
	}
	for (i = 0; i < NSTATE; i++) {
		size_t n, counted = 0, k;

		if (smtj_extract_feed(&ex, &code[i], 1, i) != 1)
			break;
		if (!smtj_extract_avail(&ex))
			continue;
		n = smtj_extract_read(&ex, out, sizeof(out));
		if (n != sizeof(out) || smtj_extract_avail(&ex)) {
			bad_len++;
			continue;
		}
		/* the first output starts when the health tests pass: unknown */
		if (last != SIZE_MAX) {
			for (k = last + 1; k <= i; k++)
				counted += code[k] != 0;
			expect(last + 1, i + 1, want);
			bad_len += counted != per;
			bad_digest += memcmp(out, want, sizeof(out)) != 0;
		}
		last = i;
		outputs++;
	}
	tap_ok(&tap, outputs > 20 && !bad_len && !bad_digest,
	       "sha256, %u mbit/sample, rail every %zu: %zu outputs, %zu of %u counted samples wrong, %zu digests wrong",
	       min_entropy, rail_every, outputs, bad_len, per, bad_digest);
	tap_ok(&tap, ex.stats.out_bits == 256 * outputs &&
	       ex.stats.hashed >= (outputs - 1) * per,
	       "stats: %llu output bits, %llu samples hashed",
	       (unsigned long long)ex.stats.out_bits,
	       (unsigned long long)ex.stats.hashed);
}

static void config(void)
{
	struct smtj_extract_config c;
	int bad;

	smtj_extract_default_config(&c);
	c.conditioner = SMTJ_COND_SHA256;
	bad = smtj_extract_init(&ex, &c) != -EINVAL;	/* no min-entropy */
	c.min_entropy = 1001;				/* above 1 bit/junction */
	bad += smtj_extract_init(&ex, &c) != -EINVAL;
	c.min_entropy = 1000;
	bad += smtj_extract_init(&ex, &c) != 0;
	c.conditioner = 2;
	bad += smtj_extract_init(&ex, &c) != -EINVAL;
	c.conditioner = SMTJ_COND_PERES;
	c.min_entropy = 0;				/* Peres needs none */
	bad += smtj_extract_init(&ex, &c) != 0;
	c.min_entropy = 2001;
	c.nr_junctions = 2;
	c.level[0] = 100;
	c.level[1] = 200;
	c.level[2] = 300;
	c.level[3] = 400;
	bad += smtj_extract_init(&ex, &c) != -EINVAL;
	c.min_entropy = 2000;
	bad += smtj_extract_init(&ex, &c) != 0;
	tap_ok(&tap, !bad, "configuration: %d wrong answers", bad);
}

/* A stuck code trips the RCT: what was hashed is dropped, nothing comes. */
static void failure_drops(void)
{
	static u16 stuck[4096];
	size_t i, fed = 0;

	make_source(0, 3);
	if (!tap_ok(&tap, !sha256_extractor(&ex, 60), "stuck: extractor"))
		return;
	for (i = 0; i < NSTATE / 2; i += 256)
		while (smtj_extract_feed(&ex, code + i, 256, i) != 256)
			smtj_extract_read(&ex, (u8 *)stuck, sizeof(stuck));
	smtj_extract_read(&ex, (u8 *)stuck, sizeof(stuck));
	tap_ok(&tap, smtj_extract_state(&ex) == SMTJ_HEALTH_OK &&
	       ex.nr_hashed > 0, "healthy with %u samples pending", ex.nr_hashed);
	for (i = 0; i < 4096; i++)
		stuck[i] = LO;
	while (smtj_extract_state(&ex) == SMTJ_HEALTH_OK && fed < 1U << 20) {
		smtj_extract_feed(&ex, stuck, 4096, NSTATE / 2 + fed);
		fed += 4096;
	}
	tap_ok(&tap, smtj_extract_state(&ex) != SMTJ_HEALTH_OK &&
	       !ex.nr_hashed && !ex.credit_mb && !smtj_extract_avail(&ex),
	       "stuck: %s after %zu samples, %u pending, %zu bytes readable",
	       smtj_health_state_name(smtj_extract_state(&ex)), fed,
	       ex.nr_hashed, smtj_extract_avail(&ex));
}

/* The paper's junction at 200 kHz, 0.060 bits per state: >= 0.045 out. */
static void paper_rate(void)
{
	struct smtj_sim_config sc;
	struct smtj_model m;
	static u8 bytes[SMTJ_EXTRACT_OUT_BYTES];
	u64 n = 0, got = 0, total = 8ULL << 20;
	double bps;

	junction_model(&m, &sc, 42);
	if (!tap_ok(&tap, !sha256_extractor(&ex, 60), "paper junction: extractor"))
		return;
	while (n < total) {
		size_t off = 0;

		smtj_model_fill(&m, code, NSTATE);
		while (off < NSTATE) {
			off += smtj_extract_feed(&ex, code + off, NSTATE - off,
						 n + off);
			got += smtj_extract_read(&ex, bytes, sizeof(bytes));
		}
		n += NSTATE;
	}
	bps = 8.0 * got / n;
	/* at most 256 / 5334 = 0.04799: only start-up and failures cost */
	tap_ok(&tap, bps >= 0.045 && bps <= 256.0 / 5334 + 1e-9,
	       "paper junction, sha256 at 60 mbit/state: %.5f bits/sample",
	       bps);
}

int main(void)
{
	rnd_state = 0x5eedc0dedULL;
	kat("abc", 1,
	    "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
	kat("", 1,
	    "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
	kat("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq", 1,
	    "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1");
	kat("a", 1000000,
	    "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0");
	config();
	accounting(60, 0);
	accounting(1000, 0);
	accounting(333, 97);
	failure_drops();
	paper_rate();
	return tap_done(&tap);
}
