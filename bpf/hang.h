/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * hang.h - map layouts of bpf/hang.bpf.c, the I/O part of the teardown-hang
 * debugger (`dmremap-trace hang`).  Include vmlinux.h (BPF) or
 * <linux/types.h> first.
 *
 * Work items and suspends/removals are read from the kernel's own state
 * (/proc, sysfs) by user space, so that stalls older than the tool are
 * seen too; BPF only adds the start time and sector of each dm-remap I/O
 * issued while the tool runs.  Every map is bounded; an entry that does not
 * fit is counted in the `dropped_*` globals.
 */
#ifndef DMREMAP_BPF_HANG_H
#define DMREMAP_BPF_HANG_H

/* outstanding dm-remap I/Os tracked */
#define DMR_HANG_MAX_IOS	16384
/* {dev, sector} of recent I/O errors (the worker took the I/O over) */
#define DMR_HANG_MAX_ERRORS	1024

/* map "ios", key: __u64 id of dm_remap_io_start/io_done */
struct dmr_hang_io {
	__u64 start_ns;		/* bpf_ktime_get_ns() (CLOCK_MONOTONIC) at io_start */
	__u64 sector;
	__u32 dev;
	__u32 nr_sectors;
	__u32 op;		/* enum dm_remap_op */
	__u32 path;		/* enum dm_remap_path at io_start */
};

/*
 * map "errors" (LRU): {dev, sector} of a dm_remap_io_error -> its time.  An
 * outstanding I/O found here was handed to the worker (retry, remap).
 * Looked up by user space only, so the I/O path pays nothing for it.
 */
struct dmr_hang_sec_key {
	__u64 sector;
	__u32 dev;
	__u32 pad;
};

#endif /* DMREMAP_BPF_HANG_H */
