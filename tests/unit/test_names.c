// SPDX-License-Identifier: GPL-2.0
#include <linux/types.h>

#include "unit.h"
#include "names.h"
#include "dm_remap_events.h"
#include "events.h"

static void names_words(void **state)
{
	char buf[32];

	(void)state;
	assert_string_equal(dmr_op_name(DM_REMAP_OP_DISCARD), "discard");
	assert_string_equal(dmr_op_name(99), "?");
	assert_string_equal(dmr_target_name(DM_REMAP_TARGET_SPARE), "spare");
	assert_string_equal(dmr_path_name(0), "main");
	assert_string_equal(dmr_reason_name(DM_REMAP_REASON_READ_ERROR), "read_error");
	assert_string_equal(dmr_phase_name(DM_REMAP_PHASE_PRESUSPEND_UNDO), "presuspend_undo");
	assert_string_equal(dmr_phase_name(DM_REMAP_PHASE_DTR), "dtr");
	assert_string_equal(dmr_stage_name(DM_REMAP_STAGE_EXIT), "exit");
	assert_string_equal(dmr_event_name(DMR_EV_TEARDOWN), "teardown");
	assert_string_equal(dmr_event_name(DMR_EV_MD_COMMIT), "md_commit");
	assert_string_equal(dmr_event_name(0), "?");
	assert_string_equal(dmr_devt_str(DM_REMAP_MKDEV(253u, 1048575u), buf, sizeof(buf)),
			    "253:1048575");
	assert_string_equal(dmr_errno_name(-5), "EIO");
	assert_null(dmr_errno_name(0));
}

/* the record layout user space and BPF agree on */
static void event_layout(void **state)
{
	(void)state;
	assert_int_equal(sizeof(struct dmr_event), 72);
	assert_int_equal(offsetof(struct dmr_event, io_error.sector), 40);
}

static const struct CMUnitTest tests[] = {
	cmocka_unit_test(names_words),
	cmocka_unit_test(event_layout),
};

UNIT_GROUP(names_tests, tests);
