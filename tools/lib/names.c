// SPDX-License-Identifier: GPL-2.0
#define _GNU_SOURCE
#include <stdio.h>
#include <string.h>
#include <linux/types.h>

#include "names.h"
#include "dm_remap_events.h"
#include "events.h"

struct sym {
	unsigned int val;
	const char *name;
};

static const char *lookup(const struct sym *t, size_t n, uint32_t v)
{
	for (size_t i = 0; i < n; i++)
		if (t[i].val == v)
			return t[i].name;
	return "?";
}

#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))
#define NAMEFN(fn, list)						\
	const char *fn(uint32_t v)					\
	{								\
		static const struct sym t[] = { list };			\
		return lookup(t, ARRAY_SIZE(t), v);			\
	}

NAMEFN(dmr_op_name, DM_REMAP_OP_SYMBOLS)
NAMEFN(dmr_target_name, DM_REMAP_TARGET_SYMBOLS)
NAMEFN(dmr_path_name, DM_REMAP_PATH_SYMBOLS)
NAMEFN(dmr_reason_name, DM_REMAP_REASON_SYMBOLS)
NAMEFN(dmr_phase_name, DM_REMAP_PHASE_SYMBOLS)
NAMEFN(dmr_stage_name, DM_REMAP_STAGE_SYMBOLS)

const char *dmr_event_name(uint32_t type)
{
	static const struct sym t[] = {
		{ DMR_EV_IO_ERROR, "io_error" },
		{ DMR_EV_PENDING, "pending" },
		{ DMR_EV_REMAP, "remap" },
		{ DMR_EV_LOST, "lost" },
		{ DMR_EV_IO_DONE, "io_done" },
		{ DMR_EV_MD_COMMIT, "md_commit" },
		{ DMR_EV_TEARDOWN, "teardown" },
	};
	return lookup(t, ARRAY_SIZE(t), type);
}

char *dmr_devt_str(uint32_t kdev, char *buf, size_t len)
{
	snprintf(buf, len, "%u:%u", DM_REMAP_DEV_MAJOR(kdev), DM_REMAP_DEV_MINOR(kdev));
	return buf;
}

const char *dmr_errno_name(int err)
{
	if (err < 0)
		err = -err;
	if (!err)
		return NULL;
	return strerrorname_np(err);
}

size_t dmr_utf8_seq(const char *str)
{
	const unsigned char *s = (const unsigned char *)str;
	uint32_t cp;
	size_t n;

	if (s[0] < 0x80)
		return s[0] ? 1 : 0;
	if (s[0] >= 0xc2 && s[0] <= 0xdf) {
		n = 2;
		cp = s[0] & 0x1f;
	} else if (s[0] >= 0xe0 && s[0] <= 0xef) {
		n = 3;
		cp = s[0] & 0x0f;
	} else if (s[0] >= 0xf0 && s[0] <= 0xf4) {
		n = 4;
		cp = s[0] & 0x07;
	} else {
		return 0;	/* continuation byte, overlong lead (c0, c1) or f5..ff */
	}
	for (size_t i = 1; i < n; i++) {
		if ((s[i] & 0xc0) != 0x80)
			return 0;	/* also stops at the NUL */
		cp = cp << 6 | (s[i] & 0x3f);
	}
	/* shortest form only, no UTF-16 surrogates, nothing past U+10FFFF */
	if ((n == 3 && cp < 0x800) || (n == 4 && cp < 0x10000) ||
	    (cp >= 0xd800 && cp <= 0xdfff) || cp > 0x10ffff)
		return 0;
	/* C1 control characters are as unprintable as C0 ones */
	if (cp >= 0x80 && cp <= 0x9f)
		return 0;
	return n;
}

char *dmr_name_escape(const char *raw, char *buf, size_t len)
{
	size_t o = 0;

	if (!len)
		return buf;
	while (*raw) {
		size_t n = dmr_utf8_seq(raw);
		unsigned char c = (unsigned char)*raw;

		if (n == 1 && (c < 0x20 || c == 0x7f || c == '\\'))
			n = 0;
		if (n) {
			if (o + n >= len)
				break;
			memcpy(buf + o, raw, n);
			o += n;
			raw += n;
		} else {
			if (o + 4 >= len)
				break;
			snprintf(buf + o, 5, "\\x%02x", c);
			o += 4;
			raw++;
		}
	}
	buf[o] = '\0';
	return buf;
}

static int hexval(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

bool dmr_name_unescape(const char *disp, char *buf, size_t len)
{
	size_t o = 0;

	for (; *disp; disp++) {
		char c = *disp;

		if (c == '\\') {
			int hi, lo;

			if (disp[1] != 'x' || (hi = hexval(disp[2])) < 0 ||
			    (lo = hexval(disp[3])) < 0 || (hi == 0 && lo == 0))
				return false;
			c = (char)(hi << 4 | lo);
			disp += 3;
		}
		if (o + 1 >= len)
			return false;
		buf[o++] = c;
	}
	if (!len)
		return false;
	buf[o] = '\0';
	return true;
}
