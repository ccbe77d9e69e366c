/* SPDX-License-Identifier: GPL-2.0-only OR LGPL-2.1-or-later */
/*
 * SP 800-90B section 4.4 continuous health tests (repetition count test and
 * adaptive proportion test) on a digitised noise stream, with start-up,
 * intermittent and permanent failure states.  Integer only; compiled by
 * smtj.ko and by the host unit tests.
 * Documentation/driver-api/smtj-hwrng.rst explains the rules.
 */
#ifndef SMTJ_HEALTH_H
#define SMTJ_HEALTH_H

#include "smtj_types.h"

#define SMTJ_HEALTH_H_ONE	65536U	/* one bit of min-entropy, Q16 */
#define SMTJ_HEALTH_ALPHA_MIN	20U	/* alpha = 2^-k, k in 20..40 */
#define SMTJ_HEALTH_ALPHA_MAX	40U
#define SMTJ_HEALTH_ALPHABET_MAX 256U
#define SMTJ_HEALTH_W_BINARY	512U	/* APT window, binary samples */
#define SMTJ_HEALTH_W_OTHER	1024U	/* APT window, larger alphabets */
#define SMTJ_HEALTH_STARTUP_SAMPLES 1024U	/* SP 800-90B 4.3 item 2 */
#define SMTJ_HEALTH_PERM_MAX	16U	/* largest K of the permanent rule */

enum smtj_health_state {
	SMTJ_HEALTH_STARTUP,	/* start-up tests running: no output */
	SMTJ_HEALTH_OK,		/* output allowed */
	SMTJ_HEALTH_FAIL,	/* intermittent failure: no output */
	SMTJ_HEALTH_PERMANENT,	/* permanent failure: no output until reset */
};

/* smtj_health_feed() result bits */
#define SMTJ_HEALTH_EV_RCT	1U	/* repetition count test tripped */
#define SMTJ_HEALTH_EV_APT	2U	/* adaptive proportion test tripped */
#define SMTJ_HEALTH_EV_STATE	4U	/* state changed */

struct smtj_health_config {
	u32 h_q16;		/* claimed min-entropy per sample, bits, Q16 */
	u32 alpha_log2;		/* false-alarm probability 2^-alpha_log2 */
	u32 alphabet;		/* 2 (binary) .. SMTJ_HEALTH_ALPHABET_MAX */
	u32 recover_windows;	/* N: good APT windows that clear a failure */
	u32 perm_failures;	/* K failures ... */
	u32 perm_windows;	/* ... within M windows: permanent */
};

struct smtj_health_stats {
	u64 samples;		/* samples tested */
	u64 windows;		/* complete APT windows */
	u32 rct_failures;
	u32 apt_failures;
	u32 intermittent;	/* transitions into SMTJ_HEALTH_FAIL */
	u32 permanent;		/* transitions into SMTJ_HEALTH_PERMANENT */
	u32 rct_max;		/* longest run seen */
	u32 apt_max;		/* largest APT count seen */
};

struct smtj_health {
	struct smtj_health_config cfg;
	u32 rct_cutoff;		/* C of SP 800-90B 4.4.1 */
	u32 apt_cutoff;		/* C of SP 800-90B 4.4.2 */
	u32 apt_window;		/* W */
	u32 startup_windows;	/* good windows needed at start-up */
	u32 state;		/* enum smtj_health_state */
	u32 rct_value, rct_count;
	u32 apt_value, apt_count, apt_seen;
	u32 good_windows;	/* failure-free windows since the last failure */
	u32 nr_fail;		/* entries in fail_window */
	u64 fail_window[SMTJ_HEALTH_PERM_MAX];	/* sample index of recent failures */
	struct smtj_health_stats stats;
};

void smtj_health_default_config(struct smtj_health_config *cfg);
int smtj_health_cutoffs(const struct smtj_health_config *cfg,
			u32 *rct_cutoff, u32 *apt_cutoff);
int smtj_health_init(struct smtj_health *h,
		     const struct smtj_health_config *cfg);
u32 smtj_health_feed(struct smtj_health *h, u32 sample);
u32 smtj_health_fail_external(struct smtj_health *h);
void smtj_health_reset(struct smtj_health *h);
const char *smtj_health_state_name(u32 state);

#endif /* SMTJ_HEALTH_H */
