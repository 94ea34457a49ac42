// SPDX-License-Identifier: GPL-2.0
/*
 * dm-remap: what users see and say: status lines and messages.
 */
#include "dm-remap.h"

#include <linux/kernel.h>
#include <linux/string.h>

static const char * const scrub_state_names[] = {
	[REMAP_SCRUB_IDLE] = "idle",
	[REMAP_SCRUB_RUNNING] = "running",
	[REMAP_SCRUB_DONE] = "done",
};

static const char * const offline_reason_names[] = {
	[REMAP_MAIN_OK] = "none",
	[REMAP_OFFLINE_PROBE] = "probe",
	[REMAP_OFFLINE_PATH] = "path",
	[REMAP_OFFLINE_BREAKER] = "breaker",
};

/* The keys of the INFO status line; "stats" prints them with more. */
static unsigned int emit_status_keys(struct remap_c *rc, char *result,
				     unsigned int maxlen, unsigned int sz)
{
	DMEMIT("mode=%s block_size=%u remapped=%lld spare_total=%llu spare_free=%llu",
	       READ_ONCE(rc->read_only) ? "ro" : "rw", rc->args.block_size,
	       atomic64_read(&rc->nr_remapped), rc->md.geo.pool_blocks,
	       remap_spare_free(rc));
	DMEMIT(" pending=%lld read_errors=%lld write_errors=%lld lost_sectors=%lld",
	       atomic64_read(&rc->nr_pending), atomic64_read(&rc->read_errors),
	       atomic64_read(&rc->write_errors), atomic64_read(&rc->lost_sectors));
	DMEMIT(" md_commits=%lld md_seq=%llu scrub=%s main=%s",
	       atomic64_read(&rc->md_commits), READ_ONCE(rc->md.seq),
	       scrub_state_names[READ_ONCE(rc->scrub_state)],
	       READ_ONCE(rc->main_offline) ? "offline" : "ok");
	return sz;
}

void remap_status(struct dm_target *ti, status_type_t type,
		  unsigned int status_flags, char *result, unsigned int maxlen)
{
	struct remap_c *rc = ti->private;
	unsigned int sz = 0;
	unsigned int nr_opt;

	switch (type) {
	case STATUSTYPE_INFO:
		sz = emit_status_keys(rc, result, maxlen, sz);
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
		DMEMIT(",auto_remap=%c,scrub_rate=%u,mode=%s;",
		       rc->args.no_auto_remap ? 'n' : 'y', rc->args.scrub_rate,
		       READ_ONCE(rc->read_only) ? "ro" : "rw");
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

static const char *dev_name_of(struct remap_c *rc)
{
	return dm_table_device_name(rc->ti->table);
}

static int msg_remap(struct remap_c *rc, unsigned int argc, char **argv)
{
	u64 sector;
	int r;

	if (argc != 2 || kstrtou64(argv[1], 10, &sector)) {
		DMERR("%s: usage: remap <sector>", dev_name_of(rc));
		return -EINVAL;
	}
	if (sector >= rc->ti->len) {
		DMERR("%s: remap: sector %llu is beyond the device (%llu sectors)",
		      dev_name_of(rc), sector, (u64)rc->ti->len);
		return -EINVAL;
	}
	r = remap_request_block(rc, remap_block_of(rc, sector));
	if (r)
		DMERR("%s: remap of sector %llu failed: %d%s", dev_name_of(rc),
		      sector, r, r == -ENOSPC ? " (no spare block left)" :
				 r == -EROFS ? " (device is read-only)" :
				 r == -EBUSY ? " (device is suspended)" :
				 r == -EIO ? " (a device did not answer)" : "");
	return r;
}

static int msg_stats(struct remap_c *rc, char *result, unsigned int maxlen)
{
	unsigned int sz = 0;

	sz = emit_status_keys(rc, result, maxlen, sz);
	DMEMIT(" remaps=%lld spare_used=%llu pool_start=%llu table_blocks=%llu",
	       atomic64_read(&rc->remaps_done), READ_ONCE(rc->md.next_free),
	       rc->md.geo.pool_start, rc->md.geo.table_blocks);
	DMEMIT(" scrub_pos=%llu scrub_blocks=%llu scrub_found=%llu inflight=%d",
	       READ_ONCE(rc->scrub_pos), rc->nr_blocks, READ_ONCE(rc->scrub_found),
	       remap_inflight(rc));
	DMEMIT(" offline_reason=%s pending_dropped=%lld",
	       offline_reason_names[READ_ONCE(rc->main_offline)],
	       atomic64_read(&rc->pending_dropped));
	return 1;
}

static int msg_list(struct remap_c *rc, unsigned int argc, char **argv,
		    char *result, unsigned int maxlen)
{
	u64 first = 0, max = U64_MAX, n = 0, spare;
	unsigned int sz = 0;

	if (argc > 3 || (argc > 1 && kstrtou64(argv[1], 10, &first)) ||
	    (argc > 2 && kstrtou64(argv[2], 10, &max))) {
		DMERR("%s: usage: list [<first_block> [<max>]]", dev_name_of(rc));
		return -EINVAL;
	}
	result[0] = '\0';
	/* Each entry is a search from the last: O(log n), nothing held. */
	for (; n < max && remap_index_find(&rc->remaps, &first, U64_MAX, &spare);
	     n++) {
		/* A full answer buffer: what follows would be cut anyway. */
		if (sz + 1 >= maxlen)
			break;
		DMEMIT("%llu %llu\n", first, spare);
		if (first++ == U64_MAX)
			break;
	}
	return 1;
}

static int msg_scrub(struct remap_c *rc, unsigned int argc, char **argv)
{
	if (argc == 2 && !strcasecmp(argv[1], "start")) {
		int r = remap_scrub_start(rc);

		if (r)
			DMERR("%s: scrub start: device is suspended", dev_name_of(rc));
		return r;
	}
	if (argc == 2 && !strcasecmp(argv[1], "stop")) {
		remap_scrub_stop(rc);
		return 0;
	}
	DMERR("%s: usage: scrub start|stop", dev_name_of(rc));
	return -EINVAL;
}

int remap_message(struct dm_target *ti, unsigned int argc, char **argv,
		  char *result, unsigned int maxlen)
{
	struct remap_c *rc = ti->private;
	unsigned int sz = 0;

	/* dm core refuses an empty message before it gets here. */
	if (!strcasecmp(argv[0], "remap"))
		return msg_remap(rc, argc, argv);
	if (!strcasecmp(argv[0], "list"))
		return msg_list(rc, argc, argv, result, maxlen);
	if (!strcasecmp(argv[0], "scrub"))
		return msg_scrub(rc, argc, argv);
	if (argc == 1 && !strcasecmp(argv[0], "stats"))
		return msg_stats(rc, result, maxlen);
	if (argc == 1 && !strcasecmp(argv[0], "clear_stats")) {
		atomic64_set(&rc->read_errors, 0);
		atomic64_set(&rc->write_errors, 0);
		atomic64_set(&rc->lost_sectors, 0);
		atomic64_set(&rc->md_commits, 0);
		atomic64_set(&rc->remaps_done, 0);
		atomic64_set(&rc->pending_dropped, 0);
		return 0;
	}
	if (argc == 1 && !strcasecmp(argv[0], "help")) {
		DMEMIT("%s", remap_help_text);
		return 1;
	}
	DMERR("%s: unsupported message '%s' with %u argument(s); try 'help'",
	      dev_name_of(rc), argv[0], argc - 1);
	return -EINVAL;
}
