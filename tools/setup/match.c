// SPDX-License-Identifier: GPL-2.0
/*
 * match.c - `dmremap-setup udev-match [--tab FILE] DEVNODE`: for the udev
 * rule, the tab entry (name, role) a device belongs to.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "dmr_tab.h"
#include "setup.h"
#include "udev_match.h"

static const struct argp_option match_opts[] = {
	{ "tab", 't', "FILE", 0, "the tab to read (default " DMR_TAB_PATH ")", 0 },
	{ 0 },
};

#define MATCH_ARGS	"DEVNODE"

static const char match_doc[] =
"For udev's IMPORT{program} (69-dm-remap.rules): prints DMREMAP_NAME=NAME and\n"
"DMREMAP_ROLE=main or spare when DEVNODE is the MAIN or SPARE of a line of\n"
"the tab, nothing otherwise.  Matches with what udev knows of the device\n"
"(ID_FS_UUID, ID_PART_ENTRY_UUID, ID_PART_ENTRY_NAME, DEVLINKS in the\n"
"environment) and its device number; probes nothing.\n";

static int cmd_udev_match(void)
{
	struct udev_dev d = { 0 };
	struct dmr_tab tab;
	const char *cmd = PROG " udev-match";
	const char *path = env.tab ? env.tab : DMR_TAB_PATH;
	struct stat st;
	int ret;

	if (setup_nargs(cmd, MATCH_ARGS, env.cli.nr_args, 1, 1))
		return DMR_EXIT_USAGE;
	if (stat(env.args[0], &st) == 0 && S_ISBLK(st.st_mode))
		d.rdev = st.st_rdev;
	d.fs_uuid = getenv("ID_FS_UUID");
	d.part_uuid = getenv("ID_PART_ENTRY_UUID");
	d.part_name = getenv("ID_PART_ENTRY_NAME");
	d.devlinks = getenv("DEVLINKS");
	ret = dmr_tab_load(path, &tab);
	if (ret == -ENOENT)
		return 0;
	if (ret)
		return refuse(cmd, "%s: %s", path, strerror(-ret));
	for (size_t i = 0; i < tab.nr; i++) {
		const char *role = udev_spec_matches(tab.entries[i].main, &d) ? "main" :
				   udev_spec_matches(tab.entries[i].spare, &d) ? "spare" : NULL;

		if (role) {
			printf("DMREMAP_NAME=%s\nDMREMAP_ROLE=%s\n", tab.entries[i].name, role);
			break;
		}
	}
	dmr_tab_free(&tab);
	return 0;
}

const struct dmr_command setup_udev_match = {
	.name = "udev-match", .cli = &env.cli, .run = cmd_udev_match,
	.argp = { .options = match_opts, .parser = setup_parse, .args_doc = MATCH_ARGS,
		  .doc = match_doc },
};
