/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * dm_remap_events.h - values carried by the dm_remap tracepoints.
 *
 * Shared by the kernel module (module/dm-remap-trace.h), the BPF programs
 * (bpf/X.bpf.c) and the user-space tools (tools/).  Keep it free of any
 * include and of any type definition other than enums: it must compile in
 * the kernel, under clang -target bpf and in user space alike.
 *
 * The *_SYMBOLS lists have the shape __print_symbolic() expects
 * ({ value, "name" }, ...) and also initialise user-space name tables.
 */
#ifndef DM_REMAP_EVENTS_H
#define DM_REMAP_EVENTS_H

/* dm_remap_io_error.op, dm_remap_io_done.op */
enum dm_remap_op {
	DM_REMAP_OP_READ	= 0,
	DM_REMAP_OP_WRITE	= 1,
	DM_REMAP_OP_FLUSH	= 2,
	DM_REMAP_OP_DISCARD	= 3,
	DM_REMAP_OP_NR		= 4,
};

#define DM_REMAP_OP_SYMBOLS				\
	{ DM_REMAP_OP_READ,	"read" },		\
	{ DM_REMAP_OP_WRITE,	"write" },		\
	{ DM_REMAP_OP_FLUSH,	"flush" },		\
	{ DM_REMAP_OP_DISCARD,	"discard" }

/* dm_remap_io_error.target: the device the failed I/O went to */
enum dm_remap_target {
	DM_REMAP_TARGET_MAIN	= 0,
	DM_REMAP_TARGET_SPARE	= 1,
	DM_REMAP_TARGET_NR	= 2,
};

#define DM_REMAP_TARGET_SYMBOLS				\
	{ DM_REMAP_TARGET_MAIN,	"main" },		\
	{ DM_REMAP_TARGET_SPARE, "spare" }

/* dm_remap_io_done.remapped: the path that served the I/O */
enum dm_remap_path {
	DM_REMAP_PATH_MAIN	= 0,
	DM_REMAP_PATH_SPARE	= 1,
	DM_REMAP_PATH_WORKER	= 2,	/* dm_remap_io_start: held by the worker */
	DM_REMAP_PATH_NR	= 3,
};

#define DM_REMAP_PATH_SYMBOLS				\
	{ DM_REMAP_PATH_MAIN,	"main" },		\
	{ DM_REMAP_PATH_SPARE,	"spare" },		\
	{ DM_REMAP_PATH_WORKER,	"worker" }

/* dm_remap_remap.reason */
enum dm_remap_reason {
	DM_REMAP_REASON_WRITE_ERROR	= 0,
	DM_REMAP_REASON_MANUAL		= 1,
	DM_REMAP_REASON_READ_ERROR	= 2,
	DM_REMAP_REASON_SPARE_ERROR	= 3,	/* moved off a failing spare block */
	DM_REMAP_REASON_NR		= 4,
};

#define DM_REMAP_REASON_SYMBOLS					\
	{ DM_REMAP_REASON_WRITE_ERROR,	"write_error" },	\
	{ DM_REMAP_REASON_MANUAL,	"manual" },		\
	{ DM_REMAP_REASON_READ_ERROR,	"read_error" },		\
	{ DM_REMAP_REASON_SPARE_ERROR,	"spare_error" }

/* dm_remap_teardown.phase */
enum dm_remap_phase {
	DM_REMAP_PHASE_PRESUSPEND	= 0,
	DM_REMAP_PHASE_PRESUSPEND_UNDO	= 1,
	DM_REMAP_PHASE_POSTSUSPEND	= 2,
	DM_REMAP_PHASE_PRERESUME	= 3,
	DM_REMAP_PHASE_RESUME		= 4,
	DM_REMAP_PHASE_DTR		= 5,
	DM_REMAP_PHASE_NR		= 6,
};

#define DM_REMAP_PHASE_SYMBOLS					\
	{ DM_REMAP_PHASE_PRESUSPEND,	"presuspend" },		\
	{ DM_REMAP_PHASE_PRESUSPEND_UNDO, "presuspend_undo" },	\
	{ DM_REMAP_PHASE_POSTSUSPEND,	"postsuspend" },	\
	{ DM_REMAP_PHASE_PRERESUME,	"preresume" },		\
	{ DM_REMAP_PHASE_RESUME,	"resume" },		\
	{ DM_REMAP_PHASE_DTR,		"dtr" }

/* dm_remap_teardown.stage */
enum dm_remap_stage {
	DM_REMAP_STAGE_ENTER	= 0,
	DM_REMAP_STAGE_EXIT	= 1,
	DM_REMAP_STAGE_NR	= 2,
};

#define DM_REMAP_STAGE_SYMBOLS				\
	{ DM_REMAP_STAGE_ENTER,	"enter" },		\
	{ DM_REMAP_STAGE_EXIT,	"exit" }

/* dm_remap_state.mode */
enum dm_remap_mode {
	DM_REMAP_MODE_RW	= 0,
	DM_REMAP_MODE_RO	= 1,	/* the metadata cannot be written */
	DM_REMAP_MODE_NR	= 2,
};

#define DM_REMAP_MODE_SYMBOLS				\
	{ DM_REMAP_MODE_RW,	"rw" },			\
	{ DM_REMAP_MODE_RO,	"ro" }

/* dm_remap_state.main: does the main device answer? */
enum dm_remap_main_state {
	DM_REMAP_MAIN_OK	= 0,
	DM_REMAP_MAIN_OFFLINE	= 1,
	DM_REMAP_MAIN_NR	= 2,
};

#define DM_REMAP_MAIN_SYMBOLS				\
	{ DM_REMAP_MAIN_OK,	"ok" },			\
	{ DM_REMAP_MAIN_OFFLINE, "offline" }

/*
 * The kernel's dev_t encoding (include/linux/kdev_t.h), as carried by the
 * tracepoints' `dev` field.  User space's dev_t (makedev()) differs.
 */
#define DM_REMAP_MINORBITS	20
#define DM_REMAP_MINORMASK	((1U << DM_REMAP_MINORBITS) - 1)
#define DM_REMAP_DEV_MAJOR(dev)	((unsigned int)((dev) >> DM_REMAP_MINORBITS))
#define DM_REMAP_DEV_MINOR(dev)	((unsigned int)((dev) & DM_REMAP_MINORMASK))
#define DM_REMAP_MKDEV(ma, mi)	(((ma) << DM_REMAP_MINORBITS) | (mi))

#endif /* DM_REMAP_EVENTS_H */
