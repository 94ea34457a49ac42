// SPDX-License-Identifier: GPL-2.0
/*
 * hang_held.c - I/O that dm core holds for a suspended remap device, for
 * `dmremap-trace hang`: loads bpf/held.bpf.c (fentry on the module's status
 * function, a kprobe when fentry cannot attach) and turns what it saw into
 * stuck_io reports with target "held".
 *
 * The program runs only inside the status calls the tool makes itself
 * (dmr_dm_list_remap() of every scan), so there is no per-I/O cost and the
 * state it reads is that of this scan.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <linux/types.h>
#include <bpf/bpf.h>
#include <bpf/libbpf.h>

#include "held.h"		/* bpf/held.h: the map layout */
#include "held.skel.h"
#include "hang_scan.h"

struct hang_held {
	struct held_bpf *skel;
	struct bpf_link *link;
	const char *mode;	/* "fentry" or "kprobe" */
};

/* load with only `prog` and attach it: 0 or -errno */
static int load_one(struct hang_held *hh, bool fentry)
{
	struct held_bpf *skel = held_bpf__open();
	struct bpf_program *use, *skip;
	int r;

	if (!skel)
		return -errno;
	use = fentry ? skel->progs.status_fentry : skel->progs.status_kprobe;
	skip = fentry ? skel->progs.status_kprobe : skel->progs.status_fentry;
	bpf_program__set_autoload(skip, false);
	skel->rodata->targ_tgid = (__u32)getpid();
	r = held_bpf__load(skel);
	if (!r) {
		hh->link = bpf_program__attach(use);
		r = hh->link ? 0 : -errno;
	}
	if (r) {
		held_bpf__destroy(skel);
		return r;
	}
	hh->skel = skel;
	hh->mode = fentry ? "fentry" : "kprobe";
	return 0;
}

struct hang_held *hang_held_open(char *err, size_t len)
{
	struct hang_held *hh = calloc(1, sizeof(*hh));
	int r;

	if (!hh) {
		snprintf(err, len, "out of memory");
		return NULL;
	}
	/* fentry needs the module's BTF; the kprobe does without */
	if (!load_one(hh, true))
		return hh;
	r = load_one(hh, false);
	if (!r)
		return hh;
	snprintf(err, len, "cannot attach to the module's status function (fentry, then kprobe): %s",
		 strerror(-r));
	free(hh);
	return NULL;
}

const char *hang_held_mode(const struct hang_held *hh)
{
	return hh->mode;
}

int hang_held_fd(const struct hang_held *hh)
{
	return bpf_map__fd(hh->skel->maps.held);
}

void hang_held_close(struct hang_held *hh)
{
	if (!hh)
		return;
	bpf_link__destroy(hh->link);
	held_bpf__destroy(hh->skel);
	free(hh);
}

/* per device: since when the tool has seen it hold I/O of unknown age */
static struct hang_held_dev *held_dev(struct hang_snapshot *s, uint32_t kdev, bool add)
{
	struct hang_held_dev *e;

	for (int i = 0; i < s->nr_held; i++)
		if (s->held[i].kdev == kdev)
			return &s->held[i];
	if (!add)
		return NULL;
	if (!HANG_GROW(s->held, s->nr_held, s->cap_held))
		return NULL;
	e = &s->held[s->nr_held++];
	memset(e, 0, sizeof(*e));
	e->kdev = kdev;
	return e;
}

/*
 * What the program saw of device d in this scan's status call (made at or
 * after look_ns): fills io and returns 1 when it holds I/O to report, 0 when
 * not, -ENOMEM.
 */
int hang_held_scan(struct hang_snapshot *s, const struct hang_scan_opts *o,
		   const struct dmr_dm_dev *d, uint64_t look_ns, double waited, struct hang_io *io)
{
	struct dmr_held h;
	struct hang_held_dev *e;
	bool suspended;

	if (o->held_fd < 0)
		return 0;
	if (bpf_map_lookup_elem(o->held_fd, &d->kdev, &h) || h.seen_ns < look_ns || !h.count) {
		e = held_dev(s, d->kdev, false);
		if (e)
			*e = s->held[--s->nr_held];	/* nothing held (any more) */
		return 0;
	}
	suspended = h.md_flags & (1ULL << DMR_DMF_SUSPENDED);
	memset(io, 0, sizeof(*io));
	io->kdev = d->kdev;
	snprintf(io->device, sizeof(io->device), "%s", d->name);
	snprintf(io->target, sizeof(io->target), "held");
	io->held = true;
	io->count = h.count;
	io->count_exact = !h.count_capped;
	io->suspended = suspended;
	if (!h.untimed) {
		/* every bio has its issue time: the age is exact */
		io->seconds = (double)h.oldest_age_ns / 1e9;
		io->age_exact = true;
		io->has_sector = true;
		io->sector = h.oldest_sector;
		return io->seconds * 1e9 >= (double)o->threshold_ns;
	}
	/*
	 * No issue time (a kernel without CONFIG_BLK_CGROUP), or only for some:
	 * a lower bound, the time the tool has seen the device hold I/O (from
	 * its start at the first scan) or a suspend of it has waited.  Held by
	 * a completed suspend at the first scan, it is reported at once: it
	 * cannot move before a resume.
	 */
	e = held_dev(s, d->kdev, true);
	if (!e)
		return -ENOMEM;
	e->seen = true;
	if (!e->since_ns) {
		e->since_ns = o->first ? o->tool_start_ns : s->now_ns;
		e->at_once = o->first && suspended;
	}
	io->seconds = (double)(s->now_ns - e->since_ns) / 1e9;
	if (h.count > h.untimed && (double)h.oldest_age_ns / 1e9 > io->seconds)
		io->seconds = (double)h.oldest_age_ns / 1e9;
	if (waited > io->seconds)
		io->seconds = waited;
	return e->at_once || io->seconds * 1e9 >= (double)o->threshold_ns;
}
