/* SPDX-License-Identifier: GPL-2.0 */
/*
 * "TOOL COMMAND [ARGS...]": the dispatch shared by the tools that have
 * commands (dmremap-trace, dmremap-meta).  The tool's argp parser stops at
 * the first non-option argument; dmr_command_run() hands the rest to the
 * command named there.
 */
#ifndef DMR_COMMAND_H
#define DMR_COMMAND_H

#include <stddef.h>

struct dmr_command {
	const char *name;
	int (*run)(int argc, char **argv);
	const char *help;	/* one line for the usage text, or NULL */
};

/*
 * Runs the command named argv[0] with argc/argv as its own arguments;
 * argv[0] becomes "PROG NAME" so that its messages name it.  An unknown
 * name is reported on stderr with the known ones, and usage_status is
 * returned.
 */
int dmr_command_run(const char *prog, const struct dmr_command *cmds,
		    size_t nr_cmds, int argc, char **argv, int usage_status);

/*
 * The whole of such a tool's main(): argp parses the tool's own options
 * (-h, -V) up to the first non-option argument (with ARGP_IN_ORDER), then
 * dmr_command_run() runs the command named there.  doc is the tool's
 * --help text.  Returns the exit status.
 */
int dmr_command_main(const char *prog, const char *doc, const struct dmr_command *cmds,
		     size_t nr_cmds, int argc, char **argv, int usage_status);

#endif /* DMR_COMMAND_H */
