// SPDX-License-Identifier: GPL-2.0
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "unit.h"
#include "kallsyms.h"

#ifndef FIXTURES
#define FIXTURES "fixtures"
#endif

static void ksym_line(void **state)
{
	struct dmr_ksym s;
	char l1[] = "ffffffffc0a01230 t remap_commit_work\t[dm_remap]\n";
	char l2[] = "ffffffff810a2f30 T process_one_work\n";
	char l3[] = "0000000000000000 t hidden_sym";

	(void)state;
	assert_int_equal(dmr_ksym_parse_line(l1, &s), 0);
	assert_true(s.addr == 0xffffffffc0a01230ULL);
	assert_int_equal(s.type, 't');
	assert_string_equal(s.name, "remap_commit_work");
	assert_string_equal(s.module, "dm_remap");
	assert_int_equal(dmr_ksym_parse_line(l2, &s), 0);
	assert_string_equal(s.name, "process_one_work");
	assert_string_equal(s.module, "");
	assert_int_equal(dmr_ksym_parse_line(l3, &s), 0);
	assert_true(s.addr == 0);
}

static void ksym_bad_lines(void **state)
{
	static const char *const bad[] = {
		"", "garbage", "ffffffff81000000", "ffffffff81000000 t",
		"ffffffff81000000 tt name", "ffffffff81000000 t name [mod",
		"ffffffff81000000 t name []", "ffffffff81000000 t name trailing",
		"zz t name",
	};

	(void)state;
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		char buf[128];
		struct dmr_ksym s;

		strcpy(buf, bad[i]);
		if (dmr_ksym_parse_line(buf, &s) != -EINVAL)
			fail_msg("'%s' was accepted", bad[i]);
	}
}

static void ksym_file(void **state)
{
	struct dmr_ksyms *ks = dmr_ksyms_load(FIXTURES "/kallsyms.txt");
	const struct dmr_ksym *s;

	(void)state;
	assert_non_null(ks);
	assert_int_equal(dmr_ksyms_count(ks), 10);	/* 4 broken lines skipped */
	assert_false(dmr_ksyms_hidden(ks));

	s = dmr_ksyms_find(ks, 0xffffffffc0a01240ULL);
	assert_non_null(s);
	assert_string_equal(s->name, "remap_commit_work");
	assert_string_equal(s->module, "dm_remap");

	s = dmr_ksyms_find(ks, 0xffffffff810a2f30ULL);	/* exact start */
	assert_string_equal(s->name, "process_one_work");
	assert_string_equal(s->module, "");

	s = dmr_ksyms_find(ks, 0xffffffffc0b00010ULL);
	assert_string_equal(s->name, "dm_table_presuspend_targets");
	assert_string_equal(s->module, "dm_mod");

	assert_null(dmr_ksyms_find(ks, 0x1000));

	s = dmr_ksyms_by_name(ks, "dm_remap_init", NULL);
	assert_non_null(s);
	assert_true(s->addr == 0xffffffffc0a01800ULL);
	assert_null(dmr_ksyms_by_name(ks, "dm_remap_init", "dm_mod"));
	assert_non_null(dmr_ksyms_by_name(ks, "dm_remap_init", "dm_remap"));
	dmr_ksyms_free(ks);

	assert_null(dmr_ksyms_load(FIXTURES "/does-not-exist"));
	assert_int_equal(errno, ENOENT);
}

static void ksym_hidden(void **state)
{
	struct dmr_ksyms *ks = dmr_ksyms_load(FIXTURES "/kallsyms-hidden.txt");

	(void)state;
	assert_non_null(ks);
	assert_true(dmr_ksyms_hidden(ks));
	dmr_ksyms_free(ks);
}

/* a section marker at a function's address never hides the function */
static void ksym_markers(void **state)
{
	char path[] = "/tmp/dmr-ksyms-XXXXXX";
	const struct dmr_ksym *k;
	struct dmr_ksyms *ks;
	int fd = mkstemp(path);
	FILE *f;

	(void)state;
	assert_true(fd >= 0);
	f = fdopen(fd, "w");
	assert_non_null(f);
	/* both orders of the tie, as /proc/kallsyms may list them */
	fputs("ffffffff81a00000 T wait_for_completion_io\n"
	      "ffffffff81a00000 T __sched_text_start\n"
	      "ffffffff81a00100 T __wait_for_common\n"
	      "ffffffff81b00000 T __cpuidle_text_start\n"
	      "ffffffff81b00000 T default_idle\n", f);
	fclose(f);
	ks = dmr_ksyms_load(path);
	unlink(path);
	assert_non_null(ks);
	k = dmr_ksyms_find(ks, 0xffffffff81a0004cULL);
	assert_string_equal(k->name, "wait_for_completion_io");
	k = dmr_ksyms_find(ks, 0xffffffff81b00010ULL);
	assert_string_equal(k->name, "default_idle");
	assert_non_null(dmr_ksyms_by_name(ks, "__sched_text_start", NULL));
	dmr_ksyms_free(ks);
}

static const struct CMUnitTest tests[] = {
	cmocka_unit_test(ksym_line),
	cmocka_unit_test(ksym_bad_lines),
	cmocka_unit_test(ksym_file),
	cmocka_unit_test(ksym_hidden),
	cmocka_unit_test(ksym_markers),
};

UNIT_GROUP(kallsyms_tests, tests);
