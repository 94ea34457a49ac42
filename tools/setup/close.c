// SPDX-License-Identifier: GPL-2.0
/* close.c - `dmremap-setup close [--force] NAME`: remove a remap device */
#define _GNU_SOURCE
#include <stdio.h>
#include <string.h>
#include <sys/sysmacros.h>

#include "dm.h"
#include "dmops.h"
#include "inuse.h"
#include "setup.h"

static const struct argp_option close_opts[] = {
	{ "force", 'f', NULL, 0,
	  "when the device is in use, remove it as soon as its last user closes it (deferred removal)", 0 },
	{ 0 },
};

#define CLOSE_ARGS	"NAME"

static const char close_doc[] =
"Remove the remap device NAME.  Its remaps stay on the spare: the next open\n"
"of the same MAIN and SPARE brings them back.  Refused while the device is in\n"
"use (mounted, held by another device, open), unless --force.\n"
"\v"
"Examples:\n"
"  umount /srv/data && dmremap-setup close data\n";

static int cmd_close(void)
{
	char err[512], why[512], what[256], type[64], params[512];
	const char *cmd = PROG " close", *name;
	struct dm_state st;
	dev_t rdev;
	char sys[32];
	int ret;

	if (setup_nargs(cmd, CLOSE_ARGS, env.cli.nr_args, 1, 1))
		return DMR_EXIT_USAGE;
	name = env.args[0];
	ret = dmops_info(name, &st);
	if (ret)
		return refuse(cmd, "%s: %s", name, strerror(-ret));
	if (!st.exists)
		return refuse(cmd, "no device named %s", name);
	if (dmops_table(name, type, sizeof(type), params, sizeof(params)) ||
	    strcmp(type, DMR_TARGET_NAME))
		return refuse(cmd, "%s is not a remap device", name);
	why[0] = '\0';
	rdev = makedev(st.major, st.minor);
	snprintf(sys, sizeof(sys), "dm-%u", st.minor);
	if (mounted_on(rdev, what, sizeof(what)))
		snprintf(why, sizeof(why), "%s is mounted on %s", name, what);
	else if (held_by(sys, what, sizeof(what)))
		snprintf(why, sizeof(why), "%s is in use by %s", name, what);
	else if (st.open_count > 0)
		snprintf(why, sizeof(why), "%s is open (%d opener%s)", name, st.open_count,
			 st.open_count > 1 ? "s" : "");
	if (why[0] && !env.force)
		return refuse(cmd, "%s (close it first, or --force)", why);
	if (dmops_remove(name, why[0] != '\0', err, sizeof(err)))
		return refuse(cmd, "%s", err);
	if (why[0])
		printf("%s: %s: removal deferred until its last user closes it\n", name, why);
	else
		printf("%s: closed\n", name);
	return 0;
}

const struct dmr_command setup_close = {
	.name = "close", .cli = &env.cli, .run = cmd_close,
	.argp = { .options = close_opts, .parser = setup_parse, .args_doc = CLOSE_ARGS,
		  .doc = close_doc },
};
