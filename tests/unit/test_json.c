// SPDX-License-Identifier: GPL-2.0
#define _GNU_SOURCE
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "unit.h"
#include "json.h"

static void json_escape_basic(void **state)
{
	char out[64];

	(void)state;
	assert_int_equal(dmr_json_escape("plain r0", out, sizeof(out)), 8);
	assert_string_equal(out, "plain r0");
	dmr_json_escape("a\"b\\c", out, sizeof(out));
	assert_string_equal(out, "a\\\"b\\\\c");
	dmr_json_escape("\n\t\r\b\f", out, sizeof(out));
	assert_string_equal(out, "\\n\\t\\r\\b\\f");
	dmr_json_escape("\x01x\x1f\x7f", out, sizeof(out));
	assert_string_equal(out, "\\u0001x\\u001f\\u007f");
	/* UTF-8 passes through */
	dmr_json_escape("d\xc3\xa9v", out, sizeof(out));
	assert_string_equal(out, "d\xc3\xa9v");
	assert_int_equal(dmr_json_escape("", out, sizeof(out)), 0);
	assert_string_equal(out, "");
}

static void json_escape_truncation(void **state)
{
	char out[5];

	(void)state;
	/* needs 6 ("ab\\\"cd" minus quote = a b \ " c d): only whole escapes fit */
	assert_int_equal(dmr_json_escape("ab\"cd", out, sizeof(out)), 6);
	assert_string_equal(out, "ab\\\"");
	assert_int_equal(dmr_json_escape("a\"", out, 3), 3);
	assert_string_equal(out, "a");
	assert_int_equal(dmr_json_escape("xyz", NULL, 0), 3);
}

static char *capture(void (*fn)(FILE *))
{
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);

	assert_non_null(f);
	fn(f);
	fclose(f);
	return buf;
}

static void write_object(FILE *f)
{
	struct dmr_json j;

	dmr_json_begin(&j, f);
	dmr_json_str(&j, "event", "teardown");
	dmr_json_str(&j, "device", "we\"ird\n");
	dmr_json_u64(&j, "big", UINT64_MAX);
	dmr_json_i64(&j, "error", -5);
	dmr_json_double(&j, "t", 1.5, 3);
	dmr_json_double(&j, "nan", NAN, 3);
	dmr_json_bool(&j, "ok", 1);
	dmr_json_str(&j, "none", NULL);
	dmr_json_end(&j);
}

static void write_empty(FILE *f)
{
	struct dmr_json j;

	dmr_json_begin(&j, f);
	dmr_json_end(&j);
}

static void json_object(void **state)
{
	char *s;

	(void)state;
	s = capture(write_object);
	assert_string_equal(s, "{\"event\":\"teardown\",\"device\":\"we\\\"ird\\n\","
			       "\"big\":18446744073709551615,\"error\":-5,\"t\":1.500,"
			       "\"nan\":null,\"ok\":true,\"none\":null}\n");
	free(s);
	s = capture(write_empty);
	assert_string_equal(s, "{}\n");
	free(s);
}

static const struct CMUnitTest tests[] = {
	cmocka_unit_test(json_escape_basic),
	cmocka_unit_test(json_escape_truncation),
	cmocka_unit_test(json_object),
};

UNIT_GROUP(json_tests, tests);
