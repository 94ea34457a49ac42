/* SPDX-License-Identifier: GPL-2.0 */
/*
 * meta.h - the commands of dmremap-meta (tools/meta/COMMAND.c, one file per
 * command) and what they share (spare.c): the SPARE argument, reading it.
 */
#ifndef DMREMAP_META_H
#define DMREMAP_META_H

#include <argp.h>

#include "command.h"
#include "dmr_meta.h"

#define PROG "dmremap-meta"

/* the SPARE argument every command takes */
extern const char *meta_spare;

/* argp parser of SPARE (one, required): the commands' parsers end here */
error_t meta_parse_spare(int key, char *arg, struct argp_state *state);

/* reads the metadata of meta_spare into m; -1 (reported on stderr) or 0 */
int meta_load(struct dmr_meta *m);

/* flushes stdout; -1 (reported) when the output could not be written */
int meta_flush_stdout(void);

extern const struct dmr_command meta_dump, meta_check, meta_build;

#endif /* DMREMAP_META_H */
