// SPDX-License-Identifier: GPL-2.0
/*
 * hang_held_judge.c - from what bpf/held.bpf.c saw of a remap device's
 * deferred list to a stuck_io report with target "held": the count, the
 * age (exact from the bios' issue time, else a lower bound kept across
 * scans) and the threshold.  No BPF here (unit-tested).
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <linux/types.h>

#include "held.h"		/* bpf/held.h: struct dmr_held */
#include "grow.h"
#include "hang_scan.h"

/* per device: since when the tool has seen it hold I/O of unknown age */
static struct hang_held_dev *held_dev(struct hang_snapshot *s, uint32_t kdev, bool add)
{
	struct hang_held_dev *e;

	for (int i = 0; i < s->nr_held; i++)
		if (s->held[i].kdev == kdev)
			return &s->held[i];
	if (!add)
		return NULL;
	if (!DMR_GROW(s->held, s->nr_held, s->cap_held))
		return NULL;
	e = &s->held[s->nr_held++];
	memset(e, 0, sizeof(*e));
	e->kdev = kdev;
	return e;
}

bool hang_held_blocks(const struct dmr_held *h)
{
	return h->count && (h->md_flags & (1ULL << DMR_DMF_BLOCK_IO_FOR_SUSPEND));
}

int hang_held_judge(struct hang_snapshot *s, const struct hang_scan_opts *o,
		    const struct dmr_dm_dev *d, const struct dmr_held *h, double waited,
		    struct hang_io *io)
{
	struct hang_held_dev *e;
	bool suspended;

	if (!hang_held_blocks(h)) {
		e = held_dev(s, d->kdev, false);
		if (e)
			*e = s->held[--s->nr_held];	/* nothing held (any more) */
		return 0;
	}
	suspended = h->md_flags & (1ULL << DMR_DMF_SUSPENDED);
	memset(io, 0, sizeof(*io));
	io->kdev = d->kdev;
	snprintf(io->device, sizeof(io->device), "%s", d->name);
	snprintf(io->target, sizeof(io->target), "held");
	io->held = true;
	io->count = h->count;
	io->count_exact = !h->count_capped;
	io->suspended = suspended;
	if (!h->untimed) {
		/* every bio has its issue time: the age is exact */
		io->seconds = (double)h->oldest_age_ns / 1e9;
		io->age_exact = true;
		io->has_sector = true;
		io->sector = h->oldest_sector;
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
	if (h->count > h->untimed && (double)h->oldest_age_ns / 1e9 > io->seconds)
		io->seconds = (double)h->oldest_age_ns / 1e9;
	if (waited > io->seconds)
		io->seconds = waited;
	return e->at_once || io->seconds * 1e9 >= (double)o->threshold_ns;
}
