// SPDX-License-Identifier: GPL-2.0
/*
 * dmr_iostats_snap.c - the pure part of dmr_iostats.h: sorting, deltas,
 * copies and lookups on snapshots.  No libbpf here (unit-tested).
 */
#include <errno.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include "dmr_iostats.h"
#include "dm_remap_events.h"

/* The order of every table: by device, then op, then path (0 where a key has none). */
static int cmp_key(uint32_t a_dev, uint32_t a_op, uint32_t a_path,
		   uint32_t b_dev, uint32_t b_op, uint32_t b_path)
{
	if (a_dev != b_dev)
		return a_dev < b_dev ? -1 : 1;
	if (a_op != b_op)
		return a_op < b_op ? -1 : 1;
	return a_path < b_path ? -1 : a_path > b_path;
}

static int cmp_lat(const void *pa, const void *pb)
{
	const struct dmr_iostats_lat *a = pa, *b = pb;

	return cmp_key(a->dev, a->op, a->path, b->dev, b->op, b->path);
}

static int cmp_path(const void *pa, const void *pb)
{
	const struct dmr_iostats_path *a = pa, *b = pb;

	return cmp_key(a->dev, a->op, a->path, b->dev, b->op, b->path);
}

static int cmp_io(const void *pa, const void *pb)
{
	const struct dmr_iostats_io *a = pa, *b = pb;

	return cmp_key(a->dev, a->op, 0, b->dev, b->op, 0);
}

static int cmp_md(const void *pa, const void *pb)
{
	const struct dmr_iostats_md *a = pa, *b = pb;

	return cmp_key(a->dev, 0, 0, b->dev, 0, 0);
}

void dmr_iostats_snap_sort(struct dmr_iostats_snap *s)
{
	if (s->nr_lat)
		qsort(s->lat, s->nr_lat, sizeof(*s->lat), cmp_lat);
	if (s->nr_io)
		qsort(s->io, s->nr_io, sizeof(*s->io), cmp_io);
	if (s->nr_md)
		qsort(s->md, s->nr_md, sizeof(*s->md), cmp_md);
}

/*
 * Sorts rec and drops the duplicates of a key (a map walk restarted by a
 * concurrent delete can return a key twice), keeping the copy read last,
 * the one with the larger count.  Returns how many are left.
 */
static size_t sort_unique(struct dmr_iostats_path *rec, size_t n)
{
	size_t kept = 0;

	if (!n)
		return 0;
	qsort(rec, n, sizeof(*rec), cmp_path);
	for (size_t i = 1; i < n; i++) {
		if (cmp_path(&rec[kept], &rec[i]))
			rec[++kept] = rec[i];
		else if (rec[i].v.count > rec[kept].v.count)
			rec[kept] = rec[i];
	}
	return kept + 1;
}

int dmr_iostats_snap_fill(struct dmr_iostats_snap *s, struct dmr_iostats_path *rec, size_t n)
{
	struct dmr_iostats_lat *lat = calloc(n ? n : 1, sizeof(*lat));
	struct dmr_iostats_io *io = calloc(n ? n : 1, sizeof(*io));
	size_t nr_io = 0;

	if (!lat || !io) {
		free(lat);
		free(io);
		return -ENOMEM;
	}
	n = sort_unique(rec, n);
	for (size_t i = 0; i < n; i++) {
		const struct dmr_iostats_path *r = &rec[i];
		struct dmr_iostats_io *o = nr_io ? &io[nr_io - 1] : NULL;

		lat[i].dev = r->dev;
		lat[i].op = r->op;
		lat[i].path = r->path;
		memcpy(lat[i].v.slots, r->v.slots, sizeof(lat[i].v.slots));
		lat[i].v.count = r->v.count;
		lat[i].v.sum_ns = r->v.sum_ns;

		if (!o || o->dev != r->dev || o->op != r->op) {
			o = &io[nr_io++];
			o->dev = r->dev;
			o->op = r->op;
		}
		o->v.ios += r->v.count;
		o->v.bytes += r->v.bytes;
		o->v.errors += r->v.errors;
		if (r->path == DM_REMAP_PATH_SPARE)
			o->v.remapped += r->v.count;
	}
	free(s->lat);
	free(s->io);
	s->lat = lat;
	s->nr_lat = n;
	s->io = io;
	s->nr_io = nr_io;
	return 0;
}

void dmr_iostats_snap_free(struct dmr_iostats_snap *s)
{
	if (!s)
		return;
	free(s->lat);
	free(s->io);
	free(s->md);
	memset(s, 0, sizeof(*s));
}

static int dup_array(void **dst, const void *src, size_t n, size_t size)
{
	void *p;

	*dst = NULL;
	if (!n)
		return 0;
	p = malloc(n * size);
	if (!p)
		return -ENOMEM;
	memcpy(p, src, n * size);
	*dst = p;
	return 0;
}

int dmr_iostats_snap_copy(struct dmr_iostats_snap *dst, const struct dmr_iostats_snap *src)
{
	struct dmr_iostats_snap t = *src;

	if (dup_array((void **)&t.lat, src->lat, src->nr_lat, sizeof(*src->lat)) ||
	    dup_array((void **)&t.io, src->io, src->nr_io, sizeof(*src->io)) ||
	    dup_array((void **)&t.md, src->md, src->nr_md, sizeof(*src->md))) {
		free(t.lat != src->lat ? t.lat : NULL);
		free(t.io != src->io ? t.io : NULL);
		free(t.md != src->md ? t.md : NULL);
		return -ENOMEM;
	}
	*dst = t;
	return 0;
}

/*
 * A value of the snapshot: u64 counters only (dmr_iostats.h).  One table's
 * layout: entries of `size` bytes, the value at val_off, val_size bytes,
 * its count (of I/Os or commits) at count_off within the value.
 */
struct table {
	size_t size, val_off, val_size, count_off;
	int (*cmp)(const void *, const void *);
};

/*
 * o = a - b counter by counter; when the count went backwards the entry
 * was recreated (forgotten, then seen again): a whole.  A single counter
 * smaller than before is taken as it is.
 */
static void value_sub(uint64_t *o, const uint64_t *a, const uint64_t *b, const struct table *t)
{
	size_t words = t->val_size / sizeof(uint64_t), count = t->count_off / sizeof(uint64_t);

	for (size_t w = 0; w < words; w++)
		o[w] = a[count] < b[count] || a[w] < b[w] ? a[w] : a[w] - b[w];
}

/*
 * The value of out[i] = cur[i] - the entry of prev with the same key,
 * where there is one: a merge walk, both arrays sorted by t->cmp.
 */
static void sub_matching(void *out, const void *cur, size_t n, const void *prev, size_t pn,
			 const struct table *t)
{
	const unsigned char *c = cur, *p = prev;
	unsigned char *o = out;
	size_t j = 0;

	for (size_t i = 0; i < n; i++, c += t->size, o += t->size) {
		while (j < pn && t->cmp(p + j * t->size, c) < 0)
			j++;
		if (j < pn && !t->cmp(p + j * t->size, c))
			value_sub((uint64_t *)(void *)(o + t->val_off),
				  (const uint64_t *)(const void *)(c + t->val_off),
				  (const uint64_t *)(const void *)(p + j * t->size + t->val_off), t);
	}
}

/* the table of struct `entry`, whose value counts in member `count` */
#define TABLE(entry, count, cmp)						\
	{ sizeof(struct entry), offsetof(struct entry, v), sizeof(((struct entry *)0)->v),	\
	  offsetof(struct entry, v.count) - offsetof(struct entry, v), cmp }

static const struct table lat_table = TABLE(dmr_iostats_lat, count, cmp_lat);
static const struct table io_table = TABLE(dmr_iostats_io, ios, cmp_io);
static const struct table md_table = TABLE(dmr_iostats_md, count, cmp_md);

int dmr_iostats_snap_delta(const struct dmr_iostats_snap *cur,
			   const struct dmr_iostats_snap *prev,
			   struct dmr_iostats_snap *out)
{
	struct dmr_iostats_snap t = *cur;

	t.lat = NULL;
	t.io = NULL;
	t.md = NULL;
	if (dmr_iostats_snap_copy(&t, cur))
		return -ENOMEM;
	t.interval_ns = prev && cur->ts_ns > prev->ts_ns ? cur->ts_ns - prev->ts_ns : 0;
	if (!prev) {
		*out = t;
		return 0;
	}

	sub_matching(t.lat, cur->lat, cur->nr_lat, prev->lat, prev->nr_lat, &lat_table);
	sub_matching(t.io, cur->io, cur->nr_io, prev->io, prev->nr_io, &io_table);
	sub_matching(t.md, cur->md, cur->nr_md, prev->md, prev->nr_md, &md_table);
	*out = t;
	return 0;
}

const struct dmr_iostats_lat *dmr_iostats_find_lat(const struct dmr_iostats_snap *s,
						   uint32_t dev, uint32_t op, uint32_t path)
{
	struct dmr_iostats_lat k = { .dev = dev, .op = op, .path = path };

	if (!s->nr_lat)
		return NULL;
	return bsearch(&k, s->lat, s->nr_lat, sizeof(k), cmp_lat);
}

const struct dmr_iostats_io *dmr_iostats_find_io(const struct dmr_iostats_snap *s,
						 uint32_t dev, uint32_t op)
{
	struct dmr_iostats_io k = { .dev = dev, .op = op };

	if (!s->nr_io)
		return NULL;
	return bsearch(&k, s->io, s->nr_io, sizeof(k), cmp_io);
}

const struct dmr_iostats_md *dmr_iostats_find_md(const struct dmr_iostats_snap *s, uint32_t dev)
{
	struct dmr_iostats_md k = { .dev = dev };

	if (!s->nr_md)
		return NULL;
	return bsearch(&k, s->md, s->nr_md, sizeof(k), cmp_md);
}

bool dmr_iostats_dev_sum(const struct dmr_iostats_snap *s, uint32_t dev,
			 struct dmr_iostats_ioval *io, struct dmr_iostats_latval *lat)
{
	bool any = false;

	if (io)
		memset(io, 0, sizeof(*io));
	if (lat)
		memset(lat, 0, sizeof(*lat));
	for (size_t i = 0; i < s->nr_io; i++) {
		if (s->io[i].dev != dev)
			continue;
		any = true;
		if (io) {
			io->ios += s->io[i].v.ios;
			io->bytes += s->io[i].v.bytes;
			io->errors += s->io[i].v.errors;
			io->remapped += s->io[i].v.remapped;
		}
	}
	for (size_t i = 0; i < s->nr_lat; i++) {
		if (s->lat[i].dev != dev)
			continue;
		any = true;
		if (lat) {
			for (int k = 0; k < DMR_IOSTATS_SLOTS; k++)
				lat->slots[k] += s->lat[i].v.slots[k];
			lat->count += s->lat[i].v.count;
			lat->sum_ns += s->lat[i].v.sum_ns;
		}
	}
	return any;
}

static size_t add_dev(uint32_t *devs, size_t n, size_t max, uint32_t dev)
{
	size_t lo = 0, hi = n;

	/* devs[0..n) is sorted; insert dev if absent and there is room */
	while (lo < hi) {
		size_t mid = (lo + hi) / 2;

		if (devs[mid] == dev)
			return n;
		if (devs[mid] < dev)
			lo = mid + 1;
		else
			hi = mid;
	}
	if (n == max)
		return n;
	memmove(devs + lo + 1, devs + lo, (n - lo) * sizeof(*devs));
	devs[lo] = dev;
	return n + 1;
}

size_t dmr_iostats_devs(const struct dmr_iostats_snap *s, uint32_t *devs, size_t max)
{
	size_t n = 0;

	for (size_t i = 0; i < s->nr_io; i++)
		n = add_dev(devs, n, max, s->io[i].dev);
	for (size_t i = 0; i < s->nr_lat; i++)
		n = add_dev(devs, n, max, s->lat[i].dev);
	for (size_t i = 0; i < s->nr_md; i++)
		n = add_dev(devs, n, max, s->md[i].dev);
	return n;
}
