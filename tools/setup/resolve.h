/* SPDX-License-Identifier: GPL-2.0 */
/*
 * resolve.h - a MAIN/SPARE spec of dmremaptab (a path, UUID=, PARTUUID=,
 * PARTLABEL=, ID=) to the block device it names, through libblkid: udev's
 * /dev/disk/by-* links when they exist, else a probe of every block device
 * (a host without udev, the test guest).
 */
#ifndef DMREMAP_SETUP_RESOLVE_H
#define DMREMAP_SETUP_RESOLVE_H

#include <stddef.h>
#include <sys/types.h>

struct blockdev {
	char path[256];		/* a node of the device, e.g. /dev/sdb1 */
	dev_t rdev;
	unsigned long long sectors;
	unsigned int lbs, pbs;	/* logical and physical block size */
	char sysname[64];	/* its name under /sys/class/block */
};

/* 0, or -ENODEV (nothing has that name) / -ENOTBLK / -errno with err set */
int resolve_spec(const char *spec, struct blockdev *bd, char *err, size_t errlen);

/*
 * The GPT partition UUID of bd, lower case, or "" (whole disk, MBR...):
 * what the kernel records as the main device's identity.
 */
void blockdev_partuuid(const struct blockdev *bd, char *out, size_t len);

#endif
