/* SPDX-License-Identifier: GPL-2.0 */
/*
 * dm.h - device-mapper queries through libdevmapper: dm names <-> dev_t,
 * and the list of devices with a `remap` target with their status.
 *
 * Device numbers here are the kernel's encoding (major << 20 | minor), the
 * one the tracepoints carry.
 *
 * Names: a dm name is any bytes but NUL (`dmsetup create --manglename
 * none`).  libdevmapper runs with name mangling off
 * (DM_STRING_MANGLING_NONE), devices are listed and queried by number, never
 * by name, so no name can make a query fail; the names handed out here are
 * display names (dmr_name_escape() of tools/lib/names.h: valid UTF-8,
 * reversible), or "MAJ:MIN" for a device whose name cannot be had.
 */
#ifndef DMREMAP_DM_H
#define DMREMAP_DM_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "status.h"

#define DMR_DM_RAW_NAME_LEN 128	/* DM_NAME_LEN: the kernel's name, NUL included */
/* a display name: every raw byte may become "\xHH" */
#define DMR_DM_NAME_LEN	(4 * (DMR_DM_RAW_NAME_LEN - 1) + 1)
#define DMR_TARGET_NAME "remap"

struct dmr_dm_dev {
	char name[DMR_DM_NAME_LEN];	/* display name (see above) */
	uint32_t kdev;
	/*
	 * Which creation of dm device kdev this is: the inode number of its
	 * sysfs directory (/sys/dev/block/MAJ:MIN), which kernfs never hands
	 * out twice in a boot, so a device removed and created again (same
	 * name, often the same minor) gets another one.  0 when sysfs cannot
	 * tell.  Stays the same across table reloads and renames.
	 */
	uint64_t inst;
	uint64_t start, length;		/* of the remap target, in sectors */
	char *params;			/* raw status params of the remap target */
	int status_err;			/* dmr_status_parse() result */
	struct dmr_status status;
};

/* route libdevmapper's own messages to stderr only when verbose */
void dmr_dm_set_verbose(bool verbose);

/* display name of dm device kdev: 0, -ENXIO when no such dm device, -errno on failure */
int dmr_dm_name_of(uint32_t kdev, char *name, size_t len);

/*
 * kernel dev_t of dm device `name`: the raw name, or else its display form
 * ("a b\xff").  0, -ENXIO when no such device, -errno
 */
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

/*
 * Display names and numbers of every dm device; callback per device, stop
 * on non-zero (returned).  0 or -errno when the list cannot be had.
 */
int dmr_dm_for_each(int (*cb)(const char *name, uint32_t kdev, void *arg), void *arg);

/*
 * The kernel dev_t (major << 20 | minor) of dm_names.dev, which the kernel
 * fills with huge_encode_dev(): minor bits 0-7 in bits 0-7, major in bits
 * 8-19, minor bits 8-19 in bits 20-31.
 */
static inline uint32_t dmr_dm_decode_dev(uint64_t dev)
{
	uint32_t ma = (uint32_t)((dev >> 8) & 0xfff);
	uint32_t mi = (uint32_t)((dev & 0xff) | ((dev >> 12) & 0xfff00));

	return (ma << 20) | mi;
}


#endif
