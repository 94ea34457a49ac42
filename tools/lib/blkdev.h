/* SPDX-License-Identifier: GPL-2.0 */
/*
 * blkdev.h - a block device's state as sysfs shows it, without any ioctl
 * (an ioctl of a device in the middle of a suspend or removal can block, and
 * a device being removed has already left dm's name table): its dm name,
 * whether dm has it suspended, the I/O it has in flight, and the devices
 * below it (holders/slaves).
 */
#ifndef DMREMAP_BLKDEV_H
#define DMREMAP_BLKDEV_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define DMR_BLK_KNAME_LEN	32
#define DMR_BLK_MAX_LOWER	8

struct dmr_blk {
	char kname[DMR_BLK_KNAME_LEN];	/* "dm-0", "nb0", "loop0" */
	char name[128];			/* dm name; kname for others; "" while being removed */
	uint32_t kdev;			/* major << 20 | minor */
	bool is_dm;
	bool suspended;			/* dm only: /sys/block/dm-N/dm/suspended */
	uint32_t inflight;		/* reads + writes in flight (/sys/.../inflight) */
	/*
	 * milliseconds spent by completed I/O (stat fields 4, 8, 15, 17): they
	 * only grow when I/O completes, on every kernel (the I/O counts do not:
	 * 6.1 counts a dm device's I/O when it starts)
	 */
	uint64_t done_ms;
	int nr_lower;
	char lower[DMR_BLK_MAX_LOWER][DMR_BLK_KNAME_LEN];	/* slaves/, knames */
};

/* state of /sys/class/block/KNAME: 0 or -errno */
int dmr_blk_read(const char *kname, struct dmr_blk *b);
/* kname of kernel dev_t kdev: 0 or -errno */
int dmr_blk_kname_of(uint32_t kdev, char *kname, size_t len);
/*
 * kname of the dm device called name; when no dm device has that name and
 * exactly one dm device's name is unreadable (it is being removed), that
 * one.  0 or -ENOENT.
 */
int dmr_blk_find_dm(const char *name, char *kname, size_t len);

#endif /* DMREMAP_BLKDEV_H */
