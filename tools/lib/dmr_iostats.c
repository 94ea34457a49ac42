// SPDX-License-Identifier: GPL-2.0
/*
 * dmr_iostats.c - load bpf/iostats.bpf.c and read its maps (dmr_iostats.h).
 */
#define _GNU_SOURCE
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <bpf/bpf.h>
#include <bpf/libbpf.h>

#include "dmr_iostats.h"
#include "clock.h"
#include "dm_remap_events.h"
#include "events.h"
#include "iostats.skel.h"

_Static_assert(DMR_IOSTATS_MAX_FILTER == DMR_MAX_FILTER_DEVS, "filter sizes differ");
_Static_assert(sizeof(struct dmr_iostats_latval) == sizeof(struct dmr_lat_val), "lat layout");
_Static_assert(sizeof(struct dmr_iostats_ioval) == sizeof(struct dmr_io_val), "io layout");
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
	if (o->nr_devs < 0 || o->nr_devs > DMR_IOSTATS_MAX_FILTER) {
		snprintf(err, len, "at most %d devices", DMR_IOSTATS_MAX_FILTER);
		return -EINVAL;
	}
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
	for (int i = 0; i < o->nr_devs; i++)
		st->skel->rodata->filter_devs[i] = o->devs[i];
	st->skel->rodata->nr_filter_devs = (uint32_t)o->nr_devs;

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
 * Every (key, value) of a per-CPU hash map into an array of `stride`-byte
 * records holding the key at key_off and the value, summed over the CPUs,
 * at val_off.  Values are all __u64 fields (bpf/iostats.h), so the sum is
 * field by field.
 */
static int dump_map(int fd, size_t key_size, size_t val_size, size_t max_entries,
		    size_t stride, size_t key_off, size_t val_off, void **arr, size_t *nr)
{
	unsigned char key[16], next[16];
	int ncpus = libbpf_num_possible_cpus();
	size_t words = val_size / sizeof(uint64_t), n = 0;
	uint64_t *percpu;
	unsigned char *a;
	void *prev = NULL;

	*arr = NULL;
	*nr = 0;
	if (ncpus <= 0)
		return ncpus ? ncpus : -EINVAL;
	/* the kernel copies out one value per possible CPU, each 8-byte aligned */
	percpu = calloc((size_t)ncpus, (val_size + 7) & ~(size_t)7);
	a = calloc(max_entries ? max_entries : 1, stride);
	if (!a || !percpu) {
		free(a);
		free(percpu);
		return -ENOMEM;
	}
	/* bounded: a key deleted during the walk restarts it at worst once per entry */
	for (size_t guard = 0; guard < 4 * max_entries + 4; guard++) {
		unsigned char *rec;
		uint64_t *sum;

		if (bpf_map_get_next_key(fd, prev, next))
			break;
		memcpy(key, next, key_size);
		prev = key;
		if (n == max_entries)
			break;
		if (bpf_map_lookup_elem(fd, key, percpu))
			continue;	/* deleted meanwhile */
		rec = a + n * stride;
		memset(rec, 0, stride);
		sum = (uint64_t *)(void *)(rec + val_off);
		for (int c = 0; c < ncpus; c++) {
			const uint64_t *v = percpu + (size_t)c * ((val_size + 7) / 8);

			for (size_t w = 0; w < words; w++)
				sum[w] += v[w];
		}
		memcpy(rec + key_off, key, key_size);
		n++;
	}
	free(percpu);
	*arr = a;
	*nr = n;
	return 0;
}

static int read_totals(struct dmr_iostats *st, struct dmr_iostats_snap *s)
{
	struct iostats_bpf *sk = st->skel;
	struct dmr_iostats_lat *lat = NULL;
	struct dmr_iostats_io *io = NULL;
	struct dmr_iostats_md *md = NULL;
	size_t n;
	void *arr;
	int r;

	memset(s, 0, sizeof(*s));
	s->ts_ns = dmr_mono_ns();

	r = dump_map(bpf_map__fd(sk->maps.lat), sizeof(struct dmr_lat_key),
		     sizeof(struct dmr_lat_val), DMR_IOSTATS_LAT_ENTRIES,
		     sizeof(struct dmr_lat_key) + sizeof(struct dmr_lat_val), 0,
		     sizeof(struct dmr_lat_key), &arr, &n);
	if (r)
		goto fail;
	lat = calloc(n ? n : 1, sizeof(*lat));
	if (!lat) {
		free(arr);
		r = -ENOMEM;
		goto fail;
	}
	for (size_t i = 0; i < n; i++) {
		const unsigned char *rec = (unsigned char *)arr +
			i * (sizeof(struct dmr_lat_key) + sizeof(struct dmr_lat_val));
		struct dmr_lat_key k;

		memcpy(&k, rec, sizeof(k));
		lat[i].dev = k.dev;
		lat[i].op = k.op;
		lat[i].path = k.path;
		memcpy(&lat[i].v, rec + sizeof(k), sizeof(lat[i].v));
	}
	free(arr);
	s->lat = lat;
	s->nr_lat = n;

	r = dump_map(bpf_map__fd(sk->maps.io), sizeof(struct dmr_io_key),
		     sizeof(struct dmr_io_val), DMR_IOSTATS_IO_ENTRIES,
		     sizeof(struct dmr_io_key) + sizeof(struct dmr_io_val), 0,
		     sizeof(struct dmr_io_key), &arr, &n);
	if (r)
		goto fail;
	io = calloc(n ? n : 1, sizeof(*io));
	if (!io) {
		free(arr);
		r = -ENOMEM;
		goto fail;
	}
	for (size_t i = 0; i < n; i++) {
		const unsigned char *rec = (unsigned char *)arr +
			i * (sizeof(struct dmr_io_key) + sizeof(struct dmr_io_val));
		struct dmr_io_key k;

		memcpy(&k, rec, sizeof(k));
		io[i].dev = k.dev;
		io[i].op = k.op;
		memcpy(&io[i].v, rec + sizeof(k), sizeof(io[i].v));
	}
	free(arr);
	s->io = io;
	s->nr_io = n;

	r = dump_map(bpf_map__fd(sk->maps.md), sizeof(uint32_t), sizeof(struct dmr_md_val),
		     DMR_IOSTATS_MD_ENTRIES,
		     8 + sizeof(struct dmr_md_val), 0, 8, &arr, &n);
	if (r)
		goto fail;
	md = calloc(n ? n : 1, sizeof(*md));
	if (!md) {
		free(arr);
		r = -ENOMEM;
		goto fail;
	}
	for (size_t i = 0; i < n; i++) {
		const unsigned char *rec = (unsigned char *)arr + i * (8 + sizeof(struct dmr_md_val));

		memcpy(&md[i].dev, rec, sizeof(uint32_t));
		memcpy(&md[i].v, rec + 8, sizeof(md[i].v));
	}
	free(arr);
	s->md = md;
	s->nr_md = n;

	s->dropped = sk->bss->dropped;
	dmr_iostats_snap_sort(s);
	return 0;
fail:
	dmr_iostats_snap_free(s);
	return r;
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
		struct dmr_io_key ik = { .dev = dev, .op = op };

		if (bpf_map_delete_elem(bpf_map__fd(sk->maps.io), &ik) && errno != ENOENT)
			r = -errno;
		for (uint32_t p = 0; p < DMR_IOSTATS_PATHS; p++) {
			struct dmr_lat_key lk = { .dev = dev, .op = op, .path = p };

			if (bpf_map_delete_elem(bpf_map__fd(sk->maps.lat), &lk) && errno != ENOENT)
				r = -errno;
		}
	}
	if (bpf_map_delete_elem(bpf_map__fd(sk->maps.md), &dev) && errno != ENOENT)
		r = -errno;
	forget_in(&st->base, dev);
	return r;
}
