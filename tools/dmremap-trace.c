// SPDX-License-Identifier: GPL-2.0
/*
 * dmremap-trace - trace dm-remap devices through the module's tracepoints.
 *
 *   dmremap-trace events [-j] [-v] [-d SECONDS] [DEVICE...]
 *   dmremap-trace latency [-j] [-v] [INTERVAL [COUNT]]
 *   dmremap-trace hang [-t SECONDS] [-j] [-v] [-d SECONDS]
 */
#define _GNU_SOURCE
#include <argp.h>
#include <errno.h>
#include <limits.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <linux/types.h>
#include <bpf/bpf.h>
#include <bpf/libbpf.h>

#include "command.h"
#include "bpf_attach.h"
#include "devcache.h"
#include "dm.h"
#include "dmr_iostats.h"
#include "hist.h"
#include "json.h"
#include "kallsyms.h"
#include "names.h"
#include "signals.h"
#include "version.h"
#include "dm_remap_events.h"
#include "events.h"
#include "events.skel.h"
#include "hang.h"
#include "hang.skel.h"

#define PROG "dmremap-trace"

const char *argp_program_version = PROG " " DMREMAP_VERSION;

/* exit codes: 0 fine, 1 runtime error, 2 usage error */
#define EXIT_USAGE 2

static uint64_t clock_ns(clockid_t id)
{
	struct timespec ts;

	clock_gettime(id, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ULL + (uint64_t)ts.tv_nsec;
}

static bool parse_seconds(const char *s, unsigned long *out)
{
	char *end;

	errno = 0;
	if (!s || *s < '0' || *s > '9')
		return false;
	*out = strtoul(s, &end, 10);
	return !errno && !*end && *out <= INT_MAX / 1000;
}

/* ------------------------------------------------------------------ events */

static struct events_env {
	bool json;
	bool verbose;
	bool raw_tp;
	unsigned long duration;		/* seconds, 0: until a signal */
	int nr_devs;
	const char *devs[DMR_MAX_FILTER_DEVS];
} ev_env;

enum { OPT_RAW_TP = 0x100 };

static const struct argp_option events_opts[] = {
	{ "json", 'j', NULL, 0, "JSON lines output", 0 },
	{ "duration", 'd', "SECONDS", 0, "stop after SECONDS (default: until Ctrl-C/SIGTERM)", 0 },
	{ "verbose", 'v', NULL, 0, "libbpf and libdevmapper debug output on stderr", 0 },
	{ "raw-tp", OPT_RAW_TP, NULL, 0, "attach with raw_tp even when module BTF allows tp_btf", 0 },
	{ NULL, 'h', NULL, OPTION_HIDDEN, "show this help", 0 },
	{ 0 },
};

static const char events_doc[] =
"Print one line per dm-remap remap, I/O error, pending block, lost sectors,\n"
"metadata commit and teardown (suspend/resume/destroy) event.\n"
"DEVICE is a dm name, MAJ:MIN or a device node; without one, every device.\n"
"\v"
"Output: TIME DEVICE EVENT FIELDS, or with -j one JSON object per line with\n"
"at least \"event\" (tracepoint name without dm_remap_) and \"device\" (dm name;\n"
"\"MAJ:MIN\" when the device is gone before its name was seen).\n"
"\n"
"Examples:\n"
"  dmremap-trace events              # every event of every remap device\n"
"  dmremap-trace events r0 r1        # devices r0 and r1 only\n"
"  dmremap-trace events -j -d 10     # JSON lines for 10 seconds\n"
"  dmremap-trace events /dev/dm-0    # by device node\n";

static error_t events_parse(int key, char *arg, struct argp_state *state)
{
	switch (key) {
	case 'j':
		ev_env.json = true;
		break;
	case 'v':
		ev_env.verbose = true;
		break;
	case OPT_RAW_TP:
		ev_env.raw_tp = true;
		break;
	case 'd':
		if (!parse_seconds(arg, &ev_env.duration) || !ev_env.duration)
			argp_error(state, "invalid duration '%s': a positive number of seconds", arg);
		break;
	case 'h':
		argp_state_help(state, stdout, ARGP_HELP_STD_HELP);
		break;
	case ARGP_KEY_ARG:
		if (ev_env.nr_devs == DMR_MAX_FILTER_DEVS)
			argp_error(state, "at most %d devices", DMR_MAX_FILTER_DEVS);
		ev_env.devs[ev_env.nr_devs++] = arg;
		break;
	default:
		return ARGP_ERR_UNKNOWN;
	}
	return 0;
}

struct printer {
	struct dmr_devcache *names;
	uint64_t mono_to_real;		/* add to a CLOCK_MONOTONIC time */
	bool json;
};

static void print_text(const struct printer *p, const struct dmr_event *e, const char *dev)
{
	uint64_t real = e->ts_ns + p->mono_to_real;
	time_t secs = (time_t)(real / 1000000000ULL);
	struct tm tm;
	char ts[16];
	const char *en;

	localtime_r(&secs, &tm);
	strftime(ts, sizeof(ts), "%H:%M:%S", &tm);
	printf("%s.%06llu %-16s %-10s ", ts, (unsigned long long)(real % 1000000000ULL / 1000),
	       dev, dmr_event_name(e->type));
	switch (e->type) {
	case DMR_EV_IO_ERROR:
		en = dmr_errno_name(e->io_error.error);
		printf("target=%s op=%s sector=%llu nr_sectors=%u error=%d%s%s%s",
		       dmr_target_name(e->io_error.target), dmr_op_name(e->io_error.op),
		       (unsigned long long)e->io_error.sector, e->io_error.nr_sectors,
		       e->io_error.error, en ? " (" : "", en ? en : "", en ? ")" : "");
		break;
	case DMR_EV_PENDING:
		printf("block=%llu", (unsigned long long)e->pending.block);
		break;
	case DMR_EV_REMAP:
		printf("block=%llu spare_block=%llu reason=%s",
		       (unsigned long long)e->remap.block,
		       (unsigned long long)e->remap.spare_block,
		       dmr_reason_name(e->remap.reason));
		break;
	case DMR_EV_LOST:
		printf("block=%llu nr_sectors=%u", (unsigned long long)e->lost.block,
		       e->lost.nr_sectors);
		break;
	case DMR_EV_MD_COMMIT:
		en = dmr_errno_name(e->md_commit.error);
		printf("seq=%llu entries=%u latency=%.3fms error=%d%s%s%s",
		       (unsigned long long)e->md_commit.seq, e->md_commit.entries,
		       (double)e->md_commit.latency_ns / 1e6, e->md_commit.error,
		       en ? " (" : "", en ? en : "", en ? ")" : "");
		break;
	case DMR_EV_TEARDOWN:
		printf("phase=%s stage=%s inflight=%u", dmr_phase_name(e->teardown.phase),
		       dmr_stage_name(e->teardown.stage), e->teardown.inflight);
		break;
	default:
		break;
	}
	printf(" [%.*s %u]\n", DMR_TASK_COMM_LEN, e->comm, e->pid);
}

static void print_json(const struct printer *p, const struct dmr_event *e, const char *dev)
{
	uint64_t real = e->ts_ns + p->mono_to_real;
	char devt[32], comm[DMR_TASK_COMM_LEN + 1];
	struct dmr_json j;
	const char *en;

	memcpy(comm, e->comm, DMR_TASK_COMM_LEN);
	comm[DMR_TASK_COMM_LEN] = '\0';
	dmr_json_begin(&j, stdout);
	dmr_json_double(&j, "time", (double)real / 1e9, 6);
	dmr_json_u64(&j, "ts_ns", e->ts_ns);
	dmr_json_str(&j, "event", dmr_event_name(e->type));
	dmr_json_str(&j, "device", dev);
	dmr_json_str(&j, "dev", dmr_devt_str(e->dev, devt, sizeof(devt)));
	switch (e->type) {
	case DMR_EV_IO_ERROR:
		dmr_json_str(&j, "target", dmr_target_name(e->io_error.target));
		dmr_json_str(&j, "op", dmr_op_name(e->io_error.op));
		dmr_json_u64(&j, "sector", e->io_error.sector);
		dmr_json_u64(&j, "nr_sectors", e->io_error.nr_sectors);
		dmr_json_i64(&j, "error", e->io_error.error);
		en = dmr_errno_name(e->io_error.error);
		dmr_json_str(&j, "errno", en);
		break;
	case DMR_EV_PENDING:
		dmr_json_u64(&j, "block", e->pending.block);
		break;
	case DMR_EV_REMAP:
		dmr_json_u64(&j, "block", e->remap.block);
		dmr_json_u64(&j, "spare_block", e->remap.spare_block);
		dmr_json_str(&j, "reason", dmr_reason_name(e->remap.reason));
		break;
	case DMR_EV_LOST:
		dmr_json_u64(&j, "block", e->lost.block);
		dmr_json_u64(&j, "nr_sectors", e->lost.nr_sectors);
		break;
	case DMR_EV_MD_COMMIT:
		dmr_json_u64(&j, "seq", e->md_commit.seq);
		dmr_json_u64(&j, "entries", e->md_commit.entries);
		dmr_json_u64(&j, "latency_ns", e->md_commit.latency_ns);
		dmr_json_i64(&j, "error", e->md_commit.error);
		break;
	case DMR_EV_TEARDOWN:
		dmr_json_str(&j, "phase", dmr_phase_name(e->teardown.phase));
		dmr_json_str(&j, "stage", dmr_stage_name(e->teardown.stage));
		dmr_json_u64(&j, "inflight", e->teardown.inflight);
		break;
	default:
		break;
	}
	dmr_json_str(&j, "comm", comm);
	dmr_json_u64(&j, "pid", e->pid);
	dmr_json_end(&j);
}

static int on_event(void *ctx, void *data, size_t size)
{
	struct printer *p = ctx;
	const struct dmr_event *e = data;
	const char *dev;

	if (size < sizeof(*e))
		return 0;
	dev = dmr_devcache_name(p->names, e->dev);
	if (p->json)
		print_json(p, e, dev);
	else
		print_text(p, e, dev);
	return 0;
}

static int cmd_events(int argc, char **argv)
{
	static const struct argp argp = {
		.options = events_opts,
		.parser = events_parse,
		.args_doc = "[DEVICE...]",
		.doc = events_doc,
	};
	struct dmr_bpf_opts bo = { 0 };
	struct dmr_bpf_links links = { 0 };
	struct events_bpf *skel = NULL;
	struct ring_buffer *rb = NULL;
	struct printer pr = { 0 };
	uint64_t deadline = 0;
	char err[256];
	int ret = 1, n;

	if (argp_parse(&argp, argc, argv, 0, NULL, NULL))
		return EXIT_USAGE;

	bo.verbose = ev_env.verbose;
	bo.force_raw_tp = ev_env.raw_tp;
	bo.need_btf = false;	/* no CO-RE: raw_tp works on kernels without BTF */
	dmr_dm_set_verbose(ev_env.verbose);
	if (dmr_bpf_check_env(&bo, err, sizeof(err))) {
		fprintf(stderr, PROG ": %s\n", err);
		return 1;
	}

	skel = events_bpf__open();
	if (!skel) {
		fprintf(stderr, PROG ": cannot open the BPF object: %s\n", strerror(errno));
		return 1;
	}
	for (int i = 0; i < ev_env.nr_devs; i++) {
		uint32_t kdev;
		int r = dmr_dm_resolve(ev_env.devs[i], &kdev);

		if (r) {
			fprintf(stderr, PROG ": no such dm device '%s'%s%s\n", ev_env.devs[i],
				r == -ENXIO ? "" : ": ", r == -ENXIO ? "" : strerror(-r));
			goto out;
		}
		skel->rodata->filter_devs[i] = kdev;
	}
	skel->rodata->nr_filter_devs = (uint32_t)ev_env.nr_devs;

	if (dmr_bpf_load_attach(skel->obj, &bo, &links, err, sizeof(err))) {
		fprintf(stderr, PROG ": %s\n", err);
		goto out;
	}

	pr.json = ev_env.json;
	pr.names = dmr_devcache_new();
	if (!pr.names) {
		fprintf(stderr, PROG ": out of memory\n");
		goto out;
	}
	dmr_devcache_prime(pr.names);
	pr.mono_to_real = clock_ns(CLOCK_REALTIME) - clock_ns(CLOCK_MONOTONIC);

	rb = ring_buffer__new(bpf_map__fd(skel->maps.events), on_event, &pr, NULL);
	if (!rb) {
		fprintf(stderr, PROG ": cannot open the ring buffer: %s\n", strerror(errno));
		goto out;
	}
	if (dmr_signals_install()) {
		fprintf(stderr, PROG ": cannot install signal handlers: %s\n", strerror(errno));
		goto out;
	}
	setvbuf(stdout, NULL, _IOLBF, 0);
	fprintf(stderr, "Tracing dm_remap events (%s)...%s\n", dmr_attach_mode_name(links.mode),
		ev_env.duration ? "" : " Hit Ctrl-C to end.");
	if (!pr.json)
		printf("%-15s %-16s %-10s %s\n", "TIME", "DEVICE", "EVENT", "FIELDS");
	if (ev_env.duration)
		deadline = clock_ns(CLOCK_MONOTONIC) + ev_env.duration * 1000000000ULL;

	ret = 0;
	while (!dmr_should_exit()) {
		int timeout = 100;

		if (deadline) {
			uint64_t now = clock_ns(CLOCK_MONOTONIC);

			if (now >= deadline)
				break;
			if (deadline - now < 100000000ULL)
				timeout = (int)((deadline - now) / 1000000ULL) + 1;
		}
		n = ring_buffer__poll(rb, timeout);
		if (n == -EINTR)
			continue;
		if (n < 0) {
			fprintf(stderr, PROG ": reading the ring buffer: %s\n", strerror(-n));
			ret = 1;
			break;
		}
	}
	ring_buffer__consume(rb);
	fflush(stdout);
	if (skel->bss->dropped)
		fprintf(stderr, PROG ": %llu events lost (ring buffer full)\n",
			(unsigned long long)skel->bss->dropped);
out:
	ring_buffer__free(rb);
	dmr_bpf_detach(&links);
	events_bpf__destroy(skel);
	dmr_devcache_free(pr.names);
	return ret;
}

/* ----------------------------------------------------------------- latency */

static struct latency_env {
	bool json;
	bool verbose;
	bool raw_tp;
	unsigned long interval;		/* seconds; 0: one report at Ctrl-C/SIGTERM */
	unsigned long count;		/* reports; 0: unlimited */
	int nargs;
} lat_env;

static const struct argp_option latency_opts[] = {
	{ "json", 'j', NULL, 0, "JSON lines output (buckets with Prometheus le bounds)", 0 },
	{ "verbose", 'v', NULL, 0, "libbpf and libdevmapper debug output on stderr", 0 },
	{ "raw-tp", OPT_RAW_TP, NULL, 0, "attach with raw_tp even when module BTF allows tp_btf", 0 },
	{ NULL, 'h', NULL, OPTION_HIDDEN, "show this help", 0 },
	{ 0 },
};

static const char latency_doc[] =
"Summarize the latency of dm-remap I/O as log2 histograms (nanoseconds) per\n"
"device, operation and path (main: served by the main device; spare: by the\n"
"spare, i.e. remapped), with I/O, byte, error and remapped counts per device\n"
"and operation, and the latency of metadata commits per device.\n"
"INTERVAL: seconds between reports (default: one report at Ctrl-C/SIGTERM);\n"
"COUNT: number of reports (default: unlimited).\n"
"\v"
"Histogram slots follow bcc: slot i holds [2^i, 2^(i+1)) ns.  With -j, one\n"
"JSON object per line: \"event\":\"latency\" per device/op/path and\n"
"\"event\":\"md_commit_latency\" per device, each with \"buckets\": every slot up\n"
"to the highest used one as {\"le_ns\",\"le\",\"count\",\"cumulative\"}, where le\n"
"(seconds) = (2^(i+1)-1) ns is the slot's exact upper bound, usable as a\n"
"Prometheus le label; and \"event\":\"io\" per device/op with the counters.\n"
"Only intervals with activity produce lines.\n"
"\n"
"Examples:\n"
"  dmremap-trace latency             # one summary at Ctrl-C\n"
"  dmremap-trace latency 1 10        # ten 1-second reports\n"
"  dmremap-trace latency -j 5        # JSON lines every 5 seconds\n";

static error_t latency_parse(int key, char *arg, struct argp_state *state)
{
	switch (key) {
	case 'j':
		lat_env.json = true;
		break;
	case 'v':
		lat_env.verbose = true;
		break;
	case OPT_RAW_TP:
		lat_env.raw_tp = true;
		break;
	case 'h':
		argp_state_help(state, stdout, ARGP_HELP_STD_HELP);
		break;
	case ARGP_KEY_ARG:
		if (lat_env.nargs == 0) {
			if (!parse_seconds(arg, &lat_env.interval) || !lat_env.interval)
				argp_error(state, "invalid interval '%s': a positive number of seconds",
					   arg);
		} else if (lat_env.nargs == 1) {
			if (!parse_seconds(arg, &lat_env.count) || !lat_env.count)
				argp_error(state, "invalid count '%s': a positive number", arg);
		} else {
			argp_error(state, "too many arguments");
		}
		lat_env.nargs++;
		break;
	default:
		return ARGP_ERR_UNKNOWN;
	}
	return 0;
}

/* "buckets":[...] of slots[0..used) */
static void json_buckets(struct dmr_json *j, const uint64_t *slots, unsigned int n)
{
	unsigned int used = dmr_hist_used(slots, n);
	uint64_t cum = 0;

	dmr_json_key(j, "buckets");
	fputc('[', j->f);
	for (unsigned int i = 0; i < used; i++) {
		cum += slots[i];
		fprintf(j->f, "%s{\"le_ns\":%llu,\"le\":%.9g,\"count\":%llu,\"cumulative\":%llu}",
			i ? "," : "", (unsigned long long)dmr_hist_slot_high(i),
			dmr_hist_le(i, 1e-9), (unsigned long long)slots[i],
			(unsigned long long)cum);
	}
	fputc(']', j->f);
}

static void json_head(struct dmr_json *j, const char *event, double now, double secs,
		      const char *name, uint32_t kdev)
{
	char devt[32];

	dmr_json_begin(j, stdout);
	dmr_json_double(j, "time", now, 6);
	dmr_json_double(j, "interval_s", secs, 3);
	dmr_json_str(j, "event", event);
	dmr_json_str(j, "device", name);
	dmr_json_str(j, "dev", dmr_devt_str(kdev, devt, sizeof(devt)));
}

static void latency_report(const struct dmr_iostats_snap *s, struct dmr_devcache *names, bool json)
{
	double now = (double)clock_ns(CLOCK_REALTIME) / 1e9;
	double secs = (double)s->interval_ns / 1e9;
	struct dmr_json j;
	bool any = false;

	if (!json) {
		time_t t = time(NULL);
		struct tm tm;
		char ts[16];

		localtime_r(&t, &tm);
		strftime(ts, sizeof(ts), "%H:%M:%S", &tm);
		printf("\n%s (%.1f s)\n", ts, secs);
	}
	for (size_t i = 0; i < s->nr_io; i++) {
		const struct dmr_iostats_io *io = &s->io[i];
		const char *name;

		if (!io->v.ios)
			continue;
		any = true;
		name = dmr_devcache_name(names, io->dev);
		if (json) {
			json_head(&j, "io", now, secs, name, io->dev);
			dmr_json_str(&j, "op", dmr_op_name(io->op));
			dmr_json_u64(&j, "ios", io->v.ios);
			dmr_json_u64(&j, "bytes", io->v.bytes);
			dmr_json_u64(&j, "errors", io->v.errors);
			dmr_json_u64(&j, "remapped", io->v.remapped);
			dmr_json_end(&j);
			continue;
		}
		printf("\ndevice = %s, op = %s: %llu I/O, %llu bytes, %llu errors, %llu remapped\n",
		       name, dmr_op_name(io->op), (unsigned long long)io->v.ios,
		       (unsigned long long)io->v.bytes, (unsigned long long)io->v.errors,
		       (unsigned long long)io->v.remapped);
		for (size_t k = 0; k < s->nr_lat; k++) {
			const struct dmr_iostats_lat *l = &s->lat[k];

			if (l->dev != io->dev || l->op != io->op || !l->v.count)
				continue;
			printf("\npath = %s: count %llu, avg %llu ns\n", dmr_path_name(l->path),
			       (unsigned long long)l->v.count,
			       (unsigned long long)(l->v.sum_ns / l->v.count));
			dmr_hist_print(stdout, l->v.slots, DMR_IOSTATS_SLOTS, "nsecs");
		}
	}
	for (size_t k = 0; json && k < s->nr_lat; k++) {
		const struct dmr_iostats_lat *l = &s->lat[k];

		if (!l->v.count)
			continue;
		json_head(&j, "latency", now, secs, dmr_devcache_name(names, l->dev), l->dev);
		dmr_json_str(&j, "op", dmr_op_name(l->op));
		dmr_json_str(&j, "path", dmr_path_name(l->path));
		dmr_json_u64(&j, "count", l->v.count);
		dmr_json_u64(&j, "sum_ns", l->v.sum_ns);
		json_buckets(&j, l->v.slots, DMR_IOSTATS_SLOTS);
		dmr_json_end(&j);
	}
	for (size_t k = 0; k < s->nr_md; k++) {
		const struct dmr_iostats_md *m = &s->md[k];
		const char *name;

		if (!m->v.count)
			continue;
		any = true;
		name = dmr_devcache_name(names, m->dev);
		if (json) {
			json_head(&j, "md_commit_latency", now, secs, name, m->dev);
			dmr_json_u64(&j, "count", m->v.count);
			dmr_json_u64(&j, "sum_ns", m->v.sum_ns);
			dmr_json_u64(&j, "errors", m->v.errors);
			dmr_json_u64(&j, "entries", m->v.entries);
			json_buckets(&j, m->v.slots, DMR_IOSTATS_SLOTS);
			dmr_json_end(&j);
			continue;
		}
		printf("\ndevice = %s, metadata commits: count %llu, avg %llu ns, %llu errors, %llu entries\n",
		       name, (unsigned long long)m->v.count,
		       (unsigned long long)(m->v.sum_ns / m->v.count),
		       (unsigned long long)m->v.errors, (unsigned long long)m->v.entries);
		dmr_hist_print(stdout, m->v.slots, DMR_IOSTATS_SLOTS, "nsecs");
	}
	if (!json && !any)
		printf("no completed I/O\n");
	fflush(stdout);
}

/* forget the entries of devices that are gone, so the maps stay small */
static void latency_prune(struct dmr_iostats *st, const struct dmr_iostats_snap *s)
{
	uint32_t devs[DMR_IOSTATS_MAX_DEVS];
	size_t n = dmr_iostats_devs(s, devs, DMR_IOSTATS_MAX_DEVS);
	char name[DMR_DM_NAME_LEN];

	for (size_t i = 0; i < n; i++)
		if (dmr_dm_name_of(devs[i], name, sizeof(name)) == -ENXIO)
			dmr_iostats_forget(st, devs[i]);
}

static int cmd_latency(int argc, char **argv)
{
	static const struct argp argp = {
		.options = latency_opts,
		.parser = latency_parse,
		.args_doc = "[INTERVAL [COUNT]]",
		.doc = latency_doc,
	};
	struct dmr_iostats_opts o = { 0 };
	struct dmr_iostats_snap snap = { 0 };
	struct dmr_iostats *st = NULL;
	struct dmr_devcache *names = NULL;
	unsigned long done = 0;
	char err[256];
	int ret = 1, r;

	if (argp_parse(&argp, argc, argv, 0, NULL, NULL))
		return EXIT_USAGE;
	o.verbose = lat_env.verbose;
	o.force_raw_tp = lat_env.raw_tp;
	dmr_dm_set_verbose(lat_env.verbose);
	if (dmr_iostats_open(&st, &o, err, sizeof(err))) {
		fprintf(stderr, PROG ": %s\n", err);
		return 1;
	}
	names = dmr_devcache_new();
	if (!names) {
		fprintf(stderr, PROG ": out of memory\n");
		goto out;
	}
	dmr_devcache_prime(names);
	if (dmr_signals_install()) {
		fprintf(stderr, PROG ": cannot install signal handlers: %s\n", strerror(errno));
		goto out;
	}
	setvbuf(stdout, NULL, _IOLBF, 0);
	fprintf(stderr, "Tracing dm_remap I/O latency (%s)...%s\n",
		dmr_attach_mode_name(dmr_iostats_mode(st)),
		lat_env.interval ? "" : " Hit Ctrl-C to end.");

	ret = 0;
	while (!dmr_should_exit()) {
		if (lat_env.interval) {
			struct timespec ts = { .tv_sec = (time_t)lat_env.interval };

			/* a signal ends the sleep early (no SA_RESTART): report then exit */
			nanosleep(&ts, NULL);
		} else {
			pause();
		}
		dmr_devcache_prime(names);
		r = dmr_iostats_read(st, DMR_IOSTATS_INTERVAL, &snap);
		if (r) {
			fprintf(stderr, PROG ": reading the statistics: %s\n", strerror(-r));
			ret = 1;
			break;
		}
		latency_report(&snap, names, lat_env.json);
		latency_prune(st, &snap);
		if (lat_env.count && ++done >= lat_env.count)
			break;
	}
	if (snap.dropped)
		fprintf(stderr, PROG ": %llu updates lost (maps full)\n",
			(unsigned long long)snap.dropped);
out:
	dmr_iostats_snap_free(&snap);
	dmr_iostats_close(st);
	dmr_devcache_free(names);
	return ret;
}

/* -------------------------------------------------------------------- hang */

static struct hang_env {
	bool json;
	bool verbose;
	bool raw_tp;
	unsigned long threshold;	/* seconds */
	unsigned long duration;		/* seconds, 0: until a signal */
} hang_env = { .threshold = 5 };

static const struct argp_option hang_opts[] = {
	{ "threshold", 't', "SECONDS", 0, "report stalls longer than SECONDS (default 5)", 0 },
	{ "json", 'j', NULL, 0, "JSON lines output", 0 },
	{ "duration", 'd', "SECONDS", 0, "stop after SECONDS (default: until Ctrl-C/SIGTERM)", 0 },
	{ "verbose", 'v', NULL, 0, "libbpf and libdevmapper debug output on stderr", 0 },
	{ "raw-tp", OPT_RAW_TP, NULL, 0, "attach with raw_tp even when module BTF allows tp_btf", 0 },
	{ NULL, 'h', NULL, OPTION_HIDDEN, "show this help", 0 },
	{ 0 },
};

static const char hang_doc[] =
"Find what a hanging suspend, remove or I/O of a dm-remap device waits for.\n"
"Reports, once each, every stall longer than the threshold, and again when it\n"
"clears:\n"
"  stuck_work      a work item of any workqueue (any module) executing too\n"
"                  long: function [module], worker pid, kernel stack where it\n"
"                  sleeps\n"
"  stuck_teardown  a dm-remap suspend/resume/destroy phase that does not\n"
"                  finish (phase presuspend with stage exit: dm core waits for\n"
"                  in-flight I/O before postsuspend)\n"
"  stuck_io        a dm-remap I/O outstanding too long (target: main, spare or\n"
"                  worker: held by the target's worker)\n"
"  cleared         a reported stall ended (seconds: its total duration)\n"
"Only what starts while the tracer runs is seen: start it before the\n"
"operation that may hang.\n"
"\v"
"JSON keys: event, time; stuck_work: function, module, pid, comm, seconds,\n"
"stack (array, innermost first); stuck_teardown: device, dev, phase, stage,\n"
"seconds, inflight, pid, comm; stuck_io: device, dev, target, op, sector,\n"
"nr_sectors, seconds; cleared: stall (the event it clears) with that event's\n"
"identifying keys and seconds.  Runbook: docs/tracing.md.\n"
"\n"
"Examples:\n"
"  dmremap-trace hang                # report stalls over 5 s\n"
"  dmremap-trace hang -t 2 -j        # over 2 s, JSON lines\n"
"  dmremap-trace hang -d 60 &        # in the background for a minute,\n"
"  dmsetup remove r0                 #   while reproducing a hang\n";

static error_t hang_parse(int key, char *arg, struct argp_state *state)
{
	switch (key) {
	case 't':
		if (!parse_seconds(arg, &hang_env.threshold) || !hang_env.threshold)
			argp_error(state, "invalid threshold '%s': a positive number of seconds", arg);
		break;
	case 'd':
		if (!parse_seconds(arg, &hang_env.duration) || !hang_env.duration)
			argp_error(state, "invalid duration '%s': a positive number of seconds", arg);
		break;
	case 'j':
		hang_env.json = true;
		break;
	case 'v':
		hang_env.verbose = true;
		break;
	case OPT_RAW_TP:
		hang_env.raw_tp = true;
		break;
	case 'h':
		argp_state_help(state, stdout, ARGP_HELP_STD_HELP);
		break;
	case ARGP_KEY_ARG:
		argp_error(state, "unexpected argument '%s'", arg);
		break;
	default:
		return ARGP_ERR_UNKNOWN;
	}
	return 0;
}

enum stall_kind { STALL_WORK, STALL_TEARDOWN, STALL_IO };

static const char *const stall_names[] = { "stuck_work", "stuck_teardown", "stuck_io" };

/* at most this many stalls are followed at once; more are reported but not cleared */
#define HANG_MAX_REPORTED 1024

struct stall {
	enum stall_kind kind;
	uint64_t key;			/* tid, dev or I/O id */
	uint64_t start_ns;		/* identifies this occurrence */
	bool seen;
	/* what the cleared report repeats */
	char what[DMR_DM_NAME_LEN];	/* function or device */
	char detail[64];		/* module, phase or target */
	uint64_t num;			/* pid or sector */
};

struct hang_state {
	struct hang_bpf *skel;
	struct dmr_ksyms *ksyms;
	unsigned int ksyms_reloads;
	struct dmr_devcache *names;
	struct stall stalls[HANG_MAX_REPORTED];
	int nr_stalls;
	uint64_t threshold_ns;
	uint64_t mono_to_real;
	bool json;
};

static struct stall *stall_find(struct hang_state *h, enum stall_kind kind, uint64_t key,
				uint64_t start_ns)
{
	for (int i = 0; i < h->nr_stalls; i++) {
		struct stall *s = &h->stalls[i];

		if (s->kind == kind && s->key == key && s->start_ns == start_ns)
			return s;
	}
	return NULL;
}

/* returns false when the stall was already reported (and marks it seen) */
static bool stall_new(struct hang_state *h, enum stall_kind kind, uint64_t key,
		      uint64_t start_ns, struct stall **out)
{
	struct stall *s = stall_find(h, kind, key, start_ns);

	*out = NULL;
	if (s) {
		s->seen = true;
		return false;
	}
	if (h->nr_stalls < HANG_MAX_REPORTED) {
		s = &h->stalls[h->nr_stalls++];
		memset(s, 0, sizeof(*s));
		s->kind = kind;
		s->key = key;
		s->start_ns = start_ns;
		s->seen = true;
		*out = s;
	}
	return true;
}

static void hang_time(struct hang_state *h, uint64_t mono, char *buf, size_t len)
{
	uint64_t real = mono + h->mono_to_real;
	time_t secs = (time_t)(real / 1000000000ULL);
	struct tm tm;

	localtime_r(&secs, &tm);
	strftime(buf, len, "%H:%M:%S", &tm);
}

static void json_begin_event(struct hang_state *h, struct dmr_json *j, const char *event,
			     uint64_t now)
{
	dmr_json_begin(j, stdout);
	dmr_json_double(j, "time", (double)(now + h->mono_to_real) / 1e9, 6);
	dmr_json_str(j, "event", event);
}

/* symbol of addr as NAME and MODULE ("vmlinux" for the kernel itself) */
static const struct dmr_ksym *hang_sym(struct hang_state *h, uint64_t addr)
{
	const struct dmr_ksym *k = h->ksyms ? dmr_ksyms_find(h->ksyms, addr) : NULL;

	/* a module loaded after we started: read kallsyms again (a few times at most) */
	if ((!k || (addr - k->addr) > (1 << 20)) && h->ksyms_reloads < 8) {
		struct dmr_ksyms *n = dmr_ksyms_load(NULL);

		h->ksyms_reloads++;
		if (n) {
			dmr_ksyms_free(h->ksyms);
			h->ksyms = n;
			k = dmr_ksyms_find(h->ksyms, addr);
		}
	}
	return k;
}

static void sym_text(struct hang_state *h, uint64_t addr, char *buf, size_t len, bool with_off)
{
	const struct dmr_ksym *k = hang_sym(h, addr);

	if (!k) {
		snprintf(buf, len, "0x%llx", (unsigned long long)addr);
		return;
	}
	if (with_off && addr != k->addr)
		snprintf(buf, len, "%s+0x%llx%s%s%s", k->name,
			 (unsigned long long)(addr - k->addr), *k->module ? " [" : "",
			 k->module, *k->module ? "]" : "");
	else
		snprintf(buf, len, "%s", k->name);
}

static bool tracer_frame(struct hang_state *h, uint64_t addr)
{
	const struct dmr_ksym *k = hang_sym(h, addr);

	if (!k)
		return true;	/* BPF JIT code is not always in kallsyms */
	return !strcmp(k->module, "bpf") || !strncmp(k->name, "bpf_trace_run", 13) ||
	       !strncmp(k->name, "__bpf_trace_", 12) || !strncmp(k->name, "bpf_prog_", 9) ||
	       !strncmp(k->name, "__traceiter_", 12);
}

static void report_work(struct hang_state *h, uint32_t tid, const struct dmr_hang_work *w,
			uint64_t now)
{
	uint64_t ips[DMR_HANG_STACK_DEPTH];
	const struct dmr_ksym *k = hang_sym(h, w->function);
	const char *module = k && *k->module ? k->module : "vmlinux";
	char fn[DMR_DM_NAME_LEN], comm[17], t[16], line[256];
	double secs = (double)(now - w->start_ns) / 1e9;
	int depth = 0;
	struct stall *s;

	if (!stall_new(h, STALL_WORK, tid, w->start_ns, &s))
		return;
	sym_text(h, w->function, fn, sizeof(fn), false);
	memcpy(comm, w->comm, 16);
	comm[16] = '\0';
	if (s) {
		snprintf(s->what, sizeof(s->what), "%s", fn);
		snprintf(s->detail, sizeof(s->detail), "%s", module);
		s->num = tid;
	}
	if (w->stackid >= 0 &&
	    !bpf_map_lookup_elem(bpf_map__fd(h->skel->maps.stacks), &w->stackid, ips)) {
		int skip = 0;

		while (depth < DMR_HANG_STACK_DEPTH && ips[depth])
			depth++;
		/* drop the tracer's own frames: the BPF program and its trampoline */
		while (skip < depth && tracer_frame(h, ips[skip]))
			skip++;
		memmove(ips, ips + skip, (size_t)(depth - skip) * sizeof(ips[0]));
		depth -= skip;
	}

	if (h->json) {
		struct dmr_json j;

		json_begin_event(h, &j, "stuck_work", now);
		dmr_json_str(&j, "function", fn);
		dmr_json_str(&j, "module", module);
		dmr_json_u64(&j, "pid", tid);
		dmr_json_str(&j, "comm", comm);
		dmr_json_double(&j, "seconds", secs, 3);
		dmr_json_key(&j, "stack");
		fputc('[', stdout);
		for (int i = 0; i < depth; i++) {
			sym_text(h, ips[i], line, sizeof(line), true);
			if (i)
				fputc(',', stdout);
			dmr_json_fput_str(stdout, line);
		}
		fputc(']', stdout);
		dmr_json_end(&j);
		return;
	}
	hang_time(h, now, t, sizeof(t));
	printf("%s stuck_work     %s [%s] pid %u (%s) executing for %.1f s\n", t, fn, module,
	       tid, comm, secs);
	if (!depth)
		printf("    (no stack: it has not slept since it started)\n");
	for (int i = 0; i < depth; i++) {
		sym_text(h, ips[i], line, sizeof(line), true);
		printf("    %s\n", line);
	}
}

static void report_teardown(struct hang_state *h, uint32_t dev, const struct dmr_hang_tdown *td,
			    uint64_t now)
{
	const char *name = dmr_devcache_name(h->names, dev);
	const char *phase = dmr_phase_name(td->phase);
	bool waiting = td->stage == DM_REMAP_STAGE_EXIT;
	double secs = (double)(now - td->since_ns) / 1e9;
	char comm[17], devt[32], t[16];
	struct stall *s;

	if (!stall_new(h, STALL_TEARDOWN, dev, td->since_ns, &s))
		return;
	memcpy(comm, td->comm, 16);
	comm[16] = '\0';
	if (s) {
		snprintf(s->what, sizeof(s->what), "%s", name);
		snprintf(s->detail, sizeof(s->detail), "%s", phase);
		s->num = td->stage;
	}
	if (h->json) {
		struct dmr_json j;

		json_begin_event(h, &j, "stuck_teardown", now);
		dmr_json_str(&j, "device", name);
		dmr_json_str(&j, "dev", dmr_devt_str(dev, devt, sizeof(devt)));
		dmr_json_str(&j, "phase", phase);
		dmr_json_str(&j, "stage", dmr_stage_name(td->stage));
		if (waiting)
			dmr_json_str(&j, "waiting", "in-flight I/O before postsuspend");
		dmr_json_double(&j, "seconds", secs, 3);
		dmr_json_u64(&j, "inflight", td->inflight);
		dmr_json_u64(&j, "pid", td->pid);
		dmr_json_str(&j, "comm", comm);
		dmr_json_end(&j);
		return;
	}
	hang_time(h, now, t, sizeof(t));
	printf("%s stuck_teardown %s phase %s%s for %.1f s, inflight %u [%s %u]\n", t, name,
	       phase, waiting ? " exited, dm waits for in-flight I/O before postsuspend" :
	       " not finished", secs, td->inflight, comm, td->pid);
}

static void report_io(struct hang_state *h, uint64_t id, const struct dmr_hang_io *io,
		      uint64_t now)
{
	const char *name = dmr_devcache_name(h->names, io->dev);
	double secs = (double)(now - io->start_ns) / 1e9;
	char devt[32], t[16];
	struct stall *s;

	if (!stall_new(h, STALL_IO, id, io->start_ns, &s))
		return;
	if (s) {
		snprintf(s->what, sizeof(s->what), "%s", name);
		snprintf(s->detail, sizeof(s->detail), "%s", dmr_path_name(io->path));
		s->num = io->sector;
	}
	if (h->json) {
		struct dmr_json j;

		json_begin_event(h, &j, "stuck_io", now);
		dmr_json_str(&j, "device", name);
		dmr_json_str(&j, "dev", dmr_devt_str(io->dev, devt, sizeof(devt)));
		dmr_json_str(&j, "target", dmr_path_name(io->path));
		dmr_json_str(&j, "op", dmr_op_name(io->op));
		dmr_json_u64(&j, "sector", io->sector);
		dmr_json_u64(&j, "nr_sectors", io->nr_sectors);
		dmr_json_double(&j, "seconds", secs, 3);
		dmr_json_end(&j);
		return;
	}
	hang_time(h, now, t, sizeof(t));
	printf("%s stuck_io       %s %s sector %llu + %u target %s outstanding for %.1f s\n", t,
	       name, dmr_op_name(io->op), (unsigned long long)io->sector, io->nr_sectors,
	       dmr_path_name(io->path), secs);
}

static void report_cleared(struct hang_state *h, const struct stall *s, uint64_t now)
{
	double secs = (double)(now - s->start_ns) / 1e9;
	char t[16];

	if (h->json) {
		struct dmr_json j;

		json_begin_event(h, &j, "cleared", now);
		dmr_json_str(&j, "stall", stall_names[s->kind]);
		switch (s->kind) {
		case STALL_WORK:
			dmr_json_str(&j, "function", s->what);
			dmr_json_str(&j, "module", s->detail);
			dmr_json_u64(&j, "pid", s->num);
			break;
		case STALL_TEARDOWN:
			dmr_json_str(&j, "device", s->what);
			dmr_json_str(&j, "phase", s->detail);
			dmr_json_str(&j, "stage", dmr_stage_name((uint32_t)s->num));
			break;
		case STALL_IO:
			dmr_json_str(&j, "device", s->what);
			dmr_json_str(&j, "target", s->detail);
			dmr_json_u64(&j, "sector", s->num);
			break;
		}
		dmr_json_double(&j, "seconds", secs, 3);
		dmr_json_end(&j);
		return;
	}
	hang_time(h, now, t, sizeof(t));
	switch (s->kind) {
	case STALL_WORK:
		printf("%s cleared        stuck_work %s [%s] pid %llu after %.1f s\n", t, s->what,
		       s->detail, (unsigned long long)s->num, secs);
		break;
	case STALL_TEARDOWN:
		printf("%s cleared        stuck_teardown %s phase %s after %.1f s\n", t, s->what,
		       s->detail, secs);
		break;
	case STALL_IO:
		printf("%s cleared        stuck_io %s sector %llu target %s after %.1f s\n", t,
		       s->what, (unsigned long long)s->num, s->detail, secs);
		break;
	}
}

/* one poll: report new stalls, then the ones that ended */
static void hang_poll(struct hang_state *h)
{
	uint64_t now = clock_ns(CLOCK_MONOTONIC);
	int fd;

	for (int i = 0; i < h->nr_stalls; i++)
		h->stalls[i].seen = false;

	/* bounded walks: each map is at most max_entries long */
	fd = bpf_map__fd(h->skel->maps.works);
	{
		uint32_t key, next, *prev = NULL;
		struct dmr_hang_work w;

		for (int n = 0; n < DMR_HANG_MAX_WORKERS && !bpf_map_get_next_key(fd, prev, &next);
		     n++) {
			key = next;
			prev = &key;
			if (bpf_map_lookup_elem(fd, &key, &w) || w.start_ns > now ||
			    now - w.start_ns < h->threshold_ns)
				continue;
			report_work(h, key, &w, now);
		}
	}
	fd = bpf_map__fd(h->skel->maps.tdown);
	{
		uint32_t key, next, *prev = NULL;
		struct dmr_hang_tdown td;

		for (int n = 0; n < DMR_HANG_MAX_DEVS && !bpf_map_get_next_key(fd, prev, &next);
		     n++) {
			key = next;
			prev = &key;
			if (bpf_map_lookup_elem(fd, &key, &td) || td.since_ns > now ||
			    now - td.since_ns < h->threshold_ns)
				continue;
			report_teardown(h, key, &td, now);
		}
	}
	fd = bpf_map__fd(h->skel->maps.ios);
	{
		uint64_t key, next, *prev = NULL;
		struct dmr_hang_io io;

		for (int n = 0; n < DMR_HANG_MAX_IOS && !bpf_map_get_next_key(fd, prev, &next);
		     n++) {
			key = next;
			prev = &key;
			if (bpf_map_lookup_elem(fd, &key, &io) || io.start_ns > now ||
			    now - io.start_ns < h->threshold_ns)
				continue;
			report_io(h, key, &io, now);
		}
	}

	for (int i = 0; i < h->nr_stalls;) {
		if (h->stalls[i].seen) {
			i++;
			continue;
		}
		report_cleared(h, &h->stalls[i], now);
		h->stalls[i] = h->stalls[--h->nr_stalls];
	}
	fflush(stdout);
}

static int cmd_hang(int argc, char **argv)
{
	static const struct argp argp = {
		.options = hang_opts,
		.parser = hang_parse,
		.args_doc = "",
		.doc = hang_doc,
	};
	struct dmr_bpf_opts bo = { 0 };
	struct dmr_bpf_links links = { 0 };
	struct hang_state *h;
	uint64_t deadline = 0, poll_ns, last_prime = 0;
	char err[256];
	int ret = 1;

	if (argp_parse(&argp, argc, argv, 0, NULL, NULL))
		return EXIT_USAGE;
	bo.verbose = hang_env.verbose;
	bo.force_raw_tp = hang_env.raw_tp;
	bo.need_btf = false;
	dmr_dm_set_verbose(hang_env.verbose);
	if (dmr_bpf_check_env(&bo, err, sizeof(err))) {
		fprintf(stderr, PROG ": %s\n", err);
		return 1;
	}
	h = calloc(1, sizeof(*h));
	if (!h) {
		fprintf(stderr, PROG ": out of memory\n");
		return 1;
	}
	h->json = hang_env.json;
	h->threshold_ns = hang_env.threshold * 1000000000ULL;
	h->skel = hang_bpf__open();
	if (!h->skel) {
		fprintf(stderr, PROG ": cannot open the BPF object: %s\n", strerror(errno));
		goto out;
	}
	h->ksyms = dmr_ksyms_load(NULL);
	if (!h->ksyms || dmr_ksyms_hidden(h->ksyms)) {
		fprintf(stderr, PROG ": cannot read kernel symbols from /proc/kallsyms%s\n",
			h->ksyms ? " (addresses hidden)" : "");
		goto out;
	}
	if (dmr_bpf_load_attach(h->skel->obj, &bo, &links, err, sizeof(err))) {
		fprintf(stderr, PROG ": %s\n", err);
		goto out;
	}
	h->names = dmr_devcache_new();
	if (!h->names) {
		fprintf(stderr, PROG ": out of memory\n");
		goto out;
	}
	dmr_devcache_prime(h->names);
	h->mono_to_real = clock_ns(CLOCK_REALTIME) - clock_ns(CLOCK_MONOTONIC);
	if (dmr_signals_install()) {
		fprintf(stderr, PROG ": cannot install signal handlers: %s\n", strerror(errno));
		goto out;
	}
	setvbuf(stdout, NULL, _IOLBF, 0);
	fprintf(stderr, "Tracing stalls over %lu s (work items, dm_remap teardown via %s, I/O)...%s\n",
		hang_env.threshold, dmr_attach_mode_name(links.mode),
		hang_env.duration ? "" : " Hit Ctrl-C to end.");
	if (!h->json)
		printf("%-8s %-14s %s\n", "TIME", "EVENT", "DETAILS");
	/* poll 4 times per threshold, at least every second */
	poll_ns = h->threshold_ns / 4 < 1000000000ULL ? h->threshold_ns / 4 : 1000000000ULL;
	if (hang_env.duration)
		deadline = clock_ns(CLOCK_MONOTONIC) + hang_env.duration * 1000000000ULL;

	ret = 0;
	while (!dmr_should_exit()) {
		struct timespec ts = { .tv_sec = (time_t)(poll_ns / 1000000000ULL),
				       .tv_nsec = (long)(poll_ns % 1000000000ULL) };
		uint64_t now;

		nanosleep(&ts, NULL);
		now = clock_ns(CLOCK_MONOTONIC);
		/* learn names of new devices (a removed device keeps its last name) */
		if (now - last_prime >= 2000000000ULL) {
			dmr_devcache_prime(h->names);
			last_prime = now;
		}
		hang_poll(h);
		if (deadline && clock_ns(CLOCK_MONOTONIC) >= deadline)
			break;
	}
	if (h->skel->bss->dropped_works || h->skel->bss->dropped_ios || h->skel->bss->dropped_tdown)
		fprintf(stderr, PROG ": not tracked (maps full): %llu work items, %llu I/Os, %llu devices\n",
			(unsigned long long)h->skel->bss->dropped_works,
			(unsigned long long)h->skel->bss->dropped_ios,
			(unsigned long long)h->skel->bss->dropped_tdown);
out:
	dmr_bpf_detach(&links);
	hang_bpf__destroy(h->skel);
	dmr_ksyms_free(h->ksyms);
	dmr_devcache_free(h->names);
	free(h);
	return ret;
}

/* ----------------------------------------------------------------- main */

static const struct dmr_command commands[] = {
	{ "events", cmd_events, "remap, I/O error, pending, lost, metadata commit and teardown events" },
	{ "latency", cmd_latency, "latency histograms per device, op and path; metadata commits" },
	{ "hang", cmd_hang, "stalled work items, teardown phases and I/O, each reported once" },
};

#define NR_COMMANDS (sizeof(commands) / sizeof(commands[0]))

static const char main_doc[] =
"Trace dm-remap devices through the dm_remap module's tracepoints (CO-RE BPF;\n"
"tp_btf when the module has BTF, raw_tp otherwise).  Runs as root.\n"
"\v"
"Commands:\n"
"  events     remap, I/O error, pending, lost, metadata commit and teardown\n"
"             events, one per line (or JSON lines with -j)\n"
"  latency    log2 latency histograms per device, op and path (main/spare),\n"
"             I/O counters, metadata commit latency; per interval\n"
"  hang       teardown-hang debugger: work items, suspend/teardown phases and\n"
"             I/Os stalled longer than a threshold, reported once and cleared\n"
"\n"
"Examples:\n"
"  dmremap-trace events              # every event of every remap device\n"
"  dmremap-trace latency 1 5         # five 1-second latency reports\n"
"  dmremap-trace hang -t 2           # stalls longer than 2 seconds\n"
"  dmremap-trace events -j r0        # JSON lines, device r0 only\n"
"  dmremap-trace events -d 10        # stop after 10 seconds\n"
"  dmremap-trace events -h           # options of a command\n";

int main(int argc, char **argv)
{
	return dmr_command_main(PROG, main_doc, commands, NR_COMMANDS, argc, argv, EXIT_USAGE);
}
