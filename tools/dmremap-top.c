// SPDX-License-Identifier: GPL-2.0
/*
 * dmremap-top - live view of dm-remap devices: I/O rates, remapped I/O,
 * errors and latency percentiles per interval (BPF, the shared iostats
 * program) beside the target's remap state (status through libdevmapper).
 *
 *   dmremap-top [-d SECONDS] [-n COUNT] [-b] [-j] [DEVICE...]
 *
 * Interactive (ncurses) by default; -b prints plain frames, -j JSON lines.
 * Pieces: top/model.c (rows, percentiles, sorting, formatting), top/out.c
 * (batch and JSON), top/app.c (per-device state), top/stats.c (iostats),
 * top/ui.c (the screens).
 */
#define _GNU_SOURCE
#include <argp.h>
#include <errno.h>
#include <math.h>
#include <poll.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <linux/types.h>

#include "top/app.h"
#include "bpf_attach.h"
#include "cli.h"
#include "clock.h"
#include "command.h"
#include "dm.h"
#include "dmr_events.h"
#include "signals.h"
#include "version.h"

#define PROG "dmremap-top"
#define DEFAULT_INTERVAL 1.0
#define MIN_INTERVAL 0.1
#define MAX_INTERVAL 3600.0

const char *argp_program_version = PROG " " DMREMAP_VERSION;

static struct top_app app = {
	.interval_s = DEFAULT_INTERVAL,
	.sort_col = TOP_COL_NAME,
	.sort_desc = false,
};

static struct dmr_cli cli = {
	.opts = DMR_CLI_BPF | DMR_CLI_JSON,
	.json_doc = "JSON lines: one object per device per interval",
};

static const struct argp_option opts[] = {
	{ "delay", 'd', "SECONDS", 0, "interval between updates (default 1, at least 0.1)", 0 },
	{ "iterations", 'n', "COUNT", 0, "stop after COUNT updates", 0 },
	{ "batch", 'b', NULL, 0, "batch mode: plain text frames on stdout, no terminal needed", 0 },
	{ 0 },
};

static const char doc[] =
"Live view of dm-remap devices: one row per device with reads and writes per\n"
"second, read and write MB/s, I/O served by the spare per second, failed I/O\n"
"per second, p50/p99 read+write latency, and from the target's status the\n"
"error count, remapped blocks, spare used %, pending blocks and mode.\n"
"DEVICE keeps only devices of that name (also dm-N, MAJ:MIN, /dev/mapper/NAME).\n"
"\v"
"Keys (interactive): q quit, h help, space pause, + / - interval, Up/Down\n"
"select, Enter detail (latency histogram, last events), / filter by name,\n"
"< > sort column, I invert; sort keys: n name, r R/s, w W/s, R RMB/s,\n"
"W WMB/s, m RMP/s, e ERR/s, E ERRORS, p P50, P P99, b REMAPPED, u SPARE%,\n"
"x PEND, o MODE.\n"
"\n"
"Latency percentiles are interpolated linearly inside the log2 bucket that\n"
"holds the rank (see dmremap-top(8)).\n"
"\n"
"Examples:\n"
"  dmremap-top                      # interactive, every device, 1 s updates\n"
"  dmremap-top -d 5 r0 r1           # devices r0 and r1, every 5 seconds\n"
"  dmremap-top -b -n 3              # three plain-text frames, then exit\n"
"  dmremap-top -j -d 10 | jq .      # JSON lines every 10 seconds\n";

static bool parse_interval(const char *s, double *out)
{
	char *end;
	double v;

	errno = 0;
	v = strtod(s, &end);
	if (errno || end == s || *end || !isfinite(v) || v < MIN_INTERVAL || v > MAX_INTERVAL)
		return false;
	*out = v;
	return true;
}

static error_t parse_opt(int key, char *arg, struct argp_state *state)
{
	char *end;
	long v;

	switch (key) {
	case 'd':
		if (!parse_interval(arg, &app.interval_s))
			argp_error(state, "invalid interval '%s': seconds from %.1f to %.0f", arg,
				   MIN_INTERVAL, MAX_INTERVAL);
		break;
	case 'n':
		errno = 0;
		v = strtol(arg, &end, 10);
		if (errno || end == arg || *end || v < 1)
			argp_error(state, "invalid count '%s': a positive number", arg);
		app.count = v;
		break;
	case 'b':
		app.batch = true;
		break;
	case ARGP_KEY_ARG:
		app.devs = &state->argv[state->next - 1];
		app.nr_devs = state->argc - state->next + 1;
		state->next = state->argc;
		break;
	default:
		return ARGP_ERR_UNKNOWN;
	}
	return 0;
}

static void add_io(struct top_io *sum, const struct top_io *io)
{
	for (int op = 0; op < TOP_OPS; op++) {
		sum->ios[op] += io->ios[op];
		sum->bytes[op] += io->bytes[op];
		sum->errors[op] += io->errors[op];
		sum->remapped[op] += io->remapped[op];
		for (int p = 0; p < TOP_PATHS; p++)
			for (int s = 0; s < TOP_SLOTS; s++)
				sum->lat[op][p][s] += io->lat[op][p][s];
	}
}

static void reset_track(struct top_track *t)
{
	uint32_t kdev = t->kdev;

	memset(t, 0, sizeof(*t));
	t->kdev = t->last.kdev = t->sum.kdev = kdev;
}

/*
 * One interval: the I/O since the previous call and the device list with
 * status.  Devices that appeared get a track, devices that are gone lose
 * theirs (and their iostats keys).  first: the interval since start-up is
 * too short for rates; show the status only.
 */
static int refresh(struct top_app *a, struct top_stats *st, bool first)
{
	struct top_io *ios = NULL;
	struct dmr_dm_dev *devs = NULL;
	double interval = 0;
	int nio, nd;
	time_t now;
	struct tm tm;

	nio = top_stats_read(st, &ios, &interval);
	if (nio < 0) {
		snprintf(a->message, sizeof(a->message), "reading the BPF statistics: %s",
			 strerror(-nio));
		return nio;
	}
	nd = dmr_dm_list_remap(&devs);
	if (nd < 0) {
		snprintf(a->message, sizeof(a->message), "listing dm devices: %s", strerror(-nd));
		free(ios);
		return nd;
	}
	for (int i = 0; i < a->ntracks; i++) {
		struct top_track *t = &a->tracks[i];

		t->listed = false;
		memset(&t->last, 0, sizeof(t->last));
		t->last.kdev = t->kdev;
	}
	for (int i = 0; i < nd; i++) {
		struct top_track *t = top_track_find(a, devs[i].kdev, true);

		if (!t)
			continue;
		/* the same number now belongs to another device */
		if (t->name[0] && strcmp(t->name, devs[i].name))
			reset_track(t);
		snprintf(t->name, sizeof(t->name), "%s", devs[i].name);
		t->dev = devs[i];
		t->dev.params = NULL;
		t->have_dev = true;
		t->listed = true;
	}
	for (int i = 0; i < nio; i++) {
		struct top_track *t = top_track_find(a, ios[i].kdev, false);

		if (!t || !t->listed)
			continue;
		if (!first) {
			t->last = ios[i];
			add_io(&t->sum, &ios[i]);
		}
	}
	/* forget devices that are gone */
	for (int i = 0; i < a->ntracks;) {
		if (a->tracks[i].listed) {
			i++;
			continue;
		}
		top_stats_forget(st, a->tracks[i].kdev);
		a->tracks[i] = a->tracks[--a->ntracks];
	}
	for (int i = 0; i < nio; i++)
		if (!top_track_find(a, ios[i].kdev, false))
			top_stats_forget(st, ios[i].kdev);

	a->last_interval_s = first ? 0 : interval;
	now = time(NULL);
	localtime_r(&now, &tm);
	strftime(a->timestr, sizeof(a->timestr), "%H:%M:%S", &tm);
	a->unix_time = (double)dmr_clock_ns(CLOCK_REALTIME) / 1e9;
	top_app_rows(a);
	dmr_dm_free_list(devs, nd);
	free(ios);
	return 0;
}

/* sleep until the monotonic deadline or a signal; false on a signal */
static bool sleep_until(uint64_t deadline)
{
	while (!dmr_should_exit()) {
		uint64_t now = dmr_mono_ns();

		if (now >= deadline)
			return true;
		poll(NULL, 0, (int)((deadline - now + 999999) / 1000000));
	}
	return false;
}

static int run_batch(struct top_app *a, struct top_stats *st)
{
	uint64_t next = dmr_mono_ns();
	long frames = 0;

	setvbuf(stdout, NULL, _IOFBF, 0);
	while (!a->count || frames < a->count) {
		next += (uint64_t)(a->interval_s * 1e9);
		if (!sleep_until(next))
			break;
		if (refresh(a, st, false)) {
			fprintf(stderr, PROG ": %s\n", a->message);
			return 1;
		}
		if (a->json)
			top_print_json(stdout, a->rows, a->nrows, a->unix_time);
		else
			top_print_frame(stdout, a->rows, a->nrows, a->last_interval_s, a->timestr);
		if (fflush(stdout) == EOF)
			return ferror(stdout) && errno == EPIPE ? 0 : 1;
		frames++;
	}
	return 0;
}

static int on_event(void *ctx, void *data, size_t size)
{
	struct top_app *a = ctx;

	if (size >= sizeof(struct dmr_event))
		top_app_event(a, data);
	return 0;
}

static int run_interactive(struct top_app *a, struct top_stats *st, struct dmr_events *ev)
{
	uint64_t next, interval_ns, last_draw = 0;
	long frames = 0;

	refresh(a, st, true);
	if (top_ui_init()) {
		fprintf(stderr, PROG ": cannot set up the terminal (TERM=%s); use -b or -j\n",
			getenv("TERM") ? getenv("TERM") : "");
		return 1;
	}
	top_ui_draw(a);
	interval_ns = (uint64_t)(a->interval_s * 1e9);
	next = dmr_mono_ns() + interval_ns;
	while (!a->quit && !dmr_should_exit()) {
		uint64_t now = dmr_mono_ns();
		int timeout = 100;

		if (!a->paused && next > now && next - now < 100000000ULL)
			timeout = (int)((next - now) / 1000000ULL);
		if (!a->paused && next <= now)
			timeout = 0;
		if (top_ui_input(a, timeout)) {
			/* interval changed or resumed: count the new interval from the last update */
			uint64_t start = next - interval_ns;

			interval_ns = (uint64_t)(a->interval_s * 1e9);
			next = start + interval_ns;
		}
		if (ev && dmr_events_poll(ev, 0) > 0 && a->screen == TOP_SCREEN_DETAIL &&
		    dmr_mono_ns() - last_draw > 200000000ULL) {
			top_ui_draw(a);
			last_draw = dmr_mono_ns();
		}
		now = dmr_mono_ns();
		if (a->paused || now < next || a->quit)
			continue;
		refresh(a, st, false);
		top_ui_draw(a);
		last_draw = now;
		next += interval_ns;
		if (next <= now)
			next = now + interval_ns;
		if (a->count && ++frames >= a->count)
			break;
	}
	top_ui_end();
	return 0;
}

/* the tool, once its arguments are parsed */
static int run(void)
{
	struct dmr_bpf_opts bo;
	struct dmr_events *ev = NULL;
	struct top_stats *st = NULL;
	bool interactive;
	char err[256];
	int ret = 1;

	app.json = cli.json;
	interactive = !app.batch && !app.json;
	if (interactive && (!isatty(STDIN_FILENO) || !isatty(STDOUT_FILENO))) {
		fprintf(stderr, PROG ": the interactive view needs a terminal; use -b or -j\n");
		return DMR_EXIT_USAGE;
	}

	if (dmr_bpf_setup(&bo, &cli, err, sizeof(err))) {
		fprintf(stderr, PROG ": %s\n", err);
		return 1;
	}
	if (dmr_signals_install()) {
		fprintf(stderr, PROG ": cannot install signal handlers: %s\n", strerror(errno));
		return 1;
	}
	if (top_stats_open(&st, &bo, err, sizeof(err))) {
		fprintf(stderr, PROG ": %s\n", err);
		return 1;
	}
	app.attach_mode = top_stats_mode(st);

	if (interactive) {
		/* the detail screen's last events: bpf/events.bpf.c, every device */
		if (dmr_events_open(&ev, &bo, NULL, 0, on_event, &app, err, sizeof(err)))
			snprintf(app.message, sizeof(app.message), "events unavailable: %s", err);
		app.mono_to_real_ns = dmr_mono_to_real_ns();
		ret = run_interactive(&app, st, ev);
	} else {
		ret = run_batch(&app, st);
	}

	dmr_events_close(ev);
	top_stats_close(st);
	free(app.rows);
	free(app.tracks);
	return ret;
}

int main(int argc, char **argv)
{
	static const struct dmr_command top = {
		.argp = { .options = opts, .parser = parse_opt, .args_doc = "[DEVICE...]", .doc = doc },
		.cli = &cli,
		.run = run,
	};

	return dmr_command_exec(&top, argc, argv);
}
