// SPDX-License-Identifier: GPL-2.0
/*
 * dm-remap: what users see and say: status lines and messages.
 */
#include "dm-remap.h"

#include <linux/kernel.h>
#include <linux/stringify.h>
#include <linux/string.h>

#include "dm_remap_status.h"

/*
 * The status keys come from one table (bpf/dm_remap_status.h), shared with
 * the tools' parser: its order is the print order, its kinds say how each
 * value prints.  status_value() below is the only per-key code here.
 */
#define ST_ENUM(id, key, kind, need)	REMAP_ST_##id,
enum remap_status_key {
	DM_REMAP_STATUS_KEYS(ST_ENUM)
	/* the INFO line: the keys before this one */
	REMAP_ST_NR_INFO,
	REMAP_ST_INFO_LAST = REMAP_ST_NR_INFO - 1,
	DM_REMAP_STATS_KEYS(ST_ENUM)
	REMAP_ST_NR
};

#define ST_NAME(id, key, kind, need) \
	[REMAP_ST_##id] = __stringify(key),
static const char * const status_key_names[REMAP_ST_NR] = {
	DM_REMAP_STATUS_KEYS(ST_NAME)
	DM_REMAP_STATS_KEYS(ST_NAME)
};

#define ST_IS_WORD_NUM			false
#define ST_IS_WORD_WORD			true
#define ST_IS_WORD(id, key, kind, need) \
	[REMAP_ST_##id] = ST_IS_WORD_##kind,
static const bool status_key_is_word[REMAP_ST_NR] = {
	DM_REMAP_STATUS_KEYS(ST_IS_WORD)
	DM_REMAP_STATS_KEYS(ST_IS_WORD)
};

#define ST_WORD(w)			__stringify(w),
static const char * const mode_words[] = { DM_REMAP_MODE_WORDS(ST_WORD) };
static const char * const scrub_words[] = { DM_REMAP_SCRUB_WORDS(ST_WORD) };
static const char * const main_words[] = { DM_REMAP_MAIN_WORDS(ST_WORD) };
static const char * const offline_reason_words[] = {
	DM_REMAP_OFFLINE_REASON_WORDS(ST_WORD)
};

static_assert(ARRAY_SIZE(scrub_words) == REMAP_SCRUB_DONE + 1);
static_assert(ARRAY_SIZE(offline_reason_words) == REMAP_OFFLINE_BREAKER + 1);

/*
 * The value of key k: *word for a WORD key, *num for a NUM key.  No
 * default case: -Wswitch names a key added to the table without a value.
 */
static void status_value(struct remap_c *rc, enum remap_status_key k,
			 const char **word, u64 *num)
{
	switch (k) {
	case REMAP_ST_MODE:
		*word = mode_words[READ_ONCE(rc->read_only) ? 1 : 0];
		break;
	case REMAP_ST_BLOCK_SIZE:
		*num = rc->args.block_size;
		break;
	case REMAP_ST_REMAPPED:
		*num = atomic64_read(&rc->nr_remapped);
		break;
	case REMAP_ST_SPARE_TOTAL:
		*num = rc->md.geo.pool_blocks;
		break;
	case REMAP_ST_SPARE_FREE:
		*num = remap_spare_free(rc);
		break;
	case REMAP_ST_PENDING:
		*num = atomic64_read(&rc->nr_pending);
		break;
	case REMAP_ST_READ_ERRORS:
		*num = atomic64_read(&rc->read_errors);
		break;
	case REMAP_ST_WRITE_ERRORS:
		*num = atomic64_read(&rc->write_errors);
		break;
	case REMAP_ST_LOST_SECTORS:
		*num = atomic64_read(&rc->lost_sectors);
		break;
	case REMAP_ST_MD_COMMITS:
		*num = atomic64_read(&rc->md_commits);
		break;
	case REMAP_ST_MD_SEQ:
		*num = READ_ONCE(rc->md.seq);
		break;
	case REMAP_ST_SCRUB:
		*word = scrub_words[READ_ONCE(rc->scrub_state)];
		break;
	case REMAP_ST_MAIN:
		*word = main_words[READ_ONCE(rc->main_offline) ? 1 : 0];
		break;
	case REMAP_ST_REMAPS:
		*num = atomic64_read(&rc->remaps_done);
		break;
	case REMAP_ST_SPARE_USED:
		*num = READ_ONCE(rc->md.next_free);
		break;
	case REMAP_ST_POOL_START:
		*num = rc->md.geo.pool_start;
		break;
	case REMAP_ST_TABLE_BLOCKS:
		*num = rc->md.geo.table_blocks;
		break;
	case REMAP_ST_SCRUB_POS:
		*num = READ_ONCE(rc->scrub_pos);
		break;
	case REMAP_ST_SCRUB_BLOCKS:
		*num = rc->nr_blocks;
		break;
	case REMAP_ST_SCRUB_FOUND:
		*num = READ_ONCE(rc->scrub_found);
		break;
	case REMAP_ST_INFLIGHT:
		/* per-CPU counts summed while I/O runs: never below zero */
		*num = max(remap_inflight(rc), 0);
		break;
	case REMAP_ST_OFFLINE_REASON:
		*word = offline_reason_words[READ_ONCE(rc->main_offline)];
		break;
	case REMAP_ST_PENDING_DROPPED:
		*num = atomic64_read(&rc->pending_dropped);
		break;
	case REMAP_ST_NR:
		break;
	}
}

/* The first nr keys of the table as space-separated key=value tokens. */
static unsigned int emit_status_keys(struct remap_c *rc, unsigned int nr,
				     char *result, unsigned int maxlen)
{
	unsigned int sz = 0;
	unsigned int k;

	for (k = 0; k < nr; k++) {
		const char *word = "";
		u64 num = 0;

		status_value(rc, k, &word, &num);
		if (status_key_is_word[k])
			DMEMIT("%s%s=%s", k ? " " : "", status_key_names[k], word);
		else
			DMEMIT("%s%s=%llu", k ? " " : "", status_key_names[k], num);
	}
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
		emit_status_keys(rc, REMAP_ST_NR_INFO, result, maxlen);
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
	emit_status_keys(rc, REMAP_ST_NR, result, maxlen);
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
