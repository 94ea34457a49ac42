// SPDX-License-Identifier: GPL-2.0
/*
 * dmremap-meta - read dm-remap's on-disk metadata offline.
 *
 *   dmremap-meta dump [-j] SPARE
 *   dmremap-meta check [-j] [-q] [-m MAIN] SPARE
 *   dmremap-meta build --remaps N [--seed S] (--main DEV | --main-sectors N ...) SPARE
 *
 * Plain user space: no module, no BPF, no root when SPARE is readable.
 */
#define _GNU_SOURCE
#include <argp.h>
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

#include "command.h"
#include "dmr_meta.h"
#include "dmr_meta_build.h"
#include "dmr_meta_print.h"
#include "version.h"

#define PROG "dmremap-meta"

const char *argp_program_version = PROG " " DMREMAP_VERSION;

/* exit codes: check's verdicts are DMR_CHECK_* (dmr_meta.h), and */
#define EXIT_USAGE		2	/* usage, open or I/O error */

static struct env {
	bool json;
	bool quiet;
	const char *path;
	const char *main_path;		/* check --main */
} env;

/*
 * Open for reading.  A block device is read with O_DIRECT when it allows
 * it, so that metadata the kernel wrote with bios is not hidden by stale
 * page cache; otherwise the cache is dropped for the metadata area.
 */
static int open_spare(const char *path)
{
	struct stat st;
	int fd;

	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -1;
	if (fstat(fd, &st) == 0 && S_ISBLK(st.st_mode)) {
		int dfd = open(path, O_RDONLY | O_CLOEXEC | O_DIRECT);

		if (dfd >= 0) {
			close(fd);
			return dfd;
		}
		posix_fadvise(fd, 0, 0, POSIX_FADV_DONTNEED);
	}
	return fd;
}

static int load(struct dmr_meta *m)
{
	char err[256];
	int fd, ret;

	fd = open_spare(env.path);
	if (fd < 0) {
		fprintf(stderr, PROG ": %s: %s\n", env.path, strerror(errno));
		return -1;
	}
	ret = dmr_meta_read(fd, m, err, sizeof(err));
	close(fd);
	if (ret) {
		fprintf(stderr, PROG ": %s: %s\n", env.path, err);
		dmr_meta_free(m);
		return -1;
	}
	return 0;
}

static int flush_stdout(void)
{
	if (fflush(stdout) || ferror(stdout)) {
		fprintf(stderr, PROG ": writing output: %s\n", strerror(errno));
		return -1;
	}
	return 0;
}

static error_t sub_parse(int key, char *arg, struct argp_state *state)
{
	switch (key) {
	case 'j':
		env.json = true;
		break;
	case 'q':
		env.quiet = true;
		break;
	case 'm':
		env.main_path = arg;
		break;
	case 'h':
		argp_state_help(state, stdout, ARGP_HELP_STD_HELP);
		break;
	case ARGP_KEY_ARG:
		if (env.path)
			argp_error(state, "one SPARE only (got '%s' and '%s')", env.path, arg);
		env.path = arg;
		break;
	case ARGP_KEY_END:
		if (!env.path)
			argp_error(state, "missing SPARE (the spare device or an image of it)");
		break;
	default:
		return ARGP_ERR_UNKNOWN;
	}
	return 0;
}

/* ------------------------------------------------------------------ dump */

static const struct argp_option dump_opts[] = {
	{ "json", 'j', NULL, 0, "JSON lines: one object per record (see below)", 0 },
	{ NULL, 'h', NULL, OPTION_HIDDEN, "show this help", 0 },
	{ 0 },
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

static int cmd_dump(int argc, char **argv)
{
	static const struct argp argp = {
		.options = dump_opts,
		.parser = sub_parse,
		.args_doc = "SPARE",
		.doc = dump_doc,
	};
	struct dmr_meta m;

	if (argp_parse(&argp, argc, argv, 0, NULL, NULL))
		return EXIT_USAGE;
	if (load(&m))
		return EXIT_USAGE;
	if (env.json)
		dmr_meta_print_dump_json(stdout, &m, env.path);
	else
		dmr_meta_print_dump(stdout, &m, env.path);
	dmr_meta_free(&m);
	return flush_stdout() ? EXIT_USAGE : 0;
}

/* ----------------------------------------------------------------- check */

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
	{ "json", 'j', NULL, 0, "JSON lines: one \"problem\" object per finding, then a \"summary\"", 0 },
	{ "quiet", 'q', NULL, 0, "print nothing, only set the exit status", 0 },
	{ "main", 'm', "MAIN", 0, "the main device: metadata of another one (size, block sizes, partition UUID) is an error, as for the module", 0 },
	{ NULL, 'h', NULL, OPTION_HIDDEN, "show this help", 0 },
	{ 0 },
};

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

static int cmd_check(int argc, char **argv)
{
	static const struct argp argp = {
		.options = check_opts,
		.parser = sub_parse,
		.args_doc = "SPARE",
		.doc = check_doc,
	};
	struct dmr_main_dev main_dev;
	struct dmr_meta m;
	int ret;

	if (argp_parse(&argp, argc, argv, 0, NULL, NULL))
		return EXIT_USAGE;
	if (env.main_path && main_dev_of(env.main_path, &main_dev))
		return EXIT_USAGE;
	if (load(&m))
		return EXIT_USAGE;
	if (env.main_path && dmr_meta_check_main(&m, &main_dev)) {
		fprintf(stderr, PROG ": out of memory\n");
		dmr_meta_free(&m);
		return EXIT_USAGE;
	}
	if (env.json && !env.quiet)
		dmr_meta_print_check_json(stdout, &m, env.path);
	else if (!env.quiet)
		dmr_meta_print_check(stdout, &m, env.path);
	ret = dmr_meta_verdict(&m);
	dmr_meta_free(&m);
	return flush_stdout() ? EXIT_USAGE : ret;
}

/* ----------------------------------------------------------------- build */

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
	{ NULL, 'h', NULL, OPTION_HIDDEN, "show this help", 0 },
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

static int parse_u64(const char *arg, uint64_t *v, struct argp_state *state)
{
	char *end;

	errno = 0;
	*v = strtoull(arg, &end, 0);
	if (errno || end == arg || *end || arg[0] == '-')
		argp_error(state, "'%s' is not a number", arg);
	return 0;
}

static error_t build_parse(int key, char *arg, struct argp_state *state)
{
	uint64_t v;

	switch (key) {
	case 'n':
		parse_u64(arg, &bld.b.nr_remaps, state);
		bld.have_remaps = true;
		break;
	case OPT_SEED:
		parse_u64(arg, &bld.b.seed, state);
		break;
	case OPT_BLOCK_SIZE:
		parse_u64(arg, &v, state);
		bld.b.block_size = (uint32_t)v;
		break;
	case OPT_MAIN:
		bld.main_path = arg;
		break;
	case OPT_MAIN_SECTORS:
		parse_u64(arg, &bld.b.main_sectors, state);
		bld.have_sectors = true;
		break;
	case OPT_MAIN_LBS:
		parse_u64(arg, &v, state);
		bld.b.main_lbs = (uint32_t)v;
		break;
	case OPT_MAIN_PBS:
		parse_u64(arg, &v, state);
		bld.b.main_pbs = (uint32_t)v;
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
		return sub_parse(key, arg, state);
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

static int cmd_build(int argc, char **argv)
{
	static const struct argp argp = {
		.options = build_opts,
		.parser = build_parse,
		.args_doc = "SPARE",
		.doc = build_doc,
	};
	char err[256];
	int fd, ret;

	if (argp_parse(&argp, argc, argv, 0, NULL, NULL))
		return EXIT_USAGE;
	if (bld.main_path && read_main(bld.main_path, &bld.b))
		return EXIT_USAGE;
	if (!bld.b.main_pbs)
		bld.b.main_pbs = bld.b.main_lbs;
	fd = open(env.path, O_RDWR | O_CLOEXEC);
	if (fd < 0) {
		fprintf(stderr, PROG " build: %s: %s\n", env.path, strerror(errno));
		return EXIT_USAGE;
	}
	ret = dmr_meta_build(fd, &bld.b, err, sizeof(err));
	if (close(fd) && !ret) {
		snprintf(err, sizeof(err), "closing: %s", strerror(errno));
		ret = -1;
	}
	if (ret) {
		fprintf(stderr, PROG " build: %s: %s\n", env.path, err);
		return EXIT_USAGE;
	}
	return 0;
}

/* ------------------------------------------------------------------ main */

static const struct dmr_command commands[] = {
	{ "dump", cmd_dump, "superblocks, geometry, binding, table and mapping in effect" },
	{ "check", cmd_check, "validate everything; one line per problem" },
	{ "build", cmd_build, "format a spare with N random remaps (tests, benchmarks)" },
};

#define NR_COMMANDS (sizeof(commands) / sizeof(commands[0]))

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
	return dmr_command_main(PROG, main_doc, commands, NR_COMMANDS, argc, argv, EXIT_USAGE);
}
