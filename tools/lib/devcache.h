/* SPDX-License-Identifier: GPL-2.0 */
/*
 * devcache.h - kernel dev_t -> dm name for event output.
 *
 * Names are looked up through libdevmapper and remembered, so that events
 * of a device that is already gone (removal: the name leaves dm's hash
 * before presuspend/postsuspend/dtr fire) still show its last known name.
 * Falls back to "MAJ:MIN" for a device never seen.
 */
#ifndef DMREMAP_DEVCACHE_H
#define DMREMAP_DEVCACHE_H

#include <stdint.h>

struct dmr_devcache;

struct dmr_devcache *dmr_devcache_new(void);
void dmr_devcache_free(struct dmr_devcache *c);
/* learn the names of every current dm device */
void dmr_devcache_prime(struct dmr_devcache *c);
/* never NULL; valid until the next call on c */
const char *dmr_devcache_name(struct dmr_devcache *c, uint32_t kdev);

#endif
