// SPDX-License-Identifier: GPL-2.0
#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "blkdev.h"
#include "dm_remap_events.h"

/* first line of a sysfs file into buf, without its newline: 0 or -errno */
static int read_line(const char *path, char *buf, size_t len)
{
	FILE *f = fopen(path, "re");
	int ret = 0;

	if (!f)
		return -errno;
	if (!fgets(buf, (int)len, f))
		ret = ferror(f) ? -EIO : -ENODATA;
	fclose(f);
	if (!ret)
		buf[strcspn(buf, "\n")] = '\0';
	return ret;
}

int dmr_blk_read(const char *kname, struct dmr_blk *b)
{
	char path[PATH_MAX], buf[256];
	unsigned int ma, mi, r = 0, w = 0;
	struct dirent *de;
	DIR *d;
	int ret;

	memset(b, 0, sizeof(*b));
	snprintf(b->kname, sizeof(b->kname), "%s", kname);
	snprintf(path, sizeof(path), "/sys/class/block/%s/dev", kname);
	ret = read_line(path, buf, sizeof(buf));
	if (ret)
		return ret;
	if (sscanf(buf, "%u:%u", &ma, &mi) != 2)
		return -EINVAL;
	b->kdev = DM_REMAP_MKDEV(ma, mi);
	snprintf(path, sizeof(path), "/sys/class/block/%s/inflight", kname);
	if (!read_line(path, buf, sizeof(buf)) && sscanf(buf, "%u %u", &r, &w) == 2)
		b->inflight = r + w;
	snprintf(path, sizeof(path), "/sys/class/block/%s/stat", kname);
	if (!read_line(path, buf, sizeof(buf))) {
		/* fields 4, 8, 15 and 17 (Documentation/block/stat.rst) */
		unsigned long long f[17] = { 0 };
		int n = sscanf(buf, "%llu %llu %llu %llu %llu %llu %llu %llu %llu %llu %llu "
			       "%llu %llu %llu %llu %llu %llu", &f[0], &f[1], &f[2], &f[3],
			       &f[4], &f[5], &f[6], &f[7], &f[8], &f[9], &f[10], &f[11],
			       &f[12], &f[13], &f[14], &f[15], &f[16]);

		if (n >= 8)
			b->done_ms = f[3] + f[7] + f[14] + f[16];
	}
	snprintf(path, sizeof(path), "/sys/class/block/%s/dm/suspended", kname);
	ret = read_line(path, buf, sizeof(buf));
	/* a dm device being removed may have lost its dm/ directory already */
	b->is_dm = !ret || !strncmp(kname, "dm-", 3);
	if (b->is_dm) {
		b->suspended = !ret && buf[0] == '1';
		snprintf(path, sizeof(path), "/sys/class/block/%s/dm/name", kname);
		/* unreadable while the device is being removed */
		if (read_line(path, b->name, sizeof(b->name)))
			b->name[0] = '\0';
	} else {
		snprintf(b->name, sizeof(b->name), "%s", kname);
	}
	snprintf(path, sizeof(path), "/sys/class/block/%s/slaves", kname);
	d = opendir(path);
	while (d && (de = readdir(d)) && b->nr_lower < DMR_BLK_MAX_LOWER) {
		size_t n = strlen(de->d_name);

		if (de->d_name[0] == '.' || n >= DMR_BLK_KNAME_LEN)
			continue;
		memcpy(b->lower[b->nr_lower++], de->d_name, n + 1);
	}
	if (d)
		closedir(d);
	return 0;
}

int dmr_blk_kname_of(uint32_t kdev, char *kname, size_t len)
{
	char path[64], target[PATH_MAX], *base;
	ssize_t n;

	snprintf(path, sizeof(path), "/sys/dev/block/%u:%u", DM_REMAP_DEV_MAJOR(kdev),
		 DM_REMAP_DEV_MINOR(kdev));
	n = readlink(path, target, sizeof(target) - 1);
	if (n < 0)
		return -errno;
	target[n] = '\0';
	base = strrchr(target, '/');
	snprintf(kname, len, "%s", base ? base + 1 : target);
	return 0;
}

int dmr_blk_find_dm(const char *name, char *kname, size_t len)
{
	char nameless[DMR_BLK_KNAME_LEN] = "";
	int nr_nameless = 0, ret = -ENOENT;
	struct dirent *de;
	DIR *d = opendir("/sys/block");

	if (!d)
		return -errno;
	while ((de = readdir(d))) {
		struct dmr_blk b;

		if (strncmp(de->d_name, "dm-", 3) || dmr_blk_read(de->d_name, &b))
			continue;
		if (!strcmp(b.name, name)) {
			snprintf(kname, len, "%s", b.kname);
			ret = 0;
			break;
		}
		if (!b.name[0] && !nr_nameless++)
			snprintf(nameless, sizeof(nameless), "%s", b.kname);
	}
	closedir(d);
	if (ret && nr_nameless == 1) {
		snprintf(kname, len, "%s", nameless);
		ret = 0;
	}
	return ret;
}
