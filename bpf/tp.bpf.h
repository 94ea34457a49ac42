/* SPDX-License-Identifier: GPL-2.0 */
/*
 * What the BPF programs of the tools share besides the device filter
 * (dev_filter.bpf.h): a map definition in one line, and the two programs
 * of one dm_remap tracepoint.  Included by each X.bpf.c after
 * <bpf/bpf_tracing.h>.
 */
#ifndef DMR_TP_BPF_H
#define DMR_TP_BPF_H

/* struct { ... } name SEC(".maps"): a map of `type` with `entries` key_t -> value_t */
#define DMR_MAP(name, map_type, entries, key_t, value_t)	\
	struct {						\
		__uint(type, map_type);				\
		__uint(max_entries, entries);			\
		__type(key, key_t);				\
		__type(value, value_t);				\
	} name SEC(".maps")

#define DMR_UNPAREN(...) __VA_ARGS__

/*
 * The programs of tracepoint dm_remap_<tp>: <tp>_btf (tp_btf, when the
 * module has BTF) and <tp>_raw (raw_tp, the fallback); user space loads
 * one of the two (tools/lib/bpf_attach.c).  Both return handler(args).
 * proto: the tracepoint's arguments, with their types, in parentheses (a
 * prefix of them suffices); args: what handler takes, in parentheses.
 *
 *	DMR_TP(io_error, on_io_error, (__u32 dev, __u64 sector), (dev, sector))
 */
#define DMR_TP(tp, handler, proto, args)			\
	SEC("tp_btf/dm_remap_" #tp)				\
	int BPF_PROG(tp##_btf, DMR_UNPAREN proto)		\
	{							\
		return handler args;				\
	}							\
								\
	SEC("raw_tp/dm_remap_" #tp)				\
	int BPF_PROG(tp##_raw, DMR_UNPAREN proto)		\
	{							\
		return handler args;				\
	}

#endif /* DMR_TP_BPF_H */
