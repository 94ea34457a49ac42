/* SPDX-License-Identifier: GPL-2.0 */
/* grow.h - the one growing array of the tools */
#ifndef DMR_GROW_H
#define DMR_GROW_H

#include <stddef.h>
#include <stdlib.h>

/*
 * Room for element nr of the array arr of capacity cap (any integer
 * types, lvalues): when nr == cap, the capacity doubles (8 to begin with).
 * True when there is room; false when realloc failed (arr unchanged).
 */
#define DMR_GROW(arr, nr, cap)							\
	({									\
		int _ok = 1;							\
		if ((size_t)(nr) >= (size_t)(cap)) {				\
			size_t _c = (cap) ? (size_t)(cap) * 2 : 8;		\
			void *_n = realloc((arr), _c * sizeof(*(arr)));		\
			if (_n) {						\
				(arr) = _n;					\
				(cap) = _c;					\
			} else {						\
				_ok = 0;					\
			}							\
		}								\
		_ok;								\
	})

#endif /* DMR_GROW_H */
