/*
 * tui-theme.c - colours by meaning, and what stands in for them on a
 * monochrome terminal or with NO_COLOR: attributes (bold, reverse,
 * underline) next to words that say the same ("BLOCKED", "NEW").  Also
 * the glyphs, with ASCII for a locale that is not UTF-8.
 */
#include <curses.h>
#include <langinfo.h>
#include <stdlib.h>
#include <string.h>

#include "sockstep.h"

static attr_t tui_attrs[TR_COUNT];
static bool tui_utf8;

/* Colour: foreground, background (-1: the terminal's), attributes. */
static const struct {
	short	 fg, bg;
	attr_t	 attr;
	attr_t	 mono;
} tui_roles[TR_COUNT] = {
	[TR_NORMAL] =	{ -1, -1, A_NORMAL, A_NORMAL },
	[TR_TITLE] =	{ COLOR_WHITE, COLOR_BLUE, A_BOLD, A_REVERSE | A_BOLD },
	[TR_HEADER] =	{ -1, -1, A_BOLD, A_BOLD },
	[TR_DIM] =	{ -1, -1, A_DIM, A_DIM },
	[TR_PENDING] =	{ COLOR_YELLOW, -1, A_BOLD, A_BOLD },
	[TR_BLOCKED] =	{ COLOR_WHITE, COLOR_RED, A_BOLD, A_REVERSE | A_BOLD },
	[TR_OK] =	{ COLOR_GREEN, -1, A_NORMAL, A_NORMAL },
	[TR_ERROR] =	{ COLOR_RED, -1, A_BOLD, A_BOLD | A_UNDERLINE },
	[TR_QUEUE] =	{ COLOR_CYAN, -1, A_BOLD, A_BOLD },
	[TR_CHANGED] =	{ COLOR_MAGENTA, -1, A_BOLD, A_BOLD | A_UNDERLINE },
	[TR_EXITED] =	{ COLOR_BLUE, -1, A_BOLD, A_DIM },
	[TR_KEY] =	{ COLOR_BLACK, COLOR_CYAN, A_NORMAL, A_REVERSE },
	[TR_LINE] =	{ COLOR_BLACK, COLOR_YELLOW, A_NORMAL, A_REVERSE },
	[TR_LINE_BLOCKED] = { COLOR_WHITE, COLOR_RED, A_BOLD,
			    A_REVERSE | A_BOLD },
};

static const char *const tui_glyphs[TG_COUNT][2] = {	/* UTF-8, ASCII */
	[TG_RIGHT] =	{ "→", "->" },
	[TG_LEFT] =	{ "←", "<-" },
	[TG_BOTH] =	{ "↔", "<->" },
	[TG_MARK] =	{ "▶", ">" },
	[TG_DONE] =	{ "✓", "*" },
	[TG_HEAD_R] =	{ "▶", ">" },
	[TG_HEAD_L] =	{ "◀", "<" },
	[TG_LINE] =	{ "─", "-" },
	[TG_VLINE] =	{ "│", "|" },
	[TG_ELLIPSIS] =	{ "…", "~" },
	[TG_DASH] =	{ "—", "-" },
	[TG_SLOT_FULL] = { "▮", "#" },
	[TG_SLOT_EMPTY] = { "▯", "-" },
	[TG_BIG_FULL] =	{ "██", "##" },
	[TG_BIG_EMPTY] = { "░░", "--" },
	[TG_CORNER] =	{ "└", "`" },
	[TG_FLOW] =	{ "→", "-" },	/* ASCII ">" would read as the mark */
	[TG_FLOW_DONE] = { "⇒", "=" },
};

void
tui_theme_init(struct tui *t)
{
	const char *nc = getenv("NO_COLOR");
	const char *cs = nl_langinfo(CODESET);
	int i;

	tui_utf8 = cs != NULL && (strcmp(cs, "UTF-8") == 0 ||
	    strcmp(cs, "utf8") == 0);
	t->utf8 = tui_utf8;
	t->color = has_colors() && (nc == NULL || *nc == '\0');
	if (t->color) {
		start_color();
		use_default_colors();
	}
	for (i = 0; i < TR_COUNT; i++) {
		if (!t->color) {
			tui_attrs[i] = tui_roles[i].mono;
			continue;
		}
		tui_attrs[i] = tui_roles[i].attr;
		if (tui_roles[i].fg == -1 && tui_roles[i].bg == -1)
			continue;
		init_pair((short)i, tui_roles[i].fg, tui_roles[i].bg);
		tui_attrs[i] |= COLOR_PAIR(i);
	}
}

void
tui_style(enum tui_role role)
{
	attrset(tui_attrs[role]);
}

/* TCP states in colour: open ones green, half-open yellow, gone dim. */
enum tui_role
tui_state_role(int state)
{
	switch (state) {
	case 1:			/* ESTABLISHED */
		return TR_OK;
	case TCP_LISTEN_STATE:
		return TR_QUEUE;
	case 2:			/* SYN-SENT */
	case 3:			/* SYN-RECV */
		return TR_PENDING;
	case 7:			/* CLOSE */
	case 6:			/* TIME-WAIT */
		return TR_DIM;
	default:		/* FIN-WAIT, CLOSE-WAIT, LAST-ACK, CLOSING */
		return TR_NORMAL;
	}
}

const char *
tui_glyph(enum tui_glyph g)
{
	return tui_glyphs[g][tui_utf8 ? 0 : 1];
}
