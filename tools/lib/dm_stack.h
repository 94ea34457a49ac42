/* SPDX-License-Identifier: GPL-2.0 */
/*
 * dm_stack.h - read a task's kernel stack (struct dmr_ktask, innermost
 * frame first) for a device-mapper suspend, resume or removal.
 */
#ifndef DMREMAP_DM_STACK_H
#define DMREMAP_DM_STACK_H

#include <stddef.h>

#include "ktask.h"

/*
 * The phase the task is in, from its innermost dm frame: "presuspend"
 * (also while dm_wait_for_completion waits for in-flight I/O after it),
 * "postsuspend", "preresume", "resume", "dtr", "remove", "suspend"; NULL
 * when the stack holds no dm suspend, resume or destroy code.
 */
const char *dmr_dm_stack_phase(const struct dmr_ktask *t);

/* the innermost function that is not the scheduler's or a lock's, or "?" */
void dmr_dm_stack_waits_in(const struct dmr_ktask *t, char *buf, size_t len);

#endif /* DMREMAP_DM_STACK_H */
