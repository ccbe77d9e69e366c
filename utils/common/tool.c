// SPDX-License-Identifier: GPL-2.0-or-later
/* The option loop and argument parsers every smtj tool uses (tool.h). */
#include <stdarg.h>
#include <stdlib.h>
#include "tool.h"

int tool_parse(const struct tool *t, int argc, char **argv, void *ctx)
{
	int c, ret;

	while ((c = getopt_long(argc, argv, t->shortopts, t->longopts,
				NULL)) != -1) {
		if (c == 'h') {
			t->usage(stdout);
			return TOOL_OK;
		}
		if (c == '?' || c == ':') {
			t->usage(stderr);
			return TOOL_USAGE;
		}
		ret = t->option(ctx, c, optarg);
		if (ret != TOOL_GO_ON)
			return ret;
	}
	if (argc - optind > t->max_args) {
		tool_err(t, "unexpected argument '%s'", argv[optind + t->max_args]);
		return TOOL_USAGE;
	}
	return TOOL_GO_ON;
}

void tool_err(const struct tool *t, const char *fmt, ...)
{
	va_list ap;

	fprintf(stderr, "%s: ", t->name);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
}

int tool_u64(const struct tool *t, int c, const char *arg, uint64_t *v)
{
	char *end;

	*v = strtoull(arg, &end, 0);
	if (*end || !*arg || arg[0] == '-') {
		tool_err(t, "-%c %s: not a number", c, arg);
		return TOOL_USAGE;
	}
	return TOOL_GO_ON;
}

int tool_transport(const struct tool *t, const char *arg,
		   enum smtj_transport *tr)
{
	if (smtj_transport_parse(arg, tr)) {
		tool_err(t, "transport %s: auto, uring, mmap or read", arg);
		return TOOL_USAGE;
	}
	return TOOL_GO_ON;
}
