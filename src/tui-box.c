/*
 * tui-box.c - a framed, cleared rectangle over the screen, for the
 * overlays (the prediction, the lesson menu).
 */
#include <curses.h>

#include "tui.h"

void
tui_box(int y, int x, int h, int w, const char *title)
{
	int row;

	tui_style(TR_NORMAL);
	for (row = 0; row < h; row++)
		tui_blank(y + row, x, w);
	tui_style(TR_HEADER);
	mvhline(y, x + 1, ACS_HLINE, w - 2);
	mvhline(y + h - 1, x + 1, ACS_HLINE, w - 2);
	mvvline(y + 1, x, ACS_VLINE, h - 2);
	mvvline(y + 1, x + w - 1, ACS_VLINE, h - 2);
	mvaddch(y, x, ACS_ULCORNER);
	mvaddch(y, x + w - 1, ACS_URCORNER);
	mvaddch(y + h - 1, x, ACS_LLCORNER);
	mvaddch(y + h - 1, x + w - 1, ACS_LRCORNER);
	if (title != NULL)
		tui_put(y, x + 2, w - 4, title);
	tui_style(TR_NORMAL);
}
