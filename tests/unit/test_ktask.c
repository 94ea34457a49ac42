// SPDX-License-Identifier: GPL-2.0
/* /proc/TID/stack parsing and what it says (tools/lib/ktask.c, dm_stack.c) */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "unit.h"
#include "ktask.h"
#include "dm_stack.h"

/* as the 6.1 guest printed them, a worker and the dmsetup it blocks */
static const char worker_stack[] =
	"[<0>] submit_bio_wait+0x7b/0xc0\n"
	"[<0>] remap_sync_io+0xd9/0x100 [dm_remap]\n"
	"[<0>] stage_block+0x48c/0x780 [dm_remap]\n"
	"[<0>] remap_worker+0x250/0x350 [dm_remap]\n"
	"[<0>] process_one_work+0x1c7/0x380\n"
	"[<0>] worker_thread+0x4d/0x380\n"
	"[<0>] kthread+0xda/0x100\n"
	"[<0>] ret_from_fork+0x22/0x30\n";

static const char suspend_stack[] =
	"[<0>] dm_wait_for_completion+0x179/0x1a0 [dm_mod]\n"
	"[<0>] __dm_suspend+0x8c/0x1f0 [dm_mod]\n"
	"[<0>] dm_suspend+0xbc/0xe0 [dm_mod]\n"
	"[<0>] dev_suspend+0x1f6/0x390 [dm_mod]\n"
	"[<0>] ctl_ioctl+0x1ff/0x4b0 [dm_mod]\n";

static const char remove_stack[] =
	"[<0>] __flush_work+0x61/0x90\n"
	"[<0>] __cancel_work_timer+0x104/0x1a0\n"
	"[<0>] remap_postsuspend+0x44/0x100 [dm_remap]\n"
	"[<0>] dm_table_postsuspend_targets+0x3e/0x60 [dm_mod]\n"
	"[<0>] __dm_destroy+0x1a7/0x1c0 [dm_mod]\n"
	"[<0>] dev_remove+0x119/0x190 [dm_mod]\n";

static void parse(struct dmr_ktask *t, const char *text)
{
	char buf[2048];

	snprintf(buf, sizeof(buf), "%s", text);
	memset(t, 0, sizeof(*t));
	dmr_ktask_parse_stack(t, buf);
}

static void stack_frames(void **state)
{
	static struct dmr_ktask t;
	char f[64], m[64];

	(void)state;
	parse(&t, worker_stack);
	assert_int_equal(t.nr_frames, 8);
	assert_string_equal(t.frames[1], "remap_sync_io+0xd9/0x100 [dm_remap]");
	assert_string_equal(dmr_ktask_frame_func(t.frames[1], f, sizeof(f)), "remap_sync_io");
	assert_string_equal(dmr_ktask_frame_module(t.frames[1], m, sizeof(m)), "dm_remap");
	assert_string_equal(dmr_ktask_frame_module(t.frames[0], m, sizeof(m)), "");
	assert_int_equal(dmr_ktask_find_frame(&t, "process_one_work"), 4);
	assert_int_equal(dmr_ktask_find_frame(&t, "nothing"), -1);
	/* truncated to the buffer, never past it */
	assert_string_equal(dmr_ktask_frame_func(t.frames[1], f, 6), "remap");
}

static void work_function(void **state)
{
	static struct dmr_ktask t;
	char f[64], m[64];

	(void)state;
	parse(&t, worker_stack);
	assert_int_equal(dmr_ktask_work_func(&t, f, sizeof(f), m, sizeof(m)), 0);
	assert_string_equal(f, "remap_worker");
	assert_string_equal(m, "dm_remap");
	/* not executing an item: no process_one_work, or nothing under it */
	parse(&t, "[<0>] worker_thread+0x4d/0x380\n[<0>] kthread+0xda/0x100\n");
	assert_int_equal(dmr_ktask_work_func(&t, f, sizeof(f), m, sizeof(m)), -ENOENT);
	parse(&t, "[<0>] process_one_work+0x1c7/0x380\n");
	assert_int_equal(dmr_ktask_work_func(&t, f, sizeof(f), m, sizeof(m)), -ENOENT);
}

static void dm_phases(void **state)
{
	static struct dmr_ktask t;
	char w[64];

	(void)state;
	parse(&t, suspend_stack);
	assert_string_equal(dmr_dm_stack_phase(&t), "presuspend");
	dmr_dm_stack_waits_in(&t, w, sizeof(w));
	assert_string_equal(w, "dm_wait_for_completion");
	parse(&t, remove_stack);
	assert_string_equal(dmr_dm_stack_phase(&t), "postsuspend");
	dmr_dm_stack_waits_in(&t, w, sizeof(w));
	assert_string_equal(w, "__cancel_work_timer");
	parse(&t, "[<0>] msleep+0x2d/0x40\n[<0>] dm_destroy+0x10/0x20 [dm_mod]\n");
	assert_string_equal(dmr_dm_stack_phase(&t), "remove");
	parse(&t, "[<0>] remap_dtr+0x1/0x2 [dm_remap]\n[<0>] dm_table_destroy+0x1/0x2 [dm_mod]\n");
	assert_string_equal(dmr_dm_stack_phase(&t), "dtr");
	parse(&t, worker_stack);
	assert_null(dmr_dm_stack_phase(&t));
}

static const struct CMUnitTest tests[] = {
	cmocka_unit_test(stack_frames),
	cmocka_unit_test(work_function),
	cmocka_unit_test(dm_phases),
};

UNIT_GROUP(ktask_tests, tests);
