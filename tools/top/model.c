// SPDX-License-Identifier: GPL-2.0
/*
 * model.c - rows, percentiles, sorting, filtering and formatting of
 * dmremap-top (see top.h).  Pure functions only.
 */
#define _GNU_SOURCE
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "top.h"

const struct top_col_info top_cols[TOP_COL_NR] = {
	[TOP_COL_NAME]     = { "DEVICE",   "device",         12, 'n', false },
	[TOP_COL_RS]       = { "R/s",      "r_s",             7, 'r', true },
	[TOP_COL_WS]       = { "W/s",      "w_s",             7, 'w', true },
	[TOP_COL_RMB]      = { "RMB/s",    "read_mb_s",       7, 'R', true },
	[TOP_COL_WMB]      = { "WMB/s",    "write_mb_s",      7, 'W', true },
	[TOP_COL_REMAPS]   = { "RMP/s",    "remapped_ios_s",  6, 'm', true },
	[TOP_COL_ERRS]     = { "ERR/s",    "errors_s",        6, 'e', true },
	[TOP_COL_ERRORS]   = { "ERRORS",   "errors",          7, 'E', true },
	[TOP_COL_P50]      = { "P50",      "p50_ns",          7, 'p', true },
	[TOP_COL_P99]      = { "P99",      "p99_ns",          7, 'P', true },
	[TOP_COL_REMAPPED] = { "REMAPPED", "remapped_blocks", 9, 'b', true },
	[TOP_COL_SPARE]    = { "SPARE%",   "spare_used_pct",  7, 'u', true },
	[TOP_COL_PENDING]  = { "PEND",     "pending",         6, 'x', true },
	[TOP_COL_MODE]     = { "MODE",     "mode",            4, 'o', true },
	[TOP_COL_MAIN]     = { "MAIN",     "main",            7, 'M', true },
};

/*
 * The percentile method (also in docs/man/dmremap-top.8): the BPF side only
 * keeps log2 slots, so a value is known to lie in [2^i, 2^(i+1)) and
 * nothing more.  Taking the slot's values as spread evenly over its range,
 * the q-quantile is where the rank q * N falls when the slot's c values
 * fill the range linearly.  This is the estimate Prometheus'
 * histogram_quantile() makes over the same buckets, so the screen and the
 * dashboards agree.
 */
double top_quantile(const uint64_t *slots, unsigned int n, double q)
{
	double total = 0, before = 0, rank;

	for (unsigned int i = 0; i < n; i++)
		total += (double)slots[i];
	if (total <= 0)
		return -1;
	if (!(q >= 0))		/* also NaN */
		q = 0;
	if (q > 1)
		q = 1;
	rank = q * total;
	for (unsigned int i = 0; i < n; i++) {
		double c = (double)slots[i];
		double low = i ? ldexp(1.0, (int)i) : 0.0;
		double high = ldexp(1.0, (int)i + 1);

		if (c > 0 && before + c >= rank)
			return low + (high - low) * (rank - before) / c;
		before += c;
	}
	return -1;	/* not reached */
}

void top_rw_hist(const struct top_io *io, uint64_t *out)
{
	memset(out, 0, sizeof(uint64_t) * TOP_SLOTS);
	for (int op = DM_REMAP_OP_READ; op <= DM_REMAP_OP_WRITE; op++)
		for (int p = 0; p < TOP_PATHS; p++)
			for (int s = 0; s < TOP_SLOTS; s++)
				out[s] += io->lat[op][p][s];
}

void top_row_fill(struct top_row *row, const struct dmr_dm_dev *dev, const struct top_io *io,
		  double interval_s)
{
	char name[DMR_DM_NAME_LEN];
	uint32_t kdev = row->kdev;

	memcpy(name, row->name, sizeof(name));
	memset(row, 0, sizeof(*row));
	memcpy(row->name, name, sizeof(name));
	row->kdev = kdev;
	row->interval_s = interval_s;
	row->p50_ns = row->p99_ns = -1;
	row->spare_used_pct = -1;
	if (dev) {
		snprintf(row->name, sizeof(row->name), "%s", dev->name);
		row->kdev = dev->kdev;
		row->have_status = dev->status_err == 0;
		row->mode = dev->status.mode;
		row->main_state = dev->status.main_state;
		row->read_errors = dev->status.read_errors;
		row->write_errors = dev->status.write_errors;
		row->errors = row->read_errors + row->write_errors;
		row->remapped = dev->status.remapped;
		row->spare_total = dev->status.spare_total;
		row->spare_free = dev->status.spare_free;
		row->pending = dev->status.pending;
		row->lost_sectors = dev->status.lost_sectors;
		row->block_size = dev->status.block_size;
		if (row->spare_total && row->spare_free <= row->spare_total)
			row->spare_used_pct = 100.0 * (double)(row->spare_total - row->spare_free) /
					      (double)row->spare_total;
	}
	if (io && interval_s > 0) {
		uint64_t hist[TOP_SLOTS], remapped = 0, errors = 0;

		row->have_io = true;
		row->r_s = (double)io->ios[DM_REMAP_OP_READ] / interval_s;
		row->w_s = (double)io->ios[DM_REMAP_OP_WRITE] / interval_s;
		row->rmb_s = (double)io->bytes[DM_REMAP_OP_READ] / 1e6 / interval_s;
		row->wmb_s = (double)io->bytes[DM_REMAP_OP_WRITE] / 1e6 / interval_s;
		for (int op = 0; op < TOP_OPS; op++) {
			remapped += io->remapped[op];
			errors += io->errors[op];
		}
		row->remap_s = (double)remapped / interval_s;
		row->err_s = (double)errors / interval_s;
		row->ios = io->ios[DM_REMAP_OP_READ] + io->ios[DM_REMAP_OP_WRITE];
		top_rw_hist(io, hist);
		row->p50_ns = top_quantile(hist, TOP_SLOTS, 0.50);
		row->p99_ns = top_quantile(hist, TOP_SLOTS, 0.99);
	}
}

void top_totals(const struct top_row *rows, int n, struct top_totals *t)
{
	memset(t, 0, sizeof(*t));
	t->devices = n;
	for (int i = 0; i < n; i++) {
		const struct top_row *r = &rows[i];

		t->r_s += r->r_s;
		t->w_s += r->w_s;
		t->rmb_s += r->rmb_s;
		t->wmb_s += r->wmb_s;
		t->remap_s += r->remap_s;
		t->err_s += r->err_s;
		t->remapped += r->remapped;
		t->pending += r->pending;
		t->errors += r->errors;
		t->spare_total += r->spare_total;
		t->spare_free += r->spare_free;
		if (r->mode == DMR_MODE_RO)
			t->read_only++;
	}
}

static int cmp_d(double a, double b)
{
	return a < b ? -1 : a > b ? 1 : 0;
}

static int cmp_u(uint64_t a, uint64_t b)
{
	return a < b ? -1 : a > b ? 1 : 0;
}

int top_row_cmp(const struct top_row *a, const struct top_row *b, enum top_col col,
		bool descending)
{
	int c = 0;

	switch (col) {
	case TOP_COL_NAME:	c = 0; break;
	case TOP_COL_RS:	c = cmp_d(a->r_s, b->r_s); break;
	case TOP_COL_WS:	c = cmp_d(a->w_s, b->w_s); break;
	case TOP_COL_RMB:	c = cmp_d(a->rmb_s, b->rmb_s); break;
	case TOP_COL_WMB:	c = cmp_d(a->wmb_s, b->wmb_s); break;
	case TOP_COL_REMAPS:	c = cmp_d(a->remap_s, b->remap_s); break;
	case TOP_COL_ERRS:	c = cmp_d(a->err_s, b->err_s); break;
	case TOP_COL_ERRORS:	c = cmp_u(a->errors, b->errors); break;
	case TOP_COL_P50:	c = cmp_d(a->p50_ns, b->p50_ns); break;
	case TOP_COL_P99:	c = cmp_d(a->p99_ns, b->p99_ns); break;
	case TOP_COL_REMAPPED:	c = cmp_u(a->remapped, b->remapped); break;
	case TOP_COL_SPARE:	c = cmp_d(a->spare_used_pct, b->spare_used_pct); break;
	case TOP_COL_PENDING:	c = cmp_u(a->pending, b->pending); break;
	case TOP_COL_MODE:	c = cmp_u((uint64_t)a->mode, (uint64_t)b->mode); break;
	case TOP_COL_MAIN:	c = cmp_u((uint64_t)a->main_state, (uint64_t)b->main_state); break;
	case TOP_COL_NR:	break;
	}
	if (!c)
		c = strcmp(a->name, b->name);
	if (!c)
		c = cmp_u(a->kdev, b->kdev);
	return descending ? -c : c;
}

static enum top_col sort_col;
static bool sort_desc;

static int qsort_cmp(const void *a, const void *b)
{
	return top_row_cmp(a, b, sort_col, sort_desc);
}

void top_sort(struct top_row *rows, int n, enum top_col col, bool descending)
{
	if (n < 2)
		return;
	sort_col = col;
	sort_desc = descending;
	qsort(rows, (size_t)n, sizeof(*rows), qsort_cmp);
}

int top_col_by_key(int key)
{
	for (int i = 0; i < TOP_COL_NR; i++)
		if (top_cols[i].key == key)
			return i;
	return -1;
}

bool top_dev_match(const char *arg, const char *name, uint32_t kdev)
{
	const char *base = strrchr(arg, '/');
	char buf[32];

	if (base)
		arg = base + 1;
	if (!*arg)
		return false;
	if (!strcmp(arg, name))
		return true;
	snprintf(buf, sizeof(buf), "dm-%u", DM_REMAP_DEV_MINOR(kdev));
	if (!strcmp(arg, buf))
		return true;
	snprintf(buf, sizeof(buf), "%u:%u", DM_REMAP_DEV_MAJOR(kdev), DM_REMAP_DEV_MINOR(kdev));
	return !strcmp(arg, buf);
}

bool top_filter_match(const char *filter, const char *name)
{
	return !filter || !*filter || strstr(name, filter);
}

char *top_fmt_rate(double v, char *buf, size_t len)
{
	static const char units[] = { 'k', 'M', 'G', 'T', 'P' };
	int u = -1;

	if (!(v > 0)) {
		snprintf(buf, len, "0");
		return buf;
	}
	if (v < 0.1) {
		snprintf(buf, len, "%.2f", v);
		return buf;
	}
	if (v < 9.95) {
		snprintf(buf, len, "%.1f", v);
		return buf;
	}
	if (v < 999.5) {
		snprintf(buf, len, "%.0f", v);
		return buf;
	}
	while (v >= 999.5 && u < (int)sizeof(units) - 1) {
		v /= 1000;
		u++;
	}
	if (v < 9.95)
		snprintf(buf, len, "%.1f%c", v, units[u]);
	else
		snprintf(buf, len, "%.0f%c", v, units[u]);
	return buf;
}

char *top_fmt_lat(double ns, char *buf, size_t len)
{
	if (ns < 0 || isnan(ns))
		snprintf(buf, len, "-");
	else if (ns < 999.5)
		snprintf(buf, len, "%.0fns", ns);
	else if (ns < 9995)
		snprintf(buf, len, "%.2fus", ns / 1e3);
	else if (ns < 99950)
		snprintf(buf, len, "%.1fus", ns / 1e3);
	else if (ns < 999500)
		snprintf(buf, len, "%.0fus", ns / 1e3);
	else if (ns < 9995000)
		snprintf(buf, len, "%.2fms", ns / 1e6);
	else if (ns < 99950000)
		snprintf(buf, len, "%.1fms", ns / 1e6);
	else if (ns < 999500000)
		snprintf(buf, len, "%.0fms", ns / 1e6);
	else if (ns < 9.995e9)
		snprintf(buf, len, "%.2fs", ns / 1e9);
	else if (ns < 99.95e9)
		snprintf(buf, len, "%.1fs", ns / 1e9);
	else
		snprintf(buf, len, "%.0fs", ns / 1e9);
	return buf;
}

char *top_fmt_pct(double pct, char *buf, size_t len)
{
	if (pct < 0 || isnan(pct))
		snprintf(buf, len, "-");
	else if (pct == 0)
		snprintf(buf, len, "0");
	else if (pct < 0.995)		/* one block of a big spare still shows */
		snprintf(buf, len, "%.2f", pct);
	else if (pct >= 99.95)
		snprintf(buf, len, "%.0f", pct > 100 ? 100.0 : pct);
	else
		snprintf(buf, len, "%.1f", pct);
	return buf;
}

char *top_fmt_count(uint64_t v, char *buf, size_t len)
{
	if (v < 10000000ULL)
		snprintf(buf, len, "%llu", (unsigned long long)v);
	else
		top_fmt_rate((double)v, buf, len);
	return buf;
}

const char *top_mode_name(enum dmr_mode m)
{
	return dmr_mode_word(m);
}

const char *top_main_name(const struct top_row *r)
{
	if (!r->have_status)
		return "-";
	return dmr_main_word(r->main_state);
}

static void count_or_dash(bool known, uint64_t v, char *buf, size_t len)
{
	if (known)
		top_fmt_count(v, buf, len);
	else
		snprintf(buf, len, "-");
}

char *top_cell(const struct top_row *r, enum top_col col, char *buf, size_t len)
{
	bool st = r->have_status;

	switch (col) {
	case TOP_COL_NAME:	snprintf(buf, len, "%s", r->name); break;
	case TOP_COL_RS:	top_fmt_rate(r->r_s, buf, len); break;
	case TOP_COL_WS:	top_fmt_rate(r->w_s, buf, len); break;
	case TOP_COL_RMB:	top_fmt_rate(r->rmb_s, buf, len); break;
	case TOP_COL_WMB:	top_fmt_rate(r->wmb_s, buf, len); break;
	case TOP_COL_REMAPS:	top_fmt_rate(r->remap_s, buf, len); break;
	case TOP_COL_ERRS:	top_fmt_rate(r->err_s, buf, len); break;
	case TOP_COL_ERRORS:	count_or_dash(st, r->errors, buf, len); break;
	case TOP_COL_P50:	top_fmt_lat(r->p50_ns, buf, len); break;
	case TOP_COL_P99:	top_fmt_lat(r->p99_ns, buf, len); break;
	case TOP_COL_REMAPPED:	count_or_dash(st, r->remapped, buf, len); break;
	case TOP_COL_SPARE:	top_fmt_pct(st ? r->spare_used_pct : -1, buf, len); break;
	case TOP_COL_PENDING:	count_or_dash(st, r->pending, buf, len); break;
	case TOP_COL_MODE:	snprintf(buf, len, "%s", top_mode_name(r->mode)); break;
	case TOP_COL_MAIN:	snprintf(buf, len, "%s", top_main_name(r)); break;
	default:		snprintf(buf, len, "?"); break;
	}
	return buf;
}

int top_name_width(const struct top_row *rows, int n, int max)
{
	int w = top_cols[TOP_COL_NAME].width;

	for (int i = 0; i < n; i++) {
		int l = (int)strlen(rows[i].name);

		if (l > w)
			w = l;
	}
	return w > max ? max : w;
}
