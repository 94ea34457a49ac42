// SPDX-License-Identifier: GPL-2.0
/*
 * dm-remap: synchronous I/O of the worker, the metadata code and the scrub.
 *
 * These run in process context on the target's own workqueue (or in the
 * constructor and preresume), never while holding a lock the I/O path
 * takes.  Bios come from the target's own bio_set, so the worker makes
 * progress under memory pressure.
 */
#include "dm-remap.h"
#include "dm_remap_events.h"

#include <linux/blkdev.h>
#include <linux/mm.h>

/*
 * Read or write LEN bytes at SECTOR of BDEV from/to BUF, a kmalloc'ed
 * (physically contiguous) buffer.  OPF is REQ_OP_READ or REQ_OP_WRITE,
 * possibly with REQ_PREFLUSH / REQ_FUA.
 */
int remap_sync_io(struct remap_c *rc, struct block_device *bdev,
		  sector_t sector, void *buf, unsigned int len, blk_opf_t opf)
{
	unsigned int nr_pages = DIV_ROUND_UP(offset_in_page(buf) + len, PAGE_SIZE);
	struct bio *bio;
	int r;

	bio = bio_alloc_bioset(bdev, nr_pages, opf, GFP_NOIO, &rc->bs);
	bio->bi_iter.bi_sector = sector;
	while (len) {
		unsigned int chunk = min_t(unsigned int, len,
					   PAGE_SIZE - offset_in_page(buf));

		if (bio_add_page(bio, virt_to_page(buf), chunk,
				 offset_in_page(buf)) != chunk) {
			bio_put(bio);
			return -EIO;
		}
		buf += chunk;
		len -= chunk;
	}
	r = submit_bio_wait(bio);
	bio_put(bio);
	return r;
}

/* The op code of the tracepoints; called at map time, before submission. */
u32 remap_bio_op(struct bio *bio)
{
	switch (bio_op(bio)) {
	case REQ_OP_READ:
		return DM_REMAP_OP_READ;
	case REQ_OP_DISCARD:
		return DM_REMAP_OP_DISCARD;
	case REQ_OP_FLUSH:
		return DM_REMAP_OP_FLUSH;
	default:
		return bio_sectors(bio) ? DM_REMAP_OP_WRITE : DM_REMAP_OP_FLUSH;
	}
}
