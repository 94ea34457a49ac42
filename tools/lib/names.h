/* SPDX-License-Identifier: GPL-2.0 */
/*
 * names.h - words for the numeric values of the dm_remap tracepoints
 * (bpf/dm_remap_events.h) and of the tools' event records (bpf/events.h).
 */
#ifndef DMREMAP_NAMES_H
#define DMREMAP_NAMES_H

#include <stddef.h>
#include <stdint.h>

/* each returns a static word, or "?" for a value it does not know */
const char *dmr_op_name(uint32_t op);
const char *dmr_target_name(uint32_t target);
const char *dmr_path_name(uint32_t remapped);
const char *dmr_reason_name(uint32_t reason);
const char *dmr_phase_name(uint32_t phase);
const char *dmr_stage_name(uint32_t stage);
/* tracepoint name without the dm_remap_ prefix ("teardown"), "?" if unknown */
const char *dmr_event_name(uint32_t type);

/* "MAJ:MIN" of a kernel dev_t (major << 20 | minor) into buf; returns buf */
char *dmr_devt_str(uint32_t kdev, char *buf, size_t len);

/* "EIO" for 5 or -5, NULL when unknown */
const char *dmr_errno_name(int err);

#endif
