// SPDX-License-Identifier: GPL-2.0
#define _GNU_SOURCE
#include "inuse.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/sysmacros.h>

int mounted_on(dev_t rdev, char *out, size_t len)
{
	FILE *f = fopen("/proc/self/mountinfo", "re");
	char *line = NULL;
	size_t cap = 0;
	int found = 0;

	if (!f)
		return 0;
	while (!found && getline(&line, &cap, f) >= 0) {
		unsigned int ma, mi;
		char mnt[512];

		/* ID PARENT MAJ:MIN ROOT MOUNTPOINT ... */
		if (sscanf(line, "%*u %*u %u:%u %*s %511s", &ma, &mi, mnt) == 3 &&
		    ma == major(rdev) && mi == minor(rdev)) {
			snprintf(out, len, "%s", mnt);
			found = 1;
		}
	}
	free(line);
	fclose(f);
	return found;
}

int held_by(const char *sysname, char *out, size_t len)
{
	char dir[128], namef[320], name[128] = "";
	struct dirent *de;
	DIR *d;
	int found = 0;

	snprintf(dir, sizeof(dir), "/sys/class/block/%s/holders", sysname);
	d = opendir(dir);
	if (!d)
		return 0;
	while (!found && (de = readdir(d))) {
		FILE *f;

		if (de->d_name[0] == '.')
			continue;
		found = 1;
		snprintf(namef, sizeof(namef), "/sys/class/block/%s/dm/name", de->d_name);
		f = fopen(namef, "re");
		if (f) {
			if (fgets(name, sizeof(name), f))
				name[strcspn(name, "\n")] = '\0';
			fclose(f);
		}
		if (name[0])
			snprintf(out, len, "%s (%s)", de->d_name, name);
		else
			snprintf(out, len, "%s", de->d_name);
	}
	closedir(d);
	return found;
}

int blockdev_in_use(const char *path, dev_t rdev, const char *sysname, char *why, size_t len)
{
	char what[256];
	int fd;

	if (mounted_on(rdev, what, sizeof(what))) {
		snprintf(why, len, "%s is mounted on %s", path, what);
		return 1;
	}
	if (sysname[0] && held_by(sysname, what, sizeof(what))) {
		snprintf(why, len, "%s is in use by %s", path, what);
		return 1;
	}
	/* what is left: swap, a file system's journal, a program's O_EXCL */
	fd = open(path, O_RDONLY | O_EXCL | O_CLOEXEC | O_NONBLOCK);
	if (fd < 0 && errno == EBUSY) {
		snprintf(why, len, "%s is in use (opened exclusively by another program)", path);
		return 1;
	}
	if (fd >= 0)
		close(fd);
	return 0;
}
