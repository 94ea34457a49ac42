/* SPDX-License-Identifier: GPL-2.0 */
/*
 * cli.h - the front end every dm-remap tool shares: the common options as
 * one argp child, so that -v, -j, --raw-tp, -d and -h read and behave alike
 * in every tool and command by construction; positional arguments; the
 * usage exit status; number parsing (the clock is clock.h).
 *
 * A tool (or one command of a tool) names the common options it offers in
 * a struct dmr_cli, keeps its own options and parser for the rest, and is
 * run through command.h, which parses with dmr_cli_parse():
 *
 *	static struct dmr_cli cli = { .opts = DMR_CLI_JSON | DMR_CLI_BPF };
 *
 *	static int run(void)
 *	{
 *		... cli.json, cli.verbose, cli.raw_tp (dmr_bpf_setup()) ...
 *	}
 *
 *	const struct dmr_command tool = {
 *		.cli = &cli, .run = run,
 *		.argp = { .options = opts, .parser = parse, .args_doc = "[DEVICE...]", .doc = doc },
 *	};
 *
 * The hidden -h (help, as --help) is always there; argp adds --help,
 * --usage and, with argp_program_version, -V.  A usage error exits
 * DMR_EXIT_USAGE.
 */
#ifndef DMR_CLI_H
#define DMR_CLI_H

#include <argp.h>
#include <stdbool.h>

/* the exit status of a usage error, in every tool */
#define DMR_EXIT_USAGE 2

/* the common options a tool offers (struct dmr_cli.opts) */
enum {
	DMR_CLI_VERBOSE		= 1 << 0,	/* -v, --verbose */
	DMR_CLI_JSON		= 1 << 1,	/* -j, --json */
	DMR_CLI_RAW_TP		= 1 << 2,	/* --raw-tp */
	DMR_CLI_DURATION	= 1 << 3,	/* -d, --duration SECONDS */
	/* what every BPF tool takes */
	DMR_CLI_BPF		= DMR_CLI_VERBOSE | DMR_CLI_RAW_TP,
};

struct dmr_cli {
	/* set by the tool */
	unsigned int opts;	/* DMR_CLI_* */
	const char *json_doc;	/* -j's help line; NULL: "JSON lines output" */
	bool no_args;		/* no positional argument ("unexpected argument") */
	/*
	 * Positional arguments the front end collects into args[0..max_args)
	 * when args is set (else the tool's parser takes them); one more is a
	 * usage error: "at most MAX <args_what>", or "too many arguments
	 * ('ARG')" without args_what.
	 */
	const char **args;
	int max_args;
	const char *args_what;
	/* set by dmr_cli_parse() */
	bool verbose;		/* libbpf and libdevmapper debug output on stderr */
	bool json;
	bool raw_tp;		/* attach with raw_tp even when tp_btf works */
	unsigned long duration;	/* seconds; 0: until a signal */
	int nr_args;		/* in args */
};

/*
 * argp_parse(argp, argc, argv, 0, NULL, input) with the common options of
 * cli->opts beside argp's own (merged into one option list in --help).
 * argp's parser gets `input` as state->input.  0, or nonzero on a usage
 * error (argp has printed it).
 */
int dmr_cli_parse(const struct argp *argp, struct dmr_cli *cli, void *input,
		  int argc, char **argv);

/* the same with argp flags (ARGP_IN_ORDER, ...) */
int dmr_cli_parse_flags(const struct argp *argp, struct dmr_cli *cli, void *input,
			unsigned int flags, int argc, char **argv);

/* a decimal number 0..max (no sign, no suffix); false when it is not one */
bool dmr_parse_ulong(const char *s, unsigned long max, unsigned long *out);

/* a decimal number of seconds, 0..INT_MAX/1000 (milliseconds fit an int) */
bool dmr_parse_seconds(const char *s, unsigned long *out);

#endif /* DMR_CLI_H */
