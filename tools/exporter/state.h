/* SPDX-License-Identifier: GPL-2.0 */
/*
 * state.h - the counter state of tools/exporter/counters.h kept between
 * runs, so that `--once` runs (the systemd timer) and a restarted daemon
 * carry the offsets on.
 *
 * A small text file next to dm_remap.prom (DIR/dm_remap.state: not a
 * *.prom file, so node_exporter's textfile collector ignores it), replaced
 * atomically like the metrics (tools/exporter/textfile.h):
 *
 *	dmremap-exporter-state 1 <boot_id>
 *	<kdev> <inst> <seen> <last 0..4> <offset 0..4>	one line per device
 *	end <number of devices>
 *
 * It is only valid in the boot that wrote it (/proc/sys/kernel/random/
 * boot_id): after a reboot every device is a new one.  Only the devices of
 * the last sample are written, at most EXP_STATE_MAX_DEVS.  A file that is
 * missing, from another boot, or not exactly in this format is ignored
 * whole: the counters start from the kernel's values again (a reset
 * Prometheus copes with), never from a half-read state.
 */
#ifndef DMREMAP_EXPORTER_STATE_H
#define DMREMAP_EXPORTER_STATE_H

#include <stddef.h>
#include <stdio.h>

#include "counters.h"

#define EXP_STATE_MAX_DEVS	4096
#define EXP_BOOT_ID_LEN		64

/* this boot's id into buf ("unknown" when it cannot be read) */
void exp_boot_id(char *buf, size_t len);

/* write c for boot_id to f; 0, or -EIO when f reports an error */
int exp_state_write(FILE *f, const struct exp_ctrs *c, const char *boot_id);

/*
 * Read f into c (emptied first; left empty on any failure).  0; -ESTALE when
 * the file is from another boot; -EINVAL when it is malformed; -E2BIG with
 * more than EXP_STATE_MAX_DEVS devices; -ENOMEM.
 */
int exp_state_read(FILE *f, struct exp_ctrs *c, const char *boot_id);

#endif
