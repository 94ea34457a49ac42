// SPDX-License-Identifier: GPL-2.0
#define _GNU_SOURCE
#include "dmops.h"

#include <errno.h>
#include <fcntl.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <libdevmapper.h>

#include "dm.h"

extern char **environ;

static int run_task(struct dm_task *dmt)
{
	errno = 0;
	if (!dm_task_run(dmt))
		return errno ? -errno : -EIO;
	return 0;
}

int dmops_info(const char *name, struct dm_state *state)
{
	struct dm_task *dmt = dm_task_create(DM_DEVICE_INFO);
	struct dm_info info;
	int ret;

	memset(state, 0, sizeof(*state));
	if (!dmt)
		return -ENOMEM;
	ret = dm_task_set_name(dmt, name) ? run_task(dmt) : -EINVAL;
	if (!ret && !dm_task_get_info(dmt, &info))
		ret = -EIO;
	if (!ret && info.exists) {
		state->exists = true;
		state->major = (uint32_t)info.major;
		state->minor = (uint32_t)info.minor;
		state->open_count = info.open_count;
		state->suspended = info.suspended;
	}
	dm_task_destroy(dmt);
	return ret;
}

int dmops_table(const char *name, char *type, size_t tlen, char *params, size_t plen)
{
	struct dm_task *dmt = dm_task_create(DM_DEVICE_TABLE);
	uint64_t start, length;
	char *t = NULL, *p = NULL;
	int ret;

	if (!dmt)
		return -ENOMEM;
	ret = dm_task_set_name(dmt, name) ? run_task(dmt) : -EINVAL;
	if (!ret) {
		dm_get_next_target(dmt, NULL, &start, &length, &t, &p);
		if (!t)
			ret = -ENXIO;
		else {
			snprintf(type, tlen, "%s", t);
			snprintf(params, plen, "%s", p ? p : "");
		}
	}
	dm_task_destroy(dmt);
	return ret;
}

/*
 * The kernel explains a refused table only in its log ("device-mapper:
 * table: 254:0: remap: <reason>"): read what was logged after `fd` was
 * opened at the log's end.
 */
static int kmsg_open_at_end(void)
{
	int fd = open("/dev/kmsg", O_RDONLY | O_NONBLOCK | O_CLOEXEC);

	if (fd >= 0)
		lseek(fd, 0, SEEK_END);
	return fd;
}

static void kmsg_reason(int fd, char *err, size_t errlen)
{
	char rec[1024];
	ssize_t n;

	if (fd < 0)
		return;
	/* one record per read; EAGAIN at the end, EPIPE when overwritten */
	while ((n = read(fd, rec, sizeof(rec) - 1)) > 0 || (n < 0 && errno == EPIPE)) {
		char *msg, *r;

		if (n <= 0)
			continue;
		rec[n] = '\0';
		msg = strchr(rec, ';');
		if (!msg)
			continue;
		msg++;
		msg[strcspn(msg, "\n")] = '\0';
		r = strstr(msg, ": " DMR_TARGET_NAME ": ");
		if (strstr(msg, "device-mapper: table:") && r)
			snprintf(err, errlen, "%s", r + strlen(": " DMR_TARGET_NAME ": "));
	}
}

int dmops_create(const char *name, uint64_t sectors, const char *params, char *err,
		 size_t errlen)
{
	struct dm_task *dmt = dm_task_create(DM_DEVICE_CREATE);
	char uuid[129];	/* DM_UUID_LEN */
	uint32_t cookie = 0;
	int kfd, ret;

	if (!dmt)
		return -ENOMEM;
	snprintf(uuid, sizeof(uuid), DMOPS_UUID_PREFIX "%s", name);
	if (!dm_task_set_name(dmt, name) || !dm_task_set_uuid(dmt, uuid) ||
	    !dm_task_add_target(dmt, 0, sectors, DMR_TARGET_NAME, params) ||
	    !dm_task_set_cookie(dmt, &cookie, 0)) {
		dm_task_destroy(dmt);
		snprintf(err, errlen, "libdevmapper could not prepare the request");
		return -EINVAL;
	}
	kfd = kmsg_open_at_end();
	ret = run_task(dmt);
	dm_udev_wait(cookie);
	if (ret) {
		snprintf(err, errlen, "the kernel refused the table (%s)", strerror(-ret));
		kmsg_reason(kfd, err, errlen);
	}
	if (kfd >= 0)
		close(kfd);
	dm_task_destroy(dmt);
	return ret;
}

int dmops_remove(const char *name, bool deferred, char *err, size_t errlen)
{
	struct dm_task *dmt = dm_task_create(DM_DEVICE_REMOVE);
	uint32_t cookie = 0;
	int ret;

	if (!dmt)
		return -ENOMEM;
	if (!dm_task_set_name(dmt, name) || (deferred && !dm_task_deferred_remove(dmt)) ||
	    !dm_task_retry_remove(dmt) || !dm_task_set_cookie(dmt, &cookie, 0)) {
		dm_task_destroy(dmt);
		snprintf(err, errlen, "libdevmapper could not prepare the request");
		return -EINVAL;
	}
	ret = run_task(dmt);
	dm_udev_wait(cookie);
	if (ret)
		snprintf(err, errlen, "removing %s failed: %s", name, strerror(-ret));
	dm_task_destroy(dmt);
	return ret;
}

int dmops_load_module(char *err, size_t errlen)
{
	char *argv[] = { "modprobe", "dm_remap", NULL };
	struct stat st;
	pid_t pid;
	int status, ret;

	if (stat("/sys/module/dm_remap", &st) == 0)
		return 0;
	ret = posix_spawnp(&pid, "modprobe", NULL, NULL, argv, environ);
	if (ret) {
		snprintf(err, errlen, "cannot run modprobe: %s", strerror(ret));
		return -ret;
	}
	if (waitpid(pid, &status, 0) < 0 || !WIFEXITED(status) || WEXITSTATUS(status) ||
	    stat("/sys/module/dm_remap", &st)) {
		snprintf(err, errlen,
			 "modprobe dm_remap failed: is the dm-remap-dkms package installed for this kernel?");
		return -ENOENT;
	}
	return 0;
}
