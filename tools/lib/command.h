/* SPDX-License-Identifier: GPL-2.0 */
/*
 * command.h - what a tool, or one command of a tool, is to the front end:
 * its arguments (argp: its own options, parser, usage and help), the
 * common options it offers (cli.h), and what it runs once they are parsed.
 *
 * A tool without commands: main() is dmr_command_exec(&tool, argc, argv).
 * A tool with commands ("TOOL COMMAND [ARGS...]": dmremap-trace,
 * dmremap-meta, dmremap-setup) has one file per command,
 * tools/TOOL/COMMAND.c, that defines its struct dmr_command; main() lists
 * them and calls dmr_command_main().
 */
#ifndef DMR_COMMAND_H
#define DMR_COMMAND_H

#include <argp.h>
#include <stddef.h>

#include "cli.h"

#define DMR_ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))

struct dmr_command {
	const char *name;	/* the command's name (NULL: a tool without commands) */
	struct argp argp;	/* its own options and parser, args_doc, doc (-h: cli.h) */
	struct dmr_cli *cli;	/* the common options it offers; NULL: only -h */
	/*
	 * Runs once the arguments were parsed (into the parser's and cli's
	 * variables).  Returns the exit status.
	 */
	int (*run)(void);
};

/* parses argc/argv for cmd, then runs it: the exit status (DMR_EXIT_USAGE on a usage error) */
int dmr_command_exec(const struct dmr_command *cmd, int argc, char **argv);

/*
 * The whole of main() of a tool with commands: argp parses the tool's own
 * options (-h, -V) up to the first non-option argument, then the command
 * named there runs with the rest (argv[0] becomes "PROG COMMAND", so that
 * argp's messages name it).  An unknown name is reported on stderr with
 * the known ones.  doc is the tool's --help text.  Returns the exit status.
 */
int dmr_command_main(const char *prog, const char *doc, const struct dmr_command *const *cmds,
		     size_t nr_cmds, int argc, char **argv);

#endif /* DMR_COMMAND_H */
