// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * Repeated tuples for the t-tuple and LRS estimates (SP 800-90B 6.3.5,
 * 6.3.6), for every tuple length at once: a suffix array (prefix
 * doubling with radix sorts, O(n log n) whatever the alphabet and however
 * long the repeats) and its LCP array (Kasai).  The W-tuples that occur
 * more than once are exactly the LCP intervals with lcp >= W: a bottom-up
 * walk over the intervals gives, for each interval of size c spanning
 * lengths (parent lcp, lcp], one tuple that occurs c times at each of
 * those lengths.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include "entropy-internal.h"

/* Sort @sa by rank (counting sort, stable), reading positions from @in. */
static void rank_sort(uint32_t *out, const uint32_t *in, const uint32_t *rank,
		      uint32_t *cnt, size_t n, size_t nranks)
{
	memset(cnt, 0, (nranks + 1) * sizeof(*cnt));
	for (size_t i = 0; i < n; i++)
		cnt[rank[in[i]] + 1]++;
	for (size_t r = 1; r <= nranks; r++)
		cnt[r] += cnt[r - 1];
	for (size_t i = 0; i < n; i++)
		out[cnt[rank[in[i]]]++] = in[i];
}

static void suffix_array(uint32_t *sa, uint32_t *rank, uint32_t *tmp,
			 uint32_t *cnt, const uint8_t *s, size_t n)
{
	size_t nranks = 256;

	for (size_t i = 0; i < n; i++) {
		rank[i] = s[i];
		tmp[i] = (uint32_t)i;
	}
	rank_sort(sa, tmp, rank, cnt, n, nranks);
	for (size_t h = 1;; h *= 2) {
		size_t k = 0;
		uint32_t r = 0;

		/* by second key: suffixes too short for one first, then
		 * the others in the order of their second half */
		for (size_t i = n - (h < n ? h : n); i < n; i++)
			tmp[k++] = (uint32_t)i;
		for (size_t j = 0; j < n; j++)
			if (sa[j] >= h)
				tmp[k++] = (uint32_t)(sa[j] - h);
		rank_sort(sa, tmp, rank, cnt, n, nranks);
		/* new ranks from (rank[i], rank[i + h]) */
		tmp[sa[0]] = 0;
		for (size_t j = 1; j < n; j++) {
			uint32_t a = sa[j - 1], b = sa[j];
			int same = rank[a] == rank[b] &&
				   (a + h < n ? (int64_t)rank[a + h] : -1) ==
				   (b + h < n ? (int64_t)rank[b + h] : -1);

			r += !same;
			tmp[b] = r;
		}
		memcpy(rank, tmp, n * sizeof(*rank));
		nranks = (size_t)r + 1;
		if (nranks == n || h >= n)
			break;
	}
}

/* lcp[j] = common prefix of suffixes sa[j - 1] and sa[j]; lcp[0] = 0. */
static void kasai(uint32_t *lcp, const uint32_t *sa, const uint32_t *rank,
		  const uint8_t *s, size_t n)
{
	size_t h = 0;

	lcp[0] = 0;
	for (size_t i = 0; i < n; i++) {
		if (rank[i] > 0) {
			size_t j = sa[rank[i] - 1];

			while (i + h < n && j + h < n && s[i + h] == s[j + h])
				h++;
			lcp[rank[i]] = (uint32_t)h;
			if (h)
				h--;
		} else {
			h = 0;
		}
	}
}

int ent_tuples_count(struct ent_tuples *t, const uint8_t *s, size_t n,
		     struct smtj_err *err)
{
	uint32_t *sa, *rank, *tmp, *cnt, *lcp;
	struct { uint32_t lcp, lb; } *stack;
	uint64_t *best = NULL;
	size_t top = 0, vmax = 0;
	int ret = 0;

	memset(t, 0, sizeof(*t));
	if (n >= UINT32_MAX)
		return smtj_seterr(err, -EINVAL, "tuples: %zu samples, at most %u",
				   n, UINT32_MAX - 1);
	sa = malloc(n * sizeof(*sa));
	rank = malloc(n * sizeof(*rank));
	tmp = malloc(n * sizeof(*tmp));
	cnt = malloc((n > 256 ? n + 1 : 257) * sizeof(*cnt));
	stack = malloc((n + 1) * sizeof(*stack));
	if (!sa || !rank || !tmp || !cnt || !stack) {
		ret = smtj_seterr(err, -ENOMEM, "tuples: out of memory for %zu samples", n);
		goto out;
	}
	suffix_array(sa, rank, tmp, cnt, s, n);
	lcp = tmp;
	kasai(lcp, sa, rank, s, n);
	for (size_t j = 0; j < n; j++)
		if (lcp[j] > vmax)
			vmax = lcp[j];
	t->vmax = vmax;
	t->q = calloc(vmax + 2, sizeof(*t->q));
	t->pairs = calloc(vmax + 2, sizeof(*t->pairs));
	best = calloc(vmax + 2, sizeof(*best));
	if (!t->q || !t->pairs || !best) {
		ret = smtj_seterr(err, -ENOMEM, "tuples: out of memory");
		goto out;
	}
	/* bottom-up over the LCP intervals; pairs as a difference array */
	stack[0].lcp = 0;
	stack[0].lb = 0;
	for (size_t j = 1; j <= n; j++) {
		uint32_t l = j < n ? lcp[j] : 0, lb = (uint32_t)(j - 1);

		while (stack[top].lcp > l) {
			uint32_t il = stack[top].lcp, ilb = stack[top].lb;
			uint64_t size = j - ilb;
			uint32_t parent;

			top--;
			parent = stack[top].lcp > l ? stack[top].lcp : l;
			t->pairs[parent + 1] += size * (size - 1) / 2;
			t->pairs[il + 1] -= size * (size - 1) / 2;
			if (size > best[il])
				best[il] = size;
			lb = ilb;
		}
		if (stack[top].lcp < l) {
			top++;
			stack[top].lcp = l;
			stack[top].lb = lb;
		}
	}
	for (size_t w = 1; w <= vmax; w++)
		t->pairs[w] += t->pairs[w - 1];
	/* most common W-tuple: the largest interval with lcp >= W */
	for (size_t w = vmax; w >= 1; w--) {
		uint64_t above = w < vmax ? t->q[w + 1] : 0;

		t->q[w] = best[w] > above ? best[w] : above;
	}
out:
	if (ret)
		ent_tuples_free(t);
	free(best);
	free(sa);
	free(rank);
	free(tmp);
	free(cnt);
	free(stack);
	return ret;
}

void ent_tuples_free(struct ent_tuples *t)
{
	free(t->q);
	free(t->pairs);
	t->q = t->pairs = NULL;
}
