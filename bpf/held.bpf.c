// SPDX-License-Identifier: GPL-2.0
/*
 * held.bpf.c - I/O that dm core holds for a suspended remap device, for
 * `dmremap-trace hang` (layout: held.h).
 *
 * While a dm device is suspended (DMF_BLOCK_IO_FOR_SUSPEND), dm_submit_bio()
 * puts each new bio on md->deferred without any accounting: neither the
 * target nor /sys/block/dm-N/inflight sees it, and the writer sleeps in D
 * state with nothing saying why.  The list itself is the only record, so
 * this program reads it where a remap device's dm_target is at hand and
 * nothing runs per I/O: in the module's status function.  The tool asks for
 * each remap device's status at every poll; the program looks only at its
 * own calls (tgid filter), so another process's `dmsetup status` costs a
 * compare.  It sees bios queued long before the tool started.
 *
 * Age: bio->bi_issue holds ktime_get_ns() masked to 51 bits, set by
 * submit_bio_noacct_nocheck() (CONFIG_BLK_CGROUP, on in Debian's kernels)
 * before dm_submit_bio() runs.  A kernel without CONFIG_BLK_CGROUP has no
 * such field (the project's debug kernel, for one): the read is guarded by
 * bpf_core_field_exists(), so the program still loads there, and every bio
 * counts as untimed (user space then reports a lower bound).
 *
 * The devices below: a remap device's I/O sent to a suspended bio-based
 * dm device (its main or spare, e.g. a dm-linear or dm-delay) waits on that
 * device's md->deferred, where the remap device's own counters only know
 * that it is in flight.  So each look also walks the lists of the dm
 * devices in the remap device's table (dm_table.devices): their bios were
 * issued (bi_issue) when the remap target sent them down, an age far
 * closer to the truth than the time since the tool started.  (A
 * request-based device such as multipath holds nothing there.)
 *
 * fentry and kprobe twins: fentry needs the module's BTF; the kprobe
 * (chosen by user space when fentry cannot load) only needs the BTF of
 * dm_mod and vmlinux, which the CO-RE relocations below use either way.
 */
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_core_read.h>
#include <bpf/bpf_tracing.h>
#include "tp.bpf.h"
#include "held.h"

char LICENSE[] SEC("license") = "GPL";

/* the tool's own process: only its status calls are looked at */
const volatile __u32 targ_tgid = 0;

/*
 * dm core's private types, as far as they are read here.  Not in vmlinux.h
 * (dm_mod is a module): CO-RE finds them in dm_mod's BTF by name (the
 * ___dmr suffix is dropped) and relocates each field to its offset on the
 * running kernel.
 */
struct mapped_device___dmr {
	unsigned long flags;
	struct gendisk *disk;
	struct bio_list deferred;
} __attribute__((preserve_access_index));

struct dm_table___dmr {
	struct mapped_device___dmr *md;
	struct list_head devices;	/* of struct dm_dev_internal */
} __attribute__((preserve_access_index));

struct dm_dev___dmr {
	struct block_device *bdev;
} __attribute__((preserve_access_index));

struct dm_dev_internal___dmr {
	struct list_head list;
	struct dm_dev___dmr *dm_dev;
} __attribute__((preserve_access_index));

struct dm_target___dmr {
	struct dm_table___dmr *table;
} __attribute__((preserve_access_index));

/* include/linux/blk_types.h: the time part of struct bio_issue */
#define BIO_ISSUE_TIME_MASK ((1ULL << 51) - 1)

DMR_MAP(held, BPF_MAP_TYPE_LRU_HASH, DMR_HELD_MAX_DEVS, __u32, struct dmr_held);

struct walk_ctx {
	struct bio *bio;	/* the next bio to look at */
	__u64 now;		/* masked like bi_issue */
	struct dmr_held h;
};

/*
 * One bio of md->deferred per call.  The list is protected by
 * md->deferred_lock, which BPF cannot take: the walk is racy and read-only.
 * Every pointer is read with bpf_probe_read_kernel() (BPF_CORE_READ), which
 * cannot fault: a bio taken off the list meanwhile (resume) yields a stale
 * or NULL next pointer, never a crash, and bpf_loop() bounds the steps.
 * The figures are those of a moment, exact while the device stays
 * suspended (nothing leaves the list then).
 */
static long walk_one(__u32 index, void *arg)
{
	struct walk_ctx *c = arg;
	struct dmr_held *h = &c->h;
	struct bio *bio = c->bio;	/* outside BPF_CORE_READ: walk_ctx is ours */
	__u64 issue, age;

	if (!bio)
		return 1;
	h->count++;
	issue = 0;
	if (bpf_core_field_exists(bio->bi_issue))
		issue = BPF_CORE_READ(bio, bi_issue.value) & BIO_ISSUE_TIME_MASK;
	if (!issue) {
		h->untimed++;
	} else {
		age = (c->now - issue) & BIO_ISSUE_TIME_MASK;
		if (age >= h->oldest_age_ns) {
			h->oldest_age_ns = age;
			h->oldest_sector = BPF_CORE_READ(bio, bi_iter.bi_sector);
		}
	}
	c->bio = BPF_CORE_READ(bio, bi_next);
	return 0;
}

/* md's deferred list, as the map entry of its disk; its major, 0 if none */
static __always_inline __u32 look_md(struct mapped_device___dmr *md)
{
	struct walk_ctx c = {};
	struct dmr_held *h = &c.h;
	struct gendisk *disk;
	__u32 major, dev;

	disk = BPF_CORE_READ(md, disk);
	if (!disk)
		return 0;
	major = BPF_CORE_READ(disk, major);
	dev = (major << 20) | (__u32)BPF_CORE_READ(disk, first_minor);
	h->seen_ns = bpf_ktime_get_ns();
	c.now = h->seen_ns & BIO_ISSUE_TIME_MASK;
	c.bio = BPF_CORE_READ(md, deferred.head);
	if (c.bio)
		bpf_loop(DMR_HELD_MAX_BIOS, walk_one, &c, 0);
	/* still a bio after the last step: the list is longer than we count */
	h->count_capped = c.bio != NULL;
	/*
	 * The flags after the walk: a resume clears the block before it drains
	 * the list, so a list seen while a resume began reads as draining
	 * (user space counts held I/O only while I/O is blocked).
	 */
	h->md_flags = BPF_CORE_READ(md, flags);
	bpf_map_update_elem(&held, &dev, h, BPF_ANY);
	return major;
}

/*
 * The dm devices in table t (a remap table has two), those whose disk has
 * dm's major: dm_major, the remap device's own.  The list is stable while
 * a status call runs: dm holds the table (a table's device list changes
 * only while it is built).
 */
static __always_inline void look_below(struct dm_table___dmr *t, __u32 dm_major)
{
	struct list_head *head = &t->devices, *pos;
	struct dm_dev_internal___dmr *dd;
	struct gendisk *disk;

	pos = BPF_CORE_READ(t, devices.next);
	for (int i = 0; i < DMR_HELD_MAX_BELOW && pos && pos != head; i++) {
		dd = (void *)pos - bpf_core_field_offset(struct dm_dev_internal___dmr, list);
		disk = BPF_CORE_READ(dd, dm_dev, bdev, bd_disk);
		/* a dm disk's private_data is its mapped_device */
		if (disk && BPF_CORE_READ(disk, major) == dm_major)
			look_md(BPF_CORE_READ(disk, private_data));
		pos = BPF_CORE_READ(pos, next);
	}
}

static __always_inline int look(struct dm_target___dmr *ti)
{
	struct dm_table___dmr *t;
	struct mapped_device___dmr *md;
	__u32 dm_major;

	if ((__u32)(bpf_get_current_pid_tgid() >> 32) != targ_tgid)
		return 0;
	t = BPF_CORE_READ(ti, table);
	if (!t)
		return 0;
	md = BPF_CORE_READ(t, md);
	if (!md)
		return 0;
	dm_major = look_md(md);
	if (dm_major)
		look_below(t, dm_major);
	return 0;
}

/* void remap_status(struct dm_target *ti, status_type_t type, ...) */
SEC("fentry/remap_status")
int BPF_PROG(status_fentry, struct dm_target___dmr *ti)
{
	return look(ti);
}

SEC("kprobe/remap_status")
int BPF_KPROBE(status_kprobe, struct dm_target___dmr *ti)
{
	return look(ti);
}
