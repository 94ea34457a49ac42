// SPDX-License-Identifier: GPL-2.0
/*
 * metafuzz_gen.c - one corrupted or crafted spare image per seed (see
 * metafuzz_gen.h).  Every choice comes from the seed's own generator
 * (splitmix64), never from the clock or rand(), so a seed is a replay.
 */
#define _GNU_SOURCE
#include <endian.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "crc32c.h"
#include "metafuzz_gen.h"

struct mf {
	uint64_t rng;
	const struct mf_params *p;
	struct mf_variant *v;
	struct meta_image *im;
	uint64_t main_blocks;
	size_t len;		/* of desc so far */
};

static uint64_t next(struct mf *f)
{
	uint64_t z = (f->rng += 0x9e3779b97f4a7c15ULL);

	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
	return z ^ (z >> 31);
}

/* uniform enough in [0, n), n > 0 */
static uint64_t rnd(struct mf *f, uint64_t n)
{
	return next(f) % n;
}

static void say(struct mf *f, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

static void say(struct mf *f, const char *fmt, ...)
{
	size_t cap = sizeof(f->v->desc);
	va_list ap;

	if (f->len >= cap - 1)
		return;
	va_start(ap, fmt);
	f->len += (size_t)vsnprintf(f->v->desc + f->len, cap - f->len, fmt, ap);
	va_end(ap);
	if (f->len > cap - 1)
		f->len = cap - 1;
}

/* a weaker verdict never overrides a stronger one: a refusal stays one */
static void expect(struct mf *f, enum mf_expect e)
{
	if (f->v->expect == MF_REFUSE && e == MF_LOAD)
		return;
	f->v->expect = e;
}

/* ------------------------------------------------------------ the bases */

enum base { B_EMPTY, B_FEW, B_FULL, B_TORN, B_ZERO, NR_BASES };
static const char *const base_names[] = { "empty", "few", "full", "torn", "zero" };

static void commit_random(struct mf *f, size_t n, unsigned int steps, bool retire)
{
	uint64_t logical[DMR_ENTRIES_PER_BLOCK];

	for (size_t k = 0; k < n; k++) {
		logical[k] = rnd(f, f->main_blocks);
		/* a block remapped again: the later entry replaces the earlier */
		if (k && !rnd(f, 4))
			logical[k] = logical[rnd(f, k)];
		if (retire && !rnd(f, 8))
			logical[k] = DMR_LOGICAL_RETIRED;
	}
	mi_commit_steps(f->im, logical, n, steps);
}

static const unsigned int torn_steps[] = {
	MI_TABLE_A, MI_TABLE_A | MI_TABLE_B, MI_TABLE_A | MI_TABLE_B | MI_SLOT_A,
};

static enum base make_base(struct mf *f)
{
	static const uint32_t sizes[] = { 512, 1024, 2048, 8192 };
	struct meta_image *im = f->im;
	/* weights: empty 2, few 4, full 2, torn 3, zero 1 (in twelfths) */
	static const enum base pick[12] = {
		B_EMPTY, B_EMPTY, B_FEW, B_FEW, B_FEW, B_FEW, B_FULL, B_FULL,
		B_TORN, B_TORN, B_TORN, B_ZERO,
	};
	enum base b = pick[rnd(f, 12)];
	uint32_t bs = rnd(f, 3) ? 4096 : sizes[rnd(f, 4)];
	uint64_t n;

	mi_format(im, f->p->spare_sectors, bs, f->p->main_sectors, NULL);
	im->sb.main_logical_block_size = htole32(f->p->main_lbs);
	im->sb.main_physical_block_size = htole32(f->p->main_pbs);
	mi_write_sb(im, 0, &im->sb);
	mi_write_sb(im, 1, &im->sb);
	f->main_blocks = f->p->main_sectors / (bs / 512);
	say(f, "base=%s bs=%u", base_names[b], bs);

	switch (b) {
	case B_EMPTY:
		break;
	case B_FEW:
		for (n = 1 + rnd(f, 3); n; n--)
			commit_random(f, 1 + rnd(f, 4), MI_ALL, true);
		break;
	case B_FULL:
		while (im->nr_entries < im->geo.pool_blocks) {
			n = im->geo.pool_blocks - im->nr_entries;
			if (n > DMR_ENTRIES_PER_BLOCK)
				n = 1 + rnd(f, DMR_ENTRIES_PER_BLOCK);
			commit_random(f, n, MI_ALL, true);
		}
		break;
	case B_TORN:
		commit_random(f, 1 + rnd(f, 4), MI_ALL, true);
		commit_random(f, 1 + rnd(f, 4), torn_steps[rnd(f, 3)], false);
		break;
	case B_ZERO:
		memset(im->buf, 0, im->size);
		break;
	default:
		break;
	}
	say(f, " nr=%llu", (unsigned long long)im->nr_entries);
	return b;
}

/* ------------------------------------------------------ image accessors */

static uint64_t get_le(const unsigned char *p, size_t size)
{
	uint64_t v = 0;

	for (size_t i = size; i--; )
		v = v << 8 | p[i];
	return v;
}

static void put_le(unsigned char *p, size_t size, uint64_t v)
{
	for (size_t i = 0; i < size; i++, v >>= 8)
		p[i] = (unsigned char)v;
}

/* a field of the superblock in slot SLOT, the checksum recomputed */
static void set_sb_field(struct mf *f, int slot, size_t off, size_t size, uint64_t v)
{
	struct dmr_superblock sb;

	mi_read_sb(f->im, slot, &sb);
	put_le((unsigned char *)&sb + off, size, v);
	mi_write_sb(f->im, slot, &sb);
}

static uint64_t get_sb_field(struct mf *f, int slot, size_t off, size_t size)
{
	return get_le(f->im->buf + (size_t)slot * DMR_MD_BLOCK_SIZE + off, size);
}

#define SB_OFF(field) offsetof(struct dmr_superblock, field)
#define SB_SIZE(field) sizeof(((struct dmr_superblock *)0)->field)

/* entry i of COPY rewritten with a checksum that matches */
static void set_entry(struct mf *f, int copy, uint64_t i, uint64_t logical, uint32_t seq)
{
	struct dmr_entry_csum_input in;
	struct dmr_entry e;

	memcpy(in.uuid, f->im->sb.uuid, sizeof(in.uuid));
	in.index = htole64(i);
	in.logical = htole64(logical);
	in.seq = htole32(seq);
	e.logical = htole64(logical);
	e.seq = htole32(seq);
	e.csum = htole32(dmr_crc32c(DMR_CSUM_SEED, &in, sizeof(in)));
	memcpy(f->im->buf + mi_entry_offset(f->im, copy, i), &e, sizeof(e));
}

static struct dmr_entry get_entry(struct mf *f, int copy, uint64_t i)
{
	struct dmr_entry e;

	memcpy(&e, f->im->buf + mi_entry_offset(f->im, copy, i), sizeof(e));
	return e;
}

/* nr_entries of the current slot (the image writer keeps both in step) */
static uint64_t committed(struct mf *f)
{
	uint64_t a = get_sb_field(f, 0, SB_OFF(nr_entries), 8);
	uint64_t b = get_sb_field(f, 1, SB_OFF(nr_entries), 8);

	return a < b ? a : b;
}

static uint64_t pool_end_bytes(const struct meta_image *im)
{
	return (im->geo.pool_start + im->geo.pool_blocks * (im->block_size / 512)) * 512;
}

/* ----------------------------------------------------------- mutations */

static void mut_bitflip(struct mf *f, enum base b)
{
	struct meta_image *im = f->im;
	uint64_t area = (DMR_TABLE_START + 2 * im->geo.table_blocks) * DMR_MD_BLOCK_SIZE;
	unsigned int n = 1 + (unsigned int)rnd(f, 8);

	/* half of the time in the superblocks and first table blocks */
	if (rnd(f, 2) && area > 4 * DMR_MD_BLOCK_SIZE)
		area = 4 * DMR_MD_BLOCK_SIZE;
	say(f, " mut=bitflip");
	for (unsigned int k = 0; k < n; k++) {
		uint64_t bit = rnd(f, area * 8);

		im->buf[bit / 8] ^= (unsigned char)(1U << (bit % 8));
		if (k < 4)
			say(f, " @%llu.%u", (unsigned long long)(bit / 8), (unsigned int)(bit % 8));
	}
	(void)b;
}

struct field {
	const char *name;
	size_t off, size;
};

#define F(x) { #x, SB_OFF(x), SB_SIZE(x) }
static const struct field fields[] = {
	F(flags), F(magic), F(version), F(block_size), F(seq), F(main_sectors),
	F(main_logical_block_size), F(main_physical_block_size), F(spare_sectors),
	F(table_blocks), F(pool_start), F(pool_blocks), F(nr_entries), F(format_time),
	F(commit_time),
	{ "uuid[0]", SB_OFF(uuid), 1 }, { "main_id[0]", SB_OFF(main_id), 1 },
};
#undef F

static uint64_t boundary(struct mf *f, size_t size, uint64_t orig)
{
	uint64_t max = size == 8 ? UINT64_MAX : (1ULL << (size * 8)) - 1;
	const struct meta_image *im = f->im;
	const uint64_t v[] = {
		0, 1, max, max - 1, orig + 1, orig - 1,
		im->geo.pool_blocks, im->geo.pool_blocks + 1, im->geo.pool_blocks - 1,
		f->main_blocks, f->main_blocks + 1, f->p->main_sectors + 1,
		f->p->spare_sectors, f->p->spare_sectors + 1, f->p->spare_sectors * 2,
		1ULL << rnd(f, size * 8), next(f),
	};

	return v[rnd(f, sizeof(v) / sizeof(v[0]))] & max;
}

static void mut_sb_field(struct mf *f)
{
	const struct field *fl = &fields[rnd(f, sizeof(fields) / sizeof(fields[0]))];
	int which = (int)rnd(f, 3);	/* slot A, slot B, both */
	uint64_t orig = get_sb_field(f, 0, fl->off, fl->size);
	uint64_t v = boundary(f, fl->size, orig);

	say(f, " mut=sb_field field=%s slot=%s value=%llu", fl->name,
	    which == 0 ? "A" : which == 1 ? "B" : "both", (unsigned long long)v);
	for (int s = 0; s < DMR_SB_SLOTS; s++)
		if (which == 2 || which == s)
			set_sb_field(f, s, fl->off, fl->size, v);
}

/* another block_size in both slots; sometimes the geometry follows it */
static void mut_block_size(struct mf *f)
{
	static const uint32_t sizes[] = {
		0, 1, 256, 511, 513, 3000, 4095, 4097, 6144, 12288, 65535, 131072,
		1U << 31, 0xffffffffU, 512, 8192, 65536,
	};
	uint32_t bs = sizes[rnd(f, sizeof(sizes) / sizeof(sizes[0]))];
	bool pow2_ok = bs >= 512 && bs <= 65536 && !(bs & (bs - 1));
	struct dmr_geometry g;
	bool regeo = pow2_ok && rnd(f, 2) &&
		     !dmr_compute_geometry(f->p->spare_sectors, bs, &g);

	say(f, " mut=block_size value=%u%s", bs, regeo ? " geometry=recomputed" : "");
	for (int s = 0; s < DMR_SB_SLOTS; s++) {
		set_sb_field(f, s, SB_OFF(block_size), 4, bs);
		if (!regeo)
			continue;
		set_sb_field(f, s, SB_OFF(table_blocks), 8, g.table_blocks);
		set_sb_field(f, s, SB_OFF(pool_start), 8, g.pool_start);
		set_sb_field(f, s, SB_OFF(pool_blocks), 8, g.pool_blocks);
	}
	if (!pow2_ok)
		expect(f, MF_REFUSE);
}

/* slot B claims a later commit than slot A; or both go back below the entries */
static void mut_seq_back(struct mf *f)
{
	uint64_t seq = get_sb_field(f, 0, SB_OFF(seq), 8);

	if (rnd(f, 2)) {
		uint64_t nr = get_sb_field(f, 0, SB_OFF(nr_entries), 8);
		uint64_t nr_b = nr ? rnd(f, nr + 1) : 0;

		say(f, " mut=seq_back slot_b_seq=%llu slot_b_nr=%llu",
		    (unsigned long long)(seq + 1), (unsigned long long)nr_b);
		set_sb_field(f, 1, SB_OFF(seq), 8, seq + 1);
		set_sb_field(f, 1, SB_OFF(nr_entries), 8, nr_b);
		/* slot B is current: slot A must not have more entries */
		expect(f, nr_b < nr ? MF_REFUSE : MF_LOAD);
		return;
	}
	say(f, " mut=seq_back both_seq=1");
	set_sb_field(f, 0, SB_OFF(seq), 8, 1);
	set_sb_field(f, 1, SB_OFF(seq), 8, 1);
	/* every committed entry has a seq of at least 2: newer than the superblock */
	if (committed(f))
		expect(f, MF_REFUSE);
}

static void mut_dup_logical(struct mf *f)
{
	uint64_t nr = committed(f), i, j;
	struct dmr_entry e;

	if (nr < 2)
		return mut_sb_field(f);
	i = rnd(f, nr - 1);
	j = i + 1 + rnd(f, nr - i - 1);
	e = get_entry(f, 0, i);
	say(f, " mut=dup_logical entry=%llu as=%llu", (unsigned long long)j,
	    (unsigned long long)i);
	for (int c = 0; c < DMR_TABLE_COPIES; c++)
		set_entry(f, c, j, le64toh(e.logical), le32toh(get_entry(f, c, j).seq));
	/* legal: the later entry replaces the earlier (a block remapped again) */
	expect(f, MF_LOAD);
}

/* an entry beyond the main device, or newer than the superblock: one copy or both */
static void mut_entry_bad(struct mf *f, bool future)
{
	uint64_t nr = committed(f), i;
	int copies = (int)rnd(f, 3);	/* A, B, both */

	if (!nr)
		return mut_sb_field(f);
	i = rnd(f, nr);
	for (int c = 0; c < DMR_TABLE_COPIES; c++) {
		struct dmr_entry e = get_entry(f, c, i);
		uint64_t logical = le64toh(e.logical);
		uint32_t seq = le32toh(e.seq);

		if (copies != 2 && copies != c)
			continue;
		if (future)
			seq = (uint32_t)f->im->seq + 1 + (uint32_t)rnd(f, 5);
		else
			logical = rnd(f, 2) ? f->main_blocks + rnd(f, 3) : DMR_LOGICAL_RETIRED - 1;
		set_entry(f, c, i, logical, seq);
	}
	say(f, " mut=%s entry=%llu copies=%s", future ? "entry_future" : "entry_beyond",
	    (unsigned long long)i, copies == 0 ? "A" : copies == 1 ? "B" : "both");
	expect(f, copies == 2 ? MF_REFUSE : MF_LOAD);
}

static void mut_truncate(struct mf *f, enum base b)
{
	uint64_t end = pool_end_bytes(f->im);
	uint64_t md = (DMR_TABLE_START + 2 * f->im->geo.table_blocks) * DMR_MD_BLOCK_SIZE;
	const uint64_t sizes[] = {
		rnd(f, 3 * DMR_MD_BLOCK_SIZE), rnd(f, md) + 1, md,
		end - 512 * (1 + rnd(f, 16)), f->im->geo.pool_start * 512 + 512 * rnd(f, 64),
		end - 1,
	};
	uint64_t size = sizes[rnd(f, sizeof(sizes) / sizeof(sizes[0]))];

	if (size > f->v->size)
		size = f->v->size;
	f->v->size = (size_t)size;
	say(f, " mut=truncate size=%llu", (unsigned long long)size);
	if (b != B_ZERO && size < end)
		expect(f, MF_REFUSE);
}

/* the superblocks claim a larger spare than the image: geometry recomputed */
static void mut_spare_claims_more(struct mf *f)
{
	uint64_t claim = f->p->spare_sectors + 1 + rnd(f, 4 * f->p->spare_sectors);
	uint32_t bs = (uint32_t)get_sb_field(f, 0, SB_OFF(block_size), 4);
	struct dmr_geometry g;

	/* an earlier mutation may have left a block size the geometry cannot use */
	if (bs < 512 || bs > 65536 || (bs & (bs - 1)) || dmr_compute_geometry(claim, bs, &g))
		return mut_sb_field(f);
	say(f, " mut=spare_claims_more spare_sectors=%llu", (unsigned long long)claim);
	for (int s = 0; s < DMR_SB_SLOTS; s++) {
		set_sb_field(f, s, SB_OFF(spare_sectors), 8, claim);
		set_sb_field(f, s, SB_OFF(table_blocks), 8, g.table_blocks);
		set_sb_field(f, s, SB_OFF(pool_start), 8, g.pool_start);
		set_sb_field(f, s, SB_OFF(pool_blocks), 8, g.pool_blocks);
	}
	/* the table moved with the geometry: entries are wherever they land */
	if ((g.pool_start + g.pool_blocks * (bs / 512)) * 512 > f->v->size)
		expect(f, MF_REFUSE);
}

/* one superblock slot or one table copy block zeroed or garbage */
static void mut_copy_damage(struct mf *f)
{
	struct meta_image *im = f->im;
	bool slot = rnd(f, 2);
	int which = (int)rnd(f, 2);
	size_t off = slot ? (size_t)which * DMR_MD_BLOCK_SIZE : mi_table_offset(im, which, 0);
	bool garbage = rnd(f, 2);

	for (size_t k = 0; k < DMR_MD_BLOCK_SIZE; k++)
		im->buf[off + k] = garbage ? (unsigned char)next(f) : 0;
	say(f, " mut=%s copy=%c %s", slot ? "slot_damage" : "table_damage", 'A' + which,
	    garbage ? "garbage" : "zeroes");
}

enum mut {
	M_NONE, M_BITFLIP, M_SB_FIELD, M_BLOCK_SIZE, M_SEQ_BACK, M_DUP, M_BEYOND,
	M_FUTURE, M_TRUNCATE, M_CLAIMS_MORE, M_COPY_DAMAGE, NR_MUTS,
};

static void mutate(struct mf *f, enum base b, enum mut m)
{
	switch (m) {
	case M_NONE:
		say(f, " mut=none");
		expect(f, MF_LOAD);
		break;
	case M_BITFLIP:
		mut_bitflip(f, b);
		break;
	case M_SB_FIELD:
		mut_sb_field(f);
		break;
	case M_BLOCK_SIZE:
		mut_block_size(f);
		break;
	case M_SEQ_BACK:
		mut_seq_back(f);
		break;
	case M_DUP:
		mut_dup_logical(f);
		break;
	case M_BEYOND:
		mut_entry_bad(f, false);
		break;
	case M_FUTURE:
		mut_entry_bad(f, true);
		break;
	case M_TRUNCATE:
		mut_truncate(f, b);
		break;
	case M_CLAIMS_MORE:
		mut_spare_claims_more(f);
		break;
	case M_COPY_DAMAGE:
		mut_copy_damage(f);
		break;
	default:
		break;
	}
}

int mf_make(uint64_t seed, const struct mf_params *p, struct mf_variant *v)
{
	struct mf f = { .rng = seed, .p = p, .v = v, .im = &v->im };
	enum base b;
	enum mut m;

	memset(v, 0, sizeof(*v));
	/* a zero spare only makes sense to some mutations */
	b = make_base(&f);
	if (!v->im.buf)
		return -1;
	v->size = v->im.size;
	v->expect = MF_ANY;
	m = (enum mut)rnd(&f, NR_MUTS);
	if (b == B_ZERO && m != M_NONE && m != M_BITFLIP && m != M_TRUNCATE)
		m = M_NONE;
	mutate(&f, b, m);
	/* one in eight: a second mutation on top */
	if (b != B_ZERO && !rnd(&f, 8)) {
		v->expect = MF_ANY;
		mutate(&f, b, (enum mut)(1 + rnd(&f, NR_MUTS - 1)));
		v->expect = MF_ANY;
	}
	return 0;
}

void mf_free(struct mf_variant *v)
{
	mi_free(&v->im);
}

const char *mf_expect_name(enum mf_expect e)
{
	return e == MF_LOAD ? "load" : e == MF_REFUSE ? "refuse" : "any";
}
