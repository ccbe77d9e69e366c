/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * What the smtj tools share: the option loop with --help and usage
 * errors, numeric and transport arguments, messages and exit statuses.
 */
#ifndef SMTJ_TOOL_H
#define SMTJ_TOOL_H

#include <getopt.h>
#include <stdint.h>
#include <stdio.h>
#include "libsmtj.h"

/* Exit statuses of every tool; TOOL_GO_ON: not done, carry on. */
enum { TOOL_GO_ON = -1, TOOL_OK = 0, TOOL_FAIL = 1, TOOL_USAGE = 2 };

struct tool {
	const char *name;		/* "smtjcat": begins every message */
	void (*usage)(FILE *f);		/* the --help text */
	const char *shortopts;		/* getopt_long's; 'h' is --help */
	const struct option *longopts;
	/* One option: TOOL_GO_ON, or an exit status (after the message). */
	int (*option)(void *ctx, int c, const char *arg);
	int max_args;			/* operands allowed after the options */
};

/*
 * Read the options into @ctx.  TOOL_GO_ON with the operands at
 * argv[optind..]; or the exit status: TOOL_OK after --help, TOOL_USAGE
 * after an unknown option, too many operands or a bad value.
 */
int tool_parse(const struct tool *t, int argc, char **argv, void *ctx);

/* "NAME: message" on stderr. */
__attribute__((format(printf, 2, 3)))
void tool_err(const struct tool *t, const char *fmt, ...);

/* A non-negative integer (decimal, 0x hex or 0 octal) for option -@c:
 * TOOL_GO_ON, or TOOL_USAGE after saying it is not a number. */
int tool_u64(const struct tool *t, int c, const char *arg, uint64_t *v);
/* auto, uring, mmap or read: TOOL_GO_ON or TOOL_USAGE. */
int tool_transport(const struct tool *t, const char *arg,
		   enum smtj_transport *tr);

#endif /* SMTJ_TOOL_H */
