/* SPDX-License-Identifier: GPL-2.0 */
/*
 * dmops.h - what dmremap-setup asks of device-mapper (libdevmapper, with
 * udev synchronisation when udev runs, nodes made by libdevmapper when it
 * does not) and the kernel's reason when a table is refused.
 */
#ifndef DMREMAP_SETUP_DMOPS_H
#define DMREMAP_SETUP_DMOPS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* dm UUID prefix of the devices dmremap-setup creates (udev rules skip them) */
#define DMOPS_UUID_PREFIX "REMAP-"

struct dm_state {
	bool exists;
	uint32_t major, minor;
	int open_count;
	bool suspended;
};

/* 0 (state->exists tells), -errno */
int dmops_info(const char *name, struct dm_state *state);

/*
 * The first target of NAME's live table: its type and params into the
 * buffers.  0, -ENXIO (no device or empty table), -errno.
 */
int dmops_table(const char *name, char *type, size_t tlen, char *params, size_t plen);

/*
 * Create NAME with one remap target of `sectors` and `params`.  On a
 * refusal, err holds the kernel's reason (its "remap: ..." log line) when
 * it can be read.  0 or -errno.
 */
int dmops_create(const char *name, uint64_t sectors, const char *params, char *err,
		 size_t errlen);

/* remove NAME; deferred: let the last closer remove it.  0 or -errno + err */
int dmops_remove(const char *name, bool deferred, char *err, size_t errlen);

/* the dm_remap module is loaded, or modprobe loads it: 0, or -errno + err */
int dmops_load_module(char *err, size_t errlen);

#endif
