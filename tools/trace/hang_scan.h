/* SPDX-License-Identifier: GPL-2.0 */
/*
 * hang_scan.h - the parts of `dmremap-trace hang`:
 *   hang_scan.c  what is stuck now, from the kernel's own state (/proc,
 *                sysfs) and the I/O start times of bpf/hang.bpf.c
 *   hang_held.c  I/O dm core holds for a suspended remap device (bpf/held.bpf.c)
 *   hang_held_judge.c  what it saw, as a stuck_io report (target held)
 *   hang_report.c  text and JSON lines for each stall
 *   hang.c       the command: options, the stall table (each stall
 *                reported once and once more when it clears), the loop
 */
#ifndef DMREMAP_TRACE_HANG_SCAN_H
#define DMREMAP_TRACE_HANG_SCAN_H

#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <sys/types.h>

#include "blkdev.h"
#include "dm.h"
#include "ktask.h"

/* stalls followed at once; more are counted, never repeated */
#define HANG_MAX_STALLS		1024

enum stall_kind { STALL_WORK, STALL_TEARDOWN, STALL_IO };

/* a busy work item of any workqueue, asleep too long */
struct hang_work {
	struct dmr_ktask task;		/* the kworker, with its stack */
	char function[64];		/* the work function: the frame under process_one_work */
	char module[64];		/* its module, "vmlinux" for the kernel */
	char workqueue[32];		/* from the kworker's name, "+WQ" */
	double seconds;			/* asleep for */
};

/* a suspend, resume or removal of a dm device that does not finish */
struct hang_teardown {
	struct dmr_ktask task;		/* the waiting process, with its stack */
	char device[DMR_DM_NAME_LEN];	/* display name from its ioctl, or "unknown" */
	char kname[DMR_BLK_KNAME_LEN];	/* "dm-0", "" when not found */
	char operation[16];		/* suspend, resume, remove, ... */
	char phase[24];			/* presuspend, postsuspend, dtr, ... */
	char waits_in[64];		/* the innermost frame that is not the scheduler */
	double seconds;
	uint32_t inflight;		/* the device's I/O in flight (sysfs) */
	uint32_t main_dev, spare_dev;	/* remap legs, 0 when unknown */
};

/*
 * I/O that a dm device below a remap device holds because it is suspended
 * (bpf/held.bpf.c): its bios carry the time the remap device sent them
 * down, a close lower bound of the age of I/O issued before the tool.
 */
struct hang_below {
	uint32_t kdev;
	char device[DMR_DM_NAME_LEN];	/* its dm name, or kname */
	uint64_t count;
	bool count_exact;		/* false: more than DMR_HELD_MAX_BIOS */
	bool suspended;			/* the suspend completed (else: in progress) */
	bool timed;			/* some bio has an issue time: seconds, sector */
	double seconds;			/* age of the oldest */
	uint64_t sector;		/* of the oldest, on that device */
};

/* I/O of a remap device outstanding too long, per device and target */
struct hang_io {
	uint32_t kdev;
	char device[DMR_DM_NAME_LEN];	/* display name */
	char target[16];		/* main, spare, worker, unknown, held */
	uint64_t count;
	double seconds;			/* of the oldest */
	bool age_exact;			/* false: started before the tool, seconds is a lower bound */
	bool has_sector;
	uint64_t sector;		/* of the oldest, when known */
	/* target "held": queued in dm core because the device is suspended */
	bool held;
	bool count_exact;		/* false: more than DMR_HELD_MAX_BIOS */
	bool suspended;			/* the suspend completed (else: in progress) */
	/* target main or spare: a suspended dm device there holds some of it */
	bool has_below;
	struct hang_below below;
};

struct hang_scan_opts {
	uint64_t threshold_ns;
	uint64_t tool_start_ns;		/* CLOCK_MONOTONIC */
	bool first;			/* first scan: note the I/O issued before the tool */
	int ios_fd, errors_fd;		/* BPF maps, -1 without BPF */
	int held_fd;			/* map of bpf/held.bpf.c, -1 without */
};

/*
 * Per remap device, kept across scans: I/O that has been outstanding since
 * before the tool could see it start.  Without BPF: since when the device
 * has had I/O in flight and completed none (its time spent by completed I/O
 * did not grow and its in-flight count did not drop).  With BPF (--sectors): the
 * in-flight I/O missing from the map at the first scan (issued before the
 * tool), only ever decreasing.
 */
struct hang_old_io {
	uint32_t kdev;
	uint64_t remaining;		/* BPF: the lowest count seen since */
	uint64_t done_ms;		/* counters: the device's done_ms (blkdev.h) at `since_ns` */
	uint32_t inflight;		/* counters: at the last scan */
	uint64_t since_ns;		/* counters: no completion since */
	bool held;			/* a device below was suspended at the first scan */
	char target[16];		/* where it waits, as first seen: it does not move */
};

/* a remap device holding I/O of unknown age (no bi_issue time), kept across scans */
struct hang_held_dev {
	uint32_t kdev;
	uint64_t since_ns;		/* seen holding I/O since (CLOCK_MONOTONIC) */
	bool at_once;			/* suspended at the first scan: reported at once */
	bool seen;			/* in this scan */
};

struct hang_snapshot {
	struct hang_old_io *old;	/* kept across scans */
	int nr_old, cap_old;
	struct hang_held_dev *held;	/* kept across scans */
	int nr_held, cap_held;
	struct hang_work *works;
	int nr_works, cap_works;
	struct hang_teardown *tdowns;
	int nr_tdowns, cap_tdowns;
	struct hang_io *ios;
	int nr_ios, cap_ios;
	uint64_t now_ns;		/* CLOCK_MONOTONIC of the scan */
};

/*
 * A followed stall of task tid (work: function what; teardown: any dm
 * phase) that this scan did not report, because the task woke up for a
 * moment (block I/O waits wake every half hung-task timeout) or is on a
 * CPU: true while the task is still in it, so that it is not cleared.
 */
bool hang_still_in(enum stall_kind kind, pid_t tid, const char *what);

/* what is stuck now: 0 or -errno (the snapshot is reset first) */
int hang_scan(struct hang_snapshot *s, const struct hang_scan_opts *o);
void hang_snapshot_free(struct hang_snapshot *s);

/* held I/O (hang_held.c): the BPF program, NULL with a reason in err */
struct hang_held;
struct hang_held *hang_held_open(char *err, size_t len);
const char *hang_held_mode(const struct hang_held *hh);	/* "fentry", "kprobe" */
int hang_held_fd(const struct hang_held *hh);
void hang_held_close(struct hang_held *hh);
/*
 * Device d's held I/O as its status call at or after look_ns saw it: 1 and
 * io filled when it is to be reported (past the threshold), 0, -ENOMEM.
 * waited: how long a suspend of d has waited (a lower bound of the age).
 */
int hang_held_scan(struct hang_snapshot *s, const struct hang_scan_opts *o,
		   const struct dmr_dm_dev *d, uint64_t look_ns, double waited,
		   struct hang_io *io);
struct dmr_held;
/* the same from what the program saw, h (hang_held_judge.c) */
int hang_held_judge(struct hang_snapshot *s, const struct hang_scan_opts *o,
		    const struct dmr_dm_dev *d, const struct dmr_held *h, double waited,
		    struct hang_io *io);
/*
 * Does the device hold I/O because it blocks it for a suspend (suspending
 * or suspended)?  Bios still on the list after a resume cleared the block
 * are being sent on: no stall, however old they are (hang_held_judge.c).
 */
bool hang_held_blocks(const struct dmr_held *h);
/*
 * What dm device kdev below a remap device held as the status calls at or
 * after look_ns saw it: true and below filled when it holds I/O for a
 * suspend (hang_held_blocks()).
 */
bool hang_held_below(const struct hang_scan_opts *o, uint32_t kdev, uint64_t look_ns,
		     struct hang_below *below);

/* output (hang_report.c) */
struct hang_out {
	bool json;
	uint64_t mono_to_real;		/* add to CLOCK_MONOTONIC */
};

void hang_print_work(const struct hang_out *o, const struct hang_work *w, uint64_t now);
void hang_print_teardown(const struct hang_out *o, const struct hang_teardown *t, uint64_t now);
void hang_print_io(const struct hang_out *o, const struct hang_io *io, uint64_t now);
/* a reported stall ended: what, detail and num as kept in the stall table */
void hang_print_cleared(const struct hang_out *o, enum stall_kind kind, const char *what,
			const char *detail, uint64_t num, double seconds, uint64_t now);
void hang_print_overflow(const struct hang_out *o, uint64_t not_followed, uint64_t now);

#endif /* DMREMAP_TRACE_HANG_SCAN_H */
