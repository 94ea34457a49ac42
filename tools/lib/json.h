/* SPDX-License-Identifier: GPL-2.0 */
/*
 * json.h - JSON lines output: string escaping and a flat object writer.
 *
 *	struct dmr_json j;
 *	dmr_json_begin(&j, stdout);
 *	dmr_json_str(&j, "event", "teardown");
 *	dmr_json_u64(&j, "inflight", 0);
 *	dmr_json_end(&j);		-> {"event":"teardown","inflight":0}\n
 */
#ifndef DMREMAP_JSON_H
#define DMREMAP_JSON_H

#include <stdint.h>
#include <stdio.h>

/*
 * Escape s as the inside of a JSON string (no quotes) into out (always
 * NUL-terminated when outlen > 0).  Returns the length the full escape
 * needs, excluding the NUL, like snprintf.  Control characters become
 * \n, \t, ... or \u00XX; bytes >= 0x80 are copied as they are.
 */
size_t dmr_json_escape(const char *s, char *out, size_t outlen);

/* write s as a quoted, escaped JSON string */
void dmr_json_fput_str(FILE *f, const char *s);

struct dmr_json {
	FILE *f;
	int fields;
};

void dmr_json_begin(struct dmr_json *j, FILE *f);
void dmr_json_str(struct dmr_json *j, const char *key, const char *val);	/* NULL -> null */
void dmr_json_u64(struct dmr_json *j, const char *key, uint64_t val);
void dmr_json_i64(struct dmr_json *j, const char *key, int64_t val);
/* finite doubles only; NaN/inf are written as null */
void dmr_json_double(struct dmr_json *j, const char *key, double val, int decimals);
void dmr_json_bool(struct dmr_json *j, const char *key, int val);
/*
 * writes the separator and "key": for a value the caller then writes to
 * j->f itself (an array, a nested object)
 */
void dmr_json_key(struct dmr_json *j, const char *key);
/* closes the object and writes a newline */
void dmr_json_end(struct dmr_json *j);

#endif
