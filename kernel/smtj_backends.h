/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * smtj backends: their module init and exit, for smtj_main.c only.  Each
 * registers its platform driver; its devices then register with the core.
 */
#ifndef SMTJ_BACKENDS_H
#define SMTJ_BACKENDS_H

#include <linux/kconfig.h>

/* smtj_sim.c */
int smtj_sim_init(void);
void smtj_sim_exit(void);

/* smtj_iio.c, where the kernel has IIO */
#if IS_REACHABLE(CONFIG_IIO)
int smtj_iio_init(void);
void smtj_iio_exit(void);
#else
static inline int smtj_iio_init(void)
{
	return 0;
}

static inline void smtj_iio_exit(void)
{
}
#endif

#endif /* SMTJ_BACKENDS_H */
