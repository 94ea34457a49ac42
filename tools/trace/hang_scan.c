// SPDX-License-Identifier: GPL-2.0
/*
 * hang_scan.c - what is stuck now, read from the kernel's own state, so a
 * stall that began before the tool is seen at once with its age:
 *
 * - work items: a kworker executing an item is named "kworker/..+WQ"; the
 *   function is the frame under process_one_work in /proc/TID/stack, which
 *   the kernel symbolizes itself; its age is how long the worker has been
 *   off the CPU (se.exec_start of /proc/TID/sched).
 * - suspend/removal: a task in D state, or in S inside a dm ioctl (dm_suspend
 *   waits interruptibly), with dm's suspend/destroy code on its stack; the
 *   device is named by the struct dm_ioctl it passed (read from
 *   its memory: a device being removed has left dm's name table); the phase
 *   comes from the frames; in-flight I/O and the devices below from sysfs.
 * - I/O: /sys/block/dm-N/inflight of each remap device; the I/Os issued
 *   while the tool runs have their start time and sector in the BPF map.
 * - I/O held in dm core for a suspended remap device: what bpf/held.bpf.c
 *   saw in this scan's status calls (hang_held.c).
 */
#define _GNU_SOURCE
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <sys/ioctl.h>
#include <sys/syscall.h>
#include <sys/sysmacros.h>
#include <linux/dm-ioctl.h>
#include <linux/types.h>
#include <bpf/bpf.h>

#include "dm.h"
#include "dm_stack.h"
#include "names.h"
#include "dm_remap_events.h"
#include "hang.h"		/* bpf/hang.h: the map layouts */
#include "hang_scan.h"
#include "bpf_map.h"
#include "clock.h"
#include "grow.h"
#include "trace.h"

struct scan_ctx {
	struct hang_snapshot *s;
	const struct hang_scan_opts *o;
	struct hang_work w;		/* scratch, too big for the stack of each call */
	struct hang_teardown t;
	int err;
};

static double asleep_s(pid_t tid)
{
	double ms = dmr_ktask_asleep_ms(tid);

	return ms < 0 ? -1 : ms / 1000.0;
}

/* a kworker executing an item: "kworker/u4:0+dm_remap" */
static void scan_worker(struct scan_ctx *c, const struct dmr_ktask *head)
{
	struct hang_work *w = &c->w;
	const char *plus = strchr(head->comm, '+');
	char mod[64];
	double secs;

	if (!plus || head->state == 'R')
		return;
	secs = asleep_s(head->tid);
	if (secs < 0 || secs * 1e9 < (double)c->o->threshold_ns)
		return;
	memset(w, 0, sizeof(*w));
	w->task = *head;
	if (dmr_ktask_read_stack(&w->task) || !w->task.nr_frames)
		return;
	if (dmr_ktask_work_func(&w->task, w->function, sizeof(w->function), mod, sizeof(mod)))
		return;		/* between items */
	snprintf(w->module, sizeof(w->module), "%s", *mod ? mod : "vmlinux");
	snprintf(w->workqueue, sizeof(w->workqueue), "%s", plus + 1);
	w->seconds = secs;
	if (!DMR_GROW(c->s->works, c->s->nr_works, c->s->cap_works)) {
		c->err = -ENOMEM;
		return;
	}
	c->s->works[c->s->nr_works++] = *w;
}

/* which dm device and operation the task's dm ioctl is about */
static void dm_ioctl_target(struct hang_teardown *t)
{
	struct dm_ioctl dmi;
	uint64_t args[3];
	long nr;
	unsigned int cmd;

	snprintf(t->device, sizeof(t->device), "unknown");
	snprintf(t->operation, sizeof(t->operation), "unknown");
	if (dmr_ktask_syscall(t->task.tid, &nr, args) || nr != SYS_ioctl)
		return;
	cmd = (unsigned int)args[1];
	if (_IOC_TYPE(cmd) != DM_IOCTL)
		return;
	switch (_IOC_NR(cmd)) {
	case DM_DEV_REMOVE_CMD:
		snprintf(t->operation, sizeof(t->operation), "remove");
		break;
	case DM_REMOVE_ALL_CMD:
		snprintf(t->operation, sizeof(t->operation), "remove_all");
		break;
	case DM_DEV_SUSPEND_CMD:
		/* the flags are read below, with the name */
		break;
	default:
		snprintf(t->operation, sizeof(t->operation), "ioctl_%u", _IOC_NR(cmd));
		break;
	}
	if (dmr_ktask_read_mem(t->task.tid, args[2], &dmi, sizeof(dmi)))
		return;
	if (_IOC_NR(cmd) == DM_DEV_SUSPEND_CMD)
		snprintf(t->operation, sizeof(t->operation), "%s",
			 dmi.flags & DM_SUSPEND_FLAG ? "suspend" : "resume");
	dmi.name[sizeof(dmi.name) - 1] = '\0';
	if (dmi.name[0]) {
		snprintf(t->device, sizeof(t->device), "%s", dmi.name);
	} else if (dmi.dev) {
		uint32_t kdev = DM_REMAP_MKDEV(major((dev_t)dmi.dev), minor((dev_t)dmi.dev));
		struct dmr_blk b;

		if (!dmr_blk_kname_of(kdev, t->kname, sizeof(t->kname)) &&
		    !dmr_blk_read(t->kname, &b) && b.name[0])
			snprintf(t->device, sizeof(t->device), "%s", b.name);
	}
}

static void scan_dm_waiter(struct scan_ctx *c, const struct dmr_ktask *head)
{
	struct hang_teardown *t = &c->t;
	const char *phase;
	struct dmr_blk b;
	double secs;

	secs = asleep_s(head->tid);
	if (secs < 0 || secs * 1e9 < (double)c->o->threshold_ns)
		return;
	memset(t, 0, sizeof(*t));
	t->task = *head;
	if (dmr_ktask_read_stack(&t->task))
		return;
	phase = dmr_dm_stack_phase(&t->task);
	if (!phase)
		return;
	snprintf(t->phase, sizeof(t->phase), "%s", phase);
	dmr_dm_stack_waits_in(&t->task, t->waits_in, sizeof(t->waits_in));
	t->seconds = secs;
	dm_ioctl_target(t);
	if (!t->kname[0] && strcmp(t->device, "unknown"))
		dmr_blk_find_dm(t->device, t->kname, sizeof(t->kname));
	if (t->kname[0] && !dmr_blk_read(t->kname, &b))
		t->inflight = b.inflight;
	/* roles of the devices below; unknown once the device left dm's table */
	if (strcmp(t->device, "unknown"))
		dmr_dm_remap_legs(t->device, &t->main_dev, &t->spare_dev);
	if (!DMR_GROW(c->s->tdowns, c->s->nr_tdowns, c->s->cap_tdowns)) {
		c->err = -ENOMEM;
		return;
	}
	c->s->tdowns[c->s->nr_tdowns++] = *t;
}

/* the task sleeps in an ioctl of device-mapper's control device */
static bool in_dm_ioctl(pid_t tid)
{
	uint64_t args[3];
	long nr;

	return !dmr_ktask_syscall(tid, &nr, args) && nr == SYS_ioctl &&
	       _IOC_TYPE((unsigned int)args[1]) == DM_IOCTL;
}

static int scan_task(pid_t tid, void *arg)
{
	struct scan_ctx *c = arg;
	struct dmr_ktask head;
	int r = dmr_ktask_read(tid, &head);

	/* gone meanwhile; any other error fails the scan (no stall is lost) */
	if (r)
		return dmr_ktask_gone(r) ? 0 : r;
	if (!strncmp(head.comm, "kworker/", 8))
		scan_worker(c, &head);
	/*
	 * dm_suspend() waits interruptibly (S) for in-flight I/O, a removal
	 * uninterruptibly (D): look at the stack of a task in D, and of one
	 * in S only when it sleeps in a dm ioctl (most sleeping tasks do not)
	 */
	else if (head.state == 'D' || (head.state == 'S' && in_dm_ioctl(tid)))
		scan_dm_waiter(c, &head);
	return c->err;
}

/* ---- I/O ---- */

/* per remap device and target: what the BPF map holds */
struct io_acc {
	uint32_t kdev;
	uint32_t target;	/* enum dm_remap_path */
	uint64_t all;		/* outstanding, any age */
	uint64_t stuck;		/* older than the threshold */
	uint64_t oldest_ns, oldest_sector;
};

#define IO_ACC_MAX 256

static struct io_acc *acc_get(struct io_acc *acc, int *nr, uint32_t kdev, uint32_t target)
{
	for (int i = 0; i < *nr; i++)
		if (acc[i].kdev == kdev && acc[i].target == target)
			return &acc[i];
	if (*nr == IO_ACC_MAX)
		return NULL;
	memset(&acc[*nr], 0, sizeof(acc[*nr]));
	acc[*nr].kdev = kdev;
	acc[*nr].target = target;
	return &acc[(*nr)++];
}

struct io_walk {
	const struct hang_scan_opts *o;
	uint64_t now;
	struct io_acc *acc;
	int nr;
};

/* one I/O of the BPF map into its (device, target) sum */
static int walk_io(const void *key, const void *value, void *ctx)
{
	const struct dmr_hang_io *io = value;
	struct io_walk *w = ctx;
	struct dmr_hang_sec_key sk = { .sector = io->sector, .dev = io->dev };
	uint32_t target = io->path;
	uint64_t err_ns;
	struct io_acc *a;

	(void)key;
	/* an I/O error since it started: the worker holds it (retry, remap) */
	if (w->o->errors_fd >= 0 && !bpf_map_lookup_elem(w->o->errors_fd, &sk, &err_ns) &&
	    err_ns >= io->start_ns)
		target = DM_REMAP_PATH_WORKER;
	a = acc_get(w->acc, &w->nr, io->dev, target);
	if (!a)
		return 0;
	a->all++;
	if (io->start_ns > w->now || w->now - io->start_ns < w->o->threshold_ns)
		return 0;
	if (!a->stuck || io->start_ns < a->oldest_ns) {
		a->oldest_ns = io->start_ns;
		a->oldest_sector = io->sector;
	}
	a->stuck++;
	return 0;
}

/* walk the BPF map once (bounded by its size) and sum it up */
static int read_bpf_ios(const struct hang_scan_opts *o, uint64_t now, struct io_acc *acc)
{
	struct io_walk w = { .o = o, .now = now, .acc = acc };

	if (o->ios_fd < 0)
		return 0;
	if (dmr_map_walk(o->ios_fd, sizeof(uint64_t), sizeof(struct dmr_hang_io), DMR_HANG_MAX_IOS,
			 walk_io, &w))
		return 0;
	return w.nr;
}

static bool add_io(struct hang_snapshot *s, const struct hang_io *io)
{
	if (!DMR_GROW(s->ios, s->nr_ios, s->cap_ios))
		return false;
	s->ios[s->nr_ios++] = *io;
	return true;
}

/*
 * The target that holds I/O issued before the tool: the leg that is a
 * suspended dm device, else the one with I/O in flight.
 */
static const char *old_io_target(const struct dmr_dm_dev *d, uint32_t main_dev,
				 uint32_t spare_dev, bool *held)
{
	struct dmr_blk bm = { 0 }, bs = { 0 };
	char kname[DMR_BLK_KNAME_LEN];
	bool m, sp;

	(void)d;
	if (!main_dev || dmr_blk_kname_of(main_dev, kname, sizeof(kname)) ||
	    dmr_blk_read(kname, &bm))
		memset(&bm, 0, sizeof(bm));
	if (!spare_dev || dmr_blk_kname_of(spare_dev, kname, sizeof(kname)) ||
	    dmr_blk_read(kname, &bs))
		memset(&bs, 0, sizeof(bs));
	m = bm.is_dm && bm.suspended;
	sp = bs.is_dm && bs.suspended;
	*held = m || sp;
	if (m != sp)
		return m ? "main" : "spare";
	if (!m && (bm.inflight > 0) != (bs.inflight > 0))
		return bm.inflight ? "main" : "spare";
	return "unknown";
}

/*
 * What the dm device of leg `target` holds (main, spare; unknown: the leg
 * whose oldest held bio is older)
 */
static bool held_below(const struct hang_scan_opts *o, uint64_t look_ns, const char *target,
		       uint32_t main_dev, uint32_t spare_dev, struct hang_below *below)
{
	bool any = !strcmp(target, "unknown");
	struct hang_below m, sp;
	bool have_m, have_sp;

	have_m = (any || !strcmp(target, "main")) && hang_held_below(o, main_dev, look_ns, &m);
	have_sp = (any || !strcmp(target, "spare")) && hang_held_below(o, spare_dev, look_ns, &sp);
	if (have_m && (!have_sp || (m.timed && (!sp.timed || m.seconds >= sp.seconds))))
		*below = m;
	else if (have_sp)
		*below = sp;
	return have_m || have_sp;
}

static double teardown_age_of(const struct hang_snapshot *s, const char *kname)
{
	double secs = 0;

	for (int i = 0; i < s->nr_tdowns; i++)
		if (!strcmp(s->tdowns[i].kname, kname) && s->tdowns[i].seconds > secs)
			secs = s->tdowns[i].seconds;
	return secs;
}

static struct hang_old_io *old_io(struct hang_snapshot *s, uint32_t kdev)
{
	for (int i = 0; i < s->nr_old; i++)
		if (s->old[i].kdev == kdev)
			return &s->old[i];
	return NULL;
}

static struct hang_old_io *old_io_new(struct hang_snapshot *s, const struct dmr_dm_dev *d,
				      bool held, const char *target)
{
	struct hang_old_io *e;

	if (!DMR_GROW(s->old, s->nr_old, s->cap_old))
		return NULL;
	e = &s->old[s->nr_old++];
	memset(e, 0, sizeof(*e));
	e->kdev = d->kdev;
	e->held = held;
	snprintf(e->target, sizeof(e->target), "%s", target);
	return e;
}

static void old_io_drop(struct hang_snapshot *s, struct hang_old_io *e)
{
	*e = s->old[--s->nr_old];
}

/*
 * I/O whose start the tool did not see: its age is unknown to the kernel
 * (dm keeps no start time that user space can read), so `seconds` is a
 * lower bound: the time since the tool has seen it outstanding, or as long
 * as a suspend of the device has waited for it.  Reported once that passes
 * the threshold, or at once when it was there at the first scan with a
 * device below suspended: it cannot complete until that device resumes.
 *
 * Without BPF (the default, no per-I/O hook): the device has I/O in flight
 * and has completed none since `since_ns`.  A single stuck I/O among
 * others that complete is not seen this way (its worker or the suspend
 * waiting for it is); --sectors sees each I/O.
 *
 * With BPF: in-flight I/O the map does not hold was issued before the tool;
 * noted at the first scan only (later, a difference is a race between dm's
 * accounting and the tracepoints, not an old I/O), and only ever decreases.
 */
static int scan_old_io(struct hang_snapshot *s, const struct hang_scan_opts *o,
		       const struct dmr_dm_dev *d, const char *kname, const struct dmr_blk *b,
		       uint64_t tracked, uint64_t look_ns)
{
	struct hang_old_io *e = old_io(s, d->kdev);
	uint32_t main_dev = 0, spare_dev = 0;
	struct hang_io io = { 0 };
	double since_start, waited;
	const char *target;
	bool held, bpf = o->ios_fd >= 0;
	uint64_t count;

	if (bpf) {
		count = b->inflight > tracked ? b->inflight - tracked : 0;
		if (!e && (!o->first || !count))
			return 0;
	} else {
		count = b->inflight;
		if (!count || (e && (b->done_ms != e->done_ms || b->inflight < e->inflight))) {
			/* idle, or progress: nothing is stuck (for now) */
			if (e)
				old_io_drop(s, e);
			e = NULL;
			if (!count)
				return 0;
		}
	}
	dmr_dm_remap_legs(d->name, &main_dev, &spare_dev);
	target = old_io_target(d, main_dev, spare_dev, &held);
	if (!e) {
		e = old_io_new(s, d, o->first && held, target);
		if (!e)
			return -ENOMEM;
		e->remaining = count;
		e->done_ms = b->done_ms;
		e->since_ns = o->first ? o->tool_start_ns : s->now_ns;
	} else if (!strcmp(e->target, "unknown")) {
		snprintf(e->target, sizeof(e->target), "%s", target);
	}
	e->inflight = b->inflight;
	if (bpf) {
		if (count < e->remaining)
			e->remaining = count;
		if (!e->remaining) {
			old_io_drop(s, e);
			return 0;
		}
		count = e->remaining;
	}
	since_start = (double)(s->now_ns - e->since_ns) / 1e9;
	waited = teardown_age_of(s, kname);
	io.kdev = d->kdev;
	snprintf(io.device, sizeof(io.device), "%s", d->name);
	snprintf(io.target, sizeof(io.target), "%s", e->target);
	io.count = count;
	io.seconds = since_start > waited ? since_start : waited;
	/*
	 * I/O the leg holds because it is a suspended dm device: sent down by
	 * d (normally its only user), so d's oldest is at least that old (its
	 * bi_issue is when d sent it down; a lower bound still, a close one)
	 */
	io.has_below = held_below(o, look_ns, e->target, main_dev, spare_dev, &io.below);
	if (io.has_below && io.below.timed && io.below.seconds > io.seconds)
		io.seconds = io.below.seconds;
	if (io.seconds * 1e9 < (double)o->threshold_ns && !e->held)
		return 0;
	return add_io(s, &io) ? 0 : -ENOMEM;
}

static int scan_held_io(struct hang_snapshot *s, const struct hang_scan_opts *o,
			const struct dmr_dm_dev *d, uint64_t look_ns, double waited)
{
	struct hang_io io;
	int r = hang_held_scan(s, o, d, look_ns, waited, &io);

	if (r <= 0)
		return r;
	return add_io(s, &io) ? 0 : -ENOMEM;
}

static int scan_ios(struct hang_snapshot *s, const struct hang_scan_opts *o)
{
	static struct io_acc acc[IO_ACC_MAX];
	struct dmr_dm_dev *devs = NULL;
	struct dmr_blk *blk = NULL;
	int nr_acc, nr_devs, ret = 0;
	/* the status calls of the list run bpf/held.bpf.c: what it saw from now on */
	uint64_t look_ns = dmr_mono_ns();

	for (int i = 0; i < s->nr_held; i++)
		s->held[i].seen = false;
	nr_devs = dmr_dm_list_remap(&devs);
	if (nr_devs < 0)
		return nr_devs;
	if (!nr_devs) {
		s->nr_held = 0;
		return 0;	/* no remap device: nothing to report */
	}
	blk = calloc((size_t)nr_devs, sizeof(*blk));
	if (!blk) {
		ret = -ENOMEM;
		goto out;
	}
	/*
	 * dm's in-flight counts first, the map after: an I/O that completes
	 * in between then lowers the difference, never raises it
	 */
	for (int i = 0; i < nr_devs && !ret; i++) {
		char kname[DMR_BLK_KNAME_LEN];

		ret = dmr_blk_kname_of(devs[i].kdev, kname, sizeof(kname));
		if (!ret)
			ret = dmr_blk_read(kname, &blk[i]);
		/* removed since the list: nothing in flight; other errors fail the scan */
		if (ret == -ENOENT) {
			memset(&blk[i], 0, sizeof(blk[i]));
			ret = 0;
		}
	}
	if (ret)
		goto out;
	nr_acc = read_bpf_ios(o, s->now_ns, acc);
	for (int i = 0; i < nr_devs && !ret; i++) {
		const struct dmr_dm_dev *d = &devs[i];
		char kname[DMR_BLK_KNAME_LEN] = "";
		uint64_t tracked = 0;

		for (int k = 0; k < nr_acc; k++) {
			struct hang_io io = { 0 };

			if (acc[k].kdev != d->kdev)
				continue;
			tracked += acc[k].all;
			if (!acc[k].stuck)
				continue;
			io.kdev = d->kdev;
			snprintf(io.device, sizeof(io.device), "%s", d->name);
			snprintf(io.target, sizeof(io.target), "%s", dmr_path_name(acc[k].target));
			io.count = acc[k].stuck;
			io.seconds = (double)(s->now_ns - acc[k].oldest_ns) / 1e9;
			io.age_exact = true;
			io.has_sector = true;
			io.sector = acc[k].oldest_sector;
			if (!add_io(s, &io)) {
				ret = -ENOMEM;
				goto out;
			}
		}
		dmr_blk_kname_of(d->kdev, kname, sizeof(kname));
		ret = scan_old_io(s, o, d, kname, &blk[i], tracked, look_ns);
		if (!ret)
			ret = scan_held_io(s, o, d, look_ns, teardown_age_of(s, kname));
	}
	/* forget the devices of unknown-age held I/O that are gone */
	for (int i = 0; i < s->nr_held;) {
		if (s->held[i].seen)
			i++;
		else
			s->held[i] = s->held[--s->nr_held];
	}
out:
	free(blk);
	dmr_dm_free_list(devs, nr_devs);
	return ret;
}

bool hang_still_in(enum stall_kind kind, pid_t tid, const char *what)
{
	static struct dmr_ktask t;	/* too big for the stack */
	char fn[64], mod[64];
	int r = dmr_ktask_read(tid, &t);

	if (r)
		return !dmr_ktask_gone(r);	/* gone, or unknown: still in */
	if (kind == STALL_WORK && !strchr(t.comm, '+'))
		return false;		/* the worker is between items */
	if (dmr_ktask_read_stack(&t) || !t.nr_frames)
		return true;		/* on a CPU: no stack to tell, still busy */
	if (kind == STALL_WORK)
		return !dmr_ktask_work_func(&t, fn, sizeof(fn), mod, sizeof(mod)) &&
		       !strcmp(fn, what);
	return dmr_dm_stack_phase(&t) != NULL;
}

int hang_scan(struct hang_snapshot *s, const struct hang_scan_opts *o)
{
	struct scan_ctx *c;
	int ret;

	s->nr_works = s->nr_tdowns = s->nr_ios = 0;
	s->now_ns = dmr_mono_ns();
	c = calloc(1, sizeof(*c));
	if (!c)
		return -ENOMEM;
	c->s = s;
	c->o = o;
	ret = dmr_ktask_for_each(scan_task, c);
	free(c);
	if (ret)
		return ret;
	return scan_ios(s, o);
}

void hang_snapshot_free(struct hang_snapshot *s)
{
	free(s->old);
	free(s->held);
	free(s->works);
	free(s->tdowns);
	free(s->ios);
	memset(s, 0, sizeof(*s));
}
