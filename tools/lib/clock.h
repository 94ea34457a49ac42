/* SPDX-License-Identifier: GPL-2.0 */
/* clock.h - the one clock reader of the tools */
#ifndef DMR_CLOCK_H
#define DMR_CLOCK_H

#include <stdint.h>
#include <time.h>

/* nanoseconds of clock id (CLOCK_MONOTONIC, CLOCK_REALTIME, ...) */
uint64_t dmr_clock_ns(clockid_t id);

/* CLOCK_MONOTONIC in nanoseconds: BPF's bpf_ktime_get_ns() and the tools' intervals */
static inline uint64_t dmr_mono_ns(void)
{
	return dmr_clock_ns(CLOCK_MONOTONIC);
}

/* add to a CLOCK_MONOTONIC time (BPF's timestamps) to get the wall clock */
static inline uint64_t dmr_mono_to_real_ns(void)
{
	return dmr_clock_ns(CLOCK_REALTIME) - dmr_mono_ns();
}

#endif /* DMR_CLOCK_H */
