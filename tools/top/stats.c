// SPDX-License-Identifier: GPL-2.0
/*
 * stats.c - dmremap-top's per-interval I/O statistics, taken from the
 * shared iostats BPF program through tools/lib/dmr_iostats.h.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "app.h"
#include "dmr_iostats.h"

_Static_assert(TOP_SLOTS == DMR_IOSTATS_SLOTS, "histogram sizes differ");
_Static_assert(TOP_OPS == DMR_IOSTATS_OPS, "op counts differ");
_Static_assert(TOP_PATHS == DMR_IOSTATS_PATHS, "path counts differ");

struct top_stats {
	struct dmr_iostats *st;
	struct dmr_iostats_snap snap;
};

int top_stats_open(struct top_stats **out, const struct dmr_bpf_opts *bo, char *err, size_t len)
{
	struct dmr_iostats_opts o = { 0 };
	struct top_stats *s;
	int r;

	*out = NULL;
	s = calloc(1, sizeof(*s));
	if (!s) {
		snprintf(err, len, "out of memory");
		return -ENOMEM;
	}
	/* no device filter in BPF: devices named on the command line may come later */
	o.verbose = bo->verbose;
	o.force_raw_tp = bo->force_raw_tp;
	r = dmr_iostats_open(&s->st, &o, err, len);
	if (r) {
		free(s);
		return r;
	}
	*out = s;
	return 0;
}

int top_stats_read(struct top_stats *s, struct top_io **out, double *interval_s)
{
	uint32_t devs[DMR_IOSTATS_MAX_DEVS];
	struct top_io *ios;
	size_t n;
	int r;

	*out = NULL;
	r = dmr_iostats_read(s->st, DMR_IOSTATS_INTERVAL, &s->snap);
	if (r)
		return r;
	*interval_s = (double)s->snap.interval_ns / 1e9;
	n = dmr_iostats_devs(&s->snap, devs, DMR_IOSTATS_MAX_DEVS);
	if (!n)
		return 0;
	ios = calloc(n, sizeof(*ios));
	if (!ios)
		return -ENOMEM;
	for (size_t i = 0; i < n; i++) {
		struct top_io *io = &ios[i];

		io->kdev = devs[i];
		for (uint32_t op = 0; op < TOP_OPS; op++) {
			const struct dmr_iostats_io *c = dmr_iostats_find_io(&s->snap, devs[i], op);

			if (c) {
				io->ios[op] = c->v.ios;
				io->bytes[op] = c->v.bytes;
				io->errors[op] = c->v.errors;
				io->remapped[op] = c->v.remapped;
			}
			for (uint32_t p = 0; p < TOP_PATHS; p++) {
				const struct dmr_iostats_lat *l =
					dmr_iostats_find_lat(&s->snap, devs[i], op, p);

				if (l)
					memcpy(io->lat[op][p], l->v.slots, sizeof(io->lat[op][p]));
			}
		}
	}
	*out = ios;
	return (int)n;
}

void top_stats_forget(struct top_stats *s, uint32_t kdev)
{
	dmr_iostats_forget(s->st, kdev);
}

const char *top_stats_mode(const struct top_stats *s)
{
	return dmr_attach_mode_name(dmr_iostats_mode(s->st));
}

void top_stats_close(struct top_stats *s)
{
	if (!s)
		return;
	dmr_iostats_snap_free(&s->snap);
	dmr_iostats_close(s->st);
	free(s);
}
