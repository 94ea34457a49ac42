// SPDX-License-Identifier: GPL-2.0
/*
 * dm-remap: the one place where the tracepoints are instantiated.
 */
#include "dm-remap.h"

#define CREATE_TRACE_POINTS
#include "dm-remap-trace.h"
