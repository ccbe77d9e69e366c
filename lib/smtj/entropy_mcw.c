// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * SP 800-90B 6.3.7: the MultiMCW prediction estimate.  Four predictors
 * guess the most common value of the last w samples (w = 63, 255, 1023,
 * 4095; ties go to the value seen most recently); the one with the best
 * score so far makes the prediction.
 *
 * Each window keeps counts and the last position of every value, and its
 * mode: a value entering can only overtake the mode, and only removing
 * the mode's own oldest sample can demote it (then the window's values
 * are scanned again).
 */
#include <errno.h>
#include <string.h>
#include "entropy-internal.h"

#define MCW_N 4

struct window {
	size_t w;
	int mode;		/* -1: empty */
	uint32_t count[256];
	size_t last[256];
};

static void rescan(struct window *win, unsigned int maxsym)
{
	win->mode = -1;
	for (unsigned int x = 0; x <= maxsym; x++) {
		if (!win->count[x])
			continue;
		if (win->mode < 0 || win->count[x] > win->count[win->mode] ||
		    (win->count[x] == win->count[win->mode] &&
		     win->last[x] > win->last[win->mode]))
			win->mode = (int)x;
	}
}

int ent_multi_mcw(const struct ent_input *in, struct smtj_entropy_est *e,
		  struct smtj_err *err)
{
	struct window win[MCW_N];
	uint64_t score[MCW_N] = { 0 };
	struct ent_score rec = { 0 };
	size_t w1 = in->prm->mcw_window[0];
	unsigned int winner = 0;

	if (in->n < w1 + 2)
		return smtj_seterr(err, -EINVAL,
				   "MultiMCW: %zu samples, needs at least %zu",
				   in->n, w1 + 2);
	memset(win, 0, sizeof(win));
	for (int j = 0; j < MCW_N; j++) {
		win[j].w = in->prm->mcw_window[j];
		win[j].mode = -1;
	}
	for (size_t i = 0; i < in->n; i++) {
		uint8_t x = in->s[i];

		if (i >= w1) {
			int pred[MCW_N];

			for (int j = 0; j < MCW_N; j++)
				pred[j] = i >= win[j].w ? win[j].mode : -1;
			ent_score_add(&rec, pred[winner] == x);
			for (unsigned int j = 0; j < MCW_N; j++) {
				if (pred[j] == x && ++score[j] >= score[winner])
					winner = j;
			}
		}
		/* slide: the oldest sample out, x in */
		for (int j = 0; j < MCW_N; j++) {
			struct window *wj = &win[j];

			if (i >= wj->w) {
				uint8_t old = in->s[i - wj->w];

				wj->count[old]--;
				if (wj->mode == old)
					rescan(wj, in->maxsym);
			}
			wj->count[x]++;
			wj->last[x] = i;
			if (wj->mode < 0 || wj->count[x] >= wj->count[wj->mode])
				wj->mode = x;
		}
	}
	ent_predict_finish(e, &rec, in->n - w1, in->k);
	return 0;
}
