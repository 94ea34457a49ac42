// SPDX-License-Identifier: GPL-2.0
/* dmr_events.c - load bpf/events.bpf.c and read its ring buffer (dmr_events.h) */
#define _GNU_SOURCE
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <bpf/libbpf.h>

#include "dmr_events.h"
#include "dm_remap_events.h"
#include "events.h"
#include "events.skel.h"

struct dmr_events {
	struct events_bpf *skel;
	struct dmr_bpf_links links;
	struct ring_buffer *rb;
};

void dmr_events_close(struct dmr_events *ev)
{
	if (!ev)
		return;
	ring_buffer__free(ev->rb);
	dmr_bpf_detach(&ev->links);
	events_bpf__destroy(ev->skel);
	free(ev);
}

int dmr_events_open(struct dmr_events **out, const struct dmr_bpf_opts *o,
		    const uint32_t *devs, int nr_devs, dmr_event_fn fn, void *ctx,
		    char *err, size_t len)
{
	struct dmr_events *ev;
	int r;

	ev = *out = calloc(1, sizeof(*ev));
	if (!ev) {
		snprintf(err, len, "out of memory");
		return -ENOMEM;
	}
	ev->skel = events_bpf__open();
	r = ev->skel ? DMR_BPF_SET_FILTER(ev->skel->rodata, devs, nr_devs, err, len) : -errno;
	if (!ev->skel)
		snprintf(err, len, "cannot open the BPF object: %s", strerror(-r));
	if (!r)
		r = dmr_bpf_load_attach(ev->skel->obj, o, &ev->links, err, len);
	if (r)
		goto fail;
	ev->rb = ring_buffer__new(bpf_map__fd(ev->skel->maps.events), fn, ctx, NULL);
	if (!ev->rb) {
		r = -errno;
		snprintf(err, len, "cannot open the ring buffer: %s", strerror(errno));
		goto fail;
	}
	return 0;
fail:
	dmr_events_close(ev);
	*out = NULL;
	return r ? r : -EINVAL;
}

int dmr_events_poll(struct dmr_events *ev, int timeout_ms)
{
	return ring_buffer__poll(ev->rb, timeout_ms);
}

void dmr_events_consume(struct dmr_events *ev)
{
	ring_buffer__consume(ev->rb);
}

uint64_t dmr_events_dropped(const struct dmr_events *ev)
{
	return ev->skel->bss->dropped;
}

enum dmr_attach_mode dmr_events_mode(const struct dmr_events *ev)
{
	return ev->links.mode;
}
