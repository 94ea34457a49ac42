// SPDX-License-Identifier: GPL-2.0
/*
 * events.bpf.c - forward the dm_remap tracepoints (except the per-I/O
 * dm_remap_io_done) to user space, one struct dmr_event per hit.
 *
 * Every program exists twice: "<name>_btf" (SEC tp_btf/, needs the module's
 * BTF) and "<name>_raw" (SEC raw_tp/, works without it).  User space keeps one
 * set with bpf_program__set_autoload() (tools/lib/bpf_attach.c).  Both read
 * the tracepoint arguments in TP_PROTO order.
 */
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_tracing.h>
#include "tp.bpf.h"
#include "dm_remap_events.h"
#include "events.h"

char LICENSE[] SEC("license") = "GPL";

#include "dev_filter.bpf.h"

/* events that did not fit in the ring buffer */
__u64 dropped = 0;

struct {
	__uint(type, BPF_MAP_TYPE_RINGBUF);
	__uint(max_entries, DMR_EVENTS_RINGBUF_SIZE);
} events SEC(".maps");

static __always_inline struct dmr_event *reserve(__u32 dev, __u32 type)
{
	struct dmr_event *e;

	if (!dev_wanted(dev))
		return NULL;
	e = bpf_ringbuf_reserve(&events, sizeof(*e), 0);
	if (!e) {
		__sync_fetch_and_add(&dropped, 1);
		return NULL;
	}
	__builtin_memset(e, 0, sizeof(*e));
	e->ts_ns = bpf_ktime_get_ns();
	e->type = type;
	e->dev = dev;
	e->pid = bpf_get_current_pid_tgid() >> 32;
	e->cpu = bpf_get_smp_processor_id();
	bpf_get_current_comm(e->comm, sizeof(e->comm));
	return e;
}

static __always_inline int on_io_error(__u32 dev, __u64 sector, __u32 nr_sectors,
				       __u32 op, int error, __u32 target)
{
	struct dmr_event *e = reserve(dev, DMR_EV_IO_ERROR);

	if (!e)
		return 0;
	e->io_error.sector = sector;
	e->io_error.nr_sectors = nr_sectors;
	e->io_error.op = op;
	e->io_error.error = error;
	e->io_error.target = target;
	bpf_ringbuf_submit(e, 0);
	return 0;
}

static __always_inline int on_pending(__u32 dev, __u64 block)
{
	struct dmr_event *e = reserve(dev, DMR_EV_PENDING);

	if (!e)
		return 0;
	e->pending.block = block;
	bpf_ringbuf_submit(e, 0);
	return 0;
}

static __always_inline int on_remap(__u32 dev, __u64 block, __u64 spare_block, __u32 reason)
{
	struct dmr_event *e = reserve(dev, DMR_EV_REMAP);

	if (!e)
		return 0;
	e->remap.block = block;
	e->remap.spare_block = spare_block;
	e->remap.reason = reason;
	bpf_ringbuf_submit(e, 0);
	return 0;
}

static __always_inline int on_lost(__u32 dev, __u64 block, __u32 nr_sectors)
{
	struct dmr_event *e = reserve(dev, DMR_EV_LOST);

	if (!e)
		return 0;
	e->lost.block = block;
	e->lost.nr_sectors = nr_sectors;
	bpf_ringbuf_submit(e, 0);
	return 0;
}

static __always_inline int on_md_commit(__u32 dev, __u64 seq, __u32 entries,
					__u64 latency_ns, int error)
{
	struct dmr_event *e = reserve(dev, DMR_EV_MD_COMMIT);

	if (!e)
		return 0;
	e->md_commit.seq = seq;
	e->md_commit.entries = entries;
	e->md_commit.latency_ns = latency_ns;
	e->md_commit.error = error;
	bpf_ringbuf_submit(e, 0);
	return 0;
}

static __always_inline int on_teardown(__u32 dev, __u32 phase, __u32 stage, __u32 inflight)
{
	struct dmr_event *e = reserve(dev, DMR_EV_TEARDOWN);

	if (!e)
		return 0;
	e->teardown.phase = phase;
	e->teardown.stage = stage;
	e->teardown.inflight = inflight;
	bpf_ringbuf_submit(e, 0);
	return 0;
}

/* dm_remap_io_error(dev_t dev, u64 sector, u32 nr_sectors, u32 op, int error, u32 target) */
DMR_TP(io_error, on_io_error,
       (__u32 dev, __u64 sector, __u32 nr_sectors, __u32 op, int error, __u32 target),
       (dev, sector, nr_sectors, op, error, target))

/* dm_remap_pending(dev_t dev, u64 block) */
DMR_TP(pending, on_pending, (__u32 dev, __u64 block), (dev, block))

/* dm_remap_remap(dev_t dev, u64 block, u64 spare_block, u32 reason) */
DMR_TP(remap, on_remap,
       (__u32 dev, __u64 block, __u64 spare_block, __u32 reason),
       (dev, block, spare_block, reason))

/* dm_remap_lost(dev_t dev, u64 block, u32 nr_sectors) */
DMR_TP(lost, on_lost, (__u32 dev, __u64 block, __u32 nr_sectors), (dev, block, nr_sectors))

/* dm_remap_md_commit(dev_t dev, u64 seq, u32 entries, u64 latency_ns, int error) */
DMR_TP(md_commit, on_md_commit,
       (__u32 dev, __u64 seq, __u32 entries, __u64 latency_ns, int error),
       (dev, seq, entries, latency_ns, error))

/* dm_remap_teardown(dev_t dev, u32 phase, u32 stage, u32 inflight) */
DMR_TP(teardown, on_teardown,
       (__u32 dev, __u32 phase, __u32 stage, __u32 inflight),
       (dev, phase, stage, inflight))
