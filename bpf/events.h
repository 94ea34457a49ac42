/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * events.h - the record bpf/events.bpf.c sends to user space through its
 * ring buffer.  Shared by the BPF program and the tools.
 *
 * Include vmlinux.h (BPF) or <linux/types.h> (user space) first: this
 * header uses the __u32/__u64/__s32 types and defines nothing else.
 */
#ifndef DMREMAP_BPF_EVENTS_H
#define DMREMAP_BPF_EVENTS_H

#define DMR_TASK_COMM_LEN	16
/* device filter slots in the rodata of every program set */
#define DMR_MAX_FILTER_DEVS	16
/* ring buffer of events.bpf.c, in bytes (a power of two, page multiple) */
#define DMR_EVENTS_RINGBUF_SIZE	(256 * 1024)

/* one per tracepoint of the module; also the index into the tools' name tables */
enum dmr_event_type {
	DMR_EV_IO_ERROR		= 1,
	DMR_EV_PENDING		= 2,
	DMR_EV_REMAP		= 3,
	DMR_EV_LOST		= 4,
	DMR_EV_IO_DONE		= 5,
	DMR_EV_MD_COMMIT	= 6,
	DMR_EV_TEARDOWN		= 7,
	DMR_EV_NR		= 8,
};

/* fixed size; `type` says which member of the union is valid */
struct dmr_event {
	__u64 ts_ns;		/* bpf_ktime_get_ns(): CLOCK_MONOTONIC */
	__u32 type;		/* enum dmr_event_type */
	__u32 dev;		/* kernel dev_t of the dm device (major << 20 | minor) */
	__u32 pid;		/* task the tracepoint fired in */
	__u32 cpu;
	char comm[DMR_TASK_COMM_LEN];
	union {
		struct {
			__u64 sector;
			__u32 nr_sectors;
			__u32 op;		/* enum dm_remap_op */
			__s32 error;		/* negative errno */
			__u32 target;		/* enum dm_remap_target */
		} io_error;
		struct {
			__u64 block;
		} pending;
		struct {
			__u64 block;
			__u64 spare_block;
			__u32 reason;		/* enum dm_remap_reason */
		} remap;
		struct {
			__u64 block;
			__u32 nr_sectors;
		} lost;
		struct {
			__u64 seq;
			__u64 latency_ns;
			__u32 entries;
			__s32 error;
		} md_commit;
		struct {
			__u32 phase;		/* enum dm_remap_phase */
			__u32 stage;		/* enum dm_remap_stage */
			__u32 inflight;
		} teardown;
		__u64 pad[4];
	};
};

#endif /* DMREMAP_BPF_EVENTS_H */
