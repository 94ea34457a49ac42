// SPDX-License-Identifier: GPL-2.0
/* spare.c - what the dmremap-meta commands share (meta.h) */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include <sys/stat.h>

#include "meta.h"

const char *meta_spare;

/*
 * Open for reading.  A block device is read with O_DIRECT when it allows
 * it, so that metadata the kernel wrote with bios is not hidden by stale
 * page cache; otherwise the cache is dropped for the metadata area.
 */
static int open_spare(const char *path)
{
	struct stat st;
	int fd;

	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -1;
	if (fstat(fd, &st) == 0 && S_ISBLK(st.st_mode)) {
		int dfd = open(path, O_RDONLY | O_CLOEXEC | O_DIRECT);

		if (dfd >= 0) {
			close(fd);
			return dfd;
		}
		posix_fadvise(fd, 0, 0, POSIX_FADV_DONTNEED);
	}
	return fd;
}

int meta_load(struct dmr_meta *m)
{
	char err[256];
	int fd, ret;

	fd = open_spare(meta_spare);
	if (fd < 0) {
		fprintf(stderr, PROG ": %s: %s\n", meta_spare, strerror(errno));
		return -1;
	}
	ret = dmr_meta_read(fd, m, err, sizeof(err));
	close(fd);
	if (ret) {
		fprintf(stderr, PROG ": %s: %s\n", meta_spare, err);
		dmr_meta_free(m);
		return -1;
	}
	return 0;
}

int meta_flush_stdout(void)
{
	if (fflush(stdout) || ferror(stdout)) {
		fprintf(stderr, PROG ": writing output: %s\n", strerror(errno));
		return -1;
	}
	return 0;
}

error_t meta_parse_spare(int key, char *arg, struct argp_state *state)
{
	switch (key) {
	case ARGP_KEY_ARG:
		if (meta_spare)
			argp_error(state, "one SPARE only (got '%s' and '%s')", meta_spare, arg);
		meta_spare = arg;
		break;
	case ARGP_KEY_END:
		if (!meta_spare)
			argp_error(state, "missing SPARE (the spare device or an image of it)");
		break;
	default:
		return ARGP_ERR_UNKNOWN;
	}
	return 0;
}
