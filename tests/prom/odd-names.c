// SPDX-License-Identifier: GPL-2.0
/*
 * odd-names: print a dm_remap.prom rendered by the exporter's own code
 * (tools/exporter/render.c) for remap devices with names no dm name rule
 * forbids: a space and byte 0xff, a double quote and a backslash, raw
 * UTF-8, a newline, a C1 control.  tests/prom/run feeds it to `promtool
 * check metrics` and checks the labels (valid UTF-8, the documented
 * escapes).  The names go through dmr_name_escape() exactly as the device
 * listing (tools/lib/dm.c) does.
 */
#include <stdio.h>
#include <string.h>

#include "accum.h"
#include "dm_remap_events.h"
#include "names.h"
#include "render.h"

static const char *const raw_names[] = {
	"a b\xff",
	"q\"uo\\te",
	"caf\xc3\xa9 \xe2\x82\xac",
	"new\nline",
	"c1\xc2\x85",
	"r0",
};
#define NDEV (sizeof(raw_names) / sizeof(raw_names[0]))

int main(void)
{
	struct dmr_dm_dev devs[NDEV];
	struct exp_acc acc = { 0 };
	struct exp_render_in in = { 0 };
	uint32_t gone[NDEV];

	memset(devs, 0, sizeof(devs));
	for (unsigned int i = 0; i < NDEV; i++) {
		struct dmr_dm_dev *d = &devs[i];

		dmr_name_escape(raw_names[i], d->name, sizeof(d->name));
		d->kdev = DM_REMAP_MKDEV(254u, i);
		d->status_err = dmr_status_parse(i == 0 ?
			"mode=rw block_size=4096 remapped=1 spare_total=100 spare_free=99 pending=0 "
			"read_errors=0 write_errors=1 lost_sectors=0 md_commits=1 md_seq=1 "
			"scrub=idle main=offline" :
			"mode=rw block_size=4096 remapped=0 spare_total=100 spare_free=100 pending=0 "
			"read_errors=0 write_errors=0 lost_sectors=0 md_commits=0 md_seq=0 scrub=idle",
			&d->status);
		if (d->status_err)
			return 1;
	}
	if (exp_acc_sync(&acc, devs, (int)NDEV, gone, NDEV) < 0)
		return 1;
	/* some I/O on both paths of the first device, main only on the others */
	for (unsigned int i = 0; i < NDEV; i++) {
		struct exp_dev *e = exp_acc_find(&acc, devs[i].kdev);

		e->ios[DM_REMAP_OP_READ] = 10;
		e->lat[DM_REMAP_OP_READ][DM_REMAP_PATH_MAIN].slots[12] = 10;
		e->lat[DM_REMAP_OP_READ][DM_REMAP_PATH_MAIN].count = 10;
		e->lat[DM_REMAP_OP_READ][DM_REMAP_PATH_MAIN].sum_ns = 50000;
		if (i == 0) {
			e->lat[DM_REMAP_OP_READ][DM_REMAP_PATH_SPARE].slots[14] = 2;
			e->lat[DM_REMAP_OP_READ][DM_REMAP_PATH_SPARE].count = 2;
			e->lat[DM_REMAP_OP_READ][DM_REMAP_PATH_SPARE].sum_ns = 40000;
		}
	}
	in.devs = devs;
	in.nr_devs = (int)NDEV;
	in.acc = &acc;
	in.bpf_attached = true;
	in.module_loaded = true;
	in.dropped_events = 3;
	if (exp_render(stdout, &in))
		return 1;
	exp_acc_free(&acc);
	return 0;
}
