/*
 * tui-layout.c - where each pane goes.  At 80x24 everything is stacked
 * and compact; a large (projected) terminal gets the kernel view and
 * the timeline side by side, and more of every pane.
 *
 *   title
 *   SERVER            | CLIENT           (sides)
 *   KERNEL ....................          (kernel)
 *   TIMELINE ..................          (timeline)
 *   narration
 *   message
 *   keys
 */
#include <string.h>

#include "tui.h"

#define TUI_MIN_ROWS	24
#define TUI_MIN_COLS	80
#define TUI_ROOMY_ROWS	40
#define TUI_ROOMY_COLS	140

static struct tui_rect
rect(int y, int x, int h, int w)
{
	struct tui_rect r = { y, x, h, w };

	return r;
}

void
tui_layout_compute(struct tui_layout *l, int rows, int cols)
{
	int top, avail, sides, rest, nar, kw;

	memset(l, 0, sizeof *l);
	l->rows = rows;
	l->cols = cols;
	l->too_small = rows < TUI_MIN_ROWS || cols < TUI_MIN_COLS;
	if (l->too_small)
		return;
	l->roomy = rows >= TUI_ROOMY_ROWS && cols >= TUI_ROOMY_COLS;
	nar = l->roomy ? 3 : 2;
	l->title = rect(0, 0, 1, cols);
	l->keys = rect(rows - 1, 0, 1, cols);
	l->message = rect(rows - 2, 0, 1, cols);
	l->narration = rect(rows - 2 - nar, 0, nar, cols);
	top = 1;
	avail = l->narration.y - top;
	sides = l->roomy ? avail * 55 / 100 : avail * 47 / 100;
	if (sides < 9)
		sides = 9;
	l->sep_x = cols / 2;
	l->side[0] = rect(top, 0, sides, l->sep_x);
	l->side[1] = rect(top, l->sep_x + 1, sides, cols - l->sep_x - 1);
	rest = avail - sides;
	if (l->roomy) {
		kw = cols * 2 / 5;
		l->kernel = rect(top + sides, 0, rest, kw);
		l->timeline = rect(top + sides, kw + 1, rest, cols - kw - 1);
	} else {
		l->kernel = rect(top + sides, 0, rest / 2, cols);
		l->timeline = rect(top + sides + rest / 2, 0, rest - rest / 2,
		    cols);
	}
}
