// SPDX-License-Identifier: GPL-2.0
#include <math.h>
#include <string.h>

#include "unit.h"
#include "hist.h"

static void hist_slots(void **state)
{
	(void)state;
	assert_int_equal(dmr_log2_slot(0), 0);
	assert_int_equal(dmr_log2_slot(1), 0);
	assert_int_equal(dmr_log2_slot(2), 1);
	assert_int_equal(dmr_log2_slot(3), 1);
	assert_int_equal(dmr_log2_slot(4), 2);
	assert_int_equal(dmr_log2_slot(1023), 9);
	assert_int_equal(dmr_log2_slot(1024), 10);
	assert_int_equal(dmr_log2_slot(UINT64_MAX), 63);
}

/* every value of a slot is <= its le, and the first value of the next slot is above it */
static void hist_le_bounds(void **state)
{
	(void)state;
	assert_int_equal(dmr_hist_slot_high(0), 1);
	assert_int_equal(dmr_hist_slot_high(1), 3);
	assert_int_equal(dmr_hist_slot_high(10), 2047);
	assert_true(dmr_hist_slot_high(63) == UINT64_MAX);
	assert_int_equal(dmr_hist_slot_low(0), 0);
	assert_int_equal(dmr_hist_slot_low(10), 1024);
	for (unsigned int i = 0; i < 62; i++) {
		uint64_t hi = dmr_hist_slot_high(i);

		assert_int_equal(dmr_log2_slot(hi), i);
		assert_int_equal(dmr_log2_slot(hi + 1), i + 1);
		assert_true(hi + 1 == dmr_hist_slot_low(i + 1));
	}
	/* ns -> s: slot 9 holds 512..1023 ns, le = 1.023e-06 s */
	assert_true(fabs(dmr_hist_le(9, 1e-9) - 1.023e-06) < 1e-15);
	assert_true(fabs(dmr_hist_le(0, 1.0) - 1.0) < 1e-12);
}

static void hist_cumulative(void **state)
{
	uint64_t slots[6] = { 0, 2, 0, 5, 1, 0 }, cum[6];
	const uint64_t want[6] = { 0, 2, 2, 7, 8, 8 };

	(void)state;
	assert_int_equal(dmr_hist_cumulative(slots, 6, cum), 8);
	for (int i = 0; i < 6; i++)
		assert_int_equal(cum[i], want[i]);
	/* in place */
	assert_int_equal(dmr_hist_cumulative(slots, 6, slots), 8);
	assert_memory_equal(slots, want, sizeof(want));
	assert_int_equal(dmr_hist_cumulative(slots, 0, cum), 0);
}

static void hist_used_quantile(void **state)
{
	uint64_t slots[DMR_HIST_SLOTS];

	(void)state;
	memset(slots, 0, sizeof(slots));
	assert_int_equal(dmr_hist_used(slots, DMR_HIST_SLOTS), 0);
	assert_int_equal(dmr_hist_quantile(slots, DMR_HIST_SLOTS, 0.5), 0);
	slots[3] = 90;		/* 8..15 */
	slots[10] = 10;		/* 1024..2047 */
	assert_int_equal(dmr_hist_used(slots, DMR_HIST_SLOTS), 11);
	assert_int_equal(dmr_hist_quantile(slots, DMR_HIST_SLOTS, 0.5), 15);
	assert_int_equal(dmr_hist_quantile(slots, DMR_HIST_SLOTS, 0.9), 15);
	assert_int_equal(dmr_hist_quantile(slots, DMR_HIST_SLOTS, 0.99), 2047);
	assert_int_equal(dmr_hist_quantile(slots, DMR_HIST_SLOTS, 1.0), 2047);
}

static const struct CMUnitTest tests[] = {
	cmocka_unit_test(hist_slots),
	cmocka_unit_test(hist_le_bounds),
	cmocka_unit_test(hist_cumulative),
	cmocka_unit_test(hist_used_quantile),
};

UNIT_GROUP(hist_tests, tests);
