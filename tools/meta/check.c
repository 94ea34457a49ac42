// SPDX-License-Identifier: GPL-2.0
/*
 * check.c - `dmremap-meta check [-j] [-q] [-m MAIN] SPARE`: validate the
 * metadata of SPARE as the module reads it; the verdict is the exit status.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <linux/fs.h>

#include "cli.h"
#include "dmr_meta_print.h"
#include "meta.h"

static struct dmr_cli cli = {
	.opts = DMR_CLI_JSON,
	.json_doc = "JSON lines: one \"problem\" object per finding, then a \"summary\"",
};
static bool quiet;
static const char *main_path;

/*
 * What the module records of a main device (main_identity() in
 * module/dm-remap-md.c).  main_id: zeroes for a whole device; a
 * partition's PARTUUID when its uevent shows one, else not compared.
 */
static int main_dev_of(const char *path, struct dmr_main_dev *d)
{
	char sys[96], line[128];
	unsigned int pbs = 0;
	uint64_t bytes = 0;
	struct stat st;
	int fd, lbs = 0;
	FILE *f;

	memset(d, 0, sizeof(*d));
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0 || fstat(fd, &st) < 0 || !S_ISBLK(st.st_mode) ||
	    ioctl(fd, BLKGETSIZE64, &bytes) < 0 || ioctl(fd, BLKSSZGET, &lbs) < 0 ||
	    ioctl(fd, BLKPBSZGET, &pbs) < 0) {
		bool blk = fd >= 0 && S_ISBLK(st.st_mode);

		fprintf(stderr, PROG ": main device %s: %s\n", path,
			fd < 0 || blk ? strerror(errno) : "not a block device");
		if (fd >= 0)
			close(fd);
		return -1;
	}
	close(fd);
	d->sectors = bytes / 512;
	d->lbs = (uint32_t)lbs;
	d->pbs = pbs;
	snprintf(sys, sizeof(sys), "/sys/dev/block/%u:%u/partition", major(st.st_rdev),
		 minor(st.st_rdev));
	if (access(sys, F_OK)) {
		d->id_known = true;	/* not a partition: no main_id */
		return 0;
	}
	snprintf(sys, sizeof(sys), "/sys/dev/block/%u:%u/uevent", major(st.st_rdev),
		 minor(st.st_rdev));
	f = fopen(sys, "re");
	while (f && fgets(line, sizeof(line), f)) {
		if (strncmp(line, "PARTUUID=", 9))
			continue;
		line[strcspn(line, "\n")] = '\0';
		snprintf((char *)d->id, DMR_MAIN_ID_LEN, "%.39s", line + 9);
		d->id_known = true;
	}
	if (f)
		fclose(f);
	return 0;
}

static const struct argp_option check_opts[] = {
	{ "quiet", 'q', NULL, 0, "print nothing, only set the exit status", 0 },
	{ "main", 'm', "MAIN", 0, "the main device: metadata of another one (size, block sizes, partition UUID) is an error, as for the module", 0 },
	{ 0 },
};

static error_t check_parse(int key, char *arg, struct argp_state *state)
{
	switch (key) {
	case 'q':
		quiet = true;
		break;
	case 'm':
		main_path = arg;
		break;
	default:
		return meta_parse_spare(key, arg, state);
	}
	return 0;
}

static const char check_doc[] =
"Check the dm-remap metadata of SPARE (the spare device, or an image of it)\n"
"the way the module reads it: both superblock slots (checksum, magic,\n"
"version, seq), geometry against the spare size and block size, pool within\n"
"the device, every table entry below nr_entries in both table copies\n"
"(checksum, logical block within the main device, seq).  Prints one line per\n"
"finding (\"error\", \"damage\", \"warning\" or \"info\"; entries superseded by\n"
"a later one for the same logical block are info, not errors), then a\n"
"summary line.  \"damage\" is a copy (superblock slot or table block) that is\n"
"unreadable or corrupt while the other copy is good: nothing is lost, and the\n"
"module's next commit rewrites it.  Reads only; the module is not needed.\n"
"\v"
"Exit status: 0 consistent, 1 inconsistent or not dm-remap metadata, 2 usage\n"
"or I/O error, 3 unformatted (the first 3 metadata blocks are all zero: no\n"
"metadata; the module formats such a spare when it is first used; one too\n"
"small to format is an error), 4\n"
"degraded: consistent, every remap readable, but a copy is damaged (repaired\n"
"by the next commit).\n"
"\n"
"Examples:\n"
"  dmremap-meta check /dev/sdb1\n"
"  dmremap-meta check -q spare.img || echo \"spare metadata needs attention\"\n"
"  dmremap-meta check -j /dev/sdb1 | jq 'select(.severity==\"error\")'\n";

static int cmd_check(void)
{
	struct dmr_main_dev main_dev;
	struct dmr_meta m;
	int ret;

	if (main_path && main_dev_of(main_path, &main_dev))
		return DMR_EXIT_USAGE;
	if (meta_load(&m))
		return DMR_EXIT_USAGE;
	if (main_path && dmr_meta_check_main(&m, &main_dev)) {
		fprintf(stderr, PROG ": out of memory\n");
		dmr_meta_free(&m);
		return DMR_EXIT_USAGE;
	}
	if (cli.json && !quiet)
		dmr_meta_print_check_json(stdout, &m, meta_spare);
	else if (!quiet)
		dmr_meta_print_check(stdout, &m, meta_spare);
	ret = dmr_meta_verdict(&m);
	dmr_meta_free(&m);
	return meta_flush_stdout() ? DMR_EXIT_USAGE : ret;
}

const struct dmr_command meta_check = {
	.name = "check", .cli = &cli, .run = cmd_check,
	.argp = { .options = check_opts, .parser = check_parse, .args_doc = "SPARE",
		  .doc = check_doc },
};
