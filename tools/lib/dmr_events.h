/* SPDX-License-Identifier: GPL-2.0 */
/*
 * dmr_events.h - the events of the dm_remap tracepoints from the BPF
 * program bpf/events.bpf.c (struct dmr_event, bpf/events.h) through its
 * ring buffer.  Used by `dmremap-trace events` and dmremap-top's detail
 * screen.  Not thread-safe: one thread per handle.
 */
#ifndef DMR_EVENTS_H
#define DMR_EVENTS_H

#include <stddef.h>
#include <stdint.h>

#include "bpf_attach.h"

struct dmr_events;

/* one event: data is a struct dmr_event of size bytes; return 0 */
typedef int (*dmr_event_fn)(void *ctx, void *data, size_t size);

/*
 * Load and attach the program for the devices devs[0..nr_devs) (kernel
 * dev_t values; none: every device), fn(ctx, ...) called for each event
 * from dmr_events_poll().  0 and *out, or -errno with a one-line reason in
 * err.  Check the environment first (dmr_bpf_setup()).
 */
int dmr_events_open(struct dmr_events **out, const struct dmr_bpf_opts *o,
		    const uint32_t *devs, int nr_devs, dmr_event_fn fn, void *ctx,
		    char *err, size_t len);
void dmr_events_close(struct dmr_events *ev);

/* ring_buffer__poll(): events handled, or -errno */
int dmr_events_poll(struct dmr_events *ev, int timeout_ms);

/* the events still in the ring buffer, without waiting */
void dmr_events_consume(struct dmr_events *ev);

/* events lost because the ring buffer was full */
uint64_t dmr_events_dropped(const struct dmr_events *ev);

/* how the module's tracepoints were attached */
enum dmr_attach_mode dmr_events_mode(const struct dmr_events *ev);

#endif /* DMR_EVENTS_H */
