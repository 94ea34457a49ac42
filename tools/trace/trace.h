/* SPDX-License-Identifier: GPL-2.0 */
/*
 * trace.h - what the commands of dmremap-trace (tools/trace/X.c, one file
 * per command) share: the program name, exit codes, the --raw-tp option key
 * and two small helpers.  tools/dmremap-trace.c dispatches to cmd_X().
 */
#ifndef DMREMAP_TRACE_H
#define DMREMAP_TRACE_H

#include <stdbool.h>
#include <stdint.h>
#include <time.h>

#define PROG "dmremap-trace"

/* exit codes: 0 fine, 1 runtime error, 2 usage error */
#define EXIT_USAGE 2

/* argp key of --raw-tp, shared by every command */
enum { OPT_RAW_TP = 0x100 };

/* nanoseconds of clock id */
uint64_t clock_ns(clockid_t id);
/* a decimal number of seconds, 0..INT_MAX/1000 */
bool parse_seconds(const char *s, unsigned long *out);

int cmd_events(int argc, char **argv);
int cmd_latency(int argc, char **argv);
int cmd_hang(int argc, char **argv);

#endif /* DMREMAP_TRACE_H */
