// SPDX-License-Identifier: GPL-2.0
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "counters.h"
#include "grow.h"

unsigned int exp_ctr_step(struct exp_ctr_dev *e, const uint64_t *raw, unsigned int present)
{
	unsigned int reset = 0;

	present &= EXP_CTR_ALL;
	for (int k = 0; k < EXP_CTR_NR; k++)
		if ((present & e->seen & EXP_CTR_BIT(k)) && raw[k] < e->last[k])
			reset |= EXP_CTR_BIT(k);
	/* one counter of the instance went down: the whole instance started again */
	if (reset & EXP_CTR_INSTANCE)
		reset |= EXP_CTR_INSTANCE & e->seen;
	for (int k = 0; k < EXP_CTR_NR; k++) {
		if (reset & EXP_CTR_BIT(k)) {
			e->offset[k] += e->last[k];
			/* counts from zero again, even if it is not in this sample */
			e->last[k] = 0;
		}
		if (present & EXP_CTR_BIT(k))
			e->last[k] = raw[k];
	}
	e->seen |= present;
	return reset;
}

unsigned int exp_ctr_raw(const struct dmr_dm_dev *d, uint64_t *raw)
{
	static const enum dmr_status_key key[EXP_CTR_NR] = {
		[EXP_CTR_READ_ERRORS] = DMR_ST_READ_ERRORS,
		[EXP_CTR_WRITE_ERRORS] = DMR_ST_WRITE_ERRORS,
		[EXP_CTR_LOST_SECTORS] = DMR_ST_LOST_SECTORS,
		[EXP_CTR_MD_COMMITS] = DMR_ST_MD_COMMITS,
		[EXP_CTR_REMAPS] = DMR_ST_REMAPPED,
	};
	const struct dmr_status *st = &d->status;
	unsigned int present = 0;

	raw[EXP_CTR_READ_ERRORS] = st->read_errors;
	raw[EXP_CTR_WRITE_ERRORS] = st->write_errors;
	raw[EXP_CTR_LOST_SECTORS] = st->lost_sectors;
	raw[EXP_CTR_MD_COMMITS] = st->md_commits;
	raw[EXP_CTR_REMAPS] = st->remapped;
	for (int k = 0; k < EXP_CTR_NR; k++)
		if (st->present & (1u << key[k]))
			present |= EXP_CTR_BIT(k);
	return present;
}

struct exp_ctr_dev *exp_ctrs_find(const struct exp_ctrs *c, uint32_t kdev)
{
	for (size_t i = 0; i < c->n; i++)
		if (c->devs[i].kdev == kdev)
			return &c->devs[i];
	return NULL;
}

/* the same device: same number and, when both are known, same creation */
static bool same_dev(const struct exp_ctr_dev *e, const struct dmr_dm_dev *d)
{
	return e->kdev == d->kdev && (!e->inst || !d->inst || e->inst == d->inst);
}

static const struct dmr_dm_dev *listed(const struct dmr_dm_dev *devs, int n,
				       const struct exp_ctr_dev *e)
{
	for (int i = 0; i < n; i++)
		if (same_dev(e, &devs[i]))
			return &devs[i];
	return NULL;
}

int exp_ctrs_add(struct exp_ctrs *c, const struct exp_ctr_dev *e)
{
	if (!DMR_GROW(c->devs, c->n, c->cap))
		return -ENOMEM;
	c->devs[c->n++] = *e;
	return 0;
}

int exp_ctrs_update(struct exp_ctrs *c, const struct dmr_dm_dev *devs, int n, int *reset)
{
	size_t keep = 0;
	int nreset = 0;

	/* drop the devices gone, and those created again since */
	for (size_t i = 0; i < c->n; i++) {
		const struct dmr_dm_dev *d = listed(devs, n, &c->devs[i]);

		if (!d)
			continue;
		if (!c->devs[i].inst)
			c->devs[i].inst = d->inst;
		c->devs[keep++] = c->devs[i];
	}
	c->n = keep;

	for (int i = 0; i < n; i++) {
		struct exp_ctr_dev *e = exp_ctrs_find(c, devs[i].kdev);
		uint64_t raw[EXP_CTR_NR];
		unsigned int present = exp_ctr_raw(&devs[i], raw);

		if (!e) {
			struct exp_ctr_dev fresh = { .kdev = devs[i].kdev, .inst = devs[i].inst };

			if (exp_ctrs_add(c, &fresh))
				return -ENOMEM;
			e = &c->devs[c->n - 1];
		}
		if (exp_ctr_step(e, raw, present))
			nreset++;
	}
	if (reset)
		*reset = nreset;
	return 0;
}

void exp_ctrs_free(struct exp_ctrs *c)
{
	free(c->devs);
	memset(c, 0, sizeof(*c));
}
