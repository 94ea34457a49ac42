// SPDX-License-Identifier: GPL-2.0
/*
 * app.c - dmremap-top's per-device memory (tracks) and the rows shown.
 * No ncurses, libbpf or libdevmapper calls.
 */
#define _GNU_SOURCE
#include <stdlib.h>
#include <string.h>

#include "app.h"
#include "grow.h"

struct top_track *top_track_find(struct top_app *a, uint32_t kdev, bool create)
{
	struct top_track *t = DMR_FIND_OR_ADD(a->tracks, a->ntracks, a->cap_tracks, kdev, kdev,
					      create);

	if (t) {
		t->last.kdev = kdev;
		t->sum.kdev = kdev;
	}
	return t;
}

static bool wanted(const struct top_app *a, const struct top_track *t)
{
	bool match = a->nr_devs == 0;

	for (int i = 0; i < a->nr_devs && !match; i++)
		match = top_dev_match(a->devs[i], t->name, t->kdev);
	return match && top_filter_match(a->filter, t->name);
}

void top_app_rows(struct top_app *a)
{
	int n = 0;

	if (a->cap_rows < a->ntracks) {
		struct top_row *nr = realloc(a->rows, (size_t)a->ntracks * sizeof(*nr));

		if (!nr)
			return;		/* keep the old rows */
		a->rows = nr;
		a->cap_rows = a->ntracks;
	}
	for (int i = 0; i < a->ntracks; i++) {
		struct top_track *t = &a->tracks[i];
		struct top_row *r;

		if (!t->listed || !wanted(a, t))
			continue;
		r = &a->rows[n++];
		memset(r, 0, sizeof(*r));
		snprintf(r->name, sizeof(r->name), "%s", t->name);
		r->kdev = t->kdev;
		top_row_fill(r, t->have_dev ? &t->dev : NULL, &t->last, a->last_interval_s);
	}
	a->nrows = n;
	top_sort(a->rows, n, a->sort_col, a->sort_desc);

	/* keep the selection on the same device when it is still there */
	a->sel = n ? (a->sel < n ? a->sel : n - 1) : 0;
	for (int i = 0; i < n; i++) {
		if (!strcmp(a->rows[i].name, a->selected)) {
			a->sel = i;
			break;
		}
	}
	if (n)
		snprintf(a->selected, sizeof(a->selected), "%s", a->rows[a->sel].name);
}

void top_app_event(struct top_app *a, const struct dmr_event *e)
{
	struct top_track *t = top_track_find(a, e->dev, true);
	int slot;

	if (!t)
		return;
	slot = (t->ev_head + t->ev_n) % TOP_EVENTS;
	if (t->ev_n == TOP_EVENTS)
		t->ev_head = (t->ev_head + 1) % TOP_EVENTS;
	else
		t->ev_n++;
	t->ev[slot] = *e;
}
