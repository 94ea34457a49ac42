/* SPDX-License-Identifier: GPL-2.0 */
/*
 * ktask.h - what the kernel itself knows about a task, read from /proc:
 * its state, its name (a kworker's name carries the workqueue it executes
 * for: "kworker/u4:0+dm_remap"), its kernel stack as the kernel symbolizes
 * it (right for modules loaded at any time, and under kptr_restrict), when
 * it last left the CPU, and the system call it sleeps in.  All of it exists
 * before any tracer starts.  Needs root (/proc/PID/stack, /proc/PID/mem).
 */
#ifndef DMREMAP_KTASK_H
#define DMREMAP_KTASK_H

#include <errno.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#define DMR_KTASK_COMM_LEN	64	/* a kworker's name with its workqueue */
#define DMR_KTASK_MAX_FRAMES	48
#define DMR_KTASK_FRAME_LEN	128

struct dmr_ktask {
	pid_t tid;
	char state;			/* R, S, D, I, ... of /proc/TID/stat */
	char comm[DMR_KTASK_COMM_LEN];
	int nr_frames;			/* innermost first; 0 when unreadable */
	char frames[DMR_KTASK_MAX_FRAMES][DMR_KTASK_FRAME_LEN];	/* "sym+0x1/0x2 [mod]" */
};

/*
 * A /proc read failed because the task is gone (ENOENT, or ESRCH from
 * proc_pid_permission() while its /proc entry still stands); any other
 * error is the reader's problem (no file descriptor left, say).
 */
static inline bool dmr_ktask_gone(int err)
{
	return err == -ENOENT || err == -ESRCH;
}

/* state and comm of TID: 0, or -errno (dmr_ktask_gone(): the task is gone) */
int dmr_ktask_read(pid_t tid, struct dmr_ktask *t);
/* its kernel stack into t->frames: 0 or -errno */
int dmr_ktask_read_stack(struct dmr_ktask *t);
/* the text of a /proc/TID/stack into t->frames (text is modified) */
void dmr_ktask_parse_stack(struct dmr_ktask *t, char *text);
/*
 * The work function a kworker executes: the frame just under
 * process_one_work, with its module ("" for the kernel).  0, or -ENOENT
 * when the stack has no process_one_work.
 */
int dmr_ktask_work_func(const struct dmr_ktask *t, char *func, size_t flen, char *mod,
			size_t mlen);

/*
 * Milliseconds since TID last left a CPU (the scheduler's se.exec_start of
 * /proc/TID/sched, compared with the caller's own): how long a sleeping
 * task has been asleep.  -1 when unknown (no CONFIG_SCHED_DEBUG).
 */
double dmr_ktask_asleep_ms(pid_t tid);

/* the function name of a frame ("submit_bio_wait"), into buf */
const char *dmr_ktask_frame_func(const char *frame, char *buf, size_t len);
/* the module of a frame ("dm_remap"), or "" for the kernel itself */
const char *dmr_ktask_frame_module(const char *frame, char *buf, size_t len);
/* index of the first frame whose function is func, or -1 */
int dmr_ktask_find_frame(const struct dmr_ktask *t, const char *func);

/*
 * The system call TID sleeps in (/proc/TID/syscall): its number and first
 * three arguments.  0, or -errno (-EAGAIN: the task is running).
 */
int dmr_ktask_syscall(pid_t tid, long *nr, uint64_t args[3]);
/* len bytes of TID's memory at addr (/proc/TID/mem): 0 or -errno */
int dmr_ktask_read_mem(pid_t tid, uint64_t addr, void *buf, size_t len);

/*
 * Calls cb for every thread of every process (/proc/PID/task/TID); stops
 * on a non-zero return and returns it.
 */
int dmr_ktask_for_each(int (*cb)(pid_t tid, void *arg), void *arg);

#endif /* DMREMAP_KTASK_H */
