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
 * Every write holds the target's SRCU (rc->writes) from map to end_io and
 * tests, after taking it, whether its block is marked busy.  The worker
 * marks the block (rc->busy), then waits for an SRCU grace period: every
 * write that may have missed the mark has completed by then, and every
 * later one sees it and is deferred, to be routed again after the commit.
 * Writes to other blocks are never held back, and the per-CPU counters of
 * SRCU put no shared cache line in the I/O path.  The writer reads the
 * mark with acquire semantics and the worker removes it only after
 * publishing the new mapping, so a write that finds its block free also
 * finds the mapping.
 *
 * Bios over several blocks pass whole when no block of theirs is special;
 * when one fails, the worker does it again block by block, synchronously,
 * so that only the blocks that fail are remapped or marked pending.
 */
#include "dm-remap.h"
#include "dm-remap-trace.h"

#include <linux/blkdev.h>
#include <linux/bvec.h>
#include <linux/slab.h>

void remap_defer(struct remap_c *rc, struct bio *bio, unsigned int why)
{
	unsigned long flags;

	struct remap_io *io = remap_io_of(bio);

	io->work = why;
	io->parts = 1;
	io->part_error = BLK_STS_OK;
	spin_lock_irqsave(&rc->lock, flags);
	bio_list_add(&rc->deferred, bio);
	spin_unlock_irqrestore(&rc->lock, flags);
	queue_work(rc->wq, &rc->work);
}

/* A write leaves the write-drain protocol (once: the flag says it is in). */
void remap_write_done(struct remap_c *rc, struct remap_io *io)
{
	if (!(io->flags & REMAP_IO_COUNTED))
		return;
	io->flags &= ~REMAP_IO_COUNTED;
	dm_remap_srcu_up(&rc->writes, io->srcu_idx);
}

/* Marks BLOCK busy and waits until no write that missed the mark is left. */
static int busy_acquire(struct remap_c *rc, u64 block)
{
	int r = xa_insert(&rc->busy, block, xa_mk_value(1), GFP_NOIO);

	if (r)
		return r;
	atomic_inc(&rc->nr_busy);
	synchronize_srcu_expedited(&rc->writes);
	return 0;
}

static void busy_release(struct remap_c *rc, u64 block)
{
	/* The new mapping before the mark goes; pairs with remap_is_busy(). */
	smp_wmb();
	xa_erase(&rc->busy, block);
	atomic_dec_return_release(&rc->nr_busy);
}

/* Completes a bio the worker owns; end_io then lets it through. */
static void complete_bio(struct bio *bio, blk_status_t status)
{
	remap_io_of(bio)->flags |= REMAP_IO_FINAL;
	bio->bi_status = status;
	bio_endio(bio);
}

/*
 * One part of a bio the worker owns is done (a staged block committed, or
 * the rest of it); the last one completes the bio with the first error.
 */
static void part_done(struct bio *bio, blk_status_t status)
{
	struct remap_io *io = remap_io_of(bio);

	if (status && !io->part_error)
		io->part_error = status;
	if (!--io->parts)
		complete_bio(bio, io->part_error);
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
	switch (remap_route(rc, bio, false)) {
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

	/* Reserved when staged: storing cannot fail. */
	for (i = 0; i < rc->batch_nr; i++) {
		struct remap_staged *s = &rc->batch[i];

		if (r) {
			remap_index_unreserve(&rc->remaps);
			continue;
		}
		if (remap_index_store(&rc->remaps, s->block, s->index))
			atomic64_inc(&rc->nr_remapped);
	}
	/* The new mappings are visible before any of their blocks is released. */
	remap_index_publish(&rc->remaps);

	for (i = 0; i < rc->batch_nr; i++) {
		struct remap_staged *s = &rc->batch[i];

		if (!r) {
			if (xa_erase(&rc->pending, s->block))
				atomic64_dec(&rc->nr_pending);
			atomic64_inc(&rc->remaps_done);
			trace_dm_remap_remap(rc->devt, s->block, s->index, s->reason);
		}
		busy_release(rc, s->block);
		if (s->bio)
			part_done(s->bio, r ? error_of(s->bio) : BLK_STS_OK);
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
/* The part of a bio inside one block. */
struct remap_part {
	u64 block;
	sector_t sector;		/* target-relative start of the part */
	unsigned int in_block;		/* its offset in the block, sectors */
	unsigned int offset;		/* its offset in the bio's data, bytes */
	unsigned int len;		/* bytes */
};

static void part_of(struct remap_c *rc, struct remap_io *io, u64 block,
		    struct remap_part *p)
{
	sector_t first = block << rc->block_shift;
	sector_t start = max_t(sector_t, io->sector, first);
	sector_t end = min_t(sector_t, io->sector + io->nr_sectors,
			     first + rc->block_sectors);

	p->block = block;
	p->sector = start;
	p->in_block = start - first;
	p->offset = (start - io->sector) << SECTOR_SHIFT;
	p->len = (end - start) << SECTOR_SHIFT;
}

/* Copies part P of BIO's data (as submitted) to or from BUF. */
static void copy_part(struct bio *bio, const struct remap_part *p, void *buf,
		      bool to_bio)
{
	struct bvec_iter start = remap_io_of(bio)->iter, iter;
	struct bio_vec bv;

	bio_advance_iter(bio, &start, p->offset);
	start.bi_size = p->len;
	__bio_for_each_segment(bv, bio, iter, start) {
		if (to_bio)
			memcpy_to_bvec(&bv, buf);
		else
			memcpy_from_bvec(buf, &bv);
		buf += bv.bv_len;
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
	struct remap_part part = { .len = 0 };
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
	if (bio) {
		part_of(rc, remap_io_of(bio), block, &part);
		first = part.in_block;
		last = first + (part.len >> SECTOR_SHIFT);
	}
	if (part.len != rc->args.block_size) {
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

				if (s >= first && s + unit <= last)
					continue;
				if (remap_sync_io(rc, bdev, start + s, p,
						  unit << SECTOR_SHIFT, REQ_OP_READ)) {
					memset(p, 0, unit << SECTOR_SHIFT);
					lost += unit;
				}
			}
		}
	}
	if (bio)
		copy_part(bio, &part,
			  rc->block_buf + (part.in_block << SECTOR_SHIFT), false);
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
	/* Its store at commit must not fail: take its memory now. */
	r = remap_index_reserve(&rc->remaps);
	if (r)
		return r;

	r = busy_acquire(rc, block);
	if (r) {
		remap_index_unreserve(&rc->remaps);
		return r;
	}
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
	remap_index_unreserve(&rc->remaps);
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

/* Reads or writes part P, through the block buffer, where its block lives. */
static int part_io(struct remap_c *rc, const struct remap_part *p,
		   blk_opf_t opf, bool *on_spare)
{
	u64 index;

	*on_spare = remap_lookup(rc, p->block, &index);
	if (*on_spare)
		return remap_sync_io(rc, rc->spare_dev->bdev,
				     remap_spare_sector(rc, index) + p->in_block,
				     rc->block_buf, p->len, opf);
	return remap_sync_io(rc, rc->main_dev->bdev, p->sector, rc->block_buf,
			     p->len, opf);
}

/*
 * A bio over several blocks that failed, or that met a special block after
 * it was mapped: done again here block by block, synchronously, each part
 * where its block lives.  A part that fails is treated as a one-block bio
 * would be: a read is retried, then its block marked pending; a write is
 * remapped, and the bio completes after that commit.  Only failures (and a
 * rare race) take this path.
 */
static void by_block(struct remap_c *rc, struct bio *bio)
{
	struct remap_io *io = remap_io_of(bio);
	bool write = bio_data_dir(bio) == WRITE;
	blk_opf_t opf = write ? REQ_OP_WRITE | (bio->bi_opf & REQ_FUA) :
				REQ_OP_READ;
	u64 block, last = remap_last_block_of(rc, io);
	blk_status_t status = BLK_STS_OK, error;
	struct remap_part p;
	bool on_spare, local;
	int r;

	for (block = remap_block_of(rc, io->sector); block <= last; block++) {
		part_of(rc, io, block, &p);
		if (write) {
			/* Its staged copy would be older than this data. */
			if (staged_in_batch(rc, block))
				commit_batch(rc);
			copy_part(bio, &p, rc->block_buf, false);
		}
		r = part_io(rc, &p, opf, &on_spare);
		if (r && !write)	/* retried once, as a one-block read is */
			r = part_io(rc, &p, opf, &on_spare);
		if (!r) {
			if (!write)
				copy_part(bio, &p, rc->block_buf, true);
			continue;
		}
		error = errno_to_blk_status(r);
		local = on_spare ? remap_spare_failure_is_local(rc, error) :
			remap_main_failure_is_local(rc, error, ktime_get_ns());
		if (local && write && !rc->args.no_auto_remap) {
			io->parts++;
			if (remap_breaker_allows(rc) &&
			    !stage_block(rc, block, on_spare ?
					 DM_REMAP_REASON_SPARE_ERROR :
					 DM_REMAP_REASON_WRITE_ERROR, bio, NULL))
				continue;
			io->parts--;
		} else if (local) {
			remap_mark_pending(rc, block);
		}
		if (!status)
			status = error;
	}
	part_done(bio, status);
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
	case REMAP_WORK_BY_BLOCK:
		by_block(rc, bio);
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
