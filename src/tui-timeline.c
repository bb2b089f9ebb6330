/*
 * tui-timeline.c - both sides' calls in the order they happened, as a
 * two-column sequence diagram: the server's calls left of its lifeline,
 * the clients' right of theirs, and between the lifelines the
 * connection (handshake) and the bytes and FINs as arrows.
 *
 *        listen(3, 5) = 0 │                │
 *                         │◀── handshake ─▶│ connect(3, 127.0.0.1:9190) = 0
 *           accept(3) = 4 │                │
 *  write(4, "Hello") = 5  │──── 5 B ──────▶│
 *
 * With the segments captured (tui-wire.c), the lane between the
 * lifelines is the wire: each segment as it was, not what a call implies.
 */
#include <curses.h>
#include <string.h>

#include "tui.h"

void
tui_timeline_add(struct tui *t, const struct tui_row *row)
{
	if (t->rows == NULL)
		t->rows = xcalloc(TUI_ROWS_MAX, sizeof *t->rows);
	t->rows[t->nrows % TUI_ROWS_MAX] = *row;
	t->nrows++;
	if (t->scroll > 0)
		t->scroll++;	/* a reader scrolled back stays where he is */
}

static void
tui_draw_arrow(int y, int x, int w, const struct tui_row *row)
{
	const char *line = tui_glyph(TG_LINE);
	int lw = tui_width(row->label), i, start;

	tui_style(row->arrow_role);
	for (i = 0; i < w; i++)
		tui_put(y, x + i, 1, line);
	if (row->arrow == TA_TO_SERVER || row->arrow == TA_BOTH)
		tui_put(y, x, 1, tui_glyph(TG_HEAD_L));
	if (row->arrow == TA_TO_CLIENT || row->arrow == TA_BOTH)
		tui_put(y, x + w - 1, 1, tui_glyph(TG_HEAD_R));
	if (lw > 0 && lw + 2 <= w - 2) {
		start = x + (w - lw - 2) / 2;
		tui_put(y, start, 1, " ");
		tui_put(y, start + 1, lw, row->label);
		tui_put(y, start + 1 + lw, 1, " ");
	}
	tui_style(TR_NORMAL);
}

static void
tui_draw_row(struct tui *t, int y, int x, int w, int mid,
    const struct tui_row *row)
{
	int lw = (w - mid - 2) / 2;
	int lx = x, l1 = x + lw, mx = l1 + 1, l2 = mx + mid, rx = l2 + 2;
	int rw = x + w - rx;
	char text[160];

	tui_style(TR_DIM);
	tui_put(y, l1, 1, tui_glyph(TG_VLINE));
	tui_put(y, l2, 1, tui_glyph(TG_VLINE));
	if (row->arrow != TA_NONE)
		tui_draw_arrow(y, mx, mid, row);
	if (row->side == -1) {
		/* sockstep's own notes span the diagram, dimmed. */
		tui_style(TR_DIM);
		tui_blank(y, x, w);
		tui_put(y, x + 1, w - 2, row->text);
		tui_style(TR_NORMAL);
		return;
	}
	tui_style(row->role);
	if (row->side == 0) {
		tui_put_right(y, lx, lw - 1, row->text);
	} else {
		if (t->d.s.nclients > 1)
			snprintf(text, sizeof text, "c%d: %s", row->side,
			    row->text);
		else
			strlcpy(text, row->text, sizeof text);
		tui_put(y, rx, rw, text);
	}
	tui_style(TR_NORMAL);
}

/* An empty wire lane is never a quiet one: the rule says, right of the
 * client's label, why it is empty or how many segments the capture
 * lost (the whole reason is the note at the start). */
static void
tui_wire_title(struct tui *t, int y, int x, int w)
{
	struct lab *lab = t->d.s.lab;
	char more[80];

	if (lab_wire_off(lab) != NULL)
		snprintf(more, sizeof more, " %s ", t->d.s.net.lab ?
		    _("wire: not captured") : _("no wire: --net host"));
	else if (lab_wire_lost(lab) > 0)
		snprintf(more, sizeof more, _(" wire: %llu lost "),
		    (unsigned long long)lab_wire_lost(lab));
	else
		return;
	if (w <= 0)
		return;
	tui_style(TR_ERROR);
	tui_put(y, x, w, more);
	tui_style(TR_NORMAL);
}

void
tui_draw_timeline(struct tui *t, const struct tui_rect *r)
{
	size_t n = t->nrows < TUI_ROWS_MAX ? t->nrows : TUI_ROWS_MAX;
	size_t first, i, shown;
	int h = r->h - 1, mid = t->lay.roomy ? 22 : 14;
	int lw = (r->w - mid - 2) / 2;
	char title[96];

	if (t->scroll > n)
		t->scroll = n;
	if (t->scroll > 0)
		snprintf(title, sizeof title, _("TIMELINE (%zu newer below: "
		    "End)"), t->scroll);
	else
		snprintf(title, sizeof title, "%s", _("TIMELINE"));
	tui_rule(r->y, r->x, r->w, title);
	tui_style(TR_HEADER);
	tui_put_right(r->y, r->x, lw - 1, " server ");
	tui_put(r->y, r->x + lw + mid + 3, 8, " client ");
	/* The lane between the lifelines is the wire, when it is shown. */
	if (lab_wire_off(t->d.s.lab) == NULL)
		tui_put(r->y, r->x + lw + 1 + (mid - 6) / 2, 6, " wire ");
	tui_style(TR_NORMAL);
	tui_wire_title(t, r->y, r->x + lw + mid + 12,
	    r->w - (lw + mid + 12) - 1);
	if (h <= 0)
		return;
	shown = n - t->scroll < (size_t)h ? n - t->scroll : (size_t)h;
	first = t->nrows - t->scroll - shown;
	for (i = 0; i < (size_t)h; i++) {
		struct tui_row empty = { .side = 0, .role = TR_NORMAL };

		if (i < shown)
			tui_draw_row(t, r->y + 1 + (int)i, r->x, r->w, mid,
			    &t->rows[(first + i) % TUI_ROWS_MAX]);
		else
			tui_draw_row(t, r->y + 1 + (int)i, r->x, r->w, mid,
			    &empty);
	}
	if (n == 0) {
		tui_style(TR_DIM);
		tui_put(r->y + 1, r->x + 1, lw - 2, _("(no calls yet)"));
		tui_style(TR_NORMAL);
	}
}
