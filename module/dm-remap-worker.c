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
 * A block whose spare block fails is moved the same way: its content is
 * rebuilt from the failing spare block (not from main, which holds stale
 * data) and written to a new spare block; the failed one is never handed
 * out again (spare blocks are allocated in order and never reused).
 *
 * Write-drain protocol.  Rebuilding a partly written block reads the rest
 * of it from where it lives now, so no write to that block may be in
 * flight meanwhile, and none may start until the new mapping is published.
 * Writes are counted per bucket of blocks (wr_inflight), wherever they go;
 * the worker marks a bucket busy, waits for its count to drop to zero, and
 * keeps it busy until the commit.  Writes that find their bucket busy are
 * deferred to the worker and routed again after the commit.  Both sides
 * write their counter, then a full barrier, then read the other's: at
 * least one of them sees the other.  The writer reads busy with acquire
 * semantics and the worker drops it with release semantics, so a writer
 * that sees the bucket free also sees the mapping published before.
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
	atomic_dec_return_release(&rc->busy[remap_bucket(block)]);
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
	remap_notify(rc);
}

/* Answers "remap" messages: R is the result of the commit they waited for. */
static void answer_requests(struct list_head *requests, int r)
{
	struct remap_request *req, *tmp;

	list_for_each_entry_safe(req, tmp, requests, list) {
		list_del(&req->list);
		req->result = r;
		complete(&req->done);
	}
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
		} else {
			remap_check_spare_thresholds(rc);
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
	answer_requests(&rc->batch_waiters, r);

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
 * Fills the block buffer with the new content of BLOCK: what the block
 * holds now (on the spare when it is remapped, else on main), overlaid with
 * BIO's data (if any).  Parts that cannot be read and that BIO does not
 * cover are zero-filled and counted as lost, but only while the device
 * they come from still answers: a read failure that turns out to be an
 * outage fails the remap instead.  Returns 0 or a negative errno.
 */
static int build_block(struct remap_c *rc, u64 block, struct bio *bio)
{
	struct remap_io *io = bio ? remap_io_of(bio) : NULL;
	unsigned int s, unit, lost = 0, first = 0, last = 0;
	struct block_device *bdev;
	sector_t start;
	u64 index;
	bool on_spare = remap_lookup(rc, block, &index);
	int r;

	if (on_spare) {
		bdev = rc->spare_dev->bdev;
		start = remap_spare_sector(rc, index);
	} else {
		bdev = rc->main_dev->bdev;
		start = block << rc->block_shift;
	}
	unit = bdev_logical_block_size(bdev) >> SECTOR_SHIFT;
	if (io) {
		first = io->sector - (block << rc->block_shift);
		last = first + io->nr_sectors;
	}
	if (!io || io->nr_sectors != rc->block_sectors) {
		r = remap_sync_io(rc, bdev, start, rc->block_buf,
				  rc->args.block_size, REQ_OP_READ);
		if (r && !(on_spare ?
			   remap_spare_failure_is_local(rc, errno_to_blk_status(r)) :
			   remap_main_failure_is_local(rc, errno_to_blk_status(r),
						       ktime_get_ns())))
			return r;
		if (r) {
			/* Salvage what can be read, one logical block at a time. */
			for (s = 0; s < rc->block_sectors; s += unit) {
				void *p = rc->block_buf + (s << SECTOR_SHIFT);

				if (io && s >= first && s + unit <= last)
					continue;
				if (remap_sync_io(rc, bdev, start + s, p,
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
	return 0;
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
	/* A no-op for a remapped block being moved: its slot exists. */
	r = xa_reserve(&rc->remaps, block, GFP_NOIO);
	if (r)
		return r;

	busy_acquire(rc, block);
	r = build_block(rc, block, bio);
	for (attempt = 0; !r && attempt < REMAP_SPARE_ATTEMPTS; attempt++) {
		u64 index;

		if (md->next_free - md->nr_entries >= REMAP_MAX_BATCH) {
			/* Retired blocks filled the batch: commit it, go on. */
			commit_batch(rc);
			if (READ_ONCE(rc->read_only)) {
				r = -EROFS;
				break;
			}
		}
		if (md->next_free >= md->geo.pool_blocks) {
			r = -ENOSPC;
			break;
		}
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
		/* A spare that stopped answering would burn the whole pool. */
		if (!remap_spare_failure_is_local(rc, errno_to_blk_status(r)))
			break;
		r = 0;
		if (attempt + 1 == REMAP_SPARE_ATTEMPTS)
			r = -EIO;
	}
	busy_release(rc, block);
	xa_release(&rc->remaps, block);
	return r ? r : -ENOSPC;
}

/*
 * Was the failure of BIO confined to its block, and is the block still
 * where the bio failed?  A block moved meanwhile is simply tried again.
 */
static bool failed_where_it_is(struct remap_c *rc, struct remap_io *io,
			       bool *local)
{
	u64 block = remap_block_of(rc, io->sector), index;
	bool remapped = remap_lookup(rc, block, &index);

	if (io->flags & REMAP_IO_SPARE) {
		if (!remapped || index != io->index)
			return false;
		*local = remap_spare_failure_is_local(rc, io->error);
	} else {
		if (remapped)
			return false;
		*local = remap_main_failure_is_local(rc, io->error, io->error_ns);
	}
	return true;
}

/*
 * A write that failed on the main device or on its spare block, or that
 * targets a pending block.
 */
static void remap_write(struct remap_c *rc, struct bio *bio)
{
	struct remap_io *io = remap_io_of(bio);
	u64 block = remap_block_of(rc, io->sector), index;
	u32 reason = DM_REMAP_REASON_READ_ERROR;
	bool local;

	if (staged_in_batch(rc, block)) {
		bio_list_add(&rc->after_commit, bio);
		return;
	}
	if (io->error) {
		if (!failed_where_it_is(rc, io, &local)) {
			resubmit(rc, bio);
			return;
		}
		if (!local || !remap_breaker_allows(rc)) {
			complete_bio(bio, io->error);
			return;
		}
		reason = (io->flags & REMAP_IO_SPARE) ? DM_REMAP_REASON_SPARE_ERROR :
							DM_REMAP_REASON_WRITE_ERROR;
	} else if (!remap_lookup(rc, block, &index) &&
		   READ_ONCE(rc->main_offline)) {
		/* A pending block is rebuilt from main: not while it is offline. */
		io->flags |= REMAP_IO_NO_REMAP;
		resubmit(rc, bio);
		return;
	}
	if (!stage_block(rc, block, reason, bio, NULL))
		return;
	if (io->error) {
		complete_bio(bio, io->error);
	} else {
		/* No spare for a pending block: let the device try. */
		io->flags |= REMAP_IO_NO_REMAP;
		resubmit(rc, bio);
	}
}

/* A read failed twice (or a write with no_auto_remap): fail it. */
static void fail_pending(struct remap_c *rc, struct bio *bio)
{
	struct remap_io *io = remap_io_of(bio);
	bool local;

	if (failed_where_it_is(rc, io, &local) && local)
		remap_mark_pending(rc, remap_block_of(rc, io->sector));
	complete_bio(bio, error_of(bio));
}

static void handle_bio(struct remap_c *rc, struct bio *bio)
{
	struct remap_io *io = remap_io_of(bio);

	switch (io->work) {
	case REMAP_WORK_REMAP_WRITE:
		remap_write(rc, bio);
		break;
	case REMAP_WORK_FAIL_PENDING:
		fail_pending(rc, bio);
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

	if (remap_lookup(rc, req->block, &index)) {
		req->result = 0;
		complete(&req->done);
		return;
	}
	/* Answered by the commit of the batch that holds the block. */
	if (staged_in_batch(rc, req->block)) {
		list_add_tail(&req->list, &rc->batch_waiters);
		return;
	}
	if (READ_ONCE(rc->main_offline)) {
		DMERR("%s: remap of block %llu refused: the main device is offline",
		      dm_table_device_name(rc->ti->table), req->block);
		r = -EIO;
	} else {
		r = stage_block(rc, req->block, DM_REMAP_REASON_MANUAL, NULL, req);
	}
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
