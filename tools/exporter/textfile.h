/* SPDX-License-Identifier: GPL-2.0 */
/*
 * textfile.h - atomic replacement of a node_exporter textfile.
 *
 * The collector reads every *.prom file of its directory whenever it is
 * scraped, so DIR/NAME must never be seen half-written:
 *
 *	struct exp_textfile t;
 *	if (exp_textfile_open(&t, dir, "dm_remap.prom", err, sizeof(err)))
 *		...;
 *	write(t.f, ...);
 *	if (exp_textfile_commit(&t, err, sizeof(err)))	// or exp_textfile_abort(&t)
 *		...;
 *
 * The data goes to a temporary file in the same directory (same file
 * system, so rename() is atomic) named ".NAME.<pid>.XXXXXX": hidden and not
 * ending in ".prom", so the collector never reads it.  commit flushes,
 * fsync()s, makes it 0644 (node_exporter usually runs as another user),
 * renames it over NAME and fsync()s the directory.  Any failure removes the
 * temporary file.
 */
#ifndef DMREMAP_EXPORTER_TEXTFILE_H
#define DMREMAP_EXPORTER_TEXTFILE_H

#include <limits.h>
#include <stddef.h>
#include <stdio.h>

struct exp_textfile {
	FILE *f;			/* write the metrics here */
	char tmp[PATH_MAX];		/* the temporary file, "" when none */
	char path[PATH_MAX];		/* the final file */
	char dir[PATH_MAX];
};

/* 0, or -errno with a one-line reason in err */
int exp_textfile_open(struct exp_textfile *t, const char *dir, const char *name,
		      char *err, size_t len);
/* 0, or -errno with a one-line reason in err (nothing is left behind) */
int exp_textfile_commit(struct exp_textfile *t, char *err, size_t len);
/* closes and removes the temporary file; safe to call on a closed t */
void exp_textfile_abort(struct exp_textfile *t);

/*
 * Remove temporary files of NAME in dir left by a writer that died (killed
 * with SIGKILL mid-write): ".NAME.<pid>.*" whose pid no longer runs.
 * Returns how many were removed.
 */
int exp_textfile_cleanup_stale(const char *dir, const char *name);

#endif
