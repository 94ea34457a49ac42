// SPDX-License-Identifier: GPL-2.0
#define _GNU_SOURCE
#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "kallsyms.h"

struct dmr_ksyms {
	struct dmr_ksym *syms;
	size_t n;
	char **lines;		/* storage for the strings syms point to */
	size_t nlines;
	bool hidden;
};

int dmr_ksym_parse_line(char *buf, struct dmr_ksym *sym)
{
	char *p = buf, *end, *name, *mod = NULL;
	unsigned long long addr;

	errno = 0;
	addr = strtoull(p, &end, 16);
	if (errno || end == p || !isspace((unsigned char)*end))
		return -EINVAL;
	p = end;
	while (*p == ' ' || *p == '\t')
		p++;
	if (!isalpha((unsigned char)*p) || !isspace((unsigned char)p[1]))
		return -EINVAL;
	sym->type = *p;
	p += 2;
	while (*p == ' ' || *p == '\t')
		p++;
	name = p;
	while (*p && !isspace((unsigned char)*p))
		p++;
	if (p == name)
		return -EINVAL;
	if (*p) {
		*p++ = '\0';
		while (*p == ' ' || *p == '\t')
			p++;
		if (*p == '[') {
			mod = ++p;
			while (*p && *p != ']')
				p++;
			if (*p != ']' || p == mod)
				return -EINVAL;
			*p = '\0';
		} else if (*p && *p != '\n' && *p != '\r') {
			return -EINVAL;
		}
	}
	sym->addr = addr;
	sym->name = name;
	sym->module = mod ? mod : "";
	return 0;
}

void dmr_ksyms_free(struct dmr_ksyms *ks)
{
	if (!ks)
		return;
	for (size_t i = 0; i < ks->nlines; i++)
		free(ks->lines[i]);
	free(ks->lines);
	free(ks->syms);
	free(ks);
}

/* section markers (__sched_text_start, _stext, ...) that share a function's address */
static bool is_marker(const char *name)
{
	size_t n = strlen(name);

	return !strcmp(name, "_stext") || !strcmp(name, "_text") || !strcmp(name, "_etext") ||
	       (n > 11 && !strcmp(name + n - 11, "_text_start")) ||
	       (n > 9 && !strcmp(name + n - 9, "_text_end"));
}

/*
 * By address; at equal addresses markers first, so that a lookup (the last
 * symbol at or below an address) names the function, not the marker.
 */
static int by_addr(const void *a, const void *b)
{
	const struct dmr_ksym *x = a, *y = b;
	int mx, my;

	if (x->addr != y->addr)
		return x->addr < y->addr ? -1 : 1;
	mx = is_marker(x->name);
	my = is_marker(y->name);
	if (mx != my)
		return my - mx;
	return strcmp(x->name, y->name);
}

struct dmr_ksyms *dmr_ksyms_load(const char *path)
{
	struct dmr_ksyms *ks;
	size_t cap = 0, lcap = 0, n = 0;
	char *line = NULL;
	FILE *f;
	bool nonzero = false;

	f = fopen(path ? path : "/proc/kallsyms", "re");
	if (!f)
		return NULL;
	ks = calloc(1, sizeof(*ks));
	if (!ks)
		goto fail;
	while (getline(&line, &n, f) > 0) {
		struct dmr_ksym s;

		if (dmr_ksym_parse_line(line, &s))
			continue;
		if (ks->n == cap) {
			size_t c = cap ? cap * 2 : 4096;
			struct dmr_ksym *ns = realloc(ks->syms, c * sizeof(*ns));

			if (!ns)
				goto fail;
			ks->syms = ns;
			cap = c;
		}
		if (ks->nlines == lcap) {
			size_t c = lcap ? lcap * 2 : 4096;
			char **nl = realloc(ks->lines, c * sizeof(*nl));

			if (!nl)
				goto fail;
			ks->lines = nl;
			lcap = c;
		}
		/* keep the buffer the strings point into */
		ks->lines[ks->nlines++] = line;
		line = NULL;
		n = 0;
		if (s.addr)
			nonzero = true;
		ks->syms[ks->n++] = s;
	}
	free(line);
	fclose(f);
	ks->hidden = ks->n && !nonzero;
	qsort(ks->syms, ks->n, sizeof(*ks->syms), by_addr);
	return ks;
fail:
	free(line);
	fclose(f);
	dmr_ksyms_free(ks);
	errno = ENOMEM;
	return NULL;
}

size_t dmr_ksyms_count(const struct dmr_ksyms *ks)
{
	return ks->n;
}

bool dmr_ksyms_hidden(const struct dmr_ksyms *ks)
{
	return ks->hidden;
}

const struct dmr_ksym *dmr_ksyms_find(const struct dmr_ksyms *ks, uint64_t addr)
{
	size_t lo = 0, hi = ks->n;

	if (!ks->n || addr < ks->syms[0].addr)
		return NULL;
	/* last index with syms[i].addr <= addr */
	while (hi - lo > 1) {
		size_t mid = lo + (hi - lo) / 2;

		if (ks->syms[mid].addr <= addr)
			lo = mid;
		else
			hi = mid;
	}
	return &ks->syms[lo];
}

const struct dmr_ksym *dmr_ksyms_by_name(const struct dmr_ksyms *ks, const char *name,
					 const char *module)
{
	for (size_t i = 0; i < ks->n; i++)
		if (!strcmp(ks->syms[i].name, name) &&
		    (!module || !strcmp(ks->syms[i].module, module)))
			return &ks->syms[i];
	return NULL;
}
