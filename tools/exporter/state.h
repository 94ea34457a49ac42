/* SPDX-License-Identifier: GPL-2.0 */
/*
 * state.h - the exporter's counters kept between runs, so that `--once`
 * runs (the systemd timer) and a restarted daemon go on from where the last
 * run stopped instead of from zero: the offsets of the status counters
 * (tools/exporter/counters.h), the daemon's BPF statistics
 * (tools/exporter/accum.h) and its dropped event count.
 *
 * A small text file next to dm_remap.prom (DIR/dm_remap.state: not a
 * *.prom file, so node_exporter's textfile collector ignores it), replaced
 * atomically like the metrics (tools/exporter/textfile.h):
 *
 *	dmremap-exporter-state 1 <boot_id>
 *	dev <kdev> <inst> <seen> <last 0..4> <offset 0..4>	status counters
 *	io <kdev> <inst> <EXP_ACC_NUMBERS numbers>		BPF statistics (daemon)
 *	dropped <count>						(daemon)
 *	end <number of lines between the first and this one>
 *
 * It is only valid in the boot that wrote it (/proc/sys/kernel/random/
 * boot_id): after a reboot every device is a new one.  Only the devices of
 * the last sample are written, at most EXP_STATE_MAX_DEVS of each kind.  A
 * file that is missing, from another boot, or not exactly in this format is
 * ignored whole: the counters start again from the kernel's values and from
 * zero (a counter reset, which Prometheus copes with), never from a
 * half-read state.
 */
#ifndef DMREMAP_EXPORTER_STATE_H
#define DMREMAP_EXPORTER_STATE_H

#include <stddef.h>
#include <stdio.h>

#include "accum.h"
#include "counters.h"

#define EXP_STATE_MAX_DEVS	1024
#define EXP_BOOT_ID_LEN		64

/* this boot's id into buf ("unknown" when it cannot be read) */
void exp_boot_id(char *buf, size_t len);

/*
 * Write the state to f: c, and a (NULL: none; --once has no BPF) with
 * dropped.  0, or -EIO when f reports an error.
 */
int exp_state_write(FILE *f, const struct exp_ctrs *c, const struct exp_acc *a,
		    uint64_t dropped, const char *boot_id);

/*
 * Read f into c, a and *dropped (emptied first; left empty on any
 * failure).  0; -ESTALE when the file is from another boot; -EINVAL when it
 * is malformed; -E2BIG with more than EXP_STATE_MAX_DEVS devices; -ENOMEM.
 */
int exp_state_read(FILE *f, struct exp_ctrs *c, struct exp_acc *a, uint64_t *dropped,
		   const char *boot_id);

#endif
