/* SPDX-License-Identifier: GPL-2.0 */
/*
 * dmr_iostats.h - I/O statistics of dm-remap devices from the BPF program
 * bpf/iostats.bpf.c: latency histograms per (device, op, path), counters
 * per (device, op) and metadata commit latency per device.
 * Used by `dmremap-trace latency`, dmremap-top and dmremap-exporter.
 *
 * The BPF maps hold cumulative values since dmr_iostats_open(); this API
 * returns either those totals or the change since the previous interval
 * read (the "reset" is a baseline kept in user space, so no update is ever
 * lost between a read and a reset, and no other reader is disturbed).
 *
 * Usage (error handling shortened):
 *
 *	struct dmr_iostats_opts o = { .verbose = false };
 *	struct dmr_iostats *st;
 *	struct dmr_iostats_snap snap = { 0 };
 *	char err[256];
 *
 *	if (dmr_iostats_open(&st, &o, err, sizeof(err))) {
 *		fprintf(stderr, "tool: %s\n", err);	// "dm_remap is not loaded", ...
 *		return 1;
 *	}
 *	for (;;) {
 *		sleep(interval);
 *		if (dmr_iostats_read(st, DMR_IOSTATS_INTERVAL, &snap))
 *			break;
 *		for (size_t i = 0; i < snap.nr_io; i++)	// per (dev, op)
 *			use(snap.io[i].dev, snap.io[i].op, snap.io[i].v.ios, ...);
 *		for (size_t i = 0; i < snap.nr_lat; i++)	// per (dev, op, path)
 *			dmr_hist_quantile(snap.lat[i].v.slots, DMR_IOSTATS_SLOTS, 0.99);
 *		// snap.interval_ns: length of the interval, for rates
 *	}
 *	dmr_iostats_snap_free(&snap);
 *	dmr_iostats_close(st);
 *
 * Reading with DMR_IOSTATS_TOTAL instead gives the cumulative values
 * (Prometheus counters and histograms) and leaves the interval baseline
 * alone; both modes can be mixed on one handle.  Entries are sorted by
 * (dev, op, path); an interval snapshot keeps entries whose change is zero
 * (so a device that went idle still shows, with zeroes).  Histograms
 * follow tools/lib/hist.h (log2 of nanoseconds; Prometheus le of slot i is
 * dmr_hist_le(i, 1e-9) seconds).
 *
 * The handle attaches to dm_remap_io_done and dm_remap_md_commit, which
 * pins the module (rmmod fails with EBUSY until dmr_iostats_close()), and
 * enables the module's per-I/O timestamps.  A tool that must survive the
 * module going away (the exporter) closes the handle when
 * dmr_iostats_module_loaded() turns false, and opens a new one when it is
 * back; counts restart from zero then.
 *
 * Not thread-safe: one thread per handle.
 */
#ifndef DMREMAP_IOSTATS_H
#define DMREMAP_IOSTATS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <linux/types.h>

#include "bpf_attach.h"
#include "iostats.h"		/* bpf/iostats.h (tools/lib has no iostats.h): map layouts, DMR_IOSTATS_SLOTS */

#ifndef DMR_IOSTATS_MAX_FILTER
#define DMR_IOSTATS_MAX_FILTER	16	/* DMR_MAX_FILTER_DEVS of bpf/events.h */
#endif

struct dmr_iostats;

struct dmr_iostats_opts {
	bool verbose;		/* libbpf's messages on stderr */
	bool force_raw_tp;	/* raw_tp even when the module has BTF */
	int nr_devs;		/* 0: every device; else only these (max DMR_IOSTATS_MAX_FILTER) */
	const uint32_t *devs;	/* kernel dev_t values (dmr_dm_resolve()) */
};

/*
 * An entry of the BPF map "io" in user-space types, laid out exactly as
 * bpf/iostats.h's key and value: latency and counters of the I/Os of `dev`
 * with operation `op` served by `path`.  The snapshot splits them into
 * struct dmr_iostats_lat and dmr_iostats_io (dmr_iostats_snap_fill()).
 */
struct dmr_iostats_pathval {
	uint64_t slots[DMR_IOSTATS_SLOTS];	/* log2(ns), tools/lib/hist.h */
	uint64_t count;		/* completed I/Os */
	uint64_t sum_ns;
	uint64_t bytes;
	uint64_t errors;	/* completed with an error */
};

struct dmr_iostats_path {
	uint32_t dev;
	uint16_t op;
	uint16_t path;
	struct dmr_iostats_pathval v;
};

/* Values of a snapshot; the md value is laid out as bpf/iostats.h's dmr_md_val. */
struct dmr_iostats_latval {
	uint64_t slots[DMR_IOSTATS_SLOTS];	/* log2(ns), tools/lib/hist.h */
	uint64_t count;
	uint64_t sum_ns;
};

struct dmr_iostats_ioval {
	uint64_t ios;		/* completed I/Os */
	uint64_t bytes;
	uint64_t errors;	/* completed with an error */
	uint64_t remapped;	/* served by the spare */
};

struct dmr_iostats_mdval {
	uint64_t slots[DMR_IOSTATS_SLOTS];
	uint64_t count;
	uint64_t sum_ns;
	uint64_t errors;
	uint64_t entries;	/* remap entries written */
};

/* one latency histogram: I/Os of `dev` with operation `op` served by `path` */
struct dmr_iostats_lat {
	uint32_t dev;		/* kernel dev_t (major << 20 | minor) */
	uint32_t op;		/* enum dm_remap_op (dmr_op_name()) */
	uint32_t path;		/* DM_REMAP_PATH_MAIN or DM_REMAP_PATH_SPARE (dmr_path_name()) */
	struct dmr_iostats_latval v;
};

/* counters of `dev`, operation `op` (all paths) */
struct dmr_iostats_io {
	uint32_t dev;
	uint32_t op;
	struct dmr_iostats_ioval v;
};

/* metadata commits of `dev` */
struct dmr_iostats_md {
	uint32_t dev;
	struct dmr_iostats_mdval v;
};

struct dmr_iostats_snap {
	struct dmr_iostats_lat *lat;
	size_t nr_lat;
	struct dmr_iostats_io *io;
	size_t nr_io;
	struct dmr_iostats_md *md;
	size_t nr_md;
	uint64_t ts_ns;		/* CLOCK_MONOTONIC of the read */
	uint64_t interval_ns;	/* since the previous interval read (or open); TOTAL: since open */
	uint64_t dropped;	/* updates lost to full maps since open (cumulative) */
};

enum dmr_iostats_mode {
	DMR_IOSTATS_TOTAL,	/* cumulative since open */
	DMR_IOSTATS_INTERVAL,	/* change since the previous INTERVAL read; starts a new interval */
};

/*
 * Check the environment, load and attach the program (tp_btf when the
 * module has BTF, raw_tp otherwise).  0 and *out, or -errno with a one-line
 * reason in err ("must run as root", "dm_remap is not loaded", ...).
 */
int dmr_iostats_open(struct dmr_iostats **out, const struct dmr_iostats_opts *o,
		     char *err, size_t len);
void dmr_iostats_close(struct dmr_iostats *st);

/* how the module's tracepoints were attached */
enum dmr_attach_mode dmr_iostats_mode(const struct dmr_iostats *st);

/* /sys/module/dm_remap exists */
bool dmr_iostats_module_loaded(void);

/*
 * Fill snap (its arrays are reused and grown; start from a zeroed struct,
 * release with dmr_iostats_snap_free).  0 or -errno.
 */
int dmr_iostats_read(struct dmr_iostats *st, enum dmr_iostats_mode mode,
		     struct dmr_iostats_snap *snap);

/*
 * Drop every entry of `dev` from the maps and from the baseline (a removed
 * device; keeps the maps from filling up with dead devices).  0 or -errno.
 */
int dmr_iostats_forget(struct dmr_iostats *st, uint32_t dev);

void dmr_iostats_snap_free(struct dmr_iostats_snap *snap);

/* ---- pure helpers on snapshots (no BPF; unit-tested) ---- */

/* sort the entries by (dev, op, path) */
void dmr_iostats_snap_sort(struct dmr_iostats_snap *snap);

/*
 * Fill snap->lat (one per key) and snap->io (the records of one (dev, op)
 * summed; remapped = the count of the spare path) from n map records in
 * any order; both come out sorted.  rec is sorted in place, and of two
 * records of one key the one with the larger count is kept.  Replaces what
 * lat and io held.  0 or -ENOMEM (snap unchanged then).
 */
int dmr_iostats_snap_fill(struct dmr_iostats_snap *snap, struct dmr_iostats_path *rec,
			  size_t n);

/*
 * cur - prev, entry by entry (matched by key; an entry missing in prev
 * counts from zero; a value smaller than in prev, e.g. after the device
 * was forgotten and came back, is taken as it is).  Both sorted.  out gets
 * cur's keys; out may not alias cur or prev.  0 or -ENOMEM.
 */
int dmr_iostats_snap_delta(const struct dmr_iostats_snap *cur,
			   const struct dmr_iostats_snap *prev,
			   struct dmr_iostats_snap *out);

/* deep copy; 0 or -ENOMEM */
int dmr_iostats_snap_copy(struct dmr_iostats_snap *dst, const struct dmr_iostats_snap *src);

/* lookups in a sorted snapshot; NULL when absent */
const struct dmr_iostats_lat *dmr_iostats_find_lat(const struct dmr_iostats_snap *s,
						   uint32_t dev, uint32_t op, uint32_t path);
const struct dmr_iostats_io *dmr_iostats_find_io(const struct dmr_iostats_snap *s,
						 uint32_t dev, uint32_t op);
const struct dmr_iostats_md *dmr_iostats_find_md(const struct dmr_iostats_snap *s, uint32_t dev);

/*
 * Sums over every op and path of `dev`: counters into *io (ops summed) and
 * the latency histogram into *lat (NULL to skip).  Returns true when dev
 * has any entry.
 */
bool dmr_iostats_dev_sum(const struct dmr_iostats_snap *s, uint32_t dev,
			 struct dmr_iostats_ioval *io, struct dmr_iostats_latval *lat);

/*
 * The distinct devices of s (from all three tables), sorted, into devs;
 * returns how many were stored (at most max: size devs by
 * DMR_IOSTATS_MAX_DEVS to get them all).
 */
size_t dmr_iostats_devs(const struct dmr_iostats_snap *s, uint32_t *devs, size_t max);

#endif
