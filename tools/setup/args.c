// SPDX-License-Identifier: GPL-2.0
/* args.c - what the dmremap-setup commands share (setup.h) */
#define _GNU_SOURCE
#include <stdarg.h>
#include <stdio.h>

#include "setup.h"

int refuse(const char *cmd, const char *fmt, ...)
{
	va_list ap;

	fprintf(stderr, "%s: ", cmd);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	return EXIT_REFUSED;
}

struct setup_args env;

error_t setup_parse(int key, char *arg, struct argp_state *state)
{
	switch (key) {
	case 'f':
		env.force = true;
		break;
	case 't':
		env.tab = arg;
		break;
	case ARGP_KEY_ARG:
		if (env.nargs == 4)
			argp_error(state, "too many arguments ('%s')", arg);
		env.args[env.nargs++] = arg;
		break;
	default:
		return ARGP_ERR_UNKNOWN;
	}
	return 0;
}

int setup_nargs(const char *cmd, const char *args_doc, int min, int max)
{
	if (env.nargs >= min && env.nargs <= max)
		return 0;
	fprintf(stderr, "%s: expected %s (see '%s -h')\n", cmd, args_doc, cmd);
	return -1;
}
