// SPDX-License-Identifier: GPL-2.0
/*
 * build.c - `dmremap-meta build --remaps N ... SPARE`: format SPARE with N
 * random remaps in the module's format (tests, benchmarks at scale).
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <linux/fs.h>

#include "cli.h"
#include "dmr_meta_build.h"
#include "meta.h"

static struct {
	struct dmr_build b;
	const char *main_path;
	bool have_remaps, have_sectors;
} bld = { .b = { .block_size = 4096, .main_lbs = 512 } };

enum {
	OPT_SEED = 256, OPT_BLOCK_SIZE, OPT_MAIN, OPT_MAIN_SECTORS, OPT_MAIN_LBS,
	OPT_MAIN_PBS, OPT_MAIN_ID, OPT_STAMP,
};

static const struct argp_option build_opts[] = {
	{ "remaps", 'n', "N", 0, "entries in the table (distinct random blocks)", 0 },
	{ "seed", OPT_SEED, "S", 0, "seed of the block choice (default 0)", 0 },
	{ "block-size", OPT_BLOCK_SIZE, "BYTES", 0, "remap block size (default 4096)", 0 },
	{ "main", OPT_MAIN, "DEV", 0, "take size, block sizes and partition UUID from DEV", 0 },
	{ "main-sectors", OPT_MAIN_SECTORS, "N", 0, "main device size in 512-byte sectors", 0 },
	{ "main-lbs", OPT_MAIN_LBS, "BYTES", 0, "its logical block size (default 512)", 0 },
	{ "main-pbs", OPT_MAIN_PBS, "BYTES", 0, "its physical block size (default: logical)", 0 },
	{ "main-id", OPT_MAIN_ID, "PARTUUID", 0, "its partition UUID (default: none, a whole disk)", 0 },
	{ "stamp", OPT_STAMP, NULL, 0, "write \"DMRSTAMP\" and the logical block into each used spare block", 0 },
	{ 0 },
};

static const char build_doc[] =
"Format SPARE (a spare device or an image file) with a remap table of N\n"
"entries: distinct logical blocks chosen uniformly at random over the main\n"
"device (reproducible from the seed), entry i on spare block i, written in\n"
"the module's format (superblock slots A and B, table copies A and B) and\n"
"committed as seq 1.  For tests and benchmarks at scale.  The module binds a\n"
"spare to its main device: size, logical and physical block size and\n"
"partition UUID must be those of the main device the table will use (--main\n"
"reads them).  The data of the spare blocks is left as it is unless --stamp.\n"
"OVERWRITES the start of SPARE.\n"
"\v"
"Exit status: 0 written, 2 usage, open or I/O error.\n"
"\n"
"Examples:\n"
"  dmremap-meta build --remaps 1000000 --seed 1 --main /dev/sda /dev/sdb\n"
"  dmremap-meta build -n 20000 --main-sectors 34359738368 --stamp spare.img\n";

/* a number (C syntax: 0x... for hex), or a usage error */
static uint64_t parse_num(const char *arg, struct argp_state *state)
{
	uint64_t v;
	char *end;

	errno = 0;
	v = strtoull(arg, &end, 0);
	if (errno || end == arg || *end || arg[0] == '-')
		argp_error(state, "'%s' is not a number", arg);
	return v;
}

static error_t build_parse(int key, char *arg, struct argp_state *state)
{
	switch (key) {
	case 'n':
		bld.b.nr_remaps = parse_num(arg, state);
		bld.have_remaps = true;
		break;
	case OPT_SEED:
		bld.b.seed = parse_num(arg, state);
		break;
	case OPT_BLOCK_SIZE:
		bld.b.block_size = (uint32_t)parse_num(arg, state);
		break;
	case OPT_MAIN:
		bld.main_path = arg;
		break;
	case OPT_MAIN_SECTORS:
		bld.b.main_sectors = parse_num(arg, state);
		bld.have_sectors = true;
		break;
	case OPT_MAIN_LBS:
		bld.b.main_lbs = (uint32_t)parse_num(arg, state);
		break;
	case OPT_MAIN_PBS:
		bld.b.main_pbs = (uint32_t)parse_num(arg, state);
		break;
	case OPT_MAIN_ID:
		if (strlen(arg) >= DMR_MAIN_ID_LEN)
			argp_error(state, "--main-id is longer than %d bytes", DMR_MAIN_ID_LEN - 1);
		memcpy(bld.b.main_id, arg, strlen(arg));
		break;
	case OPT_STAMP:
		bld.b.stamp = true;
		break;
	case ARGP_KEY_END:
		if (!bld.have_remaps)
			argp_error(state, "missing --remaps N");
		if (!!bld.main_path == bld.have_sectors)
			argp_error(state, "give either --main DEV or --main-sectors N");
		break;
	default:
		return meta_parse_spare(key, arg, state);
	}
	return 0;
}

/* The partition UUID the kernel records for DEV ("" for a whole disk). */
static void read_partuuid(dev_t rdev, uint8_t id[DMR_MAIN_ID_LEN])
{
	char path[64], line[256];
	FILE *f;

	snprintf(path, sizeof(path), "/sys/dev/block/%u:%u/uevent", major(rdev), minor(rdev));
	f = fopen(path, "re");
	if (!f)
		return;
	while (fgets(line, sizeof(line), f))
		if (!strncmp(line, "PARTUUID=", 9)) {
			size_t len = strcspn(line + 9, "\n");

			memset(id, 0, DMR_MAIN_ID_LEN);
			memcpy(id, line + 9, len < DMR_MAIN_ID_LEN - 1 ? len : DMR_MAIN_ID_LEN - 1);
		}
	fclose(f);
}

static int read_main(const char *path, struct dmr_build *b)
{
	uint64_t bytes;
	struct stat st;
	int fd, lbs, ret = -1;
	unsigned int pbs;

	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0 || fstat(fd, &st) || !S_ISBLK(st.st_mode) ||
	    ioctl(fd, BLKGETSIZE64, &bytes) || ioctl(fd, BLKSSZGET, &lbs) ||
	    ioctl(fd, BLKPBSZGET, &pbs)) {
		fprintf(stderr, PROG " build: %s: %s\n", path,
			fd >= 0 && !errno ? "not a block device" : strerror(errno));
		goto out;
	}
	b->main_sectors = bytes / 512;
	b->main_lbs = (uint32_t)lbs;
	b->main_pbs = pbs;
	read_partuuid(st.st_rdev, b->main_id);
	ret = 0;
out:
	if (fd >= 0)
		close(fd);
	return ret;
}

static int cmd_build(void)
{
	char err[256];
	int fd, ret;

	if (bld.main_path && read_main(bld.main_path, &bld.b))
		return DMR_EXIT_USAGE;
	if (!bld.b.main_pbs)
		bld.b.main_pbs = bld.b.main_lbs;
	fd = open(meta_spare, O_RDWR | O_CLOEXEC);
	if (fd < 0) {
		fprintf(stderr, PROG " build: %s: %s\n", meta_spare, strerror(errno));
		return DMR_EXIT_USAGE;
	}
	ret = dmr_meta_build(fd, &bld.b, err, sizeof(err));
	if (close(fd) && !ret) {
		snprintf(err, sizeof(err), "closing: %s", strerror(errno));
		ret = -1;
	}
	if (ret) {
		fprintf(stderr, PROG " build: %s: %s\n", meta_spare, err);
		return DMR_EXIT_USAGE;
	}
	return 0;
}


const struct dmr_command meta_build = {
	.name = "build", .run = cmd_build,
	.argp = { .options = build_opts, .parser = build_parse, .args_doc = "SPARE",
		  .doc = build_doc },
};
