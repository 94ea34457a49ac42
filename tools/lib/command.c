// SPDX-License-Identifier: GPL-2.0
#include "command.h"

#include <stdio.h>
#include <string.h>

int dmr_command_run(const char *prog, const struct dmr_command *cmds,
		    size_t nr_cmds, int argc, char **argv, int usage_status)
{
	static char name[64];

	for (size_t i = 0; i < nr_cmds; i++) {
		if (strcmp(argv[0], cmds[i].name))
			continue;
		snprintf(name, sizeof(name), "%s %s", prog, cmds[i].name);
		argv[0] = name;
		return cmds[i].run(argc, argv);
	}
	fprintf(stderr, "%s: unknown command '%s' (known:", prog, argv[0]);
	for (size_t i = 0; i < nr_cmds; i++)
		fprintf(stderr, "%s %s", i ? "," : "", cmds[i].name);
	fprintf(stderr, "); see '%s -h'\n", prog);
	return usage_status;
}
