/*
 * tui-help.c - the key bar that is always there, the help overlay
 * behind '?', and the message for a window too small to draw in.
 */
#include <curses.h>
#include <string.h>

#include "tui.h"

struct tui_keyhelp {
	const char	*key;
	const char	*label;		/* roomy */
	const char	*brief;		/* 80 columns */
};

/* pad: a space either side of the key, when there is room for it. */
static int
tui_key_item(int y, int x, int w, const char *key, const char *label,
    bool pad)
{
	int used;

	if (w <= 0)
		return 0;
	tui_style(TR_KEY);
	used = tui_putf(y, x, w, pad ? " %s " : "%s", key);
	tui_style(TR_NORMAL);
	used += tui_putf(y, x + used, w - used, " %s  ", label);
	return used;
}

/* Keys the bar leaves out when short of room. */
static bool
tui_key_hidden(const struct tui *t, const char *key, int pass)
{
	if (strcmp(key, "1-9/Tab") == 0)
		return t->d.s.nclients < 2 || pass > 0;
	if (strcmp(key, "l") == 0)
		return pass > 2;
	return false;
}

void
tui_draw_keys(struct tui *t, const struct tui_rect *r)
{
	char client[32], client_brief[32], guided[48];
	struct tui_keyhelp items[] = {
		{ "s", _("step server"), _("server") },
		{ "c", client, client_brief },
		{ "S/C", _("run until blocked"), _("run") },
		{ "space", guided, guided },
		{ "1-9/Tab", _("client"), _("client") },
		{ "r", _("restart"), _("restart") },
		{ "l", _("lessons"), _("lessons") },
		{ "?", _("help"), _("help") },
		{ "q", _("quit"), _("quit") },
	};
	size_t n = sizeof items / sizeof items[0], i;
	int pass, x, width;

	if (t->d.s.nclients > 1) {
		snprintf(client, sizeof client, _("step client %d"),
		    t->client);
		snprintf(client_brief, sizeof client_brief, _("client %d"),
		    t->client);
	} else {
		snprintf(client, sizeof client, "%s", _("step client"));
		snprintf(client_brief, sizeof client_brief, "%s",
		    _("client"));
	}
	if (t->d.s.nsteps == 0)
		snprintf(guided, sizeof guided, "%s", _("guided: none"));
	else if (t->d.guided >= t->d.s.nsteps)
		snprintf(guided, sizeof guided, "%s", _("guided: done"));
	else
		snprintf(guided, sizeof guided, _("guided: %s"),
		    t->d.s.steps[t->d.guided].token);
	/* Long labels if they all fit, else brief ones, else unpadded keys,
	 * else without the lesson menu (? lists every key). */
	for (pass = 0; pass < 4; pass++) {
		width = 0;
		for (i = 0; i < n; i++) {
			if (tui_key_hidden(t, items[i].key, pass))
				continue;
			width += tui_width(items[i].key) + (pass < 2 ? 2 : 0) +
			    tui_width(pass == 0 ? items[i].label :
			    items[i].brief) + 3;
		}
		if (width <= r->w || pass == 3)
			break;
	}
	x = r->x;
	for (i = 0; i < n; i++) {
		if (tui_key_hidden(t, items[i].key, pass))
			continue;
		x += tui_key_item(r->y, x, r->x + r->w - x, items[i].key,
		    pass == 0 ? items[i].label : items[i].brief, pass < 2);
	}
}

static const char *const tui_help_text[] = {
	N_("Step a real TCP server and client one socket call at a time."),
	N_("Each side is paused before its next socket call; a key runs it."),
	"",
	N_("  s        step the server: run its call, pause before the next"),
	N_("  c        step the client (1-9 or Tab choose among clients)"),
	N_("  S / C    run that side until it blocks or exits"),
	N_("  space    the next step of the lesson's guided order"),
	N_("  1-9      answer the lesson's question    l  the lesson menu"),
	N_("  b / f    step back (replayed) / forward  p  projector theme"),
	N_("  click    on a column steps that side"),
	N_("  PgUp/PgDn/End  scroll the timeline"),
	N_("  r        restart    k / K  end the server / client    q  quit"),
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

void
tui_draw_help(struct tui *t)
{
	const char *const *colors = t->color ? tui_help_colors : tui_help_mono;
	int h = 0, w = 70, y, x, i, row;

	for (i = 0; tui_help_text[i] != NULL; i++)
		h++;
	for (i = 0; colors[i] != NULL; i++)
		h++;
	h += 5;
	if (h > LINES)		/* 80x24 holds it all; less drops colours */
		h = LINES;
	y = (LINES - h) / 2;
	x = (COLS - w) / 2;
	tui_box(y, x, h, w, NULL);
	tui_style(TR_HEADER);
	tui_putf(y, x + 2, w - 4, " %s ", _("sockstep help"));
	tui_style(TR_NORMAL);
	row = y + 2;
	for (i = 0; tui_help_text[i] != NULL; i++)
		tui_put(row++, x + 2, w - 4, *tui_help_text[i] != '\0' ?
		    _(tui_help_text[i]) : "");
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
