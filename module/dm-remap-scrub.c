// SPDX-License-Identifier: GPL-2.0
/*
 * dm-remap: the background scrub.
 *
 * Reads the main device block by block, at scrub_rate KiB/s (or as fast as
 * it goes when started by a message with no rate set), and marks blocks
 * that cannot be read as pending, so that their next write remaps them.
 * It runs as a delayed work item on the target's ordered workqueue, one
 * tick of reads at a time, yields to the worker whenever the worker has
 * something to do, pauses while the main device is offline (its failures
 * then say nothing about its sectors), and stops at the next block once
 * the device starts suspending: postsuspend cancels it synchronously.
 */
#include "dm-remap.h"
#include "dm-remap-trace.h"

#include <linux/blkdev.h>
#include <linux/ktime.h>

#define SCRUB_TICK		(HZ / 10)
#define SCRUB_UNLIMITED_BYTES	(4U << 20)	/* per tick when no rate is set */

static unsigned int scrub_budget(struct remap_c *rc)
{
	u64 rate = rc->args.scrub_rate;

	if (!rate)
		return SCRUB_UNLIMITED_BYTES;
	/* KiB/s over one tick, at least one block, at most an unlimited tick. */
	return clamp_t(u64, rate * 1024 * SCRUB_TICK / HZ, rc->args.block_size,
		       SCRUB_UNLIMITED_BYTES);
}

static void scrub_block(struct remap_c *rc, u64 block)
{
	struct block_device *bdev = rc->main_dev->bdev;
	sector_t sector = block << rc->block_shift;
	u64 index;
	int r;

	if (remap_lookup(rc, block, &index))
		return;
	r = remap_sync_io(rc, bdev, sector, rc->scrub_buf, rc->args.block_size,
			  REQ_OP_READ);
	if (r)	/* retried once, as reads from the I/O path are */
		r = remap_sync_io(rc, bdev, sector, rc->scrub_buf,
				  rc->args.block_size, REQ_OP_READ);
	if (!r)
		return;
	trace_dm_remap_io_error(rc->devt, sector, rc->block_sectors,
				DM_REMAP_OP_READ, r, DM_REMAP_TARGET_MAIN);
	atomic64_inc(&rc->read_errors);
	if (!remap_main_failure_is_local(rc, errno_to_blk_status(r),
					 ktime_get_ns()))
		return;
	rc->scrub_found++;
	remap_mark_pending(rc, block);
}

void remap_scrub_worker(struct work_struct *work)
{
	struct remap_c *rc = container_of(to_delayed_work(work), struct remap_c,
					  scrub_work);
	unsigned int budget = scrub_budget(rc), done = 0;

	while (done < budget && rc->scrub_pos < rc->nr_blocks) {
		if (READ_ONCE(rc->stopping) ||
		    READ_ONCE(rc->scrub_state) != REMAP_SCRUB_RUNNING)
			return;
		/* Offline: wait, without moving on.  Remaps first. */
		if (READ_ONCE(rc->main_offline) || work_pending(&rc->work))
			break;
		scrub_block(rc, rc->scrub_pos);
		/* An offline main failed that block: read it again later. */
		if (READ_ONCE(rc->main_offline))
			break;
		rc->scrub_pos++;
		done += rc->args.block_size;
	}

	spin_lock_irq(&rc->lock);
	if (rc->scrub_state == REMAP_SCRUB_RUNNING) {
		if (rc->scrub_pos >= rc->nr_blocks) {
			rc->scrub_state = REMAP_SCRUB_DONE;
			DMINFO("%s: scrub done, %llu unreadable block(s) found",
			       dm_table_device_name(rc->ti->table), rc->scrub_found);
		} else if (!rc->stopping) {
			queue_delayed_work(rc->wq, &rc->scrub_work,
					   rc->args.scrub_rate ||
					   READ_ONCE(rc->main_offline) ?
					   SCRUB_TICK : 0);
		}
	}
	spin_unlock_irq(&rc->lock);
}

/* "scrub start": a new pass from block 0, unless one is running. */
int remap_scrub_start(struct remap_c *rc)
{
	spin_lock_irq(&rc->lock);
	if (rc->suspended) {
		spin_unlock_irq(&rc->lock);
		return -EBUSY;
	}
	if (rc->scrub_state != REMAP_SCRUB_RUNNING) {
		rc->scrub_state = REMAP_SCRUB_RUNNING;
		rc->scrub_pos = 0;
		rc->scrub_found = 0;
		if (!rc->stopping)
			queue_delayed_work(rc->wq, &rc->scrub_work, 0);
	}
	spin_unlock_irq(&rc->lock);
	return 0;
}

/* "scrub stop": returns once no scrub read is in flight. */
void remap_scrub_stop(struct remap_c *rc)
{
	spin_lock_irq(&rc->lock);
	if (rc->scrub_state == REMAP_SCRUB_RUNNING)
		rc->scrub_state = REMAP_SCRUB_IDLE;
	spin_unlock_irq(&rc->lock);
	cancel_delayed_work_sync(&rc->scrub_work);
}

/* After resume or presuspend_undo: carry on with a pass that was running. */
void remap_scrub_resume(struct remap_c *rc)
{
	spin_lock_irq(&rc->lock);
	if (rc->scrub_state == REMAP_SCRUB_RUNNING && !rc->stopping &&
	    !rc->suspended)
		queue_delayed_work(rc->wq, &rc->scrub_work, 0);
	spin_unlock_irq(&rc->lock);
}
