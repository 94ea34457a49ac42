// SPDX-License-Identifier: GPL-2.0
#include <errno.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "state.h"

#define MAGIC		"dmremap-exporter-state"
#define VERSION		1
#define DEV_NUMBERS	(3 + 2 * EXP_CTR_NR)
#define IO_NUMBERS	(2 + EXP_ACC_NUMBERS)
/* the longest line: "io " and IO_NUMBERS numbers of up to 20 digits */
#define LINE_MAX_LEN	(3 + 21 * IO_NUMBERS + 2)

void exp_boot_id(char *buf, size_t len)
{
	FILE *f = fopen("/proc/sys/kernel/random/boot_id", "re");
	size_t n;

	if (!f || !fgets(buf, (int)len, f) || !(n = strcspn(buf, "\n")) ||
	    strspn(buf, "0123456789abcdef-") != n)
		snprintf(buf, len, "unknown");
	else
		buf[n] = '\0';
	if (f)
		fclose(f);
}

static void write_numbers(FILE *f, const uint64_t *v, size_t n)
{
	for (size_t i = 0; i < n; i++)
		fprintf(f, " %" PRIu64, v[i]);
}

int exp_state_write(FILE *f, const struct exp_ctrs *c, const struct exp_acc *a,
		    uint64_t dropped, const char *boot_id)
{
	size_t nc = c->n < EXP_STATE_MAX_DEVS ? c->n : EXP_STATE_MAX_DEVS;
	size_t na = !a ? 0 : a->n < EXP_STATE_MAX_DEVS ? a->n : EXP_STATE_MAX_DEVS;
	uint64_t v[EXP_ACC_NUMBERS];

	fprintf(f, "%s %d %s\n", MAGIC, VERSION, boot_id);
	for (size_t i = 0; i < nc; i++) {
		const struct exp_ctr_dev *e = &c->devs[i];

		fprintf(f, "dev %" PRIu32 " %" PRIu64 " %u", e->kdev, e->inst, e->seen);
		write_numbers(f, e->last, EXP_CTR_NR);
		write_numbers(f, e->offset, EXP_CTR_NR);
		fputc('\n', f);
	}
	for (size_t i = 0; i < na; i++) {
		struct exp_dev e = a->devs[i];

		exp_acc_numbers(&e, v, false);
		fprintf(f, "io %" PRIu32 " %" PRIu64, e.kdev, e.inst);
		write_numbers(f, v, EXP_ACC_NUMBERS);
		fputc('\n', f);
	}
	if (a)
		fprintf(f, "dropped %" PRIu64 "\n", dropped);
	fprintf(f, "end %zu\n", nc + na + (a ? 1 : 0));
	fflush(f);
	return ferror(f) ? -EIO : 0;
}

/* split s into exactly max whole decimal numbers separated by one space */
static bool numbers(char *s, uint64_t *v, size_t max)
{
	size_t n = 0;

	for (;;) {
		char *sp = strchr(s, ' ');

		if (sp)
			*sp = '\0';
		if (n == max || !dmr_parse_u64(s, &v[n]))
			return false;
		n++;
		if (!sp)
			return n == max;
		s = sp + 1;
	}
}

/* "dev ..." after its tag into c */
static int parse_dev(char *s, struct exp_ctrs *c)
{
	uint64_t v[DEV_NUMBERS];
	struct exp_ctr_dev e = { 0 };

	if (!numbers(s, v, DEV_NUMBERS) || v[0] > UINT32_MAX || v[2] > EXP_CTR_ALL)
		return -EINVAL;
	e.kdev = (uint32_t)v[0];
	e.inst = v[1];
	e.seen = (unsigned int)v[2];
	for (int k = 0; k < EXP_CTR_NR; k++) {
		e.last[k] = v[3 + k];
		e.offset[k] = v[3 + EXP_CTR_NR + k];
		/* the exported value must fit, or it would wrap below an earlier one */
		if (e.offset[k] > UINT64_MAX - e.last[k])
			return -EINVAL;
	}
	if (exp_ctrs_find(c, e.kdev))
		return -EINVAL;
	if (c->n == EXP_STATE_MAX_DEVS)
		return -E2BIG;
	return exp_ctrs_add(c, &e);
}

/* "io ..." after its tag into a */
static int parse_io(char *s, struct exp_acc *a)
{
	uint64_t *v = malloc(IO_NUMBERS * sizeof(*v));
	struct exp_dev *e;
	int ret = -EINVAL;

	if (!v)
		return -ENOMEM;
	if (!numbers(s, v, IO_NUMBERS) || v[0] > UINT32_MAX || exp_acc_find(a, (uint32_t)v[0]))
		goto out;
	ret = -E2BIG;
	if (a->n == EXP_STATE_MAX_DEVS)
		goto out;
	ret = -ENOMEM;
	e = exp_acc_new(a, (uint32_t)v[0], v[1]);
	if (!e)
		goto out;
	exp_acc_numbers(e, v + 2, true);
	ret = 0;
out:
	free(v);
	return ret;
}

static int read_all(FILE *f, char *line, struct exp_ctrs *c, struct exp_acc *a,
		    uint64_t *dropped, const char *boot_id)
{
	char boot[EXP_BOOT_ID_LEN + 2], tail;
	uint64_t count, lines = 0;
	bool ended = false, have_dropped = false;
	int version, ret;

	if (!fgets(line, LINE_MAX_LEN, f))
		return -EINVAL;
	if (sscanf(line, MAGIC " %d %65s%c", &version, boot, &tail) != 3 || tail != '\n' ||
	    version != VERSION)
		return -EINVAL;
	if (strcmp(boot, boot_id))
		return -ESTALE;

	while (fgets(line, LINE_MAX_LEN, f)) {
		size_t len = strlen(line);

		if (ended || !len || line[len - 1] != '\n')
			return -EINVAL;		/* after the end, or too long */
		line[len - 1] = '\0';
		if (!strncmp(line, "dev ", 4)) {
			ret = parse_dev(line + 4, c);
		} else if (!strncmp(line, "io ", 3)) {
			ret = parse_io(line + 3, a);
		} else if (!strncmp(line, "dropped ", 8) && !have_dropped) {
			ret = dmr_parse_u64(line + 8, dropped) ? 0 : -EINVAL;
			have_dropped = true;
		} else if (!strncmp(line, "end ", 4)) {
			if (!dmr_parse_u64(line + 4, &count) || count != lines)
				return -EINVAL;
			ended = true;
			continue;
		} else {
			ret = -EINVAL;
		}
		if (ret)
			return ret;
		lines++;
	}
	return ended && !ferror(f) ? 0 : -EINVAL;
}

int exp_state_read(FILE *f, struct exp_ctrs *c, struct exp_acc *a, uint64_t *dropped,
		   const char *boot_id)
{
	char *line = malloc(LINE_MAX_LEN);
	int ret = -ENOMEM;

	exp_ctrs_free(c);
	exp_acc_free(a);
	*dropped = 0;
	if (line)
		ret = read_all(f, line, c, a, dropped, boot_id);
	free(line);
	if (ret) {
		exp_ctrs_free(c);
		exp_acc_free(a);
		*dropped = 0;
	}
	return ret;
}
