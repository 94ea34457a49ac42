/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Tracepoints of the dm-remap target (TRACE_SYSTEM dm_remap).
 *
 * Every event carries the dm device's dev_t as "dev".  The prototypes are
 * plain scalars on purpose: BPF raw_tp programs read them positionally on
 * kernels whose module has no BTF, and tp_btf programs get them typed.
 * The codes are defined once, in dm_remap_events.h, for the kernel, the BPF
 * programs and the tools.
 */
#undef TRACE_SYSTEM
#define TRACE_SYSTEM dm_remap

#if !defined(_DM_REMAP_TRACE_H) || defined(TRACE_HEADER_MULTI_READ)
#define _DM_REMAP_TRACE_H

#include <linux/tracepoint.h>
#include <linux/kdev_t.h>
#include "dm_remap_events.h"

/* Export the codes so that user space can decode the binary records. */
TRACE_DEFINE_ENUM(DM_REMAP_OP_READ);
TRACE_DEFINE_ENUM(DM_REMAP_OP_WRITE);
TRACE_DEFINE_ENUM(DM_REMAP_OP_FLUSH);
TRACE_DEFINE_ENUM(DM_REMAP_OP_DISCARD);
TRACE_DEFINE_ENUM(DM_REMAP_TARGET_MAIN);
TRACE_DEFINE_ENUM(DM_REMAP_TARGET_SPARE);
TRACE_DEFINE_ENUM(DM_REMAP_REASON_WRITE_ERROR);
TRACE_DEFINE_ENUM(DM_REMAP_REASON_MANUAL);
TRACE_DEFINE_ENUM(DM_REMAP_REASON_READ_ERROR);
TRACE_DEFINE_ENUM(DM_REMAP_REASON_SPARE_ERROR);
TRACE_DEFINE_ENUM(DM_REMAP_MODE_RW);
TRACE_DEFINE_ENUM(DM_REMAP_MODE_RO);
TRACE_DEFINE_ENUM(DM_REMAP_MAIN_OK);
TRACE_DEFINE_ENUM(DM_REMAP_MAIN_OFFLINE);
TRACE_DEFINE_ENUM(DM_REMAP_PHASE_PRESUSPEND);
TRACE_DEFINE_ENUM(DM_REMAP_PHASE_PRESUSPEND_UNDO);
TRACE_DEFINE_ENUM(DM_REMAP_PHASE_POSTSUSPEND);
TRACE_DEFINE_ENUM(DM_REMAP_PHASE_PRERESUME);
TRACE_DEFINE_ENUM(DM_REMAP_PHASE_RESUME);
TRACE_DEFINE_ENUM(DM_REMAP_PHASE_DTR);
TRACE_DEFINE_ENUM(DM_REMAP_STAGE_ENTER);
TRACE_DEFINE_ENUM(DM_REMAP_STAGE_EXIT);
TRACE_DEFINE_ENUM(DM_REMAP_PATH_MAIN);
TRACE_DEFINE_ENUM(DM_REMAP_PATH_SPARE);
TRACE_DEFINE_ENUM(DM_REMAP_PATH_WORKER);

#define show_remap_op(op)						\
	__print_symbolic(op,						\
			 { DM_REMAP_OP_READ,		"read" },	\
			 { DM_REMAP_OP_WRITE,		"write" },	\
			 { DM_REMAP_OP_FLUSH,		"flush" },	\
			 { DM_REMAP_OP_DISCARD,		"discard" })

#define show_remap_target(target)					\
	__print_symbolic(target,					\
			 { DM_REMAP_TARGET_MAIN,	"main" },	\
			 { DM_REMAP_TARGET_SPARE,	"spare" })

#define show_remap_reason(reason)					\
	__print_symbolic(reason,					\
			 { DM_REMAP_REASON_WRITE_ERROR,	"write_error" },\
			 { DM_REMAP_REASON_MANUAL,	"manual" },	\
			 { DM_REMAP_REASON_READ_ERROR,	"read_error" },	\
			 { DM_REMAP_REASON_SPARE_ERROR,	"spare_error" })

#define show_remap_mode(mode)						\
	__print_symbolic(mode,						\
			 { DM_REMAP_MODE_RW,		"rw" },		\
			 { DM_REMAP_MODE_RO,		"ro" })

#define show_remap_main(main)						\
	__print_symbolic(main,						\
			 { DM_REMAP_MAIN_OK,		"ok" },		\
			 { DM_REMAP_MAIN_OFFLINE,	"offline" })

#define show_remap_phase(phase)						\
	__print_symbolic(phase,						\
			 { DM_REMAP_PHASE_PRESUSPEND,	"presuspend" },	\
			 { DM_REMAP_PHASE_PRESUSPEND_UNDO, "presuspend_undo" }, \
			 { DM_REMAP_PHASE_POSTSUSPEND,	"postsuspend" },\
			 { DM_REMAP_PHASE_PRERESUME,	"preresume" },	\
			 { DM_REMAP_PHASE_RESUME,	"resume" },	\
			 { DM_REMAP_PHASE_DTR,		"dtr" })

#define show_remap_path(path)						\
	__print_symbolic(path,						\
			 { DM_REMAP_PATH_MAIN,		"main" },	\
			 { DM_REMAP_PATH_SPARE,		"spare" },	\
			 { DM_REMAP_PATH_WORKER,	"worker" })

#define show_remap_stage(stage)						\
	__print_symbolic(stage,						\
			 { DM_REMAP_STAGE_ENTER,	"enter" },	\
			 { DM_REMAP_STAGE_EXIT,		"exit" })

TRACE_EVENT(dm_remap_io_error,
	TP_PROTO(dev_t dev, u64 sector, u32 nr_sectors, u32 op, int error,
		 u32 target),
	TP_ARGS(dev, sector, nr_sectors, op, error, target),
	TP_STRUCT__entry(
		__field(dev_t, dev)
		__field(u64, sector)
		__field(u32, nr_sectors)
		__field(u32, op)
		__field(int, error)
		__field(u32, target)
	),
	TP_fast_assign(
		__entry->dev = dev;
		__entry->sector = sector;
		__entry->nr_sectors = nr_sectors;
		__entry->op = op;
		__entry->error = error;
		__entry->target = target;
	),
	TP_printk("%d,%d %s %llu + %u error=%d target=%s",
		  MAJOR(__entry->dev), MINOR(__entry->dev),
		  show_remap_op(__entry->op),
		  __entry->sector, __entry->nr_sectors, __entry->error,
		  show_remap_target(__entry->target))
);

/* Events about one remap block. */
DECLARE_EVENT_CLASS(dm_remap_block_class,
	TP_PROTO(dev_t dev, u64 block, u32 nr_sectors),
	TP_ARGS(dev, block, nr_sectors),
	TP_STRUCT__entry(
		__field(dev_t, dev)
		__field(u64, block)
		__field(u32, nr_sectors)
	),
	TP_fast_assign(
		__entry->dev = dev;
		__entry->block = block;
		__entry->nr_sectors = nr_sectors;
	),
	TP_printk("%d,%d block=%llu nr_sectors=%u",
		  MAJOR(__entry->dev), MINOR(__entry->dev),
		  __entry->block, __entry->nr_sectors)
);

/* A read failed twice: the block waits for a write to remap it. */
DEFINE_EVENT(dm_remap_block_class, dm_remap_pending,
	TP_PROTO(dev_t dev, u64 block, u32 nr_sectors),
	TP_ARGS(dev, block, nr_sectors)
);

/* Sectors that could not be recovered were zero-filled on the spare. */
DEFINE_EVENT(dm_remap_block_class, dm_remap_lost,
	TP_PROTO(dev_t dev, u64 block, u32 nr_sectors),
	TP_ARGS(dev, block, nr_sectors)
);

TRACE_EVENT(dm_remap_remap,
	TP_PROTO(dev_t dev, u64 block, u64 spare_block, u32 reason),
	TP_ARGS(dev, block, spare_block, reason),
	TP_STRUCT__entry(
		__field(dev_t, dev)
		__field(u64, block)
		__field(u64, spare_block)
		__field(u32, reason)
	),
	TP_fast_assign(
		__entry->dev = dev;
		__entry->block = block;
		__entry->spare_block = spare_block;
		__entry->reason = reason;
	),
	TP_printk("%d,%d block=%llu spare_block=%llu reason=%s",
		  MAJOR(__entry->dev), MINOR(__entry->dev),
		  __entry->block, __entry->spare_block,
		  show_remap_reason(__entry->reason))
);

/*
 * An I/O enters the target.  "id" identifies it until its dm_remap_io_done
 * (the address of the bio, which is not dereferenced by anyone); "path" is
 * where it went first: main, spare or the worker.
 */
TRACE_EVENT(dm_remap_io_start,
	TP_PROTO(dev_t dev, u64 sector, u32 nr_sectors, u32 op, u32 path,
		 u64 id),
	TP_ARGS(dev, sector, nr_sectors, op, path, id),
	TP_STRUCT__entry(
		__field(dev_t, dev)
		__field(u64, sector)
		__field(u32, nr_sectors)
		__field(u32, op)
		__field(u32, path)
		__field(u64, id)
	),
	TP_fast_assign(
		__entry->dev = dev;
		__entry->sector = sector;
		__entry->nr_sectors = nr_sectors;
		__entry->op = op;
		__entry->path = path;
		__entry->id = id;
	),
	TP_printk("%d,%d %s %llu + %u path=%s id=%llx",
		  MAJOR(__entry->dev), MINOR(__entry->dev),
		  show_remap_op(__entry->op),
		  __entry->sector, __entry->nr_sectors,
		  show_remap_path(__entry->path), __entry->id)
);

TRACE_EVENT(dm_remap_io_done,
	TP_PROTO(dev_t dev, u64 sector, u32 nr_sectors, u32 op, int error,
		 u32 remapped, u64 latency_ns, u64 id),
	TP_ARGS(dev, sector, nr_sectors, op, error, remapped, latency_ns, id),
	TP_STRUCT__entry(
		__field(dev_t, dev)
		__field(u64, sector)
		__field(u32, nr_sectors)
		__field(u32, op)
		__field(int, error)
		__field(u32, remapped)
		__field(u64, latency_ns)
		__field(u64, id)
	),
	TP_fast_assign(
		__entry->dev = dev;
		__entry->sector = sector;
		__entry->nr_sectors = nr_sectors;
		__entry->op = op;
		__entry->error = error;
		__entry->remapped = remapped;
		__entry->latency_ns = latency_ns;
		__entry->id = id;
	),
	TP_printk("%d,%d %s %llu + %u error=%d remapped=%u latency_ns=%llu id=%llx",
		  MAJOR(__entry->dev), MINOR(__entry->dev),
		  show_remap_op(__entry->op),
		  __entry->sector, __entry->nr_sectors, __entry->error,
		  __entry->remapped, __entry->latency_ns, __entry->id)
);

TRACE_EVENT(dm_remap_md_commit,
	TP_PROTO(dev_t dev, u64 seq, u32 entries, u64 latency_ns, int error),
	TP_ARGS(dev, seq, entries, latency_ns, error),
	TP_STRUCT__entry(
		__field(dev_t, dev)
		__field(u64, seq)
		__field(u32, entries)
		__field(u64, latency_ns)
		__field(int, error)
	),
	TP_fast_assign(
		__entry->dev = dev;
		__entry->seq = seq;
		__entry->entries = entries;
		__entry->latency_ns = latency_ns;
		__entry->error = error;
	),
	TP_printk("%d,%d seq=%llu entries=%u latency_ns=%llu error=%d",
		  MAJOR(__entry->dev), MINOR(__entry->dev),
		  __entry->seq, __entry->entries, __entry->latency_ns,
		  __entry->error)
);

TRACE_EVENT(dm_remap_teardown,
	TP_PROTO(dev_t dev, u32 phase, u32 stage, u32 inflight),
	TP_ARGS(dev, phase, stage, inflight),
	TP_STRUCT__entry(
		__field(dev_t, dev)
		__field(u32, phase)
		__field(u32, stage)
		__field(u32, inflight)
	),
	TP_fast_assign(
		__entry->dev = dev;
		__entry->phase = phase;
		__entry->stage = stage;
		__entry->inflight = inflight;
	),
	TP_printk("%d,%d phase=%s stage=%s inflight=%u",
		  MAJOR(__entry->dev), MINOR(__entry->dev),
		  show_remap_phase(__entry->phase),
		  show_remap_stage(__entry->stage),
		  __entry->inflight)
);

/* Emitted with every dm event the target raises: the state it announces. */
TRACE_EVENT(dm_remap_state,
	TP_PROTO(dev_t dev, u32 mode, u32 main, u64 spare_free),
	TP_ARGS(dev, mode, main, spare_free),
	TP_STRUCT__entry(
		__field(dev_t, dev)
		__field(u32, mode)
		__field(u32, main)
		__field(u64, spare_free)
	),
	TP_fast_assign(
		__entry->dev = dev;
		__entry->mode = mode;
		__entry->main = main;
		__entry->spare_free = spare_free;
	),
	TP_printk("%d,%d mode=%s main=%s spare_free=%llu",
		  MAJOR(__entry->dev), MINOR(__entry->dev),
		  show_remap_mode(__entry->mode),
		  show_remap_main(__entry->main), __entry->spare_free)
);

#endif /* _DM_REMAP_TRACE_H */

#undef TRACE_INCLUDE_PATH
#define TRACE_INCLUDE_PATH .
#undef TRACE_INCLUDE_FILE
#define TRACE_INCLUDE_FILE dm-remap-trace
#include <trace/define_trace.h>
