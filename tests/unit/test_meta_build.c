// SPDX-License-Identifier: GPL-2.0
/* dmr_meta_build (dmremap-meta build): what it writes, read back by dmr_meta */
#define _GNU_SOURCE
#include <endian.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/mman.h>

#include "unit.h"
#include "dmr_meta.h"
#include "dmr_meta_build.h"

#define SPARE_BYTES (8u << 20)		/* pool of 2030 blocks of 4 KiB */

static int build_image(const struct dmr_build *b, char *err, size_t errlen)
{
	int fd = memfd_create("spare", 0);

	assert_true(fd >= 0);
	assert_int_equal(ftruncate(fd, SPARE_BYTES), 0);
	if (dmr_meta_build(fd, b, err, errlen)) {
		close(fd);
		return -1;
	}
	return fd;
}

static int cmp_u64(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;

	return x < y ? -1 : x > y;
}

static void build_reads_back(void **state)
{
	struct dmr_build b = {
		.nr_remaps = 2000, .seed = 5, .block_size = 4096,
		.main_sectors = 1ULL << 35, .main_lbs = 512, .main_pbs = 4096,
		.stamp = true,
	};
	struct dmr_meta m, m2;
	char err[256] = "";
	uint64_t *logical;
	unsigned char blk[16];
	int fd, fd2;

	(void)state;
	memcpy(b.main_id, "0f1e2d3c-aaaa-bbbb-cccc-0123456789ab", 36);
	fd = build_image(&b, err, sizeof(err));
	assert_true(fd >= 0);
	assert_int_equal(dmr_meta_read(fd, &m, err, sizeof(err)), 0);
	assert_true(dmr_meta_consistent(&m));
	assert_false(dmr_meta_degraded(&m));
	assert_int_equal(m.nr_problems, 0);
	assert_int_equal(m.sb.nr_entries, 2000);
	assert_int_equal(m.nr_effective, 2000);
	assert_int_equal(m.sb.main_sectors, 1ULL << 35);
	assert_int_equal(m.sb.main_physical_block_size, 4096);
	assert_memory_equal(m.sb.main_id, b.main_id, DMR_MAIN_ID_LEN);
	assert_int_equal(m.slot[0].status, DMR_SLOT_VALID);
	assert_int_equal(m.slot[1].status, DMR_SLOT_VALID);

	/* distinct, within main, each stamped in its own spare block */
	logical = malloc(2000 * sizeof(*logical));
	assert_non_null(logical);
	for (uint64_t i = 0; i < 2000; i++) {
		uint64_t le;

		logical[i] = m.entries[i].logical;
		assert_true(logical[i] < m.main_blocks);
		assert_int_equal(pread(fd, blk, sizeof(blk), (off_t)dmr_spare_sector(&m, i) * 512),
				 sizeof(blk));
		assert_memory_equal(blk, DMR_STAMP_MAGIC, 8);
		memcpy(&le, blk + 8, 8);
		assert_int_equal(le64toh(le), logical[i]);
	}
	qsort(logical, 2000, sizeof(*logical), cmp_u64);
	for (int i = 1; i < 2000; i++)
		assert_true(logical[i] > logical[i - 1]);
	/* spread over the device, not clustered at its start */
	assert_true(logical[1999] > m.main_blocks / 2);
	assert_true(logical[0] < m.main_blocks / 2);

	/* the same seed builds the same table */
	fd2 = build_image(&b, err, sizeof(err));
	assert_true(fd2 >= 0);
	assert_int_equal(dmr_meta_read(fd2, &m2, err, sizeof(err)), 0);
	for (uint64_t i = 0; i < 2000; i++)
		assert_int_equal(m2.entries[i].logical, m.entries[i].logical);
	free(logical);
	dmr_meta_free(&m);
	dmr_meta_free(&m2);
	close(fd);
	close(fd2);
}

static void build_refuses(void **state)
{
	struct dmr_build b = {
		.nr_remaps = 5000, .block_size = 4096,
		.main_sectors = 1ULL << 35, .main_lbs = 512, .main_pbs = 512,
	};
	char err[256] = "";

	(void)state;
	assert_int_equal(build_image(&b, err, sizeof(err)), -1);
	assert_non_null(strstr(err, "do not fit the pool"));
	b.nr_remaps = 10;
	b.main_sectors = 8 * 5;		/* 5 blocks */
	assert_int_equal(build_image(&b, err, sizeof(err)), -1);
	assert_non_null(strstr(err, "main device has 5 blocks"));
	b.main_sectors = 1ULL << 35;
	b.block_size = 3000;
	assert_int_equal(build_image(&b, err, sizeof(err)), -1);
	assert_non_null(strstr(err, "power of two"));
}

static const struct CMUnitTest tests[] = {
	cmocka_unit_test(build_reads_back),
	cmocka_unit_test(build_refuses),
};

UNIT_GROUP(meta_build_tests, tests);
