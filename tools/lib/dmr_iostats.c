// SPDX-License-Identifier: GPL-2.0
/*
 * dmr_iostats.c - load bpf/iostats.bpf.c and read its maps (dmr_iostats.h).
 */
#define _GNU_SOURCE
#include <errno.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <bpf/bpf.h>
#include <bpf/libbpf.h>

#include "dmr_iostats.h"
#include "bpf_map.h"
#include "clock.h"
#include "dm_remap_events.h"
#include "events.h"
#include "iostats.skel.h"

_Static_assert(DMR_IOSTATS_MAX_FILTER == DMR_MAX_FILTER_DEVS, "filter sizes differ");
_Static_assert(sizeof(struct dmr_iostats_pathval) == sizeof(struct dmr_io_val), "io layout");
_Static_assert(sizeof(struct dmr_iostats_mdval) == sizeof(struct dmr_md_val), "md layout");

struct dmr_iostats {
	struct iostats_bpf *skel;
	struct dmr_bpf_links links;
	struct dmr_iostats_snap base;	/* totals at the last interval read */
	uint64_t open_ns;
};

bool dmr_iostats_module_loaded(void)
{
	char path[256];

	snprintf(path, sizeof(path), "%s/module/%s", dmr_sysfs_root, DMR_MODULE);
	return access(path, F_OK) == 0;
}

int dmr_iostats_open(struct dmr_iostats **out, const struct dmr_iostats_opts *o,
		     char *err, size_t len)
{
	struct dmr_bpf_opts bo = { 0 };
	struct dmr_iostats *st;
	int r;

	*out = NULL;
	bo.verbose = o->verbose;
	bo.force_raw_tp = o->force_raw_tp;
	bo.need_btf = false;	/* no CO-RE relocations: works without vmlinux BTF */
	if (dmr_bpf_check_env(&bo, err, len))
		return -EPERM;
	st = calloc(1, sizeof(*st));
	if (!st) {
		snprintf(err, len, "out of memory");
		return -ENOMEM;
	}
	st->skel = iostats_bpf__open();
	if (!st->skel) {
		r = -errno;
		snprintf(err, len, "cannot open the iostats BPF object: %s", strerror(errno));
		free(st);
		return r;
	}
	r = DMR_BPF_SET_FILTER(st->skel->rodata, o->devs, o->nr_devs, err, len);
	if (!r)
		r = dmr_bpf_load_attach(st->skel->obj, &bo, &st->links, err, len);
	if (r) {
		iostats_bpf__destroy(st->skel);
		free(st);
		return r;
	}
	st->base.ts_ns = st->open_ns = dmr_mono_ns();
	*out = st;
	return 0;
}

void dmr_iostats_close(struct dmr_iostats *st)
{
	if (!st)
		return;
	dmr_bpf_detach(&st->links);
	iostats_bpf__destroy(st->skel);
	dmr_iostats_snap_free(&st->base);
	free(st);
}

enum dmr_attach_mode dmr_iostats_mode(const struct dmr_iostats *st)
{
	return st->links.mode;
}

/*
 * One per-CPU map of bpf/iostats.bpf.c into an array of records: record i
 * holds the key at offset 0 and the value, summed over the CPUs, at val_off
 * (the layouts are asserted below).  The md map's records are the
 * snapshot's; the io map's are split by dmr_iostats_snap_fill().
 */
struct dump {
	size_t key_size, val_size, val_off, stride, max;
	unsigned char *arr;
	size_t n;
};

_Static_assert(offsetof(struct dmr_iostats_path, op) == offsetof(struct dmr_io_key, op) &&
	       offsetof(struct dmr_iostats_path, path) == offsetof(struct dmr_io_key, path) &&
	       sizeof(((struct dmr_iostats_path *)0)->op) == sizeof(((struct dmr_io_key *)0)->op) &&
	       sizeof(((struct dmr_iostats_path *)0)->path) ==
	       sizeof(((struct dmr_io_key *)0)->path) &&
	       offsetof(struct dmr_iostats_path, v) >= sizeof(struct dmr_io_key), "io record");
_Static_assert(offsetof(struct dmr_iostats_md, v) >= sizeof(uint32_t), "md record");

static int dump_entry(const void *key, const void *value, void *ctx)
{
	struct dump *d = ctx;
	unsigned char *rec = d->arr + d->n++ * d->stride;

	memcpy(rec, key, d->key_size);
	dmr_map_percpu_sum(value, d->val_size, rec + d->val_off);
	return 0;
}

static int dump_map(const struct bpf_map *map, size_t val_off, size_t stride, void **arr,
		    size_t *nr)
{
	struct dump d = {
		.key_size = bpf_map__key_size(map),
		.val_size = bpf_map__value_size(map),
		.val_off = val_off,
		.stride = stride,
		.max = bpf_map__max_entries(map),
	};
	size_t percpu = dmr_map_percpu_size(d.val_size);
	int r;

	*arr = NULL;
	*nr = 0;
	if (!percpu)
		return -EINVAL;
	d.arr = calloc(d.max ? d.max : 1, stride);
	if (!d.arr)
		return -ENOMEM;
	r = dmr_map_walk(bpf_map__fd(map), d.key_size, percpu, d.max, dump_entry, &d);
	if (r) {
		free(d.arr);
		return r;
	}
	/* sized for a full map; keep what the snapshot holds */
	*arr = realloc(d.arr, (d.n ? d.n : 1) * stride);
	if (!*arr)
		*arr = d.arr;
	*nr = d.n;
	return 0;
}

static int read_totals(struct dmr_iostats *st, struct dmr_iostats_snap *s)
{
	struct iostats_bpf *sk = st->skel;
	size_t nr_paths;
	void *arr;
	int r;

	memset(s, 0, sizeof(*s));
	s->ts_ns = dmr_mono_ns();
	r = dump_map(sk->maps.io, offsetof(struct dmr_iostats_path, v),
		     sizeof(struct dmr_iostats_path), &arr, &nr_paths);
	if (!r) {
		r = dmr_iostats_snap_fill(s, arr, nr_paths);
		free(arr);
	}
	if (!r) {
		r = dump_map(sk->maps.md, offsetof(struct dmr_iostats_md, v), sizeof(*s->md), &arr,
			     &s->nr_md);
		s->md = arr;
	}
	if (r) {
		dmr_iostats_snap_free(s);
		return r;
	}
	s->dropped = sk->bss->dropped;
	dmr_iostats_snap_sort(s);
	return 0;
}

int dmr_iostats_read(struct dmr_iostats *st, enum dmr_iostats_mode mode,
		     struct dmr_iostats_snap *snap)
{
	struct dmr_iostats_snap cur, out;
	int r;

	r = read_totals(st, &cur);
	if (r)
		return r;
	if (mode == DMR_IOSTATS_TOTAL) {
		cur.interval_ns = cur.ts_ns - st->open_ns;
		dmr_iostats_snap_free(snap);
		*snap = cur;
		return 0;
	}
	r = dmr_iostats_snap_delta(&cur, &st->base, &out);
	if (r) {
		dmr_iostats_snap_free(&cur);
		return r;
	}
	out.dropped = cur.dropped;	/* cumulative, not a delta */
	dmr_iostats_snap_free(&st->base);
	st->base = cur;
	dmr_iostats_snap_free(snap);
	*snap = out;
	return 0;
}

static void forget_in(struct dmr_iostats_snap *s, uint32_t dev)
{
	size_t j = 0;

	for (size_t i = 0; i < s->nr_lat; i++)
		if (s->lat[i].dev != dev)
			s->lat[j++] = s->lat[i];
	s->nr_lat = j;
	j = 0;
	for (size_t i = 0; i < s->nr_io; i++)
		if (s->io[i].dev != dev)
			s->io[j++] = s->io[i];
	s->nr_io = j;
	j = 0;
	for (size_t i = 0; i < s->nr_md; i++)
		if (s->md[i].dev != dev)
			s->md[j++] = s->md[i];
	s->nr_md = j;
}

int dmr_iostats_forget(struct dmr_iostats *st, uint32_t dev)
{
	struct iostats_bpf *sk = st->skel;
	int r = 0;

	for (uint32_t op = 0; op < DMR_IOSTATS_OPS; op++) {
		for (uint32_t p = 0; p < DMR_IOSTATS_PATHS; p++) {
			struct dmr_io_key k = { .dev = dev, .op = op, .path = p };

			if (bpf_map_delete_elem(bpf_map__fd(sk->maps.io), &k) && errno != ENOENT)
				r = -errno;
		}
	}
	if (bpf_map_delete_elem(bpf_map__fd(sk->maps.md), &dev) && errno != ENOENT)
		r = -errno;
	forget_in(&st->base, dev);
	return r;
}
