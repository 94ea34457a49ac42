// SPDX-License-Identifier: GPL-2.0
/*
 * hang.c - `dmremap-trace hang`: the teardown-hang debugger.  Reports what
 * is stuck now (hang_scan.c), including what began before the tool, each
 * stall once and once more when it clears; `--once` prints one snapshot.
 */
#define _GNU_SOURCE
#include <argp.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <linux/types.h>
#include <bpf/bpf.h>
#include <bpf/libbpf.h>

#include "bpf_attach.h"
#include "cli.h"
#include "clock.h"
#include "dm.h"
#include "signals.h"
#include "hang.h"
#include "hang.skel.h"
#include "hang_scan.h"
#include "trace.h"

static struct hang_env {
	struct dmr_cli cli;
	bool once;
	bool sectors;			/* per-I/O tracking through BPF */
	unsigned long threshold;	/* seconds */
} env = {
	.cli = { .opts = DMR_CLI_BPF | DMR_CLI_JSON | DMR_CLI_DURATION, .no_args = true },
	.threshold = 5,
};

enum { OPT_ONCE = 0x101, OPT_SECTORS };

/* how long the scans may keep failing before the follow mode gives up */
#define HANG_SCAN_GRACE_S 10

static const struct argp_option opts[] = {
	{ "threshold", 't', "SECONDS", 0, "report stalls longer than SECONDS (default 5)", 0 },
	{ "once", OPT_ONCE, NULL, 0, "print what is stuck now and exit (0 with or without stalls)", 0 },
	{ "sectors", OPT_SECTORS, NULL, 0,
	  "follow each remap I/O (BPF): exact age and sector of stuck ones; costs IOPS", 0 },
	{ 0 },
};

static const char doc[] =
"Find what a hanging suspend, remove or I/O of a dm-remap device waits for,\n"
"including stalls that began before the tool started.  Reports, once each,\n"
"every stall longer than the threshold, and again when it clears:\n"
"  stuck_work      a work item of any workqueue (any module) asleep too long:\n"
"                  function [module], workqueue, worker pid, kernel stack\n"
"  stuck_teardown  a dm suspend/resume/remove that does not finish: device,\n"
"                  operation, phase, in-flight I/O, the waiting process and\n"
"                  its stack, and the devices below it with their state\n"
"                  (a suspended dm device, a device with I/O in flight)\n"
"  stuck_io        I/O of a remap device outstanding too long, per device and\n"
"                  target (main, spare, worker): count, oldest age and sector;\n"
"                  target held: I/O dm core holds because the device is\n"
"                  suspended (never sent to the target, not in sysfs)\n"
"  cleared         a reported stall ended (seconds: its total duration)\n"
"Everything is read from the kernel's own state (/proc, sysfs, symbolized by\n"
"the kernel): no kernel symbols and, by default, no per-I/O hook: only a\n"
"program in the module's status function, run by the tool's own status calls,\n"
"that counts the I/O dm holds for a suspended device (a remap device or a dm\n"
"device below one).  Stuck I/O is otherwise a remap device with I/O in flight\n"
"that completes none (seconds: a lower bound, raised to the age of the I/O\n"
"a suspended dm device below holds: held_below).  --sectors adds BPF on\n"
"the module's I/O tracepoints: exact age and sector of each I/O issued while\n"
"it runs, at a per-I/O cost.\n"
"\v"
"JSON keys: event, time; stuck_work: function, module, workqueue, pid, comm,\n"
"seconds, stack; stuck_teardown: device, dev, operation, phase, seconds,\n"
"inflight, waits_in, pid, comm, lower (each: device, dev, role, dm, state,\n"
"suspended, inflight, lower), stack; stuck_io: device, dev, target, count,\n"
"seconds, age_exact, sector, held_below (null or device, dev, count,\n"
"count_exact, suspended, seconds, sector; target held instead: count_exact,\n"
"suspended);\n"
"cleared: stall with that event's identifying keys and seconds; overflow:\n"
"not_followed.  Runbook: docs/tracing.md.\n"
"\n"
"Examples:\n"
"  dmremap-trace hang --once         # what is stuck now, then exit\n"
"  dmremap-trace hang                # follow stalls over 5 s\n"
"  dmremap-trace hang -t 2 -j        # over 2 s, JSON lines\n"
"  dmremap-trace hang --sectors      # and the sector of each stuck I/O\n";

static error_t parse(int key, char *arg, struct argp_state *state)
{
	switch (key) {
	case 't':
		if (!dmr_parse_seconds(arg, &env.threshold) || !env.threshold)
			argp_error(state, "invalid threshold '%s': a positive number of seconds", arg);
		break;
	case OPT_ONCE:
		env.once = true;
		break;
	case OPT_SECTORS:
		env.sectors = true;
		break;
	default:
		return ARGP_ERR_UNKNOWN;
	}
	return 0;
}

/* a stall being followed: reported, not yet cleared */
struct stall {
	enum stall_kind kind;
	uint64_t key;			/* tid (work, teardown) or dev (I/O) */
	char what[DMR_DM_NAME_LEN];	/* function or device: with key, the identity */
	char detail[64];		/* module, operation or target: part of the identity */
	uint64_t num;			/* pid, pid or count, for the cleared report */
	uint64_t start_ns;		/* estimated start (CLOCK_MONOTONIC) */
	bool seen;
};

struct hang_state {
	struct stall stalls[HANG_MAX_STALLS];
	int nr_stalls;
	uint64_t not_followed;		/* stalls seen while the table was full */
	bool overflow_told;
	struct hang_out out;
};

/* true when the stall is new (and now followed, if there is room) */
static bool stall_new(struct hang_state *h, enum stall_kind kind, uint64_t key, const char *what,
		      const char *detail, uint64_t num, double seconds, uint64_t now)
{
	struct stall *s;

	for (int i = 0; i < h->nr_stalls; i++) {
		s = &h->stalls[i];
		if (s->kind == kind && s->key == key && !strcmp(s->what, what) &&
		    !strcmp(s->detail, detail)) {
			s->seen = true;
			return false;
		}
	}
	if (h->nr_stalls == HANG_MAX_STALLS) {
		h->not_followed++;
		if (!h->overflow_told) {
			hang_print_overflow(&h->out, h->not_followed, now);
			h->overflow_told = true;
		}
		return false;
	}
	s = &h->stalls[h->nr_stalls++];
	memset(s, 0, sizeof(*s));
	s->kind = kind;
	s->key = key;
	snprintf(s->what, sizeof(s->what), "%s", what);
	snprintf(s->detail, sizeof(s->detail), "%s", detail);
	s->num = num;
	s->start_ns = now - (uint64_t)(seconds * 1e9);
	s->seen = true;
	return true;
}

static void report(struct hang_state *h, const struct hang_snapshot *snap, bool follow)
{
	uint64_t now = snap->now_ns;

	for (int i = 0; i < h->nr_stalls; i++)
		h->stalls[i].seen = false;
	for (int i = 0; i < snap->nr_tdowns; i++) {
		const struct hang_teardown *t = &snap->tdowns[i];

		if (!follow || stall_new(h, STALL_TEARDOWN, (uint64_t)t->task.tid, t->device,
					 t->operation, (uint64_t)t->task.tid, t->seconds, now))
			hang_print_teardown(&h->out, t, now);
	}
	for (int i = 0; i < snap->nr_works; i++) {
		const struct hang_work *w = &snap->works[i];

		if (!follow || stall_new(h, STALL_WORK, (uint64_t)w->task.tid, w->function,
					 w->module, (uint64_t)w->task.tid, w->seconds, now))
			hang_print_work(&h->out, w, now);
	}
	for (int i = 0; i < snap->nr_ios; i++) {
		const struct hang_io *io = &snap->ios[i];

		if (!follow || stall_new(h, STALL_IO, io->kdev, io->device, io->target, io->count,
					 io->seconds, now))
			hang_print_io(&h->out, io, now);
	}
	for (int i = 0; follow && i < h->nr_stalls;) {
		struct stall *s = &h->stalls[i];

		if (s->seen || (s->kind != STALL_IO &&
				hang_still_in(s->kind, (pid_t)s->key, s->what))) {
			i++;
			continue;
		}
		hang_print_cleared(&h->out, s->kind, s->what, s->detail, s->num,
				   (double)(now - s->start_ns) / 1e9, now);
		*s = h->stalls[--h->nr_stalls];
	}
	fflush(stdout);
}

/*
 * Mid-incident the tool must outlive a scan that fails (no file descriptor
 * left for a moment, say; a task or device that goes away while read is
 * no failure, only gone): the first failure of a run is a warning, and the
 * stalls followed are kept; true when the scans have kept failing for
 * HANG_SCAN_GRACE_S, and the tool gives up.
 */
static bool scan_failed(int *failed, uint64_t *since_ns, int err)
{
	uint64_t now = dmr_mono_ns();

	if (!(*failed)++) {
		*since_ns = now;
		fprintf(stderr, PROG ": reading the kernel's state: %s (trying again for %d s)\n",
			strerror(-err), HANG_SCAN_GRACE_S);
		return false;
	}
	if (now - *since_ns < HANG_SCAN_GRACE_S * 1000000000ULL)
		return false;
	fprintf(stderr, PROG ": reading the kernel's state: %s; giving up after %d failed scans\n",
		strerror(-err), *failed);
	return true;
}

static int run_once(struct hang_state *h, struct hang_scan_opts *so)
{
	struct hang_snapshot snap = { 0 };
	int r = hang_scan(&snap, so);

	if (r) {
		fprintf(stderr, PROG ": reading the kernel's state: %s\n", strerror(-r));
		hang_snapshot_free(&snap);
		return 1;
	}
	report(h, &snap, false);
	if (!h->out.json && !snap.nr_works && !snap.nr_tdowns && !snap.nr_ios)
		printf("no stall longer than %lu s\n", env.threshold);
	hang_snapshot_free(&snap);
	return 0;
}

static int cmd_hang(void)
{
	struct hang_scan_opts so = { .ios_fd = -1, .errors_fd = -1, .held_fd = -1 };
	struct hang_held *held = NULL;
	struct hang_snapshot snap = { 0 };
	struct dmr_bpf_opts bo;
	struct dmr_bpf_links links = { 0 };
	struct hang_bpf *skel = NULL;
	struct hang_state *h;
	uint64_t deadline = 0, poll_ns;
	char err[256];
	uint64_t failed_since_ns = 0;
	int ret = 1, r, failed = 0;

	h = calloc(1, sizeof(*h));
	if (!h) {
		fprintf(stderr, PROG ": out of memory\n");
		return 1;
	}
	h->out.json = env.cli.json;
	h->out.mono_to_real = dmr_mono_to_real_ns();
	so.threshold_ns = env.threshold * 1000000000ULL;
	so.tool_start_ns = dmr_mono_ns();
	so.first = true;
	setvbuf(stdout, NULL, _IOLBF, 0);
	/* root (/proc/TID/stack, /proc/TID/mem) and the module, in every mode */
	if (dmr_bpf_setup(&bo, &env.cli, err, sizeof(err))) {
		fprintf(stderr, PROG ": %s\n", err);
		free(h);
		return 1;
	}
	/*
	 * I/O dm holds for a suspended remap device: a program in the module's
	 * status function, which runs only in the tool's own status calls.
	 * Without it everything else works: one note.
	 */
	held = hang_held_open(err, sizeof(err));
	if (held)
		so.held_fd = hang_held_fd(held);
	else
		fprintf(stderr, PROG ": I/O held in dm core by a suspended remap device is not reported: %s%s\n",
			err, env.cli.verbose ? "" : " (run with -v for libbpf's log)");
	if (env.once) {
		/* the kernel's state, and the held I/O seen by the status calls */
		ret = run_once(h, &so);
		hang_held_close(held);
		free(h);
		return ret;
	}
	if (!env.sectors)
		goto attached;

	/* an I/O recorded by io_start must have its io_done program */
	bo.attach_first = "io_done";
	skel = hang_bpf__open();
	if (!skel) {
		fprintf(stderr, PROG ": cannot open the BPF object: %s\n", strerror(errno));
		goto out;
	}
	if (dmr_bpf_load_attach(skel->obj, &bo, &links, err, sizeof(err))) {
		fprintf(stderr, PROG ": %s\n", err);
		goto out;
	}
	so.ios_fd = bpf_map__fd(skel->maps.ios);
	so.errors_fd = bpf_map__fd(skel->maps.errors);
attached:
	if (dmr_signals_install()) {
		fprintf(stderr, PROG ": cannot install signal handlers: %s\n", strerror(errno));
		goto out;
	}
	fprintf(stderr, "Tracing stalls over %lu s (work items, dm suspend/remove, remap I/O %s%s, held I/O %s%s)...%s\n",
		env.threshold, skel ? "via " : "from dm's counters",
		skel ? dmr_attach_mode_name(links.mode) : "",
		held ? "via " : "not seen", held ? hang_held_mode(held) : "",
		env.cli.duration ? "" : " Hit Ctrl-C to end.");
	if (!h->out.json)
		printf("%-8s %-14s %s\n", "TIME", "EVENT", "DETAILS");
	/* poll 4 times per threshold, at least every second */
	poll_ns = so.threshold_ns / 4 < 1000000000ULL ? so.threshold_ns / 4 : 1000000000ULL;
	if (env.cli.duration)
		deadline = dmr_mono_ns() + env.cli.duration * 1000000000ULL;

	ret = 0;
	while (!dmr_should_exit()) {
		struct timespec ts = { .tv_sec = (time_t)(poll_ns / 1000000000ULL),
				       .tv_nsec = (long)(poll_ns % 1000000000ULL) };

		r = hang_scan(&snap, &so);
		if (r && dmr_should_exit())
			break;		/* a signal cut the scan short */
		if (r && scan_failed(&failed, &failed_since_ns, r)) {
			ret = 1;
			break;
		}
		if (!r) {
			if (failed)
				fprintf(stderr, PROG ": reading the kernel's state works again (%d scans failed)\n",
					failed);
			failed = 0;
			report(h, &snap, true);
			so.first = false;
		}
		if (deadline && dmr_mono_ns() >= deadline)
			break;
		nanosleep(&ts, NULL);
	}
	/* the run ended (-d, a signal) while the scans failed: the last saw nothing */
	if (failed)
		ret = 1;
	if (skel && skel->bss->dropped_ios)
		fprintf(stderr, PROG ": %llu I/Os not tracked (map full)\n",
			(unsigned long long)skel->bss->dropped_ios);
	if (h->not_followed)
		fprintf(stderr, PROG ": %llu stall reports not followed (over %d at once)\n",
			(unsigned long long)h->not_followed, HANG_MAX_STALLS);
out:
	hang_snapshot_free(&snap);
	dmr_bpf_detach(&links);
	hang_bpf__destroy(skel);
	hang_held_close(held);
	free(h);
	return ret;
}

const struct dmr_command trace_hang = {
	.name = "hang", .cli = &env.cli, .run = cmd_hang,
	.argp = { .options = opts, .parser = parse, .args_doc = "", .doc = doc },
};
