// SPDX-License-Identifier: GPL-2.0
/* bpf_map.c - walking BPF hash maps (bpf_map.h) */
#include "bpf_map.h"

#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <bpf/bpf.h>
#include <bpf/libbpf.h>

int dmr_map_walk(int fd, size_t key_size, size_t value_size, size_t max_entries,
		 dmr_map_fn fn, void *ctx)
{
	unsigned char *key = malloc(key_size), *next = malloc(key_size);
	void *value = malloc(value_size ? value_size : 1), *prev = NULL;
	size_t n = 0;

	if (!key || !next || !value) {
		free(key);
		free(next);
		free(value);
		return -ENOMEM;
	}
	/* bounded: a key deleted during the walk restarts it at worst once per entry */
	for (size_t guard = 0; n < max_entries && guard < 4 * max_entries + 4; guard++) {
		if (bpf_map_get_next_key(fd, prev, next))
			break;
		memcpy(key, next, key_size);
		prev = key;
		if (bpf_map_lookup_elem(fd, key, value))
			continue;	/* deleted meanwhile */
		n++;
		if (fn(key, value, ctx))
			break;
	}
	free(key);
	free(next);
	free(value);
	return 0;
}

size_t dmr_map_percpu_size(size_t value_size)
{
	int ncpus = libbpf_num_possible_cpus();

	return ncpus > 0 ? (size_t)ncpus * ((value_size + 7) & ~(size_t)7) : 0;
}

void dmr_map_percpu_sum(const void *percpu, size_t value_size, void *out)
{
	size_t words = value_size / sizeof(uint64_t), stride = (value_size + 7) / 8;
	int ncpus = libbpf_num_possible_cpus();
	const uint64_t *v = percpu;
	uint64_t *sum = out;

	memset(out, 0, value_size);
	for (int c = 0; c < ncpus; c++, v += stride)
		for (size_t w = 0; w < words; w++)
			sum[w] += v[w];
}
