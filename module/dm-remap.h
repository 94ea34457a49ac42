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
#include <linux/wait.h>
#include <linux/workqueue.h>
#include <linux/xarray.h>

#include "dm-remap-format.h"

#define DM_MSG_PREFIX "remap"

#define REMAP_DEFAULT_BLOCK_SIZE	4096
#define REMAP_MIN_BLOCK_SIZE		512
#define REMAP_MAX_BLOCK_SIZE		65536
/* New remaps grouped into one commit; keeps a commit within two table blocks. */
#define REMAP_MAX_BATCH			DMR_ENTRIES_PER_BLOCK
/* Buckets of the write-drain protocol (see dm-remap-worker.c). */
#define REMAP_NR_BUCKETS		256

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
	struct xarray remaps;
	atomic64_t nr_remapped;
	/* Blocks whose reads failed, waiting for a write to remap them. */
	struct xarray pending;
	atomic64_t nr_pending;

	struct remap_md md;
	bool md_loaded;			/* table read into memory (preresume) */
	bool read_only;			/* latched when metadata cannot be written */

	/* The worker: one work item on an ordered, reclaim-safe queue. */
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
	struct bio_set bs;

	/* Write-drain protocol between the I/O path and the worker. */
	atomic_t wr_inflight[REMAP_NR_BUCKETS];
	atomic_t busy[REMAP_NR_BUCKETS];
	wait_queue_head_t wr_wait;

	/* Background scrub (dm-remap-scrub.c), on the same workqueue. */
	struct delayed_work scrub_work;
	enum remap_scrub_state scrub_state;
	u64 scrub_pos;			/* next block to read */
	u64 scrub_found;		/* unreadable blocks found by the last pass */
	void *scrub_buf;

	/* Original bios between map and their final completion. */
	atomic_t inflight;

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
	struct bvec_iter iter;		/* as submitted, to retry or redirect */
	unsigned int nr_sectors;	/* bi_iter is advanced once completed */
	u32 op;				/* enum dm_remap_op */
	u64 start_ns;			/* 0 unless dm_remap_io_done is enabled */
	unsigned int flags;		/* REMAP_IO_* */
	unsigned int work;		/* REMAP_WORK_*: why the worker has it */
	blk_status_t error;		/* the error to report, for the worker */
};

#define REMAP_IO_SPARE		(1U << 0)	/* routed to the spare */
#define REMAP_IO_MAIN_WRITE	(1U << 1)	/* counted in wr_inflight */
#define REMAP_IO_RETRIED	(1U << 2)	/* a read already retried */
#define REMAP_IO_FINAL		(1U << 3)	/* completed by the worker */
#define REMAP_IO_NO_REMAP	(1U << 4)	/* do not divert to the worker */

enum remap_work {
	REMAP_WORK_ROUTE,		/* deferred by map: route it again */
	REMAP_WORK_RETRY_READ,		/* a failed read: try once more */
	REMAP_WORK_FAIL_PENDING,	/* mark the block pending, fail the bio */
	REMAP_WORK_REMAP_WRITE,		/* a write to remap to the spare */
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

static inline unsigned int remap_bucket(u64 block)
{
	return hash_64(block, 8) & (REMAP_NR_BUCKETS - 1);
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
int remap_route(struct remap_c *rc, struct bio *bio);
bool remap_lookup(struct remap_c *rc, u64 block, u64 *index);
void remap_mark_pending(struct remap_c *rc, u64 block);

/* dm-remap-worker.c */
void remap_worker(struct work_struct *work);
void remap_defer(struct remap_c *rc, struct bio *bio, unsigned int why);
void remap_write_done(struct remap_c *rc, unsigned int bucket);
int remap_request_block(struct remap_c *rc, u64 block);

/* dm-remap-scrub.c */
void remap_scrub_worker(struct work_struct *work);
int remap_scrub_start(struct remap_c *rc);
void remap_scrub_stop(struct remap_c *rc);
void remap_scrub_resume(struct remap_c *rc);

#endif /* DM_REMAP_H */
