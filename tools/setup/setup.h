/* SPDX-License-Identifier: GPL-2.0 */
/*
 * setup.h - the commands of dmremap-setup (tools/setup/COMMAND.c, one file
 * per command) and what they share (args.c): the arguments, refusals.
 * The other files of tools/setup/ are the pieces the commands use.
 */
#ifndef DMREMAP_SETUP_H
#define DMREMAP_SETUP_H

#include <argp.h>
#include <stdbool.h>

#include "cli.h"
#include "command.h"

#define PROG "dmremap-setup"

#define EXIT_REFUSED	1	/* refused or failed, with a one-line reason */

/* what the command line gave (one command per run) */
struct setup_args {
	const char *args[4];	/* the positional arguments */
	int nargs;
	bool force;		/* close -f */
	const char *tab;	/* udev-match -t */
	struct dmr_cli cli;	/* status: -j */
};
extern struct setup_args env;

/*
 * Parses argv into env with the command's own options (NULL: none), and
 * checks that min..max positional arguments were given.  0, or -1 on a
 * usage error (reported).
 */
int parse_args(const struct argp_option *opts, const char *args_doc, const char *doc,
	       int argc, char **argv, int min, int max);

/* "CMD: <message>" on stderr; returns EXIT_REFUSED */
__attribute__((format(printf, 2, 3)))
int refuse(const char *cmd, const char *fmt, ...);

extern const struct dmr_command setup_open, setup_close, setup_status, setup_udev_match;

#endif /* DMREMAP_SETUP_H */
