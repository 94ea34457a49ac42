// SPDX-License-Identifier: GPL-2.0
/*
 * dm-remap: telling a bad sector from a device that stopped answering, and
 * announcing the target's state changes.
 *
 * BLK_STS_IOERR is what a bad sector returns, but also what a dead path, a
 * controller reset, an unplugged disk or a dm "error" table return.
 * Remapping on an outage would consume spare blocks and zero-fill data the
 * main device still holds, hiding it for ever once the device comes back.
 * So a failure of the main device counts as a bad sector only when
 *
 *  - its status is BLK_STS_MEDIUM (the medium itself says so), or it is
 *    BLK_STS_IOERR and a block of the main device known to be good still
 *    reads (the probe; one probe that started after the failure vouches
 *    for every failure before it), and
 *  - for writes, at most breaker_blocks blocks failed within the last
 *    REMAP_BREAKER_WINDOW (the breaker): a device whose writes fail all over
 *    at once, such as an SSD that turned itself read-only, is not growing
 *    bad sectors.  The price: a scratch wider than breaker_blocks blocks,
 *    written in one go, trips it too; the next write that succeeds
 *    elsewhere ends the trip, and the writes that failed meanwhile were
 *    failed, never acknowledged.
 *
 * Transport, timeout and offline statuses mean the device cannot be
 * reached.  Every other status (not supported, no space, protection
 * information, reservation conflicts, resource shortages) is a property of
 * the request and is passed to the caller unchanged.
 *
 * While main is offline nothing is remapped, marked pending or zero-filled
 * and no spare block is consumed; I/O that needs main fails with its own
 * error.  Main comes back by itself: the probe is read again every
 * REMAP_PROBE_INTERVAL, and any I/O issued after the outage began that
 * succeeds on main ends it too (after a breaker trip only a write does:
 * reads kept working all along).
 *
 * Every change of mode or main state, and the spare pool dropping below
 * 10% and reaching zero, raise a dm event (dmsetup wait, dmeventd) and the
 * dm_remap_state tracepoint, from process context.
 */
#include "dm-remap.h"
#include "dm-remap-trace.h"

#include <linux/blkdev.h>
#include <linux/jiffies.h>
#include <linux/ktime.h>
#include <linux/moduleparam.h>

static unsigned int breaker_blocks = 256;
module_param(breaker_blocks, uint, 0644);
MODULE_PARM_DESC(breaker_blocks,
		 "Blocks whose writes may fail within 10 s before main is taken for offline (0: no limit)");

static const char * const offline_reasons[] = {
	[REMAP_MAIN_OK] = "none",
	[REMAP_OFFLINE_PROBE] = "a known-good block failed too",
	[REMAP_OFFLINE_PATH] = "the path reported it unreachable",
	[REMAP_OFFLINE_BREAKER] = "too many blocks failed at once",
};

static const char *dev_name_of(struct remap_c *rc)
{
	return dm_table_device_name(rc->ti->table);
}

enum remap_error_class remap_classify(blk_status_t status)
{
	switch (status) {
	case BLK_STS_MEDIUM:
		return REMAP_ERR_MEDIUM;
	case BLK_STS_IOERR:
		return REMAP_ERR_AMBIGUOUS;
	case BLK_STS_TIMEOUT:
	case BLK_STS_TRANSPORT:
	case BLK_STS_OFFLINE:
		return REMAP_ERR_PATH;
	default:
		return REMAP_ERR_OTHER;
	}
}

/* Reads the first logical block of BDEV at SECTOR into the probe buffer. */
static bool reads_fine(struct remap_c *rc, struct block_device *bdev,
		       sector_t sector)
{
	return !remap_sync_io(rc, bdev, sector, rc->probe_buf,
			      bdev_logical_block_size(bdev), REQ_OP_READ);
}

/*
 * Does main answer?  The last block that read fine, then the first, the
 * middle and the last block: one good read is enough.  Remapped blocks are
 * skipped, their copy on main may be bad.
 */
static bool main_answers(struct remap_c *rc)
{
	u64 candidates[] = { rc->good_block, 0, rc->nr_blocks / 2,
			     rc->nr_blocks - 1 };
	unsigned int i, tried = 0;
	u64 index;

	for (i = 0; i < ARRAY_SIZE(candidates); i++) {
		u64 block = candidates[i];

		if ((i && block == rc->good_block) || remap_lookup(rc, block, &index))
			continue;
		tried++;
		if (reads_fine(rc, rc->main_dev->bdev, block << rc->block_shift)) {
			rc->good_block = block;
			return true;
		}
	}
	/* Every candidate is remapped: no way to tell, keep serving. */
	return !tried;
}

/* The spare answers when either superblock slot reads. */
bool remap_spare_answers(struct remap_c *rc)
{
	struct block_device *bdev = rc->spare_dev->bdev;

	return reads_fine(rc, bdev, 0) || reads_fine(rc, bdev, DMR_MD_BLOCK_SECTORS);
}

void remap_set_offline(struct remap_c *rc, enum remap_offline_reason why)
{
	WRITE_ONCE(rc->offline_since, jiffies);
	/* Full barrier: offline_since is seen by whoever sees the state. */
	if (cmpxchg(&rc->main_offline, REMAP_MAIN_OK, why) != REMAP_MAIN_OK)
		return;
	DMERR("%s: main device %s is offline (%s): nothing is remapped until it answers again, I/O that needs it fails",
	      dev_name_of(rc), rc->main_dev->name, offline_reasons[why]);
	remap_notify(rc);
	if (why != REMAP_OFFLINE_BREAKER)
		remap_probe_arm(rc, REMAP_PROBE_INTERVAL);
}

static void main_back(struct remap_c *rc, unsigned int why, const char *how)
{
	if (cmpxchg(&rc->main_offline, why, REMAP_MAIN_OK) != why)
		return;
	DMINFO("%s: main device %s answers again (%s)", dev_name_of(rc),
	       rc->main_dev->name, how);
	remap_notify(rc);
}

/*
 * Worker only.  Is the failure of a main-device I/O with STATUS, which
 * completed at WHEN_NS, confined to its block of a live device?
 */
bool remap_main_failure_is_local(struct remap_c *rc, blk_status_t status,
				 u64 when_ns)
{
	u64 start;

	if (READ_ONCE(rc->main_offline))
		return false;
	switch (remap_classify(status)) {
	case REMAP_ERR_MEDIUM:
		return true;
	case REMAP_ERR_AMBIGUOUS:
		if (rc->probe_ok_ns > when_ns)
			return true;
		start = ktime_get_ns();
		if (main_answers(rc)) {
			rc->probe_ok_ns = start;
			return true;
		}
		remap_set_offline(rc, REMAP_OFFLINE_PROBE);
		return false;
	case REMAP_ERR_PATH:
		remap_set_offline(rc, REMAP_OFFLINE_PATH);
		return false;
	default:
		return false;
	}
}

/* Worker only.  Is the failure of an I/O to a spare block confined to it? */
bool remap_spare_failure_is_local(struct remap_c *rc, blk_status_t status)
{
	switch (remap_classify(status)) {
	case REMAP_ERR_MEDIUM:
		return true;
	case REMAP_ERR_AMBIGUOUS:
		return remap_spare_answers(rc);
	default:
		return false;
	}
}

/* Worker only: one more block whose write failed; may trip the breaker. */
bool remap_breaker_allows(struct remap_c *rc)
{
	unsigned int limit = READ_ONCE(breaker_blocks);

	if (time_after(jiffies, rc->breaker_start + REMAP_BREAKER_WINDOW)) {
		rc->breaker_start = jiffies;
		rc->breaker_count = 0;
	}
	if (!limit || ++rc->breaker_count <= limit)
		return true;
	remap_set_offline(rc, REMAP_OFFLINE_BREAKER);
	return false;
}

/*
 * From end_io, when an I/O succeeded on main while it is offline: an I/O
 * issued after the outage began proves that main answers again.
 */
void remap_main_answered(struct remap_c *rc, struct remap_io *io)
{
	/* Acquire: pairs with the cmpxchg() that published offline_since. */
	unsigned int why = smp_load_acquire(&rc->main_offline);

	if (why == REMAP_MAIN_OK ||
	    !time_after(io->map_jiffies, READ_ONCE(rc->offline_since)))
		return;
	if (why == REMAP_OFFLINE_BREAKER && io->op != DM_REMAP_OP_WRITE)
		return;
	main_back(rc, why, io->op == DM_REMAP_OP_WRITE ? "a write succeeded" :
							 "a read succeeded");
}

/* Queues the probe of an offline main device, unless suspending. */
void remap_probe_arm(struct remap_c *rc, unsigned long delay)
{
	unsigned long flags;

	spin_lock_irqsave(&rc->lock, flags);
	if (!rc->stopping && !rc->suspended)
		queue_delayed_work(rc->wq, &rc->probe_work, delay);
	spin_unlock_irqrestore(&rc->lock, flags);
}

void remap_probe_worker(struct work_struct *work)
{
	struct remap_c *rc = container_of(to_delayed_work(work), struct remap_c,
					  probe_work);
	unsigned int why = READ_ONCE(rc->main_offline);

	/* After a breaker trip reads always worked: only a write tells. */
	if (why == REMAP_MAIN_OK || why == REMAP_OFFLINE_BREAKER)
		return;
	if (main_answers(rc)) {
		rc->probe_ok_ns = ktime_get_ns();
		main_back(rc, why, "the probe read succeeded");
		return;
	}
	remap_probe_arm(rc, REMAP_PROBE_INTERVAL);
}

u64 remap_spare_free(struct remap_c *rc)
{
	return rc->md.geo.pool_blocks - READ_ONCE(rc->md.next_free);
}

/* Raises a dm event from process context; several may fold into one. */
void remap_notify(struct remap_c *rc)
{
	queue_work(rc->wq, &rc->event_work);
}

void remap_event_worker(struct work_struct *work)
{
	struct remap_c *rc = container_of(work, struct remap_c, event_work);

	trace_dm_remap_state(rc->devt,
			     READ_ONCE(rc->read_only) ? DM_REMAP_MODE_RO :
							DM_REMAP_MODE_RW,
			     READ_ONCE(rc->main_offline) ? DM_REMAP_MAIN_OFFLINE :
							   DM_REMAP_MAIN_OK,
			     remap_spare_free(rc));
	dm_table_event(rc->ti->table);
}

/* Worker only, after a commit: the pool thresholds, each announced once. */
void remap_check_spare_thresholds(struct remap_c *rc)
{
	u64 total = rc->md.geo.pool_blocks, free = remap_spare_free(rc);
	bool announce = false;

	if (!rc->low_signalled && free * 10 < total) {
		rc->low_signalled = true;
		announce = true;
		DMWARN("%s: spare pool below 10%%: %llu of %llu spare blocks free",
		       dev_name_of(rc), free, total);
	}
	if (!rc->empty_signalled && !free) {
		rc->empty_signalled = true;
		announce = true;
		DMERR("%s: spare pool exhausted: new bad blocks fail with their error",
		      dev_name_of(rc));
	}
	if (announce)
		remap_notify(rc);
}

/* After the table is loaded: a pool already low is not news. */
void remap_init_spare_thresholds(struct remap_c *rc)
{
	u64 free = remap_spare_free(rc);

	rc->low_signalled = free * 10 < rc->md.geo.pool_blocks;
	rc->empty_signalled = !free;
}
