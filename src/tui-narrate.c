/*
 * tui-narrate.c - the narration: right after a step, the lesson's words
 * on what that call did ("The kernel finished the handshake without the
 * server's help..."); otherwise one sentence per side on its pending
 * call, the lesson's if it has one, else the built-in explanation of
 * the call; before the first step, the lesson's goal.
 */
#include <curses.h>
#include <string.h>

#include "tui.h"

static const char *
tui_lesson_words(struct tui *t, const char *side, const char *call,
    bool after)
{
	return lesson_narration_text(&t->d.s.lesson, side, call, after,
	    t->opts->lang);
}

/* "server ▶ " then text wrapped in the rows left; returns rows used. */
static int
tui_narrate(int y, int x, int w, int h, const char *who, enum tui_role role,
    const char *text)
{
	int used, rows;

	if (h <= 0)
		return 0;
	tui_style(TR_HEADER);
	used = tui_putf(y, x, w, "%s %s ", who, tui_glyph(TG_MARK));
	tui_style(role);
	rows = tui_put_wrapped(y, x + used, w - used, h, text);
	tui_style(TR_NORMAL);
	return rows > 0 ? rows : 1;
}

/* What a side is about to do, or why it cannot. */
static int
tui_narrate_side(struct tui *t, struct side *side, int y, int x, int w,
    int h)
{
	struct sbuf b;
	const char *words;
	enum tui_role role = TR_NORMAL;
	int rows;

	if (side == NULL || h <= 0)
		return 0;
	sbuf_init(&b);
	switch (side->state) {
	case SIDE_BEFORE_CALL:
		words = tui_lesson_words(t, side->name, side->call.desc->name,
		    false);
		if (words != NULL)	/* the lesson's own sentence */
			sbuf_add(&b, words);
		else
			sbuf_addf(&b, "%s(): %s", side->call.desc->name,
			    tui_explain(t, &side->call));
		break;
	case SIDE_BLOCKED:
		sbuf_addf(&b, _("BLOCKED in %s(), %s: %s"), side->call.desc->name,
		    tui_waiting_for(side), tui_wake_hint(side));
		role = TR_BLOCKED;
		break;
	case SIDE_EXITED:
	case SIDE_KILLED:
		wait_status_format(&b, side->wait_status);
		sbuf_add(&b, _(": the kernel closed whatever it left open"));
		break;
	default:
		if (side->state == SIDE_RUNNING && side->awaiting_input) {
			sbuf_add(&b, _("waiting for input: it reads its "
			    "terminal; press i (I for the server), type a "
			    "line, Enter"));
			role = TR_PENDING;
		} else
			sbuf_add(&b, _("running between socket calls"));
		break;
	}
	rows = tui_narrate(y, x, w, h, side->name, role, sbuf_str(&b));
	sbuf_finish(&b);
	return rows;
}

/* The lesson's words on the step just taken; rows used (0: none). */
static int
tui_narrate_after(struct tui *t, int y, int x, int w, int h)
{
	struct side *fresh[SOCKSTEP_MAX_CLIENTS + 1];
	size_t i, n = 0;
	int rows = 0, share;

	for (i = 0; i < lab_nsides(t->d.s.lab); i++) {
		struct side *side = lab_side(t->d.s.lab, i);
		const struct tui_sideview *sv = &t->sv[side->index];

		if (t->action > 0 && sv->after != NULL &&
		    sv->after_action == t->action)
			fresh[n++] = side;
	}
	for (i = 0; i < n && rows < h; i++) {
		share = (h - rows) / (int)(n - i);
		rows += tui_narrate(y + rows, x, w, share > 0 ? share : 1,
		    fresh[i]->name, TR_CHANGED, t->sv[fresh[i]->index].after);
	}
	return rows;
}

void
tui_draw_narration(struct tui *t, const struct tui_rect *r)
{
	const struct lesson *l = &t->d.s.lesson;
	const char *goal = l->goal[t->opts->lang] != NULL ?
	    l->goal[t->opts->lang] : l->goal[LANG_EN];
	int y = r->y, end = r->y + r->h, x = r->x + 1, w = r->w - 2, left;
	struct side *client = session_side(&t->d.s, t->client);

	if (tui_narrate_after(t, y, x, w, r->h) > 0)
		return;
	if (!t->stepped && goal != NULL)
		y += tui_narrate(y, x, w, r->h - 1, _("Goal"), TR_NORMAL, goal);
	/* The server first; the client keeps a row if there are two. */
	left = client != NULL && end - y >= 2 ? end - y - 1 : end - y;
	y += tui_narrate_side(t, session_side(&t->d.s, 0), y, x, w, left);
	tui_narrate_side(t, client, y, x, w, end - y);
}
