// SPDX-License-Identifier: GPL-2.0
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "unit.h"
#include "render.h"
#include "dm_remap_events.h"

/* label values: the text format's escapes, and valid UTF-8 whatever the input */
static void render_escape_label(void **state)
{
	char buf[64];

	(void)state;
	assert_string_equal(exp_escape_label("r0", buf, sizeof(buf)), "r0");
	assert_string_equal(exp_escape_label("a\"b\\c\nd", buf, sizeof(buf)), "a\\\"b\\\\c\\nd");
	/* display names pass as they are, their backslashes escaped */
	assert_string_equal(exp_escape_label("a b\\xff", buf, sizeof(buf)), "a b\\\\xff");
	assert_string_equal(exp_escape_label("caf\xc3\xa9", buf, sizeof(buf)), "caf\xc3\xa9");
	/* a byte that is not UTF-8 becomes the text \xHH */
	assert_string_equal(exp_escape_label("a\xff", buf, sizeof(buf)), "a\\\\xff");
	assert_string_equal(exp_escape_label("\xc3(", buf, sizeof(buf)), "\\\\xc3(");
	/* cut whole: never half an escape or half a character */
	assert_string_equal(exp_escape_label("ab\"", buf, 4), "ab");
	assert_string_equal(exp_escape_label("a\xc3\xa9", buf, 3), "a");
	assert_string_equal(exp_escape_label("a\xff", buf, 5), "a");
}

static struct dmr_dm_dev dev_with(const char *name, const char *status)
{
	struct dmr_dm_dev d;

	memset(&d, 0, sizeof(d));
	snprintf(d.name, sizeof(d.name), "%s", name);
	d.kdev = DM_REMAP_MKDEV(254u, 3u);
	d.status_err = dmr_status_parse(status, &d.status);
	return d;
}

#define ST "mode=rw block_size=4096 spare_total=10 spare_free=10 pending=0 read_errors=0 " \
	   "write_errors=0 lost_sectors=0 md_commits=0 md_seq=0 scrub=idle "

static char *render(const struct exp_render_in *in)
{
	char *out = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&out, &len);

	assert_non_null(f);
	assert_int_equal(exp_render(f, in), 0);
	fclose(f);
	return out;
}

/* main=offline, no spare path without a remap, --once without bpf_attached */
static void render_families(void **state)
{
	struct dmr_dm_dev d = dev_with("r0", ST "remapped=0 main=offline");
	struct exp_render_in in = { .devs = &d, .nr_devs = 1, .bpf_attached = true,
				    .module_loaded = true, .dropped_events = 7 };
	struct exp_acc acc = { 0 };
	uint32_t gone[1];
	char *s;

	(void)state;
	assert_int_equal(d.status_err, 0);
	assert_int_equal(exp_acc_sync(&acc, &d, 1, gone, 1), 0);
	in.acc = &acc;
	s = render(&in);
	assert_non_null(strstr(s, "\ndm_remap_main_offline{device=\"r0\",dm=\"dm-3\"} 1\n"));
	assert_non_null(strstr(s, "path=\"main\""));
	assert_null(strstr(s, "path=\"spare\""));
	assert_non_null(strstr(s, "\ndm_remap_exporter_dropped_events_total 7\n"));
	assert_non_null(strstr(s, "\ndm_remap_exporter_bpf_attached 1\n"));
	assert_non_null(strstr(s, ",mode=\"daemon\"} 1\n"));
	free(s);

	/* one remapped block: the spare path is there, from zero */
	d = dev_with("r0", ST "remapped=1");
	s = render(&in);
	assert_non_null(strstr(s, "\ndm_remap_main_offline{device=\"r0\",dm=\"dm-3\"} 0\n"));
	assert_non_null(strstr(s, "\ndm_remap_io_latency_seconds_count{device=\"r0\",dm=\"dm-3\","
				  "op=\"read\",path=\"spare\"} 0\n"));
	free(s);

	/* --once: status metrics only, no bpf_attached gauge */
	in.acc = NULL;
	in.once = true;
	in.bpf_attached = false;
	s = render(&in);
	assert_null(strstr(s, "dm_remap_exporter_bpf_attached"));
	assert_null(strstr(s, "dm_remap_io_latency_seconds"));
	assert_null(strstr(s, "dm_remap_exporter_dropped_events_total"));
	assert_non_null(strstr(s, "\ndm_remap_remaps_total{device=\"r0\",dm=\"dm-3\"} 1\n"));
	assert_non_null(strstr(s, ",mode=\"once\"} 1\n"));
	free(s);
	exp_acc_free(&acc);
}

static const struct CMUnitTest tests[] = {
	cmocka_unit_test(render_escape_label),
	cmocka_unit_test(render_families),
};

UNIT_GROUP(render_tests, tests);
