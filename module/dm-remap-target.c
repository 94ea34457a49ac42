// SPDX-License-Identifier: GPL-2.0
/*
 * dm-remap: the device-mapper target.
 *
 * Maps a main device block for block; blocks whose writes fail are moved
 * to a spare device.  This file holds the target's entry points: table
 * construction and destruction, the I/O path, status, messages and the
 * suspend/resume hooks.
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

#define REMAP_VERSION_MAJOR	0
#define REMAP_VERSION_MINOR	1
#define REMAP_VERSION_PATCH	0

static void remap_trace_teardown(struct remap_c *rc, u32 phase, u32 stage)
{
	trace_dm_remap_teardown(rc->devt, phase, stage,
				atomic_read(&rc->inflight));
}

/* The op code of the tracepoints; called at map time, before submission. */
static u32 remap_bio_op(struct bio *bio)
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
	if (ti->len & (rc->block_sectors - 1)) {
		ti->error = "Target length is not a multiple of block_size";
		return -EINVAL;
	}
	if (ti->len > bdev_nr_sectors(main_bdev)) {
		ti->error = "Target length exceeds the main device";
		return -EINVAL;
	}
	if (bdev_nr_sectors(spare_bdev) < 2 * (sector_t)rc->block_sectors) {
		ti->error = "Spare device too small";
		return -EINVAL;
	}
	return 0;
}

static void remap_put_devices(struct dm_target *ti, struct remap_c *rc)
{
	if (rc->spare_dev)
		dm_put_device(ti, rc->spare_dev);
	if (rc->main_dev)
		dm_put_device(ti, rc->main_dev);
}

/*
 * Construct a remap mapping:
 *   <main_dev> <spare_dev> [<#opt_args> <opt_args>...]
 */
static int remap_ctr(struct dm_target *ti, unsigned int argc, char **argv)
{
	struct remap_c *rc;
	int r;

	rc = kzalloc(sizeof(*rc), GFP_KERNEL);
	if (!rc) {
		ti->error = "Cannot allocate remap context";
		return -ENOMEM;
	}
	rc->ti = ti;
	atomic_set(&rc->inflight, 0);
	init_waitqueue_head(&rc->inflight_wait);

	r = remap_parse_args(ti, argc, argv, &rc->args);
	if (r)
		goto bad;
	rc->block_sectors = rc->args.block_size >> SECTOR_SHIFT;
	rc->block_shift = ilog2(rc->block_sectors);

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

	/* Bios never cross a remap block: each maps to one place. */
	r = dm_set_target_max_io_len(ti, rc->block_sectors);
	if (r)
		goto bad;

	rc->devt = disk_devt(dm_disk(dm_table_get_md(ti->table)));
	/* One flush for the main device, one for the spare. */
	ti->num_flush_bios = 2;
	ti->num_discard_bios = 0;
	ti->per_io_data_size = sizeof(struct remap_io);
	ti->private = rc;
	return 0;

bad:
	remap_put_devices(ti, rc);
	kfree(rc);
	return r;
}

static void remap_dtr(struct dm_target *ti)
{
	struct remap_c *rc = ti->private;

	remap_trace_teardown(rc, DM_REMAP_PHASE_DTR, DM_REMAP_STAGE_ENTER);
	remap_put_devices(ti, rc);
	remap_trace_teardown(rc, DM_REMAP_PHASE_DTR, DM_REMAP_STAGE_EXIT);
	kfree(rc);
}

static void remap_io_start(struct remap_c *rc)
{
	atomic_inc(&rc->inflight);
}

static void remap_io_end(struct remap_c *rc)
{
	if (atomic_dec_and_test(&rc->inflight))
		wake_up(&rc->inflight_wait);
}

static int remap_map(struct dm_target *ti, struct bio *bio)
{
	struct remap_c *rc = ti->private;
	struct remap_io *io = dm_per_bio_data(bio, sizeof(struct remap_io));

	io->sector = dm_target_offset(ti, bio->bi_iter.bi_sector);
	io->nr_sectors = bio_sectors(bio);
	io->op = remap_bio_op(bio);
	io->start_ns = trace_dm_remap_io_done_enabled() ? ktime_get_ns() : 0;
	remap_io_start(rc);

	if (op_is_flush(bio->bi_opf) && !bio_sectors(bio)) {
		/* Empty flush: bio 0 flushes the main device, bio 1 the spare. */
		bio_set_dev(bio, dm_bio_get_target_bio_nr(bio) ?
			    rc->spare_dev->bdev : rc->main_dev->bdev);
		return DM_MAPIO_REMAPPED;
	}

	bio_set_dev(bio, rc->main_dev->bdev);
	bio->bi_iter.bi_sector = io->sector;
	return DM_MAPIO_REMAPPED;
}

static int remap_end_io(struct dm_target *ti, struct bio *bio,
			blk_status_t *error)
{
	struct remap_c *rc = ti->private;
	struct remap_io *io = dm_per_bio_data(bio, sizeof(struct remap_io));

	if (io->start_ns)
		trace_dm_remap_io_done(rc->devt, io->sector, io->nr_sectors,
				       io->op,
				       blk_status_to_errno(*error), 0,
				       ktime_get_ns() - io->start_ns);
	remap_io_end(rc);
	return DM_ENDIO_DONE;
}

static void remap_status(struct dm_target *ti, status_type_t type,
			 unsigned int status_flags, char *result,
			 unsigned int maxlen)
{
	struct remap_c *rc = ti->private;
	unsigned int sz = 0;
	unsigned int nr_opt;

	switch (type) {
	case STATUSTYPE_INFO:
		DMEMIT("mode=rw block_size=%u remapped=0 spare_total=0 spare_free=0 pending=0 ",
		       rc->args.block_size);
		DMEMIT("read_errors=0 write_errors=0 lost_sectors=0 md_commits=0 md_seq=0 scrub=idle");
		break;

	case STATUSTYPE_TABLE:
		nr_opt = 2 + (rc->args.scrub_rate ? 2 : 0) +
			 rc->args.no_auto_remap + rc->args.allow_format;
		DMEMIT("%s %s %u block_size %u", rc->main_dev->name,
		       rc->spare_dev->name, nr_opt, rc->args.block_size);
		if (rc->args.scrub_rate)
			DMEMIT(" scrub_rate %u", rc->args.scrub_rate);
		if (rc->args.no_auto_remap)
			DMEMIT(" no_auto_remap");
		if (rc->args.allow_format)
			DMEMIT(" format");
		break;

	case STATUSTYPE_IMA:
		DMEMIT("target_name=%s,target_version=%u.%u.%u", ti->type->name,
		       ti->type->version[0], ti->type->version[1],
		       ti->type->version[2]);
		DMEMIT(",main_device=%s,spare_device=%s,block_size=%u",
		       rc->main_dev->name, rc->spare_dev->name,
		       rc->args.block_size);
		DMEMIT(",auto_remap=%c,scrub_rate=%u;",
		       rc->args.no_auto_remap ? 'n' : 'y', rc->args.scrub_rate);
		break;
	}
}

static const char remap_help_text[] =
	"remap <sector>: remap the block holding <sector> now\n"
	"stats: status keys and more detail as key=value tokens\n"
	"clear_stats: zero the counters (not the remap table)\n"
	"list [<first_block> [<max>]]: remapped blocks as '<logical> <spare>' lines\n"
	"scrub start|stop: start or stop a background read scan of the main device\n"
	"help: this list";

static int remap_message(struct dm_target *ti, unsigned int argc, char **argv,
			 char *result, unsigned int maxlen)
{
	unsigned int sz = 0;

	if (argc == 1 && !strcmp(argv[0], "help")) {
		DMEMIT("%s", remap_help_text);
		return 1;
	}
	if (!argc)
		DMERR("%s: empty message", dm_device_name(dm_table_get_md(ti->table)));
	else
		DMERR("%s: unsupported message '%s' with %u argument(s); try 'help'",
		      dm_device_name(dm_table_get_md(ti->table)), argv[0], argc - 1);
	return -EINVAL;
}

static void remap_presuspend(struct dm_target *ti)
{
	struct remap_c *rc = ti->private;

	remap_trace_teardown(rc, DM_REMAP_PHASE_PRESUSPEND, DM_REMAP_STAGE_ENTER);
	remap_trace_teardown(rc, DM_REMAP_PHASE_PRESUSPEND, DM_REMAP_STAGE_EXIT);
}

static void remap_presuspend_undo(struct dm_target *ti)
{
	struct remap_c *rc = ti->private;

	remap_trace_teardown(rc, DM_REMAP_PHASE_PRESUSPEND_UNDO, DM_REMAP_STAGE_ENTER);
	remap_trace_teardown(rc, DM_REMAP_PHASE_PRESUSPEND_UNDO, DM_REMAP_STAGE_EXIT);
}

static void remap_postsuspend(struct dm_target *ti)
{
	struct remap_c *rc = ti->private;

	remap_trace_teardown(rc, DM_REMAP_PHASE_POSTSUSPEND, DM_REMAP_STAGE_ENTER);
	/* dm core has waited for every original bio; nothing may remain. */
	wait_event(rc->inflight_wait, !atomic_read(&rc->inflight));
	remap_trace_teardown(rc, DM_REMAP_PHASE_POSTSUSPEND, DM_REMAP_STAGE_EXIT);
}

static int remap_preresume(struct dm_target *ti)
{
	struct remap_c *rc = ti->private;

	remap_trace_teardown(rc, DM_REMAP_PHASE_PRERESUME, DM_REMAP_STAGE_ENTER);
	remap_trace_teardown(rc, DM_REMAP_PHASE_PRERESUME, DM_REMAP_STAGE_EXIT);
	return 0;
}

static void remap_resume(struct dm_target *ti)
{
	struct remap_c *rc = ti->private;

	remap_trace_teardown(rc, DM_REMAP_PHASE_RESUME, DM_REMAP_STAGE_ENTER);
	remap_trace_teardown(rc, DM_REMAP_PHASE_RESUME, DM_REMAP_STAGE_EXIT);
}

static int remap_iterate_devices(struct dm_target *ti,
				 iterate_devices_callout_fn fn, void *data)
{
	struct remap_c *rc = ti->private;

	return fn(ti, rc->main_dev, 0, ti->len, data);
}

static void remap_io_hints(struct dm_target *ti, struct queue_limits *limits)
{
	struct remap_c *rc = ti->private;

	/*
	 * Advertise the remap block as the preferred I/O size: smaller writes
	 * to a remapped block still work, but whole blocks are cheapest.
	 */
	blk_limits_io_min(limits, rc->args.block_size);
	blk_limits_io_opt(limits, rc->args.block_size);
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
