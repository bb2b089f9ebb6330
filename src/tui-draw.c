/*
 * tui-draw.c - one frame: the title, both sides, the kernel view, the
 * timeline, the narration, the message line and the key bar.  The
 * whole screen is drawn each time; curses sends only what changed.
 */
#include <curses.h>
#include <string.h>

#include "tui.h"

static void
tui_draw_title(struct tui *t, const struct tui_rect *r)
{
	const struct lesson *l = &t->d.s.lesson;
	const char *title = l->title[t->opts->lang] != NULL ?
	    l->title[t->opts->lang] : l->title[LANG_EN];
	char right[96];
	int rw;

	tui_style(TR_TITLE);
	tui_blank(r->y, r->x, r->w);
	if (t->d.s.nsteps > 0 && t->d.guided < t->d.s.nsteps)
		snprintf(right, sizeof right, _(" guided step %zu/%zu  port %u "),
		    t->d.guided + 1, t->d.s.nsteps, t->d.s.port);
	else if (t->d.s.nsteps > 0)
		snprintf(right, sizeof right, _(" guided order done  port %u "),
		    t->d.s.port);
	else
		snprintf(right, sizeof right, _(" port %u "), t->d.s.port);
	rw = tui_width(right);
	tui_putf(r->y, r->x, r->w - rw, " sockstep %s %s: %s", tui_glyph(TG_VLINE),
	    l->name, title != NULL ? title : "");
	tui_put_right(r->y, r->x, r->w, right);
	tui_style(TR_NORMAL);
}

/* The message line: the newest part when it is too long. */
static void
tui_draw_message(struct tui *t, const struct tui_rect *r)
{
	const char *s = sbuf_str(&t->msg);
	int w = r->w - 4;

	if (*s == '\0')
		return;
	while (!t->msg_error && tui_width(s) > w && strchr(s, ';') != NULL)
		s = strchr(s, ';') + 2;
	tui_style(t->msg_error ? TR_ERROR : TR_OK);
	tui_putf(r->y, r->x + 1, r->w - 2, "%s %s", tui_glyph(TG_MARK), s);
	tui_style(TR_NORMAL);
}

void
tui_draw(struct tui *t)
{
	struct tui_layout *l = &t->lay;
	struct side *server, *client;

	tui_layout_compute(l, LINES, COLS);
	erase();
	if (l->too_small) {
		tui_draw_too_small(l);
		refresh();
		return;
	}
	tui_draw_title(t, &l->title);
	if ((server = session_side(&t->d.s, 0)) != NULL)
		tui_draw_side(t, server, &l->side[0]);
	else
		tui_put(l->side[0].y, 1, l->side[0].w - 2,
		    "(this lesson has no server)");
	if ((client = session_side(&t->d.s, t->client)) != NULL)
		tui_draw_side(t, client, &l->side[1]);
	else {
		tui_style(TR_DIM);
		tui_put(l->side[1].y, l->side[1].x + 1, l->side[1].w - 2,
		    _("(no client in this run)"));
	}
	tui_style(TR_DIM);
	mvvline(l->side[0].y, l->sep_x, ACS_VLINE, l->side[0].h);
	if (l->roomy)
		mvvline(l->kernel.y + 1, l->timeline.x - 1, ACS_VLINE,
		    l->kernel.h - 1);
	tui_style(TR_NORMAL);
	tui_draw_kernel(t, &l->kernel);
	tui_draw_timeline(t, &l->timeline);
	tui_draw_narration(t, &l->narration);
	tui_draw_message(t, &l->message);
	tui_draw_keys(t, &l->keys);
	tui_draw_input(t);
	tui_draw_quiz(t);
	tui_draw_menu(t);
	if (t->help)
		tui_draw_help(t);
	refresh();
}
