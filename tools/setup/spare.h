/* SPDX-License-Identifier: GPL-2.0 */
/*
 * spare.h - would the kernel accept this spare for this main?  Checked in
 * user space before the table is loaded, through tools/lib/dmr_meta's
 * public API, so that the refusal says which device the metadata belongs
 * to.  The kernel still decides: this only explains its rules early.
 */
#ifndef DMREMAP_SETUP_SPARE_H
#define DMREMAP_SETUP_SPARE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "resolve.h"

/*
 * 1 with a one-line reason in why when refused, 0 when fine, -errno + why.
 * *block_size: the spare's formatted block size, 0 when not formatted.
 */
int spare_check(const struct blockdev *spare, const struct blockdev *main_dev, bool format,
		uint32_t *block_size, char *why, size_t len);

#endif
