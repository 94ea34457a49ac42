// SPDX-License-Identifier: GPL-2.0
#include <errno.h>
#include <inttypes.h>
#include <string.h>

#include "dm_remap_events.h"
#include "hist.h"
#include "names.h"
#include "render.h"
#include "version.h"

/* the metric table (metrics.def): names, types and HELP texts, once */
enum exp_metric {
#define EXP_METRIC(id, name, type, labels, when, help) EXP_M_##id,
#include "metrics.def"
#undef EXP_METRIC
	EXP_M_NR
};

struct exp_metric_def {
	const char *name, *type, *help;
};

static const struct exp_metric_def metrics[EXP_M_NR] = {
#define EXP_METRIC(id, name, type, labels, when, help) [EXP_M_##id] = { #name, #type, help },
#include "metrics.def"
#undef EXP_METRIC
};

/* the name of metric m */
#define M(m) (metrics[m].name)

char *exp_fmt_seconds(uint64_t ns, char *buf, size_t len)
{
	int n = snprintf(buf, len, "%" PRIu64 ".%09" PRIu64, (uint64_t)(ns / 1000000000U),
			 (uint64_t)(ns % 1000000000U));

	if (n <= 0 || (size_t)n >= len)
		return buf;
	while (n > 0 && buf[n - 1] == '0')
		buf[--n] = '\0';
	if (n > 0 && buf[n - 1] == '.')
		buf[--n] = '\0';
	return buf;
}

char *exp_escape_label(const char *s, char *buf, size_t len)
{
	size_t o = 0;

	if (!len)
		return buf;
	while (*s) {
		size_t n = dmr_utf8_seq(s);
		char tmp[8];
		const char *out = tmp;
		size_t olen;

		if (*s == '\\' || *s == '"') {
			tmp[0] = '\\';
			tmp[1] = *s;
			olen = 2;
			n = 1;
		} else if (*s == '\n') {
			memcpy(tmp, "\\n", 2);
			olen = 2;
			n = 1;
		} else if (n) {
			out = s;
			olen = n;
		} else {
			/* not UTF-8: the text "\xHH", its backslash escaped */
			olen = (size_t)snprintf(tmp, sizeof(tmp), "\\\\x%02x", (unsigned char)*s);
			n = 1;
		}
		if (o + olen >= len)
			break;
		memcpy(buf + o, out, olen);
		o += olen;
		s += n;
	}
	buf[o] = '\0';
	return buf;
}

/* device="NAME",dm="dm-N" */
static void dev_labels(const struct dmr_dm_dev *d, char *buf, size_t len)
{
	char esc[EXP_LABEL_VALUE_LEN];

	snprintf(buf, len, "device=\"%s\",dm=\"dm-%u\"",
		 exp_escape_label(d->name, esc, sizeof(esc)), DM_REMAP_DEV_MINOR(d->kdev));
}

/* the HELP and TYPE lines of metric m */
static void family(FILE *f, enum exp_metric m)
{
	const struct exp_metric_def *d = &metrics[m];

	fprintf(f, "# HELP %s %s\n# TYPE %s %s\n", d->name, d->help, d->name, d->type);
}

static bool has(const struct dmr_dm_dev *d, enum dmr_status_key k)
{
	return d->status.present & (1u << k);
}

/* one family with one sample per device whose status has key k */
static void status_family(FILE *f, const struct exp_render_in *in, enum exp_metric m,
			  enum dmr_status_key k, uint64_t (*value)(const struct dmr_dm_dev *))
{
	char labels[EXP_LABELS_LEN];

	family(f, m);
	for (int i = 0; i < in->nr_devs; i++) {
		const struct dmr_dm_dev *d = &in->devs[i];

		if (!has(d, k))
			continue;
		dev_labels(d, labels, sizeof(labels));
		fprintf(f, "%s{%s} %" PRIu64 "\n", M(m), labels, value(d));
	}
}

static uint64_t v_remapped(const struct dmr_dm_dev *d) { return d->status.remapped; }
static uint64_t v_spare_total(const struct dmr_dm_dev *d) { return d->status.spare_total; }
static uint64_t v_spare_free(const struct dmr_dm_dev *d) { return d->status.spare_free; }
static uint64_t v_pending(const struct dmr_dm_dev *d) { return d->status.pending; }
static uint64_t v_ro(const struct dmr_dm_dev *d) { return d->status.mode == DMR_MODE_RO; }
static uint64_t v_block_size(const struct dmr_dm_dev *d) { return d->status.block_size; }
static uint64_t v_main_offline(const struct dmr_dm_dev *d)
{
	return d->status.main_state == DMR_MAIN_OFFLINE;
}
static uint64_t v_scrub(const struct dmr_dm_dev *d)
{
	return d->status.scrub == DMR_SCRUB_RUNNING;
}

/* status counter k of d as exported: carried across resets when in->ctrs knows d */
static uint64_t counter(const struct exp_render_in *in, const struct dmr_dm_dev *d,
			enum exp_ctr k)
{
	const struct exp_ctr_dev *e = in->ctrs ? exp_ctrs_find(in->ctrs, d->kdev) : NULL;
	uint64_t raw[EXP_CTR_NR];

	if (e && (e->seen & EXP_CTR_BIT(k)))
		return exp_ctr_value(e, k);
	exp_ctr_raw(d, raw);
	return raw[k];
}

/* one counter family with one sample per device whose status has key */
static void counter_family(FILE *f, const struct exp_render_in *in, enum exp_metric m,
			   enum dmr_status_key key, enum exp_ctr k)
{
	char labels[EXP_LABELS_LEN];

	family(f, m);
	for (int i = 0; i < in->nr_devs; i++) {
		const struct dmr_dm_dev *d = &in->devs[i];

		if (!has(d, key))
			continue;
		dev_labels(d, labels, sizeof(labels));
		fprintf(f, "%s{%s} %" PRIu64 "\n", M(m), labels, counter(in, d, k));
	}
}

static void hist_series(FILE *f, const char *name, const char *labels, const struct exp_hist *h)
{
	uint64_t cum = 0;
	char le[32], sum[32];
	unsigned int i;

	for (i = 0; i < EXP_LE_FIRST; i++)
		cum += h->slots[i];
	for (; i <= EXP_LE_LAST; i++) {
		cum += h->slots[i];
		fprintf(f, "%s_bucket{%s,le=\"%s\"} %" PRIu64 "\n", name, labels,
			exp_fmt_seconds(dmr_hist_slot_high(i), le, sizeof(le)), cum);
	}
	/*
	 * +Inf and _count from the slots rather than h->count: the BPF side
	 * bumps a slot and the count one after the other, and a read in
	 * between must not give a +Inf bucket below the last finite one.
	 */
	for (; i < EXP_SLOTS; i++)
		cum += h->slots[i];
	fprintf(f, "%s_bucket{%s,le=\"+Inf\"} %" PRIu64 "\n", name, labels, cum);
	fprintf(f, "%s_sum{%s} %s\n", name, labels, exp_fmt_seconds(h->sum_ns, sum, sizeof(sum)));
	fprintf(f, "%s_count{%s} %" PRIu64 "\n", name, labels, cum);
}

/* read and write always; flush and discard once they were seen */
static bool op_shown(const struct exp_dev *e, unsigned int op)
{
	return op == DM_REMAP_OP_READ || op == DM_REMAP_OP_WRITE || e->ios[op] ||
	       e->lat[op][DM_REMAP_PATH_MAIN].count || e->lat[op][DM_REMAP_PATH_SPARE].count;
}

/*
 * The spare path of a device that has no remap carries nothing: its series
 * appear once the device has a remapped block (from zero, so that rate()
 * sees the first I/O) or once an I/O went to the spare.
 */
static bool path_shown(const struct dmr_dm_dev *d, const struct exp_dev *e, unsigned int op,
		       unsigned int path)
{
	return path != DM_REMAP_PATH_SPARE || d->status.remapped || e->lat[op][path].count;
}

static void bpf_counter_family(FILE *f, const struct exp_render_in *in, enum exp_metric m,
			       const uint64_t *(*arr)(const struct exp_dev *))
{
	char labels[EXP_LABELS_LEN];

	family(f, m);
	for (int i = 0; i < in->nr_devs; i++) {
		const struct dmr_dm_dev *d = &in->devs[i];
		const struct exp_dev *e = exp_acc_find(in->acc, d->kdev);

		if (!e)
			continue;
		dev_labels(d, labels, sizeof(labels));
		for (unsigned int op = 0; op < EXP_OPS; op++)
			if (op_shown(e, op))
				fprintf(f, "%s{%s,op=\"%s\"} %" PRIu64 "\n", M(m), labels,
					dmr_op_name(op), arr(e)[op]);
	}
}

static const uint64_t *a_ios(const struct exp_dev *e) { return e->ios; }
static const uint64_t *a_bytes(const struct exp_dev *e) { return e->bytes; }
static const uint64_t *a_remapped(const struct exp_dev *e) { return e->remapped_ios; }

static void bpf_families(FILE *f, const struct exp_render_in *in)
{
	char labels[EXP_LABELS_LEN], l2[EXP_LABELS_LEN + 64];

	bpf_counter_family(f, in, EXP_M_IO_REQUESTS, a_ios);
	bpf_counter_family(f, in, EXP_M_IO_BYTES, a_bytes);
	bpf_counter_family(f, in, EXP_M_IO_REMAPPED_REQUESTS, a_remapped);

	family(f, EXP_M_IO_LATENCY);
	for (int i = 0; i < in->nr_devs; i++) {
		const struct dmr_dm_dev *d = &in->devs[i];
		const struct exp_dev *e = exp_acc_find(in->acc, d->kdev);

		if (!e)
			continue;
		dev_labels(d, labels, sizeof(labels));
		for (unsigned int op = 0; op < EXP_OPS; op++) {
			if (!op_shown(e, op))
				continue;
			for (unsigned int p = 0; p < EXP_PATHS; p++) {
				if (!path_shown(d, e, op, p))
					continue;
				snprintf(l2, sizeof(l2), "%s,op=\"%s\",path=\"%s\"", labels,
					 dmr_op_name(op), dmr_path_name(p));
				hist_series(f, M(EXP_M_IO_LATENCY), l2, &e->lat[op][p]);
			}
		}
	}

	family(f, EXP_M_MD_COMMIT_DURATION);
	for (int i = 0; i < in->nr_devs; i++) {
		const struct dmr_dm_dev *d = &in->devs[i];
		const struct exp_dev *e = exp_acc_find(in->acc, d->kdev);

		if (!e)
			continue;
		dev_labels(d, labels, sizeof(labels));
		hist_series(f, M(EXP_M_MD_COMMIT_DURATION), labels, &e->md);
	}

	family(f, EXP_M_MD_COMMIT_ERRORS);
	for (int i = 0; i < in->nr_devs; i++) {
		const struct dmr_dm_dev *d = &in->devs[i];
		const struct exp_dev *e = exp_acc_find(in->acc, d->kdev);

		if (!e)
			continue;
		dev_labels(d, labels, sizeof(labels));
		fprintf(f, "%s{%s} %" PRIu64 "\n", M(EXP_M_MD_COMMIT_ERRORS), labels,
			e->md_errors);
	}
}

int exp_render(FILE *f, const struct exp_render_in *in)
{
	char labels[EXP_LABELS_LEN];

	status_family(f, in, EXP_M_REMAPPED_BLOCKS, DMR_ST_REMAPPED, v_remapped);
	status_family(f, in, EXP_M_SPARE_BLOCKS, DMR_ST_SPARE_TOTAL, v_spare_total);
	status_family(f, in, EXP_M_SPARE_FREE_BLOCKS, DMR_ST_SPARE_FREE, v_spare_free);
	status_family(f, in, EXP_M_PENDING_BLOCKS, DMR_ST_PENDING, v_pending);
	status_family(f, in, EXP_M_READ_ONLY, DMR_ST_MODE, v_ro);
	/* main= is optional in the status (older modules): absent reads as ok (0) */
	status_family(f, in, EXP_M_MAIN_OFFLINE, DMR_ST_MODE, v_main_offline);
	status_family(f, in, EXP_M_BLOCK_SIZE_BYTES, DMR_ST_BLOCK_SIZE, v_block_size);
	status_family(f, in, EXP_M_SCRUB_RUNNING, DMR_ST_SCRUB, v_scrub);

	family(f, EXP_M_IO_ERRORS);
	for (int i = 0; i < in->nr_devs; i++) {
		const struct dmr_dm_dev *d = &in->devs[i];

		dev_labels(d, labels, sizeof(labels));
		if (has(d, DMR_ST_READ_ERRORS))
			fprintf(f, "%s{%s,op=\"read\"} %" PRIu64 "\n", M(EXP_M_IO_ERRORS),
				labels, counter(in, d, EXP_CTR_READ_ERRORS));
		if (has(d, DMR_ST_WRITE_ERRORS))
			fprintf(f, "%s{%s,op=\"write\"} %" PRIu64 "\n", M(EXP_M_IO_ERRORS),
				labels, counter(in, d, EXP_CTR_WRITE_ERRORS));
	}
	counter_family(f, in, EXP_M_REMAPS, DMR_ST_REMAPPED, EXP_CTR_REMAPS);
	counter_family(f, in, EXP_M_LOST_SECTORS, DMR_ST_LOST_SECTORS, EXP_CTR_LOST_SECTORS);
	counter_family(f, in, EXP_M_MD_COMMITS, DMR_ST_MD_COMMITS, EXP_CTR_MD_COMMITS);

	if (in->acc) {
		bpf_families(f, in);
		family(f, EXP_M_DROPPED_EVENTS);
		fprintf(f, "%s %" PRIu64 "\n", M(EXP_M_DROPPED_EVENTS), in->dropped_events);
	}

	/* --once never attaches: no gauge that would read as "detached" */
	if (!in->once) {
		family(f, EXP_M_BPF_ATTACHED);
		fprintf(f, "%s %d\n", M(EXP_M_BPF_ATTACHED), in->bpf_attached ? 1 : 0);
	}
	family(f, EXP_M_MODULE_LOADED);
	fprintf(f, "%s %d\n", M(EXP_M_MODULE_LOADED), in->module_loaded ? 1 : 0);
	family(f, EXP_M_DEVICES);
	fprintf(f, "%s %d\n", M(EXP_M_DEVICES), in->nr_devs);
	family(f, EXP_M_BUILD_INFO);
	fprintf(f, "%s{version=\"%s\",mode=\"%s\"} 1\n", M(EXP_M_BUILD_INFO), DMREMAP_VERSION,
		in->once ? "once" : "daemon");

	fflush(f);
	return ferror(f) ? -EIO : 0;
}
