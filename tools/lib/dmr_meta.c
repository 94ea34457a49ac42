// SPDX-License-Identifier: GPL-2.0
/*
 * dmr_meta.c - read dm-remap metadata from a spare device or image and
 * check it against the rules the kernel module follows.
 */
#define _GNU_SOURCE
#include <endian.h>
#include <errno.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <linux/fs.h>

#include "crc32c.h"
#include "dmr_meta.h"

_Static_assert(sizeof(struct dmr_superblock) == 160, "superblock layout");
_Static_assert(sizeof(struct dmr_entry) == DMR_ENTRY_SIZE, "entry layout");
_Static_assert(sizeof(struct dmr_entry_csum_input) == 36, "entry csum input layout");

/* at most this many problems of one kind about single entries are listed */
#define MAX_LISTED_PER_KIND 20

/* ------------------------------------------------------------- helpers */

const char *dmr_meta_state_name(enum dmr_meta_state s)
{
	switch (s) {
	case DMR_META_FORMATTED: return "formatted";
	case DMR_META_UNFORMATTED: return "unformatted";
	case DMR_META_FOREIGN: return "not dm-remap metadata";
	}
	return "?";
}

const char *dmr_slot_status_name(enum dmr_slot_status s)
{
	switch (s) {
	case DMR_SLOT_VALID: return "valid";
	case DMR_SLOT_ZERO: return "all zeroes";
	case DMR_SLOT_BEYOND_END: return "beyond the end of the device";
	case DMR_SLOT_BAD_CSUM: return "bad checksum";
	case DMR_SLOT_BAD_MAGIC: return "no dm-remap magic";
	case DMR_SLOT_BAD_VERSION: return "unsupported version";
	case DMR_SLOT_UNREADABLE: return "unreadable";
	}
	return "?";
}

const char *dmr_severity_name(enum dmr_severity s)
{
	switch (s) {
	case DMR_SEV_INFO: return "info";
	case DMR_SEV_WARNING: return "warning";
	case DMR_SEV_DAMAGE: return "damage";
	case DMR_SEV_ERROR: return "error";
	}
	return "?";
}

char *dmr_uuid_str(const uint8_t u[16], char out[37])
{
	snprintf(out, 37,
		 "%02x%02x%02x%02x-%02x%02x-%02x%02x-%02x%02x-%02x%02x%02x%02x%02x%02x",
		 u[0], u[1], u[2], u[3], u[4], u[5], u[6], u[7], u[8], u[9], u[10], u[11],
		 u[12], u[13], u[14], u[15]);
	return out;
}

char *dmr_main_id_str(const uint8_t id[DMR_MAIN_ID_LEN], char *out, size_t outlen)
{
	size_t len = 0, i;
	bool printable = true;

	while (len < DMR_MAIN_ID_LEN && id[len])
		len++;
	for (i = 0; i < len; i++)
		if (id[i] < 0x20 || id[i] > 0x7e)
			printable = false;
	for (i = len; i < DMR_MAIN_ID_LEN; i++)
		if (id[i])
			printable = false;
	if (printable) {
		snprintf(out, outlen, "%.*s", (int)len, (const char *)id);
		return out;
	}
	if (outlen)
		out[0] = '\0';
	if (outlen > 4) {
		size_t pos = (size_t)snprintf(out, outlen, "hex:");

		for (i = 0; i < DMR_MAIN_ID_LEN && pos + 2 < outlen; i++)
			pos += (size_t)snprintf(out + pos, outlen - pos, "%02x", id[i]);
	}
	return out;
}

static bool is_zero(const void *p, size_t len)
{
	const unsigned char *c = p;

	for (size_t i = 0; i < len; i++)
		if (c[i])
			return false;
	return true;
}

static bool is_pow2(uint64_t v)
{
	return v && !(v & (v - 1));
}

void dmr_sb_decode(const void *block, struct dmr_sb *s)
{
	const struct dmr_superblock *d = block;

	s->csum = le32toh(d->csum);
	s->flags = le32toh(d->flags);
	s->magic = le64toh(d->magic);
	s->version = le32toh(d->version);
	s->block_size = le32toh(d->block_size);
	s->seq = le64toh(d->seq);
	memcpy(s->uuid, d->uuid, sizeof(s->uuid));
	s->main_sectors = le64toh(d->main_sectors);
	s->main_logical_block_size = le32toh(d->main_logical_block_size);
	s->main_physical_block_size = le32toh(d->main_physical_block_size);
	memcpy(s->main_id, d->main_id, sizeof(s->main_id));
	s->spare_sectors = le64toh(d->spare_sectors);
	s->table_blocks = le64toh(d->table_blocks);
	s->pool_start = le64toh(d->pool_start);
	s->pool_blocks = le64toh(d->pool_blocks);
	s->nr_entries = le64toh(d->nr_entries);
	s->format_time = le64toh(d->format_time);
	s->commit_time = le64toh(d->commit_time);
}

uint32_t dmr_sb_csum(const void *block)
{
	static const uint8_t zero[sizeof(((struct dmr_superblock *)0)->csum)];
	const uint8_t *b = block;
	uint32_t crc;

	crc = dmr_crc32c(DMR_CSUM_SEED, zero, sizeof(zero));
	return dmr_crc32c(crc, b + sizeof(zero), DMR_MD_BLOCK_SIZE - sizeof(zero));
}

uint32_t dmr_entry_csum(const uint8_t uuid[16], uint64_t index, uint64_t logical, uint32_t seq)
{
	struct dmr_entry_csum_input in;

	memcpy(in.uuid, uuid, sizeof(in.uuid));
	in.index = htole64(index);
	in.logical = htole64(logical);
	in.seq = htole32(seq);
	return dmr_crc32c(DMR_CSUM_SEED, &in, sizeof(in));
}

/* ------------------------------------------------------------ problems */

static int add_problem(struct dmr_meta *m, enum dmr_severity sev, const char *code,
		       int64_t index, const char *fmt, ...)
	__attribute__((format(printf, 5, 6)));

static int add_problem(struct dmr_meta *m, enum dmr_severity sev, const char *code,
		       int64_t index, const char *fmt, ...)
{
	struct dmr_problem *p;
	va_list ap;

	if (m->nr_problems == m->cap_problems) {
		size_t cap = m->cap_problems ? 2 * m->cap_problems : 16;

		p = realloc(m->problems, cap * sizeof(*p));
		if (!p)
			return -ENOMEM;
		m->problems = p;
		m->cap_problems = cap;
	}
	p = &m->problems[m->nr_problems++];
	p->severity = sev;
	p->code = code;
	p->index = index;
	va_start(ap, fmt);
	vsnprintf(p->msg, sizeof(p->msg), fmt, ap);
	va_end(ap);
	switch (sev) {
	case DMR_SEV_ERROR:
		m->nr_errors++;
		break;
	case DMR_SEV_DAMAGE:
		m->nr_damage++;
		break;
	case DMR_SEV_WARNING:
		m->nr_warnings++;
		break;
	case DMR_SEV_INFO:
		m->nr_infos++;
		break;
	}
	return 0;
}

/* a per-entry problem kind: the first few are listed, the rest counted */
struct kind {
	enum dmr_severity sev;
	const char *code;
	const char *what;		/* for the "N more" line */
	uint64_t count;
};

#define ADD(...) do { if (add_problem(__VA_ARGS__)) return -ENOMEM; } while (0)

/* ------------------------------------------------------------------ I/O */

static const char *fmt_err(char *err, size_t errlen, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

static const char *fmt_err(char *err, size_t errlen, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	if (errlen)
		vsnprintf(err, errlen, fmt, ap);
	va_end(ap);
	return err;
}

/*
 * Read metadata block nr into buf (DMR_MD_BLOCK_SIZE bytes, aligned for
 * O_DIRECT).  Returns the bytes read, less than a block at the end of the
 * device (the rest zero-filled), or -errno.
 */
static ssize_t read_block(int fd, uint64_t nr, void *buf)
{
	off_t off = (off_t)(nr * DMR_MD_BLOCK_SIZE);
	size_t got = 0;

	while (got < DMR_MD_BLOCK_SIZE) {
		ssize_t n = pread(fd, (char *)buf + got, DMR_MD_BLOCK_SIZE - got,
				  off + (off_t)got);

		if (n < 0) {
			if (errno == EINTR)
				continue;
			/* O_DIRECT: an unaligned retry after a short read at the end */
			if (got && errno == EINVAL)
				break;
			return -errno;
		}
		if (!n)
			break;
		got += (size_t)n;
	}
	memset((char *)buf + got, 0, DMR_MD_BLOCK_SIZE - got);
	return (ssize_t)got;
}

static int device_size(int fd, struct dmr_meta *m, char *err, size_t errlen)
{
	struct stat st;

	if (fstat(fd, &st) < 0) {
		fmt_err(err, errlen, "stat: %s", strerror(errno));
		return -errno;
	}
	if (S_ISBLK(st.st_mode)) {
		uint64_t bytes;

		if (ioctl(fd, BLKGETSIZE64, &bytes) < 0) {
			fmt_err(err, errlen, "BLKGETSIZE64: %s", strerror(errno));
			return -errno;
		}
		m->dev_bytes = bytes;
		m->is_blockdev = true;
	} else if (S_ISREG(st.st_mode)) {
		m->dev_bytes = (uint64_t)st.st_size;
	} else if (S_ISDIR(st.st_mode)) {
		fmt_err(err, errlen, "is a directory, not a spare device or image");
		return -EISDIR;
	} else {
		fmt_err(err, errlen, "not a block device or regular file");
		return -EINVAL;
	}
	m->dev_sectors = m->dev_bytes / 512;
	return 0;
}

/* ------------------------------------------------------------ the slots */

static void read_slot(struct dmr_slot *s, const void *block, ssize_t got)
{
	memset(s, 0, sizeof(*s));
	if (got < DMR_MD_BLOCK_SIZE) {
		s->status = DMR_SLOT_BEYOND_END;
		return;
	}
	dmr_sb_decode(block, &s->sb);
	s->csum_computed = dmr_sb_csum(block);
	s->magic_ok = s->sb.magic == DMR_MAGIC;
	s->tail_nonzero = !is_zero((const char *)block + sizeof(struct dmr_superblock),
				   DMR_MD_BLOCK_SIZE - sizeof(struct dmr_superblock));
	if (is_zero(block, DMR_MD_BLOCK_SIZE))
		s->status = DMR_SLOT_ZERO;
	else if (!s->magic_ok)
		s->status = DMR_SLOT_BAD_MAGIC;
	else if (s->sb.version != DMR_VERSION)
		s->status = DMR_SLOT_BAD_VERSION;
	else if (s->csum_computed != s->sb.csum)
		s->status = DMR_SLOT_BAD_CSUM;
	else
		s->status = DMR_SLOT_VALID;
}

static void slot_why(const struct dmr_slot *s, char *buf, size_t len)
{
	switch (s->status) {
	case DMR_SLOT_BAD_CSUM:
		snprintf(buf, len, "bad checksum: stored 0x%08" PRIx32 ", computed 0x%08" PRIx32,
			 s->sb.csum, s->csum_computed);
		break;
	case DMR_SLOT_BAD_VERSION:
		snprintf(buf, len, "unsupported version %" PRIu32 " (this tool reads %d)",
			 s->sb.version, DMR_VERSION);
		break;
	case DMR_SLOT_UNREADABLE:
		snprintf(buf, len, "unreadable: %s", strerror(s->read_errno));
		break;
	default:
		snprintf(buf, len, "%s", dmr_slot_status_name(s->status));
		break;
	}
}

/*
 * the other slot against the current one: commits write the same
 * superblock to both slots, A first
 */
static int check_other_slot(struct dmr_meta *m)
{
	int cur = m->current, oth = !cur;
	const struct dmr_slot *o = &m->slot[oth];
	const struct dmr_sb *c = &m->sb, *s = &o->sb;
	char why[128];

	if (o->status == DMR_SLOT_ZERO) {
		ADD(m, DMR_SEV_INFO, "slot_zero", -1,
		    "superblock slot %c is all zeroes: a format was cut short before writing it; "
		    "the next commit writes it", dmr_copy_letter(oth));
		return 0;
	}
	if (o->status != DMR_SLOT_VALID) {
		slot_why(o, why, sizeof(why));
		ADD(m, DMR_SEV_DAMAGE, "slot_damaged", -1,
		    "superblock slot %c (block %d) is damaged (%s); slot %c (seq %" PRIu64
		    ") is used, the next commit rewrites it", dmr_copy_letter(oth), oth, why,
		    dmr_copy_letter(cur), c->seq);
		return 0;
	}
	if (memcmp(s->uuid, c->uuid, sizeof(c->uuid))) {
		char a[37], b[37];

		ADD(m, DMR_SEV_ERROR, "slot_uuid_mismatch", -1,
		    "superblock slots belong to different formats: slot %c uuid %s, slot %c uuid %s",
		    dmr_copy_letter(cur), dmr_uuid_str(c->uuid, a), dmr_copy_letter(oth),
		    dmr_uuid_str(s->uuid, b));
		return 0;
	}
	if (s->seq != c->seq)
		ADD(m, DMR_SEV_INFO, "slot_behind", -1,
		    "superblock slot %c is behind (seq %" PRIu64 ", slot %c has %" PRIu64
		    "): a commit was cut short between the two slots; the next commit rewrites it",
		    dmr_copy_letter(oth), s->seq, dmr_copy_letter(cur), c->seq);
#define SAME(f) (s->f == c->f)
	if (!SAME(block_size) || !SAME(main_sectors) || !SAME(main_logical_block_size) ||
	    !SAME(main_physical_block_size) || memcmp(s->main_id, c->main_id, DMR_MAIN_ID_LEN) ||
	    !SAME(spare_sectors) || !SAME(table_blocks) || !SAME(pool_start) ||
	    !SAME(pool_blocks) || !SAME(format_time))
		ADD(m, DMR_SEV_ERROR, "slot_mismatch", -1,
		    "superblock slots %c and %c disagree on fields fixed at format time "
		    "(block size, main device, geometry or format time)", dmr_copy_letter(cur),
		    dmr_copy_letter(oth));
#undef SAME
	if (s->nr_entries > c->nr_entries)
		ADD(m, DMR_SEV_ERROR, "slot_entries_shrank", -1,
		    "older superblock slot %c has more entries (%" PRIu64 ") than the current "
		    "slot %c (%" PRIu64 "): the table is append-only", dmr_copy_letter(oth),
		    s->nr_entries, dmr_copy_letter(cur), c->nr_entries);
	return 0;
}

static int check_slots(struct dmr_meta *m)
{
	for (int i = 0; i < DMR_SB_SLOTS; i++) {
		const struct dmr_slot *s = &m->slot[i];

		if (s->status == DMR_SLOT_VALID && s->tail_nonzero)
			ADD(m, DMR_SEV_WARNING, "slot_tail", -1,
			    "superblock slot %c: bytes after the superblock (offset %zu..4095) are "
			    "not zero", dmr_copy_letter(i), sizeof(struct dmr_superblock));
	}
	return check_other_slot(m);
}

/* ----------------------------------------------------- the superblock */

/* seq and flags */
static int check_sb_header(struct dmr_meta *m)
{
	const struct dmr_sb *sb = &m->sb;

	if (sb->seq == 0)
		ADD(m, DMR_SEV_ERROR, "seq_zero", -1, "seq is 0: formatting writes seq 1");
	if (sb->flags & DMR_SB_READ_ONLY)
		ADD(m, DMR_SEV_WARNING, "flag_read_only", -1,
		    "flag READ_ONLY is set: the device was latched read-only");
	if (sb->flags & ~(uint32_t)DMR_SB_READ_ONLY)
		ADD(m, DMR_SEV_WARNING, "flags_unknown", -1, "unknown flags 0x%08" PRIx32,
		    sb->flags & ~(uint32_t)DMR_SB_READ_ONLY);
	return 0;
}

/* the block sizes of the main device the spare is bound to */
static int check_main_block_sizes(struct dmr_meta *m)
{
	const struct dmr_sb *sb = &m->sb;

	if (!is_pow2(sb->main_logical_block_size) || sb->main_logical_block_size < 512)
		ADD(m, DMR_SEV_WARNING, "main_lbs", -1,
		    "main logical block size %" PRIu32 " is not a power of two >= 512",
		    sb->main_logical_block_size);
	if (!is_pow2(sb->main_physical_block_size) ||
	    sb->main_physical_block_size < sb->main_logical_block_size)
		ADD(m, DMR_SEV_WARNING, "main_pbs", -1,
		    "main physical block size %" PRIu32 " is not a power of two >= the logical "
		    "block size", sb->main_physical_block_size);
	return 0;
}

/* block_size, and the main device in blocks of it: sets block_sectors when sound */
static int check_block_size(struct dmr_meta *m)
{
	const struct dmr_sb *sb = &m->sb;
	uint64_t bs = sb->block_size;

	if (!is_pow2(bs) || bs < 512 || bs > 65536) {
		ADD(m, DMR_SEV_ERROR, "block_size", -1,
		    "block_size %" PRIu64 " is not a power of two in 512..65536", bs);
		return 0;
	}
	m->block_sectors = bs / 512;
	m->main_blocks = sb->main_sectors / m->block_sectors;
	if (sb->main_logical_block_size > bs)
		ADD(m, DMR_SEV_WARNING, "main_lbs", -1,
		    "main logical block size %" PRIu32 " is larger than block_size %" PRIu64,
		    sb->main_logical_block_size, bs);
	if (!m->main_blocks)
		ADD(m, DMR_SEV_ERROR, "main_sectors", -1,
		    "main_sectors %" PRIu64 " is less than one block of %" PRIu64 " bytes",
		    sb->main_sectors, bs);
	return 0;
}

/* the table and pool fields against the ones computed: sets geometry_ok */
static int check_geometry(struct dmr_meta *m)
{
	const struct dmr_sb *sb = &m->sb;
	const struct dmr_geometry *g = &m->geometry;

	if (dmr_compute_geometry(sb->spare_sectors, sb->block_size, &m->geometry)) {
		ADD(m, DMR_SEV_ERROR, "geometry", -1,
		    "spare_sectors %" PRIu64 " is too small for any pool of %" PRIu32
		    "-byte blocks", sb->spare_sectors, sb->block_size);
		return 0;
	}
	m->geometry_ok = sb->table_blocks == g->table_blocks &&
			 sb->pool_start == g->pool_start && sb->pool_blocks == g->pool_blocks;
	if (!m->geometry_ok)
		ADD(m, DMR_SEV_ERROR, "geometry", -1,
		    "geometry is not the one of spare_sectors %" PRIu64 " and block_size %" PRIu32
		    ": table_blocks/pool_start/pool_blocks are %" PRIu64 "/%" PRIu64 "/%" PRIu64
		    ", expected %" PRIu64 "/%" PRIu64 "/%" PRIu64, sb->spare_sectors,
		    sb->block_size, sb->table_blocks, sb->pool_start, sb->pool_blocks,
		    (uint64_t)g->table_blocks, (uint64_t)g->pool_start, (uint64_t)g->pool_blocks);
	return 0;
}

/* the device (its size now) and the table's length against the geometry */
static int check_pool(struct dmr_meta *m)
{
	const struct dmr_sb *sb = &m->sb;
	uint64_t pool_end = sb->pool_start + sb->pool_blocks * m->block_sectors;

	if (m->dev_sectors < pool_end)
		ADD(m, DMR_SEV_ERROR, "pool_beyond_end", -1,
		    "the pool ends at sector %" PRIu64 " but the device has only %" PRIu64
		    " sectors (truncated image or shrunk device?)", pool_end, m->dev_sectors);
	else if (m->dev_sectors < sb->spare_sectors)
		ADD(m, DMR_SEV_WARNING, "spare_shrunk", -1,
		    "the device has %" PRIu64 " sectors, %" PRIu64 " at format time (the pool "
		    "still fits)", m->dev_sectors, sb->spare_sectors);
	else if (m->dev_sectors > sb->spare_sectors)
		ADD(m, DMR_SEV_INFO, "spare_grown", -1,
		    "the device has %" PRIu64 " sectors, %" PRIu64 " at format time: the "
		    "extra space is not used", m->dev_sectors, sb->spare_sectors);

	if (sb->nr_entries > sb->pool_blocks)
		ADD(m, DMR_SEV_ERROR, "nr_entries", -1,
		    "nr_entries %" PRIu64 " is more than pool_blocks %" PRIu64, sb->nr_entries,
		    sb->pool_blocks);
	return 0;
}

/*
 * The current superblock's fields, in the order their findings are
 * listed.  *usable: the geometry is sound enough to read the table by (a
 * block size, a geometry that is the computed one).
 */
static int check_superblock(struct dmr_meta *m, int *usable)
{
	*usable = 0;
	if (check_sb_header(m) || check_main_block_sizes(m) || check_block_size(m))
		return -ENOMEM;
	if (!m->block_sectors)
		return 0;
	if (check_geometry(m))
		return -ENOMEM;
	if (!m->geometry_ok)
		return 0;
	if (check_pool(m))
		return -ENOMEM;
	*usable = 1;
	return 0;
}

/* ---------------------------------------------------------- the table */

/*
 * The table is read in three steps: read (both copies, block by block,
 * each entry taken from the copy that holds a good one), validate (each
 * entry, and the damage of each block), assemble (which entries
 * supersede which: the mapping in effect).
 */

/*
 * The problem kinds of the table: the first MAX_LISTED_PER_KIND of each
 * are listed, then one line each, in this order, counts the rest.
 */
enum table_kind {
	TK_BAD_CSUM, TK_RANGE, TK_FUTURE, TK_ORDER, TK_DAMAGE, TK_SUPERSEDED, TK_RETIRED, TK_NR
};

static const struct kind table_kinds[TK_NR] = {
	[TK_BAD_CSUM] = { DMR_SEV_ERROR, "entry_bad_csum", "entries bad in both copies", 0 },
	[TK_RANGE] = { DMR_SEV_ERROR, "entry_logical_range", "entries beyond the main device", 0 },
	[TK_FUTURE] = { DMR_SEV_ERROR, "entry_seq_future", "entries newer than the superblock", 0 },
	[TK_ORDER] = { DMR_SEV_WARNING, "entry_seq_order", "entries older than the one before", 0 },
	[TK_DAMAGE] = { DMR_SEV_DAMAGE, "table_copy_damaged", "damaged table blocks", 0 },
	[TK_SUPERSEDED] = { DMR_SEV_INFO, "superseded", "superseded entries", 0 },
	[TK_RETIRED] = { DMR_SEV_INFO, "retired", "retired entries", 0 },
};

static int list_or_count(struct dmr_meta *m, struct kind *k, int64_t index, const char *msg)
{
	if (k->count++ < MAX_LISTED_PER_KIND)
		ADD(m, k->sev, k->code, index, "%s", msg);
	return 0;
}

/* what reading one table block of both copies gave */
struct block_read {
	ssize_t got[DMR_TABLE_COPIES];		/* bytes, or -errno */
	unsigned int damaged[DMR_TABLE_COPIES];	/* entries bad here, good in the other */
};

/* ----------------------------------------------------------------- read */

/* entry i of copy c as read into data; false when its bytes could not be read */
static bool decode_entry(const struct dmr_meta *m, const unsigned char *data,
			 const struct block_read *br, unsigned int c, uint64_t i,
			 struct dmr_meta_entry *e)
{
	size_t slot = i % DMR_ENTRIES_PER_BLOCK;
	const struct dmr_entry *raw;

	memset(e, 0, sizeof(*e));
	e->superseded_by = DMR_NOT_SUPERSEDED;
	if (br->got[c] < 0 || (slot + 1) * DMR_ENTRY_SIZE > (size_t)br->got[c])
		return false;
	raw = (const struct dmr_entry *)(data + slot * DMR_ENTRY_SIZE);
	e->readable = true;
	e->logical = le64toh(raw->logical);
	e->seq = le32toh(raw->seq);
	e->csum = le32toh(raw->csum);
	e->csum_computed = dmr_entry_csum(m->sb.uuid, i, e->logical, e->seq);
	e->csum_ok = e->csum == e->csum_computed;
	e->retired = e->logical == DMR_META_RETIRED;
	e->logical_ok = e->retired || e->logical < m->main_blocks;
	/* entries carry the low 32 bits of their commit's seq */
	e->seq_ok = m->sb.seq > UINT32_MAX || e->seq <= m->sb.seq;
	return true;
}

/*
 * Entry i from whichever copy holds a good one, as the kernel does: good
 * in both but different (a failed write left one copy behind), the later
 * commit's.  Marks the copies that are bad and counts their damage.
 */
static void choose_entry(const struct dmr_meta *m, unsigned char *const data[DMR_TABLE_COPIES],
			 struct block_read *br, uint64_t i, struct dmr_meta_entry *e)
{
	struct dmr_meta_entry c[DMR_TABLE_COPIES];
	bool good[DMR_TABLE_COPIES];
	unsigned int k, pick;

	for (k = 0; k < DMR_TABLE_COPIES; k++)
		good[k] = decode_entry(m, data[k], br, k, i, &c[k]) && c[k].csum_ok &&
			  c[k].logical_ok && c[k].seq_ok;
	if (good[0] && good[1] && (c[0].logical != c[1].logical || c[0].seq != c[1].seq))
		good[(int32_t)(c[1].seq - c[0].seq) > 0 ? 0 : 1] = false;
	if (good[0] || good[1])
		pick = good[0] ? 0 : 1;
	else
		pick = c[0].readable ? 0 : 1;	/* reported as an error */
	*e = c[pick];
	for (k = 0; k < DMR_TABLE_COPIES; k++) {
		if (good[k])
			continue;
		e->bad_copies |= (uint8_t)(1U << k);
		if (good[!k])
			br->damaged[k]++;
	}
}

/*
 * Every entry below nr_loaded, reading each table block of both copies
 * into buf (two blocks) and what the reads gave into blocks[].  The table
 * lies where the geometry, checked to be the superblock's, puts it.
 */
static void read_entries(struct dmr_meta *m, int fd, void *buf, struct block_read *blocks)
{
	unsigned char *data[DMR_TABLE_COPIES];

	for (unsigned int c = 0; c < DMR_TABLE_COPIES; c++)
		data[c] = (unsigned char *)buf + (size_t)c * DMR_MD_BLOCK_SIZE;
	for (uint64_t i = 0; i < m->nr_loaded; i++) {
		uint64_t t = i / DMR_ENTRIES_PER_BLOCK;

		if (!(i % DMR_ENTRIES_PER_BLOCK))
			for (unsigned int c = 0; c < DMR_TABLE_COPIES; c++)
				blocks[t].got[c] = read_block(fd,
						dmr_table_md_block(&m->geometry, c, t), data[c]);
		choose_entry(m, data, &blocks[t], i, &m->entries[i]);
	}
}

/* ------------------------------------------------------------- validate */

/* one "damage" finding per damaged copy of table block t */
static int report_block_damage(struct dmr_meta *m, const struct block_read *br, uint64_t t,
			       struct kind *k)
{
	char msg[200];

	for (unsigned int c = 0; c < DMR_TABLE_COPIES; c++) {
		uint64_t md_block = dmr_table_md_block(&m->geometry, c, t);

		if (!br->damaged[c])
			continue;
		if (br->got[c] < 0)
			snprintf(msg, sizeof(msg), "table copy %c block %" PRIu64 " (metadata block %"
				 PRIu64 ") is unreadable (%s): its entries are read from copy %c; "
				 "the next commit rewrites it", dmr_copy_letter(c), t, md_block,
				 strerror((int)-br->got[c]), dmr_copy_letter(!c));
		else if (br->got[c] < DMR_MD_BLOCK_SIZE)
			snprintf(msg, sizeof(msg), "table copy %c block %" PRIu64 " (metadata block %"
				 PRIu64 ") lies beyond the end of the device: its entries are read "
				 "from copy %c", dmr_copy_letter(c), t, md_block,
				 dmr_copy_letter(!c));
		else
			snprintf(msg, sizeof(msg), "table copy %c block %" PRIu64 " (metadata block %"
				 PRIu64 ") has %u bad entr%s, good in copy %c; the next commit "
				 "rewrites it", dmr_copy_letter(c), t, md_block, br->damaged[c],
				 br->damaged[c] == 1 ? "y" : "ies", dmr_copy_letter(!c));
		if (list_or_count(m, k, -1, msg))
			return -ENOMEM;
	}
	return 0;
}

/*
 * An entry's seq: not newer than the superblock's, and (while seqs fit in
 * 32 bits, so entries carry all of theirs) not older than the entries
 * before it.  *prev_seq: the highest seq so far.
 */
static int check_entry_seq(struct dmr_meta *m, struct kind *kinds, uint64_t i,
			   uint32_t *prev_seq)
{
	const struct dmr_meta_entry *e = &m->entries[i];
	char msg[200];

	if (!e->seq_ok) {
		snprintf(msg, sizeof(msg), "entry %" PRIu64 ": seq %" PRIu32 " is newer "
			 "than the superblock's seq %" PRIu64, i, e->seq, m->sb.seq);
		if (list_or_count(m, &kinds[TK_FUTURE], (int64_t)i, msg))
			return -ENOMEM;
	} else if (m->sb.seq <= UINT32_MAX && e->seq < *prev_seq) {
		snprintf(msg, sizeof(msg), "entry %" PRIu64 ": seq %" PRIu32 " is older "
			 "than the seq %" PRIu32 " of an entry before it", i, e->seq, *prev_seq);
		if (list_or_count(m, &kinds[TK_ORDER], (int64_t)i, msg))
			return -ENOMEM;
	}
	if (e->seq > *prev_seq)
		*prev_seq = e->seq;
	return 0;
}

/* the findings of entry i as chosen; counts it when retired */
static int check_entry(struct dmr_meta *m, struct kind *kinds, uint64_t i, uint32_t *prev_seq)
{
	struct dmr_meta_entry *e = &m->entries[i];
	char msg[200];

	if (!e->readable)
		return 0;	/* report_unreadable() sums these up */
	if (!e->csum_ok || (e->bad_copies == 3 && e->logical_ok && e->seq_ok)) {
		snprintf(msg, sizeof(msg), "entry %" PRIu64 " (table block %" PRIu64
			 ", slot %zu): bad in both copies: bad checksum: stored 0x%08" PRIx32
			 ", computed 0x%08" PRIx32, i, i / DMR_ENTRIES_PER_BLOCK,
			 (size_t)(i % DMR_ENTRIES_PER_BLOCK), e->csum, e->csum_computed);
		e->csum_ok = false;	/* nothing else of it can be trusted */
		return list_or_count(m, &kinds[TK_BAD_CSUM], (int64_t)i, msg);
	}
	if (!e->logical_ok) {
		snprintf(msg, sizeof(msg), "entry %" PRIu64 ": logical block %" PRIu64
			 " is beyond the main device (%" PRIu64 " blocks)", i, e->logical,
			 m->main_blocks);
		if (list_or_count(m, &kinds[TK_RANGE], (int64_t)i, msg))
			return -ENOMEM;
	}
	if (check_entry_seq(m, kinds, i, prev_seq))
		return -ENOMEM;
	if (!e->retired)
		return 0;
	m->nr_retired++;
	snprintf(msg, sizeof(msg), "entry %" PRIu64 " maps nothing (retired): spare block %"
		 PRIu64 " failed when written", i, i);
	return list_or_count(m, &kinds[TK_RETIRED], (int64_t)i, msg);
}

/* one finding for the entries that neither copy could give */
static int report_unreadable(struct dmr_meta *m)
{
	uint64_t first = UINT64_MAX, nr = 0;

	for (uint64_t i = 0; i < m->nr_loaded; i++)
		if (!m->entries[i].readable) {
			if (!nr++)
				first = i;
		}
	if (nr)
		ADD(m, DMR_SEV_ERROR, "table_unreadable", (int64_t)first,
		    "%" PRIu64 " entr%s cannot be read from either table copy (beyond the end "
		    "of the device, or read errors), from entry %" PRIu64 " (table block %"
		    PRIu64 ")", nr, nr == 1 ? "y" : "ies", first, first / DMR_ENTRIES_PER_BLOCK);
	return 0;
}

/* every entry, and after the entries of each table block its damage */
static int check_entries(struct dmr_meta *m, const struct block_read *blocks,
			 struct kind *kinds)
{
	uint32_t prev_seq = 0;
	uint64_t i = 0;

	for (uint64_t t = 0; i < m->nr_loaded; t++) {
		for (; i < m->nr_loaded && i / DMR_ENTRIES_PER_BLOCK == t; i++)
			if (check_entry(m, kinds, i, &prev_seq))
				return -ENOMEM;
		if (report_block_damage(m, &blocks[t], t, &kinds[TK_DAMAGE]))
			return -ENOMEM;
	}
	return report_unreadable(m);
}

/* ------------------------------------------------------------- assemble */

struct pair {
	uint64_t logical, index;
};

static int cmp_pair(const void *a, const void *b)
{
	const struct pair *x = a, *y = b;

	if (x->logical != y->logical)
		return x->logical < y->logical ? -1 : 1;
	return x->index < y->index ? -1 : x->index > y->index;
}

/* a good entry that maps a logical block, whether superseded or not */
static bool entry_maps(const struct dmr_meta_entry *e)
{
	return e->readable && e->csum_ok && !e->retired && e->logical_ok;
}

/*
 * A later entry of the same logical block supersedes the earlier ones;
 * the last of each is in effect.
 */
static int resolve_supersedes(struct dmr_meta *m, struct kind *superseded)
{
	struct pair *pairs = calloc(m->nr_loaded ? m->nr_loaded : 1, sizeof(*pairs));
	uint64_t n = 0;
	char msg[200];
	int ret = 0;

	if (!pairs)
		return -ENOMEM;
	for (uint64_t i = 0; i < m->nr_loaded; i++)
		if (entry_maps(&m->entries[i])) {
			pairs[n].logical = m->entries[i].logical;
			pairs[n++].index = i;
		}
	qsort(pairs, n, sizeof(*pairs), cmp_pair);
	for (uint64_t k = 0; k < n && !ret; k++) {
		uint64_t i = pairs[k].index, by;

		if (k + 1 == n || pairs[k + 1].logical != pairs[k].logical) {
			m->nr_effective++;
			continue;
		}
		by = pairs[k + 1].index;
		m->entries[i].superseded_by = by;
		m->nr_superseded++;
		snprintf(msg, sizeof(msg), "entry %" PRIu64 " (logical %" PRIu64 ") is "
			 "superseded by entry %" PRIu64 " (spare block %" PRIu64 " no longer used)",
			 i, pairs[k].logical, by, i);
		ret = list_or_count(m, superseded, (int64_t)i, msg);
	}
	free(pairs);
	return ret;
}

/* "... and N more" for each kind listed only in part */
static int report_unlisted(struct dmr_meta *m, const struct kind *kinds)
{
	for (size_t k = 0; k < TK_NR; k++)
		if (kinds[k].count > MAX_LISTED_PER_KIND)
			ADD(m, kinds[k].sev, kinds[k].code, -1,
			    "... and %" PRIu64 " more %s, not listed",
			    kinds[k].count - MAX_LISTED_PER_KIND, kinds[k].what);
	return 0;
}

/* buf: two metadata blocks, for a table block of each copy */
static int read_table(struct dmr_meta *m, int fd, void *buf, char *err, size_t errlen)
{
	const struct dmr_sb *sb = &m->sb;
	uint64_t n = sb->nr_entries < sb->pool_blocks ? sb->nr_entries : sb->pool_blocks;
	uint64_t nr_blocks = (n + DMR_ENTRIES_PER_BLOCK - 1) / DMR_ENTRIES_PER_BLOCK;
	struct kind kinds[TK_NR];
	struct block_read *blocks;
	int ret;

	memcpy(kinds, table_kinds, sizeof(kinds));
	m->entries = calloc(n ? n : 1, sizeof(*m->entries));
	blocks = calloc(nr_blocks ? nr_blocks : 1, sizeof(*blocks));
	if (!m->entries || !blocks) {
		free(blocks);
		fmt_err(err, errlen, "out of memory for %" PRIu64 " table entries", n);
		return -ENOMEM;
	}
	m->nr_loaded = n;
	read_entries(m, fd, buf, blocks);
	ret = check_entries(m, blocks, kinds);
	if (!ret)
		ret = resolve_supersedes(m, &kinds[TK_SUPERSEDED]);
	if (!ret)
		ret = report_unlisted(m, kinds);
	free(blocks);
	if (ret)
		fmt_err(err, errlen, "out of memory");
	return ret;
}

/* ---------------------------------------------------------------- main */

void dmr_meta_free(struct dmr_meta *m)
{
	free(m->entries);
	free(m->problems);
	m->entries = NULL;
	m->problems = NULL;
	m->nr_problems = m->cap_problems = 0;
}

bool dmr_meta_consistent(const struct dmr_meta *m)
{
	return m->state == DMR_META_FORMATTED && !m->nr_errors;
}

bool dmr_meta_degraded(const struct dmr_meta *m)
{
	return dmr_meta_consistent(m) && m->nr_damage;
}

int dmr_meta_verdict(const struct dmr_meta *m)
{
	if (m->state == DMR_META_UNFORMATTED && !m->nr_errors)
		return DMR_CHECK_UNFORMATTED;
	if (dmr_meta_degraded(m))
		return DMR_CHECK_DEGRADED;
	return dmr_meta_consistent(m) ? DMR_CHECK_CONSISTENT : DMR_CHECK_INCONSISTENT;
}

static int not_formatted(struct dmr_meta *m, const unsigned char *probe, size_t probe_len,
			 int unreadable)
{
	struct dmr_geometry g;

	if (unreadable < 0 && is_zero(probe, probe_len)) {
		m->state = DMR_META_UNFORMATTED;
		ADD(m, DMR_SEV_INFO, "unformatted", -1,
		    "no dm-remap metadata: the first %d metadata blocks are all zero; the module "
		    "formats such a spare when it is first used", DMR_PROBE_BLOCKS);
		/* the module refuses to format it: not a spare it can use */
		if (dmr_compute_geometry(m->dev_sectors, 4096, &g))
			ADD(m, DMR_SEV_ERROR, "too_small", -1,
			    "the device (%" PRIu64 " sectors) is too small to hold even one 4096-byte "
			    "spare block", m->dev_sectors);
		return 0;
	}
	m->state = DMR_META_FOREIGN;
	for (int i = 0; i < DMR_SB_SLOTS; i++)
		if (m->slot[i].status == DMR_SLOT_BAD_VERSION && m->slot[i].sb.version == 1 &&
		    m->slot[i].csum_computed == m->slot[i].sb.csum) {
			ADD(m, DMR_SEV_ERROR, "old_version", -1,
			    "dm-remap metadata of format version 1 (slot %c): neither this tool nor "
			    "the module reads it any more; see docs/on-disk-format.md",
			    dmr_copy_letter(i));
			return 0;
		}
	if (m->slot[0].magic_ok || m->slot[1].magic_ok ||
	    m->slot[0].status == DMR_SLOT_UNREADABLE || m->slot[1].status == DMR_SLOT_UNREADABLE) {
		char a[128], b[128];

		slot_why(&m->slot[0], a, sizeof(a));
		slot_why(&m->slot[1], b, sizeof(b));
		ADD(m, DMR_SEV_ERROR, "no_valid_slot", -1,
		    "damaged dm-remap metadata: no superblock slot is valid (A: %s; B: %s)", a, b);
	} else if (unreadable >= 0) {
		ADD(m, DMR_SEV_ERROR, "probe_unreadable", -1,
		    "no valid superblock, and metadata block %d cannot be read: the module refuses "
		    "this spare", unreadable);
	} else {
		ADD(m, DMR_SEV_ERROR, "not_dm_remap", -1,
		    "not dm-remap metadata: no valid superblock and the first %d metadata blocks "
		    "are not zero; the module refuses this spare unless given 'format'",
		    DMR_PROBE_BLOCKS);
	}
	return 0;
}

int dmr_meta_read(int fd, struct dmr_meta *m, char *err, size_t errlen)
{
	unsigned char *buf = NULL;
	size_t probe_len = 0;
	int ret, usable, unreadable = -1;

	memset(m, 0, sizeof(*m));
	m->current = -1;
	ret = device_size(fd, m, err, errlen);
	if (ret)
		return ret;

	/* the probe blocks: slots A and B, then the first table block */
	buf = aligned_alloc(DMR_MD_BLOCK_SIZE, (size_t)DMR_PROBE_BLOCKS * DMR_MD_BLOCK_SIZE);
	if (!buf) {
		fmt_err(err, errlen, "out of memory");
		return -ENOMEM;
	}
	for (int b = 0; b < DMR_PROBE_BLOCKS; b++) {
		ssize_t got = read_block(fd, (uint64_t)b, buf + (size_t)b * DMR_MD_BLOCK_SIZE);

		if (got < 0) {
			/* a bad sector is a finding: the other copy may hold the same */
			memset(buf + (size_t)b * DMR_MD_BLOCK_SIZE, 0, DMR_MD_BLOCK_SIZE);
			if (b < DMR_SB_SLOTS) {
				memset(&m->slot[b], 0, sizeof(m->slot[b]));
				m->slot[b].status = DMR_SLOT_UNREADABLE;
				m->slot[b].read_errno = (int)-got;
			}
			if (unreadable < 0)
				unreadable = b;
			probe_len += DMR_MD_BLOCK_SIZE;
			continue;
		}
		if (b < DMR_SB_SLOTS)
			read_slot(&m->slot[b], buf + (size_t)b * DMR_MD_BLOCK_SIZE, got);
		/* past a short read at the end, reads return nothing */
		probe_len += (size_t)got;
	}

	for (int i = 0; i < DMR_SB_SLOTS; i++) {
		if (m->slot[i].status != DMR_SLOT_VALID)
			continue;
		/* like the kernel: on a tie (an error of its own) slot A stays */
		if (m->current < 0 || m->slot[i].sb.seq > m->slot[m->current].sb.seq)
			m->current = i;
	}
	if (m->current < 0) {
		ret = not_formatted(m, buf, probe_len, unreadable) ? -ENOMEM : 0;
		if (ret)
			fmt_err(err, errlen, "out of memory");
		goto out;
	}
	m->state = DMR_META_FORMATTED;
	m->sb = m->slot[m->current].sb;
	ret = check_slots(m);
	if (!ret)
		ret = check_superblock(m, &usable);
	if (ret) {
		fmt_err(err, errlen, "out of memory");
		goto out;
	}
	if (usable)
		ret = read_table(m, fd, buf, err, errlen);
out:
	free(buf);
	return ret;
}

int dmr_meta_check_main(struct dmr_meta *m, const struct dmr_main_dev *d)
{
	const struct dmr_sb *sb = &m->sb;
	char rec[2 * DMR_MAIN_ID_LEN + 5], now[2 * DMR_MAIN_ID_LEN + 5];

	if (m->state != DMR_META_FORMATTED)
		return 0;
	if (sb->main_sectors != d->sectors || sb->main_logical_block_size != d->lbs ||
	    sb->main_physical_block_size != d->pbs)
		ADD(m, DMR_SEV_ERROR, "main_mismatch", -1,
		    "the spare belongs to another main device: recorded %" PRIu64 " sectors, "
		    "block sizes %" PRIu32 "/%" PRIu32 "; the main device has %" PRIu64
		    " sectors, %" PRIu32 "/%" PRIu32, sb->main_sectors,
		    sb->main_logical_block_size, sb->main_physical_block_size, d->sectors,
		    d->lbs, d->pbs);
	else if (d->id_known && memcmp(sb->main_id, d->id, DMR_MAIN_ID_LEN))
		ADD(m, DMR_SEV_ERROR, "main_mismatch", -1,
		    "the spare belongs to another main device: recorded main_id '%s', the main "
		    "device's is '%s'", dmr_main_id_str(sb->main_id, rec, sizeof(rec)),
		    dmr_main_id_str(d->id, now, sizeof(now)));
	return 0;
}
