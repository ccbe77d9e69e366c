// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * Symbols for entropy assessment: the digitised state of each sample
 * (nearest of the levels found), one bit of the ADC code, or its low
 * bits; and files of one symbol per byte, the format of the SP 800-90B
 * tools.
 */
#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include "smtj-internal.h"

static int parse_uint(const char *s, unsigned int lo, unsigned int hi,
		      unsigned int *v)
{
	char *end;
	unsigned long x;

	if (!*s || *s == '-')
		return -EINVAL;
	x = strtoul(s, &end, 10);
	if (*end || x < lo || x > hi)
		return -EINVAL;
	*v = (unsigned int)x;
	return 0;
}

int smtj_symbolizer_parse(struct smtj_symbolizer *sz, const char *text,
			  struct smtj_err *err)
{
	memset(sz, 0, sizeof(*sz));
	if (!strcmp(text, "states")) {
		sz->mode = SMTJ_SYM_STATES;
		sz->levels = 2;
		sz->width = 1;
		return 0;
	}
	if (!strncmp(text, "states=", 7) &&
	    !parse_uint(text + 7, 2, SMTJ_SIM_MAX_LEVELS, &sz->levels)) {
		sz->mode = SMTJ_SYM_STATES;
		for (sz->width = 1; (1u << sz->width) < sz->levels; sz->width++)
			;
		return 0;
	}
	if (!strncmp(text, "bit=", 4) && !parse_uint(text + 4, 0, 15, &sz->bit)) {
		sz->mode = SMTJ_SYM_BIT;
		sz->width = 1;
		return 0;
	}
	if (!strncmp(text, "low=", 4) && !parse_uint(text + 4, 1, 8, &sz->width)) {
		sz->mode = SMTJ_SYM_LOW;
		return 0;
	}
	return smtj_seterr(err, -EINVAL,
			   "symbols '%s': states, states=K (2..%u), bit=K (0..15) or low=M (1..8)",
			   text, SMTJ_SIM_MAX_LEVELS);
}

int smtj_symbolizer_fit(struct smtj_symbolizer *sz, const float *x, size_t n,
			struct smtj_err *err)
{
	struct smtj_levels lv;
	int ret;

	if (sz->mode != SMTJ_SYM_STATES)
		return 0;
	if ((ret = smtj_levels_detect(&lv, x, n, sz->levels, err)))
		return ret;
	if (lv.n < 2)
		return smtj_seterr(err, -EINVAL,
				   "symbols: found %u level in the data, need at least 2 to threshold",
				   lv.n);
	sz->nthresh = lv.n - 1;
	for (unsigned int i = 0; i + 1 < lv.n; i++)
		sz->thresh[i] = 0.5 * (lv.level[i] + lv.level[i + 1]);
	for (sz->width = 1; (1u << sz->width) < lv.n; sz->width++)
		;
	return 0;
}

int smtj_symbolize(const struct smtj_symbolizer *sz, const float *x, size_t n,
		   uint8_t *out, struct smtj_err *err)
{
	if (sz->mode == SMTJ_SYM_STATES && !sz->nthresh)
		return smtj_seterr(err, -EINVAL, "symbols: states need thresholds (fit first)");
	for (size_t i = 0; i < n; i++) {
		double v = x[i];
		unsigned int s = 0, code;

		if (sz->mode == SMTJ_SYM_STATES) {
			while (s < sz->nthresh && v > sz->thresh[s])
				s++;
			out[i] = (uint8_t)s;
			continue;
		}
		if (!(v >= 0 && v <= 65535 && v == floor(v)))
			return smtj_seterr(err, -EINVAL,
					   "symbols: value %zu (%g) is not an ADC code 0..65535 (bits need raw codes)",
					   i, v);
		code = (unsigned int)v;
		out[i] = sz->mode == SMTJ_SYM_BIT ? (uint8_t)(code >> sz->bit & 1) :
			 (uint8_t)(code & ((1u << sz->width) - 1));
	}
	return 0;
}

int smtj_symbols_load(const char *path, unsigned int bits, uint8_t **out,
		      size_t *n, struct smtj_err *err)
{
	void *buf;
	size_t len;
	int ret;

	if (bits < 1 || bits > 8)
		return smtj_seterr(err, -EINVAL, "%s: %u bits per symbol, must be 1..8",
				   path, bits);
	if ((ret = smtj_read_file(path, &buf, &len, err)))
		return ret;
	if (!len) {
		free(buf);
		return smtj_seterr(err, -EINVAL, "%s: empty file", path);
	}
	for (size_t i = 0; i < len; i++) {
		uint8_t s = ((uint8_t *)buf)[i];

		if (s >> bits) {
			free(buf);
			return smtj_seterr(err, -EINVAL,
					   "%s: offset %zu: symbol %u is wider than %u bits",
					   path, i, s, bits);
		}
	}
	*out = buf;
	*n = len;
	return 0;
}
