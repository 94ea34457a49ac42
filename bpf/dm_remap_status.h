/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * dm_remap_status.h - the key=value tokens of the remap target's status
 * (contract section 4), defined once.
 *
 * Read by the module's emitter (module/dm-remap-message.c), the tools'
 * parser (tools/lib/status.c) and the tests (tests/unit/test_status.c
 * checks VM case 05's golden key list against it).  Like dm_remap_events.h
 * it holds only macros, so that it compiles in the kernel and in user space.
 *
 * X(ID, key, kind, need), in the order the module prints them:
 *   ID    upper-case name for enums (REMAP_ST_<ID>, DMR_ST_<ID>)
 *   key   the token before '='
 *   kind  NUM: an unsigned decimal number; WORD: one of the words listed
 *         below for that key (DM_REMAP_<ID>_WORDS)
 *   need  REQUIRED: the tools refuse a status without it; OPTIONAL: added
 *         after the first release, absent from older modules' output
 *
 * Adding a key: append it to the list it belongs to (never reorder; tools
 * parse by name, but humans and the golden file read the order), give it a
 * value in status_value() in module/dm-remap-message.c, and regenerate
 * tests/vm/cases/05-status-messages.status-keys.out for an INFO key.
 */
#ifndef DM_REMAP_STATUS_H
#define DM_REMAP_STATUS_H

/* `dmsetup status` (the INFO line); the `stats` message starts with these */
#define DM_REMAP_STATUS_KEYS(X)					\
	X(MODE,		mode,		WORD,	REQUIRED)	\
	X(BLOCK_SIZE,	block_size,	NUM,	REQUIRED)	\
	X(REMAPPED,	remapped,	NUM,	REQUIRED)	\
	X(SPARE_TOTAL,	spare_total,	NUM,	REQUIRED)	\
	X(SPARE_FREE,	spare_free,	NUM,	REQUIRED)	\
	X(PENDING,	pending,	NUM,	REQUIRED)	\
	X(READ_ERRORS,	read_errors,	NUM,	REQUIRED)	\
	X(WRITE_ERRORS,	write_errors,	NUM,	REQUIRED)	\
	X(LOST_SECTORS,	lost_sectors,	NUM,	REQUIRED)	\
	X(MD_COMMITS,	md_commits,	NUM,	REQUIRED)	\
	X(MD_SEQ,	md_seq,		NUM,	REQUIRED)	\
	X(SCRUB,	scrub,		WORD,	REQUIRED)	\
	X(MAIN,		main,		WORD,	OPTIONAL)

/* the `stats` message only: after the status keys, detail for debugging */
#define DM_REMAP_STATS_KEYS(X)					\
	X(REMAPS,	remaps,		NUM,	OPTIONAL)	\
	X(SPARE_USED,	spare_used,	NUM,	OPTIONAL)	\
	X(POOL_START,	pool_start,	NUM,	OPTIONAL)	\
	X(TABLE_BLOCKS,	table_blocks,	NUM,	OPTIONAL)	\
	X(SCRUB_POS,	scrub_pos,	NUM,	OPTIONAL)	\
	X(SCRUB_BLOCKS,	scrub_blocks,	NUM,	OPTIONAL)	\
	X(SCRUB_FOUND,	scrub_found,	NUM,	OPTIONAL)	\
	X(INFLIGHT,	inflight,	NUM,	OPTIONAL)	\
	X(OFFLINE_REASON, offline_reason, WORD,	OPTIONAL)	\
	X(PENDING_DROPPED, pending_dropped, NUM, OPTIONAL)

/*
 * The words of the WORD keys, W(word) each, in the order of the module's
 * enum they name (mode: read_only false/true; scrub: enum
 * remap_scrub_state; main: main_offline zero/non-zero; offline_reason:
 * enum remap_offline_reason).
 */
#define DM_REMAP_MODE_WORDS(W)		W(rw) W(ro)
#define DM_REMAP_SCRUB_WORDS(W)		W(idle) W(running) W(done)
#define DM_REMAP_MAIN_WORDS(W)		W(ok) W(offline)
#define DM_REMAP_OFFLINE_REASON_WORDS(W) W(none) W(probe) W(path) W(breaker)

#endif
