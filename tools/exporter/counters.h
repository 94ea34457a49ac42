/* SPDX-License-Identifier: GPL-2.0 */
/*
 * counters.h - the counters dm_remap.prom takes from the target's status
 * (read_errors, write_errors, lost_sectors, md_commits, remapped), made
 * monotonic for the life of a dm device (contract section 7).
 *
 * The kernel keeps them per target instance: a table reload (a new
 * instance) and `dmsetup message DEV 0 clear_stats` start them again from
 * zero, while the dm device, and so the Prometheus series, lives on.  Per
 * device this keeps the raw value of the last sample and an offset; the
 * exported value is offset + raw.  A reset shows as a raw value below the
 * last one: the last value then goes into the offset.
 *
 * read_errors, write_errors, lost_sectors and md_commits belong to the
 * target instance and are reset together (clear_stats zeroes them all, a
 * new instance starts them all at zero), so one of them going down means
 * all four were reset: each one's last value goes into its offset, also
 * for those that grew back past it before the sample.  remapped is the
 * size of the persistent remap table, which neither clear_stats nor a
 * reload resets; it goes down only when a reload puts another spare under
 * the device, and is then carried on alone.
 *
 * What a sample cannot see: increments between the last sample and a reset
 * are lost, and a reset after which every counter of the group grew back
 * to at least its last value goes unnoticed.  Either way the exported
 * value still never goes down; it may undercount.
 *
 * A device is its dev_t and its creation (dmr_dm_dev.inst): removed and
 * created again, even under the same name and number, it is a new device
 * whose counters start from the kernel's values, with no offset.  A rename
 * keeps the device (its series get new labels anyway).
 */
#ifndef DMREMAP_EXPORTER_COUNTERS_H
#define DMREMAP_EXPORTER_COUNTERS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "dm.h"

enum exp_ctr {
	EXP_CTR_READ_ERRORS,
	EXP_CTR_WRITE_ERRORS,
	EXP_CTR_LOST_SECTORS,
	EXP_CTR_MD_COMMITS,
	EXP_CTR_REMAPS,		/* status remapped: the persistent table */
	EXP_CTR_NR,
};

#define EXP_CTR_BIT(k)		(1u << (k))
#define EXP_CTR_ALL		(EXP_CTR_BIT(EXP_CTR_NR) - 1)
/* the counters of the target instance, reset together */
#define EXP_CTR_INSTANCE	(EXP_CTR_BIT(EXP_CTR_READ_ERRORS) |		\
				 EXP_CTR_BIT(EXP_CTR_WRITE_ERRORS) |		\
				 EXP_CTR_BIT(EXP_CTR_LOST_SECTORS) |		\
				 EXP_CTR_BIT(EXP_CTR_MD_COMMITS))

struct exp_ctr_dev {
	uint32_t kdev;
	uint64_t inst;			/* dmr_dm_dev.inst */
	unsigned int seen;		/* bit k: last[k] holds a sample */
	uint64_t last[EXP_CTR_NR];	/* raw value of the last sample */
	uint64_t offset[EXP_CTR_NR];	/* what resets took away */
};

struct exp_ctrs {
	struct exp_ctr_dev *devs;
	size_t n, cap;
};

/*
 * One sample of e: raw[k] for each bit k of present (the others are not
 * looked at and keep their last value).  Returns the counters found reset
 * (bit mask).
 */
unsigned int exp_ctr_step(struct exp_ctr_dev *e, const uint64_t *raw, unsigned int present);

/* the exported value of counter k */
static inline uint64_t exp_ctr_value(const struct exp_ctr_dev *e, enum exp_ctr k)
{
	return e->offset[k] + e->last[k];
}

/* the raw values of d's status (present: which were in it) */
unsigned int exp_ctr_raw(const struct dmr_dm_dev *d, uint64_t *raw);

/* the entry of device kdev, NULL when none */
struct exp_ctr_dev *exp_ctrs_find(const struct exp_ctrs *c, uint32_t kdev);

/*
 * One sample of every remap device: entries of devices gone (or created
 * again: another inst) are dropped, new devices get a fresh entry, then
 * each takes a step.  reset (may be NULL) gets the number of devices with
 * a reset.  0 or -ENOMEM (the entries are then unchanged or complete).
 */
int exp_ctrs_update(struct exp_ctrs *c, const struct dmr_dm_dev *devs, int n, int *reset);

/* append a copy of e (used when loading the state); 0 or -ENOMEM */
int exp_ctrs_add(struct exp_ctrs *c, const struct exp_ctr_dev *e);

void exp_ctrs_free(struct exp_ctrs *c);

#endif
