/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * dm_remap_limits.h - the ranges of the table line's numeric arguments
 * (contract section 4), defined once: the module refuses a table outside
 * them (module/dm-remap-args.c) and dmremap-setup refuses a dmremaptab
 * line before it gets that far (tools/lib/dmr_tab.c).  Plain decimal
 * numbers, so that error texts can spell them with __stringify().
 */
#ifndef DM_REMAP_LIMITS_H
#define DM_REMAP_LIMITS_H

/* block_size <bytes>: a power of two in this range */
#define DM_REMAP_MIN_BLOCK_SIZE		512
#define DM_REMAP_MAX_BLOCK_SIZE		65536
#define DM_REMAP_DEFAULT_BLOCK_SIZE	4096

/* scrub_rate <KiB/s>: 0 (scrub only on request) up to 16 GiB/s */
#define DM_REMAP_MAX_SCRUB_RATE		16777216

#endif
