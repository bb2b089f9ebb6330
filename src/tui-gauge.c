/*
 * tui-gauge.c - a listener's accept queue against its backlog:
 * "▮▮▯▯▯ 2/5", "[##---] 2/5" without UTF-8, "██ ██ ░░ ░░ ░░ 2/5" on a
 * large screen.  Linux lets the queue hold backlog + 1: that last slot
 * is drawn past the backlog in the blocked colour.  A backlog too large
 * to draw slot by slot is scaled, and the numbers say so.
 */
#include <curses.h>
#include <stdio.h>

#include "tui.h"

#define TUI_GAUGE_SLOTS		16	/* most slots drawn one by one */
#define TUI_GAUGE_BIG_SLOTS	12

int
tui_draw_gauge(struct tui *t, int y, int x, int w, uint32_t queue,
    uint32_t backlog)
{
	bool big = t->lay.roomy || t->projector, ascii = !t->utf8;
	uint32_t max = big ? TUI_GAUGE_BIG_SLOTS : TUI_GAUGE_SLOTS;
	uint32_t slots = backlog, full = queue, over = 0, i;
	int used = 0, sw;
	char num[48];

	if (queue > backlog) {
		over = 1;
		full = backlog;
	}
	if (slots > max) {	/* scaled: round any queue up to one slot */
		full = (uint32_t)(((uint64_t)full * max + backlog - 1) /
		    backlog);
		slots = max;
	}
	snprintf(num, sizeof num, " %u/%u%s", queue, backlog,
	    backlog > max ? " (scaled)" : "");
	sw = (int)(slots + over) * (big ? 3 : 1) + (ascii ? 2 : 0);
	if (sw + tui_width(num) > w) {
		/* No room for slots: the numbers alone. */
		tui_style(TR_QUEUE);
		used = tui_put(y, x, w, num + 1);
		tui_style(TR_NORMAL);
		return used;
	}
	tui_style(TR_QUEUE);
	if (ascii)
		used += tui_put(y, x + used, 1, "[");
	for (i = 0; i < slots; i++) {
		const char *g = tui_glyph(i < full ?
		    (big ? TG_BIG_FULL : TG_SLOT_FULL) :
		    (big ? TG_BIG_EMPTY : TG_SLOT_EMPTY));

		if (i >= full)
			tui_style(TR_DIM);
		used += tui_put(y, x + used, big ? 2 : 1, g);
		if (big)
			used += tui_put(y, x + used, 1, " ");
	}
	if (over) {
		tui_style(TR_BLOCKED);
		used += tui_put(y, x + used, big ? 2 : 1,
		    tui_glyph(big ? TG_BIG_FULL : TG_SLOT_FULL));
		if (big)
			used += 1;
	}
	tui_style(TR_QUEUE);
	if (ascii)
		used += tui_put(y, x + used, 1, "]");
	used += tui_put(y, x + used, w - used, num);
	tui_style(TR_NORMAL);
	return used;
}
