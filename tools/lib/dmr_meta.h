/* SPDX-License-Identifier: GPL-2.0 */
/*
 * dmr_meta.h - read and validate dm-remap on-disk metadata (the format of
 * module/dm-remap-format.h) from a file descriptor: a spare block device or
 * an image file.  Plain user space, no module needed.
 *
 *	struct dmr_meta m;
 *	char err[256];
 *
 *	if (dmr_meta_read(fd, &m, err, sizeof(err)) < 0)
 *		-> I/O error, err says which read failed
 *	m.state			formatted / unformatted / not dm-remap metadata
 *	m.slot[0..1]		both superblock slots, valid or why not
 *	m.sb			the current superblock (when formatted)
 *	m.entries[0..nr)	the table entries below nr_entries, each taken
 *				from the table copy that holds a good one
 *	m.problems		every finding of the check, with a severity
 *	dmr_meta_free(&m);
 *
 * The rules mirror the kernel's: a slot is valid when its CRC-32C, magic
 * and version are right; the valid slot with the higher seq is current
 * (slot A on a tie).  An unreadable metadata block is a finding, not an
 * I/O error: the other copy may hold what it held.
 */
#ifndef DMREMAP_DMR_META_H
#define DMREMAP_DMR_META_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/*
 * The format header uses the kernel's __packed; tools/Makefile and
 * tests/unit/Makefile define it, this covers any other build.
 */
#ifndef __packed
#define __packed __attribute__((packed))
#endif
#include "../../module/dm-remap-format.h"

/* what the metadata area holds */
enum dmr_meta_state {
	DMR_META_FORMATTED,	/* a valid superblock slot exists */
	DMR_META_UNFORMATTED,	/* no valid slot, probe blocks all zero */
	DMR_META_FOREIGN,	/* no valid slot, something else there */
};

enum dmr_severity {
	DMR_SEV_INFO,		/* worth knowing, consistent (e.g. superseded entries) */
	DMR_SEV_WARNING,	/* unusual, not something the kernel rejects */
	DMR_SEV_DAMAGE,		/* one copy damaged, the other good: repairable */
	DMR_SEV_ERROR,		/* inconsistent: check fails */
};

/* a superblock decoded to host byte order */
struct dmr_sb {
	uint32_t csum;
	uint32_t flags;
	uint64_t magic;
	uint32_t version;
	uint32_t block_size;
	uint64_t seq;
	uint8_t uuid[16];
	uint64_t main_sectors;
	uint32_t main_logical_block_size;
	uint32_t main_physical_block_size;
	uint8_t main_id[DMR_MAIN_ID_LEN];
	uint64_t spare_sectors;
	uint64_t table_blocks;
	uint64_t pool_start;
	uint64_t pool_blocks;
	uint64_t nr_entries;
	uint64_t format_time;
	uint64_t commit_time;
};

/* why a slot is not valid */
enum dmr_slot_status {
	DMR_SLOT_VALID,
	DMR_SLOT_ZERO,		/* all zeroes: never written */
	DMR_SLOT_BEYOND_END,	/* the device is shorter than the slot */
	DMR_SLOT_BAD_CSUM,
	DMR_SLOT_BAD_MAGIC,
	DMR_SLOT_BAD_VERSION,
	DMR_SLOT_UNREADABLE,	/* the read failed (read_errno) */
};

struct dmr_slot {
	enum dmr_slot_status status;
	int read_errno;			/* when unreadable */
	uint32_t csum_computed;		/* with the csum field zeroed */
	bool magic_ok;			/* magic matches, whatever else is wrong */
	bool tail_nonzero;		/* bytes after the struct are not zero */
	struct dmr_sb sb;		/* decoded even when invalid */
};

/* the letter of superblock slot or table copy i (0, 1): 'A', 'B' */
static inline char dmr_copy_letter(int i)
{
	return (char)('A' + i);
}

#define DMR_NOT_SUPERSEDED UINT64_MAX

/*
 * An entry whose logical is all ones maps nothing: the kernel retired its
 * spare block because writing it failed (REMAP_RETIRED in
 * module/dm-remap.h; not in dm-remap-format.h yet).
 */
#ifdef DMR_LOGICAL_RETIRED
#define DMR_META_RETIRED DMR_LOGICAL_RETIRED
#else
#define DMR_META_RETIRED UINT64_MAX
#endif

struct dmr_meta_entry {
	uint64_t logical;
	uint32_t seq;
	uint32_t csum;
	uint32_t csum_computed;
	bool csum_ok;
	bool retired;			/* logical == DMR_META_RETIRED: maps nothing */
	bool logical_ok;		/* logical < main blocks (or retired) */
	bool seq_ok;			/* not newer than the superblock's seq */
	bool readable;			/* its table block lies within the device */
	uint8_t bad_copies;		/* bit c: copy c (0 A, 1 B) unreadable, corrupt or stale */
	uint64_t superseded_by;		/* a later index for the same logical, or DMR_NOT_SUPERSEDED */
};

struct dmr_problem {
	enum dmr_severity severity;
	const char *code;		/* stable identifier, e.g. "entry_bad_csum" */
	int64_t index;			/* the entry concerned, or -1 */
	char msg[200];
};

struct dmr_meta {
	uint64_t dev_bytes;
	uint64_t dev_sectors;
	bool is_blockdev;

	struct dmr_slot slot[DMR_SB_SLOTS];
	int current;			/* slot index, -1 when none is valid */
	enum dmr_meta_state state;
	struct dmr_sb sb;		/* copy of the current slot's superblock */

	bool geometry_ok;		/* table/pool fields equal the computed ones */
	struct dmr_geometry geometry;	/* computed from spare_sectors, block_size */
	uint64_t block_sectors;		/* block_size / 512 */
	uint64_t main_blocks;		/* main_sectors / block_sectors */

	/* entries [0, nr_loaded): nr_entries, or fewer when nr_entries is absurd */
	uint64_t nr_loaded;
	struct dmr_meta_entry *entries;
	uint64_t nr_effective;		/* valid entries not superseded */
	uint64_t nr_superseded;
	uint64_t nr_retired;		/* entries that map nothing */

	struct dmr_problem *problems;
	size_t nr_problems, cap_problems;
	unsigned int nr_errors, nr_damage, nr_warnings, nr_infos;
};

/*
 * Read the metadata on fd and check it.  Returns 0 when it could be read
 * (whatever its state and problems), -errno on an I/O or memory error with
 * a one-line reason in err.  Call dmr_meta_free() in both cases.
 */
int dmr_meta_read(int fd, struct dmr_meta *m, char *err, size_t errlen);
void dmr_meta_free(struct dmr_meta *m);

/* the verdict of dmremap-meta check, its exit status */
#define DMR_CHECK_CONSISTENT	0
#define DMR_CHECK_INCONSISTENT	1	/* problems, or not dm-remap metadata */
#define DMR_CHECK_UNFORMATTED	3	/* no metadata: the module formats it */
#define DMR_CHECK_DEGRADED	4	/* consistent, a copy damaged (repairable) */
/*
 * The module uses a spare exactly when this is CONSISTENT, DEGRADED or
 * UNFORMATTED (it formats it), given the same main device and block size.
 */
int dmr_meta_verdict(const struct dmr_meta *m);

/* true when the metadata is formatted and no problem is an error */
bool dmr_meta_consistent(const struct dmr_meta *m);
/*
 * true when it is consistent but a copy is damaged (an unreadable or
 * corrupt superblock slot or table block): every remap is still readable
 * from the other copy, and the module's next commit rewrites the damage
 */
bool dmr_meta_degraded(const struct dmr_meta *m);

/* the main device a spare is checked against (dmremap-meta check --main) */
struct dmr_main_dev {
	uint64_t sectors;
	uint32_t lbs, pbs;		/* logical and physical block size */
	bool id_known;			/* id is the kernel's main_id of it */
	uint8_t id[DMR_MAIN_ID_LEN];	/* partition UUID, or zeroes */
};

/*
 * The binding rule of the module: formatted metadata whose recorded main
 * device (size, block sizes, main_id when id_known) is not d is an error.
 * 0, or -ENOMEM.
 */
int dmr_meta_check_main(struct dmr_meta *m, const struct dmr_main_dev *d);

/* decode a raw 4 KiB superblock block (no validation) */
void dmr_sb_decode(const void *block, struct dmr_sb *sb);
/* checksum of a raw superblock block: CRC-32C over 4 KiB, csum field as zero */
uint32_t dmr_sb_csum(const void *block);
/* checksum of entry index of the format uuid */
uint32_t dmr_entry_csum(const uint8_t uuid[16], uint64_t index, uint64_t logical, uint32_t seq);

/* spare sector of the data of spare block i */
static inline uint64_t dmr_spare_sector(const struct dmr_meta *m, uint64_t i)
{
	return m->sb.pool_start + i * m->block_sectors;
}

const char *dmr_meta_state_name(enum dmr_meta_state s);	/* "formatted", ... */
const char *dmr_slot_status_name(enum dmr_slot_status s);	/* "valid", "bad checksum", ... */
const char *dmr_severity_name(enum dmr_severity s);	/* "error", "damage", "warning", "info" */

/* "xxxxxxxx-xxxx-xxxx-xxxx-xxxxxxxxxxxx" into out[37] */
char *dmr_uuid_str(const uint8_t uuid[16], char out[37]);
/*
 * main_id for people: "" when all zero, the string when it is printable
 * ASCII padded with NULs, else "hex:" and the 40 bytes in hex.  out must
 * hold at least 2 * DMR_MAIN_ID_LEN + 5 bytes.  Returns out.
 */
char *dmr_main_id_str(const uint8_t id[DMR_MAIN_ID_LEN], char *out, size_t outlen);

#endif
