// SPDX-License-Identifier: GPL-2.0
/*
 * hang_report.c - one text paragraph or one JSON line per stall of
 * `dmremap-trace hang` (field names: contract section 6, dmremap-trace(8)).
 */
#define _GNU_SOURCE
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "json.h"
#include "names.h"
#include "hang_scan.h"

/* how deep the chain of devices below a stuck device is followed */
#define LOWER_DEPTH 4

static void hms(const struct hang_out *o, uint64_t mono, char *buf, size_t len)
{
	time_t secs = (time_t)((mono + o->mono_to_real) / 1000000000ULL);
	struct tm tm;

	localtime_r(&secs, &tm);
	strftime(buf, len, "%H:%M:%S", &tm);
}

static void json_head(const struct hang_out *o, struct dmr_json *j, const char *event,
		      uint64_t now)
{
	dmr_json_begin(j, stdout);
	dmr_json_double(j, "time", (double)(now + o->mono_to_real) / 1e9, 6);
	dmr_json_str(j, "event", event);
}

static void json_stack(struct dmr_json *j, const struct dmr_ktask *t)
{
	dmr_json_key(j, "stack");
	fputc('[', j->f);
	for (int i = 0; i < t->nr_frames; i++) {
		if (i)
			fputc(',', j->f);
		dmr_json_fput_str(j->f, t->frames[i]);
	}
	fputc(']', j->f);
}

static void text_stack(const struct dmr_ktask *t)
{
	if (!t->nr_frames)
		printf("    (stack unreadable)\n");
	for (int i = 0; i < t->nr_frames; i++)
		printf("    %s\n", t->frames[i]);
}

static const char *blk_state(const struct dmr_blk *b)
{
	if (b->is_dm && b->suspended)
		return "suspended";
	return b->inflight ? "busy" : "idle";
}

static const char *role_of(const struct hang_teardown *t, uint32_t kdev)
{
	if (t->main_dev && kdev == t->main_dev)
		return "main";
	if (t->spare_dev && kdev == t->spare_dev)
		return "spare";
	return NULL;
}

/* "lower":[{device, dev, role, dm, state, suspended, inflight, lower:[...]}] */
static void json_lower(FILE *f, const struct hang_teardown *t, const struct dmr_blk *up,
		       int depth)
{
	fputs("[", f);
	for (int i = 0; i < up->nr_lower; i++) {
		struct dmr_blk b;
		struct dmr_json j;
		char devt[32];
		const char *role;

		if (dmr_blk_read(up->lower[i], &b))
			continue;
		if (i)
			fputc(',', f);
		dmr_json_begin(&j, f);
		dmr_json_str(&j, "device", b.name[0] ? b.name : b.kname);
		dmr_json_str(&j, "dev", dmr_devt_str(b.kdev, devt, sizeof(devt)));
		role = depth == 0 ? role_of(t, b.kdev) : NULL;
		if (role)
			dmr_json_str(&j, "role", role);
		dmr_json_bool(&j, "dm", b.is_dm);
		dmr_json_str(&j, "state", blk_state(&b));
		dmr_json_bool(&j, "suspended", b.suspended);
		dmr_json_u64(&j, "inflight", b.inflight);
		if (b.nr_lower && depth + 1 < LOWER_DEPTH) {
			dmr_json_key(&j, "lower");
			json_lower(f, t, &b, depth + 1);
		}
		/* close the object without the newline dmr_json_end writes */
		fputc('}', f);
	}
	fputs("]", f);
}

static void text_lower(const struct hang_teardown *t, const struct dmr_blk *up, int depth)
{
	for (int i = 0; i < up->nr_lower; i++) {
		struct dmr_blk b;
		const char *role;
		char devt[32];

		if (dmr_blk_read(up->lower[i], &b))
			continue;
		role = depth == 0 ? role_of(t, b.kdev) : NULL;
		printf("    %*slower %s (%s%s%s%s): %s, %u in flight\n", depth * 2, "",
		       b.name[0] ? b.name : b.kname, b.is_dm ? "dm " : "",
		       dmr_devt_str(b.kdev, devt, sizeof(devt)), role ? ", the " : "",
		       role ? role : "", blk_state(&b), b.inflight);
		if (b.nr_lower && depth + 1 < LOWER_DEPTH)
			text_lower(t, &b, depth + 1);
	}
}

void hang_print_work(const struct hang_out *o, const struct hang_work *w, uint64_t now)
{
	char t[16];

	if (o->json) {
		struct dmr_json j;

		json_head(o, &j, "stuck_work", now);
		dmr_json_str(&j, "function", w->function);
		dmr_json_str(&j, "module", w->module);
		dmr_json_str(&j, "workqueue", w->workqueue);
		dmr_json_u64(&j, "pid", (uint64_t)w->task.tid);
		dmr_json_str(&j, "comm", w->task.comm);
		dmr_json_double(&j, "seconds", w->seconds, 3);
		json_stack(&j, &w->task);
		dmr_json_end(&j);
		return;
	}
	hms(o, now, t, sizeof(t));
	printf("%s stuck_work     %s [%s] of workqueue %s, pid %d (%s), asleep for %.1f s\n", t,
	       w->function, w->module, w->workqueue, (int)w->task.tid, w->task.comm, w->seconds);
	text_stack(&w->task);
}

void hang_print_teardown(const struct hang_out *o, const struct hang_teardown *td, uint64_t now)
{
	struct dmr_blk b;
	bool have = td->kname[0] && !dmr_blk_read(td->kname, &b);
	char t[16], devt[32];

	if (o->json) {
		struct dmr_json j;

		json_head(o, &j, "stuck_teardown", now);
		dmr_json_str(&j, "device", td->device);
		if (have)
			dmr_json_str(&j, "dev", dmr_devt_str(b.kdev, devt, sizeof(devt)));
		dmr_json_str(&j, "operation", td->operation);
		dmr_json_str(&j, "phase", td->phase);
		dmr_json_double(&j, "seconds", td->seconds, 3);
		dmr_json_u64(&j, "inflight", td->inflight);
		dmr_json_str(&j, "waits_in", td->waits_in);
		dmr_json_u64(&j, "pid", (uint64_t)td->task.tid);
		dmr_json_str(&j, "comm", td->task.comm);
		dmr_json_key(&j, "lower");
		if (have)
			json_lower(stdout, td, &b, 0);
		else
			fputs("[]", stdout);
		json_stack(&j, &td->task);
		dmr_json_end(&j);
		return;
	}
	hms(o, now, t, sizeof(t));
	printf("%s stuck_teardown %s %s, phase %s, for %.1f s: %u I/O in flight; pid %d (%s) waits in %s\n",
	       t, td->device, td->operation, td->phase, td->seconds, td->inflight,
	       (int)td->task.tid, td->task.comm, td->waits_in);
	if (have)
		text_lower(td, &b, 0);
	text_stack(&td->task);
}

/* "r0 target held: 67 I/O held in dm core, r0 suspended (dmsetup resume releases them), ..." */
static void print_held_text(const char *t, const struct hang_io *io)
{
	printf("%s stuck_io       %s target held: %s%llu I/O held in dm core, %s, oldest %s%.1f s",
	       t, io->device, io->count_exact ? "" : "at least ", (unsigned long long)io->count,
	       io->suspended ? "the device is suspended (dmsetup resume releases them)" :
			       "the device is being suspended (see its stuck_teardown)",
	       io->age_exact ? "" : "at least ", io->seconds);
	if (io->has_sector)
		printf(" at sector %llu", (unsigned long long)io->sector);
	putchar('\n');
}

/*
 * "held_below":{device, dev, count, count_exact, suspended, seconds, sector}
 * or null: what a suspended dm device below holds of a stuck_io's target
 */
static void json_below(const struct hang_io *io)
{
	const struct hang_below *b = &io->below;
	struct dmr_json j;
	char devt[32];

	if (!io->has_below) {
		fputs("null", stdout);
		return;
	}
	dmr_json_begin(&j, stdout);
	dmr_json_str(&j, "device", b->device);
	dmr_json_str(&j, "dev", dmr_devt_str(b->kdev, devt, sizeof(devt)));
	dmr_json_u64(&j, "count", b->count);
	dmr_json_bool(&j, "count_exact", b->count_exact);
	dmr_json_bool(&j, "suspended", b->suspended);
	if (b->timed) {
		dmr_json_double(&j, "seconds", b->seconds, 3);
		dmr_json_u64(&j, "sector", b->sector);
	} else {
		dmr_json_str(&j, "seconds", NULL);
		dmr_json_str(&j, "sector", NULL);
	}
	/* close the object without the newline dmr_json_end writes */
	fputc('}', stdout);
}

/* "; splin (dm, suspended) holds 1 I/O in dm core, the oldest issued 12.3 s ago at its sector 8" */
static void text_below(const struct hang_below *b)
{
	printf("; %s (dm, %s) holds %s%llu I/O in dm core", b->device,
	       b->suspended ? "suspended" : "being suspended", b->count_exact ? "" : "at least ",
	       (unsigned long long)b->count);
	if (b->timed)
		printf(", the oldest issued %.1f s ago at its sector %llu", b->seconds,
		       (unsigned long long)b->sector);
}

void hang_print_io(const struct hang_out *o, const struct hang_io *io, uint64_t now)
{
	char t[16], devt[32];

	if (o->json) {
		struct dmr_json j;

		json_head(o, &j, "stuck_io", now);
		dmr_json_str(&j, "device", io->device);
		dmr_json_str(&j, "dev", dmr_devt_str(io->kdev, devt, sizeof(devt)));
		dmr_json_str(&j, "target", io->target);
		dmr_json_u64(&j, "count", io->count);
		dmr_json_double(&j, "seconds", io->seconds, 3);
		dmr_json_bool(&j, "age_exact", io->age_exact);
		if (io->has_sector)
			dmr_json_u64(&j, "sector", io->sector);
		else
			dmr_json_str(&j, "sector", NULL);
		if (io->held) {
			dmr_json_bool(&j, "count_exact", io->count_exact);
			dmr_json_bool(&j, "suspended", io->suspended);
		} else {
			dmr_json_key(&j, "held_below");
			json_below(io);
		}
		dmr_json_end(&j);
		return;
	}
	hms(o, now, t, sizeof(t));
	if (io->held) {
		print_held_text(t, io);
		return;
	}
	printf("%s stuck_io       %s target %s: %llu I/O outstanding, oldest %s%.1f s", t,
	       io->device, io->target, (unsigned long long)io->count,
	       io->age_exact ? "" : "at least ", io->seconds);
	if (io->has_sector)
		printf(" at sector %llu", (unsigned long long)io->sector);
	else
		printf(" (from dm's counters: no sector, the age is a lower bound)");
	if (io->has_below)
		text_below(&io->below);
	putchar('\n');
}

static const char *const kind_names[] = { "stuck_work", "stuck_teardown", "stuck_io" };

void hang_print_cleared(const struct hang_out *o, enum stall_kind kind, const char *what,
			const char *detail, uint64_t num, double seconds, uint64_t now)
{
	char t[16];

	if (o->json) {
		struct dmr_json j;

		json_head(o, &j, "cleared", now);
		dmr_json_str(&j, "stall", kind_names[kind]);
		switch (kind) {
		case STALL_WORK:
			dmr_json_str(&j, "function", what);
			dmr_json_str(&j, "module", detail);
			dmr_json_u64(&j, "pid", num);
			break;
		case STALL_TEARDOWN:
			dmr_json_str(&j, "device", what);
			dmr_json_str(&j, "operation", detail);
			dmr_json_u64(&j, "pid", num);
			break;
		case STALL_IO:
			dmr_json_str(&j, "device", what);
			dmr_json_str(&j, "target", detail);
			dmr_json_u64(&j, "count", num);
			break;
		}
		dmr_json_double(&j, "seconds", seconds, 3);
		dmr_json_end(&j);
		return;
	}
	hms(o, now, t, sizeof(t));
	switch (kind) {
	case STALL_WORK:
		printf("%s cleared        stuck_work %s [%s] pid %llu after %.1f s\n", t, what,
		       detail, (unsigned long long)num, seconds);
		break;
	case STALL_TEARDOWN:
		printf("%s cleared        stuck_teardown %s %s after %.1f s\n", t, what, detail,
		       seconds);
		break;
	case STALL_IO:
		printf("%s cleared        stuck_io %s target %s after %.1f s\n", t, what, detail,
		       seconds);
		break;
	}
}

void hang_print_overflow(const struct hang_out *o, uint64_t not_followed, uint64_t now)
{
	char t[16];

	if (o->json) {
		struct dmr_json j;

		json_head(o, &j, "overflow", now);
		dmr_json_u64(&j, "not_followed", not_followed);
		dmr_json_end(&j);
		return;
	}
	hms(o, now, t, sizeof(t));
	printf("%s overflow       more than %d stalls at once: the others are counted, not reported\n",
	       t, HANG_MAX_STALLS);
}
