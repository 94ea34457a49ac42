// SPDX-License-Identifier: GPL-2.0
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "unit.h"
#include "status.h"

#define FULL "mode=rw block_size=4096 remapped=3 spare_total=1000 spare_free=997 " \
	     "pending=1 read_errors=2 write_errors=3 lost_sectors=8 md_commits=4 " \
	     "md_seq=5 scrub=idle"

static void status_full(void **state)
{
	struct dmr_status st;

	(void)state;
	assert_int_equal(dmr_status_parse(FULL, &st), 0);
	assert_int_equal(st.mode, DMR_MODE_RW);
	assert_int_equal(st.scrub, DMR_SCRUB_IDLE);
	assert_int_equal(st.block_size, 4096);
	assert_int_equal(st.remapped, 3);
	assert_int_equal(st.spare_total, 1000);
	assert_int_equal(st.spare_free, 997);
	assert_int_equal(st.pending, 1);
	assert_int_equal(st.read_errors, 2);
	assert_int_equal(st.write_errors, 3);
	assert_int_equal(st.lost_sectors, 8);
	assert_int_equal(st.md_commits, 4);
	assert_int_equal(st.md_seq, 5);
	assert_int_equal(st.present, DMR_ST_ALL_KEYS);
	assert_int_equal(st.nr_kv, 12);
}

static void status_any_order_extra_keys(void **state)
{
	struct dmr_status st;
	const char *s = "  scrub=running\tmd_seq=18446744073709551615 future_key=abc mode=ro "
			"block_size=512 remapped=0 spare_total=0 spare_free=0 pending=0 "
			"read_errors=0 write_errors=0 lost_sectors=0 md_commits=0 \n";

	(void)state;
	assert_int_equal(dmr_status_parse(s, &st), 0);
	assert_int_equal(st.mode, DMR_MODE_RO);
	assert_int_equal(st.scrub, DMR_SCRUB_RUNNING);
	assert_true(st.md_seq == UINT64_MAX);
	assert_string_equal(dmr_status_get(&st, "future_key"), "abc");
	assert_null(dmr_status_get(&st, "nope"));
}

/* main=ok|offline (contract section 4); a module without the key reads as ok */
static void status_main(void **state)
{
	struct dmr_status st;

	(void)state;
	assert_int_equal(dmr_status_parse(FULL " main=offline", &st), 0);
	assert_int_equal(st.main_state, DMR_MAIN_OFFLINE);
	assert_true(st.present & (1u << DMR_ST_MAIN));
	assert_int_equal(st.nr_kv, 13);
	assert_int_equal(dmr_status_parse("main=ok " FULL, &st), 0);
	assert_int_equal(st.main_state, DMR_MAIN_OK);
	assert_int_equal(dmr_status_parse(FULL, &st), 0);
	assert_int_equal(st.main_state, DMR_MAIN_OK);
	assert_false(st.present & (1u << DMR_ST_MAIN));
	assert_int_equal(dmr_status_parse(FULL " main=gone", &st), -EINVAL);
	/* main alone does not make a status complete */
	assert_int_equal(dmr_status_parse("main=offline mode=rw", &st), -ENODATA);
	assert_string_equal(dmr_status_key_name(DMR_ST_MAIN), "main");
}

static void status_missing_key(void **state)
{
	struct dmr_status st;

	(void)state;
	assert_int_equal(dmr_status_parse("mode=rw remapped=1", &st), -ENODATA);
	assert_int_equal(st.present, (1u << DMR_ST_MODE) | (1u << DMR_ST_REMAPPED));
	assert_int_equal(st.remapped, 1);
	assert_int_equal(dmr_status_parse("", &st), -ENODATA);
	assert_int_equal(st.present, 0);
}

static void status_bad_tokens(void **state)
{
	struct dmr_status st;
	static const char *const bad[] = {
		"mode=rw remapped",			/* no '=' */
		"=5",					/* empty key */
		"mode=xx",				/* bad enum */
		"scrub=",				/* empty enum */
		"remapped=-1",				/* sign */
		"remapped=12abc",			/* junk */
		"remapped=",				/* empty number */
		"md_seq=18446744073709551616",		/* overflow */
		"pending=0x10",				/* hex */
	};

	(void)state;
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		int r = dmr_status_parse(bad[i], &st);

		if (r != -EINVAL)
			fail_msg("'%s' gave %d, want -EINVAL", bad[i], r);
	}
}

static void kv_split_limits(void **state)
{
	struct dmr_kv kv[2];
	char longkey[DMR_KEY_LEN + 8];

	(void)state;
	assert_int_equal(dmr_kv_split("a=1 b=2", kv, 2), 2);
	assert_string_equal(kv[1].key, "b");
	assert_string_equal(kv[1].val, "2");
	assert_int_equal(dmr_kv_split("a=1 b=2 c=3", kv, 2), -E2BIG);
	assert_int_equal(dmr_kv_split("a==1", kv, 2), 1);
	assert_string_equal(kv[0].val, "=1");
	memset(longkey, 'k', sizeof(longkey) - 3);
	strcpy(longkey + sizeof(longkey) - 3, "=1");
	assert_int_equal(dmr_kv_split(longkey, kv, 2), -EINVAL);
	assert_int_equal(dmr_kv_split(NULL, kv, 2), 0);
}

/*
 * VM case 05 compares the keys `dmsetup status` prints with its golden file;
 * here the golden file is compared with the table both the module and this
 * parser are generated from (bpf/dm_remap_status.h): key by key, in order.
 */
static void status_keys_match_golden(void **state)
{
	const char *path = VM_CASES "/05-status-messages.status-keys.out";
	FILE *f = fopen(path, "r");
	char line[64];
	int k = 0;

	(void)state;
	if (!f)
		fail_msg("cannot open %s", path);
	while (fgets(line, sizeof(line), f)) {
		line[strcspn(line, "\n")] = '\0';
		if (k >= DMR_ST_NR_KEYS) {
			fclose(f);
			fail_msg("golden line %d '%s': the table has only %d keys", k + 1, line,
				 DMR_ST_NR_KEYS);
		}
		if (strcmp(line, dmr_status_key_name((enum dmr_status_key)k))) {
			fclose(f);
			fail_msg("golden line %d is '%s', the table's key %d is '%s'", k + 1, line,
				 k, dmr_status_key_name((enum dmr_status_key)k));
		}
		k++;
	}
	fclose(f);
	if (k != DMR_ST_NR_KEYS)
		fail_msg("golden has %d keys, the table %d", k, DMR_ST_NR_KEYS);
}

/* the words printed back are the table's, unknown values a '?' */
static void status_words(void **state)
{
	(void)state;
	assert_string_equal(dmr_mode_word(DMR_MODE_RW), "rw");
	assert_string_equal(dmr_mode_word(DMR_MODE_RO), "ro");
	assert_string_equal(dmr_mode_word(DMR_MODE_UNKNOWN), "?");
	assert_string_equal(dmr_main_word(DMR_MAIN_OK), "ok");
	assert_string_equal(dmr_main_word(DMR_MAIN_OFFLINE), "offline");
	assert_string_equal(dmr_main_word((enum dmr_main)7), "?");
}

static void parse_u64(void **state)
{
	uint64_t v;

	(void)state;
	assert_true(dmr_parse_u64("0", &v));
	assert_int_equal(v, 0);
	assert_true(dmr_parse_u64("18446744073709551615", &v));
	assert_true(v == UINT64_MAX);
	assert_false(dmr_parse_u64("", &v));
	assert_false(dmr_parse_u64(" 1", &v));
	assert_false(dmr_parse_u64("+1", &v));
	assert_string_equal(dmr_status_key_name(DMR_ST_SPARE_FREE), "spare_free");
	assert_null(dmr_status_key_name(DMR_ST_NR_KEYS));
}

static const struct CMUnitTest tests[] = {
	cmocka_unit_test(status_full),
	cmocka_unit_test(status_any_order_extra_keys),
	cmocka_unit_test(status_main),
	cmocka_unit_test(status_missing_key),
	cmocka_unit_test(status_bad_tokens),
	cmocka_unit_test(kv_split_limits),
	cmocka_unit_test(parse_u64),
	cmocka_unit_test(status_keys_match_golden),
	cmocka_unit_test(status_words),
};

UNIT_GROUP(status_tests, tests);
