/* SPDX-License-Identifier: GPL-2.0 */
/*
 * status.h - parse the `key=value` tokens the remap target prints in
 * `dmsetup status` (contract section 4) and returns to the `stats` message.
 */
#ifndef DMREMAP_STATUS_H
#define DMREMAP_STATUS_H

#include <stdbool.h>
#include <stdint.h>

#include "dm_remap_status.h"

#define DMR_KV_MAX	48
#define DMR_KEY_LEN	32
#define DMR_VAL_LEN	64

struct dmr_kv {
	char key[DMR_KEY_LEN];
	char val[DMR_VAL_LEN];
};

/*
 * Split whitespace-separated `key=value` tokens into kv (at most max).
 * Returns the number of pairs stored, or -EINVAL when a token has no '=',
 * an empty key, or a key/value too long for struct dmr_kv, or -E2BIG when
 * there are more than max tokens.
 */
int dmr_kv_split(const char *s, struct dmr_kv *kv, int max);

enum dmr_mode { DMR_MODE_UNKNOWN = 0, DMR_MODE_RW, DMR_MODE_RO };
enum dmr_scrub { DMR_SCRUB_UNKNOWN = 0, DMR_SCRUB_IDLE, DMR_SCRUB_RUNNING, DMR_SCRUB_DONE };
/* main=ok|offline; a module that does not print the key counts as ok */
enum dmr_main { DMR_MAIN_OK = 0, DMR_MAIN_OFFLINE };

/*
 * The keys the parser knows: the status line's keys of the one table,
 * bpf/dm_remap_status.h, in its order; bit i of dmr_status.present is key
 * i.  The REQUIRED keys must all be present; the OPTIONAL ones are absent
 * from modules built before they existed (main=: absent means ok).
 */
#define DMR_ST_ENUM(id, key, kind, need)	DMR_ST_##id,
enum dmr_status_key {
	DM_REMAP_STATUS_KEYS(DMR_ST_ENUM)
	DMR_ST_NR_KEYS,
};
#undef DMR_ST_ENUM

/* the keys every status must carry */
#define DMR_ST_NEED_REQUIRED	1u
#define DMR_ST_NEED_OPTIONAL	0u
#define DMR_ST_REQUIRED_BIT(id, key, kind, need) | (DMR_ST_NEED_##need << DMR_ST_##id)
#define DMR_ST_ALL_KEYS (0u DM_REMAP_STATUS_KEYS(DMR_ST_REQUIRED_BIT))

struct dmr_status {
	enum dmr_mode mode;
	enum dmr_scrub scrub;
	enum dmr_main main_state;
	uint64_t block_size;
	uint64_t remapped;
	uint64_t spare_total;
	uint64_t spare_free;
	uint64_t pending;
	uint64_t read_errors;
	uint64_t write_errors;
	uint64_t lost_sectors;
	uint64_t md_commits;
	uint64_t md_seq;
	unsigned int present;		/* bit mask of enum dmr_status_key */
	int nr_kv;			/* every token, known keys included */
	struct dmr_kv kv[DMR_KV_MAX];
};

/* name of a key of enum dmr_status_key ("spare_free"), NULL if out of range */
const char *dmr_status_key_name(enum dmr_status_key k);

/*
 * Parse status params into st (zeroed first).  Returns 0 when every
 * required key of enum dmr_status_key is present with a valid value; -EINVAL on a malformed
 * token or a bad value of a known key (mode=xx, remapped=-1, ...); -ENODATA
 * when tokens are well-formed but a key is missing (st->present tells which).
 * Unknown keys are kept in st->kv only.
 */
int dmr_status_parse(const char *params, struct dmr_status *st);

/* the status word of a mode ("rw", "ro") or main state ("ok", "offline"); "?" if unknown */
const char *dmr_mode_word(enum dmr_mode m);
const char *dmr_main_word(enum dmr_main m);

/* value of key in st->kv, NULL if absent */
const char *dmr_status_get(const struct dmr_status *st, const char *key);

/* parse a whole decimal uint64 ("12"); false on sign, junk, overflow or empty */
bool dmr_parse_u64(const char *s, uint64_t *out);

#endif
