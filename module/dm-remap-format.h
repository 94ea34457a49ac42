/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * dm-remap on-disk metadata format, version 2.
 *
 * One definition for the kernel module and the user-space tools
 * (dmremap-meta): only <linux/types.h> types, all fields little-endian.
 * docs/on-disk-format.md describes the format, its commit protocol and
 * the recovery rules.
 *
 * The spare device starts with the metadata area, in 4 KiB metadata
 * blocks; everything is kept twice, so that no single unreadable or
 * corrupt metadata block loses a remap:
 *
 *   block 0, 1            superblock slots A and B; every commit writes
 *                         both (A first), the valid one with the higher
 *                         seq is current
 *   block 2 ...           remap table, copy A: entry i describes spare block i
 *   block 2 + T ...       remap table, copy B, the same bytes
 *                         (T = table_blocks, the blocks of one copy)
 *   pool_start            the pool of spare blocks (block_size each)
 *
 * Spare blocks are handed out in order and never reused, so the table is
 * append-only: entries [0, nr_entries) are in use and the allocator's
 * state is nr_entries.  A later entry for the same logical block replaces
 * an earlier one (the earlier spare block is retired).  Each entry has
 * its own checksum, so a reader takes every entry from whichever copy
 * holds a valid one.
 *
 * Version 1 (one table copy, commits alternating between the slots) is
 * not read: its table is where version 2 keeps copy A, but its pool
 * starts where copy B now lies.
 *
 * Checksums are CRC-32C (Castagnoli) with initial value 0xffffffff and no
 * final inversion, i.e. the kernel's crc32c(~0, data, len).
 */
#ifndef DM_REMAP_FORMAT_H
#define DM_REMAP_FORMAT_H

#include <linux/types.h>

/* User space: the tools' build defines __packed as the kernel does. */

#define DMR_MAGIC		0x3150414d45524d44ULL	/* "DMREMAP1" */
#define DMR_VERSION		2
#define DMR_MD_BLOCK_SIZE	4096
#define DMR_MD_BLOCK_SECTORS	(DMR_MD_BLOCK_SIZE >> 9)
#define DMR_SB_SLOTS		2
#define DMR_TABLE_START		2	/* first table block of copy A */
#define DMR_TABLE_COPIES	2	/* copy A, then copy B */
#define DMR_ENTRY_SIZE		16
#define DMR_ENTRIES_PER_BLOCK	(DMR_MD_BLOCK_SIZE / DMR_ENTRY_SIZE)
/* Blocks that must read as zeroes for a spare to be formatted unasked. */
#define DMR_PROBE_BLOCKS	3
/* Upper bound of the pool: 2^22 blocks, two table copies of 64 MiB. */
#define DMR_MAX_POOL_BLOCKS	(1ULL << 22)
#define DMR_MAIN_ID_LEN		40
#define DMR_CSUM_SEED		0xffffffffU
/* The logical block of an entry whose spare block failed when written. */
#define DMR_LOGICAL_RETIRED	0xffffffffffffffffULL

/* Superblock flags */
#define DMR_SB_READ_ONLY	(1U << 0)	/* reserved: latched read-only */

struct dmr_superblock {
	__le32 csum;		/* over the whole 4 KiB block, csum = 0 */
	__le32 flags;
	__le64 magic;		/* DMR_MAGIC */
	__le32 version;		/* DMR_VERSION */
	__le32 block_size;	/* remap block, bytes */
	__le64 seq;		/* commit sequence number, only grows */
	__u8 uuid[16];		/* random, chosen at format time */

	/* The main device this spare belongs to, recorded at format time. */
	__le64 main_sectors;
	__le32 main_logical_block_size;
	__le32 main_physical_block_size;
	__u8 main_id[DMR_MAIN_ID_LEN];	/* partition UUID, or zeroes */

	/* Geometry of the spare. */
	__le64 spare_sectors;	/* spare size at format time */
	__le64 table_blocks;	/* metadata blocks of one table copy */
	__le64 pool_start;	/* first sector of the pool */
	__le64 pool_blocks;	/* spare blocks in the pool */

	/* State. */
	__le64 nr_entries;	/* table entries in use = spare blocks used */
	__le64 format_time;	/* seconds since the epoch */
	__le64 commit_time;	/* seconds since the epoch */
} __packed;

struct dmr_entry {
	__le64 logical;		/* logical block on the main device */
	__le32 seq;		/* low 32 bits of the commit that added it */
	__le32 csum;		/* see dmr_entry_csum_input */
} __packed;

/*
 * An entry's checksum covers the format's uuid and the entry's index, so
 * an entry left over from an earlier format, or written at the wrong
 * place, does not validate.
 */
struct dmr_entry_csum_input {
	__u8 uuid[16];
	__le64 index;
	__le64 logical;
	__le32 seq;
} __packed;

/* Geometry derived from the spare size and the block size. */
struct dmr_geometry {
	__u64 table_blocks;	/* of one copy */
	__u64 pool_start;	/* sectors */
	__u64 pool_blocks;
};

/*
 * The largest pool that fits: each table copy needs one entry per pool
 * block, and the pool starts block-aligned after copy B.  Returns 0 on
 * success, -1 when not even one pool block fits.
 */
static inline int dmr_compute_geometry(__u64 spare_sectors,
				       __u32 block_size,
				       struct dmr_geometry *g)
{
	__u64 block_sectors = block_size >> 9;
	__u64 pool, table, start;

	if (spare_sectors <
	    (__u64)(DMR_TABLE_START + DMR_TABLE_COPIES) * DMR_MD_BLOCK_SECTORS)
		return -1;
	/*
	 * First guess ignoring alignment, then shrink until it fits.  A size
	 * whose bytes overflow 64 bits (only a corrupt superblock has one)
	 * gets the largest pool, instead of one of a wrapped product.
	 */
	pool = spare_sectors - DMR_TABLE_START * DMR_MD_BLOCK_SECTORS;
	if (pool > DMR_MAX_POOL_BLOCKS * 128 * 2)
		pool = DMR_MAX_POOL_BLOCKS;
	else
		pool = pool * 512 /
		       (block_size + DMR_TABLE_COPIES * DMR_ENTRY_SIZE);
	if (pool > DMR_MAX_POOL_BLOCKS)
		pool = DMR_MAX_POOL_BLOCKS;
	for (; pool > 0; pool--) {
		table = (pool + DMR_ENTRIES_PER_BLOCK - 1) / DMR_ENTRIES_PER_BLOCK;
		start = (DMR_TABLE_START + DMR_TABLE_COPIES * table) *
			DMR_MD_BLOCK_SECTORS;
		start = (start + block_sectors - 1) / block_sectors * block_sectors;
		if (start + pool * block_sectors <= spare_sectors) {
			g->table_blocks = table;
			g->pool_start = start;
			g->pool_blocks = pool;
			return 0;
		}
	}
	return -1;
}

/* The metadata block holding table block T (0-based) of COPY (0: A, 1: B). */
static inline __u64 dmr_table_md_block(const struct dmr_geometry *g,
				       unsigned int copy, __u64 t)
{
	return DMR_TABLE_START + copy * g->table_blocks + t;
}

#endif /* DM_REMAP_FORMAT_H */
