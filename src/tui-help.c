/*
 * tui-help.c - the help overlay behind '?' (its key list comes from the
 * key table, tui-keytab.c), and the message for a window too small to
 * draw in.
 */
#include <curses.h>

#include "tui.h"

static const char *const tui_help_intro[] = {
	N_("Step a real TCP server and client one socket call at a time."),
	N_("Each side is paused before its next socket call; a key runs it."),
	"",
	NULL,
};

/* Between the two: the keys, one line per row of the key table. */
static const char *const tui_help_after[] = {
	"",
	N_("KERNEL is read from the kernel after every step (sock_diag,"),
	N_("/proc, getsockname): nothing on this screen is simulated."),
	N_("NEW, was ..., +1: what the last step changed."),
	NULL,
};

static const char *const tui_help_colors[] = {
	N_("Colours (safe for red-green colour blindness): orange = paused"),
	N_("before a call, red = BLOCKED in the kernel, blue = done or"),
	N_("connected, teal = accept queue, purple = changed by the last step."),
	NULL,
};

static const char *const tui_help_mono[] = {
	N_("Bold = paused before a call, reverse = BLOCKED in the kernel,"),
	N_("underline = changed by the last step; the words say it too."),
	NULL,
};

/* Lines of text, translated; returns the row after them. */
static int
tui_help_lines(int row, int x, int w, const char *const *lines, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		tui_put(row++, x, w, *lines[i] != '\0' ? _(lines[i]) : "");
	return row;
}

static size_t
tui_help_count(const char *const *lines)
{
	size_t n = 0;

	while (lines[n] != NULL)
		n++;
	return n;
}

void
tui_draw_help(struct tui *t)
{
	const char *const *colors = t->color ? tui_help_colors : tui_help_mono;
	const char *keys[32];
	size_t nkeys = tui_key_help(keys, sizeof keys / sizeof keys[0]);
	size_t nintro = tui_help_count(tui_help_intro);
	size_t nafter = tui_help_count(tui_help_after);
	int h, w = 70, y, x, i, row;

	h = (int)(nintro + nkeys + nafter + tui_help_count(colors)) + 5;
	if (h > LINES)		/* 80x24 holds it all; less drops colours */
		h = LINES;
	y = (LINES - h) / 2;
	x = (COLS - w) / 2;
	tui_box(y, x, h, w, NULL);
	tui_style(TR_HEADER);
	tui_putf(y, x + 2, w - 4, " %s ", _("sockstep help"));
	tui_style(TR_NORMAL);
	row = tui_help_lines(y + 2, x + 2, w - 4, tui_help_intro, nintro);
	row = tui_help_lines(row, x + 2, w - 4, keys, nkeys);
	row = tui_help_lines(row, x + 2, w - 4, tui_help_after, nafter);
	row++;
	for (i = 0; colors[i] != NULL && row < y + h - 2; i++)
		tui_put(row++, x + 2, w - 4, _(colors[i]));
	tui_style(TR_DIM);
	tui_put(y + h - 2, x + 2, w - 4, _("any key closes this"));
	tui_style(TR_NORMAL);
}

void
tui_draw_too_small(const struct tui_layout *l)
{
	char size[64];
	const char *msg = _("enlarge the window to at least 80x24");
	int y = l->rows / 2 - 1;

	if (y < 0)
		y = 0;
	snprintf(size, sizeof size, _("(it is %dx%d; q quits)"), l->cols,
	    l->rows);
	tui_style(TR_HEADER);
	tui_put(y, l->cols > tui_width(msg) ? (l->cols - tui_width(msg)) / 2 :
	    0, l->cols, msg);
	tui_style(TR_NORMAL);
	if (l->rows > 1)
		tui_put(y + 1, l->cols > tui_width(size) ?
		    (l->cols - tui_width(size)) / 2 : 0, l->cols, size);
}
