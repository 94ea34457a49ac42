/* SPDX-License-Identifier: GPL-2.0 */
/*
 * dm-remap: one kernel API over every supported kernel (6.1 and 6.12).
 *
 * What a kernel has is decided by compiling small probes against its build
 * tree (scripts/kernel-probes, run by scripts/build-module), never by
 * LINUX_VERSION_CODE: distributions backport (Debian's 6.1 has dm_io()'s
 * ioprio argument, which mainline gained in 6.9).  The probes write
 * dm-remap-probes.h next to the sources; docs/kernels.md lists them.
 *
 * The module code calls the dm_remap_* names below, never the kernel's
 * changing ones directly.  Only APIs the module uses and that differ
 * between the supported kernels belong here.
 */
#ifndef DM_REMAP_COMPAT_H
#define DM_REMAP_COMPAT_H

#if __has_include("dm-remap-probes.h")
#include "dm-remap-probes.h"
#else
#error "dm-remap-probes.h is missing: run scripts/kernel-probes KDIR SRCDIR first (scripts/build-module and module/Makefile do)"
#endif

#include <linux/blkdev.h>
#include <linux/srcu.h>

/*
 * Queue limits (io_hints): blk_limits_io_min()/blk_limits_io_opt() were
 * removed in 6.12 (9ba5dcc722de); the limits are then assigned directly and
 * blk_validate_limits() rounds io_min up to the physical block size.  The
 * fallback keeps the old helpers' exact behaviour on every kernel.
 */
static inline void dm_remap_limits_io_min(struct queue_limits *limits,
					  unsigned int min)
{
#ifdef DM_REMAP_HAVE_BLK_LIMITS_IO_MIN
	blk_limits_io_min(limits, min);
#else
	limits->io_min = max3(min, limits->logical_block_size,
			      limits->physical_block_size);
#endif
}

static inline void dm_remap_limits_io_opt(struct queue_limits *limits,
					  unsigned int opt)
{
#ifdef DM_REMAP_HAVE_BLK_LIMITS_IO_MIN
	blk_limits_io_opt(limits, opt);
#else
	limits->io_opt = opt;
#endif
}

/*
 * SRCU readers that end in another context (a write holds the target's
 * SRCU from map to end_io): srcu_down_read()/srcu_up_read() arrived in
 * v6.3; before, they are the lockdep-free primitives that
 * srcu_read_lock()/srcu_read_unlock() wrap.
 */
#ifdef DM_REMAP_HAVE_SRCU_DOWN_READ
#define dm_remap_srcu_down(ssp)		srcu_down_read(ssp)
#define dm_remap_srcu_up(ssp, idx)	srcu_up_read(ssp, idx)
#else
#define dm_remap_srcu_down(ssp)		__srcu_read_lock(ssp)
#define dm_remap_srcu_up(ssp, idx)	__srcu_read_unlock(ssp, idx)
#endif

#endif /* DM_REMAP_COMPAT_H */
