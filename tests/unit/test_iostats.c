// SPDX-License-Identifier: GPL-2.0
/* tools/lib/dmr_iostats_snap.c and the BPF side's slot function (bpf/iostats.h) */
#include <stdlib.h>
#include <string.h>

#include "unit.h"
#include "hist.h"
#include "dmr_iostats.h"
#include "dm_remap_events.h"

/* the BPF program's log2 agrees with tools/lib/hist.h (bcc's convention) */
static void iostats_slot_matches_hist(void **state)
{
	(void)state;
	for (unsigned int b = 0; b < 64; b++) {
		uint64_t v = 1ULL << b;
		uint64_t probes[3] = { v - 1, v, v + 1 };

		for (int k = 0; k < 3; k++) {
			unsigned int want = dmr_log2_slot(probes[k]);

			if (want > DMR_IOSTATS_SLOTS - 1)
				want = DMR_IOSTATS_SLOTS - 1;
			assert_int_equal(dmr_iostats_slot(probes[k]), want);
		}
	}
	assert_int_equal(dmr_iostats_slot(0), 0);
	assert_int_equal(dmr_iostats_slot(UINT64_MAX), DMR_IOSTATS_SLOTS - 1);
}

/* the counters of (dev, op) in s are these */
static void assert_io(const struct dmr_iostats_snap *s, uint32_t dev, uint32_t op,
		      uint64_t ios, uint64_t bytes, uint64_t errors, uint64_t remapped)
{
	const struct dmr_iostats_io *io = dmr_iostats_find_io(s, dev, op);

	assert_non_null(io);
	assert_int_equal(io->v.ios, ios);
	assert_int_equal(io->v.bytes, bytes);
	assert_int_equal(io->v.errors, errors);
	assert_int_equal(io->v.remapped, remapped);
}

static struct dmr_iostats_snap mk(uint64_t ts, uint64_t ios_r0, uint64_t slot5_r0,
				  int with_r1)
{
	struct dmr_iostats_snap s = { 0 };

	s.ts_ns = ts;
	s.nr_io = with_r1 ? 2 : 1;
	s.io = calloc(2, sizeof(*s.io));
	s.nr_lat = with_r1 ? 3 : 2;
	s.lat = calloc(3, sizeof(*s.lat));
	s.nr_md = 1;
	s.md = calloc(1, sizeof(*s.md));
	/* deliberately unsorted */
	if (with_r1) {
		s.io[1] = (struct dmr_iostats_io){ .dev = 0x0fd00001, .op = 0,
			.v = { .ios = 7, .bytes = 7 * 4096 } };
		s.lat[2] = (struct dmr_iostats_lat){ .dev = 0x0fd00001, .op = 0,
			.path = DM_REMAP_PATH_MAIN };
		s.lat[2].v.slots[3] = 7;
		s.lat[2].v.count = 7;
	}
	s.io[0] = (struct dmr_iostats_io){ .dev = 0x0fd00000, .op = DM_REMAP_OP_WRITE,
		.v = { .ios = ios_r0, .bytes = ios_r0 * 4096, .errors = 1, .remapped = 2 } };
	s.lat[1] = (struct dmr_iostats_lat){ .dev = 0x0fd00000, .op = DM_REMAP_OP_WRITE,
		.path = DM_REMAP_PATH_SPARE };
	s.lat[1].v.slots[5] = slot5_r0;
	s.lat[1].v.count = slot5_r0;
	s.lat[1].v.sum_ns = slot5_r0 * 40;
	s.lat[0] = (struct dmr_iostats_lat){ .dev = 0x0fd00000, .op = DM_REMAP_OP_WRITE,
		.path = DM_REMAP_PATH_MAIN };
	s.lat[0].v.slots[2] = 1;
	s.lat[0].v.count = 1;
	s.md[0].dev = 0x0fd00000;
	s.md[0].v.count = ios_r0;
	s.md[0].v.slots[20] = ios_r0;
	dmr_iostats_snap_sort(&s);
	return s;
}

static void iostats_sort_and_find(void **state)
{
	struct dmr_iostats_snap s = mk(1000, 10, 4, 1);
	const struct dmr_iostats_lat *l;
	uint32_t devs[4];

	(void)state;
	assert_int_equal(s.lat[0].dev, 0x0fd00000);
	assert_int_equal(s.lat[0].path, DM_REMAP_PATH_MAIN);
	assert_int_equal(s.lat[1].path, DM_REMAP_PATH_SPARE);
	assert_int_equal(s.lat[2].dev, 0x0fd00001);
	l = dmr_iostats_find_lat(&s, 0x0fd00000, DM_REMAP_OP_WRITE, DM_REMAP_PATH_SPARE);
	assert_non_null(l);
	assert_int_equal(l->v.slots[5], 4);
	assert_null(dmr_iostats_find_lat(&s, 0x0fd00000, DM_REMAP_OP_READ, DM_REMAP_PATH_SPARE));
	assert_non_null(dmr_iostats_find_io(&s, 0x0fd00001, 0));
	assert_non_null(dmr_iostats_find_md(&s, 0x0fd00000));
	assert_null(dmr_iostats_find_md(&s, 0x0fd00001));
	assert_int_equal(dmr_iostats_devs(&s, devs, 4), 2);
	assert_int_equal(devs[0], 0x0fd00000);
	assert_int_equal(devs[1], 0x0fd00001);
	assert_int_equal(dmr_iostats_devs(&s, devs, 1), 1);
	dmr_iostats_snap_free(&s);
	assert_null(s.lat);
}

static void iostats_delta(void **state)
{
	struct dmr_iostats_snap a = mk(1000, 10, 4, 0);
	struct dmr_iostats_snap b = mk(3000, 25, 9, 1);
	struct dmr_iostats_snap d = { 0 };
	const struct dmr_iostats_io *io;
	const struct dmr_iostats_lat *l;

	(void)state;
	assert_int_equal(dmr_iostats_snap_delta(&b, &a, &d), 0);
	assert_int_equal(d.interval_ns, 2000);
	assert_io(&d, 0x0fd00000, DM_REMAP_OP_WRITE, 15, 15 * 4096, 0, 0);
	l = dmr_iostats_find_lat(&d, 0x0fd00000, DM_REMAP_OP_WRITE, DM_REMAP_PATH_SPARE);
	assert_int_equal(l->v.slots[5], 5);
	assert_int_equal(l->v.count, 5);
	assert_int_equal(l->v.sum_ns, 200);
	/* idle entries stay, with zeroes */
	l = dmr_iostats_find_lat(&d, 0x0fd00000, DM_REMAP_OP_WRITE, DM_REMAP_PATH_MAIN);
	assert_non_null(l);
	assert_int_equal(l->v.count, 0);
	/* a new device counts from zero */
	io = dmr_iostats_find_io(&d, 0x0fd00001, 0);
	assert_int_equal(io->v.ios, 7);
	assert_int_equal(dmr_iostats_find_md(&d, 0x0fd00000)->v.slots[20], 15);
	dmr_iostats_snap_free(&d);

	/* counters that went backwards (entry recreated) are taken whole */
	assert_int_equal(dmr_iostats_snap_delta(&a, &b, &d), 0);
	assert_int_equal(dmr_iostats_find_io(&d, 0x0fd00000, DM_REMAP_OP_WRITE)->v.ios, 10);
	assert_int_equal(d.interval_ns, 0);
	dmr_iostats_snap_free(&d);

	/* no previous snapshot: a copy */
	assert_int_equal(dmr_iostats_snap_delta(&a, NULL, &d), 0);
	assert_int_equal(d.nr_lat, a.nr_lat);
	assert_true(d.lat != a.lat);
	dmr_iostats_snap_free(&d);
	dmr_iostats_snap_free(&a);
	dmr_iostats_snap_free(&b);
}

static void iostats_dev_sum(void **state)
{
	struct dmr_iostats_snap s = mk(1000, 10, 4, 1);
	struct dmr_iostats_ioval io;
	struct dmr_iostats_latval lat;

	(void)state;
	assert_true(dmr_iostats_dev_sum(&s, 0x0fd00000, &io, &lat));
	assert_int_equal(io.ios, 10);
	assert_int_equal(io.remapped, 2);
	assert_int_equal(lat.count, 5);
	assert_int_equal(lat.slots[2], 1);
	assert_int_equal(lat.slots[5], 4);
	assert_false(dmr_iostats_dev_sum(&s, 0x0fd00009, &io, NULL));
	assert_int_equal(io.ios, 0);
	dmr_iostats_snap_free(&s);
}

/*
 * The BPF map's per-path records, unsorted, become one latency entry each
 * and one counter entry per (dev, op): the paths summed, the spare path's
 * count as remapped.  Device 0 has reads and writes, device 1 reads, and
 * one (dev, op) only the spare path, so that merging across ops or
 * devices shows.  A key read twice (a restarted map walk) counts once.
 */
static void iostats_fill_from_paths(void **state)
{
	struct dmr_iostats_path rec[6] = {
		{ .dev = 0x0fd00001, .op = DM_REMAP_OP_READ, .path = DM_REMAP_PATH_MAIN,
		  .v = { .count = 3, .sum_ns = 300, .bytes = 3 * 4096, .errors = 1 } },
		{ .dev = 0x0fd00000, .op = DM_REMAP_OP_WRITE, .path = DM_REMAP_PATH_SPARE,
		  .v = { .count = 2, .sum_ns = 80, .bytes = 2 * 512, .errors = 1 } },
		{ .dev = 0x0fd00000, .op = DM_REMAP_OP_WRITE, .path = DM_REMAP_PATH_MAIN,
		  .v = { .count = 5, .sum_ns = 50, .bytes = 5 * 4096, .errors = 2 } },
		{ .dev = 0x0fd00000, .op = DM_REMAP_OP_READ, .path = DM_REMAP_PATH_SPARE,
		  .v = { .count = 4, .sum_ns = 40, .bytes = 4 * 4096 } },
		/* the same key as rec[0], read earlier: the larger count wins */
		{ .dev = 0x0fd00001, .op = DM_REMAP_OP_READ, .path = DM_REMAP_PATH_MAIN,
		  .v = { .count = 2, .sum_ns = 200, .bytes = 2 * 4096 } },
		{ .dev = 0x0fd00001, .op = DM_REMAP_OP_FLUSH, .path = DM_REMAP_PATH_MAIN,
		  .v = { .count = 1 } },
	};
	struct dmr_iostats_snap s = { 0 };
	const struct dmr_iostats_lat *l;

	(void)state;
	rec[1].v.slots[5] = 2;
	rec[2].v.slots[3] = 5;
	assert_int_equal(dmr_iostats_snap_fill(&s, rec, 6), 0);
	assert_int_equal(s.nr_lat, 5);
	assert_int_equal(s.nr_io, 4);
	for (size_t i = 1; i < s.nr_io; i++)
		assert_true(s.io[i - 1].dev < s.io[i].dev ||
			    (s.io[i - 1].dev == s.io[i].dev && s.io[i - 1].op < s.io[i].op));

	l = dmr_iostats_find_lat(&s, 0x0fd00000, DM_REMAP_OP_WRITE, DM_REMAP_PATH_SPARE);
	assert_non_null(l);
	assert_int_equal(l->v.count, 2);
	assert_int_equal(l->v.sum_ns, 80);
	assert_int_equal(l->v.slots[5], 2);
	l = dmr_iostats_find_lat(&s, 0x0fd00000, DM_REMAP_OP_WRITE, DM_REMAP_PATH_MAIN);
	assert_non_null(l);
	assert_int_equal(l->v.count, 5);
	assert_int_equal(l->v.sum_ns, 50);
	assert_int_equal(l->v.slots[3], 5);
	l = dmr_iostats_find_lat(&s, 0x0fd00001, DM_REMAP_OP_READ, DM_REMAP_PATH_MAIN);
	assert_non_null(l);
	assert_int_equal(l->v.count, 3);
	assert_int_equal(l->v.sum_ns, 300);

	assert_io(&s, 0x0fd00000, DM_REMAP_OP_WRITE, 7, 2 * 512 + 5 * 4096, 3, 2);
	/* only the spare path: every I/O remapped */
	assert_io(&s, 0x0fd00000, DM_REMAP_OP_READ, 4, 4 * 4096, 0, 4);
	assert_io(&s, 0x0fd00001, DM_REMAP_OP_READ, 3, 3 * 4096, 1, 0);
	assert_non_null(dmr_iostats_find_io(&s, 0x0fd00001, DM_REMAP_OP_FLUSH));
	assert_null(dmr_iostats_find_io(&s, 0x0fd00001, DM_REMAP_OP_WRITE));

	/* an empty map empties the tables */
	assert_int_equal(dmr_iostats_snap_fill(&s, rec, 0), 0);
	assert_int_equal(s.nr_lat, 0);
	assert_int_equal(s.nr_io, 0);
	dmr_iostats_snap_free(&s);
}

static const struct CMUnitTest tests[] = {
	cmocka_unit_test(iostats_slot_matches_hist),
	cmocka_unit_test(iostats_sort_and_find),
	cmocka_unit_test(iostats_delta),
	cmocka_unit_test(iostats_dev_sum),
	cmocka_unit_test(iostats_fill_from_paths),
};

UNIT_GROUP(iostats_tests, tests);
