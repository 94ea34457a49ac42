// SPDX-License-Identifier: GPL-2.0
/*
 * dmremap-setup - create and remove remap devices from stable device names,
 * as /etc/dmremaptab and its systemd units do at boot.
 *
 *   dmremap-setup open NAME MAIN SPARE [OPTION,...]
 *   dmremap-setup close [--force] NAME
 *   dmremap-setup status [-j] [NAME]
 *   dmremap-setup udev-match [--tab FILE] DEVNODE     (for the udev rule)
 */
#define _GNU_SOURCE
#include <argp.h>
#include <errno.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>

#include "command.h"
#include "dm.h"
#include "dmops.h"
#include "dmr_tab.h"
#include "inuse.h"
#include "json.h"
#include "resolve.h"
#include "spare.h"
#include "udev_match.h"
#include "version.h"

#define PROG "dmremap-setup"

const char *argp_program_version = PROG " " DMREMAP_VERSION;

#define EXIT_REFUSED	1	/* refused or failed, with a one-line reason */
#define EXIT_USAGE	2

#define SECTORS_PER_BLOCK_DEFAULT (4096 / 512)

__attribute__((format(printf, 2, 3)))
static int refuse(const char *cmd, const char *fmt, ...)
{
	va_list ap;

	fprintf(stderr, "%s: ", cmd);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	return EXIT_REFUSED;
}

/* --- open ----------------------------------------------------------------- */

static struct {
	const char *args[4];
	int nargs;
	bool force;
	bool json;
	const char *tab;
} env;

static error_t args_parse(int key, char *arg, struct argp_state *state)
{
	switch (key) {
	case 'h':
		argp_state_help(state, stdout, ARGP_HELP_STD_HELP);
		break;
	case 'f':
		env.force = true;
		break;
	case 'j':
		env.json = true;
		break;
	case 't':
		env.tab = arg;
		break;
	case ARGP_KEY_ARG:
		if (env.nargs == 4)
			argp_error(state, "too many arguments ('%s')", arg);
		env.args[env.nargs++] = arg;
		break;
	default:
		return ARGP_ERR_UNKNOWN;
	}
	return 0;
}

static int parse_args(const struct argp_option *opts, const char *args_doc, const char *doc,
		      int argc, char **argv, int min, int max)
{
	const struct argp argp = {
		.options = opts, .parser = args_parse, .args_doc = args_doc, .doc = doc,
	};

	if (argp_parse(&argp, argc, argv, 0, NULL, NULL))
		return -1;
	if (env.nargs < min || env.nargs > max) {
		fprintf(stderr, "%s: expected %s (see '%s -h')\n", argv[0], args_doc, argv[0]);
		return -1;
	}
	return 0;
}

static const struct argp_option open_opts[] = {
	{ NULL, 'h', NULL, OPTION_HIDDEN, "show this help", 0 },
	{ 0 },
};

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

static int cmd_open(int argc, char **argv)
{
	char err[512], params[1024];
	struct blockdev main_dev, spare;
	struct dmr_options o;
	struct dm_state st;
	const char *cmd = argv[0], *name;
	uint64_t block_sectors, len;
	uint32_t fmt_block_size;
	int ret;

	if (parse_args(open_opts, "NAME MAIN SPARE [OPTION,...]", open_doc, argc, argv, 3, 4))
		return EXIT_USAGE;
	name = env.args[0];
	if (dmr_name_check(name, err, sizeof(err)) ||
	    dmr_options_parse(env.nargs > 3 ? env.args[3] : NULL, &o, err, sizeof(err))) {
		fprintf(stderr, "%s: %s\n", cmd, err);
		return EXIT_USAGE;
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

/* --- close ---------------------------------------------------------------- */

static const struct argp_option close_opts[] = {
	{ NULL, 'h', NULL, OPTION_HIDDEN, "show this help", 0 },
	{ "force", 'f', NULL, 0,
	  "when the device is in use, remove it as soon as its last user closes it (deferred removal)", 0 },
	{ 0 },
};

static const char close_doc[] =
"Remove the remap device NAME.  Its remaps stay on the spare: the next open\n"
"of the same MAIN and SPARE brings them back.  Refused while the device is in\n"
"use (mounted, held by another device, open), unless --force.\n"
"\v"
"Examples:\n"
"  umount /srv/data && dmremap-setup close data\n";

static int cmd_close(int argc, char **argv)
{
	char err[512], why[512], what[256], type[64], params[512];
	const char *cmd = argv[0], *name;
	struct dm_state st;
	dev_t rdev;
	char sys[32];
	int ret;

	if (parse_args(close_opts, "NAME", close_doc, argc, argv, 1, 1))
		return EXIT_USAGE;
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

/* --- status --------------------------------------------------------------- */

static const struct argp_option status_opts[] = {
	{ NULL, 'h', NULL, OPTION_HIDDEN, "show this help", 0 },
	{ "json", 'j', NULL, 0, "one JSON object a device", 0 },
	{ 0 },
};

static const char status_doc[] =
"Show every remap device (or NAME): its main and spare devices and the\n"
"target's status keys.  Exit status 1 when NAME is not a remap device.\n"
"\v"
"Examples:\n"
"  dmremap-setup status\n"
"  dmremap-setup status -j data\n";

/* "8:17" -> "/dev/sdb1" when sysfs knows it */
static void dev_name(const char *mm, char *out, size_t len)
{
	char link[64], target[256];
	ssize_t n;

	snprintf(link, sizeof(link), "/sys/dev/block/%s", mm);
	n = readlink(link, target, sizeof(target) - 1);
	if (n <= 0) {
		snprintf(out, len, "%s", mm);
		return;
	}
	target[n] = '\0';
	snprintf(out, len, "/dev/%s", strrchr(target, '/') ? strrchr(target, '/') + 1 : target);
}

static void print_status(const struct dmr_dm_dev *d)
{
	char type[64], params[512], mm[2][32] = { "?", "?" }, dev[2][300];

	if (!dmops_table(d->name, type, sizeof(type), params, sizeof(params)))
		sscanf(params, "%31s %31s", mm[0], mm[1]);
	dev_name(mm[0], dev[0], sizeof(dev[0]));
	dev_name(mm[1], dev[1], sizeof(dev[1]));
	if (env.json) {
		struct dmr_json j;

		dmr_json_begin(&j, stdout);
		dmr_json_str(&j, "name", d->name);
		dmr_json_str(&j, "main", dev[0]);
		dmr_json_str(&j, "spare", dev[1]);
		dmr_json_u64(&j, "sectors", d->length);
		for (int i = 0; i < d->status.nr_kv; i++) {
			uint64_t v;

			if (dmr_parse_u64(d->status.kv[i].val, &v))
				dmr_json_u64(&j, d->status.kv[i].key, v);
			else
				dmr_json_str(&j, d->status.kv[i].key, d->status.kv[i].val);
		}
		dmr_json_end(&j);
		return;
	}
	printf("%s: main %s (%s), spare %s (%s), %llu sectors\n  %s\n", d->name, dev[0], mm[0],
	       dev[1], mm[1], (unsigned long long)d->length, d->params);
}

static int cmd_status(int argc, char **argv)
{
	struct dmr_dm_dev *devs = NULL;
	const char *cmd = argv[0];
	int n, found = 0;

	if (parse_args(status_opts, "[NAME]", status_doc, argc, argv, 0, 1))
		return EXIT_USAGE;
	if (access("/sys/module/dm_mod", F_OK) && access("/sys/module/dm_remap", F_OK)) {
		if (env.nargs)
			return refuse(cmd, "no device named %s (device-mapper is not loaded)",
				      env.args[0]);
		return 0;
	}
	n = dmr_dm_list_remap(&devs);
	if (n < 0)
		return refuse(cmd, "cannot list device-mapper devices: %s", strerror(-n));
	for (int i = 0; i < n; i++) {
		if (env.nargs && strcmp(devs[i].name, env.args[0]))
			continue;
		print_status(&devs[i]);
		found++;
	}
	dmr_dm_free_list(devs, n);
	if (env.nargs && !found)
		return refuse(cmd, "no remap device named %s", env.args[0]);
	return 0;
}

/* --- udev-match ----------------------------------------------------------- */

static const struct argp_option match_opts[] = {
	{ NULL, 'h', NULL, OPTION_HIDDEN, "show this help", 0 },
	{ "tab", 't', "FILE", 0, "the tab to read (default " DMR_TAB_PATH ")", 0 },
	{ 0 },
};

static const char match_doc[] =
"For udev's IMPORT{program} (69-dm-remap.rules): prints DMREMAP_NAME=NAME and\n"
"DMREMAP_ROLE=main or spare when DEVNODE is the MAIN or SPARE of a line of\n"
"the tab, nothing otherwise.  Matches with what udev knows of the device\n"
"(ID_FS_UUID, ID_PART_ENTRY_UUID, ID_PART_ENTRY_NAME, DEVLINKS in the\n"
"environment) and its device number; probes nothing.\n";

static int cmd_udev_match(int argc, char **argv)
{
	struct udev_dev d = { 0 };
	struct dmr_tab tab;
	struct stat st;
	const char *path;
	int ret;

	env.tab = DMR_TAB_PATH;
	if (parse_args(match_opts, "DEVNODE", match_doc, argc, argv, 1, 1))
		return EXIT_USAGE;
	if (stat(env.args[0], &st) == 0 && S_ISBLK(st.st_mode))
		d.rdev = st.st_rdev;
	d.fs_uuid = getenv("ID_FS_UUID");
	d.part_uuid = getenv("ID_PART_ENTRY_UUID");
	d.part_name = getenv("ID_PART_ENTRY_NAME");
	d.devlinks = getenv("DEVLINKS");
	path = env.tab;
	ret = dmr_tab_load(path, &tab);
	if (ret == -ENOENT)
		return 0;
	if (ret)
		return refuse(argv[0], "%s: %s", path, strerror(-ret));
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

/* --- main ----------------------------------------------------------------- */

static const struct dmr_command commands[] = {
	{ "open", cmd_open, "create a remap device" },
	{ "close", cmd_close, "remove a remap device" },
	{ "status", cmd_status, "show remap devices" },
	{ "udev-match", cmd_udev_match, "for the udev rule" },
};

#define NR_COMMANDS (sizeof(commands) / sizeof(commands[0]))

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
	/* one line per refusal: libdevmapper's own messages stay quiet */
	dmr_dm_set_verbose(false);
	return dmr_command_main(PROG, main_doc, commands, NR_COMMANDS, argc, argv, EXIT_USAGE);
}
