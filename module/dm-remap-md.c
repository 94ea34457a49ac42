// SPDX-License-Identifier: GPL-2.0
/*
 * dm-remap: the on-disk metadata (format in dm-remap-format.h and
 * docs/on-disk-format.md).
 *
 * - remap_md_open(), from the constructor: find the current superblock,
 *   check that the spare belongs to this main device, or format a spare
 *   that reads as zeroes (or any unknown one when "format" was given).
 * - remap_md_load(), from the first preresume: read the superblock again,
 *   validate it exactly like the constructor did, and read the table into
 *   the in-memory map.  Done there and not in the constructor because
 *   during a table reload the old instance may still commit until it is
 *   suspended.
 * - remap_md_commit(), from the worker: append the staged entries.
 *
 * Everything is kept twice: two superblock slots with the same content
 * and two copies of the table.  Commit order: the data of new remaps is
 * already on the spare when the commit starts; the table block(s) holding
 * the new entries are written to copy A and copy B, then the superblock
 * to slot A with PREFLUSH|FUA (everything before it is durable first),
 * then to slot B with FUA.  A crash before slot A leaves the previous
 * commit in both slots; one between the two superblock writes leaves
 * slot A current; a torn slot fails its checksum and the other is used.
 * Entries past nr_entries are ignored, and each entry has its own
 * checksum, so the loader takes every entry from whichever copy holds a
 * good one.  A copy found damaged is reported and rewritten by the next
 * commit; a commit completes as long as one copy of each block it writes
 * is written (the failed one is retried by the next commit).
 */
#include "dm-remap.h"
#include "dm-remap-trace.h"

#include <linux/blkdev.h>
#include <linux/crc32.h>
#include <linux/crc32c.h>
#include <linux/highmem.h>
#include <linux/ktime.h>
#include <linux/random.h>
#include <linux/sched/mm.h>
#include <linux/slab.h>
#include <linux/string.h>
#include <linux/timekeeping.h>
#include <linux/vmalloc.h>

/* Table blocks read per I/O while loading: 1 MiB. */
#define REMAP_MD_LOAD_BLOCKS	256

/* What a superblock slot holds. */
enum md_slot_state {
	MD_SLOT_VALID,
	MD_SLOT_ZERO,		/* never written */
	MD_SLOT_UNREADABLE,
	MD_SLOT_NOT_OURS,	/* no dm-remap magic */
	MD_SLOT_BAD_CSUM,
	MD_SLOT_OLD_VERSION,	/* a valid superblock of format version 1 */
	MD_SLOT_NEW_VERSION,	/* a format this module does not know */
};

struct md_slot {
	enum md_slot_state state;
	int error;		/* of the read, when unreadable */
	u64 seq;		/* when valid */
};

/* Damaged table blocks named one by one in the kernel log per load. */
#define MD_MAX_REPORTED		16

static const char * const md_slot_names[] = {
	[MD_SLOT_VALID] = "valid",
	[MD_SLOT_ZERO] = "empty",
	[MD_SLOT_UNREADABLE] = "unreadable",
	[MD_SLOT_NOT_OURS] = "overwritten (no dm-remap magic)",
	[MD_SLOT_BAD_CSUM] = "corrupt (bad checksum)",
	[MD_SLOT_OLD_VERSION] = "of format version 1",
	[MD_SLOT_NEW_VERSION] = "of an unknown format version",
};

static const char *md_name(struct remap_c *rc)
{
	return dm_table_device_name(rc->ti->table);
}

static char copy_name(unsigned int copy)
{
	return 'A' + copy;
}

static int md_io(struct remap_c *rc, u64 md_block, void *buf, blk_opf_t opf)
{
	return remap_sync_io(rc, rc->spare_dev->bdev,
			     md_block * DMR_MD_BLOCK_SECTORS, buf,
			     DMR_MD_BLOCK_SIZE, opf);
}

/* CRC-32C of the whole block with the csum field as zero; BLOCK is untouched. */
static u32 sb_csum(const void *block)
{
	const size_t off = offsetof(struct dmr_superblock, csum);
	const size_t len = sizeof(((struct dmr_superblock *)NULL)->csum);
	const __le32 zero = 0;
	u32 csum;

	BUILD_BUG_ON(sizeof(zero) != len);
	csum = crc32c(DMR_CSUM_SEED, block, off);
	csum = crc32c(csum, &zero, len);
	return crc32c(csum, block + off + len, DMR_MD_BLOCK_SIZE - off - len);
}

/*
 * The checksum of an entry (struct dmr_entry_csum_input).  Its first
 * field, the uuid, is the same in every entry: its CRC is computed once
 * (md_set_uuid()) and the rest of the input continues it, which is the
 * same CRC-32C as over the whole input.  A load checks up to 2^22 entries:
 * __crc32c_le() is the library CRC-32C that crc32c() reaches through the
 * crypto API (crc32c-generic) or replaces with crc32c-intel; for 20 bytes
 * the API's descriptor and indirect calls cost more than the CRC itself.
 */
static u32 entry_csum(const struct remap_md *md, u64 index, u64 logical,
		      u32 seq)
{
	const size_t off = offsetof(struct dmr_entry_csum_input, index);
	struct dmr_entry_csum_input in;

	BUILD_BUG_ON(off != sizeof(in.uuid));
	in.index = cpu_to_le64(index);
	in.logical = cpu_to_le64(logical);
	in.seq = cpu_to_le32(seq);
	return __crc32c_le(md->uuid_csum, (u8 *)&in + off, sizeof(in) - off);
}

static void md_set_uuid(struct remap_md *md, const u8 *uuid)
{
	memcpy(md->uuid, uuid, sizeof(md->uuid));
	md->uuid_csum = crc32c(DMR_CSUM_SEED, md->uuid, sizeof(md->uuid));
}

static bool all_zero(const void *buf, size_t len)
{
	return !memchr_inv(buf, 0, len);
}

static enum md_slot_state sb_classify(const void *block)
{
	const struct dmr_superblock *sb = block;
	u32 version = le32_to_cpu(sb->version);

	if (le64_to_cpu(sb->magic) != DMR_MAGIC)
		return all_zero(block, DMR_MD_BLOCK_SIZE) ? MD_SLOT_ZERO :
							     MD_SLOT_NOT_OURS;
	if (le32_to_cpu(sb->csum) != sb_csum(block))
		return MD_SLOT_BAD_CSUM;
	if (version == 1)
		return MD_SLOT_OLD_VERSION;
	if (version != DMR_VERSION)
		return MD_SLOT_NEW_VERSION;
	return MD_SLOT_VALID;
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

static void sb_fill(struct remap_c *rc, void *block, u64 seq, u64 nr_entries)
{
	struct dmr_superblock *sb = block;
	struct remap_md *md = &rc->md;

	memset(block, 0, DMR_MD_BLOCK_SIZE);
	sb->magic = cpu_to_le64(DMR_MAGIC);
	sb->version = cpu_to_le32(DMR_VERSION);
	sb->block_size = cpu_to_le32(rc->args.block_size);
	sb->seq = cpu_to_le64(seq);
	memcpy(sb->uuid, md->uuid, sizeof(sb->uuid));
	sb->main_sectors = cpu_to_le64(md->main_sectors);
	sb->main_logical_block_size = cpu_to_le32(md->main_lbs);
	sb->main_physical_block_size = cpu_to_le32(md->main_pbs);
	memcpy(sb->main_id, md->main_id, DMR_MAIN_ID_LEN);
	sb->spare_sectors = cpu_to_le64(md->spare_sectors);
	sb->table_blocks = cpu_to_le64(md->geo.table_blocks);
	sb->pool_start = cpu_to_le64(md->geo.pool_start);
	sb->pool_blocks = cpu_to_le64(md->geo.pool_blocks);
	sb->nr_entries = cpu_to_le64(nr_entries);
	sb->format_time = cpu_to_le64(md->format_time);
	sb->commit_time = cpu_to_le64(ktime_get_real_seconds());
	sb->csum = cpu_to_le32(sb_csum(block));
}

static void sb_read_fields(struct remap_c *rc, const void *block)
{
	const struct dmr_superblock *sb = block;
	struct remap_md *md = &rc->md;

	WRITE_ONCE(md->seq, le64_to_cpu(sb->seq));
	md->last_seq = md->seq;
	md_set_uuid(md, sb->uuid);
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
 * The other slot, when valid too, must be an earlier state of the same
 * format: commits write the same superblock to both slots, so the fields
 * fixed at format time are equal and its table is no longer.  (Formatting
 * zeroes slot B first, so two formats never meet in the slots.)
 */
static int sb_validate_other(const void *block, const void *other, char **error)
{
	const struct dmr_superblock *c = block, *o = other;
	const size_t fixed = offsetof(struct dmr_superblock, nr_entries) -
			     offsetof(struct dmr_superblock, uuid);

	if (sb_classify(other) != MD_SLOT_VALID)
		return 0;
	/* uuid .. pool_blocks, and block_size and format_time */
	if (memcmp(c->uuid, o->uuid, fixed) || c->block_size != o->block_size ||
	    c->format_time != o->format_time) {
		*error = "Spare superblock slots disagree on the format (uuid, main device, block size or geometry)";
		return -EINVAL;
	}
	if (le64_to_cpu(o->nr_entries) > le64_to_cpu(c->nr_entries)) {
		*error = "Spare metadata is inconsistent (the older superblock slot has more entries)";
		return -EINVAL;
	}
	return 0;
}

/*
 * Every rule a superblock must pass before this table uses a field of it:
 * the same function in the constructor and again in preresume (a reload's
 * new table included).  OTHER is the other slot (or NULL), checked only
 * when valid.  After it, every product and shift of the geometry fits in
 * 64 bits: block_size is one of the table line's sizes, the geometry is
 * recomputed from spare_sectors (pool at most DMR_MAX_POOL_BLOCKS), and
 * nr_entries is at most pool_blocks.  docs/on-disk-format.md lists the
 * rules; dmremap-meta check applies the same ones.
 */
static int sb_validate(struct remap_c *rc, const void *block,
		       const void *other, char **error)
{
	const struct dmr_superblock *sb = block;
	u64 main_sectors, spare_sectors, pool_blocks, nr_entries;
	struct dmr_geometry geo;
	u8 id[DMR_MAIN_ID_LEN];
	u64 sectors;
	u32 lbs, pbs;
	int r;

	if (sb_classify(block) != MD_SLOT_VALID) {
		*error = "Spare superblock is not valid (magic, version or checksum)";
		return -EINVAL;
	}
	if (!le64_to_cpu(sb->seq)) {
		*error = "Spare metadata is inconsistent (seq 0)";
		return -EINVAL;
	}
	if (other) {
		r = sb_validate_other(block, other, error);
		if (r)
			return r;
	}
	main_sectors = le64_to_cpu(sb->main_sectors);
	main_identity(rc, &sectors, &lbs, &pbs, id);
	if (sectors != main_sectors ||
	    lbs != le32_to_cpu(sb->main_logical_block_size) ||
	    pbs != le32_to_cpu(sb->main_physical_block_size) ||
	    memcmp(id, sb->main_id, DMR_MAIN_ID_LEN)) {
		*error = "Spare belongs to another main device (size or identity differ)";
		return -EINVAL;
	}
	/* rc->args.block_size: a power of two in 512..65536 (parse_args) */
	if (le32_to_cpu(sb->block_size) != rc->args.block_size) {
		*error = "block_size differs from the one the spare was formatted with";
		return -EINVAL;
	}
	spare_sectors = le64_to_cpu(sb->spare_sectors);
	pool_blocks = le64_to_cpu(sb->pool_blocks);
	nr_entries = le64_to_cpu(sb->nr_entries);
	if (dmr_compute_geometry(spare_sectors, rc->args.block_size, &geo) ||
	    geo.table_blocks != le64_to_cpu(sb->table_blocks) ||
	    geo.pool_start != le64_to_cpu(sb->pool_start) ||
	    geo.pool_blocks != pool_blocks || nr_entries > pool_blocks) {
		*error = "Spare metadata is inconsistent (geometry)";
		return -EINVAL;
	}
	if (bdev_nr_sectors(rc->spare_dev->bdev) <
	    geo.pool_start + (geo.pool_blocks << rc->block_shift)) {
		*error = "Spare device is smaller than its metadata says";
		return -EINVAL;
	}
	return 0;
}

/*
 * Reads both superblock slots and leaves the current one (the valid slot
 * with the higher seq; slot A on a tie) in md->sb_buf.  An unreadable
 * slot is one more invalid slot.  Returns the current slot, or -1.
 */
static int sb_read_slots(struct remap_c *rc, struct md_slot *slot)
{
	struct remap_md *md = &rc->md;
	void *buf[DMR_SB_SLOTS] = { md->buf, md->buf_b };
	int i, cur = -1;

	for (i = 0; i < DMR_SB_SLOTS; i++) {
		const struct dmr_superblock *sb = buf[i];

		memset(&slot[i], 0, sizeof(slot[i]));
		slot[i].error = md_io(rc, i, buf[i], REQ_OP_READ);
		if (slot[i].error) {
			slot[i].state = MD_SLOT_UNREADABLE;
			memset(buf[i], 0, DMR_MD_BLOCK_SIZE);
			continue;
		}
		slot[i].state = sb_classify(buf[i]);
		if (slot[i].state != MD_SLOT_VALID)
			continue;
		slot[i].seq = le64_to_cpu(sb->seq);
		if (cur < 0 || slot[i].seq > slot[cur].seq)
			cur = i;
	}
	/* md->buf and md->buf_b keep both slots for sb_validate() */
	if (cur >= 0)
		memcpy(md->sb_buf, buf[cur], DMR_MD_BLOCK_SIZE);
	return cur;
}

/* Says which superblock slot is damaged or behind; commits write both. */
static void sb_report_slots(struct remap_c *rc, const struct md_slot *slot, int cur)
{
	int i;

	for (i = 0; i < DMR_SB_SLOTS; i++) {
		const struct md_slot *s = &slot[i];

		if (i == cur)
			continue;
		if (s->state == MD_SLOT_UNREADABLE)
			DMWARN("%s: superblock slot %c (metadata block %d) of %s is unreadable (error %d); slot %c is used, the next commit rewrites it",
			       md_name(rc), copy_name(i), i, rc->spare_dev->name,
			       s->error, copy_name(cur));
		else if (s->state != MD_SLOT_VALID)
			/* a valid slot of another format: refused by sb_validate() */
			DMWARN("%s: superblock slot %c (metadata block %d) of %s is %s; slot %c is used, the next commit rewrites it",
			       md_name(rc), copy_name(i), i, rc->spare_dev->name,
			       md_slot_names[s->state], copy_name(cur));
		else if (s->seq != slot[cur].seq)
			DMINFO("%s: superblock slot %c of %s is behind (seq %llu, slot %c has %llu): a commit was cut short; the next commit rewrites it",
			       md_name(rc), copy_name(i), rc->spare_dev->name,
			       s->seq, copy_name(cur), slot[cur].seq);
	}
}

/* Slot A with PREFLUSH|FUA, then slot B with FUA; 0 when one was written. */
static int sb_write_both(struct remap_c *rc)
{
	blk_opf_t opf = REQ_OP_WRITE | REQ_PREFLUSH | REQ_FUA;
	int i, r, ok = 0, err = 0;

	for (i = 0; i < DMR_SB_SLOTS; i++) {
		r = md_io(rc, i, rc->md.sb_buf, opf);
		if (!r) {
			ok++;
			/* What came before is durable: slot B needs FUA only. */
			opf &= ~REQ_PREFLUSH;
			continue;
		}
		err = r;
		DMERR_LIMIT("%s: cannot write superblock slot %c (metadata block %d) of %s: error %d",
			    md_name(rc), copy_name(i), i, rc->spare_dev->name, r);
	}
	return ok ? 0 : err;
}

/* ------------------------------------------------------------ repairs */

/* Remembers that MD_BLOCK must be rewritten with DATA by the next commit. */
static void repair_remember(struct remap_c *rc, u64 md_block, const void *data)
{
	struct remap_md *md = &rc->md;
	struct remap_md_repair *rep;
	unsigned int i;

	for (i = 0; i < md->nr_repair; i++) {
		if (md->repair[i].md_block == md_block) {
			memcpy(md->repair[i].data, data, DMR_MD_BLOCK_SIZE);
			return;
		}
	}
	if (md->nr_repair == REMAP_MD_MAX_REPAIRS) {
		DMWARN_LIMIT("%s: more than %d damaged metadata blocks: metadata block %llu is repaired only after a reload",
			     md_name(rc), REMAP_MD_MAX_REPAIRS, md_block);
		return;
	}
	rep = &md->repair[md->nr_repair];
	rep->data = kmalloc(DMR_MD_BLOCK_SIZE, GFP_NOIO);
	if (!rep->data)
		return;		/* found again, and repaired, after a reload */
	rep->md_block = md_block;
	memcpy(rep->data, data, DMR_MD_BLOCK_SIZE);
	md->nr_repair++;
}

static void repair_drop(struct remap_md *md, unsigned int i)
{
	kfree(md->repair[i].data);
	md->repair[i] = md->repair[--md->nr_repair];
}

/*
 * Rewrites the remembered damaged blocks, except those of table blocks
 * [first_t, last_t] that this commit writes anyway with newer content.
 * Ordered before the superblock like the commit's own table writes.
 */
static void repair_write(struct remap_c *rc, u64 first_t, u64 last_t)
{
	struct remap_md *md = &rc->md;
	unsigned int i = 0;
	int copy, r;

	while (i < md->nr_repair) {
		u64 blk = md->repair[i].md_block;
		bool rewritten = false;

		for (copy = 0; copy < DMR_TABLE_COPIES; copy++)
			if (blk >= dmr_table_md_block(&md->geo, copy, first_t) &&
			    blk <= dmr_table_md_block(&md->geo, copy, last_t))
				rewritten = true;
		if (rewritten) {
			repair_drop(md, i);
			continue;
		}
		r = md_io(rc, blk, md->repair[i].data, REQ_OP_WRITE);
		if (r) {
			DMERR_LIMIT("%s: cannot rewrite damaged metadata block %llu of %s: error %d",
				    md_name(rc), blk, rc->spare_dev->name, r);
			i++;
			continue;
		}
		DMINFO("%s: rewrote damaged metadata block %llu of %s",
		       md_name(rc), blk, rc->spare_dev->name);
		repair_drop(md, i);
	}
}

/* Writes table block T to both copies; 0 when at least one was written. */
static int table_write(struct remap_c *rc, u64 t, void *data)
{
	struct remap_md *md = &rc->md;
	unsigned int copy;
	int r, ok = 0, err = 0;

	for (copy = 0; copy < DMR_TABLE_COPIES; copy++) {
		u64 blk = dmr_table_md_block(&md->geo, copy, t);

		r = md_io(rc, blk, data, REQ_OP_WRITE);
		if (!r) {
			ok++;
			continue;
		}
		err = r;
		DMERR_LIMIT("%s: cannot write table copy %c block %llu (metadata block %llu) of %s: error %d",
			    md_name(rc), copy_name(copy), t, blk,
			    rc->spare_dev->name, r);
		repair_remember(rc, blk, data);
	}
	return ok ? 0 : err;
}

/* ------------------------------------------------------------- format */

static int md_format(struct remap_c *rc, char **error)
{
	struct remap_md *md = &rc->md;
	u64 spare_sectors = bdev_nr_sectors(rc->spare_dev->bdev);
	u8 uuid[sizeof(md->uuid)];
	int r, copy;

	if (dmr_compute_geometry(spare_sectors, rc->args.block_size, &md->geo)) {
		*error = "Spare device too small for the metadata and one spare block";
		return -EINVAL;
	}
	get_random_bytes(uuid, sizeof(uuid));
	md_set_uuid(md, uuid);
	main_identity(rc, &md->main_sectors, &md->main_lbs, &md->main_pbs,
		      md->main_id);
	md->spare_sectors = spare_sectors;
	md->format_time = ktime_get_real_seconds();
	md->nr_entries = 0;
	md->next_free = 0;
	md->seq = 1;
	md->last_seq = 1;

	/*
	 * Slot B and the first table blocks first hold nothing valid, so that
	 * a crash before slot A is written leaves no slot of an earlier
	 * format next to the new one; slot A's preflush orders them first.
	 */
	memset(md->buf, 0, DMR_MD_BLOCK_SIZE);
	r = md_io(rc, 1, md->buf, REQ_OP_WRITE);
	for (copy = 0; copy < DMR_TABLE_COPIES && !r; copy++)
		r = md_io(rc, dmr_table_md_block(&md->geo, copy, 0), md->buf,
			  REQ_OP_WRITE);
	if (!r) {
		sb_fill(rc, md->sb_buf, md->seq, 0);
		r = md_io(rc, 0, md->sb_buf, REQ_OP_WRITE | REQ_PREFLUSH | REQ_FUA);
	}
	if (!r)
		r = md_io(rc, 1, md->sb_buf, REQ_OP_WRITE | REQ_FUA);
	if (r) {
		*error = "Cannot write the spare's metadata";
		return r;
	}
	DMINFO("%s: formatted spare %s: %llu spare blocks of %u bytes",
	       md_name(rc), rc->spare_dev->name, md->geo.pool_blocks,
	       rc->args.block_size);
	return 0;
}

/* No valid slot: why the spare cannot be used, or 0 when it may be formatted. */
static int md_refuse_unknown(struct remap_c *rc, const struct md_slot *slot,
			     char **error)
{
	struct remap_md *md = &rc->md;
	int i, r;

	for (i = 0; i < DMR_SB_SLOTS; i++) {
		switch (slot[i].state) {
		case MD_SLOT_UNREADABLE:
			*error = "Cannot read the spare's metadata: no superblock slot is readable and valid";
			return slot[i].error;
		case MD_SLOT_OLD_VERSION:
			/* Even with "format": its remapped data lives on the spare. */
			*error = "Spare metadata format version 1 is not supported; copy the data off with the old module, then zero the spare's first 12 KiB";
			return -EINVAL;
		case MD_SLOT_NEW_VERSION:
			*error = "Spare metadata has a newer format version than this module reads";
			return -EINVAL;
		default:
			break;
		}
	}
	if (rc->args.allow_format)
		return 0;
	if (slot[0].state == MD_SLOT_BAD_CSUM || slot[1].state == MD_SLOT_BAD_CSUM) {
		*error = "Spare holds damaged dm-remap metadata (no valid superblock); add the 'format' option to overwrite it";
		return -EINVAL;
	}
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
	return 0;
}

int remap_md_open(struct remap_c *rc, char **error)
{
	struct md_slot slot[DMR_SB_SLOTS];
	struct remap_md *md = &rc->md;
	int r, cur;

	md->buf = kmalloc(DMR_MD_BLOCK_SIZE, GFP_KERNEL);
	md->buf_b = kmalloc(DMR_MD_BLOCK_SIZE, GFP_KERNEL);
	md->sb_buf = kmalloc(DMR_MD_BLOCK_SIZE, GFP_KERNEL);
	md->tail = kzalloc(DMR_MD_BLOCK_SIZE, GFP_KERNEL);
	if (!md->buf || !md->buf_b || !md->sb_buf || !md->tail) {
		*error = "Cannot allocate metadata buffers";
		return -ENOMEM;
	}

	cur = sb_read_slots(rc, slot);
	if (cur >= 0) {
		r = sb_validate(rc, md->sb_buf, cur ? md->buf : md->buf_b, error);
		if (!r)
			sb_read_fields(rc, md->sb_buf);
		return r;
	}
	r = md_refuse_unknown(rc, slot, error);
	return r ? r : md_format(rc, error);
}

/* ---------------------------------------------------------------- load */

/*
 * An entry is good in a copy when its checksum matches, it maps a block of
 * the main device (or nothing: retired), and its commit is not newer than
 * the superblock's (entries carry the low 32 bits of the seq: compared
 * while the superblock's seq fits in 32 bits).  Its spare block is its
 * index, below nr_entries <= pool_blocks: never in the metadata area.  A
 * later entry for the same logical block replaces an earlier one.
 */
static bool entry_ok(struct remap_c *rc, const struct dmr_entry *e, u64 index)
{
	u64 logical = le64_to_cpu(e->logical);
	u32 seq = le32_to_cpu(e->seq);

	return le32_to_cpu(e->csum) == entry_csum(&rc->md, index, logical, seq) &&
	       (logical == DMR_LOGICAL_RETIRED ||
		logical < (rc->md.main_sectors >> rc->block_shift)) &&
	       (rc->md.seq > U32_MAX || seq <= rc->md.seq);
}

/*
 * Reads table block T from both copies and merges them entry by entry
 * into md->tail: an entry good in one copy only is taken from it, one
 * good in both but different (a copy a failed write left behind) from the
 * later commit.  Puts the entries into the map; a damaged copy is
 * reported and remembered for repair.  Fails when an entry is good in
 * neither copy.
 */
static int table_load_block(struct remap_c *rc, u64 t,
			    struct dmr_entry **copy, const int *err,
			    unsigned int *reported)
{
	struct remap_md *md = &rc->md;
	struct dmr_entry *out = md->tail;
	unsigned int bad[DMR_TABLE_COPIES] = { 0, 0 };
	unsigned int j, c, n;
	bool same;

	n = min_t(u64, DMR_ENTRIES_PER_BLOCK, md->nr_entries - t * DMR_ENTRIES_PER_BLOCK);
	/*
	 * Both copies read and their entries in use byte for byte equal (the
	 * normal case): an entry of copy B is then good exactly when the same
	 * entry of copy A is (same bytes, same index, same rules), so each
	 * entry is checked once, in copy A.  Every entry is still checked.
	 */
	same = !err[0] && !err[1] && !memcmp(copy[0], copy[1], n * sizeof(*out));
	memset(out, 0, DMR_MD_BLOCK_SIZE);
	for (j = 0; j < n; j++) {
		u64 i = t * DMR_ENTRIES_PER_BLOCK + j, logical;
		bool ok[DMR_TABLE_COPIES];

		ok[0] = !err[0] && entry_ok(rc, &copy[0][j], i);
		ok[1] = same ? ok[0] : !err[1] && entry_ok(rc, &copy[1][j], i);
		if (!same && ok[0] && ok[1] &&
		    memcmp(&copy[0][j], &copy[1][j], sizeof(*out))) {
			s32 newer = le32_to_cpu(copy[1][j].seq) -
				    le32_to_cpu(copy[0][j].seq);

			ok[newer > 0 ? 0 : 1] = false;
		}
		if (!ok[0] && !ok[1]) {
			DMERR("%s: remap table entry %llu is corrupt or unreadable in both copies on %s",
			      md_name(rc), i, rc->spare_dev->name);
			return -EIO;
		}
		for (c = 0; c < DMR_TABLE_COPIES; c++)
			bad[c] += !err[c] && !ok[c];
		out[j] = ok[0] ? copy[0][j] : copy[1][j];

		logical = le64_to_cpu(out[j].logical);
		if (logical == DMR_LOGICAL_RETIRED)
			continue;
		remap_index_load_add(&rc->remaps, logical, i);
	}
	for (c = 0; c < DMR_TABLE_COPIES; c++) {
		u64 blk = dmr_table_md_block(&md->geo, c, t);

		if (err[c] || bad[c])
			repair_remember(rc, blk, out);
		if ((err[c] || bad[c]) && ++*reported > MD_MAX_REPORTED)
			continue;
		if (err[c])
			DMWARN("%s: table copy %c block %llu (metadata block %llu) of %s is unreadable (error %d): entries taken from copy %c; the next commit rewrites it",
			       md_name(rc), copy_name(c), t, blk, rc->spare_dev->name,
			       err[c], copy_name(!c));
		else if (bad[c])
			DMWARN("%s: table copy %c block %llu (metadata block %llu) of %s has %u corrupt entries: taken from copy %c; the next commit rewrites it",
			       md_name(rc), copy_name(c), t, blk, rc->spare_dev->name,
			       bad[c], copy_name(!c));
	}
	return 0;
}

/*
 * Reads table blocks [T, T + N) of copy C into BUF (vmalloc'ed) with large
 * reads; a block of a read that fails is read again alone, so that ERR[j]
 * is the error of block T + j only.
 */
static void table_read_window(struct remap_c *rc, unsigned int c, u64 t,
			      unsigned int n, void *buf, int *err)
{
	u64 blk = dmr_table_md_block(&rc->md.geo, c, t);
	struct bio *bio;
	unsigned int j;
	int r;

	bio = bio_alloc_bioset(rc->spare_dev->bdev, n, REQ_OP_READ, GFP_NOIO,
			       &rc->bs);
	bio->bi_iter.bi_sector = blk * DMR_MD_BLOCK_SECTORS;
	for (j = 0; j < n; j++) {
		void *p = buf + j * DMR_MD_BLOCK_SIZE;

		if (bio_add_page(bio, vmalloc_to_page(p), DMR_MD_BLOCK_SIZE,
				 offset_in_page(p)) != DMR_MD_BLOCK_SIZE)
			break;
	}
	r = j < n ? -EIO : submit_bio_wait(bio);
	bio_put(bio);
	invalidate_kernel_vmap_range(buf, n * DMR_MD_BLOCK_SIZE);
	for (j = 0; j < n; j++) {
		err[j] = r ? md_io(rc, blk + j, rc->md.buf, REQ_OP_READ) : 0;
		if (r && !err[j])
			memcpy(buf + j * DMR_MD_BLOCK_SIZE, rc->md.buf,
			       DMR_MD_BLOCK_SIZE);
	}
}

/* Reads every table block, both copies, REMAP_MD_LOAD_BLOCKS at a time. */
static int table_load(struct remap_c *rc, unsigned int *reported)
{
	struct remap_md *md = &rc->md;
	u64 nr_t = DIV_ROUND_UP(md->nr_entries, DMR_ENTRIES_PER_BLOCK), t;
	void *win[DMR_TABLE_COPIES] = { NULL, NULL };
	int *err[DMR_TABLE_COPIES] = { NULL, NULL };
	unsigned int c, j, n;
	s64 nr;
	int r = -ENOMEM;

	BUILD_BUG_ON(DMR_MD_BLOCK_SIZE > PAGE_SIZE);
	for (c = 0; c < DMR_TABLE_COPIES; c++) {
		win[c] = vmalloc(REMAP_MD_LOAD_BLOCKS * DMR_MD_BLOCK_SIZE);
		err[c] = kmalloc_array(REMAP_MD_LOAD_BLOCKS, sizeof(int),
				       GFP_KERNEL);
		if (!win[c] || !err[c])
			goto out;
	}
	r = remap_index_load_begin(&rc->remaps, md->nr_entries);
	if (r)
		goto out;
	for (t = 0; t < nr_t && !r; t += n) {
		n = min_t(u64, REMAP_MD_LOAD_BLOCKS, nr_t - t);
		for (c = 0; c < DMR_TABLE_COPIES; c++)
			table_read_window(rc, c, t, n, win[c], err[c]);
		for (j = 0; j < n && !r; j++) {
			struct dmr_entry *copy[DMR_TABLE_COPIES];
			int e[DMR_TABLE_COPIES];

			for (c = 0; c < DMR_TABLE_COPIES; c++) {
				copy[c] = win[c] + j * DMR_MD_BLOCK_SIZE;
				e[c] = err[c][j];
			}
			r = table_load_block(rc, t + j, copy, e, reported);
		}
	}
	if (r) {
		remap_index_load_abort(&rc->remaps);
		goto out;
	}
	nr = remap_index_load_end(&rc->remaps);
	if (nr < 0) {
		r = nr;
		goto out;
	}
	atomic64_set(&rc->nr_remapped, nr);
out:
	for (c = 0; c < DMR_TABLE_COPIES; c++) {
		vfree(win[c]);
		kfree(err[c]);
	}
	return r;
}

static int md_load(struct remap_c *rc)
{
	struct md_slot slot[DMR_SB_SLOTS];
	struct remap_md *md = &rc->md;
	unsigned int reported = 0;
	char *error;
	int cur, r;

	/* The previous owner (a reloaded table) may have committed since ctr. */
	cur = sb_read_slots(rc, slot);
	if (cur < 0) {
		DMERR("%s: no valid superblock on %s any more",
		      md_name(rc), rc->spare_dev->name);
		return -EIO;
	}
	r = sb_validate(rc, md->sb_buf, cur ? md->buf : md->buf_b, &error);
	if (r) {
		DMERR("%s: %s", md_name(rc), error);
		return r;
	}
	if (memcmp(((struct dmr_superblock *)md->sb_buf)->uuid, md->uuid,
		   sizeof(md->uuid))) {
		DMERR("%s: the spare %s was formatted again since the table was loaded",
		      md_name(rc), rc->spare_dev->name);
		return -EIO;
	}
	sb_read_fields(rc, md->sb_buf);
	sb_report_slots(rc, slot, cur);

	r = table_load(rc, &reported);
	if (r)
		return r;
	if (reported > MD_MAX_REPORTED)
		DMWARN("%s: %u damaged table blocks on %s in all, %u of them named above",
		       md_name(rc), reported, rc->spare_dev->name, MD_MAX_REPORTED);
	/* md->tail holds the block of entry nr_entries: the next commit's. */
	if (!(md->nr_entries % DMR_ENTRIES_PER_BLOCK))
		memset(md->tail, 0, DMR_MD_BLOCK_SIZE);
	rc->md_loaded = true;
	return 0;
}

/* Reads the table: every committed entry goes into the in-memory map. */
int remap_md_load(struct remap_c *rc)
{
	unsigned int noio;
	int r;

	/* The device is suspended: no allocation may wait for its I/O. */
	noio = memalloc_noio_save();
	r = md_load(rc);
	memalloc_noio_restore(noio);
	return r;
}

/* -------------------------------------------------------------- commit */

/*
 * Appends the staged entries [nr_entries, next_free) and commits them.
 * Called by the worker only.  md->seq changes only once the commit has
 * completed: it is what the status shows.
 */
int remap_md_commit(struct remap_c *rc)
{
	struct remap_md *md = &rc->md;
	u64 first = md->nr_entries, last = md->next_free - 1, i, blk;
	u64 first_t = first / DMR_ENTRIES_PER_BLOCK;
	u64 last_t = last / DMR_ENTRIES_PER_BLOCK;
	u64 start = ktime_get_ns();
	u64 seq;
	u32 seq32;
	int r = 0;

	/* Never reused, even after a failed commit: see table_load_block(). */
	seq = ++md->last_seq;
	seq32 = lower_32_bits(seq);
	repair_write(rc, first_t, last_t);
	for (blk = first_t; blk <= last_t && !r; blk++) {
		struct dmr_entry *entries = md->buf;

		if (blk == first_t)
			memcpy(md->buf, md->tail, DMR_MD_BLOCK_SIZE);
		else
			memset(md->buf, 0, DMR_MD_BLOCK_SIZE);
		for (i = max(first, blk * DMR_ENTRIES_PER_BLOCK);
		     i <= last && i < (blk + 1) * DMR_ENTRIES_PER_BLOCK; i++) {
			struct dmr_entry *e = &entries[i % DMR_ENTRIES_PER_BLOCK];
			u64 logical = md->staged[i - first];

			e->logical = cpu_to_le64(logical);
			e->seq = cpu_to_le32(seq32);
			e->csum = cpu_to_le32(entry_csum(md, i, logical, seq32));
		}
		r = table_write(rc, blk, md->buf);
	}
	if (!r) {
		sb_fill(rc, md->sb_buf, seq, md->next_free);
		r = sb_write_both(rc);
	}
	trace_dm_remap_md_commit(rc->devt, seq, last - first + 1,
				 ktime_get_ns() - start, r);
	if (r)
		return r;
	md->nr_entries = md->next_free;
	WRITE_ONCE(md->seq, seq);
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
	struct remap_md *md = &rc->md;

	while (md->nr_repair)
		repair_drop(md, 0);
	kfree(md->buf);
	kfree(md->buf_b);
	kfree(md->sb_buf);
	kfree(md->tail);
}
