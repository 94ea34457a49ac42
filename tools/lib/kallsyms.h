/* SPDX-License-Identifier: GPL-2.0 */
/*
 * kallsyms.h - kernel symbol lookup from /proc/kallsyms, keeping the module
 * column ("ffffffffc0a01230 t remap_work_fn\t[dm_remap]").
 */
#ifndef DMREMAP_KALLSYMS_H
#define DMREMAP_KALLSYMS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct dmr_ksym {
	uint64_t addr;
	char type;		/* 't', 'T', 'd', ... */
	const char *name;
	const char *module;	/* "dm_remap", or "" for vmlinux */
};

struct dmr_ksyms;

/*
 * Parse one kallsyms line.  name/module point into buf (modified in place).
 * Returns 0, or -EINVAL for a line that is not "ADDR TYPE NAME [\t[MODULE]]".
 */
int dmr_ksym_parse_line(char *buf, struct dmr_ksym *sym);

/* load a kallsyms file (NULL: /proc/kallsyms); NULL with errno on failure */
struct dmr_ksyms *dmr_ksyms_load(const char *path);
void dmr_ksyms_free(struct dmr_ksyms *ks);
size_t dmr_ksyms_count(const struct dmr_ksyms *ks);
/* every address was 0: kptr_restrict hides them (not root) */
bool dmr_ksyms_hidden(const struct dmr_ksyms *ks);

/* symbol covering addr (the highest one at or below it), NULL if none */
const struct dmr_ksym *dmr_ksyms_find(const struct dmr_ksyms *ks, uint64_t addr);
/* first symbol called name (module NULL: any module), NULL if none */
const struct dmr_ksym *dmr_ksyms_by_name(const struct dmr_ksyms *ks, const char *name,
					 const char *module);

#endif
