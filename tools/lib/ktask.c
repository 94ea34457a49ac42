// SPDX-License-Identifier: GPL-2.0
#define _GNU_SOURCE
#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "ktask.h"

/* the whole of a small /proc file into buf (NUL-terminated): length or -errno */
static ssize_t read_small(const char *path, char *buf, size_t len)
{
	ssize_t n, got = 0;
	int fd = open(path, O_RDONLY | O_CLOEXEC);

	if (fd < 0)
		return -errno;
	while ((size_t)got < len - 1) {
		n = read(fd, buf + got, len - 1 - (size_t)got);
		if (n < 0) {
			n = -errno;
			close(fd);
			return n;
		}
		if (!n)
			break;
		got += n;
	}
	close(fd);
	buf[got] = '\0';
	return got;
}

int dmr_ktask_read(pid_t tid, struct dmr_ktask *t)
{
	char path[64], buf[1024], *open_paren, *close_paren;
	ssize_t r;
	size_t n;

	memset(t, 0, sizeof(*t));
	t->tid = tid;
	snprintf(path, sizeof(path), "/proc/%d/stat", (int)tid);
	r = read_small(path, buf, sizeof(buf));
	if (r < 0)
		return (int)r;
	/*
	 * "TID (COMM) S ...": COMM may hold spaces and parentheses; for a
	 * kworker it carries the workqueue ("kworker/u4:0+dm_remap"), as
	 * /proc/TID/comm does
	 */
	open_paren = strchr(buf, '(');
	close_paren = strrchr(buf, ')');
	if (!open_paren || !close_paren || close_paren < open_paren ||
	    close_paren[1] != ' ' || !close_paren[2])
		return -EINVAL;
	t->state = close_paren[2];
	n = (size_t)(close_paren - open_paren - 1);
	if (n >= sizeof(t->comm))
		n = sizeof(t->comm) - 1;
	memcpy(t->comm, open_paren + 1, n);
	t->comm[n] = '\0';
	return 0;
}

void dmr_ktask_parse_stack(struct dmr_ktask *t, char *text)
{
	char *line, *save = NULL;

	t->nr_frames = 0;
	/* "[<0>] submit_bio_wait+0x5d/0x90" (the address is hidden to all) */
	for (line = strtok_r(text, "\n", &save); line && t->nr_frames < DMR_KTASK_MAX_FRAMES;
	     line = strtok_r(NULL, "\n", &save)) {
		char *sym = line[0] == '[' ? strchr(line, ']') : NULL;

		sym = sym ? sym + 1 : line;
		while (*sym == ' ')
			sym++;
		if (!*sym)
			continue;
		snprintf(t->frames[t->nr_frames++], DMR_KTASK_FRAME_LEN, "%s", sym);
	}
}

int dmr_ktask_read_stack(struct dmr_ktask *t)
{
	char path[64], buf[8192];
	ssize_t n;

	t->nr_frames = 0;
	snprintf(path, sizeof(path), "/proc/%d/stack", (int)t->tid);
	n = read_small(path, buf, sizeof(buf));
	if (n < 0)
		return (int)n;
	dmr_ktask_parse_stack(t, buf);
	return 0;
}

int dmr_ktask_work_func(const struct dmr_ktask *t, char *func, size_t flen, char *mod,
			size_t mlen)
{
	int i = dmr_ktask_find_frame(t, "process_one_work");

	if (i <= 0)
		return -ENOENT;
	dmr_ktask_frame_func(t->frames[i - 1], func, flen);
	dmr_ktask_frame_module(t->frames[i - 1], mod, mlen);
	return 0;
}

/* se.exec_start (ms, scheduler clock) of /proc/TID/sched or "thread-self" */
static double exec_start_ms(const char *who)
{
	char path[64], buf[4096], *p;

	snprintf(path, sizeof(path), "/proc/%s/sched", who);
	if (read_small(path, buf, sizeof(buf)) < 0)
		return -1;
	p = strstr(buf, "se.exec_start");
	if (!p || !(p = strchr(p, ':')))
		return -1;
	return strtod(p + 1, NULL);
}

double dmr_ktask_asleep_ms(pid_t tid)
{
	char who[16];
	double then, now;

	snprintf(who, sizeof(who), "%d", (int)tid);
	then = exec_start_ms(who);
	/*
	 * Our own exec_start is "now" on the same clock, to within a tick:
	 * we are running.  Without IRQ time accounting (Debian's kernels)
	 * every CPU's clock_task is sched_clock, so the two compare.
	 */
	now = exec_start_ms("thread-self");
	if (then < 0 || now < 0)
		return -1;
	return now > then ? now - then : 0;
}

const char *dmr_ktask_frame_func(const char *frame, char *buf, size_t len)
{
	size_t n = strcspn(frame, "+ ");

	if (n >= len)
		n = len - 1;
	memcpy(buf, frame, n);
	buf[n] = '\0';
	return buf;
}

const char *dmr_ktask_frame_module(const char *frame, char *buf, size_t len)
{
	const char *p = strchr(frame, '[');
	size_t n;

	buf[0] = '\0';
	if (!p)
		return buf;
	n = strcspn(p + 1, "]");
	if (n >= len)
		n = len - 1;
	memcpy(buf, p + 1, n);
	buf[n] = '\0';
	return buf;
}

int dmr_ktask_find_frame(const struct dmr_ktask *t, const char *func)
{
	char f[DMR_KTASK_FRAME_LEN];

	for (int i = 0; i < t->nr_frames; i++)
		if (!strcmp(dmr_ktask_frame_func(t->frames[i], f, sizeof(f)), func))
			return i;
	return -1;
}

int dmr_ktask_syscall(pid_t tid, long *nr, uint64_t args[3])
{
	char path[64], buf[512];
	unsigned long long a0, a1, a2;
	ssize_t n;

	snprintf(path, sizeof(path), "/proc/%d/syscall", (int)tid);
	n = read_small(path, buf, sizeof(buf));
	if (n < 0)
		return (int)n;
	if (!strncmp(buf, "running", 7))
		return -EAGAIN;
	/* "NR ARG0 ARG1 ... SP PC", arguments in hex; "-1 SP PC" outside one */
	if (sscanf(buf, "%ld %llx %llx %llx", nr, &a0, &a1, &a2) != 4)
		return -ENOENT;
	args[0] = a0;
	args[1] = a1;
	args[2] = a2;
	return 0;
}

int dmr_ktask_read_mem(pid_t tid, uint64_t addr, void *buf, size_t len)
{
	char path[64];
	ssize_t n;
	int fd;

	snprintf(path, sizeof(path), "/proc/%d/mem", (int)tid);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	n = pread(fd, buf, len, (off_t)addr);
	if (n < 0)
		n = -errno;
	close(fd);
	if (n < 0)
		return (int)n;
	return (size_t)n == len ? 0 : -EIO;
}

static int each_dir_number(const char *path, int (*cb)(pid_t, void *), void *arg, bool tasks)
{
	DIR *d = opendir(path);
	struct dirent *de;
	int ret = 0;

	/* a process that exits after the readdir of /proc: gone, not an error */
	if (!d)
		return !tasks && dmr_ktask_gone(-errno) ? 0 : -errno;
	while (!ret && (de = readdir(d))) {
		char sub[300];

		if (!isdigit((unsigned char)de->d_name[0]))
			continue;
		if (tasks) {
			snprintf(sub, sizeof(sub), "/proc/%s/task", de->d_name);
			ret = each_dir_number(sub, cb, arg, false);
		} else {
			ret = cb((pid_t)atoi(de->d_name), arg);
		}
	}
	closedir(d);
	return ret;
}

int dmr_ktask_for_each(int (*cb)(pid_t tid, void *arg), void *arg)
{
	return each_dir_number("/proc", cb, arg, true);
}
