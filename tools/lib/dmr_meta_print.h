/* SPDX-License-Identifier: GPL-2.0 */
/*
 * dmr_meta_print.h - dmremap-meta's output of a struct dmr_meta: the
 * dump (text or JSON lines) and the check report (text or JSON lines).
 * docs/on-disk-format.md and dmremap-meta(8) show what they print.
 */
#ifndef DMREMAP_DMR_META_PRINT_H
#define DMREMAP_DMR_META_PRINT_H

#include <stdio.h>

#include "dmr_meta.h"

void dmr_meta_print_dump(FILE *f, const struct dmr_meta *m, const char *path);
void dmr_meta_print_dump_json(FILE *f, const struct dmr_meta *m, const char *path);
/* one line per problem, then a summary line */
void dmr_meta_print_check(FILE *f, const struct dmr_meta *m, const char *path);
void dmr_meta_print_check_json(FILE *f, const struct dmr_meta *m, const char *path);

/* "2024-05-01 12:00:00 UTC" into out (at least 32 bytes); "never" for 0 */
char *dmr_time_str(uint64_t secs, char *out, size_t outlen);
/* "8.0 MiB" into out (at least 16 bytes) */
char *dmr_size_str(uint64_t bytes, char *out, size_t outlen);

#endif
