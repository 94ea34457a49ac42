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
	const char *args[4];	/* the positional arguments (cli.args) */
	bool force;		/* close -f */
	const char *tab;	/* udev-match -t */
	struct dmr_cli cli;	/* collects args; status: -j */
};
extern struct setup_args env;

/* the argp parser of every command: its options and arguments into env */
error_t setup_parse(int key, char *arg, struct argp_state *state);

/*
 * 0 when nargs (the positional arguments given) is within min..max, else
 * -1 with a usage message naming args_doc
 */
int setup_nargs(const char *cmd, const char *args_doc, int nargs, int min, int max);

/* "CMD: <message>" on stderr; returns EXIT_REFUSED */
__attribute__((format(printf, 2, 3)))
int refuse(const char *cmd, const char *fmt, ...);

extern const struct dmr_command setup_open, setup_close, setup_status, setup_udev_match;

#endif /* DMREMAP_SETUP_H */
