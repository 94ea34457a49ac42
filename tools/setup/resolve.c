// SPDX-License-Identifier: GPL-2.0
#define _GNU_SOURCE
#include "resolve.h"

#include <blkid/blkid.h>
#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <linux/fs.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>

#include "dmr_tab.h"

static int sysname_of(dev_t rdev, char *out, size_t len)
{
	char link[64], target[PATH_MAX];
	ssize_t n;
	const char *base;

	snprintf(link, sizeof(link), "/sys/dev/block/%u:%u", major(rdev), minor(rdev));
	n = readlink(link, target, sizeof(target) - 1);
	if (n < 0)
		return -errno;
	target[n] = '\0';
	base = strrchr(target, '/');
	snprintf(out, len, "%.63s", base ? base + 1 : target);	/* kernel names are short */
	return 0;
}

static int fill(const char *path, struct blockdev *bd, char *err, size_t errlen)
{
	struct stat st;
	unsigned long long bytes;
	int fd, lbs = 0;
	unsigned int pbs = 0;

	if (stat(path, &st)) {
		int e = errno;

		snprintf(err, errlen, "%s: %s", path, strerror(e));
		return e == ENOENT ? -ENODEV : -e;
	}
	if (!S_ISBLK(st.st_mode)) {
		snprintf(err, errlen, "%s is not a block device", path);
		return -ENOTBLK;
	}
	memset(bd, 0, sizeof(*bd));
	snprintf(bd->path, sizeof(bd->path), "%s", path);
	bd->rdev = st.st_rdev;
	fd = open(path, O_RDONLY | O_CLOEXEC | O_NONBLOCK);
	if (fd < 0 || ioctl(fd, BLKGETSIZE64, &bytes) || ioctl(fd, BLKSSZGET, &lbs) ||
	    ioctl(fd, BLKPBSZGET, &pbs)) {
		int e = errno;

		snprintf(err, errlen, "%s: %s", path, strerror(e));
		if (fd >= 0)
			close(fd);
		return e == ENXIO || e == ENOMEDIUM ? -ENODEV : -e;
	}
	close(fd);
	bd->sectors = bytes / 512;
	bd->lbs = (unsigned int)lbs;
	bd->pbs = pbs;
	sysname_of(bd->rdev, bd->sysname, sizeof(bd->sysname));
	return 0;
}

int resolve_spec(const char *spec, struct blockdev *bd, char *err, size_t errlen)
{
	char why[400], path[PATH_MAX];
	const char *value;
	blkid_cache cache = NULL;
	char *dev = NULL;
	int kind, ret;

	kind = dmr_dev_spec_kind(spec, &value, why, sizeof(why));
	if (kind < 0) {
		snprintf(err, errlen, "%s", why);
		return -EINVAL;
	}
	switch (kind) {
	case DMR_DEV_PATH:
	case DMR_DEV_ID:
		/* ID= is udev's name: only its link knows it */
		if (dmr_dev_spec_path(spec, path, sizeof(path)))
			return -ENAMETOOLONG;
		return fill(path, bd, err, errlen);
	default:
		/*
		 * "UUID=..." as it is: libblkid looks for udev's link first,
		 * then probes the block devices it knows.
		 */
		if (blkid_get_cache(&cache, NULL) == 0) {
			dev = blkid_evaluate_tag(spec, NULL, &cache);
			blkid_put_cache(cache);
		}
		if (!dev) {
			snprintf(err, errlen, "%s: no such device", spec);
			return -ENODEV;
		}
		ret = fill(dev, bd, err, errlen);
		free(dev);
		return ret;
	}
}

void blockdev_partuuid(const struct blockdev *bd, char *out, size_t len)
{
	blkid_cache cache = NULL;
	char *v = NULL;

	out[0] = '\0';
	if (blkid_get_cache(&cache, NULL))
		return;
	v = blkid_get_tag_value(cache, "PARTUUID", bd->path);
	blkid_put_cache(cache);
	if (!v)
		return;
	snprintf(out, len, "%s", v);
	for (char *p = out; *p; p++)
		*p = (char)tolower((unsigned char)*p);
	free(v);
}
