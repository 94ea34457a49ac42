// SPDX-License-Identifier: GPL-2.0
/*
 * dmr_meta_build.c - write a formatted spare holding a remap table of
 * distinct random blocks (see dmr_meta_build.h).
 */
#define _GNU_SOURCE
#include <endian.h>
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <linux/fs.h>

#include "dmr_meta_build.h"

static int fail(char *err, size_t errlen, int e, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(err, errlen, fmt, ap);
	va_end(ap);
	return -e;
}

/* splitmix64: a reproducible sequence from the seed */
static uint64_t next_rand(uint64_t *s)
{
	uint64_t z = (*s += 0x9e3779b97f4a7c15ULL);

	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
	return z ^ (z >> 31);
}

static int cmp_u64(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;

	return x < y ? -1 : x > y;
}

/* N distinct blocks below MAX, in random order. */
static int pick_blocks(uint64_t *out, uint64_t n, uint64_t max, uint64_t seed)
{
	uint64_t have = 0, i, j, s = seed;

	while (have < n) {
		for (i = have; i < n; i++)
			out[i] = next_rand(&s) % max;
		qsort(out, n, sizeof(*out), cmp_u64);
		for (i = 0, j = 0; i < n; i++)
			if (!j || out[i] != out[j - 1])
				out[j++] = out[i];
		have = j;
	}
	for (i = n; i > 1; i--) {
		uint64_t k = next_rand(&s) % i, t = out[i - 1];

		out[i - 1] = out[k];
		out[k] = t;
	}
	return 0;
}

static int write_all(int fd, const void *buf, size_t len, uint64_t off)
{
	while (len) {
		ssize_t w = pwrite(fd, buf, len, (off_t)off);

		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0)
			return w < 0 ? -errno : -EIO;
		buf = (const char *)buf + w;
		len -= (size_t)w;
		off += (uint64_t)w;
	}
	return 0;
}

static int spare_bytes(int fd, uint64_t *bytes)
{
	struct stat st;

	if (fstat(fd, &st))
		return -errno;
	if (S_ISBLK(st.st_mode))
		return ioctl(fd, BLKGETSIZE64, bytes) ? -errno : 0;
	*bytes = (uint64_t)st.st_size;
	return 0;
}

static void sb_encode(void *block, const struct dmr_build *b, const uint8_t uuid[16],
		      uint64_t spare_sectors, const struct dmr_geometry *g, uint64_t now)
{
	struct dmr_superblock *d = block;

	memset(block, 0, DMR_MD_BLOCK_SIZE);
	d->magic = htole64(DMR_MAGIC);
	d->version = htole32(DMR_VERSION);
	d->block_size = htole32(b->block_size);
	d->seq = htole64(1);
	memcpy(d->uuid, uuid, 16);
	d->main_sectors = htole64(b->main_sectors);
	d->main_logical_block_size = htole32(b->main_lbs);
	d->main_physical_block_size = htole32(b->main_pbs);
	memcpy(d->main_id, b->main_id, DMR_MAIN_ID_LEN);
	d->spare_sectors = htole64(spare_sectors);
	d->table_blocks = htole64(g->table_blocks);
	d->pool_start = htole64(g->pool_start);
	d->pool_blocks = htole64(g->pool_blocks);
	d->nr_entries = htole64(b->nr_remaps);
	d->format_time = htole64(now);
	d->commit_time = htole64(now);
	d->csum = htole32(dmr_sb_csum(block));
}

static int write_table(int fd, const struct dmr_build *b, const struct dmr_geometry *g,
		       const uint8_t uuid[16], const uint64_t *blocks)
{
	size_t len = (size_t)g->table_blocks * DMR_MD_BLOCK_SIZE;
	struct dmr_entry *t = calloc(1, len ? len : 1);
	unsigned int c;
	int ret = 0;

	if (!t)
		return -ENOMEM;
	for (uint64_t i = 0; i < b->nr_remaps; i++) {
		t[i].logical = htole64(blocks[i]);
		t[i].seq = htole32(1);
		t[i].csum = htole32(dmr_entry_csum(uuid, i, blocks[i], 1));
	}
	for (c = 0; c < DMR_TABLE_COPIES && !ret; c++)
		ret = write_all(fd, t, len, dmr_table_md_block(g, c, 0) * DMR_MD_BLOCK_SIZE);
	free(t);
	return ret;
}

static int write_stamps(int fd, const struct dmr_build *b, const struct dmr_geometry *g,
			const uint64_t *blocks)
{
	unsigned char *buf = calloc(1, b->block_size);
	int ret = 0;

	if (!buf)
		return -ENOMEM;
	memcpy(buf, DMR_STAMP_MAGIC, 8);
	for (uint64_t i = 0; i < b->nr_remaps && !ret; i++) {
		uint64_t le = htole64(blocks[i]);

		memcpy(buf + 8, &le, sizeof(le));
		ret = write_all(fd, buf, b->block_size,
				(g->pool_start + i * (b->block_size / 512)) * 512);
	}
	free(buf);
	return ret;
}

int dmr_meta_build(int fd, const struct dmr_build *b, char *err, size_t errlen)
{
	unsigned char sb[DMR_MD_BLOCK_SIZE];
	uint64_t bytes, main_blocks, s, *blocks;
	struct dmr_geometry g;
	uint8_t uuid[16];
	unsigned int i;
	int ret;

	if (b->block_size < 512 || b->block_size > 65536 ||
	    (b->block_size & (b->block_size - 1)))
		return fail(err, errlen, EINVAL, "block size %u is not a power of two in [512, 65536]",
			    b->block_size);
	ret = spare_bytes(fd, &bytes);
	if (ret)
		return fail(err, errlen, -ret, "cannot size the spare: %s", strerror(-ret));
	if (dmr_compute_geometry(bytes / 512, b->block_size, &g))
		return fail(err, errlen, ENOSPC, "the spare (%llu bytes) is too small for any pool",
			    (unsigned long long)bytes);
	if (b->nr_remaps > g.pool_blocks)
		return fail(err, errlen, ENOSPC, "%llu remaps do not fit the pool of %llu blocks",
			    (unsigned long long)b->nr_remaps, (unsigned long long)g.pool_blocks);
	main_blocks = b->main_sectors / (b->block_size / 512);
	if (b->nr_remaps > main_blocks)
		return fail(err, errlen, EINVAL, "%llu remaps but the main device has %llu blocks",
			    (unsigned long long)b->nr_remaps, (unsigned long long)main_blocks);

	blocks = malloc((b->nr_remaps ? b->nr_remaps : 1) * sizeof(*blocks));
	if (!blocks)
		return fail(err, errlen, ENOMEM, "out of memory for %llu blocks",
			    (unsigned long long)b->nr_remaps);
	pick_blocks(blocks, b->nr_remaps, main_blocks, b->seed);
	s = b->seed ^ 0x5555555555555555ULL;
	for (i = 0; i < 16; i += 8) {
		uint64_t r = next_rand(&s);

		memcpy(uuid + i, &r, 8);
	}
	uuid[6] = (uuid[6] & 0x0f) | 0x40;	/* version 4, variant 1 */
	uuid[8] = (uuid[8] & 0x3f) | 0x80;

	ret = write_table(fd, b, &g, uuid, blocks);
	if (!ret && b->stamp)
		ret = write_stamps(fd, b, &g, blocks);
	if (!ret) {
		/* Superblocks last: the table is in place when they say so. */
		sb_encode(sb, b, uuid, bytes / 512, &g, (uint64_t)time(NULL));
		for (i = 0; i < DMR_SB_SLOTS && !ret; i++)
			ret = write_all(fd, sb, sizeof(sb), (uint64_t)i * DMR_MD_BLOCK_SIZE);
	}
	if (!ret && fsync(fd))
		ret = -errno;
	free(blocks);
	if (ret)
		return fail(err, errlen, -ret, "writing the spare: %s", strerror(-ret));
	return 0;
}
