// SPDX-License-Identifier: GPL-2.0
/*
 * cli.c - the common options of every tool as an argp child (cli.h).
 *
 * dmr_cli_parse() puts a small argp above the tool's: its children are the
 * tool's argp and the common options', with no header and group 0, so argp
 * merges both option lists into one (sorted as before) in --help.  The
 * common options' table is built from cli->opts, so a tool lists only the
 * options it offers.
 */
#define _GNU_SOURCE
#include "cli.h"

#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>

/* argp key of --raw-tp: out of the range the tools use for their own */
#define KEY_RAW_TP	0x7f00

static error_t cli_opt(int key, char *arg, struct argp_state *state)
{
	struct dmr_cli *cli = state->input;

	switch (key) {
	case 'h':
		argp_state_help(state, stdout, ARGP_HELP_STD_HELP);
		break;
	case 'v':
		cli->verbose = true;
		break;
	case 'j':
		cli->json = true;
		break;
	case KEY_RAW_TP:
		cli->raw_tp = true;
		break;
	case 'd':
		if (!dmr_parse_seconds(arg, &cli->duration) || !cli->duration)
			argp_error(state, "invalid duration '%s': a positive number of seconds", arg);
		break;
	case ARGP_KEY_ARG:
		/* the tool's parser did not take it */
		if (cli->no_args)
			argp_error(state, "unexpected argument '%s'", arg);
		else if (!cli->args)
			return ARGP_ERR_UNKNOWN;
		else if (cli->nr_args == cli->max_args && cli->args_what)
			argp_error(state, "at most %d %s", cli->max_args, cli->args_what);
		else if (cli->nr_args == cli->max_args)
			argp_error(state, "too many arguments ('%s')", arg);
		else
			cli->args[cli->nr_args++] = arg;
		break;
	default:
		return ARGP_ERR_UNKNOWN;
	}
	return 0;
}

struct inputs {
	void *tool;
	struct dmr_cli *cli;
};

/* hands each child its input: the tool's own, and the struct dmr_cli */
static error_t top_opt(int key, char *arg, struct argp_state *state)
{
	const struct inputs *in = state->input;

	(void)arg;
	if (key != ARGP_KEY_INIT)
		return ARGP_ERR_UNKNOWN;
	state->child_inputs[0] = in->tool;
	state->child_inputs[1] = in->cli;
	return 0;
}

int dmr_cli_parse_flags(const struct argp *argp, struct dmr_cli *cli, void *input,
			unsigned int flags, int argc, char **argv)
{
	const struct argp_option all[] = {
		{ "verbose", 'v', NULL, 0, "libbpf and libdevmapper debug output on stderr", 0 },
		{ "json", 'j', NULL, 0, cli->json_doc ? cli->json_doc : "JSON lines output", 0 },
		{ "raw-tp", KEY_RAW_TP, NULL, 0,
		  "attach with raw_tp even when module BTF allows tp_btf", 0 },
		{ "duration", 'd', "SECONDS", 0,
		  "stop after SECONDS (default: until Ctrl-C/SIGTERM)", 0 },
	};
	struct argp_option opts[sizeof(all) / sizeof(all[0]) + 2] = {
		{ NULL, 'h', NULL, OPTION_HIDDEN, "show this help", 0 },
	};
	const struct argp cli_argp = { .options = opts, .parser = cli_opt };
	const struct argp_child children[] = {
		{ argp, 0, NULL, 0 },
		{ &cli_argp, 0, NULL, 0 },
		{ 0 },
	};
	const struct argp top = { .parser = top_opt, .children = children };
	struct inputs in = { .tool = input, .cli = cli };
	size_t n = 1;

	for (size_t i = 0; i < sizeof(all) / sizeof(all[0]); i++)
		if (cli->opts & (1u << i))
			opts[n++] = all[i];
	argp_err_exit_status = DMR_EXIT_USAGE;
	return argp_parse(&top, argc, argv, flags, NULL, &in) ? -1 : 0;
}

int dmr_cli_parse(const struct argp *argp, struct dmr_cli *cli, void *input,
		  int argc, char **argv)
{
	return dmr_cli_parse_flags(argp, cli, input, 0, argc, argv);
}

bool dmr_parse_ulong(const char *s, unsigned long max, unsigned long *out)
{
	char *end;

	errno = 0;
	if (!s || *s < '0' || *s > '9')
		return false;
	*out = strtoul(s, &end, 10);
	return !errno && !*end && *out <= max;
}

bool dmr_parse_seconds(const char *s, unsigned long *out)
{
	return dmr_parse_ulong(s, INT_MAX / 1000, out);
}
