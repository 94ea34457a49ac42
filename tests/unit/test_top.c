// SPDX-License-Identifier: GPL-2.0
/* dmremap-top's pure functions: percentiles, rows, sorting, filters, formatting, output */
#define _GNU_SOURCE
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "unit.h"
#include "app.h"
#include "top.h"

#define NEAR(a, b) assert_true(fabs((double)(a) - (double)(b)) < 1e-6)

static void top_quantile_empty(void **state)
{
	uint64_t h[TOP_SLOTS] = { 0 };

	(void)state;
	assert_true(top_quantile(h, TOP_SLOTS, 0.5) < 0);
	assert_true(top_quantile(h, 0, 0.5) < 0);
}

/* one slot: the values are spread evenly over [2^i, 2^(i+1)) */
static void top_quantile_one_slot(void **state)
{
	uint64_t h[TOP_SLOTS] = { 0 };

	(void)state;
	h[10] = 100;			/* [1024, 2048) */
	NEAR(top_quantile(h, TOP_SLOTS, 0.5), 1024 + 1024 * 0.5);
	NEAR(top_quantile(h, TOP_SLOTS, 0.99), 1024 + 1024 * 0.99);
	NEAR(top_quantile(h, TOP_SLOTS, 0.0), 1024);
	NEAR(top_quantile(h, TOP_SLOTS, 1.0), 2048);
	/* out of range q is clamped */
	NEAR(top_quantile(h, TOP_SLOTS, -1), 1024);
	NEAR(top_quantile(h, TOP_SLOTS, 7), 2048);
	/* slot 0 is [0, 2) */
	memset(h, 0, sizeof(h));
	h[0] = 4;
	NEAR(top_quantile(h, TOP_SLOTS, 0.5), 1.0);
}

/* the rank lands in the slot holding it, interpolated by its position there */
static void top_quantile_interpolates(void **state)
{
	uint64_t h[TOP_SLOTS] = { 0 };

	(void)state;
	h[3] = 50;			/* [8, 16) */
	h[4] = 30;			/* [16, 32) */
	h[6] = 20;			/* [64, 128) */
	/* p50: rank 50 is the last of slot 3 -> its upper edge */
	NEAR(top_quantile(h, TOP_SLOTS, 0.5), 16);
	/* p65: rank 65 is 15 of 30 into slot 4 -> 16 + 16 * 0.5 */
	NEAR(top_quantile(h, TOP_SLOTS, 0.65), 24);
	/* p90: rank 90 is 10 of 20 into slot 6 -> 64 + 64 * 0.5 */
	NEAR(top_quantile(h, TOP_SLOTS, 0.9), 96);
	/* p99: 19 of 20 -> 64 + 64 * 0.95 */
	NEAR(top_quantile(h, TOP_SLOTS, 0.99), 124.8);
	/* p10: 10 of 50 into slot 3 */
	NEAR(top_quantile(h, TOP_SLOTS, 0.1), 8 + 8 * 0.2);
	/* monotonic in q */
	for (double q = 0, prev = -1; q <= 1.0001; q += 0.01) {
		double v = top_quantile(h, TOP_SLOTS, q);

		assert_true(v >= prev);
		prev = v;
	}
}

static void fill_dev(struct dmr_dm_dev *d, const char *name, uint32_t kdev)
{
	memset(d, 0, sizeof(*d));
	snprintf(d->name, sizeof(d->name), "%s", name);
	d->kdev = kdev;
	d->status.mode = DMR_MODE_RW;
	d->status.block_size = 4096;
	d->status.remapped = 3;
	d->status.spare_total = 200;
	d->status.spare_free = 150;
	d->status.pending = 2;
	d->status.read_errors = 4;
	d->status.write_errors = 1;
}

static void top_row_rates(void **state)
{
	struct dmr_dm_dev d;
	struct top_io io;
	struct top_row r = { 0 };

	(void)state;
	fill_dev(&d, "r0", DM_REMAP_MKDEV(253u, 0u));
	memset(&io, 0, sizeof(io));
	io.ios[DM_REMAP_OP_READ] = 200;
	io.bytes[DM_REMAP_OP_READ] = 200 * 4096;
	io.ios[DM_REMAP_OP_WRITE] = 50;
	io.bytes[DM_REMAP_OP_WRITE] = 4000000;
	io.remapped[DM_REMAP_OP_READ] = 20;
	io.errors[DM_REMAP_OP_WRITE] = 2;
	io.ios[DM_REMAP_OP_FLUSH] = 9;
	io.lat[DM_REMAP_OP_READ][0][10] = 100;	/* [1024, 2048) */
	io.lat[DM_REMAP_OP_WRITE][1][10] = 100;
	io.lat[DM_REMAP_OP_FLUSH][0][30] = 1000;	/* flushes do not count */
	top_row_fill(&r, &d, &io, 2.0);
	assert_string_equal(r.name, "r0");
	assert_true(r.have_io);
	assert_true(r.have_status);
	NEAR(r.r_s, 100);
	NEAR(r.w_s, 25);
	NEAR(r.rmb_s, 200 * 4096 / 1e6 / 2);
	NEAR(r.wmb_s, 2);
	NEAR(r.remap_s, 10);
	NEAR(r.err_s, 1);
	assert_int_equal(r.ios, 250);
	NEAR(r.p50_ns, 1536);
	NEAR(r.p99_ns, 1024 + 1024 * 0.99);
	assert_int_equal(r.errors, 5);
	assert_int_equal(r.remapped, 3);
	NEAR(r.spare_used_pct, 25);
	assert_int_equal(r.pending, 2);

	/* no interval yet: no rates, no percentiles */
	top_row_fill(&r, &d, &io, 0);
	assert_false(r.have_io);
	NEAR(r.r_s, 0);
	assert_true(r.p50_ns < 0);
	/* no status */
	top_row_fill(&r, NULL, NULL, 1);
	assert_false(r.have_status);
	assert_string_equal(r.name, "r0");	/* kept */
	assert_true(r.spare_used_pct < 0);
}

static void mkrow(struct top_row *r, const char *name, double rs, uint64_t remapped, double p99)
{
	memset(r, 0, sizeof(*r));
	snprintf(r->name, sizeof(r->name), "%s", name);
	r->r_s = rs;
	r->remapped = remapped;
	r->p99_ns = p99;
	r->have_status = true;
}

static void top_sorting(void **state)
{
	struct top_row rows[4];

	(void)state;
	mkrow(&rows[0], "b", 10, 5, 100);
	mkrow(&rows[1], "a", 30, 5, -1);
	mkrow(&rows[2], "d", 20, 0, 300);
	mkrow(&rows[3], "c", 10, 9, 200);

	top_sort(rows, 4, TOP_COL_NAME, false);
	assert_string_equal(rows[0].name, "a");
	assert_string_equal(rows[3].name, "d");
	top_sort(rows, 4, TOP_COL_NAME, true);
	assert_string_equal(rows[0].name, "d");

	/* descending by R/s; ties by name (reversed with the order) */
	top_sort(rows, 4, TOP_COL_RS, true);
	assert_string_equal(rows[0].name, "a");
	assert_string_equal(rows[1].name, "d");
	assert_string_equal(rows[2].name, "c");
	assert_string_equal(rows[3].name, "b");
	top_sort(rows, 4, TOP_COL_RS, false);
	assert_string_equal(rows[0].name, "b");
	assert_string_equal(rows[3].name, "a");

	top_sort(rows, 4, TOP_COL_REMAPPED, true);
	assert_string_equal(rows[0].name, "c");
	assert_string_equal(rows[3].name, "d");

	/* a device without I/O (p99 < 0) sorts below every measured one */
	top_sort(rows, 4, TOP_COL_P99, true);
	assert_string_equal(rows[0].name, "d");
	assert_string_equal(rows[3].name, "a");

	assert_int_equal(top_col_by_key('r'), TOP_COL_RS);
	assert_int_equal(top_col_by_key('P'), TOP_COL_P99);
	assert_int_equal(top_col_by_key('n'), TOP_COL_NAME);
	assert_int_equal(top_col_by_key('Z'), -1);
	/* every column has a distinct key that is not a command key */
	for (int i = 0; i < TOP_COL_NR; i++) {
		assert_int_equal(top_col_by_key(top_cols[i].key), i);
		assert_null(strchr("qh? +-/<>Ijk", top_cols[i].key));
	}
}

static void top_matching(void **state)
{
	uint32_t kdev = DM_REMAP_MKDEV(253u, 3u);

	(void)state;
	assert_true(top_dev_match("r0", "r0", kdev));
	assert_false(top_dev_match("r", "r0", kdev));
	assert_true(top_dev_match("/dev/mapper/r0", "r0", kdev));
	assert_true(top_dev_match("dm-3", "r0", kdev));
	assert_true(top_dev_match("/dev/dm-3", "r0", kdev));
	assert_false(top_dev_match("dm-30", "r0", kdev));
	assert_true(top_dev_match("253:3", "r0", kdev));
	assert_false(top_dev_match("253:4", "r0", kdev));
	assert_false(top_dev_match("/dev/mapper/", "r0", kdev));

	assert_true(top_filter_match(NULL, "r0"));
	assert_true(top_filter_match("", "r0"));
	assert_true(top_filter_match("data", "mydata1"));
	assert_false(top_filter_match("x", "r0"));
}

static void top_formatting(void **state)
{
	char b[32];

	(void)state;
	assert_string_equal(top_fmt_rate(0, b, sizeof(b)), "0");
	assert_string_equal(top_fmt_rate(-3, b, sizeof(b)), "0");
	assert_string_equal(top_fmt_rate(0.05, b, sizeof(b)), "0.05");
	assert_string_equal(top_fmt_rate(0.5, b, sizeof(b)), "0.5");
	assert_string_equal(top_fmt_rate(9.94, b, sizeof(b)), "9.9");
	assert_string_equal(top_fmt_rate(9.96, b, sizeof(b)), "10");
	assert_string_equal(top_fmt_rate(123.4, b, sizeof(b)), "123");
	assert_string_equal(top_fmt_rate(999.4, b, sizeof(b)), "999");
	assert_string_equal(top_fmt_rate(999.6, b, sizeof(b)), "1.0k");
	assert_string_equal(top_fmt_rate(1234, b, sizeof(b)), "1.2k");
	assert_string_equal(top_fmt_rate(12345, b, sizeof(b)), "12k");
	assert_string_equal(top_fmt_rate(2.5e6, b, sizeof(b)), "2.5M");
	assert_string_equal(top_fmt_rate(3e9, b, sizeof(b)), "3.0G");

	assert_string_equal(top_fmt_lat(-1, b, sizeof(b)), "-");
	assert_string_equal(top_fmt_lat(NAN, b, sizeof(b)), "-");
	assert_string_equal(top_fmt_lat(850, b, sizeof(b)), "850ns");
	assert_string_equal(top_fmt_lat(1536, b, sizeof(b)), "1.54us");
	assert_string_equal(top_fmt_lat(12345, b, sizeof(b)), "12.3us");
	assert_string_equal(top_fmt_lat(123456, b, sizeof(b)), "123us");
	assert_string_equal(top_fmt_lat(1.2e6, b, sizeof(b)), "1.20ms");
	assert_string_equal(top_fmt_lat(12.34e6, b, sizeof(b)), "12.3ms");
	assert_string_equal(top_fmt_lat(250e6, b, sizeof(b)), "250ms");
	assert_string_equal(top_fmt_lat(1.5e9, b, sizeof(b)), "1.50s");

	assert_string_equal(top_fmt_pct(-1, b, sizeof(b)), "-");
	assert_string_equal(top_fmt_pct(0, b, sizeof(b)), "0");
	assert_string_equal(top_fmt_pct(0.024, b, sizeof(b)), "0.02");
	assert_string_equal(top_fmt_pct(1, b, sizeof(b)), "1.0");
	assert_string_equal(top_fmt_pct(12.54, b, sizeof(b)), "12.5");
	assert_string_equal(top_fmt_pct(100, b, sizeof(b)), "100");

	assert_string_equal(top_fmt_count(1234567, b, sizeof(b)), "1234567");
	assert_string_equal(top_fmt_count(12345678, b, sizeof(b)), "12M");

	assert_string_equal(top_mode_name(DMR_MODE_RW), "rw");
	assert_string_equal(top_mode_name(DMR_MODE_RO), "ro");
	assert_string_equal(top_mode_name(DMR_MODE_UNKNOWN), "?");

	/* every cell fits its column */
	{
		struct top_row r;

		mkrow(&r, "r0", 123456789.0, 123456789012ULL, 9e12);
		r.w_s = r.rmb_s = r.wmb_s = r.remap_s = r.err_s = 999999999.0;
		r.p50_ns = 123456789.0;
		r.errors = r.pending = 99999999999ULL;
		r.spare_used_pct = 100;
		for (int c = 1; c < TOP_COL_NR; c++)
			assert_true((int)strlen(top_cell(&r, (enum top_col)c, b, sizeof(b))) <=
				    top_cols[c].width);
		r.have_status = false;
		assert_string_equal(top_cell(&r, TOP_COL_REMAPPED, b, sizeof(b)), "-");
		assert_string_equal(top_cell(&r, TOP_COL_SPARE, b, sizeof(b)), "-");
	}
}

static char *capture(void (*fn)(FILE *f, void *arg), void *arg)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);

	assert_non_null(f);
	fn(f, arg);
	fclose(f);
	return buf;
}

static struct top_row out_rows[2];

static void frame_fn(FILE *f, void *arg)
{
	top_print_frame(f, out_rows, *(int *)arg, 1.0, "12:00:00");
}

static void json_fn(FILE *f, void *arg)
{
	top_print_json(f, out_rows, *(int *)arg, 1700000000.5);
}

static void top_output(void **state)
{
	struct dmr_dm_dev d;
	struct top_io io;
	char *s;
	int n = 2;

	(void)state;
	fill_dev(&d, "r0", DM_REMAP_MKDEV(253u, 0u));
	memset(&io, 0, sizeof(io));
	io.ios[DM_REMAP_OP_READ] = 100;
	io.bytes[DM_REMAP_OP_READ] = 100 * 4096;
	io.lat[DM_REMAP_OP_READ][0][10] = 100;
	memset(out_rows, 0, sizeof(out_rows));
	top_row_fill(&out_rows[0], &d, &io, 1.0);
	fill_dev(&d, "r1", DM_REMAP_MKDEV(253u, 1u));
	d.status.mode = DMR_MODE_RO;
	d.status.main_state = DMR_MAIN_OFFLINE;
	top_row_fill(&out_rows[1], &d, NULL, 1.0);

	s = capture(frame_fn, &n);
	assert_non_null(strstr(s, "dmremap-top - 12:00:00 - interval 1.0s - 2 devices"));
	assert_non_null(strstr(s, "DEVICE"));
	assert_non_null(strstr(s, "REMAPPED"));
	assert_non_null(strstr(s, "\nr0 "));
	assert_non_null(strstr(s, "\nr1 "));
	assert_non_null(strstr(s, "1.54us"));
	assert_non_null(strstr(s, " rw      ok\n"));
	assert_non_null(strstr(s, " ro offline\n"));
	assert_non_null(strstr(s, "read-only 1"));
	free(s);

	s = capture(json_fn, &n);
	assert_non_null(strstr(s, "{\"time\":1700000000.500,\"interval_s\":1.000,"
				  "\"device\":\"r0\",\"dm\":\"dm-0\",\"dev\":\"253:0\","
				  "\"r_s\":100.00,"));
	assert_non_null(strstr(s, "\"p50_ns\":1536,"));
	assert_non_null(strstr(s, "\"remapped_blocks\":3,"));
	assert_non_null(strstr(s, "\"spare_used_pct\":25.00,"));
	assert_non_null(strstr(s, "\"pending\":2,"));
	assert_non_null(strstr(s, "\"mode\":\"rw\",\"main\":\"ok\"}\n"));
	/* r1 had no I/O: null percentiles */
	assert_non_null(strstr(s, "\"device\":\"r1\""));
	assert_non_null(strstr(s, "\"p50_ns\":null,\"p99_ns\":null"));
	assert_non_null(strstr(s, "\"mode\":\"ro\",\"main\":\"offline\"}\n"));
	/* one line per device */
	{
		int lines = 0;

		for (char *p = s; *p; p++)
			lines += *p == '\n';
		assert_int_equal(lines, 2);
	}
	free(s);

	n = 0;
	s = capture(frame_fn, &n);
	assert_non_null(strstr(s, "0 devices"));
	free(s);
	s = capture(json_fn, &n);
	assert_string_equal(s, "");
	free(s);
}

/* tracks -> rows: DEVICE arguments, the '/' filter, sorting, selection kept */
static void top_app_rows_filter(void **state)
{
	struct top_app a;
	const char *names[] = { "beta", "alpha", "gamma" };
	char *devs[] = { (char *)"alpha", (char *)"gamma" };
	struct dmr_event ev;

	(void)state;
	memset(&a, 0, sizeof(a));
	for (uint32_t i = 0; i < 3; i++) {
		struct top_track *t = top_track_find(&a, DM_REMAP_MKDEV(253u, i), true);

		assert_non_null(t);
		snprintf(t->name, sizeof(t->name), "%s", names[i]);
		fill_dev(&t->dev, names[i], t->kdev);
		t->have_dev = true;
		t->listed = true;
		t->last.ios[DM_REMAP_OP_READ] = 10 * (i + 1);
	}
	assert_ptr_equal(top_track_find(&a, DM_REMAP_MKDEV(253u, 1u), false), &a.tracks[1]);
	assert_null(top_track_find(&a, DM_REMAP_MKDEV(253u, 9u), false));
	a.last_interval_s = 1;
	a.sort_col = TOP_COL_NAME;
	top_app_rows(&a);
	assert_int_equal(a.nrows, 3);
	assert_string_equal(a.rows[0].name, "alpha");
	assert_string_equal(a.selected, "alpha");

	a.sel = 2;	/* gamma */
	snprintf(a.selected, sizeof(a.selected), "gamma");
	a.sort_col = TOP_COL_RS;
	a.sort_desc = true;
	top_app_rows(&a);
	assert_string_equal(a.rows[0].name, "gamma");
	assert_int_equal(a.sel, 0);	/* followed the device */

	snprintf(a.filter, sizeof(a.filter), "mm");
	top_app_rows(&a);
	assert_int_equal(a.nrows, 1);
	assert_string_equal(a.rows[0].name, "gamma");
	a.filter[0] = '\0';

	a.nr_devs = 2;
	a.devs = devs;
	top_app_rows(&a);
	assert_int_equal(a.nrows, 2);
	a.nr_devs = 0;

	/* unlisted tracks (gone devices) are not shown */
	a.tracks[0].listed = false;
	top_app_rows(&a);
	assert_int_equal(a.nrows, 2);

	/* events: a ring of the last TOP_EVENTS */
	memset(&ev, 0, sizeof(ev));
	ev.dev = DM_REMAP_MKDEV(253u, 1u);
	ev.type = DMR_EV_REMAP;
	for (int i = 0; i < TOP_EVENTS + 5; i++) {
		ev.remap.block = (uint64_t)i;
		top_app_event(&a, &ev);
	}
	{
		struct top_track *t = top_track_find(&a, ev.dev, false);

		assert_int_equal(t->ev_n, TOP_EVENTS);
		assert_int_equal(t->ev[t->ev_head].remap.block, 5);
		assert_int_equal(t->ev[(t->ev_head + TOP_EVENTS - 1) % TOP_EVENTS].remap.block,
				 TOP_EVENTS + 4);
	}
	free(a.rows);
	free(a.tracks);
}

static const struct CMUnitTest tests[] = {
	cmocka_unit_test(top_quantile_empty),
	cmocka_unit_test(top_quantile_one_slot),
	cmocka_unit_test(top_quantile_interpolates),
	cmocka_unit_test(top_row_rates),
	cmocka_unit_test(top_sorting),
	cmocka_unit_test(top_matching),
	cmocka_unit_test(top_formatting),
	cmocka_unit_test(top_output),
	cmocka_unit_test(top_app_rows_filter),
};

UNIT_GROUP(top_tests, tests);
