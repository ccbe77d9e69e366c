// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Host tests of the level-table checks of common/smtj_extract.c that the
 * IIO backend applies to smtj,levels-microvolt: the order of a series
 * array's states (every divider of random junctions passes in both
 * orientations, every single misplaced entry is caught at a step that is
 * really wrong), the conversion to ADC codes (rounding, offset, signed
 * channels such as the ADS1115's), the rails and states that share a code.
 */
#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "smtj_extract.h"
#include "../tap.h"
#include "rnd.h"

static struct tap tap;

/* 3.3 V / 2^14 and the ADS1115's 0.256 V / 2^15 a code, in fV */
#define SCALE_3V3_14	201416015625ULL
#define SCALE_256MV_16	7812500000ULL

/*
 * The voltages of n junctions in series in a divider from @vs_uv through
 * @rf: lower arm V = vs R / (rf + R), upper arm V = vs rf / (rf + R), with
 * R the sum of the junctions' resistances (r[j] + dr[j] when bit j is set).
 */
static void divider(u32 *uv, u32 n, const double *r, const double *dr,
		    double rf, double vs_uv, int upper)
{
	u32 s, j;

	for (s = 0; s < (1U << n); s++) {
		double rt = 0;

		for (j = 0; j < n; j++)
			rt += r[j] + (s >> j & 1 ? dr[j] : 0);
		uv[s] = (u32)(vs_uv * (upper ? rf : rt) / (rf + rt) + 0.5);
	}
}

/* Whether the step a -> b really breaks the order of @uv. */
static int step_wrong(const u32 *uv, u32 a, u32 b)
{
	int up = uv[1] > uv[0];

	if ((b & ~a) == 0 || ((b & ~a) & ((b & ~a) - 1)) || (a & ~b))
		return 0;	/* not a one-junction step */
	return up ? !(uv[b] > uv[a]) : !(uv[b] < uv[a]);
}

int main(void)
{
	struct smtj_levels_error err;
	struct smtj_levels_adc adc = {
		.scale_fv = SCALE_3V3_14, .bits = 14,
	};
	u32 uv[256];
	u16 code[256];
	int bad, trial, caught, real;

	rnd_state = 0x5eedULL;

	/* order */
	{
		u32 up[2] = { 36200, 48000 }, down[2] = { 48000, 36200 };
		u32 flat[2] = { 48000, 48000 };

		tap_ok(&tap, !smtj_extract_levels_order(up, 1, &err) &&
		       !smtj_extract_levels_order(down, 1, &err),
		       "one junction: either way is in order");
		tap_ok(&tap, smtj_extract_levels_order(flat, 1, &err) == -EINVAL &&
		       err.fault == SMTJ_LEVELS_ORDER && err.a == 0 && err.b == 1,
		       "one junction, both states one voltage: refused at 0 -> 1");
	}
	{
		u32 ok[4] = { 100000, 150000, 250000, 300000 };
		u32 rev[4] = { 300000, 250000, 150000, 100000 };
		u32 mixed[4] = { 100000, 150000, 90000, 300000 };
		u32 late[4] = { 100000, 150000, 250000, 200000 };

		bad = smtj_extract_levels_order(ok, 2, &err) != 0;
		bad += smtj_extract_levels_order(rev, 2, &err) != 0;
		tap_ok(&tap, !bad, "two junctions, both up or both down: in order");
		bad = smtj_extract_levels_order(mixed, 2, &err) != -EINVAL ||
		      err.fault != SMTJ_LEVELS_ORDER || err.a != 0 || err.b != 2;
		tap_ok(&tap, !bad, "junction 1 lowers what junction 0 raises: refused at 0 -> 2 (%u -> %u)",
		       err.a, err.b);
		bad = smtj_extract_levels_order(late, 2, &err) != -EINVAL ||
		      err.a != 2 || err.b != 3;
		tap_ok(&tap, !bad, "state 3 below state 2: refused at 2 -> 3 (%u -> %u)",
		       err.a, err.b);
		bad = smtj_extract_levels_order(ok, 0, &err) != -EINVAL || err.fault;
		bad += smtj_extract_levels_order(ok, 9, &err) != -EINVAL || err.fault;
		tap_ok(&tap, !bad, "0 or 9 junctions: refused, no fault named");
	}

	/*
	 * Dividers of 1..8 random junctions (2..8 kOhm, a change of 10 to
	 * 200 %) from 3.3 V through 20..200 kOhm, in either arm: in order.
	 * Then one entry moved to a random voltage: whenever the table is
	 * then out of order, the check says so, at a step that is wrong.
	 */
	bad = 0;
	caught = 0;
	real = 0;
	for (trial = 0; trial < 4000; trial++) {
		u32 n = 1 + trial % 8, j, s, t, k;
		double r[8], dr[8], rf = 20e3 + (double)(rnd() % 180000);
		int upper = trial / 8 % 2, wrong = 0;

		for (j = 0; j < n; j++) {
			r[j] = 2e3 + (double)(rnd() % 6000);
			dr[j] = r[j] * (0.1 + (double)(rnd() % 1900) / 1000);
		}
		divider(uv, n, r, dr, rf, 3.3e6, upper);
		bad += smtj_extract_levels_order(uv, n, &err) != 0;
		k = (u32)(rnd() % (1U << n));
		uv[k] = (u32)(rnd() % 3300000);
		for (s = 0; s < (1U << n); s++)
			for (j = 0; j < n; j++) {
				t = s | 1U << j;
				wrong |= t != s && step_wrong(uv, s, t);
			}
		real += wrong;
		if (smtj_extract_levels_order(uv, n, &err)) {
			caught += wrong && step_wrong(uv, err.a, err.b);
			bad += !wrong;
		}
	}
	tap_ok(&tap, !bad && caught == real && real > 1000,
	       "4000 random series arrays in order; of their tables with one entry moved, %d out of order, all caught at a wrong step (%d)",
	       real, caught);

	/* codes: the test ADC's array (3.3 V, 14 bits) */
	{
		u32 in[4] = { 100000, 150000, 250000, 300000 };

		bad = smtj_extract_levels_codes(in, 2, &adc, code, &err) != 0 ||
		      code[0] != 496 || code[1] != 745 || code[2] != 1241 ||
		      code[3] != 1489;
		tap_ok(&tap, !bad, "100/150/250/300 mV at 3.3 V / 2^14: codes %u %u %u %u (496 745 1241 1489)",
		       code[0], code[1], code[2], code[3]);
	}
	{
		/* 499.97 and 999.99999 codes */
		u32 in[2] = { 100702, 201416 };

		bad = smtj_extract_levels_codes(in, 1, &adc, code, &err) != 0 ||
		      code[0] != 500 || code[1] != 1000;
		adc.offset = 100;
		bad += smtj_extract_levels_codes(in, 1, &adc, code, &err) != 0 ||
		       code[0] != 400 || code[1] != 900;
		adc.offset = 0;
		tap_ok(&tap, !bad, "rounding to the nearest code; the channel's offset is subtracted");
	}
	{
		/* ADS1115 at +-0.256 V: 7.8125 uV a code, signed 16 bits */
		struct smtj_levels_adc ads = {
			.scale_fv = SCALE_256MV_16, .bits = 16, .is_signed = 1,
		};
		u32 in[2] = { 96117, 186792 }, top[2] = { 96117, 256000 };

		bad = smtj_extract_levels_codes(in, 1, &ads, code, &err) != 0 ||
		      code[0] != 12303 || code[1] != 23909;
		ads.offset = 20000;	/* codes below zero */
		bad += smtj_extract_levels_codes(in, 1, &ads, code, &err) != 0 ||
		       code[0] != (u16)-7697 || code[1] != 3909;
		ads.offset = 0;
		bad += smtj_extract_levels_codes(top, 1, &ads, code, &err) != -EINVAL ||
		       err.fault != SMTJ_LEVELS_RANGE || err.a != 1 ||
		       err.code != 32768 || err.lo != -32768 || err.hi != 32767;
		tap_ok(&tap, !bad, "signed 16-bit ADC (ADS1115, 0.256 V): codes 12303 23909, negative codes in two's complement, 0.256 V is past the top rail");
	}
	{
		/* 0, 0.5014, 16383.002 codes */
		u32 rail0[2] = { 0, 100000 }, one[2] = { 101, 100000 };
		u32 top[2] = { 100000, 3299799 }, below[2] = { 100000, 3299597 };

		bad = smtj_extract_levels_codes(rail0, 1, &adc, code, &err) != -EINVAL ||
		      err.fault != SMTJ_LEVELS_RANGE || err.a != 0 || err.code != 0;
		bad += smtj_extract_levels_codes(one, 1, &adc, code, &err) != 0 ||
		       code[0] != 1;
		bad += smtj_extract_levels_codes(top, 1, &adc, code, &err) != -EINVAL ||
		       err.a != 1 || err.code != 16383 || err.hi != 16383;
		bad += smtj_extract_levels_codes(below, 1, &adc, code, &err) != 0 ||
		       code[1] != 16382;	/* 16381.9992 */
		tap_ok(&tap, !bad, "codes 0 and 16383 are rails and refused, 1 and 16382 accepted");
	}
	{
		u32 twins[4] = { 100000, 200000, 200000, 300000 };
		u32 near[4] = { 100000, 200000, 200050, 300000 };

		bad = smtj_extract_levels_codes(twins, 2, &adc, code, &err) != -EINVAL ||
		      err.fault != SMTJ_LEVELS_SAME || err.a != 1 || err.b != 2 ||
		      err.code != 993;
		bad += smtj_extract_levels_codes(near, 2, &adc, code, &err) != -EINVAL ||
		       err.fault != SMTJ_LEVELS_SAME;
		tap_ok(&tap, !bad, "identical junctions, or levels 50 uV apart (a quarter code): states 1 and 2 share code 993, refused");
	}
	{
		u32 in[2] = { 100000, 200000 };
		struct smtj_levels_adc z = adc;

		z.scale_fv = 0;
		bad = smtj_extract_levels_codes(in, 1, &z, code, &err) != -EINVAL || err.fault;
		z = adc;
		z.bits = 17;
		bad += smtj_extract_levels_codes(in, 1, &z, code, &err) != -EINVAL || err.fault;
		bad += smtj_extract_levels_codes(in, 0, &adc, code, &err) != -EINVAL || err.fault;
		tap_ok(&tap, !bad, "scale 0, 17 bits, 0 junctions: refused, no fault named");
	}
	{
		/* a converted table is one the extractor accepts */
		struct smtj_extract_config c;
		static struct smtj_extract x;
		u32 in[4] = { 100000, 150000, 250000, 300000 };

		smtj_extract_default_config(&c);
		c.nr_junctions = 2;
		bad = smtj_extract_levels_codes(in, 2, &adc, c.level, &err) != 0;
		bad += smtj_extract_init(&x, &c) != 0;
		tap_ok(&tap, !bad, "the converted table is accepted by smtj_extract_init()");
	}
	{
		/*
		 * A refused configuration leaves the extractor as it was
		 * (issue 12: a half set-up extractor had no level table and
		 * the next feed read the table at index 0x80000000).
		 */
		static struct smtj_extract x, before;
		struct smtj_extract_config c, eq;
		static u16 codes[4096];
		u32 i, a, b;

		smtj_extract_default_config(&c);
		c.nr_junctions = 2;
		c.level[0] = 100;
		c.level[1] = 160;
		c.level[2] = 300;
		c.level[3] = 360;
		bad = smtj_extract_init(&x, &c) != 0;
		for (i = 0; i < 4096; i++)
			codes[i] = c.level[rnd() & 3];
		smtj_extract_feed(&x, codes, 4096, 0);
		before = x;
		for (a = 0; a < 4; a++) {
			for (b = a + 1; b < 4; b++) {
				eq = c;
				eq.level[b] = eq.level[a];
				bad += smtj_extract_check(&eq) != -EINVAL;
				bad += smtj_extract_init(&x, &eq) != -EINVAL;
			}
		}
		bad += memcmp(&x, &before, sizeof(x)) != 0;
		/* and it goes on: the next codes are consumed as before */
		bad += smtj_extract_feed(&x, codes, 4096, 4096) != 4096;
		bad += x.stats.samples != 8192;
		tap_ok(&tap, !bad, "every table with two equal levels is refused by smtj_extract_check() and smtj_extract_init(), which leaves the extractor untouched");
		bad = smtj_extract_check(&c) != 0;
		eq = c;
		eq.nr_junctions = 9;
		bad += smtj_extract_check(&eq) != -EINVAL;
		eq = c;
		eq.level[4] = 1;	/* beyond 2^n */
		bad += smtj_extract_check(&eq) != -EINVAL;
		eq = c;
		eq.health.h_q16 = 0;
		bad += smtj_extract_check(&eq) != -EINVAL;
		tap_ok(&tap, !bad, "smtj_extract_check(): 9 junctions, a level past 2^n, no claimed entropy refused");
	}
	return tap_done(&tap);
}
