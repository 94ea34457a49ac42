// SPDX-License-Identifier: GPL-2.0
#define _GNU_SOURCE
#include "udev_match.h"

#include <string.h>
#include <strings.h>
#include <sys/stat.h>

#include "dmr_tab.h"

static bool eq(const char *a, const char *b)
{
	return a && b && !strcmp(a, b);
}

/* is path one of the space-separated words of list? */
static bool has_word(const char *list, const char *path)
{
	size_t n = strlen(path);

	for (const char *p = list; p && *p;) {
		const char *end = strchr(p, ' ');
		size_t len = end ? (size_t)(end - p) : strlen(p);

		if (len == n && !strncmp(p, path, n))
			return true;
		p = end ? end + 1 : NULL;
	}
	return false;
}

bool udev_spec_matches(const char *spec, const struct udev_dev *d)
{
	char path[DMR_TAB_DEV_LEN + 32];
	const char *value;
	struct stat st;

	switch (dmr_dev_spec_kind(spec, &value, NULL, 0)) {
	case DMR_DEV_UUID:
		return eq(d->fs_uuid, value);
	case DMR_DEV_PARTUUID:
		return d->part_uuid && !strcasecmp(d->part_uuid, value);
	case DMR_DEV_PARTLABEL:
		return eq(d->part_name, value);
	case DMR_DEV_ID:
	case DMR_DEV_PATH:
		if (dmr_dev_spec_path(spec, path, sizeof(path)))
			return false;
		if (has_word(d->devlinks, path))
			return true;
		/* a kernel name (/dev/sdb1) or a link that exists already */
		return d->rdev && stat(path, &st) == 0 && S_ISBLK(st.st_mode) &&
		       st.st_rdev == d->rdev;
	default:
		return false;
	}
}
