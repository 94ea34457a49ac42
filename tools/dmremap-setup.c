// SPDX-License-Identifier: GPL-2.0
/*
 * dmremap-setup - create and remove remap devices from stable device names,
 * as /etc/dmremaptab and its systemd units do at boot; one command per file
 * in tools/setup/:
 *
 *   dmremap-setup open NAME MAIN SPARE [OPTION,...]                open.c
 *   dmremap-setup close [--force] NAME                             close.c
 *   dmremap-setup status [-j] [NAME]                               status.c
 *   dmremap-setup udev-match [--tab FILE] DEVNODE (udev rule)      match.c
 */
#define _GNU_SOURCE
#include <argp.h>

#include "dm.h"
#include "version.h"
#include "setup/setup.h"

const char *argp_program_version = PROG " " DMREMAP_VERSION;

static const char main_doc[] =
"Create and remove dm-remap devices from stable device names; at boot the\n"
"units of /etc/dmremaptab (see dmremaptab(5)) run it.\n"
"\v"
"Commands:\n"
"  open NAME MAIN SPARE [OPTION,...]   create /dev/mapper/NAME\n"
"  close [--force] NAME                remove it (its remaps stay on the spare)\n"
"  status [-j] [NAME]                  devices, main, spare, status keys\n"
"  udev-match [--tab FILE] DEVNODE     for 69-dm-remap.rules\n"
"\n"
"Exit status: 0 done, 1 refused or failed (one line on stderr says why),\n"
"2 usage.\n"
"\n"
"Examples:\n"
"  dmremap-setup open data UUID=0f3c5e2a-... PARTLABEL=spare\n"
"  dmremap-setup status -j data\n"
"  dmremap-setup close data\n"
"  dmremap-setup open -h            # options of a command\n";

int main(int argc, char **argv)
{
	static const struct dmr_command *const cmds[] = {
		&setup_open, &setup_close, &setup_status, &setup_udev_match,
	};

	/* one line per refusal: libdevmapper's own messages stay quiet */
	dmr_dm_set_verbose(false);
	return dmr_command_main(PROG, main_doc, cmds, DMR_ARRAY_SIZE(cmds), argc, argv);
}

