/* SPDX-License-Identifier: GPL-2.0 */
/*
 * names.h - words for the numeric values of the dm_remap tracepoints
 * (bpf/dm_remap_events.h) and of the tools' event records (bpf/events.h).
 */
#ifndef DMREMAP_NAMES_H
#define DMREMAP_NAMES_H

#include <stdbool.h>
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

/*
 * Length of the valid, printable UTF-8 sequence at s (1..4), or 0 when s
 * starts with a byte that is not one: a stray continuation byte, an
 * overlong form, a surrogate, a code point past U+10FFFF, a C1 control
 * (U+0080..U+009F) or the terminating NUL.  ASCII control bytes count as
 * valid here (1); dmr_name_escape() escapes them itself.
 */
size_t dmr_utf8_seq(const char *s);

/*
 * The display form of a dm device name, used by every tool (labels of the
 * exporter, dmremap-top rows, dmremap-trace output).  dm names are any
 * bytes but NUL (up to 127 of them, `dmsetup create --manglename none`);
 * the display form is valid printable UTF-8 and reversible: printable UTF-8
 * is kept as it is (spaces and quotes included), and every other byte, a
 * backslash included, becomes "\xHH" (lower-case hex), the notation of
 * `dmsetup --manglename hex`.  So "a b\xff" is the name of bytes
 * 'a',' ','b',0xff, and a backslash in the display form always starts an
 * escape.  Up to 4 * 127 + 1 bytes (DMR_DM_NAME_LEN); truncated at a
 * character boundary when len is smaller.  Returns buf.
 */
char *dmr_name_escape(const char *raw, char *buf, size_t len);

/*
 * The raw name of a display name (every "\xHH" undone) into buf.  false
 * when buf is too small or a backslash does not start a "\xHH" escape.
 */
bool dmr_name_unescape(const char *disp, char *buf, size_t len);

/* "EIO" for 5 or -5, NULL when unknown */
const char *dmr_errno_name(int err);

#endif
