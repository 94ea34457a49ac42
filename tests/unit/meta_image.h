/* SPDX-License-Identifier: GPL-2.0 */
/*
 * meta_image.h - a test helper that builds dm-remap spare images in memory
 * the way the kernel module writes them: format (seq 1 in both slots, the
 * geometry from dmr_compute_geometry), then commits that append entries
 * to both table copies and write the superblock to slot A, then slot B.
 * It does not use dmr_meta.c, so a mistake there is not mirrored here.
 */
#ifndef DMREMAP_META_IMAGE_H
#define DMREMAP_META_IMAGE_H

#include <stddef.h>
#include <stdint.h>

#include "dmr_meta.h"	/* the format header, with __packed defined */

struct meta_image {
	unsigned char *buf;
	size_t size;			/* bytes */
	uint32_t block_size;
	uint64_t seq;			/* of the last commit */
	uint64_t nr_entries;
	uint64_t now;			/* the clock for format_time/commit_time */
	struct dmr_superblock sb;	/* last one written, little-endian */
	struct dmr_geometry geo;
};

/* the fixed uuid, main id and times the helper uses */
#define MI_UUID "\x5e\x0c\x2a\x9f\x41\x6b\x4d\x2e\x9a\x13\x77\xc0\x1b\x8e\x3d\x52"
#define MI_MAIN_ID "4f68bce3-e8cd-4db1-96e7-fbcaf984b709"
#define MI_FORMAT_TIME 1767225600ULL	/* 2026-01-01 00:00:00 UTC */

/* format a spare of spare_sectors for a main of main_sectors */
void mi_format(struct meta_image *im, uint64_t spare_sectors, uint32_t block_size,
	       uint64_t main_sectors, const char *main_id);
/* the steps of a commit, in the order the module takes them */
#define MI_TABLE_A	(1U << 0)	/* the table block(s) of copy A */
#define MI_TABLE_B	(1U << 1)	/* ... of copy B */
#define MI_SLOT_A	(1U << 2)	/* the superblock into slot A */
#define MI_SLOT_B	(1U << 3)	/* ... into slot B */
#define MI_ALL		(MI_TABLE_A | MI_TABLE_B | MI_SLOT_A | MI_SLOT_B)

/* one commit appending n entries for logical blocks (data blocks filled too) */
void mi_commit(struct meta_image *im, const uint64_t *logical, size_t n);
/* only the steps given: a commit cut short, or one whose writes partly failed */
void mi_commit_steps(struct meta_image *im, const uint64_t *logical, size_t n,
		     unsigned int steps);
/* rewrite a slot's superblock after changing it, with a correct checksum */
void mi_write_sb(struct meta_image *im, int slot, const struct dmr_superblock *sb);
/* a copy of what is in a slot */
void mi_read_sb(const struct meta_image *im, int slot, struct dmr_superblock *sb);
/* byte offset of entry i in table copy (0: A, 1: B) */
size_t mi_entry_offset(const struct meta_image *im, int copy, uint64_t i);
/* byte offset of table block t of a copy */
size_t mi_table_offset(const struct meta_image *im, int copy, uint64_t t);
/* the image in an unlinked temporary file, size bytes of it (0: all) */
int mi_fd(const struct meta_image *im, size_t size);
/* write it to path; 0 or -1 */
int mi_save(const struct meta_image *im, const char *path);
void mi_free(struct meta_image *im);

/*
 * Make reads of the byte range [off, off + len) of any file fail with EIO,
 * like a bad sector (the unit test binary is linked with --wrap=pread);
 * mi_readable_again() heals them all.
 */
void mi_unreadable(uint64_t off, uint64_t len);
void mi_readable_again(void);

#endif
