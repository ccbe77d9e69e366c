// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * The teacher-student task of Documentation/learning/danp.rst: a random
 * teacher network labels Gaussian inputs with real targets, and a student
 * of the same (or any) shape learns them with MSE.
 */
#include <errno.h>
#include <stdlib.h>
#include "danp-internal.h"

/* @n inputs from N(0, 1) and the teacher's clean outputs for them. */
static int fill(struct danp_dataset *ds, struct danp_net *teacher,
		size_t n, struct danp_rng *r, struct danp_err *err)
{
	size_t d = teacher->spec.sizes[0], k = teacher->spec.sizes[teacher->L];

	*ds = (struct danp_dataset){ .n = n, .dim = d, .t_dim = k };
	ds->x = malloc(n * d * sizeof(float));
	ds->t = malloc(n * k * sizeof(float));
	if (!ds->x || !ds->t) {
		danp_dataset_free(ds);
		return danp_seterr(err, -ENOMEM, "out of memory for %zu "
				   "teacher samples", n);
	}
	for (size_t i = 0; i < n * d; i++)
		ds->x[i] = (float)danp_rng_normal(r);
	if (danp_forward(teacher, ds->x, n, 0, ds->t, err)) {
		danp_dataset_free(ds);
		return err->code;
	}
	return 0;
}

int danp_teacher_data(struct danp_dataset *train, struct danp_dataset *test,
		      const struct danp_spec *spec, size_t n_train,
		      size_t n_test, uint64_t seed, struct danp_err *err)
{
	struct danp_params p;
	struct danp_net *teacher;
	struct danp_rng r;
	int ret;

	*train = (struct danp_dataset){ 0 };
	*test = (struct danp_dataset){ 0 };
	if (!n_train || !n_test)
		return danp_seterr(err, -EINVAL, "teacher task needs at least "
				   "one training and one test sample");
	/* BP needs no noise source: the teacher only runs clean passes. */
	danp_params_default(&p);
	p.rule = DANP_RULE_BP;
	p.loss = DANP_LOSS_MSE;
	ret = danp_net_create(&teacher, spec, &p, seed, err);
	if (ret)
		return ret;
	danp_rng_seed(&r, seed ^ 0x7465616368657200ULL);	/* "teacher" */
	ret = fill(train, teacher, n_train, &r, err);
	if (!ret)
		ret = fill(test, teacher, n_test, &r, err);
	if (ret)
		danp_dataset_free(train);
	danp_net_destroy(teacher);
	return ret;
}
