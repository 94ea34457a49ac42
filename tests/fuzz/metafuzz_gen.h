/* SPDX-License-Identifier: GPL-2.0 */
/*
 * metafuzz_gen.h - corrupted and crafted dm-remap spare images from a seed.
 *
 * A variant is a valid spare built by the unit tests' image writer
 * (tests/unit/meta_image.c: format and commits exactly as the module does
 * them; empty, a few remaps, a full table, a torn commit, unformatted),
 * then one mutation chosen by the seed: bit flips, a superblock field set
 * to a boundary value with the checksum recomputed, block sizes that are
 * not powers of two, seq going backwards between the slots, duplicate
 * logical blocks, entries beyond the main device or newer than the
 * superblock (entry checksums recomputed), truncated spares, spares smaller
 * than the metadata claims.  The same seed gives the same bytes on every
 * machine: the VM case, `make fuzz-meta` and the unit tests replay seeds.
 */
#ifndef DMREMAP_METAFUZZ_GEN_H
#define DMREMAP_METAFUZZ_GEN_H

#include <stddef.h>
#include <stdint.h>

#include "meta_image.h"

/* what a variant must give, when the mutation alone decides it */
enum mf_expect {
	MF_ANY,		/* loads or is refused: the tool and the kernel must agree */
	MF_LOAD,	/* consistent or degraded: the module uses it */
	MF_REFUSE,	/* inconsistent: the module refuses it */
};

struct mf_params {
	uint64_t main_sectors;	/* of the main device the spare is bound to */
	uint32_t main_lbs, main_pbs;
	uint64_t spare_sectors;	/* of the image before any truncation */
};

struct mf_variant {
	struct meta_image im;
	size_t size;		/* bytes of im to use: a truncated spare is shorter */
	enum mf_expect expect;
	char desc[160];		/* "base=few mut=sb_field field=nr_entries value=..." */
};

/* builds variant seed; 0, or -1 when out of memory */
int mf_make(uint64_t seed, const struct mf_params *p, struct mf_variant *v);
void mf_free(struct mf_variant *v);
const char *mf_expect_name(enum mf_expect e);	/* "any", "load", "refuse" */

#endif
