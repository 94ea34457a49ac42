/* SPDX-License-Identifier: GPL-2.0 */
/*
 * dm.h - device-mapper queries through libdevmapper: dm names <-> dev_t,
 * and the list of devices with a `remap` target with their status.
 *
 * Device numbers here are the kernel's encoding (major << 20 | minor), the
 * one the tracepoints carry.
 */
#ifndef DMREMAP_DM_H
#define DMREMAP_DM_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "status.h"

#define DMR_DM_NAME_LEN 128	/* DM_NAME_LEN */
#define DMR_TARGET_NAME "remap"

struct dmr_dm_dev {
	char name[DMR_DM_NAME_LEN];
	uint32_t kdev;
	uint64_t start, length;		/* of the remap target, in sectors */
	char *params;			/* raw status params of the remap target */
	int status_err;			/* dmr_status_parse() result */
	struct dmr_status status;
};

/* route libdevmapper's own messages to stderr only when verbose */
void dmr_dm_set_verbose(bool verbose);

/* name of dm device kdev: 0, -ENXIO when no such dm device, -errno on failure */
int dmr_dm_name_of(uint32_t kdev, char *name, size_t len);

/* kernel dev_t of dm device `name`: 0, -ENXIO when no such device, -errno */
int dmr_dm_kdev_of(const char *name, uint32_t *kdev);

/*
 * Resolve a user's DEVICE argument: a dm name, "MAJ:MIN", or a path to a
 * block device node (/dev/mapper/NAME, /dev/dm-N).  Returns 0 or -ENXIO /
 * -ENOTBLK / -errno.
 */
int dmr_dm_resolve(const char *arg, uint32_t *kdev);

/*
 * Every dm device whose live table has a `remap` target, sorted by name,
 * with its status parsed.  *devs is malloc'ed (free with dmr_dm_free_list).
 * Returns the count, or -errno.
 */
int dmr_dm_list_remap(struct dmr_dm_dev **devs);
void dmr_dm_free_list(struct dmr_dm_dev *devs, int n);

/*
 * main and spare devices (kernel dev_t) of dm device `name`'s remap target,
 * from its table: 0, -ENXIO (no such device) or -ENOENT (no remap target)
 */
int dmr_dm_remap_legs(const char *name, uint32_t *main_dev, uint32_t *spare_dev);

/* names and numbers of every dm device; callback per device, stop on non-zero */
int dmr_dm_for_each(int (*cb)(const char *name, uint32_t kdev, void *arg), void *arg);

#endif
