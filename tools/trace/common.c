// SPDX-License-Identifier: GPL-2.0
/* common.c - helpers shared by the dmremap-trace commands (trace.h) */
#include <errno.h>
#include <limits.h>
#include <stdlib.h>

#include "trace.h"

uint64_t clock_ns(clockid_t id)
{
	struct timespec ts;

	clock_gettime(id, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ULL + (uint64_t)ts.tv_nsec;
}

bool parse_seconds(const char *s, unsigned long *out)
{
	char *end;

	errno = 0;
	if (!s || *s < '0' || *s > '9')
		return false;
	*out = strtoul(s, &end, 10);
	return !errno && !*end && *out <= INT_MAX / 1000;
}
