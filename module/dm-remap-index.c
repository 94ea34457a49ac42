// SPDX-License-Identifier: GPL-2.0
/*
 * dm-remap: the remap index, logical block -> spare block index.
 *
 * Remapped blocks are usually scattered over the whole device: a radix
 * tree pays most of a node per entry there.  The index is instead a
 * two-level sorted array: chunks of up to REMAP_ICHUNK_CAP sorted
 * (logical, spare) pairs, one page each, under a top array of
 * (first logical, chunk) pairs.  A lookup is two binary searches under
 * rcu_read_lock(): O(log n), lock free, about 16 bytes per entry.
 *
 * Only the worker writes (and the loader, before the device runs), so the
 * writer needs no lock.  Nothing published is ever changed in place: a
 * batch of stores builds a private copy of the top array (the "next" top)
 * and copies of the chunks it touches, and remap_index_publish() makes
 * them all visible with one rcu_assign_pointer().  The replaced chunks are
 * freed after a grace period; the replaced top is kept as the buffer of
 * the next batch, reused once a grace period has passed.
 *
 * A store must not fail once the commit it publishes is on disk, so the
 * memory of a store is reserved when its block is staged
 * (remap_index_reserve()): two chunk pages per store (a copy and a split)
 * and top arrays with room for one more chunk per store.
 */
#include "dm-remap.h"

#include <linux/rcupdate.h>
#include <linux/slab.h>
#include <linux/mm.h>
#include <linux/sched/mm.h>

/* Chunks built by a load are this full, leaving room for later stores. */
#define REMAP_ICHUNK_LOAD_FILL	(REMAP_ICHUNK_CAP - REMAP_ICHUNK_CAP / 8)

struct remap_ichunk {
	struct rcu_head rcu;
	struct remap_ichunk *link;	/* writer: pool or retired list */
	u32 nr;
	u32 gen;			/* == index gen: private to the batch */
	u64 key[REMAP_ICHUNK_CAP];
	u32 val[REMAP_ICHUNK_CAP];
};

struct remap_itop_ent {
	u64 first;			/* no key of the chunk is below it */
	struct remap_ichunk *chunk;
};

struct remap_itop {
	struct rcu_head rcu;
	unsigned int nr;
	unsigned int cap;
	struct remap_itop_ent e[];
};

static struct remap_itop *itop_alloc(unsigned int cap)
{
	struct remap_itop *t;
	unsigned int noio = memalloc_noio_save();

	t = kvmalloc(struct_size(t, e, cap), GFP_KERNEL);
	memalloc_noio_restore(noio);
	if (t) {
		t->nr = 0;
		t->cap = cap;
	}
	return t;
}

static struct remap_itop *cur_top(struct remap_index *idx)
{
	/* The writer is the only one to change it. */
	return rcu_dereference_protected(idx->top, true);
}

/* The chunk of TOP that would hold KEY (TOP has at least one). */
static unsigned int top_slot(const struct remap_itop *top, u64 key)
{
	unsigned int lo = 0, hi = top->nr;

	/* The last entry whose first is <= key; e[0].first is 0. */
	while (hi - lo > 1) {
		unsigned int mid = lo + (hi - lo) / 2;

		if (top->e[mid].first <= key)
			lo = mid;
		else
			hi = mid;
	}
	return lo;
}

/* The position of the first key >= KEY in C. */
static unsigned int chunk_pos(const struct remap_ichunk *c, u64 key)
{
	unsigned int lo = 0, hi = c->nr;

	while (lo < hi) {
		unsigned int mid = lo + (hi - lo) / 2;

		if (c->key[mid] < key)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

bool remap_index_lookup(struct remap_index *idx, u64 block, u64 *spare)
{
	const struct remap_itop *top;
	const struct remap_ichunk *c;
	unsigned int pos;
	bool found = false;

	rcu_read_lock();
	top = rcu_dereference(idx->top);
	if (top && top->nr) {
		c = top->e[top_slot(top, block)].chunk;
		pos = chunk_pos(c, block);
		if (pos < c->nr && c->key[pos] == block) {
			*spare = c->val[pos];
			found = true;
		}
	}
	rcu_read_unlock();
	return found;
}

bool remap_index_find(struct remap_index *idx, u64 *block, u64 last,
		      u64 *spare)
{
	const struct remap_itop *top;
	const struct remap_ichunk *c;
	unsigned int slot, pos;
	bool found = false;

	rcu_read_lock();
	top = rcu_dereference(idx->top);
	if (!top || !top->nr)
		goto out;
	slot = top_slot(top, *block);
	c = top->e[slot].chunk;
	pos = chunk_pos(c, *block);
	if (pos == c->nr) {
		/* All keys of the next chunk are above *block. */
		if (++slot == top->nr)
			goto out;
		c = top->e[slot].chunk;
		pos = 0;
	}
	if (pos < c->nr && c->key[pos] <= last) {
		*block = c->key[pos];
		if (spare)
			*spare = c->val[pos];
		found = true;
	}
out:
	rcu_read_unlock();
	return found;
}

/* ------------------------------------------------------------- writer */

static struct remap_ichunk *pool_take(struct remap_index *idx)
{
	struct remap_ichunk *c = idx->pool;

	/* remap_index_reserve() put two here for every store. */
	idx->pool = c->link;
	idx->pool_nr--;
	c->gen = idx->gen;
	c->link = NULL;
	return c;
}

static void pool_trim(struct remap_index *idx, unsigned int keep)
{
	while (idx->pool_nr > keep) {
		struct remap_ichunk *c = idx->pool;

		idx->pool = c->link;
		idx->pool_nr--;
		kfree(c);
	}
}

/* Replaces a published chunk: freed once published and no reader holds it. */
static void retire(struct remap_index *idx, struct remap_ichunk *c)
{
	c->link = idx->retired;
	idx->retired = c;
}

/* Makes sure a top buffer holds room for NEED chunks; replaces it if not. */
static int top_make_room(struct remap_index *idx, bool published,
			 unsigned int need)
{
	struct remap_itop *old = published ? cur_top(idx) : idx->spare;
	struct remap_itop *t;

	if (old && old->cap >= need)
		return 0;
	t = itop_alloc(need + need / 4 + 16);
	if (!t)
		return -ENOMEM;
	if (published) {
		if (old) {
			t->nr = old->nr;
			memcpy(t->e, old->e, old->nr * sizeof(t->e[0]));
		}
		rcu_assign_pointer(idx->top, t);
		if (old)
			kvfree_rcu(old, rcu);
	} else {
		if (old) {
			/* It may still be read by lookups of the last batch. */
			cond_synchronize_rcu(idx->spare_cookie);
			kvfree(old);
		}
		idx->spare = t;
		idx->spare_cookie = get_state_synchronize_rcu();
	}
	return 0;
}

int remap_index_reserve(struct remap_index *idx)
{
	struct remap_itop *top = cur_top(idx);
	unsigned int need = (top ? top->nr : 0) + idx->reserved + 1;
	int i, r;

	if (WARN_ON_ONCE(idx->next))
		return -EBUSY;
	r = top_make_room(idx, true, need);
	if (!r)
		r = top_make_room(idx, false, need);
	if (r)
		return r;
	for (i = 0; i < 2; i++) {
		struct remap_ichunk *c = kmalloc(sizeof(*c), GFP_NOIO);

		if (!c) {
			pool_trim(idx, 2 * idx->reserved);
			return -ENOMEM;
		}
		c->link = idx->pool;
		idx->pool = c;
		idx->pool_nr++;
	}
	idx->reserved++;
	return 0;
}

void remap_index_unreserve(struct remap_index *idx)
{
	if (WARN_ON_ONCE(!idx->reserved))
		return;
	idx->reserved--;
	if (!idx->next)
		pool_trim(idx, 2 * idx->reserved);
}

/* The private top of this batch: a copy of the published one. */
static struct remap_itop *next_top(struct remap_index *idx)
{
	struct remap_itop *top = cur_top(idx), *next = idx->next;

	if (next)
		return next;
	next = idx->spare;
	/* Lookups of the batch before last may still read it. */
	cond_synchronize_rcu(idx->spare_cookie);
	next->nr = top ? top->nr : 0;
	if (next->nr)
		memcpy(next->e, top->e, next->nr * sizeof(next->e[0]));
	idx->spare = NULL;
	idx->next = next;
	return next;
}

/* A chunk the batch may change: C itself if private, else a copy. */
static struct remap_ichunk *chunk_own(struct remap_index *idx,
				      struct remap_itop *next, unsigned int slot)
{
	struct remap_ichunk *c = next->e[slot].chunk, *n;

	if (c->gen == idx->gen)
		return c;
	n = pool_take(idx);
	n->nr = c->nr;
	memcpy(n->key, c->key, c->nr * sizeof(c->key[0]));
	memcpy(n->val, c->val, c->nr * sizeof(c->val[0]));
	retire(idx, c);
	next->e[slot].chunk = n;
	return n;
}

static void chunk_insert(struct remap_ichunk *c, unsigned int pos, u64 key,
			 u32 val)
{
	memmove(&c->key[pos + 1], &c->key[pos], (c->nr - pos) * sizeof(c->key[0]));
	memmove(&c->val[pos + 1], &c->val[pos], (c->nr - pos) * sizeof(c->val[0]));
	c->key[pos] = key;
	c->val[pos] = val;
	c->nr++;
}

bool remap_index_store(struct remap_index *idx, u64 block, u32 spare)
{
	struct remap_itop *next;
	struct remap_ichunk *c, *r;
	unsigned int slot, pos, half = REMAP_ICHUNK_CAP / 2;

	WARN_ON_ONCE(!idx->reserved);
	next = next_top(idx);
	idx->reserved--;
	if (!next->nr) {
		c = pool_take(idx);
		c->nr = 0;
		chunk_insert(c, 0, block, spare);
		next->e[0].first = 0;
		next->e[0].chunk = c;
		next->nr = 1;
		idx->nr++;
		return true;
	}
	slot = top_slot(next, block);
	c = next->e[slot].chunk;
	pos = chunk_pos(c, block);
	if (pos < c->nr && c->key[pos] == block) {
		c = chunk_own(idx, next, slot);
		c->val[pos] = spare;
		return false;
	}
	c = chunk_own(idx, next, slot);
	if (c->nr == REMAP_ICHUNK_CAP) {
		/* Split: the upper half goes to a new chunk after it. */
		r = pool_take(idx);
		r->nr = c->nr - half;
		memcpy(r->key, &c->key[half], r->nr * sizeof(r->key[0]));
		memcpy(r->val, &c->val[half], r->nr * sizeof(r->val[0]));
		c->nr = half;
		memmove(&next->e[slot + 2], &next->e[slot + 1],
			(next->nr - slot - 1) * sizeof(next->e[0]));
		next->e[slot + 1].first = r->key[0];
		next->e[slot + 1].chunk = r;
		next->nr++;
		if (pos > half) {
			c = r;
			pos -= half;
		}
	}
	chunk_insert(c, pos, block, spare);
	idx->nr++;
	return true;
}

void remap_index_publish(struct remap_index *idx)
{
	struct remap_itop *old = cur_top(idx);
	struct remap_ichunk *c;

	if (!idx->next)
		return;
	rcu_assign_pointer(idx->top, idx->next);
	idx->next = NULL;
	idx->spare = old;
	idx->spare_cookie = get_state_synchronize_rcu();
	while ((c = idx->retired)) {
		idx->retired = c->link;
		kfree_rcu(c, rcu);
	}
	idx->gen++;
	pool_trim(idx, 2 * idx->reserved);
}

/* ---------------------------------------------------------------- load */

struct remap_iload {
	u64 block;
	u32 spare;
};

/* The widest digit of the load's radix sort: 2 passes for 2^32 blocks. */
#define REMAP_ILOAD_DIGIT_MAX	16

/*
 * Sorts the N pairs of L by block, stably, and returns the sorted array:
 * L or TMP (room for N pairs); NULL when out of memory.  A
 * least-significant-digit radix sort, as few passes of digits of at most
 * 16 bits as the largest block needs (2 passes of 16 bits for 2^32 blocks,
 * 16 TiB of 4 KiB blocks): O(n), where sort() made some 20 million calls
 * of a comparison function for 10^6 pairs.  One read of L counts the
 * digits of every pass; each pass then moves every pair once.  Stable:
 * the pairs of one block keep the order they were added in.
 */
static struct remap_iload *load_sort(struct remap_iload *l,
				     struct remap_iload *tmp, u32 n)
{
	unsigned int bits, passes, width, p, noio;
	u32 *count, *pos, i, d, radix, mask, sum, c;
	u64 any = 0;

	for (i = 0; i < n; i++)
		any |= l[i].block;
	bits = fls64(any);
	if (!bits)
		return l;
	passes = DIV_ROUND_UP(bits, REMAP_ILOAD_DIGIT_MAX);
	width = DIV_ROUND_UP(bits, passes);
	radix = 1U << width;
	mask = radix - 1;
	noio = memalloc_noio_save();
	count = kvcalloc(passes * radix, sizeof(*count), GFP_KERNEL);
	memalloc_noio_restore(noio);
	if (!count)
		return NULL;
	for (i = 0; i < n; i++)
		for (p = 0; p < passes; p++)
			count[p * radix + ((l[i].block >> (p * width)) & mask)]++;
	for (p = 0; p < passes; p++) {
		pos = &count[p * radix];
		/* A digit all pairs share changes no order. */
		if (pos[(l[0].block >> (p * width)) & mask] == n)
			continue;
		/* Counts become the first position of each digit. */
		for (d = 0, sum = 0; d < radix; d++) {
			c = pos[d];
			pos[d] = sum;
			sum += c;
		}
		for (i = 0; i < n; i++)
			tmp[pos[(l[i].block >> (p * width)) & mask]++] = l[i];
		swap(l, tmp);
	}
	kvfree(count);
	return l;
}

int remap_index_load_begin(struct remap_index *idx, u64 max)
{
	unsigned int noio = memalloc_noio_save();

	idx->load = kvmalloc_array(max ? max : 1, sizeof(struct remap_iload),
				   GFP_KERNEL);
	memalloc_noio_restore(noio);
	idx->load_nr = 0;
	idx->load_max = max;
	return idx->load ? 0 : -ENOMEM;
}

void remap_index_load_add(struct remap_index *idx, u64 block, u32 spare)
{
	struct remap_iload *l = idx->load;

	/* In table order: the sort keeps it, and the last pair of a block wins. */
	if (WARN_ON_ONCE(idx->load_nr >= idx->load_max ||
			 (idx->load_nr && spare <= l[idx->load_nr - 1].spare)))
		return;
	l[idx->load_nr].block = block;
	l[idx->load_nr].spare = spare;
	idx->load_nr++;
}

void remap_index_load_abort(struct remap_index *idx)
{
	kvfree(idx->load);
	idx->load = NULL;
}

/*
 * Builds the index from the entries added, in the order of their spare
 * blocks (the table's order): a block listed more than once maps to its
 * latest spare block (the highest index).  The index must be empty.
 * Returns the number of blocks or a negative errno.
 */
s64 remap_index_load_end(struct remap_index *idx)
{
	struct remap_iload *l = idx->load, *tmp, *sorted;
	u64 n = 0, i, nchunks;
	struct remap_itop *top;
	struct remap_ichunk *c = NULL;
	unsigned int noio;
	int r;

	BUILD_BUG_ON(sizeof(struct remap_ichunk) > PAGE_SIZE);

	if (WARN_ON_ONCE(cur_top(idx) && cur_top(idx)->nr))
		return -EBUSY;
	/* At most the pool's 2^22 blocks: the sort counts in 32 bits. */
	nchunks = DIV_ROUND_UP(idx->load_nr, REMAP_ICHUNK_LOAD_FILL);
	if (idx->load_nr > U32_MAX || nchunks > UINT_MAX / 2) {
		r = -EFBIG;
		goto out;
	}
	if (idx->load_nr) {
		noio = memalloc_noio_save();
		tmp = kvmalloc_array(idx->load_nr, sizeof(*tmp), GFP_KERNEL);
		memalloc_noio_restore(noio);
		sorted = tmp ? load_sort(l, tmp, idx->load_nr) : NULL;
		if (!sorted) {
			kvfree(tmp);
			r = -ENOMEM;
			goto out;
		}
		/* The other buffer goes; idx->load is the sorted one. */
		kvfree(sorted == tmp ? l : tmp);
		idx->load = l = sorted;
	}
	/* Built in the spare top, published whole. */
	r = top_make_room(idx, false, nchunks + 1);
	if (r)
		goto out;
	top = idx->spare;
	cond_synchronize_rcu(idx->spare_cookie);
	top->nr = 0;
	for (i = 0; i < idx->load_nr; i++) {
		/* Only the last of equal blocks: the sort is stable. */
		if (i + 1 < idx->load_nr && l[i + 1].block == l[i].block)
			continue;
		n++;
		if (!c || c->nr == REMAP_ICHUNK_LOAD_FILL) {
			c = kmalloc(sizeof(*c), GFP_NOIO);
			if (!c) {
				r = -ENOMEM;
				goto out_free;
			}
			c->nr = 0;
			c->gen = idx->gen - 1;
			c->link = NULL;
			top->e[top->nr].first = top->nr ? l[i].block : 0;
			top->e[top->nr].chunk = c;
		}
		c->key[c->nr] = l[i].block;
		c->val[c->nr] = l[i].spare;
		if (!c->nr++)
			top->nr++;
	}
	idx->spare = cur_top(idx);
	rcu_assign_pointer(idx->top, top);
	idx->spare_cookie = get_state_synchronize_rcu();
	idx->nr = n;
	goto out;
out_free:
	while (top->nr)
		kfree(top->e[--top->nr].chunk);
out:
	remap_index_load_abort(idx);
	return r ? r : (s64)n;
}

void remap_index_init(struct remap_index *idx)
{
	memset(idx, 0, sizeof(*idx));
	idx->gen = 1;
}

void remap_index_destroy(struct remap_index *idx)
{
	struct remap_itop *top = cur_top(idx);
	unsigned int i;

	WARN_ON_ONCE(idx->next || idx->reserved);
	if (top) {
		for (i = 0; i < top->nr; i++)
			kfree(top->e[i].chunk);
		kvfree(top);
	}
	kvfree(idx->spare);
	pool_trim(idx, 0);
	remap_index_load_abort(idx);
	RCU_INIT_POINTER(idx->top, NULL);
}
