/* SPDX-License-Identifier: GPL-2.0 */
/*
 * udev_match.h - is the device udev is processing the MAIN or SPARE of a
 * dmremaptab line?  Decided from the properties udev already has (the
 * blkid probe's ID_FS_UUID, ID_PART_ENTRY_UUID / _NAME, DEVLINKS) and the
 * node's device number, with no probing of other devices: udev runs it for
 * every block device event.
 */
#ifndef DMREMAP_SETUP_UDEV_MATCH_H
#define DMREMAP_SETUP_UDEV_MATCH_H

#include <stdbool.h>
#include <sys/types.h>

/* what udev knows of the device */
struct udev_dev {
	dev_t rdev;			/* 0 when unknown */
	const char *fs_uuid;		/* ID_FS_UUID */
	const char *part_uuid;		/* ID_PART_ENTRY_UUID */
	const char *part_name;		/* ID_PART_ENTRY_NAME */
	const char *devlinks;		/* DEVLINKS: space-separated paths */
};

/* does spec (a dmremaptab MAIN/SPARE) name this device? */
bool udev_spec_matches(const char *spec, const struct udev_dev *d);

#endif
