// SPDX-License-Identifier: GPL-2.0
/*
 * dm-remap: the on-disk metadata (format in dm-remap-format.h and
 * docs/on-disk-format.md).
 *
 * - remap_md_open(), from the constructor: find the current superblock,
 *   check that the spare belongs to this main device, or format a spare
 *   that reads as zeroes (or any unknown one when "format" was given).
 * - remap_md_load(), from the first preresume: read the table into the
 *   in-memory map.  Done there and not in the constructor because during a
 *   table reload the old instance may still commit until it is suspended.
 * - remap_md_commit(), from the worker: append the staged entries.
 *
 * Commit order: the data of new remaps is already on the spare when the
 * commit starts; the table block(s) holding the new entries are written,
 * then the superblock goes to slot (seq % 2) with PREFLUSH|FUA, which makes
 * everything before it durable first.  A torn superblock fails its
 * checksum and the other slot, one commit older, is used; entries past
 * nr_entries are ignored; each entry has its own checksum, so a torn
 * rewrite of the tail table block cannot pass off garbage.
 */
#include "dm-remap.h"
#include "dm-remap-trace.h"

#include <linux/blkdev.h>
#include <linux/crc32c.h>
#include <linux/ktime.h>
#include <linux/random.h>
#include <linux/slab.h>
#include <linux/string.h>
#include <linux/timekeeping.h>

static sector_t md_block_sector(u64 md_block)
{
	return md_block * DMR_MD_BLOCK_SECTORS;
}

static int md_io(struct remap_c *rc, u64 md_block, void *buf, blk_opf_t opf)
{
	return remap_sync_io(rc, rc->spare_dev->bdev, md_block_sector(md_block),
			     buf, DMR_MD_BLOCK_SIZE, opf);
}

static u32 sb_csum(const void *block)
{
	const struct dmr_superblock *sb = block;
	u32 saved = sb->csum, csum;

	/* The checksum covers the whole block with the csum field as zero. */
	((struct dmr_superblock *)block)->csum = 0;
	csum = crc32c(DMR_CSUM_SEED, block, DMR_MD_BLOCK_SIZE);
	((struct dmr_superblock *)block)->csum = saved;
	return csum;
}

static u32 entry_csum(const u8 *uuid, u64 index, u64 logical, u32 seq)
{
	struct dmr_entry_csum_input in;

	memcpy(in.uuid, uuid, sizeof(in.uuid));
	in.index = cpu_to_le64(index);
	in.logical = cpu_to_le64(logical);
	in.seq = cpu_to_le32(seq);
	return crc32c(DMR_CSUM_SEED, &in, sizeof(in));
}

static bool sb_valid(const void *block)
{
	const struct dmr_superblock *sb = block;

	return le64_to_cpu(sb->magic) == DMR_MAGIC &&
	       le32_to_cpu(sb->version) == DMR_VERSION &&
	       le32_to_cpu(sb->csum) == sb_csum(block);
}

static bool all_zero(const void *buf, size_t len)
{
	return !memchr_inv(buf, 0, len);
}

/* What this main device is, as recorded at format time. */
static void main_identity(struct remap_c *rc, u64 *sectors, u32 *lbs, u32 *pbs,
			  u8 *id)
{
	struct block_device *bdev = rc->main_dev->bdev;

	*sectors = bdev_nr_sectors(bdev);
	*lbs = bdev_logical_block_size(bdev);
	*pbs = bdev_physical_block_size(bdev);
	memset(id, 0, DMR_MAIN_ID_LEN);
	/* A GPT partition has a stable UUID; a whole disk has no such thing. */
	if (bdev->bd_meta_info)
		strscpy(id, bdev->bd_meta_info->uuid, DMR_MAIN_ID_LEN);
}

static void sb_fill(struct remap_c *rc, void *block)
{
	struct dmr_superblock *sb = block;
	struct remap_md *md = &rc->md;

	memset(block, 0, DMR_MD_BLOCK_SIZE);
	sb->magic = cpu_to_le64(DMR_MAGIC);
	sb->version = cpu_to_le32(DMR_VERSION);
	sb->block_size = cpu_to_le32(rc->args.block_size);
	sb->seq = cpu_to_le64(md->seq);
	memcpy(sb->uuid, md->uuid, sizeof(sb->uuid));
	sb->main_sectors = cpu_to_le64(md->main_sectors);
	sb->main_logical_block_size = cpu_to_le32(md->main_lbs);
	sb->main_physical_block_size = cpu_to_le32(md->main_pbs);
	memcpy(sb->main_id, md->main_id, DMR_MAIN_ID_LEN);
	sb->spare_sectors = cpu_to_le64(md->spare_sectors);
	sb->table_blocks = cpu_to_le64(md->geo.table_blocks);
	sb->pool_start = cpu_to_le64(md->geo.pool_start);
	sb->pool_blocks = cpu_to_le64(md->geo.pool_blocks);
	sb->nr_entries = cpu_to_le64(md->nr_entries);
	sb->format_time = cpu_to_le64(md->format_time);
	sb->commit_time = cpu_to_le64(ktime_get_real_seconds());
	sb->csum = cpu_to_le32(sb_csum(block));
}

static void sb_read_fields(struct remap_c *rc, const void *block)
{
	const struct dmr_superblock *sb = block;
	struct remap_md *md = &rc->md;

	md->seq = le64_to_cpu(sb->seq);
	memcpy(md->uuid, sb->uuid, sizeof(md->uuid));
	md->main_sectors = le64_to_cpu(sb->main_sectors);
	md->main_lbs = le32_to_cpu(sb->main_logical_block_size);
	md->main_pbs = le32_to_cpu(sb->main_physical_block_size);
	memcpy(md->main_id, sb->main_id, DMR_MAIN_ID_LEN);
	md->spare_sectors = le64_to_cpu(sb->spare_sectors);
	md->geo.table_blocks = le64_to_cpu(sb->table_blocks);
	md->geo.pool_start = le64_to_cpu(sb->pool_start);
	md->geo.pool_blocks = le64_to_cpu(sb->pool_blocks);
	md->nr_entries = le64_to_cpu(sb->nr_entries);
	md->next_free = md->nr_entries;
	md->format_time = le64_to_cpu(sb->format_time);
}

/*
 * Read both superblock slots; leave the current one in md->sb_buf.
 * Returns 1 when one is valid, 0 when none is, or a negative errno.
 */
static int sb_read_current(struct remap_c *rc)
{
	struct remap_md *md = &rc->md;
	u64 best_seq = 0;
	int slot, r, found = 0;

	for (slot = 0; slot < DMR_SB_SLOTS; slot++) {
		r = md_io(rc, slot, md->buf, REQ_OP_READ);
		if (r)
			return r;
		if (!sb_valid(md->buf))
			continue;
		if (!found || le64_to_cpu(((struct dmr_superblock *)md->buf)->seq) > best_seq) {
			best_seq = le64_to_cpu(((struct dmr_superblock *)md->buf)->seq);
			memcpy(md->sb_buf, md->buf, DMR_MD_BLOCK_SIZE);
			found = 1;
		}
	}
	return found;
}

static int md_format(struct remap_c *rc, char **error)
{
	struct remap_md *md = &rc->md;
	u64 spare_sectors = bdev_nr_sectors(rc->spare_dev->bdev);
	int r;

	if (dmr_compute_geometry(spare_sectors, rc->args.block_size, &md->geo)) {
		*error = "Spare device too small for the metadata and one spare block";
		return -EINVAL;
	}
	get_random_bytes(md->uuid, sizeof(md->uuid));
	main_identity(rc, &md->main_sectors, &md->main_lbs, &md->main_pbs,
		      md->main_id);
	md->spare_sectors = spare_sectors;
	md->format_time = ktime_get_real_seconds();
	md->nr_entries = 0;
	md->next_free = 0;
	md->seq = 1;

	/* The other slot and the first table block hold nothing valid. */
	memset(md->buf, 0, DMR_MD_BLOCK_SIZE);
	r = md_io(rc, 0, md->buf, REQ_OP_WRITE);
	if (!r)
		r = md_io(rc, DMR_TABLE_START, md->buf, REQ_OP_WRITE);
	if (!r) {
		sb_fill(rc, md->sb_buf);
		r = md_io(rc, md->seq % DMR_SB_SLOTS, md->sb_buf,
			  REQ_OP_WRITE | REQ_PREFLUSH | REQ_FUA);
	}
	if (r) {
		*error = "Cannot write the spare's metadata";
		return r;
	}
	DMINFO("%s: formatted spare %s: %llu spare blocks of %u bytes",
	       dm_table_device_name(rc->ti->table), rc->spare_dev->name,
	       md->geo.pool_blocks, rc->args.block_size);
	return 0;
}

/* Checks a valid superblock (in md->sb_buf) against this table line. */
static int md_check_binding(struct remap_c *rc, char **error)
{
	const struct dmr_superblock *sb = rc->md.sb_buf;
	struct remap_md *md = &rc->md;
	struct dmr_geometry geo;
	u64 sectors;
	u32 lbs, pbs;
	u8 id[DMR_MAIN_ID_LEN];

	sb_read_fields(rc, sb);
	main_identity(rc, &sectors, &lbs, &pbs, id);
	if (sectors != md->main_sectors || lbs != md->main_lbs ||
	    pbs != md->main_pbs || memcmp(id, md->main_id, DMR_MAIN_ID_LEN)) {
		*error = "Spare belongs to another main device (size or identity differ)";
		return -EINVAL;
	}
	if (le32_to_cpu(sb->block_size) != rc->args.block_size) {
		*error = "block_size differs from the one the spare was formatted with";
		return -EINVAL;
	}
	if (dmr_compute_geometry(md->spare_sectors, rc->args.block_size, &geo) ||
	    geo.table_blocks != md->geo.table_blocks ||
	    geo.pool_start != md->geo.pool_start ||
	    geo.pool_blocks != md->geo.pool_blocks ||
	    md->nr_entries > md->geo.pool_blocks) {
		*error = "Spare metadata is inconsistent (geometry)";
		return -EINVAL;
	}
	if (bdev_nr_sectors(rc->spare_dev->bdev) <
	    md->geo.pool_start + (md->geo.pool_blocks << rc->block_shift)) {
		*error = "Spare device is smaller than its metadata says";
		return -EINVAL;
	}
	return 0;
}

int remap_md_open(struct remap_c *rc, char **error)
{
	struct remap_md *md = &rc->md;
	int r, i;

	md->buf = kmalloc(DMR_MD_BLOCK_SIZE, GFP_KERNEL);
	md->sb_buf = kmalloc(DMR_MD_BLOCK_SIZE, GFP_KERNEL);
	md->tail = kzalloc(DMR_MD_BLOCK_SIZE, GFP_KERNEL);
	if (!md->buf || !md->sb_buf || !md->tail) {
		*error = "Cannot allocate metadata buffers";
		return -ENOMEM;
	}

	r = sb_read_current(rc);
	if (r < 0) {
		*error = "Cannot read the spare's metadata";
		return r;
	}
	if (r)
		return md_check_binding(rc, error);

	if (!rc->args.allow_format) {
		for (i = 0; i < DMR_PROBE_BLOCKS; i++) {
			r = md_io(rc, i, md->buf, REQ_OP_READ);
			if (r) {
				*error = "Cannot read the spare's metadata";
				return r;
			}
			if (!all_zero(md->buf, DMR_MD_BLOCK_SIZE)) {
				*error = "Spare holds unknown data; add the 'format' option to overwrite it";
				return -EINVAL;
			}
		}
	}
	return md_format(rc, error);
}

/* Reads the table: every committed entry goes into the in-memory map. */
int remap_md_load(struct remap_c *rc)
{
	struct remap_md *md = &rc->md;
	u64 i, max_logical;
	int r;

	/* The previous owner (a reloaded table) may have committed since ctr. */
	r = sb_read_current(rc);
	if (r <= 0 || memcmp(((struct dmr_superblock *)md->sb_buf)->uuid,
			     md->uuid, sizeof(md->uuid))) {
		DMERR("%s: the spare's superblock vanished or changed",
		      dm_table_device_name(rc->ti->table));
		return r < 0 ? r : -EIO;
	}
	sb_read_fields(rc, md->sb_buf);

	max_logical = md->main_sectors >> rc->block_shift;
	memset(md->tail, 0, DMR_MD_BLOCK_SIZE);
	for (i = 0; i < md->nr_entries; i++) {
		unsigned int slot = i % DMR_ENTRIES_PER_BLOCK;
		struct dmr_entry *e = (struct dmr_entry *)md->buf + slot;
		u64 logical;
		void *old;

		if (!slot) {
			r = md_io(rc, DMR_TABLE_START + i / DMR_ENTRIES_PER_BLOCK,
				  md->buf, REQ_OP_READ);
			if (r)
				return r;
		}
		logical = le64_to_cpu(e->logical);
		if (le32_to_cpu(e->csum) != entry_csum(md->uuid, i, logical,
						       le32_to_cpu(e->seq)) ||
		    (logical != DMR_LOGICAL_RETIRED && logical >= max_logical)) {
			DMERR("%s: remap table entry %llu is corrupt",
			      dm_table_device_name(rc->ti->table), i);
			return -EIO;
		}
		if (logical == DMR_LOGICAL_RETIRED)
			continue;
		old = xa_store(&rc->remaps, logical, xa_mk_value(i), GFP_KERNEL);
		if (xa_is_err(old))
			return xa_err(old);
		if (!old)
			atomic64_inc(&rc->nr_remapped);
	}
	/* The block holding entry nr_entries is rewritten by the next commit. */
	if (md->nr_entries % DMR_ENTRIES_PER_BLOCK)
		memcpy(md->tail, md->buf, DMR_MD_BLOCK_SIZE);
	rc->md_loaded = true;
	return 0;
}

/*
 * Appends the staged entries [nr_entries, next_free) and commits them.
 * Called by the worker only.
 */
int remap_md_commit(struct remap_c *rc)
{
	struct remap_md *md = &rc->md;
	u64 first = md->nr_entries, last = md->next_free - 1, i, blk;
	u64 old_seq = md->seq, old_nr = md->nr_entries;
	u64 start = ktime_get_ns();
	u32 seq32;
	int r = 0;

	md->seq++;
	seq32 = lower_32_bits(md->seq);
	for (blk = first / DMR_ENTRIES_PER_BLOCK;
	     blk <= last / DMR_ENTRIES_PER_BLOCK && !r; blk++) {
		struct dmr_entry *entries = md->buf;

		if (blk == first / DMR_ENTRIES_PER_BLOCK)
			memcpy(md->buf, md->tail, DMR_MD_BLOCK_SIZE);
		else
			memset(md->buf, 0, DMR_MD_BLOCK_SIZE);
		for (i = max(first, blk * DMR_ENTRIES_PER_BLOCK);
		     i <= last && i < (blk + 1) * DMR_ENTRIES_PER_BLOCK; i++) {
			struct dmr_entry *e = &entries[i % DMR_ENTRIES_PER_BLOCK];
			u64 logical = md->staged[i - first];

			e->logical = cpu_to_le64(logical);
			e->seq = cpu_to_le32(seq32);
			e->csum = cpu_to_le32(entry_csum(md->uuid, i, logical, seq32));
		}
		r = md_io(rc, DMR_TABLE_START + blk, md->buf, REQ_OP_WRITE);
	}
	if (!r) {
		md->nr_entries = md->next_free;
		sb_fill(rc, md->sb_buf);
		r = md_io(rc, md->seq % DMR_SB_SLOTS, md->sb_buf,
			  REQ_OP_WRITE | REQ_PREFLUSH | REQ_FUA);
	}
	trace_dm_remap_md_commit(rc->devt, md->seq, last - first + 1,
				 ktime_get_ns() - start, r);
	if (r) {
		md->seq = old_seq;
		md->nr_entries = old_nr;
		return r;
	}
	/* md->buf holds the last block written: the new tail. */
	if (md->nr_entries % DMR_ENTRIES_PER_BLOCK)
		memcpy(md->tail, md->buf, DMR_MD_BLOCK_SIZE);
	else
		memset(md->tail, 0, DMR_MD_BLOCK_SIZE);
	atomic64_inc(&rc->md_commits);
	return 0;
}

void remap_md_free(struct remap_c *rc)
{
	kfree(rc->md.buf);
	kfree(rc->md.sb_buf);
	kfree(rc->md.tail);
}
