// SPDX-License-Identifier: GPL-2.0
/*
 * latency.c - `dmremap-trace latency`: log2 latency histograms per device,
 * op and path, I/O counters and metadata commit latency, per interval
 * (tools/lib/dmr_iostats, bpf/iostats.bpf.c).
 */
#define _GNU_SOURCE
#include <argp.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "cli.h"
#include "clock.h"
#include "devcache.h"
#include "dm.h"
#include "dmr_iostats.h"
#include "hist.h"
#include "json.h"
#include "names.h"
#include "signals.h"
#include "trace.h"


static struct latency_env {
	struct dmr_cli cli;
	unsigned long interval;		/* seconds; 0: one report at Ctrl-C/SIGTERM */
	unsigned long count;		/* reports; 0: unlimited */
	int nargs;
} lat_env = {
	.cli.opts = DMR_CLI_BPF | DMR_CLI_JSON,
	.cli.json_doc = "JSON lines output (buckets with Prometheus le bounds)",
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
	case ARGP_KEY_ARG:
		if (lat_env.nargs == 0) {
			if (!dmr_parse_seconds(arg, &lat_env.interval) || !lat_env.interval)
				argp_error(state, "invalid interval '%s': a positive number of seconds",
					   arg);
		} else if (lat_env.nargs == 1) {
			if (!dmr_parse_seconds(arg, &lat_env.count) || !lat_env.count)
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

/* one report: its snapshot and how it is printed */
struct report {
	const struct dmr_iostats_snap *s;
	struct dmr_devcache *names;
	bool json;
	double now, secs;	/* wall clock time of the report, interval */
	struct dmr_json j;
};

/* a JSON line begun with what every line of the report has */
static void json_head(struct report *r, const char *event, uint32_t kdev)
{
	char devt[32];

	dmr_json_begin(&r->j, stdout);
	dmr_json_double(&r->j, "time", r->now, 6);
	dmr_json_double(&r->j, "interval_s", r->secs, 3);
	dmr_json_str(&r->j, "event", event);
	dmr_json_str(&r->j, "device", dmr_devcache_name(r->names, kdev));
	dmr_json_str(&r->j, "dev", dmr_devt_str(kdev, devt, sizeof(devt)));
}

/* counters of (device, op); as text, followed by its latency histograms */
static void report_io(struct report *r, const struct dmr_iostats_io *io)
{
	if (r->json) {
		json_head(r, "io", io->dev);
		dmr_json_str(&r->j, "op", dmr_op_name(io->op));
		dmr_json_u64(&r->j, "ios", io->v.ios);
		dmr_json_u64(&r->j, "bytes", io->v.bytes);
		dmr_json_u64(&r->j, "errors", io->v.errors);
		dmr_json_u64(&r->j, "remapped", io->v.remapped);
		dmr_json_end(&r->j);
		return;
	}
	printf("\ndevice = %s, op = %s: %llu I/O, %llu bytes, %llu errors, %llu remapped\n",
	       dmr_devcache_name(r->names, io->dev), dmr_op_name(io->op),
	       (unsigned long long)io->v.ios, (unsigned long long)io->v.bytes,
	       (unsigned long long)io->v.errors, (unsigned long long)io->v.remapped);
	for (size_t k = 0; k < r->s->nr_lat; k++) {
		const struct dmr_iostats_lat *l = &r->s->lat[k];

		if (l->dev != io->dev || l->op != io->op || !l->v.count)
			continue;
		printf("\npath = %s: count %llu, avg %llu ns\n", dmr_path_name(l->path),
		       (unsigned long long)l->v.count, (unsigned long long)(l->v.sum_ns / l->v.count));
		dmr_hist_print(stdout, l->v.slots, DMR_IOSTATS_SLOTS, "nsecs");
	}
}

/* one latency histogram of (device, op, path): JSON only (text: report_io) */
static void report_lat_json(struct report *r, const struct dmr_iostats_lat *l)
{
	json_head(r, "latency", l->dev);
	dmr_json_str(&r->j, "op", dmr_op_name(l->op));
	dmr_json_str(&r->j, "path", dmr_path_name(l->path));
	dmr_json_u64(&r->j, "count", l->v.count);
	dmr_json_u64(&r->j, "sum_ns", l->v.sum_ns);
	json_buckets(&r->j, l->v.slots, DMR_IOSTATS_SLOTS);
	dmr_json_end(&r->j);
}

/* metadata commits of a device */
static void report_md(struct report *r, const struct dmr_iostats_md *m)
{
	if (r->json) {
		json_head(r, "md_commit_latency", m->dev);
		dmr_json_u64(&r->j, "count", m->v.count);
		dmr_json_u64(&r->j, "sum_ns", m->v.sum_ns);
		dmr_json_u64(&r->j, "errors", m->v.errors);
		dmr_json_u64(&r->j, "entries", m->v.entries);
		json_buckets(&r->j, m->v.slots, DMR_IOSTATS_SLOTS);
		dmr_json_end(&r->j);
		return;
	}
	printf("\ndevice = %s, metadata commits: count %llu, avg %llu ns, %llu errors, %llu entries\n",
	       dmr_devcache_name(r->names, m->dev), (unsigned long long)m->v.count,
	       (unsigned long long)(m->v.sum_ns / m->v.count),
	       (unsigned long long)m->v.errors, (unsigned long long)m->v.entries);
	dmr_hist_print(stdout, m->v.slots, DMR_IOSTATS_SLOTS, "nsecs");
}

static void latency_report(const struct dmr_iostats_snap *s, struct dmr_devcache *names, bool json)
{
	struct report r = {
		.s = s, .names = names, .json = json,
		.now = (double)dmr_clock_ns(CLOCK_REALTIME) / 1e9,
		.secs = (double)s->interval_ns / 1e9,
	};
	bool any = false;

	if (!json) {
		time_t t = time(NULL);
		struct tm tm;
		char ts[16];

		localtime_r(&t, &tm);
		strftime(ts, sizeof(ts), "%H:%M:%S", &tm);
		printf("\n%s (%.1f s)\n", ts, r.secs);
	}
	for (size_t i = 0; i < s->nr_io; i++)
		if (s->io[i].v.ios) {
			report_io(&r, &s->io[i]);
			any = true;
		}
	for (size_t k = 0; json && k < s->nr_lat; k++)
		if (s->lat[k].v.count)
			report_lat_json(&r, &s->lat[k]);
	for (size_t k = 0; k < s->nr_md; k++)
		if (s->md[k].v.count) {
			report_md(&r, &s->md[k]);
			any = true;
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

static int cmd_latency(void)
{
	struct dmr_iostats_opts o = { 0 };
	struct dmr_iostats_snap snap = { 0 };
	struct dmr_iostats *st = NULL;
	struct dmr_devcache *names = NULL;
	unsigned long done = 0;
	char err[256];
	int ret = 1, r;

	o.verbose = lat_env.cli.verbose;
	o.force_raw_tp = lat_env.cli.raw_tp;
	dmr_dm_set_verbose(lat_env.cli.verbose);
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
		latency_report(&snap, names, lat_env.cli.json);
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

const struct dmr_command trace_latency = {
	.name = "latency", .cli = &lat_env.cli, .run = cmd_latency,
	.argp = { .parser = latency_parse, .args_doc = "[INTERVAL [COUNT]]", .doc = latency_doc },
};
