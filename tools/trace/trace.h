/* SPDX-License-Identifier: GPL-2.0 */
/*
 * trace.h - the commands of dmremap-trace (tools/trace/X.c, one file per
 * command); tools/dmremap-trace.c dispatches to them (command.h).  Their
 * common options, exit status and clock: cli.h, clock.h.
 */
#ifndef DMREMAP_TRACE_H
#define DMREMAP_TRACE_H

#include "command.h"

#define PROG "dmremap-trace"

extern const struct dmr_command trace_events, trace_latency, trace_hang;

#endif /* DMREMAP_TRACE_H */
