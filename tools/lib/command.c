// SPDX-License-Identifier: GPL-2.0
/* command.c - running a tool or one of its commands (command.h) */
#define _GNU_SOURCE
#include "command.h"

#include <stdio.h>
#include <string.h>

int dmr_command_exec(const struct dmr_command *cmd, int argc, char **argv)
{
	struct dmr_cli help_only = { 0 };

	if (dmr_cli_parse(&cmd->argp, cmd->cli ? cmd->cli : &help_only, NULL, argc, argv))
		return DMR_EXIT_USAGE;
	return cmd->run();
}

static int command_run(const char *prog, const struct dmr_command *const *cmds,
		       size_t nr_cmds, int argc, char **argv)
{
	static char name[64];

	for (size_t i = 0; i < nr_cmds; i++) {
		if (strcmp(argv[0], cmds[i]->name))
			continue;
		snprintf(name, sizeof(name), "%s %s", prog, cmds[i]->name);
		argv[0] = name;
		return dmr_command_exec(cmds[i], argc, argv);
	}
	fprintf(stderr, "%s: unknown command '%s' (known:", prog, argv[0]);
	for (size_t i = 0; i < nr_cmds; i++)
		fprintf(stderr, "%s %s", i ? "," : "", cmds[i]->name);
	fprintf(stderr, "); see '%s -h'\n", prog);
	return DMR_EXIT_USAGE;
}

struct main_state {
	const struct dmr_command *const *cmds;
	int cmd_index;
};

static error_t main_parse(int key, char *arg, struct argp_state *state)
{
	struct main_state *ms = state->input;

	(void)arg;
	switch (key) {
	case ARGP_KEY_ARG:
		/* the command: leave it and everything after to the command */
		ms->cmd_index = state->next - 1;
		state->next = state->argc;
		break;
	case ARGP_KEY_NO_ARGS:
		argp_error(state, "missing COMMAND (%s, ...)", ms->cmds[0]->name);
		break;
	default:
		return ARGP_ERR_UNKNOWN;
	}
	return 0;
}

int dmr_command_main(const char *prog, const char *doc, const struct dmr_command *const *cmds,
		     size_t nr_cmds, int argc, char **argv)
{
	const struct argp argp = {
		.parser = main_parse,
		.args_doc = "COMMAND [ARGS...]",
		.doc = doc,
	};
	struct main_state ms = { .cmds = cmds };
	struct dmr_cli cli = { 0 };	/* -h only */

	if (dmr_cli_parse_flags(&argp, &cli, &ms, ARGP_IN_ORDER, argc, argv))
		return DMR_EXIT_USAGE;
	return command_run(prog, cmds, nr_cmds, argc - ms.cmd_index, argv + ms.cmd_index);
}
