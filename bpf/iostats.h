/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * iostats.h - map layouts of bpf/iostats.bpf.c, the I/O statistics program
 * shared by `dmremap-trace latency`, dmremap-top and dmremap-exporter.
 *
 * Include vmlinux.h (BPF) or <linux/types.h> (user space) first.
 *
 * Every map holds CUMULATIVE values since the program was loaded; per
 * interval values are computed in user space (tools/lib/dmr_iostats.h), so that
 * nothing is lost between a read and a reset and several readers never
 * disturb each other.  All maps are bounded per-CPU hash maps (user space
 * sums the CPUs' copies): when one is full, new keys are not added and
 * iostats_bss.dropped counts the lost updates (an I/O whose key is not in
 * "io" loses its latency and its counters together).
 *
 * Histograms are log2 of nanoseconds, bcc's convention (tools/lib/hist.h):
 * slot 0 holds 0 and 1, slot i >= 1 holds [2^i, 2^(i+1)); the last slot
 * also takes everything larger.
 */
#ifndef DMREMAP_BPF_IOSTATS_H
#define DMREMAP_BPF_IOSTATS_H

/* log2(ns) slots: slot 39 starts at 2^39 ns (about 550 s) */
#define DMR_IOSTATS_SLOTS	40
/* distinct dm devices the maps hold at once (keys of removed devices stay
 * until user space deletes them: dmr_iostats_forget()) */
#define DMR_IOSTATS_MAX_DEVS	128
/* paths a completed I/O is accounted to: DM_REMAP_PATH_MAIN, _SPARE */
#define DMR_IOSTATS_PATHS	2
/* DM_REMAP_OP_NR */
#define DMR_IOSTATS_OPS		4

/*
 * map "io": per (dev, op, path), the latency histogram and the counters of
 * the completed I/Os.  One map, so that a bio costs one lookup; user space
 * sums the two paths into the per (dev, op) counters (tools/lib/dmr_iostats.h).
 */
struct dmr_io_key {
	__u32 dev;		/* kernel dev_t of the dm device */
	__u16 op;		/* enum dm_remap_op */
	__u16 path;		/* enum dm_remap_path: main or spare (io_done.remapped) */
};

struct dmr_io_val {
	__u64 slots[DMR_IOSTATS_SLOTS];	/* latency, log2(ns) */
	__u64 count;		/* completed I/Os */
	__u64 sum_ns;		/* their latencies */
	__u64 bytes;		/* nr_sectors * 512 of them */
	__u64 errors;		/* completed with error != 0 */
};

/* map "md": metadata commit latency per dev (key: __u32 dev) */
struct dmr_md_val {
	__u64 slots[DMR_IOSTATS_SLOTS];
	__u64 count;
	__u64 sum_ns;
	__u64 errors;		/* commits with error != 0 */
	__u64 entries;		/* sum of the entries written */
};

/*
 * Slot of v: 0 for 0 and 1, floor(log2(v)) otherwise, capped at the last
 * slot.  Used by the BPF program; user space tests it against
 * dmr_log2_slot() (tools/lib/hist.h).
 */
static inline __u32 dmr_iostats_slot(__u64 v)
{
	__u32 r = 0, shift;

	shift = (v > 0xFFFFFFFFULL) << 5; v >>= shift; r |= shift;
	shift = (v > 0xFFFF) << 4; v >>= shift; r |= shift;
	shift = (v > 0xFF) << 3; v >>= shift; r |= shift;
	shift = (v > 0xF) << 2; v >>= shift; r |= shift;
	shift = (v > 0x3) << 1; v >>= shift; r |= shift;
	r |= (__u32)(v >> 1);
	return r < DMR_IOSTATS_SLOTS ? r : DMR_IOSTATS_SLOTS - 1;
}

#define DMR_IOSTATS_IO_ENTRIES	(DMR_IOSTATS_MAX_DEVS * DMR_IOSTATS_OPS * DMR_IOSTATS_PATHS)
#define DMR_IOSTATS_MD_ENTRIES	DMR_IOSTATS_MAX_DEVS

#endif /* DMREMAP_BPF_IOSTATS_H */
