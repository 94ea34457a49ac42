/* SPDX-License-Identifier: GPL-2.0 */
/*
 * dmr_tab.h - /etc/dmremaptab and the OPTION list of `dmremap-setup open`:
 * one parser for dmremap-setup, the systemd generator and the udev helper.
 *
 *	NAME MAIN SPARE [OPTION,...]     # comment
 *
 * MAIN and SPARE are a path or UUID=, PARTUUID=, PARTLABEL=, ID= (a name
 * under /dev/disk/by-id).  Options: block_size=N, no_auto_remap,
 * scrub_rate=N, format (the table line's arguments) and nofail (boot only).
 * "-" stands for no options.  Plain C, no library: unit-tested on the host.
 */
#ifndef DMREMAP_DMR_TAB_H
#define DMREMAP_DMR_TAB_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#define DMR_TAB_PATH	"/etc/dmremaptab"
#define DMR_TAB_NAME_LEN 128		/* DM_NAME_LEN */
#define DMR_TAB_DEV_LEN	256

struct dmr_options {
	uint32_t block_size;		/* 0: the target's default */
	bool no_auto_remap;
	bool has_scrub_rate;
	uint64_t scrub_rate;		/* KiB/s */
	bool format;
	bool nofail;
};

/* how MAIN or SPARE names its device */
enum dmr_dev_kind {
	DMR_DEV_PATH,
	DMR_DEV_UUID,
	DMR_DEV_PARTUUID,
	DMR_DEV_PARTLABEL,
	DMR_DEV_ID,
};

struct dmr_tab_entry {
	char name[DMR_TAB_NAME_LEN];
	char main[DMR_TAB_DEV_LEN];
	char spare[DMR_TAB_DEV_LEN];
	struct dmr_options opt;
	unsigned int line;		/* in the file, from 1 */
};

/*
 * Parse "opt,opt=val,..." (or "-") into o (zeroed first).  Returns 0, or
 * -EINVAL with a one-line reason in err.
 */
int dmr_options_parse(const char *s, struct dmr_options *o, char *err, size_t errlen);

/*
 * "opt,opt=val" of o without nofail (the table line's options only), or
 * "" when there are none.  Returns 0, -ENOSPC when buf is too small.
 */
int dmr_options_format(const struct dmr_options *o, char *buf, size_t len);

/*
 * The remap target's parameters: "MAIN SPARE [N ARGS...]" for devices
 * given as paths or major:minor.  Returns 0, -ENOSPC.
 */
int dmr_table_params(const struct dmr_options *o, const char *main_dev,
		     const char *spare_dev, char *buf, size_t len);

/* check a dm device name as the tab and `open` accept it: 0 or -EINVAL + err */
int dmr_name_check(const char *name, char *err, size_t errlen);

/*
 * What a MAIN/SPARE spec is; *value points to the part after the tag (or
 * the whole path).  Returns the kind, or -EINVAL with a reason in err (an
 * unknown tag, an empty value, a relative path).
 */
int dmr_dev_spec_kind(const char *spec, const char **value, char *err, size_t errlen);

/*
 * The /dev path udev gives to a spec: the path itself, or
 * /dev/disk/by-uuid/V, by-partuuid/V (V in lower case, as udev makes it),
 * by-partlabel/V, by-id/V.
 * Returns 0, -EINVAL (bad spec), -ENOSPC.
 */
int dmr_dev_spec_path(const char *spec, char *buf, size_t len);

/*
 * Parse one line.  Returns 1 with e filled, 0 for a blank or comment
 * line, -EINVAL with a reason in err.
 */
int dmr_tab_parse_line(const char *line, struct dmr_tab_entry *e, char *err, size_t errlen);

struct dmr_tab {
	struct dmr_tab_entry *entries;
	size_t nr;
	char **errors;			/* "FILE:LINE: reason", one per bad line */
	size_t nr_errors;
};

/*
 * Read a whole tab from f (named path in messages).  Bad lines are kept
 * as errors and skipped; a NAME given twice is an error on its second
 * line.  Returns 0 (look at tab->nr_errors), -ENOMEM, or -EIO.
 */
int dmr_tab_read(FILE *f, const char *path, struct dmr_tab *tab);
/* dmr_tab_read on a file: -errno when it cannot be opened */
int dmr_tab_load(const char *path, struct dmr_tab *tab);
void dmr_tab_free(struct dmr_tab *tab);

#endif
