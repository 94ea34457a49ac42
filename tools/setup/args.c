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

struct setup_args env = { .cli = { .args = env.args, .max_args = DMR_ARRAY_SIZE(env.args) } };

error_t setup_parse(int key, char *arg, struct argp_state *state)
{
	(void)state;
	switch (key) {
	case 'f':
		env.force = true;
		break;
	case 't':
		env.tab = arg;
		break;
	default:
		return ARGP_ERR_UNKNOWN;
	}
	return 0;
}

int setup_nargs(const char *cmd, const char *args_doc, int nargs, int min, int max)
{
	if (nargs >= min && nargs <= max)
		return 0;
	fprintf(stderr, "%s: expected %s (see '%s -h')\n", cmd, args_doc, cmd);
	return -1;
}
