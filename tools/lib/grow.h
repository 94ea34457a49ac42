/* SPDX-License-Identifier: GPL-2.0 */
/* grow.h - the one growing array of the tools */
#ifndef DMR_GROW_H
#define DMR_GROW_H

#include <stddef.h>
#include <stdlib.h>
#include <string.h>

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

/*
 * The element of arr[0..nr) whose member `key` equals k; else, when add,
 * one appended (zeroed but for its key); NULL when absent and !add, or
 * when realloc failed.
 */
#define DMR_FIND_OR_ADD(arr, nr, cap, key, k, add)				\
	({									\
		__typeof__(&(arr)[0]) _e = NULL;				\
		for (size_t _i = 0; _i < (size_t)(nr) && !_e; _i++)		\
			if ((arr)[_i].key == (k))				\
				_e = &(arr)[_i];				\
		if (!_e && (add) && DMR_GROW(arr, nr, cap)) {			\
			_e = &(arr)[(nr)++];					\
			memset(_e, 0, sizeof(*_e));				\
			_e->key = (k);						\
		}								\
		_e;								\
	})

#endif /* DMR_GROW_H */
