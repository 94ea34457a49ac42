/* SPDX-License-Identifier: GPL-2.0 */
/*
 * signals.h - SIGINT/SIGTERM set a flag the tools' main loops poll.
 * Installed without SA_RESTART, so a blocking poll returns EINTR at once.
 */
#ifndef DMREMAP_SIGNALS_H
#define DMREMAP_SIGNALS_H

#include <signal.h>
#include <stdbool.h>

extern volatile sig_atomic_t dmr_exiting;

/* 0, or -errno */
int dmr_signals_install(void);

static inline bool dmr_should_exit(void)
{
	return dmr_exiting != 0;
}

#endif
