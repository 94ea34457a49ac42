// SPDX-License-Identifier: GPL-2.0
#define _GNU_SOURCE
#include <endian.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <errno.h>
#include <sys/types.h>

#include "crc32c.h"
#include "meta_image.h"

/* ------------------------------------------------- unreadable byte ranges */

#define MI_MAX_BAD 8

static struct {
	uint64_t off, len;
} mi_bad[MI_MAX_BAD];
static int mi_nr_bad;

ssize_t __real_pread(int fd, void *buf, size_t count, off_t offset);
ssize_t __wrap_pread(int fd, void *buf, size_t count, off_t offset);

ssize_t __wrap_pread(int fd, void *buf, size_t count, off_t offset)
{
	for (int i = 0; i < mi_nr_bad; i++)
		if ((uint64_t)offset < mi_bad[i].off + mi_bad[i].len &&
		    mi_bad[i].off < (uint64_t)offset + count) {
			errno = EIO;
			return -1;
		}
	return __real_pread(fd, buf, count, offset);
}

void mi_unreadable(uint64_t off, uint64_t len)
{
	if (mi_nr_bad == MI_MAX_BAD)
		abort();
	mi_bad[mi_nr_bad].off = off;
	mi_bad[mi_nr_bad].len = len;
	mi_nr_bad++;
}

void mi_readable_again(void)
{
	mi_nr_bad = 0;
}

static void sb_csum(unsigned char *block)
{
	struct dmr_superblock *sb = (struct dmr_superblock *)block;

	sb->csum = 0;
	sb->csum = htole32(dmr_crc32c(0xffffffffU, block, DMR_MD_BLOCK_SIZE));
}

void mi_write_sb(struct meta_image *im, int slot, const struct dmr_superblock *sb)
{
	unsigned char *block = im->buf + (size_t)slot * DMR_MD_BLOCK_SIZE;

	memset(block, 0, DMR_MD_BLOCK_SIZE);
	memcpy(block, sb, sizeof(*sb));
	sb_csum(block);
}

void mi_read_sb(const struct meta_image *im, int slot, struct dmr_superblock *sb)
{
	memcpy(sb, im->buf + (size_t)slot * DMR_MD_BLOCK_SIZE, sizeof(*sb));
}

size_t mi_table_offset(const struct meta_image *im, int copy, uint64_t t)
{
	return (size_t)(DMR_TABLE_START + (uint64_t)copy * im->geo.table_blocks + t) *
	       DMR_MD_BLOCK_SIZE;
}

size_t mi_entry_offset(const struct meta_image *im, int copy, uint64_t i)
{
	return mi_table_offset(im, copy, i / DMR_ENTRIES_PER_BLOCK) +
	       (size_t)(i % DMR_ENTRIES_PER_BLOCK) * DMR_ENTRY_SIZE;
}

void mi_format(struct meta_image *im, uint64_t spare_sectors, uint32_t block_size,
	       uint64_t main_sectors, const char *main_id)
{
	struct dmr_superblock *sb = &im->sb;

	memset(im, 0, sizeof(*im));
	im->size = (size_t)spare_sectors * 512;
	im->buf = calloc(1, im->size);
	im->block_size = block_size;
	im->now = MI_FORMAT_TIME;
	if (!im->buf || dmr_compute_geometry(spare_sectors, block_size, &im->geo))
		abort();
	sb->flags = 0;
	sb->magic = htole64(DMR_MAGIC);
	sb->version = htole32(DMR_VERSION);
	sb->block_size = htole32(block_size);
	sb->seq = htole64(1);
	memcpy(sb->uuid, MI_UUID, 16);
	sb->main_sectors = htole64(main_sectors);
	sb->main_logical_block_size = htole32(512);
	sb->main_physical_block_size = htole32(4096);
	if (main_id)
		memcpy(sb->main_id, main_id, strnlen(main_id, DMR_MAIN_ID_LEN));
	sb->spare_sectors = htole64(spare_sectors);
	sb->table_blocks = htole64(im->geo.table_blocks);
	sb->pool_start = htole64(im->geo.pool_start);
	sb->pool_blocks = htole64(im->geo.pool_blocks);
	sb->nr_entries = 0;
	sb->format_time = htole64(im->now);
	sb->commit_time = htole64(im->now);
	im->seq = 1;
	/* the table stays zero; seq 1 goes to both slots */
	mi_write_sb(im, 0, sb);
	mi_write_sb(im, 1, sb);
}

void mi_commit(struct meta_image *im, const uint64_t *logical, size_t n)
{
	mi_commit_steps(im, logical, n, MI_ALL);
}

void mi_commit_steps(struct meta_image *im, const uint64_t *logical, size_t n,
		     unsigned int steps)
{
	uint64_t seq = im->seq + 1, bs = im->block_size / 512;

	for (size_t k = 0; k < n; k++) {
		uint64_t i = im->nr_entries + k;
		struct dmr_entry_csum_input in;
		struct dmr_entry e;
		size_t data = (size_t)(im->geo.pool_start + i * bs) * 512;

		/* 1. the data block in the pool */
		memset(im->buf + data, (int)(0xa0 + (logical[k] & 0xf)), im->block_size);
		/* 2. the table entry */
		memcpy(in.uuid, im->sb.uuid, 16);
		in.index = htole64(i);
		in.logical = htole64(logical[k]);
		in.seq = htole32((uint32_t)seq);
		e.logical = htole64(logical[k]);
		e.seq = htole32((uint32_t)seq);
		e.csum = htole32(dmr_crc32c(0xffffffffU, &in, sizeof(in)));
		for (int c = 0; c < 2; c++)
			if (steps & (c ? MI_TABLE_B : MI_TABLE_A))
				memcpy(im->buf + mi_entry_offset(im, c, i), &e, sizeof(e));
	}
	/* 3. the superblock, into slot A, then slot B */
	im->nr_entries += n;
	im->seq = seq;
	im->now += 60;
	im->sb.seq = htole64(seq);
	im->sb.nr_entries = htole64(im->nr_entries);
	im->sb.commit_time = htole64(im->now);
	if (steps & MI_SLOT_A)
		mi_write_sb(im, 0, &im->sb);
	if (steps & MI_SLOT_B)
		mi_write_sb(im, 1, &im->sb);
}

int mi_fd(const struct meta_image *im, size_t size)
{
	FILE *f = tmpfile();
	int fd;

	if (!f)
		return -1;
	fd = dup(fileno(f));
	fclose(f);
	if (fd < 0)
		return -1;
	if (!size || size > im->size)
		size = im->size;
	if (pwrite(fd, im->buf, size, 0) != (ssize_t)size) {
		close(fd);
		return -1;
	}
	return fd;
}

int mi_save(const struct meta_image *im, const char *path)
{
	int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0644);
	int ok;

	if (fd < 0)
		return -1;
	ok = write(fd, im->buf, im->size) == (ssize_t)im->size;
	return close(fd) == 0 && ok ? 0 : -1;
}

void mi_free(struct meta_image *im)
{
	free(im->buf);
	im->buf = NULL;
}
