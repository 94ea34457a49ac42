// SPDX-License-Identifier: GPL-2.0
/*
 * dmr_meta_print.c - the text and JSON-lines output of dmremap-meta.
 */
#define _GNU_SOURCE
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "dmr_meta_print.h"
#include "json.h"

#define U(x) ((unsigned long long)(x))

char *dmr_time_str(uint64_t secs, char *out, size_t outlen)
{
	time_t t = (time_t)secs;
	struct tm tm;

	if (!secs || (uint64_t)t != secs || !gmtime_r(&t, &tm)) {
		snprintf(out, outlen, secs ? "invalid" : "never");
		return out;
	}
	strftime(out, outlen, "%Y-%m-%d %H:%M:%S UTC", &tm);
	return out;
}

char *dmr_size_str(uint64_t bytes, char *out, size_t outlen)
{
	static const char *const units[] = { "B", "KiB", "MiB", "GiB", "TiB", "PiB", "EiB" };
	double v = (double)bytes;
	int u = 0;

	while (v >= 1024 && u < 6) {
		v /= 1024;
		u++;
	}
	if (!u)
		snprintf(out, outlen, "%llu B", U(bytes));
	else
		snprintf(out, outlen, "%.1f %s", v, units[u]);
	return out;
}

static char slot_name(int i)
{
	return (char)('A' + i);
}

/* the reason a slot is what it is, for people */
static void slot_desc(const struct dmr_slot *s, char *buf, size_t len)
{
	switch (s->status) {
	case DMR_SLOT_VALID:
		snprintf(buf, len, "valid, seq %llu, nr_entries %llu", U(s->sb.seq),
			 U(s->sb.nr_entries));
		break;
	case DMR_SLOT_BAD_CSUM:
		snprintf(buf, len, "INVALID: bad checksum (stored 0x%08x, computed 0x%08x; "
			 "says seq %llu)", s->sb.csum, s->csum_computed, U(s->sb.seq));
		break;
	case DMR_SLOT_BAD_VERSION:
		snprintf(buf, len, "INVALID: unsupported version %u", s->sb.version);
		break;
	case DMR_SLOT_UNREADABLE:
		snprintf(buf, len, "UNREADABLE: %s", strerror(s->read_errno));
		break;
	default:
		snprintf(buf, len, "INVALID: %s", dmr_slot_status_name(s->status));
		break;
	}
}

static const char *entry_state(const struct dmr_meta_entry *e)
{
	if (!e->readable)
		return "beyond-end";
	if (!e->csum_ok)
		return "bad-csum";
	if (e->retired)
		return "retired";
	if (!e->logical_ok)
		return "out-of-range";
	if (e->superseded_by != DMR_NOT_SUPERSEDED)
		return "superseded";
	return "effective";
}

struct map_row {
	uint64_t logical, index;
};

static int cmp_row(const void *a, const void *b)
{
	const struct map_row *x = a, *y = b;

	return x->logical < y->logical ? -1 : x->logical > y->logical;
}

/* the mapping in effect, ascending by logical block like the "list" message */
static void print_mapping(FILE *f, const struct dmr_meta *m)
{
	struct map_row *rows = calloc(m->nr_effective, sizeof(*rows));
	uint64_t n = 0;

	fprintf(f, "  %14s %12s %14s\n", "logical", "spare_block", "spare_sector");
	if (!rows) {
		fprintf(f, "  (out of memory)\n");
		return;
	}
	for (uint64_t i = 0; i < m->nr_loaded && n < m->nr_effective; i++)
		if (!strcmp(entry_state(&m->entries[i]), "effective")) {
			rows[n].logical = m->entries[i].logical;
			rows[n++].index = i;
		}
	qsort(rows, n, sizeof(*rows), cmp_row);
	for (uint64_t k = 0; k < n; k++)
		fprintf(f, "  %14llu %12llu %14llu\n", U(rows[k].logical), U(rows[k].index),
			U(dmr_spare_sector(m, rows[k].index)));
	free(rows);
}

/* "consistent" / "DEGRADED" / "INCONSISTENT" / "unformatted" and the counts */
static void verdict(FILE *f, const struct dmr_meta *m)
{
	if (m->state == DMR_META_UNFORMATTED) {
		fprintf(f, "unformatted: no dm-remap metadata%s",
			m->nr_warnings ? " (see the warning above)" : "");
		return;
	}
	fprintf(f, "%s (", dmr_meta_degraded(m) ? "consistent but DEGRADED" :
		dmr_meta_consistent(m) ? "consistent" : "INCONSISTENT");
	if (m->nr_damage)
		fprintf(f, "%u damaged cop%s, ", m->nr_damage, m->nr_damage == 1 ? "y" : "ies");
	fprintf(f, "%u error%s, %u warning%s, %u info)", m->nr_errors,
		m->nr_errors == 1 ? "" : "s", m->nr_warnings, m->nr_warnings == 1 ? "" : "s",
		m->nr_infos);
}

/* ------------------------------------------------------------------ text */

void dmr_meta_print_dump(FILE *f, const struct dmr_meta *m, const char *path)
{
	const struct dmr_sb *sb = &m->sb;
	char a[128], b[128], id[2 * DMR_MAIN_ID_LEN + 8];

	fprintf(f, "dm-remap metadata of %s\n", path);
	fprintf(f, "  device             %llu sectors (%s), %s\n", U(m->dev_sectors),
		dmr_size_str(m->dev_bytes, a, sizeof(a)),
		m->is_blockdev ? "block device" : "image file");
	fprintf(f, "  state              %s\n", dmr_meta_state_name(m->state));
	for (int i = 0; i < DMR_SB_SLOTS; i++) {
		const struct dmr_slot *s = &m->slot[i];

		if (s->status == DMR_SLOT_VALID)
			snprintf(a, sizeof(a), "valid, seq %llu, nr_entries %llu%s", U(s->sb.seq),
				 U(s->sb.nr_entries), i == m->current ? "  <- current" : "");
		else
			slot_desc(s, a, sizeof(a));
		fprintf(f, "  slot %c (block %d)   %s\n", slot_name(i), i, a);
	}
	if (m->state != DMR_META_FORMATTED) {
		fprintf(f, "\n");
		goto problems;
	}

	fprintf(f, "\nsuperblock (slot %c)\n", slot_name(m->current));
	fprintf(f, "  magic              DMREMAP1\n");
	fprintf(f, "  version            %u\n", sb->version);
	fprintf(f, "  uuid               %s\n", dmr_uuid_str(sb->uuid, a));
	fprintf(f, "  seq                %llu\n", U(sb->seq));
	fprintf(f, "  flags              0x%08x%s\n", sb->flags,
		sb->flags & DMR_SB_READ_ONLY ? " (READ_ONLY)" : "");
	fprintf(f, "  format_time        %s (%llu)\n", dmr_time_str(sb->format_time, a, sizeof(a)),
		U(sb->format_time));
	fprintf(f, "  commit_time        %s (%llu)\n", dmr_time_str(sb->commit_time, a, sizeof(a)),
		U(sb->commit_time));
	fprintf(f, "  block_size         %u bytes (%llu sectors)\n", sb->block_size,
		U(sb->block_size / 512));

	fprintf(f, "\nmain device (recorded at format time)\n");
	fprintf(f, "  main_sectors       %llu (%s, %llu blocks)\n", U(sb->main_sectors),
		dmr_size_str(sb->main_sectors * 512, a, sizeof(a)), U(m->main_blocks));
	fprintf(f, "  logical_block      %u bytes\n", sb->main_logical_block_size);
	fprintf(f, "  physical_block     %u bytes\n", sb->main_physical_block_size);
	dmr_main_id_str(sb->main_id, id, sizeof(id));
	fprintf(f, "  main_id            %s\n", id[0] ? id : "(none: no partition UUID)");

	fprintf(f, "\ngeometry%s\n", m->geometry_ok ? "" : " (NOT the computed one, see below)");
	fprintf(f, "  spare_sectors      %llu (%s) at format time\n", U(sb->spare_sectors),
		dmr_size_str(sb->spare_sectors * 512, a, sizeof(a)));
	fprintf(f, "  table_blocks       %llu per copy (copy A: metadata blocks %d..%llu, "
		"copy B: %llu..%llu)\n", U(sb->table_blocks), DMR_TABLE_START,
		U(DMR_TABLE_START + sb->table_blocks - 1), U(DMR_TABLE_START + sb->table_blocks),
		U(DMR_TABLE_START + 2 * sb->table_blocks - 1));
	fprintf(f, "  pool_start         sector %llu\n", U(sb->pool_start));
	if (m->block_sectors)
		snprintf(b, sizeof(b), " (pool ends at sector %llu)",
			 U(sb->pool_start + sb->pool_blocks * m->block_sectors));
	else
		b[0] = '\0';
	fprintf(f, "  pool_blocks        %llu%s\n", U(sb->pool_blocks), b);
	fprintf(f, "  nr_entries         %llu\n", U(sb->nr_entries));
	fprintf(f, "  spare_free         %llu\n",
		U(sb->pool_blocks > sb->nr_entries ? sb->pool_blocks - sb->nr_entries : 0));

	fprintf(f, "\ntable (%llu entr%s: %llu in effect, %llu superseded", U(m->nr_loaded),
		m->nr_loaded == 1 ? "y" : "ies", U(m->nr_effective), U(m->nr_superseded));
	if (m->nr_retired)
		fprintf(f, ", %llu retired", U(m->nr_retired));
	fputs(")\n", f);
	if (m->nr_loaded) {
		fprintf(f, "  %10s %14s %14s %10s %6s  %s\n", "index", "logical", "spare_sector",
			"seq", "copies", "state");
		for (uint64_t i = 0; i < m->nr_loaded; i++) {
			const struct dmr_meta_entry *e = &m->entries[i];
			const char *st = entry_state(e);
			char copies[4] = "A B";

			if (e->bad_copies & 1)
				copies[0] = '-';
			if (e->bad_copies & 2)
				copies[2] = '-';
			if (!e->readable) {
				fprintf(f, "  %10llu %14s %14s %10s %6s  %s\n", U(i), "-", "-", "-",
					copies, st);
				continue;
			}
			if (e->retired)
				fprintf(f, "  %10llu %14s %14llu %10u %6s  %s", U(i), "-",
					U(dmr_spare_sector(m, i)), e->seq, copies, st);
			else
				fprintf(f, "  %10llu %14llu %14llu %10u %6s  %s", U(i), U(e->logical),
					U(dmr_spare_sector(m, i)), e->seq, copies, st);
			if (e->superseded_by != DMR_NOT_SUPERSEDED)
				fprintf(f, " by %llu", U(e->superseded_by));
			fputc('\n', f);
		}

		/* the mapping in effect, ascending by logical block like the "list" message */
		fprintf(f, "\nmapping in effect (%llu block%s)\n", U(m->nr_effective),
			m->nr_effective == 1 ? "" : "s");
		if (m->nr_effective)
			print_mapping(f, m);
	}
	fputc('\n', f);

problems:
	fprintf(f, "check: ");
	verdict(f, m);
	fputc('\n', f);
	for (size_t i = 0; i < m->nr_problems; i++)
		fprintf(f, "  %s: %s\n", dmr_severity_name(m->problems[i].severity),
			m->problems[i].msg);
}

void dmr_meta_print_check(FILE *f, const struct dmr_meta *m, const char *path)
{
	for (size_t i = 0; i < m->nr_problems; i++)
		fprintf(f, "%s: %s: %s\n", path, dmr_severity_name(m->problems[i].severity),
			m->problems[i].msg);
	fprintf(f, "%s: ", path);
	verdict(f, m);
	if (m->state == DMR_META_FORMATTED)
		fprintf(f, ": seq %llu (slot %c), %llu entr%s, %llu in effect, %llu spare blocks free",
			U(m->sb.seq), slot_name(m->current), U(m->sb.nr_entries),
			m->sb.nr_entries == 1 ? "y" : "ies", U(m->nr_effective),
			U(m->sb.pool_blocks > m->sb.nr_entries ?
			  m->sb.pool_blocks - m->sb.nr_entries : 0));
	fputc('\n', f);
}

/* ------------------------------------------------------------------ JSON */

static void json_problems(FILE *f, const struct dmr_meta *m)
{
	struct dmr_json j;

	for (size_t i = 0; i < m->nr_problems; i++) {
		const struct dmr_problem *p = &m->problems[i];

		dmr_json_begin(&j, f);
		dmr_json_str(&j, "record", "problem");
		dmr_json_str(&j, "severity", dmr_severity_name(p->severity));
		dmr_json_str(&j, "code", p->code);
		if (p->index >= 0)
			dmr_json_u64(&j, "index", (uint64_t)p->index);
		else
			dmr_json_str(&j, "index", NULL);
		dmr_json_str(&j, "message", p->msg);
		dmr_json_end(&j);
	}
}

static void json_summary(FILE *f, const struct dmr_meta *m, const char *path)
{
	struct dmr_json j;

	dmr_json_begin(&j, f);
	dmr_json_str(&j, "record", "summary");
	dmr_json_str(&j, "path", path);
	dmr_json_str(&j, "state", m->state == DMR_META_FORMATTED ? "formatted" :
		     m->state == DMR_META_UNFORMATTED ? "unformatted" : "foreign");
	dmr_json_bool(&j, "consistent", dmr_meta_consistent(m));
	dmr_json_bool(&j, "degraded", dmr_meta_degraded(m));
	dmr_json_u64(&j, "errors", m->nr_errors);
	dmr_json_u64(&j, "damaged", m->nr_damage);
	dmr_json_u64(&j, "warnings", m->nr_warnings);
	dmr_json_u64(&j, "infos", m->nr_infos);
	if (m->state == DMR_META_FORMATTED) {
		dmr_json_u64(&j, "seq", m->sb.seq);
		dmr_json_u64(&j, "nr_entries", m->sb.nr_entries);
		dmr_json_u64(&j, "effective", m->nr_effective);
	}
	dmr_json_end(&j);
}

static void json_time(struct dmr_json *j, const char *key, const char *iso_key, uint64_t t)
{
	char buf[64];

	dmr_json_u64(j, key, t);
	dmr_json_str(j, iso_key, t ? dmr_time_str(t, buf, sizeof(buf)) : NULL);
}

void dmr_meta_print_dump_json(FILE *f, const struct dmr_meta *m, const char *path)
{
	const struct dmr_sb *sb = &m->sb;
	char buf[128], id[2 * DMR_MAIN_ID_LEN + 8];
	struct dmr_json j;

	dmr_json_begin(&j, f);
	dmr_json_str(&j, "record", "device");
	dmr_json_str(&j, "path", path);
	dmr_json_u64(&j, "size_bytes", m->dev_bytes);
	dmr_json_u64(&j, "sectors", m->dev_sectors);
	dmr_json_bool(&j, "block_device", m->is_blockdev);
	dmr_json_str(&j, "state", m->state == DMR_META_FORMATTED ? "formatted" :
		     m->state == DMR_META_UNFORMATTED ? "unformatted" : "foreign");
	if (m->current >= 0) {
		buf[0] = slot_name(m->current);
		buf[1] = '\0';
		dmr_json_str(&j, "current_slot", buf);
	} else {
		dmr_json_str(&j, "current_slot", NULL);
	}
	dmr_json_end(&j);

	for (int i = 0; i < DMR_SB_SLOTS; i++) {
		const struct dmr_slot *s = &m->slot[i];

		dmr_json_begin(&j, f);
		dmr_json_str(&j, "record", "slot");
		buf[0] = slot_name(i);
		buf[1] = '\0';
		dmr_json_str(&j, "slot", buf);
		dmr_json_u64(&j, "block", (uint64_t)i);
		dmr_json_bool(&j, "valid", s->status == DMR_SLOT_VALID);
		dmr_json_bool(&j, "current", i == m->current);
		dmr_json_str(&j, "status", dmr_slot_status_name(s->status));
		if (s->status != DMR_SLOT_ZERO && s->status != DMR_SLOT_BEYOND_END &&
		    s->status != DMR_SLOT_UNREADABLE) {
			dmr_json_bool(&j, "magic_ok", s->magic_ok);
			dmr_json_u64(&j, "version", s->sb.version);
			dmr_json_u64(&j, "seq", s->sb.seq);
			dmr_json_u64(&j, "nr_entries", s->sb.nr_entries);
			dmr_json_u64(&j, "csum", s->sb.csum);
			dmr_json_u64(&j, "csum_computed", s->csum_computed);
		}
		dmr_json_end(&j);
	}

	if (m->state == DMR_META_FORMATTED) {
		dmr_json_begin(&j, f);
		dmr_json_str(&j, "record", "superblock");
		buf[0] = slot_name(m->current);
		buf[1] = '\0';
		dmr_json_str(&j, "slot", buf);
		dmr_json_u64(&j, "version", sb->version);
		dmr_json_str(&j, "uuid", dmr_uuid_str(sb->uuid, buf));
		dmr_json_u64(&j, "seq", sb->seq);
		dmr_json_u64(&j, "flags", sb->flags);
		dmr_json_bool(&j, "read_only", !!(sb->flags & DMR_SB_READ_ONLY));
		json_time(&j, "format_time", "format_time_utc", sb->format_time);
		json_time(&j, "commit_time", "commit_time_utc", sb->commit_time);
		dmr_json_u64(&j, "block_size", sb->block_size);
		dmr_json_u64(&j, "main_sectors", sb->main_sectors);
		dmr_json_u64(&j, "main_blocks", m->main_blocks);
		dmr_json_u64(&j, "main_logical_block_size", sb->main_logical_block_size);
		dmr_json_u64(&j, "main_physical_block_size", sb->main_physical_block_size);
		dmr_main_id_str(sb->main_id, id, sizeof(id));
		dmr_json_str(&j, "main_id", id[0] ? id : NULL);
		dmr_json_u64(&j, "spare_sectors", sb->spare_sectors);
		dmr_json_u64(&j, "table_blocks", sb->table_blocks);
		dmr_json_u64(&j, "pool_start", sb->pool_start);
		dmr_json_u64(&j, "pool_blocks", sb->pool_blocks);
		dmr_json_bool(&j, "geometry_ok", m->geometry_ok);
		dmr_json_u64(&j, "nr_entries", sb->nr_entries);
		dmr_json_u64(&j, "spare_free",
			     sb->pool_blocks > sb->nr_entries ? sb->pool_blocks - sb->nr_entries : 0);
		dmr_json_u64(&j, "effective", m->nr_effective);
		dmr_json_u64(&j, "superseded", m->nr_superseded);
		dmr_json_u64(&j, "retired", m->nr_retired);
		dmr_json_end(&j);

		for (uint64_t i = 0; i < m->nr_loaded; i++) {
			const struct dmr_meta_entry *e = &m->entries[i];

			dmr_json_begin(&j, f);
			dmr_json_str(&j, "record", "entry");
			dmr_json_u64(&j, "index", i);
			dmr_json_str(&j, "state", entry_state(e));
			if (e->readable) {
				if (e->retired)
					dmr_json_str(&j, "logical", NULL);
				else
					dmr_json_u64(&j, "logical", e->logical);
				dmr_json_u64(&j, "spare_block", i);
				dmr_json_u64(&j, "spare_sector", dmr_spare_sector(m, i));
				dmr_json_u64(&j, "seq", e->seq);
				dmr_json_bool(&j, "csum_ok", e->csum_ok);
			}
			dmr_json_bool(&j, "copy_a_ok", !(e->bad_copies & 1));
			dmr_json_bool(&j, "copy_b_ok", !(e->bad_copies & 2));
			if (e->superseded_by != DMR_NOT_SUPERSEDED)
				dmr_json_u64(&j, "superseded_by", e->superseded_by);
			else
				dmr_json_str(&j, "superseded_by", NULL);
			dmr_json_end(&j);
		}
	}
	json_problems(f, m);
	json_summary(f, m, path);
}

void dmr_meta_print_check_json(FILE *f, const struct dmr_meta *m, const char *path)
{
	json_problems(f, m);
	json_summary(f, m, path);
}
