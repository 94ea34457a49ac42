// SPDX-License-Identifier: GPL-2.0
#include <ctype.h>
#include <errno.h>
#include <stddef.h>
#include <string.h>

#include "status.h"

static const char *const key_names[DMR_ST_NR_KEYS] = {
	[DMR_ST_MODE] = "mode",
	[DMR_ST_BLOCK_SIZE] = "block_size",
	[DMR_ST_REMAPPED] = "remapped",
	[DMR_ST_SPARE_TOTAL] = "spare_total",
	[DMR_ST_SPARE_FREE] = "spare_free",
	[DMR_ST_PENDING] = "pending",
	[DMR_ST_READ_ERRORS] = "read_errors",
	[DMR_ST_WRITE_ERRORS] = "write_errors",
	[DMR_ST_LOST_SECTORS] = "lost_sectors",
	[DMR_ST_MD_COMMITS] = "md_commits",
	[DMR_ST_MD_SEQ] = "md_seq",
	[DMR_ST_SCRUB] = "scrub",
	[DMR_ST_MAIN] = "main",
};

const char *dmr_status_key_name(enum dmr_status_key k)
{
	if ((unsigned int)k >= DMR_ST_NR_KEYS)
		return NULL;
	return key_names[k];
}

bool dmr_parse_u64(const char *s, uint64_t *out)
{
	uint64_t v = 0;

	if (!s || !*s)
		return false;
	for (; *s; s++) {
		unsigned int d;

		if (*s < '0' || *s > '9')
			return false;
		d = (unsigned int)(*s - '0');
		if (v > (UINT64_MAX - d) / 10)
			return false;
		v = v * 10 + d;
	}
	*out = v;
	return true;
}

int dmr_kv_split(const char *s, struct dmr_kv *kv, int max)
{
	int n = 0;

	while (s && *s) {
		const char *tok, *eq, *end;
		size_t klen, vlen;

		while (isspace((unsigned char)*s))
			s++;
		if (!*s)
			break;
		tok = s;
		while (*s && !isspace((unsigned char)*s))
			s++;
		end = s;
		eq = memchr(tok, '=', (size_t)(end - tok));
		if (!eq || eq == tok)
			return -EINVAL;
		klen = (size_t)(eq - tok);
		vlen = (size_t)(end - eq - 1);
		if (klen >= DMR_KEY_LEN || vlen >= DMR_VAL_LEN)
			return -EINVAL;
		if (n >= max)
			return -E2BIG;
		memcpy(kv[n].key, tok, klen);
		kv[n].key[klen] = '\0';
		memcpy(kv[n].val, eq + 1, vlen);
		kv[n].val[vlen] = '\0';
		n++;
	}
	return n;
}

static uint64_t *u64_field(struct dmr_status *st, enum dmr_status_key k)
{
	switch (k) {
	case DMR_ST_BLOCK_SIZE: return &st->block_size;
	case DMR_ST_REMAPPED: return &st->remapped;
	case DMR_ST_SPARE_TOTAL: return &st->spare_total;
	case DMR_ST_SPARE_FREE: return &st->spare_free;
	case DMR_ST_PENDING: return &st->pending;
	case DMR_ST_READ_ERRORS: return &st->read_errors;
	case DMR_ST_WRITE_ERRORS: return &st->write_errors;
	case DMR_ST_LOST_SECTORS: return &st->lost_sectors;
	case DMR_ST_MD_COMMITS: return &st->md_commits;
	case DMR_ST_MD_SEQ: return &st->md_seq;
	default: return NULL;
	}
}

static int set_key(struct dmr_status *st, enum dmr_status_key k, const char *val)
{
	uint64_t *f;

	switch (k) {
	case DMR_ST_MODE:
		if (!strcmp(val, "rw"))
			st->mode = DMR_MODE_RW;
		else if (!strcmp(val, "ro"))
			st->mode = DMR_MODE_RO;
		else
			return -EINVAL;
		return 0;
	case DMR_ST_SCRUB:
		if (!strcmp(val, "idle"))
			st->scrub = DMR_SCRUB_IDLE;
		else if (!strcmp(val, "running"))
			st->scrub = DMR_SCRUB_RUNNING;
		else if (!strcmp(val, "done"))
			st->scrub = DMR_SCRUB_DONE;
		else
			return -EINVAL;
		return 0;
	case DMR_ST_MAIN:
		if (!strcmp(val, "ok"))
			st->main_state = DMR_MAIN_OK;
		else if (!strcmp(val, "offline"))
			st->main_state = DMR_MAIN_OFFLINE;
		else
			return -EINVAL;
		return 0;
	default:
		f = u64_field(st, k);
		if (!f || !dmr_parse_u64(val, f))
			return -EINVAL;
		return 0;
	}
}

int dmr_status_parse(const char *params, struct dmr_status *st)
{
	int n;

	memset(st, 0, sizeof(*st));
	n = dmr_kv_split(params, st->kv, DMR_KV_MAX);
	if (n < 0)
		return n;
	st->nr_kv = n;
	for (int i = 0; i < n; i++) {
		for (int k = 0; k < DMR_ST_NR_KEYS; k++) {
			if (strcmp(st->kv[i].key, key_names[k]))
				continue;
			if (set_key(st, (enum dmr_status_key)k, st->kv[i].val))
				return -EINVAL;
			st->present |= 1u << k;
			break;
		}
	}
	if ((st->present & DMR_ST_ALL_KEYS) != DMR_ST_ALL_KEYS)
		return -ENODATA;
	return 0;
}

const char *dmr_status_get(const struct dmr_status *st, const char *key)
{
	for (int i = 0; i < st->nr_kv; i++)
		if (!strcmp(st->kv[i].key, key))
			return st->kv[i].val;
	return NULL;
}
