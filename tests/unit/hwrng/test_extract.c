// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Host tests of common/smtj_extract.c: Peres' extractor exactly (output
 * uniform given its length, by enumeration), the pipeline on the shared
 * junction model at the paper's parameters (levels, dwell, decimation,
 * output statistics against the raw thresholded states), several
 * junctions, and every planned fault tripping within its stated bound,
 * stopping the output and recovering by the documented rule.
 */
#include <errno.h>
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "smtj_extract.h"
#include "smtj_model.h"
#include "../tap.h"
#include "rnd.h"

static struct tap tap;
static struct smtj_extract ex;
static u16 buf[4096];
static u64 idx;		/* device index of the next sample */

/* Feed contiguous samples; returns how many the extractor took. */
static size_t feed(const u16 *b, size_t n)
{
	size_t k = smtj_extract_feed(&ex, b, n, idx);

	idx += k;
	return k;
}

/* ---- Peres, exactly ---- */

/*
 * Every input of n bits from a stationary two-state chain that goes
 * 0 -> 1 with probability a and 1 -> 0 with probability b (i.i.d. with
 * P(1) = q when a = q, b = 1 - q): the probability of each output string
 * should be the same for all strings of one length.  Returns the largest
 * relative deviation from that; *rate: expected output bits per input.
 */
static double peres_markov(u32 n, u32 depth, double a, double b, double *rate)
{
	static double prob[1 << 17];	/* by (length, value): 2^len + value */
	u8 arena[64], out[32];
	double worst = 0, bits = 0;
	u32 x, i, len;

	memset(prob, 0, sizeof(prob));
	for (x = 0; x < (1U << n); x++) {
		double p = x & 1 ? a / (a + b) : b / (a + b);
		u32 m, v = 0;

		for (i = 1; i < n; i++) {
			u32 from = (x >> (i - 1)) & 1, to = (x >> i) & 1;

			p *= from ? (to ? 1 - b : b) : (to ? a : 1 - a);
		}

		for (i = 0; i < n; i++)
			arena[i] = (x >> i) & 1;
		m = smtj_peres(arena, n, depth, out);
		for (i = 0; i < m; i++)
			v = (v << 1) | out[i];
		prob[(1U << m) + v] += p;
		bits += p * m;
	}
	for (len = 0; len <= n; len++) {
		double sum = 0;

		for (i = 0; i < (1U << len); i++)
			sum += prob[(1U << len) + i];
		for (i = 0; i < (1U << len) && sum > 0; i++) {
			double d = fabs(prob[(1U << len) + i] * (1U << len) / sum - 1);

			if (d > worst)
				worst = d;
		}
	}
	*rate = bits / n;
	return worst;
}

static double peres_exact(u32 n, u32 depth, double q, double *rate)
{
	return peres_markov(n, depth, q, 1 - q, rate);
}

/* ---- sample sources ---- */

struct src {
	int kind;
	struct smtj_model m;
	u16 code;
	u32 sigma;
};

enum { SRC_MODEL, SRC_CONST, SRC_NOISE };

static void src_model(struct src *s, const struct smtj_sim_config *sc)
{
	s->kind = SRC_MODEL;
	smtj_model_init(&s->m, sc);
}

static void src_fill(struct src *s, u16 *out, size_t n)
{
	size_t i;

	switch (s->kind) {
	case SRC_MODEL:
		smtj_model_fill(&s->m, out, n);
		break;
	case SRC_CONST:
		for (i = 0; i < n; i++)
			out[i] = s->code;
		break;
	case SRC_NOISE:		/* disconnected input: one broad hump */
		for (i = 0; i < n; i++) {
			s32 z = smtj_model_normal_q24((u32)rnd());

			out[i] = (u16)(s->code + (((s64)z * s->sigma) >> 24));
		}
		break;
	}
}

/* Feed @n samples in chunks; returns the bytes that became readable. */
static size_t run(struct src *s, uint64_t n, FILE *sink)
{
	static u8 bytes[4096];
	size_t got = 0, k;

	while (n) {
		size_t c = n < 4096 ? n : 4096;

		size_t off = 0;

		src_fill(s, buf, c);
		n -= c;
		while (off < c) {
			off += feed(buf + off, c - off);
			while ((k = smtj_extract_read(&ex, bytes, sizeof(bytes)))) {
				if (sink)
					fwrite(bytes, 1, k, sink);
				got += k;
			}
		}
	}
	return got;
}

/* Samples until the pipeline leaves the ok state, at most @limit. */
static uint64_t until_fail(struct src *s, uint64_t limit, size_t *leaked)
{
	uint64_t i, t;
	u8 b[64];

	*leaked = 0;
	for (i = 0; i < limit; i++) {
		src_fill(s, buf, 1);
		feed(buf, 1);
		if (smtj_extract_state(&ex) != SMTJ_HEALTH_OK)
			break;
	}
	/* nothing readable once failed, however long the fault lasts */
	*leaked += smtj_extract_read(&ex, b, sizeof(b));
	for (t = i; t < limit; t += 4096)
		*leaked += run(s, 4096, NULL);
	return i;
}

/* ---- statistics of a bit stream ---- */

struct bitstat {
	uint64_t n, ones, same;
	unsigned int last;
};

static void bits_add(struct bitstat *b, const u8 *p, size_t len)
{
	size_t i;
	int k;

	for (i = 0; i < len; i++) {
		for (k = 7; k >= 0; k--) {
			unsigned int bit = (p[i] >> k) & 1;

			if (b->n)
				b->same += bit == b->last;
			b->ones += bit;
			b->last = bit;
			b->n++;
		}
	}
}

/*
 * @n samples from @s, of which the extractor sees the first @seen of every
 * @period (the others go to other consumers); output bits into @ob.
 */
static void collect(struct src *s, uint64_t n, u32 seen, u32 period,
		    struct bitstat *ob)
{
	static u8 bytes[4096];
	uint64_t i;
	size_t k;

	memset(ob, 0, sizeof(*ob));
	for (i = 0; i < n; i += period) {
		src_fill(s, buf, period);
		feed(buf, seen);
		idx += period - seen;
		while ((k = smtj_extract_read(&ex, bytes, sizeof(bytes))))
			bits_add(ob, bytes, k);
	}
}

/* |z| of the ones fraction and of the lag-1 agreement, both vs 1/2 */
static double z_half(uint64_t k, uint64_t n)
{
	return fabs((double)k - n / 2.0) / (sqrt((double)n) / 2);
}

static void sim_paper(struct smtj_sim_config *sc, u64 seed)
{
	smtj_model_default_config(sc);
	sc->seed = seed;
}

static void ex_paper(struct smtj_extract_config *c)
{
	smtj_extract_default_config(c);	/* 14-bit ADC, one junction */
}

static const char *const fault_name[] = {
	"stuck output code", "one junction stops switching",
	"strong bias (one state 99 %)", "switching 100x slower",
	"ADC saturation", "disconnected input (floating, no levels)",
	"disconnected input (pulled to 0)",
};

int main(void)
{
	struct smtj_extract_config c;
	struct smtj_sim_config sc;
	struct src s, f;
	struct bitstat ob = { 0 }, rb = { 0 };
	double rate, dev, rate_vn, rate_p;
	uint64_t i, t;
	size_t got, leaked;
	int bad, fault;
	u8 arena[2 * 256], out[256];

	rnd_state = 0x0123456789abcdefULL;

	/* configuration */
	ex_paper(&c);
	bad = smtj_extract_init(&ex, &c) != 0;
	c.nr_junctions = 0;
	bad += smtj_extract_init(&ex, &c) != -EINVAL;
	c.nr_junctions = 9;
	bad += smtj_extract_init(&ex, &c) != -EINVAL;
	ex_paper(&c);
	c.block_bits = 255;
	bad += smtj_extract_init(&ex, &c) != -EINVAL;
	c.block_bits = 258;
	bad += smtj_extract_init(&ex, &c) != -EINVAL;
	ex_paper(&c);
	c.peres_depth = 9;
	bad += smtj_extract_init(&ex, &c) != -EINVAL;
	c.peres_depth = 0;
	bad += smtj_extract_init(&ex, &c) != -EINVAL;
	ex_paper(&c);
	c.decim_max = c.decim_min - 1;
	bad += smtj_extract_init(&ex, &c) != -EINVAL;
	ex_paper(&c);
	c.health.alphabet = 4;
	bad += smtj_extract_init(&ex, &c) != -EINVAL;
	ex_paper(&c);
	c.health.alpha_log2 = 50;
	bad += smtj_extract_init(&ex, &c) != -EINVAL;
	ex_paper(&c);
	c.level[0] = 5;		/* one junction: levels are tracked */
	bad += smtj_extract_init(&ex, &c) != -EINVAL;
	ex_paper(&c);
	c.nr_junctions = 2;
	c.level[0] = 100;
	c.level[1] = 200;
	c.level[2] = 200;	/* two states, one level */
	c.level[3] = 300;
	bad += smtj_extract_init(&ex, &c) != -EINVAL;
	c.level[2] = 20000;	/* above code_max */
	bad += smtj_extract_init(&ex, &c) != -EINVAL;
	c.level[2] = 250;
	c.level[4] = 1;		/* beyond 2^nr_junctions */
	bad += smtj_extract_init(&ex, &c) != -EINVAL;
	c.level[4] = 0;
	bad += smtj_extract_init(&ex, &c) != 0;
	tap_ok(&tap, !bad, "default configuration accepted, every bad field refused");

	/* Peres on a worked example: 01 10 00 11 -> 0 1 . Psi(1100) . Psi(01) */
	{
		static const u8 in[8] = { 0, 1, 1, 0, 0, 0, 1, 1 };
		u32 n;

		memcpy(arena, in, 8);
		n = smtj_peres(arena, 8, 8, out);
		bad = n != 4 || out[0] != 0 || out[1] != 1 || out[2] != 1 ||
		      out[3] != 0;
		memcpy(arena, in, 8);
		n = smtj_peres(arena, 8, 1, out);
		tap_ok(&tap, !bad && n == 2 && out[0] == 0 && out[1] == 1,
		       "Peres and von Neumann on 01100011: 0110 and 01");
	}

	dev = peres_exact(16, 8, 0.3, &rate);
	tap_ok(&tap, dev < 1e-9,
	       "Peres, 16 bits i.i.d. P(1)=0.3, all 65536 inputs: output uniform given its length (deviation %.1e); %.3f bits per input bit, entropy 0.881",
	       dev, rate);
	dev = peres_exact(16, 1, 0.3, &rate);
	tap_ok(&tap, dev < 1e-9 && fabs(rate - 0.21) < 1e-9,
	       "von Neumann, same inputs: uniform given length (%.1e), rate %.3f = q(1-q)",
	       dev, rate);
	dev = peres_exact(16, 3, 0.5, &rate);
	tap_ok(&tap, dev < 1e-9, "Peres depth 3, unbiased: uniform given length (%.1e), rate %.3f",
	       dev, rate);

	/*
	 * Residual correlation after decimation: the paper's junction
	 * decimated by D = 4 x dwell = 50 is a chain with
	 * lambda = (1 - 2p)^D = 1.5e-4 (flip probability (1 - lambda) / 2).
	 * Von Neumann stays exactly unbiased on any stationary chain; the
	 * deviation of Peres' output bounds its min-entropy loss,
	 * log2(1 + deviation) bits per output string.  A 70/30 junction and
	 * an undecimated one (lambda = 0.84) for scale.
	 */
	{
		double lam = pow(1 - 2 * 0.0809, 50), d1, d2, d3, d4, r2;

		d1 = peres_markov(16, 8, (1 - lam) / 2, (1 - lam) / 2, &rate);
		d2 = peres_markov(16, 8, 0.7 * (1 - lam), 0.3 * (1 - lam), &r2);
		d3 = peres_markov(16, 1, 0.7 * (1 - lam), 0.3 * (1 - lam), &r2);
		d4 = peres_markov(16, 8, 0.0809, 0.0809, &r2);
		tap_ok(&tap, d1 < 20 * lam && d2 < 20 * lam && d3 < 20 * lam,
		       "decimated chain, lambda %.2e: Peres deviation %.2e (symmetric), %.2e (70/30), von Neumann %.2e; undecimated %.2f",
		       lam, d1, d2, d3, d4);
	}

	/* rate on unbiased bits, 256-bit blocks */
	{
		uint64_t in = 0, o1 = 0, o8 = 0;

		u8 blk[256];

		for (i = 0; i < 4000; i++) {
			u32 k;

			for (k = 0; k < 256; k++)
				blk[k] = (u8)(rnd() >> 63);
			memcpy(arena, blk, 256);
			o1 += smtj_peres(arena, 256, 1, out);
			memcpy(arena, blk, 256);
			o8 += smtj_peres(arena, 256, 8, out);
			in += 256;
		}
		rate_vn = (double)o1 / in;
		rate_p = (double)o8 / in;
		tap_ok(&tap, fabs(rate_vn - 0.25) < 0.005 && rate_p > 0.78,
		       "unbiased bits, 256-bit blocks: von Neumann %.4f, Peres depth 8 %.4f output bits per input bit",
		       rate_vn, rate_p);
	}

	/*
	 * The paper's junction: p = 0.0809 per 5 us sample, levels 180/238
	 * of a 14-bit ADC, noise 4.5 codes; mean dwell 1/p = 12.36 samples.
	 */
	sim_paper(&sc, 42);
	src_model(&s, &sc);
	ex_paper(&c);
	smtj_extract_init(&ex, &c);
	{
		static u8 bytes[4096];
		uint64_t n = 20000000, done = 0;
		size_t k;
		int j;

		while (done < n) {
			src_fill(&s, buf, 4096);
			feed(buf, 4096);
			done += 4096;
			/* raw thresholded states, packed, for comparison */
			for (k = 0; k < 4096; k += 8) {
				u8 b = 0;

				for (j = 0; j < 8; j++)
					b = (u8)(b << 1 |
						 (2 * buf[k + j] >= (ex.mean_q8[0] + ex.mean_q8[1]) >> 8));
				if (done > 100000 && rb.n < 8000000)
					bits_add(&rb, &b, 1);
			}
			while ((k = smtj_extract_read(&ex, bytes, sizeof(bytes))))
				bits_add(&ob, bytes, k);
		}
	}
	tap_ok(&tap, abs((ex.mean_q8[0] >> 8) - 180) <= 2 &&
	       abs((ex.mean_q8[1] >> 8) - 238) <= 2,
	       "levels tracked: %.1f and %.1f codes (180, 238)",
	       ex.mean_q8[0] / 256.0, ex.mean_q8[1] / 256.0);
	tap_ok(&tap, fabs(ex.j[0].dwell_q8 / 256.0 - 12.36) < 12.36 * 0.15 &&
	       ex.j[0].decim >= 4 * 12.36 * 0.85 && ex.j[0].decim <= 4 * 12.36 * 1.15,
	       "mean dwell %.2f samples (1/p = 12.36, within 15 %%), decimation %u (4 x dwell)",
	       ex.j[0].dwell_q8 / 256.0, ex.j[0].decim);
	tap_ok(&tap, smtj_extract_state(&ex) == SMTJ_HEALTH_OK &&
	       !ex.j[0].health.stats.rct_failures &&
	       !ex.j[0].health.stats.apt_failures && !ex.stats.discarded_bits,
	       "2e7 samples: state ok, no health-test alarm (longest run %u, largest APT count %u)",
	       ex.j[0].health.stats.rct_max, ex.j[0].health.stats.apt_max);
	tap_ok(&tap, ob.n > 300000 && z_half(ob.ones, ob.n) < 5 &&
	       z_half(ob.same, ob.n - 1) < 5,
	       "conditioned output: %llu bits = %.4f per sample; ones z=%.2f, lag-1 agreement z=%.2f (< 5)",
	       (unsigned long long)ob.n, (double)ob.n / ex.stats.samples,
	       z_half(ob.ones, ob.n), z_half(ob.same, ob.n - 1));
	tap_ok(&tap, z_half(rb.same, rb.n - 1) > 100,
	       "raw thresholded states: lag-1 agreement %.3f (z=%.0f): fails, so the extractor does the work",
	       (double)rb.same / (rb.n - 1), z_half(rb.same, rb.n - 1));

	/*
	 * Shared device: the extractor sees one 64-sample chunk in three (the
	 * core's fan-out to three consumers).  Transitions across the gaps
	 * are not counted, so the dwell is still measured right.
	 */
	sim_paper(&sc, 43);
	src_model(&s, &sc);
	ex_paper(&c);
	smtj_extract_init(&ex, &c);
	collect(&s, 30000000, 64, 192, &ob);
	tap_ok(&tap, smtj_extract_state(&ex) == SMTJ_HEALTH_OK &&
	       fabs(ex.j[0].dwell_q8 / 256.0 - 12.36) < 12.36 * 0.15 &&
	       ex.stats.gaps > 100000 && z_half(ob.ones, ob.n) < 5 &&
	       z_half(ob.same, ob.n - 1) < 5,
	       "one chunk in three: dwell %.2f (12.36), %llu gaps, %llu output bits, ones z=%.2f, lag-1 z=%.2f",
	       ex.j[0].dwell_q8 / 256.0, (unsigned long long)ex.stats.gaps,
	       (unsigned long long)ob.n, z_half(ob.ones, ob.n),
	       z_half(ob.same, ob.n - 1));

	/* Two junctions: table decoding, one dwell and decimation each. */
	sim_paper(&sc, 7);
	sc.nr_junctions = 2;
	sc.p_leave[1][0] = 40000000;	/* junction 1: dwell 25 */
	sc.p_leave[1][1] = 40000000;
	sc.level[0] = 180;
	sc.level[1] = 238;
	sc.level[2] = 300;
	sc.level[3] = 358;
	src_model(&s, &sc);
	ex_paper(&c);
	c.nr_junctions = 2;
	memcpy(c.level, sc.level, 4 * sizeof(c.level[0]));
	smtj_extract_init(&ex, &c);
	collect(&s, 5000000, 4096, 4096, &ob);
	tap_ok(&tap, smtj_extract_state(&ex) == SMTJ_HEALTH_OK &&
	       fabs(ex.j[0].dwell_q8 / 256.0 - 12.36) < 12.36 * 0.15 &&
	       fabs(ex.j[1].dwell_q8 / 256.0 - 25) < 25 * 0.15 &&
	       z_half(ob.ones, ob.n) < 5 && z_half(ob.same, ob.n - 1) < 5,
	       "two junctions: dwell %.1f and %.1f (12.4, 25), decimation %u and %u, %.4f bits per sample, ones z=%.2f, lag-1 z=%.2f",
	       ex.j[0].dwell_q8 / 256.0, ex.j[1].dwell_q8 / 256.0,
	       ex.j[0].decim, ex.j[1].decim, (double)ob.n / ex.stats.samples,
	       z_half(ob.ones, ob.n), z_half(ob.same, ob.n - 1));

	/* Without reads, feeding stops before the output buffer overflows. */
	{
		static u16 many[1 << 20];
		size_t used;

		src_fill(&s, many, 1 << 20);
		used = feed(many, 1 << 20);
		idx += (1 << 20) - used;
		tap_ok(&tap, used < (1 << 20) && !ex.stats.overrun_bytes &&
		       smtj_extract_avail(&ex) > SMTJ_EXTRACT_OUT_BYTES - 64,
		       "unread output: feed consumed %zu of %u codes, %zu bytes buffered, none dropped",
		       used, 1U << 20, smtj_extract_avail(&ex));
	}

	/*
	 * Faults.  Each one starts after 2e6 good samples (output flowing),
	 * must take the pipeline out of the ok state within its bound,
	 * leaves nothing readable while it lasts, and when it is cleared the
	 * pipeline recovers: by itself from an intermittent failure, after
	 * smtj_extract_reset() from a permanent one.
	 */
	for (fault = 0; fault < 7; fault++) {
		/* stated bounds in samples (Documentation/driver-api/smtj-hwrng.rst) */
		static const uint64_t bound[] = {
			2 * 4096 + 61 * 8, 2 * 4096 + 61 * 8, 4096 + 1024 * 512,
			2 * 4096 + 61 * 8, 2 * 4096 + 61 * 8, 3 * 4096 + 61 * 8,
			2 * 4096 + 61 * 8,
		};
		u32 nj = fault == 1 ? 2 : 1;
		uint64_t rec;
		int perm;

		sim_paper(&sc, 100 + fault);
		ex_paper(&c);
		if (nj == 2) {
			sc.nr_junctions = 2;
			sc.p_leave[1][0] = sc.p_leave[0][0];
			sc.p_leave[1][1] = sc.p_leave[0][1];
			sc.level[2] = 300;
			sc.level[3] = 358;
			c.nr_junctions = 2;
			memcpy(c.level, sc.level, 4 * sizeof(c.level[0]));
		}
		src_model(&s, &sc);
		smtj_extract_init(&ex, &c);
		got = run(&s, 2000000, NULL);
		bad = got == 0 || smtj_extract_state(&ex) != SMTJ_HEALTH_OK;

		memset(&f, 0, sizeof(f));
		switch (fault) {
		case 0:
			f.kind = SRC_CONST;
			f.code = 238;
			break;
		case 1:		/* junction 1 freezes in state 1 */
			sc.p_leave[1][0] = 0;
			sc.p_leave[1][1] = 0;
			sc.seed = 999;
			src_model(&f, &sc);
			f.m.state |= 2;
			break;
		case 2:		/* state 1 occupied 99 %, dwell still short */
			sc.p_leave[0][0] = 990000000;
			sc.p_leave[0][1] = 10000000;
			src_model(&f, &sc);
			break;
		case 3:
			sc.p_leave[0][0] /= 100;
			sc.p_leave[0][1] /= 100;
			src_model(&f, &sc);
			break;
		case 4:
			f.kind = SRC_CONST;
			f.code = 16383;
			break;
		case 5:
			f.kind = SRC_NOISE;
			f.code = 2000;
			f.sigma = 300;
			break;
		case 6:
			f.kind = SRC_CONST;
			f.code = 0;
			break;
		}
		t = until_fail(&f, 2 * bound[fault], &leaked);
		perm = smtj_extract_state(&ex) == SMTJ_HEALTH_PERMANENT;
		/* clear the fault: the good junction again */
		if (perm)
			smtj_extract_reset(&ex);
		for (rec = 0, got = 0; rec < 4000000 && !got; rec += 4096)
			got = run(&s, 4096, NULL);
		tap_ok(&tap, !bad && t <= bound[fault] && !leaked &&
		       smtj_extract_state(&ex) == SMTJ_HEALTH_OK && got,
		       "fault %s: tripped after %llu samples (bound %llu), %s, nothing readable; cleared%s: output again after %llu samples",
		       fault_name[fault], (unsigned long long)t,
		       (unsigned long long)bound[fault],
		       perm ? "permanent" : "intermittent",
		       perm ? " and reset" : "", (unsigned long long)rec);
	}

	/*
	 * A short glitch with a lenient permanent rule (K = 16): intermittent
	 * failure, cleared by N = 2 good windows without any reset.
	 */
	sim_paper(&sc, 200);
	src_model(&s, &sc);
	ex_paper(&c);
	c.health.perm_failures = 16;
	c.health.perm_windows = 16;
	smtj_extract_init(&ex, &c);
	run(&s, 2000000, NULL);
	memset(&f, 0, sizeof(f));
	f.kind = SRC_CONST;
	f.code = 180;
	t = until_fail(&f, 5000, &leaked);
	bad = smtj_extract_state(&ex) != SMTJ_HEALTH_FAIL;
	{
		uint64_t rec;

		for (rec = 0, got = 0; rec < 4000000 && !got; rec += 4096)
			got = run(&s, 4096, NULL);
		tap_ok(&tap, !bad && !leaked && got &&
		       ex.j[0].health.stats.intermittent == 1 &&
		       smtj_extract_state(&ex) == SMTJ_HEALTH_OK,
		       "5000-sample glitch: intermittent after %llu samples; recovers by itself, output after %llu samples",
		       (unsigned long long)t, (unsigned long long)rec);
	}

	return tap_done(&tap);
}
