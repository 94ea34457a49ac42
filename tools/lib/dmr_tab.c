// SPDX-License-Identifier: GPL-2.0
#define _GNU_SOURCE
#include "dmr_tab.h"

#include <ctype.h>
#include <errno.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "dm_remap_limits.h"	/* the target's ranges (contract section 4) */
#include "status.h"	/* dmr_parse_u64 */

__attribute__((format(printf, 3, 4)))
static int fail(char *err, size_t errlen, const char *fmt, ...)
{
	va_list ap;

	if (errlen) {
		va_start(ap, fmt);
		vsnprintf(err, errlen, fmt, ap);
		va_end(ap);
	}
	return -EINVAL;
}

static int option_one(const char *tok, size_t n, struct dmr_options *o,
		      char *err, size_t errlen)
{
	char buf[64];
	const char *val;
	uint64_t v;

	if (n == 0)
		return fail(err, errlen, "empty option (two commas?)");
	if (n >= sizeof(buf))
		return fail(err, errlen, "option '%.*s...' too long", 20, tok);
	memcpy(buf, tok, n);
	buf[n] = '\0';
	val = strchr(buf, '=');

	if (!strcmp(buf, "no_auto_remap")) {
		o->no_auto_remap = true;
	} else if (!strcmp(buf, "format")) {
		o->format = true;
	} else if (!strcmp(buf, "nofail")) {
		o->nofail = true;
	} else if (val && (size_t)(val - buf) == strlen("block_size") &&
		   !strncmp(buf, "block_size", val - buf)) {
		if (!dmr_parse_u64(val + 1, &v) || v < DM_REMAP_MIN_BLOCK_SIZE ||
		    v > DM_REMAP_MAX_BLOCK_SIZE || (v & (v - 1)))
			return fail(err, errlen, "block_size '%s' is not a power of two from %d to %d",
				    val + 1, DM_REMAP_MIN_BLOCK_SIZE, DM_REMAP_MAX_BLOCK_SIZE);
		o->block_size = (uint32_t)v;
	} else if (val && (size_t)(val - buf) == strlen("scrub_rate") &&
		   !strncmp(buf, "scrub_rate", val - buf)) {
		if (!dmr_parse_u64(val + 1, &v) || v > DM_REMAP_MAX_SCRUB_RATE)
			return fail(err, errlen, "scrub_rate '%s' is not a number of KiB/s from 0 to %d",
				    val + 1, DM_REMAP_MAX_SCRUB_RATE);
		o->has_scrub_rate = true;
		o->scrub_rate = v;
	} else if (!strcmp(buf, "block_size") || !strcmp(buf, "scrub_rate")) {
		return fail(err, errlen, "option '%s' needs a value (%s=N)", buf, buf);
	} else {
		return fail(err, errlen,
			    "unknown option '%s' (known: block_size=N, no_auto_remap, scrub_rate=N, format, nofail)",
			    buf);
	}
	return 0;
}

int dmr_options_parse(const char *s, struct dmr_options *o, char *err, size_t errlen)
{
	memset(o, 0, sizeof(*o));
	if (!s || !strcmp(s, "-"))
		return 0;
	for (;;) {
		const char *comma = strchr(s, ',');
		size_t n = comma ? (size_t)(comma - s) : strlen(s);
		int ret = option_one(s, n, o, err, errlen);

		if (ret)
			return ret;
		if (!comma)
			return 0;
		s = comma + 1;
	}
}

/* append to buf at *pos; -ENOSPC when it does not fit */
__attribute__((format(printf, 4, 5)))
static int put(char *buf, size_t len, size_t *pos, const char *fmt, ...)
{
	va_list ap;
	int n;

	if (*pos >= len)
		return -ENOSPC;
	va_start(ap, fmt);
	n = vsnprintf(buf + *pos, len - *pos, fmt, ap);
	va_end(ap);
	if (n < 0 || (size_t)n >= len - *pos)
		return -ENOSPC;
	*pos += n;
	return 0;
}

int dmr_options_format(const struct dmr_options *o, char *buf, size_t len)
{
	size_t pos = 0;
	int ret = 0;

	if (!len)
		return -ENOSPC;
	buf[0] = '\0';
	if (o->block_size)
		ret = ret ?: put(buf, len, &pos, "%sblock_size=%u", pos ? "," : "", o->block_size);
	if (o->no_auto_remap)
		ret = ret ?: put(buf, len, &pos, "%sno_auto_remap", pos ? "," : "");
	if (o->has_scrub_rate)
		ret = ret ?: put(buf, len, &pos, "%sscrub_rate=%llu", pos ? "," : "",
				 (unsigned long long)o->scrub_rate);
	if (o->format)
		ret = ret ?: put(buf, len, &pos, "%sformat", pos ? "," : "");
	return ret;
}

int dmr_table_params(const struct dmr_options *o, const char *main_dev,
		     const char *spare_dev, char *buf, size_t len)
{
	unsigned int nargs = 0;
	size_t pos = 0;
	int ret;

	nargs += o->block_size ? 2 : 0;
	nargs += o->no_auto_remap;
	nargs += o->has_scrub_rate ? 2 : 0;
	nargs += o->format;
	ret = put(buf, len, &pos, "%s %s", main_dev, spare_dev);
	if (!ret && nargs)
		ret = put(buf, len, &pos, " %u", nargs);
	if (!ret && o->block_size)
		ret = put(buf, len, &pos, " block_size %u", o->block_size);
	if (!ret && o->no_auto_remap)
		ret = put(buf, len, &pos, " no_auto_remap");
	if (!ret && o->has_scrub_rate)
		ret = put(buf, len, &pos, " scrub_rate %llu", (unsigned long long)o->scrub_rate);
	if (!ret && o->format)
		ret = put(buf, len, &pos, " format");
	return ret;
}

int dmr_name_check(const char *name, char *err, size_t errlen)
{
	size_t n = strlen(name);

	if (n == 0)
		return fail(err, errlen, "empty device name");
	if (n >= DMR_TAB_NAME_LEN)
		return fail(err, errlen, "device name '%.20s...' longer than %d bytes", name,
			    DMR_TAB_NAME_LEN - 1);
	if (!strcmp(name, ".") || !strcmp(name, ".."))
		return fail(err, errlen, "device name '%s' is not allowed", name);
	for (const unsigned char *p = (const unsigned char *)name; *p; p++) {
		if (*p == '/' || !isgraph(*p))
			return fail(err, errlen,
				    "device name '%s' has a '/', a space or a control character",
				    name);
	}
	return 0;
}

static const struct {
	const char *tag;		/* with its '=' */
	enum dmr_dev_kind kind;
	const char *dir;		/* udev's link directory */
} tags[] = {
	{ "UUID=", DMR_DEV_UUID, "/dev/disk/by-uuid/" },
	{ "PARTUUID=", DMR_DEV_PARTUUID, "/dev/disk/by-partuuid/" },
	{ "PARTLABEL=", DMR_DEV_PARTLABEL, "/dev/disk/by-partlabel/" },
	{ "ID=", DMR_DEV_ID, "/dev/disk/by-id/" },
};

#define NR_TAGS (sizeof(tags) / sizeof(tags[0]))

int dmr_dev_spec_kind(const char *spec, const char **value, char *err, size_t errlen)
{
	if (spec[0] == '/') {
		*value = spec;
		return DMR_DEV_PATH;
	}
	for (size_t i = 0; i < NR_TAGS; i++) {
		size_t tl = strlen(tags[i].tag);

		if (strncmp(spec, tags[i].tag, tl))
			continue;
		if (!spec[tl])
			return fail(err, errlen, "'%s' has an empty value", spec);
		if (strchr(spec + tl, '/'))
			return fail(err, errlen, "'%s': a %s value cannot contain '/'", spec,
				    tags[i].tag);
		*value = spec + tl;
		return tags[i].kind;
	}
	return fail(err, errlen,
		    "'%s' is not a device (an absolute path, UUID=, PARTUUID=, PARTLABEL= or ID=)",
		    spec);
}

int dmr_dev_spec_path(const char *spec, char *buf, size_t len)
{
	const char *value;
	int kind = dmr_dev_spec_kind(spec, &value, NULL, 0);
	int n;

	if (kind < 0)
		return kind;
	if (kind == DMR_DEV_PATH) {
		n = snprintf(buf, len, "%s", value);
	} else {
		const char *dir = NULL;

		for (size_t i = 0; i < NR_TAGS; i++)
			if (tags[i].kind == (enum dmr_dev_kind)kind)
				dir = tags[i].dir;
		n = snprintf(buf, len, "%s%s", dir, value);
		/* udev's by-partuuid links are lower case (blkid's GPT UUIDs) */
		if (kind == DMR_DEV_PARTUUID && n > 0 && (size_t)n < len)
			for (char *p = buf + strlen(dir); *p; p++)
				*p = (char)tolower((unsigned char)*p);
	}
	return n < 0 || (size_t)n >= len ? -ENOSPC : 0;
}

/* next whitespace-separated field of *s, NUL-terminated in place */
static char *field(char **s)
{
	char *p = *s, *start;

	while (*p == ' ' || *p == '\t')
		p++;
	if (!*p)
		return NULL;
	start = p;
	while (*p && *p != ' ' && *p != '\t')
		p++;
	if (*p)
		*p++ = '\0';
	*s = p;
	return start;
}

static int dev_field(const char *what, const char *spec, char *dst, size_t dstlen,
		     char *err, size_t errlen)
{
	char why[DMR_TAB_DEV_LEN + 128];
	const char *value;

	if (dmr_dev_spec_kind(spec, &value, why, sizeof(why)) < 0)
		return fail(err, errlen, "%s %s", what, why);
	if (strlen(spec) >= dstlen)
		return fail(err, errlen, "%s '%.40s...' is too long", what, spec);
	strcpy(dst, spec);
	return 0;
}

int dmr_tab_parse_line(const char *line, struct dmr_tab_entry *e, char *err, size_t errlen)
{
	char buf[1024], why[512];
	char *s = buf, *name, *main_dev, *spare, *opts;
	size_t n = strcspn(line, "#\n");

	memset(e, 0, sizeof(*e));
	if (n >= sizeof(buf))
		return fail(err, errlen, "line longer than %zu bytes", sizeof(buf) - 1);
	memcpy(buf, line, n);
	buf[n] = '\0';

	name = field(&s);
	if (!name)
		return 0;
	main_dev = field(&s);
	spare = field(&s);
	if (!main_dev || !spare)
		return fail(err, errlen, "expected NAME MAIN SPARE [OPTION,...], got %d field%s",
			    main_dev ? 2 : 1, main_dev ? "s" : "");
	opts = field(&s);
	if (field(&s))
		return fail(err, errlen,
			    "more than 4 fields (options are separated by commas, not spaces)");
	if (dmr_name_check(name, why, sizeof(why)))
		return fail(err, errlen, "%s", why);
	strcpy(e->name, name);
	if (dev_field("main device", main_dev, e->main, sizeof(e->main), err, errlen) ||
	    dev_field("spare device", spare, e->spare, sizeof(e->spare), err, errlen))
		return -EINVAL;
	if (dmr_options_parse(opts, &e->opt, why, sizeof(why)))
		return fail(err, errlen, "%s", why);
	return 1;
}

static int add_error(struct dmr_tab *tab, const char *path, unsigned int line, const char *why)
{
	char **errs = realloc(tab->errors, (tab->nr_errors + 1) * sizeof(*errs));

	if (!errs)
		return -ENOMEM;
	tab->errors = errs;
	if (asprintf(&errs[tab->nr_errors], "%s:%u: %s", path, line, why) < 0)
		return -ENOMEM;
	tab->nr_errors++;
	return 0;
}

int dmr_tab_read(FILE *f, const char *path, struct dmr_tab *tab)
{
	char *line = NULL, why[600];
	size_t cap = 0;
	unsigned int lineno = 0;
	struct dmr_tab_entry e;
	int ret = 0;

	memset(tab, 0, sizeof(*tab));
	while (!ret && getline(&line, &cap, f) >= 0) {
		int r;

		lineno++;
		r = dmr_tab_parse_line(line, &e, why, sizeof(why));
		if (r == 0)
			continue;
		for (size_t i = 0; r > 0 && i < tab->nr; i++) {
			if (!strcmp(tab->entries[i].name, e.name)) {
				snprintf(why, sizeof(why), "device name '%s' already used on line %u",
					 e.name, tab->entries[i].line);
				r = -EINVAL;
			}
		}
		if (r < 0) {
			ret = add_error(tab, path, lineno, why);
			continue;
		}
		struct dmr_tab_entry *es = realloc(tab->entries, (tab->nr + 1) * sizeof(*es));

		if (!es) {
			ret = -ENOMEM;
			break;
		}
		e.line = lineno;
		tab->entries = es;
		tab->entries[tab->nr++] = e;
	}
	if (!ret && ferror(f))
		ret = -EIO;
	free(line);
	return ret;
}

int dmr_tab_load(const char *path, struct dmr_tab *tab)
{
	FILE *f = fopen(path, "re");
	int ret;

	memset(tab, 0, sizeof(*tab));
	if (!f)
		return -errno;
	ret = dmr_tab_read(f, path, tab);
	fclose(f);
	return ret;
}

void dmr_tab_free(struct dmr_tab *tab)
{
	for (size_t i = 0; i < tab->nr_errors; i++)
		free(tab->errors[i]);
	free(tab->errors);
	free(tab->entries);
	memset(tab, 0, sizeof(*tab));
}
