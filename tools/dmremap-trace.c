// SPDX-License-Identifier: GPL-2.0
/*
 * dmremap-trace - trace dm-remap devices; one command per file in
 * tools/trace/:
 *
 *   dmremap-trace events [-j] [-v] [-d SECONDS] [DEVICE...]    events.c
 *   dmremap-trace latency [-j] [-v] [INTERVAL [COUNT]]         latency.c
 *   dmremap-trace hang [-t SECONDS] [-j] [--once] [-d SECONDS] hang.c
 */
#define _GNU_SOURCE
#include <argp.h>
#include <stdio.h>

#include "version.h"
#include "trace/trace.h"

const char *argp_program_version = PROG " " DMREMAP_VERSION;

static const char main_doc[] =
"Trace dm-remap devices through the dm_remap module's tracepoints (CO-RE BPF;\n"
"tp_btf when the module has BTF, raw_tp otherwise).  Runs as root.\n"
"\v"
"Commands:\n"
"  events     remap, I/O error, pending, lost, metadata commit and teardown\n"
"             events, one per line (or JSON lines with -j)\n"
"  latency    log2 latency histograms per device, op and path (main/spare),\n"
"             I/O counters, metadata commit latency; per interval\n"
"  hang       teardown-hang debugger: what is stuck now, including stalls\n"
"             older than the tool: work items, dm suspends/removals with the\n"
"             devices below them, remap I/O; each reported once and cleared\n"
"\n"
"Examples:\n"
"  dmremap-trace events              # every event of every remap device\n"
"  dmremap-trace latency 1 5         # five 1-second latency reports\n"
"  dmremap-trace hang --once         # what is stuck now, then exit\n"
"  dmremap-trace events -j r0        # JSON lines, device r0 only\n"
"  dmremap-trace events -d 10        # stop after 10 seconds\n"
"  dmremap-trace events -h           # options of a command\n";

int main(int argc, char **argv)
{
	static const struct dmr_command *const cmds[] = { &trace_events, &trace_latency, &trace_hang };

	return dmr_command_main(PROG, main_doc, cmds, DMR_ARRAY_SIZE(cmds), argc, argv);
}
