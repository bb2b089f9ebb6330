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

#include "tui.h"

static attr_t tui_attrs[TR_COUNT];
static bool tui_utf8;

/* Foreground, background (-1: the terminal's), attributes. */
struct tui_look {
	short	 fg, bg;
	attr_t	 attr;
};

/*
 * The default is colour-blind safe: no meaning rests on red against
 * green.  Done/connected is blue, trouble is vermillion, waiting is
 * orange (Okabe and Ito's palette where the terminal has 256 colours,
 * the nearest of the eight otherwise), and every state also has a word.
 */
#define OI_ORANGE	214
#define OI_SKY		74
#define OI_GREEN	36
#define OI_BLUE		25
#define OI_VERMILLION	166
#define OI_PURPLE	175
static const struct tui_look tui_look256[TR_COUNT] = {
	[TR_NORMAL] =	{ -1, -1, A_NORMAL },
	[TR_TITLE] =	{ COLOR_WHITE, OI_BLUE, A_BOLD },
	[TR_HEADER] =	{ -1, -1, A_BOLD },
	[TR_DIM] =	{ -1, -1, A_DIM },
	[TR_PENDING] =	{ OI_ORANGE, -1, A_BOLD },
	[TR_BLOCKED] =	{ COLOR_WHITE, OI_VERMILLION, A_BOLD },
	[TR_OK] =	{ OI_SKY, -1, A_NORMAL },
	[TR_ERROR] =	{ OI_VERMILLION, -1, A_BOLD },
	[TR_QUEUE] =	{ OI_GREEN, -1, A_BOLD },
	[TR_CHANGED] =	{ OI_PURPLE, -1, A_BOLD },
	[TR_EXITED] =	{ OI_BLUE, -1, A_BOLD },
	[TR_KEY] =	{ COLOR_BLACK, OI_SKY, A_NORMAL },
	[TR_LINE] =	{ COLOR_BLACK, OI_ORANGE, A_NORMAL },
	[TR_LINE_BLOCKED] = { COLOR_WHITE, OI_VERMILLION, A_BOLD },
};
static const struct tui_look tui_look8[TR_COUNT] = {
	[TR_NORMAL] =	{ -1, -1, A_NORMAL },
	[TR_TITLE] =	{ COLOR_WHITE, COLOR_BLUE, A_BOLD },
	[TR_HEADER] =	{ -1, -1, A_BOLD },
	[TR_DIM] =	{ -1, -1, A_DIM },
	[TR_PENDING] =	{ COLOR_YELLOW, -1, A_BOLD },
	[TR_BLOCKED] =	{ COLOR_WHITE, COLOR_RED, A_BOLD },
	[TR_OK] =	{ COLOR_CYAN, -1, A_NORMAL },
	[TR_ERROR] =	{ COLOR_RED, -1, A_BOLD },
	[TR_QUEUE] =	{ COLOR_BLUE, -1, A_BOLD },
	[TR_CHANGED] =	{ COLOR_MAGENTA, -1, A_BOLD },
	[TR_EXITED] =	{ -1, -1, A_BOLD },
	[TR_KEY] =	{ COLOR_BLACK, COLOR_CYAN, A_NORMAL },
	[TR_LINE] =	{ COLOR_BLACK, COLOR_YELLOW, A_NORMAL },
	[TR_LINE_BLOCKED] = { COLOR_WHITE, COLOR_RED, A_BOLD },
};
/* The lecture hall: everything bold, meanings on solid backgrounds,
 * nothing dim (a projector washes dim text out). */
static const struct tui_look tui_look_projector[TR_COUNT] = {
	[TR_NORMAL] =	{ -1, -1, A_BOLD },
	[TR_TITLE] =	{ COLOR_BLACK, COLOR_WHITE, A_BOLD },
	[TR_HEADER] =	{ -1, -1, A_BOLD | A_UNDERLINE },
	[TR_DIM] =	{ -1, -1, A_NORMAL },
	[TR_PENDING] =	{ COLOR_BLACK, COLOR_YELLOW, A_BOLD },
	[TR_BLOCKED] =	{ COLOR_WHITE, COLOR_RED, A_BOLD },
	[TR_OK] =	{ COLOR_CYAN, -1, A_BOLD },
	[TR_ERROR] =	{ COLOR_WHITE, COLOR_RED, A_BOLD | A_UNDERLINE },
	[TR_QUEUE] =	{ COLOR_BLACK, COLOR_CYAN, A_BOLD },
	[TR_CHANGED] =	{ COLOR_BLACK, COLOR_MAGENTA, A_BOLD },
	[TR_EXITED] =	{ -1, -1, A_BOLD },
	[TR_KEY] =	{ COLOR_BLACK, COLOR_WHITE, A_BOLD },
	[TR_LINE] =	{ COLOR_BLACK, COLOR_YELLOW, A_BOLD },
	[TR_LINE_BLOCKED] = { COLOR_WHITE, COLOR_RED, A_BOLD },
};
/* Monochrome or NO_COLOR: attributes, next to words that say the same. */
static const attr_t tui_mono[TR_COUNT] = {
	[TR_NORMAL] =	A_NORMAL,
	[TR_TITLE] =	A_REVERSE | A_BOLD,
	[TR_HEADER] =	A_BOLD,
	[TR_DIM] =	A_DIM,
	[TR_PENDING] =	A_BOLD,
	[TR_BLOCKED] =	A_REVERSE | A_BOLD,
	[TR_OK] =	A_NORMAL,
	[TR_ERROR] =	A_BOLD | A_UNDERLINE,
	[TR_QUEUE] =	A_BOLD,
	[TR_CHANGED] =	A_BOLD | A_UNDERLINE,
	[TR_EXITED] =	A_DIM,
	[TR_KEY] =	A_REVERSE,
	[TR_LINE] =	A_REVERSE,
	[TR_LINE_BLOCKED] = A_REVERSE | A_BOLD,
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
	static bool colors_started;
	const char *nc = getenv("NO_COLOR");
	const char *cs = nl_langinfo(CODESET);
	const struct tui_look *look;
	int i;

	tui_utf8 = cs != NULL && (strcmp(cs, "UTF-8") == 0 ||
	    strcmp(cs, "utf8") == 0);
	t->utf8 = tui_utf8;
	t->color = has_colors() && (nc == NULL || *nc == '\0');
	if (t->color && !colors_started) {
		start_color();
		use_default_colors();
		colors_started = true;
	}
	look = t->projector ? tui_look_projector :
	    COLORS >= 256 ? tui_look256 : tui_look8;
	for (i = 0; i < TR_COUNT; i++) {
		if (!t->color) {
			tui_attrs[i] = tui_mono[i] |
			    (t->projector ? A_BOLD : A_NORMAL);
			continue;
		}
		tui_attrs[i] = look[i].attr;
		if (look[i].fg == -1 && look[i].bg == -1)
			continue;
		init_pair((short)i, look[i].fg, look[i].bg);
		tui_attrs[i] |= COLOR_PAIR(i);
	}
}

void
tui_style(enum tui_role role)
{
	attrset(tui_attrs[role]);
}

/* TCP states in colour: open ones as done, half-open as waiting, gone dim. */
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
