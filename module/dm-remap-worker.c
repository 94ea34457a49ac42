// SPDX-License-Identifier: GPL-2.0
/*
 * dm-remap: the worker.
 *
 * One work item on the target's reclaim-safe workqueue takes the bios that
 * end_io and map hand over (failed writes, failed reads, writes to busy or
 * pending blocks) and the "remap" messages.  For each block to remap it
 * builds the block's new content, writes it to a fresh spare block, and
 * stages a table entry; the staged entries are committed together, then
 * published in the in-memory map, and only then are the writes completed.
 *
 * Write-drain protocol.  Rebuilding a partly written block reads the rest
 * of it from the main device, so no write to that block may be in flight
 * to the main device meanwhile, and none may start until the new mapping
 * is published.  Writes to the main device are counted per bucket of
 * blocks (wr_inflight); the worker marks a bucket busy, waits for its count
 * to drop to zero, and keeps it busy until the commit.  Writes that find
 * their bucket busy are deferred to the worker and routed again after the
 * commit.  Both sides write their counter, then a full barrier, then read
 * the other's: at least one of them sees the other.
 */
#include "dm-remap.h"
#include "dm-remap-trace.h"

#include <linux/blkdev.h>
#include <linux/bvec.h>
#include <linux/slab.h>

void remap_defer(struct remap_c *rc, struct bio *bio, unsigned int why)
{
	unsigned long flags;

	remap_io_of(bio)->work = why;
	spin_lock_irqsave(&rc->lock, flags);
	bio_list_add(&rc->deferred, bio);
	spin_unlock_irqrestore(&rc->lock, flags);
	queue_work(rc->wq, &rc->work);
}

void remap_write_done(struct remap_c *rc, unsigned int bucket)
{
	/* atomic_dec_and_test() is a full barrier: pairs with busy_acquire(). */
	if (atomic_dec_and_test(&rc->wr_inflight[bucket]) &&
	    atomic_read(&rc->busy[bucket]))
		wake_up(&rc->wr_wait);
}

static void busy_acquire(struct remap_c *rc, u64 block)
{
	unsigned int bucket = remap_bucket(block);

	atomic_inc(&rc->busy[bucket]);
	/* Mark busy before reading the count; pairs with remap_route(). */
	smp_mb__after_atomic();
	wait_event(rc->wr_wait, !atomic_read(&rc->wr_inflight[bucket]));
}

static void busy_release(struct remap_c *rc, u64 block)
{
	/* The mapping published before is seen by whoever sees busy == 0. */
	smp_mb__before_atomic();
	atomic_dec(&rc->busy[remap_bucket(block)]);
}

/* Completes a bio the worker owns; end_io then lets it through. */
static void complete_bio(struct bio *bio, blk_status_t status)
{
	remap_io_of(bio)->flags |= REMAP_IO_FINAL;
	bio->bi_status = status;
	bio_endio(bio);
}

static blk_status_t error_of(struct bio *bio)
{
	blk_status_t error = remap_io_of(bio)->error;

	return error ? error : BLK_STS_IOERR;
}

/* Routes a bio again (after a deferral or for a retry) and submits it. */
static void resubmit(struct remap_c *rc, struct bio *bio)
{
	/* Completion only ever sets an error: clear the one of a failed try. */
	bio->bi_status = BLK_STS_OK;
	switch (remap_route(rc, bio)) {
	case DM_MAPIO_REMAPPED:
		submit_bio_noacct(bio);
		break;
	case DM_MAPIO_KILL:
		complete_bio(bio, BLK_STS_IOERR);
		break;
	default:	/* deferred once more */
		break;
	}
}

static void latch_read_only(struct remap_c *rc, int error)
{
	if (READ_ONCE(rc->read_only))
		return;
	WRITE_ONCE(rc->read_only, true);
	DMERR("%s: cannot write the metadata on %s (error %d): device is now read-only, reads go on, writes fail",
	      dm_table_device_name(rc->ti->table), rc->spare_dev->name, error);
}

/* Commits the staged entries, publishes them, completes their writers. */
static void commit_batch(struct remap_c *rc)
{
	struct remap_md *md = &rc->md;
	struct bio *bio;
	unsigned int i;
	int r = 0;

	if (md->next_free != md->nr_entries) {
		r = remap_md_commit(rc);
		if (r) {
			latch_read_only(rc, r);
			md->next_free = md->nr_entries;
		}
	}

	for (i = 0; i < rc->batch_nr; i++) {
		struct remap_staged *s = &rc->batch[i];

		if (!r) {
			/* The slot was reserved when staged: this cannot fail. */
			if (!xa_load(&rc->remaps, s->block))
				atomic64_inc(&rc->nr_remapped);
			xa_store(&rc->remaps, s->block, xa_mk_value(s->index), GFP_NOIO);
			if (xa_erase(&rc->pending, s->block))
				atomic64_dec(&rc->nr_pending);
			atomic64_inc(&rc->remaps_done);
			trace_dm_remap_remap(rc->devt, s->block, s->index, s->reason);
		} else {
			xa_release(&rc->remaps, s->block);
		}
		busy_release(rc, s->block);
		if (s->bio)
			complete_bio(s->bio, r ? error_of(s->bio) : BLK_STS_OK);
		if (s->req) {
			s->req->result = r;
			complete(&s->req->done);
		}
	}
	rc->batch_nr = 0;

	while ((bio = bio_list_pop(&rc->after_commit))) {
		if (r)
			complete_bio(bio, error_of(bio));
		else
			resubmit(rc, bio);
	}
}

static bool staged_in_batch(struct remap_c *rc, u64 block)
{
	unsigned int i;

	for (i = 0; i < rc->batch_nr; i++)
		if (rc->batch[i].block == block)
			return true;
	return false;
}

/* Copies the data of BIO into the block buffer at its place in the block. */
static void copy_bio_data(struct remap_c *rc, struct bio *bio)
{
	struct remap_io *io = remap_io_of(bio);
	unsigned int offset = (io->sector & (rc->block_sectors - 1)) << SECTOR_SHIFT;
	struct bvec_iter iter;
	struct bio_vec bv;

	__bio_for_each_segment(bv, bio, iter, io->iter) {
		memcpy_from_bvec(rc->block_buf + offset, &bv);
		offset += bv.bv_len;
	}
}

/*
 * Fills the block buffer with the new content of BLOCK: what the main
 * device still holds, overlaid with BIO's data (if any).  Parts that
 * cannot be read and that BIO does not cover are zero-filled and counted
 * as lost.
 */
static void build_block(struct remap_c *rc, u64 block, struct bio *bio)
{
	struct block_device *main_bdev = rc->main_dev->bdev;
	unsigned int unit = bdev_logical_block_size(main_bdev) >> SECTOR_SHIFT;
	sector_t start = block << rc->block_shift;
	unsigned int s, lost = 0, first = 0, last = 0;
	struct remap_io *io = bio ? remap_io_of(bio) : NULL;

	if (io) {
		first = io->sector - start;
		last = first + io->nr_sectors;
	}
	if (!io || io->nr_sectors != rc->block_sectors) {
		if (remap_sync_io(rc, main_bdev, start, rc->block_buf,
				  rc->args.block_size, REQ_OP_READ)) {
			/* Salvage what can be read, one logical block at a time. */
			for (s = 0; s < rc->block_sectors; s += unit) {
				void *p = rc->block_buf + (s << SECTOR_SHIFT);

				if (io && s >= first && s + unit <= last)
					continue;
				if (remap_sync_io(rc, main_bdev, start + s, p,
						  unit << SECTOR_SHIFT, REQ_OP_READ)) {
					memset(p, 0, unit << SECTOR_SHIFT);
					lost += unit;
				}
			}
		}
	}
	if (io)
		copy_bio_data(rc, bio);
	if (lost) {
		atomic64_add(lost, &rc->lost_sectors);
		trace_dm_remap_lost(rc->devt, block, lost);
		DMWARN_LIMIT("%s: block %llu: %u unreadable sector(s) zero-filled on the spare",
			     dm_table_device_name(rc->ti->table), block, lost);
	}
}

/*
 * Moves BLOCK to a new spare block: builds its content, writes it to the
 * spare and stages its table entry.  The bio or request is completed by
 * commit_batch().  Returns 0 when staged.
 */
static int stage_block(struct remap_c *rc, u64 block, u32 reason,
		       struct bio *bio, struct remap_request *req)
{
	struct remap_md *md = &rc->md;
	struct remap_staged *s;
	int r, attempt;

	if (md->next_free - md->nr_entries >= REMAP_MAX_BATCH)
		commit_batch(rc);
	if (READ_ONCE(rc->read_only))
		return -EROFS;
	if (md->next_free >= md->geo.pool_blocks) {
		DMWARN_LIMIT("%s: no spare block left for block %llu: the error goes to the caller",
			     dm_table_device_name(rc->ti->table), block);
		return -ENOSPC;
	}
	r = xa_reserve(&rc->remaps, block, GFP_NOIO);
	if (r)
		return r;

	busy_acquire(rc, block);
	build_block(rc, block, bio);
	for (attempt = 0; attempt < 3; attempt++) {
		u64 index;

		if (md->next_free >= md->geo.pool_blocks ||
		    md->next_free - md->nr_entries >= REMAP_MAX_BATCH)
			break;
		index = md->next_free++;
		r = remap_sync_io(rc, rc->spare_dev->bdev,
				  remap_spare_sector(rc, index), rc->block_buf,
				  rc->args.block_size, REQ_OP_WRITE);
		if (!r) {
			md->staged[index - md->nr_entries] = block;
			s = &rc->batch[rc->batch_nr++];
			s->block = block;
			s->index = index;
			s->reason = reason;
			s->bio = bio;
			s->req = req;
			return 0;
		}
		/* This spare block is bad: retire it and try the next one. */
		md->staged[index - md->nr_entries] = DMR_LOGICAL_RETIRED;
		trace_dm_remap_io_error(rc->devt, remap_spare_sector(rc, index),
					rc->block_sectors, DM_REMAP_OP_WRITE, r,
					DM_REMAP_TARGET_SPARE);
	}
	busy_release(rc, block);
	xa_release(&rc->remaps, block);
	return r ? r : -ENOSPC;
}

/* A write that failed on the main device, or that targets a pending block. */
static void remap_write(struct remap_c *rc, struct bio *bio)
{
	struct remap_io *io = remap_io_of(bio);
	u64 block = remap_block_of(rc, io->sector), index;
	u32 reason = io->error ? DM_REMAP_REASON_WRITE_ERROR :
				 DM_REMAP_REASON_READ_ERROR;

	if (remap_lookup(rc, block, &index)) {
		resubmit(rc, bio);
		return;
	}
	if (staged_in_batch(rc, block)) {
		bio_list_add(&rc->after_commit, bio);
		return;
	}
	if (!stage_block(rc, block, reason, bio, NULL))
		return;
	if (io->error) {
		complete_bio(bio, io->error);
	} else {
		/* No spare for a pending block: let the main device try. */
		io->flags |= REMAP_IO_NO_REMAP;
		resubmit(rc, bio);
	}
}

static void handle_bio(struct remap_c *rc, struct bio *bio)
{
	struct remap_io *io = remap_io_of(bio);

	switch (io->work) {
	case REMAP_WORK_REMAP_WRITE:
		remap_write(rc, bio);
		break;
	case REMAP_WORK_FAIL_PENDING:
		remap_mark_pending(rc, remap_block_of(rc, io->sector));
		complete_bio(bio, error_of(bio));
		break;
	default:	/* REMAP_WORK_ROUTE, REMAP_WORK_RETRY_READ */
		resubmit(rc, bio);
		break;
	}
}

static void handle_request(struct remap_c *rc, struct remap_request *req)
{
	u64 index;
	int r;

	if (remap_lookup(rc, req->block, &index) ||
	    staged_in_batch(rc, req->block)) {
		req->result = 0;
		complete(&req->done);
		return;
	}
	r = stage_block(rc, req->block, DM_REMAP_REASON_MANUAL, NULL, req);
	if (r) {
		req->result = r;
		complete(&req->done);
	}
}

void remap_worker(struct work_struct *work)
{
	struct remap_c *rc = container_of(work, struct remap_c, work);
	struct remap_request *req, *tmp;
	struct bio_list bios;
	LIST_HEAD(requests);
	struct bio *bio;

	spin_lock_irq(&rc->lock);
	bios = rc->deferred;
	bio_list_init(&rc->deferred);
	list_splice_init(&rc->requests, &requests);
	spin_unlock_irq(&rc->lock);

	while ((bio = bio_list_pop(&bios)))
		handle_bio(rc, bio);
	list_for_each_entry_safe(req, tmp, &requests, list) {
		list_del(&req->list);
		handle_request(rc, req);
	}
	commit_batch(rc);
}

/* The "remap" message: moves BLOCK to the spare and waits for the commit. */
int remap_request_block(struct remap_c *rc, u64 block)
{
	struct remap_request req = { .block = block };

	init_completion(&req.done);
	spin_lock_irq(&rc->lock);
	if (rc->suspended) {
		spin_unlock_irq(&rc->lock);
		return -EBUSY;
	}
	list_add_tail(&req.list, &rc->requests);
	spin_unlock_irq(&rc->lock);
	queue_work(rc->wq, &rc->work);
	wait_for_completion(&req.done);
	return req.result;
}
