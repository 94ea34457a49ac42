/* SPDX-License-Identifier: GPL-2.0 */
/*
 * inuse.h - is a block device in use, and by what: mounted, held by
 * another device (a dm table, md, bcache: /sys/class/block/X/holders) or
 * opened exclusively by a program.
 */
#ifndef DMREMAP_SETUP_INUSE_H
#define DMREMAP_SETUP_INUSE_H

#include <stddef.h>
#include <sys/types.h>

/* mount point of rdev into out (first one found): 1 mounted, 0 not */
int mounted_on(dev_t rdev, char *out, size_t len);

/* first holder of sysname (a dm device shown with its dm name): 1, or 0 */
int held_by(const char *sysname, char *out, size_t len);

/*
 * Why rdev (node path, /sys/class/block name sysname) cannot be taken
 * exclusively: 1 with a reason in why, 0 when it is free.
 */
int blockdev_in_use(const char *path, dev_t rdev, const char *sysname, char *why, size_t len);

#endif
