// SPDX-License-Identifier: GPL-2.0
#include "unit.h"

#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

static bool plain(char c, bool first)
{
	if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
	    c == ':' || c == '_')
		return true;
	return c == '.' && !first;
}

int unit_escape(const char *s, char *out, size_t len)
{
	size_t o = 0;

	for (size_t i = 0; s[i]; i++) {
		char c = s[i];
		size_t need = c == '/' || plain(c, i == 0) ? 1 : 4;

		if (o + need >= len)
			return -ENOSPC;
		if (c == '/')
			out[o++] = '-';
		else if (need == 1)
			out[o++] = c;
		else
			o += (size_t)snprintf(out + o, len - o, "\\x%02x", (unsigned char)c);
	}
	if (len == 0)
		return -ENOSPC;
	out[o] = '\0';
	return 0;
}

int unit_escape_path(const char *path, char *out, size_t len)
{
	char simple[4096];
	size_t o = 0;

	if (path[0] != '/')
		return -EINVAL;
	/* components joined by single '/', no leading or trailing one */
	for (const char *p = path; *p;) {
		size_t n;

		while (*p == '/')
			p++;
		n = strcspn(p, "/");
		if (n == 0)
			break;
		if (n == 2 && !strncmp(p, "..", 2))
			return -EINVAL;
		if (!(n == 1 && *p == '.')) {
			if (o + n + 2 > sizeof(simple))
				return -ENOSPC;
			if (o)
				simple[o++] = '/';
			memcpy(simple + o, p, n);
			o += n;
		}
		p += n;
	}
	simple[o] = '\0';
	if (o == 0) {
		if (len < 2)
			return -ENOSPC;
		strcpy(out, "-");
		return 0;
	}
	return unit_escape(simple, out, len);
}

int unit_exec_quote(const char *arg, char *out, size_t len)
{
	size_t o = 0;

	if (len < 3)
		return -ENOSPC;
	out[o++] = '"';
	for (const char *p = arg; *p; p++) {
		bool twice = *p == '%' || *p == '$';
		bool slash = *p == '\\' || *p == '"';

		if (o + 2 + 2 >= len)
			return -ENOSPC;
		if (slash)
			out[o++] = '\\';
		out[o++] = *p;
		if (twice)
			out[o++] = *p;
	}
	out[o++] = '"';
	out[o] = '\0';
	return 0;
}
