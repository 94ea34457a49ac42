/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * held.h - map layout of bpf/held.bpf.c: I/O that dm core holds for a
 * suspended remap device or a suspended dm device below one (md->deferred),
 * for `dmremap-trace hang`.  Include vmlinux.h (BPF) or <linux/types.h>
 * first.
 */
#ifndef DMREMAP_BPF_HELD_H
#define DMREMAP_BPF_HELD_H

/*
 * remap devices and the dm devices below them remembered at once (LRU: the
 * oldest entry makes room)
 */
#define DMR_HELD_MAX_DEVS	1024
/* dm devices looked at below one remap device (its table has 2) */
#define DMR_HELD_MAX_BELOW	4
/* bios counted per look at one device's list; beyond: count_capped */
#define DMR_HELD_MAX_BIOS	65536

/* struct mapped_device's flags bits (drivers/md/dm-core.h, 6.1 to 6.12) */
#define DMR_DMF_BLOCK_IO_FOR_SUSPEND	0
#define DMR_DMF_SUSPENDED		1

/* map "held", key: __u32 kernel dev_t (major << 20 | minor) of the dm device */
struct dmr_held {
	__u64 seen_ns;		/* bpf_ktime_get_ns() (CLOCK_MONOTONIC) of this look */
	__u64 md_flags;		/* md->flags then (DMR_DMF_*) */
	__u64 count;		/* bios on md->deferred (at most DMR_HELD_MAX_BIOS) */
	__u64 untimed;		/* of which without an issue time (bi_issue 0) */
	__u64 oldest_age_ns;	/* age of the oldest timed bio at seen_ns */
	__u64 oldest_sector;	/* its sector on the dm device */
	__u32 count_capped;	/* 1: the list is longer than DMR_HELD_MAX_BIOS */
	__u32 pad;
};

#endif /* DMREMAP_BPF_HELD_H */
