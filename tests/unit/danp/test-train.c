// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Short training runs.
 *
 * 1. Synthetic classification: three Gaussian classes in 16 dimensions whose
 *    means are 3 standard deviations apart along each direction (Bayes
 *    error well under 1 %); BP and DANP must reach 90 % test accuracy.
 * 2. The paper's teacher-student task (Fig. 5): a random 2x2x2x1 teacher,
 *    100 samples, a student trained by DANP with the two-state HMM noise,
 *    Adam lr 1e-3, eps_R 1e-4, 100 epochs, batch 10.  In the median over 10
 *    seeds the final loss must be at most half the initial loss; the median
 *    curve is printed.
 * 3. danp_skip_noise: skipping k batches leaves a noise source (HMM: per
 *    layer state too) exactly where k training steps leave it.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include "libdanp.h"
#include "noise.h"
#include "../tap.h"

/* This program's TAP counters (tests/unit/tap.h). */
static struct tap tap;

#define DIM 16
#define NTRAIN 1500
#define NTEST 600

static void blobs(float *x, int32_t *y, size_t n, const double mu[3][DIM],
		  struct danp_rng *r)
{
	for (size_t s = 0; s < n; s++) {
		y[s] = (int32_t)(danp_rng_next(r) % 3);
		for (int j = 0; j < DIM; j++)
			x[s * DIM + j] = (float)(mu[y[s]][j] + danp_rng_normal(r));
	}
}

static void synthetic(enum danp_rule rule)
{
	static const size_t sizes[] = { DIM, 32, 3 };
	float *x = malloc(NTRAIN * DIM * 4), *xt = malloc(NTEST * DIM * 4);
	float xb[32 * DIM];
	int32_t y[NTRAIN], yt[NTEST], yb[32];
	double mu[3][DIM];
	struct danp_rng r;
	struct danp_spec spec;
	struct danp_params p;
	struct danp_net *net;
	struct danp_err err;
	struct danp_eval ev = { 0 };
	struct test_noise tn;
	size_t perm[NTRAIN];
	int bp = rule == DANP_RULE_BP;

	danp_rng_seed(&r, 77);
	for (int c = 0; c < 3; c++)
		for (int j = 0; j < DIM; j++)
			mu[c][j] = 0.75 * danp_rng_normal(&r);
	blobs(x, y, NTRAIN, mu, &r);
	blobs(xt, yt, NTEST, mu, &r);
	danp_spec_mlp(&spec, sizes, 2, &err);
	danp_params_default(&p);
	p.rule = rule;
	p.max_batch = 32;
	p.lr = bp ? 1e-3f : 2e-3f;
	p.decor_lr = 1e-4f;
	test_noise_init(&tn, 0, 1e-2f, 3);
	p.noise = test_noise_fn;
	p.noise_ctx = &tn;
	if (danp_net_create(&net, &spec, &p, 5, &err)) {
		tap_ok(&tap, 0, "create: %s", err.msg);
		return;
	}
	for (int e = 0; e < 10; e++) {
		danp_shuffle(perm, NTRAIN, &r);
		for (size_t i = 0; i + 32 <= NTRAIN; i += 32) {
			struct danp_batch b = { .x = xb, .labels = yb, .n = 32 };

			for (int k = 0; k < 32; k++) {
				memcpy(xb + k * DIM, x + perm[i + k] * DIM, DIM * 4);
				yb[k] = y[perm[i + k]];
			}
			if (danp_step(net, &b, NULL, &err))
				goto out;
		}
	}
	{
		struct danp_batch t = { .x = xt, .labels = yt, .n = NTEST };

		danp_evaluate(net, &t, 0, &ev, &err);
	}
out:
	tap_ok(&tap, ev.accuracy >= 0.9, "%s on 3 Gaussian classes, 10 epochs: test "
	       "accuracy %.1f %% (need 90 %%)", danp_rule_name(rule),
	       100 * ev.accuracy);
	danp_net_destroy(net);
	test_noise_free(&tn);
	free(x);
	free(xt);
}

#define TS_N 100
#define TS_B 10
#define TS_EPOCHS 100
#define TS_SEEDS 10

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return (x > y) - (x < y);
}

/* Loss curve of one seed at epochs 0, 10, ..., 100 (on the training set,
 * as in the paper), the data from the library's teacher task. */
static int teacher_student(uint64_t seed, double *curve)
{
	static const size_t sizes[] = { 2, 2, 2, 1 };
	struct danp_dataset train, test;
	struct danp_spec spec;
	struct danp_params p;
	struct danp_net *student;
	struct danp_err err;
	struct danp_rng r;
	struct test_noise tn;
	int ret = -1;

	danp_spec_mlp(&spec, sizes, 3, &err);
	if (danp_teacher_data(&train, &test, &spec, TS_N, TS_N, seed * 2 + 1,
			      &err))
		return -1;
	danp_params_default(&p);
	p.loss = DANP_LOSS_MSE;
	p.lr = 1e-3f;
	p.decor_lr = 1e-4f;
	p.max_batch = TS_B;
	test_noise_init(&tn, 2, 1.0f, seed);
	p.noise = test_noise_fn;
	p.noise_ctx = &tn;
	if (danp_net_create(&student, &spec, &p, seed * 2 + 2, &err))
		goto out_data;
	danp_rng_seed(&r, seed);
	for (int e = 0; e <= TS_EPOCHS; e++) {
		struct danp_epoch ep = { .batch_size = TS_B };

		if (e % 10 == 0) {
			struct danp_eval ev;

			if (danp_evaluate_dataset(student, &train, 0, 0, &ev, &err))
				goto out_net;
			curve[e / 10] = ev.loss;
		}
		if (e == TS_EPOCHS)
			break;
		if (danp_train_epoch(student, &train, &r, &ep, &err))
			goto out_net;
	}
	ret = 0;
out_net:
	danp_net_destroy(student);
out_data:
	danp_dataset_free(&train);
	danp_dataset_free(&test);
	test_noise_free(&tn);
	return ret;
}

static void teacher_student_median(void)
{
	double curves[TS_SEEDS][11], col[TS_SEEDS], med[11], ratio[TS_SEEDS];

	for (int s = 0; s < TS_SEEDS; s++)
		if (teacher_student(42 + (uint64_t)s, curves[s])) {
			tap_ok(&tap, 0, "teacher-student seed %d", 42 + s);
			return;
		}
	printf("# teacher-student median loss by epoch:");
	for (int k = 0; k <= 10; k++) {
		for (int s = 0; s < TS_SEEDS; s++)
			col[s] = curves[s][k];
		qsort(col, TS_SEEDS, sizeof(double), cmp_double);
		med[k] = (col[TS_SEEDS / 2 - 1] + col[TS_SEEDS / 2]) / 2;
		printf(" %d:%.4g", k * 10, med[k]);
	}
	printf("\n");
	for (int s = 0; s < TS_SEEDS; s++)
		ratio[s] = curves[s][10] / curves[s][0];
	qsort(ratio, TS_SEEDS, sizeof(double), cmp_double);
	{
		double m = (ratio[TS_SEEDS / 2 - 1] + ratio[TS_SEEDS / 2]) / 2;

		tap_ok(&tap, m <= 0.5, "teacher-student 2x2x2x1, HMM noise: median "
		       "final/initial loss %.3f over %d seeds (need <= 0.5)",
		       m, TS_SEEDS);
	}
}

static void skip_noise(enum danp_rule rule)
{
	static const size_t sizes[] = { 6, 5, 4, 3 };
	struct test_noise na, nb;
	struct danp_net *a, *b;
	struct danp_spec spec;
	struct danp_params p;
	struct danp_err err;
	struct danp_rng rng;
	float x[8 * 6];
	int32_t y[8];
	struct danp_batch bt = { .x = x, .labels = y, .n = 8 };
	int ret = 0, same = 1;

	danp_spec_mlp(&spec, sizes, 3, &err);
	danp_params_default(&p);
	p.rule = rule;
	p.max_batch = 8;
	p.noise = test_noise_fn;
	test_noise_init(&na, 2, 1, 5);
	test_noise_init(&nb, 2, 1, 5);
	p.noise_ctx = &na;
	ret |= danp_net_create(&a, &spec, &p, 1, &err);
	p.noise_ctx = &nb;
	ret |= danp_net_create(&b, &spec, &p, 1, &err);
	danp_rng_seed(&rng, 9);
	for (int s = 0; s < 3 && !ret; s++) {
		bt.n = s < 2 ? 8 : 5;	/* the last batch short */
		for (int i = 0; i < 8 * 6; i++)
			x[i] = (float)danp_rng_normal(&rng);
		for (int i = 0; i < 8; i++)
			y[i] = (int32_t)(danp_rng_next(&rng) % 3);
		ret |= danp_step(a, &bt, NULL, &err);
	}
	ret = ret ? ret : danp_skip_noise(b, 8, 2, &err);
	ret = ret ? ret : danp_skip_noise(b, 5, 1, &err);
	for (int l = 0; !ret && l < 3; l++)
		same &= (na.state[l] == NULL) == (nb.state[l] == NULL) &&
			(!na.state[l] || !memcmp(na.state[l], nb.state[l], sizes[l + 1]));
	tap_ok(&tap, !ret && same && na.consumed == nb.consumed &&
	       !memcmp(&na.rng, &nb.rng, sizeof(na.rng)),
	       "%s: skipping 3 batches draws the noise 3 steps draw (%llu values)%s%s",
	       danp_rule_name(rule), (unsigned long long)nb.consumed,
	       ret ? ": " : "", ret ? err.msg : "");
	danp_net_destroy(a);
	danp_net_destroy(b);
	test_noise_free(&na);
	test_noise_free(&nb);
}

int main(void)
{
	skip_noise(DANP_RULE_DANP);
	skip_noise(DANP_RULE_ANP);
	skip_noise(DANP_RULE_NP);
	skip_noise(DANP_RULE_BP);
	synthetic(DANP_RULE_BP);
	synthetic(DANP_RULE_DANP);
	synthetic(DANP_RULE_ANP);
	teacher_student_median();
	return tap_done(&tap);
}
