// SPDX-License-Identifier: GPL-2.0
/*
 * dmr_meta_print.c - the text and JSON-lines output of dmremap-meta.
 *
 * The dump is written once, as a walk over what it shows (the dump_*
 * functions), into a small emitter (struct out) that writes either text
 * for people or JSON lines.  A field has a JSON key and value and a text
 * label and rendering; either side is left out where only one format
 * shows it: the text's headings and the figures it folds into another
 * line, the JSON's record structure and raw values.  The table of entries
 * is the one exception: a column table in text, a record per entry in
 * JSON, in a different order, so each has its own few lines.
 */
#define _GNU_SOURCE
#include <inttypes.h>
#include <stdarg.h>
#include <stdbool.h>
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

/* ------------------------------------------------------------- emitter */

struct out {
	FILE *f;
	bool json;
	struct dmr_json j;	/* the JSON record being written */
};

/* a field's value in JSON */
struct jval {
	enum { JT_NONE, JT_U64, JT_STR, JT_BOOL } type;
	uint64_t u;
	const char *s;		/* JT_STR: NULL is written as null */
};

#define J_NONE		((struct jval){ .type = JT_NONE })
#define J_U64(v)	((struct jval){ .type = JT_U64, .u = (v) })
#define J_STR(v)	((struct jval){ .type = JT_STR, .s = (v) })
#define J_BOOL(v)	((struct jval){ .type = JT_BOOL, .u = !!(v) })

/* JSON: a record {"record":name,...} begins; text: nothing */
static void record(struct out *o, const char *name)
{
	if (!o->json)
		return;
	dmr_json_begin(&o->j, o->f);
	dmr_json_str(&o->j, "record", name);
}

static void record_end(struct out *o)
{
	if (o->json)
		dmr_json_end(&o->j);
}

/* text only: a heading, or a line of its own */
static void text(struct out *o, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

static void text(struct out *o, const char *fmt, ...)
{
	va_list ap;

	if (o->json)
		return;
	va_start(ap, fmt);
	vfprintf(o->f, fmt, ap);
	va_end(ap);
}

/*
 * The two sides of a field: "key":v in JSON when there is a key; in text,
 * when there is a label, "  label  " (true: the caller writes the rest).
 */
static bool field_begin(struct out *o, const char *key, struct jval v, const char *label)
{
	if (!o->json) {
		if (!label)
			return false;
		fprintf(o->f, "  %-18s ", label);
		return true;
	}
	if (!key)
		return false;
	switch (v.type) {
	case JT_NONE:
		break;
	case JT_U64:
		dmr_json_u64(&o->j, key, v.u);
		break;
	case JT_STR:
		dmr_json_str(&o->j, key, v.s);
		break;
	case JT_BOOL:
		dmr_json_bool(&o->j, key, (int)v.u);
		break;
	}
	return false;
}

/* a field whose text is its value as it is */
static void field(struct out *o, const char *key, struct jval v, const char *label)
{
	if (!field_begin(o, key, v, label))
		return;
	if (v.type == JT_U64)
		fprintf(o->f, "%llu\n", U(v.u));
	else
		fprintf(o->f, "%s\n", v.s ? v.s : "-");
}

/* a field whose text says more than its value: fmt */
static void fieldf(struct out *o, const char *key, struct jval v, const char *label,
		   const char *fmt, ...) __attribute__((format(printf, 5, 6)));

static void fieldf(struct out *o, const char *key, struct jval v, const char *label,
		   const char *fmt, ...)
{
	va_list ap;

	if (!field_begin(o, key, v, label))
		return;
	va_start(ap, fmt);
	vfprintf(o->f, fmt, ap);
	va_end(ap);
	fputc('\n', o->f);
}

/* ------------------------------------------------------- what is shown */

/* the JSON name of the state: "formatted", "unformatted", "foreign" */
static const char *state_key(const struct dmr_meta *m)
{
	return m->state == DMR_META_FORMATTED ? "formatted" :
	       m->state == DMR_META_UNFORMATTED ? "unformatted" : "foreign";
}

static uint64_t spare_free(const struct dmr_sb *sb)
{
	return sb->pool_blocks > sb->nr_entries ? sb->pool_blocks - sb->nr_entries : 0;
}

/* slot i for people: what it holds, or why it is not valid */
static void slot_desc(const struct dmr_meta *m, int i, char *buf, size_t len)
{
	const struct dmr_slot *s = &m->slot[i];

	switch (s->status) {
	case DMR_SLOT_VALID:
		snprintf(buf, len, "valid, seq %llu, nr_entries %llu%s", U(s->sb.seq),
			 U(s->sb.nr_entries), i == m->current ? "  <- current" : "");
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

static bool entry_effective(const struct dmr_meta_entry *e)
{
	return e->readable && e->csum_ok && !e->retired && e->logical_ok &&
	       e->superseded_by == DMR_NOT_SUPERSEDED;
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
		if (entry_effective(&m->entries[i])) {
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

void dmr_meta_print_check(FILE *f, const struct dmr_meta *m, const char *path)
{
	for (size_t i = 0; i < m->nr_problems; i++)
		fprintf(f, "%s: %s: %s\n", path, dmr_severity_name(m->problems[i].severity),
			m->problems[i].msg);
	fprintf(f, "%s: ", path);
	verdict(f, m);
	if (m->state == DMR_META_FORMATTED)
		fprintf(f, ": seq %llu (slot %c), %llu entr%s, %llu in effect, %llu spare blocks free",
			U(m->sb.seq), dmr_copy_letter(m->current), U(m->sb.nr_entries),
			m->sb.nr_entries == 1 ? "y" : "ies", U(m->nr_effective),
			U(spare_free(&m->sb)));
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
	dmr_json_str(&j, "state", state_key(m));
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

/* ---------------------------------------------------------------- dump */

static void dump_device(struct out *o, const struct dmr_meta *m, const char *path)
{
	char size[32], cur[2] = "";

	if (m->current >= 0)
		cur[0] = dmr_copy_letter(m->current);
	text(o, "dm-remap metadata of %s\n", path);
	record(o, "device");
	field(o, "path", J_STR(path), NULL);
	field(o, "size_bytes", J_U64(m->dev_bytes), NULL);
	field(o, "sectors", J_U64(m->dev_sectors), NULL);
	fieldf(o, "block_device", J_BOOL(m->is_blockdev), "device", "%llu sectors (%s), %s",
	       U(m->dev_sectors), dmr_size_str(m->dev_bytes, size, sizeof(size)),
	       m->is_blockdev ? "block device" : "image file");
	fieldf(o, "state", J_STR(state_key(m)), "state", "%s", dmr_meta_state_name(m->state));
	field(o, "current_slot", J_STR(m->current >= 0 ? cur : NULL), NULL);
	record_end(o);
}

static void dump_slot(struct out *o, const struct dmr_meta *m, int i)
{
	const struct dmr_slot *s = &m->slot[i];
	char name[2] = { dmr_copy_letter(i), '\0' }, label[32], desc[128];

	snprintf(label, sizeof(label), "slot %s (block %d)", name, i);
	slot_desc(m, i, desc, sizeof(desc));
	record(o, "slot");
	field(o, "slot", J_STR(name), NULL);
	field(o, "block", J_U64((uint64_t)i), NULL);
	field(o, "valid", J_BOOL(s->status == DMR_SLOT_VALID), NULL);
	field(o, "current", J_BOOL(i == m->current), NULL);
	fieldf(o, "status", J_STR(dmr_slot_status_name(s->status)), label, "%s", desc);
	/* the raw fields of a slot that holds something, valid or not */
	if (s->status != DMR_SLOT_ZERO && s->status != DMR_SLOT_BEYOND_END &&
	    s->status != DMR_SLOT_UNREADABLE) {
		field(o, "magic_ok", J_BOOL(s->magic_ok), NULL);
		field(o, "version", J_U64(s->sb.version), NULL);
		field(o, "seq", J_U64(s->sb.seq), NULL);
		field(o, "nr_entries", J_U64(s->sb.nr_entries), NULL);
		field(o, "csum", J_U64(s->sb.csum), NULL);
		field(o, "csum_computed", J_U64(s->csum_computed), NULL);
	}
	record_end(o);
}

/* seconds since the epoch; JSON also has them as a UTC string (null: never) */
static void dump_time(struct out *o, const char *key, const char *utc_key, uint64_t t)
{
	char when[64];

	dmr_time_str(t, when, sizeof(when));
	fieldf(o, key, J_U64(t), key, "%s (%llu)", when, U(t));
	field(o, utc_key, J_STR(t ? when : NULL), NULL);
}

/* the main device the spare was formatted for */
static void dump_main(struct out *o, const struct dmr_meta *m)
{
	const struct dmr_sb *sb = &m->sb;
	char size[32], id[2 * DMR_MAIN_ID_LEN + 8];

	text(o, "\nmain device (recorded at format time)\n");
	fieldf(o, "main_sectors", J_U64(sb->main_sectors), "main_sectors", "%llu (%s, %llu blocks)",
	       U(sb->main_sectors), dmr_size_str(sb->main_sectors * 512, size, sizeof(size)),
	       U(m->main_blocks));
	field(o, "main_blocks", J_U64(m->main_blocks), NULL);
	fieldf(o, "main_logical_block_size", J_U64(sb->main_logical_block_size),
	       "logical_block", "%u bytes", sb->main_logical_block_size);
	fieldf(o, "main_physical_block_size", J_U64(sb->main_physical_block_size),
	       "physical_block", "%u bytes", sb->main_physical_block_size);
	dmr_main_id_str(sb->main_id, id, sizeof(id));
	fieldf(o, "main_id", J_STR(id[0] ? id : NULL), "main_id", "%s",
	       id[0] ? id : "(none: no partition UUID)");
}

static void dump_geometry(struct out *o, const struct dmr_meta *m)
{
	const struct dmr_sb *sb = &m->sb;
	char size[32], pool_end[64] = "";

	text(o, "\ngeometry%s\n", m->geometry_ok ? "" : " (NOT the computed one, see below)");
	fieldf(o, "spare_sectors", J_U64(sb->spare_sectors), "spare_sectors",
	       "%llu (%s) at format time", U(sb->spare_sectors),
	       dmr_size_str(sb->spare_sectors * 512, size, sizeof(size)));
	fieldf(o, "table_blocks", J_U64(sb->table_blocks), "table_blocks",
	       "%llu per copy (copy A: metadata blocks %d..%llu, copy B: %llu..%llu)",
	       U(sb->table_blocks), DMR_TABLE_START, U(DMR_TABLE_START + sb->table_blocks - 1),
	       U(DMR_TABLE_START + sb->table_blocks),
	       U(DMR_TABLE_START + 2 * sb->table_blocks - 1));
	fieldf(o, "pool_start", J_U64(sb->pool_start), "pool_start", "sector %llu",
	       U(sb->pool_start));
	if (m->block_sectors)
		snprintf(pool_end, sizeof(pool_end), " (pool ends at sector %llu)",
			 U(sb->pool_start + sb->pool_blocks * m->block_sectors));
	fieldf(o, "pool_blocks", J_U64(sb->pool_blocks), "pool_blocks", "%llu%s",
	       U(sb->pool_blocks), pool_end);
	field(o, "geometry_ok", J_BOOL(m->geometry_ok), NULL);
	field(o, "nr_entries", J_U64(sb->nr_entries), "nr_entries");
	field(o, "spare_free", J_U64(spare_free(sb)), "spare_free");
}

/* the current superblock: three sections in text, one record in JSON */
static void dump_superblock(struct out *o, const struct dmr_meta *m)
{
	const struct dmr_sb *sb = &m->sb;
	char slot[2] = { dmr_copy_letter(m->current), '\0' }, uuid[37];

	text(o, "\nsuperblock (slot %s)\n", slot);
	record(o, "superblock");
	field(o, "slot", J_STR(slot), NULL);
	fieldf(o, NULL, J_NONE, "magic", "DMREMAP1");
	field(o, "version", J_U64(sb->version), "version");
	field(o, "uuid", J_STR(dmr_uuid_str(sb->uuid, uuid)), "uuid");
	field(o, "seq", J_U64(sb->seq), "seq");
	fieldf(o, "flags", J_U64(sb->flags), "flags", "0x%08x%s", sb->flags,
	       sb->flags & DMR_SB_READ_ONLY ? " (READ_ONLY)" : "");
	field(o, "read_only", J_BOOL(sb->flags & DMR_SB_READ_ONLY), NULL);
	dump_time(o, "format_time", "format_time_utc", sb->format_time);
	dump_time(o, "commit_time", "commit_time_utc", sb->commit_time);
	fieldf(o, "block_size", J_U64(sb->block_size), "block_size", "%u bytes (%llu sectors)",
	       sb->block_size, U(sb->block_size / 512));
	dump_main(o, m);
	dump_geometry(o, m);
	/* the text has these in the table's heading */
	field(o, "effective", J_U64(m->nr_effective), NULL);
	field(o, "superseded", J_U64(m->nr_superseded), NULL);
	field(o, "retired", J_U64(m->nr_retired), NULL);
	record_end(o);
}

static void entry_row(FILE *f, const struct dmr_meta *m, uint64_t i)
{
	const struct dmr_meta_entry *e = &m->entries[i];
	char copies[4] = "A B";

	if (e->bad_copies & 1)
		copies[0] = '-';
	if (e->bad_copies & 2)
		copies[2] = '-';
	if (!e->readable) {
		fprintf(f, "  %10llu %14s %14s %10s %6s  %s\n", U(i), "-", "-", "-", copies,
			entry_state(e));
		return;
	}
	if (e->retired)
		fprintf(f, "  %10llu %14s", U(i), "-");
	else
		fprintf(f, "  %10llu %14llu", U(i), U(e->logical));
	fprintf(f, " %14llu %10u %6s  %s", U(dmr_spare_sector(m, i)), e->seq, copies,
		entry_state(e));
	if (e->superseded_by != DMR_NOT_SUPERSEDED)
		fprintf(f, " by %llu", U(e->superseded_by));
	fputc('\n', f);
}

static void entry_record(struct out *o, const struct dmr_meta *m, uint64_t i)
{
	const struct dmr_meta_entry *e = &m->entries[i];

	record(o, "entry");
	field(o, "index", J_U64(i), NULL);
	field(o, "state", J_STR(entry_state(e)), NULL);
	if (e->readable) {
		field(o, "logical", e->retired ? J_STR(NULL) : J_U64(e->logical), NULL);
		field(o, "spare_block", J_U64(i), NULL);
		field(o, "spare_sector", J_U64(dmr_spare_sector(m, i)), NULL);
		field(o, "seq", J_U64(e->seq), NULL);
		field(o, "csum_ok", J_BOOL(e->csum_ok), NULL);
	}
	field(o, "copy_a_ok", J_BOOL(!(e->bad_copies & 1)), NULL);
	field(o, "copy_b_ok", J_BOOL(!(e->bad_copies & 2)), NULL);
	field(o, "superseded_by", e->superseded_by != DMR_NOT_SUPERSEDED ?
	      J_U64(e->superseded_by) : J_STR(NULL), NULL);
	record_end(o);
}

/* every entry loaded, then (text only) the mapping they make */
static void dump_table(struct out *o, const struct dmr_meta *m)
{
	text(o, "\ntable (%llu entr%s: %llu in effect, %llu superseded", U(m->nr_loaded),
	     m->nr_loaded == 1 ? "y" : "ies", U(m->nr_effective), U(m->nr_superseded));
	if (m->nr_retired)
		text(o, ", %llu retired", U(m->nr_retired));
	text(o, ")\n");
	if (m->nr_loaded)
		text(o, "  %10s %14s %14s %10s %6s  %s\n", "index", "logical", "spare_sector",
		     "seq", "copies", "state");
	for (uint64_t i = 0; i < m->nr_loaded; i++) {
		if (o->json)
			entry_record(o, m, i);
		else
			entry_row(o->f, m, i);
	}
	if (!m->nr_loaded || o->json)
		return;
	text(o, "\nmapping in effect (%llu block%s)\n", U(m->nr_effective),
	     m->nr_effective == 1 ? "" : "s");
	if (m->nr_effective)
		print_mapping(o->f, m);
}

/* the verdict and every problem found */
static void dump_check(struct out *o, const struct dmr_meta *m, const char *path)
{
	if (o->json) {
		json_problems(o->f, m);
		json_summary(o->f, m, path);
		return;
	}
	fprintf(o->f, "\ncheck: ");
	verdict(o->f, m);
	fputc('\n', o->f);
	for (size_t i = 0; i < m->nr_problems; i++)
		fprintf(o->f, "  %s: %s\n", dmr_severity_name(m->problems[i].severity),
			m->problems[i].msg);
}

static void dump(struct out *o, const struct dmr_meta *m, const char *path)
{
	dump_device(o, m, path);
	for (int i = 0; i < DMR_SB_SLOTS; i++)
		dump_slot(o, m, i);
	if (m->state == DMR_META_FORMATTED) {
		dump_superblock(o, m);
		dump_table(o, m);
	}
	dump_check(o, m, path);
}

void dmr_meta_print_dump(FILE *f, const struct dmr_meta *m, const char *path)
{
	struct out o = { .f = f, .json = false };

	dump(&o, m, path);
}

void dmr_meta_print_dump_json(FILE *f, const struct dmr_meta *m, const char *path)
{
	struct out o = { .f = f, .json = true };

	dump(&o, m, path);
}

void dmr_meta_print_check_json(FILE *f, const struct dmr_meta *m, const char *path)
{
	json_problems(f, m);
	json_summary(f, m, path);
}
