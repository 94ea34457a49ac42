// SPDX-License-Identifier: GPL-2.0
/*
 * hang.bpf.c - start time and sector of every outstanding dm-remap I/O, for
 * `dmremap-trace hang` (layouts: hang.h).  User space polls the map and
 * decides what is stuck; work items and suspends are read from /proc.
 *
 * Only the module's own io_start/io_done/io_error tracepoints are hooked:
 * no scheduler or workqueue hook, so unrelated devices pay nothing and a
 * remap I/O pays one hash insert and one delete.  Each has tp_btf/raw_tp
 * twins (raw_tp when the module has no BTF).
 */
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_tracing.h>
#include "tp.bpf.h"
#include "dm_remap_events.h"
#include "hang.h"

char LICENSE[] SEC("license") = "GPL";

/* I/Os that did not fit in the map */
__u64 dropped_ios = 0;

DMR_MAP(ios, BPF_MAP_TYPE_HASH, DMR_HANG_MAX_IOS, __u64, struct dmr_hang_io);

DMR_MAP(errors, BPF_MAP_TYPE_LRU_HASH, DMR_HANG_MAX_ERRORS, struct dmr_hang_sec_key,
	__u64);

static __always_inline int on_io_start(__u32 dev, __u64 sector, __u32 nr_sectors, __u32 op,
				       __u32 path, __u64 id)
{
	struct dmr_hang_io io = {};

	io.start_ns = bpf_ktime_get_ns();
	io.sector = sector;
	io.dev = dev;
	io.nr_sectors = nr_sectors;
	io.op = op;
	io.path = path;
	if (bpf_map_update_elem(&ios, &id, &io, BPF_ANY))
		__sync_fetch_and_add(&dropped_ios, 1);
	return 0;
}

static __always_inline int on_io_done(__u64 id)
{
	bpf_map_delete_elem(&ios, &id);
	return 0;
}

static __always_inline int on_io_error(__u32 dev, __u64 sector)
{
	struct dmr_hang_sec_key sk = { .sector = sector, .dev = dev };
	__u64 now = bpf_ktime_get_ns();

	bpf_map_update_elem(&errors, &sk, &now, BPF_ANY);
	return 0;
}

/*
 * The loader attaches io_done before io_start (tools/trace/hang.c sets
 * attach_first): an I/O recorded by io_start must have its io_done
 * program, or it would stay in the map.
 * dm_remap_io_done(dev_t dev, u64 sector, u32 nr_sectors, u32 op, int error,
 *		    u32 remapped, u64 latency_ns, u64 id)
 */
DMR_TP(io_done, on_io_done,
       (__u32 dev, __u64 sector, __u32 nr_sectors, __u32 op, int error, __u32 remapped,
	__u64 latency_ns, __u64 id),
       (id))

/* dm_remap_io_start(dev_t dev, u64 sector, u32 nr_sectors, u32 op, u32 path, u64 id) */
DMR_TP(io_start, on_io_start,
       (__u32 dev, __u64 sector, __u32 nr_sectors, __u32 op, __u32 path, __u64 id),
       (dev, sector, nr_sectors, op, path, id))

/* dm_remap_io_error(dev_t dev, u64 sector, u32 nr_sectors, u32 op, int error, u32 target) */
DMR_TP(io_error, on_io_error, (__u32 dev, __u64 sector), (dev, sector))
