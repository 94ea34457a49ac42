// SPDX-License-Identifier: GPL-2.0
/*
 * dmremap-meta - read dm-remap's on-disk metadata offline; one command per
 * file in tools/meta/:
 *
 *   dmremap-meta dump [-j] SPARE                                   dump.c
 *   dmremap-meta check [-j] [-q] [-m MAIN] SPARE                   check.c
 *   dmremap-meta build --remaps N [--seed S] (--main DEV | --main-sectors N ...) SPARE
 *                                                                  build.c
 *
 * Plain user space: no module, no BPF, no root when SPARE is readable.
 * Exit codes: check's verdicts are DMR_CHECK_* (dmr_meta.h), and 2 usage,
 * open or I/O error (DMR_EXIT_USAGE).
 */
#define _GNU_SOURCE
#include <argp.h>

#include "version.h"
#include "meta/meta.h"

const char *argp_program_version = PROG " " DMREMAP_VERSION;

static const char main_doc[] =
"Read dm-remap's on-disk metadata (superblocks and remap table at the start of\n"
"the spare device) offline: no module, no root when SPARE is readable.  SPARE\n"
"is the spare block device or an image file of it.\n"
"\v"
"Commands:\n"
"  dump [-j] SPARE        print superblocks, geometry, main device binding,\n"
"                         remap table and mapping in effect\n"
"  check [-j] [-q] SPARE  validate everything; one line per problem\n"
"  build -n N ... SPARE   format SPARE with N random remaps (tests, benchmarks)\n"
"\n"
"Exit status of check: 0 consistent, 1 inconsistent or not dm-remap metadata,\n"
"3 unformatted, 4 degraded (a damaged copy, repairable); of dump: 0 printed;\n"
"of both: 2 usage, open or I/O error.\n"
"\n"
"Examples:\n"
"  dmremap-meta dump /dev/sdb1         # what the module would read\n"
"  dmremap-meta dump -j spare.img      # JSON lines of an image\n"
"  dmremap-meta check /dev/sdb1        # exit 0 only when consistent\n"
"  dmremap-meta check -h               # options of a command\n";

int main(int argc, char **argv)
{
	static const struct dmr_command *const cmds[] = { &meta_dump, &meta_check, &meta_build };

	return dmr_command_main(PROG, main_doc, cmds, DMR_ARRAY_SIZE(cmds), argc, argv);
}
