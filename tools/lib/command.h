/* SPDX-License-Identifier: GPL-2.0 */
/*
 * "TOOL COMMAND [ARGS...]": the dispatch shared by the tools that have
 * commands (dmremap-trace, dmremap-meta, dmremap-setup).  Each command is
 * a file of its own (tools/TOOL/COMMAND.c) that defines its struct
 * dmr_command; the tool's main() lists them and calls dmr_command_main().
 * A command parses its arguments with dmr_cli_parse() (cli.h).
 */
#ifndef DMR_COMMAND_H
#define DMR_COMMAND_H

#include <stddef.h>

#define DMR_ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))

struct dmr_command {
	const char *name;
	/* argv[0] is "PROG NAME", so that argp's messages name the command */
	int (*run)(int argc, char **argv);
};

/*
 * Runs the command named argv[0] with argc/argv as its own arguments.  An
 * unknown name is reported on stderr with the known ones, and
 * DMR_EXIT_USAGE returned.
 */
int dmr_command_run(const char *prog, const struct dmr_command *const *cmds,
		    size_t nr_cmds, int argc, char **argv);

/*
 * The whole of such a tool's main(): argp parses the tool's own options
 * (-h, -V) up to the first non-option argument, then dmr_command_run()
 * runs the command named there.  doc is the tool's --help text.  Returns
 * the exit status.
 */
int dmr_command_main(const char *prog, const char *doc, const struct dmr_command *const *cmds,
		     size_t nr_cmds, int argc, char **argv);

#endif /* DMR_COMMAND_H */
