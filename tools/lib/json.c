// SPDX-License-Identifier: GPL-2.0
#include <inttypes.h>
#include <math.h>
#include <string.h>

#include "json.h"

/* escape of c, or NULL when c is written as it is; buf holds \u00XX */
static const char *escape_of(unsigned char c, char buf[7])
{
	switch (c) {
	case '"': return "\\\"";
	case '\\': return "\\\\";
	case '\b': return "\\b";
	case '\f': return "\\f";
	case '\n': return "\\n";
	case '\r': return "\\r";
	case '\t': return "\\t";
	default:
		if (c < 0x20 || c == 0x7f) {
			snprintf(buf, 7, "\\u%04x", c);
			return buf;
		}
		return NULL;
	}
}

size_t dmr_json_escape(const char *s, char *out, size_t outlen)
{
	size_t need = 0, pos = 0;
	int full = outlen == 0;
	char buf[7];

	for (; *s; s++) {
		const char *e = escape_of((unsigned char)*s, buf);
		size_t l = e ? strlen(e) : 1;

		/* stop at the first piece that does not fit: no partial escapes */
		if (!full && pos + l < outlen) {
			if (e)
				memcpy(out + pos, e, l);
			else
				out[pos] = *s;
			pos += l;
		} else {
			full = 1;
		}
		need += l;
	}
	if (outlen)
		out[pos] = '\0';
	return need;
}

void dmr_json_fput_str(FILE *f, const char *s)
{
	char buf[7];

	fputc('"', f);
	for (; *s; s++) {
		const char *e = escape_of((unsigned char)*s, buf);

		if (e)
			fputs(e, f);
		else
			fputc(*s, f);
	}
	fputc('"', f);
}

void dmr_json_begin(struct dmr_json *j, FILE *f)
{
	j->f = f;
	j->fields = 0;
	fputc('{', f);
}

static void key(struct dmr_json *j, const char *k)
{
	if (j->fields++)
		fputc(',', j->f);
	dmr_json_fput_str(j->f, k);
	fputc(':', j->f);
}

void dmr_json_key(struct dmr_json *j, const char *k)
{
	key(j, k);
}

void dmr_json_str(struct dmr_json *j, const char *k, const char *val)
{
	key(j, k);
	if (val)
		dmr_json_fput_str(j->f, val);
	else
		fputs("null", j->f);
}

void dmr_json_u64(struct dmr_json *j, const char *k, uint64_t val)
{
	key(j, k);
	fprintf(j->f, "%" PRIu64, val);
}

void dmr_json_i64(struct dmr_json *j, const char *k, int64_t val)
{
	key(j, k);
	fprintf(j->f, "%" PRId64, val);
}

void dmr_json_double(struct dmr_json *j, const char *k, double val, int decimals)
{
	key(j, k);
	if (isfinite(val))
		fprintf(j->f, "%.*f", decimals, val);
	else
		fputs("null", j->f);
}

void dmr_json_bool(struct dmr_json *j, const char *k, int val)
{
	key(j, k);
	fputs(val ? "true" : "false", j->f);
}

void dmr_json_end(struct dmr_json *j)
{
	fputs("}\n", j->f);
}
