// SPDX-License-Identifier: GPL-2.0
/*
 * dmremap-exporter - Prometheus metrics of dm-remap devices for
 * node_exporter's textfile collector.
 *
 *   dmremap-exporter [--textfile-dir DIR] [--interval SECONDS] [--once] [-v]
 *
 * Every interval: the status of every remap device (libdevmapper), the
 * I/O and metadata commit statistics of its copy of the iostats BPF program
 * (tools/lib/dmr_iostats.h, accumulated in tools/exporter/accum.c), written
 * atomically to DIR/dm_remap.prom (tools/exporter/textfile.c) in the
 * format of tools/exporter/render.c.
 *
 * The attached BPF programs pin the dm_remap module, so the daemon holds
 * them only while a remap device exists: it looks every second (POLL_MS),
 * attaches when the first remap device appears, detaches when the last one
 * goes, so `rmmod dm_remap` works with the exporter running and no device.
 * SIGUSR1 also releases the module (detach now, attach again once the
 * module was reloaded, or after RELEASE_HOLD_S seconds); SIGTERM and SIGINT
 * stop the exporter (exit 0, no temporary file left).
 *
 * --once (the systemd timer) never attaches: BPF counts start from zero at
 * every attach, so one-shot runs could only write counters that go
 * backwards from run to run.  It writes the status metrics, whose counters
 * the kernel keeps, and no dm_remap_exporter_bpf_attached.
 *
 * The kernel's counters restart at zero on a table reload or clear_stats;
 * tools/exporter/counters.c carries them on for the life of the dm device,
 * its state kept in DIR/dm_remap.state (tools/exporter/state.c) between
 * --once runs and across daemon restarts.
 */
#define _GNU_SOURCE
#include <argp.h>
#include <errno.h>
#include <limits.h>
#include <poll.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "bpf_attach.h"
#include "cli.h"
#include "clock.h"
#include "command.h"
#include "dm.h"
#include "dmr_iostats.h"
#include "signals.h"
#include "version.h"
#include "exporter/accum.h"
#include "exporter/counters.h"
#include "exporter/render.h"
#include "exporter/state.h"
#include "exporter/textfile.h"

#define PROG		"dmremap-exporter"
#define PROM_NAME	"dm_remap.prom"
/* the counters' offsets between runs: not *.prom, node_exporter ignores it */
#define STATE_NAME	"dm_remap.state"
#define DEFAULT_DIR	"/var/lib/prometheus/node-exporter"
#define DEFAULT_INTERVAL 15
#define MAX_INTERVAL	86400
/* after SIGUSR1: stay detached until the module was reloaded, at most this long */
#define RELEASE_HOLD_S	60
/* how often the module's presence is checked between two writes */
#define POLL_MS		1000

const char *argp_program_version = PROG " " DMREMAP_VERSION;

static struct env {
	const char *dir;
	unsigned long interval;
	bool interval_set;
	bool once;
	struct dmr_cli cli;	/* -v, --raw-tp */
} env = {
	.cli = { .opts = DMR_CLI_BPF, .no_args = true },
	.dir = DEFAULT_DIR,
	.interval = DEFAULT_INTERVAL,
};

enum { OPT_TEXTFILE_DIR = 0x100, OPT_ONCE };

static const struct argp_option opts[] = {
	{ "textfile-dir", OPT_TEXTFILE_DIR, "DIR", 0,
	  "node_exporter's textfile directory (default " DEFAULT_DIR ")", 0 },
	{ "interval", 'i', "SECONDS", 0, "seconds between two writes (default 15)", 0 },
	{ "once", OPT_ONCE, NULL, 0,
	  "write the status metrics once and exit (for cron or a systemd timer; no BPF: "
	  "I/O counters and latency histograms need the daemon)", 0 },
	{ 0 },
};

static const char doc[] =
"Write the metrics of every dm-remap device to DIR/" PROM_NAME " for\n"
"node_exporter's textfile collector (atomically: temporary file in DIR,\n"
"fsync, rename).  Runs as root.  Its BPF programs (I/O counters, latency)\n"
"are attached only while a remap device exists, so `rmmod dm_remap` works\n"
"with the exporter running once the last remap device is gone.\n"
"Counters only grow for the life of a dm device, across clear_stats, table\n"
"reloads and exporter restarts: their state is kept in DIR/" STATE_NAME ".\n"
"\v"
"Signals: SIGTERM/SIGINT stop the exporter (exit 0).  SIGUSR1 detaches the BPF\n"
"programs at once, even with remap devices left; the exporter attaches again\n"
"once the module was reloaded (or after 60 s).\n"
"\n"
"Examples:\n"
"  dmremap-exporter                      # daemon: default dir, every 15 s\n"
"  dmremap-exporter --textfile-dir /run/prom -i 5   # elsewhere, every 5 s\n"
"  dmremap-exporter --once               # status metrics once (cron, timer)\n"
"  systemctl kill -s USR1 dmremap-exporter   # detach now, devices or not\n";

static error_t parse_opt(int key, char *arg, struct argp_state *state)
{
	switch (key) {
	case OPT_TEXTFILE_DIR:
		if (!*arg)
			argp_error(state, "empty --textfile-dir");
		env.dir = arg;
		break;
	case 'i':
		if (!dmr_parse_ulong(arg, MAX_INTERVAL, &env.interval))
			argp_error(state, "invalid interval '%s': whole seconds, 1..%d", arg,
				   MAX_INTERVAL);
		env.interval_set = true;
		break;
	case OPT_ONCE:
		env.once = true;
		break;
	case ARGP_KEY_END:
		if (env.once && env.interval_set)
			argp_error(state, "--once takes no --interval: one-shot runs write status "
				   "metrics only (I/O counters and latency need the daemon)");
		if (env.interval == 0)
			argp_error(state, "invalid interval '0': whole seconds, 1..%d", MAX_INTERVAL);
		break;
	default:
		return ARGP_ERR_UNKNOWN;
	}
	return 0;
}

/* ------------------------------------------------------------ state */

static volatile sig_atomic_t release_requested;

static void on_usr1(int sig)
{
	(void)sig;
	release_requested = 1;
}

struct exporter {
	struct dmr_iostats *st;		/* NULL: not attached */
	struct dmr_iostats_snap snap;
	struct exp_acc acc;
	struct exp_ctrs ctrs;		/* status counters carried across resets */
	char boot_id[EXP_BOOT_ID_LEN];
	bool ever_attached;
	/* BPF statistics of a previous daemon, from the state file */
	bool acc_restored;
	bool module_loaded;
	/* a remap device exists (last listing); BPF is attached only then */
	bool have_devs;
	/* dropped events of the handles closed before, and of the current one */
	uint64_t dropped_closed, dropped_cur;
	ino_t module_ino;		/* of /sys/module/dm_remap, 0 when absent */
	/* SIGUSR1: detached on purpose until the module is reloaded */
	bool released;
	time_t release_until;
	/* last error reported, so that a lasting problem is logged once */
	char attach_err[512];
	char list_err[512];
	char write_err[512];
	char state_err[512];
};

static ino_t module_ino(void)
{
	struct stat st;

	if (stat("/sys/module/" DMR_MODULE, &st))
		return 0;
	return st.st_ino ? st.st_ino : 1;
}

static time_t now_s(void)
{
	return (time_t)(dmr_mono_ns() / 1000000000ULL);
}

/* report msg unless it is what was reported last time (last: "" resets) */
static void report_once(char *last, size_t len, const char *msg)
{
	if (!strcmp(last, msg))
		return;
	snprintf(last, len, "%s", msg);
	fprintf(stderr, PROG ": %s\n", msg);
}

static void detach(struct exporter *ex, const char *why)
{
	if (!ex->st)
		return;
	dmr_iostats_close(ex->st);
	ex->st = NULL;
	ex->dropped_closed += ex->dropped_cur;
	ex->dropped_cur = 0;
	fprintf(stderr, PROG ": BPF detached (%s)\n", why);
}

static void try_attach(struct exporter *ex)
{
	struct dmr_iostats_opts o = { .verbose = env.cli.verbose, .force_raw_tp = env.cli.raw_tp };
	char err[256], msg[320];

	if (ex->st || ex->released || !ex->module_loaded || !ex->have_devs)
		return;
	if (dmr_iostats_open(&ex->st, &o, err, sizeof(err))) {
		ex->st = NULL;
		snprintf(msg, sizeof(msg), "BPF not attached, exporting status metrics only: %s",
			 err);
		report_once(ex->attach_err, sizeof(ex->attach_err), msg);
		return;
	}
	ex->attach_err[0] = '\0';
	ex->ever_attached = true;
	fprintf(stderr, PROG ": BPF attached (%s)\n",
		dmr_attach_mode_name(dmr_iostats_mode(ex->st)));
}

/* follow the module: returns true when it was (re)loaded since the last call */
static bool update_module(struct exporter *ex)
{
	ino_t ino = module_ino();
	bool appeared = ino && ino != ex->module_ino;

	ex->module_ino = ino;
	ex->module_loaded = ino != 0;
	if (!ex->module_loaded)
		detach(ex, DMR_MODULE " is gone");
	if (ex->released && (appeared || now_s() >= ex->release_until)) {
		ex->released = false;
		fprintf(stderr, PROG ": module release over (%s)\n",
			appeared ? DMR_MODULE " was reloaded" : "timeout");
	}
	return appeared;
}

/*
 * Is there a remap device?  Listed every POLL_MS, so that the module is
 * released within a second of its last device going.  On a listing error
 * the previous answer stands.  Returns true when the answer changed.
 */
static bool update_devices(struct exporter *ex)
{
	struct dmr_dm_dev *devs = NULL;
	bool had = ex->have_devs;
	int n;

	if (!ex->module_loaded || access("/sys/class/misc/device-mapper", F_OK)) {
		n = 0;
	} else {
		n = dmr_dm_list_remap(&devs);
		if (n < 0)
			return false;
		dmr_dm_free_list(devs, n);
	}
	ex->have_devs = n > 0;
	if (!ex->have_devs)
		detach(ex, "no remap device left");
	return had != ex->have_devs;
}

static void release(struct exporter *ex)
{
	release_requested = 0;
	ex->released = true;
	ex->release_until = now_s() + RELEASE_HOLD_S;
	if (ex->st)
		detach(ex, "SIGUSR1: module released for rmmod");
}

static bool listed(const struct dmr_dm_dev *devs, int n, uint32_t kdev)
{
	for (int i = 0; i < n; i++)
		if (devs[i].kdev == kdev)
			return true;
	return false;
}

/* the counters' state of the previous run or daemon, when it is of this boot */
static void load_state(struct exporter *ex)
{
	char path[PATH_MAX];
	const char *why;
	struct stat st;
	FILE *f;
	int r;

	exp_boot_id(ex->boot_id, sizeof(ex->boot_id));
	if ((size_t)snprintf(path, sizeof(path), "%s/" STATE_NAME, env.dir) >= sizeof(path))
		return;
	f = fopen(path, "re");
	if (!f) {
		if (errno != ENOENT)
			fprintf(stderr, PROG ": cannot read %s: %s; counters start from the kernel's values\n",
				path, strerror(errno));
		return;
	}
	if (fstat(fileno(f), &st) || !S_ISREG(st.st_mode)) {
		fprintf(stderr, PROG ": cannot read %s: not a regular file; counters start from the kernel's values\n",
			path);
		fclose(f);
		return;
	}
	r = exp_state_read(f, &ex->ctrs, &ex->acc, &ex->dropped_closed, ex->boot_id);
	fclose(f);
	switch (r) {
	case 0:
		/* --once shows no BPF statistics (they would never move) */
		ex->acc_restored = !env.once && ex->acc.n;
		return;
	case -ESTALE:
		why = "written before the last boot";
		if (!env.cli.verbose)
			return;		/* expected after every reboot */
		break;
	case -E2BIG:
		why = "too many devices";
		break;
	case -ENOMEM:
		why = "out of memory";
		break;
	default:
		why = "malformed";
		break;
	}
	fprintf(stderr, PROG ": ignoring %s (%s); counters start from the kernel's values\n",
		path, why);
}

/*
 * Replace DIR/name atomically with what fill() writes (0, or non-zero when
 * the stream failed).  0, or -1 with the error reported once through last.
 */
static int write_textfile(const char *name, int (*fill)(FILE *f, void *arg), void *arg,
			  char *last, size_t last_len)
{
	struct exp_textfile tf;
	char err[512];

	if (exp_textfile_open(&tf, env.dir, name, err, sizeof(err)))
		goto fail;
	if (fill(tf.f, arg)) {
		exp_textfile_abort(&tf);
		snprintf(err, sizeof(err), "writing a temporary file in %s failed", env.dir);
		goto fail;
	}
	if (exp_textfile_commit(&tf, err, sizeof(err)))
		goto fail;
	last[0] = '\0';
	return 0;
fail:
	report_once(last, last_len, err);
	return -1;
}

static int write_state(FILE *f, void *arg)
{
	struct exporter *ex = arg;

	return exp_state_write(f, &ex->ctrs, env.once ? NULL : &ex->acc,
			       ex->dropped_closed + ex->dropped_cur, ex->boot_id);
}

static int write_metrics(FILE *f, void *arg)
{
	return exp_render(f, arg);
}

/* one cycle: read the BPF deltas, list the devices, write the file.  0 or -1 */
static int collect_and_write(struct exporter *ex)
{
	struct dmr_dm_dev *devs = NULL;
	struct exp_render_in in = { 0 };
	uint32_t gone[DMR_IOSTATS_MAX_DEVS];
	bool have_snap = false;
	char err[512];
	int n, ng, ret = -1;

	if (ex->st) {
		int r = dmr_iostats_read(ex->st, DMR_IOSTATS_INTERVAL, &ex->snap);

		if (r) {
			snprintf(err, sizeof(err), "reading the BPF maps: %s", strerror(-r));
			detach(ex, err);
		} else {
			have_snap = true;
			ex->dropped_cur = ex->snap.dropped;
		}
	}

	if (access("/sys/class/misc/device-mapper", F_OK)) {
		/* no device-mapper in this kernel (dm_mod not loaded): no devices */
		if (env.cli.verbose)
			report_once(ex->list_err, sizeof(ex->list_err),
				    "device-mapper is not available (dm_mod not loaded): no remap devices");
		n = 0;
	} else {
		n = dmr_dm_list_remap(&devs);
		if (n < 0) {
			/* leave the old file: it goes stale, and the stale alert tells */
			snprintf(err, sizeof(err),
				 "cannot list device-mapper devices: %s; file not updated",
				 strerror(-n));
			report_once(ex->list_err, sizeof(ex->list_err), err);
			n = 0;
			goto out;
		}
		ex->list_err[0] = '\0';
	}
	ex->have_devs = n > 0;

	ng = exp_acc_sync(&ex->acc, devs, n, gone, DMR_IOSTATS_MAX_DEVS);
	if (ng < 0) {
		fprintf(stderr, PROG ": out of memory\n");
		goto out;
	}
	if (ex->st)
		for (int i = 0; i < ng; i++)
			dmr_iostats_forget(ex->st, gone[i]);
	if (have_snap) {
		uint32_t seen[DMR_IOSTATS_MAX_DEVS];
		size_t ns = dmr_iostats_devs(&ex->snap, seen, DMR_IOSTATS_MAX_DEVS);

		exp_acc_add(&ex->acc, &ex->snap);
		/* devices that came and went between two cycles */
		for (size_t i = 0; i < ns; i++)
			if (!listed(devs, n, seen[i]))
				dmr_iostats_forget(ex->st, seen[i]);
	}

	if (exp_ctrs_update(&ex->ctrs, devs, n, NULL)) {
		fprintf(stderr, PROG ": out of memory\n");
		goto out;
	}
	/*
	 * The state goes to disk before the metrics: a file written from
	 * values that were not saved could be followed, after a restart, by
	 * lower ones.  The daemon keeps its state in memory and only warns;
	 * a --once run without its state writes nothing (the stale alert
	 * tells).
	 */
	if (write_textfile(STATE_NAME, write_state, ex, ex->state_err, sizeof(ex->state_err)) &&
	    env.once)
		goto out;

	in.devs = devs;
	in.nr_devs = n;
	in.acc = ex->ever_attached || ex->acc_restored ? &ex->acc : NULL;
	in.ctrs = &ex->ctrs;
	in.bpf_attached = ex->st != NULL;
	in.module_loaded = ex->module_loaded;
	in.once = env.once;
	in.dropped_events = ex->dropped_closed + ex->dropped_cur;

	/* the last remap device went: release the module (after its last deltas) */
	if (!ex->have_devs)
		detach(ex, "no remap device left");

	if (write_textfile(PROM_NAME, write_metrics, &in, ex->write_err, sizeof(ex->write_err)))
		goto out;
	ret = 0;
out:
	dmr_dm_free_list(devs, n);
	return ret;
}

/*
 * Sleep up to ms with the signals unblocked (they are blocked otherwise, so
 * that one arriving just before the wait is not missed); false on SIGTERM/INT.
 */
static bool wait_ms(long ms, const sigset_t *unblocked)
{
	struct timespec ts = { .tv_sec = ms / 1000, .tv_nsec = (ms % 1000) * 1000000L };

	if (dmr_should_exit())
		return false;
	ppoll(NULL, 0, &ts, unblocked);
	return !dmr_should_exit();
}

static int setup_signals(sigset_t *unblocked)
{
	struct sigaction sa;
	sigset_t block;

	if (dmr_signals_install())
		return -1;
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_usr1;
	sigemptyset(&sa.sa_mask);
	if (sigaction(SIGUSR1, &sa, NULL))
		return -1;
	signal(SIGPIPE, SIG_IGN);
	sigemptyset(&block);
	sigaddset(&block, SIGINT);
	sigaddset(&block, SIGTERM);
	sigaddset(&block, SIGUSR1);
	return sigprocmask(SIG_BLOCK, &block, unblocked);
}

static int check_dir(const char *dir)
{
	struct stat st;

	if (stat(dir, &st)) {
		fprintf(stderr, PROG ": textfile directory %s: %s\n", dir, strerror(errno));
		return -1;
	}
	if (!S_ISDIR(st.st_mode)) {
		fprintf(stderr, PROG ": textfile directory %s: not a directory\n", dir);
		return -1;
	}
	if (access(dir, W_OK | X_OK)) {
		fprintf(stderr, PROG ": textfile directory %s: not writable: %s\n", dir,
			strerror(errno));
		return -1;
	}
	return 0;
}

static int run_once(struct exporter *ex)
{
	update_module(ex);
	return collect_and_write(ex) ? 1 : 0;
}

static int run_daemon(struct exporter *ex, const sigset_t *unblocked)
{
	if (env.cli.verbose)
		fprintf(stderr, PROG ": writing %s/" PROM_NAME " every %lu s\n", env.dir,
			env.interval);
	for (;;) {
		time_t next;

		update_module(ex);
		update_devices(ex);
		try_attach(ex);
		collect_and_write(ex);
		next = now_s() + (time_t)env.interval;

		while (now_s() < next) {
			long left = (long)(next - now_s()) * 1000;
			bool was_loaded = ex->module_loaded, was_released = ex->released;

			if (!wait_ms(left < POLL_MS ? left : POLL_MS, unblocked))
				return 0;
			if (release_requested) {
				release(ex);
				break;		/* show bpf_attached 0 at once */
			}
			/*
			 * The module came or went, or a release ended: attach
			 * (or show the detach) and write without waiting.
			 */
			if (update_module(ex) || was_loaded != ex->module_loaded ||
			    (was_released && !ex->released))
				break;
			/* the first remap device came or the last one went */
			if (update_devices(ex))
				break;
		}
	}
}

/* the signals the daemon waits for (setup_signals()) */
static sigset_t wait_sigs;

/* the tool, once its arguments are parsed */
static int run(void)
{
	struct exporter ex;
	int ret;

	if (geteuid() != 0) {
		fprintf(stderr, PROG ": must run as root (device-mapper status and BPF need it)\n");
		return 1;
	}
	if (check_dir(env.dir))
		return 1;
	dmr_dm_set_verbose(env.cli.verbose);
	dmr_bpf_set_verbose(env.cli.verbose);
	exp_textfile_cleanup_stale(env.dir, PROM_NAME);
	exp_textfile_cleanup_stale(env.dir, STATE_NAME);

	memset(&ex, 0, sizeof(ex));
	load_state(&ex);
	ret = env.once ? run_once(&ex) : run_daemon(&ex, &wait_sigs);

	if (ex.st)
		dmr_iostats_close(ex.st);
	dmr_iostats_snap_free(&ex.snap);
	exp_acc_free(&ex.acc);
	exp_ctrs_free(&ex.ctrs);
	return ret;
}

int main(int argc, char **argv)
{
	static const struct dmr_command exporter = {
		.argp = { .options = opts, .parser = parse_opt, .doc = doc },
		.cli = &env.cli,
		.run = run,
	};

	/* first, so that an early SIGTERM also ends with exit 0 */
	if (setup_signals(&wait_sigs)) {
		fprintf(stderr, PROG ": cannot install signal handlers: %s\n", strerror(errno));
		return 1;
	}
	return dmr_command_exec(&exporter, argc, argv);
}
