/* SPDX-License-Identifier: GPL-2.0 */
/*
 * meta_image.h - a test helper that builds dm-remap spare images in memory
 * the way the kernel module writes them: format (seq 1 in slot B, slot A
 * zero, geometry from dmr_compute_geometry), then commits that append
 * entries and write the superblock to slot seq % 2.  It does not use
 * dmr_meta.c, so a mistake there is not mirrored here.
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
/* one commit appending n entries for logical blocks (data blocks filled too) */
void mi_commit(struct meta_image *im, const uint64_t *logical, size_t n);
/* rewrite a slot's superblock after changing it, with a correct checksum */
void mi_write_sb(struct meta_image *im, int slot, const struct dmr_superblock *sb);
/* a copy of what is in a slot */
void mi_read_sb(const struct meta_image *im, int slot, struct dmr_superblock *sb);
/* byte offset of entry i */
size_t mi_entry_offset(uint64_t i);
/* the image in an unlinked temporary file, size bytes of it (0: all) */
int mi_fd(const struct meta_image *im, size_t size);
/* write it to path; 0 or -1 */
int mi_save(const struct meta_image *im, const char *path);
void mi_free(struct meta_image *im);

#endif
