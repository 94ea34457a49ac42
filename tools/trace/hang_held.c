// SPDX-License-Identifier: GPL-2.0
/*
 * hang_held.c - I/O that dm core holds for a suspended remap device, for
 * `dmremap-trace hang`: loads bpf/held.bpf.c (fentry on the module's status
 * function, a kprobe when fentry cannot attach) and reads what it saw
 * (hang_held_judge.c turns it into stuck_io reports with target "held").
 *
 * The program runs only inside the status calls the tool makes itself
 * (dmr_dm_list_remap() of every scan), so there is no per-I/O cost and the
 * state it reads is that of this scan.  It also looks at the dm devices
 * below each remap device (hang_held_below()).
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

/*
 * What the program saw of dm device kdev in this scan's status calls (at
 * or after look_ns) into h; not seen: as if nothing were held (h zeroed).
 */
static void held_seen(const struct hang_scan_opts *o, uint32_t kdev, uint64_t look_ns,
		      struct dmr_held *h)
{
	if (bpf_map_lookup_elem(o->held_fd, &kdev, h) || h->seen_ns < look_ns)
		memset(h, 0, sizeof(*h));
}

/* what the program saw of device d in this scan's status calls (hang_scan.h) */
int hang_held_scan(struct hang_snapshot *s, const struct hang_scan_opts *o,
		   const struct dmr_dm_dev *d, uint64_t look_ns, double waited, struct hang_io *io)
{
	struct dmr_held h;

	if (o->held_fd < 0)
		return 0;
	held_seen(o, d->kdev, look_ns, &h);
	return hang_held_judge(s, o, d, &h, waited, io);
}

bool hang_held_below(const struct hang_scan_opts *o, uint32_t kdev, uint64_t look_ns,
		     struct hang_below *below)
{
	char kname[DMR_BLK_KNAME_LEN];
	struct dmr_held h;
	struct dmr_blk b;

	if (o->held_fd < 0 || !kdev)
		return false;
	held_seen(o, kdev, look_ns, &h);
	if (!hang_held_blocks(&h))
		return false;
	memset(below, 0, sizeof(*below));
	below->kdev = kdev;
	if (dmr_blk_kname_of(kdev, kname, sizeof(kname)) || dmr_blk_read(kname, &b))
		snprintf(below->device, sizeof(below->device), "unknown");
	else
		snprintf(below->device, sizeof(below->device), "%s", b.name[0] ? b.name : b.kname);
	below->count = h.count;
	below->count_exact = !h.count_capped;
	below->suspended = h.md_flags & (1ULL << DMR_DMF_SUSPENDED);
	below->timed = h.count > h.untimed;
	if (below->timed) {
		below->seconds = (double)h.oldest_age_ns / 1e9;
		below->sector = h.oldest_sector;
	}
	return true;
}
