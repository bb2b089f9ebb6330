/*
 * tui-input.c - i / I: a one-line editor over the message line, for
 * what to type into a side's terminal.  Enter sends the line (and a
 * newline), Ctrl-D end-of-file, Esc cancels, Backspace takes back one
 * character; text is UTF-8 (curses gives whole characters).  The line
 * is sent as a step (c<TEXT), so the path, --record and b (a replay)
 * take it again.  The editor never waits: a key is a turn of the loop.
 */
#include <curses.h>
#include <stdlib.h>
#include <string.h>

#include "tui.h"

struct tui_input {
	int		 side;			/* its index: 0 server, 1.. */
	char		 text[STEP_TEXT_MAX + 1];
	size_t		 len;
};

/*
 * The lesson's next [input] line for this side, already in the editor:
 * the lesson asks for it (Enter takes it, Backspace changes it).  The
 * lines typed so far say which is next.
 */
static void
tui_input_suggest(struct tui *t, const struct side *side)
{
	const struct lesson *l = &t->d.s.lesson;
	size_t typed = 0, k = 0, i;

	for (i = 0; i < side->nlines; i++)
		typed += side->typed[i];
	for (i = 0; i < l->ninput; i++) {
		if (strcmp(l->input[i].side, side->name) != 0 &&
		    (strcmp(l->input[i].side, "client") != 0 ||
		    side->is_server))
			continue;
		if (k++ == typed) {
			strlcpy(t->input->text, l->input[i].text,
			    sizeof t->input->text);
			t->input->len = strlen(t->input->text);
			return;
		}
	}
}

void
tui_input_open(struct tui *t, int index)
{
	struct side *side = session_side(&t->d.s, index);

	if (side == NULL) {
		tui_message(t, true, "%s", index == 0 ?
		    _("this lesson has no server") :
		    _("this lesson has no such client"));
		return;
	}
	if (side->state == SIDE_EXITED || side->state == SIDE_KILLED) {
		tui_message(t, true, _("%s has ended: there is no one to type "
		    "to (r restarts)"), side->name);
		return;
	}
	if (t->input == NULL)
		t->input = xcalloc(1, sizeof *t->input);
	memset(t->input, 0, sizeof *t->input);
	t->input->side = index;
	tui_input_suggest(t, side);
	sbuf_reset(&t->msg);
}

void
tui_input_close(struct tui *t)
{
	free(t->input);
	t->input = NULL;
	t->dirty = true;
}

/* One code point as UTF-8; false when the line is full. */
static bool
tui_input_add(struct tui_input *in, unsigned cp)
{
	char u[4];
	size_t n;

	if (cp < 0x80) {
		u[0] = (char)cp;
		n = 1;
	} else if (cp < 0x800) {
		u[0] = (char)(0xc0 | cp >> 6);
		u[1] = (char)(0x80 | (cp & 0x3f));
		n = 2;
	} else if (cp < 0x10000) {
		u[0] = (char)(0xe0 | cp >> 12);
		u[1] = (char)(0x80 | (cp >> 6 & 0x3f));
		u[2] = (char)(0x80 | (cp & 0x3f));
		n = 3;
	} else {
		u[0] = (char)(0xf0 | cp >> 18);
		u[1] = (char)(0x80 | (cp >> 12 & 0x3f));
		u[2] = (char)(0x80 | (cp >> 6 & 0x3f));
		u[3] = (char)(0x80 | (cp & 0x3f));
		n = 4;
	}
	if (in->len + n > STEP_TEXT_MAX)
		return false;
	memcpy(in->text + in->len, u, n);
	in->len += n;
	in->text[in->len] = '\0';
	return true;
}

/* Enter or Ctrl-D: the line (or end-of-file) as a step. */
static void
tui_input_send(struct tui *t, bool eof)
{
	struct step st;
	int side = t->input->side;

	if (step_make_type(&st, side, eof ? NULL : t->input->text) == -1)
		return;
	char err[256];

	if (drive_busy(&t->d)) {
		tui_message(t, true, "%s", _("a step is still under way: "
		    "k/K ends a side, q quits"));
		return;
	}
	t->trying_guided = false;
	/* Refused (the side gone): said, and the line stays. */
	if (drive_step(&t->d, &st, err, sizeof err) == -1)
		tui_message(t, true, "%s", err);
	else
		tui_input_close(t);
}

/* The editor sees every key while it is open; true: it took it. */
bool
tui_input_key(struct tui *t, int key, bool is_code)
{
	struct tui_input *in = t->input;

	if (in == NULL)
		return false;
	t->dirty = true;
	if (is_code) {
		if (key == KEY_ENTER)
			tui_input_send(t, false);
		else if (key == KEY_BACKSPACE)
			goto erase;
		return true;	/* other function keys: nothing */
	}
	switch (key) {
	case 27:	/* Esc */
		tui_input_close(t);
		tui_message(t, false, "%s", _("nothing typed"));
		return true;
	case '\n':
	case '\r':
		tui_input_send(t, false);
		return true;
	case 4:		/* Ctrl-D */
		tui_input_send(t, true);
		return true;
	case 8:
	case 127:
		goto erase;
	default:
		break;
	}
	if (key < 0x20 || key == 0x7f || (key >= 0x80 && key < 0xa0))
		return true;	/* a control character: not typed */
	if (!tui_input_add(in, (unsigned)key))
		tui_message(t, true, _("a typed line is at most %d bytes"),
		    STEP_TEXT_MAX);
	return true;
erase:
	/* One character back: the bytes up to its lead byte. */
	while (in->len > 0 &&
	    ((unsigned char)in->text[--in->len] & 0xc0) == 0x80)
		;
	in->text[in->len] = '\0';
	return true;
}

/* Over the message line: "type into client> hello▏  Enter sends ...". */
void
tui_draw_input(struct tui *t)
{
	const struct tui_rect *r = &t->lay.message;
	struct side *side;
	const char *shown, *hint;
	char prompt[64];
	int used, hw, w;

	if (t->input == NULL ||
	    (side = session_side(&t->d.s, t->input->side)) == NULL)
		return;
	hint = _("Enter sends, Ctrl-D end of file, Esc cancels");
	snprintf(prompt, sizeof prompt, _("type into %s> "), side->name);
	tui_blank(r->y, r->x, r->w);
	tui_style(TR_KEY);
	used = tui_put(r->y, r->x + 1, r->w - 2, prompt);
	tui_style(TR_NORMAL);
	hw = tui_width(hint) + 2;
	w = r->w - 2 - used - 1;
	if (w - hw >= 10)
		w -= hw;
	else
		hw = 0;
	/* The end of a long line, where the typing is. */
	shown = t->input->text;
	while (*shown != '\0' && tui_width(shown) > w - 1) {
		shown++;
		while (((unsigned char)*shown & 0xc0) == 0x80)
			shown++;
	}
	used += tui_put(r->y, r->x + 1 + used, w, shown);
	tui_style(TR_KEY);
	tui_put(r->y, r->x + 1 + used, 1, " ");	/* the cursor */
	tui_style(TR_DIM);
	if (hw > 0)
		tui_put_right(r->y, r->x + 1, r->w - 2, hint);
	tui_style(TR_NORMAL);
}
