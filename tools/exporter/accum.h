/* SPDX-License-Identifier: GPL-2.0 */
/*
 * accum.h - the exporter's cumulative I/O statistics per dm device.
 *
 * The BPF side (tools/lib/dmr_iostats.h) is read once per interval as a
 * delta; the deltas are added here, so the Prometheus histograms and
 * counters grow monotonically for as long as the exporter runs, across
 * BPF detach/re-attach (module unload and load) where the BPF maps start
 * again from zero.
 *
 * Entries follow the device list: a device that is no longer a remap
 * device is dropped (its series disappear), and a dm number taken over by
 * a device with another name, or by the same name created again
 * (dmr_dm_dev.inst changed), starts again from zero.  So the number of
 * series is bounded by the number of remap devices.
 */
#ifndef DMREMAP_EXPORTER_ACCUM_H
#define DMREMAP_EXPORTER_ACCUM_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <linux/types.h>

#include "dm.h"
#include "dmr_iostats.h"

#define EXP_OPS		DMR_IOSTATS_OPS		/* enum dm_remap_op */
#define EXP_PATHS	DMR_IOSTATS_PATHS	/* main, spare */
#define EXP_SLOTS	DMR_IOSTATS_SLOTS	/* log2(ns), last slot open-ended */

struct exp_hist {
	uint64_t slots[EXP_SLOTS];
	uint64_t count;
	uint64_t sum_ns;
};

struct exp_dev {
	uint32_t kdev;
	uint64_t inst;			/* dmr_dm_dev.inst, 0 when unknown */
	char name[DMR_DM_NAME_LEN];	/* "": not known yet (restored from a state) */
	struct exp_hist lat[EXP_OPS][EXP_PATHS];
	struct exp_hist md;
	uint64_t md_errors;
	uint64_t ios[EXP_OPS];
	uint64_t bytes[EXP_OPS];
	uint64_t remapped_ios[EXP_OPS];
};

struct exp_acc {
	struct exp_dev *devs;
	size_t n, cap;
};

/* the entry of kdev, NULL when none */
struct exp_dev *exp_acc_find(struct exp_acc *a, uint32_t kdev);

/*
 * Make the entries match the current remap devices: add the new ones, drop
 * those gone (their dev_t values go to gone[], at most max_gone, so that
 * the caller can dmr_iostats_forget() them), and reset an entry whose name
 * or creation (inst) changed.  Returns the number stored in gone, or -ENOMEM.
 */
int exp_acc_sync(struct exp_acc *a, const struct dmr_dm_dev *devs, int n,
		 uint32_t *gone, size_t max_gone);

/* how many numbers exp_acc_numbers() moves */
#define EXP_ACC_NUMBERS	(EXP_OPS * EXP_PATHS * (EXP_SLOTS + 2) + (EXP_SLOTS + 2) + 1 + 3 * EXP_OPS)

/*
 * The statistics of e as EXP_ACC_NUMBERS numbers in a fixed order (for the
 * state file, tools/exporter/state.h): copied to v, or with load from v.
 */
void exp_acc_numbers(struct exp_dev *e, uint64_t *v, bool load);

/* a new entry for kdev/inst with no name yet; NULL on -ENOMEM */
struct exp_dev *exp_acc_new(struct exp_acc *a, uint32_t kdev, uint64_t inst);

/* add an interval delta; entries of devices without an entry are ignored */
void exp_acc_add(struct exp_acc *a, const struct dmr_iostats_snap *delta);

void exp_acc_free(struct exp_acc *a);

#endif
