// SPDX-License-Identifier: GPL-2.0
/*
 * metafuzz-kernel - the kernel side of the metadata fuzzer, in the test VM:
 * many variants a second instead of a dozen processes each.
 *
 *   metafuzz-kernel [-t SECONDS] -M MAIN -S LIVE_SPARE -d DIR FIRST [COUNT]
 *
 * For each seed from FIRST (COUNT of them, or for SECONDS): the variant of
 * tests/fuzz/metafuzz_gen.c is written to DIR/w.img and read by
 * dmremap-meta's checker (tools/lib/dmr_meta.c: dmr_meta_read,
 * dmr_meta_check_main, dmr_meta_verdict, what `dmremap-meta check --main`
 * runs; every tenth seed also through the dmremap-meta command).  Then, with the image on a free loop device as the spare:
 *   1. create "fz" (constructor and first resume): it must load exactly
 *      when the checker says 0, 3 or 4, and be refused with a kernel log
 *      line otherwise; a loaded one is suspended and resumed, must list
 *      the mapping the checker says is in effect, read a remapped block
 *      as the spare holds it and an unmapped one as main holds it;
 *   2. a reload of the live device "lv" (MAIN, LIVE_SPARE, one remapped
 *      block at 4 MiB) with the variant as its spare: the same verdict and
 *      checks; then "lv" back to its own spare, its remapped block intact.
 * Prints "ok - seed S: ..." per variant (-q: only failures), "FUZZ-FAIL
 * seed=S: why" per failure, and "# FUZZ-SUMMARY ..." at the end.  Exit 1
 * when a variant failed.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <libdevmapper.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <linux/fs.h>
#include <linux/loop.h>
#include <sys/ioctl.h>
#include <sys/klog.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <sys/wait.h>

#include "dmr_meta.h"
#include "metafuzz_gen.h"

#define CLI_EVERY 10		/* seeds whose verdict the dmremap-meta command gives too */
#define LIVE_REF_OFF (4096ULL * 1024)	/* the live device's remapped block */

static const char *main_path, *live_spare, *dir;
static uint64_t main_sectors;
static bool quiet;
static unsigned int nr_failed;
static unsigned char *ref_live;		/* what lv holds at LIVE_REF_OFF */
static char why[512];

static void quiet_log(int level, const char *file, int line, int dm_errno,
		      const char *f, ...)
{
	(void)level; (void)file; (void)line; (void)dm_errno; (void)f;
}

static void die(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	fprintf(stdout, "Bail out! metafuzz-kernel: ");
	vfprintf(stdout, fmt, ap);
	fprintf(stdout, "\n");
	va_end(ap);
	exit(2);
}

static bool failf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

static bool failf(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(why, sizeof(why), fmt, ap);
	va_end(ap);
	return false;
}

/* ------------------------------------------------------------ dm ioctls */

static bool dm_run(int type, const char *name, const char *table, const char *msg,
		   char **response)
{
	struct dm_task *dmt = dm_task_create(type);
	bool ok;

	if (!dmt)
		die("dm_task_create");
	dm_task_set_name(dmt, name);
	if (table)
		dm_task_add_target(dmt, 0, main_sectors, "remap", table);
	if (msg) {
		dm_task_set_sector(dmt, 0);
		dm_task_set_message(dmt, msg);
	}
	ok = dm_task_run(dmt);
	if (ok && response)
		*response = strdup(dm_task_get_message_response(dmt) ?: "");
	dm_task_destroy(dmt);
	return ok;
}

static bool dm_exists(const char *name, dev_t *dev)
{
	struct dm_task *dmt = dm_task_create(DM_DEVICE_INFO);
	struct dm_info info;
	bool there;

	if (!dmt)
		die("dm_task_create");
	dm_task_set_name(dmt, name);
	there = dm_task_run(dmt) && dm_task_get_info(dmt, &info) && info.exists;
	if (there && dev)
		*dev = makedev(info.major, info.minor);
	dm_task_destroy(dmt);
	return there;
}

/* ------------------------------------------------------------------ I/O */

static void *block_buf(size_t len)
{
	void *p;

	if (posix_memalign(&p, 4096, len))
		die("out of memory");
	return p;
}

/* LEN bytes at OFF of PATH, with direct I/O */
static bool read_direct(const char *path, uint64_t off, void *buf, size_t len)
{
	int fd = open(path, O_RDONLY | O_DIRECT | O_CLOEXEC);
	bool ok = fd >= 0 && pread(fd, buf, len, (off_t)off) == (ssize_t)len;

	if (fd >= 0)
		close(fd);
	return ok;
}

/* a node for dm device NAME in DIR */
static bool dm_node(const char *name, char *path, size_t len)
{
	dev_t dev;

	if (!dm_exists(name, &dev))
		return failf("%s does not exist", name);
	snprintf(path, len, "%s/node-%s", dir, name);
	unlink(path);
	if (mknod(path, S_IFBLK | 0600, dev))
		return failf("mknod %s: %s", path, strerror(errno));
	return true;
}

static int loop_fd = -1;
static char loop_dev[32];	/* a free loop device, from /dev/loop-control */

/* Opens a free loop device (made in /dev if the guest has no node yet). */
static void loop_open(void)
{
	int ctl = open("/dev/loop-control", O_RDWR | O_CLOEXEC), n;

	if (ctl < 0)
		die("/dev/loop-control: %s", strerror(errno));
	n = ioctl(ctl, LOOP_CTL_GET_FREE);
	close(ctl);
	if (n < 0)
		die("no free loop device: %s", strerror(errno));
	snprintf(loop_dev, sizeof(loop_dev), "/dev/loop%d", n);
	if (access(loop_dev, F_OK) && mknod(loop_dev, S_IFBLK | 0600, makedev(7, n)))
		die("mknod %s: %s", loop_dev, strerror(errno));
	loop_fd = open(loop_dev, O_RDWR | O_CLOEXEC);
	if (loop_fd < 0)
		die("%s: %s", loop_dev, strerror(errno));
}

static void loop_attach(const char *file)
{
	int fd = open(file, O_RDWR | O_CLOEXEC);

	if (fd < 0 || ioctl(loop_fd, LOOP_SET_FD, fd))
		die("attach %s to %s: %s", file, loop_dev, strerror(errno));
	close(fd);
}

static void loop_detach(void)
{
	for (int i = 0; ioctl(loop_fd, LOOP_CLR_FD, 0); i++)
		if (errno != EBUSY || i > 100)
			die("detach %s: %s", loop_dev, strerror(errno));
		else
			usleep(10000);
	/*
	 * Newer kernels (6.12) only mark the device for clearing while it is
	 * open; it is released on the last close.  Close it and take
	 * whichever loop device is free now for the next attach.
	 */
	close(loop_fd);
	loop_open();
}

/* the image bytes into the file the loop device is backed by */
static void write_image(const char *file, const struct mf_variant *v)
{
	int fd = open(file, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);

	if (fd < 0 || write(fd, v->im.buf, v->size) != (ssize_t)v->size || close(fd))
		die("write %s: %s", file, strerror(errno));
}

/* the last kernel log line that mentions the target */
static bool refusal_said(void)
{
	static char log[1 << 16];
	int n = klogctl(3, log, sizeof(log) - 1);
	char *tail;

	if (n <= 0)
		return false;
	log[n] = '\0';
	/* the last three lines */
	tail = log + n;
	for (int k = 0; k < 4 && tail > log; )
		if (*--tail == '\n')
			k++;
	return strstr(tail, "remap") != NULL;
}

/* ------------------------------------------------------ the tool's view */

struct tool_view {
	int verdict;		/* DMR_CHECK_* */
	bool loads;
	uint32_t bs;		/* the table line's block size */
	char *map;		/* "logical spare_block\n" lines in effect, sorted by logical */
	uint64_t first_logical, first_sector;	/* a remapped block, when map is not empty */
	uint64_t nr_map;
};

static int cmp_u64pair(const void *a, const void *b)
{
	const uint64_t *x = a, *y = b;

	return x[0] < y[0] ? -1 : x[0] > y[0];
}

static void tool_check(const char *file, const struct dmr_main_dev *md, struct tool_view *tv)
{
	struct dmr_meta m;
	char err[256];
	uint64_t (*pairs)[2] = NULL, n = 0;
	size_t cap = 64, len = 0;
	int fd = open(file, O_RDONLY | O_CLOEXEC);

	memset(tv, 0, sizeof(*tv));
	if (fd < 0 || dmr_meta_read(fd, &m, err, sizeof(err)))
		die("dmr_meta_read %s: %s", file, fd < 0 ? strerror(errno) : err);
	close(fd);
	if (dmr_meta_check_main(&m, md))
		die("out of memory");
	tv->verdict = dmr_meta_verdict(&m);
	tv->loads = tv->verdict != DMR_CHECK_INCONSISTENT;
	tv->bs = 4096;
	if (m.state == DMR_META_FORMATTED && m.sb.block_size >= 512 &&
	    m.sb.block_size <= 65536 && !(m.sb.block_size & (m.sb.block_size - 1)))
		tv->bs = m.sb.block_size;
	pairs = calloc(m.nr_loaded + 1, sizeof(*pairs));
	tv->map = malloc(cap);
	if (!pairs || !tv->map)
		die("out of memory");
	for (uint64_t i = 0; i < m.nr_loaded; i++) {
		const struct dmr_meta_entry *e = &m.entries[i];

		if (e->readable && e->csum_ok && e->logical_ok && !e->retired &&
		    e->superseded_by == DMR_NOT_SUPERSEDED) {
			pairs[n][0] = e->logical;
			pairs[n][1] = i;
			n++;
		}
	}
	qsort(pairs, n, sizeof(*pairs), cmp_u64pair);
	tv->map[0] = '\0';
	for (uint64_t k = 0; k < n; k++) {
		char line[48];
		int l = snprintf(line, sizeof(line), "%" PRIu64 " %" PRIu64 "\n", pairs[k][0],
				 pairs[k][1]);

		if (len + (size_t)l + 1 > cap) {
			cap = 2 * cap + (size_t)l;
			tv->map = realloc(tv->map, cap);
			if (!tv->map)
				die("out of memory");
		}
		memcpy(tv->map + len, line, (size_t)l + 1);
		len += (size_t)l;
	}
	tv->nr_map = n;
	if (n) {
		tv->first_logical = pairs[0][0];
		tv->first_sector = dmr_spare_sector(&m, pairs[0][1]);
	}
	free(pairs);
	dmr_meta_free(&m);
}

/* ----------------------------------------------------- a loaded device */

/* NAME maps what the tool says, serves the spare's and main's blocks */
static bool check_loaded(const char *name, const struct tool_view *tv,
			 const struct mf_variant *v)
{
	char *list = NULL, node[256];
	unsigned char *got, *exp;
	uint64_t last;
	bool ok = true;

	if (!dm_run(DM_DEVICE_TARGET_MSG, name, NULL, "list", &list))
		return failf("%s: message list failed", name);
	if (strcmp(list, tv->map)) {
		failf("%s maps other blocks than dmremap-meta says: kernel [%.120s] tool [%.120s]",
		      name, list, tv->map);
		free(list);
		return false;
	}
	free(list);
	if (!dm_node(name, node, sizeof(node)))
		return false;
	got = block_buf(tv->bs);
	exp = block_buf(tv->bs);
	if (tv->nr_map) {
		uint64_t off = tv->first_sector * 512;

		if (!read_direct(node, tv->first_logical * tv->bs, got, tv->bs))
			ok = failf("%s: reading remapped block %" PRIu64 " failed", name,
				   tv->first_logical);
		else if (off + tv->bs > v->size || memcmp(got, v->im.buf + off, tv->bs))
			ok = failf("%s: remapped block %" PRIu64 " does not read as spare sector %"
				   PRIu64, name, tv->first_logical, tv->first_sector);
	}
	/* the last block of main, when nothing remaps it, reads as main */
	last = main_sectors / (tv->bs / 512) - 1;
	if (ok) {
		char key[32];
		bool mapped;

		snprintf(key, sizeof(key), "\n%" PRIu64 " ", last);
		mapped = !strncmp(tv->map, key + 1, strlen(key + 1)) || strstr(tv->map, key);
		if (mapped)
			;
		else if (!read_direct(node, last * tv->bs, got, tv->bs) ||
			 !read_direct(main_path, last * tv->bs, exp, tv->bs))
			ok = failf("%s: reading block %" PRIu64 " failed", name, last);
		else if (memcmp(got, exp, tv->bs))
			ok = failf("%s: unmapped block %" PRIu64 " does not read as main", name,
				   last);
	}
	unlink(node);
	free(got);
	free(exp);
	return ok;
}

static char live_table[256];

static bool restore_live(void)
{
	char node[256];
	unsigned char *got;
	bool ok;

	dm_run(DM_DEVICE_CLEAR, "lv", NULL, NULL, NULL);
	if (!dm_run(DM_DEVICE_RELOAD, "lv", live_table, NULL, NULL) ||
	    !dm_run(DM_DEVICE_RESUME, "lv", NULL, NULL, NULL))
		return failf("the live device cannot be restored after the reload");
	if (!dm_node("lv", node, sizeof(node)))
		return false;
	got = block_buf(4096);
	ok = read_direct(node, LIVE_REF_OFF, got, 4096) && !memcmp(got, ref_live, 4096);
	unlink(node);
	free(got);
	return ok ? true : failf("the live device lost its remapped block after the reload");
}

/* ------------------------------------------------------------- a variant */

static bool one_variant(uint64_t seed, const struct mf_params *p, const struct dmr_main_dev *md,
			bool *loads, char *desc, size_t desclen)
{
	struct mf_variant v;
	struct tool_view tv;
	char file[256], table[512];
	bool kernel, ok = true;

	if (mf_make(seed, p, &v))
		die("out of memory");
	snprintf(desc, desclen, "expect=%s %s", mf_expect_name(v.expect), v.desc);
	snprintf(file, sizeof(file), "%s/w.img", dir);
	write_image(file, &v);
	tool_check(file, md, &tv);
	*loads = tv.loads;
	if ((v.expect == MF_LOAD && !tv.loads) || (v.expect == MF_REFUSE && tv.loads))
		ok = failf("the generator expects '%s', dmremap-meta check says %d",
			   mf_expect_name(v.expect), tv.verdict);
	/* every CLI_EVERY-th variant: the command's exit status is the library's verdict */
	if (ok && !(seed % CLI_EVERY)) {
		char cmd[600];
		int rc;

		snprintf(cmd, sizeof(cmd), "dmremap-meta check -q --main %s %s", main_path, file);
		rc = system(cmd);
		if (!WIFEXITED(rc) || WEXITSTATUS(rc) != tv.verdict)
			ok = failf("'%s' exits %d, its library says %d", cmd,
				   WIFEXITED(rc) ? WEXITSTATUS(rc) : -1, tv.verdict);
	}
	snprintf(table, sizeof(table), "%s %s 2 block_size %u", main_path, loop_dev, tv.bs);
	loop_attach(file);

	/* 1. a new device */
	kernel = dm_run(DM_DEVICE_CREATE, "fz", table, NULL, NULL);
	if (!kernel && ok && !refusal_said())
		ok = failf("create refused without a reason in the kernel log");
	if (ok && kernel != tv.loads)
		ok = failf("create: the kernel %s it, dmremap-meta check says %d",
			   kernel ? "loads" : "refuses", tv.verdict);
	if (ok && kernel) {
		if (!dm_run(DM_DEVICE_SUSPEND, "fz", NULL, NULL, NULL) ||
		    !dm_run(DM_DEVICE_RESUME, "fz", NULL, NULL, NULL))
			ok = failf("suspend/resume of the loaded variant failed");
		else
			ok = check_loaded("fz", &tv, &v);
	}
	if (dm_exists("fz", NULL) && !dm_run(DM_DEVICE_REMOVE, "fz", NULL, NULL, NULL) && ok)
		ok = failf("cannot remove fz");
	loop_detach();

	/* 2. a reload of the live device (the spare as generated again) */
	write_image(file, &v);
	loop_attach(file);
	kernel = dm_run(DM_DEVICE_RELOAD, "lv", table, NULL, NULL) &&
		 dm_run(DM_DEVICE_RESUME, "lv", NULL, NULL, NULL);
	if (ok && kernel != tv.loads)
		ok = failf("reload: the kernel %s it, dmremap-meta check says %d",
			   kernel ? "loads" : "refuses", tv.verdict);
	if (ok && kernel)
		ok = check_loaded("lv", &tv, &v);
	if (!restore_live() && ok)
		ok = false;
	loop_detach();
	free(tv.map);
	mf_free(&v);
	return ok;
}

static void main_dev(const char *path, struct dmr_main_dev *md)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC), lbs = 0;
	unsigned int pbs = 0;
	uint64_t bytes = 0;

	if (fd < 0 || ioctl(fd, BLKGETSIZE64, &bytes) || ioctl(fd, BLKSSZGET, &lbs) ||
	    ioctl(fd, BLKPBSZGET, &pbs))
		die("main device %s: %s", path, strerror(errno));
	close(fd);
	memset(md, 0, sizeof(*md));
	md->sectors = bytes / 512;
	md->lbs = (uint32_t)lbs;
	md->pbs = pbs;
	md->id_known = true;	/* a whole device: no partition UUID */
}

int main(int argc, char **argv)
{
	uint64_t first, count = 0, seed, tried = 0, loaded = 0;
	struct dmr_main_dev md;
	struct mf_params p = { .spare_sectors = 2048 };
	long seconds = 0;
	time_t start;
	char node[256];
	int opt;

	while ((opt = getopt(argc, argv, "t:M:S:d:q")) != -1) {
		switch (opt) {
		case 't': seconds = atol(optarg); break;
		case 'M': main_path = optarg; break;
		case 'S': live_spare = optarg; break;
		case 'd': dir = optarg; break;
		case 'q': quiet = true; break;
		default: return 2;
		}
	}
	if (!main_path || !live_spare || !dir || argc - optind < 1 ||
	    (!seconds && argc - optind < 2)) {
		fprintf(stderr, "usage: metafuzz-kernel [-q] [-t SECONDS] -M MAIN -S LIVE_SPARE "
			"-d DIR FIRST [COUNT]\n");
		return 2;
	}
	first = strtoull(argv[optind], NULL, 0);
	if (!seconds)
		count = strtoull(argv[optind + 1], NULL, 0);
	setvbuf(stdout, NULL, _IOLBF, 0);
	dm_log_with_errno_init(quiet_log);
	dm_udev_set_sync_support(0);
	main_dev(main_path, &md);
	main_sectors = md.sectors;
	p.main_sectors = md.sectors;
	p.main_lbs = md.lbs;
	p.main_pbs = md.pbs;
	loop_open();

	/* the live device, with one remapped block */
	snprintf(live_table, sizeof(live_table), "%s %s", main_path, live_spare);
	if (!dm_run(DM_DEVICE_CREATE, "lv", live_table, NULL, NULL))
		die("create the live device lv (%s)", live_table);
	ref_live = block_buf(4096);
	for (int k = 0; k < 4096; k++)
		ref_live[k] = (unsigned char)(k * 7 + 3);
	if (!dm_node("lv", node, sizeof(node)))
		die("%s", why);
	{
		int fd = open(node, O_WRONLY | O_DIRECT | O_CLOEXEC);
		char msg[64];

		if (fd < 0 || pwrite(fd, ref_live, 4096, LIVE_REF_OFF) != 4096 || close(fd))
			die("write to lv: %s", strerror(errno));
		snprintf(msg, sizeof(msg), "remap %llu", LIVE_REF_OFF / 512);
		if (!dm_run(DM_DEVICE_TARGET_MSG, "lv", NULL, msg, NULL))
			die("remap a block of lv");
	}
	unlink(node);

	start = time(NULL);
	for (seed = first; seconds ? time(NULL) - start < seconds : seed < first + count; seed++) {
		char desc[256];
		bool loads;

		why[0] = '\0';
		if (one_variant(seed, &p, &md, &loads, desc, sizeof(desc))) {
			if (!quiet)
				printf("ok - seed %" PRIu64 ": %s (%s)\n", seed,
				       loads ? "loaded" : "refused", desc);
		} else {
			nr_failed++;
			printf("FUZZ-FAIL seed=%" PRIu64 ": %s (%s)\n", seed, why, desc);
		}
		tried++;
		loaded += loads;
	}
	if (!dm_run(DM_DEVICE_REMOVE, "lv", NULL, NULL, NULL))
		die("remove lv");
	printf("# FUZZ-SUMMARY variants=%" PRIu64 " loaded=%" PRIu64 " refused=%" PRIu64
	       " failed=%u seconds=%ld seeds=%" PRIu64 "..%" PRIu64 "\n", tried, loaded,
	       tried - loaded, nr_failed, (long)(time(NULL) - start), first, seed - 1);
	return nr_failed ? 1 : 0;
}
