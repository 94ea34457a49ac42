/* SPDX-License-Identifier: GPL-2.0 */
/*
 * bpf_map.h - the one walk of a BPF hash map from user space, for every
 * dump of the tools (after bcc's libbpf-tools map_helpers.c, without its
 * batch path: the maps here are small and read once per interval).
 */
#ifndef DMR_BPF_MAP_H
#define DMR_BPF_MAP_H

#include <stddef.h>

/* one entry of the walk: nonzero stops it */
typedef int (*dmr_map_fn)(const void *key, const void *value, void *ctx);

/*
 * fn(key, value, ctx) for each entry of the hash map fd, at most
 * max_entries of them.  value_size is what one lookup writes: for a
 * per-CPU map, dmr_map_percpu_size().  An entry deleted during the walk is
 * skipped, and the walk (which a deletion may restart) is bounded.
 * 0, or -errno when the buffers cannot be had.
 */
int dmr_map_walk(int fd, size_t key_size, size_t value_size, size_t max_entries,
		 dmr_map_fn fn, void *ctx);

/* what one lookup of a per-CPU map writes: an 8-byte aligned value per possible CPU; 0 on error */
size_t dmr_map_percpu_size(size_t value_size);

/*
 * The per-CPU copies of a value made of __u64 fields (as a lookup of a
 * per-CPU map wrote them) summed field by field into out (value_size bytes).
 */
void dmr_map_percpu_sum(const void *percpu, size_t value_size, void *out);

#endif /* DMR_BPF_MAP_H */
