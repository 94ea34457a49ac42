/* SPDX-License-Identifier: GPL-2.0 */
/*
 * dmr_meta_build.h - write a formatted dm-remap spare with a remap table
 * of N entries at blocks chosen at random (uniform, distinct), in the
 * on-disk format the module reads (module/dm-remap-format.h): for tests
 * and benchmarks at scale without N real write errors.
 *
 *	struct dmr_build b = { .nr_remaps = 1000000, .seed = 1, ... };
 *	if (dmr_meta_build(fd, &b, err, sizeof(err)) < 0) -> err says why
 *
 * The superblock binds the spare to the main device the way the module
 * does at format time: its size, logical and physical block sizes and
 * partition UUID must be those the module will see.
 */
#ifndef DMREMAP_DMR_META_BUILD_H
#define DMREMAP_DMR_META_BUILD_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "dmr_meta.h"

struct dmr_build {
	uint64_t nr_remaps;
	uint64_t seed;
	uint32_t block_size;		/* remap block, bytes */
	uint64_t main_sectors;
	uint32_t main_lbs, main_pbs;
	uint8_t main_id[DMR_MAIN_ID_LEN];
	/*
	 * Write into every used spare block a stamp: "DMRSTAMP" and its
	 * logical block (little endian u64), the rest zero.
	 */
	bool stamp;
};

#define DMR_STAMP_MAGIC "DMRSTAMP"

/* 0, or -errno with a one-line reason in err. */
int dmr_meta_build(int fd, const struct dmr_build *b, char *err, size_t errlen);

#endif
