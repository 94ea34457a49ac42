/* SPDX-License-Identifier: GPL-2.0 */
/*
 * dm-remap: one kernel API over every supported kernel (6.1 and 6.12).
 *
 * What a kernel has is decided by compiling small probes against its build
 * tree (scripts/kernel-probes, run by scripts/build-module), never by
 * LINUX_VERSION_CODE: distributions backport (Debian's 6.1 has dm_io()'s
 * ioprio argument, which mainline gained in 6.9).  The probes write
 * dm-remap-probes.h next to the sources; docs/kernels.md lists them.
 *
 * The module code calls the dm_remap_* names below, never the kernel's
 * changing ones directly.
 */
#ifndef DM_REMAP_COMPAT_H
#define DM_REMAP_COMPAT_H

#if __has_include("dm-remap-probes.h")
#include "dm-remap-probes.h"
#else
#error "dm-remap-probes.h is missing: run scripts/kernel-probes KDIR SRCDIR first (scripts/build-module and module/Makefile do)"
#endif

#include <linux/bio.h>
#include <linux/blkdev.h>
#include <linux/device-mapper.h>
#include <linux/dm-io.h>
#include <linux/fs.h>

/*
 * Queue limits (io_hints): blk_limits_io_min()/blk_limits_io_opt() were
 * removed in 6.12 (9ba5dcc722de); the limits are then assigned directly and
 * blk_validate_limits() rounds io_min up to the physical block size.  The
 * fallback keeps the old helpers' exact behaviour on every kernel.
 */
static inline void dm_remap_limits_io_min(struct queue_limits *limits,
					  unsigned int min)
{
#ifdef DM_REMAP_HAVE_BLK_LIMITS_IO_MIN
	blk_limits_io_min(limits, min);
#else
	limits->io_min = max3(min, limits->logical_block_size,
			      limits->physical_block_size);
#endif
}

static inline void dm_remap_limits_io_opt(struct queue_limits *limits,
					  unsigned int opt)
{
#ifdef DM_REMAP_HAVE_BLK_LIMITS_IO_MIN
	blk_limits_io_opt(limits, opt);
#else
	limits->io_opt = opt;
#endif
}

#ifndef DM_REMAP_HAVE_BLK_LIMITS_IO_MIN
/*
 * Transitional: lets call sites that still use the old names build on 6.12
 * until they are converted to dm_remap_limits_io_{min,opt}().
 */
#define blk_limits_io_min(limits, min) dm_remap_limits_io_min(limits, min)
#define blk_limits_io_opt(limits, opt) dm_remap_limits_io_opt(limits, opt)
#endif

/*
 * Open modes: blk_mode_t and BLK_OPEN_* replaced fmode_t and FMODE_* for
 * block devices in 6.5 (05bdb9965305); dm_get_device() and
 * dm_table_get_mode() use whichever the kernel has.
 */
#ifdef DM_REMAP_HAVE_BLK_MODE_T
#define dm_remap_mode_t		blk_mode_t
#define DM_REMAP_OPEN_READ	BLK_OPEN_READ
#define DM_REMAP_OPEN_WRITE	BLK_OPEN_WRITE
#else
#define dm_remap_mode_t		fmode_t
#define DM_REMAP_OPEN_READ	FMODE_READ
#define DM_REMAP_OPEN_WRITE	FMODE_WRITE
#endif

/*
 * dm_io(): an ioprio argument since 6.9 (6.1.83 stable).  Without it the
 * I/O goes at the default priority.
 */
static inline int dm_remap_dm_io(struct dm_io_request *io_req,
				 unsigned int num_regions,
				 struct dm_io_region *region,
				 unsigned long *sync_error_bits,
				 unsigned short ioprio)
{
#ifdef DM_REMAP_HAVE_DM_IO_IOPRIO
	return dm_io(io_req, num_regions, region, sync_error_bits, ioprio);
#else
	return dm_io(io_req, num_regions, region, sync_error_bits);
#endif
}

/*
 * The page cache of a block device: bd_inode->i_mapping until 6.10
 * (203c1ce0bb06 removed bd_inode), bd_mapping from 6.10 (e33aef2c5855).
 * For the size use bdev_nr_sectors(), which both kernels have.
 */
static inline struct address_space *
dm_remap_bdev_mapping(struct block_device *bdev)
{
#ifdef DM_REMAP_HAVE_BD_MAPPING
	return bdev->bd_mapping;
#else
	return bdev->bd_inode->i_mapping;
#endif
}

/*
 * bio_alloc_bioset(bdev, nr_vecs, opf, gfp, bs) since 5.18 (609be1066731);
 * earlier kernels take (gfp, nr_vecs, bs) and the rest is set afterwards.
 */
static inline struct bio *dm_remap_bio_alloc(struct block_device *bdev,
					     unsigned short nr_vecs,
					     blk_opf_t opf, gfp_t gfp,
					     struct bio_set *bs)
{
#ifdef DM_REMAP_HAVE_BIO_ALLOC_BIOSET_BDEV
	return bio_alloc_bioset(bdev, nr_vecs, opf, gfp, bs);
#else
	struct bio *bio = bio_alloc_bioset(gfp, nr_vecs, bs);

	if (bio) {
		bio_set_dev(bio, bdev);
		bio->bi_opf = opf;
	}
	return bio;
#endif
}

/*
 * Trace events: __assign_str(dst) takes the source from __string() since
 * 6.10 (2c92ca849fcc); before, __assign_str(dst, src).  Use in
 * TP_fast_assign: dm_remap_assign_str(name, src).
 */
#ifdef DM_REMAP_HAVE_ASSIGN_STR_ONE_ARG
#define dm_remap_assign_str(dst, src)	__assign_str(dst)
#else
#define dm_remap_assign_str(dst, src)	__assign_str(dst, src)
#endif

#endif /* DM_REMAP_COMPAT_H */
