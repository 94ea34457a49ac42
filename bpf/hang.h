/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * hang.h - map layouts of bpf/hang.bpf.c, the teardown-hang debugger of
 * `dmremap-trace hang`.  Include vmlinux.h (BPF) or <linux/types.h> first.
 *
 * The BPF side only keeps "what is in progress since when"; user space
 * polls the maps and decides what is a stall.  Every map is bounded; an
 * entry that does not fit is counted in the `dropped_*` globals.
 */
#ifndef DMREMAP_BPF_HANG_H
#define DMREMAP_BPF_HANG_H

/* work items executing at once (one per kworker thread) */
#define DMR_HANG_MAX_WORKERS	4096
/* outstanding dm-remap I/Os tracked */
#define DMR_HANG_MAX_IOS	16384
/* dm-remap devices with a suspend/resume/destroy sequence in progress */
#define DMR_HANG_MAX_DEVS	256
/* distinct kernel stacks kept */
#define DMR_HANG_MAX_STACKS	1024
#define DMR_HANG_STACK_DEPTH	127	/* PERF_MAX_STACK_DEPTH */

/*
 * map "works", key: __u32 tid of the kworker.  Written at
 * workqueue_execute_start, deleted at workqueue_execute_end.  The work
 * pointer is an identity only: it is never dereferenced (the item may be
 * freed before execute_end).
 */
struct dmr_hang_work {
	__u64 start_ns;		/* bpf_ktime_get_ns() at execute_start */
	__u64 function;		/* work->func, read from the tracepoint's argument */
	__u64 work;		/* the work_struct's address (identity only) */
	__s32 stackid;		/* kernel stack at its last sleep/preemption, or -1 */
	__u32 switches;		/* times it was switched out */
	char comm[16];
};

/*
 * map "tdown", key: __u32 kernel dev_t of the dm device.  A phase that
 * entered and did not exit, or the window after presuspend's exit (dm core
 * waits for in-flight I/O before postsuspend).  Deleted when the sequence
 * ends: exit of postsuspend, presuspend_undo, preresume (failed), resume,
 * dtr.
 */
struct dmr_hang_tdown {
	__u64 since_ns;		/* entry of `phase`, or presuspend's exit */
	__u64 seq_start_ns;	/* entry of the sequence's first phase */
	__u32 phase;		/* enum dm_remap_phase */
	__u32 stage;		/* enum dm_remap_stage: EXIT = waiting after the phase */
	__u32 inflight;		/* the module's in-flight count at the last event */
	__u32 pid;		/* task that entered the phase */
	char comm[16];
};

/* map "ios", key: __u64 id of dm_remap_io_start/io_done */
struct dmr_hang_io {
	__u64 start_ns;
	__u64 sector;
	__u32 dev;
	__u32 nr_sectors;
	__u32 op;		/* enum dm_remap_op */
	__u32 path;		/* enum dm_remap_path; WORKER once an I/O error handed it over */
};

/* map "io_by_sector": {dev, sector} -> id, to find the I/O of a dm_remap_io_error */
struct dmr_hang_sec_key {
	__u64 sector;
	__u32 dev;
	__u32 pad;
};

#endif /* DMREMAP_BPF_HANG_H */
