// SPDX-License-Identifier: GPL-2.0
#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "devcache.h"
#include "clock.h"
#include "dm.h"
#include "grow.h"
#include "names.h"

/* re-ask libdevmapper at most this often per device (minor numbers get reused) */
#define RECHECK_NS 1000000000ULL

struct entry {
	uint32_t kdev;
	bool named;			/* name is a dm name, not "MAJ:MIN" */
	uint64_t checked_ns;
	char name[DMR_DM_NAME_LEN];
};

struct dmr_devcache {
	struct entry *e;
	int n, cap;
};

struct dmr_devcache *dmr_devcache_new(void)
{
	return calloc(1, sizeof(struct dmr_devcache));
}

void dmr_devcache_free(struct dmr_devcache *c)
{
	if (!c)
		return;
	free(c->e);
	free(c);
}

static struct entry *find(struct dmr_devcache *c, uint32_t kdev, bool create)
{
	struct entry *e = DMR_FIND_OR_ADD(c->e, c->n, c->cap, kdev, kdev, create);

	/* a new entry: named MAJ:MIN until the name is known */
	if (e && !e->name[0])
		dmr_devt_str(kdev, e->name, sizeof(e->name));
	return e;
}

static int prime_cb(const char *name, uint32_t kdev, void *arg)
{
	struct entry *e = find(arg, kdev, true);

	if (e) {
		snprintf(e->name, sizeof(e->name), "%s", name);
		e->named = true;
		e->checked_ns = dmr_mono_ns();
	}
	return 0;
}

void dmr_devcache_prime(struct dmr_devcache *c)
{
	dmr_dm_for_each(prime_cb, c);
}

const char *dmr_devcache_name(struct dmr_devcache *c, uint32_t kdev)
{
	static char fallback[32];
	struct entry *e = find(c, kdev, true);
	uint64_t now = dmr_mono_ns();
	char name[DMR_DM_NAME_LEN];

	if (!e)
		return dmr_devt_str(kdev, fallback, sizeof(fallback));
	if (e->checked_ns && now - e->checked_ns < RECHECK_NS)
		return e->name;
	e->checked_ns = now;
	if (!dmr_dm_name_of(kdev, name, sizeof(name))) {
		snprintf(e->name, sizeof(e->name), "%s", name);
		e->named = true;
	}
	/* gone: keep the last known name (or "MAJ:MIN") */
	return e->name;
}
