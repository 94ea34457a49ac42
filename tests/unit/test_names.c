// SPDX-License-Identifier: GPL-2.0
#include <string.h>
#include <linux/types.h>

#include "unit.h"
#include "names.h"
#include "dm.h"
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

#define DISP_LEN 512

static void esc(const char *raw, const char *want)
{
	char buf[DISP_LEN], back[128];

	assert_string_equal(dmr_name_escape(raw, buf, sizeof(buf)), want);
	/* the display form is reversible */
	assert_true(dmr_name_unescape(buf, back, sizeof(back)));
	assert_string_equal(back, raw);
}

/* dm names are any bytes: the display form is printable UTF-8 and reversible */
static void names_escape(void **state)
{
	char buf[DISP_LEN], raw[600];

	(void)state;
	esc("r0", "r0");
	esc("a b\xff", "a b\\xff");
	esc("q\"uo'te", "q\"uo'te");		/* quotes stay: labels escape them */
	esc("back\\slash", "back\\x5cslash");	/* a backslash always starts an escape */
	esc("caf\xc3\xa9 \xe2\x82\xac \xf0\x9f\x92\xbe", "caf\xc3\xa9 \xe2\x82\xac \xf0\x9f\x92\xbe");
	esc("tab\tnl\n\x7f", "tab\\x09nl\\x0a\\x7f");
	/* invalid UTF-8: stray continuation, overlong, surrogate, truncated, C1 */
	esc("\x80x", "\\x80x");
	esc("\xc0\xaf", "\\xc0\\xaf");
	esc("\xed\xa0\x80", "\\xed\\xa0\\x80");
	esc("\xe2\x82", "\\xe2\\x82");
	esc("\xf4\x90\x80\x80", "\\xf4\\x90\\x80\\x80");
	esc("\xc2\x85", "\\xc2\\x85");
	/* worst case: 127 bytes of 0xff fit the display buffer */
	memset(raw, 0xff, 127);
	raw[127] = '\0';
	dmr_name_escape(raw, buf, sizeof(buf));
	assert_int_equal(strlen(buf), 4 * 127);
	/* too small a buffer cuts at a character boundary */
	assert_string_equal(dmr_name_escape("ab\xff", buf, 6), "ab");
	assert_string_equal(dmr_name_escape("a\xc3\xa9", buf, 3), "a");
	/* not a display form */
	assert_false(dmr_name_unescape("a\\q", raw, sizeof(raw)));
	assert_false(dmr_name_unescape("a\\x0", raw, sizeof(raw)));
	assert_false(dmr_name_unescape("a\\x00", raw, sizeof(raw)));
	assert_false(dmr_name_unescape("abc", raw, 3));
	assert_true(dmr_name_unescape("A\\x42", raw, sizeof(raw)));
	assert_string_equal(raw, "AB");
	assert_int_equal(dmr_utf8_seq("\xe2\x82\xac"), 3);
	assert_int_equal(dmr_utf8_seq(""), 0);
}

/* dm_names.dev as the kernel encodes it (huge_encode_dev) */
static void names_decode_dev(void **state)
{
	(void)state;
	/* 254:11 -> (254 << 8) | 11 */
	assert_int_equal(dmr_dm_decode_dev(0xfe0b), DM_REMAP_MKDEV(254u, 11u));
	/* minor 0x12345: low byte 0x45, high bits 0x123 at bit 20 */
	assert_int_equal(dmr_dm_decode_dev((0x123ULL << 20) | (253 << 8) | 0x45),
			 DM_REMAP_MKDEV(253u, 0x12345u));
	assert_int_equal(dmr_dm_decode_dev(0), 0);
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
	cmocka_unit_test(names_escape),
	cmocka_unit_test(names_decode_dev),
};

UNIT_GROUP(names_tests, tests);
