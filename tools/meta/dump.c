// SPDX-License-Identifier: GPL-2.0
/* dump.c - `dmremap-meta dump [-j] SPARE`: print the metadata of SPARE */
#define _GNU_SOURCE
#include <stdio.h>

#include "cli.h"
#include "dmr_meta_print.h"
#include "meta.h"

static struct dmr_cli cli = {
	.opts = DMR_CLI_JSON,
	.json_doc = "JSON lines: one object per record (see below)",
};

static const char dump_doc[] =
"Print the dm-remap metadata of SPARE (the spare device, or an image file of\n"
"it): both superblock slots (valid or why not, which is current), the\n"
"superblock, the main device it is bound to, the geometry, the remap table\n"
"(index, logical block, spare sector, state) and the mapping in effect, then\n"
"the findings of 'check'.  Reads only; the module is not needed.\n"
"\v"
"With -j, JSON lines: one object per line, each with \"record\": \"device\",\n"
"then \"slot\" (two), \"superblock\" and one \"entry\" per table entry (when\n"
"formatted), one \"problem\" per finding, and a final \"summary\".\n"
"\n"
"Exit status: 0 printed (whatever the metadata's state), 2 usage or I/O error.\n"
"\n"
"Examples:\n"
"  dmremap-meta dump /dev/sdb1                 # the spare of a remap device\n"
"  dmremap-meta dump spare.img                 # an image copied with dd\n"
"  dmremap-meta dump -j /dev/sdb1 | jq 'select(.record==\"entry\")'\n";

static int cmd_dump(void)
{
	struct dmr_meta m;

	if (meta_load(&m))
		return DMR_EXIT_USAGE;
	if (cli.json)
		dmr_meta_print_dump_json(stdout, &m, meta_spare);
	else
		dmr_meta_print_dump(stdout, &m, meta_spare);
	dmr_meta_free(&m);
	return meta_flush_stdout() ? DMR_EXIT_USAGE : 0;
}

const struct dmr_command meta_dump = {
	.name = "dump", .cli = &cli, .run = cmd_dump,
	.argp = { .parser = meta_parse_spare, .args_doc = "SPARE", .doc = dump_doc },
};
