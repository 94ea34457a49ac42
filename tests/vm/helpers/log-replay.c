// SPDX-License-Identifier: GPL-2.0
/*
 * log-replay LOGDEV TARGET CHECK_COMMAND
 *
 * Replays a dm-log-writes log onto TARGET one entry at a time, and after
 * every entry that carries a flush or FUA (the points where a power cut
 * can leave the device) runs CHECK_COMMAND through sh with LOG_ENTRY set to
 * the number of entries applied and LOG_POINT to the number of the flush/FUA
 * point (1, 2, ...).  Stops at the first check that fails.
 * Used by the crash-consistency VM case; the log format is the one
 * drivers/md/dm-log-writes.c documents: a super block at byte 0, then per
 * entry one sector holding struct log_write_entry followed by its data.
 */
#define _GNU_SOURCE
#include <endian.h>
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define LOG_FLUSH_FLAG		(1 << 0)
#define LOG_FUA_FLAG		(1 << 1)
#define LOG_DISCARD_FLAG	(1 << 2)
#define LOG_MARK_FLAG		(1 << 3)
#define WRITE_LOG_MAGIC		0x6a736677736872ULL

struct log_write_super {
	uint64_t magic;
	uint64_t version;
	uint64_t nr_entries;
	uint32_t sectorsize;
} __attribute__((packed));

struct log_write_entry {
	uint64_t sector;
	uint64_t nr_sectors;
	uint64_t flags;
	uint64_t data_len;
} __attribute__((packed));

static int read_at(int fd, void *buf, size_t len, off_t off)
{
	ssize_t n = pread(fd, buf, len, off);

	return n == (ssize_t)len ? 0 : -1;
}

int main(int argc, char **argv)
{
	struct log_write_super super;
	unsigned int sectorsize;
	uint64_t i, nr, checks = 0;
	char env[32];
	off_t pos;
	char *buf = NULL;
	size_t cap = 0;
	int log, target;

	if (argc != 4) {
		fprintf(stderr, "usage: log-replay LOGDEV TARGET CHECK_COMMAND\n");
		return 2;
	}
	log = open(argv[1], O_RDONLY);
	target = open(argv[2], O_WRONLY);
	if (log < 0 || target < 0) {
		fprintf(stderr, "log-replay: cannot open: %s\n", strerror(errno));
		return 2;
	}
	if (read_at(log, &super, sizeof(super), 0) ||
	    le64toh(super.magic) != WRITE_LOG_MAGIC) {
		fprintf(stderr, "log-replay: %s is not a dm-log-writes log\n", argv[1]);
		return 2;
	}
	sectorsize = le32toh(super.sectorsize);
	nr = le64toh(super.nr_entries);
	pos = sectorsize;
	for (i = 0; i < nr; i++) {
		struct log_write_entry e;
		uint64_t flags, sectors;
		size_t len;

		if (read_at(log, &e, sizeof(e), pos)) {
			fprintf(stderr, "log-replay: short log at entry %llu\n",
				(unsigned long long)i);
			return 2;
		}
		pos += sectorsize;
		flags = le64toh(e.flags);
		sectors = le64toh(e.nr_sectors);
		len = (size_t)sectors * sectorsize;
		if (!(flags & (LOG_MARK_FLAG | LOG_DISCARD_FLAG)) && len) {
			if (len > cap) {
				free(buf);
				cap = len;
				buf = malloc(cap);
				if (!buf)
					return 2;
			}
			if (read_at(log, buf, len, pos) ||
			    pwrite(target, buf, len,
				   (off_t)le64toh(e.sector) * sectorsize) != (ssize_t)len) {
				fprintf(stderr, "log-replay: I/O error at entry %llu\n",
					(unsigned long long)i);
				return 2;
			}
			pos += len;
		}
		if (flags & (LOG_FLUSH_FLAG | LOG_FUA_FLAG)) {
			int rc;

			if (fsync(target))
				return 2;
			snprintf(env, sizeof(env), "%llu", (unsigned long long)i + 1);
			setenv("LOG_ENTRY", env, 1);
			checks++;
			snprintf(env, sizeof(env), "%llu", (unsigned long long)checks);
			setenv("LOG_POINT", env, 1);
			rc = system(argv[3]);
			if (rc) {
				fprintf(stderr, "log-replay: check failed after entry %llu\n",
					(unsigned long long)i + 1);
				return 1;
			}
		}
	}
	printf("log-replay: %llu entries replayed, %llu crash points checked\n",
	       (unsigned long long)nr, (unsigned long long)checks);
	free(buf);
	return 0;
}
