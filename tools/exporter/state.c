// SPDX-License-Identifier: GPL-2.0
#include <errno.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "state.h"

#define MAGIC		"dmremap-exporter-state"
#define VERSION		1
/* a device line: three fields plus two per counter, none longer than 20 digits */
#define LINE_MAX_LEN	(21 * (3 + 2 * EXP_CTR_NR) + 2)

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

int exp_state_write(FILE *f, const struct exp_ctrs *c, const char *boot_id)
{
	size_t n = c->n < EXP_STATE_MAX_DEVS ? c->n : EXP_STATE_MAX_DEVS;

	fprintf(f, "%s %d %s\n", MAGIC, VERSION, boot_id);
	for (size_t i = 0; i < n; i++) {
		const struct exp_ctr_dev *e = &c->devs[i];

		fprintf(f, "%" PRIu32 " %" PRIu64 " %u", e->kdev, e->inst, e->seen);
		for (int k = 0; k < EXP_CTR_NR; k++)
			fprintf(f, " %" PRIu64, e->last[k]);
		for (int k = 0; k < EXP_CTR_NR; k++)
			fprintf(f, " %" PRIu64, e->offset[k]);
		fputc('\n', f);
	}
	fprintf(f, "end %zu\n", n);
	fflush(f);
	return ferror(f) ? -EIO : 0;
}

/* split line into exactly max whole decimal numbers; false otherwise */
static bool numbers(char *line, uint64_t *v, int max)
{
	int n = 0;

	for (char *save = NULL, *tok = strtok_r(line, " ", &save); tok;
	     tok = strtok_r(NULL, " ", &save)) {
		if (n == max || !dmr_parse_u64(tok, &v[n]))
			return false;
		n++;
	}
	return n == max;
}

/* one device line into e; false when it is not one */
static bool parse_dev(char *line, struct exp_ctr_dev *e)
{
	uint64_t v[3 + 2 * EXP_CTR_NR];

	if (!numbers(line, v, 3 + 2 * EXP_CTR_NR) || v[0] > UINT32_MAX || v[2] > EXP_CTR_ALL)
		return false;
	memset(e, 0, sizeof(*e));
	e->kdev = (uint32_t)v[0];
	e->inst = v[1];
	e->seen = (unsigned int)v[2];
	for (int k = 0; k < EXP_CTR_NR; k++) {
		e->last[k] = v[3 + k];
		e->offset[k] = v[3 + EXP_CTR_NR + k];
		/* the exported value must fit, or it would wrap below an earlier one */
		if (e->offset[k] > UINT64_MAX - e->last[k])
			return false;
	}
	return true;
}

static int read_all(FILE *f, struct exp_ctrs *c, const char *boot_id)
{
	char line[LINE_MAX_LEN], boot[EXP_BOOT_ID_LEN + 2], tail;
	int version;
	bool ended = false;

	if (!fgets(line, sizeof(line), f))
		return -EINVAL;
	if (sscanf(line, MAGIC " %d %65s%c", &version, boot, &tail) != 3 || tail != '\n' ||
	    version != VERSION)
		return -EINVAL;
	if (strcmp(boot, boot_id))
		return -ESTALE;

	while (fgets(line, sizeof(line), f)) {
		struct exp_ctr_dev e;
		size_t len = strlen(line);
		size_t count;

		if (ended || !len || line[len - 1] != '\n')
			return -EINVAL;		/* after the end, or too long */
		line[len - 1] = '\0';
		if (sscanf(line, "end %zu%c", &count, &tail) == 1) {
			if (count != c->n)
				return -EINVAL;
			ended = true;
			continue;
		}
		if (c->n == EXP_STATE_MAX_DEVS)
			return -E2BIG;
		if (!parse_dev(line, &e) || exp_ctrs_find(c, e.kdev))
			return -EINVAL;
		if (exp_ctrs_add(c, &e))
			return -ENOMEM;
	}
	return ended && !ferror(f) ? 0 : -EINVAL;
}

int exp_state_read(FILE *f, struct exp_ctrs *c, const char *boot_id)
{
	int ret;

	exp_ctrs_free(c);
	ret = read_all(f, c, boot_id);
	if (ret)
		exp_ctrs_free(c);
	return ret;
}
