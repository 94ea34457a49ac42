// SPDX-License-Identifier: GPL-2.0
/*
 * hang.bpf.c - state for the teardown-hang debugger (`dmremap-trace hang`):
 * work items executing, dm-remap suspend/teardown phases in progress and
 * outstanding dm-remap I/Os, each with the time it started.  Layouts:
 * hang.h.  User space polls the maps; nothing here decides what a stall is.
 *
 * Kernel tracepoints: workqueue_execute_start is read as a classic
 * tracepoint record (work, function), identical on 6.1 and 6.12, whose
 * prototypes differ (6.1: start(work) and end(work); 6.12 also passes the
 * function to both).  execute_end and sched_switch are raw_tp programs that
 * read no argument at all: the function is recorded at execute_start, keyed
 * by the worker's tid, because the work item may be freed before
 * execute_end, and the work pointer is never dereferenced.  So no BTF is
 * needed.  The module's tracepoints have tp_btf/raw_tp twins.
 */
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_tracing.h>
#include "dm_remap_events.h"
#include "hang.h"

char LICENSE[] SEC("license") = "GPL";

/* entries that did not fit in their map */
__u64 dropped_works = 0;
__u64 dropped_ios = 0;
__u64 dropped_tdown = 0;

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, DMR_HANG_MAX_WORKERS);
	__type(key, __u32);
	__type(value, struct dmr_hang_work);
} works SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, DMR_HANG_MAX_DEVS);
	__type(key, __u32);
	__type(value, struct dmr_hang_tdown);
} tdown SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, DMR_HANG_MAX_IOS);
	__type(key, __u64);
	__type(value, struct dmr_hang_io);
} ios SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, DMR_HANG_MAX_IOS);
	__type(key, struct dmr_hang_sec_key);
	__type(value, __u64);
} io_by_sector SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_STACK_TRACE);
	__uint(max_entries, DMR_HANG_MAX_STACKS);
	__uint(key_size, sizeof(__u32));
	__uint(value_size, DMR_HANG_STACK_DEPTH * sizeof(__u64));
} stacks SEC(".maps");

/* ---- work items ---- */

/*
 * The record of tracepoint workqueue/workqueue_execute_start, the same on
 * 6.1 and 6.12 (see its format file): the prototype carries only `work` on
 * 6.1, but the record holds the function the kernel read from it.  Declared
 * here rather than taken from vmlinux.h so that no BTF is needed.
 */
struct wq_start_record {
	__u64 common;		/* common_type, _flags, _preempt_count, _pid */
	__u64 work;
	__u64 function;
};

SEC("tracepoint/workqueue/workqueue_execute_start")
int wq_start(struct wq_start_record *ctx)
{
	__u32 tid = (__u32)bpf_get_current_pid_tgid();
	struct dmr_hang_work w = {};

	w.start_ns = bpf_ktime_get_ns();
	w.work = ctx->work;
	w.function = ctx->function;
	w.stackid = -1;
	bpf_get_current_comm(w.comm, sizeof(w.comm));
	if (bpf_map_update_elem(&works, &tid, &w, BPF_ANY))
		__sync_fetch_and_add(&dropped_works, 1);
	return 0;
}

/* workqueue_execute_end(work[, function]): only the tid is used */
SEC("raw_tp/workqueue_execute_end")
int wq_end(struct bpf_raw_tracepoint_args *ctx)
{
	__u32 tid = (__u32)bpf_get_current_pid_tgid();

	(void)ctx;
	bpf_map_delete_elem(&works, &tid);
	return 0;
}

/*
 * sched_switch(preempt, prev, next[, prev_state]): runs in prev's context,
 * so the current stack is where a work item sleeps.  Only tasks executing a
 * work item are looked at.
 */
SEC("raw_tp/sched_switch")
int on_switch(struct bpf_raw_tracepoint_args *ctx)
{
	__u32 tid = (__u32)bpf_get_current_pid_tgid();
	struct dmr_hang_work *w;

	(void)ctx;
	w = bpf_map_lookup_elem(&works, &tid);
	if (!w)
		return 0;
	w->stackid = bpf_get_stackid(ctx, &stacks, BPF_F_REUSE_STACKID);
	w->switches++;
	return 0;
}

/* ---- dm-remap teardown phases ---- */

static __always_inline int on_teardown(__u32 dev, __u32 phase, __u32 stage, __u32 inflight)
{
	struct dmr_hang_tdown *t = bpf_map_lookup_elem(&tdown, &dev);
	__u64 now = bpf_ktime_get_ns();
	struct dmr_hang_tdown n = {};

	if (stage == DM_REMAP_STAGE_ENTER) {
		n.since_ns = now;
		n.seq_start_ns = t ? t->seq_start_ns : now;
		n.phase = phase;
		n.stage = DM_REMAP_STAGE_ENTER;
		n.inflight = inflight;
		n.pid = (__u32)bpf_get_current_pid_tgid();
		bpf_get_current_comm(n.comm, sizeof(n.comm));
		if (bpf_map_update_elem(&tdown, &dev, &n, BPF_ANY))
			__sync_fetch_and_add(&dropped_tdown, 1);
		return 0;
	}
	if (phase == DM_REMAP_PHASE_PRESUSPEND && t) {
		/* dm core now waits for in-flight I/O, then calls postsuspend */
		t->stage = DM_REMAP_STAGE_EXIT;
		t->since_ns = now;
		t->inflight = inflight;
		return 0;
	}
	bpf_map_delete_elem(&tdown, &dev);
	return 0;
}

/* dm_remap_teardown(dev_t dev, u32 phase, u32 stage, u32 inflight) */
SEC("tp_btf/dm_remap_teardown")
int BPF_PROG(teardown_btf, __u32 dev, __u32 phase, __u32 stage, __u32 inflight)
{
	return on_teardown(dev, phase, stage, inflight);
}

SEC("raw_tp/dm_remap_teardown")
int BPF_PROG(teardown_raw, __u32 dev, __u32 phase, __u32 stage, __u32 inflight)
{
	return on_teardown(dev, phase, stage, inflight);
}

/* ---- outstanding dm-remap I/O ---- */

static __always_inline int on_io_start(__u32 dev, __u64 sector, __u32 nr_sectors, __u32 op,
				       __u32 path, __u64 id)
{
	struct dmr_hang_sec_key sk = { .sector = sector, .dev = dev };
	struct dmr_hang_io io = {};

	io.start_ns = bpf_ktime_get_ns();
	io.sector = sector;
	io.dev = dev;
	io.nr_sectors = nr_sectors;
	io.op = op;
	io.path = path;
	if (bpf_map_update_elem(&ios, &id, &io, BPF_ANY)) {
		__sync_fetch_and_add(&dropped_ios, 1);
		return 0;
	}
	bpf_map_update_elem(&io_by_sector, &sk, &id, BPF_ANY);
	return 0;
}

static __always_inline int on_io_done(__u32 dev, __u64 sector, __u64 id)
{
	struct dmr_hang_sec_key sk = { .sector = sector, .dev = dev };
	__u64 *owner;

	bpf_map_delete_elem(&ios, &id);
	owner = bpf_map_lookup_elem(&io_by_sector, &sk);
	if (owner && *owner == id)
		bpf_map_delete_elem(&io_by_sector, &sk);
	return 0;
}

/* an I/O error hands the I/O to the worker (retry, remap) or fails it at once */
static __always_inline int on_io_error(__u32 dev, __u64 sector)
{
	struct dmr_hang_sec_key sk = { .sector = sector, .dev = dev };
	struct dmr_hang_io *io;
	__u64 *id;

	id = bpf_map_lookup_elem(&io_by_sector, &sk);
	if (!id)
		return 0;
	io = bpf_map_lookup_elem(&ios, id);
	if (io)
		io->path = DM_REMAP_PATH_WORKER;
	return 0;
}

/* io_done is attached before io_start (program order): an I/O recorded by
 * io_start must have its timestamp, or its io_done would never fire. */
/*
 * dm_remap_io_done(dev_t dev, u64 sector, u32 nr_sectors, u32 op, int error,
 *		    u32 remapped, u64 latency_ns, u64 id): id is ctx[7]
 */
SEC("tp_btf/dm_remap_io_done")
int BPF_PROG(io_done_btf, __u32 dev, __u64 sector, __u32 nr_sectors, __u32 op, int error,
	     __u32 remapped, __u64 latency_ns, __u64 id)
{
	return on_io_done(dev, sector, id);
}

SEC("raw_tp/dm_remap_io_done")
int BPF_PROG(io_done_raw, __u32 dev, __u64 sector, __u32 nr_sectors, __u32 op, int error,
	     __u32 remapped, __u64 latency_ns, __u64 id)
{
	return on_io_done(dev, sector, id);
}

/* dm_remap_io_start(dev_t dev, u64 sector, u32 nr_sectors, u32 op, u32 path, u64 id) */
SEC("tp_btf/dm_remap_io_start")
int BPF_PROG(io_start_btf, __u32 dev, __u64 sector, __u32 nr_sectors, __u32 op, __u32 path,
	     __u64 id)
{
	return on_io_start(dev, sector, nr_sectors, op, path, id);
}

SEC("raw_tp/dm_remap_io_start")
int BPF_PROG(io_start_raw, __u32 dev, __u64 sector, __u32 nr_sectors, __u32 op, __u32 path,
	     __u64 id)
{
	return on_io_start(dev, sector, nr_sectors, op, path, id);
}

/* dm_remap_io_error(dev_t dev, u64 sector, u32 nr_sectors, u32 op, int error, u32 target) */
SEC("tp_btf/dm_remap_io_error")
int BPF_PROG(io_error_btf, __u32 dev, __u64 sector)
{
	return on_io_error(dev, sector);
}

SEC("raw_tp/dm_remap_io_error")
int BPF_PROG(io_error_raw, __u32 dev, __u64 sector)
{
	return on_io_error(dev, sector);
}
