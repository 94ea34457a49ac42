// SPDX-License-Identifier: GPL-2.0
/* dm_stack.c - what a task's kernel stack says about a dm suspend/removal */
#define _GNU_SOURCE
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#include "dm_stack.h"

/* the scheduler's and locks' own frames, skipped to find what a task waits in */
static bool sched_frame(const char *fn)
{
	static const char *const prefixes[] = {
		"__schedule", "schedule", "io_schedule", "__wait_", "wait_for_completion",
		"__mutex_lock", "mutex_lock", "rwsem_down", "down_", "msleep", "__flush_work",
		"__synchronize_srcu", "synchronize_srcu",
	};

	for (size_t i = 0; i < sizeof(prefixes) / sizeof(prefixes[0]); i++)
		if (!strncmp(fn, prefixes[i], strlen(prefixes[i])))
			return true;
	return false;
}

void dmr_dm_stack_waits_in(const struct dmr_ktask *t, char *buf, size_t len)
{
	char fn[DMR_KTASK_FRAME_LEN];

	snprintf(buf, len, "?");
	for (int i = 0; i < t->nr_frames; i++) {
		dmr_ktask_frame_func(t->frames[i], fn, sizeof(fn));
		if (!sched_frame(fn)) {
			dmr_ktask_frame_func(t->frames[i], buf, len);
			return;
		}
	}
}

/* the phase of a dm suspend/resume/removal, from its innermost dm frame */
const char *dmr_dm_stack_phase(const struct dmr_ktask *t)
{
	static const struct {
		const char *frame;	/* function, or a part of its name with '*' */
		const char *phase;
	} map[] = {
		{ "dm_wait_for_completion", "presuspend" },	/* then waits for in-flight I/O */
		{ "dm_wait_for_bios_completion", "presuspend" },
		{ "*presuspend", "presuspend" },
		{ "*postsuspend", "postsuspend" },
		{ "*preresume", "preresume" },
		{ "dm_table_resume_targets", "resume" },
		{ "dm_table_destroy", "dtr" },
		{ "*_dtr", "dtr" },
		{ "__dm_destroy", "remove" },
		{ "dm_destroy", "remove" },
		{ "__dm_suspend", "suspend" },
		{ "dm_suspend", "suspend" },
		{ "__dm_resume", "resume" },
		{ "dm_resume", "resume" },
	};
	char fn[DMR_KTASK_FRAME_LEN];

	for (int i = 0; i < t->nr_frames; i++) {
		dmr_ktask_frame_func(t->frames[i], fn, sizeof(fn));
		for (size_t k = 0; k < sizeof(map) / sizeof(map[0]); k++) {
			const char *f = map[k].frame;

			if (*f == '*' ? strstr(fn, f + 1) != NULL : !strcmp(fn, f))
				return map[k].phase;
		}
	}
	return NULL;
}
