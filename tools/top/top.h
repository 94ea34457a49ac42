/* SPDX-License-Identifier: GPL-2.0 */
/*
 * top.h - the model of dmremap-top: one row per remap device built from the
 * target's status (libdevmapper, tools/lib/dm.h) and the I/O counters and
 * latency histograms of one interval (BPF, tools/lib/iostats.h), plus the
 * pure helpers the screens use (percentiles, sorting, filtering,
 * formatting).  Nothing here touches ncurses, libbpf or libdevmapper: the
 * unit tests (tests/unit/test_top.c) link it alone.
 */
#ifndef DMREMAP_TOP_H
#define DMREMAP_TOP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "dm.h"
#include "dm_remap_events.h"

#define TOP_OPS		DM_REMAP_OP_NR	/* read, write, flush, discard */
#define TOP_PATHS	2		/* DM_REMAP_PATH_MAIN, DM_REMAP_PATH_SPARE */
#define TOP_SLOTS	40		/* log2(ns) slots, as bpf/iostats.h */

/* what the BPF side counted for one device during one interval */
struct top_io {
	uint32_t kdev;
	uint64_t ios[TOP_OPS];
	uint64_t bytes[TOP_OPS];
	uint64_t errors[TOP_OPS];
	uint64_t remapped[TOP_OPS];		/* I/Os served by the spare */
	uint64_t lat[TOP_OPS][TOP_PATHS][TOP_SLOTS];	/* log2 ns histograms */
};

/* the columns, in screen order */
enum top_col {
	TOP_COL_NAME,
	TOP_COL_RS,		/* reads per second */
	TOP_COL_WS,		/* writes per second */
	TOP_COL_RMB,		/* read MB/s (10^6 bytes) */
	TOP_COL_WMB,		/* write MB/s */
	TOP_COL_REMAPS,		/* I/Os served by the spare per second */
	TOP_COL_ERRS,		/* failed I/Os per second (BPF) */
	TOP_COL_ERRORS,		/* read_errors + write_errors (status, since load) */
	TOP_COL_P50,		/* latency of reads and writes, ns */
	TOP_COL_P99,
	TOP_COL_REMAPPED,	/* remapped blocks (status) */
	TOP_COL_SPARE,		/* spare used % (status) */
	TOP_COL_PENDING,	/* pending blocks (status) */
	TOP_COL_MODE,		/* rw / ro (status) */
	TOP_COL_MAIN,		/* ok / offline: the main device answers or not (status) */
	TOP_COL_NR,
};

struct top_col_info {
	const char *title;	/* screen header */
	const char *json;	/* JSON key */
	int width;		/* screen width, the name column's is a minimum */
	int key;		/* interactive sort key */
	bool descending;	/* default order when first chosen */
};

extern const struct top_col_info top_cols[TOP_COL_NR];

struct top_row {
	char name[DMR_DM_NAME_LEN];
	uint32_t kdev;
	bool have_io;			/* BPF counters for this interval */
	double interval_s;
	/* rates over the interval */
	double r_s, w_s, rmb_s, wmb_s, remap_s, err_s;
	uint64_t ios;			/* reads + writes in the interval */
	double p50_ns, p99_ns;		/* < 0 when no read or write completed */
	/* from the status */
	bool have_status;		/* status parsed (all keys present) */
	enum dmr_mode mode;
	enum dmr_main main_state;	/* ok when the module does not print main= */
	uint64_t errors, read_errors, write_errors;
	uint64_t remapped, spare_total, spare_free, pending, lost_sectors, block_size;
	double spare_used_pct;		/* < 0 when spare_total is 0 */
};

/*
 * Quantile q (0..1) of a log2 histogram (slot 0 = [0, 2), slot i = [2^i,
 * 2^(i+1))), interpolated linearly inside the slot holding the rank: with
 * N values in all, the rank is r = q * N; the slot i where the cumulative
 * count first reaches r, with C values before it and c in it, gives
 *	low_i + (high_i - low_i) * (r - C) / c
 * where [low_i, high_i) is the slot's range, i.e. the values of a slot are
 * taken as spread evenly over it.  q = 0 gives the lowest slot's low edge,
 * q = 1 the highest slot's upper edge.  Returns -1 for an empty histogram.
 */
double top_quantile(const uint64_t *slots, unsigned int n, double q);

/* sum of the read and write histograms of every path into out[TOP_SLOTS] */
void top_rw_hist(const struct top_io *io, uint64_t *out);

/*
 * Fill row from a dm device (may be NULL: name/kdev kept, no status) and its
 * I/O of the last interval (may be NULL: zero rates, have_io false).
 */
void top_row_fill(struct top_row *row, const struct dmr_dm_dev *dev, const struct top_io *io,
		  double interval_s);

/* totals over rows for the header */
struct top_totals {
	int devices;
	double r_s, w_s, rmb_s, wmb_s, remap_s, err_s;
	uint64_t remapped, pending, errors, spare_total, spare_free;
	int read_only;
};

void top_totals(const struct top_row *rows, int n, struct top_totals *t);

/* compare two rows by a column; ties by name; descending reverses */
int top_row_cmp(const struct top_row *a, const struct top_row *b, enum top_col col,
		bool descending);
void top_sort(struct top_row *rows, int n, enum top_col col, bool descending);

/* the column whose sort key is `key`, or -1 */
int top_col_by_key(int key);

/*
 * Does device (name, kdev) match a DEVICE argument?  An argument matches
 * the dm name, "dm-N", "MAJ:MIN", or a path whose last component is one
 * of those (/dev/mapper/NAME, /dev/dm-N).
 */
bool top_dev_match(const char *arg, const char *name, uint32_t kdev);
/* interactive filter: substring of the name; empty/NULL matches all */
bool top_filter_match(const char *filter, const char *name);

/*
 * Formatting into buf (always NUL-terminated), returning buf:
 * rates: "0", "0.5", "12.3", "123", "1.2k", "12k", "1.2M"... (fits 6 chars)
 * latency: "-" (< 0), "850ns", "1.54us", "12.3us", "123us", "1.20ms", "12.3ms",
 *          "123ms", "1.23s", "12.3s", "123s"
 * percent: "-" (< 0), "0", "0.02" (below 1), "12.5", "100"
 */
char *top_fmt_rate(double v, char *buf, size_t len);
char *top_fmt_lat(double ns, char *buf, size_t len);
char *top_fmt_pct(double pct, char *buf, size_t len);
char *top_fmt_count(uint64_t v, char *buf, size_t len);	/* 1234567 -> "1.2M" past 7 digits */
const char *top_mode_name(enum dmr_mode m);
/* "ok", "offline", or "-" when the row has no status */
const char *top_main_name(const struct top_row *r);

/* one cell of a row as text (the screen and batch use the same) */
char *top_cell(const struct top_row *r, enum top_col col, char *buf, size_t len);

/* width of the name column for these rows (at least its title, at most max) */
int top_name_width(const struct top_row *rows, int n, int max);

/* batch (-b) output: a header with totals and time, then the table */
void top_print_frame(FILE *f, const struct top_row *rows, int n, double interval_s,
		     const char *timestr);
/* JSON lines (-j): one object per row, every column and the status totals */
void top_print_json(FILE *f, const struct top_row *rows, int n, double unix_time);

#endif
