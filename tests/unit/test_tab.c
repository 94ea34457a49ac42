// SPDX-License-Identifier: GPL-2.0
/* tools/lib/dmr_tab: options, table parameters, names, device specs, lines */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "unit.h"
#include "dmr_tab.h"

static void tab_table_params(void **state)
{
	struct dmr_options o;
	char err[256], buf[256];

	(void)state;
	assert_int_equal(dmr_options_parse("-", &o, err, sizeof(err)), 0);
	assert_int_equal(dmr_table_params(&o, "8:1", "8:17", buf, sizeof(buf)), 0);
	assert_string_equal(buf, "8:1 8:17");

	assert_int_equal(dmr_options_parse("format,block_size=8192,nofail,scrub_rate=100,no_auto_remap",
					   &o, err, sizeof(err)), 0);
	assert_true(o.nofail);
	assert_int_equal(dmr_table_params(&o, "8:1", "8:17", buf, sizeof(buf)), 0);
	/* the count counts words, nofail is not the target's */
	assert_string_equal(buf, "8:1 8:17 6 block_size 8192 no_auto_remap scrub_rate 100 format");
	assert_int_equal(dmr_options_format(&o, buf, sizeof(buf)), 0);
	assert_string_equal(buf, "block_size=8192,no_auto_remap,scrub_rate=100,format");
	assert_int_equal(dmr_table_params(&o, "8:1", "8:17", buf, 20), -ENOSPC);
	assert_int_equal(dmr_options_format(&o, buf, 10), -ENOSPC);
}

static void tab_bad_options(void **state)
{
	static const char *const bad[] = {
		"block_size=256", "block_size=131072", "block_size=3000", "block_size=",
		"block_size", "scrub_rate=x", "scrub_rate=-1", "scrub_rate=4294967296",
		"scrub_rate=16777217",
		"format,", ",format", "Format", "nofail=1",
	};
	struct dmr_options o;
	char err[256];

	(void)state;
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		err[0] = '\0';
		if (dmr_options_parse(bad[i], &o, err, sizeof(err)) != -EINVAL)
			fail_msg("'%s' accepted", bad[i]);
		assert_true(strlen(err) > 0);
	}
	assert_int_equal(dmr_options_parse("block_size=512,block_size=65536", &o, err, sizeof(err)), 0);
	assert_int_equal(o.block_size, 65536);
	assert_int_equal(dmr_options_parse("scrub_rate=16777216", &o, err, sizeof(err)), 0);
	assert_int_equal(o.scrub_rate, 16777216);
}

static void tab_names_and_specs(void **state)
{
	char err[256], buf[64];
	const char *v;

	(void)state;
	assert_int_equal(dmr_name_check("data-1.x_y", err, sizeof(err)), 0);
	assert_int_equal(dmr_name_check("", err, sizeof(err)), -EINVAL);
	assert_int_equal(dmr_name_check("a/b", err, sizeof(err)), -EINVAL);
	assert_int_equal(dmr_name_check("..", err, sizeof(err)), -EINVAL);
	assert_int_equal(dmr_name_check("a\tb", err, sizeof(err)), -EINVAL);

	assert_int_equal(dmr_dev_spec_kind("/dev/sda", &v, err, sizeof(err)), DMR_DEV_PATH);
	assert_int_equal(dmr_dev_spec_kind("UUID=ab", &v, err, sizeof(err)), DMR_DEV_UUID);
	assert_string_equal(v, "ab");
	assert_int_equal(dmr_dev_spec_kind("PARTLABEL=x y", &v, err, sizeof(err)), DMR_DEV_PARTLABEL);
	assert_int_equal(dmr_dev_spec_kind("uuid=ab", &v, err, sizeof(err)), -EINVAL);
	assert_int_equal(dmr_dev_spec_kind("LABEL=ab", &v, err, sizeof(err)), -EINVAL);
	assert_int_equal(dmr_dev_spec_kind("PARTUUID=", &v, err, sizeof(err)), -EINVAL);

	assert_int_equal(dmr_dev_spec_path("PARTUUID=AB-01", buf, sizeof(buf)), 0);
	assert_string_equal(buf, "/dev/disk/by-partuuid/ab-01");
	assert_int_equal(dmr_dev_spec_path("ID=ata-X", buf, sizeof(buf)), 0);
	assert_string_equal(buf, "/dev/disk/by-id/ata-X");
	assert_int_equal(dmr_dev_spec_path("UUID=ABCD-1234", buf, sizeof(buf)), 0);
	assert_string_equal(buf, "/dev/disk/by-uuid/ABCD-1234");
	assert_int_equal(dmr_dev_spec_path("ID=ata-X", buf, 10), -ENOSPC);
}

static void tab_read(void **state)
{
	static const char text[] =
		"# comment\n"
		"\n"
		"  a /dev/sda UUID=1   # trailing\n"
		"b /dev/sdb /dev/sdc nofail\n"
		"broken /dev/sdd\n"
		"a /dev/sde /dev/sdf\n"
		"c /dev/sdg /dev/sdh -";
	struct dmr_tab tab;
	FILE *f = fmemopen((void *)text, sizeof(text) - 1, "r");

	(void)state;
	assert_non_null(f);
	assert_int_equal(dmr_tab_read(f, "T", &tab), 0);
	fclose(f);
	assert_int_equal(tab.nr, 3);
	assert_string_equal(tab.entries[0].name, "a");
	assert_string_equal(tab.entries[0].spare, "UUID=1");
	assert_int_equal(tab.entries[0].line, 3);
	assert_true(tab.entries[1].opt.nofail);
	assert_string_equal(tab.entries[2].name, "c");	/* last line without '\n' */
	assert_int_equal(tab.nr_errors, 2);
	assert_string_equal(tab.errors[0],
			    "T:5: expected NAME MAIN SPARE [OPTION,...], got 2 fields");
	assert_string_equal(tab.errors[1], "T:6: device name 'a' already used on line 3");
	dmr_tab_free(&tab);
	assert_int_equal(dmr_tab_load("/nonexistent/dmremaptab", &tab), -ENOENT);
}

static const struct CMUnitTest tests[] = {
	cmocka_unit_test(tab_table_params),
	cmocka_unit_test(tab_bad_options),
	cmocka_unit_test(tab_names_and_specs),
	cmocka_unit_test(tab_read),
};

UNIT_GROUP(tab_tests, tests);
