/* SPDX-License-Identifier: GPL-2.0 */
/*
 * dm-remap: keeps a disk with growing bad sectors in service by moving
 * blocks whose writes fail to a spare device.
 *
 * Shared declarations of the target's files.
 */
#ifndef DM_REMAP_H
#define DM_REMAP_H

#include <linux/device-mapper.h>
#include <linux/types.h>
#include <linux/atomic.h>
#include <linux/wait.h>

#define DM_MSG_PREFIX "remap"

#define REMAP_DEFAULT_BLOCK_SIZE	4096
#define REMAP_MIN_BLOCK_SIZE		512
#define REMAP_MAX_BLOCK_SIZE		65536

/* What the table line asked for. */
struct remap_args {
	const char *main_path;
	const char *spare_path;
	unsigned int block_size;	/* bytes */
	unsigned int scrub_rate;	/* KiB/s, 0: scrub only on request */
	bool no_auto_remap;
	bool allow_format;
};

struct remap_c {
	struct dm_target *ti;
	struct dm_dev *main_dev;
	struct dm_dev *spare_dev;
	dev_t devt;			/* the dm device, for tracepoints */

	struct remap_args args;
	unsigned int block_sectors;
	unsigned int block_shift;	/* log2(block_sectors) */

	/* Original bios between map and their final completion. */
	atomic_t inflight;
	wait_queue_head_t inflight_wait;
};

/* Per-bio data: what end_io needs, saved at map time. */
struct remap_io {
	sector_t sector;		/* target-relative, before any remap */
	unsigned int nr_sectors;	/* bi_iter is advanced once completed */
	u32 op;				/* enum dm_remap_op */
	u64 start_ns;			/* 0 unless dm_remap_io_done is enabled */
};

int remap_parse_args(struct dm_target *ti, unsigned int argc, char **argv,
		     struct remap_args *args);

#endif /* DM_REMAP_H */
