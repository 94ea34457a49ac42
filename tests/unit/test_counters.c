// SPDX-License-Identifier: GPL-2.0
/*
 * tools/exporter/counters.c and state.c: the status counters of
 * dm_remap.prom carried across clear_stats and table reloads, per device
 * life, and their state file.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "unit.h"
#include "accum.h"
#include "counters.h"
#include "render.h"
#include "state.h"
#include "dm_remap_events.h"

#define RE	EXP_CTR_READ_ERRORS
#define WE	EXP_CTR_WRITE_ERRORS
#define LS	EXP_CTR_LOST_SECTORS
#define MC	EXP_CTR_MD_COMMITS
#define RM	EXP_CTR_REMAPS

/* a sample of every counter: re, we, lost, commits, remapped */
static unsigned int step(struct exp_ctr_dev *e, uint64_t re, uint64_t we, uint64_t ls,
			 uint64_t mc, uint64_t rm)
{
	const uint64_t raw[EXP_CTR_NR] = { [RE] = re, [WE] = we, [LS] = ls, [MC] = mc, [RM] = rm };

	return exp_ctr_step(e, raw, EXP_CTR_ALL);
}

static void assert_values(const struct exp_ctr_dev *e, uint64_t re, uint64_t we, uint64_t ls,
			  uint64_t mc, uint64_t rm)
{
	assert_int_equal(exp_ctr_value(e, RE), re);
	assert_int_equal(exp_ctr_value(e, WE), we);
	assert_int_equal(exp_ctr_value(e, LS), ls);
	assert_int_equal(exp_ctr_value(e, MC), mc);
	assert_int_equal(exp_ctr_value(e, RM), rm);
}

/* growth passes through; clear_stats and reloads are carried on */
static void ctr_resets(void **state)
{
	struct exp_ctr_dev e = { .kdev = 1 };

	(void)state;
	assert_int_equal(step(&e, 0, 0, 0, 0, 0), 0);
	assert_int_equal(step(&e, 2, 3, 8, 5, 2), 0);
	assert_values(&e, 2, 3, 8, 5, 2);

	/* clear_stats: the instance's counters to zero, the remap table stays */
	assert_int_equal(step(&e, 0, 0, 0, 0, 2), EXP_CTR_INSTANCE);
	assert_values(&e, 2, 3, 8, 5, 2);
	assert_int_equal(step(&e, 1, 0, 0, 1, 3), 0);
	assert_values(&e, 3, 3, 8, 6, 3);

	/*
	 * a reload after which md_commits grew back past its last value
	 * before the sample (1 -> 0 -> 4): read_errors going down tells the
	 * instance started again, and md_commits' 1 is not lost
	 */
	assert_int_equal(step(&e, 0, 0, 0, 4, 3), EXP_CTR_INSTANCE);
	assert_values(&e, 3, 3, 8, 10, 3);

	/* another spare under the device: remapped alone is carried on */
	assert_int_equal(step(&e, 0, 0, 0, 4, 0), EXP_CTR_BIT(RM));
	assert_values(&e, 3, 3, 8, 10, 3);
	assert_int_equal(step(&e, 0, 0, 0, 5, 1), 0);
	assert_values(&e, 3, 3, 8, 11, 4);
}

/* over a long random run with resets, no value ever goes down */
static void ctr_never_decreases(void **state)
{
	struct exp_ctr_dev e = { .kdev = 1 };
	uint64_t raw[EXP_CTR_NR] = { 0 }, prev[EXP_CTR_NR] = { 0 }, truth[EXP_CTR_NR] = { 0 };

	(void)state;
	srand(13);
	for (int i = 0; i < 10000; i++) {
		if (rand() % 50 == 0) {
			/* reset of the instance */
			for (int k = 0; k < EXP_CTR_NR; k++)
				if (EXP_CTR_INSTANCE & EXP_CTR_BIT(k))
					raw[k] = 0;
		}
		for (int k = 0; k < EXP_CTR_NR; k++) {
			uint64_t inc = (uint64_t)(rand() % 3);

			raw[k] += inc;
			truth[k] += inc;
		}
		exp_ctr_step(&e, raw, EXP_CTR_ALL);
		for (int k = 0; k < EXP_CTR_NR; k++) {
			uint64_t v = exp_ctr_value(&e, k);

			if (v < prev[k] || v > truth[k])
				fail_msg("step %d counter %d: %llu after %llu (true count %llu)", i, k,
					 (unsigned long long)v, (unsigned long long)prev[k],
					 (unsigned long long)truth[k]);
			prev[k] = v;
		}
	}
	/* it undercounts only by what grew between a reset and its sample */
	assert_true(prev[MC] > truth[MC] * 3 / 4);
}

/* a key missing from a sample keeps its value; a reset meanwhile still counts */
static void ctr_missing_key(void **state)
{
	struct exp_ctr_dev e = { .kdev = 1 };
	uint64_t raw[EXP_CTR_NR] = { [RE] = 5, [MC] = 7 };

	(void)state;
	exp_ctr_step(&e, raw, EXP_CTR_BIT(RE) | EXP_CTR_BIT(MC));
	assert_int_equal(e.seen, EXP_CTR_BIT(RE) | EXP_CTR_BIT(MC));
	/* md_commits absent while read_errors shows the reset */
	raw[RE] = 1;
	raw[MC] = 999;
	assert_int_equal(exp_ctr_step(&e, raw, EXP_CTR_BIT(RE)),
			 EXP_CTR_BIT(RE) | EXP_CTR_BIT(MC));
	assert_int_equal(exp_ctr_value(&e, RE), 6);
	assert_int_equal(exp_ctr_value(&e, MC), 7);
	/* back, counted from zero after the reset: 7 + 2, not a second reset */
	raw[MC] = 2;
	assert_int_equal(exp_ctr_step(&e, raw, EXP_CTR_BIT(RE) | EXP_CTR_BIT(MC)), 0);
	assert_int_equal(exp_ctr_value(&e, MC), 9);
}

static struct dmr_dm_dev dev(const char *name, uint32_t minor, uint64_t inst, uint64_t re,
			     uint64_t mc)
{
	struct dmr_dm_dev d;
	char st[256];

	memset(&d, 0, sizeof(d));
	snprintf(d.name, sizeof(d.name), "%s", name);
	d.kdev = DM_REMAP_MKDEV(254u, minor);
	d.inst = inst;
	snprintf(st, sizeof(st),
		 "mode=rw block_size=4096 remapped=1 spare_total=10 spare_free=9 pending=0 "
		 "read_errors=%llu write_errors=0 lost_sectors=0 md_commits=%llu md_seq=3 "
		 "scrub=idle", (unsigned long long)re, (unsigned long long)mc);
	d.status_err = dmr_status_parse(st, &d.status);
	assert_int_equal(d.status_err, 0);
	return d;
}

/* devices: gone ones dropped, created again (same name and number) fresh, renamed kept */
static void ctrs_device_life(void **state)
{
	struct exp_ctrs c = { 0 };
	struct dmr_dm_dev d[2] = { dev("a", 0, 100, 4, 9), dev("b", 1, 200, 1, 1) };
	int reset;

	(void)state;
	assert_int_equal(exp_ctrs_update(&c, d, 2, &reset), 0);
	assert_int_equal(reset, 0);
	d[0] = dev("a", 0, 100, 0, 0);		/* clear_stats */
	assert_int_equal(exp_ctrs_update(&c, d, 2, &reset), 0);
	assert_int_equal(reset, 1);
	assert_int_equal(exp_ctr_value(exp_ctrs_find(&c, d[0].kdev), MC), 9);

	/* renamed: the same creation, the offsets stay */
	d[0] = dev("a2", 0, 100, 0, 1);
	assert_int_equal(exp_ctrs_update(&c, d, 2, &reset), 0);
	assert_int_equal(exp_ctr_value(exp_ctrs_find(&c, d[0].kdev), MC), 10);

	/* removed and created again under its name and number: a new device */
	d[0] = dev("a", 0, 101, 0, 1);
	assert_int_equal(exp_ctrs_update(&c, d, 2, &reset), 0);
	assert_int_equal(reset, 0);
	assert_int_equal(exp_ctr_value(exp_ctrs_find(&c, d[0].kdev), MC), 1);
	assert_int_equal(exp_ctr_value(exp_ctrs_find(&c, d[0].kdev), RE), 0);

	/* b gone: its entry too (the state stays bounded by the devices) */
	assert_int_equal(exp_ctrs_update(&c, d, 1, NULL), 0);
	assert_int_equal(c.n, 1);
	assert_null(exp_ctrs_find(&c, d[1].kdev));

	/* sysfs could not tell (inst 0): the number alone decides */
	d[0] = dev("a", 0, 0, 0, 0);
	assert_int_equal(exp_ctrs_update(&c, d, 1, &reset), 0);
	assert_int_equal(reset, 1);
	assert_int_equal(exp_ctr_value(exp_ctrs_find(&c, d[0].kdev), MC), 1);
	exp_ctrs_free(&c);
}

/* the BPF accumulation also starts again for a device created again */
static void acc_device_created_again(void **state)
{
	struct exp_acc a = { 0 };
	struct dmr_dm_dev d = dev("a", 0, 100, 0, 0);
	uint32_t gone[1];

	(void)state;
	assert_int_equal(exp_acc_sync(&a, &d, 1, gone, 1), 0);
	exp_acc_find(&a, d.kdev)->ios[0] = 50;
	assert_int_equal(exp_acc_sync(&a, &d, 1, gone, 1), 0);
	assert_int_equal(exp_acc_find(&a, d.kdev)->ios[0], 50);
	d.inst = 101;
	assert_int_equal(exp_acc_sync(&a, &d, 1, gone, 1), 0);
	assert_int_equal(exp_acc_find(&a, d.kdev)->ios[0], 0);
	exp_acc_free(&a);
}

/* dm_remap.prom shows the carried values */
static void ctrs_rendered(void **state)
{
	struct exp_ctrs c = { 0 };
	struct dmr_dm_dev d = dev("r0", 3, 100, 4, 9);
	struct exp_render_in in = { .devs = &d, .nr_devs = 1, .ctrs = &c, .once = true };
	char *out = NULL;
	size_t len = 0;
	FILE *f;

	(void)state;
	assert_int_equal(exp_ctrs_update(&c, &d, 1, NULL), 0);
	d = dev("r0", 3, 100, 1, 2);
	assert_int_equal(exp_ctrs_update(&c, &d, 1, NULL), 0);
	f = open_memstream(&out, &len);
	assert_non_null(f);
	assert_int_equal(exp_render(f, &in), 0);
	fclose(f);
	assert_non_null(strstr(out, "\ndm_remap_metadata_commits_total{device=\"r0\",dm=\"dm-3\"} 11\n"));
	assert_non_null(strstr(out, "\ndm_remap_io_errors_total{device=\"r0\",dm=\"dm-3\",op=\"read\"} 5\n"));
	assert_non_null(strstr(out, "\ndm_remap_remaps_total{device=\"r0\",dm=\"dm-3\"} 1\n"));
	free(out);
	exp_ctrs_free(&c);
}

static char *state_text(const struct exp_ctrs *c, const struct exp_acc *a, uint64_t dropped,
			const char *boot)
{
	char *out = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&out, &len);

	assert_non_null(f);
	assert_int_equal(exp_state_write(f, c, a, dropped, boot), 0);
	fclose(f);
	return out;
}

static struct exp_ctrs sc;
static struct exp_acc sa;
static uint64_t sdropped;

static int state_parse(const char *text, const char *boot)
{
	FILE *f = fmemopen((void *)text, strlen(text), "r");
	int r;

	assert_non_null(f);
	r = exp_state_read(f, &sc, &sa, &sdropped, boot);
	fclose(f);
	return r;
}

/* written and read back the same; another boot's state is not used */
static void state_round_trip(void **state)
{
	struct exp_ctrs c = { 0 };
	struct exp_acc a = { 0 };
	struct exp_ctr_dev e = { .kdev = DM_REMAP_MKDEV(254u, 7u), .inst = 12345,
				 .seen = EXP_CTR_ALL,
				 .last = { 1, 2, 3, 4, 5 }, .offset = { 10, 0, 0, 18446744073709551610ull, 9 } };
	struct exp_dev *io;
	uint64_t v[EXP_ACC_NUMBERS];
	char *s;

	(void)state;
	assert_int_equal(exp_ctrs_add(&c, &e), 0);
	e.kdev++;
	e.seen = EXP_CTR_BIT(RM);
	assert_int_equal(exp_ctrs_add(&c, &e), 0);
	io = exp_acc_new(&a, e.kdev, 77);
	assert_non_null(io);
	for (size_t i = 0; i < EXP_ACC_NUMBERS; i++)
		v[i] = i * 1000003u;
	exp_acc_numbers(io, v, true);
	assert_int_equal(io->ios[EXP_OPS - 1], (3 * EXP_OPS - 3 + EXP_ACC_NUMBERS - 3 * EXP_OPS) * 1000003u);

	s = state_text(&c, &a, 42, "b00t-1d");
	assert_int_equal(state_parse(s, "b00t-1d"), 0);
	assert_int_equal(sc.n, 2);
	assert_memory_equal(sc.devs, c.devs, 2 * sizeof(*c.devs));
	assert_int_equal(sa.n, 1);
	assert_int_equal(sa.devs[0].kdev, e.kdev);
	assert_int_equal(sa.devs[0].inst, 77);
	assert_string_equal(sa.devs[0].name, "");
	assert_memory_equal(&sa.devs[0].lat, &io->lat, sizeof(*io) - offsetof(struct exp_dev, lat));
	assert_int_equal(sdropped, 42);

	assert_int_equal(state_parse(s, "0ther"), -ESTALE);
	assert_int_equal(sc.n + sa.n + sdropped, 0);
	free(s);

	/* --once: no BPF part; no device: still a valid state */
	c.n = 0;
	s = state_text(&c, NULL, 5, "b");
	assert_string_equal(s, "dmremap-exporter-state 1 b\nend 0\n");
	assert_int_equal(state_parse(s, "b"), 0);
	assert_int_equal(sc.n + sa.n + sdropped, 0);
	free(s);
	exp_ctrs_free(&c);
	exp_acc_free(&a);
}

/* a restored BPF entry takes its device's name, or starts again for a device created again */
static void state_acc_restored(void **state)
{
	struct exp_acc a = { 0 };
	struct dmr_dm_dev d[2] = { dev("a", 0, 100, 0, 0), dev("b", 1, 200, 0, 0) };
	uint32_t gone[2];

	(void)state;
	exp_acc_new(&a, d[0].kdev, 100)->ios[0] = 9;
	exp_acc_new(&a, d[1].kdev, 199)->ios[0] = 9;
	assert_int_equal(exp_acc_sync(&a, d, 2, gone, 2), 0);
	assert_string_equal(exp_acc_find(&a, d[0].kdev)->name, "a");
	assert_int_equal(exp_acc_find(&a, d[0].kdev)->ios[0], 9);
	assert_string_equal(exp_acc_find(&a, d[1].kdev)->name, "b");
	assert_int_equal(exp_acc_find(&a, d[1].kdev)->ios[0], 0);
	exp_acc_free(&a);
}

#define HDR "dmremap-exporter-state 1 b\n"
#define DEV "dev 1 2 31 1 1 1 1 1 0 0 0 0 0\n"

/* anything but the exact format is refused whole, never half-used */
static void state_corrupt(void **state)
{
	static const char *const bad[] = {
		"",
		"garbage\n",
		"dmremap-exporter-state 2 b\nend 0\n",			/* another version */
		HDR,							/* no end: truncated */
		HDR "end 0",						/* last line cut */
		HDR DEV,
		HDR "dev 1 2 32 1 1 1 1 1 0 0 0 0 0\nend 1\n",		/* seen > all */
		HDR "dev 1 2 31 1 1 1 1 1 0 0 0 0\nend 1\n",		/* a field short */
		HDR "dev 1 2 31 1 1 1 1 1 0 0 0 0 0 0\nend 1\n",	/* one too many */
		HDR "dev 1 2 31 1 -1 1 1 1 0 0 0 0 0\nend 1\n",		/* a sign */
		HDR "dev 1 2 31 1 1x 1 1 1 0 0 0 0 0\nend 1\n",		/* junk */
		HDR "dev 1 2 31 1 1  1 1 0 0 0 0 0\nend 1\n",		/* two spaces */
		HDR "dev 1\t2 31 1 1 1 1 1 0 0 0 0 0\nend 1\n",		/* a tab */
		HDR "dev 4294967296 2 31 1 1 1 1 1 0 0 0 0 0\nend 1\n",	/* kdev */
		HDR "dev 1 2 31 2 1 1 1 1 18446744073709551615 0 0 0 0\nend 1\n", /* wraps */
		HDR DEV "dev 1 3 31 1 1 1 1 1 0 0 0 0 0\nend 2\n",	/* twice */
		HDR DEV "end 2\n",					/* count */
		HDR DEV "end 1x\n",
		HDR "end 0\n" DEV,					/* after end */
		HDR "end 0\nend 0\n",
		HDR "dropped 1\ndropped 2\nend 2\n",			/* twice */
		HDR "dropped x\nend 1\n",
		HDR "io 1 2 3\nend 1\n",				/* io too short */
		HDR "what 1\nend 1\n",
	};
	char *big, *p;
	size_t len;

	(void)state;
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		int r = state_parse(bad[i], "b");

		if (r != -EINVAL || sc.n || sa.n || sdropped)
			fail_msg("state %zu \"%s\": %d with %zu+%zu devices, want -EINVAL and none",
				 i, bad[i], r, sc.n, sa.n);
	}
	/* a valid one, to show the list above fails for its fault only */
	assert_int_equal(state_parse(HDR DEV "dropped 3\nend 2\n", "b"), 0);
	assert_int_equal(sc.n, 1);
	assert_int_equal(sdropped, 3);

	/* a line too long for the reader */
	len = 200000;
	big = malloc(len);
	assert_non_null(big);
	p = big + sprintf(big, HDR "dev 1 ");
	memset(p, '1', 190000);
	strcpy(p + 190000, " 31 1 1 1 1 1 0 0 0 0 0\nend 1\n");
	assert_int_equal(state_parse(big, "b"), -EINVAL);
	free(big);

	/* more devices than it may hold */
	len = 64 + (EXP_STATE_MAX_DEVS + 1) * 40;
	big = malloc(len);
	assert_non_null(big);
	p = big + sprintf(big, HDR);
	for (int i = 0; i <= EXP_STATE_MAX_DEVS; i++)
		p += sprintf(p, "dev %d 0 0 0 0 0 0 0 0 0 0 0 0\n", i);
	sprintf(p, "end %d\n", EXP_STATE_MAX_DEVS + 1);
	assert_int_equal(state_parse(big, "b"), -E2BIG);
	assert_int_equal(sc.n, 0);
	free(big);
	exp_ctrs_free(&sc);
	exp_acc_free(&sa);
}

static const struct CMUnitTest tests[] = {
	cmocka_unit_test(ctr_resets),
	cmocka_unit_test(ctr_never_decreases),
	cmocka_unit_test(ctr_missing_key),
	cmocka_unit_test(ctrs_device_life),
	cmocka_unit_test(acc_device_created_again),
	cmocka_unit_test(ctrs_rendered),
	cmocka_unit_test(state_round_trip),
	cmocka_unit_test(state_acc_restored),
	cmocka_unit_test(state_corrupt),
};

UNIT_GROUP(counters_tests, tests);
