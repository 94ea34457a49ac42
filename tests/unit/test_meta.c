// SPDX-License-Identifier: GPL-2.0
/* dmr_meta (dmremap-meta's reader and checker) and CRC-32C */
#define _GNU_SOURCE
#include <endian.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "unit.h"
#include "crc32c.h"
#include "dmr_meta.h"
#include "dmr_meta_print.h"
#include "meta_image.h"

/* 8 MiB spare, 4 KiB blocks: 2 x 8 table blocks, pool at sector 144, 2030 blocks */
#define SPARE_SECTORS 16384ULL
#define MAIN_SECTORS 4194304ULL		/* 2 GiB: 524288 blocks */

/* ------------------------------------------------------------- CRC-32C */

static uint32_t crc32c_bitwise(uint32_t crc, const void *data, size_t len)
{
	const unsigned char *p = data;

	while (len--) {
		crc ^= *p++;
		for (int k = 0; k < 8; k++)
			crc = (crc >> 1) ^ (crc & 1 ? 0x82f63b78U : 0);
	}
	return crc;
}

static void crc32c_known_answer(void **state)
{
	unsigned char buf[1000];

	(void)state;
	/* the standard check value 0xe3069283 is with the final inversion */
	assert_int_equal(dmr_crc32c(~0U, "123456789", 9), 0x1cf96d7cU);
	assert_int_equal(~dmr_crc32c(~0U, "123456789", 9), 0xe3069283U);
	assert_int_equal(dmr_crc32c(~0U, "", 0), ~0U);
	/* iSCSI (RFC 3720 B.4): 32 bytes of zeroes -> 0x8a9136aa with inversion */
	memset(buf, 0, 32);
	assert_int_equal(~dmr_crc32c(~0U, buf, 32), 0x8a9136aaU);
	memset(buf, 0xff, 32);
	assert_int_equal(~dmr_crc32c(~0U, buf, 32), 0x62a8ab43U);
	/* slicing-by-8 equals the bitwise definition at every length and chains */
	for (size_t i = 0; i < sizeof(buf); i++)
		buf[i] = (unsigned char)(i * 7 + 3);
	for (size_t len = 0; len < 40; len++)
		assert_int_equal(dmr_crc32c(~0U, buf + 1, len), crc32c_bitwise(~0U, buf + 1, len));
	assert_int_equal(dmr_crc32c(dmr_crc32c(~0U, buf, 333), buf + 333, 667),
			 dmr_crc32c(~0U, buf, 1000));
	assert_int_equal(dmr_crc32c(~0U, buf, 1000), crc32c_bitwise(~0U, buf, 1000));
}

/* the offsets docs/on-disk-format.md lists */
static void meta_layout(void **state)
{
	(void)state;
	assert_int_equal(sizeof(struct dmr_superblock), 160);
	assert_int_equal(offsetof(struct dmr_superblock, csum), 0);
	assert_int_equal(offsetof(struct dmr_superblock, flags), 4);
	assert_int_equal(offsetof(struct dmr_superblock, magic), 8);
	assert_int_equal(offsetof(struct dmr_superblock, version), 16);
	assert_int_equal(offsetof(struct dmr_superblock, block_size), 20);
	assert_int_equal(offsetof(struct dmr_superblock, seq), 24);
	assert_int_equal(offsetof(struct dmr_superblock, uuid), 32);
	assert_int_equal(offsetof(struct dmr_superblock, main_sectors), 48);
	assert_int_equal(offsetof(struct dmr_superblock, main_logical_block_size), 56);
	assert_int_equal(offsetof(struct dmr_superblock, main_physical_block_size), 60);
	assert_int_equal(offsetof(struct dmr_superblock, main_id), 64);
	assert_int_equal(offsetof(struct dmr_superblock, spare_sectors), 104);
	assert_int_equal(offsetof(struct dmr_superblock, table_blocks), 112);
	assert_int_equal(offsetof(struct dmr_superblock, pool_start), 120);
	assert_int_equal(offsetof(struct dmr_superblock, pool_blocks), 128);
	assert_int_equal(offsetof(struct dmr_superblock, nr_entries), 136);
	assert_int_equal(offsetof(struct dmr_superblock, format_time), 144);
	assert_int_equal(offsetof(struct dmr_superblock, commit_time), 152);
	assert_int_equal(sizeof(struct dmr_entry), 16);
	assert_int_equal(offsetof(struct dmr_entry, seq), 8);
	assert_int_equal(offsetof(struct dmr_entry, csum), 12);
	assert_int_equal(sizeof(struct dmr_entry_csum_input), 36);
	assert_int_equal(offsetof(struct dmr_entry_csum_input, index), 16);
	assert_int_equal(offsetof(struct dmr_entry_csum_input, logical), 24);
	assert_int_equal(offsetof(struct dmr_entry_csum_input, seq), 32);
	/* "DMREMAP1" read as a little-endian u64 */
	assert_memory_equal(&(uint64_t){ htole64(DMR_MAGIC) }, "DMREMAP1", 8);
}

static void meta_geometry(void **state)
{
	struct dmr_geometry g;

	(void)state;
	assert_int_equal(dmr_compute_geometry(SPARE_SECTORS, 4096, &g), 0);
	assert_int_equal(g.table_blocks, 8);
	assert_int_equal(g.pool_start, 144);
	assert_int_equal(g.pool_blocks, 2030);
	assert_int_equal(g.pool_start + g.pool_blocks * 8, SPARE_SECTORS);
	/* the smallest spare: 2 superblocks + 2 table copies of 1 block + 1 pool block */
	assert_int_equal(dmr_compute_geometry(40, 4096, &g), 0);
	assert_int_equal(g.pool_blocks, 1);
	assert_int_equal(g.pool_start, 32);
	assert_int_equal(dmr_compute_geometry(39, 4096, &g), -1);
	/* 257 pool blocks need a second table block in each copy */
	assert_int_equal(dmr_compute_geometry(48 + 257 * 8, 4096, &g), 0);
	assert_int_equal(g.table_blocks, 2);
	assert_int_equal(g.pool_start, 48);
	assert_int_equal(g.pool_blocks, 257);
	/* 64 KiB blocks: pool aligned to 128 sectors */
	assert_int_equal(dmr_compute_geometry(SPARE_SECTORS, 65536, &g), 0);
	assert_int_equal(g.pool_start, 128);
	assert_int_equal(g.pool_blocks, 127);
}

/* --------------------------------------------------------------- helpers */

/* read the image (its first size bytes; 0: all) */
static void load(const struct meta_image *im, size_t size, struct dmr_meta *m)
{
	char err[256] = "";
	int fd = mi_fd(im, size);

	assert_true(fd >= 0);
	assert_int_equal(dmr_meta_read(fd, m, err, sizeof(err)), 0);
	close(fd);
}

static const struct dmr_problem *find(const struct dmr_meta *m, const char *code)
{
	for (size_t i = 0; i < m->nr_problems; i++)
		if (!strcmp(m->problems[i].code, code))
			return &m->problems[i];
	return NULL;
}

static void dump_problems(const struct dmr_meta *m)
{
	for (size_t i = 0; i < m->nr_problems; i++)
		print_message("# %s %s: %s\n", dmr_severity_name(m->problems[i].severity),
			      m->problems[i].code, m->problems[i].msg);
}

#define assert_consistent(m) do { \
	if (!dmr_meta_consistent(m)) \
		dump_problems(m); \
	assert_true(dmr_meta_consistent(m)); \
} while (0)

static char *capture(const struct dmr_meta *m,
		     void (*fn)(FILE *, const struct dmr_meta *, const char *))
{
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);

	assert_non_null(f);
	fn(f, m, "spare.img");
	fclose(f);
	return buf;
}

/* the image the docs show: two commits, one logical block remapped twice */
static void sample_image(struct meta_image *im)
{
	static const uint64_t c1[] = { 1000, 73421 }, c2[] = { 524287, 1000 };

	mi_free(im);		/* the previous one, if any */
	mi_format(im, SPARE_SECTORS, 4096, MAIN_SECTORS, MI_MAIN_ID);
	mi_commit(im, c1, 2);
	mi_commit(im, c2, 2);
}

/* the sample dump in docs/on-disk-format.md, between its markers */
static char *doc_sample(void)
{
	static const char begin[] = "<!-- sample-dump: begin -->\n```\n$ dmremap-meta dump spare.img\n";
	static const char end[] = "```\n<!-- sample-dump: end -->";
	FILE *f = fopen(FIXTURES "/../../../docs/on-disk-format.md", "r");
	char *doc = NULL, *b, *e;
	size_t len = 0;

	assert_non_null(f);
	assert_true(getdelim(&doc, &len, '\0', f) > 0);
	fclose(f);
	b = strstr(doc, begin);
	assert_non_null(b);
	b += strlen(begin);
	e = strstr(b, end);
	assert_non_null(e);
	memmove(doc, b, (size_t)(e - b));
	doc[e - b] = '\0';
	return doc;
}

/* ------------------------------------------------------------------ tests */

static void meta_fresh(void **state)
{
	struct meta_image im = { 0 };
	struct dmr_meta m;
	char *out;

	(void)state;
	mi_format(&im, SPARE_SECTORS, 4096, MAIN_SECTORS, NULL);
	load(&im, 0, &m);
	assert_int_equal(m.state, DMR_META_FORMATTED);
	assert_int_equal(m.current, 0);		/* a tie: slot A */
	assert_int_equal(m.slot[0].status, DMR_SLOT_VALID);
	assert_int_equal(m.slot[1].status, DMR_SLOT_VALID);
	assert_int_equal(m.sb.seq, 1);
	assert_int_equal(m.sb.nr_entries, 0);
	assert_true(m.geometry_ok);
	assert_int_equal(m.sb.pool_blocks, 2030);
	assert_int_equal(m.dev_sectors, SPARE_SECTORS);
	assert_consistent(&m);
	assert_int_equal(m.nr_problems, 0);
	out = capture(&m, dmr_meta_print_check);
	assert_non_null(strstr(out, "spare.img: consistent (0 errors, 0 warnings, 0 info): seq 1 "
				    "(slot A), 0 entries, 0 in effect, 2030 spare blocks free\n"));
	free(out);
	out = capture(&m, dmr_meta_print_dump);
	assert_non_null(strstr(out, "main_id            (none: no partition UUID)\n"));
	free(out);
	dmr_meta_free(&m);
	mi_free(&im);
}

static void meta_entries(void **state)
{
	const char *sample = getenv("DMR_SAMPLE_IMAGE");
	struct meta_image im = { 0 };
	struct dmr_meta m;
	char *out, *doc;

	(void)state;
	sample_image(&im);
	/* DMR_SAMPLE_IMAGE=path keeps the image for docs/on-disk-format.md */
	if (sample)
		assert_int_equal(mi_save(&im, sample), 0);
	load(&im, 0, &m);
	assert_int_equal(m.state, DMR_META_FORMATTED);
	assert_int_equal(m.current, 0);			/* both slots seq 3: A */
	assert_int_equal(m.sb.seq, 3);
	assert_int_equal(m.slot[1].status, DMR_SLOT_VALID);
	assert_int_equal(m.slot[1].sb.seq, 3);
	assert_int_equal(m.slot[1].sb.nr_entries, 4);
	assert_int_equal(m.nr_damage, 0);
	assert_int_equal(m.nr_loaded, 4);
	assert_int_equal(m.entries[0].logical, 1000);
	assert_int_equal(m.entries[1].logical, 73421);
	assert_int_equal(m.entries[2].logical, 524287);
	assert_int_equal(m.entries[3].logical, 1000);
	assert_int_equal(m.entries[1].seq, 2);
	assert_int_equal(m.entries[3].seq, 3);
	assert_int_equal(m.entries[0].superseded_by, 3);
	assert_int_equal(m.entries[3].superseded_by, DMR_NOT_SUPERSEDED);
	assert_int_equal(m.nr_effective, 3);
	assert_int_equal(m.nr_superseded, 1);
	assert_int_equal(dmr_spare_sector(&m, 3), 144 + 3 * 8);
	assert_consistent(&m);
	assert_non_null(find(&m, "superseded"));
	assert_int_equal(find(&m, "superseded")->severity, DMR_SEV_INFO);

	out = capture(&m, dmr_meta_print_dump);
	assert_non_null(strstr(out, "  slot A (block 0)   valid, seq 3, nr_entries 4  <- current\n"));
	assert_non_null(strstr(out, "  slot B (block 1)   valid, seq 3, nr_entries 4\n"));
	assert_non_null(strstr(out, "  main_id            " MI_MAIN_ID "\n"));
	assert_non_null(strstr(out, "  spare_free         2026\n"));
	assert_non_null(strstr(out, "  table_blocks       8 per copy (copy A: metadata blocks 2..9, "
				    "copy B: 10..17)\n"));
	assert_non_null(strstr(out, "           0           1000            144          2    A B  "
				    "superseded by 3\n"));
	assert_non_null(strstr(out, "           3           1000            168          3    A B  "
				    "effective\n"));
	/* mapping in effect, ascending by logical block */
	assert_non_null(strstr(out, "            1000            3            168\n"
				    "           73421            1            152\n"
				    "          524287            2            160\n"));
	assert_non_null(strstr(out, "check: consistent (0 errors, 0 warnings, 1 info)\n"));
	doc = doc_sample();
	assert_string_equal(out, doc);		/* the docs show what the tool prints */
	free(doc);
	free(out);

	out = capture(&m, dmr_meta_print_dump_json);
	assert_non_null(strstr(out, "{\"record\":\"entry\",\"index\":0,\"state\":\"superseded\","
				    "\"logical\":1000,\"spare_block\":0,\"spare_sector\":144,"
				    "\"seq\":2,\"csum_ok\":true,\"copy_a_ok\":true,\"copy_b_ok\":true,"
				    "\"superseded_by\":3}\n"));
	assert_non_null(strstr(out, "\"main_id\":\"" MI_MAIN_ID "\""));
	assert_non_null(strstr(out, "\"spare_free\":2026"));
	assert_non_null(strstr(out, "{\"record\":\"summary\",\"path\":\"spare.img\","
				    "\"state\":\"formatted\",\"consistent\":true,\"degraded\":false,"));
	free(out);
	dmr_meta_free(&m);
	mi_free(&im);
}

/* the sample image's second commit cut short after slot A (slot B stays at seq 2) */
static void sample_image_slot_a_only(struct meta_image *im)
{
	static const uint64_t c1[] = { 1000, 73421 }, c2[] = { 524287, 1000 };

	mi_free(im);
	mi_format(im, SPARE_SECTORS, 4096, MAIN_SECTORS, MI_MAIN_ID);
	mi_commit(im, c1, 2);
	mi_commit_steps(im, c2, 2, MI_TABLE_A | MI_TABLE_B | MI_SLOT_A);
}

static void meta_slot_fallback(void **state)
{
	struct meta_image im = { 0 };
	struct dmr_meta m;
	char *out;

	(void)state;
	/* a torn write of the last commit's superblock into slot A (seq 3) */
	sample_image_slot_a_only(&im);
	im.buf[100] ^= 0x40;
	load(&im, 0, &m);
	assert_int_equal(m.slot[0].status, DMR_SLOT_BAD_CSUM);
	assert_int_equal(m.current, 1);
	assert_int_equal(m.sb.seq, 2);
	assert_int_equal(m.nr_loaded, 2);	/* entries 2, 3 are beyond nr_entries */
	assert_int_equal(m.nr_superseded, 0);
	assert_consistent(&m);
	assert_true(dmr_meta_degraded(&m));
	assert_int_equal(find(&m, "slot_damaged")->severity, DMR_SEV_DAMAGE);
	out = capture(&m, dmr_meta_print_check);
	assert_non_null(strstr(out, "spare.img: damage: superblock slot A (block 0) is damaged "
				    "(bad checksum: stored"));
	assert_non_null(strstr(out, "spare.img: consistent but DEGRADED (1 damaged copy, 0 errors, "
				    "0 warnings, 0 info): seq 2 (slot B), 2 entries"));
	free(out);
	dmr_meta_free(&m);

	/* and the other way round: slot A bad, B current with the same commit */
	sample_image(&im);
	memset(im.buf + 8, 0x55, 8);		/* magic of slot A */
	load(&im, 0, &m);
	assert_int_equal(m.slot[0].status, DMR_SLOT_BAD_MAGIC);
	assert_int_equal(m.current, 1);
	assert_int_equal(m.sb.seq, 3);
	assert_int_equal(m.nr_effective, 3);
	assert_true(dmr_meta_degraded(&m));
	dmr_meta_free(&m);
	mi_free(&im);
}

/* a crash between the two superblock writes: slot B behind, no damage */
static void meta_slot_behind(void **state)
{
	struct meta_image im = { 0 };
	struct dmr_meta m;

	(void)state;
	sample_image_slot_a_only(&im);
	load(&im, 0, &m);
	assert_int_equal(m.current, 0);
	assert_int_equal(m.sb.seq, 3);
	assert_int_equal(m.slot[1].sb.seq, 2);
	assert_int_equal(m.nr_effective, 3);
	assert_consistent(&m);
	assert_false(dmr_meta_degraded(&m));
	assert_int_equal(find(&m, "slot_behind")->severity, DMR_SEV_INFO);
	dmr_meta_free(&m);
	mi_free(&im);
}

/* the stale slot unreadable: the current one is used, the damage reported */
static void meta_stale_slot_unreadable(void **state)
{
	struct meta_image im = { 0 };
	struct dmr_meta m;
	char *out;

	(void)state;
	sample_image_slot_a_only(&im);
	mi_unreadable(DMR_MD_BLOCK_SIZE, DMR_MD_BLOCK_SIZE);	/* slot B, seq 2 */
	load(&im, 0, &m);
	mi_readable_again();
	assert_int_equal(m.slot[1].status, DMR_SLOT_UNREADABLE);
	assert_int_equal(m.current, 0);
	assert_int_equal(m.sb.seq, 3);
	assert_int_equal(m.nr_effective, 3);
	assert_true(dmr_meta_degraded(&m));
	out = capture(&m, dmr_meta_print_dump);
	assert_non_null(strstr(out, "  slot B (block 1)   UNREADABLE: Input/output error\n"));
	free(out);
	dmr_meta_free(&m);

	/* the current slot unreadable: the one behind is used, one commit older */
	mi_unreadable(0, DMR_MD_BLOCK_SIZE);
	load(&im, 0, &m);
	mi_readable_again();
	assert_int_equal(m.current, 1);
	assert_int_equal(m.sb.seq, 2);
	assert_int_equal(m.nr_loaded, 2);
	assert_true(dmr_meta_degraded(&m));
	dmr_meta_free(&m);

	/* both unreadable: nothing to go by */
	mi_unreadable(0, 2 * DMR_MD_BLOCK_SIZE);
	load(&im, 0, &m);
	mi_readable_again();
	assert_int_equal(m.current, -1);
	assert_false(dmr_meta_consistent(&m));
	assert_non_null(find(&m, "no_valid_slot"));
	dmr_meta_free(&m);
	mi_free(&im);
}

static void meta_both_slots_bad(void **state)
{
	struct meta_image im = { 0 };
	struct dmr_meta m;
	char *out;

	(void)state;
	sample_image(&im);
	im.buf[200 - 100] ^= 1;				/* slot A, inside the struct */
	im.buf[DMR_MD_BLOCK_SIZE + 4000] ^= 1;		/* slot B, in the zero tail */
	load(&im, 0, &m);
	assert_int_equal(m.current, -1);
	assert_int_equal(m.slot[0].status, DMR_SLOT_BAD_CSUM);
	assert_int_equal(m.slot[1].status, DMR_SLOT_BAD_CSUM);
	assert_int_equal(m.state, DMR_META_FOREIGN);
	assert_false(dmr_meta_consistent(&m));
	assert_non_null(find(&m, "no_valid_slot"));
	out = capture(&m, dmr_meta_print_check);
	assert_non_null(strstr(out, "spare.img: error: damaged dm-remap metadata: no superblock "
				    "slot is valid (A: bad checksum"));
	assert_non_null(strstr(out, "spare.img: INCONSISTENT (1 error, 0 warnings, 0 info)\n"));
	free(out);
	dmr_meta_free(&m);
	mi_free(&im);
}

static void meta_unformatted(void **state)
{
	struct meta_image im = { 0 };
	struct dmr_meta m;

	(void)state;
	mi_format(&im, SPARE_SECTORS, 4096, MAIN_SECTORS, NULL);
	memset(im.buf, 0, im.size);
	load(&im, 0, &m);
	assert_int_equal(m.state, DMR_META_UNFORMATTED);
	assert_int_equal(m.slot[0].status, DMR_SLOT_ZERO);
	assert_int_equal(m.slot[1].status, DMR_SLOT_ZERO);
	assert_false(dmr_meta_consistent(&m));
	assert_int_equal(m.nr_errors, 0);
	assert_non_null(find(&m, "unformatted"));
	dmr_meta_free(&m);

	/* zero probe blocks, garbage after them: still unformatted */
	memset(im.buf + DMR_PROBE_BLOCKS * DMR_MD_BLOCK_SIZE, 0x5a, 4096);
	load(&im, 0, &m);
	assert_int_equal(m.state, DMR_META_UNFORMATTED);
	dmr_meta_free(&m);

	/* a 1-byte file */
	load(&im, 1, &m);
	assert_int_equal(m.slot[0].status, DMR_SLOT_BEYOND_END);
	assert_int_equal(m.state, DMR_META_UNFORMATTED);
	assert_non_null(find(&m, "too_small"));
	dmr_meta_free(&m);
	mi_free(&im);
}

static void meta_garbage(void **state)
{
	struct meta_image im = { 0 };
	struct dmr_meta m;

	(void)state;
	mi_format(&im, SPARE_SECTORS, 4096, MAIN_SECTORS, NULL);
	srandom(42);
	for (size_t i = 0; i < 3 * DMR_MD_BLOCK_SIZE; i++)
		im.buf[i] = (unsigned char)random();
	load(&im, 0, &m);
	assert_int_equal(m.state, DMR_META_FOREIGN);
	assert_int_equal(m.slot[0].status, DMR_SLOT_BAD_MAGIC);
	assert_false(dmr_meta_consistent(&m));
	assert_non_null(find(&m, "not_dm_remap"));
	dmr_meta_free(&m);

	/* zero superblocks, but the first table block is not: also refused */
	memset(im.buf, 0, 2 * DMR_MD_BLOCK_SIZE);
	load(&im, 0, &m);
	assert_int_equal(m.state, DMR_META_FOREIGN);
	dmr_meta_free(&m);
	mi_free(&im);
}

static void meta_bad_entry(void **state)
{
	struct meta_image im = { 0 };
	struct dmr_meta m;
	const struct dmr_problem *p;

	(void)state;
	/* entry 1 corrupt in both copies: lost */
	sample_image(&im);
	im.buf[mi_entry_offset(&im, 0, 1)] ^= 0x01;	/* logical of entry 1, copy A */
	im.buf[mi_entry_offset(&im, 1, 1) + 12] ^= 0x01;	/* its csum, copy B */
	load(&im, 0, &m);
	assert_false(dmr_meta_consistent(&m));
	assert_false(dmr_meta_degraded(&m));
	p = find(&m, "entry_bad_csum");
	assert_non_null(p);
	assert_int_equal(p->severity, DMR_SEV_ERROR);
	assert_int_equal(p->index, 1);
	assert_false(m.entries[1].csum_ok);
	assert_int_equal(m.entries[1].bad_copies, 3);
	assert_true(m.entries[2].csum_ok);
	dmr_meta_free(&m);

	/* entry 1 corrupt in copy A, entry 2 in copy B: each has a good copy */
	sample_image(&im);
	im.buf[mi_entry_offset(&im, 0, 1)] ^= 0x01;
	im.buf[mi_entry_offset(&im, 1, 2)] ^= 0x01;
	load(&im, 0, &m);
	assert_consistent(&m);
	assert_true(dmr_meta_degraded(&m));
	assert_int_equal(m.nr_damage, 2);
	assert_int_equal(m.entries[1].logical, 73421);
	assert_int_equal(m.entries[1].bad_copies, 1);
	assert_int_equal(m.entries[2].logical, 524287);
	assert_int_equal(m.entries[2].bad_copies, 2);
	assert_int_equal(m.nr_effective, 3);
	dmr_meta_free(&m);
	mi_free(&im);
}

/* a whole table block of one copy damaged or unreadable, then of both */
static void meta_copy_damaged(void **state)
{
	struct meta_image im = { 0 };
	struct dmr_meta m;
	const struct dmr_problem *p;
	char *out;

	(void)state;
	for (int c = 0; c < 2; c++) {
		sample_image(&im);
		srandom(11 + c);
		for (size_t i = 0; i < DMR_MD_BLOCK_SIZE; i++)
			im.buf[mi_table_offset(&im, c, 0) + i] = (unsigned char)random();
		load(&im, 0, &m);
		assert_consistent(&m);
		assert_true(dmr_meta_degraded(&m));
		assert_int_equal(m.nr_effective, 3);
		assert_int_equal(m.entries[3].logical, 1000);
		assert_int_equal(m.entries[3].bad_copies, 1U << c);
		p = find(&m, "table_copy_damaged");
		assert_non_null(p);
		assert_int_equal(p->severity, DMR_SEV_DAMAGE);
		assert_non_null(strstr(p->msg, c ? "table copy B block 0 (metadata block 10) has 4 bad "
						   "entries, good in copy A" :
						 "table copy A block 0 (metadata block 2) has 4 bad "
						   "entries, good in copy B"));
		out = capture(&m, dmr_meta_print_dump);
		assert_non_null(strstr(out, c ? "           3           1000            168          3"
						"    A -  effective\n" :
						"           3           1000            168          3"
						"    - B  effective\n"));
		free(out);
		dmr_meta_free(&m);

		/* unreadable instead of corrupt */
		sample_image(&im);
		mi_unreadable(mi_table_offset(&im, c, 0), DMR_MD_BLOCK_SIZE);
		load(&im, 0, &m);
		mi_readable_again();
		assert_true(dmr_meta_degraded(&m));
		assert_int_equal(m.nr_effective, 3);
		assert_non_null(strstr(find(&m, "table_copy_damaged")->msg,
				       "is unreadable (Input/output error)"));
		dmr_meta_free(&m);
	}

	/* copy A unreadable, copy B corrupt: the remaps are lost */
	sample_image(&im);
	memset(im.buf + mi_table_offset(&im, 1, 0), 0x5a, DMR_MD_BLOCK_SIZE);
	mi_unreadable(mi_table_offset(&im, 0, 0), DMR_MD_BLOCK_SIZE);
	load(&im, 0, &m);
	mi_readable_again();
	assert_false(dmr_meta_consistent(&m));
	assert_false(dmr_meta_degraded(&m));
	assert_int_equal(find(&m, "entry_bad_csum")->index, 0);
	dmr_meta_free(&m);

	/* both copies unreadable */
	sample_image(&im);
	mi_unreadable(mi_table_offset(&im, 0, 0), DMR_MD_BLOCK_SIZE);
	mi_unreadable(mi_table_offset(&im, 1, 0), DMR_MD_BLOCK_SIZE);
	load(&im, 0, &m);
	mi_readable_again();
	assert_false(dmr_meta_consistent(&m));
	assert_int_equal(find(&m, "table_unreadable")->index, 0);
	dmr_meta_free(&m);
	mi_free(&im);
}

/*
 * A commit cut short at each of its steps: what the last complete commit
 * wrote is what is read, and nothing is reported damaged.
 */
static void meta_torn_commit(void **state)
{
	static const unsigned int steps[] = { MI_TABLE_A, MI_TABLE_A | MI_TABLE_B };
	struct meta_image im = { 0 };
	struct dmr_meta m;

	(void)state;
	for (size_t k = 0; k < sizeof(steps) / sizeof(steps[0]); k++) {
		sample_image(&im);
		mi_commit_steps(&im, (const uint64_t[]){ 7, 8 }, 2, steps[k]);
		load(&im, 0, &m);
		assert_consistent(&m);
		assert_false(dmr_meta_degraded(&m));
		assert_int_equal(m.sb.seq, 3);
		assert_int_equal(m.nr_loaded, 4);
		assert_int_equal(m.nr_effective, 3);
		dmr_meta_free(&m);
	}
	/* a failed commit (seq 4 used, then given up) and the next one (seq 5) */
	sample_image(&im);
	mi_commit_steps(&im, (const uint64_t[]){ 7, 8 }, 2, MI_TABLE_A | MI_TABLE_B);
	im.nr_entries -= 2;
	mi_commit_steps(&im, (const uint64_t[]){ 9, 10 }, 2, MI_TABLE_A | MI_SLOT_A | MI_SLOT_B);
	/* copy B still holds the failed commit's entries 4, 5 (seq 4), copy A seq 5 */
	load(&im, 0, &m);
	assert_consistent(&m);
	assert_true(dmr_meta_degraded(&m));
	assert_int_equal(m.sb.seq, 5);
	assert_int_equal(m.entries[4].logical, 9);
	assert_int_equal(m.entries[5].logical, 10);
	assert_int_equal(m.entries[5].bad_copies, 2);
	dmr_meta_free(&m);
	mi_free(&im);
}

/* a spare of format version 1 is named as such, not as damage */
static void meta_old_version(void **state)
{
	struct meta_image im = { 0 };
	struct dmr_superblock sb;
	struct dmr_meta m;

	(void)state;
	sample_image(&im);
	for (int i = 0; i < 2; i++) {
		mi_read_sb(&im, i, &sb);
		sb.version = htole32(1);
		mi_write_sb(&im, i, &sb);
	}
	load(&im, 0, &m);
	assert_int_equal(m.state, DMR_META_FOREIGN);
	assert_int_equal(m.slot[0].status, DMR_SLOT_BAD_VERSION);
	assert_non_null(find(&m, "old_version"));
	assert_false(dmr_meta_consistent(&m));
	dmr_meta_free(&m);
	mi_free(&im);
}

static void meta_garbage_above_nr(void **state)
{
	struct meta_image im = { 0 };
	struct dmr_meta m;

	(void)state;
	sample_image(&im);
	/* the rest of the tail table block and the next one: ignored */
	srandom(7);
	for (int c = 0; c < 2; c++)
		for (size_t i = mi_entry_offset(&im, c, 4); i < mi_entry_offset(&im, c, 600); i++)
			im.buf[i] = (unsigned char)random();
	load(&im, 0, &m);
	assert_consistent(&m);
	assert_int_equal(m.nr_loaded, 4);
	dmr_meta_free(&m);
	mi_free(&im);
}

/* change slot A's (current) superblock and rewrite it with a good checksum */
static void patch_current(struct meta_image *im, void (*fn)(struct dmr_superblock *))
{
	struct dmr_superblock sb;

	mi_read_sb(im, 0, &sb);
	fn(&sb);
	mi_write_sb(im, 0, &sb);
}

static void more_pool(struct dmr_superblock *sb)
{
	sb->pool_blocks = htole64(le64toh(sb->pool_blocks) + 1);
}

static void other_block_size(struct dmr_superblock *sb)
{
	sb->block_size = htole32(8192);
}

static void odd_block_size(struct dmr_superblock *sb)
{
	sb->block_size = htole32(3000);
}

static void too_many_entries(struct dmr_superblock *sb)
{
	sb->nr_entries = htole64(5000);
}

static void small_main(struct dmr_superblock *sb)
{
	sb->main_sectors = htole64(524287 * 8);	/* entry 2's logical 524287 is now out */
}

static void meta_wrong_geometry(void **state)
{
	struct meta_image im = { 0 };
	struct dmr_meta m;

	(void)state;
	sample_image(&im);
	patch_current(&im, more_pool);
	load(&im, 0, &m);
	assert_int_equal(m.current, 0);
	assert_false(m.geometry_ok);
	assert_false(dmr_meta_consistent(&m));
	assert_non_null(find(&m, "geometry"));
	assert_non_null(find(&m, "slot_mismatch"));
	dmr_meta_free(&m);

	sample_image(&im);
	patch_current(&im, other_block_size);
	load(&im, 0, &m);
	assert_non_null(find(&m, "geometry"));
	assert_false(dmr_meta_consistent(&m));
	dmr_meta_free(&m);

	sample_image(&im);
	patch_current(&im, odd_block_size);
	load(&im, 0, &m);
	assert_non_null(find(&m, "block_size"));
	assert_false(dmr_meta_consistent(&m));
	dmr_meta_free(&m);

	sample_image(&im);
	patch_current(&im, too_many_entries);
	load(&im, 0, &m);
	assert_non_null(find(&m, "nr_entries"));
	assert_non_null(find(&m, "entry_bad_csum"));	/* zeroes are no entries */
	assert_false(dmr_meta_consistent(&m));
	dmr_meta_free(&m);

	sample_image(&im);
	patch_current(&im, small_main);
	load(&im, 0, &m);
	assert_int_equal(find(&m, "entry_logical_range")->index, 2);
	assert_false(dmr_meta_consistent(&m));
	dmr_meta_free(&m);
	mi_free(&im);
}

static void meta_truncated(void **state)
{
	struct meta_image im = { 0 };
	struct dmr_meta m;

	(void)state;
	sample_image(&im);
	/* the pool ends at sector 16384: cut the last pool block */
	load(&im, (SPARE_SECTORS - 8) * 512, &m);
	assert_false(dmr_meta_consistent(&m));
	assert_non_null(find(&m, "pool_beyond_end"));
	dmr_meta_free(&m);

	/* cut inside the table: entries unreadable */
	load(&im, 2 * DMR_MD_BLOCK_SIZE + 40, &m);
	assert_non_null(find(&m, "pool_beyond_end"));
	assert_non_null(find(&m, "table_unreadable"));
	assert_int_equal(find(&m, "table_unreadable")->index, 2);
	assert_true(m.entries[1].readable);
	assert_false(m.entries[2].readable);
	dmr_meta_free(&m);

	/* a larger device than at format time is fine */
	im.buf = realloc(im.buf, im.size + 65536);
	memset(im.buf + im.size, 0, 65536);
	im.size += 65536;
	load(&im, 0, &m);
	assert_consistent(&m);
	assert_non_null(find(&m, "spare_grown"));
	dmr_meta_free(&m);
	mi_free(&im);
}

static void meta_slot_rules(void **state)
{
	struct meta_image im = { 0 }, other;
	struct dmr_superblock sb;
	struct dmr_meta m;

	(void)state;
	/* the slot behind has more entries than the current one */
	sample_image_slot_a_only(&im);
	mi_read_sb(&im, 1, &sb);
	sb.nr_entries = htole64(5);
	mi_write_sb(&im, 1, &sb);
	load(&im, 0, &m);
	assert_non_null(find(&m, "slot_entries_shrank"));
	assert_false(dmr_meta_consistent(&m));
	dmr_meta_free(&m);

	/* slot A left over from an earlier format with a higher seq */
	sample_image(&im);
	mi_format(&other, SPARE_SECTORS, 4096, MAIN_SECTORS, NULL);
	mi_read_sb(&other, 1, &sb);
	sb.uuid[0] ^= 0xff;
	sb.seq = htole64(10);
	mi_write_sb(&im, 0, &sb);
	load(&im, 0, &m);
	assert_int_equal(m.current, 0);
	assert_non_null(find(&m, "slot_uuid_mismatch"));
	assert_false(dmr_meta_consistent(&m));
	dmr_meta_free(&m);
	mi_free(&other);

	/* an entry of another format (its checksum covers the uuid) */
	sample_image(&im);
	mi_format(&other, SPARE_SECTORS, 4096, MAIN_SECTORS, NULL);
	mi_read_sb(&other, 1, &sb);
	sb.uuid[15] ^= 1;
	memcpy(other.sb.uuid, sb.uuid, 16);
	mi_commit(&other, (const uint64_t[]){ 5, 6, 7 }, 3);
	for (int c = 0; c < 2; c++)
		memcpy(im.buf + mi_entry_offset(&im, c, 2), other.buf + mi_entry_offset(&other, c, 2),
		       DMR_ENTRY_SIZE);
	load(&im, 0, &m);
	assert_int_equal(find(&m, "entry_bad_csum")->index, 2);
	dmr_meta_free(&m);
	mi_free(&other);
	mi_free(&im);
}

static void meta_many_entries(void **state)
{
	struct meta_image im = { 0 };
	struct dmr_meta m;
	uint64_t logical[300];

	(void)state;
	mi_format(&im, SPARE_SECTORS, 4096, MAIN_SECTORS, NULL);
	for (int c = 0; c < 5; c++) {		/* 1500 entries over 6 table blocks */
		for (int k = 0; k < 300; k++)
			logical[k] = (uint64_t)(k * 13 + (c & 1));
		mi_commit(&im, logical, 300);
	}
	/* a torn tail-block rewrite: bad entries below nr_entries beyond the listing limit */
	for (int c = 0; c < 2; c++)
		memset(im.buf + mi_entry_offset(&im, c, 1400), 0xee, 30 * DMR_ENTRY_SIZE);
	load(&im, 0, &m);
	assert_int_equal(m.nr_loaded, 1500);
	assert_int_equal(m.sb.seq, 6);
	assert_int_equal(m.current, 0);
	assert_false(dmr_meta_consistent(&m));
	assert_int_equal(m.nr_errors, 21);	/* 20 listed + "... and 10 more" */
	assert_int_equal(m.nr_effective, 600);
	assert_int_equal(m.nr_superseded, 1500 - 30 - 600);
	dmr_meta_free(&m);
	mi_free(&im);
}

/* a spare block that failed when written: the kernel retires its entry */
static void meta_retired(void **state)
{
	struct meta_image im = { 0 };
	struct dmr_meta m;
	char *out;

	(void)state;
	mi_format(&im, SPARE_SECTORS, 4096, MAIN_SECTORS, NULL);
	mi_commit(&im, (const uint64_t[]){ UINT64_MAX, 42 }, 2);
	load(&im, 0, &m);
	assert_consistent(&m);
	assert_true(m.entries[0].retired);
	assert_int_equal(m.nr_retired, 1);
	assert_int_equal(m.nr_effective, 1);
	assert_int_equal(find(&m, "retired")->severity, DMR_SEV_INFO);
	out = capture(&m, dmr_meta_print_dump);
	assert_non_null(strstr(out, "table (2 entries: 1 in effect, 0 superseded, 1 retired)\n"));
	assert_non_null(strstr(out, "           0              -            144          2    A B  "
				    "retired\n"));
	assert_non_null(strstr(out, "              42            1            152\n"));
	free(out);
	out = capture(&m, dmr_meta_print_dump_json);
	assert_non_null(strstr(out, "{\"record\":\"entry\",\"index\":0,\"state\":\"retired\","
				    "\"logical\":null,"));
	free(out);
	dmr_meta_free(&m);
	mi_free(&im);
}

/*
 * out against the golden file fixtures/name, byte for byte.  On a
 * difference it says the first line that differs and leaves the output
 * in $TMPDIR (or /tmp) for a diff; when the change is meant, copy that
 * file over the fixture.
 */
static void assert_golden(const char *out, const char *name)
{
	char path[512], *want = NULL, *got_path;
	const char *tmp = getenv("TMPDIR");
	size_t len = 0, line = 1, i;
	FILE *f;

	snprintf(path, sizeof(path), "%s/%s", FIXTURES, name);
	f = fopen(path, "r");
	if (f) {
		if (getdelim(&want, &len, '\0', f) < 0) {
			free(want);
			want = NULL;
		}
		fclose(f);
	}
	if (want && !strcmp(want, out)) {
		free(want);
		return;
	}
	for (i = 0; want && want[i] && want[i] == out[i]; i++)
		if (out[i] == '\n')
			line++;
	assert_true(asprintf(&got_path, "%s/%s.actual", tmp ? tmp : "/tmp", name) > 0);
	f = fopen(got_path, "w");
	if (f) {
		fputs(out, f);
		fclose(f);
	}
	print_message("# %s: %s; first difference on line %zu; the output is in %s\n", path,
		      want ? "differs" : "cannot be read", line, got_path);
	free(want);
	free(got_path);
	fail();
}

/*
 * An image with some of everything a dump shows: slot B with a bad
 * checksum, no main_id, an entry superseded, one retired, one beyond the
 * main device, one bad in copy B.
 */
static void damaged_image(struct meta_image *im)
{
	static const uint64_t c1[] = { 5, 6, 7 };
	static const uint64_t c2[] = { UINT64_MAX, 5, MAIN_SECTORS / 8 + 3 };

	mi_format(im, SPARE_SECTORS, 4096, MAIN_SECTORS, NULL);
	mi_commit(im, c1, 3);
	mi_commit(im, c2, 3);
	im->buf[mi_entry_offset(im, 1, 1)] ^= 0x01;
	im->buf[DMR_MD_BLOCK_SIZE + 300] ^= 0x01;
}

/*
 * Whole dumps, text and JSON, against golden files: the two come from
 * one walk (dmr_meta_print.c), these pin every byte of both.
 */
static void meta_dump_golden(void **state)
{
	struct meta_image im = { 0 };
	struct dmr_meta m;
	char *out;

	(void)state;
	sample_image(&im);
	load(&im, 0, &m);
	out = capture(&m, dmr_meta_print_dump_json);
	assert_golden(out, "meta-sample.jsonl");
	free(out);
	dmr_meta_free(&m);
	mi_free(&im);

	damaged_image(&im);
	load(&im, 0, &m);
	assert_int_equal(m.slot[1].status, DMR_SLOT_BAD_CSUM);
	assert_int_equal(m.nr_retired, 1);
	assert_int_equal(m.nr_superseded, 1);
	assert_int_equal(m.entries[1].bad_copies, 2);
	assert_non_null(find(&m, "entry_logical_range"));
	out = capture(&m, dmr_meta_print_dump);
	assert_golden(out, "meta-damaged.dump");
	free(out);
	out = capture(&m, dmr_meta_print_dump_json);
	assert_golden(out, "meta-damaged.jsonl");
	free(out);
	dmr_meta_free(&m);
	mi_free(&im);
}

static const struct CMUnitTest tests[] = {
	cmocka_unit_test(crc32c_known_answer),
	cmocka_unit_test(meta_layout),
	cmocka_unit_test(meta_geometry),
	cmocka_unit_test(meta_fresh),
	cmocka_unit_test(meta_entries),
	cmocka_unit_test(meta_slot_fallback),
	cmocka_unit_test(meta_slot_behind),
	cmocka_unit_test(meta_stale_slot_unreadable),
	cmocka_unit_test(meta_copy_damaged),
	cmocka_unit_test(meta_torn_commit),
	cmocka_unit_test(meta_old_version),
	cmocka_unit_test(meta_both_slots_bad),
	cmocka_unit_test(meta_unformatted),
	cmocka_unit_test(meta_garbage),
	cmocka_unit_test(meta_bad_entry),
	cmocka_unit_test(meta_garbage_above_nr),
	cmocka_unit_test(meta_wrong_geometry),
	cmocka_unit_test(meta_truncated),
	cmocka_unit_test(meta_slot_rules),
	cmocka_unit_test(meta_many_entries),
	cmocka_unit_test(meta_retired),
	cmocka_unit_test(meta_dump_golden),
};

UNIT_GROUP(meta_tests, tests);
