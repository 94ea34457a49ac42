// SPDX-License-Identifier: GPL-2.0
/*
 * metafuzz - write the corrupted or crafted spare image of a seed.
 *
 *   metafuzz [-m MAIN_SECTORS] [-l LBS] [-p PBS] [-s SPARE_SECTORS] SEED OUT
 *
 * Writes the variant to OUT (its size is the variant's: a truncated spare
 * is a shorter file) and prints one line:
 *   seed=SEED expect=load|refuse|any size=BYTES base=... mut=...
 * The image is bound to a main device of MAIN_SECTORS sectors with the
 * given block sizes and no partition UUID (a loop or null_blk device).
 */
#define _GNU_SOURCE
#include <fcntl.h>
#include <getopt.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include "metafuzz_gen.h"

static uint64_t num(const char *s)
{
	char *end;
	unsigned long long v = strtoull(s, &end, 0);

	if (!*s || *end) {
		fprintf(stderr, "metafuzz: not a number: '%s'\n", s);
		exit(2);
	}
	return v;
}

int main(int argc, char **argv)
{
	struct mf_params p = {
		.main_sectors = 131072, .main_lbs = 512, .main_pbs = 512,
		.spare_sectors = 2048,
	};
	struct mf_variant v;
	uint64_t seed;
	int opt, fd, ok;

	while ((opt = getopt(argc, argv, "m:l:p:s:h")) != -1) {
		switch (opt) {
		case 'm': p.main_sectors = num(optarg); break;
		case 'l': p.main_lbs = (uint32_t)num(optarg); break;
		case 'p': p.main_pbs = (uint32_t)num(optarg); break;
		case 's': p.spare_sectors = num(optarg); break;
		default:
			fprintf(stderr, "usage: metafuzz [-m MAIN_SECTORS] [-l LBS] [-p PBS] "
				"[-s SPARE_SECTORS] SEED OUT\n");
			return opt == 'h' ? 0 : 2;
		}
	}
	if (argc - optind != 2 || p.spare_sectors < 40 || p.main_sectors < 128) {
		fprintf(stderr, "metafuzz: SEED OUT expected (spare >= 40, main >= 128 sectors)\n");
		return 2;
	}
	seed = num(argv[optind]);
	if (mf_make(seed, &p, &v)) {
		fprintf(stderr, "metafuzz: out of memory\n");
		return 2;
	}
	fd = open(argv[optind + 1], O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
	ok = fd >= 0 && write(fd, v.im.buf, v.size) == (ssize_t)v.size;
	if (fd < 0 || close(fd) || !ok) {
		perror(argv[optind + 1]);
		mf_free(&v);
		return 2;
	}
	printf("seed=%" PRIu64 " expect=%s size=%zu %s\n", seed, mf_expect_name(v.expect),
	       v.size, v.desc);
	mf_free(&v);
	return 0;
}
