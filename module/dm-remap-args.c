// SPDX-License-Identifier: GPL-2.0
/*
 * dm-remap: parsing of the table line.
 *
 *   <main_dev> <spare_dev> [<#opt_args> <opt_args>...]
 *
 * Optional arguments, in any order, each at most once:
 *   block_size <bytes>   power of two, 512..65536 (default 4096)
 *   no_auto_remap        remap only through the "remap" message
 *   scrub_rate <KiB/s>   background scrub speed, 0..16777216 (16 GiB/s;
 *                        default 0: scrub only on request)
 *   format               allow formatting a spare holding unknown data
 *
 * Only the syntax is checked here; checks that need the devices (sizes,
 * logical block sizes) are made by the constructor once they are open.
 */
#include "dm-remap.h"

#include <linux/kernel.h>
#include <linux/log2.h>
#include <linux/string.h>
#include <linux/stringify.h>

/*
 * The numeric values, their ranges and the reason a bad one is refused
 * with (missing, not a number, out of range): dm_read_arg() checks all
 * three.  block_size must also be a power of two (checked after).
 */
static const struct dm_arg block_size_arg = {
	DM_REMAP_MIN_BLOCK_SIZE, DM_REMAP_MAX_BLOCK_SIZE,
	"block_size must be a power of two from "
	__stringify(DM_REMAP_MIN_BLOCK_SIZE) " to "
	__stringify(DM_REMAP_MAX_BLOCK_SIZE)
};

static const struct dm_arg scrub_rate_arg = {
	0, DM_REMAP_MAX_SCRUB_RATE,
	"scrub_rate must be a number of KiB/s from 0 to "
	__stringify(DM_REMAP_MAX_SCRUB_RATE) " (16 GiB/s)"
};

/*
 * dm_read_arg() and dm_read_arg_group() parse with sscanf("%u"), which
 * wraps a number above UINT_MAX ("4294971392" would read as 4096): the
 * next word must pass kstrtouint() before they see it.
 */
static bool next_is_uint(struct dm_arg_set *as)
{
	unsigned int v;

	return as->argc && !kstrtouint(as->argv[0], 10, &v);
}

/* The value of a "<name> <value>" pair, as dm-flakey reads its features. */
static int read_value(struct dm_arg_set *as, const struct dm_arg *arg,
		      unsigned int *value, char *missing, char **error)
{
	if (!as->argc) {
		*error = missing;
		return -EINVAL;
	}
	if (!next_is_uint(as)) {
		*error = arg->error;
		return -EINVAL;
	}
	return dm_read_arg(arg, as, value, error);
}

static int parse_optional(struct dm_arg_set *as, struct remap_args *args,
			  char **error)
{
	static const struct dm_arg group = {
		0, 6, "Invalid number of optional arguments (0..6)"
	};
	bool seen_block_size = false, seen_scrub_rate = false;
	unsigned int nr;
	const char *word;
	int r;

	if (!as->argc)
		return 0;

	if (!next_is_uint(as)) {
		*error = group.error;
		return -EINVAL;
	}
	r = dm_read_arg_group(&group, as, &nr, error);
	if (r)
		return r;

	while (nr) {
		unsigned int before = as->argc;

		word = dm_shift_arg(as);
		if (!strcasecmp(word, "block_size")) {
			if (seen_block_size) {
				*error = "block_size given twice";
				return -EINVAL;
			}
			seen_block_size = true;
			r = read_value(as, &block_size_arg, &args->block_size,
				       "block_size needs a value", error);
			if (!r && !is_power_of_2(args->block_size)) {
				*error = block_size_arg.error;
				r = -EINVAL;
			}
		} else if (!strcasecmp(word, "scrub_rate")) {
			if (seen_scrub_rate) {
				*error = "scrub_rate given twice";
				return -EINVAL;
			}
			seen_scrub_rate = true;
			r = read_value(as, &scrub_rate_arg, &args->scrub_rate,
				       "scrub_rate needs a value", error);
		} else if (!strcasecmp(word, "no_auto_remap")) {
			if (args->no_auto_remap) {
				*error = "no_auto_remap given twice";
				return -EINVAL;
			}
			args->no_auto_remap = true;
		} else if (!strcasecmp(word, "format")) {
			if (args->allow_format) {
				*error = "format given twice";
				return -EINVAL;
			}
			args->allow_format = true;
		} else {
			*error = "Unknown optional argument";
			return -EINVAL;
		}
		if (r)
			return r;
		/* A value shifted past the group belongs to no one. */
		if (before - as->argc > nr) {
			*error = "Optional argument count too small for the values given";
			return -EINVAL;
		}
		nr -= before - as->argc;
	}
	return 0;
}

int remap_parse_args(struct dm_target *ti, unsigned int argc, char **argv,
		     struct remap_args *args)
{
	struct dm_arg_set as = { .argc = argc, .argv = argv };
	int r;

	memset(args, 0, sizeof(*args));
	args->block_size = DM_REMAP_DEFAULT_BLOCK_SIZE;

	if (argc < 2) {
		ti->error = "Need <main_dev> <spare_dev> [<#opt_args> <opt_args>...]";
		return -EINVAL;
	}
	args->main_path = dm_shift_arg(&as);
	args->spare_path = dm_shift_arg(&as);

	r = parse_optional(&as, args, &ti->error);
	if (r)
		return r;

	if (as.argc) {
		ti->error = "Unexpected arguments after the optional arguments";
		return -EINVAL;
	}
	return 0;
}
