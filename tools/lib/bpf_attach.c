// SPDX-License-Identifier: GPL-2.0
#define _GNU_SOURCE
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <bpf/libbpf.h>

#include "bpf_attach.h"
#include "cli.h"
#include "dm.h"

const char *dmr_sysfs_root = "/sys";

static int print_all(enum libbpf_print_level level, const char *fmt, va_list ap)
{
	(void)level;
	return vfprintf(stderr, fmt, ap);
}

static int print_none(enum libbpf_print_level level, const char *fmt, va_list ap)
{
	(void)level;
	(void)fmt;
	(void)ap;
	return 0;
}

void dmr_bpf_set_verbose(bool verbose)
{
	libbpf_set_print(verbose ? print_all : print_none);
}

static bool sysfs_exists(const char *fmt, const char *arg)
{
	char path[256];

	snprintf(path, sizeof(path), fmt, dmr_sysfs_root, arg);
	return access(path, F_OK) == 0;
}

static const char *module_of(const struct dmr_bpf_opts *o)
{
	return o && o->module ? o->module : DMR_MODULE;
}

int dmr_bpf_setup(struct dmr_bpf_opts *o, const struct dmr_cli *cli, char *err, size_t len)
{
	memset(o, 0, sizeof(*o));
	o->verbose = cli->verbose;
	o->force_raw_tp = cli->raw_tp;
	dmr_dm_set_verbose(cli->verbose);
	return dmr_bpf_check_env(o, err, len);
}

bool dmr_have_vmlinux_btf(void)
{
	return sysfs_exists("%s/kernel/btf/%s", "vmlinux");
}

bool dmr_have_module_btf(const char *module)
{
	return sysfs_exists("%s/kernel/btf/%s", module);
}

int dmr_bpf_check_env(const struct dmr_bpf_opts *o, char *err, size_t len)
{
	dmr_bpf_set_verbose(o->verbose);
	if (geteuid() != 0) {
		snprintf(err, len, "must run as root");
		return -1;
	}
	if (!sysfs_exists("%s/module/%s", module_of(o))) {
		snprintf(err, len, "%s is not loaded", module_of(o));
		return -1;
	}
	if (o->need_btf && !dmr_have_vmlinux_btf()) {
		snprintf(err, len, "this kernel has no BTF (%s/kernel/btf/vmlinux is missing)",
			 dmr_sysfs_root);
		return -1;
	}
	return 0;
}

enum dmr_attach_mode dmr_bpf_pick_mode(const struct dmr_bpf_opts *o)
{
	if (o->force_raw_tp || !dmr_have_vmlinux_btf() || !dmr_have_module_btf(module_of(o)))
		return DMR_ATTACH_RAW_TP;
	return DMR_ATTACH_TP_BTF;
}

const char *dmr_attach_mode_name(enum dmr_attach_mode m)
{
	return m == DMR_ATTACH_TP_BTF ? "tp_btf" : "raw_tp";
}

/* the tracepoint a tp_btf/raw_tp program is for, NULL for other programs */
static const char *tp_target(const struct bpf_program *p, bool *is_btf)
{
	static const struct { const char *prefix; bool btf; } kinds[] = {
		{ "tp_btf/", true },
		{ "raw_tp/", false },
		{ "raw_tracepoint/", false },
	};
	const char *sec = bpf_program__section_name(p);

	for (size_t i = 0; sec && i < sizeof(kinds) / sizeof(kinds[0]); i++) {
		size_t n = strlen(kinds[i].prefix);

		if (!strncmp(sec, kinds[i].prefix, n)) {
			*is_btf = kinds[i].btf;
			return sec + n;
		}
	}
	return NULL;
}

static struct bpf_program *twin_of(struct bpf_object *obj, const struct bpf_program *p,
				   const char *target, bool want_btf)
{
	struct bpf_program *q;

	bpf_object__for_each_program(q, obj) {
		bool btf;
		const char *t;

		if (q == p)
			continue;
		t = tp_target(q, &btf);
		if (t && btf == want_btf && !strcmp(t, target))
			return q;
	}
	return NULL;
}

static void select_programs(struct bpf_object *obj, const struct dmr_bpf_opts *o,
			    enum dmr_attach_mode mode)
{
	const char *mod = module_of(o);
	size_t modlen = strlen(mod);
	bool vmlinux_btf = !o->force_raw_tp && dmr_have_vmlinux_btf();
	struct bpf_program *p;

	bpf_object__for_each_program(p, obj) {
		struct bpf_program *raw;
		const char *target;
		bool btf, use_btf;

		target = tp_target(p, &btf);
		if (!target || !btf)
			continue;
		raw = twin_of(obj, p, target, false);
		if (!raw)
			continue;
		if (!strncmp(target, mod, modlen) && target[modlen] == '_')
			use_btf = mode == DMR_ATTACH_TP_BTF;
		else
			use_btf = vmlinux_btf;	/* a tracepoint of vmlinux */
		bpf_program__set_autoload(use_btf ? raw : p, false);
	}
}

/* p is the program of tracepoint o->attach_first (<tp>_btf or <tp>_raw) */
static bool is_attach_first(const struct dmr_bpf_opts *o, const struct bpf_program *p)
{
	const char *name = bpf_program__name(p);
	size_t n = o->attach_first ? strlen(o->attach_first) : 0;

	return n && !strncmp(name, o->attach_first, n) &&
	       (!strcmp(name + n, "_btf") || !strcmp(name + n, "_raw"));
}

int dmr_bpf_load_attach(struct bpf_object *obj, const struct dmr_bpf_opts *o,
			struct dmr_bpf_links *l, char *err, size_t len)
{
	struct bpf_program *p;
	int n = 0, ret;

	memset(l, 0, sizeof(*l));
	l->mode = dmr_bpf_pick_mode(o);
	select_programs(obj, o, l->mode);

	ret = bpf_object__load(obj);
	if (ret) {
		snprintf(err, len, "cannot load the BPF programs (%s): %s%s",
			 dmr_attach_mode_name(l->mode), strerror(-ret),
			 o->verbose ? "" : " (run with -v for libbpf's log)");
		return ret;
	}

	bpf_object__for_each_program(p, obj)
		n++;
	l->links = calloc((size_t)(n ? n : 1), sizeof(*l->links));
	if (!l->links) {
		snprintf(err, len, "out of memory");
		return -ENOMEM;
	}
	/* pass 0: o->attach_first's program; pass 1: the others */
	for (int pass = 0; pass < 2; pass++) {
		bpf_object__for_each_program(p, obj) {
			struct bpf_link *link;

			if (!bpf_program__autoload(p) ||
			    is_attach_first(o, p) != (pass == 0))
				continue;
			link = bpf_program__attach(p);
			if (!link) {
				ret = -errno;
				snprintf(err, len, "cannot attach %s (%s): %s",
					 bpf_program__name(p), bpf_program__section_name(p),
					 strerror(-ret));
				dmr_bpf_detach(l);
				return ret;
			}
			l->links[l->n++] = link;
		}
	}
	if (o->verbose)
		fprintf(stderr, "attached %d BPF programs, %s tracepoints via %s\n",
			l->n, module_of(o), dmr_attach_mode_name(l->mode));
	return 0;
}

void dmr_bpf_detach(struct dmr_bpf_links *l)
{
	for (int i = 0; i < l->n; i++)
		bpf_link__destroy(l->links[i]);
	free(l->links);
	l->links = NULL;
	l->n = 0;
}
