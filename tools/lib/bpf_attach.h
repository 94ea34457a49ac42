/* SPDX-License-Identifier: GPL-2.0 */
/*
 * bpf_attach.h - load and attach a tool's BPF object the same way in every
 * tool: environment checks with one-line errors, tp_btf/raw_tp selection,
 * libbpf's output only when verbose.
 *
 * Convention: a BPF program set carries each tracepoint program twice,
 * SEC("tp_btf/T") and SEC("raw_tp/T") (names "x_btf" / "x_raw").  For every
 * such pair exactly one is loaded: tp_btf when the BTF describing T is
 * available (vmlinux BTF, plus the module's BTF for T = "<module>_..."),
 * raw_tp otherwise.  Programs without a twin are left alone.
 */
#ifndef DMREMAP_BPF_ATTACH_H
#define DMREMAP_BPF_ATTACH_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

struct bpf_object;
struct bpf_link;

#define DMR_MODULE "dm_remap"

struct dmr_bpf_opts {
	bool verbose;		/* libbpf's messages (all levels) on stderr */
	bool force_raw_tp;	/* use raw_tp even when tp_btf would work */
	bool need_btf;		/* the programs use CO-RE: fail without vmlinux BTF */
	const char *module;	/* NULL: DMR_MODULE */
	/*
	 * NULL, or a tracepoint (e.g. "io_done") whose program must be attached
	 * before every other: what one program records, this one must see end.
	 */
	const char *attach_first;
};

enum dmr_attach_mode {
	DMR_ATTACH_TP_BTF,
	DMR_ATTACH_RAW_TP,
};

struct dmr_bpf_links {
	struct bpf_link **links;
	int n;
	enum dmr_attach_mode mode;	/* of the module's tracepoints */
};

/* files the checks look at; tests may point them elsewhere */
extern const char *dmr_sysfs_root;	/* "/sys" */

/* installs libbpf's print callback according to o->verbose */
void dmr_bpf_set_verbose(bool verbose);

/*
 * Check that we can trace at all: root, module loaded, vmlinux BTF (only if
 * o->need_btf).  Returns 0, or -1 with a one-line reason in err ("must run
 * as root", "dm_remap is not loaded", "this kernel has no BTF").
 * Also calls dmr_bpf_set_verbose(o->verbose).
 */
int dmr_bpf_check_env(const struct dmr_bpf_opts *o, char *err, size_t len);

/*
 * The device filter of bpf/dev_filter.bpf.h in a skeleton's rodata, set
 * before load: devs[0..nr) (none: every device).  0, or -EINVAL with the
 * reason in err when nr is more than the filter holds.
 */
#define DMR_BPF_SET_FILTER(rodata, devs, nr, err, len)				\
	({									\
		size_t _max = sizeof((rodata)->filter_devs) / sizeof((rodata)->filter_devs[0]); \
		int _n = (nr), _r = 0;						\
		if (_n < 0 || (size_t)_n > _max) {				\
			snprintf(err, len, "at most %zu devices", _max);	\
			_r = -EINVAL;						\
		} else {							\
			for (int _i = 0; _i < _n; _i++)				\
				(rodata)->filter_devs[_i] = (devs)[_i];		\
			(rodata)->nr_filter_devs = (uint32_t)_n;		\
		}								\
		_r;								\
	})

struct dmr_cli;
/*
 * What every BPF tool does with its common options (cli.h): *o from -v and
 * --raw-tp (no CO-RE, the module's tracepoints), libdevmapper's messages
 * with -v, then dmr_bpf_check_env(o, err, len), whose result it returns.
 */
int dmr_bpf_setup(struct dmr_bpf_opts *o, const struct dmr_cli *cli, char *err, size_t len);

bool dmr_have_vmlinux_btf(void);
bool dmr_have_module_btf(const char *module);

/* mode dmr_bpf_load_attach() would use for the module's tracepoints */
enum dmr_attach_mode dmr_bpf_pick_mode(const struct dmr_bpf_opts *o);
const char *dmr_attach_mode_name(enum dmr_attach_mode m);

/*
 * Disable one program of every tp_btf/raw_tp pair (see above), load obj and
 * attach every program that is to be loaded, o->attach_first's first.  On
 * failure returns -errno with a one-line reason in err and nothing attached.
 */
int dmr_bpf_load_attach(struct bpf_object *obj, const struct dmr_bpf_opts *o,
			struct dmr_bpf_links *l, char *err, size_t len);
void dmr_bpf_detach(struct dmr_bpf_links *l);

#endif
