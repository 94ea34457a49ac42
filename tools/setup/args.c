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

static error_t args_parse(int key, char *arg, struct argp_state *state)
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

int parse_args(const struct argp_option *opts, const char *args_doc, const char *doc,
	       int argc, char **argv, int min, int max)
{
	const struct argp argp = {
		.options = opts, .parser = args_parse, .args_doc = args_doc, .doc = doc,
	};

	if (dmr_cli_parse(&argp, &env.cli, NULL, argc, argv))
		return -1;
	if (env.nargs < min || env.nargs > max) {
		fprintf(stderr, "%s: expected %s (see '%s -h')\n", argv[0], args_doc, argv[0]);
		return -1;
	}
	return 0;
}
