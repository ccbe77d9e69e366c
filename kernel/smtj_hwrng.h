/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * smtj hwrng: what a backend calls to give a device its hwrng pipeline.
 * A backend with a physical noise source adds an hwrng to each device it
 * registers (after registering it); SMTJ_HWRNG_TEST_ONLY, for the
 * simulator, runs the same pipeline without hw_random (output in debugfs,
 * credits nothing).  The core never calls into the hwrng: the hwrng is a
 * sink of the core and vets configurations through its config hook.
 */
#ifndef SMTJ_HWRNG_H
#define SMTJ_HWRNG_H

#include "smtj_core.h"

#define SMTJ_HWRNG_PHYSICAL	0
#define SMTJ_HWRNG_TEST_ONLY	1
int devm_smtj_hwrng_add(struct device *parent, struct smtj_device *sdev,
			int kind);

#endif /* SMTJ_HWRNG_H */
