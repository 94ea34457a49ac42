/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The device filter of the BPF programs: user space writes the kernel
 * dev_t values of the devices it wants into the rodata before load
 * (nr_filter_devs == 0: every device).  Included by each X.bpf.c, which
 * defines DMR_MAX_FILTER_DEVS through its own header first.
 */
#ifndef DMR_DEV_FILTER_BPF_H
#define DMR_DEV_FILTER_BPF_H

const volatile __u32 filter_devs[DMR_MAX_FILTER_DEVS] = {};
const volatile __u32 nr_filter_devs = 0;

static __always_inline bool dev_wanted(__u32 dev)
{
	if (!nr_filter_devs)
		return true;
	for (int i = 0; i < DMR_MAX_FILTER_DEVS; i++) {
		if (i >= nr_filter_devs)
			break;
		if (filter_devs[i] == dev)
			return true;
	}
	return false;
}

#endif /* DMR_DEV_FILTER_BPF_H */
