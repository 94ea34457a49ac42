// SPDX-License-Identifier: GPL-2.0
/*
 * out.c - dmremap-top's batch frames (-b) and JSON lines (-j).
 */
#define _GNU_SOURCE
#include <math.h>
#include <string.h>

#include "json.h"
#include "names.h"
#include "top.h"

static void print_header_line(FILE *f, int namew)
{
	for (int c = 0; c < TOP_COL_NR; c++) {
		if (c == TOP_COL_NAME)
			fprintf(f, "%-*s", namew, top_cols[c].title);
		else
			fprintf(f, " %*s", top_cols[c].width, top_cols[c].title);
	}
	fputc('\n', f);
}

void top_print_frame(FILE *f, const struct top_row *rows, int n, double interval_s,
		     const char *timestr)
{
	struct top_totals t;
	char a[6][16];
	int namew = top_name_width(rows, n, DMR_DM_NAME_LEN);

	top_totals(rows, n, &t);
	fprintf(f, "dmremap-top - %s - interval %.1fs - %d device%s%s\n", timestr, interval_s,
		t.devices, t.devices == 1 ? "" : "s", t.read_only ? " - READ-ONLY DEVICES" : "");
	fprintf(f, "Total: %s r/s, %s w/s, %s read MB/s, %s write MB/s, %s remapped io/s, %s err/s; "
		"remapped %llu, pending %llu, errors %llu, read-only %d\n",
		top_fmt_rate(t.r_s, a[0], sizeof(a[0])), top_fmt_rate(t.w_s, a[1], sizeof(a[1])),
		top_fmt_rate(t.rmb_s, a[2], sizeof(a[2])), top_fmt_rate(t.wmb_s, a[3], sizeof(a[3])),
		top_fmt_rate(t.remap_s, a[4], sizeof(a[4])), top_fmt_rate(t.err_s, a[5], sizeof(a[5])),
		(unsigned long long)t.remapped, (unsigned long long)t.pending,
		(unsigned long long)t.errors, t.read_only);
	fputc('\n', f);
	print_header_line(f, namew);
	for (int i = 0; i < n; i++) {
		char cell[DMR_DM_NAME_LEN + 8];

		for (int c = 0; c < TOP_COL_NR; c++) {
			top_cell(&rows[i], (enum top_col)c, cell, sizeof(cell));
			if (c == TOP_COL_NAME)
				fprintf(f, "%-*s", namew, cell);
			else
				fprintf(f, " %*s", top_cols[c].width, cell);
		}
		fputc('\n', f);
	}
	fputc('\n', f);
}

static void json_lat(struct dmr_json *j, const char *key, double ns)
{
	if (ns < 0 || isnan(ns))
		dmr_json_str(j, key, NULL);
	else
		dmr_json_u64(j, key, (uint64_t)llround(ns));
}

void top_print_json(FILE *f, const struct top_row *rows, int n, double unix_time)
{
	for (int i = 0; i < n; i++) {
		const struct top_row *r = &rows[i];
		struct dmr_json j;
		char dm[32], devt[32];

		snprintf(dm, sizeof(dm), "dm-%u", DM_REMAP_DEV_MINOR(r->kdev));
		dmr_json_begin(&j, f);
		dmr_json_double(&j, "time", unix_time, 3);
		dmr_json_double(&j, "interval_s", r->interval_s, 3);
		dmr_json_str(&j, top_cols[TOP_COL_NAME].json, r->name);
		dmr_json_str(&j, "dm", dm);
		dmr_json_str(&j, "dev", dmr_devt_str(r->kdev, devt, sizeof(devt)));
		dmr_json_double(&j, top_cols[TOP_COL_RS].json, r->r_s, 2);
		dmr_json_double(&j, top_cols[TOP_COL_WS].json, r->w_s, 2);
		dmr_json_double(&j, top_cols[TOP_COL_RMB].json, r->rmb_s, 3);
		dmr_json_double(&j, top_cols[TOP_COL_WMB].json, r->wmb_s, 3);
		dmr_json_double(&j, top_cols[TOP_COL_REMAPS].json, r->remap_s, 2);
		dmr_json_double(&j, top_cols[TOP_COL_ERRS].json, r->err_s, 2);
		dmr_json_u64(&j, "ios", r->ios);
		json_lat(&j, top_cols[TOP_COL_P50].json, r->p50_ns);
		json_lat(&j, top_cols[TOP_COL_P99].json, r->p99_ns);
		dmr_json_bool(&j, "status", r->have_status);
		dmr_json_u64(&j, top_cols[TOP_COL_ERRORS].json, r->errors);
		dmr_json_u64(&j, "read_errors", r->read_errors);
		dmr_json_u64(&j, "write_errors", r->write_errors);
		dmr_json_u64(&j, top_cols[TOP_COL_REMAPPED].json, r->remapped);
		dmr_json_u64(&j, "spare_total", r->spare_total);
		dmr_json_u64(&j, "spare_free", r->spare_free);
		if (r->spare_used_pct < 0)
			dmr_json_str(&j, top_cols[TOP_COL_SPARE].json, NULL);
		else
			dmr_json_double(&j, top_cols[TOP_COL_SPARE].json, r->spare_used_pct, 2);
		dmr_json_u64(&j, top_cols[TOP_COL_PENDING].json, r->pending);
		dmr_json_u64(&j, "lost_sectors", r->lost_sectors);
		dmr_json_str(&j, top_cols[TOP_COL_MODE].json, top_mode_name(r->mode));
		dmr_json_str(&j, top_cols[TOP_COL_MAIN].json, top_main_name(r));
		dmr_json_end(&j);
	}
}
