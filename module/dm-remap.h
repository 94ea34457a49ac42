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
#include <linux/bio.h>
#include <linux/completion.h>
#include <linux/hash.h>
#include <linux/list.h>
#include <linux/spinlock.h>
#include <linux/srcu.h>
#include <linux/wait.h>
#include <linux/workqueue.h>
#include <linux/xarray.h>

#include "dm-remap-format.h"
#include "dm_remap_limits.h"

#define DM_MSG_PREFIX "remap"

/* New remaps grouped into one commit; keeps a commit within two table blocks. */
#define REMAP_MAX_BATCH			DMR_ENTRIES_PER_BLOCK
/*
 * The outage breaker (dm-remap-health.c): more blocks than the module
 * parameter breaker_blocks failing within this window is a device failing,
 * not sectors going bad.
 */
#define REMAP_BREAKER_WINDOW		(10 * HZ)
/*
 * Default of the module parameter max_pending: unreadable blocks remembered
 * for remapping by their next write; a read error beyond it still fails the
 * read (each such read counted in pending_dropped).
 */
#define REMAP_MAX_PENDING		65536
/* How often an offline main device is probed. */
#define REMAP_PROBE_INTERVAL		HZ
/* Spare blocks tried, each retired when its write fails, per remap. */
#define REMAP_SPARE_ATTEMPTS		3

/*
 * The remap index (dm-remap-index.c): logical block -> spare block index,
 * read locklessly (RCU), written by one writer at a time (the worker, or
 * the loader before the device runs).
 */
#define REMAP_ICHUNK_CAP		336	/* entries of a one-page chunk */

struct remap_itop;
struct remap_ichunk;

struct remap_index {
	struct remap_itop __rcu *top;	/* what lookups read */
	/* Writer only. */
	struct remap_itop *next;	/* the batch being built, or NULL */
	struct remap_itop *spare;	/* the top before last: next batch's buffer */
	unsigned long spare_cookie;	/* RCU state when it was replaced */
	struct remap_ichunk *pool;	/* chunk pages reserved for stores */
	unsigned int pool_nr;
	unsigned int reserved;		/* stores reserved, not yet done */
	struct remap_ichunk *retired;	/* replaced by the batch: free once published */
	u32 gen;			/* chunks of this gen belong to the batch */
	u64 nr;				/* entries */
	void *load;			/* remap_index_load_*(): entries read */
	u64 load_nr, load_max;
};

void remap_index_init(struct remap_index *idx);
void remap_index_destroy(struct remap_index *idx);
bool remap_index_lookup(struct remap_index *idx, u64 block, u64 *spare);
bool remap_index_find(struct remap_index *idx, u64 *block, u64 last,
		      u64 *spare);
int remap_index_reserve(struct remap_index *idx);
void remap_index_unreserve(struct remap_index *idx);
bool remap_index_store(struct remap_index *idx, u64 block, u32 spare);
void remap_index_publish(struct remap_index *idx);
int remap_index_load_begin(struct remap_index *idx, u64 max);
void remap_index_load_add(struct remap_index *idx, u64 block, u32 spare);
void remap_index_load_abort(struct remap_index *idx);
s64 remap_index_load_end(struct remap_index *idx);

/* What the table line asked for. */
struct remap_args {
	const char *main_path;
	const char *spare_path;
	unsigned int block_size;	/* bytes */
	unsigned int scrub_rate;	/* KiB/s, 0: scrub only on request */
	bool no_auto_remap;
	bool allow_format;
};

/* Damaged metadata blocks remembered with their good content (dm-remap-md.c). */
#define REMAP_MD_MAX_REPAIRS		64

struct remap_md_repair {
	u64 md_block;		/* metadata block to rewrite */
	void *data;		/* its content, DMR_MD_BLOCK_SIZE bytes */
};

/* The metadata as this instance knows it (see dm-remap-md.c). */
struct remap_md {
	struct dmr_geometry geo;
	u8 uuid[16];
	u32 uuid_csum;		/* CRC-32C of uuid: entry_csum() continues it */
	/*
	 * Last completed commit, what the status shows: set only once both
	 * superblock writes of the commit have completed.
	 */
	u64 seq;
	u64 last_seq;		/* last seq written, even by a failed commit */
	u64 nr_entries;		/* committed table entries */
	u64 next_free;		/* allocated: entries [nr_entries, next_free) staged */
	u64 main_sectors;
	u32 main_lbs;
	u32 main_pbs;
	u8 main_id[DMR_MAIN_ID_LEN];
	u64 spare_sectors;
	u64 format_time;
	/* Logical blocks of the staged entries, in index order. */
	u64 staged[REMAP_MAX_BATCH];
	/* The table block holding entry nr_entries, as it must be on disk. */
	struct dmr_entry *tail;
	void *buf;		/* one metadata block for I/O */
	void *buf_b;		/* a second one: table copy B while loading */
	void *sb_buf;		/* the current superblock */
	/* Table blocks found damaged, rewritten by the next commit. */
	struct remap_md_repair repair[REMAP_MD_MAX_REPAIRS];
	unsigned int nr_repair;
};

/* Why the main device is considered offline (0: it is not). */
enum remap_offline_reason {
	REMAP_MAIN_OK = 0,
	REMAP_OFFLINE_PROBE,		/* a known-good block failed too */
	REMAP_OFFLINE_PATH,		/* a transport, timeout or offline status */
	REMAP_OFFLINE_BREAKER,		/* too many blocks failed at once */
};

/* How a failed I/O is treated (see remap_classify()). */
enum remap_error_class {
	REMAP_ERR_OTHER,		/* the request's own problem: passed through */
	REMAP_ERR_MEDIUM,		/* the medium says the sectors are bad */
	REMAP_ERR_AMBIGUOUS,		/* BLK_STS_IOERR: a bad sector or a dead device */
	REMAP_ERR_PATH,			/* the device cannot be reached */
};

enum remap_scrub_state {
	REMAP_SCRUB_IDLE,
	REMAP_SCRUB_RUNNING,
	REMAP_SCRUB_DONE,
};

struct remap_c {
	struct dm_target *ti;
	struct dm_dev *main_dev;
	struct dm_dev *spare_dev;
	dev_t devt;			/* the dm device, for tracepoints */

	struct remap_args args;
	unsigned int block_sectors;
	unsigned int block_shift;	/* log2(block_sectors) */
	u64 nr_blocks;			/* remap blocks in the target */

	/*
	 * Logical block -> spare block index.  Read locklessly (RCU) on every
	 * bio; written only by the worker and the metadata loader.
	 */
	struct remap_index remaps;
	atomic64_t nr_remapped;
	/*
	 * Blocks whose reads failed, waiting for a write to remap them: at
	 * most max_pending; more are failed but not remembered.
	 */
	struct xarray pending;
	atomic64_t nr_pending;
	atomic64_t pending_dropped;

	struct remap_md md;
	bool md_loaded;			/* table read into memory (preresume) */
	bool read_only;			/* latched when metadata cannot be written */

	/*
	 * The work items (worker, scrub, probe, events) share one ordered,
	 * reclaim-safe queue: they never run concurrently, so the state
	 * marked "worker only" needs no lock.
	 */
	struct workqueue_struct *wq;
	struct work_struct work;
	spinlock_t lock;		/* deferred, requests, flags below */
	struct bio_list deferred;
	struct list_head requests;	/* struct remap_request */
	bool suspended;			/* postsuspend .. resume: no new work */
	bool stopping;			/* presuspend .. resume: no background work */
	void *block_buf;		/* one remap block, worker only */
	struct remap_staged *batch;	/* worker only: the next commit */
	unsigned int batch_nr;
	struct bio_list after_commit;	/* worker only: writes to staged blocks */
	struct list_head batch_waiters;	/* worker only: requests for staged blocks */
	struct bio_set bs;

	/* Health of the devices (dm-remap-health.c). */
	unsigned int main_offline;	/* enum remap_offline_reason */
	unsigned long offline_since;	/* jiffies when it went offline */
	u64 probe_ok_ns;		/* worker only: start of the last good probe */
	u64 good_block;			/* worker only: a main block that read fine */
	void *probe_buf;		/* worker only: one logical block */
	unsigned long breaker_start;	/* worker only: jiffies, window start */
	unsigned int breaker_count;	/* worker only: blocks failed in it */
	struct delayed_work probe_work;	/* probes an offline main device */
	struct work_struct event_work;	/* raises dm events */
	bool low_signalled;		/* worker only: spare_free < 10% announced */
	bool empty_signalled;		/* worker only: spare_free == 0 announced */

	/*
	 * Write-drain protocol between the I/O path and the worker (see
	 * dm-remap-worker.c): every write holds "writes" from map to end_io;
	 * "busy" holds the blocks the worker is moving.
	 */
	struct srcu_struct writes;
	bool writes_ready;		/* init_srcu_struct() done */
	struct xarray busy;
	atomic_t nr_busy;

	/* Background scrub (dm-remap-scrub.c), on the same workqueue. */
	struct delayed_work scrub_work;
	enum remap_scrub_state scrub_state;
	u64 scrub_pos;			/* next block to read */
	u64 scrub_found;		/* unreadable blocks found by the last pass */
	void *scrub_buf;

	/* Original bios between map and their final completion, per CPU. */
	int __percpu *inflight;

	/* Counters (clear_stats zeroes them). */
	atomic64_t read_errors;
	atomic64_t write_errors;
	atomic64_t lost_sectors;
	atomic64_t md_commits;
	atomic64_t remaps_done;
};

/* Per-bio data: what end_io and the worker need, saved at map time. */
struct remap_io {
	sector_t sector;		/* target-relative, before any remap */
	u64 index;			/* the spare block, when REMAP_IO_SPARE */
	u64 error_ns;			/* when the error completed, for the worker */
	unsigned long map_jiffies;	/* when it was mapped */
	int srcu_idx;			/* of rc->writes, when REMAP_IO_COUNTED */
	unsigned int parts;		/* worker: staged parts + 1 until completed */
	blk_status_t part_error;	/* worker: the first error of a part */
	struct bvec_iter iter;		/* as submitted, to retry or redirect */
	unsigned int nr_sectors;	/* bi_iter is advanced once completed */
	u32 op;				/* enum dm_remap_op */
	u64 start_ns;			/* 0 unless dm_remap_io_done is enabled */
	unsigned int flags;		/* REMAP_IO_* */
	unsigned int work;		/* REMAP_WORK_*: why the worker has it */
	blk_status_t error;		/* the error to report, for the worker */
};

#define REMAP_IO_SPARE		(1U << 0)	/* routed to the spare */
#define REMAP_IO_COUNTED	(1U << 1)	/* a write holding rc->writes */
#define REMAP_IO_RETRIED	(1U << 2)	/* a read already retried */
#define REMAP_IO_FINAL		(1U << 3)	/* completed by the worker */
#define REMAP_IO_NO_REMAP	(1U << 4)	/* do not divert to the worker */

enum remap_work {
	REMAP_WORK_ROUTE,		/* deferred by map: route it again */
	REMAP_WORK_RETRY_READ,		/* a failed read: try once more */
	REMAP_WORK_FAIL_PENDING,	/* mark the block pending, fail the bio */
	REMAP_WORK_REMAP_WRITE,		/* a write to remap to the spare */
	REMAP_WORK_BY_BLOCK,		/* several blocks: done block by block */
};

/* A remap written to the spare, waiting for its commit. */
struct remap_staged {
	u64 block;
	u64 index;
	u32 reason;			/* enum dm_remap_reason */
	struct bio *bio;		/* the write to complete, or NULL */
	struct remap_request *req;	/* the message to answer, or NULL */
};

/* A "remap <sector>" message waiting for the worker. */
struct remap_request {
	struct list_head list;
	u64 block;
	int result;
	struct completion done;
};

static inline struct remap_io *remap_io_of(struct bio *bio)
{
	return dm_per_bio_data(bio, sizeof(struct remap_io));
}

static inline u64 remap_block_of(struct remap_c *rc, sector_t sector)
{
	return sector >> rc->block_shift;
}

/* The last block a bio's saved range touches. */
static inline u64 remap_last_block_of(struct remap_c *rc, struct remap_io *io)
{
	return (io->sector + io->nr_sectors - 1) >> rc->block_shift;
}

static inline sector_t remap_spare_sector(struct remap_c *rc, u64 index)
{
	return rc->md.geo.pool_start + (index << rc->block_shift);
}

/* dm-remap-args.c */
int remap_parse_args(struct dm_target *ti, unsigned int argc, char **argv,
		     struct remap_args *args);

/* dm-remap-io.c */
int remap_sync_io(struct remap_c *rc, struct block_device *bdev,
		  sector_t sector, void *buf, unsigned int len, blk_opf_t opf);
u32 remap_bio_op(struct bio *bio);

/* dm-remap-md.c */
int remap_md_open(struct remap_c *rc, char **error);
int remap_md_load(struct remap_c *rc);
int remap_md_commit(struct remap_c *rc);
void remap_md_free(struct remap_c *rc);

/* dm-remap-message.c */
void remap_status(struct dm_target *ti, status_type_t type,
		  unsigned int status_flags, char *result, unsigned int maxlen);
int remap_message(struct dm_target *ti, unsigned int argc, char **argv,
		  char *result, unsigned int maxlen);

/* dm-remap-target.c */
int remap_route(struct remap_c *rc, struct bio *bio, bool from_map);
bool remap_lookup(struct remap_c *rc, u64 block, u64 *index);
void remap_mark_pending(struct remap_c *rc, u64 block);
int remap_inflight(struct remap_c *rc);

/* dm-remap-worker.c */
void remap_worker(struct work_struct *work);
void remap_defer(struct remap_c *rc, struct bio *bio, unsigned int why);
void remap_write_done(struct remap_c *rc, struct remap_io *io);
int remap_request_block(struct remap_c *rc, u64 block);

/* dm-remap-health.c */
enum remap_error_class remap_classify(blk_status_t status);
bool remap_main_failure_is_local(struct remap_c *rc, blk_status_t status,
				 u64 when_ns);
bool remap_spare_failure_is_local(struct remap_c *rc, blk_status_t status);
bool remap_spare_answers(struct remap_c *rc);
bool remap_breaker_allows(struct remap_c *rc);
void remap_main_answered(struct remap_c *rc, struct remap_io *io);
void remap_set_offline(struct remap_c *rc, enum remap_offline_reason why);
void remap_probe_worker(struct work_struct *work);
void remap_probe_arm(struct remap_c *rc, unsigned long delay);
void remap_notify(struct remap_c *rc);
void remap_event_worker(struct work_struct *work);
void remap_check_spare_thresholds(struct remap_c *rc);
void remap_init_spare_thresholds(struct remap_c *rc);
u64 remap_spare_free(struct remap_c *rc);

/* dm-remap-scrub.c */
void remap_scrub_worker(struct work_struct *work);
int remap_scrub_start(struct remap_c *rc);
void remap_scrub_stop(struct remap_c *rc);
void remap_scrub_resume(struct remap_c *rc);

#endif /* DM_REMAP_H */
