// SPDX-License-Identifier: GPL-2.0
#define _GNU_SOURCE
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <libdevmapper.h>

#include "dm.h"
#include "grow.h"
#include "dm_remap_events.h"
#include "names.h"

static bool dm_verbose;

/* libdevmapper's log levels (its _LOG_* are internal): 3 error, 4 warning */
#define DM_LEVEL_MASK	7
#define DM_LEVEL_WARN	4

__attribute__((format(printf, 5, 6)))
static void dm_log(int level, const char *file, int line, int dm_errno_or_class,
		   const char *f, ...)
{
	va_list ap;

	(void)file;
	(void)line;
	(void)dm_errno_or_class;
	if (!dm_verbose || (level & DM_LEVEL_MASK) > DM_LEVEL_WARN)
		return;
	va_start(ap, f);
	fputs("libdevmapper: ", stderr);
	vfprintf(stderr, f, ap);
	fputc('\n', stderr);
	va_end(ap);
}

/*
 * Names pass through libdevmapper untouched: in its default mangling mode
 * ("auto") one device whose name holds bytes it would mangle (a space, a
 * quote, 0xff...) made the whole listing fail.
 */
static void dm_setup(void)
{
	dm_log_with_errno_init(dm_log);
	dm_set_name_mangling_mode(DM_STRING_MANGLING_NONE);
}

void dmr_dm_set_verbose(bool verbose)
{
	dm_verbose = verbose;
	dm_setup();
}

static void ensure_logger(void)
{
	static bool done;

	if (!done) {
		dm_setup();
		done = true;
	}
}

static bool set_kdev(struct dm_task *dmt, uint32_t kdev)
{
	return dm_task_set_major(dmt, (int)DM_REMAP_DEV_MAJOR(kdev)) &&
	       dm_task_set_minor(dmt, (int)DM_REMAP_DEV_MINOR(kdev));
}

/* display name of a raw name; "MAJ:MIN" when there is none */
static void display_name(const char *raw, uint32_t kdev, char *buf, size_t len)
{
	if (raw && *raw)
		dmr_name_escape(raw, buf, len);
	else
		dmr_devt_str(kdev, buf, len);
}

static int info_task(struct dm_task *dmt, struct dm_info *info)
{
	if (!dm_task_run(dmt))
		return errno ? -errno : -EIO;
	if (!dm_task_get_info(dmt, info))
		return -EIO;
	return info->exists ? 0 : -ENXIO;
}

int dmr_dm_name_of(uint32_t kdev, char *name, size_t len)
{
	struct dm_task *dmt;
	struct dm_info info;
	const char *n;
	int err;

	ensure_logger();
	dmt = dm_task_create(DM_DEVICE_INFO);
	if (!dmt)
		return -ENOMEM;
	if (!set_kdev(dmt, kdev)) {
		err = -EINVAL;
		goto out;
	}
	err = info_task(dmt, &info);
	if (err)
		goto out;
	n = dm_task_get_name(dmt);
	display_name(n, kdev, name, len);
out:
	dm_task_destroy(dmt);
	return err;
}

static int kdev_of_raw(const char *name, uint32_t *kdev)
{
	struct dm_task *dmt;
	struct dm_info info;
	int err;

	dmt = dm_task_create(DM_DEVICE_INFO);
	if (!dmt)
		return -ENOMEM;
	if (!dm_task_set_name(dmt, name)) {
		err = -EINVAL;
		goto out;
	}
	err = info_task(dmt, &info);
	if (!err)
		*kdev = DM_REMAP_MKDEV((uint32_t)info.major, (uint32_t)info.minor);
out:
	dm_task_destroy(dmt);
	return err;
}

int dmr_dm_kdev_of(const char *name, uint32_t *kdev)
{
	char raw[DMR_DM_RAW_NAME_LEN];
	int err;

	ensure_logger();
	err = kdev_of_raw(name, kdev);
	/* the display form the tools print ("a b\xff") names the device too */
	if (err == -ENXIO && strchr(name, '\\') && dmr_name_unescape(name, raw, sizeof(raw)))
		err = kdev_of_raw(raw, kdev);
	return err;
}

int dmr_dm_resolve(const char *arg, uint32_t *kdev)
{
	unsigned int ma, mi;
	char end;
	struct stat st;

	if (sscanf(arg, "%u:%u%c", &ma, &mi, &end) == 2) {
		if (ma >= (1u << 12) || mi > DM_REMAP_MINORMASK)
			return -EINVAL;
		*kdev = DM_REMAP_MKDEV(ma, mi);
		return 0;
	}
	if (strchr(arg, '/')) {
		if (stat(arg, &st))
			return -errno;
		if (!S_ISBLK(st.st_mode))
			return -ENOTBLK;
		*kdev = DM_REMAP_MKDEV(major(st.st_rdev), minor(st.st_rdev));
		return 0;
	}
	return dmr_dm_kdev_of(arg, kdev);
}

int dmr_dm_for_each(int (*cb)(const char *name, uint32_t kdev, void *arg), void *arg)
{
	struct dm_task *dmt;
	struct dm_names *names;
	int ret = 0;

	ensure_logger();
	dmt = dm_task_create(DM_DEVICE_LIST);
	if (!dmt)
		return -ENOMEM;
	if (!dm_task_run(dmt)) {
		ret = errno ? -errno : -EIO;
		goto out;
	}
	names = dm_task_get_names(dmt);
	if (!names || !names->dev)
		goto out;		/* no dm device at all */
	for (;;) {
		uint32_t kdev = dmr_dm_decode_dev(names->dev);
		char disp[DMR_DM_NAME_LEN];

		display_name(names->name, kdev, disp, sizeof(disp));
		ret = cb(disp, kdev, arg);
		if (ret)
			break;
		if (!names->next)
			break;
		names = (struct dm_names *)((char *)names + names->next);
	}
out:
	dm_task_destroy(dmt);
	return ret;
}

int dmr_dm_remap_legs(const char *name, uint32_t *main_dev, uint32_t *spare_dev)
{
	struct dm_task *dmt;
	struct dm_info info;
	void *next = NULL;
	int ret;

	ensure_logger();
	dmt = dm_task_create(DM_DEVICE_TABLE);
	if (!dmt)
		return -ENOMEM;
	if (!dm_task_set_name(dmt, name)) {
		ret = -EINVAL;
		goto out;
	}
	ret = info_task(dmt, &info);
	if (ret)
		goto out;
	ret = -ENOENT;
	do {
		uint64_t start, length;
		char *type = NULL, *params = NULL;
		unsigned int ma1, mi1, ma2, mi2;

		next = dm_get_next_target(dmt, next, &start, &length, &type, &params);
		/* the table line starts "MAIN SPARE", each as MAJ:MIN */
		if (type && !strcmp(type, DMR_TARGET_NAME) && params &&
		    sscanf(params, "%u:%u %u:%u", &ma1, &mi1, &ma2, &mi2) == 4) {
			*main_dev = DM_REMAP_MKDEV(ma1, mi1);
			*spare_dev = DM_REMAP_MKDEV(ma2, mi2);
			ret = 0;
			break;
		}
	} while (next);
out:
	dm_task_destroy(dmt);
	return ret;
}

struct list_ctx {
	struct dmr_dm_dev *devs;
	int n, cap;
	int err;
};

/* see dmr_dm_dev.inst: the inode of the device's sysfs directory, 0 if none */
static uint64_t instance_of(uint32_t kdev)
{
	char path[64];
	struct stat st;

	snprintf(path, sizeof(path), "/sys/dev/block/%u:%u", DM_REMAP_DEV_MAJOR(kdev),
		 DM_REMAP_DEV_MINOR(kdev));
	if (stat(path, &st))
		return 0;
	return (uint64_t)st.st_ino;
}

/*
 * status of device kdev's remap target into d (named `name`, the display
 * name); 1 when it has one, 0 if not, -errno.  Asked by number: names may
 * be anything.
 */
static int remap_status(const char *name, uint32_t kdev, struct dmr_dm_dev *d)
{
	struct dm_task *dmt;
	struct dm_info info;
	void *next = NULL;
	int ret = 0;

	dmt = dm_task_create(DM_DEVICE_STATUS);
	if (!dmt)
		return -ENOMEM;
	if (!set_kdev(dmt, kdev)) {
		ret = -EINVAL;
		goto out;
	}
	ret = info_task(dmt, &info);
	if (ret)
		goto out;
	do {
		uint64_t start, length;
		char *type = NULL, *params = NULL;

		next = dm_get_next_target(dmt, next, &start, &length, &type, &params);
		if (type && !strcmp(type, DMR_TARGET_NAME)) {
			d->params = strdup(params ? params : "");
			if (!d->params) {
				ret = -ENOMEM;
				goto out;
			}
			d->start = start;
			d->length = length;
			d->kdev = DM_REMAP_MKDEV((uint32_t)info.major, (uint32_t)info.minor);
			d->inst = instance_of(d->kdev);
			snprintf(d->name, sizeof(d->name), "%s", name);
			d->status_err = dmr_status_parse(d->params, &d->status);
			ret = 1;
			goto out;
		}
	} while (next);
out:
	dm_task_destroy(dmt);
	return ret;
}

static int list_cb(const char *name, uint32_t kdev, void *arg)
{
	struct list_ctx *c = arg;
	int ret;

	if (!DMR_GROW(c->devs, c->n, c->cap))
		return -ENOMEM;
	memset(&c->devs[c->n], 0, sizeof(c->devs[c->n]));
	ret = remap_status(name, kdev, &c->devs[c->n]);
	if (ret == 1)
		c->n++;
	else if (ret == -ENOMEM)
		return ret;
	/* a device that vanished meanwhile is simply skipped */
	return 0;
}

static int by_name(const void *a, const void *b)
{
	return strcmp(((const struct dmr_dm_dev *)a)->name, ((const struct dmr_dm_dev *)b)->name);
}

int dmr_dm_list_remap(struct dmr_dm_dev **devs)
{
	struct list_ctx c = { 0 };
	int ret;

	ret = dmr_dm_for_each(list_cb, &c);
	if (ret) {
		dmr_dm_free_list(c.devs, c.n);
		return ret;
	}
	if (c.n > 1)
		qsort(c.devs, (size_t)c.n, sizeof(*c.devs), by_name);
	*devs = c.devs;
	return c.n;
}

void dmr_dm_free_list(struct dmr_dm_dev *devs, int n)
{
	if (!devs)
		return;
	for (int i = 0; i < n; i++)
		free(devs[i].params);
	free(devs);
}
