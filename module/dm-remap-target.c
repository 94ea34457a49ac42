// SPDX-License-Identifier: GPL-2.0
/*
 * dm-remap: the device-mapper target.
 *
 * Maps a main device block for block; blocks whose writes fail are moved
 * to a spare device.  This file holds the target's entry points: table
 * construction and destruction, the I/O path (map, end_io) and the
 * suspend/resume hooks.  Status and messages are in dm-remap-message.c,
 * the remapping itself in dm-remap-worker.c.
 */
#include "dm-remap.h"
#include "dm-remap-trace.h"

#include <linux/module.h>
#include <linux/init.h>
#include <linux/bio.h>
#include <linux/blkdev.h>
#include <linux/slab.h>
#include <linux/ktime.h>
#include <linux/log2.h>

/* REMAP_VERSION_*: generated from the top-level VERSION file */
#include "dm-remap-version.h"

int remap_inflight(struct remap_c *rc)
{
	int cpu, n = 0;

	for_each_possible_cpu(cpu)
		n += *per_cpu_ptr(rc->inflight, cpu);
	return n;
}

static void remap_trace_teardown(struct remap_c *rc, u32 phase, u32 stage)
{
	if (trace_dm_remap_teardown_enabled())
		trace_dm_remap_teardown(rc->devt, phase, stage,
					remap_inflight(rc));
}

bool remap_lookup(struct remap_c *rc, u64 block, u64 *index)
{
	return remap_index_lookup(&rc->remaps, block, index);
}

/*
 * Pending blocks remembered per target: each costs xarray memory, and a
 * disk with this many unreadable blocks is failing, not growing bad sectors.
 */
static unsigned int max_pending = REMAP_MAX_PENDING;
module_param(max_pending, uint, 0644);
MODULE_PARM_DESC(max_pending,
		 "Unreadable blocks remembered per device for remapping by their next write; more still fail their reads but are only counted (pending_dropped)");

/*
 * A block whose read failed waits for the next write to remap it; a
 * remapped block whose spare block cannot be read is moved by that write.
 */
void remap_mark_pending(struct remap_c *rc, u64 block)
{
	if (atomic64_read(&rc->nr_pending) >= READ_ONCE(max_pending)) {
		if (!xa_load(&rc->pending, block))
			atomic64_inc(&rc->pending_dropped);
		return;
	}
	if (!xa_insert(&rc->pending, block, xa_mk_value(1), GFP_NOIO)) {
		atomic64_inc(&rc->nr_pending);
		trace_dm_remap_pending(rc->devt, block, rc->block_sectors);
	}
}

static bool remap_is_pending(struct remap_c *rc, u64 block)
{
	return atomic64_read(&rc->nr_pending) && xa_load(&rc->pending, block);
}

/*
 * Is the worker moving BLOCK?  Read with acquire semantics, after the write
 * took rc->writes: a block the worker no longer marks is seen with its new
 * mapping (pairs with busy_release() in dm-remap-worker.c).
 */
static bool remap_is_busy(struct remap_c *rc, u64 block)
{
	if (!atomic_read_acquire(&rc->nr_busy))
		return false;
	if (xa_load(&rc->busy, block))
		return true;
	/* The mark went after the new mapping was published: read it after. */
	smp_rmb();
	return false;
}

/*
 * The first block in [FIRST, LAST] that a bio cannot simply pass to main
 * with: one being moved by the worker or a pending one (for writes), or a
 * remapped one.  Returns LAST + 1 when there is none.
 */
static u64 first_special_block(struct remap_c *rc, u64 first, u64 last,
			       bool write)
{
	unsigned long index;
	u64 found = last + 1, block;

	if (write) {
		index = first;
		if (atomic_read_acquire(&rc->nr_busy)) {
			if (xa_find(&rc->busy, &index, last, XA_PRESENT))
				found = index;
			/* As in remap_is_busy(): the mapping after the mark. */
			smp_rmb();
		}
		index = first;
		if (!rc->args.no_auto_remap && atomic64_read(&rc->nr_pending) &&
		    xa_find(&rc->pending, &index, last, XA_PRESENT))
			found = min_t(u64, found, index);
	}
	/* Only a remap before what was found can change the answer. */
	block = first;
	if (found > first &&
	    remap_index_find(&rc->remaps, &block, found - 1, NULL))
		found = block;
	return found;
}

/*
 * Decides where a bio goes: to its spare block when its block is
 * remapped, to the worker when a write must wait or be remapped, else to
 * the main device.  A bio over several blocks goes to main whole when none
 * of them is special; from map it is split where the first special block
 * begins (dm core sends the rest as a new bio), and the worker takes one
 * that turns out special later.  Used by map and by the worker to route
 * bios again (FROM_MAP false).
 */
int remap_route(struct remap_c *rc, struct bio *bio, bool from_map)
{
	struct remap_io *io = remap_io_of(bio);
	bool write = bio_data_dir(bio) == WRITE;
	u64 block = remap_block_of(rc, io->sector), last, special, index;
	bool remapped;

	if (!from_map)
		bio->bi_iter = io->iter;
	io->flags &= ~REMAP_IO_SPARE;

	if (write) {
		if (READ_ONCE(rc->read_only))
			return DM_MAPIO_KILL;
		/* Held until end_io: the worker waits for it before a move. */
		io->srcu_idx = dm_remap_srcu_down(&rc->writes);
		io->flags |= REMAP_IO_COUNTED;
	}
	last = remap_block_of(rc, io->sector + bio_sectors(bio) - 1);
	special = first_special_block(rc, block, last, write);
	if (from_map) {
		if (last > block && special <= last) {
			last = special > block ? special - 1 : block;
			dm_accept_partial_bio(bio, ((last + 1) << rc->block_shift) -
					      io->sector);
		}
		io->iter = bio->bi_iter;
		io->nr_sectors = bio_sectors(bio);
	}
	if (special > last)
		goto to_main;
	if (last > block) {
		if (write)
			remap_write_done(rc, io);
		remap_defer(rc, bio, REMAP_WORK_BY_BLOCK);
		return DM_MAPIO_SUBMITTED;
	}

	if (write) {
		if (remap_is_busy(rc, block)) {
			remap_write_done(rc, io);
			remap_defer(rc, bio, REMAP_WORK_ROUTE);
			return DM_MAPIO_SUBMITTED;
		}
		remapped = remap_lookup(rc, block, &index);
		/* A pending block is rebuilt from main: not while it is offline. */
		if (!rc->args.no_auto_remap && !(io->flags & REMAP_IO_NO_REMAP) &&
		    remap_is_pending(rc, block) &&
		    (remapped || !READ_ONCE(rc->main_offline))) {
			remap_write_done(rc, io);
			io->error = BLK_STS_OK;
			remap_defer(rc, bio, REMAP_WORK_REMAP_WRITE);
			return DM_MAPIO_SUBMITTED;
		}
		if (remapped)
			goto to_spare;
	} else if (remap_lookup(rc, block, &index)) {
		goto to_spare;
	}

to_main:
	bio_set_dev(bio, rc->main_dev->bdev);
	bio->bi_iter.bi_sector = io->sector;
	return DM_MAPIO_REMAPPED;

to_spare:
	io->flags |= REMAP_IO_SPARE;
	io->index = index;
	bio_set_dev(bio, rc->spare_dev->bdev);
	bio->bi_iter.bi_sector = remap_spare_sector(rc, index) +
				 (io->sector & (rc->block_sectors - 1));
	return DM_MAPIO_REMAPPED;
}

static int remap_map(struct dm_target *ti, struct bio *bio)
{
	struct remap_c *rc = ti->private;
	struct remap_io *io = remap_io_of(bio);
	int r;

	io->sector = dm_target_offset(ti, bio->bi_iter.bi_sector);
	io->iter = bio->bi_iter;
	io->nr_sectors = bio_sectors(bio);
	io->op = remap_bio_op(bio);
	io->flags = 0;
	io->error = BLK_STS_OK;
	io->map_jiffies = jiffies;
	/* Per-I/O timestamps only while someone traces completions. */
	io->start_ns = trace_dm_remap_io_done_enabled() ? ktime_get_ns() : 0;
	this_cpu_inc(*rc->inflight);

	if (op_is_flush(bio->bi_opf) && !bio_sectors(bio)) {
		/* Empty flush: bio 0 flushes the main device, bio 1 the spare. */
		bool spare = dm_bio_get_target_bio_nr(bio);

		bio_set_dev(bio, spare ? rc->spare_dev->bdev : rc->main_dev->bdev);
		io->flags |= spare ? REMAP_IO_SPARE : 0;
		r = DM_MAPIO_REMAPPED;
	} else {
		r = remap_route(rc, bio, true);
	}
	if (r == DM_MAPIO_KILL) {
		/* dm core fails it without calling end_io. */
		this_cpu_dec(*rc->inflight);
		return r;
	}
	if (trace_dm_remap_io_start_enabled())
		trace_dm_remap_io_start(rc->devt, io->sector, io->nr_sectors, io->op,
					r == DM_MAPIO_SUBMITTED ? DM_REMAP_PATH_WORKER :
					(io->flags & REMAP_IO_SPARE) ?
					DM_REMAP_PATH_SPARE : DM_REMAP_PATH_MAIN,
					(u64)(uintptr_t)bio);
	return r;
}

/*
 * Failed reads are retried once, then fail and mark their block pending;
 * failed writes go to the worker to be remapped.  The worker decides
 * whether the failure is a bad block at all (dm-remap-health.c): while the
 * main device is offline, its failures pass straight through.  The worker
 * completes what it was given with REMAP_IO_FINAL set.
 */
static int remap_end_io(struct dm_target *ti, struct bio *bio,
			blk_status_t *error)
{
	struct remap_c *rc = ti->private;
	struct remap_io *io = remap_io_of(bio);
	bool spare = io->flags & REMAP_IO_SPARE;
	bool data = io->op == DM_REMAP_OP_READ || io->op == DM_REMAP_OP_WRITE;
	bool offline;

	remap_write_done(rc, io);

	if (unlikely(READ_ONCE(rc->main_offline)) && !*error && !spare && data)
		remap_main_answered(rc, io);

	if (!(io->flags & REMAP_IO_FINAL) && *error && data &&
	    remap_classify(*error) != REMAP_ERR_OTHER) {
		trace_dm_remap_io_error(rc->devt, io->sector, io->nr_sectors,
					io->op, blk_status_to_errno(*error),
					spare ? DM_REMAP_TARGET_SPARE :
						DM_REMAP_TARGET_MAIN);
		io->error = *error;
		io->error_ns = ktime_get_ns();
		offline = !spare && READ_ONCE(rc->main_offline);
		if (!offline &&
		    remap_last_block_of(rc, io) != remap_block_of(rc, io->sector)) {
			/* Which block failed?  The worker tries each. */
			atomic64_inc(io->op == DM_REMAP_OP_READ ? &rc->read_errors :
								  &rc->write_errors);
			remap_defer(rc, bio, REMAP_WORK_BY_BLOCK);
			return DM_ENDIO_INCOMPLETE;
		}
		if (io->op == DM_REMAP_OP_READ && !offline &&
		    !(io->flags & REMAP_IO_RETRIED)) {
			io->flags |= REMAP_IO_RETRIED;
			remap_defer(rc, bio, REMAP_WORK_RETRY_READ);
			return DM_ENDIO_INCOMPLETE;
		}
		atomic64_inc(io->op == DM_REMAP_OP_READ ? &rc->read_errors :
							  &rc->write_errors);
		if (offline)
			goto done;
		if (io->op == DM_REMAP_OP_READ) {
			remap_defer(rc, bio, REMAP_WORK_FAIL_PENDING);
			return DM_ENDIO_INCOMPLETE;
		}
		if (!READ_ONCE(rc->read_only)) {
			remap_defer(rc, bio, rc->args.no_auto_remap ?
				    REMAP_WORK_FAIL_PENDING :
				    REMAP_WORK_REMAP_WRITE);
			return DM_ENDIO_INCOMPLETE;
		}
	}

done:
	if (io->start_ns)
		trace_dm_remap_io_done(rc->devt, io->sector, io->nr_sectors,
				       io->op, blk_status_to_errno(*error), spare,
				       ktime_get_ns() - io->start_ns,
				       (u64)(uintptr_t)bio);
	this_cpu_dec(*rc->inflight);
	return DM_ENDIO_DONE;
}

/*
 * Checks that need both devices open: sizes and logical block sizes.
 */
static int remap_check_devices(struct dm_target *ti, struct remap_c *rc)
{
	struct block_device *main_bdev = rc->main_dev->bdev;
	struct block_device *spare_bdev = rc->spare_dev->bdev;
	unsigned int bs = rc->args.block_size;

	if (main_bdev->bd_dev == spare_bdev->bd_dev) {
		ti->error = "Main and spare are the same device";
		return -EINVAL;
	}
	if (bdev_logical_block_size(main_bdev) > bs) {
		ti->error = "block_size is smaller than the main device's logical block size";
		return -EINVAL;
	}
	if (bdev_logical_block_size(spare_bdev) > bs) {
		ti->error = "block_size is smaller than the spare device's logical block size";
		return -EINVAL;
	}
	if (bdev_logical_block_size(spare_bdev) > DMR_MD_BLOCK_SIZE) {
		ti->error = "The spare's logical block size exceeds the 4 KiB metadata block";
		return -EINVAL;
	}
	if (ti->len & (rc->block_sectors - 1)) {
		ti->error = "Target length is not a multiple of block_size";
		return -EINVAL;
	}
	if (ti->len > bdev_nr_sectors(main_bdev)) {
		ti->error = "Target length exceeds the main device";
		return -EINVAL;
	}
	return 0;
}

/* Frees what the constructor allocated; safe on a partly built context. */
static void remap_free(struct dm_target *ti, struct remap_c *rc)
{
	if (rc->wq)
		destroy_workqueue(rc->wq);
	remap_md_free(rc);
	kfree(rc->batch);
	kfree(rc->probe_buf);
	kfree(rc->scrub_buf);
	kfree(rc->block_buf);
	bioset_exit(&rc->bs);
	remap_index_destroy(&rc->remaps);
	xa_destroy(&rc->pending);
	xa_destroy(&rc->busy);
	if (rc->writes_ready)
		cleanup_srcu_struct(&rc->writes);
	free_percpu(rc->inflight);
	if (rc->spare_dev)
		dm_put_device(ti, rc->spare_dev);
	if (rc->main_dev)
		dm_put_device(ti, rc->main_dev);
	kfree(rc);
}

static struct remap_c *remap_alloc(struct dm_target *ti)
{
	struct remap_c *rc;

	rc = kzalloc(sizeof(*rc), GFP_KERNEL);
	if (!rc)
		return NULL;
	rc->ti = ti;
	remap_index_init(&rc->remaps);
	xa_init(&rc->pending);
	spin_lock_init(&rc->lock);
	bio_list_init(&rc->deferred);
	bio_list_init(&rc->after_commit);
	INIT_LIST_HEAD(&rc->requests);
	INIT_LIST_HEAD(&rc->batch_waiters);
	INIT_WORK(&rc->work, remap_worker);
	INIT_WORK(&rc->event_work, remap_event_worker);
	INIT_DELAYED_WORK(&rc->scrub_work, remap_scrub_worker);
	INIT_DELAYED_WORK(&rc->probe_work, remap_probe_worker);
	xa_init(&rc->busy);
	rc->inflight = alloc_percpu(int);
	if (!rc->inflight || init_srcu_struct(&rc->writes)) {
		remap_free(ti, rc);
		return NULL;
	}
	rc->writes_ready = true;
	return rc;
}

/*
 * Construct a remap mapping:
 *   <main_dev> <spare_dev> [<#opt_args> <opt_args>...]
 */
static int remap_ctr(struct dm_target *ti, unsigned int argc, char **argv)
{
	struct remap_c *rc;
	int r;

	rc = remap_alloc(ti);
	if (!rc) {
		ti->error = "Cannot allocate remap context";
		return -ENOMEM;
	}

	r = remap_parse_args(ti, argc, argv, &rc->args);
	if (r)
		goto bad;
	rc->block_sectors = rc->args.block_size >> SECTOR_SHIFT;
	rc->block_shift = ilog2(rc->block_sectors);
	rc->nr_blocks = ti->len >> rc->block_shift;
	/* The in-memory maps are indexed by an unsigned long. */
	if (BITS_PER_LONG == 32 && upper_32_bits(rc->nr_blocks)) {
		ti->error = "Device has too many blocks for a 32-bit kernel";
		r = -EINVAL;
		goto bad;
	}

	r = dm_get_device(ti, rc->args.main_path, dm_table_get_mode(ti->table),
			  &rc->main_dev);
	if (r) {
		ti->error = "Cannot open the main device";
		goto bad;
	}
	r = dm_get_device(ti, rc->args.spare_path, dm_table_get_mode(ti->table),
			  &rc->spare_dev);
	if (r) {
		ti->error = "Cannot open the spare device";
		goto bad;
	}
	r = remap_check_devices(ti, rc);
	if (r)
		goto bad;

	r = -ENOMEM;
	rc->block_buf = kmalloc(rc->args.block_size, GFP_KERNEL);
	rc->scrub_buf = kmalloc(rc->args.block_size, GFP_KERNEL);
	rc->batch = kcalloc(REMAP_MAX_BATCH, sizeof(*rc->batch), GFP_KERNEL);
	/* One logical block of either device (at most the metadata block). */
	rc->probe_buf = kmalloc(DMR_MD_BLOCK_SIZE, GFP_KERNEL);
	if (!rc->block_buf || !rc->scrub_buf || !rc->batch || !rc->probe_buf ||
	    bioset_init(&rc->bs, 4, 0, BIOSET_NEED_BVECS)) {
		ti->error = "Cannot allocate buffers";
		goto bad;
	}
	/*
	 * In the write path: must make progress under memory pressure.
	 * Ordered: the worker, the scrub, the probe and the events never run
	 * at the same time (see struct remap_c).
	 */
	rc->wq = alloc_ordered_workqueue("dm_remap", WQ_MEM_RECLAIM);
	if (!rc->wq) {
		ti->error = "Cannot allocate the workqueue";
		goto bad;
	}

	r = remap_md_open(rc, &ti->error);
	if (r)
		goto bad;

	rc->devt = disk_devt(dm_disk(dm_table_get_md(ti->table)));
	/* One flush for the main device, one for the spare. */
	ti->num_flush_bios = 2;
	/* Discards are refused: a discarded remapped block would need care. */
	ti->num_discard_bios = 0;
	ti->per_io_data_size = sizeof(struct remap_io);
	ti->private = rc;
	return 0;

bad:
	remap_free(ti, rc);
	return r;
}

static void remap_dtr(struct dm_target *ti)
{
	struct remap_c *rc = ti->private;

	remap_trace_teardown(rc, DM_REMAP_PHASE_DTR, DM_REMAP_STAGE_ENTER);
	/* Nothing runs after postsuspend; a never-resumed table ran nothing. */
	cancel_delayed_work_sync(&rc->scrub_work);
	cancel_delayed_work_sync(&rc->probe_work);
	destroy_workqueue(rc->wq);
	rc->wq = NULL;
	remap_trace_teardown(rc, DM_REMAP_PHASE_DTR, DM_REMAP_STAGE_EXIT);
	remap_free(ti, rc);
}

static void remap_presuspend(struct dm_target *ti)
{
	struct remap_c *rc = ti->private;

	remap_trace_teardown(rc, DM_REMAP_PHASE_PRESUSPEND, DM_REMAP_STAGE_ENTER);
	/* Stop background work; the scrub tests this flag per block. */
	spin_lock_irq(&rc->lock);
	rc->stopping = true;
	spin_unlock_irq(&rc->lock);
	remap_trace_teardown(rc, DM_REMAP_PHASE_PRESUSPEND, DM_REMAP_STAGE_EXIT);
}

static void remap_presuspend_undo(struct dm_target *ti)
{
	struct remap_c *rc = ti->private;

	remap_trace_teardown(rc, DM_REMAP_PHASE_PRESUSPEND_UNDO, DM_REMAP_STAGE_ENTER);
	spin_lock_irq(&rc->lock);
	rc->stopping = false;
	spin_unlock_irq(&rc->lock);
	remap_scrub_resume(rc);
	if (READ_ONCE(rc->main_offline))
		remap_probe_arm(rc, 0);
	remap_trace_teardown(rc, DM_REMAP_PHASE_PRESUSPEND_UNDO, DM_REMAP_STAGE_EXIT);
}

/*
 * dm core has waited for every original bio, including those the worker
 * held.  What may still run: the scrub, the probe, and the worker finishing
 * its last commit.  Wait for them; nothing can queue new work afterwards
 * (events may still be raised: dtr's destroy_workqueue() drains them).
 */
static void remap_postsuspend(struct dm_target *ti)
{
	struct remap_c *rc = ti->private;

	remap_trace_teardown(rc, DM_REMAP_PHASE_POSTSUSPEND, DM_REMAP_STAGE_ENTER);
	spin_lock_irq(&rc->lock);
	rc->suspended = true;
	spin_unlock_irq(&rc->lock);
	cancel_delayed_work_sync(&rc->scrub_work);
	flush_work(&rc->work);
	cancel_delayed_work_sync(&rc->probe_work);
	remap_trace_teardown(rc, DM_REMAP_PHASE_POSTSUSPEND, DM_REMAP_STAGE_EXIT);
}

/* The metadata is read before the device serves any I/O. */
static int remap_preresume(struct dm_target *ti)
{
	struct remap_c *rc = ti->private;
	int r = 0;

	remap_trace_teardown(rc, DM_REMAP_PHASE_PRERESUME, DM_REMAP_STAGE_ENTER);
	if (!rc->md_loaded) {
		r = remap_md_load(rc);
		if (!r)
			remap_init_spare_thresholds(rc);
	}
	remap_trace_teardown(rc, DM_REMAP_PHASE_PRERESUME, DM_REMAP_STAGE_EXIT);
	return r;
}

static void remap_resume(struct dm_target *ti)
{
	struct remap_c *rc = ti->private;

	remap_trace_teardown(rc, DM_REMAP_PHASE_RESUME, DM_REMAP_STAGE_ENTER);
	spin_lock_irq(&rc->lock);
	rc->suspended = false;
	rc->stopping = false;
	spin_unlock_irq(&rc->lock);
	/* A scrub_rate asks for a pass in the background; once per table. */
	if (rc->args.scrub_rate && rc->scrub_state == REMAP_SCRUB_IDLE &&
	    !rc->scrub_found && !rc->scrub_pos)
		remap_scrub_start(rc);
	else
		remap_scrub_resume(rc);
	if (READ_ONCE(rc->main_offline))
		remap_probe_arm(rc, 0);
	remap_trace_teardown(rc, DM_REMAP_PHASE_RESUME, DM_REMAP_STAGE_EXIT);
}

/*
 * Both devices receive data, so both are reported: dm core derives the
 * queue limits (logical and physical block sizes, alignment) and the
 * write-cache and FUA flags from what is iterated here, and sends a flush
 * to the spare only if this says the spare is below.
 */
static int remap_iterate_devices(struct dm_target *ti,
				 iterate_devices_callout_fn fn, void *data)
{
	struct remap_c *rc = ti->private;
	int r;

	r = fn(ti, rc->main_dev, 0, ti->len, data);
	if (!r)
		r = fn(ti, rc->spare_dev, 0,
		       bdev_nr_sectors(rc->spare_dev->bdev), data);
	return r;
}

static void remap_io_hints(struct dm_target *ti, struct queue_limits *limits)
{
	struct remap_c *rc = ti->private;

	/*
	 * Advertise the remap block as the preferred I/O size: smaller writes
	 * to a remapped block still work, but whole blocks are cheapest.
	 */
	dm_remap_limits_io_min(limits, rc->args.block_size);
	dm_remap_limits_io_opt(limits, rc->args.block_size);
}

static struct target_type remap_target = {
	.name = "remap",
	.version = { REMAP_VERSION_MAJOR, REMAP_VERSION_MINOR,
		     REMAP_VERSION_PATCH },
	.module = THIS_MODULE,
	.ctr = remap_ctr,
	.dtr = remap_dtr,
	.map = remap_map,
	.end_io = remap_end_io,
	.status = remap_status,
	.message = remap_message,
	.presuspend = remap_presuspend,
	.presuspend_undo = remap_presuspend_undo,
	.postsuspend = remap_postsuspend,
	.preresume = remap_preresume,
	.resume = remap_resume,
	.iterate_devices = remap_iterate_devices,
	.io_hints = remap_io_hints,
};

static int __init dm_remap_init(void)
{
	int r = dm_register_target(&remap_target);

	if (r < 0)
		DMERR("register failed %d", r);
	return r;
}

static void __exit dm_remap_exit(void)
{
	dm_unregister_target(&remap_target);
}

module_init(dm_remap_init);
module_exit(dm_remap_exit);

MODULE_DESCRIPTION(DM_NAME " target moving failing blocks to a spare device");
MODULE_AUTHOR("dm-remap developers");
MODULE_LICENSE("GPL");
MODULE_VERSION(REMAP_VERSION_STRING);
