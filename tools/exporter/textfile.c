// SPDX-License-Identifier: GPL-2.0
#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "textfile.h"

int exp_textfile_open(struct exp_textfile *t, const char *dir, const char *name,
		      char *err, size_t len)
{
	struct stat st;
	int fd, ret;

	memset(t, 0, sizeof(*t));
	if (stat(dir, &st)) {
		ret = -errno;
		snprintf(err, len, "textfile directory %s: %s", dir, strerror(errno));
		return ret;
	}
	if (!S_ISDIR(st.st_mode)) {
		snprintf(err, len, "textfile directory %s: not a directory", dir);
		return -ENOTDIR;
	}
	if ((size_t)snprintf(t->path, sizeof(t->path), "%s/%s", dir, name) >= sizeof(t->path) ||
	    (size_t)snprintf(t->tmp, sizeof(t->tmp), "%s/.%s.%ld.XXXXXX", dir, name,
			     (long)getpid()) >= sizeof(t->tmp)) {
		t->tmp[0] = '\0';
		snprintf(err, len, "textfile directory %s: path too long", dir);
		return -ENAMETOOLONG;
	}
	snprintf(t->dir, sizeof(t->dir), "%s", dir);
	fd = mkostemp(t->tmp, O_CLOEXEC);
	if (fd < 0) {
		ret = -errno;
		snprintf(err, len, "cannot create a temporary file in %s: %s", dir,
			 strerror(errno));
		t->tmp[0] = '\0';
		return ret;
	}
	t->f = fdopen(fd, "w");
	if (!t->f) {
		ret = -errno;
		close(fd);
		unlink(t->tmp);
		t->tmp[0] = '\0';
		snprintf(err, len, "fdopen: %s", strerror(-ret));
		return ret;
	}
	return 0;
}

void exp_textfile_abort(struct exp_textfile *t)
{
	if (t->f) {
		fclose(t->f);
		t->f = NULL;
	}
	if (t->tmp[0]) {
		unlink(t->tmp);
		t->tmp[0] = '\0';
	}
}

int exp_textfile_commit(struct exp_textfile *t, char *err, size_t len)
{
	const char *what;
	int fd, ret, dfd;

	if (!t->f) {
		snprintf(err, len, "no temporary file open");
		return -EBADF;
	}
	errno = 0;
	fd = fileno(t->f);
	what = "write";
	if (fflush(t->f) || ferror(t->f))
		goto fail;
	what = "chmod";
	if (fchmod(fd, 0644))
		goto fail;
	what = "fsync";
	if (fsync(fd))
		goto fail;
	what = "close";
	ret = fclose(t->f);
	t->f = NULL;
	if (ret)
		goto fail;
	what = "rename";
	if (rename(t->tmp, t->path))
		goto fail;
	t->tmp[0] = '\0';
	/* make the rename itself durable; a failure here loses nothing */
	dfd = open(t->dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (dfd >= 0) {
		fsync(dfd);
		close(dfd);
	}
	return 0;
fail:
	ret = errno ? -errno : -EIO;
	snprintf(err, len, "%s of %s failed: %s", what, t->path, strerror(-ret));
	exp_textfile_abort(t);
	return ret;
}

int exp_textfile_cleanup_stale(const char *dir, const char *name)
{
	char prefix[NAME_MAX + 2], path[PATH_MAX];
	size_t plen;
	struct dirent *de;
	DIR *d;
	int n = 0;

	plen = (size_t)snprintf(prefix, sizeof(prefix), ".%s.", name);
	if (plen >= sizeof(prefix))
		return 0;
	d = opendir(dir);
	if (!d)
		return 0;
	while ((de = readdir(d))) {
		char *end;
		long pid;

		if (strncmp(de->d_name, prefix, plen))
			continue;
		errno = 0;
		pid = strtol(de->d_name + plen, &end, 10);
		if (errno || end == de->d_name + plen || *end != '.' || pid <= 0)
			continue;
		if (pid != (long)getpid() && (kill((pid_t)pid, 0) == 0 || errno != ESRCH))
			continue;	/* its writer still runs */
		if ((size_t)snprintf(path, sizeof(path), "%s/%s", dir, de->d_name) >= sizeof(path))
			continue;
		if (!unlink(path))
			n++;
	}
	closedir(d);
	return n;
}
