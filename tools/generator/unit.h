/* SPDX-License-Identifier: GPL-2.0 */
/*
 * unit.h - systemd's names and quoting, as the generator needs them:
 * unit-name escaping (systemd-escape, and --path for device units) and
 * the quoting of an Exec= argument.
 */
#ifndef DMREMAP_GENERATOR_UNIT_H
#define DMREMAP_GENERATOR_UNIT_H

#include <stddef.h>

/*
 * systemd-escape STRING: '/' becomes '-'; letters, digits, ':', '_' and
 * '.' (not leading) stay; every other byte becomes \xNN.  Returns 0 or
 * -ENOSPC.
 */
int unit_escape(const char *s, char *out, size_t len);

/*
 * systemd-escape --path PATH: the path simplified (duplicate and trailing
 * '/' dropped, leading '/' removed; "/" alone is "-"), then escaped.
 * Returns 0, -EINVAL (not absolute, or ".."), -ENOSPC.
 */
int unit_escape_path(const char *path, char *out, size_t len);

/*
 * One Exec= argument: double-quoted, '\' and '"' backslash-escaped, '%'
 * doubled (specifiers), '$' doubled (variables).  Returns 0 or -ENOSPC.
 */
int unit_exec_quote(const char *arg, char *out, size_t len);

#endif
