// SPDX-License-Identifier: GPL-2.0
/*
 * ui.c - dmremap-top's interactive screens (ncurses): the device list, a
 * device's detail (latency histogram and last events) and the help.
 *
 * Terminal size changes arrive as KEY_RESIZE (ncurses' own SIGWINCH
 * handler updates LINES/COLS); SIGINT/SIGTERM only set a flag
 * (tools/lib/signals.h) that the main loop polls, and the main loop always
 * ends with top_ui_end(), so the terminal is restored on every way out.
 */
#define _GNU_SOURCE
#include <curses.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "app.h"
#include "hist.h"
#include "names.h"
#include "version.h"

#define KEY_ESC		27
#define CTRL(c)		((c) & 0x1f)

static bool ui_active;

static void ui_atexit(void)
{
	top_ui_end();
}

int top_ui_init(void)
{
	static bool registered;

	if (!newterm(NULL, stdout, stdin))
		return -1;
	ui_active = true;
	if (!registered) {
		atexit(ui_atexit);
		registered = true;
	}
	cbreak();		/* Ctrl-C stays a signal */
	noecho();
	nonl();
	keypad(stdscr, TRUE);
	curs_set(0);
	set_escdelay(25);
	if (has_colors()) {
		start_color();
		use_default_colors();
		init_pair(1, COLOR_CYAN, -1);
		init_pair(2, COLOR_RED, -1);
		init_pair(3, COLOR_YELLOW, -1);
	}
	return 0;
}

void top_ui_end(void)
{
	if (!ui_active)
		return;
	ui_active = false;
	curs_set(1);
	endwin();
	fflush(stdout);
}

/* ------------------------------------------------------------------ drawing */

static void line_printf(int y, attr_t attr, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

static void line_printf(int y, attr_t attr, const char *fmt, ...)
{
	char buf[1024];
	va_list ap;

	if (y >= LINES)
		return;
	va_start(ap, fmt);
	vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	move(y, 0);
	clrtoeol();
	attron(attr);
	addnstr(buf, COLS);
	attroff(attr);
}

static void draw_header(struct top_app *a)
{
	struct top_totals t;
	char s[6][16];

	top_totals(a->rows, a->nrows, &t);
	line_printf(0, A_BOLD, "dmremap-top %s - %s - every %.1fs - %d device%s - %s%s",
		    DMREMAP_VERSION, a->timestr, a->interval_s, t.devices,
		    t.devices == 1 ? "" : "s", a->attach_mode ? a->attach_mode : "?",
		    a->paused ? " - PAUSED" : "");
	line_printf(1, 0, "Total: %s r/s, %s w/s, %s rMB/s, %s wMB/s, %s remap io/s, %s err/s | "
		    "remapped %llu, pending %llu, errors %llu, read-only %d",
		    top_fmt_rate(t.r_s, s[0], 16), top_fmt_rate(t.w_s, s[1], 16),
		    top_fmt_rate(t.rmb_s, s[2], 16), top_fmt_rate(t.wmb_s, s[3], 16),
		    top_fmt_rate(t.remap_s, s[4], 16), top_fmt_rate(t.err_s, s[5], 16),
		    (unsigned long long)t.remapped, (unsigned long long)t.pending,
		    (unsigned long long)t.errors, t.read_only);
	if (a->prompt) {
		line_printf(2, A_BOLD, "Filter: %s", a->prompt_buf);
		curs_set(1);
		move(2, 8 + (int)strlen(a->prompt_buf) < COLS ? 8 + (int)strlen(a->prompt_buf) : COLS - 1);
		return;
	}
	curs_set(0);
	if (a->message[0])
		line_printf(2, has_colors() ? COLOR_PAIR(2) : A_BOLD, "%s", a->message);
	else
		line_printf(2, 0, "sort: %s %s%s%s%s  (h help, q quit)",
			    top_cols[a->sort_col].title, a->sort_desc ? "desc" : "asc",
			    a->filter[0] ? "  filter: " : "", a->filter,
			    a->nr_devs ? "  (DEVICE arguments)" : "");
}

static void draw_list(struct top_app *a)
{
	int namew = top_name_width(a->rows, a->nrows, 32);
	int y0 = 4, avail = LINES - y0;
	char line[1024], cell[DMR_DM_NAME_LEN + 8];
	int pos = 0;

	draw_header(a);
	/* column header */
	for (int c = 0; c < TOP_COL_NR && pos < (int)sizeof(line) - 40; c++) {
		if (c == TOP_COL_NAME)
			pos += snprintf(line + pos, sizeof(line) - (size_t)pos, "%-*s", namew,
					top_cols[c].title);
		else
			pos += snprintf(line + pos, sizeof(line) - (size_t)pos, " %*s",
					top_cols[c].width, top_cols[c].title);
	}
	move(3, 0);
	clrtoeol();
	attron(A_REVERSE);
	addnstr(line, COLS);
	for (int x = pos; x < COLS; x++)
		addch(' ');
	attroff(A_REVERSE);

	if (!a->nrows) {
		const char *why = "no dm-remap devices";

		if (a->filter[0])
			why = "no device matches the filter ('/' to change it)";
		else if (a->nr_devs)
			why = "no dm-remap device matches the DEVICE arguments";
		for (int y = y0; y < LINES; y++) {
			move(y, 0);
			clrtoeol();
		}
		line_printf(y0 + 1, A_DIM, "  %s", why);
		return;
	}
	if (avail < 1)
		return;
	if (a->sel < a->first)
		a->first = a->sel;
	if (a->sel >= a->first + avail)
		a->first = a->sel - avail + 1;
	if (a->first > a->nrows - avail)
		a->first = a->nrows - avail > 0 ? a->nrows - avail : 0;
	for (int y = y0; y < LINES; y++) {
		int i = a->first + y - y0;
		attr_t attr = 0;

		move(y, 0);
		clrtoeol();
		if (i >= a->nrows)
			continue;
		pos = 0;
		for (int c = 0; c < TOP_COL_NR && pos < (int)sizeof(line) - 80; c++) {
			top_cell(&a->rows[i], (enum top_col)c, cell, sizeof(cell));
			if (c == TOP_COL_NAME)
				pos += snprintf(line + pos, sizeof(line) - (size_t)pos, "%-*.*s",
						namew, namew, cell);
			else
				pos += snprintf(line + pos, sizeof(line) - (size_t)pos, " %*s",
						top_cols[c].width, cell);
		}
		if (a->rows[i].mode == DMR_MODE_RO || a->rows[i].pending || a->rows[i].err_s > 0)
			attr = has_colors() ? COLOR_PAIR(3) : A_BOLD;
		if (i == a->sel)
			attr |= A_REVERSE;
		attron(attr);
		addnstr(line, COLS);
		if (i == a->sel)
			for (int x = pos; x < COLS; x++)
				addch(' ');
		attroff(attr);
	}
}

static void event_text(const struct top_app *a, const struct dmr_event *e, char *buf, size_t len)
{
	uint64_t real = e->ts_ns + a->mono_to_real_ns;
	time_t secs = (time_t)(real / 1000000000ULL);
	struct tm tm;
	char ts[16];
	int n;

	localtime_r(&secs, &tm);
	strftime(ts, sizeof(ts), "%H:%M:%S", &tm);
	n = snprintf(buf, len, "%s.%03llu %-10s ", ts,
		     (unsigned long long)(real % 1000000000ULL / 1000000ULL), dmr_event_name(e->type));
	if (n < 0 || (size_t)n >= len)
		return;
	buf += n;
	len -= (size_t)n;
	switch (e->type) {
	case DMR_EV_IO_ERROR:
		snprintf(buf, len, "%s %s sector=%llu nr_sectors=%u error=%d",
			 dmr_target_name(e->io_error.target), dmr_op_name(e->io_error.op),
			 (unsigned long long)e->io_error.sector, e->io_error.nr_sectors,
			 e->io_error.error);
		break;
	case DMR_EV_PENDING:
		snprintf(buf, len, "block=%llu", (unsigned long long)e->pending.block);
		break;
	case DMR_EV_REMAP:
		snprintf(buf, len, "block=%llu spare_block=%llu reason=%s",
			 (unsigned long long)e->remap.block,
			 (unsigned long long)e->remap.spare_block, dmr_reason_name(e->remap.reason));
		break;
	case DMR_EV_LOST:
		snprintf(buf, len, "block=%llu nr_sectors=%u", (unsigned long long)e->lost.block,
			 e->lost.nr_sectors);
		break;
	case DMR_EV_MD_COMMIT:
		snprintf(buf, len, "seq=%llu entries=%u latency=%.3fms error=%d",
			 (unsigned long long)e->md_commit.seq, e->md_commit.entries,
			 (double)e->md_commit.latency_ns / 1e6, e->md_commit.error);
		break;
	case DMR_EV_TEARDOWN:
		snprintf(buf, len, "phase=%s stage=%s inflight=%u",
			 dmr_phase_name(e->teardown.phase), dmr_stage_name(e->teardown.stage),
			 e->teardown.inflight);
		break;
	default:
		buf[0] = '\0';
		break;
	}
}

static void draw_detail(struct top_app *a)
{
	const struct top_row *r = NULL;
	struct top_track *t;
	uint64_t main_h[TOP_SLOTS] = { 0 }, spare_h[TOP_SLOTS] = { 0 }, all[TOP_SLOTS];
	unsigned int used, lo = TOP_SLOTS;
	uint64_t max = 0;
	char s[8][24];
	int y;

	for (int i = 0; i < a->nrows; i++)
		if (!strcmp(a->rows[i].name, a->selected))
			r = &a->rows[i];
	t = r ? top_track_find(a, r->kdev, false) : NULL;
	if (!r || !t) {
		a->screen = TOP_SCREEN_LIST;
		snprintf(a->message, sizeof(a->message), "device %.200s is gone", a->selected);
		draw_list(a);
		return;
	}
	erase();
	draw_header(a);
	{
		char title[DMR_DM_NAME_LEN + 64];

		snprintf(title, sizeof(title), "Device %s (dm-%u, %u:%u)  -  Esc/Enter: back",
			 r->name, DM_REMAP_DEV_MINOR(r->kdev), DM_REMAP_DEV_MAJOR(r->kdev),
			 DM_REMAP_DEV_MINOR(r->kdev));
		line_printf(3, A_REVERSE | A_BOLD, "%-*s", COLS > 0 ? COLS : 1, title);
	}
	line_printf(4, 0, "mode %s, main %s, block size %llu, remapped %llu, spare %llu/%llu used (%s%%), "
		    "pending %llu, lost sectors %llu, errors read %llu write %llu",
		    top_mode_name(r->mode), top_main_name(r), (unsigned long long)r->block_size,
		    (unsigned long long)r->remapped,
		    (unsigned long long)(r->spare_total - r->spare_free),
		    (unsigned long long)r->spare_total, top_fmt_pct(r->spare_used_pct, s[0], 24),
		    (unsigned long long)r->pending, (unsigned long long)r->lost_sectors,
		    (unsigned long long)r->read_errors, (unsigned long long)r->write_errors);
	line_printf(5, 0, "last %.1fs: %s r/s, %s w/s, %s rMB/s, %s wMB/s, %s remap io/s, "
		    "%s err/s, p50 %s, p99 %s",
		    r->interval_s, top_fmt_rate(r->r_s, s[0], 24), top_fmt_rate(r->w_s, s[1], 24),
		    top_fmt_rate(r->rmb_s, s[2], 24), top_fmt_rate(r->wmb_s, s[3], 24),
		    top_fmt_rate(r->remap_s, s[4], 24), top_fmt_rate(r->err_s, s[5], 24),
		    top_fmt_lat(r->p50_ns, s[6], 24), top_fmt_lat(r->p99_ns, s[7], 24));

	/* reads and writes since dmremap-top started, by path */
	for (int op = DM_REMAP_OP_READ; op <= DM_REMAP_OP_WRITE; op++)
		for (int i = 0; i < TOP_SLOTS; i++) {
			main_h[i] += t->sum.lat[op][DM_REMAP_PATH_MAIN][i];
			spare_h[i] += t->sum.lat[op][DM_REMAP_PATH_SPARE][i];
		}
	for (int i = 0; i < TOP_SLOTS; i++) {
		all[i] = main_h[i] + spare_h[i];
		if (all[i] && lo == TOP_SLOTS)
			lo = (unsigned int)i;
		if (all[i] > max)
			max = all[i];
	}
	used = dmr_hist_used(all, TOP_SLOTS);
	y = 7;
	line_printf(y++, A_BOLD, "Read+write latency since start: p50 %s, p99 %s",
		    top_fmt_lat(top_quantile(all, TOP_SLOTS, 0.5), s[0], 24),
		    top_fmt_lat(top_quantile(all, TOP_SLOTS, 0.99), s[1], 24));
	if (!used) {
		line_printf(y++, A_DIM, "  no I/O completed yet");
	} else {
		int barw = COLS - 48;

		if (barw > 40)
			barw = 40;
		line_printf(y++, A_UNDERLINE, "%21s %10s %10s  %s", "latency", "main", "spare",
			    "distribution");
		/* at most half the remaining screen for the histogram */
		if ((int)(used - lo) > (LINES - y) / 2 && (LINES - y) / 2 > 0)
			lo = used - (unsigned int)((LINES - y) / 2);
		for (unsigned int i = lo; i < used && y < LINES; i++) {
			char from[16], to[16], bar[64];
			int stars = max && barw > 0 ? (int)((all[i] * (uint64_t)barw + max - 1) / max) : 0;

			if (stars > (int)sizeof(bar) - 1)
				stars = (int)sizeof(bar) - 1;
			memset(bar, '*', (size_t)stars);
			bar[stars] = '\0';
			line_printf(y++, 0, "%9s -> %-9s %10llu %10llu  |%s",
				    top_fmt_lat((double)dmr_hist_slot_low(i), from, 16),
				    top_fmt_lat((double)dmr_hist_slot_low(i + 1), to, 16),
				    (unsigned long long)main_h[i], (unsigned long long)spare_h[i], bar);
		}
	}
	y++;
	line_printf(y++, A_BOLD, "Last events (%d):", t->ev_n);
	if (!t->ev_n)
		line_printf(y++, A_DIM, "  none since dmremap-top started");
	/* the newest that fit, oldest first */
	{
		int room = LINES - y, n = t->ev_n < room ? t->ev_n : room;

		for (int k = t->ev_n - n; k < t->ev_n && y < LINES; k++) {
			char buf[256];

			event_text(a, &t->ev[(t->ev_head + k) % TOP_EVENTS], buf, sizeof(buf));
			line_printf(y++, 0, "  %s", buf);
		}
	}
}

static void draw_help(struct top_app *a)
{
	static const char *const text[] = {
		"dmremap-top: live I/O, latency and remap state of dm-remap devices",
		"",
		"  q            quit                     h, ?      this help (any key: back)",
		"  space        pause / resume           + -       longer / shorter interval",
		"  Up/Down j/k  select a device          Enter     its detail (histogram, events)",
		"  /            filter by name (Enter applies, empty clears, Esc cancels)",
		"  < >          sort by the previous / next column   I  invert the order",
		"  Ctrl-L       redraw",
		"",
		"Sort keys (again: reverse):",
	};
	int y = 0;

	erase();
	for (size_t i = 0; i < sizeof(text) / sizeof(text[0]); i++)
		line_printf(y++, i == 0 ? A_BOLD : 0, "%s", text[i]);
	for (int c = 0; c < TOP_COL_NR; c += 2) {
		if (c + 1 < TOP_COL_NR)
			line_printf(y++, 0, "  %c  %-10s %c  %s", top_cols[c].key, top_cols[c].title,
				    top_cols[c + 1].key, top_cols[c + 1].title);
		else
			line_printf(y++, 0, "  %c  %s", top_cols[c].key, top_cols[c].title);
	}
	y++;
	line_printf(y++, 0, "Rates are per second over the interval; P50/P99 are read+write latency");
	line_printf(y++, 0, "percentiles interpolated inside log2 buckets; REMAPPED, SPARE%%, PEND,");
	line_printf(y++, 0, "ERRORS and MODE come from the target's status.  Interval %.1fs.",
		    a->interval_s);
}

void top_ui_draw(struct top_app *a)
{
	if (!ui_active)
		return;
	switch (a->screen) {
	case TOP_SCREEN_LIST:
		draw_list(a);
		break;
	case TOP_SCREEN_DETAIL:
		draw_detail(a);
		break;
	case TOP_SCREEN_HELP:
		draw_help(a);
		break;
	}
	if (!a->prompt)
		move(LINES - 1, 0);
	refresh();
}

/* ------------------------------------------------------------------ input */

static double step_interval(double s, int dir)
{
	if (dir > 0)
		s = s < 1 ? s * 2 : s + 1;
	else
		s = s > 1 ? s - 1 : s / 2;
	if (s < 0.1)
		s = 0.1;
	if (s > 3600)
		s = 3600;
	if (s > 0.99 && s < 1.01)
		s = 1;
	return s;
}

static void sort_by(struct top_app *a, int col)
{
	if ((int)a->sort_col == col) {
		a->sort_desc = !a->sort_desc;
	} else {
		a->sort_col = (enum top_col)col;
		a->sort_desc = top_cols[col].descending;
	}
	top_app_rows(a);
}

static bool is_enter(int ch)
{
	return ch == '\n' || ch == '\r' || ch == KEY_ENTER;
}

static bool is_backspace(int ch)
{
	return ch == KEY_BACKSPACE || ch == 127 || ch == 8;
}

static int prompt_key(struct top_app *a, int ch)
{
	size_t l = strlen(a->prompt_buf);

	if (is_enter(ch)) {
		snprintf(a->filter, sizeof(a->filter), "%s", a->prompt_buf);
		a->prompt = false;
		a->sel = 0;
		a->first = 0;
		top_app_rows(a);
	} else if (ch == KEY_ESC) {
		a->prompt = false;
	} else if (is_backspace(ch)) {
		if (l)
			a->prompt_buf[l - 1] = '\0';
	} else if (ch == CTRL('u')) {
		a->prompt_buf[0] = '\0';
	} else if (ch >= 0x20 && ch < 0x7f && l + 1 < sizeof(a->prompt_buf)) {
		a->prompt_buf[l] = (char)ch;
		a->prompt_buf[l + 1] = '\0';
	}
	return 0;
}

/* arrows, pages, home, end: move the selection; false for any other key */
static bool move_key(struct top_app *a, int ch)
{
	switch (ch) {
	case KEY_UP:
	case 'k':
		if (a->sel > 0)
			a->sel--;
		return true;
	case KEY_DOWN:
	case 'j':
		if (a->sel + 1 < a->nrows)
			a->sel++;
		return true;
	case KEY_PPAGE:
		a->sel = a->sel > LINES - 5 ? a->sel - (LINES - 5) : 0;
		return true;
	case KEY_NPAGE:
		a->sel += LINES - 5;
		if (a->sel >= a->nrows)
			a->sel = a->nrows ? a->nrows - 1 : 0;
		return true;
	case KEY_HOME:
		a->sel = 0;
		return true;
	case KEY_END:
		a->sel = a->nrows ? a->nrows - 1 : 0;
		return true;
	}
	return false;
}

/* the filter prompt, the sort order; anything else is unknown */
static void list_command_key(struct top_app *a, int ch)
{
	int col;

	switch (ch) {
	case '/':
		a->prompt = true;
		snprintf(a->prompt_buf, sizeof(a->prompt_buf), "%s", a->filter);
		break;
	case '<':
		sort_by(a, a->sort_col == 0 ? TOP_COL_NR - 1 : (int)a->sort_col - 1);
		break;
	case '>':
		sort_by(a, ((int)a->sort_col + 1) % TOP_COL_NR);
		break;
	case 'I':
		a->sort_desc = !a->sort_desc;
		top_app_rows(a);
		break;
	default:
		col = top_col_by_key(ch);
		if (col >= 0)
			sort_by(a, col);
		else
			snprintf(a->message, sizeof(a->message), "unknown key (h for help)");
		break;
	}
}

/* the list screen: open a device, or move, filter, sort */
static void list_key(struct top_app *a, int ch)
{
	if (is_enter(ch) || ch == KEY_RIGHT) {
		if (a->nrows)
			a->screen = TOP_SCREEN_DETAIL;
		return;
	}
	if (!move_key(a, ch))
		list_command_key(a, ch);
	/* the selection follows the device, not the row, when rows re-sort */
	if (a->nrows && a->sel < a->nrows)
		snprintf(a->selected, sizeof(a->selected), "%s", a->rows[a->sel].name);
}

/* ESC or left: back from the detail screen, else clear the filter */
static void back_key(struct top_app *a)
{
	if (a->screen == TOP_SCREEN_DETAIL) {
		a->screen = TOP_SCREEN_LIST;
	} else if (a->filter[0]) {
		a->filter[0] = '\0';
		top_app_rows(a);
	}
}

/*
 * A key on the list or detail screen: the keys of both, then those of
 * the screen.  Returns 1 when the caller should sample now.
 */
static int screen_key(struct top_app *a, int ch)
{
	switch (ch) {
	case 'q':
	case 'Q':
		a->quit = true;
		return 0;
	case 'h':
	case '?':
	case KEY_F(1):
		a->screen = TOP_SCREEN_HELP;
		return 0;
	case ' ':
		a->paused = !a->paused;
		return !a->paused;
	case '+':
	case '=':
		a->interval_s = step_interval(a->interval_s, 1);
		return 1;
	case '-':
	case '_':
		a->interval_s = step_interval(a->interval_s, -1);
		return 1;
	case KEY_ESC:
	case KEY_LEFT:
		back_key(a);
		return 0;
	}
	if (a->screen != TOP_SCREEN_DETAIL)
		list_key(a, ch);
	else if (is_enter(ch) || is_backspace(ch))
		a->screen = TOP_SCREEN_LIST;
	return 0;
}

int top_ui_input(struct top_app *a, int timeout_ms)
{
	int ch, ret = 0;

	timeout(timeout_ms);
	ch = getch();
	if (ch == ERR)
		return 0;
	if (ch == KEY_RESIZE || ch == CTRL('l')) {
		clearok(curscr, TRUE);
	} else if (a->prompt) {
		prompt_key(a, ch);
	} else {
		a->message[0] = '\0';
		/* any key leaves the help screen */
		if (a->screen == TOP_SCREEN_HELP)
			a->screen = TOP_SCREEN_LIST;
		else
			ret = screen_key(a, ch);
		if (a->quit)
			return 0;
	}
	top_ui_draw(a);
	return ret;
}
