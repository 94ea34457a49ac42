// SPDX-License-Identifier: GPL-2.0
#include <ctype.h>
#include <errno.h>
#include <stddef.h>
#include <string.h>

#include "status.h"

#define KEY_NAME(id, key, kind, need)	[DMR_ST_##id] = #key,
static const char *const key_names[DMR_ST_NR_KEYS] = {
	DM_REMAP_STATUS_KEYS(KEY_NAME)
};

/* the words of the WORD keys, from the same table; enum value = index + 1 */
#define WORD(w)	#w,
static const char *const mode_words[] = { DM_REMAP_MODE_WORDS(WORD) };
static const char *const scrub_words[] = { DM_REMAP_SCRUB_WORDS(WORD) };
static const char *const main_words[] = { DM_REMAP_MAIN_WORDS(WORD) };
_Static_assert(sizeof(mode_words) / sizeof(mode_words[0]) == DMR_MODE_RO, "enum dmr_mode");
_Static_assert(sizeof(scrub_words) / sizeof(scrub_words[0]) == DMR_SCRUB_DONE, "enum dmr_scrub");
_Static_assert(sizeof(main_words) / sizeof(main_words[0]) == DMR_MAIN_OFFLINE + 1, "enum dmr_main");

/* 1 + the index of val in words[n], 0 when it is none of them */
static int word_index(const char *const *words, size_t n, const char *val)
{
	for (size_t i = 0; i < n; i++)
		if (!strcmp(words[i], val))
			return (int)i + 1;
	return 0;
}

#define WORD_INDEX(words, val) word_index(words, sizeof(words) / sizeof(words[0]), val)

const char *dmr_mode_word(enum dmr_mode m)
{
	size_t i = (size_t)m;

	return i >= 1 && i <= sizeof(mode_words) / sizeof(mode_words[0]) ? mode_words[i - 1] : "?";
}

const char *dmr_main_word(enum dmr_main m)
{
	size_t i = (size_t)m;

	return i < sizeof(main_words) / sizeof(main_words[0]) ? main_words[i] : "?";
}

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
	int i;

	switch (k) {
	case DMR_ST_MODE:
		i = WORD_INDEX(mode_words, val);
		st->mode = (enum dmr_mode)i;
		return i ? 0 : -EINVAL;
	case DMR_ST_SCRUB:
		i = WORD_INDEX(scrub_words, val);
		st->scrub = (enum dmr_scrub)i;
		return i ? 0 : -EINVAL;
	case DMR_ST_MAIN:
		i = WORD_INDEX(main_words, val);
		st->main_state = i ? (enum dmr_main)(i - 1) : DMR_MAIN_OK;
		return i ? 0 : -EINVAL;
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
