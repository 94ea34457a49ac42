// SPDX-License-Identifier: GPL-2.0
/*
 * open.c - `dmremap-setup open NAME MAIN SPARE [OPTION,...]`: create the
 * remap device NAME from stable device names, or refuse with the reason.
 */
#define _GNU_SOURCE
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/sysmacros.h>

#include "dm.h"
#include "dmops.h"
#include "dmr_tab.h"
#include "inuse.h"
#include "resolve.h"
#include "setup.h"
#include "spare.h"

#define SECTORS_PER_BLOCK_DEFAULT (4096 / 512)

#define OPEN_ARGS	"NAME MAIN SPARE [OPTION,...]"

static const char open_doc[] =
"Create the remap device /dev/mapper/NAME over MAIN, with the failing blocks\n"
"moved to SPARE.  MAIN and SPARE: a path, UUID=, PARTUUID=, PARTLABEL= or ID=\n"
"(a name under /dev/disk/by-id).  OPTIONS, comma-separated: block_size=N,\n"
"no_auto_remap, scrub_rate=N (KiB/s), format, nofail (boot only: ignored here).\n"
"\v"
"Opening a NAME already open over the same devices does nothing (exit 0).\n"
"Refused, with the reason: a NAME already taken, a missing device, a device\n"
"in use (mounted, held, opened exclusively), the same device twice, a spare\n"
"whose metadata belongs to another main device, or holds something unknown\n"
"without format.\n"
"\n"
"Examples:\n"
"  dmremap-setup open data /dev/sdb1 /dev/sdc1\n"
"  dmremap-setup open data PARTUUID=3f6c...-01 ID=ata-SPARE_SN1234 scrub_rate=1024\n";

/* is NAME a remap device over exactly these main and spare devices? */
static bool same_remap(const char *name, const struct blockdev *main_dev,
		       const struct blockdev *spare)
{
	char type[64], params[512], want[64];

	if (dmops_table(name, type, sizeof(type), params, sizeof(params)) ||
	    strcmp(type, DMR_TARGET_NAME))
		return false;
	snprintf(want, sizeof(want), "%u:%u %u:%u ", major(main_dev->rdev), minor(main_dev->rdev),
		 major(spare->rdev), minor(spare->rdev));
	strncat(params, " ", sizeof(params) - strlen(params) - 1);
	return !strncmp(params, want, strlen(want));
}

static int cmd_open(void)
{
	char err[512], params[1024];
	struct blockdev main_dev, spare;
	struct dmr_options o;
	struct dm_state st;
	const char *cmd = PROG " open", *name;
	uint64_t block_sectors, len;
	uint32_t fmt_block_size;
	int ret;

	if (setup_nargs(cmd, OPEN_ARGS, env.cli.nr_args, 3, 4))
		return DMR_EXIT_USAGE;
	name = env.args[0];
	if (dmr_name_check(name, err, sizeof(err)) ||
	    dmr_options_parse(env.cli.nr_args > 3 ? env.args[3] : NULL, &o, err, sizeof(err))) {
		fprintf(stderr, "%s: %s\n", cmd, err);
		return DMR_EXIT_USAGE;
	}
	ret = dmops_info(name, &st);
	if (resolve_spec(env.args[1], &main_dev, err, sizeof(err)))
		return refuse(cmd, "main device %s", err);
	if (resolve_spec(env.args[2], &spare, err, sizeof(err)))
		return refuse(cmd, "spare device %s", err);
	if (ret == 0 && st.exists) {
		/* already open over these devices (a unit started twice): done */
		if (same_remap(name, &main_dev, &spare)) {
			printf("%s: already open over main %s and spare %s\n", name, main_dev.path,
			       spare.path);
			return 0;
		}
		return refuse(cmd, "a device named %s exists already (dm %u:%u)", name,
			      st.major, st.minor);
	}
	if (main_dev.rdev == spare.rdev)
		return refuse(cmd, "main %s and spare %s are the same device", main_dev.path,
			      spare.path);
	if (blockdev_in_use(main_dev.path, main_dev.rdev, main_dev.sysname, err, sizeof(err)) ||
	    blockdev_in_use(spare.path, spare.rdev, spare.sysname, err, sizeof(err)))
		return refuse(cmd, "%s", err);
	ret = spare_check(&spare, &main_dev, o.format, &fmt_block_size, err, sizeof(err));
	if (ret)
		return refuse(cmd, "%s", err);
	/*
	 * The block size is the spare's once formatted: another one is
	 * refused, none given means the spare's (the target's default would
	 * be refused).
	 */
	if (fmt_block_size && o.block_size && o.block_size != fmt_block_size)
		return refuse(cmd, "spare %s is formatted with block_size=%u, not %u", spare.path,
			      fmt_block_size, o.block_size);
	if (fmt_block_size && !o.block_size && fmt_block_size != SECTORS_PER_BLOCK_DEFAULT * 512)
		o.block_size = fmt_block_size;
	if (dmops_load_module(err, sizeof(err)))
		return refuse(cmd, "%s", err);

	/* the target wants a length that is a whole number of blocks */
	block_sectors = o.block_size ? o.block_size / 512 : SECTORS_PER_BLOCK_DEFAULT;
	len = main_dev.sectors / block_sectors * block_sectors;
	if (len == 0)
		return refuse(cmd, "main device %s is smaller than one block", main_dev.path);
	{
		char mm[2][32];

		snprintf(mm[0], sizeof(mm[0]), "%u:%u", major(main_dev.rdev), minor(main_dev.rdev));
		snprintf(mm[1], sizeof(mm[1]), "%u:%u", major(spare.rdev), minor(spare.rdev));
		if (dmr_table_params(&o, mm[0], mm[1], params, sizeof(params)))
			return refuse(cmd, "table line too long");
	}
	if (dmops_create(name, len, params, err, sizeof(err)))
		return refuse(cmd, "%s: %s", name, err);
	printf("%s: /dev/mapper/%s opened (main %s, spare %s, %llu sectors)\n", name, name,
	       main_dev.path, spare.path, (unsigned long long)len);
	return 0;
}

const struct dmr_command setup_open = {
	.name = "open", .cli = &env.cli, .run = cmd_open,
	.argp = { .parser = setup_parse, .args_doc = OPEN_ARGS, .doc = open_doc },
};
