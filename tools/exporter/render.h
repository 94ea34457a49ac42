/* SPDX-License-Identifier: GPL-2.0 */
/*
 * render.h - the Prometheus text format of dm_remap.prom (contract
 * section 7): one HELP and TYPE line per family, labels device (dm name)
 * and dm (dm-N), base units, no timestamps.
 *
 * Histograms come from log2(ns) slots (tools/lib/hist.h): the bucket of
 * slot i has le = (2^(i+1) - 1) ns, written in seconds with exact decimals.
 * A fixed range of buckets is written for every series (EXP_LE_FIRST ..
 * EXP_LE_LAST: about 1 us to 34 s), cumulative, then +Inf, _sum, _count;
 * lower slots fall into the first bucket, higher ones into +Inf only.
 */
#ifndef DMREMAP_EXPORTER_RENDER_H
#define DMREMAP_EXPORTER_RENDER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "accum.h"
#include "counters.h"
#include "dm.h"

#define EXP_LE_FIRST	9	/* le = 1023 ns */
#define EXP_LE_LAST	34	/* le = 34.359738367 s */

/* a display name with every byte escaped for a label value, NUL included */
#define EXP_LABEL_VALUE_LEN	(2 * DMR_DM_NAME_LEN)
/* device="...",dm="dm-N" */
#define EXP_LABELS_LEN		(EXP_LABEL_VALUE_LEN + 64)

struct exp_render_in {
	const struct dmr_dm_dev *devs;	/* every remap device, sorted */
	int nr_devs;
	/* cumulative BPF statistics; NULL: BPF never attached, no such families */
	struct exp_acc *acc;
	/*
	 * the status counters carried across resets (counters.h); NULL or a
	 * device without an entry: the kernel's values as they are
	 */
	const struct exp_ctrs *ctrs;
	bool bpf_attached;
	bool module_loaded;
	/* --once: no BPF, no dm_remap_exporter_bpf_attached (it would read as detached) */
	bool once;
	uint64_t dropped_events;	/* cumulative since the exporter started */
};

/* write the whole file to f; 0, or -EIO when f reports an error */
int exp_render(FILE *f, const struct exp_render_in *in);

/* ns as exact decimal seconds ("0.000001023", "34.359738367", "0") */
char *exp_fmt_seconds(uint64_t ns, char *buf, size_t len);

/*
 * s as a label value: backslash, double quote and newline escaped as the
 * text format wants; a byte that is not part of valid UTF-8 becomes the
 * text "\xHH" (so the value stays valid UTF-8, in the notation of
 * dmr_name_escape(), whose display names are already valid).
 */
char *exp_escape_label(const char *s, char *buf, size_t len);

#endif
