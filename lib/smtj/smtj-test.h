/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * What libsmtj gives its own host tests beyond libsmtj.h (not installed,
 * not exported from the shared library): a device handle on any
 * descriptor, so that a pipe can stand in for a device and the read and
 * io_uring transports can be tested without the module.
 */
#ifndef SMTJ_TEST_H
#define SMTJ_TEST_H

#include "libsmtj.h"

/* smtj_dev_from_fd without its check that @fd is an smtj device. */
int smtj_dev_wrap_fd(struct smtj_dev **out, int fd, int own, const char *name,
		     struct smtj_err *err);

#endif /* SMTJ_TEST_H */
