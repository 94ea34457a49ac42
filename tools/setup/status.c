// SPDX-License-Identifier: GPL-2.0
/* status.c - `dmremap-setup status [-j] [NAME]`: the remap devices */
#define _GNU_SOURCE
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "dm.h"
#include "dmops.h"
#include "json.h"
#include "setup.h"

static struct dmr_cli cli = {
	.opts = DMR_CLI_JSON, .json_doc = "one JSON object a device",
	.args = env.args, .max_args = DMR_ARRAY_SIZE(env.args),
};

#define STATUS_ARGS	"[NAME]"

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
	if (cli.json) {
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

static int cmd_status(void)
{
	struct dmr_dm_dev *devs = NULL;
	const char *cmd = PROG " status";
	int n, found = 0;

	if (setup_nargs(cmd, STATUS_ARGS, cli.nr_args, 0, 1))
		return DMR_EXIT_USAGE;
	if (access("/sys/module/dm_mod", F_OK) && access("/sys/module/dm_remap", F_OK)) {
		if (cli.nr_args)
			return refuse(cmd, "no device named %s (device-mapper is not loaded)",
				      env.args[0]);
		return 0;
	}
	n = dmr_dm_list_remap(&devs);
	if (n < 0)
		return refuse(cmd, "cannot list device-mapper devices: %s", strerror(-n));
	for (int i = 0; i < n; i++) {
		if (cli.nr_args && strcmp(devs[i].name, env.args[0]))
			continue;
		print_status(&devs[i]);
		found++;
	}
	dmr_dm_free_list(devs, n);
	if (cli.nr_args && !found)
		return refuse(cmd, "no remap device named %s", env.args[0]);
	return 0;
}

const struct dmr_command setup_status = {
	.name = "status", .cli = &cli, .run = cmd_status,
	.argp = { .parser = setup_parse, .args_doc = STATUS_ARGS, .doc = status_doc },
};
