/* SPDX-License-Identifier: GPL-2.0 */
#ifndef DMREMAP_UNIT_H
#define DMREMAP_UNIT_H

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

struct unit_group {
	const struct CMUnitTest *tests;
	size_t n;
};

#define UNIT_GROUP(name, arr) \
	const struct unit_group name = { arr, sizeof(arr) / sizeof((arr)[0]) }

extern const struct unit_group status_tests, hist_tests, json_tests, kallsyms_tests,
	names_tests, meta_tests, iostats_tests, top_tests, render_tests, tab_tests,
	ktask_tests, counters_tests, metafuzz_tests, meta_build_tests, held_tests;

#endif
