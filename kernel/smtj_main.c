// SPDX-License-Identifier: GPL-2.0-only
/*
 * smtj: module init and exit.  The only file that knows every part of the
 * module: it sets up the core (class, character device region), then the
 * backends, which register their devices with the core and, where they
 * have a physical noise source, an hwrng.  Nothing calls back into here.
 */

#include <linux/module.h>

#include "smtj_backends.h"
#include "smtj_core.h"

static int __init smtj_init(void)
{
	int ret;

	ret = smtj_core_init();
	if (ret)
		return ret;
	ret = smtj_sim_init();
	if (ret)
		goto err_core;
	ret = smtj_iio_init();
	if (ret)
		goto err_sim;
	return 0;

err_sim:
	smtj_sim_exit();
err_core:
	smtj_core_exit();
	return ret;
}

static void __exit smtj_exit(void)
{
	smtj_iio_exit();
	smtj_sim_exit();
	smtj_core_exit();
}

module_init(smtj_init);
module_exit(smtj_exit);

MODULE_DESCRIPTION("Stochastic magnetic tunnel junction noise devices");
MODULE_LICENSE("GPL");
