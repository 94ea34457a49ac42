// SPDX-License-Identifier: GPL-2.0
/* one cmocka group of every test of tests/unit, so TAP has a single plan */
#include <stdlib.h>
#include <string.h>

#include "unit.h"

int main(void)
{
	const struct unit_group *groups[] = {
		&status_tests, &hist_tests, &json_tests, &kallsyms_tests, &names_tests,
		&meta_tests, &iostats_tests, &top_tests, &render_tests, &tab_tests,
		&ktask_tests, &counters_tests, &metafuzz_tests, &meta_build_tests, &held_tests,
	};
	struct CMUnitTest *all;
	size_t n = 0, k = 0;
	int ret;

	for (size_t g = 0; g < sizeof(groups) / sizeof(groups[0]); g++)
		n += groups[g]->n;
	all = calloc(n, sizeof(*all));
	if (!all)
		return 1;
	for (size_t g = 0; g < sizeof(groups) / sizeof(groups[0]); g++) {
		memcpy(&all[k], groups[g]->tests, groups[g]->n * sizeof(*all));
		k += groups[g]->n;
	}
	ret = _cmocka_run_group_tests("dmremap-unit", all, n, NULL, NULL);
	free(all);
	return ret ? 1 : 0;
}
