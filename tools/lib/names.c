// SPDX-License-Identifier: GPL-2.0
#define _GNU_SOURCE
#include <stdio.h>
#include <string.h>
#include <linux/types.h>

#include "names.h"
#include "dm_remap_events.h"
#include "events.h"

struct sym {
	unsigned int val;
	const char *name;
};

static const char *lookup(const struct sym *t, size_t n, uint32_t v)
{
	for (size_t i = 0; i < n; i++)
		if (t[i].val == v)
			return t[i].name;
	return "?";
}

#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))
#define NAMEFN(fn, list)						\
	const char *fn(uint32_t v)					\
	{								\
		static const struct sym t[] = { list };			\
		return lookup(t, ARRAY_SIZE(t), v);			\
	}

NAMEFN(dmr_op_name, DM_REMAP_OP_SYMBOLS)
NAMEFN(dmr_target_name, DM_REMAP_TARGET_SYMBOLS)
NAMEFN(dmr_path_name, DM_REMAP_PATH_SYMBOLS)
NAMEFN(dmr_reason_name, DM_REMAP_REASON_SYMBOLS)
NAMEFN(dmr_phase_name, DM_REMAP_PHASE_SYMBOLS)
NAMEFN(dmr_stage_name, DM_REMAP_STAGE_SYMBOLS)

const char *dmr_event_name(uint32_t type)
{
	static const struct sym t[] = {
		{ DMR_EV_IO_ERROR, "io_error" },
		{ DMR_EV_PENDING, "pending" },
		{ DMR_EV_REMAP, "remap" },
		{ DMR_EV_LOST, "lost" },
		{ DMR_EV_IO_DONE, "io_done" },
		{ DMR_EV_MD_COMMIT, "md_commit" },
		{ DMR_EV_TEARDOWN, "teardown" },
	};
	return lookup(t, ARRAY_SIZE(t), type);
}

char *dmr_devt_str(uint32_t kdev, char *buf, size_t len)
{
	snprintf(buf, len, "%u:%u", DM_REMAP_DEV_MAJOR(kdev), DM_REMAP_DEV_MINOR(kdev));
	return buf;
}

const char *dmr_errno_name(int err)
{
	if (err < 0)
		err = -err;
	if (!err)
		return NULL;
	return strerrorname_np(err);
}
