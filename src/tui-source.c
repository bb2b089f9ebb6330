/*
 * tui-source.c - the program's source around the line of its pending
 * call, that line highlighted (red while the call is blocked).  The
 * place comes from srcmap at the pause; a program without debug info
 * gets a sentence saying so and the decoded call alone.  Indentation
 * common to the lines shown is dropped so narrow columns keep the code.
 */
#include <curses.h>
#include <stdlib.h>
#include <string.h>

#include "tui.h"

#define TUI_TAB		4
#define TUI_SRC_MAX	512

/* Tabs to spaces; returns the width of the leading blanks (-1: blank). */
static int
tui_expand(char *dst, size_t len, const char *src)
{
	size_t n = 0;
	int lead = -1;

	for (; *src != '\0' && n + TUI_TAB + 1 < len; src++) {
		if (*src == '\t') {
			do
				dst[n++] = ' ';
			while (n % TUI_TAB != 0);
			continue;
		}
		if (lead == -1 && *src != ' ' && *src != '\r' && *src != '\n')
			lead = (int)n;
		if (*src != '\r' && *src != '\n')
			dst[n++] = *src;
	}
	dst[n] = '\0';
	return lead;
}

static void
tui_source_note(int y, int x, int w, int h, const char *text)
{
	tui_style(TR_DIM);
	tui_put_wrapped(y, x, w, h, text);
	tui_style(TR_NORMAL);
}

void
tui_draw_source(struct tui *t, struct side *side, int y, int x, int w, int h)
{
	const struct tui_sideview *sv = &t->sv[side->index];
	const char *const *lines;
	char buf[TUI_SRC_MAX], num[16];
	size_t nlines;
	int first, last, i, trim = TUI_SRC_MAX, nw, lead;
	bool blocked = side->state == SIDE_BLOCKED;
	bool done = side->state == SIDE_EXITED || side->state == SIDE_KILLED;

	if (h <= 0)
		return;
	if (!sv->loc_valid || sv->loc == NULL) {
		tui_source_note(y, x, w, h, _("(the source shows up at the "
		    "first socket call)"));
		return;
	}
	if (!sv->loc->ok) {
		char text[256];

		snprintf(text, sizeof text, _("no source line: %s"), sv->loc->why);
		tui_source_note(y, x, w, h, text);
		return;
	}
	if ((lines = srcmap_source_lines(t->srcmap, sv->loc->file,
	    &nlines)) == NULL || nlines == 0) {
		char text[4400];

		snprintf(text, sizeof text, "%s line %d (%s)",
		    sv->loc->file, sv->loc->line, srcmap_error(t->srcmap));
		tui_source_note(y, x, w, h, text);
		return;
	}
	/* One line before the call for every two after it. */
	first = sv->loc->line - (h - 1) / 3;
	if (first + h - 1 > (int)nlines)
		first = (int)nlines - h + 1;
	if (first < 1)
		first = 1;
	last = first + h - 1;
	if (last > (int)nlines)
		last = (int)nlines;
	for (i = first; i <= last; i++) {
		lead = tui_expand(buf, sizeof buf, lines[i - 1]);
		if (lead >= 0 && lead < trim)
			trim = lead;
	}
	if (trim == TUI_SRC_MAX)
		trim = 0;
	snprintf(num, sizeof num, "%d", last);
	nw = (int)strlen(num);
	for (i = first; i <= last; i++) {
		int row = y + i - first, used;
		bool here = i == sv->loc->line;

		lead = tui_expand(buf, sizeof buf, lines[i - 1]);
		tui_style(here ? (done ? TR_DIM : blocked ? TR_LINE_BLOCKED :
		    TR_LINE) : TR_DIM);
		if (here)
			tui_blank(row, x, w);
		used = tui_putf(row, x, w, "%s%*d ", here ?
		    tui_glyph(TG_MARK) : " ", nw, i);
		if (!here)
			tui_style(TR_NORMAL);
		tui_put(row, x + used, w - used, lead >= 0 ?
		    buf + trim : "");
	}
	tui_style(TR_NORMAL);
}
