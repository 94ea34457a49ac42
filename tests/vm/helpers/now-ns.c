// SPDX-License-Identifier: GPL-2.0
/*
 * now-ns: prints CLOCK_MONOTONIC in nanoseconds, for timings in the guest
 * (busybox date has no %N).
 */
#include <stdio.h>
#include <time.h>

int main(void)
{
	struct timespec ts;

	if (clock_gettime(CLOCK_MONOTONIC, &ts))
		return 1;
	printf("%lld\n", (long long)ts.tv_sec * 1000000000LL + ts.tv_nsec);
	return 0;
}
