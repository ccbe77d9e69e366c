/* SPDX-License-Identifier: GPL-2.0-or-later */
/* smtjstat --entropy: SP 800-90B assessment of a recording or a device. */
#ifndef SMTJSTAT_ENTROPY_H
#define SMTJSTAT_ENTROPY_H

#include <stddef.h>
#include "libsmtj.h"

struct entropy_opts {
	const char *file;		/* or NULL with device */
	const char *device;
	size_t count;			/* device samples */
	enum smtj_transport transport;
	enum smtj_series_format format;
	const char *symbols;		/* "states", "bit=K", ... */
	unsigned int width;		/* FILE is one symbol a byte of width bits; 0: a series */
	const char *write_symbols;	/* write the symbols assessed here */
	const char *restart;		/* restart matrix file */
	size_t restart_rows, restart_cols;
	int json;
};

/* Exit status: 0 done, 1 input error, 2 bad --symbols, 3 restart test
 * failed. */
int stat_entropy(const struct entropy_opts *o);

#endif /* SMTJSTAT_ENTROPY_H */
