/* SPDX-License-Identifier: GPL-2.0 */
/*
 * app.h - dmremap-top's run-time state, shared by the main loop
 * (dmremap-top.c), the statistics source (stats.c) and the ncurses screens
 * (ui.c).
 */
#ifndef DMREMAP_TOP_APP_H
#define DMREMAP_TOP_APP_H

#include <stdbool.h>
#include <stdint.h>
#include <linux/types.h>

#include "bpf_attach.h"
#include "events.h"
#include "top.h"

/* events kept per device for the detail screen */
#define TOP_EVENTS	32
#define TOP_FILTER_LEN	64

/* ---------------------------------------------------------------- stats */

/*
 * Per-interval I/O statistics of every remap device, from top's own copy of
 * the iostats program (bpf/iostats.bpf.c through tools/lib/dmr_iostats.h).
 */
struct top_stats;

/* load and attach; -errno with a one-line reason in err */
int top_stats_open(struct top_stats **s, const struct dmr_bpf_opts *o, char *err, size_t len);
/*
 * What happened since the previous call (since open for the first), one
 * struct top_io per device that did any I/O; *ios is malloc'ed (free()).
 * *interval_s: the length of that interval.  Returns the count or -errno.
 */
int top_stats_read(struct top_stats *s, struct top_io **ios, double *interval_s);
/* a device is gone: drop its keys */
void top_stats_forget(struct top_stats *s, uint32_t kdev);
const char *top_stats_mode(const struct top_stats *s);	/* "tp_btf" / "raw_tp" */
void top_stats_close(struct top_stats *s);

/* ---------------------------------------------------------------- state */

/* what dmremap-top remembers about one device between intervals */
struct top_track {
	uint32_t kdev;
	bool listed;			/* in the last device list */
	char name[DMR_DM_NAME_LEN];
	struct top_io last;		/* the last interval */
	struct top_io sum;		/* since dmremap-top started (or the device appeared) */
	struct dmr_dm_dev dev;		/* last status (params NULL) */
	bool have_dev;
	struct dmr_event ev[TOP_EVENTS];	/* ring of the last events */
	int ev_head, ev_n;
};

struct top_app {
	/* options */
	double interval_s;
	long count;			/* frames, 0: no limit */
	bool batch, json;
	int nr_devs;
	char **devs;			/* DEVICE filters */

	/* data */
	struct top_track *tracks;
	int ntracks, cap_tracks;
	struct top_row *rows;		/* shown, filtered and sorted */
	int nrows, cap_rows;
	double last_interval_s;		/* measured */
	char timestr[16];		/* of the last refresh, HH:MM:SS */
	double unix_time;
	uint64_t mono_to_real_ns;	/* event ts (CLOCK_MONOTONIC) -> real time */
	char message[320];		/* transient error or note for the screen */
	const char *attach_mode;

	/* interactive state */
	enum top_col sort_col;
	bool sort_desc;
	bool paused;
	char filter[TOP_FILTER_LEN];
	char selected[DMR_DM_NAME_LEN];	/* name of the selected row */
	int sel;			/* its index in rows */
	int first;			/* first row shown (scrolling) */
	enum { TOP_SCREEN_LIST, TOP_SCREEN_DETAIL, TOP_SCREEN_HELP } screen;
	bool prompt;			/* typing the filter */
	char prompt_buf[TOP_FILTER_LEN];
	bool quit;
};

struct top_track *top_track_find(struct top_app *a, uint32_t kdev, bool create);
/* rebuild a->rows from the tracks: DEVICE and '/' filters, sort; keeps the selection */
void top_app_rows(struct top_app *a);
/* record an event from the ring buffer */
void top_app_event(struct top_app *a, const struct dmr_event *e);

/* ---------------------------------------------------------------- ui */

int top_ui_init(void);
void top_ui_end(void);
/* draw the current screen */
void top_ui_draw(struct top_app *a);
/*
 * Wait up to timeout_ms for a key and handle it.  Returns 1 when the data
 * view changed in a way that needs a refresh now (interval changed,
 * unpaused), 0 otherwise.
 */
int top_ui_input(struct top_app *a, int timeout_ms);

#endif
