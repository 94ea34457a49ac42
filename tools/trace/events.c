// SPDX-License-Identifier: GPL-2.0
/*
 * events.c - `dmremap-trace events`: one line (or JSON object) per remap,
 * I/O error, pending, lost, metadata commit and teardown event of the
 * dm_remap tracepoints (bpf/events.bpf.c).
 */
#define _GNU_SOURCE
#include <argp.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <linux/types.h>

#include "bpf_attach.h"
#include "cli.h"
#include "clock.h"
#include "devcache.h"
#include "dmr_events.h"
#include "dm.h"
#include "json.h"
#include "names.h"
#include "signals.h"
#include "dm_remap_events.h"
#include "events.h"
#include "trace.h"


/* DEVICE...: the devices to trace (none: every device) */
static const char *devs[DMR_MAX_FILTER_DEVS];

static struct dmr_cli cli = {
	.opts = DMR_CLI_BPF | DMR_CLI_JSON | DMR_CLI_DURATION,
	.args = devs, .max_args = DMR_MAX_FILTER_DEVS, .args_what = "devices",
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

static int cmd_events(void)
{
	uint32_t kdevs[DMR_MAX_FILTER_DEVS];
	struct dmr_events *ev = NULL;
	struct dmr_bpf_opts bo;
	struct printer pr = { .json = cli.json };
	uint64_t deadline = 0;
	char err[256];
	int ret = 1, n;

	if (dmr_bpf_setup(&bo, &cli, err, sizeof(err))) {
		fprintf(stderr, PROG ": %s\n", err);
		return 1;
	}
	for (int i = 0; i < cli.nr_args; i++) {
		int r = dmr_dm_resolve(devs[i], &kdevs[i]);

		if (r) {
			fprintf(stderr, PROG ": no such dm device '%s'%s%s\n", devs[i],
				r == -ENXIO ? "" : ": ", r == -ENXIO ? "" : strerror(-r));
			return 1;
		}
	}
	if (dmr_events_open(&ev, &bo, kdevs, cli.nr_args, on_event, &pr, err, sizeof(err))) {
		fprintf(stderr, PROG ": %s\n", err);
		return 1;
	}
	/* after attaching: a device made meanwhile is named too */
	pr.names = dmr_devcache_new();
	if (!pr.names) {
		fprintf(stderr, PROG ": out of memory\n");
		goto out;
	}
	dmr_devcache_prime(pr.names);
	pr.mono_to_real = dmr_mono_to_real_ns();
	if (dmr_signals_install()) {
		fprintf(stderr, PROG ": cannot install signal handlers: %s\n", strerror(errno));
		goto out;
	}
	setvbuf(stdout, NULL, _IOLBF, 0);
	fprintf(stderr, "Tracing dm_remap events (%s)...%s\n",
		dmr_attach_mode_name(dmr_events_mode(ev)), cli.duration ? "" : " Hit Ctrl-C to end.");
	if (!pr.json)
		printf("%-15s %-16s %-10s %s\n", "TIME", "DEVICE", "EVENT", "FIELDS");
	if (cli.duration)
		deadline = dmr_mono_ns() + cli.duration * 1000000000ULL;

	ret = 0;
	while (!dmr_should_exit()) {
		int timeout = 100;

		if (deadline) {
			uint64_t now = dmr_mono_ns();

			if (now >= deadline)
				break;
			if (deadline - now < 100000000ULL)
				timeout = (int)((deadline - now) / 1000000ULL) + 1;
		}
		n = dmr_events_poll(ev, timeout);
		if (n == -EINTR)
			continue;
		if (n < 0) {
			fprintf(stderr, PROG ": reading the ring buffer: %s\n", strerror(-n));
			ret = 1;
			break;
		}
	}
	dmr_events_consume(ev);
	fflush(stdout);
	if (dmr_events_dropped(ev))
		fprintf(stderr, PROG ": %llu events lost (ring buffer full)\n",
			(unsigned long long)dmr_events_dropped(ev));
out:
	dmr_events_close(ev);
	dmr_devcache_free(pr.names);
	return ret;
}

const struct dmr_command trace_events = {
	.name = "events", .cli = &cli, .run = cmd_events,
	.argp = { .args_doc = "[DEVICE...]", .doc = events_doc },
};
