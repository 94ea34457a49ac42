// SPDX-License-Identifier: GPL-2.0
/*
 * The metadata fuzzer's variants (tests/fuzz/metafuzz_gen.c) replayed in
 * user space against dmremap-meta's checker: the seeds of the VM case
 * (tests/vm/cases/70-meta-fuzz.sh) and more.  Each variant is read with
 * the main device the generator bound it to; a variant whose mutation
 * alone decides the verdict (expect load / refuse) must get it, and none
 * may make the reader fail or crash.  The kernel's side of the same seeds
 * runs in the VM.
 */
#define _GNU_SOURCE
#include <endian.h>
#include <inttypes.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "dmr_meta.h"
#include "metafuzz_gen.h"
#include "unit.h"

/* what the VM case uses (70-meta-fuzz.sh: 64 MiB main, 1 MiB spare) */
static const struct mf_params params = {
	.main_sectors = 131072, .main_lbs = 512, .main_pbs = 512, .spare_sectors = 2048,
};

#define SEEDS 3000

static void metafuzz_replay(void **state)
{
	struct dmr_main_dev main_dev = {
		.sectors = params.main_sectors, .lbs = params.main_lbs, .pbs = params.main_pbs,
		.id_known = true,
	};
	unsigned int count[3] = { 0, 0, 0 }, failed = 0;

	(void)state;
	for (uint64_t seed = 1; seed <= SEEDS; seed++) {
		struct mf_variant v;
		struct dmr_meta m;
		char err[256] = "";
		int fd, verdict;
		bool loads;

		assert_int_equal(mf_make(seed, &params, &v), 0);
		fd = mi_fd(&v.im, v.size ? v.size : 1);
		assert_true(fd >= 0);
		if (!v.size)
			assert_int_equal(ftruncate(fd, 0), 0);
		if (dmr_meta_read(fd, &m, err, sizeof(err))) {
			print_message("# seed %" PRIu64 ": read failed: %s (%s)\n", seed, err, v.desc);
			failed++;
		} else {
			assert_int_equal(dmr_meta_check_main(&m, &main_dev), 0);
			verdict = dmr_meta_verdict(&m);
			loads = verdict != DMR_CHECK_INCONSISTENT;
			count[v.expect]++;
			if ((v.expect == MF_LOAD && !loads) || (v.expect == MF_REFUSE && loads)) {
				print_message("# seed %" PRIu64 ": expected %s, check says %d (%s)\n",
					      seed, mf_expect_name(v.expect), verdict, v.desc);
				for (size_t i = 0; i < m.nr_problems; i++)
					print_message("#   %s: %s\n",
						      dmr_severity_name(m.problems[i].severity),
						      m.problems[i].msg);
				failed++;
			}
		}
		dmr_meta_free(&m);
		close(fd);
		mf_free(&v);
	}
	print_message("# %d variants: %u any, %u load, %u refuse\n", SEEDS, count[MF_ANY],
		      count[MF_LOAD], count[MF_REFUSE]);
	/* the generator must produce every kind */
	assert_true(count[MF_LOAD] > SEEDS / 20 && count[MF_REFUSE] > SEEDS / 20);
	assert_int_equal(failed, 0);
}

/* a seed is a replay: the same bytes every time */
static void metafuzz_deterministic(void **state)
{
	struct mf_variant a, b;

	(void)state;
	for (uint64_t seed = 1; seed <= 50; seed++) {
		assert_int_equal(mf_make(seed, &params, &a), 0);
		assert_int_equal(mf_make(seed, &params, &b), 0);
		assert_int_equal(a.size, b.size);
		assert_memory_equal(a.im.buf, b.im.buf, a.size ? a.size : 1);
		assert_string_equal(a.desc, b.desc);
		mf_free(&a);
		mf_free(&b);
	}
}

static int verdict_of(const struct meta_image *im)
{
	struct dmr_meta m;
	char err[256];
	int fd = mi_fd(im, 0), v;

	assert_true(fd >= 0);
	assert_int_equal(dmr_meta_read(fd, &m, err, sizeof(err)), 0);
	close(fd);
	v = dmr_meta_verdict(&m);
	dmr_meta_free(&m);
	return v;
}

static void set_entry_seq(struct meta_image *im, int copy, uint64_t i, uint32_t seq)
{
	struct dmr_entry *e = (struct dmr_entry *)(im->buf + mi_entry_offset(im, copy, i));

	e->seq = htole32(seq);
	e->csum = htole32(dmr_entry_csum(im->sb.uuid, i, le64toh(e->logical), seq));
}

/* the rules issue 17 added, one by one, with checksums that match */
static void meta_rules_on_meaning(void **state)
{
	const uint64_t logical[] = { 10, 20, 10 };
	struct meta_image im;
	struct dmr_superblock sb;

	(void)state;
	mi_format(&im, 2048, 4096, 131072, NULL);
	mi_commit(&im, logical, 3);
	assert_int_equal(verdict_of(&im), DMR_CHECK_CONSISTENT);	/* 10 twice: legal */

	/* an entry newer than the superblock in one copy: taken from the other */
	set_entry_seq(&im, 0, 1, (uint32_t)im.seq + 1);
	assert_int_equal(verdict_of(&im), DMR_CHECK_DEGRADED);
	/* ... in both: lost */
	set_entry_seq(&im, 1, 1, (uint32_t)im.seq + 1);
	assert_int_equal(verdict_of(&im), DMR_CHECK_INCONSISTENT);
	set_entry_seq(&im, 0, 1, (uint32_t)im.seq);
	set_entry_seq(&im, 1, 1, (uint32_t)im.seq);
	assert_int_equal(verdict_of(&im), DMR_CHECK_CONSISTENT);

	/* seq 0 */
	mi_read_sb(&im, 0, &sb);
	sb.seq = 0;
	mi_write_sb(&im, 0, &sb);
	mi_write_sb(&im, 1, &sb);
	assert_int_equal(verdict_of(&im), DMR_CHECK_INCONSISTENT);
	sb.seq = htole64(im.seq);
	mi_write_sb(&im, 0, &sb);
	mi_write_sb(&im, 1, &sb);

	/* the other slot disagrees on a field fixed at format time */
	sb.main_physical_block_size = htole32(512);
	mi_write_sb(&im, 1, &sb);
	assert_int_equal(verdict_of(&im), DMR_CHECK_INCONSISTENT);
	mi_write_sb(&im, 1, &im.sb);

	/* the current slot (B, higher seq) has fewer entries than the older one */
	mi_read_sb(&im, 1, &sb);
	sb.seq = htole64(im.seq + 1);
	sb.nr_entries = htole64(1);
	mi_write_sb(&im, 1, &sb);
	assert_int_equal(verdict_of(&im), DMR_CHECK_INCONSISTENT);
	mi_write_sb(&im, 1, &im.sb);
	assert_int_equal(verdict_of(&im), DMR_CHECK_CONSISTENT);

	/* a spare_sectors whose bytes overflow 64 bits: the largest pool, no wrap */
	{
		struct dmr_geometry g;

		assert_int_equal(dmr_compute_geometry(UINT64_MAX, 4096, &g), 0);
		assert_int_equal(g.pool_blocks, DMR_MAX_POOL_BLOCKS);
		assert_int_equal(dmr_compute_geometry(1ULL << 60, 512, &g), 0);
		assert_int_equal(g.pool_blocks, DMR_MAX_POOL_BLOCKS);
	}
	mi_free(&im);
}

static const struct CMUnitTest tests[] = {
	cmocka_unit_test(meta_rules_on_meaning),
	cmocka_unit_test(metafuzz_replay),
	cmocka_unit_test(metafuzz_deterministic),
};

UNIT_GROUP(metafuzz_tests, tests);
