// SPDX-License-Identifier: GPL-2.0
/*
 * iostats.bpf.c - I/O statistics of dm-remap devices, aggregated in the
 * kernel: a log2 latency histogram and counters per (dev, op, path), and a
 * metadata commit latency histogram per dev.  A completed bio costs one map
 * lookup (an insert the first time its key is seen).  Layouts and
 * semantics: iostats.h; user-space API: tools/lib/dmr_iostats.h.
 *
 * The maps are per-CPU hashes: each CPU adds to its own copy of a value
 * with plain adds (no atomic instruction, no cache line bouncing between
 * CPUs at high IOPS); user space sums the copies when it reads
 * (tools/lib/dmr_iostats.c).  A program never runs nested on one CPU
 * (the kernel's per-program recursion check skips a nested run and counts
 * it as a miss), so a CPU's copy has a single writer.
 *
 * Sources: dm_remap_io_done (the module takes its per-I/O timestamps only
 * while this tracepoint is enabled: attaching this program enables it) and
 * dm_remap_md_commit.  Each program exists as tp_btf and raw_tp twins
 * (tools/lib/bpf_attach.h keeps one of each pair); both read the arguments
 * in TP_PROTO order.
 */
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_tracing.h>
#include "tp.bpf.h"
#include "dm_remap_events.h"
#include "events.h"
#include "iostats.h"

char LICENSE[] SEC("license") = "GPL";

#include "dev_filter.bpf.h"

/* updates lost because a map was full (rare: atomic on the shared global) */
__u64 dropped = 0;

DMR_MAP(io, BPF_MAP_TYPE_PERCPU_HASH, DMR_IOSTATS_IO_ENTRIES, struct dmr_io_key,
	struct dmr_io_val);

DMR_MAP(md, BPF_MAP_TYPE_PERCPU_HASH, DMR_IOSTATS_MD_ENTRIES, __u32, struct dmr_md_val);

/* zero values to insert (global: too large for the 512-byte stack) */
static const struct dmr_io_val zero_io;
static const struct dmr_md_val zero_md;

/* lookup, inserting `init` when missing; NULL (and dropped++) when full */
static __always_inline void *lookup_or_init(void *map, const void *key, const void *init)
{
	void *v = bpf_map_lookup_elem(map, key);

	if (v)
		return v;
	bpf_map_update_elem(map, key, init, BPF_NOEXIST);
	v = bpf_map_lookup_elem(map, key);
	if (!v)
		__sync_fetch_and_add(&dropped, 1);
	return v;
}

/* One latency into a log2 histogram: its bucket, count and sum. */
static __always_inline void hist_add(__u64 *slots, __u64 *count, __u64 *sum_ns,
				     __u64 latency_ns)
{
	__u32 slot = dmr_iostats_slot(latency_ns);

	*count += 1;
	*sum_ns += latency_ns;
	/* keep the bound check the compiler would drop: the verifier needs it */
	barrier_var(slot);
	if (slot < DMR_IOSTATS_SLOTS)
		slots[slot] += 1;
}

static __always_inline int on_io_done(__u32 dev, __u32 nr_sectors, __u32 op, int error,
				      __u32 remapped, __u64 latency_ns)
{
	struct dmr_io_key k = {};
	struct dmr_io_val *v;

	if (!dev_wanted(dev))
		return 0;

	k.dev = dev;
	k.op = op;
	k.path = remapped ? DM_REMAP_PATH_SPARE : DM_REMAP_PATH_MAIN;
	v = lookup_or_init(&io, &k, &zero_io);
	if (!v)
		return 0;
	hist_add(v->slots, &v->count, &v->sum_ns, latency_ns);
	v->bytes += (__u64)nr_sectors << 9;
	if (error)
		v->errors += 1;
	return 0;
}

static __always_inline int on_md_commit(__u32 dev, __u32 entries, __u64 latency_ns, int error)
{
	struct dmr_md_val *mv;

	if (!dev_wanted(dev))
		return 0;
	mv = lookup_or_init(&md, &dev, &zero_md);
	if (!mv)
		return 0;
	hist_add(mv->slots, &mv->count, &mv->sum_ns, latency_ns);
	mv->entries += entries;
	if (error)
		mv->errors += 1;
	return 0;
}

/*
 * dm_remap_io_done(dev_t dev, u64 sector, u32 nr_sectors, u32 op, int error,
 *		    u32 remapped, u64 latency_ns, u64 id)
 */
DMR_TP(io_done, on_io_done,
       (__u32 dev, __u64 sector, __u32 nr_sectors, __u32 op, int error, __u32 remapped,
	__u64 latency_ns),
       (dev, nr_sectors, op, error, remapped, latency_ns))

/* dm_remap_md_commit(dev_t dev, u64 seq, u32 entries, u64 latency_ns, int error) */
DMR_TP(md_commit, on_md_commit,
       (__u32 dev, __u64 seq, __u32 entries, __u64 latency_ns, int error),
       (dev, entries, latency_ns, error))
