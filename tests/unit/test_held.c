// SPDX-License-Identifier: GPL-2.0
/*
 * I/O held in dm core for a suspended remap device: from what
 * bpf/held.bpf.c saw to a stuck_io report (tools/trace/hang_held_judge.c),
 * including the paths the test kernels cannot reach (no bio issue time,
 * a list longer than the walk).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <linux/types.h>

#include "unit.h"
#include "held.h"
#include "hang_scan.h"

#define SEC_NS 1000000000ULL

static const struct dmr_dm_dev r0 = { .name = "r0", .kdev = (254u << 20) | 0 };

/* threshold 2 s; the tool started at 100 s, the first scan at 100.5 s */
static struct hang_scan_opts opts(bool first)
{
	struct hang_scan_opts o = { .threshold_ns = 2 * SEC_NS, .tool_start_ns = 100 * SEC_NS,
				    .first = first, .ios_fd = -1, .errors_fd = -1, .held_fd = -1 };
	return o;
}

static struct dmr_held seen(uint64_t count, uint64_t untimed, double oldest_s, bool suspended)
{
	struct dmr_held h = { .count = count, .untimed = untimed,
			      .oldest_age_ns = (uint64_t)(oldest_s * 1e9), .oldest_sector = 2048,
			      .md_flags = (1ULL << DMR_DMF_BLOCK_IO_FOR_SUSPEND) |
					  (suspended ? 1ULL << DMR_DMF_SUSPENDED : 0) };
	return h;
}

static void held_exact_age(void **state)
{
	struct hang_snapshot s = { .now_ns = 100 * SEC_NS + SEC_NS / 2 };
	struct hang_scan_opts o = opts(true);
	struct dmr_held h = seen(67, 0, 14.5, true);
	struct hang_io io;

	(void)state;
	assert_int_equal(hang_held_judge(&s, &o, &r0, &h, 0, &io), 1);
	assert_string_equal(io.device, "r0");
	assert_string_equal(io.target, "held");
	assert_true(io.held);
	assert_int_equal(io.count, 67);
	assert_true(io.count_exact);
	assert_true(io.suspended);
	assert_true(io.age_exact);
	assert_true(io.has_sector);
	assert_int_equal(io.sector, 2048);
	assert_true(io.seconds > 14.49 && io.seconds < 14.51);
	/* an exact age needs nothing kept across scans */
	assert_int_equal(s.nr_held, 0);
	free(s.held);
}

static void held_below_threshold(void **state)
{
	struct hang_snapshot s = { .now_ns = 100 * SEC_NS };
	struct hang_scan_opts o = opts(true);
	struct dmr_held h = seen(3, 0, 1.9, true);
	struct hang_io io;

	(void)state;
	assert_int_equal(hang_held_judge(&s, &o, &r0, &h, 0, &io), 0);
	h = seen(3, 0, 2.0, true);
	assert_int_equal(hang_held_judge(&s, &o, &r0, &h, 0, &io), 1);
	free(s.held);
}

/* a resume cleared the block: bios still on the list are being sent on */
static void held_draining_after_resume(void **state)
{
	struct hang_snapshot s = { .now_ns = 100 * SEC_NS };
	struct hang_scan_opts o = opts(false);
	struct dmr_held h = seen(1096, 0, 21.4, false);
	struct hang_io io;

	(void)state;
	h.md_flags = 0;
	assert_false(hang_held_blocks(&h));
	assert_int_equal(hang_held_judge(&s, &o, &r0, &h, 0, &io), 0);
	assert_int_equal(s.nr_held, 0);
	/* the same list while the device still blocks I/O is a stall */
	h = seen(1096, 0, 21.4, false);
	assert_true(hang_held_blocks(&h));
	assert_int_equal(hang_held_judge(&s, &o, &r0, &h, 0, &io), 1);
	free(s.held);
}

static void held_nothing(void **state)
{
	struct hang_snapshot s = { .now_ns = 100 * SEC_NS };
	struct hang_scan_opts o = opts(true);
	struct dmr_held h = seen(0, 0, 0, true);
	struct hang_io io;

	(void)state;
	assert_int_equal(hang_held_judge(&s, &o, &r0, &h, 30, &io), 0);
	free(s.held);
}

static void held_capped(void **state)
{
	struct hang_snapshot s = { .now_ns = 100 * SEC_NS };
	struct hang_scan_opts o = opts(true);
	struct dmr_held h = seen(DMR_HELD_MAX_BIOS, 0, 5, false);
	struct hang_io io;

	(void)state;
	h.count_capped = 1;
	assert_int_equal(hang_held_judge(&s, &o, &r0, &h, 0, &io), 1);
	assert_int_equal(io.count, DMR_HELD_MAX_BIOS);
	assert_false(io.count_exact);
	assert_false(io.suspended);
	free(s.held);
}

/* no issue time, suspended at the first scan: at once, age from the tool's start */
static void held_untimed_suspended_first(void **state)
{
	struct hang_snapshot s = { .now_ns = 100 * SEC_NS + SEC_NS / 2 };
	struct hang_scan_opts o = opts(true);
	struct dmr_held h = seen(5, 5, 0, true);
	struct hang_io io;

	(void)state;
	assert_int_equal(hang_held_judge(&s, &o, &r0, &h, 0, &io), 1);
	assert_false(io.age_exact);
	assert_false(io.has_sector);
	assert_true(io.seconds > 0.49 && io.seconds < 0.51);
	assert_int_equal(s.nr_held, 1);
	/* the list empties (resume): forgotten */
	h = seen(0, 0, 0, false);
	assert_int_equal(hang_held_judge(&s, &o, &r0, &h, 0, &io), 0);
	assert_int_equal(s.nr_held, 0);
	free(s.held);
}

/* no issue time, still suspending: reported once the lower bound passes the threshold */
static void held_untimed_suspending(void **state)
{
	struct hang_snapshot s = { .now_ns = 100 * SEC_NS + SEC_NS / 2 };
	struct hang_scan_opts o = opts(true);
	struct dmr_held h = seen(1, 1, 0, false);
	struct hang_io io;

	(void)state;
	assert_int_equal(hang_held_judge(&s, &o, &r0, &h, 0, &io), 0);
	o.first = false;
	s.now_ns = 102 * SEC_NS;
	assert_int_equal(hang_held_judge(&s, &o, &r0, &h, 0, &io), 1);
	assert_true(io.seconds > 1.99 && io.seconds < 2.01);
	assert_false(io.age_exact);
	free(s.held);
}

/* no issue time: a suspend that has waited longer is the better lower bound */
static void held_untimed_waited(void **state)
{
	struct hang_snapshot s = { .now_ns = 100 * SEC_NS + SEC_NS / 2 };
	struct hang_scan_opts o = opts(true);
	struct dmr_held h = seen(2, 2, 0, false);
	struct hang_io io;

	(void)state;
	assert_int_equal(hang_held_judge(&s, &o, &r0, &h, 7.5, &io), 1);
	assert_true(io.seconds > 7.49 && io.seconds < 7.51);
	free(s.held);
}

static const struct CMUnitTest tests[] = {
	cmocka_unit_test(held_exact_age),
	cmocka_unit_test(held_below_threshold),
	cmocka_unit_test(held_draining_after_resume),
	cmocka_unit_test(held_nothing),
	cmocka_unit_test(held_capped),
	cmocka_unit_test(held_untimed_suspended_first),
	cmocka_unit_test(held_untimed_suspending),
	cmocka_unit_test(held_untimed_waited),
};

UNIT_GROUP(held_tests, tests);
