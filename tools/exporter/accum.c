// SPDX-License-Identifier: GPL-2.0
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "accum.h"
#include "grow.h"

struct exp_dev *exp_acc_find(struct exp_acc *a, uint32_t kdev)
{
	for (size_t i = 0; i < a->n; i++)
		if (a->devs[i].kdev == kdev)
			return &a->devs[i];
	return NULL;
}

static const struct dmr_dm_dev *listed(const struct dmr_dm_dev *devs, int n, uint32_t kdev)
{
	for (int i = 0; i < n; i++)
		if (devs[i].kdev == kdev)
			return &devs[i];
	return NULL;
}

struct exp_dev *exp_acc_new(struct exp_acc *a, uint32_t kdev, uint64_t inst)
{
	struct exp_dev *e;

	if (!DMR_GROW(a->devs, a->n, a->cap))
		return NULL;
	e = &a->devs[a->n++];
	memset(e, 0, sizeof(*e));
	e->kdev = kdev;
	e->inst = inst;
	return e;
}

int exp_acc_sync(struct exp_acc *a, const struct dmr_dm_dev *devs, int n,
		 uint32_t *gone, size_t max_gone)
{
	size_t ngone = 0, keep = 0;

	/* drop the entries of devices that went away */
	for (size_t i = 0; i < a->n; i++) {
		const struct dmr_dm_dev *d = listed(devs, n, a->devs[i].kdev);

		if (!d) {
			if (ngone < max_gone)
				gone[ngone++] = a->devs[i].kdev;
			continue;
		}
		if ((a->devs[i].name[0] && strcmp(d->name, a->devs[i].name)) ||
		    (d->inst && a->devs[i].inst && d->inst != a->devs[i].inst)) {
			/* another device took the number: start from zero */
			memset(&a->devs[i], 0, sizeof(a->devs[i]));
			a->devs[i].kdev = d->kdev;
			snprintf(a->devs[i].name, sizeof(a->devs[i].name), "%s", d->name);
		}
		if (!a->devs[i].inst)
			a->devs[i].inst = d->inst;
		if (!a->devs[i].name[0])
			snprintf(a->devs[i].name, sizeof(a->devs[i].name), "%s", d->name);
		if (keep != i)
			a->devs[keep] = a->devs[i];
		keep++;
	}
	a->n = keep;

	/* add the new ones */
	for (int i = 0; i < n; i++) {
		struct exp_dev *e;

		if (exp_acc_find(a, devs[i].kdev))
			continue;
		e = exp_acc_new(a, devs[i].kdev, devs[i].inst);
		if (!e)
			return -ENOMEM;
		snprintf(e->name, sizeof(e->name), "%s", devs[i].name);
	}
	return (int)ngone;
}

static void hist_add(struct exp_hist *h, const uint64_t *slots, uint64_t count, uint64_t sum_ns)
{
	for (int i = 0; i < EXP_SLOTS; i++)
		h->slots[i] += slots[i];
	h->count += count;
	h->sum_ns += sum_ns;
}

void exp_acc_add(struct exp_acc *a, const struct dmr_iostats_snap *s)
{
	for (size_t i = 0; i < s->nr_lat; i++) {
		const struct dmr_iostats_lat *l = &s->lat[i];
		struct exp_dev *e = exp_acc_find(a, l->dev);

		if (!e || l->op >= EXP_OPS || l->path >= EXP_PATHS)
			continue;
		hist_add(&e->lat[l->op][l->path], l->v.slots, l->v.count, l->v.sum_ns);
	}
	for (size_t i = 0; i < s->nr_io; i++) {
		const struct dmr_iostats_io *io = &s->io[i];
		struct exp_dev *e = exp_acc_find(a, io->dev);

		if (!e || io->op >= EXP_OPS)
			continue;
		e->ios[io->op] += io->v.ios;
		e->bytes[io->op] += io->v.bytes;
		e->remapped_ios[io->op] += io->v.remapped;
	}
	for (size_t i = 0; i < s->nr_md; i++) {
		const struct dmr_iostats_md *m = &s->md[i];
		struct exp_dev *e = exp_acc_find(a, m->dev);

		if (!e)
			continue;
		hist_add(&e->md, m->v.slots, m->v.count, m->v.sum_ns);
		e->md_errors += m->v.errors;
	}
}

/* one number of v to or from *field */
static void move(uint64_t *field, uint64_t *v, size_t *n, bool load)
{
	if (load)
		*field = v[*n];
	else
		v[*n] = *field;
	(*n)++;
}

static void move_hist(struct exp_hist *h, uint64_t *v, size_t *n, bool load)
{
	for (int i = 0; i < EXP_SLOTS; i++)
		move(&h->slots[i], v, n, load);
	move(&h->count, v, n, load);
	move(&h->sum_ns, v, n, load);
}

void exp_acc_numbers(struct exp_dev *e, uint64_t *v, bool load)
{
	size_t n = 0;

	for (int op = 0; op < EXP_OPS; op++)
		for (int p = 0; p < EXP_PATHS; p++)
			move_hist(&e->lat[op][p], v, &n, load);
	move_hist(&e->md, v, &n, load);
	move(&e->md_errors, v, &n, load);
	for (int op = 0; op < EXP_OPS; op++) {
		move(&e->ios[op], v, &n, load);
		move(&e->bytes[op], v, &n, load);
		move(&e->remapped_ios[op], v, &n, load);
	}
}

void exp_acc_free(struct exp_acc *a)
{
	free(a->devs);
	memset(a, 0, sizeof(*a));
}
